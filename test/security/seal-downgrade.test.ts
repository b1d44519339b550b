// Attack: downgrade or swap the seal of a real run, then re-seal with the attacker's own tools (the
// real `llm-report seal`, with no key or the attacker's key) so every hash matches again. A seal the
// verifier expects (--hmac-key-env, --key, --fingerprint, or the project's signing configuration) is
// REQUIRED: each attack FAILS naming what was expected and what was found. An edited report.json
// with an untouched journal FAILS even on an unsealed set, naming the test. A PASS says what the seal
// is worth; --require-seal refuses a PASS without a trusted seal.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createPublicKey, generateKeyPairSync } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { cli, HMAC_ENV, HMAC_KEY, runEvidenceFixture } from '../helpers/evidence.js';
import { publicKeyFingerprint, hmacKeyId } from '../../lib/evidence/sign.js';
import { packTar } from '../../lib/evidence/tar.js';
import { readFileSet } from '../../lib/output/evidence.js';
import type { Report, TestLine } from '../../lib/types.js';

/** A copy of a run's output directory, as an attacker's working copy. */
function copyOut(runDir: string): string {
  const to = mkdtempSync(path.join(os.tmpdir(), 'llmr-downgrade-'));
  cpSync(path.join(runDir, 'llm-report'), path.join(to, 'llm-report'), { recursive: true });
  return to;
}

