// The HTML page of a real aggregate (three runs of the counter fixture, whose "flaky" test fails on the
// second run only), in real Chromium: the flaky filter shows exactly the flaky tests, the detail lists
// the three outcomes in order with the run each came from, the "Aggregated from" section lists every
// source with its sha256, run id and group id; hostile names and paths stay inert text.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { axe, launch, noBrowser, assertClean as clean, openReport, ready, type Opened } from './helpers/browser.js';
import { cli, readOutputs, runInto } from './helpers/aggregate.js';
import { XSS, XSS_TEXT } from './helpers/fake-report.js';
import { copyFixture, REPO } from './helpers/run.js';
import { renderHtml } from '../lib/render/html/index.js';
import type { Report } from '../lib/types.js';

let browser: Browser;
let dir: string;
const runIds: string[] = [];

before(async () => {
  if (noBrowser) return;
  dir = copyFixture('counter');
  for (let i = 1; i <= 3; i++) runIds.push(runInto(dir, `runs/run-${i}`).out.report.run.run_id);
  // Shuffled inputs: the page follows the runs' start times, as report.json does.
  for (const policy of ['latest', 'all']) {
    const r = cli(['aggregate', 'runs/run-3', 'runs/run-1', 'runs/run-2', '--policy', policy, '--out', policy], dir);
    assert.equal(r.status, policy === 'all' ? 1 : 0, r.stderr);
  }
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

const report = (policy: string): Report => readOutputs(path.join(dir, policy)).report;

async function openFile(policy: string, hash?: string): Promise<Opened> {
  const o = await openReport(browser, { file: path.join(dir, policy, 'report.html') }, hash ? { hash } : {});
  await ready(o.page);
  return o;
}


const rowIds = (page: Page): Promise<string[]> => page.$$eval('#rows .row.t a', (els) => els.map((e) => (e.getAttribute('href') ?? '').replace('#test-', '')));
const historyItems = (page: Page): Promise<Array<{ status: string; text: string }>> =>
  page.$$eval('#detail ol.history li', (els) => els.map((e) => ({ status: e.getAttribute('data-status') ?? '', text: e.textContent ?? '' })));

describe('HTML of an aggregate in Chromium', { skip: noBrowser }, () => {
  it('the flaky filter shows exactly the flaky tests (latest: one of two; all: its three attempts)', async () => {
    for (const policy of ['latest', 'all']) {
      const r = report(policy);
      const flaky = r.tests.filter((t) => t.flaky).map((t) => t.id);
      assert.ok(flaky.length > 0 && flaky.length < r.tests.length, `${policy}: some tests are flaky, not all`);
      const o = await openFile(policy);
      const page = o.page;
      assert.equal((await rowIds(page)).length, r.tests.length, 'every test listed before filtering');
      assert.equal(await page.isVisible('#f-flaky'), true, 'the filter is offered');
      assert.equal((await page.textContent('#f-flaky-wrap'))?.trim(), `Flaky only flaky ${flaky.length}`);
      // Rows of flaky tests carry the badge; the others do not.
      const badged = await page.$$eval('#rows .row.t a', (els) => els.filter((e) => e.querySelector('.flaky-badge')).map((e) => (e.getAttribute('href') ?? '').replace('#test-', '')));
      assert.deepEqual(badged, flaky);
      await page.check('#f-flaky');
      assert.deepEqual(await rowIds(page), flaky, `${policy}: exactly the flaky tests`);
      assert.match((await page.textContent('#shown')) ?? '', new RegExp(`^Showing ${flaky.length} of ${r.tests.length} tests`));
      await page.click('#f-reset');
      assert.equal(await page.isChecked('#f-flaky'), false);
      assert.equal((await rowIds(page)).length, r.tests.length, 'reset shows every test again');
      clean(o);
      await o.close();
    }
  });

  it('the detail lists the three outcomes in order, each with the source run it came from', async () => {
    const r = report('latest');
    const t = r.tests.find((x) => x.flaky)!;
    const pathOf = new Map(r.aggregate!.sources.map((s) => [s.run_id, s.path]));
    const o = await openFile('latest', `#test-${t.id}`);
    const page = o.page;
    await page.waitForSelector('#detail ol.history li');
    const items = await historyItems(page);
    assert.deepEqual(items.map((i) => i.status), ['passed', 'failed', 'passed']);
    items.forEach((item, i) => {
      assert.ok(item.text.includes(runIds[i]!), `entry ${i + 1} names run ${runIds[i]}`);
      assert.ok(item.text.includes(`runs/run-${i + 1}/results.ndjson`), `entry ${i + 1} names its source: ${item.text}`);
    });
    assert.deepEqual(t.history!.map((e) => pathOf.get(e.run_id)), ['runs/run-1/results.ndjson', 'runs/run-2/results.ndjson', 'runs/run-3/results.ndjson']);
    const facts = (await page.textContent('#detail dl.facts')) ?? '';
    assert.match(facts, /Flaky\s*flaky its outcome differed/);
    assert.match(facts, /From\s*runs\/run-3\/results\.ndjson run /, 'latest: the record is the newest run\'s');
    clean(o);
    await o.close();
  });

  it('"Aggregated from" lists every source with its sha256, run id and group id, and links the flaky tests', async () => {
    const r = report('all');
    const o = await openFile('all');
    const page = o.page;
    // A string: this file is compiled without DOM types.
    const rows = await page.evaluate<string[][]>(`Array.from(document.querySelectorAll('#aggregate table.sources tbody tr')).map((tr) => Array.from(tr.querySelectorAll('td')).map((td) => td.textContent.trim()))`);
    assert.equal(rows.length, 3);
    r.aggregate!.sources.forEach((s, i) => {
      const row = rows[i]!;
      assert.ok(row[0]!.startsWith(s.path), row[0]);
      assert.equal(row[1], s.status);
      assert.equal(row[4], s.run_id);
      assert.equal(row[5], s.group_id);
      assert.equal(row[7], s.sha256);
    });
    assert.match((await page.textContent('#aggregate-h')) ?? '', /Aggregated from 3 source runs in 3 groups/);
    assert.match((await page.textContent('#aggregate .flaky-list')) ?? '', /flaky\s+flaky\s+test\/counter\.test\.js:\d+:\d+: passed, failed, passed/);
    assert.equal(await page.$$eval('#aggregate .groups > li', (els) => els.length), 3);
    // The flaky list links to the test's detail.
    await page.click('#aggregate .flaky-list a');
    await page.waitForSelector('#detail ol.history li');
    assert.equal((await historyItems(page)).length, 3);
    // The new section, badges and history pass axe-core (contrast included), light and dark.
    const AXE = readFileSync(path.join(REPO, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
    assert.deepEqual(await axe(page, AXE), []);
    await page.click('#theme-toggle');
    assert.deepEqual(await axe(page, AXE), []);
    clean(o);
    await o.close();
  });

  it('renders history and attribution server-side too (print mode, no script), escaped', () => {
    const r = report('latest');
    const html = renderHtml(r, { mode: 'print' });
    assert.doesNotMatch(html, /<script>/);
    assert.match(html, /<span class="badge flaky-badge">flaky<\/span>/);
    assert.match(html, /History: passed, failed, passed/);
    assert.match(html, /id="aggregate"/);
    for (const s of r.aggregate!.sources) assert.ok(html.includes(s.sha256));
    // A page without an aggregate has no such section.
    const plain = JSON.parse(readFileSync(path.join(dir, 'runs', 'run-1', 'report.json'), 'utf8')) as Report;
    const plainHtml = renderHtml(plain, { mode: 'print' });
    assert.doesNotMatch(plainHtml, /id="aggregate"|class="badge flaky-badge"|History: /);
  });

  it('hostile test names and source paths never execute and show literally', async () => {
    const r = report('all');
    for (const t of r.tests) if (t.flaky) t.name = `flaky ${XSS_TEXT}`;
    r.aggregate!.sources[1]!.path = `runs/${XSS_TEXT}/results.ndjson`;
    const o = await openReport(browser, { html: renderHtml(r) });
    const page = o.page;
    await ready(page);
    await page.check('#f-flaky');
    await page.evaluate(`document.querySelectorAll('#rows a[href^="#test-"]').forEach((a) => a.click())`);
    await page.waitForSelector('#detail ol.history li');
    await page.click('#aggregate .flaky-list a');
    await page.evaluate(`window.dispatchEvent(new Event('beforeprint'))`);
    assert.equal(await page.evaluate('window.__xss'), undefined, 'no payload ran');
    assert.equal(await page.$$eval('#detail script, #aggregate script, #detail img, #aggregate img, #detail svg, #aggregate iframe', (els) => els.length), 0);
    const detail = (await page.textContent('#detail')) ?? '';
    assert.ok(detail.includes(`flaky ${XSS_TEXT}`), 'name literally in the detail');
    assert.ok(detail.includes(`runs/${XSS_TEXT}/results.ndjson`), 'source path literally in the history');
    const section = (await page.textContent('#aggregate')) ?? '';
    assert.ok(section.includes(`runs/${XSS_TEXT}/results.ndjson`), 'source path literally in the sources table');
    assert.ok(section.includes(XSS[0]), 'name literally in the flaky list');
    clean(o);
    await o.close();
  });
});
