// The CI views of a real failing run, with node's own counts (its TAP summary) as ground truth: a test
// file that fails to load, multi-line failure messages (one holding a run of backticks), a test that
// failed only through its subtest. Under GITHUB_ACTIONS=true the job summary lists every failure once,
// with its whole message in a fenced block, and says where the HTML report is from the run's address;
// the annotations, report.html and the terminal view agree on the same failures.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { copyFixture, runNodeTest, type RunResult } from './helpers/run.js';

const summaryFile = (): string => path.join(mkdtempSync(path.join(os.tmpdir(), 'llmr-ci-')), 'summary.md');

const GITHUB = { GITHUB_ACTIONS: 'true', GITHUB_SERVER_URL: 'https://github.example', GITHUB_REPOSITORY: 'lab/device-fw', GITHUB_RUN_ID: '4242' };

/** Markdown outside fenced blocks, and each block's lines with the list indentation removed. */
function split(md: string): { outside: string[]; blocks: Array<{ fence: string; lines: string[] }> } {
  const outside: string[] = [];
  const blocks: Array<{ fence: string; lines: string[] }> = [];
  let open: { fence: string; lines: string[] } | undefined;
  for (const line of md.split('\n')) {
    if (!open) {
      const m = /^ {2}(`{3,})text$/.exec(line);
      if (m) open = { fence: m[1]!, lines: [] };
      else outside.push(line);
    } else if (line === `  ${open.fence}`) {
      blocks.push(open);
      open = undefined;
    } else {
      assert.ok(line === '' || line.startsWith('  '), `a block line outside its list item: ${JSON.stringify(line)}`);
      assert.ok(!line.includes(open.fence), `the text could close its fence: ${line}`);
      open.lines.push(line.slice(2));
    }
  }
  assert.equal(open, undefined, 'every block is closed');
  return { outside, blocks };
}

function run(env: Record<string, string>): { r: RunResult; md: string } {
  const dir = copyFixture('ci-summary');
  const summary = summaryFile();
  const r = runNodeTest(dir, { env: { ...GITHUB, GITHUB_STEP_SUMMARY: summary, GITHUB_WORKSPACE: dir, LLM_REPORT_HUMAN: 'always', ...env } });
  return { r, md: readFileSync(summary, 'utf8') };
}

describe('CI summaries of a failing run (node counts as ground truth)', () => {
  const { r, md } = run({ LLM_REPORT_CI__ARTIFACT: 'llm-report-node20' });
  const nodeFailures = (r.nodeCounts.failed ?? NaN) + (r.nodeCounts.cancelled ?? 0);

  it('node saw the failures the fixture makes: the load failure, four tests and a parent', () => {
    assert.equal(r.status, 1);
    assert.equal(r.nodeCounts.failed, 6, r.tap);
    assert.equal(r.nodeCounts.passed, 1);
    assert.equal(r.report?.summary.failed, r.nodeCounts.failed);
  });

  it('job summary: each failure once, as many as node counts, the load failure once', () => {
    const { outside } = split(md);
    assert.match(md, new RegExp(`### Failures \\(${nodeFailures}\\)`));
    const items = outside.filter((l) => l.startsWith('- ') && !l.startsWith('- …'));
    assert.equal(items.length, nodeFailures, items.join('\n'));
    assert.equal(new Set(items).size, items.length, 'no item twice');
    assert.equal(items.filter((l) => l.includes('broken\\.test\\.js')).length, 1, 'the file that fails to load is listed once');
    assert.ok(items.includes('- **outer** at test/messages\\.test\\.js:18:1: 1 subtest failed'), items.join('\n'));
  });

  it('job summary: multi-line messages whole, in fenced blocks their backticks cannot close', () => {
    const { blocks } = split(md);
    const texts = blocks.map((b) => b.lines.join('\n'));
    assert.ok(texts.includes('first line\nsecond line\nthird line'), texts.join('\n---\n'));
    assert.ok(texts.includes('inner\nproblem'));
    const ticks = blocks.find((b) => b.lines[0] === 'a fence ``` inside');
    assert.deepEqual(ticks, { fence: '`````', lines: ['a fence ``` inside', '````', 'and after'] });
    const load = texts.find((t) => t.includes('ERR_MODULE_NOT_FOUND'));
    assert.ok(load, 'the load error and its stderr tail are shown');
    assert.ok(load.split('\n').length > 3);
    assert.ok(!md.includes(r.dir), 'paths are repository-relative');
  });

  it('job summary: the HTML report is named in its artifact, on the run page built from the environment', () => {
    assert.ok(
      md.includes('Full HTML report: **report\\.html** in the artifact **llm\\-report\\-node20** \\(the output directory llm\\-report\\) of [this workflow run](https://github.example/lab/device-fw/actions/runs/4242)\\.'),
      md.slice(-600),
    );
    assert.ok(!md.includes('](llm-report/report.html)'), 'no relative link the summary cannot resolve');
  });

  it('annotations: one per failure (the load failure once), each one line with its message escaped', () => {
    const cmds = r.stderr.split('\n').filter((l) => l.startsWith('::error'));
    assert.equal(cmds.length, nodeFailures, cmds.join('\n'));
    assert.equal(cmds.filter((c) => c.includes('broken.test.js')).length, 1);
    assert.ok(cmds.some((c) => c.endsWith('::first line%0Asecond line%0Athird line')), cmds.join('\n'));
    for (const c of cmds) assert.ok(!c.includes('\r'));
  });

  it('report.html lists the load failure once and counts what node counts', () => {
    const html = readFileSync(path.join(r.dir, 'llm-report', 'report.html'), 'utf8');
    const section = /<section id="failures"[^]*?<\/section>/.exec(html)?.[0] ?? '';
    assert.match(section, new RegExp(`Failures \\(${nodeFailures}\\)`));
    const articles = [...section.matchAll(/<article [^>]*aria-label="([^"]*)"/g)].map((m) => m[1]!.replace(/&#x2F;/g, '/'));
    assert.deepEqual(articles.filter((a) => a.includes('broken.test.js')), ['File test/broken.test.js'], 'once, as the file');
    assert.equal(articles.length, nodeFailures - 1, 'every failure but the parent, whose subtest is listed');
    assert.equal(new Set(articles).size, articles.length);
    assert.match(section, /Counted here but not repeated: 1 test that failed only because a subtest failed/);
  });

  it('terminal view: the load failure once, every other failure once', () => {
    const marks = r.stream.split('\n').filter((l) => l.startsWith('✖ '));
    assert.equal(marks.length, nodeFailures, r.stream);
    assert.equal(marks.filter((l) => l.includes('broken.test.js')).length, 1);
  });
});

describe('CI summary without an artifact name or run address', () => {
  it('names the output directory to upload, and links the run when its address is known', () => {
    const { md } = run({});
    assert.match(md, /Full HTML report: \*\*llm\\-report\/report\\\.html\*\* in the job's working directory: upload the output directory llm\\-report with actions\/upload-artifact to find it among the artifacts of \[this workflow run\]\(https:\/\/github\.example\/lab\/device-fw\/actions\/runs\/4242\)\\\./);
    const { md: bare } = run({ GITHUB_RUN_ID: '', GITHUB_SERVER_URL: 'javascript:alert(1)' });
    assert.match(bare, /to find it among the artifacts of this workflow run\\\.\n/);
    assert.ok(!bare.includes('](') , 'no link from an incomplete or unsafe address');
  });
});
