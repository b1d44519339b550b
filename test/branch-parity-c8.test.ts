// Whole-run lines, functions and branches equal c8's, file by file, in both coverage modes: the
// branch-parity fixture (constructs whose V8 ranges differ between per-test intervals and one
// whole-process take), the coverage fixture, the TypeScript example compiled with source maps, and
// compiled code several test processes load (compiled-multi: merged at the compiled file's offsets,
// then mapped, as c8 does; as shards aggregated; and the coded warning when the build cannot be read back).
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cleanEnv, copyFixture, runNodeTest, NODE, REPO } from './helpers/run.js';
import { cli, readOutputs, runInto } from './helpers/aggregate.js';

const C8 = path.join(REPO, 'node_modules', '.bin', 'c8');
type Six = [number, number, number, number, number, number];

function c8Six(dir: string, files: string[]): Map<string, Six> {
  const r = spawnSync(C8, ['--reporter=json-summary', '--report-dir=c8-out', NODE, '--test', ...files], { cwd: dir, env: cleanEnv(), encoding: 'utf8' });
  assert.ok(existsSync(path.join(dir, 'c8-out', 'coverage-summary.json')), `c8 ran: ${r.stderr}`);
  type C = { covered: number; total: number };
  const raw = JSON.parse(readFileSync(path.join(dir, 'c8-out', 'coverage-summary.json'), 'utf8')) as Record<string, { lines: C; functions: C; branches: C }>;
  return new Map(
    Object.entries(raw)
      .filter(([f]) => f !== 'total')
      .map(([f, v]): [string, Six] => [path.relative(dir, f).split(path.sep).join('/'), [v.lines.covered, v.lines.total, v.functions.covered, v.functions.total, v.branches.covered, v.branches.total]]),
  );
}

const MULTI = ['build/test/a.test.js', 'build/test/b.test.js'];
function tsc(dir: string): void {
  const r = spawnSync(process.execPath, [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.', '--typeRoots', path.join(REPO, 'node_modules', '@types')], { cwd: dir, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stdout);
}

const strips = ['strip', 'transform'].includes(spawnSync(NODE, ['-p', 'process.features.typescript ?? false'], { encoding: 'utf8', env: cleanEnv() }).stdout.trim());
const projects: Array<{ name: string; from?: string; files: string[]; build?: boolean; skip?: string | false }> = [
  { name: 'branch-parity', files: [] },
  { name: 'coverage', files: [] },
  { name: 'typescript', from: path.join(REPO, 'examples'), files: ['build/test/glucose.test.js'], build: true },
  { name: 'typescript', from: path.join(REPO, 'examples'), files: ['test/glucose.test.ts'], skip: !strips && 'this node does not strip types' },
  { name: 'compiled-multi', files: MULTI, build: true },
];

for (const p of projects) {
  describe(`${p.name} (${p.files.join(' ') || 'node --test'}): whole-run totals equal c8's`, { skip: p.skip ?? false }, () => {
    if (p.skip) return;
    const dir = copyFixture(p.name, p.from ? { from: p.from } : {});
    if (p.build) tsc(dir);
    const c8 = c8Six(dir, p.files);
    for (const mode of ['test', 'file']) {
      it(`coverage.mode ${mode}: lines, functions, branches (covered and total) per file`, () => {
        const r = runNodeTest(dir, { files: p.files, env: { LLM_REPORT_COVERAGE__MODE: mode } });
        const files = r.report!.coverage!.files;
        assert.ok(files.length > 0, 'files measured');
        for (const f of files) {
          const ours: Six = [f.lines.covered, f.lines.total, f.functions.covered, f.functions.total, f.branches.covered, f.branches.total];
          assert.deepEqual(ours, c8.get(f.file), `${f.file}: ours vs c8 (lines, functions, branches: covered/total)`);
        }
      });
    }
  });
}

describe('compiled code two test processes load: shards aggregated, and a build changed during the run', () => {
  let dir: string;
  let c8: Map<string, Six>;
  const FILE = 'src/compare.ts';
  before(() => {
    dir = copyFixture('compiled-multi');
    tsc(dir);
    c8 = c8Six(dir, MULTI);
  });

  it('each test file run apart, then aggregated: the two processes merged at the compiled file\'s offsets, c8\'s totals', () => {
    for (const [i, f] of MULTI.entries()) runInto(dir, `ci/run-${i}`, [f]);
    const r = cli(['aggregate', 'ci', '--out', 'agg'], dir);
    assert.equal(r.status, 0, r.stderr);
    const agg = readOutputs(path.join(dir, 'agg'));
    const line = agg.coverage.find((c) => c.file === FILE)!;
    assert.equal(line.generated?.profiles.length, 2, 'both processes\' compiled profiles kept');
    const f = agg.report.coverage!.files.find((x) => x.file === FILE)!;
    assert.deepEqual([f.lines.covered, f.lines.total, f.functions.covered, f.functions.total, f.branches.covered, f.branches.total], c8.get(FILE));
    assert.ok(!agg.report.warnings.some((w) => w.code === 'LLMR_BRANCHES_APPROXIMATE'), 'no approximation');
  });

  it('a compiled file rewritten during the run: LLMR_BRANCHES_APPROXIMATE names it, lines still equal c8\'s', () => {
    // A test process that rewrites the build after the tests ran (a watch build, say): the fold cannot map
    // the recorded offsets through a file that changed, and says so instead of counting silently.
    const rewrite = `\nimport { after } from 'node:test';\nimport { appendFileSync } from 'node:fs';\nafter(() => appendFileSync(new URL('../src/compare.js', import.meta.url), '\\n// rebuilt\\n'));\n`;
    appendFileSync(path.join(dir, 'build', 'test', 'b.test.js'), rewrite);
    const r = runNodeTest(dir, { files: MULTI });
    const warn = r.report!.warnings.filter((w) => w.code === 'LLMR_BRANCHES_APPROXIMATE');
    assert.equal(warn.length, 1, JSON.stringify(r.report!.warnings));
    assert.match(warn[0]!.message, /^src\/compare\.ts: its compiled file compare\.js changed since the run/);
    const f = r.report!.coverage!.files.find((x) => x.file === FILE)!;
    assert.deepEqual([f.lines.covered, f.lines.total], c8.get(FILE)!.slice(0, 2), 'lines are exact either way');
    assert.ok(f.branches.total > 0, 'branch totals still reported (from the mapped profiles)');
  });
});
