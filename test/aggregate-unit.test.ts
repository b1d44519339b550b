// The pure aggregate over hand-made streams: tie-breaks, node's rerun attempts, conflicts, ids,
// coverage union, and the inputs it refuses.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { aggregate, AggregateError, readSource, unionCoverage, type Source } from '../lib/aggregate/index.js';
import { checkSchemaVersion } from '../lib/aggregate/schema-version.js';
import { groupId } from '../lib/aggregate/ids.js';
import { toNdjsonLine } from '../lib/report/canonical.js';
import { canonicalJson } from '../lib/report/canonical.js';
import type { CoverageLine, Line, TestStatus } from '../lib/types.js';

function start(runId: string, startedAt: string, argv: string[] = []): Line {
  return { type: 'run_start', schema_version: '1.0.0', tool: { name: '@org/llm-report', version: '0.1.0' }, node_version: 'v24.8.0', platform: 'linux', arch: 'x64', run_id: runId, started_at: startedAt, argv, env_names: [], config_sha256: 'a'.repeat(64), isolation: 'process' };
}
function test(name: string, status: TestStatus, extra: Record<string, unknown> = {}): Line {
  return { type: 'test', id: `id-${name}`, file: 'test/x.test.js', entry_file: 'test/x.test.js', line: name.charCodeAt(0), column: 1, name, path: [], nesting: 0, occurrence: 1, status, duration_ms: 1, attempt: 0, ...extra };
}
function end(status: 'passed' | 'failed' = 'passed'): Line {
  return { type: 'run_end', status, counts: { tests: 0, suites: 0, passed: 0, failed: 0, cancelled: 0, skipped: 0, todo: 0, incomplete: 0 }, ended_at: '2024-01-01T01:00:00.000Z', duration_ms: 5 };
}
function source(path: string, input: number, lines: Line[]): Source {
  return readSource(lines.map(toNdjsonLine).join(''), { path, input, format: 'ndjson' });
}

