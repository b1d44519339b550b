// Variables the reporter hands to its test children (and reads back there). Kept here because only
// lib/config reads the environment.

/** Directory where each test child appends its journal; set by the reporter before any child starts. */
export const WORK_DIR_VAR = 'LLM_REPORT_WORK_DIR';

export interface ChildEnvironment {
  /** Set only inside a node:test child process. */
  testContext: string | undefined;
  workDir: string | undefined;
}

export function childEnvironment(env: NodeJS.ProcessEnv = process.env): ChildEnvironment {
  return { testContext: env.NODE_TEST_CONTEXT, workDir: env[WORK_DIR_VAR] };
}

/** Sets up the environment children inherit: our work dir and the preload, appended to NODE_OPTIONS. */
export function exportToChildren(workDir: string, preloadUrl: string, env: NodeJS.ProcessEnv = process.env): void {
  env[WORK_DIR_VAR] = workDir;
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
