// Where a watch cycle ends, on the event sequences node sends (recorded from real `node --test --watch`
// runs on 20 and 24, see docs/watch.md): the run test:summary on 22+, the next cycle's first event, or,
// on 20 (no test:summary), a quiet spell after the closing diagnostics.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { opensCycle, watchCycles, type CycleItem } from '../reporters/watch-cycles.js';
import type { TestEvent } from '../lib/events/normalize.js';

const pass = (name: string): TestEvent => ({ type: 'test:pass', data: { name, nesting: 0, file: '/p/test/a.test.js', line: 3, column: 1 } });
const closingCounts = (n: number): TestEvent[] => [
  { type: 'test:plan', data: { nesting: 0, count: n } as TestEvent['data'] },
  ...['tests', 'pass', 'fail'].map((k): TestEvent => ({ type: 'test:diagnostic', data: { nesting: 0, message: `${k} ${n}` } })),
];
const summary: TestEvent = { type: 'test:summary', data: { success: true, counts: { tests: 1 } } };
const fileSummary: TestEvent = { type: 'test:summary', data: { file: '/p/test/a.test.js', success: true, counts: { tests: 1 } } };
const drained: TestEvent = { type: 'test:watch:drained' };
const restarted: TestEvent = { type: 'test:watch:restarted' };

/** The items, with events shown by type (and name) and cycle ends as '|'. */
async function split(events: TestEvent[]): Promise<string[]> {
  // node's stream hands events over asynchronously.
  async function* source(): AsyncGenerator<TestEvent> {
    for (const e of events) yield await Promise.resolve(e);
  }
  const out: string[] = [];
  for await (const item of watchCycles(source(), 50) as AsyncGenerator<CycleItem>) out.push('end' in item ? '|' : item.event.data?.name ?? item.event.type);
  return out;
}

describe('watch cycles', () => {
  it('22+: the cycle ends after the run test:summary that follows drained, not after a file summary', async () => {
    const seq = [pass('a'), fileSummary, drained, ...closingCounts(1), summary, restarted, pass('b'), fileSummary, drained, ...closingCounts(1), summary];
    const out = await split(seq);
    assert.deepEqual(out.filter((x) => x === '|').length, 2);
    assert.equal(out.indexOf('|'), out.indexOf('test:summary', out.indexOf('test:watch:drained')) + 1, 'closed right after the run summary');
    assert.equal(out.at(-1), '|');
  });

  it('20: without test:summary the next cycle\'s first event closes the cycle, before that event', async () => {
    const out = await split([pass('a'), drained, ...closingCounts(1), pass('b')]);
    assert.deepEqual(out, ['a', 'test:watch:drained', 'test:plan', 'test:diagnostic', 'test:diagnostic', 'test:diagnostic', '|', 'b']);
  });

  it('20: a quiet spell after the closing counts closes the cycle while node waits for changes', async () => {
    // The next event comes only once the cycle closed (or after 3 s): without the quiet-spell timer, no end in time.
    let closed!: () => void;
    const wasClosed = new Promise<void>((r) => (closed = r));
    async function* source(): AsyncGenerator<TestEvent> {
      yield pass('a');
      yield drained;
      yield* closingCounts(1);
      await Promise.race([wasClosed, new Promise((r) => setTimeout(r, 3000))]);
      yield pass('b');
    }
    const started = Date.now();
    let endAt = 0;
    for await (const item of watchCycles(source(), 50)) {
      if ('end' in item) {
        endAt = Date.now() - started;
        closed();
      }
    }
    assert.ok(endAt > 0 && endAt < 2000, `the cycle closed after ${endAt} ms of quiet`);
  });

  it('a run without watch events is one run: no cycle end at all', async () => {
    const out = await split([pass('a'), ...closingCounts(1), summary]);
    assert.ok(!out.includes('|'));
  });

  it('only test events open a cycle: restarted (24+ sends it for changes that re-run nothing) and closing counts do not', () => {
    assert.equal(opensCycle(restarted), false);
    assert.equal(opensCycle(drained), false);
    assert.equal(opensCycle(summary), false);
    assert.equal(opensCycle(closingCounts(1)[1]!), false);
    assert.equal(opensCycle(pass('x')), true);
    assert.equal(opensCycle({ type: 'test:enqueue', data: { name: 'x', nesting: 0, file: '/p/a.js' } }), true);
  });
});
