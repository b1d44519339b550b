// Whole-run coverage per file: the union of every interval of every test process (module loading,
// hooks and tests alike). Line coverage follows c8 exactly: every line of the trimmed source counts,
// and lines under ignore hints count as covered in files that were loaded. Functions and branches too:
// every process's raw profile merged at once, as c8 merges; the file is read back for its ignore hints,
// as c8 reads it when it reports. Compiled code is merged at the generated file's offsets and then
// mapped (lib/coverage/generated.ts), falling back to each process's mapped profile, with a warning.
import { readRegular } from '../read-regular.js';
import path from 'node:path';
import type { ChildJournal } from '../events/child-journal.js';
import { relPath } from '../paths.js';
import { countLines, toRanges, unionRanges, type LineRange } from './ranges.js';
import type { CoverageLine, ProfileFunction, Warning } from '../types.js';
import { warning } from '../warnings.js';
import { profileCounts, sortProfiles, toProfile } from './profile.js';
import { sourceLines } from './source-lines.js';
import { generatedCounts, sameBuild, type GeneratedProfile } from './generated.js';

interface Acc {
  covered: LineRange[];
  total: number;
  ignored: number[];
  /** Per process, its merged profile of the file. */
  profiles: ProfileFunction[][];
  /** Per process (same order), compiled code's profile at the generated file's offsets. */
  generated: Array<GeneratedProfile | undefined>;
  /** Per process that guessed block edges adding its intervals up: how many. */
  guessed: number[];
  abs: string;
}

export function coverageLines(
  journals: ChildJournal[],
  root: string,
  keep: (relFile: string) => boolean,
  read: (file: string) => string | undefined = readRegular,
): { coverage: CoverageLine[]; warnings: Warning[] } {
  const warnings: Warning[] = [];
  const guessed: Array<{ file: string; processes: number; of: number }> = [];
  const files = new Map<string, Acc>();
  const acc = (abs: string): Acc | undefined => {
    const rel = relPath(root, abs);
    if (path.isAbsolute(rel) || !keep(rel)) return undefined;
    let a = files.get(rel);
    if (!a) files.set(rel, (a = { covered: [], total: 0, ignored: [], profiles: [], generated: [], guessed: [], abs }));
    return a;
  };
  for (const j of journals) {
    for (const r of j.records) {
      if (r.k === 'cov') {
        for (const [abs, ranges] of Object.entries(r.files)) {
          const a = acc(abs);
          if (a) a.covered = unionRanges(a.covered, ranges);
        }
      } else if (r.k === 'src') {
        const a = acc(r.file);
        if (a) {
          a.total = Math.max(a.total, r.lines);
          a.ignored = r.ignored;
        }
      } else if (r.k === 'covsum') {
        const a = acc(r.file);
        if (a) {
          a.profiles.push(r.profile ?? toProfile(r.functions ?? []));
          if (r.guessed) a.guessed.push(r.guessed);
          a.generated.push(r.gen && { file: r.gen.file, digest: r.gen.digest, functions: r.gen.profile ?? toProfile(r.gen.functions ?? []), ...(r.gen.memory ? { memory: true as const } : {}) });
        }
      }
    }
  }
  const coverage = [...files.entries()]
    .filter(([, a]) => a.total > 0)
    .sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0))
    .map(([file, a]) => {
      const covered = unionRanges(a.covered, toRanges(a.ignored)).filter(([s]) => s <= a.total).map(([s, e]): LineRange => [s, Math.min(e, a.total)]);
      // A process killed before its exit record has no profile: its lines count, its functions cannot.
      // (profileCounts merges fresh copies: the merge mutates its inputs.)
      const profiles = a.profiles;
      const text = a.profiles.length > 0 ? read(a.abs) : undefined;
      const source = text === undefined ? undefined : { text, lines: sourceLines(text) };
      const lines = source?.lines;
      const compiled = a.generated.some((g) => g !== undefined);
      let counts = profileCounts(profiles, lines, compiled);
      let generated: CoverageLine['generated'];
      if (compiled) {
        const build = sameBuild(a.generated);
        const exact = typeof build === 'string' ? build : generatedCounts(a.abs, build, read, source);
        if (typeof exact === 'string') warnings.push(warning('LLMR_BRANCHES_APPROXIMATE', `${file}: ${exact}`, { file }));
        else counts = exact;
        const rel = typeof build === 'string' ? '' : relPath(root, build.file);
        // Kept so that aggregate can merge runs in generated space too (when the build is inside the project).
        if (typeof build !== 'string' && !path.isAbsolute(rel)) generated = { file: rel, digest: build.digest, profiles: sortProfiles(build.profiles, true) };
      }
      if (a.guessed.length > 0) guessed.push({ file, processes: a.guessed.length, of: a.profiles.length });
      const line: CoverageLine = { type: 'coverage', file, lines: { covered, total: a.total }, ...counts };
      // Kept so that aggregate can merge runs' processes the same way (exact function and branch totals).
      if (profiles.length > 0) line.profiles = sortProfiles(profiles, true);
      if (generated) line.generated = generated;
      return line;
    });
  if (guessed.length > 0) {
    // One warning, not one per file: most guesses are right (checked against c8 on real suites), so the
    // list says where a difference can be, and the mode that has none.
    const list = guessed.map((g) => `${g.file} (${g.processes} of ${g.of} process${g.of === 1 ? '' : 'es'})`).join(', ');
    warnings.push(warning('LLMR_BRANCHES_RECONSTRUCTED', `branch totals of ${guessed.length} file${guessed.length === 1 ? '' : 's'} may differ from c8's by a few: adding per-test intervals up met block edges no interval showed in ${list}; coverage.mode: file counts exactly`));
  }
  return { coverage, warnings };
}

export interface Ratio {
  covered: number;
  total: number;
  percent: number;
}

export function ratio(covered: number, total: number): Ratio {
  // Floored to 2 decimals, as istanbul (and so c8) prints it: 92.857 is 92.85, never rounded up to a pass.
  return { covered, total, percent: total === 0 ? 100 : Math.floor((covered / total) * 10000) / 100 };
}

export function lineRatio(c: CoverageLine): Ratio {
  return ratio(countLines(c.lines.covered), c.lines.total);
}
