//! Stars and forks since day one (`gtt backfill --from stargazers`): the stargazers
//! listing with `starred_at` (`Accept: application/vnd.github.star+json`) and the forks
//! listing (`sort=oldest`), both oldest first, all pages through `Link`, rebuilt into
//! daily counts from the repository's creation ([`crate::history::Reconstructed`]).
//!
//! What a listing cannot show: a star withdrawn (or a fork deleted) is simply absent,
//! so every day's count is a lower bound. GitHub serves at most [`MAX_PAGES`] pages
//! (40,000 entries) of each listing; past that the series stops on the day before the
//! last listed entry's day, and nothing is invented after it.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Deserialize;

use crate::github::{self, Client};
use crate::history::{History, add_days, utc_day};

/// Pages GitHub serves of a listing: 400 of 100, 40,000 entries.
pub(crate) const MAX_PAGES: usize = 400;
const STAR_ACCEPT: &str = "application/vnd.github.star+json";
const JSON_ACCEPT: &str = "application/vnd.github+json";

#[derive(Deserialize)]
struct Star {
    starred_at: Timestamp,
}

#[derive(Deserialize)]
struct Fork {
    created_at: Timestamp,
}

#[derive(Deserialize)]
struct Repo {
    created_at: Timestamp,
}

/// One rebuilt listing: the daily series and what the run should say about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Series {
    pub(crate) daily: BTreeMap<Date, u64>,
    /// Entries listed.
    pub(crate) entries: usize,
    /// GitHub had more than it serves: the series stops before the last entry's day.
    pub(crate) capped: bool,
}

/// A repository's reconstruction: a history fragment holding only `reconstructed`.
#[derive(Debug, Clone)]
pub(crate) struct Rebuilt {
    pub(crate) history: History,
    pub(crate) stars: Series,
    pub(crate) forks: Series,
}

/// Reads both listings of `repo` (at most `max_pages` pages each) and rebuilds them up
/// to `today`.
pub(crate) fn rebuild(client: &Client, repo: &str, today: Date, max_pages: usize) -> Result<Rebuilt, github::Error> {
    let created: Repo = client.get_json(&format!("/repos/{repo}"))?;
    let first = utc_day(created.created_at);
    let path = format!("/repos/{repo}/stargazers?per_page=100");
    let (stars, capped): (Vec<Star>, bool) = client.get_capped(&path, STAR_ACCEPT, max_pages)?;
    let stars = daily(first, today, stars.into_iter().map(|s| s.starred_at).collect(), capped);
    let path = format!("/repos/{repo}/forks?per_page=100&sort=oldest");
    let (forks, capped): (Vec<Fork>, bool) = client.get_capped(&path, JSON_ACCEPT, max_pages)?;
    let forks = daily(first, today, forks.into_iter().map(|f| f.created_at).collect(), capped);
    let mut history = History::new(repo);
    history.reconstructed.stars = stars.daily.clone();
    history.reconstructed.forks = forks.daily.clone();
    Ok(Rebuilt { history, stars, forks })
}

/// Every day from `first` (the repository's creation, or an earlier event's day) to
/// `today` with the count of events on or before it; when the listing was `capped`, only
/// to the day before the last event's day (later events of that day went unlisted).
pub(crate) fn daily(first: Date, today: Date, mut events: Vec<Timestamp>, capped: bool) -> Series {
    events.sort();
    let entries = events.len();
    let days: Vec<Date> = events.iter().map(|t| utc_day(*t)).collect();
    let first = days.first().map_or(first, |d| first.min(*d));
    let last = match (capped, days.last()) {
        (true, Some(d)) => add_days(*d, -1),
        (true, None) => None,
        (false, _) => Some(today),
    };
    let mut out = BTreeMap::new();
    let mut day = Some(first);
    while let (Some(d), Some(last)) = (day, last) {
        if d > last {
            break;
        }
        let seen = days.partition_point(|e| *e <= d);
        out.insert(d, u64::try_from(seen).unwrap_or(u64::MAX));
        day = add_days(d, 1);
    }
    Series { daily: out, entries, capped }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().expect("date")
    }

    fn ts(s: &str) -> Timestamp {
        s.parse().expect("timestamp")
    }

    #[test]
    fn counts_per_day_from_creation_to_today() {
        let events = vec![ts("2024-01-03T23:59:59Z"), ts("2024-01-02T10:00:00Z"), ts("2024-01-03T00:00:00Z")];
        let s = daily(d("2024-01-01"), d("2024-01-05"), events, false);
        let got: Vec<u64> = s.daily.values().copied().collect();
        assert_eq!(got, [0, 1, 3, 3, 3]);
        assert_eq!((s.daily.keys().next(), s.entries, s.capped), (Some(&d("2024-01-01")), 3, false));
    }

    #[test]
    fn a_capped_listing_stops_before_its_last_day() {
        let events = vec![ts("2024-01-02T10:00:00Z"), ts("2024-01-04T10:00:00Z")];
        let s = daily(d("2024-01-01"), d("2024-02-01"), events, true);
        assert_eq!(s.daily.keys().next_back(), Some(&d("2024-01-03")), "nothing invented after the cap");
        assert_eq!(s.daily[&d("2024-01-03")], 1);
        assert!(daily(d("2024-01-01"), d("2024-02-01"), Vec::new(), true).daily.is_empty());
    }

    #[test]
    fn an_event_before_creation_starts_the_series() {
        let s = daily(d("2024-01-05"), d("2024-01-06"), vec![ts("2024-01-04T10:00:00Z")], false);
        assert_eq!(s.daily.keys().next(), Some(&d("2024-01-04")));
    }
}
