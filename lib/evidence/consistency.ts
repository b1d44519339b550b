// report.json and results.ndjson must be exactly the fold of journal.ndjson (design invariant 7). The
// journal is re-folded with the reporter's own code (fold, withEvidence, sortedLines) and compared on
// everything but what legitimately differs: LLM annotations and totals (advisory, added after the
// fold), warnings written after report.json (PDF, HTML), the integrity statement (checked against the
// seal) and the manifest entries (checked against the files). Pure.
import { parseNdjson } from '../report/ndjson.js';
import { compareWarnings, fold, sortedLines } from '../report/fold.js';
import { canonicalJson } from '../report/canonical.js';
import { withEvidence } from './report.js';
import { JOURNAL, sha256Hex, type FileSet } from './files.js';
import type { CoverageLine, Line, Report, RunEndLine, RunStartLine, Warning } from '../types.js';

export interface Mismatch {
  file: string;
  message: string;
}

/** Warnings that may be in report.json and not in the journal: written after the fold. */
const LATE_WARNING = /^LLMR_(LLM_|PDF_|HTML_FAILED$)/;
/** Fields of a test line that annotate adds (advisory, never part of a status). */
const ANNOTATION_FIELDS = ['annotation', 'annotation_error'] as const;

type Rec = Record<string, unknown>;

function withoutAnnotation(v: unknown): unknown {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return v;
  const o = { ...(v as Rec) };
  if (o.type === 'test' || 'attempt' in o) for (const k of ANNOTATION_FIELDS) delete o[k];
  return o;
}

function label(v: unknown): string {
  const o = (v && typeof v === 'object' ? v : {}) as Rec;
  if (typeof o.id === 'string') return `${o.type === 'suite' ? 'suite' : 'test'} ${o.id}${typeof o.name === 'string' ? ` "${o.name.slice(0, 80)}"` : ''}`;
  if (typeof o.code === 'string') return `warning ${o.code}`;
  if (typeof o.file === 'string') return `file ${o.file}`;
  return typeof o.type === 'string' ? `${o.type} line` : 'entry';
}

/** What a reader most needs to hear first: a status or a count before a failure's detail. */
const WEIGHT = ['status', 'run', 'summary', 'counts', 'id', 'name', 'attempt', 'tests', 'suites', 'files'];
const byWeight = (x: string, y: string): number => {
  const i = WEIGHT.indexOf(x);
  const j = WEIGHT.indexOf(y);
  return i !== j ? (i < 0 ? WEIGHT.length : i) - (j < 0 ? WEIGHT.length : j) : x < y ? -1 : x > y ? 1 : 0;
};

/** The first key (depth-first, sorted) where two values differ, as a JSON-pointer-like path. */
function firstDiff(a: unknown, b: unknown, at = ''): string | undefined {
  if (canonicalJson(a ?? null) === canonicalJson(b ?? null)) return undefined;
  if (a && b && typeof a === 'object' && typeof b === 'object' && Array.isArray(a) === Array.isArray(b)) {
    const keys = Array.isArray(a) ? [...Array(Math.max(a.length, (b as unknown[]).length)).keys()].map(String) : [...new Set([...Object.keys(a), ...Object.keys(b)])].sort(byWeight);
    for (const k of keys) {
      const d = firstDiff((a as Rec)[k], (b as Rec)[k], `${at}/${k}`);
      if (d !== undefined) return d;
    }
  }
  return at || '/';
}

function show(v: unknown): string {
  const s = v === undefined ? 'absent' : JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
}

function get(v: unknown, pointer: string): unknown {
  let cur = v;
  for (const k of pointer.split('/').slice(1)) cur = cur && typeof cur === 'object' ? (cur as Rec)[k] : undefined;
  return cur;
}

/** Compares two lists entry by entry; the first difference names the entry (test id and name) and field. */
function compareLists(file: string, what: string, want: unknown[], got: unknown[]): Mismatch | undefined {
  for (let i = 0; i < Math.max(want.length, got.length); i++) {
    const w = want[i];
    const g = got[i];
    if (w === undefined) return { file, message: `${what}: ${label(g)} is not in the fold of ${JOURNAL} (entry ${i + 1} of ${got.length}, the journal folds to ${want.length})` };
    if (g === undefined) return { file, message: `${what}: ${label(w)} of the fold of ${JOURNAL} is missing (entry ${i + 1})` };
    const d = firstDiff(w, g);
    if (d !== undefined) {
      const who = canonicalJson((w as Rec).id ?? null) === canonicalJson((g as Rec).id ?? null) ? label(g) : `${label(g)} (the journal has ${label(w)} here)`;
      return { file, message: `${what}: ${who}: ${d.slice(1) || 'the entry'} is ${show(get(g, d))}, the journal says ${show(get(w, d))}` };
    }
  }
  return undefined;
}

