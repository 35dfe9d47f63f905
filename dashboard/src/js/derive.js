// Everything the dashboard shows, derived from gtt's stored files with the formulas gtt
// itself uses (src/history.rs). Pure: no DOM, no clock. A repository's per-day series
// are built once, on first use, over one continuous day axis; a day that gtt never
// observed is `null` (a gap), never 0.

import { dayNum, tsDay } from './dates.js';

/** CI's share of one day's clones, by ghtraf's formulas (anchors.md) as gtt applies them:
 * organic = max(0, clones - ci); CI uniques = the checkout share of uniques, rounded,
 * at most one per run; organic uniques = the rest. Without CI counted, all is organic. */
export function organicDay(clones, uniques, ci) {
  if (!ci) return { clones, uniques, ciUniques: 0 };
  const checkouts = ci[0];
  const runs = ci[1];
  const rate = clones > 0 ? Math.min(1, checkouts / clones) : 0;
  const ciUniques = Math.min(Math.round(uniques * rate), runs);
  return {
    clones: Math.max(0, clones - checkouts),
    uniques: Math.max(0, uniques - ciUniques),
    ciUniques,
  };
}

const num = (v) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);

function objectOf(v) {
  return v && typeof v === 'object' && !Array.isArray(v) ? v : {};
}

/** Reads a history file's parsed JSON into the shape the views need; tolerant of
 * missing sections (older files) and of keys that are not days (skipped). */
export function readHistory(h, fallbackName = '') {
  const src = objectOf(h);
  const days = [];
  for (const [k, v] of Object.entries(objectOf(src.days))) {
    const d = dayNum(k);
    if (Number.isFinite(d) && Array.isArray(v)) days.push([d, num(v[0]), num(v[1]), num(v[2]), num(v[3])]);
  }
  const stats = [];
  for (const [k, v] of Object.entries(objectOf(src.stats))) {
    const d = dayNum(k);
    if (Number.isFinite(d) && Array.isArray(v)) stats.push([d, num(v[0]), num(v[1]), num(v[2]), num(v[3]), num(v[4])]);
  }
  const ci = [];
  for (const [k, v] of Object.entries(objectOf(src.ci))) {
    const d = dayNum(k);
    if (Number.isFinite(d) && Array.isArray(v)) ci.push([d, num(v[0]), num(v[1])]);
  }
  const assets = [];
  for (const [id, a] of Object.entries(objectOf(src.assets))) {
    const counts = [];
    for (const [k, v] of Object.entries(objectOf(a && a.counts))) {
      const d = dayNum(k);
      if (Number.isFinite(d)) counts.push([d, num(v)]);
    }
    counts.sort((x, y) => x[0] - y[0]);
    assets.push({
      id,
      release: typeof a?.release === 'string' ? a.release : '',
      name: typeof a?.name === 'string' ? a.name : '',
      seen: dayNum(a?.seen),
      counts,
    });
  }
  const popular = [];
  for (const [k, v] of Object.entries(objectOf(src.popular))) {
    const d = dayNum(k);
    if (!Number.isFinite(d)) continue;
    const p = objectOf(v);
    const referrers = (Array.isArray(p.referrers) ? p.referrers : [])
      .filter(Array.isArray)
      .map((r) => [String(r[0] ?? ''), num(r[1]), num(r[2])]);
    const paths = (Array.isArray(p.paths) ? p.paths : [])
      .filter(Array.isArray)
      .map((r) => [String(r[0] ?? ''), String(r[1] ?? ''), num(r[2]), num(r[3])]);
    popular.push({ day: d, referrers, paths });
  }
  popular.sort((x, y) => x.day - y.day);
  return {
    name: typeof src.repo === 'string' && src.repo ? src.repo : fallbackName,
    schema: num(src.schema),
    writtenBy: typeof src.written_by === 'string' ? src.written_by : '',
    createdAt: typeof src.created_at === 'string' ? src.created_at : null,
    firstCollected: typeof src.first_collected === 'string' ? src.first_collected : null,
    lastCollected: typeof src.last_collected === 'string' ? src.last_collected : null,
    days,
    stats,
    ci,
    assets,
    popular,
  };
}

