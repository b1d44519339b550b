// The generated field references (docs/reference/*.md) against what a real run writes: every field of
// every NDJSON line and of report.json of a real `node --test` run is listed, with a description.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO, copyFixture, parseLines, runNodeTest, type RunResult } from './helpers/run.js';

const page = (name: string): string => readFileSync(path.join(REPO, 'docs', 'reference', name), 'utf8');

/** Field paths of a value as the reference writes them: `a.b`, `list[].c`. Free-form maps are not descended. */
function fieldPaths(value: unknown, prefix = '', out = new Set<string>()): Set<string> {
  if (Array.isArray(value)) {
    for (const item of value) if (item && typeof item === 'object' && !Array.isArray(item)) fieldPaths(item, `${prefix}[]`, out);
    return out;
  }
  if (!value || typeof value !== 'object') return out;
  for (const [k, v] of Object.entries(value)) {
    const p = prefix ? `${prefix}.${k}` : k;
    out.add(p);
    if (k === 'custom_metadata' || k === 'errors_by_code') continue;
    fieldPaths(v, p, out);
  }
  return out;
}

/** Field column of each table row in a section (`## \`name\`` up to the next `## `), or the whole page. */
function documented(text: string, section?: string): Set<string> {
  let body = text;
  if (section) {
    const start = text.indexOf(`\n## \`${section}\`\n`);
    assert.ok(start >= 0, `section ${section}`);
    const end = text.indexOf('\n## ', start + 1);
    body = text.slice(start, end < 0 ? undefined : end);
  }
  return new Set([...body.matchAll(/^\| `([^`]+)` \|/gm)].map((m) => m[1]!));
}

let run: RunResult;
before(() => {
  // kitchen: failures, skips, todo, hooks, a file that exits early, one that fails to load.
  run = runNodeTest(copyFixture('kitchen'));
  assert.ok(run.report, `no report.json: ${run.stderr}`);
});

test('every field of every NDJSON line of a real run is in docs/reference/line.md, in its type section', () => {
  const line = page('line.md');
  const seen = new Map<string, Set<string>>();
  for (const l of parseLines(run.results)) {
    const set = seen.get(l.type) ?? new Set<string>();
    fieldPaths(l, '', set);
    seen.set(l.type, set);
  }
  for (const type of ['run_start', 'test', 'suite', 'file', 'run_end', 'warning', 'coverage']) assert.ok(seen.has(type), `the run has ${type} lines`);
  for (const [type, fields] of seen) {
    const doc = documented(line, type);
    const missing = [...fields].filter((f) => !doc.has(f));
    assert.deepEqual(missing, [], `${type} fields missing from line.md`);
  }
});

test('every field of report.json of a real run is in docs/reference/report.md (line records by link)', () => {
  const report = page('report.md');
  const doc = documented(report);
  const fields = [...fieldPaths(run.report)].filter((f) => !/^(tests|suites|files)\[\]\./.test(f));
  assert.deepEqual(fields.filter((f) => !doc.has(f)), [], 'fields missing from report.md');
  for (const kind of ['test', 'suite', 'file']) assert.ok(report.includes(`[fields](line.md#${kind})`), `report.md links the ${kind} record`);
});

test('every documented field has a type and a description', () => {
  for (const name of ['line.md', 'report.md', 'manifest.md', 'inventory.md', 'annotation.md']) {
    for (const row of page(name).split('\n').filter((l) => l.startsWith('| `'))) {
      const cells = row.split(/(?<!\\)\|/).slice(1, -1).map((c) => c.trim());
      assert.equal(cells.length, 5, `${name}: ${row}`);
      assert.ok(cells[1] && cells[1] !== 'any', `${name}: no type in ${row}`);
      assert.ok(cells[4], `${name}: no description in ${row} (add one to the schema, then run node scripts/gen-docs.mjs)`);
    }
  }
});
