// A saved run as the line <-> tests commands read it: its test records and whole-run coverage from
// results.ndjson (or any saved stream), its report.json when present. IO only.
import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseNdjson } from '../report/ndjson.js';
import type { CoverageLine, Report, TestLine } from '../types.js';

export interface RunData {
  report?: Report;
  tests: TestLine[];
  /** Whole-run coverage lines (only from a stream; a report.json has the summary only). */
  coverage: CoverageLine[];
}

/** `target`: a run directory (results.ndjson, else report.json), a saved stream (.ndjson) or a report.json. */
export function readRunData(target: string): RunData {
  const isDir = statSync(target).isDirectory();
  const stream = isDir ? path.join(target, 'results.ndjson') : target.endsWith('.ndjson') ? target : undefined;
  const reportFile = isDir ? path.join(target, 'report.json') : target.endsWith('.ndjson') ? path.join(path.dirname(target), 'report.json') : target;
  const report = existsSync(reportFile) ? (JSON.parse(readFileSync(reportFile, 'utf8')) as Report) : undefined;
  if (report && !Array.isArray(report.tests)) throw new Error(`${path.basename(reportFile)}: no tests array: not an llm-report report.json`);
  if (stream && existsSync(stream)) {
    const { lines } = parseNdjson(readFileSync(stream, 'utf8'), path.basename(stream));
    return { report, tests: lines.filter((l): l is TestLine => l.type === 'test'), coverage: lines.filter((l): l is CoverageLine => l.type === 'coverage') };
  }
  if (!report) throw new Error('neither results.ndjson nor report.json is there');
  return { report, tests: report.tests, coverage: [] };
}
