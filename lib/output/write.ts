// Output files. Written atomically (temp file + rename in the same directory), so a reader never sees
// half a report and a crash leaves the previous file or none.
import { lstatSync, readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { toolChildEnv } from '../config/internal-env.js';
import { createHash, type Hash } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderHtml } from '../render/html/index.js';
import { DEFAULT_CHROMIUM, pdfUnavailable } from '../render/pdf.js';
import { compareWarnings } from '../report/fold.js';
import { warning } from '../warnings.js';
import { canonicalJson, prettyJsonChunks, toNdjsonLine } from '../report/canonical.js';
import { toIstanbul, toLcov } from '../coverage/export.js';
import { withEvidence } from '../evidence/report.js';
import { matrixCsv } from '../evidence/requirements.js';
import { manifestEntries } from '../evidence/manifest.js';
import { DEPENDENCIES, REQUIREMENTS_CSV, type FileSet } from '../evidence/files.js';
import { pendingIn, removeIn, writeIn, type PendingFile } from './safe-fs.js';
import { withSources, type SourceOptions } from './sources.js';
import type { RenderReport } from '../render/html/types.js';
import type { CoverageLine, Integrity, Line, Report, RunStartLine, Warning } from '../types.js';

/** Write `file` atomically (temp file + rename in its directory); a link planted at its name is replaced, never followed. */
export function writeAtomic(file: string, content: string | Uint8Array): void {
  writeIn(path.dirname(file), path.basename(file), content);
}

/** A regular file (not a link to one). */
function isFile(p: string): boolean {
  try {
    return lstatSync(p).isFile();
  } catch {
    return false;
  }
}

/** report.json: canonical (sorted keys), pretty-printed for people who diff it, with a final newline. */
export function reportJson(report: Report): string {
  return [...reportJsonChunks(report)].join('');
}

function* reportJsonChunks(report: Report): Generator<string> {
  yield* prettyJsonChunks(report);
  yield '\n';
}

/** Pieces of at most about this many characters go to a file in one write. */
const WRITE_CHARS = 1 << 16;

/** `chunks` into `file`, gathered into writes of about WRITE_CHARS; `hash` gets the same text. */
function writeChunks(file: PendingFile, chunks: Iterable<string>, hash?: Hash): void {
  let pending = '';
  for (const chunk of chunks) {
    pending += chunk;
    if (pending.length < WRITE_CHARS) continue;
    hash?.update(pending);
    file.write(pending);
    pending = '';
  }
  if (!pending) return;
  hash?.update(pending);
  file.write(pending);
}

function* ndjsonChunks(lines: readonly Line[]): Generator<string> {
  for (const line of lines) yield toNdjsonLine(line);
}

/** report.json (reportJson's bytes) written in pieces to a temp file, not yet in place; and its sha256. */
function writeReportJson(dir: string, report: Report): { file: PendingFile; sha256: string } {
  const file = pendingIn(dir, 'report.json');
  const hash = createHash('sha256');
  writeChunks(file, reportJsonChunks(report), hash);
  return { file, sha256: hash.digest('hex') };
}

declare const __LLMR_BUNDLE__: boolean | undefined;

/** report.html / report.pdf next to report.json (options html, pdf, chromium_path). */
export interface PageOutputs {
  html?: boolean;
  pdf?: boolean;
  chromiumPath?: string;
  /** A problem found after report.json was written (a failed PDF); default: printed on stderr. */
  onWarning?: (w: Warning) => void;
  /** Evidence mode (the reporter): how the set will be sealed; report.json then lists the earlier artifacts. */
  integrity?: Integrity;
  /** The source view (option html_sources): embed the covered files, read below this root. Off when absent. */
  sources?: SourceOptions;
}

/** The report (and its results lines) with more warnings, kept in canonical order. */
function withWarnings(report: Report, lines: Line[], extra: Warning[]): { report: Report; lines: Line[] } {
  if (!extra.length) return { report, lines };
  const warnings = [...report.warnings, ...extra].sort(compareWarnings);
  const first = lines.findIndex((l) => l.type === 'warning' || l.type === 'run_end');
  const at = first < 0 ? lines.length : first;
  const rest = lines.slice(at).filter((l) => l.type !== 'warning');
  return { report: { ...report, warnings }, lines: [...lines.slice(0, at), ...warnings.map((w) => ({ type: 'warning' as const, ...w })), ...rest] };
}

/** The PDF is printed by `llm-report render --pdf` in a child process: writeRun must stay synchronous
 *  (it also runs from process 'exit'), and playwright-core is asynchronous. */
