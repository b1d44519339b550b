// Content-addressed answer cache. The key is the sha256 of provider, host, model, prompt version and
// the exact messages (which hold the test source, the executed code and the failure), so any change to
// what would be sent is a different entry. One file per entry, written atomically (temp file + rename);
// each entry carries a checksum, so a torn or edited entry is detected, ignored and replaced.
import { lstatSync, lutimesSync, readdirSync, readFileSync, rmdirSync, unlinkSync } from 'node:fs';
import { createHash } from 'node:crypto';
import path from 'node:path';
import { canonicalJson } from '../report/canonical.js';
import { validateAnnotation } from '../generated/validate-annotation.js';
import type { LlmUsage } from '../types.js';
import type { Answer } from './answer.js';
import type { ChatMessage } from './prompt.js';
import { writeIn } from '../output/safe-fs.js';

export const CACHE_FORMAT = 1;

export interface CacheEntry {
  format: number;
  key: string;
  provider: string;
  host: string;
  model: string;
  prompt_version: string;
  prompt_sha256: string;
  answer: Answer;
  usage: LlmUsage;
  created_at: string;
  /** sha256 of the canonical JSON of every other field. */
  checksum: string;
}

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

export function cacheKey(k: { provider: string; host: string; model: string; prompt_version: string; messages: readonly ChatMessage[] }): string {
  return sha256(canonicalJson({ format: CACHE_FORMAT, provider: k.provider, host: k.host, model: k.model, prompt_version: k.prompt_version, messages: k.messages }));
}

export function entryChecksum(entry: Omit<CacheEntry, 'checksum'> & { checksum?: string }): string {
  const { checksum: _omit, ...rest } = entry;
  return sha256(canonicalJson(rest));
}

export type CacheRead = { hit: CacheEntry } | { miss: true } | { corrupt: string };

function isEntry(v: unknown): v is CacheEntry {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  const usage = e.usage as Record<string, unknown> | undefined;
  return (
    e.format === CACHE_FORMAT &&
    ['key', 'provider', 'host', 'model', 'prompt_version', 'prompt_sha256', 'created_at', 'checksum'].every((k) => typeof e[k] === 'string') &&
    typeof usage === 'object' && usage !== null && Number.isInteger(usage.input_tokens) && Number.isInteger(usage.output_tokens) &&
    validateAnnotation(e.answer)
  );
}

/** Why a file's text is not a good entry for `key`, or undefined when it is one. */
export function checkEntry(text: string, key: string | undefined): { entry: CacheEntry } | { problem: string } {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return { problem: 'not valid JSON' };
  }
  if (!isEntry(value)) return { problem: 'not a cache entry of this version' };
  if (key !== undefined && value.key !== key) return { problem: 'its key does not match its file name' };
  if (entryChecksum(value) !== value.checksum) return { problem: 'checksum mismatch' };
  return { entry: value };
}

export class AnnotationCache {
  constructor(readonly dir: string) {}

  fileOf(key: string): string {
    return path.join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  read(key: string): CacheRead {
    const file = this.fileOf(key);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { miss: true };
      return { corrupt: `cannot read ${file}: ${(err as Error).message}` };
    }
    const checked = checkEntry(text, key);
    if ('problem' in checked) return { corrupt: `${path.relative(this.dir, file)}: ${checked.problem}` };
    try {
      // Last use, for `cache prune`.
      const now = new Date();
      lutimesSync(file, now, now); // a link's own times, never its target's
    } catch {
      // a read-only cache still serves hits
    }
    return { hit: checked.entry };
  }

  /**
   * Writes atomically (temp file + rename, lib/output/safe-fs.ts: a link planted at the entry or its
   * shard directory is replaced, never followed); rejects on IO errors (the caller turns them into a warning).
   */
  // eslint-disable-next-line @typescript-eslint/require-await -- async for the callers; one small synchronous write
  async write(entry: Omit<CacheEntry, 'checksum' | 'format'>): Promise<CacheEntry> {
    const full = { format: CACHE_FORMAT, ...entry } as CacheEntry;
    full.checksum = entryChecksum(full);
    writeIn(this.dir, path.relative(this.dir, this.fileOf(entry.key)), JSON.stringify(full, null, 1) + '\n');
    return full;
  }
}

export interface PruneResult {
  kept: number;
  removed: number;
  corrupt: number;
  temp: number;
  bytes_freed: number;
}

/**
 * Removes entries not used for maxAgeDays (0: every entry), corrupt entries and stray temp files
 * (older than an hour: a running annotate may be writing one). Only files the cache itself names.
 */
export function pruneCache(dir: string, opts: { maxAgeDays: number; now?: number; dryRun?: boolean }): PruneResult {
  const now = opts.now ?? Date.now();
  const result: PruneResult = { kept: 0, removed: 0, corrupt: 0, temp: 0, bytes_freed: 0 };
  let shards: string[];
  try {
    shards = readdirSync(dir).filter((d) => /^[0-9a-f]{2}$/.test(d)).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return result;
    throw err;
  }
  const remove = (file: string, size: number): void => {
    result.bytes_freed += size;
    if (!opts.dryRun) unlinkSync(file);
  };
  for (const shard of shards) {
    const sdir = path.join(dir, shard);
    // Only real shard directories: a link in the place of one could lead pruning into another directory.
    if (!lstatSync(sdir).isDirectory()) continue;
    for (const name of readdirSync(sdir).sort()) {
      const file = path.join(sdir, name);
      const st = lstatSync(file);
      if (!st.isFile()) continue;
      if (/^[0-9a-f]{64}\.json\.tmp-/.test(name)) {
        if (now - st.mtimeMs > 3_600_000) {
          remove(file, st.size);
          result.temp++;
        }
        continue;
      }
      const m = /^([0-9a-f]{64})\.json$/.exec(name);
      if (!m) continue;
      const checked = checkEntry(readFileSync(file, 'utf8'), m[1]);
      if ('problem' in checked) {
        remove(file, st.size);
        result.corrupt++;
      } else if (opts.maxAgeDays === 0 || now - st.mtimeMs > opts.maxAgeDays * 86_400_000) {
        remove(file, st.size);
        result.removed++;
      } else result.kept++;
    }
    if (!opts.dryRun) {
      try {
        rmdirSync(sdir); // only when empty
      } catch {
        // not empty
      }
    }
  }
  return result;
}
