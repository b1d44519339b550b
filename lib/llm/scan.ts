// A small lexical scanner for JavaScript and TypeScript: just enough to find a call expression and the
// bounds of functions without a compiler. It understands strings, template literals (with nested
// `${}`), comments and regular expression literals, so brackets inside them never count.
// Pure: text in, tokens out.

export type TokenKind = 'ident' | 'number' | 'string' | 'template' | 'regex' | 'punct';

export interface Token {
  kind: TokenKind;
  /** The token's text for ident and punct tokens (strings, templates and regexes are not needed). */
  value: string;
  start: number;
  end: number;
}

export interface Scan {
  tokens: Token[];
  /** For each bracket token ( [ { ) ] }, the index of its partner; -1 when unmatched. */
  partner: Int32Array;
  /** Offsets where each line starts (line 1 at index 0). */
  lineStarts: number[];
  /** Problems met (unterminated literals, unmatched brackets), with offsets. */
  problems: Array<{ offset: number; message: string }>;
}

// After these keywords an expression starts, so a '/' there begins a regular expression.
const EXPRESSION_KEYWORDS = new Set([
  'return', 'typeof', 'instanceof', 'in', 'of', 'new', 'delete', 'void', 'throw', 'case', 'do', 'else', 'yield', 'await', 'extends',
]);

const ID_START = /[\p{ID_Start}$_\\]/u;
// ZWNJ and ZWJ are identifier parts on their own (ECMA-262 IdentifierPartChar), not a joined sequence.
// eslint-disable-next-line no-misleading-character-class
const ID_PART = /[\p{ID_Continue}$\u200c\u200d\\]/u;
// Longest first: the scanner takes the first that matches.
const PUNCTUATORS = [
  '>>>=', '...', '===', '!==', '**=', '<<=', '>>=', '>>>', '&&=', '||=', '??=',
  '=>', '==', '!=', '<=', '>=', '&&', '||', '??', '?.', '++', '--', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '**', '<<', '>>',
];

