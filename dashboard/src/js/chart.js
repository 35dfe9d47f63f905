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
};

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

/**
 * spec: { id, title, note, x (unix seconds), dates ("YYYY-MM-DD"), series: [{key, label,
 *   values, color, partial (its value on a partial day is a lower bound)}], zero (y from
 *   0), pct (values are shares), points (always draw points), partial (per x: the day
 *   was only seen in progress), maxStep (seconds: points further apart are not joined),
 *   nullText (what a missing value means), csv: {repo, range} }
 * ctx: { hidden: Map chartId -> Set of hidden keys, charts: array to register into }
 */
export function lineChart(parent, spec, ctx) {
  const uPlot = globalThis.uPlot;
  const uid = `ch${++seq}`;
  const hidden = ctx.hidden.get(spec.id) || new Set();
  ctx.hidden.set(spec.id, hidden);
  const fmt = spec.pct ? pct : int;
  const gapCount = spec.gapDays ?? (spec.series.length ? spec.series[0].values.filter((v) => v === null).length : 0);
  const n = spec.x.length;
  const nullText = spec.nullText || 'not collected';
  const partialText = spec.partialText || PARTIAL_TEXT;
  const unit = spec.unit || (spec.points ? 'snapshots' : 'days');
  // Partial days, where some shown series has a value: drawn hollow, joined dashed.
  const marked = spec.partial && spec.series.some((s) => s.partial) ? spec.partial : null;
  let partialCount = 0;
  if (marked) for (let i = 0; i < n; i++) if (marked[i] && spec.series.some((s) => s.partial && s.values[i] !== null)) partialCount++;
  // CI-estimated days, where some shown series rests on the estimate: drawn as diamonds.
  const est = spec.estimated && spec.series.some((s) => s.estimated) ? spec.estimated : null;
  let estCount = 0;
  if (est) for (let i = 0; i < n; i++) if (est[i] && spec.series.some((s) => s.estimated && s.values[i] !== null)) estCount++;
  // Series labels can be data (referrers, paths): shown cut, whole in the tooltip.
  const shown = spec.series.map((s) => shorten(s.label));

  const title = el('h2', { id: `${uid}-title` }, spec.title);
  const toggles = el('div', { class: 'toggles', role: 'group', 'aria-label': `Series shown in ${spec.title}` });
  const csvBtn = el(
    'button',
    { type: 'button', class: 'csv', 'data-csv': spec.id, 'aria-label': `Download CSV of ${spec.title}` },
    'CSV',
  );
  const summaryText =
    n === 0
      ? 'No data in this range.'
      : `${n} ${unit}, ${spec.dates[0]} to ${spec.dates[n - 1]}` +
        (spec.points ? '.' : gapCount ? `; ${gapCount} ${spec.unit ? 'days ' : ''}not collected (gaps)` : '; every tracked day collected') +
        (partialCount ? `; ${partialCount} ${spec.partialText ? 'incomplete' : 'partial'} (a lower bound)` : '') +
        (estCount ? `; ${estCount} with ${ESTIMATED_TEXT}` : '') +
        (spec.since ? `; tracking began ${spec.since}.` : '.');
  const summary = el('p', { class: 'chart-summary', id: `${uid}-desc` }, summaryText, spec.note ? ' ' + spec.note : null);
  const legend = partialCount
    ? el(
        'p',
        { class: 'legend partial-legend' },
        el('span', { class: 'mark-partial', 'aria-hidden': 'true' }),
        `Hollow point, dashed line: ${partialText}; its counts are a lower bound, left out of averages and changes.`,
      )
    : null;
  const estLegend = estCount
    ? el(
        'p',
        { class: 'legend estimated-legend' },
        el('span', { class: 'mark-estimated', 'aria-hidden': 'true' }),
        `Diamond: ${ESTIMATED_TEXT} (the workflow definition was unreadable), not read from the workflow definitions.`,
      )
    : null;
  // Release markers ({x, label, title}) inside the x range: a dashed vertical line each,
  // named in a line under the chart (the title says where the date comes from).
  const markers = (spec.markers || []).filter((mk) => n && mk.x >= spec.x[0] && mk.x <= (spec.xEnd ?? spec.x[n - 1]));
  const markerLegend = markers.length
    ? el(
        'p',
        { class: 'legend marker-legend' },
        el('span', { class: 'mark-release', 'aria-hidden': 'true' }),
        'Releases: ',
        markers.map((mk, k) => [k ? ', ' : null, el('span', { class: 'release-marker', 'data-marker': mk.date, title: mk.title }, `${shorten(mk.label)} (${mk.date})`)]),
      )
    : null;
  const plot = el('div', {
    class: 'plot',
    tabindex: n ? 0 : -1,
    role: 'group',
    'aria-roledescription': 'chart',
    'aria-labelledby': `${uid}-title`,
    'aria-describedby': `${uid}-desc`,
  });
  const readout = el('p', { class: 'readout', 'aria-live': 'polite' });
  const section = el(
    'section',
    {
      class: 'panel chart',
      'data-chart': spec.id,
      'data-points': n,
      'data-gaps': gapCount,
      'data-partial': partialCount,
      'data-estimated': estCount,
      'data-markers': markers.length,
      'aria-labelledby': `${uid}-title`,
    },
    el('div', { class: 'chart-head' }, title, el('div', { class: 'chart-tools' }, toggles, csvBtn)),
    summary,
    plot,
    legend,
    estLegend,
    markerLegend,
    readout,
  );
  parent.appendChild(section);

  const th = theme();
  const width = Math.max(240, plot.clientWidth || parent.clientWidth || 600);
  const height = plot.clientHeight || 240;
  const data = [spec.x, ...spec.series.map((s) => s.values)];
  const iso = spec.series.map((s) => (spec.points ? null : isolated(s.values)));
  const opts = {
    width,
    height,
    tzDate: (ts) => uPlot.tzDate(new Date(ts * 1e3), 'Etc/UTC'),
    legend: { show: false },
    cursor: { drag: { x: false, y: false }, points: { size: 7 } },
    scales: {
      x: { time: true, ...(spec.xEnd !== undefined && n ? { range: (u, min, max) => [spec.x[0], Math.max(max, spec.xEnd)] } : {}) },
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
      {
        stroke: th.axis,
        grid: { stroke: th.grid, width: 1 },
        ticks: { stroke: th.grid, width: 1 },
        values: (u, splits, ax, space, incr) => dateTicks(splits, incr),
      },
      {
        stroke: th.axis,
        grid: { stroke: th.grid, width: 1 },
        ticks: { stroke: th.grid, width: 1 },
        size: 52,
        values: (u, splits) => splits.map((v) => (spec.pct ? pct(v) : compact(v))),
      },
    ],
    series: [
      { label: 'date' },
      ...spec.series.map((s, j) => ({
        label: shown[j],
        stroke: th.colors[s.color] || th.colors[1],
        width: s.dash ? 1.25 : 1.75,
        ...(s.dash ? { dash: s.dash } : {}),
        show: !hidden.has(s.key),
        spanGaps: false,
        // uPlot's default stays unless this series needs more breaks (an undefined
        // value would replace it).
        ...(spec.maxStep || (marked && s.partial)
          ? {
              gaps: (u, sidx, idx0, idx1, nullGaps) =>
                mergeGaps(nullGaps, extraGaps(u, spec.x, idx0, idx1, spec.maxStep, marked && s.partial ? marked : null)),
            }
          : {}),
        points: spec.points
          ? { show: true, size: 6, fill: th.colors[s.color] }
          : { show: false, size: 5, fill: th.colors[s.color], filter: () => (iso[j].length ? iso[j] : null) },
      })),
    ],
    hooks: {
      setCursor: [
        (u) => {
          const i = u.cursor.idx;
          if (i === null || i === undefined || u.cursor.left < 0) {
            readout.textContent = '';
            tip.hidden = true;
            return;
          }
          const parts = spec.series
            .map((s, j) => [s, shown[j]])
            .filter(([s]) => !hidden.has(s.key))
            .map(([s, label]) => `${label} ${s.values[i] === null ? nullText : fmt(s.values[i])}`);
          const part = marked && marked[i] ? ` (${partialText}: a lower bound)` : '';
          const estd = est && est[i] ? ` (${ESTIMATED_TEXT})` : '';
          readout.textContent = `${spec.dates[i]}${part}${estd}: ${parts.join(' · ')}`;
          showTip(u, i, `${spec.dates[i]}${part}${estd}`, parts);
        },
      ],
      draw: [
        ...(markers.length ? [(u) => drawMarkers(u, markers, th)] : []),
        ...(marked ? [(u) => drawPartial(u, spec, marked, th)] : []),
        ...(est ? [(u) => drawEstimated(u, spec, est, th)] : []),
      ],
    },
  };
  // A floating tooltip by the cursor (hover or keyboard), with the readout's text.
  const tip = el('div', { class: 'chart-tip', 'aria-hidden': 'true', hidden: true });
  function showTip(u, i, head, parts) {
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
    tip.style.top = `${Math.round(Math.max(0, Math.min(top + 12, u.over.clientHeight - tip.offsetHeight)))}px`;
  }
  const u = new uPlot(opts, data, plot);
  u.over.appendChild(tip);
  u.over.addEventListener('mouseleave', () => {
    tip.hidden = true;
  });

  spec.series.forEach((s, j) => {
    const box = el('input', { type: 'checkbox', checked: !hidden.has(s.key), 'data-series': s.key });
    box.addEventListener('change', () => {
      if (box.checked) hidden.delete(s.key);
      else hidden.add(s.key);
      u.setSeries(j + 1, { show: box.checked });
    });
    const title = shown[j] === s.label ? null : s.label;
    toggles.appendChild(el('label', { class: 'toggle', title }, box, el('span', { class: `swatch c${s.color}` }), shown[j]));
  });

  csvBtn.addEventListener('click', () => {
    // Derived lines (the 7-day average) stay out: the CSV holds the figures themselves.
    const shown = spec.series.filter((s) => !hidden.has(s.key) && !s.derived);
    const text = chartCsv(spec.dates, shown);
    download(csvFileName('gtt', spec.csv?.repo, spec.id, spec.csv?.range), text);
  });

  // Keyboard: arrows move the cursor a day (Shift: a week), Home/End jump.
  let kbIdx = null;
  plot.addEventListener('keydown', (e) => {
    if (!n) return;
    const step = e.shiftKey ? 7 : 1;
    let i = kbIdx ?? n - 1;
    if (e.key === 'ArrowLeft') i -= step;
    else if (e.key === 'ArrowRight') i += step;
    else if (e.key === 'Home') i = 0;
    else if (e.key === 'End') i = n - 1;
    else if (e.key === 'Escape') {
      kbIdx = null;
      u.setCursor({ left: -10, top: -10 });
      return;
    } else return;
    e.preventDefault();
    kbIdx = Math.max(0, Math.min(n - 1, i));
    u.setCursor({ left: u.valToPos(spec.x[kbIdx], 'x'), top: u.bbox.height / devicePixelRatio / 2 });
  });

  let lastW = width;
  const ro = new ResizeObserver(() => {
    const w = Math.max(240, plot.clientWidth);
    if (Math.abs(w - lastW) > 1) {
      lastW = w;
      u.setSize({ width: w, height });
    }
  });
  ro.observe(plot);
  const handle = {
    u,
    section,
    destroy() {
      ro.disconnect();
      u.destroy();
    },
  };
  ctx.charts.push(handle);
  return handle;
}

