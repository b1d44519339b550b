// Whole-run coverage across runs: per file, the union of the covered lines (a line run by any shard
// was run). Totals count every line of the file, so they agree between runs of the same source and the
// union equals what one unsharded run reports. Functions and branches come as counts only, with no
// identities: their union cannot be computed, so the largest count is kept (a lower bound).
import { compareText } from './text.js';
import type { CoverageLine, LineRange } from '../types.js';

function unionRanges(sets: ReadonlyArray<readonly LineRange[]>): LineRange[] {
  const all = sets.flatMap((s) => s.map(([a, b]) => [a, b] as LineRange)).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: LineRange[] = [];
  for (const [a, b] of all) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

const maxOf = (list: ReadonlyArray<{ covered: number; total: number }>): { covered: number; total: number } => ({
  covered: Math.max(...list.map((x) => x.covered)),
  total: Math.max(...list.map((x) => x.total)),
});

/** The one place coverage of several runs is combined. */
export function unionCoverage(perRun: ReadonlyArray<readonly CoverageLine[]>): CoverageLine[] {
  const byFile = new Map<string, CoverageLine[]>();
  for (const lines of perRun) {
    for (const c of lines) {
      const list = byFile.get(c.file) ?? [];
      list.push(c);
      byFile.set(c.file, list);
    }
  }
  return [...byFile.keys()].sort(compareText).map((file) => {
    const list = byFile.get(file)!;
    return {
      type: 'coverage',
      file,
      lines: { covered: unionRanges(list.map((c) => c.lines.covered)), total: Math.max(...list.map((c) => c.lines.total)) },
      functions: maxOf(list.map((c) => c.functions)),
      branches: maxOf(list.map((c) => c.branches)),
    };
  });
}
