// Attack: the model's answer echoes secrets (an Authorization header, an OpenAI key, an AWS key, a
// GitHub token, a private key block), from its training data, from a poisoned prompt, or from a
// server that quotes what it was sent in an error. Defence: every string of an answer passes the
// redactor at the answer boundary (lib/llm/answer.ts), before it is judged, cached or written; cached
// answers are redacted again when used; server error messages are redacted too.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai.js';
import { copyFixture, runNodeTest } from '../helpers/run.js';
import { annotateRun, copyRun, readReport, type CliResult } from '../helpers/llm.js';
import { entryChecksum, type CacheEntry } from '../../lib/llm/cache.js';
import type { Report, TestLine } from '../../lib/types.js';

// Built at run time: nothing token-shaped is committed.
const OPENAI = 'sk-' + 'proj' + 'Q7wE9rT1yU3iO5pA7sD9fG1hJ3kL5zX7cV9bN1m';
const BEARER = 'eyJhbGciOiJIUzI1NiJ9' + 'Bearer0nly7okenAbCdEf0123456789';
const AKIA = 'AKIA' + 'Z7Y6X5W4V3U2T7S6';
const GHP = 'ghp_' + 'Mn0Bv9Cx8Za7Sd6Fg5Hj4Kl3Qw2Er1TyUiOp';
const PEM_BODY = 'MIIEowIBAAKCAQEAx' + 'Secret0PrivateKeyBody1234567890abcdefABCDEF';
const PEM = `-----BEGIN RSA PRIVATE KEY-----\n${PEM_BODY}\n${PEM_BODY}\n-----END RSA PRIVATE KEY-----`;
const SECRETS = [OPENAI, BEARER, AKIA, GHP, PEM_BODY];

/** Passes every check of the judge (schema, not a restated name), with a secret in every field. */
type Leaky = { scenario: string; why_needed: string; key_assertions: string[]; likely_cause?: string };

function leakyAnswer(withCause: boolean): Leaky {
  const a: Leaky = {
    scenario: `Replays the request with header Authorization: Bearer ${BEARER} and the key ${OPENAI} against the pricing module.`,
    why_needed: `Guards the deploy credentials ${AKIA} from regressions in totals; see token ${GHP}.`,
    key_assertions: [`uses ${GHP}`, `signs with ${PEM}`],
  };
  if (withCause) a.likely_cause = `The signing key ${PEM} was rejected by the server using ${OPENAI}.`;
  return a;
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile());
}

function assertClean(dir: string, res: CliResult, opts: { cache: boolean }): void {
  const files = [...filesUnder(path.join(dir, 'llm-report')), ...(opts.cache ? filesUnder(path.join(dir, '.llm-report-cache')) : [])];
  assert.ok(files.some((f) => f.endsWith('report.json')));
  for (const f of files) {
    const text = readFileSync(f, 'utf8');
    for (const s of SECRETS) assert.ok(!text.includes(s), `${path.relative(dir, f)} holds ${s.slice(0, 8)}...`);
  }
  for (const s of SECRETS) {
    assert.ok(!res.stdout.includes(s), `stdout holds ${s.slice(0, 8)}...`);
    assert.ok(!res.stderr.includes(s), `stderr holds ${s.slice(0, 8)}...`);
  }
}

const ran = (r: Report): TestLine[] => r.tests.filter((t) => t.status === 'passed' || t.status === 'failed');

let base: string;
let server: FakeOpenAI;
before(async () => {
  base = copyFixture('llm');
  assert.ok(runNodeTest(base).report);
  server = await startFakeOpenAI();
});
after(() => server.close());

describe('secrets in LLM answers', () => {
  let dir: string;
  let res: CliResult;
  before(async () => {
    dir = copyRun(base);
    server.script = (req) => ({ kind: 'answer', content: leakyAnswer((req.json?.messages?.[0]?.content ?? '').includes('likely_cause')) });
    res = await annotateRun(dir, server.url);
    assert.equal(res.code, 0, res.stderr);
  });

  it('are redacted in the report, results, HTML, the cache and the terminal; the answer is kept', () => {
    assertClean(dir, res, { cache: true });
    const tests = ran(readReport(dir));
    assert.equal(tests.length, 5);
    for (const t of tests) {
      assert.ok(t.annotation, JSON.stringify(t.annotation_error));
      assert.match(t.annotation.scenario, /Authorization: Bearer \[REDACTED:[a-z-]+\] and the key \[REDACTED:openai-key\] against the pricing module/);
      assert.match(t.annotation.why_needed, /\[REDACTED:aws-access-key\].*\[REDACTED:github-token\]/);
      assert.deepEqual(t.annotation.key_assertions, ['uses [REDACTED:github-token]', 'signs with [REDACTED:private-key]']);
    }
    assert.ok(tests.some((t) => t.annotation?.likely_cause?.includes('[REDACTED:private-key]')));
    assert.equal(filesUnder(path.join(dir, '.llm-report-cache')).length, 5, 'the redacted answers are cached');
  });

  it('a cached answer written before a redaction rule is redacted when used', async () => {
    // Plant what an older version could have cached: the raw answer, with a valid checksum.
    for (const f of filesUnder(path.join(dir, '.llm-report-cache'))) {
      const e = JSON.parse(readFileSync(f, 'utf8')) as CacheEntry;
      const { checksum: _c, ...rest } = { ...e, answer: leakyAnswer(e.answer.likely_cause !== undefined) };
      writeFileSync(f, JSON.stringify({ ...rest, checksum: entryChecksum(rest) }));
    }
    const n = server.requests.length;
    const again = await annotateRun(dir, server.url);
    assert.equal(again.code, 0, again.stderr);
    assert.equal(server.requests.length, n, 'answered from the cache');
    assert.equal(readReport(dir).llm?.cache_hits, 5);
    assertClean(dir, again, { cache: false });
  });

  it('a server error message quoting secrets is redacted', async () => {
    const d = copyRun(base);
    server.script = () => ({ kind: 'status', status: 400, body: { error: { message: `invalid key ${OPENAI}; header was Authorization: Bearer ${BEARER}; ${AKIA}` } } });
    const r = await annotateRun(d, server.url);
    assert.equal(r.code, 0, r.stderr);
    assertClean(d, r, { cache: true });
    const t = ran(readReport(d))[0]!;
    assert.equal(t.annotation_error?.code, 'LLMR_LLM_REQUEST_REJECTED');
    assert.match(t.annotation_error.message, /\[REDACTED:/);
  });
});
