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
  // Lines end after each "\n" (a "\r" before it is not part of the line either). A scan, not a split
  // with a look-behind: this runs for every script a test process loads.
  let line = 0;
  let hint = text.indexOf('ignore');
  while (pos < text.length) {
    line++;
    const nl = text.indexOf('\n', pos);
    const next = nl < 0 ? text.length : nl + 1;
    starts.push(pos);
    ends.push(nl < 0 ? next : nl > pos && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl);
    if (ignoreCount > 0) {
      ignored.add(line);
      ignoreCount--;
    } else if (ignoreAll) ignored.add(line);
    // Every hint has the word in it: most lines need no regular expression at all.
    if (hint >= 0 && hint < pos) hint = text.indexOf('ignore', pos);
    if (hint >= 0 && hint < next) {
      const lineStr = text.slice(pos, next);
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
    }
    pos = next;
  }
  return { starts, ends, ignored, eof: text.length };
}
