// Wall time and the parent's peak RSS of one command, and the A/B protocol: variants run alternately
// (rotating the order each round) and are summarised by medians, because absolute times on a shared
// 2-core machine drift while ratios taken side by side hold.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const PROBE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'rss-probe.cjs');

/** GNU time, when installed: the CPU time of a whole process tree (a parent and the children it waited for). */
const TIME = ['/usr/bin/time'].find((f) => existsSync(f));

/** Environment without the outer run's test context, reporter settings or coverage. */
export function cleanEnv(extra = {}) {
  const env = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k === 'NODE_TEST_CONTEXT' || k === 'NODE_OPTIONS' || k === 'NODE_V8_COVERAGE' || k.startsWith('LLM_REPORT_')) continue;
    env[k] = v;
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

/**
 * Runs `cmd args` in `cwd`; node processes get the RSS probe through `--require` (put `PROBE_ARG` where
 * node's own options go; `rss: false` for commands that are not node). Resolves to { wallMs, rssKiB,
 * cpuMs (the probed process's own), treeCpuMs (user + system CPU of the command and every process it
 * waited for, with `treeCpu` and GNU time installed, else null), code, stdout, stderr }. On a machine
 * shared with other jobs, wall time includes waiting for a core; the tree's CPU time does not.
 */
export function run(cmd, args, { cwd, env = {}, expectCode, rss = true, treeCpu = false } = {}) {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'llmr-bench-rss-'));
  const rssFile = path.join(tmp, 'rss');
  const timeFile = path.join(tmp, 'time');
  const timed = treeCpu && TIME !== undefined;
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = timed
      ? spawn(TIME, ['-q', '-o', timeFile, '-f', '%U %S', cmd, ...args], { cwd, env: cleanEnv({ ...env, BENCH_RSS_OUT: rssFile }), stdio: ['ignore', 'pipe', 'pipe'] })
      : spawn(cmd, args, { cwd, env: cleanEnv({ ...env, BENCH_RSS_OUT: rssFile }), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout = (stdout + d).slice(-65536)));
    child.stderr.on('data', (d) => (stderr = (stderr + d).slice(-65536)));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const wallMs = performance.now() - t0;
      let rssKiB = null;
      let cpuMs = null;
      try {
        ({ rssKiB, cpuMs } = JSON.parse(readFileSync(rssFile, 'utf8')));
      } catch {
        // no probe output: the process was not node, or died before 'exit'
      }
      let treeCpuMs = null;
      if (timed) {
        const m = /([\d.]+) ([\d.]+)\s*$/.exec(readFileSync(timeFile, 'utf8'));
        if (m) treeCpuMs = (Number(m[1]) + Number(m[2])) * 1000;
      }
      rmSync(tmp, { recursive: true, force: true });
      if (rss && rssKiB === null) {
        reject(new Error(`bench: no peak RSS from ${cmd} ${args.join(' ')} (is ${PROBE_ARG} among node's options?)\n${stderr.slice(-2000)}`));
        return;
      }
      if (expectCode !== undefined && code !== expectCode) {
        reject(new Error(`bench: ${cmd} ${args.join(' ')} in ${cwd} exited ${code ?? signal} (expected ${expectCode})\n${stderr.slice(-4000)}\n${stdout.slice(-2000)}${reportSummary(cwd)}`));
        return;
      }
      resolve({ wallMs, rssKiB, cpuMs, treeCpuMs, code, stdout, stderr });
    });
  });
}

/** What our report in `cwd` says, if there is one: the first thing to look at when a run fails. */
function reportSummary(cwd) {
  try {
    const r = JSON.parse(readFileSync(path.join(cwd, 'llm-report', 'report.json'), 'utf8'));
    return `\nllm-report/report.json: ${r.run.status}, ${JSON.stringify(r.summary)}\n${r.warnings.slice(0, 5).map((w) => `  ${w.code} ${w.message.slice(0, 300)}`).join('\n')}`;
  } catch {
    return '';
  }
}

export const PROBE_ARG = `--require=${PROBE}`;

export function median(values) {
  const v = values.filter((x) => x !== null && Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return null;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/**
 * Runs each variant `rounds` times, alternating and rotating the order every round, after one
 * discarded warm-up round. variants: { name: () => Promise<{ wallMs, rssKiB }> }.
 * Resolves to { name: { wall: [..], rss: [..], cpu: [..], tree: [..], wallMs: median, rssKiB: median, treeCpuMs: median } }.
 */
export async function alternate(variants, rounds, { log = () => {} } = {}) {
  const names = Object.keys(variants);
  const out = Object.fromEntries(names.map((n) => [n, { wall: [], rss: [], cpu: [], tree: [] }]));
  for (let round = -1; round < rounds; round++) {
    const order = names.map((_, i) => names[(i + Math.max(round, 0)) % names.length]);
    for (const name of order) {
      const r = await variants[name]();
      if (round < 0) continue;
      out[name].wall.push(r.wallMs);
      out[name].rss.push(r.rssKiB);
      out[name].cpu.push(r.cpuMs);
      out[name].tree.push(r.treeCpuMs ?? null);
      const tree = r.treeCpuMs == null ? '' : `, CPU ${(r.treeCpuMs / 1000).toFixed(2)} s`;
      log(`  round ${round + 1}/${rounds} ${name}: ${(r.wallMs / 1000).toFixed(2)} s${tree}, ${r.rssKiB === null ? '?' : (r.rssKiB / 1024).toFixed(0)} MiB`);
    }
  }
  for (const n of names) {
    out[n].wallMs = median(out[n].wall);
    out[n].rssKiB = median(out[n].rss);
    out[n].treeCpuMs = median(out[n].tree);
  }
  return out;
}
