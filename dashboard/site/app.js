// gtt dashboard: built by build.mjs from src/js/ (do not edit)
(() => {
'use strict';
// js/format.js
const __m_js_format_js = (() => {
// Number and time formatting for labels. Pure apart from Intl.

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const pctFmt = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });

/** The most characters shown of a string from the data (a referrer, a path, a title, a
 * release tag): a longer one is cut for display, whole in its tooltip and in every CSV,
 * so a 50,000-character referrer costs no more to lay out than a short one. */
const SHOW_MAX = 200;

/** `s` as text, cut to `max` characters plus "…" when longer (never inside a surrogate
 * pair); shorter strings unchanged. */
function shorten(s, max = SHOW_MAX) {
  const t = String(s ?? '');
  if (t.length <= max) return t;
  let cut = max;
  const c = t.charCodeAt(cut - 1);
  if (c >= 0xd800 && c <= 0xdbff) cut--;
  return t.slice(0, cut) + '…';
}

/** 12345 -> "12,345"; null -> "–". */
function int(n) {
  return n === null || n === undefined || !Number.isFinite(n) ? '–' : intFmt.format(n);
}

/** A change with its sign: +12, −3, 0. */
function signed(n) {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  if (n > 0) return '+' + intFmt.format(n);
  if (n < 0) return '−' + intFmt.format(-n);
  return '0';
}

function pct(x) {
  return x === null || x === undefined || !Number.isFinite(x) ? '–' : pctFmt.format(x);
}

/** Compact figure for axes: 1.2k, 3.4M. */
function compact(n) {
  const a = Math.abs(n);
  if (a >= 1e9) return +(n / 1e9).toFixed(1) + 'G';
  if (a >= 1e6) return +(n / 1e6).toFixed(1) + 'M';
  if (a >= 1e4) return +(n / 1e3).toFixed(0) + 'k';
  if (a >= 1e3) return +(n / 1e3).toFixed(1) + 'k';
  return String(+n.toFixed(2));
}

/** "2026-11-01 12:00 UTC" from an RFC 3339 timestamp; "unknown" when absent. */
function utc(ts) {
  const ms = Date.parse(ts);
  if (!Number.isFinite(ms)) return 'unknown';
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

/** "3 hours ago", "2 days ago", relative to `now` (ms). */
function ago(ts, now) {
  const ms = Date.parse(ts);
  if (!Number.isFinite(ms)) return '';
  const s = Math.round((now - ms) / 1000);
  if (s < 0) return 'in the future';
  if (s < 90) return 'just now';
  const m = Math.round(s / 60);
  if (m < 90) return `${m} minutes ago`;
  const h = Math.round(m / 60);
  if (h < 36) return `${h} hours ago`;
  const d = Math.round(h / 24);
  return d === 1 ? '1 day ago' : `${d} days ago`;
}

/** Age in whole days of a timestamp, relative to `now` (ms); NaN when unknown. */
function ageDays(ts, now) {
  const ms = Date.parse(ts);
  return Number.isFinite(ms) ? (now - ms) / 86400000 : NaN;
}

return { SHOW_MAX, shorten, int, signed, pct, compact, utc, ago, ageDays };
})();

// js/dom.js
const __m_js_dom_js = (() => {
// The only way the dashboard builds DOM: elements with a fixed set of safe properties,
// and every string inserted as a text node. No innerHTML, no inline handlers, no style
// attributes; links only to https://github.com. Strings from the data are shown cut to
// SHOW_MAX characters (`clipped`, `githubLink`), whole in a tooltip.

const { shorten } = __m_js_format_js;

const ALLOWED = new Set([
  'class',
  'id',
  'role',
  'tabindex',
  'type',
  'for',
  'name',
  'value',
  'title',
  'scope',
  'colspan',
  'hidden',
  'disabled',
  'checked',
  'selected',
  'lang',
  'download',
]);

/** `el('p', {class: 'x', 'aria-label': 'y'}, 'text', child)`. */
function el(tag, props, ...children) {
  const e = document.createElement(tag);
  if (props) {
    for (const [k, v] of Object.entries(props)) {
      if (v === null || v === undefined || v === false) continue;
      if (k === 'href') throw new Error('use githubLink for links');
      if (!(ALLOWED.has(k) || k.startsWith('aria-') || k.startsWith('data-'))) {
        throw new Error(`attribute not allowed: ${k}`);
      }
      if (k === 'checked' || k === 'selected' || k === 'disabled' || k === 'hidden') e[k] = Boolean(v);
      else if (k === 'value') e.value = String(v);
      else e.setAttribute(k, v === true ? '' : String(v));
    }
  }
  append(e, children);
  return e;
}

/** Appends strings (as text nodes), nodes and arrays of them; skips null. */
function append(parent, children) {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(parent, c);
    else if (c instanceof Node) parent.appendChild(c);
    else parent.appendChild(document.createTextNode(String(c)));
  }
  return parent;
}

/** `text` as a text node; when longer than SHOW_MAX, a span showing it cut, with the
 * whole text as its tooltip (a `title` attribute: still text, never markup). */
function clipped(text) {
  const full = String(text ?? '');
  const shown = shorten(full);
  if (shown === full) return document.createTextNode(full);
  return el('span', { class: 'clipped', title: full }, shown);
}

function clear(node) {
  while (node.firstChild) node.removeChild(node.firstChild);
}

const REPO = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})\/[A-Za-z0-9._-]{1,100}$/;

/** True for a plausible `owner/name`. */
function isRepoName(s) {
  return typeof s === 'string' && REPO.test(s) && !s.endsWith('/.') && !s.endsWith('/..');
}

/** The https://github.com URL of a path such as `/octo/hello/blob/main/README.md`, or
 * null when the path is not plainly a path on github.com. */
