// `llm-report fold <ndjson...>`: re-fold saved streams (results.ndjson, a journal cut short, a reporter
// destination file) into report.json + results.ndjson. Every complete line is recovered; bad lines are
// named by file and line number; the exit status says whether the run is complete and passed.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseNdjson } from '../report/ndjson.js';
import { fold, sortedLines } from '../report/fold.js';
import { writeRun } from '../output/write.js';
import { claimOut } from './out-dir.js';
import type { CoverageLine, Line, RunEndLine, RunStartLine, Warning } from '../types.js';
import { commandArgs, usageError } from './args.js';
import type { CommandIO } from './io.js';
import { cliRedactors } from './redactors.js';
import { redactRecord } from '../redact/index.js';
import { changesForRun, describeChanges, refProblem } from './changes.js';

export const FOLD_HELP = `Usage: llm-report fold <file.ndjson...> [--out DIR] [--base REF]

Re-folds one or more saved NDJSON streams (results.ndjson, llm-report/journal.ndjson, or a
--test-reporter-destination file) into DIR/report.json and DIR/results.ndjson.

Every complete, valid line is kept; lines that are not valid JSON or do not match
schemas/line.schema.json are reported with their file and line number (warning LLMR_NDJSON_BAD_LINE)
and skipped. A stream without a run_end line (a crashed or killed run) folds to status "incomplete".

Options:
  --out DIR   output directory (default: llm-report)
  --base REF  add the coverage of the change since REF (a git ref, e.g. origin/main) to report.json
  --help      show this help

Exit status: 0 when the folded run passed; 1 when it failed, is incomplete or was aborted;
2 on usage errors or unreadable inputs.`;

export function foldCommand(args: string[], io: CommandIO): number {
  const spec = { command: 'fold', help: FOLD_HELP, options: { out: { type: 'string', needs: 'a directory' }, base: { type: 'string', needs: 'a git ref' } } } as const;
  const parsed = commandArgs(args, io, spec);
  if (typeof parsed === 'number') return parsed;
  const out = parsed.values.out ?? 'llm-report';
  const inputs = parsed.positionals;
  if (inputs.length === 0 || !out) return usageError(io, spec, inputs.length === 0 ? 'no input files' : '--out needs a directory');
  const badRef = parsed.values.base === undefined ? undefined : refProblem(parsed.values.base);
  if (badRef) return usageError(io, spec, `--base: ${badRef}`);
  const lines: Line[] = [];
  const origins: string[] = [];
  const warnings: Warning[] = [];
  const redactors = cliRedactors(io.cwd);
  for (const input of inputs) {
    let text: string;
    try {
      text = readFileSync(path.resolve(io.cwd, input), 'utf8');
    } catch (err) {
      io.stderr(`llm-report fold: cannot read ${input}: ${(err as Error).message}\n`);
      return 2;
    }
    const res = parseNdjson(text, input);
    // A stream from an older version or another tool: redacted like the reporter's own lines.
    for (let i = 0; i < res.lines.length; i++) {
      lines.push(redactRecord(res.lines[i]!, redactors));
      origins.push(res.origins[i]!);
    }
    warnings.push(...res.warnings);
    if (res.badLines.length) io.stderr(`llm-report fold: ${input}: skipped ${res.badLines.length} bad line(s): ${res.badLines.join(', ')}\n`);
  }
  const report = fold(lines, warnings, origins);
  const coverage = lines.filter((l): l is CoverageLine => l.type === 'coverage');
  if (parsed.values.base !== undefined) {
    report.changes = redactRecord(changesForRun(io.cwd, { base: parsed.values.base, from: 'cli' }, { tests: report.tests, coverage, ...(report.run.git ? { git: report.run.git } : {}), outDir: path.relative(io.cwd, path.resolve(io.cwd, out)).split(path.sep).join('/') }), redactors);
    io.stderr(describeChanges(report.changes, 'llm-report fold'));
  }
  const start = lines.find((l): l is RunStartLine => l.type === 'run_start');
  const end = lines.find((l): l is RunEndLine => l.type === 'run_end');
  const dir = path.resolve(io.cwd, out);
  const refused = claimOut(io, 'fold', out, '--out', true);
  if (refused !== undefined) return refused;
  try {
    writeRun(dir, report, sortedLines(report, start, end, coverage));
  } catch (err) {
    io.stderr(`llm-report fold: cannot write to ${out}: ${(err as Error).message}\n`);
    return 2;
  }
  const s = report.summary;
  io.stdout(`${report.run.status}: ${s.tests} tests (${s.passed} passed, ${s.failed} failed, ${s.cancelled} cancelled, ${s.skipped} skipped, ${s.todo} todo, ${s.incomplete} incomplete) -> ${path.join(out, 'report.json')}\n`);
  if (!report.run.complete) io.stderr('llm-report fold: the stream has no run_end line: the run is incomplete\n');
  return report.run.status === 'passed' ? 0 : 1;
}
