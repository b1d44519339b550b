// `llm-report bundle`: byte-identical archives of the same run under different time zones, locales and
// umasks; listed and extracted by GNU tar; verifiable inside and out; refused when tampered; and no
// secret planted in the environment or in test output anywhere inside (grepped after extraction).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLI, HMAC_KEY, cli, runEvidenceFixture } from './helpers/evidence.js';
import { cleanEnv } from './helpers/run.js';
import { auditTools } from './helpers/prereq.js';

// The real tools an auditor uses: found on the system, or these suites are skipped (fail under CI=true).
const noTools = auditTools(['tar', 'openssl', 'sha256sum']);

const tmp = (p: string): string => mkdtempSync(path.join(os.tmpdir(), p));

/** `llm-report bundle` under a given umask and environment, in its own process. */
function bundleUnder(cwd: string, out: string, umask: string, env: Record<string, string>): Buffer {
  const r = spawnSync('sh', ['-c', `umask ${umask} && exec "$0" "$@"`, process.execPath, CLI, 'bundle', 'llm-report', '--out', out], { cwd, env: cleanEnv(env), encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^[0-9a-f]{64}  ${out.replace(/[.]/g, '\\.')}\\n$`));
  return readFileSync(path.join(cwd, out));
}

function gnuTar(args: string[], cwd: string): string {
  const r = spawnSync('tar', args, { cwd, encoding: 'utf8', env: cleanEnv({ TZ: 'UTC', LC_ALL: 'C' }) });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

describe('bundle', { skip: noTools }, () => {
  const run = runEvidenceFixture('ecdsa-p256');

  it('two bundles of the same run under different TZ, locale and umask are byte-identical', () => {
    const a = bundleUnder(run.dir, 'a.tar', '022', { TZ: 'UTC', LANG: 'C', LC_ALL: 'C' });
    const b = bundleUnder(run.dir, 'b.tar', '077', { TZ: 'Pacific/Chatham', LANG: 'de_DE.UTF-8', LC_ALL: 'tr_TR.UTF-8' });
    const c = bundleUnder(run.dir, 'c.tar', '002', { TZ: 'America/St_Johns', LANG: 'ja_JP.UTF-8' });
    assert.ok(a.length > 10_000);
    assert.ok(a.equals(b), 'TZ=UTC umask 022 vs TZ=Pacific/Chatham, de/tr locale, umask 077');
    assert.ok(a.equals(c), 'vs TZ=America/St_Johns, ja locale, umask 002');
  });

  it('GNU tar lists it (sorted, 0/0, -rw-r--r--, the run start as mtime) and extracts it; the set verifies inside and out', () => {
    const listing = gnuTar(['--numeric-owner', '-tvf', 'a.tar'], run.dir).trim().split('\n');
    const names = listing.map((l) => l.split(/\s+/).at(-1)!);
    assert.deepEqual(names, [...names].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y))));
    for (const f of ['SHA256SUMS', 'SHA256SUMS.sig', 'VERIFY.md', 'coverage/lcov.info', 'dependencies.json', 'journal.chain', 'journal.ndjson', 'manifest.json', 'report.html', 'report.json', 'requirements.csv', 'results.ndjson', 'signing-key.pub.pem']) {
      assert.ok(names.includes(f), `${f} in the bundle`);
    }
    const started = run.report!.run.started_at.slice(0, 16).replace('T', ' ');
    for (const l of listing) assert.match(l, new RegExp(`^-rw-r--r-- 0/0 +\\d+ ${started} `), l);
    const dir = tmp('llmr-extract-');
    gnuTar(['-xf', path.join(run.dir, 'a.tar'), '-C', dir], run.dir);
    const sums = spawnSync('sha256sum', ['-c', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' });
    assert.equal(sums.status, 0, sums.stdout + sums.stderr);
    const ossl = spawnSync('openssl', ['dgst', '-sha256', '-verify', 'signing-key.pub.pem', '-signature', 'SHA256SUMS.sig', 'SHA256SUMS'], { cwd: dir, encoding: 'utf8' });
    assert.equal(ossl.stdout.trim(), 'Verified OK');
    for (const target of [path.join(run.dir, 'a.tar'), dir]) {
      const v = cli(['verify', target], run.dir);
      assert.equal(v.status, 0, v.stderr);
      assert.match(v.stdout, /^PASS /m);
    }
  });

  it('SOURCE_DATE_EPOCH sets the mtime; a tampered bundle or directory fails', () => {
    const r = cli(['bundle', 'llm-report', '--out', 'sde.tar'], run.dir, { SOURCE_DATE_EPOCH: '1700000000' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(gnuTar(['-tvf', 'sde.tar'], run.dir), /^-rw-r--r-- 0\/0 +\d+ 2023-11-14 22:13 SHA256SUMS$/m);
    // One byte of report.json changed inside the archive (the tar is uncompressed: find it in place).
    const tar = readFileSync(path.join(run.dir, 'sde.tar'));
    let at = -1;
    for (let h = 0; h + 512 <= tar.length && at < 0; ) {
      const name = tar.subarray(h, h + 100).toString().replace(/\0.*$/s, '');
      const size = parseInt(tar.subarray(h + 124, h + 136).toString().replace(/[\0 ]+$/, ''), 8) || 0;
      if (name === 'report.json') at = h + 512 + 10;
      h += 512 + Math.ceil(size / 512) * 512;
    }
    assert.ok(at > 0, 'report.json in the tar');
    tar[at] = tar[at]! ^ 0x01;
    writeFileSync(path.join(run.dir, 'bad.tar'), tar);
    const v = cli(['verify', 'bad.tar'], run.dir);
    assert.equal(v.status, 1);
    assert.match(v.stderr, /^FAIL {2}report\.json: changed after sealing/m);
    // bundle refuses a directory that no longer verifies.
    const dir = tmp('llmr-bad-dir-');
    gnuTar(['-xf', path.join(run.dir, 'sde.tar'), '-C', dir], run.dir);
    writeFileSync(path.join(dir, 'results.ndjson'), readFileSync(path.join(dir, 'results.ndjson'), 'utf8') + '\n');
    const refused = cli(['bundle', dir, '--out', 'refused.tar'], run.dir);
    assert.equal(refused.status, 1);
    assert.match(refused.stderr, /FAIL {2}results\.ndjson: changed after sealing/);
  });
});

describe('secrets', () => {
  it('no secret from the environment or from test output is in any file of the bundle', () => {
    const secrets = {
      ACME_SERVICE_TOKEN: 'canary-Zq8v1X4mN7pL2wR9', // printed by a test
      ACME_DB_PASSWORD: 'hunter2-canary-db', // printed inside a connection string
      GITHUB_TOKEN: 'ghp_Canary0123456789abcdefghijklmnopqrst', // only in the environment
    };
    // capture_output: the tests' stdout and stderr go into the report (redacted), so the canary is exercised.
    const run = runEvidenceFixture('hmac', { env: { ...secrets, LLM_REPORT_CAPTURE_OUTPUT: 'true' } });
    assert.ok(run.report, run.stderr);
    const r = cli(['bundle', 'llm-report', '--out', 'evidence.tar'], run.dir, { LAB_EVIDENCE_HMAC: HMAC_KEY });
    assert.equal(r.status, 0, r.stderr);
    const dir = tmp('llmr-secrets-');
    gnuTar(['-xf', path.join(run.dir, 'evidence.tar'), '-C', dir], run.dir);
    const files = gnuTar(['-tf', path.join(run.dir, 'evidence.tar')], run.dir).trim().split('\n');
    assert.ok(files.length >= 12 && files.includes('SHA256SUMS.hmac-sha256'), files.join(' '));
    // The lockfile's resolved URL carries a registry token: the snapshot never copies resolved URLs.
    const planted = [...Object.values(secrets), HMAC_KEY, 'canary-Npm7TokenInUrl42'];
    for (const s of planted) {
      const g = spawnSync('grep', ['-r', '-l', '-F', '-e', s, '.'], { cwd: dir, encoding: 'utf8' });
      assert.equal(g.status, 1, `${s} found in ${g.stdout}`);
      assert.equal(readFileSync(path.join(run.dir, 'evidence.tar')).indexOf(s), -1, `${s} in the tar`);
    }
    // Redacted, not dropped: the output is there, with markers.
    const report = readFileSync(path.join(dir, 'report.json'), 'utf8');
    assert.match(report, /service token: \[REDACTED:[a-z-]+\]/);
  });
});
