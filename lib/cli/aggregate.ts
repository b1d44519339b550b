// `llm-report aggregate <inputs...>`: one report from several runs (the shards of a CI matrix, reruns,
// history). IO only: find and read the inputs, hand them to lib/aggregate, write the outputs.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { readRegular } from '../read-regular.js';
import { aggregate, AggregateError, POLICIES, readSource, type Source, type SourceMeta } from '../aggregate/index.js';
import { emitGithub } from '../ci/github.js';
import { changesBase } from '../config/ci-env.js';
import { changesForRun, describeChanges, refProblem } from './changes.js';
import { ConfigError, loadConfig, type Config } from '../config/index.js';
import { readSigningKey, type SigningKey } from '../config/signing.js';
import { describeSeal } from '../evidence/sign.js';
import { sealDir } from '../output/evidence.js';
import { writeRun } from '../output/write.js';
import { claimOut } from './out-dir.js';
import { redactRecord } from '../redact/index.js';
import { cliRedactors } from './redactors.js';
import type { AggregatePolicy, CoverageLine, Integrity } from '../types.js';
import { commandArgs, usageError } from './args.js';
import type { CommandIO } from './io.js';

export const AGGREGATE_HELP = `Usage: llm-report aggregate <input...> [--out DIR] [--policy merge|latest|all]

Aggregates several runs into one report: DIR/report.json, report.html, results.ndjson and, when
the runs measured coverage, coverage/lcov.info (the union of their whole-run coverage); the PDF
too when configured (options html, pdf, chromium_path of the configuration in this directory).
The output is sealed like a run's (VERIFY.md, manifest.json, SHA256SUMS, and the signature when
the configuration has signing), so llm-report verify and llm-report bundle work on it.

An input is a run directory (holding results.ndjson, report.json or journal.ndjson), a directory
searched for run directories (e.g. the downloaded artifacts of every shard), a results.ndjson (or
any saved NDJSON stream) or a report.json. Each input is one group: the runs found under one
directory are the shards of one run. The output directory is never read as an input, and aggregate
outputs found while searching a directory are skipped.

Policies:
  merge    (default) every input is a shard of ONE run: the union of their tests. A test in two
           shards is reported (LLMR_AGG_OVERLAP / LLMR_AGG_CONFLICT: the worse outcome is kept);
           missing --test-shard=i/n shards make the aggregate incomplete (LLMR_AGG_SHARDS).
  latest   each input is a run: per test, the result of the newest run (by start time, then the
           order of the inputs).
  all      each input is a run: every result of every run is kept, attributed to its run.

Under every policy a test whose outcome differs across runs or attempts (or that node's
--test-rerun-failures passed only on a later attempt) gets "flaky": true and its "history".
Sources are listed with their sha256 in "aggregate"; schema versions are checked (a newer or
foreign schema_version is an error naming the file); a run id given twice with different
content is an error. Under GITHUB_ACTIONS=true, failures are annotated and the Markdown summary
is appended to $GITHUB_STEP_SUMMARY.

Options:
  --out DIR        output directory (default: llm-report-aggregate)
  --policy NAME    merge | latest | all (default: merge)
  --base REF       add the coverage of the change since REF (a git ref) to report.json (default:
                   option changes.base; on a GitHub pull request origin/<base branch>)
  --no-annotations under GitHub Actions, write the job summary but no annotations (when
                   the shard jobs annotated their failures already)
  --help           show this help

Exit status: 0 when the aggregate passed; 1 when it failed, is incomplete or was aborted;
2 on usage errors or inputs that cannot be used.`;

const RUN_FILES = ['results.ndjson', 'report.json', 'journal.ndjson'] as const;
const SKIP_DIRS = new Set(['node_modules', '.git']);

const posix = (p: string): string => p.split(path.sep).join('/');
const inside = (child: string, parent: string): boolean => child === parent || child.startsWith(parent + path.sep);

interface Found {
  file: string;
  /** Found while searching a directory (not named on the command line). */
  searched: boolean;
}

/** The file to read in a run directory: the canonical lines first, the report next, a (crashed) journal last. */
function runFile(dir: string): string | undefined {
  for (const name of RUN_FILES) if (existsSync(path.join(dir, name))) return path.join(dir, name);
  return undefined;
}

