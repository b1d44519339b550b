// Several runs -> one report. Pure: sources come in as text already read (source.ts), the report and
// the canonical lines go out. Each source is folded like a live run; groups join shards; the policy
// picks records; history and flaky flags come from every record seen; the result is folded once more
// from a synthesized stream, so an aggregate is a report like any other (same fields, same fold).
import { countRecords, fold, sortedLines } from '../report/fold.js';
import { sha256 } from '../report/canonical.js';
import { TOOL_NAME, TOOL_VERSION } from '../generated/version.js';
import { SCHEMA_VERSION } from '../types.js';
import type { AggregateInfo, AggregatePolicy, CoverageLine, FileLine, FileStatus, Line, Report, RunEndLine, RunStartLine, RunStatus, TestLine, Warning } from '../types.js';
import { warning } from '../warnings.js';
import { unionCoverage } from './coverage.js';
import { AggregateError } from './errors.js';
import { makeGroups, type Group, type RecordLine } from './groups.js';
import { buildHistory, flakyWarnings, type History } from './history.js';
import { aggregateRunId } from './ids.js';
import { dedupeRuns, toRun, type Run } from './runs.js';
import { select } from './select.js';
import type { Source } from './source.js';
import { worseRun } from './status.js';
import { compareText } from './text.js';

export { AggregateError } from './errors.js';
export { readSource, reportToLines, type Source, type SourceMeta } from './source.js';
export { unionCoverage } from './coverage.js';

export const POLICIES: readonly AggregatePolicy[] = ['merge', 'latest', 'all'];

export interface Aggregated {
  report: Report;
  /** results.ndjson of the aggregate, in canonical order. */
  lines: Line[];
}

/**
 * `read`: a source file's text by its repo-relative path (for coverage ignore hints), where there is a
 * checkout; `root`: that checkout (compiled code's source maps are resolved from it).
 */
export function aggregate(sources: readonly Source[], policy: AggregatePolicy, read?: (file: string) => string | undefined, root?: string): Aggregated {
  if (sources.length === 0) throw new AggregateError('no inputs to aggregate');
  const warnings: Warning[] = [];
  const runs = dedupeRuns(sources.map(toRun), warnings);
  const groups = makeGroups(runs, policy, warnings);
  const history = buildHistory(groups);
  const picked = select(groups, policy);
  for (const r of picked.records) if (r.type === 'test') withHistory(r, history);
  const { records, unique } = picked;
  const contributingRuns = picked.contributing.flatMap((g) => g.runs);

  const coverage = wholeRunCoverage(contributingRuns, warnings, read, root);
  const tests = records.filter((r): r is TestLine => r.type === 'test');
  warnings.push(...flakyWarnings(tests, history));
  const info: AggregateInfo = {
    policy,
    sources: runs.map((run) => sourceInfo(run, groups)),
    groups: [...groups].sort((a, b) => a.order - b.order).map(groupInfo),
    flaky: [...new Set(tests.filter((t) => t.flaky).map((t) => t.id))],
  };
  // Groups add what records cannot show (a run that never finished, a missing shard); failures come
  // from the selected records, so under `latest` a failure that a newer run superseded does not count.
  const status = picked.contributing.reduce<RunStatus>((s, g) => (g.status === 'failed' ? s : worseRun(s, g.status)), 'passed');
  const start = synthStart(runs, contributingRuns, policy, info);
  const end = synthEnd(contributingRuns, records, status, policy, start.started_at);
  const sourceWarnings = runs.flatMap((r) => r.report.warnings).map((w): Line => ({ type: 'warning', ...w }));

  const report = fold([start, ...picked.files, ...unique, ...coverage, ...sourceWarnings, end], warnings);
  if (policy === 'all') keepEveryAttempt(report, records);
  report.run.status = worseRun(report.run.status, status);
  end.status = report.run.status;
  report.run.complete = picked.contributing.every((g) => g.complete);
  report.aggregate = info;
  return { report, lines: sortedLines(report, start, end, coverage) };
}

/** Records here are the aggregate's own copies (made in groups.ts): decorated in place. */
function withHistory(t: TestLine, history: History): void {
  const seen = history.entries.get(t.id);
  if (seen && seen.length > 1) t.history = seen;
  if (history.flaky.has(t.id)) t.flaky = true;
}

/** Union of the runs' coverage; runs that have none while others have some are named (the union is partial). */
function wholeRunCoverage(runs: readonly Run[], warnings: Warning[], read?: (file: string) => string | undefined, root?: string): CoverageLine[] {
  const withLines = runs.filter((r) => r.coverage.length > 0);
  if (withLines.length === 0) return [];
  const without = runs.filter((r) => r.coverage.length === 0 && (r.source.coverageTotalsOnly || r.start?.coverage_mode === undefined || r.start.coverage_mode === 'off'));
  if (without.length) {
    warnings.push(
      warning('LLMR_AGG_COVERAGE_PARTIAL', `whole-run coverage leaves out ${without.map((r) => `${r.source.path} (${r.source.coverageTotalsOnly ? 'a report.json holds totals, not lines' : 'coverage off'})`).join(', ')}`),
    );
  }
  const union = unionCoverage(withLines.map((r) => r.coverage), read, root);
  for (const a of union.approximate) warnings.push(warning('LLMR_BRANCHES_APPROXIMATE', `${a.file}: ${a.why}`, { file: a.file }));
  if (union.inexact.length) {
    const old = withLines.filter((r) => r.coverage.some((c) => !c.profiles)).map((r) => r.source.path);
    warnings.push(
      warning(
        'LLMR_AGG_COVERAGE_PARTIAL',
        `function and branch totals of ${union.inexact.join(', ')} are a lower bound: ${old.join(', ')} carr${old.length === 1 ? 'ies' : 'y'} counts without the V8 profile needed to merge them (written before schema 1.1.0, or no test process exited normally)`,
      ),
    );
  }
  return union.coverage;
}

