// Entry of the zero-install bundle (dist/llm-report.mjs). One file, three roles: the reporter (default
// export), the API test code imports, and, run as `node llm-report.mjs <command>`, the CLI. Test
// children get the preload the bundle carries as text (reporters/preload-source.ts), not the bundle.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../lib/cli/run.js';

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await runCli(process.argv.slice(2), {
    cwd: process.cwd(),
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  });
}

export { default } from './reporter.js';
export { requirements, llm, meta } from '../lib/api/index.js';
