// node:test events -> test, suite and file records. Works on Node 20-26 by looking at which fields an
// event carries (testId, entryFile, details.type, details.attempt, test:summary), never at versions.
import path from 'node:path';
import { relativizeText, relPath } from '../paths.js';
import { CANCELLED_FAILURE_TYPES, cap, toFailure, type FailureContext } from './failure.js';
import { fullName, identityKey, testId } from './identity.js';
import { warning } from '../warnings.js';
import type { Counts, SuiteLine, TestLine, TestStatus, Warning } from '../types.js';

/** The subset of node's event data we read; every field is optional because versions differ. */
export interface EventData {
  name?: string;
  nesting?: number;
  file?: string;
  entryFile?: string;
  line?: number;
  column?: number;
  testId?: number;
  message?: string;
  skip?: string | boolean;
  todo?: string | boolean;
  expectFailure?: unknown;
  tags?: string[];
  details?: { duration_ms?: number; type?: string; error?: unknown; attempt?: number; passed_on_attempt?: number };
  counts?: Partial<Record<'tests' | 'suites' | 'passed' | 'failed' | 'cancelled' | 'skipped' | 'todo', number>>;
  success?: boolean;
}

export interface TestEvent {
  type: string;
  data?: EventData;
}

export interface NormalizeOptions extends FailureContext {
  /** Keep at most this many characters of a file's stderr for file-level failures. */
  stderrTail: number;
  captureOutput: boolean;
  outputCap: number;
  /**
   * How many tests with this fullName the in-child journal of a test file (repo-relative) saw end,
   * by outcome. Without it, tests declared in a shared helper module are attributed to that module on
   * Node versions whose events carry no entryFile.
   */
  journalEnded?: (entryFile: string, fullName: string) => { passed: number; failed: number };
  /**
   * Under --test-isolation=none node names no test files (no per-file test, no entryFile): the test
   * files (repo-relative) whose tests the in-process hooks saw start, in run order.
   */
  inProcessFiles?: () => readonly string[];
}

export interface FileOutcome {
  /** Repo-relative test file. */
  file: string;
  passed: boolean;
  error?: unknown;
  duration_ms?: number;
}

const NODE_COUNT_KEYS = ['tests', 'suites', 'passed', 'failed', 'cancelled', 'skipped', 'todo'] as const;
const DIAGNOSTIC_COUNT = /^(tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) ([\d.]+)$/;

export class EventNormalizer {
  readonly warnings: Warning[] = [];
  /** Per repo-relative entry file: wrapper outcome as node reported it (complete/pass/fail). */
  readonly fileOutcomes = new Map<string, FileOutcome>();
  /** Per repo-relative entry file: captured stdout/stderr (capped). */
  readonly output = new Map<string, { stdout: string; stderr: string; truncated: boolean }>();
  /** Per repo-relative entry file: how many tests node reported under each raw fullName (for the child journal). */
  readonly reported = new Map<string, Map<string, number>>();
  /** Per repo-relative file: diagnostics node raised outside any test (e.g. an error thrown at import). */
  readonly fileDiagnostics = new Map<string, string[]>();
  nodeCounts: Partial<Counts> | undefined;
  interrupted = false;

  readonly #opts: NormalizeOptions;
  readonly #stack: string[] = [];
  readonly #occurrences = new Map<string, number>();
  #pending: TestLine | SuiteLine | undefined;
  /** File of the latest declaration-ordered event: node sends each file's block contiguously. */
  #blockFile: string | undefined;
  #diagnosticCounts: Partial<Counts> = {};
  /** Test files in the order node runs them (their wrappers' test:enqueue), which is the order it reports them in. */
  readonly #testFiles: string[] = [];
  /** Index in #testFiles of the file whose events are being reported: each file's events come as one block, in order. */
  #block = 0;
  /** A per-file test:summary was seen: it ends each file's block, so every placement is exact. */
  #blocksDelimited = false;
  /**
   * Skipped tests declared outside any test file, placed in the current block (index `block`); a later
   * record placed there for sure confirms it (blocks are contiguous), a per-file summary makes all sure.
   */
  readonly #guessed: Array<{ name: string; file: string; entry: string; block: number; sure: boolean }> = [];
  /** By nesting: the entry file of the latest finished record one level deeper (a suite's children). */
  readonly #childEntry: Array<string | undefined> = [];
  /** Tests attributed to a test file through its journal, by entry file, then fullName: how many per outcome. */
  readonly #attributed = new Map<string, Map<string, { passed: number; failed: number }>>();
  /** Files shown to declare tests for other test files (a journal placed one of their tests elsewhere). */
  readonly #helpers = new Set<string>();

