// The interactive part of the report: theme toggle, the virtualized test list (filters, sorting, tree
// by file and suite), per-test detail with the source view, permalinks (#test-<id>) and print.
// Vanilla JS, no dependencies. Report text is only ever set with textContent (never innerHTML), so
// nothing in the data can become markup or script.
(function () {
  'use strict';
  var doc = document;
  var root = doc.documentElement;
  var ROW_H = 30; // must match .row height in report.css
  var OVERSCAN = 10;
  var THEME_KEY = 'llm-report:theme';
  var STATUS_ORDER = ['failed', 'cancelled', 'incomplete', 'passed', 'skipped', 'todo'];
  var SEP = '\u0001';

  // ---------------------------------------------------------------- small helpers
  function $(id) { return doc.getElementById(id); }
  function h(tag, cls, kids) {
    var el = doc.createElement(tag);
    if (cls) el.className = cls;
    add(el, kids);
    return el;
  }
  function add(el, kids) {
    if (kids === undefined || kids === null || kids === false) return el;
    if (Array.isArray(kids)) { for (var k = 0; k < kids.length; k++) add(el, kids[k]); return el; }
    if (typeof kids === 'object') el.appendChild(kids);
    else el.appendChild(doc.createTextNode(String(kids)));
    return el;
  }
  function count(n) { return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ','); }
  function duration(ms) {
    if (typeof ms !== 'number' || !isFinite(ms)) return '';
    if (ms === 0) return '0 ms';
    if (ms < 1) return ms.toFixed(2) + ' ms';
    if (ms < 1000) return Math.round(ms) + ' ms';
    if (ms < 60000) return (ms / 1000).toFixed(2) + ' s';
    var m = Math.floor(ms / 60000);
    return m + ' min ' + ((ms - m * 60000) / 1000).toFixed(0) + ' s';
  }
  function ranges(lines) {
    return lines.map(function (r) { return r[0] === r[1] ? String(r[0]) : r[0] + '-' + r[1]; }).join(', ');
  }
  function storage(key, value) {
    try {
      if (value === undefined) return window.localStorage.getItem(key);
      window.localStorage.setItem(key, value);
    } catch (e) { /* storage unavailable: nothing is remembered */ }
    return null;
  }

  // ---------------------------------------------------------------- theme
  var toggle = $('theme-toggle');
  var media = window.matchMedia ? window.matchMedia('(prefers-color-scheme: dark)') : null;
  function effectiveTheme() {
    var t = root.getAttribute('data-theme');
    if (t === 'light' || t === 'dark') return t;
    return media && media.matches ? 'dark' : 'light';
  }
  function showTheme() {
    var dark = effectiveTheme() === 'dark';
    toggle.textContent = dark ? 'Dark mode: on' : 'Dark mode: off';
    toggle.setAttribute('aria-pressed', dark ? 'true' : 'false');
  }
  if (toggle) {
    toggle.hidden = false;
    showTheme();
    toggle.addEventListener('click', function () {
      var next = effectiveTheme() === 'dark' ? 'light' : 'dark';
      root.setAttribute('data-theme', next);
      storage(THEME_KEY, next);
      showTheme();
    });
    if (media && media.addEventListener) media.addEventListener('change', showTheme);
  }

  // ---------------------------------------------------------------- data
  var dataEl = $('llmr-data');
  var browser = $('browser');
  if (!dataEl || !browser) return;
  // Marks for the benchmark (bench/html.mjs): script start, data parsed, indexed, list shown (llmr-ready).
  var mark = function (name) { if (window.performance && performance.mark) performance.mark(name); };
  mark('llmr-start');
  var D = JSON.parse(dataEl.textContent);
  mark('llmr-parsed');
  // A test is [id, name, path index, entry file index, line, status code, duration ms, detail?]
  // (lib/render/html/data.ts); statuses are coded by their index in STATUS_ORDER.
  var ID = 0, NAME = 1, PATH = 2, FILE = 3, LINE = 4, STATUS = 5, DUR = 6, X = 7;
  var T = D.tests;
  var N = T.length;
  var FILES = D.files;
  var PATHS = D.paths;
  var sources = D.sources || {};
  var RUNS = D.runs || []; // aggregates: [{i: run id, p: source path, s: shard}]
  var byId = new Map();
  var groups = new Map(); // group key -> {n, c: counts by status code}; files are keyed "<index>", suites "<file>\u0001a\u0001b"
  var fileCounts = new Array(FILES.length).fill(0);
  var statusCounts = [0, 0, 0, 0, 0, 0];
  var reqSet = new Set();
  var flakyCount = 0;
  function group(key) {
    var g = groups.get(key);
    if (!g) { g = { n: 0, c: [0, 0, 0, 0, 0, 0] }; groups.set(key, g); }
    return g;
  }
  // Tests come sorted by file and position, so a group's tests are contiguous: keys are only built
  // where the file or the suite path changes.
  (function index() {
    var file = -1, pathIdx = -1, chain = [];
    for (var i = 0; i < N; i++) {
      var t = T[i];
      byId.set(t[ID], i);
      if (t[FILE] !== file) { file = t[FILE]; pathIdx = -1; chain = [group(String(file))]; }
      if (t[PATH] !== pathIdx) {
        pathIdx = t[PATH];
        var p = PATHS[pathIdx];
        var key = String(file);
        chain = [chain[0]];
        for (var k = 0; k < p.length; k++) { key += SEP + p[k]; chain.push(group(key)); }
      }
      var s = t[STATUS];
      for (var c = 0; c < chain.length; c++) { chain[c].n++; chain[c].c[s]++; }
      statusCounts[s]++;
      fileCounts[file]++;
      if (t[X] && t[X].flaky) flakyCount++;
      var rq = t[X] && t[X].requirements;
      if (rq) for (var q = 0; q < rq.length; q++) reqSet.add(String(rq[q]));
    }
  })();
  mark('llmr-indexed');
  var suiteState = new Map();
  (D.suites || []).forEach(function (s) { suiteState.set(String(s[2]) + SEP + PATHS[s[1]].concat([s[0]]).join(SEP), { s: s[3], f: s[4] }); });
  function fullName(t) { return PATHS[t[PATH]].concat([t[NAME]]).join(' › '); }
  // Lower-case search text per test: built after the page is shown, or at the first search.
  var hay = null;
  function buildHay() {
    if (hay) return;
    hay = new Array(N);
    for (var i = 0; i < N; i++) { var t = T[i]; hay[i] = (fullName(t) + ' ' + FILES[t[FILE]].f + ' ' + t[ID]).toLowerCase(); }
  }

  // ---------------------------------------------------------------- filter and sort state
  var F = { words: [], status: [true, true, true, true, true, true], file: -1, req: '', flaky: false, sort: 'source' };
  var collapsed = new Set();
  var rows = []; // {g: key, d, label, file} | {t: index, d}
  var sorted = {};

  function matches(idx) {
    var t = T[idx];
    if (!F.status[t[STATUS]]) return false;
    if (F.file >= 0 && t[FILE] !== F.file) return false;
    if (F.flaky && !(t[X] && t[X].flaky)) return false;
    if (F.req) {
      var r = t[X] && t[X].requirements;
      if (!r || r.indexOf(F.req) < 0) return false;
    }
    if (F.words.length) {
      var h = hay[idx];
      for (var w = 0; w < F.words.length; w++) if (h.indexOf(F.words[w]) < 0) return false;
    }
    return true;
  }
  function order(mode) {
    if (mode === 'source') return null;
    if (sorted[mode]) return sorted[mode];
    buildHay();
    var idx = new Array(N);
    for (var i = 0; i < N; i++) idx[i] = i;
    var cmp = {
      'name-asc': function (a, b) { var x = hay[a], y = hay[b]; return x < y ? -1 : x > y ? 1 : a - b; },
      'name-desc': function (a, b) { var x = hay[a], y = hay[b]; return x < y ? 1 : x > y ? -1 : a - b; },
      'dur-desc': function (a, b) { return T[b][DUR] - T[a][DUR] || a - b; },
      'dur-asc': function (a, b) { return T[a][DUR] - T[b][DUR] || a - b; },
    }[mode];
    idx.sort(cmp);
    sorted[mode] = idx;
    return idx;
  }
  var shownCount = 0;
  function buildRows() {
    rows = [];
    shownCount = 0;
    if (F.words.length) buildHay();
    var seq = order(F.sort);
    if (seq) {
      for (var s = 0; s < seq.length; s++) if (matches(seq[s])) { rows.push({ t: seq[s], d: 0 }); shownCount++; }
      return;
    }
    var file = -1;
    var pathIdx = -1;
    var stack = []; // open groups: {seg, key}
    var hidden = -1; // path length of the collapsed group we are inside, or -1
    for (var i = 0; i < N; i++) {
      if (!matches(i)) continue;
      shownCount++;
      var t = T[i];
      if (t[FILE] !== file) {
        file = t[FILE];
        pathIdx = -1;
        stack = [];
        var fkey = String(file);
        hidden = collapsed.has(fkey) ? 0 : -1;
        rows.push({ g: fkey, d: 0, label: FILES[file].f, file: true });
      }
      var p = PATHS[t[PATH]];
      if (t[PATH] !== pathIdx) {
        pathIdx = t[PATH];
        var k = 0;
        while (k < stack.length && k < p.length && stack[k].seg === p[k]) k++;
        stack.length = k;
        if (hidden > k) hidden = -1;
        var key = k ? stack[k - 1].key : String(file);
        for (; k < p.length; k++) {
          key += SEP + p[k];
          stack.push({ seg: p[k], key: key });
          if (hidden >= 0) continue;
          // Subtests of a test: that test's row, just shown, heads them; no separate group row.
          var last = rows[rows.length - 1];
          if (last && last.t !== undefined && T[last.t][NAME] === p[k] && samePrefix(PATHS[T[last.t][PATH]], p, k)) continue;
          rows.push({ g: key, d: k + 1, label: p[k] });
          if (collapsed.has(key)) hidden = k + 1;
        }
      }
      if (hidden >= 0) continue;
      rows.push({ t: i, d: p.length + 1 });
    }
  }
  function samePrefix(a, p, k) {
    if (a.length !== k) return false;
    for (var j = 0; j < k; j++) if (a[j] !== p[j]) return false;
    return true;
  }

  // ---------------------------------------------------------------- the virtual list
  var list = $('list');
  var rowsEl = $('rows');
  var shownEl = $('shown');
  var detailEl = $('detail');
  var live = new Map();
  var lo = 0;
  var hi = 0;
  var activeRow = 0;
  var selected = -1;

  function groupText(key) {
    var g = groups.get(key) || { n: 0, c: [] };
    var parts = [count(g.n) + (g.n === 1 ? ' test' : ' tests')];
    STATUS_ORDER.forEach(function (s, i) { if (s !== 'passed' && g.c[i]) parts.push(count(g.c[i]) + ' ' + s); });
    return parts.join(' · ');
  }
  function makeRow(r) {
    var row = rows[r];
    var li = h('li', 'row');
    li.style.top = r * ROW_H + 'px';
    li.style.paddingLeft = row.d * 16 + 'px';
    li.setAttribute('aria-posinset', String(r + 1));
    li.setAttribute('aria-setsize', String(rows.length));
    var el;
    if (row.g !== undefined) {
      li.className = row.file ? 'row g file' : 'row g';
      var open = !collapsed.has(row.g);
      var ss = suiteState.get(row.g);
      el = h('button', null, [
        h('span', 'twisty', open ? '▾' : '▸'),
        h('span', 'name' + (row.file ? ' mono' : ''), row.label),
        ss && ss.f ? h('span', 'badge s-failed', 'suite ' + ss.s) : null,
        h('span', 'cnt', groupText(row.g)),
      ]);
      el.type = 'button';
      el.setAttribute('aria-expanded', open ? 'true' : 'false');
      el.firstChild.setAttribute('aria-hidden', 'true');
    } else {
      var t = T[row.t];
      var st = STATUS_ORDER[t[STATUS]];
      li.className = 'row t';
      el = h('a', null, [
        h('span', 'badge s-' + st, st),
        h('span', 'name', F.sort === 'source' ? t[NAME] : fullName(t)),
        t[X] && t[X].flaky ? h('span', 'badge flaky-badge', 'flaky') : null,
        F.sort === 'source' ? null : h('span', 'loc mono', FILES[t[FILE]].f + ':' + t[LINE]),
        h('span', 'dur', duration(t[DUR])),
      ]);
      el.setAttribute('href', '#test-' + t[ID]);
      el.setAttribute('title', fullName(t));
      if (row.t === selected) el.setAttribute('aria-current', 'true');
    }
    el.setAttribute('tabindex', '-1');
    el.setAttribute('data-r', String(r));
    li.appendChild(el);
    return li;
  }
  function render(reset) {
    var top = list.scrollTop;
    var height = list.clientHeight || 600;
    var start = Math.max(0, Math.floor(top / ROW_H) - OVERSCAN);
    var end = Math.min(rows.length, Math.ceil((top + height) / ROW_H) + OVERSCAN);
    var a = Math.max(start, lo);
    var b = Math.min(end, hi);
    if (reset || a >= b) {
      dropFocus(rowsEl);
      rowsEl.textContent = '';
      live.clear();
      for (var r = start; r < end; r++) { var el = makeRow(r); live.set(r, el); rowsEl.appendChild(el); }
    } else {
      live.forEach(function (el, r) {
        if (r < a || r >= b) { dropFocus(el); el.remove(); live.delete(r); }
      });
      var first = live.get(a);
      for (var p = start; p < a; p++) { var e1 = makeRow(p); live.set(p, e1); rowsEl.insertBefore(e1, first); }
      for (var n = b; n < end; n++) { var e2 = makeRow(n); live.set(n, e2); rowsEl.appendChild(e2); }
    }
    lo = start;
    hi = end;
  }
  // A focused row that scrolls out of the window would take the focus with it: keep it on the list.
  function dropFocus(el) {
    if (el.contains(doc.activeElement)) list.focus({ preventScroll: true });
  }
  function apply(keepScroll) {
    buildRows();
    rowsEl.style.height = rows.length * ROW_H + 'px';
    if (!keepScroll) list.scrollTop = 0;
    activeRow = Math.min(activeRow, Math.max(0, rows.length - 1));
    render(true);
    shownEl.textContent = 'Showing ' + count(shownCount) + ' of ' + count(N) + ' tests' + (rows.length === 0 ? ': none match the filters.' : '.');
  }
  var pending = false;
  list.addEventListener('scroll', function () {
    if (pending) return;
    pending = true;
    window.requestAnimationFrame(function () { pending = false; render(false); });
  });

  function rowOf(idx) {
    for (var r = 0; r < rows.length; r++) if (rows[r].t === idx) return r;
    return -1;
  }
  function scrollToRow(r, center) {
    var top = r * ROW_H;
    var hgt = list.clientHeight;
    if (center) list.scrollTop = Math.max(0, top - hgt / 2);
    else if (top < list.scrollTop) list.scrollTop = top;
    else if (top + ROW_H > list.scrollTop + hgt) list.scrollTop = top + ROW_H - hgt;
  }
  function focusRow(r) {
    if (!rows.length) return;
    r = Math.max(0, Math.min(rows.length - 1, r));
    activeRow = r;
    scrollToRow(r, false);
    render(false);
    var li = live.get(r);
    if (li) li.firstChild.focus({ preventScroll: true });
  }
  function currentRow() {
    var a = doc.activeElement;
    var r = a && a.getAttribute ? a.getAttribute('data-r') : null;
    return r === null ? activeRow : Number(r);
  }
  function toggleGroup(key, open) {
    if (open === undefined) open = collapsed.has(key);
    if (open) collapsed.delete(key); else collapsed.add(key);
    var r = 0;
    for (; r < rows.length; r++) if (rows[r].g === key) break;
    apply(true);
    focusRow(r);
  }
  list.addEventListener('keydown', function (ev) {
    if (ev.altKey || ev.ctrlKey || ev.metaKey) return;
    var r = currentRow();
    var row = rows[r];
    var page = Math.max(1, Math.floor(list.clientHeight / ROW_H) - 1);
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
        else if (row) { for (var p = r - 1; p >= 0; p--) if (rows[p].g !== undefined && rows[p].d < row.d) { focusRow(p); break; } }
        break;
      default: return;
    }
    ev.preventDefault();
  });
  rowsEl.addEventListener('click', function (ev) {
    if (ev.button !== 0 || ev.ctrlKey || ev.metaKey || ev.shiftKey || ev.altKey) return; // new tab/window: the browser's own
    var el = ev.target.closest ? ev.target.closest('[data-r]') : null;
    if (!el) return;
    var r = Number(el.getAttribute('data-r'));
    var row = rows[r];
    if (!row) return;
    ev.preventDefault();
    activeRow = r;
    if (row.g !== undefined) { toggleGroup(row.g); return; }
    el.focus({ preventScroll: true });
    select(row.t);
    var id = T[row.t][ID];
    if (window.location.hash !== '#test-' + id) {
      try { window.history.pushState(null, '', '#test-' + id); } catch (e) { /* file:// in some browsers */ }
    }
  });

  function select(idx) {
    selected = idx;
    live.forEach(function (li, r) {
      var a = li.firstChild;
      if (rows[r].t === idx) a.setAttribute('aria-current', 'true'); else a.removeAttribute('aria-current');
    });
    detailEl.textContent = '';
    detailEl.appendChild(detail(idx, false));
  }

  // ---------------------------------------------------------------- detail
  function dl(pairs) {
    var el = h('dl', 'facts');
    pairs.forEach(function (p) { if (p && p[1] !== undefined && p[1] !== null && p[1] !== '') el.appendChild(h('div', null, [h('dt', null, p[0]), h('dd', p[2] || null, p[1])])); });
    return el;
  }
  // An aggregate's source run: its file, shard and id.
  function runRef(r) {
    var run = RUNS[r] || { i: String(r) };
    return [run.p ? h('span', 'mono', run.p) : null, run.s ? h('span', 'muted', ' (shard ' + run.s + ')') : null, h('span', 'muted', ' run '), h('span', 'mono', run.i)];
  }
  function pre(text, cls) { return h('pre', 'block' + (cls ? ' ' + cls : ''), text); }
  function failureEl(f, print) {
    var head = h('p', 'f-head', [h('strong', null, f.kind)]);
    if (f.error_name) add(head, ' · ' + f.error_name);
    if (f.code) add(head, [' · ', h('span', 'mono', f.code)]);
    if (f.location) add(head, [' · at ', h('span', 'mono', f.location.file + ':' + f.location.line + ':' + f.location.column)]);
    var box = h('div', 'failure', [h('h4', null, 'Failure'), head, pre(f.message, 'msg')]);
    if (f.diff) {
      box.appendChild(h('p', 'diff-legend', [h('span', 'del-key', '− expected'), ' ', h('span', 'ins-key', '+ actual'), f.operator ? h('span', 'muted', ' (' + f.operator + ')') : null]));
      var d = h('pre', 'block diff');
      f.diff.forEach(function (l) { d.appendChild(h('span', l[0] === '-' ? 'del' : l[0] === '+' ? 'ins' : 'same', l[0] + ' ' + l[1])); });
      box.appendChild(d);
    } else {
      if (f.expected !== undefined) add(box, [h('p', null, h('strong', null, 'Expected')), pre(f.expected)]);
      if (f.actual !== undefined) add(box, [h('p', null, h('strong', null, 'Actual')), pre(f.actual)]);
    }
    if (f.stack) {
      var det = h('details', 'stack', [h('summary', null, 'Stack'), pre(f.stack)]);
      det.open = true;
      box.appendChild(det);
    }
    return box;
  }
  function sourceView(file, lines) {
    var text = sources[file];
    var box = h('div', 'src');
    box.setAttribute('tabindex', '0');
    box.setAttribute('role', 'region');
    box.setAttribute('aria-label', 'Source of ' + file + ', executed lines highlighted');
    var src = text.split('\n');
    if (src.length && src[src.length - 1] === '') src.pop();
    var hit = new Uint8Array(src.length + 2);
    lines.forEach(function (r) { for (var n = r[0]; n <= r[1] && n <= src.length; n++) hit[n] = 1; });
    var code = h('code');
    var firstHit = null;
    for (var n = 1; n <= src.length; n++) {
      var line = h('span', hit[n] ? 'line hit' : 'line', [h('span', 'ln', String(n)), src[n - 1]]);
      line.setAttribute('data-line', String(n));
      if (hit[n] && !firstHit) firstHit = line;
      code.appendChild(line);
    }
    box.appendChild(code);
    if (firstHit) window.requestAnimationFrame(function () { box.scrollTop = Math.max(0, firstHit.offsetTop - 48); });
    return box;
  }
  function detail(idx, print) {
    var t = T[idx];
    var x = t[X] || {};
    var status = STATUS_ORDER[t[STATUS]];
    var file = FILES[t[FILE]].f;
    var path = PATHS[t[PATH]];
    var art = h('article', 'item s-' + status);
    if (!print) art.setAttribute('aria-labelledby', 'detail-h');
    var title = h('h3', null, [h('span', 'badge s-' + status, status), ' ', t[NAME]]);
    if (!print) title.id = 'detail-h';
    art.appendChild(title);
    if (path.length) art.appendChild(h('p', 'path', path.join(' › ')));
    var link = h('a', null, '#test-' + t[ID]);
    link.setAttribute('href', '#test-' + t[ID]);
    var loc = (x.file || file) + ':' + t[LINE] + (x.column ? ':' + x.column : '');
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
      art.appendChild(h('ol', 'history', x.history.map(function (e) {
        var li = h('li', null, [h('span', 'badge s-' + e[0], e[0]), e[1] ? h('span', 'muted', ' attempt ' + e[1]) : null, ' · ', runRef(e[2])]);
        li.setAttribute('data-status', e[0]);
        return li;
      })));
    }
    if (x.failure) art.appendChild(failureEl(x.failure, print));
    if (x.skip_reason) art.appendChild(h('p', null, [h('strong', null, 'Skipped: '), x.skip_reason]));
    if (x.todo_reason) art.appendChild(h('p', null, [h('strong', null, 'Todo: '), x.todo_reason]));
    if (x.diagnostics && x.diagnostics.length) add(art, [h('h4', null, 'Diagnostics'), pre(x.diagnostics.join('\n'))]);
    if (x.requirements && x.requirements.length) {
      var reqs = h('p', null, h('strong', null, 'Requirements: '));
      x.requirements.forEach(function (r) { add(reqs, [h('span', 'tag mono', String(r)), ' ']); });
      art.appendChild(reqs);
    }
    var an = x.annotation;
    if (an && typeof an === 'object') {
      var aside = h('aside', 'advisory', [
        h('h4', null, ['LLM annotation ', h('span', 'badge advisory-badge', 'advisory')]),
        h('p', 'muted', 'Generated by ' + an.model + ' (prompt ' + an.prompt_version + '). Machine-written and unverified; it does not affect the test result.'),
        dl([['Scenario', an.scenario], ['Why needed', an.why_needed], ['Likely cause', an.likely_cause]]),
      ]);
      aside.setAttribute('aria-label', 'LLM annotation (advisory)');
      if (Array.isArray(an.key_assertions) && an.key_assertions.length) {
        aside.appendChild(h('p', null, h('strong', null, 'Key assertions')));
        aside.appendChild(h('ul', null, an.key_assertions.map(function (k) { return h('li', null, String(k)); })));
      }
      art.appendChild(aside);
    }
    if (x.annotation_error) art.appendChild(h('p', 'muted', ['LLM annotation failed: ', h('span', 'mono', String(x.annotation_error.code)), ' ', String(x.annotation_error.message)]));
    if (x.coverage && x.coverage.length) {
      art.appendChild(h('h4', null, 'Coverage: lines this test executed'));
      art.appendChild(h('ul', 'cov', x.coverage.map(function (c) {
        var n = c.lines.reduce(function (s, r) { return s + r[1] - r[0] + 1; }, 0);
        return h('li', null, [h('span', 'mono', c.file), ': ' + ranges(c.lines) + ' ', h('span', 'muted', '(' + count(n) + (n === 1 ? ' line)' : ' lines)'))]);
      })));
      if (!print) {
        var opened = false;
        x.coverage.forEach(function (c) {
          if (typeof sources[c.file] !== 'string') return;
          var det = h('details', 'source', h('summary', null, ['Source of ', h('span', 'mono', c.file)]));
          det.setAttribute('data-file', c.file);
          var built = false;
          var build = function () { if (!built && det.open) { built = true; det.appendChild(sourceView(c.file, c.lines)); } };
          det.addEventListener('toggle', build);
          if (!opened) { opened = true; det.open = true; build(); }
          art.appendChild(det);
        });
        if (!opened) art.appendChild(h('p', 'muted', 'The sources are not embedded in this report: ranges only.'));
      }
    }
    if (x.coverage_shared) art.appendChild(h('p', 'muted', 'Coverage: this test ran concurrently with other tests in its process, so the lines it executed cannot be told apart (LLMR_COVERAGE_SHARED).'));
    if (x.coverage_inclusive && x.coverage_inclusive.length) {
      art.appendChild(h('h4', null, 'Coverage with its subtests'));
      art.appendChild(h('ul', 'cov', x.coverage_inclusive.map(function (c) { return h('li', null, [h('span', 'mono', c.file), ': ' + ranges(c.lines)]); })));
    }
    var own = x.output;
    if (own && (own.stdout || own.stderr || own.truncated)) {
      art.appendChild(h('h4', null, own.shared ? 'Output (shared: written while other tests of the file ran too)' : 'Output'));
      if (own.stdout) add(art, [h('p', null, h('strong', null, 'stdout')), pre(own.stdout, 'out')]);
      if (own.stderr) add(art, [h('p', null, h('strong', null, 'stderr')), pre(own.stderr, 'out')]);
      if (own.truncated) art.appendChild(h('p', 'muted', 'Output was truncated at the configured cap' + (own.dropped_bytes ? ' (' + own.dropped_bytes + ' bytes dropped from the middle)' : '') + '.'));
    }
    var out = FILES[t[FILE]].o;
    if (out && !print) {
      var od = h('details', 'output', h('summary', null, ['Captured output of ', h('span', 'mono', file), ' (the whole file)']));
      if (out.stdout) add(od, [h('p', null, h('strong', null, 'stdout')), pre(out.stdout, 'out')]);
      if (out.stderr) add(od, [h('p', null, h('strong', null, 'stderr')), pre(out.stderr, 'out')]);
      art.appendChild(od);
    }
    return art;
  }

  // ---------------------------------------------------------------- controls
  var q = $('q');
  var fileSel = $('f-file');
  var reqSel = $('f-req');
  var sortSel = $('sort');
  var statusBox = $('f-status');
  STATUS_ORDER.forEach(function (s, code) {
    if (!statusCounts[code]) return;
    var box = h('input');
    box.type = 'checkbox';
    box.checked = true;
    box.id = 'st-' + s;
    box.value = s;
    var label = h('label', null, [box, ' ', h('span', 'badge s-' + s, s), ' ' + count(statusCounts[code])]);
    statusBox.appendChild(label);
    box.addEventListener('change', function () { F.status[code] = box.checked; apply(false); });
  });
  FILES.forEach(function (f, i) {
    if (!fileCounts[i]) return;
    var o = h('option', null, f.f + ' (' + count(fileCounts[i]) + ')');
    o.value = String(i);
    fileSel.appendChild(o);
  });
  var flakyBox = $('f-flaky');
  if (flakyCount) {
    $('f-flaky-wrap').hidden = false;
    add($('f-flaky-n'), count(flakyCount));
    flakyBox.addEventListener('change', function () { F.flaky = flakyBox.checked; apply(false); });
  }
  if (reqSet.size) {
    $('f-req-wrap').hidden = false;
    Array.from(reqSet).sort().forEach(function (r) { var o = h('option', null, r); o.value = r; reqSel.appendChild(o); });
  }
  q.addEventListener('input', function () {
    F.words = q.value.toLowerCase().split(/\s+/).filter(Boolean);
    apply(false);
  });
  q.addEventListener('keydown', function (ev) {
    if (ev.key === 'Escape' && q.value) { q.value = ''; F.words = []; apply(false); ev.preventDefault(); }
    else if (ev.key === 'ArrowDown') { focusRow(0); ev.preventDefault(); }
  });
  fileSel.addEventListener('change', function () { F.file = fileSel.value === '' ? -1 : Number(fileSel.value); apply(false); });
  reqSel.addEventListener('change', function () { F.req = reqSel.value; apply(false); });
  sortSel.addEventListener('change', function () { F.sort = sortSel.value; apply(false); });
  function resetFilters() {
    q.value = '';
    fileSel.value = '';
    reqSel.value = '';
    F.words = [];
    F.file = -1;
    F.req = '';
    F.flaky = false;
    if (flakyBox) flakyBox.checked = false;
    STATUS_ORDER.forEach(function (s, code) { F.status[code] = true; var b = $('st-' + s); if (b) b.checked = true; });
  }
  $('filters').addEventListener('reset', function (ev) {
    ev.preventDefault();
    resetFilters();
    sortSel.value = 'source';
    F.sort = 'source';
    collapsed.clear();
    apply(false);
  });
  $('filters').addEventListener('submit', function (ev) { ev.preventDefault(); });
  doc.addEventListener('keydown', function (ev) {
    var tag = ev.target && ev.target.tagName;
    if (ev.key === '/' && !ev.ctrlKey && !ev.metaKey && !ev.altKey && tag !== 'INPUT' && tag !== 'SELECT' && tag !== 'TEXTAREA') {
      ev.preventDefault();
      q.focus();
    }
  });

  // ---------------------------------------------------------------- permalinks
  function route() {
    var m = /^#test-(.+)$/.exec(window.location.hash);
    if (!m) return;
    var idx = byId.get(decodeURIComponent(m[1]));
    if (idx === undefined) return;
    if (!matches(idx)) { resetFilters(); }
    var t = T[idx];
    var key = String(t[FILE]);
    var p = PATHS[t[PATH]];
    collapsed.delete(key);
    for (var k = 0; k < p.length; k++) { key += SEP + p[k]; collapsed.delete(key); }
    apply(true);
    var r = rowOf(idx);
    activeRow = Math.max(0, r);
    scrollToRow(activeRow, true);
    render(false);
    select(idx);
    $('tests').scrollIntoView();
  }
  window.addEventListener('hashchange', route);
  window.addEventListener('popstate', route);

  // ---------------------------------------------------------------- print: every test, all detail open
  // The same table per file as the server's print rendering (templates/test-row.mustache).
  function printRow(i) {
    var t = T[i];
    var x = t[X] || {};
    var status = STATUS_ORDER[t[STATUS]];
    var path = PATHS[t[PATH]];
    var cell = h('td', null, [path.length ? h('span', 'muted', path.join(' › ') + ' › ') : null, t[NAME], x.flaky ? [' ', h('span', 'badge flaky-badge', 'flaky')] : null]);
    if (x.history && x.history.length) cell.appendChild(h('div', 'muted', 'History: ' + x.history.map(function (e) { return e[1] ? e[0] + ' (attempt ' + e[1] + ')' : e[0]; }).join(', ')));
    if (x.skip_reason) cell.appendChild(h('div', 'muted', 'Skipped: ' + x.skip_reason));
    if (x.todo_reason) cell.appendChild(h('div', 'muted', 'Todo: ' + x.todo_reason));
    if (x.failure) cell.appendChild(h('div', 'muted', 'Failure: ' + x.failure.kind));
    var an = x.annotation;
    if (an && typeof an === 'object') cell.appendChild(h('div', 'advisory-line', [h('span', 'badge advisory-badge', 'LLM, advisory'), ' ' + an.scenario + ' ' + an.why_needed]));
    var extra = h('td');
    (x.requirements || []).forEach(function (r) { add(extra, [h('span', 'tag mono', String(r)), ' ']); });
    (x.coverage || []).forEach(function (c) { extra.appendChild(h('div', 'mono small', c.file + ': ' + ranges(c.lines))); });
    return h('tr', 's-' + status, [
      h('td', null, h('span', 'badge s-' + status, status)),
      cell,
      h('td', 'mono', (x.file || FILES[t[FILE]].f) + ':' + t[LINE] + (x.column ? ':' + x.column : '')),
      h('td', 'n', duration(t[DUR])),
      extra,
    ]);
  }
  var reopen = [];
  window.addEventListener('beforeprint', function () {
    var all = $('print-all');
    all.textContent = '';
    var file = -1;
    var body = null;
    for (var i = 0; i < N; i++) {
      if (T[i][FILE] !== file) {
        file = T[i][FILE];
        var head = h('tr', null, ['Status', 'Test', 'Location', 'Duration', 'Requirements, coverage'].map(function (c) { return h('th', null, c); }));
        body = h('tbody');
        all.appendChild(h('section', 'print-file', [h('h3', 'mono', FILES[file].f), h('table', 'print-tests', [h('thead', null, head), body])]));
      }
      body.appendChild(printRow(i));
    }
    doc.querySelectorAll('details:not([open])').forEach(function (d) { d.open = true; reopen.push(d); });
  });
  window.addEventListener('afterprint', function () {
    $('print-all').textContent = '';
    reopen.forEach(function (d) { d.open = false; });
    reopen = [];
  });

  // ---------------------------------------------------------------- start
  browser.hidden = false;
  apply(false);
  route();
  root.setAttribute('data-ready', '1');
  mark('llmr-ready');
  window.setTimeout(buildHay, 50);
})();
