// Property: no change to a genuine evidence set passes verify. Random byte flips, removals and
// additions of files (1 to 3 at once) in a real sealed run, checked with the key the verifier holds:
// verify never PASSES, and the changed file is named (a file the seal does not cover, added later,
// is reported as such; it never slips through).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fc from 'fast-check';
import { HMAC_KEY, runEvidenceFixture } from '../helpers/evidence.js';
import { readFileSet } from '../../lib/output/evidence.js';
import { verifyEvidence, type VerifyOptions } from '../../lib/evidence/verify.js';
import { HMAC_FILE, SHA256SUMS, type FileSet } from '../../lib/evidence/files.js';
import { hmacKeyId } from '../../lib/evidence/sign.js';

type Mutation = { kind: 'flip'; file: number; at: number } | { kind: 'remove'; file: number } | { kind: 'add'; path: string; bytes: Uint8Array };

const ADDED = ['extra.txt', 'coverage/extra.info', 'addenda/001/annotations.json', 'addenda/001/SHA256SUMS', 'addenda/notes/x.md', 'SHA256SUMS.sig', 'signing-key.pub.pem', 'report.json.bak'];

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), file: fc.nat(), at: fc.nat() }),
  fc.record({ kind: fc.constant('remove' as const), file: fc.nat() }),
  fc.record({ kind: fc.constant('add' as const), path: fc.constantFrom(...ADDED), bytes: fc.uint8Array({ maxLength: 64 }) }),
);

/** Applies the mutations; returns the changed set and the paths changed. */
function mutate(base: FileSet, ms: Mutation[]): { files: FileSet; touched: string[] } {
  const files: FileSet = new Map(base);
  const touched: string[] = [];
  for (const m of ms) {
    const names = [...files.keys()].sort();
    if (m.kind === 'add') {
      if (files.has(m.path)) continue;
      files.set(m.path, Buffer.from(m.bytes));
      touched.push(m.path);
    } else if (names.length) {
      const name = names[m.file % names.length]!;
      if (m.kind === 'remove') files.delete(name);
      else {
        const b = Buffer.from(files.get(name)!);
        if (b.length === 0) continue;
        const i = m.at % b.length;
        b[i] = b[i]! ^ 0x01;
        files.set(name, b);
      }
      touched.push(name);
    }
  }
  return { files, touched };
}

function check(base: FileSet, opts: VerifyOptions, label: string): void {
  assert.ok(verifyEvidence(base, opts).ok, `${label}: the genuine set verifies`);
  fc.assert(
    fc.property(fc.array(mutation, { minLength: 1, maxLength: 3 }), (ms) => {
      const { files, touched } = mutate(base, ms);
      fc.pre(touched.length > 0);
      // A flip undone by a second flip leaves the set genuine: nothing to detect.
      fc.pre([...files].some(([p, b]) => !base.get(p)?.equals(b)) || files.size !== base.size);
      const r = verifyEvidence(files, opts);
      assert.ok(!r.ok, `${label}: ${JSON.stringify(ms)} passed verify`);
      const named = touched.some((p) => r.failures.some((f) => f.file === p || f.file.startsWith(`${p}/`) || p.startsWith(`${f.file}/`) || f.message.includes(p)));
      assert.ok(named, `${label}: ${touched.join(', ')} changed, failures name ${r.failures.map((f) => `${f.file}: ${f.message}`).join(' | ')}`);
      // Files the seal does not cover are reported as such, never silently accepted (when there is
      // still a SHA256SUMS to compare with; without one nothing is sealed and that is the failure).
      if (files.has(SHA256SUMS)) for (const p of touched.filter((x) => !base.has(x) && files.has(x) && !x.startsWith('addenda/') && x !== HMAC_FILE && x !== SHA256SUMS && x !== 'SHA256SUMS.sig')) {
        assert.ok(r.failures.some((f) => f.file === p && f.extra), `${label}: added ${p} not reported as added after sealing`);
      }
    }),
    { numRuns: 150, seed: 20261205 },
  );
}

describe('verify never passes a changed evidence set', () => {
  it('a run sealed with an HMAC, checked with the key', () => {
    const run = runEvidenceFixture('hmac');
    const base = readFileSet(path.join(run.dir, 'llm-report'));
    const key = Buffer.from(HMAC_KEY);
    check(base, { hmacKey: key, expect: { kind: 'hmac', keyId: hmacKeyId(key), source: 'the test' } }, 'hmac');
  });

  it('an unsealed run (hashes and the journal fold only)', () => {
    const run = runEvidenceFixture('none');
    check(readFileSet(path.join(run.dir, 'llm-report')), {}, 'unsealed');
  });
});
