// Watch mode end to end: `node --test --watch` on a fixture copy, edited between cycles, stopped with
// SIGINT. Each cycle must be a run of its own (the stream's run_start/run_end pairs, report.json of that
// cycle alone with node's own counts for it, per-test coverage in every cycle, the same ids), and a
// SIGINT during a cycle must leave the last complete report as it was and record the cycle as aborted.
// node's TAP reporter runs alongside as the ground truth (its closing counts come once per cycle), and
// a one-line event recorder tells whether this node has the watch events at all (feature detection).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cleanEnv, copyFixture, countsAsNode, NODE, parseLines } from './helpers/run.js';
import { cli } from './helpers/evidence.js';
import { edit, read, runEnds, startWatch, waitFor } from './helpers/watch.js';
import type { Line, Report, RunEndLine, RunStartLine, TestLine } from '../lib/types.js';

const EVENTS_REPORTER = `import { appendFileSync } from 'node:fs';
export default async function* (source) {
  for await (const e of source) {
    if (e.type.startsWith('test:watch:')) appendFileSync('events.txt', e.type + '\\n');
    yield '';
  }
}
`;

/** node's TAP closing counts, one group per cycle ("# tests 11" ... "# todo 1"). */
function tapCycles(tap: string): Array<Record<string, number>> {
  const out: Array<Record<string, number>> = [];
  const names: Record<string, string> = { pass: 'passed', fail: 'failed' };
  for (const m of tap.matchAll(/^# (tests|suites|pass|fail|cancelled|skipped|todo) (\d+)$/gm)) {
    if (m[1] === 'tests') out.push({});
    out.at(-1)![names[m[1]!] ?? m[1]!] = Number(m[2]);
  }
  return out;
}

function report(dir: string, file = 'llm-report/report.json'): Report {
  return JSON.parse(read(dir, file)) as Report;
}

const key = (t: TestLine): string => `${t.file}\u0000${[...t.path, t.name].join(' > ')}`;

describe('watch mode (node --test --watch)', () => {
  it('each cycle is a run; SIGINT during a cycle keeps the last complete report and records the cycle as aborted', { timeout: 180_000 }, async (t) => {
    const dir = copyFixture('watch');
    writeFileSync(path.join(dir, 'events.mjs'), EVENTS_REPORTER);
    // Our own temp dir, to see the reporter's work dir (preload, child journals) outlive every cycle and go at the end.
    const tmp = mkdtempSync(path.join(os.tmpdir(), 'llmr-watch-tmp-'));
    const { exited, stderr, stop } = startWatch(dir, ['--test-reporter=tap', '--test-reporter-destination=tap.txt', '--test-reporter=./events.mjs', '--test-reporter-destination=events.out'], { TMPDIR: tmp });
    try {
      // Cycle 1: node's TAP counts come once the cycle drained.
      await waitFor('cycle 1 to end (TAP counts)', 60_000, () => tapCycles(read(dir, 'tap.txt')).length === 1);
      if (!read(dir, 'events.txt').includes('test:watch:drained')) {
        t.skip(`node ${NODE} sends no test:watch:drained in watch mode: no cycle boundary to report on`);
        return;
      }
      await waitFor('cycle 1 run_end in our stream', 15_000, () => runEnds(read(dir, 'stream.ndjson')) === 1);
      const first = report(dir);
      const tap1 = tapCycles(read(dir, 'tap.txt'))[0]!;
      assert.equal(first.run.watch_cycle, 1);
      assert.equal(first.run.status, 'failed');
      assert.deepEqual(countsAsNode(first), tap1, 'cycle 1 counts are node\'s');
      assert.equal(first.summary.tests, 11);
      const ids1 = new Map(first.tests.map((x) => [key(x), x.id]));

      // Cycle 2: fix mul; node re-runs the two test files that import src/calc.js.
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(readdirSync(tmp).filter((f) => f.startsWith('llm-report-')).length, 1, 'the work dir outlives cycle 1 (the next cycle\'s children need its preload)');
      edit(path.join(dir, 'src', 'calc.js'), 'a * b + 1', 'a * b');
      await waitFor('cycle 2 run_end in our stream', 60_000, () => runEnds(read(dir, 'stream.ndjson')) === 2);
      await waitFor('cycle 2 TAP counts', 15_000, () => tapCycles(read(dir, 'tap.txt')).length === 2);
      const tap2 = tapCycles(read(dir, 'tap.txt'))[1]!;
      const second = report(dir);
      assert.equal(second.run.watch_cycle, 2);
      assert.equal(second.run.status, 'passed', 'the last cycle passed, so the report does');
      assert.deepEqual(countsAsNode(second), tap2, 'report.json holds cycle 2 alone, with node\'s counts for it');
      assert.deepEqual(second.node_counts, tap2, 'node_counts are cycle 2\'s');
      assert.equal(second.summary.tests, 7);
      assert.deepEqual([...new Set(second.files.map((f) => f.file))].sort(), ['test/calc.test.js', 'test/slow.test.js']);
      for (const x of second.tests) {
        assert.equal(x.occurrence, 1, `${x.name}: occurrence counts restart each cycle`);
        assert.equal(x.id, ids1.get(key(x)), `${x.name}: the same id as in cycle 1`);
        assert.ok(x.coverage?.some((c) => c.file === 'src/calc.js' && c.lines.length > 0), `${x.name}: per-test coverage in cycle 2`);
      }
      // The stream: one run_start/run_end pair per cycle, each run_end counting its own cycle's tests.
      const lines: Line[] = parseLines(read(dir, 'stream.ndjson'));
      const bounds = lines.filter((l): l is RunStartLine | RunEndLine => l.type === 'run_start' || l.type === 'run_end');
      assert.deepEqual(bounds.map((l) => l.type), ['run_start', 'run_end', 'run_start', 'run_end']);
      assert.deepEqual(bounds.filter((l): l is RunStartLine => l.type === 'run_start').map((l) => l.watch_cycle), [1, 2]);
      const ends = bounds.filter((l): l is RunEndLine => l.type === 'run_end');
      assert.deepEqual([ends[0]!.counts.tests, ends[0]!.counts.failed, ends[1]!.counts.tests, ends[1]!.counts.failed], [11, 1, 7, 0]);
      // results.ndjson and the journal are cycle 2's; the evidence set verifies.
      const results = parseLines(read(dir, 'llm-report/results.ndjson'));
      assert.equal(results.filter((l) => l.type === 'test').length, 7);
      const journal = parseLines(read(dir, 'llm-report/journal.ndjson'));
      assert.equal((journal[0] as RunStartLine).run_id, second.run.run_id);
      assert.equal(journal.at(-1)?.type, 'run_end');
      assert.ok(!existsSync(path.join(dir, 'llm-report', 'watch-cycle')), 'no cycle in progress left behind');
      const verified = cli(['verify', 'llm-report'], dir);
      assert.equal(verified.status, 0, verified.stdout + verified.stderr);

      // Cycle 3: a test now waits a minute; SIGINT while it runs.
      const before = read(dir, 'llm-report/report.json');
      edit(path.join(dir, 'src', 'calc.js'), 'DELAY = 0', 'DELAY = 60000');
      await waitFor('cycle 3 to reach the slow test', 60_000, () => read(dir, 'llm-report/watch-cycle/journal.ndjson').includes('"name":"sums before the wait"'));
      await new Promise((r) => setTimeout(r, 500));
      stop('SIGINT');
      const code = await Promise.race([exited, new Promise<'hung'>((r) => setTimeout(() => r('hung'), 30_000))]);
      assert.notEqual(code, 'hung', 'node exits on SIGINT');
      assert.equal(read(dir, 'llm-report/report.json'), before, 'the last complete cycle\'s report is intact');
      const aborted = report(dir, 'llm-report/watch-cycle/report.json');
      assert.equal(aborted.run.status, 'aborted');
      assert.equal(aborted.run.signal, 'SIGINT');
      assert.equal(aborted.run.watch_cycle, 3);
      assert.equal(aborted.tests.find((x) => x.name === 'waits DELAY ms')?.status, 'incomplete');
      const abortedJournal = parseLines(read(dir, 'llm-report/watch-cycle/journal.ndjson'));
      assert.equal((abortedJournal.at(-1) as RunEndLine).status, 'aborted', 'the aborted cycle\'s journal ends with its end record');
      assert.equal(parseLines(read(dir, 'stream.ndjson')).filter((l) => l.type === 'run_start').length, 3);
      assert.deepEqual(readdirSync(tmp).filter((f) => f.startsWith('llm-report-')), [], 'the work dir is removed when node exits');
      const still = cli(['verify', 'llm-report'], dir);
      assert.equal(still.status, 0, `the aborted cycle's record joins the sealed set: ${still.stdout}${still.stderr}`);
    } catch (err) {
      (err as Error).message += `\n--- node stderr ---\n${stderr()}`;
      throw err;
    } finally {
      stop('SIGKILL');
    }
  });

  it('on an interactive terminal: one summary line per cycle', { timeout: 120_000, skip: !existsSync('/usr/bin/script') && 'needs script(1) for a pty' }, async () => {
    const dir = copyFixture('watch');
    const child = spawn('/usr/bin/script', ['-qec', `${NODE} --test --watch --test-reporter=@org/llm-report`, '/dev/null'], { cwd: dir, env: cleanEnv(), stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    try {
      await waitFor('the cycle 1 summary line', 60_000, () => /\[cycle 1\] FAILED {2}11 tests, 8 passed, 1 failed/.test(out));
      await new Promise((r) => setTimeout(r, 500));
      edit(path.join(dir, 'src', 'calc.js'), 'a * b + 1', 'a * b');
      await waitFor('the cycle 2 summary line', 60_000, () => /\[cycle 2\] PASSED {2}7 tests, 7 passed, 0 failed/.test(out));
      assert.equal(out.match(/\[cycle \d+\] (PASSED|FAILED)/g)?.length, 2, out);
      assert.doesNotMatch(out, /"type":"run_start"/);
    } finally {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  });
});
