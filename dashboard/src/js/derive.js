// Everything the dashboard shows, derived from gtt's stored files with the formulas gtt
// itself uses (src/history.rs). Pure: no DOM, no clock. A repository's per-day series
// are built once, on first use, over one continuous day axis; a day that gtt never
// observed is `null` (a gap), never 0.

import { dayNum, tsDay } from './dates.js';

/** CI's share of one day's clones, by ghtraf's formulas (github.com/djdarcy/github-traffic-tracker) as gtt applies them:
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

// Every repository's file repeats the same day strings: each is turned into a number once.
const dayCache = new Map();
function dayKey(s) {
  let d = dayCache.get(s);
  if (d === undefined) {
    d = dayNum(s);
    if (dayCache.size < 100000) dayCache.set(s, d);
  }
  return d;
}

/** Takes a history file's parsed JSON as it is (sections stay the parsed objects, read
 * once by buildModel); tolerant of missing sections (older files). */
export function readHistory(h, fallbackName = '') {
  const src = objectOf(h);
  return {
    name: typeof src.repo === 'string' && src.repo ? src.repo : fallbackName,
    schema: num(src.schema),
    writtenBy: typeof src.written_by === 'string' ? src.written_by : '',
    createdAt: typeof src.created_at === 'string' ? src.created_at : null,
    firstCollected: typeof src.first_collected === 'string' ? src.first_collected : null,
    lastCollected: typeof src.last_collected === 'string' ? src.last_collected : null,
    days: objectOf(src.days),
    stats: objectOf(src.stats),
    ci: objectOf(src.ci),
    // Day -> bits of figures no source observed (1 views, 2 unique visitors, 4 clones,
    // 8 unique cloners): drawn as gaps, like days never collected.
    unknown: objectOf(src.unknown),
    assets: objectOf(src.assets),
    popular: objectOf(src.popular),
    // Days only ever seen in progress (the collection day): their counts are a lower
    // bound. Anything that is not a day string is ignored.
    partial: Array.isArray(src.partial) ? src.partial.filter((d) => typeof d === 'string') : [],
    // Days whose CI checkouts were estimated from step names (workflow definitions
    // unreadable), not read from the definitions. Non-day entries are ignored.
    ciEstimated: Array.isArray(src.ci_estimated) ? src.ci_estimated.filter((d) => typeof d === 'string') : [],
    // Stars and forks rebuilt from GitHub's listings (`gtt backfill --from stargazers`):
    // day -> count, kept apart from `stats`.
    reconstructed: {
      stars: objectOf(objectOf(src.reconstructed).stars),
      forks: objectOf(objectOf(src.reconstructed).forks),
    },
  };
}


/** Every per-day series a repository model carries, in a stable order. Each is a
 * Float64Array over the model's days, NaN where nothing was observed. */
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

/** Series read at collection time (repository counters, release downloads): a
 * partial day's value is as final as any other. */
const READ_AT_COLLECTION = new Set(['downloads', 'stars', 'forks', 'watchers', 'openIssues']);

/** The series whose value on a partial day is a lower bound: traffic and what is
 * derived from it. */
export const PARTIAL_SERIES = new Set(SERIES.filter((k) => !READ_AT_COLLECTION.has(k)));

const NOT_SUMMED = new Set(['ciShare', 'stars', 'forks', 'watchers', 'openIssues']);

function gapsArray(n) {
  return new Float64Array(n).fill(NaN);
}

/** Daily downloads per asset rise: the cumulative count as of a day is the highest
 * count recorded on or before it; a day's downloads are the sum of each asset's rise
 * since the day before. An asset's first count contributes 0 when it was recorded on
 * the first collection day (downloads from before tracking), else all of it.
 * `assets`: [{counts: [[day, count], ...] ascending}]. Returns [day, downloads] pairs
 * for days with a record, ascending. */
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

