// The pure evidence stages: journal chain, manifest and SHA256SUMS, verify's attribution of damage,
// signatures, the tar bundle, the mapping / catalogue / metadata readers, the matrix and its CSV,
// git status parsing and the dependency snapshot.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import fc from 'fast-check';
import { CHAIN_START, chainLine, chainStep, verifyChain } from '../lib/evidence/chain.js';
import { MANIFEST, SHA256SUMS, SIGNATURE, HMAC_FILE, PUBLIC_KEY, isSafePath, type FileSet } from '../lib/evidence/files.js';
import { buildManifest, manifestText, parseSha256sums, sha256sumsText } from '../lib/evidence/manifest.js';
import { describeSeal, publicKeyPem, signSums } from '../lib/evidence/sign.js';
import { verifyEvidence } from '../lib/evidence/verify.js';
import { packTar, readTar } from '../lib/evidence/tar.js';
import { csvText, parseCsv } from '../lib/evidence/csv.js';
import { InputError } from '../lib/evidence/source.js';
import { mappedRequirements, matrixCsv, parseCatalogue, requirementCoverage, parseMapping, requirementMatrix, testMatcher, unmatchedRules } from '../lib/evidence/requirements.js';
import { parseMetadata } from '../lib/evidence/metadata.js';
import { dependencySnapshot, dirtyPaths, gitInfo, snapshotText } from '../lib/evidence/provenance.js';
import { withEvidence } from '../lib/evidence/report.js';
import { fold } from '../lib/report/fold.js';
import type { SigningKey } from '../lib/config/signing.js';
import type { RunStartLine, TestLine } from '../lib/types.js';

const enc = (s: string): Buffer => Buffer.from(s, 'utf8');

function journalOf(records: string[]): { journal: Buffer; chain: Buffer } {
  let head = CHAIN_START;
  let chain = '';
  records.forEach((r, i) => {
    head = chainStep(head, r + '\n');
    chain += chainLine(i + 1, head);
  });
  return { journal: enc(records.map((r) => r + '\n').join('')), chain: enc(chain) };
}

const rec = (i: number): string => JSON.stringify({ type: 'test', name: `t${i}`, n: i });

describe('journal hash chain', () => {
  const records = Array.from({ length: 8 }, (_, i) => rec(i + 1));
  const { journal, chain } = journalOf(records);
  const lines = records.map((r) => r + '\n');
  const bad = (j: string[]) => verifyChain(enc(j.join('')), chain);

  it('an intact journal verifies and gives its head', () => {
    const r = verifyChain(journal, chain);
    assert.ok(r.ok);
    assert.equal(r.records, 8);
    assert.equal(r.head, chain.toString().trim().split('\n').at(-1)!.split(' ')[1]);
  });

  it('names the first bad record for an edit, a deletion, a reorder, an insertion, an append and a cut', () => {
    const edited = [...lines];
    edited[4] = edited[4]!.replace('"t5"', '"t5!"');
    assert.deepEqual(bad(edited), { ok: false, file: 'journal.ndjson', record: 5, reason: 'edited after it was written (it no longer matches journal.chain)' });
    const deleted = lines.filter((_, i) => i !== 2);
    const d = bad(deleted);
    assert.ok(!d.ok && d.record === 3 && /sealed record 3 was deleted/.test(d.reason), JSON.stringify(d));
    const swapped = [...lines];
    [swapped[5], swapped[6]] = [swapped[6]!, swapped[5]!];
    const s = bad(swapped);
    assert.ok(!s.ok && s.record === 6 && /reordered: sealed record 6 is now at line 7/.test(s.reason), JSON.stringify(s));
    const inserted = [...lines.slice(0, 3), rec(99) + '\n', ...lines.slice(3)];
    const n = bad(inserted);
    assert.ok(!n.ok && n.record === 4 && /inserted/.test(n.reason), JSON.stringify(n));
    const appended = bad([...lines, rec(9) + '\n']);
    assert.ok(!appended.ok && appended.record === 9 && /appended afterwards/.test(appended.reason));
    const cut = bad(lines.slice(0, 6));
    assert.ok(!cut.ok && cut.record === 7 && /deleted/.test(cut.reason));
    const torn = verifyChain(enc(lines.join('').slice(0, -3)), chain);
    assert.ok(!torn.ok && torn.record === 8 && /cut short/.test(torn.reason));
  });

  it('a damaged chain file is named as such', () => {
    const r = verifyChain(journal, enc(chain.toString().replace(/^3 /m, '4 ')));
    assert.ok(!r.ok && r.file === 'journal.chain' && r.record === 3);
  });

  it('property: any single edit, deletion or swap is caught at the first changed record', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 30 }), fc.nat(), fc.constantFrom('edit', 'delete', 'swap'), (count, seed, kind) => {
        const recs = Array.from({ length: count }, (_, i) => rec(i));
        const { chain: c } = journalOf(recs);
        const ls = recs.map((r) => r + '\n');
        const k = seed % (kind === 'swap' ? count - 1 : count);
        if (kind === 'edit') ls[k] = ls[k]!.replace('"n":', '"n": ');
        else if (kind === 'delete') ls.splice(k, 1);
        else [ls[k], ls[k + 1]] = [ls[k + 1]!, ls[k]!];
        const r = verifyChain(enc(ls.join('')), c);
        return !r.ok && r.record === k + 1;
      }),
      { numRuns: 300 },
    );
  });
});

