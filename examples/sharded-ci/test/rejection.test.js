import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rejectReasons } from '../src/specimen.js';

test('a good specimen is accepted', () => {
  assert.deepEqual(rejectReasons({ analyte: 'glucose', celsius: 4, ageHours: 10, label: 'BOS25-000042' }), []);
});

test('every reason is listed', async (t) => {
  const reasons = rejectReasons({ analyte: 'potassium', celsius: 22, ageHours: 6, hemolyzed: true });
  await t.test('hemolysis', () => assert.ok(reasons.includes('hemolyzed')));
  await t.test('age', () => assert.ok(reasons.includes('too old')));
  await t.test('label', () => assert.ok(reasons.includes('unlabelled')));
});
