// Helpers for the watch-mode suites: a `node --test --watch` run in its own process group, bounded
// waits (a watch run never ends by itself, so nothing may wait unbounded), in-place edits.
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cleanEnv, NODE } from './run.js';

/** Poll until `check` returns a value; fail (never hang) after `ms`, saying what was awaited. */
export async function waitFor<T>(what: string, ms: number, check: () => T | undefined | false): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function read(dir: string, file: string): string {
  const p = path.join(dir, file);
  return existsSync(p) ? readFileSync(p, 'utf8') : '';
}

/** Rewrite a file in place (same inode: what node's watcher follows on every version). */
export function edit(file: string, from: string, to: string): void {
  const text = readFileSync(file, 'utf8');
  assert.ok(text.includes(from), `${file} holds ${from}`);
  writeFileSync(file, text.replace(from, to));
}

export const runEnds = (stream: string): number => (stream.match(/"type":"run_end"/g) ?? []).length;

export interface WatchRun {
  child: ChildProcess;
  exited: Promise<number | null>;
  stderr: () => string;
  /** Signal node and every test child (its process group). */
  stop: (signal: NodeJS.Signals) => void;
}

/** `node --test --watch` with our reporter to stream.ndjson (and any more args), in its own process group. */
export function startWatch(dir: string, more: string[] = [], env: Record<string, string> = {}): WatchRun {
  const args = ['--test', '--watch', '--test-reporter=@org/llm-report', '--test-reporter-destination=stream.ndjson', ...more];
  const child = spawn(NODE, args, { cwd: dir, env: cleanEnv(env), stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  const stop = (signal: NodeJS.Signals): void => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // already gone
    }
  };
  return { child, exited, stderr: () => stderr, stop };
}
