// Test identity (lib/events/identity.ts): the id hashes exactly (kind, entry file, defining file, suite
// path, name, occurrence), and occurrence counts over exactly the rest, so two records of one run never
// share an id; ids of tests declared in their own test file are what they always were. Then the
// normalizer on node-shaped event streams with and without entryFile (Node 24.20+ vs 20/22): tests
// declared in shared helpers land in the test file that ran them, and skipped ones are placed by the
// file blocks node reports (closed by per-file test:summary on 22.10+), or said to be a guess.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fc from 'fast-check';
import { identityKey, testId } from '../lib/events/identity.js';
import { EventNormalizer, type EventData, type NormalizeOptions, type TestEvent } from '../lib/events/normalize.js';
import { sha256 } from '../lib/report/canonical.js';
import type { SuiteLine, TestLine } from '../lib/types.js';

const ROOT = path.resolve('/project');
const abs = (f: string): string => path.join(ROOT, f);

describe('testId', () => {
  it('a test declared in its entry file keeps the id of earlier versions: sha256 of [kind, entry, ...path, name, occurrence]', () => {
    const old = sha256(JSON.stringify(['test', 'test/a.test.js', 'suite', 'name', 2])).slice(0, 16);
    assert.equal(testId('test', 'test/a.test.js', ['suite'], 'name', 2, 'test/a.test.js'), old);
    assert.notEqual(testId('test', 'test/a.test.js', ['suite'], 'name', 2, 'helpers/h.js'), old, 'declared elsewhere: the defining file is part of the id');
  });

  it('distinct identities give distinct ids (any names, paths, files; including the two forms)', () => {
    const str = fc.string({ maxLength: 6 });
    const identity = fc.record({
      kind: fc.constantFrom('test' as const, 'suite' as const),
      entry: fc.constantFrom('test/a.test.js', 'test/b.test.js', 'h.js'),
      file: fc.constantFrom('test/a.test.js', 'h.js', 'node_modules/p/index.js'),
      path: fc.array(str, { maxLength: 3 }),
      name: str,
      occurrence: fc.integer({ min: 1, max: 3 }),
    });
    fc.assert(
      fc.property(identity, identity, (x, y) => {
        const same = identityKey(x.kind, x.entry, x.file, x.path, x.name) === identityKey(y.kind, y.entry, y.file, y.path, y.name) && x.occurrence === y.occurrence;
        const idX = testId(x.kind, x.entry, x.path, x.name, x.occurrence, x.file);
        const idY = testId(y.kind, y.entry, y.path, y.name, y.occurrence, y.file);
        assert.equal(idX === idY, same, JSON.stringify([x, y]));
      }),
      { numRuns: 2000 },
    );
  });
});

// ---- node-shaped event streams ----

interface Decl {
  /** Repo-relative defining file. */
  file: string;
  line: number;
  name: string;
  nesting?: number;
  skip?: boolean;
  suite?: boolean;
  passed?: boolean;
}

/** The events node sends for one test file's block (start/pass in declaration order), optionally with entryFile and a per-file summary. */
function block(entry: string, decls: Decl[], opts: { entryFile: boolean; summary: boolean }): TestEvent[] {
  const out: TestEvent[] = [];
  const extra = (): Partial<EventData> => (opts.entryFile ? { entryFile: abs(entry) } : {});
  for (const d of decls) {
    const data: EventData = { name: d.name, nesting: d.nesting ?? 0, file: abs(d.file), line: d.line, column: 3, ...extra() };
    out.push({ type: 'test:start', data });
    out.push({
      type: d.passed === false ? 'test:fail' : 'test:pass',
      data: { ...data, ...(d.skip ? { skip: true } : {}), details: { duration_ms: 1, type: d.suite ? 'suite' : 'test', ...(d.passed === false ? { error: new Error('x') } : {}) } },
    });
  }
  if (opts.summary) out.push({ type: 'test:summary', data: { file: abs(entry), ...extra(), counts: { tests: decls.length } } });
  return out;
}

function wrappers(files: string[]): TestEvent[] {
  return files.map((f) => ({ type: 'test:enqueue', data: { name: abs(f), nesting: 0, file: abs(f), line: 1, column: 1 } }));
}

