// The page script's logic without a browser (issue #14 §6): the index of the data block, filters, sort
// orders, the tree's rows, formatting, and the source view's line sets and reverse index (line -> tests).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fakeReport } from './helpers/fake-report.js';
import { clientData } from '../lib/render/html/data.js';
import type { ClientData, ClientTest } from '../lib/render/html/client.js';
import { count, duration, lineTotal, ranges, searchWords } from '../lib/render/page/format.js';
import { SEP, buildModel, buildRows, defaultFilters, groupText, keysOf, matches, order, type Row } from '../lib/render/page/model.js';
import { ReverseIndex, buildFileIndex, inRanges, lineFlags, lineStates, sourceLines, testCounts, testLines, testsAtLine } from '../lib/render/page/lines.js';
import type { LineRange } from '../lib/types.js';

/** A data block by hand: tests [name, path, file, status, duration, coverage of src/a.js]. */
function data(tests: Array<[string, string[], number, number, number, LineRange[]?]>): ClientData {
  const paths: string[][] = [];
  const pathIdx = (p: string[]): number => {
    const i = paths.findIndex((q) => q.join('/') === p.join('/'));
    return i >= 0 ? i : paths.push(p) - 1;
  };
  return {
    files: [{ f: 'test/a.test.js' }, { f: 'test/b.test.js' }],
    paths,
    tests: tests.map(([name, p, file, status, dur, cov], i): ClientTest => {
      const row: ClientTest = [`id${i}`, name, pathIdx(p), file, i + 1, status, dur];
      if (cov) row.push({ cov: [[0, 1, 1], [1, ...cov.flat()]] });
      return row;
    }),
    suites: [],
    runs: [],
    sf: ['src/z.js', 'src/a.js'],
    src: [],
  };
}

const labels = (rows: Row[], d: ClientData): string[] => rows.map((r) => (r.g !== undefined ? `${'  '.repeat(r.d)}[${r.label}]` : `${'  '.repeat(r.d)}${d.tests[r.t]![1]}`));

describe('page logic: the test list', () => {
  const D = data([
    ['adds', ['math'], 0, 3, 5],
    ['divides', ['math', 'div'], 0, 0, 50],
    ['by zero', ['math', 'div'], 0, 3, 1],
    ['alone', [], 1, 4, 2],
  ]);

  it('indexes groups with counts by status, per file and per suite', () => {
    const m = buildModel(D);
    assert.deepEqual(m.groups.get('0'), { n: 3, c: [1, 0, 0, 2, 0, 0] });
    assert.deepEqual(m.groups.get(`0${SEP}math${SEP}div`), { n: 2, c: [1, 0, 0, 1, 0, 0] });
    assert.deepEqual(m.fileCounts, [3, 1]);
    assert.deepEqual(m.statusCounts, [1, 0, 0, 2, 1, 0]);
    assert.equal(m.byId.get('id2'), 2);
    assert.equal(groupText(m, '0', count), '3 tests · 1 failed');
    assert.deepEqual(keysOf(m, 2), ['0', `0${SEP}math`, `0${SEP}math${SEP}div`]);
  });

  it('builds the tree by file and suite, and collapsed groups hide what is under them', () => {
    const m = buildModel(D);
    const all = buildRows(m, defaultFilters(), new Set());
    assert.equal(all.shown, 4);
    assert.deepEqual(labels(all.rows, D), ['[test/a.test.js]', '  [math]', '    adds', '    [div]', '      divides', '      by zero', '[test/b.test.js]', '  alone']);
    const some = buildRows(m, defaultFilters(), new Set([`0${SEP}math`]));
    assert.deepEqual(labels(some.rows, D), ['[test/a.test.js]', '  [math]', '[test/b.test.js]', '  alone']);
    assert.equal(some.shown, 4, 'hidden tests still count as shown by the filters');
  });

  it('filters by status, file, words (all must match) and requirement', () => {
    const m = buildModel(D);
    const F = defaultFilters();
    F.status[3] = false;
    assert.deepEqual(D.tests.map((_, i) => matches(m, F, i)), [false, true, false, true]);
    const G = { ...defaultFilters(), file: 1 };
    assert.deepEqual(D.tests.map((_, i) => matches(m, G, i)), [false, false, false, true]);
    const W = { ...defaultFilters(), words: searchWords('  DIV   zero ') };
    assert.deepEqual(W.words, ['div', 'zero']);
    assert.deepEqual(D.tests.map((_, i) => matches(m, W, i)), [false, false, true, false]);
    const R = { ...defaultFilters(), req: 'REQ-1' };
    assert.equal(matches(m, R, 0), false);
  });

  it('sorts by name and duration, ties in report order, and lists flat', () => {
    const m = buildModel(D);
    assert.equal(order(m, 'source'), null);
    assert.deepEqual(order(m, 'dur-desc'), [1, 0, 3, 2]);
    assert.deepEqual(order(m, 'dur-asc'), [2, 3, 0, 1]);
    assert.deepEqual(order(m, 'name-asc'), [3, 0, 2, 1]);
    assert.deepEqual(order(m, 'name-desc'), [1, 2, 0, 3]);
    const rows = buildRows(m, { ...defaultFilters(), sort: 'dur-desc' }, new Set());
    assert.deepEqual(rows.rows, [{ t: 1, d: 0 }, { t: 0, d: 0 }, { t: 3, d: 0 }, { t: 2, d: 0 }]);
  });

  it('a subtest group is headed by its parent test row, not a second group row', () => {
    const S = data([['parent', [], 0, 3, 1], ['child', ['parent'], 0, 3, 1]]);
    assert.deepEqual(labels(buildRows(buildModel(S), defaultFilters(), new Set()).rows, S), ['[test/a.test.js]', '  parent', '    child']);
  });

  it('indexes the renderer data of a full report: every test, file and requirement', () => {
    const report = fakeReport({ tests: 200, files: 4 });
    const m = buildModel(clientData(report));
    assert.equal(m.byId.size, report.tests.length);
    assert.equal(m.fileCounts.reduce((a, b) => a + b, 0), report.tests.length);
    assert.deepEqual(m.requirements, [...new Set(report.tests.flatMap((t) => t.requirements ?? []))].sort());
    assert.equal(buildRows(m, defaultFilters(), new Set()).shown, report.tests.length);
  });

  it('the data block carries each test\'s line sets compactly and they expand back exactly', () => {
    const report = fakeReport({ tests: 50, files: 2 });
    const d = clientData(report);
    report.tests.forEach((t, i) => {
      assert.deepEqual(testLines(d.tests[i], d.sf), t.coverage ?? [], `coverage of ${t.name}`);
      assert.deepEqual(testLines(d.tests[i], d.sf, true), t.coverage_inclusive ?? []);
    });
    assert.equal(new Set(d.sf).size, d.sf.length, 'each source file named once');
  });

  it('formats counts, durations and ranges', () => {
    assert.equal(count(1234567), '1,234,567');
    assert.deepEqual([0, 0.5, 12.4, 1500, 125000].map(duration), ['0 ms', '0.50 ms', '12 ms', '1.50 s', '2 min 5 s']);
    assert.equal(duration(undefined), '');
    assert.equal(ranges([[1, 3], [5, 5]]), '1-3, 5');
    assert.equal(lineTotal([[1, 3], [5, 5]]), 4);
  });
});

