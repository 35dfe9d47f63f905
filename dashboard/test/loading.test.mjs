// Browser tests of how the data is loaded, on sites written by gtt itself (the fixtures
// of `cargo test --test integration dashboard::`; skipped without GTT_FIXTURES): over
// http no data script is ever asked for and each history is fetched once, when first
// needed; from file:// only the scripts of the repositories shown are added; the sum of
// all repositories is drawn as they arrive and says how many it holds until all are in.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { serve } from '../tools/server.mjs';
import { launch } from '../tools/browser.mjs';

const FIX = process.env.GTT_FIXTURES ? JSON.parse(process.env.GTT_FIXTURES) : null;
const skip = FIX ? false : 'GTT_FIXTURES not set (cargo test --test integration dashboard:: sets it)';
const T = { timeout: 120000, skip };

let browser;
let server;

before(async () => {
  if (!FIX) return;
  server = await serve({ '/multi/': FIX.multi.site });
  browser = await launch();
  await browser.context.route('**/*', (route) => {
    const u = new URL(route.request().url());
    if ((u.protocol === 'http:' && u.hostname === '127.0.0.1') || u.protocol === 'file:') return route.continue();
    return route.abort();
  });
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
});

/** Views per repository, summed over the days gtt export gives. */
function views(repo) {
  const [head, ...lines] = readFileSync(FIX.multi.csv, 'utf8').trim().split('\n');
  const cols = head.split(',');
  const [r, v] = [cols.indexOf('repo'), cols.indexOf('views')];
  return lines.map((l) => l.split(',')).filter((c) => !repo || repo.includes(c[r])).reduce((s, c) => s + Number(c[v] || 0), 0);
}

async function page(url, { hold } = {}) {
  const p = await browser.context.newPage();
  const problems = [];
  const requested = [];
  p.on('request', (r) => requested.push(r.url()));
  p.requested = requested;
  p.on('console', (m) => m.type() === 'error' && problems.push(`console: ${m.text()}`));
  p.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
  if (hold) await p.route(`**/${hold.file}`, hold.handler);
  await p.goto(url);
  return { p, problems };
}

