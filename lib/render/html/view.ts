// Report -> the view the mustache templates render on the server side: header, summary, failures,
// files, coverage, requirements, warnings, manifest (and, for print, every test). Everything here is
// plain text; the templates escape it ({{ }} only, never {{{ }}} for report data).
import type { Failure, FileLine, HistoryEntry, SuiteLine, TestStatus } from '../../types.js';
import { lineDiff, type DiffLine } from './diff.js';
import { failureEntries } from '../failures.js';
import { changesView } from './changes.js';
import { bytes, count, duration, fullName, percent, rangeLineCount, ranges, where } from './format.js';
import { COVERAGE_LABEL, requirementMatrix, type RequirementCoverage } from './requirements.js';
import type { CoverageMetric, RenderReport, RenderTest } from './types.js';

/** Failures rendered into the page itself (readable without JS); the rest are in the interactive list. */
export const MAX_SERVER_FAILURES = 500;

export const STATUS_ORDER: readonly TestStatus[] = ['failed', 'cancelled', 'incomplete', 'passed', 'skipped', 'todo'];

const STATUS_LABEL: Record<string, string> = {
  passed: 'passed',
  failed: 'failed',
  cancelled: 'cancelled',
  skipped: 'skipped',
  todo: 'todo',
  incomplete: 'incomplete',
  aborted: 'aborted',
  untested: 'untested',
};

export interface FailureView {
  kind: string;
  error_name: string | undefined;
  code: string | undefined;
  failure_type: string | undefined;
  location: string | undefined;
  message: string;
  diff: Array<{ op: string; cls: string; text: string }> | undefined;
  expected: string | undefined;
  actual: string | undefined;
  operator: string | undefined;
  stack: string | undefined;
}

export interface TestView {
  id: string;
  anchor?: string;
  name: string;
  suitePath: string;
  fullName: string;
  status: string;
  duration: string;
  location: string;
  entry_file?: string;
  attempt?: number;
  failure?: FailureView;
  skip_reason?: string;
  todo_reason?: string;
  diagnostics?: string[];
  recovered?: string;
  requirements?: string[];
  output?: { stdout?: string; stderr?: string; truncated?: boolean; dropped_bytes?: number; shared?: true };
  annotation?: {
    scenario: string;
    why_needed: string;
    key_assertions: string[];
    likely_cause?: string;
    model: string;
    prompt_version: string;
  };
  annotation_error?: { code: string; message: string };
  coverage?: Array<{ file: string; ranges: string; lines: string }>;
  flaky?: boolean;
  /** Aggregates: the run this record came from, and every outcome of the test, oldest first. */
  from?: RunRef;
  history?: Array<{ n: number; status: string; attempt: number; run: RunRef }>;
  /** "passed, failed (attempt 1), passed": the history in one line. */
  historyText?: string;
}

/** A source run of an aggregate, as the page names it: its file, shard and id. */
export interface RunRef {
  run_id: string;
  path: string | undefined;
  shard: string | undefined;
  group_id: string | undefined;
}

export type RunIndex = ReadonlyMap<string, RunRef>;

/** Aggregate sources by run id, for attributing records and history entries. */
export function runIndex(report: RenderReport): RunIndex {
  const out = new Map<string, RunRef>();
  for (const s of report.aggregate?.sources ?? []) out.set(s.run_id, { run_id: s.run_id, path: s.path, shard: s.shard, group_id: s.group_id });
  return out;
}

const outcomes = (history: readonly HistoryEntry[]): string => history.map((e) => (e.attempt > 0 ? `${e.status} (attempt ${e.attempt})` : e.status)).join(', ');

const runRef = (runs: RunIndex, id: string): RunRef => runs.get(id) ?? { run_id: id, path: undefined, shard: undefined, group_id: undefined };

export function failureView(f: Failure): FailureView {
  // Every key present, even when undefined: mustache would otherwise look a missing key up in the
  // enclosing context (a failure without a location would show the test's location).
  const diff = diffOf(f);
  return {
    kind: f.kind,
    error_name: f.error_name,
    code: f.code,
    failure_type: f.failure_type,
    location: f.location ? where(f.location) : undefined,
    message: f.message,
    diff: diff?.map(([op, text]) => ({ op, cls: op === '-' ? 'del' : op === '+' ? 'ins' : 'same', text })),
    expected: diff ? undefined : f.expected,
    actual: diff ? undefined : f.actual,
    operator: f.operator,
    stack: f.stack,
  };
}