  constructor(opts: NormalizeOptions) {
    this.#opts = opts;
  }

  /** Repo-relative test files node announced (process isolation), in run order. */
  get testFiles(): readonly string[] {
    return this.#testFiles;
  }

  /** Feed one event; returns the records it completed (a record waits for its trailing diagnostics). */
  push(event: TestEvent): Array<TestLine | SuiteLine> {
    const data = event.data ?? {};
    if (event.type === 'test:diagnostic') {
      this.#diagnostic(data);
      return [];
    }
    const out = this.#flush();
    if (data.file && (event.type === 'test:start' || event.type === 'test:pass' || event.type === 'test:fail' || event.type === 'test:plan')) this.#blockFile = data.file;
    switch (event.type) {
      case 'test:start':
        this.#start(data);
        break;
      case 'test:pass':
      case 'test:fail': {
        const rec = this.#finish(data, event.type === 'test:pass');
        if (rec) this.#pending = rec;
        break;
      }
      case 'test:complete':
        this.#complete(data);
        break;
      case 'test:stdout':
      case 'test:stderr':
        this.#capture(data, event.type === 'test:stdout' ? 'stdout' : 'stderr');
        break;
      case 'test:summary':
        // The per-file summaries carry `file`; the run's own summary has none.
        if (data.file === undefined && data.counts) this.nodeCounts = pickCounts(data.counts);
        else if (data.file !== undefined && data.entryFile === undefined) this.#endBlock(data.file);
        break;
      case 'test:interrupted':
        this.interrupted = true;
        break;
      case 'test:enqueue':
        if (this.#isFileWrapper(data) && !this.#testFiles.includes(this.#rel(data.file))) this.#testFiles.push(this.#rel(data.file));
        break;
      default:
        break;
    }
    return out;
  }

  /** End of stream: the last waiting record. */
  end(): Array<TestLine | SuiteLine> {
    const out = this.#flush();
    if (!this.nodeCounts && Object.keys(this.#diagnosticCounts).length > 0) this.nodeCounts = this.#diagnosticCounts;
    const guessed = this.#blocksDelimited ? [] : this.#guessed.filter((g) => !g.sure);
    if (guessed.length > 0) {
      const list = guessed.map((g) => `"${this.#opts.redact(g.name)}" (${g.file}) -> ${g.entry}`);
      this.warnings.push(
        warning(
          'LLMR_ENTRY_FILE_GUESSED',
          `${list.length} skipped test(s) declared outside their test file were placed in the test file reported just before them, which holds them unless they were the first of the next file (this node names no entry file and sends no per-file summary): ${list.slice(0, 10).join('; ')}${list.length > 10 ? '; ...' : ''}`,
        ),
      );
    }
    return out;
  }

  #flush(): Array<TestLine | SuiteLine> {
    const p = this.#pending;
    this.#pending = undefined;
    return p ? [p] : [];
  }

  #rel(file: string | undefined): string {
    return file ? relPath(this.#opts.root, file) : '<unknown>';
  }

  /** The names redacted: `names` itself (a fresh copy of the stack) when redaction changes none of them. */
  #redactAll(names: string[]): string[] {
    for (let i = 0; i < names.length; i++) {
      const r = this.#opts.redact(names[i]!);
      if (r === names[i]) continue;
      const out = names.slice(0, i);
      out.push(r);
      for (let j = i + 1; j < names.length; j++) out.push(this.#opts.redact(names[j]!));
      return out;
    }
    return names;
  }

  /** The per-file test node adds in process isolation: nesting 0, at 1:1, named after its file. */
  #isFileWrapper(data: EventData): boolean {
    if (data.nesting !== 0 || data.line !== 1 || data.column !== 1 || !data.name || !data.file) return false;
    return path.resolve(this.#opts.root, data.name) === path.resolve(data.file);
  }

  #start(data: EventData): void {
    const nesting = data.nesting ?? 0;
    if (nesting > this.#stack.length) {
      this.warnings.push(warning('LLMR_EVENT_UNEXPECTED', `test:start at nesting ${nesting} without a parent (stack depth ${this.#stack.length})`, { file: this.#rel(data.file), line: data.line }));
      while (this.#stack.length < nesting) this.#stack.push('');
    }
    this.#stack.length = nesting;
    this.#stack.push(data.name ?? '');
  }

  #finish(data: EventData, passed: boolean): TestLine | SuiteLine | undefined {
    const nesting = data.nesting ?? 0;
    const wrapper = this.#isFileWrapper(data);
    const rawName = data.name ?? '';
    // The wrapper is named after its file (absolute on Node 20): use the repo-relative form everywhere.
    const name = wrapper ? this.#rel(data.file) : rawName;
    if (this.#stack[nesting] !== rawName) {
      // Under isolation=none or unusual orderings, test:start may be missing; keep the record anyway.
      this.#stack.length = Math.min(this.#stack.length, nesting);
      while (this.#stack.length < nesting) this.#stack.push('');
      this.#stack.push(rawName);
    }
    const parents = this.#stack.slice(0, nesting);
    this.#stack.length = nesting;
    const file = this.#rel(data.file);
    const details = data.details ?? {};
    const isSuite = details.type === 'suite';
    // Children are reported before their parent: the entry file they went to is the parent's too.
    const fromChildren = this.#childEntry[nesting];
    this.#childEntry.length = nesting;
    // Skipped tests run no hooks: the child journal has no record of them.
    const ran = statusOf(data, passed) !== 'skipped';
    const rawFull = fullName(parents, rawName);
    const entryFile = data.entryFile ? this.#rel(data.entryFile) : wrapper ? file : this.#entryOf(file, isSuite, rawFull, passed, ran, fromChildren);
    if (nesting > 0) this.#childEntry[nesting - 1] = entryFile;
    const kind = isSuite ? 'suite' : 'test';
    // occurrence counts over exactly what the id hashes (identity.ts): no two records of a run share an id.
    const key = identityKey(kind, entryFile, file, parents, name);
    const occurrence = (this.#occurrences.get(key) ?? 0) + 1;
    this.#occurrences.set(key, occurrence);

    if (wrapper) this.fileOutcomes.set(file, { file, passed, error: details.error, duration_ms: round(details.duration_ms ?? 0) });

    const status = statusOf(data, passed);
    const id = testId(kind, entryFile, parents, name, occurrence, file);
    // A file-level pseudo-test is named after its file: redacted as that file's path is.
    const shownName = wrapper ? (this.#opts.redactPath ?? this.#opts.redact)(name) : this.#opts.redact(name);
    const shownPath = this.#redactAll(parents);
    const line = data.line ?? 0;
    const column = data.column ?? 0;
    const duration = round(details.duration_ms ?? 0);
    // Each record built at once (not a common part spread into it): one object per record.
    const rec: TestLine | SuiteLine = isSuite
      ? { type: 'suite', id, file, entry_file: entryFile, line, column, name: shownName, path: shownPath, nesting, occurrence, status, duration_ms: duration }
      : { type: 'test', id, file, entry_file: entryFile, line, column, name: shownName, path: shownPath, nesting, occurrence, status, duration_ms: duration, attempt: details.attempt ?? 0 };
    if (typeof data.skip === 'string' && data.skip) rec.skip_reason = this.#opts.redact(data.skip);
    if (typeof data.todo === 'string' && data.todo) rec.todo_reason = this.#opts.redact(data.todo);
    if (details.error !== undefined) {
      const failure = toFailure(details.error, this.#opts);
      if (wrapper) {
        failure.kind = 'file';
        const tail = this.output.get(file)?.stderr;
        if (tail) failure.message = `${failure.message}\n--- stderr (tail) ---\n${this.#opts.redact(tail.slice(-this.#opts.stderrTail))}`;
      }
      // A suite that failed only because children failed has nothing of its own to report.
      if (!(isSuite && failure.kind === 'subtests')) rec.failure = failure;
    }
    if (rec.type === 'test') {
      let names = this.reported.get(entryFile);
      if (!names) this.reported.set(entryFile, (names = new Map<string, number>()));
      const full = wrapper ? fullName(parents, name) : rawFull;
      names.set(full, (names.get(full) ?? 0) + 1);
      if (wrapper) rec.file_level = true;
      if (typeof details.passed_on_attempt === 'number') rec.passed_on_attempt = details.passed_on_attempt;
      if (data.expectFailure !== undefined && data.expectFailure !== false) rec.expect_failure = true;
      if (Array.isArray(data.tags) && data.tags.length > 0) rec.tags = [...data.tags].sort();
    }
    return rec;
  }

  /**
   * The test file whose process ran a record, for events without entryFile (Node 20, 22, 24 before 24.20,
   * and isolation none). node reports each file's records as one block, in the order it enqueued the
   * files. A record declared in a test file belongs to it. A suite belongs where its children went. A
   * test that ran hooks and was declared elsewhere (a shared helper module or package) belongs to the
   * first test file, from the current block on, whose child journal has a matching ended test not yet
   * attributed (a test's journal record is written before node reports it). A skipped test ran no hooks
   * and has no journal record: it belongs to the current block, which a file's own test:summary closes
   * (22.10+). Without any of that, the defining file stands in. In-process (no per-file blocks, and only
   * files whose tests ran hooks are known) a skipped test or an empty suite stays in its defining file
   * unless that file is known to be a helper.
   */
  #entryOf(file: string, isSuite: boolean, full: string, passed: boolean, ran: boolean, fromChildren: string | undefined): string {
    // In-process, node's only per-file tests are those of files that declare none: the hooks know better.
    const inProcess = this.#opts.inProcessFiles;
    const files = inProcess ? inProcess() : this.#testFiles;
    const outcome = passed ? 'passed' : 'failed';
    const own = files.indexOf(file);
    const place = (i: number): string => {
      if (i > this.#block) this.#block = i;
      for (const g of this.#guessed) if (g.block === i) g.sure = true;
      return files[i]!;
    };
    if (isSuite && fromChildren !== undefined) {
      const i = files.indexOf(fromChildren);
      return i >= 0 ? place(i) : fromChildren;
    }
    const lookup = this.#opts.journalEnded;
    if (own >= 0) {
      // A file node ran as a test file can also be a helper other test files call (node runs every file
      // under test/ by default): a test that ran and that its own process's journal does not have goes
      // to the test file whose journal has it.
      const elsewhere = ran && !isSuite && lookup && this.#free(file, full, 'any') <= 0 ? this.#journalMatch(files, full, outcome, own) : undefined;
      if (elsewhere !== undefined) {
        this.#helpers.add(file);
        return place(elsewhere);
      }
      // Its journal record is spoken for: a same-named helper test of this file must not take it.
      if (ran && !isSuite) this.#attribute(file, full, outcome);
      return place(own);
    }
    // In-process the list holds only files whose tests ran hooks: a test file whose tests all skipped is
    // not in it. What the journals cannot place stays where it was declared, unless that file is a helper.
    if (inProcess && (isSuite || !ran) && !this.#helpers.has(file)) return file;
    const current = (): string => (this.#block < files.length ? files[this.#block]! : file);
    if (!ran && !isSuite && files.length > 0) this.#guessed.push({ name: full, file, entry: current(), block: this.#block, sure: false });
    if (isSuite || !ran || !lookup || files.length === 0) return current();
    const i = this.#journalMatch(files, full, outcome);
    if (i === undefined) return current();
    this.#helpers.add(file);
    return place(i);
  }

  /**
   * The first test file, from the current block on (but `except`), whose journal has an ended test of that
   * name not yet attributed, with the same outcome first, then any (a later hook can change a test's
   * outcome after its end was journaled); attributed to it.
   */
  #journalMatch(files: readonly string[], full: string, outcome: 'passed' | 'failed', except?: number): number | undefined {
    for (const match of [outcome, 'any'] as const) {
      for (let i = this.#block; i < files.length; i++) {
        if (i === except || this.#free(files[i]!, full, match) <= 0) continue;
        this.#attribute(files[i]!, full, outcome);
        return i;
      }
    }
    return undefined;
  }

  /** Ended tests of that name (with that outcome) in an entry file's child journal not yet attributed to a record. */
  #free(entry: string, full: string, outcome: 'passed' | 'failed' | 'any'): number {
    const ended = this.#opts.journalEnded?.(entry, full) ?? { passed: 0, failed: 0 };
    const attributed = this.#attributed.get(entry)?.get(full);
    const passed = attributed?.passed ?? 0;
    const failed = attributed?.failed ?? 0;
    return outcome === 'any' ? ended.passed + ended.failed - passed - failed : ended[outcome] - (outcome === 'passed' ? passed : failed);
  }

  #attribute(entry: string, full: string, outcome: 'passed' | 'failed'): void {
    let byName = this.#attributed.get(entry);
    if (!byName) this.#attributed.set(entry, (byName = new Map<string, { passed: number; failed: number }>()));
    const counts = byName.get(full);
    if (counts) counts[outcome]++;
    else byName.set(full, outcome === 'passed' ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 });
  }

  /** A file's own test:summary ends its block (it is reported in declaration order): the next block is the next file's. */
  #endBlock(file: string): void {
    if (this.#opts.inProcessFiles) return;
    const i = this.#testFiles.indexOf(this.#rel(file));
    this.#blocksDelimited = true;
    if (i < 0 || i < this.#block) return;
    this.#block = i + 1;
  }

  #complete(data: EventData): void {
    // The wrapper's test:complete is the only outcome node sends for a file whose tests all reported.
    if (!this.#isFileWrapper(data)) return;
    const file = this.#rel(data.file);
    if (!this.fileOutcomes.has(file)) {
      const error = data.details?.error;
      this.fileOutcomes.set(file, { file, passed: error === undefined, error, duration_ms: round(data.details?.duration_ms ?? 0) });
    }
  }

  #diagnostic(data: EventData): void {
    const message = data.message ?? '';
    if (data.file === undefined && data.nesting === 0) {
      // The run's closing diagnostics ("tests 3", "pass 2", ...): node's own counts on versions without test:summary.
      const m = DIAGNOSTIC_COUNT.exec(message);
      if (m) {
        const key = ({ pass: 'passed', fail: 'failed' } as Record<string, keyof Counts>)[m[1]!] ?? (m[1] as keyof Counts);
        if (m[1] !== 'duration_ms') this.#diagnosticCounts[key] = Number(m[2]);
      } else if (this.#blockFile) {
        // Inside a file's block, a file-less diagnostic is about that file (Node 20: an error after its tests ended).
        this.#fileDiagnostic(this.#rel(this.#blockFile), message);
      }
      return;
    }
    const p = this.#pending;
    if (p && p.type === 'test' && p.nesting === data.nesting && p.line === data.line && p.column === data.column) {
      (p.diagnostics ??= []).push(this.#opts.redact(cap(message, this.#opts.maxChars)));
    } else if (data.file) {
      // Not a test's own diagnostic (Node 22+ puts file-level errors at the file's 1:1): keep it with the file.
      this.#fileDiagnostic(this.#rel(data.file), message);
    }
  }

  #fileDiagnostic(file: string, message: string): void {
    const list = this.fileDiagnostics.get(file) ?? [];
    list.push(this.#opts.redact(relativizeText(this.#opts.root, cap(message, this.#opts.maxChars))));
    this.fileDiagnostics.set(file, list);
  }

  #capture(data: EventData, stream: 'stdout' | 'stderr'): void {
    // test:stdout/stderr name only the file (nodejs/node#53103): output is kept per file, never guessed per test.
    const file = this.#rel(data.entryFile ?? data.file);
    let buf = this.output.get(file);
    if (!buf) this.output.set(file, (buf = { stdout: '', stderr: '', truncated: false }));
    const limit = this.#opts.captureOutput ? this.#opts.outputCap : this.#opts.stderrTail;
    if (!this.#opts.captureOutput && stream === 'stdout') return;
    let text = buf[stream] + relativizeText(this.#opts.root, data.message ?? '');
    if (text.length > limit) {
      // Keep the tail: the end of stderr is where the fatal error is.
      text = text.slice(text.length - limit);
      buf.truncated = true;
    }
    buf[stream] = text;
  }
}

function statusOf(data: EventData, passed: boolean): TestStatus {
  // Mirrors node's own counting (harness countCompletedTest) so our counts equal node's summary.
  if (data.skip !== undefined && data.skip !== false) return 'skipped';
  if (data.todo !== undefined && data.todo !== false) return 'todo';
  const failureType = (data.details?.error as { failureType?: string } | undefined)?.failureType;
  if (!passed && failureType && CANCELLED_FAILURE_TYPES.has(failureType)) return 'cancelled';
  return passed ? 'passed' : 'failed';
}

function pickCounts(counts: NonNullable<EventData['counts']>): Partial<Counts> {
  const out: Partial<Counts> = {};
  for (const k of NODE_COUNT_KEYS) if (typeof counts[k] === 'number') out[k] = counts[k];
  return out;
}

function round(ms: number): number {
  return Math.round(ms * 1000) / 1000;
}
