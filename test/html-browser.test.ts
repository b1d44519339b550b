// The HTML report in real headless Chromium (the system's or @sparticuz/chromium's, through playwright-core): no network, no
// console errors, hostile text inert and shown literally, filters, sorting, permalinks, keyboard, theme,
// the source view against report.json, axe-core, and the page of a real run of the kitchen fixture.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { axe, launch, noBrowser, openReport, ready, type Opened } from './helpers/browser.js';
import { fakeReport, XSS } from './helpers/fake-report.js';
import { copyFixture, REPO, runNodeTest } from './helpers/run.js';
import { renderHtml } from '../lib/render/html/index.js';
import type { RenderReport } from '../lib/render/html/types.js';

const AXE = readFileSync(path.join(REPO, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

let browser: Browser;
before(async () => {
  if (noBrowser) return;
  browser = await launch();
});
after(async () => {
  await browser?.close();
});

async function open(report: RenderReport, opts: Parameters<typeof openReport>[2] = {}): Promise<Opened> {
  const o = await openReport(browser, { html: renderHtml(report) }, opts);
  await ready(o.page);
  return o;
}

/** The page stayed offline and quiet. */
function clean(o: Opened, loads = 1): void {
  assert.deepEqual(o.blocked, [], 'no request besides the document');
  assert.equal(o.requests.length, loads, `one request per load: ${o.requests.join(', ')}`);
  assert.deepEqual(o.consoleErrors, [], 'no console errors');
  assert.deepEqual(o.pageErrors, [], 'no page errors');
}

const shown = (page: Page): Promise<string> => page.textContent('#shown').then((t) => t ?? '');
const rowNames = (page: Page): Promise<string[]> => page.$$eval('#rows .row.t .name', (els) => els.map((e) => e.textContent ?? ''));
const selectedName = (page: Page): Promise<string> => page.textContent('#detail h3').then((t) => (t ?? '').replace(/^\s*\S+\s+/, ''));

describe('HTML report in Chromium', { skip: noBrowser }, () => {
  it('opens with zero network requests and no console errors, light and dark, narrow and wide', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      for (const width of [1280, 600]) {
        const o = await open(fakeReport({ tests: 300 }), { colorScheme, width });
        // Exercise everything that builds DOM: every detail (with source views), sorting, print.
        for (const sort of ['name-asc', 'dur-desc', 'source']) await o.page.selectOption('#sort', sort);
        await o.page.evaluate(`document.querySelectorAll('#rows a[href^="#test-"]').forEach((a) => a.click())`);
        await o.page.evaluate(`window.dispatchEvent(new Event('beforeprint')); window.dispatchEvent(new Event('afterprint'))`);
        clean(o);
        await o.close();
      }
    }
  });

  it('hostile text in names, errors, output, metadata and the annotation never executes and shows literally', async () => {
    const report = fakeReport({ xss: true });
    const o = await open(report, { hash: '#test-0000000000000002' });
    const page = o.page;
    // Visit every test's detail, open every source view and every <details>, hover everything, print.
    for (const t of report.tests) {
      await page.evaluate(`location.hash = '#test-${t.id}'`);
      await page.waitForFunction(`document.querySelector('#detail h3')?.textContent.includes(${JSON.stringify(t.name.slice(0, 20))})`);
      await page.evaluate(`document.querySelectorAll('details').forEach((d) => { d.open = true; })`);
      await page.hover('#detail h3');
    }
    await page.evaluate(`window.dispatchEvent(new Event('beforeprint'))`);
    await page.fill('#q', XSS[1]);
    await page.selectOption('#sort', 'name-asc');
    assert.equal(await page.evaluate('window.__xss'), undefined, 'no payload ran');
    // Literal text, exactly as in report.json.
    const divides = report.tests.find((t) => t.id === '0000000000000002')!;
    await page.evaluate(`location.hash = '#test-${divides.id}'`);
    const detail = (await page.textContent('#detail')) ?? '';
    assert.ok(detail.includes(divides.name), 'test name literally in the detail');
    assert.ok(detail.includes(divides.failure!.message), 'error message literally');
    assert.ok(detail.includes(divides.annotation!.likely_cause!), 'annotation literally');
    const body = (await page.textContent('body')) ?? '';
    for (const p of XSS) assert.ok(body.includes(p), `shown literally: ${p}`);
    assert.equal(await page.$$eval('img, iframe, textarea, svg', (els) => els.length), 0, 'no element was injected');
    assert.equal(await page.evaluate('window.__xss'), undefined);
    clean(o);
    await o.close();
  });

  it('filters by status, file, requirement and free text, by clicks and keys', async () => {
    const report = fakeReport({ tests: 500, files: 5 });
    const o = await open(report);
    const page = o.page;
    const total = report.tests.length;
    assert.equal(await shown(page), `Showing ${total} of ${total} tests.`);
    // Status: untick passed (click) and skipped (keyboard: focus + Space).
    await page.click('#st-passed');
    await page.focus('#st-skipped');
    await page.keyboard.press('Space');
    const left = report.tests.filter((t) => t.status !== 'passed' && t.status !== 'skipped').length;
    assert.equal(await shown(page), `Showing ${left} of ${total} tests.`);
    const badges = await page.$$eval('#rows .row.t .badge', (els) => [...new Set(els.map((e) => e.textContent))]);
    assert.ok(!badges.includes('passed') && !badges.includes('skipped') && badges.includes('failed'), badges.join());
    // File (select by keyboard).
    await page.focus('#f-file');
    await page.selectOption('#f-file', { label: 'test/gen/file-0002.test.js (100)' });
    const inFile = report.tests.filter((t) => t.entry_file === 'test/gen/file-0002.test.js' && t.status !== 'passed' && t.status !== 'skipped').length;
    assert.ok(inFile > 0);
    assert.equal(await shown(page), `Showing ${inFile} of ${total} tests.`);
    // Reset, then requirement.
    await page.click('#f-reset');
    assert.equal(await shown(page), `Showing ${total} of ${total} tests.`);
    await page.selectOption('#f-req', 'REQ-2');
    assert.deepEqual((await rowNames(page)).sort(), ['adds numbers', 'divides by zero']);
    await page.click('#f-reset');
    // Free text, typed after the "/" shortcut; words must all match, case-insensitively.
    await page.click('#summary-h');
    await page.keyboard.press('/');
    assert.equal(await page.evaluate('document.activeElement.id'), 'q');
    await page.keyboard.type('GENERATED test 12');
    const words = ['generated', 'test', '12'];
    const expected = report.tests.filter((t) => words.every((w) => [...t.path, t.name].join(' › ').toLowerCase().concat(' ', t.entry_file, ' ', t.id).includes(w))).length;
    assert.ok(expected > 5 && expected < 100, `${expected}`);
    assert.equal(await shown(page), `Showing ${expected} of ${total} tests.`);
    await page.keyboard.press('Escape');
    assert.equal(await shown(page), `Showing ${total} of ${total} tests.`);
    await page.fill('#q', 'no such test anywhere');
    assert.equal(await shown(page), `Showing 0 of ${total} tests: none match the filters.`);
    clean(o);
    await o.close();
  });

  it('sorts by name and by duration', async () => {
    const report = fakeReport({ tests: 200, files: 2 });
    const o = await open(report);
    const page = o.page;
    const full = report.tests.map((t) => ({ name: [...t.path, t.name].join(' › '), d: t.duration_ms }));
    await page.selectOption('#sort', 'name-asc');
    const byName = [...full].map((t) => t.name).sort((a, b) => (a.toLowerCase() < b.toLowerCase() ? -1 : a.toLowerCase() > b.toLowerCase() ? 1 : 0));
    const first = await rowNames(page);
    assert.ok(first.length >= 15, `${first.length} rows rendered`);
    assert.deepEqual(first, byName.slice(0, first.length));
    await page.selectOption('#sort', 'name-desc');
    assert.deepEqual(await rowNames(page), [...byName].reverse().slice(0, first.length));
    await page.selectOption('#sort', 'dur-desc');
    const durs = await page.$$eval('#rows .row.t', (els) => els.map((e) => e.querySelector('.name')!.textContent!));
    const slowest = [...full].sort((a, b) => b.d - a.d).slice(0, durs.length).map((t) => t.d);
    const shownDurs = durs.map((n) => full.find((t) => t.name === n)!.d);
    assert.deepEqual(shownDurs, slowest);
    await page.selectOption('#sort', 'dur-asc');
    const fastest = (await rowNames(page)).map((n) => full.find((t) => t.name === n)!.d);
    assert.deepEqual(fastest, [...fastest].sort((a, b) => a - b));
    assert.equal(fastest[0], Math.min(...full.map((t) => t.d)));
    clean(o);
    await o.close();
  });

  it('permalinks: #test-<id> opens that test, clicking a row sets it, Back returns', async () => {
    const report = fakeReport({ tests: 2000, files: 4 });
    const deep = report.tests[1700]!;
    const o = await open(report, { hash: `#test-${deep.id}` });
    const page = o.page;
    assert.equal(await selectedName(page), deep.name);
    assert.equal(await page.getAttribute(`#rows a[href="#test-${deep.id}"]`, 'aria-current'), 'true', 'row scrolled into the window and marked');
    // A test hidden by a filter: the permalink clears the filter.
    await page.click('#st-passed');
    const passed = report.tests.find((t) => t.status === 'passed' && t.entry_file === 'test/math.test.js')!;
    await page.evaluate(`location.hash = '#test-${passed.id}'`);
    await page.waitForFunction(`document.querySelector('#detail h3').textContent.includes(${JSON.stringify(passed.name)})`);
    assert.equal(await page.isChecked('#st-passed'), true);
    // Click a row: the URL follows; Back goes to the previous test.
    const other = report.tests[5]!;
    await page.evaluate(`location.hash = '#test-${other.id}'`);
    await page.waitForFunction(`document.querySelector('#detail h3').textContent.includes(${JSON.stringify(other.name)})`);
    const next = await page.$eval(`#rows a[href="#test-${other.id}"]`, (a) => a.closest('li')!.nextElementSibling!.querySelector('a')!.getAttribute('href'));
    assert.ok(next?.startsWith('#test-'));
    await page.click(`#rows a[href="${next}"]`);
    assert.equal(new URL(page.url()).hash, next);
    await page.goBack();
    await page.waitForFunction(`document.querySelector('#detail h3').textContent.includes(${JSON.stringify(other.name)})`);
    clean(o);
    await o.close();
  });

  it('keyboard: arrows move through the list, Enter opens, Left/Right collapse and expand a group', async () => {
    const report = fakeReport();
    const o = await open(report);
    const page = o.page;
    await page.focus('#list');
    await page.keyboard.press('ArrowDown'); // onto the first row: the file group
    const focused = (): Promise<string> => page.evaluate<string>(`document.activeElement.textContent`);
    assert.match(await focused(), /test\/clamp\.test\.js/);
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    assert.match(await focused(), /times out/);
    await page.keyboard.press('Enter');
    assert.equal(await selectedName(page), 'times out');
    assert.equal(new URL(page.url()).hash, '#test-0000000000000007');
    // Left from a test goes to its group; Left again collapses it; Right expands.
    await page.keyboard.press('ArrowLeft');
    assert.match(await focused(), /test\/clamp\.test\.js/);
    await page.keyboard.press('ArrowLeft');
    assert.equal(await page.getAttribute('#rows [data-r="0"]', 'aria-expanded'), 'false');
    assert.ok(!(await rowNames(page)).includes('times out'));
    await page.keyboard.press('ArrowRight');
    assert.equal(await page.getAttribute('#rows [data-r="0"]', 'aria-expanded'), 'true');
    assert.ok((await rowNames(page)).includes('times out'));
    await page.keyboard.press('End');
    assert.match(await focused(), /is todo/);
    await page.keyboard.press('Home');
    assert.match(await focused(), /test\/clamp\.test\.js/);
    // Click toggles a group too.
    await page.click('#rows [data-r="0"]');
    assert.equal(await page.getAttribute('#rows [data-r="0"]', 'aria-expanded'), 'false');
    clean(o);
    await o.close();
  });

  it('long lists stay virtual: a few dozen rows in the DOM, keyboard focus survives scrolling', async () => {
    const o = await open(fakeReport({ tests: 5000, files: 10 }));
    const page = o.page;
    const count = await page.$$eval('#rows > li', (els) => els.length);
    assert.ok(count > 10 && count < 80, `${count} rows in the DOM`);
    await page.focus('#list');
    for (let i = 0; i < 60; i++) await page.keyboard.press('ArrowDown');
    assert.equal(await page.evaluate(`document.activeElement.getAttribute('data-r')`), '59');
    await page.keyboard.press('PageDown');
    assert.ok(Number(await page.evaluate(`document.activeElement.getAttribute('data-r')`)) > 65);
    await page.keyboard.press('End');
    assert.equal(Number(await page.evaluate(`document.activeElement.getAttribute('data-r')`)), (await page.evaluate<number>(`document.getElementById('rows').offsetHeight`)) / 30 - 1);
    clean(o);
    await o.close();
  });

  it('theme: follows the system, the toggle switches by click and keyboard, and the choice survives a reload', async () => {
    const o = await open(fakeReport(), { colorScheme: 'dark' });
    const page = o.page;
    const bg = (): Promise<string> => page.evaluate<string>(`getComputedStyle(document.body).backgroundColor`);
    const dark = await bg();
    assert.equal(await page.getAttribute('#theme-toggle', 'aria-pressed'), 'true');
    await page.click('#theme-toggle');
    assert.equal(await page.getAttribute('html', 'data-theme'), 'light');
    const light = await bg();
    assert.notEqual(light, dark);
    assert.equal(light, 'rgb(255, 255, 255)');
    await page.reload();
    await ready(page);
    assert.equal(await page.getAttribute('html', 'data-theme'), 'light', 'remembered');
    assert.equal(await bg(), light);
    await page.focus('#theme-toggle');
    await page.keyboard.press('Enter');
    assert.equal(await page.getAttribute('html', 'data-theme'), 'dark');
    assert.equal(await bg(), dark);
    assert.equal(await page.textContent('#theme-toggle'), 'Dark mode: on');
    clean(o, 2);
    await o.close();
  });

  it('the source view highlights exactly the lines each test executed, as report.json has them', async () => {
    const report = fakeReport({ tests: 40, files: 1 });
    const o = await open(report);
    const page = o.page;
    let checked = 0;
    for (const t of report.tests) {
      if (!t.coverage?.length) continue;
      await page.evaluate(`location.hash = '#test-${t.id}'`);
      await page.waitForFunction(`document.querySelector('#detail h3').textContent.includes(${JSON.stringify(t.name)})`);
      for (const c of t.coverage) {
        const sel = `#detail details.source[data-file="${c.file}"]`;
        if (!report.sources![c.file]) {
          assert.equal(await page.$(sel), null);
          continue;
        }
        await page.$eval(sel, (d) => ((d as unknown as { open: boolean }).open = true));
        const hit = await page.$$eval(`${sel} .line.hit`, (els) => els.map((e) => Number(e.getAttribute('data-line'))));
        const all = await page.$$eval(`${sel} .line`, (els) => els.length);
        const expected = c.lines.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, i) => a + i));
        assert.deepEqual(hit, expected, `${t.name} ${c.file}`);
        assert.equal(all, report.sources![c.file]!.replace(/\n$/, '').split('\n').length, 'every source line shown');
        checked++;
      }
    }
    assert.ok(checked >= 6, `${checked} source views checked`);
    clean(o);
    await o.close();
  });

  it('axe-core finds no serious or critical violations (light and dark, detail and source view open)', async () => {
    for (const colorScheme of ['light', 'dark'] as const) {
      const o = await open(fakeReport({ tests: 100, xss: true }), { colorScheme, hash: '#test-0000000000000003' });
      await o.page.evaluate(`document.querySelectorAll('details').forEach((d) => { d.open = true; })`);
      const violations = await axe(o.page, AXE);
      const bad = violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
      assert.deepEqual(bad, [], `${colorScheme}: ${JSON.stringify(bad, null, 1)}`);
      clean(o);
      await o.close();
    }
  });

  it('the page of a real run (kitchen fixture through node --test) opens cleanly and lists every test', async () => {
    const run = runNodeTest(copyFixture('kitchen'));
    const file = path.join(run.dir, 'llm-report', 'report.html');
    assert.ok(existsSync(file), `report.html written by the reporter; stderr: ${run.stderr}`);
    const o = await openReport(browser, { file });
    await ready(o.page);
    const n = run.report!.tests.length;
    assert.equal(await shown(o.page), `Showing ${n} of ${n} tests.`);
    const failed = run.report!.tests.find((t) => t.status === 'failed' && t.failure?.kind !== 'subtests')!;
    await o.page.evaluate(`location.hash = '#test-${failed.id}'`);
    await o.page.waitForFunction(`document.querySelector('#detail h3').textContent.includes(${JSON.stringify(failed.name)})`);
    const violations = (await axe(o.page, AXE)).filter((v) => v.impact === 'serious' || v.impact === 'critical');
    assert.deepEqual(violations, []);
    clean(o);
    await o.close();
  });
});
