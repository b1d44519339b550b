// Coverage of a change (issue #14 §3), on real git checkouts of the impact fixture after real
// `node --test` runs: `fold --base`, the reporter with option changes.base, the GitHub pull request base,
// renamed / deleted / binary / not measured files, a dirty tree, a shallow clone without the base, not a
// git checkout, and refused refs. Every record is checked against schemas/report.schema.json.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runNodeTest } from './helpers/run.js';
import { git, gitFixture } from './helpers/git-repo.js';
import { cliInProcess } from './helpers/evidence.js';
import { validateReport } from '../lib/generated/validate-report.js';
import { parseDiff } from '../lib/impact/diff.js';
import { changeCoverage } from '../lib/impact/changes.js';
import { fileFacts } from '../lib/impact/line-index.js';
import type { ChangedFile, ChangesRecord, Report, TestLine } from '../lib/types.js';

function edit(dir: string, file: string, change: (text: string) => string): void {
  const p = path.join(dir, file);
  writeFileSync(p, change(readFileSync(p, 'utf8')));
}

function readReport(dir: string): Report {
  const report = JSON.parse(readFileSync(path.join(dir, 'report.json'), 'utf8')) as Report;
  assert.ok(validateReport(report), `report.json matches its schema: ${JSON.stringify(validateReport.errors?.[0])}`);
  return report;
}

const fileOf = (c: ChangesRecord, file: string): ChangedFile => {
  const f = c.files.find((x) => x.file === file);
  assert.ok(f, `${file} is in the change: ${c.files.map((x) => x.file).join(', ')}`);
  return f;
};

/** The impact fixture on branch main, then a feature branch with every kind of change, committed. */
function checkout(): { dir: string; mainSha: string } {
  const dir = gitFixture('impact', ['out*/'], (d) => {
    mkdirSync(path.join(d, 'docs'));
    writeFileSync(path.join(d, 'docs/notes.md'), '# notes\n');
    writeFileSync(path.join(d, 'docs/guide.md'), '# guide\n');
  });
  const mainSha = git(dir, 'rev-parse', 'HEAD').trim();
  git(dir, 'checkout', '-q', '-b', 'feature');
  // modified: line 2 (run by both label tests), and a new function no test calls (lines 10-13; 8 blank, 9 a comment)
  edit(dir, 'src/label.js', (t) => t.replace('${value}`', '${String(value)}`') + '\n// not called by any test\nexport function unused(x) {\n  const y = x * 2;\n  return y;\n}\n');
  // renamed, with a changed line
  git(dir, 'mv', 'src/limits.js', 'src/bounds.js');
  edit(dir, 'src/bounds.js', (t) => t.replace('return { low: data.low, high: data.high };', 'return { high: data.high, low: data.low };'));
  edit(dir, 'test/limits.test.js', (t) => t.replace('../src/limits.js', '../src/bounds.js'));
  git(dir, 'rm', '-q', 'docs/notes.md');
  edit(dir, 'docs/guide.md', (t) => t + 'more\n');
  mkdirSync(path.join(dir, 'assets'));
  writeFileSync(path.join(dir, 'assets/logo.bin'), Buffer.from([0, 1, 2, 0, 255]));
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'feature');
  return { dir, mainSha };
}