/** Every per-day series a repository model carries, in a stable order. */
export const SERIES = [
  'views',
  'viewsUniques',
  'clones',
  'clonesUniques',
  'ciCheckouts',
  'ciRuns',
  'ciUniques',
  'organicClones',
  'organicUniques',
  'ciShare',
  'downloads',
  'installs',
  'stars',
  'forks',
  'watchers',
  'openIssues',
];

function filled(n, v) {
  const a = new Array(n);
  a.fill(v);
  return a;
}

/** The first collection day: `first_collected`, else the first stats day. Asset counts
 * first recorded that day predate tracking and count for no day. */
function firstCollectionDay(r) {
  const t = r.firstCollected ? tsDay(r.firstCollected) : NaN;
  if (Number.isFinite(t)) return t;
  let m = Infinity;
  for (const s of r.stats) m = Math.min(m, s[0]);
  return Number.isFinite(m) ? m : NaN;
}

/** Daily downloads per asset rise: the cumulative count as of a day is the highest
 * count recorded on or before it; a day's downloads are the sum of each asset's rise
 * since the day before. An asset's first count contributes 0 when it was recorded on
 * the first collection day (downloads from before tracking), else all of it.
 * Returns [day, downloads] pairs for days with a record, ascending. */
export function dailyDownloads(assets, firstDay) {
  const out = new Map();
  for (const a of assets) {
    let prev = null;
    for (const [d, c] of a.counts) {
      let rise;
      if (prev === null) rise = d === firstDay ? 0 : c;
      else rise = Math.max(0, c - prev);
      prev = prev === null ? c : Math.max(prev, c);
      out.set(d, (out.get(d) ?? 0) + rise);
    }
  }
  return [...out.entries()].sort((x, y) => x[0] - y[0]);
}

/** Builds a repository's model: one day axis from its first to its last recorded day
 * and every series over it. `null` marks a day with no observation. */
export function buildModel(r) {
  let start = Infinity;
  let end = -Infinity;
  const see = (d) => {
    if (d < start) start = d;
    if (d > end) end = d;
  };
  for (const x of r.days) see(x[0]);
  for (const x of r.stats) see(x[0]);
  for (const x of r.ci) see(x[0]);
  for (const a of r.assets) for (const c of a.counts) see(c[0]);
  for (const p of r.popular) see(p.day);
  const empty = !Number.isFinite(start);
  if (empty) {
    start = 0;
    end = -1;
  }
  const n = end - start + 1;
  const m = { name: r.name, start, end, n, empty, source: r };
  for (const k of SERIES) m[k] = filled(n, null);
  const ciByDay = new Map(r.ci.map((c) => [c[0], [c[1], c[2]]]));
  for (const [d, v, vu, c, cu] of r.days) {
    const i = d - start;
    m.views[i] = v;
    m.viewsUniques[i] = vu;
    m.clones[i] = c;
    m.clonesUniques[i] = cu;
    const ci = ciByDay.get(d) || null;
    const o = organicDay(c, cu, ci);
    m.organicClones[i] = o.clones;
    m.organicUniques[i] = o.uniques;
    if (ci) {
      m.ciUniques[i] = o.ciUniques;
      m.ciShare[i] = c > 0 ? ci[0] / c : 0;
    }
  }
  for (const [d, checkouts, runs] of r.ci) {
    m.ciCheckouts[d - start] = checkouts;
    m.ciRuns[d - start] = runs;
  }
  // Latest snapshot of the day wins (the stored value already is that one).
  for (const [d, , stars, forks, watchers, issues] of r.stats) {
    const i = d - start;
    m.stars[i] = stars;
    m.forks[i] = forks;
    m.watchers[i] = watchers;
    m.openIssues[i] = issues;
  }
  const firstDay = firstCollectionDay(r);
  m.firstDay = Number.isFinite(firstDay) ? firstDay : start;
  // Downloads are known on collection days (a stats snapshot or a recorded count; 0
  // when nothing rose), as `gtt export` reports them; other days are gaps.
  for (const s of r.stats) m.downloads[s[0] - start] = 0;
  for (const [d, dl] of dailyDownloads(r.assets, firstDay)) {
    if (d >= start && d <= end) m.downloads[d - start] = (m.downloads[d - start] ?? 0) + dl;
  }
  for (let i = 0; i < n; i++) {
    const o = m.organicClones[i];
    if (o !== null) m.installs[i] = o + (m.downloads[i] ?? 0);
  }
  m.covered = r.days.length;
  m.hasCi = r.ci.length > 0;
  m.lastCollected = r.lastCollected;
  m.firstCollected = r.firstCollected;
  m.createdAt = r.createdAt;
  m.releases = releases(r.assets, firstDay);
  m.allTimeDownloads = m.releases.reduce((s, x) => s + x.total, 0);
  m.popular = r.popular;
  m.repos = [r.name];
  return m;
}

