// node replay.mjs EVENTS REPORTER [JOURNALS]: feeds captured node:test events to a reporter (a module whose
// default export is a reporter generator, or "tap" for node's own) and drains its output, like node does.
// JOURNALS (capture.mjs's $BENCH_CAPTURE_JOURNALS): the child journals of the captured run, grown in our
// reporter's work dir as the events go by, a test's records before its result, as in a real run.
import { appendFileSync, readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';
import { pathToFileURL } from 'node:url';

const [file, reporter, journalDir] = process.argv.slice(2);
const events = v8.deserialize(readFileSync(file));
const mod = reporter === 'tap' ? await import('node:test/reporters') : await import(pathToFileURL(reporter).href);
const generator = reporter === 'tap' ? mod.tap : mod.default;

/** Per test file (absolute, as the records name it): its journal's lines, the next one to append, and where. */
const journals = new Map();
if (journalDir) {
  // Set by our reporter at import (reporters/reporter.ts).
  const work = process.env.LLM_REPORT_WORK_DIR;
  if (!work) throw new Error('replay: journals given, but the reporter set no work dir');
  for (const name of readdirSync(journalDir)) {
    const lines = readFileSync(path.join(journalDir, name), 'utf8').split('\n').filter(Boolean);
    if (lines.length) journals.set(JSON.parse(lines[0]).f, { to: path.join(work, name), lines, next: 0 });
  }
}
/** Append a journal's lines up to its next test end (`all`: to its end). */
function grow(j, all) {
  let text = '';
  while (j.next < j.lines.length) {
    const line = j.lines[j.next++];
    text += line + '\n';
    if (!all && line.startsWith('{"k":"end"')) break;
  }
  if (text) appendFileSync(j.to, text);
}

async function* source() {
  for (const e of events) {
    const j = (e.type === 'test:pass' || e.type === 'test:fail') && e.data?.file !== undefined ? journals.get(e.data.file) : undefined;
    if (j && e.data.nesting === 0) grow(j, true);
    else if (j && e.data.details?.type !== 'suite') grow(j, false);
    yield e;
  }
}
let chars = 0;
for await (const chunk of generator(source())) chars += chunk.length;
if (chars === 0) throw new Error('replay: the reporter wrote nothing');
