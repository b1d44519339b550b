import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { stableFor } from '../src/specimen.js';

describe('stability', () => {
  it('refrigerated glucose keeps 72 h', () => assert.equal(stableFor('glucose', 4), 72));
  it('potassium at room temperature keeps 4 h', () => assert.equal(stableFor('potassium', 22), 4));
});
