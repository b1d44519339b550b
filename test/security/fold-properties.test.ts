// Property tests (fast-check) over fold and aggregate inputs: random valid, invalid, truncated, duplicated
// and reordered NDJSON lines never crash either; counts always add up; a failing line is never hidden by
// a passing duplicate; the fold does not depend on the order of record lines.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { endLine, ndjson, startLine, testLine } from '../helpers/lines.js';
import { parseNdjson } from '../../lib/report/ndjson.js';
import { fold } from '../../lib/report/fold.js';
import { aggregate, readSource } from '../../lib/aggregate/index.js';
import { canonicalJson } from '../../lib/report/canonical.js';
import { validateReport } from '../../lib/generated/validators.js';
import type { Line, Report, TestStatus } from '../../lib/types.js';

const STATUSES: TestStatus[] = ['passed', 'failed', 'cancelled', 'skipped', 'todo', 'incomplete'];
const RANK: Record<TestStatus, number> = { skipped: 0, todo: 1, passed: 2, incomplete: 3, cancelled: 4, failed: 5 };
const RUNS = Number(process.env.LLMR_FAULT_REPS ?? 100);

const status = fc.constantFrom(...STATUSES);
// A few names, so duplicates (same id) are frequent.
const record = fc.record({ name: fc.constantFrom('a', 'b', 'c', 'd', 'e'), status, attempt: fc.nat(1) }).map((r) => testLine(r.name, r.status, { attempt: r.attempt }));
const garbage = fc.oneof(
  fc.string({ maxLength: 30 }),
  fc.constant('{"type":"test"'),
  fc.constant('{"type":"test","id":5}'),
  fc.constant('['.repeat(500) + ']'.repeat(500)),
  fc.json({ maxDepth: 3 }),
);
type Item = { kind: 'line'; line: Line } | { kind: 'raw'; text: string };
const item: fc.Arbitrary<Item> = fc.oneof(
  { weight: 6, arbitrary: record.map((line): Item => ({ kind: 'line', line })) },
  { weight: 2, arbitrary: garbage.map((text): Item => ({ kind: 'raw', text: text.replace(/\n/g, ' ') })) },
);
/** A stream: maybe a run_start, items, maybe a run_end, maybe cut at a random byte. */
const stream = fc.record({ start: fc.boolean(), end: fc.boolean(), items: fc.array(item, { maxLength: 25 }), cut: fc.option(fc.nat(4000), { nil: undefined }) }).map((s) => {
  const text = [s.start ? ndjson([startLine()]) : '', ...s.items.map((i) => (i.kind === 'line' ? ndjson([i.line]) : i.text + '\n')), s.end ? ndjson([endLine()]) : ''].join('');
  return s.cut === undefined ? text : text.slice(0, s.cut);
});

function foldText(text: string): Report {
  const r = parseNdjson(text, 'in.ndjson');
  return fold(r.lines, r.warnings, r.origins);
}

function assertAddsUp(report: Report): void {
  const s = report.summary;
  assert.equal(s.tests, report.tests.length, 'summary.tests == test records');
  assert.equal(s.tests, STATUSES.reduce((n, k) => n + s[k], 0), 'summary.tests == sum of statuses');
  for (const f of report.files) assert.equal(f.counts.tests, STATUSES.reduce((n, k) => n + f.counts[k], 0));
  assert.ok(validateReport(report), JSON.stringify(validateReport.errors));
}

describe('fold and aggregate properties (fast-check)', () => {
  it('any stream (valid, invalid, truncated, duplicated lines) folds without throwing; counts add up', () => {
    fc.assert(fc.property(stream, (text) => assertAddsUp(foldText(text))), { numRuns: RUNS });
  });

  it('aggregate of any two streams never crashes (an AggregateError at most) and its counts add up', () => {
    fc.assert(
      fc.property(stream, stream, (a, b) => {
        let sources;
        try {
          sources = [readSource(a, { path: 'a.ndjson', input: 0, format: 'ndjson' }), readSource(b, { path: 'b.ndjson', input: 1, format: 'ndjson' })];
          assertAddsUp(aggregate(sources, 'merge').report);
        } catch (err) {
          // The only allowed failure: a located refusal (no valid line, same run id with other content).
          assert.equal((err as Error).name, 'AggregateError', (err as Error).stack);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('a failing line is never hidden by a passing duplicate, wherever the two are', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 15 }), fc.constantFrom('a', 'b', 'c'), fc.nat(15), fc.nat(15), (others, name, i, j) => {
        const lines: Line[] = others.filter((t) => t.name !== name);
        lines.splice(Math.min(i, lines.length), 0, testLine(name, 'passed'));
        lines.splice(Math.min(j, lines.length), 0, testLine(name, 'failed'));
        const report = foldText(ndjson([startLine(), ...lines, endLine()]));
        assert.equal(report.tests.find((t) => t.name === name && t.attempt === 0)?.status, 'failed');
        assert.notEqual(report.run.status, 'passed');
      }),
      { numRuns: RUNS },
    );
  });

  it('duplicates keep the worst status of their lines', () => {
    fc.assert(
      fc.property(fc.array(record, { minLength: 1, maxLength: 20 }), (recs) => {
        const report = foldText(ndjson([startLine(), ...recs, endLine()]));
        const worst = new Map<string, TestStatus>();
        for (const r of recs) {
          const k = `${r.id}/${r.attempt}`;
          const w = worst.get(k);
          if (!w || RANK[r.status] > RANK[w]) worst.set(k, r.status);
        }
        assert.equal(report.tests.length, worst.size);
        for (const t of report.tests) assert.equal(t.status, worst.get(`${t.id}/${t.attempt}`));
      }),
      { numRuns: RUNS },
    );
  });

  it('reordering record lines does not change the report (run_start first, run_end last)', () => {
    fc.assert(
      fc.property(fc.array(record, { maxLength: 20 }).chain((recs) => fc.tuple(fc.constant(recs), fc.shuffledSubarray(recs, { minLength: recs.length, maxLength: recs.length }))), ([recs, shuffled]) => {
        const a = foldText(ndjson([startLine(), ...recs, endLine()]));
        const b = foldText(ndjson([startLine(), ...shuffled, endLine()]));
        // Records, counts and verdict are identical. Duplicate warnings name input lines, which move, and
        // with three or more copies which pairs were compared: the same tests are named, that is all.
        const strip = (r: Report): string => canonicalJson({ ...r, warnings: r.warnings.filter((w) => w.code !== 'LLMR_NDJSON_DUPLICATE') });
        const named = (r: Report): string[] => [...new Set(r.warnings.filter((w) => w.code === 'LLMR_NDJSON_DUPLICATE').map((w) => w.test_id!))].sort();
        assert.equal(strip(a), strip(b));
        assert.deepEqual(named(a), named(b));
      }),
      { numRuns: RUNS },
    );
  });
});
