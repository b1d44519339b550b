// In-child coverage intervals through an in-process inspector session (cheaper than NODE_V8_COVERAGE
// files: no file-name collisions, no node internals, no source-map-cache re-serialised per take).
// Each take returns the counts since the previous take and resets them.
import { Session } from 'node:inspector';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sourceLines, type SourceLines } from '../lib/coverage/source-lines.js';
import { coveredLines, coveredOriginalLines, toOriginalProfile, type V8Function } from '../lib/coverage/v8-lines.js';
import { toRanges, type LineRange } from '../lib/coverage/ranges.js';
import { addTakes, normalized, wholeProcess } from '../lib/coverage/intervals.js';
import { loadRangeMap, textDigest, type RangeMap } from '../lib/coverage/source-map.js';

interface ScriptCoverage {
  scriptId: string;
  url: string;
  functions: V8Function[];
}

/** What one executed script is, once: its lines, and where they map when it was compiled. */
interface Script {
  lines: SourceLines;
  map?: RangeMap;
  /** The file its function and branch counts belong to (the original when the map has one source). */
  owner: string;
  /** The code V8 ran: adding intervals up tells V8's continuation blocks by it (lib/coverage/intervals.ts). */
  text: string;
}

/** Per script instance (owner file and V8 scriptId): a module evaluated twice (its cache cleared) is two scripts, as c8 sees them. */
export interface ScriptTotals {
  /** The file its counts belong to. */
  owner: string;
  /** Block edges the intervals left undecided (lib/coverage/intervals.ts): branch totals may differ from c8's there. */
  guessed?: Set<string>;
  /** This process's intervals merged so far, and those not merged yet (merged in batches). */
  merged: V8Function[];
  pending: V8Function[][];
  /** Compiled code: its map, to move the merged profile to the original's offsets when it is read. */
  map?: RangeMap;
  /** Compiled code: the generated file the offsets belong to. */
  generated?: string;
  text?: string;
}

/** A process's whole profile of a file; compiled code also in the generated file's own offsets, for c8's merge-then-map. */
export interface ProcessProfile {
  functions: V8Function[];
  /** How many block edges were guessed adding the intervals up (absent: none). */
  guessed?: number;
  generated?: { file: string; digest: string; functions: V8Function[]; memory?: true };
}

export interface SourceInfo {
  file: string;
  lines: number;
  ignored: number[];
}

const MERGE_BATCH = 64;

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}
const TS_URL = /\.(?:[cm]?ts|tsx)$/;

export class CoverageCollector {
  readonly #session = new Session();
  readonly #root: string;
  readonly #skip: (file: string) => boolean;
  readonly #scripts = new Map<string, Script | null>();
  readonly #announced = new Set<string>();
  readonly #urls = new Map<string, string | null>();
  /** Files V8 ran as code a loader compiled in memory (tsx, ts-node): no compiled file to read back. */
  readonly #memory = new Set<string>();
  #debugger = false;
  readonly totals = new Map<string, ScriptTotals>();
  /** Called once per source file first seen, with its line total (what c8 counts). */
  onNewSource: ((info: SourceInfo) => void) | undefined;

  constructor(root: string, skip: (file: string) => boolean) {
    this.#root = root;
    this.#skip = skip;
    this.#session.connect();
    this.#post('Profiler.enable');
    this.#post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
  }

