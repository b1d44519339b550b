// Reading NDJSON (writing a line is canonical.ts's toNdjsonLine, so a writer never loads the line
// validator). Reading never throws on content: every complete, valid line is kept and every bad
// one becomes a located warning (file and line number), so a torn or corrupt journal loses nothing else.
import { validateLine } from '../generated/validate-line.js';
import { warning } from '../warnings.js';
import { capStrings, depthExceeded, MAX_DEPTH } from './limits.js';
import type { Line, Warning } from '../types.js';

export interface ReadResult {
  lines: Line[];
  warnings: Warning[];
  /** 1-based numbers of the lines that were rejected. */
  badLines: number[];
  /** Where each kept line came from ("source:line"), parallel to `lines`: warnings about them can say. */
  origins: string[];
}

export function parseNdjson(text: string, source: string): ReadResult {
  const lines: Line[] = [];
  const warnings: Warning[] = [];
  const badLines: number[] = [];
  const origins: string[] = [];
  const parts = text.split('\n');
  // A final part without "\n" is a line cut short by a crash unless it is complete, valid JSON.
  for (let i = 0; i < parts.length; i++) {
    const raw = parts[i]!.replace(/\r$/, '');
    if (raw.trim() === '') continue;
    const lineNo = i + 1;
    // Hostile nesting is refused before parsing: whatever walks a 100,000-deep value next overflows the stack.
    const deep = depthExceeded(raw);
    if (deep > 0) {
      badLines.push(lineNo);
      warnings.push(warning('LLMR_NDJSON_BAD_LINE', `${source}:${lineNo}: nested deeper than ${MAX_DEPTH} levels (at column ${deep}); line skipped`, { file: source, line: lineNo }));
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      badLines.push(lineNo);
      const torn = i === parts.length - 1 ? ' (last line, cut short)' : '';
      warnings.push(warning('LLMR_NDJSON_BAD_LINE', `${source}:${lineNo}: not valid JSON${torn}: ${(err as Error).message}`, { file: source, line: lineNo }));
      continue;
    }
    // Over-long strings are cut to the limits (limits.ts) first, so the huge originals can be freed.
    const cut = capStrings(value);
    if (cut.length) warnings.push(warning('LLMR_NDJSON_CAPPED', `${source}:${lineNo}: ${cut.length} over-long string(s) cut to the reader's limits: ${cut.slice(0, 5).join(', ')}${cut.length > 5 ? ', ...' : ''}`, { file: source, line: lineNo }));
    if (!validateLine(value)) {
      badLines.push(lineNo);
      const first = validateLine.errors?.[0];
      const detail = first ? `${first.instancePath || '/'} ${first.message ?? first.keyword}` : 'does not match the line schema';
      warnings.push(warning('LLMR_NDJSON_BAD_LINE', `${source}:${lineNo}: not a valid llm-report line: ${detail}`, { file: source, line: lineNo }));
      continue;
    }
    const beyond = beyondSchema(value as Line);
    if (beyond) {
      badLines.push(lineNo);
      warnings.push(warning('LLMR_NDJSON_BAD_LINE', `${source}:${lineNo}: not a valid llm-report line: ${beyond}`, { file: source, line: lineNo }));
      continue;
    }
    lines.push(value as Line);
    origins.push(`${source}:${lineNo}`);
  }
  return { lines, warnings, badLines, origins };
}

/** What the schema cannot say: coverage counts within their totals (a damaged line would fold to more than 100 %). */
function beyondSchema(line: Line): string | undefined {
  if (line.type !== 'coverage') return undefined;
  let covered = 0;
  for (const [start, end] of line.lines.covered) {
    if (end < start) return `/lines/covered range [${start}, ${end}] ends before it starts`;
    covered += end - start + 1;
  }
  if (covered > line.lines.total) return `/lines ${covered} covered of ${line.lines.total}`;
  for (const k of ['functions', 'branches'] as const) if (line[k].covered > line[k].total) return `/${k} ${line[k].covered} covered of ${line[k].total}`;
  return undefined;
}
