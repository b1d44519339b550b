// A reporter that keeps node's raw events (v8-serialized to $BENCH_CAPTURE_OUT), so a reporter's own
// cost can be measured apart from the test processes by replaying them (replay.mjs). With
// $BENCH_CAPTURE_JOURNALS set and our reporter named beside this one, the child journals our preload
// wrote are copied there too (at the run's closing events, before our reporter removes its work dir),
// so a replay can grow them as the run did.
import { cpSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import v8 from 'node:v8';

// A reporter must be an (async) generator even when, like this one, it writes nothing to its stream.
// eslint-disable-next-line require-yield
export default async function* capture(source) {
  const events = [];
  const journals = process.env.BENCH_CAPTURE_JOURNALS;
  const work = process.env.LLM_REPORT_WORK_DIR;
  for await (const e of source) {
    events.push(e);
    if (journals && work && e.data?.file === undefined && (e.type === 'test:plan' || e.type === 'test:summary')) {
      mkdirSync(journals, { recursive: true });
      for (const name of readdirSync(work)) if (name.endsWith('.ndjson')) cpSync(path.join(work, name), path.join(journals, name));
    }
  }
  writeFileSync(process.env.BENCH_CAPTURE_OUT, v8.serialize(events));
}
