// Builds dist/llm-report.mjs: ONE file with every runtime dependency, the ajv standalone validators and
// the templates inlined. It is the reporter (default export), the CLI (when run as a script) and the
// preload of its own test children (when imported inside one).
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { brotliCompressSync, constants as zlib } from 'node:zlib';

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
// Start-up (issue #16): V8 reads every function of the file at import (it must, to find where each
// ends), whether or not the run calls it, and a bundled module's top level runs when the file is
// imported. So the big modules only some runs need (the LLM client, YAML configuration and requirement
// files, evidence archives, the record validators) are carried as (brotli-compressed) text, each bundled on its own as a
// CommonJS function body, and compiled on first use (STRINGS; a string literal costs V8 a scan, not a
// parse). Our imports of them get a stand-in exporting the names listed here (a new name fails the build):
// functions that load the module on their first call (constructors too), or, for a module only ever
// imported with import(), its exports (esbuild evaluates such a module when it is imported).
const STRINGS = {
  yaml: { entry: 'yaml', names: ['LineCounter', 'isMap', 'isScalar', 'isSeq', 'parseDocument'] },
  'tar-stream': { entry: 'tar-stream', names: ['extract', 'pack'] },
  openai: { entry: 'openai', dynamic: true, names: ['default', 'APIConnectionError', 'APIConnectionTimeoutError', 'APIError'] },
  // ajv standalone validators: each call also copies `.errors`, which callers read after a call.
  './validate-records.js': {
    entry: path.join(root, 'lib', 'generated', 'validate-records.js'),
    importer: path.join(root, 'lib', 'generated') + path.sep,
    validators: true,
    names: ['validateAddendum', 'validateAnnotation', 'validateInventory', 'validateLine', 'validateManifest', 'validateReport'],
  },
};
async function moduleText(spec) {
  const { entry, names } = STRINGS[spec];
  const reexports = names.map((n) => (n === 'default' ? `export { default } from ${JSON.stringify(entry)};` : `export { ${n} } from ${JSON.stringify(entry)};`)).join('\n');
  const r = await build({
    ...common,
    banner: {},
    format: 'cjs',
    stdin: { contents: reexports, resolveDir: root, loader: 'js', sourcefile: `llmr-string:${spec}` },
    write: false,
  });
  return r.outputFiles[0].text;
}
const stringModules = {
  name: 'string-modules',
  setup(b) {
    const specs = Object.keys(STRINGS);
    const filter = new RegExp(`^(${specs.map((n) => n.replace(/[-/.]/g, '\\$&')).join('|')})$`);
    b.onResolve({ filter }, (args) => {
      const m = STRINGS[args.path];
      if (args.namespace === 'llmr-string' || args.importer.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
      if (m.importer && !args.importer.startsWith(m.importer)) return undefined;
      return { path: args.path, namespace: 'llmr-string' };
    });
    b.onResolve({ filter: /^llmr-string-runtime$/ }, () => ({ path: 'runtime', namespace: 'llmr-string-runtime' }));
    b.onLoad({ filter: /.*/, namespace: 'llmr-string-runtime' }, () => ({
      resolveDir: root,
      loader: 'js',
      contents: [
        `import { createRequire } from 'node:module';`,
        `import { runInThisContext } from 'node:vm';`,
        `const req = createRequire(import.meta.url);`,
        // Carried brotli-compressed (base64): ~600 KB of module text fits in ~150 KB; decompressed once, on first use.
        `export function evalModule(packed, name) {`,
        `  const text = req('node:zlib').brotliDecompressSync(Buffer.from(packed, 'base64')).toString('utf8');`,
        `  const module = { exports: {} };`,
        `  runInThisContext('(function (exports, require, module) {' + text + '\\n})', { filename: 'llm-report.mjs:' + name })(module.exports, req, module);`,
        `  return module.exports;`,
        `}`,
      ].join('\n'),
    }));
    b.onLoad({ filter: /.*/, namespace: 'llmr-string' }, async (args) => {
      const m = STRINGS[args.path];
      const text = await moduleText(args.path);
      // Fixed parameters: the same brotli gives the same bytes (test/release-reproducible.test.ts).
      const packed = brotliCompressSync(Buffer.from(text, 'utf8'), { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: Buffer.byteLength(text) } }).toString('base64');
      const head = [`import { evalModule } from 'llmr-string-runtime';`, `const text = ${JSON.stringify(packed)};`];
      if (m.dynamic) {
        return { resolveDir: root, loader: 'js', contents: [...head, `const m = evalModule(text, ${JSON.stringify(args.path)});`,
          ...m.names.map((n) => (n === 'default' ? `export default m.default;` : `export const ${n} = m.${n};`))].join('\n') };
      }
      const body = m.validators
        ? (n) => `export const ${n} = function (...a) { const v = load().${n}; const r = v.apply(this, a); ${n}.errors = v.errors; return r; };\n${n}.errors = null;`
        : (n) => `export function ${n}(...a) { const f = load().${n}; return new.target ? new f(...a) : f(...a); }`;
      return { resolveDir: root, loader: 'js', contents: [...head, `let m;`, `const load = () => (m ??= evalModule(text, ${JSON.stringify(args.path)}));`, ...m.names.map(body)].join('\n') };
    });
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
  plugins: [inlineTemplates, inlinePreload, stringModules],
  // Optional (PDF only), loaded by lib/render/pdf.ts with a dynamic import when present; never bundled.
  external: ['playwright-core'],
});
if (process.env.LLMR_BUNDLE_META) (await import('node:fs')).writeFileSync(process.env.LLMR_BUNDLE_META, JSON.stringify(mainResult.metafile));
console.log(`bundle: dist/llm-report.mjs ${(statSync(outfile).size / 1024).toFixed(1)} KiB (test-child preload ${(Buffer.byteLength(preloadText) / 1024).toFixed(1)} KiB)`);