/** A sealed set in memory, as the reporter writes it. */
function sealed(files: Record<string, string>, key?: SigningKey): FileSet {
  const set: FileSet = new Map(Object.entries(files).map(([k, v]) => [k, enc(v)]));
  const seal = key ? describeSeal(key) : undefined;
  if (key && key.method !== 'hmac') set.set(PUBLIC_KEY, enc(publicKeyPem(key.key)));
  const doc = buildManifest(set, { run_id: 'r1', signature: seal });
  const m = enc(manifestText(doc));
  set.set(MANIFEST, m);
  const sums = enc(sha256sumsText(doc, m));
  set.set(SHA256SUMS, sums);
  if (key) set.set(seal!.file, signSums(key, sums));
  return set;
}

const ARTIFACTS = { 'report.json': '{"run":{"run_id":"r1"}}\n', 'results.ndjson': '{"type":"run_start"}\n', 'coverage/lcov.info': 'TN:\nend_of_record\n', 'VERIFY.md': '# Verifying\n' };

describe('verify attributes every change to the file that changed', () => {
  const ec = generateKeyPairSync('ec', { namedCurve: 'prime256v1' }).privateKey;
  const hmacKey: SigningKey = { method: 'hmac', key: enc('k'.repeat(32)), source: 'test' };
  const setups: Array<[string, SigningKey | undefined]> = [
    ['unsigned', undefined],
    ['ecdsa', { method: 'ecdsa-p256', key: ec, source: 'test' }],
    ['ed25519', { method: 'ed25519', key: generateKeyPairSync('ed25519').privateKey, source: 'test' }],
    ['hmac', hmacKey],
  ];
  for (const [name, key] of setups) {
    const opts = key?.method === 'hmac' ? { hmacKey: key.key } : {};
    it(`${name}: intact set passes; one flipped byte anywhere in any file names that file`, () => {
      const base = sealed(ARTIFACTS, key);
      assert.deepEqual(verifyEvidence(base, opts).failures, []);
      for (const [file, bytes] of base) {
        for (const at of [0, Math.floor(bytes.length / 2), bytes.length - 1]) {
          const copy: FileSet = new Map(base);
          const b = Buffer.from(bytes);
          b[at] = b[at]! ^ 0x01;
          copy.set(file, b);
          const r = verifyEvidence(copy, opts);
          assert.ok(!r.ok, `${name}: flip in ${file}@${at} not detected`);
          const first = r.failures[0]!;
          // Without a signature, SHA256SUMS' line for manifest.json and manifest.json itself cannot be told apart.
          const ok = first.file === file || (!key && file === SHA256SUMS && first.file === MANIFEST && /or SHA256SUMS/.test(first.message));
          assert.ok(ok, `${name}: flip in ${file}@${at}: first failure names ${first.file}: ${first.message}`);
        }
      }
    });
  }

  it('a removed, an added and a renamed file are named; a stripped signature is caught through report.json', () => {
    const key: SigningKey = { method: 'ecdsa-p256', key: ec, source: 'test' };
    const base = sealed({ ...ARTIFACTS, 'report.json': JSON.stringify({ integrity: { sha256sums: true, signature: { algorithm: 'ecdsa-p256-sha256', key_fingerprint: describeSeal(key).key_fingerprint } } }) }, key);
    const removed = new Map(base);
    removed.delete('results.ndjson');
    assert.deepEqual(verifyEvidence(removed).failures[0], { file: 'results.ndjson', message: 'missing (listed in SHA256SUMS)' });
    const added = new Map(base).set('extra.txt', enc('x'));
    assert.equal(verifyEvidence(added).failures[0]?.file, 'extra.txt');
    assert.equal(verifyEvidence(added).failures[0]?.extra, true);
    const stripped = new Map(base);
    stripped.delete(SIGNATURE);
    assert.equal(verifyEvidence(stripped).failures[0]?.file, SIGNATURE);
    // Re-sealed without a signature by someone without the key: report.json still says it was signed.
    const resealed = sealed(Object.fromEntries([...base].filter(([p]) => p in ARTIFACTS).map(([p, b]) => [p, b.toString()])));
    assert.match(verifyEvidence(resealed).failures[0]?.message ?? '', /report.json says the set was sealed with ecdsa-p256-sha256/);
  });

  it('pinning: --key and --fingerprint reject a set signed with another key', () => {
    const key: SigningKey = { method: 'ecdsa-p256', key: ec, source: 'test' };
    const base = sealed(ARTIFACTS, key);
    const other = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    const wrongKey = verifyEvidence(base, { trustedKeyPem: enc(other.publicKey.export({ type: 'spki', format: 'pem' }).toString()) });
    assert.ok(!wrongKey.ok);
    assert.match(wrongKey.failures[0]!.message, /does not verify/);
    assert.ok(verifyEvidence(base, { trustedFingerprint: describeSeal(key).key_fingerprint }).ok);
    assert.match(verifyEvidence(base, { trustedFingerprint: 'a'.repeat(64) }).failures[0]!.message, /^signed by key fingerprint [0-9a-f]{64}, but the trusted fingerprint expects a signature by key fingerprint a{64}/);
  });

  it('an HMAC seal without the key is unchecked, with the wrong key it fails', () => {
    const base = sealed(ARTIFACTS, hmacKey);
    const none = verifyEvidence(base);
    assert.deepEqual(none.failures.map((f) => [f.file, f.unchecked]), [[HMAC_FILE, true]]);
    const wrong = verifyEvidence(base, { hmacKey: enc('w'.repeat(32)) });
    assert.match(wrong.failures[0]!.message, /not the one that sealed/);
  });

  it('SHA256SUMS is coreutils format; its parser locates bad lines', () => {
    const set = sealed(ARTIFACTS);
    const text = set.get(SHA256SUMS)!.toString();
    assert.match(text, /^[0-9a-f]{64} {2}VERIFY\.md\n[0-9a-f]{64} {2}coverage\/lcov\.info\n/);
    assert.deepEqual(parseSha256sums('zz  a\n').errors, ['line 1: not "<sha256>  <path>"']);
    assert.deepEqual(parseSha256sums(text.slice(0, -1)).errors, [`line ${text.split('\n').length - 1}: no final newline`]);
  });
});

