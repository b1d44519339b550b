// Screenshots of the HTML report in light and dark mode, for a person to look at (not committed):
//   npm run build && node scripts/screenshots.mjs [report.json ...]
// Without arguments it renders the hand-made fake report (every optional field) and its XSS variant.
// Output: .tmp/screenshots/<name>-<light|dark>-<view>.png
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { renderHtml } = await import(path.join(root, 'dist/lib/render/html/index.js'));
const { fakeReport } = await import(path.join(root, 'dist/test/helpers/fake-report.js'));
const { launch, openReport, ready } = await import(path.join(root, 'dist/test/helpers/browser.js'));

const out = path.join(root, '.tmp', 'screenshots');
mkdirSync(out, { recursive: true });
const inputs = process.argv.slice(2);
const reports = inputs.length
  ? inputs.map((f) => ({ name: path.basename(path.dirname(path.resolve(f))), report: JSON.parse(readFileSync(f, 'utf8')) }))
  : [{ name: 'fake', report: fakeReport({ tests: 60 }) }, { name: 'xss', report: fakeReport({ xss: true }) }];

const browser = await launch();
try {
  for (const { name, report } of reports) {
    const html = renderHtml(report);
    const file = path.join(out, `${name}.html`);
    writeFileSync(file, html);
    const failed = report.tests.find((t) => t.status === 'failed' && t.failure?.kind !== 'subtests') ?? report.tests[0];
    for (const scheme of ['light', 'dark']) {
      const o = await openReport(browser, { file }, { colorScheme: scheme, width: 1360, height: 1000 });
      await ready(o.page);
      await o.page.screenshot({ path: path.join(out, `${name}-${scheme}-top.png`) });
      await o.page.screenshot({ path: path.join(out, `${name}-${scheme}-full.png`), fullPage: true });
      if (failed) {
        await o.page.evaluate(`location.hash = '#test-${failed.id}'`);
        await o.page.waitForTimeout(300);
        await o.page.screenshot({ path: path.join(out, `${name}-${scheme}-detail.png`) });
      }
      if (o.blocked.length || o.consoleErrors.length || o.pageErrors.length) console.error(`${name} ${scheme}:`, { blocked: o.blocked, console: o.consoleErrors, errors: o.pageErrors });
      await o.close();
    }
    const o = await openReport(browser, { html: renderHtml(report, { mode: 'print' }) }, { width: 900 });
    await o.page.emulateMedia({ media: 'print' });
    await o.page.screenshot({ path: path.join(out, `${name}-print.png`), fullPage: true });
    await o.close();
  }
} finally {
  await browser.close();
}
console.log(`screenshots in ${path.relative(process.cwd(), out) || out}`);
