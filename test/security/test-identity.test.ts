// Attack: hide a failing test behind a passing one. A test file declares a passing test with the same
// name as a failing test a shared helper declares for it, at the same line and column (a second helper
// with the same layout). When ids left the defining file out, both records had one id and the fold kept
// the first (LLMR_NDJSON_DUPLICATE): the report said "passed" while node counted a failure. Identity now
// includes the defining file, so the failure is in the report, the counts equal node's and the run fails.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { copyFixture, countsAsNode, runNodeTest } from '../helpers/run.js';

const HELPER = (body: string): string => `'use strict';
const { test } = require('node:test');
exports.check = function check(name) {
  test(name, () => { ${body} });
};
`;

function project(): string {
  const parent = mkdtempSync(path.join(os.tmpdir(), 'llmr-identity-attack-'));
  const dir = path.join(parent, 'masked');
  mkdirSync(path.join(dir, 'test'), { recursive: true });
  mkdirSync(path.join(dir, 'helpers'), { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), '{ "private": true }\n');
  // Same layout: both test() calls at line 4, column 3.
  writeFileSync(path.join(dir, 'helpers', 'pass.cjs'), HELPER('/* fine */'));
  writeFileSync(path.join(dir, 'helpers', 'fail.cjs'), HELPER("throw new Error('the real defect');"));
  writeFileSync(
    path.join(dir, 'test', 'masked.test.cjs'),
    `'use strict';
require('../helpers/pass.cjs').check('dose is within limits');
require('../helpers/fail.cjs').check('dose is within limits');
`,
  );
  return copyFixture('masked', { from: parent });
}

describe('a failing helper-declared test cannot be masked by a same-named passing one', () => {
  it('both records are kept, the failure is reported, counts equal node\'s, the run fails', () => {
    const r = runNodeTest(project(), { files: ['test/masked.test.cjs'] });
    assert.ok(r.report, r.stderr);
    const tests = r.report.tests.filter((t) => t.name === 'dose is within limits');
    assert.deepEqual(tests.map((t) => [t.file, t.line, t.column, t.status]).sort(), [
      ['helpers/fail.cjs', 4, 3, 'failed'],
      ['helpers/pass.cjs', 4, 3, 'passed'],
    ]);
    assert.notEqual(tests[0]!.id, tests[1]!.id);
    assert.deepEqual(countsAsNode(r.report), r.nodeCounts);
    assert.equal(r.report.summary.failed, 1);
    assert.equal(r.report.run.status, 'failed');
    assert.ok(!r.report.warnings.some((w) => w.code === 'LLMR_NDJSON_DUPLICATE'));
    assert.equal(r.status, 1);
  });
});
