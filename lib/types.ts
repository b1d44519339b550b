// Record types. They follow schemas/line.schema.json and schemas/report.schema.json (the contracts);
// change a schema first, then the type here.

// Minor: optional fields added (1.1.0: coverage `profile`; 1.2.0: test `node_status`, counts.tests includes
// incomplete); a reader refuses newer minors (lib/aggregate/schema-version.ts).
export const SCHEMA_VERSION = '1.3.0';

export type TestStatus = 'passed' | 'failed' | 'skipped' | 'todo' | 'cancelled' | 'incomplete';
export type RunStatus = 'passed' | 'failed' | 'incomplete' | 'aborted';
export type FileStatus = 'passed' | 'failed' | 'incomplete';

/** Why a test or suite failed, normalized from node's ERR_TEST_FAILURE wrapper. */
export type FailureKind =
  | 'assertion' // an AssertionError from the test body
  | 'error' // any other thrown value
  | 'timeout'
  | 'hook' // a before/after/beforeEach/afterEach hook threw
  | 'cancelled' // cancelled by its parent (e.g. a failing before hook)
  | 'subtests' // failed only because subtests failed
  | 'file' // the test file failed to load or its process failed
  | 'incomplete'; // the test started but no result ever arrived

export interface Location {
  file: string;
  line: number;
  column: number;
}

export interface Failure {
  kind: FailureKind;
  /** node's failureType, verbatim, when there was one. */
  failure_type?: string;
  /** Error class name of the user's error (cause), e.g. AssertionError. */
  error_name?: string;
  code?: string;
  message: string;
  stack?: string;
  actual?: string;
  expected?: string;
  operator?: string;
  /** First stack frame inside the project, repo-relative. */
  location?: Location;
}

export interface Counts {
  tests: number;
  suites: number;
  passed: number;
  failed: number;
  cancelled: number;
  skipped: number;
  todo: number;
  incomplete: number;
}

export interface RunStartLine {
  type: 'run_start';
  schema_version: string;
  tool: { name: string; version: string };
  node_version: string;
  platform: string;
  arch: string;
  /** Volatile. */
  run_id: string;
  /** Volatile: UTC ISO-8601. */
  started_at: string;
  /** Sanitized argv of the node process (secrets redacted, paths repo-relative). */
  argv: string[];
  /** Names of LLM_REPORT_* / NODE_* variables set; never values. */
  env_names: string[];
  config_sha256: string;
  isolation: 'process' | 'none';
  /** Per-test coverage mode in effect ('off' also when the user's own coverage tool runs). */
  coverage_mode?: 'test' | 'file' | 'off';
  /** Watch mode (node --test --watch): which cycle of the session this run is, from 1. */
  watch_cycle?: number;
  /** Only on the output of `llm-report aggregate`. */
  aggregate?: AggregateInfo;
  /** Evidence: where, how and on what the run happened (line.schema.json#/$defs/provenance). */
  provenance?: Provenance;
  /** The user's metadata file, validated and redacted. */
  custom_metadata?: Record<string, unknown>;
  /** The requirements catalogue in effect, sorted by id. */
  requirements_catalogue?: CatalogueEntry[];
}

export interface GitInfo {
  sha: string;
  dirty: boolean;
  dirty_files?: string[];
  dirty_files_truncated?: true;
}

/** Provenance beyond run_start's tool, node_version, platform, arch, config_sha256 and argv. */
export interface Provenance {
  os: { type: string; release: string };
  git?: GitInfo;
  responsible?: { name?: string; role?: string };
  inputs?: Array<{ kind: 'requirements_mapping' | 'requirements_catalogue' | 'metadata' | 'lockfile'; path: string; sha256: string }>;
  dependencies?: { file: string; sha256: string; packages: number };
}

export interface CatalogueEntry {
  id: string;
  title?: string;
}

export type RequirementStatus = 'passed' | 'failed' | 'untested' | 'incomplete';

/** One row of the traceability matrix (report.schema.json#/properties/requirements). */
export interface RequirementRow {
  id: string;
  title?: string;
  /** Test ids, in report order. */
  tests: string[];
  status: RequirementStatus;
  in_catalogue?: boolean;
}

