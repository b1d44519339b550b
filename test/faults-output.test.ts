// Output directory faults (compliance-trust R7): not writable, read-only file system, full disk, deleted
// or replaced while the run goes. Each: a clear error naming the problem, a non-zero exit status, the
// NDJSON stream still complete, and nothing in the output directory that claims a whole record.
// (A file where the directory should be is in e2e-spine.test.ts.)
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cleanEnv, NODE, parseLines } from './helpers/run.js';
import { chaosProject, readReport, removeProject, startRun, unshareFlags, waitFor } from './helpers/faults.js';
import type { Report } from '../lib/types.js';

const TESTS = 12;
const FILES = 4;
const ENV = { CHAOS_TESTS: String(TESTS), CHAOS_DELAY_MS: '2' };
const ARGS = ['--test', '--test-reporter=@org/llm-report', '--test-reporter-destination=stream.ndjson'];
const root = process.getuid?.() === 0;
const mounts = unshareFlags();
// As root, permissions do not bind: the EACCES cases run node as nobody, which must be able to start it
// (a node binary under root's home, as npx installs it, is out of its reach).
const unprivileged = process.platform === 'win32' ? 'POSIX permissions' : root && spawnSync(NODE, ['-e', '0'], { uid: 65534, gid: 65534, cwd: '/', env: cleanEnv() }).status !== 0 ? `${NODE} cannot be run by an unprivileged user` : false;

interface Outcome {
  dir: string;
  status: number | null;
  stderr: string;
}

/** node --test in `dir`, optionally as an unprivileged user or inside a private mount namespace. */
function runSync(dir: string, opts: { nobody?: boolean; mount?: { target: string; options: string } } = {}): Outcome {
  const env = cleanEnv({ ...ENV, TMPDIR: dir, HOME: dir });
  const ids = opts.nobody && root ? { uid: 65534, gid: 65534 } : {};
  const [cmd, args] = opts.mount
    ? ['unshare', [...mounts!, 'sh', '-c', 'mount -t tmpfs -o "$1" tmpfs "$2" && shift 2 && exec "$@"', 'sh', opts.mount.options, opts.mount.target, NODE, ...ARGS]]
    : [NODE, ARGS];
  const r = spawnSync(cmd, args, { cwd: dir, env, encoding: 'utf8', timeout: 120_000, ...ids });
  return { dir, status: r.status, stderr: r.stderr };
}

/** The checks every output fault must pass. `journalFailed`: the fault hit while the run was being recorded. */
function checkFault(o: Outcome, what: string, opts: { error: RegExp; outDir: string; journalFailed: boolean }): Report | undefined {
  assert.notEqual(o.status, 0, `${what}: non-zero exit status`);
  assert.match(o.stderr, /llm-report: LLMR_OUTPUT_UNWRITABLE: /, `${what}: the error is named`);
  assert.match(o.stderr, opts.error, `${what}: and says why`);
  const stream = parseLines(readFileSync(path.join(o.dir, 'stream.ndjson'), 'utf8'));
  assert.equal(stream.at(-1)?.type, 'run_end', `${what}: the stream is complete`);
  assert.equal(stream.filter((l) => l.type === 'test').length, FILES * TESTS, `${what}: every test is in the stream`);
  if (opts.journalFailed) assert.ok(stream.some((l) => l.type === 'warning' && l.code === 'LLMR_OUTPUT_UNWRITABLE'), `${what}: the stream says the outputs failed`);
  const out = path.join(o.dir, opts.outDir);
  let names: string[] = [];
  try {
    names = readdirSync(out);
  } catch {
    // unreadable or absent: nothing in it can claim anything
  }
  assert.deepEqual(names.filter((n) => /\.tmp-\d+$/.test(n)), [], `${what}: no temp files left behind`);
  const report = existsSync(path.join(out, 'report.json')) ? (JSON.parse(readFileSync(path.join(out, 'report.json'), 'utf8')) as Report) : undefined;
  if (report) assert.ok(report.warnings.some((w) => w.code === 'LLMR_OUTPUT_UNWRITABLE'), `${what}: a report that was written says what is missing`);
  return report;
}

