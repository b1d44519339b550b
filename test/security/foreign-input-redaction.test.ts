// Attack: a saved stream or report that was never redacted (written by an older version, another tool,
// or by hand) is fed to fold, aggregate, render or trace, which would publish it again. Defence: those
// commands redact every record they write (lib/cli/redactors.ts, lib/redact/records.ts), file paths
// through the path redactor.
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { copyFixture, runNodeTest } from '../helpers/run.js';
import { runCli } from '../helpers/llm.js';
import type { Line, Report } from '../../lib/types.js';

const GHP = 'ghp_' + 'Qq1Ww2Ee3Rr4Tt5Yy6Uu7Ii8Oo9Pp0AaSsDd';
const AKIA = 'AKIA' + 'M2N3B4V5C6X7Z2L3';
const SECRETS = [GHP, AKIA];

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => path.join(dir, f))
    .filter((f) => statSync(f).isFile());
}

function assertClean(files: string[], ...texts: string[]): void {
  assert.ok(files.length > 0);
  for (const f of files) {
    const text = readFileSync(f, 'latin1');
    for (const s of SECRETS) assert.ok(!text.includes(s), `${f} holds ${s.slice(0, 8)}...`);
  }
  for (const t of texts) for (const s of SECRETS) assert.ok(!t.includes(s), `output holds ${s.slice(0, 8)}...`);
}

describe('an unredacted stream or report from elsewhere', () => {
  let dir: string;
  before(() => {
    dir = copyFixture('counter');
    assert.ok(runNodeTest(dir).report);
    // Plant raw secrets where a careless writer would leave them: a file path, a name, a message.
    const lines = readFileSync(path.join(dir, 'llm-report', 'results.ndjson'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Line);
    const leaky = lines.map((l) => (l.type === 'test' ? { ...l, file: `test/${GHP}.test.js`, entry_file: `test/${GHP}.test.js`, name: `${l.name} ${AKIA}` } : l));
    mkdirSync(path.join(dir, 'foreign'));
    writeFileSync(path.join(dir, 'foreign', 'results.ndjson'), leaky.map((l) => JSON.stringify(l) + '\n').join(''));
    const report = JSON.parse(readFileSync(path.join(dir, 'llm-report', 'report.json'), 'utf8')) as Report;
    report.tests = report.tests.map((t) => ({ ...t, file: `test/${GHP}.test.js`, name: `${t.name} ${AKIA}`, requirements: [`REQ-${AKIA}`] }));
    mkdirSync(path.join(dir, 'foreign-report'));
    writeFileSync(path.join(dir, 'foreign-report', 'report.json'), JSON.stringify(report));
  });

  it('fold writes it redacted', async () => {
    const r = await runCli(dir, ['fold', 'foreign/results.ndjson', '--out', 'folded']);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    assertClean(filesUnder(path.join(dir, 'folded')), r.stdout, r.stderr);
    const report = JSON.parse(readFileSync(path.join(dir, 'folded', 'report.json'), 'utf8')) as Report;
    assert.ok(report.tests.every((t) => /^test\/\[REDACTED:github-token-[0-9a-f]{8}\]\.test\.js$/.test(t.file)), report.tests[0]?.file);
  });

  it('aggregate writes it redacted', async () => {
    const r = await runCli(dir, ['aggregate', 'foreign/results.ndjson', '--out', 'agg']);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    assertClean(filesUnder(path.join(dir, 'agg')), r.stdout, r.stderr);
  });

  it('render and trace write it redacted', async () => {
    const r = await runCli(dir, ['render', 'foreign-report', '--out', 'rendered']);
    assert.equal(r.code, 0, r.stderr);
    const t = await runCli(dir, ['trace', 'foreign-report']);
    assert.equal(t.code, 0, t.stderr);
    assert.match(t.stdout, /REQ-\[REDACTED:aws-access-key\]/);
    assertClean(filesUnder(path.join(dir, 'rendered')), r.stdout, r.stderr, t.stdout, t.stderr);
  });
});