/** The expected/actual diff, when the failure has both sides. */
export function diffOf(f: Failure): DiffLine[] | undefined {
  if (typeof f.expected !== 'string' || typeof f.actual !== 'string') return undefined;
  return lineDiff(f.expected, f.actual);
}

export function testView(t: RenderTest, anchor: boolean, runs: RunIndex = new Map()): TestView {
  const a = t.annotation && typeof t.annotation === 'object' ? t.annotation : undefined;
  return {
    id: t.id,
    anchor: anchor ? `test-${t.id}` : undefined,
    name: t.name,
    suitePath: t.path.join(' › '),
    fullName: fullName(t.path, t.name),
    status: t.status,
    duration: duration(t.duration_ms),
    location: where(t),
    entry_file: t.entry_file && t.entry_file !== t.file ? t.entry_file : undefined,
    attempt: t.attempt && t.attempt > 0 ? t.attempt : undefined,
    failure: t.failure ? failureView(t.failure) : undefined,
    skip_reason: t.skip_reason,
    todo_reason: t.todo_reason,
    diagnostics: t.diagnostics?.length ? t.diagnostics : undefined,
    recovered: t.recovered,
    requirements: Array.isArray(t.requirements) && t.requirements.length ? t.requirements.map(String) : undefined,
    output: t.output && (t.output.stdout || t.output.stderr || t.output.truncated) ? t.output : undefined,
    annotation: a
      ? {
          scenario: String(a.scenario ?? ''),
          why_needed: String(a.why_needed ?? ''),
          key_assertions: Array.isArray(a.key_assertions) ? a.key_assertions.map(String) : [],
          likely_cause: a.likely_cause ? String(a.likely_cause) : undefined,
          model: String(a.model ?? ''),
          prompt_version: String(a.prompt_version ?? ''),
        }
      : undefined,
    annotation_error: t.annotation_error ? { code: String(t.annotation_error.code), message: String(t.annotation_error.message) } : undefined,
    coverage: Array.isArray(t.coverage) && t.coverage.length ? t.coverage.map((c) => ({ file: c.file, ranges: ranges(c.lines), lines: plural(rangeLineCount(c.lines), 'line') })) : undefined,
    flaky: t.flaky === true,
    from: t.run_id ? runRef(runs, t.run_id) : undefined,
    history: t.history?.length ? t.history.map((e, i) => ({ n: i + 1, status: e.status, attempt: e.attempt, run: runRef(runs, e.run_id) })) : undefined,
    historyText: t.history?.length ? outcomes(t.history) : undefined,
  };
}

const plural = (n: number, word: string): string => `${count(n)} ${word}${n === 1 ? '' : 's'}`;

/** A list for a template section: its items and its count, or undefined when empty (the section is left out). */
function listOf<T>(items: T[]): { items: T[]; count: string } | undefined {
  return items.length ? { items, count: count(items.length) } : undefined;
}

function metric(m: CoverageMetric | undefined): { text: string; percent: number; detail: string } | undefined {
  if (!m || typeof m.percent !== 'number') return undefined;
  return { text: percent(m.percent), percent: Math.max(0, Math.min(100, m.percent)), detail: `${count(m.covered)}/${count(m.total)}` };
}

function fileView(f: FileLine): Record<string, unknown> {
  const c = f.counts;
  return {
    file: f.file,
    status: f.status,
    tests: count(c.tests),
    passed: count(c.passed),
    failed: count(c.failed + c.cancelled),
    other: count(c.skipped + c.todo),
    incomplete: count(c.incomplete),
    duration: duration(f.duration_ms),
    failure: f.failure ? failureView(f.failure) : undefined,
    output: f.output && (f.output.stdout || f.output.stderr) ? f.output : undefined,
  };
}

function suiteFailure(s: SuiteLine): Record<string, unknown> {
  return { id: s.id, fullName: fullName(s.path, s.name), status: s.status, location: where(s), failure: failureView(s.failure!) };
}

