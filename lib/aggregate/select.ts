// The policies: which records (and file records) the aggregate reports.
//   merge   one group (the shards of one run): its union
//   latest  per test, the record of the newest group that has it (its highest attempt)
//   all     every record of every group, each attributed to its run
import { compareRecords } from '../report/fold.js';
import type { AggregatePolicy, FileLine } from '../types.js';
import { recordKey, type Group, type RecordLine } from './groups.js';
import { fileRank, recordRank } from './status.js';

export interface Selection {
  /** Sorted: record order, then oldest group first. */
  records: RecordLine[];
  /** One record per (type, id, attempt) for the fold: the same as `records` except under `all`, where it is the worst outcome. */
  unique: RecordLine[];
  files: FileLine[];
  /** Groups the selection draws from: their status and coverage count. */
  contributing: Group[];
}

const sortRecords = (list: RecordLine[]): RecordLine[] => list.sort(compareRecords); // stable: ties keep group order

export function select(groups: readonly Group[], policy: AggregatePolicy): Selection {
  const chrono = [...groups].sort((a, b) => a.order - b.order);
  if (policy === 'latest') {
    const byTest = new Map<string, { rec: RecordLine; group: Group }>();
    const files = new Map<string, FileLine>();
    for (const g of chrono) {
      for (const rec of g.records) byTest.set(`${rec.type}\u0000${rec.id}`, { rec, group: g }); // records are attempt-ascending
      for (const [name, f] of g.files) files.set(name, f);
    }
    const used = new Set([...byTest.values()].map((x) => x.group));
    const records = sortRecords([...byTest.values()].map((x) => x.rec));
    return { records, unique: records, files: [...files.values()], contributing: used.size ? chrono.filter((g) => used.has(g)) : chrono };
  }
  const records = sortRecords(chrono.flatMap((g) => g.records));
  const files = new Map<string, FileLine>();
  const worst = new Map<string, RecordLine>();
  for (const g of chrono) {
    for (const [name, f] of g.files) {
      const prev = files.get(name);
      if (!prev || fileRank(f.status) >= fileRank(prev.status)) files.set(name, f);
    }
    for (const rec of g.records) {
      const prev = worst.get(recordKey(rec));
      if (!prev || recordRank(rec.status) >= recordRank(prev.status)) worst.set(recordKey(rec), rec);
    }
  }
  return { records, unique: sortRecords([...worst.values()]), files: [...files.values()], contributing: chrono };
}
