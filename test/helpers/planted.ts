// Helpers for the write-safety suites: a directory "elsewhere" whose every byte is recorded, and links
// planted in an output directory pointing into it.
import { linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Everything under `dir` (links not followed): relative path -> file bytes (base64), link target or "dir". */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (sub: string): void => {
    for (const name of readdirSync(path.join(dir, sub)).sort()) {
      const rel = sub ? `${sub}/${name}` : name;
      const abs = path.join(dir, rel);
      const st = lstatSync(abs);
      if (st.isSymbolicLink()) out[rel] = `link -> ${readlinkSync(abs)}`;
      else if (st.isDirectory()) {
        out[rel] = 'dir';
        walk(rel);
      } else out[rel] = `${st.mode.toString(8)} ${readFileSync(abs).toString('base64')}`;
    }
  };
  walk('');
  return out;
}

export interface Elsewhere {
  dir: string;
  /** A file outside for `name` (created with known content). */
  file: (name: string) => string;
  /** A path outside that does not exist (a dangling link's target). */
  absent: (name: string) => string;
  /** A directory outside holding coverage-like files. */
  coverageDir: string;
}

export function elsewhere(): Elsewhere {
  const dir = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'llmr-elsewhere-')));
  const coverageDir = path.join(dir, 'covdir');
  mkdirSync(coverageDir);
  for (const f of ['lcov.info', 'coverage-final.json', 'keep.txt']) writeFileSync(path.join(coverageDir, f), `precious ${f} outside the output directory\n`);
  return {
    dir,
    coverageDir,
    file: (name) => {
      const p = path.join(dir, `precious-${name.replace(/\//g, '_')}`);
      writeFileSync(p, `precious ${name}: must not be truncated or overwritten\n`);
      return p;
    },
    absent: (name) => path.join(dir, `never-created-${name.replace(/\//g, '_')}`),
  };
}

/**
 * Plant a link at every name in `names` inside `out` (created): a symbolic link to a file elsewhere,
 * every third one dangling (its target must not be created), `hard` names as hard links instead, and
 * `coverage` (when listed) as a link to a directory elsewhere.
 */
export function plant(out: string, names: readonly string[], world: Elsewhere, hard: readonly string[] = []): void {
  mkdirSync(out, { recursive: true });
  names.forEach((name, i) => {
    const at = path.join(out, name);
    mkdirSync(path.dirname(at), { recursive: true });
    if (name === 'coverage') symlinkSync(world.coverageDir, at, 'dir');
    else if (hard.includes(name)) linkSync(world.file(name), at);
    else symlinkSync(i % 3 === 2 ? world.absent(name) : world.file(name), at);
  });
}

/** What `name` under `dir` is: 'file' (a regular file with one link), 'absent', or what else it is. */
export function regularOrAbsent(dir: string, name: string): string {
  try {
    const st = lstatSync(path.join(dir, name));
    if (st.isFile() && st.nlink === 1) return 'file';
    return st.isSymbolicLink() ? 'a symbolic link' : st.isFile() ? `a file with ${st.nlink} links` : 'not a file';
  } catch {
    return 'absent';
  }
}
