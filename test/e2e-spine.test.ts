// Determinism, zero-install, unwritable output and config errors, each through a real `node --test`.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { copyFixture, parseLines, runNodeTest } from './helpers/run.js';
import { canonicalJson, stripVolatile } from '../lib/report/canonical.js';

// The invocation (argv) is what differs between these runs on purpose; everything else must not.
const canonical = (text: string): string =>
  parseLines(text)
    .map((l) => canonicalJson(stripVolatile(l.type === 'run_start' ? { ...l, argv: [] } : l)))
    .join('\n');

/** Equal, or fail naming the first differing line (not a 30 KB dump). */
function sameLines(actual: string, expected: string, what: string): void {
  const a = actual.split('\n');
  const e = expected.split('\n');
  const i = a.findIndex((l, k) => l !== e[k]);
  assert.ok(i === -1 && a.length === e.length, `${what}: first difference at line ${i + 1}:\n  ${a[i]?.slice(0, 400)}\n  ${e[i]?.slice(0, 400)}`);
}

describe('determinism', () => {
  it('same fixture with --test-concurrency=1, =4 and twice gives identical results.ndjson and report content', () => {
    const runs = [
      runNodeTest(copyFixture('kitchen'), { args: ['--test-concurrency=1'] }),
      runNodeTest(copyFixture('kitchen'), { args: ['--test-concurrency=4'] }),
      runNodeTest(copyFixture('kitchen'), { args: ['--test-concurrency=4'] }),
    ];
    const [first, ...rest] = runs.map((r) => canonical(r.results));
    assert.ok(first!.length > 1000);
    for (const other of rest) sameLines(other, first!, 'results.ndjson');
    const reports = runs.map((r) => canonicalJson(stripVolatile({ ...r.report!, run: { ...r.report!.run, argv: [] } })));
    for (const other of reports.slice(1)) sameLines(other, reports[0]!, 'report.json');
    // Volatile fields are only the documented ones: the rest of each line is byte-identical too.
    assert.ok(runs.every((r) => r.results.endsWith('\n') && !r.results.includes('\r')));
    // The preload follows tests from node's Test.run(): its frame (in the run's temp dir) is no part of a test's stack.
    const stacks = runs.flatMap((r) => r.report!.tests.flatMap((t) => (t.failure?.stack ? [t.failure.stack] : [])));
    assert.ok(stacks.length >= 3, 'the kitchen fixture has failures with stacks');
    assert.deepEqual(stacks.filter((st) => /\.llm-report|preload|tap-tests|llm-report-/.test(st)), []);
  });

  it('SOURCE_DATE_EPOCH fixes the timestamps', () => {
    const r = runNodeTest(copyFixture('simple'), { env: { SOURCE_DATE_EPOCH: '1700000000' } });
    assert.equal(r.report?.run.started_at, '2023-11-14T22:13:20.000Z');
    assert.equal(r.report?.run.ended_at, '2023-11-14T22:13:20.000Z');
  });
});

describe('zero-install bundle', () => {
  it('dist/llm-report.mjs copied alone next to a project without node_modules gives the same report', () => {
    const bundled = runNodeTest(copyFixture('simple', { bundle: true }), { reporter: './llm-report.mjs' });
    assert.ok(!existsSync(path.join(bundled.dir, 'node_modules')), 'no node_modules');
    const installed = runNodeTest(copyFixture('simple'));
    assert.ok(bundled.report, bundled.stderr);
    sameLines(canonical(bundled.results), canonical(installed.results).replace('"--test-reporter=@org/llm-report"', '"--test-reporter=./llm-report.mjs"'), 'bundle vs installed');
    assert.equal(bundled.report.summary.tests, 11);
    assert.equal(bundled.report.summary.passed, 9);
  });
});

describe('bad output directory and config', () => {
  it('an unwritable output directory is a clear error, and the NDJSON stream is still complete', () => {
    const dir = copyFixture('simple');
    writeFileSync(path.join(dir, 'llm-report.config.json'), JSON.stringify({ output_dir: 'locked/out' }));
    writeFileSync(path.join(dir, 'locked'), 'a file where a directory should be');
    chmodSync(path.join(dir, 'locked'), 0o444);
    const r = runNodeTest(dir);
    assert.match(r.stderr, /llm-report: LLMR_OUTPUT_UNWRITABLE: .*locked\/out/);
    assert.notEqual(r.status, 0);
    const lines = parseLines(r.stream);
    assert.equal(lines.at(-1)?.type, 'run_end');
    assert.equal(lines.filter((l) => l.type === 'test').length, 11);
  });

  it('an unknown config key fails the run with a suggestion', () => {
    const dir = copyFixture('simple');
    writeFileSync(path.join(dir, 'llm-report.config.json'), JSON.stringify({ ouput_dir: 'x' }));
    const r = runNodeTest(dir);
    assert.notEqual(r.status, 0);
    assert.match(r.stderr + r.stream, /unknown option "ouput_dir" \(did you mean "output_dir"\?\)/);
  });
});

