// Where the data is and how it is read. The URL parameter `?source=` wins; then
// `window.GTT_CONFIG` (config.js, written by `gtt dashboard`); then `config.json`.
// Data written into `window.GTT_DATA` (data.js, for a local folder opened from file://)
// is used as it is; otherwise gtt.json and every history file are fetched once.

/** A gtt file name as gtt writes them: no folders, no tricks. */
export function isFileName(s) {
  return typeof s === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]*\.json$/.test(s) && !s.includes('..');
}

/** Resolves a source (absolute URL or relative folder) against the page; ends in "/".
 * Only http(s) sources are accepted. Returns null for anything else. */
export function resolveSource(source, pageUrl) {
  if (typeof source !== 'string' || !source.trim()) return null;
  let u;
  try {
    u = new URL(source.trim(), pageUrl);
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:' && u.protocol !== 'file:') return null;
  if (u.username || u.password) return null;
  u.search = '';
  u.hash = '';
  if (!u.pathname.endsWith('/')) u.pathname += '/';
  return u.href;
}

/** The base URL of another gist of the same owner, from a gist's raw base URL
 * (`https://HOST/OWNER/GIST_ID/raw/`): gtt spreads many repositories over several gists
 * (one token writes them all, so one owner), and the first gist's gtt.json names the gist
 * of each repository stored elsewhere in `gists`. Null when `base` is not such a URL or
 * `id` is not a gist id. */
export function gistBase(base, id) {
  if (typeof id !== 'string' || !/^[A-Za-z0-9]{1,64}$/.test(id)) return null;
  const m = /^(https?:\/\/[^/?#]+\/[^/?#]+\/)[A-Za-z0-9]+(\/raw\/)$/.exec(typeof base === 'string' ? base : '');
  return m ? m[1] + id + m[2] : null;
}

/** Decides where the data comes from. `env`: {search, pageUrl, config, data, fetchJson}. */
export async function discover(env) {
  const param = new URLSearchParams(env.search || '').get('source');
  if (param) return { source: param, from: 'the URL parameter source', data: null };
  const cfg = env.config;
  if (env.data && typeof env.data === 'object') {
    return { source: cfg?.source || 'data/', from: 'data.js', data: env.data };
  }
  if (cfg && typeof cfg.source === 'string' && cfg.source) return { source: cfg.source, from: 'config.js', data: null };
  try {
    const j = await env.fetchJson('config.json');
    if (j && typeof j.source === 'string' && j.source) return { source: j.source, from: 'config.json', data: null };
  } catch {
    // No config.json: the page explains how to point it at data.
  }
  return { source: null, from: null, data: null };
}

/** Reads gtt.json and every history file it lists, from `data` (data.js) or over the
 * network with `fetchText(url)`. Files that fail are reported, the rest are kept.
 * `onIndex(repos)` is told the repositories once gtt.json is read, and `onFile(repo)`
 * each history as it arrives (so work can overlap the downloads still running). */
export async function loadAll(found, pageUrl, fetchText, { onIndex, onFile } = {}) {
  const errors = [];
  const texts = new Map();
  let base = null;
  if (found.data) {
    for (const [k, v] of Object.entries(found.data)) if (typeof v === 'string') texts.set(k, v);
  } else {
    base = resolveSource(found.source, pageUrl);
    if (!base) throw new Error(`the data source is not an http(s) URL or folder: ${found.source}`);
  }
  const read = async (name, from = base) => {
    if (found.data) {
      if (!texts.has(name)) throw new Error(`${name} is missing from data.js`);
      return texts.get(name);
    }
    const t = await fetchText(from + name);
    texts.set(name, t);
    return t;
  };
  let index;
  try {
    index = JSON.parse(await read('gtt.json'));
  } catch (e) {
    throw new Error(`cannot read gtt.json from ${base ?? 'data.js'}: ${e.message}`);
  }
  const repos = index && typeof index.repos === 'object' && index.repos ? index.repos : {};
  // Several gists: repository -> the gist that holds it, for those not beside gtt.json.
  const gists = index && typeof index.gists === 'object' && index.gists ? index.gists : {};
  const files = new Map();
  const loaded = new Set();
  if (onIndex) onIndex(Object.keys(repos).filter((r) => isFileName(repos[r])));
  await Promise.all(
    Object.entries(repos).map(async ([repo, file]) => {
      if (!isFileName(file)) {
        errors.push(`${repo}: unexpected file name in gtt.json`);
        return;
      }
      let from = base;
      if (!found.data && Object.hasOwn(gists, repo)) {
        from = gistBase(base, gists[repo]);
        if (!from) {
          errors.push(`${repo}: stored in another gist, which cannot be reached from ${base} (use a gist's raw URL as the source)`);
          return;
        }
      }
      try {
        files.set(repo, await read(file, from));
        loaded.add(repo);
        if (onFile) onFile(repo, files);
      } catch (e) {
        errors.push(`${repo}: cannot read ${file} (${e.message})`);
      }
    }),
  );
  const order = Object.keys(repos).filter((r) => loaded.has(r));
  order.sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
  return { index, base, files, repos: order, errors };
}
