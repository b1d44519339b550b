// Verification of an evidence set (a directory or a bundle, read into a FileSet). Pure. Every failure
// names the file at fault; when two files disagree, the other copies (manifest.json against
// SHA256SUMS, the signature over SHA256SUMS) decide which one changed.
import { validateManifest } from '../generated/validate-manifest.js';
import { parseValidated } from './parse.js';
import { verifyChain } from './chain.js';
import { DETACHED, HMAC_FILE, JOURNAL, JOURNAL_CHAIN, MANIFEST, PUBLIC_KEY, SHA256SUMS, SIGNATURE, comparePaths, sha256Hex, type FileSet } from './files.js';
import { parseSha256sums, sha256sumsText, type ManifestDoc, type ManifestSignature, type SignatureAlgorithm } from './manifest.js';
import { createPublicKey } from 'node:crypto';
import { hmacKeyId, publicKeyFingerprint, verifyHmac, verifySignature } from './sign.js';
import { checkFold } from './consistency.js';
import { ADDENDA_DIR, ADDENDUM_DATA, addendumDirs, addendumFiles, isAddendumPath, parseAddendum } from './addenda.js';

/** The seal the verifier expects: from its flags or the project's signing configuration. REQUIRED. */
export interface SealExpectation {
  kind: 'hmac' | 'signature';
  /** HMAC key id, or sha256 of the DER public key; undefined when only the method is known. */
  keyId?: string;
  /** For a signature: the algorithm, when known. */
  algorithm?: SignatureAlgorithm;
  /** Where the expectation comes from, said in every failure it causes. */
  source: string;
}

export interface VerifyOptions {
  /** Key to check an HMAC seal (SHA256SUMS.hmac-sha256) with. */
  hmacKey?: Uint8Array;
  /** A public key (PEM) the verifier trusts: the signature must verify with it. */
  trustedKeyPem?: Uint8Array;
  /** sha256 of the DER SubjectPublicKeyInfo the verifier trusts. */
  trustedFingerprint?: string;
  /** The seal required; by default derived from the keys above. */
  expect?: SealExpectation;
}

/** How the set was sealed, as far as this verifier can tell. */
export type SealState =
  /** checked with a key the verifier holds or trusts */
  | 'trusted'
  /** a signature checked only with the public key inside the set: anyone can make one */
  | 'self'
  /** no seal: SHA256SUMS and manifest.json only, which anyone can recompute */
  | 'none';

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
  /** The weakest seal of the set and its addenda, with a line saying what it is worth. */
  seal: { state: SealState; summary: string };
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
  return parseValidated<ManifestDoc>(bytes, validateManifest, 'manifest.schema.json');
}

/** What report.json (when readable) says about the seal: its `integrity` statement. */
function declaredSeal(report: Buffer | undefined): { algorithm: string; keyId?: string } | undefined {
  if (!report) return undefined;
  try {
    const r = JSON.parse(report.toString('utf8')) as { integrity?: { signature?: { algorithm?: unknown; key_fingerprint?: unknown }; hmac?: { algorithm?: unknown; key_id?: unknown } } };
    const s = r.integrity?.signature;
    const h = r.integrity?.hmac;
    if (s && typeof s.algorithm === 'string') return { algorithm: s.algorithm, ...(typeof s.key_fingerprint === 'string' ? { keyId: s.key_fingerprint } : {}) };
    if (h && typeof h.algorithm === 'string') return { algorithm: h.algorithm, ...(typeof h.key_id === 'string' ? { keyId: h.key_id } : {}) };
    return undefined;
  } catch {
    return undefined;
  }
}

function pemFingerprint(pem: Uint8Array | undefined): string | undefined {
  if (!pem) return undefined;
  try {
    return publicKeyFingerprint(createPublicKey({ key: Buffer.from(pem), format: 'pem' }));
  } catch {
    return undefined;
  }
}

