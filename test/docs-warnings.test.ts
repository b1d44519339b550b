// Every warning code in the code is documented in docs/troubleshooting.md, and nothing else is.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from './helpers/run.js';
import { WARNING_CODES } from '../lib/warnings.js';

it('troubleshooting.md documents exactly the warning codes of lib/warnings.ts', () => {
  const page = readFileSync(path.join(REPO, 'docs', 'troubleshooting.md'), 'utf8');
  const documented = [...page.matchAll(/^\| `(LLMR_[A-Z0-9_]+)` \|/gm)].map((m) => m[1]).sort();
  assert.deepEqual(documented, Object.keys(WARNING_CODES).sort());
});
