// `llm-report affected` on a git checkout of the impact fixture, after a real run: selections for the
// ordinary changes, the fallbacks (module top level, data files, lockfile, unknown commit, parse errors),
// and a mutation check: for single-line mutations of the fixture's source, the selection always holds
// every test file that really fails (node --test run in full to learn which).
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { cleanEnv, runNodeTest, NODE, REPO } from './helpers/run.js';
import { cliInProcess } from './helpers/evidence.js';
import { failingFiles, git, gitFixture } from './helpers/git-repo.js';
import { parseDiff } from '../lib/impact/diff.js';
import { specifiers, resolveSpecifier } from '../lib/impact/imports.js';

const TEST_FILES = ['test/factor.test.js', 'test/flags.test.js', 'test/label.test.js', 'test/limits.test.js', 'test/units.test.js'];

async function affected(dir: string, ...args: string[]): Promise<{ files: string[]; all: boolean; reasons: Array<{ file: string; why: string }> }> {
  const r = await cliInProcess(['affected', '--format', 'json', ...args], dir);
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as { files: string[]; all: boolean; reasons: Array<{ file: string; why: string }> };
}

function edit(dir: string, file: string, change: (text: string) => string): void {
  const p = path.join(dir, file);
  writeFileSync(p, change(readFileSync(p, 'utf8')));
}

