// Output captured per test in the test child (issue #17 §3), used by preload.ts when capture_output is on. node:test
// tells the reporter only which FILE printed something (nodejs/node#53103); in the child the preload
// knows which test is running, so writes to process.stdout / process.stderr (console writes through
// them) can be attributed there: to the running test, to the file between tests, and to no single test
// when several run at once (marked shared, as for coverage). Each bucket keeps a bounded head and
// tail and counts the bytes dropped between them, so a test printing 100 MB costs no more memory
// than the caps.

/** The first `headChars` and last `tailChars` characters of a stream of text, and what fell between. */
export class HeadTail {
  #head = '';
  #tail = '';
  #dropped = 0;
  readonly #headChars: number;
  readonly #tailChars: number;

  constructor(capChars: number) {
    this.#headChars = Math.floor(capChars / 2);
    this.#tailChars = capChars - this.#headChars;
  }

  push(text: string): void {
    if (this.#head.length < this.#headChars) {
      const room = this.#headChars - this.#head.length;
      this.#head += text.slice(0, room);
      text = text.slice(room);
      if (!text) return;
    }
    // Only the last tailChars of (tail + text) are kept; count what leaves without joining huge strings.
    if (text.length >= this.#tailChars) {
      this.#dropped += Buffer.byteLength(this.#tail) + Buffer.byteLength(text.slice(0, text.length - this.#tailChars));
      this.#tail = text.slice(text.length - this.#tailChars);
      return;
    }
    const joined = this.#tail + text;
    const cut = joined.length - this.#tailChars;
    if (cut > 0) {
      this.#dropped += Buffer.byteLength(joined.slice(0, cut));
      this.#tail = joined.slice(cut);
    } else this.#tail = joined;
  }

  /** Bytes (UTF-8) dropped between head and tail. */
  get droppedBytes(): number {
    return this.#dropped;
  }

  /** Characters held: never more than the cap. */
  get heldChars(): number {
    return this.#head.length + this.#tail.length;
  }

  text(): string {
    return this.#dropped ? `${this.#head}\n… [${this.#dropped} bytes dropped] …\n${this.#tail}` : this.#head + this.#tail;
  }
}

export interface CapturedOutput {
  stdout: string;
  stderr: string;
  /** Bytes dropped from the middle of stdout and stderr together; absent when nothing was. */
  dropped_bytes?: number;
  /** Written while other tests of the same file were running too: not this test's alone. */
  shared?: true;
}

class Bucket {
  readonly stdout: HeadTail;
  readonly stderr: HeadTail;
  shared = false;
  constructor(cap: number) {
    this.stdout = new HeadTail(cap);
    this.stderr = new HeadTail(cap);
  }
  result(): CapturedOutput {
    const out: CapturedOutput = { stdout: this.stdout.text(), stderr: this.stderr.text() };
    const dropped = this.stdout.droppedBytes + this.stderr.droppedBytes;
    if (dropped) out.dropped_bytes = dropped;
    if (this.shared) out.shared = true;
    return out;
  }
}

/**
 * Buckets by running test. `begin(key)` when a test starts, `end(key)` when it ends (its output);
 * writes go to the one running test, or to the file's bucket between tests; while two or more run,
 * to each of them, marked shared.
 */
export class OutputAttribution {
  readonly #cap: number;
  readonly #running = new Map<string, Bucket>();
  readonly #file: Bucket;
  #last: Bucket | undefined;
  /** Characters of test output the file may still keep (all its tests together). */
  #budget: number;

  /** `budgetChars`: at most this much test output is kept for the whole file (default: 32 tests' caps). */
  constructor(capPerTestChars: number, capPerFileChars: number, budgetChars = 32 * capPerTestChars) {
    this.#cap = capPerTestChars;
    this.#file = new Bucket(capPerFileChars);
    this.#budget = budgetChars;
  }

  /**
   * `nested`: the tests running now are this one's ancestors (a subtest), not concurrent siblings:
   * nothing is shared, and writes go to the innermost test only.
   */
  begin(key: string, nested = false): void {
    const b = new Bucket(this.#cap);
    if (this.#running.size > 0 && !nested) {
      b.shared = true;
      for (const other of this.#running.values()) other.shared = true;
    }
    this.#running.set(key, b);
    this.#last = b;
  }

  /** A test that turned out to run beside another (the preload learns it when tests end out of order). */
  markShared(key: string): void {
    const b = this.#running.get(key);
    if (b) b.shared = true;
  }

  end(key: string): CapturedOutput | undefined {
    const b = this.#running.get(key);
    this.#running.delete(key);
    if (b === this.#last) this.#last = [...this.#running.values()].pop();
    if (!b) return undefined;
    const out = b.result();
    // The file's budget for all its tests' output: past it, a test keeps only the count of what it wrote.
    const size = out.stdout.length + out.stderr.length;
    if (size > this.#budget) {
      out.dropped_bytes = (out.dropped_bytes ?? 0) + Buffer.byteLength(out.stdout) + Buffer.byteLength(out.stderr);
      out.stdout = '';
      out.stderr = '';
      this.#budget = 0;
    } else this.#budget -= size;
    return out;
  }

  write(stream: 'stdout' | 'stderr', text: string): void {
    if (this.#running.size === 0) this.#file[stream].push(text);
    else if (this.#last && !this.#last.shared) this.#last[stream].push(text);
    else for (const b of this.#running.values()) b[stream].push(text);
  }

  /** Output written outside any test (imports, top-level code, between tests). */
  fileOutput(): CapturedOutput {
    return this.#file.result();
  }
}

type Write = NodeJS.WritableStream['write'];

/**
 * Sees every write to `stream` (text or bytes) and passes it on unchanged; returns the undo. Bytes are
 * decoded as UTF-8 for the copy only: what the stream receives is untouched.
 */
export function teeWrites(stream: NodeJS.WritableStream, onText: (text: string) => void): () => void {
  // eslint-disable-next-line @typescript-eslint/unbound-method -- kept to be called with the stream as `this`, and restored
  const original = stream.write;
  const patched = function (this: NodeJS.WritableStream, chunk: unknown, ...rest: unknown[]): boolean {
    try {
      // node:test's own events to the parent (a child's stdout) are V8-serialized, starting 0xFF, a byte
      // UTF-8 text never holds: they are the runner talking, not the test.
      if (chunk instanceof Uint8Array && chunk[0] === 0xff) return (original as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
      const enc = typeof rest[0] === 'string' ? (rest[0] as BufferEncoding) : 'utf8';
      onText(typeof chunk === 'string' ? (enc === 'utf8' ? chunk : Buffer.from(chunk, enc).toString('utf8')) : chunk instanceof Uint8Array ? Buffer.from(chunk).toString('utf8') : String(chunk));
    } catch {
      // The copy is best effort; the write itself must never fail because of it.
    }
    return (original as (...a: unknown[]) => boolean).call(this, chunk, ...rest);
  } as Write;
  stream.write = patched;
  return () => {
    if (stream.write === patched) stream.write = original;
  };
}
