// `llm-report fold` over synthetic streams of 10k, 50k and 100k test lines: wall time and peak RSS of
// the CLI process, and the growth from 10k to 100k (linear growth is a ratio of 10).
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateLines, REPO } from './lib/generate.mjs';
import { alternate, median, run, PROBE_ARG } from './lib/measure.mjs';
import { record } from './lib/results.mjs';

const CLI = path.join(REPO, 'dist', 'lib', 'cli', 'main.js');
const dist = (p) => import(pathToFileURL(path.join(REPO, 'dist', p)).href);

export async function benchFold({ rounds = 3, sizes = [10_000, 50_000, 100_000], log = console.log } = {}) {
  const { testId } = await dist('lib/events/identity.js');
  const { validateLine } = await dist('lib/generated/validators.js');
  const work = mkdtempSync(path.join(os.tmpdir(), 'llmr-bench-fold-'));
  try {
    const variants = {};
    for (const n of sizes) {
      const text = generateLines(n, { testId });
      const lines = text.split('\n').filter(Boolean);
      // The generator must produce what the reporter produces: validate a spread sample against the schema.
      for (let i = 0; i < lines.length; i += Math.max(1, Math.floor(lines.length / 2000))) {
        const v = JSON.parse(lines[i]);
        if (!validateLine(v)) throw new Error(`bench: generated line ${i + 1} is invalid: ${JSON.stringify(validateLine.errors?.[0])}`);
      }
      const input = path.join(work, `run-${n}.ndjson`);
      writeFileSync(input, text);
      log(`fold: ${n} tests = ${lines.length} lines, ${(text.length / 2 ** 20).toFixed(1)} MiB`);
      // Exit 1: the synthetic run has failures; anything else (2: unreadable, crash) is an error.
      variants[n] = () => run(process.execPath, [PROBE_ARG, CLI, 'fold', input, '--out', path.join(work, `out-${n}`)], { cwd: work, expectCode: 1 });
    }
    const r = await alternate(variants, rounds, { log });
    const folded = JSON.parse(readFileSync(path.join(work, `out-${sizes.at(-1)}`, 'report.json'), 'utf8'));
    if (folded.tests.length !== sizes.at(-1)) throw new Error(`bench: fold kept ${folded.tests.length} of ${sizes.at(-1)} tests`);
    // An empty stream: the fixed cost of starting node and the CLI, to separate from per-line cost.
    const empty = path.join(work, 'empty.ndjson');
    writeFileSync(empty, '');
    const base = [];
    for (let i = 0; i < rounds; i++) base.push(await run(process.execPath, [PROBE_ARG, CLI, 'fold', empty, '--out', path.join(work, 'out-0')], { cwd: work, expectCode: 1 }));
    const baseMs = median(base.map((b) => b.wallMs));
    const baseKiB = median(base.map((b) => b.rssKiB));
    record({ name: 'fold.0.time', value: baseMs / 1000, unit: 's', note: 'empty stream: node + CLI start-up' });
    record({ name: 'fold.0.peak_rss', value: baseKiB / 1024, unit: 'MiB' });
    for (const n of sizes) {
      const k = `${n / 1000}k`;
      const big = n === 100_000;
      record({ name: `fold.${k}.time`, value: r[n].wallMs / 1000, unit: 's', target: big ? '<= 5' : null });
      record({ name: `fold.${k}.peak_rss`, value: r[n].rssKiB / 1024, unit: 'MiB', target: big ? '<= 1024' : null });
    }
    const lo = sizes[0];
    const hi = sizes.at(-1);
    const factor = hi / lo;
    // Growth of the per-line part (start-up subtracted): linear is `factor`.
    record({ name: `fold.growth.time_${lo / 1000}k_to_${hi / 1000}k`, value: (r[hi].wallMs - baseMs) / (r[lo].wallMs - baseMs), unit: 'x', target: `<= ${factor}`, note: `linear = ${factor}; start-up subtracted` });
    record({ name: `fold.growth.rss_${lo / 1000}k_to_${hi / 1000}k`, value: (r[hi].rssKiB - baseKiB) / (r[lo].rssKiB - baseKiB), unit: 'x', target: `<= ${factor}`, note: `linear = ${factor}; start-up subtracted` });
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
