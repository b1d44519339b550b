// A line nested 100,000 levels deep (e.g. in custom_metadata) once stopped fold, aggregate and render with
// "Maximum call stack size exceeded" and no line number. It is refused before parsing, named by file and
// line, and every other line is kept (DESIGN invariant 5).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cli } from '../helpers/aggregate.js';
import { deepArray, endLine, ndjson, startLine, testLine } from '../helpers/lines.js';
import { parseNdjson } from '../../lib/report/ndjson.js';
import { fold } from '../../lib/report/fold.js';
import type { Report } from '../../lib/types.js';

const DEPTH = 100_000;

/** Line 3 of 5 is the hostile one: run_start carrying custom_metadata 100,000 deep would be line 1. */
function hostileJournal(): string {
  const deep = `{"code":"LLMR_FILE_FAILED","message":"m","type":"warning","x":${deepArray(DEPTH)}}\n`;
  const lines = ndjson([startLine(), testLine('a', 'passed')]) + deep + ndjson([testLine('b', 'failed'), endLine('failed')]);
  return lines;
}

function assertNoStack(stderr: string): void {
  assert.doesNotMatch(stderr, /Maximum call stack|RangeError/);
  assert.doesNotMatch(stderr, /^\s+at /m, 'no stack trace');
}

describe('hostile nesting: 100,000 levels deep', () => {
  it('the reader refuses the line before parsing it, with its number; the rest folds', () => {
    const read = parseNdjson(hostileJournal(), 'journal.ndjson');
    assert.deepEqual(read.badLines, [3]);
    assert.match(read.warnings[0]!.message, /^journal\.ndjson:3: nested deeper than 128 levels/);
    const report = fold(read.lines, read.warnings, read.origins);
    assert.deepEqual(report.tests.map((t) => [t.name, t.status]), [['a', 'passed'], ['b', 'failed']]);
    assert.equal(report.run.status, 'failed');
  });

  it('deep custom_metadata on run_start: that line is refused, the tests are kept', () => {
    const start = JSON.stringify({ ...startLine(), custom_metadata: { x: 1 } }).replace('{"x":1}', `{"x":${deepArray(DEPTH)}}`);
    const read = parseNdjson(`${start}\n${ndjson([testLine('a', 'passed'), endLine()])}`, 'r.ndjson');
    assert.deepEqual(read.badLines, [1]);
    assert.equal(read.lines.length, 2);
  });

  it('llm-report fold: the line is named, the other tests recovered, exit 1 (failed run), no stack trace', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'llmr-nest-'));
    writeFileSync(path.join(dir, 'journal.ndjson'), hostileJournal());
    const r = cli(['fold', 'journal.ndjson', '--out', 'o'], dir);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stderr, /journal\.ndjson: skipped 1 bad line\(s\): 3/);
    assertNoStack(r.stderr);
    const report = JSON.parse(readFileSync(path.join(dir, 'o', 'report.json'), 'utf8')) as Report;
    assert.deepEqual(report.tests.map((t) => t.name), ['a', 'b']);
    assert.ok(report.warnings.some((w) => w.code === 'LLMR_NDJSON_BAD_LINE' && w.line === 3 && /nested deeper/.test(w.message)));
  });

  it('llm-report aggregate: an NDJSON input with the line keeps its other lines; a deep report.json is refused with its line', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'llmr-nest-'));
    writeFileSync(path.join(dir, 'a.ndjson'), hostileJournal());
    const r = cli(['aggregate', 'a.ndjson', '--out', 'agg'], dir);
    assertNoStack(r.stderr);
    assert.equal(r.status, 1, `failed run: ${r.stderr}`);
    const report = JSON.parse(readFileSync(path.join(dir, 'agg', 'report.json'), 'utf8')) as Report;
    assert.deepEqual(report.tests.map((t) => t.name), ['a', 'b']);
    assert.ok(report.warnings.some((w) => w.code === 'LLMR_NDJSON_BAD_LINE' && /a\.ndjson:3: nested deeper/.test(w.message)));

    writeFileSync(path.join(dir, 'deep.json'), `{\n"schema_version":"1.2.0",\n"custom":${deepArray(DEPTH)}}\n`);
    const bad = cli(['aggregate', 'deep.json', '--out', 'agg2'], dir);
    assert.equal(bad.status, 2, bad.stderr);
    // Line 3 column 137: the 128th "[" after `"custom":` is level 129, counting the outer "{".
    assert.match(bad.stderr, /deep\.json: is not an llm-report report\.json: nested deeper than 128 levels \(line 3, column 137\)/);
    assert.equal(bad.stderr.trim().split('\n').length, 1, `one line: ${bad.stderr}`);
    assertNoStack(bad.stderr);
  });

  it('llm-report render: a deep report.json is refused with its line and column, exit 2, one line', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'llmr-nest-'));
    const report = { schema_version: '1.2.0', run: { status: 'passed', run_id: 'r', custom_metadata: 0 }, summary: {}, files: [], suites: [], tests: [], warnings: [] };
    writeFileSync(path.join(dir, 'report.json'), JSON.stringify(report, null, 1).replace('"custom_metadata": 0', `"custom_metadata": ${deepArray(DEPTH)}`));
    const r = cli(['render', 'report.json'], dir);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /^llm-report render: report\.json is not a report: nested deeper than 128 levels \(line \d+, column \d+\)\n$/);
    assertNoStack(r.stderr);
  });
});
