// Per-test coverage (our reporter, coverage on) against whole-run coverage with `c8 node --test`, and
// both against no coverage, on the same generated suite, alternating. Runs the per-test variant only
// when the coverage option exists in schemas/config.schema.json.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createRequire } from 'node:module';
import { generateSuite } from './lib/generate.mjs';
import { alternate, run, PROBE_ARG } from './lib/measure.mjs';
import { record } from './lib/results.mjs';
import { coverageOption } from './lib/coverage-option.mjs';

const C8 = path.join(path.dirname(createRequire(import.meta.url).resolve('c8/package.json')), 'bin', 'c8.js');

export async function benchCoverage({ rounds = 5, files = 20, testsPerFile = 50, depth = 4, log = console.log } = {}) {
  const option = coverageOption();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'llmr-bench-coverage-'));
  try {
    generateSuite(dir, { files, testsPerFile, depth, width: 6 });
    const tests = files * testsPerFile;
    log(`coverage: ${tests} tests in ${files} files, module graph depth ${depth}`);
    const spec = ['--test', '--test-reporter=spec', '--test-reporter-destination=out-spec.txt'];
    const variants = {
      none: () => run(process.execPath, [PROBE_ARG, ...spec], { cwd: dir, expectCode: 0 }),
      // c8 measures and then reports (text summary and lcov, as a CI would); its RSS is not the point here.
      c8: () => run(process.execPath, [C8, '--reporter=text-summary', '--reporter=lcov', '--report-dir=c8-out', '--temp-directory=c8-tmp', process.execPath, ...spec], { cwd: dir, expectCode: 0, rss: false }),
    };
    if (option) {
      const ours = (env) => () => run(process.execPath, [PROBE_ARG, '--test', '--test-reporter=@org/llm-report', '--test-reporter-destination=out-ours.ndjson'], { cwd: dir, env, expectCode: 0 });
      variants.per_test = ours(option.on);
      // The per-file granularity mode (one interval per test process), for very large suites.
      const name = Object.keys(option.on)[0];
      // Its own output directory: the checks below read the per-test run's report.
      if (option.on[name] === 'test') variants.per_file = ours({ [name]: 'file', LLM_REPORT_OUTPUT_DIR: 'llm-report-per-file' });
    } else {
      log('coverage: skipped: per-test coverage not available (no coverage option in schemas/config.schema.json)');
    }
    const r = await alternate(variants, rounds, { log });
    record({ name: 'coverage.c8_vs_none.wall', value: r.c8.wallMs / r.none.wallMs, unit: 'x', note: 'whole-run coverage cost, for reference' });
    record({ name: 'coverage.wall_none', value: r.none.wallMs / 1000, unit: 's', note: `median of ${rounds}, ${tests} tests` });
    record({ name: 'coverage.wall_c8', value: r.c8.wallMs / 1000, unit: 's', note: `median of ${rounds}, ${tests} tests` });
    if (!option) {
      record({ name: 'coverage.per_test_vs_c8.wall', value: null, unit: 'x', target: '<= 1.3', note: 'skipped: per-test coverage not available' });
      return;
    }
    const report = JSON.parse(readFileSync(path.join(dir, 'llm-report', 'report.json'), 'utf8'));
    if (report.summary.passed !== tests) throw new Error(`bench: our report has ${report.summary.passed} passed tests, expected ${tests}`);
    const withLines = report.tests.filter((t) => t.coverage !== undefined).length;
    record({ name: 'coverage.per_test_vs_c8.wall', value: r.per_test.wallMs / r.c8.wallMs, unit: 'x', target: '<= 1.3' });
    record({ name: 'coverage.per_test_vs_none.wall', value: r.per_test.wallMs / r.none.wallMs, unit: 'x' });
    record({ name: 'coverage.wall_per_test', value: r.per_test.wallMs / 1000, unit: 's', note: `median of ${rounds}; ${withLines} of ${tests} test lines carry coverage` });
    record({ name: 'coverage.rss_per_test', value: r.per_test.rssKiB / 1024, unit: 'MiB', note: 'parent process peak' });
    if (r.per_file) record({ name: 'coverage.per_file_vs_c8.wall', value: r.per_file.wallMs / r.c8.wallMs, unit: 'x', note: 'coverage.mode: file (one interval per test process)' });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
