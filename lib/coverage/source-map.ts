// Generated ranges -> original ranges, for code that was compiled (tsc with source maps, tsx, bundlers).
// The mapping is v8-to-istanbul's (what c8 uses), step for step: each end of a V8 range is mapped on
// its own through the map (the start with a greatest-lower-bound lookup falling back to least-upper-
// bound, the end to the end of the original segment it falls in), then the original range decides
// which original lines it fully contains. A range whose ends cannot be mapped is left out, as
// v8-to-istanbul leaves it out. The map is decoded once per script, and every range end is looked up
// once per script (ranges repeat from one take to the next), so a take costs a few Map lookups.
import type { SourceMapPayload } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceLines, type SourceLines } from './source-lines.js';

const MAP_URL = /\/[/*][#@]\s*sourceMappingURL=([^\s*]+)\s*(?:\*\/)?\s*$/;

/** The sourceMappingURL of a generated file's text, if its last lines name one. */
export function sourceMappingUrl(text: string): string | undefined {
  const tail = text.slice(Math.max(0, text.length - 4096)).trimEnd().split('\n');
  for (let i = tail.length - 1; i >= Math.max(0, tail.length - 3); i--) {
    const m = MAP_URL.exec(tail[i]!);
    if (m) return m[1];
  }
  return undefined;
}

function resolveSource(source: string, mapDir: string, sourceRoot: string | undefined): string {
  if (source.startsWith('file://')) return fileURLToPath(source);
  return path.resolve(mapDir, sourceRoot ?? '', source);
}

/** Decode an inline data: URL map, or return the path of a map file next to the generated file. */
export function readMapUrl(url: string, generatedFile: string): { payload?: SourceMapPayload; file?: string } {
  if (url.startsWith('data:')) {
    const comma = url.indexOf(',');
    const meta = url.slice(5, comma);
    const data = url.slice(comma + 1);
    const json = meta.endsWith(';base64') ? Buffer.from(data, 'base64').toString('utf8') : decodeURIComponent(data);
    return { payload: JSON.parse(json) as SourceMapPayload };
  }
  return { file: url.startsWith('file://') ? fileURLToPath(url) : path.resolve(path.dirname(generatedFile), decodeURIComponent(url)) };
}

/**
 * A generated file's range map, from its text: the map its sourceMappingURL names, inline or beside it;
 * undefined when it names none. Throws when the named map cannot be read or parsed.
 */
export function loadRangeMap(file: string, text: string, read: (file: string) => string | undefined): RangeMap | undefined {
  const url = sourceMappingUrl(text);
  if (!url) return undefined;
  const where = readMapUrl(url, file);
  let payload = where.payload;
  if (!payload && where.file) {
    const json = read(where.file);
    if (json === undefined) throw new Error(`source map ${path.basename(where.file)} is not a readable file`);
    payload = JSON.parse(json) as SourceMapPayload;
  }
  return payload ? rangeMap(text, payload, where.file ? path.dirname(where.file) : path.dirname(file), read) : undefined;
}

/** Which text a profile's offsets belong to: a rebuilt file between the run and the fold must not be mapped. Not a security digest. */
export function textDigest(text: string): string {
  // cyrb53: 53 bits, fast over long strings; the length rules out most changes on its own.
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ c, 2654435761);
    h2 = Math.imul(h2 ^ c, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return `${text.length}-${(4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36)}`;
}

// ---- The mappings, decoded as @jridgewell/sourcemap-codec decodes them -------------------------

/** [generated column] or [generated column, source index, original line (0-based), original column]. */
type Segment = [number] | [number, number, number, number];
/** By original line: [original column, generated line (0-based), generated column]. */
type Reverse = [number, number, number];

const B64 = new Int8Array(128).fill(-1);
'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/'.split('').forEach((c, i) => (B64[c.charCodeAt(0)] = i));

export function decodeMappings(mappings: string): Segment[][] {
  const out: Segment[][] = [];
  let source = 0;
  let line = 0;
  let column = 0;
  let pos = 0;
  const n = mappings.length;
  const vlq = (): number => {
    let value = 0;
    let shift = 0;
    let digit: number;
    do {
      digit = B64[mappings.charCodeAt(pos++)] ?? -1;
      if (digit < 0) throw new Error('invalid source map mappings');
      value |= (digit & 31) << shift;
      shift += 5;
    } while (digit & 32);
    const negative = value & 1;
    value >>>= 1;
    return negative ? -0x80000000 | -value : value;
  };
  for (;;) {
    let semi = mappings.indexOf(';', pos);
    if (semi < 0) semi = n;
    const segs: Segment[] = [];
    let gen = 0;
    let sorted = true;
    while (pos < semi) {
      const last = gen;
      gen += vlq();
      if (gen < last) sorted = false;
      if (pos < semi && mappings[pos] !== ',') {
        source += vlq();
        line += vlq();
        column += vlq();
        if (pos < semi && mappings[pos] !== ',') vlq(); // name
        segs.push([gen, source, line, column]);
      } else segs.push([gen]);
      pos++; // the ',' (or one past `semi`, corrected below)
    }
    if (!sorted) segs.sort((a, b) => a[0] - b[0]);
    out.push(segs);
    if (semi >= n) break;
    pos = semi + 1;
  }
  return out;
}

const GLB = 1;
const LUB = -1;

/** trace-mapping's search in one line's segments (sorted by column): the index, or -1. */
function traceIndex(segs: ReadonlyArray<readonly number[]>, column: number, bias: number): number {
  let low = 0;
  let high = segs.length - 1;
  let found = false;
  while (low <= high) {
    const mid = low + ((high - low) >> 1);
    const cmp = segs[mid]![0]! - column;
    if (cmp === 0) {
      found = true;
      low = mid;
      break;
    }
    if (cmp < 0) low = mid + 1;
    else high = mid - 1;
  }
  let index = found ? low : low - 1;
  if (found) {
    if (bias === LUB) while (index + 1 < segs.length && segs[index + 1]![0] === column) index++;
    else while (index - 1 >= 0 && segs[index - 1]![0] === column) index--;
  } else if (bias === LUB) index++;
  return index === -1 || index === segs.length ? -1 : index;
}

interface Original {
  source: number;
  line: number; // 1-based, as trace-mapping returns it
  column: number;
}

class Tracer {
  readonly #decoded: Segment[][];
  #bySource: Reverse[][][] | undefined;
  constructor(decoded: Segment[][], readonly sourceCount: number) {
    this.#decoded = decoded;
  }

  /** originalPositionFor: `line` 1-based. */
  original(line: number, column: number, bias: number): Original | undefined {
    const segs = this.#decoded[line - 1];
    if (!segs) return undefined;
    const i = traceIndex(segs, column, bias);
    if (i < 0) return undefined;
    const s = segs[i]!;
    return s.length === 1 ? undefined : { source: s[1], line: s[2] + 1, column: s[3] };
  }

  /** generatedPositionFor: `line` 1-based; returns 1-based line. */
  generated(source: number, line: number, column: number, bias: number): { line: number; column: number } | undefined {
    if (!this.#bySource) {
      const by: Reverse[][][] = Array.from({ length: this.sourceCount }, () => []);
      this.#decoded.forEach((segs, g) => {
        for (const s of segs) {
          if (s.length === 1) continue;
          const src = (by[s[1]] ??= []);
          (src[s[2]] ??= []).push([s[3], g, s[0]]);
        }
      });
      for (const src of by) for (const l of src) if (l) l.sort((a, b) => a[0] - b[0]);
      this.#bySource = by;
    }
    const segs = this.#bySource[source]?.[line - 1];
    if (!segs) return undefined;
    const i = traceIndex(segs, column, bias);
    if (i < 0) return undefined;
    return { line: segs[i]![1] + 1, column: segs[i]![2] };
  }
}