  // The main-thread session answers synchronously, which is what lets hooks take intervals inline.
  #post(method: string, params?: object): unknown {
    let result: unknown;
    let error: Error | null = null;
    this.#session.post(method, params ?? {}, (err, res) => {
      error = err;
      result = res;
    });
    // Assigned in the (synchronous) callback, which TypeScript's narrowing cannot see.
    const failed = error as Error | null;
    if (failed) throw failed;
    return result;
  }

  /** `outside`: for an original source, lines no generated range can reach (c8 never zeroes them). `known`: its lines, when already split. */
  #announce(file: string, text: string | undefined, outside?: readonly number[], known?: SourceLines): void {
    if (this.#announced.has(file)) return;
    this.#announced.add(file);
    let source = text;
    if (source === undefined && !known) {
      try {
        source = readFileSync(file, 'utf8');
      } catch {
        return;
      }
    }
    const lines = known ?? sourceLines(source!);
    const ignored = new Set(lines.ignored);
    // Lines outside the script's own range once mapped (leading types, comments) are never zeroed by c8 either.
    if (outside) for (const n of outside) ignored.add(n);
    this.onNewSource?.({ file, lines: lines.starts.length, ignored: [...ignored].sort((a, b) => a - b) });
  }

  /** The text V8 runs for a TypeScript URL: a loader (tsx, ts-node) may have compiled it in memory. */
  #v8Source(scriptId: string): string | undefined {
    try {
      if (!this.#debugger) {
        this.#post('Debugger.enable');
        this.#debugger = true;
      }
      return (this.#post('Debugger.getScriptSource', { scriptId }) as { scriptSource: string }).scriptSource;
    } catch {
      return undefined;
    }
  }

  #script(file: string, scriptId: string, functions: readonly V8Function[]): Script | null {
    let script = this.#scripts.get(file);
    if (script !== undefined) return script;
    script = null;
    try {
      const disk = readFileSync(file, 'utf8');
      // Node's own type stripping keeps every offset; a loader's compiled text differs from the file.
      const text = TS_URL.test(file) ? (this.#v8Source(scriptId) ?? disk) : disk;
      const map = loadRangeMap(file, text, readText);
      if (text !== disk) this.#memory.add(file);
      const lines = sourceLines(text);
      script = { lines, map, owner: map?.sources.length === 1 ? map.sources[0]!.file : file, text };
      if (map) {
        // Original lines no range of the script reaches once mapped (leading types and comments; all of the
        // top level when the script's own range cannot be mapped) are never zeroed by c8: every function is
        // listed, run or not, where the script first appears.
        const reach = (fns: readonly V8Function[]): V8Function[] => fns.map((f) => ({ ...f, ranges: f.ranges.map((r) => ({ ...r, count: 1 })) }));
        const root = coveredOriginalLines(map, reach([{ functionName: '', isBlockCoverage: true, ranges: [{ startOffset: 0, endOffset: text.length, count: 1 }] }, ...functions]));
        map.sources.forEach((src, i) => {
          if (!src.lines) return;
          const inside = new Set(root.get(i));
          const outside: number[] = [];
          for (let n = 1; n <= src.lines.starts.length; n++) if (!inside.has(n)) outside.push(n);
          this.#announce(src.file, src.text, outside);
        });
      } else this.#announce(file, disk, undefined, text === disk ? lines : undefined); // Type stripping keeps offsets but may append a sourceURL line.
    } catch {
      // Not on disk (generated code) or an unreadable map: nothing to map lines to.
    }
    this.#scripts.set(file, script);
    return script;
  }

  #merge(t: ScriptTotals): void {
    t.merged = addTakes([t.merged, ...t.pending].filter((l) => l.length > 0), t.text, (t.guessed ??= new Set()));
    t.pending = [];
  }

  /**
   * This process's whole profile of a file, every interval merged, raw as NODE_V8_COVERAGE would write it
   * (c8 merges processes raw, then normalizes). Compiled code: that raw profile at the generated file's
   * offsets, to be merged with the other processes' and then mapped, as c8 does; plus this process's
   * profile mapped to the original, for when the generated file cannot be read back at the fold.
   */
  profile(t: ScriptTotals): ProcessProfile {
    this.#merge(t);
    const whole = wholeProcess(t.merged);
    const guessed = t.guessed?.size ? { guessed: t.guessed.size } : {};
    if (!t.map || t.generated === undefined || t.text === undefined) return { functions: whole, ...guessed };
    const generated = { file: t.generated, digest: textDigest(t.text), functions: structuredClone(whole), ...(this.#memory.has(t.generated) ? { memory: true as const } : {}) };
    return { functions: toOriginalProfile(t.map, 0, normalized(whole)), generated, ...guessed };
  }

  #inProject(file: string): boolean {
    return file.startsWith(this.#root + path.sep) && !this.#skip(file);
  }

  /** One interval: absolute (original) file -> lines that ran in it. */
  /** A script URL's file when it is one of the project's, else null; asked for every script of every take, so kept. */
  #projectFile(url: string): string | null {
    let file = this.#urls.get(url);
    if (file !== undefined) return file;
    file = null;
    if (url.startsWith('file:')) {
      try {
        const f = fileURLToPath(url);
        if (this.#inProject(f)) file = f;
      } catch {
        // not a path (a file: URL with a host): not a project file
      }
    }
    this.#urls.set(url, file);
    return file;
  }

  take(): Map<string, LineRange[]> {
    const res = this.#post('Profiler.takePreciseCoverage') as { result: ScriptCoverage[] };
    const lines = new Map<string, number[]>();
    for (const script of res.result) {
      const file = this.#projectFile(script.url);
      if (file === null) continue;
      const s = this.#script(file, script.scriptId, script.functions);
      if (!s) continue;
      // Each instance apart: V8 post-processes each one's counts on its own, so their sum would not be what c8 merges.
      const key = `${s.owner}\u0000${script.scriptId}`;
      let totals = this.totals.get(key);
      if (!totals) this.totals.set(key, (totals = { owner: s.owner, merged: [], pending: [], ...(s.owner !== file ? { map: s.map, generated: file } : {}), text: s.text }));
      totals.pending.push(script.functions);
      if (totals.pending.length >= MERGE_BATCH) this.#merge(totals);
      const add = (target: string, ran: number[]): void => {
        if (ran.length === 0 || !this.#inProject(target)) return;
        const list = lines.get(target);
        if (list) list.push(...ran);
        else lines.set(target, ran);
      };
      // An interval lists a script whose code did not run in it with every count 0: no line ran.
      if (!script.functions.some((fn) => fn.ranges.some((r) => r.count > 0))) continue;
      if (s.map) for (const [i, ran] of coveredOriginalLines(s.map, script.functions)) add(s.map.sources[i]!.file, ran);
      else add(file, coveredLines(s.lines, script.functions));
    }
    return new Map([...lines].map(([f, l]) => [f, toRanges(l)]));
  }
}
