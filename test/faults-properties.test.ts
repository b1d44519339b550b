// Property-based tests (fast-check) of the three readers of untrusted input: the NDJSON reader, the
// configuration loader (random YAML and JSON files, random environment variables) and the redaction
// (the cases test/redact.test.ts leaves to examples: encoded secrets, and arbitrary unicode and secret
// values). Seeded: LLMR_FAULT_SEED replays a run; LLMR_FAULT_REPS scales the number of runs.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify as yamlStringify } from 'yaml';
import { parseNdjson } from '../lib/report/ndjson.js';
import { toNdjsonLine } from '../lib/report/canonical.js';
import { validateConfig, validateLine } from '../lib/generated/validators.js';
import { ConfigError, configDefaults, listOptions, loadConfig, type OptionSpec } from '../lib/config/index.js';
import { createRedactor } from '../lib/redact/index.js';
import { faultReps, SEED } from './helpers/faults.js';
import type { Line, TestLine, WarningLine } from '../lib/types.js';

const runs = (small: number): { seed: number; numRuns: number } => ({ seed: SEED, numRuns: faultReps(small, small / 5) });

// ---------------------------------------------------------------------------------------------------
// NDJSON reader

const word = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789-_ .'.split('')), minLength: 1, maxLength: 12 });
const anyText = fc.string({ unit: 'binary', maxLength: 40 });
const relpath = fc.array(word.filter((w) => !w.includes(' ') && w !== '.' && w !== '..'), { minLength: 1, maxLength: 3 }).map((p) => p.join('/') + '.test.js');

const testLine: fc.Arbitrary<TestLine> = fc
  .record({
    id: fc.stringMatching(/^[0-9a-f]{16}$/),
    file: relpath,
    line: fc.nat(5000),
    column: fc.nat(200),
    name: anyText,
    path: fc.array(anyText, { maxLength: 3 }),
    occurrence: fc.integer({ min: 1, max: 5 }),
    status: fc.constantFrom('passed', 'failed', 'skipped', 'todo', 'cancelled', 'incomplete' as const),
    duration_ms: fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true }),
    attempt: fc.nat(3),
    message: fc.option(anyText, { nil: undefined }),
  })
  .map(({ message, ...t }) => {
    const line: TestLine = { type: 'test', ...t, entry_file: t.file, nesting: t.path.length };
    if (message !== undefined) line.failure = { kind: 'assertion', message };
    return line;
  });
const warningLine: fc.Arbitrary<WarningLine> = fc.record({ code: fc.stringMatching(/^LLMR_[A-Z0-9_]{1,20}$/), message: anyText }).map((w) => ({ type: 'warning', ...w }));
const validLine: fc.Arbitrary<Line> = fc.oneof(testLine, warningLine);
/** Text that is not a valid line: not JSON, or JSON of the wrong shape. Never contains a newline. */
const garbage = fc
  .oneof(fc.string({ unit: 'binary', maxLength: 60 }), fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'undefined'), validLine.map((l) => toNdjsonLine(l).slice(0, -2)))
  .map((s) => s.replace(/[\n\r]/g, ' '))
  .filter((s) => {
    try {
      return !validateLine(JSON.parse(s));
    } catch {
      return true;
    }
  });

