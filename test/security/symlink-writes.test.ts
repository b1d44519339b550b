// Attack: links planted in the output directory (journal.ndjson -> a file elsewhere, coverage -> another
// directory, ...) so that llm-report truncates or overwrites files outside it (DESIGN.md invariant 6).
// A link is planted at EVERY artifact name of a real run, of each CLI command that writes, and of the
// answer cache; afterwards every byte outside is unchanged, no file was created there, and each artifact
// is a regular file of its own (the link replaced), or the command refused with a clear error.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { copyFileSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { copyFixture, runNodeTest, type RunResult } from '../helpers/run.js';
import { cli } from '../helpers/evidence.js';
import { elsewhere, plant, regularOrAbsent, snapshot, type Elsewhere } from '../helpers/planted.js';
import { AnnotationCache, pruneCache } from '../../lib/llm/cache.js';
import { Journal, writeAtomic } from '../../lib/output/write.js';
import { writeIn } from '../../lib/output/safe-fs.js';

/** Every name a signed run with coverage, requirements and a dependency snapshot writes (or removes). */
const RUN_NAMES = [
  'journal.ndjson', 'journal.chain', 'results.ndjson', 'report.json', 'report.html', 'report.pdf',
  'requirements.csv', 'dependencies.json', 'manifest.json', 'SHA256SUMS', 'VERIFY.md', 'SHA256SUMS.sig',
  'SHA256SUMS.hmac-sha256', 'signing-key.pub.pem', '.llm-report-output', 'coverage',
];
const WRITTEN = RUN_NAMES.filter((n) => !['report.pdf', 'SHA256SUMS.hmac-sha256', 'coverage'].includes(n));

function assertUntouched(world: Elsewhere, before: Record<string, string>, what: string): void {
  assert.deepEqual(snapshot(world.dir), before, `${what}: files outside the output directory changed or were created`);
}

function assertRegular(dir: string, names: readonly string[], what: string): void {
  for (const n of names) assert.equal(regularOrAbsent(dir, n), 'file', `${what}: ${n}`);
}

