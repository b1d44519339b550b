// What the annotator needs from a chat API, and how failures are told apart. Providers: "none" (no
// requests, ever: the annotator is not started) and "openai" (openai.ts, any OpenAI-compatible server).
import type { WarningCode } from '../warnings.js';
import type { ChatMessage } from './prompt.js';
import type { ResponseFormat } from './settings.js';

export interface ChatRequest {
  model: string;
  messages: ChatMessage[];
  max_tokens: number;
  response_format: ResponseFormat;
  /** JSON schema for response_format json_schema. */
  schema: Record<string, unknown>;
}

export interface ChatResult {
  content: string | null;
  /** Missing when the server reports no usage. */
  usage?: { input_tokens: number; output_tokens: number };
  finish_reason?: string;
  refusal?: string;
}

export interface Provider {
  readonly name: 'openai';
  readonly host: string;
  complete(req: ChatRequest): Promise<ChatResult>;
}

export interface ProviderErrorInit {
  code: WarningCode;
  /** Worth another try (timeouts, 429, 5xx, connection errors, garbage bodies). */
  retryable: boolean;
  /** Once retries are spent (or at once when not retryable), no further request can succeed: stop the run. */
  fatal: boolean;
  status?: number;
  retryAfterMs?: number;
  /** The server refused the response_format (structured outputs): fall back and try again. */
  formatRejected?: boolean;
}

export class ProviderError extends Error {
  readonly code: WarningCode;
  readonly retryable: boolean;
  readonly fatal: boolean;
  readonly status?: number;
  readonly retryAfterMs?: number;
  readonly formatRejected: boolean;
  constructor(message: string, init: ProviderErrorInit) {
    super(message);
    this.name = 'ProviderError';
    this.code = init.code;
    this.retryable = init.retryable;
    this.fatal = init.fatal;
    this.status = init.status;
    this.retryAfterMs = init.retryAfterMs;
    this.formatRejected = init.formatRejected ?? false;
  }
}

/** Classification by HTTP status, shared by providers. */
export function errorForStatus(status: number, message: string, retryAfterMs: number | undefined, format: ResponseFormat): ProviderError {
  const text = `HTTP ${status}: ${message}`;
  if (status === 401 || status === 403) return new ProviderError(text, { code: 'LLMR_LLM_AUTH', retryable: false, fatal: true, status });
  if (status === 429) return new ProviderError(text, { code: 'LLMR_LLM_RATE_LIMITED', retryable: true, fatal: false, status, retryAfterMs });
  if (status === 408 || status === 409 || status >= 500) return new ProviderError(text, { code: 'LLMR_LLM_SERVER_ERROR', retryable: true, fatal: false, status, retryAfterMs });
  const formatRejected = status === 400 && format !== 'text' && /response_format|json_schema|json_object|structured/i.test(message);
  // An unknown model (404) fails every request alike.
  return new ProviderError(text, { code: 'LLMR_LLM_REQUEST_REJECTED', retryable: false, fatal: status === 404, status, formatRejected });
}
