// LLM annotate throughput: a real run of 1,000 synthetic tests (20 files x 50, per-test coverage on),
// then `llm-report annotate` against the fake OpenAI-compatible server answering every request after
// 100 ms, at concurrency 8, through the real `openai` client. Target: <= 20 s (the floor is
// 1,000 x 100 ms / 8 = 12.5 s). Also: the second annotate of the unchanged run (every answer cached).
// Needs `npm run build` (it uses dist/, including the fake server from dist/test/helpers).
//   node bench/llm.mjs [--tests=N]
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateSuite, REPO } from './lib/generate.mjs';
import { run, PROBE_ARG } from './lib/measure.mjs';
import { printTable, record } from './lib/results.mjs';

const CLI = path.join(REPO, 'dist', 'lib', 'cli', 'main.js');

export async function benchLlm({ tests = 1000, concurrency = 8, delayMs = 100, log = console.log } = {}) {
  const { startFakeOpenAI, maxOverlap } = await import(pathToFileURL(path.join(REPO, 'dist', 'test', 'helpers', 'fake-openai.js')).href);
  const files = Math.max(1, Math.round(tests / 50));
  const dir = generateSuite(mkdtempSync(path.join(os.tmpdir(), 'llmr-bench-llm-')), { files, testsPerFile: Math.ceil(tests / files) });
  const server = await startFakeOpenAI(() => ({ kind: 'answer', delayMs }));
  try {
    const t = await run(process.execPath, ['--test', '--test-reporter=@org/llm-report', '--test-reporter-destination=stream.ndjson'], { cwd: dir, rss: false, expectCode: 0 });
    log(`llm: ran ${tests} tests in ${(t.wallMs / 1000).toFixed(1)} s`);
    const args = [PROBE_ARG, CLI, 'annotate', 'llm-report', '--provider', 'openai', '--base-url', server.url, '--model', 'bench-model',
      '--concurrency', String(concurrency), '--max-tests', String(tests), '--rpm', '0', '--cache-dir', path.join(dir, 'cache')];
    const env = { OPENAI_API_KEY: 'sk-bench-not-a-real-key-0000000000' };
    const first = await run(process.execPath, args, { cwd: dir, env, expectCode: 0 });
    const report = JSON.parse(readFileSync(path.join(dir, 'llm-report', 'report.json'), 'utf8'));
    if (report.llm?.annotated !== tests) throw new Error(`bench: annotated ${report.llm?.annotated} of ${tests}: ${first.stderr.slice(-2000)}`);
    const overlap = maxOverlap(server.requests);
    const requests = server.requests.length;
    const second = await run(process.execPath, args, { cwd: dir, env, expectCode: 0 });
    if (server.requests.length !== requests) throw new Error('bench: the cached re-annotate made requests');
    log(`llm: annotate ${tests} tests at ${delayMs} ms per answer, concurrency ${concurrency}: ${(first.wallMs / 1000).toFixed(2)} s (${requests} requests, at most ${overlap} in flight, peak RSS ${Math.round(first.rssKiB / 1024)} MiB); cached re-annotate ${(second.wallMs / 1000).toFixed(2)} s`);
    const note = `${tests} tests, ${delayMs} ms server, concurrency ${concurrency}; floor ${((tests * delayMs) / concurrency / 1000).toFixed(1)} s`;
    return [
      record({ name: `llm.annotate.${tests}.wall`, value: first.wallMs / 1000, unit: 's', target: '<= 20', note }),
      record({ name: `llm.annotate.${tests}.peak_rss`, value: first.rssKiB / 1024, unit: 'MiB', note }),
      record({ name: `llm.annotate.${tests}.cached.wall`, value: second.wallMs / 1000, unit: 's', note: 'second annotate of the unchanged run: zero requests' }),
    ];
  } finally {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const n = Number(process.argv.slice(2).find((a) => a.startsWith('--tests='))?.slice(8) ?? 1000);
  printTable(await benchLlm({ tests: n }));
}