function sourceInfo(run: Run, groups: readonly Group[]): AggregateInfo['sources'][number] {
  const s: AggregateInfo['sources'][number] = {
    path: run.source.path,
    sha256: run.source.sha256,
    format: run.source.format,
    run_id: run.runId,
    group_id: groups.find((g) => g.runs.includes(run))!.id,
    schema_version: run.source.schema_version,
    status: run.report.run.status,
    complete: run.report.run.complete,
    tests: run.report.tests.length + run.report.suites.length,
  };
  if (run.start) {
    s.started_at = run.start.started_at;
    s.node_version = run.start.node_version;
  }
  if (run.shard) s.shard = `${run.shard.index}/${run.shard.total}`;
  return s;
}

function groupInfo(g: Group): AggregateInfo['groups'][number] {
  const out: AggregateInfo['groups'][number] = { id: g.id, run_ids: g.runs.map((r) => r.runId), started_at: g.startedAt, status: g.status, complete: g.complete };
  if (g.shards.length) out.shards = g.shards;
  return out;
}

const uniq = (values: Array<string | undefined>): string => [...new Set(values.filter((v): v is string => v !== undefined))].sort(compareText).join(', ') || 'unknown';

/** The aggregate's run_start: the newest contributing run's metadata, with what differs between runs joined. */
function synthStart(all: readonly Run[], contributing: readonly Run[], policy: AggregatePolicy, info: AggregateInfo): RunStartLine {
  const runs = contributing.length ? contributing : all;
  const newest = [...runs].filter((r) => r.start).sort((a, b) => compareText(a.startedAt, b.startedAt) || a.order - b.order).pop()?.start;
  const { aggregate: _inner, ...base } = newest ?? ({} as Partial<RunStartLine>);
  const configs = [...new Set(runs.map((r) => r.start?.config_sha256).filter((c): c is string => c !== undefined))].sort(compareText);
  const modes = [...new Set(runs.map((r) => r.start?.coverage_mode))];
  const start: RunStartLine = {
    ...base,
    type: 'run_start',
    schema_version: SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    node_version: uniq(runs.map((r) => r.start?.node_version)),
    platform: uniq(runs.map((r) => r.start?.platform)),
    arch: uniq(runs.map((r) => r.start?.arch)),
    run_id: aggregateRunId(policy, all.map((r) => r.source.sha256)),
    started_at: runs.map((r) => r.startedAt).sort(compareText)[0]!,
    argv: ['llm-report', 'aggregate', '--policy', policy],
    env_names: [...new Set(runs.flatMap((r) => r.start?.env_names ?? []))].sort(compareText),
    config_sha256: configs.length === 1 ? configs[0]! : sha256(configs.join('\n')),
    isolation: runs.every((r) => r.start?.isolation === 'none') ? 'none' : 'process',
    aggregate: info,
  };
  if (modes.length === 1 && modes[0] !== undefined) start.coverage_mode = modes[0];
  else delete start.coverage_mode;
  return start;
}

function synthEnd(runs: readonly Run[], records: readonly RecordLine[], status: RunStatus, policy: AggregatePolicy, startedAt: string): RunEndLine {
  const ended = runs.map((r) => r.report.run.ended_at ?? r.startedAt).sort(compareText).pop() ?? startedAt;
  const end: RunEndLine = {
    type: 'run_end',
    status,
    counts: countRecords(records),
    ended_at: ended,
    duration_ms: Math.max(0, Date.parse(ended) - Date.parse(startedAt)) || 0,
  };
  // node's own counts add up only over shards of one run.
  if (policy === 'merge' && runs.length > 0 && runs.every((r) => r.report.node_counts)) {
    const sum: Record<string, number> = {};
    for (const r of runs) for (const [k, v] of Object.entries(r.report.node_counts!)) sum[k] = (sum[k] ?? 0) + (v ?? 0);
    end.node_counts = sum;
  }
  return end;
}

/** `all`: the fold saw one record per (test, attempt); put every attempt back and count them all. */
function keepEveryAttempt(report: Report, records: readonly RecordLine[]): void {
  report.tests = records.filter((r): r is TestLine => r.type === 'test');
  report.suites = records.filter((r): r is Report['suites'][number] => r.type === 'suite');
  const byFile = new Map<string, RecordLine[]>();
  for (const r of records) {
    const list = byFile.get(r.entry_file);
    if (list) list.push(r);
    else byFile.set(r.entry_file, [r]);
  }
  report.files = report.files.map((f): FileLine => {
    const counts = countRecords(byFile.get(f.file) ?? []);
    return { ...f, counts, status: fileStatus(counts, f.status) };
  });
  const counts = countRecords(records);
  report.summary = { ...report.summary, ...counts, files_failed: report.files.filter((f) => f.status === 'failed').length, files_incomplete: report.files.filter((f) => f.status === 'incomplete').length };
}

function fileStatus(counts: ReturnType<typeof countRecords>, own: FileStatus): FileStatus {
  if (own === 'incomplete' || counts.incomplete > 0) return 'incomplete';
  if (own === 'failed' || counts.failed > 0 || counts.cancelled > 0) return 'failed';
  return 'passed';
}
