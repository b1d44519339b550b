// One process's per-test intervals added up into the profile V8 would have given for the whole process.
// V8 post-processes every take (src/debug/debug-coverage.cc, CollectBlockCoverageInternal): adjacent
// sibling blocks with equal counts are fused, a block with its parent's count is dropped, an uncovered
// block inside an uncovered parent is dropped. A take shows only what survived for ITS counts, so
// intervals added range by range (c8's merge) keep fused ranges as invented parents and lose blocks.
// Instead: the blocks every take reveals, fused ranges cut back at the boundaries other takes show,
// each block counted in every take by the innermost range that covers it (V8's passes never change
// which count a position has), the counts added, then V8's passes replayed once on the sums, in
// V8's order. Needs counts, not 0/1 (binary takes cannot be added).
import type { V8Function, V8Range } from './v8-lines.js';
import v8Coverage from '@bcoe/v8-coverage';
import { balanced, blockEnd, branchEnd, chainLinks, clauseEnd, closes, codeOnly, continuation, controlBlock, elseOf, nextOperand, operand, statement, statementEnd, unopened, whole } from './source-edges.js';

type Block = [start: number, end: number, count: number];

/** The innermost range of a take's function (pre-order, root first) that covers [s, e). */
function countIn(ranges: readonly V8Range[], s: number, e: number): number {
  let c = 0;
  for (const r of ranges) if (r.startOffset <= s && e <= r.endOffset) c = r.count;
  return c;
}

/**
 * What blocks() reads from the code about a range, each answer computed once per script and merge:
 * every round of blocks() asks again about every range it did not cut, and the answers (a scan of
 * the range's code) depend on the offsets only.
 */
interface Syntax {
  code: string | undefined;
  continuation(at: number): boolean;
  /** The nearest block (or operand, ternary branch, optional link) a continuation at `s` ends at inside [s, e) by the code alone (Infinity: none). */
  nextBlock(s: number, e: number): number;
  balanced(s: number, e: number): boolean;
  /** Where a block, branch, statement or clause starting at `at` ends. */
  shut(at: number): number | undefined;
}

function syntaxOf(code: string | undefined): Syntax {
  const memo = new Map<string, number | boolean | undefined>();
  const once = <T extends number | boolean | undefined>(k: string, f: () => T): T => {
    if (memo.has(k)) return memo.get(k) as T;
    const v = f();
    memo.set(k, v);
    return v;
  };
  return {
    code,
    continuation: (at) => once(`c${at}`, () => continuation(code, at)),
    nextBlock: (s, e) => once(`n${s}:${e}`, () => Math.min(controlBlock(code!, s, e) ?? Infinity, unopened(code!, s, e) ?? Infinity, nextOperand(code!, s, e) ?? Infinity)),
    balanced: (s, e) => once(`b${s}:${e}`, () => balanced(code!, s, e)),
    shut: (at) => once(`s${at}`, () => blockEnd(code, at) ?? branchEnd(code, at) ?? (statement(code, at) ? statementEnd(code!, at) : code === undefined ? undefined : clauseEnd(code, at))),
  };
}

/**
 * The blocks behind the ranges of several takes of one function. A range is cut where a range that
 * starts before it ends inside it (V8 fuses a block with the next one after deleting their parent,
 * so the later range is the fused one), and where a range sharing its start or its end stops
 * inside it, unless one take holds both (then it is a parent): adjacent blocks are the rule in V8
 * (a continuation ends where the next block starts), a child sharing its parent's edge the exception.
 */