/** The attacker re-seals with the real CLI from a directory of their own: no key, or their own key. */
function attackerSeal(dir: string, signing: 'none' | 'ecdsa-p256'): { fingerprint?: string } {
  const cwd = mkdtempSync(path.join(os.tmpdir(), 'llmr-attacker-'));
  const env: Record<string, string> = {};
  let fingerprint: string | undefined;
  if (signing === 'ecdsa-p256') {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    writeFileSync(path.join(cwd, 'attacker.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    Object.assign(env, { LLM_REPORT_SIGNING__METHOD: 'ecdsa-p256', LLM_REPORT_SIGNING__KEY_FILE: 'attacker.pem' });
    fingerprint = publicKeyFingerprint(createPublicKey(privateKey));
  }
  const r = cli(['seal', path.join(dir, 'llm-report')], cwd, env);
  assert.equal(r.status, 0, r.stderr);
  return { fingerprint };
}

/** failed -> passed for the first failed test, with the counts and the run status to match. */
function flipFailedTest(dir: string): TestLine {
  const file = path.join(dir, 'llm-report', 'report.json');
  const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
  const t = report.tests.find((x) => x.status === 'failed');
  assert.ok(t, 'the fixture has a failing test');
  t.status = 'passed';
  delete t.failure;
  report.summary.failed--;
  report.summary.passed++;
  report.run.status = 'passed';
  writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
  const results = path.join(dir, 'llm-report', 'results.ndjson');
  writeFileSync(
    results,
    readFileSync(results, 'utf8')
      .split('\n')
      .map((l) => {
        if (!l) return l;
        const v = JSON.parse(l) as Record<string, unknown>;
        if (v.type === 'test' && v.id === t.id) {
          v.status = 'passed';
          delete v.failure;
          return JSON.stringify(v);
        }
        return l;
      })
      .join('\n'),
  );
  return t;
}

const verify = (cwd: string, args: string[], env: Record<string, string> = {}) => cli(['verify', 'llm-report', ...args], cwd, env);

describe('an HMAC-sealed run', () => {
  const run = runEvidenceFixture('hmac');
  const keyEnv = { [HMAC_ENV]: HMAC_KEY };
  const kid = hmacKeyId(Buffer.from(HMAC_KEY));

  it('genuine: PASS with the key, and the PASS line says it was sealed with that key id', () => {
    assert.ok(run.report, run.stderr);
    const r = verify(run.dir, ['--hmac-key-env', HMAC_ENV], keyEnv);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^PASS {2}llm-report \\(directory, \\d+ files\\); sealed: HMAC-SHA256 with key id ${kid}$`, 'm'));
    assert.match(r.stdout, /^ok {4}report\.json and results\.ndjson are the fold of journal\.ndjson/m);
  });

  it('HMAC deleted, report.json edited (failed -> passed), manifest and SHA256SUMS recomputed: FAIL with the key', () => {
    const dir = copyOut(run.dir);
    rmSync(path.join(dir, 'llm-report', 'SHA256SUMS.hmac-sha256'));
    const t = flipFailedTest(dir);
    attackerSeal(dir, 'none');
    const r = verify(dir, ['--hmac-key-env', HMAC_ENV], keyEnv);
    assert.equal(r.status, 1, r.stdout);
    assert.doesNotMatch(r.stdout, /^PASS/m);
    assert.match(r.stderr, new RegExp(`FAIL {2}SHA256SUMS\\.hmac-sha256: missing, but --hmac-key-env ${HMAC_ENV} expects an HMAC-SHA256 seal with key id ${kid}; found no seal at all`));
    // The journal was not touched: the edited report is named down to the test.
    assert.match(r.stderr, new RegExp(`FAIL {2}report\\.json: tests: test ${t.id} "${t.name}": status is "passed", the journal says "failed"`));
    assert.match(r.stderr, new RegExp(`FAIL {2}results\\.ndjson: line by line: test ${t.id}`));
  });

  it('HMAC deleted only, re-sealed without a key: FAIL with the key; the project configuration expects it too', () => {
    const dir = copyOut(run.dir);
    rmSync(path.join(dir, 'llm-report', 'SHA256SUMS.hmac-sha256'));
    attackerSeal(dir, 'none');
    const flag = verify(dir, ['--hmac-key-env', HMAC_ENV], keyEnv);
    assert.equal(flag.status, 1);
    assert.match(flag.stderr, /SHA256SUMS\.hmac-sha256: missing, but --hmac-key-env/);
    // No flag: the configuration found from the working directory (signing.* via env here) sets the expectation.
    const cfg = verify(dir, [], { ...keyEnv, LLM_REPORT_SIGNING__METHOD: 'hmac', LLM_REPORT_SIGNING__KEY_ENV: HMAC_ENV });
    assert.equal(cfg.status, 1, cfg.stdout);
    assert.match(cfg.stderr, /SHA256SUMS\.hmac-sha256: missing, but signing\.method hmac of the project configuration expects an HMAC-SHA256 seal with key id/);
    // report.json still says it was sealed with an HMAC: even a verifier with no key notices.
    const bare = verify(dir, []);
    assert.equal(bare.status, 1);
    assert.match(bare.stderr, /report\.json says the set was sealed with hmac-sha256, but no signature is present/);
  });

  it("HMAC replaced by an ECDSA signature made with the attacker's own key: FAIL naming both", () => {
    const dir = copyOut(run.dir);
    rmSync(path.join(dir, 'llm-report', 'SHA256SUMS.hmac-sha256'));
    flipFailedTest(dir);
    const { fingerprint } = attackerSeal(dir, 'ecdsa-p256');
    const r = verify(dir, ['--hmac-key-env', HMAC_ENV], keyEnv);
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stderr, new RegExp(`expects an HMAC-SHA256 seal with key id ${kid}; found a ecdsa-p256-sha256 signature \\(SHA256SUMS\\.sig\\) by key fingerprint ${fingerprint}`));
    // Without any expectation the swapped set is at best "checked with the key inside the set", and
    // here report.json (its integrity statement) and the journal fold still give it away.
    const bare = verify(dir, []);
    assert.equal(bare.status, 1);
    assert.match(bare.stderr, /FAIL {2}report\.json/);
  });

  it('a bundle of the stripped set goes through the same verify', async () => {
    const dir = copyOut(run.dir);
    rmSync(path.join(dir, 'llm-report', 'SHA256SUMS.hmac-sha256'));
    attackerSeal(dir, 'none');
    const b = cli(['bundle', 'llm-report', '--out', 'evidence.tar'], dir);
    assert.equal(b.status, 1, 'bundle refuses: report.json says an HMAC sealed the set');
    // The attacker packs the tar by hand: it verifies like the directory.
    writeFileSync(path.join(dir, 'evidence.tar'), await packTar(readFileSet(path.join(dir, 'llm-report')), new Date(0)));
    const r = cli(['verify', 'evidence.tar', '--hmac-key-env', HMAC_ENV], dir, keyEnv);
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stderr, /FAIL {2}SHA256SUMS\.hmac-sha256: missing, but --hmac-key-env/);
  });
});

describe('an ECDSA-signed run in a project configured for signing', () => {
  const run = runEvidenceFixture('ecdsa-p256');
  const projectEnv = { LLM_REPORT_SIGNING__METHOD: 'ecdsa-p256', LLM_REPORT_SIGNING__KEY_FILE: 'signing-key.pem' };
  const genuineFp = (): string => publicKeyFingerprint(createPublicKey(readFileSync(path.join(run.dir, 'signing-key.pem'), 'utf8')));
  /** An attacked copy placed inside a copy of the project, so the project's configuration applies. */
  const inProject = (): string => {
    const dir = copyOut(run.dir);
    cpSync(path.join(run.dir, 'signing-key.pem'), path.join(dir, 'signing-key.pem'));
    return dir;
  };

  it('genuine: PASS in the project (key from its configuration); elsewhere the PASS line says the key was not pinned', () => {
    assert.ok(run.report, run.stderr);
    const r = verify(run.dir, [], projectEnv);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^PASS {2}llm-report \\(directory, \\d+ files\\); sealed: ecdsa-p256-sha256 signature by trusted key ${genuineFp()}$`, 'm'));
    const elsewhere = verify(copyOut(run.dir), []);
    assert.equal(elsewhere.status, 0, elsewhere.stderr);
    assert.match(elsewhere.stdout, /^PASS \(signature checked only with the key inside the set \([0-9a-f]{64}\): anyone can make one; pin the key with --key or --fingerprint\) {2}llm-report/m);
    const required = cli(['verify', 'llm-report', '--require-seal'], copyOut(run.dir));
    assert.equal(required.status, 1, required.stdout);
    assert.match(required.stderr, /--require-seal, but signature checked only with the key inside the set/);
    const pinned = cli(['verify', 'llm-report', '--require-seal', '--fingerprint', genuineFp()], copyOut(run.dir));
    assert.equal(pinned.status, 0, pinned.stderr);
  });

  it('signature stripped and re-sealed without a key: FAIL in the signing-configured project, with no flag', () => {
    const dir = inProject();
    rmSync(path.join(dir, 'llm-report', 'SHA256SUMS.sig'));
    attackerSeal(dir, 'none');
    const r = verify(dir, [], projectEnv);
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stderr, new RegExp(`FAIL {2}SHA256SUMS\\.sig: missing, but signing\\.method ecdsa-p256 of the project configuration expects a ecdsa-p256-sha256 signature by key fingerprint ${genuineFp()}; found no seal at all`));
  });

  it("re-signed with the attacker's key (public key in the set swapped too): FAIL naming both fingerprints", () => {
    const dir = inProject();
    const { fingerprint } = attackerSeal(dir, 'ecdsa-p256');
    const r = verify(dir, [], projectEnv);
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stderr, new RegExp(`FAIL {2}SHA256SUMS\\.sig: signed by key fingerprint ${fingerprint}, but signing\\.method ecdsa-p256 of the project configuration expects a ecdsa-p256-sha256 signature by key fingerprint ${genuineFp()} \\(a key inside the set proves nothing unless you trust it\\)`));
    const pinned = cli(['verify', 'llm-report', '--fingerprint', genuineFp()], dir);
    assert.equal(pinned.status, 1);
    assert.match(pinned.stderr, new RegExp(`signed by key fingerprint ${fingerprint}, but --fingerprint expects`));
  });

  it('signing.fingerprint pins the key on a machine without the private key: genuine PASS (sealed), attacker re-signed FAIL', () => {
    const pinnedEnv = { LLM_REPORT_SIGNING__METHOD: 'ecdsa-p256', LLM_REPORT_SIGNING__FINGERPRINT: `sha256:${genuineFp()}` };
    const genuine = verify(copyOut(run.dir), ['--require-seal'], pinnedEnv);
    assert.equal(genuine.status, 0, genuine.stderr);
    assert.match(genuine.stdout, new RegExp(`sealed: ecdsa-p256-sha256 signature by trusted key ${genuineFp()}`));
    const dir = copyOut(run.dir);
    const { fingerprint } = attackerSeal(dir, 'ecdsa-p256');
    const r = verify(dir, [], pinnedEnv);
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stderr, new RegExp(`signed by key fingerprint ${fingerprint}`));
    assert.match(r.stderr, new RegExp(genuineFp()));
  });

  it('manifest.json edited to drop its signature field and the signature removed: FAIL', () => {
    const dir = inProject();
    const out = path.join(dir, 'llm-report');
    const m = JSON.parse(readFileSync(path.join(out, 'manifest.json'), 'utf8')) as { signature?: unknown };
    delete m.signature;
    writeFileSync(path.join(out, 'manifest.json'), JSON.stringify(m, null, 2) + '\n');
    rmSync(path.join(out, 'SHA256SUMS.sig'));
    const r = verify(dir, [], projectEnv);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /FAIL {2}SHA256SUMS\.sig: missing, but signing\.method ecdsa-p256 of the project configuration expects/);
  });
});

