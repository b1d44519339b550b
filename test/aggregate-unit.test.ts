// The pure aggregate over hand-made streams: tie-breaks, node's rerun attempts, conflicts, ids,
// coverage union, and the inputs it refuses.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { aggregate, AggregateError, readSource, unionCoverage, type Source } from '../lib/aggregate/index.js';
import { checkSchemaVersion } from '../lib/aggregate/schema-version.js';
import { groupId } from '../lib/aggregate/ids.js';
import { toNdjsonLine } from '../lib/report/canonical.js';
import { canonicalJson } from '../lib/report/canonical.js';
import fc from 'fast-check';
import { fromProfile, toProfile } from '../lib/coverage/profile.js';
import { functionBranchCounts, mergeFunctions } from '../lib/coverage/merge.js';
import { SCHEMA_VERSION } from '../lib/types.js';
import type { CoverageLine, Line, ProfileFunction, TestStatus } from '../lib/types.js';

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
    assert.equal(checkSchemaVersion('1.1.0', 'f'), '1.1.0');
    // An older minor of the same major is read (its optional fields are a subset of ours).
    assert.equal(checkSchemaVersion('1.0.0', 'f'), '1.0.0');
    const [major, minor, patch] = SCHEMA_VERSION.split('.').map(Number) as [number, number, number];
    const newer = `${major}.${minor}.${patch + 1}`;
    assert.throws(() => checkSchemaVersion(newer, 'f'), (err: Error) => err.message.startsWith(`f: schema_version ${newer} is newer`));
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
    assert.deepEqual(u.coverage.map((c) => [c.file, c.lines.covered, c.lines.total, c.functions.covered]), [
      ['src/a.js', [[1, 4], [8, 10]], 10, 2],
      ['src/b.js', [[1, 1]], 4, 1],
    ]);
    // No profiles: src/a.js, in two runs, has a lower bound; src/b.js, in one run, has that run's counts.
    assert.deepEqual(u.inexact, ['src/a.js']);
  });

  it('coverage union: functions and branches come from the merged profiles, counts included (not hit flags)', () => {
    // f spans 0-100 with adjacent blocks 10-20 and 20-30. Run A: counts 1 and 2; run B: 1 and 0. Hit flags
    // would say f has 3 branches, 3 covered; merged, both blocks count 2 and c8 joins them: 2 branches.
    const fn = (b1: number, b2: number): ProfileFunction[] => [
      { name: '', block: true, ranges: [[0, 200, 1]] },
      { name: 'f', block: true, ranges: [[0, 100, 5], [10, 20, b1], [20, 30, b2]] },
      { name: 'g', block: true, ranges: [[120, 150, b2]] },
    ];
    const cov = (profile: ProfileFunction[]): CoverageLine => {
      const counts = functionBranchCounts(fromProfile(profile));
      return { type: 'coverage', file: 'src/a.js', lines: { covered: [[1, 1]], total: 9 }, functions: { covered: counts.functions[0], total: counts.functions[1] }, branches: { covered: counts.branches[0], total: counts.branches[1] }, profiles: [profile] };
    };
    const a = cov(fn(1, 2));
    const b = cov(fn(1, 0));
    assert.deepEqual([a.branches, b.branches], [{ covered: 5, total: 5 }, { covered: 3, total: 5 }]);
    const u = unionCoverage([[a], [b]]);
    assert.deepEqual(u.inexact, []);
    const c = u.coverage[0]!;
    assert.deepEqual(c.branches, { covered: 4, total: 4 });
    assert.deepEqual(c.functions, { covered: 2, total: 2 });
    // What one run holding both processes counts.
    const whole = functionBranchCounts(mergeFunctions([fromProfile(fn(1, 2)), fromProfile(fn(1, 0))]));
    assert.deepEqual([c.functions, c.branches], [{ covered: whole.functions[0], total: whole.functions[1] }, { covered: whole.branches[0], total: whole.branches[1] }]);
    // Every process kept, in content order, and the inputs were not mutated by the merge.
    assert.deepEqual(c.profiles, [fn(1, 0), fn(1, 2)]);
    assert.deepEqual(a.profiles, [fn(1, 2)]);
  });

  it('a shard without profiles (schema 1.0.0) makes function/branch totals a lower bound, named in LLMR_AGG_COVERAGE_PARTIAL', () => {
    const profile: ProfileFunction[] = [{ name: 'f', block: true, ranges: [[0, 50, 1], [10, 20, 0]] }];
    const cov = (profiles?: ProfileFunction[][]): Line => ({ type: 'coverage', file: 'src/a.js', lines: { covered: [[1, 2]], total: 4 }, functions: { covered: 1, total: 1 }, branches: { covered: 1, total: 2 }, ...(profiles ? { profiles } : {}) });
    const t = '2024-01-01T00:00:00.000Z';
    const shard = (n: number, c: Line) => source(`s${n}.ndjson`, 0, [start(`run-${n}`, t, [`--test-shard=${n}/2`]), test(`t${n}`, 'passed'), c, end()]);
    const exact = aggregate([shard(1, cov([profile])), shard(2, cov([profile]))], 'merge').report;
    assert.equal(exact.warnings.filter((w) => w.code === 'LLMR_AGG_COVERAGE_PARTIAL').length, 0);
    const mixed = aggregate([shard(1, cov([profile])), shard(2, cov())], 'merge').report;
    const w = mixed.warnings.filter((x) => x.code === 'LLMR_AGG_COVERAGE_PARTIAL');
    assert.equal(w.length, 1);
    assert.match(w[0]!.message, /function and branch totals of src\/a\.js are a lower bound: s2\.ndjson carries counts without the V8 profile/);
    assert.deepEqual(mixed.coverage!.files[0]!.branches, { covered: 1, total: 2, percent: 50 });
  });

  it('coverage union: every process of every shard merged at once equals one run merging them, in any order', () => {
    // Processes seeing one function f (0-100) with random counts, shaped as V8 reports them: an uncalled
    // function has no blocks; a block is left out when its count is its parent's, and adjacent blocks
    // with equal counts come joined. Blocks: 10-20, 20-30, 40-60 (holding 45-50), 60-70.
    const count = fc.option(fc.nat(3), { nil: undefined });
    const proc = fc.tuple(fc.nat(3), fc.array(count, { minLength: 5, maxLength: 5 })).map(([root, c]): ProfileFunction[] => {
      const ranges: Array<[number, number, number]> = [[0, 100, root]];
      const keep = (x: number | undefined, parent: number): x is number => root > 0 && x !== undefined && x !== parent;
      if (keep(c[0], root) && keep(c[1], root) && c[0] === c[1]) ranges.push([10, 30, c[0]]);
      else {
        if (keep(c[0], root)) ranges.push([10, 20, c[0]]);
        if (keep(c[1], root)) ranges.push([20, 30, c[1]]);
      }
      if (keep(c[2], root)) ranges.push([40, 60, c[2]]);
      if (keep(c[3], keep(c[2], root) ? c[2] : root)) ranges.push([45, 50, c[3]]);
      if (keep(c[4], root)) ranges.push([60, 70, c[4]]);
      return [{ name: 'f', block: true, ranges }];
    });
    const counts = (procs: ProfileFunction[][]) => {
      const c = functionBranchCounts(mergeFunctions(procs.map(fromProfile)));
      return [{ covered: c.functions[0], total: c.functions[1] }, { covered: c.branches[0], total: c.branches[1] }];
    };
    const line = (profiles: ProfileFunction[][]): CoverageLine => ({ type: 'coverage', file: 'f.js', lines: { covered: [], total: 1 }, functions: { covered: 0, total: 0 }, branches: { covered: 0, total: 0 }, profiles });
    let differs = 0;
    fc.assert(
      fc.property(fc.array(proc, { minLength: 2, maxLength: 7 }), fc.nat(), (procs, cut) => {
        const k = 1 + (cut % (procs.length - 1));
        const all = counts(procs);
        // Two shards, each with its processes, and the same processes given in another order.
        const u = unionCoverage([[line(procs.slice(k).reverse())], [line(procs.slice(0, k))]]).coverage[0]!;
        assert.deepEqual([u.functions, u.branches], all);
        // Merging each shard's merge instead is not always the same: why profiles are kept per process.
        const merged = (list: ProfileFunction[][]) => toProfile(mergeFunctions(list.map(fromProfile)));
        if (JSON.stringify(counts([merged(procs.slice(0, k)), merged(procs.slice(k))])) !== JSON.stringify(all)) differs++;
      }),
      { numRuns: 500, seed: 8 },
    );
    assert.ok(differs > 0, 'merged merges would have been inexact somewhere');
  });
});
