// throwaway: child CPU with the preload of two builds, alternated
import { mkdirSync, copyFileSync, mkdtempSync } from 'node:fs';
import path from 'node:path';
import os from 'node:os';
import { pathToFileURL } from 'node:url';
import { spawnSync } from 'node:child_process';
import { alternate, cleanEnv, median, run, PROBE_ARG } from './lib/measure.mjs';
import { generateSuite } from './lib/generate.mjs';
function preloadOf(bundle, dir, name) {
  const out = path.join(dir, name);
  const code = `await import(${JSON.stringify(pathToFileURL(bundle).href)}); const m = /--import=(\\S+)/.exec(process.env.NODE_OPTIONS ?? ''); const { copyFileSync } = await import('node:fs'); const { fileURLToPath } = await import('node:url'); copyFileSync(fileURLToPath(m[1]), ${JSON.stringify(out)});`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: dir, env: cleanEnv(), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
  return out;
}
const [dirArg, file, rounds = '10'] = process.argv.slice(2);
let dir = dirArg;
if (dir === 'gen') { dir = mkdtempSync(path.join(os.tmpdir(), 'pab-')); generateSuite(dir, { files: 1, testsPerFile: 50, depth: 3 }); }
const work = path.join(dir, 'child-work'); mkdirSync(work, { recursive: true });
const env = { NODE_TEST_CONTEXT: 'child-v8', BENCH_PROBE_CHILD: '1', LLM_REPORT_WORK_DIR: work, LLM_REPORT_INTERNAL_COVERAGE: 'off' };
const pm = preloadOf('/tmp/main-llm.mjs', dir, 'p-main.mjs');
const pn = preloadOf(path.resolve('dist/llm-report.mjs'), dir, 'p-new.mjs');
const f = file === '-' ? path.join('test', 'f000.test.js') : file;
const child = (extra) => () => run(process.execPath, [PROBE_ARG, ...extra, f], { cwd: dir, env, expectCode: 0 });
const r = await alternate({ none: child([]), main: child([`--import=${pathToFileURL(pm).href}`]), new: child([`--import=${pathToFileURL(pn).href}`]) }, +rounds, { log: () => {} });
const c = (k) => median(r[k].cpu);
console.log(`child CPU median of ${rounds}: none ${c('none').toFixed(1)} ms, main +${(c('main') - c('none')).toFixed(1)}, new +${(c('new') - c('none')).toFixed(1)}`);
