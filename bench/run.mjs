// npm run bench: every benchmark in one run, results to bench/results/latest.json and a table on
// stdout. Never part of npm test. Options:
//   --quick          fewer rounds and smaller sizes (a smoke run of the harness itself)
//   --only=a,b       only these: startup, overhead, coverage, fold, llm, html (the page and its source view in
//                    headless Chromium), affected (the mutation study; not in the default set)
//   --rounds=N       A/B rounds per measurement (default 5; --quick 1)
//   --strict         exit 1 when a target is missed
import { benchOverhead } from './overhead.mjs';
import { benchCoverage } from './coverage.mjs';
import { benchFold } from './fold.mjs';
import { benchLlm } from './llm.mjs';
import { benchAffected } from './affected.mjs';
import { benchStartup } from './startup.mjs';
import { benchHtml, benchSourceView } from './html.mjs';
import { load, machine, RESULTS_FILE, table } from './lib/results.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const strict = args.includes('--strict');
const opt = (name) => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const rounds = Number(opt('rounds') ?? (quick ? 1 : 5));
const only = (opt('only') ?? 'startup,overhead,coverage,fold,llm').split(',');
for (const a of args) {
  if (!/^--(quick|strict|only=.+|rounds=\d+)$/.test(a)) {
    console.error(`bench: unknown argument ${a}\nusage: node bench/run.mjs [--quick] [--only=startup,overhead,coverage,fold,llm,html,affected] [--rounds=N] [--strict]`);
    process.exit(2);
  }
}

const m = machine();
console.log(`bench: ${m.cpu}, ${m.cores} cores, ${m.memory_gb} GB, node ${m.node}, ${m.os}; ${rounds} round(s) per measurement\n`);
const started = Date.now();
const names = new Set(load().results.map((r) => r.name));
if (only.includes('startup')) await benchStartup({ runs: quick ? 3 : 10 });
if (only.includes('overhead')) {
  await benchOverhead({ rounds, sizes: quick ? [{ tests: 1000, files: 20 }] : [{ tests: 1000, files: 20 }, { tests: 10000, files: 100 }] });
}
if (only.includes('coverage')) await benchCoverage({ rounds, quick });
if (only.includes('fold')) await benchFold({ rounds: quick ? 1 : Math.min(rounds, 3), sizes: quick ? [10_000, 100_000] : [10_000, 50_000, 100_000] });
if (only.includes('llm')) await benchLlm({ tests: quick ? 200 : 1000 });
if (only.includes('html')) {
  await benchHtml({ rounds, sizes: quick ? [10_000] : [10_000, 50_000] });
  await benchSourceView({ rounds, ...(quick ? { tests: 5_000, sources: 100 } : {}) });
}
if (only.includes('affected')) await benchAffected({ max: quick ? 20 : 200 });

const results = load().results;
console.log(`\n${table(results)}\n\nbench: ${results.length} results (${results.filter((r) => !names.has(r.name)).length} new) in ${RESULTS_FILE}, ${Math.round((Date.now() - started) / 1000)} s`);
const missed = results.filter((r) => r.ok === false);
if (missed.length) console.log(`bench: missed targets: ${missed.map((r) => `${r.name} = ${r.value} ${r.unit} (target ${r.target})`).join('; ')}`);
if (strict && missed.length) process.exitCode = 1;
