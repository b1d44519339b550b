// Runs a fixture project through a real `node --test`, with our reporter installed as a package
// (node_modules/@org/llm-report -> this repo) or as the zero-install bundle copied alone.
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, copyFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Line, Report } from '../../lib/types.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const FIXTURES = path.join(REPO, 'test', 'fixtures');
export const BUNDLE = path.join(REPO, 'dist', 'llm-report.mjs');

/** The node binary under test: LLM_REPORT_TEST_NODE (the CI matrix) or this one. */
export const NODE = process.env.LLM_REPORT_TEST_NODE || process.execPath;

/** Environment for a nested run: nothing of the outer test run (our own reporter dogfoods these tests). */
export function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k === 'NODE_TEST_CONTEXT' || k === 'NODE_OPTIONS' || k === 'NODE_V8_COVERAGE' || k.startsWith('LLM_REPORT_') || k === 'GITHUB_ACTIONS') continue;
    env[k] = v;
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

export interface Copy {
  dir: string;
}

/**
 * A fresh copy of a fixture in a temp dir; by default our package is linked into its node_modules.
 * `copyInstall` copies it there instead, as npm would: then our files really live under node_modules
 * (what coverage tools exclude), with this repo's node_modules for our dependencies.
 */
export function copyFixture(name: string, opts: { install?: boolean; bundle?: boolean; copyInstall?: boolean; from?: string } = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), `llmr-${name}-`));
  // `from`: another directory of projects (examples/). Leftovers of a local run there are not copied.
  const src = path.join(opts.from ?? FIXTURES, name);
  cpSync(src, dir, { recursive: true, filter: (f) => path.dirname(f) !== src || !['node_modules', 'llm-report'].includes(path.basename(f)) });
  const pkg = path.join(dir, 'node_modules', '@org', 'llm-report');
  if (opts.copyInstall) {
    // What npm installs: the files npm pack puts in the package ("files" with its exclusions).
    for (const f of packageFiles()) {
      mkdirSync(path.dirname(path.join(pkg, f)), { recursive: true });
      copyFileSync(path.join(REPO, f), path.join(pkg, f));
    }
    symlinkSync(path.join(REPO, 'node_modules'), path.join(pkg, 'node_modules'), 'dir');
  } else if (opts.install !== false && !opts.bundle) {
    mkdirSync(path.dirname(pkg), { recursive: true });
    symlinkSync(REPO, pkg, 'dir');
  }
  if (opts.bundle) copyFileSync(BUNDLE, path.join(dir, 'llm-report.mjs'));
  return dir;
}

let packed: string[] | undefined;

/** The files of the npm package, as `npm pack` lists them (package.json "files", its "!" exclusions, package.json). */
export function packageFiles(): string[] {
  if (packed) return packed;
  const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: REPO, encoding: 'utf8', env: cleanEnv() });
  if (r.status !== 0) throw new Error(`npm pack --dry-run failed (${r.status ?? r.signal}): ${r.stderr}`);
  packed = (JSON.parse(r.stdout) as Array<{ files: Array<{ path: string }> }>)[0]!.files.map((f) => f.path).sort();
  return packed;
}

export interface RunResult {
  dir: string;
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Our stream as node delivered it to the destination. */
  stream: string;
  tap: string;
  report: Report | undefined;
  results: string;
  nodeCounts: Record<string, number>;
}

export interface RunOptions {
  args?: string[];
  env?: Record<string, string>;
  reporter?: string;
  files?: string[];
  timeoutMs?: number;
}

/** node --test with our reporter to stream.ndjson and node's tap reporter to tap.txt (node's own counts). */
export function runNodeTest(dir: string, opts: RunOptions = {}): RunResult {
  const reporter = opts.reporter ?? '@org/llm-report';
  const args = [
    '--test',
    `--test-reporter=${reporter}`,
    '--test-reporter-destination=stream.ndjson',
    '--test-reporter=tap',
    '--test-reporter-destination=tap.txt',
    ...(opts.args ?? []),
    ...(opts.files ?? []),
  ];
  const r = spawnSync(NODE, args, { cwd: dir, env: cleanEnv(opts.env), encoding: 'utf8', timeout: opts.timeoutMs ?? 120_000 });
  const read = (f: string): string => (existsSync(path.join(dir, f)) ? readFileSync(path.join(dir, f), 'utf8') : '');
  const reportText = read('llm-report/report.json');
  const tap = read('tap.txt');
  return {
    dir,
    status: r.status,
    signal: r.signal,
    stdout: r.stdout,
    stderr: r.stderr,
    stream: read('stream.ndjson'),
    tap,
    report: reportText ? (JSON.parse(reportText) as Report) : undefined,
    results: read('llm-report/results.ndjson'),
    nodeCounts: tapCounts(tap),
  };
}

/** node's closing summary in TAP: "# tests 3", "# pass 2", ... */
export function tapCounts(tap: string): Record<string, number> {
  const out: Record<string, number> = {};
  const names: Record<string, string> = { pass: 'passed', fail: 'failed' };
  for (const m of tap.matchAll(/^# (tests|suites|pass|fail|cancelled|skipped|todo) (\d+)$/gm)) out[names[m[1]!] ?? m[1]!] = Number(m[2]);
  return out;
}

export function parseLines(text: string): Line[] {
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
}

/** Our summary restricted to what node itself counted (results recovered from the child journal excluded). */
export function countsAsNode(report: Report): Record<string, number> {
  const c = { tests: 0, suites: report.summary.suites, passed: 0, failed: 0, cancelled: 0, skipped: 0, todo: 0 };
  for (const t of report.tests) {
    // node_status: what node said where we differ (a file-level test node passed though its process exited early).
    const status = t.node_status ?? t.status;
    if (t.recovered || status === 'incomplete') continue;
    c.tests++;
    c[status]++;
  }
  return c;
}
