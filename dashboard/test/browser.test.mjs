// Browser tests: the built site, with data written by gtt itself, in Debian's Chromium.
// `cargo test --test integration dashboard::` makes the fixtures and runs this file with
// GTT_FIXTURES set; without it (plain `npm test`) these tests are skipped.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL, fileURLToPath } from 'node:url';
import { serve } from '../tools/server.mjs';
import { launch } from '../tools/browser.mjs';

const FIX = process.env.GTT_FIXTURES ? JSON.parse(process.env.GTT_FIXTURES) : null;
const skip = FIX ? false : 'GTT_FIXTURES not set (cargo test --test integration dashboard:: sets it)';
const T = { timeout: 120000, skip };

let browser;
let server;
const offLoopback = [];

before(async () => {
  if (!FIX) return;
  server = await serve({
    '/single/': FIX.single.site,
    '/multi/': FIX.multi.site,
    '/xss/': FIX.xss.site,
    '/long/': FIX.long.site,
    '/split/': FIX.split.site,
    // The single fixture's data folder as if it were a gist's raw files.
    '/gist/octo/0123abcd/raw/': FIX.single.data,
  });
  browser = await launch();
  // Nothing may leave loopback: every other request fails the test.
  await browser.context.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if (u.protocol === 'http:' && u.hostname === '127.0.0.1') return route.continue();
    if (u.protocol === 'file:' || u.protocol === 'blob:' || u.protocol === 'data:') return route.continue();
    offLoopback.push(u.href);
    return route.abort();
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
});

// ---------- helpers ----------

function parseCsv(text) {
  const [head, ...lines] = text.trim().split('\n');
  const cols = head.split(',');
  return lines.map((l) => {
    const cells = l.split(',');
    return Object.fromEntries(cols.map((c, i) => [c, cells[i] ?? '']));
  });
}

function exportRows(fixture, repo) {
  return parseCsv(readFileSync(fixture.csv, 'utf8')).filter((r) => !repo || r.repo === repo);
}

const sumOf = (rows, col) => rows.reduce((s, r) => s + (r[col] === '' ? 0 : Number(r[col])), 0);
const lastOf = (rows, col) => {
  for (let i = rows.length - 1; i >= 0; i--) if (rows[i][col] !== '') return Number(rows[i][col]);
  return null;
};
const dayMs = (s) => Date.parse(s + 'T00:00:00Z');
const daysBetween = (a, b) => Math.round((dayMs(b) - dayMs(a)) / 86400000) + 1;
const iso = (ms) => new Date(ms).toISOString().slice(0, 10);

/** Runs of dates missing between the first and last exported date. */
function gapRuns(rows) {
  const have = new Set(rows.map((r) => r.date));
  const runs = [];
  let start = null;
  for (let ms = dayMs(rows[0].date); ms <= dayMs(rows[rows.length - 1].date); ms += 86400000) {
    const d = iso(ms);
    if (!have.has(d) && start === null) start = d;
    if (have.has(d) && start !== null) {
      runs.push([start, iso(ms - 86400000)]);
      start = null;
    }
  }
  return runs;
}

/** Opens a page and watches it: console errors, page errors, dialogs. */
async function open(url, { viewport, colorScheme, clock } = {}) {
  const page = await browser.context.newPage();
  if (clock) await page.clock.setFixedTime(clock);
  if (viewport) await page.setViewportSize(viewport);
  if (colorScheme) await page.emulateMedia({ colorScheme });
  const problems = [];
  const dialogs = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => {
    dialogs.push(d.message());
    d.dismiss().catch(() => {});
  });
  await page.goto(url);
  await page.waitForSelector('html[data-state="ready"]', { timeout: 20000 });
  return { page, problems, dialogs };
}

async function clean(w) {
  assert.deepEqual(w.problems, [], 'no console errors');
  assert.deepEqual(w.dialogs, [], 'no dialogs');
  assert.deepEqual(offLoopback, [], 'no request left 127.0.0.1');
  await w.page.close();
}

