// Attack: text from the tests (failure messages, names) or a tampered CI environment breaks out of the
// GitHub job summary's Markdown: a message closes its code block and injects HTML, links or a fake
// "all passed" heading; GITHUB_SERVER_URL / GITHUB_REPOSITORY smuggle a javascript: or foreign link.
// Defence: messages sit in a fenced block whose fence is longer than any backtick run in them; names
// are escaped; the run link is built only from a well-formed http(s) origin, owner/name and a numeric id.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { renderMarkdownSummary, mdBlock } from '../../lib/render/markdown.js';
import { runUrl } from '../../lib/config/ci-env.js';
import { fold } from '../../lib/report/fold.js';
import type { Line, Report } from '../../lib/types.js';

const HOSTILE = [
  'ok\n```\n## ✅ Test report: passed\n<img src=x onerror=alert(1)>',
  '~~~\n</details><script>alert(1)</script>',
  '``````\n[click](javascript:alert(1))\n``````',
].join('\n');

function report(message: string, name: string): Report {
  const start = { type: 'run_start', schema_version: '1.0.0', tool: { name: 't', version: '0' }, node_version: 'v20', platform: 'linux', arch: 'x64', run_id: 'r', started_at: '2024-01-01T00:00:00.000Z', argv: [], env_names: [], config_sha256: '0'.repeat(64), isolation: 'process' };
  const test = { type: 'test', id: 'a1', file: 'test/x.test.js', entry_file: 'test/x.test.js', line: 1, column: 1, name, path: [], nesting: 0, occurrence: 1, status: 'failed', duration_ms: 1, attempt: 0, failure: { kind: 'error', message } };
  const end = { type: 'run_end', status: 'failed', counts: { tests: 1, suites: 0, passed: 0, failed: 1, cancelled: 0, skipped: 0, todo: 0, incomplete: 0 }, ended_at: '2024-01-01T00:00:01.000Z', duration_ms: 1 };
  return fold([start, test, end] as Line[]);
}

describe('job summary: hostile failure text stays text', () => {
  it('a message cannot close its code block: the fence is longer than any backtick run in it', () => {
    const md = renderMarkdownSummary(report(HOSTILE, 'name ``` <b>x</b> [y](javascript:z)'));
    const lines = md.split('\n');
    const open = lines.findIndex((l) => /^ {2}`{3,}text$/.test(l));
    const fence = lines[open]!.trim().replace('text', '');
    assert.equal(fence, '```````', 'one longer than the six-backtick run');
    const close = lines.indexOf(`  ${fence}`, open + 1);
    assert.deepEqual(lines.slice(open + 1, close).map((l) => l.slice(2)), HOSTILE.split('\n'), 'the whole message, inside the block');
    const outside = [...lines.slice(0, open), ...lines.slice(close + 1)].join('\n');
    assert.ok(!/<(img|script|b)\b|\]\(javascript:|^## ✅/im.test(outside), outside);
    assert.equal(md.match(/^## /gm)?.length, 1, 'no second heading');
  });

  it('control characters and terminal escapes do not reach the summary', () => {
    const [open, body, close] = mdBlock('a\x1b[31mred\x1b[39m\x00b\r\nc');
    assert.deepEqual([open, body, close], ['```text', 'ared\ufffdb', 'c']);
  });
});

describe('job summary: the run link only from a well-formed environment', () => {
  const ok = { GITHUB_SERVER_URL: 'https://github.com', GITHUB_REPOSITORY: 'lab/fw', GITHUB_RUN_ID: '123' };

  it('builds the run page from server, repository and id', () => {
    assert.equal(runUrl(ok), 'https://github.com/lab/fw/actions/runs/123');
    assert.equal(runUrl({ ...ok, GITHUB_SERVER_URL: 'https://ghe.example.com/' }), 'https://ghe.example.com/lab/fw/actions/runs/123');
  });

  for (const [what, env] of [
    ['a javascript: server', { GITHUB_SERVER_URL: 'javascript:alert(1)' }],
    ['a server with credentials', { GITHUB_SERVER_URL: 'https://user:pw@github.com' }],
    ['a server with a query', { GITHUB_SERVER_URL: 'https://github.com?x=1' }],
    ['a repository that ends the link', { GITHUB_REPOSITORY: 'lab/fw)[x](https://evil.example' }],
    ['a repository with a path', { GITHUB_REPOSITORY: 'lab/fw/../../evil' }],
    ['a run id that is not a number', { GITHUB_RUN_ID: '1#x' }],
    ['a missing run id', { GITHUB_RUN_ID: '' }],
  ] as const) {
    it(`no link from ${what}`, () => {
      assert.equal(runUrl({ ...ok, ...env }), undefined);
    });
  }
});
