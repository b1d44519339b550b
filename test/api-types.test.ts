// The public API's type declarations: a strict TypeScript project that installed the package (the
// files npm packs, nothing else) imports requirements, llm and meta from '@org/llm-report/api' and
// compiles with no errors (no TS7016 "could not find a declaration file"), while misuse is a type error.
import { describe, it, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { REPO, cleanEnv, copyFixture } from './helpers/run.js';

const TSC = path.join(REPO, 'node_modules', '.bin', 'tsc');

function tsc(dir: string, project: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [TSC, '-p', project, '--pretty', 'false'], { cwd: dir, encoding: 'utf8', env: cleanEnv() });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('@org/llm-report/api type declarations', () => {
  let dir: string;
  let compiled: { status: number | null; out: string };
  before(() => {
    dir = copyFixture('api-types', { copyInstall: true });
    // The project's own @types/node (node:test's TestContext), as any TypeScript project has.
    mkdirSync(path.join(dir, 'node_modules', '@types'), { recursive: true });
    symlinkSync(path.join(REPO, 'node_modules', '@types', 'node'), path.join(dir, 'node_modules', '@types', 'node'), 'dir');
    // One compile (strict, skipLibCheck off so our .d.ts files are checked too) of ok.ts and misuse.ts.
    compiled = tsc(dir, 'tsconfig.json');
  });

  it('ship with the package and are named by the "types" condition of the ./api export', () => {
    const pkg = path.join(dir, 'node_modules', '@org', 'llm-report');
    const exp = (JSON.parse(readFileSync(path.join(pkg, 'package.json'), 'utf8')) as { exports: Record<string, { types?: string }> }).exports['./api'];
    assert.ok(exp?.types, 'no "types" condition on exports["./api"]');
    assert.ok(existsSync(path.join(pkg, exp.types)), `${exp.types} is not in the installed package`);
  });

  it('resolve: no TS7016 (no declaration file) and no error outside the misuse file, ok.ts compiles clean', () => {
    assert.doesNotMatch(compiled.out, /TS7016/);
    const elsewhere = compiled.out.split('\n').filter((l) => /error TS\d+/.test(l) && !l.startsWith('misuse.ts('));
    assert.deepEqual(elsewhere, [], compiled.out);
  });

  it('reject misuse: each wrong argument type is a compile error on its line', () => {
    assert.notEqual(compiled.status, 0, `misuse compiled:\n${compiled.out}`);
    const errors = [...compiled.out.matchAll(/^misuse\.ts\((\d+),\d+\): error (TS\d+)/gm)].map((m) => [Number(m[1]), m[2]!] as const);
    // requirements(t, 12); llm(t, 'loud'); meta(t, { requirements: 'REQ-1' }); requirements('REQ-1')
    assert.deepEqual(errors.map(([line]) => line), [6, 7, 8, 9], compiled.out);
    for (const [, code] of errors) assert.match(code, /^TS(2345|2322)$/, compiled.out);
  });
});
