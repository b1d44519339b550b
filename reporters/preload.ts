// Loaded into every test child through NODE_OPTIONS=--import (set by the reporter). Journals each
// test's start and end with synchronous writes (they survive process.exit() and SIGKILL), takes a
// coverage interval per test, and carries what test code declares through the API (lib/api).
import { afterEach, beforeEach } from 'node:test';
import { closeSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { childEnvironment, journalName } from '../lib/config/internal-env.js';
import { CHANNEL, type Channel } from '../lib/api/channel.js';
import type { ChildRecord, TestMeta } from '../lib/events/child-journal.js';

interface HookContext {
  name: string;
  fullName: string;
  passed?: boolean;
  error?: { message?: unknown };
}

interface Running {
  fn: string;
  o: number;
  shared: boolean;
}

/**
 * `selfUrl`: this module (its file is never reported). Our own code (the package, or the bundle file)
 * comes from the reporter through the environment. Only with coverage on does it load the collector
 * (node:inspector, the V8 coverage merge): every test process pays for what this module imports.
 */
export async function installPreload(selfUrl: string): Promise<void> {
  const env = childEnvironment();
  if (!env.testContext || !env.workDir) return;
  const workDir = env.workDir;
  const entry = process.argv[1] ?? '<unknown>';
  let fd: number | undefined = openSync(path.join(workDir, journalName(entry, process.pid)), 'a');
  const write = (rec: ChildRecord): void => {
    if (fd !== undefined) writeSync(fd, JSON.stringify(rec) + '\n');
  };

  const root = process.cwd();
  const self = fileURLToPath(selfUrl);
  const own = env.own;
  const skip = (file: string): boolean =>
    file.includes(`${path.sep}node_modules${path.sep}`) ||
    file === self ||
    file.startsWith(workDir + path.sep) ||
    (own !== undefined && (file === own || file.startsWith(own + path.sep)));
  const coverage = env.coverage === 'off' ? undefined : new (await import('./coverage-collector.js')).CoverageCollector(root, skip);
  if (coverage) coverage.onNewSource = (src) => write({ k: 'src', f: entry, file: src.file, lines: src.lines, ignored: src.ignored });
  const perTest = env.coverage === 'test';

  // Tests open now, innermost last. Suites run no hooks, so a subtest's parent here is a test.
  const stack: Running[] = [];
  const occurrences = new Map<string, number>();
  let tookFirst = false;

  const flush = (to: Running | undefined): void => {
    if (!coverage) return;
    const files = coverage.take();
    if (files.size === 0) return;
    write({ k: 'cov', f: entry, fn: to && !to.shared ? to.fn : null, o: to?.o ?? 0, files: Object.fromEntries(files) });
  };
  const markShared = (r: Running): void => {
    if (r.shared) return;
    r.shared = true;
    write({ k: 'shared', f: entry, fn: r.fn, o: r.o });
  };

  beforeEach((t) => {
    const ctx = t as HookContext;
    const top = stack[stack.length - 1];
    // One take per boundary: before a test only when a parent's own code or module loading is
    // pending; code between sibling tests (suite hooks) belongs to the next test.
    if (perTest && (top || !tookFirst)) flush(top);
    tookFirst = true;
    const o = (occurrences.get(ctx.fullName) ?? 0) + 1;
    occurrences.set(ctx.fullName, o);
    const running: Running = { fn: ctx.fullName, o, shared: false };
    // A test starting while a test that is not its ancestor runs: both share the isolate's counters.
    if (top && !ctx.fullName.startsWith(top.fn + ' > ')) {
      markShared(top);
      markShared(running);
    }
    stack.push(running);
    write({ k: 'start', f: entry, n: ctx.name, fn: ctx.fullName });
  });

  afterEach((t) => {
    const ctx = t as HookContext;
    let i = stack.length - 1;
    while (i >= 0 && stack[i]!.fn !== ctx.fullName) i--;
    const mine = stack[i];
    if (mine && i !== stack.length - 1) {
      // Ending while a later-started test still runs: concurrent, not attributable.
      for (const r of stack.slice(i)) markShared(r);
    }
    if (perTest) flush(mine);
    if (i >= 0) stack.splice(i, 1);
    const rec: ChildRecord = { k: 'end', f: entry, n: ctx.name, fn: ctx.fullName, p: ctx.passed !== false };
    if (ctx.passed === false && ctx.error) rec.m = typeof ctx.error.message === 'string' ? ctx.error.message : inspect(ctx.error.message ?? ctx.error);
    write(rec);
  });

  const channel: Channel = {
    meta(fullName: string, data: TestMeta): void {
      const running = [...stack].reverse().find((r) => r.fn === fullName);
      write({ k: 'meta', f: entry, fn: fullName, o: running?.o ?? occurrences.get(fullName) ?? 1, data });
    },
  };
  (globalThis as Record<symbol, unknown>)[CHANNEL] = channel;

  process.on('exit', (code) => {
    flush(undefined);
    if (coverage) {
      for (const file of coverage.totals.keys()) write({ k: 'covsum', f: entry, file, functions: coverage.profile(file) });
    }
    write({ k: 'exit', f: entry, c: code });
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  });
}
