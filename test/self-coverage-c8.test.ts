// The coverage gate (scripts/coverage-gate.mjs) trusts our reporter's whole-run line coverage of our
// own code. Cross-check: a few of our own unit test files, measured once by our reporter (the bundle,
// as npm test runs it) and once by c8, must give the same covered/total lines for every lib/*.ts file
// both report (c8 follows tsc's source maps from dist/lib/*.js to lib/*.ts, as we do).
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUNDLE, REPO, cleanEnv } from './helpers/run.js';
import type { Report } from '../lib/types.js';

const C8 = path.join(REPO, 'node_modules', '.bin', 'c8');
// Fast unit suites touching many lib/ stages, with no timing assertions (c8 slows code down).
const FILES = ['dist/test/aggregate-unit.test.js', 'dist/test/evidence-unit.test.js', 'dist/test/config.test.js'];
const GATED = (f: string): boolean => f.startsWith('lib/') && f.endsWith('.ts') && !f.startsWith('lib/generated/');

interface FB {
  functions: number[];
  branches: number[];
}

interface Measured {
  ours: Map<string, number[]>;
  c8: Map<string, number[]>;
  oursFb: Map<string, FB>;
  c8Fb: Map<string, FB>;
  processes: Map<string, number>;
  approximate: string[];
}

function measure(mode = 'test'): Measured {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'llmr-selfc8-'));
  const ours = spawnSync(process.execPath, ['--test', `--test-reporter=${BUNDLE}`, `--test-reporter-destination=${path.join(tmp, 'stream.ndjson')}`, ...FILES], {
    cwd: REPO,
    env: cleanEnv({ LLM_REPORT_OUTPUT_DIR: path.join(tmp, 'ours'), LLM_REPORT_HTML: 'false', LLM_REPORT_COVERAGE__MODE: mode }),
    encoding: 'utf8',
  });
  assert.equal(ours.status, 0, `our run: ${ours.stdout}${ours.stderr}`);
  const report = JSON.parse(readFileSync(path.join(tmp, 'ours', 'report.json'), 'utf8')) as Report;
  const mine = new Map(report.coverage!.files.filter((f) => GATED(f.file)).map((f) => [f.file, [f.lines.covered, f.lines.total]]));

  const c8 = spawnSync(C8, ['--reporter=json-summary', `--report-dir=${path.join(tmp, 'c8')}`, `--temp-directory=${path.join(tmp, 'c8-tmp')}`, process.execPath, '--test', '--test-reporter=dot', ...FILES], {
    cwd: REPO,
    env: cleanEnv(),
    encoding: 'utf8',
  });
  assert.equal(c8.status, 0, `c8 run: ${c8.stdout}${c8.stderr}`);
  type Count = { covered: number; total: number };
  const summary = JSON.parse(readFileSync(path.join(tmp, 'c8', 'coverage-summary.json'), 'utf8')) as Record<string, { lines: Count; functions: Count; branches: Count }>;
  // Functions and branches: every file both report, generated validators included.
  const oursFb = new Map(report.coverage!.files.map((f): [string, FB] => [f.file, { functions: [f.functions.covered, f.functions.total], branches: [f.branches.covered, f.branches.total] }]));
  const c8Fb = new Map(
    Object.entries(summary)
      .filter(([f]) => f !== 'total')
      .map(([f, v]): [string, FB] => [path.relative(REPO, f).split(path.sep).join('/'), { functions: [v.functions.covered, v.functions.total], branches: [v.branches.covered, v.branches.total] }]),
  );
  const theirs = new Map(
    Object.entries(summary)
      .filter(([f]) => f !== 'total')
      .map(([f, v]): [string, number[]] => [path.relative(REPO, f).split(path.sep).join('/'), [v.lines.covered, v.lines.total]])
      .filter(([f]) => GATED(f)),
  );
  // How many test processes measured each file (a coverage line's profiles: one per process).
  const processes = new Map<string, number>();
  for (const l of readFileSync(path.join(tmp, 'ours', 'results.ndjson'), 'utf8').split('\n')) {
    if (!l.includes('"profiles"')) continue;
    const rec = JSON.parse(l) as { type?: string; file?: string; profiles?: unknown[] };
    if (rec.type === 'coverage' && rec.file && rec.profiles) processes.set(rec.file, rec.profiles.length);
  }
  const approximate = report.warnings.filter((w) => w.code === 'LLMR_BRANCHES_APPROXIMATE').map((w) => w.message);
  return { ours: mine, c8: theirs, oursFb, c8Fb, processes, approximate };
}

