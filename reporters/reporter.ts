// The node:test reporter: an async generator over node's events, like node's own reporters.
// Wiring only: normalize (lib/events), record and fold (recorder.ts, lib/report), render (lib/render).
import { changesBase } from '../lib/config/ci-env.js';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { AsyncResource } from 'node:async_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { childEnvironment, exportToChildren, sourceDateEpoch, userCoverage, type ChildCoverage } from '../lib/config/internal-env.js';
import { ConfigError, loadConfig, type LoadedConfig } from '../lib/config/index.js';
import { warning } from '../lib/warnings.js';
import { createRedactor, pathRedactor, sanitizeArgv } from '../lib/redact/index.js';
import { EventNormalizer, type TestEvent } from '../lib/events/normalize.js';
import { toNdjsonLine } from '../lib/report/canonical.js';
import { progressMark, summaryLine, terminalSummary } from '../lib/render/terminal.js';
import { TOOL_NAME, TOOL_VERSION } from '../lib/generated/version.js';
import { SCHEMA_VERSION } from '../lib/types.js';
import { emptyCounts } from '../lib/report/fold.js';
import type { Line, RunEndLine, RunStartLine, Warning } from '../lib/types.js';
import { RunRecorder } from './recorder.js';
import { CycleEnds, QUIET, WatchCycles, opensCycle, quietOr, watchFlag } from './watch-cycles.js';
import { journalEnded } from './journal-ends.js';
import { ChildJournals } from './journals.js';
import { PRELOAD_SOURCE } from './preload-source.js';
import { inProcessHost, publishHost } from './in-process-host.js';
import { relPath } from '../lib/paths.js';

const SELF_URL = import.meta.url;

/**
 * The module children must --import, and our own code they must not measure: the package's preload
 * entry and directory, or, for the zero-install bundle, the small preload it carries, written into the
 * run's work dir (importing the whole bundle would cost every test process tens of milliseconds).
 */
function childPreload(dir: string): { url: string; own: string } {
  if (PRELOAD_SOURCE === undefined) {
    return { url: new URL('./preload-entry.js', SELF_URL).href, own: fileURLToPath(new URL('../../', SELF_URL)).replace(/[\\/]$/, '') };
  }
  // Under a node_modules directory: coverage tools (node's --experimental-test-coverage, c8) leave it
  // out of the user's own totals, as they do an installed package.
  const file = path.join(dir, 'node_modules', '.llm-report', 'preload.mjs');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, PRELOAD_SOURCE);
  return { url: pathToFileURL(file).href, own: fileURLToPath(SELF_URL) };
}

// Runs at import, before node spawns any test child (runner.js awaits reporter setup first), so every
// child inherits the preload, the work dir for its journal and the coverage mode. A configuration
// error is kept and thrown from the reporter, where node shows it.
let workDir: string | undefined;
let loaded: LoadedConfig | undefined;
let configError: unknown;
let coverageMode: ChildCoverage = 'off';
/** Where the preload's code is: its frames are left out of failure stacks. */
let ownCode: string[] = [];
const setupWarnings: Warning[] = [];
const isolation = readFlags([...process.execArgv, ...process.argv.slice(1)], process.cwd()).isolation;
// The zero-install bundle run as the CLI (`node llm-report.mjs <command>`) is no reporter: nothing to set up.
const runAsScript = process.argv[1] !== undefined && path.resolve(process.argv[1]) === fileURLToPath(SELF_URL);
// Once per process: a second copy of the bundle (the in-process entry, bundle-entry.ts) sets up nothing.
export const settingUp = !childEnvironment().testContext && inProcessHost() === undefined && !runAsScript;
/** Set when the reporter's stream starts: from then on the run's record (recorder.finish) removes the work dir. */
let workDirOwned = false;
if (settingUp) {
  try {
    loaded = loadConfig({ cwd: process.cwd() });
    coverageMode = loaded.config.coverage.mode;
  } catch (err) {
    configError = err;
  }
  const other = userCoverage();
  if (coverageMode !== 'off' && other) {
    setupWarnings.push(warning('LLMR_COVERAGE_COEXIST', `per-test coverage is off because ${other}: resetting V8's counters would change that tool's totals`));
    coverageMode = 'off';
  }
  // A configuration error fails the run when the stream starts (node then exits from its exception
  // handler, without 'exit' listeners): no work dir to leave behind, no preload for the children.
  if (configError === undefined) setUpWorkDir();
}

