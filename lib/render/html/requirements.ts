// The requirement -> tests -> status matrix. Taken from report.requirements when the evidence stage wrote
// it; otherwise derived from the requirement ids tests carry, with the same status rules.
import { COVERAGE_LABEL, requirementCoverage, type RequirementCoverage } from '../../evidence/requirements.js';
import type { RenderReport, RenderTest, Requirement, RequirementStatus } from './types.js';

export { COVERAGE_LABEL, type RequirementCoverage };

export interface MatrixRow {
  id: string;
  title?: string;
  /** The worst outcome of its tests (failed beats incomplete beats passed). */
  status: RequirementStatus;
  tests: Array<{ id: string; test: RenderTest | undefined }>;
  /** How many of its tests passed: all, some, none, or it has none. */
  coverage: RequirementCoverage;
  passed: number;
  /** false: tests reference it but the catalogue does not list it; undefined: no catalogue. */
  in_catalogue?: boolean;
}

export function requirementStatus(tests: ReadonlyArray<RenderTest | undefined>): RequirementStatus {
  const known = tests.filter((t): t is RenderTest => t !== undefined);
  if (known.some((t) => t.status === 'failed' || t.status === 'cancelled')) return 'failed';
  if (known.some((t) => t.status === 'incomplete')) return 'incomplete';
  if (known.some((t) => t.status === 'passed')) return 'passed';
  return 'untested';
}

export function requirementMatrix(report: RenderReport): MatrixRow[] {
  const byId = new Map(report.tests.map((t) => [t.id, t]));
  let reqs: Requirement[] | undefined = Array.isArray(report.requirements) ? report.requirements : undefined;
  if (!reqs) {
    const map = new Map<string, string[]>();
    for (const t of report.tests) {
      for (const r of Array.isArray(t.requirements) ? t.requirements : []) {
        const list = map.get(r) ?? [];
        if (!list.includes(t.id)) list.push(t.id);
        map.set(r, list);
      }
    }
    reqs = [...map.keys()].sort().map((id) => {
      const tests = map.get(id)!;
      return { id, tests, status: requirementStatus(tests.map((x) => byId.get(x))) };
    });
  }
  return reqs.map((r) => {
    const tests = (r.tests ?? []).map((id) => ({ id, test: byId.get(id) }));
    const statuses = tests.map((x) => x.test?.status);
    const row: MatrixRow = { id: String(r.id), status: r.status, tests, coverage: requirementCoverage(statuses), passed: statuses.filter((s) => s === 'passed').length };
    if (r.title) row.title = r.title;
    if (typeof r.in_catalogue === 'boolean') row.in_catalogue = r.in_catalogue;
    return row;
  });
}