describe('tar bundle', () => {
  it('is byte-identical for the same files in any insertion order, and reads back', async () => {
    const files: FileSet = new Map([['b.txt', enc('b')], ['a/z.json', enc('{}')], ['SHA256SUMS', enc('x\n')]]);
    const reversed: FileSet = new Map([...files].reverse());
    const mtime = new Date('2023-11-14T22:13:20Z');
    const one = await packTar(files, mtime);
    const two = await packTar(reversed, mtime);
    assert.ok(one.equals(two));
    assert.equal(one.length % 512, 0);
    const back = await readTar(one);
    assert.deepEqual([...back.keys()], ['SHA256SUMS', 'a/z.json', 'b.txt']);
    assert.equal(back.get('a/z.json')!.toString(), '{}');
    // ustar header of the first entry: mode, uid, gid, mtime, magic, empty owner names.
    const octal = (from: number, to: number): number => parseInt(one.subarray(from, to).toString().replace(/[\0 ]+$/, ''), 8);
    assert.equal(octal(100, 108), 0o644);
    assert.equal(octal(108, 116), 0);
    assert.equal(octal(116, 124), 0);
    assert.equal(parseInt(one.subarray(136, 147).toString(), 8), 1700000000);
    assert.equal(one.subarray(257, 262).toString(), 'ustar');
    assert.equal(one.subarray(265, 297).toString().replace(/\0+$/, ''), '');
  });

  it('refuses unsafe paths both ways', async () => {
    await assert.rejects(packTar(new Map([['../x', enc('')]]), new Date(0)), /unsafe path/);
    for (const p of ['/abs', 'a/../b', 'a//b', 'a\\b', 'x\ny', '']) assert.equal(isSafePath(p), false, p);
  });
});