function blocks(takes: readonly V8Range[][], syntax: Syntax, guessed?: Set<string>): Array<[number, number]> {
  const source = syntax.code;
  const seen = new Map<string, { s: number; e: number; in: Set<number> }>();
  takes.forEach((t, i) => {
    for (const r of t.slice(1)) {
      const k = `${r.startOffset}:${r.endOffset}`;
      const x = seen.get(k) ?? { s: r.startOffset, e: r.endOffset, in: new Set<number>() };
      x.in.add(i);
      seen.set(k, x);
    }
  });
  const together = (a: Set<number>, b: Set<number>): boolean => [...a].some((i) => b.has(i));
  let all = [...seen.values()];
  for (let changed = true; changed; ) {
    changed = false;
    const next = new Map<string, { s: number; e: number; in: Set<number> }>();
    for (const r of all) {
      const cuts = new Set<number>();
      // Of the ranges sharing r's start (or end), only the widest can be r's neighbour: the others lie
      // inside it, its children or pieces of it, decided once it is cut off (the next round).
      let head: (typeof all)[number] | undefined;
      let tail: (typeof all)[number] | undefined;
      for (const q of all) {
        if (q.s < r.s && q.e > r.s && q.e < r.e) cuts.add(q.e);
        else if (q.s === r.s && q.e < r.e && (!head || q.e > head.e)) head = q;
        else if (q.e === r.e && q.s > r.s && (!tail || q.s < tail.s)) tail = q;
      }
      if (head && !together(head.in, r.in)) cuts.add(head.e);
      // A continuation ends where the next block starts, or with the block it is in: one running past
      // that is a run of blocks fused in every take. The next block: the first range another take shows
      // inside it, when no brace opened before it (a block of its own statement list); the body of a loop
      // or an if, or a catch, even when no take shows it apart; past the first brace it did not open
      // (its block had its parent's count in that take). Only the nearest: the piece after it is weighed
      // next round (a case clause opens a level without a brace). Or the first operand, ternary branch or
      // optional link, which V8 gives a range even when no take shows it apart.
      if (syntax.continuation(r.s)) {
        const first = Math.min(...all.filter((q) => q.s > r.s && q.s < r.e).map((q) => q.s));
        const next = Math.min(first < r.e && syntax.balanced(r.s, first) ? first : Infinity, syntax.nextBlock(r.s, r.e));
        if (next <= first && next < r.e) cuts.add(next);
      }
      // A block runs to its closing brace, an else branch or a then-statement without braces to the end of
      // its statement, a case clause to its last statement: a range starting there and running past it is
      // that fused with what follows.
      const shut = syntax.shut(r.s);
      if (shut !== undefined && shut < r.e) cuts.add(shut);
      // The range ending with r is weighed against the piece of r it ends (the next round) when r is cut:
      // before it, the piece is shorter; after its start, that range is cut there too.
      if (tail && !together(tail.in, r.in) && ![...cuts].some((c) => c > r.s && c < r.e)) {
        const q = tail;
        if (syntax.continuation(r.s) || closes(source, r.s, q.s) || (statement(source, r.s) && (continuation(source, q.s) || elseOf(source, r.s, q.s))) || chainLinks(source, r.s, q.s)) cuts.add(q.s);
        // Never in one take together: a parent and its child sharing an end, or a block fused with the
        // next? Taken as parent and child; a wrong guess is a branch more or less than V8's own.
        else if (!whole(source, r.s, r.e) && !operand(source, q.s)) guessed?.add(`${r.s}:${r.e}:${q.s}`);
      }
      for (const c of cuts) if (c <= r.s || c >= r.e) cuts.delete(c);
      if (cuts.size === 0) {
        const k = `${r.s}:${r.e}`;
        const x = next.get(k);
        if (x) for (const i of r.in) x.in.add(i);
        else next.set(k, r);
        continue;
      }
      changed = true;
      const at = [r.s, ...[...cuts].sort((x, y) => x - y), r.e];
      for (let i = 1; i < at.length; i++) {
        const k = `${at[i - 1]}:${at[i]}`;
        if (!next.has(k)) next.set(k, { s: at[i - 1]!, e: at[i]!, in: new Set() });
      }
    }
    all = [...next.values()];
  }
  return all.map((r) => [r.s, r.e]);
}

/** Deletes blocks as V8's CoverageBlockIterator does: a deleted block is no one's parent. */
function pass(root: Block, list: Block[], drop: (b: Block, parent: Block, next: Block | undefined) => boolean): Block[] {
  const out: Block[] = [];
  const stack: Block[] = [root];
  list.forEach((b, i) => {
    while (stack.length > 1 && stack[stack.length - 1]![1] <= b[0]) stack.pop();
    const parent = stack[stack.length - 1]!;
    const n = list[i + 1];
    if (drop(b, parent, n && n[0] < parent[1] ? n : undefined)) return;
    out.push(b);
    stack.push(b);
  });
  return out;
}

const order = (a: Block, b: Block): number => a[0] - b[0] || b[1] - a[1];

