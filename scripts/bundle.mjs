// Builds dist/llm-report.mjs: ONE file with every runtime dependency, the ajv standalone validators and
// the templates inlined. It is the reporter (default export), the CLI (when run as a script) and the
// preload of its own test children (when imported inside one).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { readdirSync, readFileSync, statSync } from 'node:fs';

// The page script first: templates/report.js is generated from lib/render/page/ (scripts/build-page.mjs).
await import('./build-page.mjs');

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outfile = path.join(root, 'dist', 'llm-report.mjs');

// The HTML templates, stylesheet and script (templates/*) go into the bundle as text: lib/render/html/
// assets.js, which reads them from the package at run time, is swapped for a module importing each file
// with the text loader (set per file here, since templates/report.js, the built page script, must not
// load as JavaScript).
const templatesDir = path.join(root, 'templates');
const inlineTemplates = {
  name: 'inline-templates',
  setup(b) {
    b.onResolve({ filter: /^\.\/assets\.js$/ }, (args) =>
      args.importer.startsWith(path.join(root, 'lib', 'render', 'html') + path.sep) ? { path: 'templates', namespace: 'llmr-templates' } : undefined);
    b.onLoad({ filter: /.*/, namespace: 'llmr-templates' }, () => {
      const names = readdirSync(templatesDir).sort();
      const imports = names.map((n, i) => `import t${i} from ${JSON.stringify('llmr-template:' + n)};`);
      const entries = names.map((n, i) => `${JSON.stringify(n)}: t${i}`);
      return { loader: 'js', contents: `${imports.join('\n')}\nconst files = Object.freeze({ ${entries.join(', ')} });\nexport function templateFiles() { return files; }\n` };
    });
    // Repo-relative POSIX path: esbuild prints it in a comment, and the release bundle must not depend on
    // where the checkout lives (test/release-reproducible.test.ts).
    b.onResolve({ filter: /^llmr-template:/ }, (args) => ({ path: 'templates/' + args.path.slice('llmr-template:'.length), namespace: 'llmr-template-file' }));
    b.onLoad({ filter: /.*/, namespace: 'llmr-template-file' }, (args) => ({ contents: readFileSync(path.join(root, args.path), 'utf8'), loader: 'text' }));
  },
};
// Start-up (issue #16): a bundled module's top level runs when the file is imported, whether or not the
// run ever uses it. These CommonJS packages are only needed by some commands (YAML configuration and
// requirement files, evidence archives), so our imports of them get a stand-in whose functions load the
// package on first call: esbuild turns the stand-in's require() into a call of the package's wrapper,
// evaluated there, synchronously. Each name our code imports is listed; a new one fails the build.
const LAZY = {
  yaml: ['LineCounter', 'isMap', 'isScalar', 'isSeq', 'parseDocument'],
  'tar-stream': ['extract', 'pack'],
};
const lazyPackages = {
  name: 'lazy-packages',
  setup(b) {
    const filter = new RegExp(`^(${Object.keys(LAZY).map((n) => n.replace(/[-/]/g, '\\$&')).join('|')})$`);
    b.onResolve({ filter }, (args) => (args.namespace === 'llmr-lazy' || args.importer.includes(`${path.sep}node_modules${path.sep}`) ? undefined : { path: args.path, namespace: 'llmr-lazy' }));
    b.onLoad({ filter: /.*/, namespace: 'llmr-lazy' }, (args) => ({
      resolveDir: root,
      loader: 'js',
      contents: [`let m;`, `const load = () => (m ??= require(${JSON.stringify(args.path)}));`,
        ...LAZY[args.path].map((n) => `export function ${n}(...a) { const f = load().${n}; return new.target ? new f(...a) : f(...a); }`)].join('\n'),
    }));
  },
};
// What both builds share. Deterministic output: no absolute paths, no timestamps. esbuild names each
// module in a comment by its path relative to the checkout; with a symlinked node_modules the real path
// would leak where the link points, so keep the link's path (npm's flat layout has no duplicate
// packages to tell apart).
const common = {
  bundle: true,
  platform: 'node',
  target: 'node20.19',
  format: 'esm',
  legalComments: 'inline',
  preserveSymlinks: true,
  sourcemap: false,
  // Minified (issue #16: the single file <= 1 MiB, less to parse at every start). Names too: users never
  // see our stack traces (every failure is a one-line coded message), and the tsc build in dist/ keeps
  // readable sources for debugging.
  minify: true,
  logLevel: 'warning',
  banner: { js: "import { createRequire as __llmrCreateRequire } from 'node:module'; const require = __llmrCreateRequire(import.meta.url);" },
};

// Test children import a small preload, not this whole file: bundle reporters/preload-entry.ts on its
// own and carry it as text in place of reporters/preload-source.ts; the reporter writes it out per run.
const preload = await build({
  ...common,
  entryPoints: [path.join(root, 'reporters', 'preload-entry.ts')],
  write: false,
});
const preloadText = preload.outputFiles[0].text;
const inlinePreload = {
  name: 'inline-preload',
  setup(b) {
    b.onResolve({ filter: /^\.\/preload-source\.js$/ }, (args) =>
      args.importer.startsWith(path.join(root, 'reporters') + path.sep) ? { path: 'preload-source', namespace: 'llmr-preload' } : undefined);
    b.onLoad({ filter: /.*/, namespace: 'llmr-preload' }, () => ({ loader: 'js', contents: `export const PRELOAD_SOURCE = ${JSON.stringify(preloadText)};\n` }));
  },
};
const mainResult = await build({
  ...common,
  // LLMR_BUNDLE_META=<file>: esbuild's metafile (what each module adds to the size), for size work.
  metafile: Boolean(process.env.LLMR_BUNDLE_META),
  entryPoints: [path.join(root, 'reporters', 'bundle-entry.ts')],
  outfile,
  define: { __LLMR_BUNDLE__: 'true' },
  plugins: [inlineTemplates, inlinePreload, lazyPackages],
  // Optional (PDF only), loaded by lib/render/pdf.ts with a dynamic import when present; never bundled.
  external: ['playwright-core'],
});
if (process.env.LLMR_BUNDLE_META) (await import('node:fs')).writeFileSync(process.env.LLMR_BUNDLE_META, JSON.stringify(mainResult.metafile));
console.log(`bundle: dist/llm-report.mjs ${(statSync(outfile).size / 1024).toFixed(1)} KiB (test-child preload ${(Buffer.byteLength(preloadText) / 1024).toFixed(1)} KiB)`);
