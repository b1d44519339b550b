// manifest.json and SHA256SUMS: the list of every artifact with its size and sha256. manifest.json
// (schemas/manifest.schema.json) is written first and lists everything but itself and the detached
// files; SHA256SUMS (coreutils format, `sha256sum -c`) lists the same files plus manifest.json; the
// signature covers SHA256SUMS. So one signature check covers every byte of the set.
import { TOOL_NAME, TOOL_VERSION } from '../generated/version.js';
import { canonicalJson } from '../report/canonical.js';
import { DETACHED, MANIFEST, comparePaths, mediaType, sha256Hex, type FileSet } from './files.js';
import type { ManifestEntry } from '../types.js';

/** A set's files by size and sha256, for a caller that hashed them as it read them (the seal). */
export type FileDigests = Map<string, { size: number; sha256: string }>;

export const MANIFEST_SCHEMA_VERSION = '1.0.0';

export type SignatureAlgorithm = 'ecdsa-p256-sha256' | 'ed25519' | 'hmac-sha256';

export interface ManifestSignature {
  algorithm: SignatureAlgorithm;
  /** The detached file holding the signature or the HMAC. */
  file: string;
  /** Asymmetric only: the SPKI PEM public key in the set. */
  public_key?: string;
  /** sha256 of the DER SubjectPublicKeyInfo (asymmetric), or the HMAC key id (hmac). */
  key_fingerprint: string;
  /** What the seal is worth, said plainly. */
  note: string;
}

export interface ManifestJournal {
  file: string;
  chain: string;
  records: number;
  head: string;
}

/** manifest.json (schemas/manifest.schema.json). */
export interface ManifestDoc {
  schema_version: string;
  tool: { name: string; version: string };
  run_id?: string;
  files: ManifestEntry[];
  journal?: ManifestJournal;
  signature?: ManifestSignature;
}

export function manifestEntries(files: FileSet | FileDigests, exclude: ReadonlySet<string> = new Set()): ManifestEntry[] {
  return [...files.entries()]
    .filter(([p]) => !exclude.has(p))
    .sort(([a], [b]) => comparePaths(a, b))
    .map(([p, file]) => {
      const { size, sha256 } = file instanceof Uint8Array ? { size: file.length, sha256: sha256Hex(file) } : file;
      return { path: p, size, sha256, media_type: mediaType(p) };
    });
}

/** manifest.json over every file of the set except itself and the detached seal files. */
export function buildManifest(files: FileSet | FileDigests, extra: { run_id?: string; journal?: ManifestJournal; signature?: ManifestSignature }): ManifestDoc {
  const doc: ManifestDoc = {
    schema_version: MANIFEST_SCHEMA_VERSION,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    files: manifestEntries(files, new Set([MANIFEST, ...DETACHED])),
  };
  if (extra.run_id) doc.run_id = extra.run_id;
  if (extra.journal) doc.journal = extra.journal;
  if (extra.signature) doc.signature = extra.signature;
  return doc;
}

export function manifestText(doc: ManifestDoc): string {
  return JSON.stringify(JSON.parse(canonicalJson(doc)), null, 2) + '\n';
}

/** SHA256SUMS: "<sha256>  <path>\n" sorted by path, covering the manifest's files plus manifest.json. */
export function sha256sumsText(doc: ManifestDoc, manifestBytes: Uint8Array): string {
  const rows = [...doc.files.map((f) => ({ path: f.path, sha256: f.sha256 })), { path: MANIFEST, sha256: sha256Hex(manifestBytes) }];
  rows.sort((a, b) => comparePaths(a.path, b.path));
  return rows.map((r) => `${r.sha256}  ${r.path}\n`).join('');
}

export interface SumsEntry {
  path: string;
  sha256: string;
  line: number;
}

/** Parses SHA256SUMS; each malformed line is reported with its number. */
export function parseSha256sums(text: string): { entries: SumsEntry[]; errors: string[] } {
  const entries: SumsEntry[] = [];
  const errors: string[] = [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  else if (text !== '') errors.push(`line ${lines.length}: no final newline`);
  lines.forEach((l, i) => {
    // coreutils: two spaces (text mode) or space + '*' (binary mode).
    const m = /^([0-9a-f]{64}) [ *](.+)$/.exec(l);
    if (!m) errors.push(`line ${i + 1}: not "<sha256>  <path>"`);
    else entries.push({ sha256: m[1]!, path: m[2]!, line: i + 1 });
  });
  return { entries, errors };
}