function searchRuns(dir: string, out: string, found: Found[]): void {
  const own = runFile(dir);
  if (own) found.push({ file: own, searched: true });
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    if (!entry.isDirectory() || SKIP_DIRS.has(entry.name)) continue;
    const sub = path.join(dir, entry.name);
    if (inside(sub, out)) continue;
    searchRuns(sub, out, found);
  }
}

function resolveInput(arg: string, cwd: string, out: string): Found[] {
  const abs = path.resolve(cwd, arg);
  if (!existsSync(abs)) throw new AggregateError('no such file or directory', arg);
  if (inside(abs, out)) throw new AggregateError(`is inside the output directory ${posix(path.relative(cwd, out)) || '.'}; aggregate never reads its own output`, arg);
  if (!statSync(abs).isDirectory()) return [{ file: abs, searched: false }];
  const direct = runFile(abs);
  if (direct) return [{ file: direct, searched: false }];
  const found: Found[] = [];
  searchRuns(abs, out, found);
  if (found.length === 0) throw new AggregateError(`holds no run: no ${RUN_FILES.join(', ')} in it or below it`, arg);
  return found;
}

/** An aggregate's output met while searching a directory: its runs are (or should be) inputs themselves. */
function isAggregateOutput(source: Source): boolean {
  const start = source.lines.find((l) => l.type === 'run_start');
  return start?.type === 'run_start' && start.aggregate !== undefined;
}

const SPEC = {
  command: 'aggregate',
  help: AGGREGATE_HELP,
  options: {
    out: { type: 'string', needs: 'a directory' },
    policy: { type: 'string', needs: `a policy (${POLICIES.join(', ')})` },
    'no-annotations': { type: 'boolean' },
    base: { type: 'string', needs: 'a git ref' },
  },
} as const;

