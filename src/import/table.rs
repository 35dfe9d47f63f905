//! The shared table reader: comma-separated rows, and the dates, instants and counts the
//! tools write into them.
//!
//! github-repo-stats, repository-traffic-action and gtt's own export are CSV written by
//! pandas or by gtt; GiTraTra's lines and the JSON formats carry the same kinds of cells.
//! One reader keeps their rules the same:
//! - Fields are split as RFC 4180 (<https://www.rfc-editor.org/rfc/rfc4180>) quoting,
//!   without line breaks inside fields (no tool writes them); blank lines are skipped; a
//!   row with another number of fields than the header is refused, not padded.
//! - A count is digits, or pandas' float form (`12.0`) of a whole number; an empty or
//!   `NaN` cell is "no figure", which pandas writes where a series had no bucket.
//! - Day buckets must be UTC days: `YYYY-MM-DD`, `YYYY-MM-DDT00:00:00Z`, `+00:00`, with a
//!   space instead of `T`, or a naive `YYYY-MM-DD 00:00:00` (pandas' and PyGithub's UTC).
//!   A bucket that does not start at 00:00 UTC (`00:00:00+02:00`) is refused: it would
//!   land on the wrong day. Point-in-time events (a star, a fork, a snapshot) may carry
//!   any offset and count for their UTC day.

use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Time};
use jiff::tz::TimeZone;

use super::error::{Ctx, Error, Problem, show};

/// A table: the header's cells (trimmed, lower-cased) and the rows under it.
pub(crate) struct Table {
    pub(crate) header: Vec<String>,
    /// (1-based line, fields), blank lines left out.
    pub(crate) rows: Vec<(usize, Vec<String>)>,
}

/// One line's fields; double quotes as RFC 4180 (no line breaks inside fields).
pub(crate) fn split_csv(line: &str) -> Result<Vec<String>, Problem> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cur.push('"');
                } else {
                    quoted = false;
                }
            } else {
                cur.push(c);
            }
        } else if c == '"' && cur.trim().is_empty() {
            cur.clear();
            quoted = true;
        } else if c == ',' {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    if quoted {
        return Err(Problem::UnclosedQuote);
    }
    out.push(cur);
    Ok(out)
}

/// A header line's cells, trimmed and lower-cased, as detection compares them.
pub(crate) fn header_cells(line: &str) -> Result<Vec<String>, Problem> {
    Ok(split_csv(line)?.into_iter().map(|c| c.trim().to_ascii_lowercase()).collect())
}

pub(crate) fn read_table(ctx: &Ctx<'_>, content: &str) -> Result<Table, Error> {
    let mut lines = content.lines().enumerate().map(|(i, l)| (i + 1, l)).filter(|(_, l)| !l.trim().is_empty());
    let Some((header_line, header)) = lines.next() else {
        return Err(ctx.whole(Problem::Empty));
    };
    let header = header_cells(header).map_err(|p| ctx.line(header_line, p))?;
    let mut rows = Vec::new();
    for (n, line) in lines {
        let cells = split_csv(line).map_err(|p| ctx.line(n, p))?;
        if cells.len() != header.len() {
            let problem = Problem::FieldCount { expected: header.len(), header: header.join(","), found: cells.len() };
            return Err(ctx.line(n, problem));
        }
        rows.push((n, cells));
    }
    Ok(Table { header, rows })
}

impl Table {
    pub(crate) fn col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|c| c == name)
    }

    /// A column the format must have.
    pub(crate) fn req(&self, ctx: &Ctx<'_>, name: &str) -> Result<usize, Error> {
        self.col(name).ok_or_else(|| ctx.error(Some(1), Some(name), Problem::MissingColumn))
    }
}

pub(crate) fn cell(row: &[String], i: usize) -> &str {
    row.get(i).map_or("", String::as_str)
}

pub(crate) fn count_cell(ctx: &Ctx<'_>, line: usize, name: &str, s: &str) -> Result<Option<u64>, Error> {
    parse_count(s).map_err(|p| ctx.cell(line, name, p))
}

pub(crate) fn day_cell(ctx: &Ctx<'_>, line: usize, name: &str, s: &str) -> Result<Date, Error> {
    parse_day(s).map_err(|p| ctx.cell(line, name, p))
}