describe('signals and terminals', () => {
  it('SIGINT to node --test: finished tests kept, the running one incomplete, run_end aborted with the signal', async () => {
    const { spawn } = await import('node:child_process');
    const { readFileSync } = await import('node:fs');
    const { cleanEnv, NODE } = await import('./helpers/run.js');
    const dir = copyFixture('slow');
    const child = spawn(NODE, ['--test', '--test-reporter=@org/llm-report', '--test-reporter-destination=stream.ndjson'], { cwd: dir, env: cleanEnv(), stdio: 'ignore' });
    // Wait until the slow test has started (its sibling file and first test are done), then interrupt.
    const journal = path.join(dir, 'llm-report', 'journal.ndjson');
    for (let i = 0; i < 200 && !(existsSync(journal) && readFileSync(journal, 'utf8').includes('"name":"quick"')); i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 300));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('exit', (c) => r(c)));
    assert.notEqual(code, 0);
    const report = JSON.parse(readFileSync(path.join(dir, 'llm-report', 'report.json'), 'utf8'));
    assert.equal(report.run.status, 'aborted');
    assert.equal(report.run.signal, 'SIGINT');
    const status = Object.fromEntries(report.tests.map((t: { name: string; status: string }) => [t.name, t.status]));
    assert.equal(status.quick, 'passed');
    assert.equal(status.slow, 'incomplete');
    const lines = parseLines(readFileSync(journal, 'utf8'));
    assert.equal(lines.at(-1)?.type, 'run_end', 'the journal ends with the aborted end record');
  });

  it('on an interactive terminal the destination gets the human view, not JSON', { skip: !existsSync('/usr/bin/script') && 'needs script(1) for a pty' }, async () => {
    const { spawnSync } = await import('node:child_process');
    const { cleanEnv, NODE } = await import('./helpers/run.js');
    const dir = copyFixture('simple');
    const r = spawnSync('/usr/bin/script', ['-qec', `${NODE} --test --test-reporter=@org/llm-report`, '/dev/null'], { cwd: dir, env: cleanEnv(), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout);
    assert.match(r.stdout, /PASSED {2}11 tests, 9 passed, 0 failed, 0 cancelled, 1 skipped, 1 todo/);
    assert.match(r.stdout, /report: llm-report\/report\.json/);
    assert.doesNotMatch(r.stdout, /"type":"run_start"/);
    assert.ok(existsSync(path.join(dir, 'llm-report', 'report.json')));
  });
});

describe('redaction', () => {
  it('fake secrets from the environment, output, errors and names reach no file and not the stream', async () => {
    const { readdirSync, readFileSync } = await import('node:fs');
    const secret = 'canary-Zq8v1X4mN7pL2wR9';
    const dir = copyFixture('secrets');
    const r = runNodeTest(dir, { env: { ACME_SERVICE_TOKEN: secret } });
    assert.ok(r.report, r.stderr);
    const texts = [r.stream, r.stdout, r.stderr, ...readdirSync(path.join(dir, 'llm-report')).map((f) => readFileSync(path.join(dir, 'llm-report', f), 'utf8'))];
    for (const leak of [secret, 'hunter2-canary', 'ghp_0123456789abcdefghijklmnopqrstuvwxyzAB', 'c2lnbmF0dXJlLWNhbmFyeS1zaWc']) {
      for (const t of texts) assert.ok(!t.includes(leak), `${leak} leaked`);
    }
    // Redacted, not dropped: the captured output is there with markers, on the test that wrote it.
    const own = r.report.tests.map((t) => t.output?.stdout ?? '').join('');
    assert.match(own, /token from env: \[REDACTED:[a-z-]+\]/);
    assert.match(r.report.tests.map((t) => t.output?.stderr ?? '').join(''), /\[REDACTED:[a-z-]+\]/);
    assert.equal(r.report.tests.length, 3);
    assert.ok(r.report.run.env_names.every((n) => !n.includes(secret)));
  });
});
