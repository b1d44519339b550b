// Per-process V8 function coverage as coverage lines carry it (schemas/line.schema.json#/$defs/coverage,
// `profiles`): compact [start, end, count] ranges in a fixed order, so equal inputs give equal bytes.
// Kept per process, counts included: c8's merge (lib/coverage/merge.ts) joins adjacent ranges with equal
// counts, so merging already-merged profiles, or hit flags, can give other branch totals. Merging every
// process's profile at once gives the same totals in any order: what makes shards add up exactly.
import type { ProfileFunction } from '../types.js';
import { functionBranchCounts, mergeFunctions } from './merge.js';
import type { V8Function } from './v8-lines.js';
import type { SourceLines } from './source-lines.js';

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Keys in canonical order (block, name, ranges): printed as they are, with no sorted copy (lib/report/canonical.ts). */
export function toProfile(functions: readonly V8Function[]): ProfileFunction[] {
  return functions
    .map((fn): ProfileFunction => ({ block: fn.isBlockCoverage, name: fn.functionName, ranges: fn.ranges.map((r): [number, number, number] => [r.startOffset, r.endOffset, r.count]) }))
    .sort(compareFunctions);
}

/** Fresh objects every time: the merge mutates what it is given. */
export function fromProfile(profile: readonly ProfileFunction[]): V8Function[] {
  return profile.map((fn) => ({ functionName: fn.name, isBlockCoverage: fn.block, ranges: fn.ranges.map(([startOffset, endOffset, count]) => ({ startOffset, endOffset, count })) }));
}

/**
 * Processes in a fixed order (by content): the journals' order depends on scheduling. The order is that
 * of their JSON with each function's members as they are; `byName`: as the fold always ordered them,
 * by the JSON of {name, block, ranges} whatever order the members are in.
 */
export function sortProfiles(profiles: ProfileFunction[][], byName = false): ProfileFunction[][] {
  return profiles
    .map((p) => ({ p, key: byName ? nameFirstJson(p) : JSON.stringify(p) }))
    .sort((a, b) => compareText(a.key, b.key))
    .map((x) => x.p);
}

/** JSON.stringify of the profile with each function's members in the order name, block, ranges. */
function nameFirstJson(profile: readonly ProfileFunction[]): string {
  const fns = profile.map((f) =>
    typeof f.name === 'string' && typeof f.block === 'boolean' ? `{"name":${JSON.stringify(f.name)},"block":${f.block},"ranges":${JSON.stringify(f.ranges)}}` : JSON.stringify({ name: f.name, block: f.block, ranges: f.ranges }),
  );
  return `[${fns.join(',')}]`;
}

/**
 * c8's function and branch totals over every process's profile, merged at once; `lines`, the file's
 * source, applies its ignore hints as c8 does (without it, hinted functions and branches count as code).
 * `mapped`: the profiles are compiled code's, each normalized and then mapped to the original.
 */
export interface Counts {
  functions: { covered: number; total: number };
  branches: { covered: number; total: number };
}

export function profileCounts(profiles: readonly ProfileFunction[][], lines?: SourceLines, mapped = false): Counts {
  // A mapped profile (compiled code's fallback) was normalized before its map moved it, as c8 does for one
  // process; normalizing it again at the original's offsets would join ranges c8 keeps apart.
  return counts(mapped && profiles.length === 1 ? fromProfile(profiles[0]!) : mergeFunctions(profiles.map(fromProfile)), lines);
}

/** c8's function and branch totals of one merged profile (functionBranchCounts), as coverage lines hold them. */
export function counts(functions: V8Function[], lines?: SourceLines): Counts {
  const c = functionBranchCounts(functions, lines);
  return { functions: { covered: c.functions[0], total: c.functions[1] }, branches: { covered: c.branches[0], total: c.branches[1] } };
}

/** By the function's own range (outer first), then name: the order @bcoe/v8-coverage normalizes to. */
function compareFunctions(a: ProfileFunction, b: ProfileFunction): number {
  const [as, ae] = a.ranges[0]!;
  const [bs, be] = b.ranges[0]!;
  return as - bs || be - ae || compareText(a.name, b.name) || Number(a.block) - Number(b.block);
}
