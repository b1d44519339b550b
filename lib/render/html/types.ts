// What the renderers read: report.json plus the optional fields other stages add (per-test coverage,
// sources, annotations, requirements, manifest, integrity, git). Their owners define them in the schemas;
// they are typed here as optional so a report without them (or an older one) renders what it has.
import type { Report, TestLine } from '../../types.js';

export type LineRange = [number, number];

export interface TestCoverage {
  file: string;
  /** 1-based inclusive line ranges the test executed, sorted. */
  lines: LineRange[];
}

/** Advisory LLM text: untrusted, rendered as plain text only. */
export interface Annotation {
  scenario: string;
  why_needed: string;
  key_assertions: string[];
  likely_cause?: string;
  model: string;
  prompt_version: string;
}

export interface CoverageMetric {
  covered: number;
  total: number;
  percent: number;
}

export interface FileCoverage {
  file: string;
  lines: CoverageMetric;
  functions: CoverageMetric;
  branches: CoverageMetric;
}

export type RequirementStatus = 'passed' | 'failed' | 'untested' | 'incomplete';

export interface Requirement {
  id: string;
  title?: string;
  /** Test ids. */
  tests: string[];
  status: RequirementStatus;
}

export interface ManifestEntry {
  path: string;
  size: number;
  sha256: string;
  media_type: string;
}

export interface Integrity {
  sha256sums: boolean;
  journal_chain?: boolean;
  signature?: { algorithm: string; key_fingerprint: string };
  /** An integrity check (whoever can check it can forge it), not a signature. */
  hmac?: { algorithm: string; key_id: string };
}

// Omit: the shared types may already declare these fields (their owners add them); the renderer reads
// only this minimal shape, so a report from before or after those changes renders alike.
export interface RenderTest extends Omit<TestLine, 'coverage' | 'annotation' | 'annotation_error' | 'requirements'> {
  coverage?: TestCoverage[];
  annotation?: Annotation;
  annotation_error?: { code: string; message: string };
  requirements?: string[];
}

export interface RenderReport extends Omit<Report, 'tests' | 'run' | 'coverage' | 'requirements' | 'manifest' | 'integrity' | 'sources' | 'provenance' | 'custom_metadata'> {
  run: Report['run'] & { git?: { sha?: string; dirty?: boolean } };
  tests: RenderTest[];
  /** file -> source text, each file once (for the inline source view). */
  sources?: Record<string, string>;
  coverage?: { files: FileCoverage[]; totals: { lines: CoverageMetric; functions: CoverageMetric; branches: CoverageMetric } };
  requirements?: Requirement[];
  manifest?: ManifestEntry[];
  integrity?: Integrity;
  custom_metadata?: Record<string, unknown>;
  provenance?: { os?: { type?: string; release?: string }; responsible?: { name?: string; role?: string } };
}
