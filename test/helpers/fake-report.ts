// Hand-made reports for the renderer tests and the HTML benchmark: every optional field the page can
// show (per-test coverage, sources, annotations, requirements, manifest, integrity, git), and on
// request hostile text in every user-controlled field. Deterministic: same options, same report.
import type { Annotation, Failure, FileLine, SuiteLine, TestStatus } from '../../lib/types.js';
import type { RenderReport, RenderTest } from '../../lib/render/html/types.js';

/** Each payload sets globalThis.__xss when it runs; the tests check it stays unset. */
export const XSS = [
  '<script>window.__xss = 1</script>',
  '<img src=x onerror="window.__xss = 2">',
  '"><svg onload="window.__xss=3">',
  "' onmouseover='window.__xss=4' x='",
  '</textarea><script>window.__xss=5</script>',
  '</script><script>window.__xss=6</script>',
  '&amp; &lt;b&gt; & <b>bold</b> {{mustache}} {{{triple}}}',
  '<!-- --><iframe src="javascript:window.__xss=7"></iframe>',
  'javascript:window.__xss=8',
] as const;
export const XSS_TEXT = XSS.join(' | ');

const hex = (n: number): string => n.toString(16).padStart(16, '0');

export const SOURCE_MATH = `export function add(a, b) {
  return a + b;
}

export function div(a, b) {
  if (b === 0) {
    throw new Error('division by zero');
  }
  return a / b;
}

export function clamp(x, lo, hi) {
  if (x < lo) return lo;
  if (x > hi) return hi;
  return x;
}
`;

/** A schema-complete annotation: the shown text plus the audit fields the page does not show. */
function annotation(text: Pick<Annotation, 'scenario' | 'why_needed' | 'key_assertions' | 'model' | 'prompt_version' | 'likely_cause'>): Annotation {
  return {
    advisory: true,
    provider: 'openai',
    host: 'localhost',
    prompt_sha256: 'c'.repeat(64),
    cache_key: 'd'.repeat(64),
    usage: { input_tokens: 100, output_tokens: 20 },
    context: { mode: 'balanced', bytes: 100, truncated: false, failure: false, files: [] },
    ...text,
  };
}

function failure(message: string, extra: Partial<Failure> = {}): Failure {
  return { kind: 'assertion', error_name: 'AssertionError', message, stack: `AssertionError: ${message}\n    at TestContext.<anonymous> (test/math.test.js:12:10)`, ...extra };
}

export interface FakeOptions {
  /** Number of generated tests (besides the hand-made ones). */
  tests?: number;
  /** Put the XSS payloads in every user-controlled field. */
  xss?: boolean;
  /** Files the generated tests are spread over. */
  files?: number;
}

