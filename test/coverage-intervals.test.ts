// Per-test intervals added up (lib/coverage/intervals.ts) against V8's whole-process profile: real V8
// takes of the branch-parity fixture's code, taken in this process through the inspector, compared
// with one take of the same calls (what c8 gets). Plus the constructs reduced to their ranges.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from 'node:inspector';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { addTakes, normalized, wholeProcess } from '../lib/coverage/intervals.js';
import { mergeFunctions } from '../lib/coverage/merge.js';
import type { V8Function } from '../lib/coverage/v8-lines.js';
import { REPO } from './helpers/run.js';
import { generateFunctions } from './helpers/generated-functions.js';

const FIXTURE = path.join(REPO, 'test', 'fixtures', 'branch-parity', 'src', 'parity.js');
const shape = (fns: V8Function[]): string[] =>
  fns
    .filter((f) => f.isBlockCoverage)
    .map((f) => `${f.functionName}@${f.ranges.map((r) => `${r.startOffset}-${r.endOffset}:${r.count}`).join(' ')}`)
    .sort();

function post<T>(s: Session, method: string, params?: object): T {
  let out: unknown;
  let failed: Error | undefined;
  // The in-process inspector answers synchronously.
  s.post(method, params ?? {}, (e, r) => {
    failed = e ?? undefined;
    out = r;
  });
  if (failed) throw new Error(`${method}: ${String(failed.message)}`);
  return out as T;
}

type Calls = (m: Record<string, (...a: unknown[]) => unknown>) => void;

/** The fixture's functions called in groups: one take per group, and one take of all groups at once. */
async function takes(groups: Calls[], file = FIXTURE): Promise<{ intervals: V8Function[][]; whole: V8Function[] }> {
  const url = pathToFileURL(file).href;
  const s = new Session();
  s.connect();
  post(s, 'Profiler.enable');
  post(s, 'Profiler.startPreciseCoverage', { callCount: true, detailed: true });
  try {
    // A fresh module instance each time (a query makes another URL), so earlier runs do not count.
    const load = async (): Promise<{ m: Record<string, (...a: unknown[]) => unknown>; u: string }> => {
      const u = `${url}?${Math.random()}`;
      return { m: (await import(u)) as Record<string, (...a: unknown[]) => unknown>, u };
    };
    const mine = (u: string): V8Function[] => post<{ result: Array<{ url: string; functions: V8Function[] }> }>(s, 'Profiler.takePreciseCoverage').result.find((r) => r.url === u)?.functions ?? [];
    post(s, 'Profiler.takePreciseCoverage');
    const a = await load();
    const intervals = [mine(a.u)];
    for (const g of groups) {
      g(a.m);
      intervals.push(mine(a.u));
    }
    post(s, 'Profiler.takePreciseCoverage');
    const b = await load();
    for (const g of groups) g(b.m);
    const whole = mine(b.u);
    return { intervals: intervals.filter((l) => l.length > 0), whole };
  } finally {
    post(s, 'Profiler.stopPreciseCoverage');
    s.disconnect();
  }
}

const source = readFileSync(FIXTURE, 'utf8');

