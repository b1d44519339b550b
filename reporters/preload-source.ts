// The zero-install bundle's test-child preload, as text. scripts/bundle.mjs swaps this module for
// reporters/preload-entry.ts bundled on its own; the installed package has none (children import
// dist/reporters/preload-entry.js).
export const PRELOAD_SOURCE: string | undefined = undefined;
