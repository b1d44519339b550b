// The data behind the interactive list. It goes into a <script type="application/json"> block, escaped
// so no text in it can end that block. Compact because it is most of the page at 50,000 tests: each
// test is a positional array, entry files and suite paths are interned (indexes into `files`/`paths`),
// and only detail fields that are present go into its last element.
import { diffOf } from './view.js';
import type { RenderReport } from './types.js';
import type { FileLines } from '../../types.js';
import { STATUSES, type ClientData, type ClientFile, type ClientSources, type CompactLines, type ClientRun, type ClientSuite, type ClientTest } from './client.js';

export { STATUSES, type ClientTest } from './client.js';

const DETAIL_FIELDS = ['skip_reason', 'todo_reason', 'diagnostics', 'recovered', 'requirements', 'annotation', 'annotation_error', 'coverage_shared', 'file_level', 'flaky', 'output'] as const;

/** A table of distinct values, and the index of a key's value in it (made and added on first use). */
function interner<T>(): [T[], (key: string, make: () => T) => number] {
  const index = new Map<string, number>();
  const table: T[] = [];
  const of = (key: string, make: () => T): number => {
    let i = index.get(key);
    if (i === undefined) {
      index.set(key, (i = table.length));
      table.push(make());
    }
    return i;
  };
  return [table, of];
}

export function clientData(report: RenderReport): ClientData {
  const [files, fileIndex] = interner<ClientFile>();
  const fileOf = (name: string): number => fileIndex(name, () => ({ f: name }));
  for (const f of report.files) {
    const entry = files[fileOf(f.file)]!;
    entry.s = f.status;
    if (f.output) entry.o = f.output;
  }
  const [paths, pathIndex] = interner<string[]>();
  const pathOf = (p: string[]): number => pathIndex(p.join('\u0000'), () => p);
  // Aggregates: source runs, interned; records and history entries name them by index.
  const [runs, runIndex] = interner<ClientRun>();
  const runOf = (id: string): number => runIndex(id, () => ({ i: id }));
  for (const src of report.aggregate?.sources ?? []) {
    const r = runs[runOf(src.run_id)]!;
    r.p = src.path;
    if (src.shard) r.s = src.shard;
  }
  // Per-test line sets are most of the data at scale: file names interned, ranges flattened.
  const [sf, sfIndex] = interner<string>();
  const compact = (cov: FileLines[]): CompactLines[] => cov.map((c) => [sfIndex(c.file, () => c.file), ...c.lines.flat()]);
  const tests = report.tests.map((t): ClientTest => {
    const status = STATUSES.indexOf(t.status);
    const row: ClientTest = [t.id, t.name, pathOf(t.path), fileOf(t.entry_file), t.line, status < 0 ? STATUSES.indexOf('incomplete') : status, Math.round((t.duration_ms ?? 0) * 100) / 100];
    const x: Record<string, unknown> = {}; // a ClientDetail, filled by field name
    if (t.file !== t.entry_file) x.file = t.file;
    if (t.column) x.column = t.column;
    if (t.attempt) x.attempt = t.attempt;
    if (t.failure) {
      const diff = diffOf(t.failure);
      x.failure = diff ? { ...t.failure, expected: undefined, actual: undefined, diff } : t.failure;
    }
    if (t.run_id) x.run = runOf(t.run_id);
    // [status, attempt, run index], oldest first.
    if (t.history?.length) x.history = t.history.map((e) => [e.status, e.attempt, runOf(e.run_id)]);
    for (const k of DETAIL_FIELDS) {
      const v = (t as unknown as Record<string, unknown>)[k];
      if (v !== undefined && v !== null && v !== false) x[k] = v;
    }
    if (t.coverage?.length) x.cov = compact(t.coverage);
    if (t.coverage_inclusive?.length) x.covi = compact(t.coverage_inclusive);
    if (Object.keys(x).length) row.push(x);
    return row;
  });
  const suites = report.suites.map((s): ClientSuite => [s.name, pathOf(s.path), fileOf(s.entry_file), s.status, s.failure ? 1 : 0]);
  return { files, paths, tests, suites, runs, sf, src: Object.keys(sourcesOf(report)).sort() };
}

function sourcesOf(report: RenderReport): Record<string, string> {
  return report.sources && typeof report.sources === 'object' ? report.sources : {};
}

/** The sources block: each embedded file's text and whole-run line coverage. */
export function clientSources(report: RenderReport): ClientSources {
  const t = sourcesOf(report);
  const out: ClientSources = { t };
  if (report.source_lines) {
    const l: NonNullable<ClientSources['l']> = {};
    for (const f of Object.keys(t)) if (report.source_lines[f]) l[f] = report.source_lines[f];
    if (Object.keys(l).length) out.l = l;
  }
  return out;
}

/** JSON safe inside <script type="application/json">: no `<` (so no `</script>` or `<!--`), no U+2028/9. */
export function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}
