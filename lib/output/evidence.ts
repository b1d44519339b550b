// Evidence at the edges: what the reporter gathers when a run starts (git state, mapping, catalogue,
// metadata, lockfile, signing key) and the seal written last over the output directory (VERIFY.md,
// manifest.json, SHA256SUMS, signature). The decisions live in lib/evidence; this file does the IO.
import { closeSync, existsSync, lstatSync, openSync, readdirSync, readFileSync, readSync, realpathSync, statSync } from 'node:fs';
import { createHash } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { loadConfig, type Config } from '../config/index.js';
import { readSigningKey, type SigningKey } from '../config/signing.js';
import { TOOL_NAME, TOOL_VERSION } from '../generated/version.js';
import { warning, type WarningCode } from '../warnings.js';
import { CHAIN_START, chainStep, verifyChain, type ChainCheck } from '../evidence/chain.js';
import { DEPENDENCIES, DETACHED, HMAC_FILE, JOURNAL, JOURNAL_CHAIN, MANIFEST, PUBLIC_KEY, SHA256SUMS, SIGNATURE, VERIFY_MD, comparePaths, isSafePath, sha256Hex, type FileSet } from '../evidence/files.js';
import { buildManifest, manifestText, sha256sumsText, type FileDigests, type ManifestJournal } from '../evidence/manifest.js';
import { describeSeal, publicKeyPem, signSums } from '../evidence/sign.js';
import { verifyDoc } from '../evidence/verify-doc.js';
import { readTar } from '../evidence/tar.js';
import { isAddendumPath } from '../evidence/addenda.js';
import { InputError } from '../evidence/source.js';
import { mappedRequirements, mergeRequirements, parseCatalogue, parseMapping, unmatchedRules, type Mapping } from '../evidence/requirements.js';
import { parseMetadata } from '../evidence/metadata.js';
import { dependencySnapshot, dirtyPaths, gitInfo, snapshotText } from '../evidence/provenance.js';
import { runGit } from '../git.js';
import { writeAtomic } from './write.js';
import { removeIn } from './safe-fs.js';
import type { GitInfo, Integrity, Provenance, RunStartLine, TestLine, Warning } from '../types.js';

export interface EvidenceSetup {
  /** Added to the run_start line. */
  start: Pick<RunStartLine, 'provenance' | 'custom_metadata' | 'requirements_catalogue'>;
  mapping?: Mapping;
  key?: SigningKey;
  hmacKeyEnv?: string;
  integrity: Integrity;
  /** dependencies.json, when dependency_snapshot is on and the lockfile was read. */
  dependencies?: string;
  warnings: Warning[];
  /** Signing was asked for but cannot be done: the run must not pass as sealed. */
  problem?: string;
  /** Reporter destinations inside the output directory (relative): node writes them after the seal. */
  unsealable: string[];
}

const rel = (root: string, abs: string): string => path.relative(root, abs).split(path.sep).join('/');

/** git sha and dirty flag of the work tree holding `root`; undefined outside git (or without git). */
export function readGit(root: string, ownDirs: string[]): GitInfo | undefined {
  const git = (args: string[]): string | undefined => {
    // --no-optional-locks: `git status` must not write the index while tests run.
    const r = runGit(root, ['--no-optional-locks', ...args], 20_000);
    return r.ok ? r.out : undefined;
  };
  const head = git(['rev-parse', '--show-toplevel', 'HEAD'])?.trim().split('\n');
  if (!head || head.length !== 2 || !/^[0-9a-f]{40,64}$/.test(head[1]!)) return undefined;
  const top = head[0]!;
  const status = git(['-c', 'core.quotepath=off', 'status', '--porcelain=v1', '-z', '--untracked-files=all']);
  if (status === undefined) return undefined;
  let realRoot = root;
  try {
    realRoot = realpathSync(root);
  } catch {
    // keep root as given
  }
  const ignore = ownDirs.map((d) => rel(top, path.resolve(realRoot, d)));
  return gitInfo(head[1]!, dirtyPaths(status, ignore));
}

function readInput(root: string, file: string): { text: string; sha256: string } {
  let text: string;
  try {
    text = readFileSync(path.resolve(root, file), 'utf8');
  } catch (err) {
    throw new InputError(`cannot read (${(err as NodeJS.ErrnoException).code ?? String(err)})`, file);
  }
  return { text, sha256: sha256Hex(text) };
}

