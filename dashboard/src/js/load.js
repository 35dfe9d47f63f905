// Where the data is and how it is read. The URL parameter `?source=` wins; then
// `window.GTT_CONFIG` (config.js, written by `gtt dashboard`); then `config.json`.
// gtt.json is read first; each repository's history is read when a view first needs it
// (the sum of all repositories needs them all; one linked with `#repo=` only its own).
// Over http(s) the files are fetched. A page opened from file:// cannot fetch, so for a
// folder source it adds scripts that `gtt dashboard` wrote beside the copies: `gtt.js`
// (gtt.json, and which script holds each file) and one small script per repository,
// each added to the page the first time one of its files is needed. A split history's
// settled file, which its live file names, is read after it and joined (settled.js).

import { withSettled } from './settled.js';

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

/** A script `gtt dashboard` writes beside a folder's copies: one plain name. */
export function isScriptName(s) {
  return typeof s === 'string' && /^[A-Za-z0-9][A-Za-z0-9._-]*\.js$/.test(s) && !s.includes('..');
}

/** Decides where the data comes from. `env`: {search, config, fetchJson}. */
export async function discover(env) {
  const param = new URLSearchParams(env.search || '').get('source');
  if (param) return { source: param, from: 'the URL parameter source' };
  const cfg = env.config;
  if (cfg && typeof cfg.source === 'string' && cfg.source) return { source: cfg.source, from: 'config.js' };
  try {
    const j = await env.fetchJson('config.json');
    if (j && typeof j.source === 'string' && j.source) return { source: j.source, from: 'config.json' };
  } catch {
    // No config.json: the page explains how to point it at data.
  }
  return { source: null, from: null };
}

/** Reads a folder's files from the scripts `gtt dashboard` wrote there (for file://).
 * `gtt.js` sets `GTT_DATA = {files: {name: text}, scripts: {name: script}}`; each
 * repository's script adds `{name: text}` to `GTT_FILES`. Each script is added once; a
 * text is handed out once and then dropped, so the page keeps no second copy. */
async function scriptReader(base, io) {
  try {
    await io.addScript(`${base}gtt.js`);
  } catch (e) {
    throw new Error(`cannot load gtt.js (${e.message})`);
  }
  const d = io.global.GTT_DATA;
  if (!d || typeof d !== 'object' || !d.files || typeof d.files !== 'object' || !d.scripts || typeof d.scripts !== 'object') {
    throw new Error('gtt.js holds no data');
  }
  io.global.GTT_DATA = null;
  const texts = new Map(Object.entries(d.files).filter(([, v]) => typeof v === 'string'));
  const added = new Map();
  return async (name) => {
    const script = Object.hasOwn(d.scripts, name) ? d.scripts[name] : null;
    if (!texts.has(name) && isScriptName(script)) {
      if (!added.has(script)) added.set(script, io.addScript(base + script));
      await added.get(script);
      const files = io.global.GTT_FILES;
      io.global.GTT_FILES = {};
      if (files && typeof files === 'object') {
        for (const [k, v] of Object.entries(files)) if (typeof v === 'string') texts.set(k, v);
      }
    }
    const text = texts.get(name);
    if (typeof text !== 'string') throw new Error(`${name} is missing from ${script ?? 'gtt.js'}`);
    texts.delete(name);
    return text;
  };
}

/** How many histories are read at once. Asking for all 50 at once makes each arrive
 * late (they share the connections, and from file:// every script is compiled before
 * the page gets to the first); a few at a time, in order, bring the first one in
 * early while the page parses it and the next ones download. */
const READING_AT_ONCE = 4;

/** Runs at most `n` of the jobs given at once, the others in the order given. */
export function queue(n) {
  let running = 0;
  const waiting = [];
  const next = () => {
    if (running >= n || !waiting.length) return;
    running++;
    const [job, ok, fail] = waiting.shift();
    job()
      .then(ok, fail)
      .finally(() => {
        running--;
        next();
      });
  };
  return (job) =>
    new Promise((ok, fail) => {
      waiting.push([job, ok, fail]);
      next();
    });
}

/** Opens a source: reads gtt.json and returns {index, base, repos, errors, history},
 * `repos` the repositories it lists that can be read (sorted), `errors` what is wrong
 * with the others, `history(repo)` a promise of the text of a repository's history
 * (the caller asks once per repository and keeps what it derives: from file:// a text
 * is handed out once). `io`: {fetchText(url), addScript(url), global}. */
export async function openSource(found, pageUrl, io) {
  const base = resolveSource(found.source, pageUrl);
  if (!base) throw new Error(`the data source is not an http(s) URL or folder: ${found.source}`);
  const scripts = base.startsWith('file:');
  const read = scripts ? await scriptReader(base, io) : (name, from = base) => io.fetchText(from + name);
  let index;
  try {
    index = JSON.parse(await read('gtt.json'));
  } catch (e) {
    throw new Error(`cannot read gtt.json from ${base}: ${e.message}`);
  }
  const listed = index && typeof index.repos === 'object' && index.repos ? index.repos : {};
  // Several gists: repository -> the gist that holds it, for those not beside gtt.json.
  const gists = index && typeof index.gists === 'object' && index.gists ? index.gists : {};
  const errors = [];
  const where = new Map();
  for (const [repo, file] of Object.entries(listed)) {
    let from = base;
    if (!isFileName(file)) {
      errors.push(`${repo}: unexpected file name in gtt.json`);
      continue;
    }
    if (!scripts && Object.hasOwn(gists, repo)) {
      from = gistBase(base, gists[repo]);
      if (!from) {
        errors.push(`${repo}: stored in another gist, which cannot be reached from ${base} (use a gist's raw URL as the source)`);
        continue;
      }
    }
    where.set(repo, [file, from]);
  }
  const repos = [...where.keys()].sort((a, b) => a.toLowerCase().localeCompare(b.toLowerCase()));
  const turn = queue(READING_AT_ONCE);
  const history = async (repo) => {
    const [file, from] = where.get(repo) ?? [];
    if (!file) throw new Error(`${repo} is not in gtt.json`);
    try {
      return await turn(async () => withSettled(await read(file, from), (name) => read(name, from)));
    } catch (e) {
      throw new Error(`${repo}: cannot read ${file} (${e.message})`);
    }
  };
  return { index, base, repos, errors, history };
}
