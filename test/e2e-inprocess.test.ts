// --test-isolation=none (--experimental-test-isolation=none on 22): with the documented in-process
// entry, per-test coverage and requirements are what they are per process (same hand-checked line sets
// of the coverage fixture, same totals, same requirement ids), through the package and through the
// zero-install single file; without it, coverage is off and the warning names the --import that fixes it.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFixture, countsAsNode, runNodeTest, cleanEnv, NODE, type RunResult } from './helpers/run.js';
import { assertCalcCoverage, expand } from './helpers/coverage-expected.js';
import { validateReport } from '../lib/generated/validators.js';
import type { Report } from '../lib/types.js';

// Detected by trying the flag on this node (Node 20 has neither; 22 only the experimental spelling).
const isolationFlag = ['--test-isolation=none', '--experimental-test-isolation=none'].find(
  (flag) => spawnSync(NODE, [flag, '-e', '0'], { env: cleanEnv(), encoding: 'utf8' }).status === 0,
);
const skip = !isolationFlag && 'this node has no --test-isolation=none (nor --experimental-test-isolation=none): there is no in-process mode to test';

const codes = (r: Report): string[] => r.warnings.map((w) => w.code);
const inProcessWarning = (r: Report): string | undefined => r.warnings.find((w) => w.code === 'LLMR_COVERAGE_IN_PROCESS')?.message;

/** The run went as node says, the report is valid, and it really ran in-process. */
function checkRun(r: RunResult): Report {
  assert.ok(r.report, r.stderr);
  assert.ok(validateReport(r.report), JSON.stringify(validateReport.errors?.[0]));
  assert.equal(r.report.run.isolation, 'none');
  assert.deepEqual(countsAsNode(r.report), r.nodeCounts);
  return r.report;
}

function assertInProcessCoverage(r: RunResult, perProcess: Report): void {
  const report = checkRun(r);
  assert.equal(report.run.coverage_mode, 'test');
  assert.ok(!codes(report).includes('LLMR_COVERAGE_IN_PROCESS'), String(inProcessWarning(report)));
  assertCalcCoverage(report);
  // Every test's lines, and the whole-run totals (lines, functions, branches), as per process.
  const byId = (rep: Report): Record<string, unknown> => Object.fromEntries(rep.tests.map((t) => [t.id, [t.coverage, t.coverage_inclusive]]));
  assert.deepEqual(byId(report), byId(perProcess));
  assert.deepEqual(report.coverage?.files, perProcess.coverage?.files);
  assert.equal(r.status, 0, r.stderr);
}

describe('in-process per-test coverage (--test-isolation=none)', { skip }, () => {
  let perProcess: Report;
  before(() => {
    const r = runNodeTest(copyFixture('coverage'));
    assert.ok(r.report, r.stderr);
    perProcess = r.report;
    assertCalcCoverage(perProcess);
  });

  it('package: --import=@org/llm-report/in-process gives every test the same lines as per process', () => {
    assertInProcessCoverage(runNodeTest(copyFixture('coverage'), { args: [isolationFlag as string, '--import=@org/llm-report/in-process'] }), perProcess);
  });

  it('single file: --import=./llm-report.mjs?in-process (no node_modules) gives the same lines', () => {
    const dir = copyFixture('coverage', { bundle: true });
    assertInProcessCoverage(runNodeTest(dir, { reporter: './llm-report.mjs', args: [isolationFlag as string, '--import=./llm-report.mjs?in-process'] }), perProcess);
  });

  for (const [how, opts] of [
    ['package', { reporter: '@org/llm-report', bundle: false, expected: '--import=@org/llm-report/in-process' }],
    ['single file', { reporter: './llm-report.mjs', bundle: true, expected: '--import=./llm-report.mjs?in-process' }],
  ] as const) {
    it(`${how}, without the entry: coverage off, and the warning's own --import turns it on`, () => {
      const dir = copyFixture('coverage', { bundle: opts.bundle });
      const off = checkRun(runNodeTest(dir, { reporter: opts.reporter, args: [isolationFlag as string] }));
      assert.equal(off.run.coverage_mode, 'off');
      assert.ok(off.tests.every((t) => t.coverage === undefined));
      const message = inProcessWarning(off) ?? '';
      assert.ok(message.includes(opts.expected), message);
      // Follow the advice literally.
      const flag = /--import=\S+/.exec(message)![0];
      assertInProcessCoverage(runNodeTest(copyFixture('coverage', { bundle: opts.bundle }), { reporter: opts.reporter, args: [isolationFlag as string, flag] }), perProcess);
    });
  }

  it('requirements declared through the API are the same as per process (evidence fixture)', () => {
    const requirementsOf = (r: Report): Record<string, string[] | undefined> => Object.fromEntries(r.tests.map((t) => [t.id, t.requirements]));
    const per = runNodeTest(copyFixture('evidence'));
    assert.ok(per.report, per.stderr);
    const inProc = checkRun(runNodeTest(copyFixture('evidence'), { args: [isolationFlag as string, '--import=@org/llm-report/in-process'] }));
    assert.deepEqual(requirementsOf(inProc), requirementsOf(per.report));
    assert.deepEqual(inProc.tests.find((t) => t.name === 'alarm sounds above level 3')?.requirements, ['REQ-3', 'REQ-4']);
  });

  it('a test declared in a shared module belongs to the test file that ran it, with its own lines', () => {
    const report = checkRun(runNodeTest(copyFixture('inprocess'), { args: [isolationFlag as string, '--import=@org/llm-report/in-process'] }));
    assert.equal(report.run.status, 'passed');
    assert.ok(!codes(report).some((c) => c === 'LLMR_RESULT_RECOVERED' || c === 'LLMR_FILE_EXITED_EARLY' || c === 'LLMR_TEST_INCOMPLETE'), codes(report).join());
    const shared = report.tests.filter((t) => t.name === 'shared check').map((t) => [t.entry_file, t.file, (t.coverage ?? []).filter((f) => f.file === 'src/lib.js').map((f) => [f.file, expand(f.lines)])]);
    assert.deepEqual(shared, [
      ['test/a.test.js', 'helpers/shared.js', [['src/lib.js', [2, 3]]]],
      ['test/b.test.js', 'helpers/shared.js', [['src/lib.js', [6, 7]]]],
    ]);
  });
});
