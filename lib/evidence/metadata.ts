// The user's metadata file (option metadata_file), copied into report.json under custom_metadata.
// Validated so that what lands in the evidence is plain data a reader can trust to render.
import { InputError, formatOf, isMap, parseYamlDoc } from './source.js';

export const MAX_METADATA_BYTES = 64 * 1024;
const KEY = /^[A-Za-z_][A-Za-z0-9_.-]{0,63}$/;
const MAX_DEPTH = 8;

function check(value: unknown, where: string, depth: number, file: string): void {
  if (depth > MAX_DEPTH) throw new InputError(`${where}: nested deeper than ${MAX_DEPTH} levels`, file);
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new InputError(`${where}: numbers must be finite`, file);
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => check(v, `${where}[${i}]`, depth + 1, file));
    return;
  }
  if (typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) {
      if (!KEY.test(k)) throw new InputError(`${where}: key ${JSON.stringify(k)} is not an identifier (letters, digits, _ . -; at most 64)`, file);
      check(v, `${where}.${k}`, depth + 1, file);
    }
    return;
  }
  // Dates, binary, sets: YAML types JSON cannot carry unchanged.
  throw new InputError(`${where}: only strings, numbers, booleans, null, lists and mappings are allowed`, file);
}

/** Every string inside, passed through `redact`. */
function redactDeep(value: unknown, redact: (s: string) => string): unknown {
  if (typeof value === 'string') return redact(value);
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, redact));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, redact)]));
  return value;
}

export function parseMetadata(text: string, file: string, redact: (s: string) => string): Record<string, unknown> {
  formatOf(file, ['.yaml', '.yml', '.json']);
  if (Buffer.byteLength(text) > MAX_METADATA_BYTES) throw new InputError(`larger than ${MAX_METADATA_BYTES / 1024} KiB: keep documents elsewhere and put their references (ids, hashes) here`, file);
  const { doc, lineOf } = parseYamlDoc(text, file);
  if (doc.contents === null) return {};
  if (!isMap(doc.contents)) throw new InputError('the top level must be a mapping (key: value)', file, lineOf(doc.contents));
  let value: unknown;
  try {
    // A YAML date stays a string here (no custom tags), so the check below sees plain data.
    value = doc.toJS({ maxAliasCount: 100 });
  } catch (err) {
    throw new InputError((err as Error).message, file);
  }
  check(value, 'custom_metadata', 0, file);
  return redactDeep(value, redact) as Record<string, unknown>;
}
