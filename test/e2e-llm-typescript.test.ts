// A TypeScript suite run by node's own type stripping (Node 22.18+; skipped where node has none), then
// annotated: each test body is found by position in the .ts source, types and all, and same-named tests
// in different suites get their own. Runs on every Node of the CI matrix (an e2e-* suite).
import { after, before, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { startFakeOpenAI, userMessage, type FakeOpenAI } from './helpers/fake-openai.js';
import { cleanEnv, copyFixture, FIXTURES, NODE, runNodeTest } from './helpers/run.js';
import { annotateRun, readReport } from './helpers/llm.js';

const strips = spawnSync(NODE, ['-p', 'process.features.typescript ?? false'], { encoding: 'utf8', env: cleanEnv() }).stdout.trim();
const skip = strips === 'false' || strips === 'undefined' ? 'this node does not strip TypeScript types' : false;

let server: FakeOpenAI;
before(async () => {
  server = await startFakeOpenAI();
});
after(() => server.close());

it('annotates a TypeScript test from its exact body and the functions it executed', { skip }, async () => {
  const dir = copyFixture('llm-ts');
  const run = runNodeTest(dir, { files: ['test/stock.test.ts'] });
  assert.ok(run.report, run.stderr);
  assert.equal(run.report.summary.passed, 2, run.stderr);
  const res = await annotateRun(dir, server.url);
  assert.equal(res.code, 0, res.stderr);
  const report = readReport(dir);
  const source = readFileSync(path.join(FIXTURES, 'llm-ts', 'test', 'stock.test.ts'), 'utf8').split('\n');
  const count = report.tests.find((t) => t.path[0] === 'count')!;
  const empty = report.tests.find((t) => t.path[0] === 'empty shelf')!;
  assert.deepEqual(count.annotation?.context.files[0]?.lines, [[9, 12]]);
  assert.deepEqual(empty.annotation?.context.files[0]?.lines, [[16, 19]]);
  const asked = server.requests.map(userMessage);
  const countBody = source.slice(8, 12).join('\n').trim().replace(/;$/, ''); // the call, without the statement's ';'
  assert.ok(asked.some((m) => m.includes(countBody) && m.includes('Inside: count\n')), 'the typed body, verbatim');
  assert.ok(asked.some((m) => m.includes("assert.equal(count(none, `a${'}'}`), 0);") && !m.includes('count<Item>(shelf')), 'its own body');
  // Balanced mode: the generic function it executed, from the .ts source (per-test coverage maps back to it).
  const executed = count.annotation?.context.files.find((f) => f.file === 'src/stock.ts');
  if (count.coverage) assert.deepEqual(executed?.lines, [[6, 8]]);
});
