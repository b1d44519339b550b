// A configuration error (unknown option, wrong type) is one located line and a documented exit status:
// from the CLI exit 2; as a reporter a run_end with the coded error, no outputs, a failed run. Never a
// stack trace (it once was node's uncaught-error dump with exit 7).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { cli } from '../helpers/aggregate.js';
import { copyFixture, parseLines, runNodeTest } from '../helpers/run.js';
import { validateLine } from '../../lib/generated/validators.js';
import type { RunEndLine } from '../../lib/types.js';

const CASES = [
  { name: 'unknown option', config: { outptu_dir: 'x' }, line: /^llm-report\.config\.json: unknown option "outptu_dir" \(did you mean "output_dir"\?\)$/, key: 'outptu_dir', suggestion: 'output_dir' },
  { name: 'wrong type', config: { html: 'yes' }, line: /^llm-report\.config\.json: option "html" must be a boolean \(true or false\), got string "yes"$/, key: 'html', suggestion: undefined },
] as const;

function project(config: object): string {
  const dir = copyFixture('simple');
  writeFileSync(path.join(dir, 'llm-report.config.json'), JSON.stringify(config));
  return dir;
}

const noStack = (stderr: string): void => {
  assert.doesNotMatch(stderr, /^\s+at /m, `no stack trace: ${stderr}`);
  assert.doesNotMatch(stderr, /ConfigError|node:internal/);
};

describe('configuration errors', () => {
  for (const c of CASES) {
    it(`CLI, ${c.name}: one line naming file, key and suggestion; exit 2`, () => {
      const dir = project(c.config);
      for (const args of [['aggregate', 'x.ndjson'], ['seal'], ['cache', 'prune']]) {
        const r = cli(args, dir);
        assert.equal(r.status, 2, `${args.join(' ')}: ${r.stderr}`);
        const lines = r.stderr.trimEnd().split('\n');
        assert.equal(lines.length, 1, `one line: ${r.stderr}`);
        assert.match(lines[0]!.replace(/^llm-report [a-z]+: /, ''), c.line);
        noStack(r.stderr);
      }
    });

    it(`reporter, ${c.name}: run_end with the coded error, the run fails, no outputs, no stack trace`, () => {
      const dir = project(c.config);
      const run = runNodeTest(dir);
      assert.notEqual(run.status, 0, 'the run fails although every test passed');
      assert.match(run.tap, /^# pass [1-9]/m, 'the tests still ran');
      noStack(run.stderr);
      const ours = run.stderr.split('\n').filter((l) => l.includes('LLMR_CONFIG_INVALID'));
      assert.equal(ours.length, 1, run.stderr);
      assert.match(ours[0]!, /^llm-report: LLMR_CONFIG_INVALID: llm-report\.config\.json: /);
      const lines = parseLines(run.stream);
      for (const l of lines) assert.ok(validateLine(l), JSON.stringify(validateLine.errors));
      const end = lines.at(-1) as RunEndLine;
      assert.equal(end.type, 'run_end');
      assert.equal(end.status, 'failed');
      assert.equal(end.error?.code, 'LLMR_CONFIG_INVALID');
      assert.match(end.error.message, c.line);
      assert.equal(end.error.file, 'llm-report.config.json');
      assert.equal(end.error.key, c.key);
      assert.equal(end.error.suggestion, c.suggestion);
      assert.equal(existsSync(path.join(dir, 'llm-report')), false, 'no output written under a configuration nobody meant');
    });
  }

  it('the stream of a run with a configuration error folds to a failed run carrying the code', () => {
    const dir = project(CASES[0].config);
    runNodeTest(dir);
    writeFileSync(path.join(dir, 'llm-report.config.json'), '{}');
    const r = cli(['fold', 'stream.ndjson', '--out', 'o'], dir);
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^failed: /);
  });
});
