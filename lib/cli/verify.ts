// `llm-report verify <dir | bundle.tar>`: checks an evidence set (hashes, manifest, signature or HMAC,
// files added after sealing, the journal's hash chain). Exit 0 PASS, 1 FAIL naming the file (or the
// first bad journal record), 2 usage errors or unreadable input.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/index.js';
import { createPublicKey } from 'node:crypto';
import { hmacKeyFromEnv, readSigningKey } from '../config/signing.js';
import { algorithmOf, describeSeal, hmacKeyId, publicKeyFingerprint } from '../evidence/sign.js';
import { verifyEvidence, type VerifyOptions } from '../evidence/verify.js';
import { readEvidence } from '../output/evidence.js';
import { commandArgs } from './args.js';
import type { CommandIO } from './io.js';

export const VERIFY_HELP = `Usage: llm-report verify <run-dir | bundle.tar> [options]

Checks an evidence set written by the reporter (or by llm-report seal / bundle):
  - every file against SHA256SUMS and manifest.json, and no file added after sealing;
  - the signature over SHA256SUMS (ECDSA P-256 or Ed25519), or the HMAC-SHA256 integrity check;
  - the hash chain of journal.ndjson (journal.chain): names the first bad record when a record
    was edited, deleted, inserted or reordered;
  - report.json and results.ndjson are exactly the fold of journal.ndjson (statuses, counts, ids):
    names the first differing test, even on an unsealed set;
  - each addendum (addenda/NNN/: annotations added after sealing) is intact, sealed like the set,
    and annotates this set's report.json.
VERIFY.md in the set gives the same checks with sha256sum and openssl.

A seal you expect is REQUIRED: with --key, --fingerprint or --hmac-key-env, or when the project's
configuration (found from the working directory) has signing.method, a set that is unsealed,
sealed another way, or sealed with another key FAILS, naming what was expected and what was found.
A public key inside the set proves nothing unless you trust it.

Options:
  --key FILE            a PEM public key you trust: the set must be signed with it
  --fingerprint SHA256  the sha256 of the DER public key you trust (as VERIFY.md prints it)
  --hmac-key-env NAME   variable holding the HMAC key: the set must carry an HMAC with that key
                        (default: signing.key_env of the configuration when signing.method is hmac)
  --require-seal        exit 1 unless a seal was checked with a key you hold or trust
  --help                show this help

The PASS line says what the seal is worth: "sealed: ..." (checked with a key you hold or trust),
"signature checked only with the key inside the set" (pin it with --key or --fingerprint), or
"unsealed: hashes only, anyone can recompute them".

Exit status: 0 when every check passed; 1 when one failed (each failure names its file), or with
--require-seal when no trusted seal was checked; 2 on usage errors or an unreadable input.`;

/** The seal the project's configuration (signing.*, found from cwd) expects, with the keys to check it. */
function configExpectation(io: CommandIO): { opts: VerifyOptions; note?: string } {
  let signing;
  try {
    signing = loadConfig({ cwd: io.cwd }).config.signing;
  } catch (err) {
    return { opts: {}, note: `the configuration was not read (${(err as Error).message.split('\n')[0]}): it sets no seal expectation` };
  }
  if (signing.method === 'none') return { opts: {} };
  const source = `signing.method ${signing.method} of the project configuration`;
  if (signing.method === 'hmac') {
    const key = signing.key_env ? hmacKeyFromEnv(signing.key_env) : undefined;
    return key ? { opts: { hmacKey: key, expect: { kind: 'hmac', keyId: hmacKeyId(key), source } } } : { opts: { expect: { kind: 'hmac', source } } };
  }
  const algorithm = algorithmOf(signing.method);
  // A pinned fingerprint: the key the project trusts, with no private key needed on this machine.
  const pinned = signing.fingerprint.toLowerCase().replace(/^sha256:/, '');
  if (pinned) return { opts: { trustedFingerprint: pinned, expect: { kind: 'signature', algorithm, keyId: pinned, source: `${source} (signing.fingerprint)` } } };
  try {
    const key = readSigningKey(signing, { cwd: io.cwd });
    return { opts: { expect: { kind: 'signature', algorithm, keyId: key ? describeSeal(key).key_fingerprint : undefined, source } } };
  } catch (err) {
    return {
      opts: { expect: { kind: 'signature', algorithm, source } },
      note: `${source}: its key cannot be read here (${(err as Error).message}); a ${algorithm} signature is required, but only the key inside the set can check it: pin the key with --key or --fingerprint`,
    };
  }
}

