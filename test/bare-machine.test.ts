// The README's promise: on a machine with only Node and npm, `npm ci && npm run test:ci` passes. Run
// in a copy of the repo with Chromium, poppler (pdfinfo, pdftotext, pdftoppm) and jq hidden from PATH
// and CI=true, so the npm fallbacks (@sparticuz/chromium, pdfjs-dist, jq-wasm) must really do the work:
// under CI=true a missing prerequisite fails instead of skipping. `npm ci` must print no warning of ours.
// The nested `npm run test:ci` keeps to the suites that use outside tools (LLMR_TEST_ONLY, read by
// scripts/test.mjs): the rest of the suite needs nothing but Node, and runs in the outer run anyway; a
// full second run would double CI time.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NODE, REPO, cleanEnv } from './helpers/run.js';
import { pathToFileURL } from 'node:url';
import { BARE_HIDDEN, CI, barePath, onPath, tool } from './helpers/prereq.js';
import type { Report } from '../lib/types.js';

/** The suites that use tools from outside Node (browser, PDF reader, jq, openssl, tar, sha256sum). */
const SUITES = ['html-', 'docs-runnable', 'evidence-'];
/** Files whose tests must have run and passed in the copy (not skipped). */
const MUST_RUN = ['html-browser', 'html-aggregate', 'html-pdf', 'docs-runnable', 'evidence-seal', 'evidence-bundle'];

const git = tool('git', 'install git (apt-get install git): the copy is made from `git ls-files`');
// Inside the copy's own run this file is not selected; the guard keeps it from ever nesting twice.
const nested = process.env.LLMR_TEST_ONLY ? 'inside the bare-machine run itself' : false;

const tail = (s: string, n = 6000): string => (s.length > n ? `...${s.slice(-n)}` : s);

describe('a machine with only Node and npm', { skip: nested || git.skip }, () => {
  it("the README's `npm ci && npm run test:ci` passes with chromium, pdfinfo, pdftotext, pdftoppm and jq hidden", { timeout: 30 * 60_000 }, (t) => {
    const root = mkdtempSync(path.join(os.tmpdir(), 'llmr-bare-'));
    after(() => rmSync(root, { recursive: true, force: true }));
    const copy = path.join(root, 'repo');
    // What a clone has: the tracked files (and new ones not yet committed), as they are in the work tree.
    const ls = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO, encoding: 'utf8' });
    assert.equal(ls.status, 0, ls.stderr);
    for (const f of ls.stdout.split('\0').filter(Boolean)) {
      if (!existsSync(path.join(REPO, f))) continue; // deleted in the work tree
      mkdirSync(path.dirname(path.join(copy, f)), { recursive: true });
      copyFileSync(path.join(REPO, f), path.join(copy, f));
    }
    const PATH = barePath(path.join(root, 'bin'), BARE_HIDDEN, [path.dirname(process.execPath), process.env.PATH ?? ''].join(path.delimiter));
    for (const hidden of ['chromium', 'chromium-browser', 'google-chrome', 'pdfinfo', 'pdftotext', 'pdftoppm', 'jq']) assert.equal(onPath(hidden, PATH), undefined, `${hidden} is hidden`);
    assert.ok(onPath('npm', PATH) && onPath('node', PATH), 'node and npm are on PATH');
    // Its own temp directory: @sparticuz/chromium extracts its browser there afresh.
    const tmp = path.join(root, 'tmp');
    mkdirSync(tmp);
    const env = cleanEnv({ PATH, CI: 'true', TMPDIR: tmp, LLMR_TEST_ONLY: SUITES.join(',') });
    delete env.NO_COLOR;

    const ci = spawnSync('npm', ['ci'], { cwd: copy, env, encoding: 'utf8', timeout: 10 * 60_000 });
    const ciOut = `${ci.stdout}${ci.stderr}`;
    if (ci.status !== 0 && !CI && /E(NOTFOUND|AI_AGAIN|CONNREFUSED|TIMEDOUT|NETUNREACH)/.test(ciOut)) {
      t.skip('needs the npm registry (or a warm npm cache) for npm ci');
      return;
    }
    assert.equal(ci.status, 0, `npm ci: exit ${ci.status ?? ci.signal}\n${tail(ciOut)}`);
    // Warnings our package.json causes (install scripts not covered by allowScripts, engines, config).
    assert.doesNotMatch(ciOut, /npm warn (install-scripts|EBADENGINE|config)/i, `npm ci warned:\n${tail(ciOut)}`);

    const run = spawnSync('npm', ['run', 'test:ci'], { cwd: copy, env, encoding: 'utf8', timeout: 25 * 60_000, maxBuffer: 256 * 1024 * 1024 });
    const out = `${run.stdout}${run.stderr}`;
    assert.equal(run.status, 0, `npm run test:ci: exit ${run.status ?? run.signal}\n${tail(out)}`);

    // The suites really ran in the copy (its own report, written by our reporter), and nothing was skipped.
    const report = JSON.parse(readFileSync(path.join(copy, '.tmp', 'self', 'report.json'), 'utf8')) as Report;
    assert.equal(report.summary.failed, 0);
    for (const name of MUST_RUN) {
      const tests = report.tests.filter((x) => path.basename(x.file).startsWith(`${name}.`));
      assert.ok(tests.length > 0 && tests.every((x) => x.status === 'passed'), `${name}: ${tests.map((x) => `${x.name}: ${x.status}`).join('; ') || 'no tests ran'}`);
    }
    assert.ok(!report.tests.some((x) => x.status === 'skipped'), 'no test skipped');
    // The browser was the npm one, extracted into the copy's temp directory.
    assert.ok(existsSync(path.join(tmp, 'chromium')), '@sparticuz/chromium extracted its Chromium');
  });
});

describe('a missing prerequisite', () => {
  // A suite that needs a tool no machine has, run by node --test as the suites are.
  const suite = (dir: string): string => {
    const file = path.join(dir, 'needs.test.mjs');
    const prereq = pathToFileURL(path.join(REPO, 'dist', 'test', 'helpers', 'prereq.js')).href;
    writeFileSync(file, `import { describe, it } from 'node:test';\nimport { need, onPath } from ${JSON.stringify(prereq)};\ndescribe('uses it', { skip: need('frobtool', onPath('frobtool-nowhere'), 'apt-get install frobtool') }, () => { it('runs it', () => {}); });\n`);
    return file;
  };

  it('outside CI: the suite is skipped with one line naming it and how to get it', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'llmr-need-'));
    const env = cleanEnv();
    delete env.CI;
    const r = spawnSync(NODE, ['--test', '--test-reporter=tap', suite(dir)], { cwd: dir, env, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /^ok 1 - uses it # SKIP needs frobtool: apt-get install frobtool$/m);
    assert.doesNotMatch(r.stdout, /runs it/);
  });

  it('under CI=true: the file fails with that line', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'llmr-need-'));
    const r = spawnSync(NODE, ['--test', '--test-reporter=tap', suite(dir)], { cwd: dir, env: cleanEnv({ CI: 'true' }), encoding: 'utf8' });
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.match(r.stdout + r.stderr, /needs frobtool: apt-get install frobtool \(CI=true: a missing prerequisite fails instead of skipping\)/);
  });
});