describe('links planted in the output directory are replaced, never followed', () => {
  let project: string;
  let run: RunResult;
  let world: Elsewhere;
  let outside: Record<string, string>;
  const env: Record<string, string> = { LLM_REPORT_SIGNING__METHOD: 'ed25519', LLM_REPORT_SIGNING__KEY_FILE: 'signing-key.pem' };

  before(() => {
    project = copyFixture('evidence');
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(path.join(project, 'signing-key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    world = elsewhere();
    // journal.chain as a hard link: opening it for writing would truncate the shared file.
    plant(path.join(project, 'llm-report'), RUN_NAMES, world, ['journal.chain']);
    outside = snapshot(world.dir);
    // Files named: node's own test discovery (Node 20) trips over dangling links in the project.
    run = runNodeTest(project, { env, files: ['test/dose.test.js'] });
  });

  it('a real run: nothing outside changes; every artifact is a regular file of its own; the set verifies', () => {
    assert.doesNotMatch(run.stderr, /LLMR_OUTPUT|cannot (write|seal)/, run.stderr);
    assertUntouched(world, outside, 'reporter run');
    const out = path.join(project, 'llm-report');
    assertRegular(out, WRITTEN, 'reporter run');
    assert.ok(lstatSync(path.join(out, 'coverage')).isDirectory(), 'coverage is a real directory');
    assertRegular(out, ['coverage/lcov.info', 'coverage/coverage-final.json'], 'reporter run');
    // Names this run does not write: the planted links are gone, nothing took their place.
    for (const n of ['report.pdf', 'SHA256SUMS.hmac-sha256']) assert.equal(regularOrAbsent(out, n), 'absent', n);
    assert.ok(run.report && run.report.tests.length > 0, 'report.json written');
    assert.match(readFileSync(path.join(out, 'journal.ndjson'), 'utf8'), /"type":"run_end"/);
    const v = cli(['verify', 'llm-report'], project, env);
    assert.equal(v.status, 0, v.stdout + v.stderr);
  });

  it('llm-report seal: links at the seal files are replaced', () => {
    const out = path.join(project, 'llm-report');
    const w = elsewhere();
    const seal = ['manifest.json', 'SHA256SUMS', 'VERIFY.md', 'SHA256SUMS.sig', 'signing-key.pub.pem', 'SHA256SUMS.hmac-sha256'];
    for (const n of seal) rmSync(path.join(out, n), { force: true });
    plant(out, seal, w);
    const before = snapshot(w.dir);
    const r = cli(['seal', 'llm-report'], project, env);
    assert.equal(r.status, 0, r.stderr);
    assertUntouched(w, before, 'seal');
    assertRegular(out, seal.slice(0, -1), 'seal');
    const v = cli(['verify', 'llm-report'], project, env);
    assert.equal(v.status, 0, v.stdout + v.stderr);
  });

  it('llm-report fold --out: links at results.ndjson, report.json, report.html, coverage/ replaced', () => {
    const w = elsewhere();
    const input = path.join(mkdtempSync(path.join(os.tmpdir(), 'llmr-in-')), 'run.ndjson');
    copyFileSync(path.join(project, 'llm-report', 'results.ndjson'), input);
    const out = path.join(project, 'folded');
    plant(out, ['results.ndjson', 'report.json', 'report.html', 'requirements.csv', 'coverage'], w);
    const before = snapshot(w.dir);
    const r = cli(['fold', input, '--out', 'folded'], project);
    assert.ok(r.status === 0 || r.status === 1, r.stderr);
    assertUntouched(w, before, 'fold');
    assertRegular(out, ['results.ndjson', 'report.json', 'requirements.csv', 'coverage/lcov.info', 'coverage/coverage-final.json'], 'fold');
    // fold writes no page: the link planted there is gone and nothing took its place.
    assert.equal(regularOrAbsent(out, 'report.html'), 'absent');
  });

  it('llm-report aggregate --out: links at the report, the seal and coverage/ replaced', () => {
    const w = elsewhere();
    const inputs = mkdtempSync(path.join(os.tmpdir(), 'llmr-in-'));
    copyFileSync(path.join(project, 'llm-report', 'results.ndjson'), path.join(inputs, 'results.ndjson'));
    const out = path.join(project, 'agg');
    plant(out, ['results.ndjson', 'report.json', 'report.html', 'manifest.json', 'SHA256SUMS', 'VERIFY.md', 'journal.ndjson', 'coverage'], w);
    const before = snapshot(w.dir);
    const r = cli(['aggregate', path.join(inputs, 'results.ndjson'), '--out', 'agg'], project);
    assert.ok(r.status === 0 || r.status === 1, r.stderr);
    assertUntouched(w, before, 'aggregate');
    assertRegular(out, ['results.ndjson', 'report.json', 'report.html', 'manifest.json', 'SHA256SUMS', 'VERIFY.md', 'coverage/lcov.info'], 'aggregate');
    assert.equal(regularOrAbsent(out, 'journal.ndjson'), 'absent');
  });

  it('llm-report render --out: a link at report.html replaced', () => {
    const w = elsewhere();
    const out = path.join(project, 'rendered');
    plant(out, ['report.html', 'report.pdf'], w);
    const before = snapshot(w.dir);
    const r = cli(['render', 'llm-report/report.json', '--out', 'rendered'], project);
    assert.equal(r.status, 0, r.stderr);
    assertUntouched(w, before, 'render');
    assertRegular(out, ['report.html'], 'render');
  });

  it('llm-report trace --out and bundle --out: a link at the file named is replaced', () => {
    const w = elsewhere();
    symlinkSync(w.file('trace.csv'), path.join(project, 'trace.csv'));
    symlinkSync(w.absent('evidence.tar'), path.join(project, 'evidence.tar'));
    const before = snapshot(w.dir);
    const t = cli(['trace', 'llm-report', '--out', 'trace.csv'], project);
    assert.equal(t.status, 0, t.stderr);
    const b = cli(['bundle', 'llm-report', '--out', 'evidence.tar'], project, env);
    assert.equal(b.status, 0, b.stderr);
    assertUntouched(w, before, 'trace/bundle');
    assertRegular(project, ['trace.csv', 'evidence.tar'], 'trace/bundle');
    assert.match(readFileSync(path.join(project, 'trace.csv'), 'utf8'), /REQ-1/);
  });

  it('llm-report inventory --out: a link at inventory.json replaced', () => {
    const w = elsewhere();
    const out = path.join(project, 'inv');
    plant(out, ['inventory.json'], w);
    const before = snapshot(w.dir);
    const r = cli(['inventory', '--out', 'inv'], project);
    assert.equal(r.status, 0, r.stderr);
    assertUntouched(w, before, 'inventory');
    assertRegular(out, ['inventory.json'], 'inventory');
  });
});

describe('the answer cache never writes or prunes through a planted link', () => {
  const entry = (key: string) => ({
    key,
    provider: 'openai',
    host: 'localhost',
    model: 'm',
    prompt_version: '1',
    prompt_sha256: 'a'.repeat(64),
    answer: { scenario: 'checks the dose cap', why_needed: 'an overdose harms the patient', key_assertions: ['the dose is capped'] },
    usage: { input_tokens: 1, output_tokens: 1 },
    created_at: '2026-01-01T00:00:00.000Z',
  });

  it('a linked shard directory is replaced by a real one; a link at an entry is replaced; prune skips linked shards', async () => {
    const world = elsewhere();
    const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'llmr-cache-')));
    const k1 = 'ab' + '1'.repeat(62);
    const k2 = 'cd' + '2'.repeat(62);
    // The shard "ab" links to a directory elsewhere holding a file with an entry's name.
    const foreignShard = path.join(world.dir, 'shard');
    mkdirSync(foreignShard);
    writeFileSync(path.join(foreignShard, `${k1}.json`), 'precious, named like a cache entry\n');
    symlinkSync(foreignShard, path.join(dir, 'ab'), 'dir');
    mkdirSync(path.join(dir, 'cd'));
    symlinkSync(world.file('entry'), path.join(dir, 'cd', `${k2}.json`));
    const before = snapshot(world.dir);
    // Prune first: through the link it would delete the foreign "entry" (it is corrupt as an entry).
    pruneCache(dir, { maxAgeDays: 0 });
    assertUntouched(world, before, 'prune');
    const cache = new AnnotationCache(dir);
    await cache.write(entry(k1));
    await cache.write(entry(k2));
    assertUntouched(world, before, 'cache write');
    assert.ok(lstatSync(path.join(dir, 'ab')).isDirectory(), 'shard ab is a real directory');
    assertRegular(dir, [`ab/${k1}.json`, `cd/${k2}.json`], 'cache');
    assert.ok('hit' in cache.read(k1) && 'hit' in cache.read(k2));
  });
});

