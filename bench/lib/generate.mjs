// Synthetic inputs: a node:test project (files x tests, a module graph of a given depth, optional
// output per test) and canonical NDJSON streams of any length for the fold. Seeded, so every run of the
// benchmark measures the same inputs.
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** mulberry32: small, fast, seeded. */
export function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Writes a project into `dir`: `files` test files of `testsPerFile` tests each (in describe blocks of
 * `suiteSize`), importing a module graph `depth` levels deep and `width` modules wide under src/; each
 * test writes `outputBytes` to stdout. Links this repo as node_modules/@org/llm-report.
 */
export function generateSuite(dir, { files, testsPerFile, depth = 3, width = 4, outputBytes = 0, suiteSize = 10 }) {
  mkdirSync(path.join(dir, 'src'), { recursive: true });
  mkdirSync(path.join(dir, 'test'), { recursive: true });
  writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'bench-suite', private: true, type: 'module' }) + '\n');
  for (let d = 0; d < depth; d++) {
    for (let w = 0; w < width; w++) {
      const last = d === depth - 1;
      const imports = last ? '' : `import { f as g1 } from './m${d + 1}_${w}.js';\nimport { f as g2 } from './m${d + 1}_${(w + 1) % width}.js';\n`;
      const body = last
        ? `  let s = 0;\n  for (let i = 0; i < (x % 7) + 3; i++) s += i % 2 ? i : -i;\n  return s;`
        : `  if (x % 3 === 0) return g1(x + 1) + ${d};\n  if (x % 3 === 1) return g2(x + 2) - ${w};\n  return g1(x) + g2(x);`;
      writeFileSync(path.join(dir, 'src', `m${d}_${w}.js`), `${imports}export function f(x) {\n${body}\n}\n`);
    }
  }
  const out = outputBytes > 0 ? `process.stdout.write(${JSON.stringify('o'.repeat(Math.max(outputBytes - 1, 0)) + '\n')});` : '';
  for (let i = 0; i < files; i++) {
    const lines = [
      `import { describe, it } from 'node:test';`,
      `import assert from 'node:assert/strict';`,
      `import { f } from '../src/m0_${i % width}.js';`,
      '',
    ];
    for (let s = 0; s * suiteSize < testsPerFile; s++) {
      lines.push(`describe('suite ${s}', () => {`);
      for (let j = s * suiteSize; j < Math.min(testsPerFile, (s + 1) * suiteSize); j++) {
        lines.push(`  it('test ${i}.${j}', () => { ${out} assert.equal(typeof f(${j}), 'number'); });`);
      }
      lines.push('});');
    }
    writeFileSync(path.join(dir, 'test', `t${String(i).padStart(4, '0')}.test.js`), lines.join('\n') + '\n');
  }
  mkdirSync(path.join(dir, 'node_modules', '@org'), { recursive: true });
  symlinkSync(REPO, path.join(dir, 'node_modules', '@org', 'llm-report'), 'dir');
  return dir;
}

/** `sorted(obj)`: keys sorted at every depth, the canonical form the reporter writes. */
function sorted(v) {
  if (Array.isArray(v)) return v.map(sorted);
  if (v && typeof v === 'object') return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sorted(v[k])]));
  return v;
}

/**
 * A canonical NDJSON stream of a finished run with `tests` test lines (plus suites, file lines, a few
 * warnings, run_start and run_end), in arrival order (files interleaved), about 15% failures with
 * realistic failure objects. `testId` comes from dist (same ids as the reporter).
 */
