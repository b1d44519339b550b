// Canonical JSON: sorted keys, no spaces, no undefined. Byte-stable for equal values, so it can be hashed.
import * as crypto from 'node:crypto';

export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

/** The value with object keys sorted at every depth and undefined members dropped. */
/** One NDJSON line: canonical JSON and a newline. */
export function toNdjsonLine(line: unknown): string {
  return canonicalJson(line) + '\n';
}

export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) {
    // Unchanged members (numbers, strings, sorted objects): the array itself, which JSON.stringify prints
    // the same; a copy only from the first member that changes. Coverage lines hold hundreds of
    // thousands of [start, end, count] ranges: copying each cost the fold more than printing it.
    let out: unknown[] | undefined;
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      const s = sortKeys(v);
      if (out) out.push(s);
      else if (s !== v || Object.getPrototypeOf(value) !== Array.prototype) out = [...(value.slice(0, i) as unknown[]), s];
    }
    return out ?? value;
  }
  if (value !== null && typeof value === 'object') {
    const own = Object.keys(value);
    // Keys in order already, none undefined, and no member that changes: the object itself (a plain
    // object only: JSON.stringify would call a toJSON that the sorted copy does not have).
    let inOrder = true;
    for (let i = 1; inOrder && i < own.length; i++) inOrder = own[i - 1]! < own[i]!;
    const keys = inOrder ? own : sortedKeys(value);
    const values: unknown[] = [];
    let same = inOrder && isPlain(value);
    for (const key of keys) {
      const v = (value as Record<string, unknown>)[key];
      const s = v === undefined ? undefined : sortKeys(v);
      values.push(s);
      if (v === undefined || s !== v || key === 'toJSON' || key === '__proto__') same = false;
    }
    if (same) return value;
    const out: Record<string, unknown> = {};
    keys.forEach((key, i) => {
      if (values[i] !== undefined) out[key] = values[i];
    });
    return out;
  }
  return value;
}

function isPlain(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Sorted key lists of the objects seen lately, with the key lists Object.keys gave for them: a run's
 * records come in a handful of shapes, and sorting each record's keys anew (V8's sort allocates work
 * arrays) cost more than the sorted copy itself. A small ring: objects of other shapes are sorted as they come.
 */
const ORDERS: Array<{ keys: string[]; sorted: readonly string[] }> = [];
const ORDERS_MAX = 64;
const ORDER_KEYS_MAX = 64;
let nextOrder = 0;

/** Object.keys(o).sort(), shared with earlier objects of the same keys in the same order: not to be changed. */
function sortedKeys(o: object): readonly string[] {
  const keys = Object.keys(o);
  if (keys.length < 2) return keys;
  if (keys.length > ORDER_KEYS_MAX) return keys.sort();
  search: for (let i = 0; i < ORDERS.length; i++) {
    const known = ORDERS[i]!;
    if (known.keys.length !== keys.length) continue;
    for (let k = 0; k < keys.length; k++) if (known.keys[k] !== keys[k]) continue search;
    return known.sorted;
  }
  const order = { keys, sorted: keys.slice().sort() };
  if (ORDERS.length < ORDERS_MAX) ORDERS.push(order);
  else {
    ORDERS[nextOrder] = order;
    nextOrder = (nextOrder + 1) % ORDERS_MAX;
  }
  return order.sorted;
}

/**
 * `JSON.stringify(sortKeys(value), null, 2)` in pieces: an object's members one by one, and the items of
 * an array member in slices, so a report of 100,000 tests is never one string (nor one sorted copy) in
 * memory. Each piece is what JSON.stringify prints for the member (or slice) inside an object of its
 * own, less that object's braces: the same bytes, indented by JSON.stringify itself.
 */
export function* prettyJsonChunks(value: unknown): Generator<string> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    yield JSON.stringify(sortKeys(value), null, 2);
    return;
  }
  let first = true;
  for (const key of Object.keys(value).sort()) {
    const v = (value as Record<string, unknown>)[key];
    // {} when JSON.stringify leaves the member out (undefined, a function, a symbol).
    const member = (x: unknown): string => JSON.stringify({ [key]: sortKeys(x) }, null, 2);
    if (Array.isArray(v) && v.length > SLICE) {
      const head = `{\n  ${JSON.stringify(key)}: [`;
      const tail = '\n  ]\n}';
      yield `${first ? '{' : ','}\n${head.slice(2)}`;
      for (let i = 0; i < v.length; i += SLICE) {
        const text = member(v.slice(i, i + SLICE));
        yield (i ? ',' : '') + text.slice(head.length, text.length - tail.length);
      }
      yield '\n  ]';
    } else {
      const text = member(v);
      if (text === '{}') continue;
      yield `${first ? '{' : ','}\n${text.slice(2, -2)}`;
    }
    first = false;
  }
  yield first ? '{}' : '\n}';
}

/** Items of an array member printed at once by prettyJsonChunks. */
const SLICE = 256;

/** Field names marked x-volatile in the schemas: they differ between identical runs. */
export const VOLATILE_FIELDS: ReadonlySet<string> = new Set(['duration_ms', 'started_at', 'ended_at', 'run_id']);

/** The value with every volatile field removed, at any depth: what determinism is judged on. */
export function stripVolatile<T>(value: T): T {
  if (Array.isArray(value)) return value.map(stripVolatile) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (!VOLATILE_FIELDS.has(k)) out[k] = stripVolatile(v);
    return out as T;
  }
  return value;
}

// crypto.hash (node 20.12+): one call, no Hash object (ids are hashed per test).
const oneShot = (crypto as { hash?: (algorithm: string, data: string | Uint8Array, encoding: 'hex') => string }).hash;

export function sha256(text: string | Uint8Array): string {
  return oneShot ? oneShot('sha256', text, 'hex') : crypto.createHash('sha256').update(text).digest('hex');
}
