// Secret redaction for everything the reporter writes. Pure: the secret values come in from the
// caller (lib/config collects them from the environment).
import { BUILTIN_RULES, type Rule } from './rules.js';
import { patternRule } from './patterns.js';
import { valuesRule } from './values.js';

export type Redactor = (text: string) => string;
export { sanitizeArgv } from './argv.js';
export { compilePattern } from './patterns.js';
export { marker } from './marker.js';

export interface RedactorOptions {
  /** Exact secret values (and their base64/URL/JSON encodings) to mask as [REDACTED:env]. */
  secretValues?: string[];
  /** Extra regex sources (see compilePattern) whose matches become [REDACTED:pattern]. */
  patterns?: string[];
  /** Debugging only: returns the identity function. */
  disabled?: boolean;
}

/** Rule order: exact values, user patterns, then the built-ins (structural, tokens, generic). */
export function createRedactor(opts: RedactorOptions = {}): Redactor {
  if (opts.disabled) return (text) => text;
  const rules: Rule[] = [];
  const values = (opts.secretValues ?? []).filter((v) => v !== '');
  if (values.length) rules.push(valuesRule(values));
  for (const p of opts.patterns ?? []) rules.push(patternRule(p));
  rules.push(...BUILTIN_RULES);
  return (text) => {
    if (text === '') return text;
    const lower = text.toLowerCase();
    let out = text;
    for (const rule of rules) {
      // Prefilters look at the input, not at markers inserted by earlier rules.
      if (rule.keywords && !rule.keywords.some((k) => lower.includes(k))) continue;
      if (rule.exactKeywords && !rule.exactKeywords.some((k) => text.includes(k))) continue;
      out = rule.apply(out);
    }
    return out;
  };
}
