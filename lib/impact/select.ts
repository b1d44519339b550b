// `affected`: the test files a change can affect, safe before small. Pure: the CLI gathers the run,
// the diff, the import graph and the environment. Premise (as pytest-testmon's): a line a test did not
// execute cannot change that test's outcome. Where per-test coverage cannot say (module top level,
// lines no test ran, new, deleted or non-code files, a changed environment), the selection widens
// (to the test files that load the module, or to every test file) and says why.
import type { FileChange } from './diff.js';
import { closure, rootsReaching, type ModuleInfo } from './imports.js';
import type { FileFacts } from './line-index.js';
import type { TestLine } from '../types.js';

export interface SelectInput {
  tests: readonly TestLine[];
  facts: Map<string, FileFacts>;
  changes: readonly FileChange[];
  /** Import graph from the test files (working tree). */
  graph: Map<string, ModuleInfo>;
  /** New test files of the working tree (node's default patterns, next to the run's). */
  testFiles: readonly string[];
  /** A run's test file -> the file it was compiled from (source map), where the graph starts. */
  sources?: ReadonlyMap<string, string>;
  /** Why every test file must run regardless of the diff (unknown commit, other Node version, ...). */
  everything?: string;
  /** Changed files that no longer parse: every file that loads them fails. */
  unparsable?: ReadonlySet<string>;
}

export interface Reason {
  file: string;
  why: string;
  /** Test files this reason selects. */
  selects: string[];
}

export interface Selection {
  /** Test files to run, sorted. */
  files: string[];
  all: boolean;
  reasons: Reason[];
  /** Test files of the run, for the share selected. */
  of: number;
}

const CODE = /\.(?:[cm]?[jt]sx?)$/;
/** Files whose change can alter any test: dependencies, the runtime, loaders and configuration. */
const GLOBAL = /(?:^|\/)(?:package\.json|package-lock\.json|npm-shrinkwrap\.json|yarn\.lock|pnpm-lock\.yaml|\.npmrc|\.nvmrc|\.node-version|tsconfig[^/]*\.json|llm-report\.config\.(?:ya?ml|json)|\.env[^/]*)$/;

