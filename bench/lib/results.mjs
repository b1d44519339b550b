// Machine-readable benchmark results: bench/results/latest.json = { machine, results: [{ name, value,
// unit, target, ok }] }. Every bench script (ours and other issues') records through record(), which
// replaces an entry of the same name and keeps the rest, so scripts can run alone or together.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const RESULTS_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'results', 'latest.json');

export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model.trim() ?? 'unknown',
    cores: os.availableParallelism?.() ?? cpus.length,
    memory_gb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
  };
}

/**
 * Whether `value` meets `target`, a string such as "<= 1.05" or ">= 100"; null when there is no
 * target or no value (a skipped measurement is neither a pass nor a failure).
 */
export function meets(value, target) {
  if (target == null || value == null || !Number.isFinite(value)) return null;
  const m = /^\s*(<=|>=|<|>)\s*(-?[\d.]+(?:e-?\d+)?)\s*$/.exec(target);
  if (!m) throw new Error(`bench: target ${JSON.stringify(target)} is not "<= N", ">= N", "< N" or "> N"`);
  const t = Number(m[2]);
  return { '<=': value <= t, '>=': value >= t, '<': value < t, '>': value > t }[m[1]];
}

export function load(file = RESULTS_FILE) {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8'));
    if (data && Array.isArray(data.results)) return data;
  } catch (err) {
    if (err.code !== 'ENOENT') throw new Error(`bench: cannot read ${file}: ${err.message}`);
  }
  return { machine: machine(), results: [] };
}

/**
 * Record one entry: { name, value, unit, target?, ok?, note? }. `ok` is computed from `target`
 * unless given. Returns the stored entry.
 */
export function record(entry, file = RESULTS_FILE) {
  if (!entry || typeof entry.name !== 'string' || !entry.name) throw new Error('bench: record() needs a name');
  if (entry.value !== null && (typeof entry.value !== 'number' || !Number.isFinite(entry.value))) {
    throw new Error(`bench: ${entry.name}: value must be a finite number or null, got ${entry.value}`);
  }
  const stored = {
    name: entry.name,
    value: entry.value === null ? null : round(entry.value),
    unit: entry.unit ?? '',
    target: entry.target ?? null,
    ok: entry.ok ?? meets(entry.value, entry.target ?? null),
  };
  if (entry.note) stored.note = entry.note;
  const data = load(file);
  data.machine = machine();
  data.results = data.results.filter((r) => r.name !== stored.name);
  data.results.push(stored);
  data.results.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(data, null, 2) + '\n');
  renameSync(tmp, file);
  return stored;
}

function round(v) {
  return Math.abs(v) >= 100 ? Math.round(v * 10) / 10 : Math.round(v * 1000) / 1000;
}

/** A plain-text table of entries (all of latest.json by default). */
export function table(results = load().results) {
  const rows = results.map((r) => [r.name, r.value === null ? '-' : String(r.value), r.unit, r.target ?? '', r.ok === null ? (r.value === null ? 'skip' : '') : r.ok ? 'ok' : 'MISS', r.note ?? '']);
  const head = ['name', 'value', 'unit', 'target', 'ok', 'note'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells) => cells.map((c, i) => (i === 1 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

export function printTable(results) {
  console.log(table(results));
}
