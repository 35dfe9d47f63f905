import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discover, openSource, resolveSource, isFileName, isScriptName, gistBase } from '../../src/js/load.js';
import { githubUrl, isRepoName } from '../../src/js/dom.js';

const page = 'https://o.github.io/site/index.html';

test('source resolution', () => {
  assert.equal(resolveSource('data/', page), 'https://o.github.io/site/data/');
  assert.equal(resolveSource('data', page), 'https://o.github.io/site/data/');
  assert.equal(
    resolveSource('https://gist.githubusercontent.com/o/abc/raw/', page),
    'https://gist.githubusercontent.com/o/abc/raw/',
  );
  assert.equal(resolveSource('https://gist.githubusercontent.com/o/abc/raw', page), 'https://gist.githubusercontent.com/o/abc/raw/');
  assert.equal(resolveSource('javascript:alert(1)', page), null);
  assert.equal(resolveSource('data:text/plain,x', page), null);
  assert.equal(resolveSource('', page), null);
  assert.equal(resolveSource('https://u:p@x.example/', page), null);
});

test('file names from gtt.json', () => {
  assert.ok(isFileName('history-octo.hello.json'));
  assert.ok(!isFileName('../secret.json'));
  assert.ok(!isFileName('https://evil.example/x.json'));
  assert.ok(!isFileName('a/b.json'));
  assert.ok(!isFileName('history.txt'));
});

test('discovery order: URL parameter, config.js, config.json', async () => {
  const fetchJson = async () => ({ source: 'from-json/' });
  assert.equal((await discover({ search: '?source=p/', config: { source: 'c/' }, fetchJson })).source, 'p/');
  const d = await discover({ search: '', config: { source: 'c/' }, fetchJson });
  assert.deepEqual(d, { source: 'c/', from: 'config.js' });
  assert.equal((await discover({ search: '', config: null, fetchJson })).source, 'from-json/');
  const none = await discover({ search: '', config: null, fetchJson: async () => ({ source: null }) });
  assert.equal(none.source, null);
  const fails = await discover({ search: '', config: null, fetchJson: async () => { throw new Error('404'); } });
  assert.equal(fails.source, null);
});

/** A page's globals and the scripts gtt wrote, for a page opened from file://. */
function filePage(scripts) {
  const added = [];
  const global = {};
  const addScript = async (url) => {
    added.push(url);
    if (!(url in scripts)) throw new Error('missing or unreadable');
    scripts[url](global);
  };
  return { added, io: { addScript, global, fetchText: () => assert.fail('no fetch from file://') } };
}

test('loading: fetches the index then every history once; reports failures', async () => {
  const urls = [];
  const files = {
    'https://x.example/d/gtt.json': JSON.stringify({ schema: 1, repos: { 'b/two': 'history-b.two.json', 'a/one': 'history-a.one.json', 'c/bad': '../x.json', 'd/gone': 'history-d.gone.json' } }),
    'https://x.example/d/history-a.one.json': '{"repo":"a/one"}',
    'https://x.example/d/history-b.two.json': '{"repo":"b/two"}',
  };
  const fetchText = async (u) => {
    urls.push(u);
    if (!(u in files)) throw new Error('HTTP 404');
    return files[u];
  };
  const r = await openSource({ source: 'https://x.example/d' }, page, { fetchText });
  assert.deepEqual(r.repos, ['a/one', 'b/two', 'd/gone'], 'every repository listed with a proper name');
  assert.equal(r.errors.length, 1);
  assert.ok(r.errors[0].startsWith('c/bad'));
  assert.deepEqual(urls, ['https://x.example/d/gtt.json'], 'gtt.json only, until a history is asked for');
  assert.equal(await r.history('b/two'), '{"repo":"b/two"}');
  await assert.rejects(r.history('d/gone'), /^Error: d\/gone: cannot read history-d\.gone\.json \(HTTP 404\)$/);
  await assert.rejects(r.history('c/bad'), /not in gtt\.json/);
  assert.equal(new Set(urls).size, urls.length, 'each file fetched once');
});

