// Entry of the zero-install bundle (dist/llm-report.mjs). One file, four roles: the reporter (default
// export), the API test code imports, run as `node llm-report.mjs <command>`, the CLI, and, imported a
// second time under another URL (`--import=./llm-report.mjs?in-process`) in node's runner process with
// --test-isolation=none, the in-process entry. Test children get the preload the bundle carries as text
// (reporters/preload-source.ts), not the bundle.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli } from '../lib/cli/run.js';
import { settingUp } from './reporter.js';
import { inProcessHost } from './in-process-host.js';

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await runCli(
    process.argv.slice(2),
    {
      cwd: process.cwd(),
      stdout: (t) => process.stdout.write(t),
      stderr: (t) => process.stderr.write(t),
    },
    // Its help names the file (--test-reporter=./llm-report.mjs), not the package it is not installed as.
    { asFile: `./${path.basename(fileURLToPath(import.meta.url))}` },
  );
} else if (!settingUp) {
  // A second copy while the reporter (the first) is set up for an in-process run: install the preload
  // the reporter wrote, here, inside node's import of --import modules (before the test files; the run's
  // root scope, where the fallback's root hooks must be registered).
  const host = inProcessHost();
  if (host && !host.installed) await import(host.preloadUrl);
}

export { default } from './reporter.js';
export { requirements, llm, meta } from '../lib/api/index.js';
