// V8 block coverage of one interval -> the lines that ran in it. The rule is v8-to-istanbul's: a
// line takes the count of the last (innermost) range that fully contains it. An interval lists only
// the functions that ran in it, so every line starts at 0 (the "seeded zero range" trap: starting at
// 1, as v8-to-istanbul does for a whole-run profile, would mark every line of the file as run).
// Compiled code: each range is first mapped to its original range (source-map.ts), then applied to
// the original's lines by the same rule, as v8-to-istanbul does.
import type { SourceLines } from './source-lines.js';
import { sliceRange, type RangeMap } from './source-map.js';

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

/** One range [start, end) of offsets applied to `counts` (only lines [from, to)): each line it fully contains takes its count. The lines it reaches. */
function apply(counts: Uint32Array, lines: SourceLines, start: number, end: number, count: number, from = 0, to = counts.length): [number, number] {
  const [first, stop] = sliceRange(lines, start, end);
  for (let i = Math.max(first, from), last = Math.min(stop, to); i < last; i++) if (start <= lines.starts[i]! && end >= lines.ends[i]!) counts[i] = count;
  return [first, stop];
}

/** Per-line counts (index 0 = line 1) for one interval's functions. */
export function lineCounts(lines: SourceLines, functions: readonly V8Function[]): Uint32Array {
  const counts = new Uint32Array(lines.starts.length);
  // Lines outside [low, high) are still 0: a range counted 0 changes nothing there. An interval lists
  // every function of a script it ran code of, most of them at 0 (a test file's other tests, its module
  // function): applied line by line, those cost more than the code that ran.
  let low = counts.length;
  let high = 0;
  for (const fn of functions)
    for (const range of fn.ranges) {
      const start = Math.max(0, range.startOffset);
      const end = Math.min(lines.eof, range.endOffset);
      if (range.count === 0) {
        if (low < high) apply(counts, lines, start, end, 0, low, high);
        continue;
      }
      const [first, stop] = apply(counts, lines, start, end, range.count);
      if (first < low) low = first;
      if (stop > high) high = stop;
    }
  return counts;
}

function covered(counts: Uint32Array): number[] {
  const out: number[] = [];
  for (let i = 0; i < counts.length; i++) if (counts[i]! > 0) out.push(i + 1);
  return out;
}

/** 1-based lines with a count above zero. */
export function coveredLines(lines: SourceLines, functions: readonly V8Function[]): number[] {
  return covered(lineCounts(lines, functions));
}

/** Compiled code: per original source (index in `map.sources`), its 1-based lines with a count above zero. */
export function coveredOriginalLines(map: RangeMap, functions: readonly V8Function[]): Map<number, number[]> {
  const counts = new Map<number, Uint32Array>();
  for (const fn of functions) {
    for (const range of fn.ranges) {
      const m = map.map(range.startOffset, range.endOffset);
      if (!m) continue;
      const lines = map.sources[m.source]!.lines!;
      let c = counts.get(m.source);
      if (!c) counts.set(m.source, (c = new Uint32Array(lines.starts.length)));
      apply(c, lines, m.start, m.end, range.count);
    }
  }
  return new Map([...counts].map(([source, c]) => [source, covered(c)]));
}

/**
 * Compiled code: a profile with every range moved to its original offsets, in the source `source`
 * (ranges v8-to-istanbul drops are left out; a function whose own range is dropped keeps its other
 * ranges as branches and loses its name, so it is not counted as a function, as v8-to-istanbul).
 */
export function toOriginalProfile(map: RangeMap, source: number, functions: readonly V8Function[]): V8Function[] {
  const out: V8Function[] = [];
  for (const fn of functions) {
    const ranges: V8Range[] = [];
    let named = fn.functionName;
    fn.ranges.forEach((r, i) => {
      const m = map.map(r.startOffset, r.endOffset);
      const kept = m !== undefined && m.source === source && nonEmpty(map.sources[source]!.lines!, m.start, m.end);
      if (kept) ranges.push({ startOffset: m.start, endOffset: m.end, count: r.count });
      else if (i === 0) named = '';
    });
    if (ranges.length === 0) continue;
    // A range tree needs its root first: keep the order V8 gives (outer ranges first), ties by length.
    ranges.sort((a, b) => a.startOffset - b.startOffset || b.endOffset - a.endOffset);
    out.push({ functionName: named, ranges, isBlockCoverage: fn.isBlockCoverage });
  }
  return out;
}

function nonEmpty(lines: SourceLines, start: number, end: number): boolean {
  const [first, stop] = sliceRange(lines, start, end);
  return first < stop;
}
