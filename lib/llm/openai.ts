// OpenAI-compatible chat completions through the official `openai` package, pinned to v6: v6 runs on
// Node 20 (which we support), v7 needs Node 22+. The client's own retries are off (ours are counted,
// reported and share the Retry-After pause across requests) and nothing is taken from the environment
// by the client: key, base URL, organization and project are all passed explicitly.
import type { ChatRequest, ChatResult, Provider } from './provider.js';
import { ProviderError, errorForStatus } from './provider.js';
import { retryAfterMs } from './limits.js';
import { DEFAULT_BASE_URL, hostOf } from './settings.js';
import { cappedFetch, tooLargeCause } from './capped-fetch.js';

export interface OpenAIOptions {
  baseUrl: string | undefined;
  /** From the variable named by llm.api_key_env; a placeholder is sent when it is unset (local servers need none). */
  apiKey: string | undefined;
  timeoutMs: number;
  /** llm.max_response_bytes: the largest response body read (capped-fetch.ts). Default 1 MiB. */
  maxResponseBytes?: number;
}

/** Sent when no key is configured; servers without auth (Ollama, llama.cpp) ignore it. */
export const NO_KEY = 'no-key-configured';

export async function createOpenAIProvider(opts: OpenAIOptions): Promise<Provider> {
  // Loaded only when a request is about to be made: provider "none" never loads it.
  const { default: OpenAI, APIConnectionError, APIConnectionTimeoutError, APIError } = await import('openai');
  const baseURL = opts.baseUrl ?? DEFAULT_BASE_URL;
  const client = new OpenAI({
    apiKey: opts.apiKey ?? NO_KEY,
    baseURL,
    organization: null,
    project: null,
    timeout: opts.timeoutMs,
    maxRetries: 0,
    logLevel: 'off',
    fetch: cappedFetch(opts.maxResponseBytes ?? 1024 * 1024),
  });

  const classify = (err: unknown, format: ChatRequest['response_format']): ProviderError => {
    if (err instanceof ProviderError) return err;
    // Not retried: the same request would get the same answer, and each try downloads up to the cap.
    const tooLarge = tooLargeCause(err);
    if (tooLarge) return new ProviderError(tooLarge.message, { code: 'LLMR_LLM_RESPONSE_TOO_LARGE', retryable: false, fatal: false });
    if (err instanceof APIConnectionTimeoutError) {
      return new ProviderError(`no answer within ${opts.timeoutMs} ms`, { code: 'LLMR_LLM_TIMEOUT', retryable: true, fatal: false });
    }
    if (err instanceof APIConnectionError) {
      const cause = (err as { cause?: { code?: string; message?: string } }).cause;
      const detail = cause?.code ?? cause?.message ?? err.message;
      return new ProviderError(`cannot connect to ${hostOf(baseURL)}: ${detail}`, { code: 'LLMR_LLM_UNREACHABLE', retryable: true, fatal: true });
    }
    if (err instanceof APIError && typeof err.status === 'number') {
      const body = err.error as { message?: unknown } | undefined;
      const message = typeof body?.message === 'string' ? body.message : err.message;
      return errorForStatus(err.status, message.slice(0, 500), retryAfterMs(err.headers as Parameters<typeof retryAfterMs>[0]), format);
    }
    // response.json() on a body that is not JSON, and anything else the client throws.
    const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
    return new ProviderError(`not a chat completion: ${message.slice(0, 300)}`, { code: 'LLMR_LLM_BAD_RESPONSE', retryable: true, fatal: false });
  };

  return {
    name: 'openai',
    host: hostOf(baseURL),
    async complete(req: ChatRequest): Promise<ChatResult> {
      const response_format =
        req.response_format === 'json_schema'
          ? ({ type: 'json_schema', json_schema: { name: 'test_annotation', strict: true, schema: req.schema } } as const)
          : req.response_format === 'json_object'
            ? ({ type: 'json_object' } as const)
            : undefined;
      let res: unknown;
      try {
        res = await client.chat.completions.create({
          model: req.model,
          messages: req.messages,
          temperature: 0,
          seed: 0,
          max_tokens: req.max_tokens,
          ...(response_format ? { response_format } : {}),
        });
      } catch (err) {
        throw classify(err, req.response_format);
      }
      const completion = res as { choices?: Array<{ message?: { content?: string | null; refusal?: string | null }; finish_reason?: string }>; usage?: { prompt_tokens?: number; completion_tokens?: number } };
      const choice = typeof completion === 'object' && completion !== null && Array.isArray(completion.choices) ? completion.choices[0] : undefined;
      if (!choice || typeof choice.message !== 'object' || choice.message === null) {
        throw new ProviderError('not a chat completion: no choices[0].message in the response', { code: 'LLMR_LLM_BAD_RESPONSE', retryable: true, fatal: false });
      }
      const out: ChatResult = { content: typeof choice.message.content === 'string' ? choice.message.content : null };
      if (choice.finish_reason) out.finish_reason = choice.finish_reason;
      if (typeof choice.message.refusal === 'string' && choice.message.refusal) out.refusal = choice.message.refusal;
      const u = completion.usage;
      if (u && Number.isInteger(u.prompt_tokens) && Number.isInteger(u.completion_tokens)) {
        out.usage = { input_tokens: u.prompt_tokens as number, output_tokens: u.completion_tokens as number };
      }
      return out;
    },
  };
}
