// `llm-report verify <dir | bundle.tar>`: checks an evidence set (hashes, manifest, signature or HMAC,
// files added after sealing, the journal's hash chain). Exit 0 PASS, 1 FAIL naming the file (or the
// first bad journal record), 2 usage errors or unreadable input.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/index.js';
import { hmacKeyFromEnv } from '../config/signing.js';
import { verifyEvidence, type VerifyOptions } from '../evidence/verify.js';
import { readEvidence } from '../output/evidence.js';
import { commandArgs } from './args.js';
import type { CommandIO } from './io.js';

export const VERIFY_HELP = `Usage: llm-report verify <run-dir | bundle.tar> [options]

Checks an evidence set written by the reporter (or by llm-report seal / bundle):
  - every file against SHA256SUMS and manifest.json, and no file added after sealing;
  - the signature over SHA256SUMS (ECDSA P-256 or Ed25519), or the HMAC-SHA256 integrity check;
  - the hash chain of journal.ndjson (journal.chain): names the first bad record when a record
    was edited, deleted, inserted or reordered.
VERIFY.md in the set gives the same checks with sha256sum and openssl.

Options:
  --key FILE            a PEM public key you trust: the signature must verify with it
  --fingerprint SHA256  the sha256 of the DER public key you trust (as VERIFY.md prints it)
  --hmac-key-env NAME   variable holding the HMAC key (default: signing.key_env of the configuration)
  --help                show this help

Without --key or --fingerprint the signature is checked with the key inside the set: compare its
fingerprint (printed) with the one you trust.

Exit status: 0 when every check passed; 1 when one failed (each failure names its file);
2 on usage errors or an unreadable input.`;

export async function verifyCommand(args: string[], io: CommandIO): Promise<number> {
  const parsed = commandArgs(args, io, {
    command: 'verify',
    help: VERIFY_HELP,
    options: {
      key: { type: 'string', needs: 'a PEM public key file' },
      fingerprint: { type: 'string', needs: 'a sha256 fingerprint' },
      'hmac-key-env': { type: 'string', needs: 'a variable name' },
    },
  });
  if (typeof parsed === 'number') return parsed;
  const [target, extra] = parsed.positionals;
  const { key: keyFile, fingerprint } = parsed.values;
  let hmacEnv = parsed.values['hmac-key-env'];
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
  const opts: VerifyOptions = {};
  if (fingerprint) opts.trustedFingerprint = fingerprint.toLowerCase().replace(/^sha256:/, '');
  if (keyFile) {
    try {
      opts.trustedKeyPem = readFileSync(path.resolve(io.cwd, keyFile));
    } catch (err) {
      io.stderr(`llm-report verify: cannot read --key ${keyFile}: ${(err as Error).message}\n`);
      return 2;
    }
  }
  if (!hmacEnv) {
    try {
      hmacEnv = loadConfig({ cwd: io.cwd }).config.signing.key_env || undefined;
    } catch {
      // No usable configuration here: an HMAC seal then needs --hmac-key-env.
    }
  }
  const hmacKey = hmacEnv ? hmacKeyFromEnv(hmacEnv) : undefined;
  if (hmacKey) opts.hmacKey = hmacKey;
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
    io.stdout(`PASS  ${target} (${input.kind}, ${input.files.size} files)\n`);
    return 0;
  }
  io.stderr(`llm-report verify: FAIL ${target}: ${result.failures.length} problem(s); the first: ${result.failures[0]!.file}\n`);
  return 1;
}
