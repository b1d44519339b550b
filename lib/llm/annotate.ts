// The annotator: selects tests, builds each one's context and prompt, answers from the cache or asks
// the provider (bounded concurrency, RPM gate, timeouts, retries with backoff and Retry-After, token
// budget), validates and judges the answers, and returns per-test annotations or errors plus totals and
// coded warnings. The IO it needs (source files, provider, cache, clock) is passed in.
import type { Annotation, AnnotationError, LlmContext, LlmTotals, LlmUsage, TestLine, Warning } from '../types.js';
import type { Redactor } from '../redact/index.js';
import { warning, type WarningCode } from '../warnings.js';
import { buildContext, ContextMemo } from './context.js';
import { buildPrompt, failed, promptSha256, responseSchema, retryMessages, PROMPT_VERSION, type ChatMessage } from './prompt.js';
import { judgeAnswer, redactAnswer, type Answer } from './answer.js';
import { AnnotationCache, cacheKey } from './cache.js';
import { Gate, TokenBudget, backoffMs, costEstimate, estimateTokens, realClock, MAX_RETRY_AFTER_MS, type Clock } from './limits.js';
import { ProviderError, type Provider } from './provider.js';
import { selectTests, testTitle } from './select.js';
import type { LlmSettings, ResponseFormat } from './settings.js';

export interface AnnotateInput {
  tests: readonly TestLine[];
  settings: LlmSettings;
  /** Host named in warnings and records (the provider's, once made). */
  host: string;
  /** Made on the first cache miss only. */
  provider: () => Promise<Provider>;
  cache: AnnotationCache | undefined;
  read: (file: string) => string | undefined;
  redact: Redactor;
  /** The key variable is unset or empty (requests go without a usable key). */
  keyMissing?: { name: string };
  /** Called once, before the first request, with the LLMR_LLM_SENDING warning (the CLI prints it). */
  beforeFirstRequest?: (w: Warning) => void;
  clock?: Clock;
  random?: () => number;
  /** created_at of new cache entries. */
  now?: () => string;
}

export interface Outcome {
  annotation?: Annotation;
  error?: AnnotationError;
}

export interface AnnotateOutput {
  /** By testKey(). */
  outcomes: Map<string, Outcome>;
  totals: LlmTotals;
  warnings: Warning[];
}

export function testKey(t: Pick<TestLine, 'id' | 'attempt'>): string {
  return `${t.id}\u0000${t.attempt}`;
}

interface Job {
  test: TestLine;
  record: LlmContext;
  messages: ChatMessage[];
  key: string;
  withCause: boolean;
}

interface Asked {
  answer?: Answer;
  usage: LlmUsage;
  prompt_sha256: string;
  attempts: number;
  error?: { code: WarningCode; message: string };
}

const ERROR_SUMMARY: Partial<Record<WarningCode, string>> = {
  LLMR_LLM_AUTH: 'the server refused the key',
  LLMR_LLM_UNREACHABLE: 'the server could not be reached',
  LLMR_LLM_TIMEOUT: 'requests timed out',
  LLMR_LLM_RATE_LIMITED: 'the server kept rate limiting (429)',
  LLMR_LLM_SERVER_ERROR: 'the server kept failing (5xx)',
  LLMR_LLM_REQUEST_REJECTED: 'the server rejected the request',
  LLMR_LLM_BAD_RESPONSE: 'the server answered something that is not a chat completion',
  LLMR_LLM_RESPONSE_TOO_LARGE: 'the server sent a response larger than llm.max_response_bytes',
  LLMR_LLM_INVALID_ANSWER: 'the model gave no usable answer (after one retry)',
  LLMR_LLM_NO_BODY: 'the test body was not found',
  LLMR_LLM_BLOCKED: 'a secret survived redaction; not sent',
  LLMR_LLM_MAX_TESTS: 'llm.max_tests reached',
  LLMR_LLM_BUDGET: 'llm.token_budget reached',
};

/** What the LLMR_LLM_SENDING warning says will leave the machine. */
export function sendingMessage(s: LlmSettings, host: string, tests: number): string {
  const what = ['the source of each test call (found by its position)'];
  if (s.context.mode !== 'minimal' || s.tests.balanced.length || s.tests.complete.length) what.push('the functions each test executed (per-test coverage) or, in "complete" mode, whole executed files');
  what.push('the test name, suite path, file path and status', 'for failed tests the failure message, expected/actual values and stack');
  return (
    `sending to provider "${s.provider}" at ${host} (model ${s.model}) for up to ${tests} test(s): ${what.join('; ')}. ` +
    `Everything is redacted first; at most ${s.context.max_bytes} bytes of code and ${s.context.max_files} files per test; ` +
    `files matching llm.context.exclude (.env*, keys, certificates, ...) are never sent. Nothing else: no captured output, no environment.`
  );
}

