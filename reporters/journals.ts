// The reporter's side of the in-child journals: read incrementally while the run goes (a test's
// coverage and metadata are in its child's journal before node reports the test), and in full at
// the end (to account for tests whose results never arrived).
import { openSync, readSync, closeSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { journalPrefix } from '../lib/config/internal-env.js';
import { parseChildJournal, type ChildJournal } from '../lib/events/child-journal.js';
import type { Warning } from '../lib/types.js';

interface Tail {
  name: string;
  /** Kept open while its test file runs (a poll reads it per test), up to OPEN_MAX journals. */
  fd?: number;
  offset: number;
  /** Bytes read after the last newline (a line being written): kept as bytes, so a character cut in two decodes whole. */
  partial: Buffer[];
  journal: ChildJournal;
  /** The strings its records repeat, kept once (interned in #append): the file, and the names of running tests. */
  file?: string;
  running: Map<string, { n: string; fn: string }>;
}

/** Open child journals at most: the files node runs at once are far fewer; the oldest is closed first. */
const OPEN_MAX = 16;

/**
 * Every read goes through this one buffer: a poll runs twice per test, and most find nothing new (a read
 * of 0 bytes), so a poll allocates nothing but the text of the lines it found (no Stats, no Buffer).
 */
const READ_BUF = Buffer.alloc(65536);
const NL = 0x0a;

export class ChildJournals {
  readonly warnings: Warning[] = [];
  readonly #dir: string | undefined;
  readonly #tails = new Map<string, Tail>();
  /** Journal name prefix by entry file, and the work dir's mtime at the last listing. */
  readonly #prefixes = new Map<string, string>();
  #listedAt = -1;
  /** Per entry file, its journals as of the last listing that found new ones (a poll runs per test). */
  readonly #mine = new Map<string, { listing: number; tails: Tail[] }>();
  #listing = 0;
  /** Watch mode: where an earlier cycle stopped reading each journal (its records are not this cycle's). */
  readonly #from: ReadonlyMap<string, number>;
  /** Journals with an open fd, least recently read first. */
  readonly #open = new Set<Tail>();

  constructor(dir: string | undefined, from: ReadonlyMap<string, number> = new Map()) {
    this.#dir = dir;
    this.#from = from;
  }

  /** How far each journal has been read (with the earlier cycles' offsets): where the next watch cycle starts. */
  offsets(): Map<string, number> {
    const out = new Map(this.#from);
    for (const t of this.#tails.values()) out.set(t.name, t.offset);
    return out;
  }

  /** New records of the journals of one entry file (absolute path). */
  poll(entryFile: string): ChildJournal[] {
    let prefix = this.#prefixes.get(entryFile);
    if (prefix === undefined) this.#prefixes.set(entryFile, (prefix = journalPrefix(entryFile)));
    // An earlier watch cycle's journal of the same file is not this cycle's: look for the new one.
    const mine = (): Tail[] => {
      let got = this.#mine.get(entryFile);
      if (got?.listing !== this.#listing) {
        got = { listing: this.#listing, tails: [...this.#tails.values()].filter((t) => t.name.startsWith(prefix) && !this.#from.has(t.name)) };
        this.#mine.set(entryFile, got);
      }
      return got.tails;
    };
    let tails = mine();
    if (tails.length === 0) {
      this.#discover(true);
      tails = mine();
    }
    for (const t of tails) this.#read(t);
    return tails.map((t) => t.journal);
  }

  /** Every journal, read to its end. */
  all(): ChildJournal[] {
    this.#discover();
    const tails = [...this.#tails.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const t of tails) {
      this.#read(t, false);
      // A torn last line (the child was killed mid-write) is reported, not silently dropped.
      const rest = Buffer.concat(t.partial).toString('utf8');
      if (rest.trim()) this.#append(t, rest + '\n');
      t.partial = [];
    }
    return tails.map((t) => t.journal);
  }

  /** `ifChanged`: skip the listing while the directory is as it was (a file without a journal asks per test). */
  #discover(ifChanged = false): void {
    if (!this.#dir) return;
    try {
      if (ifChanged) {
        // Unchanged, and not within a coarse timestamp's tick of now (a journal created in the same tick
        // would not move it).
        const mtime = statSync(this.#dir).mtimeMs;
        if (mtime === this.#listedAt && Date.now() - mtime > 2000) return;
        this.#listedAt = mtime;
      }
      for (const name of readdirSync(this.#dir)) {
        if (name.endsWith('.ndjson') && !this.#tails.has(name)) {
          this.#tails.set(name, { name, offset: this.#from.get(name) ?? 0, partial: [], journal: { source: name, records: [] }, running: new Map() });
          this.#listing++;
        }
      }
    } catch (err) {
      this.warnings.push({ code: 'LLMR_CHILD_JOURNAL_UNREADABLE', message: `cannot list ${this.#dir}: ${(err as Error).message}` });
    }
  }

  #read(t: Tail, keepOpen = true): void {
    if (!this.#dir) return;
    try {
      if (t.fd === undefined) {
        t.fd = openSync(path.join(this.#dir, t.name), 'r');
        if (this.#open.size >= OPEN_MAX) this.#close(this.#open.values().next().value!);
      } else this.#open.delete(t);
      this.#open.add(t);
      // To the end of what the child has written so far: a full buffer means there may be more.
      for (let n = READ_BUF.length; n === READ_BUF.length; ) {
        n = readSync(t.fd, READ_BUF, 0, READ_BUF.length, t.offset);
        if (n === 0) break;
        t.offset += n;
        const cut = READ_BUF.lastIndexOf(NL, n - 1);
        if (cut < 0) {
          t.partial.push(Buffer.from(READ_BUF.subarray(0, n)));
          continue;
        }
        // A newline byte is never inside a multi-byte UTF-8 character: the text up to it decodes whole.
        const text = t.partial.length === 0 ? READ_BUF.toString('utf8', 0, cut + 1) : Buffer.concat([...t.partial, READ_BUF.subarray(0, cut + 1)]).toString('utf8');
        t.partial = cut + 1 < n ? [Buffer.from(READ_BUF.subarray(cut + 1, n))] : [];
        this.#append(t, text);
      }
      if (!keepOpen) this.#close(t);
    } catch (err) {
      this.#close(t);
      this.warnings.push({ code: 'LLMR_CHILD_JOURNAL_UNREADABLE', message: `cannot read ${t.name}: ${(err as Error).message}` });
    }
  }

  #close(t: Tail): void {
    this.#open.delete(t);
    if (t.fd === undefined) return;
    const fd = t.fd;
    t.fd = undefined;
    try {
      closeSync(fd);
    } catch (err) {
      this.warnings.push({ code: 'LLMR_CHILD_JOURNAL_UNREADABLE', message: `cannot close ${t.name}: ${(err as Error).message}` });
    }
  }

  #append(t: Tail, text: string): void {
    const parsed = parseChildJournal(text, t.name);
    // The records stay for the whole run (reconcile reads them at its end): each parsed string is a copy
    // of its own, so the file every record names, and a test's names in its start and end, are kept once.
    for (const r of parsed.journal.records) {
      if (r.f === t.file) r.f = t.file;
      else t.file = r.f;
      if (r.k === 'start') t.running.set(r.fn, { n: r.n, fn: r.fn });
      else if (r.k === 'end') {
        const s = t.running.get(r.fn);
        if (s === undefined) continue;
        t.running.delete(r.fn);
        r.fn = s.fn;
        if (r.n === s.n) r.n = s.n;
      }
    }
    t.journal.records.push(...parsed.journal.records);
    this.warnings.push(...parsed.warnings);
  }
}
