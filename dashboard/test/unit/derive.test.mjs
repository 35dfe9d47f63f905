import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  organicDay,
  readHistory,
  buildModel,
  dailyDownloads,
  aggregate,
  slice,
  sum,
  totals,
  gaps,
  popularTables,
  popularTrend,
  counterModel,
  releaseRows,
  rangeBounds,
} from '../../src/js/derive.js';
import { dayNum, dayStr, tsDay } from '../../src/js/dates.js';

const D = dayNum;
const all = (m, k) => slice(m, k, m.start, m.end);

test('days: parse, print, reject', () => {
  assert.equal(D('1970-01-01'), 0);
  assert.equal(dayStr(D('2026-11-01')), '2026-11-01');
  assert.equal(D('2024-02-29') + 1, D('2024-03-01'));
  assert.ok(Number.isNaN(D('2026-02-30')));
  assert.ok(Number.isNaN(D('2026-13-01')));
  assert.ok(Number.isNaN(D('x')));
  assert.ok(Number.isNaN(D(undefined)));
  assert.equal(tsDay('2026-11-01T23:59:59Z'), D('2026-11-01'));
});

test('organic clones by the ghtraf formulas', () => {
  assert.deepEqual(organicDay(10, 4, null), { clones: 10, uniques: 4, ciUniques: 0 });
  // 10 clones, 6 by CI in 2 runs: 4 organic; CI uniques = min(round(4*0.6), 2) = 2.
  assert.deepEqual(organicDay(10, 4, [6, 2]), { clones: 4, uniques: 2, ciUniques: 2 });
  // All clones were CI: a real zero, not missing.
  assert.deepEqual(organicDay(5, 1, [5, 1]), { clones: 0, uniques: 0, ciUniques: 1 });
  // More checkouts than clones: never negative, CI uniques capped by uniques and runs.
  assert.deepEqual(organicDay(3, 2, [9, 7]), { clones: 0, uniques: 0, ciUniques: 2 });
  // No clones: rate 0.
  assert.deepEqual(organicDay(0, 0, [2, 1]), { clones: 0, uniques: 0, ciUniques: 0 });
  // Rounding half up: 3 uniques * 0.5 = 1.5 -> 2, limited by runs 1.
  assert.deepEqual(organicDay(4, 3, [2, 1]), { clones: 2, uniques: 2, ciUniques: 1 });
  assert.deepEqual(organicDay(4, 3, [2, 5]), { clones: 2, uniques: 1, ciUniques: 2 });
});

test('daily downloads: rises, first-day rule, running max', () => {
  const first = D('2026-10-01');
  const assets = [
    // Already there at the first collection: its 100 predate tracking.
    { counts: [[D('2026-10-01'), 100], [D('2026-10-03'), 130], [D('2026-10-05'), 131]] },
    // Appeared later: its first count is all new.
    { counts: [[D('2026-10-03'), 7], [D('2026-10-04'), 9]] },
    // A count that fell (cannot, but must not go negative) then rose again.
    { counts: [[D('2026-10-02'), 50], [D('2026-10-03'), 40], [D('2026-10-04'), 55]] },
  ];
  assert.deepEqual(dailyDownloads(assets, first), [
    [D('2026-10-01'), 0],
    [D('2026-10-02'), 50],
    [D('2026-10-03'), 30 + 7 + 0],
    [D('2026-10-04'), 2 + 5],
    [D('2026-10-05'), 1],
  ]);
});

