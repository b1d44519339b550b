// Line sets as sorted, merged [start, end] ranges (1-based, inclusive): the form every output uses.

export type LineRange = [number, number];

/** Whether `lines` is strictly increasing already (a single script's lines are): no set, no sort. */
function increasing(lines: Iterable<number>): lines is readonly number[] {
  if (!Array.isArray(lines)) return false;
  for (let i = 1; i < lines.length; i++) if (!((lines[i] as number) > (lines[i - 1] as number))) return false;
  return true;
}

export function toRanges(lines: Iterable<number>): LineRange[] {
  const sorted = increasing(lines) ? lines : [...new Set(lines)].sort((a, b) => a - b);
  const out: LineRange[] = [];
  for (const n of sorted) {
    const last = out[out.length - 1];
    if (last && n === last[1] + 1) last[1] = n;
    else out.push([n, n]);
  }
  return out;
}

export function fromRanges(ranges: Iterable<LineRange>): number[] {
  const out: number[] = [];
  for (const [s, e] of ranges) for (let n = s; n <= e; n++) out.push(n);
  return out;
}

/**
 * The union of line sets. Ranges of whole lines are merged as ranges (a whole-run union grows with every
 * interval: expanding it line by line each time cost the parent more than the test processes' own
 * conversion); anything else (an inverted or fractional range) goes line by line, as it always did.
 */
export function unionRanges(...sets: Array<Iterable<LineRange>>): LineRange[] {
  const all: LineRange[] = [];
  for (const set of sets) {
    for (const r of set) {
      if (!Number.isSafeInteger(r[0]) || !Number.isSafeInteger(r[1]) || r[0] > r[1]) return toRanges(sets.flatMap((s) => fromRanges(s)));
      all.push(r);
    }
  }
  all.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: LineRange[] = [];
  for (const [s, e] of all) {
    const last = out[out.length - 1];
    if (last && s <= last[1] + 1) {
      if (e > last[1]) last[1] = e;
    } else out.push([s, e]);
  }
  return out;
}

export function countLines(ranges: Iterable<LineRange>): number {
  let n = 0;
  for (const [s, e] of ranges) n += e - s + 1;
  return n;
}
