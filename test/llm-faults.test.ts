// `llm-report annotate` against a fake OpenAI-compatible server on 127.0.0.1, through the real `openai`
// client: every fault ends as a coded warning and a per-test annotation_error, the run's verdict and
// report are untouched, and the limits (max tests, token budget, concurrency, RPM) hold and are reported.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { closedPort, maxOverlap, startFakeOpenAI, userMessage, type FakeOpenAI, type Script } from './helpers/fake-openai.js';
import { copyFixture, runNodeTest } from './helpers/run.js';
import { annotateRun, copyRun, readAddenda, readReport, readResults, runCli, withoutLlm } from './helpers/llm.js';
import { validateLine, validateReport } from '../lib/generated/validators.js';
import type { Report, TestLine } from '../lib/types.js';

let base: string;
let original: Report;
let server: FakeOpenAI;

before(async () => {
  base = copyFixture('llm');
  const r = runNodeTest(base);
  assert.ok(r.report, r.stderr);
  assert.equal(r.report.run.status, 'failed');
  original = r.report;
  server = await startFakeOpenAI();
});
after(() => server.close());

const ran = (r: Report): TestLine[] => r.tests.filter((t) => t.status === 'passed' || t.status === 'failed');

/** Annotates a fresh copy of the saved run with `script`; checks what must hold whatever the fault. */
async function faulty(script: Script, args: string[], url?: string): Promise<{ report: Report; dir: string; requests: FakeOpenAI['requests'] }> {
  const dir = copyRun(base);
  server.script = script;
  const first = server.requests.length;
  const res = await annotateRun(dir, url ?? server.url, args);
  assert.equal(res.code, 0, res.stderr);
  const report = readReport(dir);
  assert.ok(validateReport(report), JSON.stringify(validateReport.errors?.[0]));
  assert.deepEqual(withoutLlm(report), withoutLlm(original), 'the report apart from annotations is unchanged');
  assert.equal(report.run.status, 'failed');
  for (const line of readResults(dir)) assert.ok(validateLine(line), JSON.stringify(validateLine.errors?.[0]));
  return { report, dir, requests: server.requests.slice(first) };
}

function expectAll(report: Report, dir: string, code: string): void {
  const tests = ran(report);
  assert.equal(tests.length, 5);
  for (const t of tests) {
    assert.equal(t.annotation, undefined);
    assert.equal(t.annotation_error?.code, code, `${t.name}: ${JSON.stringify(t.annotation_error)}`);
  }
  assert.ok(report.warnings.some((w) => w.code === code), `warning ${code}`);
  assert.equal(report.llm?.errors_by_code[code], 5);
  assert.equal(report.llm?.annotated, 0);
  // The run is sealed: the errors are in its addendum, never in the sealed results.ndjson.
  const added = readAddenda(dir).at(-1)!;
  assert.equal(added.tests.filter((t) => t.annotation_error !== undefined).length, 5, 'the addendum carries the errors too');
  assert.ok(added.warnings.some((w) => w.code === code));
  assert.ok(!readResults(dir).some((l) => l.type === 'test' && l.annotation_error !== undefined));
}

