// Runs every shell block the docs mark `<!-- runnable -->`, as a user would paste it: per page, in a
// fresh copy of examples/minimal with the package installed (node_modules/@org/llm-report and the
// `llm-report` bin) and the zero-install bundle as ./llm-report.mjs. A page's blocks run in order in
// the same directory, each from the project root, with bash -e -o pipefail.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BUNDLE, REPO, cleanEnv, NODE } from './helpers/run.js';
import { docPages, runnableBlocks, type RunnableBlock } from './helpers/docs.js';
import { auditTools, jqDir, need } from './helpers/prereq.js';

// The docs' jq examples run with the system's jq, else with jq-wasm (devDependency) through a shim.
const jq = jqDir(NODE);
const noJq = need('jq', jq.from, 'install jq (apt-get install jq), or run npm ci (devDependency jq-wasm)');
// Base-system tools the evidence pages use: found on the system or the page is skipped (fails under CI).
const BASE = ['openssl', 'sha256sum', 'tar', 'git'];

function project(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'llmr-docs-run-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  cpSync(path.join(REPO, 'examples', 'minimal'), dir, { recursive: true });
  mkdirSync(path.join(dir, 'node_modules', '@org'), { recursive: true });
  symlinkSync(REPO, path.join(dir, 'node_modules', '@org', 'llm-report'), 'dir');
  // What npm puts in node_modules/.bin for our "bin" entry.
  mkdirSync(path.join(dir, 'node_modules', '.bin'));
  const bin = path.join(dir, 'node_modules', '.bin', 'llm-report');
  writeFileSync(bin, `#!/bin/sh\nexec "${NODE}" "${path.join(REPO, 'dist', 'lib', 'cli', 'main.js')}" "$@"\n`);
  chmodSync(bin, 0o755);
  copyFileSync(BUNDLE, path.join(dir, 'llm-report.mjs'));
  return dir;
}

function runBlock(dir: string, block: RunnableBlock): void {
  const env = cleanEnv({
    PATH: [path.join(dir, 'node_modules', '.bin'), path.dirname(NODE), ...(jq.dir ? [jq.dir] : []), process.env.PATH ?? ''].join(path.delimiter),
  });
  const r = spawnSync('bash', ['-e', '-o', 'pipefail', '-c', block.script], { cwd: dir, env, encoding: 'utf8', timeout: 60_000 });
  const output = `${r.stdout}${r.stderr}`;
  assert.equal(r.status, block.exit, `${block.where}: exit ${r.status ?? r.signal}, expected ${block.exit}\n--- block ---\n${block.script}\n--- output ---\n${output.slice(-4000)}`);
  if (block.expect !== undefined) assert.ok(output.includes(block.expect), `${block.where}: output lacks "${block.expect}"\n--- output ---\n${output.slice(-4000)}`);
}

const pages = docPages(REPO)
  .map((page) => ({ page, blocks: runnableBlocks(page, readFileSync(path.join(REPO, page), 'utf8')) }))
  .filter((p) => p.blocks.length);

test('the pages users copy from first have runnable blocks', () => {
  const with_ = pages.map((p) => p.page);
  for (const page of ['README.md', 'docs/getting-started.md', 'docs/ndjson.md', 'docs/evidence.md', 'docs/ci.md']) assert.ok(with_.includes(page), `${page} has no <!-- runnable --> block`);
});

const uses = (blocks: RunnableBlock[], cmd: string): boolean => blocks.some((b) => new RegExp(`(^|[\\s|(;$])${cmd}\\b`, 'm').test(b.script));
const skipOf = (blocks: RunnableBlock[]): string | false =>
  (uses(blocks, 'jq') && noJq) || auditTools(BASE.filter((t) => uses(blocks, t)));

for (const { page, blocks } of pages) {
  test(`runnable blocks of ${page} (${blocks.length})`, { skip: skipOf(blocks) }, () => {
    const dir = project();
    for (const block of blocks) runBlock(dir, block);
  });
}

test('markers: options are read, and a marker without a fenced sh block is a located error', () => {
  const blocks = runnableBlocks('p.md', 'x\n<!-- runnable -->\n```sh\necho a\n```\n\n<!-- runnable exit=1 expect="FAIL" -->\n```bash\nfalse\n```\n```sh\n<!-- runnable -->\n```\n');
  assert.deepEqual(blocks, [
    { where: 'p.md:3', script: 'echo a', exit: 0 },
    { where: 'p.md:8', script: 'false', exit: 1, expect: 'FAIL' },
  ]);
  assert.throws(() => runnableBlocks('p.md', 'a\n<!-- runnable -->\n\n```sh\nx\n```\n'), /^Error: p\.md:2: <!-- runnable --> must be followed directly by a fenced sh block$/);
  assert.throws(() => runnableBlocks('p.md', '<!-- runnable -->\n```js\nx\n```\n'), /p\.md:1: .* fenced sh block/);
  assert.throws(() => runnableBlocks('p.md', '<!-- runnable retries=2 -->\n```sh\nx\n```\n'), /p\.md:1: unknown runnable option "retries=2"/);
});

test('a failing block fails the run, with its location', () => {
  const dir = project();
  assert.throws(() => runBlock(dir, { where: 'p.md:3', script: 'node --test --test-reporter=@org/llm-report\nfalse', exit: 0 }), /p\.md:3: exit 1, expected 0/);
  assert.throws(() => runBlock(dir, { where: 'p.md:9', script: 'echo hello', exit: 0, expect: 'bye' }), /p\.md:9: output lacks "bye"/);
});
