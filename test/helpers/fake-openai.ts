// An OpenAI-compatible chat-completions server on 127.0.0.1 for tests and benchmarks, driven by the real
// `openai` client. A script decides each answer (a good answer, a status with headers, a hang, a
// malformed body); every request is recorded (headers apart from the body) so tests can grep what was
// sent for secrets.
import http from 'node:http';
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  index: number;
  method: string;
  path: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
  json: ChatBody | undefined;
  at: number;
  /** When the response ended (or the connection closed). */
  doneAt?: number;
  /** Body bytes written for a 'huge' answer before the client stopped reading (or all of them). */
  sentBytes?: number;
}

export interface ChatBody {
  model?: string;
  messages?: Array<{ role: string; content: string }>;
  response_format?: { type: string; json_schema?: { name: string; strict?: boolean; schema: unknown } };
  max_tokens?: number;
  temperature?: number;
  seed?: number;
}

export type Action =
  | { kind: 'answer'; content?: string | Record<string, unknown>; usage?: { prompt_tokens: number; completion_tokens: number } | null; finish_reason?: string; delayMs?: number }
  | { kind: 'status'; status: number; body?: unknown; headers?: Record<string, string>; delayMs?: number }
  | { kind: 'hang' }
  | { kind: 'malformed' }
  | { kind: 'text'; body: string; contentType?: string }
  /**
   * A 200 chat completion whose content is `bytes` long, streamed in chunks as the client reads (never
   * built whole here); `declared`: send a Content-Length (default: chunked, no length).
   */
  | { kind: 'huge'; bytes: number; declared?: boolean; status?: number };

export type Script = (req: RecordedRequest) => Action;

export interface FakeOpenAI {
  /** Base URL for the client, ending in /v1. */
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Replace the script. */
  script: Script;
  /** Requests in flight right now, and the most ever in flight at once. */
  inFlight: number;
  maxInFlight: number;
  close(): Promise<void>;
}

export function userMessage(req: RecordedRequest): string {
  return req.json?.messages?.filter((m) => m.role === 'user').map((m) => m.content)[0] ?? '';
}

/** A plausible, specific answer built from the prompt: it never merely restates the test name. */
export function goodAnswer(req: RecordedRequest): Record<string, unknown> {
  const user = userMessage(req);
  const name = /^Test: (.*)$/m.exec(user)?.[1] ?? 'the test';
  const code = /```[a-z]*\n([\s\S]*?)\n```/.exec(user)?.[1] ?? '';
  const callees = [...code.matchAll(/\b([A-Za-z_$][\w$]*)\s*\(/g)].map((m) => m[1]).filter((n) => !['it', 'test', 'describe', 'assert', 'if', 'for', 'while'].includes(n!));
  const assertions = code.split('\n').map((l) => l.trim()).filter((l) => /\bassert\b/.test(l)).slice(0, 5);
  const answer: Record<string, unknown> = {
    scenario: `Calls ${callees[0] ?? 'the unit'} with fixed inputs and compares what comes back with literal expectations (${name.length} chars in title).`,
    why_needed: `Without it a regression in ${callees[0] ?? 'this unit'} would reach users unnoticed.`,
    key_assertions: assertions.length ? assertions : ['no explicit assertion: passes when nothing throws'],
  };
  const system = req.json?.messages?.find((m) => m.role === 'system')?.content ?? '';
  if (system.includes('likely_cause')) {
    const message = /^message: (.*)$/m.exec(user)?.[1] ?? 'unknown';
    answer.likely_cause = `The assertion reported "${message.slice(0, 80)}", so the computed value differs from the expected one.`;
  }
  return answer;
}

function completion(req: RecordedRequest, a: Extract<Action, { kind: 'answer' }>): Record<string, unknown> {
  const content = a.content === undefined ? JSON.stringify(goodAnswer(req)) : typeof a.content === 'string' ? a.content : JSON.stringify(a.content);
  const out: Record<string, unknown> = {
    id: `chatcmpl-${req.index}`,
    object: 'chat.completion',
    created: 1_700_000_000,
    model: req.json?.model ?? 'fake',
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: a.finish_reason ?? 'stop' }],
  };
  if (a.usage !== null) out.usage = a.usage ?? { prompt_tokens: Math.ceil(req.body.length / 4), completion_tokens: Math.ceil(content.length / 4), total_tokens: 0 };
  return out;
}