/** One artifact (manifest.schema.json#/$defs/entry). */
export interface ManifestEntry {
  path: string;
  size: number;
  sha256: string;
  media_type: string;
}

export interface Integrity {
  sha256sums: boolean;
  journal_chain?: boolean;
  signature?: { algorithm: 'ecdsa-p256-sha256' | 'ed25519'; key_fingerprint: string };
  hmac?: { algorithm: 'hmac-sha256'; key_id: string };
}

/** Fields every test and suite record has (schemas/line.schema.json#/$defs/node_common). */
export interface RecordCommon {
  id: string;
  file: string;
  entry_file: string;
  line: number;
  column: number;
  name: string;
  path: string[];
  nesting: number;
  occurrence: number;
  status: TestStatus;
  /** Volatile. */
  duration_ms: number;
  failure?: Failure;
  skip_reason?: string;
  todo_reason?: string;
  /** Only in aggregates: the run (source) and the group this record came from. */
  run_id?: string;
  group_id?: string;
}

export interface TestLine extends RecordCommon {
  type: 'test';
  attempt: number;
  /** True for the per-file wrapper node reports as a test when a file declared none (or failed to load). */
  file_level?: boolean;
  diagnostics?: string[];
  /** Where the status came from when not from node's events: the in-child journal. */
  recovered?: 'child_journal';
  /** Journal only: the test began to run; superseded by its result line (fold.ts). */
  pending?: boolean;
  /** The status node reported, where ours differs (a file-level test node passed though its process ended early). */
  node_status?: 'passed' | 'failed' | 'cancelled' | 'skipped' | 'todo';
  tags?: string[];
  passed_on_attempt?: number;
  expect_failure?: boolean;
  /** Only in aggregates: the outcome differed across runs or attempts. */
  flaky?: true;
  /** Only in aggregates, when the test was seen more than once: every outcome, oldest run first. */
  history?: HistoryEntry[];
  /** Lines this test executed itself (exclusive of its subtests). Absent when coverage is off or shared. */
  coverage?: FileLines[];
  /** Lines this test and its subtests executed. Only on tests that have subtests. */
  coverage_inclusive?: FileLines[];
  /** Ran concurrently with another test in the same process: its lines cannot be attributed. */
  coverage_shared?: true;
  /** capture_output: what this test wrote while it ran (redacted, capped per test and per file). */
  output?: FileOutput;
  /** Requirement IDs the test declared (API) or a mapping gave it. */
  requirements?: string[];
  /** LLM context mode the test chose through the API ('off' opts out). */
  llm_mode?: 'off' | 'minimal' | 'balanced' | 'complete';
  /** LLM annotation (advisory), written by `llm-report annotate`. */
  annotation?: Annotation;
  /** Why there is no annotation. */
  annotation_error?: AnnotationError;
}

export interface SuiteLine extends RecordCommon {
  type: 'suite';
  /** Only the suite's own failure (hooks, describe body); never "because children failed". */
  failure?: Failure;
  /** Lines the suite's tests executed (union). */
  coverage_inclusive?: FileLines[];
}

export interface FileOutput {
  stdout?: string;
  stderr?: string;
  truncated?: boolean;
  /** Bytes dropped from the middle (head and tail kept), stdout and stderr together. */
  dropped_bytes?: number;
  /** Written while other tests of the same file ran too: not this test's alone. */
  shared?: true;
}

export interface FileLine {
  type: 'file';
  file: string;
  status: FileStatus;
  counts: Counts;
  /** Volatile. */
  duration_ms: number;
  failure?: Failure;
  /** Captured output of the file's process (opt-in, redacted, capped); stderr tail always kept on failure. */
  output?: FileOutput;
}

export interface RunEndLine {
  type: 'run_end';
  status: RunStatus;
  counts: Counts;
  /** Counts node itself reported in its closing summary, for cross-checking. */
  node_counts?: Partial<Counts>;
  /** Volatile. */
  ended_at: string;
  /** Volatile. */
  duration_ms: number;
  /** Set when the run was stopped by a signal. */
  signal?: string;
  /** Set when the reporter could not record the run at all (an unusable configuration). */
  error?: { code: string; message: string; file?: string; key?: string; suggestion?: string };
}