describe('faults: each is a coded warning and an annotation error; the verdict stands', () => {
  it('500 on every request: retried, then LLMR_LLM_SERVER_ERROR', async () => {
    const { report, dir, requests } = await faulty(() => ({ kind: 'status', status: 500 }), ['--retries', '1']);
    expectAll(report, dir, 'LLMR_LLM_SERVER_ERROR');
    assert.equal(requests.length, 10, 'one retry per test');
    assert.equal(report.llm?.retries, 5);
    assert.match(ran(report)[0]!.annotation_error!.message, /HTTP 500.*after 1 retry/);
  });

  it('a hung response beyond llm.timeout_ms: LLMR_LLM_TIMEOUT', async () => {
    const started = Date.now();
    const { report, dir } = await faulty(() => ({ kind: 'hang' }), ['--timeout-ms', '300', '--retries', '0', '--concurrency', '8']);
    expectAll(report, dir, 'LLMR_LLM_TIMEOUT');
    assert.match(ran(report)[0]!.annotation_error!.message, /no answer within 300 ms/);
    assert.ok(Date.now() - started < 20_000);
  });

  it('a malformed JSON body: LLMR_LLM_BAD_RESPONSE', async () => {
    const { report, dir } = await faulty(() => ({ kind: 'malformed' }), ['--retries', '0']);
    expectAll(report, dir, 'LLMR_LLM_BAD_RESPONSE');
  });

  it('an answer that violates the schema: retried once with the reason, then LLMR_LLM_INVALID_ANSWER', async () => {
    const { report, dir, requests } = await faulty(() => ({ kind: 'answer', content: { scenario: 42, why_needed: 'x', key_assertions: [] } }), []);
    expectAll(report, dir, 'LLMR_LLM_INVALID_ANSWER');
    assert.equal(requests.length, 10, 'exactly one retry per test');
    const retry = requests.find((r) => (r.json?.messages?.length ?? 0) > 2)!;
    assert.match(retry.json!.messages!.at(-1)!.content, /rejected: the answer does not match the schema: \/scenario must be string/);
    assert.match(ran(report)[0]!.annotation_error!.message, /also on the retry/);
    assert.equal(ran(report)[0]!.annotation_error!.attempts, 2);
  });

  it('an answer that only restates the test name (or is empty): rejected, retried once, LLMR_LLM_INVALID_ANSWER', async () => {
    const echo: Script = (req) => {
      const name = /^Test: (.*)$/m.exec(userMessage(req))?.[1] ?? '';
      return req.index % 2 ? { kind: 'answer', content: '' } : { kind: 'answer', content: { scenario: `Tests that ${name}.`, why_needed: `Ensures ${name} works.`, key_assertions: [] } };
    };
    const { report, dir } = await faulty(echo, []);
    expectAll(report, dir, 'LLMR_LLM_INVALID_ANSWER');
  });

  it('401: LLMR_LLM_AUTH, and no further requests after the first refusals', async () => {
    const { report, dir, requests } = await faulty(() => ({ kind: 'status', status: 401, body: { error: { message: 'Incorrect API key provided' } } }), ['--concurrency', '2']);
    expectAll(report, dir, 'LLMR_LLM_AUTH');
    assert.ok(requests.length <= 2, `${requests.length} requests`);
    assert.ok(ran(report).some((t) => /^not sent: an earlier request failed/.test(t.annotation_error!.message)));
  });

  it('connection refused (a closed port): LLMR_LLM_UNREACHABLE', async () => {
    const port = await closedPort();
    const { report, dir } = await faulty(() => ({ kind: 'answer' }), ['--retries', '0'], `http://127.0.0.1:${port}/v1`);
    expectAll(report, dir, 'LLMR_LLM_UNREACHABLE');
    assert.match(ran(report)[0]!.annotation_error!.message, /ECONNREFUSED|cannot connect/);
  });

  it('429 with Retry-After on every request: everyone waits it out, then LLMR_LLM_RATE_LIMITED', async () => {
    const { report, dir, requests } = await faulty(() => ({ kind: 'status', status: 429, headers: { 'retry-after': '1' } }), ['--retries', '1', '--concurrency', '4']);
    expectAll(report, dir, 'LLMR_LLM_RATE_LIMITED');
    const t0 = requests[0]!.at;
    assert.equal(requests.filter((r) => r.at < t0 + 950).length, 4, 'nothing starts during the Retry-After pause but the first 4');
    assert.equal(requests.length, 10);
  });

  it('429 once, then answers: annotated after the Retry-After wait', async () => {
    let n = 0;
    const { report, requests } = await faulty(() => (n++ === 0 ? { kind: 'status', status: 429, headers: { 'retry-after': '1' } } : { kind: 'answer' }), ['--concurrency', '1']);
    assert.equal(report.llm?.annotated, 5);
    assert.ok(requests[1]!.at - requests[0]!.at >= 950, `${requests[1]!.at - requests[0]!.at} ms`);
    assert.equal(report.llm?.retries, 1);
    assert.ok(!report.warnings.some((w) => w.code.startsWith('LLMR_LLM_') && w.code !== 'LLMR_LLM_SENDING'));
  });

  it('a server without structured outputs: falls back to json_object, says so, answers still validated', async () => {
    const script: Script = (req) =>
      req.json?.response_format?.type === 'json_schema' ? { kind: 'status', status: 400, body: { error: { message: "response_format 'json_schema' is not supported by this model" } } } : { kind: 'answer' };
    const { report } = await faulty(script, []);
    assert.equal(report.llm?.annotated, 5);
    assert.equal(report.llm?.response_format, 'json_object');
    assert.ok(report.warnings.some((w) => w.code === 'LLMR_LLM_STRUCTURED_OUTPUT_UNSUPPORTED'));
  });
});