function options(extra: Partial<NormalizeOptions> = {}): NormalizeOptions {
  return { root: ROOT, redact: (t) => t, stackFrames: 5, maxChars: 8192, stderrTail: 4096, captureOutput: false, outputCap: 1 << 20, ...extra };
}

/** What the child journals say ended (the preload writes them before node reports a test): skipped tests are not there. */
function journalOf(blocks: Record<string, Decl[]>): NormalizeOptions['journalEnded'] {
  return (entry, full) => {
    const out = { passed: 0, failed: 0 };
    for (const d of blocks[entry] ?? []) {
      if (d.skip || d.suite || d.name !== full.split(' > ').at(-1)) continue;
      out[d.passed === false ? 'failed' : 'passed']++;
    }
    return out;
  };
}

function normalize(events: TestEvent[], extra: Partial<NormalizeOptions> = {}): { recs: Array<TestLine | SuiteLine>; n: EventNormalizer } {
  const n = new EventNormalizer(options(extra));
  return { recs: [...events.flatMap((e) => n.push(e)), ...n.end()], n };
}

const PUT_A: Decl = { file: 'helpers/a.cjs', line: 81, name: 'PUT can be created' };
const PUT_B: Decl = { file: 'helpers/b.cjs', line: 81, name: 'PUT can be created' };
const OWN_PUT: Decl = { file: 'test/put.test.js', line: 3, name: 'PUT can be created' };
// The case, and the rest of the class: two helpers at one line, one helper twice (a loop), one helper from two test files.
const BLOCKS: Record<string, Decl[]> = {
  'test/put.test.js': [OWN_PUT, PUT_A, PUT_B, PUT_A],
  'test/post.test.js': [{ ...PUT_A, skip: true }, PUT_A, PUT_B],
};
const FILES = Object.keys(BLOCKS);

const summary = (recs: Array<TestLine | SuiteLine>): string[] => recs.map((r) => `${r.entry_file} ${r.file}:${r.line} ${r.name} #${r.occurrence}${r.status === 'skipped' ? ' skipped' : ''}`);
const EXPECTED = [
  'test/put.test.js test/put.test.js:3 PUT can be created #1',
  'test/put.test.js helpers/a.cjs:81 PUT can be created #1',
  'test/put.test.js helpers/b.cjs:81 PUT can be created #1',
  'test/put.test.js helpers/a.cjs:81 PUT can be created #2',
  'test/post.test.js helpers/a.cjs:81 PUT can be created #1 skipped',
  'test/post.test.js helpers/a.cjs:81 PUT can be created #2',
  'test/post.test.js helpers/b.cjs:81 PUT can be created #1',
];

