// Generated lines -> original lines, for code that was compiled (tsc with source maps, tsx, bundlers).
// Each generated line maps through its first non-blank column, as a reader would place it.
import { SourceMap, type SourceMapPayload } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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

export interface LineMap {
  /** For generated line i (index i-1): the original absolute file and line, or undefined. */
  lines: Array<{ file: string; line: number } | undefined>;
  /** Original sources: absolute path -> their text when the map carries it. */
  sources: Map<string, string | undefined>;
}

function resolveSource(source: string, mapDir: string, sourceRoot: string | undefined): string {
  if (source.startsWith('file://')) return fileURLToPath(source);
  return path.resolve(mapDir, sourceRoot ?? '', source);
}

/** Build the line map of a generated file from its text and its map (payload already loaded). */
export function lineMap(generatedText: string, payload: SourceMapPayload, mapDir: string): LineMap {
  const map = new SourceMap(payload);
  const sources = new Map<string, string | undefined>();
  payload.sources.forEach((s, i) => sources.set(resolveSource(s, mapDir, payload.sourceRoot || undefined), payload.sourcesContent?.[i] ?? undefined));
  const lines: LineMap['lines'] = [];
  generatedText.split('\n').forEach((text, i) => {
    const col = text.search(/\S/);
    if (col < 0) {
      lines.push(undefined);
      return;
    }
    const e = map.findEntry(i, col) as { originalSource?: string; originalLine?: number };
    lines.push(e && e.originalSource !== undefined && e.originalLine !== undefined ? { file: resolveSource(e.originalSource, mapDir, undefined), line: e.originalLine + 1 } : undefined);
  });
  return { lines, sources };
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