/** The seal the set carries, in words, for "expected X, found Y". */
function foundSeal(files: FileSet, sig: ManifestSignature | undefined): string {
  const parts: string[] = [];
  if (files.has(SIGNATURE)) {
    const fp = pemFingerprint(files.get(PUBLIC_KEY)) ?? (sig?.file === SIGNATURE ? sig.key_fingerprint : undefined);
    parts.push(`a${sig?.file === SIGNATURE ? ` ${sig.algorithm}` : ''} signature (${SIGNATURE})${fp ? ` by key fingerprint ${fp}` : ''}`);
  }
  if (files.has(HMAC_FILE)) parts.push(`an HMAC-SHA256 (${HMAC_FILE})${sig?.file === HMAC_FILE ? ` with key id ${sig.key_fingerprint}` : ''}`);
  return parts.length ? parts.join(' and ') : 'no seal at all (SHA256SUMS and manifest.json only, which anyone can recompute)';
}

function wanted(e: SealExpectation): string {
  if (e.kind === 'hmac') return `an HMAC-SHA256 seal${e.keyId ? ` with key id ${e.keyId}` : ''}`;
  return `a${e.algorithm ? ` ${e.algorithm}` : ''} signature${e.keyId ? ` by key fingerprint ${e.keyId}` : ''}`;
}

/** The expectation the keys given imply, when the caller did not state one. */
function impliedExpectation(opts: VerifyOptions): SealExpectation | undefined {
  if (opts.expect) return opts.expect;
  if (opts.trustedKeyPem) return { kind: 'signature', keyId: pemFingerprint(opts.trustedKeyPem), source: 'the --key public key' };
  if (opts.trustedFingerprint) return { kind: 'signature', keyId: opts.trustedFingerprint.toLowerCase().replace(/^sha256:/, ''), source: 'the trusted fingerprint' };
  if (opts.hmacKey) return { kind: 'hmac', keyId: hmacKeyId(opts.hmacKey), source: 'the HMAC key given' };
  return undefined;
}

const STATE_RANK: Record<SealState, number> = { none: 0, self: 1, trusted: 2 };

export interface VerifyScope {
  /** An addendum: no journal, no addenda of its own. */
  addendum?: boolean;
}

