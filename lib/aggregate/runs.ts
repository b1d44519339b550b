// Each source folded on its own (the same fold as a live run), with what the aggregate needs to know
// about it: id, start time, shard, coverage lines. Duplicate run ids are caught here.
import { fold } from '../report/fold.js';
import { canonicalJson } from '../report/canonical.js';
import { warning } from '../warnings.js';
import type { CoverageLine, Report, RunStartLine, Warning } from '../types.js';
import { AggregateError } from './errors.js';
import { generatedRunId } from './ids.js';
import type { Source } from './source.js';

export interface Shard {
  index: number;
  total: number;
}

export interface Run {
  source: Source;
  /** Position among the sources (input order): the tie-break everywhere. */
  order: number;
  start: RunStartLine | undefined;
  report: Report;
  runId: string;
  startedAt: string;
  shard: Shard | undefined;
  coverage: CoverageLine[];
}

const EPOCH = '1970-01-01T00:00:00.000Z';

/** node's --test-shard=i/n from the run's recorded argv. */
export function shardOf(argv: readonly string[]): Shard | undefined {
  for (let i = 0; i < argv.length; i++) {
    const m = /^--test-shard(?:=(.*))?$/.exec(argv[i]!);
    if (!m) continue;
    const v = /^(\d+)\/(\d+)$/.exec(m[1] ?? argv[i + 1] ?? '');
    if (v) return { index: Number(v[1]), total: Number(v[2]) };
  }
  return undefined;
}

export function toRun(source: Source, order: number): Run {
  const start = source.lines.find((l): l is RunStartLine => l.type === 'run_start');
  const inner = start?.aggregate;
  if (inner && inner.policy !== 'merge') {
    throw new AggregateError(
      `is the output of llm-report aggregate --policy ${inner.policy}; aggregate the runs it was made from instead (only --policy merge outputs, one run each, can be inputs)`,
      source.path,
    );
  }
  const report = fold(source.lines, source.warnings, source.origins);
  const runId = start && start.run_id !== 'unknown' ? start.run_id : generatedRunId(source.sha256);
  return {
    source,
    order,
    start,
    report,
    runId,
    startedAt: start?.started_at ?? EPOCH,
    shard: start ? shardOf(start.argv) : undefined,
    coverage: source.lines.filter((l): l is CoverageLine => l.type === 'coverage'),
  };
}

/** The same run twice: identical content is dropped with a warning; different content is an error. */
export function dedupeRuns(runs: Run[], warnings: Warning[]): Run[] {
  const seen = new Map<string, Run>();
  const out: Run[] = [];
  for (const run of runs) {
    const first = seen.get(run.runId);
    if (!first) {
      seen.set(run.runId, run);
      out.push(run);
      continue;
    }
    if (canonicalJson(first.report) !== canonicalJson(run.report)) {
      throw new AggregateError(`has run id ${run.runId}, as ${first.source.path} has, but different content; a run id must name one run (were the outputs of two runs mixed up?)`, run.source.path);
    }
    warnings.push(warning('LLMR_AGG_DUPLICATE_RUN', `${run.source.path} is the same run as ${first.source.path} (run id ${run.runId}); it is ignored`, { file: run.source.path }));
  }
  return out;
}
