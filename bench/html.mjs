// The HTML report at scale, in headless Chromium (the system chromium through playwright-core):
//   - render time of renderHtml() and the page size at 10k and 50k tests (size must grow linearly);
//   - time to interactive: navigation start to the page script's 'llmr-ready' mark (list shown,
//     filters live), median of several opens; target <= 2000 ms at 50,000 tests;
//   - filter time: from a filter change (typing in the search box, unticking a status, choosing a
//     file) to the next frame with the new list; target <= 150 ms.
//   - the source view (issue #14 §1) at 50,000 tests / 1,000 source files: page size, time to interactive
//     with the sources (A/B against none), opening a file, a line's test list (target <= 100 ms);
//   npm run build && node bench/html.mjs [--rounds=N] [--sizes=10000,50000] [--sources-only] [--source-tests=N] [--source-files=N]
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

/** A report with per-test coverage over `sources` source files, each embedded (what html_sources does):
 *  every test executes lines of its own module and of one shared helper (the worst line: every test). */
function withSourceFiles(report, sources) {
  const mod = (i) => `src/mod-${String(i).padStart(4, '0')}.js`;
  const text = (name, lines) => Array.from({ length: lines }, (_, l) => (l % 9 === 8 ? '' : `  const v${l} = compute(${JSON.stringify(name)}, ${l}); // line ${l + 1} of ${name}`)).join('\n') + '\n';
  const files = {};
  const runLines = {};
  for (let i = 0; i < sources; i++) { files[mod(i)] = text(mod(i), 60); runLines[mod(i)] = { c: [[1, 48]], n: 60 }; }
  files['src/shared/util.js'] = text('util', 60);
  runLines['src/shared/util.js'] = { c: [[1, 40]], n: 60 };
  report.tests.forEach((t, i) => {
    const o = i % 20;
    t.coverage = [{ file: mod(i % sources), lines: [[1, 3], [10 + o, 14 + o], [40, 45]] }, { file: 'src/shared/util.js', lines: [[1, 5], [20, 22]] }];
  });
  return { ...report, sources: files, source_lines: runLines };
}

/** Time from a change in the source view to the next frame, measured inside the page. */
const SOURCE_STEPS = {
  open_file: `(() => { const s = document.getElementById('sv-file'); s.value = 'src/shared/util.js'; s.dispatchEvent(new Event('change')); })`,
  line_all_tests: `(() => document.querySelector('#sv-code .line[data-line="2"]').click())`,
  line_again: `(() => document.querySelector('#sv-code .line[data-line="21"]').click())`,
  open_module: `(() => { const s = document.getElementById('sv-file'); s.value = 'src/mod-0500.js'; s.dispatchEvent(new Event('change')); })`,
  line_module: `(() => document.querySelector('#sv-code .line[data-line="12"]').click())`,
};

/** The source view at scale (issue #14 §1): page size, time to interactive with the sources embedded
 *  (A/B against the same report without them, alternating), opening a file and a line's test list. */
