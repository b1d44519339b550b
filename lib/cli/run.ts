// Command dispatch for `llm-report`. Each command owns its help text.
import { foldCommand, FOLD_HELP } from './fold.js';
import { annotateCommand, ANNOTATE_HELP } from './annotate.js';
import { cacheCommand, CACHE_HELP } from './cache.js';
import { renderCommand, RENDER_HELP } from './render.js';
import { aggregateCommand, AGGREGATE_HELP } from './aggregate.js';
import { verifyCommand, VERIFY_HELP } from './verify.js';
import { bundleCommand, BUNDLE_HELP } from './bundle.js';
import { sealCommand, SEAL_HELP } from './seal.js';
import { traceCommand, TRACE_HELP } from './trace.js';
import { inventoryCommand, INVENTORY_HELP } from './inventory.js';
import { testsForCommand, TESTS_FOR_HELP } from './tests-for.js';
import { affectedCommand, AFFECTED_HELP } from './affected.js';
import { TOOL_NAME, TOOL_VERSION } from '../generated/version.js';
import type { CommandIO } from './io.js';

const COMMANDS: Record<string, { run: (args: string[], io: CommandIO) => number | Promise<number>; summary: string; help: string }> = {
  fold: { run: foldCommand, summary: 'fold saved NDJSON streams into report.json (recovers truncated journals)', help: FOLD_HELP },
  annotate: { run: annotateCommand, summary: 'LLM annotations (advisory) for a saved run: what each test verifies, why, why it failed', help: ANNOTATE_HELP },
  cache: { run: cacheCommand, summary: 'cache prune: remove unused or corrupt LLM cache entries', help: CACHE_HELP },
  render: { run: renderCommand, summary: 'render report.html (and with --pdf report.pdf) from a saved report.json', help: RENDER_HELP },
  aggregate: { run: aggregateCommand, summary: 'one report from several runs: CI shards (merge), newest results (latest), every attempt (all)', help: AGGREGATE_HELP },
  verify: { run: verifyCommand, summary: 'check an evidence set (directory or bundle): hashes, signature, journal chain', help: VERIFY_HELP },
  bundle: { run: bundleCommand, summary: 'pack a sealed run directory into a reproducible .tar', help: BUNDLE_HELP },
  seal: { run: sealCommand, summary: 're-seal a run directory after changing it on purpose (SHA256SUMS, manifest, signature)', help: SEAL_HELP },
  trace: { run: traceCommand, summary: 'the requirement -> tests -> status matrix as CSV', help: TRACE_HELP },
  'tests-for': { run: testsForCommand, summary: 'the tests that executed lines of a file (FILE[:LINE[-LINE]]), from per-test coverage', help: TESTS_FOR_HELP },
  affected: { run: affectedCommand, summary: 'the test files a change since a saved run can affect (node --test $(llm-report affected --format args))', help: AFFECTED_HELP },
  inventory: { run: inventoryCommand, summary: 'list every test (ids, files, requirement IDs) without running test bodies', help: INVENTORY_HELP },
};

/** How the CLI was started: as the package's bin, or (`asFile`, e.g. "./llm-report.mjs") as the single file,
 *  which is also what --test-reporter names then. */
export interface CliSelf {
  asFile?: string;
}

export function mainHelp(self: CliSelf = {}): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  const cmd = self.asFile ? `node ${self.asFile}` : 'llm-report';
  return `Usage: ${cmd} <command> [options]

${TOOL_NAME} ${TOOL_VERSION}: evidence-grade reports for node:test.
As a reporter: node --test --test-reporter=${self.asFile ?? TOOL_NAME}

Commands:
${rows.join('\n')}

Run '${cmd} <command> --help' for a command's options.`;
}

export async function runCli(argv: string[], io: CommandIO, self: CliSelf = {}): Promise<number> {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') {
    const topic = cmd === 'help' ? rest[0] : undefined;
    if (topic && COMMANDS[topic]) io.stdout(COMMANDS[topic].help + '\n');
    else io.stdout(mainHelp(self) + '\n');
    return cmd ? 0 : 2;
  }
  if (cmd === '--version' || cmd === '-v') {
    io.stdout(`${TOOL_VERSION}\n`);
    return 0;
  }
  const command = COMMANDS[cmd];
  if (!command) {
    io.stderr(`llm-report: unknown command "${cmd}"\n\n${mainHelp(self)}\n`);
    return 2;
  }
  return command.run(rest, io);
}
