// Helpers for the evidence suites: the CLI as a child process or in-process, byte flips, the
// commands VERIFY.md documents, and a fixture copy with a signing key.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { runCli } from '../../lib/cli/run.js';
import { REPO, cleanEnv, copyFixture, runNodeTest, type RunResult } from './run.js';

export const CLI = path.join(REPO, 'dist', 'lib', 'cli', 'main.js');

/** `llm-report ...` in a child process (real argv, env and exit status). */
export function cli(args: string[], cwd: string, env: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [CLI, ...args], { cwd, env: cleanEnv(env), encoding: 'utf8', timeout: 60_000 });
}

/** `llm-report ...` in this process: the same command code, without a process start per call. */
export async function cliInProcess(args: string[], cwd: string): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await runCli(args, { cwd, stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { status, stdout, stderr };
}

/** Flip the lowest bit of one byte of a file in place. */
export function flipByte(file: string, at?: number): void {
  const b = readFileSync(file);
  const i = at ?? Math.floor(b.length / 2);
  b[i] = b[i]! ^ 0x01;
  writeFileSync(file, b);
}

export type Signing = 'none' | 'hmac' | 'ed25519' | 'ecdsa-p256';
export const HMAC_ENV = 'LAB_EVIDENCE_HMAC';
export const HMAC_KEY = 'hmac-canary-3f9c1e7a55b04d2c8a61e0f4b7d2c9aa';

/** The evidence fixture, signed as asked; the private key lives outside the output directory. */
export function runEvidenceFixture(signing: Signing, opts: { env?: Record<string, string>; bundle?: boolean } = {}): RunResult & { env: Record<string, string> } {
  const dir = copyFixture('evidence', { bundle: opts.bundle });
  const env: Record<string, string> = {};
  if (signing !== 'none') env.LLM_REPORT_SIGNING__METHOD = signing;
  if (signing === 'hmac') {
    env.LLM_REPORT_SIGNING__KEY_ENV = HMAC_ENV;
    env[HMAC_ENV] = HMAC_KEY;
  } else if (signing !== 'none') {
    const { privateKey } = signing === 'ed25519' ? generateKeyPairSync('ed25519') : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
    writeFileSync(path.join(dir, 'signing-key.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
    env.LLM_REPORT_SIGNING__KEY_FILE = 'signing-key.pem';
  }
  Object.assign(env, opts.env);
  if (opts.bundle) {
    // Zero-install: the test imports the API from the bundle copied next to it.
    const test = path.join(dir, 'test', 'dose.test.js');
    writeFileSync(test, readFileSync(test, 'utf8').replace("from '@org/llm-report/api'", "from '../llm-report.mjs'"));
  }
  const r = runNodeTest(dir, { env, reporter: opts.bundle ? './llm-report.mjs' : undefined });
  return { ...r, env };
}

export interface DocBlock {
  section: string;
  commands: string[];
  /** The "# ..." lines that follow the commands: what they print. */
  comments: string[];
}

/** The indented command blocks of VERIFY.md, by section. */
export function verifyDocBlocks(text: string): DocBlock[] {
  const blocks: DocBlock[] = [];
  let section = '';
  let cur: DocBlock | undefined;
  for (const line of text.split('\n')) {
    if (line.startsWith('## ')) section = line.slice(3);
    if (line.startsWith('    ')) {
      cur ??= { section, commands: [], comments: [] };
      const body = line.slice(4);
      if (body.startsWith('#')) cur.comments.push(body.replace(/^#\s*/, ''));
      else cur.commands.push(body);
    } else if (cur) {
      blocks.push(cur);
      cur = undefined;
    }
  }
  if (cur) blocks.push(cur);
  return blocks;
}

/** Run a documented block with sh in `cwd`. */
export function sh(commands: string[], cwd: string, env: Record<string, string> = {}): SpawnSyncReturns<string> {
  return spawnSync('sh', ['-c', commands.join('\n')], { cwd, env: cleanEnv(env), encoding: 'utf8', timeout: 60_000 });
}
