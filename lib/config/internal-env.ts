// Variables the reporter hands to its test children (and reads back there). Kept here because only
// lib/config reads the environment.

/** Directory where each test child appends its journal; set by the reporter before any child starts. */
export const WORK_DIR_VAR = 'LLM_REPORT_WORK_DIR';
/** Coverage mode for the children: test (per-test intervals), file (one per process) or off. */
export const COVERAGE_VAR = 'LLM_REPORT_INTERNAL_COVERAGE';

/** Our own code in the children (the package directory, or the zero-install bundle file): never measured. */
export const OWN_VAR = 'LLM_REPORT_INTERNAL_OWN';

/** capture_output: the per-test output cap (bytes) the children keep, absent when capture is off. */
export const CAPTURE_VAR = 'LLM_REPORT_INTERNAL_CAPTURE';

/**
 * The pid of node's runner process (where the reporter runs). node starts each test file directly, so a
 * test child's parent is the runner; a process a test starts in turn (a CLI under test, a nested
 * `node --test`) inherits NODE_OPTIONS and NODE_TEST_CONTEXT too, but must stay untouched.
 */
export const RUNNER_VAR = 'LLM_REPORT_INTERNAL_RUNNER';

export type ChildCoverage = 'test' | 'file' | 'off';

export interface ChildEnvironment {
  /** Set inside a node:test child process (and inherited by whatever it starts). */
  testContext: string | undefined;
  /** The runner's pid: the preload acts only in processes whose parent it is. */
  runner: number | undefined;
  workDir: string | undefined;
  coverage: ChildCoverage;
  own: string | undefined;
  /** Per-test output cap when capture_output is on; undefined: no output is captured in the child. */
  captureCap: number | undefined;
}

export function childEnvironment(env: NodeJS.ProcessEnv = process.env): ChildEnvironment {
  const c = env[COVERAGE_VAR];
  const runner = /^\d+$/.test(env[RUNNER_VAR] ?? '') ? Number(env[RUNNER_VAR]) : undefined;
  return { testContext: env.NODE_TEST_CONTEXT, runner, workDir: env[WORK_DIR_VAR], coverage: c === 'file' || c === 'off' ? c : c === 'test' ? 'test' : 'off', own: env[OWN_VAR], captureCap: /^\d+$/.test(env[CAPTURE_VAR] ?? '') ? Number(env[CAPTURE_VAR]) : undefined };
}

/**
 * A child's journal file: named by its entry file, so the reporter finds a file's journal directly.
 * Two 32-bit FNV-1a lanes, not sha256: loading node:crypto would cost every test process ~20 ms of
 * CPU, and the name only has to tell entry files apart (each record names its file anyway).
 */
export function journalPrefix(entryFile: string): string {
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x9e3779b9;
  for (let i = 0; i < entryFile.length; i++) {
    const c = entryFile.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193) >>> 0;
    b = Math.imul(b ^ c, 0x01000193) >>> 0;
    b = (b ^ (b >>> 15)) >>> 0;
  }
  return `child-${a.toString(16).padStart(8, '0')}${b.toString(16).padStart(8, '0')}-`;
}

export function journalName(entryFile: string, pid: number): string {
  return `${journalPrefix(entryFile)}${pid}.ndjson`;
}

/** Whether the user measures whole-run coverage already (c8, NODE_V8_COVERAGE, node's own). */
export function userCoverage(env: NodeJS.ProcessEnv = process.env, execArgv: string[] = process.execArgv): string | undefined {
  if (env.NODE_V8_COVERAGE) return 'NODE_V8_COVERAGE is set (c8 or a coverage tool)';
  if (execArgv.some((a) => a === '--experimental-test-coverage' || a.startsWith('--experimental-test-coverage='))) return '--experimental-test-coverage is on';
  return undefined;
}

/** Sets up the environment children inherit: our work dir, the coverage mode, our own files and the preload, appended to NODE_OPTIONS. */
export function exportToChildren(workDir: string, preloadUrl: string, coverage: ChildCoverage, own: string, env: NodeJS.ProcessEnv = process.env, captureCap?: number): void {
  env[WORK_DIR_VAR] = workDir;
  env[RUNNER_VAR] = String(process.pid);
  if (captureCap !== undefined) env[CAPTURE_VAR] = String(captureCap);
  else delete env[CAPTURE_VAR];
  env[COVERAGE_VAR] = coverage;
  env[OWN_VAR] = own;
  const flag = `--import=${preloadUrl}`;
  const current = env.NODE_OPTIONS ?? '';
  if (!current.includes(flag)) env.NODE_OPTIONS = current ? `${current} ${flag}` : flag;
}

/** SOURCE_DATE_EPOCH (seconds), when set: fixes timestamps for reproducible output. */
export function sourceDateEpoch(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const v = env.SOURCE_DATE_EPOCH;
  if (v === undefined || !/^\d+$/.test(v)) return undefined;
  return Number(v) * 1000;
}

/**
 * Environment for our own tool processes the reporter starts after a run (`annotate`, the PDF
 * printer): the parent's, minus what it set up for its test children (work dir, coverage mode, the
 * --import preload, which lives in the work dir and may be gone by then).
 */
export function toolChildEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  for (const k of [WORK_DIR_VAR, RUNNER_VAR, COVERAGE_VAR, OWN_VAR, CAPTURE_VAR, 'NODE_TEST_CONTEXT']) delete out[k];
  if (out.NODE_OPTIONS) {
    const ours = /(?:llm-report\.mjs|preload-entry\.js|\.llm-report\/preload\.mjs)$/;
    const kept = out.NODE_OPTIONS.split(/\s+/).filter((o) => o !== '' && !(o.startsWith('--import=') && ours.test(o)));
    if (kept.length) out.NODE_OPTIONS = kept.join(' ');
    else delete out.NODE_OPTIONS;
  }
  return out;
}
