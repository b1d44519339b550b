// Attack: a provider (or a proxy in front of it) answers with a huge body (60 MB). The `openai` client
// reads a body whole, so one answer could take hundreds of MB. Defence: the client gets a fetch that
// streams the body and stops at llm.max_response_bytes (lib/llm/capped-fetch.ts): the request fails with
// LLMR_LLM_RESPONSE_TOO_LARGE, nothing of it is cached, and the annotate process stays small.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFakeOpenAI, type FakeOpenAI, type Script } from '../helpers/fake-openai.js';
import { NODE, cleanEnv, copyFixture, runNodeTest } from '../helpers/run.js';
import { CLI, FAKE_KEY, copyRun, readReport } from '../helpers/llm.js';
import type { Report, TestLine } from '../../lib/types.js';

const MB = 1024 * 1024;
let base: string;
let server: FakeOpenAI;
let probe: string;

before(async () => {
  base = copyFixture('llm');
  assert.ok(runNodeTest(base).report);
  server = await startFakeOpenAI();
  // Loaded into the annotate process: prints its peak resident set size when it exits.
  probe = path.join(mkdtempSync(path.join(os.tmpdir(), 'llmr-rss-')), 'rss.mjs');
  writeFileSync(probe, "process.on('exit', () => process.stderr.write(`MAXRSS_KB ${process.resourceUsage().maxRSS}\\n`));\n");
});
after(() => server.close());

interface Annotated {
  code: number | null;
  stderr: string;
  report: Report;
  dir: string;
  maxRssMb: number;
  requests: FakeOpenAI['requests'];
}

async function annotateWith(script: Script, env: Record<string, string> = {}): Promise<Annotated> {
  const dir = copyRun(base);
  server.script = script;
  const first = server.requests.length;
  const args = ['--import', probe, CLI, 'annotate', 'llm-report', '--provider', 'openai', '--base-url', server.url, '--model', 'fake-model', '--retries', '2'];
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve, reject) => {
    const child = spawn(NODE, args, { cwd: dir, env: cleanEnv({ OPENAI_API_KEY: FAKE_KEY, ...env }) });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout.resume();
    child.on('error', reject);
    child.on('exit', (c) => resolve({ code: c, stderr: err }));
  });
  const m = /MAXRSS_KB (\d+)/.exec(stderr);
  assert.ok(m, stderr);
  return { code, stderr, report: readReport(dir), dir, maxRssMb: Number(m[1]) / 1024, requests: server.requests.slice(first) };
}

const ran = (r: Report): TestLine[] => r.tests.filter((t) => t.status === 'passed' || t.status === 'failed');

function cacheEntries(dir: string): string[] {
  const cache = path.join(dir, '.llm-report-cache');
  return existsSync(cache) ? readdirSync(cache, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json') || f.includes('.tmp-')) : [];
}

function expectTooLarge(a: Annotated): void {
  assert.equal(a.code, 0, a.stderr);
  const tests = ran(a.report);
  assert.equal(tests.length, 5);
  for (const t of tests) {
    assert.equal(t.annotation, undefined);
    assert.equal(t.annotation_error?.code, 'LLMR_LLM_RESPONSE_TOO_LARGE', JSON.stringify(t.annotation_error));
    assert.match(t.annotation_error.message, /larger than llm\.max_response_bytes/);
  }
  assert.ok(a.report.warnings.some((w) => w.code === 'LLMR_LLM_RESPONSE_TOO_LARGE'));
  assert.match(a.stderr, /LLMR_LLM_RESPONSE_TOO_LARGE/);
  assert.equal(a.requests.length, 5, 'not retried: the same request gets the same answer');
  assert.deepEqual(cacheEntries(a.dir), [], 'nothing cached');
}

describe('a huge provider response', () => {
  it('60 MB, chunked: cut off at 1 MiB while streaming; coded error, nothing cached, memory bounded', async () => {
    const a = await annotateWith(() => ({ kind: 'huge', bytes: 60 * MB }));
    expectTooLarge(a);
    assert.ok(a.maxRssMb < 200, `peak RSS ${a.maxRssMb.toFixed(0)} MB`);
    for (const r of a.requests) assert.ok((r.sentBytes ?? 0) < 30 * MB, `the download stopped early (${r.sentBytes} bytes sent)`);
  });

  it('60 MB with a Content-Length: refused before the body is read', async () => {
    const a = await annotateWith(() => ({ kind: 'huge', bytes: 60 * MB, declared: true }));
    expectTooLarge(a);
    assert.ok(a.maxRssMb < 200, `peak RSS ${a.maxRssMb.toFixed(0)} MB`);
  });

  it('an error status with a huge body is capped too', async () => {
    const a = await annotateWith(() => ({ kind: 'huge', bytes: 60 * MB, status: 500 }));
    expectTooLarge(a);
  });

  it('llm.max_response_bytes sets the cap (LLM_REPORT_LLM__MAX_RESPONSE_BYTES)', async () => {
    const small = await annotateWith(() => ({ kind: 'huge', bytes: 8 * 1024 }), { LLM_REPORT_LLM__MAX_RESPONSE_BYTES: '4096' });
    expectTooLarge(small);
    assert.match(ran(small.report)[0]!.annotation_error!.message, /\(4096 bytes/);
    // Under the default cap the same 8 KB body is read: then it is judged as an answer (not JSON here).
    const fine = await annotateWith(() => ({ kind: 'huge', bytes: 8 * 1024 }));
    for (const t of ran(fine.report)) assert.equal(t.annotation_error?.code, 'LLMR_LLM_INVALID_ANSWER');
    // And a normal answer well under the cap is annotated and cached.
    const ok = await annotateWith(() => ({ kind: 'answer' }), { LLM_REPORT_LLM__MAX_RESPONSE_BYTES: '4096' });
    assert.equal(ran(ok.report).filter((t) => t.annotation).length, 5, ok.stderr);
    assert.equal(cacheEntries(ok.dir).length, 5);
  });
});