export function aggregateCommand(args: string[], io: CommandIO): number {
  const parsed = commandArgs(args, io, SPEC);
  if (typeof parsed === 'number') return parsed;
  const outArg = parsed.values.out ?? 'llm-report-aggregate';
  const policyArg = parsed.values.policy ?? 'merge';
  const annotate = !parsed.values['no-annotations'];
  const inputs = parsed.positionals;
  if (!POLICIES.includes(policyArg as AggregatePolicy)) return usage(io, `unknown policy "${policyArg}" (one of ${POLICIES.join(', ')})`);
  if (inputs.length === 0) return usage(io, 'no inputs');
  const badRef = parsed.values.base === undefined ? undefined : refProblem(parsed.values.base);
  if (badRef) return usage(io, `--base: ${badRef}`);
  if (!outArg) return usage(io, '--out needs a directory');
  const policy = policyArg as AggregatePolicy;
  const out = path.resolve(io.cwd, outArg);
  const startedMs = Date.now();
  let config: Config;
  try {
    config = loadConfig({ cwd: io.cwd }).config;
  } catch (err) {
    if (err instanceof ConfigError) return fail(io, err.message);
    throw err;
  }
  // Sealed like a run's output: SHA256SUMS and manifest.json always, the signature when `signing` says so.
  let key: SigningKey | undefined;
  try {
    key = readSigningKey(config.signing, { cwd: io.cwd });
  } catch (err) {
    io.stderr(`llm-report aggregate: LLMR_EVIDENCE_SIGNING_FAILED: ${(err as Error).message}\n`);
    return 1;
  }
  const integrity: Integrity = { sha256sums: true };
  if (key) {
    const seal = describeSeal(key);
    if (seal.algorithm === 'hmac-sha256') integrity.hmac = { algorithm: 'hmac-sha256', key_id: seal.key_fingerprint };
    else integrity.signature = { algorithm: seal.algorithm, key_fingerprint: seal.key_fingerprint };
  }

  // A directory that is not ours is refused before any input is read (it may hold the inputs).
  const refused = claimOut(io, 'aggregate', outArg, '--out', true);
  if (refused !== undefined) return refused;
  const sources: Source[] = [];
  try {
    inputs.forEach((arg, input) => {
      for (const { file, searched } of resolveInput(arg, io.cwd, out)) {
        const meta: SourceMeta = { path: posix(path.relative(io.cwd, file)) || file, input, format: file.endsWith('.json') ? 'report.json' : 'ndjson' };
        let bytes: Buffer;
        try {
          bytes = readFileSync(file);
        } catch (err) {
          throw new AggregateError(`cannot read: ${(err as Error).message}`, meta.path);
        }
        const source = readSource(bytes, meta);
        if (searched && isAggregateOutput(source)) {
          io.stderr(`llm-report aggregate: skipped ${meta.path}: it is the output of an earlier aggregate\n`);
          continue;
        }
        for (const w of source.warnings) io.stderr(`llm-report aggregate: ${w.code}: ${w.message}\n`);
        sources.push(source);
      }
    });
    if (sources.length === 0) throw new AggregateError('no runs left to aggregate (only earlier aggregate outputs were found)');
  } catch (err) {
    if (err instanceof AggregateError) return fail(io, err.message);
    throw err;
  }

  let result;
  try {
    // No checkout here (undefined): hinted functions and branches count as code.
    result = aggregate(sources, policy, (file) => readRegular(path.resolve(io.cwd, file)), io.cwd);
  } catch (err) {
    if (err instanceof AggregateError) return fail(io, err.message);
    throw err;
  }
  // Sources from an older version or another tool: everything written is redacted like a run's lines.
  const redactors = cliRedactors(io.cwd);
  const report = redactRecord(result.report, redactors);
  const lines = result.lines.map((l) => redactRecord(l, redactors));
  const base = changesBase(parsed.values.base, config.changes.base, io.cwd);
  if (base) {
    report.changes = redactRecord(changesForRun(io.cwd, base, { tests: report.tests, coverage: lines.filter((l): l is CoverageLine => l.type === 'coverage'), ...(report.run.git ? { git: report.run.git } : {}), outDir: posix(path.relative(io.cwd, out)) }), redactors);
    io.stderr(describeChanges(report.changes, 'llm-report aggregate'));
  }
  try {
    // The same outputs as a run, by the same writer and options (html, pdf, chromium_path).
    writeRun(out, report, lines, { html: config.html, pdf: config.pdf, chromiumPath: config.chromium_path, integrity, sources: config.html_sources.enabled ? { root: io.cwd, maxBytes: config.html_sources.max_bytes, redact: redactors.text } : undefined, onWarning: (w) => io.stderr(`llm-report aggregate: ${w.code}: ${w.message}\n`) });
    const sealed = sealDir(out, { key, hmacKeyEnv: config.signing.key_env || undefined, runId: report.run.run_id, since: startedMs });
    for (const f of sealed.stale) io.stderr(`llm-report aggregate: LLMR_EVIDENCE_STALE_FILE: ${f} is older than this aggregate and was left out of the seal; delete it (or use a fresh --out)\n`);
  } catch (err) {
    return fail(io, `cannot write to ${outArg}: ${(err as Error).message}`);
  }
  emitGithub(report, { cwd: io.cwd, outDir: out, write: io.stderr, annotations: annotate, artifact: config.ci.artifact });

  const s = report.summary;
  const agg = report.aggregate!;
  io.stdout(
    `${report.run.status}: ${s.tests} tests (${s.passed} passed, ${s.failed} failed, ${s.cancelled} cancelled, ${s.skipped} skipped, ${s.todo} todo, ${s.incomplete} incomplete), ` +
      `${agg.flaky.length} flaky, from ${agg.sources.length} source${agg.sources.length === 1 ? '' : 's'} in ${agg.groups.length} group${agg.groups.length === 1 ? '' : 's'} (policy ${policy}) -> ${posix(path.join(path.relative(io.cwd, out) || '.', 'report.json'))}\n`,
  );
  for (const w of report.warnings.filter((w) => w.code.startsWith('LLMR_AGG_'))) io.stderr(`llm-report aggregate: ${w.code}: ${w.message}\n`);
  return report.run.status === 'passed' ? 0 : 1;
}

function usage(io: CommandIO, message: string): number {
  return usageError(io, SPEC, message);
}

function fail(io: CommandIO, message: string): number {
  io.stderr(`llm-report aggregate: ${message}\n`);
  return 2;
}
