// Tests that start node processes of their own (CLI tests): the child inherits the test process's
// environment, our NODE_OPTIONS preload and node's NODE_TEST_CONTEXT included. The preload must act only
// in the test files node's runner starts, never in what a test starts: there it once installed its
// hooks, and node then wrote its serialized test events into the child's stdout.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFixture, runNodeTest } from './helpers/run.js';

const FILES = ['test/cli.test.js'];

describe('a test that runs node as a child process', () => {
  for (const mode of ['test', 'file', 'off']) {
    it(`gets exactly the child's output (coverage.mode ${mode})`, () => {
      const dir = copyFixture('spawns-node');
      const r = runNodeTest(dir, { files: FILES, env: { LLM_REPORT_COVERAGE__MODE: mode } });
      assert.equal(r.status, 0, `${r.stdout}${r.stderr}\n${r.tap}`);
      assert.deepEqual(r.nodeCounts, { tests: 2, suites: 0, passed: 2, failed: 0, cancelled: 0, skipped: 0, todo: 0 });
      const tests = r.results.split('\n').filter(Boolean).map((l) => JSON.parse(l) as { type: string; name: string; status: string; file: string });
      const rows = tests.filter((t) => t.type === 'test').map((t) => [t.file, t.name, t.status]).sort();
      assert.deepEqual(rows, [
        ['test/cli.test.js', 'a node child that exits non-zero keeps its stderr clean', 'passed'],
        ['test/cli.test.js', 'a plain node child prints exactly its own output', 'passed'],
      ]);
      assert.equal(r.report?.summary.tests, 2);
    });
  }
});
