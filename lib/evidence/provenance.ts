// Provenance stages over text the edges collected: `git status` output -> dirty flag and files (our own
// output directories excluded), package-lock.json -> dependency snapshot. Pure.
import { canonicalJson } from '../report/canonical.js';
import type { GitInfo } from '../types.js';
import { sha256Hex } from './files.js';

export const MAX_DIRTY_FILES = 100;

/**
 * `git status --porcelain=v1 -z --untracked-files=all` output -> changed paths (repo-relative), minus
 * those under `ignore` (repo-relative directory prefixes: our output and cache directories).
 */
export function dirtyPaths(porcelainZ: string, ignore: readonly string[]): string[] {
  const parts = porcelainZ.split('\0');
  const out = new Set<string>();
  for (let i = 0; i < parts.length; i++) {
    const entry = parts[i]!;
    if (entry.length < 4) continue;
    const xy = entry.slice(0, 2);
    out.add(entry.slice(3));
    // Renames and copies carry the source path as the next field.
    if (xy.includes('R') || xy.includes('C')) i++;
  }
  const dirs = ignore.map((d) => d.replace(/\/+$/, '')).filter((d) => d !== '' && d !== '.');
  return [...out].filter((p) => !dirs.some((d) => p === d || p.startsWith(d + '/'))).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export function gitInfo(sha: string, dirty: string[]): GitInfo {
  const info: GitInfo = { sha, dirty: dirty.length > 0 };
  if (dirty.length) info.dirty_files = dirty.slice(0, MAX_DIRTY_FILES);
  if (dirty.length > MAX_DIRTY_FILES) info.dirty_files_truncated = true;
  return info;
}

export interface DependencyEntry {
  /** Where the lockfile puts it ("node_modules/a/node_modules/b"); tells duplicates apart. */
  path: string;
  name: string;
  version?: string;
  integrity?: string;
  dev?: true;
  optional?: true;
  link?: true;
}

export interface DependencySnapshot {
  lockfile: string;
  lockfile_sha256: string;
  lockfile_version: number;
  root?: { name?: string; version?: string };
  packages: DependencyEntry[];
}

type LockPackage = { name?: unknown; version?: unknown; integrity?: unknown; dev?: unknown; optional?: unknown; link?: unknown; dependencies?: unknown };

function entry(p: string, name: string, pkg: LockPackage): DependencyEntry {
  const e: DependencyEntry = { path: p, name };
  // Never `resolved`: registry URLs can carry credentials or private hostnames.
  if (typeof pkg.version === 'string') e.version = pkg.version;
  if (typeof pkg.integrity === 'string') e.integrity = pkg.integrity;
  if (pkg.dev === true) e.dev = true;
  if (pkg.optional === true) e.optional = true;
  if (pkg.link === true) e.link = true;
  return e;
}

/** package-lock.json (lockfileVersion 1, 2 or 3) -> name, version, integrity of every package. Throws on bad input. */
export function dependencySnapshot(lockText: string, lockfile: string): DependencySnapshot {
  const lock = JSON.parse(lockText) as { name?: unknown; version?: unknown; lockfileVersion?: unknown; packages?: Record<string, LockPackage>; dependencies?: Record<string, LockPackage> };
  if (typeof lock !== 'object' || lock === null) throw new Error(`${lockfile}: not a package-lock.json object`);
  const version = typeof lock.lockfileVersion === 'number' ? lock.lockfileVersion : 1;
  const packages: DependencyEntry[] = [];
  if (lock.packages && typeof lock.packages === 'object') {
    for (const [p, pkg] of Object.entries(lock.packages)) {
      if (p === '' || typeof pkg !== 'object' || pkg === null) continue;
      const at = p.lastIndexOf('node_modules/');
      const name = typeof pkg.name === 'string' ? pkg.name : at >= 0 ? p.slice(at + 'node_modules/'.length) : p;
      packages.push(entry(p, name, pkg));
    }
  } else if (lock.dependencies && typeof lock.dependencies === 'object') {
    const walk = (deps: Record<string, LockPackage>, prefix: string): void => {
      for (const [name, pkg] of Object.entries(deps)) {
        if (typeof pkg !== 'object' || pkg === null) continue;
        const p = `${prefix}node_modules/${name}`;
        packages.push(entry(p, name, pkg));
        if (pkg.dependencies && typeof pkg.dependencies === 'object') walk(pkg.dependencies as Record<string, LockPackage>, `${p}/`);
      }
    };
    walk(lock.dependencies, '');
  } else throw new Error(`${lockfile}: neither "packages" nor "dependencies": not a package-lock.json`);
  packages.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const snap: DependencySnapshot = { lockfile, lockfile_sha256: sha256Hex(lockText), lockfile_version: version, packages };
  const root = lock.packages?.[''];
  const rootName = typeof root?.name === 'string' ? root.name : typeof lock.name === 'string' ? lock.name : undefined;
  const rootVersion = typeof root?.version === 'string' ? root.version : typeof lock.version === 'string' ? lock.version : undefined;
  if (rootName || rootVersion) snap.root = { ...(rootName ? { name: rootName } : {}), ...(rootVersion ? { version: rootVersion } : {}) };
  return snap;
}

/** dependencies.json: canonical (sorted keys), one package per line, so diffs between runs stay readable. */
export function snapshotText(snap: DependencySnapshot): string {
  const { packages, ...head } = snap;
  const body = packages.map((p) => `    ${canonicalJson(p)}`).join(',\n');
  const top = JSON.parse(canonicalJson(head)) as Record<string, unknown>;
  const fields = Object.keys({ ...top, packages: 0 }).sort();
  const lines = fields.map((k) => (k === 'packages' ? `  "packages": [${packages.length ? `\n${body}\n  ` : ''}]` : `  ${JSON.stringify(k)}: ${JSON.stringify(top[k])}`));
  return `{\n${lines.join(',\n')}\n}\n`;
}
