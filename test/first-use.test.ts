// What a user meets at once: the single file's --help names the file (not a package it is not installed
// as), and on a terminal, when our stream goes to a file, one line on stderr at the end says how the run
// went and where report.html is (checked on a real pseudo-terminal from util-linux `script`).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUNDLE, NODE, REPO, cleanEnv, copyFixture } from './helpers/run.js';
import { need, onPath } from './helpers/prereq.js';
import type { Report } from '../lib/types.js';

const CLI = path.join(REPO, 'dist', 'lib', 'cli', 'main.js');

describe('--help', () => {
  it('run as the single file, it names that file as the reporter; installed, the package', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'llmr-help-'));
    for (const name of ['llm-report.mjs', 'report-tool.mjs']) {
      copyFileSync(BUNDLE, path.join(dir, name));
      const r = spawnSync(NODE, [name, '--help'], { cwd: dir, env: cleanEnv(), encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`^As a reporter: node --test --test-reporter=\\./${name.replace('.', '\\.')}$`, 'm'));
      assert.match(r.stdout, new RegExp(`^Usage: node \\./${name.replace('.', '\\.')} <command>`, 'm'));
      assert.ok(!r.stdout.includes('--test-reporter=@org'), r.stdout);
    }
    const r = spawnSync(NODE, [CLI, '--help'], { cwd: dir, env: cleanEnv(), encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^As a reporter: node --test --test-reporter=@org\/llm-report$/m);
    assert.match(r.stdout, /^Usage: llm-report <command>/m);
  });
});

const SUMMARY = /^llm-report: (PASSED|FAILED) {2}(\d+) tests, (\d+) passed, (\d+) failed, .* {2}report: (\S+)\r?$/gm;
const sq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

describe('the summary line on a terminal', { skip: need('script (util-linux) for a pseudo-terminal', onPath('script'), 'install util-linux (apt-get install util-linux)') }, () => {
  const cmd = [NODE, '--test', '--test-reporter=@org/llm-report', '--test-reporter-destination=run.ndjson'];

  it('stream to a file, stderr a terminal: one line with status, counts and the path of report.html', () => {
    const dir = copyFixture('simple');
    const r = spawnSync('script', ['-qec', cmd.map(sq).join(' '), '/dev/null'], { cwd: dir, env: cleanEnv(), encoding: 'utf8', timeout: 120_000 });
    const lines = [...r.stdout.matchAll(SUMMARY)];
    assert.equal(lines.length, 1, `one summary line in:\n${r.stdout}`);
    const report = JSON.parse(readFileSync(path.join(dir, 'llm-report', 'report.json'), 'utf8')) as Report;
    const [, status, tests, passed, failed, page] = lines[0]!;
    assert.deepEqual([status, Number(tests), Number(passed), Number(failed), page], [report.run.status.toUpperCase(), report.summary.tests, report.summary.passed, report.summary.failed, path.join('llm-report', 'report.html')]);
    assert.equal(r.status, report.run.status === 'passed' ? 0 : 1);
    // Nothing else of ours on the terminal: the stream is in the file.
    assert.ok(readFileSync(path.join(dir, 'run.ndjson'), 'utf8').includes('"type":"run_end"'));
    assert.ok(!r.stdout.includes('"type":'), r.stdout);
  });

  it('not on a terminal (CI logs, pipes): no line', () => {
    const dir = copyFixture('simple');
    const r = spawnSync(cmd[0]!, cmd.slice(1), { cwd: dir, env: cleanEnv(), encoding: 'utf8', timeout: 120_000 });
    assert.equal(r.status, 0, r.stderr);
    assert.equal([...`${r.stdout}${r.stderr}`.matchAll(SUMMARY)].length, 0, r.stderr);
  });
});