function fixture() {
  return readHistory({
    schema: 1,
    repo: 'octo/hello',
    written_by: '0.1.0',
    first_collected: '2026-10-03T12:00:00Z',
    last_collected: '2026-10-10T12:00:00Z',
    days: {
      '2026-10-01': [10, 5, 4, 2],
      '2026-10-02': [0, 0, 0, 0],
      '2026-10-03': [7, 3, 6, 3],
      // 10-04..10-06 not collected: a gap
      '2026-10-07': [20, 9, 10, 4],
      '2026-10-08': [1, 1, 2, 2],
    },
    stats: { '2026-10-03': [1790000000, 40, 5, 4, 2], '2026-10-08': [1790400000, 43, 6, 4, 1] },
    assets: {
      11: { seen: '2026-10-08', release: 'v1', name: 'a.tgz', counts: { '2026-10-03': 100, '2026-10-07': 112 } },
      12: { seen: '2026-10-08', release: 'v2', name: 'b.tgz', counts: { '2026-10-08': 5 } },
    },
    ci: { '2026-10-07': [6, 2], '2026-10-08': [2, 1] },
    popular: {
      '2026-10-03': { at: 'x', referrers: [['google.com', 10, 5], ['old.example', 3, 1]], paths: [['/octo/hello', 'Hello', 9, 4]] },
      '2026-10-08': {
        at: 'y',
        referrers: [['google.com', 14, 6], ['news.ycombinator.com', 30, 20]],
        paths: [['/octo/hello', 'Hello', 12, 5]],
      },
    },
    ci_cache: { 1: { '2026-10-07': 1 } },
  });
}

test('model: one axis, gaps null, zeros kept, derived series', () => {
  const m = buildModel(fixture());
  assert.equal(m.start, D('2026-10-01'));
  assert.equal(m.end, D('2026-10-08'));
  assert.equal(m.n, 8);
  assert.deepEqual(all(m, 'views'), [10, 0, 7, null, null, null, 20, 1]);
  assert.deepEqual(all(m, 'clones'), [4, 0, 6, null, null, null, 10, 2]);
  assert.deepEqual(all(m, 'organicClones'), [4, 0, 6, null, null, null, 4, 0]);
  assert.deepEqual(all(m, 'ciCheckouts'), [null, null, null, null, null, null, 6, 2]);
  assert.deepEqual(all(m, 'ciUniques'), [null, null, null, null, null, null, 2, 1]);
  assert.deepEqual(all(m, 'organicUniques'), [2, 0, 3, null, null, null, 2, 1]);
  assert.deepEqual(all(m, 'ciShare'), [null, null, null, null, null, null, 0.6, 1]);
  assert.deepEqual(all(m, 'stars'), [null, null, 40, null, null, null, null, 43]);
  // Downloads known on collection days; the 100 seen at the first one predate tracking.
  assert.deepEqual(all(m, 'downloads'), [null, null, 0, null, null, null, 12, 5]);
  // Installs: organic clones plus the downloads known that day.
  assert.deepEqual(all(m, 'installs'), [4, 0, 6, null, null, null, 16, 5]);
  assert.equal(m.allTimeDownloads, 117);
  assert.deepEqual(
    gaps(m, m.start, m.end).map(([a, b]) => [dayStr(a), dayStr(b)]),
    [['2026-10-04', '2026-10-06']],
  );
});

test('totals, slices and ranges', () => {
  const m = buildModel(fixture());
  const t = totals(m, m.start, m.end);
  assert.equal(t.views, 38);
  assert.equal(t.clones, 22);
  assert.equal(t.organicClones, 14);
  assert.equal(t.downloads, 17);
  assert.equal(t.installs, 31);
  assert.equal(t.stars, 43);
  assert.equal(t.starsChange, 3);
  assert.equal(t.coveredDays, 5);
  assert.equal(t.gapDays, 3);
  // A range reaching before the history: those days are gaps in the series but not
  // counted as missed days.
  const a = D('2026-09-29');
  assert.deepEqual(slice(m, 'views', a, D('2026-10-02')), [null, null, 10, 0]);
  assert.equal(sum(m, 'views', a, D('2026-10-02')), 10);
  assert.equal(totals(m, a, D('2026-10-02')).gapDays, 0);
  assert.deepEqual(rangeBounds('30d', 0, 100), [71, 100]);
  assert.deepEqual(rangeBounds('all', 3, 100), [3, 100]);
});

