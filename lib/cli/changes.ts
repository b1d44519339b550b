// Coverage of a change, the IO edge: runs git (argv arrays, no shell, a timeout, the user's diff
// settings overridden) and hands the parsed diff to lib/impact/changes.ts. Every git problem becomes a
// named condition in the record, never a throw. Used by fold, aggregate, render and the reporter.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import type { ChangesBase } from '../config/ci-env.js';
import { BLANK_OR_COMMENT, parseDiff, type FileChange } from '../impact/diff.js';
import { fileFacts } from '../impact/line-index.js';
import { changeCoverage, type ChangesMeta } from '../impact/changes.js';
import type { ChangesRecord, CoverageLine, GitInfo, TestLine } from '../types.js';
import { runGit, type GitResult } from '../git.js';

export type ChangesRequest = ChangesBase;

/** What the run knows: its tests, whole-run coverage lines (empty: report.json only), its commit. */
export interface RunFacts {
  tests: readonly TestLine[];
  coverage: readonly CoverageLine[];
  summary?: Array<{ file: string; lines: { total: number } }>;
  git?: GitInfo;
  /** The run's output directory, relative to cwd: its files are not part of the change. */
  outDir?: string;
}

const GIT_TIMEOUT_MS = 30_000;
/** An untracked file larger than this is counted as binary rather than read. */
const MAX_UNTRACKED_BYTES = 4 * 1024 * 1024;
const FETCH_HINT = 'fetch more history: `git fetch --deepen=100` (or `git fetch origin <base-branch>`), or in GitHub Actions check out with `fetch-depth: 0`';

/** Names always quoted (parseDiff decodes them), whatever the user's core.quotePath; messages keep git's first line. */
function git(cwd: string, args: string[]): GitResult {
  const r = runGit(cwd, ['-c', 'core.quotePath=true', ...args], GIT_TIMEOUT_MS);
  return { ...r, err: r.err.split('\n')[0] ?? '' };
}

/** A ref we hand to git: never an option (`--output=x`), no control characters or whitespace. */
export function refProblem(ref: string): string | undefined {
  if (!ref) return 'the base is empty';
  // eslint-disable-next-line no-control-regex -- control characters are what this refuses
  if (ref.startsWith('-') || /[\s\x00-\x1f\x7f]/.test(ref) || ref.length > 256) return `refused base ${JSON.stringify(ref.slice(0, 80))}: a git ref must not start with "-" or hold spaces or control characters`;
  return undefined;
}

/** A new file's lines, from the working tree (untracked files are not in `git diff`). */
function untracked(cwd: string, file: string): FileChange {
  const ch: FileChange = { file, kind: 'added', lines: [], insertedAfter: [], newLines: [], newBlank: [] };
  try {
    if (statSync(path.join(cwd, file)).size > MAX_UNTRACKED_BYTES) return { ...ch, binary: true };
    const text = readFileSync(path.join(cwd, file), 'utf8');
    if (text.includes('\0')) return { ...ch, binary: true };
    text.replace(/\n$/, '').split('\n').forEach((l, i) => {
      ch.newLines!.push(i + 1);
      if (BLANK_OR_COMMENT.test(l)) ch.newBlank!.push(i + 1);
    });
  } catch {
    // gone since git listed it: an added file with no lines
  }
  return ch;
}

