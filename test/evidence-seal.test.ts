// The seal of a real run: SHA256SUMS, manifest.json, signatures (ECDSA P-256, Ed25519) and the HMAC
// check, verified with the exact commands VERIFY.md documents (real sha256sum and openssl), and
// `llm-report verify` failing on every tampered byte, naming the file or the first bad journal record.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cli, cliInProcess, flipByte, HMAC_ENV, HMAC_KEY, runEvidenceFixture, sh, verifyDocBlocks, type Signing } from './helpers/evidence.js';
import { parseSha256sums } from '../lib/evidence/manifest.js';
import type { Report } from '../lib/types.js';
import { loadConfig } from '../lib/config/index.js';
import { auditTools } from './helpers/prereq.js';

// The real tools an auditor uses: found on the system, or these suites are skipped (fail under CI=true).
const noTools = auditTools(['openssl', 'sha256sum']);

function allFiles(dir: string, sub = ''): string[] {
  return readdirSync(path.join(dir, sub)).flatMap((f) => {
    const rel = sub ? `${sub}/${f}` : f;
    return statSync(path.join(dir, rel)).isDirectory() ? allFiles(dir, rel) : [rel];
  });
}

const copyOf = (dir: string): string => {
  const to = mkdtempSync(path.join(os.tmpdir(), 'llmr-tamper-'));
  cpSync(dir, to, { recursive: true });
  return to;
};