test('referrer and path tables with change over snapshots', () => {
  const m = buildModel(fixture());
  const p = popularTables(m, m.start, m.end);
  assert.equal(dayStr(p.latest.day), '2026-10-08');
  assert.equal(dayStr(p.base.day), '2026-10-03');
  assert.deepEqual(p.referrers, [
    { name: 'google.com', count: 14, uniques: 6, change: 4 },
    { name: 'news.ycombinator.com', count: 30, uniques: 20, change: null },
  ]);
  assert.equal(p.paths[0].change, 3);
  // Only one snapshot in range: no comparison.
  const late = popularTables(m, D('2026-10-05'), m.end);
  assert.equal(late.base, null);
  assert.equal(late.referrers[0].change, undefined);
});

test('referrer trends: totals over non-overlapping 14-day windows inside the range', () => {
  const snap = (g, h) => ({ referrers: [['google.com', g, 1], ...(h ? [['hn', h, 2]] : [])], paths: [] });
  const popular = {};
  // Daily snapshots on days 0..29 of October (30 days): google 10 + day, hn on some.
  for (let k = 0; k < 30; k++) popular[dayStr(D('2026-10-01') + k)] = snap(10 + k, k === 29 || k === 5 ? 7 : 0);
  const m = buildModel(readHistory({ repo: 'o/r', popular }));
  const a = D('2026-10-01');
  const t = popularTrend(m, a, a + 29, 'referrers');
  // Windows ending on days 29 and 15 (15 - 13 = 2 >= 0); day 1's window starts before
  // the range: 28 of 30 days covered, no view counted twice.
  assert.deepEqual(t.windows.map(dayStr), ['2026-10-16', '2026-10-30']);
  assert.equal(t.covered, 28);
  assert.deepEqual(t.entries.map((e) => [e.name, e.total, e.uniques, e.seen]), [['google.com', 25 + 39, 2, 30], ['hn', 7, 2, 2]]);
  assert.equal(t.days.length, 30);
  const hn = t.values('hn');
  assert.equal(hn[5], 7);
  assert.equal(hn[6], null, 'not in the top 10 that day');
  // A range shorter than a window: no window inside, no total (unknown, not 0).
  const short = popularTrend(m, a + 20, a + 29, 'referrers');
  assert.equal(short.covered, 0);
  assert.deepEqual(short.entries.map((e) => [e.name, e.total]), [['google.com', null], ['hn', null]]);
});

test('releases: totals and range sums', () => {
  const m = buildModel(fixture());
  const rows = releaseRows(m, D('2026-10-07'), D('2026-10-08'));
  assert.deepEqual(
    rows.map((r) => [r.release, r.total, r.inRange]),
    [['v1', 112, 12], ['v2', 5, 5]],
  );
});

test('aggregate: traffic summed where observed, counters carried', () => {
  const a = buildModel(fixture());
  const b = buildModel(
    readHistory({
      repo: 'octo/world',
      first_collected: '2026-10-06T00:00:00Z',
      days: { '2026-10-05': [1, 1, 1, 1], '2026-10-06': [2, 2, 2, 2], '2026-10-09': [3, 3, 3, 3] },
      stats: { '2026-10-06': [0, 100, 1, 1, 1] },
    }),
  );
  const g = aggregate([a, b]);
  assert.equal(g.start, D('2026-10-01'));
  assert.equal(g.end, D('2026-10-09'));
  assert.deepEqual(all(g, 'views'), [10, 0, 7, null, 1, 2, 20, 1, 3]);
  // Stars: octo/hello 40 from 10-03 carried; octo/world 100 from 10-06.
  assert.deepEqual(all(g, 'stars'), [null, null, 40, null, null, 140, null, 143, null]);
  assert.deepEqual(g.repos, ['octo/hello', 'octo/world']);
  assert.equal(totals(g, g.start, g.end).views, 44);
  // Gap only where no repository observed the day.
  assert.deepEqual(gaps(g, g.start, g.end).map(([x, y]) => [dayStr(x), dayStr(y)]), [['2026-10-04', '2026-10-04']]);
});

test('tolerates missing sections and junk keys', () => {
  const m = buildModel(readHistory({ repo: 'a/b', days: { nope: [1, 2, 3, 4], '2026-01-01': 'x' } }));
  assert.equal(m.empty, true);
  assert.equal(m.n, 0);
  assert.deepEqual(totals(m, 0, 10).views, 0);
  const e = buildModel(readHistory(null, 'x/y'));
  assert.equal(e.name, 'x/y');
});