describe('coverage of a change (--base)', () => {
  let dir: string;
  let mainSha: string;
  before(() => {
    ({ dir, mainSha } = checkout());
    const r = runNodeTest(dir);
    assert.equal(r.report?.run.git?.dirty, false, `a clean run: ${r.stderr}`);
  });

  it('fold --base: per changed file its executable changed lines, the tests that ran each, the uncovered ones', async () => {
    const r = await cliInProcess(['fold', 'stream.ndjson', '--out', 'out-fold', '--base', 'main'], dir);
    assert.ok(r.status === 0, r.stderr);
    assert.match(r.stderr, /changes since main: 3 of 6 changed executable lines ran \(50%\), 3 uncovered, in 6 changed files/);
    const report = readReport(path.join(dir, 'out-fold'));
    const c = report.changes!;
    assert.equal(c.base, 'main');
    assert.equal(c.base_from, 'cli');
    assert.equal(c.base_sha, mainSha);
    assert.equal(c.merge_base, mainSha);
    assert.equal(c.head_sha, report.run.git!.sha);
    assert.equal(c.uncommitted, false);
    assert.deepEqual(c.conditions, []);
    const label = fileOf(c, 'src/label.js');
    assert.equal(label.state, 'modified');
    // 2: run by both label tests; 10: the declaration runs at module load (no test); 11-13: the body never ran.
    assert.deepEqual(label.lines.map((l) => l.line), [2, 10, 11, 12, 13]);
    const byId = new Map(report.tests.map((t) => [t.id, t]));
    assert.deepEqual(label.lines[0]!.tests.map((id) => byId.get(id)!.name).sort(), ['long labels are cut', 'short labels are kept']);
    assert.deepEqual(label.lines[1]!.tests, []);
    assert.deepEqual(label.uncovered, [11, 12, 13]);
    assert.equal(label.covered, 2);
    const bounds = fileOf(c, 'src/bounds.js');
    assert.equal(bounds.state, 'renamed');
    assert.equal(bounds.from, 'src/limits.js');
    assert.deepEqual(bounds.uncovered, []);
    assert.equal(bounds.lines.length, 1);
    assert.equal(byId.get(bounds.lines[0]!.tests[0]!)!.name, 'limits come from the data file');
    assert.equal(fileOf(c, 'docs/notes.md').state, 'deleted');
    assert.equal(fileOf(c, 'docs/guide.md').state, 'not_in_coverage');
    assert.equal(fileOf(c, 'assets/logo.bin').state, 'binary');
    assert.deepEqual(c.files.map((f) => f.file), [...c.files.map((f) => f.file)].sort(), 'sorted by path');
    assert.deepEqual(c.totals, { covered: 3, total: 6, percent: 50 });
    assert.equal(fileOf(c, 'test/limits.test.js').state, 'not_in_coverage', 'test files are not measured (coverage.exclude)');
  });

  it('the reporter with option changes.base: report.json, the Changes view, and verify still passes', async () => {
    const r = runNodeTest(dir, { env: { LLM_REPORT_CHANGES__BASE: 'main' } });
    const report = readReport(path.join(dir, 'llm-report'));
    assert.equal(report.changes?.base_from, 'option');
    assert.deepEqual(fileOf(report.changes, 'src/label.js').uncovered, [11, 12, 13]);
    assert.match(r.stderr, /llm-report: changes since main: 3 of 6/);
    const html = readFileSync(path.join(dir, 'llm-report', 'report.html'), 'utf8');
    assert.ok(/<section id="changes"/.test(html), "html check 1: " + (/<section id="changes"[^]*?<\/section>/.exec(html)?.[0] ?? "no Changes section"));
    assert.ok(/<a href="#changes">Changes<\/a>/.test(html), "html check 2: " + (/<section id="changes"[^]*?<\/section>/.exec(html)?.[0] ?? "no Changes section"));
    const id = fileOf(report.changes, 'src/label.js').lines[0]!.tests[0]!;
    assert.ok(html.includes(`<a href="#test-${encodeURIComponent(id)}">`), 'each test links to its anchor on the page');
    assert.ok(/<tr class="s-failed"><td class="n mono">11<\/td><td><span class="badge s-failed">uncovered<\/span>/.test(html), "html check 3: " + (/<section id="changes"[^]*?<\/section>/.exec(html)?.[0] ?? "no Changes section"));
    assert.ok(/src&#x2F;bounds\.js<\/span> <span class="badge">renamed<\/span> <span class="muted">from <span class="mono">src&#x2F;limits\.js/.test(html), "html check 4: " + (/<section id="changes"[^]*?<\/section>/.exec(html)?.[0] ?? "no Changes section"));
    const v = await cliInProcess(['verify', 'llm-report'], dir);
    assert.equal(v.status, 0, v.stdout + v.stderr);
  });

  it('on a GitHub pull request: origin/<GITHUB_BASE_REF>, warnings for uncovered changed lines, a Changes section in the job summary', () => {
    git(dir, 'update-ref', 'refs/remotes/origin/main', mainSha);
    const summary = path.join(dir, 'out-summary.md');
    const r = runNodeTest(dir, { env: { GITHUB_ACTIONS: 'true', GITHUB_EVENT_NAME: 'pull_request', GITHUB_BASE_REF: 'main', GITHUB_WORKSPACE: dir, GITHUB_STEP_SUMMARY: summary } });
    const report = readReport(path.join(dir, 'llm-report'));
    assert.equal(report.changes?.base, 'origin/main');
    assert.equal(report.changes?.base_from, 'github');
    assert.match(r.stderr, /^::warning file=src\/label\.js,line=11,endLine=13,title=llm-report%3A changed lines not covered::lines 11-13 were changed since origin\/main and no test executed them$/m);
    const md = readFileSync(summary, 'utf8');
    assert.match(md, /### Changes since origin\/main: 50\\\.00 % of changed lines ran \\\(3\/6\\\)/);
    assert.match(md, /- \*\*src\/label\\\.js\*\*: 3 uncovered changed lines \\\(11\\-13\\\)/);
    rmSync(summary);
  });

  it('a dirty tree: the change runs to the working tree, uncommitted and untracked files included, and says so', async () => {
    edit(dir, 'src/units.js', (t) => t.replace('Math.round(mmol * GLUCOSE_FACTOR)', 'Math.floor(mmol * GLUCOSE_FACTOR)'));
    writeFileSync(path.join(dir, 'src/fresh.js'), 'export const fresh = 1;\n');
    try {
      const run = runNodeTest(dir);
      assert.equal(run.report?.run.git?.dirty, true);
      const r = await cliInProcess(['fold', 'stream.ndjson', '--out', 'out-dirty', '--base', 'main'], dir);
      assert.match(r.stderr, /LLMR_CHANGES_INCOMPLETE: dirty_tree: /);
      const c = readReport(path.join(dir, 'out-dirty')).changes!;
      assert.equal(c.uncommitted, true);
      assert.deepEqual(c.conditions.map((k) => k.code), ['dirty_tree']);
      const units = fileOf(c, 'src/units.js');
      assert.equal(units.state, 'modified');
      assert.equal(units.lines.length, 1);
      assert.ok(units.lines[0]!.tests.length > 0, 'the uncommitted line ran in a test');
      assert.equal(fileOf(c, 'src/fresh.js').state, 'not_in_coverage', 'untracked, and no test loads it');
      assert.equal(fileOf(c, 'src/label.js').uncovered.length, 3, 'the committed part of the change is still there');
    } finally {
      git(dir, 'checkout', '-q', '--', '.');
      rmSync(path.join(dir, 'src/fresh.js'));
    }
  });

  it('a shallow clone without the base: named, with how to fetch it, never a crash', async () => {
    const clone = mkdtempSync(path.join(os.tmpdir(), 'llmr-shallow-'));
    try {
      git(clone, 'clone', '-q', '--depth', '1', '--branch', 'feature', `file://${dir}`, 'repo');
      const repo = path.join(clone, 'repo');
      writeFileSync(path.join(repo, 'stream.ndjson'), readFileSync(path.join(dir, 'stream.ndjson')));
      for (const base of [mainSha, 'main', 'origin/main']) {
        const r = await cliInProcess(['fold', 'stream.ndjson', '--out', 'out-shallow', '--base', base], repo);
        assert.ok(r.status === 0 || r.status === 1, r.stderr);
        assert.match(r.stderr, new RegExp(`LLMR_CHANGES_INCOMPLETE: base_not_found: base ${base} is not a commit in this clone \\(a shallow clone\\): fetch more history: \`git fetch --deepen=100\`.*fetch-depth: 0`));
        const c = readReport(path.join(repo, 'out-shallow')).changes!;
        assert.deepEqual(c.files, []);
        assert.equal(c.conditions[0]!.code, 'base_not_found');
        assert.deepEqual(c.totals, { covered: 0, total: 0, percent: 100 });
      }
    } finally {
      rmSync(clone, { recursive: true, force: true });
    }
  });

  it('not a git checkout, and hostile refs: named or refused before git sees them', async () => {
    const plain = mkdtempSync(path.join(os.tmpdir(), 'llmr-nogit-'));
    try {
      writeFileSync(path.join(plain, 'stream.ndjson'), readFileSync(path.join(dir, 'stream.ndjson')));
      // GIT_CEILING_DIRECTORIES is not needed: the temp dir is not inside a repository.
      const r = await cliInProcess(['fold', 'stream.ndjson', '--out', 'out', '--base', 'main'], plain);
      assert.match(r.stderr, /LLMR_CHANGES_INCOMPLETE: not_git: not a git checkout/);
      assert.equal(readReport(path.join(plain, 'out')).changes!.conditions[0]!.code, 'not_git');
    } finally {
      rmSync(plain, { recursive: true, force: true });
    }
    for (const cmd of [['fold', 'stream.ndjson', '--out', 'out-x'], ['render', 'llm-report', '--out', 'out-x'], ['aggregate', 'stream.ndjson', '--out', 'out-x']]) {
      for (const ref of ['--base=--output=pwned', '--base=-p', '--base=main foo', '--base=a\nb']) {
        const r = await cliInProcess([...cmd, ref], dir);
        assert.equal(r.status, 2, `${cmd[0]} ${ref}: ${r.stderr}`);
        assert.match(r.stderr, /--base: refused base .*must not start with "-"/);
        assert.equal(existsSync(path.join(dir, 'pwned')), false);
        assert.equal(existsSync(path.join(dir, 'out-x')), false, 'nothing written');
      }
    }
  });

  it('render --base: the Changes view without rewriting the sealed report.json', async () => {
    const before = readFileSync(path.join(dir, 'llm-report', 'report.json'));
    const r = await cliInProcess(['render', 'llm-report', '--out', 'out-render', '--base', 'main'], dir);
    assert.equal(r.status, 0, r.stderr);
    assert.deepEqual(readFileSync(path.join(dir, 'llm-report', 'report.json')), before);
    const html = readFileSync(path.join(dir, 'out-render', 'report.html'), 'utf8');
    assert.ok(/Changes since <span class="mono">main<\/span>: 50\.00 % of changed lines ran \(3\/6\)/.test(html), "html check 5: " + (/<section id="changes"[^]*?<\/section>/.exec(html)?.[0] ?? "no Changes section"));
  });

  it('aggregate --base: the change over the merged runs', async () => {
    const r = await cliInProcess(['aggregate', 'llm-report', '--out', 'out-agg', '--base', 'main'], dir);
    assert.ok(r.status === 0, r.stderr);
    const c = readReport(path.join(dir, 'out-agg')).changes!;
    assert.deepEqual(fileOf(c, 'src/label.js').uncovered, [11, 12, 13]);
    assert.equal(c.totals.total, 6);
  });
});

describe('coverage of a change: units', () => {
  it('parseDiff: new-file lines, blank and comment lines apart, names with spaces, quotes and UTF-8', () => {
    const d = parseDiff(
      [
        'diff --git a/my file.js b/my file.js',
        'index 1..2 100644',
        '--- a/my file.js\t',
        '+++ b/my file.js\t',
        '@@ -2,2 +2,3 @@',
        '-old',
        '--- not a header',
        '+new',
        '+',
        '++++ not a header either',
        'diff --git "a/\\303\\251\\n.js" "b/\\303\\251\\n.js"',
        'new file mode 100644',
        '--- /dev/null',
        '+++ "b/\\303\\251\\n.js"',
        '@@ -0,0 +1,2 @@',
        '+// comment',
        '+code()',
        '\\ No newline at end of file',
      ].join('\n'),
    );
    assert.deepEqual(d, [
      { file: 'my file.js', kind: 'modified', lines: [2, 3], insertedAfter: [3], newLines: [2, 3, 4], newBlank: [3] },
      { file: 'é\n.js', kind: 'added', lines: [], insertedAfter: [0], newLines: [1, 2], newBlank: [1] },
    ]);
  });

  it('changeCoverage: lines past the measured end and blank lines do not count; no change is 100%', () => {
    const t = { type: 'test', id: 't1', name: 'a', path: [], file: 'test/a.test.js', entry_file: 'test/a.test.js', line: 1, column: 1, status: 'passed', coverage: [{ file: 'src/a.js', lines: [[1, 2]] }] } as unknown as TestLine;
    const facts = fileFacts([{ type: 'coverage', file: 'src/a.js', lines: { covered: [[1, 3]], total: 4 }, functions: { covered: 1, total: 1 }, branches: { covered: 0, total: 0 } }], undefined);
    const meta = { base: 'main', base_from: 'cli' as const, uncommitted: false, conditions: [] };
    const c = changeCoverage([{ file: 'src/a.js', kind: 'modified', lines: [], insertedAfter: [], newLines: [2, 3, 4, 5, 9], newBlank: [5] }], [t], facts, meta);
    assert.deepEqual(c.files[0]!.lines, [{ line: 2, tests: ['t1'] }, { line: 3, tests: [] }, { line: 4, tests: [] }]);
    assert.deepEqual(c.files[0]!.uncovered, [4]);
    assert.deepEqual(c.totals, { covered: 2, total: 3, percent: 66.66 });
    assert.deepEqual(changeCoverage([], [t], facts, meta).totals, { covered: 0, total: 0, percent: 100 });
  });
});
