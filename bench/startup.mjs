// Start-up cost of the single file (issue #16): its size, and the CPU `import()` of it costs (what
// every `node --test --test-reporter=./llm-report.mjs` pays before the first event), measured inside
// a fresh node process around the import alone, median of N processes.
//
// A/B: `node bench/startup.mjs --baseline=<other llm-report.mjs> [--runs=N]` imports this checkout's
// file and the other one in alternation (one fresh process each, in turn), so both see the same load,
// and prints both medians. Build the baseline from another checkout and copy its file anywhere: the
// file needs nothing next to it.
import { statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO } from './lib/generate.mjs';
import { median, cleanEnv } from './lib/measure.mjs';
import { record } from './lib/results.mjs';

const BUNDLE = path.join(REPO, 'dist', 'llm-report.mjs');
const probe = (file) => `const t = process.cpuUsage(); await import(${JSON.stringify(pathToFileURL(file).href)}); const u = process.cpuUsage(t); process.stdout.write(String((u.user + u.system) / 1000));`;

/** CPU ms of importing `file` in one fresh process, in this checkout (its package.json is read for a configuration). */
function importOnce(file) {
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', probe(file)], { cwd: REPO, env: cleanEnv(), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`bench: importing ${file} failed: ${r.stderr}`);
  return Number(r.stdout);
}

/** Samples of each file's import CPU, the files taken in turn, `runs` processes each. */
export function importCpuSamples(files, runs = 10) {
  const samples = files.map(() => []);
  for (let i = 0; i < runs; i++) files.forEach((f, j) => samples[j].push(importOnce(f)));
  return samples;
}

/** CPU ms of importing the bundle in a fresh process, one sample per process. */
export function importCpuMs(runs = 10) {
  return median(importCpuSamples([BUNDLE], runs)[0]);
}

export async function benchStartup({ runs = 10, log = console.log } = {}) {
  const bytes = statSync(BUNDLE).size;
  const cpu = importCpuMs(runs);
  log(`startup: dist/llm-report.mjs ${(bytes / 1024).toFixed(1)} KiB, import ${cpu.toFixed(1)} ms CPU (median of ${runs})`);
  record({ name: 'startup.bundle_size', value: Math.round(bytes / 1024), unit: 'KiB', target: '<= 1024' });
  record({ name: 'startup.import_cpu', value: Math.round(cpu * 10) / 10, unit: 'ms', target: '<= 30', note: `median of ${runs} fresh processes` });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const opt = (name) => process.argv.slice(2).find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
  const baseline = opt('baseline');
  const runs = Number(opt('runs') ?? 10);
  if (!baseline) await benchStartup({ runs });
  else {
    const [ours, theirs] = importCpuSamples([BUNDLE, path.resolve(baseline)], runs);
    const fmt = (s) => `median ${median(s).toFixed(1)} ms (min ${Math.min(...s).toFixed(1)}, max ${Math.max(...s).toFixed(1)})`;
    console.log(`startup A/B, ${runs} fresh processes each, alternated:`);
    console.log(`  this checkout  ${statSync(BUNDLE).size} bytes, import CPU ${fmt(ours)}`);
    console.log(`  baseline       ${statSync(baseline).size} bytes, import CPU ${fmt(theirs)}`);
  }
}
