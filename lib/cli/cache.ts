// `llm-report cache prune`: removes LLM cache entries not used for a while, corrupt entries and stray
// temp files from the cache directory (llm.cache.dir). Never touches files the cache did not name.
import path from 'node:path';
import { loadConfig, ConfigError } from '../config/index.js';
import { pruneCache } from '../llm/cache.js';
import { commandArgs, usageError } from './args.js';
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
  const usage = (msg: string): number => usageError(io, { command: 'cache', help: CACHE_HELP }, msg);
  if (sub !== 'prune') return usage(`unknown subcommand "${sub}"`);
  const parsed = commandArgs(rest, io, {
    command: 'cache',
    help: CACHE_HELP,
    options: {
      dir: { type: 'string', needs: 'a directory' },
      'max-age-days': { type: 'string', needs: 'a whole number' },
      all: { type: 'boolean' },
      'dry-run': { type: 'boolean' },
    },
    maxPositionals: 0,
  });
  if (typeof parsed === 'number') return parsed;
  const { dir, 'max-age-days': maxAgeArg } = parsed.values;
  const all = parsed.values.all === true;
  const dryRun = parsed.values['dry-run'] === true;
  if (dir === '') return usage('--dir needs a directory');
  if (maxAgeArg !== undefined && !/^\d+$/.test(maxAgeArg)) return usage(`--max-age-days needs a whole number, got ${JSON.stringify(maxAgeArg)}`);
  const maxAge = maxAgeArg === undefined ? undefined : Number(maxAgeArg);
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
