// Helpers for the aggregate suites: run a fixture into a given output directory, run the CLI as a
// process (as users and CI do), read a run's outputs.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { cleanEnv, parseLines, REPO, runNodeTest, type RunResult } from './run.js';
import type { CoverageLine, Line, Report } from '../../lib/types.js';

export const CLI = path.join(REPO, 'dist', 'lib', 'cli', 'main.js');

export interface Outputs {
  report: Report;
  results: string;
  lines: Line[];
  coverage: CoverageLine[];
}

export function readOutputs(dir: string): Outputs {
  const results = readFileSync(path.join(dir, 'results.ndjson'), 'utf8');
  const lines = parseLines(results);
  return {
    report: JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as Report,
    results,
    lines,
    coverage: lines.filter((l): l is CoverageLine => l.type === 'coverage'),
  };
}

/** Every test and suite of a report with its status, keyed by type, id and full name. */
export const statuses = (r: Report): Record<string, string> =>
  Object.fromEntries([...r.tests, ...r.suites].map((t) => [`${t.type} ${t.id} ${[...t.path, t.name].join(' > ')}`, t.status]));

/** node --test on the fixture copy with our reporter writing to `outDir` (LLM_REPORT_OUTPUT_DIR). */
export function runInto(dir: string, outDir: string, args: string[] = [], env: Record<string, string> = {}): RunResult & { out: Outputs } {
  const r = runNodeTest(dir, { args, env: { LLM_REPORT_OUTPUT_DIR: outDir, ...env } });
  let out: Outputs;
  try {
    out = readOutputs(path.join(dir, outDir));
  } catch (err) {
    throw new Error(`no outputs in ${outDir}: ${(err as Error).message}\n${r.stderr}`);
  }
  return { ...r, out };
}

export interface CliResult {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `llm-report <args>` as a separate process, with a clean environment plus `env`. */
export function cli(args: string[], cwd: string, env: Record<string, string> = {}): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd, env: cleanEnv(env), encoding: 'utf8', timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
