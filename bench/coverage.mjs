// Per-test coverage (our reporter, its default mode) against whole-run coverage with `c8 node --test`,
// and both against no coverage (`spec`), alternating, on three generated suites:
//  - trivial: files x 50 empty-ish tests over a small module graph (the fixed per-test cost of a take);
//  - http:    tests that route and serialise requests through an in-repo HTTP-style module (1-50 ms each);
//  - graph:   tests that load a module graph of several hundred files, as a framework's tests do.
// Runs the per-test variant only when the coverage option exists in schemas/config.schema.json.
// `node bench/coverage.mjs [--quick] [--rounds=N] [--suites=trivial,http,graph] [--baseline=<llm-report.mjs>]`
// runs it alone; --baseline adds another build of the reporter (per-test coverage), alternated with this one.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { generateSuite } from './lib/generate.mjs';
import { generateGraphSuite, generateHttpSuite } from './lib/suites.mjs';
import { alternate, run, PROBE_ARG } from './lib/measure.mjs';
import { record, table, load } from './lib/results.mjs';
import { coverageOption } from './lib/coverage-option.mjs';

const TAKES_ONLY = path.join(path.dirname(fileURLToPath(import.meta.url)), 'lib', 'takes-only.mjs');
const C8 = path.join(path.dirname(createRequire(import.meta.url).resolve('c8/package.json')), 'bin', 'c8.js');

/** The suites, full size and quick (a smoke run of the harness). */
const SUITES = {
  trivial: {
    // The per-test target for trivial tests: 1.3 is the stretch goal, 1.5 the bound never to cross.
    target: '<= 1.5',
    note: 'trivial tests: <= 1.3 stretch, <= 1.5 bound',
    make: (dir, quick, files) => {
      const f = files ?? (quick ? 10 : 20);
      generateSuite(dir, { files: f, testsPerFile: 50, depth: 4, width: 6 });
      return { tests: f * 50, what: `${f * 50} trivial tests in ${f} files, module graph depth 4` };
    },
  },
  http: {
    target: '<= 1.0',
    note: 'tests route and serialise requests, 1-50 ms each',
    make: (dir, quick) => {
      const files = quick ? 3 : 8;
      generateHttpSuite(dir, { files, testsPerFile: 24 });
      return { tests: files * 24, what: `${files * 24} tests in ${files} files, HTTP-style module of 11 files` };
    },
  },
  graph: {
    target: '<= 1.0',
    note: 'several hundred modules loaded per test file, 1-50 ms per test',
    make: (dir, quick) => {
      const files = quick ? 3 : 12;
      generateGraphSuite(dir, { files, testsPerFile: 16 });
      return { tests: files * 16, what: `${files * 16} tests in ${files} files, each loading 336 src + 72 node_modules modules` };
    },
  },
};

/** Result names: the trivial suite keeps the names it always had. */
const key = (suite, name) => (suite === 'trivial' ? `coverage.${name}` : `coverage.${suite}.${name}`);