describe('faults: output directory', () => {
  it('not writable (EACCES): the output directory exists but refuses writes', { skip: unprivileged }, () => {
    const dir = chaosProject(FILES);
    chmodSync(dir, 0o777);
    mkdirSync(path.join(dir, 'llm-report'));
    chmodSync(path.join(dir, 'llm-report'), 0o555);
    const o = runSync(dir, { nobody: true });
    checkFault(o, 'EACCES', { error: /EACCES|permission denied/i, outDir: 'llm-report', journalFailed: true });
    assert.ok(!existsSync(path.join(dir, 'llm-report', 'report.json')));
    removeProject(dir);
  });

  it('not creatable (EACCES): its parent refuses new directories', { skip: unprivileged }, () => {
    const dir = chaosProject(FILES);
    chmodSync(dir, 0o777);
    mkdirSync(path.join(dir, 'locked'));
    chmodSync(path.join(dir, 'locked'), 0o555);
    writeFileSync(path.join(dir, 'llm-report.config.json'), JSON.stringify({ output_dir: 'locked/out' }));
    const o = runSync(dir, { nobody: true });
    checkFault(o, 'EACCES on mkdir', { error: /locked\/out.*(EACCES|permission denied)/i, outDir: 'locked/out', journalFailed: true });
    removeProject(dir);
  });

  it('read-only file system (EROFS)', { skip: !mounts && 'needs private mounts (unshare -m or -rm)' }, () => {
    const dir = chaosProject(FILES);
    mkdirSync(path.join(dir, 'llm-report'));
    const o = runSync(dir, { mount: { target: path.join(dir, 'llm-report'), options: 'ro,size=64k' } });
    checkFault(o, 'EROFS', { error: /EROFS|read-only file system/i, outDir: 'llm-report', journalFailed: true });
    removeProject(dir);
  });

  it('full disk (ENOSPC) while the journal is being written', { skip: !mounts && 'needs private mounts (unshare -m or -rm)' }, () => {
    const dir = chaosProject(FILES);
    mkdirSync(path.join(dir, 'llm-report'));
    // 8 KiB: room for the journal's first lines, not for the run (about 30 KB) nor for the report.
    const o = runSync(dir, { mount: { target: path.join(dir, 'llm-report'), options: 'size=8k' } });
    checkFault(o, 'ENOSPC', { error: /ENOSPC|no space left/i, outDir: 'llm-report', journalFailed: true });
    removeProject(dir);
  });

  it('deleted while the run goes: the rebuilt report and the exit status say the journal is lost', async () => {
    const dir = chaosProject(FILES);
    const run = startRun(dir, { env: { ...ENV, CHAOS_DELAY_MS: '15' } });
    const journal = path.join(dir, 'llm-report', 'journal.ndjson');
    await waitFor(() => existsSync(journal) && readFileSync(journal, 'utf8').split('"type":"test"').length > 5, 60_000);
    rmSync(path.join(dir, 'llm-report'), { recursive: true, force: true });
    const { code } = await run.exited;
    const report = checkFault({ dir, status: code, stderr: run.stderr() }, 'deleted', { error: /journal\.ndjson was deleted during the run/, outDir: 'llm-report', journalFailed: true });
    assert.ok(report, 'the report is written again from memory, whole');
    assert.equal(report.summary.passed, FILES * TESTS);
    removeProject(dir);
  });

  it('replaced by a file while the run goes: the report cannot be written, and the run says so', async () => {
    const dir = chaosProject(FILES);
    const run = startRun(dir, { env: { ...ENV, CHAOS_DELAY_MS: '15' } });
    const journal = path.join(dir, 'llm-report', 'journal.ndjson');
    await waitFor(() => existsSync(journal) && readFileSync(journal, 'utf8').split('"type":"test"').length > 5, 60_000);
    rmSync(path.join(dir, 'llm-report'), { recursive: true, force: true });
    writeFileSync(path.join(dir, 'llm-report'), 'not a directory');
    const { code } = await run.exited;
    checkFault({ dir, status: code, stderr: run.stderr() }, 'replaced', { error: /cannot write the report to .*llm-report/, outDir: 'llm-report', journalFailed: true });
    assert.ok(!readReport(dir));
    removeProject(dir);
  });
});
