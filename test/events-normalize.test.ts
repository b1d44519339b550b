// lib/events in-process, on node's real event stream: the kitchen fixture runs under `node --test` with
// a tiny capturing reporter (every event, errors kept with all their own fields) and with node's TAP
// reporter; the captured events are then replayed here through EventNormalizer, and what it makes of
// them is checked against node's own TAP summary and against the fixture's source. The capture is
// taken live (events differ across Node versions), never committed.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import { promisify } from 'node:util';
import { EventNormalizer, type NormalizeOptions, type TestEvent } from '../lib/events/normalize.js';
import { cleanStack, projectLocation, toFailure, type FailureContext } from '../lib/events/failure.js';
import { parseChildJournal, reconcile, type ChildRecord } from '../lib/events/child-journal.js';
import { fullName, testId } from '../lib/events/identity.js';
import { cleanEnv, FIXTURES, NODE } from './helpers/run.js';
import type { SuiteLine, TestLine } from '../lib/types.js';

type Rec = TestLine | SuiteLine;

// The capturing reporter. v8.serialize alone would drop an Error's own fields (failureType, cause's
// actual/expected, code), which are what the normalizer reads, so errors are flattened to marked plain
// objects first and revived as Errors on replay.
const CAPTURE = `
import { writeFileSync } from 'node:fs';
import v8 from 'node:v8';
function plain(v, seen = new Map()) {
  if (v === null || typeof v !== 'object') return v;
  if (seen.has(v)) return seen.get(v);
  const o = v instanceof Error ? { __error: true } : Array.isArray(v) ? [] : {};
  seen.set(v, o);
  if (v instanceof Error) for (const k of ['name', 'message', 'stack', 'cause']) if (k in v) o[k] = plain(v[k], seen);
  for (const k of Object.keys(v)) o[k] = plain(v[k], seen);
  return o;
}
export default async function* capture(source) {
  const events = [];
  for await (const e of source) events.push(plain({ type: e.type, data: e.data }));
  writeFileSync(process.env.CAPTURE_OUT, v8.serialize(events));
  yield '';
}
`;

function revive(v: unknown): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(revive);
  const o: Record<string, unknown> = {};
  for (const [k, x] of Object.entries(v)) o[k] = revive(x);
  if (o.__error !== true) return o;
  const e = new Error(String(o.message));
  const { __error: _marker, name, stack, ...rest } = o;
  Object.defineProperty(e, 'stack', { value: stack, writable: true, configurable: true });
  if (typeof name === 'string') Object.defineProperty(e, 'name', { value: name, writable: true, configurable: true });
  return Object.assign(e, rest);
}

interface Capture {
  root: string;
  events: TestEvent[];
  tap: Record<string, number>;
}

const run = promisify(execFile);

