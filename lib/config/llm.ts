// What the LLM step reads from the environment, kept here because only lib/config reads process.env:
// the API key (from the variable whose NAME the configuration gives; never from a file or argv) and the
// environment of the auto-annotate child process.
import { WORK_DIR_VAR } from './internal-env.js';

export interface ApiKey {
  /** The variable the key was looked up in (safe to print). */
  name: string;
  /** The key, or undefined when the variable is unset or empty. Never write it anywhere. */
  value: string | undefined;
}

export function apiKeyFrom(apiKeyEnv: string, env: NodeJS.ProcessEnv = process.env): ApiKey {
  const value = env[apiKeyEnv];
  return { name: apiKeyEnv, value: value === undefined || value === '' ? undefined : value };
}

/**
 * Environment for `llm-report annotate` started by the reporter at the end of a run: the parent's,
 * minus what the reporter set up for its test children (the journal dir and our --import preload).
 */
export function annotateChildEnv(env: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const out: NodeJS.ProcessEnv = { ...env };
  delete out[WORK_DIR_VAR];
  delete out.NODE_TEST_CONTEXT;
  if (out.NODE_OPTIONS) {
    const kept = out.NODE_OPTIONS.split(/\s+/).filter((o) => o !== '' && !(o.startsWith('--import=') && /(?:llm-report\.mjs|preload-entry\.js)$/.test(o)));
    if (kept.length) out.NODE_OPTIONS = kept.join(' ');
    else delete out.NODE_OPTIONS;
  }
  return out;
}