/** An asset's counts as ascending [day, count] pairs. */
function assetCounts(a) {
  const c = objectOf(a && a.counts);
  const keys = Object.keys(c);
  const counts = new Array(keys.length);
  let sorted = true;
  let n = 0;
  for (let j = 0; j < keys.length; j++) {
    const d = dayKey(keys[j]);
    if (d !== d) continue;
    if (n && counts[n - 1][0] > d) sorted = false;
    counts[n++] = [d, num(c[keys[j]])];
  }
  counts.length = n;
  if (!sorted) counts.sort((x, y) => x[0] - y[0]);
  return counts;
}

/** The day numbers of a section's keys whose values are arrays or objects (NaN for the
 * others), and the lowest and highest. gtt writes keys in order, so this is one pass. */
function sectionDays(obj) {
  const keys = Object.keys(obj);
  const days = new Float64Array(keys.length);
  let lo = Infinity;
  let hi = -Infinity;
  for (let j = 0; j < keys.length; j++) {
    const v = obj[keys[j]];
    const d = v && typeof v === 'object' ? dayKey(keys[j]) : NaN;
    days[j] = d;
    if (d < lo) lo = d;
    if (d > hi) hi = d;
  }
  return { keys, days, lo, hi };
}

/** Builds a repository's model: one day axis from its first to its last recorded day
 * and every series over it (NaN: no observation). One pass over each section. */
