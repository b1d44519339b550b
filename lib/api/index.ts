// The API test code imports (`@org/llm-report/api`, or the zero-install `./llm-report.mjs`):
//
//   import { requirements, llm } from '@org/llm-report/api';
//   test('dose is capped', (t) => { requirements(t, 'REQ-12', 'REQ-14'); ... });
//   test('talks to the LIS', (t) => { llm(t, 'off'); ... });
//
// It works whether or not the reporter is active (then it does nothing visible).
import { CHANNEL, inProcessMeta, type Channel } from './channel.js';
import type { TestMeta } from '../events/child-journal.js';

/** The part of node's TestContext we need: every node version has fullName (20.16+; name before). */
export interface TestLike {
  name: string;
  fullName?: string;
}

const REQUIREMENT_ID = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,127}$/;
const LLM_MODES = new Set(['off', 'minimal', 'balanced', 'complete']);

export function meta(t: TestLike, data: TestMeta): void {
  const fullName = t.fullName ?? t.name;
  const channel = (globalThis as Record<symbol, unknown>)[CHANNEL] as Channel | undefined;
  if (channel) channel.meta(fullName, data);
  else inProcessMeta().push({ fullName, data });
}

/** Declare the requirement IDs this test verifies (traceability matrix). */
export function requirements(t: TestLike, ...ids: string[]): void {
  for (const id of ids) {
    if (!REQUIREMENT_ID.test(id)) throw new TypeError(`llm-report: invalid requirement id ${JSON.stringify(id)} (letters, digits and . _ : / - only, at most 128)`);
  }
  meta(t, { requirements: ids });
}

/** Opt this test out of LLM annotation ('off') or choose how much context is sent. */
export function llm(t: TestLike, mode: NonNullable<TestMeta['llm_mode']>): void {
  if (!LLM_MODES.has(mode)) throw new TypeError(`llm-report: llm mode must be one of off, minimal, balanced, complete; got ${JSON.stringify(mode)}`);
  meta(t, { llm_mode: mode });
}
