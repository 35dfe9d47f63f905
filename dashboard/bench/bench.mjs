// `npm run bench`: ten years of daily history for 50 repositories (synthetic, in gtt's
// format), served on 127.0.0.1, opened in headless Chromium. Measures, from the page's
// own performance marks and render events:
//   - data arrival -> first chart drawn (targets: < 500 ms)
//   - switching tab or repository, click -> charts drawn and the next frame (< 100 ms)
// Prints a Markdown table for BENCHMARKS.md. Not a test: nothing is asserted.
//
//   npm run bench                 # 50 repositories x 10 years, 5 loads
//   node bench/bench.mjs 20 10 3  # repositories, years, loads
import { mkdtempSync, rmSync, cpSync, writeFileSync, readFileSync, existsSync, statSync, readdirSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeSynth } from './synth.mjs';
import { serve } from '../tools/server.mjs';
import { launch } from '../tools/browser.mjs';

const [repos = 50, years = 10, loads = 5] = process.argv.slice(2).map(Number);
const dist = fileURLToPath(new URL('../site/', import.meta.url));
if (!existsSync(join(dist, 'index.html'))) {
  console.error('dashboard/site is missing: run `npm run build` first');
  process.exit(2);
}

const work = mkdtempSync(join(tmpdir(), 'gtt-bench-'));
const data = join(work, 'data');
const bytes = writeSynth(data, repos, years);
const site = join(work, 'site');
cpSync(dist, site, { recursive: true });
// The folder flavour, as `gtt dashboard --data-dir` writes it: everything in data.js.
const files = {};
for (const f of readdirSync(data)) files[f] = readFileSync(join(data, f), 'utf8');
const embedded = join(work, 'embedded');
cpSync(dist, embedded, { recursive: true });
writeFileSync(join(embedded, 'config.js'), 'window.GTT_CONFIG = {"source":"data/"};\n');
writeFileSync(
  join(embedded, 'data.js'),
  `window.GTT_DATA = ${JSON.stringify(files).replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')};\n`,
);
const server = await serve({ '/site/': site, '/embedded/': embedded, '/data/': data });
const browser = await launch();

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x) => `${x.toFixed(0)} ms`;

async function firstChart(url) {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  await page.goto(url);
  await page.waitForSelector('html[data-state="ready"], html[data-state="error"]', { timeout: 60000 });
  if ((await page.getAttribute('html', 'data-state')) !== 'ready') throw new Error(`${url}: ${await page.textContent('body')}`);
  const r = await page.evaluate(() => {
    const mark = (n) => performance.getEntriesByName(n)[0]?.startTime;
    return { start: mark('gtt:start'), data: mark('gtt:data'), model: mark('gtt:model'), chart: mark('gtt:first-chart') };
  });
  if (process.env.GTT_BENCH_VERBOSE) console.error(`  data ${(r.data - r.start).toFixed(0)} model +${(r.model - r.data).toFixed(0)} chart +${(r.chart - r.model).toFixed(0)}`);
  if (errors.length) throw new Error(errors.join('\n'));
  return { page, load: r.data - r.start, toChart: r.chart - r.data, total: r.chart };
}

async function switchTo(page, kind, value) {
  return page.evaluate(
    async ([k, v]) => {
      const t0 = performance.now();
      const done = new Promise((ok) => document.addEventListener('gtt:rendered', (e) => ok(e.detail), { once: true }));
      if (k === 'tab') document.getElementById(`tab-${v}`).click();
      else if (k === 'range') document.getElementById(`range-${v}`).click();
      else {
        const s = document.getElementById('repo');
        s.value = v;
        s.dispatchEvent(new Event('change'));
      }
      const d = await done;
      return { frame: performance.now() - t0, drawn: d.drawn };
    },
    [kind, value],
  );
}

const rows = [];
function record(what, xs, target) {
  const med = median(xs);
  const max = Math.max(...xs);
  rows.push(`| ${what} | ${ms(med)} | ${ms(max)} | ${target} |`);
  console.error(`${what}: median ${ms(med)}, max ${ms(max)}`);
}

const names = Array.from({ length: repos }, (_, i) => `org${i % 5}/project-${String(i).padStart(2, '0')}`);
const scenarios = [
  ['all repositories, Overview, 90d (fetch from a folder or gist)', `${server.url}/site/index.html?source=../data/#tab=overview&range=90d&repo=all`],
  ['all repositories, Overview, all 10 years (fetch)', `${server.url}/site/index.html?source=../data/#tab=overview&range=all&repo=all`],
  ['one repository, Overview, all 10 years (fetch)', `${server.url}/site/index.html?source=../data/#tab=overview&range=all&repo=${names[7]}`],
  ['all repositories, Overview, 90d (data.js, as from file://)', `${server.url}/embedded/index.html#tab=overview&range=90d&repo=all`],
];
for (const [what, url] of scenarios) {
  const xs = [];
  const loadsMs = [];
  for (let i = 0; i < loads; i++) {
    const r = await firstChart(url);
    xs.push(r.toChart);
    loadsMs.push(r.load);
    await r.page.close();
  }
  record(`first chart after data arrived: ${what}`, xs, '< 500 ms');
  console.error(`  (fetching/reading the data itself: median ${ms(median(loadsMs))})`);
}

// Switching, on ten-year ranges (the most points), after the first load.
const tabSwitch = [];
const tabDrawn = [];
const repoFirst = [];
const repoAgain = [];
const rangeSwitch = [];
for (let i = 0; i < loads; i++) {
  const { page } = await firstChart(`${server.url}/site/index.html?source=../data/#tab=overview&range=all&repo=all`);
  await page.waitForTimeout(1500); // a reader's first glance: idle time to warm up
  for (const t of ['installs', 'views', 'community', 'dev', 'overview']) {
    const r = await switchTo(page, 'tab', t);
    if (process.env.GTT_BENCH_VERBOSE) console.error(`  tab ${t}: drawn ${r.drawn.toFixed(0)} frame ${r.frame.toFixed(0)}`);
    tabSwitch.push(r.frame);
    tabDrawn.push(r.drawn);
  }
  await switchTo(page, 'tab', 'installs');
  for (const n of names.slice(0, 10)) repoFirst.push((await switchTo(page, 'repo', n)).frame);
  for (const n of names.slice(0, 10)) repoAgain.push((await switchTo(page, 'repo', n)).frame);
  for (const r of ['30d', '90d', '1y', 'all']) rangeSwitch.push((await switchTo(page, 'range', r)).frame);
  await page.close();
}
record('switch tab (all repositories, 10 years), to the next frame', tabSwitch, '< 100 ms');
record('switch tab, charts drawn (before the frame)', tabDrawn, '< 100 ms');
record('switch repository (Installs, 10 years), to the next frame', repoFirst, '< 100 ms');
record('switch back to a repository already shown', repoAgain, '< 100 ms');
record('switch range', rangeSwitch, '< 100 ms');

await browser.close();
await server.close();
const per = statSync(join(data, readdirSync(data).find((f) => f.startsWith('history-')))).size;
rmSync(work, { recursive: true, force: true });

console.log(`Data: ${repos} repositories x ${years} years of daily history (synthetic, gtt's format), ` +
  `${(bytes / 1e6).toFixed(1)} MB in all (~${Math.round(per / 1000)} KB per repository); ` +
  `${loads} page loads per row; Chromium ${browser.context.browser()?.version?.() ?? ''} headless, ${cpus().length} cores.\n`);
console.log('| measured | median | max | target |');
console.log('|---|---:|---:|---|');
for (const r of rows) console.log(r);
