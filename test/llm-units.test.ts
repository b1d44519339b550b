// The pure parts of the LLM step: answer judging, test selection, context assembly (limits, globs,
// redaction, audit record), prompt, cache (checksums, corruption, prune) and the limiters.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, utimesSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { judgeAnswer, restatesName } from '../lib/llm/answer.js';
import { selectTests, testMatcher } from '../lib/llm/select.js';
import { buildContext } from '../lib/llm/context.js';
import { buildPrompt, promptSha256, responseSchema } from '../lib/llm/prompt.js';
import { AnnotationCache, cacheKey, pruneCache } from '../lib/llm/cache.js';
import { Gate, TokenBudget, backoffMs, costEstimate, retryAfterMs, type Clock } from '../lib/llm/limits.js';
import { applyToNdjson } from '../lib/llm/apply.js';
import { createRedactor } from '../lib/redact/index.js';
import { configDefaults } from '../lib/config/index.js';
import { annotateChildEnv, apiKeyFrom } from '../lib/config/llm.js';
import type { TestLine } from '../lib/types.js';
import type { AnnotateOutput } from '../lib/llm/annotate.js';

function testLine(over: Partial<TestLine> = {}): TestLine {
  return {
    type: 'test', id: 'id-' + (over.name ?? 'sums prices'), file: 'test/cart.test.js', entry_file: 'test/cart.test.js', line: 2, column: 1,
    name: 'sums prices', path: ['cart'], nesting: 1, occurrence: 1, status: 'passed', duration_ms: 1, attempt: 0, ...over,
  };
}

const good = { scenario: 'Calls total() with two items and expects 5.', why_needed: 'Catches wrong multiplication of price by quantity.', key_assertions: ['total(...) equals 5'] };

describe('answers', () => {
  it('accepts a specific answer, also inside a Markdown fence', () => {
    const r = judgeAnswer('```json\n' + JSON.stringify(good) + '\n```', testLine(), false);
    assert.ok(r.ok);
    assert.deepEqual(r.answer, good);
  });

  it('rejects empty, non-JSON, schema-violating and name-restating answers with a reason', () => {
    const t = testLine();
    const reasons = [
      judgeAnswer('', t, false),
      judgeAnswer('I think this test is fine', t, false),
      judgeAnswer(JSON.stringify({ ...good, scenario: 42 }), t, false),
      judgeAnswer(JSON.stringify({ ...good, confidence: 0.8 }), t, false),
      judgeAnswer(JSON.stringify({ ...good, scenario: '   ' }), t, false),
      judgeAnswer(JSON.stringify({ ...good, scenario: 'Tests that the cart sums prices correctly.' }), t, false),
      judgeAnswer(JSON.stringify({ ...good, why_needed: 'To ensure it sums prices.' }), t, false),
      judgeAnswer(JSON.stringify({ ...good, key_assertions: [''] }), t, false),
      judgeAnswer(JSON.stringify(good), t, true),
    ].map((r) => (r.ok ? 'ok' : r.reason));
    assert.deepEqual(reasons, [
      'the answer is empty',
      'the answer is not JSON',
      'the answer does not match the schema: /scenario must be string',
      'the answer does not match the schema: / must NOT have additional properties',
      'scenario or why_needed is empty',
      'scenario only restates the test name',
      'why_needed only restates the test name',
      'the answer does not match the schema: /key_assertions/0 must NOT have fewer than 1 characters',
      'likely_cause is missing for a failed test',
    ]);
  });

  it('tells a restatement from content', () => {
    const t = { name: 'rejects negative quantities', path: ['cart'] };
    assert.ok(restatesName('Verifies that the cart rejects a negative quantity.', t));
    assert.ok(!restatesName('Passes qty -1 to total() and expects a RangeError.', t));
  });
});

describe('selection', () => {
  const s = configDefaults().llm;
  it('annotates tests that ran, failed first, honours llm_mode and globs, cuts at max_tests', () => {
    const tests = [
      testLine({ name: 'a' }),
      testLine({ name: 'b', status: 'failed' }),
      testLine({ name: 'c', status: 'skipped' }),
      testLine({ name: 'd', llm_mode: 'off' }),
      testLine({ name: 'e', llm_mode: 'complete' }),
      testLine({ name: 'f', file: 'test/legacy/x.test.js' }),
      testLine({ name: 'g', file: 'test/db.test.js' }),
      testLine({ name: 'h', file_level: true, status: 'failed' }),
    ];
    const sel = selectTests(tests, { ...s, max_tests: 3, tests: { exclude: ['test/legacy/**'], minimal: ['test/db.test.js'], balanced: [], complete: [] } });
    assert.deepEqual(sel.candidates.map((c) => [c.test.name, c.mode]), [['b', 'balanced'], ['a', 'balanced'], ['e', 'complete']]);
    assert.deepEqual(sel.overLimit.map((t) => t.name), ['g']);
    assert.equal(sel.off, 2);
    assert.equal(sel.status, 2);
  });

  it('matches titles after a #', () => {
    const m = testMatcher(['test/*.test.js#cart > sums*']);
    assert.ok(m(testLine()));
    assert.ok(!m(testLine({ name: 'rejects' })));
    assert.ok(!m(testLine({ file: 'test/sub/cart.test.js' })));
  });
});

