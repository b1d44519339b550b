// Puts an annotate's outcome into a saved run: report.json (tests, warnings, llm totals) and the lines
// of results.ndjson (test lines, warning lines). Previous annotations and LLMR_LLM_* warnings are
// replaced, so annotating twice gives the same files. Lines of kinds this step does not know are kept
// byte for byte. Pure.
import { compareWarnings } from '../report/fold.js';
import { toNdjsonLine } from '../report/canonical.js';
import type { Report, TestLine, Warning } from '../types.js';
import { testKey, type AnnotateOutput } from './annotate.js';

const isLlmWarning = (w: Warning): boolean => w.code.startsWith('LLMR_LLM_');

function annotateTest<T extends TestLine>(t: T, out: AnnotateOutput): T {
  const { annotation: _a, annotation_error: _e, ...rest } = t;
  const o = out.outcomes.get(testKey(t));
  const next = { ...rest } as T;
  if (o?.annotation) next.annotation = o.annotation;
  else if (o?.error) next.annotation_error = o.error;
  return next;
}

function mergeWarnings(existing: readonly Warning[], added: readonly Warning[]): Warning[] {
  const seen = new Set<string>();
  return [...existing.filter((w) => !isLlmWarning(w)), ...added]
    .filter((w) => {
      const k = JSON.stringify([w.code, w.message, w.file, w.line, w.column, w.test_id]);
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort(compareWarnings);
}

export function applyToReport(report: Report, out: AnnotateOutput): Report {
  return {
    ...report,
    tests: report.tests.map((t) => annotateTest(t, out)),
    warnings: mergeWarnings(report.warnings, out.warnings),
    llm: out.totals,
  };
}

/** results.ndjson with annotated test lines and the warning block replaced (sorted, before run_end). */
export function applyToNdjson(text: string, out: AnnotateOutput): string {
  const raw = text.split('\n').filter((l) => l !== '');
  const kept: string[] = [];
  const warnings: Warning[] = [];
  let warningAt = -1;
  let endAt = -1;
  for (const line of raw) {
    let value: { type?: unknown } | undefined;
    try {
      value = JSON.parse(line) as { type?: unknown };
    } catch {
      kept.push(line); // not ours to judge here; `fold` reports bad lines
      continue;
    }
    if (value?.type === 'test') kept.push(toNdjsonLine(annotateTest(value as TestLine, out)).trimEnd());
    else if (value?.type === 'warning') {
      if (warningAt === -1) warningAt = kept.length;
      const { type: _t, ...w } = value as Warning & { type: string };
      warnings.push(w);
    } else {
      if (value?.type === 'run_end' && endAt === -1) endAt = kept.length;
      kept.push(line);
    }
  }
  if (warningAt === -1) warningAt = endAt === -1 ? kept.length : endAt;
  const block = mergeWarnings(warnings, out.warnings).map((w) => toNdjsonLine({ type: 'warning', ...w }).trimEnd());
  kept.splice(warningAt, 0, ...block);
  return kept.map((l) => l + '\n').join('');
}
