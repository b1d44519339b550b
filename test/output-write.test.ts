// lib/output in-process: writeRun's files (present, deterministic, atomic), writeAtomic's failure path,
// the hash-chained Journal (verified by lib/evidence, tampering found), and the evidence IO the reporter
// does at the start of a run (prepareEvidence on the evidence fixture, in a real git work tree).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Journal, reportJson, writeAtomic, writeRun } from '../lib/output/write.js';
import { endWarnings, prepareEvidence, readFileSet, reporterDestinations, sealDir, withMapped, writeEvidenceInputs } from '../lib/output/evidence.js';
import { verifyChain } from '../lib/evidence/chain.js';
import { DEPENDENCIES, JOURNAL, JOURNAL_CHAIN, sha256Hex } from '../lib/evidence/files.js';
import { sortKeys, toNdjsonLine } from '../lib/report/canonical.js';
import { fakeReport } from './helpers/fake-report.js';
import { FIXTURES } from './helpers/run.js';
import type { Line, Report, TestLine } from '../lib/types.js';

const tmp = (): string => realpathSync(mkdtempSync(path.join(os.tmpdir(), 'llmr-out-')));
/** Every file under dir, relative, sorted. */
const tree = (dir: string): string[] =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((d) => d.isFile())
    .map((d) => path.relative(dir, path.join(d.parentPath, d.name)))
    .sort();
const linesOf = (report: Report): Line[] => [...report.tests, ...report.warnings.map((w) => ({ type: 'warning' as const, ...w }))];

describe('writeRun', () => {
  it('writes report.json, results.ndjson and report.html; a second write of the same input is byte-identical; no temp files left', () => {
    const dir = tmp();
    const report = fakeReport() as unknown as Report;
    writeRun(dir, report, linesOf(report), { html: true });
    const files = tree(dir);
    for (const f of ['report.json', 'results.ndjson', 'report.html']) assert.ok(files.includes(f), f);
    assert.deepEqual(files.filter((f) => /\.tmp-/.test(f)), []);
    const first = new Map(files.map((f) => [f, readFileSync(path.join(dir, f))]));
    const again = tmp();
    writeRun(again, report, linesOf(report), { html: true });
    writeRun(dir, report, linesOf(report), { html: true });
    for (const d of [dir, again]) {
      assert.deepEqual(tree(d), files);
      for (const f of files) assert.ok(readFileSync(path.join(d, f)).equals(first.get(f)!), `${f} identical`);
    }
    // report.json is the canonical pretty form of what it holds; results.ndjson one line per record.
    const json = readFileSync(path.join(dir, 'report.json'), 'utf8');
    assert.equal(reportJson(JSON.parse(json) as Report), json);
    const results = readFileSync(path.join(dir, 'results.ndjson'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Line);
    assert.equal(results.filter((l) => l.type === 'test').length, report.tests.length);
    assert.ok(readFileSync(path.join(dir, 'report.html'), 'utf8').includes(sha256Hex(json)), 'the page names the hash of report.json');
  });

  it('with integrity: report.json lists the artifacts written before it; a stale requirements.csv is removed', () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'requirements.csv'), 'stale');
    writeFileSync(path.join(dir, DEPENDENCIES), '{"packages":[]}\n');
    const report = fakeReport() as unknown as Report;
    // No test declares a requirement: there is no matrix, and the earlier run's must not stay.
    delete (report as Partial<Report>).requirements;
    for (const t of report.tests) delete t.requirements;
    writeRun(dir, report, linesOf(report), { html: false, integrity: { sha256sums: true } });
    assert.ok(!existsSync(path.join(dir, 'requirements.csv')));
    const written = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as Report & { manifest?: Array<{ path: string; sha256: string }> };
    const dep = written.manifest?.find((m) => m.path === DEPENDENCIES);
    assert.equal(dep?.sha256, sha256Hex(readFileSync(path.join(dir, DEPENDENCIES))));
  });
});

describe('report.json in pieces', () => {
  it('reportJson is JSON.stringify of the sorted copy, pretty, byte for byte (empty, nested and long arrays, left-out members, newlines in strings)', () => {
    const tricky = {
      z: [],
      tests: [{ b: 'line\nbreak \u2028', a: [[], [1, { y: null, x: [] }]], c: undefined }, undefined, 3],
      a: { nested: [{ q: 1 }], empty: {} },
      f: () => 1,
      u: undefined,
      s: 'x',
    };
    // More items than one slice (256), a slice boundary falling on a left-out item.
    const long = { tests: Array.from({ length: 600 }, (_, i) => (i === 256 ? undefined : { i, name: `t\n${i}`, path: [[], {}] })), b: [] };
    for (const value of [fakeReport(), tricky, long, {}]) assert.equal(reportJson(value as unknown as Report), JSON.stringify(sortKeys(value), null, 2) + '\n');
  });
});

