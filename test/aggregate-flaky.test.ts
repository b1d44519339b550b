// Three runs of a fixture whose "flaky" test fails on the second run only (a counter file):
// the aggregate flags it flaky with its three outcomes; `all` keeps every attempt, `latest` picks the
// newest run whatever the input order; future and mismatched schema versions are clear errors.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { copyFixture } from './helpers/run.js';
import { cli, readOutputs, runInto } from './helpers/aggregate.js';
import { validateReport } from '../lib/generated/validators.js';
import { jobSummary } from '../lib/ci/github.js';
import { SCHEMA_VERSION, type Report, type TestLine } from '../lib/types.js';

const byName = (r: Report, name: string): TestLine[] => r.tests.filter((t) => t.name === name);

describe('aggregate: three runs with a flaky test', () => {
  let dir: string;
  const runIds: string[] = [];
  // Shuffled on purpose: history and `latest` follow the runs' start times, not the input order.
  const inputs = ['runs/run-3', 'runs/run-1', 'runs/run-2'];

  before(() => {
    dir = copyFixture('counter');
    for (let i = 1; i <= 3; i++) {
      const r = runInto(dir, `runs/run-${i}`);
      assert.equal(r.out.report.run.status, i === 2 ? 'failed' : 'passed', `run ${i}`);
      runIds.push(r.out.report.run.run_id);
    }
  });

  it('all: keeps every attempt, attributed to its run, oldest first, flagged flaky with the three outcomes', () => {
    const r = cli(['aggregate', ...inputs, '--policy', 'all', '--out', 'all'], dir);
    assert.equal(r.status, 1, 'a failed attempt is never overwritten: the aggregate fails');
    const { report } = readOutputs(path.join(dir, 'all'));
    assert.ok(validateReport(report), JSON.stringify(validateReport.errors?.[0]));
    const flaky = byName(report, 'flaky');
    assert.deepEqual(flaky.map((t) => [t.run_id, t.status]), [[runIds[0], 'passed'], [runIds[1], 'failed'], [runIds[2], 'passed']]);
    for (const t of flaky) {
      assert.equal(t.flaky, true);
      assert.deepEqual(t.history!.map((h) => [h.run_id, h.status]), [[runIds[0], 'passed'], [runIds[1], 'failed'], [runIds[2], 'passed']]);
    }
    const steady = byName(report, 'steady');
    assert.equal(steady.length, 3);
    assert.ok(steady.every((t) => t.flaky === undefined && t.history!.every((h) => h.status === 'passed')));
    assert.deepEqual(report.aggregate!.flaky, [flaky[0]!.id]);
    assert.equal(report.aggregate!.groups.length, 3);
    assert.equal(report.summary.tests, 6);
    assert.equal(report.summary.failed, 1);
    assert.equal(report.run.status, 'failed');
    assert.match(report.warnings.find((w) => w.code === 'LLMR_AGG_FLAKY')!.message, /"flaky" is flaky: passed, failed, passed/);
    const md = jobSummary(report);
    assert.match(md, /### Aggregate: policy all, 3 runs in 3 groups/);
    assert.match(md, /### Flaky tests \(1\)\n\n- \*\*flaky\*\* at test/);
    assert.match(md, /: passed, failed, passed\n/);
  });

  it('latest: the newest run wins per test, with the history and the flag kept', () => {
    const r = cli(['aggregate', ...inputs, '--policy=latest', '--out', 'latest'], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^passed: 2 tests .* 1 flaky, from 3 sources in 3 groups \(policy latest\)/);
    const { report } = readOutputs(path.join(dir, 'latest'));
    const [flaky] = byName(report, 'flaky');
    assert.equal(byName(report, 'flaky').length, 1);
    assert.equal(flaky!.run_id, runIds[2]);
    assert.equal(flaky!.status, 'passed');
    assert.equal(flaky!.flaky, true);
    assert.deepEqual(flaky!.history!.map((h) => h.status), ['passed', 'failed', 'passed']);
    assert.equal(report.run.status, 'passed');
  });

  it('latest without the newest run: the failed run is now the newest', () => {
    const r = cli(['aggregate', 'runs/run-2', 'runs/run-1', '--policy', 'latest', '--out', 'latest2'], dir);
    assert.equal(r.status, 1);
    const [flaky] = byName(readOutputs(path.join(dir, 'latest2')).report, 'flaky');
    assert.equal(flaky!.status, 'failed');
    assert.equal(flaky!.run_id, runIds[1]);
  });

  it('merge of separate runs: overlaps and conflicts are reported, the failure is kept', () => {
    const r = cli(['aggregate', ...inputs, '--out', 'merged'], dir);
    assert.equal(r.status, 1);
    const { report } = readOutputs(path.join(dir, 'merged'));
    assert.equal(byName(report, 'flaky')[0]!.status, 'failed');
    assert.ok(report.warnings.some((w) => w.code === 'LLMR_AGG_CONFLICT' && /different outcomes/.test(w.message)));
    assert.ok(report.warnings.some((w) => w.code === 'LLMR_AGG_OVERLAP'));
    assert.match(r.stderr, /LLMR_AGG_CONFLICT/);
  });

  it('a future or mismatched schema_version is a clear error naming the file', () => {
    const results = readFileSync(path.join(dir, 'runs/run-1/results.ndjson'), 'utf8');
    const ours = `"schema_version":"${SCHEMA_VERSION}"`;
    const [major, minor] = SCHEMA_VERSION.split('.').map(Number) as [number, number];
    const newer = `${major}.${minor + 1}.0`;
    assert.ok(results.includes(ours));
    writeFileSync(path.join(dir, 'future.ndjson'), results.replace(ours, `"schema_version":"${newer}"`));
    writeFileSync(path.join(dir, 'old.ndjson'), results.replace(ours, '"schema_version":"0.9.0"'));
    const report = JSON.parse(readFileSync(path.join(dir, 'runs/run-1/report.json'), 'utf8'));
    writeFileSync(path.join(dir, 'future-report.json'), JSON.stringify({ ...report, schema_version: '2.0.0' }));
    const future = cli(['aggregate', 'runs/run-2', 'future.ndjson', '--out', 'x'], dir);
    assert.equal(future.status, 2);
    assert.ok(future.stderr.includes(`future.ndjson: schema_version ${newer} is newer than this llm-report's ${SCHEMA_VERSION}`), future.stderr);
    const old = cli(['aggregate', 'old.ndjson', '--out', 'x'], dir);
    assert.equal(old.status, 2);
    assert.ok(old.stderr.includes(`old.ndjson: schema_version 0.9.0 does not match this llm-report's ${SCHEMA_VERSION} (major 0 vs ${major})`), old.stderr);
    const futureReport = cli(['aggregate', 'future-report.json', '--out', 'x'], dir);
    assert.equal(futureReport.status, 2);
    assert.match(futureReport.stderr, /future-report\.json: schema_version 2\.0\.0 is newer/);
  });

  it('report.json inputs aggregate like their results.ndjson (coverage aside)', () => {
    const a = cli(['aggregate', 'runs/run-1/report.json', 'runs/run-2/report.json', 'runs/run-3/report.json', '--policy', 'all', '--out', 'from-json'], dir);
    assert.equal(a.status, 1, a.stderr);
    const fromJson = readOutputs(path.join(dir, 'from-json')).report;
    const fromLines = readOutputs(path.join(dir, 'all')).report;
    const core = (rep: Report) => rep.tests.map((t) => [t.id, t.run_id, t.status, t.flaky ?? false, t.history?.length]);
    assert.deepEqual(core(fromJson), core(fromLines));
    assert.deepEqual(fromJson.aggregate!.sources.map((s) => s.format), ['report.json', 'report.json', 'report.json']);
  });

  it('the same run twice: identical content is ignored with a warning, different content is an error', () => {
    const same = cli(['aggregate', 'runs/run-1', 'runs/run-1/journal.ndjson', '--policy', 'all', '--out', 'dup'], dir);
    assert.equal(same.status, 0, same.stderr);
    assert.match(same.stderr, /LLMR_AGG_DUPLICATE_RUN: runs\/run-1\/journal\.ndjson is the same run as runs\/run-1\/results\.ndjson/);
    const results = readFileSync(path.join(dir, 'runs/run-1/results.ndjson'), 'utf8');
    writeFileSync(path.join(dir, 'forged.ndjson'), results.replace('"status":"passed","type":"test"', '"status":"failed","type":"test"'));
    const forged = cli(['aggregate', 'runs/run-1', 'forged.ndjson', '--policy', 'all', '--out', 'dup2'], dir);
    assert.equal(forged.status, 2);
    assert.match(forged.stderr, new RegExp(`forged\\.ndjson: has run id ${runIds[0]}, as runs/run-1/results\\.ndjson has, but different content`));
  });
});
