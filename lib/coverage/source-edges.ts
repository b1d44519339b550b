// Block edges read from the source text, for adding up V8 coverage takes (intervals.ts): where V8's
// counters start and end is a matter of syntax (src/parsing: a block's range is its braces, an else
// range starts where the then range ended, a continuation starts where a statement ended and ends at
// the next block). Every helper reads code only: text in strings, comments, template literals and
// regular expressions is blanked first (codeOnly), offsets kept, so a brace in a string is no block.

let last: { source: string; code: string } | undefined;
const SPECIAL = /[/'"`{}]/g;

/**
 * The source with the inside of every string, comment, template literal text and regular expression
 * replaced by spaces (delimiters kept, so a range starting at a literal still starts at a token).
 * Template substitutions (`${...}`) stay code. Regular expressions are told from division by the
 * token before the slash, as a tokenizer does without a parse: a guess on odd code, never a throw.
 */
export function codeOnly(source: string): string {
  if (last?.source === source) return last.code;
  // Blanked in place in a copy of the UTF-16 code units: an array entry (or a string) per character or
  // literal cost more than the scan itself, and every test process does this for each script whose
  // takes show blocks.
  const units = new Uint16Array(source.length);
  for (let k = 0; k < units.length; k++) units[k] = source.charCodeAt(k);
  const blank = (from: number, to: number): void => {
    for (let k = from; k < to; k++) if (units[k] !== 10) units[k] = 32;
  };
  // Brace depths at which a template literal's substitution opened: its closing brace resumes the literal.
  const templates: number[] = [];
  let depth = 0;
  let i = 0;
  const n = source.length;
  const template = (from: number): number => {
    // From just inside a backquote (or a substitution's closing brace) to the closing backquote or `${`.
    let k = from;
    for (; k < n; k++) {
      const c = source[k];
      if (c === '\\') k++;
      else if (c === '`') break;
      else if (c === '$' && source[k + 1] === '{') break;
    }
    blank(from, Math.min(k, n));
    if (k < n && source[k] === '$') {
      templates.push(depth);
      depth++;
      return k + 2;
    }
    return k + 1;
  };
  while (i < n) {
    // Only these characters change anything: jump to the next one.
    SPECIAL.lastIndex = i;
    const next = SPECIAL.exec(source);
    if (!next) break;
    i = next.index;
    const c = next[0];
    if (c === '/' && source[i + 1] === '/') {
      const e = source.indexOf('\n', i);
      const end = e < 0 ? n : e;
      blank(i + 2, end);
      i = end;
    } else if (c === '/' && source[i + 1] === '*') {
      const e = source.indexOf('*/', i + 2);
      const end = e < 0 ? n : e;
      blank(i + 2, end);
      i = end + 2;
    } else if (c === "'" || c === '"') {
      let k = i + 1;
      for (; k < n && source[k] !== c && source[k] !== '\n'; k++) if (source[k] === '\\') k++;
      blank(i + 1, Math.min(k, n));
      i = k + 1;
    } else if (c === '`') i = template(i + 1);
    else if (c === '/' && regexAllowed(source, i)) {
      let k = i + 1;
      let cls = false;
      for (; k < n && source[k] !== '\n'; k++) {
        const d = source[k];
        if (d === '\\') k++;
        else if (d === '[') cls = true;
        else if (d === ']') cls = false;
        else if (d === '/' && !cls) break;
      }
      blank(i + 1, Math.min(k, n));
      i = k + 1;
    } else {
      if (c === '{') depth++;
      else if (c === '}') {
        depth--;
        if (templates.length > 0 && templates[templates.length - 1] === depth) {
          templates.pop();
          i = template(i + 1);
          continue;
        }
      }
      i++;
    }
  }
  last = { source, code: Buffer.from(units.buffer, 0, units.byteLength).toString('utf16le') };
  return last.code;
}

/** Whether a slash at `at` starts a regular expression: after an operator, an opening bracket, a keyword that takes an expression, or nothing. */
function regexAllowed(source: string, at: number): boolean {
  let k = at - 1;
  while (k >= 0 && /\s/.test(source[k]!)) k--;
  if (k < 0) return true;
  if (/[(,=:[!&|?{};+\-*%<>~^]/.test(source[k]!)) return true;
  return /(?:^|[^\w$])(?:return|typeof|case|do|else|in|of|new|delete|void|throw|yield|await)$/.test(source.slice(Math.max(0, k - 8), k + 1));
}

/**
 * Whether a range starting at `at` starts where a statement ended (V8's continuation counters),
 * rather than at a block, a branch or an expression (a token). An else, catch or finally range
 * also starts right after the closing brace before its keyword.
 */
export function continuation(source: string | undefined, at: number): boolean {
  if (source === undefined || !/[\s;,)}\]]/.test(source[at] ?? ' ')) return false;
  return !/^[\s;]*(?:else|catch|finally)\b/.test(source.slice(at, at + 64));
}

