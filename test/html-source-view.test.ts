// The source view of report.html (issue #14 §1) on a real run of a fixture project, in real headless
// Chromium: the covered file embedded (redacted, escaped, inert), per line the tests that executed it
// (checked against report.json), a selected test's lines marked, a line's tests each linking to the
// test; the option html_sources.enabled off; no network, CSP intact.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launch, noBrowser, assertClean as clean, openReport, ready, type Opened } from './helpers/browser.js';
import { copyFixture, runNodeTest, type RunResult } from './helpers/run.js';
import type { Report } from '../lib/types.js';

const FILE = 'src/shapes.js';
let browser: Browser;
let run: RunResult;
let report: Report;
before(async () => {
  if (noBrowser) return;
  browser = await launch();
  run = runNodeTest(copyFixture('source-view'));
  assert.equal(run.status, 0, run.stderr);
  report = run.report!;
});
after(async () => {
  await browser?.close();
});

async function open(hash?: string): Promise<Opened> {
  const o = await openReport(browser, { file: path.join(run.dir, 'llm-report', 'report.html') }, hash ? { hash } : {});
  await ready(o.page);
  return o;
}
/** From report.json: the tests (names) that executed `line` of FILE. */
function expectedAt(line: number): string[] {
  return report.tests.filter((t) => t.coverage?.some((c) => c.file === FILE && c.lines.some(([a, b]) => a <= line && line <= b))).map((t) => t.name);
}
const lineOf = (text: string): number => readFileSync(path.join(run.dir, FILE), 'utf8').split('\n').findIndex((l) => l.includes(text)) + 1;

describe('HTML source view on a real run', { skip: noBrowser }, () => {
  it('embeds the covered file and shows per line the number of tests that executed it, as report.json says', async () => {
    const o = await open();
    await o.page.locator('#source-view').scrollIntoViewIfNeeded();
    await o.page.waitForSelector('#sv-code .line');
    assert.equal(await o.page.inputValue('#sv-file'), FILE);
    const lines = await o.page.$$eval('#sv-code .line', (els) => els.map((e) => ({ n: Number(e.getAttribute('data-line')), cnt: e.querySelector('.cnt')?.textContent ?? '', cls: e.className })));
    const src = readFileSync(path.join(run.dir, FILE), 'utf8').replace(/\n$/, '').split('\n');
    assert.equal(lines.length, src.length, 'every source line shown');
    let withTests = 0;
    for (const l of lines) {
      const want = expectedAt(l.n).length;
      if (want) withTests++;
      assert.equal(l.cnt === '' ? 0 : Number(l.cnt), want, `tests of line ${l.n}`);
    }
    assert.ok(withTests >= 5, `several lines executed by tests (${withTests})`);
    // Whole-run state: the never-called function is "not executed".
    assert.match(lines[lineOf('return 42') - 1]!.cls, /uncovered/);
    assert.match(lines[lineOf('return w * h') - 1]!.cls, /covered/);
    clean(o);
    await o.close();
  });

  it('selecting a line lists every test that executed it, each linking to its row and detail', async () => {
    const o = await open();
    await o.page.locator('#source-view').scrollIntoViewIfNeeded();
    await o.page.waitForSelector('#sv-code .line');
    for (const text of ['if (w < 0', 'return w * h', "if (kind === 'square')", 'return 42']) {
      const n = lineOf(text);
      await o.page.click(`#sv-code .line[data-line="${n}"]`);
      const names = await o.page.$$eval('#sv-tests li a', (els) => els.map((a) => (a.textContent ?? '').replace(/^\s*\S+\s+/, '')));
      assert.deepEqual(names, expectedAt(n), `line ${n} (${text})`);
      if (!names.length) assert.match((await o.page.textContent('#sv-tests')) ?? '', /no test executed it/);
    }
    // By number too, and the link opens the test.
    await o.page.fill('#sv-line', String(lineOf('return w * h')));
    await o.page.press('#sv-line', 'Enter');
    await o.page.click('#sv-tests li a');
    await o.page.waitForFunction(`(document.querySelector('#detail h3')?.textContent ?? '').includes('area of a rectangle')`);
    assert.match(o.page.url(), /#test-/);
    clean(o);
    await o.close();
  });

  it('selecting a test marks the lines it executed', async () => {
    const t = report.tests.find((x) => x.name === 'area refuses negative sides')!;
    const o = await open(`#test-${t.id}`);
    await o.page.locator('#source-view').scrollIntoViewIfNeeded();
    await o.page.waitForSelector('#sv-code .line.sel');
    const marked = await o.page.$$eval('#sv-code .line.sel', (els) => els.map((e) => Number(e.getAttribute('data-line'))));
    const want = t.coverage!.find((c) => c.file === FILE)!.lines.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i));
    assert.deepEqual(marked, want);
    // The test's own detail has the source too, not "ranges only".
    assert.ok(!((await o.page.textContent('#detail')) ?? '').includes('not embedded'));
    clean(o);
    await o.close();
  });

  it('html_sources.enabled false: no source embedded, ranges only', () => {
    const off = runNodeTest(copyFixture('source-view'), { env: { LLM_REPORT_HTML_SOURCES__ENABLED: 'false' } });
    assert.equal(off.status, 0, off.stderr);
    const html = readFileSync(path.join(off.dir, 'llm-report', 'report.html'), 'utf8');
    assert.ok(!html.includes('export function area'), 'no source text in the page');
  });
});
