// The test-code API (requirements, llm, meta) and the terminal summary, in-process.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { meta, requirements, llm } from '../lib/api/index.js';
import { CHANNEL, IN_PROCESS, inProcessMeta } from '../lib/api/channel.js';
import { progressMark, terminalSummary } from '../lib/render/terminal.js';
import { fakeReport } from './helpers/fake-report.js';
import type { TestMeta } from '../lib/events/child-journal.js';
import type { Report } from '../lib/types.js';

const g = globalThis as Record<symbol, unknown>;

/** Runs fn with our own channel in place of the preload's (restored after), returning what it got. */
function withChannel(fn: () => void): Array<[string, TestMeta]> {
  const got: Array<[string, TestMeta]> = [];
  const saved = g[CHANNEL];
  g[CHANNEL] = { meta: (name: string, data: TestMeta) => got.push([name, data]) };
  try {
    fn();
  } finally {
    g[CHANNEL] = saved;
  }
  return got;
}

describe('test-code API', () => {
  it('requirements and llm go to the channel under the full name (or the name on old nodes)', () => {
    const got = withChannel(() => {
      requirements({ name: 'caps', fullName: 'dose > caps' }, 'REQ-12', 'IEC:62304/5.1');
      llm({ name: 'lis' }, 'off');
      meta({ name: 'x', fullName: 'a > x' }, { llm_mode: 'minimal' });
    });
    assert.deepEqual(got, [
      ['dose > caps', { requirements: ['REQ-12', 'IEC:62304/5.1'] }],
      ['lis', { llm_mode: 'off' }],
      ['a > x', { llm_mode: 'minimal' }],
    ]);
  });

  it('bad requirement ids and llm modes throw a TypeError naming the value; nothing is sent', () => {
    const got = withChannel(() => {
      assert.throws(() => requirements({ name: 't' }, 'REQ-1', 'has space'), { name: 'TypeError', message: /invalid requirement id "has space"/ });
      assert.throws(() => requirements({ name: 't' }, 'x'.repeat(129)), TypeError);
      assert.throws(() => llm({ name: 't' }, 'all' as never), { name: 'TypeError', message: /got "all"/ });
    });
    assert.deepEqual(got, []);
  });

  it('without a channel (in-process runs) declarations wait in the global list', () => {
    const saved = g[CHANNEL];
    const savedList = g[IN_PROCESS];
    delete g[CHANNEL];
    delete g[IN_PROCESS];
    try {
      requirements({ name: 'n', fullName: 's > n' }, 'REQ-7');
      assert.deepEqual(inProcessMeta(), [{ fullName: 's > n', data: { requirements: ['REQ-7'] } }]);
      assert.equal(inProcessMeta(), g[IN_PROCESS], 'one list');
    } finally {
      g[CHANNEL] = saved;
      g[IN_PROCESS] = savedList;
    }
  });
});

describe('terminal summary', () => {
  const report = fakeReport() as unknown as Report;

  it('one mark per test, none for suites', () => {
    assert.deepEqual(report.tests.map(progressMark).join('').length, report.tests.length);
    for (const t of report.tests) assert.equal(progressMark(t), { passed: '.', failed: 'F', cancelled: 'C', skipped: 's', todo: 't', incomplete: '?' }[t.status]);
    assert.equal(progressMark({ ...report.suites[0]!, type: 'suite' }), '');
  });

  it('lists each failure at its location with its message, then the counts and the report path', () => {
    const text = terminalSummary(report, 'llm-report/report.json', false);
    const problems = report.tests.filter((t) => ['failed', 'cancelled', 'incomplete'].includes(t.status));
    assert.ok(problems.length > 0, 'the fake report has failures');
    assert.match(text, /^\n\nFailures:\n/);
    for (const t of problems) {
      assert.ok(text.includes(`✖ ${[...t.path, t.name].join(' > ')} [${t.status}]`), t.name);
      const loc = t.failure?.location ?? { file: t.file, line: t.line, column: t.column };
      assert.ok(text.includes(`    at ${loc.file}:${loc.line}:${loc.column}`), `${t.name} location`);
    }
    const s = report.summary;
    assert.ok(text.includes(`${report.run.status.toUpperCase()}  ${s.tests} tests, ${s.passed} passed, ${s.failed} failed`));
    assert.ok(text.endsWith('report: llm-report/report.json\n'));
    assert.ok(!text.includes('\x1b['), 'no colour when asked for none');
    assert.ok(terminalSummary(report, undefined, true).includes('\x1b[31m'), 'red with colour');
  });

  it('a passing run: no failure section, PASSED in green', () => {
    const passed = { ...report, tests: report.tests.filter((t) => t.status === 'passed'), files: report.files.map((f) => ({ ...f, failure: undefined })), warnings: [], run: { ...report.run, status: 'passed' } } as Report;
    const text = terminalSummary(passed, undefined, true);
    assert.ok(!text.includes('Failures:'));
    assert.ok(text.includes('\x1b[32mPASSED\x1b[39m'));
  });
});
