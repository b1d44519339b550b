// What the suites need from outside Node, found on the system first, else from the npm package that
// stands in for it (devDependencies, so `npm ci` is all a machine needs). A suite whose prerequisite is
// missing is skipped with one line naming it and how to get it: `describe(name, { skip: need(...) })`.
// Under CI=true a missing prerequisite fails the file instead, so CI never passes by skipping.
import { accessSync, constants, existsSync, mkdirSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { npmChromium } from '../../lib/render/pdf.js';

export const CI = /^(1|true)$/i.test(process.env.CI ?? '');

/** An executable called `name` in a directory of PATH, or undefined. */
export function onPath(name: string, pathVar = process.env.PATH ?? ''): string | undefined {
  for (const dir of pathVar.split(path.delimiter)) {
    if (!dir) continue;
    const file = path.join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** False when `found`; else the one line that says what is missing and how to get it (a skip reason).
 *  Under CI=true that line is thrown: the test file fails with it. */
export function need(what: string, found: unknown, how: string): string | false {
  if (found) return false;
  const line = `needs ${what}: ${how}`;
  if (CI) throw new Error(`${line} (CI=true: a missing prerequisite fails instead of skipping)`);
  return line;
}

/** A tool the base system has (openssl, tar, sha256sum, git): its path, or the skip reason (see need). */
export function tool(name: string, how: string): { path: string | undefined; skip: string | false } {
  const found = onPath(name);
  return { path: found, skip: need(name, found, how) };
}

export const HOW_BROWSER = 'install Chromium (apt-get install chromium) or run npm ci (devDependency @sparticuz/chromium), or set LLM_REPORT_CHROMIUM';

/** The browser for the HTML and PDF tests: LLM_REPORT_CHROMIUM, a Chromium or Chrome on PATH, else the
 *  Chromium build @sparticuz/chromium carries (extracted to the temp directory on first use). */
export async function findBrowser(): Promise<{ path: string; from: 'LLM_REPORT_CHROMIUM' | 'PATH' | '@sparticuz/chromium' } | undefined> {
  const set = process.env.LLM_REPORT_CHROMIUM;
  if (set) return existsSync(set) ? { path: set, from: 'LLM_REPORT_CHROMIUM' } : undefined;
  for (const name of ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome']) {
    const found = onPath(name);
    if (found) return { path: found, from: 'PATH' };
  }
  try {
    return { path: await npmChromium(), from: '@sparticuz/chromium' };
  } catch {
    return undefined;
  }
}

const JQ_SHIM = fileURLToPath(new URL('./jq-shim.js', import.meta.url));

/** A directory to put first on PATH so that `jq` runs: none when the system has jq, else one holding a
 *  `jq` that runs jq-wasm (devDependency) through ./jq-shim.ts. */
export function jqDir(node = process.execPath): { dir: string | undefined; from: 'PATH' | 'jq-wasm' | undefined } {
  if (onPath('jq')) return { dir: undefined, from: 'PATH' };
  try {
    createRequire(import.meta.url).resolve('jq-wasm');
  } catch {
    return { dir: undefined, from: undefined };
  }
  const dir = path.join(os.tmpdir(), `llmr-jq-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, 'jq'), `#!/bin/sh\nexec "${node}" "${JQ_SHIM}" "$@"\n`, { mode: 0o755 });
  return { dir, from: 'jq-wasm' };
}

/** The tools a machine with only Node and npm lacks (test/bare-machine.test.ts hides them). */
export const BARE_HIDDEN = /^(chromium.*|google-chrome.*|pdf.*|jq)$/;

/** A PATH like `pathVar` with every executable whose name matches `hide` left out: each directory is
 *  mirrored by a directory of symlinks to everything else in it (nothing is uninstalled). */
export function barePath(into: string, hide = BARE_HIDDEN, pathVar = process.env.PATH ?? ''): string {
  const dirs: string[] = [];
  pathVar.split(path.delimiter).filter(Boolean).forEach((dir, i) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    const mirror = path.join(into, String(i));
    mkdirSync(mirror, { recursive: true });
    for (const name of names) if (!hide.test(name)) symlinkSync(path.join(dir, name), path.join(mirror, name));
    dirs.push(mirror);
  });
  return dirs.join(path.delimiter);
}

const PACKAGE: Record<string, string> = { sha256sum: 'coreutils' };

/** openssl, tar, sha256sum, git: on nearly every machine, never from npm (the point is the auditor's own
 *  tools). The skip reason for the first one missing, or false (see need). */
export function auditTools(names: string[]): string | false {
  for (const name of names) {
    const skip = need(name, onPath(name), `install ${name} (apt-get install ${PACKAGE[name] ?? name})`);
    if (skip) return skip;
  }
  return false;
}
