// Files the fold reads back to count coverage (a source for its ignore hints, a compiled file and its
// source map): regular files only. A path comes from what a test process ran and named; a FIFO or a
// device planted there must not hang the end of the run (O_NONBLOCK, then fstat before any read).
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';

export function readRegular(file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch {
    return undefined;
  }
  try {
    return fstatSync(fd).isFile() ? readFileSync(fd, 'utf8') : undefined;
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
