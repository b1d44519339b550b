// Preloaded with -r into the process under measurement (CommonJS: `node --test` ignores --import for
// itself): on exit, writes its own peak RSS (KiB) and CPU time (ms) as JSON to $BENCH_RSS_OUT. Test
// children that inherit it skip (NODE_TEST_CONTEXT) unless BENCH_PROBE_CHILD is set, so the figure
// is the parent's, where a reporter lives.
'use strict';
const { writeFileSync } = require('node:fs');

const out = process.env.BENCH_RSS_OUT;
if (out && (!process.env.NODE_TEST_CONTEXT || process.env.BENCH_PROBE_CHILD)) {
  process.on('exit', () => {
    const u = process.resourceUsage();
    writeFileSync(out, JSON.stringify({ rssKiB: u.maxRSS, cpuMs: (u.userCPUTime + u.systemCPUTime) / 1000 }));
  });
}
