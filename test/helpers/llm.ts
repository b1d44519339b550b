// Helpers for the LLM tests: a saved run of the llm fixture, copies of it, and `llm-report annotate` as
// a real child process. Spawned asynchronously: the fake server lives in the test process and must
// keep answering while the CLI waits for it.
import { spawn } from 'node:child_process';
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NODE, REPO, cleanEnv } from './run.js';
import { applyAddenda, parseAddendum, type AddendumDoc } from '../../lib/evidence/addenda.js';
import type { Line, Report } from '../../lib/types.js';

export const CLI = path.join(REPO, 'dist', 'lib', 'cli', 'main.js');
export const FAKE_KEY = 'sk-fakeKEY0123456789abcdefGHIJKLMNOPqrstuv';

/** A copy of a fixture directory that already holds a run (sources and llm-report/), without node_modules. */
export function copyRun(from: string): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'llmr-annotate-'));
  cpSync(from, dir, { recursive: true, filter: (src) => !src.includes(`${path.sep}node_modules`) });
  return dir;
}

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runCli(dir: string, args: string[], env: Record<string, string> = {}, cli: string = CLI): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(NODE, [cli, ...args], { cwd: dir, env: cleanEnv({ OPENAI_API_KEY: FAKE_KEY, ...env }) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

export function annotateRun(dir: string, url: string, extra: string[] = [], env: Record<string, string> = {}): Promise<CliResult> {
  return runCli(dir, ['annotate', 'llm-report', '--provider', 'openai', '--base-url', url, '--model', 'fake-model', ...extra], env);
}

/** The addenda of the run (annotations added to a sealed run), oldest first. */
export function readAddenda(dir: string): AddendumDoc[] {
  const root = path.join(dir, 'llm-report', 'addenda');
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .sort()
    .map((n) => {
      const r = parseAddendum(readFileSync(path.join(root, n, 'annotations.json')));
      assert.ok(r.doc, `addenda/${n}/annotations.json: ${r.error}`);
      return r.doc;
    });
}

/** report.json as verify and the addendum's page show it: with the annotations of its addenda applied. */
export function readReport(dir: string): Report {
  const report = JSON.parse(readFileSync(path.join(dir, 'llm-report', 'report.json'), 'utf8')) as Report;
  return applyAddenda(report, readAddenda(dir));
}

export function readResults(dir: string): Line[] {
  return readFileSync(path.join(dir, 'llm-report', 'results.ndjson'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
}

/** The report without what annotate adds: what must never change. */
export function withoutLlm(r: Report): unknown {
  return {
    ...r,
    llm: undefined,
    tests: r.tests.map(({ annotation: _a, annotation_error: _e, ...t }) => t),
    warnings: r.warnings.filter((w) => !w.code.startsWith('LLMR_LLM_')),
  };
}

/** `node --test` with our reporter, without blocking this process (a fake server here must keep answering). */
export function runNodeTestAsync(dir: string, opts: { reporter?: string; args?: string[]; env?: Record<string, string>; files?: string[] } = {}): Promise<CliResult & { report: Report | undefined }> {
  return new Promise((resolve, reject) => {
    const args = ['--test', `--test-reporter=${opts.reporter ?? '@org/llm-report'}`, '--test-reporter-destination=stream.ndjson', ...(opts.args ?? []), ...(opts.files ?? [])];
    const child = spawn(NODE, args, { cwd: dir, env: cleanEnv(opts.env) });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      let report: Report | undefined;
      try {
        report = readReport(dir);
      } catch {
        report = undefined;
      }
      resolve({ code, stdout, stderr, report });
    });
  });
}
