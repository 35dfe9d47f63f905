// The five tabs. Each renderer gets the panel to fill and a context with the model of
// the selected repository (or of all of them), the day bounds of the range, and the
// chart registry; it only builds DOM through dom.js and charts through chart.js.

import { el, githubLink, isRepoName, download, clipped, clear } from './dom.js';
import { lineChart, sparkline, sharpCanvas, theme, META, PARTIAL_TEXT, RECON_STARS_TEXT, RECON_FORKS_TEXT } from './chart.js';
import { slice, totals, gaps, popularTables, popularTrend, releaseRows, partialSlice, periodChange, PARTIAL_SERIES, estimatedSlice, ESTIMATED_SERIES, bucketSeries, average7, LAST_SERIES, counterModel } from './derive.js';
import { dayStr, daySec, bucketStart } from './dates.js';
import { int, signed, pct, utc, ago, ageDays, shorten } from './format.js';
import { toCsv, csvFileName } from './csv.js';

function axis(a, b) {
  const x = [];
  const dates = [];
  for (let d = a; d <= b; d++) {
    x.push(daySec(d));
    dates.push(dayStr(d));
  }
  return { x, dates };
}

/** A chart of model series over the range: one point a day with a 7-day average of the
 * first series (traffic only), or one a week or month (`ctx.state.by`). */
function seriesChart(parent, ctx, id, title, keys, opts = {}) {
  const by = ctx.state.by || 'day';
  if (by !== 'day') return bucketChart(parent, ctx, id, title, keys, opts, by);
  const [a, b] = ctx.bounds;
  const { x, dates } = ctx.axis || (ctx.axis = axis(a, b));
  const series = keys.map((k) => ({
    ...seriesBase(k, opts),
    values: slice(ctx.model, k, a, b),
    partial: PARTIAL_SERIES.has(k) || stackedOnPartial(k, opts),
  }));
  const k0 = keys[0];
  const avg = PARTIAL_SERIES.has(k0) && !opts.pct;
  if (avg) {
    series.push({
      key: `${k0}Avg7`,
      label: `${META[k0].label}, 7-day average`,
      color: META[k0].color,
      values: average7(ctx.model, k0, a, b),
      dash: [6, 4],
      derived: true,
    });
  }
  const avgNote = avg
    ? `Thin dashed line: ${META[k0].label.toLowerCase()}, average of the complete days among each day and the 6 before it (partial days and gaps left out).`
    : null;
  return lineChart(
    parent,
    {
      id,
      title,
      note: [opts.note, avgNote].filter(Boolean).join(' ') || undefined,
      x,
      dates,
      series,
      partial: ctx.partial || (ctx.partial = partialSlice(ctx.model, a, b)),
      estimated: ctx.estimated || (ctx.estimated = estimatedSlice(ctx.model, a, b)),
      zero: opts.zero ?? true,
      pct: opts.pct,
      gapDays: ctx.totals.gapDays,
      since: !ctx.model.empty && ctx.model.start > a ? dayStr(ctx.model.start) : null,
      csv: { repo: ctx.repoLabel, range: ctx.state.range },
      markers: opts.markers ? releaseMarkers(ctx) : null,
      panels: panelsOf(keys, opts, avg ? `${k0}Avg7` : null),
      legend: opts.legend,
      dayNote: opts.dayNote,
      coveredText: opts.coveredText,
    },
    ctx,
  );
}

/** What every series of a chart carries whatever its bucket: label, colour, and its
 * part in a stack (`opts.stack`: keys bottom first; `opts.total`: the stack's top,
 * listed, not drawn). */
function seriesBase(k, opts) {
  return {
    key: k,
    label: META[k].label,
    color: META[k].color,
    estimated: ESTIMATED_SERIES.has(k),
    stack: Boolean(opts.stack && opts.stack.includes(k)),
    total: k === opts.total,
    dash: META[k].dash,
    omitNull: META[k].omitNull,
  };
}

/** A stack layer drawn on a layer whose partial days are a lower bound: its top is one too. */
function stackedOnPartial(k, opts) {
  const st = opts.stack || [];
  const i = st.indexOf(k);
  return i > 0 && st.slice(0, i).some((x) => PARTIAL_SERIES.has(x));
}

/** The panels of a chart (see panelGroups in chart.js): `opts.multiples`, one per
 * series, the 7-day average with its series; `opts.panels`, as given; else one. */
function panelsOf(keys, opts, avgKey) {
  if (opts.panels) return opts.panels;
  if (!opts.multiples) return undefined;
  return keys.map((k, i) => (i === 0 && avgKey ? [k, avgKey] : [k]));
}

const BY_NOTE = {
  week: 'One point a week: weeks run Monday to Sunday, UTC, each dated by its Monday; the first week is shown whole.',
  month: 'One point a calendar month (UTC), dated by its first day; the first month is shown whole.',
};

/** A chart of model series summed by week (Monday-start, UTC) or by month. */
function bucketChart(parent, ctx, id, title, keys, opts, by) {
  const [a0, b] = ctx.bounds;
  const a = bucketStart(a0, by);
  const bs = bucketSeries(ctx.model, keys, a, b, by, bucketStart);
  const counters = keys.some((k) => !PARTIAL_SERIES.has(k) && k !== 'downloads');
  return lineChart(
    parent,
    {
      id,
      title: title.replace(/ per day$/, by === 'week' ? ' per week' : ' per month'),
      note: [opts.note, BY_NOTE[by], counters ? 'Each point is the latest value observed in it.' : null].filter(Boolean).join(' '),
      x: bs.starts.map(daySec),
      xEnd: daySec(b),
      dates: bs.starts.map((d) => (by === 'month' ? dayStr(d).slice(0, 7) : dayStr(d))),
      series: keys.map((k) => ({
        ...seriesBase(k, opts),
        values: bs.values[k],
        partial: PARTIAL_SERIES.has(k) || k === 'downloads' || stackedOnPartial(k, opts),
      })),
      partial: bs.incomplete,
      partialText: `incomplete: a partial day or a day not collected in this ${by}`,
      estimated: bs.estimated,
      unit: by === 'week' ? 'weeks (Monday to Sunday, UTC)' : 'months (UTC)',
      zero: opts.zero ?? true,
      pct: opts.pct,
      gapDays: ctx.totals.gapDays,
      since: !ctx.model.empty && ctx.model.start > a ? dayStr(ctx.model.start) : null,
      csv: { repo: ctx.repoLabel, range: `${ctx.state.range}-${by}` },
      markers: opts.markers ? releaseMarkers(ctx) : null,
      panels: panelsOf(keys, opts, null),
      legend: opts.legend,
      dayNote: opts.dayNote,
      coveredText: opts.coveredText,
    },
    ctx,
  );
}

