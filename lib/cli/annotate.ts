// `llm-report annotate <run-dir>`: LLM annotations over a saved run. Reads only the run (report.json,
// results.ndjson) and the test sources under --root. A sealed run gets a sealed addendum (addenda/NNN/)
// and keeps every sealed byte; an unsealed one (or --auto, sealed by the reporter afterwards) gets the
// annotations in report.json, results.ndjson and report.html. Annotations are advisory.
import { existsSync, readFileSync } from 'node:fs';
import { readSigningKey, type SigningKey } from '../config/signing.js';
import { ADDENDUM_DATA, ADDENDUM_PAGE, addendumDir, addendumLabel, addendumText, applyAddenda, buildAddendum, type AddendumDoc } from '../evidence/addenda.js';
import { SHA256SUMS, sha256Hex } from '../evidence/files.js';
import { sealDir } from '../output/evidence.js';
import path from 'node:path';
import { loadConfig, ConfigError } from '../config/index.js';
import { apiKeyFrom } from '../config/llm.js';
import { createRedactor } from '../redact/index.js';
import { validateReport } from '../generated/validate-report.js';
import { reportJson, writeAtomic } from '../output/write.js';
import { renderHtml } from '../render/html/index.js';
import { warning } from '../warnings.js';
import { annotate, type AnnotateOutput } from '../llm/annotate.js';
import { applyToNdjson, applyToReport } from '../llm/apply.js';
import { AnnotationCache } from '../llm/cache.js';
import { createOpenAIProvider } from '../llm/openai.js';
import { hostOf, resolveSettings, type Overrides } from '../llm/settings.js';
import type { Report } from '../types.js';
import { addendaOnDisk } from './addenda-dir.js';
import { commandArgs, usageError, type CommandArgs } from './args.js';
import type { CommandIO } from './io.js';

export const ANNOTATE_HELP = `Usage: llm-report annotate <run-dir> [options]

Adds LLM annotations (what each test verifies, why it is needed and, for failures, the likely
cause) to a saved run. Advisory only: the run's status and counts never change. Provider "none"
(the default) sends nothing and does nothing.
A sealed run (SHA256SUMS: every reporter run) is never rewritten: the annotations go into an
addendum, <run-dir>/addenda/NNN/ (annotations.json naming the sha256 of the report.json it
annotates, report.html showing the report with them), sealed on its own with the configured
signing key; llm-report verify checks the run and each addendum. An unsealed run gets them in
report.json, results.ndjson and report.html.

Before the first request a warning (LLMR_LLM_SENDING) says which host gets what. Test code is found
by each test's file/line/column, redacted, bounded by llm.context.max_bytes / max_files and filtered
by llm.context.include / exclude. Answers are cached (llm.cache.dir): unchanged tests cost nothing.

Options (each overrides the configuration file and LLM_REPORT_* variables):
  --provider none|openai     llm.provider
  --base-url URL             llm.base_url: any OpenAI-compatible endpoint (OpenAI, Azure OpenAI v1,
                             Ollama http://localhost:11434/v1, vLLM, LiteLLM, llama.cpp server)
  --model NAME               llm.model
  --mode MODE                llm.context.mode: minimal | balanced | complete
  --concurrency N            llm.concurrency
  --rpm N                    llm.rpm (0: no limit)
  --timeout-ms N             llm.timeout_ms
  --retries N                llm.retries
  --max-tests N              llm.max_tests
  --token-budget N           llm.token_budget (0: none)
  --cache-dir DIR            llm.cache.dir
  --no-cache                 neither read nor write the cache
  --root DIR                 where the test sources are (default: the working directory)
  --auto                     as started by llm.auto_annotate (the reporter re-seals afterwards)
  --help                     show this help

The API key is read from the environment variable named by llm.api_key_env (default OPENAI_API_KEY),
never from a flag or a file.

Exit status: 0 when the run was annotated (tests left without an annotation are listed as coded
warnings and annotation_error); 2 on usage errors, bad configuration or an unreadable run.`;

const INT_FLAGS = {
  concurrency: 'concurrency',
  rpm: 'rpm',
  'timeout-ms': 'timeout_ms',
  retries: 'retries',
  'max-tests': 'max_tests',
  'token-budget': 'token_budget',
} as const satisfies Record<string, keyof Overrides>;

