// Browser tests on histories written here by hand (no gtt needed): partial days drawn
// apart and left out of trends, no line across a gap or between snapshots that do not
// follow each other, a phone-width layout, one line for panels with nothing to show.
// They run whenever Chromium is there (`npm test`, and `cargo test` through it).
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

const D0 = Date.UTC(2026, 8, 1); // 2026-09-01
const day = (k) => new Date(D0 + k * 86400000).toISOString().slice(0, 10);
const LAST = 60; // the collection day, partial
const GAP = [40, 44]; // never collected
const BEFORE_GAP = 39; // the last day before the gap: partial
const PARTIAL_TEXT = 'partial: the day was still running when collected';
const HOSTILE = '<img src=x onerror=window.__pwned=1>';

function partialRepo() {
  const days = {};
  for (let k = 0; k <= LAST; k++) {
    if (k >= GAP[0] && k <= GAP[1]) continue;
    days[day(k)] = [10, 2, 4, 1];
  }
  days[day(BEFORE_GAP)] = [3, 1, 1, 1];
  days[day(LAST)] = [1, 1, 0, 0];
  const stats = {};
  for (const k of [0, 20, BEFORE_GAP, 50, LAST]) stats[day(k)] = [1790000000 + k * 86400, 5 + k, 1, 2, 3];
  const ci = {};
  for (let k = 50; k <= LAST; k++) ci[day(k)] = [1, 1];
  const snap = (refs) => ({ referrers: refs, paths: [['/test/partial', 'test/partial', 4, 2]] });
  return {
    schema: 2,
    repo: 'test/partial',
    first_collected: `${day(0)}T12:00:00Z`,
    last_collected: `${day(LAST)}T12:00:00Z`,
    days,
    stats,
    ci,
    assets: {
      1: { release: 'v1', name: 'a.tar.gz', counts: { [day(0)]: 3, [day(30)]: 9 } },
      // Published the day before its asset was first recorded: marked where published.
      2: { release: HOSTILE, name: HOSTILE, published: `${day(54)}T23:30:00Z`, counts: { [day(55)]: 2 } },
    },
    popular: {
      [day(10)]: snap([['Google', 5, 2]]),
      [day(38)]: snap([['Google', 7, 3]]),
      [day(58)]: snap([['Google', 8, 3], ['github.com', 2, 1]]),
      [day(59)]: snap([['Google', 9, 3], ['Bing', 2, 1]]),
      [day(LAST)]: snap([['Google', 9, 4], ['github.com', 3, 1], [HOSTILE, 1, 1]]),
    },
    // Anything that is not a day is ignored, hostile strings included.
    partial: [day(BEFORE_GAP), day(LAST), HOSTILE, 5, null, {}],
    // CI estimated from step names on two CI days; a day without CI counted is ignored.
    ci_estimated: [day(52), day(53), day(10), HOSTILE, 7, null],
    written_by: 'hand',
  };
}

function bareRepo() {
  const days = {};
  for (let k = 50; k <= LAST; k++) days[day(k)] = [5, 1, 2, 1];
  return {
    schema: 2,
    repo: 'test/bare',
    first_collected: `${day(50)}T12:00:00Z`,
    last_collected: `${day(LAST)}T12:00:00Z`,
    days,
    stats: { [day(50)]: [1790000000, 1, 0, 1, 0], [day(LAST)]: [1790900000, 2, 0, 1, 0] },
    partial: [day(LAST)],
  };
}

let browser;
let server;
let data;

