//! HTTP dates. GitHub stamps every answer with a `Date` header on its own clock
//! (`Date: Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110's IMF-fixdate). gtt measures
//! against it rather than the local clock: `x-ratelimit-reset` is an epoch second on
//! GitHub's clock, and the 14-day traffic window ends on GitHub's today, so a runner
//! whose clock is off cannot shorten a wait or misplace a day
//! (<https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api>).

/// `Date: Sun, 06 Nov 1994 08:49:37 GMT` as epoch seconds; None when unreadable.
pub(crate) fn parse_http_date(s: &str) -> Option<i64> {
    let t = jiff::fmt::rfc2822::parse(s.trim()).ok()?;
    Some(t.timestamp().as_second())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn http_dates_table() {
        let cases = [
            ("Sun, 06 Nov 1994 08:49:37 GMT", Some(784_111_777)),
            ("  Thu, 01 Jan 1970 00:00:00 GMT ", Some(0)),
            ("Sun, 01 Nov 2026 12:00:00 GMT", Some(1_793_534_400)),
            ("", None),
            ("garbage", None),
            ("1994-11-06T08:49:37Z", None),
        ];
        for (text, want) in cases {
            assert_eq!(parse_http_date(text), want, "{text:?}");
        }
    }
}
