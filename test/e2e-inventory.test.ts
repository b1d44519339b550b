// `llm-report inventory` on every Node version: the tests a real run reports, with the same ids,
// listed without running a single test body.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { copyFixture, runNodeTest, NODE } from './helpers/run.js';
import { validateInventory } from '../lib/generated/validators.js';
import type { Inventory } from '../lib/inventory/inventory.js';
import { spawnSync } from 'node:child_process';
import { CLI } from './helpers/aggregate.js';
import { cleanEnv } from './helpers/run.js';

function inventory(dir: string, nodeArgs: string[]): { status: number | null; stderr: string; inv: Inventory } {
  const r = spawnSync(NODE, [CLI, 'inventory', '--out', 'inv', '--', ...nodeArgs], { cwd: dir, env: cleanEnv(), encoding: 'utf8' });
  return { status: r.status, stderr: r.stderr, inv: JSON.parse(readFileSync(path.join(dir, 'inv', 'inventory.json'), 'utf8')) as Inventory };
}

describe('inventory', () => {
  it('lists every declared test with the ids of a real run, and runs no test body', () => {
    const dir = copyFixture('inventory');
    const { status, stderr, inv } = inventory(dir, ['test/declared.test.js']);
    assert.equal(status, 0, stderr);
    assert.ok(validateInventory(inv), JSON.stringify(validateInventory.errors?.[0]));
    const ran = readFileSync(path.join(dir, 'ran.txt'), 'utf8').split('\n').filter(Boolean);
    assert.deepEqual(ran.filter((m) => m.startsWith('body:') || m === 'beforeEach'), [], 'no test body, no beforeEach hook');
    assert.ok(ran.includes('module') && ran.includes('describe'), 'declarations ran');

    rmSync(path.join(dir, 'ran.txt'));
    const real = runNodeTest(dir, { files: ['test/declared.test.js'] }).report!;
    const subtest = real.tests.find((t) => t.name === 'a subtest')!;
    const realIds = real.tests.filter((t) => t !== subtest).map((t) => [t.id, [...t.path, t.name].join(' > ')]);
    assert.deepEqual(inv.tests.map((t) => [t.id, [...t.path, t.name].join(' > ')]), realIds, 'same tests, same ids, same order; only the subtest made inside a body is missing');
    assert.deepEqual(inv.suites.map((s) => s.id), real.suites.map((s) => s.id));
    assert.equal(inv.counts.tests, 8);
    assert.deepEqual(Object.fromEntries(inv.tests.filter((t) => t.declared).map((t) => [t.name, t.declared])), { 'ships abroad': 'skip', 'splits an order': 'todo' });
    // Requirement IDs from the mapping file (llm-report.config.json) are known without running a body.
    assert.deepEqual(inv.tests.filter((t) => t.requirements).map((t) => [t.name, t.requirements]), [
      ['accepts an order', ['REQ-ORD-1']],
      ['in a loop', ['REQ-LOOP-2']],
      ['in a loop', ['REQ-LOOP-2']],
    ]);
  });

  it('a test file that fails to load is named, with its error, and the exit status says so', () => {
    const dir = copyFixture('inventory');
    const { status, inv, stderr } = inventory(dir, ['test/broken.test.js', 'test/declared.test.js']);
    assert.equal(status, 1);
    assert.equal(inv.counts.files_failed, 1);
    assert.match(inv.files.find((f) => f.file === 'test/broken.test.js')!.error!, /SyntaxError/);
    assert.match(stderr, /test\/broken\.test\.js failed to load/);
    assert.equal(inv.counts.tests, 8);
  });
});
