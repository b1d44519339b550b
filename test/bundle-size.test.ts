// Issue #16: the single file stays small (it is parsed at every start of a run), and the compact
// validators it carries (scripts/gen-validators.mjs: shared $refs, annotations dropped, one error
// constructor) answer exactly as ajv compiling the schemas as written.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import * as generated from '../lib/generated/validators.js';
import { REPO } from './helpers/run.js';

describe('single file size', () => {
  it('dist/llm-report.mjs is at most 1 MiB', () => {
    const size = statSync(path.join(REPO, 'dist', 'llm-report.mjs')).size;
    assert.ok(size > 100_000, `suspiciously small: ${size} bytes`);
    assert.ok(size <= 1024 * 1024, `dist/llm-report.mjs is ${size} bytes, more than 1 MiB (issue #16)`);
  });
});

describe('generated validators agree with ajv on the schemas as written', () => {
  type Schema = Record<string, unknown> & { $id: string };
  const schemas = readdirSync(path.join(REPO, 'schemas')).filter((f) => f.endsWith('.schema.json')).sort()
    .map((f) => JSON.parse(readFileSync(path.join(REPO, 'schemas', f), 'utf8')) as Schema);
  const ajvFor = (allErrors: boolean): InstanceType<typeof Ajv2020.default> => {
    const a = new Ajv2020.default({ allErrors, strict: true });
    for (const keyword of ['x-volatile', 'x-env', 'x-example']) a.addKeyword({ keyword });
    for (const s of schemas) a.addSchema(s);
    return a;
  };
  const reference = { first: ajvFor(false), all: ajvFor(true) };
  // Wrong and partial documents reaching deep into each schema: every kind of line, every top-level key
  // set to values of the wrong type, nested objects left empty.
  const wrongs: unknown[] = [null, 'x', 0, true, [], {}];
  function samples(schema: Schema): unknown[] {
    const out: unknown[] = [...wrongs];
    const props = (schema.properties ?? {}) as Record<string, unknown>;
    const lineTypes = ['run_start', 'test', 'suite', 'file', 'run_end', 'warning', 'aggregate', 'diagnostic'];
    for (const type of lineTypes) out.push({ type }, { type, schema_version: 1 }, { type, name: 1, id: {} });
    for (const key of Object.keys(props)) for (const v of wrongs) out.push({ [key]: v });
    out.push(Object.fromEntries(Object.keys(props).map((k) => [k, {}])));
    out.push(Object.fromEntries(Object.keys(props).map((k) => [k, []])));
    out.push(Object.fromEntries(Object.keys(props).map((k) => [k, 'x'])));
    return out;
  }
  // What callers report (instancePath, message, keyword, params), in order. schemaPath alone differs:
  // with shared $refs it is relative to the referenced definition, and no caller reads it.
  const located = (errors: unknown): unknown => (errors as Record<string, unknown>[] | null | undefined)?.map(({ schemaPath: _, ...rest }) => rest);
  for (const schema of schemas) {
    const base = path.basename(new URL(schema.$id).pathname, '.schema.json');
    const name = 'validate' + base.replace(/(^|[-_])(\w)/g, (_: string, __: string, c: string) => c.toUpperCase());
    it(`${name}: same verdict and same errors`, () => {
      const ours = (generated as unknown as Record<string, ((d: unknown) => boolean) & { errors?: unknown }>)[name];
      assert.ok(ours, `no generated ${name}`);
      const ref = (name === 'validateConfig' ? reference.all : reference.first).getSchema(schema.$id)!;
      let checked = 0;
      for (const data of samples(schema)) {
        const verdict: boolean = ours(data);
        assert.equal(verdict, ref(data), `${name}(${JSON.stringify(data)})`);
        if (!verdict) assert.deepEqual(located(ours.errors), located(ref.errors), `${name}(${JSON.stringify(data)})`);
        checked++;
      }
      assert.ok(checked > 20);
    });
  }
});
