// Real runs of the llm fixture (node --test with our reporter), then `llm-report annotate` against the
// fake OpenAI-compatible server: secrets never leave, same-named tests get their own bodies, the cache
// answers unchanged tests and is invalidated by exactly the code a test executed, auto-annotate at run
// end never changes the verdict, and the zero-install bundle annotates too.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { closedPort, startFakeOpenAI, userMessage, type FakeOpenAI } from './helpers/fake-openai.js';
import { copyFixture, runNodeTest } from './helpers/run.js';
import { annotateRun, FAKE_KEY, readAddenda, readReport, readResults, runCli, runNodeTestAsync } from './helpers/llm.js';
import type { Report, TestLine } from '../lib/types.js';

const ENV_SECRET = 'canary-Zq8v1X4mN7pL2wR9';
const SOURCE_SECRET = 'hunter2-canary-77';
const DOTENV_SECRET = 'canary-dotenv-Secret-99';
const CANARIES = [ENV_SECRET, SOURCE_SECRET, DOTENV_SECRET, FAKE_KEY];

let server: FakeOpenAI;
before(async () => {
  server = await startFakeOpenAI();
});
after(() => server.close());

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile());
}

const byTitle = (r: Report, suite: string, name: string): TestLine => r.tests.find((t) => t.name === name && (t.path[0] ?? '') === suite)!;