async function benchSuite(suite, { rounds, quick, files, log, option, baseline }) {
  const dir = mkdtempSync(path.join(os.tmpdir(), `llmr-bench-coverage-${suite}-`));
  try {
    const { tests, what } = SUITES[suite].make(dir, quick, files);
    log(`coverage/${suite}: ${what}`);
    const spec = ['--test', '--test-reporter=spec', '--test-reporter-destination=out-spec.txt'];
    const variants = {
      none: () => run(process.execPath, [PROBE_ARG, ...spec], { cwd: dir, expectCode: 0, treeCpu: true }),
      // c8 measures and then reports (text summary and lcov, as a CI would); its RSS is not the point here.
      c8: () => run(process.execPath, [C8, '--reporter=text-summary', '--reporter=lcov', '--report-dir=c8-out', '--temp-directory=c8-tmp', process.execPath, ...spec], { cwd: dir, expectCode: 0, rss: false, treeCpu: true }),
    };
    // The floor of any per-test scheme on V8's takes: one take per test, its answer discarded (lib/takes-only.mjs).
    variants.takes_only = () => run(process.execPath, [PROBE_ARG, ...spec], { cwd: dir, env: { NODE_OPTIONS: `--import=${pathToFileURL(TAKES_ONLY).href}` }, expectCode: 0, treeCpu: true });
    const ours = (env, reporter = '@org/llm-report') => () => run(process.execPath, [PROBE_ARG, '--test', `--test-reporter=${reporter}`, '--test-reporter-destination=out-ours.ndjson'], { cwd: dir, env, expectCode: 0, treeCpu: true });
    if (option) {
      variants.per_test = ours(option.on);
      // A before/after of a change: the other build, same mode, its own output directory.
      if (baseline) variants.per_test_base = ours({ ...option.on, LLM_REPORT_OUTPUT_DIR: 'llm-report-base' }, pathToFileURL(path.resolve(baseline)).href);
      // Ours with coverage off, on the suites that do real work: splits our cost into the reporter's own
      // (off / none) and per-test coverage's (per_test / off). Its own output directory, as below.
      if (suite !== 'trivial') variants.off = ours({ ...option.off, LLM_REPORT_OUTPUT_DIR: 'llm-report-off' });
      const name = Object.keys(option.on)[0];
      // The per-file granularity mode (one interval per test process), for very large suites; its own
      // output directory, since the checks below read the per-test run's report.
      if (suite === 'trivial' && option.on[name] === 'test') variants.per_file = ours({ [name]: 'file', LLM_REPORT_OUTPUT_DIR: 'llm-report-per-file' });
    }
    const r = await alternate(variants, rounds, { log });
    const n = `median of ${rounds}, ${tests} tests`;
    record({ name: key(suite, 'c8_vs_none.wall'), value: r.c8.wallMs / r.none.wallMs, unit: 'x', note: 'whole-run coverage cost, for reference' });
    record({ name: key(suite, 'wall_none'), value: r.none.wallMs / 1000, unit: 's', note: n });
    record({ name: key(suite, 'wall_c8'), value: r.c8.wallMs / 1000, unit: 's', note: n });
    if (!option) {
      record({ name: key(suite, 'per_test_vs_c8.wall'), value: null, unit: 'x', target: SUITES[suite].target, note: 'skipped: per-test coverage not available' });
      return;
    }
    const report = JSON.parse(readFileSync(path.join(dir, 'llm-report', 'report.json'), 'utf8'));
    if (report.summary.passed !== tests) throw new Error(`bench: our ${suite} report has ${report.summary.passed} passed tests, expected ${tests}`);
    const withLines = report.tests.filter((t) => t.coverage !== undefined).length;
    // Per-test coverage that measures nothing would be cheap: every test of these suites runs project code.
    if (withLines !== tests) throw new Error(`bench: only ${withLines} of ${tests} tests of the ${suite} suite carry coverage`);
    record({ name: key(suite, 'per_test_vs_c8.wall'), value: r.per_test.wallMs / r.c8.wallMs, unit: 'x', target: SUITES[suite].target, note: SUITES[suite].note });
    record({ name: key(suite, 'per_test_vs_none.wall'), value: r.per_test.wallMs / r.none.wallMs, unit: 'x' });
    // CPU time of the whole process tree (GNU time): what the wall ratio would be on an idle machine
    // with one core per process; on a machine shared with other jobs it holds better than wall time.
    if (r.per_test.treeCpuMs && r.c8.treeCpuMs) record({ name: key(suite, 'per_test_vs_c8.cpu'), value: r.per_test.treeCpuMs / r.c8.treeCpuMs, unit: 'x', note: 'CPU of the process tree (user + system)' });
    if (r.takes_only?.treeCpuMs && r.c8.treeCpuMs && r.none.treeCpuMs) {
      // Above 1.0 here, no per-test coverage from V8 takes can reach c8's cost on this suite.
      record({ name: key(suite, 'takes_only_vs_c8.cpu'), value: r.takes_only.treeCpuMs / r.c8.treeCpuMs, unit: 'x', note: 'one V8 take per test, nothing else: the floor of per-test coverage' });
      record({ name: key(suite, 'takes_only_vs_none.cpu'), value: r.takes_only.treeCpuMs / r.none.treeCpuMs, unit: 'x', note: 'CPU of the process tree' });
      record({ name: key(suite, 'c8_vs_none.cpu'), value: r.c8.treeCpuMs / r.none.treeCpuMs, unit: 'x', note: 'CPU of the process tree' });
    }
    if (r.off) {
      record({ name: key(suite, 'off_vs_none.wall'), value: r.off.wallMs / r.none.wallMs, unit: 'x', note: 'ours with coverage off: the reporter itself' });
      record({ name: key(suite, 'per_test_vs_off.wall'), value: r.per_test.wallMs / r.off.wallMs, unit: 'x', note: 'what per-test coverage adds to ours' });
      if (r.off.treeCpuMs && r.none.treeCpuMs) {
        record({ name: key(suite, 'off_vs_none.cpu'), value: r.off.treeCpuMs / r.none.treeCpuMs, unit: 'x', note: 'CPU of the process tree' });
        record({ name: key(suite, 'per_test_vs_off.cpu'), value: r.per_test.treeCpuMs / r.off.treeCpuMs, unit: 'x', note: 'CPU of the process tree' });
      }
    }
    if (r.per_test_base) {
      record({ name: key(suite, 'per_test_vs_baseline.wall'), value: r.per_test.wallMs / r.per_test_base.wallMs, unit: 'x', note: `this build / ${baseline}` });
      if (r.per_test_base.treeCpuMs && r.c8.treeCpuMs) {
        record({ name: key(suite, 'per_test_vs_baseline.cpu'), value: r.per_test.treeCpuMs / r.per_test_base.treeCpuMs, unit: 'x', note: 'CPU of the process tree' });
        record({ name: key(suite, 'baseline_vs_c8.cpu'), value: r.per_test_base.treeCpuMs / r.c8.treeCpuMs, unit: 'x', note: 'the other build, per-test coverage' });
        record({ name: key(suite, 'baseline_vs_c8.wall'), value: r.per_test_base.wallMs / r.c8.wallMs, unit: 'x' });
      }
    }
    record({ name: key(suite, 'wall_per_test'), value: r.per_test.wallMs / 1000, unit: 's', note: n });
    record({ name: key(suite, 'rss_per_test'), value: r.per_test.rssKiB / 1024, unit: 'MiB', note: 'parent process peak' });
    if (r.per_file) record({ name: key(suite, 'per_file_vs_c8.wall'), value: r.per_file.wallMs / r.c8.wallMs, unit: 'x', note: 'coverage.mode: file (one interval per test process)' });
    const cpu = r.per_test.treeCpuMs && r.c8.treeCpuMs ? `; CPU of the tree: ours / c8 = ${(r.per_test.treeCpuMs / r.c8.treeCpuMs).toFixed(3)}` : '';
    log(`coverage/${suite}: wall: ours / c8 = ${(r.per_test.wallMs / r.c8.wallMs).toFixed(3)} (${(r.per_test.wallMs / 1000).toFixed(2)} s / ${(r.c8.wallMs / 1000).toFixed(2)} s), c8 / none = ${(r.c8.wallMs / r.none.wallMs).toFixed(3)}${cpu}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function benchCoverage({ rounds = 5, quick = false, files, suites = Object.keys(SUITES), log = console.log, baseline } = {}) {
  const option = coverageOption();
  if (!option) log('coverage: per-test variant skipped: no coverage option in schemas/config.schema.json');
  for (const suite of suites) {
    if (!SUITES[suite]) throw new Error(`bench: unknown coverage suite ${suite} (${Object.keys(SUITES).join(', ')})`);
    await benchSuite(suite, { rounds, quick, files, log, option, baseline });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const opt = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const quick = args.includes('--quick');
  const suites = opt('suites')?.split(',');
  await benchCoverage({ rounds: Number(opt('rounds') ?? (quick ? 1 : 5)), quick, ...(suites ? { suites } : {}), baseline: opt('baseline') });
  console.log('\n' + table(load().results.filter((r) => r.name.startsWith('coverage.'))));
}