async function renders(page) {
  return Number(await page.evaluate(() => document.documentElement.dataset.renders || 0));
}

/** Does `action`, then waits for the next render to be drawn. */
async function andRender(page, action) {
  const n = await renders(page);
  await action();
  await page.waitForFunction((k) => Number(document.documentElement.dataset.renders) > k, n);
}

async function cardValue(page, metric) {
  const t = await page.textContent(`[data-metric="${metric}"] .value`);
  return t === '–' ? null : Number(t.replace(/[^0-9-]/g, ''));
}

async function chartCsv(page, chart) {
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(`[data-chart="${chart}"] button.csv`)]);
  return parseCsv(readFileSync(await dl.path(), 'utf8'));
}

async function chartAttr(page, chart) {
  return page.$eval(`[data-chart="${chart}"]`, (e) => ({ points: Number(e.dataset.points), gaps: Number(e.dataset.gaps) }));
}

/** Every row of a chart's CSV against gtt export: gap days empty, others equal. */
function compare(chartRows, rows, map) {
  const byDate = new Map(rows.map((r) => [r.date, r]));
  let compared = 0;
  for (const c of chartRows) {
    const r = byDate.get(c.date);
    for (const [key, f] of Object.entries(map)) {
      const want = r ? String(f(r)) : '';
      assert.equal(c[key], want, `${key} on ${c.date}`);
      compared++;
    }
  }
  return compared;
}

const num = (col) => (r) => r[col];
const installs = (r) => Number(r.organic_clones) + (r.downloads === '' ? 0 : Number(r.downloads));

async function tab(page, name) {
  await andRender(page, () => page.click(`#tab-${name}`));
  assert.equal(await page.getAttribute(`#tab-${name}`, 'aria-selected'), 'true');
}

async function screenshot(page, name) {
  if (!FIX.screenshots) return;
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  await page.mouse.move(0, 0);
  await page.screenshot({ path: join(FIX.screenshots, `${name}.png`) });
}

// ---------- tests ----------

