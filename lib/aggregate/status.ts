// Orders of badness, for "the worse one wins" (a failure is never hidden by a pass).
import type { FileStatus, RunStatus, TestStatus } from '../types.js';

const RUN_RANK: Record<RunStatus, number> = { passed: 0, failed: 1, incomplete: 2, aborted: 3 };
const RECORD_RANK: Record<TestStatus, number> = { skipped: 0, todo: 1, passed: 2, incomplete: 3, cancelled: 4, failed: 5 };
const FILE_RANK: Record<FileStatus, number> = { passed: 0, failed: 1, incomplete: 2 };

export function worseRun(a: RunStatus, b: RunStatus): RunStatus {
  return RUN_RANK[b] > RUN_RANK[a] ? b : a;
}

export function recordRank(s: TestStatus): number {
  return RECORD_RANK[s];
}

export function fileRank(s: FileStatus): number {
  return FILE_RANK[s];
}