describe('limits are honoured and reported', () => {
  it('concurrency: never more requests in flight than llm.concurrency', async () => {
    const { report, requests } = await faulty(() => ({ kind: 'answer', delayMs: 150 }), ['--concurrency', '2', '--no-cache']);
    assert.equal(report.llm?.annotated, 5);
    assert.equal(maxOverlap(requests), 2);
    assert.equal(report.llm?.limits.concurrency, 2);
  });

  it('RPM: request starts are spaced; max_tests: failed tests first, the rest listed', async () => {
    const { report, requests } = await faulty(() => ({ kind: 'answer' }), ['--rpm', '120', '--max-tests', '3', '--no-cache']);
    const gaps = requests.slice(1).map((r, i) => r.at - requests[i]!.at);
    // 500 ms apart at the client. Arrival here can only lag a start (connection setup, a loaded
    // machine), which may shorten the gap after a late request but never the span to the last.
    assert.ok(requests.at(-1)!.at - requests[0]!.at >= 700 && gaps.at(-1)! >= 250, `gaps ${gaps.join(', ')} ms`);
    assert.equal(requests.length, 3);
    assert.equal(report.llm?.annotated, 3);
    assert.equal(report.llm?.errors_by_code.LLMR_LLM_MAX_TESTS, 2);
    assert.deepEqual(report.llm?.limits.rpm, 120);
    assert.ok(ran(report).filter((t) => t.status === 'failed').every((t) => t.annotation), 'failed tests went first');
    assert.ok(report.warnings.some((w) => w.code === 'LLMR_LLM_MAX_TESTS' && /llm.max_tests is 3: 2 were not/.test(w.message)));
  });

  it('token budget: no request that could exceed it is sent; tokens and cost are reported', async () => {
    const { report, requests } = await faulty(() => ({ kind: 'answer', usage: { prompt_tokens: 400, completion_tokens: 100 } }), ['--token-budget', '2600', '--concurrency', '1', '--no-cache']);
    assert.equal(report.llm?.tokens.total, requests.length * 500);
    assert.ok(report.llm.tokens.total <= 2600);
    assert.ok(requests.length >= 1 && requests.length < 5, `${requests.length} requests`);
    assert.equal(report.llm?.errors_by_code.LLMR_LLM_BUDGET, 5 - requests.length);
    assert.ok(report.warnings.some((w) => w.code === 'LLMR_LLM_BUDGET'));
    assert.equal(report.llm?.limits.token_budget, 2600);
  });
});

describe('provider none', () => {
  it('is the default: nothing is sent and nothing changes', async () => {
    const dir = copyRun(base);
    const before = server.requests.length;
    const res = await runCli(dir, ['annotate', 'llm-report', '--base-url', server.url, '--model', 'x']);
    assert.equal(res.code, 0);
    assert.match(res.stdout, /provider is "none": nothing is sent/);
    assert.equal(server.requests.length, before);
    assert.deepEqual(readReport(dir), original);
  });

  it('refuses a key on the command line', async () => {
    const res = await runCli(copyRun(base), ['annotate', 'llm-report', '--api-key', 'sk-xyz']);
    assert.equal(res.code, 2);
    assert.match(res.stderr, /key comes only from the environment variable named by llm.api_key_env/);
  });
});