describe('mapping, catalogue, metadata', () => {
  const t = (name: string, path: string[] = [], id = 'aaaaaaaaaaaaaaaa', file = 'test/a.test.js') => ({ id, name, path, file, entry_file: file });

  it('patterns: full-name globs, file::name globs and ids', () => {
    assert.ok(testMatcher('dose *')(t('dose is capped')));
    assert.ok(!testMatcher('dose')(t('dose is capped')));
    assert.ok(testMatcher('units > *')(t('mg', ['units'])));
    assert.ok(testMatcher('*mg')(t('mg', ['units'])));
    assert.ok(testMatcher('test/*.test.js::units > m?')(t('mg', ['units'])));
    assert.ok(!testMatcher('other/**::units > mg')(t('mg', ['units'])));
    assert.ok(testMatcher('id:0123456789abcdef')(t('x', [], '0123456789abcdef')));
    assert.ok(testMatcher('0123456789abcdef')(t('x', [], '0123456789abcdef')));
    assert.ok(testMatcher('a (b) [c] $1.5?')(t('a (b) [c] $1.5!')));
  });

  it('YAML, JSON and CSV mappings give the same rules; unmatched rules are warned with their line', () => {
    const y = parseMapping('REQ-1: dose *\nREQ-2:\n  - "units > *"\n  - id:0123456789abcdef\n', 'm.yaml');
    const j = parseMapping('{"REQ-1": "dose *", "REQ-2": ["units > *", "id:0123456789abcdef"]}', 'm.json');
    const c = parseMapping('requirement,test\nREQ-1,dose *\nREQ-2,units > *\nREQ-2,id:0123456789abcdef\n', 'm.csv');
    const shape = (m: ReturnType<typeof parseMapping>) => m.rules.map((r) => [r.requirement, r.pattern]);
    assert.deepEqual(shape(y), shape(j));
    assert.deepEqual(shape(y), shape(c));
    assert.deepEqual(mappedRequirements(y, t('mg', ['units'])), ['REQ-2']);
    const w = unmatchedRules(y);
    assert.deepEqual(w.map((x) => [x.code, x.line]), [['LLMR_TRACE_UNMATCHED', 1], ['LLMR_TRACE_UNMATCHED', 4]]);
  });

  it('bad input is a located error', () => {
    const err = (fn: () => unknown): InputError => {
      try {
        fn();
      } catch (e) {
        assert.ok(e instanceof InputError, String(e));
        return e;
      }
      assert.fail('no error');
    };
    assert.match(err(() => parseMapping('REQ-1: a\nREQ 2: b\n', 'm.yaml')).message, /^m\.yaml:2: invalid requirement id "REQ 2"/);
    assert.match(err(() => parseMapping('REQ-1: [a\n', 'm.yaml')).message, /^m\.yaml:\d+: YAML syntax error/);
    assert.match(err(() => parseMapping('{"REQ-1": ["a",]}', 'm.json')).message, /^m\.json:1: JSON syntax error/);
    assert.match(err(() => parseMapping('req,test\nREQ-1,a\n', 'm.csv')).message, /^m\.csv:1: the header row needs a "requirement" column/);
    assert.match(err(() => parseMapping('requirement,test\nREQ-1,"a\n', 'm.csv')).message, /^m\.csv:2: a quoted field is never closed/);
    assert.match(err(() => parseMapping('REQ-1: {a: 1}\n', 'm.yaml')).message, /^m\.yaml:1: REQ-1: each test pattern must be a string/);
    assert.match(err(() => parseMapping('x', 'm.txt')).message, /unsupported file type/);
    assert.match(err(() => parseCatalogue('id,title\nREQ-1,a\nREQ-1,b\n', 'c.csv')).message, /^c\.csv:3: requirement REQ-1 is listed twice \(first at line 2\)/);
    assert.match(err(() => parseCatalogue('- id: REQ-1\n- title: no id\n', 'c.yaml')).message, /^c\.yaml:2: a catalogue entry has no id/);
    assert.match(err(() => parseMetadata('a: 1\nb: !!binary aGVsbG8=\n', 'meta.yaml', (s) => s)).message, /custom_metadata\.b: only strings, numbers/);
    assert.match(err(() => parseMetadata('- a\n', 'meta.yaml', (s) => s)).message, /^meta\.yaml:1: the top level must be a mapping/);
    assert.match(err(() => parseMetadata('"bad key": 1\n', 'meta.yaml', (s) => s)).message, /key "bad key" is not an identifier/);
  });

  it('catalogues in CSV, YAML list and YAML mapping agree; metadata strings are redacted', () => {
    const want = [{ id: 'REQ-1', title: 'One, first' }, { id: 'REQ-2' }];
    assert.deepEqual(parseCatalogue('\uFEFFid,title\r\nREQ-2,\r\nREQ-1,"One, first"\r\n', 'c.csv'), want);
    assert.deepEqual(parseCatalogue('- {id: REQ-2}\n- {id: REQ-1, title: "One, first"}\n', 'c.yaml'), want);
    assert.deepEqual(parseCatalogue('REQ-2:\nREQ-1: One, first\n', 'c.yml'), want);
    assert.deepEqual(parseMetadata('study: x\nnested: {token: s3cr3t, list: [s3cr3t, 2]}\n', 'm.yaml', (s) => s.replace('s3cr3t', '[R]')), { study: 'x', nested: { token: '[R]', list: ['[R]', 2] } });
  });
});

