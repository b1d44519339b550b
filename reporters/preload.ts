// Loaded into every test child through NODE_OPTIONS=--import (set by the reporter), and, under
// --test-isolation=none, into node's runner process itself through the documented in-process entry
// (`--import=@org/llm-report/in-process`, see in-process-host.ts). Journals each test's start and end
// with synchronous writes (they survive process.exit() and SIGKILL), takes a coverage interval per
// test, and carries what test code declares through the API (lib/api).
import { afterEach, beforeEach } from 'node:test';
import { closeSync, openSync, writeSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { inspect } from 'node:util';
import { childEnvironment, journalName, type ChildCoverage } from '../lib/config/internal-env.js';
import { CHANNEL, type Channel } from '../lib/api/channel.js';
import type { ChildRecord, TestMeta } from '../lib/events/child-journal.js';
import { inProcessHost } from './in-process-host.js';
import { tapTests } from './tap-tests.js';
import { toProfile } from '../lib/coverage/profile.js';

interface HookContext {
  name: string;
  fullName: string;
  /** The test file that is running (22.6+); in a child, process.argv[1] says the same. */
  filePath?: string;
  passed?: boolean;
  error?: { message?: unknown };
}

interface Running {
  /** Entry file (absolute): the test file whose tests these are. */
  f: string;
  fn: string;
  o: number;
  shared: boolean;
}

interface Setup {
  workDir: string;
  /** capture_output: the per-test output cap; undefined, nothing is wrapped. */
  captureCap?: number;
  coverage: ChildCoverage;
  own: string | undefined;
  /** The entry file of a test: one per process in a child, the hook context's filePath in-process. */
  entryOf: (ctx: HookContext) => string;
  /** Before any test starts: where process-wide records go. */
  first: string;
  /** Told each entry file when its first test starts. */
  onFile?: (file: string) => void;
}

const INSTALLED = Symbol.for('@org/llm-report/preload-installed');

/**
 * `selfUrl`: this module (its file is never reported). In a test child, the work dir, coverage mode and
 * our own code come from the reporter through the environment; in node's runner process (isolation
 * none) from the host the reporter published. Anywhere else this does nothing. Hooks are installed once
 * per process, however many copies of this module are imported.
 */
export async function installPreload(selfUrl: string): Promise<void> {
  const g = globalThis as Record<symbol, unknown>;
  if (g[INSTALLED]) return;
  const env = childEnvironment();
  if (env.testContext) {
    // Only in a test file node's runner started: not in a process a test starts (it inherits our NODE_OPTIONS).
    if (!env.workDir || (env.runner !== undefined && process.ppid !== env.runner)) return;
    g[INSTALLED] = true;
    const entry = process.argv[1] ?? '<unknown>';
    await install(selfUrl, { workDir: env.workDir, captureCap: env.captureCap, coverage: env.coverage, own: env.own, entryOf: () => entry, first: entry });
    return;
  }
  const host = inProcessHost();
  if (!host || host.installed) return;
  g[INSTALLED] = true;
  host.installed = true;
  // In-process, process.argv[1] is node's file argument (a glob), not a test file: each test names its
  // file (node's test object keeps it as entryFile, the hook context as filePath). Without it (node
  // before 22.6, which has no isolation=none anyway) the tests are kept under one name, which node's
  // events will not match: no coverage, no lost tests.
  const first = '<in-process>';
  host.finish = await install(selfUrl, { workDir: host.workDir, coverage: host.coverage, own: host.own, entryOf: (ctx) => ctx.filePath ?? first, first, onFile: (f) => host.files.push(f) });
}

/** Appends records to the journal of each record's entry file; one file open at a time (files run one after another). */
class JournalWriter {
  readonly #dir: string;
  readonly #written = new Set<string>();
  #open: { f: string; fd: number } | undefined;
  #closed = false;

  constructor(dir: string) {
    this.#dir = dir;
  }

  write(rec: ChildRecord): void {
    if (this.#closed) return;
    if (this.#open?.f !== rec.f) {
      if (this.#open) closeSync(this.#open.fd);
      this.#open = { f: rec.f, fd: openSync(path.join(this.#dir, journalName(rec.f, process.pid)), 'a') };
      this.#written.add(rec.f);
    }
    writeSync(this.#open.fd, JSON.stringify(rec) + '\n');
  }

  /** The exit record, in every journal this process wrote (at least the first one). */
  close(code: number, first: string): void {
    for (const f of this.#written.size ? this.#written : [first]) this.write({ k: 'exit', f, c: code });
    if (this.#open) closeSync(this.#open.fd);
    this.#open = undefined;
    this.#closed = true;
  }
}

async function install(selfUrl: string, setup: Setup): Promise<(code: number) => void> {
  const { workDir, own } = setup;
  const journal = new JournalWriter(workDir);
  const write = (rec: ChildRecord): void => journal.write(rec);
  // The file of the test running or last run: process-wide records (sources, totals) go to its journal.
  let current = setup.first;

  const root = process.cwd();
  const self = fileURLToPath(selfUrl);
  // The package's own modules next to this one (the in-process entry of an installed package).
  const pkg = self.startsWith(workDir + path.sep) ? undefined : path.resolve(path.dirname(self), '..', '..');
  const skip = (file: string): boolean =>
    file.includes(`${path.sep}node_modules${path.sep}`) ||
    file === self ||
    file.startsWith(workDir + path.sep) ||
    (own !== undefined && (file === own || file.startsWith(own + path.sep))) ||
    (pkg !== undefined && file.startsWith(pkg + path.sep));
  const coverage = setup.coverage === 'off' ? undefined : new (await import('./coverage-collector.js')).CoverageCollector(root, skip);
  if (coverage) coverage.onNewSource = (src) => write({ k: 'src', f: current, file: src.file, lines: src.lines, ignored: src.ignored });
  const perTest = setup.coverage === 'test';
  // capture_output: process.stdout/stderr (and console through them) are seen per test; nothing is wrapped when off.
  const capture = setup.captureCap === undefined ? undefined : new (await import('./output-capture.js')).OutputAttribution(setup.captureCap, setup.captureCap);
  if (capture) {
    const { teeWrites } = await import('./output-capture.js');
    teeWrites(process.stdout, (t) => capture.write('stdout', t));
    teeWrites(process.stderr, (t) => capture.write('stderr', t));
  }
  const outKey = (r: Running): string => `${r.f}\u0000${r.fn}\u0000${r.o}`;

  // Tests open now, innermost last. Suites run no hooks, so a subtest's parent here is a test.
  const stack: Running[] = [];
  const occurrences = new Map<string, number>();
  const seenFiles = new Set<string>();
  let tookFirst = false;

  const flush = (to: Running | undefined): void => {
    if (!coverage) return;
    const files = coverage.take();
    if (files.size === 0) return;
    write({ k: 'cov', f: to?.f ?? current, fn: to && !to.shared ? to.fn : null, o: to?.o ?? 0, files: Object.fromEntries(files) });
  };
  const markShared = (r: Running): void => {
    capture?.markShared(outKey(r));
    if (r.shared) return;
    r.shared = true;
    write({ k: 'shared', f: r.f, fn: r.fn, o: r.o });
  };

  const begin = (ctx: HookContext): void => {
    const f = setup.entryOf(ctx);
    const top = stack[stack.length - 1];
    // One take per boundary: before a test only when a parent's own code or module loading is
    // pending; code between sibling tests (suite hooks) belongs to the next test.
    if (perTest && (top || !tookFirst)) flush(top);
    tookFirst = true;
    if (!seenFiles.has(f)) {
      seenFiles.add(f);
      setup.onFile?.(f);
    }
    current = f;
    const key = `${f}\u0000${ctx.fullName}`;
    const o = (occurrences.get(key) ?? 0) + 1;
    occurrences.set(key, o);
    const running: Running = { f, fn: ctx.fullName, o, shared: false };
    // A test starting while a test that is not its ancestor runs: both share the isolate's counters.
    const concurrent = top !== undefined && (top.f !== f || !ctx.fullName.startsWith(top.fn + ' > '));
    capture?.begin(outKey(running), !concurrent);
    if (concurrent) {
      markShared(top);
      markShared(running);
    }
    stack.push(running);
    write({ k: 'start', f, n: ctx.name, fn: ctx.fullName });
  };

  const end = (ctx: HookContext): void => {
    const f = setup.entryOf(ctx);
    let i = stack.length - 1;
    while (i >= 0 && (stack[i]!.fn !== ctx.fullName || stack[i]!.f !== f)) i--;
    const mine = stack[i];
    if (mine && i !== stack.length - 1) {
      // Ending while a later-started test still runs: concurrent, not attributable.
      for (const r of stack.slice(i)) markShared(r);
    }
    if (perTest) flush(mine);
    if (capture && mine) {
      const out = capture.end(outKey(mine));
      if (out && (out.stdout || out.stderr || out.dropped_bytes)) write({ k: 'out', f: mine.f, fn: mine.fn, o: mine.o, out });
    }
    if (i >= 0) stack.splice(i, 1);
    const rec: ChildRecord = { k: 'end', f, n: ctx.name, fn: ctx.fullName, p: ctx.passed !== false };
    if (ctx.passed === false && ctx.error) rec.m = typeof ctx.error.message === 'string' ? ctx.error.message : inspect(ctx.error.message ?? ctx.error);
    write(rec);
  };

  const hooks = (): void => {
    beforeEach((t) => begin(t as HookContext));
    afterEach((t) => end(t as HookContext));
  };
  // Follow node's tests without root hooks, in a test child and in node's own process alike: a root
  // beforeEach runs through node's async hook machinery before each test's body, so a subtest its parent
  // does not await starts a tick later and is cancelled when the parent returns first (it passes without
  // the reporter); and the hooks cost node's runner about 65 us each per test (tap-tests.ts). run()
  // starts a test synchronously. Root hooks are the fallback should node's test class change shape.
  tapTests(begin, end, hooks);

  const channel: Channel = {
    meta(fullName: string, data: TestMeta): void {
      const running = [...stack].reverse().find((r) => r.fn === fullName);
      const f = running?.f ?? current;
      write({ k: 'meta', f, fn: fullName, o: running?.o ?? occurrences.get(`${f}\u0000${fullName}`) ?? 1, data });
    },
  };
  (globalThis as Record<symbol, unknown>)[CHANNEL] = channel;

  let finished = false;
  const finish = (code: number): void => {
    if (finished) return;
    finished = true;
    flush(undefined);
    if (capture) {
      const out = capture.fileOutput();
      write({ k: 'out', f: current, fn: null, o: 0, out });
    }
    if (coverage) {
      for (const t of coverage.totals.values()) {
        const { functions, generated, guessed } = coverage.profile(t);
        const gen = generated && { file: generated.file, digest: generated.digest, profile: toProfile(generated.functions), ...(generated.memory ? { memory: generated.memory } : {}) };
        write({ k: 'covsum', f: current, file: t.owner, profile: toProfile(functions), ...(gen ? { gen } : {}), ...(guessed ? { guessed } : {}) });
      }
    }
    journal.close(code, setup.first);
  };
  process.on('exit', finish);
  return finish;
}
