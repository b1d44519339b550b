// VERIFY.md: the auditor's recipe, with the standard-tool commands equivalent to `llm-report verify`.
// Deterministic (no dates): it is hashed with the set.
import { CHAIN_START } from './chain.js';
import { HMAC_FILE, JOURNAL, JOURNAL_CHAIN, MANIFEST, PUBLIC_KEY, SHA256SUMS, SIGNATURE } from './files.js';
import type { ManifestSignature } from './manifest.js';

export interface VerifyDocInput {
  tool: { name: string; version: string };
  run_id?: string;
  signature?: ManifestSignature;
  /** Name (never the value) of the variable holding the HMAC key. */
  hmacKeyEnv?: string;
  journal: boolean;
}

function signatureSection(sig: ManifestSignature | undefined, keyEnv: string): string[] {
  if (!sig) {
    return [
      '## 2. Signature',
      '',
      'This set is **not signed**. SHA256SUMS detects accidental change only: anyone who can change a file',
      'can also recompute SHA256SUMS. Store the sha256 of SHA256SUMS (or of the bundle) in your quality',
      'system, or configure `signing` (docs/evidence.md) for a signature.',
    ];
  }
  if (sig.algorithm === 'hmac-sha256') {
    return [
      '## 2. HMAC-SHA256 integrity check (not a signature)',
      '',
      `\`${HMAC_FILE}\` holds HMAC-SHA256 over SHA256SUMS, in hex. Checking it needs the secret key, and whoever`,
      'holds the key could also forge it: it shows that the set was not changed by someone without the key,',
      'it does not show who made it. With the key in the environment variable ' + `\`${keyEnv}\`:`,
      '',
      `    test "$(openssl dgst -sha256 -mac HMAC -macopt "key:$${keyEnv}" -r ${SHA256SUMS} | cut -c1-64)" = "$(cat ${HMAC_FILE})" && echo 'HMAC OK'`,
      '',
      `(The key appears in the process list while openssl runs; on a shared machine use \`llm-report verify\`.)`,
      `Key id (HMAC-SHA256 of the text "llm-report hmac key id v1" under the key): \`${sig.key_fingerprint}\`.`,
    ];
  }
  const check =
    sig.algorithm === 'ed25519'
      ? [`    openssl pkeyutl -verify -pubin -inkey ${PUBLIC_KEY} -rawin -in ${SHA256SUMS} -sigfile ${SIGNATURE}`, '    # prints: Signature Verified Successfully']
      : [`    openssl dgst -sha256 -verify ${PUBLIC_KEY} -signature ${SIGNATURE} ${SHA256SUMS}`, '    # prints: Verified OK'];
  return [
    `## 2. Signature (${sig.algorithm === 'ed25519' ? 'Ed25519' : 'ECDSA P-256, SHA-256, DER'})`,
    '',
    `\`${SIGNATURE}\` signs SHA256SUMS, which covers every other file. First make sure the public key`,
    `\`${PUBLIC_KEY}\` is the one you trust: its fingerprint (sha256 of the DER public key) must equal the`,
    'fingerprint your organisation recorded for the signing key:',
    '',
    `    openssl pkey -pubin -in ${PUBLIC_KEY} -outform DER | sha256sum`,
    `    # this set was signed with: ${sig.key_fingerprint}`,
    '',
    'Then check the signature:',
    '',
    ...check,
  ];
}

export function verifyDoc(input: VerifyDocInput): string {
  const lines = [
    '# Verifying this evidence set',
    '',
    `Run \`${input.run_id ?? 'unknown'}\`, sealed by ${input.tool.name} ${input.tool.version}. Run these commands in the directory`,
    'that holds this file. For a bundle, extract it first:',
    '',
    '    mkdir evidence && tar -xf evidence-<run_id>.tar -C evidence && cd evidence',
    '',
    '## 1. Every file is unchanged',
    '',
    `    sha256sum -c ${SHA256SUMS}`,
    `    # macOS: shasum -a 256 -c ${SHA256SUMS}`,
    '',
    `Every line must end in OK. ${SHA256SUMS} lists ${MANIFEST} and every artifact; ${MANIFEST} gives the same`,
    `files with their sizes and media types. A file that neither lists (other than ${SHA256SUMS}, ${SIGNATURE}`,
    `and ${HMAC_FILE}) was added after the set was sealed.`,
    '',
    ...signatureSection(input.signature, input.hmacKeyEnv ?? 'LLM_EVIDENCE_HMAC_KEY'),
    '',
  ];
  if (input.journal) {
    lines.push(
      '## 3. The run journal',
      '',
      `\`${JOURNAL}\` holds every record as it was written during the run; \`${JOURNAL_CHAIN}\` chains them:`,
      `line i is "i h_i" with h_0 = ${CHAIN_START.slice(0, 8)}... (64 zeros) and h_i = sha256(h_(i-1) as hex, then record i`,
      'with its newline). Recomputed with the shell, the last line printed must equal the last line of the chain:',
      '',
      `    prev=${CHAIN_START}; n=0`,
      `    while IFS= read -r rec; do n=$((n+1)); prev=$({ printf '%s' "$prev"; printf '%s\\n' "$rec"; } | sha256sum | cut -c1-64); done < ${JOURNAL}`,
      `    echo "$n $prev"; tail -n 1 ${JOURNAL_CHAIN}`,
      '',
    );
  }
  lines.push(
    `## ${input.journal ? 4 : 3}. Everything at once`,
    '',
    '    llm-report verify <this directory | the bundle .tar> [--key trusted.pub.pem | --fingerprint <sha256>]',
    '    # zero-install: node llm-report.mjs verify ...',
    '',
    'It checks every hash, the signature (or HMAC, with --hmac-key-env NAME), manifest.json against SHA256SUMS,',
    'files added after sealing and the journal chain; it exits non-zero naming the file, or the first bad',
    'journal record.',
    '',
  );
  return lines.join('\n');
}