for (const signing of ['ecdsa-p256', 'ed25519', 'hmac'] as Signing[]) {
  describe(`a run signed with ${signing}`, { skip: noTools }, () => {
    const run = runEvidenceFixture(signing);
    const out = path.join(run.dir, 'llm-report');
    const hmacArgs = signing === 'hmac' ? ['--hmac-key-env', HMAC_ENV] : [];
    const hmacEnv: Record<string, string> = signing === 'hmac' ? { [HMAC_ENV]: HMAC_KEY } : {};

    it('is sealed: SHA256SUMS covers every file but the detached seal, and report.json says how it is signed', () => {
      assert.ok(run.report, run.stderr);
      assert.equal(run.report.run.status, 'failed', 'the fixture has one failing test on purpose');
      const sums = parseSha256sums(readFileSync(path.join(out, 'SHA256SUMS'), 'utf8'));
      assert.deepEqual(sums.errors, []);
      const detached = signing === 'hmac' ? ['SHA256SUMS', 'SHA256SUMS.hmac-sha256'] : ['SHA256SUMS', 'SHA256SUMS.sig'];
      assert.deepEqual(sums.entries.map((e) => e.path).sort(), allFiles(out).filter((f) => !detached.includes(f)).sort());
      for (const f of ['report.json', 'report.html', 'results.ndjson', 'journal.ndjson', 'journal.chain', 'manifest.json', 'VERIFY.md', 'dependencies.json', 'requirements.csv', 'coverage/lcov.info']) {
        assert.ok(sums.entries.some((e) => e.path === f), `${f} is sealed`);
      }
      const report = run.report;
      if (signing === 'hmac') assert.equal(report.integrity?.hmac?.algorithm, 'hmac-sha256');
      else assert.equal(report.integrity?.signature?.algorithm, signing === 'ed25519' ? 'ed25519' : 'ecdsa-p256-sha256');
      assert.equal(report.integrity?.sha256sums, true);
      assert.equal(report.integrity?.journal_chain, true);
      const manifest = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8'));
      assert.equal(manifest.journal.records, readFileSync(path.join(out, 'journal.ndjson'), 'utf8').split('\n').length - 1);
      // The key never reaches the evidence.
      for (const f of allFiles(out)) assert.ok(!readFileSync(path.join(out, f), 'utf8').includes(HMAC_KEY) && !readFileSync(path.join(out, f), 'utf8').includes('PRIVATE KEY'), f);
    });

    it('every command VERIFY.md documents succeeds with the real sha256sum and openssl', () => {
      const blocks = verifyDocBlocks(readFileSync(path.join(out, 'VERIFY.md'), 'utf8')).filter((b) => !b.commands.some((c) => /^(mkdir|llm-report)/.test(c)));
      assert.equal(blocks.length, signing === 'hmac' ? 3 : 4, blocks.map((b) => b.section).join(' | '));
      for (const b of blocks) {
        const r = sh(b.commands, out, hmacEnv);
        assert.equal(r.status, 0, `${b.section}: ${b.commands.join('; ')}\n${r.stdout}${r.stderr}`);
        const printed = b.comments.find((c) => c.startsWith('prints: '))?.slice('prints: '.length);
        if (printed) assert.match(r.stdout, new RegExp(`^${printed}$`, 'm'), b.section);
        const fp = b.comments.find((c) => c.startsWith('this set was signed with: '))?.split(': ')[1];
        if (fp) assert.equal(r.stdout.trim(), `${fp}  -`, 'fingerprint');
        if (/^sha256sum -c/.test(b.commands[0]!)) assert.equal(r.stdout.trim().split('\n').length, readFileSync(path.join(out, 'SHA256SUMS'), 'utf8').trim().split('\n').length);
        if (b.section.includes('journal')) {
          const [mine, chain] = r.stdout.trim().split('\n');
          assert.equal(mine, chain, 'the shell recomputes the chain head');
        }
        if (b.section.includes('HMAC')) assert.match(r.stdout, /HMAC OK/);
      }
      const ok = cli(['verify', 'llm-report', ...hmacArgs], run.dir, hmacEnv);
      assert.equal(ok.status, 0, ok.stderr);
      // The PASS line says what the seal is worth: an HMAC checked with the key is a seal; a signature
      // checked only with the key inside the set is not, until the key is pinned.
      if (signing === 'hmac') assert.match(ok.stdout, /^PASS {2}llm-report \(directory, \d+ files\); sealed: HMAC-SHA256 with key id [0-9a-f]{64}$/m);
      else assert.match(ok.stdout, /^PASS \(signature checked only with the key inside the set \([0-9a-f]{64}\): anyone can make one; pin the key with --key or --fingerprint\) {2}llm-report \(directory, \d+ files\)$/m);
    });

    it('the documented openssl / sha256sum commands reject a changed SHA256SUMS', () => {
      const copy = copyOf(out);
      writeFileSync(path.join(copy, 'SHA256SUMS'), readFileSync(path.join(copy, 'SHA256SUMS'), 'utf8').replace(/^(.)/, (c) => (c === '0' ? '1' : '0')));
      const blocks = verifyDocBlocks(readFileSync(path.join(copy, 'VERIFY.md'), 'utf8'));
      const check = blocks.find((b) => b.commands.some((c) => /openssl (dgst|pkeyutl) .*(-verify|HMAC)/.test(c)))!;
      assert.notEqual(sh(check.commands, copy, hmacEnv).status, 0, 'openssl notices');
      assert.notEqual(sh(['sha256sum -c SHA256SUMS'], copy).status, 0, 'sha256sum notices');
    });

    it('flipping one byte in each artifact in turn fails verify, naming that artifact', async () => {
      const files = allFiles(out);
      assert.ok(files.length >= 12, files.join(' '));
      // In this process, the CLI reads the HMAC key from this process's environment.
      if (signing === 'hmac') process.env[HMAC_ENV] = HMAC_KEY;
      for (const f of files) {
        const copy = copyOf(out);
        flipByte(path.join(copy, f));
        const r = await cliInProcess(['verify', copy, ...hmacArgs], run.dir);
        assert.equal(r.status, 1, `${f}: ${r.stdout}`);
        const first = /^FAIL {2}([^:]+):/m.exec(r.stderr)?.[1];
        assert.equal(first, f, `flip in ${f}: ${r.stderr}`);
      }
    });
  });
}