function setUpWorkDir(): void {
  workDir = mkdtempSync(path.join(os.tmpdir(), 'llm-report-'));
  // Imported but never run as a reporter (the API imported by a script): the work dir goes at exit all
  // the same; nothing is left in the temp directory.
  const dir = workDir;
  process.on('exit', () => {
    if (!workDirOwned) rmSync(dir, { recursive: true, force: true });
  });
  const preload = childPreload(workDir);
  ownCode = [path.dirname(fileURLToPath(preload.url))];
  // In-process, the hooks come from the in-process entry, which node imports after us (in-process-host.ts);
  // whether it came is known when our stream starts (inProcessCoverage). No test children to export to.
  if (isolation === 'none') publishHost({ workDir, coverage: coverageMode, own: preload.own, preloadUrl: preload.url, installed: false, files: [] });
  const capture = loaded?.config.capture_output ? loaded.config.output_cap_bytes : undefined;
  exportToChildren(workDir, preload.url, isolation === 'none' ? 'off' : coverageMode, preload.own, process.env, capture);
}

/**
 * Under isolation none, per-test coverage needs the in-process entry's hooks; without them it is off,
 * and the warning says which --import turns it on for the way this reporter was named.
 */
function inProcessCoverage(reporterSpec: string | undefined): Warning | undefined {
  const host = inProcessHost();
  if (coverageMode === 'off' || host?.installed) return undefined;
  coverageMode = 'off';
  if (host) host.coverage = 'off';
  const spec = PRELOAD_SOURCE !== undefined && reporterSpec && !reporterSpec.startsWith(TOOL_NAME) ? `${reporterSpec}?in-process` : `${TOOL_NAME}/in-process`;
  return warning(
    'LLMR_COVERAGE_IN_PROCESS',
    `per-test coverage is off: with --test-isolation=none the tests run in node's own process, where only the in-process entry can measure them; add --import=${spec} (see docs/coverage.md)`,
  );
}

/** In-process, the test files the entry saw run (repo-relative), for tests declared in shared helpers. */
function inProcessFiles(cwd: string): (() => readonly string[]) | undefined {
  const host = inProcessHost();
  if (!host?.installed) return undefined;
  const rel: string[] = [];
  return () => {
    for (let i = rel.length; i < host.files.length; i++) rel.push(relPath(cwd, host.files[i]!));
    return rel;
  };
}

function nowIso(): string {
  return new Date(sourceDateEpoch() ?? Date.now()).toISOString();
}

interface ReporterFlags {
  destination: string | undefined;
  isolation: 'process' | 'none';
  /** How this reporter was named on the command line (a package name, a path or a URL). */
  reporter: string | undefined;
}

/** node gives reporters no options; find our destination and the isolation mode in node's own flags. */
export function readFlags(argv: string[], cwd: string): ReporterFlags {
  const reporters: string[] = [];
  const destinations: string[] = [];
  let isolation: 'process' | 'none' = 'process';
  for (let i = 0; i < argv.length; i++) {
    const m = /^--(test-reporter|test-reporter-destination|test-isolation|experimental-test-isolation)(?:=(.*))?$/.exec(argv[i]!);
    if (!m) continue;
    const value = m[2] ?? argv[++i] ?? '';
    if (m[1] === 'test-reporter') reporters.push(value);
    else if (m[1] === 'test-reporter-destination') destinations.push(value);
    else isolation = value === 'none' ? 'none' : 'process';
  }
  const self = fileURLToPath(SELF_URL);
  const index = reporters.findIndex((r) => r === TOOL_NAME || r.startsWith(TOOL_NAME + '/') || r === SELF_URL || path.resolve(cwd, r) === self);
  const destination = reporters.length <= 1 && destinations.length === 0 ? 'stdout' : index >= 0 ? destinations[index] : undefined;
  return { destination, isolation, reporter: index >= 0 ? reporters[index] : undefined };
}

/** What the signal and exit handlers close: the open run (in watch mode, the open cycle), if any. */
interface OpenRun {
  current: () => RunRecorder | undefined;
  /** The open watch cycle had drained: every test ended, so it is complete, signal or not. */
  drained: () => boolean;
  /** Nothing open (between watch cycles): clean up only. */
  idle: () => void;
}

interface Abort {
  detach: () => void;
  /** The signal received, if any. */
  signal: () => string | undefined;
  /** What to finish `r` with: cut short by the signal received, unless its cycle was complete first. */
  cutShort: (r: RunRecorder) => { signal: string } | undefined;
}

