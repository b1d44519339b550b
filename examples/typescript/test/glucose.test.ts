import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
// The .ts extension: the same import works compiled (tsc rewrites it to .js) and type-stripped.
import { classify, toMmolPerL, type Reading } from '../src/glucose.ts';

describe('toMmolPerL', () => {
  it('converts mg/dL', () => {
    const fasting: Reading = { value: 90, unit: 'mg/dL' };
    assert.equal(toMmolPerL(fasting), 5);
  });
  it('keeps mmol/L as is', () => {
    assert.equal(toMmolPerL({ value: 5.5, unit: 'mmol/L' }), 5.5);
  });
});

describe('classify', () => {
  it('flags hypoglycaemia', () => {
    assert.equal(classify({ value: 60, unit: 'mg/dL' }), 'low');
  });
  it('flags hyperglycaemia', () => {
    assert.equal(classify({ value: 12.5, unit: 'mmol/L' }), 'high');
  });
});
