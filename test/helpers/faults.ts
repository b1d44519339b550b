// Shared machinery of the fault suites (test/faults-*.test.ts): repetition counts, a seeded random
// source (the seed is printed, so a failure can be replayed), async `node --test` runs that can be
// killed or signalled mid-way, and the chaos fixture's ground truth.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cleanEnv, copyFixture, NODE } from './run.js';
import type { Report, SuiteLine, TestLine } from '../../lib/types.js';

/**
 * Repetitions of a randomized fault case: `small` in `npm test`; LLMR_FAULT_REPS x `factor` under
 * `npm run test:faults` (scripts/test.mjs --faults). Not an LLM_REPORT_* name: those are the reporter's
 * options, and the dogfooding reporter would warn about an unknown one.
 */
export function faultReps(small: number, factor = 1): number {
  const n = Number(process.env.LLMR_FAULT_REPS);
  return Number.isFinite(n) && n > 0 ? Math.max(1, Math.round(n * factor)) : small;
}

/** LLMR_FAULT_SEED replays a failed run; otherwise a fresh seed, printed by the suites. */
export const SEED = Number(process.env.LLMR_FAULT_SEED ?? Math.floor(Math.random() * 2 ** 31));

/** mulberry32: a small seeded generator; `int(n)` is in [0, n). */
export function random(seed: number): { next: () => number; int: (n: number) => number } {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, int: (n) => Math.floor(next() * n) };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Polls `pred` every 5 ms; false once `timeoutMs` passed. */
export async function waitFor(pred: () => boolean, timeoutMs = 30_000): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (pred()) return true;
    await sleep(5);
  }
  return pred();
}

export interface AsyncRun {
  child: ChildProcess;
  dir: string;
  /** The process and its stdio are done. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The process itself is gone (its test children may still hold stdio open). */
  died: Promise<void>;
  stderr: () => string;
}

/**
 * `node --test` in `dir` with our reporter (stream.ndjson) and node's tap (tap.txt), not waited for.
 * `detached` puts the run in its own process group, so a test can kill it whole afterwards.
 */
export function startRun(dir: string, opts: { args?: string[]; env?: Record<string, string>; detached?: boolean } = {}): AsyncRun {
  const args = ['--test', '--test-reporter=@org/llm-report', '--test-reporter-destination=stream.ndjson', '--test-reporter=tap', '--test-reporter-destination=tap.txt', ...(opts.args ?? [])];
  // TMPDIR inside the project: the reporter's work dir goes there too, and is removed with the project.
  const child = spawn(NODE, args, { cwd: dir, env: cleanEnv({ TMPDIR: dir, ...opts.env }), stdio: ['ignore', 'ignore', 'pipe'], detached: opts.detached ?? false });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-20_000)));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('close', (code, signal) => resolve({ code, signal })));
  const died = new Promise<void>((resolve) => child.on('exit', () => resolve()));
  return { child, dir, exited, died, stderr: () => stderr };
}

/** A process that exists and is not a zombie (Linux: /proc; elsewhere kill(pid, 0)). */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^\d+ \(.*\) [ZX] /.test(stat);
  } catch {
    if (process.platform === 'linux') return false;
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  }
}

/** The chaos fixture, with `files` test files (a, b, ... then f04, f05, ...). */
export function chaosProject(files = 4): string {
  const dir = copyFixture('chaos');
  for (let i = 4; i < files; i++) {
    writeFileSync(path.join(dir, 'test', `f${String(i).padStart(2, '0')}.test.js`), "import { chaosTests } from '../chaos.js';\nchaosTests(import.meta.url);\n");
  }
  return dir;
}

/** Every test a chaos file declares, as "file\tfull name". */
export function declared(dir: string, tests: number): string[] {
  const half = Math.ceil(tests / 2);
  const files = readdirSync(path.join(dir, 'test')).filter((f) => f.endsWith('.test.js')).sort();
  return files.flatMap((f) => Array.from({ length: tests }, (_, i) => `test/${f}\t${i < half ? '' : 'group > '}t${i}`));
}

/** What the tests themselves say finished: "file\tfull name" lines. */
export function truth(dir: string): string[] {
  const f = path.join(dir, 'truth', 'done');
  return existsSync(f) ? readFileSync(f, 'utf8').split('\n').filter(Boolean) : [];
}

/** pid -> test file, from the pid files each chaos process writes at start. */
export function pids(dir: string): Map<number, string> {
  const out = new Map<number, string>();
  const d = path.join(dir, 'truth');
  if (!existsSync(d)) return out;
  for (const name of readdirSync(d)) {
    const m = /^pid-(\d+)$/.exec(name);
    if (m) out.set(Number(m[1]), readFileSync(path.join(d, name), 'utf8'));
  }
  return out;
}

/** A report record's key in the ground truth's terms. */
export function key(r: TestLine | SuiteLine): string {
  return `${r.entry_file}\t${[...r.path, r.name].join(' > ')}`;
}