export async function annotate(input: AnnotateInput): Promise<AnnotateOutput> {
  const s = input.settings;
  const clock = input.clock ?? realClock;
  const random = input.random ?? Math.random;
  const model = s.model ?? '';
  const outcomes = new Map<string, Outcome>();
  const warnings: Warning[] = [];
  const errorsByTest: Array<{ test: TestLine; error: AnnotationError }> = [];
  const totals: LlmTotals = {
    provider: 'openai',
    model,
    host: input.host,
    prompt_version: PROMPT_VERSION,
    context_mode: s.context.mode,
    response_format: s.response_format,
    eligible: 0,
    annotated: 0,
    cache_hits: 0,
    requests: 0,
    retries: 0,
    errors: 0,
    errors_by_code: {},
    skipped: { off: 0, status: 0 },
    tokens: { input: 0, output: 0, total: 0 },
    limits: {
      concurrency: s.concurrency,
      rpm: s.rpm,
      timeout_ms: s.timeout_ms,
      retries: s.retries,
      max_tests: s.max_tests,
      token_budget: s.token_budget,
      max_output_tokens: s.max_output_tokens,
      max_bytes: s.context.max_bytes,
      max_files: s.context.max_files,
    },
  };
  const fail = (test: TestLine, error: AnnotationError): void => {
    // Server messages can quote what they were sent (or a masked key): redacted like everything else.
    error.message = input.redact(error.message);
    outcomes.set(testKey(test), { error });
    errorsByTest.push({ test, error });
  };

  const selection = selectTests(input.tests, s);
  totals.skipped = { off: selection.off, status: selection.status };
  totals.eligible = selection.candidates.length + selection.overLimit.length;
  for (const test of selection.overLimit) fail(test, { code: 'LLMR_LLM_MAX_TESTS', message: `not annotated: llm.max_tests (${s.max_tests}) reached; failed tests went first` });
  if (selection.overLimit.length) {
    warnings.push(warning('LLMR_LLM_MAX_TESTS', `${totals.eligible} tests could be annotated but llm.max_tests is ${s.max_tests}: ${selection.overLimit.length} were not (failed tests went first)`));
  }

  // Contexts and prompts first (pure), then the cache, then requests for what is left.
  const limits = { max_bytes: s.context.max_bytes, max_files: s.context.max_files, include: s.context.include, exclude: s.context.exclude };
  const pending: Job[] = [];
  const memo = new ContextMemo();
  for (const { test, mode } of selection.candidates) {
    const built = buildContext({ test, mode, read: input.read, limits, redact: input.redact, memo });
    if (!built.ok) {
      fail(test, { code: 'LLMR_LLM_NO_BODY', message: built.reason, context: built.record });
      continue;
    }
    const prompt = buildPrompt(test, built.sections, input.redact);
    built.record.failure = prompt.failureSent;
    // Egress check, fail closed: the final text must hold nothing the redactor would still change.
    const leaked = prompt.messages.some((m) => input.redact(m.content) !== m.content);
    if (leaked) {
      fail(test, { code: 'LLMR_LLM_BLOCKED', message: 'not sent: the prompt still contained a secret after redaction', context: built.record });
      continue;
    }
    const key = cacheKey({ provider: s.provider, host: input.host, model, prompt_version: PROMPT_VERSION, messages: prompt.messages });
    pending.push({ test, record: built.record, messages: prompt.messages, key, withCause: failed(test) });
  }

  const toAsk: Job[] = [];
  for (const job of pending) {
    const read = input.cache?.read(job.key);
    if (read && 'hit' in read) {
      const e = read.hit;
      totals.cache_hits++;
      outcomes.set(testKey(job.test), { annotation: makeAnnotation(redactAnswer(e.answer, input.redact), job, { model, host: input.host, prompt_sha256: e.prompt_sha256, usage: e.usage }) });
      continue;
    }
    if (read && 'corrupt' in read) warnings.push(warning('LLMR_LLM_CACHE_CORRUPT', `ignored a corrupt cache entry (${read.corrupt}); it is replaced by a fresh answer`, { test_id: job.test.id }));
    toAsk.push(job);
  }

  if (toAsk.length) {
    if (input.keyMissing) {
      warnings.push(warning('LLMR_LLM_NO_KEY', `${input.keyMissing.name} is not set: requests carry no usable key (fine for local servers without authentication)`));
    }
    const sending = warning('LLMR_LLM_SENDING', sendingMessage(s, input.host, new Set(toAsk.map((j) => j.key)).size));
    warnings.push(sending);
    input.beforeFirstRequest?.(sending);
    const state: RunState = {
      provider: await input.provider(),
      gate: new Gate(s.rpm, clock),
      budget: new TokenBudget(s.token_budget),
      format: s.response_format,
      formatWarned: false,
      stopped: undefined,
      cacheWriteErrors: 0,
      firstCacheError: '',
      redact: input.redact,
    };
    const shared = new Map<string, Promise<Asked>>();
    const writes: Array<Promise<void>> = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      for (;;) {
        const job = toAsk[next++];
        if (!job) return;
        let asked = shared.get(job.key);
        const mine = asked === undefined;
        if (!asked) {
          asked = ask(job, state, s, totals, clock, random);
          shared.set(job.key, asked);
        }
        const result = await asked;
        if (result.answer) {
          const annotation = makeAnnotation(result.answer, job, { model, host: input.host, prompt_sha256: result.prompt_sha256, usage: result.usage });
          outcomes.set(testKey(job.test), { annotation });
          if (mine && input.cache) {
            // Written in the background (IO off the event loop); awaited before the end.
            writes.push(
              input.cache.write({
                key: job.key,
                provider: s.provider,
                host: input.host,
                model,
                prompt_version: PROMPT_VERSION,
                prompt_sha256: result.prompt_sha256,
                answer: result.answer,
                usage: result.usage,
                created_at: (input.now ?? (() => new Date(clock.now()).toISOString()))(),
              }).then(
                () => undefined,
                (err: Error) => {
                  if (state.cacheWriteErrors++ === 0) state.firstCacheError = err.message;
                },
              ),
            );
          }
        } else if (result.error) {
          const error: AnnotationError = { code: result.error.code, message: result.error.message, attempts: result.attempts, context: job.record };
          if (result.attempts > 0) error.prompt_sha256 = result.prompt_sha256;
          fail(job.test, error);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(s.concurrency, toAsk.length) }, worker));
    await Promise.all(writes);
    totals.response_format = state.format;
    if (state.formatWarned) {
      warnings.push(warning('LLMR_LLM_STRUCTURED_OUTPUT_UNSUPPORTED', `${input.host} rejected response_format "${s.response_format}"; "${state.format}" was used instead (answers are validated against the schema either way)`));
    }
    if (state.cacheWriteErrors) {
      warnings.push(warning('LLMR_LLM_CACHE_UNWRITABLE', `${state.cacheWriteErrors} answer(s) could not be written to the cache (${s.cache.dir}): ${state.firstCacheError}`));
    }
  }

  // One warning per error code, in selection order, naming the first test it hit.
  const byCode = new Map<string, Array<{ test: TestLine; error: AnnotationError }>>();
  for (const e of errorsByTest) {
    const list = byCode.get(e.error.code) ?? [];
    list.push(e);
    byCode.set(e.error.code, list);
  }
  for (const [code, list] of byCode) {
    totals.errors_by_code[code] = list.length;
    if (code === 'LLMR_LLM_MAX_TESTS') continue; // said once above
    const first = list[0]!;
    const summary = ERROR_SUMMARY[code as WarningCode] ?? 'not annotated';
    warnings.push(
      warning(code as WarningCode, `${list.length} test(s) not annotated: ${summary}. First: ${first.test.file} "${testTitle(first.test)}": ${first.error.message}`, {
        file: first.test.file,
        test_id: first.test.id,
      }),
    );
  }
  totals.errors = errorsByTest.length;
  totals.annotated = [...outcomes.values()].filter((o) => o.annotation).length;
  totals.tokens.total = totals.tokens.input + totals.tokens.output;
  const cost = costEstimate(totals.tokens.input, totals.tokens.output, s.prices);
  if (cost) totals.cost_estimate = cost;
  return { outcomes, totals, warnings };
}

