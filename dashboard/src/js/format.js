// Number and time formatting for labels. Pure apart from Intl.

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const pctFmt = new Intl.NumberFormat('en-US', { style: 'percent', maximumFractionDigits: 1 });

/** The most characters shown of a string from the data (a referrer, a path, a title, a
 * release tag): a longer one is cut for display, whole in its tooltip and in every CSV,
 * so a 50,000-character referrer costs no more to lay out than a short one. */
export const SHOW_MAX = 200;

/** `s` as text, cut to `max` characters plus "…" when longer (never inside a surrogate
 * pair); shorter strings unchanged. */
export function shorten(s, max = SHOW_MAX) {
  const t = String(s ?? '');
  if (t.length <= max) return t;
  let cut = max;
  const c = t.charCodeAt(cut - 1);
  if (c >= 0xd800 && c <= 0xdbff) cut--;
  return t.slice(0, cut) + '…';
}

/** 12345 -> "12,345"; null -> "–". */
export function int(n) {
  return n === null || n === undefined || !Number.isFinite(n) ? '–' : intFmt.format(n);
}

/** A change with its sign: +12, −3, 0. */
export function signed(n) {
  if (n === null || n === undefined || !Number.isFinite(n)) return '–';
  if (n > 0) return '+' + intFmt.format(n);
  if (n < 0) return '−' + intFmt.format(-n);
  return '0';
}

export function pct(x) {
  return x === null || x === undefined || !Number.isFinite(x) ? '–' : pctFmt.format(x);
}

/** Compact figure for axes: 1.2k, 3.4M. */
export function compact(n) {
  const a = Math.abs(n);
  if (a >= 1e9) return +(n / 1e9).toFixed(1) + 'G';
  if (a >= 1e6) return +(n / 1e6).toFixed(1) + 'M';
  if (a >= 1e4) return +(n / 1e3).toFixed(0) + 'k';
  if (a >= 1e3) return +(n / 1e3).toFixed(1) + 'k';
  return String(+n.toFixed(2));
}

/** "2026-11-01 12:00 UTC" from an RFC 3339 timestamp; "unknown" when absent. */
export function utc(ts) {
  const ms = Date.parse(ts);
  if (!Number.isFinite(ms)) return 'unknown';
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ') + ' UTC';
}

/** "3 hours ago", "2 days ago", relative to `now` (ms). */
export function ago(ts, now) {
  const ms = Date.parse(ts);
  if (!Number.isFinite(ms)) return '';
  const s = Math.round((now - ms) / 1000);
  if (s < 0) return 'in the future';
  if (s < 90) return 'just now';
  const m = Math.round(s / 60);
  if (m < 90) return `${m} minutes ago`;
  const h = Math.round(m / 60);
  if (h < 36) return `${h} hours ago`;
  const d = Math.round(h / 24);
  return d === 1 ? '1 day ago' : `${d} days ago`;
}

/** Age in whole days of a timestamp, relative to `now` (ms); NaN when unknown. */
export function ageDays(ts, now) {
  const ms = Date.parse(ts);
  return Number.isFinite(ms) ? (now - ms) / 86400000 : NaN;
}
