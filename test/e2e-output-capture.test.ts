// capture_output per test (issue #17 §3): each test line carries what that test wrote, attributed in its
// process, redacted, capped (head and tail kept); output between tests stays on the file line;
// concurrent tests are marked shared; truncation is a coded warning with the bytes dropped; and a test
// printing 100 MB costs no more than the caps.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { copyFixture, parseLines, runNodeTest } from './helpers/run.js';
import type { FileLine, TestLine, WarningLine } from '../lib/types.js';

function run(env: Record<string, string>): { dir: string; tests: Map<string, TestLine>; file: FileLine; warnings: WarningLine[]; html: string; reportTests: TestLine[] } {
  const dir = copyFixture('capture');
  const r = runNodeTest(dir, { env });
  assert.equal(r.status, 0, r.stderr);
  const lines = parseLines(r.stream);
  const tests = new Map(lines.filter((l): l is TestLine => l.type === 'test').map((t) => [t.name, t]));
  const file = lines.find((l): l is FileLine => l.type === 'file')!;
  const warnings = lines.filter((l): l is WarningLine => l.type === 'warning');
  const htmlPath = path.join(dir, 'llm-report', 'report.html');
  return { dir, tests, file, warnings, reportTests: r.report?.tests ?? [], html: existsSync(htmlPath) ? readFileSync(htmlPath, 'utf8') : '' };
}

function childRss(dir: string): number {
  const f = readdirSync(dir).find((n) => n.startsWith('rss-child-'));
  assert.ok(f, 'the child recorded its peak RSS');
  return Number(readFileSync(path.join(dir, f), 'utf8')) * 1024;
}

describe('capture_output per test', () => {
  it('keeps each test its own output, the file what ran between tests, and says what was dropped', () => {
    const { dir, tests, file, warnings, html, reportTests } = run({ LLM_REPORT_CAPTURE_OUTPUT: '1', LLM_REPORT_OUTPUT_CAP_BYTES: '4096', CAPTURE_LOUD_MB: '5' });
    try {
      const quiet = tests.get('quiet prints one line')!;
      assert.equal(quiet.output?.stdout, 'the one line of quiet\n', 'the one line survives a sibling printing 5 MB');
      assert.match(quiet.output?.stderr ?? '', /\[REDACTED:github-token\]/, 'output is redacted');
      assert.doesNotMatch(JSON.stringify([...tests.values()]), /ghp_A{36}/);

      const loud = tests.get('loud prints a lot')!.output!;
      assert.equal(loud.truncated, true);
      assert.ok(loud.stdout!.startsWith('x'.repeat(100)), 'head kept');
      assert.ok(loud.stdout!.endsWith('loud ends here\n'), 'tail kept');
      assert.ok(loud.stdout!.length <= 4096 + 100, `capped per test (${loud.stdout!.length} chars)`);
      const total = 5 * 1024 * 1024 + 'loud ends here\n'.length;
      assert.equal(loud.dropped_bytes, total - (loud.stdout!.length - loud.stdout!.match(/\n… \[\d+ bytes dropped\] …\n/)![0].length));
      const w = warnings.find((x) => x.code === 'LLMR_OUTPUT_TRUNCATED' && x.test_id === tests.get('loud prints a lot')!.id);
      assert.ok(w, 'truncation is a coded warning on that test');
      assert.match(w.message, new RegExp(`${loud.dropped_bytes} bytes`));

      assert.equal(tests.get('nested subtest')!.output?.stdout, 'from the nested subtest\n', 'a subtest keeps its own output');
      assert.equal(tests.get('child of a suite')!.output?.stdout, 'from the child\n', 'its parent keeps only its own');
      assert.equal(tests.get('a')!.output?.shared, true, 'concurrent tests are marked shared');
      assert.equal(tests.get('b')!.output?.shared, true);
      assert.equal(tests.get('quiet prints one line')!.output?.shared, undefined);
      assert.equal(tests.get('after')!.output, undefined, 'a silent test has no output');

      assert.deepEqual(reportTests.find((t) => t.name === 'quiet prints one line')?.output, quiet.output, 'report.json keeps it too');
      assert.equal(file.output?.stdout, 'between: before any test\nbetween: after the tests were declared\n', 'output between tests stays on the file');

      assert.match(html, /the one line of quiet/, 'the HTML shows a test’s own output');
      assert.ok(html.includes(`"dropped_bytes":${loud.dropped_bytes}`), 'the HTML test detail has the truncation');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a test printing 100 MB costs no more memory than the caps', () => {
    const sizes: Record<string, number> = {};
    const rss: Record<string, number> = {};
    for (const capture of ['0', '1']) {
      const dir = copyFixture('capture');
      try {
        const r = runNodeTest(dir, { env: { LLM_REPORT_CAPTURE_OUTPUT: capture, CAPTURE_LOUD_MB: '100', NODE_OPTIONS: '--import=./rss.mjs' }, timeoutMs: 300_000 });
        assert.equal(r.status, 0, r.stderr);
        rss[capture] = childRss(dir);
        sizes[capture] = statSync(path.join(dir, 'llm-report', 'journal.ndjson')).size + statSync(path.join(dir, 'stream.ndjson')).size + statSync(path.join(dir, 'llm-report', 'report.json')).size;
        if (capture === '1') {
          const loud = parseLines(r.stream).find((l): l is TestLine => l.type === 'test' && l.name === 'loud prints a lot')!;
          assert.ok(loud.output!.dropped_bytes! > 100 * 1024 * 1024 - 200_000);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
    // The default cap is 64 KiB per stream: the records stay within a few caps, far from the 100 MB printed.
    assert.ok(sizes['1']! < 2 * 1024 * 1024, `journal + stream + report: ${sizes['1']} bytes`);
    // Keeping the 100 MB would add at least that much to the child; the capture adds only garbage to collect.
    assert.ok(rss['1']! - rss['0']! < 60 * 1024 * 1024, `child peak RSS with capture ${rss['1']} vs without ${rss['0']}`);
  });
});
