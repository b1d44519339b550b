import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { additive } from '../src/specimen.js';

describe('tube additives', () => {
  it('lavender is EDTA', () => assert.equal(additive('lavender'), 'EDTA'));
  it('light blue is citrate', () => assert.equal(additive('lightblue'), 'citrate'));
  it('an unknown cap is refused', () => assert.throws(() => additive('green'), RangeError));
});
