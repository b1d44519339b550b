// Two generated node:test projects whose tests do real work (1-50 ms each), for the per-test coverage
// benchmark (issue #16 §2): written here, seeded, no third-party code.
//  - http:  a small in-repo HTTP-style module (request parser, router with params, middleware,
//           JSON/response serialiser, an in-memory store); each test routes and serialises a batch of
//           requests end to end. About a dozen source files.
//  - graph: a module graph of several hundred files, as a framework's own tests load: 24 packages of 14
//           modules under src/ plus a 72-file dependency under node_modules/, all imported through one
//           index by every test file; each test runs one package's pipeline over a data set.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from './generate.mjs';

function write(dir, rel, text) {
  const file = path.join(dir, rel);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
}

function project(dir, name) {
  write(dir, 'package.json', JSON.stringify({ name, private: true, type: 'module' }) + '\n');
  mkdirSync(path.join(dir, 'node_modules', '@org'), { recursive: true });
  symlinkSync(REPO, path.join(dir, 'node_modules', '@org', 'llm-report'), 'dir');
}

const HTTP_SRC = {
  'src/http/status.js': `export const STATUS = {
  200: 'OK', 201: 'Created', 204: 'No Content', 304: 'Not Modified', 400: 'Bad Request',
  404: 'Not Found', 405: 'Method Not Allowed', 409: 'Conflict', 413: 'Payload Too Large', 500: 'Internal Server Error',
};

export function statusText(code) {
  return STATUS[code] ?? 'Unknown';
}
`,
  'src/http/hash.js': `// FNV-1a over a string: weak ETags.
export function fnv1a(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}
`,
  'src/http/query.js': `export function decode(part) {
  try {
    return decodeURIComponent(part.replace(/\\+/g, ' '));
  } catch {
    return part;
  }
}

export function parseQuery(qs) {
  const out = {};
  if (!qs) return out;
  for (const pair of qs.split('&')) {
    if (!pair) continue;
    const eq = pair.indexOf('=');
    const key = decode(eq < 0 ? pair : pair.slice(0, eq));
    const value = eq < 0 ? '' : decode(pair.slice(eq + 1));
    if (key in out) out[key] = [].concat(out[key], value);
    else out[key] = value;
  }
  return out;
}

export function formatQuery(obj) {
  return Object.keys(obj)
    .sort()
    .map((k) => encodeURIComponent(k) + '=' + encodeURIComponent(String(obj[k])))
    .join('&');
}
`,
  'src/http/parse.js': `import { parseQuery } from './query.js';

export class HttpError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']);

export function parseRequest(raw, { maxBody = 65536 } = {}) {
  const head = raw.indexOf('\\r\\n\\r\\n');
  if (head < 0) throw new HttpError(400, 'no end of headers');
  const lines = raw.slice(0, head).split('\\r\\n');
  const [method, target, version] = lines[0].split(' ');
  if (!METHODS.has(method)) throw new HttpError(405, 'method ' + method);
  if (version !== 'HTTP/1.1' && version !== 'HTTP/1.0') throw new HttpError(400, 'version ' + version);
  const headers = {};
  for (let i = 1; i < lines.length; i++) {
    const colon = lines[i].indexOf(':');
    if (colon <= 0) throw new HttpError(400, 'bad header line ' + i);
    const name = lines[i].slice(0, colon).trim().toLowerCase();
    const value = lines[i].slice(colon + 1).trim();
    headers[name] = name in headers ? headers[name] + ', ' + value : value;
  }
  let body = raw.slice(head + 4);
  const length = headers['content-length'] === undefined ? body.length : Number(headers['content-length']);
  if (!Number.isInteger(length) || length < 0) throw new HttpError(400, 'content-length');
  if (length > maxBody) throw new HttpError(413, 'body of ' + length);
  body = body.slice(0, length);
  const q = target.indexOf('?');
  const path = q < 0 ? target : target.slice(0, q);
  return { method, path, query: parseQuery(q < 0 ? '' : target.slice(q + 1)), headers, body, params: {} };
}

export function readJson(req) {
  if (!req.body) return undefined;
  if (!(req.headers['content-type'] ?? '').startsWith('application/json')) throw new HttpError(400, 'not json');
  try {
    return JSON.parse(req.body);
  } catch (err) {
    throw new HttpError(400, 'bad json: ' + err.message);
  }
}
`,
  'src/http/router.js': `// A segment trie: static segments before :params before a trailing *.
function node() {
  return { children: new Map(), param: undefined, wildcard: undefined, handlers: new Map() };
}

export class Router {
  constructor() {
    this.root = node();
    this.count = 0;
  }

  add(method, pattern, handler) {
    let at = this.root;
    const segments = pattern.split('/').filter(Boolean);
    for (const seg of segments) {
      if (seg === '*') {
        at.wildcard ??= node();
        at = at.wildcard;
        break;
      }
      if (seg.startsWith(':')) {
        at.param ??= { name: seg.slice(1), next: node() };
        at = at.param.next;
      } else {
        if (!at.children.has(seg)) at.children.set(seg, node());
        at = at.children.get(seg);
      }
    }
    at.handlers.set(method, handler);
    this.count++;
    return this;
  }

  match(method, path) {
    const segments = path.split('/').filter(Boolean);
    const params = {};
    const found = this.#walk(this.root, segments, 0, params);
    if (!found) return { status: 404 };
    const handler = found.handlers.get(method) ?? (method === 'HEAD' ? found.handlers.get('GET') : undefined);
    if (!handler) return { status: 405, allow: [...found.handlers.keys()].sort().join(', ') };
    return { status: 200, handler, params };
  }

  #walk(at, segments, i, params) {
    if (i === segments.length) return at.handlers.size ? at : undefined;
    const seg = segments[i];
    const child = at.children.get(seg);
    if (child) {
      const hit = this.#walk(child, segments, i + 1, params);
      if (hit) return hit;
    }
    if (at.param) {
      params[at.param.name] = decodeURIComponent(seg);
      const hit = this.#walk(at.param.next, segments, i + 1, params);
      if (hit) return hit;
      delete params[at.param.name];
    }
    if (at.wildcard) {
      params['*'] = segments.slice(i).join('/');
      return at.wildcard;
    }
    return undefined;
  }
}
`,
  'src/http/serialize.js': `import { statusText } from './status.js';
import { fnv1a } from './hash.js';

// Stable JSON: sorted keys at every depth, so ETags do not depend on insertion order.
export function stableJson(value) {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return '[' + value.map(stableJson).join(',') + ']';
  const keys = Object.keys(value).filter((k) => value[k] !== undefined).sort();
  return '{' + keys.map((k) => JSON.stringify(k) + ':' + stableJson(value[k])).join(',') + '}';
}

export function chunked(body, size = 64) {
  let out = '';
  for (let i = 0; i < body.length; i += size) {
    const part = body.slice(i, i + size);
    out += part.length.toString(16) + '\\r\\n' + part + '\\r\\n';
  }
  return out + '0\\r\\n\\r\\n';
}

export function serializeResponse(res, req) {
  const headers = { ...res.headers };
  let body = res.body === undefined ? '' : typeof res.body === 'string' ? res.body : stableJson(res.body);
  if (res.body !== undefined && typeof res.body !== 'string') headers['content-type'] ??= 'application/json; charset=utf-8';
  if (body && res.status === 200) {
    const tag = 'W/"' + fnv1a(body) + '"';
    headers.etag = tag;
    if (req && req.headers['if-none-match'] === tag) {
      res = { ...res, status: 304 };
      body = '';
    }
  }
  const useChunks = req && req.headers['accept-encoding'] === 'chunked' && body.length > 256;
  if (useChunks) headers['transfer-encoding'] = 'chunked';
  else headers['content-length'] = String(body.length);
  if (req && req.method === 'HEAD') body = '';
  const lines = ['HTTP/1.1 ' + res.status + ' ' + statusText(res.status)];
  for (const name of Object.keys(headers).sort()) lines.push(name + ': ' + headers[name]);
  return lines.join('\\r\\n') + '\\r\\n\\r\\n' + (useChunks ? chunked(body) : body);
}

export function parseResponse(raw) {
  const head = raw.indexOf('\\r\\n\\r\\n');
  const lines = raw.slice(0, head).split('\\r\\n');
  const status = Number(lines[0].split(' ')[1]);
  const headers = {};
  for (const line of lines.slice(1)) {
    const c = line.indexOf(':');
    headers[line.slice(0, c)] = line.slice(c + 2);
  }
  let body = raw.slice(head + 4);
  if (headers['transfer-encoding'] === 'chunked') {
    let out = '';
    let at = 0;
    for (;;) {
      const nl = body.indexOf('\\r\\n', at);
      const n = parseInt(body.slice(at, nl), 16);
      if (n === 0) break;
      out += body.slice(nl + 2, nl + 2 + n);
      at = nl + 2 + n + 2;
    }
    body = out;
  }
  return { status, headers, body };
}
`,
  'src/http/middleware.js': `import { HttpError } from './parse.js';

export function compose(stack) {
  return function run(ctx, final) {
    let index = -1;
    const step = (i) => {
      if (i <= index) throw new Error('next() called twice');
      index = i;
      const fn = i === stack.length ? final : stack[i];
      return fn ? fn(ctx, () => step(i + 1)) : undefined;
    };
    return step(0);
  };
}

export function requestId() {
  let n = 0;
  return (ctx, next) => {
    ctx.id = 'req-' + ++n;
    const res = next();
    if (res) res.headers = { ...res.headers, 'x-request-id': ctx.id };
    return res;
  };
}

export function errors() {
  return (ctx, next) => {
    try {
      return next();
    } catch (err) {
      if (err instanceof HttpError) return { status: err.status, body: { error: err.message } };
      return { status: 500, body: { error: 'internal' } };
    }
  };
}

export function auth(tokens) {
  return (ctx, next) => {
    if (ctx.req.method === 'GET' || ctx.req.method === 'HEAD') return next();
    const header = ctx.req.headers.authorization ?? '';
    if (!header.startsWith('Bearer ') || !tokens.has(header.slice(7))) return { status: 400, body: { error: 'unauthorised' } };
    ctx.user = tokens.get(header.slice(7));
    return next();
  };
}
`,
  'src/http/store.js': `export class Store {
  constructor() {
    this.rows = new Map();
    this.next = 1;
  }

  insert(row) {
    const id = this.next++;
    const saved = { ...row, id, version: 1 };
    this.rows.set(id, saved);
    return saved;
  }

  get(id) {
    return this.rows.get(id);
  }

  update(id, patch, version) {
    const row = this.rows.get(id);
    if (!row) return undefined;
    if (version !== undefined && version !== row.version) return null;
    const next = { ...row, ...patch, id, version: row.version + 1 };
    this.rows.set(id, next);
    return next;
  }

  remove(id) {
    return this.rows.delete(id);
  }

  query({ where = {}, sort = 'id', limit = 20, offset = 0 } = {}) {
    const keys = Object.keys(where);
    const hits = [];
    for (const row of this.rows.values()) if (keys.every((k) => String(row[k]) === String(where[k]))) hits.push(row);
    hits.sort((a, b) => (a[sort] < b[sort] ? -1 : a[sort] > b[sort] ? 1 : a.id - b.id));
    return { total: hits.length, rows: hits.slice(offset, offset + limit) };
  }
}
`,
  'src/http/app.js': `import { Router } from './router.js';
import { parseRequest, readJson, HttpError } from './parse.js';
import { serializeResponse } from './serialize.js';
import { compose, requestId, errors, auth } from './middleware.js';
import { Store } from './store.js';

function validateUser(body) {
  if (!body || typeof body !== 'object') throw new HttpError(400, 'body must be an object');
  if (typeof body.name !== 'string' || body.name.length < 2) throw new HttpError(400, 'name');
  if (body.age !== undefined && (!Number.isInteger(body.age) || body.age < 0 || body.age > 150)) throw new HttpError(400, 'age');
  if (body.email !== undefined && !/^[^@\\s]+@[^@\\s]+\\.[a-z]+$/.test(body.email)) throw new HttpError(400, 'email');
  return { name: body.name, age: body.age ?? null, email: body.email ?? null, team: body.team ?? 'none' };
}

export function createApp() {
  const users = new Store();
  const router = new Router();
  router
    .add('GET', '/health', () => ({ status: 200, body: { ok: true } }))
    .add('GET', '/users', (ctx) => {
      const q = ctx.req.query;
      const where = q.team ? { team: q.team } : {};
      const r = users.query({ where, sort: q.sort ?? 'id', limit: Number(q.limit ?? 20), offset: Number(q.offset ?? 0) });
      return { status: 200, body: r, headers: { 'x-total': String(r.total) } };
    })
    .add('POST', '/users', (ctx) => ({ status: 201, body: users.insert(validateUser(readJson(ctx.req))) }))
    .add('GET', '/users/:id', (ctx) => {
      const row = users.get(Number(ctx.params.id));
      return row ? { status: 200, body: row } : { status: 404, body: { error: 'no user ' + ctx.params.id } };
    })
    .add('PATCH', '/users/:id', (ctx) => {
      const patch = readJson(ctx.req) ?? {};
      const version = ctx.req.headers['if-match'] === undefined ? undefined : Number(ctx.req.headers['if-match']);
      const row = users.update(Number(ctx.params.id), patch, version);
      if (row === null) return { status: 409, body: { error: 'version' } };
      return row ? { status: 200, body: row } : { status: 404, body: { error: 'no user' } };
    })
    .add('DELETE', '/users/:id', (ctx) => ({ status: users.remove(Number(ctx.params.id)) ? 204 : 404 }))
    .add('GET', '/users/:id/friends/:friend', (ctx) => ({ status: 200, body: { a: ctx.params.id, b: ctx.params.friend } }))
    .add('GET', '/static/*', (ctx) => ({ status: 200, body: 'file:' + ctx.params['*'], headers: { 'content-type': 'text/plain' } }))
    .add('POST', '/echo', (ctx) => ({ status: 200, body: { headers: ctx.req.headers, query: ctx.req.query, body: ctx.req.body } }));
  const tokens = new Map([['t0k3n', 'admin']]);
  const pipeline = compose([errors(), requestId(), auth(tokens)]);
  return {
    users,
    handle(raw) {
      let req;
      try {
        req = parseRequest(raw);
      } catch (err) {
        return serializeResponse({ status: err.status ?? 400, body: { error: err.message } });
      }
      const ctx = { req, params: {} };
      const res = pipeline(ctx, () => {
        const m = router.match(req.method, req.path);
        if (m.status === 404) return { status: 404, body: { error: 'no route' } };
        if (m.status === 405) return { status: 405, headers: { allow: m.allow }, body: { error: 'method' } };
        ctx.params = m.params;
        return m.handler(ctx);
      });
      return serializeResponse(res, req);
    },
  };
}
`,
  'src/http/client.js': `// Builds raw requests as a client would send them.
export function request(method, target, { headers = {}, json } = {}) {
  const h = { host: 'bench.local', ...headers };
  let body = '';
  if (json !== undefined) {
    body = JSON.stringify(json);
    h['content-type'] = 'application/json';
  }
  if (body || method === 'POST' || method === 'PATCH') h['content-length'] = String(body.length);
  return method + ' ' + target + ' HTTP/1.1\\r\\n' + Object.entries(h).map(([k, v]) => k + ': ' + v).join('\\r\\n') + '\\r\\n\\r\\n' + body;
}
`,
};

