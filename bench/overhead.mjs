// Reporter overhead: wall time and the parent's peak RSS of `node --test` with our reporter against the
// same run with node's built-in spec and tap reporters, on the same generated suite, alternating.
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { generateSuite, REPO } from './lib/generate.mjs';
import { alternate, median, run, PROBE_ARG } from './lib/measure.mjs';
import { record } from './lib/results.mjs';
import { coverageOption } from './lib/coverage-option.mjs';

/** The three variants on one project; every destination is a file, as in CI. */
export function reporterVariants(dir, { extraEnv = {} } = {}) {
  const base = [PROBE_ARG, '--test'];
  // Per-test coverage off: its cost is measured against c8 (coverage.mjs), not against plain reporters.
  const env = { ...(coverageOption()?.off ?? {}), ...extraEnv };
  return {
    ours: () => run(process.execPath, [...base, '--test-reporter=@org/llm-report', '--test-reporter-destination=out-ours.ndjson'], { cwd: dir, env, expectCode: 0 }),
    spec: () => run(process.execPath, [...base, '--test-reporter=spec', '--test-reporter-destination=out-spec.txt'], { cwd: dir, env, expectCode: 0 }),
    tap: () => run(process.execPath, [...base, '--test-reporter=tap', '--test-reporter-destination=out-tap.txt'], { cwd: dir, env, expectCode: 0 }),
  };
}

export async function benchOverhead({ rounds = 5, sizes = [{ tests: 1000, files: 20 }, { tests: 10000, files: 100 }], log = console.log } = {}) {
  for (const { tests, files } of sizes) {
    const dir = mkdtempSync(path.join(os.tmpdir(), `llmr-bench-overhead-${tests}-`));
    try {
      generateSuite(dir, { files, testsPerFile: tests / files, depth: 3 });
      log(`overhead: ${tests} tests in ${files} files`);
      const r = await alternate(reporterVariants(dir), rounds, { log });
      const report = JSON.parse(readFileSync(path.join(dir, 'llm-report', 'report.json'), 'utf8'));
      if (report.summary.passed !== tests) throw new Error(`bench: our report has ${report.summary.passed} passed tests, expected ${tests}`);
      const k = `${tests / 1000}k`;
      if (tests === 1000) {
        const b = await overheadBreakdown(dir, { rounds, tests });
        record({ name: 'overhead.breakdown.parent_cpu_per_1k_tests', value: b.parentCpuPer1kMs, unit: 'ms', note: 'our reporter minus tap, replaying the same events' });
        record({ name: 'overhead.breakdown.child_preload_cpu', value: b.childPreloadCpuMs, unit: 'ms', note: `per test file (${tests / files} tests); the file alone: ${Math.round(b.childCpuMs)} ms` });
      }
      for (const builtin of ['spec', 'tap']) {
        record({ name: `overhead.${k}.wall_vs_${builtin}`, value: r.ours.wallMs / r[builtin].wallMs, unit: 'x', target: '<= 1.05' });
        record({ name: `overhead.${k}.rss_vs_${builtin}`, value: r.ours.rssKiB / r[builtin].rssKiB, unit: 'x', target: '<= 1.05' });
      }
      for (const v of ['ours', 'spec', 'tap']) {
        record({ name: `overhead.${k}.wall_${v}`, value: r[v].wallMs / 1000, unit: 's', note: `median of ${rounds}` });
        record({ name: `overhead.${k}.rss_${v}`, value: r[v].rssKiB / 1024, unit: 'MiB', note: 'parent process peak' });
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}

const LIB = path.join(REPO, 'bench', 'lib');

/**
 * Where our extra time goes, on a generated project `dir`: the parent's CPU per 1,000 tests (our
 * reporter replaying the run's captured events, minus node's tap reporter replaying the same), and
 * the CPU our preload adds to each test process (one test file with and without it).
 */
export async function overheadBreakdown(dir, { rounds = 5, tests } = {}) {
  const events = path.join(dir, 'events.bin');
  await run(process.execPath, [PROBE_ARG, '--test', `--test-reporter=${path.join(LIB, 'capture.mjs')}`], { cwd: dir, env: { BENCH_CAPTURE_OUT: events }, expectCode: 0 });
  const off = coverageOption()?.off ?? {};
  const replay = (reporter) => () => run(process.execPath, [PROBE_ARG, path.join(LIB, 'replay.mjs'), events, reporter], { cwd: dir, env: off, expectCode: 0 });
  const parent = await alternate({ ours: replay(path.join(REPO, 'dist', 'llm-report.mjs')), tap: replay('tap') }, rounds, { log: () => {} });
  const cpu = (r) => median(r.cpu);
  const parentMs = (cpu(parent.ours) - cpu(parent.tap)) / (tests / 1000);

  const workDir = path.join(dir, 'child-work');
  mkdirSync(workDir, { recursive: true });
  const file = path.join('test', readdirSync(path.join(dir, 'test')).sort()[0]);
  const childEnv = { ...off, NODE_TEST_CONTEXT: 'child-v8', BENCH_PROBE_CHILD: '1', LLM_REPORT_WORK_DIR: workDir, LLM_REPORT_INTERNAL_COVERAGE: 'off' };
  const child = (extra) => () => run(process.execPath, [PROBE_ARG, ...extra, file], { cwd: dir, env: childEnv, expectCode: 0 });
  const preload = `--import=${new URL(`file://${path.join(REPO, 'dist', 'reporters', 'preload-entry.js')}`).href}`;
  const children = await alternate({ with: child([preload]), without: child([]) }, rounds * 2, { log: () => {} });
  return { parentCpuPer1kMs: parentMs, childPreloadCpuMs: cpu(children.with) - cpu(children.without), childCpuMs: cpu(children.without) };
}
