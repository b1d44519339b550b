// Traceability, metadata and provenance through real `node --test` runs: requirement ids from the API,
// from the mapping file and from both reach the NDJSON stream, results.ndjson, report.json, report.html
// and the CSV; the catalogue lists a requirement without tests; git state ignores our own output.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cli, runEvidenceFixture } from './helpers/evidence.js';
import { copyFixture, parseLines, runNodeTest } from './helpers/run.js';
import type { Report, TestLine } from '../lib/types.js';

const EXPECTED: Record<string, string[]> = {
  'dose is capped': ['REQ-1'], // API
  'dose is rounded to 0.1 mg': ['REQ-2'], // mapping (name glob)
  'alarm sounds above level 3': ['REQ-3', 'REQ-4'], // API + mapping (file::name)
  'alarm threshold is inclusive': ['REQ-5'], // mapping, failing test
  'mg per kg': ['REQ-6'], // mapping ("units > *")
  'caps in mg': ['REQ-6'],
};

function byName(lines: Array<{ type: string }>): Record<string, string[] | undefined> {
  const out: Record<string, string[] | undefined> = {};
  for (const l of lines) if (l.type === 'test') out[(l as TestLine).name] = (l as TestLine).requirements;
  return out;
}

function checkIds(got: Record<string, string[] | undefined>, where: string): void {
  for (const [name, ids] of Object.entries(EXPECTED)) assert.deepEqual(got[name], ids, `${where}: ${name}`);
  assert.equal(got['prints what the environment holds'], undefined, `${where}: a test without requirements has none`);
}

for (const mode of ['installed', 'zero-install'] as const) {
  describe(`traceability (${mode})`, () => {
    const run = runEvidenceFixture('none', { bundle: mode === 'zero-install' });
    const out = path.join(run.dir, 'llm-report');

    it('ids from the API, the mapping and both are on the NDJSON stream, the journal, results.ndjson and report.json', () => {
      assert.ok(run.report, run.stderr);
      checkIds(byName(parseLines(run.stream)), 'stream');
      checkIds(byName(parseLines(readFileSync(path.join(out, 'journal.ndjson'), 'utf8'))), 'journal');
      checkIds(byName(parseLines(run.results)), 'results.ndjson');
      checkIds(byName(run.report.tests), 'report.json');
    });

    it('the matrix lists every requirement with its tests and status, the catalogue one without tests too', () => {
      const rows = (run.report as Report).requirements!;
      const ids = (name: string) => run.report!.tests.filter((t) => t.name === name).map((t) => t.id);
      assert.deepEqual(
        rows.map((r) => [r.id, r.status, r.tests.length]),
        [['REQ-1', 'passed', 1], ['REQ-2', 'passed', 1], ['REQ-3', 'passed', 1], ['REQ-4', 'passed', 1], ['REQ-5', 'failed', 1], ['REQ-6', 'passed', 2], ['REQ-7', 'untested', 0]],
      );
      assert.deepEqual(rows.find((r) => r.id === 'REQ-4')!.tests, ids('alarm sounds above level 3'));
      assert.equal(rows.find((r) => r.id === 'REQ-7')!.title, 'The dose is logged (no test yet)');
      assert.ok(rows.every((r) => r.in_catalogue === true));
      assert.ok(run.report!.warnings.some((w) => w.code === 'LLMR_TRACE_UNTESTED' && /REQ-7/.test(w.message)));
    });

    it('report.html shows the matrix (REQ-7 with no test) and each test its ids', () => {
      const html = readFileSync(path.join(out, 'report.html'), 'utf8');
      const section = /<section id="requirements"[\s\S]*?<\/section>/.exec(html)?.[0] ?? '';
      for (let i = 1; i <= 7; i++) assert.match(section, new RegExp(`REQ-${i}\\b`), `REQ-${i} in the matrix`);
      assert.match(section, /The dose is logged \(no test yet\)/);
      // Per-test data (the list and detail view) carries both ids of the API + mapping test.
      assert.match(html, /"requirements":\["REQ-3","REQ-4"\]/);
    });

    it('requirements.csv and `llm-report trace` give the same CSV', () => {
      const csv = readFileSync(path.join(out, 'requirements.csv'), 'utf8');
      assert.match(csv, /^requirement,title,requirement_status,test_id,test_name,test_file,test_line,test_status,requirement_coverage,in_catalogue\n/);
      assert.match(csv, /\nREQ-4,"Alarm, audible",passed,[0-9a-f]{16},alarm sounds above level 3,test\/dose\.test\.js,17,passed,fully passing,true\n/);
      assert.match(csv, /\nREQ-6,Units are mg and kg,passed,[0-9a-f]{16},units > caps in mg,test\/dose\.test\.js,\d+,passed,fully passing,true\n/);
      assert.match(csv, /\nREQ-7,The dose is logged \(no test yet\),untested,,,,,,no tests,true\n/);
      const r = cli(['trace', 'llm-report'], run.dir);
      assert.equal(r.status, 0, r.stderr);
      assert.equal(r.stdout, csv);
    });
  });
}

