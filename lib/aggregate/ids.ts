// Ids the aggregate makes. Derived from content, never random or clock-based, so aggregating the same
// inputs twice gives the same ids (and byte-identical output).
import { sha256 } from '../report/canonical.js';

/** A UUID (version 8: application-defined) made from the sha256 of `text`. */
export function uuidFromText(text: string): string {
  const h = sha256(text).slice(0, 32).split('');
  h[12] = '8';
  h[16] = ((parseInt(h[16]!, 16) & 0x3) | 0x8).toString(16);
  const x = h.join('');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
}

/** The same runs (shards) give the same group id, whatever the order they were given in. */
export function groupId(runIds: readonly string[]): string {
  return uuidFromText(`llm-report group\n${[...runIds].sort().join('\n')}`);
}

/** A run without a run_start line still needs an id: one from its file's content. */
export function generatedRunId(fileSha256: string): string {
  return uuidFromText(`llm-report run\n${fileSha256}`);
}

/** The aggregate's own run id: from the policy and the sources' hashes, in input order (order matters to `latest`). */
export function aggregateRunId(policy: string, sourceHashes: readonly string[]): string {
  return uuidFromText(`llm-report aggregate\n${policy}\n${sourceHashes.join('\n')}`);
}
