// The view's state in the URL hash, so a view can be linked and restored:
// #tab=views&range=1y&repo=octo/hello&by=week (by is left out when 'day'). Unknown or missing values fall back to defaults.

export const TABS = ['overview', 'installs', 'views', 'community', 'dev'];
export const RANGES = ['30d', '90d', '1y', 'all'];
export const ALL = 'all';
/** How daily figures are grouped: by day, by week (Monday to Sunday, UTC), by month. */
export const BYS = ['day', 'week', 'month'];
export const DEFAULT_TAB = 'overview';
export const DEFAULT_RANGE = '90d';

/** The default repository: all of them when there are several, else the only one. */
export function defaultRepo(repos) {
  if (repos.length === 1) return repos[0];
  return ALL;
}

/** Parses `location.hash` against the repositories that exist (case-insensitively). */
export function parseHash(hash, repos) {
  const params = new URLSearchParams(String(hash || '').replace(/^#/, ''));
  const tab = TABS.includes(params.get('tab')) ? params.get('tab') : DEFAULT_TAB;
  const range = RANGES.includes(params.get('range')) ? params.get('range') : DEFAULT_RANGE;
  const want = (params.get('repo') || '').toLowerCase();
  let repo = defaultRepo(repos);
  if (want === ALL && repos.length > 1) repo = ALL;
  else if (want) repo = repos.find((r) => r.toLowerCase() === want) ?? repo;
  const by = BYS.includes(params.get('by')) ? params.get('by') : 'day';
  return { tab, range, repo, by };
}

/** The canonical hash of a state; `parseHash(formatHash(s))` gives `s` back. */
export function formatHash(state) {
  const repo = encodeURIComponent(state.repo).replace(/%2F/gi, '/');
  const by = state.by && state.by !== 'day' ? `&by=${state.by}` : '';
  return `#tab=${state.tab}&range=${state.range}&repo=${repo}${by}`;
}
