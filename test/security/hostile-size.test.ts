// A 50 MB single line: names and messages are cut to the reader's limits (lib/report/limits.ts), the run
// still folds, and the fold process stays within a stated memory bound (docs/ndjson.md "Limits on input").
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { CLI } from '../helpers/aggregate.js';
import { cleanEnv } from '../helpers/run.js';
import { endLine, ndjson, startLine, testLine } from '../helpers/lines.js';
import { MAX_NAME_CHARS, MAX_TEXT_CHARS } from '../../lib/report/limits.js';
import type { Report } from '../../lib/types.js';

/** The bound docs/ndjson.md states for folding a 50 MB line: peak resident set of the whole process. */
const PEAK_RSS_BOUND_MB = 400;
const NAME = 20_000_000;
const MESSAGE = 30_000_000;

// Peak RSS measured inside the child, at exit (resourceUsage().maxRSS is in KiB).
const MEASURE = `data:text/javascript,${encodeURIComponent('import fs from "node:fs"; process.on("exit", () => fs.writeFileSync(process.env.RSS_OUT, String(process.resourceUsage().maxRSS)));')}`;

describe('hostile size: a 50 MB single line', () => {
  it('llm-report fold caps the name and the message, keeps the test, and peaks under the bound', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'llmr-size-'));
    const huge = testLine('x', 'failed', { name: 'n'.repeat(NAME), failure: { kind: 'error', message: 'm'.repeat(MESSAGE) } });
    const text = ndjson([startLine(), huge, testLine('small', 'passed'), endLine('failed')]);
    assert.ok(text.length > 50_000_000, `${text.length} characters`);
    writeFileSync(path.join(dir, 'journal.ndjson'), text);
    const rssOut = path.join(dir, 'rss.txt');
    const r = spawnSync(process.execPath, ['--import', MEASURE, CLI, 'fold', 'journal.ndjson', '--out', 'o'], { cwd: dir, env: cleanEnv({ RSS_OUT: rssOut }), encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 1, `a failed run folds to exit 1: ${r.stderr}`);
    assert.doesNotMatch(r.stderr, /^\s+at /m, 'no stack trace');

    const report = JSON.parse(readFileSync(path.join(dir, 'o', 'report.json'), 'utf8')) as Report;
    assert.equal(report.tests.length, 2, 'both tests kept');
    const capped = report.tests.find((t) => t.status === 'failed')!;
    assert.ok(capped.name.length <= MAX_NAME_CHARS, `name ${capped.name.length} chars`);
    assert.match(capped.name, /^n+… \[truncated \d+ chars\]$/);
    assert.ok(capped.failure!.message.length <= MAX_TEXT_CHARS, `message ${capped.failure!.message.length} chars`);
    assert.match(capped.failure!.message, /… \[truncated \d+ chars\]$/);
    const w = report.warnings.find((x) => x.code === 'LLMR_NDJSON_CAPPED');
    assert.ok(w, 'the cut is a coded warning');
    assert.match(w.message, /^journal\.ndjson:2: 2 over-long string\(s\)/);
    assert.match(w.message, /\/failure\/message/);
    assert.match(w.message, /\/name/);
    const peakMb = Number(readFileSync(rssOut, 'utf8')) / 1024;
    assert.ok(peakMb < PEAK_RSS_BOUND_MB, `peak RSS ${peakMb.toFixed(0)} MB, bound ${PEAK_RSS_BOUND_MB} MB`);
    // Recorded in the test output, so the figure in the docs can be checked against a real run.
    process.stdout.write(`# fold of a ${(text.length / 1e6).toFixed(0)} MB line: peak RSS ${peakMb.toFixed(0)} MB\n`);
  });
});
