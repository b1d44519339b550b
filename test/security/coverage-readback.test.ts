// Attack: at the end of a run the fold reads files back to count coverage as c8 does (a source for its
// ignore hints, a compiled file and its source map), by paths a test process ran and named. A test that
// plants a FIFO where the source map was would hang the fold (no report at all) if it were opened and
// read like a file. Defence: lib/read-regular.ts opens without blocking and reads regular files
// only; the file is counted from its mapped profiles and named (LLMR_BRANCHES_APPROXIMATE).
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync } from 'node:fs';
import path from 'node:path';
import { copyFixture, REPO, runNodeTest } from '../helpers/run.js';

it('a FIFO planted as a compiled file\'s source map during the run: the fold neither hangs nor reads it, and names the file', { timeout: 120_000 }, (t) => {
  if (spawnSync('mkfifo', ['--version']).status !== 0) {
    if (process.env.CI === 'true') assert.fail('mkfifo (coreutils) is needed for this test');
    return t.skip('mkfifo not found (coreutils)');
  }
  const dir = copyFixture('compiled-multi');
  const tsc = spawnSync(process.execPath, [path.join(REPO, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', '.', '--typeRoots', path.join(REPO, 'node_modules', '@types')], { cwd: dir, encoding: 'utf8' });
  assert.equal(tsc.status, 0, tsc.stdout);
  // After its tests ran (the map already read by this process), the test file swaps the map for a FIFO.
  appendFileSync(
    path.join(dir, 'build', 'test', 'b.test.js'),
    `\nimport { after } from 'node:test';\nimport { rmSync } from 'node:fs';\nimport { execFileSync } from 'node:child_process';\n` +
      `after(() => { const map = new URL('../src/compare.js.map', import.meta.url).pathname; rmSync(map); execFileSync('mkfifo', [map]); });\n`,
  );
  const r = runNodeTest(dir, { files: ['build/test/a.test.js', 'build/test/b.test.js'], timeoutMs: 60_000 });
  assert.ok(r.report, `the run wrote its report (no hang): ${r.stderr}`);
  const warn = r.report.warnings.filter((w) => w.code === 'LLMR_BRANCHES_APPROXIMATE');
  assert.equal(warn.length, 1, JSON.stringify(r.report.warnings));
  assert.equal(warn[0]!.message, 'src/compare.ts: the source map of compare.js is unusable (source map compare.js.map is not a readable file)');
  const f = r.report.coverage!.files.find((x) => x.file === 'src/compare.ts')!;
  assert.ok(f.lines.total > 0 && f.branches.total > 0, 'still counted, from the mapped profiles');
});
