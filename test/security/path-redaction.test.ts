// Attack: a secret in a FILE NAME (a token pasted into a test file's name, a source file named after a
// key). The path reaches every record (file, entry_file, failure location, stack, coverage, the
// file-level pseudo-test) and every artifact. Defence: paths pass the path redactor at the record
// boundary (lib/redact/paths.ts): the same file always maps to the same redacted path, two different
// secret-bearing files stay apart, and ids stay stable across runs.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { copyFixture, runNodeTest, type RunResult } from '../helpers/run.js';
import type { TestLine } from '../../lib/types.js';

// Token-shaped, built at run time: no real token and no token-shaped name in the repository.
const GHP = 'ghp_' + 'Zx9Qw8Er7Ty6Ui5Op4As3Df2Gh1Jk0LmNbVc';
const GHP2 = 'ghp_' + 'Ab1Cd2Ef3Gh4Ij5Kl6Mn7Op8Qr9St0UvWxYz';
const AKIA = 'AKIA' + 'Q2W3E4R5T6Y7U2I3';
const SECRETS = [GHP, GHP2, AKIA];

function plant(dir: string): void {
  // git keeps no empty directory: the fixture has none of its own files there.
  for (const d of ['src', 'test']) mkdirSync(path.join(dir, d), { recursive: true });
  writeFileSync(path.join(dir, 'src', `${AKIA}.js`), 'export function add(a, b) {\n  return a + b;\n}\n');
  writeFileSync(
    path.join(dir, 'test', `${GHP}.test.js`),
    [
      "import { describe, it } from 'node:test';",
      "import assert from 'node:assert/strict';",
      `import { add } from '../src/${AKIA}.js';`,
      `describe('suite ${GHP}', () => {`,
      `  it('adds with ${AKIA}', () => assert.equal(add(1, 2), 3));`,
      "  it('fails here', () => assert.equal(add(1, 1), 3));",
      '});',
      '',
    ].join('\n'),
  );
  // A second secret-bearing file that redacts to the same text: it must not merge with the first.
  writeFileSync(path.join(dir, 'test', `${GHP2}.test.js`), "import { it } from 'node:test';\nit('other file', () => {});\n");
  // A file that fails to load: a file-level pseudo-test named after its path.
  writeFileSync(path.join(dir, 'test', `broken-${GHP}.test.js`), "throw new Error('cannot load');\n");
}

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile());
}

describe('a secret in a file name', () => {
  let runs: RunResult[];
  before(() => {
    runs = [0, 1].map(() => {
      const dir = copyFixture('secret-paths');
      plant(dir);
      return runNodeTest(dir, { env: { SOURCE_DATE_EPOCH: '1700000000' } });
    });
  });

  it('reaches no artifact, no stream and no terminal output', () => {
    for (const run of runs) {
      assert.ok(run.report, run.stderr);
      const out = path.join(run.dir, 'llm-report');
      const written = filesUnder(out);
      const names = written.map((f) => path.relative(out, f));
      for (const must of ['journal.ndjson', 'results.ndjson', 'report.json', 'report.html', 'coverage/lcov.info', 'coverage/coverage-final.json', 'manifest.json', 'SHA256SUMS']) {
        assert.ok(names.includes(must), `${must} written (got ${names.join(', ')})`);
      }
      for (const f of written) {
        const text = readFileSync(f, 'latin1');
        for (const s of SECRETS) assert.ok(!text.includes(s), `${path.relative(out, f)} holds ${s.slice(0, 8)}...`);
      }
      for (const [what, text] of [['stream', run.stream], ['stdout', run.stdout], ['stderr', run.stderr]] as const) {
        for (const s of SECRETS) assert.ok(!text.includes(s), `${what} holds ${s.slice(0, 8)}...`);
      }
    }
  });

  it('maps each file to one unique redacted path, everywhere', () => {
    const report = runs[0]!.report!;
    const files = [...new Set(report.tests.map((t) => t.file))].sort();
    const redacted = files.filter((f) => f.includes('[REDACTED:'));
    assert.equal(redacted.length, 3, files.join(', '));
    for (const f of redacted) assert.match(f, /^test\/(broken-)?\[REDACTED:github-token-[0-9a-f]{8}\]\.test\.js$/);
    assert.equal(new Set(redacted.map((f) => f.replace(/^test\/(?:broken-)?/, ''))).size, 3, 'two different secret files do not collide');
    assert.deepEqual(report.files.map((f) => f.file).sort(), files, 'file lines use the same paths as the tests');
    const own = report.tests.filter((t) => t.path[0]?.startsWith('suite '));
    assert.equal(own.length, 2);
    assert.equal(new Set(own.map((t) => t.file)).size, 1);
    assert.equal(own[0]!.path[0], 'suite [REDACTED:github-token]');
    const failed = own.find((t) => t.name === 'fails here')!;
    assert.equal(failed.status, 'failed');
    assert.equal(failed.failure?.location?.file, own[0]!.file, 'the failure location names the same redacted file');
    const fileLevel = report.tests.find((t) => t.file_level && t.file.startsWith('test/broken-'));
    assert.ok(fileLevel, 'the file that failed to load is a file-level test');
    assert.equal(fileLevel.name, fileLevel.file, 'named after its redacted path');
    const cov = report.coverage?.files.map((f) => f.file) ?? [];
    assert.ok(cov.some((f) => /^src\/\[REDACTED:aws-access-key-[0-9a-f]{8}\]\.js$/.test(f)), `covered source redacted: ${cov.join(', ')}`);
    const lcov = readFileSync(path.join(runs[0]!.dir, 'llm-report', 'coverage', 'lcov.info'), 'utf8');
    assert.match(lcov, /^SF:.*src\/\[REDACTED:aws-access-key-[0-9a-f]{8}\]\.js$/m);
  });

  it('keeps ids, paths and the canonical report the same across runs', () => {
    const key = (t: TestLine): string => JSON.stringify([t.id, t.file, t.entry_file, t.path, t.name]);
    const [a, b] = runs.map((r) => r.report!.tests.map(key).sort());
    assert.deepEqual(a, b);
    assert.equal(new Set(a).size, a!.length, 'ids unique');
  });
});
