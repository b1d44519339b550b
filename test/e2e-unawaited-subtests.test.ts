// A subtest its parent does not await runs synchronously under node alone and passes. Our preload once
// followed tests through root beforeEach/afterEach hooks whenever it measured coverage or captured
// output; node runs a root beforeEach through its async hook machinery, so the subtest's body started a
// tick late, after its parent had returned, and node cancelled it (a real suite, fast-json-stringify,
// failed under the reporter and passed without it). The outcome must not depend on the reporter.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cleanEnv, copyFixture, NODE, runNodeTest } from './helpers/run.js';

const FILES = ['test/unawaited.test.js'];

// In node's own process (--test-isolation=none; Node 20 has no such mode, 22 only the experimental spelling).
const isolationFlag = ['--test-isolation=none', '--experimental-test-isolation=none'].find(
  (flag) => spawnSync(NODE, [flag, '-e', '0'], { env: cleanEnv(), encoding: 'utf8' }).status === 0,
);

describe('subtests their parent does not await', () => {
  for (const [mode, capture] of [['test', false], ['test', true], ['file', false], ['off', false], ['off', true]] as const) {
    it(`pass as they do without the reporter (coverage.mode ${mode}${capture ? ', capture_output' : ''})`, () => {
      const dir = copyFixture('unawaited-subtests');
      const r = runNodeTest(dir, { files: FILES, env: { LLM_REPORT_COVERAGE__MODE: mode, ...(capture ? { LLM_REPORT_CAPTURE_OUTPUT: 'true' } : {}) } });
      assert.equal(r.status, 0, `${r.stdout}${r.stderr}\n${r.tap}`);
      assert.deepEqual(r.nodeCounts, { tests: 4, suites: 0, passed: 4, failed: 0, cancelled: 0, skipped: 0, todo: 0 });
      assert.equal(r.report?.summary.passed, 4);
      const tests = r.report?.tests ?? [];
      if (mode === 'test') {
        // Each subtest's own lines: the branch it took in price() (its declaration line ran as the module loaded).
        const lines = (name: string): number[] => tests.find((t) => t.name === name)!.coverage!.flatMap((c) => c.lines.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i)));
        assert.deepEqual(lines('cents'), [2, 5, 6]);
        assert.deepEqual(lines('below zero'), [2, 3, 4, 6]);
      }
      if (capture) assert.match(JSON.stringify(tests.find((t) => t.name === 'cents')), /checking cents/);
    });
  }

  // In node's own process the in-process entry follows the tests too (each test object names its file); with
  // root hooks node 22 cancelled both subtests there. The outcome must not depend on the reporter there either.
  for (const mode of ['test', 'off'] as const) {
    it(`pass in node's own process too (--test-isolation=none, in-process entry, coverage.mode ${mode})`, { skip: !isolationFlag && 'this node has no --test-isolation=none' }, () => {
      const dir = copyFixture('unawaited-subtests');
      const r = runNodeTest(dir, { files: FILES, args: [isolationFlag!, '--import=@org/llm-report/in-process'], env: { LLM_REPORT_COVERAGE__MODE: mode } });
      assert.equal(r.status, 0, `${r.stdout}${r.stderr}\n${r.tap}`);
      assert.deepEqual(r.nodeCounts, { tests: 4, suites: 0, passed: 4, failed: 0, cancelled: 0, skipped: 0, todo: 0 });
      assert.equal(r.report?.run.isolation, 'none');
      assert.equal(r.report?.summary.passed, 4);
      if (mode === 'test') {
        const lines = (name: string): unknown => r.report?.tests.find((t) => t.name === name)?.coverage;
        assert.deepEqual(lines('cents'), [{ file: 'src/price.js', lines: [[2, 2], [5, 6]] }]);
        assert.deepEqual(lines('below zero'), [{ file: 'src/price.js', lines: [[2, 4], [6, 6]] }]);
      }
    });
  }
});