export function buildModel(r) {
  const sDays = sectionDays(r.days);
  const sStats = sectionDays(r.stats);
  const sCi = sectionDays(r.ci);
  const sPop = sectionDays(r.popular);
  let start = Math.min(sDays.lo, sStats.lo, sCi.lo, sPop.lo);
  let end = Math.max(sDays.hi, sStats.hi, sCi.hi, sPop.hi);
  const assets = [];
  for (const id in r.assets) {
    const a = r.assets[id];
    const counts = assetCounts(a);
    if (counts.length) {
      if (counts[0][0] < start) start = counts[0][0];
      if (counts[counts.length - 1][0] > end) end = counts[counts.length - 1][0];
    }
    assets.push({
      id,
      release: typeof a?.release === 'string' ? a.release : '',
      name: typeof a?.name === 'string' ? a.name : '',
      published: tsDay(a?.published),
      counts,
    });
  }
  const empty = !Number.isFinite(start);
  if (empty) {
    start = 0;
    end = -1;
  }
  const n = end - start + 1;
  const m = { name: r.name, start, end, n, empty, source: r };
  for (const k of SERIES) m[k] = gapsArray(n);
  const { views, viewsUniques, clones, clonesUniques, ciCheckouts, ciRuns, ciUniques, organicClones, organicUniques } = m;
  let hasCi = false;
  for (let j = 0; j < sCi.keys.length; j++) {
    const d = sCi.days[j];
    const v = r.ci[sCi.keys[j]];
    if (d !== d || !Array.isArray(v)) continue;
    ciCheckouts[d - start] = num(v[0]);
    ciRuns[d - start] = num(v[1]);
    hasCi = true;
  }
  let covered = 0;
  const ciShare = m.ciShare;
  for (let j = 0; j < sDays.keys.length; j++) {
    const d = sDays.days[j];
    const v = r.days[sDays.keys[j]];
    if (d !== d || !Array.isArray(v)) continue;
    const i = d - start;
    const c = num(v[2]);
    const cu = num(v[3]);
    views[i] = num(v[0]);
    viewsUniques[i] = num(v[1]);
    clones[i] = c;
    clonesUniques[i] = cu;
    covered++;
    const co = ciCheckouts[i];
    if (co === co) {
      // organicDay(), inlined: this loop runs for every day of every repository.
      const rate = c > 0 ? Math.min(1, co / c) : 0;
      const ciu = Math.min(Math.round(cu * rate), ciRuns[i]);
      organicClones[i] = Math.max(0, c - co);
      organicUniques[i] = Math.max(0, cu - ciu);
      ciUniques[i] = ciu;
      ciShare[i] = c > 0 ? co / c : 0;
    } else {
      organicClones[i] = c;
      organicUniques[i] = cu;
    }
    const u = num(r.unknown[sDays.keys[j]]);
    if (u > 0) {
      if (u & 1) views[i] = NaN;
      if (u & 2) viewsUniques[i] = NaN;
      if (u & 4) clones[i] = organicClones[i] = ciShare[i] = NaN;
      if (u & 8) clonesUniques[i] = organicUniques[i] = ciUniques[i] = NaN;
    }
  }
  let firstStats = Infinity;
  const { stars, forks, watchers, openIssues, downloads, installs } = m;
  for (let j = 0; j < sStats.keys.length; j++) {
    const d = sStats.days[j];
    const v = r.stats[sStats.keys[j]];
    if (d !== d || !Array.isArray(v)) continue;
    const i = d - start;
    stars[i] = num(v[1]);
    forks[i] = num(v[2]);
    watchers[i] = num(v[3]);
    openIssues[i] = num(v[4]);
    // Downloads are known on collection days (0 when nothing rose), as `gtt export`
    // reports them; other days are gaps.
    downloads[i] = 0;
    if (d < firstStats) firstStats = d;
  }
  // The first collection day: `first_collected`, else the first stats day. Asset counts
  // first recorded that day predate tracking and count for no day.
  const fc = r.firstCollected ? tsDay(r.firstCollected) : NaN;
  const firstDay = Number.isFinite(fc) ? fc : Number.isFinite(firstStats) ? firstStats : NaN;
  let allTime = 0;
  for (const a of assets) {
    let prev = -1;
    for (const [d, c] of a.counts) {
      const rise = prev < 0 ? (d === firstDay ? 0 : c) : Math.max(0, c - prev);
      prev = Math.max(prev, c);
      const i = d - start;
      const cur = downloads[i];
      downloads[i] = (cur === cur ? cur : 0) + rise;
    }
    if (prev > 0) allTime += prev;
  }
  for (let i = 0; i < n; i++) {
    const o = organicClones[i];
    if (o === o) {
      const dl = downloads[i];
      installs[i] = o + (dl === dl ? dl : 0);
    }
  }
  // Partial days: covered days only ever seen in progress (1), else 0.
  const partial = new Uint8Array(n);
  let partialDays = 0;
  for (const k of r.partial || []) {
    const d = dayKey(k);
    const i = d - start;
    if (d !== d || i < 0 || i >= n || views[i] !== views[i] && clones[i] !== clones[i]) continue;
    if (!partial[i]) partialDays++;
    partial[i] = 1;
  }
  m.partial = partial;
  m.partialDays = partialDays;
  // CI estimated days: days with CI counted whose checkouts came from step names.
  const est = new Uint8Array(n);
  for (const k of r.ciEstimated || []) {
    const d = dayKey(k);
    const i = d - start;
    if (d !== d || i < 0 || i >= n || ciCheckouts[i] !== ciCheckouts[i]) continue;
    est[i] = 1;
  }
  m.ciEstimated = est;
  m.firstDay = Number.isFinite(firstDay) ? firstDay : start;
  m.covered = covered;
  m.hasCi = hasCi;
  m.lastCollected = r.lastCollected;
  m.firstCollected = r.firstCollected;
  m.createdAt = r.createdAt;
  m.allTimeDownloads = allTime;
  m.repos = [r.name];
  let rel = null;
  let pop = null;
  Object.defineProperty(m, 'releases', { get: () => rel || (rel = releases(assets, firstDay)), enumerable: true });
  Object.defineProperty(m, 'popular', { get: () => pop || (pop = readPopular(r.popular)), enumerable: true });
  return m;
}

/** A reconstruction's day -> count map as ascending [day, count] pairs; entries that
 * are not a day and a non-negative count are left out (never read as 0). */
