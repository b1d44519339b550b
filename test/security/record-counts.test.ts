// Counts add up and agree with node (DESIGN invariant 7): summary.tests is the number of test records and
// the sum of the status counts; node's own summary stays in node_counts, and the records taken as node
// counts them equal it on every fixture run here, or warning LLMR_COUNTS_DIFFER names the tests.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { copyFixture, countsAsNode, parseLines, runNodeTest, type RunResult } from '../helpers/run.js';
import { endLine, ndjson, startLine, testLine } from '../helpers/lines.js';
import { parseNdjson } from '../../lib/report/ndjson.js';
import { fold } from '../../lib/report/fold.js';
import type { Report, RunEndLine } from '../../lib/types.js';

const STATUSES = ['passed', 'failed', 'cancelled', 'skipped', 'todo', 'incomplete'] as const;

/** The invariants every report must hold. */
function assertCountsAddUp(report: Report, label: string): void {
  const s = report.summary;
  assert.equal(s.tests, report.tests.length, `${label}: summary.tests equals the number of test records`);
  assert.equal(s.tests, STATUSES.reduce((n, k) => n + s[k], 0), `${label}: summary.tests is the sum of the status counts`);
  for (const k of STATUSES) assert.equal(s[k], report.tests.filter((t) => t.status === k).length, `${label}: ${k}`);
  assert.equal(s.suites, report.suites.length, `${label}: suites`);
  for (const f of report.files) {
    const c = f.counts;
    assert.equal(c.tests, STATUSES.reduce((n, k) => n + c[k], 0), `${label}: ${f.file} counts add up`);
  }
}

/** Ours against node's: equal, or a warning that names tests. Node's closing summary is in tap.txt too. */
function assertAgreesWithNode(run: RunResult, label: string): void {
  const report = run.report!;
  assert.ok(report.node_counts, `${label}: node_counts recorded`);
  const differ = report.warnings.filter((w) => w.code === 'LLMR_COUNTS_DIFFER');
  assert.deepEqual(differ, [], `${label}: no difference between our counts and node's`);
  assert.deepEqual(countsAsNode(report), run.nodeCounts, `${label}: the records as node counts them equal node's TAP summary`);
  const end = parseLines(run.stream).find((l): l is RunEndLine => l.type === 'run_end');
  assert.deepEqual(end?.counts, (({ files: _f, files_failed: _ff, files_incomplete: _fi, ...c }) => c)(report.summary), `${label}: run_end counts are the summary's`);
}

describe('counts add up and agree with node', () => {
  let exitRun: RunResult;
  let kitchen: RunResult;
  before(() => {
    exitRun = runNodeTest(copyFixture('exit-suite'));
    kitchen = runNodeTest(copyFixture('kitchen'));
  });

  it('process.exit(0) mid-suite: summary.tests == test records == sum of statuses', () => {
    const report = exitRun.report!;
    assert.ok(report, exitRun.stderr);
    assertCountsAddUp(report, 'exit-suite');
    assert.ok(report.summary.incomplete >= 1, 'the test that called process.exit is incomplete');
    assert.equal(report.run.status, 'incomplete');
    assert.notEqual(exitRun.status, 0);
  });

  it('the file-level test of the process that exited early is not passed; node counted it as passed', () => {
    const lvl = exitRun.report!.tests.find((t) => t.file_level && t.entry_file === 'test/exits.test.js');
    assert.ok(lvl, 'node reported a file-level test for the file');
    assert.equal(lvl.status, 'incomplete');
    assert.equal(lvl.node_status, 'passed');
    assert.equal(lvl.failure?.kind, 'incomplete');
    assert.equal(exitRun.report!.files.find((f) => f.file === 'test/exits.test.js')?.status, 'incomplete');
    // The file that ran normally is untouched.
    assert.equal(exitRun.report!.files.find((f) => f.file === 'test/fine.test.js')?.status, 'passed');
  });

  it('exit-suite: our counts agree with node_counts and node\'s TAP summary', () => {
    assertAgreesWithNode(exitRun, 'exit-suite');
  });

  it('kitchen (every outcome node has, exit and SIGKILL mid-file): counts add up and agree with node', () => {
    assert.ok(kitchen.report, kitchen.stderr);
    assertCountsAddUp(kitchen.report, 'kitchen');
    assertAgreesWithNode(kitchen, 'kitchen');
  });

  it('a difference from node_counts is a warning naming the tests concerned', () => {
    const end = endLine('failed', { node_counts: { tests: 3, suites: 0, passed: 1, failed: 2, cancelled: 0, skipped: 0, todo: 0 } });
    const read = parseNdjson(ndjson([startLine(), testLine('a', 'passed'), testLine('b', 'passed'), testLine('c', 'failed'), end]), 'j.ndjson');
    const report = fold(read.lines, read.warnings, read.origins);
    assertCountsAddUp(report, 'hand-made');
    const w = report.warnings.find((x) => x.code === 'LLMR_COUNTS_DIFFER');
    assert.ok(w, 'warned');
    assert.match(w.message, /passed 2 \(node 1\), failed 1 \(node 2\)/);
    for (const name of ['a', 'b', 'c']) assert.match(w.message, new RegExp(`test/x\\.test\\.js > ${name} \\(`));
  });
});
