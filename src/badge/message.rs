//! The badge message: a total, compacted when large, and a cascading recency suffix like
//! ghtraf's (` (+N 24h)`, else ` (+N wk)`, else ` (+N mo)`), so a badge shows both how
//! much and how lately.

use std::collections::BTreeMap;

use jiff::civil::Date;

/// Activity in the most recent window that had any, for the message suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Recency {
    /// The last complete day (yesterday, UTC) had this many.
    Day(u64),
    /// The last 7 complete days had this many (yesterday had none).
    Week(u64),
    /// The last 30 complete days had this many (the last 7 had none).
    Month(u64),
    /// Nothing in the last 30 complete days.
    None,
}

/// From per-day counts of complete days (a day absent = no data or only seen in
/// progress, counts as 0; see `report::figures::series`, which leaves partial days out)
/// and `today` (UTC; today itself is partial and ignored): `Day(n)` if the last complete day (today-1) had n>0;
/// else `Week(n)` if the 7 complete days today-7..=today-1 sum to n>0; else `Month(n)` for
/// the 30 complete days today-30..=today-1; else `None`.
pub(crate) fn recency(daily: &BTreeMap<Date, u64>, today: Date) -> Recency {
    let last = |days: i64| -> u64 {
        let start = today.checked_sub(jiff::Span::new().days(days)).unwrap_or(Date::MIN);
        daily.range(start..today).fold(0u64, |sum, (_, n)| sum.saturating_add(*n))
    };
    match (last(1), last(7), last(30)) {
        (n, _, _) if n > 0 => Recency::Day(n),
        (_, n, _) if n > 0 => Recency::Week(n),
        (_, _, n) if n > 0 => Recency::Month(n),
        _ => Recency::None,
    }
}

/// `"1,234"` below `compact_above`, `"12.3k"` / `"4.5M"` / `"1.2B"` at or above it (one
/// decimal, rounded half up, a trailing `.0` dropped: `"12k"`; a value that rounds to 1000
/// of a unit moves to the next unit: 999,950 is `"1M"`, never `"1000k"`), then the
/// suffix `" (+18 24h)"`, `" (+88 wk)"`, `" (+145 mo)"` (N formatted the same way), or
/// nothing.
pub(crate) fn message(total: u64, recency: &Recency, compact_above: u64) -> String {
    let n = |v: u64| if v >= compact_above { compact(v) } else { group_digits(v) };
    let mut s = n(total);
    match recency {
        Recency::Day(v) => s.push_str(&format!(" (+{} 24h)", n(*v))),
        Recency::Week(v) => s.push_str(&format!(" (+{} wk)", n(*v))),
        Recency::Month(v) => s.push_str(&format!(" (+{} mo)", n(*v))),
        Recency::None => {}
    }
    s
}