describe('annotating a real run', () => {
  let dir: string;
  let first: FakeOpenAI['requests'];

  before(async () => {
    dir = copyFixture('llm');
    const run = runNodeTest(dir, { env: { ACME_SERVICE_TOKEN: ENV_SECRET } });
    assert.ok(run.report, run.stderr);
    const n = server.requests.length;
    server.script = () => ({ kind: 'answer' });
    const res = await annotateRun(dir, server.url, ['--mode', 'complete'], { ACME_SERVICE_TOKEN: ENV_SECRET });
    assert.equal(res.code, 0, res.stderr);
    first = server.requests.slice(n);
  });

  it('canary: planted secrets reach neither the server nor any written file', () => {
    assert.equal(first.length, 5);
    for (const req of first) {
      const { authorization, ...headers } = req.headers;
      assert.equal(authorization, `Bearer ${FAKE_KEY}`, 'the key is used, from OPENAI_API_KEY, only as the Authorization header');
      const sent = req.body + JSON.stringify(headers) + req.path;
      for (const c of CANARIES) assert.ok(!sent.includes(c), `${c} was sent`);
    }
    assert.ok(first.some((r) => r.body.includes('[REDACTED:')), 'redacted, not dropped');
    const written = [...filesUnder(path.join(dir, 'llm-report')), ...filesUnder(path.join(dir, '.llm-report-cache'))];
    assert.ok(written.length > 4);
    for (const f of written) {
      const text = readFileSync(f, 'utf8');
      for (const c of CANARIES) assert.ok(!text.includes(c), `${c} in ${path.relative(dir, f)}`);
    }
  });

  it('warns before the first request which host gets what, and records it in the report', () => {
    const report = readReport(dir);
    const w = report.warnings.find((x) => x.code === 'LLMR_LLM_SENDING');
    assert.match(w?.message ?? '', new RegExp(`provider "openai" at 127\\.0\\.0\\.1:${server.port} \\(model fake-model\\) for up to 5 test\\(s\\)`));
  });

  it('same-named tests in different suites get their own bodies', () => {
    const report = readReport(dir);
    const add = byTitle(report, 'add', 'works').annotation!;
    const sub = byTitle(report, 'sub', 'works').annotation!;
    assert.deepEqual(add.context.files[0]!.lines, [[8, 10]]);
    assert.deepEqual(sub.context.files[0]!.lines, [[14, 16]]);
    const asked = (suite: string) => first.map(userMessage).find((m) => m.includes(`Inside: ${suite}\n`))!;
    assert.match(asked('add'), /it\('works', \(\) => \{\n {4}assert\.equal\(add\(2, 3\), 5\);\n {2}\}\)/);
    assert.match(asked('sub'), /assert\.equal\(sub\(5, 3\), 2\)/);
    assert.doesNotMatch(asked('sub'), /add\(2, 3\)/);
  });

  it('records model, prompt version, usage, prompt hash and what was sent; failures get a likely cause', () => {
    const report = readReport(dir);
    const failed = byTitle(report, 'scale', 'is wrong on purpose').annotation!;
    assert.equal(failed.model, 'fake-model');
    assert.equal(failed.prompt_version, '1');
    assert.match(failed.prompt_sha256, /^[0-9a-f]{64}$/);
    assert.ok(failed.usage.input_tokens > 0 && failed.usage.output_tokens > 0);
    assert.match(failed.likely_cause ?? '', /Expected values to be strictly deep-equal/);
    assert.equal(failed.context.failure, true);
    assert.deepEqual(failed.context.files.map((f) => [f.file, f.kind]), [['test/math.test.js', 'test_body'], ['src/math.js', 'file']]);
    assert.equal(byTitle(report, 'add', 'works').annotation!.likely_cause, undefined);
    assert.equal(report.llm?.annotated, 5);
    assert.equal(report.llm?.tokens.total, report.tests.reduce((n, t) => n + (t.annotation ? t.annotation.usage.input_tokens + t.annotation.usage.output_tokens : 0), 0));
    assert.equal(report.run.status, 'failed', 'advisory: the verdict stands');
    // The run was sealed: its files are untouched, the annotations are the addendum's.
    assert.equal(readResults(dir).filter((l) => l.type === 'test' && l.annotation !== undefined).length, 0, 'results.ndjson is sealed and unchanged');
    assert.equal(readAddenda(dir)[0]!.tests.filter((t) => t.annotation).length, 5);
  });

  it('a second annotate of the unchanged run makes zero requests and writes the same annotations', async () => {
    const before = readReport(dir);
    const n = server.requests.length;
    const res = await annotateRun(dir, server.url, ['--mode', 'complete']);
    assert.equal(res.code, 0, res.stderr);
    assert.equal(server.requests.length, n);
    const after = readReport(dir);
    assert.equal(after.llm?.cache_hits, 5);
    assert.equal(after.llm?.requests, 0);
    assert.deepEqual(after.tests, before.tests);
  });

  it('leaves the sealed run as it was: the page with the annotations is the addendum\'s, and the run still verifies', async () => {
    const why = byTitle(readReport(dir), 'sub', 'works').annotation!.why_needed;
    assert.ok(!readFileSync(path.join(dir, 'llm-report', 'report.html'), 'utf8').includes(why), 'the sealed page is not rewritten');
    const page = readFileSync(path.join(dir, 'llm-report', 'addenda', '002', 'report.html'), 'utf8');
    assert.ok(page.includes(why), 'the annotation is in the addendum page');
    assert.match(page, /Added later<\/dt><dd>addenda&#x2F;001: LLM annotations of \d+ test\(s\) added after the run was sealed/);
    const res = await annotateRun(dir, server.url, ['--mode', 'complete']);
    assert.match(res.stdout, /llm-report is sealed and stays unchanged; the annotations are addendum addenda\/003/);
    const verify = await runCli(dir, ['verify', 'llm-report']);
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    assert.match(verify.stdout, /^ok {4}addenda\/003: \d+ annotation\(s\) added later/m);
  });
});

describe('cache invalidation by executed code', () => {
  it('changing the function a test executed re-asks for exactly that test', async () => {
    const dir = copyFixture('llm');
    server.script = () => ({ kind: 'answer' });
    assert.ok(runNodeTest(dir).report);
    const n0 = server.requests.length;
    assert.equal((await annotateRun(dir, server.url)).code, 0);
    assert.equal(server.requests.length - n0, 5);

    // Same lines, different code in sub() only (executed by "sub > works" alone).
    const src = path.join(dir, 'src', 'math.js');
    writeFileSync(src, readFileSync(src, 'utf8').replace('return a - b;', 'return -(b - a);'));
    assert.ok(runNodeTest(dir).report);
    const n1 = server.requests.length;
    const res = await annotateRun(dir, server.url);
    assert.equal(res.code, 0, res.stderr);
    const asked = server.requests.slice(n1);
    assert.equal(asked.length, 1);
    assert.match(userMessage(asked[0]!), /^Test: works\nInside: sub\n/);
    assert.match(userMessage(asked[0]!), /return -\(b - a\);/);
    assert.equal(readReport(dir).llm?.cache_hits, 4);

    // A corrupt entry is detected, ignored with a warning, and replaced.
    const key = byTitle(readReport(dir), 'add', 'works').annotation!.cache_key;
    const entry = path.join(dir, '.llm-report-cache', key.slice(0, 2), `${key}.json`);
    writeFileSync(entry, readFileSync(entry, 'utf8').slice(0, 40));
    const n2 = server.requests.length;
    assert.equal((await annotateRun(dir, server.url)).code, 0);
    assert.equal(server.requests.length - n2, 1);
    const report = readReport(dir);
    assert.ok(report.warnings.some((w) => w.code === 'LLMR_LLM_CACHE_CORRUPT' && w.message.includes('not valid JSON')));
    assert.doesNotThrow(() => JSON.parse(readFileSync(entry, 'utf8')));

    const prune = await runCli(dir, ['cache', 'prune', '--all']);
    assert.equal(prune.code, 0, prune.stderr);
    // 5 current entries plus the one for the old sub(), which nothing asks for any more.
    assert.match(prune.stdout, /removed 6 unused, 0 corrupt and 0 temp file\(s\)/);
  });
});

describe('auto-annotate at the end of a run', () => {
  function configure(dir: string, baseUrl: string): void {
    writeFileSync(path.join(dir, 'llm-report.config.json'), JSON.stringify({ llm: { provider: 'openai', base_url: baseUrl, model: 'fake-model', api_key_env: 'ACME_LLM_KEY', auto_annotate: true, retries: 0 } }));
  }

  it('annotates the written report; the verdict and exit status are those of the tests', async () => {
    const dir = copyFixture('llm');
    configure(dir, server.url);
    server.script = () => ({ kind: 'answer' });
    const n = server.requests.length;
    const r = await runNodeTestAsync(dir, { env: { ACME_LLM_KEY: 'acme-key-0123456789' } });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.report?.run.status, 'failed');
    assert.equal(r.report?.llm?.annotated, 5);
    assert.equal(server.requests.slice(n).every((q) => q.headers.authorization === 'Bearer acme-key-0123456789'), true, 'key from the variable llm.api_key_env names');
    assert.match(r.stderr, /LLMR_LLM_SENDING/);
    assert.doesNotMatch(r.stdout + readFileSync(path.join(dir, 'stream.ndjson'), 'utf8'), /annotate/, 'nothing of it on the reporter stream');
    const verify = await runCli(dir, ['verify', 'llm-report']);
    assert.equal(verify.code, 0, `sealed after annotating: ${verify.stdout}${verify.stderr}`);
  });

  it('a passing run stays a pass when the LLM server is unreachable', async () => {
    const dir = copyFixture('llm');
    configure(dir, `http://127.0.0.1:${await closedPort()}/v1`);
    const plain = copyFixture('llm');
    const args = ['--test-name-pattern=works'];
    const without = runNodeTest(plain, { args });
    const r = await runNodeTestAsync(dir, { args });
    assert.equal(without.status, 0);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.report?.run.status, 'passed');
    assert.deepEqual(r.report?.summary, without.report?.summary);
    assert.deepEqual(r.report?.tests.map((t) => [t.name, t.status]), without.report?.tests.map((t) => [t.name, t.status]));
    assert.equal(r.report?.llm?.errors_by_code.LLMR_LLM_UNREACHABLE, 2);
  });
});

