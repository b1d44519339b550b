// The lexical scanner and the position-based locators: test bodies by file/line/column (JS and
// TypeScript), function bounds, executed excerpts. Brackets inside strings, templates, comments and
// regular expressions must never count.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { scan } from '../lib/llm/scan.js';
import { executedExcerpts, functionSpans, testBodyAt } from '../lib/llm/locate.js';

/** Position (1-based line, column) of the n-th occurrence of `needle`. */
function pos(text: string, needle: string, n = 1): [number, number] {
  let at = -1;
  for (let i = 0; i < n; i++) at = text.indexOf(needle, at + 1);
  assert.ok(at >= 0, `${needle} #${n} not found`);
  const before = text.slice(0, at).split('\n');
  return [before.length, before[before.length - 1]!.length + 1];
}

function body(text: string, needle: string, n = 1): string {
  const [line, column] = pos(text, needle, n);
  const r = testBodyAt(text, line, column);
  assert.ok(r.ok, r.ok ? '' : r.reason);
  return r.value.text;
}

describe('scanner', () => {
  it('ignores brackets in strings, templates with nested ${}, comments and regex literals', () => {
    const src = [
      "const a = ')' + \"}\" + '\\')';",
      'const t = `${ { x: `}${"{"}` }.x } ) ${`${`(`}`}`;',
      '// ) } ]',
      '/* ( { [ */',
      'const r = /[)}\\]]+\\/(/g.test(a) ? 1 / 2 : (3) / 4;',
      'function f() { return x => { return (y); }; }',
    ].join('\n');
    const s = scan(src);
    assert.deepEqual(s.problems, []);
    const puncts = s.tokens.filter((t) => t.kind === 'punct' && '()[]{}'.includes(t.value)).map((t) => t.value).join('');
    assert.equal(puncts, '()()(){{()}}');
    assert.equal(s.tokens.filter((t) => t.kind === 'regex').length, 1);
    assert.equal(s.tokens.filter((t) => t.kind === 'template').length, 1);
  });

  it('tells division from a regex by the token before the slash', () => {
    const kinds = (src: string): string[] => scan(src).tokens.map((t) => t.kind);
    assert.deepEqual(kinds('a / b / c'), ['ident', 'punct', 'ident', 'punct', 'ident']);
    assert.deepEqual(kinds('x = /b/g'), ['ident', 'punct', 'regex']);
    assert.deepEqual(kinds('return /\\)/.test(s)'), ['ident', 'regex', 'punct', 'ident', 'punct', 'ident', 'punct']);
    assert.deepEqual(kinds('f(a) / 2'), ['ident', 'punct', 'ident', 'punct', 'punct', 'number']);
  });

  it('reports unterminated literals and unmatched brackets instead of throwing', () => {
    assert.ok(scan('const s = `abc').problems.some((p) => p.message.includes('template')));
    assert.ok(scan('foo(').problems.some((p) => p.message.includes('unclosed')));
    assert.ok(scan('/* open').problems.some((p) => p.message.includes('comment')));
  });
});