function runView(report: RenderReport): Record<string, unknown> {
  const r = report.run;
  const git = r.git && typeof r.git === 'object' && r.git.sha ? { sha: String(r.git.sha), dirty: r.git.dirty === true } : undefined;
  return {
    status: r.status,
    statusLabel: (STATUS_LABEL[r.status] ?? r.status).toUpperCase(),
    incomplete: !r.complete,
    run_id: r.run_id,
    started_at: r.started_at,
    ended_at: r.ended_at,
    duration: duration(r.duration_ms),
    tool: `${r.tool.name} ${r.tool.version}`,
    node_version: r.node_version,
    platform: `${r.platform} ${r.arch}`,
    isolation: r.isolation,
    signal: r.signal,
    git,
    config_sha256: r.config_sha256,
    argv: r.argv.join(' '),
    schema_version: report.schema_version,
  };
}

function responsible(report: RenderReport): string | undefined {
  const r = report.provenance?.responsible;
  if (!r || typeof r !== 'object') return undefined;
  const text = [r.name, r.role ? `(${r.role})` : undefined].filter(Boolean).join(' ');
  return text || undefined;
}

export interface ViewOptions {
  print: boolean;
  reportSha256: string;
  addenda?: string[];
}

/** "Aggregated from": how the aggregate was made, its source files with sha256, and its flaky tests. */
function aggregateView(report: RenderReport, runs: RunIndex): Record<string, unknown> | undefined {
  const a = report.aggregate;
  if (!a) return undefined;
  const byId = new Map(report.tests.map((t) => [t.id, t]));
  return {
    policy: a.policy,
    sourceCount: count(a.sources.length),
    sourcesText: plural(a.sources.length, 'source run'),
    groupsText: plural(a.groups.length, 'group'),
    sources: a.sources.map((x) => ({ ...x, shard: x.shard, started_at: x.started_at, node_version: x.node_version, tests: count(x.tests), incomplete: !x.complete })),
    groups: a.groups.map((g) => ({ id: g.id, status: g.status, incomplete: !g.complete, started_at: g.started_at, shards: g.shards?.join(', '), runs: g.run_ids.map((id) => runRef(runs, id)) })),
    flaky: a.flaky.map((id) => {
      const t = byId.get(id);
      return {
        id,
        known: t !== undefined,
        name: t ? fullName(t.path, t.name) : id,
        location: t ? where(t) : undefined,
        outcomes: outcomes(t?.history ?? []),
      };
    }),
    flakyCount: count(a.flaky.length),
  };
}

