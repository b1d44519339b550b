// The Markdown summary (GitHub's $GITHUB_STEP_SUMMARY, PR comments): counts, failures with locations,
// coverage totals, requirements not fully passing, and where the HTML report is. Pure.
// Every piece of report text is escaped: GitHub renders Markdown AND inline HTML, so a test name must
// not be able to open a tag, a link, a table cell or a code span.
import type { RenderReport } from './html/types.js';
import type { Report } from '../types.js';
import { failureEntries, type FailureEntry } from './failures.js';
import { count, duration, fullName, percent, where } from './html/format.js';
import { COVERAGE_LABEL, requirementMatrix } from './html/requirements.js';
import { lineRanges } from './html/changes.js';

/** At most this many failures are listed; the rest are counted (the step summary is capped at 1 MiB). */
export const MAX_FAILURES = 50;
/** A failure message is shown whole up to these caps (50 of them stay far below GitHub's 1 MiB). */
export const MAX_MESSAGE_CHARS = 2000;
export const MAX_MESSAGE_LINES = 40;

/** Plain text -> Markdown that shows exactly that text (one line). */
export function mdText(text: string): string {
  return text
    .replace(/\r?\n/g, ' ')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/[\\`*_{}[\]()#+\-.!|~"']/g, (c) => `\\${c}`);
}

/**
 * Text shown verbatim in Markdown, line breaks kept: a fenced code block (GitHub renders nothing inside
 * it: no tags, links or mentions), its fence longer than any run of backticks in the text so the text
 * cannot close it, every line indented by `indent` so the block stays inside its list item. Capped to
 * MAX_MESSAGE_LINES lines and MAX_MESSAGE_CHARS characters; what was cut is said after the block.
 */
export function mdBlock(text: string, indent = ''): string[] {
  const clean = text
    .replace(/\r\n?/g, '\n')
    // eslint-disable-next-line no-control-regex -- terminal colours are exactly what this removes
    .replace(/\x1b\[[0-9;]*[A-Za-z]/g, '')
    // eslint-disable-next-line no-control-regex -- and other control characters are shown as U+FFFD
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, '\ufffd')
    .replace(/\n+$/, '');
  let lines = clean.split('\n');
  const total = lines.length;
  let cut = '';
  if (lines.length > MAX_MESSAGE_LINES) lines = lines.slice(0, MAX_MESSAGE_LINES);
  let kept = lines.join('\n');
  if (kept.length > MAX_MESSAGE_CHARS) {
    kept = kept.slice(0, MAX_MESSAGE_CHARS);
    lines = kept.split('\n');
  }
  if (kept.length < clean.length) {
    const moreLines = total - lines.length;
    cut = `${indent}\\(cut here: ${moreLines > 0 ? `${count(moreLines)} more line${moreLines === 1 ? '' : 's'}, ` : ''}${count(clean.length - kept.length)} more characters; see the HTML report\\)`;
  }
  const longest = Math.max(0, ...[...kept.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  const out = [`${indent}${fence}text`, ...lines.map((l) => (l ? indent + l : '')), `${indent}${fence}`];
  if (cut) out.push(cut);
  return out;
}

/** One list item: who failed, where, and the whole message (a fenced block under the item). */
function failureItem(e: FailureEntry): string[] {
  const item = (head: string, message: string | undefined): string[] => (message ? [head, '', ...mdBlock(message, '  ')] : [head]);
  switch (e.kind) {
    case 'file':
      return item(`- **${mdText(e.file.file)}** \\(test file ${mdText(e.file.status)}\\)`, e.file.failure?.message);
    case 'suite': {
      const s = e.suite;
      return item(`- \\[suite\\] **${mdText(fullName(s.path, s.name))}** at ${mdText(where(s.failure?.location ?? s))}`, s.failure?.message);
    }
    case 'test': {
      const t = e.test;
      const head = `- ${t.status === 'failed' ? '' : `\\[${mdText(t.status)}\\] `}**${mdText(fullName(t.path, t.name))}** at ${mdText(where(t.failure?.location ?? t))}`;
      // Its cause is the subtest listed below: one line, no block.
      if (e.viaSubtests) return [`${head}: ${mdText(t.failure?.message ?? 'a subtest failed')}`];
      return item(head, t.failure?.message);
    }
  }
}

/** At most this many changed files with uncovered lines are listed; the rest are counted. */
export const MAX_CHANGED_FILES_LISTED = 30;

/** Coverage of a change: patch coverage, the uncovered changed lines per file, the conditions. */
function changesSection(report: Report): string[] {
  const c = report.changes;
  if (!c) return [];
  const t = c.totals;
  const out = [`### Changes since ${mdText(c.base)}: ${t.total ? mdText(percent(t.percent)) : 'n/a'} of changed lines ran \\(${count(t.covered)}/${count(t.total)}\\)`, ''];
  for (const k of c.conditions) out.push(`- ⚠️ ${mdText(k.code)}: ${mdText(k.message)}`);
  const open = c.files.filter((f) => f.uncovered.length);
  for (const f of open.slice(0, MAX_CHANGED_FILES_LISTED)) {
    const shown = f.uncovered.length > 40 ? `${lineRanges(f.uncovered.slice(0, 40))}, …` : lineRanges(f.uncovered);
    out.push(`- **${mdText(f.file)}**: ${count(f.uncovered.length)} uncovered changed line${f.uncovered.length === 1 ? '' : 's'} \\(${mdText(shown)}\\)`);
  }
  if (open.length > MAX_CHANGED_FILES_LISTED) out.push(`- … and ${count(open.length - MAX_CHANGED_FILES_LISTED)} more files with uncovered changed lines \\(see the HTML report\\)`);
  if (c.conditions.length || open.length) out.push('');
  return out;
}

const ICON: Record<string, string> = { passed: '✅', failed: '❌', incomplete: '⚠️', aborted: '⛔' };

export interface SummaryOptions {
  /** report.html, relative to where the summary is read (a checkout, a file viewer). */
  htmlPath?: string;
  /**
   * For a CI job summary, which cannot resolve a relative link: the run's page (its artifacts are listed
   * there) and the name of the artifact holding the output directory, when known.
   */
  ci?: { runUrl?: string; artifact?: string };
}

/** A link target that cannot end the Markdown link early. */
function target(url: string): string {
  return encodeURI(url).replace(/[()]/g, (c) => (c === '(' ? '%28' : '%29'));
}

/** Where the HTML report is: a link when the summary can resolve it, otherwise its artifact and path. */
function reportLink(opts: SummaryOptions): string | undefined {
  if (!opts.htmlPath) return undefined;
  if (!opts.ci) return `[Full HTML report](${target(opts.htmlPath)})`;
  const { runUrl, artifact } = opts.ci;
  const run = runUrl ? `[this workflow run](${target(runUrl)})` : 'this workflow run';
  const slash = opts.htmlPath.lastIndexOf('/');
  const dir = slash >= 0 ? opts.htmlPath.slice(0, slash) : '.';
  const name = opts.htmlPath.slice(slash + 1);
  // upload-artifact stores the directory's content: report.html is at the top of the artifact.
  if (artifact) return `Full HTML report: **${mdText(name)}** in the artifact **${mdText(artifact)}** \\(the output directory ${mdText(dir)}\\) of ${run}\\.`;
  return `Full HTML report: **${mdText(opts.htmlPath)}** in the job's working directory: upload the output directory ${mdText(dir)} with actions/upload-artifact to find it among the artifacts of ${run}\\.`;
}

export function renderMarkdownSummary(input: Report, opts: SummaryOptions = {}): string {
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

  const entries = failureEntries(report);
  if (entries.length > 0) {
    out.push(`### Failures (${count(entries.length)})`, '');
    for (const e of entries.slice(0, MAX_FAILURES)) out.push(...failureItem(e), '');
    const more = entries.length - MAX_FAILURES;
    if (more > 0) out.push(`- … and ${count(more)} more (see the HTML report)`, '');
  }

  const totals = report.coverage?.totals;
  if (totals?.lines) {
    out.push('### Coverage', '');
    out.push('| lines | functions | branches |', '| ---: | ---: | ---: |');
    const cell = (m: { covered: number; total: number; percent: number } | undefined): string =>
      m ? `${mdText(percent(m.percent))} \\(${count(m.covered)}/${count(m.total)}\\)` : '';
    out.push(`| ${cell(totals.lines)} | ${cell(totals.functions)} | ${cell(totals.branches)} |`, '');
  }

  out.push(...changesSection(report));

  const matrix = requirementMatrix(report);
  if (matrix.length) {
    // Every requirement that is not fully passing, with how many of its tests passed; and the ones the
    // catalogue does not list.
    const open = matrix.filter((r) => r.coverage !== 'all_passed' || r.in_catalogue === false);
    const full = matrix.filter((r) => r.coverage === 'all_passed').length;
    out.push(`### Requirements: ${count(full)} of ${count(matrix.length)} fully passing`, '');
    for (const r of open.slice(0, MAX_FAILURES)) {
      const tally = r.tests.length ? ` \\(${count(r.passed)} of ${count(r.tests.length)} tests passed\\)` : '';
      const outside = r.in_catalogue === false ? ', not in catalogue' : '';
      out.push(`- ${mdText(r.id)}${r.title ? ` ${mdText(r.title)}` : ''}: ${COVERAGE_LABEL[r.coverage]}${tally}${outside}`);
    }
    if (open.length > MAX_FAILURES) out.push(`- … and ${count(open.length - MAX_FAILURES)} more`);
    if (open.length) out.push('');
  }

  if (report.warnings.length) {
    const codes = [...new Set(report.warnings.map((w) => w.code))].sort();
    out.push(`${count(report.warnings.length)} warning(s): ${codes.map(mdText).join(', ')}`, '');
  }
  const link = reportLink(opts);
  if (link) out.push(link, '');
  return out.join('\n');
}