describe('an unsealed run (signing.method none)', () => {
  const run = runEvidenceFixture('none');

  it('genuine: PASS, and the PASS line says it is unsealed; --require-seal turns that into exit 1', () => {
    assert.ok(run.report, run.stderr);
    const r = verify(run.dir, []);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^PASS \(unsealed: hashes only, anyone can recompute them\) {2}llm-report \(directory, \d+ files\)$/m);
    const req = verify(run.dir, ['--require-seal']);
    assert.equal(req.status, 1, req.stdout);
    assert.match(req.stderr, /--require-seal, but unsealed: hashes only/);
    assert.doesNotMatch(req.stdout, /^PASS/m);
  });

  it('report.json and results.ndjson edited, manifest and SHA256SUMS recomputed: FAIL naming the test (journal untouched)', () => {
    const dir = copyOut(run.dir);
    const t = flipFailedTest(dir);
    attackerSeal(dir, 'none');
    const r = verify(dir, []);
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stderr, new RegExp(`FAIL {2}report\\.json: tests: test ${t.id} "${t.name}": status is "passed", the journal says "failed"`));
  });

  it('only the summary edited (counts): FAIL naming the field', () => {
    const dir = copyOut(run.dir);
    const file = path.join(dir, 'llm-report', 'report.json');
    const report = JSON.parse(readFileSync(file, 'utf8')) as Report;
    report.summary.failed = 0;
    writeFileSync(file, JSON.stringify(report, null, 2) + '\n');
    attackerSeal(dir, 'none');
    const r = verify(dir, []);
    assert.equal(r.status, 1);
    assert.match(r.stderr, /FAIL {2}report\.json: summary\/failed is 0, the fold of journal\.ndjson gives 1/);
  });

  it('an HMAC key or a fingerprint given to verify REQUIRES that seal: FAIL on the unsealed set', () => {
    const h = verify(run.dir, ['--hmac-key-env', HMAC_ENV], { [HMAC_ENV]: HMAC_KEY });
    assert.equal(h.status, 1);
    assert.match(h.stderr, /SHA256SUMS\.hmac-sha256: missing, but --hmac-key-env \w+ expects an HMAC-SHA256 seal with key id [0-9a-f]{64}; found no seal at all/);
    const f = verify(run.dir, ['--fingerprint', 'a'.repeat(64)]);
    assert.equal(f.status, 1);
    assert.match(f.stderr, new RegExp(`SHA256SUMS\\.sig: missing, but --fingerprint expects a signature by key fingerprint ${'a'.repeat(64)}; found no seal at all`));
  });
});