const SPEC = {
  command: 'annotate',
  help: ANNOTATE_HELP,
  options: {
    provider: { type: 'string', needs: 'a value (none or openai)' },
    'base-url': { type: 'string', needs: 'a URL' },
    model: { type: 'string', needs: 'a name' },
    mode: { type: 'string', needs: 'a value (minimal, balanced or complete)' },
    'cache-dir': { type: 'string', needs: 'a directory' },
    root: { type: 'string', needs: 'a directory' },
    'no-cache': { type: 'boolean' },
    auto: { type: 'boolean' },
    concurrency: { type: 'string', needs: 'a whole number' },
    rpm: { type: 'string', needs: 'a whole number' },
    'timeout-ms': { type: 'string', needs: 'a whole number' },
    retries: { type: 'string', needs: 'a whole number' },
    'max-tests': { type: 'string', needs: 'a whole number' },
    'token-budget': { type: 'string', needs: 'a whole number' },
  },
} as const;

interface Parsed {
  dir?: string;
  root?: string;
  overrides: Overrides;
  /** Started by the reporter (llm.auto_annotate), which seals the directory afterwards. */
  auto?: boolean;
}

/** The checks of option values beyond their presence (which the parser checks); a message when one fails. */
function readOptions(args: CommandArgs<typeof SPEC.options>): Parsed | string {
  const v = args.values;
  const out: Parsed = { overrides: {}, auto: v.auto === true };
  const o = out.overrides as Record<string, unknown>;
  if (v['no-cache']) o.cache_enabled = false;
  if (v.provider !== undefined) {
    if (v.provider !== 'none' && v.provider !== 'openai') return `--provider must be none or openai, got ${JSON.stringify(v.provider)}`;
    o.provider = v.provider;
  }
  if (v['base-url'] !== undefined) {
    if (!/^https?:\/\//.test(v['base-url'])) return `--base-url must start with http:// or https://`;
    o.base_url = v['base-url'];
  }
  if (v.model !== undefined) {
    if (!v.model) return '--model needs a name';
    o.model = v.model;
  }
  if (v.mode !== undefined) {
    if (v.mode !== 'minimal' && v.mode !== 'balanced' && v.mode !== 'complete') return `--mode must be minimal, balanced or complete, got ${JSON.stringify(v.mode)}`;
    o.context_mode = v.mode;
  }
  if (v['cache-dir'] !== undefined) {
    if (!v['cache-dir']) return '--cache-dir needs a directory';
    o.cache_dir = v['cache-dir'];
  }
  if (v.root !== undefined) {
    if (!v.root) return '--root needs a directory';
    out.root = v.root;
  }
  for (const [flag, key] of Object.entries(INT_FLAGS) as Array<[keyof typeof INT_FLAGS, keyof Overrides]>) {
    const n = v[flag];
    if (n === undefined) continue;
    if (!/^\d+$/.test(n)) return `--${flag} needs a whole number, got ${JSON.stringify(n)}`;
    o[key] = Number(n);
  }
  out.dir = args.positionals[0];
  return out;
}

/** Bounds the options must keep whatever their source (the schema checks the config file the same way). */
function checkBounds(o: Overrides): string | undefined {
  if (o.concurrency !== undefined && (o.concurrency < 1 || o.concurrency > 64)) return '--concurrency must be 1..64';
  if (o.timeout_ms !== undefined && o.timeout_ms < 100) return '--timeout-ms must be at least 100';
  if (o.retries !== undefined && o.retries > 10) return '--retries must be 0..10';
  if (o.max_tests !== undefined && o.max_tests < 1) return '--max-tests must be at least 1';
  return undefined;
}

/** A reader for repo-relative files under root; nothing outside root is ever read. */
function sourceReader(root: string): (file: string) => string | undefined {
  const memo = new Map<string, string | undefined>();
  return (file) => {
    if (memo.has(file)) return memo.get(file);
    let text: string | undefined;
    const abs = path.resolve(root, file);
    const rel = path.relative(root, abs);
    if (!path.isAbsolute(file) && rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel)) {
      try {
        text = readFileSync(abs, 'utf8');
      } catch {
        text = undefined;
      }
    }
    memo.set(file, text);
    return text;
  };
}

function summary(out: AnnotateOutput): string {
  const t = out.totals;
  const parts = [`${t.annotated}/${t.eligible} tests annotated`, `${t.cache_hits} from cache`, `${t.requests} request(s)`, `${t.tokens.total} tokens${t.tokens.estimated ? ' (partly estimated)' : ''}`];
  if (t.cost_estimate) parts.push(`est. ${t.cost_estimate.amount} ${t.cost_estimate.currency}`);
  const errors = Object.entries(t.errors_by_code).map(([c, n]) => `${c} x${n}`);
  return parts.join(', ') + (errors.length ? `; not annotated: ${errors.join(', ')}` : '');
}