/** Release markers for a chart: on the day each release was published (GitHub's
 * `published_at`, kept with its assets); a release the history has no publish time for
 * (a draft, or collected by an older gtt) is marked on the first day one of its assets
 * was recorded, and its title says so. */
function releaseMarkers(ctx) {
  const m = ctx.model;
  return m.releases
    .filter((r) => Number.isFinite(r.published) || Number.isFinite(r.first))
    .map((r) => {
      const label = r.release || '(untagged)';
      if (Number.isFinite(r.published)) {
        const date = dayStr(r.published);
        return { x: daySec(r.published), date, label, title: `${r.release}: published ${date}` };
      }
      const date = dayStr(r.first);
      const before = r.first === m.firstDay;
      return {
        x: daySec(r.first),
        date,
        label,
        title: before
          ? `${r.release}: first recorded ${date}, by the first collection (published before tracking began; no publish date is stored for it)`
          : `${r.release}: first recorded ${date} (the day an asset was first seen; no publish date is stored for it)`,
      };
    })
    .sort((x, y) => x.x - y.x);
}

/** A card's trend line: the daily average over the range's complete days against the
 * period before (partial days and gaps left out). Empty for "all" (no period before). */
function trendLine(ctx, key) {
  const [a, b] = ctx.bounds;
  if (ctx.state.range === 'all') return null;
  const p = periodChange(ctx.model, key, a, b);
  if (p.avg === null) return null;
  const avg = p.avg >= 100 ? int(p.avg) : String(+p.avg.toFixed(1));
  const rounded = p.change === null ? null : Math.round(p.change * 1000) / 10;
  const change =
    rounded === null ? 'no complete day in the period before' : `${rounded > 0 ? '+' : rounded < 0 ? '−' : '±'}${Math.abs(rounded)}% vs the ${p.len} days before`;
  return el(
    'p',
    {
      class: 'change',
      'data-change': rounded === null ? '' : String(rounded),
      'data-avg': String(p.avg),
      title: `Daily average over the ${p.days} complete days of the range (partial days and gaps left out)${p.prevDays ? `, against ${p.prevDays} complete days before it` : ''}.`,
    },
    `${avg}/day, ${change}`,
  );
}

function card(metric, label, value, sub, spark, color, ctx) {
  const canvas = spark ? el('canvas', { class: 'spark', 'aria-hidden': 'true' }) : null;
  const trend = ctx && PARTIAL_SERIES.has(metric) ? trendLine(ctx, metric) : null;
  const c = el(
    'div',
    { class: 'card', 'data-metric': metric, role: 'group', 'aria-label': label },
    el('p', { class: 'card-label' }, label),
    el('p', { class: 'value' }, value),
    el('p', { class: 'sub' }, sub),
    trend,
    canvas,
  );
  const partial = ctx && PARTIAL_SERIES.has(metric) ? ctx.partial || (ctx.partial = partialSlice(ctx.model, ...ctx.bounds)) : null;
  return { node: c, draw: () => canvas && sparkline(canvas, spark, color, partial) };
}

function cards(parent, list, ctx) {
  const grid = el('div', { class: 'cards' });
  parent.appendChild(grid);
  const made = list.map((x) => card(...x, ctx));
  for (const m of made) grid.appendChild(m.node);
  for (const m of made) m.draw();
  return grid;
}

/** One line for a panel with nothing to show (no releases, no CI), instead of zeros. */
function emptyNote(parent, what, text) {
  parent.appendChild(el('p', { class: 'panel empty-note', 'data-empty': what, role: 'note' }, text));
}

const NO_RELEASES = 'No release assets recorded: no downloads to show, and installs are organic clones.';
const NO_CI = 'CI checkouts not counted for this data: organic clones equal clones.';

function heading(parent, text, id) {
  parent.appendChild(el('h2', { class: 'section-title', id }, text));
}

