import { test } from 'node:test';
import assert from 'node:assert/strict';
import { csvCell, toCsv, chartCsv, csvFileName } from '../../src/js/csv.js';

test('cells: numbers, gaps, quoting, formulas', () => {
  assert.equal(csvCell(12), '12');
  assert.equal(csvCell(0.25), '0.25');
  assert.equal(csvCell(null), '');
  assert.equal(csvCell(undefined), '');
  assert.equal(csvCell(NaN), '');
  assert.equal(csvCell('a,b'), '"a,b"');
  assert.equal(csvCell('say "hi"'), '"say ""hi"""');
  assert.equal(csvCell('line\nbreak'), '"line\nbreak"');
  assert.equal(csvCell('=HYPERLINK("x")'), `"'=HYPERLINK(""x"")"`);
  assert.equal(csvCell('+1'), "'+1");
  assert.equal(csvCell('@x'), "'@x");
  assert.equal(csvCell(-3), '-3');
});

test('chart CSV: date column then each series, gaps empty', () => {
  const text = chartCsv(['2026-10-01', '2026-10-02'], [
    { key: 'views', values: [3, null] },
    { key: 'clones', values: [0, 1] },
  ]);
  assert.equal(text, 'date,views,clones\n2026-10-01,3,0\n2026-10-02,,1\n');
  assert.equal(toCsv(['a'], []), 'a\n');
});

test('file names keep to safe characters', () => {
  assert.equal(csvFileName('gtt', 'octo/hello', 'traffic', '90d'), 'gtt_octo-hello_traffic_90d.csv');
  assert.equal(csvFileName('gtt', '../<x>', null, 'all'), 'gtt_..-x-_all.csv');
  assert.ok(!csvFileName('..', 'a').startsWith('.'));
});
