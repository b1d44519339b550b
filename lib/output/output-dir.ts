// Which directories llm-report may write its outputs into (DESIGN.md invariant 6). Refused: `/`, the
// home directory, the project (working directory, git top level) and any directory above them, and a
// non-empty directory this tool did not create. Ownership is a marker file written when a directory is
// claimed; a directory that holds nothing but files this tool writes (an output directory of an
// earlier version, or the stream file node opened in it before the reporter ran) is claimed too.
import { existsSync, lstatSync, readdirSync, realpathSync, rmSync, unlinkSync, type Stats } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DEPENDENCIES, HMAC_FILE, JOURNAL, JOURNAL_CHAIN, MANIFEST, PUBLIC_KEY, REQUIREMENTS_CSV, SHA256SUMS, SIGNATURE, VERIFY_MD } from '../evidence/files.js';
import { writeIn } from './safe-fs.js';

/** The marker file that says "llm-report owns this directory"; rewritten at every claim, so sealed with the rest. */
export const OUTPUT_MARKER = '.llm-report-output';
const MARKER_TEXT = JSON.stringify({ tool: '@org/llm-report', note: 'llm-report writes its outputs here and may replace any file in this directory' }) + '\n';

/** Names llm-report writes at the top of an output directory. */
export const OWN_FILES: ReadonlySet<string> = new Set([
  JOURNAL, JOURNAL_CHAIN, 'results.ndjson', 'report.json', 'report.html', 'report.pdf', 'inventory.json',
  REQUIREMENTS_CSV, DEPENDENCIES, MANIFEST, SHA256SUMS, VERIFY_MD, SIGNATURE, HMAC_FILE, PUBLIC_KEY, OUTPUT_MARKER,
]);
const OWN_COVERAGE: ReadonlySet<string> = new Set(['lcov.info', 'coverage-final.json']);
const TEMP = /\.tmp-\d+$/;

export class OutputDirError extends Error {
  readonly code = 'LLMR_OUTPUT_DIR_REFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'OutputDirError';
  }
}

export interface ClaimOptions {
  /** How the user chose the directory, for the error: `output_dir`, `--out`, ... */
  option: string;
  /** The project: the working directory (its git top level is protected too). */
  cwd: string;
  /** Files the directory may hold besides ours (relative POSIX), e.g. the stream destination node opened there. */
  allowed?: readonly string[];
  /** A new report.json goes here (a run, a fold, an aggregate): the addenda of the previous one go. */
  newReport?: boolean;
}

function real(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    // Not there (yet): its nearest existing parent, resolved, with the rest appended.
    const parent = path.dirname(p);
    return parent === p ? p : path.join(real(parent), path.basename(p));
  }
}

/** The git work tree holding `dir` (nearest parent with a .git entry), or undefined. */
function gitTop(dir: string): string | undefined {
  for (let d = dir; ; d = path.dirname(d)) {
    if (existsSync(path.join(d, '.git'))) return d;
    if (path.dirname(d) === d) return undefined;
  }
}

const within = (inner: string, outer: string): boolean => {
  const r = path.relative(outer, inner);
  return r === '' || (!r.startsWith('..') && !path.isAbsolute(r));
};

/** Why `dir` may never be an output directory (`/`, home, the project or above), or undefined. */
export function dangerousDir(dir: string, cwd: string): string | undefined {
  const target = real(dir);
  const project = real(cwd);
  const protectedDirs: Array<[string, string]> = [
    [path.parse(target).root, 'the file system root'],
    [real(os.homedir()), 'the home directory'],
    [project, 'the project directory (the working directory)'],
  ];
  const top = gitTop(project);
  if (top) protectedDirs.push([real(top), 'the git work tree of the project']);
  for (const [p, what] of protectedDirs) {
    if (target === p) return `it is ${what}`;
    if (within(p, target)) return `it holds ${what} (${p})`;
  }
  return undefined;
}

/** Entries of `dir` that llm-report did not write (relative POSIX paths, sorted), at most `limit`. */
function foreignEntries(dir: string, allowed: ReadonlySet<string>, limit = 5): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (out.length >= limit) break;
    if (OWN_FILES.has(name) || TEMP.test(name) || allowed.has(name)) continue;
    if (name === 'coverage') {
      const st = lstatSync(path.join(dir, name));
      if (st.isSymbolicLink()) continue; // replaced by a real directory when coverage is written
      if (st.isDirectory()) {
        const inner = readdirSync(path.join(dir, name)).filter((n) => !OWN_COVERAGE.has(n) && !TEMP.test(n) && !allowed.has(`coverage/${n}`));
        out.push(...inner.sort().map((n) => `coverage/${n}`));
        continue;
      }
    }
    out.push(name);
  }
  return out.slice(0, limit);
}

/**
 * Check that llm-report may write into `dir` and claim it (create it, write the marker). Throws
 * OutputDirError naming the option and the path; other IO errors pass through.
 */
export function claimOutputDir(dir: string, opts: ClaimOptions): void {
  const shown = `${opts.option} ${JSON.stringify(dir)}`;
  const danger = dangerousDir(dir, opts.cwd);
  if (danger) throw new OutputDirError(`${shown}: refused as an output directory: ${danger}; llm-report replaces files there. Choose a directory of its own, e.g. llm-report`);
  let st: Stats | undefined;
  try {
    st = lstatSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  if (st && !st.isDirectory() && !(st.isSymbolicLink() && existsSync(path.join(dir, '.')))) throw new OutputDirError(`${shown}: exists and is not a directory`);
  if (st && !existsSync(path.join(dir, OUTPUT_MARKER))) {
    const foreign = foreignEntries(dir, new Set(opts.allowed ?? []));
    if (foreign.length > 0) {
      throw new OutputDirError(
        `${shown}: refused as an output directory: it is not empty (${foreign.join(', ')}${foreign.length >= 5 ? ', ...' : ''}) and llm-report did not create it (no ${OUTPUT_MARKER} file). ` +
          `Choose a new or empty directory, or create ${OUTPUT_MARKER} in it to let llm-report replace files there`,
      );
    }
  }
  // Links planted at our names go now (the links only; what they point to is untouched): nothing this
  // run writes, seals or bundles can follow one, even a name this run does not write (report.pdf).
  for (const name of [...OWN_FILES, 'coverage', ...[...OWN_COVERAGE].map((n) => `coverage/${n}`)]) removeLink(path.join(dir, name));
  // Addenda annotate the report.json whose sha256 they name: beside a new report they would only fail
  // verify ("another run"). A link planted there is removed as a link, never followed.
  if (opts.newReport) rmSync(path.join(dir, 'addenda'), { recursive: true, force: true });
  writeIn(dir, OUTPUT_MARKER, MARKER_TEXT);
}

function removeLink(p: string): void {
  try {
    if (lstatSync(p).isSymbolicLink()) unlinkSync(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT' && (err as NodeJS.ErrnoException).code !== 'ENOTDIR') throw err;
  }
}
