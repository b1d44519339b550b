// Reading the Markdown docs for the docs tests: the pages, their runnable blocks, their links and
// headings. A line-based reader, enough for our own pages (fenced code is skipped for links/headings).
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';

/** docs/**\/*.md and README.md, repo-relative POSIX paths, sorted. */
export function docPages(repo: string): string[] {
  const out = ['README.md'];
  const walk = (dir: string): void => {
    for (const name of readdirSync(path.join(repo, dir)).sort()) {
      const rel = `${dir}/${name}`;
      if (statSync(path.join(repo, rel)).isDirectory()) walk(rel);
      else if (name.endsWith('.md')) out.push(rel);
    }
  };
  walk('docs');
  return out.sort();
}

export interface RunnableBlock {
  /** page:line of the opening fence */
  where: string;
  script: string;
  /** Expected exit status (marker `exit=N`), default 0. */
  exit: number;
  /** Text the combined output must contain (marker `expect="..."`). */
  expect?: string;
}

const FENCE = /^(\s*)(`{3,}|~{3,})(.*)$/;
const MARKER = /^<!--\s*runnable\b(.*?)-->\s*$/;

/** The lines outside fenced code blocks, with their 0-based numbers. */
function* outsideFences(lines: string[]): Generator<[number, string]> {
  let fence: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const f = FENCE.exec(line);
    if (fence) {
      if (f && f[2]!.startsWith(fence) && f[3]!.trim() === '') fence = undefined;
      continue;
    }
    if (f) {
      fence = f[2]!;
      continue;
    }
    yield [i, line];
  }
}

/**
 * The blocks a page marks runnable: an HTML comment `<!-- runnable -->` (optionally with `exit=N` and
 * `expect="text"`) on the line before a fenced `sh`/`bash` block. A marker anywhere else is an error.
 */
export function runnableBlocks(page: string, text: string): RunnableBlock[] {
  const lines = text.split('\n');
  const out: RunnableBlock[] = [];
  for (const [i, line] of outsideFences(lines)) {
    const m = MARKER.exec(line.trim());
    if (!m) continue;
    const where = `${page}:${i + 2}`;
    const open = FENCE.exec(lines[i + 1] ?? '');
    if (!open || !/^(sh|bash|shell)\b/.test(open[3]!.trim())) throw new Error(`${page}:${i + 1}: <!-- runnable --> must be followed directly by a fenced sh block`);
    const body: string[] = [];
    let j = i + 2;
    for (; j < lines.length; j++) {
      const close = FENCE.exec(lines[j]!);
      if (close && close[2]!.startsWith(open[2]!) && close[3]!.trim() === '') break;
      body.push(lines[j]!);
    }
    if (j >= lines.length) throw new Error(`${where}: runnable block is not closed`);
    const opts = m[1]!;
    const exit = /\bexit=(\d+)/.exec(opts);
    const expect = /\bexpect="([^"]*)"/.exec(opts);
    const unknown = opts.replace(/\bexit=\d+/, '').replace(/\bexpect="[^"]*"/, '').trim();
    if (unknown) throw new Error(`${page}:${i + 1}: unknown runnable option "${unknown}" (exit=N, expect="text")`);
    out.push({ where, script: body.join('\n'), exit: exit ? Number(exit[1]) : 0, ...(expect ? { expect: expect[1]! } : {}) });
  }
  return out;
}

/** GitHub's heading anchor (github-slugger): lower case, punctuation dropped, each space a hyphen. */
export function slug(heading: string): string {
  const text = heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .trim()
    .toLowerCase();
  return text.replace(/[^\p{L}\p{N}\p{M}\p{Pc} -]/gu, '').replace(/ /g, '-');
}

/** Anchors a page defines: heading slugs (duplicates get -1, -2, ... as on GitHub) and <a id/name>. */
export function anchors(text: string): Set<string> {
  const out = new Set<string>();
  const count = new Map<string, number>();
  for (const [, line] of outsideFences(text.split('\n'))) {
    const h = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (h) {
      const base = slug(h[1]!);
      const n = count.get(base) ?? 0;
      count.set(base, n + 1);
      out.add(n ? `${base}-${n}` : base);
    }
    for (const a of line.matchAll(/<a\s+(?:id|name)="([^"]+)"/g)) out.add(a[1]!);
  }
  return out;
}

export interface Link {
  where: string;
  target: string;
}

/** Markdown links and images outside code (fenced blocks, indented blocks, inline code spans). */
export function links(page: string, text: string): Link[] {
  const out: Link[] = [];
  const lines = text.split('\n');
  for (const [i, line] of outsideFences(lines)) {
    if (/^( {4}|\t)/.test(line) && (i === 0 || lines[i - 1]!.trim() === '' || /^( {4}|\t)/.test(lines[i - 1]!))) continue;
    const prose = line.replace(/`[^`]*`/g, '');
    for (const m of prose.matchAll(/!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) out.push({ where: `${page}:${i + 1}`, target: m[1]! });
  }
  return out;
}

/** Problems with the relative links and anchors of the given pages (external URLs are not fetched). */
export function brokenLinks(repo: string, pages: string[]): string[] {
  const problems: string[] = [];
  const anchorCache = new Map<string, Set<string>>();
  const anchorsOf = (rel: string): Set<string> => {
    let a = anchorCache.get(rel);
    if (!a) anchorCache.set(rel, (a = anchors(readFileSync(path.join(repo, rel), 'utf8'))));
    return a;
  };
  for (const page of pages) {
    for (const { where, target } of links(page, readFileSync(path.join(repo, page), 'utf8'))) {
      if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:
      const hash = target.indexOf('#');
      const file = decodeURI(hash >= 0 ? target.slice(0, hash) : target);
      const anchor = hash >= 0 ? decodeURIComponent(target.slice(hash + 1)) : undefined;
      const resolved = file ? path.posix.normalize(path.posix.join(path.posix.dirname(page), file)) : page;
      if (resolved.startsWith('../') || path.posix.isAbsolute(resolved)) {
        problems.push(`${where}: ${target} points outside the repository`);
        continue;
      }
      if (!existsSync(path.join(repo, resolved))) {
        problems.push(`${where}: ${target}: no such file ${resolved}`);
        continue;
      }
      if (anchor === undefined) continue;
      if (!resolved.endsWith('.md')) {
        problems.push(`${where}: ${target}: anchor into a file that is not Markdown`);
        continue;
      }
      if (!anchorsOf(resolved).has(anchor)) problems.push(`${where}: ${target}: no heading with anchor #${anchor} in ${resolved}`);
    }
  }
  return problems;
}
