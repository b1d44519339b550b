// The mutation study behind `llm-report affected` (docs/coverage.md): on each project, one real run
// with our reporter, then single-line mutations of covered source lines (delete the line, change a
// constant, flip a comparison). For each mutant the full suite runs to learn which test files fail,
// and `affected` must have selected every one of them (recall). Reported: recall (target 100%), the
// median share of test files selected, and the time a selected run saves against the full run.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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

export async function benchAffected({ max = 200, log = console.log } = {}) {
  const copy = (from) => (dir) => cpSync(path.join(REPO, from), dir, { recursive: true, filter: (f) => !/(^|\/)(node_modules|llm-report)$/.test(f) });
  await study('units', (dir) => unitProject(dir), { max, log });
  await study('impact-fixture', copy('test/fixtures/impact'), { max, log });
  await study('examples-minimal', copy('examples/minimal'), { max, log });
  await study('examples-sharded-ci', copy('examples/sharded-ci'), { max, log });
}
