// `llm-report affected`: the test files to run for the change between a saved run's commit and the
// working tree. IO only (the run, git, the working tree); the selection is lib/impact/select.ts.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import picomatch from 'picomatch';
import { parseDiff, type FileChange } from '../impact/diff.js';
import { importGraph } from '../impact/imports.js';
import { fileFacts } from '../impact/line-index.js';
import { selectAffected, type Selection } from '../impact/select.js';
import { toolChildEnv } from '../config/internal-env.js';
import type { Report } from '../types.js';
import { readRunData, type RunData } from './run-data.js';
import { runGit as git } from '../git.js';
import { commandArgs } from './args.js';
import type { CommandIO } from './io.js';

export const AFFECTED_HELP = `Usage: llm-report affected [--from RUN] [--base REF] [--format lines|json|args]

Prints the test files a change can affect: the change from the commit a saved run was made at
(or --base REF) to the working tree (staged, unstaged and untracked files), mapped through that
run's per-test coverage. Run them with:

  node --test $(llm-report affected --format args)

Safe before small: a changed test file selects itself; a changed line selects every test that
executed it; module top level, lines no test executed, deleted, renamed and new files select the
test files that load them (static imports); a file that no longer parses selects every file that
loads it; test files that start child processes, workers or vm code
are selected for every change; package.json, lockfiles, tsconfig, .env, our configuration, data files the run did not
measure, an unknown commit or another Node version select every test file. Each reason is printed
on stderr (in --format json, in "reasons").

Options:
  --from RUN     the run directory (report.json and results.ndjson; default: llm-report)
  --base REF     compare with this commit instead of the run's
  --format F     lines (default: one test file a line), args (one line, space-separated), json
  --help         show this help

"nothing to run" is printed only when the change touches no file any test can reach (or there is
no change). Exit status: 0 (a selection, possibly empty, was printed); 2 usage errors or an
unreadable run.`;

const TEST_PATTERNS = ['**/*.test.{cjs,mjs,js,cts,mts,ts}', '**/*-test.{cjs,mjs,js,cts,mts,ts}', '**/*_test.{cjs,mjs,js,cts,mts,ts}', '**/test-*.{cjs,mjs,js,cts,mts,ts}', '**/test.{cjs,mjs,js,cts,mts,ts}', '**/test/**/*.{cjs,mjs,js,cts,mts,ts}'];

/** Why nothing from the diff can be trusted, if so: no commit recorded or known here, another Node. */
function distrust(cwd: string, report: Report | undefined, base: string | undefined): string | undefined {
  if (!base) return 'the run recorded no git commit (not a git checkout then?): every test file';
  if (!git(cwd, ['cat-file', '-e', `${base}^{commit}`]).ok) return `commit ${base} is not in this clone (a shallow clone? fetch it, or pass --base): every test file`;
  const then = report?.run.node_version;
  if (then && then !== process.version) return `the run was made on Node ${then}, this is ${process.version}: every test file`;
  return undefined;
}

