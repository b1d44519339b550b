// `llm-report render <run-dir|report.json>`: (re-)render report.html, and with --pdf report.pdf, from a
// saved report.json alone, so any run can be rendered again later or elsewhere.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { ADDENDA_DIR, addendumLabel, applyAddenda, type AddendumDoc } from '../evidence/addenda.js';
import path from 'node:path';
import { loadConfig } from '../config/index.js';
import { jsonErrorOffset } from '../config/json-locate.js';
import { writeAtomic } from '../output/write.js';
import { claimOut } from './out-dir.js';
import { addendaOnDisk } from './addenda-dir.js';
import { renderHtml } from '../render/html/index.js';
import { redactRecord } from '../redact/index.js';
import { cliRedactors } from './redactors.js';
import { DEFAULT_SOURCES_MAX_BYTES, withSources } from '../output/sources.js';
import type { RenderReport } from '../render/html/types.js';
import { PdfError, renderPdf } from '../render/pdf.js';
import { nestingProblem } from '../report/limits.js';
import type { CoverageLine, Report } from '../types.js';
import { changesForRun, describeChanges, refProblem } from './changes.js';
import { readRunData } from './run-data.js';
import { commandArgs, usageError, type CommandArgs } from './args.js';
import type { CommandIO } from './io.js';

export const RENDER_HELP = `Usage: llm-report render <run-dir|report.json> [--out DIR] [--pdf] [--chromium PATH] [--no-html] [--base REF]

Renders report.html (one self-contained page: no network, Content-Security-Policy, everything
escaped) from a saved report.json, and with --pdf also report.pdf (A4, every test with its detail,
run id, page numbers and the report hash on each page).

Options:
  --out DIR        output directory (default: the directory of the report)
  --pdf            also print report.pdf; needs the optional playwright-core package and Chromium
  --chromium PATH  the browser for --pdf (default: option chromium_path, /usr/bin/chromium)
  --no-html        do not write report.html (with --pdf: the PDF only)
  --base REF       show the coverage of the change since REF (a git ref) in a Changes view; report.json
                   (sealed evidence) is not rewritten: use fold --base for that
  --help           show this help

Exit status: 0 when everything asked for was written; 1 when the PDF could not be made
(LLMR_PDF_UNAVAILABLE / LLMR_PDF_FAILED; report.html is still written); 2 on usage errors or an
unreadable or invalid report.json.`;

interface Args {
  input: string;
  out: string | undefined;
  pdf: boolean;
  html: boolean;
  chromium: string | undefined;
  base?: string;
}

const SPEC = {
  command: 'render',
  help: RENDER_HELP,
  options: {
    out: { type: 'string', needs: 'a directory' },
    chromium: { type: 'string', needs: 'a path' },
    pdf: { type: 'boolean' },
    'no-html': { type: 'boolean' },
    base: { type: 'string', needs: 'a git ref' },
  },
} as const;

function readArgs(parsed: CommandArgs<typeof SPEC.options>): Args | string {
  const v = parsed.values;
  const a: Args = { input: '', out: v.out, pdf: v.pdf === true, html: v['no-html'] !== true, chromium: v.chromium };
  const inputs = parsed.positionals;
  if (inputs.length !== 1) return inputs.length ? `one input expected, got ${inputs.length}` : 'no input: give a run directory or a report.json';
  if (a.out === '') return '--out needs a directory';
  if (a.chromium === '') return '--chromium needs a path';
  if (!a.html && !a.pdf) return '--no-html without --pdf leaves nothing to do';
  if (v.base !== undefined) a.base = v.base;
  const badRef = v.base === undefined ? undefined : refProblem(v.base);
  if (badRef) return `--base: ${badRef}`;
  a.input = inputs[0]!;
  return a;
}

