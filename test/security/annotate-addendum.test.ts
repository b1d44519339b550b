// Adding to a sealed run never breaks its seal: `llm-report annotate` (the real openai client against
// the in-repo fake server) writes an addendum, addenda/NNN/, sealed with the configured key, naming the
// sha256 of the report.json it annotates; no sealed byte changes. verify checks the run and each
// addendum: a tampered, stripped, or transplanted addendum FAILS, named.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFakeOpenAI, type FakeOpenAI } from '../helpers/fake-openai.js';
import { copyFixture, runNodeTest } from '../helpers/run.js';
import { annotateRun, readAddenda, readReport, runCli } from '../helpers/llm.js';
import { HMAC_ENV, HMAC_KEY } from '../helpers/evidence.js';
import { sha256Hex } from '../../lib/evidence/files.js';

const SIGNING = { LLM_REPORT_SIGNING__METHOD: 'hmac', LLM_REPORT_SIGNING__KEY_ENV: HMAC_ENV, [HMAC_ENV]: HMAC_KEY };

let server: FakeOpenAI;
before(async () => {
  server = await startFakeOpenAI();
});
after(() => server.close());

/** path -> sha256 of every file under dir (relative POSIX paths). */
function hashes(dir: string, sub = ''): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of readdirSync(path.join(dir, sub))) {
    const rel = sub ? `${sub}/${f}` : f;
    if (statSync(path.join(dir, rel)).isDirectory()) for (const [k, v] of hashes(dir, rel)) out.set(k, v);
    else out.set(rel, sha256Hex(readFileSync(path.join(dir, rel))));
  }
  return out;
}

function copyProject(dir: string): string {
  const to = mkdtempSync(path.join(os.tmpdir(), 'llmr-addendum-'));
  cpSync(dir, to, { recursive: true, filter: (src) => !src.includes(`${path.sep}node_modules`) });
  return to;
}

const verify = (dir: string, args: string[] = []) => runCli(dir, ['verify', 'llm-report', ...args], SIGNING);

