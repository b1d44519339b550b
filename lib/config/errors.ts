// ConfigError and the translation of schema validation errors into messages that name the
// file (or environment variable), the option path, what was expected and what was found.
import type { ValidationError } from '../generated/validators.js';
import { closest } from './suggest.js';
import { getPath, listOptions, nodeAt } from './schema.js';

export interface ConfigErrorWhere {
  file?: string;
  key?: string;
  suggestion?: string;
  line?: number;
  column?: number;
}

export class ConfigError extends Error {
  /** The config file (repo-relative) the problem is in; unset for environment variables. */
  readonly file?: string;
  /** Dotted option path, e.g. "redact.patterns[1]". */
  readonly key?: string;
  /** The closest known option path or env var name, for unknown names. */
  readonly suggestion?: string;
  readonly line?: number;
  readonly column?: number;

  constructor(message: string, where: ConfigErrorWhere = {}) {
    super(message);
    this.name = 'ConfigError';
    this.file = where.file;
    this.key = where.key;
    this.suggestion = where.suggestion;
    this.line = where.line;
    this.column = where.column;
  }
}

export interface Origin {
  /** Where the data came from, for `file` on the error. */
  file?: string;
  /** Message prefix for an option path: a file label, or the env var behind that option. */
  label: (optionPath: readonly string[]) => string;
}

const EXPECTED: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean (true or false)',
  array: 'a list',
  object: 'a mapping of option names to values',
};

export function showValue(v: unknown): string {
  if (v === null) return 'null';
  const kind = Array.isArray(v) ? 'list' : typeof v === 'object' ? 'mapping' : typeof v;
  // JSON.stringify gives undefined only for undefined, functions and symbols, which String() renders.
  // eslint-disable-next-line @typescript-eslint/no-base-to-string
  let json = JSON.stringify(v) ?? String(v);
  if (json.length > 60) json = json.slice(0, 57) + '...';
  return `${kind} ${json}`;
}

function pathOf(instancePath: string, data: unknown): { segs: string[]; display: string } {
  const segs = instancePath === '' ? [] : instancePath.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let display = '';
  segs.forEach((seg, i) => {
    const parent = getPath(data, segs.slice(0, i));
    display += Array.isArray(parent) ? `[${seg}]` : display === '' ? seg : `.${seg}`;
  });
  return { segs, display };
}

/** Only the object-key segments: the option (or group) an error belongs to. */
function optionPath(segs: string[], data: unknown): string[] {
  const out: string[] = [];
  for (let i = 0; i < segs.length; i++) {
    if (Array.isArray(getPath(data, segs.slice(0, i)))) break;
    out.push(segs[i] as string);
  }
  return out;
}

function unknownKey(parent: string[], name: string): { key: string; suggestion?: string; hint: string } {
  const key = [...parent, name].join('.');
  const siblings = Object.keys(nodeAt(parent)?.properties ?? {});
  const near = closest(name, siblings);
  if (near) return { key, suggestion: [...parent, near].join('.'), hint: '' };
  // Often the name is right but the nesting is wrong ("patterns" at the top level).
  const options = listOptions();
  const leaf = closest(name, options.map((o) => o.path[o.path.length - 1] as string));
  const elsewhere = leaf ? options.find((o) => o.path[o.path.length - 1] === leaf)?.key : undefined;
  if (elsewhere) return { key, suggestion: elsewhere, hint: '' };
  return { key, hint: siblings.length ? ` (known options here: ${siblings.join(', ')})` : '' };
}

/** One message per problem; the error carries the key/suggestion of the first. */
export function validationError(errors: readonly ValidationError[], data: unknown, origin: Origin): ConfigError {
  const seen = new Set<string>();
  const lines: string[] = [];
  let first: ConfigErrorWhere | undefined;
  for (const err of errors) {
    const { segs, display } = pathOf(err.instancePath, data);
    const extra = err.keyword === 'additionalProperties' ? String(err.params.additionalProperty) : '';
    const id = `${err.instancePath}\u0000${extra}`;
    // ajv may report several keywords for one value (type and enum): the first is enough.
    if (seen.has(id)) continue;
    seen.add(id);
    const opt = optionPath(segs, data);
    const value = getPath(data, segs);
    let where: ConfigErrorWhere;
    let text: string;
    if (err.keyword === 'additionalProperties') {
      const u = unknownKey(opt, extra);
      where = { key: u.key, suggestion: u.suggestion };
      text = `unknown option "${u.key}"` + (u.suggestion ? ` (did you mean "${u.suggestion}"?)` : u.hint);
      lines.push(`${origin.label([...opt, extra])}: ${text}`);
    } else {
      where = { key: display };
      const subject = display === '' ? 'the configuration' : `option "${display}"`;
      if (err.keyword === 'type') {
        text = `${subject} must be ${EXPECTED[String(err.params.type)] ?? String(err.params.type)}, got ${showValue(value)}`;
      } else if (err.keyword === 'enum') {
        const allowed = (err.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ');
        text = `${subject} must be one of ${allowed}, got ${showValue(value)}`;
      } else if (err.keyword === 'pattern') {
        // No value: a misplaced secret (an API key where its variable NAME belongs) must not be echoed.
        const description = nodeAt(opt)?.description;
        text = `${subject} must match ${String(err.params.pattern)}` + (description ? ` (${description})` : '');
      } else {
        text = `${subject} ${err.message ?? 'is invalid'}, got ${showValue(value)}`;
      }
      lines.push(`${origin.label(opt)}: ${text}`);
    }
    first ??= where;
  }
  return new ConfigError(lines.join('\n'), { file: origin.file, ...first });
}
