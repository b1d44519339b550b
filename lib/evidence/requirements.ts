// Requirement traceability: the mapping file (requirement -> test id / name globs), the catalogue
// (every requirement the report must list) and the requirement -> tests -> status matrix. Pure: the
// caller reads the files.
import picomatch from 'picomatch';
import { fullName } from '../events/identity.js';
import { parseCsv, csvText, CsvError } from './csv.js';
import { InputError, formatOf, isMap, isNull, isSeq, parseYamlDoc, scalarString } from './source.js';
import type { CatalogueEntry, RequirementRow, RequirementStatus, TestLine, Warning } from '../types.js';
import { warning } from '../warnings.js';

/** The same rule as the requirements() API (lib/api/index.ts). */
export const REQUIREMENT_ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;

export interface TestIdentity {
  id: string;
  file: string;
  entry_file: string;
  path: string[];
  name: string;
}

export interface MappingRule {
  requirement: string;
  pattern: string;
  line: number;
  match: (t: TestIdentity) => boolean;
  hits: number;
}

export interface Mapping {
  file: string;
  rules: MappingRule[];
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A name glob: * is any run of characters (" > " included), ? one character; everything else literal. */
export function nameGlob(glob: string): (name: string) => boolean {
  const re = new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[\\s\\S]*').replace(/\?/g, '[\\s\\S]')}$`, 'u');
  return (name) => re.test(name);
}

/**
 * A test pattern: "id:<test id>" (or a bare 16-hex-digit id), "<file glob>::<name glob>", or a name glob
 * over the full name ("suite > test").
 */
export function testMatcher(pattern: string): (t: TestIdentity) => boolean {
  const p = pattern.trim();
  const id = /^id:(.+)$/.exec(p)?.[1] ?? (/^[0-9a-f]{16}$/.test(p) ? p : undefined);
  if (id !== undefined) return (t) => t.id === id;
  const sep = p.indexOf('::');
  if (sep >= 0) {
    const file = picomatch(p.slice(0, sep), { dot: true });
    const name = nameGlob(p.slice(sep + 2));
    return (t) => (file(t.entry_file) || file(t.file)) && name(fullName(t.path, t.name));
  }
  const name = nameGlob(p);
  return (t) => name(fullName(t.path, t.name));
}

function checkId(id: string, file: string, line: number): string {
  if (!REQUIREMENT_ID.test(id)) throw new InputError(`invalid requirement id ${JSON.stringify(id)} (letters, digits and . _ : / - only, starting with a letter or digit, at most 128)`, file, line);
  return id;
}

function rule(requirement: string, pattern: string, line: number, file: string): MappingRule {
  if (pattern.trim() === '') throw new InputError(`empty test pattern for ${requirement}`, file, line);
  return { requirement, pattern, line, match: testMatcher(pattern), hits: 0 };
}

function columns(header: string[], want: string[], file: string, line: number): number[] {
  const names = header.map((h) => h.trim().toLowerCase());
  return want.map((w) => {
    const i = names.indexOf(w);
    if (i < 0 && w !== 'title') throw new InputError(`the header row needs a "${w}" column (found: ${header.join(', ') || 'nothing'})`, file, line);
    return i;
  });
}

function csvRows(text: string, file: string): ReturnType<typeof parseCsv> {
  try {
    return parseCsv(text);
  } catch (err) {
    if (err instanceof CsvError) throw new InputError(err.message.replace(/^line \d+: /, ''), file, err.line);
    throw err;
  }
}

/**
 * Mapping file. YAML/JSON: a mapping of requirement id -> one pattern or a list of patterns.
 * CSV: a header row with "requirement" and "test" columns, one pattern per row.
 */
export function parseMapping(text: string, file: string): Mapping {
  const rules: MappingRule[] = [];
  if (formatOf(file, ['.yaml', '.yml', '.json', '.csv']) === 'csv') {
    const [head, ...rows] = csvRows(text, file);
    if (!head) throw new InputError('empty mapping file', file);
    const [ri, ti] = columns(head.cells, ['requirement', 'test'], file, head.line);
    for (const r of rows) {
      const id = checkId((r.cells[ri!] ?? '').trim(), file, r.line);
      rules.push(rule(id, r.cells[ti!] ?? '', r.line, file));
    }
    return { file, rules };
  }
  const { doc, lineOf } = parseYamlDoc(text, file);
  if (doc.contents === null) return { file, rules };
  if (!isMap(doc.contents)) throw new InputError('the mapping must be a mapping of requirement id -> test patterns', file, lineOf(doc.contents));
  for (const pair of doc.contents.items) {
    const line = lineOf(pair.key);
    const id = checkId(scalarString(pair.key) ?? '', file, line);
    const value = pair.value;
    const items = isSeq(value) ? value.items : [value];
    if (isSeq(value) && items.length === 0) throw new InputError(`${id} has no test patterns`, file, line);
    for (const item of items) {
      const pattern = scalarString(item);
      if (pattern === undefined) throw new InputError(`${id}: each test pattern must be a string`, file, lineOf(item) || line);
      rules.push(rule(id, pattern, lineOf(item) || line, file));
    }
  }
  return { file, rules };
}

/** Requirement ids the mapping gives this test (counting hits, for unmatchedRules). */
export function mappedRequirements(mapping: Mapping, t: TestIdentity): string[] {
  const out = new Set<string>();
  for (const r of mapping.rules) {
    if (r.match(t)) {
      r.hits++;
      out.add(r.requirement);
    }
  }
  return [...out];
}

export function mergeRequirements(a: readonly string[] | undefined, b: readonly string[]): string[] | undefined {
  const all = [...new Set([...(a ?? []), ...b])].sort(byText);
  return all.length ? all : undefined;
}

/** Mapping patterns that matched no test: probably a typo or a renamed test. */
export function unmatchedRules(mapping: Mapping): Warning[] {
  return mapping.rules
    .filter((r) => r.hits === 0)
    .map((r) => warning('LLMR_TRACE_UNMATCHED', `${mapping.file}:${r.line}: pattern ${JSON.stringify(r.pattern)} of ${r.requirement} matched no test`, { file: mapping.file, line: r.line }));
}

/**
 * Catalogue. YAML/JSON: a list of {id, title} or a mapping of id -> title. CSV: a header row with "id"
 * and optional "title" columns. Sorted by id; duplicates are an error.
 */
export function parseCatalogue(text: string, file: string): CatalogueEntry[] {
  const out: Array<CatalogueEntry & { line: number }> = [];
  if (formatOf(file, ['.yaml', '.yml', '.json', '.csv']) === 'csv') {
    const [head, ...rows] = csvRows(text, file);
    if (!head) throw new InputError('empty catalogue', file);
    const [ii, ti] = columns(head.cells, ['id', 'title'], file, head.line);
    for (const r of rows) {
      const e: CatalogueEntry & { line: number } = { id: checkId((r.cells[ii!] ?? '').trim(), file, r.line), line: r.line };
      const title = ti! >= 0 ? (r.cells[ti!] ?? '').trim() : '';
      if (title) e.title = title;
      out.push(e);
    }
  } else {
    const { doc, lineOf } = parseYamlDoc(text, file);
    const root = doc.contents;
    if (isMap(root)) {
      for (const pair of root.items) {
        const line = lineOf(pair.key);
        const e: CatalogueEntry & { line: number } = { id: checkId(scalarString(pair.key) ?? '', file, line), line };
        const v = isMap(pair.value) ? pair.value.get('title', true) : pair.value;
        const title = isNull(v) ? undefined : scalarString(v);
        if (!isNull(v) && title === undefined) throw new InputError(`${e.id}: the title must be a string`, file, line);
        if (title) e.title = title;
        out.push(e);
      }
    } else if (isSeq(root)) {
      for (const item of root.items) {
        const line = lineOf(item);
        if (!isMap(item)) throw new InputError('each catalogue entry must be a mapping with id and title', file, line);
        const id = scalarString(item.get('id', true));
        if (id === undefined) throw new InputError('a catalogue entry has no id', file, line);
        const e: CatalogueEntry & { line: number } = { id: checkId(id, file, line), line };
        const title = item.get('title', true);
        if (!isNull(title)) {
          const t = scalarString(title);
          if (t === undefined) throw new InputError(`${id}: the title must be a string`, file, line);
          if (t) e.title = t;
        }
        out.push(e);
      }
    } else if (root !== null) throw new InputError('the catalogue must be a list of {id, title} or a mapping of id -> title', file, lineOf(root));
  }
  const seen = new Map<string, number>();
  for (const e of out) {
    const first = seen.get(e.id);
    if (first !== undefined) throw new InputError(`requirement ${e.id} is listed twice (first at line ${first})`, file, e.line);
    seen.set(e.id, e.line);
  }
  return out.sort((a, b) => byText(a.id, b.id)).map(({ line: _line, ...e }) => e);
}

function status(statuses: readonly string[]): RequirementStatus {
  if (statuses.some((s) => s === 'failed' || s === 'cancelled')) return 'failed';
  if (statuses.includes('incomplete')) return 'incomplete';
  if (statuses.includes('passed')) return 'passed';
  return 'untested';
}

/**
 * requirement -> tests -> status. Rows: every id a test carries plus every catalogue entry, sorted. A
 * test re-run with --test-rerun-failures counts with its last attempt.
 */
export function requirementMatrix(tests: readonly TestLine[], catalogue: readonly CatalogueEntry[] | undefined): RequirementRow[] {
  const last = new Map<string, TestLine>();
  for (const t of tests) {
    const prev = last.get(t.id);
    if (!prev || t.attempt >= prev.attempt) last.set(t.id, t);
  }
  const byReq = new Map<string, string[]>();
  for (const t of tests) {
    for (const r of t.requirements ?? []) {
      const list = byReq.get(r) ?? [];
      if (!list.includes(t.id)) list.push(t.id);
      byReq.set(r, list);
    }
  }
  const titles = new Map((catalogue ?? []).map((c) => [c.id, c.title]));
  const ids = [...new Set([...byReq.keys(), ...titles.keys()])].sort(byText);
  return ids.map((id) => {
    const ids = byReq.get(id) ?? [];
    const row: RequirementRow = { id, tests: ids, status: status(ids.map((x) => last.get(x)!.status)) };
    const title = titles.get(id);
    if (title) row.title = title;
    if (catalogue) row.in_catalogue = titles.has(id);
    return row;
  });
}

/**
 * How many of a requirement's linked tests passed, where `status` is the worst outcome: a requirement
 * with one passing and one failing test is `failed` AND has a passing test. A linked test that was
 * skipped, todo, or is not in the report did not pass.
 */
export type RequirementCoverage = 'all_passed' | 'partly_passed' | 'none_passed' | 'no_tests';

/** The words every view uses (report.html, the Markdown summary, requirements.csv). */
export const COVERAGE_LABEL: Readonly<Record<RequirementCoverage, string>> = {
  all_passed: 'fully passing',
  partly_passed: 'not fully passing',
  none_passed: 'no passing test',
  no_tests: 'no tests',
};

/** From the (last-attempt) statuses of the linked tests; undefined: a test id not in the report. */
export function requirementCoverage(statuses: ReadonlyArray<string | undefined>): RequirementCoverage {
  if (statuses.length === 0) return 'no_tests';
  const passed = statuses.filter((s) => s === 'passed').length;
  return passed === statuses.length ? 'all_passed' : passed === 0 ? 'none_passed' : 'partly_passed';
}

export const MATRIX_CSV_HEADER = ['requirement', 'title', 'requirement_status', 'test_id', 'test_name', 'test_file', 'test_line', 'test_status', 'requirement_coverage', 'in_catalogue'];

/**
 * The matrix as CSV: one row per (requirement, test); a requirement without tests gets one row. The
 * last columns: the requirement's coverage label and whether the catalogue lists it (empty: no catalogue).
 */
export function matrixCsv(rows: readonly RequirementRow[], tests: readonly TestLine[]): string {
  const byId = new Map<string, TestLine>();
  for (const t of tests) {
    const prev = byId.get(t.id);
    if (!prev || t.attempt >= prev.attempt) byId.set(t.id, t);
  }
  const out: string[][] = [MATRIX_CSV_HEADER];
  for (const r of rows) {
    const coverage = COVERAGE_LABEL[requirementCoverage(r.tests.map((id) => byId.get(id)?.status))];
    const listed = r.in_catalogue === undefined ? '' : String(r.in_catalogue);
    if (r.tests.length === 0) out.push([r.id, r.title ?? '', r.status, '', '', '', '', '', coverage, listed]);
    for (const id of r.tests) {
      const t = byId.get(id);
      out.push([r.id, r.title ?? '', r.status, id, t ? fullName(t.path, t.name) : '', t?.file ?? '', t ? String(t.line) : '', t?.status ?? '', coverage, listed]);
    }
  }
  return csvText(out);
}
