// Limits on what a reader accepts from an NDJSON line or a report.json (hostile input, DESIGN invariant 5).
// Checked with a cheap scan BEFORE JSON.parse: a line nested 100,000 levels deep would otherwise overflow
// the stack in whatever walks it next (validation, canonical JSON), with no line number.

/** Deepest object/array nesting a line may have. Our own lines are about 8 deep; custom_metadata is the user's. */
export const MAX_DEPTH = 128;

/** Longest test name or name path entry kept (characters); longer ones are cut and marked. */
export const MAX_NAME_CHARS = 4096;
/** Longest captured output (stdout/stderr) kept; above the largest output_cap_bytes a run writes. */
export const MAX_OUTPUT_CHARS = 16 * 1024 * 1024;
/** Longest of any other string (messages, stacks, actual/expected, diagnostics, paths, metadata). */
export const MAX_TEXT_CHARS = 1024 * 1024;

const NAME_KEYS = new Set(['name']);
const OUTPUT_KEYS = new Set(['stdout', 'stderr']);

/**
 * 1-based offset of the first character nested deeper than `max`, or 0 when within bounds. Strings are
 * skipped (a "[" inside one is text); the scan neither allocates nor recurses.
 */
export function depthExceeded(text: string, max = MAX_DEPTH): number {
  let depth = 0;
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      for (i++; i < n; i++) {
        const d = text.charCodeAt(i);
        if (d === 92 /* \ */) i++;
        else if (d === 34) break;
      }
    } else if (c === 123 /* { */ || c === 91 /* [ */) {
      if (++depth > max) return i + 1;
    } else if (c === 125 /* } */ || c === 93 /* ] */) {
      depth--;
    }
  }
  return 0;
}

/** The cap for a string under `key` (the last object key on its path; path entries count as names). */
function capFor(key: string | undefined, inPath: boolean): number {
  if (inPath || (key !== undefined && NAME_KEYS.has(key))) return MAX_NAME_CHARS;
  if (key !== undefined && OUTPUT_KEYS.has(key)) return MAX_OUTPUT_CHARS;
  return MAX_TEXT_CHARS;
}

/**
 * A copy of `text` cut to `max` characters with a marker. The copy is flat: a slice of a huge string
 * would keep the whole original alive.
 */
export function capText(text: string, max: number): string {
  let keep = Math.max(0, max - 40);
  const code = text.charCodeAt(keep - 1);
  if (code >= 0xd800 && code <= 0xdbff) keep--; // never split a surrogate pair
  const head = Buffer.from(text.slice(0, keep), 'utf8').toString('utf8');
  return `${head}… [truncated ${text.length - keep} chars]`;
}

/**
 * Cap every over-long string of a parsed line in place (depth already bounded by depthExceeded).
 * Returns the JSON pointers of the strings that were cut.
 */
export function capStrings(value: unknown): string[] {
  const cut: string[] = [];
  // The pointer of the value being walked, as its keys; joined only for a string that is cut (rare),
  // since the fold walks every line of a run.
  const keys: string[] = [];
  const walk = (v: unknown, key: string | undefined, inPath: boolean): unknown => {
    if (typeof v === 'string') {
      const max = capFor(key, inPath);
      if (v.length <= max) return v;
      cut.push(keys.length ? `/${keys.join('/')}` : '/');
      return capText(v, max);
    }
    if (Array.isArray(v)) {
      // A top-level "path" holds suite names (capped as names).
      const names = key === 'path' && keys.length === 1;
      for (let i = 0; i < v.length; i++) {
        keys.push(String(i));
        const w = walk(v[i], key, names);
        if (w !== v[i]) v[i] = w;
        keys.pop();
      }
      return v;
    }
    if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      for (const k in o) {
        if (!Object.hasOwn(o, k)) continue;
        keys.push(k);
        const w = walk(o[k], k, false);
        if (w !== o[k]) o[k] = w;
        keys.pop();
      }
    }
    return v;
  };
  walk(value, undefined, false);
  return cut;
}

/** For a whole JSON document (report.json): where it nests too deep, as "line L, column C", or undefined. */
export function nestingProblem(text: string): string | undefined {
  const at = depthExceeded(text);
  if (at === 0) return undefined;
  const before = text.slice(0, at);
  const line = before.split('\n').length;
  return `nested deeper than ${MAX_DEPTH} levels (line ${line}, column ${at - before.lastIndexOf('\n') - 1})`;
}
