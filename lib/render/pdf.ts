// The PDF: the print rendering of the report (every test, all detail expanded) printed by the system
// Chromium through playwright-core. The only module that loads playwright-core, and only on demand:
// it is an optional dependency (and never part of the zero-install bundle). When it or the browser is
// missing the caller gets a PdfUnavailable error to turn into warning LLMR_PDF_UNAVAILABLE.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import Mustache from 'mustache';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';

export class PdfError extends Error {
  constructor(
    readonly code: 'LLMR_PDF_UNAVAILABLE' | 'LLMR_PDF_FAILED',
    message: string,
  ) {
    super(message);
    this.name = 'PdfError';
  }
}

export interface PdfOptions {
  /** The Chromium (or Chrome) binary. */
  executablePath: string;
  runId: string;
  status: string;
  reportSha256: string;
  timeoutMs?: number;
}

/** Why a PDF cannot be made here, or undefined when it can (checked before anything is written). */
export function pdfUnavailable(executablePath: string): string | undefined {
  try {
    createRequire(import.meta.url).resolve('playwright-core');
  } catch {
    return 'playwright-core is not installed (it is an optional dependency: npm i -D playwright-core)';
  }
  if (!existsSync(executablePath)) {
    return `no browser at ${executablePath} (install Chromium, e.g. apt-get install chromium, or set chromium_path / --chromium)`;
  }
  return undefined;
}

// Chromium renders these outside the page (no access to its CSS); classes pageNumber/totalPages are
// filled in by Chromium. Values are escaped: the run id comes from the report.
const HEADER = `<div style="font: 8px sans-serif; color: #444; width: 100%; padding: 0 12mm; display: flex; justify-content: space-between;">
<span>Test report · run {{runId}}</span><span>{{status}}</span></div>`;
const FOOTER = `<div style="font: 8px sans-serif; color: #444; width: 100%; padding: 0 12mm; display: flex; justify-content: space-between;">
<span>report.json sha256 {{reportSha256}}</span><span>Page <span class="pageNumber"></span> of <span class="totalPages"></span></span></div>`;

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--headless',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

interface Playwright {
  chromium: {
    launch(opts: Record<string, unknown>): Promise<{
      newContext(opts: Record<string, unknown>): Promise<{
        newPage(): Promise<{
          route(url: string, handler: (route: { abort(): Promise<void> }) => unknown): Promise<void>;
          setContent(html: string, opts: Record<string, unknown>): Promise<void>;
          emulateMedia(opts: Record<string, unknown>): Promise<void>;
          pdf(opts: Record<string, unknown>): Promise<Uint8Array>;
        }>;
      }>;
      close(): Promise<void>;
    }>;
  };
}

/** Print `printHtml` (renderHtml(report, { mode: 'print' })) to an A4 PDF. */
export async function renderPdf(printHtml: string, opts: PdfOptions): Promise<Uint8Array> {
  const missing = pdfUnavailable(opts.executablePath);
  if (missing) throw new PdfError('LLMR_PDF_UNAVAILABLE', missing);
  let pw: Playwright;
  try {
    // A variable specifier keeps bundlers and tsc from resolving the optional dependency at build time.
    const name = 'playwright-core';
    pw = (await import(name)) as Playwright;
  } catch (err) {
    throw new PdfError('LLMR_PDF_UNAVAILABLE', `cannot load playwright-core: ${(err as Error).message}`);
  }
  const timeout = opts.timeoutMs ?? 60_000;
  let browser: Awaited<ReturnType<Playwright['chromium']['launch']>>;
  try {
    browser = await pw.chromium.launch({ executablePath: opts.executablePath, args: CHROMIUM_ARGS, timeout });
  } catch (err) {
    throw new PdfError('LLMR_PDF_UNAVAILABLE', `cannot start ${opts.executablePath}: ${firstLines((err as Error).message)}`);
  }
  try {
    const context = await browser.newContext({ javaScriptEnabled: false, offline: true });
    const page = await context.newPage();
    // The page loads nothing; should it try, the request goes nowhere.
    await page.route('**/*', (route) => route.abort());
    await page.setContent(printHtml, { waitUntil: 'load', timeout });
    await page.emulateMedia({ media: 'print', colorScheme: 'light' });
    const view = { runId: opts.runId, status: opts.status.toUpperCase(), reportSha256: opts.reportSha256 };
    return await page.pdf({
      format: 'A4',
      printBackground: true,
      displayHeaderFooter: true,
      headerTemplate: Mustache.render(HEADER, view),
      footerTemplate: Mustache.render(FOOTER, view),
      margin: { top: '16mm', bottom: '16mm', left: '12mm', right: '12mm' },
      timeout,
    });
  } catch (err) {
    throw new PdfError('LLMR_PDF_FAILED', `printing the report failed: ${firstLines((err as Error).message)}`);
  } finally {
    // The PDF (or the error above) is the result; a browser that fails to close changes neither.
    await browser.close().catch(() => undefined);
  }
}

function firstLines(text: string): string {
  return text.split('\n').slice(0, 4).join('\n');
}
