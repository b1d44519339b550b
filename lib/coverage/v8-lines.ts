// V8 block coverage of one interval -> the lines that ran in it. The rule is v8-to-istanbul's: a
// line takes the count of the last (innermost) range that fully contains it. An interval lists only
// the functions that ran in it, so every line starts at 0 (the "seeded zero range" trap: starting at
// 1, as v8-to-istanbul does for a whole-run profile, would mark every line of the file as run).
import type { SourceLines } from './source-lines.js';

export interface V8Range {
  startOffset: number;
  endOffset: number;
  count: number;
}

export interface V8Function {
  functionName: string;
  ranges: V8Range[];
  isBlockCoverage: boolean;
}

/** Index of the first line whose end is past `offset` (binary search). */
function firstLineEndingAfter(lines: SourceLines, offset: number): number {
  let lo = 0;
  let hi = lines.ends.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (lines.ends[mid]! <= offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Per-line counts (index 0 = line 1) for one interval's functions. */
export function lineCounts(lines: SourceLines, functions: readonly V8Function[]): Uint32Array {
  const counts = new Uint32Array(lines.starts.length);
  for (const fn of functions) {
    for (const range of fn.ranges) {
      const start = Math.max(0, range.startOffset);
      const end = Math.min(lines.eof, range.endOffset);
      for (let i = firstLineEndingAfter(lines, start - 1); i < counts.length && lines.starts[i]! <= end; i++) {
        if (start <= lines.starts[i]! && end >= lines.ends[i]!) counts[i] = range.count;
      }
    }
  }
  return counts;
}

/** 1-based lines with a count above zero. */
export function coveredLines(lines: SourceLines, functions: readonly V8Function[]): number[] {
  const counts = lineCounts(lines, functions);
  const out: number[] = [];
  counts.forEach((c, i) => {
    if (c > 0) out.push(i + 1);
  });
  return out;
}
