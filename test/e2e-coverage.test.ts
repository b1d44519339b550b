// Per-test coverage through real `node --test` runs: exact, hand-checked line sets per test; whole-run
// totals equal to c8's own, file by file; and the user's own coverage tools unaffected by us.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { cleanEnv, copyFixture, runNodeTest, NODE, REPO, type RunResult } from './helpers/run.js';
import { validateReport } from '../lib/generated/validators.js';
import type { TestLine } from '../lib/types.js';
import { assertCalcCoverage, CALC_LINES, CALC_PARENT_INCLUSIVE, CALC_SUITE_INCLUSIVE, CALC_UNATTRIBUTED, expand } from './helpers/coverage-expected.js';

const C8 = path.join(REPO, 'node_modules', '.bin', 'c8');

function c8Summary(dir: string, args: string[]): Record<string, { lines: { covered: number; total: number }; functions: { covered: number; total: number }; branches: { covered: number; total: number } }> {
  const r = spawnSync(C8, ['--reporter=json-summary', '--reporter=json', '--report-dir=c8-out', NODE, '--test', ...args], { cwd: dir, env: cleanEnv(), encoding: 'utf8' });
  assert.ok(existsSync(path.join(dir, 'c8-out', 'coverage-summary.json')), `c8 ran: ${r.stderr}`);
  const raw = JSON.parse(readFileSync(path.join(dir, 'c8-out', 'coverage-summary.json'), 'utf8'));
  const out: ReturnType<typeof c8Summary> = {};
  for (const [file, v] of Object.entries<any>(raw)) {
    if (file === 'total') continue;
    out[path.relative(dir, file).split(path.sep).join('/')] = v;
  }
  return out;
}

/** c8's covered lines per file, from its istanbul JSON. */
function c8Lines(dir: string): Record<string, number[]> {
  const raw = JSON.parse(readFileSync(path.join(dir, 'c8-out', 'coverage-final.json'), 'utf8'));
  const out: Record<string, number[]> = {};
  for (const [file, v] of Object.entries<any>(raw)) {
    out[path.relative(dir, file).split(path.sep).join('/')] = Object.entries<number>(v.s)
      .filter(([, c]) => c > 0)
      .map(([k]) => v.statementMap[k].start.line)
      .sort((a: number, b: number) => a - b);
  }
  return out;
}

