// GitHub Actions: failure annotations as workflow commands and the Markdown job summary. Pure: the
// caller writes them (the reporter at the end of a run, `llm-report aggregate`), under GITHUB_ACTIONS=true.
// The runner reads workflow commands from stdout AND stderr (actions/runner ScriptHandler hands both
// streams to its command manager), so they go to stderr and the NDJSON on stdout stays clean.
import { appendFileSync, existsSync } from 'node:fs';
import path from 'node:path';
import { githubEnv } from '../config/ci-env.js';
import { mdText, renderMarkdownSummary, type SummaryOptions } from '../render/markdown.js';
import type { Report, TestLine } from '../types.js';
import { toRanges } from '../coverage/ranges.js';

/** GitHub shows 10 error annotations per step and 50 per job; more is noise in the log. */
export const MAX_ANNOTATIONS = 50;
const MAX_MESSAGE = 4000;

/** Command data (the message): %, CR and LF would end or corrupt the command. */
export function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** Command properties (file, title) additionally must not hold the separators ':' and ','. */
export function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export interface Annotation {
  level: 'error' | 'warning' | 'notice';
  message: string;
  title?: string;
  file?: string;
  line?: number;
  endLine?: number;
  col?: number;
}

export function formatCommand(a: Annotation): string {
  const props: string[] = [];
  if (a.file) props.push(`file=${escapeProperty(a.file)}`);
  if (a.line) props.push(`line=${a.line}`);
  if (a.line && a.endLine && a.endLine > a.line) props.push(`endLine=${a.endLine}`);
  if (a.line && a.col) props.push(`col=${a.col}`);
  if (a.title) props.push(`title=${escapeProperty(a.title)}`);
  return `::${a.level}${props.length ? ' ' + props.join(',') : ''}::${escapeData(a.message)}\n`;
}

const fullName = (t: TestLine): string => [...t.path, t.name].join(' > ');
const clip = (s: string): string => (s.length > MAX_MESSAGE ? `${s.slice(0, MAX_MESSAGE)}…` : s);

/** Uncovered changed lines get at most this many warnings (GitHub shows 10 warnings per step); the rest are counted. */
export const MAX_CHANGE_ANNOTATIONS = 20;

/** Coverage of a change: one warning per run of consecutive uncovered changed lines. */
function changeAnnotations(report: Report, repoPath: (file: string) => string): Annotation[] {
  const out: Annotation[] = [];
  let more = 0;
  for (const f of report.changes?.files ?? []) {
    for (const [line, endLine] of toRanges(f.uncovered)) {
      if (out.length === MAX_CHANGE_ANNOTATIONS) {
        more++;
        continue;
      }
      const n = endLine - line + 1;
      out.push({ level: 'warning', file: repoPath(f.file), line, endLine, title: 'llm-report: changed lines not covered', message: `${n === 1 ? `line ${line} was` : `lines ${line}-${endLine} were`} changed since ${report.changes!.base} and no test executed ${n === 1 ? 'it' : 'them'}` });
    }
  }
  if (more) out.push({ level: 'notice', title: 'llm-report', message: `${more} more uncovered changed line ranges are not annotated; see the report's Changes view` });
  return out;
}

/** Failed, cancelled and incomplete tests, failed files and flaky tests, as annotations (first MAX_ANNOTATIONS). */
export function annotations(report: Report, opts: { pathPrefix?: string } = {}): Annotation[] {
  const prefix = opts.pathPrefix ?? '';
  const repoPath = (file: string): string => (file.startsWith('/') ? file : prefix + file);
  const out: Annotation[] = [];
  for (const f of report.files) {
    if (f.failure) out.push({ level: 'error', file: repoPath(f.file), title: `test file ${f.status}: ${f.file}`, message: clip(f.failure.message) });
  }
  const flaky = new Set<string>();
  for (const t of report.tests) {
    if (t.flaky && !flaky.has(t.id)) {
      flaky.add(t.id);
      const outcomes = (t.history ?? []).map((h) => h.status).join(', ');
      out.push({ level: 'warning', file: repoPath(t.file), line: t.line, col: t.column, title: `flaky: ${fullName(t)}`, message: `outcomes across runs and attempts: ${outcomes || t.status}` });
    }
    if (t.status !== 'failed' && t.status !== 'cancelled' && t.status !== 'incomplete') continue;
    if (t.file_level && report.files.some((f) => f.file === t.entry_file && f.failure)) continue; // told by its file
    // The failing line when it is in the test's own file; elsewhere (a helper, the code under test) it is named in the text.
    const loc = t.failure?.location;
    const here = loc && loc.file === t.file ? loc : { file: t.file, line: t.line, column: t.column };
    const elsewhere = loc && loc.file !== t.file ? `\n(at ${loc.file}:${loc.line}:${loc.column})` : '';
    out.push({
      level: 'error',
      file: repoPath(here.file),
      line: here.line,
      col: here.column,
      title: `${t.status}: ${fullName(t)}`,
      message: clip((t.failure?.message ?? `the test is ${t.status}`) + elsewhere),
    });
  }
  out.push(...changeAnnotations(report, repoPath));
  if (!report.run.complete || report.run.status === 'incomplete' || report.run.status === 'aborted') {
    out.unshift({ level: 'error', title: `llm-report: run ${report.run.status}`, message: report.run.complete ? `the run is ${report.run.status}: some tests never finished` : 'the run did not finish: results are missing' });
  }
  if (out.length <= MAX_ANNOTATIONS) return out;
  const shown = out.slice(0, MAX_ANNOTATIONS - 1);
  shown.push({ level: 'notice', title: 'llm-report', message: `${out.length - shown.length} more problems are not annotated; see the report` });
  return shown;
}

