// A reporter that keeps node's raw events (v8-serialized to $BENCH_CAPTURE_OUT), so a reporter's own
// cost can be measured apart from the test processes by replaying them (replay.mjs).
import { writeFileSync } from 'node:fs';
import v8 from 'node:v8';

// A reporter must be an (async) generator even when, like this one, it writes nothing to its stream.
// eslint-disable-next-line require-yield
export default async function* capture(source) {
  const events = [];
  for await (const e of source) events.push(e);
  writeFileSync(process.env.BENCH_CAPTURE_OUT, v8.serialize(events));
}
