// GitHub Actions: with GITHUB_ACTIONS=true the reporter and `llm-report aggregate` write failure
// annotations (workflow commands on stderr, escaped) and append the Markdown job summary to
// $GITHUB_STEP_SUMMARY; without it, neither appears. The verdict is the same either way.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import { copyFixture, runNodeTest } from './helpers/run.js';
import { cli } from './helpers/aggregate.js';
import { annotations, escapeData, escapeProperty, formatCommand } from '../lib/ci/github.js';
import { fold } from '../lib/report/fold.js';
import type { Line } from '../lib/types.js';

const tmpFile = (name: string): string => path.join(mkdtempSync(path.join(os.tmpdir(), 'llmr-gh-')), name);
/** Workflow commands in a stream: lines starting with ::. */
const commands = (text: string): string[] => text.split('\n').filter((l) => l.startsWith('::'));

describe('GitHub Actions integration', () => {
  it('reporter under GITHUB_ACTIONS=true: an escaped annotation per failure and the job summary; NDJSON untouched', () => {
    const dir = copyFixture('shards');
    const summary = tmpFile('summary.md');
    const r = runNodeTest(dir, { env: { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary, GITHUB_WORKSPACE: dir } });
    assert.equal(r.status, 1, 'the deliberate failure still fails the run');
    const cmds = commands(r.stderr);
    assert.equal(cmds.length, 1, r.stderr);
    assert.match(cmds[0]!, /^::error file=test\/c-total\.test\.js,line=9,col=\d+,title=failed%3A a deliberate failure::two is not three/);
    assert.ok(cmds[0]!.includes('%0A'), 'the multi-line message is escaped onto one line');
    assert.ok(!r.stream.includes('::error'), 'the NDJSON stream carries no workflow command');
    const md = readFileSync(summary, 'utf8');
    assert.match(md, /Test report: failed/);
    assert.match(md, /a deliberate failure/);
    assert.match(md, /\| 13 \| 10 \| 1 \|/);
  });

  it('reporter without GITHUB_ACTIONS: no annotation, no summary, same verdict', () => {
    const dir = copyFixture('shards');
    const summary = tmpFile('summary.md');
    const r = runNodeTest(dir, { env: { GITHUB_STEP_SUMMARY: summary, GITHUB_WORKSPACE: dir } });
    assert.equal(r.status, 1);
    assert.deepEqual(commands(r.stderr), []);
    assert.ok(!existsSync(summary), 'no job summary written');
    assert.equal(r.report?.run.status, 'failed');
  });

  it('aggregate under GITHUB_ACTIONS=true annotates with repository paths (project in a subdirectory) and appends its summary', () => {
    const dir = copyFixture('shards');
    runNodeTest(dir, { env: { LLM_REPORT_OUTPUT_DIR: 'ci/a' } });
    const summary = tmpFile('summary.md');
    const on = cli(['aggregate', 'ci', '--out', 'agg'], dir, { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary, GITHUB_WORKSPACE: path.dirname(dir) });
    assert.equal(on.status, 1);
    const [cmd] = commands(on.stderr);
    assert.match(cmd ?? '', new RegExp(`^::error file=${path.basename(dir)}/test/c-total\\.test\\.js,line=9,`));
    assert.match(readFileSync(summary, 'utf8'), /Test report: failed[^]*### Aggregate: policy merge, 1 run in 1 group\n\n\| source \|[^]*\| ci\/a\/results\\\.ndjson \| {2}\| failed \| 15 \| [0-9a-f]{12} \|/);
    const quiet = cli(['aggregate', 'ci', '--out', 'agg', '--no-annotations'], dir, { GITHUB_ACTIONS: 'true', GITHUB_STEP_SUMMARY: summary, GITHUB_WORKSPACE: dir });
    assert.deepEqual(commands(quiet.stderr), []);
    assert.equal(readFileSync(summary, 'utf8').match(/Test report: failed/g)?.length, 2, 'the summary is appended, not replaced');
    const off = cli(['aggregate', 'ci', '--out', 'agg'], dir, { GITHUB_STEP_SUMMARY: summary + '.off' });
    assert.equal(off.status, 1);
    assert.deepEqual(commands(off.stderr), []);
    assert.ok(!existsSync(summary + '.off'));
  });
});

describe('workflow command escaping', () => {
  it('escapes %, CR and LF in data, and also : and , in properties', () => {
    assert.equal(escapeData('100% done\r\nnext'), '100%25 done%0D%0Anext');
    assert.equal(escapeProperty('a:b,c%\n'), 'a%3Ab%2Cc%25%0A');
    assert.equal(escapeData('::error::x'), '::error::x', 'data after the command separator needs no more');
  });

  it('a hostile test name and message stay one command with their text intact', () => {
    const cmd = formatCommand({ level: 'error', file: 'test/a,b.js', line: 3, col: 2, title: 'failed: x::y\n::error::z', message: 'line 1\n::warning::injected\r\n100%' });
    assert.equal(cmd, '::error file=test/a%2Cb.js,line=3,col=2,title=failed%3A x%3A%3Ay%0A%3A%3Aerror%3A%3Az::line 1%0A::warning::injected%0D%0A100%25\n');
    assert.equal(cmd.split('\n').length, 2, 'exactly one line');
  });

  it('annotates failed files and tests, flaky tests as warnings, and caps the count', () => {
    const start = { type: 'run_start', schema_version: '1.0.0', tool: { name: 't', version: '0' }, node_version: 'v20', platform: 'linux', arch: 'x64', run_id: 'r', started_at: '2024-01-01T00:00:00.000Z', argv: [], env_names: [], config_sha256: '0'.repeat(64), isolation: 'process' };
    const test = (i: number, status: string, extra: object = {}) => ({ type: 'test', id: `id${i}`, file: 'test/x.test.js', entry_file: 'test/x.test.js', line: i, column: 1, name: `t${i}`, path: [], nesting: 0, occurrence: 1, status, duration_ms: 1, attempt: 0, ...extra });
    const lines = [start, ...Array.from({ length: 60 }, (_, i) => test(i + 1, 'failed', { failure: { kind: 'error', message: `boom ${i + 1}` } })), test(99, 'passed', { flaky: true, history: [{ group_id: 'g', run_id: 'a', attempt: 0, status: 'failed' }, { group_id: 'g', run_id: 'b', attempt: 0, status: 'passed' }] })];
    const end = { type: 'run_end', status: 'failed', counts: { tests: 61, suites: 0, passed: 1, failed: 60, cancelled: 0, skipped: 0, todo: 0, incomplete: 0 }, ended_at: '2024-01-01T00:00:01.000Z', duration_ms: 1000 };
    const report = fold([...(lines as Line[]), end as Line]);
    const list = annotations(report);
    assert.equal(list.length, 50);
    assert.deepEqual(list.at(-1), { level: 'notice', title: 'llm-report', message: '12 more problems are not annotated; see the report' });
    assert.deepEqual(list[0], { level: 'error', file: 'test/x.test.js', line: 1, col: 1, title: 'failed: t1', message: 'boom 1' });
    const few = annotations({ ...report, tests: report.tests.slice(-2) });
    assert.deepEqual(few.map((a) => [a.level, a.title, a.message]), [
      ['error', 'failed: t60', 'boom 60'],
      ['warning', 'flaky: t99', 'outcomes across runs and attempts: failed, passed'],
    ]);
  });
});