/** Test bodies for the http suite: each routes `n` requests of one kind. `k` varies the data. */
const HTTP_CASES = [
  (n, k) => `const app = createApp();
    const auth = { authorization: 'Bearer t0k3n' };
    for (let i = 0; i < ${n}; i++) {
      const r = parseResponse(app.handle(request('POST', '/users', { headers: auth, json: { name: 'user' + i, age: (i * ${k}) % 90, team: 't' + (i % 7) } })));
      assert.equal(r.status, 201);
    }
    const list = parseResponse(app.handle(request('GET', '/users?team=t3&sort=name&limit=5')));
    assert.equal(list.status, 200);
    assert.equal(JSON.parse(list.body).rows.length, 5);`,
  (n, k) => `const app = createApp();
    const auth = { authorization: 'Bearer t0k3n' };
    const users = Math.floor(${n} / 4);
    for (let i = 0; i < users; i++) app.handle(request('POST', '/users', { headers: auth, json: { name: 'u' + i, email: 'u' + i + '@x.org' } }));
    let etags = 0;
    for (let i = 1; i <= ${n}; i++) {
      const id = (i * ${k}) % users + 1;
      const first = parseResponse(app.handle(request('GET', '/users/' + id)));
      const again = parseResponse(app.handle(request('GET', '/users/' + id, { headers: { 'if-none-match': first.headers.etag } })));
      if (again.status === 304) etags++;
    }
    assert.equal(etags, ${n});`,
  (n, k) => `const app = createApp();
    const auth = { authorization: 'Bearer t0k3n' };
    app.handle(request('POST', '/users', { headers: auth, json: { name: 'first' } }));
    let conflicts = 0;
    for (let i = 0; i < ${n}; i++) {
      const r = parseResponse(app.handle(request('PATCH', '/users/1', { headers: { ...auth, 'if-match': String(i % ${k} === 0 ? 0 : i + 1 - conflicts) }, json: { age: i % 100 } })));
      if (r.status === 409) conflicts++;
      else assert.equal(r.status, 200);
    }
    assert.ok(conflicts > 0);`,
  (n, k) => `const app = createApp();
    const kinds = ['/health', '/nowhere', '/users/7/friends/' + ${k}, '/static/a/b/c.css', '/users/x%20y'];
    const seen = {};
    for (let i = 0; i < ${n}; i++) {
      const r = parseResponse(app.handle(request(i % 11 === 0 ? 'PUT' : 'GET', kinds[i % kinds.length] + '?i=' + i + '&tag=a+b', { headers: { authorization: 'Bearer t0k3n' } })));
      seen[r.status] = (seen[r.status] ?? 0) + 1;
    }
    assert.ok(seen[200] > 0 && seen[404] > 0 && seen[405] > 0);`,
  (n, k) => `const app = createApp();
    const big = { items: Array.from({ length: 40 }, (_, i) => ({ z: i, a: 'v' + i * ${k}, m: [i, i + 1] })) };
    let total = 0;
    for (let i = 0; i < ${n} / 2; i++) {
      const raw = app.handle(request('POST', '/echo?n=' + i, { headers: { 'accept-encoding': i % 2 ? 'chunked' : 'identity', 'x-n': String(i) }, json: big }));
      const r = parseResponse(raw);
      assert.equal(r.status, 400);
      total += r.body.length;
      const ok = parseResponse(app.handle(request('POST', '/echo?n=' + i, { headers: { authorization: 'Bearer t0k3n', 'accept-encoding': i % 2 ? 'chunked' : 'identity' }, json: big })));
      assert.equal(JSON.parse(ok.body).query.n, String(i));
    }
    assert.ok(total > 0);`,
  (n, k) => `const app = createApp();
    let bad = 0;
    const raws = ['BREW /pot HTTP/1.1\\r\\n\\r\\n', 'GET / HTTP/2\\r\\n\\r\\n', 'GET / HTTP/1.1\\r\\nnocolon\\r\\n\\r\\n', 'POST /users HTTP/1.1\\r\\ncontent-length: 999999\\r\\n\\r\\n', 'GET /health HTTP/1.1'];
    for (let i = 0; i < ${n}; i++) {
      const r = parseResponse(app.handle(raws[(i + ${k}) % raws.length]));
      if (r.status >= 400) bad++;
    }
    assert.equal(bad, ${n});
    assert.equal(stableJson({ b: [1, { d: 1, c: 2 }], a: null }), '{"a":null,"b":[1,{"c":2,"d":1}]}');
    assert.equal(formatQuery({ b: 'x y', a: 1 }), 'a=1&b=x%20y');`,
];

