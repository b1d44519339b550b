// Attack: a pull request adds source files whose NAMES carry markup or workflow commands (a newline
// followed by `::error::`, `::` and `,` inside the annotation's file property, `</script>` and an
// event handler, Markdown link syntax). Coverage of a change puts changed file names into report.html,
// the job summary and GitHub annotations, so a name could inject a fake annotation, a script or a link.
// Defence: git's quoted names are decoded (never executed, no shell); annotation properties escape
// %, CR, LF, ':' and ','; the Markdown escapes every piece of a name; mustache escapes the page.
// Real run: a git checkout, a real `node --test` under GITHUB_ACTIONS=true on a pull_request event.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runNodeTest } from '../helpers/run.js';
import { git, gitFixture } from '../helpers/git-repo.js';
import { annotationCommands } from '../../lib/ci/github.js';
import { renderMarkdownSummary } from '../../lib/render/markdown.js';
import { renderHtml } from '../../lib/render/html/index.js';
import type { Report } from '../../lib/types.js';

const NAMES = ['src/evil\n::error::pwned.js', 'src/a::b,c.js', 'src/</script><img src=x onerror=alert(1)>.js', 'src/[x](javascript:alert(1)).js'];

describe('coverage of a change: hostile file names stay names', () => {
  let dir: string;
  let stderr: string;
  let summary: string;
  let report: Report;
  before(() => {
    dir = gitFixture('impact', ['summary.md']);
    git(dir, 'checkout', '-q', '-b', 'feature');
    for (const name of NAMES) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), 'export function pick(x) {\n  if (x) {\n    return 1;\n  }\n  return 2;\n}\n');
    }
    // Loaded through file URLs: an import specifier cannot hold a newline, a file URL can (%0A).
    writeFileSync(
      path.join(dir, 'test/names.test.js'),
      `import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { pathToFileURL } from 'node:url';\n` +
        `const names = ${JSON.stringify(NAMES)};\n` +
        `test('hostile names load', async () => { for (const n of names) assert.equal((await import(pathToFileURL(n).href)).pick(false), 2); });\n`,
    );
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'feature');
    git(dir, 'update-ref', 'refs/remotes/origin/main', 'main');
    const r = runNodeTest(dir, { env: { GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'pull_request', GITHUB_BASE_REF: 'main', GITHUB_WORKSPACE: dir, GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md') } });
    assert.equal(r.status, 0, r.stderr);
    stderr = r.stderr;
    summary = readFileSync(path.join(dir, 'summary.md'), 'utf8');
    report = JSON.parse(readFileSync(path.join(dir, 'llm-report', 'report.json'), 'utf8')) as Report;
  });

  it('every hostile file is in the change, its name decoded exactly (git quotes the newline), its uncovered lines found', () => {
    const files = report.changes!.files.filter((f) => f.file.startsWith('src/'));
    assert.deepEqual(files.map((f) => f.file).sort(), [...NAMES].sort());
    // The file with a newline in its name is loaded, but the coverage collector does not measure it: named, not counted.
    for (const f of files) assert.deepEqual(f.uncovered, f.file.includes('\n') ? [] : [3, 4], f.file);
    assert.equal(files.find((f) => f.file.includes('\n'))!.state, 'not_in_coverage');
  });

  it('annotations: one command per line, names escaped in the file property, no injected command', () => {
    const commands = stderr.split('\n').filter((l) => l.startsWith('::'));
    assert.equal(commands.filter((l) => l.startsWith('::warning ')).length, 3, stderr);
    assert.ok(commands.some((l) => l.startsWith('::warning file=src/a%3A%3Ab%2Cc.js,line=3,endLine=4,')), stderr);
    // The newline name as if it had been measured: its command stays one line, the name escaped.
    const measured: Report = { ...report, changes: { ...report.changes!, files: report.changes!.files.map((f) => (f.file.includes('\n') ? { ...f, state: 'added', lines: [{ line: 3, tests: [] }], uncovered: [3], covered: 0 } : f)) } };
    const out = annotationCommands(measured).split('\n');
    assert.ok(!out.some((l) => l.startsWith('::error::pwned')), 'the newline in a name does not start a command');
    assert.ok(out.includes('::warning file=src/evil%0A%3A%3Aerror%3A%3Apwned.js,line=3,title=llm-report%3A changed lines not covered::line 3 was changed since origin/main and no test executed it'), out.join('\n'));
    const md = renderMarkdownSummary(measured);
    assert.ok(md.includes('- **src/evil ::error::pwned\\.js**: 1 uncovered changed line \\(3\\)'), md);
    assert.ok(!/^::error/m.test(md));
    const html = renderHtml(measured);
    assert.ok(html.includes('src&#x2F;evil\n::error::pwned.js'), 'in the page, a newline in text is only whitespace');
  });

  it('report.html: the names are text, no tag or script from them', () => {
    const html = readFileSync(path.join(dir, 'llm-report', 'report.html'), 'utf8');
    const section = /<section id="changes"[^]*?<\/section>/.exec(html)?.[0] ?? '';
    assert.ok(section.includes('src&#x2F;&lt;&#x2F;script&gt;&lt;img src&#x3D;x onerror&#x3D;alert(1)&gt;.js'), section);
    assert.ok(!/<img|<\/script>|onerror=/.test(section), section);
    // Only the page's own: theme and page script, the data block and the sources block (JSON, not run).
    const scripts = [...html.matchAll(/<script\b([^>]*)>/g)].map((m) => m[1]!.trim());
    assert.deepEqual(scripts, ['', 'type="application/json" id="llmr-data"', '', 'type="application/json" id="llmr-src"'], 'only the page own scripts');
  });

  it('job summary: names escaped, no tag, link or second line from them', () => {
    const section = summary.slice(summary.indexOf('### Changes since'));
    assert.ok(!/<img|<\/script>|\]\(javascript:|^::error/m.test(section), section);
    assert.ok(section.includes('- **src/&lt;/script&gt;&lt;img src=x onerror=alert\\(1\\)&gt;\\.js**: 2 uncovered changed lines \\(3\\-4\\)'), section);
    assert.ok(section.includes('- **src/\\[x\\]\\(javascript:alert\\(1\\)\\)\\.js**'), section);
  });
});
