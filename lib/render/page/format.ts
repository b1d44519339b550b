// Text formatting of the page: counts, durations, line ranges. Pure (unit-tested without a browser).
import type { LineRange } from '../../types.js';

/** 12345 -> "12,345". */
export function count(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function duration(ms: unknown): string {
  if (typeof ms !== 'number' || !isFinite(ms)) return '';
  if (ms === 0) return '0 ms';
  if (ms < 1) return ms.toFixed(2) + ' ms';
  if (ms < 1000) return Math.round(ms) + ' ms';
  if (ms < 60000) return (ms / 1000).toFixed(2) + ' s';
  const m = Math.floor(ms / 60000);
  return m + ' min ' + ((ms - m * 60000) / 1000).toFixed(0) + ' s';
}

/** [[1,3],[5,5]] -> "1-3, 5". */
export function ranges(lines: readonly LineRange[]): string {
  return lines.map((r) => (r[0] === r[1] ? String(r[0]) : r[0] + '-' + r[1])).join(', ');
}

/** Lines in a range list. */
export function lineTotal(lines: readonly LineRange[]): number {
  let n = 0;
  for (const r of lines) n += r[1] - r[0] + 1;
  return n;
}

/** The search box's text as lower-case words. */
export function searchWords(text: string): string[] {
  return text.toLowerCase().split(/\s+/).filter(Boolean);
}