before(async () => {
  if (skip) return;
  data = mkdtempSync(join(tmpdir(), 'gtt-hand-'));
  writeFileSync(
    join(data, 'gtt.json'),
    JSON.stringify({
      schema: 1,
      updated: `${day(LAST)}T12:00:00Z`,
      repos: { 'test/partial': 'history-test.partial.json', 'test/bare': 'history-test.bare.json' },
    }),
  );
  writeFileSync(join(data, 'history-test.partial.json'), JSON.stringify(partialRepo()));
  writeFileSync(join(data, 'history-test.bare.json'), JSON.stringify(bareRepo()));
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
  await inert(w.page);
  assert.deepEqual(w.problems, [], 'no console errors, no dialogs');
  await w.page.close();
}

async function inert(page) {
  const found = await page.evaluate(() => ({
    pwned: typeof window.__pwned,
    injected: document.querySelectorAll('main img, main svg, main script, main iframe').length,
  }));
  assert.equal(found.pwned, 'undefined', 'no injected code ran');
  assert.equal(found.injected, 0, 'no element came from data');
}

async function andRender(page, action) {
  const n = Number(await page.evaluate(() => document.documentElement.dataset.renders || 0));
  await action();
  await page.waitForFunction((k) => Number(document.documentElement.dataset.renders) > k, n);
}

/** Whether a chart's canvas has a pixel of series colour `slot` (--cN) in the column
 * of x value `x` (unix seconds, interpolated over the plot's x range `xs`). */
async function colourAt(page, chart, slot, xs, x) {
  return page.$eval(
    `[data-chart="${chart}"]`,
    (sec, [slot, xs, x]) => {
      const canvas = sec.querySelector('canvas');
      const over = sec.querySelector('.u-over').getBoundingClientRect();
      const box = canvas.getBoundingClientRect();
      const k = canvas.width / box.width;
      const hex = getComputedStyle(document.documentElement).getPropertyValue(`--c${slot}`).trim();
      const want = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
      const px = Math.round((over.left - box.left + ((x - xs[0]) / (xs[1] - xs[0])) * over.width) * k);
      const top = Math.round((over.top - box.top) * k);
      const h = Math.round(over.height * k);
      const img = canvas.getContext('2d').getImageData(px - 1, top, 3, h).data;
      for (let i = 0; i < img.length; i += 4) {
        const d = Math.abs(img[i] - want[0]) + Math.abs(img[i + 1] - want[1]) + Math.abs(img[i + 2] - want[2]);
        if (d < 60 && img[i + 3] > 200) return true;
      }
      return false;
    },
    [slot, xs, x],
  );
}

const sec = (k) => (D0 + k * 86400000) / 1000;

test('hand: partial days are drawn apart, explained, and left out of trends', T, async () => {
  const w = await open('#tab=overview&range=30d&repo=test/partial');
  const { page } = w;
  // The range is days 31..60: 23 complete days of 10 views now, 30 before. Counting the
  // partial days (3 and 1 views) the average would fall to 9.36 (-6.4%).
  const change = await page.$eval('[data-metric="views"] .change', (e) => ({ ...e.dataset, text: e.textContent }));
  assert.equal(change.change, '0', change.text);
  assert.equal(Number(change.avg), 10);
  assert.match(change.text, /^10\/day, ±0% vs the 30 days before$/);
  // The card's total still counts every day (a lower bound on the partial ones).
  assert.equal(await page.textContent('[data-metric="views"] .value'), String(23 * 10 + 3 + 1));
  // The chart marks two partial days, says what they are, and so does the readout.
  assert.equal(await page.getAttribute('[data-chart="traffic"]', 'data-partial'), '2');
  assert.match(await page.textContent('[data-chart="traffic"] .partial-legend'), new RegExp(PARTIAL_TEXT));
  assert.match(await page.textContent('[data-chart="traffic"] .chart-summary'), /2 partial/);
  await page.focus('[data-chart="traffic"] .plot');
  await page.keyboard.press('End');
  const readout = await page.textContent('[data-chart="traffic"] .readout');
  assert.ok(readout.startsWith(`${day(LAST)} (${PARTIAL_TEXT}`), readout);
  await page.keyboard.press('ArrowLeft');
  assert.ok(!(await page.textContent('[data-chart="traffic"] .readout')).includes('partial'), 'a complete day is not partial');
  assert.match(await page.textContent('[data-panel="freshness"]'), /2 partial/);
  // Stars are read at collection time: no partial mark, no trend on them.
  assert.equal(await page.$$eval('[data-metric="stars"] .change', (e) => e.length), 0);
  await done(w);
});

test('hand: no line across a gap, none between snapshots that do not follow each other', T, async () => {
  const w = await open('#tab=overview&range=30d&repo=test/partial');
  const { page } = w;
  for (const k of ['viewsUniques', 'clones', 'clonesUniques', 'installs']) await page.uncheck(`[data-chart="traffic"] input[data-series="${k}"]`);
  const xs = [sec(31), sec(LAST)];
  assert.equal(await colourAt(page, 'traffic', 1, xs, sec(33.5)), true, 'the line is drawn between collected days');
  for (const k of [40.5, 42, 43.5]) assert.equal(await colourAt(page, 'traffic', 1, xs, sec(k)), false, `nothing drawn on day ${k} (a gap)`);
  // Referrer snapshots on days 10, 38, 58, 59, 60: only 58-59-60 are joined.
  await andRender(page, () => page.evaluate(() => (location.hash = '#tab=views&range=all&repo=test/partial')));
  const sx = [sec(10), sec(LAST)];
  assert.equal(await colourAt(page, 'referrers-over-time', 1, sx, sec(58.5)), true, 'consecutive snapshots are joined');
  for (const k of [18, 24, 30, 45, 50]) {
    assert.equal(await colourAt(page, 'referrers-over-time', 1, sx, sec(k)), false, `no line on day ${k}, between snapshots`);
  }
  // An entry missing from a snapshot was not in its top 10: the day was collected.
  await page.focus('[data-chart="referrers-over-time"] .plot');
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowLeft');
  assert.match(await page.textContent('[data-chart="referrers-over-time"] .readout'), new RegExp(`^${day(59)}: Google 9$`));
  await page.selectOption('select[data-pick="referrers-over-time"]', 'github.com');
  await page.focus('[data-chart="referrers-over-time"] .plot');
  await page.keyboard.press('End');
  await page.keyboard.press('ArrowLeft');
  const readout = await page.textContent('[data-chart="referrers-over-time"] .readout');
  assert.match(readout, new RegExp(`^${day(59)}: github\\.com not in the top 10$`));
  assert.ok(!readout.includes('not collected'), readout);
  await page.hover('[data-chart="referrers-over-time"] .plot');
  await done(w);
});

test('hand: a repository without releases or CI says so in one line', T, async () => {
  const w = await open('#tab=installs&range=30d&repo=test/bare');
  const { page } = w;
  const note = async (what) =>
    page.$eval(`[data-empty="${what}"]`, (e) => {
      const r = document.createRange();
      r.selectNodeContents(e);
      return { text: e.textContent, lines: new Set([...r.getClientRects()].map((x) => Math.round(x.top))).size };
    });
  const rel = await note('releases');
  assert.match(rel.text, /^No release assets recorded/);
  assert.ok(rel.lines <= 1, `one line (${rel.lines})`);
  assert.equal(await page.$$eval('[data-table="releases"], [data-metric="downloads"], input[data-series="downloads"]', (e) => e.length), 0, 'no zero panels');
  await andRender(page, () => page.click('#tab-dev'));
  const ci = await note('ci');
  assert.match(ci.text, /^CI checkouts not counted/);
  assert.ok(ci.lines <= 1, `one line (${ci.lines})`);
  assert.equal(await page.$$eval('[data-metric="ciCheckouts"], [data-series="ciCheckouts"], [data-series="ciUniques"], [data-chart="ci-share"]', (e) => e.length), 0, 'no CI panels');
  assert.doesNotMatch(await page.textContent('[data-panel="coverage"]'), /CI counted/);
  await andRender(page, () => page.click('#tab-overview'));
  assert.equal(await page.$$eval('[data-metric="downloads"]', (e) => e.length), 0, 'no downloads card');
  // A repository with both still shows them.
  await andRender(page, () => page.evaluate(() => (location.hash = '#tab=installs&range=30d&repo=test/partial')));
  assert.equal(await page.$$eval('[data-empty]', (e) => e.length), 0);
  assert.equal(await page.$$eval('[data-table="releases"]', (e) => e.length), 1);
  await done(w);
});

const ESTIMATED_TEXT = 'CI checkouts estimated from step names';

test('hand: CI days estimated from step names are marked on the Dev tab', T, async () => {
  const w = await open('#tab=dev&range=30d&repo=test/partial');
  const { page } = w;
  for (const id of ['clones', 'uniques', 'ci-share']) {
    assert.equal(await page.getAttribute(`[data-chart="${id}"]`, 'data-estimated'), '2', id);
    assert.match(await page.textContent(`[data-chart="${id}"] .estimated-legend`), new RegExp(ESTIMATED_TEXT));
  }
  assert.match(await page.textContent('[data-chart="clones"] .chart-summary'), new RegExp(`2 with ${ESTIMATED_TEXT}`));
  await page.focus('[data-chart="clones"] .plot');
  await page.keyboard.press('End');
  assert.ok(!(await page.textContent('[data-chart="clones"] .readout')).includes(ESTIMATED_TEXT), 'day 60 was read');
  for (let k = 0; k < 7; k++) await page.keyboard.press('ArrowLeft');
  const readout = await page.textContent('[data-chart="clones"] .readout');
  assert.ok(readout.startsWith(`${day(53)} (${ESTIMATED_TEXT})`), readout);
  // Traffic charts rest on no estimate: nothing marked there.
  await andRender(page, () => page.click('#tab-overview'));
  assert.equal(await page.getAttribute('[data-chart="traffic"]', 'data-estimated'), '0');
  assert.equal(await page.$$eval('.estimated-legend', (e) => e.length), 0);
  await done(w);
});

test('hand: releases are marked on the traffic and installs charts, where published or else as first recorded', T, async () => {
  const w = await open('#tab=overview&range=all&repo=test/partial');
  const { page } = w;
  const markers = (id) =>
    page.$$eval(`[data-chart="${id}"] .release-marker`, (e) => e.map((x) => ({ date: x.dataset.marker, title: x.title, text: x.textContent })));
  for (const [tab, id] of [['overview', 'traffic'], ['installs', 'installs'], ['views', 'views']]) {
    if (tab !== 'overview') await andRender(page, () => page.click(`#tab-${tab}`));
    assert.equal(await page.getAttribute(`[data-chart="${id}"]`, 'data-markers'), '2', id);
    const m = await markers(id);
    assert.deepEqual(m.map((x) => x.date), [day(0), day(54)]);
    assert.match(m[0].title, /^v1: first recorded .*published before tracking began; no publish date is stored for it/);
    assert.ok(m[1].title.endsWith(`: published ${day(54)}`), m[1].title);
    assert.ok(m[1].text.includes('<img'), 'a hostile tag is shown as text');
  }
  // Only releases inside the range are marked.
  await andRender(page, () => page.evaluate(() => (location.hash = '#tab=installs&range=30d&repo=test/partial')));
  assert.deepEqual((await markers('installs')).map((x) => x.date), [day(54)]);
  await done(w);
});

test('hand: hovering a chart shows a floating tooltip with the readout', T, async () => {
  const w = await open('#tab=overview&range=30d&repo=test/partial');
  const { page } = w;
  assert.equal(await page.isVisible('[data-chart="traffic"] .chart-tip'), false, 'hidden until hovered');
  const box = await page.$eval('[data-chart="traffic"] .u-over', (e) => {
    const r = e.getBoundingClientRect();
    return { x: r.left, y: r.top, w: r.width, h: r.height };
  });
  await page.mouse.move(box.x + box.w - 2, box.y + box.h / 2);
  await page.waitForSelector('[data-chart="traffic"] .chart-tip:not([hidden])');
  const tip = await page.textContent('[data-chart="traffic"] .chart-tip');
  assert.ok(tip.startsWith(`${day(LAST)} (${PARTIAL_TEXT}`), tip);
  assert.match(tip, /Views 1/);
  const inside = await page.$eval('[data-chart="traffic"] .chart-tip', (t) => {
    const r = t.getBoundingClientRect();
    const o = t.parentElement.getBoundingClientRect();
    return r.left >= o.left - 1 && r.right <= o.right + 1;
  });
  assert.ok(inside, 'flipped to stay inside the plot near its right edge');
  assert.ok((await page.textContent('[data-chart="traffic"] .readout')).startsWith(`${day(LAST)} (`), 'the readout follows the mouse too');
  // A series toggled from the keyboard, the mouse still on the chart: the tooltip (read
  // before the change) goes.
  await page.focus('[data-chart="traffic"] input[data-series="views"]');
  await page.keyboard.press('Space');
  await page.waitForSelector('[data-chart="traffic"] .chart-tip[hidden]', { state: 'attached' });
  await page.keyboard.press('Space');
  await page.mouse.move(box.x + box.w - 3, box.y + box.h / 2);
  await page.waitForSelector('[data-chart="traffic"] .chart-tip:not([hidden])');
  // Off the chart (below its last panel): the tooltip goes.
  const bottom = await page.$eval('[data-chart="traffic"] .plot', (e) => e.getBoundingClientRect().bottom);
  await page.mouse.move(box.x + box.w / 2, bottom + 40);
  await page.waitForSelector('[data-chart="traffic"] .chart-tip[hidden]', { state: 'attached' });
  await done(w);
});

test('hand: per day, week (Monday to Sunday, UTC) or month; the 7-day average leaves partial days out', T, async () => {
  const w = await open('#tab=overview&range=90d&repo=test/partial');
  const { page } = w;
  const points = () => page.getAttribute('[data-chart="traffic"]', 'data-points');
  assert.equal(await points(), '90');
  // The 7-day average: day 60 is partial (1 view), days 54..59 complete at 10 each.
  await page.focus('[data-chart="traffic"] .plot');
  await page.keyboard.press('End');
  let readout = await page.textContent('[data-chart="traffic"] .readout');
  assert.match(readout, /Views 1 ·/, readout);
  assert.match(readout, /Views, 7-day average 10$/, readout);
  // Day 45, after the gap: its window (39..45) holds day 39 (partial, 3 views) and the gap.
  for (let k = 0; k < 15; k++) await page.keyboard.press('ArrowLeft');
  readout = await page.textContent('[data-chart="traffic"] .readout');
  assert.ok(readout.startsWith(day(45)), readout);
  assert.match(readout, /Views, 7-day average 10$/, readout);
  assert.match(await page.textContent('[data-chart="traffic"] .chart-summary'), /partial days and gaps left out/);
  // By week: Mondays from the one on or before the range's first day.
  const dn = (k) => D0 / 86400000 + k;
  const monday = (k) => dn(k) - (((dn(k) + 3) % 7) + 7) % 7;
  const weeks = (monday(LAST) - monday(-29)) / 7 + 1;
  await andRender(page, () => page.click('label[for="by-week"]'));
  assert.match(await page.evaluate(() => location.hash), /&by=week$/);
  assert.equal(await points(), String(weeks));
  assert.equal(await page.textContent('[data-chart="traffic"] h2'), 'Traffic per week');
  const summary = await page.textContent('[data-chart="traffic"] .chart-summary');
  assert.match(summary, /weeks run Monday to Sunday, UTC/);
  assert.match(summary, new RegExp(`^${weeks} weeks \\(Monday to Sunday, UTC\\)`));
  // The last week holds the partial day, the gap's weeks its days not collected.
  assert.ok(Number(await page.getAttribute('[data-chart="traffic"]', 'data-partial')) >= 2);
  assert.equal(await page.$$eval('[data-chart="traffic"] input[data-series="viewsAvg7"]', (e) => e.length), 0, 'no 7-day average on weeks');
  await page.focus('[data-chart="traffic"] .plot');
  await page.keyboard.press('End');
  readout = await page.textContent('[data-chart="traffic"] .readout');
  const lastWeek = new Date(monday(LAST) * 86400000).toISOString().slice(0, 10);
  assert.ok(readout.startsWith(`${lastWeek} (incomplete`), readout);
  // Views of the last week: Monday 2026-10-26 (day 55) to day 60, 5 x 10 + 1.
  assert.equal(monday(LAST), dn(55));
  assert.match(readout, /: Views 51 ·/, readout);
  // By month: August, September, October 2026.
  await andRender(page, () => page.click('label[for="by-month"]'));
  assert.equal(await points(), '3');
  assert.match(await page.textContent('[data-chart="traffic"] .chart-summary'), /calendar month \(UTC\)/);
  // Charts of every tab follow; snapshot charts stay per snapshot.
  await andRender(page, () => page.click('#tab-dev'));
  assert.equal(await page.getAttribute('[data-chart="clones"]', 'data-points'), '3');
  assert.equal(await page.getAttribute('[data-chart="clones"]', 'data-estimated'), '1', 'the month of the estimated days');
  await andRender(page, () => page.click('label[for="by-day"]'));
  assert.equal(await page.getAttribute('[data-chart="clones"]', 'data-points'), '90');
  assert.doesNotMatch(await page.evaluate(() => location.hash), /by=/);
  await done(w);
});

/** Words (letters only) of the visible text in #panel that the layout split over two lines. */
async function brokenWords(page) {
  return page.evaluate(() => {
    const out = [];
    const walk = document.createTreeWalker(document.getElementById('panel'), NodeFilter.SHOW_TEXT);
    const range = document.createRange();
    while (walk.nextNode()) {
      const node = walk.currentNode;
      if (!node.parentElement.offsetParent) continue;
      for (const m of node.data.matchAll(/[A-Za-z]{2,24}/g)) {
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const tops = new Set([...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)));
        if (tops.size > 1) out.push(m[0]);
      }
    }
    return out;
  });
}