export function readReport(dir: string, out = 'llm-report'): Report | undefined {
  const f = path.join(dir, out, 'report.json');
  return existsSync(f) ? (JSON.parse(readFileSync(f, 'utf8')) as Report) : undefined;
}

/**
 * The invariants every faulted chaos run must keep, whatever the fault:
 * - no test is reported passed that did not finish by its own account (ground truth);
 * - every test that finished is reported passed, except at most one per faulted file, the one in
 *   flight when the fault hit, which is reported incomplete (started, never reported);
 * - every test of an unfaulted file is reported passed;
 * - a test not in the report belongs to a file whose early end is stated (LLMR_FILE_EXITED_EARLY or a
 *   file failure), or to a run that says it was aborted;
 * - the run is a pass only when every declared test passed.
 * Returns a one-line account for diagnostics.
 */
export function checkChaos(report: Report, opts: { dir: string; tests: number; faulted: Set<string>; what: string }): string {
  const { what } = opts;
  const done = new Set(truth(opts.dir));
  const all = declared(opts.dir, opts.tests);
  const byKey = new Map<string, TestLine[]>();
  for (const t of report.tests) {
    if (t.file_level) continue;
    const list = byKey.get(key(t)) ?? [];
    list.push(t);
    byKey.set(key(t), list);
  }
  const fail = (msg: string): never => {
    throw new Error(`${what}: ${msg}\n  project kept at ${opts.dir}`);
  };
  for (const [k, list] of byKey) {
    if (list.length !== 1) fail(`${k} is reported ${list.length} times`);
    const t = list[0]!;
    if (t.status === 'passed' && !done.has(k)) fail(`${k} is reported passed but never finished`);
    if (t.status !== 'passed' && t.status !== 'incomplete') fail(`${k} is reported ${t.status}`);
    if (t.status === 'incomplete' && t.failure?.kind !== 'incomplete') fail(`${k} is incomplete without failure.kind "incomplete"`);
  }
  const inFlight = new Map<string, string[]>();
  for (const k of done) {
    const t = byKey.get(k)?.[0];
    if (t?.status === 'passed') continue;
    const file = k.split('\t')[0]!;
    if (!opts.faulted.has(file)) fail(`${k} finished in an unfaulted file but is reported ${t?.status ?? 'missing'}`);
    if (t && t.status !== 'incomplete') fail(`${k} finished but is reported ${t.status}`);
    if (!t) fail(`${k} finished but is not in the report`);
    inFlight.set(file, [...(inFlight.get(file) ?? []), k]);
  }
  for (const [file, list] of inFlight) if (list.length > 1) fail(`${file}: ${list.length} finished tests lost (${list.join(', ')}); at most the one in flight may be`);
  const warned = (file: string): boolean =>
    report.warnings.some((w) => w.file === file && (w.code === 'LLMR_FILE_EXITED_EARLY' || w.code === 'LLMR_FILE_FAILED')) ||
    report.files.some((f) => f.file === file && f.status !== 'passed');
  let missing = 0;
  for (const k of all) {
    if (byKey.has(k)) continue;
    missing++;
    const file = k.split('\t')[0]!;
    if (!opts.faulted.has(file) && report.run.status !== 'aborted') fail(`${k} (unfaulted file) is missing from the report`);
    if (report.run.status !== 'aborted' && !warned(file)) fail(`${k} is missing and nothing says ${file} ended early`);
  }
  const allPassed = all.every((k) => byKey.get(k)?.[0]?.status === 'passed');
  if (report.run.status === 'passed' && !allPassed) fail('the run is reported passed but not every declared test passed');
  const incomplete = report.tests.filter((t) => t.status === 'incomplete').length;
  if (report.summary.incomplete !== incomplete) fail(`summary.incomplete ${report.summary.incomplete} != ${incomplete} incomplete tests`);
  const passed = report.tests.filter((t) => t.status === 'passed' && !t.file_level).length;
  return `${what}: ${report.run.status}, ${passed}/${all.length} passed, ${incomplete} incomplete, ${missing} not reported, ${done.size} finished by their own account`;
}

/** Cleanup for a passing case: the project dir and anything it holds. */
export function removeProject(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/**
 * The unshare(1) flags that give a private mount namespace here (tmpfs and read-only mounts for disk
 * faults): "-m" as root, "-rm" (a user namespace) for an ordinary user where the kernel allows it;
 * undefined when neither works.
 */
export function unshareFlags(): string[] | undefined {
  if (process.platform !== 'linux') return undefined;
  for (const flags of [['-m'], ['-r', '-m']]) {
    const r = spawnSync('unshare', [...flags, 'sh', '-c', 'd=$(mktemp -d) && mount -t tmpfs -o size=4k tmpfs "$d" && umount "$d" && rmdir "$d"'], { stdio: 'ignore' });
    if (r.status === 0) return flags;
  }
  return undefined;
}