function githubUrl(path) {
  if (typeof path !== 'string' || !path.startsWith('/') || path.startsWith('//')) return null;
  if (/[\s\\<>"'`\u0000-\u001f\u007f]/.test(path)) return null;
  let u;
  try {
    u = new URL(path, 'https://github.com');
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' || u.host !== 'github.com' || u.username || u.password) return null;
  return u.href;
}

/** A link to github.com when `path` is safe, else the text alone; a long text is cut
 * (see `clipped`), whole in the tooltip. */
function githubLink(path, text) {
  const url = githubUrl(path);
  const full = String(text ?? '');
  const shown = shorten(full);
  const title = shown === full ? null : full;
  if (!url) return el('span', { title }, shown);
  const a = document.createElement('a');
  a.href = url;
  a.rel = 'noopener noreferrer';
  if (title) a.setAttribute('title', title);
  a.appendChild(document.createTextNode(shown));
  return a;
}

/** Offers `text` as a file download. */
function download(name, text, type = 'text/csv') {
  const blob = new Blob([text], { type: `${type};charset=utf-8` });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10000);
}

return { el, append, clipped, clear, isRepoName, githubUrl, githubLink, download };
})();

// js/settled.js
const __m_js_settled_js = (() => {
// A split history: gtt keeps a repository's settled days (all but the last 92 to 150
// days, moved once a month) in a file of their own, which a new day does not touch, and
// the live file names it (`settled.file`). The page reads both and joins them here: the parts
// hold disjoint days, so the join is a union.

/** The settled file a live history names: one plain `settled-….json` name, or null. */
function settledName(live) {
  const file = live && typeof live.settled === 'object' && live.settled ? live.settled.file : null;
  return typeof file === 'string' && /^settled-[A-Za-z0-9][A-Za-z0-9._-]*\.json$/.test(file) && !file.includes('..')
    ? file
    : null;
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const objectOf = (v) => (isObject(v) ? v : {});
const arrayOf = (v) => (Array.isArray(v) ? v : []);

/** The whole history from a live part and its settled part: date-keyed objects and
 * the reconstructed series unioned (settled days first, so keys stay ascending),
 * arrays of dates unioned, imported ranges of each label joined; every other field is
 * the live part's. */
function joinSettled(live, settled) {
  const out = { ...live };
  delete out.settled;
  const s = objectOf(settled);
  for (const k of ['days', 'stats', 'popular', 'ci', 'unknown']) {
    out[k] = { ...objectOf(s[k]), ...objectOf(live[k]) };
  }
  for (const k of ['partial', 'ci_estimated']) {
    out[k] = [...new Set([...arrayOf(s[k]), ...arrayOf(live[k])])].sort();
  }
  const rs = objectOf(s.reconstructed);
  const rl = objectOf(live.reconstructed);
  out.reconstructed = {
    stars: { ...objectOf(rs.stars), ...objectOf(rl.stars) },
    forks: { ...objectOf(rs.forks), ...objectOf(rl.forks) },
  };
  const imported = {};
  for (const part of [objectOf(s.imported), objectOf(live.imported)]) {
    for (const [label, ranges] of Object.entries(part)) imported[label] = [...(imported[label] || []), ...arrayOf(ranges)];
  }
  out.imported = imported;
  return out;
}

/** The text of a whole history from the text of its file: a live file that names a
 * settled file is joined with it (`readFile(name)` gives a file's text); any other text
 * is handed back as it is (the caller says what is wrong with one that is not JSON). */
async function withSettled(text, readFile) {
  if (typeof text !== 'string' || !text.includes('"settled"')) return text;
  let live;
  try {
    live = JSON.parse(text);
  } catch {
    return text;
  }
  const name = settledName(live);
  if (!name) return text;
  let settled;
  try {
    settled = JSON.parse(await readFile(name));
  } catch (e) {
    throw new Error(`cannot read its settled part ${name} (${e.message})`);
  }
  return JSON.stringify(joinSettled(live, settled));
}

return { settledName, joinSettled, withSettled };
})();

// js/load.js
const __m_js_load_js = (() => {
// Where the data is and how it is read. The URL parameter `?source=` wins; then
// `window.GTT_CONFIG` (config.js, written by `gtt dashboard`); then `config.json`.
// gtt.json is read first; each repository's history is read when a view first needs it
// (the sum of all repositories needs them all; one linked with `#repo=` only its own).
// Over http(s) the files are fetched. A page opened from file:// cannot fetch, so for a
// folder source it adds scripts that `gtt dashboard` wrote beside the copies: `gtt.js`
// (gtt.json, and which script holds each file) and one small script per repository,
// each added to the page the first time one of its files is needed. A split history's
// settled file, which its live file names, is read after it and joined (settled.js).

const { withSettled } = __m_js_settled_js;

/** A gtt file name as gtt writes them: no folders, no tricks. */
function isFileName(s) {
  return typeof s === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]*\.json$/.test(s) && !s.includes('..');
}

/** Resolves a source (absolute URL or relative folder) against the page; ends in "/".
 * Only http(s) sources are accepted. Returns null for anything else. */
function resolveSource(source, pageUrl) {
  if (typeof source !== 'string' || !source.trim()) return null;
  let u;
  try {
    u = new URL(source.trim(), pageUrl);
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:' && u.protocol !== 'file:') return null;
  if (u.username || u.password) return null;
  u.search = '';
  u.hash = '';
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return u.href;
}

/** The base URL of another gist of the same owner, from a gist's raw base URL
 * (`https://HOST/OWNER/GIST_ID/raw/`): gtt spreads many repositories over several gists
 * (one token writes them all, so one owner), and the first gist's gtt.json names the gist
 * of each repository stored elsewhere in `gists`. Null when `base` is not such a URL or
 * `id` is not a gist id. */
function gistBase(base, id) {
  if (typeof id !== 'string' || !/^[A-Za-z0-9]{1,64}$/.test(id)) return null;
  const m = /^(https?:\/\/[^/?#]+\/[^/?#]+\/)[A-Za-z0-9]+(\/raw\/)$/.exec(typeof base === 'string' ? base : '');
  return m ? m[1] + id + m[2] : null;
}

/** A script `gtt dashboard` writes beside a folder's copies: one plain name. */
function isScriptName(s) {
  return typeof s === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]*\.js$/.test(s) && !s.includes('..');
}

/** Decides where the data comes from. `env`: {search, config, fetchJson}. */
async function discover(env) {
  const param = new URLSearchParams(env.search || '').get('source');
  if (param) return { source: param, from: 'the URL parameter source' };
  const cfg = env.config;
  if (cfg && typeof cfg.source === 'string' && cfg.source) return { source: cfg.source, from: 'config.js' };
  try {
    const j = await env.fetchJson('config.json');
    if (j && typeof j.source === 'string' && j.source) return { source: j.source, from: 'config.json' };
  } catch {
    // No config.json: the page explains how to point it at data.
  }
  return { source: null, from: null };
}

/** Reads a folder's files from the scripts `gtt dashboard` wrote there (for file://).
 * `gtt.js` sets `GTT_DATA = {files: {name: text}, scripts: {name: script}}`; each
 * repository's script adds `{name: text}` to `GTT_FILES`. Each script is added once; a
 * text is handed out once and then dropped, so the page keeps no second copy. */
async function scriptReader(base, io) {
  try {
    await io.addScript(`${base}gtt.js`);
  } catch (e) {
    throw new Error(`cannot load gtt.js (${e.message})`);
  }
  const d = io.global.GTT_DATA;
  if (!d || typeof d !== 'object' || !d.files || typeof d.files !== 'object' || !d.scripts || typeof d.scripts !== 'object') {
    throw new Error('gtt.js holds no data');
  }
  io.global.GTT_DATA = null;
  const texts = new Map(Object.entries(d.files).filter(([, v]) => typeof v === 'string'));
  const added = new Map();
  return async (name) => {
    const script = Object.hasOwn(d.scripts, name) ? d.scripts[name] : null;
    if (!texts.has(name) && isScriptName(script)) {
      if (!added.has(script)) added.set(script, io.addScript(base + script));
      await added.get(script);
      const files = io.global.GTT_FILES;
      io.global.GTT_FILES = {};
      if (files && typeof files === 'object') {
        for (const [k, v] of Object.entries(files)) if (typeof v === 'string') texts.set(k, v);
      }
    }
    const text = texts.get(name);
    if (typeof text !== 'string') throw new Error(`${name} is missing from ${script ?? 'gtt.js'}`);
    texts.delete(name);
    return text;
  };
}

/** How many histories are read at once. Asking for all 50 at once makes each arrive
 * late (they share the connections, and from file:// every script is compiled before
 * the page gets to the first); a few at a time, in order, bring the first one in
 * early while the page parses it and the next ones download. */
const READING_AT_ONCE = 4;

/** Runs at most `n` of the jobs given at once, the others in the order given. */
function queue(n) {
  let running = 0;
  const waiting = [];
  const next = () => {
    if (running >= n || !waiting.length) return;
    running++;
    const [job, ok, fail] = waiting.shift();
    job()
      .then(ok, fail)
      .finally(() => {
        running--;
        next();
      });
  };
  return (job) =>
    new Promise((ok, fail) => {
      waiting.push([job, ok, fail]);
      next();
    });
}

/** Opens a source: reads gtt.json and returns {index, base, repos, errors, history},
 * `repos` the repositories it lists that can be read (sorted), `errors` what is wrong
 * with the others, `history(repo)` a promise of the text of a repository's history
 * (the caller asks once per repository and keeps what it derives: from file:// a text
 * is handed out once). `io`: {fetchText(url), addScript(url), global}. */
async function openSource(found, pageUrl, io) {
  const base = resolveSource(found.source, pageUrl);
  if (!base) throw new Error(`the data source is not an http(s) URL or folder: ${found.source}`);
  const scripts = base.startsWith('file:');
  const read = scripts ? await scriptReader(base, io) : (name, from = base) => io.fetchText(from + name);
  let index;
  try {
    index = JSON.parse(await read('gtt.json'));
  } catch (e) {
    throw new Error(`cannot read gtt.json from ${base}: ${e.message}`);
  }
  const listed = index && typeof index.repos === 'object' && index.repos ? index.repos : {};
  // Several gists: repository -> the gist that holds it, for those not beside gtt.json.
  const gists = index && typeof index.gists === 'object' && index.gists ? index.gists : {};
  const errors = [];
  const where = new Map();
  for (const [repo, file] of Object.entries(listed)) {
    let from = base;
    if (!isFileName(file)) {
      errors.push(`${repo}: unexpected file name in gtt.json`);
      continue;
    }
    if (!scripts && Object.hasOwn(gists, repo)) {
      from = gistBase(base, gists[repo]);
      if (!from) {
        errors.push(`${repo}: stored in another gist, which cannot be reached from ${base} (use a gist's raw URL as the source)`);
        continue;
      }
    }
    where.set(repo, [file, from]);
  }
  const repos = [...where.keys()].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
  const turn = queue(READING_AT_ONCE);
  const history = async (repo) => {
    const [file, from] = where.get(repo) ?? [];
    if (!file) throw new Error(`${repo} is not in gtt.json`);
    try {
      return await turn(async () => withSettled(await read(file, from), (name) => read(name, from)));
    } catch (e) {
      throw new Error(`${repo}: cannot read ${file} (${e.message})`);
    }
  };
  return { index, base, repos, errors, history };
}

return { isFileName, resolveSource, gistBase, isScriptName, discover, queue, openSource };
})();

// js/dates.js
const __m_js_dates_js = (() => {
// UTC calendar days as integers (days since 1970-01-01), so a series is an array indexed
// by day offset and a range is two integers. Pure: no clock, no DOM.

const DAY_MS = 86400000;

/** "YYYY-MM-DD" -> day number, or NaN when it is not a valid calendar day. */
function dayNum(s) {
  if (typeof s !== 'string' || s.length !== 10 || s[4] !== '-' || s[7] !== '-') return NaN;
  const y = +s.slice(0, 4);
  const m = +s.slice(5, 7);
  const d = +s.slice(8, 10);
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return NaN;
  if (m < 1 || m > 12 || d < 1 || d > 31) return NaN;
  const ms = Date.UTC(y, m - 1, d);
  const back = new Date(ms);
  if (back.getUTCDate() !== d) return NaN; // 2026-02-30
  return ms / DAY_MS;
}

/** Day number -> "YYYY-MM-DD". */
function dayStr(n) {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** Day number -> Unix seconds at 00:00 UTC (uPlot's x values). */
function daySec(n) {
  return n * 86400;
}

/** An RFC 3339 timestamp -> its UTC day number, or NaN. */
function tsDay(ts) {
  const ms = Date.parse(ts);
  return Number.isFinite(ms) ? Math.floor(ms / DAY_MS) : NaN;
}

/** Unix seconds -> UTC day number. */
function secDay(sec) {
  return Math.floor(sec / 86400);
}

/** The first day of the bucket holding day `d`: itself ('day'), its week's Monday
 * ('week', weeks start on Monday, UTC), or the 1st of its UTC month ('month'). */
function bucketStart(d, by) {
  if (by === 'week') return d - ((((d + 3) % 7) + 7) % 7); // 1970-01-01 was a Thursday
  if (by === 'month') {
    const t = new Date(d * DAY_MS);
    return Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), 1) / DAY_MS;
  }
  return d;
}

return { dayNum, dayStr, daySec, tsDay, secDay, bucketStart };
})();

// js/derive.js
const __m_js_derive_js = (() => {
// Everything the dashboard shows, derived from gtt's stored files with the formulas gtt
// itself uses (src/history.rs). Pure: no DOM, no clock. A repository's per-day series
// are built once, on first use, over one continuous day axis; a day that gtt never
// observed is `null` (a gap), never 0.

const { dayNum, tsDay } = __m_js_dates_js;

/** CI's share of one day's clones, by ghtraf's formulas (github.com/djdarcy/github-traffic-tracker) as gtt applies them:
 * organic = max(0, clones - ci); CI uniques = the checkout share of uniques, rounded,
 * at most one per run; organic uniques = the rest. Without CI counted, all is organic. */
function organicDay(clones, uniques, ci) {
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
function readHistory(h, fallbackName = '') {
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
const SERIES = [
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
const PARTIAL_SERIES = new Set(SERIES.filter((k) => !READ_AT_COLLECTION.has(k)));

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
function dailyDownloads(assets, firstDay) {
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
function buildModel(r) {
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
function counterModel(m) {
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
function releases(assets, firstDay) {
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
function aggregate(models, name = 'All repositories') {
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
function rangeBounds(range, globalStart, globalEnd) {
  const span = { '30d': 30, '90d': 90, '1y': 365 }[range];
  if (!span) return [globalStart, globalEnd];
  return [globalEnd - span + 1, globalEnd];
}

/** A model's series `key` over days [a, b]: values outside its own axis are gaps. */
function slice(m, key, a, b) {
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
function partialSlice(m, a, b) {
  const out = new Array(Math.max(0, b - a + 1)).fill(false);
  if (!m.partial) return out;
  for (let d = Math.max(a, m.start), i = d - a; d <= Math.min(b, m.end); d++, i++) out[i] = m.partial[d - m.start] === 1;
  return out;
}

/** Whether each day of [a, b] had its CI checkouts estimated from step names. */
function estimatedSlice(m, a, b) {
  const out = new Array(Math.max(0, b - a + 1)).fill(false);
  if (!m.ciEstimated) return out;
  for (let d = Math.max(a, m.start), i = d - a; d <= Math.min(b, m.end); d++, i++) out[i] = m.ciEstimated[d - m.start] === 1;
  return out;
}

/** The series whose value on a CI-estimated day rests on the estimate. */
const ESTIMATED_SERIES = new Set(['ciCheckouts', 'ciUniques', 'ciShare']);

/** The daily average of a series over the complete days of [a, b] (covered, not
 * partial), and the same over the period of equal length just before: a trend never
 * counts a day that was still running, nor a gap as a zero. `change` is the relative
 * change of the average (null when either period has no complete day or the previous
 * average is 0). */
function periodChange(m, key, a, b) {
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
function sum(m, key, a, b) {
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
function lastFirst(m, key, a, b) {
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
function gaps(m, a, b) {
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
function totals(m, a, b) {
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
function popularTables(m, a, b) {
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
const WINDOW_DAYS = 14;

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
function popularTrend(m, a, b, field = 'referrers') {
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
function releaseRows(m, a, b) {
  return m.releases.map((r) => {
    let inRange = 0;
    for (const [d, dl] of r.rises) if (d >= a && d <= b) inRange += dl;
    return { release: r.release, assets: r.assets, total: r.total, inRange, first: r.first };
  });
}

/** The `updated` of gtt.json as a day, for freshness. */
function indexDay(index) {
  return index && typeof index.updated === 'string' ? tsDay(index.updated) : NaN;
}


/** The series kept as the latest value of a bucket rather than summed over it. */
const LAST_SERIES = new Set(['stars', 'forks', 'watchers', 'openIssues', 'starsRecon', 'forksRecon']);

/**
 * Groups the days [a, b] of a model into buckets (see bucketStart: 'week' starts on
 * Monday, UTC; 'month' is the UTC calendar month). `a` should be a bucket's first day.
 * Returns { starts (each bucket's first day), values: key -> per bucket (null when no
 * day of it was observed), incomplete (per bucket: some day of it was partial or not
 * collected, so its sums are a lower bound), estimated (some day's CI was estimated) }.
 * Counters (LAST_SERIES) take their latest value in the bucket; the CI share is the
 * bucket's CI checkouts over its clones on days with CI counted; the rest are sums.
 */
function bucketSeries(m, keys, a, b, by, startOf) {
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
function average7(m, key, a, b) {
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

return { organicDay, readHistory, SERIES, PARTIAL_SERIES, dailyDownloads, buildModel, counterModel, releases, aggregate, rangeBounds, slice, partialSlice, estimatedSlice, ESTIMATED_SERIES, periodChange, sum, lastFirst, gaps, totals, popularTables, WINDOW_DAYS, popularTrend, releaseRows, indexDay, LAST_SERIES, bucketSeries, average7 };
})();

// js/hash.js
const __m_js_hash_js = (() => {
// The view's state in the URL hash, so a view can be linked and restored:
// #tab=views&range=1y&repo=octo/hello&by=week (by is left out when 'day'). Unknown or missing values fall back to defaults.

const TABS = ['overview', 'installs', 'views', 'community', 'dev'];
const RANGES = ['30d', '90d', '1y', 'all'];
const ALL = 'all';
/** How daily figures are grouped: by day, by week (Monday to Sunday, UTC), by month. */
const BYS = ['day', 'week', 'month'];
const DEFAULT_TAB = 'overview';
const DEFAULT_RANGE = '90d';

/** The default repository: all of them when there are several, else the only one. */
function defaultRepo(repos) {
  if (repos.length === 1) return repos[0];
  return ALL;
}

/** Parses `location.hash` against the repositories that exist (case-insensitively). */
function parseHash(hash, repos) {
  const params = new URLSearchParams(String(hash || '').replace(/^#/, ''));
  const tab = TABS.includes(params.get('tab')) ? params.get('tab') : DEFAULT_TAB;
  const range = RANGES.includes(params.get('range')) ? params.get('range') : DEFAULT_RANGE;
  const want = (params.get('repo') || '').toLowerCase();
  let repo = defaultRepo(repos);
  if (want === ALL && repos.length > 1) repo = ALL;
  else if (want) repo = repos.find((r) => r.toLowerCase() === want) ?? repo;
  const by = BYS.includes(params.get('by')) ? params.get('by') : 'day';
  return { tab, range, repo, by };
}

/** The canonical hash of a state; `parseHash(formatHash(s))` gives `s` back. */
function formatHash(state) {
  const repo = encodeURIComponent(state.repo).replace(/%2F/gi, '/');
  const by = state.by && state.by !== 'day' ? `&by=${state.by}` : '';
  return `#tab=${state.tab}&range=${state.range}&repo=${repo}${by}`;
}

return { TABS, RANGES, ALL, BYS, DEFAULT_TAB, DEFAULT_RANGE, defaultRepo, parseHash, formatHash };
})();

// js/csv.js
const __m_js_csv_js = (() => {
// CSV for the "Download CSV" buttons: RFC 4180 quoting, gaps as empty cells, and text
// cells that a spreadsheet would run as a formula prefixed with a quote.

/** One cell. Numbers as they are, null/undefined as empty, text quoted when needed. */
function csvCell(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
  if (/[",\r\n]/.test(s)) s = '"' + s.replace(/"/g, '""') + '"';
  return s;
}

/** A header row plus rows, CRLF-free (one "\n" per line, as gtt export writes). */
function toCsv(header, rows) {
  const lines = [header.map(csvCell).join(',')];
  for (const r of rows) lines.push(r.map(csvCell).join(','));
  return lines.join('\n') + '\n';
}

/** A chart's data as CSV: a `date` column then one column per series shown. */
function chartCsv(dates, series) {
  const header = ['date', ...series.map((s) => s.key)];
  const rows = dates.map((d, i) => [d, ...series.map((s) => s.values[i])]);
  return toCsv(header, rows);
}

/** A file name made only of safe characters. */
function csvFileName(...parts) {
  return (
    parts
      .filter((p) => p !== null && p !== undefined && p !== '')
      .map((p) => String(p).replace(/[^A-Za-z0-9._-]+/g, '-'))
      .join('_')
      .replace(/^[-.]+/, '') + '.csv'
  );
}

return { csvCell, toCsv, chartCsv, csvFileName };
})();

// js/chart.js
const __m_js_chart_js = (() => {
// Charts: a uPlot line chart with labelled series toggles, a CSV download of exactly
// what it shows, a text summary for screen readers, a hover/keyboard readout, and
// gaps (null) drawn as breaks. uPlot is loaded as a classic script (window.uPlot).

const { el, download } = __m_js_dom_js;
const { int, pct, compact, shorten } = __m_js_format_js;
const { chartCsv, csvFileName } = __m_js_csv_js;

/** Colour slot (CSS variables --c1..--c8) and label of every series key. */
const META = {
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
const RECON_STARS_TEXT = 'reconstructed from the stargazers listing; unstars cannot be seen';
const RECON_FORKS_TEXT = 'forks reconstructed from the forks listing; deleted forks cannot be seen';

/** Reads the theme's colours (they follow prefers-color-scheme). */
function theme() {
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
const PARTIAL_TEXT = 'partial: the day was still running when collected';

/** The meaning of a CI-estimated day, as the legend and the readout give it. */
const ESTIMATED_TEXT = 'CI checkouts estimated from step names';

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
function dateTicks(splits, incr) {
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
function mix(hex, bg, t) {
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
function stackValues(series, hidden) {
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
function panelGroups(spec) {
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
function lineChart(parent, spec, ctx) {
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
function sharpCanvas(canvas, defaultW, defaultH) {
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
function sparkline(canvas, values, color, partial = null) {
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

return { META, RECON_STARS_TEXT, RECON_FORKS_TEXT, theme, PARTIAL_TEXT, ESTIMATED_TEXT, dateTicks, mix, stackValues, panelGroups, lineChart, sharpCanvas, sparkline };
})();

// js/views.js
const __m_js_views_js = (() => {
// The five tabs. Each renderer gets the panel to fill and a context with the model of
// the selected repository (or of all of them), the day bounds of the range, and the
// chart registry; it only builds DOM through dom.js and charts through chart.js.

const { el, githubLink, isRepoName, download, clipped, clear } = __m_js_dom_js;
const { lineChart, sparkline, sharpCanvas, theme, META, PARTIAL_TEXT, RECON_STARS_TEXT, RECON_FORKS_TEXT } = __m_js_chart_js;
const { slice, totals, gaps, popularTables, popularTrend, releaseRows, partialSlice, periodChange, PARTIAL_SERIES, estimatedSlice, ESTIMATED_SERIES, bucketSeries, average7, LAST_SERIES, counterModel } = __m_js_derive_js;
const { dayStr, daySec, bucketStart } = __m_js_dates_js;
const { int, signed, pct, utc, ago, ageDays, shorten } = __m_js_format_js;
const { toCsv, csvFileName } = __m_js_csv_js;

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
function sortableTable(parent, spec, ctx) {
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

function overview(panel, ctx) {
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

function installs(panel, ctx) {
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

function views(panel, ctx) {
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

function community(panel, ctx) {
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

function dev(panel, ctx) {
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

const RENDER = { overview, installs, views, community, dev };


return { sortableTable, overview, installs, views, community, dev, RENDER };
})();

// js/app.js
const __m_js_app_js = (() => {
// The application: finds the data, reads each repository's history once, when a view
// first needs it, keeps one model per repository, and renders the selected tab. Tab, repository and
// range live in the URL hash, so every view can be linked and restored.

const { el, clear, githubLink, isRepoName } = __m_js_dom_js;
const { discover, openSource } = __m_js_load_js;
const { readHistory, buildModel, aggregate, totals, indexDay } = __m_js_derive_js;
const { parseHash, formatHash, TABS, RANGES, BYS, ALL } = __m_js_hash_js;
const { RENDER } = __m_js_views_js;
const { utc, shorten } = __m_js_format_js;

const $ = (id) => document.getElementById(id);

const app = {
  data: null,
  models: new Map(),
  // Repositories whose history is being read, and those that could not be (-> why).
  pending: new Set(),
  failed: new Map(),
  aggregate: null,
  drawnAt: -Infinity,
  redraw: null,
  // Settles once the last render's frame is on screen: histories that arrive meanwhile
  // are parsed after it, so they do not hold back the chart being drawn.
  onScreen: Promise.resolve(),
  warmed: 0,
  state: null,
  charts: [],
  hidden: new Map(),
  sorts: new Map(),
  // The entry each trend chart shows, by chart and repository.
  choices: new Map(),
  renders: 0,
};

function setState(s) {
  document.documentElement.setAttribute('data-state', s);
}

function status(kind, ...parts) {
  const box = $('status');
  clear(box);
  if (!parts.length) {
    box.hidden = true;
    return;
  }
  box.hidden = false;
  box.setAttribute('class', `status ${kind}`);
  for (const p of parts) box.appendChild(typeof p === 'string' ? el('p', null, p) : p);
}

/** A repository's model, once its history is in. */
function modelOf(name) {
  const m = app.models.get(name);
  if (m) return m;
  throw new Error(app.failed.get(name) ?? `${name}: its history is still loading`);
}

/** The repositories a view sums or shows, of those whose history is in. */
function loadedRepos() {
  return app.data.repos.filter((r) => app.models.has(r));
}

/** The sum of the repositories loaded so far, kept until another one arrives. */
function sumOfLoaded() {
  const repos = loadedRepos();
  // Nothing read is not a sum of zero.
  if (!repos.length) throw new Error(`none of the ${app.data.repos.length} repositories could be read`);
  if (!app.aggregate || app.aggregate.of !== repos.length) {
    app.aggregate = aggregate(repos.map((r) => modelOf(r)));
    app.aggregate.of = repos.length;
  }
  return app.aggregate;
}

function currentModel() {
  return app.state.repo === ALL ? sumOfLoaded() : modelOf(app.state.repo);
}

/** Reads a repository's history (once) and derives its model as soon as it arrives,
 * while other files are still downloading; then tells `arrived`. */
function read(name) {
  if (app.models.has(name) || app.failed.has(name) || app.pending.has(name)) return;
  app.pending.add(name);
  app.data
    .history(name)
    .then(async (text) => {
      await app.onScreen;
      let parsed;
      try {
        parsed = JSON.parse(text);
      } catch (e) {
        throw new Error(`${name}: its history file is not valid JSON (${e.message})`);
      }
      const m = buildModel(readHistory(parsed, name));
      m.name = name;
      app.models.set(name, m);
    })
    .catch((e) => app.failed.set(name, e.message))
    .finally(() => {
      app.pending.delete(name);
      arrived(name);
    });
}

/** The repositories the current view needs. */
function needed() {
  return app.state.repo === ALL ? app.data.repos : [app.state.repo];
}

/** How often, at most, the sum of all repositories is redrawn while they arrive: each
 * redraw costs main-thread time that the rest of the parsing waits for. */
const REDRAW_MS = 1000;

/** Shows the current view, reading first what it needs. One repository is drawn when its
 * history is in. The sum of all repositories is drawn as soon as the first one is in
 * and redrawn as the rest arrive (at most every REDRAW_MS), the page saying "N of M
 * repositories loaded" until all are: the first chart comes within a fraction of a
 * second from anywhere (50 ten-year histories are 21 MB to download and parse), and a
 * partial sum is never shown as the total. */
function show() {
  const want = needed();
  for (const r of want) read(r);
  if (want.some((r) => app.models.has(r)) || !want.some((r) => app.pending.has(r))) {
    render();
    return;
  }
  for (const c of app.charts) c.destroy();
  app.charts.length = 0;
  clear($('panel'));
  syncControls();
  status('info', app.state.repo === ALL ? 'Loading…' : `Loading ${shorten(app.state.repo)}…`);
}

/** A history came in (or failed): redraws the view if it needed it. */
function arrived(name) {
  const want = needed();
  if (!want.includes(name)) return;
  const waiting = want.some((r) => app.pending.has(r));
  const wait = REDRAW_MS - (performance.now() - app.drawnAt);
  clearTimeout(app.redraw);
  if (!waiting || wait <= 0) render();
  else app.redraw = setTimeout(render, wait);
}

/** The status line: errors, and while the sum is incomplete, how much of it is in. */
function loadStatus() {
  const want = needed();
  const failed = want.filter((r) => app.failed.has(r)).map((r) => app.failed.get(r));
  const parts = [...app.data.errors, ...failed];
  const waiting = want.filter((r) => app.pending.has(r)).length;
  if (app.state.repo === ALL && waiting) {
    const n = loadedRepos().length;
    parts.unshift(
      `${n} of ${want.length} repositories loaded: the sums, charts and table show these ${n} only and complete as the rest arrive.`,
    );
  }
  status(app.data.errors.length || failed.length ? 'error' : 'info', ...parts);
  return waiting === 0;
}

/** The days a view shows: the range ending on the day the index was last updated
 * (the latest collection of any repository), so every repository shares one axis. */
function bounds(m) {
  const idx = indexDay(app.data.index);
  let end = m.empty ? idx : Math.max(Number.isFinite(idx) ? idx : -Infinity, m.end);
  if (!Number.isFinite(end)) end = Math.floor(Date.now() / 86400000);
  const span = { '30d': 30, '90d': 90, '1y': 365 }[app.state.range];
  if (span) return [end - span + 1, end];
  return [m.empty ? end : Math.min(m.start, end), end];
}

/** Puts `hash` in the address bar; from file:// some browsers refuse the History API,
 * and then the hash is set directly (its hashchange finds the state unchanged). */
function setHash(hash, push) {
  if (location.hash === hash) return;
  try {
    if (push) history.pushState(null, '', hash);
    else history.replaceState(null, '', hash);
  } catch {
    location.hash = hash;
  }
}

function go(partial) {
  if (!app.data || !app.state) return; // nothing loaded: the status panel says why
  const next = { ...app.state, ...partial };
  app.state = next;
  setHash(formatHash(next), true);
  show();
}

function syncControls() {
  const s = app.state;
  for (const t of TABS) {
    const b = $(`tab-${t}`);
    const on = t === s.tab;
    b.setAttribute('aria-selected', on ? 'true' : 'false');
    b.tabIndex = on ? 0 : -1;
  }
  $('panel').setAttribute('aria-labelledby', `tab-${s.tab}`);
  // On a narrow screen the tab strip may scroll: the active tab is brought into it
  // (the strip only, never the page).
  const strip = document.querySelector('.tabs');
  const active = $(`tab-${s.tab}`);
  if (strip && strip.scrollWidth > strip.clientWidth) {
    const l = active.offsetLeft - strip.offsetLeft;
    if (l < strip.scrollLeft || l + active.offsetWidth > strip.scrollLeft + strip.clientWidth) strip.scrollLeft = Math.max(0, l - 8);
  }
  for (const r of RANGES) $(`range-${r}`).checked = r === s.range;
  for (const g of BYS) $(`by-${g}`).checked = g === s.by;
  const sel = $('repo');
  if (sel.value !== s.repo) sel.value = s.repo;
  const sub = $('subtitle');
  clear(sub);
  const n = loadedRepos().length;
  const of = app.data.repos.length;
  if (s.repo === ALL) sub.appendChild(document.createTextNode(n === of ? `All repositories (${of})` : `${n} of ${of} repositories`));
  else if (isRepoName(s.repo)) sub.appendChild(githubLink(`/${s.repo}`, s.repo));
  else sub.appendChild(document.createTextNode(shorten(s.repo)));
  const tabName = $(`tab-${s.tab}`).textContent;
  document.title = `${tabName} · ${s.repo === ALL ? 'all repositories' : shorten(s.repo)} · gtt`;
}

function render() {
  if (!app.data || !app.state) return;
  clearTimeout(app.redraw);
  const t0 = performance.now();
  const complete = loadStatus();
  for (const c of app.charts) c.destroy();
  app.charts.length = 0;
  const panel = $('panel');
  clear(panel);
  syncControls();
  let ok = true;
  const later = [];
  try {
    const m = currentModel();
    if (app.renders === 0) performance.mark('gtt:model');
    const [a, b] = bounds(m);
    const ctx = {
      model: m,
      bounds: [a, b],
      state: app.state,
      totals: totals(m, a, b),
      charts: app.charts,
      hidden: app.hidden,
      sorts: app.sorts,
      choices: app.choices,
      repos: loadedRepos(),
      index: app.data.index,
      repoLabel: app.state.repo === ALL ? 'all' : app.state.repo,
      modelOf,
      go,
      // Work below the fold, done after the charts are on screen.
      later: (fn) => later.push(fn),
    };
    panel.setAttribute('data-tab', app.state.tab);
    panel.setAttribute('data-repo', app.state.repo);
    panel.setAttribute('data-range', app.state.range);
    panel.setAttribute('data-by', app.state.by);
    panel.setAttribute('data-from', new Date(a * 86400000).toISOString().slice(0, 10));
    panel.setAttribute('data-to', new Date(b * 86400000).toISOString().slice(0, 10));
    RENDER[app.state.tab](panel, ctx);
  } catch (e) {
    ok = false;
    panel.appendChild(el('p', { class: 'warn danger', role: 'alert' }, `Cannot show this view: ${shorten(e.message, 500)}`));
  }
  const n = ++app.renders;
  const built = performance.now();
  app.drawnAt = built;
  let shown;
  app.onScreen = new Promise((ok) => (shown = ok));
  // uPlot draws in a microtask queued while the charts were built: this one runs after.
  queueMicrotask(() => {
    const drawn = performance.now();
    requestAnimationFrame(() => {
      const painted = performance.now();
      setTimeout(shown, 0);
      if (n === 1) performance.mark('gtt:first-chart');
      if (complete && !performance.getEntriesByName('gtt:complete').length) performance.mark('gtt:complete');
      setTimeout(() => {
        if (n !== app.renders) return; // a newer render replaced this one
        for (const fn of later) {
          try {
            fn();
          } catch (e) {
            ok = false;
            $('panel').appendChild(el('p', { class: 'warn danger', role: 'alert' }, `Cannot show this view: ${shorten(e.message, 500)}`));
          }
        }
        const done = performance.now();
        if (complete && app.warmed !== app.models.size) {
          app.warmed = app.models.size;
          warmUp();
        }
        if (!ok) setState('error');
        else setState(complete ? 'ready' : 'loading');
        document.documentElement.setAttribute('data-renders', String(n));
        document.dispatchEvent(
          new CustomEvent('gtt:rendered', {
            detail: { n, complete, build: built - t0, drawn: drawn - t0, painted: painted - t0, done: done - t0, state: { ...app.state } },
          }),
        );
      }, 0);
    });
  });
}

/** After the first view is on screen, derive in idle time what other tabs will need
 * (releases and referrer snapshots, of the sum too), so a first switch is quick. */
function warmUp() {
  const idle = globalThis.requestIdleCallback || ((fn) => setTimeout(fn, 1));
  const jobs = [];
  for (const r of app.data.repos) {
    jobs.push(() => {
      if (!app.models.has(r)) return;
      const m = app.models.get(r);
      void m.releases;
      void m.popular;
    });
  }
  if (app.data.repos.length > 1) {
    jobs.push(() => {
      const a = currentModelOrNull(ALL);
      if (a) {
        void a.releases;
        void a.popular;
      }
    });
  }
  const step = (deadline) => {
    while (jobs.length && (!deadline || deadline.timeRemaining() > 4)) jobs.shift()();
    if (jobs.length) idle(step);
  };
  idle(step);
}

function currentModelOrNull(repo) {
  if (repo !== ALL) return app.models.get(repo) ?? null;
  const settled = app.data.repos.every((r) => app.models.has(r) || app.failed.has(r));
  return settled && app.models.size ? sumOfLoaded() : null;
}

function onHash() {
  if (!app.data) return;
  const next = parseHash(location.hash, app.data.repos);
  const s = app.state;
  if (next.tab !== s.tab || next.repo !== s.repo || next.range !== s.range || next.by !== s.by) {
    app.state = next;
    show();
  }
  setHash(formatHash(app.state), false);
}

function wireControls() {
  const tabs = TABS.map((t) => $(`tab-${t}`));
  tabs.forEach((b, i) => {
    b.addEventListener('click', () => go({ tab: TABS[i] }));
    b.addEventListener('keydown', (e) => {
      let j = null;
      if (e.key === 'ArrowRight') j = (i + 1) % tabs.length;
      else if (e.key === 'ArrowLeft') j = (i - 1 + tabs.length) % tabs.length;
      else if (e.key === 'Home') j = 0;
      else if (e.key === 'End') j = tabs.length - 1;
      if (j === null) return;
      e.preventDefault();
      tabs[j].focus();
      go({ tab: TABS[j] });
    });
  });
  for (const r of RANGES) $(`range-${r}`).addEventListener('change', (e) => e.target.checked && go({ range: r }));
  for (const g of BYS) $(`by-${g}`).addEventListener('change', (e) => e.target.checked && go({ by: g }));
  $('repo').addEventListener('change', (e) => go({ repo: e.target.value }));
  $('skip').addEventListener('click', () => $('panel').focus());
  window.addEventListener('hashchange', onHash);
  window.addEventListener('popstate', onHash);
  const dark = window.matchMedia('(prefers-color-scheme: dark)');
  dark.addEventListener('change', () => app.data && app.state && show());
}

function fillRepoSelect() {
  const sel = $('repo');
  clear(sel);
  const repos = app.data.repos;
  if (repos.length > 1) sel.appendChild(el('option', { value: ALL }, `All repositories (${repos.length})`));
  for (const r of repos) sel.appendChild(el('option', { value: r }, shorten(r)));
  $('repo-control').hidden = repos.length < 2;
}

function footer() {
  const f = $('source');
  clear(f);
  f.appendChild(document.createTextNode(`Data: ${app.data.base}`));
  if (app.data.index?.updated) f.appendChild(document.createTextNode(` · updated ${utc(app.data.index.updated)}`));
}

async function fetchText(url) {
  const r = await fetch(url, { cache: 'no-cache', credentials: 'omit', referrerPolicy: 'no-referrer' });
  if (!r.ok) throw new Error(`HTTP ${r.status}`);
  return r.text();
}

/** Adds a script to the page (from file://, where nothing can be fetched). */
function addScript(url) {
  return new Promise((ok, fail) => {
    const s = document.createElement('script');
    s.src = url;
    s.onload = () => ok();
    s.onerror = () => fail(new Error('missing or unreadable'));
    document.head.appendChild(s);
  });
}

function noSource() {
  setState('nosource');
  status(
    'info',
    'No data source is configured.',
    'Write this site with `gtt dashboard --out DIR` (it adds the configuration), or open it with ?source=https://gist.githubusercontent.com/OWNER/GIST_ID/raw/ (a gist that gtt writes) or ?source=data/ (a folder beside this page), or set "source" in config.json.',
  );
}

/** What to check when the data did not load, by where it was to come from. */
function loadHint() {
  if (location.protocol === 'file:') {
    return 'Check the data/ folder beside this page: its gtt.js and one script per repository are written by `gtt dashboard --out DIR` (or the input `dashboard-dir`); write the site again, or serve the folder over http(s).';
  }
  return 'Check the source (config.js, config.json or ?source=): it must be the folder or the gist raw URL (https://gist.githubusercontent.com/OWNER/GIST_ID/raw/) where gtt writes gtt.json, reachable from this page; then reload.';
}

async function start() {
  performance.mark('gtt:start');
  setState('loading');
  wireControls();
  status('info', 'Loading…');
  let found;
  try {
    found = await discover({
      search: location.search,
      config: globalThis.GTT_CONFIG ?? null,
      fetchJson: async (u) => {
        if (location.protocol === 'file:') return null;
        return JSON.parse(await fetchText(u));
      },
    });
  } catch {
    found = { source: null };
  }
  if (!found.source) {
    noSource();
    return;
  }
  try {
    app.data = await openSource(found, location.href, { fetchText, addScript, global: globalThis });
  } catch (e) {
    setState('error');
    status('error', `Cannot load the data: ${shorten(e.message, 500)}`, loadHint());
    return;
  }
  performance.mark('gtt:index');
  if (!app.data.repos.length) {
    setState('empty');
    status('info', 'No repositories in this history yet: run `gtt collect` first.', ...app.data.errors);
    return;
  }
  fillRepoSelect();
  footer();
  app.state = parseHash(location.hash, app.data.repos);
  setHash(formatHash(app.state), false);
  show();
}

/** For tests and the benchmark: what is cached, without exposing the data. */
function stats() {
  return { models: app.models.size, aggregate: Boolean(app.aggregate), renders: app.renders };
}

return { start, stats };
})();

// js/main.js
const __m_js_main_js = (() => {
// Entry point of the built app.js (a classic script, so index.html also works from
// file://, where module scripts are blocked).
const { start, stats } = __m_js_app_js;

globalThis.gtt = Object.freeze({ stats });
start();

return {  };
})();

})();