/** Releases with their assets' downloads: all-time totals (deleted assets included, as
 * gtt's badges count them) and the per-day rises, for range sums. */
export function releases(assets, firstDay) {
  const by = new Map();
  for (const a of assets) {
    let rel = by.get(a.release);
    if (!rel) {
      rel = { release: a.release, assets: 0, total: 0, first: Infinity, rises: [] };
      by.set(a.release, rel);
    }
    rel.assets++;
    let top = 0;
    for (const [, c] of a.counts) top = Math.max(top, c);
    rel.total += top;
    if (a.counts.length) rel.first = Math.min(rel.first, a.counts[0][0]);
    for (const [d, dl] of dailyDownloads([a], firstDay)) rel.rises.push([d, dl]);
  }
  const out = [...by.values()];
  for (const r of out) r.rises.sort((x, y) => x[0] - y[0]);
  out.sort((x, y) => y.total - x.total || (x.release < y.release ? -1 : 1));
  return out;
}

/** Sums several repositories' models into one ("All repositories"). Traffic is summed
 * over the repositories that observed a day (null when none did); counters such as
 * stars carry each repository's latest value forward, on days at least one of them was
 * observed. */
export function aggregate(models, name = 'All repositories') {
  const live = models.filter((m) => !m.empty);
  if (live.length === 0) {
    return { ...buildModel(readHistory({}, name)), name, repos: models.map((m) => m.name) };
  }
  const start = Math.min(...live.map((m) => m.start));
  const end = Math.max(...live.map((m) => m.end));
  const n = end - start + 1;
  const a = { name, start, end, n, empty: false, aggregate: true };
  for (const k of SERIES) a[k] = filled(n, null);
  const sumKeys = [
    'views',
    'viewsUniques',
    'clones',
    'clonesUniques',
    'ciCheckouts',
    'ciRuns',
    'ciUniques',
    'organicClones',
    'organicUniques',
    'downloads',
    'installs',
  ];
  const ciClones = filled(n, 0);
  for (const m of live) {
    const off = m.start - start;
    for (const k of sumKeys) {
      const src = m[k];
      const dst = a[k];
      for (let i = 0; i < m.n; i++) {
        const v = src[i];
        if (v !== null) dst[i + off] = (dst[i + off] ?? 0) + v;
      }
    }
    for (let i = 0; i < m.n; i++) if (m.ciCheckouts[i] !== null && m.clones[i] !== null) ciClones[i + off] += m.clones[i];
  }
  for (let i = 0; i < n; i++) {
    const ci = a.ciCheckouts[i];
    if (ci !== null && a.clones[i] !== null) a.ciShare[i] = ciClones[i] > 0 ? Math.min(ci, ciClones[i]) / ciClones[i] : 0;
  }
  for (const k of ['stars', 'forks', 'watchers', 'openIssues']) {
    const observed = filled(n, false);
    const carry = filled(n, 0);
    for (const m of live) {
      const off = m.start - start;
      let last = null;
      for (let i = 0; i < n - off; i++) {
        const v = i < m.n ? m[k][i] : null;
        if (v !== null) {
          last = v;
          observed[i + off] = true;
        }
        if (last !== null) carry[i + off] += last;
      }
    }
    for (let i = 0; i < n; i++) if (observed[i]) a[k][i] = carry[i];
  }
  a.firstDay = Math.min(...live.map((m) => m.firstDay));
  a.covered = Math.max(...live.map((m) => m.covered));
  a.hasCi = live.some((m) => m.hasCi);
  const lasts = live.map((m) => m.lastCollected).filter(Boolean).sort();
  a.lastCollected = lasts.length ? lasts[lasts.length - 1] : null;
  a.oldestLastCollected = lasts.length ? lasts[0] : null;
  const firsts = live.map((m) => m.firstCollected).filter(Boolean).sort();
  a.firstCollected = firsts.length ? firsts[0] : null;
  a.createdAt = null;
  a.releases = live
    .flatMap((m) => m.releases.map((r) => ({ ...r, release: `${m.name} ${r.release}` })))
    .sort((x, y) => y.total - x.total);
  a.allTimeDownloads = live.reduce((s, m) => s + m.allTimeDownloads, 0);
  a.popular = aggregatePopular(live);
  a.repos = models.map((m) => m.name);
  return a;
}