/** A table whose rows can be sorted by any column, with an optional totals row. */
export function sortableTable(parent, spec, ctx) {
  const sortState = ctx.sorts.get(spec.id) || { col: spec.defaultSort ?? 0, desc: spec.defaultDesc ?? true };
  ctx.sorts.set(spec.id, sortState);
  const caption = el('caption', null, spec.caption);
  const thead = el('thead');
  const tbody = el('tbody');
  const tfoot = el('tfoot');
  const table = el('table', { class: 'data', 'data-table': spec.id }, caption, thead, tbody, tfoot);
  const wrap = el('div', { class: 'table-wrap', tabindex: 0, role: 'region', 'aria-label': spec.caption }, table);
  const csvBtn = el(
    'button',
    { type: 'button', class: 'csv', 'data-csv': spec.id, 'aria-label': `Download CSV of ${spec.caption}` },
    'CSV',
  );
  const section = el(
    'section',
    { class: 'panel table-panel', 'data-panel': spec.id },
    el('div', { class: 'chart-head' }, el('h2', null, spec.title), csvBtn),
    spec.note ? el('p', { class: 'chart-summary' }, spec.note) : null,
    wrap,
  );
  parent.appendChild(section);

  const headRow = el('tr');
  thead.appendChild(headRow);
  const buttons = spec.columns.map((col, i) => {
    const th = el('th', { scope: 'col', class: col.num ? 'num' : null });
    if (spec.rows.length > 1 && col.sortable !== false) {
      const btn = el('button', { type: 'button', class: 'sort', 'data-col': i }, col.label);
      btn.addEventListener('click', () => {
        if (sortState.col === i) sortState.desc = !sortState.desc;
        else {
          sortState.col = i;
          sortState.desc = Boolean(col.num);
        }
        fill();
      });
      th.appendChild(btn);
    } else th.appendChild(document.createTextNode(col.label));
    headRow.appendChild(th);
    return th;
  });

  const cell = (col, row, tag) => {
    const v = row[col.key];
    const td = el(tag, { class: col.num ? 'num' : null, scope: tag === 'th' ? 'row' : null, 'data-label': col.label });
    // Text from the data is shown cut (whole in the tooltip); the CSV has it whole.
    const content = col.render ? col.render(row) : col.num ? int(v) : String(v ?? '');
    td.appendChild(typeof content === 'string' ? clipped(content) : content);
    return td;
  };

  // Long tables (the sum of many repositories) show their top rows until asked.
  const limit = spec.limit ?? 30;
  let showAll = spec.rows.length <= limit + 5;
  const more = el('button', { type: 'button', class: 'csv more' }, `Show all ${spec.rows.length} rows`);
  more.addEventListener('click', () => {
    showAll = true;
    more.remove();
    fill();
  });
  if (!showAll) section.appendChild(more);

  function fill() {
    const col = spec.columns[sortState.col];
    const key = col.sortKey || col.key;
    const rows = [...spec.rows].sort((x, y) => {
      const a = x[key];
      const b = y[key];
      let c;
      if (typeof a === 'number' || typeof b === 'number') c = (a ?? -Infinity) - (b ?? -Infinity);
      else c = String(a ?? '').localeCompare(String(b ?? ''));
      return sortState.desc ? -c : c;
    });
    while (tbody.firstChild) tbody.removeChild(tbody.firstChild);
    for (const r of showAll ? rows : rows.slice(0, limit)) {
      tbody.appendChild(el('tr', null, spec.columns.map((c, i) => cell(c, r, i === 0 ? 'th' : 'td'))));
    }
    if (!rows.length) {
      tbody.appendChild(el('tr', null, el('td', { colspan: spec.columns.length, class: 'empty' }, spec.empty || 'Nothing recorded.')));
    }
    buttons.forEach((th, i) => {
      if (i === sortState.col && spec.rows.length > 1) th.setAttribute('aria-sort', sortState.desc ? 'descending' : 'ascending');
      else th.removeAttribute('aria-sort');
    });
  }
  fill();
  if (spec.totals) {
    tfoot.appendChild(el('tr', null, spec.columns.map((c, i) => cell(c, spec.totals, i === 0 ? 'th' : 'td'))));
  }
  csvBtn.addEventListener('click', () => {
    const cols = spec.columns.filter((c) => c.csv !== false);
    const header = cols.map((c) => c.csvLabel || c.label);
    const rows = spec.rows.map((r) => cols.map((c) => (c.csvValue ? c.csvValue(r) : r[c.key])));
    if (spec.totals) rows.push(cols.map((c) => (c.csvValue ? c.csvValue(spec.totals) : spec.totals[c.key])));
    download(csvFileName('gtt', ctx.repoLabel, spec.id, ctx.state.range), toCsv(header, rows));
  });
  return section;
}

function changeText(v) {
  if (v === undefined) return '';
  if (v === null) return 'new';
  return signed(v);
}

function rangeLabel(ctx) {
  const [a, b] = ctx.bounds;
  return `${dayStr(a)} to ${dayStr(b)}`;
}

function freshness(parent, ctx) {
  const m = ctx.model;
  const now = Date.now();
  const [a, b] = ctx.bounds;
  const t = ctx.totals;
  const list = el('dl', { class: 'facts' });
  const row = (k, ...v) => list.append(el('dt', null, k), el('dd', null, ...v));
  if (m.lastCollected) row('Last collected', utc(m.lastCollected), ' ', el('span', { class: 'muted' }, `(${ago(m.lastCollected, now)})`));
  if (m.aggregate && m.oldestLastCollected && m.oldestLastCollected !== m.lastCollected) {
    row('Least recently collected', utc(m.oldestLastCollected), ' ', el('span', { class: 'muted' }, `(${ago(m.oldestLastCollected, now)})`));
  }
  if (ctx.index?.updated) row('Index updated', utc(ctx.index.updated));
  if (m.firstCollected) row('Tracking since', utc(m.firstCollected));
  if (m.createdAt) row('Repository created', utc(m.createdAt));
  row(
    'Days collected in range',
    `${int(t.coveredDays)} of ${int(t.trackedDays)}`,
    t.gapDays ? `; ${int(t.gapDays)} not collected` : '',
    t.partialDays ? `; ${int(t.partialDays)} partial (still running when collected)` : '',
  );
  const runs = gaps(m, a, b);
  const section = el(
    'section',
    { class: 'panel freshness', 'data-panel': 'freshness', 'aria-labelledby': 'fresh-title' },
    el('h2', { id: 'fresh-title' }, 'Data freshness'),
    list,
  );
  const stale = m.aggregate ? m.oldestLastCollected : m.lastCollected;
  const age = stale ? ageDays(stale, now) : NaN;
  if (age > 2) {
    section.appendChild(
      el(
        'p',
        { class: age > 12 ? 'warn danger' : 'warn', role: 'note' },
        `No collection for ${Math.floor(age)} days. GitHub keeps only 14 days of traffic: days not collected by then are lost for good.`,
      ),
    );
  }
  if (runs.length) {
    const shown = runs.slice(-8).reverse();
    section.appendChild(el('p', { class: 'gaps-title' }, `Gaps in range (${runs.length}):`));
    section.appendChild(
      el(
        'ul',
        { class: 'gaps' },
        shown.map(([g0, g1]) => el('li', null, g0 === g1 ? dayStr(g0) : `${dayStr(g0)} – ${dayStr(g1)} (${g1 - g0 + 1} days)`)),
      ),
    );
  }
  parent.appendChild(section);
}