export function verifyEvidence(files: FileSet, opts: VerifyOptions = {}, scope: VerifyScope = {}): VerifyResult {
  const failures: Failure[] = [];
  const passed: string[] = [];
  const fail = (file: string, message: string): void => void failures.push({ file, message });
  const expect = impliedExpectation(opts);
  let seal: VerifyResult['seal'] = { state: 'none', summary: 'unsealed: hashes only, anyone can recompute them' };
  const sumsBytes = files.get(SHA256SUMS);
  if (!sumsBytes) {
    fail(SHA256SUMS, `missing: this is not a sealed evidence set (llm-report seal writes one)${expect ? `; ${expect.source} expects ${wanted(expect)}` : ''}`);
    return { ok: false, failures, passed, seal };
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

  // 1. The seal over SHA256SUMS. A seal the verifier expects is required: missing, another method or
  // another key fails, naming what was expected and what was found (invariant 7).
  const sig = manifest.doc?.signature;
  const hasSig = files.has(SIGNATURE);
  const hasHmac = files.has(HMAC_FILE);
  const declared = declaredSeal(files.get('report.json'));
  const found = foundSeal(files, sig);
  const blameSums = (file: string, what: string): void =>
    sumsConsistent ? fail(file, what) : fail(SHA256SUMS, `${what}: SHA256SUMS was changed after it was sealed`);
  let sigChecked: { fingerprint: string; algorithm: string } | undefined;
  let hmacChecked = false;
  const checkSignature = (): void => {
    const external = opts.trustedKeyPem;
    const pem = external ?? files.get(PUBLIC_KEY);
    if (!hasSig) fail(SIGNATURE, `missing, but ${expect?.kind === 'signature' ? `${expect.source} expects ${wanted(expect)}; found ${found}` : `${sig ? 'manifest.json' : 'the verifier'} expects a signature`}`);
    else if (!pem) fail(PUBLIC_KEY, `missing: ${SIGNATURE} cannot be checked (or pass --key with the public key you trust)`);
    else if (!external && files.has(PUBLIC_KEY) && !intact(PUBLIC_KEY)) fail(PUBLIC_KEY, 'changed after sealing (sha256 differs from SHA256SUMS)');
    else {
      const keyName = external ? '--key' : PUBLIC_KEY;
      const algorithms: SignatureAlgorithm[] = sig && sig.algorithm !== 'hmac-sha256' ? [sig.algorithm] : ['ecdsa-p256-sha256', 'ed25519'];
      let used = algorithms[0]!;
      let check = verifySignature(used, sumsBytes, files.get(SIGNATURE)!, pem, keyName);
      if (!check.ok && algorithms.length > 1 && check.file === keyName) check = verifySignature((used = algorithms[1]!), sumsBytes, files.get(SIGNATURE)!, pem, keyName);
      if (!check.ok) {
        if (check.file === SIGNATURE && external) fail(SIGNATURE, `${check.reason} with the --key public key (signed with another key, or changed); found ${found}`);
        else if (check.file === SIGNATURE) blameSums(SIGNATURE, check.reason);
        else fail(check.file, check.reason);
        return;
      }
      const algorithm = used;
      if (expect?.kind === 'signature' && expect.keyId && check.fingerprint !== expect.keyId) {
        fail(SIGNATURE, `signed by key fingerprint ${check.fingerprint}, but ${expect.source} expects ${wanted(expect)} (a key inside the set proves nothing unless you trust it)`);
        return;
      }
      if (expect?.kind === 'signature' && expect.algorithm && algorithm !== expect.algorithm) {
        fail(SIGNATURE, `an ${algorithm} signature, but ${expect.source} expects ${wanted(expect)}`);
        return;
      }
      if (sig && sig.key_fingerprint !== check.fingerprint) fail(MANIFEST, `names key ${sig.key_fingerprint}, but the set was signed with ${check.fingerprint}`);
      sigChecked = { fingerprint: check.fingerprint, algorithm };
      const how = external ? ' (--key)' : expect?.keyId ? ` (trusted fingerprint, from ${expect.source})` : ' (the key in the set: compare its fingerprint with the one you trust)';
      passed.push(`signature (${algorithm}) over SHA256SUMS verifies with key ${check.fingerprint}${how}`);
    }
  };
  const checkHmac = (): void => {
    if (!hasHmac) {
      fail(HMAC_FILE, `missing, but ${expect?.kind === 'hmac' ? `${expect.source} expects ${wanted(expect)}; found ${found}` : 'manifest.json says the set carries an HMAC'}`);
      return;
    }
    if (!opts.hmacKey) {
      failures.push({ file: HMAC_FILE, message: `cannot be checked without the HMAC key (set signing.key_env, or --hmac-key-env NAME)${expect?.kind === 'hmac' ? `; ${expect.source} expects it` : ''}`, unchecked: true });
      return;
    }
    const kid = hmacKeyId(opts.hmacKey);
    if (sig && sig.file === HMAC_FILE && sig.key_fingerprint !== kid) fail(HMAC_FILE, `the key given is not the one that sealed this set: expected key id ${kid} (${expect?.source ?? 'the HMAC key given'}), found key id ${sig.key_fingerprint}`);
    else if (!verifyHmac(opts.hmacKey, sumsBytes, files.get(HMAC_FILE)!)) blameSums(HMAC_FILE, `the HMAC does not match SHA256SUMS with the key given (key id ${kid})`);
    else {
      hmacChecked = true;
      passed.push('HMAC-SHA256 over SHA256SUMS matches (an integrity check, not a signature)');
    }
  };
  if (expect?.kind === 'hmac') {
    checkHmac();
    if (hasSig) fail(SIGNATURE, `not expected: ${expect.source} expects ${wanted(expect)} only; found ${found}`);
  } else if (expect?.kind === 'signature') {
    checkSignature();
    if (hasHmac) fail(HMAC_FILE, `not expected: ${expect.source} expects ${wanted(expect)} only; found ${found}`);
  } else {
    if (hasSig || sig?.file === SIGNATURE) checkSignature();
    if (hasHmac || sig?.file === HMAC_FILE) checkHmac();
  }
  if (!hasSig && !hasHmac && !sig && declared) fail(SIGNATURE, `missing: report.json says the set was sealed with ${declared.algorithm}, but no signature is present (removed?)`);
  if (declared?.keyId) {
    const got = sigChecked?.fingerprint ?? (hmacChecked && opts.hmacKey ? hmacKeyId(opts.hmacKey) : undefined);
    if (got && got !== declared.keyId) fail('report.json', `integrity says the set was sealed with ${declared.algorithm} by key ${declared.keyId}, but it is sealed by key ${got} (seal swapped?)`);
  }
  if (hmacChecked) seal = { state: 'trusted', summary: `sealed: HMAC-SHA256 with key id ${hmacKeyId(opts.hmacKey!)}` };
  else if (sigChecked && expect?.keyId) seal = { state: 'trusted', summary: `sealed: ${sigChecked.algorithm} signature by trusted key ${sigChecked.fingerprint}` };
  else if (sigChecked) seal = { state: 'self', summary: `signature checked only with the key inside the set (${sigChecked.fingerprint}): anyone can make one; pin the key with --key or --fingerprint` };

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
    if (!scope.addendum && isAddendumPath(p)) continue; // checked below as an addendum of its own
    failures.push({ file: p, message: 'not covered by SHA256SUMS: added after sealing', extra: true });
  }
  if (sums.errors.length === 0 && !sumsConsistent && manifest.doc && !failures.some((f) => f.file === SHA256SUMS || f.file === MANIFEST)) {
    fail(SHA256SUMS, 'differs from the list manifest.json gives (SHA256SUMS or manifest.json was changed)');
  }
  if (failures.length === 0 || failures.every((f) => f.unchecked)) passed.push(`${sums.entries.length} files match SHA256SUMS and manifest.json`);
  if (scope.addendum) return { ok: failures.length === 0, failures, passed, seal };

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

  // 4. report.json and results.ndjson are the fold of the journal: an edited status fails even when
  // the hashes were recomputed (an unsealed set), naming the first differing test.
  const folded = checkFold(files);
  for (const m of folded.mismatches) {
    const i = failures.findIndex((f) => f.file === m.file);
    if (i >= 0) failures[i] = { file: m.file, message: `${failures[i]!.message}; ${m.message}` };
    else fail(m.file, m.message);
  }
  if (folded.passed) passed.push(folded.passed);

  // 5. Addenda: each a sealed set of its own, annotating exactly this report.json.
  const reportBytes = files.get('report.json');
  const reportSha = reportBytes ? sha256Hex(reportBytes) : undefined;
  const testKeys = new Set<string>();
  try {
    const r = JSON.parse(reportBytes?.toString('utf8') ?? '{}') as { tests?: Array<{ id?: unknown; attempt?: unknown }> };
    for (const t of r.tests ?? []) testKeys.add(`${String(t.id)}\u0000${String(t.attempt)}`);
  } catch {
    // report.json unreadable: reported above (not the fold of the journal, or changed after sealing)
  }
  for (const dir of addendumDirs(files)) {
    const sub = addendumFiles(files, dir);
    const prefixed = (f: Failure): Failure => ({ ...f, file: `${dir}/${f.file}` });
    if (!/^addenda\/\d{3,}$/.test(dir)) {
      fail(dir, 'not an addendum directory (addenda/NNN): added after sealing');
      continue;
    }
    const r = verifyEvidence(sub, opts, { addendum: true });
    failures.push(...r.failures.map(prefixed));
    const doc = parseAddendum(sub.get(ADDENDUM_DATA));
    if (doc.error) fail(`${dir}/${ADDENDUM_DATA}`, doc.error);
    else {
      const d = doc.doc!;
      if (Number(dir.slice(ADDENDA_DIR.length + 1)) !== d.sequence) fail(`${dir}/${ADDENDUM_DATA}`, `says it is addendum ${d.sequence}, but it is in ${dir}`);
      if (d.report_sha256 !== reportSha) fail(`${dir}/${ADDENDUM_DATA}`, `annotates the report.json with sha256 ${d.report_sha256}, but this set's report.json has sha256 ${reportSha ?? '(none)'}: it belongs to another run`);
      const unknown = d.tests.find((t) => !testKeys.has(`${t.id}\u0000${t.attempt}`));
      if (unknown && d.report_sha256 === reportSha) fail(`${dir}/${ADDENDUM_DATA}`, `annotates test ${unknown.id} "${unknown.name.slice(0, 80)}", which report.json does not have`);
    }
    if (r.ok && !failures.some((f) => f.file.startsWith(`${dir}/`))) passed.push(`${dir}: ${doc.doc?.tests.length ?? 0} annotation(s) added later for report.json ${reportSha?.slice(0, 12) ?? ''}; ${r.seal.summary}`);
    if (STATE_RANK[r.seal.state] < STATE_RANK[seal.state]) seal = { state: r.seal.state, summary: `${dir}: ${r.seal.summary}` };
  }
  return { ok: failures.length === 0, failures, passed, seal };
}
