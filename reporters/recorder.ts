// One run's record: the lines so far, the journal, and the end of the run. Everything in finish() is
// synchronous, so the same code closes the record at the end of the stream and from process 'exit'
// when node stops the run on SIGINT/SIGTERM (its handler calls process.exit before our generator ends).
import { renameSync, rmSync } from 'node:fs';
import path from 'node:path';
import picomatch from 'picomatch';
import { EventNormalizer } from '../lib/events/normalize.js';
import { reconcile, type ChildJournal, type ChildOutput } from '../lib/events/child-journal.js';
import { fullName, testId } from '../lib/events/identity.js';
import { relPath } from '../lib/paths.js';
import { JournalIndex } from '../lib/coverage/journal-index.js';
import { coverageLines } from '../lib/coverage/summary.js';
import { unionRanges } from '../lib/coverage/ranges.js';
import { inProcessMeta } from '../lib/api/channel.js';
import { ChildJournals } from './journals.js';
import { toFailure, type FailureContext } from '../lib/events/failure.js';
import { countRecords, fold, sortedLines } from '../lib/report/fold.js';
import { Journal } from '../lib/output/journal.js';
import { writeRun } from '../lib/output/write.js';
import { DEFAULT_SOURCES_MAX_BYTES } from '../lib/output/sources.js';
import { toNdjsonLine } from '../lib/report/canonical.js';
import { JOURNAL, JOURNAL_CHAIN } from '../lib/evidence/files.js';
import { emitGithub } from '../lib/ci/github.js';
import type { ChangesBase } from '../lib/config/ci-env.js';
import { changesForRun, describeChanges } from '../lib/cli/changes.js';
import { warning } from '../lib/warnings.js';
import { autoAnnotate } from '../lib/llm/auto.js';
import { claimOutputDir, OutputDirError } from '../lib/output/output-dir.js';
import { endWarnings, prepareEvidence, sealDir, withMapped, writeEvidenceInputs, type EvidenceSetup } from '../lib/output/evidence.js';
import { redactRecord, redactShared, type RecordRedactors } from '../lib/redact/index.js';
import type { CoverageLine, FileLine, FileLines, FileOutput, Line, Report, RunEndLine, RunStartLine, SuiteLine, TestLine, Warning } from '../lib/types.js';

export interface RecorderOptions {
  outDir: string;
  journal: boolean;
  workDir: string | undefined;
  captureOutput: boolean;
  failureContext: FailureContext;
  now: () => string;
  /** Options html, pdf, chromium_path and html_sources (defaults: report.html on with sources, no PDF). */
  pages?: { html: boolean; pdf: boolean; chromiumPath: string; sources?: { enabled: boolean; max_bytes: number } };
  coverage: { mode: 'test' | 'file' | 'off'; include: string[]; exclude: string[] };
  isolation: 'process' | 'none';
  /** Option ci.artifact: named in the GitHub job summary as where report.html is. */
  ciArtifact?: string;
  /** Coverage of a change: option changes.base, or the GitHub pull request's base. */
  changesBase?: ChangesBase | undefined;
  /** Called first thing in finish(): in-process, the tests' hooks write their last records (in-process-host.ts). */
  beforeFinish?: () => void;
  /** Watch mode, after the first cycle (watch-cycles.ts): how this cycle's record is kept apart from the last complete one. */
  cycle?: CycleOptions;
  /** The run's reader of the child journals, when the normalizer reads them too (journal-ends.ts): one copy of each record. */
  children?: ChildJournals;
}

export interface CycleOptions {
  /** The journal goes here while the cycle runs; a complete cycle's journal then moves into the output directory. */
  pendingDir: string;
  /** Where the earlier cycles stopped reading the child journals. */
  childOffsets: ReadonlyMap<string, number>;
  /** The last complete cycle's seal: an aborted cycle's record is added to it, under pendingDir. */
  previous: { runId: string; since: number } | undefined;
  /** pendingDir could not be made fresh: no journal for this cycle, and this is why. */
  refused?: string;
}

