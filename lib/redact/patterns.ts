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
  // Existing markers are matched first (group 1) and kept, so a pattern cannot eat into one (idempotence).
  const guarded = new RegExp(`(${MARKER_SOURCE})|(?:${re.source})`, re.flags);
  return {
    id: 'pattern',
    apply(text) {
      let out = '';
      let pos = 0;
      guarded.lastIndex = 0;
      for (let m = guarded.exec(text); m !== null; m = guarded.exec(text)) {
        if (m[0] === '') {
          guarded.lastIndex++; // an empty match would never advance
          continue;
        }
        if (m[1] !== undefined) continue;
        out += text.slice(pos, m.index) + marker('pattern');
        pos = m.index + m[0].length;
      }
      return pos === 0 ? text : out + text.slice(pos);
    },
  };
}
