// A helper module under test/ that node also runs as a test file (node's default patterns take every
// file under test/), declaring the subtests of the test files that call it: a real suite
// (fast-json-stringify's json-schema-test-suite) had its helper claim those subtests on node versions
// whose events do not name the entry file, so their results were "recovered" a second time from the
// callers' journals, the callers were reported as ended early and the run failed though node passed it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFixture, countsAsNode, runNodeTest } from './helpers/run.js';

const UTIL = 'test/cases/util.js';
const ORDERS = [
  [UTIL, 'test/cases/draft1.test.js', 'test/cases/draft2.test.js'],
  ['test/cases/draft1.test.js', UTIL, 'test/cases/draft2.test.js'],
];

describe('a helper under test/ that node also runs as a test file', () => {
  for (const [i, files] of ORDERS.entries()) {
    for (const mode of ['test', 'off']) {
      it(`its subtests belong to the files that called it (order ${i + 1}, coverage.mode ${mode})`, () => {
        const dir = copyFixture('helpers-under-test');
        const r = runNodeTest(dir, { files, env: { LLM_REPORT_COVERAGE__MODE: mode } });
        assert.equal(r.status, 0, `${r.stdout}${r.stderr}\n${r.tap}`);
        const report = r.report!;
        assert.deepEqual(countsAsNode(report), r.nodeCounts, 'the same tests node counted');
        assert.equal(report.summary.tests, 7);
        assert.deepEqual(report.tests.filter((t) => t.recovered), [], 'nothing recovered a second time from a journal');
        assert.deepEqual(report.warnings?.filter((w) => w.code === 'LLMR_FILE_EXITED_EARLY') ?? [], []);
        const rows = report.tests.map((t) => [t.entry_file, t.file, [...t.path, t.name].join(' > '), t.status].join(' | ')).sort();
        assert.deepEqual(rows, [
          'test/cases/draft1.test.js | test/cases/draft1.test.js | doubling | passed',
          'test/cases/draft1.test.js | test/cases/util.js | doubling > one | passed',
          'test/cases/draft1.test.js | test/cases/util.js | doubling > two | passed',
          'test/cases/draft2.test.js | test/cases/draft2.test.js | doubling | passed',
          'test/cases/draft2.test.js | test/cases/util.js | doubling > one | passed',
          'test/cases/draft2.test.js | test/cases/util.js | doubling > two | passed',
          'test/cases/util.js | test/cases/util.js | test/cases/util.js | passed',
        ]);
        assert.equal(new Set(report.tests.map((t) => t.id)).size, 7, 'seven distinct ids');
      });
    }
  }
});
