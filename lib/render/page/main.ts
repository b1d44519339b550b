// The interactive part of the report: theme toggle, the virtualized test list (filters, sorting, tree
// by file and suite), per-test detail with the source view, permalinks (#test-<id>) and print.
// Compiled by scripts/build-page.mjs into templates/report.js, inlined in the page (CSP hash). The logic
// lives in the pure modules next to this one; this file is the DOM. Report text is only ever set with
// textContent (never innerHTML), so nothing in the data can become markup or script.
import { STATUSES, type ClientData, type ClientDetail, type ClientFailure, type ClientTest } from '../html/client.js';
import { count, duration, lineTotal, ranges, searchWords } from './format.js';
import { SORT_MODES, X, ID, NAME, PATH, FILE, LINE, STATUS, DUR, buildHay, buildModel, buildRows, defaultFilters, fullName, groupText, keysOf, matches, type Row, type SortMode } from './model.js';
import { add, h, type Kid } from './dom.js';
import { mountSources, sourceStore } from './sources.js';
import { lineFlags, sourceLines, testLines } from './lines.js';
import type { FileLines, LineRange } from '../../types.js';

const doc = document;
const root = doc.documentElement;
const ROW_H = 30; // must match .row height in report.css
const OVERSCAN = 10;
const THEME_KEY = 'llm-report:theme';

// ---------------------------------------------------------------- small helpers
function $<E extends HTMLElement = HTMLElement>(id: string): E | null {
  return doc.getElementById(id) as E | null;
}
function must<E extends HTMLElement = HTMLElement>(id: string): E {
  const el = $<E>(id);
  if (!el) throw new Error(`llm-report page: #${id} is missing`);
  return el;
}
function storage(key: string, value?: string): string | null {
  try {
    if (value === undefined) return window.localStorage.getItem(key);
    window.localStorage.setItem(key, value);
  } catch { /* storage unavailable: nothing is remembered */ }
  return null;
}
function statusOf(t: ClientTest): string {
  return STATUSES[t[STATUS]] ?? 'incomplete';
}

// ---------------------------------------------------------------- theme
function theme(): void {
  const toggle = $('theme-toggle');
  if (!toggle) return;
  const media = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  const effective = (): 'light' | 'dark' => {
    const t = root.getAttribute('data-theme');
    if (t === 'light' || t === 'dark') return t;
    return media && media.matches ? 'dark' : 'light';
  };
  const show = (): void => {
    const dark = effective() === 'dark';
    toggle.textContent = dark ? 'Dark mode: on' : 'Dark mode: off';
    toggle.setAttribute('aria-pressed', dark ? 'true' : 'false');
  };
  toggle.hidden = false;
  show();
  toggle.addEventListener('click', () => {
    const next = effective() === 'dark' ? 'light' : 'dark';
    root.setAttribute('data-theme', next);
    storage(THEME_KEY, next);
    show();
  });
  if (media && typeof media.addEventListener === 'function') media.addEventListener('change', show);
}

// Marks for the benchmark (bench/html.mjs): script start, data parsed, indexed, list shown (llmr-ready).
function mark(name: string): void {
  if (window.performance && typeof performance.mark === 'function') performance.mark(name);
}

