// The coverage stages (source lines, V8 ranges -> lines, source maps, merge, journal -> whole-run
// totals, lcov/istanbul export) fed with REAL V8 coverage of small modules, checked against
// v8-to-istanbul (what c8 uses) run on the very same profiles, and against hand-checked lines.
// Profiles are taken in a child process (NODE_V8_COVERAGE): a take in this process would reset the
// counters our own reporter is measuring this file with.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import v8toIstanbul from 'v8-to-istanbul';
import { cleanEnv } from './helpers/run.js';
import { sourceLines } from '../lib/coverage/source-lines.js';
import { coveredLines, coveredOriginalLines, toOriginalProfile, type V8Function } from '../lib/coverage/v8-lines.js';
import { rangeMap, readMapUrl, sourceMappingUrl } from '../lib/coverage/source-map.js';
import { mergeFunctions, functionBranchCounts } from '../lib/coverage/merge.js';
import { countLines, fromRanges, toRanges, unionRanges } from '../lib/coverage/ranges.js';
import { coverageLines, lineRatio, ratio } from '../lib/coverage/summary.js';
import { toIstanbul, toLcov } from '../lib/coverage/export.js';
import { JournalIndex } from '../lib/coverage/journal-index.js';
import { toProfile } from '../lib/coverage/profile.js';
import { parseChildJournal, type ChildRecord } from '../lib/events/child-journal.js';

const CALC = `export function sign(x) {
  if (x < 0) {
    return -1;
  }
  return x === 0 ? 0 : 1;
}

export function unused() {
  return 'never';
}

// never runs
if (globalThis.neverSet) {
  console.log('skip');
}
`;