test('from file://: gtt.js first, then one script per repository when it is first needed', async () => {
  const filePageUrl = 'file:///home/me/site/index.html';
  const d = 'file:///home/me/site/data/';
  const index = JSON.stringify({ schema: 1, repos: { 'a/one': 'history-a.one.json', 'b/two': 'history-b.two.json', 'c/odd': 'history-c.odd.json' } });
  const { added, io } = filePage({
    [`${d}gtt.js`]: (g) => {
      g.GTT_DATA = {
        files: { 'gtt.json': index },
        scripts: { 'history-a.one.json': 'repo-a.one.js', 'settled-a.one.json': 'repo-a.one.js', 'history-b.two.json': 'repo-b.two.js', 'history-c.odd.json': '../x.js' },
      };
    },
    [`${d}repo-a.one.js`]: (g) => {
      g.GTT_FILES = Object.assign(g.GTT_FILES || {}, { 'history-a.one.json': '{"a":1}', 'settled-a.one.json': '{"old":1}' });
    },
  });
  const r = await openSource({ source: 'data/' }, filePageUrl, io);
  assert.equal(r.base, d);
  assert.deepEqual(r.repos, ['a/one', 'b/two', 'c/odd']);
  assert.deepEqual(added, [`${d}gtt.js`]);
  assert.equal(io.global.GTT_DATA, null, 'the index is not kept twice');
  assert.equal(await r.history('a/one'), '{"a":1}');
  assert.deepEqual(added, [`${d}gtt.js`, `${d}repo-a.one.js`]);
  assert.deepEqual(io.global.GTT_FILES, {}, 'the texts are not kept twice');
  await assert.rejects(r.history('b/two'), /b\/two: cannot read history-b\.two\.json \(missing or unreadable\)/);
  await assert.rejects(r.history('c/odd'), /history-c\.odd\.json is missing from \.\.\/x\.js/);
  assert.ok(!added.some((u) => u.includes('x.js')), 'only plain script names are added');
  // No gtt.js, or one without data: one error naming it.
  await assert.rejects(openSource({ source: 'data/' }, filePageUrl, filePage({}).io), /cannot load gtt\.js \(missing or unreadable\)/);
  const empty = filePage({ [`${d}gtt.js`]: (g) => (g.GTT_DATA = null) });
  await assert.rejects(openSource({ source: 'data/' }, filePageUrl, empty.io), /gtt\.js holds no data/);
  assert.ok(isScriptName('repo-a.one.js') && !isScriptName('../x.js') && !isScriptName('a/b.js') && !isScriptName('x.json'));
});

test('several gists: each history is read from the gist gtt.json names', async () => {
  const g1 = 'https://gist.githubusercontent.com/octo/aaa111/raw/';
  assert.equal(gistBase(g1, 'bbb222'), 'https://gist.githubusercontent.com/octo/bbb222/raw/');
  for (const bad of ['../x', 'a/b', '', null, 'x'.repeat(65)]) assert.equal(gistBase(g1, bad), null, String(bad));
  assert.equal(gistBase('https://o.github.io/site/data/', 'bbb222'), null, 'a folder is not a gist');
  const files = {
    [`${g1}gtt.json`]: JSON.stringify({
      schema: 1,
      repos: { 'o/a': 'history-o.a.json', 'o/b': 'history-o.b.json', 'o/c': 'history-o.c.json' },
      gists: { 'o/b': 'bbb222', 'o/c': '../evil' },
    }),
    [`${g1}history-o.a.json`]: '{"repo":"o/a"}',
    'https://gist.githubusercontent.com/octo/bbb222/raw/history-o.b.json': '{"repo":"o/b"}',
  };
  const urls = [];
  const fetchText = async (u) => {
    urls.push(u);
    if (!(u in files)) throw new Error('HTTP 404');
    return files[u];
  };
  const r = await openSource({ source: g1 }, page, { fetchText });
  assert.deepEqual(r.repos, ['o/a', 'o/b']);
  assert.equal(r.errors.length, 1);
  assert.ok(r.errors[0].startsWith('o/c: stored in another gist'), r.errors[0]);
  assert.equal(await r.history('o/b'), '{"repo":"o/b"}');
  assert.equal(await r.history('o/a'), '{"repo":"o/a"}');
  assert.ok(!urls.some((u) => u.includes('evil')));
  // A folder copy (from file://) is flat: the gists map does not matter.
  const d = 'file:///s/data/';
  const { io } = filePage({
    [`${d}gtt.js`]: (g) => (g.GTT_DATA = { files: { 'gtt.json': files[`${g1}gtt.json`] }, scripts: {} }),
  });
  const local = await openSource({ source: 'data/' }, 'file:///s/index.html', io);
  assert.deepEqual(local.repos, ['o/a', 'o/b', 'o/c']);
});

test('links only to github.com', () => {
  assert.equal(githubUrl('/octo/hello/blob/main/README.md'), 'https://github.com/octo/hello/blob/main/README.md');
  for (const bad of ['javascript:alert(1)', '//evil.example/x', '/\\evil.example', 'https://evil.example/', '/a b', '/"><svg onload=alert(1)>', '', null]) {
    assert.equal(githubUrl(bad), null, String(bad));
  }
  assert.ok(isRepoName('octo/hello.js'));
  assert.ok(!isRepoName('octo/hello/x'));
  assert.ok(!isRepoName('<img>/x'));
  assert.ok(!isRepoName('octo/..'));
});