describe('our whole-run line coverage of our own code against c8', () => {
  let m: Measured;
  before(() => {
    m = measure();
  });

  it('the same lib files, with the same line totals', () => {
    assert.ok(m.ours.size >= 20, `our reporter measured ${m.ours.size} lib files`);
    assert.deepEqual([...m.ours.keys()].sort(), [...m.c8.keys()].sort(), 'the same lib files were loaded');
    for (const [file, [, total]] of m.ours) assert.equal(total, m.c8.get(file)![1], `${file}: line total`);
  });

  it('covered lines: never below c8, and at most 0.5% of all lines above it (the gate cannot pass on the difference)', () => {
    let ours = 0;
    let theirs = 0;
    let total = 0;
    for (const [file, [covered, lines]] of m.ours) {
      const c8 = m.c8.get(file)![0]!;
      assert.ok(covered! >= c8, `${file}: ours ${covered}, c8 ${c8}`);
      ours += covered!;
      theirs += c8;
      total += lines!;
    }
    assert.ok(ours - theirs <= total * 0.005, `ours ${ours}, c8 ${theirs} of ${total} lines`);
  });

  it('covered lines equal c8, file by file (compiled ranges mapped as v8-to-istanbul maps them)', () => {
    const differ = [...m.ours].filter(([file, lines]) => String(lines) !== String(m.c8.get(file))).map(([file, lines]) => `${file}: ours ${lines.join('/')}, c8 ${m.c8.get(file)?.join('/')}`);
    assert.deepEqual(differ, [], 'covered/total lines per file, ours vs c8');
  });

  it('functions equal c8, file by file', () => {
    const differ = [...m.oursFb].filter(([file, fb]) => String(fb.functions) !== String(m.c8Fb.get(file)?.functions)).map(([file, fb]) => `${file}: ours ${fb.functions.join('/')}, c8 ${m.c8Fb.get(file)?.functions.join('/')}`);
    assert.deepEqual(differ, [], 'covered/total functions per file, ours vs c8');
  });

  it('functions and branches equal c8 for every file, those several test processes measured included', () => assertBranches(m));
});

describe('coverage.mode file: one interval per test process, branches as c8 counts them', () => {
  let m: Measured;
  before(() => {
    m = measure('file');
  });

  it('lines and functions equal c8, file by file', () => {
    const differ = [...m.ours].filter(([file, lines]) => String(lines) !== String(m.c8.get(file)) || String(m.oursFb.get(file)!.functions) !== String(m.c8Fb.get(file)?.functions));
    assert.deepEqual(differ, []);
  });

  it('functions and branches equal c8 for every file, those several test processes measured included', () => assertBranches(m));
});

/**
 * Per-test intervals added up as V8's whole-process profile (lib/coverage/intervals.ts), each process's
 * profile kept raw and merged at once as c8 merges; compiled files merged at the generated file's
 * offsets, then mapped (lib/coverage/generated.ts).
 */
function assertBranches(m: Measured): void {
  assert.deepEqual([...m.oursFb.keys()].sort(), [...m.c8Fb.keys()].sort(), 'the same files');
  const several = [...m.oursFb.keys()].filter((file) => (m.processes.get(file) ?? 0) > 1);
  assert.ok(several.length >= 10, `${several.length} files measured by several processes (the merge is exercised)`);
  const differ = [...m.oursFb]
    .filter(([file, fb]) => String([fb.functions, fb.branches]) !== String([m.c8Fb.get(file)?.functions, m.c8Fb.get(file)?.branches]))
    .map(([file, fb]) => `${file} (${m.processes.get(file)} processes): ours ${fb.functions.join('/')} ${fb.branches.join('/')}, c8 ${m.c8Fb.get(file)?.functions.join('/')} ${m.c8Fb.get(file)?.branches.join('/')}`);
  assert.deepEqual(differ, [], 'covered/total functions and branches per file, ours vs c8');
  assert.deepEqual(m.approximate, [], 'every compiled file merged before its source map (no LLMR_BRANCHES_APPROXIMATE)');
}
