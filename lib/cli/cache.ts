// `llm-report cache prune`: removes LLM cache entries not used for a while, corrupt entries and stray
// temp files from the cache directory (llm.cache.dir). Never touches files the cache did not name.
import path from 'node:path';
import { loadConfig, ConfigError } from '../config/index.js';
import { pruneCache } from '../llm/cache.js';
import type { CommandIO } from './io.js';

export const CACHE_HELP = `Usage: llm-report cache prune [--dir DIR] [--max-age-days N | --all] [--dry-run]

Prunes the LLM answer cache (llm.cache.dir, default .llm-report-cache): entries not used for
llm.cache.max_age_days (default 30; a cache hit counts as a use), entries that fail their checksum,
and temp files left by an interrupted write. --all removes every entry. --dry-run only counts.

Exit status: 0 on success; 2 on usage errors or an unreadable cache directory.`;

export function cacheCommand(args: string[], io: CommandIO): number {
  const [sub, ...rest] = args;
  if (!sub || sub === '--help' || sub === '-h') {
    io.stdout(CACHE_HELP + '\n');
    return sub ? 0 : 2;
  }
  const usage = (msg: string): number => {
    io.stderr(`llm-report cache: ${msg}\n\n${CACHE_HELP}\n`);
    return 2;
  };
  if (sub !== 'prune') return usage(`unknown subcommand "${sub}"`);
  let dir: string | undefined;
  let maxAge: number | undefined;
  let all = false;
  let dryRun = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i]!;
    if (a === '--help' || a === '-h') {
      io.stdout(CACHE_HELP + '\n');
      return 0;
    }
    if (a === '--all') all = true;
    else if (a === '--dry-run') dryRun = true;
    else if (a === '--dir' || a.startsWith('--dir=')) {
      dir = a.includes('=') ? a.slice(a.indexOf('=') + 1) : rest[++i];
      if (!dir) return usage('--dir needs a directory');
    } else if (a === '--max-age-days' || a.startsWith('--max-age-days=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : rest[++i];
      if (!v || !/^\d+$/.test(v)) return usage(`--max-age-days needs a whole number, got ${JSON.stringify(v ?? '')}`);
      maxAge = Number(v);
    } else return usage(`unknown option ${a}`);
  }
  let config;
  try {
    config = loadConfig({ cwd: io.cwd }).config;
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr(`llm-report cache: ${err.message}\n`);
      return 2;
    }
    throw err;
  }
  const target = path.resolve(io.cwd, dir ?? config.llm.cache.dir);
  let r;
  try {
    r = pruneCache(target, { maxAgeDays: all ? 0 : (maxAge ?? config.llm.cache.max_age_days), dryRun });
  } catch (err) {
    io.stderr(`llm-report cache: cannot prune ${target}: ${(err as Error).message}\n`);
    return 2;
  }
  const verb = dryRun ? 'would remove' : 'removed';
  io.stdout(`llm-report cache: ${verb} ${r.removed} unused, ${r.corrupt} corrupt and ${r.temp} temp file(s) (${r.bytes_freed} bytes); ${r.kept} kept in ${path.relative(io.cwd, target) || '.'}\n`);
  return 0;
}