/** Node stops a run on SIGINT/SIGTERM with process.exit(); note which signal it was, and close our record on 'exit'. */
function onAbort(open: OpenRun, isolation: 'process' | 'none'): Abort {
  let signal: string | undefined;
  const filesEnded = (r: RunRecorder): boolean => r.normalizer.testFiles.length > 0 && r.normalizer.testFiles.every((f) => r.normalizer.fileOutcomes.has(f));
  // A watch cycle is complete once drained and every test file's end came: node can report drained while
  // a file of the cycle still runs (queued by a second change event), and a signal then cuts it short.
  const complete = (r: RunRecorder): boolean => open.drained() && (isolation !== 'process' || filesEnded(r));
  const cutShort = (r: RunRecorder): { signal: string } | undefined => (signal && !complete(r) ? { signal } : undefined);
  const listeners = (['SIGINT', 'SIGTERM'] as const).map((name) => {
    const listener = (): void => {
      signal = name;
      // Alone, we would swallow the signal: close the record and let it take its default course.
      if (process.listenerCount(name) === 1) {
        const recorder = open.current();
        if (recorder && !recorder.finished) {
          recorder.keepWorkDir = false;
          recorder.finish(cutShort(recorder));
        } else open.idle();
        process.removeListener(name, listener);
        process.kill(process.pid, name);
      }
    };
    process.prependListener(name, listener);
    return [name, listener] as const;
  });
  const onExit = (): void => {
    const recorder = open.current();
    if (!recorder || recorder.finished) return open.idle();
    // The process ends: no later cycle needs the work dir.
    recorder.keepWorkDir = false;
    // No signal: node exited before our stream ended (--test-force-exit exits once all tests finished).
    // If every test file's process reported its end, the run did end: finish it as it stands (lost
    // results come back from the child journals); otherwise it was cut short.
    const ended = complete(recorder) || (isolation === 'process' && filesEnded(recorder));
    const { finished } = recorder.finish(cutShort(recorder) ?? (ended ? undefined : {}));
    // Too late for the generator's own check: make the exit status follow the verdict here.
    if (finished.report.run.status !== 'passed' || finished.outputError) process.exitCode ||= 1;
  };
  process.on('exit', onExit);
  const detach = (): void => {
    for (const [name, listener] of listeners) process.removeListener(name, listener);
    process.removeListener('exit', onExit);
  };
  return { detach, signal: () => signal, cutShort };
}