describe('annotating a run sealed with an HMAC', () => {
  let dir: string;
  let sealedBefore: Map<string, string>;

  before(async () => {
    dir = copyFixture('llm');
    const run = runNodeTest(dir, { env: SIGNING });
    assert.ok(run.report, run.stderr);
    const v = await verify(dir);
    assert.equal(v.code, 0, `the genuine run verifies before annotate: ${v.stdout}${v.stderr}`);
    sealedBefore = hashes(path.join(dir, 'llm-report'));
    server.script = () => ({ kind: 'answer' });
    const res = await annotateRun(dir, server.url, [], SIGNING);
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /llm-report is sealed and stays unchanged; the annotations are addendum addenda\/001 \(sealed \(hmac\)\)/);
  });

  it('no sealed byte changed; the addendum is its own sealed set naming the sha256 of report.json', () => {
    const after = hashes(path.join(dir, 'llm-report'));
    for (const [f, h] of sealedBefore) assert.equal(after.get(f), h, `${f} was rewritten`);
    const added = [...after.keys()].filter((f) => !sealedBefore.has(f)).sort();
    assert.deepEqual(added, ['addenda/001/SHA256SUMS', 'addenda/001/SHA256SUMS.hmac-sha256', 'addenda/001/VERIFY.md', 'addenda/001/annotations.json', 'addenda/001/manifest.json', 'addenda/001/report.html']);
    const [doc] = readAddenda(dir);
    assert.equal(doc!.report_sha256, sealedBefore.get('report.json'));
    assert.equal(doc!.sequence, 1);
    assert.equal(doc!.tests.filter((t) => t.annotation).length, 5);
    assert.equal(readReport(dir).run.status, 'failed', 'advisory: the verdict stands');
  });

  it('verify passes: the run and the addendum, each checked with the key', async () => {
    const v = await verify(dir, ['--hmac-key-env', HMAC_ENV, '--require-seal']);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /^ok {4}addenda\/001: 5 annotation\(s\) added later for report\.json [0-9a-f]{12}; sealed: HMAC-SHA256 with key id [0-9a-f]{64}$/m);
    assert.match(v.stdout, /^PASS {2}llm-report \(directory, \d+ files\); sealed: HMAC-SHA256/m);
  });

  it('the addendum page shows the annotations, labelled as added later and sealed', () => {
    const page = readFileSync(path.join(dir, 'llm-report', 'addenda', '001', 'report.html'), 'utf8');
    const annotated = readReport(dir).tests.find((t) => t.annotation)!;
    const words = /[A-Za-z]{4,}(?: [A-Za-z]{2,}){3}/.exec(annotated.annotation!.why_needed)![0];
    assert.ok(page.includes(words), `annotation text in the page data: ${words}`);
    assert.ok(!readFileSync(path.join(dir, 'llm-report', 'report.html'), 'utf8').includes('Added later'), 'the sealed page is untouched');
    assert.match(page, /<dt>Added later<\/dt><dd>addenda&#x2F;001: LLM annotations of 5 test\(s\) added after the run was sealed \(advisory; sealed \(hmac\)\)/);
  });

  it('llm-report render of the run shows the addendum, labelled; the sealed report.json is unchanged', async () => {
    const copy = copyProject(dir);
    const r = await runCli(copy, ['render', 'llm-report', '--out', 'rendered'], SIGNING);
    assert.equal(r.code, 0, r.stderr);
    const page = readFileSync(path.join(copy, 'rendered', 'report.html'), 'utf8');
    assert.match(page, /<dt>Added later<\/dt><dd>addenda&#x2F;001: LLM annotations of 5 test\(s\) added after the run was sealed \(advisory; sealed \(hmac-sha256\); check with llm-report verify\)/);
    assert.equal(sha256Hex(readFileSync(path.join(copy, 'llm-report', 'report.json'))), sealedBefore.get('report.json'));
  });

  it('an edited annotation FAILS, naming the addendum file', async () => {
    const copy = copyProject(dir);
    const file = path.join(copy, 'llm-report', 'addenda', '001', 'annotations.json');
    writeFileSync(file, readFileSync(file, 'utf8').replace(/"why_needed": "/, '"why_needed": "Approved by QA. '));
    const v = await verify(copy, ['--hmac-key-env', HMAC_ENV]);
    assert.equal(v.code, 1, v.stdout);
    assert.match(v.stderr, /^FAIL {2}addenda\/001\/annotations\.json: changed after sealing/m);
  });

  it('an addendum stripped of its HMAC and re-sealed without a key FAILS: the expected seal is required for addenda too', async () => {
    const copy = copyProject(dir);
    rmSync(path.join(copy, 'llm-report', 'addenda', '001', 'SHA256SUMS.hmac-sha256'));
    const attacker = mkdtempSync(path.join(os.tmpdir(), 'llmr-attacker-'));
    assert.equal((await runCli(attacker, ['seal', path.join(copy, 'llm-report', 'addenda', '001')])).code, 0);
    const v = await verify(copy, ['--hmac-key-env', HMAC_ENV]);
    assert.equal(v.code, 1, v.stdout);
    assert.match(v.stderr, /^FAIL {2}addenda\/001\/SHA256SUMS\.hmac-sha256: missing, but --hmac-key-env \w+ expects an HMAC-SHA256 seal with key id [0-9a-f]{64}; found no seal at all/m);
  });

  it("an addendum of another run (another report.json) FAILS even with its own seal intact", async () => {
    const other = copyFixture('llm');
    assert.ok(runNodeTest(other, { env: SIGNING }).report);
    cpSync(path.join(dir, 'llm-report', 'addenda'), path.join(other, 'llm-report', 'addenda'), { recursive: true });
    const v = await verify(other, ['--hmac-key-env', HMAC_ENV]);
    assert.equal(v.code, 1, v.stdout);
    assert.match(v.stderr, /^FAIL {2}addenda\/001\/annotations\.json: annotates the report\.json with sha256 [0-9a-f]{64}, but this set's report\.json has sha256 [0-9a-f]{64}: it belongs to another run/m);
  });

  it('a second annotate adds addendum 002; re-sealing the run with llm-report seal leaves addenda out of its seal', async () => {
    const copy = copyProject(dir);
    const res = await annotateRun(copy, server.url, [], SIGNING);
    assert.equal(res.code, 0, res.stderr);
    assert.deepEqual(readAddenda(copy).map((a) => a.sequence), [1, 2]);
    assert.equal((await runCli(copy, ['seal', 'llm-report'], SIGNING)).code, 0);
    assert.doesNotMatch(readFileSync(path.join(copy, 'llm-report', 'SHA256SUMS'), 'utf8'), /addenda\//);
    const v = await verify(copy, ['--hmac-key-env', HMAC_ENV]);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /^ok {4}addenda\/002: /m);
  });

  it('a bundle of the annotated run carries the addendum and verifies the same way', async () => {
    const copy = copyProject(dir);
    const b = await runCli(copy, ['bundle', 'llm-report', '--out', 'evidence.tar'], SIGNING);
    assert.equal(b.code, 0, b.stderr);
    const v = await runCli(copy, ['verify', 'evidence.tar', '--hmac-key-env', HMAC_ENV], SIGNING);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /^ok {4}addenda\/001: /m);
  });
});

describe('a new run into an annotated run directory', () => {
  it('removes the previous report\'s addenda (they annotate a report that is gone), so the new set verifies', async () => {
    const dir = copyFixture('llm');
    assert.ok(runNodeTest(dir, { env: SIGNING }).report);
    server.script = () => ({ kind: 'answer' });
    const res = await annotateRun(dir, server.url, [], SIGNING);
    assert.equal(res.code, 0, res.stderr);
    assert.ok(readdirSync(path.join(dir, 'llm-report', 'addenda')).length > 0, 'annotate wrote an addendum');
    const again = runNodeTest(dir, { env: SIGNING });
    assert.ok(again.report, again.stderr);
    assert.ok(!readdirSync(path.join(dir, 'llm-report')).includes('addenda'), 'the stale addenda are gone');
    const v = await verify(dir, ['--require-seal']);
    assert.equal(v.code, 0, `the new run verifies: ${v.stdout}${v.stderr}`);
  });
});