export type LineRange = [number, number];

/** Lines of one file that a test executed: sorted, merged, 1-based inclusive ranges. */
export interface FileLines {
  file: string;
  lines: LineRange[];
}

/** Whole-run coverage of one file: the union of every interval of the run. */
export interface CoverageLine {
  type: 'coverage';
  file: string;
  lines: { covered: LineRange[]; total: number };
  functions: { covered: number; total: number };
  branches: { covered: number; total: number };
  /** Since schema 1.1.0: each process's V8 function coverage, what the two counts above are computed from (lib/coverage/profile.ts). */
  profiles?: ProfileFunction[][];
  /** Since schema 1.3.0, compiled code: each process's profile at the generated file's offsets, merged then mapped as c8 does (lib/coverage/generated.ts). */
  generated?: { file: string; digest: string; profiles: ProfileFunction[][] };
}

/** One function of a file's whole-run V8 profile: identity (name, offsets) and counts. */
export interface ProfileFunction {
  name: string;
  /** V8 isBlockCoverage: ranges after the first are blocks (branches). */
  block: boolean;
  /** [startOffset, endOffset, count]; the first is the function itself. */
  ranges: Array<[number, number, number]>;
}

export interface Ratio {
  covered: number;
  total: number;
  percent: number;
}

export interface CoverageSummary {
  mode: 'test' | 'file';
  files: Array<{ file: string; lines: Ratio; functions: Ratio; branches: Ratio }>;
  totals: { lines: Ratio; functions: Ratio; branches: Ratio };
}

/** One outcome of a test in an aggregate's history. */
export interface HistoryEntry {
  group_id: string;
  run_id: string;
  attempt: number;
  status: TestStatus;
  passed_on_attempt?: number;
}

export type AggregatePolicy = 'merge' | 'latest' | 'all';

/** How an aggregate was made (schemas/line.schema.json#/$defs/aggregate). */
export interface AggregateInfo {
  policy: AggregatePolicy;
  sources: Array<{
    path: string;
    sha256: string;
    format: 'ndjson' | 'report.json';
    run_id: string;
    group_id: string;
    schema_version: string;
    started_at?: string;
    status: RunStatus;
    complete: boolean;
    shard?: string;
    node_version?: string;
    tests: number;
  }>;
  groups: Array<{ id: string; run_ids: string[]; started_at?: string; status: RunStatus; complete: boolean; shards?: string[] }>;
  /** Ids of the flaky tests, in report order. */
  flaky: string[];
}

export interface WarningLine extends Warning {
  type: 'warning';
}

export type Line = RunStartLine | TestLine | SuiteLine | FileLine | RunEndLine | WarningLine | CoverageLine;

export interface Warning {
  code: string;
  message: string;
  /** Where the problem is: a file (repo-relative) and optional line/column. */
  file?: string;
  line?: number;
  column?: number;
  test_id?: string;
}

export interface Summary extends Counts {
  files: number;
  files_failed: number;
  files_incomplete: number;
}

export interface Report {
  schema_version: string;
  run: {
    status: RunStatus;
    /** False when the stream had no run_end line (the run crashed or was killed). */
    complete: boolean;
    tool: { name: string; version: string };
    node_version: string;
    platform: string;
    arch: string;
    run_id: string;
    started_at: string;
    ended_at?: string;
    duration_ms?: number;
    argv: string[];
    env_names: string[];
    config_sha256: string;
    isolation: 'process' | 'none';
    signal?: string;
    coverage_mode?: 'test' | 'file' | 'off';
    watch_cycle?: number;
    /** Copy of provenance.git. */
    git?: GitInfo;
  };
  summary: Summary;
  node_counts?: Partial<Counts>;
  provenance?: Provenance;
  custom_metadata?: Record<string, unknown>;
  /** Traceability matrix: requirement -> tests -> status. */
  requirements?: RequirementRow[];
  /** Artifacts written before report.json; the full list is manifest.json. */
  manifest?: ManifestEntry[];
  integrity?: Integrity;
  /** Only on the output of `llm-report aggregate`. */
  aggregate?: AggregateInfo;
  coverage?: CoverageSummary;
  /** Totals of the last `llm-report annotate` (advisory). */
  llm?: LlmTotals;
  /** Coverage of a change (`--base`, option changes.base): derived from git, not from the journal. */
  changes?: ChangesRecord;
  files: FileLine[];
  suites: SuiteLine[];
  tests: TestLine[];
  warnings: Warning[];
}