/** Runs `main` (ESM text) in a fresh node with NODE_V8_COVERAGE; returns the V8 functions of `file`. */
function profile(dir: string, file: string, main: string): V8Function[] {
  const covDir = mkdtempSync(path.join(dir, 'v8-'));
  const entry = path.join(dir, `main-${path.basename(covDir)}.mjs`);
  writeFileSync(entry, main);
  const r = spawnSync(process.execPath, [entry], { cwd: dir, env: cleanEnv({ NODE_V8_COVERAGE: covDir }), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const url = pathToFileURL(file).href;
  for (const f of readdirSync(covDir)) {
    const data = JSON.parse(readFileSync(path.join(covDir, f), 'utf8')) as { result: Array<{ url: string; functions: V8Function[] }> };
    const hit = data.result.find((s) => s.url === url);
    if (hit) return hit.functions;
  }
  throw new Error(`no coverage for ${url}`);
}

interface Istanbul {
  statementMap: Record<string, { start: { line: number } }>;
  s: Record<string, number>;
  f: Record<string, number>;
  b: Record<string, number[]>;
}

/** v8-to-istanbul's view of the same profile: covered lines, line total, functions and branches. */
async function reference(file: string, source: string, functions: V8Function[], sourceMap?: unknown): Promise<{ covered: number[]; total: number; functions: [number, number]; branches: [number, number] }> {
  const conv = v8toIstanbul(file, 0, sourceMap ? { source, sourceMap: { sourcemap: sourceMap as never } } : { source });
  await conv.load();
  conv.applyCoverage(functions);
  const all = conv.toIstanbul() as unknown as Record<string, Istanbul>;
  const data = Object.values(all)[0]!;
  const covered = Object.entries(data.s).filter(([, c]) => c > 0).map(([k]) => data.statementMap[k]!.start.line).sort((a, b) => a - b);
  const fns = Object.values(data.f);
  const brs = Object.values(data.b).flat();
  return { covered, total: Object.keys(data.s).length, functions: [fns.filter((c) => c > 0).length, fns.length], branches: [brs.filter((c) => c > 0).length, brs.length] };
}

describe('coverage stages on real V8 profiles', () => {
  let dir: string;
  let calc: string;
  let positive: V8Function[];
  let negative: V8Function[];
  before(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'llmr-covstages-'));
    calc = path.join(dir, 'calc.js');
    writeFileSync(calc, CALC);
    positive = profile(dir, calc, `import { sign } from './calc.js';\nsign(5);\n`);
    negative = profile(dir, calc, `import { sign } from './calc.js';\nsign(-1);\n`);
  });

  it('source lines: trailing whitespace trimmed, ignore hints found', () => {
    const lines = sourceLines(CALC + '\n\n   \n');
    assert.equal(lines.starts.length, 15);
    assert.equal(lines.eof, CALC.trimEnd().length);
    assert.deepEqual([...sourceLines(CALC.replace('// never runs', '/* c8 ignore next 3 */')).ignored].sort((a, b) => a - b), [12, 13, 14, 15]);
    const hints = sourceLines('a\n/* c8 ignore start */\nb\n/* c8 ignore stop */\nc\nd /* v8 ignore next */\n/* node:coverage ignore next */\ne\n');
    assert.deepEqual([...hints.ignored].sort((a, b) => a - b), [2, 3, 4, 6, 7, 8]);
    assert.deepEqual(sourceLines('').starts, []);
    assert.deepEqual(sourceLines('x\r\ny').ends, [1, 4], 'CRLF: a line ends before its \\r\\n');
  });

  it('V8 ranges -> lines equals v8-to-istanbul on the same profile (and the hand-checked branch)', async () => {
    const lines = sourceLines(CALC);
    for (const [fns, taken, skipped] of [[positive, 5, 3], [negative, 3, 5]] as const) {
      const ours = coveredLines(lines, fns);
      const ref = await reference(calc, CALC, fns);
      assert.deepEqual(unionRanges(toRanges(ours), toRanges(lines.ignored)), toRanges(ref.covered));
      assert.equal(lines.starts.length, ref.total);
      assert.ok(ours.includes(taken) && !ours.includes(9) && !ours.includes(14), `line ${taken} ran; unused() and the ignored block did not`);
      if (skipped === 3) assert.ok(!ours.includes(3), 'the x < 0 branch did not run');
    }
  });

  it('lines under a c8 ignore hint count as covered, as v8-to-istanbul counts them', async () => {
    const hinted = CALC.replace('// never runs', '/* c8 ignore next 3 */');
    const file = path.join(dir, 'hinted.js');
    writeFileSync(file, hinted);
    const fns = profile(dir, file, `import { sign } from './hinted.js';\nsign(1);\n`);
    const lines = sourceLines(hinted);
    const ref = await reference(file, hinted, fns);
    assert.deepEqual(unionRanges(toRanges(coveredLines(lines, fns)), toRanges(lines.ignored)), toRanges(ref.covered));
    assert.ok(ref.covered.includes(14));
  });

  it('functions and branches under a c8 ignore hint count as covered, as c8 counts them', async () => {
    for (const [name, hinted] of [
      ['next 3', CALC.replace('// never runs', '/* c8 ignore next 3 */')],
      ['next', CALC.replace('export function unused', '/* c8 ignore next */\nexport function unused')],
      ['start/stop', CALC.replace('export function unused', '/* c8 ignore start */\nexport function unused').replace('// never runs', '/* c8 ignore stop */')],
      ['node:coverage', CALC.replace('  if (x < 0) {', '  /* node:coverage ignore next */\n  if (x < 0) {')],
    ] as const) {
      const file = path.join(dir, `hinted-${name.replace(/\W/g, '')}.js`);
      writeFileSync(file, hinted);
      const fns = profile(dir, file, `import { sign } from './${path.basename(file)}';\nsign(1);\n`);
      const ref = await reference(file, hinted, fns);
      const counts = functionBranchCounts(fns, sourceLines(hinted));
      assert.deepEqual([counts.functions, counts.branches], [ref.functions, ref.branches], name);
      // Without the file's lines the hints are not seen: the ignored function or branch counts as missed.
      const blind = functionBranchCounts(fns);
      assert.notDeepEqual([blind.functions, blind.branches], [ref.functions, ref.branches], `${name}: the hint changes c8's counts`);
    }
  });

  it('whole-run functions and branches honour the hints of the file itself (read back when reporting)', async () => {
    const hinted = CALC.replace('export function unused', '/* c8 ignore next */\nexport function unused');
    const file = path.join(dir, 'hinted-whole.js');
    writeFileSync(file, hinted);
    const fns = profile(dir, file, `import { sign } from './hinted-whole.js';\nsign(1);\n`);
    const lines = sourceLines(hinted);
    const journal = parseChildJournal(
      [
        { k: 'src', f: 't', file, lines: lines.starts.length, ignored: [...lines.ignored] },
        { k: 'cov', f: 't', fn: null, o: 0, files: { [file]: toRanges(coveredLines(lines, fns)) } },
        { k: 'covsum', f: 't', file, functions: fns },
      ].map((r) => JSON.stringify(r) + '\n').join(''),
      'j',
    ).journal;
    const ref = await reference(file, hinted, fns);
    const [line] = coverageLines([journal], dir, (f) => f === 'hinted-whole.js').coverage;
    assert.deepEqual([[line!.functions.covered, line!.functions.total], [line!.branches.covered, line!.branches.total]], [ref.functions, ref.branches]);
    assert.deepEqual(line!.lines.covered, toRanges(ref.covered));
    // The preload writes the profile as coverage lines hold it (what it writes now): the same line.
    const compact = structuredClone(journal);
    const sum = compact.records.find((r) => r.k === 'covsum')!;
    if (sum.k === 'covsum') {
      sum.profile = toProfile(fns);
      delete sum.functions;
    }
    assert.deepEqual(coverageLines([compact], dir, (f) => f === 'hinted-whole.js').coverage, [line]);
  });

  it('compiled code that cannot be merged at its compiled offsets: counted from the mapped profiles, and the reason named (LLMR_BRANCHES_APPROXIMATE)', () => {
    const lines = sourceLines(CALC);
    const gen = (file: string, extra: object = {}) => ({ file: path.join(dir, file), digest: '1-x', functions: positive, ...extra });
    const journal = (g: object | undefined) =>
      parseChildJournal(
        [
          { k: 'src', f: 't', file: calc, lines: lines.starts.length, ignored: [...lines.ignored] },
          { k: 'covsum', f: 't', file: calc, functions: positive, ...(g ? { gen: g } : {}) },
        ].map((r) => JSON.stringify(r) + '\n').join(''),
        'j',
      ).journal;
    const cases: Array<[string, object | undefined, object | undefined, RegExp]> = [
      ['a loader compiled it in memory', gen('calc.ts', { memory: true }), gen('calc.ts', { memory: true }), /^calc\.js: a loader \(tsx, ts-node\) compiled it in memory/],
      ['two builds of it', gen('esm/calc.js'), gen('cjs/calc.js'), /^calc\.js: test processes ran different builds of it \(calc\.js, calc\.js\)/],
      ['one process without it', gen('esm/calc.js'), undefined, /^calc\.js: a test process did not record the compiled file it ran/],
      ['its compiled file is gone', gen('gone/calc.js'), gen('gone/calc.js'), /^calc\.js: its compiled file calc\.js is not readable/],
    ];
    const expected = functionBranchCounts(mergeFunctions([structuredClone(positive), structuredClone(positive)]));
    for (const [name, a, b, why] of cases) {
      const r = coverageLines([journal(a), journal(b)], dir, (f) => f === 'calc.js');
      assert.equal(r.warnings.length, 1, name);
      assert.equal(r.warnings[0]!.code, 'LLMR_BRANCHES_APPROXIMATE', name);
      assert.match(r.warnings[0]!.message, why, name);
      const line = r.coverage[0]!;
      assert.deepEqual([[line.functions.covered, line.functions.total], [line.branches.covered, line.branches.total]], [expected.functions, expected.branches], `${name}: the mapped profiles' counts`);
      // The same build, unreadable here: kept, so an aggregate where the build is can merge it.
      assert.equal(line.generated?.file, name === 'its compiled file is gone' ? 'gone/calc.js' : undefined, `${name}: generated profiles kept only when one build ran`);
    }
  });

  it('merge: two processes add up as c8 merges them; function and branch counts equal v8-to-istanbul', async () => {
    const merged = mergeFunctions([positive, negative]);
    const ref = await reference(calc, CALC, merged);
    const lines = sourceLines(CALC);
    const ours = coveredLines(lines, merged);
    assert.deepEqual(ours, [...new Set([...coveredLines(lines, positive), ...coveredLines(lines, negative)])].sort((a, b) => a - b), 'merged = union of both');
    assert.ok(ours.includes(3) && ours.includes(5));
    const counts = functionBranchCounts(merged);
    assert.deepEqual(counts.functions, ref.functions);
    assert.deepEqual(counts.branches, ref.branches);
    assert.deepEqual(functionBranchCounts(mergeFunctions([positive])), functionBranchCounts(positive));
    assert.deepEqual(mergeFunctions([]), []);
  });

  it('child journals -> whole-run totals equal v8-to-istanbul; lcov and istanbul exports carry them', async () => {
    const lines = sourceLines(CALC);
    const journal = (fns: V8Function[], test: string): string =>
      [
        { k: 'src', f: 'test/a.test.js', file: calc, lines: lines.starts.length, ignored: [...lines.ignored] },
        { k: 'cov', f: 'test/a.test.js', fn: null, o: 0, files: { [calc]: toRanges(coveredLines(lines, fns)), '/elsewhere/x.js': [[1, 2]] } },
        { k: 'cov', f: 'test/a.test.js', fn: test, o: 0, files: { [calc]: [[2, 2]] } },
        { k: 'covsum', f: 'test/a.test.js', file: calc, functions: fns },
      ]
        .map((r) => JSON.stringify(r))
        .join('\n') + '\n{"k":"end","f":"test/a.te';
    const a = parseChildJournal(journal(positive, 'p'), 'child-1.ndjson');
    const b = parseChildJournal(journal(negative, 'n'), 'child-2.ndjson');
    assert.equal(a.journal.records.length, 4);
    assert.deepEqual(a.warnings.map((w) => [w.code, w.message.split(': ')[0]]), [['LLMR_CHILD_JOURNAL_UNREADABLE', 'child-1.ndjson:5']]);
    assert.equal(parseChildJournal('{"no":"kind"}\n', 'j').warnings[0]!.message, 'j:1: not a journal record');

    const [line, ...rest] = coverageLines([a.journal, b.journal], dir, (f) => f.endsWith('.js')).coverage;
    assert.deepEqual(rest, [], 'files outside the root are left out');
    const ref = await reference(calc, CALC, mergeFunctions([positive, negative]));
    assert.equal(line!.file, 'calc.js');
    assert.deepEqual(line!.lines, { covered: toRanges(ref.covered), total: ref.total });
    assert.deepEqual([line!.functions.covered, line!.functions.total], ref.functions);
    assert.deepEqual([line!.branches.covered, line!.branches.total], ref.branches);
    assert.deepEqual(lineRatio(line!), ratio(ref.covered.length, ref.total));
    assert.deepEqual(coverageLines([a.journal], dir, () => false).coverage, [], 'keep() filters files');

    const lcov = toLcov([line!]);
    assert.ok(lcov.startsWith('TN:\nSF:calc.js\n'));
    assert.deepEqual([...lcov.matchAll(/^DA:(\d+),1$/gm)].map((m) => Number(m[1])), ref.covered);
    assert.match(lcov, new RegExp(`LF:${ref.total}\\nLH:${ref.covered.length}\\nend_of_record\\n$`));
    const ist = toIstanbul([line!])['calc.js'] as Istanbul;
    assert.deepEqual(Object.entries(ist.s).filter(([, c]) => c > 0).map(([k]) => ist.statementMap[k]!.start.line), ref.covered);
  });

  it('per-test index: lines by (name, occurrence), unions repeats, shared tests get none, metadata merged', () => {
    const recs: ChildRecord[] = [
      { k: 'cov', f: 't', fn: 'a', o: 0, files: { [calc]: [[1, 2]] } },
      { k: 'cov', f: 't', fn: 'a', o: 0, files: { [calc]: [[4, 5]], [path.join(dir, 'skip.js')]: [[1, 1]], '/outside/y.js': [[1, 1]] } },
      { k: 'cov', f: 't', fn: 'a', o: 1, files: { [calc]: [[9, 9]] } },
      { k: 'cov', f: 't', fn: null, o: 0, files: { [calc]: [[7, 7]] } },
      { k: 'shared', f: 't', fn: 'b', o: 0 },
      { k: 'meta', f: 't', fn: 'a', o: 0, data: { requirements: ['REQ-2', 'REQ-1'] } },
      { k: 'meta', f: 't', fn: 'a', o: 0, data: { requirements: ['REQ-1'], llm_mode: 'minimal' } },
    ];
    const journal = { source: 'j', records: recs.slice(0, 3) };
    const index = new JournalIndex(dir, (f) => f !== 'skip.js');
    index.update([journal]);
    journal.records.push(...recs.slice(3));
    index.update([journal]);
    index.update([journal]);
    assert.deepEqual(index.extras('a', 0, true), { shared: false, meta: { requirements: ['REQ-1', 'REQ-2'], llm_mode: 'minimal' }, coverage: [{ file: 'calc.js', lines: [[1, 2], [4, 5]] }] });
    assert.deepEqual(index.extras('a', 1, true).coverage, [{ file: 'calc.js', lines: [[9, 9]] }]);
    assert.deepEqual(index.extras('b', 0, true), { shared: true, meta: {} });
    assert.deepEqual(index.extras('a', 0, false).coverage, undefined);
    assert.deepEqual(index.extras('never', 0, true), { shared: false, meta: {}, coverage: [] });
  });

  it('ranges: sorted, merged, counted', () => {
    assert.deepEqual(toRanges([5, 1, 2, 2, 3, 9]), [[1, 3], [5, 5], [9, 9]]);
    assert.deepEqual(fromRanges([[1, 3], [7, 7]]), [1, 2, 3, 7]);
    assert.deepEqual(unionRanges([[1, 2]], [[3, 4]], [[8, 8]]), [[1, 4], [8, 8]]);
    assert.equal(countLines([[1, 3], [7, 7]]), 4);
    assert.deepEqual(ratio(2, 3), { covered: 2, total: 3, percent: 66.66 }, 'floored, never rounded up');
    assert.deepEqual(ratio(0, 0).percent, 100);
  });
});

