// git for what reads a checkout (the run's provenance, affected, coverage of a change): argv arrays, no shell,
// the environment our own tool processes get (no test-child preload), an optional timeout.
import { spawnSync } from 'node:child_process';
import { toolChildEnv } from './config/internal-env.js';

export interface GitResult {
  ok: boolean;
  out: string;
  /** stderr (or the spawn error), trimmed. */
  err: string;
}

export function runGit(cwd: string, args: string[], timeoutMs?: number): GitResult {
  const r = spawnSync('git', args, { cwd, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, env: toolChildEnv(), ...(timeoutMs ? { timeout: timeoutMs } : {}) });
  return { ok: r.status === 0, out: r.stdout ?? '', err: (r.stderr || r.error?.message || '').trim() };
}
