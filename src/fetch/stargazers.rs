//! Stars and forks since day one (`gtt backfill --from stargazers`): the stargazers
//! listing with `starred_at` (`Accept: application/vnd.github.star+json`) and the forks
//! listing (`sort=oldest`), both oldest first, all pages through `Link`, rebuilt into
//! daily counts from the repository's creation ([`crate::history::Reconstructed`]).
//!
//! Every request is conditional: each page's ETag is kept in the history's `validators`
//! (`stargazers:N`, `forks:N`, and `stargazers:repo` for the creation day) with what the
//! rebuild reads of the page (its entries per UTC day), so a page GitHub answers 304 is
//! read from there, and a rebuild with nothing new costs no rate limit.
//!
//! What a listing cannot show: a star withdrawn (or a fork deleted) is simply absent,
//! so every day's count is a lower bound. GitHub serves at most [`MAX_PAGES`] pages
//! (40,000 entries) of each listing; past that the series stops on the day before the
//! last listed entry's day, and nothing is invented after it.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::github::{self, Client};
use crate::history::{History, Validator, add_days, utc_day};

/// Pages GitHub serves of a listing: 400 of 100, 40,000 entries.
pub(crate) const MAX_PAGES: usize = 400;
/// Entries per page asked for (GitHub's largest).
const PER_PAGE: u64 = 100;
const STAR_ACCEPT: &str = "application/vnd.github.star+json";
const JSON_ACCEPT: &str = "application/vnd.github+json";
/// Validator key of the repository answer (its creation day) a rebuild reads.
const REPO_KEY: &str = "stargazers:repo";

/// An entry of a listing: when it happened.
trait Listed: DeserializeOwned {
    fn at(&self) -> Timestamp;
}

#[derive(Deserialize)]
struct Star {
    starred_at: Timestamp,
}

impl Listed for Star {
    fn at(&self) -> Timestamp {
        self.starred_at
    }
}

#[derive(Deserialize)]
struct Fork {
    created_at: Timestamp,
}

impl Listed for Fork {
    fn at(&self) -> Timestamp {
        self.created_at
    }
}

#[derive(Serialize, Deserialize)]
struct Repo {
    created_at: Timestamp,
}

/// What is kept of one listing page for its next 304: how many entries fell on each UTC
/// day (all a rebuild reads of them) and whether a page followed it.
#[derive(Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
struct Page {
    days: BTreeMap<Date, u64>,
    more: bool,
}

impl Page {
    fn entries(&self) -> u64 {
        self.days.values().sum()
    }
}

/// One rebuilt listing: the daily series and what the run should say about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Series {
    pub(crate) daily: BTreeMap<Date, u64>,
    /// Entries listed.
    pub(crate) entries: usize,
    /// GitHub had more than it serves: the series stops before the last entry's day.
    pub(crate) capped: bool,
    /// Pages GitHub answered 304 Not Modified (read from what the last rebuild kept,
    /// at no cost to the rate limit).
    pub(crate) unchanged: usize,
}

/// A repository's reconstruction: a history fragment holding only `reconstructed` and
/// the validators of the answers it read.
#[derive(Debug, Clone)]
pub(crate) struct Rebuilt {
    pub(crate) history: History,
    pub(crate) stars: Series,
    pub(crate) forks: Series,
}

/// The requests of one rebuild, each asked with the ETag the last rebuild kept
/// (`stored`, the repository's `History::validators`); what to keep for the next one
/// gathers in `kept`.
struct Asker<'a> {
    client: &'a Client,
    stored: &'a BTreeMap<String, Validator>,
    now: Timestamp,
    kept: BTreeMap<String, Validator>,
}

/// An answer: the value (fresh, or kept after a 304), the next page, and whether it was
/// fresh.
struct Got<T> {
    value: T,
    next: Option<String>,
    fresh: bool,
}

