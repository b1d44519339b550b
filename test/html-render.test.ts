// The HTML renderer and the Markdown summary without a browser: escaping by construction, the CSP and
// its hashes, the data block, determinism, what is readable without JavaScript, print mode, size.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from './helpers/run.js';
import { fakeReport, XSS } from './helpers/fake-report.js';
import { renderHtml, reportJsonSha256 } from '../lib/render/html/index.js';
import { lineDiff } from '../lib/render/html/diff.js';
import { testLines } from '../lib/render/page/lines.js';
import type { ClientTest } from '../lib/render/html/client.js';
import { renderMarkdownSummary, mdBlock, MAX_FAILURES, MAX_MESSAGE_CHARS, MAX_MESSAGE_LINES } from '../lib/render/markdown.js';
import { reportJson } from '../lib/output/write.js';
import type { Report } from '../lib/types.js';

const asReport = (r: unknown): Report => r as Report;

/**
 * Markdown lines outside fenced code blocks, and the blocks' contents. Fails when a block is not closed
 * by its own fence or holds a run of backticks as long as its fence (the text could close it).
 */
function splitFences(md: string): { outside: string[]; blocks: string[][] } {
  const outside: string[] = [];
  const blocks: string[][] = [];
  let fence: string | undefined;
  let block: string[] = [];
  for (const line of md.split('\n')) {
    const open = /^ *(`{3,})[a-z]*$/.exec(line);
    if (fence === undefined) {
      if (open) {
        fence = open[1]!;
        block = [];
      } else outside.push(line);
    } else if (line.trim() === fence) {
      blocks.push(block);
      fence = undefined;
    } else {
      assert.ok(!line.includes(fence), `a line inside a block could close its fence: ${line}`);
      block.push(line);
    }
  }
  assert.equal(fence, undefined, 'every fenced block is closed');
  return { outside, blocks };
}

/** The contents of every <script> and <style> element, in order. */
function inline(html: string, tag: 'script' | 'style'): Array<{ attrs: string; body: string }> {
  return [...html.matchAll(new RegExp(`<${tag}([^>]*)>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => ({ attrs: m[1]!, body: m[2]! }));
}

function dataBlock(html: string): unknown {
  const block = inline(html, 'script').find((s) => s.attrs.includes('application/json'));
  assert.ok(block, 'data block present');
  return JSON.parse(block.body);
}

const sha = (text: string): string => createHash('sha256').update(text, 'utf8').digest('base64');

describe('HTML report: escaping and safety', () => {
  const html = renderHtml(fakeReport({ xss: true }));

  it('no payload reaches the markup unescaped: the only elements that could run code are our own', () => {
    // (Inside the JSON data block quotes are JSON's business; < > & are \u-escaped there, checked below.)
    const outsideData = html.replace(/<script type="application\/json"[\s\S]*?<\/script>/g, '');
    for (const p of XSS) {
      if (/[<>"']/.test(p)) assert.ok(!outsideData.includes(p), `raw payload in the page: ${p}`);
    }
    // Exactly four scripts: the theme, the JSON data (not executed), the page script and the sources (JSON, not executed).
    const scripts = inline(html, 'script');
    assert.equal(scripts.length, 4);
    assert.equal((html.match(/<script/gi) ?? []).length, 4);
    assert.deepEqual(scripts.map((s) => s.attrs.trim()), ['', 'type="application/json" id="llmr-data"', '', 'type="application/json" id="llmr-src"']);
    assert.equal((html.match(/<style/gi) ?? []).length, 1);
    const markup = html.replace(/<script[\s\S]*?<\/script>/g, '').toLowerCase();
    for (const bad of ['<img', '<svg', '<iframe', '<textarea', '<b>', ' onerror=', ' onload=', ' onmouseover=', '"javascript:']) assert.ok(!markup.includes(bad), `${bad} in the page`);
  });

  it('the payloads are all there as text: escaped in the markup, \\u003c-escaped in the data', () => {
    assert.ok(html.includes('&lt;script&gt;window.__xss &#x3D; 1&lt;&#x2F;script&gt;'), 'escaped in a server-rendered failure');
    const data = JSON.stringify(dataBlock(html));
    for (const p of XSS) assert.ok(data.includes(JSON.stringify(p).slice(1, -1)), `payload kept in the data: ${p}`);
    for (const block of inline(html, 'script').filter((s) => s.attrs.includes('application/json'))) {
      assert.ok(!/[<>&\u2028\u2029]/.test(block.body), `no < > & or line separators in the data block ${block.attrs}`);
    }
  });

  it('the Content-Security-Policy allows no network and names each inline style and script by its hash', () => {
    const meta = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html);
    assert.ok(meta, 'CSP meta');
    const csp = meta[1]!.replace(/&#39;/g, "'").replace(/&#x3D;/g, '=').replace(/&#x2F;/g, '/');
    const directives = Object.fromEntries(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v]));
    assert.deepEqual(directives['default-src'], ["'none'"]);
    for (const k of ['img-src', 'font-src', 'connect-src', 'base-uri', 'form-action']) assert.deepEqual(directives[k], ["'none'"], k);
    assert.ok(!csp.includes('unsafe-inline') && !csp.includes('unsafe-eval') && !csp.includes('http'), csp);
    const code = inline(html, 'script').filter((s) => !s.attrs.includes('application/json'));
    assert.deepEqual(directives['script-src'], code.map((s) => `'sha256-${sha(s.body)}'`));
    assert.deepEqual(directives['style-src'], [`'sha256-${sha(inline(html, 'style')[0]!.body)}'`]);
    // The CSP comes before anything it governs.
    assert.ok(html.indexOf('Content-Security-Policy') < html.indexOf('<style'));
  });

  it('templates put report data only through escaping {{ }}: triple mustache only for our own CSS, JS and escaped data', () => {
    const dir = path.join(REPO, 'templates');
    const allowed = new Set(['css', 'theme', 'js', 'data', 'sourceData']);
    for (const name of readdirSync(dir).filter((n) => n.endsWith('.mustache'))) {
      const text = readFileSync(path.join(dir, name), 'utf8');
      for (const m of text.matchAll(/\{\{\{\s*([^}]+?)\s*\}\}\}/g)) assert.ok(allowed.has(m[1]!), `${name}: {{{${m[1]}}}}`);
      assert.ok(!/\{\{&/.test(text), `${name}: {{& }} does not escape`);
      assert.ok(!/\bstyle="/.test(text), `${name}: inline style attributes are blocked by the CSP`);
    }
    const js = readFileSync(path.join(dir, 'report.js'), 'utf8');
    assert.ok(!/\.(innerHTML|outerHTML)\s*=|insertAdjacentHTML|document\.write|\beval\(|new Function/.test(js), 'report.js builds DOM with textContent only');
  });
});

describe('HTML report: content', () => {
  const report = fakeReport();
  const html = renderHtml(report);

  it('is deterministic, LF-only, and carries the sha256 of report.json as lib/output writes it', () => {
    assert.equal(renderHtml(fakeReport()), html);
    assert.ok(!html.includes('\r'));
    const expected = createHash('sha256').update(reportJson(asReport(report))).digest('hex');
    assert.equal(reportJsonSha256(report), expected);
    assert.ok(html.includes(expected));
    assert.ok(renderHtml(report, { reportSha256: 'f'.repeat(64) }).includes('f'.repeat(64)));
  });

  it('without JavaScript the header, summary, failures with their detail, files, coverage, requirements, warnings and artifacts are in the markup', () => {
    const noScript = html.replace(/<script[\s\S]*?<\/script>/g, '');
    for (const text of [
      '3f2a9c1e-0000-4000-8000-00000000beef', // run id
      '0123456789abcdef0123456789abcdef01234567', // git sha
      'dirty',
      'ecdsa-p256-sha256',
      'journal hash-chained',
      'Dana Reviewer (QA lead)',
      'v22.0.0',
      'id="summary"',
      'Failures (4)',
      'id="test-0000000000000002"', // permalink target of the failed test
      'divides by zero',
      'Expected values to be strictly equal:',
      '<span class="del">- line two</span><span class="ins">+ line 2</span>', // the diff
      'times out',
      'never finishes',
      'process exited with code 1', // the file-level failure
      'hello from clamp', // its captured output
      'src&#x2F;math.js', // coverage table
      '85.71 %',
      'REQ-3', // requirement without tests
      'Not fully passing (1)',
      'No tests (1)',
      'LLMR_FILE_FAILED',
      'results.ndjson', // manifest
      'LLM annotation',
      'advisory',
      'The guard returns instead of throwing',
    ]) assert.ok(noScript.includes(text), `missing without JS: ${text}`);
    assert.ok(!noScript.includes(' clamps</h3>'), 'passed tests are in the interactive list only');
  });

  it('the data block holds every test, its detail, interned files and paths, and the sources once', () => {
    const data = dataBlock(html) as { tests: unknown[][]; files: Array<{ f: string }>; paths: string[][] };
    assert.equal(data.tests.length, report.tests.length);
    assert.deepEqual(data.tests.map((t) => t[0]), report.tests.map((t) => t.id));
    for (const [i, t] of data.tests.entries()) {
      const r = report.tests[i]!;
      assert.equal(data.files[t[3] as number]!.f, r.entry_file);
      assert.deepEqual(data.paths[t[2] as number], r.path);
    }
    const half = data.tests.find((t) => t[1] === 'halves')!;
    assert.deepEqual(testLines(half as ClientTest, (data as unknown as { sf: string[] }).sf), report.tests.find((t) => t.name === 'halves')!.coverage);
    assert.deepEqual((data as unknown as { src: string[] }).src, Object.keys(report.sources!).sort(), 'the embedded files are named in the data block');
    const src = inline(html, 'script').find((x) => x.attrs.includes('llmr-src'));
    assert.ok(src, 'the sources block is present');
    assert.deepEqual((JSON.parse(src.body) as { t: unknown }).t, report.sources, 'their text is in the sources block');
    assert.ok(html.indexOf('id="llmr-src"') > html.lastIndexOf('<script>'), 'after the page script: parsed once the list is up');
    assert.equal(html.split('export function clamp(x, lo, hi)').length, 2, 'each source file embedded once');
  });

  it('a report without any optional field renders, without those sections', () => {
    const bare = fakeReport();
    for (const k of ['sources', 'coverage', 'requirements', 'manifest', 'integrity'] as const) delete bare[k];
    delete bare.run.git;
    for (const t of bare.tests) {
      delete t.coverage;
      delete t.annotation;
      delete t.requirements;
    }
    const out = renderHtml(bare);
    assert.ok(!out.includes('id="coverage"') && !out.includes('id="requirements"') && !out.includes('id="manifest"'));
    assert.ok(out.includes('Failures (4)'));
  });

  it('print mode renders every test with its detail open and no script at all', () => {
    const print = renderHtml(report, { mode: 'print' });
    assert.equal((print.match(/<script/gi) ?? []).length, 0);
    assert.ok(/script-src 'none'/.test(print.replace(/&#39;/g, "'")));
    assert.equal((print.match(/<tr class="s-/g) ?? []).length, report.tests.length, 'one row per test');
    for (const t of report.tests) assert.ok(new RegExp(`(<td>|› </span>)${t.name}\\n`).test(print), `test ${t.name} in print mode`);
    assert.ok(print.includes('<details class="stack" open>'));
    assert.ok(print.includes('src&#x2F;math.js: 5-6, 9-10</div>'), 'coverage ranges in print');
  });

  it('caps the server-rendered failures and says how many more the list holds', () => {
    const big = fakeReport({ tests: 6000 });
    const problems = big.tests.filter((t) => (t.status === 'failed' && t.failure?.kind !== 'subtests') || t.status === 'cancelled' || t.status === 'incomplete').length;
    const m = /(\d+) more failures are not repeated here/.exec(renderHtml(big));
    assert.ok(m && problems > 500);
    assert.equal(Number(m[1]), problems - 500);
  });

  it('page size grows linearly with the number of tests', () => {
    const size = (n: number): number => Buffer.byteLength(renderHtml(fakeReport({ tests: n, files: n / 100 })));
    const [a, b, c] = [size(10_000), size(20_000), size(40_000)];
    const ratio = (c - b) / (b - a);
    assert.ok(ratio > 1.9 && ratio < 2.1, `twice the added tests gave ${ratio.toFixed(2)}x the added bytes (${a}, ${b}, ${c})`);
    assert.ok(c / 40_000 < 200, `${(c / 40_000).toFixed(0)} bytes per test`);
  });
});

describe('line diff', () => {
  it('keeps common lines and marks expected-only and actual-only lines', () => {
    assert.deepEqual(lineDiff('a\nb\nc', 'a\nx\nc'), [[' ', 'a'], ['-', 'b'], ['+', 'x'], [' ', 'c']]);
    assert.deepEqual(lineDiff('same', 'same'), [[' ', 'same']]);
    assert.deepEqual(lineDiff('', 'x'), [['-', ''], ['+', 'x']]);
    assert.equal(lineDiff('x\n'.repeat(500), 'y'), undefined, 'too large: both sides shown whole');
  });
});

describe('Markdown summary', () => {
  it('has the counts, failures with locations, coverage, requirements and a link to the HTML', () => {
    const md = renderMarkdownSummary(asReport(fakeReport()), { htmlPath: 'llm-report/report.html' });
    assert.match(md, /^## ❌ Test report: failed/);
    assert.match(md, /\| 7 \| 3 \| 1 \| 1 \| 1 \| 1 \| 1 \| 2 \| 2 \|/);
    assert.match(md, /### Failures \(4\)/);
    assert.ok(md.includes('- **math &gt; division &gt; divides by zero** at test/math\\.test\\.js:23:12\n\n  ```text\n  Expected values to be strictly equal:\n  ```\n'), md);
    assert.ok(md.includes('- \\[cancelled\\] **times out** at test/clamp\\.test\\.js:9:3\n\n  ```text\n  test timed out after 1000ms\n  ```\n'), md);
    assert.match(md, /81\\\.25 % \\\(13\/16\\\)/);
    assert.match(md, /### Requirements: 1 of 3 fully passing/);
    assert.ok(md.includes('- REQ\\-2 Division: not fully passing \\(1 of 2 tests passed\\)\n- REQ\\-3 Logging: no tests\n'), md);
    assert.ok(md.endsWith('[Full HTML report](llm-report/report.html)\n'));
  });

  it('escapes report text: no HTML, link, table cell or emphasis can be opened by a test name', () => {
    const md = renderMarkdownSummary(asReport(fakeReport({ xss: true })));
    // Messages are shown verbatim inside fenced blocks, which GitHub renders as text; everything else is escaped.
    const { outside, blocks } = splitFences(md);
    assert.ok(blocks.length > 0, 'the failure messages are in fenced blocks');
    assert.ok(!/<(script|img|svg|iframe|b|textarea)/i.test(outside.join('\n')), 'no tag survives outside a code block');
    assert.ok(md.includes('&lt;script&gt;'));
    for (const line of outside.filter((l) => l.startsWith('- '))) assert.ok(!/(^|[^\\])[|[\]`]/.test(line.slice(2)), `unescaped markup in: ${line}`);
  });

  it('keeps a message whole in a fenced block up to the caps, then says what was cut', () => {
    const long = Array.from({ length: 100 }, (_, i) => `line ${i + 1}`).join('\n');
    const block = mdBlock(long, '  ');
    assert.equal(block.length, MAX_MESSAGE_LINES + 3);
    assert.deepEqual(block.slice(0, 3), ['  ```text', '  line 1', '  line 2']);
    assert.equal(block.at(-2), '  ```');
    assert.equal(block.at(-1), `  \\(cut here: 60 more lines, ${long.length - long.split('\n').slice(0, 40).join('\n').length} more characters; see the HTML report\\)`);
    const wide = mdBlock('x'.repeat(MAX_MESSAGE_CHARS + 10));
    assert.equal(wide[1]!.length, MAX_MESSAGE_CHARS);
    assert.match(wide.at(-1)!, /cut here: 10 more characters/);
    assert.deepEqual(mdBlock('a\n\nb\n'), ['```text', 'a', '', 'b', '```'], 'blank lines kept, trailing ones dropped');
  });

  it(`lists at most ${MAX_FAILURES} failures and counts the rest`, () => {
    const md = renderMarkdownSummary(asReport(fakeReport({ tests: 1000 })));
    const listed = md.split('\n').filter((l) => l.startsWith('- ') && !l.startsWith('- …') && l.includes(' at ')).length;
    assert.equal(listed, MAX_FAILURES - 1, 'the file failure takes one of the places');
    assert.match(md, /- … and 54 more \(see the HTML report\)/);
  });
});

describe('traceability wording: precise categories', () => {
  /** fakeReport's matrix plus REQ-4 (every test failed) and REQ-9 (referenced by a test, not in the catalogue). */
  function traced(): Report {
    const r = asReport(fakeReport());
    const [passed, failed] = [r.tests.find((t) => t.status === 'passed')!, r.tests.find((t) => t.status === 'failed')!];
    r.requirements = [
      ...r.requirements!.map((x) => ({ ...x, in_catalogue: true })),
      { id: 'REQ-4', title: 'Alarms', tests: [failed.id], status: 'failed', in_catalogue: true },
      { id: 'REQ-9', tests: [passed.id], status: 'passed', in_catalogue: false },
    ];
    return r;
  }
  /** The requirements section's headings and list items, as text. */
  function section(html: string): string {
    const s = /<section id="requirements"[^]*?<\/section>/.exec(html)?.[0] ?? '';
    return s.replace(/<[^>]+>/g, '').replace(/&#x2F;/g, '/').replace(/[ \t]+/g, ' ');
  }

  it('HTML: a partly passing requirement is "not fully passing", never "no passing test"; outside the catalogue is marked', () => {
    const text = section(renderHtml(traced()));
    assert.match(text, /Requirements: 2 of 5 fully passing/);
    const lists = Object.fromEntries([...text.matchAll(/\n\s*(Not fully passing|No passing test|No tests|Not in the catalogue) \((\d+)\)\n[^\n]*\n\s*([^\n]*)/g)].map((m) => [m[1], { n: Number(m[2]), items: m[3]! }]));
    assert.deepEqual(Object.keys(lists).sort(), ['No passing test', 'No tests', 'Not fully passing', 'Not in the catalogue']);
    assert.equal(lists['Not fully passing']!.n, 1);
    assert.match(lists['Not fully passing']!.items, /^REQ-2 Division: failed 1 of 2 passed$/);
    assert.equal(lists['No passing test']!.n, 1);
    assert.match(lists['No passing test']!.items, /^REQ-4 Alarms: failed 0 of 1 passed$/);
    assert.match(lists['No tests']!.items, /^REQ-3 Logging$/);
    assert.match(lists['Not in the catalogue']!.items, /^REQ-9: 1 of 1 passed$/);
    assert.match(text, /REQ-9 not in catalogue/, 'marked in the matrix too');
    assert.ok(!/Without a passing test/.test(text));
  });

  it('HTML: all fully passing says so, and no category list is shown', () => {
    const r = traced();
    r.requirements = r.requirements!.filter((x) => x.id === 'REQ-1');
    const text = section(renderHtml(r));
    assert.match(text, /Every requirement has tests, and all of them passed\./);
    assert.ok(!/Not fully passing|No passing test|No tests \(|Not in the catalogue/.test(text));
  });

  it('Markdown: the same categories, and not in catalogue', () => {
    const md = renderMarkdownSummary(traced());
    assert.ok(md.includes([
      '### Requirements: 2 of 5 fully passing',
      '',
      '- REQ\\-2 Division: not fully passing \\(1 of 2 tests passed\\)',
      '- REQ\\-3 Logging: no tests',
      '- REQ\\-4 Alarms: no passing test \\(0 of 1 tests passed\\)',
      '- REQ\\-9: fully passing \\(1 of 1 tests passed\\), not in catalogue',
    ].join('\n')), md);
  });
});
