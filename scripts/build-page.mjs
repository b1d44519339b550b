// Builds the page script: lib/render/page/main.ts (TypeScript, checked by lib/render/page/tsconfig.json)
// bundled and minified into templates/report.js, the one inline script of report.html (CSP-hashed by
// lib/render/html/index.ts). Generated, not committed: the package reads templates/ at run time and
// scripts/bundle.mjs inlines the same file, so both get this build.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const result = await build({
  entryPoints: [path.join(root, 'lib', 'render', 'page', 'main.ts')],
  outfile: path.join(root, 'templates', 'report.js'),
  bundle: true,
  format: 'iife',
  platform: 'browser',
  // Browsers of the last few years; the report must open in what a reviewer has.
  target: ['chrome100', 'firefox100', 'safari15'],
  minify: true,
  legalComments: 'none',
  sourcemap: false,
  charset: 'utf8',
  logLevel: 'warning',
  banner: { js: '// llm-report page script, generated from lib/render/page/ by scripts/build-page.mjs' },
  metafile: true,
});
if (result.errors.length) process.exit(1);
