// docs/configuration.md and docs/reference/*.md are generated from the schemas; these tests fail when
// any of them is stale or when the hand-written parts drift from the code (rule ids, secret env globs).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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

const GENERATED = ['docs/configuration.md', ...readdirSync(path.join(repo, 'docs', 'reference')).map((f) => `docs/reference/${f}`)].sort();

test('every generated doc is up to date with schemas/', () => {
  const r = genDocs(repo, '--check');
  assert.equal(r.status, 0, `${r.stderr}${r.stdout}\nRun: node scripts/gen-docs.mjs`);
  assert.match(r.stdout, new RegExp(`${GENERATED.length} generated files are up to date`), 'docs/reference holds only generated pages');
});

/** A temp copy of what gen-docs needs: its scripts and the schemas, no docs. */
function scratch(): string {
  const tmp = mkdtempSync(path.join(tmpdir(), 'llmr-docs-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));
  mkdirSync(path.join(tmp, 'scripts'));
  for (const f of ['gen-docs.mjs', 'schema-reference.mjs']) cpSync(path.join(repo, 'scripts', f), path.join(tmp, 'scripts', f));
  cpSync(path.join(repo, 'schemas'), path.join(tmp, 'schemas'), { recursive: true });
  return tmp;
}

const staleNames = (stderr: string): string[] => [...stderr.matchAll(/gen-docs: (\S+) is out of date .*run: node scripts\/gen-docs\.mjs/g)].map((m) => m[1]!).sort();

test('--check fails on missing files, writing fixes it, and the output is deterministic', () => {
  const tmp = scratch();
  const missing = genDocs(tmp, '--check');
  assert.equal(missing.status, 1);
  assert.deepEqual(staleNames(missing.stderr), GENERATED);

  assert.equal(genDocs(tmp).status, 0);
  assert.equal(genDocs(tmp, '--check').status, 0);
  for (const doc of GENERATED) assert.equal(readFileSync(path.join(tmp, doc), 'utf8'), readFileSync(path.join(repo, doc), 'utf8'), `deterministic: ${doc}`);
});

test('--check names exactly the page a schema change makes stale', () => {
  const tmp = scratch();
  assert.equal(genDocs(tmp).status, 0);
  const edit = (file: string, change: (schema: any) => void): void => {
    const f = path.join(tmp, 'schemas', file);
    const schema = JSON.parse(readFileSync(f, 'utf8'));
    change(schema);
    writeFileSync(f, JSON.stringify(schema));
  };

  edit('config.schema.json', (s) => (s.properties.stack_frames.default = 99));
  let r = genDocs(tmp, '--check');
  assert.equal(r.status, 1);
  assert.deepEqual(staleNames(r.stderr), ['docs/configuration.md']);
  assert.equal(genDocs(tmp).status, 0);

  // A new field on the test line: the line page lists it, and the report page does not repeat it.
  edit('line.schema.json', (s) => (s.$defs.test.properties.new_field = { type: 'string', description: 'A new field.' }));
  r = genDocs(tmp, '--check');
  assert.equal(r.status, 1);
  assert.deepEqual(staleNames(r.stderr), ['docs/reference/line.md']);
  assert.equal(genDocs(tmp).status, 0);
  assert.match(readFileSync(path.join(tmp, 'docs/reference/line.md'), 'utf8'), /^\| `new_field` \| string \| no \| {2}\| A new field\. \|$/m);

  // A description reached through a cross-file $ref (report.json run.tool -> line.schema.json).
  edit('line.schema.json', (s) => (s.$defs.run_start.properties.tool.properties.name.description = 'Renamed.'));
  r = genDocs(tmp, '--check');
  // addendum.json's tool is the same $ref.
  assert.deepEqual(staleNames(r.stderr), ['docs/reference/addendum.md', 'docs/reference/inventory.md', 'docs/reference/line.md', 'docs/reference/report.md']);
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
