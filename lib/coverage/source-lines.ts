// A script's lines as v8-to-istanbul (and so c8) sees them: the source without trailing whitespace,
// split after each newline; a line spans [start, end) without its newline. Lines marked with c8/v8/
// node:coverage ignore hints are never zeroed by c8, so they count as covered in loaded files.

export interface SourceLines {
  /** Offset of each line's first character; index 0 is line 1. */
  starts: number[];
  /** Offset just past each line's last character (newline excluded). */
  ends: number[];
  /** Lines (1-based) under an ignore hint. */
  ignored: Set<number>;
  /** Length of the trimmed source: ranges are clipped to it. */
  eof: number;
}

const IGNORE_NEXT_N = /^\W*\/\* (?:[cv]8|node:coverage) ignore next (\d+)/;
const IGNORE_NEXT_OWN_LINE = /^\W*\/\* (?:[cv]8|node:coverage) ignore next/;
const IGNORE_NEXT_INLINE = /\/\* (?:[cv]8|node:coverage) ignore next/;
const IGNORE_START_STOP = /\/\* [cv]8 ignore (start|stop)/;

export function sourceLines(source: string): SourceLines {
  const text = source.trimEnd();
  const starts: number[] = [];
  const ends: number[] = [];
  const ignored = new Set<number>();
  let pos = 0;
  let ignoreCount = 0;
  let ignoreAll = false;
  const parts = text.length === 0 ? [] : text.split(/(?<=\r?\n)/u);
  parts.forEach((lineStr, i) => {
    const line = i + 1;
    const nl = /\r?\n$/u.exec(lineStr);
    starts.push(pos);
    ends.push(pos + lineStr.length - (nl ? nl[0].length : 0));
    pos += lineStr.length;
    if (ignoreCount > 0) {
      ignored.add(line);
      ignoreCount--;
    } else if (ignoreAll) ignored.add(line);
    let m: RegExpExecArray | null;
    if ((m = IGNORE_NEXT_N.exec(lineStr))) {
      ignored.add(line);
      ignoreCount = Number(m[1]);
    } else if (IGNORE_NEXT_OWN_LINE.test(lineStr)) {
      ignored.add(line);
      ignoreCount = 1;
    } else if (IGNORE_NEXT_INLINE.test(lineStr)) {
      ignored.add(line);
    } else if ((m = IGNORE_START_STOP.exec(lineStr))) {
      ignored.add(line);
      ignoreAll = m[1] === 'start';
      ignoreCount = 0;
    }
  });
  return { starts, ends, ignored, eof: text.length };
}