/** Snapshots of several repositories on the union of their snapshot days: each
 * repository contributes its latest snapshot still inside GitHub's 14-day window. */
function aggregatePopular(models) {
  const days = [...new Set(models.flatMap((m) => m.popular.map((p) => p.day)))].sort((x, y) => x - y);
  const cursors = models.map(() => -1);
  const out = [];
  for (const d of days) {
    const refs = new Map();
    const paths = new Map();
    models.forEach((m, j) => {
      while (cursors[j] + 1 < m.popular.length && m.popular[cursors[j] + 1].day <= d) cursors[j]++;
      const p = m.popular[cursors[j]];
      if (!p || d - p.day >= 14) return;
      for (const [r, c, u] of p.referrers) {
        const x = refs.get(r) || [r, 0, 0];
        x[1] += c;
        x[2] += u;
        refs.set(r, x);
      }
      for (const [path, title, c, u] of p.paths) {
        const x = paths.get(path) || [path, title, 0, 0];
        x[2] += c;
        x[3] += u;
        paths.set(path, x);
      }
    });
    out.push({
      day: d,
      referrers: [...refs.values()].sort((x, y) => y[1] - x[1]),
      paths: [...paths.values()].sort((x, y) => y[2] - x[2]),
    });
  }
  return out;
}

/** The day range a view shows: `days` days ending at `end` (inclusive), clipped to the
 * model's own axis only when the range is "all". */
export function rangeBounds(range, globalStart, globalEnd) {
  const span = { '30d': 30, '90d': 90, '1y': 365 }[range];
  if (!span) return [globalStart, globalEnd];
  return [globalEnd - span + 1, globalEnd];
}

/** A model's series `key` over days [a, b]: values outside its own axis are gaps. */
export function slice(m, key, a, b) {
  const src = m[key];
  const out = new Array(Math.max(0, b - a + 1));
  for (let d = a, i = 0; d <= b; d++, i++) {
    const j = d - m.start;
    out[i] = j >= 0 && j < m.n ? src[j] : null;
  }
  return out;
}

/** Sum of the non-gap values of a model's series over days [a, b]. */
export function sum(m, key, a, b) {
  const src = m[key];
  let s = 0;
  const i0 = Math.max(0, a - m.start);
  const i1 = Math.min(m.n - 1, b - m.start);
  for (let i = i0; i <= i1; i++) {
    const v = src[i];
    if (v !== null) s += v;
  }
  return s;
}

/** The last and first observed values of a series within [a, b] (counters). */
export function lastFirst(m, key, a, b) {
  const src = m[key];
  const i0 = Math.max(0, a - m.start);
  const i1 = Math.min(m.n - 1, b - m.start);
  let last = null;
  let first = null;
  for (let i = i1; i >= i0; i--) {
    if (src[i] !== null) {
      last = src[i];
      break;
    }
  }
  for (let i = i0; i <= i1; i++) {
    if (src[i] !== null) {
      first = src[i];
      break;
    }
  }
  return { last, first };
}

/** Runs of uncovered days within [a, b], limited to the model's own tracked span
 * (days before its first observed day are not gaps: nothing was tracked yet). */
