// The fold and the NDJSON reader against damaged input: a real journal from a real run, cut at every
// byte offset, with lines duplicated and corrupted; and `llm-report fold` end to end.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { copyFixture, runNodeTest, REPO, NODE, cleanEnv } from './helpers/run.js';
import { parseNdjson } from '../lib/report/ndjson.js';
import { fold } from '../lib/report/fold.js';
import { withEvidence } from '../lib/evidence/report.js';
import { validateReport } from '../lib/generated/validators.js';
import type { Report, TestLine } from '../lib/types.js';

const CLI = path.join(REPO, 'dist', 'lib', 'cli', 'main.js');

describe('fold over damaged journals', () => {
  let journal: string;
  let full: Report;
  before(() => {
    const run = runNodeTest(copyFixture('simple'));
    journal = readFileSync(path.join(run.dir, 'llm-report', 'journal.ndjson'), 'utf8');
    full = run.report!;
    assert.ok(journal.split('\n').length > 15);
  });

  it('the journal folds to the same report as the one written at the end', () => {
    const r = parseNdjson(journal, 'journal.ndjson');
    assert.deepEqual(r.badLines, []);
    // report.json = the fold, plus the evidence fields writeRun derives from the same lines, plus the
    // description of the seal of the output directory (integrity, manifest).
    const { integrity: _integrity, manifest: _manifest, ...content } = full;
    assert.deepEqual(withEvidence(fold(r.lines), r.lines.find((l) => l.type === 'run_start')).report, content);
  });

  it('truncated at every byte offset: never throws, recovers exactly the complete lines', () => {
    const bytes = Buffer.from(journal, 'utf8');
    const lineEnds: number[] = [];
    bytes.forEach((b, i) => {
      if (b === 0x0a) lineEnds.push(i);
    });
    for (let cut = 0; cut <= bytes.length; cut++) {
      const text = bytes.subarray(0, cut).toString('utf8');
      const r = parseNdjson(text, 'j');
      const complete = lineEnds.filter((e) => e < cut).length;
      // A cut exactly before a "\n" leaves a whole line without its newline: that line is intact too.
      const intactTail = lineEnds.includes(cut) ? 1 : 0;
      assert.equal(r.lines.length, complete + intactTail, `cut at ${cut}`);
      assert.ok(r.badLines.length <= 1, `at most the torn last line is bad (cut ${cut})`);
      const report = fold(r.lines, r.warnings);
      assert.ok(validateReport(report), `cut ${cut}: ${JSON.stringify(validateReport.errors?.[0])}`);
      if (cut < bytes.length - 1) assert.notEqual(report.run.status, 'passed', `a cut run is never a pass (cut ${cut})`);
    }
  });

  it('bad lines are named by number; duplicates are reported once; nothing else is lost', () => {
    const lines = journal.split('\n').filter(Boolean);
    // A test result line (the journal also holds pending lines for tests that began, which are not records).
    const result = lines.find((l) => l.includes('"type":"test"') && !l.includes('"pending":true'))!;
    const damaged = [lines[0], '{"type":"test"', 'not json at all', result, result, '{"type":"test","id":5}', ...lines.slice(1)].join('\n') + '\n';
    const r = parseNdjson(damaged, 'damaged.ndjson');
    assert.deepEqual(r.badLines, [2, 3, 6]);
    assert.match(r.warnings[0]!.message, /^damaged\.ndjson:2: not valid JSON/);
    assert.match(r.warnings[2]!.message, /^damaged\.ndjson:6: not a valid llm-report line/);
    const report = fold(r.lines, r.warnings);
    assert.equal(report.tests.length, full.tests.length);
    assert.ok(report.warnings.some((w) => w.code === 'LLMR_NDJSON_DUPLICATE'));
    assert.equal(report.warnings.filter((w) => w.code === 'LLMR_NDJSON_BAD_LINE').length, 3);
  });

  it('a start pairs with a later result of its position: a result before it (its own start never written) closes none', () => {
    const lines = parseNdjson(journal, 'journal.ndjson').lines;
    const start = lines.find((l) => l.type === 'run_start')!;
    const result = lines.find((l): l is TestLine => l.type === 'test' && !l.pending)!;
    // The reporter writes a start only for a test still running once node's pending events are handled:
    // the first run of this test ended at once (no start), the second began and was cut short.
    const { failure: _f, ...rest } = result;
    const second: TestLine = { ...rest, id: 'f'.repeat(16), occurrence: 2, status: 'incomplete', duration_ms: 0, pending: true, failure: { kind: 'incomplete', message: 'test started but never finished' } };
    const cut = fold([start, result, second]);
    assert.deepEqual(cut.tests.map((t) => [t.id, t.status]).sort(), [[result.id, result.status], [second.id, 'incomplete']].sort());
    assert.ok(cut.warnings.some((w) => w.code === 'LLMR_TEST_INCOMPLETE' && w.test_id === second.id));
    // Its start before it: the result closes it, nothing is invented.
    const closed = fold([start, second, { ...result, id: second.id, occurrence: 2 }]);
    assert.deepEqual(closed.tests.map((t) => [t.id, t.status]), [[second.id, result.status]]);
    assert.ok(!closed.warnings.some((w) => w.code === 'LLMR_TEST_INCOMPLETE'));
  });
});

