// How to turn per-test coverage on and off, read from schemas/config.schema.json (the coverage issue
// owns the option): { on, off } as environment overlays, or undefined while the option does not exist.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from './generate.mjs';

export function coverageOption(schemaFile = path.join(REPO, 'schemas', 'config.schema.json')) {
  const cov = JSON.parse(readFileSync(schemaFile, 'utf8')).properties?.coverage;
  if (!cov) return undefined;
  // A mode enum ("test" | "file" | "off"), a boolean switch, or an object with an enabled/mode member.
  const leaf = cov.type === 'object' ? (cov.properties?.mode ?? cov.properties?.enabled) : cov;
  if (!leaf?.['x-env']) return undefined;
  const name = leaf['x-env'];
  if (leaf.type === 'boolean') return { on: { [name]: 'true' }, off: { [name]: 'false' } };
  if (Array.isArray(leaf.enum) && leaf.enum.includes('off')) {
    const on = leaf.enum.includes('test') ? 'test' : leaf.enum.find((v) => v !== 'off');
    return on ? { on: { [name]: on }, off: { [name]: 'off' } } : undefined;
  }
  return undefined;
}