test('figures no source observed are gaps, not zeros', () => {
  const m = buildModel(
    readHistory({
      repo: 'o/r',
      days: { '2026-01-01': [10, 3, 0, 0], '2026-01-02': [5, 2, 4, 1] },
      unknown: { '2026-01-01': 12 },
    }),
  );
  const clones = all(m, 'clones');
  assert.equal(clones[0], null, 'clones of a views-only import are a gap');
  assert.equal(clones[1], 4);
  assert.equal(all(m, 'views')[0], 10);
  assert.equal(all(m, 'organicClones')[0], null);
});

test('partial days: marked on the axis, summed in totals, left out of period changes', async () => {
  const { partialSlice, periodChange } = await import('../../src/js/derive.js');
  const days = {};
  for (let d = D('2026-01-01'); d <= D('2026-01-20'); d++) days[dayStr(d)] = [10, 1, 2, 1];
  days['2026-01-20'] = [1, 1, 0, 0];
  const m = buildModel(readHistory({ days, partial: ['2026-01-20', '<b>', 7, '2025-01-01'] }, 'a/b'));
  assert.equal(m.partialDays, 1, 'only covered days are partial; junk is ignored');
  const a = D('2026-01-11');
  const b = D('2026-01-20');
  assert.deepEqual(partialSlice(m, a, b), [false, false, false, false, false, false, false, false, false, true]);
  assert.equal(totals(m, a, b).views, 91, 'totals include the lower bound');
  assert.equal(totals(m, a, b).partialDays, 1);
  const p = periodChange(m, 'views', a, b);
  assert.deepEqual([p.avg, p.days, p.prevAvg, p.prevDays, p.change], [10, 9, 10, 10, 0]);
  // The sum is partial on a day any repository saw in progress.
  const other = buildModel(readHistory({ days: { '2026-01-19': [1, 1, 1, 1] }, partial: ['2026-01-19'] }, 'c/d'));
  const agg = aggregate([m, other]);
  assert.deepEqual(partialSlice(agg, D('2026-01-18'), D('2026-01-20')), [false, true, true]);
});

test('counters from day one: a collected snapshot beats the reconstruction; junk is left out', () => {
  const m = buildModel(
    readHistory({
      repo: 'o/r',
      days: { '2026-10-02': [1, 1, 1, 1] },
      stats: { '2026-10-02': [0, 50, 4, 3, 1], '2026-10-03': [0, 52, 4, 3, 1] },
      reconstructed: {
        stars: { '2026-09-29': 40, '2026-09-30': 'x', '2026-10-01': 45, '2026-10-02': 49, nope: 3, '2026-10-04': -1 },
        forks: { '2026-09-30': 2 },
      },
    }),
  );
  const c = counterModel(m);
  assert.equal(dayStr(c.start), '2026-09-29');
  assert.equal(dayStr(c.end), '2026-10-03');
  assert.ok(c.hasRecon);
  assert.deepEqual(slice(c, 'stars', c.start, c.end), [null, null, null, 50, 52]);
  // Day 2026-10-02 was collected: its reconstruction (49) is not shown.
  assert.deepEqual(slice(c, 'starsRecon', c.start, c.end), [40, null, 45, null, null]);
  assert.deepEqual(slice(c, 'forksRecon', c.start, c.end), [null, 2, null, null, null]);
  assert.deepEqual(slice(c, 'watchers', c.start, c.end), [null, null, null, 3, 3]);
  // The model's own axis is untouched, and the counters are made once.
  assert.equal(dayStr(m.start), '2026-10-02');
  assert.equal(counterModel(m), c);
  // Without a reconstruction: the counters as collected.
  const plain = counterModel(buildModel(readHistory({ repo: 'o/r', stats: { '2026-10-02': [0, 5, 0, 0, 0] } })));
  assert.equal(plain.hasRecon, false);
  assert.deepEqual(slice(plain, 'stars', plain.start, plain.end), [5]);
});
