// One pass over a whole record (a line, a report part) just before it is written: every string in it
// came from, or may quote, something outside (test names, file paths, messages, stacks, metadata, git
// state), so every string goes through the redactor; fields that hold file paths go through the path
// redactor (paths.ts) so records stay grouped by file. Walking the whole record, instead of listing
// fields, keeps a field added later from slipping through. Redacted text is a fixed point, so a record
// redacted at its source comes out unchanged. The redactors remember short texts themselves (index.ts,
// paths.ts): keys, statuses, names and paths repeat in every record.
import type { Redactor } from './index.js';

export interface RecordRedactors {
  text: Redactor;
  path: Redactor;
}

/** Keys whose string value is a file path (line.schema.json "relpath" and the like). */
const PATH_KEYS = new Set(['file', 'entry_file', 'path']);
/** Keys whose value is a list of file paths. */
const PATH_LIST_KEYS = new Set(['dirty_files']);

function walk(value: unknown, key: string, r: RecordRedactors): unknown {
  if (typeof value === 'string') return (PATH_KEYS.has(key) ? r.path : r.text)(value);
  if (Array.isArray(value)) {
    // A list under "path" is a suite path (names), not file paths.
    const itemKey = PATH_LIST_KEYS.has(key) ? 'file' : '';
    return value.map((v) => walk(v, itemKey, r));
  }
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[r.text(k)] = walk(v, k, r);
    return out;
  }
  return value;
}

/** `walk` that gives back the value itself (not a copy) where redaction changed nothing below it. */
function share(value: unknown, key: string, r: RecordRedactors): unknown {
  if (typeof value === 'string') return (PATH_KEYS.has(key) ? r.path : r.text)(value);
  if (Array.isArray(value)) {
    const itemKey = PATH_LIST_KEYS.has(key) ? 'file' : '';
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v = share(value[i], itemKey, r);
      if (out) out.push(v);
      else if (v !== value[i]) (out = value.slice(0, i)).push(v);
    }
    return out ?? value;
  }
  if (value !== null && typeof value === 'object') {
    // Keys, not entries: no [key, value] pair per member of every line of a run.
    const o = value as Record<string, unknown>;
    const keys = Object.keys(o);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i]!;
      const v = o[k];
      const rk = r.text(k);
      const rv = share(v, k, r);
      if (rk === k && rv === v) continue;
      // Something changed: a copy, with the same key order.
      const out: Record<string, unknown> = {};
      for (let j = 0; j < i; j++) out[keys[j]!] = o[keys[j]!];
      out[rk] = rv;
      for (let j = i + 1; j < keys.length; j++) out[r.text(keys[j]!)] = share(o[keys[j]!], keys[j]!, r);
      return out;
    }
    return value;
  }
  return value;
}

/**
 * Redacted like redactRecord, but what redaction leaves unchanged is shared with `value`, not copied:
 * for a caller that keeps both and mutates neither (the reporter keeps every line of a run).
 */
export function redactShared<T>(value: T, r: RecordRedactors): T {
  return share(value, '', r) as T;
}

/** A redacted deep copy (numbers, booleans and null as they are). */
export function redactRecord<T>(value: T, r: RecordRedactors): T {
  return walk(value, '', r) as T;
}