interface RunState {
  provider: Provider;
  gate: Gate;
  budget: TokenBudget;
  format: ResponseFormat;
  formatWarned: boolean;
  /** Set by a fatal error: no further requests. */
  stopped: { code: WarningCode; message: string } | undefined;
  cacheWriteErrors: number;
  firstCacheError: string;
  /** For the model's answers, before they are judged, cached or written. */
  redact: Redactor;
}

function makeAnnotation(answer: Answer, job: Job, m: { model: string; host: string; prompt_sha256: string; usage: LlmUsage }): Annotation {
  const a: Annotation = {
    advisory: true,
    scenario: answer.scenario,
    why_needed: answer.why_needed,
    key_assertions: answer.key_assertions,
    provider: 'openai',
    model: m.model,
    host: m.host,
    prompt_version: PROMPT_VERSION,
    prompt_sha256: m.prompt_sha256,
    cache_key: job.key,
    usage: m.usage,
    context: job.record,
  };
  if (answer.likely_cause !== undefined && job.withCause) a.likely_cause = answer.likely_cause;
  return a;
}

/** One test's requests: transport retries (backoff / Retry-After), one retry after a rejected answer. */
async function ask(job: Job, st: RunState, s: LlmSettings, totals: LlmTotals, clock: Clock, random: () => number): Promise<Asked> {
  const usage: LlmUsage = { input_tokens: 0, output_tokens: 0 };
  let messages = job.messages;
  let attempts = 0;
  let transportRetries = 0;
  let answerRetried = false;
  const done = (error: { code: WarningCode; message: string }): Asked => ({ usage, prompt_sha256: promptSha256(messages), attempts, error });
  for (;;) {
    if (st.stopped) return done({ code: st.stopped.code, message: `not sent: ${st.stopped.message}` });
    const reserve = messages.reduce((n, m) => n + estimateTokens(m.content), 0) + s.max_output_tokens;
    if (!st.budget.reserve(reserve)) {
      return done({ code: 'LLMR_LLM_BUDGET', message: `not sent: llm.token_budget (${s.token_budget}) would be exceeded (${st.budget.spent} spent, this request needs up to ${reserve})` });
    }
    await st.gate.acquire();
    // Another request may have hit a fatal error while this one waited at the gate.
    const stopped = st.stopped as RunState['stopped'];
    if (stopped) {
      st.budget.settle(reserve, 0);
      return done({ code: stopped.code, message: `not sent: ${stopped.message}` });
    }
    attempts++;
    totals.requests++;
    let result;
    try {
      result = await st.provider.complete({ model: s.model ?? '', messages, max_tokens: s.max_output_tokens, response_format: st.format, schema: responseSchema(job.withCause) });
    } catch (err) {
      st.budget.settle(reserve, 0);
      const e = err instanceof ProviderError ? err : new ProviderError(String(err), { code: 'LLMR_LLM_BAD_RESPONSE', retryable: false, fatal: false });
      if (e.formatRejected && st.format !== 'text') {
        // Structured outputs unsupported here: step down once for the whole run and ask again.
        if (st.format === s.response_format || st.format === 'json_schema') {
          st.format = st.format === 'json_schema' ? 'json_object' : 'text';
          st.formatWarned = true;
        }
        totals.retries++;
        continue;
      }
      const tooLong = e.retryAfterMs !== undefined && e.retryAfterMs > MAX_RETRY_AFTER_MS;
      if (e.retryable && transportRetries < s.retries && !tooLong) {
        const delay = e.retryAfterMs ?? backoffMs(transportRetries, random);
        transportRetries++;
        totals.retries++;
        if (e.code === 'LLMR_LLM_RATE_LIMITED') st.gate.pause(delay);
        await clock.sleep(delay);
        continue;
      }
      const why = tooLong ? ` (Retry-After ${Math.round(e.retryAfterMs / 1000)} s is longer than we wait)` : e.retryable ? ` (after ${transportRetries} retr${transportRetries === 1 ? 'y' : 'ies'})` : '';
      if (e.fatal) st.stopped ??= { code: e.code, message: `an earlier request failed: ${e.message}` };
      return done({ code: e.code, message: `${e.message}${why}` });
    }
    const inTok = result.usage?.input_tokens ?? messages.reduce((n, m) => n + estimateTokens(m.content), 0);
    const outTok = result.usage?.output_tokens ?? estimateTokens(result.content ?? '');
    if (!result.usage) {
      usage.estimated = true;
      totals.tokens.estimated = true;
    }
    usage.input_tokens += inTok;
    usage.output_tokens += outTok;
    totals.tokens.input += inTok;
    totals.tokens.output += outTok;
    st.budget.settle(reserve, inTok + outTok);

    const judged = result.refusal
      ? ({ ok: false, reason: `the model refused: ${result.refusal.slice(0, 200)}` } as const)
      : result.finish_reason === 'length'
        ? ({ ok: false, reason: `the answer was cut at llm.max_output_tokens (${s.max_output_tokens})` } as const)
        : judgeAnswer(result.content, job.test, job.withCause, st.redact);
    if (judged.ok) return { answer: judged.answer, usage, prompt_sha256: promptSha256(messages), attempts };
    if (answerRetried) return done({ code: 'LLMR_LLM_INVALID_ANSWER', message: `${judged.reason} (also on the retry)` });
    answerRetried = true;
    totals.retries++;
    // The rejected answer goes back to the model: sent, so redacted like the prompt.
    messages = retryMessages(job.messages, st.redact(result.content ?? ''), st.redact(judged.reason));
  }
}
