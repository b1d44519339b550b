// Function and branch totals of compiled code in c8's order: every process's raw profile of the
// GENERATED file merged at once (and normalized), then each range mapped to the original through the
// source map (v8-to-istanbul), then counted. Mapping each process's profile first and merging the
// mapped profiles gives other totals where ranges of several processes fuse or meet. The generated file
// and its map are read back (the profiles carry a digest of the text the offsets belong to); when that
// fails the caller falls back to the mapped profiles and names the file (LLMR_BRANCHES_APPROXIMATE).
import path from 'node:path';
import type { ProfileFunction } from '../types.js';
import { mergeFunctions } from './merge.js';
import { counts, fromProfile, type Counts } from './profile.js';
import { loadRangeMap, textDigest } from './source-map.js';
import type { SourceLines } from './source-lines.js';
import { toOriginalProfile } from './v8-lines.js';

/** One process's profile of a generated file, at its own offsets. */
export interface GeneratedProfile {
  /** Absolute path of the generated file. */
  file: string;
  /** textDigest of the text V8 ran. */
  digest: string;
  functions: ProfileFunction[];
  /** Compiled in memory by a loader: there is no file to read back. */
  memory?: true;
}

/** Each process's generated profile of one original file, when every process ran the same generated text. */
export function sameBuild(list: ReadonlyArray<GeneratedProfile | undefined>): { file: string; digest: string; profiles: ProfileFunction[][] } | string {
  const first = list[0];
  if (!first) return 'a test process did not record the compiled file it ran';
  for (const g of list) {
    if (!g) return 'a test process did not record the compiled file it ran';
    if (g.memory) return 'a loader (tsx, ts-node) compiled it in memory: there is no compiled file to merge in';
    if (g.file !== first.file || g.digest !== first.digest) return `test processes ran different builds of it (${path.basename(first.file)}, ${path.basename(g.file)})`;
  }
  return { file: first.file, digest: first.digest, profiles: list.map((g) => g!.functions) };
}

/**
 * c8's counts for `original` (absolute) from the processes' profiles of its generated file, or why they
 * cannot be had. `read` reads a file (absolute path) or gives undefined; `source`: the original's text as
 * the caller read it (not read again for a map without sourcesContent) and its lines, for ignore hints.
 */
export function generatedCounts(
  original: string,
  gen: { file: string; digest: string; profiles: readonly ProfileFunction[][] },
  read: (file: string) => string | undefined,
  source?: { text: string; lines: SourceLines },
): Counts | string {
  const name = path.basename(gen.file);
  const text = read(gen.file);
  if (text === undefined) return `its compiled file ${name} is not readable`;
  if (textDigest(text) !== gen.digest) return `its compiled file ${name} changed since the run`;
  let map;
  try {
    map = loadRangeMap(gen.file, text, (f) => (source && f === original ? source.text : read(f)));
  } catch (err) {
    return `the source map of ${name} is unusable (${(err as Error).message})`;
  }
  const index = map?.sources.findIndex((s) => s.file === original) ?? -1;
  if (!map || index < 0) return `the source map of ${name} no longer names it`;
  if (!map.sources[index]!.lines) return `its source, named by the map of ${name}, is not readable`;
  return counts(toOriginalProfile(map, index, mergeFunctions(gen.profiles.map(fromProfile))), source?.lines);
}
