// Builds dist/llm-report.mjs: ONE file with every runtime dependency, the ajv standalone validators and
// the templates inlined. It is the reporter (default export), the CLI (when run as a script) and the
// preload of its own test children (when imported inside one).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { statSync } from 'node:fs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outfile = path.join(root, 'dist', 'llm-report.mjs');
await build({
  entryPoints: [path.join(root, 'reporters', 'bundle-entry.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20.19',
  format: 'esm',
  legalComments: 'inline',
  define: { __LLMR_BUNDLE__: 'true' },
  // Deterministic output: no absolute paths, no timestamps.
  sourcemap: false,
  minify: false,
  logLevel: 'warning',
  banner: { js: "import { createRequire as __llmrCreateRequire } from 'node:module'; const require = __llmrCreateRequire(import.meta.url);" },
});
console.log(`bundle: dist/llm-report.mjs ${(statSync(outfile).size / 1024).toFixed(1)} KiB`);
