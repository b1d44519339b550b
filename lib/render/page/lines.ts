// Line sets and the reverse index (line -> tests) of the source view. Pure: unit-tested without a
// browser. A test's lines arrive as sorted, disjoint run-length ranges ([from, to], 1-based, inclusive);
// the index of a file is built on first use from every test's ranges in that file, and kept.
import type { FileLines, LineRange } from '../../types.js';
import { expandLines, type ClientTest, type CompactLines } from '../html/client.js';

/** The lines of a source text (a final newline ends the last line; it does not start another). */
export function sourceLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Flags 1..n (index 0 unused): 1 where a range covers the line. Lines past n are ignored. */
export function lineFlags(ranges: readonly LineRange[], n: number): Uint8Array {
  const hit = new Uint8Array(n + 1);
  for (const [a, b] of ranges) for (let l = Math.max(1, a); l <= b && l <= n; l++) hit[l] = 1;
  return hit;
}

/** Whether `line` is in the sorted, disjoint ranges (binary search). */
export function inRanges(ranges: readonly LineRange[], line: number): boolean {
  let lo = 0;
  let hi = ranges.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const r = ranges[mid]!;
    if (line < r[0]) hi = mid - 1;
    else if (line > r[1]) lo = mid + 1;
    else return true;
  }
  return false;
}

/** One file's reverse index: the tests that executed any of its lines, each with its ranges there. */
export interface FileIndex {
  file: string;
  /** Test indexes (into the data block's tests), in report order. */
  tests: number[];
  /** ranges[i]: the lines tests[i] executed in this file. */
  ranges: LineRange[][];
}

/** Ranges of a compact line set ([file, from, to, ...]). */
function rangesOf(c: CompactLines): LineRange[] {
  const out: LineRange[] = [];
  for (let k = 1; k + 1 < c.length; k += 2) out.push([c[k]!, c[k + 1]!]);
  return out;
}

/** A test's own line sets (x.cov), or with its subtests (x.covi), as files and ranges. */
export function testLines(t: ClientTest | undefined, files: readonly string[], inclusive = false): FileLines[] {
  const cov = inclusive ? t?.[7]?.covi : t?.[7]?.cov;
  return cov ? cov.map((c) => expandLines(c, files)) : [];
}

/** `files` is the data block's table of source files (sf), which the tests' line sets index. */
export function buildFileIndex(tests: readonly ClientTest[], files: readonly string[], file: string): FileIndex {
  const out: FileIndex = { file, tests: [], ranges: [] };
  const fi = files.indexOf(file);
  if (fi < 0) return out;
  for (let i = 0; i < tests.length; i++) {
    const cov = tests[i]![7]?.cov;
    if (!cov) continue;
    for (const c of cov) {
      if (c[0] === fi && c.length > 2) {
        out.tests.push(i);
        out.ranges.push(rangesOf(c));
        break;
      }
    }
  }
  return out;
}

/** The tests (indexes, report order) that executed `line`. */
export function testsAtLine(ix: FileIndex, line: number): number[] {
  const out: number[] = [];
  for (let k = 0; k < ix.tests.length; k++) if (inRanges(ix.ranges[k]!, line)) out.push(ix.tests[k]!);
  return out;
}

/** Per line 1..n, how many tests executed it (a difference array over every test's ranges). */
export function testCounts(ix: FileIndex, n: number): Uint32Array {
  const diff = new Int32Array(n + 2);
  for (const rs of ix.ranges) {
    for (const [a, b] of rs) {
      const from = Math.max(1, a);
      const to = Math.min(n, b);
      if (from > to) continue;
      diff[from]! += 1;
      diff[to + 1]! -= 1;
    }
  }
  const counts = new Uint32Array(n + 1);
  let run = 0;
  for (let l = 1; l <= n; l++) counts[l] = run += diff[l]!;
  return counts;
}

/** The lazily built indexes of a report's files. */
export class ReverseIndex {
  private readonly built = new Map<string, FileIndex>();
  constructor(
    private readonly tests: readonly ClientTest[],
    private readonly files: readonly string[],
  ) {}
  of(file: string): FileIndex {
    let ix = this.built.get(file);
    if (!ix) this.built.set(file, (ix = buildFileIndex(this.tests, this.files, file)));
    return ix;
  }
}

/** What a source line is in the whole run: executed, not executed, or not counted (beyond what the
 *  run measured, or no measurement: then only what tests executed is known). */
export type LineState = 'covered' | 'uncovered' | 'unknown';

export function lineStates(run: { c: LineRange[]; n: number } | undefined, counts: Uint32Array, n: number): LineState[] {
  const out: LineState[] = new Array<LineState>(n + 1).fill('unknown');
  const runHit = run ? lineFlags(run.c, n) : undefined;
  for (let l = 1; l <= n; l++) {
    if (counts[l] || runHit?.[l]) out[l] = 'covered';
    else if (run && l <= run.n) out[l] = 'uncovered';
  }
  return out;
}