export interface Finished {
  lines: Line[];
  report: Report;
  reportPath: string | undefined;
  outputError: string | undefined;
  /** The output directory was refused (LLMR_OUTPUT_DIR_REFUSED): nothing was written there. */
  refused?: boolean;
}

export class RunRecorder {
  readonly lines: Line[] = [];
  readonly records: Array<TestLine | SuiteLine> = [];
  readonly warnings: Warning[] = [];
  outputError: string | undefined;
  /** output_dir is a directory llm-report must not write into: nothing is written, the run fails. */
  refused = false;
  finished: Finished | undefined;
  readonly #opts: RecorderOptions;
  readonly #startedMs = Date.now();
  #journal: Journal | undefined;
  #start: RunStartLine | undefined;
  readonly #children: ChildJournals;
  readonly #keep: (relFile: string) => boolean;
  /** Per entry file: coverage and metadata by (fullName, occurrence), how many of each we saw, and its absolute path. */
  readonly #indexes = new Map<string, { index: JournalIndex; seen: Map<string, number>; abs: string }>();
  /** Inclusive coverage gathered from finished subtests, by entry file and parent fullName. */
  readonly #inclusive = new Map<string, FileLines[]>();
  /** Provenance, requirement mapping and signing key, gathered when the run starts. */
  readonly #evidence: EvidenceSetup;
  readonly #redactors: RecordRedactors;
  readonly #texts = new WeakMap<Line, string>();

  /** Watch mode: the work dir stays for the next cycle's children (the last one removes it). */
  keepWorkDir = false;

