// Attack (or accident): an output directory that is not llm-report's own — `/`, the home directory, the
// project itself or a directory above it, another tool's non-empty directory. llm-report replaces files
// in its output directory, so such a directory is refused with LLMR_OUTPUT_DIR_REFUSED naming the option
// and the path; nothing is written there, the reporter's stream still carries every test and the run
// fails. A directory llm-report created (the .llm-report-output marker), an empty one, or one holding
// only llm-report's own files (an earlier version's output, the stream file node opened) is used.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cleanEnv, copyFixture, NODE, parseLines, runNodeTest } from '../helpers/run.js';
import { cli } from '../helpers/evidence.js';
import { snapshot } from '../helpers/planted.js';

const TESTS = ['test/cart.test.js', 'test/more.test.js'];

/** The project's files, but for what node's own reporters wrote (stream.ndjson, tap.txt). */
function projectFiles(dir: string): Record<string, string> {
  const s = snapshot(dir);
  for (const k of Object.keys(s)) if (k === 'stream.ndjson' || k === 'tap.txt' || k.startsWith('node_modules')) delete s[k];
  return s;
}

describe('the reporter refuses an output directory that is not its own', () => {
  for (const [what, value, reason] of [
    ['the project directory', '.', /it is the project directory/],
    ['a directory above the project', '..', /it holds the project directory/],
    ['another tool\'s non-empty directory', 'docs', /not empty \(notes\.md\) and llm-report did not create it/],
  ] as const) {
    it(`${what} (output_dir ${JSON.stringify(value)}): refused, nothing written, every test still in the stream, the run fails`, () => {
      const dir = copyFixture('simple');
      mkdirSync(path.join(dir, 'docs'));
      writeFileSync(path.join(dir, 'docs', 'notes.md'), 'the team\'s notes\n');
      const before = projectFiles(dir);
      const r = runNodeTest(dir, { env: { LLM_REPORT_OUTPUT_DIR: value }, files: TESTS });
      assert.match(r.stderr, /llm-report: LLMR_OUTPUT_DIR_REFUSED: output_dir "[^"]+": refused as an output directory/, r.stderr);
      assert.match(r.stderr, reason);
      assert.notEqual(r.status, 0, 'the run fails');
      assert.deepEqual(projectFiles(dir), before, 'nothing written in the project');
      // The parent (a shared temp directory) got none of our files either.
      for (const f of ['.llm-report-output', 'journal.ndjson', 'report.json', 'results.ndjson']) assert.ok(!existsSync(path.join(path.dirname(dir), f)), f);
      const lines = parseLines(r.stream);
      assert.equal(lines.filter((l) => l.type === 'test').length, r.nodeCounts.tests, 'every test in the stream');
      const w = lines.find((l) => l.type === 'warning' && l.code === 'LLMR_OUTPUT_DIR_REFUSED');
      assert.ok(w, 'the refusal is a warning line in the stream');
      assert.equal(lines.at(-1)?.type, 'run_end');
      assert.ok(lines.indexOf(w) < lines.length - 1, 'said before run_end');
    });
  }

  it('the home directory (HOME) is refused', () => {
    const dir = copyFixture('simple');
    const home = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'llmr-home-')));
    const r = runNodeTest(dir, { env: { HOME: home, LLM_REPORT_OUTPUT_DIR: home }, files: TESTS });
    assert.match(r.stderr, /LLMR_OUTPUT_DIR_REFUSED: output_dir .*it is the home directory/, r.stderr);
    assert.deepEqual(snapshot(home), {}, 'nothing written in the home directory');
  });
});