/** Files node's reporters write to (--test-reporter-destination), absolute. */
export function reporterDestinations(argv: string[], cwd: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const m = /^--test-reporter-destination(?:=(.*))?$/.exec(argv[i]!);
    if (!m) continue;
    const v = m[1] ?? argv[++i] ?? '';
    if (v && v !== 'stdout' && v !== 'stderr') out.push(path.resolve(cwd, v));
  }
  return out;
}

/** Everything the evidence needs from the start of the run. Never throws: problems become warnings. */
export function prepareEvidence(opts: { root: string; outDir: string; redact: (s: string) => string; journal: boolean }): EvidenceSetup {
  const warnings: Warning[] = [];
  const setup: EvidenceSetup = { start: {}, integrity: { sha256sums: true, ...(opts.journal ? { journal_chain: true } : {}) }, warnings, unsealable: [] };
  setup.unsealable = reporterDestinations([...process.execArgv, ...process.argv.slice(1)], opts.root)
    .map((d) => rel(opts.outDir, d))
    .filter((d) => d !== '' && !d.startsWith('..') && !path.isAbsolute(d));
  let config: Config;
  try {
    config = loadConfig({ cwd: opts.root }).config;
  } catch (err) {
    setup.problem = `configuration: ${(err as Error).message}`;
    return setup; // the reporter has reported the configuration error already
  }
  const provenance: Provenance = { os: { type: os.type(), release: os.release() } };
  const git = readGit(opts.root, [rel(opts.root, opts.outDir) || '.', config.llm.cache.dir]);
  if (git) provenance.git = git;
  const responsible = { ...(config.responsible.name ? { name: config.responsible.name } : {}), ...(config.responsible.role ? { role: config.responsible.role } : {}) };
  if (Object.keys(responsible).length) provenance.responsible = responsible;
  const inputs: NonNullable<Provenance['inputs']> = [];
  const attempt = (code: WarningCode, file: string, what: string, run: (text: string) => void, kind: NonNullable<Provenance['inputs']>[number]['kind']): void => {
    try {
      const input = readInput(opts.root, file);
      run(input.text);
      inputs.push({ kind, path: file, sha256: input.sha256 });
    } catch (err) {
      const e = err instanceof InputError ? err : new InputError((err as Error).message, file);
      warnings.push(warning(code, `${what} not used: ${e.message}`, { file: e.file, ...(e.line ? { line: e.line } : {}) }));
    }
  };
  if (config.requirements.mapping) attempt('LLMR_TRACE_MAPPING_INVALID', config.requirements.mapping, 'requirements mapping', (t) => (setup.mapping = parseMapping(t, config.requirements.mapping)), 'requirements_mapping');
  if (config.requirements.catalogue) attempt('LLMR_TRACE_CATALOGUE_INVALID', config.requirements.catalogue, 'requirements catalogue', (t) => (setup.start.requirements_catalogue = parseCatalogue(t, config.requirements.catalogue)), 'requirements_catalogue');
  if (config.metadata_file) attempt('LLMR_EVIDENCE_METADATA_INVALID', config.metadata_file, 'metadata file', (t) => (setup.start.custom_metadata = parseMetadata(t, config.metadata_file, opts.redact)), 'metadata');
  if (config.dependency_snapshot) {
    const lockfile = ['npm-shrinkwrap.json', 'package-lock.json'].find((f) => existsSync(path.join(opts.root, f)));
    if (!lockfile) warnings.push(warning('LLMR_EVIDENCE_NO_LOCKFILE', 'dependency_snapshot is on, but there is no package-lock.json (or npm-shrinkwrap.json) in the working directory: no dependencies.json'));
    else {
      attempt('LLMR_EVIDENCE_NO_LOCKFILE', lockfile, 'dependency snapshot', (t) => {
        const snap = dependencySnapshot(t, lockfile);
        setup.dependencies = snapshotText(snap);
        provenance.dependencies = { file: DEPENDENCIES, sha256: sha256Hex(setup.dependencies), packages: snap.packages.length };
      }, 'lockfile');
    }
  }
  if (inputs.length) provenance.inputs = inputs.sort((a, b) => (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
  setup.start.provenance = provenance;
  try {
    setup.key = readSigningKey(config.signing, { cwd: opts.root });
  } catch (err) {
    setup.problem = (err as Error).message;
    warnings.push(warning('LLMR_EVIDENCE_SIGNING_FAILED', `${setup.problem}; the evidence set is not signed`));
  }
  if (config.signing.key_env) setup.hmacKeyEnv = config.signing.key_env;
  if (setup.key) {
    const seal = describeSeal(setup.key);
    if (seal.algorithm === 'hmac-sha256') setup.integrity.hmac = { algorithm: 'hmac-sha256', key_id: seal.key_fingerprint };
    else setup.integrity.signature = { algorithm: seal.algorithm, key_fingerprint: seal.key_fingerprint };
  }
  return setup;
}

/** Requirement ids for a test line: those it declared plus those the mapping gives it. */
export function withMapped(setup: EvidenceSetup, line: TestLine): void {
  if (!setup.mapping) return;
  const merged = mergeRequirements(line.requirements, mappedRequirements(setup.mapping, line));
  if (merged) line.requirements = merged;
}

export function endWarnings(setup: EvidenceSetup): Warning[] {
  return setup.mapping ? unmatchedRules(setup.mapping) : [];
}

/** Inputs that are artifacts of the run (dependencies.json), written before the report. */
export function writeEvidenceInputs(dir: string, setup: EvidenceSetup): void {
  if (setup.dependencies !== undefined) writeAtomic(path.join(dir, DEPENDENCIES), setup.dependencies);
  else removeIn(dir, DEPENDENCIES);
}

/** Regular files under `dir` (relative POSIX paths, in order), our temp files left out, each given to `visit`. */
function eachFile(dir: string, skip: (rel: string, abs: string) => boolean, visit: (rel: string, abs: string) => void): void {
  const walk = (sub: string): void => {
    for (const entry of readdirSync(path.join(dir, sub), { withFileTypes: true }).sort((a, b) => comparePaths(a.name, b.name))) {
      const relPath = sub ? `${sub}/${entry.name}` : entry.name;
      const abs = path.join(dir, relPath);
      if (entry.isDirectory()) walk(relPath);
      else if (/\.tmp-\d+$/.test(entry.name)) continue; // an atomic write in progress (or a crashed one)
      else if (!entry.isFile()) throw new Error(`${relPath}: not a regular file (${lstatSync(abs).isSymbolicLink() ? 'a symbolic link' : 'special'}); an evidence set holds regular files only`);
      else if (!isSafePath(relPath)) throw new Error(`${relPath}: a file name that cannot be listed safely`);
      else if (!skip(relPath, abs)) visit(relPath, abs);
    }
  };
  walk('');
}

/** Regular files under `dir` as a FileSet (relative POSIX paths), our temp files left out. */
export function readFileSet(dir: string, skip: (rel: string, abs: string) => boolean = () => false): FileSet {
  const files: FileSet = new Map();
  eachFile(dir, skip, (rel, abs) => files.set(rel, readFileSync(abs)));
  return files;
}

/** Files are read in pieces of this size: the seal never holds a whole report in memory. */
const READ_BYTES = 1 << 18;

/** The pieces of a file, read into `buf` (each piece is valid until the next is read). */
function* pieces(file: string, buf: Buffer): Generator<Buffer> {
  const fd = openSync(file, 'r');
  try {
    for (let n = readSync(fd, buf, 0, buf.length, null); n > 0; n = readSync(fd, buf, 0, buf.length, null)) yield buf.subarray(0, n);
  } finally {
    closeSync(fd);
  }
}

/** Like readFileSet, but each file's size and sha256, computed as it is read in pieces. */
function digestFileSet(dir: string, skip: (rel: string, abs: string) => boolean): FileDigests {
  const files: FileDigests = new Map();
  // One buffer for every file: a buffer per file would stay in memory until a collection frees it.
  const buf = Buffer.allocUnsafe(READ_BYTES);
  eachFile(dir, skip, (rel, abs) => {
    const hash = createHash('sha256');
    let size = 0;
    for (const piece of pieces(abs, buf)) {
      hash.update(piece);
      size += piece.length;
    }
    files.set(rel, { size, sha256: hash.digest('hex') });
  });
  return files;
}

/** The lines of a file with their "\n" (the last one without, if it has none). */
function* fileLines(file: string): Generator<Buffer> {
  let carry: Buffer | undefined;
  for (const piece of pieces(file, Buffer.allocUnsafe(READ_BYTES))) {
    let start = 0;
    for (let i = piece.indexOf(10); i !== -1; i = piece.indexOf(10, start)) {
      const line = piece.subarray(start, i + 1);
      yield carry ? Buffer.concat([carry, line]) : line;
      carry = undefined;
      start = i + 1;
    }
    // The rest is copied: the buffer is reused for the next piece.
    if (start < piece.length) carry = carry ? Buffer.concat([carry, piece.subarray(start)]) : Buffer.from(piece.subarray(start));
  }
  if (carry) yield carry;
}

/**
 * verifyChain over the journal and its chain as files, read line by line: a sound journal is checked
 * without holding it (or a Buffer per record) in memory. At the first thing amiss, both files are read
 * whole and verifyChain gives its account of the damage.
 */
function checkJournal(journal: string, chain: string): ChainCheck {
  const records = fileLines(journal);
  const links = fileLines(chain);
  let head = CHAIN_START;
  for (let k = 1; ; k++) {
    const rec = records.next();
    const link = links.next();
    if (rec.done && link.done) return { ok: true, records: k - 1, head };
    if (rec.done || link.done || rec.value[rec.value.length - 1] !== 10) break;
    const m = /^(\d+) ([0-9a-f]{64})\n$/.exec(link.value.toString('latin1'));
    if (!m || Number(m[1]) !== k || chainStep(head, rec.value) !== m[2]) break;
    head = m[2]!;
  }
  records.return(undefined);
  links.return(undefined);
  return verifyChain(readFileSync(journal), readFileSync(chain));
}

export interface SealResult {
  files: number;
  /** Files older than the run, left out of the seal. */
  stale: string[];
  journal?: ManifestJournal;
}

/**
 * Seal `dir`: VERIFY.md and the public key, then manifest.json over every file, then SHA256SUMS, then
 * the signature. With `since` (ms), files not written since then are stale leftovers of an earlier run
 * and are left out. Throws on IO errors.
 */
export function sealDir(dir: string, opts: { key?: SigningKey; hmacKeyEnv?: string; runId?: string; since?: number; exclude?: string[] }): SealResult {
  for (const f of [SHA256SUMS, SIGNATURE, HMAC_FILE, PUBLIC_KEY, MANIFEST, VERIFY_MD]) removeIn(dir, f);
  const seal = opts.key ? describeSeal(opts.key) : undefined;
  if (opts.key && opts.key.method !== 'hmac') writeAtomic(path.join(dir, PUBLIC_KEY), publicKeyPem(opts.key.key));
  const journal = existsSync(path.join(dir, JOURNAL)) && existsSync(path.join(dir, JOURNAL_CHAIN));
  writeAtomic(path.join(dir, VERIFY_MD), verifyDoc({ tool: { name: TOOL_NAME, version: TOOL_VERSION }, run_id: opts.runId, signature: seal, hmacKeyEnv: opts.hmacKeyEnv, journal }));
  const stale: string[] = [];
  const since = opts.since;
  const files = digestFileSet(dir, (p, abs) => {
    // addenda/ are sealed sets of their own, added later: the run's seal never covers (or rewrites) them.
    if (DETACHED.has(p) || p === MANIFEST || opts.exclude?.includes(p) || isAddendumPath(p)) return true;
    // 2 s of slack for file systems with coarse timestamps.
    if (since !== undefined && statSync(abs).mtimeMs < since - 2000) {
      stale.push(p);
      return true;
    }
    return false;
  });
  let chain: ManifestJournal | undefined;
  if (journal && files.has(JOURNAL) && files.has(JOURNAL_CHAIN)) {
    const res = checkJournal(path.join(dir, JOURNAL), path.join(dir, JOURNAL_CHAIN));
    if (!res.ok) throw new Error(`${res.file}: ${res.reason} (record ${res.record}); not sealing a broken journal`);
    chain = { file: JOURNAL, chain: JOURNAL_CHAIN, records: res.records, head: res.head };
  }
  const doc = buildManifest(files, { run_id: opts.runId, journal: chain, signature: seal });
  const manifestBytes = Buffer.from(manifestText(doc));
  writeAtomic(path.join(dir, MANIFEST), manifestBytes);
  const sums = Buffer.from(sha256sumsText(doc, manifestBytes));
  writeAtomic(path.join(dir, SHA256SUMS), sums);
  if (opts.key) writeAtomic(path.join(dir, seal!.file), signSums(opts.key, sums));
  return { files: doc.files.length + 1, stale, journal: chain };
}

/** An evidence set from a directory or a tar bundle (detected by content, not by name). */
export async function readEvidence(target: string): Promise<{ files: FileSet; kind: 'directory' | 'bundle' }> {
  const st = statSync(target);
  if (st.isDirectory()) return { files: readFileSet(target), kind: 'directory' };
  const bytes = readFileSync(target);
  // ustar magic at offset 257 ("ustar\0" POSIX, "ustar " GNU).
  if (bytes.length < 512 || bytes.subarray(257, 262).toString('latin1') !== 'ustar') throw new Error(`${target}: neither a directory nor a tar archive`);
  return { files: await readTar(bytes), kind: 'bundle' };
}