/// `1234567` -> `"1,234,567"`: the one digit grouping gtt prints, in badges, the job
/// summary and terminal lines alike.
pub fn group_digits(v: u64) -> String {
    let digits = v.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Units for compact numbers; past the last one the integer part just grows (u64::MAX is
/// "18,446,744.1T").
const UNITS: &[(u64, &str)] = &[(1_000, "k"), (1_000_000, "M"), (1_000_000_000, "B"), (1_000_000_000_000, "T")];

/// `123456` -> `"123.5k"`; below 1000, the plain number.
fn compact(v: u64) -> String {
    let Some(mut i) = UNITS.iter().rposition(|(unit, _)| v >= *unit) else {
        return v.to_string();
    };
    while let Some(&(unit, suffix)) = UNITS.get(i) {
        // Tenths of the unit, rounded half up, in u128 so nothing overflows.
        let unit = u128::from(unit);
        let tenths = (u128::from(v) * 10 + unit / 2) / unit;
        if tenths >= 10_000 && i + 1 < UNITS.len() {
            i += 1;
            continue;
        }
        let whole = u64::try_from(tenths / 10).unwrap_or(u64::MAX);
        let frac = tenths % 10;
        return if frac == 0 {
            format!("{}{suffix}", group_digits(whole))
        } else {
            format!("{}.{frac}{suffix}", group_digits(whole))
        };
    }
    v.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> Date {
        s.parse().expect("date")
    }

    #[test]
    fn recency_cascade_table() {
        let today = date("2026-03-31");
        // (days before today with a count, expected)
        let cases: &[(&[(i64, u64)], Recency)] = &[
            (&[(1, 18), (2, 5)], Recency::Day(18)),
            (&[(0, 500), (1, 3)], Recency::Day(3)), // today is partial: ignored
            (&[(0, 500)], Recency::None),
            (&[(1, 0), (2, 40), (7, 48), (8, 1000)], Recency::Week(88)),
            (&[(3, 1)], Recency::Week(1)),
            (&[(8, 100), (30, 45), (31, 9)], Recency::Month(145)),
            (&[(31, 9), (-1, 4)], Recency::None), // older than 30 days, or in the future
            (&[], Recency::None),
            (&[(1, 0), (5, 0), (20, 0)], Recency::None), // zeros are no activity
            (&[(2, u64::MAX), (3, u64::MAX)], Recency::Week(u64::MAX)), // saturates
        ];
        for (days, want) in cases {
            let daily: BTreeMap<Date, u64> = days
                .iter()
                .map(|(back, n)| (today.checked_sub(jiff::Span::new().days(*back)).expect("day"), *n))
                .collect();
            assert_eq!(recency(&daily, today), *want, "{days:?}");
        }
        // Gaps (absent days) count as 0 and do not stop the window.
        let daily = BTreeMap::from([(date("2026-03-25"), 7)]);
        assert_eq!(recency(&daily, today), Recency::Week(7));
        // Near the start of the calendar, nothing panics.
        assert_eq!(recency(&BTreeMap::from([(Date::MIN, 2)]), Date::MIN), Recency::None);
        assert_eq!(recency(&BTreeMap::from([(Date::MIN, 2)]), Date::MIN.tomorrow().expect("d")), Recency::Day(2));
    }

    #[test]
    fn message_formatting_table() {
        let c = 100_000;
        let cases: &[(u64, Recency, u64, &str)] = &[
            (0, Recency::None, c, "0"),
            (999, Recency::None, c, "999"),
            (1000, Recency::None, c, "1,000"),
            (1234, Recency::None, c, "1,234"),
            (99_999, Recency::None, c, "99,999"),
            (100_000, Recency::None, c, "100k"),
            (123_456, Recency::None, c, "123.5k"),
            (999_949, Recency::None, c, "999.9k"),
            (999_950, Recency::None, c, "1M"),
            (999_950, Recency::None, 1000, "1M"),
            (99_950, Recency::None, 1000, "100k"),
            (12_345, Recency::None, 1000, "12.3k"),
            (12_000, Recency::None, 1000, "12k"),
            (12_049, Recency::None, 1000, "12k"),
            (1_234_567, Recency::None, c, "1.2M"),
            (1_250_000, Recency::None, c, "1.3M"),
            (999_999_999, Recency::None, c, "1B"),
            (1_234_567_890, Recency::None, c, "1.2B"),
            (1_234_567, Recency::None, u64::MAX, "1,234,567"),
            (5, Recency::None, 0, "5"),
            (1234, Recency::Day(18), c, "1,234 (+18 24h)"),
            (1234, Recency::Week(88), c, "1,234 (+88 wk)"),
            (1234, Recency::Month(145), c, "1,234 (+145 mo)"),
            (4_500_000, Recency::Day(123_456), c, "4.5M (+123.5k 24h)"),
            (4_500_000, Recency::Week(1_500), c, "4.5M (+1,500 wk)"),
            (u64::MAX - 1, Recency::None, u64::MAX, "18,446,744,073,709,551,614"),
            (u64::MAX, Recency::None, u64::MAX, "18,446,744.1T"),
            (u64::MAX, Recency::Month(u64::MAX), c, "18,446,744.1T (+18,446,744.1T mo)"),
        ];
        for (total, rec, compact_above, want) in cases {
            assert_eq!(message(*total, rec, *compact_above), *want, "{total} {rec:?} {compact_above}");
        }
    }

    #[test]
    fn digits_are_grouped() {
        for (n, s) in [(0, "0"), (999, "999"), (1000, "1,000"), (1234567, "1,234,567")] {
            assert_eq!(group_digits(n), s);
        }
    }
}