export async function startFakeOpenAI(script: Script = () => ({ kind: 'answer' })): Promise<FakeOpenAI> {
  const requests: RecordedRequest[] = [];
  const state = { script, inFlight: 0, maxInFlight: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let json: ChatBody | undefined;
      try {
        json = JSON.parse(body) as ChatBody;
      } catch {
        json = undefined;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(', ') : (v ?? '');
      const rec: RecordedRequest = { index: requests.length, method: req.method ?? '', path: req.url ?? '', headers, body, json, at: Date.now() };
      requests.push(rec);
      state.inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      res.on('close', () => {
        state.inFlight--;
        rec.doneAt = Date.now();
      });
      if (req.method !== 'POST' || !(req.url ?? '').endsWith('/chat/completions')) {
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { message: 'not found' } }));
        return;
      }
      const action = state.script(rec);
      const send = (): void => {
        switch (action.kind) {
          case 'hang':
            return; // never answers; close() ends the socket
          case 'malformed':
            res.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"x","choices":[{"message":');
            return;
          case 'text':
            res.writeHead(200, { 'content-type': action.contentType ?? 'text/plain' }).end(action.body);
            return;
          case 'status':
            res.writeHead(action.status, { 'content-type': 'application/json', ...action.headers }).end(JSON.stringify(action.body ?? { error: { message: `status ${action.status}`, type: 'fake' } }));
            return;
          case 'answer':
            res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(completion(rec, action)));
            return;
          case 'huge': {
            const head = Buffer.from('{"id":"huge","object":"chat.completion","choices":[{"index":0,"finish_reason":"stop","message":{"role":"assistant","content":"');
            const tail = Buffer.from('"}}]}');
            const filler = Buffer.alloc(64 * 1024, 'A');
            const total = head.length + action.bytes + tail.length;
            res.writeHead(action.status ?? 200, { 'content-type': 'application/json', ...(action.declared ? { 'content-length': String(total) } : {}) });
            let left = action.bytes;
            rec.sentBytes = 0;
            const write = (b: Buffer): boolean => {
              rec.sentBytes! += b.length;
              return res.write(b);
            };
            write(head);
            const pump = (): void => {
              while (left > 0 && !res.destroyed) {
                const n = Math.min(left, filler.length);
                left -= n;
                if (!write(n === filler.length ? filler : filler.subarray(0, n))) {
                  res.once('drain', pump);
                  return;
                }
              }
              if (!res.destroyed) {
                write(tail);
                res.end();
              }
            };
            pump();
            return;
          }
        }
      };
      const delay = action.kind === 'answer' || action.kind === 'status' ? (action.delayMs ?? 0) : 0;
      if (delay > 0) setTimeout(send, delay);
      else send();
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/v1`,
    port,
    requests,
    get script() {
      return state.script;
    },
    set script(s: Script) {
      state.script = s;
    },
    get inFlight() {
      return state.inFlight;
    },
    get maxInFlight() {
      return state.maxInFlight;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Most requests of the list that were in flight at the same moment. */
export function maxOverlap(requests: readonly RecordedRequest[]): number {
  const events = requests.flatMap((r) => [[r.at, 1], [r.doneAt ?? Infinity, -1]] as const).sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  let now = 0;
  let most = 0;
  for (const [, d] of events) most = Math.max(most, (now += d));
  return most;
}

/** A port on 127.0.0.1 where nothing listens (bound, then closed): connections are refused. */
export async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as AddressInfo).port;
  await new Promise<void>((resolve) => srv.close(() => resolve()));
  return port;
}