describe('test body by position', () => {
  const src = `import { describe, it, test } from 'node:test';
describe('add', () => {
  it('works', () => {
    assert.equal(add(2, 3), 5); // ) }
  });
});
describe('sub', () => {
  it('works', () => {
    const s = \`\${'})'}\`;
    assert.equal(sub(5, 3), 2, /\\)/.source + s);
  });
});
test.skip('skipped', () => {});
test('parent', async (t) => {
  await t  .  test('child', () => {});
});
`;

  it('takes the whole call at node\'s position, never searching by name', () => {
    const first = body(src, "it('works'", 1);
    const second = body(src, "it('works'", 2);
    assert.notEqual(first, second, 'same-named tests in different suites get their own bodies');
    assert.match(first, /^it\('works', \(\) => \{\n {4}assert\.equal\(add\(2, 3\), 5\); \/\/ \) \}\n {2}\}\)$/);
    assert.match(second, /sub\(5, 3\)/);
    assert.doesNotMatch(second, /add\(/);
  });

  it('starts member calls at the object: test.skip, t . test', () => {
    // node reports the property: `skip` in test.skip(...), `test` in t.test(...)
    assert.equal(body(src, "skip('skipped'"), "test.skip('skipped', () => {})");
    assert.equal(body(src, "test('child'"), "t  .  test('child', () => {})");
    assert.match(body(src, "test('parent'"), /^test\('parent'[\s\S]*t {2}\. {2}test\('child'[\s\S]*\}\)$/);
  });

  it('says why when there is no call at the position', () => {
    const r1 = testBodyAt(src, 0, 0);
    assert.ok(!r1.ok && /unknown/.test(r1.reason));
    const r2 = testBodyAt(src, 999, 1);
    assert.ok(!r2.ok && /past the end/.test(r2.reason));
    const r3 = testBodyAt(src, 4, 5); // `assert` is not followed by a call
    assert.ok(!r3.ok && /not called there/.test(r3.reason));
    const r4 = testBodyAt(src, 2, 2); // inside an identifier
    assert.ok(!r4.ok && /no call/.test(r4.reason));
  });

  it('parses TypeScript: type annotations, generics, assertions, return types', () => {
    const ts = `import { test } from 'node:test';
interface Box<T> { value: T }
export async function load<T extends object>(x: T): Promise<Array<Box<T>>> {
  return [{ value: x }];
}
test('typed', async (t: { name: string }): Promise<void> => {
  const boxes = (await load<{ a: number }>({ a: 1 })) as Array<Box<{ a: number }>>;
  const n = <number>boxes.length; // ) }
  if (n > 0 && boxes[0]!.value.a >>> 0 === 1) { t.name satisfies string; }
});
test<void>('generic call', () => {});
`;
    assert.deepEqual(scan(ts).problems, []);
    const typed = body(ts, "test('typed'");
    assert.ok(typed.startsWith("test('typed'") && typed.endsWith('})'));
    assert.equal(typed.split('\n').length, 5);
    assert.equal(body(ts, "test<void>"), "test<void>('generic call', () => {})");
    const fns = functionSpans(ts).map((s) => [s.startLine, s.endLine]);
    assert.deepEqual(fns, [[3, 5], [6, 10], [11, 11]]);
  });

  it('finds the body wherever noise is inserted before and inside it (property)', () => {
    const noise = fc.oneof(
      fc.string().map((s) => JSON.stringify(s)),
      fc.string().map((s) => `/* ${s.replace(/\*\//g, '')} */`),
      fc.string().map((s) => '`' + s.replace(/[`\\$]/g, '') + '${"})"}`'),
      fc.constantFrom('/[)}]+/g', "'(('", '// ) }\n', '(a) / (b)', '{ x: [1, 2] }'),
    );
    fc.assert(
      fc.property(fc.array(noise, { maxLength: 4 }), fc.array(noise, { maxLength: 4 }), (before, inside) => {
        const call = `it('target', () => {\n  const v = [${inside.join(', ')}];\n})`;
        const text = `const pre = [${before.join(', ')}];\n${call}\nit('next', () => {});\n`;
        const [line, column] = pos(text, "it('target'");
        const r = testBodyAt(text, line, column);
        return r.ok && r.value.text === call;
      }),
      { numRuns: 300 },
    );
  });
});

describe('functions a test executed', () => {
  const src = `export function outer(a) {
  const inner = (b) => {
    return b * 2;
  };
  return inner(a) + 1;
}

export const obj = {
  method(x) {
    if (x) {
      return 1;
    }
    return 2;
  },
};
const top = 3;
`;

  it('finds function bodies, not blocks, objects or control statements', () => {
    assert.deepEqual(functionSpans(src).map((s) => [s.startLine, s.endLine]), [[1, 6], [2, 4], [9, 14]]);
  });

  it('takes the innermost function per executed line, drops functions inside chosen ones, keeps loose lines', () => {
    const spans = functionSpans(src);
    assert.deepEqual(executedExcerpts(spans, [[3, 3]]), [{ startLine: 2, endLine: 4, kind: 'function' }]);
    assert.deepEqual(executedExcerpts(spans, [[3, 3], [5, 5]]), [{ startLine: 1, endLine: 6, kind: 'function' }]);
    assert.deepEqual(executedExcerpts(spans, [[11, 11], [17, 17]]), [
      { startLine: 9, endLine: 14, kind: 'function' },
      { startLine: 17, endLine: 17, kind: 'lines' },
    ]);
    // Lines of the test's own body are not sent twice.
    assert.deepEqual(executedExcerpts(spans, [[3, 3]], { startLine: 1, endLine: 6 }), []);
  });
});
