// The page's templates, stylesheet and script: the files of templates/, by name. Read once from the
// package (they ship next to dist/). The zero-install bundle replaces this module with one that imports
// the same files as text (scripts/bundle.mjs), so the bundle carries them and reads nothing.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

let cache: Readonly<Record<string, string>> | undefined;

export function templateFiles(): Readonly<Record<string, string>> {
  if (cache) return cache;
  // dist/lib/render/html/assets.js -> <package>/templates/
  const dir = fileURLToPath(new URL('../../../../templates/', import.meta.url));
  const files: Record<string, string> = {};
  for (const name of readdirSync(dir).sort()) files[name] = readFileSync(dir + name, 'utf8');
  cache = Object.freeze(files);
  return cache;
}