describe('context', () => {
  const limits = { max_bytes: 32768, max_files: 10, include: ['**'], exclude: configDefaults().llm.context.exclude };
  const files: Record<string, string> = {
    'test/cart.test.js': "import { total } from '../src/cart.js';\nit('sums prices', () => {\n  // password = \"hunter2-canary\"\n  assert.equal(total(2), 4);\n});\nfunction helper() {\n  return 1;\n}\n",
    'src/cart.js': 'export function total(n) {\n  return n * 2;\n}\nexport function unused() {\n  return 0;\n}\n',
    'src/big.js': `export function big() {\n${'  x++;\n'.repeat(3000)}}\n`,
    '.env': 'TOKEN=abcdef-canary',
  };
  const read = (f: string): string | undefined => files[f];
  const redact = createRedactor({});

  it('sends the body and the functions the test executed, redacted, and records what was sent', () => {
    const test = testLine({ coverage: [{ file: 'src/cart.js', lines: [[2, 2]] }, { file: 'test/cart.test.js', lines: [[4, 4], [7, 7]] }] });
    const c = buildContext({ test, mode: 'balanced', read, limits, redact });
    assert.ok(c.ok);
    assert.deepEqual(c.sections.map((s) => [s.file, s.kind]), [['test/cart.test.js', 'test_body'], ['src/cart.js', 'executed'], ['test/cart.test.js', 'executed']]);
    assert.match(c.sections[0]!.text, /\[REDACTED:generic-secret\]/);
    assert.ok(!c.sections.some((s) => s.text.includes('hunter2-canary')));
    assert.equal(c.sections[1]!.text, 'export function total(n) {\n  return n * 2;\n}');
    assert.deepEqual(c.record.files.map((f) => [f.file, f.lines, f.redacted ?? false]), [
      ['test/cart.test.js', [[2, 5]], true],
      ['src/cart.js', [[1, 3]], false],
      ['test/cart.test.js', [[6, 8]], false],
    ]);
    assert.equal(c.record.bytes, c.sections.reduce((n, s) => n + Buffer.byteLength(s.text), 0));
    assert.equal(c.record.truncated, false);
  });

  it('never sends excluded files (.env, keys) and bounds bytes and files', () => {
    const test = testLine({ coverage: [{ file: '.env', lines: [[1, 1]] }, { file: 'src/big.js', lines: [[2, 3]] }, { file: 'src/cart.js', lines: [[2, 2]] }] });
    const c = buildContext({ test, mode: 'complete', read, limits: { ...limits, max_bytes: 2000 }, redact });
    assert.ok(c.ok);
    assert.ok(!c.sections.some((s) => s.file === '.env'));
    assert.deepEqual(c.record.omitted, [{ file: '.env', reason: 'excluded' }, { file: 'src/cart.js', reason: 'max_bytes' }]);
    assert.equal(c.record.truncated, true);
    assert.ok(c.record.bytes <= 2000, String(c.record.bytes));
    assert.equal(c.record.files.find((f) => f.file === 'src/big.js')?.truncated, true);
    const one = buildContext({ test, mode: 'complete', read, limits: { ...limits, max_files: 1 }, redact });
    assert.ok(one.ok);
    assert.deepEqual(one.record.files.map((f) => f.file), ['test/cart.test.js']);
  });

  it('gives no body for recovered tests (line 0) and says so', () => {
    const c = buildContext({ test: testLine({ line: 0, column: 0, recovered: 'child_journal' }), mode: 'minimal', read, limits, redact });
    assert.ok(!c.ok);
    assert.match(c.reason, /recovered from the in-child journal.*line 0/);
    const moved = buildContext({ test: testLine({ line: 3, column: 3 }), mode: 'minimal', read, limits, redact });
    assert.ok(!moved.ok && /no call at 3:3/.test(moved.reason));
  });
});