export function generateLines(tests, { testId, seed = 42, testsPerFile = 100, suiteSize = 10 }) {
  const rand = rng(seed);
  const out = [];
  const files = Math.ceil(tests / testsPerFile);
  out.push({
    type: 'run_start', schema_version: '1.0.0', tool: { name: '@org/llm-report', version: '0.1.0' }, node_version: process.version,
    platform: 'linux', arch: 'x64', run_id: '00000000-0000-4000-8000-000000000000', started_at: '2025-01-01T00:00:00.000Z',
    argv: ['node', '--test', '--test-reporter=@org/llm-report'], env_names: [], config_sha256: '0'.repeat(64), isolation: 'process',
  });
  const counts = { tests: 0, suites: 0, passed: 0, failed: 0, cancelled: 0, skipped: 0, todo: 0, incomplete: 0 };
  const fileLines = [];
  let made = 0;
  for (let f = 0; f < files; f++) {
    const file = `test/area${f % 17}/feature-${f}.test.js`;
    const fc = { tests: 0, suites: 0, passed: 0, failed: 0, cancelled: 0, skipped: 0, todo: 0, incomplete: 0 };
    const inFile = Math.min(testsPerFile, tests - made);
    for (let s = 0; s * suiteSize < inFile; s++) {
      const suiteName = `feature ${f} behaviour ${s}`;
      let suiteFailed = false;
      for (let j = s * suiteSize; j < Math.min(inFile, (s + 1) * suiteSize); j++) {
        const name = `handles case ${j} of ${suiteName} with input #${Math.floor(rand() * 1e6)}`;
        const r = rand();
        const status = r < 0.12 ? 'failed' : r < 0.14 ? 'skipped' : r < 0.15 ? 'todo' : r < 0.155 ? 'cancelled' : 'passed';
        const line = {
          type: 'test', id: testId('test', file, [suiteName], name, 1), file, entry_file: file, line: 10 + j * 4, column: 3,
          name, path: [suiteName], nesting: 1, occurrence: 1, status, duration_ms: Math.round(rand() * 50000) / 1000, attempt: 0,
        };
        if (status === 'failed') {
          suiteFailed = true;
          line.failure = {
            kind: 'assertion', error_name: 'AssertionError', code: 'ERR_ASSERTION', failure_type: 'testCodeFailure', operator: 'deepStrictEqual',
            message: `Expected values to be strictly deep-equal:\n+ actual - expected\n\n  {\n+   total: ${j}\n-   total: ${j + 1}\n  }`,
            actual: `{ total: ${j} }`, expected: `{ total: ${j + 1} }`,
            stack: Array.from({ length: 8 }, (_, k) => `    at fn${k} (${file}:${20 + k}:${5 + k})`).join('\n'),
            location: { file, line: 12 + j * 4, column: 14 },
          };
        }
        if (status === 'skipped') line.skip_reason = 'not on this platform';
        if (status === 'todo') line.todo_reason = 'pending spec';
        if (status === 'cancelled') line.failure = { kind: 'timeout', failure_type: 'testTimeoutFailure', message: 'test timed out after 1000ms' };
        out.push(line);
        fc.tests++;
        fc[status]++;
        made++;
      }
      out.push({
        type: 'suite', id: testId('suite', file, [], suiteName, 1), file, entry_file: file, line: 8 + s * suiteSize * 4, column: 1,
        name: suiteName, path: [], nesting: 0, occurrence: 1, status: suiteFailed ? 'failed' : 'passed', duration_ms: 1.5,
      });
      fc.suites++;
    }
    const failed = fc.failed > 0 || fc.cancelled > 0;
    fileLines.push({ type: 'file', file, status: failed ? 'failed' : 'passed', counts: fc, duration_ms: 120.5 });
    for (const k of Object.keys(counts)) counts[k] += fc[k];
  }
  out.push(...fileLines);
  out.push({ type: 'warning', code: 'LLMR_FILE_FAILED', message: 'synthetic warning', file: fileLines[0].file });
  out.push({ type: 'run_end', status: counts.failed || counts.cancelled ? 'failed' : 'passed', counts, ended_at: '2025-01-01T00:10:00.000Z', duration_ms: 600000 });
  return out.map((l) => JSON.stringify(sorted(l)) + '\n').join('');
}
