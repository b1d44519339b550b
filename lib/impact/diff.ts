// What changed between the run's commit and now, from `git diff --unified=0` text. Pure.
// `lines`/`insertedAfter` are in the OLD file's numbering (`affected`: the run was made at the old
// version); `newLines` in the NEW file's numbering (coverage of a change: the run was made at the new one).

export type ChangeKind = 'modified' | 'added' | 'deleted' | 'renamed' | 'binary';

export interface FileChange {
  /** Path in the run's version (for added files: the new path). Repo-relative POSIX. */
  file: string;
  kind: ChangeKind;
  /** For renames: the new path. */
  to?: string;
  /** Old-file lines that were changed or deleted. */
  lines: number[];
  /** Insertions, as the old line they follow (0: before line 1). */
  insertedAfter: number[];
  /** New-file lines that were added or changed. */
  newLines?: number[];
  /** Those of newLines that are blank or a comment only: not code, whatever the coverage counts. */
  newBlank?: number[];
  /** Git could not show a text diff (any kind: an added binary file stays `added`). */
  binary?: true;
}

export const BLANK_OR_COMMENT = /^\s*(?:$|\/\/|\/\*|\*)/;

const ESC: Record<string, string> = { a: '\x07', b: '\b', t: '\t', n: '\n', v: '\v', f: '\f', r: '\r', '"': '"', '\\': '\\' };

/** Git's C-style quoted path ("a/\303\251 \"x\"\n") -> the path; octal escapes are UTF-8 bytes. */
export function unquotePath(p: string): string {
  if (!p.startsWith('"')) return p;
  const bytes: number[] = [];
  const body = p.endsWith('"') && p.length > 1 ? p.slice(1, -1) : p.slice(1);
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const oct = /^[0-7]{3}/.exec(body.slice(i + 1));
    if (oct) {
      bytes.push(parseInt(oct[0], 8) & 0xff);
      i += 3;
    } else {
      const e = body[i + 1] ?? '\\';
      bytes.push(...Buffer.from(ESC[e] ?? e, 'utf8'));
      i++;
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** `a/x` or `"a/x"` (with git's trailing tab on names holding a space) -> x. */
const side = (p: string): string => unquotePath(p.replace(/\t$/, '')).replace(/^[ab]\//, '');

/** The old path of a `diff --git` header: quoted, or the first half of "a/X b/X", or up to " b/". */
function headerPath(rest: string): string {
  if (rest.startsWith('"')) {
    const end = /^"(?:[^"\\]|\\.)*"/.exec(rest);
    return side(end ? end[0] : rest);
  }
  const half = (rest.length - 1) / 2;
  if (Number.isInteger(half) && rest.slice(2, half) === rest.slice(half + 3) && rest.slice(half, half + 3) === ' b/') return rest.slice(2, half);
  const q = rest.indexOf(' "b/');
  const b = rest.indexOf(' b/');
  return side(rest.slice(0, q >= 0 ? q : b >= 0 ? b : rest.length));
}

/** Parses `git diff --unified=0 --no-color -M` output. */
export function parseDiff(text: string): FileChange[] {
  const out: FileChange[] = [];
  let cur: FileChange | undefined;
  // Lines left in the current hunk: its content lines are never read as headers.
  let oldLeft = 0;
  let newLeft = 0;
  let next = 0;
  for (const line of text.split('\n')) {
    if (cur && (oldLeft > 0 || newLeft > 0)) {
      if (line.startsWith('-')) {
        oldLeft--;
        continue;
      }
      if (line.startsWith('+')) {
        newLeft--;
        cur.newLines!.push(next);
        if (BLANK_OR_COMMENT.test(line.slice(1))) cur.newBlank!.push(next);
        next++;
        continue;
      }
      if (!line.startsWith('\\')) oldLeft = newLeft = 0;
    }
    // "\ No newline at end of file"
    if (line.startsWith('\\')) continue;
    if (line.startsWith('diff --git ')) {
      cur = { file: headerPath(line.slice('diff --git '.length)), kind: 'modified', lines: [], insertedAfter: [], newLines: [], newBlank: [] };
      out.push(cur);
      continue;
    }
    if (!cur) continue;
    if (line.startsWith('new file mode')) cur.kind = 'added';
    else if (line.startsWith('deleted file mode')) cur.kind = 'deleted';
    else if (line.startsWith('rename to ')) {
      cur.kind = 'renamed';
      cur.to = unquotePath(line.slice('rename to '.length));
    } else if (line.startsWith('rename from ')) cur.file = unquotePath(line.slice('rename from '.length));
    else if (line.startsWith('Binary files ')) {
      cur.binary = true;
      cur.kind = cur.kind === 'modified' ? 'binary' : cur.kind;
    } else if (line.startsWith('--- ') && line !== '--- /dev/null' && cur.kind !== 'renamed') cur.file = side(line.slice(4));
    else if (line.startsWith('+++ ') && line !== '+++ /dev/null') {
      const p = side(line.slice(4));
      if (cur.kind === 'added') cur.file = p;
      else if (cur.kind === 'renamed') cur.to = p;
    } else {
      const hunk = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
      if (!hunk) continue;
      const start = Number(hunk[1]);
      const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
      const added = hunk[4] === undefined ? 1 : Number(hunk[4]);
      oldLeft = count;
      newLeft = added;
      next = Number(hunk[3]);
      // "-k,0": nothing removed, lines inserted after old line k.
      if (count === 0) cur.insertedAfter.push(start);
      else {
        for (let n = start; n < start + count; n++) cur.lines.push(n);
        // More lines in than out: the extra ones sit inside the same hunk, after its last old line.
        if (added > count) cur.insertedAfter.push(start + count - 1);
      }
    }
  }
  return out;
}
