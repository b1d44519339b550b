// The release (issue #9): the single file is byte-reproducible from a clean copy of the sources, its
// SHA256SUMS matches, the verification commands docs/release-verification.md marks as tested pass on it
// and fail once one byte changes, and the release workflow only runs scripts that exist.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, statSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { REPO, cleanEnv } from './helpers/run.js';

const FILE = 'llm-report.mjs';
const VERSION = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

interface Done {
  code: number | null;
  out: string;
}

/** Async, so the two builds run side by side. */
function runAsync(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<Done> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, out }));
  });
}

/** The sources a clean checkout has: tracked files plus new, not ignored ones (a worktree under review). */
function checkoutFiles(): string[] {
  const r = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO, encoding: 'utf8' });
  assert.equal(r.status, 0, `git ls-files failed: ${r.stderr}`);
  return r.stdout.split('\0').filter((f) => f !== '' && f !== 'node_modules' && existsSync(path.join(REPO, f)) && statSync(path.join(REPO, f)).isFile());
}

/** The ```sh tested blocks of the verification guide, one command a line. */
function documentedCommands(): string[] {
  const doc = readFileSync(path.join(REPO, 'docs', 'release-verification.md'), 'utf8');
  const blocks = [...doc.matchAll(/^```sh tested\n([\s\S]*?)^```$/gm)].map((m) => m[1]!);
  return blocks.flatMap((b) => b.split('\n')).map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
}

