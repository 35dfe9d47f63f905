//! The `created` qualifier of GitHub's search syntax, as the workflow-run listing
//! accepts it.

use jiff::Timestamp;
use jiff::civil::Date;

use super::*;

#[derive(Clone, Copy, Debug)]
pub(crate) struct Bound {
    pub(crate) at: Timestamp,
    pub(crate) inclusive: bool,
}

/// A `created` qualifier of GitHub's search syntax, as a time interval.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CreatedRange {
    pub(crate) lo: Option<Bound>,
    pub(crate) hi: Option<Bound>,
}

impl CreatedRange {
    pub(crate) fn contains(&self, t: Timestamp) -> bool {
        // GitHub compares whole seconds.
        let t = Timestamp::from_second(t.as_second()).unwrap_or(t);
        self.lo.is_none_or(|b| if b.inclusive { t >= b.at } else { t > b.at })
            && self.hi.is_none_or(|b| if b.inclusive { t <= b.at } else { t < b.at })
    }
}

#[derive(Clone, Copy, Debug)]
pub(crate) enum Point {
    /// A whole UTC day.
    Day(Date),
    At(Timestamp),
}

/// `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM:SS` with `Z` or an offset (fractions allowed).
pub(crate) fn parse_point(s: &str) -> Option<Point> {
    let b = s.as_bytes();
    let shape_ok = b.len() >= 10
        && b[..10].iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() });
    if !shape_ok {
        return None;
    }
    let day: Date = s[..10].parse().ok()?;
    if b.len() == 10 {
        return Some(Point::Day(day));
    }
    if b[10] != b'T' {
        return None;
    }
    s.parse::<Timestamp>().ok().map(Point::At)
}

pub(crate) fn day_after(d: Date) -> Option<Timestamp> {
    midnight(d.tomorrow().ok()?)
}

/// Lower bound of `>=p` (`strict` false) or `>p` (`strict` true).
pub(crate) fn lower_bound(p: Point, strict: bool) -> Option<Bound> {
    Some(match p {
        Point::Day(d) if strict => Bound { at: day_after(d)?, inclusive: true },
        Point::Day(d) => Bound { at: midnight(d)?, inclusive: true },
        Point::At(t) => Bound { at: t, inclusive: !strict },
    })
}

/// Upper bound of `<=p` (`strict` false) or `<p` (`strict` true).
pub(crate) fn upper_bound(p: Point, strict: bool) -> Option<Bound> {
    Some(match p {
        Point::Day(d) if strict => Bound { at: midnight(d)?, inclusive: false },
        Point::Day(d) => Bound { at: day_after(d)?, inclusive: false },
        Point::At(t) => Bound { at: t, inclusive: !strict },
    })
}

/// `A..B` (inclusive, `*` = open), `>=A`, `>A`, `<=A`, `<A`, or `A` alone; `None` if invalid.
pub(crate) fn parse_created(s: &str) -> Option<CreatedRange> {
    if let Some((a, b)) = s.split_once("..") {
        let lo = if a == "*" { None } else { Some(lower_bound(parse_point(a)?, false)?) };
        let hi = if b == "*" { None } else { Some(upper_bound(parse_point(b)?, false)?) };
        return Some(CreatedRange { lo, hi });
    }
    let one = |rest: &str, lower: bool, strict: bool| -> Option<CreatedRange> {
        let p = parse_point(rest)?;
        Some(if lower {
            CreatedRange { lo: Some(lower_bound(p, strict)?), hi: None }
        } else {
            CreatedRange { lo: None, hi: Some(upper_bound(p, strict)?) }
        })
    };
    if let Some(rest) = s.strip_prefix(">=") {
        return one(rest, true, false);
    }
    if let Some(rest) = s.strip_prefix("<=") {
        return one(rest, false, false);
    }
    if let Some(rest) = s.strip_prefix('>') {
        return one(rest, true, true);
    }
    if let Some(rest) = s.strip_prefix('<') {
        return one(rest, false, true);
    }
    let p = parse_point(s)?;
    Some(CreatedRange { lo: Some(lower_bound(p, false)?), hi: Some(upper_bound(p, false)?) })
}