function reposTable(parent, ctx) {
  const [a, b] = ctx.bounds;
  const rows = ctx.repos.map((name) => {
    const m = ctx.modelOf(name);
    const t = totals(m, a, b);
    return { repo: name, ...t, lastCollected: m.lastCollected || '', allTimeDownloads: m.allTimeDownloads };
  });
  const sumKey = (k) => rows.reduce((s, r) => s + (r[k] ?? 0), 0);
  const tot = { repo: `Total (${rows.length} repositories)`, lastCollected: '' };
  for (const k of ['views', 'viewsUniques', 'clones', 'organicClones', 'downloads', 'installs', 'stars', 'forks', 'gapDays']) {
    tot[k] = sumKey(k);
  }
  const repoCell = (r) => {
    if (r === tot) return document.createTextNode(r.repo);
    const name = shorten(r.repo);
    const btn = el('button', { type: 'button', class: 'link', 'data-repo': r.repo, 'aria-label': `Show ${name}` }, name);
    btn.addEventListener('click', () => ctx.go({ repo: r.repo }));
    const gh = isRepoName(r.repo) ? githubLink(`/${r.repo}`, 'GitHub') : null;
    if (gh) {
      gh.setAttribute('class', 'ext');
      gh.setAttribute('aria-label', `${r.repo} on GitHub`);
    }
    return el('span', { class: 'repo-cell' }, btn, gh ? ' ' : null, gh);
  };
  sortableTable(
    parent,
    {
      id: 'repos',
      title: 'All repositories',
      caption: `All repositories, ${rangeLabel(ctx)}`,
      note: 'Unique visitors and cloners are per day, summed. Stars and forks are the latest observed in the range.',
      defaultSort: 1,
      limit: 50,
      columns: [
        { key: 'repo', label: 'Repository', render: repoCell, csvValue: (r) => r.repo },
        { key: 'views', label: 'Views', num: true },
        { key: 'viewsUniques', label: 'Unique visitors', num: true },
        { key: 'clones', label: 'Clones', num: true },
        { key: 'organicClones', label: 'Organic clones', num: true },
        { key: 'downloads', label: 'Downloads', num: true },
        { key: 'installs', label: 'Installs', num: true },
        { key: 'stars', label: 'Stars', num: true },
        { key: 'forks', label: 'Forks', num: true },
        { key: 'gapDays', label: 'Days not collected', num: true },
        {
          key: 'lastCollected',
          label: 'Last collected',
          render: (r) => (r.lastCollected ? utc(r.lastCollected) : ''),
        },
      ],
      rows,
      totals: tot,
    },
    ctx,
  );
}

/** The metrics the comparison offers; counters are the latest value of a day or bucket. */
const COMPARE = ['views', 'viewsUniques', 'clones', 'organicClones', 'installs', 'downloads', 'stars', 'forks'];

/** One repository's values of `key` over the range, per day or per bucket. */
function repoValues(ctx, m, key) {
  const [a0, b] = ctx.bounds;
  const by = ctx.state.by || 'day';
  if (by === 'day') return slice(m, key, a0, b);
  return bucketSeries(m, [key], bucketStart(a0, by), b, by, bucketStart).values[key];
}

/**
 * Several repositories on one metric, beside the repositories table. Absolute, or
 * normalised: each repository's values over its own highest in the range (100% = its
 * peak), so a small repository's shape is as readable as a large one's. The five
 * largest are shown at first; the toggles pick others.
 */
function compareChart(parent, ctx) {
  const metric = COMPARE.includes(ctx.choices.get('compare:metric')) ? ctx.choices.get('compare:metric') : 'views';
  const norm = ctx.choices.get('compare:scale') === 'normalised';
  const metricSel = el('select', { id: 'compare-metric', 'data-compare': 'metric' }, COMPARE.map((k) => el('option', { value: k, selected: k === metric }, META[k].label)));
  const scaleSel = el(
    'select',
    { id: 'compare-scale', 'data-compare': 'scale' },
    el('option', { value: 'absolute', selected: !norm }, 'Absolute'),
    el('option', { value: 'normalised', selected: norm }, 'Normalised (% of each one’s peak)'),
  );
  const slot = el('div');
  parent.appendChild(
    el(
      'div',
      { class: 'compare', 'data-panel': 'compare' },
      el(
        'div',
        { class: 'trend-pick' },
        el('label', { for: 'compare-metric' }, 'Compare repositories on'),
        metricSel,
        el('label', { for: 'compare-scale' }, 'Scale'),
        scaleSel,
      ),
      slot,
    ),
  );
  let handle = null;
  const draw = () => {
    ctx.choices.set('compare:metric', metricSel.value);
    ctx.choices.set('compare:scale', scaleSel.value);
    if (handle) {
      handle.destroy();
      ctx.charts.splice(ctx.charts.indexOf(handle), 1);
    }
    clear(slot);
    handle = drawCompare(slot, ctx, metricSel.value, scaleSel.value === 'normalised');
  };
  metricSel.addEventListener('change', draw);
  scaleSel.addEventListener('change', draw);
  draw();
}

