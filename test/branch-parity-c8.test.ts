// Whole-run lines, functions and branches equal c8's, file by file, in both coverage modes: the
// branch-parity fixture (constructs whose V8 ranges differ between per-test intervals and one
// whole-process take), the coverage fixture, and the TypeScript example compiled with source maps.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { cleanEnv, copyFixture, runNodeTest, NODE, REPO } from './helpers/run.js';

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

const strips = ['strip', 'transform'].includes(spawnSync(NODE, ['-p', 'process.features.typescript ?? false'], { encoding: 'utf8', env: cleanEnv() }).stdout.trim());
const projects: Array<{ name: string; from?: string; files: string[]; build?: boolean; skip?: string | false }> = [
  { name: 'branch-parity', files: [] },
  { name: 'coverage', files: [] },
  { name: 'typescript', from: path.join(REPO, 'examples'), files: ['build/test/glucose.test.js'], build: true },
  { name: 'typescript', from: path.join(REPO, 'examples'), files: ['test/glucose.test.ts'], skip: !strips && 'this node does not strip types' },
];

for (const p of projects) {
  describe(`${p.name} (${p.files.join(' ') || 'node --test'}): whole-run totals equal c8's`, { skip: p.skip ?? false }, () => {
    if (p.skip) return;
    const dir = copyFixture(p.name, p.from ? { from: p.from } : {});
    if (p.build) {
      const tsc = spawnSync(process.execPath, [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.', '--typeRoots', path.join(REPO, 'node_modules', '@types')], { cwd: dir, encoding: 'utf8' });
      assert.equal(tsc.status, 0, tsc.stdout);
    }
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