/** Where the block opened by the brace at `at` ends (after its closing brace). */
export function blockEnd(source: string | undefined, at: number): number | undefined {
  if (source === undefined || source[at] !== '{') return undefined;
  let depth = 0;
  for (let i = at; i < source.length; i++) {
    const c = source[i];
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i + 1;
  }
  return undefined;
}

/**
 * Where a simple statement starting at `at` ends (an expression, `return`, `throw`, `break`): after its
 * semicolon, else after its last token where a line break ends it (the next line cannot continue it),
 * or before a closing bracket it did not open. Undefined for compound statements and declarations.
 */
export function statementEnd(source: string, at: number): number | undefined {
  if (/^(?:if|for|while|do|switch|try|function|class|let|const|var|async|else|case|default)\b/.test(source.slice(at, at + 10))) return undefined;
  const tokenEnd = (i: number): number => {
    while (i > at && /\s/.test(source[i - 1]!)) i--;
    return i;
  };
  let depth = 0;
  for (let i = at; i < source.length; i++) {
    const c = source[i]!;
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (--depth < 0) return tokenEnd(i);
    } else if (depth === 0 && c === ';') return i + 1;
    else if (depth === 0 && c === '\n') {
      const prev = source[tokenEnd(i) - 1] ?? '';
      const next = /\S/.exec(source.slice(i, i + 256))?.[0] ?? '';
      if (!/[.([+\-*/%&|^?:,=<>!~]/.test(next) && !/[+\-*/%&|^?:,=<>!~([{.]/.test(prev)) return tokenEnd(i);
    }
  }
  return undefined;
}

/** Where the else or catch branch whose range starts at `at` ends (` else {...}`, ` else if (...) x`, ` catch (e) {...}`). */
export function branchEnd(source: string | undefined, at: number): number | undefined {
  if (source === undefined) return undefined;
  const m = /^[\s;]*(?:else|finally|catch\s*(?:\([^()]*\))?)\s*/.exec(source.slice(at, at + 256));
  return m ? statementOrBlockEnd(source, at + m[0].length) : undefined;
}

/** Where the case clause whose range starts at `at` (`case x:`, `default:`) ends: after its last statement, before the next clause or the switch's brace. */
export function clauseEnd(source: string, at: number): number | undefined {
  if (!/^(?:case\b|default\s*:)/.test(source.slice(at, at + 12))) return undefined;
  let depth = 0;
  let i = source.indexOf(':', at) + 1;
  if (i === 0) return undefined;
  let last = i;
  for (; i < source.length; i++) {
    const c = source[i]!;
    if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      if (--depth < 0) return last;
    } else if (depth === 0 && /[\s;]/.test(source[i - 1]!) && /^(?:case\b|default\s*:)/.test(source.slice(i, i + 12))) return last;
    if (!/\s/.test(c)) last = i + 1;
  }
  return undefined;
}

function statementOrBlockEnd(source: string, at: number): number | undefined {
  if (source[at] === '{') return blockEnd(source, at);
  if (!/^if\s*\(/.test(source.slice(at, at + 8))) return statementEnd(source, at);
  // An if: its condition's parentheses, its then-statement, and any else.
  let depth = 0;
  let j = source.indexOf('(', at);
  for (; j < source.length; j++) {
    if (source[j] === '(') depth++;
    else if (source[j] === ')' && --depth === 0) break;
  }
  const then = j + 1 + /^\s*/.exec(source.slice(j + 1))![0].length;
  const end = statementOrBlockEnd(source, then);
  if (end === undefined) return undefined;
  const more = /^\s*else\s*/.exec(source.slice(end, end + 64));
  return more ? statementOrBlockEnd(source, end + more[0].length) : end;
}

/**
 * Whether the block opened by the brace at `at` closes right before `end`: then a range from `at` past
 * `end` is that block fused with the continuation after it (equal counts in that take), not a parent.
 */
export function closes(source: string | undefined, at: number, end: number): boolean {
  if (source === undefined || source[at] !== '{' || source[end - 1] !== '}') return false;
  let depth = 0;
  for (let i = at; i < end; i++) {
    const c = source[i];
    if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i === end - 1;
  }
  return false;
}

/**
 * Whether a range starts at a statement of its own (a then-statement without braces, `if (x) return`):
 * not a block, a continuation, an else branch or a case clause. Such a range holds no continuation
 * of its own that ends with it, so one that does is that statement fused with the code after it.
 */
export function statement(source: string | undefined, at: number): boolean {
  if (source === undefined || continuation(source, at)) return false;
  return /^(?!(?:else|case|default|catch|finally)\b)[A-Za-z_$]/.test(source.slice(at, at + 16));
}

/**
 * Whether the range at `end` is the else branch of a then-statement starting at `at` (`if (a) x = 1
 * else ...`): V8's else range starts where the then range ends, so a range from `at` past `end` is the
 * two fused (equal counts in that take). Unless the statement is itself an if (a dangling else).
 */
export function elseOf(source: string | undefined, at: number, end: number): boolean {
  return source !== undefined && /^[\s;]*else\b/.test(source.slice(end, end + 64)) && !/\bif\b/.test(source.slice(at, end));
}

/**
 * Whether a range is an operand's (`? b`, `: c`, `|| b`, `&& b`, `?? b`) or a link of an optional chain
 * (`?.b`, to the chain's next `?.` or its end): what ends with it holds it, unless that is the chain's
 * previous link (chainLinks).
 */
export function operand(source: string | undefined, at: number): boolean {
  return source !== undefined && /^\s*(?:\?\?|\|\||&&|\?|:)/.test(source.slice(at, at + 8));
}

/**
 * Whether ranges at `at` and `next` are two links of one optional chain (`a?.b?.c`): V8 gives each link a
 * range of its own, from its `?.` to the next, so a range from one `?.` past the next is the two fused.
 */
export function chainLinks(source: string | undefined, at: number, next: number): boolean {
  return source !== undefined && source.startsWith('?.', at) && source.startsWith('?.', next) && /^\?\.(?:[\w$.\s]|\[[^[\]]*\]|\([^()]*\))*$/.test(source.slice(at, next));
}

/** A range that is one whole block (its brace closes at its end) or an else branch: a parent of what ends with it, for sure. */
export function whole(source: string | undefined, at: number, end: number): boolean {
  return closes(source, at, end) || (source !== undefined && /^(?:[\s;]*(?:else|catch|finally)\b|case\b|default\s*:)/.test(source.slice(at, at + 64)));
}

/** A brace opening a try block: V8 gives a try block no range, so its braces are no block edges. */
function tryOpen(source: string, i: number): boolean {
  return /(?:^|[^\w$.])try\s*$/.test(source.slice(Math.max(0, i - 16), i));
}

/** A brace closing a try block: the catch or finally after it. */
function tryClose(source: string, i: number): RegExpExecArray | null {
  return /^(\s*)(?:catch|finally)\b/.exec(source.slice(i + 1, i + 64));
}

/**
 * The first block that starts in [at, end) at the level of `at` (try blocks do not count as levels):
 * the brace of the body of an if or a loop (`while (...) {`, `for (...) {`, `do {`), the catch or
 * finally keyword after a try block, a case clause's keyword. V8 counts these as blocks of their
 * own, starting there.
 */
export function controlBlock(source: string, at: number, end: number): number | undefined {
  // What each open brace opened: a try block or a switch's clauses (no level: V8 gives them no range), or a block.
  const open: Array<'try' | 'switch' | 'block'> = [];
  let depth = 0;
  for (let i = at; i < end; i++) {
    const c = source[i];
    if (c === '}') {
      const was = open.pop();
      if (was === 'block') depth--;
      else if (was !== 'switch' && depth === 0) {
        // A try block of this level (or the one `at` is in) ends: its catch or finally range is the next block.
        const m = tryClose(source, i);
        if (!m) return undefined;
        return i + 1 + m[1]!.length;
      }
      continue;
    }
    // A case clause's range starts at its keyword.
    if (depth === 0 && (c === 'c' || c === 'd') && !/[\w$.]/.test(source[i - 1] ?? ' ') && /^(?:case[\s('"`]|default\s*:)/.test(source.slice(i, i + 12))) return i;
    if (c !== '{') continue;
    const keyword = braceKeyword(source, at, i);
    if (keyword === 'try' || keyword === 'switch') {
      open.push(keyword);
      continue;
    }
    open.push('block');
    if (depth++ === 0 && (keyword === 'if' || keyword === 'while' || keyword === 'for' || keyword === 'do')) return i;
  }
  return undefined;
}

/** The keyword whose statement the brace at `i` opens: `do {`, `try {`, or the one before a parenthesized header (`if (...) {`); from `at` on. */
function braceKeyword(source: string, at: number, i: number): string | undefined {
  const before = source.slice(Math.max(at, i - 256), i).trimEnd();
  const bare = /(?:^|[^\w$.])(do|try|else|finally)$/.exec(before);
  if (bare) return bare[1];
  if (!before.endsWith(')')) return undefined;
  let parens = 0;
  for (let j = before.length - 1; j >= 0; j--) {
    if (before[j] === ')') parens++;
    else if (before[j] === '(' && --parens === 0) return /(?:^|[^\w$.])(if|while|for|switch|catch)(?:\s+await)?\s*$/.exec(before.slice(0, j))?.[1];
  }
  return undefined;
}

/** Just past the first closing brace in [at, end) that no brace after `at` opened, when that is before `end`. */
export function unopened(source: string, at: number, end: number): number | undefined {
  const open: boolean[] = [];
  for (let i = at; i < end - 1; i++) {
    if (source[i] === '{') open.push(tryOpen(source, i));
    else if (source[i] === '}' && open.pop() === undefined) {
      // A try block has no range: what runs in it ends at the catch range (controlBlock), not at its brace.
      return tryClose(source, i) ? undefined : i + 1;
    }
  }
  return undefined;
}

/** Whether [at, end) opens and closes its blocks (a try block's braces are none: they may be open, or close one opened before). */
export function balanced(source: string, at: number, end: number): boolean {
  const open: boolean[] = [];
  for (let i = at; i < end; i++) {
    if (source[i] === '{') open.push(tryOpen(source, i));
    else if (source[i] === '}' && open.pop() === undefined && !tryClose(source, i)) return false;
  }
  return open.every((isTry) => isTry);
}

/**
 * Where the first range of an expression in [at, end) starts: an operand (`&& b`, `|| b`, `?? b`), a
 * ternary's branch or a link of an optional chain (`?.b`), outside braces opened after `at` (object
 * literals, function bodies). V8 gives each a range whether or not a take shows it apart (it may have
 * its neighbour's count in every take), and a continuation ends where the next range starts, in an if's
 * condition too. Not past an arrow function's `=>` (its operands are another function's).
 */
export function nextOperand(source: string, at: number, end: number): number | undefined {
  let braces = 0;
  for (let i = at; i < end; i++) {
    const c = source[i];
    if (c === '{') braces++;
    else if (c === '}') {
      if (braces-- === 0) return undefined;
    } else if (braces > 0) continue;
    else if (c === '=' && source[i + 1] === '>') return undefined;
    else if (c === '?' || (c === '&' && source[i + 1] === '&') || (c === '|' && source[i + 1] === '|')) return i;
  }
  return undefined;
}
