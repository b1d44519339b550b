// Merging V8 function coverage from several intervals or processes into one profile, as c8 does
// (@bcoe/v8-coverage normalises the range trees, so counts add up even when V8 compacted ranges
// differently in each interval), and c8's function and branch counts over that profile.
import v8Coverage from '@bcoe/v8-coverage';
import type { V8Function } from './v8-lines.js';
import type { SourceLines } from './source-lines.js';
import { sliceRange } from './source-map.js';

/** Every process's raw profile of one script merged at once and normalized, as c8 merges (one process too). */
export function mergeFunctions(lists: V8Function[][]): V8Function[] {
  if (lists.length === 0) return [];
  const merged = v8Coverage.mergeProcessCovs(lists.map((functions) => ({ result: [{ scriptId: '0', url: 'file:///x', functions }] })));
  return merged.result[0]?.functions ?? [];
}

/**
 * Functions and branches the way v8-to-istanbul counts them for c8. With the file's `lines` (offsets
 * are offsets in that file): a range that touches no line is left out, and a function or branch whose
 * first line is under an ignore hint counts as covered, as c8 counts it.
 */
export function functionBranchCounts(functions: V8Function[], lines?: SourceLines): { functions: [number, number]; branches: [number, number] } {
  let fnCovered = 0;
  let fnTotal = 0;
  let brCovered = 0;
  let brTotal = 0;
  for (const fn of functions) {
    fn.ranges.forEach((r, i) => {
      let hit = r.count > 0;
      if (lines) {
        const [first, stop] = sliceRange(lines, Math.max(0, r.startOffset), Math.min(lines.eof, r.endOffset));
        if (first >= stop) return;
        if (lines.ignored.has(first + 1)) hit = true;
      }
      if (fn.isBlockCoverage) {
        brTotal++;
        if (hit) brCovered++;
        if (fn.functionName && i === 0) {
          fnTotal++;
          if (hit) fnCovered++;
        }
      } else if (fn.functionName) {
        fnTotal++;
        if (hit) fnCovered++;
      }
    });
  }
  return { functions: [fnCovered, fnTotal], branches: [brCovered, brTotal] };
}
