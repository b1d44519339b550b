// Watch mode (`node --test --watch`): one TestsStream carries every cycle, and node never ends it (SIGINT
// exits the process). Each cycle is a run of its own: node marks its end with test:watch:drained, then
// sends that cycle's closing plan, count diagnostics and (22+) test:summary, all at once. The reporter
// closes the cycle's record after those, and opens the next one at the next cycle's first test event.
// Detected by event type only: a stream without test:watch:drained is one run, as before.
import { mkdirSync, rmSync } from 'node:fs';
import path from 'node:path';
import type { TestEvent } from '../lib/events/normalize.js';
import type { CycleOptions, RunRecorder } from './recorder.js';

/** Inside the output directory: the journal of the cycle in progress; after an interrupted cycle, its record. */
export const WATCH_DIR = 'watch-cycle';

/** After drained, how long to wait for the cycle's closing events on versions without test:summary (Node 20). */
const CLOSING_MS = 250;

export type CycleItem = { event: TestEvent } | { end: true };

/** The events node sends to close a run (and, in watch mode, a cycle): nesting 0, no file. */
function closing(e: TestEvent): boolean {
  const d = e.data;
  if (d?.file !== undefined) return false;
  return e.type === 'test:plan' || e.type === 'test:summary' || e.type === 'test:coverage' || (e.type === 'test:diagnostic' && d?.nesting === 0);
}

/** Whether an event belongs to a cycle's tests (and opens one when none is open). */
export function opensCycle(e: TestEvent): boolean {
  return e.type !== 'test:watch:drained' && e.type !== 'test:watch:restarted' && !closing(e);
}

/**
 * Where each cycle ends, event by event: before the next cycle's first event, after the run test:summary
 * that follows drained, or (quiet) when nothing came for a while after drained. Plain state, no promise
 * or object per event: the reporter pulls node's events itself and asks this (reporter.ts), as
 * watchCycles below does.
 */
export class CycleEnds {
  #draining = false;

  /** After test:watch:drained: the cycle's closing events are due, and a quiet spell ends it (quietOr). */
  get draining(): boolean {
    return this.#draining;
  }

  /** Whether the cycle ends before `e`: the next cycle's first event. */
  before(e: TestEvent): boolean {
    if (!this.#draining || closing(e)) return false;
    this.#draining = false;
    return true;
  }

  /** Whether the cycle ends after `e`: the run test:summary that follows drained. */
  after(e: TestEvent): boolean {
    if (this.#draining && e.type === 'test:summary') {
      this.#draining = false;
      return true;
    }
    if (e.type === 'test:watch:drained') this.#draining = true;
    return false;
  }

  /** Nothing came for a while after drained (quietOr): the cycle ended. */
  quiet(): void {
    this.#draining = false;
  }
}

export const QUIET = Symbol('quiet');

/** `next`, or QUIET if it does not settle within `ms` (the closing events come in the same tick as drained). */
export async function quietOr<T>(next: Promise<T>, ms = CLOSING_MS): Promise<T | typeof QUIET> {
  let timer: NodeJS.Timeout | undefined;
  const quiet = new Promise<typeof QUIET>((resolve) => (timer = setTimeout(() => resolve(QUIET), ms)));
  try {
    return await Promise.race([next, quiet]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * node's events with an `{ end }` after each watch cycle's last event: its run test:summary, the next
 * cycle's first event, or a short quiet spell after drained.
 */
export async function* watchCycles(source: AsyncIterable<TestEvent>, closingMs = CLOSING_MS): AsyncGenerator<CycleItem, void> {
  const it = source[Symbol.asyncIterator]();
  const ends = new CycleEnds();
  let next: Promise<IteratorResult<TestEvent>> | undefined;
  for (;;) {
    next ??= it.next();
    const r = ends.draining ? await quietOr(next, closingMs) : await next;
    if (r === QUIET) {
      ends.quiet();
      yield { end: true };
      continue;
    }
    next = undefined;
    if (r.done) return;
    const e = r.value;
    if (ends.before(e)) yield { end: true };
    yield { event: e };
    if (ends.after(e)) yield { end: true };
  }
}

/** `--watch` or `--watch-path` among node's flags: then even the first cycle's run_start says watch_cycle 1. */
export function watchFlag(argv: readonly string[]): boolean {
  return argv.some((a) => a === '--watch' || a.startsWith('--watch=') || a.startsWith('--watch-path'));
}

/** Between cycles: their numbers, where the child journals were read to, and the last complete cycle's seal. */
export class WatchCycles {
  /** Cycles opened so far (the current one's number while one is open). */
  cycle = 0;
  /** The open cycle saw test:watch:drained: all its tests ended, so it is complete even if node stops now. */
  drained = false;
  /** Watch mode is known: from the flags, or from the first drained. */
  watching: boolean;
  #offsets: ReadonlyMap<string, number> = new Map();
  #previous: CycleOptions['previous'];

  constructor(
    readonly outDir: string,
    readonly workDir: string | undefined,
    flag: boolean,
  ) {
    this.watching = flag;
  }

  /** The number for the next cycle's run_start, and its recorder's options (none for the first: a run as usual). */
  open(): { number: number; options: CycleOptions | undefined } {
    this.cycle++;
    this.drained = false;
    if (this.cycle === 1) return { number: 1, options: undefined };
    const pendingDir = path.join(this.outDir, WATCH_DIR);
    // A directory we make now, never whatever is there (a planted link to a directory elsewhere would take
    // the journal outside the output directory): rmSync removes a link itself, and mkdirSync fails if
    // anything came back in between: then the cycle keeps no journal and says so (LLMR_OUTPUT_UNWRITABLE).
    let refused: string | undefined;
    try {
      rmSync(pendingDir, { recursive: true, force: true });
      mkdirSync(pendingDir);
    } catch (err) {
      refused = `cannot make ${pendingDir} for the cycle's journal: ${(err as Error).message}`;
    }
    return { number: this.cycle, options: { pendingDir, childOffsets: this.#offsets, previous: this.#previous, ...(refused ? { refused } : {}) } };
  }

  /** test:watch:drained: the cycle is complete; the work dir (the preload, the journals) must outlive it. */
  markDrained(recorder: RunRecorder): void {
    this.drained = true;
    this.watching = true;
    recorder.keepWorkDir = true;
    // What an interrupted cycle of an earlier session left beside its report is stale now.
    if (this.cycle === 1) rmSync(path.join(this.outDir, WATCH_DIR), { recursive: true, force: true });
  }

  /** After a cycle's finish(): the next one reads the child journals from here on and, if stopped, joins this seal. */
  closed(recorder: RunRecorder): void {
    this.#offsets = recorder.childOffsets();
    const f = recorder.finished;
    if (f?.reportPath && f.report.run.status !== 'aborted') this.#previous = { runId: f.report.run.run_id, since: recorder.startedMs };
  }

  /** node exits between cycles: nothing is open, only the work dir is left to remove. */
  idle(): void {
    if (this.workDir) rmSync(this.workDir, { recursive: true, force: true });
  }
}
