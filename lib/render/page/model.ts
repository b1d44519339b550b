// The test list's logic: the index of the data block (groups by file and suite, counts), filters,
// sort orders and the rows of the tree. Pure: no DOM, unit-tested without a browser (test/page-*.test.ts).
import { STATUSES, type ClientData, type ClientTest } from '../html/client.js';

/** Joins a file index and suite names into a group key ("<file>\u0001a\u0001b"). */
export const SEP = '\u0001';
export const ID = 0, NAME = 1, PATH = 2, FILE = 3, LINE = 4, STATUS = 5, DUR = 6, X = 7;

export type SortMode = 'source' | 'name-asc' | 'name-desc' | 'dur-desc' | 'dur-asc';
export const SORT_MODES: readonly SortMode[] = ['source', 'name-asc', 'name-desc', 'dur-desc', 'dur-asc'];

export interface Group {
  /** Tests in the group. */
  n: number;
  /** Tests by status code. */
  c: number[];
}

export interface Model {
  data: ClientData;
  tests: ClientTest[];
  byId: Map<string, number>;
  /** Group key -> counts; files are keyed "<index>", suites "<file>\u0001a\u0001b". */
  groups: Map<string, Group>;
  fileCounts: number[];
  statusCounts: number[];
  /** Requirement ids, sorted. */
  requirements: string[];
  flakyCount: number;
  /** Suite group key -> its status and whether it failed itself. */
  suiteState: Map<string, { s: string; f: number }>;
  /** Lower-case search text per test, built on first need. */
  hay: string[] | null;
  sorted: Partial<Record<SortMode, number[]>>;
}

export interface Filters {
  words: string[];
  status: boolean[];
  /** Entry file index, or -1 for all. */
  file: number;
  req: string;
  flaky: boolean;
  sort: SortMode;
}

export type Row =
  | { g: string; d: number; label: string; file?: boolean; t?: undefined }
  | { t: number; d: number; g?: undefined };

export function defaultFilters(): Filters {
  return { words: [], status: STATUSES.map(() => true), file: -1, req: '', flaky: false, sort: 'source' };
}

function zeros(): number[] {
  return STATUSES.map(() => 0);
}

/** One pass over the tests. They come sorted by file and position, so a group's tests are contiguous:
 *  keys are only built where the file or the suite path changes. */
export function buildModel(data: ClientData): Model {
  const T = data.tests;
  const groups = new Map<string, Group>();
  const group = (key: string): Group => {
    let g = groups.get(key);
    if (!g) groups.set(key, (g = { n: 0, c: zeros() }));
    return g;
  };
  const byId = new Map<string, number>();
  const fileCounts = data.files.map(() => 0);
  const statusCounts = zeros();
  const reqs = new Set<string>();
  let flakyCount = 0;
  let file = -1;
  let pathIdx = -1;
  let chain: Group[] = [];
  for (let i = 0; i < T.length; i++) {
    const t = T[i]!;
    byId.set(t[ID], i);
    if (t[FILE] !== file) {
      file = t[FILE];
      pathIdx = -1;
      chain = [group(String(file))];
    }
    if (t[PATH] !== pathIdx) {
      pathIdx = t[PATH];
      const p = data.paths[pathIdx] ?? [];
      let key = String(file);
      chain = [chain[0]!];
      for (const seg of p) {
        key += SEP + seg;
        chain.push(group(key));
      }
    }
    const s = t[STATUS];
    for (const g of chain) {
      g.n++;
      g.c[s] = (g.c[s] ?? 0) + 1;
    }
    statusCounts[s] = (statusCounts[s] ?? 0) + 1;
    fileCounts[file] = (fileCounts[file] ?? 0) + 1;
    const x = t[X];
    if (x?.flaky) flakyCount++;
    if (x?.requirements) for (const r of x.requirements) reqs.add(String(r));
  }
  const suiteState = new Map<string, { s: string; f: number }>();
  for (const s of data.suites ?? []) suiteState.set(String(s[2]) + SEP + (data.paths[s[1]] ?? []).concat([s[0]]).join(SEP), { s: s[3], f: s[4] });
  return { data, tests: T, byId, groups, fileCounts, statusCounts, requirements: [...reqs].sort(), flakyCount, suiteState, hay: null, sorted: {} };
}

export function fullName(m: Model, t: ClientTest): string {
  return (m.data.paths[t[PATH]] ?? []).concat([t[NAME]]).join(' › ');
}

export function buildHay(m: Model): string[] {
  if (m.hay) return m.hay;
  const hay = new Array<string>(m.tests.length);
  for (let i = 0; i < m.tests.length; i++) {
    const t = m.tests[i]!;
    hay[i] = (fullName(m, t) + ' ' + (m.data.files[t[FILE]]?.f ?? '') + ' ' + t[ID]).toLowerCase();
  }
  return (m.hay = hay);
}