/** v8-to-istanbul's sliceRange (range.js), its quirks included: the lines a range touches, as [first, end). */
export function sliceRange(lines: SourceLines, startCol: number, endCol: number, inclusive = false): [number, number] {
  let start = 0;
  let end = lines.starts.length;
  if (inclusive) --startCol;
  while (start < end) {
    let mid = (start + end) >> 1;
    if (startCol >= lines.ends[mid]!) start = mid + 1;
    else if (endCol < lines.starts[mid]!) end = mid - 1;
    else {
      end = mid;
      while (mid >= 0 && startCol < lines.ends[mid]! && endCol >= lines.starts[mid]!) --mid;
      start = mid + 1;
      break;
    }
  }
  while (end < lines.starts.length && startCol < lines.ends[end]! && endCol >= lines.starts[end]!) ++end;
  return [start, end];
}

/** An original range: the source's index and absolute offsets in its (trimmed) text. */
export interface MappedRange {
  source: number;
  start: number;
  end: number;
}

export interface RangeMap {
  /** Original sources by index: absolute path, text (from the map or the loader) and its lines. */
  sources: Array<{ file: string; text: string | undefined; lines: SourceLines | undefined }>;
  /** The generated lines as c8 sees them. */
  generated: SourceLines;
  /** A V8 range (generated offsets) -> its original range, or undefined where v8-to-istanbul drops it. */
  map(startOffset: number, endOffset: number): MappedRange | undefined;
}

