// The --import entry of every test child (set by the reporter through NODE_OPTIONS): the package's
// dist/reporters/preload-entry.js, or, for the zero-install bundle, this file bundled on its own and
// written next to the run's journals (scripts/bundle.mjs), so a test process never loads the whole bundle.
import { installPreload } from './preload.js';

await installPreload(import.meta.url);