/** The diff from the merge base of `base` and the run's commit to that commit (or to the working tree, when it is dirty). */
export function gitDiffForRun(cwd: string, req: ChangesRequest, run: RunFacts): { diff: FileChange[]; meta: ChangesMeta } {
  const meta: ChangesMeta = { base: req.base, base_from: req.from, uncommitted: false, conditions: [] };
  const stop = (code: ChangesMeta['conditions'][number]['code'], message: string): { diff: FileChange[]; meta: ChangesMeta } => {
    meta.conditions.push({ code, message });
    return { diff: [], meta };
  };
  const bad = refProblem(req.base);
  if (bad) return stop('bad_ref', bad);
  const top = git(cwd, ['rev-parse', '--show-toplevel']);
  if (!top.ok) return stop('not_git', `not a git checkout (or git is not installed): ${top.err}`);
  const base = git(cwd, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${req.base}^{commit}`]);
  if (!base.ok) {
    const shallow = git(cwd, ['rev-parse', '--is-shallow-repository']).out.trim() === 'true';
    return stop('base_not_found', `base ${req.base} is not a commit in this clone${shallow ? ' (a shallow clone)' : ''}: ${FETCH_HINT}`);
  }
  meta.base_sha = base.out.trim();
  let head = run.git?.sha;
  if (head && !git(cwd, ['cat-file', '-e', `${head}^{commit}`]).ok) {
    meta.conditions.push({ code: 'run_commit_not_found', message: `the run's commit ${head} is not in this clone: compared with HEAD instead; line numbers may not match the coverage` });
    head = undefined;
  }
  const headSha = head ?? git(cwd, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']).out.trim();
  if (!headSha) return stop('git_failed', 'the checkout has no commit (HEAD) to compare with');
  meta.head_sha = headSha;
  // A run made on a dirty tree was measured on the working tree: compare with that (uncommitted changes included).
  const dirtyNow = git(cwd, ['status', '--porcelain', '--untracked-files=no', '--', '.']).out.trim() !== '';
  meta.uncommitted = run.git ? run.git.dirty || !head : dirtyNow;
  const mb = git(cwd, ['merge-base', meta.base_sha, headSha]);
  if (!mb.ok) return stop('no_merge_base', `${req.base} and ${headSha.slice(0, 12)} have no common commit in this clone (a shallow clone?): ${FETCH_HINT}`);
  meta.merge_base = mb.out.trim();
  const args = ['diff', '--unified=0', '--no-color', '--no-ext-diff', '--no-textconv', '-M', '--relative', '--src-prefix=a/', '--dst-prefix=b/', meta.merge_base];
  const out = run.outDir ? path.posix.normalize(run.outDir) : undefined;
  const ours = (f: string): boolean => f.startsWith('node_modules/') || f.includes('/node_modules/') || (out !== undefined && out !== '.' && !out.startsWith('..') && (f === out || f.startsWith(out + '/')));
  const diff = git(cwd, meta.uncommitted ? args : [...args, headSha]);
  if (!diff.ok) return stop('git_failed', `git diff failed: ${diff.err}`);
  const changes = parseDiff(diff.out).filter((c) => !ours(c.to ?? c.file));
  if (meta.uncommitted) {
    meta.conditions.push({ code: 'dirty_tree', message: `the ${run.git?.dirty ? "run's " : ''}working tree had uncommitted changes: the change is measured from the merge base to the working tree, uncommitted and untracked files included` });
    for (const f of git(cwd, ['ls-files', '--others', '--exclude-standard', '-z']).out.split('\0').filter(Boolean)) if (!ours(f)) changes.push(untracked(cwd, f));
  }
  return { diff: changes, meta };
}

/** The `changes` record for a run, git problems named in it. */
export function changesForRun(cwd: string, req: ChangesRequest, run: RunFacts): ChangesRecord {
  const { diff, meta } = gitDiffForRun(cwd, req, run);
  if (!run.tests.some((t) => t.coverage?.length) && !run.coverage.length) meta.conditions.push({ code: 'no_coverage', message: 'the run has no coverage (coverage.mode off?): no changed line can be called covered or not' });
  else if (!run.coverage.length) meta.conditions.push({ code: 'per_test_only', message: "only per-test lines are known (no results.ndjson with the run's whole coverage): lines run at module load count as uncovered" });
  return changeCoverage(diff, run.tests, fileFacts([...run.coverage], run.summary), meta);
}

/** One line per condition (coded), and the patch coverage, for a command's stderr. */
export function describeChanges(c: ChangesRecord, prefix: string): string {
  let out = '';
  for (const k of c.conditions) out += `${prefix}: LLMR_CHANGES_INCOMPLETE: ${k.code}: ${k.message}\n`;
  const uncovered = c.files.reduce((n, f) => n + f.uncovered.length, 0);
  if (c.merge_base) out += `${prefix}: changes since ${c.base}: ${c.totals.covered} of ${c.totals.total} changed executable lines ran (${c.totals.percent}%), ${uncovered} uncovered, in ${c.files.length} changed file${c.files.length === 1 ? '' : 's'}\n`;
  return out;
}
