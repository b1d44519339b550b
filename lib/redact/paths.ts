// File paths from outside (test files, covered sources, dirty files) are redacted like any text, but a
// path is also a key: records are grouped, sorted and identified by it. So the markers in a redacted
// path carry a short hash of the whole raw path: the same file always maps to the same redacted path
// (deterministic across runs and machines) and two secret-bearing files never collide. The hash is
// scrypt-derived (about 50 ms, once per distinct path), so guessing a short secret back from it is slow.
import { scryptSync } from 'node:crypto';
import type { Redactor } from './index.js';

const MARKER = /\[REDACTED:([a-z0-9-]{1,30})\]/g;
const SALT = 'llm-report redacted path v1';

/** 8 hex characters identifying a raw path. */
export function pathTag(raw: string): string {
  return scryptSync(raw, SALT, 4).toString('hex');
}

/**
 * A redactor for paths: unchanged when `redact` leaves the path alone; otherwise each marker becomes
 * `[REDACTED:<rule>-<tag>]`. Still a marker (so redacting again changes nothing) and memoized per path.
 */
export function pathRedactor(redact: Redactor): Redactor {
  const memo = new Map<string, string>();
  return (raw) => {
    let out = memo.get(raw);
    if (out !== undefined) return out;
    const text = redact(raw);
    if (text === raw) out = raw;
    else {
      const tag = pathTag(raw);
      out = text.replace(MARKER, (m: string, rule: string) => (rule.endsWith(`-${tag}`) ? m : `[REDACTED:${rule}-${tag}]`));
    }
    if (memo.size < 10_000) memo.set(raw, out);
    return out;
  };
}
