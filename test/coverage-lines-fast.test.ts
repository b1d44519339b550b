// The fast paths of the line stages (issue #16: per-test coverage at c8's cost) give exactly what the
// plain definitions give: sourceLines scans instead of splitting with a look-behind and runs the hint
// expressions only on lines that name "ignore"; unionRanges merges ranges instead of expanding them;
// toRanges skips the set and the sort for lines already in order. Checked against the definitions
// (v8-to-istanbul's line split, the union of expanded line sets) on seeded random inputs.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { random } from './helpers/faults.js';
import { sourceLines } from '../lib/coverage/source-lines.js';
import { fromRanges, toRanges, unionRanges, type LineRange } from '../lib/coverage/ranges.js';

const rng = (seed: number): (() => number) => random(seed).next;

/** The definition: v8-to-istanbul's split after each newline, every hint expression on every line. */
function referenceLines(source: string): { starts: number[]; ends: number[]; ignored: number[]; eof: number } {
  const text = source.trimEnd();
  const starts: number[] = [];
  const ends: number[] = [];
  const ignored = new Set<number>();
  let pos = 0;
  let count = 0;
  let all = false;
  (text.length === 0 ? [] : text.split(/(?<=\r?\n)/u)).forEach((s, i) => {
    const line = i + 1;
    const nl = /\r?\n$/u.exec(s);
    starts.push(pos);
    ends.push(pos + s.length - (nl ? nl[0].length : 0));
    pos += s.length;
    if (count > 0) {
      ignored.add(line);
      count--;
    } else if (all) ignored.add(line);
    let m: RegExpExecArray | null;
    if ((m = /^\W*\/\* (?:[cv]8|node:coverage) ignore next (\d+)/.exec(s))) {
      ignored.add(line);
      count = Number(m[1]);
    } else if (/^\W*\/\* (?:[cv]8|node:coverage) ignore next/.test(s)) {
      ignored.add(line);
      count = 1;
    } else if (/\/\* (?:[cv]8|node:coverage) ignore next/.test(s)) ignored.add(line);
    else if ((m = /\/\* [cv]8 ignore (start|stop)/.exec(s))) {
      ignored.add(line);
      all = m[1] === 'start';
      count = 0;
    }
  });
  return { starts, ends, ignored: [...ignored].sort((a, b) => a - b), eof: text.length };
}

const PIECES = ['a', 'let x = 1;', ' ', '\t', '\n', '\r\n', '\r', '\n\n', '/* c8 ignore next */', '/* v8 ignore next 2 */', '/* c8 ignore start */', '/* c8 ignore stop */', '  /* node:coverage ignore next */ y();', 'ignore', '// ignore me', '\u{1F600}', '\u2028'];

describe('coverage line stages: fast paths equal the definitions', () => {
  it('sourceLines: starts, ends, ignored lines and eof of 5,000 random sources', () => {
    const rand = rng(16);
    for (let i = 0; i < 5000; i++) {
      let text = '';
      const n = Math.floor(rand() * 40);
      for (let j = 0; j < n; j++) text += PIECES[Math.floor(rand() * PIECES.length)];
      const got = sourceLines(text);
      assert.deepEqual({ starts: got.starts, ends: got.ends, ignored: [...got.ignored].sort((a, b) => a - b), eof: got.eof }, referenceLines(text), JSON.stringify(text));
    }
  });

  it('unionRanges: the union of the expanded line sets, inputs untouched', () => {
    const rand = rng(17);
    for (let i = 0; i < 5000; i++) {
      const sets: LineRange[][] = Array.from({ length: 1 + Math.floor(rand() * 4) }, () =>
        Array.from({ length: Math.floor(rand() * 6) }, (): LineRange => {
          const a = Math.floor(rand() * 30) - 2;
          const r = rand();
          // Mostly whole lines; some inverted and fractional ranges take the line-by-line path.
          return r < 0.04 ? [a, a - 1] : r < 0.06 ? [a + 0.5, a + 2] : [a, a + Math.floor(rand() * 5)];
        }),
      );
      const before = JSON.stringify(sets);
      assert.deepEqual(unionRanges(...sets), toRanges(sets.flatMap((s) => fromRanges(s))), before);
      assert.equal(JSON.stringify(sets), before, 'inputs are not modified');
    }
    assert.deepEqual(unionRanges([[1, 3]], [[4, 6]], [[9, 9]], [[8, 8]]), [[1, 6], [8, 9]], 'adjacent ranges join');
  });

  it('toRanges: lines in order, out of order and repeated give the same ranges', () => {
    assert.deepEqual(toRanges([1, 2, 3, 5, 7, 8]), [[1, 3], [5, 5], [7, 8]]);
    assert.deepEqual(toRanges([8, 7, 5, 3, 2, 1, 2, 5]), [[1, 3], [5, 5], [7, 8]]);
    assert.deepEqual(toRanges(new Set([3, 1, 2])), [[1, 3]]);
    assert.deepEqual(toRanges([]), []);
  });
});
