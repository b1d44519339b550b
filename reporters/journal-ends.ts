// Counts of ended tests in each test file's in-child journal, read incrementally while the run goes.
// The normalizer asks for them to place tests declared in shared helper modules on Node versions whose
// events do not name the entry file (lib/events/normalize.ts #entryOf).
import path from 'node:path';
import type { ChildJournals } from './journals.js';
import type { ChildJournal } from '../lib/events/child-journal.js';

/**
 * `journals` is the run's one reader of the child journals (the recorder's too): each record is read,
 * parsed and kept once. Where this count has read each journal to is its own.
 */
export function journalEnded(journals: ChildJournals, root: string): (entryFile: string, fullName: string) => { passed: number; failed: number } {
  const files = new Map<string, { abs: string; byName: Map<string, { passed: number; failed: number }> }>();
  const read = new Map<ChildJournal, number>();
  return (entryFile, fullName) => {
    let file = files.get(entryFile);
    if (!file) files.set(entryFile, (file = { abs: path.resolve(root, entryFile), byName: new Map() }));
    const { byName } = file;
    for (const j of journals.poll(file.abs)) {
      let i = read.get(j) ?? 0;
      for (; i < j.records.length; i++) {
        const r = j.records[i]!;
        if (r.k !== 'end') continue;
        let c = byName.get(r.fn);
        if (!c) byName.set(r.fn, (c = { passed: 0, failed: 0 }));
        c[r.p ? 'passed' : 'failed']++;
      }
      read.set(j, i);
    }
    return byName.get(fullName) ?? NONE;
  };
}

const NONE: { readonly passed: number; readonly failed: number } = Object.freeze({ passed: 0, failed: 0 });