function drawCompare(slot, ctx, metric, norm) {
  const [a0, b] = ctx.bounds;
  const by = ctx.state.by || 'day';
  const a = by === 'day' ? a0 : bucketStart(a0, by);
  const counter = LAST_SERIES.has(metric);
  const series = ctx.repos.map((name, i) => {
    const raw = repoValues(ctx, ctx.modelOf(name), metric);
    let size = 0;
    let peak = 0;
    for (const v of raw) {
      if (v === null) continue;
      size = counter ? v : size + v;
      peak = Math.max(peak, v);
    }
    const values = norm ? raw.map((v) => (v === null ? null : peak > 0 ? v / peak : 0)) : raw;
    return { key: name, label: name, color: (i % 8) + 1, values, size, partial: PARTIAL_SERIES.has(metric) };
  });
  // A day (bucket) is marked when any repository saw it only in progress.
  const partial = series.length ? series[0].values.map(() => false) : [];
  for (const name of ctx.repos) {
    const m = ctx.modelOf(name);
    const p = by === 'day' ? partialSlice(m, a, b) : bucketSeries(m, [], a, b, by, bucketStart).incomplete;
    p.forEach((v, i) => v && (partial[i] = true));
  }
  const gapDays = partial.filter((_, i) => series.every((s) => s.values[i] === null)).length;
  // At first, the five largest in the range; then whatever the toggles chose.
  if (!ctx.hidden.has('compare')) {
    const top = new Set([...series].sort((x, y) => y.size - x.size).slice(0, 5).map((s) => s.key));
    ctx.hidden.set('compare', new Set(series.filter((s) => !top.has(s.key)).map((s) => s.key)));
  }
  const x = [];
  const dates = [];
  const starts = by === 'day' ? null : bucketSeries(ctx.model, [], a, b, by, bucketStart).starts;
  for (const d of starts || Array.from({ length: b - a + 1 }, (_, i) => a + i)) {
    x.push(daySec(d));
    dates.push(by === 'month' ? dayStr(d).slice(0, 7) : dayStr(d));
  }
  const label = META[metric].label;
  return lineChart(
    slot,
    {
      id: 'compare',
      title: `${label} by repository${by === 'day' ? (counter ? '' : ' per day') : ` per ${by}`}`,
      note: [
        norm ? `Each repository over its own highest ${counter ? 'value' : by} in the range (100%).` : null,
        counter ? 'Latest value observed.' : null,
        'Gaps: no repository collected.',
      ]
        .filter(Boolean)
        .join(' '),
      x,
      xEnd: by === 'day' ? undefined : daySec(b),
      dates,
      series,
      partial,
      partialText: by === 'day' ? 'partial for some repository: the day was still running when collected' : undefined,
      pct: norm,
      zero: !counter || norm,
      gapDays,
      unit: by === 'day' ? undefined : by === 'week' ? 'weeks (Monday to Sunday, UTC)' : 'months (UTC)',
      csv: { repo: `compare-${metric}${norm ? '-normalised' : ''}`, range: by === 'day' ? ctx.state.range : `${ctx.state.range}-${by}` },
    },
    ctx,
  );
}

export function overview(panel, ctx) {
  const [a, b] = ctx.bounds;
  const m = ctx.model;
  const t = ctx.totals;
  const th = theme();
  cards(panel, [
    ['views', 'Views', int(t.views), `${int(t.viewsUniques)} unique visitors (per day, summed)`, slice(m, 'views', a, b), th.colors[1]],
    ['clones', 'Clones', int(t.clones), `${int(t.organicClones)} organic`, slice(m, 'clones', a, b), th.colors[3]],
    ['installs', 'Installs', int(t.installs), 'downloads + organic clones', slice(m, 'installs', a, b), th.colors[8]],
    m.releases.length && [
      'downloads',
      'Downloads',
      int(t.downloads),
      `${int(m.allTimeDownloads)} all time, with downloads before tracking`,
      slice(m, 'downloads', a, b),
      th.colors[7],
    ],
    ['stars', 'Stars', int(t.stars), `${signed(t.starsChange)} in range`, slice(m, 'stars', a, b), th.colors[1]],
    ['forks', 'Forks', int(t.forks), `${signed(t.forksChange)} in range`, slice(m, 'forks', a, b), th.colors[3]],
  ].filter(Boolean), ctx);
  const grid = el('div', { class: 'split' });
  panel.appendChild(grid);
  const main = el('div', { class: 'split-main' });
  grid.appendChild(main);
  seriesChart(main, ctx, 'traffic', 'Traffic per day', ['views', 'viewsUniques', 'clones', 'clonesUniques', 'installs'], { markers: true, multiples: true });
  freshness(grid, ctx);
  if (ctx.repos.length > 1) {
    // The comparison, then the table: side by side, the table's eleven columns would
    // not fit.
    const slot = el('div', { class: 'later' });
    panel.appendChild(slot);
    ctx.later(() => {
      compareChart(slot, ctx);
      reposTable(slot, ctx);
    });
  }
}

export function installs(panel, ctx) {
  const [a, b] = ctx.bounds;
  const m = ctx.model;
  const t = ctx.totals;
  const th = theme();
  const hasReleases = m.releases.length > 0;
  cards(panel, [
    ['installs', 'Installs', int(t.installs), hasReleases ? 'downloads + organic clones' : 'organic clones (no releases)', slice(m, 'installs', a, b), th.colors[8]],
    hasReleases && ['downloads', 'Release downloads', int(t.downloads), `${int(m.allTimeDownloads)} all time`, slice(m, 'downloads', a, b), th.colors[7]],
    ['organicClones', 'Organic clones', int(t.organicClones), m.hasCi ? 'clones less CI checkouts' : 'CI not counted: all clones', slice(m, 'organicClones', a, b), th.colors[6]],
  ].filter(Boolean), ctx);
  if (!hasReleases) {
    emptyNote(panel, 'releases', NO_RELEASES);
    seriesChart(panel, ctx, 'installs', 'Installs per day', ['installs']);
    return;
  }
  // Installs are the sum of the two: a stack, whose top edge is installs, instead of
  // three lines where installs lay on organic clones on every day without downloads.
  seriesChart(panel, ctx, 'installs', 'Installs per day', ['installs', 'organicClones', 'downloads'], {
    note: 'Release downloads stacked on organic clones: the top edge is installs. Downloads are counted on the day a collection saw them rise.',
    markers: true,
    stack: ['organicClones', 'downloads'],
    total: 'installs',
  });
  const rows = releaseRows(m, a, b).map((r) => ({ ...r, firstDate: Number.isFinite(r.first) ? dayStr(r.first) : '' }));
  sortableTable(
    panel,
    {
      id: 'releases',
      title: 'Downloads per release',
      caption: `Downloads per release, ${rangeLabel(ctx)}`,
      defaultSort: 3,
      columns: [
        { key: 'release', label: 'Release' },
        { key: 'assets', label: 'Assets', num: true },
        { key: 'inRange', label: 'In range', num: true },
        { key: 'total', label: 'All time', num: true },
        { key: 'firstDate', label: 'First recorded' },
      ],
      rows,
      empty: 'No release assets recorded.',
    },
    ctx,
  );
}

