// The run's journal (journal.ndjson and its hash chain), written line by line while the run goes on; in
// a module of its own so that the reporter's start does not load the end-of-run writers (write.ts).
import { closeSync, fstatSync, writeSync } from 'node:fs';
import path from 'node:path';
import { toNdjsonLine } from '../report/canonical.js';
import { chainLine, chainStep, CHAIN_START } from '../evidence/chain.js';
import { JOURNAL_CHAIN } from '../evidence/files.js';
import { createFresh } from './safe-fs.js';
import type { Line } from '../types.js';

/**
 * Append-only journal: one synchronous write per line, so a crash tears at most the last line. Each
 * line is hash-chained in journal.chain next to it (lib/evidence/chain.ts), written right after it.
 */
export class Journal {
  #fd: number | undefined;
  #chainFd: number | undefined;
  #head = CHAIN_START;
  #seq = 0;
  constructor(readonly file: string) {
    // Created afresh: an old journal, or a link planted at either name, is unlinked, never followed or truncated.
    this.#fd = createFresh(path.dirname(file), path.basename(file));
    try {
      this.#chainFd = createFresh(path.dirname(file), JOURNAL_CHAIN);
    } catch (err) {
      closeSync(this.#fd);
      this.#fd = undefined;
      throw err;
    }
  }
  /** `text`: the line's NDJSON when the caller has it already (the stream shows the same bytes). */
  append(line: Line, text = toNdjsonLine(line)): void {
    if (this.#fd === undefined) return;
    writeSync(this.#fd, text);
    this.#head = chainStep(this.#head, text);
    if (this.#chainFd !== undefined) writeSync(this.#chainFd, chainLine(++this.#seq, this.#head));
  }
  /** Why the journal is gone from disk, if it is: deleted (with its directory) while the run went on. */
  lost(): string | undefined {
    if (this.#fd === undefined) return undefined;
    try {
      return fstatSync(this.#fd).nlink === 0 ? `${this.file} was deleted during the run (its directory removed?): the journal is lost` : undefined;
    } catch (err) {
      return `${this.file}: ${(err as Error).message}`;
    }
  }
  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    if (this.#chainFd !== undefined) closeSync(this.#chainFd);
    this.#fd = undefined;
    this.#chainFd = undefined;
  }
}