/** The workflow commands, one per line. */
export function annotationCommands(report: Report, opts: { pathPrefix?: string } = {}): string {
  return annotations(report, opts).map(formatCommand).join('');
}

/** At most this many sources and flaky tests are listed in the summary; the rest are counted. */
export const MAX_SUMMARY_ROWS = 50;

/** For an aggregate: its policy and sources, and the flaky tests with their outcomes. */
export function aggregateSummary(report: Report): string {
  const agg = report.aggregate;
  if (!agg) return '';
  const out: string[] = [];
  const groups = `${agg.groups.length} group${agg.groups.length === 1 ? '' : 's'}`;
  out.push(`### Aggregate: policy ${mdText(agg.policy)}, ${agg.sources.length} run${agg.sources.length === 1 ? '' : 's'} in ${groups}`, '');
  out.push('| source | shard | status | tests | sha256 |', '| --- | --- | --- | ---: | --- |');
  for (const src of agg.sources.slice(0, MAX_SUMMARY_ROWS)) {
    out.push(`| ${mdText(src.path)} | ${mdText(src.shard ?? '')} | ${mdText(src.status)}${src.complete ? '' : ' \\(did not finish\\)'} | ${src.tests} | ${src.sha256.slice(0, 12)} |`);
  }
  if (agg.sources.length > MAX_SUMMARY_ROWS) out.push('', `…and ${agg.sources.length - MAX_SUMMARY_ROWS} more sources \\(see report\\.json\\)`);
  out.push('');
  const flaky = report.tests.filter((t, i, all) => t.flaky && all.findIndex((x) => x.id === t.id) === i);
  if (flaky.length) {
    out.push(`### Flaky tests (${flaky.length})`, '');
    for (const t of flaky.slice(0, MAX_SUMMARY_ROWS)) {
      const outcomes = (t.history ?? []).map((h) => (h.attempt > 0 ? `${h.status} (attempt ${h.attempt})` : h.status)).join(', ');
      out.push(`- **${mdText(fullName(t))}** at ${mdText(`${t.file}:${t.line}`)}: ${mdText(outcomes || t.status)}`);
    }
    if (flaky.length > MAX_SUMMARY_ROWS) out.push(`- …and ${flaky.length - MAX_SUMMARY_ROWS} more`);
    out.push('');
  }
  return out.join('\n') + '\n';
}

/** The Markdown appended to $GITHUB_STEP_SUMMARY. */
export function jobSummary(report: Report, opts: SummaryOptions = {}): string {
  const md = renderMarkdownSummary(report, opts);
  return (md.endsWith('\n') ? md : md + '\n') + (report.aggregate ? '\n' + aggregateSummary(report) : '');
}

export interface EmitOptions {
  /** Working directory of the run (paths in the report are relative to it). */
  cwd: string;
  /** Where report.json went: the summary links report.html when it is there. */
  outDir: string;
  /** Where workflow commands and problems go (stderr). */
  write: (text: string) => void;
  env?: NodeJS.ProcessEnv;
  /** False: the job summary only (e.g. an aggregate job after shard jobs that annotated already). */
  annotations?: boolean;
  /** Option ci.artifact: the name of the artifact the output directory is uploaded as ('' unknown). */
  artifact?: string;
}

/**
 * The edge: under GITHUB_ACTIONS=true, write the annotations and append the job summary. Never throws
 * and never touches the verdict; a summary that cannot be written is said on stderr with its code.
 */
export function emitGithub(report: Report, opts: EmitOptions): boolean {
  const gh = githubEnv(opts.cwd, opts.env);
  if (!gh.enabled) return false;
  try {
    if (opts.annotations !== false) opts.write(annotationCommands(report, { pathPrefix: gh.pathPrefix }));
    if (gh.stepSummary) {
      const html = path.join(opts.outDir, 'report.html');
      const htmlPath = existsSync(html) ? path.relative(opts.cwd, html).split(path.sep).join('/') : undefined;
      const ci: NonNullable<SummaryOptions['ci']> = {};
      if (gh.runUrl) ci.runUrl = gh.runUrl;
      if (opts.artifact) ci.artifact = opts.artifact;
      appendFileSync(gh.stepSummary, jobSummary(report, htmlPath ? { htmlPath, ci } : { ci }));
    }
  } catch (err) {
    opts.write(`llm-report: LLMR_CI_SUMMARY_UNWRITABLE: cannot write the GitHub job summary to ${gh.stepSummary}: ${(err as Error).message}\n`);
  }
  return true;
}