/** A referrer or path trend: the chosen entry's 14-day count on each snapshot (five
 * entries' lines at once were a tangle), and every entry seen in the range with its
 * views over the range, from which one is chosen. */
function trendPanel(parent, ctx, id, field) {
  const [a, b] = ctx.bounds;
  const t = popularTrend(ctx.model, a, b, field);
  if (!t.days.length) return;
  const what = field === 'referrers' ? 'Referrer' : 'Path';
  const key = `${id}|${ctx.model.name}`;
  let chosen = ctx.choices.get(key);
  if (!t.entries.some((e) => e.name === chosen)) chosen = t.entries[0].name;
  const select = el(
    'select',
    { id: `${id}-pick`, 'data-pick': id },
    t.entries.map((e) => el('option', { value: e.name, selected: e.name === chosen }, shorten(e.name))),
  );
  const slot = el('div');
  const wrap = el(
    'div',
    { class: 'trend', 'data-trend': id },
    el('div', { class: 'control trend-pick' }, el('label', { for: `${id}-pick` }, `${what} shown over time`), select),
    slot,
  );
  parent.appendChild(wrap);
  let handle = null;
  const draw = (name) => {
    ctx.choices.set(key, name);
    if (handle) {
      handle.destroy();
      ctx.charts.splice(ctx.charts.indexOf(handle), 1);
    }
    clear(slot);
    select.value = name;
    handle = lineChart(
      slot,
      {
        id,
        title: `${what} over time`,
        note: `Each point is the chosen ${what.toLowerCase()}'s 14-day total as GitHub reported it that day; only snapshots of consecutive days are joined; a missing point means it was not in the top 10.`,
        x: t.days.map(daySec),
        dates: t.days.map(dayStr),
        series: [{ key: 'count', label: name, color: 1, values: t.values(name) }],
        zero: true,
        points: true,
        maxStep: 86400,
        nullText: 'not in the top 10',
        csv: { repo: ctx.repoLabel, range: ctx.state.range },
      },
      ctx,
    );
  };
  draw(chosen);
  select.addEventListener('change', () => draw(select.value));
  trendTotals(wrap, ctx, id, what, t, draw);
}

/** Every entry of a trend with its views over the range, as bars; a name picks it. */
function trendTotals(parent, ctx, id, what, t, pick) {
  const [a, b] = ctx.bounds;
  const max = Math.max(0, ...t.entries.map((e) => e.total ?? 0));
  const bar = (r) => {
    const fill = el('span', { class: 'bar', 'aria-hidden': 'true' });
    fill.style.width = `${max > 0 && r.total ? (100 * r.total) / max : 0}%`;
    return el('span', { class: 'bar-cell' }, el('span', { class: 'bar-track', 'aria-hidden': 'true' }, fill), int(r.total));
  };
  const name = (r) => {
    const btn = el('button', { type: 'button', class: 'link', 'aria-label': `Show ${shorten(r.name, 60)} over time` }, clipped(r.name));
    btn.addEventListener('click', () => pick(r.name));
    return btn;
  };
  // Sentences as separate text nodes: none of them is data, and none is long.
  const note = t.covered
    ? [
        `Views over ${t.covered} of the range's ${b - a + 1} days: the sum of ${t.windows.length} snapshot${t.windows.length === 1 ? '' : 's'} 14 days apart (${t.windows.length <= 4 ? t.windows.map(dayStr).join(', ') : `ending ${dayStr(t.windows[0])} to ${dayStr(t.windows[t.windows.length - 1])}`}), whose windows do not overlap, so no view is counted twice. `,
        'An entry out of a snapshot’s top 10 counts nothing there: each total is a lower bound.',
      ]
    : 'No snapshot’s 14-day window lies inside this range: a total would count views from before it, so none is given (–).';
  sortableTable(
    parent,
    {
      id: `${id}-totals`,
      title: `${what}s over the range`,
      caption: `${what}s seen ${rangeLabel(ctx)}, with their views over the range`,
      note,
      defaultSort: 1,
      limit: 10,
      columns: [
        { key: 'name', label: what, render: name, csvValue: (r) => r.name },
        { key: 'total', label: 'Views in range', num: true, render: bar },
        { key: 'uniques', label: 'Unique in range', num: true },
        { key: 'seen', label: 'In top 10', num: true, csvLabel: 'Snapshots in the top 10' },
      ],
      rows: t.entries,
    },
    ctx,
  );
}

