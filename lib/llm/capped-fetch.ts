// The provider's response body, bounded. The `openai` client would read a body whole (response.json()),
// so a hostile or broken server could make us hold any amount of memory; this fetch, given to the
// client, reads the body as a stream and gives up past the cap, cancelling the rest of the download.
// The body is also read inside the client's timeout (which otherwise ends when the headers arrive).

export class ResponseTooLargeError extends Error {
  constructor(
    readonly limit: number,
    readonly declared?: number,
  ) {
    super(`the response body is larger than llm.max_response_bytes (${limit} bytes${declared !== undefined ? `; Content-Length ${declared}` : ''}): cut off, not read further`);
    this.name = 'ResponseTooLargeError';
  }
}

/** Statuses whose Response may not carry a body. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/** A fetch that resolves to a Response whose body (after content decoding) holds at most `limit` bytes. */
export function cappedFetch(limit: number, inner: typeof fetch = globalThis.fetch): typeof fetch {
  return async (input, init) => {
    const res = await inner(input, init);
    if (!res.body || NULL_BODY.has(res.status)) return res;
    const declared = Number(res.headers.get('content-length') ?? NaN);
    if (Number.isFinite(declared) && declared > limit) {
      await res.body.cancel().catch(() => undefined);
      throw new ResponseTooLargeError(limit, declared);
    }
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > limit) {
        await reader.cancel().catch(() => undefined);
        throw new ResponseTooLargeError(limit);
      }
      chunks.push(value);
    }
    const headers = new Headers(res.headers);
    // The bytes are already decoded; their length is what we read.
    headers.delete('content-encoding');
    headers.set('content-length', String(size));
    return new Response(Buffer.concat(chunks, size), { status: res.status, statusText: res.statusText, headers });
  };
}

/** The ResponseTooLargeError somewhere in an error's cause chain (the client wraps what fetch throws). */
export function tooLargeCause(err: unknown): ResponseTooLargeError | undefined {
  for (let e = err, depth = 0; e !== null && typeof e === 'object' && depth < 5; e = (e as { cause?: unknown }).cause, depth++) {
    if (e instanceof ResponseTooLargeError) return e;
  }
  return undefined;
}
