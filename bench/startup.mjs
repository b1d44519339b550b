// Start-up cost of the single file (issue #16): its size, and the CPU `import()` of it costs (what
// every `node --test --test-reporter=./llm-report.mjs` pays before the first event), measured inside
// a fresh node process around the import alone, median of N processes.
import { statSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { REPO } from './lib/generate.mjs';
import { median, cleanEnv } from './lib/measure.mjs';
import { record } from './lib/results.mjs';

const BUNDLE = path.join(REPO, 'dist', 'llm-report.mjs');
const PROBE = `const t = process.cpuUsage(); await import(${JSON.stringify(pathToFileURL(BUNDLE).href)}); const u = process.cpuUsage(t); process.stdout.write(String((u.user + u.system) / 1000));`;

/** CPU ms of importing the bundle in a fresh process, one sample per process. */
export function importCpuMs(runs = 10) {
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', PROBE], { cwd: REPO, env: cleanEnv(), encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`bench: importing ${BUNDLE} failed: ${r.stderr}`);
    samples.push(Number(r.stdout));
  }
  return median(samples);
}

export async function benchStartup({ runs = 10, log = console.log } = {}) {
  const bytes = statSync(BUNDLE).size;
  const cpu = importCpuMs(runs);
  log(`startup: dist/llm-report.mjs ${(bytes / 1024).toFixed(1)} KiB, import ${cpu.toFixed(1)} ms CPU (median of ${runs})`);
  record({ name: 'startup.bundle_size', value: Math.round(bytes / 1024), unit: 'KiB', target: '<= 1024' });
  record({ name: 'startup.import_cpu', value: Math.round(cpu * 10) / 10, unit: 'ms', target: '<= 30', note: `median of ${runs} fresh processes` });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchStartup();
