// A GitHub Actions workflow run locally, step by step, as far as an example's workflow needs: each
// job (and each matrix entry) in its own fresh checkout, `run` steps through bash with their `env`,
// `${{ matrix.* }}` expanded, and the few actions it uses emulated (checkout, setup-node, upload- and
// download-artifact). Anything else is an error naming it, so the workflow cannot grow a step the test
// silently skips.
import { cpSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import picomatch from 'picomatch';
import { parse } from 'yaml';
import { runBlock } from './examples.js';

export interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, string | number | boolean>;
  env?: Record<string, string | number | boolean>;
}

export interface Job {
  needs?: string | string[];
  strategy?: { matrix?: Record<string, unknown[]> };
  steps: Step[];
}

export interface Workflow {
  jobs: Record<string, Job>;
}

export function parseWorkflow(text: string): Workflow {
  const wf = parse(text) as Workflow;
  if (!wf || typeof wf.jobs !== 'object') throw new Error('workflow: no jobs');
  return wf;
}

/** `${{ matrix.x }}` from the matrix entry; any other expression is an error naming it. */
export function expand(value: string, matrix: Record<string, string>): string {
  return value.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_, expr: string) => {
    const m = /^matrix\.(\w+)$/.exec(expr);
    if (!m || matrix[m[1]!] === undefined) throw new Error(`workflow: cannot expand \${{ ${expr} }} here`);
    return matrix[m[1]!]!;
  });
}

/** The matrix entries of a job: one per combination ([{}] without a matrix). */
export function matrixEntries(job: Job): Record<string, string>[] {
  let entries: Record<string, string>[] = [{}];
  for (const [key, values] of Object.entries(job.strategy?.matrix ?? {})) {
    if (!Array.isArray(values)) throw new Error(`workflow: matrix.${key} must be a list (include/exclude are not emulated)`);
    entries = entries.flatMap((e) => values.map((v) => ({ ...e, [key]: String(v) })));
  }
  return entries;
}

/** A step's `run` with the matrix expanded, or undefined for a `uses` step. */
export const stepRun = (step: Step, matrix: Record<string, string>): string | undefined => (step.run === undefined ? undefined : expand(step.run, matrix));

export interface StepResult {
  job: string;
  matrix: Record<string, string>;
  step: string;
  run: string;
  status: number | null;
  stdout: string;
  stderr: string;
}

export interface WorkflowRun {
  /** The checkout of each job run, by "job" or "job (matrix values)". */
  checkouts: Map<string, string>;
  steps: StepResult[];
  /** Uploaded artifacts: name -> directory holding the uploaded files (under `store`). */
  artifacts: Map<string, string>;
  store: string;
}

const ACTIONS = ['actions/checkout@', 'actions/setup-node@', 'actions/upload-artifact@', 'actions/download-artifact@'];

/**
 * Runs every job in `needs` order. `checkout()` gives a fresh copy of the project (with its
 * dependencies installed: `install` recognises the workflow's install step, which is then not run).
 * After a failing `run` step only `if: always()` steps of its job run; later jobs still run (the
 * example's report job is `if: always()`).
 */
export function runWorkflow(wf: Workflow, opts: { checkout: () => string; install: (run: string) => boolean; env?: (dir: string, job: string) => Record<string, string> }): WorkflowRun {
  const store = mkdtempSync(path.join(os.tmpdir(), 'llmr-artifacts-'));
  const result: WorkflowRun = { checkouts: new Map(), steps: [], artifacts: new Map(), store };
  const done = new Set<string>();
  const order: string[] = [];
  const visit = (name: string): void => {
    if (done.has(name)) return;
    done.add(name);
    const job = wf.jobs[name];
    if (!job) throw new Error(`workflow: needs an unknown job ${name}`);
    for (const n of [job.needs ?? []].flat()) visit(n);
    order.push(name);
  };
  for (const name of Object.keys(wf.jobs)) visit(name);

  for (const name of order) {
    for (const matrix of matrixEntries(wf.jobs[name]!)) {
      const label = Object.keys(matrix).length ? `${name} (${Object.values(matrix).join(', ')})` : name;
      const dir = opts.checkout();
      result.checkouts.set(label, dir);
      const jobEnv = opts.env?.(dir, label) ?? {};
      let failed = false;
      for (const step of wf.jobs[name]!.steps) {
        // After a failure only `if: always()` steps run, as on GitHub.
        if (failed && !/\balways\(\)/.test(step.if ?? '')) continue;
        const stepName = expand(step.name ?? step.run ?? step.uses ?? '?', matrix);
        const w = Object.fromEntries(Object.entries(step.with ?? {}).map(([k, v]) => [k, expand(String(v), matrix)]));
        const run = stepRun(step, matrix);
        if (run !== undefined) {
          if (opts.install(run)) continue;
          const env = Object.fromEntries(Object.entries(step.env ?? {}).map(([k, v]) => [k, expand(String(v), matrix)]));
          // GitHub's default shell for run steps: bash -e {0} (with -o pipefail).
          const r = runBlock(dir, `set -o pipefail\n${run}`, { ...jobEnv, ...env }, 'bash');
          result.steps.push({ job: name, matrix, step: stepName, run, status: r.status, stdout: r.stdout, stderr: r.stderr });
          failed ||= r.status !== 0;
        } else if (step.uses?.startsWith('actions/upload-artifact@')) {
          const from = path.join(dir, w.path!);
          if (!existsSync(from)) throw new Error(`workflow: ${label}: ${stepName}: nothing at ${w.path} (if-no-files-found: ${w['if-no-files-found'] ?? 'warn'})`);
          if (result.artifacts.has(w.name!)) throw new Error(`workflow: artifact ${w.name} uploaded twice`);
          const to = path.join(store, w.name!);
          cpSync(from, to, { recursive: true });
          result.artifacts.set(w.name!, to);
        } else if (step.uses?.startsWith('actions/download-artifact@')) {
          // v4 with a pattern and without merge-multiple: each artifact in <path>/<artifact name>/.
          if (!w.pattern || w['merge-multiple']) throw new Error(`workflow: ${label}: only download-artifact with a pattern is emulated`);
          const match = picomatch(w.pattern);
          const names = [...result.artifacts.keys()].filter((n) => match(n)).sort();
          for (const n of names) cpSync(result.artifacts.get(n)!, path.join(dir, w.path ?? '.', n), { recursive: true });
          mkdirSync(path.join(dir, w.path ?? '.'), { recursive: true });
        } else if (!ACTIONS.some((a) => step.uses?.startsWith(a))) {
          throw new Error(`workflow: ${label}: step ${stepName} (${step.uses}) is not emulated`);
        }
      }
    }
  }
  return result;
}
