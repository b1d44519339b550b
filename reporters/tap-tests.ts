// Follows node's tests without root hooks, in a test child and in node's own process (isolation none).
// A root beforeEach/afterEach pair is the documented way, but node runs each hook through its whole test
// machinery (an abort controller, a promise race, an async scope): about 65 us per hook per test, 13 ms for a file of 100 trivial tests, most of what the
// journal cost a test process. Worse, a root beforeEach runs asynchronously before a test's body, so a
// subtest its parent does not await starts late and is cancelled when the parent returns first. node's
// own Test objects say what the journal, the coverage takes and output capture need: run() starts a test
// (synchronously), postRun() ends it (before node reports it and before the next test starts, so a
// process.exit() or a kill loses no end), in node 20 to 26 alike.
// The class is found when node creates its root test (in-process, where the root exists before we load,
// its first test), an AsyncResource: its base constructor assigns the
// resource's async id, and a setter for that key on AsyncResource.prototype sees the new object and is then
// removed. An async hook would see it too, but an enabled hook makes every promise pay an init call while
// the test file's imports load (about 30 ms of CPU for a file loading 400 modules); the hook is kept as the
// fallback should node's resources ever stop carrying that key.
import { AsyncResource, createHook } from 'node:async_hooks';

/** What begin/end read from a test: the fields node's hook context gives. */
export interface TappedTest {
  name: string;
  fullName: string;
  /** The test file the test belongs to (node 22+ keeps it on each test; in-process, many files share the process). */
  filePath?: string;
  passed?: boolean;
  error?: { message?: unknown };
}

interface NodeTest {
  name: string;
  parent: NodeTest | null;
  entryFile?: unknown;
  passed?: boolean;
  error?: { message?: unknown } | null;
  skipped?: boolean;
  constructor: unknown;
  run: (...a: unknown[]) => unknown;
  postRun: (...a: unknown[]) => unknown;
}

/** Like node's getFullName: the names from the top-level test down, the root left out. */
function fullName(t: NodeTest): string {
  let name = t.name;
  for (let p = t.parent; p && p.parent; p = p.parent) name = `${p.name} > ${name}`;
  return name;
}

/**
 * Calls `begin` when each test (not suite, not hook) starts and `end` when it ended. `fallback` runs
 * instead if node's test class does not have the expected shape (then the caller installs root hooks).
 */
export function tapTests(begin: (t: TappedTest) => void, end: (t: TappedTest) => void, fallback: () => void): void {
  whenRootTest((resource) => {
    // The root test: its class is Test itself (suites and hooks extend it).
    const proto = testPrototype(resource);
    if (!proto || typeof proto.run !== 'function' || typeof proto.postRun !== 'function') {
      // Root hooks cannot be added from inside node's construction of its root test; right after, they can.
      queueMicrotask(fallback);
      return;
    }
    patch(proto, begin, end);
  });
}

/** The prototype whose constructor is named Test, on the resource's chain. */
function testPrototype(resource: object): (NodeTest & object) | undefined {
  let proto = Object.getPrototypeOf(resource) as (NodeTest & object) | null;
  while (proto && proto.constructor !== Object && (proto.constructor as { name?: string }).name !== 'Test') proto = Object.getPrototypeOf(proto) as (NodeTest & object) | null;
  return proto && proto.constructor !== Object ? proto : undefined;
}

/** Calls `found` once, with the first AsyncResource whose class is node's Test (or a subclass), while it is constructed. */
function whenRootTest(found: (resource: object) => void): void {
  const base = AsyncResource.prototype as unknown as Record<symbol, unknown>;
  const key = Object.getOwnPropertySymbols(new AsyncResource('llm-report')).find((s) => s.description === 'async_id_symbol');
  if (key === undefined || Object.getOwnPropertyDescriptor(base, key)) {
    const hook = createHook({
      init(_id, type, _trigger, resource) {
        if (type !== 'Test') return;
        hook.disable();
        found(resource);
      },
    });
    hook.enable();
    return;
  }
  Object.defineProperty(base, key, {
    configurable: true,
    set(this: Record<symbol, unknown>, value: unknown) {
      // What the assignment would have made without the setter: an own, plain data property.
      Object.defineProperty(this, key, { value, writable: true, enumerable: true, configurable: true });
      if (!testPrototype(this)) return;
      delete base[key];
      found(this);
    },
  });
}

function patch(proto: NodeTest, begin: (t: TappedTest) => void, end: (t: TappedTest) => void): void {
  const TestClass = proto.constructor;
  const { run, postRun } = proto;
  const started = new Map<NodeTest, TappedTest>();
  proto.run = function (this: NodeTest, ...args: unknown[]) {
    // Plain tests only (hooks and suites are subclasses), not the root, not skipped ones (no hooks run for those).
    if (this.constructor === TestClass && this.parent !== null && !this.skipped && !started.has(this)) {
      const t: TappedTest = { name: this.name, fullName: fullName(this), ...(typeof this.entryFile === 'string' ? { filePath: this.entryFile } : {}) };
      started.set(this, t);
      begin(t);
    }
    return run.apply(this, args);
  };
  proto.postRun = function (this: NodeTest, ...args: unknown[]) {
    const t = started.get(this);
    if (t) {
      started.delete(this);
      t.passed = this.passed;
      if (this.error) t.error = this.error;
      end(t);
    }
    return postRun.apply(this, args);
  };
}