function sh(command: string, cwd: string): { code: number | null; out: string } {
  const r = spawnSync('sh', ['-c', command], { cwd, encoding: 'utf8', env: cleanEnv() });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('release: reproducible single file', () => {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'llmr-release-'));
  const key = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  // Two checkouts at different depths and names, built under different time zones, locales and umasks.
  // The first is the full release (npm package too); the second builds only the single file, which
  // keeps the test fast.
  const builds = [
    { src: path.join(tmp, 'a', 'src'), out: path.join(tmp, 'a', 'out'), env: { TZ: 'UTC', LC_ALL: 'C', LANG: 'C' }, umask: '022', extra: [] },
    { src: path.join(tmp, 'b-other', 'deeper', 'checkout-two'), out: path.join(tmp, 'b-other', 'out'), env: { TZ: 'Pacific/Kiritimati', LC_ALL: 'C.UTF-8', LANG: 'C.UTF-8' }, umask: '077', extra: ['--no-pack'] },
  ];
  const results: Done[] = [];

  before(async () => {
    const files = checkoutFiles();
    const keyFile = path.join(tmp, 'signing-key.pem');
    writeFileSync(keyFile, key.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    for (const b of builds) {
      for (const f of files) cpSync(path.join(REPO, f), path.join(b.src, f));
      symlinkSync(realpathSync(path.join(REPO, 'node_modules')), path.join(b.src, 'node_modules'), 'dir');
    }
    const runs = builds.map((b) =>
      runAsync('sh', ['-c', `umask ${b.umask} && exec "$@"`, 'sh', process.execPath, 'scripts/release.mjs', '--out', b.out, '--sign-key', keyFile, '--repo', 'org/llm-report', '--tag', `v${VERSION}`, ...b.extra], {
        cwd: b.src,
        env: cleanEnv(b.env),
      }));
    results.push(...(await Promise.all(runs)));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('builds llm-report.mjs byte-identically in two checkouts and lists it in SHA256SUMS', () => {
    for (const r of results) assert.equal(r.code, 0, `scripts/release.mjs failed:\n${r.out}`);
    const [a, b] = builds.map((x) => readFileSync(path.join(x.out, FILE)));
    assert.ok(a!.length > 100_000, `the bundle is suspiciously small: ${a!.length} bytes`);
    assert.equal(sha256(a!), sha256(b!), 'the two builds differ');
    assert.ok(a!.equals(b!));
    for (const x of builds) {
      assert.equal(readFileSync(path.join(x.out, 'SHA256SUMS'), 'utf8'), `${sha256(a!)}  ${FILE}\n`);
      assert.ok(!a!.includes(x.src) && !a!.includes(tmp), 'a build path leaked into the bundle');
    }
    // The build the suite itself runs on is the same bytes: the hash does not depend on the checkout.
    assert.equal(sha256(readFileSync(path.join(REPO, 'dist', FILE))), sha256(a!), 'dist/llm-report.mjs of this checkout differs (stale build? run npm run build)');
    const verify = readFileSync(path.join(builds[0]!.out, 'VERIFY.md'), 'utf8');
    assert.ok(verify.includes(sha256(a!)) && verify.includes(`gh attestation verify ${FILE} --repo org/llm-report`), verify);
  });

  it('packs the npm package without the compiled tests or the release directory', () => {
    const out = builds[0]!.out;
    const tgz = readdirSync(out).filter((f) => f.endsWith('.tgz'));
    assert.equal(tgz.length, 1, `one tarball expected in ${readdirSync(out).join(', ')}`);
    const list = spawnSync('tar', ['tzf', path.join(out, tgz[0]!)], { encoding: 'utf8' });
    assert.equal(list.status, 0, list.stderr);
    const entries = list.stdout.split('\n');
    for (const must of ['package/package.json', `package/dist/${FILE}`, 'package/dist/lib/cli/main.js', 'package/dist/reporters/reporter.js']) assert.ok(entries.includes(must), `${must} missing from the package`);
    assert.deepEqual(entries.filter((e) => e.startsWith('package/dist/test/') || e.startsWith('package/dist/release/')), []);
    // Source maps would point at .ts sources the package does not ship.
    assert.deepEqual(entries.filter((e) => e.endsWith('.map')), [], 'source maps in the package');
    // The declarations of the public API, where the "types" condition of its export says they are.
    const pkg = JSON.parse(readFileSync(path.join(builds[0]!.src, 'package.json'), 'utf8')) as { exports: Record<string, string | Record<string, string>> };
    const api = pkg.exports['./api'];
    assert.ok(typeof api === 'object' && api.types === './dist/lib/api/index.d.ts', `exports["./api"]: ${JSON.stringify(api)}`);
    for (const must of ['package/dist/lib/api/index.d.ts', 'package/dist/lib/api/index.js', 'package/dist/lib/events/child-journal.d.ts']) assert.ok(entries.includes(must), `${must} missing from the package`);
  });

  it('passes the documented verification commands, and fails them after one byte changes', () => {
    const commands = documentedCommands();
    assert.ok(commands.some((c) => c.startsWith('sha256sum -c')) && commands.some((c) => c.startsWith('openssl dgst')) && commands.includes(`node ${FILE} --version`), `tested commands: ${commands.join(' | ')}`);
    // The release directory alone, as a user downloads it: no node_modules anywhere above it.
    const dir = path.join(tmp, 'download');
    mkdirSync(dir);
    for (const f of [FILE, 'SHA256SUMS', `${FILE}.sig`]) cpSync(path.join(builds[0]!.out, f), path.join(dir, f));
    writeFileSync(path.join(dir, 'llm-report.pub.pem'), key.publicKey.export({ type: 'spki', format: 'pem' }));
    for (const c of commands) {
      const r = sh(c, dir);
      assert.equal(r.code, 0, `${c}\n${r.out}`);
      if (c.startsWith('sha256sum')) assert.match(r.out, /^llm-report\.mjs: OK$/m);
      if (c.startsWith('openssl')) assert.match(r.out, /Verified OK/);
      if (c === `node ${FILE} --version`) assert.equal(r.out.trim(), VERSION);
    }

    const bytes = readFileSync(path.join(dir, FILE));
    const i = Math.floor(bytes.length / 2);
    bytes[i] = bytes[i]! ^ 0x01;
    writeFileSync(path.join(dir, FILE), bytes);
    for (const c of commands.filter((c) => c.startsWith('sha256sum') || c.startsWith('openssl'))) {
      const r = sh(c, dir);
      assert.notEqual(r.code, 0, `${c} passed on a changed file:\n${r.out}`);
    }
  });
});

describe('release workflow', () => {
  const workflow = parseYaml(readFileSync(path.join(REPO, '.github', 'workflows', 'release.yml'), 'utf8')) as {
    on: { push: { tags: string[] } };
    jobs: Record<string, { permissions: Record<string, string>; steps: Array<{ uses?: string; run?: string; with?: Record<string, string> }> }>;
  };
  const job = workflow.jobs.release!;
  const runs = job.steps.map((s) => s.run ?? '').join('\n');

  it('runs on version tags with the permissions provenance needs', () => {
    assert.deepEqual(workflow.on.push.tags, ['v*']);
    assert.deepEqual(job.permissions, { contents: 'write', 'id-token': 'write', attestations: 'write' });
  });

  it('attests, uploads and publishes the released files', () => {
    const attest = job.steps.find((s) => s.uses?.startsWith('actions/attest-build-provenance@'));
    assert.ok(attest, 'no actions/attest-build-provenance step');
    for (const f of [FILE, 'SHA256SUMS', '*.tgz']) assert.ok(attest.with!['subject-path']!.includes(`dist/release/${f}`), `${f} not attested`);
    assert.match(runs, /gh release create .*dist\/release\/llm-report\.mjs\* dist\/release\/SHA256SUMS/);
    assert.match(runs, /npm publish dist\/release\/\*\.tgz --provenance --access public/);
    assert.match(runs, /gh attestation verify llm-report\.mjs --repo "\$GITHUB_REPOSITORY"/);
    assert.match(runs, /sha256sum -c SHA256SUMS/);
  });

  it('only runs npm scripts and files that exist', () => {
    const scripts = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const npmRuns = [...runs.matchAll(/npm run ([\w:-]+)/g)].map((m) => m[1]!);
    assert.ok(npmRuns.length > 0);
    for (const s of npmRuns) assert.ok(scripts[s], `npm run ${s}: no such script in package.json`);
    const nodeFiles = [...runs.matchAll(/node (scripts\/[\w.-]+)/g)].map((m) => m[1]!);
    assert.ok(nodeFiles.includes('scripts/release.mjs'));
    for (const f of nodeFiles) assert.ok(existsSync(path.join(REPO, f)), `${f} does not exist`);
    for (const s of ['typecheck', 'lint']) assert.ok(scripts[s], `npm run ${s} missing`);
  });
});
