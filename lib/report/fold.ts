// Lines -> report. The fold reads only NDJSON records, so any saved stream (results.ndjson, a journal cut
// short by a crash, shards later) folds the same way. Pure: no IO, no clock.
import { warning } from '../warnings.js';
import { SCHEMA_VERSION } from '../types.js';
import { lineRatio, ratio } from '../coverage/summary.js';
import { canonicalJson } from './canonical.js';
import { capStrings } from './limits.js';
import type { Counts, CoverageLine, CoverageSummary, FileLine, FileStatus, Line, Report, RunEndLine, RunStartLine, RunStatus, SuiteLine, TestLine, Warning } from '../types.js';

export function emptyCounts(): Counts {
  return { tests: 0, suites: 0, passed: 0, failed: 0, cancelled: 0, skipped: 0, todo: 0, incomplete: 0 };
}

/**
 * Counts that add up: `tests` is the number of test records and the sum of the six statuses (incomplete
 * included); suites apart. node's own view of the run stays in node_counts (nodeView compares the two).
 */
export function countRecords(records: ReadonlyArray<TestLine | SuiteLine>): Counts {
  const c = emptyCounts();
  for (const r of records) {
    if (r.type === 'suite') {
      c.suites++;
      continue;
    }
    c.tests++;
    c[r.status]++;
  }
  return c;
}

type NodeCountKey = 'tests' | 'suites' | 'passed' | 'failed' | 'cancelled' | 'skipped' | 'todo';
const NODE_KEYS: readonly NodeCountKey[] = ['tests', 'suites', 'passed', 'failed', 'cancelled', 'skipped', 'todo'];

/**
 * The records as node counted them: what node reported, with the status node gave it (node_status, where
 * ours differs). Tests recovered from the child journals never reached node and are not in its summary.
 */
export function nodeView(records: ReadonlyArray<TestLine | SuiteLine>): Record<NodeCountKey, number> {
  const c: Record<NodeCountKey, number> = { tests: 0, suites: 0, passed: 0, failed: 0, cancelled: 0, skipped: 0, todo: 0 };
  for (const r of records) {
    if (r.type === 'suite') {
      c.suites++;
      continue;
    }
    if (r.recovered) continue;
    const status = r.node_status ?? r.status;
    if (status === 'incomplete') continue;
    c.tests++;
    c[status]++;
  }
  return c;
}

/** node's summary against ours: any difference is a warning naming the tests concerned. */
function countsDiffer(nodeCounts: Partial<Record<NodeCountKey, number>>, tests: TestLine[], suites: SuiteLine[]): Warning | undefined {
  const ours = nodeView([...tests, ...suites]);
  const keys = NODE_KEYS.filter((k) => typeof nodeCounts[k] === 'number' && nodeCounts[k] !== ours[k]);
  if (keys.length === 0) return undefined;
  // Concerned: the tests under a status that differs, and those node never counted (recovered, incomplete).
  const statuses = new Set<string>(keys);
  const concerned = tests.filter((t) => t.recovered || t.status === 'incomplete' || statuses.has(t.node_status ?? t.status) || (statuses.has('tests') && t.file_level));
  const names = concerned.slice(0, 20).map((t) => `${t.entry_file} > ${[...t.path, t.name].join(' > ')} (${t.status})`);
  const more = concerned.length > names.length ? `, and ${concerned.length - names.length} more` : '';
  return warning(
    'LLMR_COUNTS_DIFFER',
    `counts differ from node's own summary: ${keys.map((k) => `${k} ${ours[k]} (node ${nodeCounts[k]})`).join(', ')}; tests concerned: ${names.join('; ') || 'none identified'}${more}`,
  );
}

const STATUS_RANK: Record<TestLine['status'], number> = { skipped: 0, todo: 1, passed: 2, incomplete: 3, cancelled: 4, failed: 5 };

/**
 * Of two lines for the same record, the one kept: the worse status (a failure is never hidden behind a
 * pass), then the smaller canonical JSON, so the choice does not depend on the order of the input.
 */
