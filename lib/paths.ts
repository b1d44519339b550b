// Paths in every output are repo-relative POSIX, so reports compare across machines and OSes.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** relPath's answers: a run names the same few files in every event (absolute roots only: no cwd involved). */
const relMemo = new Map<string, string>();
const REL_MEMO_SIZE = 10_000;

/** Repo-relative POSIX path of an absolute path or file: URL; left absolute (POSIX) when outside root. */
export function relPath(root: string, file: string): string {
  if (!path.isAbsolute(root)) return relPathOf(root, file);
  const key = `${root}\u0000${file}`;
  let out = relMemo.get(key);
  if (out === undefined) {
    out = relPathOf(root, file);
    if (relMemo.size >= REL_MEMO_SIZE) relMemo.clear();
    relMemo.set(key, out);
  }
  return out;
}

function relPathOf(root: string, file: string): string {
  let abs = file;
  if (abs.startsWith('file://')) {
    try {
      abs = fileURLToPath(abs);
    } catch {
      return abs;
    }
  }
  abs = path.resolve(root, abs);
  const rel = path.relative(root, abs);
  const out = rel.startsWith('..') || path.isAbsolute(rel) ? abs : rel;
  return out.split(path.sep).join('/');
}

/** Replace every absolute occurrence of root (as path and as file: URL) in text with a relative form. */
export function relativizeText(root: string, text: string): string {
  const posixRoot = root.split(path.sep).join('/');
  const withSlash = posixRoot.endsWith('/') ? posixRoot : posixRoot + '/';
  return text.split('file://' + withSlash).join('').split(withSlash).join('');
}
