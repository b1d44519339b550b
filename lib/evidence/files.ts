// The evidence set as data: file paths (relative, POSIX) to their bytes, with names the seal owns.
// Every check and every writer works on this map, so a directory and a tar bundle verify alike.
import { createHash } from 'node:crypto';

export type FileSet = Map<string, Buffer>;

export const SHA256SUMS = 'SHA256SUMS';
export const MANIFEST = 'manifest.json';
export const VERIFY_MD = 'VERIFY.md';
export const SIGNATURE = 'SHA256SUMS.sig';
export const HMAC_FILE = 'SHA256SUMS.hmac-sha256';
export const PUBLIC_KEY = 'signing-key.pub.pem';
export const JOURNAL = 'journal.ndjson';
export const JOURNAL_CHAIN = 'journal.chain';
export const DEPENDENCIES = 'dependencies.json';
export const REQUIREMENTS_CSV = 'requirements.csv';

/** Written after SHA256SUMS (they cover it), so SHA256SUMS cannot list them. */
export const DETACHED = new Set([SHA256SUMS, SIGNATURE, HMAC_FILE]);

export function sha256Hex(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

const MEDIA_TYPES: Record<string, string> = {
  '.json': 'application/json',
  '.ndjson': 'application/x-ndjson',
  '.html': 'text/html',
  '.pdf': 'application/pdf',
  '.info': 'text/plain',
  '.csv': 'text/csv',
  '.md': 'text/markdown',
  '.pem': 'application/x-pem-file',
  '.chain': 'text/plain',
  '.txt': 'text/plain',
  '.sig': 'application/octet-stream',
  '.tar': 'application/x-tar',
};

export function mediaType(file: string): string {
  if (file === SHA256SUMS) return 'text/plain';
  const dot = file.lastIndexOf('.');
  return (dot > file.lastIndexOf('/') && MEDIA_TYPES[file.slice(dot).toLowerCase()]) || 'application/octet-stream';
}

/** Byte order of the UTF-8 paths: locale-independent and the same everywhere. */
export function comparePaths(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** A path safe to write into a directory or a tar: relative, POSIX, no "..", no control characters. */
export function isSafePath(p: string): boolean {
  // eslint-disable-next-line no-control-regex -- control characters are exactly what this rejects
  if (p === '' || p.startsWith('/') || p.includes('\\') || /[\u0000-\u001f\u007f]/.test(p)) return false;
  return p.split('/').every((seg) => seg !== '' && seg !== '.' && seg !== '..');
}
