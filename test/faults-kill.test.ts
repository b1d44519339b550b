// Killed and interrupted runs (compliance-trust R1, R2, R8, R10) on the chaos fixture, whose tests write
// their own ground truth: SIGKILL of a test-file child at a random moment, SIGKILL of node --test itself,
// SIGINT/SIGTERM, and process.exit(0) mid-suite. Every result that was produced must be in the report,
// and incompleteness must be explicit. Randomized: the seed is printed; LLMR_FAULT_SEED replays it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cleanEnv, countsAsNode, NODE, REPO, runNodeTest } from './helpers/run.js';
import { alive, checkChaos, chaosProject, faultReps, pids, random, readReport, removeProject, SEED, sleep, startRun, truth, waitFor } from './helpers/faults.js';
import { parseNdjson } from '../lib/report/ndjson.js';
import { validateReport } from '../lib/generated/validators.js';
import type { Line, Report, TestLine } from '../lib/types.js';

const CLI = path.join(REPO, 'dist', 'lib', 'cli', 'main.js');
const TESTS = 12;
const DELAY_MS = 5;
const FILES = ['test/a.test.js', 'test/b.test.js', 'test/c.test.js', 'test/d.test.js'];
const CHAOS_ENV = { CHAOS_TESTS: String(TESTS), CHAOS_DELAY_MS: String(DELAY_MS) };
/**
 * Per-test coverage on (the default: root hooks in each child) and off (the child follows node's tests
 * without hooks, reporters/tap-tests.ts): the two ways a child journals, alternated by rep.
 */
const chaosEnv = (rep: number, extra: Record<string, string> = {}): Record<string, string> => ({ ...CHAOS_ENV, LLM_REPORT_COVERAGE__MODE: rep % 2 ? 'off' : 'test', ...extra });
const modeOf = (rep: number): string => (rep % 2 ? 'coverage off' : 'coverage on');
/** About how long one chaos file runs its tests on an idle machine. */
const FILE_MS = TESTS * (DELAY_MS + 3);

function valid(report: Report | undefined, what: string, stderr: string): Report {
  assert.ok(report, `${what}: no report.json; stderr:\n${stderr}`);
  assert.ok(validateReport(report), `${what}: ${JSON.stringify(validateReport.errors?.[0])}`);
  return report;
}

const journalPath = (dir: string): string => path.join(dir, 'llm-report', 'journal.ndjson');
const journalText = (dir: string): string => (existsSync(journalPath(dir)) ? readFileSync(journalPath(dir), 'utf8') : '');
const testLines = (dir: string): number => journalText(dir).split('"type":"test"').length - 1;

/** A random moment of the run: after a random number of its tests were journaled, plus a few ms. */
async function randomMoment(dir: string, rand: ReturnType<typeof random>, total: number): Promise<void> {
  await waitFor(() => journalText(dir).includes('"type":"run_start"'), 60_000);
  const k = rand.int(total);
  await waitFor(() => testLines(dir) >= k, 60_000);
  await sleep(rand.int(10));
}

