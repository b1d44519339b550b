// The one list of failures every view shows (Markdown job summary, report.html, terminal), so each
// failure is told once and the views agree. A test file that fails to load is reported by node twice:
// the file's outcome and the per-file test node adds in process isolation (normalize.ts marks it
// `file_level`), and node counts that test among its failures. Here they are one entry: the file's
// failure (it carries the diagnostics and the stderr tail) standing for its file-level test.
import type { FileLine, Report, SuiteLine, TestLine } from '../types.js';

export type FailureEntry =
  /** A test file that failed on its own (load error, exit code, signal); `test` is node's file-level test for it, when there is one. */
  | { kind: 'file'; file: FileLine; test?: TestLine }
  /** A suite with a failure of its own (a hook, an error thrown in its body). */
  | { kind: 'suite'; suite: SuiteLine }
  /** A failed, cancelled or incomplete test; `viaSubtests`: failed only because a subtest failed (that subtest has its own entry). */
  | { kind: 'test'; test: TestLine; viaSubtests: boolean };

const PROBLEM = new Set<TestLine['status']>(['failed', 'cancelled', 'incomplete']);

export function isProblemTest(t: TestLine): boolean {
  return PROBLEM.has(t.status);
}

/** Failed only because subtests failed: counted (node counts it), its cause is told by the subtest. */
export function failedViaSubtests(t: TestLine): boolean {
  return t.status === 'failed' && t.failure?.kind === 'subtests';
}

/**
 * Files, then suites, then tests, each in report order. Tests that did not pass are all here (the
 * count of test entries equals failed + cancelled + incomplete of the summary, node's own count for a
 * fresh run); a file-level test whose file has a failure is folded into that file's entry.
 */
export function failureEntries(report: Pick<Report, 'files' | 'suites' | 'tests'>): FailureEntry[] {
  const failedFiles = new Map(report.files.filter((f) => f.failure).map((f) => [f.file, f]));
  const fileTest = new Map<string, TestLine>();
  const tests: FailureEntry[] = [];
  for (const t of report.tests) {
    if (!isProblemTest(t)) continue;
    if (t.file_level && failedFiles.has(t.entry_file) && !fileTest.has(t.entry_file)) {
      fileTest.set(t.entry_file, t);
      continue;
    }
    tests.push({ kind: 'test', test: t, viaSubtests: failedViaSubtests(t) });
  }
  const files: FailureEntry[] = [...failedFiles.values()].map((f) => {
    const test = fileTest.get(f.file);
    return test ? { kind: 'file', file: f, test } : { kind: 'file', file: f };
  });
  const suites: FailureEntry[] = report.suites
    .filter((s) => s.failure && s.status !== 'skipped' && s.status !== 'todo')
    .map((suite) => ({ kind: 'suite', suite }));
  return [...files, ...suites, ...tests];
}
