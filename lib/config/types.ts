// The resolved configuration. It mirrors schemas/config.schema.json (the contract): change the
// schema first, then this type; test/config.test.ts checks the defaults agree.
export interface Config {
  output_dir: string;
  human: 'auto' | 'always' | 'never';
  capture_output: boolean;
  output_cap_bytes: number;
  stack_frames: number;
  journal: boolean;
  html: boolean;
  html_sources: { enabled: boolean; max_bytes: number };
  pdf: boolean;
  chromium_path: string;
  ci: { artifact: string };
  /** '' unset (the GitHub pull request's base, else off); 'none' off. */
  changes: { base: string };
  coverage: { mode: 'test' | 'file' | 'off'; include: string[]; exclude: string[] };
  /** Evidence options: '' means unset. */
  requirements: { mapping: string; catalogue: string };
  metadata_file: string;
  responsible: { name: string; role: string };
  signing: { method: 'none' | 'hmac' | 'ed25519' | 'ecdsa-p256'; key_file: string; key_env: string; fingerprint: string };
  dependency_snapshot: boolean;
  redact: { patterns: string[]; env_names: string[]; disabled: boolean };
  llm: {
    provider: 'none' | 'openai';
    model?: string;
    base_url?: string;
    api_key_env: string;
    concurrency: number;
    rpm: number;
    timeout_ms: number;
    retries: number;
    max_tests: number;
    token_budget: number;
    max_output_tokens: number;
    max_response_bytes: number;
    response_format: 'json_schema' | 'json_object' | 'text';
    auto_annotate: boolean;
    prices: { input_per_mtok: number; output_per_mtok: number; currency: string };
    context: { mode: 'minimal' | 'balanced' | 'complete'; max_bytes: number; max_files: number; include: string[]; exclude: string[] };
    tests: { exclude: string[]; minimal: string[]; balanced: string[]; complete: string[] };
    cache: { enabled: boolean; dir: string; max_age_days: number };
  };
}