function keepFirst(a: TestLine | SuiteLine, b: TestLine | SuiteLine): boolean {
  const d = STATUS_RANK[a.status] - STATUS_RANK[b.status];
  if (d !== 0) return d > 0;
  return canonicalJson(a) <= canonicalJson(b);
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

/** Where a test began (a pending line) and where its result is: position and name, as both lines carry them. */
function where(r: TestLine | SuiteLine): string {
  return JSON.stringify([r.file, r.line, r.column, r.nesting, r.name]);
}

/**
 * Pending tests with no result line. A result closes the earliest open start of its position that came
 * before it in the stream; the reporter writes a start only for a test that had not ended by then (the
 * starts of tests that ended at once are never written), so a result with no start before it closes none.
 */
function unfinished(open: Map<string, TestLine[]>, order: TestLine[], records: Map<string, TestLine | SuiteLine>): TestLine[] {
  const left = new Set<TestLine>();
  for (const list of open.values()) for (const p of list) left.add(p);
  const still = order.filter((p) => left.has(p));
  // A parent is still "running" while its subtest runs: the innermost test is the one that was cut short.
  const out = still.filter((p, i) => !still.slice(i + 1).some((q) => q.entry_file === p.entry_file && q.nesting > p.nesting && JSON.stringify(q.path.slice(0, p.nesting + 1)) === JSON.stringify([...p.path, p.name])));
  return out.filter((t) => !records.has(recordKey(t))).map(({ pending: _p, ...t }) => t);
}

/**
 * Fold lines into a report. `warnings` are problems found while reading (bad lines, ...); `origins`, where
 * each line came from ("file:line", parallel to `lines`), for warnings that point at input lines.
 */
export function fold(lines: Iterable<Line>, readWarnings: Warning[] = [], origins: readonly string[] = []): Report {
  let start: RunStartLine | undefined;
  let end: RunEndLine | undefined;
  const records = new Map<string, TestLine | SuiteLine>();
  /** Where each kept record came from, by index: its origin is spelled out only for a duplicate's warning. */
  const recordAt = new Map<string, number>();
  const origin = (i: number): string => origins[i] ?? `line ${i + 1}`;
  /** Pending lines in stream order, and those not yet closed by a later result, by position. */
  const pending: TestLine[] = [];
  const open = new Map<string, TestLine[]>();
  const fileLines = new Map<string, FileLine>();
  const coverage = new Map<string, CoverageLine>();
  const warnings: Warning[] = [...readWarnings];
  let index = -1;
  for (const line of lines) {
    index++;
    // The same limits as the reader's (limits.ts), so a live run's report equals the fold of its journal.
    const cut = capStrings(line);
    if (cut.length) warnings.push(warning('LLMR_NDJSON_CAPPED', `${origins[index] ?? `line ${index + 1}`}: ${cut.length} over-long string(s) cut: ${cut.slice(0, 5).join(', ')}`));
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
        if (line.type === 'test' && line.pending) {
          pending.push(line);
          const k = where(line);
          const list = open.get(k);
          if (list) list.push(line);
          else open.set(k, [line]);
          break;
        }
        const key = recordKey(line);
        const kept = records.get(key);
        // A result (not one recovered from a child journal) closes the earliest open start of its position.
        if (!kept && open.size > 0 && (line.type === 'suite' || line.recovered === undefined)) open.get(where(line))?.shift();
        if (!kept) {
          records.set(key, line);
          recordAt.set(key, index);
          break;
        }
        const first = origin(recordAt.get(key)!);
        const at = origin(index);
        const keepOld = keepFirst(kept, line);
        const [win, winAt, lose, loseAt] = keepOld ? [kept, first, line, at] : [line, at, kept, first];
        const how = win.status === lose.status ? `both ${win.status}` : `the ${win.status} line at ${winAt} is kept over the ${lose.status} line at ${loseAt}`;
        warnings.push(warning('LLMR_NDJSON_DUPLICATE', `duplicate ${line.type} "${line.name}" (id ${line.id}) at ${first} and ${at}: ${how}`, { file: line.file, line: line.line, test_id: line.id }));
        if (!keepOld) {
          records.set(key, line);
          recordAt.set(key, index);
        }
      }
    }
  }
  if (!start) warnings.push(warning('LLMR_NDJSON_NO_RUN_START', 'no run_start line: run metadata is unknown'));
  // Pending lines (journal only) matter when the run has no end: a test that began and has no result was
  // running when node --test or the reporter was killed. Matched by position, name and order in the stream.
  if (!end) for (const t of unfinished(open, pending, records)) {
    records.set(recordKey(t), t);
    warnings.push(warning('LLMR_TEST_INCOMPLETE', `"${[...t.path, t.name].join(' > ')}" started but never finished: the run has no run_end line (node --test or the reporter was killed)`, { file: t.entry_file, test_id: t.id }));
  }
  // A run the reporter could not record (an unusable configuration): its coded error is the report's warning.
  if (end?.error) warnings.push({ code: end.error.code, message: end.error.message, ...(end.error.file ? { file: end.error.file } : {}) });
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
    if (end.node_counts) {
      report.node_counts = end.node_counts;
      const differ = countsDiffer(end.node_counts, tests, suites);
      if (differ) report.warnings = dedupeWarnings([...report.warnings, differ]).sort(compareWarnings);
    }
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