export function views(panel, ctx) {
  const [a, b] = ctx.bounds;
  const m = ctx.model;
  const t = ctx.totals;
  const th = theme();
  cards(panel, [
    ['views', 'Views', int(t.views), 'in range', slice(m, 'views', a, b), th.colors[1]],
    ['viewsUniques', 'Unique visitors', int(t.viewsUniques), 'per day, summed', slice(m, 'viewsUniques', a, b), th.colors[2]],
  ], ctx);
  seriesChart(panel, ctx, 'views', 'Views per day', ['views', 'viewsUniques'], { markers: true, multiples: true });
  const p = popularTables(m, a, b);
  const when = p.latest ? `14 days to ${dayStr(p.latest.day)}` : 'none recorded';
  const changeLabel = p.base ? `Change since ${dayStr(p.base.day)}` : 'Change';
  const grid = el('div', { class: 'two' });
  panel.appendChild(grid);
  const left = el('div');
  const right = el('div');
  grid.append(left, right);
  sortableTable(
    left,
    {
      id: 'referrers',
      title: 'Top referrers',
      caption: `Top referrers, ${when}`,
      defaultSort: 1,
      columns: [
        { key: 'name', label: 'Referrer' },
        { key: 'count', label: 'Views', num: true },
        { key: 'uniques', label: 'Unique', num: true },
        { key: 'change', label: changeLabel, num: true, render: (r) => changeText(r.change) },
      ],
      rows: p.referrers,
      empty: 'No referrers recorded.',
    },
    ctx,
  );
  trendPanel(right, ctx, 'referrers-over-time', 'referrers');
  sortableTable(
    panel,
    {
      id: 'paths',
      title: 'Popular content',
      caption: `Popular content, ${when}`,
      defaultSort: 2,
      columns: [
        { key: 'path', label: 'Path', render: (r) => githubLink(r.path, r.path), csvValue: (r) => r.path },
        { key: 'title', label: 'Title' },
        { key: 'count', label: 'Views', num: true },
        { key: 'uniques', label: 'Unique', num: true },
        { key: 'change', label: changeLabel, num: true, render: (r) => changeText(r.change) },
      ],
      rows: p.paths,
      empty: 'No popular content recorded.',
    },
    ctx,
  );
  trendPanel(panel, ctx, 'paths-over-time', 'paths');
}

export function community(panel, ctx) {
  const [a, b] = ctx.bounds;
  const m = ctx.model;
  const t = ctx.totals;
  const th = theme();
  cards(panel, [
    ['stars', 'Stars', int(t.stars), `${signed(t.starsChange)} in range`, slice(m, 'stars', a, b), th.colors[1]],
    ['watchers', 'Watchers', int(t.watchers), `${signed(t.watchersChange)} in range`, slice(m, 'watchers', a, b), th.colors[2]],
    ['forks', 'Forks', int(t.forks), `${signed(t.forksChange)} in range`, slice(m, 'forks', a, b), th.colors[3]],
    ['openIssues', 'Open issues', int(t.openIssues), `${signed(t.openIssuesChange)} in range`, slice(m, 'openIssues', a, b), th.colors[5]],
  ], ctx);
  const cm = counterModel(m);
  const note = m.aggregate
    ? 'Sums of each repository’s latest observed value, on days at least one was collected.'
    : 'As observed by each collection; days without one are gaps.';
  // The reconstructed series, where the chart's days hold some of them.
  const reconIn = (lo, hi) => (k) => (cm.hasRecon && slice(cm, `${k}Recon`, lo, hi).some((v) => v !== null) ? [k, `${k}Recon`] : [k]);
  // The whole curve, from the first star (the first collection without a
  // reconstruction), unless the range already starts there.
  const first = cm.empty ? a : cm.start;
  if (ctx.state.range !== 'all' && first < a) {
    const recon = reconIn(first, b);
    seriesChart(panel, counterCtx(ctx, cm, first, b), 'history', 'Stars and forks, whole history', [...recon('stars'), ...recon('forks')], {
      zero: true,
      note: cm.hasRecon ? `${note} Since ${dayStr(first)}, the first reconstructed day.` : note,
      panels: [recon('stars'), recon('forks')],
      ...reconOpts(recon),
    });
  }
  const a2 = ctx.state.range === 'all' ? Math.min(a, first) : a;
  const rangeCtx = counterCtx(ctx, cm, a2, b);
  const recon = reconIn(a2, b);
  const since = cm.hasRecon && first >= a2 ? ` Since ${dayStr(first)}, the first reconstructed day.` : '';
  seriesChart(panel, rangeCtx, 'stars', 'Stars and watchers', [...recon('stars'), 'watchers'], {
    zero: false,
    note: note + since,
    panels: [recon('stars'), ['watchers']],
    ...reconOpts(recon),
  });
  seriesChart(panel, rangeCtx, 'forks', 'Forks and open issues', [...recon('forks'), 'openIssues'], {
    zero: false,
    note,
    panels: [recon('forks'), ['openIssues']],
    ...reconOpts(recon),
  });
}

/** A context whose model is a repository's counters from day one (counterModel) over
 * days [a, b]; its gaps are the days with neither a snapshot nor a reconstruction. */
function counterCtx(ctx, cm, a, b) {
  let gapDays = 0;
  for (let d = Math.max(a, cm.start); d <= Math.min(b, cm.end); d++) {
    const i = d - cm.start;
    if (cm.stars[i] !== cm.stars[i] && cm.starsRecon[i] !== cm.starsRecon[i]) gapDays++;
  }
  return { ...ctx, model: cm, bounds: [a, b], axis: null, partial: null, estimated: null, totals: { ...ctx.totals, gapDays } };
}

/** The legend and the readout of the reconstructed days, when a chart has any. */
function reconOpts(recon) {
  if (recon('stars').length + recon('forks').length === 2) return {};
  return {
    coveredText: 'every day collected or reconstructed',
    legend: el(
      'p',
      { class: 'legend recon-legend' },
      el('span', { class: 'mark-recon', 'aria-hidden': 'true' }),
      `Dashed line: ${RECON_STARS_TEXT}; ${RECON_FORKS_TEXT}. `,
      'Rebuilt by `gtt backfill --from stargazers`, so each count is a lower bound; a collected snapshot wins on a day that has both.',
    ),
    dayNote: (i, series) => {
      const on = (k) => series.some((s) => s.key === k && s.values[i] !== null);
      const parts = [on('starsRecon') ? RECON_STARS_TEXT : null, on('forksRecon') ? RECON_FORKS_TEXT : null].filter(Boolean);
      return parts.length ? ` (${parts.join('; ')})` : '';
    },
  };
}

