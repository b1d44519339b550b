// Every `llm-report` command through runCli's public contract (argv in; exit status, stdout and stderr
// out), in this process: the same command code as the binary, so our own coverage measures it. Inputs
// are real runs of fixtures; error paths must name what is wrong and exit with the documented status.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync, chmodSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { copyFixture, runNodeTest, type RunResult } from './helpers/run.js';
import { cliInProcess, flipByte } from './helpers/evidence.js';
import { startFakeOpenAI, type FakeOpenAI } from './helpers/fake-openai.js';
import { FAKE_KEY, readReport } from './helpers/llm.js';
import { validateReport, validateInventory } from '../lib/generated/validators.js';
import type { Report } from '../lib/types.js';

const tmp = (name: string): string => mkdtempSync(path.join(os.tmpdir(), `llmr-cli-${name}-`));
const readJson = <T>(file: string): T => JSON.parse(readFileSync(file, 'utf8')) as T;
const copyDir = (from: string): string => {
  const to = tmp('copy');
  cpSync(from, to, { recursive: true, filter: (src) => !src.includes(`${path.sep}node_modules`) });
  return to;
};

describe('llm-report in-process: dispatch', () => {
  it('no command prints the command list and exits 2; --help and help <cmd> exit 0', async () => {
    const none = await cliInProcess([], os.tmpdir());
    assert.equal(none.status, 2);
    for (const cmd of ['fold', 'annotate', 'cache', 'render', 'aggregate', 'verify', 'bundle', 'seal', 'trace', 'inventory']) assert.match(none.stdout, new RegExp(`^  ${cmd} `, 'm'));
    assert.equal((await cliInProcess(['--help'], os.tmpdir())).status, 0);
    const help = await cliInProcess(['help', 'trace'], os.tmpdir());
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^Usage: llm-report trace /);
    const version = await cliInProcess(['--version'], os.tmpdir());
    assert.equal(version.stdout, `${readJson<{ version: string }>(path.join(import.meta.dirname, '..', '..', 'package.json')).version}\n`);
  });

  it('an unknown command names it and exits 2', async () => {
    const r = await cliInProcess(['flod'], os.tmpdir());
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown command "flod"/);
  });

  it('every command has --help (exit 0) and rejects an unknown option (exit 2, naming it)', async () => {
    for (const cmd of ['fold', 'annotate', 'render', 'aggregate', 'verify', 'bundle', 'seal', 'trace', 'inventory']) {
      const h = await cliInProcess([cmd, '--help'], os.tmpdir());
      assert.equal(h.status, 0, cmd);
      assert.match(h.stdout, new RegExp(`^Usage: llm-report ${cmd}`), cmd);
      const bad = await cliInProcess([cmd, 'x', '--bogus-flag'], os.tmpdir());
      assert.equal(bad.status, 2, `${cmd}: ${bad.stderr}`);
      assert.match(bad.stderr, /--bogus-flag|x/, cmd);
    }
    const cache = await cliInProcess(['cache'], os.tmpdir());
    assert.equal(cache.status, 2);
    assert.match(cache.stdout, /^Usage: llm-report cache prune/);
    const sub = await cliInProcess(['cache', 'purge'], os.tmpdir());
    assert.equal(sub.status, 2);
    assert.match(sub.stderr, /unknown subcommand "purge"/);
  });
});