/**
 * The generated text as c8 rebuilds it from node's source-map cache: each line (split at \n, \u2028,
 * \u2029) replaced by as many dots, so only line lengths matter (a \r stays part of its line).
 */
function generatedLines(text: string): SourceLines {
  const lengths = text.split(/\n|\u2028|\u2029/u).map((l) => l.length);
  let fake = '';
  for (const l of lengths) fake += '.'.repeat(l) + '\n';
  return sourceLines(fake);
}

/**
 * Build the range map of a generated file from its text and its map (payload already loaded).
 * `load` reads an original source the map does not carry (v8-to-istanbul reads it from disk).
 */
export function rangeMap(generatedText: string, payload: SourceMapPayload, mapDir: string, load: (file: string) => string | undefined): RangeMap {
  const tracer = new Tracer(decodeMappings(payload.mappings), payload.sources.length);
  const sources = payload.sources.map((s, i) => {
    const file = resolveSource(s, mapDir, payload.sourceRoot || undefined);
    // A single-source map's text is its sourcesContent when present, else the file (v8-to-istanbul's order).
    const text = payload.sourcesContent?.[i] ?? load(file);
    return { file, text, lines: text === undefined ? undefined : sourceLines(text) };
  });
  const gen = generatedLines(generatedText);

  /** originalPositionTryBoth (source.js). */
  const tryBoth = (line: number, column: number): Original | { source: undefined; line: null; column: null } => {
    let original: Original | undefined = tracer.original(line, column, GLB) ?? tracer.original(line, column, LUB);
    const min = tracer.original(line, 0, GLB);
    // `min.line > original.line` with a null line on the right compares as > 0.
    if (min && min.line > (original?.line ?? 0)) original = min;
    return original ?? { source: undefined, line: null, column: null };
  };

  /** originalEndPositionFor (source.js): the end of the original segment a generated end falls in. */
  const endFor = (line: number, column: number): Original | undefined => {
    const before = tryBoth(line, Math.max(column - 1, 1));
    if (before.source === undefined) return undefined;
    const after = tracer.generated(before.source, before.line, before.column + 1, LUB);
    if (after === undefined || tracer.original(after.line, after.column, GLB)?.line !== before.line) return { source: before.source, line: before.line, column: Infinity };
    return tracer.original(after.line, after.column, GLB);
  };

  /** relativeToOffset (source.js), on the original's lines. */
  const toOffset = (lines: SourceLines, eof: number, line: number, column: number): number => {
    const l = Math.max(line, 1) - 1;
    if (l >= lines.starts.length || Number.isNaN(l)) return eof;
    return Math.min(lines.starts[l]! + column, lines.ends[l]!);
  };

  type Start = { o: Original | undefined; line: number };
  type End = { o: Original | undefined; line: number; col: number };
  const starts = new Map<number, Start>();
  const ends = new Map<number, End>();

  return {
    sources,
    generated: gen,
    map(startOffset: number, endOffset: number): MappedRange | undefined {
      const startCol = Math.max(0, startOffset);
      const endCol = Math.min(gen.eof, endOffset);
      const [first, stop] = sliceRange(gen, startCol, endCol, true);
      if (first >= stop) return undefined;
      const lastLine = stop - 1;
      // Memoised by offset; the slice's first (last) line nearly always follows from the start (end) alone.
      let s = starts.get(startCol);
      if (s?.line !== first) {
        const o = tryBoth(first + 1, Math.max(0, startCol - gen.starts[first]!));
        s = { o: o.source === undefined ? undefined : o, line: first };
        starts.set(startCol, s);
      }
      let e = ends.get(endCol);
      if (e?.line !== lastLine) {
        const col = endCol - gen.starts[lastLine]!;
        e = { o: endFor(lastLine + 1, col), line: lastLine, col };
        ends.set(endCol, e);
      }
      const start = s.o;
      if (start === undefined || e.o === undefined) return undefined;
      let end: { source: number | undefined; line: number | null; column: number | null } = e.o;
      if (start.source !== end.source) return undefined;
      if (start.line === end.line && start.column === end.column) {
        const lub = tracer.original(lastLine + 1, e.col, LUB);
        // trace-mapping gives nulls when nothing follows: null - 1 is -1, Math.max(null, 1) is 1.
        end = lub ? { ...lub, column: lub.column - 1 } : { source: undefined, line: 1, column: -1 };
      }
      const src = sources[start.source]!;
      if (!src.lines) return undefined;
      const eof = src.lines.eof;
      return { source: start.source, start: toOffset(src.lines, eof, start.line, start.column), end: toOffset(src.lines, eof, end.line ?? 1, end.column ?? -1) };
    },
  };
}
