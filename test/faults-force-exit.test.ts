// --test-force-exit with concurrency (compliance-trust R6): node can lose verdicts when it forces the test
// processes to exit (nodejs/node#64833). Every test of the chaos fixture writes its own ground truth;
// the report must hold every test that finished, or say that it does not.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cleanEnv, NODE } from './helpers/run.js';
import { chaosProject, declared, faultReps, key, readReport, removeProject, startRun, truth } from './helpers/faults.js';
import { validateReport } from '../lib/generated/validators.js';

const hasForceExit = spawnSync(NODE, ['--help'], { encoding: 'utf8', env: cleanEnv() }).stdout.includes('--test-force-exit');
const full = faultReps(0) > 0;
const FILES = full ? 40 : 10;
const TESTS = full ? 50 : 20;

describe('faults: --test-force-exit with concurrency', () => {
  it(`${FILES} files x ${TESTS} tests, --test-concurrency=4, ${faultReps(2)} run(s), per-test coverage on and off alternately: reported = ground truth, or the gap is reported`, { skip: !hasForceExit && 'this node has no --test-force-exit', timeout: 120_000 + faultReps(2) * 60_000 }, async (t) => {
    let nodeLost = 0;
    let recovered = 0;
    for (let rep = 0; rep < faultReps(2); rep++) {
      const dir = chaosProject(FILES);
      const run = startRun(dir, { args: ['--test-force-exit', '--test-concurrency=4'], env: { CHAOS_TESTS: String(TESTS), CHAOS_DELAY_MS: '1', LLM_REPORT_COVERAGE__MODE: rep % 2 ? 'off' : 'test' } });
      const { code } = await run.exited;
      // Coverage off: each child follows node's tests without root hooks (reporters/tap-tests.ts).
      const what = `rep ${rep} (coverage ${rep % 2 ? 'off' : 'on'})`;
      const report = readReport(dir);
      assert.ok(report, `${what}: no report; stderr:\n${run.stderr()}`);
      assert.ok(validateReport(report), JSON.stringify(validateReport.errors?.[0]));
      const done = new Set(truth(dir));
      const all = declared(dir, TESTS);
      const passed = new Set(report.tests.filter((x) => x.status === 'passed' && !x.file_level).map(key));
      for (const k of passed) assert.ok(done.has(k), `${what}: ${k} reported passed but never finished`);
      const lost = [...done].filter((k) => !passed.has(k));
      // node's TAP has no closing summary under force-exit: count its verdicts of chaos tests (t0, t1, ...).
      const nodePassed = readFileSync(path.join(dir, 'tap.txt'), 'utf8').split('\n').filter((l) => /^\s*ok \d+ - t\d+$/.test(l)).length;
      nodeLost += Math.max(0, done.size - nodePassed);
      recovered += report.tests.filter((x) => x.recovered).length;
      if (lost.length === 0) {
        assert.equal(passed.size, done.size);
        if (done.size === all.length) {
          assert.equal(report.run.status, 'passed', `${what}: every test finished and is reported: ${report.run.status}`);
          assert.equal(code, 0);
        }
      } else {
        // Not silent: the run is not a pass, the exit status says so, and a warning explains.
        assert.notEqual(report.run.status, 'passed', `${what}: ${lost.length} finished tests missing (${lost.slice(0, 3).join(', ')}) yet the run passed`);
        assert.notEqual(code, 0);
        assert.ok(report.warnings.length > 0, `${what}: the gap is explained`);
      }
      t.diagnostic(`${what}: ${done.size}/${all.length} finished by their own account, ${passed.size} reported passed, node's TAP ${nodePassed}, ${report.tests.filter((x) => x.recovered).length} recovered from the child journals`);
      removeProject(dir);
    }
    t.diagnostic(`node lost ${nodeLost} verdict(s) over the runs; the reporter recovered ${recovered}`);
  });
});