describe('writeAtomic', () => {
  it('a path under a regular file fails with ENOTDIR (whoever runs the test, root included)', () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'file'), 'x');
    assert.throws(() => writeAtomic(path.join(dir, 'file', 'sub', 'report.json'), '{}'), { code: 'ENOTDIR' });
    const report = fakeReport() as unknown as Report;
    assert.throws(() => writeRun(path.join(dir, 'file', 'out'), report, linesOf(report)), { code: 'ENOTDIR' });
  });

  it('a failed rename removes its temp file and keeps what was there', () => {
    const dir = tmp();
    const target = path.join(dir, 'report.json');
    mkdirSync(target); // rename onto a directory fails after the temp file was written
    writeFileSync(path.join(target, 'keep'), 'k');
    assert.throws(() => writeAtomic(target, 'new'));
    assert.deepEqual(tree(dir), ['report.json/keep']);
    writeAtomic(path.join(dir, 'a', 'b.txt'), 'made its directory');
    assert.equal(readFileSync(path.join(dir, 'a', 'b.txt'), 'utf8'), 'made its directory');
  });
});

describe('Journal', () => {
  const line = (i: number): Line => ({ type: 'warning', code: 'LLMR_EVENT_UNEXPECTED', message: `record ${i} ✓` });

  it('appends NDJSON lines and a hash chain that lib/evidence verifies; a flipped byte is found', () => {
    const dir = tmp();
    const file = path.join(dir, 'out', JOURNAL);
    const j = new Journal(file);
    const lines = [1, 2, 3, 4].map(line);
    for (const l of lines) j.append(l);
    assert.equal(j.lost(), undefined);
    j.close();
    j.append(line(5)); // after close: ignored
    assert.equal(j.lost(), undefined);
    const journal = readFileSync(file);
    const chain = readFileSync(path.join(dir, 'out', JOURNAL_CHAIN));
    assert.equal(journal.toString('utf8'), lines.map(toNdjsonLine).join(''));
    const ok = verifyChain(journal, chain);
    assert.ok(ok.ok);
    assert.equal(ok.records, 4);
    // Flip one byte of the third record: the chain names it.
    const bad = Buffer.from(journal);
    const third = journal.toString('latin1').indexOf('record 3');
    bad[third + 7] = bad[third + 7]! ^ 1;
    const res = verifyChain(bad, chain);
    assert.equal(res.ok, false);
    if (!res.ok) assert.equal(res.record, 3);
    // A chain that lost its last link no longer covers the journal.
    assert.equal(verifyChain(journal, chain.subarray(0, chain.lastIndexOf('\n', chain.length - 2) + 1)).ok, false);
  });

  it('sealDir checks the journal line by line: records and head as verifyChain counts them, read in pieces; a changed record is refused with its number', () => {
    const dir = tmp();
    const j = new Journal(path.join(dir, JOURNAL));
    // Lines of uneven length, over 2 MiB in all: some cross the boundaries of the pieces read.
    for (let i = 0; i < 700; i++) j.append({ type: 'warning', code: 'LLMR_EVENT_UNEXPECTED', message: `record ${i} ${'x'.repeat(3000 + (i % 7) * 331)}` });
    j.close();
    const whole = verifyChain(readFileSync(path.join(dir, JOURNAL)), readFileSync(path.join(dir, JOURNAL_CHAIN)));
    assert.ok(whole.ok);
    const sealed = sealDir(dir, { runId: 'r1' });
    assert.deepEqual(sealed.journal, { file: JOURNAL, chain: JOURNAL_CHAIN, records: 700, head: whole.head });
    const manifest = JSON.parse(readFileSync(path.join(dir, 'manifest.json'), 'utf8')) as { files: Array<{ path: string; size: number; sha256: string }> };
    const listed = manifest.files.find((f) => f.path === JOURNAL)!;
    const bytes = readFileSync(path.join(dir, JOURNAL));
    assert.deepEqual([listed.size, listed.sha256], [bytes.length, sha256Hex(bytes)]);
    // Record 600 edited (past the first piece): refused, and named as verifyChain names it.
    const at = bytes.indexOf('record 600 ');
    bytes[at + 7] = '7'.charCodeAt(0);
    writeFileSync(path.join(dir, JOURNAL), bytes);
    assert.throws(() => sealDir(dir, { runId: 'r1' }), /journal\.ndjson: edited after it was written .* \(record 601\); not sealing a broken journal/);
  });

  it('lost(): the journal deleted with its directory during the run is noticed', () => {
    const dir = tmp();
    const j = new Journal(path.join(dir, 'out', JOURNAL));
    j.append(line(1));
    rmSync(path.join(dir, 'out'), { recursive: true });
    assert.match(j.lost() ?? '', /was deleted during the run/);
    j.close();
  });
});