export async function annotateCommand(args: string[], io: CommandIO): Promise<number> {
  // Not an unknown option like any other: the message says where the key comes from instead.
  const keyFlag = args.find((a) => /^--(api-key|key|token)(=|$)/.test(a));
  if (keyFlag !== undefined && !args.slice(0, args.indexOf(keyFlag)).includes('--')) {
    return usageError(io, SPEC, `${keyFlag.replace(/=.*$/s, '')} is not accepted: the key comes only from the environment variable named by llm.api_key_env`);
  }
  const cli = commandArgs(args, io, SPEC);
  if (typeof cli === 'number') return cli;
  const usage = (msg: string): number => usageError(io, SPEC, msg);
  if (cli.positionals.length > 1) return usage(`one run directory only (got ${cli.positionals[0]} and ${cli.positionals[1]})`);
  const parsed = readOptions(cli);
  if (typeof parsed === 'string') return usage(parsed);
  if (!parsed.dir) return usage('no run directory (the output_dir of a run, e.g. llm-report)');
  const bad = checkBounds(parsed.overrides);
  if (bad) return usage(bad);

  let loaded;
  try {
    loaded = loadConfig({ cwd: io.cwd });
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr(`llm-report annotate: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const { config } = loaded;
  const settings = resolveSettings(config.llm, parsed.overrides);
  if (settings.provider === 'none') {
    io.stdout('llm-report annotate: provider is "none": nothing is sent and nothing changes (set llm.provider or --provider openai)\n');
    return 0;
  }
  if (!settings.model) return usage('provider "openai" needs a model (--model NAME or llm.model)');
  if (config.redact.disabled) {
    io.stderr('llm-report annotate: redact.disabled is set: refusing to send unredacted code to an LLM\n');
    return 2;
  }

  const dir = path.resolve(io.cwd, parsed.dir);
  const reportPath = path.join(dir, 'report.json');
  let report: Report;
  try {
    const value: unknown = JSON.parse(readFileSync(reportPath, 'utf8'));
    if (!validateReport(value)) {
      const e = validateReport.errors?.[0];
      io.stderr(`llm-report annotate: ${path.join(parsed.dir, 'report.json')}: not a valid report: ${e ? `${e.instancePath || '/'} ${e.message ?? e.keyword}` : 'invalid'}\n`);
      return 2;
    }
    report = value as Report;
  } catch (err) {
    io.stderr(`llm-report annotate: cannot read ${path.join(parsed.dir, 'report.json')}: ${(err as Error).message}\n`);
    return 2;
  }
  const resultsPath = path.join(dir, 'results.ndjson');
  const results = existsSync(resultsPath) ? readFileSync(resultsPath, 'utf8') : undefined;

  // A sealed run is never rewritten: the annotations go into an addendum of their own (addenda/NNN/),
  // sealed with the configured key. --auto (the reporter, which seals afterwards) writes them in place.
  let addendum: { reportBytes: Buffer; key: SigningKey | undefined } | undefined;
  if (!parsed.auto && existsSync(path.join(dir, SHA256SUMS))) {
    try {
      addendum = { reportBytes: readFileSync(reportPath), key: readSigningKey(config.signing, { cwd: io.cwd }) };
    } catch (err) {
      io.stderr(`llm-report annotate: LLMR_EVIDENCE_SIGNING_FAILED: ${(err as Error).message}; nothing was sent or written (the addendum to a sealed run is sealed with the configured key)\n`);
      return 1;
    }
  }
  const key = apiKeyFrom(settings.api_key_env);
  const redact = createRedactor({ secretValues: loaded.secret_values, patterns: config.redact.patterns });
  const host = hostOf(settings.base_url);
  const out = await annotate({
    tests: report.tests,
    settings,
    host,
    provider: () => createOpenAIProvider({ baseUrl: settings.base_url, apiKey: key.value, timeoutMs: settings.timeout_ms, maxResponseBytes: settings.max_response_bytes }),
    cache: settings.cache.enabled ? new AnnotationCache(path.resolve(io.cwd, settings.cache.dir)) : undefined,
    read: sourceReader(path.resolve(io.cwd, parsed.root ?? '.')),
    redact,
    keyMissing: key.value === undefined ? { name: key.name } : undefined,
    beforeFirstRequest: (w) => io.stderr(`llm-report: ${w.code}: ${w.message}\n`),
  });

  if (addendum) return writeAddendum(io, { dir, shown: parsed.dir, report, reportBytes: addendum.reportBytes, out, key: addendum.key, hmacKeyEnv: config.signing.key_env || undefined });

  let next = applyToReport(report, out);
  // Re-render report.html when the run has one; the annotations are in its data like any other field.
  const htmlPath = path.join(dir, 'report.html');
  let html: string | undefined;
  if (existsSync(htmlPath)) {
    try {
      html = renderHtml(next);
    } catch (err) {
      const w = warning('LLMR_LLM_HTML_NOT_UPDATED', `report.html was not re-rendered: ${(err as Error).message}`);
      out.warnings.push(w);
      next = applyToReport(report, out);
    }
  }
  try {
    if (results !== undefined) writeAtomic(resultsPath, applyToNdjson(results, out));
    writeAtomic(reportPath, reportJson(next));
    if (html !== undefined) writeAtomic(htmlPath, html);
  } catch (err) {
    io.stderr(`llm-report annotate: cannot write to ${parsed.dir}: ${(err as Error).message}\n`);
    return 2;
  }
  for (const w of out.warnings) if (w.code !== 'LLMR_LLM_SENDING') io.stderr(`llm-report: ${w.code}: ${w.message}\n`);
  io.stdout(`llm-report annotate: ${summary(out)} -> ${path.join(parsed.dir, 'report.json')}\n`);
  return 0;
}

/** The addenda already in a run directory (readable ones; verify reports the others). */
function existingAddenda(dir: string): { docs: AddendumDoc[]; next: number } {
  const found = addendaOnDisk(dir);
  // An unreadable addendum is verify's to report; the numbering still skips it.
  const next = found.reduce((n, a) => Math.max(n, Number(a.name) + 1), 1);
  return { docs: found.flatMap((a) => (a.doc ? [a.doc] : [])), next };
}

function sealLabel(key: SigningKey | undefined): string {
  return key ? `sealed (${key.method})` : 'not signed (signing.method is none): SHA256SUMS only';
}

/** Annotations of a sealed run: addenda/NNN/ with annotations.json, the page shown with them, and its own seal. */
function writeAddendum(
  io: CommandIO,
  a: { dir: string; shown: string; report: Report; reportBytes: Buffer; out: AnnotateOutput; key: SigningKey | undefined; hmacKeyEnv: string | undefined },
): number {
  const { docs, next } = existingAddenda(a.dir);
  const sha = sha256Hex(a.reportBytes);
  const annotated = applyToReport(a.report, a.out);
  const doc = buildAddendum(sha, next, annotated.tests, a.out.totals, a.out.warnings);
  const rel = addendumDir(next);
  const abs = path.join(a.dir, ...rel.split('/'));
  const all = [...docs.filter((d) => d.report_sha256 === sha), doc];
  const labels = all.map((d) => addendumLabel(d, d.sequence === next ? sealLabel(a.key) : 'sealed on its own'));
  try {
    writeAtomic(path.join(abs, ADDENDUM_DATA), addendumText(doc));
    if (existsSync(path.join(a.dir, 'report.html'))) {
      try {
        writeAtomic(path.join(abs, ADDENDUM_PAGE), renderHtml(applyAddenda(a.report, all), { reportSha256: sha, addenda: labels }));
      } catch (err) {
        io.stderr(`llm-report: LLMR_LLM_HTML_NOT_UPDATED: ${rel}/${ADDENDUM_PAGE} was not rendered: ${(err as Error).message}\n`);
      }
    }
    sealDir(abs, { key: a.key, hmacKeyEnv: a.hmacKeyEnv });
  } catch (err) {
    io.stderr(`llm-report annotate: cannot write the addendum ${rel} in ${a.shown}: ${(err as Error).message}\n`);
    return 2;
  }
  for (const w of a.out.warnings) if (w.code !== 'LLMR_LLM_SENDING') io.stderr(`llm-report: ${w.code}: ${w.message}\n`);
  io.stdout(`llm-report annotate: ${summary(a.out)} -> ${path.join(a.shown, ...rel.split('/'), ADDENDUM_DATA)}\n`);
  io.stdout(`llm-report annotate: ${a.shown} is sealed and stays unchanged; the annotations are addendum ${rel} (${sealLabel(a.key)}), with the page ${rel}/${ADDENDUM_PAGE}; check both with: llm-report verify ${a.shown}\n`);
  return 0;
}
