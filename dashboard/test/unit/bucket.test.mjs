import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bucketStart, dayNum, dayStr } from '../../src/js/dates.js';
import { readHistory, buildModel, bucketSeries, average7 } from '../../src/js/derive.js';

const start = (s, by) => dayStr(bucketStart(dayNum(s), by));

test('weeks start on Monday (UTC), months on the 1st', () => {
  assert.equal(start('2026-09-01', 'week'), '2026-08-31'); // a Tuesday
  assert.equal(start('2026-09-06', 'week'), '2026-08-31'); // Sunday ends the week
  assert.equal(start('2026-09-07', 'week'), '2026-09-07'); // Monday starts one
  assert.equal(start('1970-01-01', 'week'), '1969-12-29');
  assert.equal(start('2026-02-28', 'month'), '2026-02-01');
  assert.equal(start('2026-02-28', 'day'), '2026-02-28');
});

function model() {
  const days = {};
  for (let d = 1; d <= 14; d++) days[`2026-09-${String(d).padStart(2, '0')}`] = [10, 1, 2, 1];
  delete days['2026-09-03']; // a gap
  days['2026-09-14'] = [1, 1, 0, 0]; // partial
  return buildModel(
    readHistory({
      repo: 'a/b',
      first_collected: '2026-09-01T12:00:00Z',
      days,
      stats: { '2026-09-02': [0, 5, 0, 0, 0], '2026-09-09': [0, 7, 0, 0, 0] },
      ci: { '2026-09-08': [1, 1] },
      ci_estimated: ['2026-09-08'],
      partial: ['2026-09-14'],
    }),
  );
}

test('buckets sum traffic, keep counters latest, mark incomplete and estimated weeks', () => {
  const m = model();
  const a = bucketStart(dayNum('2026-09-01'), 'week');
  const b = dayNum('2026-09-14');
  const s = bucketSeries(m, ['views', 'stars', 'ciShare'], a, b, 'week', bucketStart);
  assert.deepEqual(s.starts.map(dayStr), ['2026-08-31', '2026-09-07', '2026-09-14']);
  assert.deepEqual(s.values.views, [50, 70, 1]); // Aug 31 not tracked, Sep 3 a gap
  assert.deepEqual(s.values.stars, [5, 7, null]);
  assert.deepEqual(s.values.ciShare, [null, 0.5, null]);
  assert.deepEqual(s.incomplete, [true, false, true]);
  assert.deepEqual(s.estimated, [false, true, false]);
});

test('the 7-day average counts complete days only', () => {
  const m = model();
  const a = dayNum('2026-09-01');
  const avg = average7(m, 'views', a, dayNum('2026-09-14'));
  assert.equal(avg[2], null, 'no value on a gap day');
  assert.equal(avg[13], 10, 'the partial day (1 view) is left out');
  assert.equal(avg.filter((v) => v !== null && v !== 10).length, 0);
});
