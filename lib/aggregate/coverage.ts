// Whole-run coverage across runs, per file. Lines: the union of the covered lines (a line run by any
// shard was run); totals count every line of the file, so they agree between runs of the same source.
// Functions and branches: every process's V8 profile of every run (coverage `profiles`), merged at once
// as one run merges its processes and counted the same way, so shards add up to what one unsharded run
// reports (lib/coverage/profile.ts says why merged profiles would not). A run without profiles (schema
// 1.0.0, or no process exited normally) leaves only counts: then the largest is kept, a lower bound, and
// the file is named so nobody takes it for exact.
import path from 'node:path';
import { profileCounts, sortProfiles } from '../coverage/profile.js';
import { sourceLines } from '../coverage/source-lines.js';
import { generatedCounts, sameBuild } from '../coverage/generated.js';
import { compareText } from './text.js';
import type { CoverageLine, LineRange } from '../types.js';

function unionRanges(sets: ReadonlyArray<readonly LineRange[]>): LineRange[] {
  const all = sets.flatMap((s) => s.map(([a, b]) => [a, b] as LineRange)).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out: LineRange[] = [];
  for (const [a, b] of all) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

const maxOf = (list: ReadonlyArray<{ covered: number; total: number }>): { covered: number; total: number } => ({
  covered: Math.max(...list.map((x) => x.covered)),
  total: Math.max(...list.map((x) => x.total)),
});

export interface UnionResult {
  coverage: CoverageLine[];
  /** Files whose function and branch totals are a lower bound (some run had counts, no profile). */
  inexact: string[];
  /** Compiled files whose profiles could not be merged in generated space, with why (LLMR_BRANCHES_APPROXIMATE). */
  approximate: Array<{ file: string; why: string }>;
}

/**
 * The one place coverage of several runs is combined. `read` gives a source file's text (by its
 * repo-relative path), for its coverage ignore hints, as the runs counted them.
 */
export function unionCoverage(perRun: ReadonlyArray<readonly CoverageLine[]>, read: (file: string) => string | undefined = () => undefined, root?: string): UnionResult {
  const byFile = new Map<string, CoverageLine[]>();
  for (const lines of perRun) {
    for (const c of lines) {
      const list = byFile.get(c.file) ?? [];
      list.push(c);
      byFile.set(c.file, list);
    }
  }
  const inexact: string[] = [];
  const approximate: UnionResult['approximate'] = [];
  const coverage = [...byFile.keys()].sort(compareText).map((file): CoverageLine => {
    const list = byFile.get(file)!;
    const line: CoverageLine = {
      type: 'coverage',
      file,
      lines: { covered: unionRanges(list.map((c) => c.lines.covered)), total: Math.max(...list.map((c) => c.lines.total)) },
      functions: maxOf(list.map((c) => c.functions)),
      branches: maxOf(list.map((c) => c.branches)),
    };
    if (list.every((c) => c.profiles)) {
      // Every process of every run, merged at once: the same set one unsharded run merges.
      const profiles = sortProfiles(list.flatMap((c) => c.profiles!));
      const text = read(file);
      const source = text === undefined ? undefined : { text, lines: sourceLines(text) };
      const lines = source?.lines;
      const gens = list.map((c) => c.generated);
      const compiled = gens.some((g) => g);
      Object.assign(line, profileCounts(profiles, lines, compiled));
      line.profiles = profiles;
      if (compiled) {
        // Compiled code: merged at the generated file's offsets, then mapped (what each run did); every
        // run's processes must have run one build, as within a run.
        const build = sameBuild(gens.flatMap((g) => (g ? g.profiles.map((functions) => ({ file: g.file, digest: g.digest, functions })) : [undefined])));
        if (typeof build === 'string') approximate.push({ file, why: build });
        else if (root === undefined) approximate.push({ file, why: 'no checkout to read its compiled file from' });
        else {
          const merged = { ...build, profiles: sortProfiles(build.profiles) };
          const exact = generatedCounts(path.resolve(root, file), { ...merged, file: path.resolve(root, merged.file) }, (f) => read(path.relative(root, f)), source);
          if (typeof exact === 'string') approximate.push({ file, why: exact });
          else {
            Object.assign(line, exact);
            line.generated = merged;
          }
        }
      }
    } else if (list.length > 1) inexact.push(file);
    return line;
  });
  return { coverage, inexact, approximate };
}
