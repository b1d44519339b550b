// A run made with every test body kept from running -> the inventory: what the suite declares, with
// the ids real runs report. Pure. How the bodies are kept from running is the CLI's job (cli/inventory).
import { compareRecords } from '../report/fold.js';
import type { Report, SuiteLine, TestLine, Warning } from '../types.js';

export const INVENTORY_SCHEMA_VERSION = '1.0.0';

/** Thrown by the root beforeEach the inventory run installs: the mark of a body that did not run. */
export const NOT_RUN_MESSAGE = 'llm-report inventory: test body not run';

export const INVENTORY_METHOD =
  'a root beforeEach hook (--import) throws before every test, so no test body and no beforeEach hook runs; ' +
  'module top-level code, describe() callbacks, before/after hooks of suites and afterEach hooks still run';

export interface InventoryEntry {
  id: string;
  file: string;
  entry_file: string;
  line: number;
  column: number;
  name: string;
  path: string[];
  nesting: number;
  occurrence: number;
  declared?: 'skip' | 'todo';
  skip_reason?: string;
  todo_reason?: string;
  tags?: string[];
  requirements?: string[];
}

export interface Inventory {
  schema_version: string;
  tool: { name: string; version: string };
  node_version: string;
  method: string;
  counts: { tests: number; suites: number; files: number; files_failed: number };
  files: Array<{ file: string; tests: number; error?: string }>;
  suites: InventoryEntry[];
  tests: InventoryEntry[];
  warnings: Warning[];
}

function entry(r: TestLine | SuiteLine): InventoryEntry {
  const e: InventoryEntry = { id: r.id, file: r.file, entry_file: r.entry_file, line: r.line, column: r.column, name: r.name, path: r.path, nesting: r.nesting, occurrence: r.occurrence };
  if (r.status === 'skipped') e.declared = 'skip';
  if (r.status === 'todo') e.declared = 'todo';
  if (r.skip_reason) e.skip_reason = r.skip_reason;
  if (r.todo_reason) e.todo_reason = r.todo_reason;
  if (r.type === 'test' && r.tags?.length) e.tags = r.tags;
  if (r.type === 'test' && r.requirements?.length) e.requirements = r.requirements;
  return e;
}

/** Test files that failed to load say why; our own "not run" failures are expected and dropped. */
export function inventoryFromReport(report: Report): Inventory {
  const tests = report.tests.filter((t) => !t.file_level).sort(compareRecords);
  const suites = [...report.suites].sort(compareRecords);
  const files = report.files.map((f) => {
    const out: Inventory['files'][number] = { file: f.file, tests: tests.filter((t) => t.entry_file === f.file).length };
    if (f.failure && f.failure.kind === 'file') out.error = f.failure.message;
    return out;
  });
  const warnings = report.warnings.filter((w) => w.code !== 'LLMR_FILE_FAILED' || files.some((f) => f.error && w.file === f.file));
  return {
    schema_version: INVENTORY_SCHEMA_VERSION,
    tool: report.run.tool,
    node_version: report.run.node_version,
    method: INVENTORY_METHOD,
    counts: { tests: tests.length, suites: suites.length, files: files.length, files_failed: files.filter((f) => f.error).length },
    files,
    suites: suites.map(entry),
    tests: tests.map(entry),
    warnings,
  };
}
