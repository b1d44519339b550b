// What the LLM step reads from the environment, kept here because only lib/config reads process.env:
// the API key (from the variable whose NAME the configuration gives; never from a file or argv) and the
// environment of the auto-annotate child process.
import { toolChildEnv } from './internal-env.js';

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

/** Environment for `llm-report annotate` started by the reporter at the end of a run (see toolChildEnv). */
export const annotateChildEnv = toolChildEnv;
