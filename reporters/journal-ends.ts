// Counts of ended tests in each test file's in-child journal, read incrementally while the run goes.
// The normalizer asks for them to place tests declared in shared helper modules on Node versions whose
// events do not name the entry file (lib/events/normalize.ts #entryOf).
import path from 'node:path';
import type { ChildJournals } from './journals.js';
import type { ChildJournal } from '../lib/events/child-journal.js';

/** `journals`: the run's reader of the journals, shared with the recorder (each journal is parsed once). */
export function journalEnded(journals: ChildJournals, root: string): (entryFile: string, fullName: string) => { passed: number; failed: number } {
  const counts = new Map<string, Map<string, { passed: number; failed: number }>>();
  const read = new Map<ChildJournal, number>();
  return (entryFile, fullName) => {
    let byName = counts.get(entryFile);
    if (!byName) counts.set(entryFile, (byName = new Map<string, { passed: number; failed: number }>()));
    for (const j of journals.poll(path.resolve(root, entryFile))) {
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
    return byName.get(fullName) ?? { passed: 0, failed: 0 };
  };
}
