// Attack: the source files embedded in report.html's source view (issue #14 §1) are untrusted text. A
// source line that closes the page's script (</script><img onerror=...>) must stay inert data, a
// secret in a source must be redacted, and the reader must not be led outside the project: a covered
// path climbing out (../), a link whose target lies outside, a FIFO (would hang the run) or a directory
// under a covered name are not read. The total is capped (html_sources.max_bytes), said in a warning.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { launch, noBrowser, openReport, ready } from '../helpers/browser.js';
import { fakeReport } from '../helpers/fake-report.js';
import { cleanEnv, copyFixture, NODE, REPO, runNodeTest, type RunResult } from '../helpers/run.js';
import { DEFAULT_SOURCES_MAX_BYTES, withSources } from '../../lib/output/sources.js';
import { configDefaults } from '../../lib/config/index.js';
import { pickSources } from '../../lib/render/html/sources.js';
import { createRedactor } from '../../lib/redact/index.js';
import { renderHtml } from '../../lib/render/html/index.js';

const SECRET = 'AKIAZ2Q3R4S5T6U7V2WX';
const HOSTILE = '</script><img src=x onerror="window.__xss=1"><!--';

describe('source view: hostile and secret source text on a real run', () => {
  let run: RunResult;
  let html: string;
  let browser: Browser | undefined;
  before(async () => {
    run = runNodeTest(copyFixture('source-view'));
    assert.equal(run.status, 0, run.stderr);
    html = readFileSync(path.join(run.dir, 'llm-report', 'report.html'), 'utf8');
    if (!noBrowser) browser = await launch();
  });
  after(async () => {
    await browser?.close();
  });

  it('the secret in the source is redacted in the page; the hostile line is escaped data, not markup', () => {
    assert.ok(html.includes('export function area'), 'the source is embedded');
    assert.ok(!html.includes(SECRET), 'the AWS key from the source is not in the page');
    assert.ok(html.includes('[REDACTED:aws-access-key]'), 'redacted with the marker');
    assert.ok(!html.includes('<img src=x'), 'no raw <img from the source');
    assert.equal((html.match(/<\/script>/gi) ?? []).length, (html.match(/<script/gi) ?? []).length, 'no extra </script> from the source');
    const csp = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1] ?? '';
    assert.match(csp.replace(/&#39;/g, "'"), /script-src 'sha256-[^']+' 'sha256-[^']+'(;|$)/);
    assert.ok(!csp.includes('unsafe'), 'no unsafe-inline or unsafe-eval');
  });

  it('llm-report render, from the project, embeds the sources again: redacted, escaped', () => {
    const out = path.join(run.dir, 're');
    const r = spawnSync(NODE, [path.join(REPO, 'dist', 'lib', 'cli', 'main.js'), 'render', 'llm-report', '--out', 're'], { cwd: run.dir, env: cleanEnv(), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stderr, '');
    const again = readFileSync(path.join(out, 'report.html'), 'utf8');
    assert.ok(again.includes('export function area'), 'the source is embedded');
    assert.ok(!again.includes(SECRET) && again.includes('[REDACTED:aws-access-key]'));
    assert.ok(!again.includes('<img src=x'));
  });

  it('in Chromium the hostile line shows literally and never runs', { skip: noBrowser }, async () => {
    const o = await openReport(browser!, { file: path.join(run.dir, 'llm-report', 'report.html') });
    await ready(o.page);
    await o.page.locator('#source-view').scrollIntoViewIfNeeded();
    await o.page.waitForSelector('#sv-code .line');
    const text = (await o.page.textContent('#sv-code')) ?? '';
    assert.ok(text.includes(HOSTILE), 'the line is shown as text');
    assert.ok(!text.includes(SECRET));
    assert.equal(await o.page.evaluate('window.__xss'), undefined);
    assert.equal(await o.page.evaluate(`document.querySelectorAll('#sv-code img, #sv-code script').length`), 0);
    assert.deepEqual(o.blocked, []);
    assert.deepEqual(o.pageErrors, []);
    await o.close();
  });
});

describe('source view: what the reader refuses to read', () => {
  it('reads covered files below the project only: no ../, no link out, no FIFO, no directory', () => {
    const base = mkdtempSync(path.join(os.tmpdir(), 'llmr-srcview-'));
    const root = path.join(base, 'project');
    mkdirSync(path.join(root, 'src', 'dir.js'), { recursive: true });
    writeFileSync(path.join(base, 'outside.js'), 'export const stolen = "OUTSIDE-SECRET-TEXT";\n');
    writeFileSync(path.join(root, 'src', 'inside.js'), 'export const ok = 1;\n');
    symlinkSync(path.join(base, 'outside.js'), path.join(root, 'src', 'link-out.js'));
    symlinkSync(path.join(root, 'src', 'inside.js'), path.join(root, 'src', 'link-in.js'));
    const fifo = spawnSync('mkfifo', [path.join(root, 'src', 'fifo.js')]).status === 0;
    const report = fakeReport();
    delete report.coverage;
    const names = ['src/inside.js', 'src/link-in.js', 'src/link-out.js', '../outside.js', 'src/dir.js', 'src/missing.js', ...(fifo ? ['src/fifo.js'] : [])];
    report.tests = report.tests.slice(0, 1).map((t) => ({ ...t, coverage: names.map((file) => ({ file, lines: [[1, 1]] })) }));
    const got = withSources(report, [], { root, maxBytes: 1 << 20, redact: createRedactor() });
    assert.deepEqual(Object.keys(got.report.sources ?? {}).sort(), ['src/inside.js', 'src/link-in.js']);
    const w = got.warnings.find((x) => x.code === 'LLMR_HTML_SOURCE_SKIPPED');
    assert.ok(w, 'the refused files are named in a warning');
    for (const n of names.slice(2)) assert.ok(w.message.includes(n), `${n} named`);
    assert.match(w.message, /link leading outside the project/);
    const page = renderHtml(got.report);
    assert.ok(!page.includes('OUTSIDE-SECRET-TEXT'), 'nothing from outside the project in the page');
  });

  it('over html_sources.max_bytes: the most-covered files that fit, and a warning naming the rest', () => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'llmr-srccap-'));
    mkdirSync(path.join(root, 'src'));
    for (const [f, n] of [['a.js', 300], ['b.js', 300], ['c.js', 100]] as const) writeFileSync(path.join(root, 'src', f), 'x'.repeat(n - 1) + '\n');
    const report = fakeReport();
    delete report.coverage;
    // b.js executed by 3 tests, a.js by 2, c.js by 1.
    const files = [['src/a.js', 'src/b.js'], ['src/a.js', 'src/b.js'], ['src/b.js', 'src/c.js']];
    report.tests = report.tests.slice(0, 3).map((t, i) => ({ ...t, coverage: files[i]!.map((file) => ({ file, lines: [[1, 1]] })) }));
    const got = withSources(report, [], { root, maxBytes: 450, redact: createRedactor() });
    assert.deepEqual(Object.keys(got.report.sources ?? {}).sort(), ['src/b.js', 'src/c.js'], 'b (most tests) then c (a does not fit)');
    const w = got.warnings.find((x) => x.code === 'LLMR_HTML_SOURCES_CAPPED');
    assert.ok(w && w.message.includes('src/a.js') && w.message.includes('2 of 3 files'), w?.message);
    assert.deepEqual(pickSources(new Map([['x', 10]]), new Map(), 9), { keep: [], dropped: ['x'], droppedBytes: 10 });
    assert.equal(configDefaults().html_sources.max_bytes, DEFAULT_SOURCES_MAX_BYTES, 'the reporter\'s fallback cap is the schema default');
  });
});