describe('llm-report fold (CLI)', () => {
  const cli = (args: string[], cwd: string) => spawnSync(NODE, [CLI, ...args], { cwd, encoding: 'utf8', env: cleanEnv() });

  it('--help works for the program and for fold', () => {
    const main = cli(['--help'], REPO);
    assert.equal(main.status, 0);
    assert.match(main.stdout, /Commands:\n\s+fold/);
    const f = cli(['fold', '--help'], REPO);
    assert.equal(f.status, 0);
    assert.match(f.stdout, /Usage: llm-report fold <file\.ndjson\.\.\.> \[--out DIR\]/);
  });

  it('re-folds a truncated journal, names the bad line and exits non-zero', () => {
    const run = runNodeTest(copyFixture('simple'));
    const text = readFileSync(path.join(run.dir, 'llm-report', 'journal.ndjson'), 'utf8');
    const dir = mkdtempSync(path.join(os.tmpdir(), 'llmr-fold-'));
    const cut = text.slice(0, text.lastIndexOf('\n', text.length - 2) - 7);
    writeFileSync(path.join(dir, 'journal.ndjson'), cut);
    const r = cli(['fold', 'journal.ndjson', '--out', 'out'], dir);
    assert.equal(r.status, 1);
    const badLine = cut.split('\n').length;
    assert.match(r.stderr, new RegExp(`skipped 1 bad line\\(s\\): ${badLine}`));
    assert.match(r.stderr, /no run_end line: the run is incomplete/);
    const report = JSON.parse(readFileSync(path.join(dir, 'out', 'report.json'), 'utf8')) as Report;
    assert.equal(report.run.status, 'incomplete');
    assert.equal(report.run.complete, false);
    assert.ok(report.warnings.some((w) => w.code === 'LLMR_NDJSON_NO_RUN_END'));
  });

  it('a complete passing stream folds to exit 0; unknown options and missing files exit 2', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'llmr-fold-'));
    const run = runNodeTest(copyFixture('simple'));
    writeFileSync(path.join(dir, 'r.ndjson'), run.results);
    const ok = cli(['fold', 'r.ndjson'], dir);
    assert.equal(ok.status, 0, ok.stderr);
    assert.match(ok.stdout, /^passed: 11 tests \(9 passed, 0 failed, 0 cancelled, 1 skipped, 1 todo, 0 incomplete\)/);
    const folded = readFileSync(path.join(dir, 'llm-report', 'results.ndjson'), 'utf8');
    assert.equal(folded, run.results, 're-folding results.ndjson is the identity');
    const unknown = cli(['fold', '--frobnicate', 'r.ndjson'], dir);
    assert.equal(unknown.status, 2);
    assert.match(unknown.stderr, /unknown option --frobnicate/);
    const missing = cli(['fold', 'nope.ndjson'], dir);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read nope\.ndjson/);
    const badCmd = cli(['flod'], dir);
    assert.equal(badCmd.status, 2);
    assert.match(badCmd.stderr, /unknown command "flod"/);
  });
});
