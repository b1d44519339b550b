// Reading the user's evidence inputs (mapping, catalogue, metadata): YAML or JSON (JSON is read as
// YAML 1.2, so both get line numbers) and CSV. Every problem is an InputError naming file and line.
import { LineCounter, parseDocument, isMap, isScalar, isSeq, type Document, type Node } from 'yaml';
import { jsonErrorOffset } from '../config/json-locate.js';

export class InputError extends Error {
  constructor(
    message: string,
    readonly file: string,
    readonly line?: number,
  ) {
    super(line ? `${file}:${line}: ${message}` : `${file}: ${message}`);
    this.name = 'InputError';
  }
}

export interface ParsedDoc {
  doc: Document;
  /** 1-based line of a node (0 when unknown). */
  lineOf: (node: unknown) => number;
}

/** A .json file must be strict JSON (YAML would accept more); its syntax errors are located too. */
function checkJson(text: string, file: string): void {
  try {
    JSON.parse(text);
  } catch (err) {
    const offset = jsonErrorOffset(text);
    const line = offset === undefined ? undefined : text.slice(0, offset).split('\n').length;
    throw new InputError(`JSON syntax error: ${(err as Error).message.replace(/ in JSON at position \d+.*$/s, '')}`, file, line);
  }
}

export function parseYamlDoc(text: string, file: string): ParsedDoc {
  if (file.toLowerCase().endsWith('.json')) checkJson(text.replace(/^\uFEFF/, ''), file);
  const counter = new LineCounter();
  const doc = parseDocument(text.replace(/^\uFEFF/, ''), { lineCounter: counter, prettyErrors: true, uniqueKeys: true });
  const err = doc.errors[0];
  if (err) {
    const reason = (err.message.split('\n')[0] ?? '').replace(/ at line \d+, column \d+:?$/, '');
    throw new InputError(`${file.endsWith('.json') ? 'JSON' : 'YAML'} syntax error: ${reason}`, file, err.linePos?.[0].line);
  }
  const lineOf = (node: unknown): number => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? counter.linePos(range[0]).line : 0;
  };
  return { doc, lineOf };
}

/** A YAML null (absent value, `~`, `null`), whether given as a node or not at all. */
export function isNull(node: unknown): boolean {
  return node === null || node === undefined || (isScalar(node) && node.value === null);
}

export function scalarString(node: unknown): string | undefined {
  if (!isScalar(node)) return undefined;
  const v = node.value;
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined;
}

export { isMap, isSeq, isScalar, type Node };

export type Format = 'yaml' | 'csv';

export function formatOf(file: string, allowed: readonly string[]): Format {
  const ext = file.toLowerCase().replace(/^.*(\.[^./]+)$/, '$1');
  if (!allowed.includes(ext)) throw new InputError(`unsupported file type "${ext}" (use ${allowed.join(', ')})`, file);
  return ext === '.csv' ? 'csv' : 'yaml';
}
