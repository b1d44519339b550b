// sortKeys returns a value that is already canonical as it is (no copy): what JSON.stringify prints of
// it must stay what it printed of the sorted deep copy, which is the definition below.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { canonicalJson, sortKeys } from '../lib/report/canonical.js';

/** The definition: a deep copy, keys sorted at every depth, undefined members left out. */
function sortedCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedCopy);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const v = (value as Record<string, unknown>)[key];
      if (v !== undefined) out[key] = sortedCopy(v);
    }
    return out;
  }
  return value;
}

const withProto = JSON.parse('{"__proto__":{"x":1},"a":2}') as unknown;
const nullProto = Object.assign(Object.create(null) as object, { a: 1, b: [1, 2] });
// eslint-disable-next-line no-sparse-arrays
const holes = [1, , 3];
const tricky: unknown[] = [
  { a: 1, b: [1, 2, 3], c: { d: 'x', e: null } },
  { b: 1, a: { d: 1, c: 2 } },
  { 1: 'one', 10: 'ten', 9: 'nine', a: 'a' },
  { a: 1, b: undefined, c: [undefined, 1] },
  { a: new Date(0), b: [new Date(0)] },
  { a: { toJSON: () => 'x' } },
  { toJSON: () => 'y', a: 1 },
  withProto,
  nullProto,
  holes,
  [NaN, Infinity, -0, 1.5, 'é', '\u2028', true, null],
  [[0, 10, 1], [2, 5, 0]],
  { ranges: [[0, 10, 1]], name: 'f', block: true },
  { block: true, name: 'f', ranges: [[0, 10, 1]] },
  [],
  {},
  'text',
  7,
  null,
];

describe('canonicalJson', () => {
  it('prints what JSON.stringify prints of the sorted deep copy, for values canonical already and not', () => {
    for (const value of tricky) assert.equal(canonicalJson(value), JSON.stringify(sortedCopy(value)), JSON.stringify(sortedCopy(value)));
    assert.equal(canonicalJson(tricky), JSON.stringify(sortedCopy(tricky)));
  });

  it('copies nothing that is canonical already: sorted keys, no undefined members, plain objects', () => {
    const line = { block: true, name: 'f', ranges: [[0, 10, 1], [2, 5, 0]] };
    assert.equal(sortKeys(line), line);
    const unsorted = { name: 'f', block: true, ranges: line.ranges };
    const copy = sortKeys(unsorted) as typeof line;
    assert.notEqual(copy, unsorted);
    assert.equal(copy.ranges, line.ranges, 'the unchanged member is kept, not copied');
    assert.deepEqual(Object.keys(copy), ['block', 'name', 'ranges']);
  });
});
