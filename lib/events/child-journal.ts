// The in-child journal: each test child appends a record when a test starts and ends, synchronously, so
// results survive process.exit() and SIGKILL, which lose node's own buffered events. At the end of the
// run the reporter compares it with what node reported and accounts for every test that went missing.
import { relPath } from '../paths.js';
import { fullName as joinName, testId } from './identity.js';
import { cap } from './failure.js';
import { warning } from '../warnings.js';
import type { ProfileFunction, TestLine, Warning } from '../types.js';
import type { V8Function } from '../coverage/v8-lines.js';

/** One journal record. Short keys: the file is written once per test boundary. */
export type ChildRecord =
  | { k: 'start'; f: string; n: string; fn: string }
  | { k: 'end'; f: string; n: string; fn: string; p: boolean; m?: string }
  | { k: 'exit'; f: string; c: number }
  /** Lines that ran in one interval, attributed to test (fn, o) or, with fn null, to no test. */
  | { k: 'cov'; f: string; fn: string | null; o: number; files: Record<string, Array<[number, number]>> }
  /** A test that shared its interval with another test running at the same time: not attributable. */
  | { k: 'shared'; f: string; fn: string; o: number }
  /** Line total of a script file, when first seen. */
  | { k: 'src'; f: string; file: string; lines: number; ignored: number[] }
  /**
   * A script file's V8 function coverage over the whole process (every interval merged), written at exit,
   * as coverage lines hold it (`profile`, lib/coverage/profile.ts: a third of V8's JSON, which the
   * reporter parsed and converted for every process); `functions`, V8's own form, is read too.
   * `gen`: compiled code's, at the generated file's offsets.
   */
  | { k: 'covsum'; f: string; file: string; profile?: ProfileFunction[]; functions?: V8Function[]; gen?: { file: string; digest: string; profile?: ProfileFunction[]; functions?: V8Function[]; memory?: true }; guessed?: number }
  /** Metadata a test declared through the API (requirements, LLM mode). */
  | { k: 'meta'; f: string; fn: string; o: number; data: TestMeta }
  /** capture_output: what test (fn, o) wrote while it ran, or with fn null what the file wrote between tests (at exit). */
  | { k: 'out'; f: string; fn: string | null; o: number; out: ChildOutput };

/** Captured output of one test, or of the file between tests (reporters/output-capture.ts). */
export interface ChildOutput {
  stdout: string;
  stderr: string;
  dropped_bytes?: number;
  shared?: true;
}

/** What test code may declare about itself (lib/api). */
export interface TestMeta {
  requirements?: string[];
  llm_mode?: 'off' | 'minimal' | 'balanced' | 'complete';
}

export interface ChildJournal {
  source: string;
  records: ChildRecord[];
}

export function parseChildJournal(text: string, source: string): { journal: ChildJournal; warnings: Warning[] } {
  const records: ChildRecord[] = [];
  const warnings: Warning[] = [];
  const parts = text.split('\n');
  parts.forEach((raw, i) => {
    if (!raw.trim()) return;
    try {
      const rec = JSON.parse(raw) as ChildRecord;
      if (rec && typeof rec === 'object' && typeof rec.k === 'string' && typeof rec.f === 'string') records.push(rec);
      else throw new Error('not a journal record');
    } catch (err) {
      // Only the last line can be torn by a kill; anything else is worth a warning too.
      warnings.push(warning('LLMR_CHILD_JOURNAL_UNREADABLE', `${source}:${i + 1}: ${(err as Error).message}`));
    }
  });
  return { journal: { source, records }, warnings };
}

export interface ReconcileContext {
  root: string;
  redact: (text: string) => string;
  maxChars: number;
}

export interface Reconciled {
  tests: TestLine[];
  warnings: Warning[];
  /** Repo-relative entry files whose process ended before all its tests reported. */
  exitedEarly: Set<string>;
}

/**
 * Tests the journals saw start that node never reported. `reported` counts, per entry file, the tests
 * node did report under each fullName; the journal's n-th start of a fullName pairs with node's n-th.
 */
/** A test a child journal saw start: its n-th start under that full name in its file, and how it ended, if it did. */
interface Start {
  file: string;
  full: string;
  name: string;
  occurrence: number;
  ended?: { p: boolean; m?: string };
}

export function reconcile(journals: ChildJournal[], reported: Map<string, Map<string, number>>, ctx: ReconcileContext): Reconciled {
  const tests: TestLine[] = [];
  const warnings: Warning[] = [];
  const exitedEarly = new Set<string>();
  for (const j of journals) {
    // By file, then full name: how many starts so far, and those not ended yet (no key string made per record).
    const byFile = new Map<string, Map<string, { seen: number; open: Start[] }>>();
    const starts: Start[] = [];
    let exitCode: number | undefined;
    for (const r of j.records) {
      if (r.k === 'exit') {
        exitCode = r.c;
        continue;
      }
      const file = relPath(ctx.root, r.f);
      if (r.k === 'start') {
        let names = byFile.get(file);
        if (!names) byFile.set(file, (names = new Map<string, { seen: number; open: Start[] }>()));
        let of = names.get(r.fn);
        if (!of) names.set(r.fn, (of = { seen: 0, open: [] }));
        const s: Start = { file, full: r.fn, name: r.n, occurrence: ++of.seen };
        starts.push(s);
        of.open.push(s);
      } else if (r.k === 'end') {
        const s = byFile.get(file)?.get(r.fn)?.open.shift();
        if (s) s.ended = r.m === undefined ? { p: r.p } : { p: r.p, m: r.m };
      }
    }
    for (const s of starts) {
      const count = reported.get(s.file)?.get(s.full) ?? 0;
      if (s.occurrence <= count) continue;
      exitedEarly.add(s.file);
      const suffix = ` > ${s.name}`;
      const path = s.full.endsWith(suffix) ? s.full.slice(0, -suffix.length).split(' > ') : [];
      const how = exitCode === undefined ? 'the process was killed' : `the process exited with code ${exitCode}`;
      const line: TestLine = {
        type: 'test',
        id: testId('test', s.file, path, s.name, s.occurrence, s.file),
        file: s.file,
        entry_file: s.file,
        // The journal knows names, not call sites; 0 means "position unknown".
        line: 0,
        column: 0,
        name: ctx.redact(s.name),
        path: path.map(ctx.redact),
        nesting: path.length,
        occurrence: s.occurrence,
        status: 'incomplete',
        duration_ms: 0,
        attempt: 0,
        recovered: 'child_journal',
      };
      if (s.ended) {
        line.status = s.ended.p ? 'passed' : 'failed';
        if (!s.ended.p) line.failure = { kind: 'error', message: ctx.redact(cap(s.ended.m ?? 'failed (message lost)', ctx.maxChars)) };
        warnings.push(warning('LLMR_RESULT_RECOVERED', `"${joinName(line.path, line.name)}" finished (${line.status}) but its result never reached the reporter (${how}); recovered from the in-child journal`, { file: s.file, test_id: line.id }));
      } else {
        line.failure = { kind: 'incomplete', message: `test started but never finished: ${how}` };
        warnings.push(warning('LLMR_TEST_INCOMPLETE', `"${joinName(line.path, line.name)}" started but never finished: ${how}`, { file: s.file, test_id: line.id }));
      }
      tests.push(line);
    }
  }
  for (const file of [...exitedEarly].sort()) {
    warnings.push(warning('LLMR_FILE_EXITED_EARLY', `${file}: the test process ended before all its tests reported; tests declared after that point are unknown`, { file }));
  }
  return { tests, warnings, exitedEarly };
}