describe('per-test coverage (coverage fixture)', () => {
  let run: RunResult;
  const t = (name: string): TestLine => {
    const found = run.report!.tests.filter((x) => x.name === name);
    assert.equal(found.length, 1, name);
    return found[0]!;
  };
  const lines = (name: string): number[] => expand((t(name).coverage ?? []).flatMap((f) => (f.file === 'src/calc.js' ? f.lines : [])));

  before(() => {
    run = runNodeTest(copyFixture('coverage'));
    assert.ok(run.report, run.stderr);
    assert.ok(validateReport(run.report), JSON.stringify(validateReport.errors?.[0]));
  });

  it('each test has exactly the lines it executed (hand-checked, test/helpers/coverage-expected.ts)', () => {
    for (const [name, expected, why] of CALC_LINES) assert.deepEqual(lines(name), expected, why ? `${name}: ${why}` : name);
  });

  it('module top-level code and unused functions belong to no test', () => {
    const all = new Set(run.report!.tests.flatMap((x) => expand((x.coverage ?? []).flatMap((f) => f.lines))));
    for (const n of CALC_UNATTRIBUTED) assert.ok(!all.has(n), `line ${n} attributed to a test`);
  });

  it('subtests: the parent is exclusive of its child; inclusive is the union', () => {
    assert.deepEqual(lines('parent'), CALC_LINES.find(([n]) => n === 'parent')![1]);
    assert.deepEqual(lines('child'), CALC_LINES.find(([n]) => n === 'child')![1]);
    const inclusive = expand((t('parent').coverage_inclusive ?? []).flatMap((f) => f.lines));
    assert.deepEqual(inclusive, CALC_PARENT_INCLUSIVE);
    const suite = run.report!.suites.find((s) => s.name === 'classify');
    assert.deepEqual(expand(suite!.coverage_inclusive![0]!.lines), CALC_SUITE_INCLUSIVE);
    assertCalcCoverage(run.report!);
  });

  it('test files are excluded by default; lcov and istanbul JSON are written', () => {
    assert.ok(run.report!.tests.every((x) => (x.coverage ?? []).every((f) => f.file === 'src/calc.js')));
    const lcov = readFileSync(path.join(run.dir, 'llm-report', 'coverage', 'lcov.info'), 'utf8');
    assert.match(lcov, /^TN:\nSF:src\/calc\.js\nDA:1,1\n/);
    assert.match(lcov, /DA:27,0\nDA:28,0\nLF:28\nLH:26\nend_of_record\n$/);
    const istanbul = JSON.parse(readFileSync(path.join(run.dir, 'llm-report', 'coverage', 'coverage-final.json'), 'utf8'));
    assert.equal(Object.keys(istanbul['src/calc.js'].s).length, 28);
  });

  it('whole-run coverage equals c8 on the same suite, file by file (lines, functions, branches)', () => {
    const dir = copyFixture('coverage');
    const c8 = c8Summary(dir, []);
    const c8lines = c8Lines(dir);
    const ours = run.report!.coverage!;
    assert.deepEqual(ours.files.map((f) => f.file), Object.keys(c8).filter((f) => f.startsWith('src/')).sort());
    for (const f of ours.files) {
      assert.deepEqual([f.lines.covered, f.lines.total], [c8[f.file]!.lines.covered, c8[f.file]!.lines.total], `${f.file} lines`);
      assert.deepEqual([f.functions.covered, f.functions.total], [c8[f.file]!.functions.covered, c8[f.file]!.functions.total], `${f.file} functions`);
      assert.deepEqual([f.branches.covered, f.branches.total], [c8[f.file]!.branches.covered, c8[f.file]!.branches.total], `${f.file} branches`);
    }
    const lcov = readFileSync(path.join(run.dir, 'llm-report', 'coverage', 'lcov.info'), 'utf8');
    const oursCovered = [...lcov.matchAll(/^DA:(\d+),1$/gm)].map((m) => Number(m[1]));
    assert.deepEqual(oursCovered, c8lines['src/calc.js']);
  });
});

