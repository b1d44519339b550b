// The --import entry of the installed package.
import { installPreload } from './preload.js';

installPreload();
