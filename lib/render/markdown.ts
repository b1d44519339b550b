// The Markdown summary (GitHub's $GITHUB_STEP_SUMMARY, PR comments): counts, failures with locations,
// coverage totals, requirements without a passing test, and a link to the HTML report. Pure.
// Every piece of report text is escaped: GitHub renders Markdown AND inline HTML, so a test name must
// not be able to open a tag, a link, a table cell or a code span.
import type { RenderReport, RenderTest } from './html/types.js';
import type { Report } from '../types.js';
import { count, duration, firstLine, fullName, percent, where } from './html/format.js';
import { requirementMatrix } from './html/requirements.js';

/** At most this many failures are listed; the rest are counted (the step summary is capped at 1 MiB). */
export const MAX_FAILURES = 50;
const MAX_MESSAGE = 300;

/** Plain text -> Markdown that shows exactly that text (one line). */
export function mdText(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_{}[\]()#+\-.!|~"']/g, (c) => `\\${c}`);
}

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

const ICON: Record<string, string> = { passed: '✅', failed: '❌', incomplete: '⚠️', aborted: '⛔' };

export function renderMarkdownSummary(input: Report, opts: { htmlPath?: string } = {}): string {
  const report = input as RenderReport;
  const s = report.summary;
  const run = report.run;
  const out: string[] = [];
  out.push(`## ${ICON[run.status] ?? ''} Test report: ${mdText(run.status)}${run.complete ? '' : ' \\(the run did not finish\\)'}`, '');
  const meta = [`run ${mdText(run.run_id)}`, `Node ${mdText(run.node_version)}`, `${mdText(run.tool.name)} ${mdText(run.tool.version)}`];
  if (run.duration_ms !== undefined) meta.push(mdText(duration(run.duration_ms)));
  if (run.git?.sha) meta.push(`git ${mdText(run.git.sha.slice(0, 12))}${run.git.dirty ? ' \\(dirty\\)' : ''}`);
  out.push(meta.join(' · '), '');

  out.push('| tests | passed | failed | cancelled | skipped | todo | incomplete | suites | files |');
  out.push('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  out.push(`| ${[s.tests, s.passed, s.failed, s.cancelled, s.skipped, s.todo, s.incomplete, s.suites, s.files].map(count).join(' | ')} |`, '');

  const fileProblems = report.files.filter((f) => f.failure);
  const problems = report.tests.filter((t) => isProblem(t));
  if (fileProblems.length + problems.length > 0) {
    out.push(`### Failures (${count(fileProblems.length + problems.length)})`, '');
    let listed = 0;
    for (const f of fileProblems) {
      if (listed++ >= MAX_FAILURES) break;
      out.push(`- **${mdText(f.file)}** \\(file ${mdText(f.status)}\\): ${mdText(clip(firstLine(f.failure!.message), MAX_MESSAGE))}`);
    }
    for (const t of problems) {
      if (listed++ >= MAX_FAILURES) break;
      const loc = t.failure?.location ?? { file: t.file, line: t.line, column: t.column };
      const msg = t.failure ? `: ${mdText(clip(firstLine(t.failure.message), MAX_MESSAGE))}` : '';
      out.push(`- ${t.status === 'failed' ? '' : `\\[${mdText(t.status)}\\] `}**${mdText(fullName(t.path, t.name))}** at ${mdText(where(loc))}${msg}`);
    }
    const more = fileProblems.length + problems.length - MAX_FAILURES;
    if (more > 0) out.push(`- … and ${count(more)} more (see the HTML report)`);
    out.push('');
  }

  const totals = report.coverage?.totals;
  if (totals?.lines) {
    out.push('### Coverage', '');
    out.push('| lines | functions | branches |', '| ---: | ---: | ---: |');
    const cell = (m: { covered: number; total: number; percent: number } | undefined): string =>
      m ? `${mdText(percent(m.percent))} \\(${count(m.covered)}/${count(m.total)}\\)` : '';
    out.push(`| ${cell(totals.lines)} | ${cell(totals.functions)} | ${cell(totals.branches)} |`, '');
  }

  const matrix = requirementMatrix(report);
  if (matrix.length) {
    const open = matrix.filter((r) => r.status !== 'passed');
    out.push(`### Requirements: ${count(matrix.length - open.length)} of ${count(matrix.length)} with a passing test`, '');
    for (const r of open.slice(0, MAX_FAILURES)) out.push(`- ${mdText(r.id)}${r.title ? ` ${mdText(r.title)}` : ''}: ${mdText(r.status)}`);
    if (open.length > MAX_FAILURES) out.push(`- … and ${count(open.length - MAX_FAILURES)} more`);
    if (open.length) out.push('');
  }

  if (report.warnings.length) {
    const codes = [...new Set(report.warnings.map((w) => w.code))].sort();
    out.push(`${count(report.warnings.length)} warning(s): ${codes.map(mdText).join(', ')}`, '');
  }
  if (opts.htmlPath) out.push(`[Full HTML report](${encodeURI(opts.htmlPath).replace(/[()]/g, (c) => (c === '(' ? '%28' : '%29'))})`, '');
  return out.join('\n');
}

function isProblem(t: RenderTest): boolean {
  if (t.status === 'failed') return t.failure?.kind !== 'subtests';
  return t.status === 'cancelled' || t.status === 'incomplete';
}