/** Over a drawn chart: each partial day of each shown series that has one as a hollow
 * point, joined to its neighbours by a dashed line (uPlot left those segments out). */
function drawPartial(u, spec, marked, th) {
  const g = u.ctx;
  const dpr = u.pxRatio || globalThis.devicePixelRatio || 1;
  const { left, top, width, height } = u.bbox;
  const bg = getComputedStyle(document.documentElement).getPropertyValue('--panel').trim() || '#fff';
  g.save();
  g.beginPath();
  g.rect(left, top, width, height);
  g.clip();
  const xs = spec.x;
  const n = xs.length;
  const [i0, i1] = u.series[0].idxs || [0, n - 1];
  spec.series.forEach((s, j) => {
    if (!s.partial || !u.series[j + 1].show) return;
    const v = s.values;
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
  });
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
function drawEstimated(u, spec, est, th) {
  const g = u.ctx;
  const dpr = u.pxRatio || globalThis.devicePixelRatio || 1;
  const { left, top, width, height } = u.bbox;
  const bg = getComputedStyle(document.documentElement).getPropertyValue('--panel').trim() || '#fff';
  g.save();
  g.beginPath();
  g.rect(left, top, width, height);
  g.clip();
  const xs = spec.x;
  const [i0, i1] = u.series[0].idxs || [0, xs.length - 1];
  const r = 4.5 * dpr;
  spec.series.forEach((s, j) => {
    if (!s.estimated || !u.series[j + 1].show) return;
    g.fillStyle = th.colors[s.color] || th.colors[1];
    g.strokeStyle = bg;
    g.lineWidth = 1 * dpr;
    for (let i = i0; i <= i1; i++) {
      if (!est[i] || s.values[i] === null) continue;
      const x = u.valToPos(xs[i], 'x', true);
      const y = u.valToPos(s.values[i], 'y', true);
      g.beginPath();
      g.moveTo(x, y - r);
      g.lineTo(x + r, y);
      g.lineTo(x, y + r);
      g.lineTo(x - r, y);
      g.closePath();
      g.fill();
      g.stroke();
    }
  });
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