describe('prompt', () => {
  it('has no positions (moving code does not change it) and asks for likely_cause only on failures', () => {
    const sections = [{ file: 'test/cart.test.js', kind: 'test_body' as const, text: "it('x', () => {})" }];
    const p1 = buildPrompt(testLine({ line: 2 }), sections, (s) => s);
    const p2 = buildPrompt(testLine({ line: 40, column: 9 }), sections, (s) => s);
    assert.equal(promptSha256(p1.messages), promptSha256(p2.messages));
    assert.doesNotMatch(p1.messages[0]!.content, /likely_cause/);
    const failed = buildPrompt(testLine({ status: 'failed', failure: { kind: 'assertion', message: 'Expected 5', expected: '5', actual: '4' } }), sections, (s) => s);
    assert.match(failed.messages[0]!.content, /likely_cause/);
    assert.match(failed.messages[1]!.content, /expected: 5\nactual: 4/);
    assert.deepEqual(responseSchema(false).required, ['scenario', 'why_needed', 'key_assertions']);
    assert.deepEqual(responseSchema(true).required, ['scenario', 'why_needed', 'key_assertions', 'likely_cause']);
    assert.equal(JSON.stringify(responseSchema(true)).includes('minLength'), false);
  });

  it('fences code with more backticks than it holds', () => {
    const sections = [{ file: 'a.test.ts', kind: 'test_body' as const, text: 'it("x", () => { const s = ```; })' }];
    assert.match(buildPrompt(testLine(), sections, (s) => s).messages[1]!.content, /````ts\n/);
  });
});

describe('cache', () => {
  const entry = (key: string) => ({ key, provider: 'openai', host: 'h', model: 'm', prompt_version: '1', prompt_sha256: 'a'.repeat(64), answer: good, usage: { input_tokens: 10, output_tokens: 5 }, created_at: '2024-01-01T00:00:00.000Z' });

  it('is keyed on provider, host, model, prompt version and the exact messages', () => {
    const base = { provider: 'openai', host: 'h', model: 'm', prompt_version: '1', messages: [{ role: 'user' as const, content: 'x' }] };
    const keys = new Set([
      cacheKey(base),
      cacheKey({ ...base, model: 'm2' }),
      cacheKey({ ...base, host: 'h2' }),
      cacheKey({ ...base, prompt_version: '2' }),
      cacheKey({ ...base, messages: [{ role: 'user', content: 'y' }] }),
    ]);
    assert.equal(keys.size, 5);
    assert.equal(cacheKey(base), cacheKey({ ...base }));
  });

  it('writes atomically, detects corrupt and tampered entries, and prunes', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'llmr-cache-'));
    const cache = new AnnotationCache(dir);
    const k1 = 'a1'.repeat(32);
    const k2 = 'b2'.repeat(32);
    const k3 = 'c3'.repeat(32);
    await Promise.all([cache.write(entry(k1)), cache.write(entry(k2)), cache.write(entry(k3))]);
    assert.deepEqual(readdirSync(path.join(dir, 'a1')), [`${k1}.json`], 'no temp file left behind');
    const hit = cache.read(k1);
    assert.ok('hit' in hit && hit.hit.usage.input_tokens === 10);
    assert.ok('miss' in cache.read('d4'.repeat(32)));
    writeFileSync(cache.fileOf(k2), readFileSync(cache.fileOf(k2), 'utf8').slice(0, 50));
    const torn = cache.read(k2);
    assert.ok('corrupt' in torn && /not valid JSON/.test(torn.corrupt));
    writeFileSync(cache.fileOf(k3), readFileSync(cache.fileOf(k3), 'utf8').replace('Calls total()', 'Calls TOTAL()'));
    const tampered = cache.read(k3);
    assert.ok('corrupt' in tampered && /checksum/.test(tampered.corrupt));
    writeFileSync(`${cache.fileOf(k1)}.tmp-1-abcd`, 'partial');
    const old = new Date(Date.now() - 40 * 86_400_000);
    utimesSync(`${cache.fileOf(k1)}.tmp-1-abcd`, old, old);
    assert.deepEqual(pruneCache(dir, { maxAgeDays: 30, dryRun: true }), { kept: 1, removed: 0, corrupt: 2, temp: 1, bytes_freed: pruneCache(dir, { maxAgeDays: 30, dryRun: true }).bytes_freed });
    const r = pruneCache(dir, { maxAgeDays: 30 });
    assert.deepEqual([r.kept, r.removed, r.corrupt, r.temp], [1, 0, 2, 1]);
    utimesSync(cache.fileOf(k1), old, old);
    assert.equal(pruneCache(dir, { maxAgeDays: 30 }).removed, 1);
    assert.deepEqual(readdirSync(dir), [], 'empty shard directories go too');
  });
});

