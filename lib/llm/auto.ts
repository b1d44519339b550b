// Annotate automatically at the end of a run (llm.auto_annotate): the reporter calls this after the
// report is written. It runs `llm-report annotate` as a child process (finish() is synchronous, and a
// separate process keeps the reporter free of network code), waits for it within a bound, and never
// throws: the run's verdict and exit status do not depend on it.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '../config/index.js';
import { annotateChildEnv } from '../config/llm.js';

declare const __LLMR_BUNDLE__: boolean | undefined;

/** The CLI entry: the bundle itself, or the package's lib/cli/main.js. */
function cliPath(): string {
  const bundled = typeof __LLMR_BUNDLE__ !== 'undefined' && __LLMR_BUNDLE__;
  return fileURLToPath(bundled ? import.meta.url : new URL('../cli/main.js', import.meta.url));
}

/** Longest we wait: every request could time out and retry, bounded at 30 minutes. */
export function autoTimeoutMs(llm: { max_tests: number; concurrency: number; timeout_ms: number; retries: number }): number {
  const rounds = Math.ceil(llm.max_tests / llm.concurrency) * (llm.retries + 1);
  return Math.min(30 * 60_000, rounds * llm.timeout_ms + 60_000);
}

export interface AutoResult {
  ran: boolean;
  /** Set when the annotate failed; the caller prints it (code LLMR_LLM_AUTO_FAILED). */
  problem?: string;
}

export function autoAnnotate(outDir: string, cwd: string): AutoResult {
  let llm;
  try {
    llm = loadConfig({ cwd }).config.llm;
  } catch {
    return { ran: false }; // the reporter already reported the configuration error
  }
  if (!llm.auto_annotate || llm.provider === 'none') return { ran: false };
  const timeout = autoTimeoutMs(llm);
  // stdout goes to our stderr: the reporter's stdout may be the NDJSON destination.
  const r = spawnSync(process.execPath, [cliPath(), 'annotate', outDir, '--auto'], { cwd, env: annotateChildEnv(), stdio: ['ignore', 2, 2], timeout, killSignal: 'SIGTERM' });
  if (r.error) return { ran: true, problem: r.error.message };
  if (r.signal) return { ran: true, problem: `stopped by ${r.signal}${r.signal === 'SIGTERM' ? ` after ${Math.round(timeout / 1000)} s` : ''}` };
  if (r.status !== 0) return { ran: true, problem: `exited with status ${r.status}` };
  return { ran: true };
}
