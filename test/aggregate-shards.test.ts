// A fixture run as 4 shards (--test-shard=i/4, each into its own output directory) and aggregated
// gives the same tests, statuses, counts and whole-run coverage (lines, functions, branches) as one unsharded run; the same
// inputs aggregated twice give byte-identical outputs; a missing shard makes the aggregate incomplete.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { generateKeyPairSync } from 'node:crypto';
import path from 'node:path';
import { copyFixture } from './helpers/run.js';
import { cli, readOutputs, runInto, statuses, type Outputs } from './helpers/aggregate.js';
import { validateLine, validateReport } from '../lib/generated/validators.js';
import type { Report } from '../lib/types.js';

describe('aggregate --policy merge: 4 shards of one run', () => {
  let dir: string;
  let whole: Outputs;
  let agg: Outputs;
  let firstBytes: { report: string; results: string; html: string };

  before(() => {
    dir = copyFixture('shards');
    whole = runInto(dir, 'whole').out;
    for (let i = 1; i <= 4; i++) runInto(dir, `ci/shard-${i}`, [`--test-shard=${i}/4`]);
    const r = cli(['aggregate', 'ci', '--out', 'agg'], dir);
    assert.equal(r.status, 1, `a deliberate failure makes the aggregate fail\n${r.stderr}`);
    agg = readOutputs(path.join(dir, 'agg'));
    firstBytes = { report: readFileSync(path.join(dir, 'agg', 'report.json'), 'utf8'), results: agg.results, html: readFileSync(path.join(dir, 'agg', 'report.html'), 'utf8') };
  });

  it('has the same test ids and statuses as the unsharded run', () => {
    assert.ok(whole.report.tests.length >= 12, 'the fixture has tests');
    assert.deepEqual(statuses(agg.report), statuses(whole.report));
    assert.equal(agg.report.run.status, whole.report.run.status);
    assert.equal(agg.report.run.status, 'failed');
  });

  it('has the same counts, and node\'s own counts add up over the shards', () => {
    assert.deepEqual(agg.report.summary, whole.report.summary);
    if (whole.report.node_counts) assert.deepEqual(agg.report.node_counts, whole.report.node_counts);
  });

  it('has the same whole-run line coverage, file by file', () => {
    assert.ok(whole.coverage.length > 0, 'the unsharded run measured coverage');
    const lines = (o: Outputs) => Object.fromEntries(o.coverage.map((c) => [c.file, c.lines]));
    assert.deepEqual(lines(agg), lines(whole));
    assert.deepEqual(agg.report.coverage?.totals.lines, whole.report.coverage?.totals.lines);
  });

  it('has the same function and branch totals (covered/total) as the unsharded run, file by file', () => {
    const fnBr = (o: Outputs) => Object.fromEntries(o.coverage.map((c) => [c.file, { functions: c.functions, branches: c.branches }]));
    assert.deepEqual(fnBr(agg), fnBr(whole));
    assert.deepEqual(agg.report.coverage?.totals.functions, whole.report.coverage?.totals.functions);
    assert.deepEqual(agg.report.coverage?.totals.branches, whole.report.coverage?.totals.branches);
    assert.deepEqual(agg.report.coverage?.files, whole.report.coverage?.files);
    // Not trivially equal: the shards alone cover less of src/stock.js than the whole run does.
    const stock = (o: Outputs) => o.coverage.find((c) => c.file === 'src/stock.js')!;
    assert.ok(stock(whole).functions.total > 0 && stock(whole).branches.total > 0, 'the fixture has functions and branches');
    const shards = [1, 2, 3, 4].map((i) => readOutputs(path.join(dir, 'ci', `shard-${i}`)).coverage.find((c) => c.file === 'src/stock.js'));
    assert.ok(shards.every((c) => c && c.branches.covered < stock(whole).branches.covered), 'each shard alone covers fewer branches');
    // Every process's profile is kept, as the unsharded run keeps them: an aggregate of this aggregate stays exact too.
    assert.deepEqual(stock(agg).profiles, stock(whole).profiles);
    assert.equal(stock(agg).profiles!.length, 5, 'one profile per test file process that loaded src/stock.js');
    assert.equal(agg.report.warnings.filter((w) => w.code === 'LLMR_AGG_COVERAGE_PARTIAL').length, 0);
  });

  it('writes the same lcov as the unsharded run, byte for byte', () => {
    const lcov = (d: string) => readFileSync(path.join(dir, d, 'coverage', 'lcov.info'), 'utf8');
    assert.equal(lcov('agg'), lcov('whole'));
  });

  it('keeps per-test coverage and attributes every record to its shard run and one group', () => {
    const withCoverage = (r: Report) => Object.fromEntries(r.tests.filter((t) => t.coverage).map((t) => [t.id, t.coverage]));
    assert.deepEqual(withCoverage(agg.report), withCoverage(whole.report));
    const info = agg.report.aggregate!;
    assert.equal(info.policy, 'merge');
    assert.equal(info.groups.length, 1);
    assert.deepEqual(info.groups[0]!.shards, ['1/4', '2/4', '3/4', '4/4']);
    assert.equal(info.sources.length, 4);
    for (const s of info.sources) {
      assert.match(s.path, /^ci\/shard-[1-4]\/results\.ndjson$/);
      assert.match(s.sha256, /^[0-9a-f]{64}$/);
      assert.equal(s.group_id, info.groups[0]!.id);
    }
    const runIds = new Set(info.sources.map((s) => s.run_id));
    assert.equal(runIds.size, 4);
    for (const t of [...agg.report.tests, ...agg.report.suites]) {
      assert.ok(runIds.has(t.run_id!), `${t.name} attributed`);
      assert.equal(t.group_id, info.groups[0]!.id);
    }
    assert.deepEqual(info.flaky, []);
  });

  it('writes valid outputs: report.json, every results.ndjson line, report.html', () => {
    assert.ok(validateReport(agg.report), JSON.stringify(validateReport.errors?.[0]));
    for (const l of agg.lines) assert.ok(validateLine(l), `${l.type}: ${JSON.stringify(validateLine.errors?.[0])}`);
    assert.match(firstBytes.html, /<html/i);
  });

  it('gives byte-identical outputs when the same inputs are aggregated again (every file, seal included)', () => {
    const r = cli(['aggregate', 'ci', '--out', 'agg2'], dir);
    assert.equal(r.status, 1, r.stderr);
    assert.equal(readFileSync(path.join(dir, 'agg2', 'report.json'), 'utf8'), firstBytes.report);
    assert.equal(readFileSync(path.join(dir, 'agg2', 'results.ndjson'), 'utf8'), firstBytes.results);
    assert.equal(readFileSync(path.join(dir, 'agg2', 'report.html'), 'utf8'), firstBytes.html);
    const files = (d: string) => (readdirSync(path.join(dir, d), { recursive: true }) as string[]).filter((f) => statSync(path.join(dir, d, f)).isFile()).sort();
    assert.deepEqual(files('agg2'), files('agg'));
    assert.ok(files('agg').includes('SHA256SUMS') && files('agg').includes(path.join('coverage', 'lcov.info')));
    for (const f of files('agg')) assert.ok(readFileSync(path.join(dir, 'agg', f)).equals(readFileSync(path.join(dir, 'agg2', f))), f);
  });

  it('is sealed like a run: llm-report verify passes, and with signing configured it is signed', () => {
    assert.equal(cli(['verify', 'agg'], dir).status, 0, 'SHA256SUMS and manifest.json over the aggregate');
    const { privateKey } = generateKeyPairSync('ed25519');
    writeFileSync(path.join(dir, 'signing-key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const r = cli(['aggregate', 'ci', '--out', 'agg-signed'], dir, { LLM_REPORT_SIGNING__METHOD: 'ed25519', LLM_REPORT_SIGNING__KEY_FILE: 'signing-key.pem' });
    assert.equal(r.status, 1, r.stderr);
    assert.ok(existsSync(path.join(dir, 'agg-signed', 'SHA256SUMS.sig')));
    assert.equal(readOutputs(path.join(dir, 'agg-signed')).report.integrity?.signature?.algorithm, 'ed25519');
    const verified = cli(['verify', 'agg-signed'], dir);
    assert.equal(verified.status, 0, verified.stdout + verified.stderr);
    writeFileSync(path.join(dir, 'agg-signed', 'results.ndjson'), 'tampered\n');
    assert.notEqual(cli(['verify', 'agg-signed'], dir).status, 0);
  });

  it('a missing shard makes the aggregate incomplete, with LLMR_AGG_SHARDS naming it', () => {
    const r = cli(['aggregate', 'ci/shard-1', 'ci/shard-2', 'ci/shard-4', '--out', 'agg-missing'], dir);
    assert.equal(r.status, 1);
    const { report } = readOutputs(path.join(dir, 'agg-missing'));
    assert.equal(report.run.status, 'incomplete');
    assert.equal(report.run.complete, false);
    const w = report.warnings.find((x) => x.code === 'LLMR_AGG_SHARDS');
    assert.match(w?.message ?? '', /missing shard 3\/4/);
    assert.match(r.stderr, /LLMR_AGG_SHARDS/);
  });

  it('never reads its own output: an input inside --out is refused, and --out inside an input is skipped', () => {
    const refused = cli(['aggregate', 'agg', '--out', 'agg'], dir);
    assert.equal(refused.status, 2);
    assert.match(refused.stderr, /agg: is inside the output directory agg; aggregate never reads its own output/);
    // ci/ now also holds an earlier aggregate: searching ci/ skips it (and the new output directory).
    assert.equal(cli(['aggregate', 'ci', '--out', 'ci/agg'], dir).status, 1);
    const again = cli(['aggregate', 'ci', '--out', 'ci/agg'], dir);
    assert.equal(again.status, 1, again.stderr);
    assert.equal(readOutputs(path.join(dir, 'ci', 'agg')).report.aggregate!.sources.length, 4);
    assert.equal(readFileSync(path.join(dir, 'ci', 'agg', 'results.ndjson'), 'utf8'), firstBytes.results);
  });
});
