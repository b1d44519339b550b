// Paths in every output are repo-relative POSIX, so reports compare across machines and OSes.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repo-relative POSIX path of an absolute path or file: URL; left absolute (POSIX) when outside root. */
export function relPath(root: string, file: string): string {
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
