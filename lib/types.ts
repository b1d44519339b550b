// Record types. They follow schemas/line.schema.json and schemas/report.schema.json (the contracts);
// change a schema first, then the type here.

export const SCHEMA_VERSION = '1.0.0';

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
}

export interface TestLine {
  type: 'test';
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
  attempt: number;
  /** True for the per-file wrapper node reports as a test when a file declared none (or failed to load). */
  file_level?: boolean;
  failure?: Failure;
  skip_reason?: string;
  todo_reason?: string;
  diagnostics?: string[];
  /** Where the status came from when not from node's events: the in-child journal. */
  recovered?: 'child_journal';
  tags?: string[];
  passed_on_attempt?: number;
  expect_failure?: boolean;
}

export interface SuiteLine {
  type: 'suite';
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
  /** Only the suite's own failure (hooks, describe body); never "because children failed". */
  failure?: Failure;
  skip_reason?: string;
  todo_reason?: string;
}

export interface FileOutput {
  stdout?: string;
  stderr?: string;
  truncated?: boolean;
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
}

export interface WarningLine extends Warning {
  type: 'warning';
}

export type Line = RunStartLine | TestLine | SuiteLine | FileLine | RunEndLine | WarningLine;

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
  };
  summary: Summary;
  node_counts?: Partial<Counts>;
  files: FileLine[];
  suites: SuiteLine[];
  tests: TestLine[];
  warnings: Warning[];
}