  constructor(opts: RecorderOptions, readonly normalizer: EventNormalizer) {
    this.#opts = opts;
    const { redact, redactPath } = opts.failureContext;
    this.#redactors = { text: redact, path: redactPath ?? redact };
    this.#evidence = prepareEvidence({ root: opts.failureContext.root, outDir: opts.outDir, redact: opts.failureContext.redact, journal: opts.journal });
    this.warnings.push(...this.#evidence.warnings);
    this.#children = opts.children ?? new ChildJournals(opts.workDir, opts.cycle?.childOffsets);
    const include = picomatch(opts.coverage.include, { dot: true });
    const exclude = picomatch(opts.coverage.exclude, { dot: true });
    this.#keep = (f) => include(f) && !exclude(f);
    try {
      // The stream destination node opened inside the directory before we ran is no reason to refuse it.
      claimOutputDir(opts.outDir, { option: 'output_dir', cwd: opts.failureContext.root, allowed: this.#evidence.unsealable, newReport: true });
    } catch (err) {
      // Other IO errors (EACCES, EROFS) surface below, where the journal or the report cannot be written.
      if (err instanceof OutputDirError) {
        this.refused = true;
        this.outputError = err.message;
        this.warnings.push(warning('LLMR_OUTPUT_DIR_REFUSED', err.message));
      }
    }
    if (opts.cycle?.refused) this.outputError = opts.cycle.refused;
    else if (opts.journal && !this.refused) {
      try {
        this.#journal = new Journal(path.join(opts.cycle?.pendingDir ?? opts.outDir, JOURNAL));
      } catch (err) {
        this.outputError = `cannot write to ${opts.outDir}: ${(err as Error).message}`;
      }
    }
  }

  /** Add what the child journals know about a test (coverage, requirements, LLM mode) to its line. */
  #enrich(line: TestLine | SuiteLine): void {
    const root = this.#opts.failureContext.root;
    const name = fullName(line.path, line.name);
    let inclusive: FileLines[] | undefined;
    if (line.type === 'test' && !line.file_level) {
      let state = this.#indexes.get(line.entry_file);
      if (!state) this.#indexes.set(line.entry_file, (state = { index: new JournalIndex(root, this.#keep), seen: new Map(), abs: path.resolve(root, line.entry_file) }));
      const o = (state.seen.get(name) ?? 0) + 1;
      state.seen.set(name, o);
      state.index.update(this.#children.poll(state.abs));
      const extras = state.index.extras(name, o, this.#opts.coverage.mode === 'test');
      const meta = { ...extras.meta };
      if (this.#opts.isolation === 'none') {
        for (const m of inProcessMeta().filter((x) => x.fullName === name)) {
          if (m.data.requirements) meta.requirements = [...new Set([...(meta.requirements ?? []), ...m.data.requirements])].sort();
          if (m.data.llm_mode) meta.llm_mode = m.data.llm_mode;
        }
      }
      if (meta.requirements?.length) line.requirements = meta.requirements;
      if (meta.llm_mode) line.llm_mode = meta.llm_mode;
      if (extras.shared) line.coverage_shared = true;
      if (extras.output) {
        line.output = testOutput(extras.output);
        if (extras.output.dropped_bytes) this.warnings.push(warning('LLMR_OUTPUT_TRUNCATED', `"${name}": ${extras.output.dropped_bytes} bytes of captured output dropped (head and tail kept; output_cap_bytes)`, { file: line.entry_file, test_id: line.id }));
      }
      if (extras.coverage) line.coverage = extras.coverage;
      inclusive = extras.coverage;
    }
    if (line.type === 'test') withMapped(this.#evidence, line);
    if (this.#opts.coverage.mode !== 'test') return;
    // Subtests finish before their parents: what they gathered waits under the parent's name.
    const key = `${line.entry_file}\u0000${name}`;
    const below = this.#inclusive.get(key);
    if (below) {
      this.#inclusive.delete(key);
      inclusive = mergeFileLines(inclusive ?? [], below);
      line.coverage_inclusive = inclusive;
    }
    if (!inclusive?.length) return;
    for (let i = 1; i <= line.path.length; i++) {
      const k = `${line.entry_file}\u0000${fullName(line.path.slice(0, i - 1), line.path[i - 1]!)}`;
      this.#inclusive.set(k, mergeFileLines(this.#inclusive.get(k) ?? [], inclusive));
    }
  }

  /**
   * node passes the file-level test of a process that exited with code 0 before all its tests reported
   * (process.exit(0) mid-suite). The file's journal is complete when node reports that test: not a pass.
   */
  #endedEarly(line: TestLine): void {
    const ctx = this.#opts.failureContext;
    const journals = this.#children.poll(path.resolve(ctx.root, line.entry_file));
    if (!reconcile(journals, this.normalizer.reported, ctx).exitedEarly.has(line.entry_file)) return;
    line.node_status = 'passed';
    line.status = 'incomplete';
    line.failure = { kind: 'incomplete', message: 'the test process ended before all its tests reported (node counted this file as passed)' };
  }

  /** Names by nesting of the tests node dequeued, for the parents of a pending test. */
  readonly #dequeued: string[] = [];
  readonly #pendingSeen = new Map<string, number>();
  /**
   * Pending lines not written yet, in the order their tests began, and by name (the fold pairs them by
   * position: file, line, column, nesting and name; keyed by the name alone, no key string is made per test).
   */
  #unwritten: Started[] = [];
  readonly #unwrittenAt = new Map<string, Started[]>();
  readonly #ended = new Set<Started>();
  #flushQueued = false;

  /**
   * node's test:dequeue: a test is about to run. A pending line goes to the journal only, so that if
   * node --test itself is killed, `llm-report fold journal.ndjson` lists the test that was running. It is
   * written once the events node has already received are handled (setImmediate), and only if the test
   * has not ended by then: most tests end in the same batch of events, and writing their start too doubled
   * the journal. A kill before that lands where one a moment earlier would, before node had told us.
   */
  dequeued(data: { name?: string; nesting?: number; file?: string; entryFile?: string; line?: number; column?: number }): void {
    if (!this.#journal || data.name === undefined || !data.file) return;
    const ctx = this.#opts.failureContext;
    const nesting = data.nesting ?? 0;
    this.#dequeued.length = Math.min(this.#dequeued.length, nesting);
    while (this.#dequeued.length < nesting) this.#dequeued.push('');
    this.#dequeued.push(data.name);
    // The per-file wrapper (nesting 0 at 1:1, named after its file) is not a test of its own.
    if (nesting === 0 && data.line === 1 && data.column === 1 && path.resolve(ctx.root, data.name) === path.resolve(data.file)) return;
    const file = relPath(ctx.root, data.file);
    const entry = data.entryFile ? relPath(ctx.root, data.entryFile) : file;
    const parents = this.#dequeued.slice(0, nesting);
    const key = JSON.stringify([entry, file, ...parents, data.name]);
    const occurrence = (this.#pendingSeen.get(key) ?? 0) + 1;
    this.#pendingSeen.set(key, occurrence);
    // The line itself is made only if it is written (pendingLine). The name redacted, as the result line
    // carries it (the normalizer redacts names), so that the result finds its start by position.
    const started: Started = { entry, file, parents, raw: data.name, name: ctx.redact(data.name), occurrence, line: data.line ?? 0, column: data.column ?? 0, nesting };
    this.#unwritten.push(started);
    const list = this.#unwrittenAt.get(started.name);
    if (list) list.push(started);
    else this.#unwrittenAt.set(started.name, [started]);
    if (!this.#flushQueued) {
      this.#flushQueued = true;
      setImmediate(() => this.#writePending()).unref();
    }
  }

  /** The pending lines of tests that have not ended yet, in the order they began. */
  #writePending(): void {
    this.#flushQueued = false;
    const started = this.#unwritten.filter((l) => !this.#ended.has(l));
    this.#unwritten = [];
    this.#unwrittenAt.clear();
    this.#ended.clear();
    if (!this.#journal || this.finished) return;
    for (const s of started) {
      try {
        this.#journal.append(redactShared(pendingLine(s), this.#redactors));
      } catch (err) {
        this.outputError ??= `journal write failed: ${(err as Error).message}`;
        this.#journal = undefined;
        return;
      }
    }
  }

  /**
   * Keep a line and append it to the journal at once. The one door to every output (stream, journal,
   * fold, every artifact): what goes out is a redacted copy (lib/redact/records.ts). `records` keeps the
   * raw test lines, for what must still find the real files (child journals, per-file grouping).
   */
  record(line: Line): Line {
    if (line.type === 'test' && line.file_level && line.status === 'passed') this.#endedEarly(line);
    if (line.type === 'test' || line.type === 'suite') this.#enrich(line);
    if (line.type === 'run_start') Object.assign(line, this.#evidence.start);
    if (line.type === 'test' || line.type === 'suite') {
      this.records.push(line);
      // Its start, if not written yet, never will be: the earliest of its position (the fold pairs the same way).
      if (this.#unwritten.length > 0 && (line.type === 'suite' || line.recovered === undefined)) {
        const started = takeAt(this.#unwrittenAt.get(line.name), line);
        if (started) this.#ended.add(started);
      }
    }
    const out = redactShared(line, this.#redactors);
    if (out.type === 'run_start') this.#start = out;
    this.lines.push(out);
    try {
      if (this.#journal) {
        const text = toNdjsonLine(out);
        this.#texts.set(out, text);
        this.#journal.append(out, text);
      }
    } catch (err) {
      this.outputError ??= `journal write failed: ${(err as Error).message}`;
      this.#journal = undefined;
    }
    return out;
  }

  /** The NDJSON of a line record() returned, as the journal got it (serialized once for journal and stream). */
  textOf(line: Line): string | undefined {
    const text = this.#texts.get(line);
    this.#texts.delete(line);
    return text;
  }

  /** Close the run: recover lost tests, add file lines, warnings and run_end, write the outputs. Idempotent. */
  finish(aborted: { signal?: string } | undefined): { tail: Line[]; finished: Finished } {
    if (this.finished) return { tail: [], finished: this.finished };
    this.#opts.beforeFinish?.();
    const first = this.lines.length;
    const { normalizer } = this;
    const ctx = this.#opts.failureContext;
    for (const rec of normalizer.end()) this.record(rec);
    const journals = this.#children.all();
    const recovered = reconcile(journals, normalizer.reported, ctx);
    for (const rec of recovered.tests) this.record(rec);
    this.warnings.push(...normalizer.warnings, ...recovered.warnings, ...this.#children.warnings, ...endWarnings(this.#evidence));
    const whole = this.#opts.coverage.mode === 'off' ? { coverage: [], warnings: [] } : coverageLines(journals, ctx.root, this.#keep);
    const coverage = whole.coverage.map((c) => this.record(c) as CoverageLine);
    this.warnings.push(...whole.warnings);
    const shared = this.records.filter((r) => r.type === 'test' && r.coverage_shared).length;
    if (shared > 0) this.warnings.push(warning('LLMR_COVERAGE_SHARED', `${shared} test(s) ran concurrently with other tests in the same process: their lines cannot be attributed and are left out (they still count in the whole-run totals)`));
    const between = betweenTests(journals, ctx.root);
    for (const f of fileLines(normalizer, this.records, recovered.exitedEarly, this.#opts.captureOutput, ctx, between)) {
      const dropped = between.get(f.file)?.dropped_bytes;
      if (dropped) this.warnings.push(warning('LLMR_OUTPUT_TRUNCATED', `${f.file}: ${dropped} bytes of output written between tests dropped (head and tail kept; output_cap_bytes)`, { file: f.file }));
      if (f.failure) this.warnings.push(warning('LLMR_FILE_FAILED', `${f.file}: ${f.failure.message.split('\n')[0]}`, { file: f.file }));
      this.record(f);
    }
    // The journal is evidence too: a failed write, or a journal deleted mid-run, is said in the report and the stream, not only on stderr.
    const journalProblem = this.refused ? undefined : (this.outputError ?? this.#journal?.lost());
    if (journalProblem) {
      this.outputError ??= journalProblem;
      this.warnings.push(warning('LLMR_OUTPUT_UNWRITABLE', journalProblem));
    }
    for (const w of this.warnings) this.record({ type: 'warning', ...w });

    const end: RunEndLine = {
      type: 'run_end',
      status: aborted || normalizer.interrupted ? 'aborted' : 'passed',
      counts: countRecords(this.records),
      ended_at: this.#opts.now(),
      duration_ms: Date.now() - this.#startedMs,
    };
    if (aborted?.signal) end.signal = aborted.signal;
    if (normalizer.nodeCounts) end.node_counts = normalizer.nodeCounts;
    const report = fold([...this.lines, end]);
    end.status = report.run.status;
    if (this.#opts.changesBase && !aborted) {
      const root = this.#opts.failureContext.root;
      report.changes = redactRecord(changesForRun(root, this.#opts.changesBase, { tests: report.tests, coverage, ...(report.run.git ? { git: report.run.git } : {}), outDir: path.relative(root, this.#opts.outDir).split(path.sep).join('/') }), this.#redactors);
      process.stderr.write(describeChanges(report.changes, 'llm-report'));
    }
    this.record(end);
    this.#journal?.close();

    // Watch mode: a complete cycle replaces the last one; an aborted one is kept beside it (watch-cycles.ts).
    const cycle = this.#opts.cycle;
    const keptApart = cycle !== undefined && report.run.status === 'aborted';
    const outDir = keptApart ? cycle.pendingDir : this.#opts.outDir;
    let reportPath: string | undefined;
    try {
      if (!this.refused) {
        if (keptApart && cycle.refused) throw new Error('not written into a directory this run did not make');
        if (cycle && !keptApart && this.#journal) placeJournal(cycle.pendingDir, this.#opts.outDir);
        writeEvidenceInputs(outDir, this.#evidence);
        const { sources: src, ...pages } = this.#opts.pages ?? { html: true, pdf: false, chromiumPath: '/usr/bin/chromium' };
        // The source view reads the covered files below the project root, redacted like every record.
        const sources = src?.enabled === false ? undefined : { root: this.#opts.failureContext.root, maxBytes: src?.max_bytes ?? DEFAULT_SOURCES_MAX_BYTES, redact: this.#redactors.text };
        reportPath = writeRun(outDir, report, sortedLines(report, this.#start, end, coverage), { ...pages, sources, integrity: this.#evidence.integrity }).report;
      }
    } catch (err) {
      // Said even after a journal problem: that the report is missing too is news.
      const problem = `cannot write the report to ${this.#opts.outDir}: ${(err as Error).message}`;
      this.outputError = this.outputError ? `${this.outputError}; ${problem}` : problem;
    }
    if (this.#opts.workDir && !this.keepWorkDir) rmSync(this.#opts.workDir, { recursive: true, force: true });
    // llm.auto_annotate: annotations (advisory) into the written report. Never after an abort, never the verdict.
    if (reportPath && !aborted && report.run.status !== 'aborted') {
      const auto = autoAnnotate(this.#opts.outDir, this.#opts.failureContext.root);
      if (auto.problem) process.stderr.write(`llm-report: LLMR_LLM_AUTO_FAILED: llm-report annotate ${this.#redactors.text(auto.problem)}; the run and its report are unaffected\n`);
    }
    // The seal goes last, over every file of the output directory (annotations included).
    if (reportPath) {
      try {
        // An aborted cycle's record joins the last complete cycle's seal (same run id and start), so verify still passes.
        const seal = keptApart ? cycle.previous : { runId: report.run.run_id, since: this.#startedMs };
        const sealed = seal ? sealDir(this.#opts.outDir, { key: this.#evidence.key, hmacKeyEnv: this.#evidence.hmacKeyEnv, runId: seal.runId, since: seal.since, exclude: this.#evidence.unsealable }) : { stale: [] };
        for (const f of sealed.stale) process.stderr.write(`llm-report: LLMR_EVIDENCE_STALE_FILE: ${this.#redactors.path(f)} is older than this run and was left out of the seal; delete it (or use a fresh output_dir)\n`);
      } catch (err) {
        this.outputError ??= `cannot seal the evidence in ${this.#opts.outDir}: ${(err as Error).message}`;
      }
      if (this.#evidence.problem) {
        process.stderr.write(`llm-report: LLMR_EVIDENCE_SIGNING_FAILED: ${this.#redactors.text(this.#evidence.problem)}; the evidence set is not signed\n`);
        process.exitCode = 1;
      }
    }
    // GitHub Actions (GITHUB_ACTIONS=true): annotations and the job summary; advisory, never the verdict.
    emitGithub(report, { cwd: this.#opts.failureContext.root, outDir: this.#opts.outDir, write: (t) => process.stderr.write(t), artifact: this.#opts.ciArtifact });
    this.finished = { lines: this.lines, report, reportPath, outputError: this.outputError && this.#redactors.text(this.outputError), ...(this.refused ? { refused: true } : {}) };
    return { tail: this.lines.slice(first), finished: this.finished };
  }

  /** When the run started (ms), for the seal of a later aborted watch cycle. */
  get startedMs(): number {
    return this.#startedMs;
  }

  /** Where this run stopped reading the child journals: the next watch cycle starts there. */
  childOffsets(): Map<string, number> {
    return this.#children.offsets();
  }
}

/** A test node dequeued, until its pending line is written or its result makes one needless. */
interface Started {
  entry: string;
  file: string;
  parents: string[];
  /** The name as node gave it (the id hashes it) and redacted (as the result line carries it). */
  raw: string;
  name: string;
  occurrence: number;
  line: number;
  column: number;
  nesting: number;
}

/**
 * The earliest of `started` (all of one name) that began where `r` did, as the fold pairs a pending line
 * with its result (lib/report/fold.ts: same file, line, column, nesting and name), taken out of the list.
 */
function takeAt(started: Started[] | undefined, r: Pick<TestLine, 'file' | 'line' | 'column' | 'nesting'>): Started | undefined {
  if (!started) return undefined;
  for (let i = 0; i < started.length; i++) {
    const s = started[i]!;
    if (s.file !== r.file || s.line !== r.line || s.column !== r.column || s.nesting !== r.nesting) continue;
    started.splice(i, 1);
    return s;
  }
  return undefined;
}

/** The journal's record of a test that began (raw: the journal gets it redacted). */
function pendingLine(s: Started): TestLine {
  return {
    type: 'test',
    id: testId('test', s.entry, s.parents, s.raw, s.occurrence, s.file),
    file: s.file,
    entry_file: s.entry,
    line: s.line,
    column: s.column,
    name: s.name,
    path: s.parents,
    nesting: s.nesting,
    occurrence: s.occurrence,
    status: 'incomplete',
    duration_ms: 0,
    attempt: 0,
    pending: true,
    failure: { kind: 'incomplete', message: 'test started but never finished: the run ended without a run_end line (node --test or the reporter was killed)' },
  };
}

/** A complete watch cycle's journal (and its chain) replaces the previous cycle's in the output directory. */
function placeJournal(pendingDir: string, outDir: string): void {
  for (const name of [JOURNAL, JOURNAL_CHAIN]) renameSync(path.join(pendingDir, name), path.join(outDir, name));
  rmSync(pendingDir, { recursive: true, force: true });
}

function mergeFileLines(a: FileLines[], b: FileLines[]): FileLines[] {
  const byFile = new Map<string, FileLines['lines']>();
  for (const f of [...a, ...b]) byFile.set(f.file, unionRanges(byFile.get(f.file) ?? [], f.lines));
  return [...byFile.entries()].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([file, lines]) => ({ file, lines }));
}

function fileLines(
  normalizer: EventNormalizer,
  records: Array<TestLine | SuiteLine>,
  exitedEarly: Set<string>,
  captureOutput: boolean,
  ctx: FailureContext,
  between: Map<string, ChildOutput>,
): FileLine[] {
  const byFile = new Map<string, Array<TestLine | SuiteLine>>();
  for (const r of records) {
    const list = byFile.get(r.entry_file) ?? [];
    list.push(r);
    byFile.set(r.entry_file, list);
  }
  const files = new Set<string>([...normalizer.fileOutcomes.keys(), ...byFile.keys()]);
  return [...files].sort().map((file) => {
    const counts = countRecords(byFile.get(file) ?? []);
    const outcome = normalizer.fileOutcomes.get(file);
    const line: FileLine = { type: 'file', file, status: 'passed', counts, duration_ms: outcome?.duration_ms ?? 0 };
    const failure = outcome && !outcome.passed && outcome.error !== undefined ? toFailure(outcome.error, ctx) : undefined;
    // "subtests failed" is already told by the tests; a file-level failure is anything else (exit code, signal, load error).
    if (failure && failure.kind !== 'subtests') {
      failure.kind = 'file';
      const diagnostics = normalizer.fileDiagnostics.get(file);
      if (diagnostics) failure.message += `\n${diagnostics.join('\n')}`;
      const tail = normalizer.output.get(file)?.stderr;
      if (tail) failure.message += `\n--- stderr (tail) ---\n${ctx.redact(tail)}`;
      line.failure = failure;
    }
    if (exitedEarly.has(file) || counts.incomplete > 0) line.status = 'incomplete';
    else if (line.failure || counts.failed > 0 || counts.cancelled > 0) line.status = 'failed';
    // With capture on, the in-child capture says what the file wrote outside its tests (each test keeps its own).
    const own = captureOutput ? between.get(file) : undefined;
    if (own) {
      const o = testOutput(own);
      if (o.stdout || o.stderr || o.truncated) line.output = o;
      return line;
    }
    const output = normalizer.output.get(file);
    if (output && (output.stdout || output.stderr) && (captureOutput || line.failure)) {
      const o: NonNullable<FileLine['output']> = {};
      if (output.stdout) o.stdout = ctx.redact(output.stdout);
      if (output.stderr) o.stderr = ctx.redact(output.stderr);
      if (output.truncated) o.truncated = true;
      line.output = o;
    }
    return line;
  });
}

/** A test's captured output as its line carries it (raw: record() redacts the line). */
function testOutput(c: ChildOutput): FileOutput {
  const o: FileOutput = {};
  if (c.stdout) o.stdout = c.stdout;
  if (c.stderr) o.stderr = c.stderr;
  if (c.dropped_bytes) {
    o.truncated = true;
    o.dropped_bytes = c.dropped_bytes;
  }
  if (c.shared) o.shared = true;
  return o;
}

/** capture_output: per entry file (repo-relative), what its process wrote outside any test. */
function betweenTests(journals: ChildJournal[], root: string): Map<string, ChildOutput> {
  const out = new Map<string, ChildOutput>();
  for (const j of journals) for (const r of j.records) if (r.k === 'out' && r.fn === null) out.set(relPath(root, r.f), r.out);
  return out;
}
