// The PDF: the print rendering of the report (every test, all detail expanded) printed by the system
// Chromium through playwright-core. The only module that loads playwright-core, and only on demand:
// it is an optional dependency (and never part of the zero-install bundle). With no browser at the
// default path, a Chromium from npm (@sparticuz/chromium, when the project installed it) prints it.
// When playwright-core or any browser is missing the caller gets a PdfError to turn into warning
// LLMR_PDF_UNAVAILABLE.
import { existsSync, lstatSync, mkdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import Mustache from 'mustache';
import { toolChildEnv } from '../config/internal-env.js';

export const DEFAULT_CHROMIUM = '/usr/bin/chromium';
/** A registry package that carries a Chromium build (extracted to the temp directory on first use). */
export const NPM_CHROMIUM = '@sparticuz/chromium';

/** One line: how to get a browser. */
export const GET_A_BROWSER = `install Chromium (apt-get install chromium) or npm i -D ${NPM_CHROMIUM}, or set chromium_path / --chromium`;

function resolvable(name: string): boolean {
  try {
    createRequire(import.meta.url).resolve(name);
    return true;
  } catch {
    return false;
  }
}

/** The default path is a guess, so a browser from npm may stand in for it; a path the user chose may not. */
function npmFallback(executablePath: string): boolean {
  return executablePath === DEFAULT_CHROMIUM && !existsSync(executablePath) && resolvable(NPM_CHROMIUM);
}

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

/** The Chromium of @sparticuz/chromium: extracted once to <tmp>/chromium, its path returned. */
export async function npmChromium(): Promise<string> {
  const name = NPM_CHROMIUM;
  const mod = (await import(name)) as { default: { executablePath(): Promise<string> } };
  // The package extracts without a lock: a second process would start a half-written binary.
  const lock = path.join(os.tmpdir(), 'llm-report-chromium.lock');
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // A lock left by a killed process: extraction takes seconds, not minutes.
      const since = statSync(lock, { throwIfNoEntry: false })?.mtimeMs;
      if (since !== undefined && Date.now() - since > 120_000) rmSync(lock, { recursive: true, force: true });
      else await sleep(100);
    }
  }
  try {
    const exe = await mod.default.executablePath();
    // The package returns whatever is at <tmp>/chromium: on a shared machine another user could have put
    // a program there. Run only a regular file of ours that nobody else can change.
    const st = lstatSync(exe);
    const uid = process.getuid?.();
    if (!st.isFile() || (uid !== undefined && st.uid !== uid) || (st.mode & 0o022) !== 0) {
      throw new Error(`${exe} is not a file of this user that only it can change: remove it to let ${NPM_CHROMIUM} extract its own`);
    }
    // Its fonts come extracted next to it (<tmp>/fonts/fonts), but its own fonts.conf names /tmp and is
    // used only on AWS Lambda: a machine without system fonts would print pages with no text. Ours adds
    // them to the system's fonts (temp file + rename: a link planted at that name is replaced, not followed).
    const dir = path.dirname(exe);
    const tmp = `${fontsConf(exe)}.${process.pid}.tmp`;
    rmSync(tmp, { force: true });
    writeFileSync(
      tmp,
      `<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n  <dir>${path.join(dir, 'fonts')}</dir>\n  <cachedir>${path.join(dir, 'llm-report-fonts-cache')}</cachedir>\n</fontconfig>\n`,
      { flag: 'wx' },
    );
    renameSync(tmp, fontsConf(exe));
    return exe;
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

const fontsConf = (exe: string): string => path.join(path.dirname(exe), 'llm-report-fonts.conf');

/** The environment to start `executablePath` with: for the npm Chromium, with its fonts (see npmChromium). */
export function browserEnv(executablePath: string): NodeJS.ProcessEnv | undefined {
  const conf = fontsConf(executablePath);
  return existsSync(conf) ? { ...toolChildEnv(), FONTCONFIG_FILE: conf } : undefined;
}

/** Why a PDF cannot be made here, or undefined when it can (checked before anything is written). */
export function pdfUnavailable(executablePath: string): string | undefined {
  if (!resolvable('playwright-core')) return 'playwright-core is not installed (it is an optional dependency: npm i -D playwright-core)';
  if (!existsSync(executablePath) && !npmFallback(executablePath)) return `no browser at ${executablePath}: ${GET_A_BROWSER}`;
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
  let executablePath = opts.executablePath;
  if (npmFallback(executablePath)) {
    try {
      executablePath = await npmChromium();
    } catch (err) {
      throw new PdfError('LLMR_PDF_UNAVAILABLE', `no browser at ${opts.executablePath}, and ${NPM_CHROMIUM} did not give one (${firstLines((err as Error).message)}): ${GET_A_BROWSER}`);
    }
  }
  let browser: Awaited<ReturnType<Playwright['chromium']['launch']>>;
  try {
    const env = browserEnv(executablePath);
    browser = await pw.chromium.launch({ executablePath, args: CHROMIUM_ARGS, timeout, ...(env ? { env } : {}) });
  } catch (err) {
    throw new PdfError('LLMR_PDF_UNAVAILABLE', `cannot start ${executablePath}: ${firstLines((err as Error).message)}`);
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