describe('coexistence with the user\'s own coverage', () => {
  it('c8 totals are identical with and without our reporter, and we say why ours is off', () => {
    const without = c8Summary(copyFixture('coverage'), []);
    const withDir = copyFixture('coverage');
    const withUs = c8Summary(withDir, ['--test-reporter=@org/llm-report', '--test-reporter-destination=stream.ndjson']);
    assert.deepEqual(withUs, without);
    const report = JSON.parse(readFileSync(path.join(withDir, 'llm-report', 'report.json'), 'utf8'));
    assert.equal(report.run.coverage_mode, 'off');
    assert.ok(report.warnings.some((w: { code: string }) => w.code === 'LLMR_COVERAGE_COEXIST'));
  });

  it('--experimental-test-coverage totals are identical with and without our reporter', () => {
    const table = (dir: string, reporterArgs: string[]): string => {
      const r = spawnSync(NODE, ['--test', '--experimental-test-coverage', '--test-reporter=tap', '--test-reporter-destination=tap.txt', ...reporterArgs], { cwd: dir, env: cleanEnv(), encoding: 'utf8' });
      const tap = readFileSync(path.join(dir, 'tap.txt'), 'utf8');
      const rows = tap.split('\n').filter((l) => /^# .*\|/.test(l));
      assert.ok(rows.length >= 3, `coverage table in tap output: ${r.stderr}`);
      return rows.join('\n');
    };
    const without = table(copyFixture('coverage'), []);
    // Installed as npm installs it: our own files live under node_modules, which node's coverage leaves out.
    const withUs = table(copyFixture('coverage', { copyInstall: true }), ['--test-reporter=@org/llm-report', '--test-reporter-destination=stream.ndjson']);
    assert.equal(withUs, without);
    assert.match(without, /calc\.js/);
  });

  it('coverage.mode off and file: no per-test lines; file mode keeps the whole-run totals', () => {
    const off = runNodeTest(copyFixture('coverage'), { env: { LLM_REPORT_COVERAGE__MODE: 'off' } });
    assert.equal(off.report!.run.coverage_mode, 'off');
    assert.equal(off.report!.coverage, undefined);
    assert.ok(off.report!.tests.every((x) => x.coverage === undefined));
    const file = runNodeTest(copyFixture('coverage'), { env: { LLM_REPORT_COVERAGE__MODE: 'file' } });
    assert.ok(file.report!.tests.every((x) => x.coverage === undefined));
    assert.equal(file.report!.coverage!.mode, 'file');
    assert.deepEqual(file.report!.coverage!.totals.lines, { covered: 26, total: 28, percent: 92.85 });
  });
});

describe('TypeScript: lines of the .ts source', () => {
  const expected = {
    'no discount': [[10, 14], [17, 18]],
    'ten percent off an empty cart': [[10, 11], [14, 18]],
  };
  const check = (r: RunResult): void => {
    assert.ok(r.report, r.stderr);
    for (const [name, lines] of Object.entries(expected)) {
      const t: TestLine | undefined = r.report.tests.find((x) => x.name === name);
      assert.deepEqual(t?.coverage, [{ file: 'src/price.ts', lines }], name);
    }
    // Type-only lines (interfaces, aliases, comments) are no code: covered, as c8 counts them.
    assert.deepEqual(r.report.coverage!.files.map((f) => [f.file, f.lines.covered, f.lines.total]), [['src/price.ts', 18, 18]]);
  };

  it('compiled by tsc with source maps', () => {
    const dir = copyFixture('typescript');
    const tsc = spawnSync(process.execPath, [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], { cwd: dir, encoding: 'utf8' });
    assert.equal(tsc.status, 0, tsc.stdout);
    check(runNodeTest(dir, { files: ['build/test/price.test.js'] }));
  });

  it('compiled by tsc: whole-run lines, functions and branches of each .ts file equal c8\'s', () => {
    const dir = copyFixture('typescript');
    const tsc = spawnSync(process.execPath, [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.'], { cwd: dir, encoding: 'utf8' });
    assert.equal(tsc.status, 0, tsc.stdout);
    const ours = runNodeTest(dir, { files: ['build/test/price.test.js'] }).report!.coverage!;
    const c8 = c8Summary(dir, ['build/test/price.test.js']);
    const ts = Object.keys(c8).filter((f) => f.endsWith('.ts') && f.startsWith('src/')).sort();
    assert.deepEqual(ours.files.map((f) => f.file), ts, 'c8 maps to the same .ts files');
    for (const f of ours.files) {
      const t = c8[f.file]!;
      assert.deepEqual(
        { lines: [f.lines.covered, f.lines.total], functions: [f.functions.covered, f.functions.total], branches: [f.branches.covered, f.branches.total] },
        { lines: [t.lines.covered, t.lines.total], functions: [t.functions.covered, t.functions.total], branches: [t.branches.covered, t.branches.total] },
        f.file,
      );
    }
  });

  const strips = spawnSync(NODE, ['-p', 'process.features.typescript ?? false'], { encoding: 'utf8', env: cleanEnv() }).stdout.trim();
  it('run directly with node\'s type stripping', { skip: !['strip', 'transform'].includes(strips) && 'this node does not strip types' }, () => {
    check(runNodeTest(copyFixture('typescript'), { files: ['test/price.test.ts'] }));
  });
});
