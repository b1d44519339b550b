// `llm-report tests-for`: the reverse of per-test coverage, checked against the coverage fixture's
// hand-checked line sets (test/helpers/coverage-expected.ts) on a real `node --test` run.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cleanEnv, copyFixture, runNodeTest, NODE, REPO } from './helpers/run.js';
import { cliInProcess } from './helpers/evidence.js';
import { CALC_LINES, CALC_UNATTRIBUTED } from './helpers/coverage-expected.js';
import { resolveFile, testsFor } from '../lib/impact/line-index.js';
import type { TestLine } from '../lib/types.js';

interface Answer {
  total: number;
  lines: Array<{ line: number; state: string; tests: string[] }>;
  tests: Array<{ id: string; name: string }>;
  shared: Array<{ id: string }>;
}

/** The expected inverse: line -> names of the tests whose own lines include it. */
function expectedNames(line: number): string[] {
  return CALC_LINES.filter(([, lines]) => lines.includes(line))
    .map(([name]) => name)
    .sort();
}

describe('llm-report tests-for (coverage fixture)', () => {
  let dir: string;
  let source: string[];
  before(() => {
    dir = copyFixture('coverage');
    const r = runNodeTest(dir);
    assert.ok(r.report, `the run wrote report.json: ${r.stderr}`);
    source = readFileSync(path.join(dir, 'src', 'calc.js'), 'utf8').split('\n');
  });

  it('every line of src/calc.js lists exactly the tests that executed it, from results.ndjson and from report.json alone', async () => {
    for (const from of ['llm-report', 'llm-report/report.json']) {
      for (let n = 1; n <= 28; n++) {
        const r = await cliInProcess(['tests-for', `src/calc.js:${n}`, '--json', '--from', from], dir);
        const a = JSON.parse(r.stdout) as Answer;
        const want = expectedNames(n);
        assert.deepEqual(a.tests.map((t) => t.name).sort(), want, `${from}: line ${n}`);
        assert.equal(r.status, want.length ? 0 : 1, `${from}: line ${n}: exit status`);
        assert.equal(a.lines[0]!.tests.length, want.length, `${from}: line ${n}: ids on the line`);
      }
    }
  });

  it('says why a line has no test: blank or comment, module top level, never run, past the end', async () => {
    const r = await cliInProcess(['tests-for', 'src/calc.js:1-29', '--json'], dir);
    const a = JSON.parse(r.stdout) as Answer;
    const state = (n: number): string => a.lines.find((l) => l.line === n)!.state;
    // c8's line model: a declaration line is covered by the module's range even when the function never runs.
    for (const n of CALC_UNATTRIBUTED) {
      const text = source[n - 1]!.trim();
      const want = text === '' || text.startsWith('//') ? 'not_executable' : text.includes('never called') || text === '}' ? 'not_covered' : 'outside_tests';
      assert.equal(state(n), want, `line ${n} (${text})`);
    }
    for (const n of [3, 13, 21, 25]) assert.equal(state(n), 'not_executable', `blank line ${n}`);
    assert.equal(state(29), 'beyond_end');
    assert.equal(a.total, 28);
  });

  it('a whole file lists every test that ran any of its lines; an ending of the path is enough', async () => {
    const r = await cliInProcess(['tests-for', 'calc.js'], dir);
    assert.equal(r.status, 0, r.stderr);
    for (const [name] of CALC_LINES) assert.match(r.stdout, new RegExp(`> ${name}$|  ${name}$`, 'm'), name);
    assert.match(r.stdout, new RegExp(`^${CALC_LINES.length} tests executed lines of this file`, 'm'));
  });

  it('unknown file, bad range, unreadable run: clear message and documented exit status', async () => {
    const none = await cliInProcess(['tests-for', 'src/nope.js:3'], dir);
    assert.equal(none.status, 3);
    assert.match(none.stderr, /no such file in the run .*src\/calc\.js/);
    const bad = await cliInProcess(['tests-for', 'src/calc.js:9-3'], dir);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /LINE-LINE/);
    const missing = await cliInProcess(['tests-for', 'src/calc.js:3', '--from', 'no-such-dir'], dir);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read no-such-dir/);
    const uncovered = await cliInProcess(['tests-for', 'src/calc.js:27'], dir);
    assert.equal(uncovered.status, 1);
    assert.match(uncovered.stdout, /line 27: not covered/);
  });

  it('the real binary prints the same answer', () => {
    const r = spawnSync(NODE, [path.join(REPO, 'dist', 'lib', 'cli', 'main.js'), 'tests-for', 'src/calc.js:9'], { cwd: dir, env: cleanEnv(), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^1 test executed this line:$/m);
    assert.match(r.stdout, /throws on zero/);
  });
});

describe('line index units', () => {
  const t = (id: string, lines: Array<[number, number]>, extra: Partial<TestLine> = {}): TestLine =>
    ({ type: 'test', id, file: 't.js', entry_file: 't.js', line: 1, column: 1, name: id, path: [], nesting: 0, occurrence: 1, status: 'passed', duration_ms: 0, attempt: 0, coverage: [{ file: 'a.js', lines }], ...extra });

  it('tests that ran concurrently are listed apart, never claimed', () => {
    const r = testsFor([t('x', [[1, 3]]), t('y', [], { coverage: undefined, coverage_shared: true })], { total: 5 }, 'a.js', 2, 2);
    assert.deepEqual(r.tests.map((x) => x.id), ['x']);
    assert.deepEqual(r.shared.map((x) => x.id), ['y']);
  });

  it('resolves a unique path ending, refuses an ambiguous one', () => {
    assert.deepEqual(resolveFile('b.js', ['src/a/b.js', 'src/c.js']), { file: 'src/a/b.js' });
    assert.deepEqual(resolveFile('b.js', ['src/a/b.js', 'lib/b.js']), { candidates: ['src/a/b.js', 'lib/b.js'] });
    assert.deepEqual(resolveFile('./src/c.js', ['src/c.js']), { file: 'src/c.js' });
    assert.deepEqual(resolveFile('c.js', ['src/abc.js']), { candidates: [] }, 'only at a path boundary');
  });
});
