// The shape of the page's data block: what lib/render/html/data.ts writes and the page script
// (lib/render/page/) reads. Types only, so the browser code can be checked against the same contract.
import type { Annotation, AnnotationError, Failure, FileLines, FileOutput, FileStatus, LineRange, TestStatus } from '../../types.js';

/** A file's line set in the data block: [file index, from, to, from, to, ...] (run-length ranges, flat). */
export type CompactLines = number[];
import type { DiffLine } from './diff.js';

/** Status codes in test rows: the index into this list. */
export const STATUSES = ['failed', 'cancelled', 'incomplete', 'passed', 'skipped', 'todo'] as const;
export type StatusCode = 0 | 1 | 2 | 3 | 4 | 5;

/** A failure as the page gets it: with a diff, expected/actual are left out. */
export type ClientFailure = Failure & { diff?: DiffLine[] };

/** The detail fields of a test that are present (the last element of its row). */
export interface ClientDetail {
  file?: string;
  column?: number;
  attempt?: number;
  failure?: ClientFailure;
  /** Index into ClientData.runs (aggregates). */
  run?: number;
  /** [status, attempt, run index], oldest first. */
  history?: Array<[TestStatus, number, number]>;
  skip_reason?: string;
  todo_reason?: string;
  diagnostics?: string[];
  recovered?: string;
  requirements?: string[];
  annotation?: Annotation;
  annotation_error?: AnnotationError;
  /** The lines this test executed, compact: per file [file index into ClientData.sf, from, to, from, to, ...]. */
  cov?: CompactLines[];
  /** The same with its subtests. */
  covi?: CompactLines[];
  coverage_shared?: true;
  file_level?: true;
  flaky?: true;
  output?: FileOutput;
}

/** [id, name, path index, entry file index, line, status code, duration ms, detail?] */
export type ClientTest = [string, string, number, number, number, number, number, ClientDetail?];
/** [name, path index, entry file index, status, own failure 0/1] */
export type ClientSuite = [string, number, number, string, number];
/** A test file: name, status, captured output of the whole file. */
export interface ClientFile { f: string; s?: FileStatus; o?: FileOutput }
/** An aggregate's source run: id, path, shard. */
export interface ClientRun { i: string; p?: string; s?: string }
/** Whole-run coverage of a source file: the lines the run executed and the file's line count. */
export interface ClientRunLines { c: LineRange[]; n: number }

export interface ClientData {
  files: ClientFile[];
  paths: string[][];
  tests: ClientTest[];
  suites: ClientSuite[];
  runs: ClientRun[];
  /** Source files named by the tests' line sets (cov, covi), each once. */
  sf: string[];
  /** The source files embedded in the page (their text is in the second block, ClientSources), sorted. */
  src: string[];
}

/** The second data block (#llmr-src), parsed only when a source is first shown: the bulk of a page with
 *  sources, kept out of the parse before the list is up. */
export interface ClientSources {
  /** Source file -> its text (redacted), each once. */
  t: Record<string, string>;
  /** Source file -> whole-run coverage, when the run measured it. */
  l?: Record<string, ClientRunLines>;
}

/** A data block line set back to a file and its ranges. */
export function expandLines(c: CompactLines, files: readonly string[]): FileLines {
  const lines: LineRange[] = [];
  for (let k = 1; k + 1 < c.length; k += 2) lines.push([c[k]!, c[k + 1]!]);
  return { file: files[c[0]!] ?? '', lines };
}