describe('aggregate (pure)', () => {
  it('latest: runs that started at the same time are ordered by input order', () => {
    const t = '2024-01-01T00:00:00.000Z';
    const a = source('a.ndjson', 0, [start('run-a', t), test('x', 'failed'), end('failed')]);
    const b = source('b.ndjson', 1, [start('run-b', t), test('x', 'passed'), end()]);
    assert.equal(aggregate([a, b], 'latest').report.tests[0]!.run_id, 'run-b');
    const swapped = aggregate([{ ...b, input: 0 }, { ...a, input: 1 }], 'latest').report;
    assert.equal(swapped.tests[0]!.run_id, 'run-a');
    assert.deepEqual(swapped.tests[0]!.history!.map((h) => h.run_id), ['run-b', 'run-a']);
  });

  it("node's --test-rerun-failures: a pass on a later attempt is flaky, even from one run", () => {
    const rerun = source('r.ndjson', 0, [
      start('run-r', '2024-01-01T00:00:00.000Z'),
      test('again', 'passed', { attempt: 1 }),
      test('earlier', 'passed', { attempt: 2, passed_on_attempt: 1 }),
      test('stable', 'passed', { attempt: 2, passed_on_attempt: 0 }),
      test('still failing', 'failed', { attempt: 2 }),
      end('failed'),
    ]);
    const { report } = aggregate([rerun], 'merge');
    const flaky = Object.fromEntries(report.tests.map((t) => [t.name, t.flaky === true]));
    assert.deepEqual(flaky, { again: true, earlier: true, stable: false, 'still failing': false });
    assert.deepEqual(report.aggregate!.flaky, ['id-again', 'id-earlier']);
  });

  it('merge: the same test with different outcomes in two shards keeps the worse, both in history, flaky', () => {
    const s1 = source('s1.ndjson', 0, [start('s1', '2024-01-01T00:00:00.000Z', ['--test-shard=1/2']), test('x', 'passed'), end()]);
    const s2 = source('s2.ndjson', 1, [start('s2', '2024-01-01T00:00:01.000Z', ['--test-shard', '2/2']), test('x', 'failed', { failure: { kind: 'error', message: 'no' } }), end('failed')]);
    const { report } = aggregate([s1, s2], 'merge');
    assert.equal(report.tests.length, 1);
    assert.equal(report.tests[0]!.status, 'failed');
    assert.equal(report.tests[0]!.run_id, 's2');
    assert.deepEqual(report.tests[0]!.history!.map((h) => h.status), ['passed', 'failed']);
    assert.equal(report.tests[0]!.flaky, true);
    assert.equal(report.run.status, 'failed');
    assert.deepEqual(report.aggregate!.groups[0]!.shards, ['1/2', '2/2']);
    assert.ok(report.warnings.some((w) => w.code === 'LLMR_AGG_CONFLICT' && w.message.includes('s1.ndjson and s2.ndjson')));
  });

  it('ids: derived from content, the group id independent of order; a run without run_start gets one from its sha256', () => {
    assert.equal(groupId(['b', 'a']), groupId(['a', 'b']));
    assert.match(groupId(['a']), /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    const torn = source('torn.ndjson', 0, [test('x', 'passed')]);
    const first = aggregate([torn], 'all');
    assert.match(first.report.tests[0]!.run_id!, /^[0-9a-f]{8}-/);
    assert.equal(first.report.run.status, 'incomplete', 'no run_end: the run never finished');
    assert.equal(canonicalJson(aggregate([torn], 'all')), canonicalJson(first), 'same inputs, same output');
  });

  it('refuses the output of a latest/all aggregate as an input, accepts a merge aggregate', () => {
    const a = source('a.ndjson', 0, [start('run-a', '2024-01-01T00:00:00.000Z'), test('x', 'passed'), end()]);
    const b = source('b.ndjson', 1, [start('run-b', '2024-01-01T00:00:01.000Z'), test('x', 'passed'), end()]);
    const all = aggregate([a, b], 'all');
    const reread = readSource(all.lines.map(toNdjsonLine).join(''), { path: 'agg/results.ndjson', input: 0, format: 'ndjson' });
    assert.throws(() => aggregate([reread], 'all'), (err: Error) => err instanceof AggregateError && /agg\/results\.ndjson: is the output of llm-report aggregate --policy all/.test(err.message));
    const merged = aggregate([a], 'merge');
    const again = readSource(merged.lines.map(toNdjsonLine).join(''), { path: 'm/results.ndjson', input: 0, format: 'ndjson' });
    const { report } = aggregate([again, { ...b, input: 1 }], 'all');
    assert.deepEqual(report.tests.map((t) => t.run_id), ['run-a', 'run-b'], 'records keep the run they came from');
  });

  it('schema versions: same major, not newer; anything else names the file', () => {
    assert.equal(checkSchemaVersion('1.0.0', 'f'), '1.0.0');
    assert.throws(() => checkSchemaVersion('1.0.1', 'f'), /f: schema_version 1\.0\.1 is newer/);
    assert.throws(() => checkSchemaVersion('2.0.0', 'f'), /is newer/);
    assert.throws(() => checkSchemaVersion('0.3.0', 'f'), /does not match .*major 0 vs 1/);
    assert.throws(() => checkSchemaVersion(undefined, 'f'), /f: schema_version undefined is not a version/);
    assert.throws(() => readSource('{"type":"run_start","schema_version":"9.0.0"}\n', { path: 'n.ndjson', input: 0, format: 'ndjson' }), /n\.ndjson: schema_version 9\.0\.0 is newer/);
    assert.throws(() => readSource('not json', { path: 'r.json', input: 0, format: 'report.json' }), /r\.json: not valid JSON/);
    assert.throws(() => readSource('{"schema_version":"1.0.0"}', { path: 'r.json', input: 0, format: 'report.json' }), /r\.json: is not a valid llm-report report\.json: \/ must have required property/);
  });

  it('coverage union: per file, covered lines united (adjacent ranges joined), totals kept', () => {
    const cov = (file: string, covered: Array<[number, number]>, total: number, fn = 1): CoverageLine => ({ type: 'coverage', file, lines: { covered, total }, functions: { covered: fn, total: 3 }, branches: { covered: 0, total: 0 } });
    const u = unionCoverage([[cov('src/a.js', [[1, 2], [8, 9]], 10), cov('src/b.js', [[1, 1]], 4)], [cov('src/a.js', [[3, 4], [9, 10]], 10, 2)]]);
    assert.deepEqual(u.map((c) => [c.file, c.lines.covered, c.lines.total, c.functions.covered]), [
      ['src/a.js', [[1, 4], [8, 10]], 10, 2],
      ['src/b.js', [[1, 1]], 4, 1],
    ]);
  });
});