export function buildView(report: RenderReport, opts: ViewOptions): Record<string, unknown> {
  const runs = runIndex(report);
  const s = report.summary;
  const summary = [
    { key: 'tests', label: 'tests', value: count(s.tests) },
    ...STATUS_ORDER.map((k) => ({ key: k, label: k, value: count(s[k]), zero: s[k] === 0 })),
    { key: 'suites', label: 'suites', value: count(s.suites) },
    { key: 'files', label: 'files', value: count(s.files) },
  ];

  // One entry per failure, shared with the Markdown summary and the terminal (a file that failed to load
  // and node's file-level test for it are one entry). Tests that failed only through a subtest are
  // counted, as node counts them, but not repeated.
  const entries = failureEntries(report);
  const problems = entries.flatMap((e) => (e.kind === 'test' && !e.viaSubtests ? [e.test] : []));
  const viaSubtests = entries.filter((e) => e.kind === 'test' && e.viaSubtests).length;
  const shown = opts.print ? problems : problems.slice(0, MAX_SERVER_FAILURES);
  const fileFailures = entries.flatMap((e) => (e.kind === 'file' ? [fileView(e.file)] : []));
  const suiteFailures = entries.flatMap((e) => (e.kind === 'suite' ? [suiteFailure(e.suite)] : []));
  const failureCount = entries.length;

  const byFile = new Map<string, RenderTest[]>();
  if (opts.print) {
    for (const t of report.tests) {
      const list = byFile.get(t.entry_file) ?? [];
      list.push(t);
      byFile.set(t.entry_file, list);
    }
  }

  const cov = report.coverage;
  const coverage =
    cov && Array.isArray(cov.files)
      ? {
          rows: cov.files.map((f) => ({ file: f.file, lines: metric(f.lines), functions: metric(f.functions), branches: metric(f.branches) })),
          totals: cov.totals ? { lines: metric(cov.totals.lines), functions: metric(cov.totals.functions), branches: metric(cov.totals.branches) } : undefined,
        }
      : undefined;

  const matrix = requirementMatrix(report);
  // Precise lists, not one "without a passing test": a requirement whose tests partly pass has a passing
  // test and is still not fully passing; one referenced by tests may be missing from the catalogue.
  const reqGroup = (coverage: RequirementCoverage): Array<Record<string, unknown>> =>
    matrix.filter((r) => r.coverage === coverage).map((r) => ({ id: r.id, title: r.title, status: r.status, tally: `${count(r.passed)} of ${count(r.tests.length)} passed`, notInCatalogue: r.in_catalogue === false }));
  const requirements = matrix.length
    ? {
        rows: matrix.map((r) => ({
          id: r.id,
          title: r.title,
          status: r.status,
          coverage: COVERAGE_LABEL[r.coverage],
          tally: r.tests.length ? `${count(r.passed)} of ${count(r.tests.length)} passed` : undefined,
          notInCatalogue: r.in_catalogue === false,
          tests: r.tests.map(({ id, test }) => ({ id, name: test ? fullName(test.path, test.name) : id, status: test?.status ?? 'unknown', known: test !== undefined })),
          noTests: r.tests.length === 0,
        })),
        partly: listOf(reqGroup('partly_passed')),
        none: listOf(reqGroup('none_passed')),
        noTests: listOf(reqGroup('no_tests')),
        notInCatalogue: listOf(matrix.filter((r) => r.in_catalogue === false).map((r) => ({ id: r.id, title: r.title, tally: `${count(r.passed)} of ${count(r.tests.length)} passed` }))),
        allPassing: matrix.every((r) => r.coverage === 'all_passed'),
        passing: count(matrix.filter((r) => r.coverage === 'all_passed').length),
        total: count(matrix.length),
      }
    : undefined;

  const metadata =
    report.custom_metadata && typeof report.custom_metadata === 'object'
      ? Object.keys(report.custom_metadata)
          .sort()
          .map((key) => {
            const v = report.custom_metadata![key];
            return { key, value: typeof v === 'string' ? v : JSON.stringify(v) };
          })
      : [];

  const integrity = report.integrity && typeof report.integrity === 'object' ? report.integrity : undefined;
  return {
    print: opts.print,
    title: `Test report ${report.run.status}: ${report.run.tool.name} run ${report.run.run_id}`,
    run: runView(report),
    reportSha256: opts.reportSha256,
    addenda: opts.addenda?.length ? opts.addenda.map((label) => ({ label })) : undefined,
    integrity: integrity
      ? {
          sha256sums: integrity.sha256sums === true,
          journal_chain: integrity.journal_chain === true,
          signature: integrity.signature ? { algorithm: String(integrity.signature.algorithm), key_fingerprint: String(integrity.signature.key_fingerprint) } : undefined,
          hmac: integrity.hmac ? { algorithm: String(integrity.hmac.algorithm), key_id: String(integrity.hmac.key_id) } : undefined,
        }
      : undefined,
    responsible: responsible(report),
    metadata: metadata.length ? metadata : undefined,
    summary,
    failures: {
      count: count(failureCount),
      any: failureCount > 0,
      files: fileFailures,
      suites: suiteFailures,
      tests: shown.map((t) => testView(t, true, runs)),
      hidden: problems.length > shown.length ? count(problems.length - shown.length) : undefined,
      subtestNote: viaSubtests > 0 ? plural(viaSubtests, 'test') : undefined,
    },
    testCount: count(report.tests.length),
    allTests: opts.print ? [...byFile.entries()].map(([file, tests]) => ({ file, tests: tests.map((t) => testView(t, false, runs)) })) : undefined,
    aggregate: aggregateView(report, runs),
    files: report.files.map(fileView),
    coverage,
    changes: changesView(report, opts.print),
    requirements,
    warnings: report.warnings.map((w) => ({ code: w.code, where: w.file ? where({ file: w.file, line: w.line ?? 0, column: w.column ?? 0 }) : '', message: w.message, test_id: w.test_id })),
    manifest: Array.isArray(report.manifest) && report.manifest.length
      ? report.manifest.map((m) => ({ path: m.path, size: bytes(Number(m.size) || 0), sha256: m.sha256, media_type: m.media_type }))
      : undefined,
  };
}