/** The http suite: `files` test files of `testsPerFile` tests; `work` scales the requests per test. */
export function generateHttpSuite(dir, { files = 8, testsPerFile = 24, work = 200 } = {}) {
  project(dir, 'bench-http');
  for (const [rel, text] of Object.entries(HTTP_SRC)) write(dir, rel, text);
  for (let f = 0; f < files; f++) {
    const lines = [
      `import { describe, it } from 'node:test';`,
      `import assert from 'node:assert/strict';`,
      `import { createApp } from '../src/http/app.js';`,
      `import { request } from '../src/http/client.js';`,
      `import { parseResponse, stableJson } from '../src/http/serialize.js';`,
      `import { formatQuery } from '../src/http/query.js';`,
      '',
      `describe('http ${f}', () => {`,
    ];
    for (let t = 0; t < testsPerFile; t++) {
      const c = (f + t) % HTTP_CASES.length;
      // 1-50 ms: the request count varies by test, seeded by position.
      const n = Math.max(8, Math.round(work * (0.25 + ((f * 7 + t * 13) % 16) / 10)));
      lines.push(`  it('case ${c} #${t} (${n} requests)', () => {\n    ${HTTP_CASES[c](n, (t % 5) + 2)}\n  });`);
    }
    lines.push('});');
    write(dir, `test/http-${String(f).padStart(2, '0')}.test.js`, lines.join('\n') + '\n');
  }
  return dir;
}

