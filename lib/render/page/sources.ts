// The source view (issue #14 §1): one embedded file at a time, each line with the number of tests that
// executed it and its whole-run state; selecting a test marks the lines it executed; selecting a line
// lists every test that executed it (reverse index, built on first use per file), each a link to the
// test's row and detail (#test-<id>). Source text is set with textContent only.
import type { ClientData, ClientRunLines, ClientSources } from '../html/client.js';
import { count, lineTotal } from './format.js';
import { h } from './dom.js';
import { ReverseIndex, lineFlags, lineStates, sourceLines, testCounts, testLines, testsAtLine, type FileIndex } from './lines.js';

/** The embedded sources. Their block comes after the page script, so the list is up before the
 *  browser has even parsed it; it is read (once) when a source is first shown. */
export interface SourceStore {
  files: readonly string[];
  has(file: string): boolean;
  /** Run `fn` once the sources block is parsed (at once when it is). */
  whenReady(fn: () => void): void;
  text(file: string): string;
  lines(file: string): ClientRunLines | undefined;
}

export function sourceStore(D: ClientData): SourceStore {
  const names = new Set(D.src || []);
  let parsed: ClientSources | undefined;
  const get = (): ClientSources => {
    if (parsed) return parsed;
    const el = document.getElementById('llmr-src');
    try {
      parsed = el ? (JSON.parse(el.textContent || '{}') as ClientSources) : { t: {} };
    } catch {
      parsed = { t: {} };
    }
    parsed.t ??= {};
    return parsed;
  };
  return {
    files: [...names].sort(),
    has: (f) => names.has(f),
    whenReady(fn) {
      if (document.readyState !== 'loading') fn();
      else document.addEventListener('DOMContentLoaded', () => fn(), { once: true });
    },
    text: (f) => get().t[f] ?? '',
    lines: (f) => get().l?.[f],
  };
}

export interface SourcesDeps {
  testLabel(i: number): string;
  testHref(i: number): string;
  statusOf(i: number): string;
}

export interface SourcesView {
  /** A test was selected in the list: mark its lines in the file shown. */
  selectTest(idx: number): void;
  /** Show a file (and a line's tests). */
  open(file: string, line?: number): void;
}

/** Tests listed per line before "show all" (the list stays quick; nothing is hidden without a button). */
const FIRST = 200;
const BLANK_OR_COMMENT = /^\s*(?:$|\/\/|\/\*|\*)/;