export function gaps(m, a, b) {
  const out = [];
  if (m.empty) return out;
  const lo = Math.max(a, m.start);
  const hi = Math.min(b, m.end);
  let runStart = null;
  for (let d = lo; d <= hi; d++) {
    const gap = m.views[d - m.start] === null;
    if (gap && runStart === null) runStart = d;
    if (!gap && runStart !== null) {
      out.push([runStart, d - 1]);
      runStart = null;
    }
  }
  if (runStart !== null) out.push([runStart, hi]);
  return out;
}

/** Totals of a model over days [a, b], as the cards and the repositories table show. */
export function totals(m, a, b) {
  const t = {};
  for (const k of [
    'views',
    'viewsUniques',
    'clones',
    'clonesUniques',
    'organicClones',
    'organicUniques',
    'ciCheckouts',
    'downloads',
  ]) {
    t[k] = sum(m, k, a, b);
  }
  t.installs = t.downloads + t.organicClones;
  for (const k of ['stars', 'forks', 'watchers', 'openIssues']) {
    const lf = lastFirst(m, k, a, b);
    t[k] = lf.last;
    t[k + 'Change'] = lf.last !== null && lf.first !== null ? lf.last - lf.first : null;
  }
  const lo = Math.max(a, m.start);
  const hi = Math.min(b, m.end);
  let covered = 0;
  for (let d = lo; d <= hi; d++) if (m.views[d - m.start] !== null) covered++;
  t.coveredDays = covered;
  t.trackedDays = Math.max(0, hi - lo + 1);
  t.gapDays = t.trackedDays - covered;
  return t;
}

/** The latest snapshot on or before `b`, and the earliest within [a, b] to compare it
 * with; referrers and paths get their change in count since that one. */
export function popularTables(m, a, b) {
  const within = m.popular.filter((p) => p.day <= b);
  const latest = within.length ? within[within.length - 1] : null;
  if (!latest) return { latest: null, base: null, referrers: [], paths: [] };
  const inRange = within.filter((p) => p.day >= a);
  const base = inRange.length > 1 ? inRange[0] : null;
  const baseRefs = new Map(base ? base.referrers.map((r) => [r[0], r[1]]) : []);
  const basePaths = new Map(base ? base.paths.map((p) => [p[0], p[2]]) : []);
  const referrers = latest.referrers.map(([name, count, uniques]) => ({
    name,
    count,
    uniques,
    change: base ? (baseRefs.has(name) ? count - baseRefs.get(name) : null) : undefined,
  }));
  const paths = latest.paths.map(([path, title, count, uniques]) => ({
    path,
    title,
    count,
    uniques,
    change: base ? (basePaths.has(path) ? count - basePaths.get(path) : null) : undefined,
  }));
  return { latest, base, referrers, paths };
}

/** Counts of the top `k` referrers (by the latest snapshot) on each snapshot day within
 * [a, b]: x = snapshot days, one series per referrer, null where it was not in the
 * top 10 that day. `field` is "referrers" or "paths". */
export function popularSeries(m, a, b, field = 'referrers', k = 5) {
  const snaps = m.popular.filter((p) => p.day >= a && p.day <= b);
  if (!snaps.length) return { days: [], names: [], values: [] };
  const latest = snaps[snaps.length - 1];
  const countAt = field === 'referrers' ? 1 : 2;
  const names = latest[field].slice(0, k).map((r) => r[0]);
  const values = names.map((name) =>
    snaps.map((s) => {
      const row = s[field].find((r) => r[0] === name);
      return row ? row[countAt] : null;
    }),
  );
  return { days: snaps.map((s) => s.day), names, values };
}

/** Downloads per release within [a, b] plus all-time totals. */
export function releaseRows(m, a, b) {
  return m.releases.map((r) => {
    let inRange = 0;
    for (const [d, dl] of r.rises) if (d >= a && d <= b) inRange += dl;
    return { release: r.release, assets: r.assets, total: r.total, inRange, first: r.first };
  });
}

/** The `updated` of gtt.json as a day, for freshness. */
export function indexDay(index) {
  return index && typeof index.updated === 'string' ? tsDay(index.updated) : NaN;
}

