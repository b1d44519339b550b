import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accession, additive } from '../src/specimen.js';

test('a label shows the accession number and the additive', () => {
  assert.equal(`${accession('SEA', 2026, 7)} ${additive('gold')}`, 'SEA26-000007 SST');
});

test('unknown analytes have no stability claim', { skip: 'analyte list pending' }, () => {});
