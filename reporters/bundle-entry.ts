// Entry of the zero-install bundle (dist/llm-report.mjs). One file, three roles: the reporter (default
// export); inside a test child, where the reporter injected it with --import, the preload; and run as
// `node llm-report.mjs <command>`, the CLI.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { childEnvironment } from '../lib/config/internal-env.js';
import { installPreload } from './preload.js';
import { runCli } from '../lib/cli/run.js';

if (childEnvironment().testContext) installPreload(import.meta.url);
else if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await runCli(process.argv.slice(2), {
    cwd: process.cwd(),
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
  });
}

export { default } from './reporter.js';
export { requirements, llm, meta } from '../lib/api/index.js';
