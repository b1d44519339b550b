// Attack: on a shared machine, another user plants a program at $TMPDIR/chromium. @sparticuz/chromium
// (the PDF's browser when nothing is at /usr/bin/chromium) returns whatever is at that path without
// extracting its own, so `llm-report render --pdf` would run the planted program. Defence: lib/render/pdf.ts
// runs only a regular file owned by this user that nobody else can write; otherwise one coded line, exit 1.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NODE, REPO, cleanEnv } from '../helpers/run.js';
import { fakeReport } from '../helpers/fake-report.js';
import { reportJson } from '../../lib/output/write.js';
import { DEFAULT_CHROMIUM } from '../../lib/render/pdf.js';

const CLI = path.join(REPO, 'dist', 'lib', 'cli', 'main.js');

/** A run directory, and a temp directory holding a planted `chromium` that leaves a marker when run. */
function planted(kind: 'writable' | 'symlink'): { dir: string; tmp: string; marker: string } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'llmr-plant-run-'));
  writeFileSync(path.join(dir, 'report.json'), reportJson(fakeReport()));
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'llmr-plant-tmp-'));
  const marker = path.join(tmp, 'ran');
  const script = `#!/bin/sh\ntouch '${marker}'\nexit 1\n`;
  if (kind === 'writable') {
    writeFileSync(path.join(tmp, 'chromium'), script);
    chmodSync(path.join(tmp, 'chromium'), 0o777);
  } else {
    mkdirSync(path.join(tmp, 'elsewhere'));
    writeFileSync(path.join(tmp, 'elsewhere', 'prog'), script, { mode: 0o755 });
    symlinkSync(path.join(tmp, 'elsewhere', 'prog'), path.join(tmp, 'chromium'));
  }
  return { dir, tmp, marker };
}

describe('a program planted at $TMPDIR/chromium', { skip: existsSync(DEFAULT_CHROMIUM) && `a browser is at ${DEFAULT_CHROMIUM}: the npm Chromium is not used here` }, () => {
  for (const kind of ['writable', 'symlink'] as const) {
    it(`${kind === 'writable' ? 'writable by others' : 'a symbolic link'}: not run; one coded line, exit 1`, () => {
      const { dir, tmp, marker } = planted(kind);
      const r = spawnSync(NODE, [CLI, 'render', '.', '--pdf', '--no-html'], { cwd: dir, env: cleanEnv({ TMPDIR: tmp }), encoding: 'utf8', timeout: 120_000 });
      assert.equal(r.status, 1, r.stderr);
      assert.match(r.stderr, /^llm-report render: LLMR_PDF_UNAVAILABLE: no PDF: no browser at \/usr\/bin\/chromium, and @sparticuz\/chromium did not give one \(.*chromium is not a file of this user that only it can change: remove it .*\): install Chromium/);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
      assert.ok(!existsSync(marker), 'the planted program did not run');
      assert.ok(!existsSync(path.join(dir, 'report.pdf')));
    });
  }
});
