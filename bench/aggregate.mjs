// `llm-report aggregate` at scale: S synthetic shards of N tests each (with per-test coverage), read
// (parse + schema validation) and merged in process. Prints the times and the resident memory.
//   node bench/aggregate.mjs [testsPerShard=25000] [shards=4]
// Needs `npm run build` (uses dist/).
import { aggregate, readSource } from '../dist/lib/aggregate/index.js';
import { toNdjsonLine } from '../dist/lib/report/ndjson.js';

const N = Number(process.argv[2] ?? 25000);
const S = Number(process.argv[3] ?? 4);
const counts = { tests: N, suites: 0, passed: 0, failed: 0, cancelled: 0, skipped: 0, todo: 0, incomplete: 0 };
const texts = [];
for (let s = 1; s <= S; s++) {
  const lines = [{ type: 'run_start', schema_version: '1.0.0', tool: { name: 'bench', version: '0' }, node_version: process.version, platform: process.platform, arch: process.arch, run_id: `run-${s}`, started_at: '2024-01-01T00:00:00.000Z', argv: [`--test-shard=${s}/${S}`], env_names: [], config_sha256: '0'.repeat(64), isolation: 'process' }];
  for (let i = 0; i < N; i++) {
    const file = `test/s${s}-f${i % 500}.test.js`;
    lines.push({ type: 'test', id: `${s}x${i}`.padStart(16, '0'), file, entry_file: file, line: i + 1, column: 1, name: `t${i}`, path: ['suite'], nesting: 1, occurrence: 1, status: i % 97 ? 'passed' : 'failed', duration_ms: 1, attempt: 0, coverage: [{ file: 'src/a.js', lines: [[1, 5], [9, 12]] }] });
  }
  lines.push({ type: 'run_end', status: 'failed', counts, ended_at: '2024-01-01T00:01:00.000Z', duration_ms: 60000 });
  texts.push(lines.map(toNdjsonLine).join(''));
}
const t0 = performance.now();
const sources = texts.map((text, i) => readSource(text, { path: `shard-${i + 1}/results.ndjson`, input: 0, format: 'ndjson' }));
const t1 = performance.now();
const { report } = aggregate(sources, 'merge');
const t2 = performance.now();
console.log(
  `aggregate --policy merge: ${S} shards x ${N} tests = ${report.tests.length} tests; read+validate ${(t1 - t0).toFixed(0)} ms, aggregate ${(t2 - t1).toFixed(0)} ms; ` +
    `rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MiB (node ${process.version}, ${process.platform}/${process.arch})`,
);
