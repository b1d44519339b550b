// The evidence fields of report.json, derived from the run_start line (provenance, metadata, catalogue)
// and the tests' requirement ids. Pure and idempotent, so `llm-report fold` of a journal or of
// results.ndjson gives the same fields as the end of the run.
import { warning } from '../warnings.js';
import { requirementMatrix } from './requirements.js';
import type { Integrity, ManifestEntry, Report, RunStartLine, Warning } from '../types.js';

export interface EvidenceExtras {
  /** How the set will be sealed (known before report.json is written). */
  integrity?: Integrity;
  /** Artifacts already written when report.json is. */
  manifest?: ManifestEntry[];
}

const MAX_LISTED = 20;

function listed(ids: string[]): string {
  return ids.length > MAX_LISTED ? `${ids.slice(0, MAX_LISTED).join(', ')} and ${ids.length - MAX_LISTED} more` : ids.join(', ');
}

export function withEvidence(report: Report, start: RunStartLine | undefined, extras: EvidenceExtras = {}): { report: Report; warnings: Warning[] } {
  const out: Report = { ...report, run: { ...report.run } };
  const warnings: Warning[] = [];
  if (start?.provenance) {
    out.provenance = start.provenance;
    if (start.provenance.git) out.run.git = start.provenance.git;
  }
  if (start?.custom_metadata) out.custom_metadata = start.custom_metadata;
  const catalogue = start?.requirements_catalogue;
  const rows = requirementMatrix(out.tests, catalogue);
  if (rows.length) out.requirements = rows;
  if (catalogue) {
    const source = start?.provenance?.inputs?.find((i) => i.kind === 'requirements_catalogue')?.path;
    const where = source ? { file: source } : {};
    for (const r of rows.filter((x) => x.in_catalogue === false)) {
      warnings.push(warning('LLMR_TRACE_UNKNOWN_REQUIREMENT', `${r.id} is declared by ${r.tests.length} test(s) but is not in the requirements catalogue${source ? ` ${source}` : ''}`, { ...where, test_id: r.tests[0] }));
    }
    const untested = rows.filter((x) => x.in_catalogue && x.tests.length === 0).map((x) => x.id);
    if (untested.length) warnings.push(warning('LLMR_TRACE_UNTESTED', `${untested.length} requirement(s) of the catalogue have no test: ${listed(untested)}`, where));
  }
  if (extras.integrity) out.integrity = extras.integrity;
  if (extras.manifest?.length) out.manifest = extras.manifest;
  const known = new Set(report.warnings.map((w) => `${w.code}\u0000${w.message}`));
  return { report: out, warnings: warnings.filter((w) => !known.has(`${w.code}\u0000${w.message}`)) };
}