export async function benchSourceView({ rounds = 5, tests = 50_000, sources = 1_000, log = console.log } = {}) {
  const { renderHtml } = await dist('lib/render/html/index.js');
  const { fakeReport } = await dist('test/helpers/fake-report.js');
  const { launch, openReport, ready } = await dist('test/helpers/browser.js');
  const work = mkdtempSync(path.join(os.tmpdir(), 'llmr-bench-src-'));
  const browser = await launch();
  const entries = [];
  try {
    const report = withSourceFiles(fakeReport({ tests, files: Math.ceil(tests / 100) }), sources);
    const withSrc = path.join(work, 'with.html');
    const without = path.join(work, 'without.html');
    const html = renderHtml(report);
    writeFileSync(withSrc, html);
    writeFileSync(without, renderHtml({ ...report, sources: undefined, source_lines: undefined }));
    // The reference: the same tests without per-test coverage or sources (the page docs/html.md measures).
    const plain = path.join(work, 'plain.html');
    writeFileSync(plain, renderHtml({ ...report, sources: undefined, source_lines: undefined, tests: report.tests.map((t) => ({ ...t, coverage: undefined })) }));
    const bytes = Buffer.byteLength(html);
    const srcBytes = Object.values(report.sources).reduce((n, t) => n + Buffer.byteLength(t), 0);
    log(`html: source view, ${tests} tests, ${sources} source files (${(srcBytes / 2 ** 20).toFixed(1)} MiB of source): page ${(bytes / 2 ** 20).toFixed(1)} MiB`);
    entries.push({ name: `html.sources.page_mib.${tests}`, value: bytes / 2 ** 20, unit: 'MiB', note: `${sources} source files embedded (${(srcBytes / 2 ** 20).toFixed(1)} MiB), per-test coverage of 2 files per test` });
    const opens = { with: [], without: [], plain: [] };
    const load = os.loadavg()[0];
    const parsed = [];
    const steps = Object.fromEntries(Object.keys(SOURCE_STEPS).map((k) => [k, []]));
    for (let r = 0; r < rounds; r++) {
      const order = [['with', withSrc], ['without', without], ['plain', plain]];
      for (const [kind, file] of r % 2 ? order.reverse() : order) {
        const o = await openReport(browser, { file });
        await ready(o.page);
        opens[kind].push(await o.page.evaluate(`performance.getEntriesByName('llmr-ready')[0].startTime`));
        if (kind === 'with') {
          parsed.push(await o.page.evaluate(`new Promise((r) => { const t = () => r(performance.getEntriesByType('navigation')[0].domContentLoadedEventStart); document.readyState === 'loading' ? document.addEventListener('DOMContentLoaded', () => setTimeout(t, 0)) : t(); })`));
          await o.page.evaluate(`document.getElementById('source-view').scrollIntoView()`);
          await o.page.waitForSelector('#sv-code .line');
          for (const [name, change] of Object.entries(SOURCE_STEPS)) steps[name].push(await timeChange(o.page, change));
          const listed = await o.page.evaluate(`document.querySelectorAll('#sv-tests li').length`);
          if (listed < 1) throw new Error('bench: the line lists no test');
        }
        if (o.blocked.length || o.consoleErrors.length || o.pageErrors.length) throw new Error(`bench: the page misbehaved: ${JSON.stringify({ blocked: o.blocked, console: o.consoleErrors, errors: o.pageErrors })}`);
        await o.close();
      }
    }
    entries.push({ name: `html.sources.interactive_ms.${tests}`, value: median(opens.with), unit: 'ms', target: '<= 2000', note: `median of ${rounds} opens with ${sources} sources embedded; without them: ${median(opens.without).toFixed(0)} ms (alternating)` });
    entries.push({ name: `html.sources.parsed_ms.${tests}`, value: median(parsed), unit: 'ms', note: 'navigation start to DOMContentLoaded: the sources block (after the page script) parsed too' });
    entries.push({ name: `html.sources.interactive_ratio.${tests}`, value: median(opens.with) / median(opens.without), unit: 'x', note: 'with sources / without, same report, opens alternating' });
    entries.push({ name: `html.sources.interactive_vs_plain.${tests}`, value: median(opens.with) / median(opens.plain), unit: 'x', note: `with per-test coverage and sources / the same tests with neither (${median(opens.plain).toFixed(0)} ms), alternating; load average ${load.toFixed(1)} at the start` });
    const targets = { line_all_tests: '<= 100', line_again: '<= 100', line_module: '<= 100' };
    const notes = {
      open_file: 'choose the helper every test executed: reverse index built, 60 lines drawn with per-line counts',
      line_all_tests: `a line executed by all ${tests} tests (first ${200} listed, "show all" for the rest)`,
      line_again: 'another line of that file (index already built)',
      open_module: `a module executed by ${Math.round(tests / sources)} tests`,
      line_module: 'a line of that module',
    };
    for (const [name, times] of Object.entries(steps)) entries.push({ name: `html.sources.${name}_ms.${tests}`, value: median(times), unit: 'ms', target: targets[name], note: `median of ${rounds}: ${notes[name]}` });
    log(`html: source view (load average ${load.toFixed(1)}): interactive ${median(opens.with).toFixed(0)} ms (without sources ${median(opens.without).toFixed(0)} ms, neither coverage nor sources ${median(opens.plain).toFixed(0)} ms); ${Object.entries(steps).map(([k, v]) => `${k} ${median(v).toFixed(0)} ms`).join(', ')}`);
  } finally {
    await browser.close();
    rmSync(work, { recursive: true, force: true });
  }
  return entries.map((e) => record(e));
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const opt = (name) => process.argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const rounds = Number(opt('rounds') ?? 5);
  const stored = [
    ...(process.argv.includes('--sources-only') ? [] : await benchHtml({ rounds, sizes: (opt('sizes') ?? '10000,50000').split(',').map(Number) })),
    ...await benchSourceView({ rounds, tests: Number(opt('source-tests') ?? 50_000), sources: Number(opt('source-files') ?? 1_000) }),
  ];
  console.log(`\n${table(stored)}`);
  if (stored.some((e) => e.ok === false)) process.exitCode = 1;
}
