// Per-test output attribution (reporters/output-capture.ts, issue #17 §3): bounded head and tail with
// the bytes dropped counted, attribution to the running test / the file / shared, and a tee that
// leaves the real stream's writes untouched.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { HeadTail, OutputAttribution, teeWrites } from '../reporters/output-capture.js';

describe('HeadTail', () => {
  it('keeps everything under the cap', () => {
    const h = new HeadTail(10);
    h.push('abc');
    h.push('de');
    assert.equal(h.text(), 'abcde');
    assert.equal(h.droppedBytes, 0);
  });

  it('keeps the head and the tail and counts the UTF-8 bytes dropped between', () => {
    const h = new HeadTail(8);
    for (const c of 'abcdefghij€klmnop') h.push(c);
    assert.equal(h.text(), 'abcd\n… [11 bytes dropped] …\nmnop');
    assert.equal(h.droppedBytes, Buffer.byteLength('efghij€kl'));
  });

  it('100 MB through it holds no more than the cap, and the count is exact', () => {
    const h = new HeadTail(4096);
    const chunk = 'x'.repeat(1024 * 1024 - 1) + '\n';
    for (let i = 0; i < 100; i++) h.push(chunk);
    assert.ok(h.heldChars <= 4096);
    assert.equal(h.droppedBytes, 100 * 1024 * 1024 - 4096);
    const big = new HeadTail(100);
    big.push('y'.repeat(10_000_000));
    assert.equal(big.heldChars, 100);
    assert.equal(big.droppedBytes, 10_000_000 - 100);
  });
});

describe('OutputAttribution', () => {
  it('attributes to the running test, to the file between tests, and marks concurrent tests shared', () => {
    const a = new OutputAttribution(1000, 1000);
    a.write('stdout', 'import time\n');
    a.begin('t1');
    a.write('stdout', 'from t1\n');
    a.write('stderr', 'warn t1\n');
    assert.deepEqual(a.end('t1'), { stdout: 'from t1\n', stderr: 'warn t1\n' });
    a.write('stdout', 'between\n');
    a.begin('t2');
    a.begin('t3');
    a.write('stdout', 'who?\n');
    assert.deepEqual(a.end('t2'), { stdout: 'who?\n', stderr: '', shared: true });
    assert.deepEqual(a.end('t3'), { stdout: 'who?\n', stderr: '', shared: true });
    assert.deepEqual(a.fileOutput(), { stdout: 'import time\nbetween\n', stderr: '' });
    assert.equal(a.end('never-began'), undefined);
  });

  it('a sibling printing a flood does not push out a test\'s one line', () => {
    const a = new OutputAttribution(64, 64);
    a.begin('quiet');
    a.write('stdout', 'the one line\n');
    assert.equal(a.end('quiet')?.stdout, 'the one line\n');
    a.begin('loud');
    for (let i = 0; i < 1000; i++) a.write('stdout', 'z'.repeat(5000));
    const loud = a.end('loud')!;
    assert.equal(loud.dropped_bytes, 5_000_000 - 64);
    assert.ok(loud.stdout.length < 64 + 40);
  });
});

describe('teeWrites', () => {
  it('copies text and bytes, passes every write through unchanged, and undoes', () => {
    const got: Buffer[] = [];
    const sink = new Writable({ write(chunk: Buffer, _enc, cb) { got.push(chunk); cb(); } });
    const seen: string[] = [];
    const undo = teeWrites(sink, (t) => seen.push(t));
    sink.write('héllo ');
    sink.write(Buffer.from('bytes '));
    sink.write('776f726c64', 'hex');
    undo();
    sink.write('after');
    assert.deepEqual(seen, ['héllo ', 'bytes ', 'world']);
    assert.equal(Buffer.concat(got).toString(), 'héllo bytes worldafter');
  });

  it('a failing copy never fails the write', () => {
    const sink = new Writable({ write(_c, _e, cb) { cb(); } });
    const undo = teeWrites(sink, () => { throw new Error('boom'); });
    assert.equal(sink.write('x'), true);
    undo();
  });
});

describe('OutputAttribution: subtests, late sharing and the file budget', () => {
  it('a subtest keeps its own output, its parent only what it wrote itself', () => {
    const a = new OutputAttribution(1000, 1000);
    a.begin('parent');
    a.write('stdout', 'p1\n');
    a.begin('child', true);
    a.write('stdout', 'c\n');
    assert.deepEqual(a.end('child'), { stdout: 'c\n', stderr: '' });
    a.write('stdout', 'p2\n');
    assert.deepEqual(a.end('parent'), { stdout: 'p1\np2\n', stderr: '' });
  });

  it('a test found to run beside another later is marked shared', () => {
    const a = new OutputAttribution(1000, 1000);
    a.begin('x');
    a.markShared('x');
    assert.equal(a.end('x')?.shared, true);
  });

  it('past the file budget a test keeps only the count of what it wrote', () => {
    const a = new OutputAttribution(100, 100, 150);
    a.begin('first');
    a.write('stdout', 'y'.repeat(100));
    assert.equal(a.end('first')?.stdout.length, 100);
    a.begin('second');
    a.write('stdout', 'z'.repeat(80));
    const second = a.end('second')!;
    assert.equal(second.stdout, '');
    assert.equal(second.dropped_bytes, 80);
  });
});
