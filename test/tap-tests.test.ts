// How a test child follows node's tests without root hooks (reporters/tap-tests.ts): found when node
// constructs its root test, without an async hook (an enabled one taxes every promise while the test
// file's imports load), and still found by the async hook when the first way is unavailable. Each case
// runs in a fresh node process: the root test must not exist yet when the follower is installed.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { NODE, cleanEnv } from './helpers/run.js';

const TAP = fileURLToPath(new URL('../reporters/tap-tests.js', import.meta.url));

/** Runs a module that installs the follower (after `before`), then declares two tests in a suite and a subtest; prints what was seen. */
function follow(before: string): { seen: string[]; hooksCreated: number; setterLeft: boolean } {
  const script = `
    import { createRequire, syncBuiltinESMExports } from 'node:module';
    const require = createRequire(import.meta.url);
    const asyncHooks = require('node:async_hooks');
    let hooksCreated = 0;
    const createHook = asyncHooks.createHook;
    // Node's runner creates one of its own with its root test: count ours only.
    asyncHooks.createHook = (...a) => { if (new Error().stack.includes('tap-tests')) hooksCreated++; return createHook(...a); };
    syncBuiltinESMExports();
    const key = Object.getOwnPropertySymbols(new asyncHooks.AsyncResource('probe')).find((s) => s.description === 'async_id_symbol');
    ${before}
    const { tapTests } = await import(${JSON.stringify(TAP)});
    const seen = [];
    tapTests((t) => seen.push('begin ' + t.fullName), (t) => seen.push('end ' + t.fullName + ' ' + t.passed), () => seen.push('fallback'));
    // A library's own AsyncResource before node's root test: passed over.
    new asyncHooks.AsyncResource('Other');
    const { describe, test } = await import('node:test');
    describe('suite', () => {
      test('passes', async () => { await Promise.resolve(); });
      test('fails', () => { throw new Error('no'); });
    });
    test('outer', async (t) => { await t.test('inner', () => {}); });
    process.on('exit', () => {
      const setterLeft = Object.getOwnPropertyDescriptor(asyncHooks.AsyncResource.prototype, key)?.set !== undefined;
      process.stderr.write('\\nRESULT ' + JSON.stringify({ seen, hooksCreated, setterLeft }) + '\\n');
      process.exitCode = 0;
    });
  `;
  const r = spawnSync(NODE, ['--input-type=module', '-e', script], { env: cleanEnv(), encoding: 'utf8', timeout: 60_000 });
  const line = r.stderr.split('\n').find((l) => l.startsWith('RESULT '));
  assert.ok(line, `no result from the child (status ${r.status}):\n${r.stderr}`);
  return JSON.parse(line.slice('RESULT '.length)) as { seen: string[]; hooksCreated: number; setterLeft: boolean };
}

const EXPECTED = [
  'begin suite > passes',
  'end suite > passes true',
  'begin suite > fails',
  'end suite > fails false',
  'begin outer',
  'begin outer > inner',
  'end outer > inner true',
  'end outer true',
];

describe('following node tests without root hooks', () => {
  it('finds node\'s test class as the root test is constructed, with no async hook, and removes its setter', () => {
    const r = follow('');
    assert.deepEqual(r.seen, EXPECTED);
    assert.equal(r.hooksCreated, 0, 'no async hook of ours was created');
    assert.equal(r.setterLeft, false, 'the setter on AsyncResource.prototype is removed once the root test is found');
  });

  it('falls back to an async hook when the async id key is taken on AsyncResource.prototype', () => {
    const r = follow(`Object.defineProperty(asyncHooks.AsyncResource.prototype, key, { configurable: true, writable: true, value: undefined });`);
    assert.deepEqual(r.seen, EXPECTED);
    assert.equal(r.hooksCreated, 1, 'the async hook was used');
  });
});
