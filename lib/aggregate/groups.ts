// Groups: the runs that make one logical run. Under `merge` every source is one group (the shards of
// one run); otherwise each command-line input is a group (a run, or a directory holding its shards).
// A group's records are the union of its runs' records, each attributed to the run it came from.
import { compareRecords } from '../report/fold.js';
import { warning } from '../warnings.js';
import type { AggregatePolicy, FileLine, RunStatus, SuiteLine, TestLine, Warning } from '../types.js';
import { groupId } from './ids.js';
import type { Run } from './runs.js';
import { fileRank, recordRank, worseRun } from './status.js';

export type RecordLine = TestLine | SuiteLine;

export interface Group {
  id: string;
  /** Chronological position: by start time, then input order. */
  order: number;
  runs: Run[];
  startedAt: string;
  /** One record per (type, id, attempt): on overlap the worse outcome. Attributed, sorted. */
  records: RecordLine[];
  /** Every record of every run, overlaps included, attributed: what the history is made of. */
  observed: RecordLine[];
  files: Map<string, FileLine>;
  status: RunStatus;
  complete: boolean;
  shards: string[];
}

export const recordKey = (r: RecordLine): string => `${r.type}\u0000${r.id}\u0000${r.type === 'test' ? r.attempt : 0}`;

export function makeGroups(runs: Run[], policy: AggregatePolicy, warnings: Warning[]): Group[] {
  const byKey = new Map<number, Run[]>();
  for (const run of runs) {
    const key = policy === 'merge' ? 0 : run.source.input;
    const list = byKey.get(key) ?? [];
    list.push(run);
    byKey.set(key, list);
  }
  const groups = [...byKey.values()].map((members) => mergeGroup(members, warnings));
  groups.sort((a, b) => (a.startedAt < b.startedAt ? -1 : a.startedAt > b.startedAt ? 1 : a.runs[0]!.order - b.runs[0]!.order));
  groups.forEach((g, i) => (g.order = i));
  return groups;
}

function mergeGroup(runs: Run[], warnings: Warning[]): Group {
  const id = groupId(runs.map((r) => r.runId));
  const kept = new Map<string, { rec: RecordLine; from: Run }>();
  const observed: RecordLine[] = [];
  const files = new Map<string, FileLine>();
  let status: RunStatus = 'passed';
  let complete = true;
  for (const run of runs) {
    status = worseRun(status, run.report.run.status);
    complete &&= run.report.run.complete;
    for (const r of [...run.report.suites, ...run.report.tests]) {
      // A record already attributed (an input that is itself a merge aggregate) keeps its original run.
      const rec: RecordLine = { ...r, run_id: r.run_id ?? run.runId, group_id: id };
      observed.push(rec);
      const key = recordKey(rec);
      const prev = kept.get(key);
      if (!prev) {
        kept.set(key, { rec, from: run });
        continue;
      }
      const where = `${rec.type} "${[...rec.path, rec.name].join(' > ')}" (id ${rec.id}${rec.type === 'test' ? `, attempt ${rec.attempt}` : ''}) is in both ${prev.from.source.path} and ${run.source.path}`;
      const at = { file: rec.file, line: rec.line, test_id: rec.id };
      if (prev.rec.status === rec.status) {
        warnings.push(warning('LLMR_AGG_OVERLAP', `${where}; the first is kept (shards overlap, or separate runs were given as one input)`, at));
      } else {
        warnings.push(warning('LLMR_AGG_CONFLICT', `${where} with different outcomes (${prev.rec.status}, ${rec.status}); ${recordRank(rec.status) > recordRank(prev.rec.status) ? rec.status : prev.rec.status} is kept`, at));
        if (recordRank(rec.status) > recordRank(prev.rec.status)) kept.set(key, { rec, from: run });
      }
    }
    for (const f of run.report.files) {
      const prev = files.get(f.file);
      if (!prev || fileRank(f.status) > fileRank(prev.status)) files.set(f.file, f);
    }
  }
  const shards = checkShards(id, runs, warnings);
  if (shards.missing) {
    complete = false;
    status = worseRun(status, 'incomplete');
  }
  return {
    id,
    order: 0,
    runs,
    startedAt: runs.map((r) => r.startedAt).sort()[0]!,
    records: [...kept.values()].map((k) => k.rec).sort(compareRecords),
    observed,
    files,
    status,
    complete,
    shards: shards.list,
  };
}

/** Shards must add up: 1..n once each, one n. A missing shard or mixed totals may mean tests that never ran. */
function checkShards(id: string, runs: Run[], warnings: Warning[]): { list: string[]; missing: boolean } {
  const sharded = runs.filter((r) => r.shard);
  if (sharded.length === 0) return { list: [], missing: false };
  const list = sharded.map((r) => `${r.shard!.index}/${r.shard!.total}`).sort((a, b) => parseInt(a) - parseInt(b) || (a < b ? -1 : 1));
  const problems: string[] = [];
  let incomplete = false;
  const totals = [...new Set(sharded.map((r) => r.shard!.total))];
  if (totals.length > 1) {
    problems.push(`different shard totals (${list.join(', ')})`);
    incomplete = true;
  }
  const unsharded = runs.filter((r) => !r.shard).map((r) => r.source.path);
  if (unsharded.length) problems.push(`runs without --test-shard mixed with shards (${unsharded.join(', ')})`);
  if (totals.length === 1) {
    const total = totals[0]!;
    const seen = new Map<number, number>();
    for (const r of sharded) seen.set(r.shard!.index, (seen.get(r.shard!.index) ?? 0) + 1);
    const missing = [];
    for (let i = 1; i <= total; i++) if (!seen.has(i)) missing.push(`${i}/${total}`);
    const twice = [...seen].filter(([, n]) => n > 1).map(([i]) => `${i}/${total}`);
    if (missing.length && unsharded.length === 0) {
      problems.push(`missing shard${missing.length > 1 ? 's' : ''} ${missing.join(', ')}`);
      incomplete = true;
    }
    if (twice.length) problems.push(`shard${twice.length > 1 ? 's' : ''} ${twice.join(', ')} given more than once`);
  }
  if (problems.length === 0) return { list, missing: false };
  const verdict = incomplete ? 'the aggregate is incomplete: some tests may never have run' : 'tests that ran twice are reported as overlaps';
  warnings.push(warning('LLMR_AGG_SHARDS', `group ${id} (${runs.map((r) => r.source.path).join(', ')}): ${problems.join('; ')}; ${verdict}`));
  return { list, missing: incomplete };
}
