// Output files. Written atomically (temp file + rename in the same directory), so a reader never sees
// half a report and a crash leaves the previous file or none.
import { mkdirSync, renameSync, writeFileSync, openSync, writeSync, closeSync, unlinkSync } from 'node:fs';
import path from 'node:path';
import { canonicalJson } from '../report/canonical.js';
import { toNdjsonLine } from '../report/ndjson.js';
import type { Line, Report } from '../types.js';

export function writeAtomic(file: string, content: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, content);
    renameSync(tmp, file);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // The temp file was never created; the original error is what matters.
    }
    throw err;
  }
}

/** report.json: canonical (sorted keys), pretty-printed for people who diff it, with a final newline. */
export function reportJson(report: Report): string {
  return JSON.stringify(JSON.parse(canonicalJson(report)), null, 2) + '\n';
}

export function writeRun(dir: string, report: Report, lines: Line[]): { report: string; results: string } {
  const results = path.join(dir, 'results.ndjson');
  const reportPath = path.join(dir, 'report.json');
  writeAtomic(results, lines.map(toNdjsonLine).join(''));
  writeAtomic(reportPath, reportJson(report));
  return { report: reportPath, results };
}

/** Append-only journal: one synchronous write per line, so a crash tears at most the last line. */
export class Journal {
  #fd: number | undefined;
  constructor(readonly file: string) {
    mkdirSync(path.dirname(file), { recursive: true });
    this.#fd = openSync(file, 'w');
  }
  append(line: Line): void {
    if (this.#fd !== undefined) writeSync(this.#fd, toNdjsonLine(line));
  }
  close(): void {
    if (this.#fd !== undefined) closeSync(this.#fd);
    this.#fd = undefined;
  }
}