describe(`faults: killed and interrupted runs (seed ${SEED})`, () => {
  it('control: the chaos fixture unfaulted passes whole, each test under its own test file, counts equal to node\'s', () => {
    // Its tests are declared in a shared helper module (chaos.js): on Node versions whose events carry no
    // entryFile, the reporter must still place them under the test file whose process ran them.
    const dir = chaosProject();
    const r = runNodeTest(dir, { args: ['--test-concurrency=2'], env: CHAOS_ENV });
    const report = valid(r.report, 'control', r.stderr);
    assert.equal(report.run.status, 'passed', r.stderr);
    assert.equal(r.status, 0);
    assert.deepEqual(countsAsNode(report), r.nodeCounts);
    assert.deepEqual(report.files.map((f) => [f.file, f.counts.passed]), FILES.map((f) => [f, TESTS]));
    assert.ok(report.tests.every((t) => t.file === 'chaos.js' && FILES.includes(t.entry_file)));
    checkChaos(report, { dir, tests: TESTS, faulted: new Set(), what: 'control' });
    removeProject(dir);
  });

  it(`SIGKILL of a random test-file child at a random moment (${faultReps(3, 4)} runs)`, { timeout: 60_000 + faultReps(3, 4) * 20_000 }, async (t) => {
    const rand = random(SEED);
    let effective = 0;
    for (let rep = 0; rep < faultReps(3, 4); rep++) {
      const dir = chaosProject();
      const target = FILES[rand.int(FILES.length)]!;
      const run = startRun(dir, { args: ['--test-concurrency=2'], env: chaosEnv(rep) });
      let pid: number | undefined;
      await waitFor(() => {
        for (const [p, f] of pids(dir)) if (f === target) pid = p;
        return pid !== undefined;
      }, 60_000);
      // Anywhere in the file's life: before its first test, mid-test, between tests, after its last.
      await sleep(rand.int(FILE_MS + 40));
      let killed = false;
      if (pid !== undefined && alive(pid)) {
        try {
          process.kill(pid, 'SIGKILL');
          killed = true;
        } catch {
          // gone between the check and the kill: an unfaulted run
        }
      }
      const { code } = await run.exited;
      const what = `rep ${rep} (${modeOf(rep)}): SIGKILL ${target}${killed ? '' : ' (already gone)'}`;
      const report = valid(readReport(dir), what, run.stderr());
      const account = checkChaos(report, { dir, tests: TESTS, faulted: new Set(killed ? [target] : []), what });
      assert.equal(code === 0, report.run.status === 'passed', `${what}: the exit status follows the verdict (exit ${code}, ${report.run.status})`);
      const targetDone = truth(dir).filter((k) => k.startsWith(`${target}\t`)).length;
      if (killed && targetDone < TESTS) {
        effective++;
        assert.notEqual(report.run.status, 'passed', `${what}: a run with a killed file is not a pass`);
        assert.notEqual(report.files.find((f) => f.file === target)?.status, 'passed', `${what}: the killed file is not passed`);
      }
      t.diagnostic(account);
      removeProject(dir);
    }
    t.diagnostic(`${effective} run(s) were killed before the file's last test finished`);
  });

  it(`process.exit(0) inside a random test mid-suite (${faultReps(2)} runs): unfinished tests are incomplete, not passed`, { timeout: 60_000 + faultReps(2) * 20_000 }, async (t) => {
    const rand = random(SEED + 1);
    for (let rep = 0; rep < faultReps(2); rep++) {
      const dir = chaosProject();
      const target = FILES[rand.int(FILES.length)]!;
      const at = rand.int(TESTS);
      const run = startRun(dir, { args: ['--test-concurrency=2'], env: chaosEnv(rep, { CHAOS_EXIT_AT: `${target}:${at}` }) });
      const { code } = await run.exited;
      const what = `rep ${rep} (${modeOf(rep)}): process.exit(0) in ${target} test #${at}`;
      const report = valid(readReport(dir), what, run.stderr());
      t.diagnostic(checkChaos(report, { dir, tests: TESTS, faulted: new Set([target]), what }));
      const name = `t${at}`;
      const exiting = report.tests.find((x) => x.entry_file === target && x.name === name);
      assert.equal(exiting?.status, 'incomplete', `${what}: the test that called exit is incomplete`);
      const before = report.tests.filter((x) => x.entry_file === target && !x.file_level && Number(x.name.slice(1)) < at);
      assert.equal(before.length, at, `${what}: every test before it is reported`);
      assert.ok(before.every((x) => x.status === 'passed'), `${what}: and passed`);
      assert.equal(report.files.find((f) => f.file === target)?.status, 'incomplete');
      assert.equal(report.run.status, 'incomplete');
      assert.notEqual(code, 0);
      removeProject(dir);
    }
  });

  it(`SIGKILL of node --test itself (${faultReps(2)} runs): at most one torn journal line; llm-report fold recovers the rest and says incomplete`, { timeout: 60_000 + faultReps(2) * 20_000 }, async (t) => {
    const rand = random(SEED + 2);
    for (let rep = 0; rep < faultReps(2); rep++) {
      const dir = chaosProject();
      const run = startRun(dir, { args: ['--test-concurrency=2'], env: CHAOS_ENV, detached: true });
      await randomMoment(dir, rand, FILES.length * TESTS);
      process.kill(run.child.pid!, 'SIGKILL');
      await run.died;
      // The orphaned test children: end them too (the whole process group).
      try {
        process.kill(-run.child.pid!, 'SIGKILL');
      } catch {
        // none left
      }
      await run.exited;
      const what = `rep ${rep}: SIGKILL of the parent`;
      const text = journalText(dir);
      const parts = text.split('\n');
      const parsed = parseNdjson(text, 'journal.ndjson');
      assert.ok(parsed.badLines.every((n) => n === parts.length), `${what}: only the last line may be torn; bad: ${parsed.badLines.join(', ')}`);
      const lines: Line[] = parsed.lines;
      const finishedRun = lines.some((l) => l.type === 'run_end');

      const fold = spawnSync(NODE, [CLI, 'fold', 'llm-report/journal.ndjson', '--out', 'refold'], { cwd: dir, env: cleanEnv(), encoding: 'utf8' });
      const report = valid(readReport(dir, 'refold'), what, fold.stderr);
      // Result lines; the journal's pending lines (tests that began) add the tests that were running, incomplete.
      const journalTests = lines.filter((l): l is TestLine => l.type === 'test' && !l.pending);
      const began = new Set(lines.filter((l): l is TestLine => l.type === 'test' && l.pending === true).map((l) => l.id));
      const results = new Set(journalTests.map((l) => `${l.id}/${l.attempt}`));
      const running = report.tests.filter((x) => !results.has(`${x.id}/${x.attempt}`));
      assert.equal(report.tests.length - running.length, journalTests.length, `${what}: every test line of the journal is in the report`);
      for (const x of running) assert.ok(x.status === 'incomplete' && began.has(x.id) && !finishedRun, `${what}: ${x.name} is in the report only as a test that began and never finished`);
      const byId = new Map(report.tests.map((x) => [`${x.id}/${x.attempt}`, x.status]));
      for (const l of journalTests) assert.equal(byId.get(`${l.id}/${l.attempt}`), l.status, `${what}: ${l.name} keeps its status`);
      const done = new Set(truth(dir));
      for (const l of journalTests) if (l.status === 'passed') assert.ok(done.has(`${l.entry_file}\t${[...l.path, l.name].join(' > ')}`), `${what}: ${l.name} passed without finishing`);
      if (finishedRun) {
        assert.equal(report.run.complete, true);
      } else {
        assert.equal(fold.status, 1, `${what}: fold exits 1 on an incomplete run`);
        assert.match(fold.stderr, /the run is incomplete/);
        assert.equal(report.run.complete, false);
        assert.equal(report.run.status, 'incomplete');
        assert.ok(report.warnings.some((w) => w.code === 'LLMR_NDJSON_NO_RUN_END'));
      }
      t.diagnostic(`${what}: journal ${lines.length} lines${text.endsWith('\n') || text === '' ? '' : ' + 1 torn'}, ${journalTests.length} tests, ${finishedRun ? 'run had finished' : 'refolded incomplete'}`);
      removeProject(dir);
    }
  });

  it(`SIGINT while the outputs are being written (${faultReps(2, 0.2)} runs): the report is still written whole`, { timeout: 60_000 + faultReps(2, 0.2) * 20_000 }, async () => {
    for (let rep = 0; rep < faultReps(2, 0.2); rep++) {
      const dir = chaosProject();
      const run = startRun(dir, { args: ['--test-concurrency=2'], env: CHAOS_ENV });
      // The end record is journaled first; report.json, results.ndjson and the rest follow it.
      await waitFor(() => journalText(dir).includes('"type":"run_end"'), 60_000);
      run.child.kill('SIGINT');
      await run.exited;
      const what = `rep ${rep}: SIGINT after run_end`;
      if (!existsSync(path.join(dir, 'llm-report', 'report.json'))) assert.fail(`${what}: the journal says the run ended, but there is no report.json (killed mid-write); project kept at ${dir}`);
      const report = valid(readReport(dir), what, run.stderr());
      assert.equal(report.run.status, 'passed', what);
      assert.equal(report.summary.passed, FILES.length * TESTS, what);
      const results = readFileSync(path.join(dir, 'llm-report', 'results.ndjson'), 'utf8');
      assert.equal(parseNdjson(results, 'results.ndjson').lines.at(-1)?.type, 'run_end', `${what}: results.ndjson whole`);
      removeProject(dir);
    }
  });

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} to node --test at a random moment (${faultReps(1, 0.5)} runs): the run is recorded aborted with the signal`, { timeout: 60_000 + faultReps(1, 0.5) * 20_000 }, async (t) => {
      const rand = random(SEED + (signal === 'SIGINT' ? 3 : 4));
      for (let rep = 0; rep < faultReps(1, 0.5); rep++) {
        const dir = chaosProject();
        const run = startRun(dir, { args: ['--test-concurrency=2'], env: CHAOS_ENV });
        await randomMoment(dir, rand, FILES.length * TESTS);
        run.child.kill(signal);
        const { code, signal: died } = await run.exited;
        const what = `rep ${rep}: ${signal}`;
        const report = valid(readReport(dir), what, run.stderr());
        const last = parseNdjson(journalText(dir), 'journal.ndjson').lines.at(-1);
        assert.equal(last?.type, 'run_end', `${what}: the journal ends with an end record`);
        if (report.run.signal === undefined && report.run.status === 'passed') {
          // The run had finished before the signal arrived: then it must be whole.
          t.diagnostic(checkChaos(report, { dir, tests: TESTS, faulted: new Set(), what: `${what} (after the run ended)` }));
        } else {
          assert.equal(report.run.status, 'aborted', `${what}: ${report.run.status}`);
          assert.equal(report.run.signal, signal);
          assert.equal(last.status, 'aborted');
          assert.ok(code !== 0 || died !== null, `${what}: a non-zero exit (exit ${code}, signal ${died})`);
          t.diagnostic(checkChaos(report, { dir, tests: TESTS, faulted: new Set(FILES), what }));
        }
        removeProject(dir);
      }
    });
  }
});