export function affectedCommand(args: string[], io: CommandIO): number {
  const parsed = commandArgs(args, io, {
    command: 'affected',
    help: AFFECTED_HELP,
    maxPositionals: 0,
    options: { from: { type: 'string', needs: 'a run directory' }, base: { type: 'string', needs: 'a git ref' }, format: { type: 'string', needs: 'lines, json or args' } },
  });
  if (typeof parsed === 'number') return parsed;
  const format = parsed.values.format ?? 'lines';
  if (!['lines', 'json', 'args'].includes(format)) {
    io.stderr(`llm-report affected: --format takes lines, json or args (got ${format})\n`);
    return 2;
  }
  const from = parsed.values.from ?? 'llm-report';
  let run: RunData;
  try {
    run = readRunData(path.resolve(io.cwd, from));
  } catch (err) {
    io.stderr(`llm-report affected: cannot read ${from}: ${(err as Error).message}\n`);
    return 2;
  }
  const cwd = io.cwd;
  const recorded = run.report?.run.git ?? run.report?.provenance?.git;
  const base = parsed.values.base ?? recorded?.sha;
  const prefix = git(cwd, ['rev-parse', '--show-prefix']);
  let everything = prefix.ok ? distrust(cwd, run.report, base) : `git is not available here (${prefix.err.split('\n')[0]}): every test file`;
  const changes: FileChange[] = [];
  // The run's own output and installed dependencies are not the project's code (a lockfile change is).
  const runDir = path.relative(cwd, path.resolve(cwd, from)).split(path.sep).join('/');
  // Where the run sent its streams (--test-reporter-destination): written by the run, not read by tests.
  const destinations = (run.report?.run.argv ?? []).flatMap((a) => /^--test-reporter-destination=(.+)$/.exec(a)?.[1] ?? []).map((d) => path.posix.normalize(d));
  const ours = (p: string): boolean => destinations.includes(p) || p.startsWith('node_modules/') || p.includes('/node_modules/') || (runDir !== '' && !runDir.startsWith('..') && (p === runDir || p.startsWith(runDir + '/')));
  const inProject = (p: string): string | undefined => {
    const rel = p.startsWith(prefix.out.trim()) ? p.slice(prefix.out.trim().length) : undefined;
    return rel === undefined || ours(rel) ? undefined : rel;
  };
  if (!everything) {
    const diff = git(cwd, ['diff', '--unified=0', '--no-color', '--no-ext-diff', '-M', base!, '--', '.']);
    if (!diff.ok) everything = `git diff ${base} failed (${diff.err.split('\n')[0]}): every test file`;
    for (const c of parseDiff(diff.out)) {
      const file = inProject(c.file);
      if (file !== undefined) changes.push({ ...c, file, ...(c.to ? { to: inProject(c.to) ?? c.to } : {}) });
    }
    for (const f of git(cwd, ['ls-files', '--others', '--exclude-standard', '--full-name', '--', '.']).out.split('\n').filter(Boolean)) {
      const file = inProject(f);
      if (file !== undefined) changes.push({ file, kind: 'added', lines: [], insertedAfter: [] });
    }
    // A dirty run was measured on files that differ from its commit: treat those as wholly changed.
    if (!parsed.values.base && recorded?.dirty) {
      if (recorded.dirty_files_truncated || !recorded.dirty_files) everything = 'the run was made on a dirty tree whose changed files were not all recorded: every test file';
      else
        for (const f of recorded.dirty_files) {
          // Only the numbering of measured files is off; any other file that still differs is in the diff.
          const total = run.coverage.find((c) => c.file === f)?.lines.total ?? 0;
          if (total === 0 || changes.some((c) => c.file === f && c.kind !== 'modified')) continue;
          changes.push({ file: f, kind: 'modified', lines: Array.from({ length: total }, (_, i) => i + 1), insertedAfter: [0] });
        }
    }
  }
  const runFiles = [...new Set(run.tests.map((t) => t.entry_file))];
  const read = (f: string): string | undefined => {
    try {
      return readFileSync(path.join(cwd, f), 'utf8');
    } catch {
      return undefined;
    }
  };
  const exists = (f: string): boolean => existsSync(path.join(cwd, f)) && statSync(path.join(cwd, f)).isFile();
  // A compiled test file (tsc's dist/test/x.test.js) stands for its source: the graph and the diff are the source's.
  const sources = new Map<string, string>();
  for (const e of runFiles) {
    try {
      const map = JSON.parse(read(e + '.map') ?? 'null') as { sources?: string[]; sourceRoot?: string } | null;
      const src = map?.sources?.length === 1 ? path.posix.normalize(path.posix.join(path.posix.dirname(e), map.sourceRoot ?? '', map.sources[0]!)) : undefined;
      if (src && exists(src)) sources.set(e, src);
    } catch {
      // No readable map: the file is its own source.
    }
  }
  // New test files (node's patterns) in a directory that holds the run's: fixtures elsewhere are not tests to run.
  const isTest = picomatch(TEST_PATTERNS, { dot: false });
  const dirs = new Set([...runFiles, ...sources.values()].map((f) => path.posix.dirname(f)));
  const testFiles = changes.filter((c) => c.kind === 'added' && isTest(c.file) && dirs.has(path.posix.dirname(c.file))).map((c) => c.file);
  const graph = importGraph([...runFiles.map((e) => sources.get(e) ?? e), ...testFiles], read, exists);
  // A change that breaks parsing fails every file that loads the module, whatever lines ran.
  let ts: { transpileModule(t: string, o: object): { diagnostics?: unknown[] } } | undefined | null;
  const unparsable = new Set<string>();
  for (const c of changes) {
    const f = c.to ?? c.file;
    if (c.kind === 'deleted' || !exists(f)) continue;
    if (/\.[cm]?js$/.test(f)) {
      if (spawnSync(process.execPath, ['--check', f], { cwd, encoding: 'utf8', env: toolChildEnv() }).status !== 0) unparsable.add(f);
    } else if (/\.[cm]?tsx?$/.test(f)) {
      // The project's own TypeScript, when it has one: syntax errors only.
      if (ts === undefined) {
        try {
          ts = createRequire(path.join(cwd, 'package.json'))('typescript') as typeof ts;
        } catch {
          ts = null;
        }
      }
      if (ts?.transpileModule(read(f) ?? '', { reportDiagnostics: true, fileName: f }).diagnostics?.length) unparsable.add(f);
    }
  }
  const sel: Selection = selectAffected({ tests: run.tests, facts: fileFacts(run.coverage, run.report?.coverage?.files), changes, graph, testFiles, sources, everything, unparsable });
  const what = `${sel.files.length} of ${sel.of} test files${sel.of ? ` (${Math.round((100 * sel.files.length) / Math.max(sel.of, 1))}%)` : ''}`;
  if (format === 'json') {
    io.stdout(JSON.stringify({ base: base ?? null, run_dirty: recorded?.dirty ?? null, files: sel.files, all: sel.all, of: sel.of, reasons: sel.reasons, changes: changes.map((c) => ({ file: c.file, kind: c.kind, ...(c.to ? { to: c.to } : {}) })) }, null, 2) + '\n');
  } else {
    if (format === 'args') {
      if (sel.files.length) io.stdout(sel.files.join(' ') + '\n');
    } else for (const f of sel.files) io.stdout(f + '\n');
    for (const r of sel.reasons) io.stderr(`affected: ${r.file}: ${r.why}${r.selects.length ? ` -> ${r.selects.length <= 5 ? r.selects.join(', ') : `${r.selects.length} test files`}` : ''}\n`);
    if (sel.files.length === 0) io.stderr(changes.length ? `affected: nothing to run: the change (${changes.length} file${changes.length === 1 ? '' : 's'}) touches no file any test can reach\n` : `affected: nothing to run: no change since ${base}\n`);
    else io.stderr(`affected: ${what}${base ? ` for the change since ${base.slice(0, 12)}` : ''}\n`);
  }
  return 0;
}
