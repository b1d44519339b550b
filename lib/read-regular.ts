// Files read back by paths a run named (a source for its ignore hints or the HTML page, a compiled file
// and its source map): regular files only. A FIFO or a device planted under the name must not hang the
// end of the run: opened without blocking, fstat before any read.
import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';

/** `read`'s answer for a regular file, or why the file was not read. */
export function withRegularFile<T>(file: string, read: (fd: number, size: number) => T): { value: T } | { problem: string } {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (err) {
    return { problem: `cannot be opened (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  try {
    const st = fstatSync(fd);
    return st.isFile() ? { value: read(fd, st.size) } : { problem: 'is not a regular file' };
  } finally {
    closeSync(fd);
  }
}

/** A regular file's text, or undefined (missing, unreadable, not a regular file). */
export function readRegular(file: string): string | undefined {
  try {
    const got = withRegularFile(file, (fd) => readFileSync(fd, 'utf8'));
    return 'value' in got ? got.value : undefined;
  } catch {
    return undefined;
  }
}
