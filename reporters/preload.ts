// Loaded into every test child through NODE_OPTIONS=--import (set by the reporter). Journals each test's
// start and end with synchronous writes, which survive process.exit() and SIGKILL.
import { afterEach, beforeEach } from 'node:test';
import { closeSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { childEnvironment } from '../lib/config/internal-env.js';
import type { ChildRecord } from '../lib/events/child-journal.js';

interface HookContext {
  name: string;
  fullName: string;
  passed?: boolean;
  error?: { message?: unknown };
}

export function installPreload(): void {
  const env = childEnvironment();
  if (!env.testContext || !env.workDir) return;
  const entry = process.argv[1] ?? '<unknown>';
  let fd: number | undefined = openSync(path.join(env.workDir, `child-${process.pid}.ndjson`), 'a');
  const write = (rec: ChildRecord): void => {
    if (fd === undefined) return;
    writeSync(fd, JSON.stringify(rec) + '\n');
  };
  // Root hooks run for every test at every depth (not for suites); TestContext has name and fullName.
  beforeEach((t) => {
    const ctx = t as HookContext;
    write({ k: 'start', f: entry, n: ctx.name, fn: ctx.fullName });
  });
  afterEach((t) => {
    const ctx = t as HookContext;
    const rec: ChildRecord = { k: 'end', f: entry, n: ctx.name, fn: ctx.fullName, p: ctx.passed !== false };
    if (ctx.passed === false && ctx.error) rec.m = String(ctx.error.message ?? ctx.error);
    write(rec);
  });
  process.on('exit', (code) => {
    write({ k: 'exit', f: entry, c: code });
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  });
}
