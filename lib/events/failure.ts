// node's ERR_TEST_FAILURE wrapper -> our Failure record: kind, the user's error (cause), a stack with
// repo-relative paths and no node internals, actual/expected rendered deterministically.
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { inspect } from 'node:util';
import { relativizeText, relPath } from '../paths.js';
import type { Failure, FailureKind } from '../types.js';

export interface FailureContext {
  root: string;
  redact: (text: string) => string;
  /** For file paths (lib/redact/paths.ts); `redact` when absent. */
  redactPath?: (path: string) => string;
  stackFrames: number;
  /** Cap for message / actual / expected, in characters. */
  maxChars: number;
  /**
   * Directories of the reporter's own code in test processes (its preload follows node's tests from
   * Test.run(), so its frame sits under every test's): left out of stacks like node's internals.
   */
  ownCode?: readonly string[];
}

/** failureTypes that node counts as "cancelled" in its summary (runner.js kCanceledTests). */
export const CANCELLED_FAILURE_TYPES: ReadonlySet<string> = new Set(['cancelledByParent', 'testAborted', 'testTimeoutFailure']);

interface ErrorLike {
  name?: unknown;
  message?: unknown;
  stack?: unknown;
  code?: unknown;
  failureType?: unknown;
  cause?: unknown;
  actual?: unknown;
  expected?: unknown;
  operator?: unknown;
}

function asErrorLike(value: unknown): ErrorLike | undefined {
  return value !== null && typeof value === 'object' ? value : undefined;
}

export function cap(text: string, max: number): string {
  return text.length <= max ? text : text.slice(0, max) + `… [truncated ${text.length - max} chars]`;
}

function kindOf(failureType: string | undefined, cause: ErrorLike | undefined): FailureKind {
  switch (failureType) {
    case 'testTimeoutFailure':
      return 'timeout';
    case 'hookFailed':
      return 'hook';
    case 'cancelledByParent':
    case 'testAborted':
      return 'cancelled';
    case 'subtestsFailed':
      return 'subtests';
    default:
      return cause?.code === 'ERR_ASSERTION' || cause?.name === 'AssertionError' ? 'assertion' : 'error';
  }
}

function render(value: unknown, max: number): string {
  const text = typeof value === 'string' ? value : inspect(value, { depth: 6, sorted: true, breakLength: 80, maxArrayLength: 200, maxStringLength: max });
  return cap(text, max);
}

/** Stack without node-internal frames, capped to `frames` frames, paths repo-relative. */
export function cleanStack(stack: string, ctx: FailureContext): string {
  const lines = stack.split('\n');
  const out: string[] = [];
  let frames = 0;
  const own = (ctx.ownCode ?? []).flatMap((dir) => [dir + path.sep, pathToFileURL(dir).href + '/']);
  for (const line of lines) {
    const isFrame = /^\s+at /.test(line);
    if (isFrame) {
      if (/\(node:|at node:|\bnode:internal\b/.test(line)) continue;
      if (own.some((o) => line.includes(o))) continue;
      if (frames >= ctx.stackFrames) continue;
      frames++;
    }
    out.push(line);
  }
  return ctx.redact(relativizeText(ctx.root, out.join('\n')));
}

/** First stack frame that points into the project (not node_modules, not node internals). */
export function projectLocation(stack: string, root: string): Failure['location'] {
  for (const m of stack.matchAll(/^\s+at (?:.*? \()?((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?$/gm)) {
    const file = m[1] ?? '';
    if (file.includes('/node_modules/')) continue;
    const rel = relPath(root, file);
    if (rel.startsWith('/')) continue;
    return { file: rel, line: Number(m[2]), column: Number(m[3]) };
  }
  return undefined;
}

export function toFailure(error: unknown, ctx: FailureContext): Failure {
  const wrapper = asErrorLike(error);
  const failureType = typeof wrapper?.failureType === 'string' ? wrapper.failureType : undefined;
  // A wrapper without failureType is the user's error itself (e.g. in-process under isolation=none).
  const rawCause = wrapper && failureType !== undefined && 'cause' in wrapper ? wrapper.cause : error;
  const cause = asErrorLike(rawCause);
  const kind = kindOf(failureType, cause);
  const message =
    cause && typeof cause.message === 'string'
      ? cause.message
      : rawCause === undefined
        ? render(wrapper?.message ?? 'unknown failure', ctx.maxChars)
        : render(rawCause, ctx.maxChars);
  const failure: Failure = { kind, message: ctx.redact(relativizeText(ctx.root, cap(message, ctx.maxChars))) };
  if (failureType) failure.failure_type = failureType;
  if (cause) {
    if (typeof cause.name === 'string' && cause.name) failure.error_name = cause.name;
    else if (rawCause !== null && typeof rawCause === 'object' && rawCause.constructor?.name) failure.error_name = rawCause.constructor.name;
    if (typeof cause.code === 'string' && cause.code !== 'ERR_TEST_FAILURE') failure.code = cause.code;
  } else if (rawCause !== undefined) {
    failure.error_name = typeof rawCause;
  }
  // Subtest/cancel wrappers carry node's own stack, which says nothing about the user's code.
  const stackSource = kind === 'subtests' || kind === 'cancelled' ? undefined : (cause?.stack ?? wrapper?.stack);
  if (typeof stackSource === 'string' && stackSource) {
    failure.stack = cleanStack(stackSource, ctx);
    const loc = projectLocation(stackSource, ctx.root);
    if (loc) failure.location = loc;
  }
  if (cause && kind === 'assertion') {
    if ('actual' in cause) failure.actual = ctx.redact(render(cause.actual, ctx.maxChars));
    if ('expected' in cause) failure.expected = ctx.redact(render(cause.expected, ctx.maxChars));
    if (typeof cause.operator === 'string') failure.operator = cause.operator;
  }
  return failure;
}
