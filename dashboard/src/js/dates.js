// UTC calendar days as integers (days since 1970-01-01), so a series is an array indexed
// by day offset and a range is two integers. Pure: no clock, no DOM.

const DAY_MS = 86400000;

/** "YYYY-MM-DD" -> day number, or NaN when it is not a valid calendar day. */
export function dayNum(s) {
  if (typeof s !== 'string' || s.length !== 10 || s[4] !== '-' || s[7] !== '-') return NaN;
  const y = +s.slice(0, 4);
  const m = +s.slice(5, 7);
  const d = +s.slice(8, 10);
  if (!Number.isInteger(y) || !Number.isInteger(m) || !Number.isInteger(d)) return NaN;
  if (m < 1 || m > 12 || d < 1 || d > 31) return NaN;
  const ms = Date.UTC(y, m - 1, d);
  const back = new Date(ms);
  if (back.getUTCDate() !== d) return NaN; // 2026-02-30
  return ms / DAY_MS;
}

/** Day number -> "YYYY-MM-DD". */
export function dayStr(n) {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

/** Day number -> Unix seconds at 00:00 UTC (uPlot's x values). */
export function daySec(n) {
  return n * 86400;
}

/** An RFC 3339 timestamp -> its UTC day number, or NaN. */
export function tsDay(ts) {
  const ms = Date.parse(ts);
  return Number.isFinite(ms) ? Math.floor(ms / DAY_MS) : NaN;
}

/** Unix seconds -> UTC day number. */
export function secDay(sec) {
  return Math.floor(sec / 86400);
}

/** The first day of the bucket holding day `d`: itself ('day'), its week's Monday
 * ('week', weeks start on Monday, UTC), or the 1st of its UTC month ('month'). */
export function bucketStart(d, by) {
  if (by === 'week') return d - ((((d + 3) % 7) + 7) % 7); // 1970-01-01 was a Thursday
  if (by === 'month') {
    const t = new Date(d * DAY_MS);
    return Date.UTC(t.getUTCFullYear(), t.getUTCMonth(), 1) / DAY_MS;
  }
  return d;
}
