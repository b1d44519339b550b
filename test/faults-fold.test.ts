// Damaged streams fed to the NDJSON reader and the fold (compliance-trust R3-R5; truncation at every byte
// offset is in fold.test.ts): random bit flips, duplicated, reordered and deleted lines, and a corpus of
// malformed JSON lines. Never a throw or a hang, every bad line located, every intact line recovered,
// and the folded verdict never better than the recorded one. Real journals from real runs; seeded.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cleanEnv, copyFixture, FIXTURES, NODE, REPO, runNodeTest } from './helpers/run.js';
import { faultReps, random, SEED } from './helpers/faults.js';
import { parseNdjson } from '../lib/report/ndjson.js';
import { fold } from '../lib/report/fold.js';
import { validateReport } from '../lib/generated/validators.js';
import type { Report, RunStatus } from '../lib/types.js';

const CLI = path.join(REPO, 'dist', 'lib', 'cli', 'main.js');
const RANK: Record<RunStatus, number> = { passed: 0, failed: 1, incomplete: 2, aborted: 3 };

interface Golden {
  name: string;
  text: string;
  lines: string[];
  report: Report;
}

/** Reads `text` as `source` and folds it, with the checks every damaged input must pass. */
function readAndFold(text: string, source: string, what: string): { lines: number; bad: number[]; report: Report } {
  const r = parseNdjson(text, source);
  const count = text.split('\n').length;
  for (const n of r.badLines) assert.ok(n >= 1 && n <= count, `${what}: bad line number ${n} out of 1..${count}`);
  assert.deepEqual([...r.badLines].sort((a, b) => a - b), r.badLines, `${what}: bad lines in order`);
  const located = r.warnings.filter((w) => w.code === 'LLMR_NDJSON_BAD_LINE');
  assert.deepEqual(located.map((w) => w.line), r.badLines, `${what}: one located warning per bad line`);
  for (const w of located) assert.ok(w.file === source && w.message.startsWith(`${source}:${w.line}: `), `${what}: ${w.message}`);
  const report = fold(r.lines, r.warnings);
  assert.ok(validateReport(report), `${what}: ${JSON.stringify(validateReport.errors?.[0])}`);
  return { lines: r.lines.length, bad: r.badLines, report };
}

/** Every line of `text` that is byte-identical to a line of the original was recovered. */
function intactRecovered(text: string, golden: Golden, recovered: number, bad: number[], what: string): void {
  const originals = new Set(golden.lines);
  const parts = text.split('\n');
  const intact = parts.filter((p) => originals.has(p)).length;
  const badSet = new Set(bad);
  parts.forEach((p, i) => assert.ok(!(originals.has(p) && badSet.has(i + 1)), `${what}: intact line ${i + 1} was rejected`));
  assert.ok(recovered >= intact, `${what}: ${recovered} lines recovered, ${intact} intact`);
}