describe('matrix and CSV', () => {
  const line = (id: string, status: TestLine['status'], requirements: string[], attempt = 0): TestLine => ({
    type: 'test', id, file: 'test/a.js', entry_file: 'test/a.js', line: 1, column: 1, name: `n-${id}`, path: ['s'], nesting: 1, occurrence: 1, status, duration_ms: 0, attempt, requirements,
  });

  it('status: failed beats incomplete beats passed; skipped alone and no test are untested; reruns count their last attempt', () => {
    const tests = [
      line('t1', 'passed', ['A', 'B']),
      line('t2', 'failed', ['B']),
      line('t3', 'incomplete', ['C']),
      line('t4', 'skipped', ['D']),
      line('t5', 'failed', ['E']),
      line('t5', 'passed', ['E'], 1),
    ];
    const rows = requirementMatrix(tests, [{ id: 'F', title: 'no test' }, { id: 'A' }]);
    assert.deepEqual(rows.map((r) => [r.id, r.status, r.tests, r.in_catalogue]), [
      ['A', 'passed', ['t1'], true],
      ['B', 'failed', ['t1', 't2'], false],
      ['C', 'incomplete', ['t3'], false],
      ['D', 'untested', ['t4'], false],
      ['E', 'passed', ['t5'], false],
      ['F', 'untested', [], true],
    ]);
    const csv = matrixCsv(rows, tests);
    assert.equal(csv.split('\n')[0], 'requirement,title,requirement_status,test_id,test_name,test_file,test_line,test_status,requirement_coverage,in_catalogue');
    assert.match(csv, /\nF,no test,untested,,,,,,no tests,true\n/);
    // B is failed (its worst outcome) yet has a passing test: not fully passing, and not in the catalogue.
    assert.match(csv, /\nB,,failed,t2,s > n-t2,test\/a\.js,1,failed,not fully passing,false\n/);
    assert.match(csv, /\nC,,incomplete,t3,s > n-t3,test\/a\.js,1,incomplete,no passing test,false\n/);
    assert.match(csv, /\nD,,untested,t4,s > n-t4,test\/a\.js,1,skipped,no passing test,false\n/);
    assert.match(csv, /\nE,,passed,t5,s > n-t5,test\/a\.js,1,passed,fully passing,false\n/, 'a rerun counts its last attempt');
    assert.deepEqual(['', 'failed', 'passed', 'passed,failed', 'skipped', 'passed,'].map((x) => requirementCoverage(x ? x.split(',').map((s) => s || undefined) : [])), ['no_tests', 'none_passed', 'all_passed', 'partly_passed', 'none_passed', 'partly_passed']);
  });

  it('CSV quotes and defuses formulas, and reads back', () => {
    const text = csvText([['=1+1', 'a,b', 'say "hi"', 'line\nbreak', '-3']]);
    assert.equal(text, `'=1+1,"a,b","say ""hi""","line\nbreak",'-3\n`);
    assert.deepEqual(parseCsv(text).map((r) => r.cells), [["'=1+1", 'a,b', 'say "hi"', 'line\nbreak', "'-3"]]);
  });

  it('withEvidence adds provenance, metadata and the matrix from the lines, and warns about unknown and untested requirements', () => {
    const start: RunStartLine = {
      type: 'run_start', schema_version: '1.0.0', tool: { name: 'x', version: '1' }, node_version: 'v20', platform: 'linux', arch: 'x64', run_id: 'r', started_at: '2023-11-14T22:13:20.000Z',
      argv: [], env_names: [], config_sha256: '0'.repeat(64), isolation: 'process',
      provenance: { os: { type: 'Linux', release: '6' }, git: { sha: 'a'.repeat(40), dirty: false }, inputs: [{ kind: 'requirements_catalogue', path: 'cat.csv', sha256: 'b'.repeat(64) }] },
      custom_metadata: { study: 's' },
      requirements_catalogue: [{ id: 'A' }, { id: 'Z', title: 'untested' }],
    };
    const report = fold([start, line('t1', 'passed', ['A', 'Q'])]);
    const { report: r, warnings } = withEvidence(report, start, { integrity: { sha256sums: true } });
    assert.equal(r.run.git?.sha, 'a'.repeat(40));
    assert.deepEqual(r.custom_metadata, { study: 's' });
    assert.deepEqual(r.requirements?.map((x) => x.id), ['A', 'Q', 'Z']);
    assert.deepEqual(warnings.map((w) => [w.code, w.file]), [['LLMR_TRACE_UNKNOWN_REQUIREMENT', 'cat.csv'], ['LLMR_TRACE_UNTESTED', 'cat.csv']]);
    // Idempotent: applied to its own output, it adds no warning twice.
    assert.deepEqual(withEvidence({ ...r, warnings }, start).warnings, []);
  });
});