describe('EventNormalizer: tests declared in shared helpers', () => {
  it('with entryFile (Node 24.20+): one record each, distinct ids, occurrence over the identity key', () => {
    const events = [...wrappers(FILES), ...FILES.flatMap((f) => block(f, BLOCKS[f]!, { entryFile: true, summary: true }))];
    const { recs, n } = normalize(events);
    assert.deepEqual(summary(recs), EXPECTED);
    assert.equal(new Set(recs.map((r) => r.id)).size, recs.length);
    for (const r of recs) assert.equal(r.id, testId(r.type, r.entry_file, r.path, r.name, r.occurrence, r.file));
    assert.deepEqual(n.warnings, []);
  });

  it('without entryFile, with per-file summaries (Node 22.10+): the same records and ids, the leading skipped test included', () => {
    const withEntry = normalize([...wrappers(FILES), ...FILES.flatMap((f) => block(f, BLOCKS[f]!, { entryFile: true, summary: true }))]).recs;
    const { recs, n } = normalize([...wrappers(FILES), ...FILES.flatMap((f) => block(f, BLOCKS[f]!, { entryFile: false, summary: true }))], { journalEnded: journalOf(BLOCKS) });
    assert.deepEqual(summary(recs), EXPECTED);
    assert.deepEqual(
      recs.map((r) => r.id),
      withEntry.map((r) => r.id),
    );
    assert.deepEqual(n.warnings, []);
  });

  it('without entryFile or summaries (Node 20): tests that ran are placed by the journals; a skipped test leading a block is a guess, and said so', () => {
    const { recs, n } = normalize([...wrappers(FILES), ...FILES.flatMap((f) => block(f, BLOCKS[f]!, { entryFile: false, summary: false }))], { journalEnded: journalOf(BLOCKS) });
    // Everything that ran hooks is in the right file; the leading skipped test of post.test.js went to the
    // block before it, so its same-named neighbour in post.test.js counts one occurrence less.
    assert.deepEqual(summary(recs), [
      ...EXPECTED.slice(0, 4),
      'test/put.test.js helpers/a.cjs:81 PUT can be created #3 skipped',
      'test/post.test.js helpers/a.cjs:81 PUT can be created #1',
      'test/post.test.js helpers/b.cjs:81 PUT can be created #1',
    ]);
    assert.equal(new Set(recs.map((r) => r.id)).size, recs.length, 'a wrong guess still never shares an id');
    const w = n.warnings.filter((x) => x.code === 'LLMR_ENTRY_FILE_GUESSED');
    assert.equal(w.length, 1);
    assert.match(w[0]!.message, /"PUT can be created" \(helpers\/a\.cjs\) -> test\/put\.test\.js/);
  });

  it('without entryFile or summaries: a skipped helper test followed by a test of its own block is confirmed (no warning)', () => {
    const blocks: Record<string, Decl[]> = { 'test/put.test.js': [OWN_PUT, { ...PUT_A, skip: true }, PUT_B], 'test/post.test.js': [PUT_A] };
    const files = Object.keys(blocks);
    const { recs, n } = normalize([...wrappers(files), ...files.flatMap((f) => block(f, blocks[f]!, { entryFile: false, summary: false }))], { journalEnded: journalOf(blocks) });
    assert.deepEqual(summary(recs), [
      'test/put.test.js test/put.test.js:3 PUT can be created #1',
      'test/put.test.js helpers/a.cjs:81 PUT can be created #1 skipped',
      'test/put.test.js helpers/b.cjs:81 PUT can be created #1',
      'test/post.test.js helpers/a.cjs:81 PUT can be created #1',
    ]);
    assert.deepEqual(n.warnings, []);
  });

  it('an own-file test claims its journal record: a same-named helper test of the next file does not take it', () => {
    // put.test.js's own "PUT" and post.test.js's helper "PUT" both ended in their journals; the helper one must go to post.
    const blocks: Record<string, Decl[]> = { 'test/put.test.js': [OWN_PUT], 'test/post.test.js': [PUT_A] };
    const files = Object.keys(blocks);
    const { recs } = normalize([...wrappers(files), ...files.flatMap((f) => block(f, blocks[f]!, { entryFile: false, summary: false }))], { journalEnded: journalOf(blocks) });
    assert.deepEqual(
      recs.map((r) => r.entry_file),
      ['test/put.test.js', 'test/post.test.js'],
    );
  });

  it('a suite declared in a helper goes where its children went', () => {
    const blocks: Record<string, Decl[]> = {
      'test/put.test.js': [OWN_PUT],
      'test/post.test.js': [
        { file: 'helpers/s.mjs', line: 7, name: 'lists', nesting: 1 },
        { file: 'helpers/s.mjs', line: 6, name: 'users', suite: true },
      ],
    };
    const files = Object.keys(blocks);
    // node sends a suite's test:start before its children's; keep that order.
    const events = [...wrappers(files), ...block('test/put.test.js', blocks['test/put.test.js']!, { entryFile: false, summary: false })];
    const suite = { name: 'users', nesting: 0, file: abs('helpers/s.mjs'), line: 6, column: 3 };
    const child = { name: 'lists', nesting: 1, file: abs('helpers/s.mjs'), line: 7, column: 5 };
    events.push(
      { type: 'test:start', data: suite },
      { type: 'test:start', data: child },
      { type: 'test:pass', data: { ...child, details: { duration_ms: 1, type: 'test' } } },
      { type: 'test:pass', data: { ...suite, details: { duration_ms: 1, type: 'suite' } } },
    );
    const { recs } = normalize(events, { journalEnded: journalOf({ 'test/post.test.js': [{ file: 'helpers/s.mjs', line: 7, name: 'lists' }] }) });
    assert.deepEqual(
      recs.map((r) => `${r.type} ${r.entry_file} ${r.file}`),
      ['test test/put.test.js test/put.test.js', 'test test/post.test.js helpers/s.mjs', 'suite test/post.test.js helpers/s.mjs'],
    );
  });
});
