// Finds and parses the one configuration file in the working directory.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { ConfigError } from './errors.js';
import { jsonErrorOffset } from './json-locate.js';

/** Looked up in this order in the working directory (only there: no walking up). */
export const CONFIG_FILES = ['llm-report.config.yaml', 'llm-report.config.yml', 'llm-report.config.json'] as const;
export const PACKAGE_JSON_KEY = 'llmReport';

export interface FileConfig {
  /** Repo-relative path of the file. */
  file: string;
  /** How messages name it, e.g. "package.json#llmReport". */
  label: string;
  data: unknown;
}

interface Location {
  line: number;
  column: number;
}

function read(abs: string, file: string): string {
  try {
    return readFileSync(abs, 'utf8').replace(/^\uFEFF/, '');
  } catch (err) {
    throw new ConfigError(`${file}: cannot read the configuration file (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { file });
  }
}

function yamlLocation(text: string): { loc?: Location; reason: string } | undefined {
  const doc = parseDocument(text, { prettyErrors: true });
  const err = doc.errors[0];
  if (!err) return undefined;
  const pos = err.linePos?.[0];
  const reason = (err.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
  return { loc: pos ? { line: pos.line, column: pos.col } : undefined, reason };
}

function located(file: string, kind: string, reason: string, loc: Location | undefined): ConfigError {
  const at = loc ? `${file}:${loc.line}:${loc.column}` : file;
  return new ConfigError(`${at}: ${kind} syntax error: ${reason}`, { file, ...loc });
}

function parseYaml(text: string, file: string): unknown {
  const bad = yamlLocation(text);
  if (bad) throw located(file, 'YAML', bad.reason, bad.loc);
  try {
    return parseDocument(text).toJS({ maxAliasCount: 100 }) ?? {};
  } catch (err) {
    throw new ConfigError(`${file}: ${(err as Error).message}`, { file });
  }
}

function lineColumnAt(text: string, offset: number): Location {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before[before.length - 1]?.length ?? 0) + 1 };
}

function parseJson(text: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    const offset = jsonErrorOffset(text);
    // Node's wording varies by version; keep its reason, drop its (optional) position.
    const reason = (err as Error).message.replace(/ in JSON at position \d+.*$/s, '');
    throw located(file, 'JSON', reason, offset === undefined ? undefined : lineColumnAt(text, offset));
  }
}

function packageJsonConfig(cwd: string, hasOther: boolean): FileConfig | undefined {
  const abs = path.join(cwd, 'package.json');
  if (!existsSync(abs)) return undefined;
  const text = read(abs, 'package.json');
  let pkg: unknown;
  try {
    pkg = JSON.parse(text);
  } catch {
    // A broken package.json is not ours to judge unless it (probably) holds our key.
    if (hasOther || !text.includes(`"${PACKAGE_JSON_KEY}"`)) return undefined;
    return { file: 'package.json', label: 'package.json', data: parseJson(text, 'package.json') };
  }
  if (typeof pkg !== 'object' || pkg === null || !Object.hasOwn(pkg, PACKAGE_JSON_KEY)) return undefined;
  return { file: 'package.json', label: `package.json#${PACKAGE_JSON_KEY}`, data: (pkg as Record<string, unknown>)[PACKAGE_JSON_KEY] };
}

/** The configuration file in `cwd`, or undefined. Two at once is an error: which one wins would be a guess. */
export function readConfigFile(cwd: string): FileConfig | undefined {
  const present = CONFIG_FILES.filter((f) => existsSync(path.join(cwd, f)));
  const pkg = packageJsonConfig(cwd, present.length > 0);
  const all: string[] = [...present, ...(pkg ? [pkg.label] : [])];
  if (all.length > 1) {
    throw new ConfigError(
      `more than one llm-report configuration in ${cwd}: ${all.join(' and ')}; keep exactly one ` +
        `(looked up in this order: ${[...CONFIG_FILES, `package.json#${PACKAGE_JSON_KEY}`].join(', ')})`,
      { file: present[0] },
    );
  }
  const file = present[0];
  if (file === undefined) return pkg;
  const text = read(path.join(cwd, file), file);
  const data = file.endsWith('.json') ? parseJson(text, file) : parseYaml(text, file);
  return { file, label: file, data };
}
