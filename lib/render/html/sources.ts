// Which covered source files the page embeds (issue #14 §1). Pure: the IO edge (lib/output/sources.ts)
// stats and reads; this decides, so the choice is the same wherever the page is rendered.
import type { Report } from '../../types.js';

/** Every file in the report's coverage (per-test lines and the whole-run summary), sorted. */
export function coveredFiles(report: Report): string[] {
  const files = new Set<string>();
  for (const f of report.coverage?.files ?? []) files.add(f.file);
  for (const t of report.tests) for (const c of t.coverage ?? []) files.add(c.file);
  return [...files].sort();
}

/** Tests that executed at least one line of each file. */
export function testsPerFile(report: Report): Map<string, number> {
  const n = new Map<string, number>();
  for (const t of report.tests) for (const c of t.coverage ?? []) if (c.lines.length) n.set(c.file, (n.get(c.file) ?? 0) + 1);
  return n;
}

export interface SourcePick {
  /** Files to embed, sorted by path. */
  keep: string[];
  /** Files left out for the cap, sorted by path. */
  dropped: string[];
  droppedBytes: number;
}

/** Under `maxBytes` in total: the files executed by the most tests first (ties: smaller, then by path);
 *  a file that does not fit is left out and the next ones are still tried. */
export function pickSources(sizes: ReadonlyMap<string, number>, tests: ReadonlyMap<string, number>, maxBytes: number): SourcePick {
  const order = [...sizes.keys()].sort((a, b) => (tests.get(b) ?? 0) - (tests.get(a) ?? 0) || sizes.get(a)! - sizes.get(b)! || (a < b ? -1 : a > b ? 1 : 0));
  const keep: string[] = [];
  const dropped: string[] = [];
  let used = 0;
  let droppedBytes = 0;
  for (const f of order) {
    const size = sizes.get(f)!;
    if (used + size <= maxBytes) {
      keep.push(f);
      used += size;
    } else {
      dropped.push(f);
      droppedBytes += size;
    }
  }
  return { keep: keep.sort(), dropped: dropped.sort(), droppedBytes };
}