/** A test file using the per-test API: one test opts out, one asks for minimal context. */
function apiTests(from: string): string {
  return `import { it } from 'node:test';
import assert from 'node:assert/strict';
import { llm } from '${from}';
import { add } from '../src/math.js';
it('private', (t) => {
  llm(t, 'off');
  assert.equal(add(40, 2), 42);
});
it('small', (t) => {
  llm(t, 'minimal');
  assert.equal(add(1, 2), 3);
});
`;
}

async function checkApi(dir: string, cli?: string): Promise<void> {
  const n = server.requests.length;
  const res = await runCli(dir, ['annotate', 'llm-report', '--provider', 'openai', '--base-url', server.url, '--model', 'fake-model'], {}, cli);
  assert.equal(res.code, 0, res.stderr);
  const report = readReport(dir);
  const off = report.tests.find((t) => t.name === 'private')!;
  const small = report.tests.find((t) => t.name === 'small')!;
  assert.equal(off.llm_mode, 'off');
  assert.equal(off.annotation ?? off.annotation_error, undefined, 'opted out: nothing at all');
  assert.equal(report.llm?.skipped.off, 1);
  assert.equal(small.annotation?.context.mode, 'minimal');
  assert.deepEqual(small.annotation?.context.files.map((f) => f.kind), ['test_body']);
  assert.ok(!server.requests.slice(n).some((r) => r.body.includes('add(40, 2)')), 'nothing of the opted-out test was sent');
}

describe('per-test control from test code', () => {
  it('llm(t, "off") opts out and llm(t, "minimal") sends the body only', async () => {
    const dir = copyFixture('llm');
    writeFileSync(path.join(dir, 'test', 'api.test.js'), apiTests('@org/llm-report/api'));
    const run = runNodeTest(dir, { files: ['test/api.test.js'] });
    assert.equal(run.status, 0, run.stderr);
    await checkApi(dir);
  });
});

describe('zero-install bundle', () => {
  it('node llm-report.mjs annotate works with no node_modules, and so does the API', async () => {
    const dir = copyFixture('llm', { bundle: true });
    writeFileSync(path.join(dir, 'test', 'api.test.js'), apiTests('../llm-report.mjs'));
    const run = runNodeTest(dir, { reporter: './llm-report.mjs' });
    assert.ok(run.report, run.stderr);
    assert.ok(!existsSync(path.join(dir, 'node_modules')));
    server.script = () => ({ kind: 'answer' });
    await checkApi(dir, path.join(dir, 'llm-report.mjs'));
    assert.equal(readReport(dir).llm?.annotated, 6);
  });
});