/** The parts of a report the renderer cannot do without; anything else renders when present. */
export function checkReportShape(data: unknown, label: string): string | undefined {
  if (data === null || typeof data !== 'object' || Array.isArray(data)) return `${label}: not a report (expected a JSON object)`;
  const r = data as Record<string, unknown>;
  for (const key of ['tests', 'suites', 'files', 'warnings']) if (!Array.isArray(r[key])) return `${label}: "${key}" must be an array`;
  for (const key of ['run', 'summary']) if (r[key] === null || typeof r[key] !== 'object') return `${label}: "${key}" must be an object`;
  const run = r.run as Record<string, unknown>;
  if (typeof run.status !== 'string' || typeof run.run_id !== 'string') return `${label}: "run" needs "status" and "run_id"`;
  const bad = (r.tests as unknown[]).findIndex((t) => t === null || typeof t !== 'object' || typeof (t as { id?: unknown }).id !== 'string' || !Array.isArray((t as { path?: unknown }).path));
  if (bad >= 0) return `${label}: tests[${bad}] is not a test record (needs "id" and "path")`;
  return undefined;
}

/** The JSON.parse message with the line and column of the first syntax error (same on every Node). */
function jsonErrorAt(text: string, err: Error): string {
  const pos = jsonErrorOffset(text);
  if (pos === undefined) return err.message;
  const before = text.slice(0, pos);
  return `${err.message.replace(/\n/g, '\\n')} (line ${before.split('\n').length}, column ${pos - before.lastIndexOf('\n')})`;
}

