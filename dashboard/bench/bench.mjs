// `npm run bench`: ten years of daily history for 50 repositories (synthetic, in gtt's
// format), written as `gtt dashboard` writes a local folder's site, opened in headless
// Chromium over http (127.0.0.1) and from file://. Measures, from the page's own
// performance marks and render events, every time from navigation start (the marks'
// startTime: performance.timeOrigin is the navigation's start):
//   - the first chart drawn, and the view complete (every repository it needs in and
//     drawn) (target: first chart < 500 ms)
//   - switching tab or repository, click -> charts drawn and the next frame (< 100 ms)
// One load before the measured ones is not counted (the browser's own start). Prints a
// Markdown table for BENCHMARKS.md. Not a test: nothing is asserted, but a run fails if
// a page over http asks for any script of data/.
//
//   npm run bench                 # 50 repositories x 10 years, 5 loads
//   node bench/bench.mjs 20 10 3  # repositories, years, loads
import { mkdtempSync, rmSync, cpSync, writeFileSync, readFileSync, existsSync, statSync, readdirSync } from 'node:fs';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeSynth } from './synth.mjs';
import { serve } from '../tools/server.mjs';
import { launch } from '../tools/browser.mjs';

const [repos = 50, years = 10, loads = 5] = process.argv.slice(2).map(Number);
const dist = fileURLToPath(new URL('../site/', import.meta.url));
if (!existsSync(join(dist, 'index.html'))) {
  console.error('dashboard/site is missing: run `npm run build` first');
  process.exit(2);
}

/** What src/site.rs `script_json` does: JSON that cannot close a script element. */
const scriptJson = (v) =>
  JSON.stringify(v).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

/** The site `gtt dashboard` writes for a local folder (src/site.rs `write_site`): the
 * built site, config.js, data/ with the copies, gtt.js and one script per repository. */
function writeFolderSite(site, data) {
  cpSync(dist, site, { recursive: true });
  writeFileSync(join(site, 'config.js'), 'window.GTT_CONFIG = {"source":"data/"};\n');
  cpSync(data, join(site, 'data'), { recursive: true });
  const shared = {};
  const scripts = {};
  const perRepo = {};
  for (const f of readdirSync(data)) {
    const text = readFileSync(join(data, f), 'utf8');
    const key = /^history-(.+)\.json$/.exec(f)?.[1];
    if (!key) {
      shared[f] = text;
      continue;
    }
    scripts[f] = `repo-${key}.js`;
    (perRepo[scripts[f]] ??= {})[f] = text;
  }
  writeFileSync(join(site, 'data', 'gtt.js'), `// gtt.js\nwindow.GTT_DATA = ${scriptJson({ files: shared, scripts })};\n`);
  for (const [name, files] of Object.entries(perRepo)) {
    writeFileSync(join(site, 'data', name), `// ${name}\nwindow.GTT_FILES = Object.assign(window.GTT_FILES || {}, ${scriptJson(files)});\n`);
  }
}

const work = mkdtempSync(join(tmpdir(), 'gtt-bench-'));
const data = join(work, 'data');
const bytes = writeSynth(data, repos, years);
const site = join(work, 'site');
writeFolderSite(site, data);
const server = await serve({ '/site/': site });
const browser = await launch();

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x) => `${x.toFixed(0)} ms`;

/** Opens `url` and waits for the view to be complete; times from navigation start. */
async function firstChart(url) {
  const page = await browser.context.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => m.type() === 'error' && errors.push(m.text()));
  const before = server.requests.length;
  await page.goto(url);
  await page.waitForSelector('html[data-state="ready"], html[data-state="error"]', { timeout: 60000 });
  if ((await page.getAttribute('html', 'data-state')) !== 'ready') throw new Error(`${url}: ${await page.textContent('body')}`);
  const r = await page.evaluate(() => {
    const mark = (n) => performance.getEntriesByName(n)[0]?.startTime;
    return { index: mark('gtt:index'), chart: mark('gtt:first-chart'), complete: mark('gtt:complete'), renders: document.documentElement.dataset.renders };
  });
  if (process.env.GTT_BENCH_VERBOSE) console.error(`  index ${r.index.toFixed(0)} first chart ${r.chart.toFixed(0)} complete ${r.complete.toFixed(0)} (${r.renders} renders)`);
  const scripts = server.requests.slice(before).filter((q) => q.path.startsWith('/site/data/') && !q.path.endsWith('.json'));
  if (scripts.length) errors.push(`over http the page asked for ${scripts.map((q) => q.path).join(', ')}`);
  if (errors.length) throw new Error(errors.join('\n'));
  return { page, chart: r.chart, complete: r.complete };
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
const file = pathToFileURL(join(site, 'index.html')).href;
const views = [
  ['all repositories, Overview, 90 days', '#tab=overview&range=90d&repo=all'],
  ['all repositories, Overview, all 10 years', '#tab=overview&range=all&repo=all'],
  ['one repository (`#repo=`), Overview, all 10 years', `#tab=overview&range=all&repo=${names[7]}`],
];
// One load not measured: a browser's first page after launch pays for Chromium's own
// start (gtt.json read ~500 ms after navigation instead of ~150 ms), not the page's.
await (await firstChart(`${server.url}/site/index.html#tab=overview&range=90d&repo=all`)).page.close();
for (const [how, page] of [['http', `${server.url}/site/index.html`], ['file://', file]]) {
  for (const [what, hash] of views) {
    const charts = [];
    const completes = [];
    for (let i = 0; i < loads; i++) {
      const r = await firstChart(page + hash);
      charts.push(r.chart);
      completes.push(r.complete);
      await r.page.close();
    }
    record(`${how}: ${what}: first chart`, charts, '< 500 ms');
    if (!hash.includes('repo=all')) continue;
    record(`${how}: ${what}: complete (all ${repos} in and drawn)`, completes, '');
  }
}

// Switching, on ten-year ranges (the most points), after the first load.
const tabSwitch = [];
const tabDrawn = [];
const repoFirst = [];
const repoAgain = [];
const rangeSwitch = [];
for (let i = 0; i < loads; i++) {
  const { page } = await firstChart(`${server.url}/site/index.html#tab=overview&range=all&repo=all`);
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
