// The examples (examples/<name>/) as a user meets them: a copy installed the way `npm install` would
// install it, then the commands its README documents, taken from the README itself so that the
// README cannot drift from what is tested.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';
import { cleanEnv, copyFixture, NODE, REPO } from './run.js';

export const EXAMPLES = path.join(REPO, 'examples');

export function exampleNames(): string[] {
  return readdirSync(EXAMPLES, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
}

export interface Block {
  /** The word after the language: ```sh run */
  label: string;
  text: string;
  /** 1-based line of the opening fence. */
  line: number;
}

const SHELLS = new Set(['sh', 'bash', 'shell', 'console']);

/**
 * The shell blocks of a README. Each needs a label after the language (```sh run): `install` is
 * what installExample does; any other label is a block the examples test runs. An unlabelled shell
 * block is an error, so a command cannot be documented without being tested.
 */
export function shBlocks(readme: string, file: string): Block[] {
  const blocks: Block[] = [];
  const lines = readme.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^```(\S*)\s*(.*)$/.exec(lines[i]!);
    if (!open) continue;
    const end = lines.findIndex((l, j) => j > i && l.startsWith('```'));
    if (end < 0) throw new Error(`${file}:${i + 1}: unclosed code block`);
    if (SHELLS.has(open[1]!)) {
      const label = open[2]!.trim();
      if (!label) throw new Error(`${file}:${i + 1}: a ${open[1]} block needs a label (\`\`\`sh run, \`\`\`sh install, ...): the examples test runs every one`);
      blocks.push({ label, text: lines.slice(i + 1, end).join('\n') + '\n', line: i + 1 });
    }
    i = end;
  }
  return blocks;
}

/** The example's README blocks by label; throws naming the labels found when one is missing. */
export function readmeBlocks(name: string): Map<string, Block> {
  const file = `examples/${name}/README.md`;
  const blocks = shBlocks(readFileSync(path.join(REPO, file), 'utf8'), file);
  const byLabel = new Map<string, Block>();
  for (const b of blocks) {
    if (byLabel.has(b.label)) throw new Error(`${file}:${b.line}: a second block labelled "${b.label}"`);
    byLabel.set(b.label, b);
  }
  return byLabel;
}

interface PackageJson {
  name: string;
  bin?: string | Record<string, string>;
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
}

export function readPackage(dir: string): PackageJson {
  return JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as PackageJson;
}

/** node_modules/.bin links for a package's `bin`, as npm makes them (our copied CLI made executable). */
function linkBins(dir: string, dep: string): void {
  const pkgDir = path.join(dir, 'node_modules', dep);
  const { name, bin } = readPackage(pkgDir);
  const bins = typeof bin === 'string' ? { [name.split('/').pop()!]: bin } : (bin ?? {});
  const binDir = path.join(dir, 'node_modules', '.bin');
  mkdirSync(binDir, { recursive: true });
  for (const [cmd, rel] of Object.entries(bins)) {
    const target = path.join(pkgDir, rel);
    // Only files copied into this project: the linked ones are this repository's installed packages.
    if (realpathSync(target).startsWith(realpathSync(dir) + path.sep)) chmodSync(target, 0o755);
    symlinkSync(path.relative(binDir, target), path.join(binDir, cmd));
  }
}

const made: string[] = [];

/** Remove every copy installExample made (each holds a copy of the package: megabytes). */
export function removeInstalled(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * A copy of examples/<name> with what `npm install` gives it: our package copied into node_modules
 * (copyFixture's copyInstall), every other dependency linked from this repository's node_modules,
 * and the node_modules/.bin links of all of them (npx llm-report, tsc).
 */
export function installExample(name: string): string {
  const dir = copyFixture(name, { from: EXAMPLES, copyInstall: true });
  made.push(dir);
  const pkg = readPackage(dir);
  const deps = Object.keys({ ...pkg.dependencies, ...pkg.devDependencies }).sort();
  if (!deps.includes('@org/llm-report')) throw new Error(`examples/${name}/package.json: @org/llm-report is not a dependency, so npm install would not install the reporter`);
  for (const dep of deps) {
    if (dep !== '@org/llm-report') {
      const from = path.join(REPO, 'node_modules', dep);
      if (!existsSync(from)) throw new Error(`examples/${name}/package.json: ${dep} is not installed in this repository's node_modules (add it to its devDependencies)`);
      const to = path.join(dir, 'node_modules', dep);
      mkdirSync(path.dirname(to), { recursive: true });
      symlinkSync(from, to, 'dir');
    }
    linkBins(dir, dep);
  }
  return dir;
}

/**
 * A README block run as a user's shell would: `sh -e` (or `shell`) in the project, with the tested node first on
 * PATH and nothing of the outer test run in the environment. node_modules/.bin is NOT on PATH: the
 * README's commands must work as typed (npm test, npx llm-report ...).
 */
export function runBlock(dir: string, text: string, env: Record<string, string> = {}, shell = 'sh'): SpawnSyncReturns<string> {
  const PATH = [path.dirname(NODE), process.env.PATH ?? ''].join(path.delimiter);
  return spawnSync(shell, ['-ec', text], { cwd: dir, env: cleanEnv({ PATH, ...env }), encoding: 'utf8', timeout: 180_000 });
}

/** stdout and stderr of a run, for assertion messages. */
export const output = (r: SpawnSyncReturns<string>): string => `exit ${r.status ?? r.signal}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`;
