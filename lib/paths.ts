// Paths in every output are repo-relative POSIX, so reports compare across machines and OSes.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** relPath's answers by root, then file: a run names the same few files in every event (absolute roots only: no cwd involved). */
const relMemo = new Map<string, Map<string, string>>();
const REL_MEMO_SIZE = 10_000;

/** Repo-relative POSIX path of an absolute path or file: URL; left absolute (POSIX) when outside root. */
export function relPath(root: string, file: string): string {
  if (!path.isAbsolute(root)) return relPathOf(root, file);
  // By root, then file: no key string made per call (several per event).
  let byFile = relMemo.get(root);
  if (!byFile) relMemo.set(root, (byFile = new Map<string, string>()));
  let out = byFile.get(file);
  if (out === undefined) {
    out = relPathOf(root, file);
    if (byFile.size >= REL_MEMO_SIZE) byFile.clear();
    byFile.set(file, out);
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