describe('limits', () => {
  function fakeClock(): Clock & { t: number } {
    const c = { t: 0, now: () => c.t, sleep: (ms: number) => { c.t += Math.max(0, ms); return Promise.resolve(); } };
    return c;
  }

  it('spaces request starts by the RPM and holds everyone during a Retry-After pause', async () => {
    const clock = fakeClock();
    const gate = new Gate(120, clock); // one start per 500 ms
    const starts: number[] = [];
    await Promise.all([0, 1, 2].map(async () => { await gate.acquire(); starts.push(clock.t); }));
    assert.deepEqual(starts, [0, 500, 1000]);
    gate.pause(3000);
    await gate.acquire();
    assert.equal(clock.t, 4000);
  });

  it('reads Retry-After in seconds, as a date and as retry-after-ms', () => {
    const h = (o: Record<string, string>) => ({ get: (n: string) => o[n] ?? null });
    assert.equal(retryAfterMs(h({ 'retry-after': '2' })), 2000);
    assert.equal(retryAfterMs(h({ 'retry-after-ms': '150', 'retry-after': '9' })), 150);
    assert.equal(retryAfterMs(h({ 'retry-after': new Date(10_000).toUTCString() }), 4000), 6000);
    assert.equal(retryAfterMs(h({ 'retry-after': 'soon' })), undefined);
    assert.equal(retryAfterMs(h({})), undefined);
  });

  it('backs off exponentially with jitter, capped', () => {
    assert.deepEqual([0, 1, 2, 10].map((a) => backoffMs(a, () => 1)), [500, 1000, 2000, 20000]);
    assert.deepEqual([0, 1].map((a) => backoffMs(a, () => 0)), [250, 500]);
  });

  it('keeps the token budget with reservations, and prices tokens', () => {
    const b = new TokenBudget(1000);
    assert.ok(b.reserve(600));
    assert.ok(!b.reserve(500));
    b.settle(600, 300);
    assert.ok(b.reserve(500));
    assert.equal(b.spent, 300);
    assert.ok(new TokenBudget(0).reserve(1e12), '0 means no budget');
    assert.deepEqual(costEstimate(1_000_000, 500_000, { input_per_mtok: 2.5, output_per_mtok: 10, currency: 'USD' }), { amount: 7.5, currency: 'USD', input_per_mtok: 2.5, output_per_mtok: 10 });
    assert.equal(costEstimate(10, 10, { input_per_mtok: 0, output_per_mtok: 0, currency: 'USD' }), undefined);
  });
});

describe('key and child environment', () => {
  it('reads the key only from the named variable; the auto-annotate child loses our preload', () => {
    assert.deepEqual(apiKeyFrom('MY_KEY', { MY_KEY: 'k-123456', OPENAI_API_KEY: 'other' }), { name: 'MY_KEY', value: 'k-123456' });
    assert.deepEqual(apiKeyFrom('MY_KEY', { MY_KEY: '' }), { name: 'MY_KEY', value: undefined });
    const env = annotateChildEnv({ NODE_OPTIONS: '--max-old-space-size=100 --import=file:///x/llm-report.mjs', LLM_REPORT_WORK_DIR: '/tmp/w', PATH: '/bin' });
    assert.deepEqual(env, { NODE_OPTIONS: '--max-old-space-size=100', PATH: '/bin' });
  });
});

describe('apply to results.ndjson', () => {
  it('replaces annotations and LLM warnings, keeps unknown lines byte for byte, warnings before run_end', () => {
    const t = testLine();
    const text = [
      '{"type":"run_start"}',
      JSON.stringify({ ...t, annotation_error: { code: 'LLMR_LLM_TIMEOUT', message: 'old' } }),
      '{"type":"coverage","file":"src/a.js","x": 1}',
      '{"code":"LLMR_LLM_TIMEOUT","message":"old","type":"warning"}',
      '{"code":"LLMR_FILE_FAILED","message":"x","type":"warning"}',
      '{"type":"run_end"}',
      '',
    ].join('\n');
    const out: AnnotateOutput = {
      outcomes: new Map([[`${t.id}\u0000${t.attempt}`, { error: { code: 'LLMR_LLM_AUTH', message: 'new' } }]]),
      totals: {} as AnnotateOutput['totals'],
      warnings: [{ code: 'LLMR_LLM_AUTH', message: 'refused' }],
    };
    const lines = applyToNdjson(text, out).trimEnd().split('\n');
    assert.equal(lines[2], '{"type":"coverage","file":"src/a.js","x": 1}');
    assert.deepEqual(JSON.parse(lines[1]!).annotation_error, { code: 'LLMR_LLM_AUTH', message: 'new' });
    assert.deepEqual(lines.slice(3).map((l) => JSON.parse(l).code ?? JSON.parse(l).type), ['LLMR_FILE_FAILED', 'LLMR_LLM_AUTH', 'run_end']);
  });
});