export async function verifyCommand(args: string[], io: CommandIO): Promise<number> {
  const parsed = commandArgs(args, io, {
    command: 'verify',
    help: VERIFY_HELP,
    options: {
      key: { type: 'string', needs: 'a PEM public key file' },
      fingerprint: { type: 'string', needs: 'a sha256 fingerprint' },
      'hmac-key-env': { type: 'string', needs: 'a variable name' },
      'require-seal': { type: 'boolean' },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const [target, extra] = parsed.positionals;
  const { key: keyFile, fingerprint } = parsed.values;
  const hmacEnv = parsed.values['hmac-key-env'];
  if (extra !== undefined) {
    io.stderr(`llm-report verify: one evidence set at a time (got ${target} and ${extra})\n`);
    return 2;
  }
  if (!target || keyFile === '' || fingerprint === '' || hmacEnv === '') {
    io.stderr(`llm-report verify: ${target ? 'an option needs a value' : 'no run directory or bundle given'}\n\n${VERIFY_HELP}\n`);
    return 2;
  }
  if (fingerprint !== undefined && !/^(sha256:)?[0-9a-fA-F]{64}$/.test(fingerprint)) {
    io.stderr('llm-report verify: --fingerprint must be 64 hex digits (sha256 of the DER public key)\n');
    return 2;
  }
  let opts: VerifyOptions = {};
  if (fingerprint) {
    opts.trustedFingerprint = fingerprint.toLowerCase().replace(/^sha256:/, '');
    opts.expect = { kind: 'signature', keyId: opts.trustedFingerprint, source: '--fingerprint' };
  }
  if (keyFile) {
    try {
      opts.trustedKeyPem = readFileSync(path.resolve(io.cwd, keyFile));
    } catch (err) {
      io.stderr(`llm-report verify: cannot read --key ${keyFile}: ${(err as Error).message}\n`);
      return 2;
    }
    let fp: string;
    try {
      fp = publicKeyFingerprint(createPublicKey({ key: Buffer.from(opts.trustedKeyPem), format: 'pem' }));
    } catch (err) {
      io.stderr(`llm-report verify: --key ${keyFile} is not a PEM public key: ${(err as Error).message}\n`);
      return 2;
    }
    if (opts.trustedFingerprint && opts.trustedFingerprint !== fp) {
      io.stderr(`llm-report verify: --key ${keyFile} has fingerprint ${fp}, not the --fingerprint given\n`);
      return 2;
    }
    opts.expect = { kind: 'signature', keyId: fp, source: `--key ${keyFile}` };
  }
  if (hmacEnv) {
    const hmacKey = hmacKeyFromEnv(hmacEnv);
    if (!hmacKey) {
      io.stderr(`llm-report verify: --hmac-key-env ${hmacEnv}: the variable is unset or empty\n`);
      return 2;
    }
    opts.hmacKey = hmacKey;
    opts.expect ??= { kind: 'hmac', keyId: hmacKeyId(hmacKey), source: `--hmac-key-env ${hmacEnv}` };
  }
  if (!keyFile && !fingerprint && !hmacEnv) {
    // No key on the command line: the project's signing configuration sets the expectation.
    const fromConfig = configExpectation(io);
    opts = fromConfig.opts;
    if (fromConfig.note) io.stderr(`note  ${fromConfig.note}\n`);
  }
  let input;
  try {
    input = await readEvidence(path.resolve(io.cwd, target));
  } catch (err) {
    io.stderr(`llm-report verify: cannot read ${target}: ${(err as Error).message}\n`);
    return 2;
  }
  const result = verifyEvidence(input.files, opts);
  for (const p of result.passed) io.stdout(`ok    ${p}\n`);
  for (const f of result.failures) io.stderr(`${f.unchecked ? 'UNCHECKED' : 'FAIL'}  ${f.file}: ${f.message}\n`);
  if (result.ok) {
    const head = `${target} (${input.kind}, ${input.files.size} files)`;
    if (parsed.values['require-seal'] && result.seal.state !== 'trusted') {
      io.stderr(`FAIL  ${head}: --require-seal, but ${result.seal.summary}\n`);
      io.stderr(`llm-report verify: FAIL ${target}: no seal checked with a key you hold or trust (--require-seal)\n`);
      return 1;
    }
    io.stdout(`PASS${result.seal.state === 'trusted' ? '' : ` (${result.seal.summary})`}  ${head}${result.seal.state === 'trusted' ? `; ${result.seal.summary}` : ''}\n`);
    return 0;
  }
  io.stderr(`llm-report verify: FAIL ${target}: ${result.failures.length} problem(s); the first: ${result.failures[0]!.file}\n`);
  return 1;
}
