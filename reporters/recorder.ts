// One run's record: the lines so far, the journal, and the end of the run. Everything in finish() is
// synchronous, so the same code closes the record at the end of the stream and from process 'exit'
// when node stops the run on SIGINT/SIGTERM (its handler calls process.exit before our generator ends).
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { EventNormalizer } from '../lib/events/normalize.js';
import { parseChildJournal, reconcile, type ChildJournal } from '../lib/events/child-journal.js';
import { toFailure, type FailureContext } from '../lib/events/failure.js';
import { countRecords, fold, sortedLines } from '../lib/report/fold.js';
import { Journal, writeRun } from '../lib/output/write.js';
import { warning } from '../lib/warnings.js';
import type { FileLine, Line, Report, RunEndLine, RunStartLine, SuiteLine, TestLine, Warning } from '../lib/types.js';

export interface RecorderOptions {
  outDir: string;
  journal: boolean;
  workDir: string | undefined;
  captureOutput: boolean;
  failureContext: FailureContext;
  now: () => string;
}

export interface Finished {
  lines: Line[];
  report: Report;
  reportPath: string | undefined;
  outputError: string | undefined;
}

export class RunRecorder {
  readonly lines: Line[] = [];
  readonly records: Array<TestLine | SuiteLine> = [];
  readonly warnings: Warning[] = [];
  outputError: string | undefined;
  finished: Finished | undefined;
  readonly #opts: RecorderOptions;
  readonly #startedMs = Date.now();
  #journal: Journal | undefined;
  #start: RunStartLine | undefined;

  constructor(opts: RecorderOptions, readonly normalizer: EventNormalizer) {
    this.#opts = opts;
    if (opts.journal) {
      try {
        this.#journal = new Journal(path.join(opts.outDir, 'journal.ndjson'));
      } catch (err) {
        this.outputError = `cannot write to ${opts.outDir}: ${(err as Error).message}`;
      }
    }
  }

  /** Keep a line and append it to the journal at once. */
  record(line: Line): Line {
    if (line.type === 'run_start') this.#start = line;
    if (line.type === 'test' || line.type === 'suite') this.records.push(line);
    this.lines.push(line);
    try {
      this.#journal?.append(line);
    } catch (err) {
      this.outputError ??= `journal write failed: ${(err as Error).message}`;
      this.#journal = undefined;
    }
    return line;
  }

  /** Close the run: recover lost tests, add file lines, warnings and run_end, write the outputs. Idempotent. */
  finish(aborted: { signal?: string } | undefined): { tail: Line[]; finished: Finished } {
    if (this.finished) return { tail: [], finished: this.finished };
    const first = this.lines.length;
    const { normalizer } = this;
    const ctx = this.#opts.failureContext;
    for (const rec of normalizer.end()) this.record(rec);
    const recovered = reconcile(this.#readChildJournals(), normalizer.reported, ctx);
    for (const rec of recovered.tests) this.record(rec);
    this.warnings.push(...normalizer.warnings, ...recovered.warnings);
    for (const f of fileLines(normalizer, this.records, recovered.exitedEarly, this.#opts.captureOutput, ctx)) {
      if (f.failure) this.warnings.push(warning('LLMR_FILE_FAILED', `${f.file}: ${f.failure.message.split('\n')[0]}`, { file: f.file }));
      this.record(f);
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
    this.record(end);
    this.#journal?.close();

    let reportPath: string | undefined;
    try {
      reportPath = writeRun(this.#opts.outDir, report, sortedLines(report, this.#start, end)).report;
    } catch (err) {
      this.outputError ??= `cannot write the report to ${this.#opts.outDir}: ${(err as Error).message}`;
    }
    if (this.#opts.workDir) rmSync(this.#opts.workDir, { recursive: true, force: true });
    this.finished = { lines: this.lines, report, reportPath, outputError: this.outputError };
    return { tail: this.lines.slice(first), finished: this.finished };
  }

  #readChildJournals(): ChildJournal[] {
    const dir = this.#opts.workDir;
    if (!dir) return [];
    const journals: ChildJournal[] = [];
    let names: string[] = [];
    try {
      names = readdirSync(dir).filter((n) => n.endsWith('.ndjson')).sort();
    } catch (err) {
      this.warnings.push(warning('LLMR_CHILD_JOURNAL_UNREADABLE', `cannot list ${dir}: ${(err as Error).message}`));
    }
    for (const name of names) {
      try {
        const parsed = parseChildJournal(readFileSync(path.join(dir, name), 'utf8'), name);
        journals.push(parsed.journal);
        this.warnings.push(...parsed.warnings);
      } catch (err) {
        this.warnings.push(warning('LLMR_CHILD_JOURNAL_UNREADABLE', `cannot read ${name}: ${(err as Error).message}`));
      }
    }
    return journals;
  }
}

function fileLines(
  normalizer: EventNormalizer,
  records: Array<TestLine | SuiteLine>,
  exitedEarly: Set<string>,
  captureOutput: boolean,
  ctx: FailureContext,
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
