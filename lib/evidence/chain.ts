// Hash chain of the run journal, kept in a sidecar (journal.chain) so the journal lines stay exactly the
// NDJSON the fold reads. Line i of the chain is "<i> <h_i>" with h_0 = 64 zeros and
// h_i = sha256(h_(i-1) as 64 hex characters, then the bytes of journal line i including its "\n").
// Each link is checked against the stored previous link, so the first bad record is named and the kind
// of damage (edited, deleted, inserted, reordered) can be told apart.
import * as crypto from 'node:crypto';

export const CHAIN_START = '0'.repeat(64);

// crypto.hash (node 20.12+): one call, no Hash object; a link per journal line made it a cost per test.
const oneShot = (crypto as { hash?: (algorithm: string, data: string | Uint8Array, encoding: 'hex') => string }).hash;

/** Reused for a link over bytes (the seal checks every line of the journal): the previous link, then the line. */
let scratch = Buffer.alloc(4096);

export function chainStep(prev: string, record: Uint8Array | string): string {
  if (!oneShot) return crypto.createHash('sha256').update(prev).update(record).digest('hex');
  if (typeof record === 'string') return oneShot('sha256', prev + record, 'hex');
  const n = prev.length + record.length;
  if (scratch.length < n) scratch = Buffer.alloc(Math.max(n, scratch.length * 2));
  scratch.write(prev, 0, 'latin1');
  scratch.set(record, prev.length);
  return oneShot('sha256', scratch.subarray(0, n), 'hex');
}

export function chainLine(seq: number, head: string): string {
  return `${seq} ${head}\n`;
}

/** Journal lines with their "\n"; a last line without one is returned apart (cut short). */
export function journalRecords(journal: Buffer): { records: Buffer[]; torn: Buffer | undefined } {
  const records: Buffer[] = [];
  let start = 0;
  for (let i = journal.indexOf(10); i !== -1; i = journal.indexOf(10, start)) {
    records.push(journal.subarray(start, i + 1));
    start = i + 1;
  }
  return { records, torn: start < journal.length ? journal.subarray(start) : undefined };
}

export type ChainCheck =
  | { ok: true; records: number; head: string }
  | { ok: false; file: 'journal.ndjson' | 'journal.chain'; record: number; reason: string };

function parseChain(chain: Buffer): { links: string[] } | { line: number; reason: string } {
  const text = chain.toString('utf8');
  if (text !== '' && !text.endsWith('\n')) return { line: text.split('\n').length, reason: 'cut short (no final newline)' };
  const links: string[] = [];
  const lines = text === '' ? [] : text.slice(0, -1).split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\d+) ([0-9a-f]{64})$/.exec(lines[i]!);
    if (!m || Number(m[1]) !== i + 1) return { line: i + 1, reason: `not "${i + 1} <sha256>"` };
    links.push(m[2]!);
  }
  return { links };
}

export function verifyChain(journal: Buffer, chain: Buffer): ChainCheck {
  const parsed = parseChain(chain);
  if ('reason' in parsed) return { ok: false, file: 'journal.chain', record: parsed.line, reason: `line ${parsed.line} of journal.chain is ${parsed.reason}` };
  const links = parsed.links;
  const { records, torn } = journalRecords(journal);
  const link = (i: number): string => (i === 0 ? CHAIN_START : links[i - 1]!);
  // Which sealed position a line's bytes belong to (1-based), scanning the chain; 0 when none.
  const sealedAt = (rec: Buffer): number => {
    for (let j = 1; j <= links.length; j++) if (chainStep(link(j - 1), rec) === link(j)) return j;
    return 0;
  };
  const total = records.length + (torn ? 1 : 0);
  for (let k = 1; k <= Math.max(total, links.length); k++) {
    if (k > total) {
      return { ok: false, file: 'journal.ndjson', record: k, reason: `the journal ends after record ${total}, but journal.chain has ${links.length}: record ${k} and later were deleted` };
    }
    if (k === total && torn) return { ok: false, file: 'journal.ndjson', record: k, reason: 'the last line has no newline: the record was cut short' };
    const rec = records[k - 1]!;
    if (k > links.length) return { ok: false, file: 'journal.ndjson', record: k, reason: `not in journal.chain (${links.length} records were sealed): appended afterwards` };
    if (chainStep(link(k - 1), rec) === link(k)) continue;
    // Where did the original record k go, and where does this line come from?
    let movedTo = 0;
    for (let l = k + 1; l <= records.length; l++) {
      if (chainStep(link(k - 1), records[l - 1]!) === link(k)) {
        movedTo = l;
        break;
      }
    }
    const from = sealedAt(rec);
    let reason: string;
    if (from === 0) reason = movedTo === k + 1 ? 'this line was inserted' : 'edited after it was written (it no longer matches journal.chain)';
    else if (movedTo) reason = `records were reordered: sealed record ${k} is now at line ${movedTo}`;
    else if (from > k) reason = from === k + 1 ? `sealed record ${k} was deleted (this line is sealed record ${from})` : `sealed records ${k} to ${from - 1} were deleted (this line is sealed record ${from})`;
    else reason = `this line repeats sealed record ${from} (duplicated or moved)`;
    return { ok: false, file: 'journal.ndjson', record: k, reason };
  }
  return { ok: true, records: links.length, head: link(links.length) };
}
