// Writes that stay inside their directory (DESIGN.md invariant 6). The directory itself is the user's
// choice (a link there is followed, once); below it nothing planted is followed: every directory
// component must be a real directory (a link in its place is replaced by one), every file is written to
// a temp file created exclusively (O_CREAT|O_EXCL never follows a link) and renamed over the name
// (rename replaces a link itself, never its target), and append-only files are created afresh.
import { closeSync, lstatSync, mkdirSync, openSync, renameSync, rmSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { randomInt } from 'node:crypto';
import path from 'node:path';

/** A name below the output directory that cannot be written safely (a directory where a file belongs, a special file). */
export class UnsafeWriteError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsafeWriteError';
  }
}

function lstatOrUndefined(p: string): Stats | undefined {
  try {
    return lstatSync(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** `rel` split into safe segments; throws on "..", absolute paths and empty segments. */
function segments(rel: string): string[] {
  const parts = rel.split(/[\\/]/);
  if (path.isAbsolute(rel) || parts.some((s) => s === '' || s === '.' || s === '..')) throw new UnsafeWriteError(`${rel}: not a plain path below the output directory`);
  return parts;
}

/**
 * `base/relDir` as a chain of real directories: missing ones are created, a symbolic link in the place
 * of one is removed (the link only; what it points to is untouched) and replaced by a directory.
 * `base` is created when missing. Returns the absolute directory.
 */
export function realSubdir(base: string, relDir: string): string {
  mkdirSync(base, { recursive: true });
  let dir = base;
  for (const seg of relDir === '' || relDir === '.' ? [] : segments(relDir)) {
    dir = path.join(dir, seg);
    let st = lstatOrUndefined(dir);
    if (st?.isSymbolicLink()) {
      unlinkSync(dir);
      st = undefined;
    }
    if (!st) {
      try {
        mkdirSync(dir);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
    }
    // Re-check after mkdir: something may have been planted in between.
    st ??= lstatSync(dir);
    if (!st.isDirectory()) throw new UnsafeWriteError(`${dir}: exists and is not a directory (${kind(st)}); llm-report writes a directory there`);
  }
  return dir;
}

function kind(st: Stats): string {
  return st.isSymbolicLink() ? 'a symbolic link' : st.isFile() ? 'a file' : st.isDirectory() ? 'a directory' : 'a special file';
}

/** A temp name next to `file`, ending in `.tmp-<digits>` (what readers skip as a write in progress). */
function tempName(file: string): string {
  return `${file}.tmp-${process.pid}${String(randomInt(1e9)).padStart(9, '0')}`;
}

/**
 * Write `base/rel` atomically: a temp file created exclusively in the same directory, then renamed over
 * the name. A planted link at the name is replaced; a link at a directory below `base` is replaced by a
 * real directory. A reader never sees half a file; a crash leaves the previous file or none.
 */
export function writeIn(base: string, rel: string, content: string | Uint8Array): string {
  const file = pendingIn(base, rel);
  file.write(content);
  return file.commit();
}

/** A file written in parts (writeIn's temp file, kept open): nothing is at its name until commit(). */
export interface PendingFile {
  write(chunk: string | Uint8Array): void;
  /** Closes the temp file and renames it over the name; returns the absolute path. */
  commit(): string;
  /** Closes and removes the temp file (after a failure): the name keeps what it had. */
  discard(): void;
}

/**
 * `base/rel` to be written atomically in parts, so that a large output never has to be one string in
 * memory: the same temp file and rename as writeIn. Every write error removes the temp file and throws.
 */
export function pendingIn(base: string, rel: string): PendingFile {
  const parts = segments(rel);
  const dir = realSubdir(base, parts.slice(0, -1).join('/'));
  const file = path.join(dir, parts[parts.length - 1]!);
  const st = lstatOrUndefined(file);
  if (st?.isDirectory()) throw new UnsafeWriteError(`${file}: is a directory; llm-report writes a file there`);
  const tmp = tempName(file);
  let fd: number | undefined = openSync(tmp, 'wx');
  const discard = (): void => {
    const open = fd;
    fd = undefined;
    try {
      if (open !== undefined) closeSync(open);
    } finally {
      rmSync(tmp, { force: true });
    }
  };
  const guarded = <T>(step: () => T): T => {
    try {
      return step();
    } catch (err) {
      discard();
      throw err;
    }
  };
  return {
    write: (chunk) =>
      guarded(() => {
        if (fd === undefined) throw new Error(`${file}: written after commit or discard`);
        const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
        for (let at = 0; at < bytes.length; ) at += writeSync(fd, bytes, at);
      }),
    commit: () =>
      guarded(() => {
        if (fd === undefined) throw new Error(`${file}: committed after discard`);
        closeSync(fd);
        fd = undefined;
        renameSync(tmp, file);
        return file;
      }),
    discard,
  };
}

/**
 * A new file `base/rel` opened for writing, for append-only records (the journal): whatever had the name
 * (an old file, a planted link, a hard link shared with a file elsewhere) is unlinked first, and the file
 * is created exclusively, so a link planted in between makes the open fail instead of being followed.
 */
export function createFresh(base: string, rel: string): number {
  const parts = segments(rel);
  const dir = realSubdir(base, parts.slice(0, -1).join('/'));
  const file = path.join(dir, parts[parts.length - 1]!);
  const st = lstatOrUndefined(file);
  if (st?.isDirectory()) throw new UnsafeWriteError(`${file}: is a directory; llm-report writes a file there`);
  if (st) unlinkSync(file);
  return openSync(file, 'wx');
}

/** Remove the name `base/rel` if present (a link is removed itself; its target is untouched). */
export function removeIn(base: string, rel: string): void {
  const file = path.join(base, ...segments(rel));
  const st = lstatOrUndefined(file);
  if (st && !st.isDirectory()) unlinkSync(file);
}
