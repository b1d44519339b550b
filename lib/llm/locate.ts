// Finding code by position, never by name: the test call at a test line's file/line/column, and the
// functions that enclose executed lines (for per-test coverage context). Pure, over source text.
import { lineOf, scan, tokenAt, type Scan, type Token } from './scan.js';

export interface Span {
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
  /** Offsets into the source, [start, end). */
  start: number;
  end: number;
}

export interface TestBody extends Span {
  /** The whole call expression, e.g. `it('adds', () => { ... })`. */
  text: string;
}

export type Located<T> = { ok: true; value: T } | { ok: false; reason: string };

// `if (...) {` and friends open blocks, not function bodies.
const CONTROL = new Set(['if', 'for', 'while', 'switch', 'catch', 'with', 'await']);

function punct(t: Token | undefined, value: string): boolean {
  return t !== undefined && t.kind === 'punct' && t.value === value;
}

/** Skips TypeScript type arguments `<...>` starting at index i (a '<'); returns the index after '>' or -1. */
function skipTypeArguments(tokens: readonly Token[], i: number): number {
  let depth = 0;
  for (let k = i; k < tokens.length && k < i + 200; k++) {
    const t = tokens[k] as Token;
    if (t.kind !== 'punct') continue;
    if (t.value === '<') depth++;
    else if (t.value === '>') depth--;
    else if (t.value === '>>') depth -= 2;
    else if (t.value === '>>>') depth -= 3;
    else if (t.value === ';' || t.value === '{' || t.value === '}') return -1;
    if (depth <= 0) return depth === 0 ? k + 1 : -1;
  }
  return -1;
}

/**
 * The call expression at a test's reported position. node reports the position of the called name:
 * `test` in `test(...)`, `skip` in `it.skip(...)`, `test` in `t.test(...)`. The expression runs from the
 * start of that member chain to the closing parenthesis of the call.
 */
export function testBodyAt(source: string, line: number, column: number, parsed: Scan = scan(source)): Located<TestBody> {
  if (line < 1 || column < 1) return { ok: false, reason: `position ${line}:${column} is unknown` };
  const { tokens, partner, lineStarts } = parsed;
  const lineStart = lineStarts[line - 1];
  if (lineStart === undefined) return { ok: false, reason: `line ${line} is past the end of the file (${lineStarts.length} lines)` };
  const offset = lineStart + column - 1;
  const at = tokenAt(tokens, offset);
  const name = tokens[at];
  if (!name || name.kind !== 'ident') return { ok: false, reason: `no call at ${line}:${column} (the file changed since the run?)` };
  let open = at + 1;
  if (punct(tokens[open], '<')) open = skipTypeArguments(tokens, open);
  if (open < 0 || !punct(tokens[open], '(')) return { ok: false, reason: `"${name.value}" at ${line}:${column} is not called there (the file changed since the run?)` };
  const close = partner[open] ?? -1;
  if (close < 0) return { ok: false, reason: `the call at ${line}:${column} has no closing parenthesis` };
  // Back over the member chain: t.test, describe.skip, suite . it
  let first = at;
  while (punct(tokens[first - 1], '.') || punct(tokens[first - 1], '?.')) {
    const before = tokens[first - 2];
    if (!before || before.kind !== 'ident') break;
    first -= 2;
  }
  const start = (tokens[first] as Token).start;
  const end = (tokens[close] as Token).end;
  return {
    ok: true,
    value: { text: source.slice(start, end), start, end, startLine: lineOf(lineStarts, start), endLine: lineOf(lineStarts, end - 1) },
  };
}

/** Index of the ')' closing a function's parameters, for a body '{' at index i; -1 when it is not a function body. */
function paramsClose(tokens: readonly Token[], partner: Int32Array, i: number): number {
  const prev = tokens[i - 1];
  if (punct(prev, '=>')) return i - 1;
  if (punct(prev, ')')) return i - 1;
  // TypeScript return type: `(a: A): Promise<B> {` -- walk back to a ')' followed by ':'.
  let depth = 0;
  for (let k = i - 1; k >= 0 && k > i - 80; k--) {
    const t = tokens[k] as Token;
    if (t.kind === 'punct') {
      if (t.value === ')' || t.value === ']' || t.value === '>') depth++;
      else if (t.value === '>>' || t.value === '>>>') depth += t.value.length;
      else if (t.value === '(' || t.value === '[' || t.value === '<') depth--;
      else if (depth === 0 && (t.value === ';' || t.value === '{' || t.value === '}' || t.value === '=' || t.value === ',')) return -1;
      if (depth === 1 && t.value === ')' && punct(tokens[k + 1], ':')) return partner[k] === -1 ? -1 : k;
      if (depth < 0) return -1;
    }
  }
  return -1;
}

