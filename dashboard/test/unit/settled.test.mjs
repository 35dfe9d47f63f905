import { test } from 'node:test';
import assert from 'node:assert/strict';
import { joinSettled, settledName, withSettled } from '../../src/js/settled.js';

const live = {
  schema: 2,
  repo: 'o/r',
  days: { '2025-01-01': [3, 1, 2, 1], '2025-01-02': [1, 1, 0, 0] },
  stats: { '2025-01-02': [1735776000, 5, 1, 2, 0] },
  partial: ['2025-01-02'],
  imported: { csv: [['2025-01-01', '2025-01-01']] },
  validators: { repo: { at: '2025-01-02T00:00:00Z', etag: 'x', value: 1 } },
  settled: { file: 'settled-o.r.json', before: '2025-01-01', digest: { covered_days: 2 } },
};
const settled = {
  schema: 2,
  repo: 'o/r',
  days: { '2024-12-30': [9, 2, 4, 1], '2024-12-31': [0, 0, 0, 0] },
  partial: ['2024-12-30'],
  ci: { '2024-12-31': [1, 1] },
  imported: { csv: [['2024-12-20', '2024-12-31']] },
  reconstructed: { stars: { '2024-12-30': 4 } },
};

test('a live history and its settled part join into the whole', () => {
  const whole = joinSettled(live, settled);
  assert.deepEqual(Object.keys(whole.days), ['2024-12-30', '2024-12-31', '2025-01-01', '2025-01-02']);
  assert.deepEqual(whole.partial, ['2024-12-30', '2025-01-02']);
  assert.deepEqual(whole.ci, { '2024-12-31': [1, 1] });
  assert.deepEqual(whole.stats, live.stats);
  assert.deepEqual(whole.reconstructed, { stars: { '2024-12-30': 4 }, forks: {} });
  assert.deepEqual(whole.imported.csv, [['2024-12-20', '2024-12-31'], ['2025-01-01', '2025-01-01']]);
  assert.deepEqual(whole.validators, live.validators);
  assert.equal(whole.settled, undefined);
});

test('only a plain settled file name is read', () => {
  assert.equal(settledName(live), 'settled-o.r.json');
  for (const file of ['../x.json', 'settled-../x.json', 'history-o.r.json', 'https://e.example/settled-a.json', 7]) {
    assert.equal(settledName({ settled: { file } }), null, String(file));
  }
  assert.equal(settledName({}), null);
});

test('a text is joined with the settled file it names, other texts pass unchanged', async () => {
  const asked = [];
  const read = async (name) => {
    asked.push(name);
    return JSON.stringify(settled);
  };
  const whole = JSON.parse(await withSettled(JSON.stringify(live), read));
  assert.deepEqual(asked, ['settled-o.r.json']);
  assert.equal(Object.keys(whole.days).length, 4);
  const plain = JSON.stringify({ schema: 2, repo: 'o/r', days: {} });
  assert.equal(await withSettled(plain, read), plain);
  assert.equal(await withSettled('not json "settled"', read), 'not json "settled"');
  await assert.rejects(withSettled(JSON.stringify(live), async () => 'nope'), /settled part settled-o.r.json/);
  assert.equal(asked.length, 1);
});
