// node --test itself SIGKILLed mid-test: nothing of ours runs, no run_end is written. The journal still
// says which test had begun (a pending line, journal only), so `llm-report fold journal.ndjson` lists it
// as incomplete instead of leaving it out (DESIGN invariant 1).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cli } from '../helpers/aggregate.js';
import { copyFixture, parseLines } from '../helpers/run.js';
import { sleep, startRun, waitFor } from '../helpers/faults.js';
import type { Report } from '../../lib/types.js';

describe('node --test SIGKILLed mid-test', () => {
  it('fold of the journal lists the running test as incomplete; finished ones keep their status', async () => {
    const dir = copyFixture('sigkill');
    const run = startRun(dir, { detached: true, args: ['--test-concurrency=1', 'test/long.test.js', 'test/quick.test.js'] });
    const journal = path.join(dir, 'llm-report', 'journal.ndjson');
    try {
      assert.ok(await waitFor(() => existsSync(path.join(dir, 'running.marker')), 60_000), `the long test started; stderr: ${run.stderr()}`);
      // node reports the dequeue as the test begins; give the event a moment to reach the reporter.
      assert.ok(await waitFor(() => existsSync(journal) && readFileSync(journal, 'utf8').includes('"runs long"'), 10_000), 'the start reached the journal');
      await sleep(100);
      run.child.kill('SIGKILL'); // node --test only: its test child lives on, as it would
      await run.died;
    } finally {
      try {
        process.kill(-run.child.pid!, 'SIGKILL'); // then the orphaned test child, by its process group
      } catch {
        // already gone
      }
    }
    const lines = parseLines(readFileSync(journal, 'utf8').split('\n').filter((l) => l.endsWith('}')).join('\n'));
    assert.ok(!lines.some((l) => l.type === 'run_end'), 'no run_end: the reporter never got to finish');

    const r = cli(['fold', 'llm-report/journal.ndjson', '--out', 'o'], dir);
    assert.equal(r.status, 1, `an incomplete run is not a pass: ${r.stdout}${r.stderr}`);
    assert.doesNotMatch(r.stderr, /^\s+at /m);
    const report = JSON.parse(readFileSync(path.join(dir, 'o', 'report.json'), 'utf8')) as Report;
    const byName = new Map(report.tests.map((t) => [t.name, t]));
    assert.equal(byName.get('done first')?.status, 'passed');
    const running = byName.get('runs long');
    assert.ok(running, `the running test is listed: ${JSON.stringify([...byName.keys()])}`);
    assert.equal(running.status, 'incomplete');
    assert.equal(running.failure?.kind, 'incomplete');
    assert.deepEqual(running.path, ['suite']);
    assert.equal(running.pending, undefined, 'a listed test is a plain test record');
    assert.ok(!byName.has('never reached'), 'a test that never began is not invented');
    assert.ok(!byName.has('suite'), 'the enclosing suite is not a test');
    assert.equal(report.run.status, 'incomplete');
    assert.ok(report.warnings.some((w) => w.code === 'LLMR_TEST_INCOMPLETE' && w.test_id === running.id));
    assert.equal(report.summary.tests, report.tests.length);
  });
});
