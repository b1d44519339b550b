// `llm-report trace [report.json | run-dir]`: the requirement -> tests -> status matrix as CSV.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { matrixCsv, requirementMatrix } from '../evidence/requirements.js';
import { writeAtomic } from '../output/write.js';
import { redactRecord } from '../redact/index.js';
import { cliRedactors } from './redactors.js';
import type { Report } from '../types.js';
import { commandArgs } from './args.js';
import type { CommandIO } from './io.js';

export const TRACE_HELP = `Usage: llm-report trace [report.json | run-dir] [--out FILE.csv]

Writes the traceability matrix of a run as CSV (default input: llm-report/report.json; default
output: stdout): one row per requirement and test, with the requirement's status (passed, failed,
incomplete, untested) and the test's id, full name, file, line and status. A requirement with no
test gets one row with empty test columns. The reporter writes the same file as requirements.csv.
Cells starting with = + - @ get a leading ' so spreadsheets do not run them as formulas.

Columns: requirement,title,requirement_status,test_id,test_name,test_file,test_line,test_status

Options:
  --out FILE   write the CSV to FILE instead of stdout
  --help       show this help

Exit status: 0 written (also when the run has no requirements: header only); 2 on usage errors or
an unreadable report.`;

export function traceCommand(args: string[], io: CommandIO): number {
  const parsed = commandArgs(args, io, { command: 'trace', help: TRACE_HELP, options: { out: { type: 'string', needs: 'a file name' } } });
  if (typeof parsed === 'number') return parsed;
  // The last input named is the one read.
  const input = parsed.positionals.at(-1);
  const out = parsed.values.out;
  if (out === '') {
    io.stderr('llm-report trace: --out needs a file name\n');
    return 2;
  }
  let file = path.resolve(io.cwd, input ?? 'llm-report');
  let report: Report;
  try {
    if (statSync(file).isDirectory()) file = path.join(file, 'report.json');
    report = JSON.parse(readFileSync(file, 'utf8')) as Report;
    if (!Array.isArray(report.tests)) throw new Error('no tests array: not an llm-report report.json');
  } catch (err) {
    io.stderr(`llm-report trace: cannot read ${path.relative(io.cwd, file) || file}: ${(err as Error).message}\n`);
    return 2;
  }
  report = redactRecord(report, cliRedactors(io.cwd));
  const rows = report.requirements ?? requirementMatrix(report.tests, undefined);
  const csv = matrixCsv(rows, report.tests);
  if (out === undefined) io.stdout(csv);
  else {
    try {
      writeAtomic(path.resolve(io.cwd, out), csv);
    } catch (err) {
      io.stderr(`llm-report trace: cannot write ${out}: ${(err as Error).message}\n`);
      return 2;
    }
  }
  return 0;
}