function reconPairs(obj) {
  const out = [];
  for (const k in obj) {
    const d = dayKey(k);
    const v = obj[k];
    if (d === d && typeof v === 'number' && Number.isFinite(v) && v >= 0) out.push([d, v]);
  }
  return out.sort((x, y) => x[0] - y[0]);
}

/**
 * Stars and forks from day one: the repository's counters on an axis of their own, from
 * the first reconstructed or collected day to the last, so the model's axis (and its
 * gaps: traffic before tracking is no gap) stays as it is. `stars`, `forks`, `watchers`
 * and `openIssues` are as collected; `starsRecon` and `forksRecon` are the
 * reconstruction on days without a collected snapshot, as gtt reads them
 * (History::counters_on: a collected snapshot wins). A reconstruction sees only current
 * stargazers and forks: unstars and deleted forks cannot be seen, each count is a lower
 * bound. Kept on the model once made.
 */
export function counterModel(m) {
  if (m.counters) return m.counters;
  const rec = m.source && m.source.reconstructed;
  const rs = reconPairs(rec ? rec.stars : {});
  const rf = reconPairs(rec ? rec.forks : {});
  let start = m.empty ? Infinity : m.start;
  let end = m.empty ? -Infinity : m.end;
  for (const p of [rs, rf]) {
    if (!p.length) continue;
    start = Math.min(start, p[0][0]);
    end = Math.max(end, p[p.length - 1][0]);
  }
  const c = { name: m.name, empty: !Number.isFinite(start), partial: null, ciEstimated: null, hasRecon: rs.length + rf.length > 0 };
  c.start = c.empty ? 0 : start;
  c.end = c.empty ? -1 : end;
  c.n = c.end - c.start + 1;
  c.firstDay = c.start;
  const off = m.start - c.start;
  for (const k of ['stars', 'forks', 'watchers', 'openIssues']) {
    c[k] = gapsArray(c.n);
    if (!m.empty) c[k].set(m[k], off);
  }
  for (const [k, pairs, own] of [['starsRecon', rs, c.stars], ['forksRecon', rf, c.forks]]) {
    c[k] = gapsArray(c.n);
    for (const [d, v] of pairs) if (own[d - c.start] !== own[d - c.start]) c[k][d - c.start] = v;
  }
  Object.defineProperty(m, 'counters', { value: c });
  return c;
}

/** Referrer/path snapshots, ascending by day. */
function readPopular(obj) {
  const popular = [];
  for (const k in obj) {
    const d = dayKey(k);
    if (d !== d) continue;
    const p = objectOf(obj[k]);
    const referrers = (Array.isArray(p.referrers) ? p.referrers : [])
      .filter(Array.isArray)
      .map((x) => [String(x[0] ?? ''), num(x[1]), num(x[2])]);
    const paths = (Array.isArray(p.paths) ? p.paths : [])
      .filter(Array.isArray)
      .map((x) => [String(x[0] ?? ''), String(x[1] ?? ''), num(x[2]), num(x[3])]);
    popular.push({ day: d, referrers, paths });
  }
  popular.sort((x, y) => x.day - y.day);
  return popular;
}

/** Releases with their assets' downloads: all-time totals (deleted assets included, as
 * gtt's badges count them) and the per-day rises, for range sums. */
export function releases(assets, firstDay) {
  const by = new Map();
  for (const a of assets) {
    let rel = by.get(a.release);
    if (!rel) {
      rel = { release: a.release, assets: 0, total: 0, first: Infinity, published: NaN, rises: [] };
      by.set(a.release, rel);
    }
    rel.assets++;
    let top = 0;
    for (const [, c] of a.counts) top = Math.max(top, c);
    rel.total += top;
    if (a.counts.length) rel.first = Math.min(rel.first, a.counts[0][0]);
    // The release's publish day as GitHub gave it (NaN for a draft or an older history).
    if (Number.isFinite(a.published) && !(a.published >= rel.published)) rel.published = a.published;
    for (const [d, dl] of dailyDownloads([a], firstDay)) rel.rises.push([d, dl]);
  }
  const out = [...by.values()];
  for (const r of out) r.rises.sort((x, y) => x[0] - y[0]);
  out.sort((x, y) => y.total - x.total || (x.release < y.release ? -1 : 1));
  return out;
}