export function selectAffected(input: SelectInput): Selection {
  const runFiles = [...new Set(input.tests.map((t) => t.entry_file))].sort();
  const testFiles = [...new Set([...runFiles, ...input.testFiles])].sort();
  const of = runFiles.length;
  const reasons: Reason[] = [];
  const everything = (file: string, why: string): Selection => ({ files: testFiles, all: true, reasons: [...reasons, { file, why, selects: testFiles }], of });
  if (input.everything) return everything('(run)', input.everything);

  // Line -> entry files of the tests that executed it, and the files that defined tests (helpers too).
  const byLine = new Map<string, Map<number, Set<string>>>();
  for (const t of input.tests) {
    if (t.coverage_shared) continue;
    for (const c of t.coverage ?? []) {
      let m = byLine.get(c.file);
      if (!m) byLine.set(c.file, (m = new Map<number, Set<string>>()));
      for (const [s, e] of c.lines)
        for (let n = s; n <= e; n++) {
          const set = m.get(n);
          if (set) set.add(t.entry_file);
          else m.set(n, new Set([t.entry_file]));
        }
    }
  }
  const definedIn = new Map<string, Set<string>>();
  for (const t of input.tests) {
    const s = definedIn.get(t.file);
    if (s) s.add(t.entry_file);
    else definedIn.set(t.file, new Set([t.entry_file]));
  }
  // Files whose lines ran concurrently in one process: a line there may belong to any of them.
  const sharedEntries = new Set(input.tests.filter((t) => t.coverage_shared).map((t) => t.entry_file));
  const rootOf = (e: string): string => input.sources?.get(e) ?? e;
  const entryOf = new Map(testFiles.map((e) => [rootOf(e), e]));
  const loaders = (file: string): { reach: string[]; unsure: string[] } => {
    const r = rootsReaching(file, [...entryOf.keys()], input.graph);
    return { reach: r.reach.map((x) => entryOf.get(x)!), unsure: r.unsure.map((x) => entryOf.get(x)!) };
  };
  const add = (file: string, why: string, selects: Iterable<string>): void => void reasons.push({ file, why, selects: [...new Set(selects)].sort() });
  // Test files that start child processes, workers or vm code: what runs there is in no test's coverage,
  // so any change may reach them (this repository's CLI tests spawn the CLI).
  const spawners = testFiles.filter((e) => [...closure(rootOf(e), input.graph)].some((f) => input.graph.get(f)?.spawns));

  for (const ch of input.changes) {
    const f = ch.file;
    if (GLOBAL.test(f)) return everything(f, 'dependencies, runtime or configuration changed: every test file');
    if (spawners.length) add(f, 'may run in a child process, worker or vm a test file starts (outside its coverage): those test files', spawners);
    if (ch.kind === 'added') {
      const l = loaders(f);
      if (testFiles.includes(f)) add(f, 'new test file', [f]);
      else if (l.reach.length || CODE.test(f)) add(f, l.reach.length ? 'new file: the test files that load it' : (spawners.length ? 'new code no test file imports' : 'new code no test file loads: nothing to run for it'), [...l.reach, ...l.unsure]);
      // New data next to fixtures may be picked up by a test that lists a directory.
      else return everything(f, 'a new file outside the coverage map (data, fixtures, docs?) may be read at run time: every test file');
      continue;
    }
    if (input.unparsable?.has(ch.to ?? f)) {
      const l = loaders(ch.to ?? f);
      add(f, 'no longer parses: every test file that loads it', [...l.reach, ...l.unsure, ...(definedIn.get(f) ?? []), ...(testFiles.includes(f) ? [f] : [])]);
      continue;
    }
    const ownTests = [...(definedIn.get(f) ?? []), ...(runFiles.includes(f) ? [f] : []), ...(entryOf.has(f) ? [entryOf.get(f)!] : [])];
    if (ownTests.length) add(f, 'test file changed (or a helper that declares tests)', ownTests);
    if (ch.kind === 'deleted' || ch.kind === 'renamed') {
      const l = loaders(ch.to ?? f);
      const ran = [...(byLine.get(f)?.values() ?? [])].flatMap((s) => [...s]);
      add(f, ch.kind === 'deleted' ? 'deleted: the tests that ran it and the test files that load it' : 'renamed: the tests that ran it and the test files that load it', [...ran, ...l.reach, ...l.unsure, ...sharedEntries]);
      continue;
    }
    const known = input.facts.has(f) || byLine.has(f);
    if (!known) {
      if (ownTests.length) continue;
      if (!CODE.test(f) && ch.kind !== 'binary') {
        const l = loaders(f);
        if (l.reach.length) add(f, 'not code the run measured: the test files that load it', [...l.reach, ...l.unsure]);
        else return everything(f, 'a file outside the coverage map (data, fixtures, docs?) may be read at run time: every test file');
        continue;
      }
      if (ch.kind === 'binary') return everything(f, 'binary file changed: every test file');
      const l = loaders(f);
      add(f, l.reach.length || l.unsure.length ? 'code no test ran in the run: the test files that load it' : (spawners.length ? 'code no test file imports' : 'code no test file loads: nothing to run for it'), [...l.reach, ...l.unsure]);
      continue;
    }
    const lines = byLine.get(f) ?? new Map<number, Set<string>>();
    const covered = input.facts.get(f)?.covered;
    const selected = new Set<string>();
    let topLevel = false;
    let unexecuted = false;
    const consider = (n: number): void => {
      const tests = lines.get(n);
      if (tests) for (const e of tests) selected.add(e);
      else if (covered?.has(n)) topLevel = true;
      else unexecuted = true;
    };
    for (const n of ch.lines) consider(n);
    // An insertion belongs to the block around it: the tests of the lines on both sides.
    for (const k of ch.insertedAfter) {
      if (k >= 1) consider(k);
      consider(k + 1);
    }
    if (selected.size) add(f, 'changed lines that tests executed', selected);
    if (topLevel || unexecuted) {
      const l = loaders(f);
      const why = topLevel ? 'changed module top level (runs at load): the test files that load it' : 'changed lines no test executed: the test files that load it';
      add(f, why, [...l.reach, ...l.unsure, ...[...lines.values()].flatMap((s) => [...s])]);
    }
    if (sharedEntries.size) add(f, 'tests that ran concurrently (coverage not attributable)', sharedEntries);
  }
  const files = [...new Set(reasons.flatMap((r) => r.selects))].sort();
  return { files, all: files.length === testFiles.length && testFiles.length > 0, reasons, of };
}
