// Reads the option tree out of schemas/config.schema.json so that defaults, env names and
// "did you mean" candidates come from the one definition instead of being repeated in code.
import { configSchema as schemaJson } from '../generated/config-schema.js';
import type { Config } from './types.js';

export interface SchemaNode {
  type?: string;
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  enum?: unknown[];
  pattern?: string;
  default?: unknown;
  description?: string;
  'x-env'?: string;
}

export interface OptionSpec {
  /** Dotted path, e.g. "redact.patterns". */
  key: string;
  path: string[];
  env: string;
  type: string;
  default?: unknown;
  description: string;
  node: SchemaNode;
}

export const configSchema = schemaJson as SchemaNode;

export function isGroup(node: SchemaNode): boolean {
  return node.type === 'object' && node.properties !== undefined;
}

let cached: OptionSpec[] | undefined;

/** Every leaf option, in schema order. */
export function listOptions(): OptionSpec[] {
  if (cached) return cached;
  const out: OptionSpec[] = [];
  const walk = (node: SchemaNode, path: string[]): void => {
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      const p = [...path, name];
      if (isGroup(child)) {
        walk(child, p);
        continue;
      }
      const env = child['x-env'];
      // A schema without x-env would silently lose its env override; fail loudly at first use.
      if (!env) throw new Error(`schemas/config.schema.json: option "${p.join('.')}" has no x-env`);
      out.push({ key: p.join('.'), path: p, env, type: child.type ?? 'string', default: child.default, description: child.description ?? '', node: child });
    }
  };
  walk(configSchema, []);
  cached = out;
  return out;
}

/** The schema node at a dotted-path prefix (a group or an option), if any. */
export function nodeAt(path: readonly string[]): SchemaNode | undefined {
  let node: SchemaNode | undefined = configSchema;
  for (const seg of path) node = node?.properties?.[seg];
  return node;
}

/** A fresh object holding every default from the schema (options without one stay unset). */
export function configDefaults(): Config {
  const root: Record<string, unknown> = {};
  for (const opt of listOptions()) {
    if (opt.default === undefined) continue;
    setPath(root, opt.path, structuredClone(opt.default));
  }
  return root as unknown as Config;
}

export function setPath(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let obj = target;
  for (const seg of path.slice(0, -1)) {
    const next = obj[seg];
    if (typeof next !== 'object' || next === null || Array.isArray(next)) obj[seg] = {};
    obj = obj[seg] as Record<string, unknown>;
  }
  obj[path[path.length - 1] as string] = value;
}

export function getPath(source: unknown, path: readonly (string | number)[]): unknown {
  let v: unknown = source;
  for (const seg of path) {
    if (typeof v !== 'object' || v === null) return undefined;
    v = (v as Record<string, unknown>)[seg];
  }
  return v;
}