describe('llm-report in-process on a real run (llm fixture: passes and failures)', () => {
  let run: RunResult;
  let second: RunResult;
  let report: Report;
  before(() => {
    run = runNodeTest(copyFixture('llm'));
    assert.ok(run.report, run.stderr);
    report = run.report;
    second = runNodeTest(copyFixture('llm'));
    assert.ok(second.report, second.stderr);
  });

  it('fold: re-folds results.ndjson to the same verdict and counts; exit 1 for a failed run', async () => {
    const out = tmp('fold');
    const r = await cliInProcess(['fold', 'llm-report/results.ndjson', '--out', out], run.dir);
    assert.equal(report.run.status, 'failed');
    assert.equal(r.status, 1, r.stderr);
    const folded = readJson<Report>(path.join(out, 'report.json'));
    assert.ok(validateReport(folded), JSON.stringify(validateReport.errors?.[0]));
    assert.deepEqual(folded.summary, report.summary);
    assert.deepEqual(folded.tests.map((t) => [t.id, t.status]), report.tests.map((t) => [t.id, t.status]));
    assert.match(r.stdout, new RegExp(`^failed: ${report.summary.tests} tests \\(${report.summary.passed} passed, ${report.summary.failed} failed`));
  });

  it('fold: a bad line is skipped and located (file:line); a stream without run_end is incomplete', async () => {
    const lines = readFileSync(path.join(run.dir, 'llm-report', 'results.ndjson'), 'utf8').split('\n').filter(Boolean);
    const dir = tmp('fold-bad');
    const cut = lines.filter((l) => !l.includes('"type":"run_end"'));
    writeFileSync(path.join(dir, 's.ndjson'), [cut[0], '{not json', ...cut.slice(1)].join('\n') + '\n');
    const r = await cliInProcess(['fold', 's.ndjson', '--out=o'], dir);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /s\.ndjson: skipped 1 bad line\(s\): .*2/);
    assert.match(r.stderr, /no run_end line: the run is incomplete/);
    const folded = readJson<Report>(path.join(dir, 'o', 'report.json'));
    assert.equal(folded.run.complete, false);
    assert.ok(folded.warnings.some((w) => w.code === 'LLMR_NDJSON_BAD_LINE'));
  });

  it('fold: missing input, no input and a missing --out value are usage errors (exit 2)', async () => {
    const missing = await cliInProcess(['fold', 'nope.ndjson'], run.dir);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read nope\.ndjson/);
    assert.equal((await cliInProcess(['fold'], run.dir)).status, 2);
    const noOut = await cliInProcess(['fold', 'llm-report/results.ndjson', '--out'], run.dir);
    assert.equal(noOut.status, 2);
    assert.match(noOut.stderr, /--out needs a directory/);
  });

  it('render: writes one self-contained report.html from report.json; --no-html alone is a usage error', async () => {
    const out = tmp('render');
    const r = await cliInProcess(['render', 'llm-report', '--out', out], run.dir);
    assert.equal(r.status, 0, r.stderr);
    const html = readFileSync(path.join(out, 'report.html'), 'utf8');
    assert.match(html, /Content-Security-Policy/);
    for (const t of report.tests) assert.ok(html.includes(t.id), `test ${t.name} on the page`);
    const none = tmp('render-none');
    const nothing = await cliInProcess(['render', 'llm-report/report.json', '--out', none, '--no-html'], run.dir);
    assert.equal(nothing.status, 2);
    assert.match(nothing.stderr, /--no-html without --pdf leaves nothing to do/);
    assert.deepEqual(readdirSync(none), []);
  });

  it('render: a missing or invalid report.json is a located error (exit 2); --pdf without a browser exits 1 and keeps the HTML', async () => {
    const missing = await cliInProcess(['render', 'nowhere'], run.dir);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /nowhere/);
    const dir = tmp('render-bad');
    writeFileSync(path.join(dir, 'report.json'), '{"schema_version": "1", "tests": 3}\n');
    const invalid = await cliInProcess(['render', 'report.json'], dir);
    assert.equal(invalid.status, 2);
    assert.match(invalid.stderr, /report\.json/);
    writeFileSync(path.join(dir, 'report.json'), '{"tests": [');
    const broken = await cliInProcess(['render', 'report.json'], dir);
    assert.equal(broken.status, 2);
    assert.match(broken.stderr, /report\.json/);
    const out = tmp('render-pdf');
    const pdf = await cliInProcess(['render', 'llm-report', '--out', out, '--pdf', '--chromium', path.join(dir, 'no-such-chromium')], run.dir);
    assert.equal(pdf.status, 1, pdf.stderr);
    assert.match(pdf.stderr, /LLMR_PDF_(UNAVAILABLE|FAILED)/);
    assert.ok(existsSync(path.join(out, 'report.html')));
    assert.ok(!existsSync(path.join(out, 'report.pdf')));
  });

  it('annotate with provider none sends nothing and changes nothing', async () => {
    const dir = copyDir(run.dir);
    const before = readFileSync(path.join(dir, 'llm-report', 'report.json'), 'utf8');
    const r = await cliInProcess(['annotate', 'llm-report', '--provider', 'none'], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /provider is "none": nothing is sent/);
    assert.equal(readFileSync(path.join(dir, 'llm-report', 'report.json'), 'utf8'), before);
  });

  it('annotate: bad numbers, an unknown provider and a missing run are usage errors (exit 2)', async () => {
    const bad = await cliInProcess(['annotate', 'llm-report', '--concurrency', 'lots'], run.dir);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /concurrency/);
    const provider = await cliInProcess(['annotate', 'llm-report', '--provider', 'oracle'], run.dir);
    assert.equal(provider.status, 2);
    assert.match(provider.stderr, /oracle|provider/);
    const missing = await cliInProcess(['annotate', 'no-run', '--provider', 'openai', '--base-url', 'http://127.0.0.1:9/v1', '--model', 'm'], run.dir);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /no-run/);
    assert.equal((await cliInProcess(['annotate'], run.dir)).status, 2);
  });

  describe('annotate against an OpenAI-compatible server, then cache prune', () => {
    let server: FakeOpenAI;
    const savedKey = process.env.OPENAI_API_KEY;
    before(async () => {
      server = await startFakeOpenAI();
      process.env.OPENAI_API_KEY = FAKE_KEY;
    });
    after(async () => {
      await server.close();
      if (savedKey === undefined) delete process.env.OPENAI_API_KEY;
      else process.env.OPENAI_API_KEY = savedKey;
    });

    it('annotates every test once, says what it sends, caches; a second run sends nothing; prune empties the cache', async () => {
      const dir = copyDir(run.dir);
      const args = ['annotate', 'llm-report', '--provider', 'openai', '--base-url', server.url, '--model', 'fake-model', '--cache-dir', 'cache', '--concurrency', '2', '--retries', '0', '--timeout-ms', '10000'];
      const first = await cliInProcess(args, dir);
      assert.equal(first.status, 0, first.stderr);
      assert.match(first.stderr, /LLMR_LLM_SENDING/);
      // The run is sealed: the annotations are in its addendum; readReport applies them.
      assert.ok(existsSync(path.join(dir, 'llm-report', 'addenda', '001', 'annotations.json')), 'annotations of a sealed run go into an addendum');
      const annotated = readReport(dir);
      assert.ok(validateReport(annotated), JSON.stringify(validateReport.errors?.[0]));
      assert.equal(server.requests.length, report.tests.length, 'one request per test');
      assert.ok(annotated.tests.every((t) => t.annotation), 'every test annotated');
      assert.deepEqual(annotated.summary, report.summary, 'annotations never change the verdict');
      for (const req of server.requests) assert.ok(!req.body.includes(FAKE_KEY) && !req.body.includes('hunter2-canary-77'), 'no key or secret sent');

      const again = await cliInProcess(args, dir);
      assert.equal(again.status, 0, again.stderr);
      assert.equal(server.requests.length, report.tests.length, 'all answers from the cache');

      const entries = readdirSync(path.join(dir, 'cache'), { recursive: true }).filter((f) => String(f).endsWith('.json'));
      assert.equal(entries.length, report.tests.length);
      const dry = await cliInProcess(['cache', 'prune', '--dir', 'cache', '--all', '--dry-run'], dir);
      assert.equal(dry.status, 0, dry.stderr);
      assert.match(dry.stdout, new RegExp(`\\b${entries.length}\\b`));
      assert.equal(readdirSync(path.join(dir, 'cache'), { recursive: true }).filter((f) => String(f).endsWith('.json')).length, entries.length, 'dry run removes nothing');
      const all = await cliInProcess(['cache', 'prune', '--dir=cache', '--all'], dir);
      assert.equal(all.status, 0, all.stderr);
      assert.equal(readdirSync(path.join(dir, 'cache'), { recursive: true }).filter((f) => String(f).endsWith('.json')).length, 0);
    });

    it('cache prune: a bad --max-age-days and an unknown option are usage errors', async () => {
      const bad = await cliInProcess(['cache', 'prune', '--max-age-days', 'soon'], run.dir);
      assert.equal(bad.status, 2);
      assert.match(bad.stderr, /max-age-days/);
      const unknown = await cliInProcess(['cache', 'prune', '--frobnicate'], run.dir);
      assert.equal(unknown.status, 2);
      assert.match(unknown.stderr, /--frobnicate/);
    });
  });

  it('aggregate: one run merges to the same tests; latest and all policies over two runs; usage errors', async () => {
    const out = tmp('agg');
    const r = await cliInProcess(['aggregate', path.join(run.dir, 'llm-report'), '--out', out], run.dir);
    assert.equal(r.status, 1, r.stderr);
    const merged = readJson<Report>(path.join(out, 'report.json'));
    assert.ok(validateReport(merged), JSON.stringify(validateReport.errors?.[0]));
    assert.deepEqual(merged.tests.map((t) => [t.id, t.status]), report.tests.map((t) => [t.id, t.status]));
    assert.ok(existsSync(path.join(out, 'SHA256SUMS')), 'the aggregate is sealed');
    assert.equal((await cliInProcess(['verify', out], run.dir)).status, 0);

    const runs = ['llm-report/results.ndjson', path.join(second.dir, 'llm-report', 'results.ndjson')];
    const latest = tmp('agg-latest');
    const l = await cliInProcess(['aggregate', ...runs, '--policy', 'latest', '--out', latest], run.dir);
    assert.equal(l.status, 1, l.stderr);
    assert.equal(readJson<Report>(path.join(latest, 'report.json')).summary.tests, report.summary.tests, 'one result per test');
    const all = tmp('agg-all');
    const a = await cliInProcess(['aggregate', ...runs, '--policy=all', '--out', all], run.dir);
    assert.equal(a.status, 1, a.stderr);
    assert.equal(readJson<Report>(path.join(all, 'report.json')).tests.length, 2 * report.tests.length, 'every result of every run');
    const mixed = await cliInProcess(['aggregate', 'llm-report/results.ndjson', 'llm-report/report.json', '--out', tmp('agg-mixed')], run.dir);
    assert.equal(mixed.status, 2);
    assert.match(mixed.stderr, /has run id .*different content/);

    const policy = await cliInProcess(['aggregate', 'llm-report', '--policy', 'best'], run.dir);
    assert.equal(policy.status, 2);
    assert.match(policy.stderr, /best/);
    assert.equal((await cliInProcess(['aggregate'], run.dir)).status, 2);
    const missing = await cliInProcess(['aggregate', 'nowhere', '--out', tmp('agg-missing')], run.dir);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /nowhere/);
  });

  it('seal, verify, bundle: a sealed set verifies, a flipped byte is named, the bundle verifies and is reproducible', async () => {
    const dir = copyDir(run.dir);
    const sealed = await cliInProcess(['seal', 'llm-report'], dir);
    assert.equal(sealed.status, 0, sealed.stderr);
    const ok = await cliInProcess(['verify', 'llm-report'], dir);
    assert.equal(ok.status, 0, ok.stdout + ok.stderr);

    const tarA = await cliInProcess(['bundle', 'llm-report', '--out', 'a.tar'], dir);
    assert.equal(tarA.status, 0, tarA.stderr);
    const sha = createHash('sha256').update(readFileSync(path.join(dir, 'a.tar'))).digest('hex');
    assert.equal(tarA.stdout.trim(), `${sha}  a.tar`);
    assert.equal((await cliInProcess(['bundle', 'llm-report', '--out=b.tar'], dir)).status, 0);
    assert.deepEqual(readFileSync(path.join(dir, 'b.tar')), readFileSync(path.join(dir, 'a.tar')), 'same set, same bytes');
    assert.equal((await cliInProcess(['verify', 'a.tar'], dir)).status, 0);

    flipByte(path.join(dir, 'llm-report', 'report.json'));
    const bad = await cliInProcess(['verify', 'llm-report'], dir);
    assert.equal(bad.status, 1);
    assert.match(bad.stdout + bad.stderr, /report\.json/);
    const refused = await cliInProcess(['bundle', 'llm-report', '--out', 'c.tar'], dir);
    assert.equal(refused.status, 1);
    assert.ok(!existsSync(path.join(dir, 'c.tar')), 'a set that fails is not packed');

    const missing = await cliInProcess(['verify', 'nothing-here'], dir);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /nothing-here/);
  });

  it('verify --fingerprint: a malformed one is a usage error; one that signed nothing fails', async () => {
    const malformed = await cliInProcess(['verify', 'llm-report', '--fingerprint', 'aaaa'], run.dir);
    assert.equal(malformed.status, 2);
    assert.match(malformed.stderr, /--fingerprint must be 64 hex digits/);
    const r = await cliInProcess(['verify', 'llm-report', '--fingerprint', 'a'.repeat(64)], run.dir);
    assert.equal(r.status, 1, r.stdout + r.stderr);
  });
});