for (const repo of ['all', 'test/partial']) {
  test(`hand: at 390 px every tab is reachable and nothing overflows (${repo})`, T, async () => {
    const w = await open(`#tab=overview&range=90d&repo=${repo}`, { viewport: { width: 390, height: 844 } });
    const { page } = w;
    for (const t of ['dev', 'overview', 'installs', 'views', 'community', 'dev']) {
      // On screen and not covered: a finger can reach it without scrolling the strip.
      const hit = await page.$eval(`#tab-${t}`, (b) => {
        const r = b.getBoundingClientRect();
        const at = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
        return { left: r.left, right: r.right, hit: at === b || b.contains(at) };
      });
      assert.ok(hit.left >= 0 && hit.right <= 390 && hit.hit, `${t} tab on screen: ${JSON.stringify(hit)}`);
      const at = await page.$eval(`#tab-${t}`, (b) => {
        const r = b.getBoundingClientRect();
        return [r.left + r.width / 2, r.top + r.height / 2];
      });
      if ((await page.getAttribute(`#tab-${t}`, 'aria-selected')) !== 'true') await andRender(page, () => page.mouse.click(...at));
      assert.equal(await page.getAttribute(`#tab-${t}`, 'aria-selected'), 'true');
      await page.evaluate(() => new Promise((ok) => requestAnimationFrame(() => ok())));
      const width = await page.evaluate(() => document.scrollingElement.scrollWidth);
      assert.ok(width <= 390, `${t}: no sideways scrolling (${width}px)`);
      assert.deepEqual(await brokenWords(page), [], `${t}: no word broken over two lines`);
    }
    if (repo === 'all') {
      await andRender(page, () => page.click('#tab-overview'));
      await page.waitForSelector('[data-table="repos"]');
      // The repositories table is stacked cards: no header row, each cell labelled.
      assert.equal(await page.$eval('[data-table="repos"] thead', (e) => getComputedStyle(e).display), 'none');
      assert.equal(await page.$eval('[data-table="repos"] tbody td', (e) => getComputedStyle(e, '::before').content), '"Views"');
      assert.ok((await page.evaluate(() => document.scrollingElement.scrollWidth)) <= 390);
    }
    await done(w);
  });
}
