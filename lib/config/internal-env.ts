// Variables the reporter hands to its test children (and reads back there). Kept here because only
// lib/config reads the environment.

import { createHash } from 'node:crypto';

/** Directory where each test child appends its journal; set by the reporter before any child starts. */
export const WORK_DIR_VAR = 'LLM_REPORT_WORK_DIR';
/** Coverage mode for the children: test (per-test intervals), file (one per process) or off. */
export const COVERAGE_VAR = 'LLM_REPORT_INTERNAL_COVERAGE';

export type ChildCoverage = 'test' | 'file' | 'off';

export interface ChildEnvironment {
  /** Set only inside a node:test child process. */
  testContext: string | undefined;
  workDir: string | undefined;
  coverage: ChildCoverage;
}

export function childEnvironment(env: NodeJS.ProcessEnv = process.env): ChildEnvironment {
  const c = env[COVERAGE_VAR];
  return { testContext: env.NODE_TEST_CONTEXT, workDir: env[WORK_DIR_VAR], coverage: c === 'file' || c === 'off' ? c : c === 'test' ? 'test' : 'off' };
}

/** A child's journal file: named by its entry file, so the reporter finds a file's journal directly. */
export function journalPrefix(entryFile: string): string {
  return `child-${createHash('sha256').update(entryFile).digest('hex').slice(0, 16)}-`;
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

/** Sets up the environment children inherit: our work dir, the coverage mode and the preload, appended to NODE_OPTIONS. */
export function exportToChildren(workDir: string, preloadUrl: string, coverage: ChildCoverage, env: NodeJS.ProcessEnv = process.env): void {
  env[WORK_DIR_VAR] = workDir;
  env[COVERAGE_VAR] = coverage;
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
