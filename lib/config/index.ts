// Configuration: the only module that reads process.env or configuration files.
// Precedence, lowest first: schema defaults < the config file < LLM_REPORT_* variables.
import path from 'node:path';
import { validateConfig } from '../generated/validate-config.js';
import type { Warning } from '../types.js';
import { warning } from '../warnings.js';
import { compilePattern } from '../redact/patterns.js';
import { canonicalJson, sha256Hex } from './canonical.js';
import { envOverlay, reportedEnvNames, secretEnvValues, ENV_PREFIX } from './env.js';
import { ConfigError, validationError, type Origin } from './errors.js';
import { readConfigFile } from './files.js';
import { configDefaults, getPath, listOptions, setPath } from './schema.js';
import type { Config } from './types.js';

export type { Config } from './types.js';
export { ConfigError } from './errors.js';
export { configDefaults, listOptions, type OptionSpec } from './schema.js';
export { CONFIG_FILES, PACKAGE_JSON_KEY } from './files.js';
export { BUILTIN_SECRET_ENV_NAMES, ENV_PREFIX, MIN_SECRET_LENGTH, RESERVED_ENV, RESERVED_ENV_PREFIX, isReservedEnv } from './env.js';

export interface LoadedConfig {
  config: Config;
  /** Where options came from: the repo-relative config file and/or 'env'. Empty: defaults only. */
  sources: string[];
  /** sha256 of the canonical JSON of `config`. */
  sha256: string;
  warnings: Warning[];
  /** Names (not values) of LLM_REPORT_* and NODE_* variables that are set, sorted. */
  env_names: string[];
  /** Values of env vars whose names look secret, longest first, for the redactor. */
  secret_values: string[];
}

function validate(data: unknown, origin: Origin): void {
  if (!validateConfig(data)) throw validationError(validateConfig.errors ?? [], data, origin);
  // The schema cannot say "a valid regular expression"; check here so a bad pattern is a located error.
  const patterns = getPath(data, ['redact', 'patterns']);
  if (!Array.isArray(patterns)) return;
  patterns.forEach((p: string, i) => {
    try {
      compilePattern(p);
    } catch (err) {
      const key = `redact.patterns[${i}]`;
      throw new ConfigError(`${origin.label(['redact', 'patterns'])}: option "${key}" is not a valid regular expression: ${(err as Error).message}`, { file: origin.file, key });
    }
  });
}

function overlay(target: Config, source: unknown): void {
  // Copy known leaves only: nothing from the input can reach other keys (or __proto__).
  for (const opt of listOptions()) {
    const v = getPath(source, opt.path);
    if (v !== undefined) setPath(target as unknown as Record<string, unknown>, opt.path, structuredClone(v));
  }
}

export function loadConfig(opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): LoadedConfig {
  const cwd = path.resolve(opts.cwd ?? process.cwd());
  const env = opts.env ?? process.env;
  const config = configDefaults();
  const sources: string[] = [];

  const file = readConfigFile(cwd);
  if (file) {
    validate(file.data, { file: file.file, label: () => file.label });
    overlay(config, file.data);
    sources.push(file.file);
  }

  const fromEnv = envOverlay(env);
  if (fromEnv.setBy.size > 0) {
    validate(fromEnv.data, { label: (p) => `environment variable ${fromEnv.setBy.get(p.join('.')) ?? `${ENV_PREFIX}*`}` });
    overlay(config, fromEnv.data);
    sources.push('env');
  }

  const warnings = [...fromEnv.warnings];
  if (config.redact.disabled) {
    warnings.push(warning('LLMR_REDACT_DISABLED', 'redact.disabled is set: secrets in output, errors and arguments are written unredacted. Use only for debugging, never in CI.'));
  }
  // Hashed when first read (run start): node:crypto costs the reporter's import about 4 ms (issue #16).
  const canonical = canonicalJson(config);
  let sha256: string | undefined;
  return {
    config,
    sources,
    get sha256() {
      return (sha256 ??= sha256Hex(canonical));
    },
    warnings,
    env_names: reportedEnvNames(env),
    secret_values: secretEnvValues(env, config.redact.env_names, [config.llm.api_key_env, ...(config.signing.key_env ? [config.signing.key_env] : [])]),
  };
}
