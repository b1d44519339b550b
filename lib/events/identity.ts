// Stable test ids. A test's identity is (kind, entry file, defining file, suite path, name, occurrence):
// the test file whose process ran it, the file whose test()/it()/describe() call declared it (a shared
// helper module or package may declare tests for many test files), the enclosing names, its own name,
// and `occurrence`, which counts records with the same identity key (everything but occurrence) in
// report order. The id hashes exactly that identity, so two distinct records of one run can never share
// an id, and the same test gets the same id on every run and machine, at any --test-concurrency, in
// any shard. Lines and columns are locations, not identity: editing code above a test keeps its id.
// Hashing keeps ids short and unambiguous whatever characters names contain.
import { sha256 } from '../report/canonical.js';

/** Everything that identifies a record except its occurrence: records with equal keys are told apart by occurrence. */
export function identityKey(kind: 'test' | 'suite', entryFile: string, file: string, path: readonly string[], name: string): string {
  return JSON.stringify([kind, entryFile, file, ...path, name]);
}

/**
 * The id of the `occurrence`-th record with this identity key. A test declared in its entry file hashes
 * as it always has ([kind, entry file, ...path, name, occurrence]), so ids of such tests are unchanged; one
 * declared in another file appends that file. The two forms cannot meet: the last element is a number in
 * one and a string in the other, and the JSON array is otherwise the same shape.
 */
export function testId(kind: 'test' | 'suite', entryFile: string, path: readonly string[], name: string, occurrence: number, file: string): string {
  const parts: Array<string | number> = [kind, entryFile, ...path, name, occurrence];
  if (file !== entryFile) parts.push(file);
  return sha256(JSON.stringify(parts)).slice(0, 16);
}

/** node's TestContext.fullName format: enclosing names and the test name joined by " > ". */
export function fullName(path: readonly string[], name: string): string {
  // No array of the names made for the join (asked for several times per test).
  return path.length === 0 ? name : `${path.join(' > ')} > ${name}`;
}
