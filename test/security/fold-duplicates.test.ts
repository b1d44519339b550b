// The same test twice in fold/aggregate input with conflicting statuses: the worse status wins (a failure is
// never hidden behind an earlier passed line), whatever the order, and the warning names both input lines.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cli } from '../helpers/aggregate.js';
import { endLine, ndjson, startLine, testLine } from '../helpers/lines.js';
import { parseNdjson } from '../../lib/report/ndjson.js';
import { fold } from '../../lib/report/fold.js';
import { readSource, aggregate } from '../../lib/aggregate/index.js';
import type { Report, TestStatus } from '../../lib/types.js';

const foldText = (text: string): Report => {
  const r = parseNdjson(text, 'j.ndjson');
  return fold(r.lines, r.warnings, r.origins);
};

describe('duplicate ids with conflicting statuses', () => {
  it('passed at line 2, failed at line 3: failed is kept, both line numbers named', () => {
    const report = foldText(ndjson([startLine(), testLine('t', 'passed'), testLine('t', 'failed'), endLine('passed')]));
    assert.equal(report.tests.length, 1);
    assert.equal(report.tests[0]!.status, 'failed');
    assert.equal(report.run.status, 'failed', 'the run is not a pass');
    const w = report.warnings.find((x) => x.code === 'LLMR_NDJSON_DUPLICATE');
    assert.ok(w);
    assert.match(w.message, /j\.ndjson:2/);
    assert.match(w.message, /j\.ndjson:3/);
    assert.match(w.message, /the failed line at j\.ndjson:3 is kept over the passed line at j\.ndjson:2/);
  });

  it('either order, every pair of statuses: the worse one wins', () => {
    const order: TestStatus[] = ['skipped', 'todo', 'passed', 'incomplete', 'cancelled', 'failed'];
    for (let i = 0; i < order.length; i++) {
      for (let j = 0; j < order.length; j++) {
        const a = testLine('t', order[i]!);
        const b = testLine('t', order[j]!);
        const report = foldText(ndjson([startLine(), a, b, endLine()]));
        assert.equal(report.tests[0]!.status, order[Math.max(i, j)], `${order[i]} then ${order[j]}`);
        assert.equal(report.summary.tests, 1);
      }
    }
  });

  it('llm-report fold: a failure after a pass in the journal fails the run (exit 1) and stderr stays one line per input', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'llmr-dup-'));
    writeFileSync(path.join(dir, 'journal.ndjson'), ndjson([startLine(), testLine('t', 'passed'), testLine('u', 'passed'), testLine('t', 'failed'), endLine('passed')]));
    const r = cli(['fold', 'journal.ndjson', '--out', 'o'], dir);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    const report = JSON.parse(readFileSync(path.join(dir, 'o', 'report.json'), 'utf8')) as Report;
    assert.equal(report.tests.find((t) => t.name === 't')!.status, 'failed');
    assert.ok(report.warnings.some((w) => w.code === 'LLMR_NDJSON_DUPLICATE' && /journal\.ndjson:2 and journal\.ndjson:4/.test(w.message)));
  });

  it('aggregate: inside one input the worse wins too, with the input lines named', () => {
    const src = readSource(ndjson([startLine('r1'), testLine('t', 'failed'), testLine('t', 'passed'), endLine('failed')]), { path: 'a.ndjson', input: 0, format: 'ndjson' });
    const { report } = aggregate([src], 'merge');
    assert.equal(report.tests[0]!.status, 'failed');
    assert.ok(report.warnings.some((w) => w.code === 'LLMR_NDJSON_DUPLICATE' && /a\.ndjson:2 and a\.ndjson:3/.test(w.message)), JSON.stringify(report.warnings));
  });
});
