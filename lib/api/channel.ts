// How test code reaches the reporter. In a test child the preload publishes a channel on globalThis
// (it writes to the child's journal); in-process (--test-isolation=none) there is no child, so
// declarations wait in a global list that the reporter, in the same process, reads.
import type { TestMeta } from '../events/child-journal.js';

export const CHANNEL = Symbol.for('@org/llm-report/channel');
export const IN_PROCESS = Symbol.for('@org/llm-report/in-process');

export interface Channel {
  meta(fullName: string, data: TestMeta): void;
}

export interface InProcessMeta {
  fullName: string;
  data: TestMeta;
}

export function inProcessMeta(): InProcessMeta[] {
  const g = globalThis as Record<symbol, unknown>;
  return (g[IN_PROCESS] ??= []) as InProcessMeta[];
}
