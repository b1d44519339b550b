// Environment variables: LLM_REPORT_* overrides (names come from x-env in the schema), the names
// recorded in the report, and the values the redactor must mask.
import picomatch from 'picomatch';
import type { Warning } from '../types.js';
import { warning } from '../warnings.js';
import { listOptions, setPath, type OptionSpec } from './schema.js';
import { closest } from './suggest.js';

export const ENV_PREFIX = 'LLM_REPORT_';
/** Our own variables that are not options (set by the reporter for its children); never warned about. */
export const RESERVED_ENV = ['LLM_REPORT_WORK_DIR', 'LLM_REPORT_CHILD'] as const;
export const RESERVED_ENV_PREFIX = 'LLM_REPORT_INTERNAL_';

/** Names whose values are secret. Matched case-insensitively, as globs over the whole name. */
export const BUILTIN_SECRET_ENV_NAMES = [
  '*TOKEN*', '*SECRET*', '*PASSWORD*', '*PASSWD*', '*PASSPHRASE*', '*API_KEY*', '*APIKEY*',
  '*PRIVATE_KEY*', '*ACCESS_KEY*', '*SIGNING_KEY*', '*CREDENTIAL*', '*AUTH*', '*COOKIE*', '*HMAC*',
] as const;
/** Built-in matches that are not secrets (GIT_AUTHOR_NAME, XAUTHORITY, SSH_AUTH_SOCK). */
const NOT_SECRET_ENV_NAMES = ['*AUTHOR*', '*AUTH_SOCK*'];
/** Shorter values ("1", "true", "dev") would mask ordinary text everywhere. */
export const MIN_SECRET_LENGTH = 6;

export interface EnvOverlay {
  data: Record<string, unknown>;
  /** Option paths set from the environment, mapped to the variable that set each. */
  setBy: Map<string, string>;
  warnings: Warning[];
}

function coerce(raw: string, opt: OptionSpec): unknown {
  switch (opt.type) {
    case 'boolean': {
      const v = raw.trim().toLowerCase();
      if (v === 'true' || v === '1') return true;
      if (v === 'false' || v === '0') return false;
      return raw; // left for the schema check to report with the variable's name
    }
    case 'integer':
      return /^\s*[+-]?\d+\s*$/.test(raw) ? Number(raw) : raw;
    case 'number':
      return raw.trim() !== '' && Number.isFinite(Number(raw)) ? Number(raw) : raw;
    case 'array': {
      // A JSON array when the value is one (needed for items containing commas), else a comma list.
      try {
        const parsed: unknown = JSON.parse(raw);
        if (Array.isArray(parsed)) return parsed;
      } catch {
        // not JSON: a comma list
      }
      return raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
    }
    default:
      return raw;
  }
}

export function isReservedEnv(name: string): boolean {
  return (RESERVED_ENV as readonly string[]).includes(name) || name.startsWith(RESERVED_ENV_PREFIX);
}

export function envOverlay(env: NodeJS.ProcessEnv): EnvOverlay {
  const options = listOptions();
  const byEnv = new Map(options.map((o) => [o.env, o]));
  const data: Record<string, unknown> = {};
  const setBy = new Map<string, string>();
  const warnings: Warning[] = [];
  for (const name of Object.keys(env).sort()) {
    if (!name.startsWith(ENV_PREFIX) || isReservedEnv(name)) continue;
    const raw = env[name];
    const opt = byEnv.get(name);
    if (!opt) {
      const near = closest(name.slice(ENV_PREFIX.length), options.map((o) => o.env.slice(ENV_PREFIX.length)));
      const members = options.filter((o) => o.env.startsWith(`${name}__`)).map((o) => o.env);
      const hint = members.length
        ? ` (it names a group; set its options one by one: ${members.join(', ')})`
        : near
          ? ` (did you mean ${ENV_PREFIX}${near}?)`
          : '';
      warnings.push(warning('LLMR_CONFIG_ENV_IGNORED', `${name} does not name a configuration option and was ignored${hint}`));
      continue;
    }
    if (raw === undefined || raw === '') continue; // empty means unset, as in most shells' habits
    setPath(data, opt.path, coerce(raw, opt));
    setBy.set(opt.key, name);
  }
  return { data, setBy, warnings };
}

/** Names (never values) of LLM_REPORT_* and NODE_* variables that are set, sorted. */
export function reportedEnvNames(env: NodeJS.ProcessEnv): string[] {
  return Object.keys(env)
    .filter((n) => (n.startsWith(ENV_PREFIX) || n.startsWith('NODE_')) && env[n] !== undefined)
    .sort();
}

/**
 * Values of variables whose names look secret (built-in globs + `extraGlobs`) plus the variable
 * named by llm.api_key_env; at least MIN_SECRET_LENGTH long; longest first, then sorted.
 */
export function secretEnvValues(env: NodeJS.ProcessEnv, extraGlobs: readonly string[], alwaysSecret: readonly string[]): string[] {
  const builtin = nameMatcher(BUILTIN_SECRET_ENV_NAMES);
  const notSecret = nameMatcher(NOT_SECRET_ENV_NAMES);
  const extra = extraGlobs.length ? nameMatcher(extraGlobs) : () => false;
  const values = new Set<string>();
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined || value.length < MIN_SECRET_LENGTH) continue;
    if (alwaysSecret.includes(name) || extra(name) || (builtin(name) && !notSecret(name))) values.add(value);
  }
  return [...values].sort((a, b) => b.length - a.length || (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * picomatch(globs, { nocase: true, dot: true }) for variable names. Globs of the form `*WORD*` (all the
 * built-in ones) become the regular expression picomatch would make for them, joined into one: compiling
 * 16 globs through picomatch cost every reporter start ~10 ms (issue #16). Any other glob goes to picomatch.
 */
export function nameMatcher(globs: readonly string[]): (name: string) => boolean {
  const words: string[] = [];
  const other: string[] = [];
  for (const g of globs) {
    const m = /^\*([A-Za-z0-9_]+)\*$/.exec(g);
    if (m) words.push(m[1]!);
    else other.push(g);
  }
  const re = words.length ? new RegExp(`^(?:(?!\\.{1,2}(?:\\/|$))(?=.)[^/]*?(?:${words.join('|')})[^/]*?\\/?)$`, 'i') : undefined;
  const rest = other.length ? picomatch(other, { nocase: true, dot: true }) : undefined;
  return (name) => (re !== undefined && re.test(name)) || (rest !== undefined && rest(name));
}
