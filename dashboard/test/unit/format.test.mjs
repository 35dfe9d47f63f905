import { test } from 'node:test';
import assert from 'node:assert/strict';
import { shorten, SHOW_MAX } from '../../src/js/format.js';

test('shorten: long strings from the data are cut for display, short ones kept', () => {
  assert.equal(SHOW_MAX, 200);
  assert.equal(shorten('github.com'), 'github.com');
  assert.equal(shorten('x'.repeat(200)), 'x'.repeat(200));
  assert.equal(shorten('x'.repeat(201)), 'x'.repeat(200) + '…');
  assert.equal(shorten('r'.repeat(50000)).length, 201);
  assert.equal(shorten(null), '');
  assert.equal(shorten(42), '42');
  assert.equal(shorten('abcdef', 3), 'abc…');
  // Never half a surrogate pair: 199 x then an emoji across the cut.
  const cut = shorten('x'.repeat(199) + '😀' + 'y'.repeat(10));
  assert.equal(cut, 'x'.repeat(199) + '…');
  assert.ok(!/[\ud800-\udbff](?![\udc00-\udfff])/.test(cut), 'no lone high surrogate');
});
