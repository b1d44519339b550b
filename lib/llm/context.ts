// What is sent with a test: its exact body (found by position), and depending on the mode the
// functions it executed (per-test coverage) or whole executed files. Bounded by bytes and files,
// filtered by globs, redacted piece by piece; the audit record says exactly what went in. Pure: the
// source files come in through `read`.
import picomatch from 'picomatch';
import { createHash } from 'node:crypto';
import type { FileLines, LineRange, LlmContext, TestLine } from '../types.js';
import type { Redactor } from '../redact/index.js';
import { scan, type Scan } from './scan.js';
import { executedExcerpts, functionSpans, sliceLines, testBodyAt, type Span } from './locate.js';
import type { ContextMode } from './settings.js';

export interface ContextLimits {
  max_bytes: number;
  max_files: number;
  include: string[];
  exclude: string[];
}

export interface Section {
  file: string;
  kind: 'test_body' | 'executed' | 'file';
  /** Redacted text, as sent. */
  text: string;
}

export type BuiltContext =
  | { ok: true; sections: Section[]; record: LlmContext }
  | { ok: false; reason: string; record: LlmContext };

export interface ContextInput {
  test: TestLine;
  mode: ContextMode;
  /** Source of a repo-relative file, or undefined when it cannot be read. */
  read: (file: string) => string | undefined;
  limits: ContextLimits;
  redact: Redactor;
  /** Shared across the tests of one run: each file is scanned once, each glob compiled once. */
  memo?: ContextMemo;
}

export class ContextMemo {
  readonly #scans = new Map<string, { scan: Scan; spans?: Span[] }>();
  #filter: ReturnType<typeof fileFilter> | undefined;
  #limits: ContextLimits | undefined;

  filter(limits: ContextLimits): ReturnType<typeof fileFilter> {
    if (!this.#filter || this.#limits !== limits) {
      this.#filter = fileFilter(limits);
      this.#limits = limits;
    }
    return this.#filter;
  }

  scan(file: string, text: string): Scan {
    let e = this.#scans.get(file);
    if (!e) this.#scans.set(file, (e = { scan: scan(text) }));
    return e.scan;
  }

