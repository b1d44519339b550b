// The coverage fixture's hand-checked line sets (test/fixtures/coverage, src/calc.js), shared by every
// suite that runs it: per process (e2e-coverage) and in-process (e2e-inprocess) must give the same.
import assert from 'node:assert/strict';
import type { Report, TestLine } from '../../lib/types.js';

/** Exclusive lines of src/calc.js per test name, and why where it is not obvious. */
export const CALC_LINES: ReadonlyArray<[name: string, lines: number[], why?: string]> = [
  ['negative', [5, 6, 7, 12]],
  ['positive', [5, 8, 11, 12]],
  ['throws on zero', [5, 8, 9, 10, 12], 'the throw branch, not the return after it'],
  ['sum loops', [15, 16, 17, 18, 19, 20]],
  ['sum of nothing skips the loop body', [15, 16, 19, 20]],
  ['helper one', [23, 24], 'a helper called by two tests is in both'],
  ['helper two', [23, 24]],
  ['loop 1', [23, 24], 'tests defined in a loop each get their own interval'],
  ['loop 2', [23, 24]],
  ['parent', [5, 6, 7, 12], 'the parent is exclusive of its child'],
  ['child', [15, 16, 17, 18, 19, 20]],
];

/** Lines run only at module load or never: no test may have them. */
export const CALC_UNATTRIBUTED = [1, 2, 4, 14, 22, 26, 27, 28];
/** The parent test's inclusive lines (its own and its child's), and the `classify` suite's. */
export const CALC_PARENT_INCLUSIVE = [5, 6, 7, 12, 15, 16, 17, 18, 19, 20];
export const CALC_SUITE_INCLUSIVE = [5, 6, 7, 8, 9, 10, 11, 12];

export const expand = (ranges: Array<[number, number]>): number[] => ranges.flatMap(([s, e]) => Array.from({ length: e - s + 1 }, (_, i) => s + i));

export function testNamed(report: Report, name: string): TestLine {
  const found = report.tests.filter((x) => x.name === name);
  assert.equal(found.length, 1, name);
  return found[0]!;
}

/** A test's exclusive lines of src/calc.js. */
export function calcLines(report: Report, name: string): number[] {
  return expand((testNamed(report, name).coverage ?? []).flatMap((f) => (f.file === 'src/calc.js' ? f.lines : [])));
}

/** Every expectation above, against one run's report. */
export function assertCalcCoverage(report: Report): void {
  for (const [name, lines, why] of CALC_LINES) assert.deepEqual(calcLines(report, name), lines, why ? `${name}: ${why}` : name);
  const all = new Set(report.tests.flatMap((x) => expand((x.coverage ?? []).flatMap((f) => f.lines))));
  for (const n of CALC_UNATTRIBUTED) assert.ok(!all.has(n), `line ${n} attributed to a test`);
  assert.deepEqual(expand((testNamed(report, 'parent').coverage_inclusive ?? []).flatMap((f) => f.lines)), CALC_PARENT_INCLUSIVE);
  const suite = report.suites.find((s) => s.name === 'classify');
  assert.deepEqual(expand(suite!.coverage_inclusive![0]!.lines), CALC_SUITE_INCLUSIVE);
  assert.ok(report.tests.every((x) => (x.coverage ?? []).every((f) => f.file === 'src/calc.js')), 'test files are excluded by default');
}
