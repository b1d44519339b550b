// The compact human view shown when the reporter writes to a terminal: one mark per test while the run
// goes, then failures with their locations, the counts, and where the report is.
import { fullName } from '../events/identity.js';
import { failureEntries } from './failures.js';
import type { Report, SuiteLine, TestLine } from '../types.js';

const MARK: Record<TestLine['status'], string> = {
  passed: '.',
  failed: 'F',
  cancelled: 'C',
  skipped: 's',
  todo: 't',
  incomplete: '?',
};

export function progressMark(rec: TestLine | SuiteLine): string {
  return rec.type === 'test' ? MARK[rec.status] : '';
}

function indent(text: string, by: string): string {
  return text.split('\n').map((l) => by + l).join('\n');
}

function counts(report: Report): string {
  const s = report.summary;
  const parts = [`${s.tests} tests`, `${s.passed} passed`, `${s.failed} failed`, `${s.cancelled} cancelled`, `${s.skipped} skipped`, `${s.todo} todo`];
  if (s.incomplete) parts.push(`${s.incomplete} incomplete`);
  parts.push(`${s.suites} suites`, `${s.files} files`);
  return parts.join(', ');
}

/** One line for stderr at the end of a run whose stream went to a file: status, counts, the page. */
export function summaryLine(report: Report, pagePath: string | undefined): string {
  return `llm-report: ${report.run.watch_cycle ? `[cycle ${report.run.watch_cycle}] ` : ""}${report.run.status.toUpperCase()}  ${counts(report)}${pagePath ? `  report: ${pagePath}` : ''}\n`;
}

export function terminalSummary(report: Report, reportPath: string | undefined, color: boolean): string {
  const red = (s: string): string => (color ? `\x1b[31m${s}\x1b[39m` : s);
  const green = (s: string): string => (color ? `\x1b[32m${s}\x1b[39m` : s);
  const out: string[] = ['', ''];
  // The same entries as the Markdown summary and report.html: a file that failed to load is told once.
  const entries = failureEntries(report);
  if (entries.length > 0) out.push(red('Failures:'), '');
  for (const e of entries) {
    if (e.kind === 'file') {
      out.push(red(`✖ ${e.file.file} (test file ${e.file.status})`), indent(e.file.failure!.message, '    '), '');
      continue;
    }
    const r = e.kind === 'suite' ? e.suite : e.test;
    const where = r.failure?.location ? `${r.failure.location.file}:${r.failure.location.line}:${r.failure.location.column}` : `${r.file}:${r.line}:${r.column}`;
    out.push(red(`✖ ${fullName(r.path, r.name)} [${e.kind === 'suite' ? 'suite ' : ''}${r.status}]`), `    at ${where}`);
    if (r.failure) out.push(indent(r.failure.message, '    '));
    out.push('');
  }
  const status = report.run.status === 'passed' ? green('PASSED') : red(report.run.status.toUpperCase());
  // Watch mode: one such line per cycle, so say which.
  out.push(`${report.run.watch_cycle ? `[cycle ${report.run.watch_cycle}] ` : ''}${status}  ${counts(report)}`);
  if (report.warnings.length) out.push(`${report.warnings.length} warning(s): ${[...new Set(report.warnings.map((w) => w.code))].join(', ')}`);
  if (reportPath) out.push(`report: ${reportPath}`);
  return out.join('\n') + '\n';
}
