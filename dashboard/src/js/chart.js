// Charts: a uPlot line chart with labelled series toggles, a CSV download of exactly
// what it shows, a text summary for screen readers, a hover/keyboard readout, and
// gaps (null) drawn as breaks. uPlot is loaded as a classic script (window.uPlot).

import { el, download } from './dom.js';
import { int, pct, compact, shorten } from './format.js';
import { chartCsv, csvFileName } from './csv.js';

/** Colour slot (CSS variables --c1..--c8) and label of every series key. */
export const META = {
  views: { label: 'Views', color: 1 },
  viewsUniques: { label: 'Unique visitors', color: 2 },
  clones: { label: 'Clones', color: 3 },
  clonesUniques: { label: 'Unique cloners', color: 4 },
  ciCheckouts: { label: 'CI checkouts', color: 5 },
  ciUniques: { label: 'CI unique cloners', color: 5 },
  organicClones: { label: 'Organic clones', color: 6 },
  organicUniques: { label: 'Organic unique cloners', color: 6 },
  downloads: { label: 'Downloads', color: 7 },
  installs: { label: 'Installs', color: 8 },
  stars: { label: 'Stars', color: 1 },
  watchers: { label: 'Watchers', color: 2 },
  forks: { label: 'Forks', color: 3 },
  openIssues: { label: 'Open issues', color: 5 },
  ciShare: { label: 'CI share of clones', color: 5 },
  // The reconstruction (gtt backfill --from stargazers): dashed, and left out of the
  // readout on the days it does not cover (every collected day).
  starsRecon: { label: 'Stars, reconstructed', color: 1, dash: [5, 4], omitNull: true },
  forksRecon: { label: 'Forks, reconstructed', color: 3, dash: [5, 4], omitNull: true },
};

/** What a reconstructed day is, as the legend and the readout give it. */
export const RECON_STARS_TEXT = 'reconstructed from the stargazers listing; unstars cannot be seen';
export const RECON_FORKS_TEXT = 'forks reconstructed from the forks listing; deleted forks cannot be seen';

/** Reads the theme's colours (they follow prefers-color-scheme). */
export function theme() {
  const cs = getComputedStyle(document.documentElement);
  const v = (n) => cs.getPropertyValue(n).trim();
  const colors = [];
  for (let i = 1; i <= 8; i++) colors[i] = v(`--c${i}`) || '#888';
  return { colors, axis: v('--muted') || '#666', grid: v('--grid') || '#ddd', text: v('--text') || '#222' };
}

function isolated(values) {
  const out = [];
  const n = values.length;
  for (let i = 0; i < n; i++) {
    if (values[i] === null) continue;
    if ((i === 0 || values[i - 1] === null) && (i === n - 1 || values[i + 1] === null)) out.push(i);
  }
  return out;
}

/** The meaning of a partial day, as the legend and the readout give it. */
export const PARTIAL_TEXT = 'partial: the day was still running when collected';

/** The meaning of a CI-estimated day, as the legend and the readout give it. */
export const ESTIMATED_TEXT = 'CI checkouts estimated from step names';

/** Pixel ranges, in canvas pixels, where a series' line must not be drawn: between two
 * x values further apart than `maxStep` seconds (snapshot days that do not follow
 * each other), and next to a marked (partial) point, which the draw hook joins with a
 * dashed line instead. uPlot clips its path outside these ranges. */
function extraGaps(u, xs, idx0, idx1, maxStep, marked) {
  const out = [];
  const px = (i) => Math.round(u.valToPos(xs[i], 'x', true));
  for (let i = idx0; i < idx1; i++) {
    if ((maxStep && xs[i + 1] - xs[i] > maxStep) || (marked && (marked[i] || marked[i + 1]))) out.push([px(i), px(i + 1)]);
  }
  return out;
}