describe('llm-report trace in-process (evidence fixture: requirements)', () => {
  let run: RunResult;
  before(() => {
    run = runNodeTest(copyFixture('evidence'));
    assert.ok(run.report, run.stderr);
  });

  it('writes the same matrix as the reporter\'s requirements.csv, to stdout or --out', async () => {
    const expected = readFileSync(path.join(run.dir, 'llm-report', 'requirements.csv'), 'utf8');
    assert.match(expected, /^requirement,title,requirement_status,test_id,test_name,test_file,test_line,test_status,requirement_coverage,in_catalogue\n/);
    const r = await cliInProcess(['trace'], run.dir);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, expected);
    const file = await cliInProcess(['trace', 'llm-report/report.json', '--out', 'm.csv'], run.dir);
    assert.equal(file.status, 0, file.stderr);
    assert.equal(readFileSync(path.join(run.dir, 'm.csv'), 'utf8'), expected);
  });

  it('a missing report or unwritable --out is a located error (exit 2)', async () => {
    const missing = await cliInProcess(['trace', 'gone/report.json'], run.dir);
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /gone/);
    const ro = tmp('trace-ro');
    mkdirSync(path.join(ro, 'locked'));
    chmodSync(path.join(ro, 'locked'), 0o500);
    const unwritable = await cliInProcess(['trace', path.join(run.dir, 'llm-report'), '--out', 'locked/sub/m.csv'], ro);
    // root ignores directory modes: only a non-root user sees the write fail.
    if (process.getuid?.() !== 0) {
      assert.equal(unwritable.status, 2);
      assert.match(unwritable.stderr, /locked/);
    }
    writeFileSync(path.join(ro, 'file'), 'x');
    const notDir = await cliInProcess(['trace', path.join(run.dir, 'llm-report'), '--out', 'file/m.csv'], ro);
    assert.equal(notDir.status, 2);
    assert.match(notDir.stderr, /file\/m\.csv|file/);
  });
});