/** Sums several repositories' models into one ("All repositories"). Traffic is summed
 * over the repositories that observed a day (a gap when none did); counters such as
 * stars carry each repository's latest value forward, on days at least one of them was
 * observed. */
export function aggregate(models, name = 'All repositories') {
  const live = models.filter((m) => !m.empty);
  if (live.length === 0) {
    const e = buildModel(readHistory({}, name));
    e.repos = models.map((m) => m.name);
    return e;
  }
  const start = Math.min(...live.map((m) => m.start));
  const end = Math.max(...live.map((m) => m.end));
  const n = end - start + 1;
  const a = { name, start, end, n, empty: false, aggregate: true };
  for (const k of SERIES) a[k] = gapsArray(n);
  // Traffic, CI and downloads add up across repositories; the CI share is recomputed
  // below and the counters (stars, ...) are carried, not summed.
  const sumKeys = SERIES.filter((k) => !NOT_SUMMED.has(k));
  const ciClones = new Float64Array(n);
  // A sum is a lower bound on a day any of its repositories saw only in progress.
  a.partial = new Uint8Array(n);
  // A sum is estimated on a day any of its repositories' CI was estimated.
  a.ciEstimated = new Uint8Array(n);
  for (const m of live) {
    const off = m.start - start;
    if (m.partial) for (let i = 0; i < m.n; i++) if (m.partial[i]) a.partial[i + off] = 1;
    if (m.ciEstimated) for (let i = 0; i < m.n; i++) if (m.ciEstimated[i]) a.ciEstimated[i + off] = 1;
    for (const k of sumKeys) addInto(a[k], m[k], off, m.n);
    const ci = m.ciCheckouts;
    const cl = m.clones;
    for (let i = 0; i < m.n; i++) if (ci[i] === ci[i] && cl[i] === cl[i]) ciClones[i + off] += cl[i];
  }
  for (let i = 0; i < n; i++) {
    const ci = a.ciCheckouts[i];
    if (ci === ci && a.clones[i] === a.clones[i]) a.ciShare[i] = ciClones[i] > 0 ? Math.min(ci, ciClones[i]) / ciClones[i] : 0;
  }
  for (const k of ['stars', 'forks', 'watchers', 'openIssues']) {
    const observed = new Uint8Array(n);
    const carry = new Float64Array(n);
    for (const m of live) carryInto(carry, observed, m[k], m.start - start, m.n, n);
    const dst = a[k];
    for (let i = 0; i < n; i++) if (observed[i]) dst[i] = carry[i];
  }
  a.partialDays = a.partial.reduce((s, v) => s + v, 0);
  a.firstDay = Math.min(...live.map((m) => m.firstDay));
  a.covered = Math.max(...live.map((m) => m.covered));
  a.hasCi = live.some((m) => m.hasCi);
  const lasts = live.map((m) => m.lastCollected).filter(Boolean).sort();
  a.lastCollected = lasts.length ? lasts[lasts.length - 1] : null;
  a.oldestLastCollected = lasts.length ? lasts[0] : null;
  const firsts = live.map((m) => m.firstCollected).filter(Boolean).sort();
  a.firstCollected = firsts.length ? firsts[0] : null;
  a.createdAt = null;
  a.allTimeDownloads = live.reduce((s, m) => s + m.allTimeDownloads, 0);
  a.repos = models.map((m) => m.name);
  let rel = null;
  let pop = null;
  Object.defineProperty(a, 'releases', {
    get: () =>
      rel ||
      (rel = live
        .flatMap((m) => m.releases.map((r) => ({ ...r, release: `${m.name} ${r.release}` })))
        .sort((x, y) => y.total - x.total)),
    enumerable: true,
  });
  Object.defineProperty(a, 'popular', { get: () => pop || (pop = aggregatePopular(live)), enumerable: true });
  return a;
}

