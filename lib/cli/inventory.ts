// `llm-report inventory [-- <node --test arguments>]`: list every test of the suite, with the ids real
// runs report, without running test bodies. Starts `node --test` with our reporter and a root
// beforeEach that throws (docs/ci.md#inventory says what each Node version offers and why this way).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inventoryHookUrl, inventoryRunEnv } from '../config/child-env.js';
import { inventoryFromReport, NOT_RUN_MESSAGE } from '../inventory/inventory.js';
import { parseNdjson } from '../report/ndjson.js';
import { fold } from '../report/fold.js';
import { writeAtomic } from '../output/write.js';
import { claimOut } from './out-dir.js';
import { canonicalJson } from '../report/canonical.js';
import { commandArgs, usageError } from './args.js';
import type { CommandIO } from './io.js';

declare const __LLMR_BUNDLE__: boolean | undefined;

export const INVENTORY_HELP = `Usage: llm-report inventory [--out DIR] [-- <node --test arguments and files>]

Lists every test and suite of the suite, with the ids, files, locations, declared skip/todo,
tags and requirement IDs a real run reports, without running any test body: DIR/inventory.json
(schemas/inventory.schema.json).

It runs \`node --test\` (this node, the given arguments and files, your configuration) with this
reporter and a root beforeEach hook that throws before every test. Module top-level code,
describe() callbacks, before/after hooks of suites and afterEach hooks still run; tests created
inside test bodies (t.test subtests) cannot be listed. Node has no dry-run flag on 20, 22, 24 or
26; see docs/ci.md for what --test-name-pattern, --test-skip-pattern and --test-only do instead.

Options:
  --out DIR   output directory (default: llm-report-inventory)
  --help      show this help

Exit status: 0 when every test file could be listed; 1 when one failed to load; 2 on usage errors.`;

function reporterPath(): string {
  const self = import.meta.url;
  return fileURLToPath(typeof __LLMR_BUNDLE__ !== 'undefined' && __LLMR_BUNDLE__ ? self : new URL('../../reporters/reporter.js', self));
}

const SPEC = {
  command: 'inventory',
  help: INVENTORY_HELP,
  options: { out: { type: 'string', needs: 'a directory' } },
  maxPositionals: 0,
  positionalHint: 'node --test arguments go after --',
  passthrough: true,
} as const;

export function inventoryCommand(args: string[], io: CommandIO): number {
  const parsed = commandArgs(args, io, SPEC);
  if (typeof parsed === 'number') return parsed;
  const outArg = parsed.values.out ?? 'llm-report-inventory';
  const nodeArgs = parsed.rest;
  if (!outArg) return usage(io, '--out needs a directory');
  // In-process tests would run in this process's own test tree, where the hook cannot reach them first.
  if (nodeArgs.some((a) => /^--(experimental-)?test-isolation(=none)?$/.test(a) && (a.endsWith('=none') || nodeArgs[nodeArgs.indexOf(a) + 1] === 'none'))) {
    return usage(io, 'the inventory needs process isolation (one process per test file); drop --test-isolation=none');
  }
  if (nodeArgs.some((a) => a === '--test-only' || a.startsWith('--test-name-pattern') || a.startsWith('--test-skip-pattern'))) {
    io.stderr('llm-report inventory: note: with --test-only or name/skip patterns, node 22+ does not report the tests it filters out; they are missing from the inventory\n');
  }

  const scratch = mkdtempSync(path.join(os.tmpdir(), 'llm-report-inventory-'));
  try {
    const run = spawnSync(
      process.execPath,
      ['--test', `--import=${inventoryHookUrl(NOT_RUN_MESSAGE)}`, `--test-reporter=${reporterPath()}`, `--test-reporter-destination=${path.join(scratch, 'stream.ndjson')}`, ...nodeArgs],
      { cwd: io.cwd, env: inventoryRunEnv(path.join(scratch, 'out')), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
    );
    let text: string;
    try {
      text = readFileSync(path.join(scratch, 'out', 'results.ndjson'), 'utf8');
    } catch {
      io.stderr(`llm-report inventory: node --test produced no results (exit ${run.status ?? run.signal})\n${run.stderr}`);
      return 2;
    }
    const parsed = parseNdjson(text, 'results.ndjson');
    const inventory = inventoryFromReport(fold(parsed.lines, parsed.warnings));
    const out = path.resolve(io.cwd, outArg);
    const refused = claimOut(io, 'inventory', outArg);
    if (refused !== undefined) return refused;
    try {
      writeAtomic(path.join(out, 'inventory.json'), JSON.stringify(JSON.parse(canonicalJson(inventory)), null, 2) + '\n');
    } catch (err) {
      io.stderr(`llm-report inventory: cannot write to ${outArg}: ${(err as Error).message}\n`);
      return 2;
    }
    const c = inventory.counts;
    io.stdout(`inventory: ${c.tests} tests, ${c.suites} suites in ${c.files} files${c.files_failed ? ` (${c.files_failed} failed to load)` : ''}, node ${inventory.node_version} -> ${path.join(outArg, 'inventory.json')}\n`);
    for (const f of inventory.files.filter((x) => x.error)) io.stderr(`llm-report inventory: ${f.file} failed to load: ${f.error!.split('\n')[0]}\n`);
    return c.files_failed ? 1 : 0;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}

function usage(io: CommandIO, message: string): number {
  return usageError(io, SPEC, message);
}