export default async function* llmReport(source: AsyncIterable<TestEvent>): AsyncGenerator<string, void> {
  const cwd = process.cwd();
  if (!configError && !loaded) {
    try {
      loaded = loadConfig({ cwd });
    } catch (err) {
      configError = err;
    }
  }
  if (configError || !loaded) {
    yield* configFailed(configError, source);
    return;
  }
  const { config } = loaded;
  const settings = loaded;
  const redact = createRedactor({ secretValues: loaded.secret_values, patterns: config.redact.patterns, disabled: config.redact.disabled });
  const flags = readFlags([...process.execArgv, ...process.argv.slice(1)], cwd);
  if (flags.isolation === 'none') {
    const w = inProcessCoverage(flags.reporter);
    if (w) setupWarnings.push(w);
  }
  const tty = flags.destination === 'stdout' ? process.stdout.isTTY : flags.destination === 'stderr' ? process.stderr.isTTY : false;
  const human = config.human === 'always' || (config.human === 'auto' && tty === true);
  const failureContext = { root: cwd, redact, redactPath: pathRedactor(redact), stackFrames: config.stack_frames, maxChars: 8192, ownCode };
  const outDir = path.resolve(cwd, config.output_dir);
  const argv = [...process.execArgv, ...process.argv.slice(1)];
  const watch = new WatchCycles(outDir, workDir, watchFlag(argv));
  // One record per run; in watch mode, one per cycle (watch-cycles.ts).
  const openRun = (): { recorder: RunRecorder; start: RunStartLine } => {
    const cycle = watch.open();
    // One reader of the child journals for the normalizer and the recorder: the journals hold every
    // process's coverage profiles, parsed and kept once.
    const children = new ChildJournals(workDir, cycle.options?.childOffsets);
    const normalizer = new EventNormalizer({ ...failureContext, stderrTail: 4096, captureOutput: config.capture_output, outputCap: config.output_cap_bytes, journalEnded: journalEnded(children, cwd), inProcessFiles: inProcessFiles(cwd) });
    const recorder = new RunRecorder(
      {
        outDir,
        journal: config.journal,
        workDir,
        captureOutput: config.capture_output,
        failureContext,
        now: nowIso,
        coverage: { ...config.coverage, mode: coverageMode },
        isolation: flags.isolation,
        beforeFinish: () => inProcessHost()?.finish?.(typeof process.exitCode === 'number' ? process.exitCode : 0),
        pages: { html: config.html, pdf: config.pdf, chromiumPath: config.chromium_path, sources: config.html_sources },
        cycle: cycle.options,
        children,
        ciArtifact: config.ci.artifact,
        changesBase: changesBase(undefined, config.changes.base, cwd),
      },
      normalizer,
    );
    recorder.warnings.push(...settings.warnings, ...setupWarnings);
    const start: RunStartLine = {
      type: 'run_start',
      schema_version: SCHEMA_VERSION,
      tool: { name: TOOL_NAME, version: TOOL_VERSION },
      node_version: process.version,
      platform: process.platform,
      arch: process.arch,
      run_id: randomUUID(),
      started_at: nowIso(),
      // Under --test, process.argv[1..] are the test files named on the command line (none: argv is [node]).
      argv: sanitizeArgv([path.basename(process.argv0 || 'node'), ...process.execArgv, ...process.argv.slice(1)], redact).map((a) => a.split(cwd + path.sep).join('')),
      env_names: settings.env_names,
      config_sha256: settings.sha256,
      isolation: flags.isolation,
      coverage_mode: coverageMode,
    };
    if (watch.watching || cycle.number > 1) start.watch_cycle = cycle.number;
    return { recorder, start };
  };
  const show = (line: Line, recorder?: RunRecorder): string => {
    if (!human) return recorder?.textOf(line) ?? toNdjsonLine(line);
    return line.type === 'test' || line.type === 'suite' ? progressMark(line) : '';
  };
  /** Close a run (a watch cycle): its last lines, the human summary, the verdict in the exit status. */
  function* close(recorder: RunRecorder): Generator<string> {
    // Node may end its stream after a signal before it exits (watch mode): still a run cut short.
    const { tail, finished } = recorder.finish(abort.cutShort(recorder));
    watch.closed(recorder);
    for (const line of tail) {
      const out = show(line, recorder);
      if (out) yield out;
    }
    if (human) yield terminalSummary(finished.report, finished.reportPath && path.relative(cwd, finished.reportPath), process.stdout.hasColors?.() ?? false);
    else if (flags.destination && flags.destination !== 'stdout' && flags.destination !== 'stderr' && process.stderr.isTTY && finished.reportPath) {
      // Our stream went to a file and someone is watching: one line on where the report is (per watch cycle).
      const page = path.join(path.dirname(finished.reportPath), 'report.html');
      process.stderr.write(summaryLine(finished.report, path.relative(cwd, existsSync(page) ? page : finished.reportPath)));
    }
    if (finished.outputError) {
      // The NDJSON stream above is complete; only the files are missing. Say so loudly and fail the run.
      process.stderr.write(`llm-report: ${finished.refused ? 'LLMR_OUTPUT_DIR_REFUSED' : 'LLMR_OUTPUT_UNWRITABLE'}: ${finished.outputError}\n`);
      process.exitCode = 1;
    }
    if (finished.report.run.status !== 'passed') process.exitCode ||= 1;
  }

  let run: RunRecorder | undefined;
  let opened = openRun();
  run = opened.recorder;
  const abort = onAbort({ current: () => run, drained: () => watch.drained, idle: () => watch.idle() }, flags.isolation);
  workDirOwned = true;
  yield show(run.record(opened.start), run);

  // Lines go out in one chunk per burst of events (what node handed over at once): every chunk costs
  // node's stream machinery and the destination a write of its own, whatever its size.
  let buffered = '';
  /** A watch cycle ended: its lines so far, then its closing lines and summary (watch-cycles.ts). */
  function* endCycle(): Generator<string> {
    if (buffered) yield buffered;
    buffered = '';
    if (run) yield* close(run);
    run = undefined;
  }
  // node's events are pulled here, with the cycle ends asked of plain state (CycleEnds), not through a
  // generator of cycle items: a layer of async iteration costs promises and objects for every event.
  const it = source[Symbol.asyncIterator]();
  const ends = new CycleEnds();
  let next: Promise<IteratorResult<TestEvent>> | undefined;
  for (;;) {
    next ??= OUTSIDE.runInAsyncScope(() => it.next());
    let step: IteratorResult<TestEvent> | typeof QUIET | undefined;
    if (buffered) {
      const first = await OUTSIDE.runInAsyncScope<null, Promise<IteratorResult<TestEvent> | typeof BURST_END>>(nextOrBurstEnd, null, next);
      if (first === BURST_END) {
        yield buffered;
        buffered = '';
      } else step = first;
    }
    step ??= ends.draining ? await OUTSIDE.runInAsyncScope<null, Promise<IteratorResult<TestEvent> | typeof QUIET>>(quietOr, null, next) : await next;
    if (step === QUIET) {
      ends.quiet();
      yield* endCycle();
      continue;
    }
    next = undefined;
    if (step.done) break;
    const event = step.value;
    if (ends.before(event)) yield* endCycle();
    const endsAfter = ends.after(event);
    // Between watch cycles: the next cycle opens at its first test event.
    if (!run && opensCycle(event)) {
      opened = openRun();
      run = opened.recorder;
      buffered += show(run.record(opened.start), run);
    }
    if (run) {
      if (event.type === 'test:watch:drained') watch.markDrained(run);
      if (event.type === 'test:dequeue' && event.data) run.dequeued(event.data);
      for (const rec of run.normalizer.push(event)) buffered += show(run.record(rec), run);
    }
    if (endsAfter) yield* endCycle();
    else if (buffered.length >= MAX_CHUNK) {
      yield buffered;
      buffered = '';
    }
  }
  if (buffered) yield buffered;
  // Our signal listeners stay until the record is closed: without a listener a SIGINT/SIGTERM kills at
  // once, mid-write, leaving a journal that says the run ended and no report; with one it waits.
  if (run) {
    run.keepWorkDir = false;
    // node reported the run interrupted: the signal that did it may not have reached our listener yet
    // (delivered to the whole process group, the children's exits can come first); let it, briefly.
    for (let i = 0; i < 20 && run.normalizer.interrupted && !abort.signal(); i++) await new Promise((r) => setTimeout(r, 10));
    yield* close(run);
  } else watch.idle();
  abort.detach();
}