function mergeGaps(a, b) {
  if (!b.length) return a;
  const all = [...a, ...b].sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const out = [];
  for (const g of all) {
    const last = out[out.length - 1];
    if (last && g[0] <= last[1]) last[1] = Math.max(last[1], g[1]);
    else out.push([g[0], g[1]]);
  }
  return out;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Tick labels for UTC days: "Oct 5", "Oct 2026", "2026", by tick spacing; the year
 * is added where it changes. */
export function dateTicks(splits, incr) {
  let prevYear = null;
  return splits.map((sec) => {
    const d = new Date(sec * 1000);
    const y = d.getUTCFullYear();
    const m = MONTHS[d.getUTCMonth()];
    const newYear = y !== prevYear;
    prevYear = y;
    if (incr >= 360 * 86400) return String(y);
    if (incr >= 28 * 86400) return newYear ? `${m}\n${y}` : m;
    return newYear ? `${m} ${d.getUTCDate()}\n${y}` : `${m} ${d.getUTCDate()}`;
  });
}

let seq = 0;

/** `hex` (#rrggbb) mixed with `bg` at `t` (0: bg, 1: hex): an opaque fill that reads as
 * a tint of the series colour on the panel. */
export function mix(hex, bg, t) {
  const p = (c, i) => parseInt(c.slice(i, i + 2), 16);
  if (!/^#[0-9a-f]{6}$/i.test(hex) || !/^#[0-9a-f]{6}$/i.test(bg)) return hex;
  const ch = [1, 3, 5].map((i) => Math.round(p(hex, i) * t + p(bg, i) * (1 - t)));
  return `#${ch.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
}

/** The drawn values of stacked series (`stack: true`, bottom first): each shown layer at
 * the sum of the shown layers up to it, so the top edge is their total and no line can
 * hide under another. A layer's gap counts as 0 on top of a known base (as installs
 * count no downloads on a day without a collection); a gap in the base is a gap in
 * every layer. Returns series index -> drawn values. */
export function stackValues(series, hidden) {
  const layers = [];
  series.forEach((s, j) => s.stack && !hidden.has(s.key) && layers.push(j));
  const out = new Map();
  if (!layers.length) return out;
  const base = series[layers[0]].values;
  let acc = base.map((v) => (v === null ? null : 0));
  for (const j of layers) {
    const v = series[j].values;
    acc = acc.map((a, i) => (a === null ? null : a + (v[i] ?? 0)));
    out.set(j, acc);
  }
  return out;
}

/**
 * Which series share a y axis. Series of different magnitude never do: 40 watchers on
 * the axis of 1,500 stars is a flat line at the bottom, and +297 stars on an axis
 * stretched for both looks flat too. A second y axis was the alternative; it was not
 * chosen because it holds two scales at most (the Overview has five series), because
 * a reader cannot tell which line reads against which axis, and because two lines on
 * two arbitrary scales suggest crossings and correlations that mean nothing. Small
 * multiples instead: one panel per group, each with its own y axis and a label naming
 * it, all sharing the x axis and one cursor, so a day lines up across them and the
 * readout still gives every value. A group is only ever a series with what is drawn
 * for it (its 7-day average), or parts of one whole (clones = CI + organic).
 * `spec.panels`: arrays of series keys; a drawn series in none gets a panel of its
 * own; without `spec.panels`, one panel. Total series (`total: true`) are not drawn.
 */
export function panelGroups(spec) {
  const idx = new Map(spec.series.map((s, j) => [s.key, j]));
  const drawn = spec.series.map((s, j) => j).filter((j) => !spec.series[j].total);
  const used = new Set();
  const groups = (spec.panels || [spec.series.map((s) => s.key)]).map((keys) =>
    keys.map((k) => idx.get(k)).filter((j) => j !== undefined && drawn.includes(j) && !used.has(j) && used.add(j)),
  );
  for (const j of drawn) if (!used.has(j)) groups.push([j]);
  // Stack layers are drawn top first (see seriesOpts), the other series after them.
  const stack = (j) => Boolean(spec.series[j].stack);
  return groups.filter((g) => g.length).map((g) => [...g.filter(stack).reverse(), ...g.filter((j) => !stack(j))]);
}

/**
 * spec: { id, title, note, x (unix seconds), dates ("YYYY-MM-DD"), series: [{key, label,
 *   values, color, partial (its value on a partial day is a lower bound), stack (drawn
 *   stacked on the stack series before it), total (listed in the readout and the CSV,
 *   not drawn: the top of the stack), dash, derived (left out of the CSV)}], panels
 *   (groups of keys, see panelGroups), zero (y from 0), pct (values are shares),
 *   points (always draw points), partial (per x: the day was only seen in progress),
 *   maxStep (seconds: points further apart are not joined), nullText (what a missing
 *   value means), csv: {repo, range}, legend (extra legend lines) }
 * ctx: { hidden: Map chartId -> Set of hidden keys, charts: array to register into }
 */
export function lineChart(parent, spec, ctx) {
  const uid = `ch${++seq}`;
  const hidden = ctx.hidden.get(spec.id) || new Set();
  ctx.hidden.set(spec.id, hidden);
  const n = spec.x.length;
  const c = {
    spec,
    uid,
    hidden,
    n,
    fmt: spec.pct ? pct : int,
    nullText: spec.nullText || 'not collected',
    partialText: spec.partialText || PARTIAL_TEXT,
    // Series labels can be data (referrers, paths): shown cut, whole in the tooltip.
    shown: spec.series.map((s) => shorten(s.label)),
    // Partial days, where some shown series has a value: drawn hollow, joined dashed.
    marked: spec.partial && spec.series.some((s) => s.partial) ? spec.partial : null,
    // CI-estimated days, where some shown series rests on the estimate: diamonds.
    est: spec.estimated && spec.series.some((s) => s.estimated) ? spec.estimated : null,
    // Release markers ({x, label, title}) inside the x range.
    markers: (spec.markers || []).filter((mk) => n && mk.x >= spec.x[0] && mk.x <= (spec.xEnd ?? spec.x[n - 1])),
    groups: panelGroups(spec),
  };
  const dom = chartDom(parent, c);
  const th = theme();
  const plots = c.groups.map((g, p) => makePanel(c, dom, g, p, th));
  wireChart(c, dom, plots, th);
  const handle = {
    u: plots[0]?.u ?? null,
    plots: plots.map((p) => p.u),
    section: dom.section,
    destroy() {
      dom.ro.disconnect();
      for (const p of plots) p.u.destroy();
    },
  };
  ctx.charts.push(handle);
  return handle;
}

function countMarked(c, flags, pick) {
  if (!flags) return 0;
  let k = 0;
  for (let i = 0; i < c.n; i++) if (flags[i] && c.spec.series.some((s) => pick(s) && s.values[i] !== null)) k++;
  return k;
}

/** The section, its head (title, toggles, CSV), summary, legends and readout. */
function chartDom(parent, c) {
  const { spec, uid, n } = c;
  const gapCount = spec.gapDays ?? (spec.series.length ? spec.series[0].values.filter((v) => v === null).length : 0);
  const partialCount = countMarked(c, c.marked, (s) => s.partial);
  const estCount = countMarked(c, c.est, (s) => s.estimated);
  const unit = spec.unit || (spec.points ? 'snapshots' : 'days');
  const toggles = el('div', { class: 'toggles', role: 'group', 'aria-label': `Series shown in ${spec.title}` });
  const csvBtn = el('button', { type: 'button', class: 'csv', 'data-csv': spec.id, 'aria-label': `Download CSV of ${spec.title}` }, 'CSV');
  const summaryText =
    n === 0
      ? 'No data in this range.'
      : `${n} ${unit}, ${spec.dates[0]} to ${spec.dates[n - 1]}` +
        (spec.points ? '' : gapCount ? `; ${gapCount} ${spec.unit ? 'days ' : ''}not collected (gaps)` : `; ${spec.coveredText || 'every tracked day collected'}`) +
        (partialCount ? `; ${partialCount} ${spec.partialText ? 'incomplete' : 'partial'} (a lower bound)` : '') +
        (estCount ? `; ${estCount} with ${ESTIMATED_TEXT}` : '') +
        (spec.since ? `; tracking began ${spec.since}.` : '.');
  const legend = (cls, mark, ...text) => el('p', { class: `legend ${cls}` }, el('span', { class: mark, 'aria-hidden': 'true' }), ...text);
  const multi = c.groups.length > 1;
  const plot = el('div', {
    class: multi ? 'plot multiples' : 'plot',
    tabindex: n ? 0 : -1,
    role: 'group',
    'aria-roledescription': 'chart',
    'aria-labelledby': `${uid}-title`,
    'aria-describedby': `${uid}-desc`,
    'data-panels': c.groups.length,
  });
  const section = el(
    'section',
    {
      class: 'panel chart',
      'data-chart': spec.id,
      'data-points': n,
      'data-gaps': gapCount,
      'data-partial': partialCount,
      'data-estimated': estCount,
      'data-markers': c.markers.length,
      'aria-labelledby': `${uid}-title`,
    },
    el('div', { class: 'chart-head' }, el('h2', { id: `${uid}-title` }, spec.title), el('div', { class: 'chart-tools' }, toggles, csvBtn)),
    el('p', { class: 'chart-summary', id: `${uid}-desc` }, summaryText, spec.note ? ' ' + spec.note : null),
    plot,
    partialCount
      ? legend('partial-legend', 'mark-partial', `Hollow point, dashed line: ${c.partialText}; its counts are a lower bound, left out of averages and changes.`)
      : null,
    estCount
      ? legend('estimated-legend', 'mark-estimated', `Diamond: ${ESTIMATED_TEXT} (the workflow definition was unreadable), not read from the workflow definitions.`)
      : null,
    c.markers.length
      ? legend(
          'marker-legend',
          'mark-release',
          'Releases: ',
          c.markers.map((mk, k) => [k ? ', ' : null, el('span', { class: 'release-marker', 'data-marker': mk.date, title: mk.title }, `${shorten(mk.label)} (${mk.date})`)]),
        )
      : null,
    spec.legend || null,
  );
  const readout = el('p', { class: 'readout', 'aria-live': 'polite' });
  section.appendChild(readout);
  parent.appendChild(section);
  // A floating tooltip by the cursor (hover or keyboard), with the readout's text: one
  // for the chart, moved into the panel the cursor is in.
  const tip = el('div', { class: 'chart-tip', 'aria-hidden': 'true', hidden: true });
  return { section, toggles, csvBtn, plot, readout, tip, ro: null, active: null };
}

/** One uPlot panel of the chart: the series of group `g`, its own y axis. */
function makePanel(c, dom, g, p, th) {
  const { spec } = c;
  const multi = c.groups.length > 1;
  const last = p === c.groups.length - 1;
  const box = el('div', { class: 'plot-panel', 'data-panel-keys': g.map((j) => spec.series[j].key).join(' ') });
  if (multi) {
    const named = g.filter((j) => !spec.series[j].derived);
    box.appendChild(
      el('p', { class: 'panel-label' }, named.map((j, k) => [k ? ' · ' : null, el('span', { class: `swatch c${spec.series[j].color}` }), c.shown[j]])),
    );
  }
  const area = el('div', { class: 'plot-area' });
  box.appendChild(area);
  dom.plot.appendChild(box);
  const stacked = stackValues(spec.series, c.hidden);
  const data = [spec.x, ...g.map((j) => stacked.get(j) || spec.series[j].values)];
  const width = Math.max(240, dom.plot.clientWidth || dom.section.clientWidth || 600);
  const height = multi ? (c.groups.length > 2 ? 110 : 150) + (last ? 30 : 0) : dom.plot.clientHeight || 240;
  const panel = { g, box, area, height, u: null };
  const u = new globalThis.uPlot(panelOpts(c, dom, panel, { width, height, last, th }), data, area);
  panel.u = u;
  u.over.addEventListener('mouseenter', () => (dom.active = panel));
  u.over.addEventListener('mouseleave', () => {
    dom.tip.hidden = true;
  });
  box.hidden = g.every((j) => c.hidden.has(spec.series[j].key));
  return panel;
}

function panelOpts(c, dom, panel, { width, height, last, th }) {
  const { spec } = c;
  const g = panel.g;
  const members = g.map((j, k) => [j, k + 1]);
  const iso = g.map((j) => (spec.points ? null : isolated(spec.series[j].values)));
  const bg = getComputedStyle(document.documentElement).getPropertyValue('--panel').trim() || '#ffffff';
  const xAxis = {
    stroke: th.axis,
    grid: { stroke: th.grid, width: 1 },
    ticks: { stroke: th.grid, width: 1 },
    values: (u, splits, ax, space, incr) => dateTicks(splits, incr),
  };
  return {
    width,
    height,
    tzDate: (ts) => globalThis.uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { size: 7 }, sync: { key: c.uid } },
    scales: {
      x: { time: true, ...(spec.xEnd !== undefined && c.n ? { range: (u, min, max) => [spec.x[0], Math.max(max, spec.xEnd)] } : {}) },
      y: {
        range: (u, min, max) => {
          if (spec.pct) return [0, 1];
          if (spec.zero || min === null) return [0, max > 0 ? max * 1.08 : 1];
          const pad = Math.max(1, (max - min) * 0.1);
          return [Math.max(0, Math.floor(min - pad)), Math.ceil(max + pad)];
        },
      },
    },
    axes: [
      // Only the bottom panel writes the dates; the others keep the grid.
      last ? xAxis : { ...xAxis, size: 8, values: (u, splits) => splits.map(() => '') },
      {
        stroke: th.axis,
        grid: { stroke: th.grid, width: 1 },
        ticks: { stroke: th.grid, width: 1 },
        size: 52,
        values: (u, splits) => splits.map((v) => (spec.pct ? pct(v) : compact(v))),
      },
    ],
    series: [{ label: 'date' }, ...g.map((j, k) => seriesOpts(c, spec.series[j], j, iso[k], th, bg))],
    hooks: {
      setCursor: [(u) => onCursor(c, dom, panel, u)],
      draw: [
        ...(c.markers.length ? [(u) => drawMarkers(u, c.markers, th)] : []),
        ...(c.marked ? [(u) => drawPartial(u, spec, members, c.marked, th)] : []),
        ...(c.est ? [(u) => drawEstimated(u, spec, members, c.est, th)] : []),
      ],
    },
  };
}

function seriesOpts(c, s, j, iso, th, bg) {
  const { spec } = c;
  const color = th.colors[s.color] || th.colors[1];
  return {
    label: c.shown[j],
    stroke: color,
    width: s.dash ? 1.25 : 1.75,
    ...(s.dash ? { dash: s.dash } : {}),
    // A stack layer is filled down to 0 with a tint; the layers are drawn top first,
    // so each lower one covers the part of the fill below its own top edge.
    ...(s.stack ? { fill: mix(color, bg, 0.35) } : {}),
    show: !c.hidden.has(s.key),
    spanGaps: false,
    // uPlot's default stays unless this series needs more breaks (an undefined value
    // would replace it).
    ...(spec.maxStep || (c.marked && s.partial)
      ? {
          gaps: (u, sidx, idx0, idx1, nullGaps) =>
            mergeGaps(nullGaps, extraGaps(u, spec.x, idx0, idx1, spec.maxStep, c.marked && s.partial ? c.marked : null)),
        }
      : {}),
    points: spec.points
      ? { show: true, size: 6, fill: color }
      : { show: false, size: 5, fill: color, filter: () => (iso.length ? iso : null) },
  };
}

/** The readout (every shown series, raw values) and, in the panel under the cursor, the
 * tooltip. Panels share the cursor, so any of them may report a day. */
function onCursor(c, dom, panel, u) {
  const { spec } = c;
  const i = u.cursor.idx;
  if (i === null || i === undefined || u.cursor.left < 0) {
    if (dom.active === panel || !dom.active) {
      dom.readout.textContent = '';
      dom.tip.hidden = true;
    }
    return;
  }
  const parts = spec.series
    .map((s, j) => [s, c.shown[j]])
    .filter(([s]) => !c.hidden.has(s.key) && !(s.omitNull && s.values[i] === null))
    .map(([s, label]) => `${label} ${s.values[i] === null ? c.nullText : c.fmt(s.values[i])}`);
  const part = c.marked && c.marked[i] ? ` (${c.partialText}: a lower bound)` : '';
  const estd = c.est && c.est[i] ? ` (${ESTIMATED_TEXT})` : '';
  const extra = spec.dayNote ? spec.dayNote(i, spec.series) : '';
  const head = `${spec.dates[i]}${part}${estd}${extra}`;
  dom.readout.textContent = `${head}: ${parts.join(' · ')}`;
  if (dom.active === panel) showTip(dom.tip, u, head, parts);
}

function showTip(tip, u, head, parts) {
  if (tip.parentNode !== u.over) u.over.appendChild(tip);
  while (tip.firstChild) tip.removeChild(tip.firstChild);
  tip.appendChild(el('div', { class: 'tip-head' }, head));
  for (const p of parts) tip.appendChild(el('div', null, p));
  tip.hidden = false;
  const left = u.cursor.left;
  const top = u.cursor.top;
  const w = u.over.clientWidth;
  const tw = tip.offsetWidth;
  const x = left + 12 + tw > w ? Math.max(0, left - 12 - tw) : left + 12;
  tip.style.left = `${Math.round(x)}px`;
  tip.style.top = `${Math.round(Math.max(0, Math.min(Math.max(top, 0) + 12, u.over.clientHeight - tip.offsetHeight)))}px`;
}

/** Toggles, CSV, keyboard and resizing, for every panel of a chart. */
function wireChart(c, dom, plots, th) {
  const { spec, hidden, n } = c;
  const panelOf = (j) => plots.find((p) => p.g.includes(j));
  spec.series.forEach((s, j) => {
    if (s.total) return;
    const box = el('input', { type: 'checkbox', checked: !hidden.has(s.key), 'data-series': s.key });
    box.addEventListener('change', () => {
      // The tooltip's text was read before the change (a toggle from the keyboard leaves
      // the mouse where it was): it goes until the cursor moves again.
      dom.tip.hidden = true;
      if (box.checked) hidden.delete(s.key);
      else hidden.add(s.key);
      const p = panelOf(j);
      if (!p) return;
      if (s.stack) {
        // The stack is drawn again from the layers now shown.
        const stacked = stackValues(spec.series, hidden);
        p.u.setData([spec.x, ...p.g.map((k) => stacked.get(k) || spec.series[k].values)]);
      }
      p.u.setSeries(p.g.indexOf(j) + 1, { show: box.checked });
      p.box.hidden = p.g.every((k) => hidden.has(spec.series[k].key));
    });
    const title = c.shown[j] === s.label ? null : s.label;
    dom.toggles.appendChild(el('label', { class: 'toggle', title }, box, el('span', { class: `swatch c${s.color}` }), c.shown[j]));
  });

  dom.csvBtn.addEventListener('click', () => {
    // Derived lines (the 7-day average) stay out: the CSV holds the figures themselves.
    const shown = spec.series.filter((s) => !hidden.has(s.key) && !s.derived);
    download(csvFileName('gtt', spec.csv?.repo, spec.id, spec.csv?.range), chartCsv(spec.dates, shown));
  });

  // Keyboard: arrows move the cursor a day (Shift: a week), Home/End jump; the first
  // panel shown takes the cursor, and the others follow it.
  let kbIdx = null;
  dom.plot.addEventListener('keydown', (e) => {
    const p = plots.find((q) => !q.box.hidden);
    if (!n || !p) return;
    const step = e.shiftKey ? 7 : 1;
    let i = kbIdx ?? n - 1;
    if (e.key === 'ArrowLeft') i -= step;
    else if (e.key === 'ArrowRight') i += step;
    else if (e.key === 'Home') i = 0;
    else if (e.key === 'End') i = n - 1;
    else if (e.key === 'Escape') {
      kbIdx = null;
      p.u.setCursor({ left: -10, top: -10 });
      return;
    } else return;
    e.preventDefault();
    kbIdx = Math.max(0, Math.min(n - 1, i));
    dom.active = p;
    p.u.setCursor({ left: p.u.valToPos(spec.x[kbIdx], 'x'), top: p.u.bbox.height / devicePixelRatio / 2 });
  });

  let lastW = plots[0]?.u.width ?? 0;
  dom.ro = new ResizeObserver(() => {
    const w = Math.max(240, dom.plot.clientWidth);
    if (Math.abs(w - lastW) > 1) {
      lastW = w;
      for (const p of plots) p.u.setSize({ width: w, height: p.height });
    }
  });
  dom.ro.observe(dom.plot);
}

/** Saves the canvas and clips it to the plot area, for marks drawn over a chart (the
 * caller restores it); with the pixel ratio and the panel's background colour. */
function clipToPlot(u) {
  const g = u.ctx;
  const { left, top, width, height } = u.bbox;
  g.save();
  g.beginPath();
  g.rect(left, top, width, height);
  g.clip();
  return {
    g,
    dpr: u.pxRatio || globalThis.devicePixelRatio || 1,
    bg: getComputedStyle(document.documentElement).getPropertyValue('--panel').trim() || '#fff',
  };
}

/** Over a drawn chart: each partial day of each shown series that has one as a hollow
 * point, joined to its neighbours by a dashed line (uPlot left those segments out).
 * `members`: [series index in spec, series index in this uPlot]. */
function drawPartial(u, spec, members, marked, th) {
  const { g, dpr, bg } = clipToPlot(u);
  const xs = spec.x;
  const n = xs.length;
  const [i0, i1] = u.series[0].idxs || [0, n - 1];
  for (const [j, k] of members) {
    const s = spec.series[j];
    if (!s.partial || !u.series[k].show) continue;
    const v = u.data[k];
    const color = th.colors[s.color] || th.colors[1];
    const X = (i) => u.valToPos(xs[i], 'x', true);
    const Y = (i) => u.valToPos(v[i], 'y', true);
    g.strokeStyle = color;
    g.lineWidth = 1.75 * dpr;
    g.setLineDash([4 * dpr, 3 * dpr]);
    g.beginPath();
    for (let i = Math.max(0, i0 - 1); i < Math.min(n - 1, i1 + 1); i++) {
      if ((marked[i] || marked[i + 1]) && v[i] !== null && v[i + 1] !== null) {
        g.moveTo(X(i), Y(i));
        g.lineTo(X(i + 1), Y(i + 1));
      }
    }
    g.stroke();
    g.setLineDash([]);
    g.fillStyle = bg;
    g.lineWidth = 1.5 * dpr;
    for (let i = i0; i <= i1; i++) {
      if (!marked[i] || v[i] === null) continue;
      g.beginPath();
      g.arc(X(i), Y(i), 3.5 * dpr, 0, 2 * Math.PI);
      g.fill();
      g.stroke();
    }
  }
  g.restore();
}

/** A dashed vertical line at each release marker. */
function drawMarkers(u, markers, th) {
  const g = u.ctx;
  const dpr = u.pxRatio || globalThis.devicePixelRatio || 1;
  const { top, height } = u.bbox;
  g.save();
  g.strokeStyle = th.axis;
  g.lineWidth = 1 * dpr;
  g.setLineDash([2 * dpr, 3 * dpr]);
  g.beginPath();
  for (const mk of markers) {
    const x = Math.round(u.valToPos(mk.x, 'x', true)) + 0.5;
    g.moveTo(x, top);
    g.lineTo(x, top + height);
  }
  g.stroke();
  g.restore();
}

/** Over a drawn chart: each CI-estimated day of each shown series resting on the
 * estimate as a filled diamond with a ring of the panel's colour. */
function drawEstimated(u, spec, members, est, th) {
  const { g, dpr, bg } = clipToPlot(u);
  const xs = spec.x;
  const [i0, i1] = u.series[0].idxs || [0, xs.length - 1];
  const r = 4.5 * dpr;
  for (const [j, k] of members) {
    const s = spec.series[j];
    if (!s.estimated || !u.series[k].show) continue;
    g.fillStyle = th.colors[s.color] || th.colors[1];
    g.strokeStyle = bg;
    g.lineWidth = 1 * dpr;
    for (let i = i0; i <= i1; i++) {
      if (!est[i] || u.data[k][i] === null) continue;
      const x = u.valToPos(xs[i], 'x', true);
      const y = u.valToPos(u.data[k][i], 'y', true);
      g.beginPath();
      g.moveTo(x, y - r);
      g.lineTo(x + r, y);
      g.lineTo(x, y + r);
      g.lineTo(x - r, y);
      g.closePath();
      g.fill();
      g.stroke();
    }
  }
  g.restore();
}

/** Sizes a canvas for the screen's pixel density and returns its 2D context scaled to
 * CSS pixels, with the CSS size (defaults when the canvas is not laid out yet). */
export function sharpCanvas(canvas, defaultW, defaultH) {
  const w = canvas.clientWidth || defaultW;
  const h = canvas.clientHeight || defaultH;
  const dpr = globalThis.devicePixelRatio || 1;
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  const g = canvas.getContext('2d');
  if (!g) return null;
  g.scale(dpr, dpr);
  return { g, w, h };
}

/** A tiny sparkline on a canvas: gaps break the line, isolated days are dots, partial
 * days (`partial[i]`) are hollow dots joined by a dashed line. */
export function sparkline(canvas, values, color, partial = null) {
  const c = sharpCanvas(canvas, 120, 32);
  if (!c) return;
  const { g, w, h } = c;
  let max = 0;
  for (const v of values) if (v !== null && v > max) max = v;
  let min = max;
  for (const v of values) if (v !== null && v < min) min = v;
  const counter = min > 0 && max - min < max * 0.5;
  const lo = counter ? min : 0;
  const span = max - lo || 1;
  const n = values.length;
  const x = (i) => (n <= 1 ? w / 2 : (i / (n - 1)) * (w - 2) + 1);
  const y = (v) => h - 2 - ((v - lo) / span) * (h - 4);
  g.strokeStyle = color;
  g.fillStyle = color;
  g.lineWidth = 1.5;
  const part = (i) => Boolean(partial && partial[i]);
  g.beginPath();
  let open = false;
  for (let i = 0; i < n; i++) {
    const v = values[i];
    if (v === null || part(i)) {
      open = false;
      continue;
    }
    const alone = (i === 0 || values[i - 1] === null) && (i === n - 1 || values[i + 1] === null);
    if (alone) g.fillRect(x(i) - 1, y(v) - 1, 2.5, 2.5);
    if (open) g.lineTo(x(i), y(v));
    else g.moveTo(x(i), y(v));
    open = true;
  }
  g.stroke();
  if (!partial) return;
  g.setLineDash([3, 2]);
  g.beginPath();
  for (let i = 0; i + 1 < n; i++) {
    if ((part(i) || part(i + 1)) && values[i] !== null && values[i + 1] !== null) {
      g.moveTo(x(i), y(values[i]));
      g.lineTo(x(i + 1), y(values[i + 1]));
    }
  }
  g.stroke();
  g.setLineDash([]);
  g.lineWidth = 1;
  for (let i = 0; i < n; i++) {
    if (!part(i) || values[i] === null) continue;
    g.beginPath();
    g.arc(x(i), y(values[i]), 2, 0, 2 * Math.PI);
    g.stroke();
  }
}
