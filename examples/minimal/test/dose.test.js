import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { doseMg } from '../src/dose.js';

describe('doseMg', () => {
  it('scales with weight', () => {
    assert.equal(doseMg(70, 1.5, 500), 105);
  });
  it('caps at the maximum dose', () => {
    assert.equal(doseMg(120, 5, 500), 500);
  });
  it('rejects a non-positive weight', () => {
    assert.throws(() => doseMg(0, 1, 10), RangeError);
  });
});
