// The mutation study behind `llm-report affected` (docs/coverage.md): on each project, one real run
// with our reporter, then single-line mutations of covered source lines (delete the line, change a
// constant, flip a comparison). For each mutant the full suite runs to learn which test files fail,
// and `affected` must have selected every one of them (recall). Reported: recall (target 100%), the
// median share of test files selected, and the time a selected run saves against the full run.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { REPO } from './lib/generate.mjs';
import { record } from './lib/results.mjs';

const BUNDLE = path.join(REPO, 'dist', 'llm-report.mjs');
const CLI = path.join(REPO, 'dist', 'lib', 'cli', 'main.js');
const env = () => {
  const e = { ...process.env, NO_COLOR: '1' };
  for (const k of Object.keys(e)) if (k.startsWith('LLM_REPORT_') || k === 'NODE_OPTIONS' || k === 'NODE_TEST_CONTEXT') delete e[k];
  return e;
};
const sh = (cmd, args, cwd) => spawnSync(cmd, args, { cwd, encoding: 'utf8', env: env(), maxBuffer: 64 * 2 ** 20 });

/** A mid-size project of unit tests: `n` modules over one shared helper, one test file each. */
export function unitProject(dir, n = 24) {
  mkdirSync(path.join(dir, 'src'), { recursive: true });
  mkdirSync(path.join(dir, 'test'), { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), '{ "name": "units", "private": true, "type": "module" }\n');
  writeFileSync(path.join(dir, 'src', 'round.js'), 'export function round(x, places) {\n  const f = 10 ** places;\n  return Math.round(x * f) / f;\n}\n');
  for (let i = 0; i < n; i++) {
    writeFileSync(
      path.join(dir, 'src', `m${i}.js`),
      [
        "import { round } from './round.js';",
        '',
        `export const LIMIT_${i} = ${10 + i};`,
        '',
        `export function scale${i}(x) {`,
        `  if (x < 0) throw new RangeError('negative');`,
        `  return round(x * ${i + 2}, 1);`,
        '}',
        '',
        `export function classify${i}(x) {`,
        `  if (x > LIMIT_${i}) return 'high';`,
        `  if (x === LIMIT_${i}) return 'limit';`,
        "  return 'low';",
        '}',
        '',
      ].join('\n'),
    );
    writeFileSync(
      path.join(dir, 'test', `m${i}.test.js`),
      [
        "import { test } from 'node:test';",
        "import assert from 'node:assert/strict';",
        `import { scale${i}, classify${i}, LIMIT_${i} } from '../src/m${i}.js';`,
        '',
        `test('scales', () => assert.equal(scale${i}(1.5), ${Math.round(1.5 * (i + 2) * 10) / 10}));`,
        `test('refuses negatives', () => assert.throws(() => scale${i}(-1), RangeError));`,
        `test('classifies', () => { assert.equal(classify${i}(${10 + i + 1}), 'high'); assert.equal(classify${i}(LIMIT_${i}), 'limit'); assert.equal(classify${i}(0), 'low'); });`,
        '',
      ].join('\n'),
    );
  }
}

function testFiles(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of readdirSync(path.join(dir, d), { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name === 'llm-report' || e.name.startsWith('.')) continue;
      const rel = d ? `${d}/${e.name}` : e.name;
      if (e.isDirectory()) walk(rel);
      else if (/\.test\.[cm]?js$/.test(e.name)) out.push(rel);
    }
  };
  walk('');
  return out.sort();
}

function failing(dir, files) {
  const reporter = path.join(dir, '.failing.mjs');
  writeFileSync(reporter, "export default async function* (s) { for await (const e of s) if (e.type === 'test:fail' && e.data.file) yield e.data.file + '\\n'; }\n");
  const t0 = performance.now();
  const r = sh(process.execPath, ['--test', `--test-reporter=${reporter}`, ...files], dir);
  const ms = performance.now() - t0;
  rmSync(reporter);
  return { files: [...new Set(r.stdout.split('\n').filter(Boolean).map((f) => path.relative(dir, f).split(path.sep).join('/')))].sort(), ms };
}

