// The application: finds the data, reads it once, keeps one model per repository
// (built on first use, then cached), and renders the selected tab. Tab, repository and
// range live in the URL hash, so every view can be linked and restored.

import { el, clear, githubLink, isRepoName } from './dom.js';
import { discover, loadAll } from './load.js';
import { readHistory, buildModel, aggregate, totals, indexDay } from './derive.js';
import { parseHash, formatHash, TABS, RANGES, BYS, ALL } from './hash.js';
import { RENDER } from './views.js';
import { utc, shorten } from './format.js';

const $ = (id) => document.getElementById(id);

const app = {
  data: null,
  models: new Map(),
  aggregate: null,
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

/** A repository's model: parsed and derived on first use, then kept. */
function modelOf(name, files = app.data.files) {
  let m = app.models.get(name);
  if (!m) {
    const text = files.get(name);
    let parsed;
    try {
      parsed = JSON.parse(text);
    } catch (e) {
      throw new Error(`${name}: its history file is not valid JSON (${e.message})`);
    }
    m = buildModel(readHistory(parsed, name));
    m.name = name;
    app.models.set(name, m);
    files.delete(name); // the text is not needed again
  }
  return m;
}

function currentModel() {
  if (app.state.repo === ALL) {
    if (!app.aggregate) app.aggregate = aggregate(app.data.repos.map((r) => modelOf(r)));
    return app.aggregate;
  }
  return modelOf(app.state.repo);
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
  render();
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
  if (s.repo === ALL) sub.appendChild(document.createTextNode(`All repositories (${app.data.repos.length})`));
  else if (isRepoName(s.repo)) sub.appendChild(githubLink(`/${s.repo}`, s.repo));
  else sub.appendChild(document.createTextNode(shorten(s.repo)));
  const tabName = $(`tab-${s.tab}`).textContent;
  document.title = `${tabName} · ${s.repo === ALL ? 'all repositories' : shorten(s.repo)} · gtt`;
}

function render() {
  if (!app.data || !app.state) return;
  const t0 = performance.now();
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
      repos: app.data.repos,
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
  // uPlot draws in a microtask queued while the charts were built: this one runs after.
  queueMicrotask(() => {
    const drawn = performance.now();
    requestAnimationFrame(() => {
      const painted = performance.now();
      if (n === 1) performance.mark('gtt:first-chart');
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
        if (n === 1) warmUp();
        setState(ok ? 'ready' : 'error');
        document.documentElement.setAttribute('data-renders', String(n));
        document.dispatchEvent(
          new CustomEvent('gtt:rendered', {
            detail: { n, build: built - t0, drawn: drawn - t0, painted: painted - t0, done: done - t0, state: { ...app.state } },
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
  if (!app.aggregate && app.data.repos.every((r) => app.models.has(r))) {
    app.aggregate = aggregate(app.data.repos.map((r) => modelOf(r)));
  }
  return app.aggregate;
}

function onHash() {
  if (!app.data) return;
  const next = parseHash(location.hash, app.data.repos);
  const s = app.state;
  if (next.tab !== s.tab || next.repo !== s.repo || next.range !== s.range || next.by !== s.by) {
    app.state = next;
    render();
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
  dark.addEventListener('change', () => app.data && render());
}

function fillRepoSelect() {
  const sel = $('repo');
  clear(sel);
  const repos = app.data.repos;
  if (repos.length > 1) sel.appendChild(el('option', { value: ALL }, `All repositories (${repos.length})`));
  for (const r of repos) sel.appendChild(el('option', { value: r }, shorten(r)));
  $('repo-control').hidden = repos.length < 2;
}

function footer(found) {
  const f = $('source');
  clear(f);
  const where = app.data.base ?? `${found.source} (embedded in data.js)`;
  f.appendChild(document.createTextNode(`Data: ${where}`));
  if (app.data.index?.updated) f.appendChild(document.createTextNode(` · updated ${utc(app.data.index.updated)}`));
}

async function fetchText(url) {
  const r = await fetch(url, { cache: 'no-cache', credentials: 'omit', referrerPolicy: 'no-referrer' });
  if (!r.ok) throw new Error(`HTTP ${r.status}`);
  return r.text();
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
function loadHint(found) {
  if (found.data) {
    return 'Check data.js beside this page: it is written by `gtt dashboard --out DIR` (or the input `dashboard-dir`); write the site again.';
  }
  if (location.protocol === 'file:') {
    return 'Check the source: a page opened from disk cannot fetch files; write the site with `gtt dashboard --out DIR` (the data goes into data.js) or serve the folder over http(s).';
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
      pageUrl: location.href,
      config: globalThis.GTT_CONFIG ?? null,
      data: globalThis.GTT_DATA ?? null,
      fetchJson: async (u) => {
        if (location.protocol === 'file:') return null;
        return JSON.parse(await fetchText(u));
      },
    });
  } catch {
    found = { source: null };
  }
  if (!found.source && !found.data) {
    noSource();
    return;
  }
  // With several repositories the first view needs them all (the totals table, the
  // sum): each is parsed as soon as it arrives, while the others are still downloading.
  let eager = false;
  const hooks = {
    onIndex: (repos) => (eager = repos.length > 1),
    onFile: (repo, files) => {
      if (!eager) return;
      try {
        modelOf(repo, files);
      } catch {
        // Reported when the view needs it.
      }
    },
  };
  try {
    app.data = await loadAll(found, location.href, fetchText, found.data ? {} : hooks);
  } catch (e) {
    setState('error');
    status('error', `Cannot load the data: ${shorten(e.message, 500)}`, loadHint(found));
    return;
  }
  performance.mark('gtt:data');
  if (!app.data.repos.length) {
    setState('empty');
    status('info', 'No repositories in this history yet: run `gtt collect` first.', ...app.data.errors);
    return;
  }
  status(app.data.errors.length ? 'error' : 'info', ...app.data.errors);
  fillRepoSelect();
  footer(found);
  app.state = parseHash(location.hash, app.data.repos);
  setHash(formatHash(app.state), false);
  render();
}

/** For tests and the benchmark: what is cached, without exposing the data. */
export function stats() {
  return { models: app.models.size, aggregate: Boolean(app.aggregate), renders: app.renders };
}