/** dst[i + off] += src[i] where src has a value (a gap plus a value is the value).
 * A small function of its own, so the engine optimises it after a few calls. */
function addInto(dst, src, off, n) {
  for (let i = 0; i < n; i++) {
    const v = src[i];
    if (v === v) {
      const cur = dst[i + off];
      dst[i + off] = cur === cur ? cur + v : v;
    }
  }
}

/** Adds a counter's latest value as of each day (carried forward) into `carry`, and
 * marks the days it was observed. */
function carryInto(carry, observed, src, off, m, n) {
  let last = NaN;
  for (let i = 0; i < n - off; i++) {
    const v = i < m ? src[i] : NaN;
    if (v === v) {
      last = v;
      observed[i + off] = 1;
    }
    if (last === last) carry[i + off] += last;
  }
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
    const v = j >= 0 && j < m.n ? src[j] : NaN;
    out[i] = v === v ? v : null;
  }
  return out;
}

/** Whether each day of [a, b] is partial (only seen in progress) in a model. */
export function partialSlice(m, a, b) {
  const out = new Array(Math.max(0, b - a + 1)).fill(false);
  if (!m.partial) return out;
  for (let d = Math.max(a, m.start), i = d - a; d <= Math.min(b, m.end); d++, i++) out[i] = m.partial[d - m.start] === 1;
  return out;
}

/** Whether each day of [a, b] had its CI checkouts estimated from step names. */
export function estimatedSlice(m, a, b) {
  const out = new Array(Math.max(0, b - a + 1)).fill(false);
  if (!m.ciEstimated) return out;
  for (let d = Math.max(a, m.start), i = d - a; d <= Math.min(b, m.end); d++, i++) out[i] = m.ciEstimated[d - m.start] === 1;
  return out;
}

/** The series whose value on a CI-estimated day rests on the estimate. */
export const ESTIMATED_SERIES = new Set(['ciCheckouts', 'ciUniques', 'ciShare']);

/** The daily average of a series over the complete days of [a, b] (covered, not
 * partial), and the same over the period of equal length just before: a trend never
 * counts a day that was still running, nor a gap as a zero. `change` is the relative
 * change of the average (null when either period has no complete day or the previous
 * average is 0). */
export function periodChange(m, key, a, b) {
  const avg = (lo, hi) => {
    let s = 0;
    let k = 0;
    const src = m[key];
    for (let d = Math.max(lo, m.start); d <= Math.min(hi, m.end); d++) {
      const i = d - m.start;
      const v = src[i];
      if (v === v && !(m.partial && m.partial[i])) {
        s += v;
        k++;
      }
    }
    return { avg: k ? s / k : null, days: k };
  };
  const len = b - a + 1;
  const cur = avg(a, b);
  const prev = avg(a - len, a - 1);
  const change = cur.avg !== null && prev.avg !== null && prev.avg > 0 ? (cur.avg - prev.avg) / prev.avg : null;
  return { avg: cur.avg, days: cur.days, prevAvg: prev.avg, prevDays: prev.days, change, len };
}