describe('source maps on real compiled TypeScript', () => {
  const TS = `interface Cart {
  items: number[];
}

export function total(cart: Cart): number {
  let sum = 0;
  for (const x of cart.items) {
    sum += x;
  }
  return sum;
}

export function empty(): Cart {
  return { items: [] };
}
`;

  for (const kind of ['inline', 'file'] as const) {
    it(`${kind} map: executed generated lines map to the .ts lines that ran`, () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), 'llmr-covmap-'));
      const js = path.join(dir, 'cart.js');
      const out = ts.transpileModule(TS, { fileName: 'cart.ts', compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: kind === 'file', inlineSourceMap: kind === 'inline', inlineSources: kind === 'inline' } });
      let text = out.outputText;
      if (kind === 'file') {
        text = text.replace(/\/\/# sourceMappingURL=.*$/m, '//# sourceMappingURL=cart.js.map');
        writeFileSync(path.join(dir, 'cart.js.map'), out.sourceMapText!);
      }
      writeFileSync(js, text);
      writeFileSync(path.join(dir, 'cart.ts'), TS);

      const url = sourceMappingUrl(text);
      assert.ok(url, 'the map comment is found');
      const found = readMapUrl(url, js);
      const payload = found.payload ?? JSON.parse(readFileSync(found.file!, 'utf8'));
      if (kind === 'file') assert.equal(found.file, path.join(dir, 'cart.js.map'));
      else assert.equal(found.payload?.sourcesContent?.[0], TS, 'inline map carries the source');
      const map = rangeMap(text, payload, dir, (f) => readFileSync(f, 'utf8'));
      assert.deepEqual(map.sources.map((s) => s.file), [path.join(dir, 'cart.ts')]);

      const fns = profile(dir, js, `import { total } from './cart.js';\ntotal({ items: [] });\n`);
      const ran = new Set(coveredOriginalLines(map, fns).get(0));
      // The loop body (line 8) and empty() (line 14) did not run; the function's body lines did. Its
      // header (line 5) is only partly inside the function's range: c8 counts it through the whole-run rule.
      for (const n of [6, 7, 10]) assert.ok(ran.has(n), `line ${n} ran`);
      for (const n of [1, 2, 8, 14]) assert.ok(!ran.has(n), `line ${n} did not run`);
    });
  }

  // The TypeScript shapes where mapping each generated line through its first column differs from
  // v8-to-istanbul's mapping of each range: closing braces, multi-line statements, a leading comment
  // (the script's own range cannot be mapped), a type-only block between functions, arrow bodies.
  const SHAPES = `// header comment: no mapping on generated line 1
import { strict as assert } from 'node:assert';

export interface Item { price: number; qty: number }

export function total(items: Item[], rate = 0): number {
  let sum = 0;
  for (const { price, qty } of items) {
    if (qty <= 0) {
      continue;
    }
    sum += price *
      qty;
  }
  const r = rate > 0
    ? 1 - rate
    : 1;
  return sum * r;
}

type Unused = {
  a: string;
};

export const round = (n: number): number =>
  Math.round(n * 100) / 100;

export class Cart {
  readonly items: Item[] = [];
  add(item: Item): this {
    assert.ok(item.qty >= 0);
    this.items.push(item);
    return this;
  }
  /* c8 ignore next 3 */
  clear(): void {
    this.items.length = 0;
  }
  value(): number {
    return round(total(this.items));
  }
}
`;

  it('compiled ranges map as v8-to-istanbul maps them: lines, functions and branches equal on the same profile', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'llmr-covshapes-'));
    const out = ts.transpileModule(SHAPES, { fileName: 'shapes.ts', compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022, sourceMap: true } });
    const js = path.join(dir, 'shapes.js');
    writeFileSync(js, out.outputText.replace(/\/\/# sourceMappingURL=.*$/m, '//# sourceMappingURL=shapes.js.map'));
    writeFileSync(path.join(dir, 'shapes.js.map'), out.sourceMapText!);
    writeFileSync(path.join(dir, 'shapes.ts'), SHAPES);
    const payload = JSON.parse(out.sourceMapText!) as Parameters<typeof rangeMap>[1];
    const map = rangeMap(readFileSync(js, 'utf8'), payload, dir, (f) => readFileSync(f, 'utf8'));
    for (const main of [
      `import { Cart } from './shapes.js';\nnew Cart().add({ price: 2, qty: 1 }).add({ price: 1, qty: 0 }).value();\n`,
      `import { total } from './shapes.js';\ntotal([], 0.5);\n`,
    ]) {
      const fns = profile(dir, js, main);
      const ref = await reference(js, readFileSync(js, 'utf8'), fns, payload);
      // Whole-run rule: lines no mapped range fully contains stay covered (reference starts every line at 1).
      const lines = sourceLines(SHAPES);
      const reach = coveredOriginalLines(map, fns.map((f) => ({ ...f, ranges: f.ranges.map((r) => ({ ...r, count: 1 })) })));
      const outside = fromRanges([[1, lines.starts.length]]).filter((n) => !reach.get(0)?.includes(n));
      const ours = unionRanges(toRanges(coveredOriginalLines(map, fns).get(0) ?? []), toRanges(outside), toRanges(lines.ignored));
      assert.deepEqual(ours, toRanges(ref.covered), main);
      const counts = functionBranchCounts(toOriginalProfile(map, 0, fns), lines);
      assert.deepEqual([counts.functions, counts.branches], [ref.functions, ref.branches], main);
    }
  });

  it('no map comment, a map named by file: URL, and a percent-encoded name', () => {
    assert.equal(sourceMappingUrl('const x = 1;\n'), undefined);
    assert.equal(sourceMappingUrl('x\n/*# sourceMappingURL=a.js.map */\n'), 'a.js.map');
    assert.deepEqual(readMapUrl('file:///tmp/m.js.map', '/w/a.js'), { file: '/tmp/m.js.map' });
    assert.deepEqual(readMapUrl('my%20map.js.map', '/w/a.js'), { file: '/w/my map.js.map' });
    const payload = { version: 3, sources: ['a.ts'], names: [], mappings: 'AAAA' };
    assert.deepEqual(readMapUrl(`data:application/json,${encodeURIComponent(JSON.stringify(payload))}`, '/w/a.js').payload, payload);
  });
});
