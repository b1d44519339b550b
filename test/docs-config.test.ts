// docs/configuration.md is generated from the schema; these tests fail when it is stale or when
// its hand-written parts drift from the code (rule ids, secret env globs).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUILTIN_SECRET_ENV_NAMES, listOptions } from '../lib/config/index.js';
import { BUILTIN_RULES } from '../lib/redact/rules.js';

// dist/test/docs-config.test.js -> repository root
const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const docPath = path.join(repo, 'docs', 'configuration.md');

function genDocs(root: string, ...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [path.join(root, 'scripts', 'gen-docs.mjs'), ...args], { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('docs/configuration.md is up to date with schemas/config.schema.json', () => {
  const r = genDocs(repo, '--check');
  assert.equal(r.status, 0, `${r.stderr}${r.stdout}\nRun: node scripts/gen-docs.mjs`);
});

test('--check fails on a stale or missing file, and writing fixes it', () => {
  const tmp = mkdtempSync(path.join(tmpdir(), 'llmr-docs-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));
  for (const dir of ['scripts', 'schemas', 'docs']) mkdirSync(path.join(tmp, dir));
  copyFileSync(path.join(repo, 'scripts', 'gen-docs.mjs'), path.join(tmp, 'scripts', 'gen-docs.mjs'));
  copyFileSync(path.join(repo, 'schemas', 'config.schema.json'), path.join(tmp, 'schemas', 'config.schema.json'));

  const missing = genDocs(tmp, '--check');
  assert.equal(missing.status, 1);
  assert.match(missing.stderr, /docs\/configuration\.md is out of date .*run: node scripts\/gen-docs\.mjs/);

  assert.equal(genDocs(tmp).status, 0);
  assert.equal(genDocs(tmp, '--check').status, 0);
  assert.equal(readFileSync(path.join(tmp, 'docs', 'configuration.md'), 'utf8'), readFileSync(docPath, 'utf8'), 'deterministic');

  // A schema change the file does not reflect yet.
  const schemaFile = path.join(tmp, 'schemas', 'config.schema.json');
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8'));
  schema.properties.stack_frames.default = 99;
  writeFileSync(schemaFile, JSON.stringify(schema));
  const stale = genDocs(tmp, '--check');
  assert.equal(stale.status, 1);
  assert.match(stale.stderr, /out of date/);
});

test('every option, its variable and its default are documented', () => {
  const doc = readFileSync(docPath, 'utf8');
  for (const opt of listOptions()) {
    const row = doc.split('\n').find((l) => l.startsWith(`| \`${opt.key}\` |`));
    assert.ok(row, `row for ${opt.key}`);
    assert.ok(row.includes(`\`${opt.env}\``), `${opt.env} in ${row}`);
    if (opt.default !== undefined) assert.ok(row.includes(JSON.stringify(opt.default).replace(/\|/g, '\\|')), `default of ${opt.key}`);
  }
});

test('the redaction section names every rule and every built-in secret env glob', () => {
  const doc = readFileSync(docPath, 'utf8');
  for (const id of [...BUILTIN_RULES.map((r) => r.id), 'env', 'pattern', 'anthropic-key']) assert.ok(doc.includes(`\`${id}\``), id);
  assert.ok(doc.includes('[REDACTED:argv]'));
  for (const glob of BUILTIN_SECRET_ENV_NAMES) assert.ok(doc.includes(`\`${glob}\``), glob);
  assert.match(doc, /\*\*`redact\.disabled` is for debugging only\.\*\*/);
});
