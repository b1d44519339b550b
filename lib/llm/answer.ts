// The model's answer: parsed, validated against schemas/annotation.schema.json (ajv, always, whatever
// the server promised), then judged: empty text and answers that only restate the test name are
// rejected. Pure.
import { validateAnnotation } from '../generated/validate-annotation.js';
import type { TestLine } from '../types.js';

export interface Answer {
  scenario: string;
  why_needed: string;
  key_assertions: string[];
  likely_cause?: string;
}

export type Judged = { ok: true; answer: Answer } | { ok: false; reason: string };

/** JSON from the content: as is, inside a ``` fence, or the outermost {...}. */
function parseJson(content: string): unknown {
  const text = content.trim();
  const attempts = [text];
  const fenced = /```(?:json)?\s*\n([\s\S]*?)\n?```/.exec(text);
  if (fenced?.[1]) attempts.push(fenced[1]);
  const first = text.indexOf('{');
  const last = text.lastIndexOf('}');
  if (first !== -1 && last > first) attempts.push(text.slice(first, last + 1));
  for (const a of attempts) {
    try {
      return JSON.parse(a);
    } catch {
      // next form
    }
  }
  throw new Error('the answer is not JSON');
}

// Words that carry no content of their own in "Tests that it sums prices correctly".
const FILLER = new Set(
  ('a an the this that these it its is are be been being to of for in on at by with and or as when whether if then than ' +
    'test tests testing tested verify verifies verifying verified check checks checking checked ensure ensures ensuring ' +
    'confirm confirms make makes sure should shall must correct correctly proper properly works working work expected ' +
    'expect expects behavior behaviour functionality case scenario needed need needs important because validate validates ' +
    'validating regression regressions catch catches would could prevent prevents function feature code')
    .split(' '),
);

function words(text: string): string[] {
  return text
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '');
}

/** True when the text says nothing beyond the test's name and suites (filler words aside). */
export function restatesName(text: string, test: Pick<TestLine, 'name' | 'path'>): boolean {
  const own = new Set(words([...test.path, test.name].join(' ')));
  const stem = (w: string): string => (w.length > 4 ? w.replace(/ies$/, 'y').replace(/(?:ing|ed|es|s)$/, '') : w);
  const ownStems = new Set([...own].map(stem));
  return words(text).every((w) => FILLER.has(w) || own.has(w) || ownStems.has(stem(w)));
}

/**
 * The answer with every string through the redactor: models echo what they were sent and what they
 * learned (keys, tokens, headers), and an answer is written to the report and the cache. Applied to
 * every answer, fresh or cached (a cache entry may predate a redaction rule).
 */
export function redactAnswer(a: Answer, redact: (text: string) => string): Answer {
  const out: Answer = { scenario: redact(a.scenario), why_needed: redact(a.why_needed), key_assertions: a.key_assertions.map(redact) };
  if (a.likely_cause !== undefined) out.likely_cause = redact(a.likely_cause);
  return out;
}

export function judgeAnswer(content: string | null | undefined, test: Pick<TestLine, 'name' | 'path'>, wantCause: boolean, redact: (text: string) => string = (t) => t): Judged {
  if (content === null || content === undefined || content.trim() === '') return { ok: false, reason: 'the answer is empty' };
  let value: unknown;
  try {
    value = parseJson(content);
  } catch (err) {
    return { ok: false, reason: (err as Error).message };
  }
  if (!validateAnnotation(value)) {
    const e = validateAnnotation.errors?.[0];
    return { ok: false, reason: `the answer does not match the schema: ${e ? `${e.instancePath || '/'} ${e.message ?? e.keyword}` : 'invalid'}` };
  }
  const a = redactAnswer(value as Answer, redact);
  const answer: Answer = { scenario: a.scenario.trim(), why_needed: a.why_needed.trim(), key_assertions: a.key_assertions.map((k) => k.trim()) };
  if (a.likely_cause !== undefined && wantCause) answer.likely_cause = a.likely_cause.trim();
  if (answer.scenario === '' || answer.why_needed === '') return { ok: false, reason: 'scenario or why_needed is empty' };
  if (answer.key_assertions.some((k) => k === '')) return { ok: false, reason: 'key_assertions has an empty item' };
  if (wantCause && !answer.likely_cause) return { ok: false, reason: 'likely_cause is missing for a failed test' };
  if (restatesName(answer.scenario, test)) return { ok: false, reason: 'scenario only restates the test name' };
  if (restatesName(answer.why_needed, test)) return { ok: false, reason: 'why_needed only restates the test name' };
  return { ok: true, answer };
}
