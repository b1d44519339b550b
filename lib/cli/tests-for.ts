// `llm-report tests-for FILE[:LINE[-LINE]]`: the tests that executed those lines, from a saved run.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileFacts, knownFiles, resolveFile, testsFor, type LineState, type TestsForResult } from '../impact/line-index.js';
import type { TestLine } from '../types.js';
import { readRunData, type RunData } from './run-data.js';
import { commandArgs } from './args.js';
import type { CommandIO } from './io.js';

export const TESTS_FOR_HELP = `Usage: llm-report tests-for FILE[:LINE[-LINE]] [--from RUN] [--json]

Lists the tests that executed lines of a source file in a saved run, from per-test coverage
(each test's own lines, without its subtests'). FILE is the repo-relative path as the report
has it (a unique ending such as dose.js is enough); without LINE, the whole file.

For a line no test executed, says why: ran outside any test (module top level, or a hook between
tests), not covered (never ran in this run), not executable (blank or a comment, when the source
is readable from here), or beyond the file's end. Tests that ran concurrently with others in one
process have no attributable lines: they are listed apart as "may have executed".

Options:
  --from RUN   a run directory (results.ndjson, else report.json), a results.ndjson / journal.ndjson,
               or a report.json (default: llm-report)
  --json       one JSON object: file, total, from, to, lines [{line, state, tests}], tests, shared
  --help       show this help

Exit status: 0 at least one test executed the lines; 1 no test did (the message says why);
2 usage errors or an unreadable run; 3 the file is not in the run (no test loaded it), or the
name matches several files (they are listed).`;

const WHY: Record<Exclude<LineState, 'tests'>, string> = {
  outside_tests: 'ran outside any test (module top level, or a hook between tests)',
  not_covered: 'not covered: no test executed it in this run',
  not_executable: 'not executable (blank or a comment)',
  beyond_end: 'beyond the end of the file',
};

function label(t: TestLine): string {
  return `${t.status.padEnd(10)} ${t.file}:${t.line}:${t.column}  ${[...t.path, t.name].join(' > ')}`;
}

function textAnswer(r: TestsForResult, whole: boolean): string {
  const where = whole ? r.file : r.from === r.to ? `${r.file}:${r.from}` : `${r.file}:${r.from}-${r.to}`;
  let out = `${where} (${r.total} lines in the run's coverage)\n`;
  if (r.tests.length) {
    out += `${r.tests.length} test${r.tests.length === 1 ? '' : 's'} executed ${whole ? 'lines of this file' : r.from === r.to ? 'this line' : 'these lines'}:\n`;
    for (const t of r.tests) out += `  ${label(t)}\n`;
  } else out += 'no test executed these lines\n';
  if (!whole) {
    // Consecutive lines with the same answer read as one row: "lines 6-12: beyond the end of the file".
    const say = (l: TestsForResult['lines'][number]): string => (l.state === 'tests' ? `${l.tests.length} test${l.tests.length === 1 ? '' : 's'}` : WHY[l.state]);
    for (let i = 0; i < r.lines.length; ) {
      let j = i;
      while (j + 1 < r.lines.length && say(r.lines[j + 1]!) === say(r.lines[i]!) && String(r.lines[j + 1]!.tests) === String(r.lines[i]!.tests)) j++;
      out += `  ${i === j ? `line ${r.lines[i]!.line}` : `lines ${r.lines[i]!.line}-${r.lines[j]!.line}`}: ${say(r.lines[i]!)}\n`;
      i = j + 1;
    }
  } else {
    const count = (s: LineState): number => r.lines.filter((l) => l.state === s).length;
    out += `  lines executed by tests: ${count('tests')}; outside any test: ${count('outside_tests')}; not covered: ${count('not_covered')}\n`;
  }
  if (r.shared.length) {
    out += `${r.shared.length} test${r.shared.length === 1 ? '' : 's'} ran concurrently with others in one process (lines not attributable) and may have executed them:\n`;
    for (const t of r.shared) out += `  ${label(t)}\n`;
  }
  return out;
}

export function testsForCommand(args: string[], io: CommandIO): number {
  const parsed = commandArgs(args, io, {
    command: 'tests-for',
    help: TESTS_FOR_HELP,
    maxPositionals: 1,
    options: { from: { type: 'string', needs: 'a run directory or file' }, json: { type: 'boolean' } },
  });
  if (typeof parsed === 'number') return parsed;
  const spec = parsed.positionals[0];
  if (!spec) {
    io.stderr(`llm-report tests-for: which file? (FILE[:LINE[-LINE]])\n\n${TESTS_FOR_HELP}\n`);
    return 2;
  }
  const m = /^(.+?)(?::(\d+)(?:-(\d+))?)?$/.exec(spec)!;
  const wanted = m[1]!;
  const from = m[2] !== undefined ? Number(m[2]) : undefined;
  const to = m[3] !== undefined ? Number(m[3]) : from;
  if (from !== undefined && (from < 1 || to! < from)) {
    io.stderr(`llm-report tests-for: ${spec}: lines are numbered from 1, and a range reads LINE-LINE with the first not after the last\n`);
    return 2;
  }
  const source = parsed.values.from ?? 'llm-report';
  let run: RunData;
  try {
    run = readRunData(path.resolve(io.cwd, source));
  } catch (err) {
    io.stderr(`llm-report tests-for: cannot read ${source}: ${(err as Error).message}\n`);
    return 2;
  }
  const facts = fileFacts(run.coverage, run.report?.coverage?.files);
  const files = knownFiles(run.tests, facts);
  const rel = path.isAbsolute(wanted) ? path.relative(io.cwd, wanted).split(path.sep).join('/') : wanted;
  const found = resolveFile(rel, files);
  if (!('file' in found)) {
    if (found.candidates.length > 1) io.stderr(`llm-report tests-for: ${wanted} matches ${found.candidates.length} files of the run: ${found.candidates.join(', ')}; give more of the path\n`);
    else if (files.length === 0) io.stderr(`llm-report tests-for: ${source} has no per-test coverage (coverage was off, or no project file ran)\n`);
    else io.stderr(`llm-report tests-for: ${wanted}: no such file in the run (no test loaded it; paths are repo-relative, e.g. ${files[0]})\n`);
    return 3;
  }
  const file = found.file;
  const fileFacts1 = facts.get(file);
  let text: string | undefined;
  try {
    text = readFileSync(path.resolve(io.cwd, file), 'utf8');
  } catch {
    // The source is not readable from here: blank and comment lines then read as "not covered".
  }
  const total = fileFacts1?.total ?? 0;
  const result = testsFor(run.tests, fileFacts1, file, from ?? 1, to ?? Math.max(total, 1), text);
  if (parsed.values.json) {
    const brief = (t: TestLine): Record<string, unknown> => ({ id: t.id, name: t.name, path: t.path, file: t.file, line: t.line, column: t.column, status: t.status });
    io.stdout(JSON.stringify({ ...result, tests: result.tests.map(brief), shared: result.shared.map(brief) }, null, 2) + '\n');
  } else io.stdout(textAnswer(result, from === undefined));
  return result.tests.length > 0 ? 0 : 1;
}
