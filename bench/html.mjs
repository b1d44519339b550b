// The HTML report at scale, in headless Chromium (the system chromium through playwright-core):
//   - render time of renderHtml() and the page size at 10k and 50k tests (size must grow linearly);
//   - time to interactive: navigation start to the page script's 'llmr-ready' mark (list shown,
//     filters live), median of several opens; target <= 2000 ms at 50,000 tests;
//   - filter time: from a filter change (typing in the search box, unticking a status, choosing a
//     file) to the next frame with the new list; target <= 150 ms.
//   npm run build && node bench/html.mjs [--rounds=N] [--sizes=10000,50000]
// Results go to bench/results/latest.json through bench/lib/results.mjs, and a table to stdout.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO } from './lib/generate.mjs';
import { record, table } from './lib/results.mjs';

const dist = (p) => import(pathToFileURL(path.join(REPO, 'dist', p)).href);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

/** Time from a change to the frame after the list was rebuilt, measured inside the page. */
const FILTERS = {
  search: `(() => { const q = document.getElementById('q'); q.value = 'checks value 12'; q.dispatchEvent(new Event('input')); })`,
  status: `(() => document.getElementById('st-passed').click())`,
  file: `(() => { const s = document.getElementById('f-file'); s.selectedIndex = 2; s.dispatchEvent(new Event('change')); })`,
  sort: `(() => { const s = document.getElementById('sort'); s.value = 'dur-desc'; s.dispatchEvent(new Event('change')); })`,
};
const RESET = `(() => { document.getElementById('f-reset').click(); })()`;

async function timeChange(page, change) {
  return page.evaluate(`new Promise((resolve) => {
    const t0 = performance.now();
    (${change})();
    requestAnimationFrame(() => setTimeout(() => resolve(performance.now() - t0), 0));
  })`);
}

export async function benchHtml({ rounds = 5, sizes = [10_000, 50_000], log = console.log } = {}) {
  const { renderHtml } = await dist('lib/render/html/index.js');
  const { fakeReport } = await dist('test/helpers/fake-report.js');
  const { launch, openReport, ready } = await dist('test/helpers/browser.js');
  const work = mkdtempSync(path.join(os.tmpdir(), 'llmr-bench-html-'));
  const browser = await launch();
  const entries = [];
  try {
    const bytes = {};
    for (const n of sizes) {
      const report = fakeReport({ tests: n, files: Math.ceil(n / 100) });
      const renders = [];
      let html = '';
      for (let r = 0; r < Math.min(rounds, 3); r++) {
        const t0 = performance.now();
        html = renderHtml(report);
        renders.push(performance.now() - t0);
      }
      bytes[n] = Buffer.byteLength(html);
      const file = path.join(work, `report-${n}.html`);
      writeFileSync(file, html);
      log(`html: ${n} tests, ${(bytes[n] / 2 ** 20).toFixed(1)} MiB, rendered in ${median(renders).toFixed(0)} ms`);
      entries.push({ name: `html.render_ms.${n}`, value: median(renders), unit: 'ms' });
      entries.push({ name: `html.bytes_per_test.${n}`, value: bytes[n] / n, unit: 'B' });

      const opens = [];
      const filters = Object.fromEntries(Object.keys(FILTERS).map((k) => [k, []]));
      for (let r = 0; r < rounds; r++) {
        const o = await openReport(browser, { file });
        await ready(o.page);
        opens.push(await o.page.evaluate(`performance.getEntriesByName('llmr-ready')[0].startTime`));
        for (const [name, change] of Object.entries(FILTERS)) {
          filters[name].push(await timeChange(o.page, change));
          await o.page.evaluate(RESET);
        }
        if (o.blocked.length || o.consoleErrors.length || o.pageErrors.length) throw new Error(`bench: the page misbehaved: ${JSON.stringify({ blocked: o.blocked, console: o.consoleErrors, errors: o.pageErrors })}`);
        await o.close();
      }
      const big = n >= 50_000;
      entries.push({ name: `html.interactive_ms.${n}`, value: median(opens), unit: 'ms', target: big ? '<= 2000' : undefined, note: `median of ${rounds} opens, navigation start to list shown` });
      for (const [name, times] of Object.entries(filters)) {
        entries.push({ name: `html.filter_ms.${name}.${n}`, value: median(times), unit: 'ms', target: big ? '<= 150' : undefined, note: `median of ${rounds}` });
      }
      log(`html: ${n} tests: interactive ${median(opens).toFixed(0)} ms; filters ${Object.entries(filters).map(([k, v]) => `${k} ${median(v).toFixed(0)} ms`).join(', ')}`);
    }
    if (sizes.length >= 2) {
      const [a, b] = [sizes[0], sizes.at(-1)];
      entries.push({ name: 'html.size_growth', value: bytes[b] / bytes[a] / (b / a), unit: 'x linear', target: '<= 1.1', note: `bytes(${b}) / bytes(${a}) / ${b / a}` });
    }
  } finally {
    await browser.close();
    rmSync(work, { recursive: true, force: true });
  }
  return entries.map((e) => record(e));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const opt = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const stored = await benchHtml({
    rounds: Number(opt('rounds') ?? 5),
    sizes: (opt('sizes') ?? '10000,50000').split(',').map(Number),
  });
  console.log(`\n${table(stored)}`);
  if (stored.some((e) => e.ok === false)) process.exitCode = 1;
}