function mutants(dir, sources) {
  const out = [];
  for (const file of sources) {
    const lines = readFileSync(path.join(dir, file), 'utf8').split('\n');
    lines.forEach((l, i) => {
      const t = l.trim();
      if (!t || t.startsWith('//') || t.startsWith('import ') || t === '}') return;
      const at = (text) => [...lines.slice(0, i), text, ...lines.slice(i + 1)].join('\n');
      out.push({ file, line: i + 1, kind: 'delete', text: at('') });
      if (/\d/.test(l)) out.push({ file, line: i + 1, kind: 'constant', text: at(l.replace(/\d+(\.\d+)?/, (n) => String(Number(n) + 1))) });
      if (/[<>]|===/.test(l)) out.push({ file, line: i + 1, kind: 'comparison', text: at(l.replace(/[<>]=?|===/, (c) => (c === '===' ? '!==' : c.startsWith('<') ? '>=' : '<='))) });
    });
  }
  return out;
}

async function study(name, make, { max, log }) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `llmr-bench-affected-${name}-`));
  try {
    make(dir);
    writeFileSync(path.join(dir, '.gitignore'), 'node_modules/\nllm-report/\nrun.ndjson\n');
    sh('git', ['init', '-q'], dir);
    sh('git', ['add', '-A'], dir);
    sh('git', ['-c', 'user.email=b@example.invalid', '-c', 'user.name=b', 'commit', '-qm', 'base'], dir);
    const files = testFiles(dir);
    const run = sh(process.execPath, ['--test', `--test-reporter=${BUNDLE}`, '--test-reporter-destination=run.ndjson', ...files], dir);
    if (!readFileSync(path.join(dir, 'llm-report', 'report.json'), 'utf8')) throw new Error(`${name}: no report: ${run.stderr}`);
    const report = JSON.parse(readFileSync(path.join(dir, 'llm-report', 'report.json'), 'utf8'));
    const sources = report.coverage.files.map((f) => f.file).filter((f) => !files.includes(f));
    let all = mutants(dir, sources);
    // A fixed, spread sample when there are more mutants than the budget.
    if (all.length > max) all = all.filter((_, i) => i % Math.ceil(all.length / max) === 0);
    let misses = 0;
    let caught = 0;
    const shares = [];
    let fullMs = 0;
    let selectedMs = 0;
    for (const m of all) {
      writeFileSync(path.join(dir, m.file), m.text);
      const full = failing(dir, files);
      const sel = sh(process.execPath, [CLI, 'affected', '--format', 'json'], dir);
      const picked = JSON.parse(sel.stdout).files;
      const part = picked.length ? failing(dir, picked) : { ms: 0 };
      sh('git', ['checkout', '-q', '--', '.'], dir);
      const missed = full.files.filter((f) => !picked.includes(f));
      if (full.files.length) caught++;
      if (missed.length) {
        misses++;
        log(`affected: MISS ${name} ${m.file}:${m.line} (${m.kind}): failing ${full.files.join(', ')}; selected ${picked.join(', ')}`);
      }
      shares.push(picked.length / files.length);
      fullMs += full.ms;
      selectedMs += part.ms;
    }
    shares.sort((a, b) => a - b);
    const median = shares[Math.floor(shares.length / 2)] ?? 0;
    const recall = all.length ? (all.length - misses) / all.length : 1;
    log(`affected: ${name}: ${files.length} test files, ${all.length} mutants (${caught} caught by some test), recall ${(recall * 100).toFixed(1)}%, median selection ${(median * 100).toFixed(1)}% of test files, time saved ${((1 - selectedMs / Math.max(fullMs, 1)) * 100).toFixed(1)}%`);
    record({ name: `affected.${name}.recall`, value: recall * 100, unit: '%', target: '>= 100' });
    record({ name: `affected.${name}.median_selected`, value: median * 100, unit: '% of test files', target: name === 'units' ? '<= 30' : undefined });
    record({ name: `affected.${name}.time_saved`, value: (1 - selectedMs / Math.max(fullMs, 1)) * 100, unit: '%' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// This repository as the project (issue #14 §5). Its full suite takes ~10 min on 2 cores, so "the suite"
// of this study is a fixed subset that runs in well under a minute: unit test files, files that import
// the spawning test helpers, and files that spawn the CLI (`node dist/lib/cli/main.js`) and `node --test`
// on fixtures. Mutants are random (seeded) single-line mutations of lib/ lines that subset's run covered;
// each one is built (tsc, incremental, and the single file), the subset runs to learn which test files
// fail, and `affected` (this checkout's CLI) answers from the subset's unmutated run in the copy.
export const REPO_SUITE = [
  'test/aggregate-unit.test.ts', 'test/config.test.ts', 'test/events-identity.test.ts', 'test/evidence-unit.test.ts',
  'test/llm-scan.test.ts', 'test/llm-units.test.ts', 'test/output-capture.test.ts', 'test/redact.test.ts',
  'test/fold.test.ts', 'test/events-normalize.test.ts', 'test/cli-args.test.ts', 'test/impact-tests-for.test.ts',
];

function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Single-line mutants of one line: delete it, change a constant, flip a comparison, a boolean or a logical operator. */
function lineMutants(l) {
  const t = l.trim();
  if (!t || t.startsWith('//') || t.startsWith('*') || t.startsWith('/*') || /^import\s/.test(t) || /^[})\]]+[;,)]*$/.test(t)) return [];
  const out = [{ kind: 'delete', text: '' }];
  if (/\b\d+\b/.test(l)) out.push({ kind: 'constant', text: l.replace(/\b\d+\b/, (n) => String(Number(n) + 1)) });
  if (/[<>]=?|[!=]==/.test(l.replace(/=>/g, '  '))) {
    const m = /(?<![=<>-])(<=|>=|<|>|===|!==)(?![=>])/.exec(l);
    if (m) out.push({ kind: 'comparison', text: l.slice(0, m.index) + { '<': '>=', '>': '<=', '<=': '>', '>=': '<', '===': '!==', '!==': '===' }[m[1]] + l.slice(m.index + m[1].length) });
  }
  if (/\b(true|false)\b/.test(l)) out.push({ kind: 'boolean', text: l.replace(/\b(true|false)\b/, (b) => (b === 'true' ? 'false' : 'true')) });
  if (/&&|\|\|/.test(l)) out.push({ kind: 'logical', text: l.replace(/&&|\|\|/, (o) => (o === '&&' ? '||' : '&&')) });
  return out;
}

