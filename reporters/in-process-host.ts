// Under --test-isolation=none there are no test children: the tests run in node's runner process, next
// to the reporter. The reporter publishes here, at import, what a child would get through its
// environment (work dir, coverage mode, our own files); the in-process entry (`--import=
// @org/llm-report/in-process`, which node imports after the reporters, inside the run's root scope)
// follows the tests as the child preload does and marks itself installed. A global, not a module
// variable: the reporter (the bundle) and the entry (the package's preload, or a second copy of the
// bundle) are different module instances.
import type { ChildCoverage } from '../lib/config/internal-env.js';

const HOST = Symbol.for('@org/llm-report/in-process-host');

export interface InProcessHost {
  workDir: string;
  /** What per-test coverage would be; the reporter turns it off when no entry installed itself. */
  coverage: ChildCoverage;
  /** Our own code (the package directory or the bundle file): never measured. */
  own: string;
  /** The preload module (what the in-process entry imports when it is the bundle). */
  preloadUrl: string;
  /** Set by the entry once its hooks are in place. */
  installed: boolean;
  /** Test files (absolute) in the order their first test started: node's events do not name them in-process. */
  files: string[];
  /**
   * Set by the entry: write what a child writes at exit (the last interval, the process's totals, the
   * exit record) and close its journals. The reporter calls it before it reads the journals for the
   * last time, which in-process is before the process exits. Idempotent.
   */
  finish?: (code: number) => void;
}

export function inProcessHost(): InProcessHost | undefined {
  return (globalThis as Record<symbol, unknown>)[HOST] as InProcessHost | undefined;
}

export function publishHost(host: InProcessHost): void {
  (globalThis as Record<symbol, unknown>)[HOST] = host;
}