describe('what cannot be replaced is refused with a clear error', () => {
  it('a directory (or a linked directory) where a file belongs: the write fails naming it; nothing outside changes', () => {
    const world = elsewhere();
    const out = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'llmr-out-')));
    mkdirSync(path.join(out, 'report.json'));
    const before = snapshot(world.dir);
    assert.throws(() => writeAtomic(path.join(out, 'report.json'), '{}\n'), /report\.json: is a directory; llm-report writes a file there/);
    // A file where a directory belongs (coverage), after the link planted there was replaced elsewhere.
    writeFileSync(path.join(out, 'coverage'), 'a file\n');
    assert.throws(() => writeIn(out, 'coverage/lcov.info', 'x'), /coverage: exists and is not a directory \(a file\)/);
    // A journal name that is a linked directory: the link goes, the journal is created, the target untouched.
    symlinkSync(world.coverageDir, path.join(out, 'journal.ndjson'), 'dir');
    const j = new Journal(path.join(out, 'journal.ndjson'));
    j.close();
    assert.equal(regularOrAbsent(out, 'journal.ndjson'), 'file');
    assertUntouched(world, before, 'refusals');
    assert.deepEqual(readdirSync(out).filter((f) => f.includes('.tmp-')), [], 'no temp file left');
  });
});
