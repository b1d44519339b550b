// Limits on requests: a gate that spaces request starts (requests per minute) and holds everyone back
// while the server asked us to wait (429 + Retry-After); retry delays; the token budget.

export interface Clock {
  now: () => number;
  sleep: (ms: number) => Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms))),
};

export class Gate {
  #next = 0;
  #pausedUntil = 0;
  #queue: Promise<void> = Promise.resolve();
  readonly #interval: number;

  constructor(rpm: number, readonly clock: Clock = realClock) {
    this.#interval = rpm > 0 ? 60_000 / rpm : 0;
  }

  /** Resolves when a request may start. Starts are granted one at a time, in call order. */
  acquire(): Promise<void> {
    const turn = this.#queue.then(async () => {
      for (;;) {
        const wait = Math.max(this.#next, this.#pausedUntil) - this.clock.now();
        if (wait <= 0) break;
        await this.clock.sleep(wait);
      }
      this.#next = this.clock.now() + this.#interval;
    });
    this.#queue = turn;
    return turn;
  }

  /** The server said "not before ms from now": nobody starts before then. */
  pause(ms: number): void {
    this.#pausedUntil = Math.max(this.#pausedUntil, this.clock.now() + ms);
  }
}

/** Retry-After (seconds or an HTTP date) or retry-after-ms, in milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(headers: { get(name: string): string | null } | undefined, now = Date.now()): number | undefined {
  if (!headers) return undefined;
  const ms = headers.get('retry-after-ms');
  if (ms !== null && /^\s*\d+(\.\d+)?\s*$/.test(ms)) return Math.ceil(Number(ms));
  const ra = headers.get('retry-after');
  if (ra === null) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(ra)) return Math.ceil(Number(ra) * 1000);
  const date = Date.parse(ra);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Exponential backoff with full jitter: 0.5 s, 1 s, 2 s ... capped at 20 s. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(20_000, 500 * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

/** Longest Retry-After we wait for; a longer one ends the retries (the server is not coming back soon). */
export const MAX_RETRY_AFTER_MS = 120_000;

/** Rough token count of a text (no tokenizer shipped): 1 token per 4 characters, rounded up. */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 4);
}

/** The run's token budget. Requests reserve their worst case before they start and settle after. */
export class TokenBudget {
  #spent = 0;
  #reserved = 0;
  constructor(readonly limit: number) {}

  /** Reserves `tokens`; false when that could exceed the budget (the request must not be sent). */
  reserve(tokens: number): boolean {
    if (this.limit > 0 && this.#spent + this.#reserved + tokens > this.limit) return false;
    this.#reserved += tokens;
    return true;
  }

  settle(reserved: number, actual: number): void {
    this.#reserved -= reserved;
    this.#spent += actual;
  }

  get spent(): number {
    return this.#spent;
  }
}

export interface Prices {
  input_per_mtok: number;
  output_per_mtok: number;
  currency: string;
}

/** Cost of the tokens at the configured prices, rounded to 6 decimals; undefined without prices. */
export function costEstimate(input: number, output: number, prices: Prices): { amount: number; currency: string; input_per_mtok: number; output_per_mtok: number } | undefined {
  if (prices.input_per_mtok === 0 && prices.output_per_mtok === 0) return undefined;
  const amount = Math.round(((input * prices.input_per_mtok + output * prices.output_per_mtok) / 1e6) * 1e6) / 1e6;
  return { amount, currency: prices.currency, input_per_mtok: prices.input_per_mtok, output_per_mtok: prices.output_per_mtok };
}
