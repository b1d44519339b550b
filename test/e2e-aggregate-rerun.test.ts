// node's --test-rerun-failures (24.7+, detected by flag): the attempt that passed after a failure is
// flagged flaky by aggregate, from the two runs together and from the rerun alone.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { cleanEnv, copyFixture, NODE } from './helpers/run.js';
import { cli, readOutputs, runInto } from './helpers/aggregate.js';

const hasRerun = spawnSync(NODE, ['--help'], { encoding: 'utf8', env: cleanEnv() }).stdout.includes('--test-rerun-failures');

it('aggregate flags a test that --test-rerun-failures passed on a later attempt', { skip: !hasRerun && 'this node has no --test-rerun-failures' }, () => {
  const dir = copyFixture('flaky');
  const first = runInto(dir, 'runs/1', ['--test-rerun-failures=state.json']).out.report;
  const second = runInto(dir, 'runs/2', ['--test-rerun-failures=state.json']).out.report;
  assert.equal(first.run.status, 'failed');
  assert.equal(second.run.status, 'passed');

  assert.equal(cli(['aggregate', 'runs/1', 'runs/2', '--policy', 'latest', '--out', 'latest'], dir).status, 0);
  const latest = readOutputs(path.join(dir, 'latest')).report;
  const flaky = latest.tests.find((t) => t.name === 'flaky')!;
  assert.equal(flaky.flaky, true);
  assert.deepEqual(flaky.history!.map((h) => [h.attempt, h.status]), [[0, 'failed'], [1, 'passed']]);
  assert.equal(latest.tests.find((t) => t.name === 'stable')!.flaky, undefined);

  assert.equal(cli(['aggregate', 'runs/2', '--out', 'alone'], dir).status, 0);
  const alone = readOutputs(path.join(dir, 'alone')).report;
  assert.deepEqual(alone.aggregate!.flaky, [flaky.id]);
});
