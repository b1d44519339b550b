// `llm-report seal [run-dir]`: (re)write the seal of a directory: VERIFY.md, manifest.json,
// SHA256SUMS and the signature configured in `signing`. For outputs changed on purpose after the run
// (llm-report annotate, render, fold); the reporter seals its own output at the end of every run.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../config/index.js';
import { readSigningKey } from '../config/signing.js';
import { sealDir } from '../output/evidence.js';
import { dangerousDir } from '../output/output-dir.js';
import { commandArgs } from './args.js';
import type { CommandIO } from './io.js';

export const SEAL_HELP = `Usage: llm-report seal [run-dir]

Writes VERIFY.md, manifest.json (path, size, sha256, media type of every file), SHA256SUMS and,
when the configuration has signing.method, the signature over SHA256SUMS, for every file in
run-dir (default: output_dir of the configuration). The reporter does this at the end of every
run; use it after changing the outputs on purpose (llm-report annotate, render, fold), then check
with llm-report verify. Sealing re-signs whatever is in the directory: verify first if in doubt.

Options:
  --help   show this help

Exit status: 0 sealed; 1 signing configured but the key is unusable; 2 usage errors, a run-dir
that does not exist (nothing is created) or IO errors.`;

export function sealCommand(args: string[], io: CommandIO): number {
  const parsed = commandArgs(args, io, { command: 'seal', help: SEAL_HELP, options: {}, maxPositionals: 1 });
  if (typeof parsed === 'number') return parsed;
  const dir = parsed.positionals[0];
  let loaded;
  try {
    loaded = loadConfig({ cwd: io.cwd });
  } catch (err) {
    io.stderr(`llm-report seal: ${(err as Error).message}\n`);
    return 2;
  }
  const { config } = loaded;
  // Sealing an absent directory would create it and seal nothing: a typo must not produce "evidence".
  const target = dir ?? config.output_dir;
  const abs = path.resolve(io.cwd, target);
  let isDir: boolean;
  try {
    isDir = statSync(abs).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    io.stderr(`llm-report seal: cannot seal ${target}: ${code === 'ENOENT' ? 'no such directory' : (err as Error).message} (${abs})${dir === undefined ? '; give the run directory: llm-report seal <run-dir>' : ''}\n`);
    return 2;
  }
  if (!isDir) {
    io.stderr(`llm-report seal: cannot seal ${target}: not a directory (${abs})\n`);
    return 2;
  }
  // Sealing writes manifest.json, SHA256SUMS, VERIFY.md there: never into /, the home directory or the project.
  const danger = dangerousDir(abs, io.cwd);
  if (danger) {
    io.stderr(`llm-report seal: LLMR_OUTPUT_DIR_REFUSED: run-dir ${JSON.stringify(target)}: refused: ${danger}\n`);
    return 2;
  }
  let key;
  try {
    key = readSigningKey(config.signing, { cwd: io.cwd });
  } catch (err) {
    io.stderr(`llm-report seal: LLMR_EVIDENCE_SIGNING_FAILED: ${(err as Error).message}\n`);
    return 1;
  }
  let runId: string | undefined;
  try {
    const r = JSON.parse(readFileSync(path.join(abs, 'report.json'), 'utf8')) as { run?: { run_id?: unknown } };
    if (typeof r.run?.run_id === 'string') runId = r.run.run_id;
  } catch {
    // A directory without a readable report.json can still be sealed; VERIFY.md then names no run.
  }
  try {
    const res = sealDir(abs, { key, hmacKeyEnv: config.signing.key_env || undefined, runId });
    io.stdout(`sealed ${res.files} files in ${path.relative(io.cwd, abs) || '.'}${key ? ` (${key.method})` : ' (no signature: signing.method is none)'}\n`);
    return 0;
  } catch (err) {
    io.stderr(`llm-report seal: cannot seal ${target}: ${(err as Error).message}\n`);
    return 2;
  }
}
