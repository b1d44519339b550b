// Secret redaction for everything the reporter writes. Pure: the secret values come in from the
// caller (lib/config collects them from the environment).
import { BUILTIN_RULES, type Rule } from './rules.js';
import { patternRule } from './patterns.js';
import { valuesRule } from './values.js';

export type Redactor = (text: string) => string;
export { sanitizeArgv } from './argv.js';
export { compilePattern } from './patterns.js';
export { marker } from './marker.js';

/** Fixed-point passes at most; in practice two (one that redacts, one that confirms). */
const MAX_PASSES = 4;

export interface RedactorOptions {
  /** Exact secret values (and their base64/URL/JSON encodings) to mask as [REDACTED:env]. */
  secretValues?: string[];
  /** Extra regex sources (see compilePattern) whose matches become [REDACTED:pattern]. */
  patterns?: string[];
  /** Debugging only: returns the identity function. */
  disabled?: boolean;
}

/**
 * Rule order: exact values first (a built-in rule stopping at a space would leave the rest of a
 * multi-word secret visible), then the built-ins (structural, tokens, generic), then user patterns
 * last (one matching inside a token would break it, so the token rule would miss the remainder).
 */
export function createRedactor(opts: RedactorOptions = {}): Redactor {
  if (opts.disabled) return (text) => text;
  const rules: Rule[] = [];
  const values = (opts.secretValues ?? []).filter((v) => v !== '');
  if (values.length) rules.push(valuesRule(values));
  rules.push(...BUILTIN_RULES);
  for (const p of opts.patterns ?? []) rules.push(patternRule(p));
  const once = (text: string): string => {
    const lower = text.toLowerCase();
    let out = text;
    for (const rule of rules) {
      // Prefilters look at this pass's input, not at markers inserted by earlier rules.
      if (rule.keywords && !includesAny(lower, rule.keywords)) continue;
      if (rule.exactKeywords && !includesAny(text, rule.exactKeywords)) continue;
      out = rule.apply(out);
    }
    return out;
  };
  // A marker changes its neighbourhood (a new word boundary, a value cut short), which can expose a
  // secret another rule missed, so passes repeat until nothing changes: redact(redact(x)) === redact(x).
  // Text without secrets costs one pass.
  const redact = (text: string): string => {
    let cur = text;
    for (let pass = 0; pass < MAX_PASSES && cur !== ''; pass++) {
      const next = once(cur);
      if (next === cur) break;
      cur = next;
    }
    return cur;
  };
  // Short texts repeat (keys, statuses, suite names, file paths: in every record of a run): their
  // redaction is remembered here, for every caller (records.ts walks whole records through it).
  const memo = new Map<string, string>();
  return (text) => {
    if (text.length > MEMO_CHARS) return redact(text);
    let out = memo.get(text);
    if (out === undefined) {
      out = redact(text);
      if (memo.size >= MEMO_SIZE) memo.clear();
      memo.set(text, out);
    }
    return out;
  };
}

const MEMO_CHARS = 256;

/** A loop, not `keywords.some(...)`: no closure per rule for every text redacted (every string of every line). */
function includesAny(text: string, keywords: readonly string[]): boolean {
  for (let i = 0; i < keywords.length; i++) if (text.includes(keywords[i]!)) return true;
  return false;
}
const MEMO_SIZE = 10_000;
export { pathRedactor, pathTag } from './paths.js';
export { redactRecord, redactShared, type RecordRedactors } from './records.js';
