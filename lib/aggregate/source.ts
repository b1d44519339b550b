// One input of the aggregate, from its text: a saved NDJSON stream (results.ndjson, a journal, a reporter
// destination) or a report.json turned back into the lines it was folded from. Pure: the CLI reads.
import { validateReport } from '../generated/validate-report.js';
import { parseNdjson } from '../report/ndjson.js';
import { sha256 } from '../report/canonical.js';
import { nestingProblem } from '../report/limits.js';
import type { Line, Report, RunEndLine, RunStartLine, Warning } from '../types.js';
import { AggregateError } from './errors.js';
import { checkSchemaVersion } from './schema-version.js';

export interface Source {
  /** The file read, relative to the aggregate's working directory (POSIX). */
  path: string;
  sha256: string;
  format: 'ndjson' | 'report.json';
  /** Index of the command-line input it came from: the runs of one input are the shards of one run. */
  input: number;
  schema_version: string;
  lines: Line[];
  /** Where each line came from ("file:line", parallel to lines), for NDJSON inputs. */
  origins?: string[];
  /** Problems met while reading (bad lines), located. */
  warnings: Warning[];
  /** A report.json with coverage totals: its line sets are not in it, so they cannot join a union. */
  coverageTotalsOnly: boolean;
}

export interface SourceMeta {
  path: string;
  input: number;
  format: 'ndjson' | 'report.json';
}

export function readSource(bytes: Uint8Array | string, meta: SourceMeta): Source {
  const text = typeof bytes === 'string' ? bytes : Buffer.from(bytes).toString('utf8');
  const base = { path: meta.path, sha256: sha256(bytes), input: meta.input, format: meta.format };
  if (meta.format === 'report.json') {
    const report = parseReport(text, meta.path);
    return { ...base, schema_version: report.schema_version, lines: reportToLines(report), warnings: [], coverageTotalsOnly: report.coverage !== undefined };
  }
  // The version comes first: a newer stream would otherwise fail line validation with a vaguer message.
  const version = streamSchemaVersion(text, meta.path);
  const parsed = parseNdjson(text, meta.path);
  if (parsed.lines.length === 0) throw new AggregateError('holds no valid llm-report line', meta.path);
  return { ...base, schema_version: version ?? 'unknown', lines: parsed.lines, origins: parsed.origins, warnings: parsed.warnings, coverageTotalsOnly: false };
}

/** schema_version of the first run_start line, checked; undefined when the stream has none (a torn journal). */
function streamSchemaVersion(text: string, file: string): string | undefined {
  for (const raw of text.split('\n')) {
    if (!raw.includes('"run_start"')) continue;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      continue; // parseNdjson reports it, located
    }
    if (value && typeof value === 'object' && (value as { type?: unknown }).type === 'run_start') {
      return checkSchemaVersion((value as { schema_version?: unknown }).schema_version, file);
    }
  }
  return undefined;
}

function parseReport(text: string, file: string): Report {
  const deep = nestingProblem(text);
  if (deep) throw new AggregateError(`is not an llm-report report.json: ${deep}`, file);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw new AggregateError(`not valid JSON: ${(err as Error).message}`, file);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new AggregateError('is not an llm-report report.json (not a JSON object)', file);
  checkSchemaVersion((value as { schema_version?: unknown }).schema_version, file);
  if (!validateReport(value)) {
    const first = validateReport.errors?.[0];
    throw new AggregateError(`is not a valid llm-report report.json: ${first ? `${first.instancePath || '/'} ${first.message ?? first.keyword}` : 'schema mismatch'}`, file);
  }
  return value as Report;
}

/** The lines a report was folded from: folding them again gives the same report (coverage line sets aside). */
export function reportToLines(report: Report): Line[] {
  const { status, complete, ended_at, duration_ms, signal, ...startFields } = report.run;
  const start = { type: 'run_start', schema_version: report.schema_version, ...startFields } as RunStartLine;
  if (report.aggregate) start.aggregate = report.aggregate;
  const lines: Line[] = [start, ...report.files, ...report.suites, ...report.tests];
  for (const w of report.warnings) lines.push({ type: 'warning', ...w });
  if (complete) {
    const { files: _f, files_failed: _ff, files_incomplete: _fi, ...counts } = report.summary;
    const end: RunEndLine = { type: 'run_end', status, counts, ended_at: ended_at ?? report.run.started_at, duration_ms: duration_ms ?? 0 };
    if (signal) end.signal = signal;
    if (report.node_counts) end.node_counts = report.node_counts;
    lines.push(end);
  }
  return lines;
}
