// The source view (issue #14 §1): placeholder until the file view lands.
import type { ClientData } from '../html/client.js';

export interface SourcesDeps {
  testLabel(i: number): string;
  testHref(i: number): string;
  statusOf(i: number): string;
}

export interface SourcesView {
  selectTest(idx: number): void;
}

export function mountSources(_data: ClientData, _deps: SourcesDeps): SourcesView | null {
  return null;
}
