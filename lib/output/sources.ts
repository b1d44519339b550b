// Reads the covered source files for the page's source view (issue #14 §1), at the IO edge. Only files
// the report's coverage names, only below the project directory: a path that climbs out, or a link
// whose target lies outside the project, is not read (DESIGN invariant 6 applies to reads of user
// trees too). Text is redacted with the run's redactor before it reaches the page; the page shows it as
// escaped JSON data and textContent only.
import { readSync, realpathSync } from 'node:fs';
import { withRegularFile } from '../read-regular.js';
import path from 'node:path';
import { coveredFiles, pickSources, testsPerFile } from '../render/html/sources.js';
import { warning } from '../warnings.js';
import type { Redactor } from '../redact/index.js';
import type { CoverageLine, Report, Warning } from '../types.js';
import type { RenderReport } from '../render/html/types.js';

/** html_sources.max_bytes by default (the schema's default; kept equal by test/security/source-view.test.ts). */
export const DEFAULT_SOURCES_MAX_BYTES = 4 * 1024 * 1024;

export interface SourceOptions {
  /** The project directory the report's paths are relative to. */
  root: string;
  /** html_sources.max_bytes: all embedded files together. */
  maxBytes: number;
  redact: Redactor;
}

/** A file's bytes when it may be read: below the root (after resolving links), regular, UTF-8 text. */
function readBelow(realRoot: string, rel: string, limit: number): { text: string } | { size: number } | { problem: string } {
  if (path.isAbsolute(rel) || rel.split(/[\\/]/).some((s) => s === '..' || s === '')) return { problem: 'not a plain path below the project directory' };
  let real: string;
  try {
    real = realpathSync(path.join(realRoot, rel));
  } catch (err) {
    return { problem: (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no longer exists' : `cannot be resolved (${(err as NodeJS.ErrnoException).code ?? 'error'})` };
  }
  if (real !== realRoot && !real.startsWith(realRoot + path.sep)) return { problem: 'is a link leading outside the project directory' };
  const got = withRegularFile(real, (fd, size) => {
    if (size > limit) return { size };
    const buf = Buffer.alloc(size);
    let at = 0;
    while (at < buf.length) {
      const n = readSync(fd, buf, at, buf.length - at, at);
      if (n === 0) break;
      at += n;
    }
    const bytes = buf.subarray(0, at);
    if (bytes.includes(0)) return { problem: 'is not text (NUL bytes)' };
    try {
      return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
    } catch {
      return { problem: 'is not UTF-8 text' };
    }
  });
  return 'value' in got ? got.value : got;
}

/**
 * The report with its covered sources (redacted) and each file's whole-run line coverage, for
 * renderHtml, plus the warnings about files left out. Never throws for a file: each problem is a warning.
 */
export function withSources(report: Report, coverage: readonly CoverageLine[], opts: SourceOptions): { report: RenderReport; warnings: Warning[] } {
  const warnings: Warning[] = [];
  const files = coveredFiles(report);
  let realRoot: string;
  try {
    realRoot = realpathSync(opts.root);
  } catch (err) {
    return { report, warnings: files.length ? [warning('LLMR_HTML_SOURCE_SKIPPED', `no sources embedded: the project directory cannot be read (${(err as Error).message})`)] : [] };
  }
  const texts = new Map<string, string>();
  const sizes = new Map<string, number>();
  const skipped: string[] = [];
  for (const f of files) {
    const got = readBelow(realRoot, f, opts.maxBytes);
    if ('problem' in got) skipped.push(`${f} ${got.problem}`);
    else if ('size' in got) sizes.set(f, got.size);
    else {
      texts.set(f, got.text);
      sizes.set(f, Buffer.byteLength(got.text));
    }
  }
  // One warning for all of them: rendered away from its project, every file is missing.
  if (skipped.length) {
    const shown = skipped.slice(0, 5).join('; ') + (skipped.length > 5 ? `; and ${skipped.length - 5} more` : '');
    warnings.push(warning('LLMR_HTML_SOURCE_SKIPPED', `${skipped.length} of ${files.length} covered source files not embedded (their tests show line ranges only): ${shown}`));
  }
  const pick = pickSources(sizes, testsPerFile(report), opts.maxBytes);
  if (pick.dropped.length) {
    const shown = pick.dropped.slice(0, 5).join(', ') + (pick.dropped.length > 5 ? `, and ${pick.dropped.length - 5} more` : '');
    warnings.push(warning('LLMR_HTML_SOURCES_CAPPED', `the covered sources exceed html_sources.max_bytes (${opts.maxBytes} bytes): ${pick.keep.length} of ${sizes.size} files embedded, ${pick.dropped.length} left out (${pick.droppedBytes} bytes): ${shown}`));
  }
  const sources: Record<string, string> = {};
  for (const f of pick.keep) {
    const text = texts.get(f);
    if (text !== undefined) sources[f] = opts.redact(text);
  }
  const lines: NonNullable<RenderReport['source_lines']> = {};
  for (const c of coverage) if (sources[c.file] !== undefined) lines[c.file] = { c: c.lines.covered, n: c.lines.total };
  const out: RenderReport = { ...report, sources };
  if (Object.keys(lines).length) out.source_lines = lines;
  return { report: out, warnings };
}
