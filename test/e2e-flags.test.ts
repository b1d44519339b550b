// node --test flags that change which tests run or how: our counts still equal node's own summary,
// every line validates, and features are used where the running node has them (detected by flag).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFixture, countsAsNode, runNodeTest, NODE, cleanEnv } from './helpers/run.js';
import { validateReport } from '../lib/generated/validators.js';

const help = spawnSync(NODE, ['--help'], { encoding: 'utf8', env: cleanEnv() }).stdout;
const isolationFlag = help.includes('--test-isolation=') ? '--test-isolation=none' : help.includes('--experimental-test-isolation') ? '--experimental-test-isolation=none' : undefined;
const hasRerun = help.includes('--test-rerun-failures');

const cases: Array<{ fixture: string; args: string[]; skip?: string | false; check?: (r: ReturnType<typeof runNodeTest>) => void }> = [
  { fixture: 'kitchen', args: ['--test-only'], check: (r) => assert.ok(r.report!.tests.some((t) => t.name === 'only one' && t.status === 'passed')) },
  { fixture: 'kitchen', args: ['--test-name-pattern=adds'], check: (r) => assert.equal(r.report!.tests.filter((t) => t.name === 'adds' && t.status === 'passed').length, 2) },
  { fixture: 'simple', args: ['--test-shard=1/2'] },
  { fixture: 'simple', args: ['--test-shard=2/2'] },
  { fixture: 'simple', args: ['--test-concurrency=1', '--test-timeout=20000'] },
  {
    fixture: 'simple',
    args: isolationFlag ? [isolationFlag] : [],
    skip: !isolationFlag && 'this node has no test isolation flag',
    check: (r) => {
      assert.equal(r.report!.run.isolation, 'none');
      assert.ok(!r.report!.tests.some((t) => t.file_level), 'no per-file wrapper test in-process');
    },
  },
];

describe('flags', () => {
  for (const c of cases) {
    it(`${c.fixture} ${c.args.join(' ')}: counts equal node's, report valid`, { skip: c.skip }, () => {
      const r = runNodeTest(copyFixture(c.fixture), { args: c.args });
      assert.ok(r.report, r.stderr);
      assert.ok(r.nodeCounts.tests !== undefined, 'node printed its summary');
      assert.deepEqual(countsAsNode(r.report), r.nodeCounts);
      assert.ok(validateReport(r.report), JSON.stringify(validateReport.errors?.[0]));
      c.check?.(r);
    });
  }

  it('--test-rerun-failures: the rerun records attempt and passed_on_attempt', { skip: !hasRerun && 'this node has no --test-rerun-failures' }, () => {
    const dir = copyFixture('flaky');
    const first = runNodeTest(dir, { args: ['--test-rerun-failures=state.json'] });
    const flaky1 = first.report!.tests.find((t) => t.name === 'flaky')!;
    assert.equal(flaky1.status, 'failed');
    assert.equal(flaky1.attempt, 0);
    const second = runNodeTest(dir, { args: ['--test-rerun-failures=state.json'] });
    const flaky2 = second.report!.tests.find((t) => t.name === 'flaky')!;
    assert.equal(flaky2.status, 'passed');
    assert.equal(flaky2.attempt, 1);
    assert.equal(flaky2.id, flaky1.id, 'the same test keeps its id across attempts');
    const stable = second.report!.tests.find((t) => t.name === 'stable')!;
    assert.equal(stable.passed_on_attempt, 0);
    assert.deepEqual(countsAsNode(second.report!), second.nodeCounts);
  });
});