export function matches(m: Model, F: Filters, idx: number): boolean {
  const t = m.tests[idx]!;
  if (!F.status[t[STATUS]]) return false;
  if (F.file >= 0 && t[FILE] !== F.file) return false;
  const x = t[X];
  if (F.flaky && !x?.flaky) return false;
  if (F.req && !x?.requirements?.includes(F.req)) return false;
  if (F.words.length) {
    const h = buildHay(m)[idx]!;
    for (const w of F.words) if (!h.includes(w)) return false;
  }
  return true;
}

/** Test indexes in a sort order (cached per mode); null for source order. */
export function order(m: Model, mode: SortMode): number[] | null {
  if (mode === 'source') return null;
  const cached = m.sorted[mode];
  if (cached) return cached;
  const hay = buildHay(m);
  const T = m.tests;
  const idx = T.map((_, i) => i);
  const cmp: Record<Exclude<SortMode, 'source'>, (a: number, b: number) => number> = {
    'name-asc': (a, b) => { const x = hay[a]!, y = hay[b]!; return x < y ? -1 : x > y ? 1 : a - b; },
    'name-desc': (a, b) => { const x = hay[a]!, y = hay[b]!; return x < y ? 1 : x > y ? -1 : a - b; },
    'dur-desc': (a, b) => T[b]![DUR] - T[a]![DUR] || a - b,
    'dur-asc': (a, b) => T[a]![DUR] - T[b]![DUR] || a - b,
  };
  idx.sort(cmp[mode]);
  return (m.sorted[mode] = idx);
}

function samePrefix(a: readonly string[], p: readonly string[], k: number): boolean {
  if (a.length !== k) return false;
  for (let j = 0; j < k; j++) if (a[j] !== p[j]) return false;
  return true;
}

/** The rows of the list: a flat list in a sort order, else the tree by file and suite (collapsed groups
 *  hide what is under them). `shown` counts the matching tests, hidden or not. */
export function buildRows(m: Model, F: Filters, collapsed: ReadonlySet<string>): { rows: Row[]; shown: number } {
  const rows: Row[] = [];
  let shown = 0;
  const T = m.tests;
  const seq = order(m, F.sort);
  if (seq) {
    for (const i of seq) if (matches(m, F, i)) { rows.push({ t: i, d: 0 }); shown++; }
    return { rows, shown };
  }
  let file = -1;
  let pathIdx = -1;
  let stack: Array<{ seg: string; key: string }> = [];
  let hidden = -1; // path length of the collapsed group we are inside, or -1
  for (let i = 0; i < T.length; i++) {
    if (!matches(m, F, i)) continue;
    shown++;
    const t = T[i]!;
    if (t[FILE] !== file) {
      file = t[FILE];
      pathIdx = -1;
      stack = [];
      const fkey = String(file);
      hidden = collapsed.has(fkey) ? 0 : -1;
      rows.push({ g: fkey, d: 0, label: m.data.files[file]?.f ?? '', file: true });
    }
    const p = m.data.paths[t[PATH]] ?? [];
    if (t[PATH] !== pathIdx) {
      pathIdx = t[PATH];
      let k = 0;
      while (k < stack.length && k < p.length && stack[k]!.seg === p[k]) k++;
      stack.length = k;
      if (hidden > k) hidden = -1;
      let key = k ? stack[k - 1]!.key : String(file);
      for (; k < p.length; k++) {
        key += SEP + p[k]!;
        stack.push({ seg: p[k]!, key });
        if (hidden >= 0) continue;
        // Subtests of a test: that test's row, just shown, heads them; no separate group row.
        const last = rows[rows.length - 1];
        if (last && last.t !== undefined && T[last.t]![NAME] === p[k] && samePrefix(m.data.paths[T[last.t]![PATH]] ?? [], p, k)) continue;
        rows.push({ g: key, d: k + 1, label: p[k]! });
        if (collapsed.has(key)) hidden = k + 1;
      }
    }
    if (hidden >= 0) continue;
    rows.push({ t: i, d: p.length + 1 });
  }
  return { rows, shown };
}

/** "12 tests · 2 failed" for a group row. */
export function groupText(m: Model, key: string, count: (n: number) => string): string {
  const g = m.groups.get(key) ?? { n: 0, c: [] };
  const parts = [count(g.n) + (g.n === 1 ? ' test' : ' tests')];
  STATUSES.forEach((s, i) => { if (s !== 'passed' && g.c[i]) parts.push(count(g.c[i]) + ' ' + s); });
  return parts.join(' · ');
}

/** The group keys that must be open to show a test: its file and each suite on its path. */
export function keysOf(m: Model, idx: number): string[] {
  const t = m.tests[idx]!;
  let key = String(t[FILE]);
  const keys = [key];
  for (const seg of m.data.paths[t[PATH]] ?? []) keys.push((key += SEP + seg));
  return keys;
}
