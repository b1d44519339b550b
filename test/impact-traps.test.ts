// `llm-report affected` and the code a test runs outside its own process's coverage (issue #14 §4): a
// child process (the CLI, `node --test` on a fixture), a worker thread, vm, and data read at run time.
// Each case mutates the fixture in a real git checkout, learns which test files really fail from a full
// `node --test` run, and checks the selection holds them and says why.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runNodeTest } from './helpers/run.js';
import { cliInProcess } from './helpers/evidence.js';
import { failingFiles, gitFixture } from './helpers/git-repo.js';

const TEST_FILES = ['test/cli.test.js', 'test/data.test.js', 'test/other.test.js', 'test/vm.test.js', 'test/worker.test.js'];
const STARTERS = ['test/cli.test.js', 'test/vm.test.js', 'test/worker.test.js'];

interface Answer {
  files: string[];
  all: boolean;
  reasons: Array<{ file: string; why: string; selects: string[] }>;
}

async function affected(dir: string, ...args: string[]): Promise<Answer> {
  const r = await cliInProcess(['affected', '--format', 'json', ...args], dir);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Answer;
}

describe('affected: code run outside the test process', () => {
  let dir: string;
  before(() => {
    dir = gitFixture('impact-spawn', []);
    const r = runNodeTest(dir, { files: TEST_FILES });
    assert.equal(r.report?.summary.failed, 0, r.stderr);
    assert.equal(r.report?.run.git?.dirty, false);
    // The trap: no test's own coverage holds the files the children, the worker and vm ran.
    const covered = new Set(r.report.tests.flatMap((t) => (t.coverage ?? []).map((c) => c.file)));
    for (const f of ['src/calc.js', 'src/work.js', 'src/snippet.js', 'fixtures/pass.test.js']) assert.ok(!covered.has(f), `${f} is in no test's coverage`);
  });

  /** Applies `change`, checks the really failing files are `expected` and all selected, then restores. */
  async function check(file: string, change: (t: string) => string, expected: string[], also?: () => Promise<void>): Promise<Answer> {
    const p = path.join(dir, file);
    const before = readFileSync(p, 'utf8');
    writeFileSync(p, change(before));
    try {
      assert.deepEqual(failingFiles(dir, TEST_FILES), expected, 'the mutation is caught by exactly these test files');
      const a = await affected(dir);
      for (const f of expected) assert.ok(a.files.includes(f), `${f} fails and must be selected; selected: ${a.files.join(', ')}`);
      await also?.();
      return a;
    } finally {
      writeFileSync(p, before);
    }
  }
  const SPAWN_WHY = /child process, worker or vm/;

  it('a module only a child process runs selects the test files that start processes, not the others', async () => {
    const a = await check('src/calc.js', (t) => t.replace('a + b', 'a - b'), ['test/cli.test.js'], async () => {
      const text = await cliInProcess(['affected'], dir);
      assert.doesNotMatch(text.stderr, /nothing to run/);
      assert.match(text.stderr, /src\/calc\.js: may run in a child process, worker or vm/);
    });
    assert.deepEqual(a.files, STARTERS);
    assert.ok(a.reasons.some((r) => r.file === 'src/calc.js' && SPAWN_WHY.test(r.why)));
  });

  it('a worker thread module and a vm snippet select their test files', async () => {
    assert.ok((await check('src/work.js', (t) => t.replace('6 * 7', '6 * 8'), ['test/worker.test.js'])).files.includes('test/worker.test.js'));
    assert.ok((await check('src/snippet.js', (t) => t.replace('3 * 3', '3 * 4'), ['test/vm.test.js'])).files.includes('test/vm.test.js'));
  });

  it('a fixture test file a test runs with node --test selects that test, and is never itself selected', async () => {
    const a = await check('fixtures/pass.test.js', (t) => t.replace('1 + 1, 2', '1 + 1, 3'), ['test/cli.test.js']);
    assert.ok(!a.files.includes('fixtures/pass.test.js'), 'a fixture is not a test file of the suite');
    const all = await affected(dir, '--base', '0123456789abcdef0123456789abcdef01234567');
    assert.deepEqual(all.files, TEST_FILES, 'everything is the suite the run ran, not every file named like a test');
  });

  it('a data file read at run time selects every test file, saying why', async () => {
    const a = await check('data/greeting.txt', () => 'bye\n', ['test/data.test.js']);
    assert.equal(a.all, true);
    assert.match(a.reasons.at(-1)!.why, /outside the coverage map/);
  });

  it('a line tests executed in their own process: those tests, plus the starters', async () => {
    const a = await check('src/other.js', (t) => t.replace('x * 2', 'x * 3'), ['test/other.test.js']);
    assert.deepEqual(a.files, [...STARTERS, 'test/other.test.js'].sort());
    assert.ok(!a.files.includes('test/data.test.js'));
  });
});
