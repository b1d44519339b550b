// A test printing 100 MiB to stdout (compliance-trust R9): the parent's memory stays bounded (it does
// not grow with the output) and no event is lost, with output capture off and on (capped).
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cleanEnv, copyFixture, NODE, REPO } from './helpers/run.js';
import { readReport, removeProject } from './helpers/faults.js';
import { validateReport } from '../lib/generated/validators.js';
import type { Report } from '../lib/types.js';

/** Loaded with -r into node --test: writes the parent's peak RSS on exit (bench/lib/rss-probe.cjs). */
const PROBE = path.join(REPO, 'bench', 'lib', 'rss-probe.cjs');
const MIB = 1024;

function flood(mb: number, env: Record<string, string> = {}): { report: Report; rssKiB: number; dir: string } {
  const dir = copyFixture('flood');
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'llmr-rss-'));
  const rssFile = path.join(tmp, 'rss.json');
  const r = spawnSync(NODE, ['-r', PROBE, '--test', '--test-concurrency=1', '--test-reporter=@org/llm-report', '--test-reporter-destination=stream.ndjson'], {
    cwd: dir,
    env: cleanEnv({ FLOOD_MB: String(mb), BENCH_RSS_OUT: rssFile, ...env }),
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const rssKiB = (JSON.parse(readFileSync(rssFile, 'utf8')) as { rssKiB: number }).rssKiB;
  rmSync(tmp, { recursive: true, force: true });
  const report = readReport(dir);
  assert.ok(report && validateReport(report), JSON.stringify(validateReport.errors?.[0]));
  return { report, rssKiB, dir };
}

function noEventLost(report: Report, what: string): void {
  assert.equal(report.run.status, 'passed', what);
  assert.equal(report.summary.passed, 32, `${what}: every test reported`);
  assert.ok(report.tests.some((t) => t.name === 'after the flood 19' && t.status === 'passed'), `${what}: the tests after the flood too`);
  assert.deepEqual(report.node_counts, { tests: 32, suites: 0, passed: 32, failed: 0, cancelled: 0, skipped: 0, todo: 0 }, `${what}: node counted the same`);
}

describe('faults: 100 MiB of stdout from one test', () => {
  let baseline: number;
  before(() => {
    const quiet = flood(1);
    noEventLost(quiet.report, '1 MiB');
    baseline = quiet.rssKiB;
    removeProject(quiet.dir);
  });

  for (const capture of [false, true]) {
    it(`capture_output ${capture}: the parent's peak RSS does not grow with the output, no event lost`, { timeout: 120_000 }, (t) => {
      const big = flood(100, { LLM_REPORT_CAPTURE_OUTPUT: String(capture) });
      noEventLost(big.report, '100 MiB');
      const growth = (big.rssKiB - baseline) / MIB;
      t.diagnostic(`parent peak RSS ${Math.round(big.rssKiB / MIB)} MiB with 100 MiB of output, ${Math.round(baseline / MIB)} MiB with 1 MiB: +${Math.round(growth)} MiB`);
      // Holding the output would cost 100 MiB (bytes) to 200 MiB (strings); streaming it costs node's
      // chunk buffers and some garbage (about 30 MiB here; node's own spec and tap reporters peak at 200 MiB).
      assert.ok(growth < 80, `the parent grew by ${Math.round(growth)} MiB for 99 MiB more output`);
      const out = big.report.files.find((f) => f.file === 'test/flood.test.js')?.output;
      if (capture) {
        // The flood is the test's own output (captured in its process), head and tail within the cap.
        const own = big.report.tests.find((x) => x.name === 'floods stdout')?.output;
        assert.ok(own?.stdout !== undefined && own.stdout.length <= 65536 + 64, 'captured stdout is capped (output_cap_bytes)');
        assert.equal(own?.truncated, true);
        assert.ok(own?.dropped_bytes !== undefined && own.dropped_bytes >= 100 * MIB * 1024 - 65536 - 64, `${own?.dropped_bytes} bytes dropped`);
        assert.equal(out, undefined, 'the file wrote nothing between tests');
      } else {
        assert.equal(out, undefined, 'nothing captured when capture_output is off');
      }
      removeProject(big.dir);
    });
  }
});
