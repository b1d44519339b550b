// `llm-report render` (HTML and PDF) and writeRun's page outputs: the PDF read back with pdfjs-dist
// (page size, the run id, page numbers and report hash on every page, every test; poppler's pdftoppm
// renders it too where installed), the
// coded warnings when playwright-core or the browser is missing, and the zero-install bundle, which
// carries the templates and leaves playwright-core out.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUNDLE, REPO, cleanEnv, NODE, parseLines } from './helpers/run.js';
import { CHROMIUM, noBrowser } from './helpers/browser.js';
import { readPdf, squeeze } from './helpers/pdf.js';
import { onPath } from './helpers/prereq.js';
import { fakeReport } from './helpers/fake-report.js';
import { reportJson, writeRun } from '../lib/output/write.js';
import { renderHtml } from '../lib/render/html/index.js';
import type { Line, Report } from '../lib/types.js';

const CLI = path.join(REPO, 'dist', 'lib', 'cli', 'main.js');

function tmp(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'llmr-render-'));
}

/** A run directory holding a fake report.json; returns the directory and the report. */
function runDir(opts: Parameters<typeof fakeReport>[0] = {}): { dir: string; report: Report; json: string } {
  const dir = tmp();
  const report = fakeReport(opts) as unknown as Report;
  const json = reportJson(report);
  writeFileSync(path.join(dir, 'report.json'), json);
  return { dir, report, json };
}

function cli(args: string[], cwd: string, bin = CLI): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(NODE, [bin, ...args], { cwd, env: cleanEnv(), encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function sh(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

const sha256 = (b: string | Buffer): string => createHash('sha256').update(b).digest('hex');

describe('llm-report render --pdf', () => {
  it('prints an A4 PDF with the run id, page numbers and the report hash on every page, and it renders', { skip: noBrowser }, async () => {
    const { dir, report, json } = runDir({ tests: 300, xss: true });
    const r = cli(['render', dir, '--pdf', '--chromium', CHROMIUM], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /wrote .*report\.html/);
    assert.match(r.stdout, /wrote .*report\.pdf/);
    const pdf = path.join(dir, 'report.pdf');
    const pages = await readPdf(readFileSync(pdf));
    for (const p of pages) assert.deepEqual([Math.floor(p.width), Math.floor(p.height)], [595, 842], 'A4 in points');
    assert.ok(pages.length >= 5, `${pages.length} pages`);
    const hash = sha256(json);
    pages.forEach((p, i) => {
      const text = squeeze(p.text);
      assert.ok(text.includes(squeeze(`run ${report.run.run_id}`)), `page ${i + 1}: run id`);
      assert.ok(text.includes(`Page${i + 1}of${pages.length}`), `page ${i + 1}: page number`);
      assert.ok(text.includes(hash), `page ${i + 1}: report hash`);
    });
    // Every test is in it (all detail expanded), hostile text as text.
    const flat = squeeze(pages.map((p) => p.text).join(''));
    for (const t of report.tests) assert.ok(flat.includes(squeeze(t.name)), `test ${t.name} in the PDF`);
    assert.ok(flat.includes(squeeze('window.__xss = 1')), 'payload printed literally');
    // It draws: text and filled shapes on the first page.
    assert.ok(pages[0]!.textOps > 10 && pages[0]!.fillOps > 0, `first page: ${pages[0]!.textOps} text, ${pages[0]!.fillOps} fill operators`);
    // Where poppler is installed, it renders the first page with ink on it (optional: the checks above
    // are the contract; this one adds a second reader).
    if (onPath('pdftoppm')) {
      const out = path.join(dir, 'page');
      sh('pdftoppm', ['-f', '1', '-l', '1', '-r', '30', '-gray', pdf, out]);
      const pgm = readdirSync(dir).find((f) => f.startsWith('page') && f.endsWith('.pgm'));
      assert.ok(pgm, 'pdftoppm wrote an image');
      const img = readFileSync(path.join(dir, pgm));
      const header = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(img.subarray(0, 40).toString('latin1'))!;
      const pixels = img.subarray(header[0].length);
      assert.equal(pixels.length, Number(header[1]) * Number(header[2]));
      const dark = pixels.filter((v) => v < 128).length;
      assert.ok(dark > pixels.length * 0.01, `${dark} dark pixels of ${pixels.length}`);
    }
  });

  it('without the browser: a coded error, exit 1, and report.html still written', () => {
    const { dir } = runDir();
    const r = cli(['render', path.join(dir, 'report.json'), '--out', 'out', '--pdf', '--chromium', '/nonexistent/chromium'], dir);
    assert.equal(r.status, 1);
    // One line, and it says how to get a browser.
    assert.match(r.stderr, /^llm-report render: LLMR_PDF_UNAVAILABLE: no PDF: no browser at \/nonexistent\/chromium: install Chromium \(apt-get install chromium\) or npm i -D @sparticuz\/chromium, or set chromium_path \/ --chromium\n$/);
    assert.ok(existsSync(path.join(dir, 'out', 'report.html')));
    assert.ok(!existsSync(path.join(dir, 'out', 'report.pdf')));
  });

  it('with no --chromium and no chromium_path: the browser at /usr/bin/chromium, else the one @sparticuz/chromium carries', { skip: noBrowser }, async () => {
    const { dir, report } = runDir();
    const r = cli(['render', '.', '--pdf', '--no-html'], dir);
    assert.equal(r.status, 0, r.stderr);
    const pages = await readPdf(readFileSync(path.join(dir, 'report.pdf')));
    assert.ok(squeeze(pages[0]!.text).includes(squeeze(`run ${report.run.run_id}`)));
  });

  it('bad input: clear, located errors and exit 2', () => {
    const dir = tmp();
    writeFileSync(path.join(dir, 'bad.json'), '{\n  "run": {\n    "status": oops\n}');
    let r = cli(['render', 'bad.json'], dir);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /bad\.json is not valid JSON: .*\(line 3, column \d+\)/);
    writeFileSync(path.join(dir, 'shape.json'), JSON.stringify({ run: { status: 'passed', run_id: 'x' }, summary: {}, tests: {}, suites: [], files: [], warnings: [] }));
    r = cli(['render', 'shape.json'], dir);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /shape\.json: "tests" must be an array/);
    r = cli(['render', dir], dir);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /cannot read report\.json/);
    r = cli(['render', 'bad.json', '--frobnicate'], dir);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown option --frobnicate/);
    r = cli(['render', '--help'], dir);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /Usage: llm-report render/);
  });
});

