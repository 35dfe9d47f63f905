// Browser tests of what the charts show, on histories written here by hand: series of
// different magnitude on their own axes (small multiples), installs as a stack, the
// referrer and path trends, the comparison of repositories, and the star and fork
// history from day one with its reconstructed part drawn apart.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serve } from '../tools/server.mjs';
import { launch, CHROMIUM } from '../tools/browser.mjs';

const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM}`;
const T = { timeout: 120000, skip };

const D0 = Date.UTC(2026, 5, 1); // 2026-06-01: the first collection of big/one
const day = (k) => new Date(D0 + k * 86400000).toISOString().slice(0, 10);
const LAST = 119; // the last collection day (partial)
const HOSTILE = '<img src=x onerror=window.__pwned=1>';

/** A repository of some size: 1,500 stars rising to 1,797 over the last 90 days, 35 to
 * 45 watchers, two releases, daily referrer snapshots, and a reconstructed star and
 * fork history from a year before tracking. */
function bigRepo() {
  const days = {};
  const stats = {};
  for (let k = 0; k <= LAST; k++) {
    days[day(k)] = [600 + (k % 7) * 40, 60 + (k % 5), 30 + (k % 3), 8, 0];
    const s = k < 30 ? 1500 : 1500 + Math.round(((k - 30) * 297) / (LAST - 30));
    stats[day(k)] = [1780000000 + k * 86400, s, 100 + Math.floor(k / 12), 35 + (k % 11), 5 + (k % 9)];
  }
  days[day(LAST)] = [20, 5, 2, 1];
  const popular = {};
  for (let k = LAST - 20; k <= LAST; k++) {
    const refs = [['Google', 300 + k, 100], ['github.com', 150 - (k % 10), 40], ['news.ycombinator.com', k > LAST - 5 ? 90 : 10, 30]];
    if (k >= LAST - 2) refs.push([HOSTILE, 3, 1]);
    popular[day(k)] = { referrers: refs, paths: [['/big/one', 'big/one', 400, 90], ['/big/one/issues', 'Issues', 50 + (k % 4), 9]] };
  }
  // Reconstructed: from day -365 (1,000 stars, 60 forks) to day 10, overlapping the
  // first collected days with other numbers (the collected snapshot must win).
  const rs = {};
  const rf = {};
  for (let k = -365; k <= 10; k++) {
    rs[day(k)] = 1000 + Math.round(((k + 365) * 480) / 365);
    rf[day(k)] = 60 + Math.floor((k + 365) / 10);
  }
  return {
    schema: 2,
    repo: 'big/one',
    first_collected: `${day(0)}T12:00:00Z`,
    last_collected: `${day(LAST)}T12:00:00Z`,
    days,
    stats,
    assets: {
      1: { release: 'v1.0', name: 'one.tar.gz', counts: { [day(0)]: 500, [day(40)]: 900, [day(90)]: 1400 } },
      2: { release: 'v2.0', name: 'two.tar.gz', counts: { [day(100)]: 80, [day(110)]: 400, [day(LAST)]: 600 } },
    },
    popular,
    partial: [day(LAST)],
    reconstructed: { stars: rs, forks: rf },
    written_by: 'hand',
  };
}

function smallRepo(name, scale, from) {
  const days = {};
  const stats = {};
  for (let k = from; k <= LAST; k++) {
    days[day(k)] = [scale * (3 + (k % 4)), scale, scale * 2, 1];
    stats[day(k)] = [1780000000 + k * 86400, 10 * scale + Math.floor(k / 10), scale, scale, 1];
  }
  return { schema: 2, repo: name, first_collected: `${day(from)}T12:00:00Z`, last_collected: `${day(LAST)}T12:00:00Z`, days, stats, partial: [day(LAST)] };
}

let browser;
let server;
let data;

before(async () => {
  if (skip) return;
  data = mkdtempSync(join(tmpdir(), 'gtt-charts-'));
  const repos = { 'big/one': bigRepo(), 'small/two': smallRepo('small/two', 2, 30), 'mid/three': smallRepo('mid/three', 20, 0) };
  const index = {};
  for (const [name, h] of Object.entries(repos)) {
    const file = `history-${name.replace('/', '.')}.json`;
    index[name] = file;
    writeFileSync(join(data, file), JSON.stringify(h));
  }
  writeFileSync(join(data, 'gtt.json'), JSON.stringify({ schema: 1, updated: `${day(LAST)}T12:00:00Z`, repos: index }));
  server = await serve({ '/site/': fileURLToPath(new URL('../site/', import.meta.url)), '/hand/': data });
  browser = await launch();
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
  if (data) rmSync(data, { recursive: true, force: true });
});

async function open(hash, { viewport } = {}) {
  const page = await browser.context.newPage();
  if (viewport) await page.setViewportSize(viewport);
  const problems = [];
  page.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  page.on('dialog', (d) => {
    problems.push(`dialog: ${d.message()}`);
    d.dismiss().catch(() => {});
  });
  await page.goto(`${server.url}/site/index.html?source=/hand/${hash}`);
  await page.waitForSelector('html[data-state="ready"]', { timeout: 20000 });
  return { page, problems };
}

async function done(w) {
  const found = await w.page.evaluate(() => ({
    pwned: typeof window.__pwned,
    injected: document.querySelectorAll('main img, main svg, main script, main iframe').length,
  }));
  assert.equal(found.pwned, 'undefined', 'no injected code ran');
  assert.equal(found.injected, 0, 'no element came from data');
  assert.deepEqual(w.problems, [], 'no console errors, no dialogs');
  await w.page.close();
}

async function andRender(page, action) {
  const n = Number(await page.evaluate(() => document.documentElement.dataset.renders || 0));
  await action();
  await page.waitForFunction((k) => Number(document.documentElement.dataset.renders) > k, n);
}

/** The share of a panel's plot height that pixels of colour --cN (the series' line)
 * span: a line on its own axis spans most of it, one squeezed onto another's is flat. */
async function extent(page, chart, panel, slot) {
  return page.$eval(
    `[data-chart="${chart}"] .plot-panel:nth-child(${panel + 1})`,
    (box, slot) => {
      const canvas = box.querySelector('canvas');
      const over = box.querySelector('.u-over').getBoundingClientRect();
      const r = canvas.getBoundingClientRect();
      const k = canvas.width / r.width;
      const hex = getComputedStyle(document.documentElement).getPropertyValue(`--c${slot}`).trim();
      const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
      const x0 = Math.round((over.left - r.left) * k);
      const y0 = Math.round((over.top - r.top) * k);
      const w = Math.round(over.width * k);
      const h = Math.round(over.height * k);
      const img = canvas.getContext('2d').getImageData(x0, y0, w, h).data;
      let lo = Infinity;
      let hi = -Infinity;
      for (let i = 0; i < img.length; i += 4) {
        const d = Math.abs(img[i] - want[0]) + Math.abs(img[i + 1] - want[1]) + Math.abs(img[i + 2] - want[2]);
        if (d < 40 && img[i + 3] > 200) {
          const y = Math.floor(i / 4 / w);
          lo = Math.min(lo, y);
          hi = Math.max(hi, y);
        }
      }
      return hi < lo ? 0 : (hi - lo) / h;
    },
    slot,
  );
}

const panelsOf = (page, chart) => page.$$eval(`[data-chart="${chart}"] .plot-panel`, (ps) => ps.map((p) => p.dataset.panelKeys));

test('charts: series of different magnitude get their own axes (small multiples)', T, async () => {
  const w = await open('#tab=community&range=90d&repo=big/one');
  const { page } = w;
  // Stars (about 1,500, +297 in range) and watchers (35 to 45) never share an axis.
  assert.deepEqual(await panelsOf(page, 'stars'), ['stars', 'watchers']);
  assert.deepEqual(await panelsOf(page, 'forks'), ['forks', 'openIssues']);
  const stars = await extent(page, 'stars', 0, 1);
  assert.ok(stars > 0.6, `the +297 stars span most of their panel (${stars.toFixed(2)})`);
  const watchers = await extent(page, 'stars', 1, 2);
  assert.ok(watchers > 0.6, `watchers span most of theirs (${watchers.toFixed(2)})`);
  // Each panel is named; the readout still lists every series of the day.
  assert.deepEqual(await page.$$eval('[data-chart="stars"] .panel-label', (l) => l.map((x) => x.textContent)), ['Stars', 'Watchers']);
  await page.focus('[data-chart="stars"] .plot');
  await page.keyboard.press('End');
  assert.match(await page.textContent('[data-chart="stars"] .readout'), new RegExp(`^${day(LAST)}: Stars 1,797 · Watchers \\d+$`));
  // Hiding a series hides its panel; the CSV keeps what is shown.
  await page.uncheck('[data-chart="stars"] input[data-series="watchers"]');
  assert.equal(await page.isHidden('[data-chart="stars"] .plot-panel:nth-child(2)'), true);
  // The Overview: five series of different size, five panels; the 7-day average with views.
  await andRender(page, () => page.click('#tab-overview'));
  assert.deepEqual(await panelsOf(page, 'traffic'), ['views viewsAvg7', 'viewsUniques', 'clones', 'clonesUniques', 'installs']);
  const uniques = await extent(page, 'traffic', 1, 2);
  assert.ok(uniques > 0.05, `unique visitors (about 60 against 800 views) are not flat at the bottom (${uniques.toFixed(2)})`);
  // One cursor for all panels: the tooltip shows in the panel under the mouse only.
  const box = await page.$eval('[data-chart="traffic"] .plot-panel:nth-child(3) .u-over', (e) => {
    const r = e.getBoundingClientRect();
    return { x: r.left, y: r.top, w: r.width, h: r.height };
  });
  await page.mouse.move(box.x + box.w / 2, box.y + box.h / 2);
  await page.waitForSelector('[data-chart="traffic"] .plot-panel:nth-child(3) .chart-tip:not([hidden])');
  assert.equal(await page.$$eval('[data-chart="traffic"] .chart-tip', (t) => t.length), 1);
  assert.match(await page.textContent('[data-chart="traffic"] .readout'), /Views \d+ · Unique visitors \d+ · Clones \d+ · Unique cloners \d+ · Installs \d+/);
  await done(w);
});

/** Rows (0 = top of the plot) where a chart panel's canvas column at day `k` has the
 * colour --cN (`line`) or its tint on the panel (`fill`, as a stack layer is filled). */
async function column(page, chart, k, slot) {
  return page.$eval(
    `[data-chart="${chart}"] .plot-panel`,
    (box, [slot, k]) => {
      const canvas = box.querySelector('canvas');
      const over = box.querySelector('.u-over').getBoundingClientRect();
      const r = canvas.getBoundingClientRect();
      const s = canvas.width / r.width;
      const cs = getComputedStyle(document.documentElement);
      const rgb = (hex) => [1, 3, 5].map((i) => parseInt(hex.trim().slice(i, i + 2), 16));
      const line = rgb(cs.getPropertyValue(`--c${slot}`));
      const bg = rgb(cs.getPropertyValue('--panel'));
      const fill = line.map((c, i) => Math.round(c * 0.35 + bg[i] * 0.65));
      const [a, b] = JSON.parse(box.closest('[data-chart]').dataset.span);
      const px = Math.round((over.left - r.left + ((k - a) / (b - a)) * over.width) * s);
      const top = Math.round((over.top - r.top) * s);
      const h = Math.round(over.height * s);
      const img = canvas.getContext('2d').getImageData(px, top, 1, h).data;
      const near = (i, c) => Math.abs(img[i] - c[0]) + Math.abs(img[i + 1] - c[1]) + Math.abs(img[i + 2] - c[2]) < 24;
      const out = { line: [], fill: [] };
      for (let y = 0; y < h; y++) {
        if (near(y * 4, line)) out.line.push(y);
        else if (near(y * 4, fill)) out.fill.push(y);
      }
      return out;
    },
    [slot, k],
  );
}

test('charts: installs are release downloads stacked on organic clones', T, async () => {
  const w = await open('#tab=installs&range=30d&repo=big/one');
  const { page } = w;
  await page.evaluate(() => {
    // The plot's x span in days since the fixture's first day, for `column`.
    const sec = document.querySelector('[data-chart="installs"]');
    sec.dataset.span = JSON.stringify([90, 119]);
  });
  await page.uncheck('[data-chart="installs"] input[data-series="installsAvg7"]');
  // Installs are the top of the stack, not a line of their own: no toggle, in the readout.
  assert.deepEqual(await page.$$eval('[data-chart="installs"] .toggle', (t) => t.map((x) => x.textContent)), ['Organic clones', 'Downloads', 'Installs, 7-day average']);
  // Day 110: 320 downloads on about 31 organic clones. Organic clones are filled from 0,
  // the downloads from their top up to installs.
  const org = await column(page, 'installs', 110, 6);
  const dl = await column(page, 'installs', 110, 7);
  assert.ok(org.fill.length > 0 && dl.fill.length > 0, `both layers filled (${org.fill.length}, ${dl.fill.length})`);
  assert.ok(Math.max(...dl.fill) <= Math.min(...org.fill), 'the downloads sit on the organic clones');
  assert.ok(Math.max(...org.line) < Math.max(...org.fill) + 4 && org.line.length > 0, 'the organic clones line is visible, at the top of their layer');
  // Day 105: no downloads: the organic clones line is not hidden under an installs line.
  const quiet = await column(page, 'installs', 105, 6);
  assert.ok(quiet.line.length > 0, 'organic clones visible on a day without downloads');
  assert.equal((await column(page, 'installs', 105, 8)).line.length, 0, 'no installs line drawn over them');
  await page.focus('[data-chart="installs"] .plot');
  await page.keyboard.press('End');
  for (let i = 0; i < 9; i++) await page.keyboard.press('ArrowLeft');
  const m = /^(\S+): Installs (\d+) · Organic clones (\d+) · Downloads (\d+)$/.exec(await page.textContent('[data-chart="installs"] .readout'));
  assert.ok(m, 'the readout lists installs and both layers');
  assert.equal(m[1], day(110));
  assert.equal(Number(m[2]), Number(m[3]) + Number(m[4]));
  assert.equal(Number(m[4]), 320);
  // Hiding the organic clones draws the downloads from 0.
  await page.uncheck('[data-chart="installs"] input[data-series="organicClones"]');
  const alone = await column(page, 'installs', 110, 7);
  assert.ok(Math.max(...alone.fill) > Math.max(...dl.fill), 'the downloads layer now reaches the axis');
  await done(w);
});

test('charts: referrer and path trends show one chosen entry, with totals over the range', T, async () => {
  const w = await open('#tab=views&range=30d&repo=big/one');
  const { page } = w;
  const pick = 'select[data-pick="referrers-over-time"]';
  // Every entry seen in the range, by views over the range; the top one is shown.
  const options = await page.$$eval(`${pick} option`, (os) => os.map((o) => o.textContent));
  assert.deepEqual(options, ['Google', 'github.com', 'news.ycombinator.com', HOSTILE]);
  assert.equal(await page.inputValue(pick), 'Google');
  assert.deepEqual(await page.$$eval('[data-chart="referrers-over-time"] .toggle', (t) => t.map((x) => x.textContent)), ['Google']);
  // Totals: the snapshots of days 119 and 105, whose 14-day windows do not overlap
  // (Google: 300 + 119 and 300 + 105); never the sum of all 21 overlapping snapshots.
  const rows = await page.$$eval('[data-table="referrers-over-time-totals"] tbody tr', (trs) =>
    trs.map((tr) => [...tr.children].map((c) => c.textContent)),
  );
  assert.deepEqual(rows[0], ['Google', '824', '200', '21']);
  assert.equal(rows[2][0], 'news.ycombinator.com');
  assert.equal(rows[2][1], '100', 'day 119 (90) and day 105 (10)');
  assert.match(await page.textContent('[data-panel="referrers-over-time-totals"]'), /Views over 28 of the range's 30 days: the sum of 2 snapshots 14 days apart/);
  // Choosing another entry draws its line; its readout says where it was not listed.
  await page.selectOption(pick, 'news.ycombinator.com');
  await page.focus('[data-chart="referrers-over-time"] .plot');
  await page.keyboard.press('End');
  assert.match(await page.textContent('[data-chart="referrers-over-time"] .readout'), new RegExp(`^${day(LAST)}: news\\.ycombinator\\.com 90$`));
  assert.equal(await page.$$eval('[data-chart]', (c) => c.filter((x) => x.dataset.chart === 'referrers-over-time').length), 1, 'one chart, replaced');
  // A name in the totals picks it too; the choice survives a range change.
  await page.click('[data-table="referrers-over-time-totals"] tbody tr:nth-child(2) button');
  assert.equal(await page.inputValue(pick), 'github.com');
  await andRender(page, () => page.click('label[for="range-90d"]'));
  assert.equal(await page.inputValue(pick), 'github.com');
  // Paths the same way.
  assert.deepEqual(await page.$$eval('select[data-pick="paths-over-time"] option', (os) => os.map((o) => o.textContent)), ['/big/one', '/big/one/issues']);
  await done(w);
});

test('charts: several repositories compared on one metric, absolute or normalised', T, async () => {
  const w = await open('#tab=overview&range=30d&repo=all');
  const { page } = w;
  await page.waitForSelector('[data-chart="compare"]');
  // Beside the table: the comparison, then the repositories table, in the same place.
  const order = await page.$$eval('[data-panel="compare"], [data-table="repos"]', (e) => e.map((x) => x.dataset.panel || x.dataset.table));
  assert.deepEqual(order, ['compare', 'repos']);
  assert.deepEqual(await page.$$eval('[data-chart="compare"] .toggle', (t) => t.map((x) => x.textContent)), ['big/one', 'mid/three', 'small/two']);
  const readout = async () => {
    await page.focus('[data-chart="compare"] .plot');
    await page.keyboard.press('End');
    await page.keyboard.press('ArrowLeft');
    return page.textContent('[data-chart="compare"] .readout');
  };
  // Day 118: big/one 600 + 6 x 40 views, mid/three 20 x 5, small/two 2 x 5.
  assert.equal(await readout(), `${day(118)}: big/one 840 · mid/three 100 · small/two 10`);
  // Normalised: each over its own highest day in the range.
  await page.selectOption('#compare-scale', 'normalised');
  assert.equal(await readout(), `${day(118)}: big/one 100% · mid/three 83.3% · small/two 83.3%`);
  // Another metric: stars, the latest value of each.
  await page.selectOption('#compare-metric', 'stars');
  await page.selectOption('#compare-scale', 'absolute');
  assert.match(await readout(), new RegExp(`^${day(118)}: big/one 1,79\\d · mid/three 211 · small/two 31$`));
  assert.equal(await page.textContent('[data-chart="compare"] h2'), 'Stars by repository');
  // A toggle hides a repository; the CSV holds the ones shown.
  await page.uncheck('[data-chart="compare"] input[data-series="mid/three"]');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-chart="compare"] button.csv')]);
  assert.match(dl.suggestedFilename(), /compare-stars/);
  const { readFileSync } = await import('node:fs');
  assert.equal(readFileSync(await dl.path(), 'utf8').split('\n')[0], 'date,big/one,small/two');
  // Per week: one point a week for every repository; the choices stay.
  await andRender(page, () => page.click('label[for="by-week"]'));
  await page.waitForSelector('[data-chart="compare"]');
  assert.equal(await page.inputValue('#compare-metric'), 'stars');
  assert.ok(Number(await page.getAttribute('[data-chart="compare"]', 'data-points')) <= 6);
  await done(w);
});

const RECON = 'reconstructed from the stargazers listing; unstars cannot be seen';

test('charts: stars and forks from day one, the reconstructed part drawn apart and explained', T, async () => {
  const w = await open('#tab=community&range=90d&repo=big/one');
  const { page } = w;
  // The whole curve: from the first reconstructed day (day -365) to the last collection.
  const h = '[data-chart="history"]';
  assert.equal(await page.getAttribute(h, 'data-points'), String(LAST + 365 + 1));
  assert.deepEqual(await panelsOf(page, 'history'), ['stars starsRecon', 'forks forksRecon']);
  assert.match(await page.textContent(`${h} .recon-legend`), new RegExp(RECON));
  assert.match(await page.textContent(`${h} .chart-summary`), new RegExp(`every day collected or reconstructed.*Since ${day(-365)}, the first reconstructed day`));
  await page.focus(`${h} .plot`);
  await page.keyboard.press('Home');
  assert.equal(
    await page.textContent(`${h} .readout`),
    `${day(-365)} (${RECON}; forks reconstructed from the forks listing; deleted forks cannot be seen): Stars not collected · Stars, reconstructed 1,000 · Forks not collected · Forks, reconstructed 60`,
  );
  // Day 5 has both: the collected snapshot wins, the reconstruction is not shown.
  for (let k = 0; k < 52; k++) await page.keyboard.press('Shift+ArrowRight');
  for (let k = 0; k < 6; k++) await page.keyboard.press('ArrowRight');
  assert.equal(await page.textContent(`${h} .readout`), `${day(5)}: Stars 1,500 · Forks 100`);
  // The reconstructed days are drawn, dashed: colour in a column of the first year.
  const dashed = await page.$eval(`${h} .plot-panel`, (box) => {
    const canvas = box.querySelector('canvas');
    const g = canvas.getContext('2d');
    const hex = getComputedStyle(document.documentElement).getPropertyValue('--c1').trim();
    const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
    const over = box.querySelector('.u-over').getBoundingClientRect();
    const r = canvas.getBoundingClientRect();
    const k = canvas.width / r.width;
    // Along the first quarter of the plot, rows of line colour come and go (dashes).
    const y0 = Math.round((over.top - r.top) * k);
    const img = g.getImageData(Math.round((over.left - r.left) * k), y0, Math.round((over.width / 4) * k), Math.round(over.height * k));
    let on = 0;
    let runs = 0;
    for (let x = 0; x < img.width; x++) {
      let hit = false;
      for (let y = 0; y < img.height && !hit; y++) {
        const i = (y * img.width + x) * 4;
        hit = Math.abs(img.data[i] - want[0]) + Math.abs(img.data[i + 1] - want[1]) + Math.abs(img.data[i + 2] - want[2]) < 60 && img.data[i + 3] > 200;
      }
      if (hit && !on) runs++;
      on = hit;
    }
    return runs;
  });
  assert.ok(dashed > 5, `a dashed line (${dashed} dashes)`);
  // The CSV keeps the two sources apart.
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click(`${h} button.csv`)]);
  const { readFileSync } = await import('node:fs');
  const lines = readFileSync(await dl.path(), 'utf8').trim().split('\n');
  assert.equal(lines[0], 'date,stars,starsRecon,forks,forksRecon');
  assert.equal(lines[1], `${day(-365)},,1000,,60`);
  assert.equal(lines[1 + 365 + 5], `${day(5)},1500,,100,`);
  // The range's charts: no reconstructed day in the last 90, nothing to explain.
  assert.equal(await page.$$eval('[data-chart="stars"] .recon-legend, [data-chart="stars"] input[data-series="starsRecon"]', (e) => e.length), 0);
  // Everything: the range's charts start on day one and there is no second chart.
  await andRender(page, () => page.click('label[for="range-all"]'));
  assert.equal(await page.$$eval(h, (e) => e.length), 0);
  assert.equal(await page.getAttribute('[data-chart="stars"]', 'data-points'), String(LAST + 365 + 1));
  assert.deepEqual(await panelsOf(page, 'stars'), ['stars starsRecon', 'watchers']);
  // Per month: the reconstructed months too.
  await andRender(page, () => page.click('label[for="by-month"]'));
  assert.equal(await page.getAttribute('[data-chart="stars"]', 'data-points'), '16');
  // The traffic model is untouched: days before tracking are no gaps.
  await andRender(page, () => page.click('#tab-overview'));
  assert.match(await page.textContent('[data-panel="freshness"]'), new RegExp(`Days collected in range${LAST + 1} of ${LAST + 1};`));
  await done(w);
});

test('charts: at 390 px the new panels fit the screen', T, async () => {
  for (const [repo, tabs] of [['all', ['overview']], ['big/one', ['overview', 'installs', 'views', 'community']]]) {
    const w = await open(`#tab=${tabs[0]}&range=90d&repo=${repo}`, { viewport: { width: 390, height: 844 } });
    const { page } = w;
    for (const t of tabs) {
      if ((await page.getAttribute(`#tab-${t}`, 'aria-selected')) !== 'true') await andRender(page, () => page.click(`#tab-${t}`));
      await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => ok())));
      const width = await page.evaluate(() => document.scrollingElement.scrollWidth);
      assert.ok(width <= 390, `${repo} ${t}: no sideways scrolling (${width}px)`);
    }
    await done(w);
  }
});
