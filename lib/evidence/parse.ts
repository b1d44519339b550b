// Reading one JSON document of an evidence set against its schema: a located reason, never a throw.

/** What an ajv standalone validator is: a type guard that leaves its errors on itself. */
export interface Validator {
  (value: unknown): boolean;
  errors?: Array<{ instancePath?: string; message?: string; keyword: string }> | null;
}

export function parseValidated<T>(bytes: Buffer | undefined, validate: Validator, schema: string): { doc?: T; error?: string } {
  if (!bytes) return { error: 'missing' };
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    return { error: `not valid JSON: ${(err as Error).message}` };
  }
  if (!validate(value)) {
    const e = validate.errors?.[0];
    return { error: `does not match schemas/${schema}: ${e ? `${e.instancePath || '/'} ${e.message ?? e.keyword}` : 'invalid'}` };
  }
  return { doc: value as T };
}
