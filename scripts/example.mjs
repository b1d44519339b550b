// npm run example: build, then run the reporter on examples/minimal exactly as a user would
// (`--test-reporter=@org/llm-report`), writing ./llm-report/report.json.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { mkdirSync } from 'node:fs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const run = (cmd, args) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit' }).status ?? 1;
// --no-build: the test that checks this command (test/examples.test.ts) has built already.
if (!process.argv.includes('--no-build') && run('npm', ['run', '--silent', 'build']) !== 0) process.exit(1);
// node opens --test-reporter-destination files before any reporter runs: the directory must exist.
mkdirSync(path.join(root, 'llm-report'), { recursive: true });
const status = run(process.execPath, [
  '--test',
  '--test-reporter=@org/llm-report',
  '--test-reporter-destination=llm-report/stream.ndjson',
  '--test-reporter=spec',
  '--test-reporter-destination=stdout',
  'examples/minimal/test/dose.test.js',
]);
console.log(`\nreport: llm-report/report.json  stream: llm-report/stream.ndjson  lines: llm-report/results.ndjson`);
process.exit(status);