function start(): void {
  theme();
  const dataEl = $('llmr-data');
  const browser = $('browser');
  if (!dataEl || !browser) return;
  mark('llmr-start');
  const D = JSON.parse(dataEl.textContent ?? '{}') as ClientData;
  mark('llmr-parsed');
  const M = buildModel(D);
  mark('llmr-indexed');
  const T = D.tests;
  const N = T.length;
  const FILES = D.files;
  const PATHS = D.paths;
  const store = sourceStore(D);
  const RUNS = D.runs || [];
  const F = defaultFilters();
  const collapsed = new Set<string>();
  let rows: Row[] = [];
  let shownCount = 0;
  const pathOf = (t: ClientTest): string[] => PATHS[t[PATH]] ?? [];
  const fileName = (i: number): string => FILES[i]?.f ?? '';

  // ---------------------------------------------------------------- the virtual list
  const list = must('list');
  const rowsEl = must('rows');
  const shownEl = must('shown');
  const detailEl = must('detail');
  const live = new Map<number, HTMLLIElement>();
  let lo = 0;
  let hi = 0;
  let activeRow = 0;
  let selected = -1;

  function makeRow(r: number): HTMLLIElement {
    const row = rows[r]!;
    const li = h('li', 'row');
    li.style.top = r * ROW_H + 'px';
    li.style.paddingLeft = row.d * 16 + 'px';
    li.setAttribute('aria-posinset', String(r + 1));
    li.setAttribute('aria-setsize', String(rows.length));
    let el: HTMLElement;
    if (row.g !== undefined) {
      li.className = row.file ? 'row g file' : 'row g';
      const open = !collapsed.has(row.g);
      const ss = M.suiteState.get(row.g);
      const twisty = h('span', 'twisty', open ? '▾' : '▸');
      const b = h('button', null, [
        twisty,
        h('span', 'name' + (row.file ? ' mono' : ''), row.label),
        ss && ss.f ? h('span', 'badge s-failed', 'suite ' + ss.s) : null,
        h('span', 'cnt', groupText(M, row.g, count)),
      ]);
      b.type = 'button';
      b.setAttribute('aria-expanded', open ? 'true' : 'false');
      twisty.setAttribute('aria-hidden', 'true');
      el = b;
    } else {
      const t = T[row.t]!;
      const st = statusOf(t);
      li.className = 'row t';
      el = h('a', null, [
        h('span', 'badge s-' + st, st),
        h('span', 'name', F.sort === 'source' ? t[NAME] : fullName(M, t)),
        t[X]?.flaky ? h('span', 'badge flaky-badge', 'flaky') : null,
        F.sort === 'source' ? null : h('span', 'loc mono', fileName(t[FILE]) + ':' + t[LINE]),
        h('span', 'dur', duration(t[DUR])),
      ]);
      el.setAttribute('href', '#test-' + t[ID]);
      el.setAttribute('title', fullName(M, t));
      if (row.t === selected) el.setAttribute('aria-current', 'true');
    }
    el.setAttribute('tabindex', '-1');
    el.setAttribute('data-r', String(r));
    li.appendChild(el);
    return li;
  }
  function render(reset: boolean): void {
    const top = list.scrollTop;
    const height = list.clientHeight || 600;
    const startR = Math.max(0, Math.floor(top / ROW_H) - OVERSCAN);
    const end = Math.min(rows.length, Math.ceil((top + height) / ROW_H) + OVERSCAN);
    const a = Math.max(startR, lo);
    const b = Math.min(end, hi);
    if (reset || a >= b) {
      dropFocus(rowsEl);
      rowsEl.textContent = '';
      live.clear();
      for (let r = startR; r < end; r++) { const el = makeRow(r); live.set(r, el); rowsEl.appendChild(el); }
    } else {
      live.forEach((el, r) => {
        if (r < a || r >= b) { dropFocus(el); el.remove(); live.delete(r); }
      });
      const first = live.get(a) ?? null;
      for (let p = startR; p < a; p++) { const e1 = makeRow(p); live.set(p, e1); rowsEl.insertBefore(e1, first); }
      for (let n = b; n < end; n++) { const e2 = makeRow(n); live.set(n, e2); rowsEl.appendChild(e2); }
    }
    lo = startR;
    hi = end;
  }
  // A focused row that scrolls out of the window would take the focus with it: keep it on the list.
  function dropFocus(el: HTMLElement): void {
    if (el.contains(doc.activeElement)) list.focus({ preventScroll: true });
  }
  function apply(keepScroll: boolean): void {
    ({ rows, shown: shownCount } = buildRows(M, F, collapsed));
    rowsEl.style.height = rows.length * ROW_H + 'px';
    if (!keepScroll) list.scrollTop = 0;
    activeRow = Math.min(activeRow, Math.max(0, rows.length - 1));
    render(true);
    shownEl.textContent = 'Showing ' + count(shownCount) + ' of ' + count(N) + ' tests' + (rows.length === 0 ? ': none match the filters.' : '.');
  }
  let pending = false;
  list.addEventListener('scroll', () => {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(() => { pending = false; render(false); });
  });

  function rowOf(idx: number): number {
    for (let r = 0; r < rows.length; r++) if (rows[r]!.t === idx) return r;
    return -1;
  }
  function scrollToRow(r: number, center: boolean): void {
    const top = r * ROW_H;
    const hgt = list.clientHeight;
    if (center) list.scrollTop = Math.max(0, top - hgt / 2);
    else if (top < list.scrollTop) list.scrollTop = top;
    else if (top + ROW_H > list.scrollTop + hgt) list.scrollTop = top + ROW_H - hgt;
  }
  function focusRow(r: number): void {
    if (!rows.length) return;
    r = Math.max(0, Math.min(rows.length - 1, r));
    activeRow = r;
    scrollToRow(r, false);
    render(false);
    const li = live.get(r);
    if (li) (li.firstChild as HTMLElement).focus({ preventScroll: true });
  }
  function currentRow(): number {
    const a = doc.activeElement;
    const r = a && a.getAttribute ? a.getAttribute('data-r') : null;
    return r === null ? activeRow : Number(r);
  }
  function toggleGroup(key: string, open?: boolean): void {
    if (open === undefined) open = collapsed.has(key);
    if (open) collapsed.delete(key); else collapsed.add(key);
    let r = 0;
    for (; r < rows.length; r++) if (rows[r]!.g === key) break;
    apply(true);
    focusRow(r);
  }
  list.addEventListener('keydown', (ev) => {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    const r = currentRow();
    const row = rows[r];
    const page = Math.max(1, Math.floor(list.clientHeight / ROW_H) - 1);
    switch (ev.key) {
      case 'ArrowDown': focusRow(doc.activeElement === list ? activeRow : r + 1); break;
      case 'ArrowUp': focusRow(doc.activeElement === list ? activeRow : r - 1); break;
      case 'PageDown': focusRow(r + page); break;
      case 'PageUp': focusRow(r - page); break;
      case 'Home': focusRow(0); break;
      case 'End': focusRow(rows.length - 1); break;
      case 'ArrowRight':
        if (row && row.g !== undefined && collapsed.has(row.g)) toggleGroup(row.g, true);
        break;
      case 'ArrowLeft':
        if (row && row.g !== undefined && !collapsed.has(row.g)) toggleGroup(row.g, false);
        else if (row) { for (let p = r - 1; p >= 0; p--) if (rows[p]!.g !== undefined && rows[p]!.d < row.d) { focusRow(p); break; } }
        break;
      default: return;
    }
    ev.preventDefault();
  });
  rowsEl.addEventListener('click', (ev) => {
    if (ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return; // new tab/window: the browser's own
    const target = ev.target as Element | null;
    const el = target && target.closest ? target.closest<HTMLElement>('[data-r]') : null;
    if (!el) return;
    const r = Number(el.getAttribute('data-r'));
    const row = rows[r];
    if (!row) return;
    ev.preventDefault();
    activeRow = r;
    if (row.g !== undefined) { toggleGroup(row.g); return; }
    el.focus({ preventScroll: true });
    select(row.t);
    const id = T[row.t]![ID];
    if (window.location.hash !== '#test-' + id) {
      try { window.history.pushState(null, '', '#test-' + id); } catch { /* file:// in some browsers */ }
    }
  });

  function select(idx: number): void {
    selected = idx;
    live.forEach((li, r) => {
      const a = li.firstChild as HTMLElement;
      if (rows[r]!.t === idx) a.setAttribute('aria-current', 'true'); else a.removeAttribute('aria-current');
    });
    detailEl.textContent = '';
    detailEl.appendChild(detail(idx, false));
    sourcesView?.selectTest(idx);
  }

  // ---------------------------------------------------------------- detail
  function dl(pairs: Array<[string, Kid, string?]>): HTMLDListElement {
    const el = h('dl', 'facts');
    for (const p of pairs) if (p[1] !== undefined && p[1] !== null && p[1] !== '') el.appendChild(h('div', null, [h('dt', null, p[0]), h('dd', p[2] ?? null, p[1])]));
    return el;
  }
  // An aggregate's source run: its file, shard and id.
  function runRef(r: number): Kid {
    const run = RUNS[r] ?? { i: String(r) };
    return [run.p ? h('span', 'mono', run.p) : null, run.s ? h('span', 'muted', ' (shard ' + run.s + ')') : null, h('span', 'muted', ' run '), h('span', 'mono', run.i)];
  }
  function pre(text: string, cls?: string): HTMLPreElement { return h('pre', 'block' + (cls ? ' ' + cls : ''), text); }
  function failureEl(f: ClientFailure): HTMLDivElement {
    const head = h('p', 'f-head', [h('strong', null, f.kind)]);
    if (f.error_name) add(head, ' · ' + f.error_name);
    if (f.code) add(head, [' · ', h('span', 'mono', f.code)]);
    if (f.location) add(head, [' · at ', h('span', 'mono', f.location.file + ':' + f.location.line + ':' + f.location.column)]);
    const box = h('div', 'failure', [h('h4', null, 'Failure'), head, pre(f.message, 'msg')]);
    if (f.diff) {
      box.appendChild(h('p', 'diff-legend', [h('span', 'del-key', '− expected'), ' ', h('span', 'ins-key', '+ actual'), f.operator ? h('span', 'muted', ' (' + f.operator + ')') : null]));
      const d = h('pre', 'block diff');
      for (const l of f.diff) d.appendChild(h('span', l[0] === '-' ? 'del' : l[0] === '+' ? 'ins' : 'same', l[0] + ' ' + l[1]));
      box.appendChild(d);
    } else {
      if (f.expected !== undefined) add(box, [h('p', null, h('strong', null, 'Expected')), pre(f.expected)]);
      if (f.actual !== undefined) add(box, [h('p', null, h('strong', null, 'Actual')), pre(f.actual)]);
    }
    if (f.stack) {
      const det = h('details', 'stack', [h('summary', null, 'Stack'), pre(f.stack)]);
      det.open = true;
      box.appendChild(det);
    }
    return box;
  }
  function sourceView(file: string, lines: LineRange[]): HTMLDivElement {
    const box = h('div', 'src');
    box.setAttribute('tabindex', '0');
    box.setAttribute('role', 'region');
    box.setAttribute('aria-label', 'Source of ' + file + ', executed lines highlighted');
    const src = sourceLines(store.text(file));
    const hit = lineFlags(lines, src.length);
    const code = h('code');
    let firstHit: HTMLElement | null = null;
    for (let n = 1; n <= src.length; n++) {
      const line = h('span', hit[n] ? 'line hit' : 'line', [h('span', 'ln', String(n)), src[n - 1]]);
      line.setAttribute('data-line', String(n));
      if (hit[n] && !firstHit) firstHit = line;
      code.appendChild(line);
    }
    box.appendChild(code);
    if (firstHit) { const fh = firstHit; window.requestAnimationFrame(() => { box.scrollTop = Math.max(0, fh.offsetTop - 48); }); }
    return box;
  }
  function coverageList(cov: FileLines[], withCount: boolean): HTMLUListElement {
    return h('ul', 'cov', cov.map((c) => {
      const n = lineTotal(c.lines);
      return h('li', null, [h('span', 'mono', c.file), ': ' + ranges(c.lines) + (withCount ? ' ' : ''), withCount ? h('span', 'muted', '(' + count(n) + (n === 1 ? ' line)' : ' lines)')) : null]);
    }));
  }
  function detail(idx: number, print: boolean): HTMLElement {
    const t = T[idx]!;
    const x: ClientDetail = t[X] ?? {};
    const status = statusOf(t);
    const file = fileName(t[FILE]);
    const path = pathOf(t);
    const art = h('article', 'item s-' + status);
    if (!print) art.setAttribute('aria-labelledby', 'detail-h');
    const title = h('h3', null, [h('span', 'badge s-' + status, status), ' ', t[NAME]]);
    if (!print) title.id = 'detail-h';
    art.appendChild(title);
    if (path.length) art.appendChild(h('p', 'path', path.join(' › ')));
    const link = h('a', null, '#test-' + t[ID]);
    link.setAttribute('href', '#test-' + t[ID]);
    const loc = (x.file || file) + ':' + t[LINE] + (x.column ? ':' + x.column : '');
    art.appendChild(dl([
      ['Location', loc, 'mono'],
      ['Test file', x.file ? file : undefined, 'mono'],
      ['Duration', duration(t[DUR])],
      ['Attempt', x.attempt ? String(x.attempt) : undefined],
      ['Permalink', link, 'mono'],
      ['Recovered', x.recovered ? 'from the in-child journal (' + x.recovered + ')' : undefined],
      ['Flaky', x.flaky ? [h('span', 'badge flaky-badge', 'flaky'), ' its outcome differed across runs or attempts'] : undefined],
      ['From', x.run !== undefined ? runRef(x.run) : undefined],
    ]));
    if (x.history && x.history.length) {
      art.appendChild(h('h4', null, 'History: every outcome, oldest first'));
      art.appendChild(h('ol', 'history', x.history.map((e) => {
        const li = h('li', null, [h('span', 'badge s-' + e[0], e[0]), e[1] ? h('span', 'muted', ' attempt ' + e[1]) : null, ' · ', runRef(e[2])]);
        li.setAttribute('data-status', e[0]);
        return li;
      })));
    }
    if (x.failure) art.appendChild(failureEl(x.failure));
    if (x.skip_reason) art.appendChild(h('p', null, [h('strong', null, 'Skipped: '), x.skip_reason]));
    if (x.todo_reason) art.appendChild(h('p', null, [h('strong', null, 'Todo: '), x.todo_reason]));
    if (x.diagnostics && x.diagnostics.length) add(art, [h('h4', null, 'Diagnostics'), pre(x.diagnostics.join('\n'))]);
    if (x.requirements && x.requirements.length) {
      const reqs = h('p', null, h('strong', null, 'Requirements: '));
      for (const r of x.requirements) add(reqs, [h('span', 'tag mono', String(r)), ' ']);
      art.appendChild(reqs);
    }
    const an = x.annotation;
    if (an && typeof an === 'object') {
      const aside = h('aside', 'advisory', [
        h('h4', null, ['LLM annotation ', h('span', 'badge advisory-badge', 'advisory')]),
        h('p', 'muted', 'Generated by ' + an.model + ' (prompt ' + an.prompt_version + '). Machine-written and unverified; it does not affect the test result.'),
        dl([['Scenario', an.scenario], ['Why needed', an.why_needed], ['Likely cause', an.likely_cause]]),
      ]);
      aside.setAttribute('aria-label', 'LLM annotation (advisory)');
      if (Array.isArray(an.key_assertions) && an.key_assertions.length) {
        aside.appendChild(h('p', null, h('strong', null, 'Key assertions')));
        aside.appendChild(h('ul', null, an.key_assertions.map((k) => h('li', null, String(k)))));
      }
      art.appendChild(aside);
    }
    if (x.annotation_error) art.appendChild(h('p', 'muted', ['LLM annotation failed: ', h('span', 'mono', String(x.annotation_error.code)), ' ', String(x.annotation_error.message)]));
    const coverage = testLines(t, D.sf);
    if (coverage.length) {
      art.appendChild(h('h4', null, 'Coverage: lines this test executed'));
      art.appendChild(coverageList(coverage, true));
      if (!print) {
        let opened = false;
        for (const c of coverage) {
          if (!store.has(c.file)) continue;
          const det = h('details', 'source', h('summary', null, ['Source of ', h('span', 'mono', c.file)]));
          det.setAttribute('data-file', c.file);
          let built = false;
          const build = (): void => { if (!built && det.open) { built = true; store.whenReady(() => det.appendChild(sourceView(c.file, c.lines))); } };
          det.addEventListener('toggle', build);
          if (!opened) { opened = true; det.open = true; build(); }
          art.appendChild(det);
        }
        if (!opened) art.appendChild(h('p', 'muted', 'The sources are not embedded in this report: ranges only.'));
      }
    }
    if (x.coverage_shared) art.appendChild(h('p', 'muted', 'Coverage: this test ran concurrently with other tests in its process, so the lines it executed cannot be told apart (LLMR_COVERAGE_SHARED).'));
    const inclusive = testLines(t, D.sf, true);
    if (inclusive.length) {
      art.appendChild(h('h4', null, 'Coverage with its subtests'));
      art.appendChild(coverageList(inclusive, false));
    }
    const own = x.output;
    if (own && (own.stdout || own.stderr || own.truncated)) {
      art.appendChild(h('h4', null, own.shared ? 'Output (shared: written while other tests of the file ran too)' : 'Output'));
      if (own.stdout) add(art, [h('p', null, h('strong', null, 'stdout')), pre(own.stdout, 'out')]);
      if (own.stderr) add(art, [h('p', null, h('strong', null, 'stderr')), pre(own.stderr, 'out')]);
      if (own.truncated) art.appendChild(h('p', 'muted', 'Output was truncated at the configured cap' + (own.dropped_bytes ? ' (' + own.dropped_bytes + ' bytes dropped from the middle)' : '') + '.'));
    }
    const out = FILES[t[FILE]]?.o;
    if (out && !print) {
      const od = h('details', 'output', h('summary', null, ['Captured output of ', h('span', 'mono', file), ' (the whole file)']));
      if (out.stdout) add(od, [h('p', null, h('strong', null, 'stdout')), pre(out.stdout, 'out')]);
      if (out.stderr) add(od, [h('p', null, h('strong', null, 'stderr')), pre(out.stderr, 'out')]);
      art.appendChild(od);
    }
    return art;
  }

  // ---------------------------------------------------------------- controls
  const q = must<HTMLInputElement>('q');
  const fileSel = must<HTMLSelectElement>('f-file');
  const reqSel = must<HTMLSelectElement>('f-req');
  const sortSel = must<HTMLSelectElement>('sort');
  const statusBox = must('f-status');
  STATUSES.forEach((s, code) => {
    if (!M.statusCounts[code]) return;
    const box = h('input');
    box.type = 'checkbox';
    box.checked = true;
    box.id = 'st-' + s;
    box.value = s;
    const label = h('label', null, [box, ' ', h('span', 'badge s-' + s, s), ' ' + count(M.statusCounts[code])]);
    statusBox.appendChild(label);
    box.addEventListener('change', () => { F.status[code] = box.checked; apply(false); });
  });
  FILES.forEach((f, i) => {
    if (!M.fileCounts[i]) return;
    const o = h('option', null, f.f + ' (' + count(M.fileCounts[i]) + ')');
    o.value = String(i);
    fileSel.appendChild(o);
  });
  const flakyBox = $<HTMLInputElement>('f-flaky');
  if (M.flakyCount && flakyBox) {
    must('f-flaky-wrap').hidden = false;
    add(must('f-flaky-n'), count(M.flakyCount));
    flakyBox.addEventListener('change', () => { F.flaky = flakyBox.checked; apply(false); });
  }
  if (M.requirements.length) {
    must('f-req-wrap').hidden = false;
    for (const r of M.requirements) { const o = h('option', null, r); o.value = r; reqSel.appendChild(o); }
  }
  q.addEventListener('input', () => {
    F.words = searchWords(q.value);
    apply(false);
  });
  q.addEventListener('keydown', (ev) => {
    if (ev.key === 'Escape' && q.value) { q.value = ''; F.words = []; apply(false); ev.preventDefault(); }
    else if (ev.key === 'ArrowDown') { focusRow(0); ev.preventDefault(); }
  });
  fileSel.addEventListener('change', () => { F.file = fileSel.value === '' ? -1 : Number(fileSel.value); apply(false); });
  reqSel.addEventListener('change', () => { F.req = reqSel.value; apply(false); });
  sortSel.addEventListener('change', () => { F.sort = (SORT_MODES as readonly string[]).includes(sortSel.value) ? sortSel.value as SortMode : 'source'; apply(false); });
  function resetFilters(): void {
    q.value = '';
    fileSel.value = '';
    reqSel.value = '';
    Object.assign(F, defaultFilters(), { sort: F.sort });
    if (flakyBox) flakyBox.checked = false;
    for (const s of STATUSES) { const b = $<HTMLInputElement>('st-' + s); if (b) b.checked = true; }
  }
  const filters = must('filters');
  filters.addEventListener('reset', (ev) => {
    ev.preventDefault();
    resetFilters();
    sortSel.value = 'source';
    F.sort = 'source';
    collapsed.clear();
    apply(false);
  });
  filters.addEventListener('submit', (ev) => { ev.preventDefault(); });
  doc.addEventListener('keydown', (ev) => {
    const tag = (ev.target as Element | null)?.tagName;
    if (ev.key === '/' && !ev.ctrlKey && !ev.metaKey && !ev.altKey && tag !== 'INPUT' && tag !== 'SELECT' && tag !== 'TEXTAREA') {
      ev.preventDefault();
      q.focus();
    }
  });

  // ---------------------------------------------------------------- permalinks
  function route(): void {
    const m = /^#test-(.+)$/.exec(window.location.hash);
    if (!m) return;
    let id: string;
    try { id = decodeURIComponent(m[1]!); } catch { return; }
    const idx = M.byId.get(id);
    if (idx === undefined) return;
    if (!matches(M, F, idx)) resetFilters();
    for (const key of keysOf(M, idx)) collapsed.delete(key);
    apply(true);
    const r = rowOf(idx);
    activeRow = Math.max(0, r);
    scrollToRow(activeRow, true);
    render(false);
    select(idx);
    must('tests').scrollIntoView();
  }
  window.addEventListener('hashchange', route);
  window.addEventListener('popstate', route);

  // ---------------------------------------------------------------- print: every test, all detail open
  // The same table per file as the server's print rendering (templates/test-row.mustache).
  function printRow(i: number): HTMLTableRowElement {
    const t = T[i]!;
    const x: ClientDetail = t[X] ?? {};
    const status = statusOf(t);
    const path = pathOf(t);
    const cell = h('td', null, [path.length ? h('span', 'muted', path.join(' › ') + ' › ') : null, t[NAME], x.flaky ? [' ', h('span', 'badge flaky-badge', 'flaky')] : null]);
    if (x.history && x.history.length) cell.appendChild(h('div', 'muted', 'History: ' + x.history.map((e) => (e[1] ? e[0] + ' (attempt ' + e[1] + ')' : e[0])).join(', ')));
    if (x.skip_reason) cell.appendChild(h('div', 'muted', 'Skipped: ' + x.skip_reason));
    if (x.todo_reason) cell.appendChild(h('div', 'muted', 'Todo: ' + x.todo_reason));
    if (x.failure) cell.appendChild(h('div', 'muted', 'Failure: ' + x.failure.kind));
    const an = x.annotation;
    if (an && typeof an === 'object') cell.appendChild(h('div', 'advisory-line', [h('span', 'badge advisory-badge', 'LLM, advisory'), ' ' + an.scenario + ' ' + an.why_needed]));
    const extra = h('td');
    for (const r of x.requirements ?? []) add(extra, [h('span', 'tag mono', String(r)), ' ']);
    for (const c of testLines(t, D.sf)) extra.appendChild(h('div', 'mono small', c.file + ': ' + ranges(c.lines)));
    return h('tr', 's-' + status, [
      h('td', null, h('span', 'badge s-' + status, status)),
      cell,
      h('td', 'mono', (x.file || fileName(t[FILE])) + ':' + t[LINE] + (x.column ? ':' + x.column : '')),
      h('td', 'n', duration(t[DUR])),
      extra,
    ]);
  }
  let reopen: HTMLDetailsElement[] = [];
  window.addEventListener('beforeprint', () => {
    const all = must('print-all');
    all.textContent = '';
    let file = -1;
    let body: HTMLTableSectionElement | null = null;
    for (let i = 0; i < N; i++) {
      if (T[i]![FILE] !== file || !body) {
        file = T[i]![FILE];
        const head = h('tr', null, ['Status', 'Test', 'Location', 'Duration', 'Requirements, coverage'].map((c) => h('th', null, c)));
        body = h('tbody');
        all.appendChild(h('section', 'print-file', [h('h3', 'mono', fileName(file)), h('table', 'print-tests', [h('thead', null, head), body])]));
      }
      body.appendChild(printRow(i));
    }
    doc.querySelectorAll<HTMLDetailsElement>('details:not([open])').forEach((d) => { d.open = true; reopen.push(d); });
  });
  window.addEventListener('afterprint', () => {
    must('print-all').textContent = '';
    for (const d of reopen) d.open = false;
    reopen = [];
  });

  // ---------------------------------------------------------------- start
  const sourcesView = mountSources(D, store, { testLabel: (i) => fullName(M, T[i]!), testHref: (i) => '#test-' + T[i]![ID], statusOf: (i) => statusOf(T[i]!) });
  browser.hidden = false;
  apply(false);
  route();
  root.setAttribute('data-ready', '1');
  mark('llmr-ready');
  window.setTimeout(() => { buildHay(M); }, 50);
}

start();