describe('llm-report affected (impact fixture in a git checkout)', () => {
  let dir: string;
  before(() => {
    dir = gitFixture('impact', []);
    const r = runNodeTest(dir);
    assert.ok(r.report?.run.git?.sha, `the run recorded its commit: ${r.stderr}`);
    assert.equal(r.report.run.git.dirty, false, 'our own outputs do not make the tree dirty');
  });
  const restore = (): void => void git(dir, 'checkout', '-q', '--', '.');

  it('no change: nothing to run, and it says so', async () => {
    const a = await affected(dir);
    assert.deepEqual(a.files, []);
    const text = await cliInProcess(['affected'], dir);
    assert.equal(text.stdout, '');
    assert.match(text.stderr, /nothing to run: no change since [0-9a-f]{40}/);
  });

  it('a line inside a function selects the test files whose tests executed it, and only those', async () => {
    edit(dir, 'src/label.js', (t) => t.replace("text.slice(0, 19) + '…'", "text.slice(0, 18) + '…'"));
    assert.deepEqual((await affected(dir)).files, ['test/label.test.js']);
    restore();
    edit(dir, 'src/units.js', (t) => t.replace('Math.round(mmol * GLUCOSE_FACTOR)', 'Math.floor(mmol * GLUCOSE_FACTOR)'));
    assert.deepEqual((await affected(dir)).files, ['test/units.test.js'], 'toMgdl runs only in units.test.js');
    restore();
  });

  it('module top level selects every test file that loads the module, also through other modules', async () => {
    edit(dir, 'src/units.js', (t) => t.replace('18.016', '18.0'));
    const a = await affected(dir);
    assert.deepEqual(a.files, ['test/factor.test.js', 'test/flags.test.js', 'test/units.test.js']);
    assert.ok(a.reasons.some((r) => /module top level/.test(r.why)));
    restore();
  });

  it('a changed test file selects itself; a new test file too', async () => {
    edit(dir, 'test/label.test.js', (t) => t + '\n');
    writeFileSync(path.join(dir, 'test/new.test.js'), "import { test } from 'node:test';\ntest('new', () => {});\n");
    assert.deepEqual((await affected(dir)).files, ['test/label.test.js', 'test/new.test.js']);
    rmSync(path.join(dir, 'test/new.test.js'));
    restore();
  });

  it('data files, lockfiles and an unknown commit widen to every test file, with the reason', async () => {
    edit(dir, 'data/limits.json', (t) => t.replace('3.9', '4'));
    let a = await affected(dir);
    assert.equal(a.all, true);
    assert.match(a.reasons.at(-1)!.why, /outside the coverage map/);
    restore();
    writeFileSync(path.join(dir, 'package-lock.json'), '{}\n');
    a = await affected(dir);
    assert.equal(a.all, true);
    assert.match(a.reasons.at(-1)!.why, /dependencies/);
    rmSync(path.join(dir, 'package-lock.json'));
    a = await affected(dir, '--base', '0123456789abcdef0123456789abcdef01234567');
    assert.equal(a.all, true);
    assert.match(a.reasons[0]!.why, /not in this clone/);
    assert.deepEqual(a.files, TEST_FILES);
  });

  it('deleted and renamed files select the tests that ran them; new code nothing loads is "nothing to run", said so', async () => {
    rmSync(path.join(dir, 'src/label.js'));
    let a = await affected(dir);
    assert.deepEqual(a.files, ['test/label.test.js']);
    assert.match(a.reasons.find((r) => r.file === 'src/label.js')!.why, /^deleted/);
    restore();
    git(dir, 'mv', 'src/label.js', 'src/lbl.js');
    a = await affected(dir);
    assert.deepEqual(a.files, ['test/label.test.js']);
    assert.match(a.reasons.find((r) => r.file === 'src/label.js')!.why, /^renamed/);
    git(dir, 'mv', 'src/lbl.js', 'src/label.js');
    writeFileSync(path.join(dir, 'src/extra.js'), 'export const extra = 1;\n');
    a = await affected(dir);
    assert.deepEqual(a.files, []);
    assert.match(a.reasons[0]!.why, /nothing to run for it/);
    const text = await cliInProcess(['affected', '--format', 'lines'], dir);
    assert.equal(text.stdout, '');
    assert.match(text.stderr, /nothing to run: the change \(1 file\) touches no file any test can reach/);
    rmSync(path.join(dir, 'src/extra.js'));
  });

  it('--format json names the run commit and whether its tree was dirty', async () => {
    const r = await cliInProcess(['affected', '--format', 'json'], dir);
    const j = JSON.parse(r.stdout) as { base: string; run_dirty: boolean };
    assert.equal(j.base, git(dir, 'rev-parse', 'HEAD').trim());
    assert.equal(j.run_dirty, false);
  });

  it('a file that no longer parses selects every test file that loads it', async () => {
    edit(dir, 'src/units.js', (t) => t.replace('return Math.round(mmol * GLUCOSE_FACTOR);\n}', 'return Math.round(mmol * GLUCOSE_FACTOR);\n'));
    assert.deepEqual((await affected(dir)).files, ['test/factor.test.js', 'test/flags.test.js', 'test/units.test.js']);
    restore();
  });

  it('node --test $(llm-report affected --format args) runs the selection', () => {
    edit(dir, 'src/label.js', (t) => t.replace('> 20', '> 30'));
    const sel = spawnSync(NODE, [path.join(REPO, 'dist', 'lib', 'cli', 'main.js'), 'affected', '--format', 'args'], { cwd: dir, encoding: 'utf8', env: cleanEnv() });
    assert.equal(sel.status, 0, sel.stderr);
    assert.equal(sel.stdout, 'test/label.test.js\n');
    const run = spawnSync('sh', ['-c', `"${NODE}" --test --test-reporter=tap $(${JSON.stringify(NODE)} ${JSON.stringify(path.join(REPO, 'dist', 'lib', 'cli', 'main.js'))} affected --format args)`], { cwd: dir, encoding: 'utf8', env: cleanEnv() });
    assert.match(run.stdout, /^# tests 2$/m, 'only the two label tests ran');
    assert.match(run.stdout, /^# fail 1$/m, 'and the mutation is caught');
    restore();
  });

  // A sample (one mutant of each kind per file, spread over the file) keeps this test short; the bench's
  // mutation study (npm run bench -- --only=affected) applies every mutant of every line.
  it('mutations of the source: the selection holds every failing test file (recall 100%)', async () => {
    const mutants: Array<{ file: string; line: number; kind: string; text: string }> = [];
    for (const file of readdirSync(path.join(dir, 'src')).sort().map((f) => `src/${f}`)) {
      const lines = readFileSync(path.join(dir, file), 'utf8').split('\n');
      lines.forEach((l, i) => {
        if (!l.trim() || l.trim().startsWith('//')) return;
        const at = (text: string): string => [...lines.slice(0, i), text, ...lines.slice(i + 1)].join('\n');
        mutants.push({ file, line: i + 1, kind: 'delete', text: at('') });
        if (/\d/.test(l)) mutants.push({ file, line: i + 1, kind: 'constant', text: at(l.replace(/\d+(\.\d+)?/, (n) => String(Number(n) + 1))) });
        if (/[<>]/.test(l)) mutants.push({ file, line: i + 1, kind: 'comparison', text: at(l.replace(/[<>]=?/, (c) => (c.startsWith('<') ? '>=' : '<='))) });
      });
    }
    const all = mutants.length;
    const sample = mutants.filter((m, i) => mutants.findIndex((o) => o.file === m.file && o.kind === m.kind) === i || (m.kind === 'delete' && m.line % 4 === 0));
    mutants.splice(0, mutants.length, ...sample);
    let misses = 0;
    let selected = 0;
    let caught = 0;
    for (const m of mutants) {
      writeFileSync(path.join(dir, m.file), m.text);
      const failing = failingFiles(dir, TEST_FILES);
      const sel = (await affected(dir)).files;
      restore();
      const missed = failing.filter((f) => !sel.includes(f));
      assert.deepEqual(missed, [], `${m.file}:${m.line} (${m.kind}): failing ${failing.join(', ')}; selected ${sel.join(', ')}`);
      if (missed.length) misses++;
      if (failing.length) caught++;
      selected += sel.length;
    }
    assert.ok(all >= 40 && mutants.length >= 10, `${mutants.length} of ${all} mutants`);
    assert.ok(caught >= mutants.length / 3, `${caught} of ${mutants.length} mutants fail some test: the study means something`);
    assert.equal(misses, 0);
    assert.ok(selected / mutants.length < TEST_FILES.length * 0.6, `mean selection ${(selected / mutants.length).toFixed(2)} of ${TEST_FILES.length} files`);
  });
});

describe('affected units', () => {
  it('parses git diff hunks in the old file numbering, insertions after their old line', () => {
    const d = parseDiff(
      [
        'diff --git a/src/a.js b/src/a.js',
        'index 1..2 100644',
        '--- a/src/a.js',
        '+++ b/src/a.js',
        '@@ -3 +3 @@',
        '@@ -7,0 +8,2 @@',
        '@@ -10,2 +11,4 @@',
        'diff --git a/old.js b/new.js',
        'similarity index 90%',
        'rename from old.js',
        'rename to new.js',
        'diff --git a/n.js b/n.js',
        'new file mode 100644',
        '--- /dev/null',
        '+++ b/n.js',
        '@@ -0,0 +1 @@',
      ].join('\n'),
    );
    assert.deepEqual(d[0], { file: 'src/a.js', kind: 'modified', lines: [3, 10, 11], insertedAfter: [7, 11], newLines: [], newBlank: [] });
    assert.equal(d[1]!.kind, 'renamed');
    assert.equal(d[1]!.file, 'old.js');
    assert.equal(d[1]!.to, 'new.js');
    assert.equal(d[2]!.kind, 'added');
  });

  it('finds static imports and requires, flags computed ones, maps .js to .ts', () => {
    const s = specifiers("import a from './a.js';\nimport './side.js';\nexport { b } from '../b.js';\nconst c = require('./c');\nconst d = await import('./d.js');\nimport x from 'pkg';");
    assert.deepEqual(s.relative, ['./a.js', './side.js', '../b.js', './c', './d.js']);
    assert.equal(s.dynamic, false);
    assert.equal(specifiers('const m = await import(name);').dynamic, true);
    assert.equal(resolveSpecifier('test/t.ts', '../src/a.js', (f) => f === 'src/a.ts'), 'src/a.ts');
    assert.equal(resolveSpecifier('test/t.js', '../src/c', (f) => f === 'src/c.js'), 'src/c.js');
  });
});
