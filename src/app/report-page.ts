/**
 * The HTML report's own stylesheet and script (plain JS, no framework), inlined into the page by app/report.ts beside
 * chart.js and the report's data (a `<script type="application/json" id="report-data">`). The script builds every
 * element with textContent: item titles and field names are user data and never become markup.
 *
 * Kept as strings (not an asset file) so that `npm run build` stays the only build step. No backticks and no `${`
 * inside: these are plain JS sources in a TypeScript template literal.
 */

export const PAGE_CSS = String.raw`
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg: #f6f8fa;
  --added: #1a7f37; --removed: #cf222e; --moved: #9a6700; --edited: #8250df; }
* { box-sizing: border-box; }
body { font: 14px/1.4 -apple-system, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; color: var(--fg); margin: 0; padding: 16px 24px; background: #fff; }
h1 { font-size: 22px; margin: 0 0 4px; }
h2 { font-size: 17px; margin: 24px 0 8px; border-bottom: 1px solid var(--line); padding-bottom: 4px; }
.muted { color: var(--muted); }
.note { color: var(--muted); font-size: 12px; margin: 4px 0; }
.controls { display: flex; flex-wrap: wrap; gap: 12px 24px; align-items: center; background: var(--bg); border: 1px solid var(--line); border-radius: 6px; padding: 10px 12px; position: sticky; top: 0; z-index: 2; }
.controls label { font-weight: 600; }
#slider { width: min(520px, 60vw); vertical-align: middle; }
#backup-label { font-weight: 600; font-variant-numeric: tabular-nums; }
select { max-width: 320px; }
.legend { display: flex; gap: 14px; flex-wrap: wrap; font-size: 12px; margin: 8px 0; }
.legend span::before { content: ""; display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 4px; vertical-align: -1px; }
.legend .l-added::before { background: var(--added); } .legend .l-removed::before { background: var(--removed); }
.legend .l-moved::before { background: var(--moved); } .legend .l-edited::before { background: var(--edited); }
#board { display: flex; gap: 12px; overflow-x: auto; align-items: flex-start; padding-bottom: 8px; }
.column { background: var(--bg); border: 1px solid var(--line); border-radius: 6px; min-width: 220px; max-width: 280px; flex: 1 0 220px; }
.column h3 { font-size: 13px; margin: 0; padding: 8px 10px; border-bottom: 1px solid var(--line); display: flex; gap: 6px; align-items: center; }
.column h3 .dot { width: 10px; height: 10px; border-radius: 50%; flex: none; }
.column h3 .count { color: var(--muted); font-weight: 400; margin-left: auto; }
.cards { padding: 6px; display: flex; flex-direction: column; gap: 6px; }
.card { background: #fff; border: 1px solid var(--line); border-left: 4px solid var(--line); border-radius: 6px; padding: 6px 8px; overflow-wrap: anywhere; }
.card .ref { color: var(--muted); font-size: 12px; }
.card .why { font-size: 11px; font-weight: 600; margin-top: 2px; }
.card.chg-added { border-left-color: var(--added); background: #dafbe1; } .card.chg-added .why { color: var(--added); }
.card.chg-removed { border-left-color: var(--removed); background: #ffebe9; opacity: .85; } .card.chg-removed .title { text-decoration: line-through; } .card.chg-removed .why { color: var(--removed); }
.card.chg-moved { border-left-color: var(--moved); background: #fff8c5; } .card.chg-moved .why { color: var(--moved); }
.card.chg-edited { border-left-color: var(--edited); } .card.chg-edited .why { color: var(--edited); }
.card.chg-moved.chg-edited { border-left-color: var(--moved); }
.more { color: var(--muted); font-size: 12px; padding: 2px 4px; }
#changes { list-style: none; padding: 0; margin: 0; max-height: 260px; overflow: auto; border: 1px solid var(--line); border-radius: 6px; }
#changes li { padding: 4px 10px; border-bottom: 1px solid var(--line); border-left: 4px solid transparent; }
#changes li.chg-added { border-left-color: var(--added); } #changes li.chg-removed { border-left-color: var(--removed); }
#changes li.chg-moved { border-left-color: var(--moved); } #changes li.chg-edited { border-left-color: var(--edited); }
#changes li .kind { font-weight: 600; display: inline-block; min-width: 70px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 16px; }
.chart { position: relative; height: 300px; border: 1px solid var(--line); border-radius: 6px; padding: 8px; }
table { border-collapse: collapse; font-size: 13px; margin-bottom: 8px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: var(--bg); }
`

