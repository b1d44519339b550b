import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accession } from '../src/specimen.js';

test('accession numbers are site, year and a six-digit sequence', () => {
  assert.equal(accession('BOS', 2025, 42), 'BOS25-000042');
});

test('a bad site code is refused', () => {
  assert.throws(() => accession('bos', 2025, 1), TypeError);
});
