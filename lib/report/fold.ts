// Lines -> report. The fold reads only NDJSON records, so any saved stream (results.ndjson, a journal cut
// short by a crash, shards later) folds the same way. Pure: no IO, no clock.
import { warning } from '../warnings.js';
import { SCHEMA_VERSION } from '../types.js';
import { lineRatio, ratio } from '../coverage/summary.js';
import type { Counts, CoverageLine, CoverageSummary, FileLine, FileStatus, Line, Report, RunEndLine, RunStartLine, RunStatus, SuiteLine, TestLine, Warning } from '../types.js';

export function emptyCounts(): Counts {
  return { tests: 0, suites: 0, passed: 0, failed: 0, cancelled: 0, skipped: 0, todo: 0, incomplete: 0 };
}

/** Counts as node counts: suites apart; a test is one of passed/failed/cancelled/skipped/todo; incomplete apart. */
export function countRecords(records: ReadonlyArray<TestLine | SuiteLine>): Counts {
  const c = emptyCounts();
  for (const r of records) {
    if (r.type === 'suite') {
      c.suites++;
      continue;
    }
    if (r.status === 'incomplete') {
      c.incomplete++;
      continue;
    }
    c.tests++;
    c[r.status]++;
  }
  return c;
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Sort order of every record list: file, position, name path, occurrence, attempt. */
export function compareRecords(a: TestLine | SuiteLine, b: TestLine | SuiteLine): number {
  return (
    byText(a.entry_file, b.entry_file) ||
    byText(a.file, b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    byText(JSON.stringify(a.path), JSON.stringify(b.path)) ||
    byText(a.name, b.name) ||
    a.occurrence - b.occurrence ||
    (a.type === 'test' && b.type === 'test' ? a.attempt - b.attempt : 0) ||
    byText(a.type, b.type)
  );
}

export function compareWarnings(a: Warning, b: Warning): number {
  return byText(a.code, b.code) || byText(a.file ?? '', b.file ?? '') || (a.line ?? 0) - (b.line ?? 0) || byText(a.message, b.message) || byText(a.test_id ?? '', b.test_id ?? '');
}

function recordKey(r: TestLine | SuiteLine): string {
  return `${r.type}\u0000${r.id}\u0000${r.type === 'test' ? r.attempt : 0}`;
}

function fileStatus(counts: Counts, own: FileLine | undefined): FileStatus {
  if (own?.status === 'incomplete' || counts.incomplete > 0) return 'incomplete';
  if (own?.status === 'failed' || counts.failed > 0 || counts.cancelled > 0) return 'failed';
  return 'passed';
}

function runStatus(end: RunEndLine | undefined, tests: TestLine[], suites: SuiteLine[], files: FileLine[]): RunStatus {
  if (end?.status === 'aborted') return 'aborted';
  // Never better than the recorded end: lines lost from a stream must not turn an incomplete run into a failed or passed one.
  if (!end || end.status === 'incomplete' || files.some((f) => f.status === 'incomplete') || tests.some((t) => t.status === 'incomplete')) return 'incomplete';
  const failed =
    end.status === 'failed' ||
    files.some((f) => f.status === 'failed') ||
    tests.some((t) => t.status === 'failed' || t.status === 'cancelled') ||
    suites.some((s) => s.failure !== undefined && s.status !== 'todo' && s.status !== 'skipped');
  return failed ? 'failed' : 'passed';
}

const UNKNOWN_START: RunStartLine = {
  type: 'run_start',
  schema_version: SCHEMA_VERSION,
  tool: { name: 'unknown', version: 'unknown' },
  node_version: 'unknown',
  platform: 'unknown',
  arch: 'unknown',
  run_id: 'unknown',
  started_at: '1970-01-01T00:00:00.000Z',
  argv: [],
  env_names: [],
  config_sha256: '0'.repeat(64),
  isolation: 'process',
};

/** Fold lines into a report. `warnings` are problems found while reading (bad lines, ...). */
export function fold(lines: Iterable<Line>, readWarnings: Warning[] = []): Report {
  let start: RunStartLine | undefined;
  let end: RunEndLine | undefined;
  const records = new Map<string, TestLine | SuiteLine>();
  const fileLines = new Map<string, FileLine>();
  const coverage = new Map<string, CoverageLine>();
  const warnings: Warning[] = [...readWarnings];
  for (const line of lines) {
    switch (line.type) {
      case 'run_start':
        start ??= line;
        break;
      case 'run_end':
        end ??= line;
        break;
      case 'file':
        if (!fileLines.has(line.file)) fileLines.set(line.file, line);
        break;
      case 'coverage':
        if (!coverage.has(line.file)) coverage.set(line.file, line);
        break;
      case 'warning': {
        const { type: _type, ...w } = line;
        warnings.push(w);
        break;
      }
      default: {
        const key = recordKey(line);
        if (records.has(key)) warnings.push(warning('LLMR_NDJSON_DUPLICATE', `duplicate ${line.type} "${line.name}" (id ${line.id}); the first is kept`, { file: line.file, line: line.line, test_id: line.id }));
        else records.set(key, line);
      }
    }
  }
  if (!start) warnings.push(warning('LLMR_NDJSON_NO_RUN_START', 'no run_start line: run metadata is unknown'));
  if (!end) warnings.push(warning('LLMR_NDJSON_NO_RUN_END', 'no run_end line: the run did not finish (crash, kill or signal); the report holds every complete line that was recorded'));

  const all = [...records.values()].sort(compareRecords);
  const tests = all.filter((r): r is TestLine => r.type === 'test');
  const suites = all.filter((r): r is SuiteLine => r.type === 'suite');

  // Per-file counts always come from the records, so a file line lost in a crash costs nothing.
  const byFile = new Map<string, Array<TestLine | SuiteLine>>();
  for (const r of all) {
    let list = byFile.get(r.entry_file);
    if (!list) byFile.set(r.entry_file, (list = []));
    list.push(r);
  }
  const fileNames = [...new Set([...byFile.keys(), ...fileLines.keys()])].sort(byText);
  const files: FileLine[] = fileNames.map((name) => {
    const own = fileLines.get(name);
    const counts = countRecords(byFile.get(name) ?? []);
    const f: FileLine = { type: 'file', file: name, status: fileStatus(counts, own), counts, duration_ms: own?.duration_ms ?? 0 };
    if (own?.failure) f.failure = own.failure;
    if (own?.output) f.output = own.output;
    return f;
  });

  const s = start ?? UNKNOWN_START;
  const counts = countRecords(all);
  const report: Report = {
    schema_version: SCHEMA_VERSION,
    run: {
      status: runStatus(end, tests, suites, files),
      complete: end !== undefined,
      tool: s.tool,
      node_version: s.node_version,
      platform: s.platform,
      arch: s.arch,
      run_id: s.run_id,
      started_at: s.started_at,
      argv: s.argv,
      env_names: s.env_names,
      config_sha256: s.config_sha256,
      isolation: s.isolation,
    },
    summary: {
      ...counts,
      files: files.length,
      files_failed: files.filter((f) => f.status === 'failed').length,
      files_incomplete: files.filter((f) => f.status === 'incomplete').length,
    },
    files,
    suites,
    tests,
    warnings: dedupeWarnings(warnings).sort(compareWarnings),
  };
  if (s.coverage_mode) report.run.coverage_mode = s.coverage_mode;
  if (s.watch_cycle !== undefined) report.run.watch_cycle = s.watch_cycle;
  if (coverage.size > 0 || s.coverage_mode === 'test' || s.coverage_mode === 'file') {
    report.coverage = coverageSummary([...coverage.values()].sort((a, b) => byText(a.file, b.file)), s.coverage_mode === 'file' ? 'file' : 'test');
  }
  if (end) {
    report.run.ended_at = end.ended_at;
    report.run.duration_ms = end.duration_ms;
    if (end.signal) report.run.signal = end.signal;
    if (end.node_counts) report.node_counts = end.node_counts;
  }
  return report;
}

export function coverageSummary(lines: CoverageLine[], mode: 'test' | 'file'): CoverageSummary {
  const files = lines.map((c) => ({ file: c.file, lines: lineRatio(c), functions: ratio(c.functions.covered, c.functions.total), branches: ratio(c.branches.covered, c.branches.total) }));
  const sum = (pick: (f: (typeof files)[number]) => { covered: number; total: number }) =>
    ratio(files.reduce((n, f) => n + pick(f).covered, 0), files.reduce((n, f) => n + pick(f).total, 0));
  return { mode, files, totals: { lines: sum((f) => f.lines), functions: sum((f) => f.functions), branches: sum((f) => f.branches) } };
}

function dedupeWarnings(list: Warning[]): Warning[] {
  const seen = new Set<string>();
  return list.filter((w) => {
    const k = JSON.stringify([w.code, w.message, w.file, w.line, w.column, w.test_id]);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

/** Lines in canonical order for results.ndjson: run_start, files, coverage, records, warnings, run_end. */
export function sortedLines(report: Report, start: RunStartLine | undefined, end: RunEndLine | undefined, coverage: CoverageLine[] = []): Line[] {
  const out: Line[] = [];
  if (start) out.push(start);
  out.push(...report.files);
  const seen = new Set<string>();
  for (const c of [...coverage].sort((a, b) => byText(a.file, b.file))) {
    if (seen.has(c.file)) continue;
    seen.add(c.file);
    out.push(c);
  }
  const records = [...report.suites, ...report.tests].sort(compareRecords);
  out.push(...records);
  for (const w of report.warnings) out.push({ type: 'warning', ...w });
  if (end) out.push(end);
  return out;
}