describe('journal records', () => {
  const run = runEvidenceFixture('ecdsa-p256');
  const out = path.join(run.dir, 'llm-report');
  const records = readFileSync(path.join(out, 'journal.ndjson'), 'utf8').split('\n').slice(0, -1);

  const verifyWith = async (lines: string[]): Promise<string> => {
    const copy = copyOf(out);
    writeFileSync(path.join(copy, 'journal.ndjson'), lines.map((l) => l + '\n').join(''));
    const r = await cliInProcess(['verify', copy], run.dir);
    assert.equal(r.status, 1);
    return r.stderr.split('\n')[0]!;
  };

  it('deleting, reordering or editing a record names the first bad record', async () => {
    assert.ok(records.length > 10);
    const deleted = records.filter((_, i) => i !== 4);
    assert.match(await verifyWith(deleted), /^FAIL {2}journal\.ndjson: first bad record 5 \(line 5\) \(\w+.*\): sealed record 5 was deleted/);
    const reordered = [...records];
    [reordered[6], reordered[7]] = [reordered[7]!, reordered[6]!];
    assert.match(await verifyWith(reordered), /^FAIL {2}journal\.ndjson: first bad record 7 \(line 7\).*: records were reordered: sealed record 7 is now at line 8/);
    const edited = [...records];
    // The first test result (the journal also holds pending lines, status incomplete, for tests that began).
    const at = records.findIndex((r) => /"status":"(passed|failed)"/.test(r) && r.includes('"type":"test"'));
    assert.ok(at > 0, 'a record has a status to change');
    edited[at] = edited[at]!.replace(/"status":"(passed|failed)"/, (_, s) => `"status":"${s === 'passed' ? 'failed' : 'passed'}"`);
    assert.match(await verifyWith(edited), new RegExp(`^FAIL {2}journal\\.ndjson: first bad record ${at + 1} \\(line ${at + 1}\\) \\(test "[^"]+"\\): edited after it was written`));
  });

  it('the fold still reads the chained journal (crash recovery is unchanged)', () => {
    const r = cli(['fold', 'llm-report/journal.ndjson', '--out', 'refold'], run.dir);
    assert.equal(r.status, 1, r.stderr); // the fixture's failing test
    const report = JSON.parse(readFileSync(path.join(run.dir, 'refold', 'report.json'), 'utf8')) as Report;
    assert.equal(report.summary.tests, run.report!.summary.tests);
    assert.deepEqual(report.warnings.filter((w) => w.code === 'LLMR_NDJSON_BAD_LINE'), []);
  });

  it('verify pins the signer with --fingerprint and --key', () => {
    const fp = (run.report as Report).integrity!.signature!.key_fingerprint;
    assert.equal(cli(['verify', 'llm-report', '--fingerprint', fp], run.dir).status, 0);
    const wrong = cli(['verify', 'llm-report', '--fingerprint', 'f'.repeat(64)], run.dir);
    assert.equal(wrong.status, 1);
    assert.match(wrong.stderr, /FAIL {2}SHA256SUMS\.sig: signed by key fingerprint \w+, but --fingerprint expects a signature by key fingerprint f{64}/);
    assert.equal(cli(['verify', 'llm-report', '--key', 'llm-report/signing-key.pub.pem'], run.dir).status, 0);
  });
});

describe('signing problems', () => {
  it('a configured but missing key fails the run loudly; the set is still sealed and verifiable', () => {
    const run = runEvidenceFixture('none', { env: { LLM_REPORT_SIGNING__METHOD: 'ecdsa-p256', LLM_REPORT_SIGNING__KEY_FILE: 'missing.pem' } });
    assert.match(run.stderr, /LLMR_EVIDENCE_SIGNING_FAILED: signing: cannot read signing\.key_file missing\.pem \(ENOENT\); the evidence set is not signed/);
    assert.notEqual(run.status, 0);
    assert.ok(run.report?.warnings.some((w) => w.code === 'LLMR_EVIDENCE_SIGNING_FAILED'));
    assert.equal(cli(['verify', 'llm-report'], run.dir).status, 0);
  });

  it('a key of the wrong type is named', () => {
    const run = runEvidenceFixture('ed25519', { env: { LLM_REPORT_SIGNING__METHOD: 'ecdsa-p256' } });
    assert.match(run.stderr, /key file signing-key\.pem holds a key of type ed25519, but signing\.method "ecdsa-p256" needs an EC P-256 key/);
  });
});

