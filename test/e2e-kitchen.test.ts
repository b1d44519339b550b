// The kitchen-sink fixture through real `node --test`: every outcome node can produce, checked line by
// line, and our counts against node's own TAP summary from the same run.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { copyFixture, countsAsNode, parseLines, runNodeTest, type RunResult } from './helpers/run.js';
import { validateLine, validateReport } from '../lib/generated/validators.js';
import type { TestLine, SuiteLine } from '../lib/types.js';

describe('kitchen fixture (installed package)', () => {
  let run: RunResult;
  const test = (name: string, path?: string[]): TestLine => {
    const found = run.report!.tests.filter((t) => t.name === name && (!path || JSON.stringify(t.path) === JSON.stringify(path)));
    assert.equal(found.length, 1, `exactly one test named ${JSON.stringify(name)} under ${JSON.stringify(path)}; got ${found.length}`);
    return found[0]!;
  };
  const suite = (name: string): SuiteLine => {
    const found = run.report!.suites.find((s) => s.name === name);
    assert.ok(found, `suite ${name}`);
    return found;
  };

  before(() => {
    run = runNodeTest(copyFixture('kitchen'));
    assert.ok(run.report, `report.json written; stderr: ${run.stderr}`);
  });

  it('counts equal node\'s own summary', () => {
    assert.ok(run.nodeCounts.tests! > 20, `tap summary parsed: ${JSON.stringify(run.nodeCounts)}`);
    assert.deepEqual(countsAsNode(run.report!), run.nodeCounts);
  });

  it('every streamed line and report.json validate against the schemas', () => {
    const lines = run.stream.split('\n').filter(Boolean);
    assert.ok(lines.length > 30);
    for (const l of lines) assert.ok(validateLine(JSON.parse(l)), `${l.slice(0, 200)}: ${JSON.stringify(validateLine.errors)}`);
    for (const l of run.results.split('\n').filter(Boolean)) assert.ok(validateLine(JSON.parse(l)), l.slice(0, 200));
    assert.ok(validateReport(run.report), JSON.stringify(validateReport.errors));
  });

  it('streams canonical JSON: sorted keys, no spaces, run_start first, run_end last', () => {
    const lines = run.stream.split('\n').filter(Boolean);
    assert.equal(JSON.parse(lines[0]!).type, 'run_start');
    assert.equal(JSON.parse(lines.at(-1)!).type, 'run_end');
    for (const l of lines) {
      const keys = Object.keys(JSON.parse(l));
      assert.deepEqual(keys, [...keys].sort());
      assert.ok(!l.includes('": '), 'no spaces after colons');
    }
    assert.ok(run.stream.endsWith('\n'));
  });

  it('records failures with kind, actual/expected and a repo-relative location', () => {
    const t = test('fails with actual/expected');
    assert.equal(t.status, 'failed');
    assert.equal(t.failure?.kind, 'assertion');
    assert.equal(t.failure?.error_name, 'AssertionError');
    assert.match(t.failure.actual!, /b: \[\s*1,\s*2\s*\]/);
    assert.match(t.failure.expected!, /b: \[\s*1,\s*3\s*\]/);
    assert.deepEqual(t.failure?.location, { file: 'test/basic.test.js', line: 14, column: 14 });
    assert.deepEqual(t.path, ['math', 'nested']);
    assert.ok(!run.results.includes(run.dir), 'no absolute paths of the project in results.ndjson');
  });

  it('a thrown non-Error keeps its value', () => {
    const t = test('throws a non-Error');
    assert.equal(t.status, 'failed');
    assert.equal(t.failure?.kind, 'error');
    assert.equal(t.failure?.message, 'a plain string');
  });

  it('skip, todo, timeout and subtests map to node\'s outcomes', () => {
    assert.equal(test('skipped one').status, 'skipped');
    assert.equal(test('skipped one').skip_reason, 'not today');
    assert.equal(test('todo one').status, 'todo');
    const wip = test('todo with body that fails');
    assert.equal(wip.status, 'todo');
    assert.equal(wip.todo_reason, 'wip');
    const timeout = test('times out');
    assert.equal(timeout.status, 'cancelled');
    assert.equal(timeout.failure?.kind, 'timeout');
    const parent = test('parent with subtests');
    assert.equal(parent.status, 'failed');
    assert.equal(parent.failure?.kind, 'subtests');
    assert.equal(test('child ok', ['parent with subtests']).status, 'passed');
    assert.equal(test('child fails', ['parent with subtests']).nesting, 1);
  });

  it('hook failures: before cancels, beforeEach fails the test, after fails the suite only', () => {
    assert.equal(suite('before fails').failure?.kind, 'hook');
    assert.equal(test('t1').status, 'cancelled');
    assert.equal(test('t2').failure?.kind, 'cancelled');
    assert.equal(test('t3').status, 'passed');
    assert.equal(suite('after fails').status, 'failed');
    assert.equal(suite('after fails').failure?.kind, 'hook');
    assert.match(suite('after fails').failure!.message, /after boom/);
    assert.equal(test('t4').failure?.kind, 'hook');
    // A suite failing only because a child failed carries no failure of its own (no double counting).
    assert.equal(suite('nested').status, 'failed');
    assert.equal(suite('nested').failure, undefined);
  });

  it('same names, loops and odd names get distinct stable ids', () => {
    const adds = run.report!.tests.filter((t) => t.name === 'adds');
    assert.equal(adds.length, 2);
    assert.notEqual(adds[0]!.id, adds[1]!.id);
    const loop0 = run.report!.tests.filter((t) => t.name === 'loop 0');
    assert.deepEqual(loop0.map((t) => t.occurrence), [1, 2]);
    assert.equal(loop0[0]!.line, loop0[1]!.line);
    assert.notEqual(loop0[0]!.id, loop0[1]!.id);
    const ids = run.report!.tests.map((t) => t.id);
    assert.equal(new Set(ids).size, ids.length, 'ids unique');
    assert.equal(test('unicode ✓ 日本語 ü').status, 'passed');
    assert.equal(test('<script>window.__pwned=1</script>').status, 'passed');
    assert.equal(test('x'.repeat(300)).name.length, 300);
    assert.equal(test('c1', ['concurrent']).status, 'passed');
    assert.equal(test('c2', ['concurrent']).status, 'passed');
  });

  it('tests running concurrently in one process get no attributed lines, only a mark and a warning', () => {
    assert.equal(test('c1', ['concurrent']).coverage_shared, true);
    assert.equal(test('c1', ['concurrent']).coverage, undefined);
    assert.equal(test('c2', ['concurrent']).coverage_shared, true);
    assert.deepEqual(test('adds', ['math']).coverage, [{ file: 'src/math.js', lines: [[2, 3]] }]);
    assert.ok(run.report!.warnings.some((w) => w.code === 'LLMR_COVERAGE_SHARED'));
  });

  it('file load failures are file-level failures with the error', () => {
    const syntax = run.report!.files.find((f) => f.file === 'test/syntax.test.js');
    assert.equal(syntax?.status, 'failed');
    assert.equal(syntax?.failure?.kind, 'file');
    assert.match(syntax.failure.message, /SyntaxError/);
    const lvl = run.report!.tests.find((t) => t.file_level && t.file === 'test/syntax.test.js');
    assert.equal(lvl?.status, 'failed');
    const imp = run.report!.files.find((f) => f.file === 'test/throwing-import.test.js');
    assert.equal(imp?.status, 'failed');
    assert.match(imp.failure!.message, /import-time failure/);
  });

  it('process.exit() and SIGKILL mid-file: finished tests keep their status, the rest are incomplete', () => {
    const exitFile = run.report!.files.find((f) => f.file === 'test/exit.test.js');
    assert.equal(exitFile?.status, 'incomplete');
    assert.equal(test('before exit').status, 'passed');
    assert.equal(test('calls exit').status, 'incomplete');
    const killed = run.report!.files.find((f) => f.file === 'test/killed.test.js');
    assert.equal(killed?.status, 'incomplete');
    assert.equal(test('before kill').status, 'passed');
    assert.equal(test('kills itself').status, 'incomplete');
    assert.equal(test('kills itself').failure?.kind, 'incomplete');
    assert.equal(run.report!.run.status, 'incomplete');
    assert.equal(run.report!.run.complete, true);
    assert.ok(run.report!.warnings.some((w) => w.code === 'LLMR_TEST_INCOMPLETE' && w.file === 'test/killed.test.js'));
    assert.notEqual(run.status, 0, 'the run is not a pass');
  });

  it('results.ndjson is sorted by file, position and name path', () => {
    const lines = parseLines(run.results);
    const recs = lines.filter((l): l is TestLine | SuiteLine => l.type === 'test' || l.type === 'suite');
    const keys = recs.map((r) => [r.entry_file, r.file, String(r.line).padStart(6, '0'), String(r.column).padStart(6, '0')].join('|'));
    assert.deepEqual(keys, [...keys].sort());
    assert.equal(lines[0]!.type, 'run_start');
    assert.equal(lines.at(-1)!.type, 'run_end');
  });
});