describe('zero-install bundle', () => {
  it('renders the same page from the templates inlined in dist/llm-report.mjs, alone in a directory', () => {
    const { dir, report, json } = runDir({ xss: true });
    copyFileSync(BUNDLE, path.join(dir, 'llm-report.mjs'));
    const r = cli(['render', 'report.json'], dir, path.join(dir, 'llm-report.mjs'));
    assert.equal(r.status, 0, r.stderr);
    // Compared by hash: the same page as dist/ renders from the same report.json.
    const expected = renderHtml(JSON.parse(json) as Report, { reportSha256: sha256(json) });
    assert.equal(sha256(readFileSync(path.join(dir, 'report.html'))), sha256(expected));
    assert.ok(expected.includes(report.run.run_id));
    const bundle = readFileSync(BUNDLE, 'utf8');
    assert.ok(!bundle.includes('node_modules/playwright-core'), 'playwright-core is not bundled');
  });

  it('without playwright-core installed: LLMR_PDF_UNAVAILABLE naming it, the HTML still written', () => {
    const { dir } = runDir();
    copyFileSync(BUNDLE, path.join(dir, 'llm-report.mjs'));
    const r = cli(['render', '.', '--pdf', '--chromium', CHROMIUM], dir, path.join(dir, 'llm-report.mjs'));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /LLMR_PDF_UNAVAILABLE: no PDF: playwright-core is not installed/);
    assert.ok(existsSync(path.join(dir, 'report.html')));
  });
});

describe('writeRun page outputs', () => {
  const lines = (report: Report): Line[] => [...report.tests, ...report.warnings.map((w) => ({ type: 'warning' as const, ...w }))];

  it('writes report.html, and with pdf on report.pdf (through `llm-report render` in a child process)', { skip: noBrowser }, () => {
    const dir = tmp();
    const report = fakeReport() as unknown as Report;
    writeRun(dir, report, lines(report), { html: true, pdf: true, chromiumPath: CHROMIUM });
    const json = readFileSync(path.join(dir, 'report.json'));
    const html = readFileSync(path.join(dir, 'report.html'), 'utf8');
    assert.ok(html.includes(sha256(json)), 'the page names the hash of report.json');
    assert.equal(readFileSync(path.join(dir, 'report.pdf')).subarray(0, 5).toString(), '%PDF-');
  });

  it('pdf on without a browser: warning LLMR_PDF_UNAVAILABLE in report.json, results.ndjson and the page; no PDF', () => {
    const dir = tmp();
    const report = fakeReport() as unknown as Report;
    writeRun(dir, report, lines(report), { html: true, pdf: true, chromiumPath: '/nonexistent/chromium' });
    const written = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as Report;
    const w = written.warnings.find((x) => x.code === 'LLMR_PDF_UNAVAILABLE');
    assert.ok(w && /no browser at \/nonexistent\/chromium/.test(w.message));
    assert.deepEqual(written.warnings.map((x) => x.code), [...written.warnings.map((x) => x.code)].sort(), 'warnings stay sorted');
    const results = parseLines(readFileSync(path.join(dir, 'results.ndjson'), 'utf8'));
    assert.equal(results.filter((l) => l.type === 'warning' && l.code === 'LLMR_PDF_UNAVAILABLE').length, 1);
    assert.ok(readFileSync(path.join(dir, 'report.html'), 'utf8').includes('LLMR_PDF_UNAVAILABLE'));
    assert.ok(!existsSync(path.join(dir, 'report.pdf')));
    assert.equal(report.warnings.length, 2, "the caller's report is not changed");
  });

  it('html off: no page', () => {
    const dir = tmp();
    const report = fakeReport() as unknown as Report;
    writeRun(dir, report, lines(report), { html: false });
    assert.ok(existsSync(path.join(dir, 'report.json')));
    assert.ok(!existsSync(path.join(dir, 'report.html')));
  });
});
