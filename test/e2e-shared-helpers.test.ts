// Issue #17: tests declared in shared helper modules (CJS and ESM helpers, a node_modules package,
// describe/it and nested subtests inside a helper) and called from several test files. Every test node
// reports is one record with its own id; the id is the same in every run, at any --test-concurrency, in
// shards, in-process (--test-isolation=none with the in-process entry) and on every Node version (the
// expected table below is the same for all); per-test coverage goes to the right helper-declared test.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync } from 'node:fs';
import path from 'node:path';
import { cleanEnv, copyFixture, countsAsNode, NODE, runNodeTest, type RunResult } from './helpers/run.js';
import { cli, readOutputs, runInto, statuses } from './helpers/aggregate.js';
import { validateReport } from '../lib/generated/validators.js';
import type { Report, SuiteLine, TestLine } from '../lib/types.js';

/** The fixture, with its shared package installed as node_modules/shared-tests (node_modules is not committed). */
function fixture(): string {
  const dir = copyFixture('helpers-shared');
  mkdirSync(path.join(dir, 'node_modules'), { recursive: true });
  renameSync(path.join(dir, 'vendor', 'shared-tests'), path.join(dir, 'node_modules', 'shared-tests'));
  return dir;
}

// Named explicitly: node 20 would also run every .js under test/ and node 22-26 only their default globs.
const FILES = ['test/put.test.cjs', 'test/post.test.cjs', 'test/esm.test.mjs', 'test/pkg.test.mjs', 'test/skipped.test.mjs'];

const run = (dir: string, args: string[] = []): RunResult => runNodeTest(dir, { files: FILES, args });

// Hand-checked from the fixture: [entry file, defining file:line, full name, status], one row per test node reports.
const EXPECTED_TESTS = [
  ['test/esm.test.mjs', 'helpers/esm-a.mjs:6', 'user can be deleted', 'passed'],
  ['test/esm.test.mjs', 'helpers/esm-a.mjs:6', 'user can be deleted', 'passed'],
  ['test/esm.test.mjs', 'helpers/esm-b.mjs:6', 'user can be deleted', 'passed'],
  ['test/esm.test.mjs', 'helpers/payload-a.cjs:7', 'PUT can be created', 'passed'],
  ['test/esm.test.mjs', 'helpers/suite.mjs:10', 'users > nested', 'passed'],
  ['test/esm.test.mjs', 'helpers/suite.mjs:10', 'users > nested', 'passed'],
  ['test/esm.test.mjs', 'helpers/suite.mjs:11', 'users > nested > child', 'passed'],
  ['test/esm.test.mjs', 'helpers/suite.mjs:11', 'users > nested > child', 'passed'],
  ['test/esm.test.mjs', 'helpers/suite.mjs:14', 'users > nested > child', 'passed'],
  ['test/esm.test.mjs', 'helpers/suite.mjs:14', 'users > nested > child', 'passed'],
  ['test/esm.test.mjs', 'helpers/suite.mjs:7', 'users > lists', 'passed'],
  ['test/esm.test.mjs', 'helpers/suite.mjs:7', 'users > lists', 'passed'],
  ['test/pkg.test.mjs', 'node_modules/shared-tests/index.js:6', 'contract: list', 'passed'],
  ['test/pkg.test.mjs', 'node_modules/shared-tests/index.js:6', 'contract: list', 'passed'],
  ['test/pkg.test.mjs', 'node_modules/shared-tests/index.js:6', 'contract: rejects', 'failed'],
  ['test/post.test.cjs', 'helpers/payload-a.cjs:7', 'DELETE can be created', 'skipped'],
  ['test/post.test.cjs', 'helpers/payload-a.cjs:7', 'POST can be created', 'passed'],
  ['test/post.test.cjs', 'helpers/payload-a.cjs:7', 'PUT can be created', 'passed'],
  ['test/post.test.cjs', 'helpers/payload-b.cjs:7', 'PUT can be created', 'passed'],
  ['test/put.test.cjs', 'helpers/payload-a.cjs:7', 'GET can be created', 'passed'],
  ['test/put.test.cjs', 'helpers/payload-a.cjs:7', 'GET can be created', 'passed'],
  ['test/put.test.cjs', 'helpers/payload-a.cjs:7', 'PUT can be created', 'passed'],
  ['test/put.test.cjs', 'helpers/payload-b.cjs:7', 'PUT can be created', 'passed'],
  ['test/put.test.cjs', 'test/put.test.cjs:7', 'PUT can be created', 'passed'],
];
const EXPECTED_SUITES = [
  ['test/esm.test.mjs', 'helpers/suite.mjs:6', 'users', 'passed'],
  ['test/esm.test.mjs', 'helpers/suite.mjs:6', 'users', 'passed'],
  // A test file whose tests all skip (no hooks ran in it): still its own entry file, in every mode.
  ['test/skipped.test.mjs', 'test/skipped.test.mjs:4', 'later', 'skipped'],
];

