// Per-test coverage and metadata out of the in-child journals, indexed by (fullName, occurrence) as the
// records arrive. Pure: it is fed records, it reads nothing.
import path from 'node:path';
import type { ChildJournal, ChildOutput, TestMeta } from '../events/child-journal.js';
import { relPath } from '../paths.js';
import { unionRanges, type LineRange } from './ranges.js';

export interface FileLines {
  file: string;
  lines: LineRange[];
}

interface Entry {
  files: Map<string, LineRange[]>;
  shared: boolean;
  meta: TestMeta;
  output?: ChildOutput;
}

export interface TestExtras {
  coverage?: FileLines[];
  shared: boolean;
  meta: TestMeta;
  /** capture_output: what the test wrote while it ran (raw: the recorder redacts). */
  output?: ChildOutput;
}

export class JournalIndex {
  readonly #seen = new Map<ChildJournal, number>();
  readonly #entries = new Map<string, Entry>();

  constructor(
    readonly root: string,
    readonly keep: (relFile: string) => boolean,
  ) {}

  #entry(fn: string, o: number): Entry {
    const key = `${fn}\u0000${o}`;
    let e = this.#entries.get(key);
    if (!e) this.#entries.set(key, (e = { files: new Map(), shared: false, meta: {} }));
    return e;
  }

  /** Take in the records added to these journals since the last call. */
  update(journals: ChildJournal[]): void {
    for (const j of journals) {
      const from = this.#seen.get(j) ?? 0;
      for (let i = from; i < j.records.length; i++) {
        const r = j.records[i]!;
        if (r.k === 'cov' && r.fn !== null) {
          const e = this.#entry(r.fn, r.o);
          for (const [abs, ranges] of Object.entries(r.files)) {
            const rel = relPath(this.root, abs);
            if (path.isAbsolute(rel) || !this.keep(rel)) continue;
            e.files.set(rel, unionRanges(e.files.get(rel) ?? [], ranges));
          }
        } else if (r.k === 'shared') this.#entry(r.fn, r.o).shared = true;
        else if (r.k === 'out' && r.fn !== null) this.#entry(r.fn, r.o).output = r.out;
        else if (r.k === 'meta') {
          const m = this.#entry(r.fn, r.o).meta;
          if (r.data.requirements) m.requirements = [...new Set([...(m.requirements ?? []), ...r.data.requirements])].sort();
          if (r.data.llm_mode) m.llm_mode = r.data.llm_mode;
        }
      }
      this.#seen.set(j, j.records.length);
    }
  }

  /** What the journals hold for the o-th test named fullName; coverage only when coverage ran. */
  extras(fullName: string, o: number, coverageOn: boolean): TestExtras {
    const e = this.#entries.get(`${fullName}\u0000${o}`);
    const out: TestExtras = { shared: e?.shared ?? false, meta: e?.meta ?? {} };
    if (e?.output) out.output = e.output;
    if (coverageOn && !out.shared) {
      out.coverage = [...(e?.files ?? new Map<string, LineRange[]>()).entries()]
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
        .map(([file, lines]) => ({ file, lines }));
    }
    return out;
  }
}