describe('page logic: line sets and the reverse index', () => {
  it('splits a source into lines; a final newline starts no line', () => {
    assert.deepEqual(sourceLines('a\nb\n'), ['a', 'b']);
    assert.deepEqual(sourceLines('a\n\nb'), ['a', '', 'b']);
    assert.deepEqual(sourceLines(''), []);
  });

  it('tests membership in run-length ranges by binary search, and flags lines up to the file length', () => {
    const r: LineRange[] = [[2, 4], [7, 7], [10, 20]];
    assert.deepEqual([1, 2, 4, 5, 7, 8, 10, 20, 21].map((l) => inRanges(r, l)), [false, true, true, false, true, false, true, true, false]);
    assert.deepEqual([...lineFlags(r, 8)], [0, 0, 1, 1, 1, 0, 0, 1, 0]);
  });

  it('lists the tests that executed a line, in report order, and counts tests per line', () => {
    const D = data([
      ['a', [], 0, 3, 1, [[1, 2], [5, 5]]],
      ['b', [], 0, 3, 1],
      ['c', [], 0, 0, 1, [[2, 6]]],
      ['d', [], 1, 3, 1, [[9, 9]]],
    ]);
    const ix = buildFileIndex(D.tests, D.sf, 'src/a.js');
    assert.deepEqual(ix.tests, [0, 2, 3]);
    assert.deepEqual([1, 2, 3, 5, 7, 9].map((l) => testsAtLine(ix, l)), [[0], [0, 2], [2], [0, 2], [], [3]]);
    assert.deepEqual([...testCounts(ix, 8)], [0, 1, 2, 1, 1, 2, 1, 0, 0], 'lines past the file end are left out');
    assert.deepEqual(buildFileIndex(D.tests, D.sf, 'src/none.js').tests, []);
    const rev = new ReverseIndex(D.tests, D.sf);
    assert.equal(rev.of('src/a.js'), rev.of('src/a.js'), 'built once per file');
    assert.deepEqual(testsAtLine(rev.of('src/z.js'), 1), [0, 2, 3]);
  });

  it('agrees with a brute-force reverse of random per-test line sets', () => {
    let seed = 7;
    const rnd = (n: number): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) % n);
    const tests: Array<[string, string[], number, number, number, LineRange[]]> = [];
    for (let i = 0; i < 60; i++) {
      const rs: LineRange[] = [];
      let at = 1 + rnd(5);
      while (at < 100) { const len = rnd(6); rs.push([at, at + len]); at += len + 2 + rnd(10); }
      tests.push([`t${i}`, [], 0, 3, 1, rs]);
    }
    const D = data(tests);
    const ix = buildFileIndex(D.tests, D.sf, 'src/a.js');
    const counts = testCounts(ix, 110);
    for (let line = 1; line <= 110; line++) {
      const want = tests.flatMap((t, i) => (t[5].some(([a, b]) => a <= line && line <= b) ? [i] : []));
      assert.deepEqual(testsAtLine(ix, line), want, `line ${line}`);
      assert.equal(counts[line], want.length, `count of line ${line}`);
    }
  });

  it('states each line: executed by a test or the run, not executed, or unknown beyond what the run measured', () => {
    const counts = new Uint32Array([0, 1, 0, 0, 0, 0]);
    assert.deepEqual(lineStates({ c: [[1, 1], [3, 3]], n: 4 }, counts, 5).slice(1), ['covered', 'uncovered', 'covered', 'uncovered', 'unknown']);
    assert.deepEqual(lineStates(undefined, counts, 3).slice(1), ['covered', 'unknown', 'unknown']);
  });
});