/**
 * node's test harness keeps every async resource made under the scope it runs reporters in (every
 * promise included) in a map until that resource is garbage-collected (internal/test_runner/harness.js,
 * testResources: to tell a reporter's errors from a test's). The waits for node's events are made in a
 * scope of our own, outside that map, and so is what follows each of them up to the next chunk we yield.
 */
const OUTSIDE = new AsyncResource('llm-report', { triggerAsyncId: 1 });

/** A chunk of the stream is sent at this size even in a burst that goes on. */
const MAX_CHUNK = 65536;
const BURST_END = Symbol('burst end');
/** The latest wait for the next event with lines buffered, and whether the check phase that ends its burst is scheduled. */
let burstWait: ((end: typeof BURST_END) => void) | undefined;
let burstArmed = false;

/**
 * Settles with node's next step or, if the events node already handed over are all handled first (the
 * check phase of the event loop), with BURST_END. One promise per wait: Promise.race made an array, a
 * promise, a reaction on each side and a derived promise for each for every event of the run.
 */
function nextOrBurstEnd<T>(next: Promise<T>): Promise<T | typeof BURST_END> {
  // The executor is one function for every wait (no closure made per event); it hands over the resolvers.
  const wait = new Promise<unknown>(takeResolvers) as Promise<T | typeof BURST_END>;
  burstWait = taken.resolve;
  next.then(taken.resolve, taken.reject);
  if (!burstArmed) {
    burstArmed = true;
    setImmediate(burstEnded);
  }
  return wait;
}

const taken: { resolve: (value: unknown) => void; reject: (reason: unknown) => void } = { resolve: () => {}, reject: () => {} };
function takeResolvers(resolve: (value: unknown) => void, reject: (reason: unknown) => void): void {
  taken.resolve = resolve;
  taken.reject = reject;
}

/** Wakes the wait in progress, if any (an earlier one has settled already: resolving it again does nothing). */
function burstEnded(): void {
  burstArmed = false;
  const wake = burstWait;
  burstWait = undefined;
  wake?.(BURST_END);
}

/**
 * An unusable configuration: no outputs (where to would be a guess), one line on stderr, a run_end with
 * the coded error in the stream, and a failed run. node's events are still drained so the tests finish.
 */
async function* configFailed(err: unknown, source: AsyncIterable<TestEvent>): AsyncGenerator<string, void> {
  const message = err instanceof Error ? err.message : String(err);
  const error: NonNullable<RunEndLine['error']> = { code: 'LLMR_CONFIG_INVALID', message };
  if (err instanceof ConfigError) {
    if (err.file) error.file = err.file;
    if (err.key) error.key = err.key;
    if (err.suggestion) error.suggestion = err.suggestion;
  }
  process.stderr.write(`llm-report: LLMR_CONFIG_INVALID: ${message.split('\n').join('; ')}\n`);
  process.exitCode = 1;
  yield toNdjsonLine({ type: 'run_end', status: 'failed', counts: emptyCounts(), ended_at: nowIso(), duration_ms: 0, error });
  for await (const _event of source) {
    // drained: node waits for its reporters
  }
  if (workDir) rmSync(workDir, { recursive: true, force: true });
  process.exitCode = 1;
}
