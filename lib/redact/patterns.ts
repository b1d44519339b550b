// User-supplied patterns (redact.patterns). Shared with lib/config, which checks them at load time
// so a bad pattern is reported against the file or variable it came from.
import { marker, MARKER_SOURCE } from './marker.js';
import type { Rule } from './rules.js';

/** Compiles a pattern source: JavaScript syntax, global; a leading "(?i)" means case-insensitive. */
export function compilePattern(source: string): RegExp {
  const insensitive = source.startsWith('(?i)');
  const body = insensitive ? source.slice(4) : source;
  return new RegExp(body, insensitive ? 'gi' : 'g');
}

export function patternRule(source: string): Rule {
  const re = compilePattern(source);
  // Existing markers are matched first and kept, so a pattern cannot eat into one (idempotence).
  const guarded = new RegExp(`(?<llmrMarker>${MARKER_SOURCE})|(?:${re.source})`, re.flags);
  return {
    id: 'pattern',
    apply: (text) =>
      text.replace(guarded, (...args: unknown[]) => {
        const match = args[0] as string;
        const groups = args[args.length - 1] as Record<string, string | undefined>;
        return groups.llmrMarker !== undefined || match === '' ? match : marker('pattern');
      }),
  };
}