function printPdf(dir: string, reportPath: string, chromium: string): string | undefined {
  const cli = typeof __LLMR_BUNDLE__ !== 'undefined' && __LLMR_BUNDLE__ ? fileURLToPath(import.meta.url) : fileURLToPath(new URL('../cli/main.js', import.meta.url));
  const r = spawnSync(process.execPath, [cli, 'render', reportPath, '--out', dir, '--pdf', '--no-html', '--chromium', chromium], { encoding: 'utf8', timeout: 180_000, env: toolChildEnv() });
  if (r.status === 0) return undefined;
  return (r.stderr || r.error?.message || `exit ${r.status ?? r.signal}`).trim().replace(/^llm-report render: (LLMR_PDF_\w+: )?/, '');
}

export function writeRun(dir: string, report: Report, lines: Line[], pages: PageOutputs = {}): { report: string; results: string } {
  // Warnings known before report.json is written go into it (and into the page).
  const chromium = pages.chromiumPath ?? DEFAULT_CHROMIUM;
  const noPdf = pages.pdf ? pdfUnavailable(chromium) : undefined;
  // Evidence fields (provenance, requirements matrix, integrity) come from the lines, so a re-fold has them too.
  const evidence = withEvidence(report, lines.find((l): l is RunStartLine => l.type === 'run_start'), { integrity: pages.integrity });
  let out = withWarnings(evidence.report, lines, [...evidence.warnings, ...(noPdf ? [warning('LLMR_PDF_UNAVAILABLE', `no report.pdf: ${noPdf}`)] : [])]);
  const coverage = out.lines.filter((l): l is CoverageLine => l.type === 'coverage');
  const written: FileSet = new Map();
  if (coverage.length > 0) {
    written.set('coverage/lcov.info', Buffer.from(toLcov(coverage)));
    written.set('coverage/coverage-final.json', Buffer.from(canonicalJson(toIstanbul(coverage)) + '\n'));
  }
  if (out.report.requirements?.length) written.set(REQUIREMENTS_CSV, Buffer.from(matrixCsv(out.report.requirements, out.report.tests)));
  else removeIn(dir, REQUIREMENTS_CSV);
  if (pages.integrity) {
    // What report.json can list: deterministic artifacts written before it that nothing rewrites (annotate
    // rewrites results.ndjson; the journal holds volatile fields). manifest.json, written last, lists all.
    const prior = new Map(written);
    if (isFile(path.join(dir, DEPENDENCIES))) prior.set(DEPENDENCIES, readFileSync(path.join(dir, DEPENDENCIES)));
    out = { ...out, report: { ...out.report, manifest: manifestEntries(prior) } };
  }
  // The page's sources are read before report.json is made, so their warnings are in it too.
  let page: RenderReport | undefined;
  if (pages.html && pages.sources) {
    const got = withSources(out.report, coverage, pages.sources);
    out = withWarnings(out.report, out.lines, got.warnings);
    page = { ...got.report, warnings: out.report.warnings };
  }
  // report.json goes to its temp file first, in pieces (the page needs its sha256); every file is then
  // put in place in the same order as ever: results.ndjson, the other artifacts, report.json, the page.
  let json = writeReportJson(dir, out.report);
  let html: string | undefined;
  try {
    if (pages.html) {
      try {
        html = renderHtml(page ?? out.report, { reportSha256: json.sha256 });
      } catch (err) {
        out = withWarnings(out.report, out.lines, [warning('LLMR_HTML_FAILED', `no report.html: ${(err as Error).message}`)]);
        json.file.discard();
        json = writeReportJson(dir, out.report);
      }
    }
    report = out.report;
    lines = out.lines;
    const ndjson = pendingIn(dir, 'results.ndjson');
    writeChunks(ndjson, ndjsonChunks(lines));
    ndjson.commit();
    for (const [p, bytes] of written) writeIn(dir, p, bytes);
    json.file.commit();
  } catch (err) {
    json.file.discard();
    throw err;
  }
  const results = path.join(dir, 'results.ndjson');
  const reportPath = path.join(dir, 'report.json');
  if (html !== undefined) writeAtomic(path.join(dir, 'report.html'), html);
  if (pages.pdf && !noPdf) {
    const failed = printPdf(dir, reportPath, chromium);
    if (failed) {
      const w = warning('LLMR_PDF_FAILED', `no report.pdf: ${failed}`);
      (pages.onWarning ?? ((x: Warning) => process.stderr.write(`llm-report: ${x.code}: ${x.message}\n`)))(w);
    }
  }
  return { report: reportPath, results };
}

// The journal has its own module (journal.ts); still importable from here.
export { Journal } from './journal.js';
