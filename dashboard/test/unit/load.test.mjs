import { test } from 'node:test';
import assert from 'node:assert/strict';
import { discover, loadAll, resolveSource, isFileName, gistBase } from '../../src/js/load.js';
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

test('discovery order: URL parameter, data.js, config.js, config.json', async () => {
  const fetchJson = async () => ({ source: 'from-json/' });
  assert.equal((await discover({ search: '?source=p/', config: { source: 'c/' }, data: {}, fetchJson })).source, 'p/');
  const d = await discover({ search: '', config: { source: 'data/' }, data: { 'gtt.json': '{}' }, fetchJson });
  assert.equal(d.from, 'data.js');
  assert.equal((await discover({ search: '', config: { source: 'c/' }, data: null, fetchJson })).source, 'c/');
  assert.equal((await discover({ search: '', config: null, data: null, fetchJson })).source, 'from-json/');
  const none = await discover({ search: '', config: null, data: null, fetchJson: async () => ({ source: null }) });
  assert.equal(none.source, null);
  const fails = await discover({ search: '', config: null, data: null, fetchJson: async () => { throw new Error('404'); } });
  assert.equal(fails.source, null);
});

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
  const r = await loadAll({ source: 'https://x.example/d' }, page, fetchText);
  assert.deepEqual(r.repos, ['a/one', 'b/two']);
  assert.equal(r.errors.length, 2);
  assert.ok(r.errors.some((e) => e.startsWith('c/bad')));
  assert.ok(r.errors.some((e) => e.includes('HTTP 404')));
  assert.equal(new Set(urls).size, urls.length, 'each file fetched once');
  // From data.js: no fetch at all.
  const embedded = await loadAll(
    { source: 'data/', data: { 'gtt.json': files['https://x.example/d/gtt.json'], 'history-a.one.json': '{}' } },
    page,
    () => assert.fail('no fetch'),
  );
  assert.deepEqual(embedded.repos, ['a/one']);
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
  const r = await loadAll({ source: g1 }, page, fetchText);
  assert.deepEqual(r.repos, ['o/a', 'o/b']);
  assert.equal(r.errors.length, 1);
  assert.ok(r.errors[0].startsWith('o/c: stored in another gist'), r.errors[0]);
  assert.ok(!urls.some((u) => u.includes('evil')));
  // A folder copy (data.js) is flat: the gists map does not matter.
  const embedded = await loadAll(
    { source: 'data/', data: { 'gtt.json': files[`${g1}gtt.json`], 'history-o.a.json': '{}', 'history-o.b.json': '{}', 'history-o.c.json': '{}' } },
    page,
    () => assert.fail('no fetch'),
  );
  assert.deepEqual(embedded.repos, ['o/a', 'o/b', 'o/c']);
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