export function lineStartsOf(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/** 1-based line of an offset. */
export function lineOf(lineStarts: readonly number[], offset: number): number {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((lineStarts[mid] as number) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return lo + 1;
}

class Scanner {
  readonly tokens: Token[] = [];
  readonly problems: Array<{ offset: number; message: string }> = [];
  pos = 0;
  constructor(readonly text: string) {}

  /** Scans tokens until the end, or (inside a template's `${`) until the `}` that closes it. */
  run(inTemplate: boolean): void {
    const { text } = this;
    let depth = 0;
    if (!inTemplate && text.startsWith('#!')) this.pos = this.lineEnd(0);
    while (this.pos < text.length) {
      const c = text[this.pos] as string;
      const start = this.pos;
      if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v' || c === '\u00a0' || c === '\ufeff' || c === '\u2028' || c === '\u2029') {
        this.pos++;
        continue;
      }
      if (c === '/' && text[start + 1] === '/') {
        this.pos = this.lineEnd(start);
        continue;
      }
      if (c === '/' && text[start + 1] === '*') {
        const end = text.indexOf('*/', start + 2);
        if (end === -1) this.problem(start, 'unterminated comment');
        this.pos = end === -1 ? text.length : end + 2;
        continue;
      }
      if (c === '"' || c === "'") {
        this.pos = this.stringEnd(start, c);
        this.push('string', '', start);
        continue;
      }
      if (c === '`') {
        this.pos = this.templateEnd(start);
        this.push('template', '', start);
        continue;
      }
      if (c === '/') {
        if (this.regexAllowed()) {
          this.pos = this.regexEnd(start);
          this.push('regex', '', start);
        } else {
          this.pos += text[start + 1] === '=' ? 2 : 1;
          this.push('punct', text.slice(start, this.pos), start);
        }
        continue;
      }
      if (c >= '0' && c <= '9' || (c === '.' && /[0-9]/.test(text[start + 1] ?? ''))) {
        this.pos = this.numberEnd(start);
        this.push('number', '', start);
        continue;
      }
      const code = c.charCodeAt(0);
      const asciiStart = (code >= 97 && code <= 122) || (code >= 65 && code <= 90) || code === 95 || code === 36;
      if (c === '#' || asciiStart || (code >= 128 && (ID_START.test(c) || this.surrogateIdent(start))) || c === '\\') {
        this.pos = this.identEnd(start + (c === '#' ? 1 : 0));
        this.push('ident', text.slice(start, this.pos), start);
        continue;
      }
      if (inTemplate) {
        if (c === '{') depth++;
        else if (c === '}') {
          if (depth === 0) return; // the caller consumes this brace
          depth--;
        }
      }
      const punct = PUNCTUATORS.find((p) => text.startsWith(p, start)) ?? c;
      this.pos += punct.length;
      this.push('punct', punct, start);
    }
  }

  private push(kind: TokenKind, value: string, start: number): void {
    this.tokens.push({ kind, value, start, end: this.pos });
  }

  private problem(offset: number, message: string): void {
    this.problems.push({ offset, message });
  }

  private lineEnd(from: number): number {
    const nl = this.text.indexOf('\n', from);
    return nl === -1 ? this.text.length : nl;
  }

  private surrogateIdent(at: number): boolean {
    const cp = this.text.codePointAt(at);
    return cp !== undefined && cp > 0xffff && ID_START.test(String.fromCodePoint(cp));
  }

  private identEnd(from: number): number {
    const { text } = this;
    let i = from;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      // ASCII fast path: letters, digits, _ and $.
      if ((c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95 || c === 36) {
        i++;
        continue;
      }
      if (c < 128 && c !== 92) break;
      const cp = text.codePointAt(i) as number;
      const ch = String.fromCodePoint(cp);
      if (!ID_PART.test(ch)) break;
      i += ch.length;
    }
    return i;
  }

  private numberEnd(from: number): number {
    const { text } = this;
    let i = from;
    while (i < text.length) {
      const ch = text[i] as string;
      if (/[0-9A-Za-z_.]/.test(ch)) i++;
      else if ((ch === '+' || ch === '-') && /[eE]/.test(text[i - 1] ?? '') && !/^0[xX]/.test(text.slice(from, i))) i++;
      else break;
    }
    return i;
  }

  /** A string ends at its quote; an unterminated one at the end of its line (a lone quote in JSX text). */
  private stringEnd(from: number, quote: string): number {
    const { text } = this;
    for (let i = from + 1; i < text.length; i++) {
      const ch = text[i];
      if (ch === '\\') i++;
      else if (ch === quote) return i + 1;
      else if (ch === '\n') {
        this.problem(from, 'unterminated string');
        return i;
      }
    }
    this.problem(from, 'unterminated string');
    return text.length;
  }

  private templateEnd(from: number): number {
    const { text } = this;
    for (let i = from + 1; i < text.length; i++) {
      const ch = text[i];
      if (ch === '\\') i++;
      else if (ch === '`') return i + 1;
      else if (ch === '$' && text[i + 1] === '{') {
        // The expression inside is scanned as code (strings, comments, nested templates and all).
        const inner = new Scanner(text);
        inner.pos = i + 2;
        inner.run(true);
        this.problems.push(...inner.problems);
        if (inner.pos >= text.length) break;
        i = inner.pos; // at the closing '}'
      }
    }
    this.problem(from, 'unterminated template literal');
    return text.length;
  }

  private regexEnd(from: number): number {
    const { text } = this;
    let inClass = false;
    for (let i = from + 1; i < text.length; i++) {
      const ch = text[i];
      if (ch === '\\') i++;
      else if (ch === '\n') break;
      else if (inClass) {
        if (ch === ']') inClass = false;
      } else if (ch === '[') inClass = true;
      else if (ch === '/') {
        let j = i + 1;
        while (j < text.length && /[a-z]/i.test(text[j] as string)) j++;
        return j;
      }
    }
    // Not a regex after all (an unusual division): take just the slash.
    this.problem(from, 'unterminated regular expression');
    return from + 1;
  }

  /** Whether a '/' here starts a regular expression, judged by the previous token. */
  private regexAllowed(): boolean {
    const prev = this.tokens[this.tokens.length - 1];
    if (!prev) return true;
    switch (prev.kind) {
      case 'number':
      case 'string':
      case 'template':
      case 'regex':
        return false;
      case 'ident':
        return EXPRESSION_KEYWORDS.has(prev.value);
      default:
        // `)` and `]` end expressions (division follows); `}` usually ends a block (a statement follows).
        return prev.value !== ')' && prev.value !== ']' && prev.value !== '++' && prev.value !== '--';
    }
  }
}

const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSE = new Set([')', ']', '}']);

export function scan(text: string): Scan {
  const s = new Scanner(text);
  s.run(false);
  const { tokens, problems } = s;
  const partner = new Int32Array(tokens.length).fill(-1);
  const stack: number[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i] as Token;
    if (t.kind !== 'punct') continue;
    if (OPEN[t.value]) stack.push(i);
    else if (CLOSE.has(t.value)) {
      const open = stack[stack.length - 1];
      if (open !== undefined && OPEN[(tokens[open] as Token).value] === t.value) {
        stack.pop();
        partner[open] = i;
        partner[i] = open;
      } else problems.push({ offset: t.start, message: `unmatched "${t.value}"` });
    }
  }
  for (const open of stack) problems.push({ offset: (tokens[open] as Token).start, message: `unclosed "${(tokens[open] as Token).value}"` });
  return { tokens, partner, lineStarts: lineStartsOf(text), problems };
}

/** Index of the token starting exactly at `offset`, or -1. */
export function tokenAt(tokens: readonly Token[], offset: number): number {
  let lo = 0;
  let hi = tokens.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const t = tokens[mid] as Token;
    if (t.start === offset) return mid;
    if (t.start < offset) lo = mid + 1;
    else hi = mid - 1;
  }
  return -1;
}
