// Which schema versions aggregate reads: the same major as ours, not newer than ours. An older major
// means other field meanings; a newer version may hold fields we would silently drop.
import { SCHEMA_VERSION } from '../types.js';
import { AggregateError } from './errors.js';

const parse = (v: string): number[] => v.split('.').map(Number);

export function checkSchemaVersion(version: unknown, file: string): string {
  if (typeof version !== 'string' || !/^\d+\.\d+\.\d+$/.test(version)) {
    throw new AggregateError(`schema_version ${JSON.stringify(version)} is not a version (expected ${SCHEMA_VERSION})`, file);
  }
  const [major, minor, patch] = parse(version) as [number, number, number];
  const [ourMajor, ourMinor, ourPatch] = parse(SCHEMA_VERSION) as [number, number, number];
  const newer = major - ourMajor || minor - ourMinor || patch - ourPatch;
  if (newer > 0) {
    throw new AggregateError(
      `schema_version ${version} is newer than this llm-report's ${SCHEMA_VERSION}: it was written by a newer llm-report and may hold fields this one would drop; aggregate with that version or newer`,
      file,
    );
  }
  if (major !== ourMajor) {
    throw new AggregateError(`schema_version ${version} does not match this llm-report's ${SCHEMA_VERSION} (major ${major} vs ${ourMajor}); re-run the tests with this version, or aggregate with the version that wrote it`, file);
  }
  return version;
}