  spans(file: string, text: string): Span[] {
    const s = this.scan(file, text);
    const e = this.#scans.get(file)!;
    return (e.spans ??= functionSpans(text, s));
  }
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');
const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');
const TRUNCATED = '\n/* [... truncated by llm.context.max_bytes] */';

/** Cuts text to at most max bytes at a line end when there is one (never inside a UTF-8 sequence). */
function cut(text: string, max: number): string {
  if (bytes(text) <= max) return text;
  let s = Buffer.from(text, 'utf8').subarray(0, Math.max(0, max)).toString('utf8');
  if (s.endsWith('\ufffd')) s = s.slice(0, -1);
  const nl = s.lastIndexOf('\n');
  return nl > s.length / 2 ? s.slice(0, nl) : s;
}

export function fileFilter(limits: Pick<ContextLimits, 'include' | 'exclude'>): (file: string) => 'ok' | 'excluded' | 'not_included' {
  const opts = { dot: true };
  const include = picomatch(limits.include.length ? limits.include : ['**'], opts);
  const exclude = limits.exclude.length ? picomatch(limits.exclude, opts) : () => false;
  return (file) => (exclude(file) ? 'excluded' : include(file) ? 'ok' : 'not_included');
}

function emptyRecord(mode: ContextMode): LlmContext {
  return { mode, bytes: 0, truncated: false, failure: false, files: [] };
}

export function buildContext(input: ContextInput): BuiltContext {
  const { test, mode, read, limits, redact } = input;
  const memo = input.memo ?? new ContextMemo();
  const record = emptyRecord(mode);
  const notes: string[] = [];
  const omitted: NonNullable<LlmContext['omitted']> = [];
  if (test.line === 0) {
    const why = test.recovered === 'child_journal' ? 'the result was recovered from the in-child journal, so its position is unknown (line 0)' : 'its position is unknown (line 0)';
    return { ok: false, reason: `no test body: ${why}`, record };
  }
  const allowed = memo.filter(limits);
  const verdict = allowed(test.file);
  if (verdict !== 'ok') return { ok: false, reason: `no test body: ${test.file} is ${verdict === 'excluded' ? 'excluded by llm.context.exclude' : 'not in llm.context.include'}`, record };
  const source = read(test.file);
  if (source === undefined) return { ok: false, reason: `no test body: cannot read ${test.file}`, record };
  const parsed = memo.scan(test.file, source);
  const body = testBodyAt(source, test.line, test.column, parsed);
  if (!body.ok) return { ok: false, reason: `no test body in ${test.file}: ${body.reason}`, record };

  const sections: Section[] = [];
  let used = 0;
  const files = new Set<string>();
  const add = (file: string, kind: Section['kind'], raw: string, lines: LineRange[]): boolean => {
    if (!files.has(file) && files.size >= limits.max_files) {
      omitted.push({ file, reason: 'max_files' });
      record.truncated = true;
      return false;
    }
    const remaining = limits.max_bytes - used;
    if (remaining < bytes(TRUNCATED) + 32) {
      omitted.push({ file, reason: 'max_bytes' });
      record.truncated = true;
      return false;
    }
    const redacted = redact(raw);
    let text = redacted;
    let truncated = false;
    if (bytes(text) > remaining) {
      text = cut(text, remaining - bytes(TRUNCATED)) + TRUNCATED;
      truncated = true;
      record.truncated = true;
    }
    used += bytes(text);
    files.add(file);
    sections.push({ file, kind, text });
    const entry: LlmContext['files'][number] = { file, kind, lines, bytes: bytes(text), sha256: sha256(text) };
    if (truncated) entry.truncated = true;
    if (redacted !== raw) entry.redacted = true;
    record.files.push(entry);
    return true;
  };

  add(test.file, 'test_body', body.value.text, [[body.value.startLine, body.value.endLine]]);

  if (mode !== 'minimal') {
    const coverage: FileLines[] | undefined = test.coverage_inclusive ?? test.coverage;
    if (!coverage) {
      notes.push(test.coverage_shared ? 'no per-test coverage: the test ran concurrently with others in its process' : 'no per-test coverage in this run');
      if (mode === 'complete') {
        add(test.file, 'file', source, [[1, parsed.lineStarts.length]]);
        notes.push('complete mode without coverage: the whole test file was sent');
      }
    } else {
      const ordered = [...coverage].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
      for (const cov of ordered) {
        if (cov.lines.length === 0) continue;
        const ok = allowed(cov.file);
        if (ok !== 'ok') {
          omitted.push({ file: cov.file, reason: ok });
          continue;
        }
        const text = cov.file === test.file ? source : read(cov.file);
        if (text === undefined) {
          omitted.push({ file: cov.file, reason: 'unreadable' });
          continue;
        }
        const scanned = memo.scan(cov.file, text);
        if (mode === 'complete') {
          add(cov.file, 'file', text, [[1, scanned.lineStarts.length]]);
          continue;
        }
        const skip = cov.file === test.file ? body.value : undefined;
        const excerpts = executedExcerpts(memo.spans(cov.file, text), cov.lines, skip);
        if (excerpts.length === 0) continue;
        const joined = excerpts.map((e) => sliceLines(text, scanned.lineStarts, e.startLine, e.endLine)).join('\n/* ... */\n');
        add(cov.file, 'executed', joined, excerpts.map((e) => [e.startLine, e.endLine] as LineRange));
      }
    }
  }
  record.bytes = used;
  if (omitted.length) record.omitted = omitted;
  if (notes.length) record.notes = notes;
  return { ok: true, sections, record };
}

/** Fence language for a file name. */
export function languageOf(file: string): string {
  return /\.[mc]?tsx?$/.test(file) ? 'ts' : 'js';
}