/** One live run of the kitchen fixture: captured events plus node's TAP summary of the same run. */
async function capture(): Promise<Capture> {
  const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'llmr-capture-')));
  const project = path.join(root, 'kitchen');
  cpSync(path.join(FIXTURES, 'kitchen'), project, { recursive: true });
  const reporter = path.join(root, 'capture.mjs');
  writeFileSync(reporter, CAPTURE);
  const out = path.join(root, 'events.bin');
  const tapFile = path.join(root, 'tap.txt');
  const args = ['--test', `--test-reporter=${reporter}`, '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tapFile}`];
  // The kitchen fails on purpose: a non-zero exit is expected.
  await run(NODE, args, { cwd: project, env: cleanEnv({ CAPTURE_OUT: out }), timeout: 60_000 }).catch((err: { code?: unknown }) => assert.equal(err.code, 1));
  const tap: Record<string, number> = {};
  for (const m of readFileSync(tapFile, 'utf8').matchAll(/^# (tests|suites|pass|fail|cancelled|skipped|todo) (\d+)$/gm)) tap[m[1]!] = Number(m[2]);
  const events = (v8.deserialize(readFileSync(out)) as unknown[]).map(revive) as TestEvent[];
  return { root: project, events, tap };
}

function options(root: string, extra: Partial<NormalizeOptions> = {}): NormalizeOptions {
  return { root, redact: (t) => t, stackFrames: 5, maxChars: 8192, stderrTail: 4096, captureOutput: false, outputCap: 1 << 20, ...extra };
}

function replay(c: Capture, extra: Partial<NormalizeOptions> = {}): { n: EventNormalizer; recs: Rec[] } {
  const n = new EventNormalizer(options(c.root, extra));
  const recs = [...c.events.flatMap((e) => n.push(e)), ...n.end()];
  return { n, recs };
}

/** 1-based line of the first source line of `file` (kitchen-relative) containing `needle`. */
function sourceLine(c: Capture, file: string, needle: string): number {
  const i = readFileSync(path.join(c.root, file), 'utf8').split('\n').findIndex((l) => l.includes(needle));
  assert.ok(i >= 0, `${needle} in ${file}`);
  return i + 1;
}

const find = (recs: Rec[], full: string, file = 'test/basic.test.js'): Rec => {
  const hit = recs.filter((r) => r.entry_file === file && fullName(r.path, r.name) === full);
  assert.equal(hit.length, 1, `exactly one record for ${file} ${full}`);
  return hit[0]!;
};

describe('EventNormalizer on a live capture of the kitchen fixture', () => {
  let a: Capture;
  let b: Capture;
  before(async () => {
    // Two independent runs (ids must not depend on timing, concurrency or the temp dir).
    [a, b] = await Promise.all([capture(), capture()]);
  });

  it('counts per status equal node\'s own TAP summary of the same run', () => {
    const { n, recs } = replay(a);
    const tests = recs.filter((r): r is TestLine => r.type === 'test');
    const count = (s: string): number => tests.filter((t) => t.status === s).length;
    assert.ok(a.tap.tests !== undefined && a.tap.tests > 20, 'the TAP summary was read');
    assert.deepEqual(
      { tests: tests.length, suites: recs.filter((r) => r.type === 'suite').length, pass: count('passed'), fail: count('failed'), cancelled: count('cancelled'), skipped: count('skipped'), todo: count('todo') },
      a.tap,
    );
    // The counts node itself announced in the stream (test:summary, or the closing diagnostics on Node 20).
    assert.deepEqual(n.nodeCounts, { tests: a.tap.tests, suites: a.tap.suites, passed: a.tap.pass, failed: a.tap.fail, cancelled: a.tap.cancelled, skipped: a.tap.skipped, todo: a.tap.todo });
    assert.deepEqual(n.warnings, []);
    assert.equal(n.interrupted, false);
  });

  it('ids are unique, the same on a second replay and on a second live run', () => {
    const first = replay(a).recs;
    const again = replay(a).recs;
    assert.deepEqual(again.map((r) => r.id), first.map((r) => r.id));
    assert.equal(new Set(first.map((r) => r.id)).size, first.length, 'no two records share an id');
    const key = (r: Rec): string => JSON.stringify([r.type, r.entry_file, ...r.path, r.name, r.occurrence]);
    const byKey = (recs: Rec[]): Map<string, string> => new Map(recs.map((r) => [key(r), r.id]));
    assert.deepEqual(byKey(replay(b).recs), byKey(first));
    // The id is the documented hash of (kind, entry file, path, name, occurrence, and the defining file when it is not the entry file).
    for (const r of first) assert.equal(r.id, testId(r.type, r.entry_file, r.path, r.name, r.occurrence, r.file));
    const loops = first.filter((r) => r.name === 'loop 0');
    assert.deepEqual(loops.map((r) => r.occurrence), [1, 2], 'a repeated name is told apart by occurrence');
  });

  it('records sit where the fixture declares them, with their suite path', () => {
    const { recs } = replay(a);
    const divides = find(recs, 'math > nested > divides');
    assert.deepEqual([divides.type, divides.status, divides.nesting, divides.file], ['test', 'passed', 2, 'test/basic.test.js']);
    assert.equal(divides.line, sourceLine(a, 'test/basic.test.js', "it('divides'"));
    assert.ok(divides.column > 0);
    const nested = find(recs, 'math > nested');
    assert.equal(nested.type, 'suite');
    assert.equal(nested.line, sourceLine(a, 'test/basic.test.js', "describe('nested'"));
    assert.equal(nested.status, 'failed');
    assert.equal(nested.failure, undefined, 'a suite failed only by its children has no failure of its own');
    // Names with markup and unicode are kept verbatim (escaping is the renderers' job).
    assert.equal(find(recs, '<script>window.__pwned=1</script>').status, 'passed');
    assert.equal(find(recs, 'unicode ✓ 日本語 ü').status, 'passed');
    assert.equal(find(recs, 'x'.repeat(300)).name.length, 300);
  });

  it('failure details: assertion with actual/expected and location, non-Error throw, skip/todo reasons, timeout', () => {
    const { recs } = replay(a);
    const deep = find(recs, 'math > nested > fails with actual/expected');
    assert.equal(deep.status, 'failed');
    const f = deep.failure!;
    assert.equal(f.kind, 'assertion');
    assert.equal(f.error_name, 'AssertionError');
    assert.equal(f.code, 'ERR_ASSERTION');
    assert.equal(f.operator, 'deepStrictEqual');
    assert.match(f.message, /deep-equal/);
    assert.match(f.actual!, /b: \[\s*1,\s*2\s*\]/);
    assert.match(f.expected!, /b: \[\s*1,\s*3\s*\]/);
    assert.deepEqual(f.location, { file: 'test/basic.test.js', line: sourceLine(a, 'test/basic.test.js', 'assert.deepEqual('), column: f.location?.column });
    assert.ok(!f.stack!.includes(a.root), 'stack paths are repo-relative');
    assert.doesNotMatch(f.stack!, /\(node:/, 'no node-internal frames');

    const plain = find(recs, 'throws a non-Error').failure!;
    assert.equal(plain.kind, 'error');
    assert.equal(plain.message, 'a plain string');

    const child = find(recs, 'parent with subtests > child fails');
    assert.equal(child.failure?.kind, 'assertion');
    assert.equal(child.failure?.location?.line, sourceLine(a, 'test/basic.test.js', 'assert.equal(1, 2)'));
    const parent = find(recs, 'parent with subtests');
    assert.equal(parent.failure?.kind, 'subtests', 'a test (not a suite) keeps its subtests failure');
    assert.equal(parent.failure?.stack, undefined, "node's own stack for subtests failures is dropped");

    assert.equal(find(recs, 'math > nested > skipped one').skip_reason, 'not today');
    const todo = find(recs, 'math > nested > todo with body that fails');
    assert.deepEqual([todo.status, todo.todo_reason, todo.failure?.message], ['todo', 'wip', 'not done']);
    assert.equal(find(recs, 'math > nested > todo one').status, 'todo');

    const timeout = find(recs, 'times out');
    assert.equal(timeout.status, 'cancelled');
    assert.equal(timeout.failure?.kind, 'timeout');
    assert.match(timeout.failure.message, /timed out after 50ms/);
  });

  it('hook failures: the suite carries the hook error; its tests are cancelled or failed as node counts them', () => {
    const { recs } = replay(a);
    const f = 'test/hooks.test.js';
    const suite = find(recs, 'before fails', f);
    assert.equal(suite.type, 'suite');
    assert.deepEqual([suite.failure?.kind, suite.failure?.message], ['hook', 'before boom']);
    assert.equal(suite.failure?.location?.line, sourceLine(a, f, "throw new Error('before boom')"));
    for (const t of ['t1', 't2']) assert.deepEqual([find(recs, `before fails > ${t}`, f).status, find(recs, `before fails > ${t}`, f).failure?.kind], ['cancelled', 'cancelled']);
    assert.equal(find(recs, 'after fails > t3', f).status, 'passed');
    assert.equal(find(recs, 'after fails', f).failure?.message, 'after boom');
    const t4 = find(recs, 'beforeEach fails > t4', f);
    assert.deepEqual([t4.status, t4.failure?.kind, t4.failure?.message], ['failed', 'hook', 'beforeEach boom']);
  });

  it('files: run order, outcomes, and a file-level record for the files that failed to load', () => {
    const { n, recs } = replay(a);
    const files = ['basic', 'empty', 'exit', 'hooks', 'killed', 'only', 'syntax', 'throwing-import'].map((x) => `test/${x}.test.js`);
    assert.deepEqual([...n.testFiles].sort(), files);
    assert.equal(n.fileOutcomes.get('test/syntax.test.js')?.passed, false);
    assert.equal(n.fileOutcomes.get('test/basic.test.js')?.passed, false);
    assert.equal(n.fileOutcomes.get('test/empty.test.js')?.passed, true);
    assert.equal(n.fileOutcomes.get('test/only.test.js')?.passed, true);

    const syntax = recs.filter((r) => r.entry_file === 'test/syntax.test.js');
    assert.equal(syntax.length, 1, 'the syntax-error file declares nothing node could run');
    const s = syntax[0] as TestLine;
    assert.deepEqual([s.type, s.status, s.file_level, s.name, s.nesting], ['test', 'failed', true, 'test/syntax.test.js', 0]);
    assert.equal(s.failure?.kind, 'file');
    assert.match(s.failure.message, /--- stderr \(tail\) ---/);
    assert.match(s.failure.message, /SyntaxError/);
    assert.ok(!s.failure.message.includes(a.root), 'stderr tail paths are repo-relative');

    const thrown = recs.find((r) => r.entry_file === 'test/throwing-import.test.js' && (r as TestLine).file_level);
    assert.match(thrown?.failure?.message ?? '', /import-time failure/);
    // Every record node reported is counted, per entry file and full name, for the child journals.
    assert.equal(n.reported.get('test/basic.test.js')?.get('loop 0'), 2);
    assert.equal(n.reported.get('test/hooks.test.js')?.get('before fails > t1'), 1);
    assert.equal(n.reported.get('test/hooks.test.js')?.has('before fails'), false, 'suites are not journal tests');
  });

  it('output capture: stderr per file, capped to the tail, stdout only when capture_output is on', () => {
    const off = replay(a, { stderrTail: 64 }).n;
    const tail = off.output.get('test/syntax.test.js');
    assert.ok(tail && tail.stderr.length <= 64 && tail.truncated);
    assert.match(tail.stderr, /\S/);
    assert.equal(tail.stdout, '');
    const on = replay(a, { captureOutput: true, outputCap: 1 << 20 }).n;
    const full = on.output.get('test/syntax.test.js')!;
    assert.equal(full.truncated, false);
    assert.ok(full.stderr.endsWith(tail.stderr), 'the cap keeps the end, where the fatal error is');
    assert.match(full.stderr, /SyntaxError/);
    assert.ok(!full.stderr.includes(a.root));
  });

  it('a process that died mid-run: the journal recovers what node lost and marks the rest incomplete', () => {
    const { recs, n } = replay(a);
    // exit.test.js called process.exit(0): node lost its buffered results and reported only the file.
    assert.deepEqual(recs.filter((r) => r.entry_file === 'test/exit.test.js').map((r) => r.name), ['test/exit.test.js']);
    const exitFile = path.join(a.root, 'test/exit.test.js');
    const rec = (r: ChildRecord): string => JSON.stringify(r) + '\n';
    const text =
      rec({ k: 'start', f: exitFile, n: 'before exit', fn: 'before exit' }) +
      rec({ k: 'end', f: exitFile, n: 'before exit', fn: 'before exit', p: true }) +
      rec({ k: 'start', f: exitFile, n: 'calls exit', fn: 'calls exit' }) +
      rec({ k: 'exit', f: exitFile, c: 0 }) +
      '{"k":"end","f":"' + exitFile.slice(0, 5); // torn by the exit
    const parsed = parseChildJournal(text, 'child-1.ndjson');
    assert.equal(parsed.journal.records.length, 4);
    assert.equal(parsed.warnings.length, 1);
    assert.equal(parsed.warnings[0]!.code, 'LLMR_CHILD_JOURNAL_UNREADABLE');
    assert.match(parsed.warnings[0]!.message, /^child-1\.ndjson:5: /);

    const r = reconcile([parsed.journal], n.reported, { root: a.root, redact: (t) => t, maxChars: 100 });
    assert.deepEqual(r.tests.map((t) => [t.name, t.status, t.recovered, t.entry_file]), [
      ['before exit', 'passed', 'child_journal', 'test/exit.test.js'],
      ['calls exit', 'incomplete', 'child_journal', 'test/exit.test.js'],
    ]);
    assert.equal(r.tests[1]!.failure?.kind, 'incomplete');
    assert.match(r.tests[1]!.failure.message, /exited with code 0/);
    assert.deepEqual([...r.exitedEarly], ['test/exit.test.js']);
    assert.deepEqual(r.warnings.map((w) => w.code).sort(), ['LLMR_FILE_EXITED_EARLY', 'LLMR_RESULT_RECOVERED', 'LLMR_TEST_INCOMPLETE']);
    assert.equal(r.warnings.find((w) => w.code === 'LLMR_TEST_INCOMPLETE')?.test_id, r.tests[1]!.id);
  });

  it('a recovered test gets the id node\'s report would have given it (n-th start pairs with n-th report)', () => {
    const { recs, n } = replay(a);
    const basic = path.join(a.root, 'test/basic.test.js');
    const loops = recs.filter((r) => r.entry_file === 'test/basic.test.js' && r.name === 'loop 0');
    const childFails = find(recs, 'parent with subtests > child fails');
    // Pretend node lost the second "loop 0" and "child fails": the journal still has both.
    const reported = new Map(n.reported);
    const names = new Map(reported.get('test/basic.test.js'));
    names.set('loop 0', 1);
    names.delete('parent with subtests > child fails');
    reported.set('test/basic.test.js', names);
    const records: ChildRecord[] = [
      // Out of order: interleaved starts and ends of concurrent tests, ends before the next start.
      { k: 'start', f: basic, n: 'loop 0', fn: 'loop 0' },
      { k: 'start', f: basic, n: 'child fails', fn: 'parent with subtests > child fails' },
      { k: 'end', f: basic, n: 'loop 0', fn: 'loop 0', p: true },
      { k: 'start', f: basic, n: 'loop 0', fn: 'loop 0' },
      { k: 'end', f: basic, n: 'child fails', fn: 'parent with subtests > child fails', p: false, m: 'x'.repeat(50) },
      { k: 'end', f: basic, n: 'loop 0', fn: 'loop 0', p: true },
      // An end without a start (its start was torn away) recovers nothing.
      { k: 'end', f: basic, n: 'ghost', fn: 'ghost', p: true },
    ];
    const r = reconcile([{ source: 'j', records }], reported, { root: a.root, redact: (t) => t.replace('xxx', '[R]'), maxChars: 20 });
    const byName = new Map(r.tests.map((t) => [t.name, t]));
    assert.deepEqual([...byName.keys()].sort(), ['child fails', 'loop 0']);
    assert.equal(byName.get('loop 0')!.occurrence, 2);
    assert.equal(byName.get('loop 0')!.id, loops[1]!.id, 'same id as node reported for the second "loop 0"');
    const cf = byName.get('child fails')!;
    assert.equal(cf.id, childFails.id);
    assert.deepEqual(cf.path, ['parent with subtests']);
    assert.equal(cf.nesting, 1);
    assert.equal(cf.status, 'failed');
    assert.ok(cf.failure!.message.startsWith('[R]'), 'redacted');
    assert.match(cf.failure!.message, /truncated 30 chars/, 'capped');
    assert.match(r.warnings.find((w) => w.code === 'LLMR_RESULT_RECOVERED')!.message, /the process was killed/);
  });
});

describe('EventNormalizer edge cases (synthetic events)', () => {
  const ROOT = '/project';
  const n = (): EventNormalizer => new EventNormalizer(options(ROOT));

  it('a test:start deeper than its parent is kept, with a warning; trailing diagnostics attach to the test', () => {
    const x = n();
    const out = [
      ...x.push({ type: 'test:start', data: { name: 'deep', nesting: 2, file: '/project/t.js', line: 4, column: 3 } }),
      ...x.push({ type: 'test:pass', data: { name: 'deep', nesting: 2, file: '/project/t.js', line: 4, column: 3, details: { duration_ms: 1.23456 } } }),
      ...x.push({ type: 'test:diagnostic', data: { message: 'note A', nesting: 2, file: '/project/t.js', line: 4, column: 3 } }),
      ...x.push({ type: 'test:diagnostic', data: { message: 'elsewhere', nesting: 0, file: '/project/t.js', line: 1, column: 1 } }),
      ...x.push({ type: 'test:interrupted', data: {} }),
      ...x.end(),
    ] as TestLine[];
    assert.equal(out.length, 1);
    assert.deepEqual(out[0]!.path, ['', '']);
    assert.equal(out[0]!.duration_ms, 1.235);
    assert.deepEqual(out[0]!.diagnostics, ['note A']);
    assert.deepEqual(x.fileDiagnostics.get('t.js'), ['elsewhere']);
    assert.deepEqual(x.warnings.map((w) => w.code), ['LLMR_EVENT_UNEXPECTED']);
    assert.equal(x.interrupted, true);
  });

  it('test:summary of the run sets node counts; per-file summaries do not; tags, retries and expectFailure are kept', () => {
    const x = n();
    x.push({ type: 'test:summary', data: { file: '/project/t.js', counts: { tests: 99 } } });
    assert.equal(x.nodeCounts, undefined);
    x.push({ type: 'test:summary', data: { counts: { tests: 1, passed: 1, failed: 0 }, success: true } });
    assert.deepEqual(x.nodeCounts, { tests: 1, passed: 1, failed: 0 });
    x.push({ type: 'test:pass', data: { name: 't', nesting: 0, file: '/project/t.js', line: 2, column: 1, tags: ['b', 'a'], expectFailure: true, details: { attempt: 2, passed_on_attempt: 2 } } });
    const [t] = x.end() as TestLine[];
    assert.deepEqual([t!.tags, t!.expect_failure, t!.attempt, t!.passed_on_attempt], [['a', 'b'], true, 2, 2]);
  });

  it('a file-less diagnostic inside a file block belongs to that file (Node 20 errors after the tests ended)', () => {
    const x = n();
    x.push({ type: 'test:pass', data: { name: 't', nesting: 0, file: '/project/a.js', line: 2, column: 1 } });
    x.push({ type: 'test:diagnostic', data: { message: 'Error: late in /project/a.js', nesting: 0 } });
    x.push({ type: 'test:diagnostic', data: { message: 'tests 1', nesting: 0 } });
    x.push({ type: 'test:diagnostic', data: { message: 'duration_ms 12.5', nesting: 0 } });
    x.end();
    assert.deepEqual(x.fileDiagnostics.get('a.js'), ['Error: late in a.js']);
    assert.deepEqual(x.nodeCounts, { tests: 1 });
  });
});

describe('toFailure and stack helpers', () => {
  const ctx: FailureContext = { root: '/project', redact: (t) => t.replace(/SECRET/g, '[REDACTED]'), stackFrames: 2, maxChars: 40 };

  it('a bare error (isolation=none: no ERR_TEST_FAILURE wrapper) is the cause itself', () => {
    const e = Object.assign(new TypeError('bad SECRET'), { code: 'E_BAD' });
    e.stack = 'TypeError: bad SECRET\n    at f (/project/src/a.js:3:5)\n    at node:internal/x:1:1\n    at g (/project/node_modules/dep/i.js:1:1)\n    at h (/project/test/t.js:9:2)';
    const f = toFailure(e, ctx);
    assert.deepEqual([f.kind, f.message, f.error_name, f.code, f.failure_type], ['error', 'bad [REDACTED]', 'TypeError', 'E_BAD', undefined]);
    assert.deepEqual(f.location, { file: 'src/a.js', line: 3, column: 5 });
    assert.equal(f.stack, 'TypeError: bad [REDACTED]\n    at f (src/a.js:3:5)\n    at g (node_modules/dep/i.js:1:1)', 'internal frames dropped, two frames kept');
  });

  it('wrapper kinds: cancelled and subtests drop the stack; timeout and hook are kinds of their own', () => {
    const wrap = (failureType: string, cause: unknown): unknown => Object.assign(new Error('wrapped'), { failureType, cause, code: 'ERR_TEST_FAILURE' });
    assert.equal(toFailure(wrap('cancelledByParent', 'parent ended'), ctx).kind, 'cancelled');
    assert.equal(toFailure(wrap('cancelledByParent', 'parent ended'), ctx).stack, undefined);
    assert.equal(toFailure(wrap('testAborted', 'aborted'), ctx).kind, 'cancelled');
    assert.equal(toFailure(wrap('testTimeoutFailure', 'slow'), ctx).kind, 'timeout');
    assert.equal(toFailure(wrap('hookFailed', new Error('h')), ctx).kind, 'hook');
    const long = toFailure(wrap('testCodeFailure', { some: 'object', n: [1, 2, 3], deep: { a: { b: 1 } } }), ctx);
    assert.equal(long.error_name, 'Object', 'a thrown plain object is named by its constructor');
    assert.match(long.message, /… \[truncated \d+ chars\]$/);
    const nul = toFailure(wrap('testCodeFailure', null), ctx);
    assert.deepEqual([nul.message, nul.error_name], ['null', 'object']);
    const noCause = toFailure(Object.assign(new Error('x'), { failureType: 'testCodeFailure', cause: undefined }), ctx);
    assert.equal(noCause.message, 'x');
  });

  it('an assertion with non-string actual/expected renders them deterministically (sorted keys)', () => {
    const cause = Object.assign(new Error('m'), { name: 'AssertionError', code: 'ERR_ASSERTION', actual: { b: 1, a: 2 }, expected: undefined, operator: 'deepStrictEqual' });
    const f = toFailure({ failureType: 'testCodeFailure', cause }, { ...ctx, maxChars: 1000 });
    assert.deepEqual([f.kind, f.actual, f.expected, f.operator], ['assertion', '{ a: 2, b: 1 }', 'undefined', 'deepStrictEqual']);
  });

  it('projectLocation skips node_modules and files outside the root, reads file: URLs', () => {
    assert.deepEqual(projectLocation('E\n    at /elsewhere/x.js:1:1\n    at file:///project/node_modules/d/i.js:2:2\n    at y (file:///project/lib/z.js:7:8)', '/project'), { file: 'lib/z.js', line: 7, column: 8 });
    assert.equal(projectLocation('E\n    at node:internal/a:1:1', '/project'), undefined);
    assert.equal(cleanStack('E\n    at a (/project/a.js:1:1)\n    at b (/project/b.js:1:1)\n    at c (/project/c.js:1:1)', ctx).split('\n').length, 3);
  });
});
