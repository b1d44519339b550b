// Small formatting helpers shared by the HTML page and the Markdown summary. Pure and locale-free, so
// the output is the same on every machine.
import { fullName } from '../../events/identity.js';
import type { Location } from '../../types.js';

export { fullName };

/** 1234 -> "1,234" (fixed grouping, not the machine's locale). */
export function count(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

export function duration(ms: number | undefined): string {
  if (ms === undefined || !Number.isFinite(ms)) return '';
  if (ms === 0) return '0 ms';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  const m = Math.floor(ms / 60_000);
  return `${m} min ${((ms - m * 60_000) / 1000).toFixed(0)} s`;
}

export function percent(p: number | undefined): string {
  if (p === undefined || !Number.isFinite(p)) return '';
  return `${(Math.floor(p * 100) / 100).toFixed(2)} %`;
}

export function bytes(n: number): string {
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

export function where(loc: Location | { file: string; line: number; column?: number }): string {
  if (!loc.line) return loc.file;
  return loc.column ? `${loc.file}:${loc.line}:${loc.column}` : `${loc.file}:${loc.line}`;
}

/** [[3,5],[9,9]] -> "3-5, 9" */
export function ranges(lines: ReadonlyArray<readonly [number, number]>): string {
  return lines.map(([a, b]) => (a === b ? String(a) : `${a}-${b}`)).join(', ');
}

export function rangeLineCount(lines: ReadonlyArray<readonly [number, number]>): number {
  return lines.reduce((n, [a, b]) => n + (b - a + 1), 0);
}

export function firstLine(text: string): string {
  const i = text.indexOf('\n');
  return i < 0 ? text : text.slice(0, i);
}
