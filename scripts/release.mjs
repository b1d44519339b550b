// npm run release [-- options]: the release artifacts in one directory (default dist/release/):
//   llm-report.mjs          the zero-install single file (byte-reproducible from the tag)
//   SHA256SUMS              its sha256, in `sha256sum -c` format
//   llm-report.mjs.sig      with --sign-key: detached signature (openssl dgst -sha256 -verify)
//   VERIFY.md               how to check the file before copying it onto a validated machine
//   <name>-<version>.tgz    the npm package (npm pack), unless --no-pack (which builds only the single file)
// Options: --out DIR, --tag vX.Y.Z (must match package.json), --repo OWNER/NAME (for VERIFY.md; default
// $GITHUB_REPOSITORY), --sign-key PEM (RSA or EC private key), --no-build, --no-pack.
import { spawnSync } from 'node:child_process';
import { createHash, createPrivateKey, sign } from 'node:crypto';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FILE = 'llm-report.mjs';

function fail(message) {
  console.error(`release: ${message}`);
  process.exit(1);
}

function parseArgs(argv) {
  const opts = { out: path.join(root, 'dist', 'release'), tag: undefined, repo: process.env.GITHUB_REPOSITORY, signKey: undefined, build: true, pack: true };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith('--')) fail(`${a} needs a value`);
      return v;
    };
    if (a === '--out') opts.out = path.resolve(value());
    else if (a === '--tag') opts.tag = value();
    else if (a === '--repo') opts.repo = value();
    else if (a === '--sign-key') opts.signKey = path.resolve(value());
    else if (a === '--no-build') opts.build = false;
    else if (a === '--no-pack') opts.pack = false;
    else fail(`unknown option ${a} (see the header of scripts/release.mjs)`);
  }
  return opts;
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], ...opts });
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} exited ${r.status ?? r.signal}${r.error ? `: ${r.error.message}` : ''}`);
  return r.stdout;
}

const opts = parseArgs(process.argv.slice(2));
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
if (opts.tag !== undefined && opts.tag !== `v${pkg.version}`) fail(`tag ${opts.tag} does not match package.json version ${pkg.version} (expected v${pkg.version})`);
if (opts.repo !== undefined && !/^[\w.-]+\/[\w.-]+$/.test(opts.repo)) fail(`--repo must be OWNER/NAME, got "${opts.repo}"`);

// The package needs the whole build (tsc output); the single file alone needs only validators + bundle.
if (opts.build && opts.pack) process.stdout.write(run('npm', ['run', '--silent', 'build']));
else if (opts.build) for (const s of ['gen-validators.mjs', 'bundle.mjs']) process.stdout.write(run(process.execPath, [path.join(root, 'scripts', s)]));
const bundle = readFileSync(path.join(root, 'dist', FILE));

// A build path in the file would make its hash depend on where it was built.
if (bundle.includes(root)) fail(`dist/${FILE} contains the checkout path ${root}: the build is not reproducible`);

// Start from an empty directory, and pack before writing into it: "files" ships dist/, and the release
// directory may live under dist/.
rmSync(opts.out, { recursive: true, force: true });
let tarball;
if (opts.pack) {
  const packDir = mkdtempSync(path.join(os.tmpdir(), 'llmr-pack-'));
  const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', packDir]));
  tarball = packed[0].filename;
  mkdirSync(opts.out, { recursive: true });
  renameSync(path.join(packDir, tarball), path.join(opts.out, tarball));
  rmSync(packDir, { recursive: true, force: true });
}
mkdirSync(opts.out, { recursive: true });
const out = path.join(opts.out, FILE);
copyFileSync(path.join(root, 'dist', FILE), out);
const sha = createHash('sha256').update(bundle).digest('hex');
writeFileSync(path.join(opts.out, 'SHA256SUMS'), `${sha}  ${FILE}\n`);

if (opts.signKey) {
  const key = createPrivateKey(readFileSync(opts.signKey));
  if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'ec') fail(`--sign-key: ${key.asymmetricKeyType} keys cannot be checked with openssl dgst; use an RSA or EC key`);
  writeFileSync(path.join(opts.out, `${FILE}.sig`), sign('sha256', bundle, key));
}

// The copy must run: a bundle that cannot even print its version is not released.
const version = run(process.execPath, [out, '--version']).trim();
if (version !== pkg.version) fail(`${FILE} --version printed "${version}", expected ${pkg.version}`);

const esbuildVersion = JSON.parse(readFileSync(path.join(root, 'node_modules', 'esbuild', 'package.json'), 'utf8')).version;
writeFileSync(path.join(opts.out, 'VERIFY.md'), verifyText({ sha, version, repo: opts.repo ?? '<owner>/<repo>', esbuildVersion, signed: Boolean(opts.signKey) }));

for (const f of readdirSync(opts.out).sort()) console.log(`release: ${path.relative(root, path.join(opts.out, f)).split(path.sep).join('/')}`);
console.log(`release: ${FILE} ${bundle.length} bytes, sha256 ${sha}${tarball ? `; npm package ${tarball}` : ''}`);

function verifyText({ sha, version, repo, esbuildVersion, signed }) {
  return `# Verifying ${FILE} ${version}

sha256: ${sha}

Check the file before copying it onto a validated machine (full guide: docs/release-verification.md).

1. Integrity (the file is the one listed):

       sha256sum -c SHA256SUMS

2. Provenance (built by this repository's release workflow from tag v${version}; needs the GitHub CLI):

       gh attestation verify ${FILE} --repo ${repo}
${signed ? `
3. Detached signature, with the public key you obtained from your supplier through a separate channel:

       openssl dgst -sha256 -verify llm-report.pub.pem -signature ${FILE}.sig ${FILE}
` : ''}
${signed ? '4' : '3'}. Reproduce (optional): rebuild from the tag and compare the hash; the bundle is byte-identical
   wherever it is built (built here with esbuild ${esbuildVersion}, pinned by package-lock.json):

       git clone --depth 1 --branch v${version} https://github.com/${repo}.git llm-report-src
       cd llm-report-src && npm ci && npm run build
       sha256sum dist/${FILE}    # must print ${sha}

${signed ? '5' : '4'}. The file runs and is the expected version:

       node ${FILE} --version    # prints ${version}
`;
}
