// Option parsing for every `llm-report` command: node:util parseArgs in strict mode, with its errors
// turned into this CLI's usage errors ("llm-report <command>: <what is wrong>", the command's help,
// exit status 2) that name the bad option and, for a likely typo, the option that was meant.
import { parseArgs } from 'node:util';
import { closest } from '../config/suggest.js';
import type { CommandIO } from './io.js';

export interface CliOption {
  type: 'string' | 'boolean';
  short?: string;
  /** Collect every occurrence in an array; without it the last occurrence wins. */
  multiple?: boolean;
  /** What a string option's value is, for the error when it is missing: "a directory" gives "--out needs a directory". */
  needs?: string;
}

export type CliOptions = Record<string, CliOption>;

type ValueOf<C extends CliOption> = C['type'] extends 'string' ? string : boolean;
export type CliValues<O extends CliOptions> = { [K in keyof O]?: O[K]['multiple'] extends true ? Array<ValueOf<O[K]>> : ValueOf<O[K]> };

export interface CommandSpec<O extends CliOptions> {
  /** The command's name, as in "llm-report <command>". */
  command: string;
  /** The command's help text: printed for --help / -h, and after every usage error. */
  help: string;
  options: O;
  /** The most positional arguments the command takes (default: any number). */
  maxPositionals?: number;
  /** Appended to the "unexpected argument" error, e.g. where such arguments belong instead. */
  positionalHint?: string;
  /** Everything after the first `--` is returned unparsed in `rest` (arguments for another program). */
  passthrough?: boolean;
}

export interface CommandArgs<O extends CliOptions> {
  values: CliValues<O>;
  positionals: string[];
  /** The arguments after `--` (passthrough commands only; otherwise they are positionals). */
  rest: string[];
}

/** A command line the command cannot run with; the message names the command's argument that is wrong. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** What parseArgs itself takes of an option. */
interface ParseArgsOptionConfig {
  type: 'string' | 'boolean';
  short?: string;
  multiple?: boolean;
}

const HELP: ParseArgsOptionConfig = { type: 'boolean', short: 'h' };

function parserOptions(options: CliOptions): Record<string, ParseArgsOptionConfig> {
  const out: Record<string, ParseArgsOptionConfig> = {};
  for (const [name, o] of Object.entries(options)) {
    out[name] = { type: o.type };
    if (o.short !== undefined) out[name].short = o.short;
    if (o.multiple !== undefined) out[name].multiple = o.multiple;
  }
  out.help = HELP;
  return out;
}

/**
 * Why strict parseArgs rejected `args`, in this CLI's words: found by walking the same arguments
 * parsed leniently (which never throws), in order, like the strict parser does.
 */
function explain(args: readonly string[], options: CliOptions, parser: Record<string, ParseArgsOptionConfig>, fallback: string): string {
  const { tokens } = parseArgs({ args: [...args], options: parser, strict: false, allowPositionals: true, tokens: true });
  for (const t of tokens) {
    if (t.kind !== 'option') continue;
    const spec: CliOption | undefined = !Object.hasOwn(parser, t.name) ? undefined : t.name === 'help' ? { type: 'boolean' } : options[t.name];
    if (!spec) {
      // "-out" is parsed as the short options -o -u -t: name the whole argument, not "-o".
      const shown = t.rawName.startsWith('--') ? t.rawName : (args[t.index] ?? t.rawName);
      const near = closest(shown.replace(/^-+/, '').replace(/=.*$/s, ''), [...Object.keys(options), 'help']);
      return `unknown option ${shown}${near ? ` (did you mean --${near}?)` : ''}`;
    }
    if (spec.type === 'boolean' && t.value !== undefined) return `${t.rawName} takes no value`;
    if (spec.type === 'string') {
      const needs = `${t.rawName} needs ${spec.needs ?? 'a value'}`;
      if (t.value === undefined) return needs;
      if (!t.inlineValue && t.value.length > 1 && t.value.startsWith('-')) return `${needs} (got the option-like ${t.value}; a value starting with "-" is written ${t.rawName.startsWith('--') ? t.rawName : `--${t.name}`}=${t.value})`;
    }
  }
  return fallback;
}

/**
 * Parses a command's arguments. Returns "help" when --help or -h is among the options (before any
 * `--`); throws UsageError for an unknown option, an option without its value (or with a value it does
 * not take) and more positional arguments than the command takes.
 */
export function parseCommandArgs<O extends CliOptions>(args: readonly string[], spec: CommandSpec<O>): CommandArgs<O> | 'help' {
  const parser = parserOptions(spec.options);
  // --help wins over any other problem on the line, as long as it is an option and not a value.
  const lenient = parseArgs({ args: [...args], options: parser, strict: false, allowPositionals: true, tokens: true });
  const terminator = lenient.tokens.find((t) => t.kind === 'option-terminator')?.index ?? Infinity;
  if (lenient.tokens.some((t) => t.kind === 'option' && t.name === 'help' && t.index < terminator)) return 'help';

  let parsed;
  try {
    parsed = parseArgs({ args: [...args], options: parser, strict: true, allowPositionals: true, tokens: true });
  } catch (err) {
    const e = err as Error & { code?: string };
    if (!e.code?.startsWith('ERR_PARSE_ARGS_')) throw err;
    throw new UsageError(explain(args, spec.options, parser, e.message));
  }
  const end = parsed.tokens.find((t) => t.kind === 'option-terminator')?.index ?? Infinity;
  const positionals: string[] = [];
  const rest: string[] = [];
  for (const t of parsed.tokens) {
    if (t.kind !== 'positional') continue;
    if (spec.passthrough && t.index > end) rest.push(t.value);
    else positionals.push(t.value);
  }
  if (spec.maxPositionals !== undefined && positionals.length > spec.maxPositionals) {
    throw new UsageError(`unexpected argument ${positionals[spec.maxPositionals]}${spec.positionalHint ? ` (${spec.positionalHint})` : ''}`);
  }
  const values = { ...parsed.values } as Record<string, unknown>;
  delete values.help;
  return { values: values as CliValues<O>, positionals, rest };
}

/** Prints a usage error the way every command does: named, followed by the command's help; exit status 2. */
export function usageError(io: CommandIO, spec: { command: string; help: string }, message: string): number {
  io.stderr(`llm-report ${spec.command}: ${message}\n\n${spec.help}\n`);
  return 2;
}

/**
 * The command-line edge of a command: its parsed arguments, or the exit status when there is nothing
 * to run (0 after printing the help, 2 after printing a usage error).
 */
export function commandArgs<O extends CliOptions>(args: readonly string[], io: CommandIO, spec: CommandSpec<O>): CommandArgs<O> | number {
  try {
    const parsed = parseCommandArgs(args, spec);
    if (parsed !== 'help') return parsed;
    io.stdout(spec.help + '\n');
    return 0;
  } catch (err) {
    if (err instanceof UsageError) return usageError(io, spec, err.message);
    throw err;
  }
}