const fullName = (r: TestLine | SuiteLine): string => [...r.path, r.name].join(' > ');
const rows = (list: Array<TestLine | SuiteLine>): string[][] => list.map((r) => [r.entry_file, `${r.file}:${r.line}`, fullName(r), r.status]).sort((a, b) => (a.join('\0') < b.join('\0') ? -1 : 1));
const sorted = (xs: string[][]): string[][] => [...xs].sort((a, b) => (a.join('\0') < b.join('\0') ? -1 : 1));
const codes = (r: Report): string[] => r.warnings.map((w) => w.code);
/** Every record by id: what it is (entry file, defining place, name path, occurrence, status). */
const identities = (r: Report): Record<string, string> =>
  Object.fromEntries([...r.tests, ...r.suites].map((t) => [t.id, `${t.type} ${t.entry_file} ${t.file}:${t.line}:${t.column} ${fullName(t)} #${t.occurrence} ${t.status}`]));

/** The run is whole: one valid record per test node counted, distinct ids, counts equal node's, no duplicate. */
function checkRun(r: RunResult): Report {
  assert.ok(r.report, `no report.json\n${r.stderr}`);
  const report = r.report;
  assert.ok(validateReport(report), JSON.stringify(validateReport.errors?.[0]));
  assert.equal(r.status, 1, `one contract test fails on purpose\n${r.stderr}`);
  assert.equal(report.tests.length, r.nodeCounts.tests, 'one record per test node counted (its TAP summary)');
  assert.deepEqual(countsAsNode(report), r.nodeCounts);
  if (report.node_counts) {
    for (const [k, v] of Object.entries(report.node_counts)) assert.equal(report.summary[k as keyof Report['summary']], v, `summary.${k} equals node_counts.${k}`);
  }
  const ids = [...report.tests, ...report.suites].map((t) => t.id);
  assert.equal(new Set(ids).size, ids.length, 'ids are distinct');
  assert.deepEqual(codes(report).filter((c) => c === 'LLMR_NDJSON_DUPLICATE' || c === 'LLMR_ENTRY_FILE_GUESSED'), []);
  return report;
}

