// The recorded invocation is the command that ran (DESIGN invariant 7). Under --test, node puts the test
// files named on the command line in process.argv[1..]: the first one was once dropped (argv.slice(2)).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { copyFixture, parseLines, runNodeTest } from '../helpers/run.js';
import type { RunStartLine } from '../../lib/types.js';

const NODE_ARGS = ['--test', '--test-reporter=@org/llm-report', '--test-reporter-destination=stream.ndjson', '--test-reporter=tap', '--test-reporter-destination=tap.txt'];

function recorded(files: string[]): { start: string[]; report: string[]; html: string } {
  const run = runNodeTest(copyFixture('simple'), { files });
  assert.ok(run.report, `report.json written; stderr: ${run.stderr}`);
  const start = parseLines(run.stream).find((l): l is RunStartLine => l.type === 'run_start');
  assert.ok(start, 'run_start streamed');
  const page = readFileSync(path.join(run.dir, 'llm-report', 'report.html'), 'utf8');
  const shown = /<dt>Invocation<\/dt><dd class="mono">([^<]*)</.exec(page)?.[1] ?? '';
  const html = shown.replace(/&#x([0-9a-f]+);/gi, (_, h: string) => String.fromCodePoint(parseInt(h, 16))).replace(/&amp;/g, '&');
  return { start: start.argv, report: run.report.run.argv, html };
}

describe('run.argv is the command that ran', () => {
  it('with two test files: both are recorded, the first one too', () => {
    const files = ['test/cart.test.js', 'test/more.test.js'];
    const r = recorded(files);
    const expected = ['node', ...NODE_ARGS, ...files];
    assert.deepEqual(r.start, expected);
    assert.deepEqual(r.report, expected);
    assert.equal(r.html, expected.join(' '), 'the HTML invocation line is the whole command');
  });

  it('with one test file', () => {
    const r = recorded(['test/more.test.js']);
    assert.deepEqual(r.report, ['node', ...NODE_ARGS, 'test/more.test.js']);
  });

  it('with no file arguments: nothing invented, nothing dropped', () => {
    const r = recorded([]);
    assert.deepEqual(r.report, ['node', ...NODE_ARGS]);
    assert.deepEqual(r.start, r.report);
  });
});
