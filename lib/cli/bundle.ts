// `llm-report bundle [run-dir] --out file.tar`: the sealed evidence set as one uncompressed,
// reproducible tar (same run -> same bytes, whatever the time zone, locale or umask). Refuses a set
// that does not verify, so a bundle never carries evidence that was changed after sealing.
import path from 'node:path';
import { loadConfig } from '../config/index.js';
import { hmacKeyFromEnv } from '../config/signing.js';
import { sourceDateEpoch } from '../config/internal-env.js';
import { DETACHED, SHA256SUMS, sha256Hex, type FileSet } from '../evidence/files.js';
import { parseSha256sums } from '../evidence/manifest.js';
import { packTar } from '../evidence/tar.js';
import { verifyEvidence } from '../evidence/verify.js';
import { isAddendumPath } from '../evidence/addenda.js';
import { readFileSet } from '../output/evidence.js';
import { writeAtomic } from '../output/write.js';
import { commandArgs } from './args.js';
import type { CommandIO } from './io.js';

export const BUNDLE_HELP = `Usage: llm-report bundle [run-dir] [--out FILE.tar]

Packs a sealed run directory (default: output_dir of the configuration, llm-report) into one
uncompressed tar: report.json, report.html, results.ndjson, report.pdf when present, coverage
(lcov), dependencies.json, requirements.csv, the journal and its chain, manifest.json, SHA256SUMS,
the signature and VERIFY.md. It verifies the directory first and refuses to pack a set that fails.

The archive is reproducible: entries sorted by path, mtime SOURCE_DATE_EPOCH (or the run's start),
uid/gid 0, empty owner names, mode 0644. Hash and sign the .tar itself; compress only for transport.
Extract with: mkdir ev && tar -xf FILE.tar -C ev

Options:
  --out FILE   the archive to write (default: evidence-<run_id>.tar)
  --help       show this help

Prints "<sha256>  FILE" (sha256sum format). Exit status: 0 written; 1 the set does not verify;
2 usage errors or unreadable input.`;

function runStart(files: FileSet): { runId?: string; startedAt?: string } {
  const report = files.get('report.json');
  if (!report) return {};
  try {
    const r = JSON.parse(report.toString('utf8')) as { run?: { run_id?: unknown; started_at?: unknown } };
    return { runId: typeof r.run?.run_id === 'string' ? r.run.run_id : undefined, startedAt: typeof r.run?.started_at === 'string' ? r.run.started_at : undefined };
  } catch {
    return {};
  }
}

export async function bundleCommand(args: string[], io: CommandIO): Promise<number> {
  const parsed = commandArgs(args, io, { command: 'bundle', help: BUNDLE_HELP, options: { out: { type: 'string', needs: 'a file name' } } });
  if (typeof parsed === 'number') return parsed;
  let dir = parsed.positionals[0];
  const out = parsed.values.out;
  if (parsed.positionals.length > 1) {
    io.stderr(`llm-report bundle: one run directory at a time\n`);
    return 2;
  }
  if (out === '') {
    io.stderr(`llm-report bundle: --out needs a file name\n`);
    return 2;
  }
  let keyEnv: string | undefined;
  try {
    const { config } = loadConfig({ cwd: io.cwd });
    dir ??= config.output_dir;
    keyEnv = config.signing.key_env || undefined;
  } catch (err) {
    if (dir === undefined) {
      io.stderr(`llm-report bundle: no run directory given and the configuration is unusable: ${(err as Error).message}\n`);
      return 2;
    }
  }
  const abs = path.resolve(io.cwd, dir);
  let files: FileSet;
  try {
    files = readFileSet(abs);
  } catch (err) {
    io.stderr(`llm-report bundle: cannot read ${dir}: ${(err as Error).message}\n`);
    return 2;
  }
  const hmacKey = keyEnv ? hmacKeyFromEnv(keyEnv) : undefined;
  const check = verifyEvidence(files, hmacKey ? { hmacKey } : {});
  // An HMAC seal without its key here is packed as is: the auditor checks it with the key.
  const real = check.failures.filter((f) => !f.unchecked && !f.extra);
  for (const f of check.failures.filter((x) => x.extra)) io.stderr(`llm-report bundle: ${f.file} is not sealed (added after sealing?); left out\n`);
  if (real.length) {
    for (const f of real) io.stderr(`FAIL  ${f.file}: ${f.message}\n`);
    io.stderr(`llm-report bundle: ${dir} does not verify; not bundling it (${SHA256SUMS} missing? run llm-report seal ${dir})\n`);
    return 1;
  }
  // Exactly the sealed files: SHA256SUMS' list and the detached seal files, and the addenda (each a
  // sealed set of its own, verified above).
  const listed = new Set(parseSha256sums(files.get(SHA256SUMS)!.toString('utf8')).entries.map((e) => e.path));
  const set: FileSet = new Map([...files].filter(([p]) => listed.has(p) || DETACHED.has(p) || isAddendumPath(p)));
  const { runId, startedAt } = runStart(files);
  const epoch = sourceDateEpoch();
  const mtime = new Date(epoch ?? (startedAt ? Date.parse(startedAt) : NaN));
  if (Number.isNaN(mtime.getTime())) {
    io.stderr(`llm-report bundle: no SOURCE_DATE_EPOCH and no readable run.started_at in ${dir}/report.json: the archive time would not be reproducible\n`);
    return 2;
  }
  // Whole seconds, as tar stores them: the same run gives the same header on every machine.
  mtime.setUTCMilliseconds(0);
  const tar = await packTar(set, mtime);
  const target = out ?? `evidence-${(runId ?? 'run').replace(/[^A-Za-z0-9._-]/g, '_')}.tar`;
  try {
    writeAtomic(path.resolve(io.cwd, target), tar);
  } catch (err) {
    io.stderr(`llm-report bundle: cannot write ${target}: ${(err as Error).message}\n`);
    return 2;
  }
  io.stdout(`${sha256Hex(tar)}  ${target}\n`);
  return 0;
}
