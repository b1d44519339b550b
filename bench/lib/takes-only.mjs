// The floor of per-test coverage built on V8's precise coverage: preloaded into each test process
// (NODE_OPTIONS=--import), it starts block coverage with counts and takes it after every test, as our
// reporter does, and throws the answer away: no conversion, no journal, no reporter. What this costs
// over no coverage, every reporter that gives each test its own lines from V8 pays at least.
import { Session } from 'node:inspector';

if (process.env.NODE_TEST_CONTEXT) {
  const { afterEach } = await import('node:test');
  const session = new Session();
  session.connect();
  const post = (method, params = {}) => session.post(method, params, (err) => {
    if (err) throw err;
  });
  post('Profiler.enable');
  post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
  afterEach(() => post('Profiler.takePreciseCoverage'));
}
