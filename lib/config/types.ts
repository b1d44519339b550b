// The resolved configuration. It mirrors schemas/config.schema.json (the contract): change the
// schema first, then this type; test/config.test.ts checks the defaults agree.
export interface Config {
  output_dir: string;
  human: 'auto' | 'always' | 'never';
  capture_output: boolean;
  output_cap_bytes: number;
  stack_frames: number;
  journal: boolean;
  redact: { patterns: string[]; env_names: string[]; disabled: boolean };
  llm: { provider: 'none' | 'openai'; model?: string; base_url?: string; api_key_env: string };
}
