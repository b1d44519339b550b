// Small functions of random shape (seeded, so every run makes the same ones) and random groups of
// calls, for checking the rebuild of V8's whole-process profile from per-test takes on code no one
// wrote by hand: ifs with and without braces, else-if chains, loops with break and continue,
// try/catch/finally, switch with fall-through, ternaries, ||, ??, optional chains, braces in strings,
// arrow functions.

/** mulberry32: a small seeded generator, so the functions are the same in every run. */
function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), 1 | s);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Generated {
  /** An ES module exporting `f(a, b, c)`. */
  source: string;
  /** The calls of each test: argument lists. */
  groups: Array<Array<[number, number, boolean]>>;
}

export function generateFunctions(count: number, seed: number): Generated[] {
  const rnd = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
  const int = (n: number): number => Math.floor(rnd() * n);
  const cond = (): string => pick(['a > 1', 'b === 0', 'c', 'a > 0 && b < 2', 'b > 1 || c', 'a === 2', 'i % 2 === 0', 'a % 2 === 0']);
  let depth = 0;
  const statements = (n: number, ind: string): string => Array.from({ length: n }, () => statement(ind)).join('');
  function statement(ind: string): string {
    const p = `${ind}  `;
    const kinds = depth > 2 ? ['inc', 'inc', 'ret'] : ['inc', 'if', 'ifelse', 'elseif', 'bare', 'bareelse', 'ret', 'loop', 'while', 'try', 'str', 'inc', 'tern', 'or', 'switch', 'do', 'cont', 'fin', 'arrow', 'opt', 'optif'];
    const kind = pick(kinds);
    depth++;
    const body = (): string => statements(1 + int(2), p);
    let s: string;
    switch (kind) {
      case 'ret': s = `${ind}if (${cond()}) ${pick(['return r', `{\n${p}return r\n${ind}}`])}\n`; break;
      case 'if': s = `${ind}if (${cond()}) {\n${body()}${ind}}\n`; break;
      case 'ifelse': s = `${ind}if (${cond()}) {\n${body()}${ind}} else {\n${body()}${ind}}\n`; break;
      case 'elseif': s = `${ind}if (${cond()}) {\n${body()}${ind}} else if (${cond()}) {\n${body()}${ind}}\n`; break;
      case 'bare': s = `${ind}if (${cond()}) r += 1\n`; break;
      case 'bareelse': s = `${ind}if (${cond()}) r += 1\n${ind}else if (${cond()}) r += 2\n${ind}else r += 3\n`; break;
      case 'loop': s = `${ind}for (let i = 0; i < a; i++) {\n${body()}${ind}}\n`; break;
      case 'while': s = `${ind}while (true) {\n${body()}${p}break\n${ind}}\n`; break;
      case 'try': s = `${ind}try {\n${p}if (${cond()}) throw new Error('x')\n${body()}${ind}} catch (e) {\n${body()}${ind}}\n`; break;
      case 'str': s = `${ind}r += ['{', "}"].length\n`; break;
      case 'tern': s = `${ind}r += ${cond()} ? ${int(9)} : ${int(9)}\n`; break;
      case 'or': s = `${ind}r = (${cond()}) || r > 3 ? r + 1 : r\n${ind}r += b ?? 1\n`; break;
      case 'switch': s = `${ind}switch (a) {\n${p}case 0:\n${body()}${p}  break\n${p}case 1:\n${body()}${p}default:\n${body()}${ind}}\n`; break;
      case 'do': s = `${ind}do {\n${body()}${ind}} while (r < 0)\n`; break;
      case 'cont': s = `${ind}for (let j = 0; j < b; j++) {\n${p}if (${cond()}) continue\n${body()}${ind}}\n`; break;
      case 'fin': s = `${ind}try {\n${body()}${ind}} finally {\n${body()}${ind}}\n`; break;
      case 'opt': s = `${ind}r += (c ? { x: a > 1 ? { y: b } : null } : null)?.x?.y ?? 0\n`; break;
      case 'optif': s = `${ind}if (${cond()} && (b > 1 ? { v: [a] } : null)?.v?.[0]) {\n${body()}${ind}}\n`; break;
      case 'arrow': s = `${ind}r += [a, b].map((x) => { if (x > 1) { return 1 } return 2 }).length\n`; break;
      default: s = `${ind}r += ${int(9) + 1}\n`;
    }
    depth--;
    return s;
  }
  return Array.from({ length: count }, () => {
    const source = `export function f(a, b, c) {\n  let r = 0\n  const i = a + b\n${statements(2 + int(4), '  ')}  return r\n}\n`;
    const groups = Array.from({ length: 2 + int(4) }, () => Array.from({ length: 1 + int(3) }, (): [number, number, boolean] => [int(4), int(4), rnd() < 0.5]));
    return { source, groups };
  });
}