/** report.schema.json#/properties/changes: the changed executable lines, the tests that ran each, the uncovered ones. */
export interface ChangesRecord {
  /** The base as given (a git ref). */
  base: string;
  /** Where the base came from: --base, option changes.base, or the GitHub pull request. */
  base_from: 'cli' | 'option' | 'github';
  /** The commit the base resolved to, and the merge base the change is measured from. */
  base_sha?: string;
  merge_base?: string;
  /** The commit compared with it (the run's); with uncommitted changes, the working tree on top of it. */
  head_sha?: string;
  /** True when the diff includes uncommitted changes of the working tree (a dirty tree). */
  uncommitted: boolean;
  totals: Ratio;
  files: ChangedFile[];
  /** What kept the record from being complete or exact, named (never a crash). */
  conditions: Array<{ code: ChangesCondition; message: string }>;
}

export type ChangesCondition = 'not_git' | 'bad_ref' | 'base_not_found' | 'no_merge_base' | 'run_commit_not_found' | 'git_failed' | 'dirty_tree' | 'no_coverage' | 'per_test_only' | 'files_capped';

export interface ChangedFile {
  /** Path now (for renames: the new path). Repo-relative POSIX. */
  file: string;
  state: 'added' | 'modified' | 'renamed' | 'deleted' | 'binary' | 'not_in_coverage';
  /** For renames: the old path. */
  from?: string;
  /** Changed lines that are executable (per the coverage data), with the tests that executed each. */
  lines: Array<{ line: number; tests: string[] }>;
  /** Of those, the lines nothing executed in the run. */
  uncovered: number[];
  covered: number;
}

/** What one LLM request carried (line.schema.json#/$defs/llm_context). Everything was redacted first. */
export interface LlmContext {
  mode: 'minimal' | 'balanced' | 'complete';
  bytes: number;
  truncated: boolean;
  failure: boolean;
  files: Array<{ file: string; kind: 'test_body' | 'executed' | 'file'; lines: LineRange[]; bytes: number; sha256: string; truncated?: true; redacted?: true }>;
  omitted?: Array<{ file: string; reason: 'excluded' | 'not_included' | 'max_files' | 'max_bytes' | 'unreadable' }>;
  notes?: string[];
}

export interface LlmUsage {
  input_tokens: number;
  output_tokens: number;
  estimated?: true;
}

/** line.schema.json#/$defs/annotation: advisory, never part of a status. */
export interface Annotation {
  advisory: true;
  scenario: string;
  why_needed: string;
  key_assertions: string[];
  likely_cause?: string;
  provider: 'openai';
  model: string;
  host: string;
  prompt_version: string;
  prompt_sha256: string;
  cache_key: string;
  usage: LlmUsage;
  context: LlmContext;
}

export interface AnnotationError {
  code: string;
  message: string;
  attempts?: number;
  prompt_sha256?: string;
  context?: LlmContext;
}

/** report.schema.json#/properties/llm: totals of the last annotate. */
export interface LlmTotals {
  provider: 'openai';
  model: string;
  host: string;
  prompt_version: string;
  context_mode: 'minimal' | 'balanced' | 'complete';
  response_format: 'json_schema' | 'json_object' | 'text';
  eligible: number;
  annotated: number;
  cache_hits: number;
  requests: number;
  retries: number;
  errors: number;
  errors_by_code: Record<string, number>;
  skipped: { off: number; status: number };
  tokens: { input: number; output: number; total: number; estimated?: true };
  cost_estimate?: { amount: number; currency: string; input_per_mtok: number; output_per_mtok: number };
  limits: { concurrency: number; rpm: number; timeout_ms: number; retries: number; max_tests: number; token_budget: number; max_output_tokens: number; max_bytes: number; max_files: number };
}
