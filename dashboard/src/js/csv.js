// CSV for the "Download CSV" buttons: RFC 4180 quoting, gaps as empty cells, and text
// cells that a spreadsheet would run as a formula prefixed with a quote.

/** One cell. Numbers as they are, null/undefined as empty, text quoted when needed. */
export function csvCell(v) {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : '';
  let s = String(v);
  if (/^[=+\-@\t\r]/.test(s)) s = "'" + s;
  if (/[",\r\n]/.test(s)) s = '"' + s.replace(/"/g, '""') + '"';
  return s;
}

/** A header row plus rows, CRLF-free (one "\n" per line, as gtt export writes). */
export function toCsv(header, rows) {
  const lines = [header.map(csvCell).join(',')];
  for (const r of rows) lines.push(r.map(csvCell).join(','));
  return lines.join('\n') + '\n';
}

/** A chart's data as CSV: a `date` column then one column per series shown. */
export function chartCsv(dates, series) {
  const header = ['date', ...series.map((s) => s.key)];
  const rows = dates.map((d, i) => [d, ...series.map((s) => s.values[i])]);
  return toCsv(header, rows);
}

/** A file name made only of safe characters. */
export function csvFileName(...parts) {
  return (
    parts
      .filter((p) => p !== null && p !== undefined && p !== '')
      .map((p) => String(p).replace(/[^A-Za-z0-9._-]+/g, '-'))
      .join('_')
      .replace(/^[-.]+/, '') + '.csv'
  );
}
