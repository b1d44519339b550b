// Leftovers in the temp directory: every CLI call of the zero-install file (even --help) used to leave
// the reporter's work directory with its 50 KB preload.mjs under os.tmpdir(). Now no command, and no
// reporter run (normal end, failing tests, SIGINT, a configuration error, the package merely imported)
// leaves anything there. Each case runs with a private TMPDIR and checks it is empty afterwards.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUNDLE, cleanEnv, copyFixture, NODE, runNodeTest } from '../helpers/run.js';
import { CLI } from '../helpers/evidence.js';
import { waitFor } from '../helpers/faults.js';

const privateTmp = (): string => realpathSync(mkdtempSync(path.join(os.tmpdir(), 'llmr-tmpdir-')));
const left = (tmp: string): string[] => readdirSync(tmp, { recursive: true }).map(String).sort();

describe('nothing is left in the temp directory', () => {
  it('CLI calls, through the single file and the package: --help, fold, verify, render', () => {
    const dir = copyFixture('simple');
    const run = runNodeTest(dir, { files: ['test/cart.test.js'] });
    assert.ok(run.report, run.stderr);
    for (const entry of [BUNDLE, CLI]) {
      for (const args of [['--help'], ['fold', '--help'], ['fold', 'llm-report/results.ndjson', '--out', 'folded'], ['verify', 'llm-report'], ['render', 'llm-report/report.json', '--out', 'rendered'], ['no-such-command']]) {
        const tmp = privateTmp();
        const r = spawnSync(NODE, [entry, ...args], { cwd: dir, env: cleanEnv({ TMPDIR: tmp }), encoding: 'utf8' });
        assert.ok(r.status !== null, `${args.join(' ')}: ${r.stderr}`);
        assert.deepEqual(left(tmp), [], `${path.basename(entry)} ${args.join(' ')} left files in TMPDIR`);
      }
    }
  });

  for (const [what, reporter] of [['the package', '@org/llm-report'], ['the single file', './llm-report.mjs']] as const) {
    it(`reporter runs (${what}): passing and failing tests, a configuration error`, () => {
      const dir = copyFixture('simple', { bundle: reporter !== '@org/llm-report' });
      writeFileSync(path.join(dir, 'test', 'fails.test.js'), "import { test } from 'node:test';\ntest('fails', () => { throw new Error('no'); });\n");
      let tmp = privateTmp();
      const ok = runNodeTest(dir, { reporter, env: { TMPDIR: tmp }, files: ['test/cart.test.js'] });
      assert.ok(ok.report, ok.stderr);
      assert.deepEqual(left(tmp), [], 'a passing run');
      tmp = privateTmp();
      const failing = runNodeTest(dir, { reporter, env: { TMPDIR: tmp }, files: ['test/cart.test.js', 'test/fails.test.js'] });
      assert.equal(failing.report?.run.status, 'failed', failing.stderr);
      assert.deepEqual(left(tmp), [], 'a failing run');
      tmp = privateTmp();
      writeFileSync(path.join(dir, 'llm-report.config.json'), '{"ouput_dir": "x"}');
      const bad = runNodeTest(dir, { reporter, env: { TMPDIR: tmp }, files: ['test/cart.test.js'] });
      assert.match(bad.stderr + bad.stream, /ouput_dir/);
      assert.deepEqual(left(tmp), [], 'a configuration error');
    });
  }

  it('the package imported by a script that runs no tests', () => {
    const dir = copyFixture('simple');
    const tmp = privateTmp();
    const r = spawnSync(NODE, ['--input-type=module', '-e', "const m = await import('@org/llm-report'); if (typeof m.default !== 'function') process.exit(3);"], { cwd: dir, env: cleanEnv({ TMPDIR: tmp }), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(left(tmp), []);
  });

  it('a run stopped with SIGINT', async () => {
    const dir = copyFixture('slow');
    const tmp = privateTmp();
    const child = spawn(NODE, ['--test', '--test-reporter=@org/llm-report', '--test-reporter-destination=stream.ndjson'], { cwd: dir, env: cleanEnv({ TMPDIR: tmp }), stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('close', resolve));
    const stream = path.join(dir, 'stream.ndjson');
    // Mid-run: the first test reported, the slow one still running (its work dir in use).
    assert.ok(await waitFor(() => existsSync(stream) && readFileSync(stream, 'utf8').includes('"type":"test"'), 60_000), 'the run started');
    assert.notDeepEqual(left(tmp), [], 'the work dir exists while the run goes');
    child.kill('SIGINT');
    await exited;
    assert.match(readFileSync(path.join(dir, 'llm-report', 'report.json'), 'utf8'), /"aborted"/);
    assert.deepEqual(left(tmp), []);
  });
});