/** A small, fully featured report; with `tests` it grows to that many tests over `files` files. */
export function fakeReport(opts: FakeOptions = {}): RenderReport {
  const evil = opts.xss ? XSS_TEXT : '';
  const tests: RenderTest[] = [];
  const suites: SuiteLine[] = [];
  const base = (id: number, file: string, line: number, path: string[], name: string, status: TestStatus, duration: number): RenderTest => ({
    type: 'test', id: hex(id), file, entry_file: file, line, column: 3, name, path, nesting: path.length, occurrence: 0, status, duration_ms: duration, attempt: 0,
  });

  const mathFile = 'test/math.test.js';
  suites.push({ type: 'suite', id: hex(0xa1), file: mathFile, entry_file: mathFile, line: 4, column: 1, name: `math ${evil}`.trim(), path: [], nesting: 0, occurrence: 0, status: 'failed', duration_ms: 12 });
  suites.push({ type: 'suite', id: hex(0xa2), file: mathFile, entry_file: mathFile, line: 20, column: 3, name: 'division', path: [`math ${evil}`.trim()], nesting: 1, occurrence: 0, status: 'failed', duration_ms: 5 });
  const suite = [`math ${evil}`.trim()];
  const add = base(1, mathFile, 5, suite, `adds numbers ${evil}`.trim(), 'passed', 1.5);
  add.coverage = [{ file: 'src/math.js', lines: [[1, 3]] }];
  add.requirements = ['REQ-1', 'REQ-2'];
  add.annotation = annotation({
    scenario: `Adds two numbers ${evil}`.trim(),
    why_needed: `Guards the sum ${evil}`.trim(),
    key_assertions: ['add(1, 2) === 3', evil || 'a second assertion'],
    model: `fake-model ${evil}`.trim(),
    prompt_version: 'v1',
  });
  const div = base(2, mathFile, 21, [...suite, 'division'], `divides by zero ${evil}`.trim(), 'failed', 3.25);
  div.failure = failure(`Expected values to be strictly equal: ${evil}`.trim(), {
    expected: `line one\nline two\n${evil}`,
    actual: `line one\nline 2\n${evil}`,
    operator: 'strictEqual',
    location: { file: mathFile, line: 23, column: 12 },
  });
  div.coverage = [{ file: 'src/math.js', lines: [[5, 7], [9, 9]] }];
  div.requirements = ['REQ-2'];
  div.annotation = annotation({
    scenario: 'Division by zero throws',
    why_needed: 'Callers rely on the error',
    key_assertions: ['throws on b === 0'],
    likely_cause: `The guard returns instead of throwing ${evil}`.trim(),
    model: 'fake-model',
    prompt_version: 'v1',
  });
  const half = base(3, mathFile, 30, [...suite, 'division'], 'halves', 'passed', 0.8);
  half.coverage = [{ file: 'src/math.js', lines: [[5, 6], [9, 10]] }, { file: 'src/util.js', lines: [[2, 2]] }];
  half.annotation_error = { code: 'LLMR_LLM_TIMEOUT', message: `timed out ${evil}`.trim() };
  const skip = base(4, mathFile, 40, suite, 'is skipped', 'skipped', 0);
  skip.skip_reason = `not on this platform ${evil}`.trim();
  const todo = base(5, mathFile, 44, suite, 'is todo', 'todo', 0);
  todo.todo_reason = 'later';
  const clampFile = 'test/clamp.test.js';
  const clamp = base(6, clampFile, 3, [], 'clamps', 'passed', 22);
  clamp.coverage = [{ file: 'src/math.js', lines: [[12, 16]] }];
  clamp.diagnostics = [`diag ${evil}`.trim()];
  const timeout = base(7, clampFile, 9, [], 'times out', 'cancelled', 1000);
  timeout.failure = { kind: 'timeout', message: 'test timed out after 1000ms' };
  const gone = base(8, clampFile, 15, [], 'never finishes', 'incomplete', 0);
  gone.failure = { kind: 'incomplete', message: 'the test process exited before this test reported' };
  tests.push(add, div, half, skip, todo, clamp, timeout, gone);

  const n = opts.tests ?? 0;
  const nFiles = Math.max(1, opts.files ?? Math.ceil(n / 100));
  const statuses: TestStatus[] = ['passed', 'passed', 'passed', 'passed', 'passed', 'passed', 'passed', 'passed', 'skipped', 'failed'];
  for (let i = 0; i < n; i++) {
    const f = i % nFiles;
    const file = `test/gen/file-${String(f).padStart(4, '0')}.test.js`;
    const k = Math.floor(i / nFiles);
    const path = [`suite ${Math.floor(k / 8)}`, ...(k % 8 >= 5 ? [`nested ${Math.floor(k / 8)}`] : [])];
    const status = statuses[(i * 7) % statuses.length]!;
    const t = base(0x1000 + i, file, 10 + k, path, `generated test ${i} checks value ${(i * 7919) % 10007}`, status, ((i * 37) % 500) / 3);
    if (status === 'failed') t.failure = failure(`expected ${i} to equal ${i + 1}`, { expected: String(i + 1), actual: String(i), operator: 'strictEqual' });
    if (i % 10 === 0) t.coverage = [{ file: 'src/math.js', lines: [[1, 3], [12, 13]] }];
    if (i % 25 === 0) t.requirements = [`REQ-${100 + (i % 40)}`];
    tests.push(t);
  }
  tests.sort((a, b) => (a.entry_file < b.entry_file ? -1 : a.entry_file > b.entry_file ? 1 : a.line - b.line || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)));

  const byFile = new Map<string, RenderTest[]>();
  for (const t of tests) byFile.set(t.entry_file, [...(byFile.get(t.entry_file) ?? []), t]);
  const files: FileLine[] = [...byFile.keys()].sort().map((file) => {
    const list = byFile.get(file)!;
    const c = { tests: 0, suites: 0, passed: 0, failed: 0, cancelled: 0, skipped: 0, todo: 0, incomplete: 0 };
    for (const t of list) {
      if (t.status === 'incomplete') c.incomplete++;
      else {
        c.tests++;
        c[t.status]++;
      }
    }
    const fl: FileLine = { type: 'file', file, status: c.incomplete ? 'incomplete' : c.failed || c.cancelled ? 'failed' : 'passed', counts: c, duration_ms: 40 };
    if (file === clampFile) {
      fl.output = { stdout: `hello from clamp ${evil}\n`.trim(), stderr: `warn ${evil}`.trim() };
      fl.failure = { kind: 'file', message: `process exited with code 1\n--- stderr (tail) ---\n${evil}`.trim() };
    }
    return fl;
  });
  const counts = { tests: 0, suites: suites.length, passed: 0, failed: 0, cancelled: 0, skipped: 0, todo: 0, incomplete: 0 };
  for (const t of tests) {
    if (t.status === 'incomplete') counts.incomplete++;
    else {
      counts.tests++;
      counts[t.status]++;
    }
  }
  const report: RenderReport = {
    schema_version: '1.0.0',
    run: {
      status: 'failed',
      complete: true,
      tool: { name: '@org/llm-report', version: '0.1.0' },
      node_version: 'v22.0.0',
      platform: 'linux',
      arch: 'x64',
      run_id: '3f2a9c1e-0000-4000-8000-00000000beef',
      started_at: '2024-01-02T03:04:05.000Z',
      ended_at: '2024-01-02T03:04:09.500Z',
      duration_ms: 4500,
      argv: ['node', '--test', `--test-name-pattern=${evil || 'x'}`],
      env_names: ['NODE_OPTIONS'],
      config_sha256: 'c'.repeat(64),
      isolation: 'process',
      git: { sha: '0123456789abcdef0123456789abcdef01234567', dirty: true },
    },
    summary: { ...counts, files: files.length, files_failed: files.filter((f) => f.status === 'failed').length, files_incomplete: files.filter((f) => f.status === 'incomplete').length },
    files,
    suites,
    tests,
    warnings: [
      { code: 'LLMR_FILE_FAILED', message: `${clampFile}: process exited with code 1 ${evil}`.trim(), file: clampFile },
      { code: 'LLMR_TEST_INCOMPLETE', message: 'never finishes', file: clampFile, line: 15, test_id: hex(8) },
    ],
    sources: {
      'src/math.js': opts.xss ? `${SOURCE_MATH}// ${evil}\n` : SOURCE_MATH,
      'src/util.js': `export const id = (x) => x;\nexport const noop = () => {};\n`,
    },
    coverage: {
      mode: 'test',
      files: [
        { file: 'src/math.js', lines: { covered: 12, total: 14, percent: 85.71 }, functions: { covered: 3, total: 3, percent: 100 }, branches: { covered: 5, total: 6, percent: 83.33 } },
        { file: 'src/util.js', lines: { covered: 1, total: 2, percent: 50 }, functions: { covered: 1, total: 2, percent: 50 }, branches: { covered: 0, total: 0, percent: 100 } },
      ],
      totals: { lines: { covered: 13, total: 16, percent: 81.25 }, functions: { covered: 4, total: 5, percent: 80 }, branches: { covered: 5, total: 6, percent: 83.33 } },
    },
    requirements: [
      { id: 'REQ-1', title: `Addition ${evil}`.trim(), tests: [hex(1)], status: 'passed' },
      { id: 'REQ-2', title: 'Division', tests: [hex(1), hex(2)], status: 'failed' },
      { id: 'REQ-3', title: 'Logging', tests: [], status: 'untested' },
    ],
    manifest: [
      { path: 'report.json', size: 12345, sha256: 'a'.repeat(64), media_type: 'application/json' },
      { path: `results.ndjson${opts.xss ? ` ${evil}` : ''}`, size: 999, sha256: 'b'.repeat(64), media_type: 'application/x-ndjson' },
    ],
    integrity: { sha256sums: true, journal_chain: true, signature: { algorithm: 'ecdsa-p256-sha256', key_fingerprint: 'SHA256:abcdef' } },
    provenance: { os: { type: 'Linux', release: '6.1.0' }, responsible: { name: `Dana Reviewer ${evil}`.trim(), role: 'QA lead' } },
  };
  if (opts.xss) report.custom_metadata = { site: evil, lot: 42 };
  return report;
}