/** Sum of the non-gap values of a model's series over days [a, b]. */
export function sum(m, key, a, b) {
  const src = m[key];
  let s = 0;
  const i0 = Math.max(0, a - m.start);
  const i1 = Math.min(m.n - 1, b - m.start);
  for (let i = i0; i <= i1; i++) {
    const v = src[i];
    if (v === v) s += v;
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
    if (src[i] === src[i]) {
      last = src[i];
      break;
    }
  }
  for (let i = i0; i <= i1; i++) {
    if (src[i] === src[i]) {
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
    const gap = Number.isNaN(m.views[d - m.start]);
    if (gap && runStart === null) runStart = d;
    if (!gap && runStart !== null) {
      out.push([runStart, d - 1]);
      runStart = null;
    }
  }
  if (runStart !== null) out.push([runStart, hi]);
  return out;
}

/** Totals of a model over days [a, b], as the cards and the repositories table show.
 * Kept per model and range: switching back costs nothing. */
export function totals(m, a, b) {
  const key = `${a}:${b}`;
  if (!m.totalsCache) Object.defineProperty(m, 'totalsCache', { value: new Map() });
  const hit = m.totalsCache.get(key);
  if (hit) return hit;
  const t = computeTotals(m, a, b);
  m.totalsCache.set(key, t);
  return t;
}

function computeTotals(m, a, b) {
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
  for (let d = lo; d <= hi; d++) if (!Number.isNaN(m.views[d - m.start])) covered++;
  t.coveredDays = covered;
  t.trackedDays = Math.max(0, hi - lo + 1);
  t.gapDays = t.trackedDays - covered;
  let partial = 0;
  if (m.partial) for (let d = lo; d <= hi; d++) partial += m.partial[d - m.start];
  t.partialDays = partial;
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

/** GitHub's referrer and path counts are totals over the 14 days ending on the day
 * they were read (https://docs.github.com/en/rest/metrics/traffic): a snapshot. */
export const WINDOW_DAYS = 14;

/**
 * Referrer (`field` "referrers") or path ("paths") trends over [a, b]: the snapshot days
 * in range, and every entry seen in one of them with its total over the range. Snapshot
 * windows overlap (a daily collection reads 14 days each day), so summing every
 * snapshot would count each view up to 14 times: the total adds only snapshots whose
 * windows lie inside the range and do not overlap, taken from the latest back. Those
 * windows cover `covered` of the range's days; an entry out of a snapshot's top 10
 * counts nothing there, so a total is a lower bound. `values(name)`: the entry's
 * 14-day count on each snapshot day, null when it was not in that day's top 10.
 */
export function popularTrend(m, a, b, field = 'referrers') {
  const snaps = m.popular.filter((p) => p.day >= a && p.day <= b);
  const at = field === 'referrers' ? 1 : 2;
  const windows = [];
  let before = Infinity;
  for (let i = snaps.length - 1; i >= 0; i--) {
    const d = snaps[i].day;
    if (d - WINDOW_DAYS + 1 >= a && d < before) {
      windows.push(snaps[i]);
      before = d - WINDOW_DAYS + 1;
    }
  }
  const entries = new Map();
  for (const s of snaps) {
    for (const row of s[field]) {
      let e = entries.get(row[0]);
      if (!e) entries.set(row[0], (e = { name: row[0], title: field === 'paths' ? row[1] : '', total: 0, uniques: 0, seen: 0, latest: null }));
      e.seen++;
      e.latest = row[at];
      if (field === 'paths') e.title = row[1];
    }
  }
  for (const s of windows) {
    for (const row of s[field]) {
      const e = entries.get(row[0]);
      e.total += row[at];
      e.uniques += row[at + 1];
    }
  }
  // Without a window inside the range there is no total: unknown, not 0.
  if (!windows.length) for (const e of entries.values()) e.total = e.uniques = null;
  const list = [...entries.values()].sort((x, y) => (y.total ?? 0) - (x.total ?? 0) || y.seen - x.seen || (x.name < y.name ? -1 : 1));
  const values = (name) =>
    snaps.map((s) => {
      const row = s[field].find((r) => r[0] === name);
      return row ? row[at] : null;
    });
  return { days: snaps.map((s) => s.day), entries: list, windows: windows.map((s) => s.day).reverse(), covered: windows.length * WINDOW_DAYS, values };
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


/** The series kept as the latest value of a bucket rather than summed over it. */
export const LAST_SERIES = new Set(['stars', 'forks', 'watchers', 'openIssues', 'starsRecon', 'forksRecon']);

/**
 * Groups the days [a, b] of a model into buckets (see bucketStart: 'week' starts on
 * Monday, UTC; 'month' is the UTC calendar month). `a` should be a bucket's first day.
 * Returns { starts (each bucket's first day), values: key -> per bucket (null when no
 * day of it was observed), incomplete (per bucket: some day of it was partial or not
 * collected, so its sums are a lower bound), estimated (some day's CI was estimated) }.
 * Counters (LAST_SERIES) take their latest value in the bucket; the CI share is the
 * bucket's CI checkouts over its clones on days with CI counted; the rest are sums.
 */
export function bucketSeries(m, keys, a, b, by, startOf) {
  const starts = [];
  const index = [];
  for (let d = a; d <= b; d++) {
    const s = startOf(d, by);
    if (!starts.length || starts[starts.length - 1] !== s) starts.push(s);
    index.push(starts.length - 1);
  }
  const nb = starts.length;
  const at = (key, d) => {
    const j = d - m.start;
    const v = j >= 0 && j < m.n ? m[key][j] : NaN;
    return v === v ? v : null;
  };
  const values = {};
  for (const key of keys) {
    const out = new Array(nb).fill(null);
    if (key === 'ciShare') {
      const num = new Array(nb).fill(0);
      const den = new Array(nb).fill(0);
      const seen = new Array(nb).fill(false);
      for (let d = a; d <= b; d++) {
        const ci = at('ciCheckouts', d);
        const cl = at('clones', d);
        if (ci === null || cl === null) continue;
        const k = index[d - a];
        num[k] += ci;
        den[k] += cl;
        seen[k] = true;
      }
      for (let k = 0; k < nb; k++) if (seen[k]) out[k] = den[k] > 0 ? Math.min(1, num[k] / den[k]) : 0;
    } else {
      const last = LAST_SERIES.has(key);
      for (let d = a; d <= b; d++) {
        const v = at(key, d);
        if (v === null) continue;
        const k = index[d - a];
        out[k] = last ? v : (out[k] ?? 0) + v;
      }
    }
    values[key] = out;
  }
  const incomplete = new Array(nb).fill(false);
  const estimated = new Array(nb).fill(false);
  const tracked0 = m.empty ? Infinity : Math.max(m.start, m.firstDay ?? m.start);
  for (let d = a; d <= b; d++) {
    const k = index[d - a];
    const j = d - m.start;
    const inside = j >= 0 && j < m.n;
    // Counters alone (counterModel) have no traffic to be incomplete.
    if (m.views && d >= tracked0 && d <= m.end && (!inside || (m.views[j] !== m.views[j] && m.clones[j] !== m.clones[j]))) incomplete[k] = true;
    if (inside && m.partial && m.partial[j]) incomplete[k] = true;
    if (inside && m.ciEstimated && m.ciEstimated[j]) estimated[k] = true;
  }
  return { starts, values, incomplete, estimated };
}

/** A trailing 7-day average of `key` for each day of [a, b]: the mean over the complete
 * days (observed, not partial) among the day and the 6 before it; null on a day not
 * collected (no line across a gap) or when there is none. Gaps and partial days never
 * count, neither as zeros nor as lower bounds. */
export function average7(m, key, a, b) {
  const out = new Array(Math.max(0, b - a + 1)).fill(null);
  const src = m[key];
  for (let d = a; d <= b; d++) {
    const jd = d - m.start;
    if (jd < 0 || jd >= m.n || src[jd] !== src[jd]) continue;
    let s = 0;
    let k = 0;
    for (let e = d - 6; e <= d; e++) {
      const j = e - m.start;
      if (j < 0 || j >= m.n) continue;
      const v = src[j];
      if (v === v && !(m.partial && m.partial[j])) {
        s += v;
        k++;
      }
    }
    if (k) out[d - a] = s / k;
  }
  return out;
}
