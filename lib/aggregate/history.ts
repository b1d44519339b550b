// Every outcome of every test across groups and attempts, oldest first, and the flaky flag.
// Flaky: it passed somewhere and failed or was cancelled somewhere else, or node's --test-rerun-failures
// passed it only after a failed attempt (skipped, todo and incomplete say nothing about flakiness).
import { warning } from '../warnings.js';
import type { HistoryEntry, TestLine, Warning } from '../types.js';
import type { Group } from './groups.js';

export interface History {
  /** By test id. */
  entries: Map<string, HistoryEntry[]>;
  flaky: Set<string>;
}

/** node's rerun state says so: re-run after a failure and passed now, or passed on an attempt after the first. */
export function passedAfterRerun(t: TestLine): boolean {
  if (t.status !== 'passed') return false;
  if (t.passed_on_attempt !== undefined) return t.passed_on_attempt > 0;
  return t.attempt > 0;
}

export function buildHistory(groups: readonly Group[]): History {
  const entries = new Map<string, HistoryEntry[]>();
  const rerunFlaky = new Set<string>();
  for (const g of [...groups].sort((a, b) => a.order - b.order)) {
    const tests = g.observed.filter((r): r is TestLine => r.type === 'test');
    // Within a group: by attempt, then as the runs were given (stable sort).
    tests.sort((a, b) => a.attempt - b.attempt);
    for (const t of tests) {
      const e: HistoryEntry = { group_id: g.id, run_id: t.run_id!, attempt: t.attempt, status: t.status };
      if (t.passed_on_attempt !== undefined) e.passed_on_attempt = t.passed_on_attempt;
      const list = entries.get(t.id) ?? [];
      list.push(e);
      entries.set(t.id, list);
      if (passedAfterRerun(t)) rerunFlaky.add(t.id);
    }
  }
  const flaky = new Set<string>(rerunFlaky);
  for (const [id, list] of entries) {
    const passed = list.some((e) => e.status === 'passed');
    const failed = list.some((e) => e.status === 'failed' || e.status === 'cancelled');
    if (passed && failed) flaky.add(id);
  }
  return { entries, flaky };
}

/** One LLMR_AGG_FLAKY per flaky test, naming its outcomes in order. */
export function flakyWarnings(tests: readonly TestLine[], history: History): Warning[] {
  const out: Warning[] = [];
  const done = new Set<string>();
  for (const t of tests) {
    if (!history.flaky.has(t.id) || done.has(t.id)) continue;
    done.add(t.id);
    const outcomes = (history.entries.get(t.id) ?? []).map((e) => (e.attempt > 0 ? `${e.status} (attempt ${e.attempt})` : e.status));
    out.push(warning('LLMR_AGG_FLAKY', `"${[...t.path, t.name].join(' > ')}" is flaky: ${outcomes.join(', ')}`, { file: t.file, line: t.line, test_id: t.id }));
  }
  return out;
}