function parseJson(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The report as the reporter writes it from these lines (before the late warnings and the manifest). */
export function expectedReport(lines: Line[], readWarnings: Warning[], integrity: Report['integrity']): { report: Report; lines: Line[] } {
  const report = fold(lines, readWarnings);
  const start = lines.find((l): l is RunStartLine => l.type === 'run_start');
  const end = lines.find((l): l is RunEndLine => l.type === 'run_end');
  const coverage = lines.filter((l): l is CoverageLine => l.type === 'coverage');
  const ev = withEvidence(report, start, integrity ? { integrity } : {});
  const out: Report = { ...ev.report, warnings: [...ev.report.warnings, ...ev.warnings].sort(compareWarnings) };
  return { report: out, lines: sortedLines(out, start, end, coverage) };
}

function normalReport(r: Rec): Rec {
  // changes: derived from git at fold time (coverage of a change), not from the journal; sealed with report.json.
  const { llm: _llm, manifest: _m, integrity: _i, changes: _c, ...rest } = r;
  return {
    ...rest,
    tests: Array.isArray(r.tests) ? r.tests.map(withoutAnnotation) : r.tests,
    warnings: Array.isArray(r.warnings) ? r.warnings.filter((w) => !LATE_WARNING.test(String((w as Rec)?.code))) : r.warnings,
  };
}

/** report.json against the fold of the journal; undefined when they agree. */
function checkReport(files: FileSet, lines: Line[], readWarnings: Warning[]): { mismatch?: Mismatch; expected?: Line[] } {
  const got = parseJson(files.get('report.json')!);
  if (!got || typeof got !== 'object') return { mismatch: { file: 'report.json', message: 'not valid JSON, so not the fold of the journal' } };
  const exp = expectedReport(lines, readWarnings, (got as Rec).integrity as Report['integrity']);
  const want = normalReport(JSON.parse(canonicalJson(exp.report)) as Rec);
  const have = normalReport(got as Rec);
  if (canonicalJson(want) === canonicalJson(have)) return { expected: exp.lines };
  // Say the most telling difference first: a test, then the summary and the run, then anything else.
  for (const key of ['tests', 'suites', 'files']) {
    const m = compareLists('report.json', key, (want[key] as unknown[]) ?? [], Array.isArray(have[key]) ? (have[key] as unknown[]) : []);
    if (m) return { mismatch: m };
  }
  const d = firstDiff(want, have)!;
  return { mismatch: { file: 'report.json', message: `${d.slice(1)} is ${show(get(have, d))}, the fold of ${JOURNAL} gives ${show(get(want, d))}` } };
}

/** results.ndjson against the journal's lines in canonical order. */
function checkResults(bytes: Buffer, expected: Line[]): Mismatch | undefined {
  const text = bytes.toString('utf8');
  const got: unknown[] = [];
  const raw = text.split('\n');
  if (raw.at(-1) === '') raw.pop();
  for (const [i, l] of raw.entries()) {
    const v = parseJson(Buffer.from(l));
    if (v === undefined) return { file: 'results.ndjson', message: `line ${i + 1} is not valid JSON` };
    got.push(v);
  }
  const norm = (list: unknown[]): unknown[] => list.filter((l) => !((l as Rec)?.type === 'warning' && LATE_WARNING.test(String((l as Rec).code)))).map(withoutAnnotation);
  const want = norm(JSON.parse(JSON.stringify(expected)) as unknown[]);
  return compareLists('results.ndjson', 'line by line', want, norm(got));
}

export interface FoldCheck {
  mismatches: Mismatch[];
  /** What held, for the verifier's "ok" lines. */
  passed?: string;
}

/** Checks report.json and results.ndjson (those present) against journal.ndjson. */
export function checkFold(files: FileSet): FoldCheck {
  const journal = files.get(JOURNAL);
  if (!journal || (!files.has('report.json') && !files.has('results.ndjson'))) return { mismatches: [] };
  const parsed = parseNdjson(journal.toString('utf8'), JOURNAL);
  const mismatches: Mismatch[] = [];
  const rep = files.has('report.json') ? checkReport(files, parsed.lines, parsed.warnings) : { expected: expectedReport(parsed.lines, parsed.warnings, undefined).lines };
  if (rep.mismatch) mismatches.push(rep.mismatch);
  const results = files.get('results.ndjson');
  const expectedLines = rep.expected ?? expectedReport(parsed.lines, parsed.warnings, undefined).lines;
  if (results) {
    const m = checkResults(results, expectedLines);
    if (m) mismatches.push(m);
  }
  if (mismatches.length) return { mismatches };
  const tests = expectedLines.filter((l) => l.type === 'test').length;
  const which = [files.has('report.json') ? 'report.json' : '', results ? 'results.ndjson' : ''].filter(Boolean).join(' and ');
  return { mismatches, passed: `${which} are the fold of ${JOURNAL} (${tests} tests; statuses, counts, ids; sha256 of the journal ${sha256Hex(journal).slice(0, 12)})` };
}
