// The application: finds the data, reads each repository's history once, when a view
// first needs it, keeps one model per repository, and renders the selected tab. Tab, repository and
// range live in the URL hash, so every view can be linked and restored.

import { el, clear, githubLink, isRepoName } from './dom.js';
import { discover, openSource } from './load.js';
import { readHistory, buildModel, aggregate, totals, indexDay } from './derive.js';
import { parseHash, formatHash, TABS, RANGES, BYS, ALL } from './hash.js';
import { RENDER } from './views.js';
import { utc, shorten } from './format.js';

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

export async function start() {
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
export function stats() {
  return { models: app.models.size, aggregate: Boolean(app.aggregate), renders: app.renders };
}