describe('evidence IO at the start of a run', () => {
  const git = (cwd: string, ...args: string[]): string => {
    const r = spawnSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], { cwd, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return r.stdout.trim();
  };
  const hasGit = spawnSync('git', ['--version']).status === 0;

  it('reporterDestinations: absolute destinations, stdout/stderr left out', () => {
    assert.deepEqual(reporterDestinations(['--test-reporter-destination=out/a.txt', '--test-reporter-destination', 'stdout', '--x', '--test-reporter-destination', '/abs/b'], '/cwd'), ['/cwd/out/a.txt', '/abs/b']);
  });

  it('prepareEvidence on the evidence fixture: provenance (git, inputs with hashes), mapping, dependencies', { skip: hasGit ? false : 'git is not installed' }, () => {
    const root = tmp();
    cpSync(path.join(FIXTURES, 'evidence'), root, { recursive: true });
    git(root, 'init', '-q');
    git(root, 'add', '-A');
    git(root, 'commit', '-qm', 'fixture');
    const head = git(root, 'rev-parse', 'HEAD');
    const outDir = path.join(root, 'llm-report');
    const setup = prepareEvidence({ root, outDir, redact: (t) => t, journal: true });
    assert.equal(setup.problem, undefined);
    assert.deepEqual(setup.warnings, []);
    const prov = setup.start.provenance!;
    assert.equal(prov.git?.sha, head);
    assert.equal(prov.git?.dirty, false);
    assert.deepEqual(prov.responsible, { name: 'Dana Reviewer', role: 'V&V engineer' });
    const inputs = new Map(prov.inputs!.map((i) => [i.path, i.sha256]));
    for (const f of ['requirements/mapping.yaml', 'requirements/catalogue.csv', 'metadata.yaml', 'package-lock.json']) assert.equal(inputs.get(f), sha256Hex(readFileSync(path.join(root, f))), f);
    assert.ok(setup.start.requirements_catalogue && setup.start.custom_metadata);
    assert.deepEqual(setup.integrity, { sha256sums: true, journal_chain: true });
    assert.equal(prov.dependencies?.sha256, sha256Hex(setup.dependencies!));

    // The mapping gives requirements to matching tests; rules that matched nothing are warned about at the end.
    const t = { type: 'test', id: 'x', file: 'test/dose.test.js', entry_file: 'test/dose.test.js', line: 12, column: 1, name: 'dose is rounded to 0.1 mg', path: [], nesting: 0, occurrence: 1, status: 'passed', duration_ms: 0, attempt: 0 } as TestLine;
    withMapped(setup, t);
    assert.deepEqual(t.requirements, ['REQ-2']);
    const unmatched = endWarnings(setup).map((w) => w.message);
    assert.ok(unmatched.some((m) => m.includes('REQ-4')) && !unmatched.some((m) => m.includes('REQ-2')));

    // dependencies.json is written from the setup, and removed when the setup has none.
    writeEvidenceInputs(outDir, setup);
    assert.equal(readFileSync(path.join(outDir, DEPENDENCIES), 'utf8'), setup.dependencies);
    writeEvidenceInputs(outDir, { ...setup, dependencies: undefined });
    assert.ok(!existsSync(path.join(outDir, DEPENDENCIES)));

    // An edit outside the output directory makes the tree dirty; files inside it do not.
    mkdirSync(outDir, { recursive: true });
    writeFileSync(path.join(outDir, 'report.json'), '{}');
    assert.equal(prepareEvidence({ root, outDir, redact: (x) => x, journal: false }).start.provenance?.git?.dirty, false);
    appendFileSync(path.join(root, 'src', 'dose.js'), '\n// edited\n');
    const dirty = prepareEvidence({ root, outDir, redact: (x) => x, journal: false });
    assert.equal(dirty.start.provenance?.git?.dirty, true);
    assert.deepEqual(dirty.integrity, { sha256sums: true });
  });

  it('prepareEvidence never throws: unreadable inputs become warnings, a bad config a problem, no git no git info', () => {
    const root = tmp();
    writeFileSync(path.join(root, 'llm-report.config.yaml'), 'requirements:\n  mapping: missing.yaml\nmetadata_file: nope.yaml\ndependency_snapshot: true\n');
    const setup = prepareEvidence({ root, outDir: path.join(root, 'out'), redact: (t) => t, journal: false });
    assert.equal(setup.problem, undefined);
    assert.equal(setup.start.provenance?.git, undefined);
    assert.deepEqual(setup.warnings.map((w) => w.code).sort(), ['LLMR_EVIDENCE_METADATA_INVALID', 'LLMR_EVIDENCE_NO_LOCKFILE', 'LLMR_TRACE_MAPPING_INVALID']);
    assert.match(setup.warnings.find((w) => w.code === 'LLMR_TRACE_MAPPING_INVALID')!.message, /ENOENT/);
    const t = { name: 'n', path: [] } as unknown as TestLine;
    withMapped(setup, t);
    assert.equal(t.requirements, undefined);
    assert.deepEqual(endWarnings(setup), []);

    writeFileSync(path.join(root, 'llm-report.config.yaml'), 'no_such_option: 1\n');
    const bad = prepareEvidence({ root, outDir: path.join(root, 'out'), redact: (x) => x, journal: false });
    assert.match(bad.problem ?? '', /^configuration: /);
  });

  it('readFileSet leaves temp files out and refuses symbolic links', () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'a.json'), '1');
    writeFileSync(path.join(dir, 'a.json.tmp-123'), 'partial');
    assert.deepEqual([...readFileSet(dir).keys()], ['a.json']);
    symlinkSync('a.json', path.join(dir, 'link'));
    assert.throws(() => readFileSet(dir), /link: not a regular file \(a symbolic link\)/);
  });
});
