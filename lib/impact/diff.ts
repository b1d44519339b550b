// What changed between the run's commit and now, from `git diff --unified=0` text. Pure.
// Lines are in the OLD file's numbering: the run's per-test coverage was recorded on that version.

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
}

const unquote = (p: string): string => (p.startsWith('"') ? (JSON.parse(p) as string) : p);

/** Parses `git diff --unified=0 --no-color -M` output. */
export function parseDiff(text: string): FileChange[] {
  const out: FileChange[] = [];
  let cur: FileChange | undefined;
  for (const line of text.split('\n')) {
    const head = /^diff --git (?:"a\/(.+?)"|a\/(\S+)) (?:"b\/(.+)"|b\/(\S+))$/.exec(line);
    if (head) {
      const a = head[1] !== undefined ? unquote(`"${head[1]}"`) : head[2]!;
      cur = { file: a, kind: 'modified', lines: [], insertedAfter: [] };
      out.push(cur);
      continue;
    }
    if (!cur) continue;
    if (line.startsWith('new file mode')) cur.kind = 'added';
    else if (line.startsWith('deleted file mode')) cur.kind = 'deleted';
    else if (line.startsWith('rename to ')) {
      cur.kind = 'renamed';
      cur.to = unquote(line.slice('rename to '.length));
    } else if (line.startsWith('rename from ')) cur.file = unquote(line.slice('rename from '.length));
    else if (line.startsWith('Binary files ')) cur.kind = cur.kind === 'modified' ? 'binary' : cur.kind;
    else if (line.startsWith('+++ ') && cur.kind === 'added') {
      const p = line.slice(4);
      if (p !== '/dev/null') cur.file = unquote(p).replace(/^b\//, '');
    } else {
      const hunk = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@/.exec(line);
      if (!hunk) continue;
      const start = Number(hunk[1]);
      const count = hunk[2] === undefined ? 1 : Number(hunk[2]);
      const added = hunk[4] === undefined ? 1 : Number(hunk[4]);
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