describe('per-test intervals added up give V8\'s whole-process profile', () => {
  // Each case: the calls of each "test"; the whole process makes the same calls in one interval.
  const cases: Array<[string, Calls[]]> = [
    ['a then-block and its continuation: equal in one test (fused), apart in another', [(m) => m.guard!(1), (m) => m.guard!(-1), (m) => m.guard!(2)]],
    ['a chain of continuations between ifs, never apart in any single test', [(m) => m.chain!(0), (m) => m.chain!(5), (m) => m.chain!(5)]],
    ['else if: the inner then-block shares the else range\'s end', [(m) => m.elseIf!(1), (m) => m.elseIf!(2), (m) => m.elseIf!(3)]],
    ['a nested block whose parent is dropped in one test and fused with the next block', [(m) => m.nested!(null), (m) => m.nested!('x'), (m) => m.nested!('/a')]],
    ['a loop body fused with the continuation before it', [(m) => m.loop!(3), (m) => m.loop!(0), (m) => m.loop!(1)]],
    [
      'a then-block that returns fused with the rest of its parent block',
      [
        (m) => {
          m.findIndex!([1, 2], 2);
          m.findIndex!([1, 2], 1);
        },
        (m) => m.findIndex!([1, 2], 2),
        (m) => m.findIndex!([1], 5),
      ],
    ],
    // Constructs of find-my-way's index.js and lib/constrainer.js (per-test takes that no range edge decides; the source does).
    [
      'a then-statement without braces fused with its else',
      [
        (m) => {
          m.slot!(0, 1);
          m.slot!(1, 1);
        },
        (m) => m.slot!(0, 2),
        (m) => {
          m.slot!(0, 3);
          m.slot!(5, 3);
        },
      ],
    ],
    ['a loop body no test shows apart from the statement before it', [(m) => m.firstStep!([1, 2], -1), (m) => m.firstStep!([1], 0)]],
    ['an else branch fused with the code after the if, at the end of the function', [(m) => m.register!({ x: [] }, 'x'), (m) => m.register!({}, '')]],
    ['a brace in a string before a loop body', [(m) => m.derive!(['a', 'b']), (m) => m.derive!([])]],
    ['a continuation in a try block ends at the catch range', [(m) => m.attempt!(3), (m) => m.attempt!(0)]],
    ['a then-statement without braces fused with the code after it', [(m) => m.bump!(3, 5), (m) => m.bump!(-1, 1)]],
    ['a case clause that falls through, ending with a loop', [(m) => m.kind!(2), (m) => m.kind!(1)]],
    // Constructs of fastify's lib/route.js, lib/schema-controller.js and lib/handle-request.js.
    ['an optional chain inside an operand, both ranges ending together', [(m) => m.bodyless!('GET', null), (m) => m.bodyless!('GET', { body: 1 }), (m) => m.bodyless!('POST', null)]],
    ['two links of one optional chain fused in one take', [(m) => m.chained!({ compilers: {} }), (m) => m.chained!({ compilers: null }), (m) => m.chained!(null)]],
    ['computed and call links of optional chains, one on a line of its own', [(m) => m.links!(null), (m) => m.links!({}), (m) => m.links!({ f: null }), (m) => (m.links!({ f: null }), m.links!({}))]],
    ['a then-block fused with the code after its if, holding a continuation fused past its brace', [(m) => m.handle!('GET'), (m) => m.handle!('POST'), (m) => m.handle!('POST')]],
  ];
  // Raw against raw: the sum with V8's passes replayed is what V8 itself reports for the whole process
  // (what NODE_V8_COVERAGE writes, so what c8 merges), range for range, before any normalization.
  for (const [name, groups] of cases) {
    it(name, async () => {
      const { intervals, whole } = await takes(groups);
      assert.ok(intervals.length >= 2, 'several intervals');
      const guessed = new Set<string>();
      const summed = wholeProcess(addTakes(intervals, source, guessed));
      assert.deepEqual(shape(summed).map(zeroes), shape(whole).map(zeroes));
      // Decided by the takes and the source, not guessed (no LLMR_BRANCHES_RECONSTRUCTED for it).
      assert.deepEqual([...guessed], []);
      // And so after c8's normalization too (a then-block with children is not joined with the code after it by V8, but is by c8).
      assert.deepEqual(shape(normalized(summed)).map(zeroes), shape(mergeFunctions([whole])).map(zeroes));
    });
  }

  it('c8\'s merge of the same intervals (range by range) does not give it: the difference these passes remove', async () => {
    const { intervals, whole } = await takes(cases[1]![1]);
    const naive = mergeFunctions(intervals.map((l) => structuredClone(l)));
    assert.notDeepEqual(shape(naive).map(zeroes), shape(mergeFunctions([whole])).map(zeroes));
  });

  it('one interval is returned as V8 gave it (mode file: exactly the whole-process profile)', async () => {
    const { whole } = await takes(cases[1]![1]);
    assert.deepEqual(shape(normalized(wholeProcess(addTakes([structuredClone(whole)], source)))), shape(mergeFunctions([structuredClone(whole)])));
  });
});

