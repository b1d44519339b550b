// The replacement token. Stable (no hash of the secret: a salted hash breaks determinism, an
// unsalted one lets short passwords be brute-forced).
export function marker(rule: string): string {
  return `[REDACTED:${rule}]`;
}

/** Matches a marker already in the text, so a second pass leaves it alone. */
export const MARKER_SOURCE = '\\[REDACTED:[a-z0-9-]{1,40}\\]';