describe(`properties: the NDJSON reader (seed ${SEED})`, () => {
  it('never throws, whatever the text; bad line numbers are in range and located', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (text) => {
        const r = parseNdjson(text, 'x.ndjson');
        const count = text.split('\n').length;
        assert.ok(r.badLines.every((n) => n >= 1 && n <= count));
        assert.equal(r.warnings.filter((w) => w.code === 'LLMR_NDJSON_BAD_LINE').length, r.badLines.length);
        assert.ok(r.lines.every((l) => validateLine(l)));
      }),
      runs(500),
    );
  });

  it('recovers exactly the valid lines, in order, and names exactly the bad ones, with \\n or \\r\\n endings', () => {
    const item = fc.oneof({ arbitrary: validLine.map((l) => ({ ok: true as const, l })), weight: 3 }, { arbitrary: garbage.map((g) => ({ ok: false as const, g })), weight: 1 });
    fc.assert(
      fc.property(fc.array(item, { maxLength: 25 }), fc.boolean(), fc.boolean(), (items, crlf, finalNewline) => {
        const texts = items.map((i) => (i.ok ? toNdjsonLine(i.l).slice(0, -1) : i.g));
        const text = texts.join(crlf ? '\r\n' : '\n') + (finalNewline && texts.length ? (crlf ? '\r\n' : '\n') : '');
        const r = parseNdjson(text, 'x.ndjson');
        assert.deepEqual(r.lines, items.filter((i) => i.ok).map((i) => JSON.parse(toNdjsonLine(i.l))));
        const bad = items.map((i, k) => (!i.ok && i.g.trim() !== '' ? k + 1 : 0)).filter(Boolean);
        assert.deepEqual(r.badLines, bad);
        for (const w of r.warnings) assert.match(w.message, /^x\.ndjson:\d+: /);
      }),
      runs(300),
    );
  });

  it('a line written by toNdjsonLine reads back as the same value', () => {
    fc.assert(
      fc.property(validLine, (l) => {
        const r = parseNdjson(toNdjsonLine(l), 'x');
        assert.deepEqual(r.badLines, []);
        assert.deepEqual(r.lines, [JSON.parse(JSON.stringify(l))]);
      }),
      runs(300),
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// Configuration loader

const root = mkdtempSync(path.join(os.tmpdir(), 'llmr-props-config-'));
after(() => rmSync(root, { recursive: true, force: true }));
let dirs = 0;
function project(files: Record<string, string>): string {
  const dir = path.join(root, String(dirs++));
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

/** loadConfig either returns a configuration that satisfies the schema, or throws a ConfigError. */
function loadsOrConfigError(cwd: string, env: NodeJS.ProcessEnv = {}): ReturnType<typeof loadConfig> | ConfigError {
  try {
    const loaded = loadConfig({ cwd, env });
    assert.ok(validateConfig(loaded.config), `loaded config violates the schema: ${JSON.stringify(validateConfig.errors?.[0])}`);
    return loaded;
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw new Error(`loadConfig threw ${(err as Error)?.name}: ${(err as Error)?.message} (not a ConfigError)`, { cause: err });
  }
}

type Node = { type?: string; enum?: unknown[]; pattern?: string; minimum?: number; maximum?: number; minLength?: number };
const plain = fc.string({ unit: fc.constantFrom(...'abcdefghijklmnopqrstuvwxyz0123456789_-./'.split('')), minLength: 1, maxLength: 16 });
/** A value the schema accepts for an option (options with rules beyond the schema keep their default). */
function validValue(opt: OptionSpec): fc.Arbitrary<unknown> | undefined {
  const n = opt.node as Node;
  if (opt.path[0] === 'signing') return undefined; // cross-checked with key material at load time
  if (opt.key === 'redact.patterns') return fc.array(fc.constantFrom('PATIENT-\\d{3}', '(?i)secret-[a-z]+', 'x{2,5}'), { maxLength: 3 });
  if (n.enum) return fc.constantFrom(...n.enum);
  switch (opt.type) {
    case 'boolean':
      return fc.boolean();
    case 'integer':
      return fc.integer({ min: n.minimum ?? 0, max: n.maximum ?? 100_000 });
    case 'number':
      return fc.double({ min: n.minimum ?? 0, max: n.maximum ?? 1e6, noNaN: true, noDefaultInfinity: true });
    case 'array':
      return fc.array(plain, { maxLength: 4 });
    case 'string':
      return n.pattern ? fc.stringMatching(new RegExp(n.pattern)).filter((s) => s.length >= (n.minLength ?? 0) && s.length < 200) : plain;
    default:
      return undefined;
  }
}
const settable = listOptions().flatMap((opt) => {
  const arb = validValue(opt);
  return arb ? [{ opt, arb }] : [];
});
/** A random valid configuration object: some options set, as nested groups. */
const validConfig = fc.subarray(settable, { maxLength: 12 }).chain((chosen) =>
  fc.tuple(...chosen.map((c) => c.arb)).map((values) => {
    const obj: Record<string, unknown> = {};
    chosen.forEach((c, i) => {
      let at = obj;
      for (const seg of c.opt.path.slice(0, -1)) at = (at[seg] ??= {}) as Record<string, unknown>;
      at[c.opt.path.at(-1)!] = values[i];
    });
    return obj;
  }),
);
const keys = fc.oneof(fc.constantFrom(...new Set(listOptions().flatMap((o) => o.path))), fc.string({ maxLength: 12 }), fc.constantFrom('__proto__', 'constructor', 'prototype'));
/** Anything at all, shaped somewhat like a configuration (known keys, wrong values, unknown keys). */
const wildConfig = fc.dictionary(keys, fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.dictionary(keys, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 4 })), { maxKeys: 6 });

describe(`properties: the configuration loader (seed ${SEED})`, () => {
  it('a valid configuration, as YAML or JSON, loads to exactly its values, with the same hash either way', () => {
    fc.assert(
      fc.property(validConfig, (cfg) => {
        const fromYaml = loadConfig({ cwd: project({ 'llm-report.config.yaml': yamlStringify(cfg) }), env: {} });
        const fromJson = loadConfig({ cwd: project({ 'llm-report.config.json': JSON.stringify(cfg) }), env: {} });
        const expected = configDefaults() as unknown as Record<string, unknown>;
        const merge = (into: Record<string, unknown>, from: Record<string, unknown>): void => {
          for (const [k, v] of Object.entries(from)) {
            if (v && typeof v === 'object' && !Array.isArray(v)) merge((into[k] ??= {}) as Record<string, unknown>, v as Record<string, unknown>);
            else into[k] = v;
          }
        };
        merge(expected, cfg);
        assert.deepEqual(fromYaml.config, expected);
        assert.deepEqual(fromJson.config, expected);
        assert.equal(fromYaml.sha256, fromJson.sha256);
      }),
      runs(150),
    );
  });

  it('any JSON value or config-shaped object as a file: a valid configuration or a ConfigError naming the file, never another error', () => {
    fc.assert(
      fc.property(fc.oneof(wildConfig, fc.jsonValue({ maxDepth: 3 })), fc.boolean(), (value, asYaml) => {
        const file = asYaml ? 'llm-report.config.yaml' : 'llm-report.config.json';
        const r = loadsOrConfigError(project({ [file]: asYaml ? yamlStringify(value) : JSON.stringify(value) }));
        if (r instanceof ConfigError) assert.match(r.message, new RegExp(`^${file.replace(/\./g, '\\.')}`));
        assert.equal(({} as Record<string, unknown>).polluted, undefined);
      }),
      runs(300),
    );
  });

  it('any text as a YAML or JSON file: a valid configuration or a located ConfigError, never another error', () => {
    const yamlish = fc.string({ unit: fc.constantFrom(...'ab: -[]{},&*!|>\'"#%@`\t\n  0123\\<'.split(''), 'output_dir', 'redact', 'patterns', '<<: *a', '&a', '!!str', '!!binary', '---', '...'), maxLength: 80 });
    fc.assert(
      fc.property(fc.oneof(yamlish, fc.string({ unit: 'binary', maxLength: 80 })), fc.boolean(), (text, asYaml) => {
        const file = asYaml ? 'llm-report.config.yaml' : 'llm-report.config.json';
        const r = loadsOrConfigError(project({ [file]: text }));
        if (r instanceof ConfigError && /syntax error/.test(r.message)) assert.equal(r.file, file);
      }),
      runs(400),
    );
  });

  it('an alias bomb is refused, not expanded', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 8 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`)].join('\n');
    const r = loadsOrConfigError(project({ 'llm-report.config.yaml': bomb + '\n' }));
    assert.ok(r instanceof ConfigError, 'refused');
  });

  it('any LLM_REPORT_* values: a valid configuration or a ConfigError naming the variable', () => {
    const options = listOptions();
    const raw = fc.oneof(fc.string({ unit: 'binary', maxLength: 20 }), fc.constantFrom('true', 'false', '0', '1', '-1', '1e9', '[]', '["a"]', 'a,b', 'NaN', ' 5 ', 'none'));
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...options.map((o) => o.env)), raw, { maxKeys: 5 }), (env) => {
        const r = loadsOrConfigError(project({}), env);
        if (r instanceof ConfigError) assert.ok(Object.keys(env).some((name) => r.message.includes(name)) || /^signing:/.test(r.message), r.message);
      }),
      runs(300),
    );
  });
});

// ---------------------------------------------------------------------------------------------------
// Redaction (test/redact.test.ts has the planted-value, token and idempotence properties)

const outsideMarkers = (s: string): string => s.replace(/\[REDACTED:[a-z0-9-]{1,40}\]/g, '\u0000');

describe(`properties: redaction (seed ${SEED})`, () => {
  const secretChars = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.:/+=@!$% "\\'.split(''));
  const secret = fc.string({ unit: secretChars, minLength: 8, maxLength: 40 }).filter((s) => s.trim() === s);
  const around = fc.string({ unit: fc.constantFrom(...'abc xyz=:/"\n'.split('')), maxLength: 20 });

  it('an env secret never survives URL-encoded, JSON-escaped or inside base64 at any alignment', () => {
    fc.assert(
      fc.property(secret, around, around, fc.nat(5), fc.constantFrom('url', 'json', 'base64', 'base64url'), (s, before, after, pad, form) => {
        const encoded =
          form === 'url' ? encodeURIComponent(s)
          : form === 'json' ? JSON.stringify(s).slice(1, -1)
          : Buffer.from('p'.repeat(pad) + s + 'tail').toString(form === 'base64' ? 'base64' : 'base64url');
        const out = createRedactor({ secretValues: [s] })(before + encoded + after);
        assert.ok(out.includes('[REDACTED:env]'), `${form}: nothing redacted in ${JSON.stringify(out)}`);
        if (form === 'url' || form === 'json') assert.ok(!outsideMarkers(out).includes(encoded), `${form}: ${out}`);
        else assert.ok(!Buffer.from(outsideMarkers(out).replace(/[^A-Za-z0-9+/_-]/g, ''), 'base64').toString('latin1').includes(s), `${form}: decodes to the secret: ${out}`);
      }),
      runs(300),
    );
  });

  it('never throws and stays idempotent on arbitrary unicode, lone surrogates and NULs, with arbitrary secret values', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), fc.array(fc.string({ unit: 'binary', maxLength: 30 }), { maxLength: 3 }), (text, values) => {
        const r = createRedactor({ secretValues: values });
        const once = r(text);
        assert.equal(typeof once, 'string');
        assert.equal(r(once), once);
      }),
      runs(500),
    );
  });
});
