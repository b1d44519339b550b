// Command lines are recorded in the report's provenance; values of secret-looking flags go.
import { marker } from './marker.js';
import type { Redactor } from './index.js';

const SECRET_NAME = /token|secret|passw(?:or)?d|passphrase|api[-_]?key|access[-_]?key|private[-_]?key|signing[-_]?key|credential|auth|cookie/i;
const NOT_SECRET_NAME = /author/i;

function secretName(name: string): boolean {
  return SECRET_NAME.test(name) && !NOT_SECRET_NAME.test(name);
}

/**
 * Redacts `--token=x`, `--api-key x`, `-p=...`-style values whose flag names look secret, and
 * `NAME=value` words (as in `env TOKEN=x cmd`); every other argument goes through `redact`.
 * Flag values are masked even when `redact` is the identity (redaction disabled).
 */
export function sanitizeArgv(argv: readonly string[], redact: Redactor): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const flag = /^(-{1,2})([A-Za-z0-9][\w.-]*)(?:=|$)/.exec(arg);
    const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(arg);
    if (flag && secretName(flag[2] as string) && !(flag[2] as string).startsWith('no-')) {
      if (arg.includes('=')) {
        out.push(`${arg.slice(0, arg.indexOf('=') + 1)}${marker('argv')}`);
        continue;
      }
      out.push(arg);
      const next = argv[i + 1];
      // "--password -x" is still a value; only another long flag ends it.
      if (next !== undefined && !next.startsWith('--')) {
        out.push(marker('argv'));
        i++;
      }
      continue;
    }
    if (assignment && secretName(assignment[1] as string)) {
      out.push(`${assignment[1]}=${marker('argv')}`);
      continue;
    }
    out.push(redact(arg));
  }
  return out;
}
