// The prompt: one fixed system message and one user message per test. Positions (line numbers) are left
// out on purpose, so moving a test or a function does not change its prompt (nor its cache entry);
// only code and failure content do. Bump PROMPT_VERSION whenever the wording or layout changes.
import { createHash } from 'node:crypto';
import type { Failure, TestLine } from '../types.js';
import type { Redactor } from '../redact/index.js';
import { canonicalJson } from '../report/canonical.js';
import { languageOf, type Section } from './context.js';
import { annotationSchema } from '../generated/annotation-schema.js';

export const PROMPT_VERSION = '1';

export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export function failed(test: TestLine): boolean {
  return test.status !== 'passed' && test.failure !== undefined;
}

const SYSTEM = `You annotate one automated test for a verification report that engineers and auditors read.
Use only the code and facts given; never invent behaviour, numbers or confidence scores.
Answer with one JSON object and nothing else:
- "scenario": what the test sets up and what behaviour it checks, concretely (the inputs, the calls, the expected outcome); 1-3 sentences. Do not merely restate the test's name.
- "why_needed": which defect or regression this test would catch, or which requirement it protects; 1-2 sentences.
- "key_assertions": the checks the test makes, one short item each, in order (quote expected values where useful); [] if it makes none.`;

const SYSTEM_FAILED = `
- "likely_cause": the test FAILED: the most likely cause, reasoned from the failure message, the expected/actual values, the stack and the code; 1-3 sentences. Say so when the evidence is not enough.`;

const SYSTEM_END = `
Plain text in every field: no Markdown, no HTML.`;

export function systemPrompt(withCause: boolean): string {
  return SYSTEM + (withCause ? SYSTEM_FAILED : '') + SYSTEM_END;
}

const cap = (s: string, n: number): string => (s.length > n ? `${s.slice(0, n)} [... ${s.length - n} more characters]` : s);

function failureText(f: Failure): string {
  const out = [`kind: ${f.kind}`];
  if (f.error_name) out.push(`error: ${f.error_name}${f.code ? ` (${f.code})` : ''}`);
  out.push(`message: ${cap(f.message, 4000)}`);
  if (f.operator) out.push(`operator: ${f.operator}`);
  if (f.expected !== undefined) out.push(`expected: ${cap(f.expected, 2000)}`);
  if (f.actual !== undefined) out.push(`actual: ${cap(f.actual, 2000)}`);
  if (f.stack) out.push(`stack:\n${cap(f.stack.split('\n').slice(0, 12).join('\n'), 3000)}`);
  return out.join('\n');
}

function fence(file: string, text: string): string {
  // A fence longer than any backtick run inside, so code cannot close it.
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const ticks = '`'.repeat(longest + 1);
  return `${ticks}${languageOf(file)}\n${text}\n${ticks}`;
}

export interface Prompt {
  messages: ChatMessage[];
  /** The failure (message, diff, stack) is in the prompt. */
  failureSent: boolean;
}

/**
 * The messages for one test. The user message is redacted as a whole at the end (a secret split across
 * pieces is caught too); the sections were redacted one by one before, for the audit record.
 */
export function buildPrompt(test: TestLine, sections: readonly Section[], redact: Redactor): Prompt {
  const withCause = failed(test);
  const parts: string[] = [];
  parts.push(`Test: ${test.name}`);
  if (test.path.length) parts.push(`Inside: ${test.path.join(' > ')}`);
  parts.push(`File: ${test.file}`);
  parts.push(`Status: ${test.status}`);
  if (withCause && test.failure) parts.push(`\nFailure:\n${failureText(test.failure)}`);
  const [body, ...rest] = sections;
  if (body) parts.push(`\nTest source (the whole test call):\n${fence(body.file, body.text)}`);
  const executed = rest.filter((s) => s.kind === 'executed');
  const whole = rest.filter((s) => s.kind === 'file');
  if (executed.length) {
    parts.push('\nCode this test executed (the functions it ran, from per-test coverage):');
    for (const s of executed) parts.push(`${s.file}:\n${fence(s.file, s.text)}`);
  }
  if (whole.length) {
    parts.push('\nFiles this test executed:');
    for (const s of whole) parts.push(`${s.file}:\n${fence(s.file, s.text)}`);
  }
  return {
    messages: [
      { role: 'system', content: systemPrompt(withCause) },
      { role: 'user', content: redact(parts.join('\n')) },
    ],
    failureSent: withCause,
  };
}

/** The follow-up after a rejected answer: the same request, plus the reason. */
export function retryMessages(messages: readonly ChatMessage[], previous: string, reason: string): ChatMessage[] {
  return [
    ...messages,
    { role: 'assistant', content: cap(previous, 4000) },
    { role: 'user', content: `That answer was rejected: ${reason}. Answer again with the JSON object only, specific to this test's code.` },
  ];
}

export function promptSha256(messages: readonly ChatMessage[]): string {
  return createHash('sha256').update(canonicalJson(messages)).digest('hex');
}

interface JsonSchema {
  properties: Record<string, Record<string, unknown>>;
  required: string[];
  [k: string]: unknown;
}

/**
 * The JSON schema sent as structured output: schemas/annotation.schema.json with every property
 * required (strict mode wants that), likely_cause only for failed tests, and without the length
 * keywords strict mode does not accept (ajv checks those on the answer).
 */
const schemaMemo = new Map<boolean, Record<string, unknown>>();

export function responseSchema(withCause: boolean): Record<string, unknown> {
  let memo = schemaMemo.get(withCause);
  if (!memo) schemaMemo.set(withCause, (memo = makeResponseSchema(withCause)));
  return memo;
}

function makeResponseSchema(withCause: boolean): Record<string, unknown> {
  const base = structuredClone(annotationSchema) as JsonSchema;
  const strip = (node: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(node)) {
      if (['minLength', 'maxLength', 'maxItems', 'minItems', 'description', '$id', '$schema', 'title'].includes(k)) continue;
      out[k] = v && typeof v === 'object' && !Array.isArray(v) ? strip(v as Record<string, unknown>) : v;
    }
    return out;
  };
  const schema = strip(base) as JsonSchema;
  if (!withCause) delete schema.properties.likely_cause;
  schema.required = Object.keys(schema.properties);
  return schema;
}
