// Synthetic gtt histories in gtt's own file format, for the benchmark and for manual
// previews: `node bench/synth.mjs OUT_DIR [repos] [years]` writes gtt.json and one
// history file per repository. Deterministic (seeded), with gaps, CI, releases and
// thinned referrer snapshots as gtt keeps them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

function rng(seed) {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 4294967296;
  };
}

const DAY = 86400000;
const iso = (ms) => new Date(ms).toISOString().slice(0, 10);

/** One repository's history over `years` years ending on `endMs` (a UTC midnight). */
export function synthHistory(repo, seed, endMs, years = 10) {
  const r = rng(seed);
  const n = Math.round(years * 365.25);
  const startMs = endMs - (n - 1) * DAY;
  const scale = 5 + Math.floor(r() * 400);
  const days = {};
  const stats = {};
  const ci = {};
  // Two gaps: runs of days no collection saw.
  const gapA = Math.floor(n * (0.2 + r() * 0.2));
  const gapB = Math.floor(n * (0.6 + r() * 0.3));
  const isGap = (i) => (i >= gapA && i < gapA + 9) || (i >= gapB && i < gapB + 20);
  let stars = Math.floor(r() * 50);
  let forks = Math.floor(stars / 10);
  const ciFrom = n - 730;
  for (let i = 0; i < n; i++) {
    const ms = startMs + i * DAY;
    const d = iso(ms);
    const growth = 0.3 + (i / n) * 1.5;
    const weekly = [0.6, 1.1, 1.15, 1.1, 1.05, 0.9, 0.55][new Date(ms).getUTCDay()];
    if (!isGap(i)) {
      const views = Math.floor(scale * growth * weekly * (0.6 + r() * 0.8) * (r() < 0.01 ? 8 : 1));
      const vu = Math.floor(views * (0.25 + r() * 0.2));
      const clones = Math.floor(views * (0.05 + r() * 0.1));
      const cu = Math.floor(clones * (0.3 + r() * 0.4));
      days[d] = [views, vu, clones, cu];
      if (i >= ciFrom) {
        const checkouts = Math.min(clones, Math.floor(r() * 6));
        ci[d] = [checkouts, Math.ceil(checkouts / 2)];
      }
      if (r() < 0.3 * growth) stars += 1;
      if (r() < 0.03 * growth) forks += 1;
      stats[d] = [Math.floor(ms / 1000) + 11820, stars, forks, Math.floor(stars / 12), Math.floor(r() * 30)];
    }
  }
  const assets = {};
  let assetId = seed * 1000;
  for (let rel = 0; rel < 20; rel++) {
    const relDay = Math.floor((n / 20) * rel + r() * 20);
    for (let k = 0; k < 3; k++) {
      const counts = {};
      let c = 0;
      for (let i = relDay; i < n; i += i - relDay < 60 ? 1 + Math.floor(r() * 2) : 28 + Math.floor(r() * 28)) {
        if (isGap(i)) continue;
        c += 1 + Math.floor(r() * scale * 0.05 * Math.max(0.05, 1 - (i - relDay) / 400));
        counts[iso(startMs + i * DAY)] = c;
      }
      assets[String(++assetId)] = {
        seen: iso(endMs),
        release: `v${Math.floor(rel / 4)}.${rel % 4}.0`,
        name: ['linux-x86_64.tar.gz', 'macos-arm64.tar.gz', 'windows.zip'][k],
        counts,
      };
    }
  }
  const popular = {};
  const snapshot = (i) => {
    const ms = startMs + i * DAY;
    popular[iso(ms)] = {
      at: new Date(ms + 11820000).toISOString().replace('.000Z', 'Z'),
      referrers: Array.from({ length: 10 }, (_, j) => [
        ['github.com', 'google.com', 'news.ycombinator.com', 'reddit.com', 'duckduckgo.com', 'bing.com', 'x.com', 'lobste.rs', 'dev.to', 'stackoverflow.com'][j],
        Math.floor(scale * 3 * (10 - j) * (0.7 + r() * 0.6)),
        Math.floor(scale * (10 - j) * (0.3 + r() * 0.3)),
      ]),
      paths: Array.from({ length: 10 }, (_, j) => [
        j === 0 ? `/${repo}` : `/${repo}/blob/main/docs/page-${j}.md`,
        j === 0 ? `${repo}: a project` : `docs/page-${j}.md at main · ${repo}`,
        Math.floor(scale * 4 * (10 - j) * (0.7 + r() * 0.6)),
        Math.floor(scale * (10 - j) * (0.3 + r() * 0.3)),
      ]),
    };
  };
  for (let i = 0; i < n; i++) {
    const back = n - 1 - i;
    if (isGap(i)) continue;
    if (back < 31 || (back < 365 && back % 28 === 0) || back % 84 === 0) snapshot(i);
  }
  return {
    schema: 1,
    repo,
    written_by: '0.1.0',
    created_at: new Date(startMs - 30 * DAY).toISOString().replace('.000Z', 'Z'),
    first_collected: new Date(startMs + 13 * DAY + 11820000).toISOString().replace('.000Z', 'Z'),
    last_collected: new Date(endMs + 11820000).toISOString().replace('.000Z', 'Z'),
    days,
    stats,
    assets,
    popular,
    ci,
  };
}

export function historyFile(repo) {
  return `history-${repo.toLowerCase().replace('/', '.')}.json`;
}

/** Writes `count` repositories of `years` years into `dir`. Returns total bytes. */
export function writeSynth(dir, count, years = 10, endMs = Date.UTC(2026, 10, 1)) {
  mkdirSync(dir, { recursive: true });
  const repos = {};
  let bytes = 0;
  for (let i = 0; i < count; i++) {
    const repo = `org${i % 5}/project-${String(i).padStart(2, '0')}`;
    const file = historyFile(repo);
    const text = JSON.stringify(synthHistory(repo, 1000 + i, endMs, years));
    bytes += text.length;
    writeFileSync(join(dir, file), text);
    repos[repo] = file;
  }
  const index = JSON.stringify({ schema: 1, updated: new Date(endMs + 11820000).toISOString().replace('.000Z', 'Z'), repos });
  writeFileSync(join(dir, 'gtt.json'), index);
  return bytes + index.length;
}

if (process.argv[1] && process.argv[1].endsWith('synth.mjs')) {
  const [dir, count = '3', years = '2'] = process.argv.slice(2);
  if (!dir) {
    console.error('usage: node bench/synth.mjs OUT_DIR [repos] [years]');
    process.exit(2);
  }
  const bytes = writeSynth(dir, +count, +years);
  console.log(`${count} repositories x ${years} years: ${(bytes / 1e6).toFixed(1)} MB in ${dir}`);
}