describe('metadata and provenance', () => {
  it('custom_metadata, the responsible person, inputs with hashes and the dependency snapshot', () => {
    const run = runEvidenceFixture('none');
    const r = run.report!;
    assert.deepEqual(r.custom_metadata, { study: 'NGS-panel-v4 verification', protocol: { id: 'VP-012', revision: 3 }, instrument_ids: ['NS500-1', 'NS500-2'] });
    assert.deepEqual(r.provenance?.responsible, { name: 'Dana Reviewer', role: 'V&V engineer' });
    assert.deepEqual(r.provenance?.inputs?.map((i) => [i.kind, i.path]), [
      ['lockfile', 'package-lock.json'],
      ['metadata', 'metadata.yaml'],
      ['requirements_catalogue', 'requirements/catalogue.csv'],
      ['requirements_mapping', 'requirements/mapping.yaml'],
    ]);
    assert.equal(r.provenance?.git, undefined, 'a temp dir outside git has no git state');
    assert.match(r.run.config_sha256, /^[0-9a-f]{64}$/);
    assert.ok(r.run.argv.includes('--test'));
    assert.equal(typeof r.provenance?.os.release, 'string');
    const deps = JSON.parse(readFileSync(path.join(run.dir, 'llm-report', 'dependencies.json'), 'utf8'));
    assert.deepEqual(deps.packages.map((p: { name: string; version: string }) => `${p.name}@${p.version}`), ['@acme/tool@1.0.0', 'left-pad@1.3.0']);
    assert.equal(deps.root.version, '2.3.1');
    assert.equal(r.provenance?.dependencies?.packages, 2);
    assert.ok(!readFileSync(path.join(run.dir, 'llm-report', 'dependencies.json'), 'utf8').includes('resolved'));
    // The whole evidence (metadata and provenance included) survives a re-fold of the journal.
    const fold = cli(['fold', 'llm-report/journal.ndjson', '--out', 'refold'], run.dir);
    assert.equal(fold.status, 1, fold.stderr);
    const again = JSON.parse(readFileSync(path.join(run.dir, 'refold', 'report.json'), 'utf8')) as Report;
    for (const k of ['requirements', 'custom_metadata', 'provenance'] as const) assert.deepEqual(again[k], r[k], k);
  });

  it('git: the commit and a dirty flag that ignores our own output directory', () => {
    const dir = copyFixture('evidence');
    const git = (...args: string[]) => {
      const g = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.org', '-c', 'init.defaultBranch=main', ...args], { cwd: dir, encoding: 'utf8' });
      assert.equal(g.status, 0, g.stderr);
      return g.stdout.trim();
    };
    git('init', '-q');
    git('add', '-A');
    git('commit', '-qm', 'fixture');
    const sha = git('rev-parse', 'HEAD');
    const clean = runNodeTest(dir);
    assert.deepEqual(clean.report?.provenance?.git, { sha, dirty: false }, 'llm-report/ was written during the run and does not count');
    assert.deepEqual(clean.report?.run.git, { sha, dirty: false });
    writeFileSync(path.join(dir, 'src', 'dose.js'), readFileSync(path.join(dir, 'src', 'dose.js'), 'utf8') + '// changed\n');
    const dirty = runNodeTest(dir);
    assert.deepEqual(dirty.report?.provenance?.git, { sha, dirty: true, dirty_files: ['src/dose.js'] });
    assert.match(readFileSync(path.join(dir, 'llm-report', 'report.html'), 'utf8'), new RegExp(`${sha}[^<]*<strong class="dirty">dirty`));
  });

  it('bad mapping and metadata files are located warnings; the run and the other evidence go on', () => {
    const dir = copyFixture('evidence');
    writeFileSync(path.join(dir, 'requirements', 'mapping.yaml'), 'REQ-2: dose is rounded*\nREQ 9: nope\n');
    writeFileSync(path.join(dir, 'metadata.yaml'), 'study: [unclosed\n');
    const r = runNodeTest(dir);
    const w = r.report!.warnings;
    assert.ok(w.some((x) => x.code === 'LLMR_TRACE_MAPPING_INVALID' && x.file === 'requirements/mapping.yaml' && x.line === 2 && /invalid requirement id "REQ 9"/.test(x.message)), JSON.stringify(w));
    assert.ok(w.some((x) => x.code === 'LLMR_EVIDENCE_METADATA_INVALID' && x.file === 'metadata.yaml' && /YAML syntax error/.test(x.message)), JSON.stringify(w));
    assert.equal(r.report!.custom_metadata, undefined);
    // API ids are still there; mapped ones are not.
    assert.deepEqual(byName(r.report!.tests)['dose is capped'], ['REQ-1']);
    assert.equal(byName(r.report!.tests)['dose is rounded to 0.1 mg'], undefined);
    assert.equal(cli(['verify', 'llm-report'], dir).status, 0);
  });

  it('a mapping pattern that matches no test is warned with its line', () => {
    const dir = copyFixture('evidence');
    writeFileSync(path.join(dir, 'requirements', 'mapping.yaml'), 'REQ-2: dose is rounded*\nREQ-6: no such test\n');
    const r = runNodeTest(dir);
    assert.ok(r.report!.warnings.some((x) => x.code === 'LLMR_TRACE_UNMATCHED' && x.line === 2 && /"no such test" of REQ-6 matched no test/.test(x.message)));
  });
});
