// A split history: gtt keeps a repository's settled days (all but the last 92 to 150
// days, moved once a month) in a file of their own, which a new day does not touch, and
// the live file names it (`settled.file`). The page reads both and joins them here: the parts
// hold disjoint days, so the join is a union.

/** The settled file a live history names: one plain `settled-….json` name, or null. */
export function settledName(live) {
  const file = live && typeof live.settled === 'object' && live.settled ? live.settled.file : null;
  return typeof file === 'string' && /^settled-[A-Za-z0-9][A-Za-z0-9._-]*\.json$/.test(file) && !file.includes('..')
    ? file
    : null;
}

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
const objectOf = (v) => (isObject(v) ? v : {});
const arrayOf = (v) => (Array.isArray(v) ? v : []);

/** The whole history from a live part and its settled part: date-keyed objects and
 * the reconstructed series unioned (settled days first, so keys stay ascending),
 * arrays of dates unioned, imported ranges of each label joined; every other field is
 * the live part's. */
export function joinSettled(live, settled) {
  const out = { ...live };
  delete out.settled;
  const s = objectOf(settled);
  for (const k of ['days', 'stats', 'popular', 'ci', 'unknown']) {
    out[k] = { ...objectOf(s[k]), ...objectOf(live[k]) };
  }
  for (const k of ['partial', 'ci_estimated']) {
    out[k] = [...new Set([...arrayOf(s[k]), ...arrayOf(live[k])])].sort();
  }
  const rs = objectOf(s.reconstructed);
  const rl = objectOf(live.reconstructed);
  out.reconstructed = {
    stars: { ...objectOf(rs.stars), ...objectOf(rl.stars) },
    forks: { ...objectOf(rs.forks), ...objectOf(rl.forks) },
  };
  const imported = {};
  for (const part of [objectOf(s.imported), objectOf(live.imported)]) {
    for (const [label, ranges] of Object.entries(part)) imported[label] = [...(imported[label] || []), ...arrayOf(ranges)];
  }
  out.imported = imported;
  return out;
}

/** The text of a whole history from the text of its file: a live file that names a
 * settled file is joined with it (`readFile(name)` gives a file's text); any other text
 * is handed back as it is (the caller says what is wrong with one that is not JSON). */
export async function withSettled(text, readFile) {
  if (typeof text !== 'string' || !text.includes('"settled"')) return text;
  let live;
  try {
    live = JSON.parse(text);
  } catch {
    return text;
  }
  const name = settledName(live);
  if (!name) return text;
  let settled;
  try {
    settled = JSON.parse(await readFile(name));
  } catch (e) {
    throw new Error(`cannot read its settled part ${name} (${e.message})`);
  }
  return JSON.stringify(joinSettled(live, settled));
}