/** One module of the graph: a class, a pipeline step and helpers; some helpers are never called (as in real code). */
function graphModule(name, imports, seed) {
  const imp = imports.map((m, i) => `import { step as dep${i}, Model as Dep${i} } from '${m}';`).join('\n');
  const deps = imports.map((_, i) => `dep${i}`);
  const a = (seed % 5) + 2;
  const b = (seed % 11) + 3;
  return `${imp}

export const NAME = '${name}';

export class Model {
  constructor(fields) {
    this.fields = { ...fields, kind: NAME };
    this.errors = [];
  }

  validate() {
    const f = this.fields;
    if (typeof f.id !== 'number') this.errors.push('id');
    if (f.value < 0) this.errors.push('value < 0');
    else if (f.value > ${b * 1000}) this.errors.push('value too large');
    if (f.tags && f.tags.length > ${a + 4}) this.errors.push('tags');
    return this.errors.length === 0;
  }

  serialize() {
    const keys = Object.keys(this.fields).sort();
    let out = '';
    for (const k of keys) out += k + '=' + JSON.stringify(this.fields[k]) + ';';
    return out;
  }
}

function score(x) {
  let s = 0;
  for (let i = 0; i < ${a}; i++) s += (x * (i + ${b})) % ${a + 7};
  return x % 2 === 0 ? s + ${seed % 13} : s - ${seed % 7};
}

export function step(rows, depth = 0) {
  const out = [];
  for (const row of rows) {
    const value = (row.value + score(row.id)) % ${b * 1000};
    const m = new Model({ id: row.id, value, tags: row.tags });
    if (m.validate()) out.push({ id: row.id, value, tags: row.tags, sig: m.serialize().length });
  }
  if (depth > 0) {
${deps.length ? deps.map((d, i) => `    if (depth % ${deps.length} === ${i}) return ${d}(out, depth - 1);`).join('\n') + '\n' : ''}  }
  return out;
}

export function summarize(rows) {
  const byTag = new Map();
  for (const r of rows) for (const t of r.tags ?? []) byTag.set(t, (byTag.get(t) ?? 0) + r.value);
  return [...byTag].sort((x, y) => y[1] - x[1]).slice(0, ${a});
}

export function unusedFormat(rows, sep = ',') {
  return rows.map((r) => [r.id, r.value, (r.tags ?? []).join('|')].join(sep)).join('\\n');
}

export function unusedParse(text) {
  return text.split('\\n').filter(Boolean).map((l) => {
    const [id, value, tags] = l.split(',');
    return { id: Number(id), value: Number(value), tags: tags ? tags.split('|') : [] };
  });
}

export function unusedDiff(a, b) {
  const seen = new Set(a.map((r) => r.id));
  const added = b.filter((r) => !seen.has(r.id));
  const removed = a.filter((r) => !b.some((x) => x.id === r.id));
  return { added, removed, same: a.length - removed.length };
}
`;
}

