// Runners built on node:test's run() API (borp, used across a large web-framework ecosystem; custom
// scripts): our reporter composed onto run()'s stream gives the same report as `node --test`, with
// per-test coverage on every test, and counts equal to node's own (its TAP reporter on the same stream).
// What makes it work: the reporter module is imported BEFORE run() spawns the test children, and on
// import it sets NODE_OPTIONS=--import=<preload> for them (the same as under --test-reporter).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { NODE, REPO, cleanEnv, copyFixture, runNodeTest, tapCounts } from './helpers/run.js';
import type { Report, TestLine } from '../lib/types.js';

const FILES = ['test/a-add.test.js', 'test/b-remove.test.js', 'test/c-total.test.js', 'test/d-describe.test.js', 'test/e-subtests.test.js'];

/** A runner on run(), as borp wires it: reporters imported first, each composed onto the one stream. */
const RUN_SCRIPT = `
import { run } from 'node:test';
import { tap } from 'node:test/reporters';
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';

const [reporterSpecifier, ...files] = process.argv.slice(2);
const { default: llmReport } = await import(reporterSpecifier); // before run(): the children get our preload
const stream = run({ files });
stream.on('test:fail', () => { process.exitCode = 1; });
const outs = [
  stream.compose(llmReport).pipe(createWriteStream('stream.ndjson')),
  stream.compose(tap).pipe(createWriteStream('tap.txt')),
];
await Promise.all(outs.map((o) => finished(o)));
`;

interface Outcome {
  status: number | null;
  stderr: string;
  report: Report | undefined;
  node: Record<string, number>;
}

function outcome(dir: string, r: { status: number | null; stderr: string }): Outcome {
  const read = (f: string): string => (existsSync(path.join(dir, f)) ? readFileSync(path.join(dir, f), 'utf8') : '');
  const json = read('llm-report/report.json');
  return { status: r.status, stderr: r.stderr, report: json ? (JSON.parse(json) as Report) : undefined, node: tapCounts(read('tap.txt')) };
}

/** What must be the same whichever runner drove node:test: identity, outcome and per-test coverage. */
const essence = (tests: TestLine[]): unknown[] => tests.map((t) => [t.id, t.status, t.file_level ?? false, t.coverage ?? null, t.coverage_inclusive ?? null, t.coverage_shared ?? false]);

const countsOf = (r: Report): Record<string, number> => {
  const s = r.summary;
  return { tests: s.tests, suites: s.suites, passed: s.passed, failed: s.failed, cancelled: s.cancelled, skipped: s.skipped, todo: s.todo };
};

function checkAgainst(got: Outcome, baseline: Report): void {
  assert.ok(got.report, got.stderr);
  assert.equal(got.status, 1, 'the deliberate failure fails the run');
  assert.equal(got.node.tests, 13, 'node ran the whole fixture');
  assert.deepEqual(countsOf(got.report), got.node, "our counts are node's own for the same run");
  assert.equal(got.report.run.coverage_mode, 'test');
  assert.deepEqual(got.report.warnings.filter((w) => w.code.startsWith('LLMR_COVERAGE')), []);
  const ran = got.report.tests.filter((t) => !t.file_level && (t.status === 'passed' || t.status === 'failed'));
  assert.ok(ran.length >= 10);
  // A parent's own lines may not reach the source: its subtests' lines are its inclusive coverage.
  for (const t of ran) assert.ok([...(t.coverage ?? []), ...(t.coverage_inclusive ?? [])].some((c) => c.file === 'src/stock.js' && c.lines.length > 0), `per-test coverage of ${t.name}: ${JSON.stringify(t.coverage)}`);
  assert.deepEqual(essence(got.report.tests), essence(baseline.tests), 'the same tests, outcomes and per-test coverage as node --test');
}

describe('runners built on run() from node:test', () => {
  const baseline = runNodeTest(copyFixture('shards'), { files: FILES });

  it('baseline: node --test with the reporter', () => {
    assert.ok(baseline.report, baseline.stderr);
    assert.deepEqual(countsOf(baseline.report), baseline.nodeCounts);
  });

  it('a script calling run() and composing the installed package onto its stream', () => {
    const dir = copyFixture('shards');
    writeFileSync(path.join(dir, 'run-tests.mjs'), RUN_SCRIPT);
    const r = spawnSync(NODE, ['run-tests.mjs', '@org/llm-report', ...FILES], { cwd: dir, env: cleanEnv(), encoding: 'utf8', timeout: 120_000 });
    checkAgainst(outcome(dir, r), baseline.report!);
  });

  it('the same script with the zero-install single file', () => {
    const dir = copyFixture('shards', { bundle: true });
    writeFileSync(path.join(dir, 'run-tests.mjs'), RUN_SCRIPT);
    const r = spawnSync(NODE, ['run-tests.mjs', './llm-report.mjs', ...FILES], { cwd: dir, env: cleanEnv(), encoding: 'utf8', timeout: 120_000 });
    checkAgainst(outcome(dir, r), baseline.report!);
  });

  it('borp --reporter=./llm-report.mjs:FILE (borp from the registry, a devDependency)', () => {
    const dir = copyFixture('shards', { bundle: true });
    const borp = path.join(REPO, 'node_modules', 'borp', 'borp.js');
    // GITHUB_ACTION would make borp add its own GitHub reporter on stdout: not what is tested here.
    const env = cleanEnv();
    delete env.GITHUB_ACTION;
    const r = spawnSync(NODE, [borp, '--reporter=./llm-report.mjs:stream.ndjson', '--reporter=tap:tap.txt', ...FILES], { cwd: dir, env, encoding: 'utf8', timeout: 120_000 });
    checkAgainst(outcome(dir, r), baseline.report!);
  });
});
