// capture_output per test: what a test prints is untrusted. It is redacted before any file, and escaped
// in the HTML (the test detail and the page's data block), never markup of its own.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { copyFixture, parseLines, runNodeTest } from '../helpers/run.js';
import type { TestLine } from '../../lib/types.js';

describe('security: captured test output', () => {
  it('is redacted in every file and escaped in the HTML', () => {
    const dir = copyFixture('capture');
    try {
      const r = runNodeTest(dir, { env: { LLM_REPORT_CAPTURE_OUTPUT: '1', CAPTURE_LOUD_MB: '1' } });
      assert.equal(r.status, 0, r.stderr);
      const hostile = parseLines(r.stream).find((l): l is TestLine => l.type === 'test' && l.name === 'hostile output')!;
      assert.match(hostile.output?.stdout ?? '', /<script>alert/, 'the line keeps the text as printed');
      const out = path.join(dir, 'llm-report');
      for (const f of [...readdirSync(out).map((n) => path.join(out, n)), path.join(dir, 'stream.ndjson')]) {
        assert.doesNotMatch(readFileSync(f, 'utf8'), /ghp_A{36}/, `${f}: the token is redacted`);
      }
      const html = readFileSync(path.join(out, 'report.html'), 'utf8');
      assert.ok(!html.includes('<script>alert("captured")'), 'no script of the output in the page');
      assert.ok(!html.includes('<img src=x onerror'), 'no element of the output in the page');
      assert.ok(html.includes('\\u003cscript\\u003ealert(\\"captured\\")'), 'the output is in the data block, escaped');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
