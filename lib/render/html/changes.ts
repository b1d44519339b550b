// The "Changes" view: coverage of a change (report.json `changes`), per changed file its changed
// executable lines, the tests that ran each (links to the tests on the page), uncovered lines marked.
// Server-rendered (templates/changes.mustache), escaped by mustache like every other piece of text.
import type { ChangesRecord } from '../../types.js';
import { toRanges } from '../../coverage/ranges.js';
import { count, fullName, percent, ranges } from './format.js';
import type { RenderReport } from './types.js';

/** Per page, at most this many lines per file and tests per line are listed; the rest are counted. */
export const MAX_VIEW_LINES = 400;
export const MAX_VIEW_TESTS = 10;

const STATE: Record<ChangesRecord['files'][number]['state'], string> = {
  added: 'added',
  modified: 'modified',
  renamed: 'renamed',
  deleted: 'deleted',
  binary: 'binary',
  not_in_coverage: 'not measured',
};

/** Line numbers as "3-5, 9". */
export const lineRanges = (lines: readonly number[]): string => ranges(toRanges(lines));

export function changesView(report: RenderReport, print: boolean): Record<string, unknown> | undefined {
  const c = report.changes;
  if (!c || typeof c !== 'object' || !Array.isArray(c.files)) return undefined;
  const names = new Map(report.tests.map((t) => [t.id, fullName(t.path, t.name)]));
  return {
    base: c.base,
    percent: c.totals.total ? percent(c.totals.percent) : 'n/a',
    covered: count(c.totals.covered),
    total: count(c.totals.total),
    mergeBase: c.merge_base?.slice(0, 12),
    head: c.head_sha?.slice(0, 12),
    uncommitted: c.uncommitted,
    conditions: c.conditions,
    fileCount: count(c.files.length),
    files: c.files.map((f) => {
      const uncovered = new Set(f.uncovered);
      return {
        file: f.file,
        from: f.from,
        state: STATE[f.state] ?? f.state,
        open: print || f.uncovered.length > 0,
        tally: f.lines.length ? `${count(f.covered)} of ${count(f.lines.length)} changed lines ran` : 'no changed executable lines',
        uncovered: f.uncovered.length ? lineRanges(f.uncovered) : undefined,
        lines: f.lines.slice(0, MAX_VIEW_LINES).map((l) => ({
          line: l.line,
          uncovered: uncovered.has(l.line),
          outside: !uncovered.has(l.line) && l.tests.length === 0,
          tests: l.tests.slice(0, MAX_VIEW_TESTS).map((id) => ({ href: `#test-${encodeURIComponent(id)}`, name: names.get(id) ?? id })),
          more: l.tests.length > MAX_VIEW_TESTS ? count(l.tests.length - MAX_VIEW_TESTS) : undefined,
        })),
        hiddenLines: f.lines.length > MAX_VIEW_LINES ? count(f.lines.length - MAX_VIEW_LINES) : undefined,
      };
    }),
  };
}