describe('generated functions: per-test intervals added up give V8\'s whole-process profile', () => {
  // Code no one wrote by hand, seeded (the same functions every run): every construct the source rules
  // read, in random nestings, called in random groups (one group a test).
  it('every one of 150 functions, raw against raw', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'llmr-generated-'));
    const differing: string[] = [];
    for (const [n, g] of generateFunctions(150, 21).entries()) {
      const file = path.join(dir, `f${n}.mjs`);
      writeFileSync(file, g.source);
      const { intervals, whole } = await takes(
        g.groups.map((calls) => (m) => {
          for (const args of calls) m.f!(...args);
        }),
        file,
      );
      const summed = wholeProcess(addTakes(intervals, g.source));
      if (JSON.stringify(shape(summed).map(zeroes)) !== JSON.stringify(shape(whole).map(zeroes))) differing.push(`${file} ${JSON.stringify(g.groups)}`);
    }
    assert.deepEqual(differing, []);
  });
});

describe('addTakes on ranges alone', () => {
  const fn = (ranges: Array<[number, number, number]>): V8Function => ({ functionName: 'f', isBlockCoverage: true, ranges: ranges.map(([startOffset, endOffset, count]) => ({ startOffset, endOffset, count })) });
  it('a range another take shows in two pieces is cut, and equal pieces fuse again once added up', () => {
    const sum = wholeProcess(addTakes([[fn([[0, 100, 1], [10, 50, 1]])], [fn([[0, 100, 1], [10, 30, 0], [30, 50, 1]])]]));
    // [10,50) is cut at 30; [30,50) adds up to the function's count and is dropped, as V8 drops it.
    assert.deepEqual(sum[0]!.ranges.map((r) => [r.startOffset, r.endOffset, r.count]), [[0, 100, 2], [10, 30, 1]]);
  });
  it('block edges no take decides are counted as guesses (LLMR_BRANCHES_RECONSTRUCTED); the source decides those it can', () => {
    // [10,50) in one take, [30,50) in another, never together: a parent and its child sharing an end, or a
    // block fused with the code after it? Without the source nothing tells.
    const takes = (): V8Function[][] => [[fn([[0, 100, 1], [10, 50, 0]])], [fn([[0, 100, 1], [30, 50, 0]])]];
    const unknown = new Set<string>();
    const kept = wholeProcess(addTakes(takes(), undefined, unknown));
    assert.deepEqual([...unknown], ['10:50:30']);
    assert.deepEqual(kept[0]!.ranges.map((r) => [r.startOffset, r.endOffset]), [[0, 100], [10, 50], [30, 50]], 'taken as parent and child');
    // The same ranges over text where [10,30) is a block whose brace closes at 29: a block fused with the next.
    const text = ' '.repeat(10) + '{' + ' '.repeat(18) + '}' + ' '.repeat(70);
    const decided = new Set<string>();
    const cut = wholeProcess(addTakes(takes(), text, decided));
    assert.deepEqual([...decided], []);
    assert.deepEqual(cut[0]!.ranges.map((r) => [r.startOffset, r.endOffset]), [[0, 100], [10, 30], [30, 50]], 'cut where the block closes');
  });
  it('a function not compiled in one take (no block coverage) keeps the blocks of the takes that ran it', () => {
    const lazy: V8Function = { functionName: 'f', isBlockCoverage: false, ranges: [{ startOffset: 0, endOffset: 100, count: 0 }] };
    const sum = wholeProcess(addTakes([[lazy], [fn([[0, 100, 2], [10, 20, 0]])]]));
    assert.equal(sum[0]!.isBlockCoverage, true);
    assert.deepEqual(sum[0]!.ranges.map((r) => [r.startOffset, r.endOffset, r.count]), [[0, 100, 2], [10, 20, 0]]);
  });
});

/** Counts that differ between runs do not matter to c8's totals; zero or not does. */
function zeroes(s: string): string {
  return s.replace(/:(\d+)/g, (_m, c: string) => (c === '0' ? ':0' : ':+'));
}
