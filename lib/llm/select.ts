// Which tests are annotated, in which context mode and in what order. Pure.
// Order: failed and cancelled tests first (why a test failed is the most useful annotation), then the
// report's order; llm.max_tests cuts the list there.
import picomatch from 'picomatch';
import type { TestLine } from '../types.js';
import type { ContextMode, LlmSettings } from './settings.js';

export interface Candidate {
  test: TestLine;
  mode: ContextMode;
}

export interface Selection {
  /** In request order, at most max_tests. */
  candidates: Candidate[];
  /** Eligible, but past max_tests. */
  overLimit: TestLine[];
  /** Opted out: llm_mode 'off' or llm.tests.exclude. */
  off: number;
  /** Did not run (skipped, todo, incomplete) or the per-file wrapper test. */
  status: number;
}

const RAN = new Set(['passed', 'failed', 'cancelled']);
const MODES: readonly ContextMode[] = ['minimal', 'balanced', 'complete'];

/** The title a '#' glob matches: suites and name joined by ' > '. */
export function testTitle(t: Pick<TestLine, 'path' | 'name'>): string {
  return [...t.path, t.name].join(' > ');
}

function titleRegex(glob: string): RegExp {
  let re = '';
  for (const ch of glob) re += ch === '*' ? '.*' : ch === '?' ? '.' : ch.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&');
  return new RegExp(`^${re}$`, 's');
}

/** A matcher for llm.tests globs: `test/**` matches files; `test/a.test.js#cart > sum*` files and titles. */
export function testMatcher(globs: readonly string[]): (t: Pick<TestLine, 'file' | 'path' | 'name'>) => boolean {
  if (globs.length === 0) return () => false;
  const parts = globs.map((g) => {
    const hash = g.indexOf('#');
    const fileGlob = hash === -1 ? g : g.slice(0, hash) || '**';
    return { file: picomatch(fileGlob, { dot: true }), title: hash === -1 ? undefined : titleRegex(g.slice(hash + 1)) };
  });
  return (t) => parts.some((p) => p.file(t.file) && (!p.title || p.title.test(testTitle(t))));
}

export function selectTests(tests: readonly TestLine[], s: LlmSettings): Selection {
  const excluded = testMatcher(s.tests.exclude);
  const byMode = MODES.map((m) => [m, testMatcher(s.tests[m])] as const);
  let off = 0;
  let status = 0;
  const eligible: Candidate[] = [];
  for (const test of tests) {
    if (!RAN.has(test.status) || test.file_level) {
      status++;
      continue;
    }
    if (test.llm_mode === 'off' || excluded(test)) {
      off++;
      continue;
    }
    // The test's own choice wins; otherwise the smallest mode whose globs match; otherwise the default.
    const fromGlob = byMode.find(([, match]) => match(test))?.[0];
    const mode: ContextMode = test.llm_mode ?? fromGlob ?? s.context.mode;
    eligible.push({ test, mode });
  }
  const failedFirst = [...eligible.filter((c) => c.test.status !== 'passed'), ...eligible.filter((c) => c.test.status === 'passed')];
  return {
    candidates: failedFirst.slice(0, s.max_tests),
    overLimit: failedFirst.slice(s.max_tests).map((c) => c.test),
    off,
    status,
  };
}