test('browser: every tab shows the numbers gtt export gives, gaps as gaps', T, async () => {
  const rows = exportRows(FIX.single, 'octo/hello');
  const first = rows[0].date;
  const last = rows[rows.length - 1].date;
  const days = daysBetween(first, last);
  const w = await open(`${server.url}/single/index.html#tab=overview&range=all&repo=octo/hello`);
  const { page } = w;
  assert.equal(await page.isHidden('#repo-control'), true, 'no switcher for one repository');
  assert.equal(await page.getAttribute('#panel', 'data-from'), first);
  assert.equal(await page.getAttribute('#panel', 'data-to'), last);

  // Overview: cards and the combined chart.
  assert.equal(await cardValue(page, 'views'), sumOf(rows, 'views'));
  assert.equal(await cardValue(page, 'clones'), sumOf(rows, 'clones'));
  assert.equal(await cardValue(page, 'downloads'), sumOf(rows, 'downloads'));
  assert.equal(await cardValue(page, 'installs'), sumOf(rows, 'downloads') + sumOf(rows, 'organic_clones'));
  assert.equal(await cardValue(page, 'stars'), lastOf(rows, 'stars'));
  assert.equal(await cardValue(page, 'forks'), lastOf(rows, 'forks'));
  const gaps = gapRuns(rows);
  assert.ok(gaps.length >= 1, 'the fixture has a gap');
  const gapDays = gaps.reduce((s, [a, b]) => s + daysBetween(a, b), 0);
  assert.deepEqual(await chartAttr(page, 'traffic'), { points: days, gaps: gapDays });
  const traffic = await chartCsv(page, 'traffic');
  assert.equal(traffic.length, days);
  compare(traffic, rows, {
    views: num('views'),
    viewsUniques: num('views_uniques'),
    clones: num('clones'),
    clonesUniques: num('clones_uniques'),
    installs,
  });
  // A gap day is empty in every series, a zero day is 0.
  const gapDay = gaps[0][0];
  assert.deepEqual(traffic.find((r) => r.date === gapDay), { date: gapDay, views: '', viewsUniques: '', clones: '', clonesUniques: '', installs: '' });
  const zero = rows.find((r) => r.views === '0');
  assert.ok(zero, 'the fixture has a zero day');
  assert.equal(traffic.find((r) => r.date === zero.date).views, '0');
  const fresh = await page.textContent('[data-panel="freshness"]');
  assert.match(fresh, /Last collected/);
  assert.match(fresh, new RegExp(`${gaps[0][0]} – ${gaps[0][1]}`));

  // Installs.
  await tab(page, 'installs');
  assert.equal(await page.evaluate(() => location.hash), '#tab=installs&range=all&repo=octo/hello');
  compare(await chartCsv(page, 'installs'), rows, {
    installs,
    downloads: num('downloads'),
    organicClones: num('organic_clones'),
  });
  const releases = await page.$$eval('[data-table="releases"] tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  assert.deepEqual(releases.map((r) => r[0]).sort(), ['v1.0.0', 'v1.1.0']);

  // Views: chart, and the referrers of the latest snapshot as stored.
  await tab(page, 'views');
  compare(await chartCsv(page, 'views'), rows, { views: num('views'), viewsUniques: num('views_uniques') });
  const hist = JSON.parse(readFileSync(join(FIX.single.data, 'history-octo.hello.json'), 'utf8'));
  const latest = Object.keys(hist.popular).sort().pop();
  const refs = await page.$$eval('[data-table="referrers"] tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  const want = [...hist.popular[latest].referrers].sort((a, b) => b[1] - a[1]);
  assert.deepEqual(refs.map((r) => [r[0], Number(r[1]), Number(r[2])]), want);
  const paths = await page.$$eval('[data-table="paths"] tbody tr a', (as) => as.map((a) => a.href));
  assert.ok(paths.length > 0 && paths.every((h) => h.startsWith('https://github.com/octo/hello')), String(paths));
  assert.ok((await chartAttr(page, 'referrers-over-time')).points > 1, 'referrers over snapshots');

  // Community.
  await tab(page, 'community');
  compare(await chartCsv(page, 'stars'), rows, { stars: num('stars'), watchers: num('watchers') });
  compare(await chartCsv(page, 'forks'), rows, { forks: num('forks'), openIssues: num('open_issues') });

  // Dev: raw, CI, organic; CI counted on some days; coverage lists the gap.
  await tab(page, 'dev');
  const clones = await chartCsv(page, 'clones');
  compare(clones, rows, { clones: num('clones'), ciCheckouts: num('ci_checkouts'), organicClones: num('organic_clones') });
  assert.ok(clones.some((r) => Number(r.ciCheckouts) > 0), 'CI checkouts were counted');
  compare(await chartCsv(page, 'uniques'), rows, { clonesUniques: num('clones_uniques'), organicUniques: num('organic_clones_uniques') });
  const coverage = await page.textContent('[data-panel="coverage"]');
  for (const [a, b] of gaps) assert.ok(coverage.includes(`${a} – ${b} (${daysBetween(a, b)} days)`), coverage);
  assert.match(coverage, new RegExp(`${rows.length} of ${days} tracked days collected`));
  await clean(w);
});

test('browser: ranges, series toggles and the URL hash round-trip', T, async () => {
  const w = await open(`${server.url}/single/index.html#tab=views&range=30d&repo=octo/hello`);
  const { page } = w;
  assert.equal((await chartAttr(page, 'views')).points, 30);
  assert.equal(await page.isChecked('#range-30d'), true);
  for (const [range, points] of [['90d', 90], ['1y', 365]]) {
    await andRender(page, () => page.click(`label[for="range-${range}"]`));
    assert.equal((await chartAttr(page, 'views')).points, points);
    assert.equal(await page.evaluate(() => location.hash), `#tab=views&range=${range}&repo=octo/hello`);
  }
  // Back restores the previous range; a reload restores the whole view.
  await andRender(page, () => page.goBack());
  assert.equal(await page.evaluate(() => location.hash), '#tab=views&range=90d&repo=octo/hello');
  assert.equal(await page.isChecked('#range-90d'), true);
  assert.equal((await chartAttr(page, 'views')).points, 90);
  await page.reload();
  await page.waitForSelector('html[data-state="ready"]');
  assert.equal(await page.getAttribute('#tab-views', 'aria-selected'), 'true');
  assert.equal(await page.isChecked('#range-90d'), true);
  // Editing the hash by hand (a shared link) changes the view; junk falls back.
  await andRender(page, () => page.evaluate(() => (location.hash = '#tab=dev&range=1y&repo=OCTO/HELLO')));
  assert.equal(await page.getAttribute('#tab-dev', 'aria-selected'), 'true');
  assert.equal(await page.evaluate(() => location.hash), '#tab=dev&range=1y&repo=octo/hello');
  await andRender(page, () => page.evaluate(() => (location.hash = '#tab=<b>&range=9y')));
  assert.equal(await page.evaluate(() => location.hash), '#tab=overview&range=90d&repo=octo/hello');

  // Keyboard: arrows move between tabs (and select them); the focused tab follows.
  await page.focus('#tab-overview');
  await andRender(page, () => page.keyboard.press('ArrowRight'));
  assert.equal(await page.getAttribute('#tab-installs', 'aria-selected'), 'true');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-installs');
  await andRender(page, () => page.keyboard.press('End'));
  assert.equal(await page.getAttribute('#tab-dev', 'aria-selected'), 'true');
  // Arrows on a focused chart move its readout.
  await page.focus('[data-chart="clones"] .plot');
  await page.keyboard.press('ArrowLeft');
  assert.match(await page.textContent('[data-chart="clones"] .readout'), /^\d{4}-\d{2}-\d{2}: Clones /);

  // A series toggle hides the series from the chart and its CSV, and survives a range change.
  await tab(page, 'views');
  await page.uncheck('[data-chart="views"] input[data-series="viewsUniques"]');
  assert.deepEqual(Object.keys((await chartCsv(page, 'views'))[0]), ['date', 'views']);
  await andRender(page, () => page.click('label[for="range-30d"]'));
  assert.equal(await page.isChecked('[data-chart="views"] input[data-series="viewsUniques"]'), false);
  await page.check('[data-chart="views"] input[data-series="viewsUniques"]');
  assert.deepEqual(Object.keys((await chartCsv(page, 'views'))[0]), ['date', 'views', 'viewsUniques']);

  // Every control has an accessible name.
  const unnamed = await page.$$eval('button, input, select, [role="tab"]', (els) =>
    els
      .filter((e) => {
        const label = e.getAttribute('aria-label') || e.textContent.trim() || (e.id && document.querySelector(`label[for="${e.id}"]`)) || e.closest('label');
        return !label;
      })
      .map((e) => e.outerHTML.slice(0, 80)),
  );
  assert.deepEqual(unnamed, []);
  await clean(w);
});

test('browser: several repositories: switcher, sortable table with totals, aggregate', T, async () => {
  const all = exportRows(FIX.multi);
  const repos = FIX.multi.repos;
  const w = await open(`${server.url}/multi/index.html`);
  const { page } = w;
  assert.equal(await page.evaluate(() => location.hash), '#tab=overview&range=90d&repo=all');
  await andRender(page, () => page.click('label[for="range-all"]'));
  const options = await page.$$eval('#repo option', (os) => os.map((o) => o.value));
  assert.deepEqual(options, ['all', ...[...repos].sort()]);

  const table = async () =>
    page.$$eval('[data-table="repos"] tbody tr', (trs) => trs.map((tr) => [...tr.children].map((c) => c.textContent)));
  const rowsNow = await table();
  assert.equal(rowsNow.length, repos.length);
  for (const r of rowsNow) {
    const name = r[0].replace(/ ?GitHub$/, '');
    assert.equal(Number(r[1].replace(/,/g, '')), sumOf(exportRows(FIX.multi, name), 'views'), `views of ${name}`);
    assert.equal(Number(r[3].replace(/,/g, '')), sumOf(exportRows(FIX.multi, name), 'clones'), `clones of ${name}`);
  }
  const total = await page.$$eval('[data-table="repos"] tfoot tr > *', (c) => c.map((x) => x.textContent));
  assert.match(total[0], /Total \(3 repositories\)/);
  assert.equal(Number(total[1].replace(/,/g, '')), sumOf(all, 'views'));
  assert.equal(await cardValue(page, 'views'), sumOf(all, 'views'));

  // Sorting: by views descending (default), then ascending; by name.
  const views = async () => (await table()).map((r) => Number(r[1].replace(/,/g, '')));
  const desc = await views();
  assert.deepEqual(desc, [...desc].sort((a, b) => b - a));
  assert.equal(await page.getAttribute('[data-table="repos"] th:nth-child(2)', 'aria-sort'), 'descending');
  await page.click('[data-table="repos"] th:nth-child(2) button');
  assert.deepEqual(await views(), [...desc].sort((a, b) => a - b));
  assert.equal(await page.getAttribute('[data-table="repos"] th:nth-child(2)', 'aria-sort'), 'ascending');
  await page.click('[data-table="repos"] th:nth-child(1) button');
  const names = (await table()).map((r) => r[0].replace(/ ?GitHub$/, ''));
  assert.deepEqual(names, [...names].sort((a, b) => a.localeCompare(b)));

  // The aggregate chart sums the repositories per day.
  const agg = await chartCsv(page, 'traffic');
  const byDate = new Map();
  for (const r of all) byDate.set(r.date, (byDate.get(r.date) ?? 0) + Number(r.views));
  for (const c of agg) assert.equal(c.views, byDate.has(c.date) ? String(byDate.get(c.date)) : '', c.date);

  // The switcher, and the table's repository buttons.
  await andRender(page, () => page.selectOption('#repo', 'octo/world'));
  assert.equal(await page.evaluate(() => location.hash), '#tab=overview&range=all&repo=octo/world');
  assert.equal(await cardValue(page, 'views'), sumOf(exportRows(FIX.multi, 'octo/world'), 'views'));
  await andRender(page, () => page.selectOption('#repo', 'all'));
  await andRender(page, () => page.click('[data-table="repos"] button[data-repo="acme/tool"]'));
  assert.equal(await page.inputValue('#repo'), 'acme/tool');
  assert.equal(await cardValue(page, 'views'), sumOf(exportRows(FIX.multi, 'acme/tool'), 'views'));
  const gh = await page.$$eval('a[href]', (as) => as.map((a) => a.href));
  assert.ok(gh.every((h) => h.startsWith('https://github.com/')), String(gh));

  // Switching does not parse again: one model per repository, kept.
  await tab(page, 'views');
  await andRender(page, () => page.selectOption('#repo', 'octo/hello'));
  await tab(page, 'dev');
  await andRender(page, () => page.selectOption('#repo', 'acme/tool'));
  assert.deepEqual(await page.evaluate(() => window.gtt.stats().models), 3);

  await clean(w);
});

test('browser: screenshots of each tab for the README', T, async () => {
  // Light theme, 1280x800, with the clock a few hours after the last collection so the
  // freshness panel reads as it would on a live site.
  const updated = JSON.parse(readFileSync(join(FIX.multi.data, 'gtt.json'), 'utf8')).updated;
  const w = await open(`${server.url}/multi/index.html#tab=overview&range=90d&repo=all`, {
    clock: new Date(Date.parse(updated) + 5 * 3600 * 1000),
  });
  const { page } = w;
  await screenshot(page, 'overview');
  for (const t of ['installs', 'views', 'community', 'dev']) {
    await andRender(page, () => page.evaluate((x) => (location.hash = `#tab=${x}&range=90d&repo=octo/hello`), t));
    await screenshot(page, t);
  }
  await clean(w);
});

test('browser: a gist-like source is fetched once per file', T, async () => {
  const source = `${server.url}/gist/octo/0123abcd/raw/`;
  const before = server.requests.length;
  const w = await open(`${server.url}/single/index.html?source=${encodeURIComponent(source)}#tab=overview&range=all&repo=octo/hello`);
  const { page } = w;
  assert.equal(await cardValue(page, 'views'), sumOf(exportRows(FIX.single, 'octo/hello'), 'views'));
  for (const t of ['installs', 'views', 'community', 'dev', 'overview']) await tab(page, t);
  const data = server.requests.slice(before).filter((r) => r.path.startsWith('/gist/'));
  assert.deepEqual(data.map((r) => r.path).sort(), ['/gist/octo/0123abcd/raw/gtt.json', '/gist/octo/0123abcd/raw/history-octo.hello.json']);
  assert.match(await page.textContent('#source'), /gist\/octo\/0123abcd\/raw/);
  await clean(w);
});

const XSS_TEXTS = [
  '<img src=x onerror=window.__pwned=1>',
  '<script>window.__pwned=2</script>',
  'javascript:window.__pwned=3',
  '"><svg onload=window.__pwned=4>',
];

async function inert(page) {
  const found = await page.evaluate(() => ({
    pwned: typeof window.__pwned,
    injected: document.querySelectorAll('main img, main svg, main script, main iframe, main object, main embed').length,
    scripts: [...document.scripts].map((s) => s.getAttribute('src')),
    links: [...document.querySelectorAll('a[href]')].map((a) => a.href),
  }));
  assert.equal(found.pwned, 'undefined', 'no injected code ran');
  assert.equal(found.injected, 0, 'no element came from data');
  assert.deepEqual(found.scripts.slice(0, 3), ['config.js', 'vendor/uPlot.iife.min.js', 'app.js']);
  // From file://, the data scripts gtt wrote beside the page's data copies, nothing else.
  const data = found.scripts.slice(3);
  if (data.length) assert.equal(new URL(await page.url()).protocol, 'file:', 'data scripts only from file://');
  for (const s of data) assert.match(s, /^file:\/\/.*\/data\/(gtt|repo-[a-z0-9._-]+)\.js$/, s);
  for (const l of found.links) assert.ok(l.startsWith('https://github.com/'), l);
}

for (const how of ['file://', 'http']) {
  test(`browser: hostile referrers, paths, titles and tags stay text (${how})`, T, async () => {
    const page0 = how === 'http' ? `${server.url}/xss/index.html` : pathToFileURL(join(FIX.xss.site, 'index.html')).href;
    const w = await open(`${page0}#tab=views&range=all&repo=xss-test/site`);
    const { page } = w;
    const refs = await page.$$eval('[data-table="referrers"] tbody th', (c) => c.map((x) => x.textContent));
    assert.deepEqual(refs, XSS_TEXTS);
    const paths = await page.$$eval('[data-table="paths"] tbody tr', (trs) => trs.map((tr) => [tr.children[0].textContent, tr.children[1].textContent]));
    assert.deepEqual(paths.find((p) => p[0] === 'javascript:window.__pwned=5'), ['javascript:window.__pwned=5', '<img src=x onerror=window.__pwned=6>']);
    assert.ok(paths.some((p) => p[1] === '</script><script>window.__pwned=9</script>'));
    // Only the plain github.com path is a link.
    const hrefs = await page.$$eval('[data-table="paths"] a', (as) => as.map((a) => a.href));
    assert.deepEqual(hrefs, ['https://github.com/xss-test/site']);
    // The trend's entries (its choice, its totals, its series label) are data too.
    const options = await page.$$eval('select[data-pick="referrers-over-time"] option', (os) => os.map((o) => [o.textContent, o.value]));
    assert.deepEqual(options.sort(), XSS_TEXTS.map((t) => [t, t]).sort());
    const totals = await page.$$eval('[data-table="referrers-over-time-totals"] tbody th', (c) => c.map((x) => x.textContent));
    assert.deepEqual(totals.sort(), [...XSS_TEXTS].sort());
    for (const t of XSS_TEXTS) {
      await page.selectOption('select[data-pick="referrers-over-time"]', t);
      assert.deepEqual(await page.$$eval('[data-chart="referrers-over-time"] .toggle', (ls) => ls.map((l) => l.textContent)), [t]);
    }
    await page.hover('[data-chart="referrers-over-time"] .plot');
    await inert(page);
    for (const t of ['overview', 'installs', 'community', 'dev']) {
      await tab(page, t);
      await inert(page);
    }
    await tab(page, 'installs');
    const rel = await page.$$eval('[data-table="releases"] tbody th', (c) => c.map((x) => x.textContent));
    assert.deepEqual(rel, ['<img src=x onerror=window.__pwned=11>']);
    await inert(page);
    await clean(w);
  });
}

test('browser: the file:// build opens and renders', T, async () => {
  const rows = exportRows(FIX.single, 'octo/hello');
  const url = pathToFileURL(join(FIX.single.site, 'index.html')).href;
  const w = await open(`${url}#tab=overview&range=all&repo=octo/hello`);
  const { page } = w;
  assert.equal(await cardValue(page, 'views'), sumOf(rows, 'views'));
  assert.equal((await chartAttr(page, 'traffic')).points, daysBetween(rows[0].date, rows[rows.length - 1].date));
  await tab(page, 'dev');
  assert.match(await page.evaluate(() => location.hash), /tab=dev/);
  await clean(w);
  const x = await open(`${pathToFileURL(join(FIX.xss.site, 'index.html')).href}#tab=views&range=all`);
  await inert(x.page);
  await clean(x);
});

test('browser: a split history (live and settled files) is shown whole, over http and from file://', T, async () => {
  const rows = exportRows(FIX.split, 'octo/hello');
  assert.ok(rows[0].date < '2027-01-01' && rows[rows.length - 1].date > '2028-01-01', 'days on both sides of the split');
  const site = `#tab=overview&range=all&repo=octo/hello`;
  for (const url of [`${server.url}/split/index.html`, pathToFileURL(join(FIX.split.site, 'index.html')).href]) {
    const w = await open(url + site);
    const { page } = w;
    assert.equal(await page.getAttribute('#panel', 'data-from'), rows[0].date, url);
    assert.equal(await cardValue(page, 'views'), sumOf(rows, 'views'), url);
    assert.equal(await cardValue(page, 'clones'), sumOf(rows, 'clones'), url);
    assert.equal((await chartAttr(page, 'traffic')).points, daysBetween(rows[0].date, rows[rows.length - 1].date), url);
    await clean(w);
  }
});

test('browser: readable on a phone, and dark when the system is', T, async () => {
  const w = await open(`${server.url}/multi/index.html#tab=overview&range=90d&repo=all`, {
    viewport: { width: 390, height: 844 },
    colorScheme: 'dark',
  });
  const { page } = w;
  const m = await page.evaluate(() => ({
    overflow: document.documentElement.scrollWidth - window.innerWidth,
    bg: getComputedStyle(document.body).backgroundColor,
    chart: document.querySelector('[data-chart="traffic"] canvas').getBoundingClientRect().width,
  }));
  assert.ok(m.overflow <= 0, `no sideways scrolling (overflow ${m.overflow}px)`);
  assert.equal(m.bg, 'rgb(13, 17, 23)');
  assert.ok(m.chart > 250 && m.chart <= 390, `chart fits the screen (${m.chart}px)`);
  for (const t of ['installs', 'views', 'community', 'dev']) {
    await tab(page, t);
    const o = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(o <= 0, `${t}: no sideways scrolling (${o}px)`);
  }
  await clean(w);
});

test('browser: the shipped site without data explains itself, without errors', T, async () => {
  const w = await browser.context.newPage();
  const problems = [];
  w.on('console', (m) => m.type() === 'error' && problems.push(m.text()));
  // The unconfigured site is dashboard/site itself: config.js/data.js null, config.json null.
  const dist = fileURLToPath(new URL('../site/', import.meta.url));
  const s = await serve({ '/': dist });
  await w.goto(`${s.url}/index.html`);
  await w.waitForSelector('html[data-state="nosource"]');
  assert.match(await w.textContent('#status'), /No data source/);
  assert.deepEqual(problems, []);
  const paths = s.requests.map((r) => r.path);
  assert.ok(paths.includes('/config.json'), 'config.json was read');
  await w.close();
  await s.close();
});

// ---------- strings too long to show, data that does not load ----------

/** The longest text node in #panel, and every title attribute there. */
async function panelTexts(page) {
  return page.evaluate(() => {
    const panel = document.getElementById('panel');
    const walk = document.createTreeWalker(panel, NodeFilter.SHOW_TEXT);
    let longest = 0;
    while (walk.nextNode()) longest = Math.max(longest, walk.currentNode.data.length);
    const titles = [...panel.querySelectorAll('[title]')].map((e) => e.getAttribute('title'));
    return { longest, titles, total: panel.textContent.length };
  });
}

test('browser: a 50,000-character referrer, path and title are shown shortened, whole in the tooltip and the CSV', T, async () => {
  const L = FIX.long.length;
  const w = await open(`${server.url}/long/index.html#tab=overview&range=all&repo=long-test/site`);
  const { page } = w;
  await tab(page, 'views');
  const t = await panelTexts(page);
  assert.ok(t.longest <= 201, `no shown text longer than 201 characters (${t.longest})`);
  assert.ok(t.total < 20000, `the Views tab's text stays small (${t.total})`);
  assert.ok(t.titles.includes('r'.repeat(L)), 'the referrer in full in a tooltip');
  assert.ok(t.titles.includes('t'.repeat(L)), 'the title in full in a tooltip');
  const ref = await page.$$eval('[data-table="referrers"] tbody th', (c) => c.map((x) => x.textContent));
  assert.ok(ref.includes('r'.repeat(200) + '…'), 'shortened with an ellipsis');
  assert.ok(ref.includes('github.com'), 'short strings unchanged');
  const labels = await page.$$eval('[data-chart="referrers-over-time"] .toggle', (ls) => ls.map((l) => l.textContent));
  assert.ok(labels.every((l) => l.length <= 201), 'chart labels shortened');
  await page.hover('[data-chart="referrers-over-time"] .plot');
  const readout = await page.textContent('[data-chart="referrers-over-time"] .readout');
  assert.ok(readout.length < 2000, `the hover readout stays short (${readout.length})`);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('button[data-csv="referrers"]')]);
  const csv = parseCsv(readFileSync(await dl.path(), 'utf8'));
  assert.ok(csv.some((r) => r.Referrer === 'r'.repeat(L)), 'the CSV keeps the full text');
  // Switching back and forth stays cheap: every switch completes.
  for (const name of ['overview', 'views', 'dev', 'views']) await tab(page, name);
  await inert(page);
  await clean(w);
});