function coverageStrip(parent, ctx) {
  const [a, b] = ctx.bounds;
  const m = ctx.model;
  const n = b - a + 1;
  const canvas = el('canvas', { class: 'strip', 'aria-hidden': 'true' });
  const t = ctx.totals;
  const runs = gaps(m, a, b);
  const ciDays = slice(m, 'ciCheckouts', a, b).filter((v) => v !== null).length;
  const section = el(
    'section',
    { class: 'panel coverage', 'data-panel': 'coverage', 'aria-labelledby': 'cov-title' },
    el('h2', { id: 'cov-title' }, 'Coverage'),
    el(
      'p',
      { class: 'chart-summary' },
      `${int(t.coveredDays)} of ${int(t.trackedDays)} tracked days collected` +
        (t.gapDays ? `, ${int(t.gapDays)} not collected in ${runs.length} gap${runs.length === 1 ? '' : 's'}` : ', no gaps') +
        (m.hasCi ? `; CI counted on ${int(ciDays)} days.` : '.') +
        (t.partialDays ? ` ${int(t.partialDays)} partial (${PARTIAL_TEXT}).` : ''),
    ),
    canvas,
    el(
      'p',
      { class: 'legend' },
      el('span', { class: 'swatch cov-ok' }),
      'collected ',
      el('span', { class: 'swatch cov-gap' }),
      'not collected (gap) ',
      t.partialDays ? [el('span', { class: 'swatch cov-partial' }), 'partial '] : null,
      m.hasCi ? [el('span', { class: 'swatch cov-ci' }), 'CI counted '] : null,
      el('span', { class: 'swatch cov-none' }),
      'before tracking',
    ),
  );
  if (runs.length) {
    section.appendChild(
      el(
        'ul',
        { class: 'gaps' },
        runs
          .slice(-12)
          .reverse()
          .map(([g0, g1]) => el('li', null, g0 === g1 ? dayStr(g0) : `${dayStr(g0)} – ${dayStr(g1)} (${g1 - g0 + 1} days)`)),
      ),
    );
  }
  parent.appendChild(section);
  const cs = getComputedStyle(document.documentElement);
  const col = (v) => cs.getPropertyValue(v).trim();
  const c = sharpCanvas(canvas, 600, 36);
  if (!c) return;
  const { g, w, h } = c;
  const cw = w / n;
  const ok = col('--cov-ok');
  const gap = col('--cov-gap');
  const none = col('--cov-none');
  const ci = col('--cov-ci');
  const part = col('--cov-partial');
  // One rectangle per run of days in the same state: a few rectangles, not thousands.
  const stateOf = (i) => {
    const d = a + i;
    if (m.empty || d < m.start || d > m.end) return 0;
    if (Number.isNaN(m.views[d - m.start])) return 1;
    return m.partial && m.partial[d - m.start] ? 3 : 2;
  };
  const ciOf = (i) => {
    const d = a + i;
    return !m.empty && d >= m.start && d <= m.end && !Number.isNaN(m.ciCheckouts[d - m.start]) ? 1 : 0;
  };
  const runs2 = (f, draw) => {
    let from = 0;
    for (let i = 1; i <= n; i++) {
      if (i === n || f(i) !== f(from)) {
        draw(f(from), from, i);
        from = i;
      }
    }
  };
  runs2(stateOf, (st, i0, i1) => {
    g.fillStyle = [none, gap, ok, part][st];
    g.fillRect(i0 * cw, 0, Math.max((i1 - i0) * cw, 1), h * 0.62);
  });
  g.fillStyle = ci;
  runs2(ciOf, (st, i0, i1) => st && g.fillRect(i0 * cw, h * 0.7, Math.max((i1 - i0) * cw, 1), h * 0.3));
}

export function dev(panel, ctx) {
  const [a, b] = ctx.bounds;
  const m = ctx.model;
  const t = ctx.totals;
  const th = theme();
  if (!m.hasCi) {
    cards(panel, [
      ['clones', 'Clones', int(t.clones), `${int(t.clonesUniques)} unique cloners (per day, summed)`, slice(m, 'clones', a, b), th.colors[3]],
    ], ctx);
    emptyNote(panel, 'ci', NO_CI);
    seriesChart(panel, ctx, 'clones', 'Clones per day', ['clones']);
    seriesChart(panel, ctx, 'uniques', 'Unique cloners per day', ['clonesUniques']);
    coverageStrip(panel, ctx);
    return;
  }
  cards(panel, [
    ['clones', 'Clones', int(t.clones), `${int(t.clonesUniques)} unique cloners (per day, summed)`, slice(m, 'clones', a, b), th.colors[3]],
    ['ciCheckouts', 'CI checkouts', int(t.ciCheckouts), `${pct(t.clones ? t.ciCheckouts / t.clones : 0)} of clones`, slice(m, 'ciCheckouts', a, b), th.colors[5]],
    ['organicClones', 'Organic clones', int(t.organicClones), `${int(t.organicUniques)} organic unique cloners`, slice(m, 'organicClones', a, b), th.colors[6]],
  ], ctx);
  // One axis here, unlike the Overview: CI checkouts and organic clones are the two
  // parts of the clones, and reading them against one scale is the point.
  seriesChart(panel, ctx, 'clones', 'Clones: raw, CI and organic', ['clones', 'ciCheckouts', 'organicClones']);
  seriesChart(panel, ctx, 'uniques', 'Unique cloners: raw, CI and organic', ['clonesUniques', 'ciUniques', 'organicUniques'], {
    note: 'CI unique cloners are the checkout share of uniques, at most one per workflow run.',
  });
  seriesChart(panel, ctx, 'ci-share', 'CI share of clones', ['ciShare'], { pct: true });
  coverageStrip(panel, ctx);
}

export const RENDER = { overview, installs, views, community, dev };