describe(`faults: damaged streams into the fold (seed ${SEED})`, () => {
  const goldens: Golden[] = [];
  before(() => {
    for (const name of ['simple', 'kitchen']) {
      const run = runNodeTest(copyFixture(name));
      const text = readFileSync(path.join(run.dir, 'llm-report', 'journal.ndjson'), 'utf8');
      assert.ok(run.report, run.stderr);
      goldens.push({ name, text, lines: text.split('\n').filter(Boolean), report: fold(parseNdjson(text, 'j').lines) });
      rmSync(run.dir, { recursive: true, force: true });
    }
    assert.equal(goldens[0]!.report.run.status, 'passed');
    assert.equal(goldens[1]!.report.run.status, 'incomplete');
  });

  it(`random bit flips (${faultReps(300, 40)} inputs): located errors, intact lines kept, verdict never better`, () => {
    const rand = random(SEED);
    for (let i = 0; i < faultReps(300, 40); i++) {
      const g = goldens[i % goldens.length]!;
      const bytes = Buffer.from(g.text, 'utf8');
      const flips = 1 + rand.int(4);
      const at: number[] = [];
      for (let f = 0; f < flips; f++) {
        const pos = rand.int(bytes.length);
        at.push(pos);
        bytes[pos]! ^= 1 << rand.int(8);
      }
      const what = `${g.name} #${i}, bits flipped at ${at.join(',')}`;
      const text = bytes.toString('utf8');
      const r = readAndFold(text, 'flipped.ndjson', what);
      intactRecovered(text, g, r.lines, r.bad, what);
      // A flip can turn a valid line into another valid line (undetectable without a hash chain), but
      // the verdict can only get worse: statuses are enums and an unreadable run_end means incomplete.
      const changedStatus = r.report.tests.some((t) => !g.lines.some((l) => l.includes(`"id":"${t.id}"`) && l.includes(`"status":"${t.status}"`)));
      if (!changedStatus) assert.ok(RANK[r.report.run.status] >= RANK[g.report.run.status], `${what}: ${g.report.run.status} became ${r.report.run.status}`);
    }
  });

  it(`duplicated lines (${faultReps(100, 10)} inputs): the first copy is kept, duplicates are reported, the report is otherwise the same`, () => {
    const rand = random(SEED + 1);
    for (let i = 0; i < faultReps(100, 10); i++) {
      const g = goldens[i % goldens.length]!;
      const out: string[] = [];
      let duplicatedRecord = false;
      for (const l of g.lines) {
        out.push(l);
        if (rand.next() < 0.2) {
          // Later in the stream, or right after: both happen when a journal is concatenated or replayed.
          out.splice(out.length + rand.int(3), 0, l);
          // A pending line (journal only) is folded away when the run ended: not a duplicate record.
          duplicatedRecord ||= /"type":"(test|suite)"/.test(l) && !l.includes('"pending":true');
        }
      }
      const what = `${g.name} #${i} duplicated`;
      const r = readAndFold(out.join('\n') + '\n', 'dup.ndjson', what);
      assert.deepEqual(r.bad, [], what);
      assert.deepEqual(r.report.tests, g.report.tests, what);
      assert.deepEqual(r.report.suites, g.report.suites, what);
      assert.deepEqual(r.report.summary, g.report.summary, what);
      assert.equal(r.report.run.status, g.report.run.status, what);
      assert.equal(r.report.warnings.some((w) => w.code === 'LLMR_NDJSON_DUPLICATE'), duplicatedRecord, `${what}: duplicates reported`);
    }
  });

  it(`reordered lines (${faultReps(100, 10)} inputs): the fold does not depend on line order`, () => {
    const rand = random(SEED + 2);
    for (let i = 0; i < faultReps(100, 10); i++) {
      const g = goldens[i % goldens.length]!;
      const shuffled = [...g.lines];
      for (let k = shuffled.length - 1; k > 0; k--) {
        const j = rand.int(k + 1);
        [shuffled[k], shuffled[j]] = [shuffled[j]!, shuffled[k]!];
      }
      const r = readAndFold(shuffled.join('\n') + '\n', 'shuffled.ndjson', `${g.name} #${i} shuffled`);
      assert.deepEqual(r.report, g.report, `${g.name} #${i}: shuffled lines fold to the same report`);
    }
  });

  it(`deleted lines (${faultReps(200, 20)} inputs): what is left is all recovered; the verdict never gets better`, () => {
    const rand = random(SEED + 3);
    for (let i = 0; i < faultReps(200, 20); i++) {
      const g = goldens[i % goldens.length]!;
      const p = [0.02, 0.1, 0.5][i % 3]!;
      const kept = g.lines.filter(() => rand.next() >= p);
      const what = `${g.name} #${i}, ${g.lines.length - kept.length} of ${g.lines.length} lines deleted`;
      const r = readAndFold(kept.join('\n') + (kept.length ? '\n' : ''), 'deleted.ndjson', what);
      assert.equal(r.lines, kept.length, what);
      // Result lines are all kept; a pending line (journal only: a test that began) adds its test only when
      // no result for it survived and the run has no end: it was running when the run was cut.
      const idsOf = (pending: boolean): Set<string> => new Set(kept.filter((l) => l.includes('"type":"test"') && l.includes('"pending":true') === pending).map((l) => (JSON.parse(l) as { id: string }).id));
      const results = idsOf(false);
      const started = idsOf(true);
      const got = new Set(r.report.tests.map((t) => t.id));
      for (const id of results) assert.ok(got.has(id), `${what}: test ${id} kept`);
      for (const id of got) assert.ok(results.has(id) || (started.has(id) && !kept.some((l) => l.includes('"type":"run_end"'))), `${what}: test ${id} comes from a kept line`);
      assert.ok(RANK[r.report.run.status] >= RANK[g.report.run.status], `${what}: ${g.report.run.status} became ${r.report.run.status}`);
      if (!kept.some((l) => l.includes('"type":"run_end"'))) {
        assert.equal(r.report.run.complete, false, what);
        assert.ok(r.report.warnings.some((w) => w.code === 'LLMR_NDJSON_NO_RUN_END'), what);
      }
      if (!kept.some((l) => l.includes('"type":"run_start"'))) assert.ok(r.report.warnings.some((w) => w.code === 'LLMR_NDJSON_NO_RUN_START'), what);
    }
  });

  it('an incomplete run stays incomplete when every line that shows it is lost but run_end survives', () => {
    const g = goldens[1]!;
    const kept = g.lines.filter((l) => l.includes('"type":"run_end"') || !l.includes('"incomplete"') || /"type":"(run_start|warning)"/.test(l));
    assert.ok(kept.length < g.lines.length - 1, 'some lines carried "incomplete"');
    const r = readAndFold(kept.join('\n') + '\n', 'lost.ndjson', 'incomplete lines lost');
    assert.equal(r.report.run.status, 'incomplete', 'run_end recorded the run incomplete; the fold must not say failed or passed');
  });

  it('a corpus of malformed JSON lines, anywhere in a journal: each one located, every real line kept, nothing polluted', { timeout: 60_000 }, () => {
    const corpus = JSON.parse(readFileSync(path.join(FIXTURES, 'faults', 'malformed-lines.json'), 'utf8')) as string[];
    // Byte-level damage a JSON corpus cannot hold: invalid UTF-8, overlong forms, a cut multi-byte character.
    const bytes = [Buffer.from([0x7b, 0xff, 0x7d]), Buffer.from([0x22, 0xc0, 0xaf, 0x22]), Buffer.from('{"type":"test","name":"\u00e9', 'utf8').subarray(0, -1)].map((b) => b.toString('utf8'));
    // Big ones: a 5 MB line and nesting far deeper than any stack.
    const big = [`{"type":"warning","code":"LLMR_BIG","message":"${'x'.repeat(5 * 2 ** 20)}"`, '['.repeat(200_000) + ']'.repeat(200_000), '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000)];
    const all = [...corpus, ...bytes, ...big];
    const rand = random(SEED + 4);
    for (const g of goldens) {
      const out = [...g.lines];
      const inserted: string[] = [];
      for (const bad of all) {
        out.splice(rand.int(out.length + 1), 0, bad);
        inserted.push(bad);
      }
      const text = out.join('\n') + '\n';
      const r = readAndFold(text, 'corpus.ndjson', `${g.name} + corpus`);
      assert.equal(r.lines, g.lines.length, `${g.name}: every real line kept`);
      const expectedBad = out.map((l, i) => (inserted.includes(l) && l.replace(/\r$/, '').trim() !== '' ? i + 1 : 0)).filter(Boolean);
      assert.deepEqual(r.bad, expectedBad, `${g.name}: exactly the inserted non-blank lines are rejected, by number`);
      assert.deepEqual(r.report, { ...g.report, warnings: r.report.warnings }, `${g.name}: the same report apart from the warnings`);
      assert.equal(({} as Record<string, unknown>).polluted, undefined, 'no prototype pollution');
    }
  });

  it('llm-report fold names every bad line of the corpus and recovers the run', () => {
    const g = goldens[0]!;
    const corpus = JSON.parse(readFileSync(path.join(FIXTURES, 'faults', 'malformed-lines.json'), 'utf8')) as string[];
    const out = [...g.lines];
    out.splice(3, 0, ...corpus.slice(0, 20));
    const dir = mkdtempSync(path.join(os.tmpdir(), 'llmr-corpus-'));
    writeFileSync(path.join(dir, 'in.ndjson'), out.join('\n') + '\n');
    const r = spawnSync(NODE, [CLI, 'fold', 'in.ndjson', '--out', 'o'], { cwd: dir, env: cleanEnv(), encoding: 'utf8', timeout: 30_000 });
    const badNumbers = corpus.slice(0, 20).map((_, i) => i + 4).filter((n) => out[n - 1]!.trim() !== '');
    assert.match(r.stderr, new RegExp(`skipped ${badNumbers.length} bad line\\(s\\): ${badNumbers.join(', ')}\\n`));
    const report = JSON.parse(readFileSync(path.join(dir, 'o', 'report.json'), 'utf8')) as Report;
    assert.deepEqual(report.tests, g.report.tests);
    assert.equal(report.warnings.filter((w) => w.code === 'LLMR_NDJSON_BAD_LINE').length, badNumbers.length);
    // The bad lines are foreign: the run itself is complete and passed, and fold says so.
    assert.equal(r.status, 0, r.stderr);
    rmSync(dir, { recursive: true, force: true });
  });
});