pub(crate) fn instant_cell(ctx: &Ctx<'_>, line: usize, name: &str, s: &str) -> Result<Timestamp, Error> {
    parse_instant(s).map_err(|p| ctx.cell(line, name, p))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum When {
    Day(Date),
    Naive(DateTime),
    Instant(Timestamp),
}

/// `YYYY-MM-DD`, or a date and time, with `T` or a space between them, with or without
/// an offset (`Z`, `+00:00`).
fn parse_when(s: &str) -> Result<When, Problem> {
    let s = s.trim();
    let bad = |source| Problem::NotADate { text: show(s), source };
    if s.len() == 10 {
        return s.parse::<Date>().map(When::Day).map_err(bad);
    }
    let s = match (s.get(..10), s.get(10..11), s.get(11..)) {
        (Some(date), Some(" "), Some(time)) => format!("{date}T{time}"),
        _ => s.to_string(),
    };
    let has_offset = s.get(10..).is_some_and(|t| t.contains(['Z', 'z', '+', '-']));
    if has_offset {
        s.parse::<Timestamp>().map(When::Instant).map_err(bad)
    } else {
        s.parse::<DateTime>().map(When::Naive).map_err(bad)
    }
}

/// A UTC day bucket: a date, or a time of 00:00 UTC (a naive time counts as UTC).
pub(crate) fn parse_day(s: &str) -> Result<Date, Problem> {
    let not_midnight = || Problem::NotDayStart(show(s.trim()));
    match parse_when(s)? {
        When::Day(d) => Ok(d),
        When::Naive(dt) if dt.time() == Time::midnight() => Ok(dt.date()),
        When::Naive(_) => Err(not_midnight()),
        When::Instant(ts) => {
            let z = ts.to_zoned(TimeZone::UTC);
            if z.time() == Time::midnight() { Ok(z.date()) } else { Err(not_midnight()) }
        }
    }
}

/// A point in time: a date is its 00:00 UTC, a naive time is UTC.
pub(crate) fn parse_instant(s: &str) -> Result<Timestamp, Problem> {
    match parse_when(s)? {
        When::Day(d) => day_start(d),
        When::Naive(dt) => dt
            .to_zoned(TimeZone::UTC)
            .map(|z| z.timestamp())
            .map_err(|source| Problem::NoUtcTime { text: show(s.trim()), source }),
        When::Instant(ts) => Ok(ts),
    }
}

/// 00:00 UTC of a day: the stamp of counters a source does not date more precisely.
pub(crate) fn day_start(day: Date) -> Result<Timestamp, Problem> {
    day.to_zoned(TimeZone::UTC).map(|z| z.timestamp()).map_err(|source| Problem::NoUtcMidnight { day, source })
}

pub(crate) use crate::history::utc_day;

/// A count in a text cell: digits, or pandas' `12.0`. Empty and `NaN` are "no figure".
pub(crate) fn parse_count(s: &str) -> Result<Option<u64>, Problem> {
    let t = s.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("nan") {
        return Ok(None);
    }
    if let Ok(n) = t.parse::<u64>() {
        return Ok(Some(n));
    }
    match t.parse::<f64>() {
        Ok(f) if whole(f) => Ok(Some(f as u64)),
        _ => Err(Problem::NotACount { shown: format!("`{}`", show(t)) }),
    }
}

/// A float that is a whole count a `u64` holds.
pub(crate) fn whole(f: f64) -> bool {
    f.is_finite() && f >= 0.0 && f.fract() == 0.0 && f < 1.8e19
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::testkit::{d, ts};

    #[test]
    fn dates_accept_the_tools_forms_and_refuse_shifted_buckets() {
        for s in [
            "2026-03-01",
            "2026-03-01T00:00:00Z",
            "2026-03-01T00:00:00+00:00",
            "2026-03-01 00:00:00+00:00",
            "2026-03-01 00:00:00",
            "2026-03-01T00:00:00.000Z",
            " 2026-03-01T00:00:00-00:00 ",
            "2026-03-01T01:00:00+01:00",
        ] {
            assert_eq!(parse_day(s).ok(), Some(d("2026-03-01")), "{s}");
        }
        for s in [
            "2026-03-01T00:00:00+02:00",
            "2026-03-01 05:00:00",
            "2026-03-01T23:59:59Z",
            "2026-02-30",
            "",
            "03/01/2026",
            "2026-03-01T",
        ] {
            assert!(parse_day(s).is_err(), "{s}");
        }
        assert_eq!(parse_instant("2026-01-09 00:30:12+01:00").ok(), Some(ts("2026-01-08T23:30:12Z")));
        assert_eq!(parse_instant("2026-01-09").ok(), Some(ts("2026-01-09T00:00:00Z")));
        assert_eq!(parse_count("12").ok(), Some(Some(12)));
        assert_eq!(parse_count("12.0").ok(), Some(Some(12)));
        assert_eq!(parse_count(" ").ok(), Some(None));
        assert_eq!(parse_count("NaN").ok(), Some(None));
        for s in ["-1", "1.5", "1e400", "inf", "x", "99999999999999999999999"] {
            assert!(parse_count(s).is_err(), "{s}");
        }
    }

    #[test]
    fn a_bad_date_says_why_the_parser_refused_it() {
        let e = parse_day("2026-02-30").expect_err("no such day");
        assert!(matches!(e, Problem::NotADate { .. }), "{e:?}");
        let cause = std::error::Error::source(&e).map(ToString::to_string).unwrap_or_default();
        assert!(!cause.is_empty(), "the date parser's reason is kept as the source");
        assert!(matches!(parse_day("2026-03-01T00:00:00+02:00"), Err(Problem::NotDayStart(_))));
    }

    #[test]
    fn csv_fields_follow_rfc_4180_quoting() {
        assert_eq!(split_csv("a,\"b,c\",\"d\"\"e\"").ok(), Some(vec!["a".into(), "b,c".into(), "d\"e".into()]));
        assert!(matches!(split_csv("a,\"b"), Err(Problem::UnclosedQuote)));
    }
}
