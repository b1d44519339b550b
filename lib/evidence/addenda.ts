// Addenda: what is added to a sealed run later (LLM annotations) without rewriting a sealed byte.
// Each addendum is a small evidence set of its own under addenda/NNN/ (annotations.json, the page
// re-rendered with it, VERIFY.md, manifest.json, SHA256SUMS, and the signature when one is
// configured); annotations.json names the sha256 of the report.json it annotates. Pure.
import { validateAddendum } from '../generated/validate-addendum.js';
import { parseValidated } from './parse.js';
import { TOOL_NAME, TOOL_VERSION } from '../generated/version.js';
import { compareWarnings } from '../report/fold.js';
import { canonicalJson } from '../report/canonical.js';
import { comparePaths, type FileSet } from './files.js';
import type { Annotation, AnnotationError, LlmTotals, Report, TestLine, Warning } from '../types.js';

export const ADDENDA_DIR = 'addenda';
export const ADDENDUM_DATA = 'annotations.json';
export const ADDENDUM_PAGE = 'report.html';
export const ADDENDUM_SCHEMA_VERSION = '1.0.0';

export interface AddendumTest {
  id: string;
  attempt: number;
  name: string;
  annotation?: Annotation;
  annotation_error?: AnnotationError;
}

/** addenda/NNN/annotations.json (schemas/addendum.schema.json). */
export interface AddendumDoc {
  schema_version: string;
  kind: 'annotations';
  sequence: number;
  tool: { name: string; version: string };
  report_sha256: string;
  tests: AddendumTest[];
  llm?: LlmTotals;
  warnings: Warning[];
}

/** "addenda/007" for sequence 7. */
export function addendumDir(sequence: number): string {
  return `${ADDENDA_DIR}/${String(sequence).padStart(3, '0')}`;
}

/** addenda/NNN/ directories present in a set, by sequence (a name that is not NNN is returned too, to be reported). */
export function addendumDirs(files: FileSet): string[] {
  const dirs = new Set<string>();
  for (const p of files.keys()) {
    const m = /^addenda\/([^/]+)\//.exec(p);
    if (m) dirs.add(`${ADDENDA_DIR}/${m[1]}`);
  }
  return [...dirs].sort(comparePaths);
}

/** The files of one addendum, paths relative to its directory. */
export function addendumFiles(files: FileSet, dir: string): FileSet {
  const out: FileSet = new Map();
  for (const [p, b] of files) if (p.startsWith(`${dir}/`)) out.set(p.slice(dir.length + 1), b);
  return out;
}

export function isAddendumPath(p: string): boolean {
  return p.startsWith(`${ADDENDA_DIR}/`);
}

export function buildAddendum(reportSha256: string, sequence: number, tests: TestLine[], llm: LlmTotals | undefined, warnings: Warning[]): AddendumDoc {
  const doc: AddendumDoc = {
    schema_version: ADDENDUM_SCHEMA_VERSION,
    kind: 'annotations',
    sequence,
    tool: { name: TOOL_NAME, version: TOOL_VERSION },
    report_sha256: reportSha256,
    tests: tests
      .filter((t) => t.annotation || t.annotation_error)
      .map((t) => ({ id: t.id, attempt: t.attempt, name: t.name, ...(t.annotation ? { annotation: t.annotation } : { annotation_error: t.annotation_error! }) })),
    warnings: [...warnings].sort(compareWarnings),
  };
  if (llm) doc.llm = llm;
  return doc;
}

export function addendumText(doc: AddendumDoc): string {
  return JSON.stringify(JSON.parse(canonicalJson(doc)), null, 2) + '\n';
}

export function parseAddendum(bytes: Buffer | undefined): { doc?: AddendumDoc; error?: string } {
  return parseValidated<AddendumDoc>(bytes, validateAddendum, 'addendum.schema.json');
}

const key = (id: string, attempt: number): string => `${id}\u0000${attempt}`;

/** The report with the addenda's annotations, LLM totals and warnings applied, later addenda last. */
export function applyAddenda(report: Report, addenda: readonly AddendumDoc[]): Report {
  if (!addenda.length) return report;
  const byTest = new Map<string, AddendumTest>();
  let llm = report.llm;
  let warnings = report.warnings;
  for (const a of [...addenda].sort((x, y) => x.sequence - y.sequence)) {
    for (const t of a.tests) byTest.set(key(t.id, t.attempt), t);
    if (a.llm) llm = a.llm;
    // The newest annotate's LLM warnings replace the earlier ones, as a re-annotate of report.json does.
    warnings = [...warnings.filter((w) => !w.code.startsWith('LLMR_LLM_')), ...a.warnings].sort(compareWarnings);
  }
  const out: Report = {
    ...report,
    tests: report.tests.map((t) => {
      const a = byTest.get(key(t.id, t.attempt));
      if (!a) return t;
      const { annotation: _a, annotation_error: _e, ...rest } = t;
      return { ...rest, ...(a.annotation ? { annotation: a.annotation } : {}), ...(a.annotation_error ? { annotation_error: a.annotation_error } : {}) };
    }),
    warnings,
  };
  if (llm) out.llm = llm;
  return out;
}

/** How a page labels an addendum it shows: added later, advisory, how it is sealed, which report. */
export function addendumLabel(doc: AddendumDoc, seal: string): string {
  return `${addendumDir(doc.sequence)}: LLM annotations of ${doc.tests.length} test(s) added after the run was sealed (advisory; ${seal}), for report.json sha256 ${doc.report_sha256}`;
}