const ready = (p) => p.waitForSelector('html[data-state="ready"]', { timeout: 20000 });
const cardViews = async (p) => Number((await p.textContent('[data-metric="views"] .value')).replace(/[^0-9]/g, ''));
/** Every script element's src, and every .js the page asked for. */
const scripts = async (p) => ({
  elements: await p.evaluate(() => [...document.scripts].map((s) => s.getAttribute('src').replace(/^.*\/data\//, 'data/'))),
  loaded: p.requested.filter((n) => n.endsWith('.js')).map((n) => /(?:(?:vendor|data)\/)?[^/]+$/.exec(n)[0]),
});
/** Selects `value` in the repository switcher and waits for that view to be drawn. */
async function pick(p, value) {
  const n = Number(await p.evaluate(() => document.documentElement.dataset.renders));
  await p.selectOption('#repo', value);
  await p.waitForFunction((k) => Number(document.documentElement.dataset.renders) > k && document.documentElement.dataset.state === 'ready', n);
}

test('loading: over http no data script is asked for, and each history is fetched once, when needed', T, async () => {
  const before = server.requests.length;
  const { p, problems } = await page(`${server.url}/multi/index.html#tab=overview&range=all&repo=octo/world`);
  await ready(p);
  assert.equal(await cardViews(p), views(['octo/world']));
  const asked = () => server.requests.slice(before).map((r) => r.path);
  assert.deepEqual(asked().filter((r) => r.startsWith('/multi/data/')), ['/multi/data/gtt.json', '/multi/data/history-octo.world.json'], 'one repository shown, one history read');
  await pick(p, 'all');
  assert.equal(await cardViews(p), views());
  await pick(p, 'acme/tool');
  await pick(p, 'octo/world');
  const data = asked().filter((r) => r.startsWith('/multi/data/'));
  assert.deepEqual([...data].sort(), ['/multi/data/gtt.json', '/multi/data/history-acme.tool.json', '/multi/data/history-octo.hello.json', '/multi/data/history-octo.world.json']);
  assert.deepEqual(asked().filter((r) => r.endsWith('.js')), ['/multi/config.js', '/multi/vendor/uPlot.iife.min.js', '/multi/app.js'], 'no data.js, no data/*.js');
  assert.deepEqual((await scripts(p)).elements, ['config.js', 'vendor/uPlot.iife.min.js', 'app.js']);
  assert.deepEqual(problems, []);
  await p.close();
});

test('loading: from file://, linked with #repo=, only that repository\'s script is added', T, async () => {
  const url = pathToFileURL(join(FIX.multi.site, 'index.html')).href;
  const { p, problems } = await page(`${url}#tab=overview&range=all&repo=octo/world`);
  await ready(p);
  assert.equal(await cardViews(p), views(['octo/world']));
  const fixed = ['config.js', 'vendor/uPlot.iife.min.js', 'app.js'];
  const world = [...fixed, 'data/gtt.js', 'data/repo-octo.world.js'];
  assert.deepEqual(await scripts(p), { elements: world, loaded: world });
  await pick(p, 'octo/hello');
  assert.equal(await cardViews(p), views(['octo/hello']));
  assert.deepEqual((await scripts(p)).elements, [...world, 'data/repo-octo.hello.js'], 'the next one when it is shown');
  await pick(p, 'all');
  assert.equal(await cardViews(p), views());
  assert.deepEqual((await scripts(p)).elements, [...world, 'data/repo-octo.hello.js', 'data/repo-acme.tool.js']);
  await pick(p, 'octo/world');
  assert.equal((await scripts(p)).elements.length, 7, 'a script is added once');
  assert.deepEqual(problems, []);
  await p.close();
});

test('loading: the sum is drawn while repositories arrive and says how many it holds, never as the total', T, async () => {
  let release;
  const held = new Promise((ok) => (release = ok));
  const hold = {
    file: 'history-octo.world.json',
    handler: async (route) => {
      await held;
      await route.continue();
    },
  };
  const { p, problems } = await page(`${server.url}/multi/index.html#tab=overview&range=all&repo=all`, { hold });
  await p.waitForFunction(() => /2 of 3 repositories loaded/.test(document.getElementById('status').textContent), null, { timeout: 20000 });
  await p.waitForSelector('[data-table="repos"]');
  assert.equal(await p.getAttribute('html', 'data-state'), 'loading', 'not ready while one is missing');
  assert.equal(await p.textContent('#subtitle'), '2 of 3 repositories');
  assert.match(await p.textContent('#status'), /show these 2 only/);
  assert.equal(await cardViews(p), views(['octo/hello', 'acme/tool']), 'the sum of what is in');
  const total = await p.$$eval('[data-table="repos"] tfoot tr > *', (c) => c.map((x) => x.textContent));
  assert.match(total[0], /Total \(2 repositories\)/);
  release();
  await ready(p);
  assert.equal(await p.textContent('#subtitle'), 'All repositories (3)');
  assert.equal(await p.isHidden('#status'), true, 'nothing left to say');
  assert.equal(await cardViews(p), views());
  assert.deepEqual(problems, []);
  await p.close();
});

test('loading: a history that cannot be read is named, and the sum says it holds the others only', T, async () => {
  const hold = { file: 'history-acme.tool.json', handler: (route) => route.fulfill({ status: 404, body: 'gone' }) };
  const { p } = await page(`${server.url}/multi/index.html#tab=overview&range=all&repo=all`, { hold });
  await ready(p);
  assert.match(await p.textContent('#status'), /acme\/tool: cannot read history-acme\.tool\.json \(HTTP 404\)/);
  assert.equal(await p.textContent('#subtitle'), '2 of 3 repositories');
  assert.equal(await cardViews(p), views(['octo/hello', 'octo/world']));
  await p.selectOption('#repo', 'acme/tool');
  await p.waitForFunction(() => document.getElementById('panel').textContent.includes('Cannot show this view'));
  assert.match(await p.textContent('#panel'), /acme\/tool: cannot read history-acme\.tool\.json/);
  await p.close();
});

test('loading: when no history can be read, the sum shows no numbers at all', T, async () => {
  const hold = { file: 'history-*.json', handler: (route) => route.fulfill({ status: 404, body: 'gone' }) };
  const { p } = await page(`${server.url}/multi/index.html#tab=overview&range=all&repo=all`, { hold });
  await p.waitForSelector('html[data-state="error"]', { timeout: 20000 });
  assert.match(await p.textContent('#panel'), /none of the 3 repositories could be read/);
  assert.equal(await p.$$eval('[data-metric]', (c) => c.length), 0, 'no card, no zero');
  for (const r of ['octo/hello', 'octo/world', 'acme/tool']) assert.match(await p.textContent('#status'), new RegExp(`${r}: cannot read`));
  await p.close();
});
