// Attack: a link planted at <output_dir>/watch-cycle (the directory a watch cycle journals into while it
// runs, and where an interrupted cycle's record stays) pointing at a directory elsewhere. Following it
// would truncate and write files outside the output directory. Defence: each cycle makes that directory
// afresh (the link itself is removed, never followed); see reporters/watch-cycles.ts.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdtempSync, readdirSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { copyFixture } from '../helpers/run.js';
import { edit, read, runEnds, startWatch, waitFor } from '../helpers/watch.js';

it('a link planted at watch-cycle/ between cycles is replaced, not followed, by the next cycle and by an aborted one', { timeout: 180_000 }, async () => {
  const dir = copyFixture('watch');
  const victim = mkdtempSync(path.join(os.tmpdir(), 'llmr-victim-'));
  writeFileSync(path.join(victim, 'journal.ndjson'), 'precious\n');
  writeFileSync(path.join(victim, 'report.json'), 'precious\n');
  const plant = (): void => symlinkSync(victim, path.join(dir, 'llm-report', 'watch-cycle'), 'dir');
  const w = startWatch(dir);
  try {
    await waitFor('cycle 1', 60_000, () => runEnds(read(dir, 'stream.ndjson')) === 1);
    // Cycle 2 runs with the link planted while node waited.
    plant();
    edit(path.join(dir, 'src', 'calc.js'), 'a * b + 1', 'a * b');
    await waitFor('cycle 2', 60_000, () => runEnds(read(dir, 'stream.ndjson')) === 2);
    assert.deepEqual(readdirSync(victim).sort(), ['journal.ndjson', 'report.json']);
    assert.equal(read(victim, 'journal.ndjson'), 'precious\n', 'the journal went to the output directory, not through the link');
    assert.equal(JSON.parse(read(dir, 'llm-report/report.json')).run.watch_cycle, 2);
    // Cycle 3 is interrupted with the link planted again: its record lands in a real directory.
    plant();
    edit(path.join(dir, 'src', 'calc.js'), 'DELAY = 0', 'DELAY = 60000');
    await waitFor('cycle 3 to reach the slow test', 60_000, () => read(dir, 'llm-report/watch-cycle/journal.ndjson').includes('"name":"sums before the wait"'));
    w.stop('SIGINT');
    await Promise.race([w.exited, new Promise((r) => setTimeout(r, 30_000))]);
    assert.equal(read(victim, 'journal.ndjson'), 'precious\n');
    assert.equal(read(victim, 'report.json'), 'precious\n');
    assert.deepEqual(readdirSync(victim).sort(), ['journal.ndjson', 'report.json']);
    const kept = path.join(dir, 'llm-report', 'watch-cycle');
    assert.ok(lstatSync(kept).isDirectory() && !lstatSync(kept).isSymbolicLink());
    assert.ok(existsSync(path.join(kept, 'report.json')), 'the aborted cycle is recorded inside the output directory');
    assert.equal(JSON.parse(read(kept, 'report.json')).run.status, 'aborted');
  } catch (err) {
    (err as Error).message += `\n--- node stderr ---\n${w.stderr()}`;
    throw err;
  } finally {
    w.stop('SIGKILL');
  }
});
