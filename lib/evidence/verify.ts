// Verification of an evidence set (a directory or a bundle, read into a FileSet). Pure. Every failure
// names the file at fault; when two files disagree, the other copies (manifest.json against
// SHA256SUMS, the signature over SHA256SUMS) decide which one changed.
import { validateManifest } from '../generated/validate-manifest.js';
import { verifyChain } from './chain.js';
import { DETACHED, HMAC_FILE, JOURNAL, JOURNAL_CHAIN, MANIFEST, PUBLIC_KEY, SHA256SUMS, SIGNATURE, comparePaths, sha256Hex, type FileSet } from './files.js';
import { parseSha256sums, sha256sumsText, type ManifestDoc, type SignatureAlgorithm } from './manifest.js';
import { hmacKeyId, verifyHmac, verifySignature } from './sign.js';

export interface VerifyOptions {
  /** Key to check an HMAC seal (SHA256SUMS.hmac-sha256) with. */
  hmacKey?: Uint8Array;
  /** A public key (PEM) the verifier trusts: the signature must verify with it. */
  trustedKeyPem?: Uint8Array;
  /** sha256 of the DER SubjectPublicKeyInfo the verifier trusts. */
  trustedFingerprint?: string;
}

export interface Failure {
  file: string;
  message: string;
  /** The check could not run (an HMAC seal without its key); not evidence of tampering. */
  unchecked?: true;
  /** A file the seal does not cover (added later); the sealed files themselves may be intact. */
  extra?: true;
}

export interface VerifyResult {
  ok: boolean;
  failures: Failure[];
  /** What was checked and held, one line each. */
  passed: string[];
}

function recordLabel(journal: Buffer, record: number): string {
  const line = journal.toString('utf8').split('\n')[record - 1];
  try {
    const v = JSON.parse(line ?? '') as { type?: unknown; name?: unknown };
    return typeof v.type === 'string' ? ` (${v.type}${typeof v.name === 'string' ? ` "${v.name.slice(0, 60)}"` : ''})` : '';
  } catch {
    return '';
  }
}

function parseManifest(bytes: Buffer | undefined): { doc?: ManifestDoc; error?: string } {
  if (!bytes) return { error: 'missing' };
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    return { error: `not valid JSON: ${(err as Error).message}` };
  }
  if (!validateManifest(value)) {
    const e = validateManifest.errors?.[0];
    return { error: `does not match schemas/manifest.schema.json: ${e ? `${e.instancePath || '/'} ${e.message ?? e.keyword}` : 'invalid'}` };
  }
  return { doc: value as ManifestDoc };
}

/** What report.json (when readable) says about the seal, to catch a signature that was removed. */
function declaredSignature(report: Buffer | undefined): string | undefined {
  if (!report) return undefined;
  try {
    const r = JSON.parse(report.toString('utf8')) as { integrity?: { signature?: { algorithm?: unknown }; hmac?: { algorithm?: unknown } } };
    const a = r.integrity?.signature?.algorithm ?? r.integrity?.hmac?.algorithm;
    return typeof a === 'string' ? a : undefined;
  } catch {
    return undefined;
  }
}

