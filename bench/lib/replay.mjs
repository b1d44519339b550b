// node replay.mjs EVENTS REPORTER: feeds captured node:test events to a reporter (a module whose default
// export is a reporter generator, or "tap" for node's own) and drains its output, like node does.
import { readFileSync } from 'node:fs';
import v8 from 'node:v8';
import { pathToFileURL } from 'node:url';

const [file, reporter] = process.argv.slice(2);
const events = v8.deserialize(readFileSync(file));
const mod = reporter === 'tap' ? await import('node:test/reporters') : await import(pathToFileURL(reporter).href);
const generator = reporter === 'tap' ? mod.tap : mod.default;
async function* source() {
  yield* events;
}
let chars = 0;
for await (const chunk of generator(source())) chars += chunk.length;
if (chars === 0) throw new Error('replay: the reporter wrote nothing');