export function mountSources(D: ClientData, store: SourceStore, deps: SourcesDeps): SourcesView | null {
  const section = document.getElementById('source-view');
  const files = store.files;
  if (!section || !files.length) return null;
  const fileSel = document.getElementById('sv-file') as HTMLSelectElement;
  const lineIn = document.getElementById('sv-line') as HTMLInputElement;
  const info = document.getElementById('sv-info')!;
  const codeBox = document.getElementById('sv-code')!;
  const testsBox = document.getElementById('sv-tests')!;
  const reverse = new ReverseIndex(D.tests, D.sf || []);
  let file = '';
  let ix: FileIndex | null = null;
  let lineEls: HTMLElement[] = [];
  let selectedTest = -1;
  let currentLine = 0;

  const heading = document.getElementById('source-view-h');
  if (heading) heading.textContent = 'Sources (' + count(files.length) + (files.length === 1 ? ' file)' : ' files)');
  for (const f of files) {
    const o = h('option', null, f);
    o.value = f;
    fileSel.appendChild(o);
  }

  function show(f: string): void {
    if (f === file || !store.has(f)) return;
    if (document.readyState === 'loading') { store.whenReady(() => show(f)); return; }
    file = f;
    fileSel.value = f;
    ix = reverse.of(f);
    const src = sourceLines(store.text(f));
    const n = src.length;
    const counts = testCounts(ix, n);
    const states = lineStates(store.lines(f), counts, n);
    const code = h('code');
    lineEls = [];
    let executed = 0;
    let missed = 0;
    for (let l = 1; l <= n; l++) {
      const text = src[l - 1]!;
      let state: string = states[l]!;
      if (state !== 'covered' && BLANK_OR_COMMENT.test(text)) state = 'blank';
      if (state === 'covered') executed++;
      else if (state === 'uncovered') missed++;
      const c = counts[l]!;
      const el = h('span', 'line ' + state, [h('span', 'ln', String(l)), h('span', 'cnt', c ? String(c) : state === 'uncovered' ? '0' : ''), text]);
      el.setAttribute('data-line', String(l));
      if (c) el.title = count(c) + (c === 1 ? ' test executed this line' : ' tests executed this line');
      lineEls[l] = el;
      code.appendChild(el);
    }
    codeBox.textContent = '';
    codeBox.appendChild(code);
    codeBox.setAttribute('aria-label', 'Source of ' + f + ': per line, the number of tests that executed it');
    info.textContent = f + ': ' + count(n) + ' lines, ' + count(executed) + ' executed, ' + count(missed) + ' not executed; ' + count(ix.tests.length) + (ix.tests.length === 1 ? ' test' : ' tests') + ' executed this file.';
    currentLine = 0;
    testsBox.textContent = '';
    testsBox.appendChild(h('p', 'muted', 'Select a line (click it, or type its number) to list the tests that executed it.'));
    markTest();
  }

  /** The lines the selected test executed in the file shown. */
  function markTest(): void {
    for (const el of codeBox.querySelectorAll('.line.sel')) el.classList.remove('sel');
    if (selectedTest < 0 || !file) return;
    const cov = testLines(D.tests[selectedTest], D.sf || []).find((c) => c.file === file);
    if (!cov) return;
    const flags = lineFlags(cov.lines, lineEls.length - 1);
    for (let l = 1; l < lineEls.length; l++) if (flags[l]) lineEls[l]!.classList.add('sel');
    info.setAttribute('data-selected-lines', String(lineTotal(cov.lines)));
  }

  function listLine(l: number, all = false): void {
    if (!ix || l < 1 || l >= lineEls.length) {
      testsBox.textContent = '';
      testsBox.appendChild(h('p', 'muted', 'Line ' + l + ' is not in ' + file + '.'));
      return;
    }
    if (currentLine) lineEls[currentLine]?.classList.remove('cur');
    currentLine = l;
    lineEls[l]!.classList.add('cur');
    lineIn.value = String(l);
    const tests = testsAtLine(ix, l);
    testsBox.textContent = '';
    testsBox.appendChild(h('h3', null, ['Line ' + l + ': ', tests.length ? count(tests.length) + (tests.length === 1 ? ' test executed it' : ' tests executed it') : 'no test executed it']));
    if (!tests.length) {
      const state = lineEls[l]!.classList.contains('uncovered') ? 'The run never executed it.' : lineEls[l]!.classList.contains('covered') ? 'The run executed it outside any test (module top level or a hook), or in tests whose lines cannot be attributed.' : 'It is not executable code, or the run did not measure it.';
      testsBox.appendChild(h('p', 'muted', state));
      return;
    }
    const shown = all ? tests : tests.slice(0, FIRST);
    const ol = h('ol', 'sv-list');
    for (const i of shown) {
      const st = deps.statusOf(i);
      const a = h('a', null, [h('span', 'badge s-' + st, st), ' ', deps.testLabel(i)]);
      a.setAttribute('href', deps.testHref(i));
      ol.appendChild(h('li', null, a));
    }
    testsBox.appendChild(ol);
    if (shown.length < tests.length) {
      const more = h('button', null, 'Show all ' + count(tests.length));
      more.type = 'button';
      more.addEventListener('click', () => listLine(l, true));
      testsBox.appendChild(h('p', null, [count(tests.length - shown.length) + ' more. ', more]));
    }
  }

  fileSel.addEventListener('change', () => show(fileSel.value));
  const go = (): void => { const l = Number(lineIn.value); if (Number.isInteger(l)) listLine(l); };
  lineIn.addEventListener('keydown', (ev) => { if (ev.key === 'Enter') { ev.preventDefault(); go(); } });
  document.getElementById('sv-go')?.addEventListener('click', go);
  codeBox.addEventListener('click', (ev) => {
    const el = (ev.target as Element | null)?.closest?.('[data-line]');
    if (el) listLine(Number(el.getAttribute('data-line')));
  });

  section.hidden = false;
  // The first file is built when the section is first scrolled to or used, not at load (the budget is
  // the list's): an observer where there is one, else right away after the list is up.
  let built = false;
  const build = (): void => { if (!built) { built = true; if (!file) show(files[0]!); } };
  if (typeof IntersectionObserver === 'function') {
    const io = new IntersectionObserver((entries) => { if (entries.some((e) => e.isIntersecting)) { io.disconnect(); build(); } });
    io.observe(section);
  } else window.setTimeout(build, 0);

  return {
    selectTest(idx: number): void {
      selectedTest = idx;
      // Show a file the test executed when the one shown is not one of them.
      const cov = testLines(D.tests[idx], D.sf || []).filter((c) => store.has(c.file));
      if (cov.length && !cov.some((c) => c.file === file)) { built = true; show(cov[0]!.file); }
      else markTest();
    },
    open(f: string, line?: number): void {
      if (!store.has(f)) return;
      built = true;
      show(f);
      if (line) listLine(line);
    },
  };
}
