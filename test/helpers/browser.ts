// Real headless Chromium (the system's, else the build @sparticuz/chromium carries; driven by
// playwright-core) for the HTML report tests: opens a report from a file:// URL and records every
// request the page makes, console errors and page errors.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, browserEnv } from '../../lib/render/pdf.js';
import { HOW_BROWSER, findBrowser, need } from './prereq.js';

const found = await findBrowser();
/** The browser's path (a path that does not exist when there is none: then noBrowser says so). */
export const CHROMIUM = found?.path ?? '/nonexistent/chromium';
/** Where it came from: PATH, LLM_REPORT_CHROMIUM or @sparticuz/chromium. */
export const CHROMIUM_FROM = found?.from;
/** The skip reason of every suite that needs a browser (false when there is one; throws under CI=true). */
export const noBrowser = need('a browser (Chromium or Chrome)', found, HOW_BROWSER);

export async function launch(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, env: browserEnv(CHROMIUM) });
}

export interface Opened {
  page: Page;
  context: BrowserContext;
  url: string;
  /** Every request the page made, the document itself included. */
  requests: string[];
  /** Requests other than the document: must stay empty. */
  blocked: string[];
  consoleErrors: string[];
  pageErrors: string[];
  close(): Promise<void>;
}

/** Write `html` to a temp file and open it; or open an existing file. */
export async function openReport(
  browser: Browser,
  html: { html: string } | { file: string },
  opts: { colorScheme?: 'light' | 'dark'; width?: number; height?: number; hash?: string } = {},
): Promise<Opened> {
  const file = 'file' in html ? html.file : path.join(mkdtempSync(path.join(os.tmpdir(), 'llmr-html-')), 'report.html');
  if ('html' in html) writeFileSync(file, html.html);
  const url = pathToFileURL(file).href;
  const context = await browser.newContext({ colorScheme: opts.colorScheme ?? 'light', viewport: { width: opts.width ?? 1280, height: opts.height ?? 900 } });
  const page = await context.newPage();
  const requests: string[] = [];
  const blocked: string[] = [];
  const consoleErrors: string[] = [];
  const pageErrors: string[] = [];
  page.on('request', (r) => {
    requests.push(r.url());
    if (r.url().split('#')[0] !== url) blocked.push(r.url());
  });
  // Anything but the document (http, https, data, file, ...) would be a load the CSP must have stopped.
  await context.route('**/*', (route) => (route.request().url().split('#')[0] === url ? route.continue() : route.abort()));
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(url + (opts.hash ?? ''), { waitUntil: 'load' });
  return { page, context, url, requests, blocked, consoleErrors, pageErrors, close: () => context.close() };
}

/** Wait until the page's script has built the list (data-ready on <html>). */
export async function ready(page: Page): Promise<void> {
  await page.waitForSelector('html[data-ready="1"]', { timeout: 30_000 });
}

/** Inject axe-core (from node_modules, as a script in the page) and run it; violations by impact. */
export async function axe(page: Page, axeSource: string): Promise<Array<{ id: string; impact: string; help: string; nodes: string[] }>> {
  // CSP blocks inline script tags; Playwright's evaluate runs in the page without one.
  await page.evaluate(axeSource);
  // A string: this file is compiled without DOM types.
  const result = await page.evaluate<Array<{ id: string; impact: string; help: string; nodes: string[] }>>(`axe.run(document, { resultTypes: ['violations'] }).then((r) =>
    r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 5).map((n) => n.target.join(' ')) })))`);
  return result;
}

/** The page made no request besides the document and logged no error. */
export function assertClean(o: Opened): void {
  assert.deepEqual(o.blocked, [], 'no request besides the document');
  assert.deepEqual(o.consoleErrors, [], 'no console errors');
  assert.deepEqual(o.pageErrors, [], 'no page errors');
}