export async function studyRepo({ max = 200, minutes = 40, seed = 14, log = console.log, suite = REPO_SUITE } = {}) {
  const started = Date.now();
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'llmr-bench-affected-repo-'));
  const dir = path.join(tmp, 'repo');
  const journal = path.join(REPO, '.tmp', 'affected-repo-study.ndjson');
  mkdirSync(path.dirname(journal), { recursive: true });
  writeFileSync(journal, '');
  const quiet = (cmd, args, extra = {}) => spawnSync(cmd, args, { cwd: dir, encoding: 'utf8', env: { ...env(), ...extra }, maxBuffer: 64 * 2 ** 20, timeout: 600_000 });
  try {
    const head = sh('git', ['rev-parse', 'HEAD'], REPO).stdout.trim();
    // `affected` as built now, in one file: rebuilding this checkout while the study runs changes nothing.
    const cli = path.join(tmp, 'llm-report.mjs');
    cpSync(BUNDLE, cli);
    if (sh('git', ['clone', '-q', REPO, dir], tmp).status !== 0) throw new Error('affected: cannot clone the repository');
    quiet('git', ['checkout', '-q', head]);
    symlinkSync(path.join(REPO, 'node_modules'), path.join(dir, 'node_modules'));
    appendFileSync(path.join(dir, '.git', 'info', 'exclude'), 'node_modules\n');
    const tsc = path.join(dir, 'node_modules', 'typescript', 'bin', 'tsc');
    const build = () => {
      const t = quiet(process.execPath, [tsc, '-p', 'tsconfig.json']);
      const b = quiet(process.execPath, ['scripts/bundle.mjs']);
      return { typeErrors: t.status !== 0, bundled: b.status === 0 };
    };
    // Per mutant only the mutated file is compiled again (TypeScript's per-file emit, as tsc's for this
    // code: no const enums, no decorators), then the single file is bundled again from the sources.
    const ts = createRequire(path.join(dir, 'package.json'))('typescript');
    const emit = (file, text) => {
      const out = ts.transpileModule(text, { fileName: file, reportDiagnostics: true, compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ES2022 } });
      if (out.diagnostics.length) return false;
      writeFileSync(path.join(dir, 'dist', file.replace(/\.ts$/, '.js')), out.outputText);
      return quiet(process.execPath, ['scripts/bundle.mjs']).status === 0;
    };
    quiet(process.execPath, ['scripts/gen-validators.mjs']);
    if (!build().bundled) throw new Error('affected: the copy does not build');
    const files = suite.map((f) => f.replace(/^test\//, 'dist/test/').replace(/\.ts$/, '.js'));
    const reporter = path.join(tmp, 'failing.mjs');
    writeFileSync(reporter, "export default async function* (s) { for await (const e of s) if (e.type === 'test:fail' && e.data.file) yield e.data.file + '\\n'; }\n");
    const failingNow = (list) => {
      const r = quiet(process.execPath, ['--test', '--test-concurrency=2', '--test-timeout=120000', `--test-reporter=${reporter}`, ...list]);
      return r.error ? null : [...new Set(r.stdout.split('\n').filter(Boolean).map((f) => path.relative(dir, f).split(path.sep).join('/')))].sort();
    };
    // The run `affected` answers from: the subset, with our reporter, on the unmutated copy.
    mkdirSync(path.join(dir, '.tmp', 'self'), { recursive: true });
    const t0 = performance.now();
    const base = quiet(process.execPath, ['--test', '--test-concurrency=2', '--test-reporter=./dist/llm-report.mjs', '--test-reporter-destination=.tmp/self/stream.ndjson', ...files], { LLM_REPORT_OUTPUT_DIR: '.tmp/self' });
    const suiteMs = performance.now() - t0;
    const report = JSON.parse(readFileSync(path.join(dir, '.tmp', 'self', 'report.json'), 'utf8'));
    if (report.summary.failed || !report.run.git?.sha || report.run.git.dirty) throw new Error(`affected: the base run of the subset is not clean: ${JSON.stringify(report.summary)} ${JSON.stringify(report.run.git)} ${base.stderr.slice(-500)}`);
    // Per test file time (the files' own durations in the run) for the time a selection saves.
    const fileMs = new Map();
    const coverage = [];
    for (const line of readFileSync(path.join(dir, '.tmp', 'self', 'results.ndjson'), 'utf8').split('\n')) {
      if (!line) continue;
      const r = JSON.parse(line);
      if (r.type === 'file') fileMs.set(r.file, r.duration_ms);
      if (r.type === 'coverage' && r.file.startsWith('lib/') && r.lines.covered.length) coverage.push(r);
    }
    const totalMs = files.reduce((s, f) => s + (fileMs.get(f) ?? 0), 0);
    const candidates = [];
    const tracked = new Set(quiet('git', ['ls-files', 'lib']).stdout.split('\n'));
    for (const c of coverage) {
      // Generated, ignored files (lib/generated/) are not the project's source: a build remakes them.
      if (!tracked.has(c.file)) continue;
      const lines = readFileSync(path.join(dir, c.file), 'utf8').split('\n');
      for (const [s, e] of c.lines.covered) for (let n = s; n <= e; n++) for (const m of lineMutants(lines[n - 1] ?? '')) candidates.push({ file: c.file, line: n, ...m });
    }
    const random = rng(seed);
    for (let i = candidates.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [candidates[i], candidates[j]] = [candidates[j], candidates[i]];
    }
    log(`affected: repo: ${suite.length} test files (the subset), run ${(suiteMs / 1000).toFixed(1)} s; ${candidates.length} candidate mutants of ${coverage.length} covered lib/ files; budget ${max} mutants or ${minutes} min`);
    let done = 0, caught = 0, misses = 0, skipped = 0;
    const shares = [];
    let savedMs = 0;
    for (const m of candidates) {
      if (done >= max || Date.now() - started > minutes * 60_000) break;
      const p = path.join(dir, m.file);
      const original = readFileSync(p, 'utf8');
      const out = path.join(dir, 'dist', m.file.replace(/\.ts$/, '.js'));
      const compiled = readFileSync(out, 'utf8');
      const lines = original.split('\n');
      lines[m.line - 1] = m.text;
      writeFileSync(p, lines.join('\n'));
      try {
        const ms = [performance.now()];
        const b = { bundled: emit(m.file, lines.join('\n')) };
        ms.push(performance.now());
        // A mutant the bundler cannot build (a syntax error) is caught by the build, before any test.
        const failing = b.bundled ? failingNow(files) : null;
        ms.push(performance.now());
        const sel = quiet(process.execPath, [cli, 'affected', '--from', '.tmp/self', '--format', 'json']);
        ms.push(performance.now());
        const times = { build_ms: Math.round(ms[1] - ms[0]), run_ms: Math.round(ms[2] - ms[1]), affected_ms: Math.round(ms[3] - ms[2]) };
        if (failing === null || sel.status !== 0) {
          skipped++;
          appendFileSync(journal, JSON.stringify({ file: m.file, line: m.line, kind: m.kind, skipped: !b.bundled ? 'does not build' : failing === null ? 'run failed' : sel.stderr.trim(), ...times }) + '\n');
          continue;
        }
        const picked = JSON.parse(sel.stdout).files;
        let missed = failing.filter((f) => !picked.includes(f));
        // A miss must be real, not a flaky test: the failures are learned again.
        if (missed.length) missed = missed.filter((f) => (failingNow(files) ?? []).includes(f));
        done++;
        if (failing.length) caught++;
        if (missed.length) {
          misses++;
          log(`affected: MISS repo ${m.file}:${m.line} (${m.kind}): failing ${failing.join(', ')}; selected ${picked.join(', ')}`);
        }
        shares.push(picked.length / files.length);
        savedMs += totalMs - picked.reduce((s, f) => s + (fileMs.get(f) ?? 0), 0);
        appendFileSync(journal, JSON.stringify({ file: m.file, line: m.line, kind: m.kind, failing, selected: picked, missed, ...times }) + '\n');
      } finally {
        writeFileSync(p, original);
        writeFileSync(out, compiled);
      }
    }
    shares.sort((a, b) => a - b);
    const median = shares[Math.floor(shares.length / 2)] ?? 0;
    const recall = done ? (done - misses) / done : 1;
    const saved = done ? savedMs / (totalMs * done) : 0;
    log(`affected: repo: ${done} mutants (${caught} caught by some test, ${skipped} skipped), recall ${(recall * 100).toFixed(1)}%, median selection ${(median * 100).toFixed(1)}% of test files, time saved ${(saved * 100).toFixed(1)}% (of the files' own time), ${Math.round((Date.now() - started) / 60_000)} min; per mutant: ${journal}`);
    record({ name: 'affected.repo.recall', value: recall * 100, unit: '%', target: '>= 100' });
    record({ name: 'affected.repo.median_selected', value: median * 100, unit: '% of test files' });
    record({ name: 'affected.repo.time_saved', value: saved * 100, unit: '%' });
    record({ name: 'affected.repo.mutants', value: done, unit: 'mutants' });
    return { done, caught, misses, skipped, recall, median, saved };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export async function benchAffected({ max = 200, log = console.log } = {}) {
  const copy = (from) => (dir) => cpSync(path.join(REPO, from), dir, { recursive: true, filter: (f) => !/(^|\/)(node_modules|llm-report)$/.test(f) });
  await study('units', (dir) => unitProject(dir), { max, log });
  await study('impact-fixture', copy('test/fixtures/impact'), { max, log });
  await study('examples-minimal', copy('examples/minimal'), { max, log });
  await study('examples-sharded-ci', copy('examples/sharded-ci'), { max, log });
  // LLMR_AFFECTED_MINUTES bounds the repository study (default 40): see docs/performance.md.
  // LLMR_AFFECTED_SUITE=all: the whole suite (test/ and test/security/) per mutant instead of the subset.
  const whole = process.env.LLMR_AFFECTED_SUITE === 'all'
    ? ['test', 'test/security'].flatMap((d) => readdirSync(path.join(REPO, d)).filter((f) => f.endsWith('.test.ts')).sort().map((f) => `${d}/${f}`))
    : undefined;
  await studyRepo({ max, minutes: Number(process.env.LLMR_AFFECTED_MINUTES ?? 40), log, ...(whole ? { suite: whole } : {}) });
}
