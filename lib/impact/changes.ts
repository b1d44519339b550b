// Coverage of a change ("patch coverage"): for each file a diff touches, the changed lines that are
// executable per the run's coverage, the tests that executed each, and the ones nothing executed. Pure:
// the caller runs git (lib/cli/changes.ts) and hands over the parsed diff and the run's records.
// Lines are the NEW file's: the run was made on the changed version.
import type { FileChange } from './diff.js';
import { testsFor, type FileFacts } from './line-index.js';
import { ratio } from '../coverage/summary.js';
import type { ChangedFile, ChangesRecord, TestLine } from '../types.js';

/** A change touching more files than this is recorded for the first ones (by path) and says so. */
export const MAX_CHANGED_FILES = 2000;

export type ChangesMeta = Omit<ChangesRecord, 'totals' | 'files'>;

function changedFile(ch: FileChange, tests: readonly TestLine[], facts: Map<string, FileFacts>): ChangedFile {
  const file = ch.to ?? ch.file;
  const base = { file, ...(ch.kind === 'renamed' ? { from: ch.file } : {}), lines: [], uncovered: [], covered: 0 };
  if (ch.kind === 'deleted') return { ...base, state: 'deleted' };
  if (ch.binary || ch.kind === 'binary') return { ...base, state: 'binary' };
  const known = facts.has(file) || tests.some((t) => t.coverage?.some((c) => c.file === file));
  if (!known) return { ...base, state: 'not_in_coverage' };
  const state = ch.kind === 'added' || ch.kind === 'renamed' ? ch.kind : 'modified';
  const blank = new Set(ch.newBlank ?? []);
  const wanted = [...new Set(ch.newLines ?? [])].filter((n) => !blank.has(n)).sort((a, b) => a - b);
  if (!wanted.length) return { ...base, state };
  const answer = testsFor(tests, facts.get(file), file, wanted[0]!, wanted.at(-1)!);
  const byLine = new Map(answer.lines.map((l) => [l.line, l]));
  const out: ChangedFile = { ...base, state };
  for (const n of wanted) {
    const a = byLine.get(n)!;
    // Past the end of the file as the run measured it, or not code: not an executable line.
    if (a.state === 'beyond_end' || a.state === 'not_executable') continue;
    out.lines.push({ line: n, tests: a.tests });
    if (a.state === 'not_covered') out.uncovered.push(n);
    else out.covered++;
  }
  return out;
}

/** The `changes` record of report.json from a parsed diff and the run's tests and coverage facts. */
export function changeCoverage(diff: readonly FileChange[], tests: readonly TestLine[], facts: Map<string, FileFacts>, meta: ChangesMeta): ChangesRecord {
  const conditions = [...meta.conditions];
  let files = diff.map((ch) => changedFile(ch, tests, facts)).sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  if (files.length > MAX_CHANGED_FILES) {
    conditions.push({ code: 'files_capped', message: `the change touches ${files.length} files; the first ${MAX_CHANGED_FILES} by path are recorded` });
    files = files.slice(0, MAX_CHANGED_FILES);
  }
  const total = files.reduce((n, f) => n + f.lines.length, 0);
  const covered = files.reduce((n, f) => n + f.covered, 0);
  return { ...meta, conditions, totals: ratio(covered, total), files };
}
