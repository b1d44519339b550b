// Hand-made NDJSON lines that validate against schemas/line.schema.json, for fold/aggregate input tests.
import { toNdjsonLine } from '../../lib/report/canonical.js';
import { SCHEMA_VERSION } from '../../lib/types.js';
import type { Line, RunEndLine, RunStartLine, TestLine, TestStatus } from '../../lib/types.js';

export function startLine(runId = 'run-1', extra: Partial<RunStartLine> = {}): RunStartLine {
  return {
    type: 'run_start', schema_version: SCHEMA_VERSION, tool: { name: '@org/llm-report', version: '0.1.0' }, node_version: 'v20.19.0', platform: 'linux', arch: 'x64',
    run_id: runId, started_at: '2024-01-01T00:00:00.000Z', argv: ['node', '--test'], env_names: [], config_sha256: 'a'.repeat(64), isolation: 'process', ...extra,
  };
}

export function testLine(name: string, status: TestStatus, extra: Partial<TestLine> = {}): TestLine {
  const t: TestLine = { type: 'test', id: `id-${name}`, file: 'test/x.test.js', entry_file: 'test/x.test.js', line: 1 + (name.charCodeAt(0) % 50), column: 1, name, path: [], nesting: 0, occurrence: 1, status, duration_ms: 1, attempt: 0, ...extra };
  if ((status === 'failed' || status === 'incomplete' || status === 'cancelled') && !t.failure) t.failure = { kind: status === 'incomplete' ? 'incomplete' : 'error', message: `${name} ${status}` };
  return t;
}

export function endLine(status: RunEndLine['status'] = 'passed', extra: Partial<RunEndLine> = {}): RunEndLine {
  return { type: 'run_end', status, counts: { tests: 0, suites: 0, passed: 0, failed: 0, cancelled: 0, skipped: 0, todo: 0, incomplete: 0 }, ended_at: '2024-01-01T01:00:00.000Z', duration_ms: 5, ...extra };
}

export function ndjson(lines: Line[]): string {
  return lines.map(toNdjsonLine).join('');
}

/** A JSON value nested `depth` arrays deep, as text (built without recursion). */
export function deepArray(depth: number): string {
  return '['.repeat(depth) + ']'.repeat(depth);
}