export async function renderCommand(args: string[], io: CommandIO): Promise<number> {
  const cli = commandArgs(args, io, SPEC);
  if (typeof cli === 'number') return cli;
  const parsed = readArgs(cli);
  if (typeof parsed === 'string') return usageError(io, SPEC, parsed);
  let file = path.resolve(io.cwd, parsed.input);
  let bytes: Buffer;
  try {
    if (statSync(file).isDirectory()) file = path.join(file, 'report.json');
    bytes = readFileSync(file);
  } catch (err) {
    io.stderr(`llm-report render: cannot read ${path.relative(io.cwd, file) || file}: ${(err as Error).message}\n`);
    return 2;
  }
  const label = path.relative(io.cwd, file) || file;
  const text = bytes.toString('utf8');
  // Refused before parsing: rendering a value nested 100,000 deep would overflow the stack.
  const deep = nestingProblem(text);
  if (deep) {
    io.stderr(`llm-report render: ${label} is not a report: ${deep}\n`);
    return 2;
  }
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    io.stderr(`llm-report render: ${label} is not valid JSON: ${jsonErrorAt(text, err as Error)}\n`);
    return 2;
  }
  const problem = checkReportShape(data, label);
  if (problem) {
    io.stderr(`llm-report render: ${problem}\n`);
    return 2;
  }
  // A report from an older version or another tool is redacted before it is rendered (ours: unchanged).
  const redactors = cliRedactors(io.cwd);
  const report = redactRecord(data as Report, redactors);
  // The hash of the exact bytes read: what `sha256sum report.json` prints.
  const reportSha256 = createHash('sha256').update(bytes).digest('hex');
  const outDir = parsed.out ? path.resolve(io.cwd, parsed.out) : path.dirname(file);
  // Annotations added to a sealed run later (addenda/NNN/ next to report.json) are shown, labelled.
  const added = readAddendaFor(path.dirname(file), reportSha256);
  let page = added.docs.length ? applyAddenda(report, added.docs) : report;
  if (parsed.base !== undefined) {
    // The run's whole coverage is in results.ndjson next to report.json (lines run at module load).
    let coverage: CoverageLine[] = [];
    try {
      coverage = readRunData(path.dirname(file)).coverage;
    } catch {
      // report.json alone: the record says per_test_only
    }
    const changes = redactRecord(changesForRun(io.cwd, { base: parsed.base, from: 'cli' }, { tests: report.tests, coverage, ...(report.coverage ? { summary: report.coverage.files } : {}), ...(report.run.git ? { git: report.run.git } : {}), outDir: path.relative(io.cwd, outDir).split(path.sep).join('/') }), cliRedactors(io.cwd));
    io.stderr(describeChanges(changes, 'llm-report render'));
    page = { ...page, changes };
  }
  const addenda = added.labels;
  const shown = (p: string): string => path.relative(io.cwd, p) || p;
  // Without --out the pages go next to the report read; a directory given with --out is claimed first.
  if (parsed.out) {
    const refused = claimOut(io, 'render', parsed.out);
    if (refused !== undefined) return refused;
  }

  if (parsed.html) {
    const htmlPath = path.join(outDir, 'report.html');
    // The source view: covered files read below the working directory (the project the run was made in).
    let withSrc: RenderReport = page;
    let sourceOpts: { enabled: boolean; max_bytes: number } = { enabled: true, max_bytes: DEFAULT_SOURCES_MAX_BYTES };
    try {
      sourceOpts = loadConfig({ cwd: io.cwd }).config.html_sources;
    } catch {
      // A broken configuration is reported by the commands that need it; the page keeps the defaults.
    }
    // A report that carries its sources already (a hand-made one; ours never do) is shown as it is.
    if (sourceOpts.enabled && !(page as RenderReport).sources) {
      const got = withSources(page, [], { root: io.cwd, maxBytes: sourceOpts.max_bytes, redact: redactors.text });
      withSrc = got.report;
      // Rendered away from its project (no covered file found at all), the page says "ranges only" itself;
      // files missing or refused next to embedded ones, and the cap, are said here.
      const embedded = Object.keys(got.report.sources ?? {}).length > 0;
      for (const w of got.warnings) if (embedded || w.code !== 'LLMR_HTML_SOURCE_SKIPPED') io.stderr(`llm-report render: ${w.code}: ${w.message}\n`);
    }
    try {
      const html = renderHtml(withSrc, { reportSha256, addenda });
      writeAtomic(htmlPath, html);
      io.stdout(`wrote ${shown(htmlPath)} (${Buffer.byteLength(html)} bytes)\n`);
    } catch (err) {
      io.stderr(`llm-report render: cannot write ${shown(htmlPath)}: ${(err as Error).message}\n`);
      return 2;
    }
  }
  if (!parsed.pdf) return 0;

  let chromium = parsed.chromium;
  if (!chromium) {
    try {
      chromium = loadConfig({ cwd: io.cwd }).config.chromium_path;
    } catch (err) {
      io.stderr(`llm-report render: ${(err as Error).message}\n`);
      return 2;
    }
  }
  const pdfPath = path.join(outDir, 'report.pdf');
  try {
    const pdf = await renderPdf(renderHtml(page, { mode: 'print', reportSha256, addenda }), {
      executablePath: path.resolve(io.cwd, chromium),
      runId: report.run.run_id,
      status: report.run.status,
      reportSha256,
    });
    writeAtomic(pdfPath, pdf);
    io.stdout(`wrote ${shown(pdfPath)} (${pdf.byteLength} bytes)\n`);
    return 0;
  } catch (err) {
    const code = err instanceof PdfError ? err.code : 'LLMR_PDF_FAILED';
    io.stderr(`llm-report render: ${code}: no PDF: ${(err as Error).message}\n`);
    return 1;
  }
}

/** The addenda of the run in `dir` that annotate this report.json (by its sha256), with their page labels. */
function readAddendaFor(dir: string, reportSha256: string): { docs: AddendumDoc[]; labels: string[] } {
  const docs: AddendumDoc[] = [];
  const labels: string[] = [];
  for (const { name, doc } of addendaOnDisk(dir)) {
    if (!doc || doc.report_sha256 !== reportSha256) continue;
    try {
      const m = JSON.parse(readFileSync(path.join(dir, ADDENDA_DIR, name, 'manifest.json'), 'utf8')) as { signature?: { algorithm?: string } };
      docs.push(doc);
      labels.push(addendumLabel(doc, m.signature?.algorithm ? `sealed (${m.signature.algorithm}); check with llm-report verify` : 'not signed; check with llm-report verify'));
    } catch {
      // an addendum without a readable manifest is not shown; llm-report verify reports it
    }
  }
  return { docs, labels };
}
