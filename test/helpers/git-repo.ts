// Real git checkouts of fixture projects for the line <-> tests commands (affected, coverage of a
// change): git run without a shell, with a throwaway identity and `main` as the first branch.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cleanEnv, copyFixture, NODE } from './run.js';

export function git(dir: string, ...args: string[]): string {
  const r = spawnSync('git', ['-c', 'user.email=t@example.invalid', '-c', 'user.name=t', '-c', 'init.defaultBranch=main', ...args], { cwd: dir, encoding: 'utf8', env: cleanEnv() });
  assert.equal(r.status, 0, `git ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** A copy of a fixture committed as `base` on branch main; `ignored`: .gitignore lines (run outputs). */
export function gitFixture(name: string, ignored: string[], before?: (dir: string) => void): string {
  const dir = copyFixture(name);
  writeFileSync(path.join(dir, '.gitignore'), ['node_modules/', 'llm-report/', 'stream.ndjson', 'tap.txt', ...ignored].join('\n') + '\n');
  before?.(dir);
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'base');
  return dir;
}

/** The test files (of `files`) that fail in a full `node --test` run of the working tree, by node's own events. */
export function failingFiles(dir: string, files: string[]): string[] {
  const reporter = path.join(dir, '.failing-reporter.mjs');
  writeFileSync(reporter, "export default async function* (s) { for await (const e of s) if (e.type === 'test:fail' && e.data.file) yield e.data.file + '\\n'; }\n");
  const r = spawnSync(NODE, ['--test', `--test-reporter=${reporter}`, ...files], { cwd: dir, encoding: 'utf8', env: cleanEnv() });
  rmSync(reporter);
  return [...new Set(r.stdout.split('\n').filter(Boolean).map((f) => path.relative(dir, f).split(path.sep).join('/')))].sort();
}
