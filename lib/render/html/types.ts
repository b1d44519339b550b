// What the renderers read: report.json as lib/types.ts types it (those types follow the schemas; this
// file adds no record field of its own), plus the one render-only input that is not part of report.json.
import type { LineRange, Ratio, Report, RequirementRow, TestLine } from '../../types.js';

export type { RequirementStatus } from '../../types.js';

export type RenderTest = TestLine;
export type CoverageMetric = Ratio;
export type Requirement = RequirementRow;

export interface RenderReport extends Report {
  /** file -> source text, each file once (for the inline source view). Given by the caller, never in report.json. */
  sources?: Record<string, string>;
  /** file -> the lines the whole run executed and the file's line count (results.ndjson's coverage lines). Render-only too. */
  source_lines?: Record<string, { c: LineRange[]; n: number }>;
}
