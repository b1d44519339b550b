// Report -> one self-contained HTML page. Pure: no IO besides the package's own templates (assets.ts).
// Safety by construction: report text only reaches the page through mustache's escaping {{ }} or the
// escaped JSON data block, and the Content-Security-Policy allows nothing but the page's own inline
// style and scripts, named by their sha256 hashes: no network, no injected script can run.
import { createHash } from 'node:crypto';
import Mustache from 'mustache';
import type { Report } from '../../types.js';
import { sortKeys } from '../../report/canonical.js';
import { templateFiles } from './assets.js';
import { clientData, clientSources, scriptJson } from './data.js';
import { buildView } from './view.js';
import type { RenderReport } from './types.js';

export type { RenderReport } from './types.js';

export interface HtmlOptions {
  /** 'print': every test with its detail rendered into the page, no script (for the PDF). */
  mode?: 'interactive' | 'print';
  /** sha256 of the report.json bytes; computed from the report when not given. */
  reportSha256?: string;
  /** Addenda shown with the report (annotations added after sealing), one label each; they arrive as data. */
  addenda?: string[];
}

function cspHash(text: string): string {
  return `'sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}'`;
}

/** sha256 of report.json as lib/output writes it (canonical keys, 2-space indent, final newline). */
export function reportJsonSha256(report: Report | RenderReport): string {
  const text = JSON.stringify(sortKeys(report), null, 2) + '\n';
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function asset(files: Readonly<Record<string, string>>, name: string): string {
  const text = files[name];
  if (text === undefined) throw new Error(`llm-report: template ${name} is missing from templates/`);
  return text;
}

/** Inline code must not be able to close its own element early. */
function inlineSafe(text: string, tag: 'script' | 'style', name: string): string {
  if (new RegExp(`</${tag}`, 'i').test(text)) throw new Error(`llm-report: templates/${name} contains "</${tag}"`);
  return text;
}

export function renderHtml(input: Report | RenderReport, opts: HtmlOptions = {}): string {
  const report = input as RenderReport;
  const print = opts.mode === 'print';
  const files = templateFiles();
  const css = inlineSafe(asset(files, 'report.css'), 'style', 'report.css');
  const theme = inlineSafe(asset(files, 'theme.js'), 'script', 'theme.js');
  const js = print ? '' : inlineSafe(asset(files, 'report.js'), 'script', 'report.js');
  const scripts = print ? [] : [theme, js];
  const csp = [
    "default-src 'none'",
    `style-src ${cspHash(css)}`,
    scripts.length ? `script-src ${scripts.map(cspHash).join(' ')}` : "script-src 'none'",
    "img-src 'none'",
    "font-src 'none'",
    "connect-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  const view = {
    ...buildView(report, { print, reportSha256: opts.reportSha256 ?? reportJsonSha256(input), addenda: opts.addenda }),
    csp,
    css,
    theme: print ? '' : theme,
    js,
    data: print ? '' : scriptJson(clientData(report)),
    sourceData: print ? '' : scriptJson(clientSources(report)),
  };
  const partials: Record<string, string> = {};
  for (const [name, text] of Object.entries(files)) if (name.endsWith('.mustache')) partials[name.slice(0, -'.mustache'.length)] = text;
  return Mustache.render(asset(files, 'report.mustache'), view, partials);
}