describe('CLI usage', () => {
  it('verify, bundle, seal and trace: help, usage errors and unreadable input exit 2 with a reason', async () => {
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'llmr-cli-'));
    writeFileSync(path.join(cwd, 'not-a-tar.tar'), 'hello');
    for (const cmd of ['verify', 'bundle', 'seal', 'trace']) {
      const help = await cliInProcess([cmd, '--help'], cwd);
      assert.equal(help.status, 0);
      assert.match(help.stdout, new RegExp(`^Usage: llm-report ${cmd} `));
    }
    const cases: Array<[string[], RegExp]> = [
      [['verify'], /no run directory or bundle given/],
      [['verify', 'a', 'b'], /one evidence set at a time/],
      [['verify', '.', '--fingerprint', 'xyz'], /--fingerprint must be 64 hex digits/],
      [['verify', 'not-a-tar.tar'], /cannot read not-a-tar\.tar: .*neither a directory nor a tar archive/],
      [['verify', 'missing'], /cannot read missing: ENOENT/],
      [['bundle', 'missing'], /cannot read missing/],
      [['bundle', '--nope'], /unknown option --nope/],
      [['trace', 'missing'], /cannot read missing/],
      [['seal', 'a', 'b'], /unexpected argument b/],
    ];
    for (const [args, message] of cases) {
      const r = await cliInProcess(args, cwd);
      assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message, args.join(' '));
    }
    // A directory that was never sealed: verify says so, bundle refuses.
    const v = await cliInProcess(['verify', '.'], cwd);
    assert.equal(v.status, 1);
    assert.match(v.stderr, /FAIL {2}SHA256SUMS: missing: this is not a sealed evidence set/);
    assert.equal((await cliInProcess(['bundle', '.'], cwd)).status, 1);
  });

  it('seal of a directory that does not exist fails naming it (exit 2) and creates nothing', async () => {
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'llmr-cli-'));
    writeFileSync(path.join(cwd, 'file.txt'), 'not a directory');
    const named = await cliInProcess(['seal', 'no-such-run/llm-report'], cwd);
    assert.equal(named.status, 2, named.stderr);
    assert.equal(named.stdout, '');
    assert.equal(named.stderr, `llm-report seal: cannot seal no-such-run/llm-report: no such directory (${path.join(cwd, 'no-such-run', 'llm-report')})\n`);
    // The default (output_dir of the configuration: llm-report, or LLM_REPORT_OUTPUT_DIR as our own test
    // run sets it) says how to name the directory instead.
    const outputDir = loadConfig({ cwd }).config.output_dir;
    const byDefault = await cliInProcess(['seal'], cwd);
    assert.equal(byDefault.status, 2, byDefault.stderr);
    assert.equal(byDefault.stderr, `llm-report seal: cannot seal ${outputDir}: no such directory (${path.resolve(cwd, outputDir)}); give the run directory: llm-report seal <run-dir>\n`);
    const file = await cliInProcess(['seal', 'file.txt'], cwd);
    assert.equal(file.status, 2, file.stderr);
    assert.match(file.stderr, /^llm-report seal: cannot seal file\.txt: not a directory/);
    assert.deepEqual(readdirSync(cwd), ['file.txt'], 'nothing was created');
    assert.equal(readFileSync(path.join(cwd, 'file.txt'), 'utf8'), 'not a directory');
  });
});
