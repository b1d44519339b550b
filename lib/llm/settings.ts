// The resolved settings of one annotate: the configuration's llm group plus command-line overrides.
import type { Config } from '../config/types.js';

export type ContextMode = 'minimal' | 'balanced' | 'complete';
export type ResponseFormat = 'json_schema' | 'json_object' | 'text';

export type LlmSettings = Config['llm'];

export interface Overrides {
  provider?: 'none' | 'openai';
  base_url?: string;
  model?: string;
  concurrency?: number;
  rpm?: number;
  timeout_ms?: number;
  retries?: number;
  max_tests?: number;
  token_budget?: number;
  context_mode?: ContextMode;
  cache_dir?: string;
  cache_enabled?: boolean;
}

export function resolveSettings(llm: LlmSettings, o: Overrides): LlmSettings {
  const s: LlmSettings = structuredClone(llm);
  if (o.provider !== undefined) s.provider = o.provider;
  if (o.base_url !== undefined) s.base_url = o.base_url;
  if (o.model !== undefined) s.model = o.model;
  if (o.concurrency !== undefined) s.concurrency = o.concurrency;
  if (o.rpm !== undefined) s.rpm = o.rpm;
  if (o.timeout_ms !== undefined) s.timeout_ms = o.timeout_ms;
  if (o.retries !== undefined) s.retries = o.retries;
  if (o.max_tests !== undefined) s.max_tests = o.max_tests;
  if (o.token_budget !== undefined) s.token_budget = o.token_budget;
  if (o.context_mode !== undefined) s.context.mode = o.context_mode;
  if (o.cache_dir !== undefined) s.cache.dir = o.cache_dir;
  if (o.cache_enabled !== undefined) s.cache.enabled = o.cache_enabled;
  return s;
}

export const DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** Host (and port) of the endpoint: what the report and the warning name. Never credentials or path. */
export function hostOf(baseUrl: string | undefined): string {
  try {
    return new URL(baseUrl ?? DEFAULT_BASE_URL).host;
  } catch {
    return 'invalid-url';
  }
}
