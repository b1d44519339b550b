// Which test file ran a test, when node's events do not say (Node 20 and 22 carry no entryFile) and the
// test was declared in a shared helper module: found through the child journals (the chaos fixture of
// the fault suites declares every test that way; this pins the rule on synthetic event streams).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { EventNormalizer, type TestEvent } from '../lib/events/normalize.js';

const ROOT = '/project';
const abs = (f: string): string => path.join(ROOT, f);

function normalizer(ended: Record<string, Record<string, { passed: number; failed: number }>>): EventNormalizer {
  return new EventNormalizer({
    root: ROOT,
    redact: (t) => t,
    stackFrames: 5,
    maxChars: 1000,
    stderrTail: 100,
    captureOutput: false,
    outputCap: 100,
    journalEnded: (entry, full) => ended[entry]?.[full] ?? { passed: 0, failed: 0 },
  });
}

const enqueueWrapper = (f: string): TestEvent => ({ type: 'test:enqueue', data: { name: f, nesting: 0, line: 1, column: 1, file: abs(f) } });
const pass = (name: string, file: string, nesting = 0): TestEvent[] => [
  { type: 'test:start', data: { name, nesting, file: abs(file), line: 3, column: 1 } },
  { type: 'test:pass', data: { name, nesting, file: abs(file), line: 3, column: 1, details: { duration_ms: 1 } } },
];

function feed(n: EventNormalizer, events: TestEvent[]): Array<{ name: string; entry: string; id: string }> {
  const out = [...events.flatMap((e) => n.push(e)), ...n.end()];
  return out.map((r) => ({ name: r.name, entry: r.entry_file, id: r.id }));
}

describe('faults: entry file of tests declared in a shared helper, without entryFile', () => {
  it('each test goes to the test file whose journal ended it, in block order', () => {
    const n = normalizer({ 'test/a.test.js': { h1: { passed: 1, failed: 0 }, h2: { passed: 1, failed: 0 } }, 'test/b.test.js': { h1: { passed: 1, failed: 0 }, h2: { passed: 1, failed: 0 } } });
    const recs = feed(n, [enqueueWrapper('test/a.test.js'), enqueueWrapper('test/b.test.js'), ...pass('h1', 'helper.js'), ...pass('h2', 'helper.js'), ...pass('own', 'test/b.test.js'), ...pass('h1', 'helper.js'), ...pass('h2', 'helper.js')]);
    assert.deepEqual(recs.map((r) => `${r.entry} ${r.name}`), ['test/a.test.js h1', 'test/a.test.js h2', 'test/b.test.js own', 'test/b.test.js h1', 'test/b.test.js h2']);
    assert.equal(new Set(recs.map((r) => r.id)).size, 5, 'distinct ids');
    assert.deepEqual(n.testFiles, ['test/a.test.js', 'test/b.test.js']);
  });

  it('a test in flight in a killed file is not taken for the next file\'s test of the same name', () => {
    // a.test.js was killed while h1 ran: its journal has h1 started, never ended.
    const n = normalizer({ 'test/a.test.js': {}, 'test/b.test.js': { h1: { passed: 1, failed: 0 } } });
    const recs = feed(n, [enqueueWrapper('test/a.test.js'), enqueueWrapper('test/b.test.js'), ...pass('h1', 'helper.js')]);
    assert.deepEqual(recs.map((r) => r.entry), ['test/b.test.js']);
  });

  it('nested under a helper-declared suite: the test places the block, the suite follows it', () => {
    const n = normalizer({ 'test/a.test.js': { 'group > t1': { passed: 1, failed: 0 } } });
    const recs = feed(n, [
      enqueueWrapper('test/a.test.js'),
      { type: 'test:start', data: { name: 'group', nesting: 0, file: abs('helper.js'), line: 2, column: 1 } },
      ...pass('t1', 'helper.js', 1),
      { type: 'test:pass', data: { name: 'group', nesting: 0, file: abs('helper.js'), line: 2, column: 1, details: { duration_ms: 2, type: 'suite' } } },
    ]);
    assert.deepEqual(recs.map((r) => `${r.entry} ${r.name}`), ['test/a.test.js t1', 'test/a.test.js group']);
  });

  it('without journals the test goes to the block it ran in; entryFile on the events decides when present', () => {
    // No journal names it (coverage and journals off, or a skipped test): the file whose block is open.
    const n = normalizer({});
    assert.deepEqual(feed(n, [enqueueWrapper('test/a.test.js'), ...pass('h1', 'helper.js')]).map((r) => r.entry), ['test/a.test.js']);
    const m = normalizer({});
    const withEntry: TestEvent = { type: 'test:pass', data: { name: 'h1', nesting: 0, file: abs('helper.js'), entryFile: abs('test/z.test.js'), line: 3, column: 1 } };
    assert.deepEqual(feed(m, [enqueueWrapper('test/a.test.js'), withEntry]).map((r) => r.entry), ['test/z.test.js']);
  });
});
