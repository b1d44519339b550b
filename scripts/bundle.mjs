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
  // Globs (coverage include/exclude, requirement mappings) and merging V8 coverage: needed once a run
  // starts, not to import the reporter. v8-coverage's default export is an object: defaultObject.
  picomatch: { entry: 'picomatch', names: ['default'] },
  '@bcoe/v8-coverage': { entry: '@bcoe/v8-coverage', defaultObject: true, names: ['mergeProcessCovs'] },
  openai: { entry: 'openai', dynamic: true, names: ['default', 'APIConnectionError', 'APIConnectionTimeoutError', 'APIError'] },
  // ajv standalone validators: each call also copies `.errors`, which callers read after a call.
  './validate-records.js': {
    entry: path.join(root, 'lib', 'generated', 'validate-records.js'),
    importer: path.join(root, 'lib', 'generated') + path.sep,
    validators: true,
    names: ['validateAddendum', 'validateAnnotation', 'validateInventory', 'validateLine', 'validateManifest', 'validateReport'],
  },
  // The configuration's: a run without a configuration file or LLM_REPORT_* variables never calls it.
  '../generated/validate-config.js': {
    entry: path.join(root, 'lib', 'generated', 'validate-config.js'),
    importer: path.join(root, 'lib', 'config') + path.sep,
    validators: true,
    names: ['validateConfig'],
  },
};
const packedText = new Map();
/** Brotli (fixed parameters: the same input gives the same bytes, test/release-reproducible.test.ts), base64. */
function pack(text) {
  return brotliCompressSync(Buffer.from(text, 'utf8'), { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: Buffer.byteLength(text) } }).toString('base64');
}
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
        `let nodeRequire;`,
        `const req = (id) => (nodeRequire ??= process.getBuiltinModule('node:module').createRequire(import.meta.url))(id);`,
        // Carried brotli-compressed (base64): ~600 KB of module text fits in ~150 KB; decompressed once, on
        // first use. node:zlib and node:vm are loaded then too.
        // core: the modules of this file a deferred chunk (DEFERRED) shares with it, by their build path.
        `export function evalModule(packed, name, core) {`,
        `  const text = req('node:zlib').brotliDecompressSync(Buffer.from(packed, 'base64')).toString('utf8');`,
        `  const module = { exports: {} };`,
        `  const load = core ? (id) => (id.startsWith('llmr-core:') ? core[id.slice(10)] : req(id)) : req;`,
        `  req('node:vm').runInThisContext('(function (exports, require, module, __llmrUrl) {' + text + '\\n})', { filename: 'llm-report.mjs:' + name })(module.exports, load, module, import.meta.url);`,
        `  return module.exports;`,
        `}`,
      ].join('\n'),
    }));
    b.onLoad({ filter: /.*/, namespace: 'llmr-string' }, async (args) => {
      const m = STRINGS[args.path];
      if (!packedText.has(args.path)) packedText.set(args.path, pack(await moduleText(args.path)));
      const packed = packedText.get(args.path);
      const head = [`import { evalModule } from 'llmr-string-runtime';`, `const text = ${JSON.stringify(packed)};`];
      if (m.dynamic) {
        return { resolveDir: root, loader: 'js', contents: [...head, `const m = evalModule(text, ${JSON.stringify(args.path)});`,
          ...m.names.map((n) => (n === 'default' ? `export default m.default;` : `export const ${n} = m.${n};`))].join('\n') };
      }
      if (m.defaultObject) {
        return { resolveDir: root, loader: 'js', contents: [...head, `let m;`, `const load = () => (m ??= evalModule(text, ${JSON.stringify(args.path)}));`,
          `export default { ${m.names.map((n) => `${n}(...a) { return load().${n}(...a); }`).join(', ')} };`].join('\n') };
      }
      const body = m.validators
        ? (n) => `export const ${n} = function (...a) { const v = load().${n}; const r = v.apply(this, a); ${n}.errors = v.errors; return r; };\n${n}.errors = null;`
        : (n) => `export ${n === 'default' ? 'default function' : `function ${n}`}(...a) { const f = load().${n}; return new.target ? new f(...a) : f(...a); }`;
      return { resolveDir: root, loader: 'js', contents: [...head, `let m;`, `const load = () => (m ??= evalModule(text, ${JSON.stringify(args.path)}));`, ...m.names.map(body)].join('\n') };
    });
  },
};
// Start-up (issue #16): a builtin imported as ES module costs its import the module's facade (node reads
// every export; node:fs's include its streams), and node:crypto alone about 4 ms to load. Our modules in
// the file get each builtin from process.getBuiltinModule, loaded on the first call of one of its
// functions (values and classes, when the module that imports them is evaluated). The names are the
// builder's node's; esbuild keeps only those imported.
const lazyBuiltins = {
  name: 'lazy-builtins',
  setup(b) {
    b.onResolve({ filter: /^node:/ }, (args) =>
      args.importer.includes(`${path.sep}node_modules${path.sep}`) ? undefined : { path: args.path, namespace: 'llmr-builtin' });
    b.onLoad({ filter: /.*/, namespace: 'llmr-builtin' }, (args) => {
      const real = process.getBuiltinModule(args.path);
      const lines = [`let m;`, `const mod = () => (m ??= process.getBuiltinModule(${JSON.stringify(args.path)}));`, `export default /* @__PURE__ */ mod();`];
      for (const name of Object.keys(real).sort()) {
        if (!/^[A-Za-z_$][\w$]*$/.test(name) || name === 'default') continue;
        lines.push(typeof real[name] === 'function' && !/^[A-Z]/.test(name)
          ? `export function ${name}(...a) { return mod().${name}(...a); }`
          : `export const ${name} = /* @__PURE__ */ (() => mod().${name})();`);
      }
      return { loader: 'js', contents: lines.join('\n') };
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
  // Module names in the metafile (DEFERRED matches them) are relative to the checkout.
  absWorkingDir: root,
  // The bundled CommonJS packages' require(): builtins only (everything else is bundled).
  banner: { js: "const require = (id) => process.getBuiltinModule(id) ?? process.getBuiltinModule('node:module').createRequire(import.meta.url)(id);" },
};

// Test children import a small preload, not this whole file: bundle reporters/preload-entry.ts on its
// own and carry it as text in place of reporters/preload-source.ts; the reporter writes it out per run.
// Builtins lazily here too: the coverage collector is only evaluated when coverage is on, and with it
// node:inspector (which loads node:worker_threads: about 8 ms of a test process's CPU with coverage off).
const preload = await build({
  ...common,
  entryPoints: [path.join(root, 'reporters', 'preload-entry.ts')],
  plugins: [lazyBuiltins],
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
// Start-up (issue #16), the rest: what a reporter needs only at the end of a run (writing report.json,
// the HTML page, the evidence seal, auto-annotation, coverage of a change, the CI summary) and what only
// `node llm-report.mjs <command>` runs (the CLI) is one deferred chunk: a CommonJS function body carried
// compressed like STRINGS, compiled on first use, whose modules import the ones this file has anyway
// (configuration, redaction, the report's fold...) from it, so the two share one copy and one state.
// Each entry is a module as one importer of ours names it; the importer gets a stand-in exporting the
// names listed (functions, constructors too, that load the chunk on their first call).
const DEFERRED = [
  { importer: 'reporters/bundle-entry.ts', spec: '../lib/cli/run.js', names: ['runCli'] },
  { importer: 'reporters/recorder.ts', spec: '../lib/output/write.js', names: ['writeRun'] },
  { importer: 'reporters/recorder.ts', spec: '../lib/output/evidence.js', names: ['endWarnings', 'prepareEvidence', 'sealDir', 'withMapped', 'writeEvidenceInputs'] },
  { importer: 'reporters/recorder.ts', spec: '../lib/llm/auto.js', names: ['autoAnnotate'] },
  { importer: 'reporters/recorder.ts', spec: '../lib/cli/changes.js', names: ['changesForRun', 'describeChanges'] },
  { importer: 'reporters/recorder.ts', spec: '../lib/ci/github.js', names: ['emitGithub'] },
];
const posix = (p) => p.split(path.sep).join('/');
/** The stand-ins; later: the packed chunk and the modules it shares (undefined: stand-ins for the first build, which finds the modules the file has). */
function deferredModules(later) {
  return {
    name: 'deferred-modules',
    setup(b) {
      b.onResolve({ filter: /^\.\.?\// }, (args) => {
        const i = DEFERRED.findIndex((d) => d.spec === args.path && posix(path.relative(root, args.importer)) === d.importer);
        return i < 0 ? undefined : { path: String(i), namespace: 'llmr-deferred' };
      });
      b.onLoad({ filter: /.*/, namespace: 'llmr-deferred' }, (args) => {
        const i = Number(args.path);
        const body = (n) => `export function ${n}(...a) { const f = later().d${i}_${n}; return new.target ? new f(...a) : f(...a); }`;
        return { resolveDir: root, loader: 'js', contents: [`import { later } from 'llmr-later';`, ...DEFERRED[i].names.map(body)].join('\n') };
      });
      b.onResolve({ filter: /^llmr-later$/ }, () => ({ path: 'later', namespace: 'llmr-later' }));
      b.onLoad({ filter: /.*/, namespace: 'llmr-later' }, () => {
        if (!later) return { resolveDir: root, loader: 'js', contents: `import 'llmr-string-runtime';\nexport const later = () => ({});` };
        const keys = [...later.core].sort();
        const imports = keys.map((k, i) => (later.formats.get(k) === 'cjs' || later.defaultOnly.has(k) ? `import c${i} from ${JSON.stringify('llmr-core:' + k)};` : `import * as c${i} from ${JSON.stringify('llmr-core:' + k)};`));
        const table = keys.map((k, i) => `${JSON.stringify(k)}: c${i}`).join(', ');
        return {
          resolveDir: root,
          loader: 'js',
          contents: [`import { evalModule } from 'llmr-string-runtime';`, ...imports, `const text = ${JSON.stringify(later.packed)};`, `let m;`,
            `export const later = () => (m ??= evalModule(text, 'later', { ${table} }));`].join('\n'),
        };
      });
      // The chunk's imports of this file's modules, by build path: a file, or a module of one of our namespaces.
      b.onResolve({ filter: /^llmr-core:/ }, (args) => {
        const key = args.path.slice('llmr-core:'.length);
        const colon = key.indexOf(':');
        return colon < 0 ? { path: path.join(root, key) } : { path: key.slice(colon + 1), namespace: key.slice(0, colon) };
      });
    },
  };
}
const mainOptions = {
  ...common,
  entryPoints: [path.join(root, 'reporters', 'bundle-entry.ts')],
  define: { __LLMR_BUNDLE__: 'true' },
  // Optional (PDF only), loaded by lib/render/pdf.ts with a dynamic import when present; never bundled.
  external: ['playwright-core'],
};
// 1. Which modules the file has without the deferred ones.
const probe = await build({ ...mainOptions, metafile: true, write: false, plugins: [lazyBuiltins, inlineTemplates, inlinePreload, stringModules, deferredModules(undefined)] });
const formats = new Map(Object.entries(probe.metafile.inputs).filter(([k]) => !k.startsWith('llmr-deferred:') && !k.startsWith('llmr-later:')).map(([k, v]) => [k, v.format]));
// 2. The chunk: the deferred modules and what only they import; the rest comes from the file.
const core = new Set();
const defaultOnly = new Set();
const shareCore = {
  name: 'share-core',
  setup(b) {
    b.onResolve({ filter: /.*/ }, async (args) => {
      if (args.pluginData?.llmrInner || args.kind === 'entry-point') return undefined;
      const r = await b.resolve(args.path, { kind: args.kind, importer: args.importer, namespace: args.namespace, resolveDir: args.resolveDir, pluginData: { llmrInner: true } });
      if (r.errors.length > 0 || r.external) return undefined;
      const key = r.namespace === 'file' ? posix(path.relative(root, r.path)) : `${r.namespace}:${r.path}`;
      if (!formats.has(key)) return undefined;
      // esbuild's CommonJS output reads a default import as the whole module (node's rule for a
      // package of type module), so a module of ours with a default export cannot be shared this way;
      // a stand-in (STRINGS) whose only export is its default is shared as that default.
      const stand = r.namespace === 'llmr-string' ? STRINGS[r.path] : undefined;
      if (stand && (stand.defaultObject || stand.names.join() === 'default')) defaultOnly.add(key);
      else if (formats.get(key) !== 'cjs' && (stand ? stand.names.includes('default') : r.namespace === 'file' && /\bexport default\b|\bas default\b/.test(readFileSync(r.path, 'utf8')))) {
        throw new Error(`bundle: the deferred chunk imports ${key}, which has a default export; give it named exports only`);
      }
      core.add(key);
      return { path: 'llmr-core:' + key, external: true };
    });
  },
};
const chunk = await build({
  ...common,
  banner: {},
  format: 'cjs',
  stdin: {
    contents: DEFERRED.map((d, i) => `export { ${d.names.map((n) => `${n} as d${i}_${n}`).join(', ')} } from ${JSON.stringify(path.join(root, path.dirname(d.importer), d.spec.replace(/\.js$/, '.ts')))};`).join('\n'),
    resolveDir: root,
    loader: 'js',
    sourcefile: 'llmr-later',
  },
  // import.meta.url: the file's (evalModule passes it).
  define: { __LLMR_BUNDLE__: 'true', 'import.meta.url': '__llmrUrl' },
  external: ['playwright-core'],
  plugins: [shareCore, inlineTemplates, inlinePreload, stringModules],
  metafile: Boolean(process.env.LLMR_BUNDLE_META),
  write: false,
});
const chunkText = chunk.outputFiles[0].text;
// 3. The file, the chunk in it.
const mainResult = await build({
  ...mainOptions,
  // LLMR_BUNDLE_META=<file>: esbuild's metafile (what each module adds to the size), for size work;
  // <file>.later.json: the deferred chunk's.
  metafile: Boolean(process.env.LLMR_BUNDLE_META),
  outfile,
  plugins: [lazyBuiltins, inlineTemplates, inlinePreload, stringModules, deferredModules({ packed: pack(chunkText), core, formats, defaultOnly })],
});
if (process.env.LLMR_BUNDLE_META) {
  const { writeFileSync } = await import('node:fs');
  writeFileSync(process.env.LLMR_BUNDLE_META, JSON.stringify(mainResult.metafile));
  writeFileSync(process.env.LLMR_BUNDLE_META + '.later.json', JSON.stringify(chunk.metafile));
}
console.log(`bundle: dist/llm-report.mjs ${(statSync(outfile).size / 1024).toFixed(1)} KiB (test-child preload ${(Buffer.byteLength(preloadText) / 1024).toFixed(1)} KiB; deferred chunk ${(Buffer.byteLength(chunkText) / 1024).toFixed(1)} KiB, ${core.size} modules shared)`);