/** Every function body (declarations, expressions, arrows with a block, methods), as whole-line spans from the header. */
export function functionSpans(source: string, parsed: Scan = scan(source)): Span[] {
  const { tokens, partner, lineStarts } = parsed;
  const out: Span[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind !== 'punct' || t.value !== '{') continue;
    const closeBrace = partner[i] ?? -1;
    if (closeBrace < 0) continue;
    const pc = paramsClose(tokens, partner, i);
    if (pc < 0) continue;
    let headerStart: number;
    const pcTok = tokens[pc] as Token;
    if (pcTok.value === '=>') {
      // `(a, b) => {` or `a => {`, possibly `async`.
      const before = pc - 1;
      const b = tokens[before];
      if (!b) continue;
      headerStart = punct(b, ')') ? (partner[before] ?? before) : before;
      if (headerStart < 0) continue;
    } else {
      const openParen = partner[pc] ?? -1;
      if (openParen < 0) continue;
      const callee = tokens[openParen - 1];
      if (callee && callee.kind === 'ident' && CONTROL.has(callee.value)) continue;
      if (callee && callee.kind === 'ident' && callee.value === 'for') continue;
      // `function name(`, `name(`, `get name(`, `name<T>(`: the header starts at the name (or the keyword).
      headerStart = callee ? openParen - 1 : openParen;
      if (punct(callee, '>')) {
        // generic method: walk back to the matching '<'
        let depth = 0;
        for (let k = openParen - 1; k >= 0; k--) {
          const v = (tokens[k] as Token).value;
          if (v === '>') depth++;
          else if (v === '<') depth--;
          if (depth === 0) {
            headerStart = Math.max(0, k - 1);
            break;
          }
        }
      }
      if (punct(callee, ')') || punct(callee, ']') || callee?.kind === 'string' || callee?.kind === 'number' || callee?.kind === 'template') {
        // `foo()(...) {` cannot be a function header; `['computed'](...) {` can, take the line anyway.
        if (!punct(callee, ']')) continue;
      }
    }
    const start = (tokens[headerStart] as Token).start;
    const end = (tokens[closeBrace] as Token).end;
    const startLine = lineOf(lineStarts, start);
    const endLine = lineOf(lineStarts, end - 1);
    out.push({ startLine, endLine, start: lineStarts[startLine - 1] as number, end: lineEndOffset(source, lineStarts, endLine) });
  }
  return out;
}

function lineEndOffset(source: string, lineStarts: readonly number[], line: number): number {
  const next = lineStarts[line];
  return next === undefined ? source.length : next - 1;
}

export interface Excerpt {
  startLine: number;
  endLine: number;
  /** 'function': the innermost function enclosing executed lines; 'lines': executed lines outside any function. */
  kind: 'function' | 'lines';
}

/**
 * The code a test executed, as excerpts: for each executed line the innermost function around it,
 * outermost kept when one contains another; lines outside every function as their own ranges.
 * `skip` drops lines already sent (the test body itself). Sorted by line.
 */
export function executedExcerpts(spans: readonly Span[], ranges: ReadonlyArray<readonly [number, number]>, skip?: { startLine: number; endLine: number }): Excerpt[] {
  const chosen = new Map<Span, true>();
  const loose: number[] = [];
  const sorted = [...spans].sort((a, b) => a.endLine - a.startLine - (b.endLine - b.startLine));
  for (const [from, to] of ranges) {
    for (let line = from; line <= to; line++) {
      if (skip && line >= skip.startLine && line <= skip.endLine) continue;
      const inner = sorted.find((s) => s.startLine <= line && line <= s.endLine);
      if (inner) chosen.set(inner, true);
      else loose.push(line);
      // A whole function is taken at once: jump past it.
      if (inner && inner.endLine > line) line = Math.min(to, inner.endLine);
    }
  }
  const fns = [...chosen.keys()].filter((s, _, all) => !all.some((o) => o !== s && o.startLine <= s.startLine && s.endLine <= o.endLine && (o.startLine !== s.startLine || o.endLine !== s.endLine)));
  const out: Excerpt[] = fns.map((s) => ({ startLine: s.startLine, endLine: s.endLine, kind: 'function' as const }));
  const uniqueLoose = [...new Set(loose)].sort((a, b) => a - b).filter((l) => !out.some((e) => e.startLine <= l && l <= e.endLine));
  for (const l of uniqueLoose) {
    const last = out[out.length - 1];
    if (last && last.kind === 'lines' && last.endLine === l - 1) last.endLine = l;
    else out.push({ startLine: l, endLine: l, kind: 'lines' });
  }
  // Merge duplicates (two functions on the same lines) and sort.
  const seen = new Set<string>();
  return out
    .filter((e) => {
      const k = `${e.startLine}:${e.endLine}`;
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    })
    .sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
}

/** Lines [from, to] (1-based, inclusive) of a text. */
export function sliceLines(source: string, lineStarts: readonly number[], from: number, to: number): string {
  const start = lineStarts[from - 1] ?? source.length;
  return source.slice(start, lineEndOffset(source, lineStarts, Math.min(to, lineStarts.length)));
}