export function verifyEvidence(files: FileSet, opts: VerifyOptions = {}): VerifyResult {
  const failures: Failure[] = [];
  const passed: string[] = [];
  const fail = (file: string, message: string): void => void failures.push({ file, message });
  const sumsBytes = files.get(SHA256SUMS);
  if (!sumsBytes) {
    fail(SHA256SUMS, 'missing: this is not a sealed evidence set (llm-report seal writes one)');
    return { ok: false, failures, passed };
  }
  const sums = parseSha256sums(sumsBytes.toString('utf8'));
  for (const e of sums.errors) fail(SHA256SUMS, e);
  const sumsByPath = new Map(sums.entries.map((e) => [e.path, e]));
  const manifestBytes = files.get(MANIFEST);
  const manifest = parseManifest(manifestBytes);
  const mByPath = new Map((manifest.doc?.files ?? []).map((f) => [f.path, f]));
  const actual = (p: string): string | undefined => {
    const b = files.get(p);
    return b ? sha256Hex(b) : undefined;
  };
  // SHA256SUMS as manifest.json says it must read: when equal, SHA256SUMS is not the file that changed.
  const sumsConsistent = manifest.doc !== undefined && manifestBytes !== undefined && sha256sumsText(manifest.doc, manifestBytes) === sumsBytes.toString('utf8');
  const intact = (p: string): boolean => actual(p) !== undefined && sumsByPath.get(p)?.sha256 === actual(p);

  // 1. The seal over SHA256SUMS.
  const sig = manifest.doc?.signature;
  const hasSig = files.has(SIGNATURE);
  const hasHmac = files.has(HMAC_FILE);
  const declared = declaredSignature(files.get('report.json'));
  const blameSums = (file: string, what: string): void =>
    sumsConsistent ? fail(file, what) : fail(SHA256SUMS, `${what}: SHA256SUMS was changed after it was sealed`);
  if (hasSig || sig?.file === SIGNATURE || opts.trustedKeyPem || opts.trustedFingerprint) {
    const external = opts.trustedKeyPem;
    const pem = external ?? files.get(PUBLIC_KEY);
    if (!hasSig) fail(SIGNATURE, `missing, but ${sig ? 'manifest.json' : 'the verifier'} expects a signature`);
    else if (!pem) fail(PUBLIC_KEY, 'missing: the signature cannot be checked (or pass --key with the public key you trust)');
    else if (!external && files.has(PUBLIC_KEY) && !intact(PUBLIC_KEY)) fail(PUBLIC_KEY, 'changed after sealing (sha256 differs from SHA256SUMS)');
    else {
      const keyName = external ? '--key' : PUBLIC_KEY;
      const algorithms: SignatureAlgorithm[] = sig && sig.algorithm !== 'hmac-sha256' ? [sig.algorithm] : ['ecdsa-p256-sha256', 'ed25519'];
      let check = verifySignature(algorithms[0]!, sumsBytes, files.get(SIGNATURE)!, pem, keyName);
      if (!check.ok && algorithms.length > 1 && check.file === keyName) check = verifySignature(algorithms[1]!, sumsBytes, files.get(SIGNATURE)!, pem, keyName);
      if (!check.ok) {
        if (check.file === SIGNATURE && external) fail(SIGNATURE, `${check.reason} with the --key public key (signed with another key, or changed)`);
        else if (check.file === SIGNATURE) blameSums(SIGNATURE, check.reason);
        else fail(check.file, check.reason);
      } else if (opts.trustedFingerprint && check.fingerprint !== opts.trustedFingerprint.toLowerCase().replace(/^sha256:/, '')) {
        fail(PUBLIC_KEY, `key fingerprint ${check.fingerprint} is not the trusted ${opts.trustedFingerprint}`);
      } else {
        if (sig && sig.key_fingerprint !== check.fingerprint) fail(MANIFEST, `names key ${sig.key_fingerprint}, but the set was signed with ${check.fingerprint}`);
        passed.push(`signature (${sig?.algorithm ?? algorithms[0]}) over SHA256SUMS verifies with key ${check.fingerprint}${external ? ' (--key)' : opts.trustedFingerprint ? ' (trusted fingerprint)' : ' (the key in the set: compare its fingerprint with the one you trust)'}`);
      }
    }
  }
  if (hasHmac || sig?.file === HMAC_FILE) {
    if (!hasHmac) fail(HMAC_FILE, 'missing, but manifest.json says the set carries an HMAC');
    else if (!opts.hmacKey) failures.push({ file: HMAC_FILE, message: 'cannot be checked without the HMAC key (set signing.key_env, or --hmac-key-env NAME)', unchecked: true });
    else if (sig && sig.file === HMAC_FILE && sig.key_fingerprint !== hmacKeyId(opts.hmacKey)) fail(HMAC_FILE, 'the key given is not the one that sealed this set (key id differs)');
    else if (!verifyHmac(opts.hmacKey, sumsBytes, files.get(HMAC_FILE)!)) blameSums(HMAC_FILE, 'the HMAC does not match SHA256SUMS');
    else passed.push('HMAC-SHA256 over SHA256SUMS matches (an integrity check, not a signature)');
  }
  if (!hasSig && !hasHmac && !sig && declared) fail(SIGNATURE, `missing: report.json says the set was sealed with ${declared}, but no signature is present (removed?)`);

  // 2. Every file against SHA256SUMS; disagreements settled by manifest.json.
  for (const e of sums.entries) {
    const got = actual(e.path);
    const m = mByPath.get(e.path);
    if (got === undefined) {
      if (e.path !== MANIFEST && manifest.doc && !m) fail(SHA256SUMS, `line ${e.line} lists ${e.path}, which manifest.json does not: SHA256SUMS was changed`);
      else fail(e.path, 'missing (listed in SHA256SUMS)');
    } else if (got !== e.sha256) {
      if (m && m.sha256 === got) fail(SHA256SUMS, `line ${e.line} (${e.path}) was changed: the file matches manifest.json`);
      else if (e.path === MANIFEST) fail(MANIFEST, `sha256 differs from SHA256SUMS (manifest.json${sig ? '' : ' or SHA256SUMS'} was changed after sealing)`);
      else fail(e.path, 'changed after sealing (sha256 differs from SHA256SUMS)');
    }
  }
  if (manifest.error && !(manifestBytes && sumsByPath.has(MANIFEST) && !intact(MANIFEST))) fail(MANIFEST, manifest.error);
  for (const [p, f] of mByPath) {
    const got = actual(p);
    if (!sumsByPath.has(p)) {
      if (got === f.sha256) fail(SHA256SUMS, `has no line for ${p} (listed in manifest.json): SHA256SUMS was changed`);
      continue;
    }
    if (got !== undefined && got === sumsByPath.get(p)!.sha256 && (f.sha256 !== got || f.size !== files.get(p)!.length)) fail(MANIFEST, `the entry for ${p} was changed (the file matches SHA256SUMS)`);
  }
  for (const p of [...files.keys()].sort(comparePaths)) {
    if (DETACHED.has(p) || sumsByPath.has(p) || mByPath.has(p)) continue;
    failures.push({ file: p, message: 'not covered by SHA256SUMS: added after sealing', extra: true });
  }
  if (sums.errors.length === 0 && !sumsConsistent && manifest.doc && !failures.some((f) => f.file === SHA256SUMS || f.file === MANIFEST)) {
    fail(SHA256SUMS, 'differs from the list manifest.json gives (SHA256SUMS or manifest.json was changed)');
  }
  if (failures.length === 0 || failures.every((f) => f.unchecked)) passed.push(`${sums.entries.length} files match SHA256SUMS and manifest.json`);

  // 3. The journal's hash chain: names the first bad record.
  const journal = files.get(JOURNAL);
  const chain = files.get(JOURNAL_CHAIN);
  if (journal && chain) {
    const chainChanged = files.has(JOURNAL_CHAIN) && sumsByPath.has(JOURNAL_CHAIN) && !intact(JOURNAL_CHAIN);
    const res = verifyChain(journal, chain);
    if (!res.ok) {
      const where = res.file === 'journal.ndjson' ? `first bad record ${res.record} (line ${res.record})${recordLabel(journal, res.record)}` : `line ${res.record}`;
      if (!chainChanged || res.file === 'journal.ndjson') {
        const i = failures.findIndex((f) => f.file === JOURNAL);
        const msg = `${where}: ${res.reason}`;
        if (i >= 0 && res.file === 'journal.ndjson' && !chainChanged) failures[i] = { file: JOURNAL, message: `${msg} (sha256 differs from SHA256SUMS)` };
        else fail(res.file, msg);
      }
    } else if (manifest.doc?.journal && manifest.doc.journal.head !== res.head) {
      fail(JOURNAL, `the hash chain ends in ${res.head}, manifest.json sealed ${manifest.doc.journal.head}: journal and chain were both replaced`);
    } else {
      passed.push(`${JOURNAL}: ${res.records} records, hash chain intact (head ${res.head})`);
    }
  } else if (journal && manifest.doc?.journal) fail(JOURNAL_CHAIN, 'missing: the journal hash chain cannot be checked');
  return { ok: failures.length === 0, failures, passed };
}
