// Line -> tests: which tests executed a file's lines, from the per-test coverage in the records. Pure.
// The reverse of a test's `coverage` (its own lines, exclusive of subtests). A test that ran
// concurrently with another in one process has no attributable lines (`coverage_shared`): it is
// listed apart as "may have executed", never silently dropped and never claimed.
import { compareRecords } from '../report/fold.js';
import { fromRanges } from '../coverage/ranges.js';
import type { CoverageLine, TestLine } from '../types.js';
import { BLANK_OR_COMMENT } from './diff.js';

/** Why a line has no test: run outside any test (module top level, hooks between tests), never run,
 *  blank or a comment, or past the file's end. */
export type LineState = 'tests' | 'outside_tests' | 'not_covered' | 'not_executable' | 'beyond_end';

export interface LineAnswer {
  line: number;
  state: LineState;
  /** Ids of the tests that executed this line. */
  tests: string[];
}

export interface TestsForResult {
  file: string;
  /** Lines in the file as the run counted them (c8's model: every line of the file). */
  total: number;
  from: number;
  to: number;
  lines: LineAnswer[];
  /** Every test that executed at least one of the lines, in report order. */
  tests: TestLine[];
  /** Tests whose lines cannot be attributed (ran concurrently in one process) and that touched the file. */
  shared: TestLine[];
}

/** What the run knows of one file: its line count and, when the stream had it, the lines the whole run executed. */
export interface FileFacts {
  total: number;
  covered?: Set<number>;
}

/** Facts per file from the whole-run coverage lines (results.ndjson) or report.json's coverage summary. */
export function fileFacts(coverage: CoverageLine[] | undefined, summary: Array<{ file: string; lines: { total: number } }> | undefined): Map<string, FileFacts> {
  const out = new Map<string, FileFacts>();
  for (const f of summary ?? []) out.set(f.file, { total: f.lines.total });
  for (const c of coverage ?? []) out.set(c.file, { total: c.lines.total, covered: new Set(fromRanges(c.lines.covered)) });
  return out;
}

/** Every file some test executed or the run measured, sorted. */
export function knownFiles(tests: readonly TestLine[], facts: Map<string, FileFacts>): string[] {
  const files = new Set(facts.keys());
  for (const t of tests) for (const c of t.coverage ?? []) files.add(c.file);
  return [...files].sort();
}

/**
 * The run's file a user means: the exact repo-relative path, else the one file whose path ends with
 * what was given at a path boundary. Returns the candidates when that is ambiguous or nothing matches.
 */
export function resolveFile(wanted: string, files: readonly string[]): { file: string } | { candidates: string[] } {
  const w = wanted.replace(/\\/g, '/').replace(/^\.\//, '');
  if (files.includes(w)) return { file: w };
  const tail = files.filter((f) => f.endsWith('/' + w));
  if (tail.length === 1) return { file: tail[0]! };
  return { candidates: tail };
}

/**
 * The tests that executed lines `from`..`to` (1-based, inclusive) of `file`. `source` (the file's
 * text, when at hand) tells blank and comment lines apart from code that never ran.
 */
export function testsFor(tests: readonly TestLine[], facts: FileFacts | undefined, file: string, from: number, to: number, source?: string): TestsForResult {
  const byLine = new Map<number, string[]>();
  const hit: TestLine[] = [];
  const shared: TestLine[] = [];
  let total = facts?.total ?? 0;
  for (const t of tests) {
    if (t.coverage_shared) {
      shared.push(t);
      continue;
    }
    let any = false;
    for (const c of t.coverage ?? []) {
      if (c.file !== file) continue;
      for (const [s, e] of c.lines) {
        total = Math.max(total, e);
        for (let n = Math.max(s, from); n <= Math.min(e, to); n++) {
          any = true;
          const ids = byLine.get(n);
          if (ids) ids.push(t.id);
          else byLine.set(n, [t.id]);
        }
      }
    }
    if (any) hit.push(t);
  }
  const text = source?.split('\n');
  const lines: LineAnswer[] = [];
  for (let n = from; n <= to; n++) {
    const ids = byLine.get(n);
    let state: LineState;
    if (ids) state = 'tests';
    else if (n > total) state = 'beyond_end';
    else if (text && BLANK_OR_COMMENT.test(text[n - 1] ?? '')) state = 'not_executable';
    else if (facts?.covered?.has(n)) state = 'outside_tests';
    else state = 'not_covered';
    lines.push({ line: n, state, tests: ids ? [...new Set(ids)] : [] });
  }
  return { file, total, from, to, lines, tests: hit.sort(compareRecords), shared: shared.sort(compareRecords) };
}