impl Asker<'_> {
    /// `path` with the ETag kept under `key` (if its value still reads as a `T`); a fresh
    /// body is turned into a `T` by `read` (given whether a page follows), a 304 gives
    /// back the kept one.
    fn get<T: Serialize + DeserializeOwned>(
        &mut self,
        key: &str,
        path: &str,
        accept: &str,
        read: impl FnOnce(&str, bool) -> Result<T, github::Error>,
    ) -> Result<Got<T>, github::Error> {
        let prior = self.stored.get(key).and_then(|v| Some((v.etag.as_str(), T::deserialize(&v.value).ok()?)));
        let answer = self.client.get_conditional_as(path, prior.as_ref().map(|p| p.0), Some(accept))?;
        let fresh = answer.body.is_some();
        let (value, etag) = match (answer.body, prior) {
            (Some(body), _) => (read(&body, answer.next.is_some())?, answer.etag),
            (None, Some((etag, kept))) => (kept, answer.etag.or_else(|| Some(etag.to_string()))),
            (None, None) => return Err(github::Error::UnaskedNotModified { path: path.to_string() }),
        };
        if let (Some(etag), Ok(v)) = (etag, serde_json::to_value(&value)) {
            self.kept.insert(key.to_string(), Validator { at: self.now, etag, value: v });
        }
        Ok(Got { value, next: answer.next, fresh })
    }

    /// Every entry's UTC day of a listing (`name`: `stargazers` or `forks`), oldest
    /// first, page by page up to `max_pages`, and whether GitHub had more (past its
    /// last servable page it answers 422). After a 304 the next page is the one `Link`
    /// names, or, when the kept page had one or was full (a page may have been added
    /// since), the next page number.
    fn listing<T: Listed>(
        &mut self,
        name: &str,
        path: &str,
        accept: &str,
        max_pages: usize,
    ) -> Result<(Vec<Date>, bool, usize), github::Error> {
        let (mut days, mut unchanged) = (Vec::new(), 0);
        let mut url = Some(path.to_string());
        let mut n = 0;
        while let Some(u) = url.take() {
            if n == max_pages {
                return Ok((days, true, unchanged));
            }
            n += 1;
            let read = |body: &str, more: bool| page_of::<T>(path, body, more);
            let got = match self.get(&format!("{name}:{n}"), &u, accept, read) {
                Err(e) if n > 1 && e.status() == Some(422) => return Ok((days, true, unchanged)),
                r => r?,
            };
            let page = got.value;
            url = match got.next {
                Some(next) => Some(next),
                None if !got.fresh && (page.more || page.entries() == PER_PAGE) => {
                    Some(format!("{path}&page={}", n + 1))
                }
                None => None,
            };
            unchanged += usize::from(!got.fresh);
            for (day, count) in &page.days {
                days.extend(std::iter::repeat_n(*day, usize::try_from(*count).unwrap_or(0)));
            }
        }
        Ok((days, false, unchanged))
    }
}

/// A fresh listing page, as kept.
fn page_of<T: Listed>(path: &str, body: &str, more: bool) -> Result<Page, github::Error> {
    let items: Vec<T> = Client::decode_page(path, body)?;
    let mut page = Page { days: BTreeMap::new(), more };
    for item in items {
        *page.days.entry(utc_day(item.at())).or_default() += 1;
    }
    Ok(page)
}

/// Reads both listings of `repo` (at most `max_pages` pages each) and rebuilds them up
/// to `today`. Every request carries the ETag the last rebuild kept in `stored`, so
/// with nothing new a rebuild costs only 304s, which do not count against the rate limit
/// (<https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api#use-conditional-requests-if-appropriate>);
/// the fragment's `validators` keep this rebuild's, stamped `now`.
pub(crate) fn rebuild(
    client: &Client,
    repo: &str,
    today: Date,
    max_pages: usize,
    stored: &BTreeMap<String, Validator>,
    now: Timestamp,
) -> Result<Rebuilt, github::Error> {
    let mut ask = Asker { client, stored, now, kept: BTreeMap::new() };
    let path = format!("/repos/{repo}");
    let created: Got<Repo> = ask.get(REPO_KEY, &path, JSON_ACCEPT, |body, _| Client::decode_page(&path, body))?;
    let first = utc_day(created.value.created_at);
    let path = format!("/repos/{repo}/stargazers?per_page={PER_PAGE}");
    let (days, capped, unchanged) = ask.listing::<Star>("stargazers", &path, STAR_ACCEPT, max_pages)?;
    let stars = Series { unchanged, ..daily(first, today, days, capped) };
    let path = format!("/repos/{repo}/forks?per_page={PER_PAGE}&sort=oldest");
    let (days, capped, unchanged) = ask.listing::<Fork>("forks", &path, JSON_ACCEPT, max_pages)?;
    let forks = Series { unchanged, ..daily(first, today, days, capped) };
    let mut history = History::new(repo);
    history.reconstructed.stars = stars.daily.clone();
    history.reconstructed.forks = forks.daily.clone();
    history.validators = ask.kept;
    Ok(Rebuilt { history, stars, forks })
}

/// Every day from `first` (the repository's creation, or an earlier event's day) to
/// `today` with the count of events (given by their UTC day) on or before it; when the
/// listing was `capped`, only to the day before the last event's day (later events of
/// that day went unlisted).
pub(crate) fn daily(first: Date, today: Date, mut days: Vec<Date>, capped: bool) -> Series {
    days.sort();
    let entries = days.len();
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
    Series { daily: out, entries, capped, unchanged: 0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        s.parse().expect("date")
    }

    fn ts(s: &str) -> Date {
        utc_day(s.parse().expect("timestamp"))
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