test('browser: data that fails to load shows one error panel, and the tabs then do no harm', T, async () => {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${server.url}/xss/index.html?source=missing/#tab=views`);
  await page.waitForSelector('html[data-state="error"]');
  const status = await page.$$eval('#status:not([hidden])', (s) => s.map((x) => x.textContent));
  assert.equal(status.length, 1, 'one error panel');
  assert.match(status[0], /Cannot load the data/);
  assert.match(status[0], /gtt\.json from http:\/\/127\.0\.0\.1:\d+\/xss\/missing\/: HTTP 404/, 'it names what failed');
  assert.match(status[0], /check/i, 'it says what to check');
  for (const name of ['overview', 'installs', 'views', 'community', 'dev']) {
    await page.click(`#tab-${name}`);
    await page.keyboard.press('ArrowRight');
  }
  await page.evaluate(() => {
    location.hash = '#tab=dev&range=30d';
  });
  await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => setTimeout(ok, 50))));
  assert.deepEqual(errors, [], 'no uncaught exception');
  assert.equal(await page.getAttribute('html', 'data-state'), 'error');
  assert.equal(await page.$$eval('#status:not([hidden])', (s) => s.length), 1, 'still one error panel');
  assert.equal(await page.$eval('#panel', (p) => p.childElementCount), 0, 'no view drawn without data');
  await page.close();
});