/** V8's count-dependent passes, in its order, on one function's blocks (sorted, root apart). */
function replay(root: Block, list: Block[]): Block[] {
  const consecutive = (b: Block, _p: Block, n: Block | undefined): boolean => {
    if (!n || n[0] !== b[1] || n[2] !== b[2]) return false;
    n[0] = b[0];
    return true;
  };
  list = pass(root, list, consecutive).sort(order);
  list = pass(root, list, (b, _p, n) => {
    if (!n || n[0] !== b[0] || n[1] !== b[1]) return false;
    n[2] = Math.max(n[2], b[2]);
    return true;
  });
  list = pass(root, list, (b, p) => b[2] === p[2]);
  list = pass(root, list, consecutive);
  list = pass(root, list, (b, p) => b[2] === 0 && p[2] === 0);
  return list.filter((b) => b[0] !== b[1]);
}

const key = (fn: V8Function): string => `${fn.ranges[0]!.startOffset}:${fn.ranges[0]!.endOffset}:${fn.functionName}`;

/**
 * Several takes of one script added up, blocks kept apart (the sum before V8's passes): the first
 * argument may be an earlier sum, so takes can be added in batches. `guessed` collects the block
 * edges no take decided (see blocks), where the sum may differ from V8's whole-process profile.
 */
export function addTakes(takes: readonly V8Function[][], source?: string, guessed?: Set<string>): V8Function[] {
  let syntax: Syntax | undefined;
  const byFn = new Map<string, { fn: V8Function; ranges: V8Range[][]; blocks: boolean }>();
  for (const take of takes)
    for (const fn of take) {
      const k = key(fn);
      let e = byFn.get(k);
      if (!e) byFn.set(k, (e = { fn, ranges: [], blocks: false }));
      // A function not compiled yet is listed without block coverage: the flag of any take that has it.
      else if (fn.isBlockCoverage) e.fn = fn;
      // A take in which the function did not run shows its own range at 0 and nothing else (V8 drops
      // blocks with their parent's count): it adds no count and reveals no block, so it is left out.
      if (fn.ranges.length === 1 && fn.ranges[0]!.count === 0) continue;
      e.ranges.push(fn.ranges);
      if (fn.ranges.length > 1) e.blocks = true;
    }
  return [...byFn.values()].map(({ fn, ranges, blocks: some }) => {
    const root = fn.ranges[0]!;
    const sum = (s: number, e: number): number => ranges.reduce((n, t) => n + countIn(t, s, e), 0);
    // Blocks only where some take shows one; the code without its literals is read only then.
    const list = some ? blocks(ranges, (syntax ??= syntaxOf(source === undefined ? undefined : codeOnly(source))), guessed).sort((a, b) => a[0] - b[0] || b[1] - a[1]) : [];
    return {
      functionName: fn.functionName,
      isBlockCoverage: fn.isBlockCoverage,
      ranges: [{ startOffset: root.startOffset, endOffset: root.endOffset, count: sum(root.startOffset, root.endOffset) }, ...list.map(([s, e]) => ({ startOffset: s, endOffset: e, count: sum(s, e) }))],
    };
  });
}

/**
 * An added-up sum (addTakes) as V8 would report it for the whole process (its passes replayed): what
 * NODE_V8_COVERAGE writes for the process, so what c8 merges with the other processes' profiles.
 */
export function wholeProcess(functions: readonly V8Function[]): V8Function[] {
  return functions.map((fn) => {
    const [root, ...rest] = fn.ranges.map((r): Block => [r.startOffset, r.endOffset, r.count]);
    const kept = fn.isBlockCoverage ? replay(root!, rest) : rest;
    return { ...fn, ranges: [root!, ...kept].map(([startOffset, endOffset, count]) => ({ startOffset, endOffset, count })) };
  });
}

/**
 * A process profile normalized as c8's merge normalizes a script it sees once (it joins adjacent children
 * with equal counts that V8 leaves when the first has children): needed before a source map moves the
 * offsets, when the profile cannot be merged in generated space (lib/coverage/generated.ts).
 */
export function normalized(functions: V8Function[]): V8Function[] {
  if (functions.length === 0) return [];
  return v8Coverage.mergeProcessCovs([{ result: [{ scriptId: '0', url: 'file:///x', functions }] }]).result[0]!.functions;
}
