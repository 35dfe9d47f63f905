import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseHash, formatHash, defaultRepo } from '../../src/js/hash.js';

const repos = ['octo/hello', 'octo/world.js'];

test('defaults', () => {
  assert.deepEqual(parseHash('', repos), { tab: 'overview', range: '90d', repo: 'all', by: 'day' });
  assert.deepEqual(parseHash('', ['a/b']), { tab: 'overview', range: '90d', repo: 'a/b', by: 'day' });
  assert.equal(defaultRepo(['x/y']), 'x/y');
});

test('round trip', () => {
  for (const s of [
    { tab: 'views', range: '1y', repo: 'octo/hello', by: 'day' },
    { tab: 'dev', range: 'all', repo: 'octo/world.js', by: 'week' },
    { tab: 'community', range: '30d', repo: 'all', by: 'month' },
  ]) {
    const h = formatHash(s);
    assert.deepEqual(parseHash(h, repos), s, h);
    assert.equal(formatHash(parseHash(h, repos)), h);
  }
  assert.equal(formatHash({ tab: 'views', range: '1y', repo: 'octo/hello', by: 'day' }), '#tab=views&range=1y&repo=octo/hello');
  assert.equal(formatHash({ tab: 'views', range: '1y', repo: 'octo/hello', by: 'week' }), '#tab=views&range=1y&repo=octo/hello&by=week');
  assert.equal(parseHash('#by=year', repos).by, 'day');
});

test('unknown values fall back; repo matched case-insensitively', () => {
  assert.deepEqual(parseHash('#tab=nope&range=5y&repo=evil/x', repos), { tab: 'overview', range: '90d', repo: 'all', by: 'day' });
  assert.equal(parseHash('#repo=OCTO%2FHello', repos).repo, 'octo/hello');
  assert.equal(parseHash('#repo=all', ['a/b']).repo, 'a/b');
  assert.equal(parseHash('#tab=<script>', repos).tab, 'overview');
});
