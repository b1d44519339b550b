// Line diff of a failure's expected vs actual (longest common subsequence). Computed here once, at render
// time, so the page and the PDF show the same diff and the browser runs no diff code.

export type DiffOp = ' ' | '-' | '+';
export type DiffLine = [DiffOp, string];

/** Beyond this many lines per side the table would be quadratic: show both sides whole instead. */
export const MAX_DIFF_LINES = 400;

/** '-' lines are expected only, '+' lines are actual only. undefined when too large to diff. */
export function lineDiff(expected: string, actual: string): DiffLine[] | undefined {
  const a = expected.split('\n');
  const b = actual.split('\n');
  if (a.length > MAX_DIFF_LINES || b.length > MAX_DIFF_LINES) return undefined;
  const n = a.length;
  const m = b.length;
  // lcs[i][j]: LCS length of a[i..] and b[j..], in one flat array.
  const w = m + 1;
  const lcs = new Uint32Array((n + 1) * w);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * w + j] = a[i] === b[j] ? lcs[(i + 1) * w + j + 1]! + 1 : Math.max(lcs[(i + 1) * w + j]!, lcs[i * w + j + 1]!);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[i] === b[j]) {
      out.push([' ', a[i]!]);
      i++;
      j++;
    } else if (lcs[(i + 1) * w + j]! >= lcs[i * w + j + 1]!) out.push(['-', a[i++]!]);
    else out.push(['+', b[j++]!]);
  }
  while (i < n) out.push(['-', a[i++]!]);
  while (j < m) out.push(['+', b[j++]!]);
  return out;
}
