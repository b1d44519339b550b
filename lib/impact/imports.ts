// Which project files a test file can load, from the static import graph of the working tree. Pure:
// the caller passes the file reader. Used where per-test coverage cannot answer (module top level,
// lines no test ran, files no test loaded): the files that import a module are its dependants.
import path from 'node:path';

const SPECIFIER = /\b(?:import|export)\s[^'"`;]*?\bfrom\s*(['"])([^'"]+)\1|\bimport\s*(['"])([^'"]+)\3|\b(?:import|require)\s*\(\s*(['"`])([^'"`$]+)\5\s*\)/g;
const DYNAMIC = /\b(?:import|require)\s*\(\s*(?!['"`][^'"`$]*['"`]\s*\))/;
const EXTENSIONS = ['', '.js', '.mjs', '.cjs', '.ts', '.mts', '.cts', '.jsx', '.tsx', '.json', '/index.js', '/index.mjs', '/index.cjs', '/index.ts'];

export interface ModuleInfo {
  /** Project files this one loads (repo-relative). */
  imports: string[];
  /** Loads something by a computed name: its dependencies are not all known. */
  dynamic: boolean;
  /** Can run code outside its process's coverage: child processes, workers, vm, eval. */
  spawns?: boolean;
}

// Child processes, workers, vm and the packages that wrap them: code run there is not in the test's coverage.
const SPAWN = /^(?:node:)?(?:child_process|worker_threads|vm|cluster)$|^(?:execa|cross-spawn|zx|shelljs|tinyexec|nano-spawn|piscina|tinypool)(?:\/|$)/;
const EVAL = /\b(?:eval|new\s+Function)\s*\(/;

/** Relative specifiers of one source text, and whether it loads anything by a computed name. */
export function specifiers(text: string): { relative: string[]; dynamic: boolean; spawns: boolean } {
  const relative: string[] = [];
  let spawns = EVAL.test(text);
  for (const m of text.matchAll(SPECIFIER)) {
    const s = m[2] ?? m[4] ?? m[6]!;
    if (s.startsWith('./') || s.startsWith('../')) relative.push(s);
    else spawns ||= SPAWN.test(s);
  }
  return { relative, dynamic: DYNAMIC.test(text), spawns };
}

/** The project file a relative specifier names (TypeScript's `./x.js` for `./x.ts` included). */
export function resolveSpecifier(from: string, spec: string, exists: (file: string) => boolean): string | undefined {
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), spec));
  for (const ext of EXTENSIONS) if (exists(base + ext)) return base + ext;
  const ts = base.replace(/\.(m|c)?js$/, '.$1ts');
  if (ts !== base && exists(ts)) return ts;
  return undefined;
}

/** The graph reachable from `roots`: file -> what it loads. Unreadable files are leaves. */
export function importGraph(roots: readonly string[], read: (file: string) => string | undefined, exists: (file: string) => boolean): Map<string, ModuleInfo> {
  const graph = new Map<string, ModuleInfo>();
  const todo = [...roots];
  while (todo.length) {
    const file = todo.pop()!;
    if (graph.has(file)) continue;
    const text = read(file);
    if (text === undefined) {
      graph.set(file, { imports: [], dynamic: false });
      continue;
    }
    const { relative, dynamic, spawns } = specifiers(text);
    const imports = [...new Set(relative.map((s) => resolveSpecifier(file, s, exists)).filter((f): f is string => f !== undefined))].sort();
    graph.set(file, { imports, dynamic, spawns });
    todo.push(...imports);
  }
  return graph;
}

/** Every file `root` loads, itself included. */
export function closure(root: string, graph: Map<string, ModuleInfo>): Set<string> {
  const seen = new Set<string>();
  const todo = [root];
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    todo.push(...(graph.get(f)?.imports ?? []));
  }
  return seen;
}

/** The roots (test files) whose import closure contains `target`, or that load code by computed names. */
export function rootsReaching(target: string, roots: readonly string[], graph: Map<string, ModuleInfo>): { reach: string[]; unsure: string[] } {
  const reach: string[] = [];
  const unsure: string[] = [];
  for (const root of roots) {
    const seen = closure(root, graph);
    if (seen.has(target)) reach.push(root);
    else if ([...seen].some((f) => graph.get(f)?.dynamic)) unsure.push(root);
  }
  return { reach, unsure };
}