export const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var data = JSON.parse(document.getElementById('report-data').textContent);
  var B = data.backups, G = data.groups, I = data.items;
  var MAX_CARDS = 200;
  var COLORS = { GRAY: '#8c959f', BLUE: '#218bff', GREEN: '#2da44e', YELLOW: '#d4a72c', ORANGE: '#fb8f44', RED: '#fa4549', PINK: '#e85aad', PURPLE: '#a475f9' };
  var PALETTE = ['#218bff', '#2da44e', '#d4a72c', '#a475f9', '#fb8f44', '#e85aad', '#fa4549', '#8c959f'];
  function colorOf(gi) {
    var g = G[gi];
    if (g.noValue) return '#afb8c1';
    return (g.color && COLORS[g.color]) || PALETTE[gi % PALETTE.length];
  }
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function when(iso) { return iso.slice(0, 16).replace('T', ' ') + ' UTC'; }
  function label(i) { return B[i].name + ' (' + when(B[i].time) + ')'; }

  // the board at backup i: item index -> {group, title, version}; replayed from the first backup, the last one cached
  var cache = { index: -1, state: null };
  function replay(state, from, to) {
    for (var b = from; b <= to; b++) {
      var cs = B[b].changes;
      for (var k = 0; k < cs.length; k++) {
        var c = cs[k], it = state.items.get(c.item);
        if (c.title !== undefined) state.titles.set(c.item, c.title);
        if (c.kind === 'added') state.items.set(c.item, { group: c.group, version: b });
        else if (c.kind === 'removed') state.items.delete(c.item);
        else if (c.kind === 'moved') { if (it) state.items.set(c.item, { group: c.to, version: it.version }); }
        else if (c.kind === 'edited') { if (it) state.items.set(c.item, { group: it.group, version: b }); }
      }
    }
  }
  function stateAt(i) {
    if (cache.index !== i) {
      var s;
      if (cache.index >= 0 && cache.index < i) { s = cache.state; replay(s, cache.index + 1, i); }
      else { s = { items: new Map(), titles: new Map() }; replay(s, 0, i); }
      cache = { index: i, state: s };
    }
    return { items: new Map(cache.state.items), titles: new Map(cache.state.titles) };
  }
  function titleOf(state, item) { return state.titles.has(item) ? state.titles.get(item) : I[item].title; }

  // what changed from backup a to backup b (either order): item index -> {kind: [...], from, to, fields}
  function diff(a, b) {
    var sa = stateAt(a), sb = stateAt(b), out = new Map();
    var lo = Math.min(a, b), hi = Math.max(a, b);
    sb.items.forEach(function (v, item) {
      var before = sa.items.get(item);
      if (!before) { out.set(item, { kinds: ['added'], to: v.group }); return; }
      var kinds = [], rec = { kinds: kinds, from: before.group, to: v.group, fields: [] };
      if (before.group !== v.group) kinds.push('moved');
      if (before.version !== v.version) kinds.push('edited');
      if (kinds.length) out.set(item, rec);
    });
    sa.items.forEach(function (v, item) {
      if (!sb.items.has(item)) out.set(item, { kinds: ['removed'], from: v.group, title: titleOf(sa, item) });
    });
    // the fields edited in between, and whether a removal was an archiving
    for (var x = lo + 1; x <= hi; x++) {
      B[x].changes.forEach(function (c) {
        var r = out.get(c.item);
        if (!r) return;
        if (c.kind === 'edited' && r.fields) c.fields.forEach(function (f) { if (r.fields.indexOf(f) < 0) r.fields.push(f); });
        if (c.kind === 'removed' && r.kinds[0] === 'removed') r.archived = c.archived;
      });
    }
    out.forEach(function (r) { if (r.kinds.indexOf('edited') >= 0 && r.fields.length === 0) r.kinds.splice(r.kinds.indexOf('edited'), 1); });
    out.forEach(function (r, item) { if (!r.kinds.length) out.delete(item); });
    return out;
  }

  var slider = document.getElementById('slider');
  var fromSel = document.getElementById('from');
  var toSel = document.getElementById('to');
  slider.max = String(B.length - 1);
  B.forEach(function (b, i) {
    fromSel.appendChild(new Option(label(i), String(i)));
    toSel.appendChild(new Option(label(i), String(i)));
  });
  var shown = B.length - 1, from = Math.max(0, B.length - 2);

  function describe(r) {
    if (r.kinds[0] === 'added') return 'added to ' + G[r.to].name;
    if (r.kinds[0] === 'removed') return (r.archived ? 'archived' : 'removed') + ' from ' + G[r.from].name;
    var parts = [];
    if (r.kinds.indexOf('moved') >= 0) parts.push('moved from ' + G[r.from].name + ' to ' + G[r.to].name);
    if (r.kinds.indexOf('edited') >= 0) parts.push('edited: ' + r.fields.join(', '));
    return parts.join('; ');
  }

  function card(item, title, r) {
    var c = el('div', 'card');
    c.dataset.ref = I[item].ref;
    c.dataset.item = String(item);
    c.appendChild(el('div', 'ref', I[item].ref === 'draft' ? 'Draft' : I[item].ref));
    c.appendChild(el('div', 'title', title));
    if (r) {
      r.kinds.forEach(function (k) { c.classList.add('chg-' + k); });
      c.appendChild(el('div', 'why', describe(r)));
    }
    return c;
  }

  function renderBoard() {
    var st = stateAt(shown), changes = diff(from, shown), board = document.getElementById('board');
    board.textContent = '';
    var cols = B[shown].columns.slice(), byGroup = new Map();
    st.items.forEach(function (v, item) {
      if (!byGroup.has(v.group)) byGroup.set(v.group, []);
      byGroup.get(v.group).push(item);
    });
    changes.forEach(function (r, item) {
      if (r.kinds[0] !== 'removed') return;
      if (cols.indexOf(r.from) < 0) cols.push(r.from);
      if (!byGroup.has(r.from)) byGroup.set(r.from, []);
      byGroup.get(r.from).push(item);
    });
    byGroup.forEach(function (_, gi) { if (cols.indexOf(gi) < 0) cols.push(gi); });
    cols.forEach(function (gi) {
      var items = (byGroup.get(gi) || []).sort(function (a, b) { return a - b; });
      var col = el('section', 'column');
      col.dataset.group = G[gi].name;
      var h = el('h3');
      var dot = el('span', 'dot');
      dot.style.background = colorOf(gi);
      h.appendChild(dot);
      h.appendChild(el('span', 'name', G[gi].name));
      h.appendChild(el('span', 'count', B[shown].counts[gi]));
      col.appendChild(h);
      var list = el('div', 'cards');
      // changed cards first, so that a highlight is never cut off by the cap
      var changed = items.filter(function (i) { return changes.has(i); });
      var rest = items.filter(function (i) { return !changes.has(i); });
      changed.concat(rest).slice(0, MAX_CARDS).forEach(function (item) {
        var r = changes.get(item);
        list.appendChild(card(item, r && r.kinds[0] === 'removed' ? r.title : titleOf(st, item), r));
      });
      if (items.length > MAX_CARDS) list.appendChild(el('div', 'more', '+ ' + (items.length - MAX_CARDS) + ' more'));
      col.appendChild(list);
      board.appendChild(col);
    });
    document.getElementById('backup-label').textContent = label(shown);
    document.getElementById('board-heading').textContent = 'The board at ' + label(shown) + ': ' + B[shown].total + ' items' + (B[shown].archived ? ' (' + B[shown].archived + ' archived, not shown)' : '');

    // the list of changes
    var ul = document.getElementById('changes'), tally = { added: 0, removed: 0, moved: 0, edited: 0 };
    ul.textContent = '';
    var rows = [];
    changes.forEach(function (r, item) { rows.push([item, r]); });
    rows.sort(function (a, b) { return a[0] - b[0]; });
    rows.forEach(function (row) {
      var item = row[0], r = row[1];
      r.kinds.forEach(function (k) { tally[k]++; });
      var li = el('li', r.kinds.map(function (k) { return 'chg-' + k; }).join(' '));
      li.dataset.ref = I[item].ref;
      li.appendChild(el('span', 'kind', r.kinds.join(' + ')));
      li.appendChild(document.createTextNode(' ' + (I[item].ref === 'draft' ? 'Draft' : I[item].ref) + ' '));
      li.appendChild(el('strong', null, r.kinds[0] === 'removed' ? r.title : titleOf(st, item)));
      li.appendChild(document.createTextNode(': ' + describe(r)));
      ul.appendChild(li);
    });
    document.getElementById('changes-summary').textContent = from === shown
      ? 'Choose two different backups to see what changed between them.'
      : 'From ' + label(from) + ' to ' + label(shown) + ': ' + tally.added + ' added, ' + tally.removed + ' removed, ' + tally.moved + ' moved, ' + tally.edited + ' edited';

    renderSchema();
    charts.forEach(function (c) { c.update('none'); });
  }

  function cell(tr, text, tag) { tr.appendChild(el(tag || 'td', null, text)); }
  function renderSchema() {
    var s = data.schemas[B[shown].schema];
    var ft = document.getElementById('fields'), vt = document.getElementById('views');
    ft.textContent = ''; vt.textContent = '';
    var h = el('tr'); ['Field', 'Type', 'Options'].forEach(function (t) { cell(h, t, 'th'); }); ft.appendChild(h);
    s.fields.forEach(function (f) { var tr = el('tr'); cell(tr, f.name); cell(tr, f.type.toLowerCase().replace(/_/g, ' ')); cell(tr, f.options.join(', ')); ft.appendChild(tr); });
    h = el('tr'); ['#', 'View', 'Layout', 'Group by', 'Sort', 'Filter', 'Visible fields'].forEach(function (t) { cell(h, t, 'th'); }); vt.appendChild(h);
    s.views.forEach(function (v) {
      var tr = el('tr');
      cell(tr, v.number); cell(tr, v.name); cell(tr, v.layout.replace('_LAYOUT', '').toLowerCase()); cell(tr, v.groupBy.join(', '));
      cell(tr, v.sortBy.join(', ')); cell(tr, v.filter || ''); cell(tr, v.visibleFields.join(', '));
      vt.appendChild(tr);
    });
    document.getElementById('schema-heading').textContent = 'Fields and views at ' + label(shown);
  }

  // charts: chart.js, inlined into this file; a line marks the backup shown, a click on a chart shows that backup
  var charts = [];
  var marker = {
    id: 'shownBackup',
    afterDatasetsDraw: function (chart) {
      var x = chart.scales.x.getPixelForValue(shown), a = chart.chartArea, ctx = chart.ctx;
      ctx.save(); ctx.strokeStyle = '#1f2328'; ctx.setLineDash([4, 3]); ctx.lineWidth = 1;
      ctx.beginPath(); ctx.moveTo(x, a.top); ctx.lineTo(x, a.bottom); ctx.stroke(); ctx.restore();
    }
  };
  function chartOptions(stacked, yTitle) {
    return {
      animation: false, responsive: true, maintainAspectRatio: false, interaction: { mode: 'index', intersect: false },
      scales: { x: { ticks: { maxRotation: 0, autoSkip: true } }, y: { stacked: stacked, beginAtZero: true, title: { display: true, text: yTitle } } },
      plugins: { legend: { position: 'bottom' }, tooltip: { callbacks: { title: function (items) { return label(items[0].dataIndex); } } } },
      onClick: function (evt, els) { if (els.length) show(els[0].index); }
    };
  }
  var labels = B.map(function (b) { return b.name; });
  if (window.Chart) {
    var cfdSets = [];
    for (var gi = 0; gi < G.length; gi++) {
      cfdSets.push({ label: G[gi].name, data: B.map(function (b) { return b.counts[gi]; }), borderColor: colorOf(gi), backgroundColor: colorOf(gi) + 'b3', fill: gi === 0 ? 'origin' : '-1', pointRadius: B.length > 60 ? 0 : 2, tension: 0 });
    }
    charts.push(new window.Chart(document.getElementById('cfd'), { type: 'line', data: { labels: labels, datasets: cfdSets }, options: chartOptions(true, 'items'), plugins: [marker] }));
    charts.push(new window.Chart(document.getElementById('counts'), {
      type: 'line',
      data: { labels: labels, datasets: [
        { label: 'Items on the board', data: B.map(function (b) { return b.total; }), borderColor: '#218bff', backgroundColor: '#218bff', pointRadius: B.length > 60 ? 0 : 2 },
        { label: 'Archived', data: B.map(function (b) { return b.archived; }), borderColor: '#8c959f', backgroundColor: '#8c959f', pointRadius: B.length > 60 ? 0 : 2 }
      ] },
      options: chartOptions(false, 'items'), plugins: [marker]
    }));
  }

  function show(i) {
    shown = i;
    slider.value = String(i);
    toSel.value = String(i);
    // "from" follows the slider unless it was chosen before the backup shown
    if (from >= shown) from = Math.max(0, shown - 1);
    fromSel.value = String(from);
    renderBoard();
  }
  slider.addEventListener('input', function () { show(Number(slider.value)); });
  toSel.addEventListener('change', function () { show(Number(toSel.value)); });
  fromSel.addEventListener('change', function () { from = Number(fromSel.value); renderBoard(); });
  show(shown);
  document.body.dataset.ready = '1';
})();
`
