// Where a JSON text first goes wrong. Node's JSON.parse messages carry a position in some
// versions and for some errors only; this gives every version the same line:column.

const WS = new Set([' ', '\t', '\n', '\r']);

/** Offset of the first syntax error in `text`, or undefined when it is valid JSON. */
export function jsonErrorOffset(text: string): number | undefined {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && WS.has(text[i] as string)) i++;
  };
  // Each parser returns false at the failing offset (left in i).
  const literal = (word: string): boolean => {
    if (text.startsWith(word, i)) {
      i += word.length;
      return true;
    }
    return false;
  };
  const string = (): boolean => {
    i++; // opening quote
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 0x22) {
        i++;
        return true;
      }
      if (c < 0x20) return false;
      if (c === 0x5c) {
        const e = text[i + 1] ?? '';
        if (e === 'u') {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) return false;
          i += 6;
        } else if ('"\\/bfnrt'.includes(e) && e !== '') i += 2;
        else return false;
      } else i++;
    }
    return false;
  };
  const number = (): boolean => {
    const m = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
    m.lastIndex = i;
    if (!m.test(text)) return false;
    i = m.lastIndex;
    return true;
  };
  const value = (depth: number): boolean => {
    ws();
    if (depth > 1000) return false;
    const c = text[i];
    if (c === '{') {
      i++;
      ws();
      if (text[i] === '}') return ++i > 0;
      for (;;) {
        ws();
        if (text[i] !== '"' || !string()) return false;
        ws();
        if (text[i] !== ':') return false;
        i++;
        if (!value(depth + 1)) return false;
        ws();
        if (text[i] === '}') return ++i > 0;
        if (text[i] !== ',') return false;
        i++;
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') return ++i > 0;
      for (;;) {
        if (!value(depth + 1)) return false;
        ws();
        if (text[i] === ']') return ++i > 0;
        if (text[i] !== ',') return false;
        i++;
      }
    }
    if (c === '"') return string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return number();
    return literal('true') || literal('false') || literal('null');
  };
  if (!value(0)) return i;
  ws();
  return i < text.length ? i : undefined;
}