describe('tests declared in shared helpers (issue #17)', () => {
  let first: Report;
  let again: Report;

  before(() => {
    first = checkRun(run(fixture()));
    again = checkRun(run(fixture()));
  });

  it('every test node reports is its own record, in the test file that ran it, at its defining place', () => {
    assert.deepEqual(rows(first.tests), sorted(EXPECTED_TESTS));
    assert.deepEqual(rows(first.suites), sorted(EXPECTED_SUITES));
    assert.equal(first.summary.files, FILES.length, 'helper modules are not test files');
  });

  it('records with the same name path in one test file are told apart: defining file, then occurrence', () => {
    const puts = first.tests.filter((t) => t.entry_file === 'test/put.test.cjs' && t.name === 'PUT can be created');
    assert.deepEqual(puts.map((t) => [t.file, t.occurrence]).sort(), [
      ['helpers/payload-a.cjs', 1],
      ['helpers/payload-b.cjs', 1],
      ['test/put.test.cjs', 1],
    ]);
    const gets = first.tests.filter((t) => t.entry_file === 'test/put.test.cjs' && t.name === 'GET can be created');
    assert.deepEqual(gets.map((t) => t.occurrence).sort(), [1, 2], 'the loop: same helper, same name, twice');
    assert.equal(new Set([...puts, ...gets].map((t) => t.id)).size, 5);
  });

  it('the same test gets the same id in another run', () => {
    assert.deepEqual(identities(again), identities(first));
  });

  it('the same ids at --test-concurrency=1 and =4', () => {
    const one = checkRun(run(fixture(), ['--test-concurrency=1']));
    const four = checkRun(run(fixture(), ['--test-concurrency=4']));
    assert.deepEqual(identities(one), identities(first));
    assert.deepEqual(identities(four), identities(first));
  });

  it('per-test coverage goes to the helper-declared test that ran it', () => {
    const api = (entry: string, file: string, name: string): unknown =>
      first.tests.find((t) => t.entry_file === entry && t.file === file && t.name === name)?.coverage?.find((c) => c.file === 'src/api.js')?.lines;
    // payload-a's test calls create() (lines 2-4), payload-b's validate() (5-8), the test file's own list() (12-14).
    assert.deepEqual(api('test/put.test.cjs', 'helpers/payload-a.cjs', 'PUT can be created'), [[2, 4]]);
    assert.deepEqual(api('test/put.test.cjs', 'helpers/payload-b.cjs', 'PUT can be created'), [[5, 8]]);
    assert.deepEqual(api('test/put.test.cjs', 'test/put.test.cjs', 'PUT can be created'), [[12, 14]]);
    assert.deepEqual(api('test/post.test.cjs', 'helpers/payload-b.cjs', 'PUT can be created'), [[5, 8]]);
    assert.deepEqual(api('test/esm.test.mjs', 'helpers/esm-b.mjs', 'user can be deleted'), [[5, 8]]);
    const children = first.tests.filter((t) => t.name === 'child').map((t) => [t.line, t.coverage?.find((c) => c.file === 'src/api.js')?.lines]);
    assert.deepEqual(children.sort(), [
      [11, [[2, 4]]],
      [11, [[2, 4]]],
      [14, [[9, 11]]],
      [14, [[9, 11]]],
    ]);
  });

  it('2 shards aggregated have the same records and ids as the unsharded run', () => {
    const dir = fixture();
    const whole = runInto(dir, 'whole', FILES).out.report;
    for (let i = 1; i <= 2; i++) runInto(dir, `ci/shard-${i}`, [`--test-shard=${i}/2`, ...FILES]);
    const r = cli(['aggregate', 'ci', '--out', 'agg'], dir);
    assert.equal(r.status, 1, `the deliberate failure fails the aggregate\n${r.stderr}`);
    const agg = readOutputs(path.join(dir, 'agg')).report;
    assert.deepEqual(statuses(agg), statuses(whole));
    assert.deepEqual(statuses(whole), statuses(first));
    assert.deepEqual(agg.summary, whole.summary);
    assert.ok(!codes(agg).includes('LLMR_AGG_OVERLAP'), agg.warnings.map((w) => w.message).join('\n'));
  });

  // Detected by trying the flag on this node (Node 20 has neither; 22 only the experimental spelling).
  const isolationFlag = ['--test-isolation=none', '--experimental-test-isolation=none'].find(
    (flag) => spawnSync(NODE, [flag, '-e', '0'], { env: cleanEnv(), encoding: 'utf8' }).status === 0,
  );
  it('in one process (--test-isolation=none with the in-process entry): the same ids as per process', { skip: !isolationFlag && 'this node has no --test-isolation=none' }, () => {
    const inProcess = checkRun(run(fixture(), [isolationFlag!, '--import=@org/llm-report/in-process']));
    assert.equal(inProcess.run.isolation, 'none');
    assert.deepEqual(identities(inProcess), identities(first));
  });
});