describe('provenance inputs', () => {
  it('git status: renames, untracked files, our own output and cache directories ignored', () => {
    const z = ['R  new.js', 'old.js', ' M src/a.js', '?? llm-report/report.json', '?? .llm-report-cache/x', '?? notes.txt', ''].join('\0');
    assert.deepEqual(dirtyPaths(z, ['llm-report', '.llm-report-cache']), ['new.js', 'notes.txt', 'src/a.js']);
    assert.deepEqual(dirtyPaths('?? llm-report/a\0', ['llm-report/']), []);
    assert.deepEqual(gitInfo('c'.repeat(40), []), { sha: 'c'.repeat(40), dirty: false });
    const many = gitInfo('c'.repeat(40), Array.from({ length: 150 }, (_, i) => `f${i}`));
    assert.equal(many.dirty_files?.length, 100);
    assert.equal(many.dirty_files_truncated, true);
  });

  it('dependency snapshot: lockfile v3 and v1, name/version/integrity, never resolved URLs', () => {
    const v3 = JSON.stringify({
      name: 'app', version: '1.0.0', lockfileVersion: 3,
      packages: { '': { name: 'app', version: '1.0.0' }, 'node_modules/@s/x': { version: '2.0.0', integrity: 'sha512-a', resolved: 'https://u:tok@r/x.tgz', dev: true }, 'node_modules/a/node_modules/b': { version: '1.0.0' } },
    });
    const snap = dependencySnapshot(v3, 'package-lock.json');
    assert.deepEqual(snap.packages, [
      { path: 'node_modules/@s/x', name: '@s/x', version: '2.0.0', integrity: 'sha512-a', dev: true },
      { path: 'node_modules/a/node_modules/b', name: 'b', version: '1.0.0' },
    ]);
    assert.deepEqual(snap.root, { name: 'app', version: '1.0.0' });
    const text = snapshotText(snap);
    assert.ok(!text.includes('tok') && !text.includes('resolved'));
    assert.deepEqual(Object.keys(JSON.parse(text)), ['lockfile', 'lockfile_sha256', 'lockfile_version', 'packages', 'root']);
    const v1 = dependencySnapshot(JSON.stringify({ name: 'old', lockfileVersion: 1, dependencies: { a: { version: '1.0.0', integrity: 'sha1-x', dependencies: { b: { version: '2.0.0' } } } } }), 'package-lock.json');
    assert.deepEqual(v1.packages.map((p) => [p.path, p.name, p.version]), [['node_modules/a', 'a', '1.0.0'], ['node_modules/a/node_modules/b', 'b', '2.0.0']]);
    assert.throws(() => dependencySnapshot('{}', 'package-lock.json'), /not a package-lock\.json/);
  });
});
