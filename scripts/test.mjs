// npm test: typecheck and lint gates (--no-lint skips them), build, then run the suite through real
// `node --test` with OUR reporter (dogfooding) writing NDJSON + report to .tmp/self/, and node's spec
// reporter on stdout; the last line is the bundle's size. With --matrix, the end-to-end
// suites run again on Node 22, 24 and 26 (fetched with the `node` npm package). With --faults, only the
// fault suites (test/faults-*.test.ts), with many repetitions (LLMR_FAULT_REPS, default 50; npm test runs
// them with their small defaults).
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const matrix = args.includes('--matrix');
const faults = args.includes('--faults');
const only = args.filter((a) => !a.startsWith('--'));
// Internal, for test/bare-machine.test.ts only: LLMR_TEST_ONLY=prefix,prefix keeps the test files whose
// names start with one of them (the suites that use outside tools), so the README's command can run
// again in a copy of the repo without doubling CI time; no matrix legs or coverage gate then.
const keep = (process.env.LLMR_TEST_ONLY ?? '').split(',').filter(Boolean);
const kept = (f) => !keep.length || keep.some((k) => path.basename(f).startsWith(k));

function gate(name, cmd, cmdArgs) {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`test.mjs: the ${name} gate failed (${cmd} ${cmdArgs.join(' ')} exited ${r.status ?? r.signal}); fix it before the tests run.`);
    process.exit(r.status || 1);
  }
}

function sh(cmd, cmdArgs, opts = {}) {
  const r = spawnSync(cmd, cmdArgs, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) {
    console.error(`test.mjs: ${cmd} ${cmdArgs.join(' ')} exited ${r.status ?? r.signal}`);
    process.exit(r.status ?? 1);
  }
}

// Quality gates first (typecheck needs the generated validators, which gen-validators writes): a type or
// lint error stops the run before the slow suites. --no-lint skips both for a quick local loop.
if (!args.includes('--no-lint')) {
  gate('typecheck', 'npm', ['run', '--silent', 'typecheck']);
  gate('lint', 'npm', ['run', '--silent', 'lint']);
}
// The bundle's size goes in the final lines of every run, whatever steps come after this one.
process.on('exit', () => {
  const bundle = path.join(root, 'dist', 'llm-report.mjs');
  if (existsSync(bundle)) console.log(`\n# bundle size: dist/llm-report.mjs ${statSync(bundle).size} bytes (${(statSync(bundle).size / 1024).toFixed(1)} KiB)`);
});

sh('npm', ['run', '--silent', 'build']);

// Node 20 takes no globs on the command line: list the files ourselves.
// test/ and test/security/ (one test per attack defended, docs/security.md).
const testFiles = (re) => ['test', 'test/security'].flatMap((d) => {
  const dir = path.join(root, 'dist', d);
  return existsSync(dir) ? readdirSync(dir).filter((f) => re.test(f)).sort().map((f) => `dist/${d}/${f}`) : [];
});
const files = (only.length ? only.map((f) => f.replace(/^test\//, 'dist/test/').replace(/\.ts$/, '.js')) : testFiles(faults ? /^faults-.*\.test\.js$/ : /\.test\.js$/)).filter(kept);
mkdirSync(path.join(root, '.tmp', 'self'), { recursive: true });
const env = { ...process.env, LLM_REPORT_OUTPUT_DIR: '.tmp/self' };
if (faults) env.LLMR_FAULT_REPS ??= '50';
sh(process.execPath, [
  '--test',
  '--test-concurrency=2',
  '--test-reporter=./dist/llm-report.mjs',
  '--test-reporter-destination=.tmp/self/stream.ndjson',
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  ...files,
], { env });

if (matrix && !keep.length) {
  for (const v of ['22', '24', '26']) {
    const which = spawnSync('npx', ['-y', '-p', `node@${v}`, 'node', '-p', 'process.execPath'], { cwd: root, encoding: 'utf8' });
    const nodeBin = which.stdout.trim().split('\n').pop();
    if (which.status !== 0 || !nodeBin) {
      console.error(`test.mjs: could not fetch node@${v}: ${which.stderr}`);
      process.exit(1);
    }
    console.log(`\n# end-to-end suites on ${nodeBin} (node@${v})`);
    sh(nodeBin, ['--test', '--test-concurrency=2', '--test-reporter=spec', ...testFiles(/^e2e-.*\.test\.js$/)], { env: { ...process.env, LLM_REPORT_TEST_NODE: nodeBin } });
  }
}

// Coverage gate: only after a whole-suite run (a subset or --faults measures too little to judge).
if (!only.length && !faults && !keep.length) sh(process.execPath, ['scripts/coverage-gate.mjs']);