describe('the reporter uses a directory that is its own', () => {
  it('an earlier version\'s output (only llm-report\'s files, no marker) is used and claimed', () => {
    const dir = copyFixture('simple');
    const out = path.join(dir, 'llm-report');
    mkdirSync(path.join(out, 'coverage'), { recursive: true });
    for (const f of ['report.json', 'results.ndjson', 'journal.ndjson', 'journal.chain', 'SHA256SUMS', 'coverage/lcov.info']) writeFileSync(path.join(out, f), 'old\n');
    const r = runNodeTest(dir, { files: TESTS });
    assert.doesNotMatch(r.stderr, /LLMR_OUTPUT/, r.stderr);
    assert.ok(r.report, 'report.json written');
    assert.ok(existsSync(path.join(out, '.llm-report-output')), 'claimed: marker written');
  });

  it('a directory holding only the stream file node opened in it (npm run example) is used', () => {
    const dir = copyFixture('simple');
    mkdirSync(path.join(dir, 'llm-report'));
    const r = spawnSync(NODE, ['--test', '--test-reporter=@org/llm-report', '--test-reporter-destination=llm-report/stream.ndjson', ...TESTS], { cwd: dir, env: cleanEnv(), encoding: 'utf8' });
    assert.doesNotMatch(r.stderr, /LLMR_OUTPUT/, r.stderr);
    assert.ok(existsSync(path.join(dir, 'llm-report', 'report.json')), r.stderr);
    assert.match(readFileSync(path.join(dir, 'llm-report', 'stream.ndjson'), 'utf8'), /"type":"run_end"/);
  });

  it('a non-empty directory with the marker (created by hand: consent) is used; its other files stay', () => {
    const dir = copyFixture('simple');
    const out = path.join(dir, 'evidence');
    mkdirSync(out);
    writeFileSync(path.join(out, 'README.txt'), 'our evidence folder\n');
    writeFileSync(path.join(out, '.llm-report-output'), '');
    const r = runNodeTest(dir, { env: { LLM_REPORT_OUTPUT_DIR: 'evidence' }, files: TESTS });
    assert.doesNotMatch(r.stderr, /LLMR_OUTPUT_DIR_REFUSED/, r.stderr);
    assert.ok(existsSync(path.join(out, 'report.json')));
    assert.equal(readFileSync(path.join(out, 'README.txt'), 'utf8'), 'our evidence folder\n');
  });
});

describe('CLI --out directories are checked the same way', () => {
  // A real run's results, kept outside the projects below (aggregate never reads inside its --out).
  let results = '';
  before(() => {
    const dir = copyFixture('simple');
    const r = runNodeTest(dir, { files: TESTS });
    assert.ok(r.results, r.stderr);
    results = path.join(realpathSync(mkdtempSync(path.join(os.tmpdir(), 'llmr-inputs-'))), 'run.ndjson');
    writeFileSync(results, r.results);
  });
  const project = (): { dir: string; input: string } => ({ dir: copyFixture('simple', { install: false }), input: results });

  for (const [what, out, reason] of [
    ['/', '/', /it is the file system root/],
    ['the project', '.', /it is the project directory/],
    ['above the project', '..', /it holds the project directory/],
    ['a foreign non-empty directory', 'src', /not empty .* and llm-report did not create it/],
  ] as const) {
    for (const command of ['fold', 'aggregate', 'render']) {
      it(`${command} --out ${what}: refused with exit 2, nothing written`, () => {
        const { dir, input } = project();
        const before = projectFiles(dir);
        const args = command === 'render' ? ['render', input, '--out', out] : [command, input, '--out', out];
        if (command === 'render') {
          // render needs a report: fold one first, into a directory of its own.
          const f = cli(['fold', input, '--out', 'folded'], dir);
          assert.ok(f.status === 0 || f.status === 1, f.stderr);
          args[1] = 'folded/report.json';
        }
        const mid = projectFiles(dir);
        const r = cli(args, dir);
        assert.equal(r.status, 2, r.stdout + r.stderr);
        assert.match(r.stderr, new RegExp(`^llm-report ${command}: LLMR_OUTPUT_DIR_REFUSED: --out "`, 'm'), r.stderr);
        assert.match(r.stderr, reason);
        assert.deepEqual(projectFiles(dir), command === 'render' ? mid : before);
        assert.ok(!existsSync('/report.json') && !existsSync('/report.html'));
      });
    }
  }

  it('HOME as --out is refused', () => {
    const { dir, input } = project();
    const home = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'llmr-home-')));
    const r = cli(['fold', input, '--out', home], dir, { HOME: home });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /LLMR_OUTPUT_DIR_REFUSED: --out .*it is the home directory/);
    assert.deepEqual(snapshot(home), {});
  });

  it('seal refuses the project directory as run-dir', () => {
    const { dir } = project();
    const before = projectFiles(dir);
    const r = cli(['seal', '.'], dir);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /llm-report seal: LLMR_OUTPUT_DIR_REFUSED: run-dir "\.": refused: it is the project directory/);
    assert.deepEqual(projectFiles(dir), before);
  });
});
