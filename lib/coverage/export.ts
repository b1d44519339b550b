// Whole-run coverage in the formats other tools read: lcov (Codecov, IDEs) and istanbul JSON
// (coverage-final.json: nyc/c8 report tooling). Lines only: one statement per line, as
// v8-to-istanbul models them; a hit is 1 (the line ran in the run) or 0.
import { fromRanges } from './ranges.js';
import type { CoverageLine } from '../types.js';

export function toLcov(lines: CoverageLine[]): string {
  let out = '';
  for (const c of lines) {
    const hit = new Set(fromRanges(c.lines.covered));
    out += `TN:\nSF:${c.file}\n`;
    for (let n = 1; n <= c.lines.total; n++) out += `DA:${n},${hit.has(n) ? 1 : 0}\n`;
    out += `LF:${c.lines.total}\nLH:${hit.size}\nend_of_record\n`;
  }
  return out;
}

export function toIstanbul(lines: CoverageLine[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const c of lines) {
    const hit = new Set(fromRanges(c.lines.covered));
    const statementMap: Record<string, unknown> = {};
    const s: Record<string, number> = {};
    for (let n = 1; n <= c.lines.total; n++) {
      statementMap[String(n - 1)] = { start: { line: n, column: 0 }, end: { line: n, column: 0 } };
      s[String(n - 1)] = hit.has(n) ? 1 : 0;
    }
    out[c.file] = { path: c.file, statementMap, fnMap: {}, branchMap: {}, s, f: {}, b: {} };
  }
  return out;
}