/**
 * The graph suite: `packages` x `modules` files under src/ (each imports two earlier modules), a
 * dependency of `depModules` files under node_modules/gdep, one index importing everything; `files`
 * test files of `testsPerFile` tests, each running one package's pipeline over `rows` rows.
 */
export function generateGraphSuite(dir, { packages = 24, modules = 14, depModules = 72, files = 12, testsPerFile = 16, rows = 250 } = {}) {
  project(dir, 'bench-graph');
  // The dependency: a flat package of modules, imported (all of it) by src/ as a framework imports its deps.
  write(dir, 'node_modules/gdep/package.json', JSON.stringify({ name: 'gdep', type: 'module', exports: './index.js' }) + '\n');
  const depIndex = [];
  for (let i = 0; i < depModules; i++) {
    const imports = i < 2 ? [] : [`./d${String(i - 1).padStart(3, '0')}.js`, `./d${String((i * 7) % i).padStart(3, '0')}.js`];
    write(dir, `node_modules/gdep/d${String(i).padStart(3, '0')}.js`, graphModule(`gdep/d${i}`, imports, i * 31 + 7));
    depIndex.push(`export * as d${i} from './d${String(i).padStart(3, '0')}.js';`);
  }
  write(dir, 'node_modules/gdep/index.js', depIndex.join('\n') + '\n');
  const index = [];
  for (let p = 0; p < packages; p++) {
    const pkg = `p${String(p).padStart(2, '0')}`;
    const pIndex = [];
    for (let m = 0; m < modules; m++) {
      const imports = [];
      if (m > 0) imports.push(`./m${String(m - 1).padStart(2, '0')}.js`);
      if (p > 0) imports.push(`../p${String((p * 5 + m) % p).padStart(2, '0')}/m${String((m * 3) % modules).padStart(2, '0')}.js`);
      else if (m > 0) imports.push(`gdep/d${String((m * 5) % depModules).padStart(3, '0')}.js`);
      if (imports.length < 2) imports.push(`gdep/d${String((p * 3 + m) % depModules).padStart(3, '0')}.js`);
      write(dir, `src/${pkg}/m${String(m).padStart(2, '0')}.js`, graphModule(`${pkg}/m${m}`, imports, p * 97 + m * 13));
      pIndex.push(`export * as m${m} from './m${String(m).padStart(2, '0')}.js';`);
    }
    write(dir, `src/${pkg}/index.js`, pIndex.join('\n') + '\n');
    index.push(`import * as ${pkg} from './${pkg}/index.js';`);
  }
  write(dir, 'node_modules/gdep/package.json', JSON.stringify({ name: 'gdep', type: 'module', exports: { '.': './index.js', './*': './*' } }) + '\n');
  index.push(`import * as dep from 'gdep';`);
  index.push(`export const packages = [${Array.from({ length: packages }, (_, p) => `p${String(p).padStart(2, '0')}`).join(', ')}];`);
  index.push(`export const depCount = Object.keys(dep).length;`);
  index.push(`export function data(n, seed) {
  const rows = [];
  let x = seed >>> 0;
  for (let i = 0; i < n; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    rows.push({ id: i, value: x % 5000, tags: ['t' + (x % 5), 't' + (i % 3)] });
  }
  return rows;
}

export function pipeline(pkg, name, rows, depth) {
  const mod = packages[pkg][name];
  return mod.summarize(mod.step(rows, depth));
}`);
  write(dir, 'src/index.js', index.join('\n') + '\n');
  for (let f = 0; f < files; f++) {
    const lines = [
      `import { describe, it } from 'node:test';`,
      `import assert from 'node:assert/strict';`,
      `import { data, pipeline, packages, depCount } from '../src/index.js';`,
      '',
      `describe('graph ${f}', () => {`,
      `  it('loads the graph', () => {\n    assert.equal(packages.length, ${packages});\n    assert.equal(depCount, ${depModules});\n  });`,
    ];
    for (let t = 1; t < testsPerFile; t++) {
      const pkg = (f * 5 + t * 3) % packages;
      const mod = (f + t * 7) % modules;
      const n = Math.round(rows * (0.3 + ((f * 3 + t * 5) % 10) / 6));
      const depth = 2 + ((f + t) % 5);
      lines.push(`  it('p${pkg}/m${mod} over ${n} rows, depth ${depth}', () => {
    const top = pipeline(${pkg}, 'm${mod}', data(${n}, ${f * 1000 + t}), ${depth});
    assert.ok(Array.isArray(top) && top.length > 0);
    assert.ok(top.every(([tag, v]) => typeof tag === 'string' && Number.isFinite(v)));
  });`);
    }
    lines.push('});');
    write(dir, `test/graph-${String(f).padStart(2, '0')}.test.js`, lines.join('\n') + '\n');
  }
  return dir;
}