describe('llm-report inventory in-process', () => {
  it('lists the declared tests without running bodies; a file that fails to load exits 1', async () => {
    const dir = copyFixture('inventory');
    // The CLI starts its own `node --test`; it must not inherit the outer run's preload.
    const saved = process.env.NODE_OPTIONS;
    delete process.env.NODE_OPTIONS;
    try {
      const r = await cliInProcess(['inventory', '--out', 'inv', '--', 'test/broken.test.js', 'test/declared.test.js'], dir);
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /test\/broken\.test\.js failed to load/);
      assert.match(r.stdout, /^inventory: 8 tests, \d+ suites in 2 files \(1 failed to load\)/);
      const inv = readJson<{ counts: { tests: number } }>(path.join(dir, 'inv', 'inventory.json'));
      assert.ok(validateInventory(inv), JSON.stringify(validateInventory.errors?.[0]));
      assert.equal(inv.counts.tests, 8);
      assert.ok(!existsSync(path.join(dir, 'ran.txt')) || !readFileSync(path.join(dir, 'ran.txt'), 'utf8').includes('body:'), 'no test body ran');
    } finally {
      if (saved !== undefined) process.env.NODE_OPTIONS = saved;
    }
    const iso = await cliInProcess(['inventory', '--', '--test-isolation=none'], dir);
    assert.equal(iso.status, 2);
    assert.match(iso.stderr, /process isolation/);
    assert.equal((await cliInProcess(['inventory', '--out='], dir)).status, 2);
  });
});

