// The --import entry of the installed package.
import { fileURLToPath } from 'node:url';
import { installPreload } from './preload.js';

// dist/reporters/preload-entry.js: the package root is two levels up.
installPreload(import.meta.url, fileURLToPath(new URL('../../', import.meta.url)).replace(/[\\/]$/, ''));
