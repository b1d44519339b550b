// Stable test ids: a hash of (kind, entry file, suite path, name, occurrence). Hashing keeps ids short and
// unambiguous whatever characters names contain; the same test gets the same id on every run and machine.
import { sha256 } from '../report/canonical.js';

export function testId(kind: 'test' | 'suite', entryFile: string, path: readonly string[], name: string, occurrence: number): string {
  return sha256(JSON.stringify([kind, entryFile, ...path, name, occurrence])).slice(0, 16);
}

/** node's TestContext.fullName format: enclosing names and the test name joined by " > ". */
export function fullName(path: readonly string[], name: string): string {
  return [...path, name].join(' > ');
}
