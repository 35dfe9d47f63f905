//! Which badge files a run writes, under which names, and their shields.io addresses.
//! Names follow ghtraf's (`views.json`, `installs.svg`, ...) so a README that used it
//! keeps working. The 90-day charts are written with them, by the same rules.

use crate::store::layout::{badge_stem, chart_file};
use std::collections::BTreeMap;

use jiff::civil::Date;

use super::figures::{Series, add_series, days_back, series};
use crate::badge::{self, Day, Metric, Point, Window};
use crate::config::Badges;
use crate::history::{self, History};

/// Which badge files a write carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct BadgeScope {
    /// `badge-OWNER.NAME-METRIC.*` and `chart-OWNER.NAME.svg` for each repository.
    pub(crate) per_repo: bool,
    /// `METRIC.*` and `chart.svg`, summed over the repositories given.
    pub(crate) summed: bool,
}

impl BadgeScope {
    /// One run that sees every tracked repository: ghtraf's names for one repository;
    /// with several, sums under those names and a set per repository.
    pub(crate) fn whole(repos: usize) -> BadgeScope {
        BadgeScope { per_repo: repos > 1, summed: true }
    }
}

/// Badge files: shields endpoint JSON and a self-rendered SVG per metric, and the chart
/// of the 90 complete days before `today`.
pub(crate) fn badge_files(
    histories: &[&History],
    today: Date,
    cfg: &Badges,
    scope: BadgeScope,
) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let mut write = |stem: &str, metric: Metric, s: &Series| {
        let label = badge::label(cfg, metric);
        let message = badge::message(s.total, &badge::recency(&s.daily, today), cfg.compact_above);
        files.insert(format!("{stem}.json"), badge::endpoint_json(label, &message, cfg));
        files.insert(format!("{stem}.svg"), badge::svg(label, &message, cfg));
    };
    for metric in Metric::ALL {
        let per_repo: Vec<Series> = histories.iter().map(|h| series(h, metric)).collect();
        if scope.per_repo {
            for (h, s) in histories.iter().zip(&per_repo) {
                let stem = badge_stem(Some(&h.repo), metric);
                write(&stem, metric, s);
            }
        }
        if scope.summed {
            let total = per_repo.iter().fold(Series::default(), add_series);
            write(&badge_stem(None, metric), metric, &total);
        }
    }
    files.extend(chart_files(histories, today, scope));
    files
}

/// The charts: one per repository, and the sum of their windows (titled with the
/// repository's name when there is only one).
fn chart_files(histories: &[&History], today: Date, scope: BadgeScope) -> BTreeMap<String, String> {
    let last = days_back(today, 1);
    let mut files = BTreeMap::new();
    let mut sum = Window::new(last);
    for h in histories {
        let w = chart_window(h, last);
        if scope.per_repo {
            files.insert(chart_file(Some(&h.repo)), badge::chart(&h.repo, &w));
        }
        sum.add(&w);
    }
    if scope.summed {
        let subject = match histories {
            [one] => one.repo.clone(),
            many => format!("{} repositories", many.len()),
        };
        files.insert(chart_file(None), badge::chart(&subject, &sum));
    }
    files
}

/// A repository's chart days ending on `last`: views and organic clones (CI checkouts
/// removed, as the clones badge) of each stored day, partial as stored; a day missing
/// after the first stored one is a gap; days before it are untracked.
pub(crate) fn chart_window(h: &History, last: Date) -> Window {
    let mut w = Window::new(last);
    let Some(first) = h.days.keys().next().copied() else { return w };
    let days: Vec<Date> = w.days().map(|(d, _)| d).filter(|d| *d >= first).collect();
    for d in days {
        let day = match h.days.get(&d) {
            None => Day::Gap,
            Some(t) => {
                let p = Point { views: t.views, clones: history::organic(*t, h.ci.get(&d).copied()).clones };
                if h.complete(d) { Day::Complete(p) } else { Day::Partial(p) }
            }
        };
        w.set(d, day);
    }
    w
}

/// `https://img.shields.io/endpoint?url=...` for a public endpoint file: the URL
/// percent-encoded except RFC 3986 unreserved characters, as shields needs it in its
/// query (https://shields.io/badges/endpoint-badge).
pub(crate) fn shields_url(file_url: &str) -> String {
    let mut enc = String::new();
    for b in file_url.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            enc.push(char::from(b));
        } else {
            enc.push_str(&format!("%{b:02X}"));
        }
    }
    format!("https://img.shields.io/endpoint?url={enc}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    #[test]
    fn badge_files_keep_ghtraf_names_for_one_repository() {
        let today: Date = "2026-11-21".parse().expect("d");
        let h = History::new("o/a");
        let one = badge_files(&[&h], today, &Badges::default(), BadgeScope::whole(1));
        let names: Vec<&String> = one.keys().collect();
        assert_eq!(names.len(), 11);
        assert!(one.contains_key("views.json") && one.contains_key("installs.svg") && one.contains_key("chart.svg"));
        let g = History::new("o/b");
        let two = badge_files(&[&h, &g], today, &Badges::default(), BadgeScope::whole(2));
        assert_eq!(two.len(), 33);
        assert!(two.contains_key("badge-o.b-stars.json") && two.contains_key("stars.svg"));
        assert!(
            two.contains_key("chart-o.a.svg") && two.contains_key("chart-o.b.svg") && two.contains_key("chart.svg")
        );
        let shard = badge_files(&[&h], today, &Badges::default(), BadgeScope { per_repo: true, summed: false });
        assert!(shard.contains_key("chart-o.a.svg") && !shard.contains_key("chart.svg"));
        for (name, text) in two.iter().filter(|(n, _)| n.ends_with(".json")) {
            assert!(badge::validate_endpoint(text).is_ok(), "{name}");
        }
    }

    #[test]
    fn chart_windows_keep_gaps_partial_days_and_organic_clones() {
        let (mut hello, quiet) = fixture::histories();
        let today = fixture::today();
        hello.partial.insert(days_back(today, 1));
        let last = days_back(today, 1);
        let w = chart_window(&hello, last);
        let day = |w: &Window, n: i32| w.days().find(|(d, _)| *d == days_back(today, n)).map(|(_, day)| day);
        assert_eq!(day(&w, 21), Some(Day::Untracked), "before the first stored day");
        assert_eq!((day(&w, 9), day(&w, 10)), (Some(Day::Gap), Some(Day::Gap)));
        // Day 2: 14 views, 5 clones of which CI checked out 2.
        assert_eq!(day(&w, 2), Some(Day::Complete(Point { views: 14, clones: 3 })));
        assert_eq!(day(&w, 1), Some(Day::Partial(Point { views: 7, clones: 2 })));
        assert_eq!(w.days().count(), badge::Window::new(last).days().count());
        assert_eq!(w.days().last().map(|(d, _)| d), Some(last), "ends with the last complete day");

        let mut sum = chart_window(&quiet, last);
        sum.add(&w);
        assert_eq!(day(&sum, 2), Some(Day::Complete(Point { views: 15, clones: 4 })));
        assert_eq!(day(&sum, 9), Some(Day::Gap), "quiet had not begun: still a gap");
        let files = badge_files(&[&hello, &quiet], today, &Badges::default(), BadgeScope::whole(2));
        assert_eq!(files.get("chart.svg"), Some(&badge::chart("2 repositories", &sum)));
    }

    #[test]
    fn shields_urls_encode_the_endpoint() {
        assert_eq!(
            shields_url("https://gist.githubusercontent.com/u/1/raw/views.json"),
            "https://img.shields.io/endpoint?url=https%3A%2F%2Fgist.githubusercontent.com%2Fu%2F1%2Fraw%2Fviews.json"
        );
    }

    /// Every badge file of a small fixed run of two repositories, by name: the endpoint
    /// JSON in full, the SVG by its accessible text (the drawings are snapshotted in
    /// `badge::svg` and `badge::chart`).
    #[test]
    fn badge_files_snapshot() {
        let (hello, quiet) = fixture::histories();
        let mut cfg = Badges::default();
        cfg.labels.insert("installs".into(), "installs total".into());
        let files = badge_files(&[&hello, &quiet], fixture::today(), &cfg, BadgeScope::whole(2));
        let listing: Vec<String> = files
            .iter()
            .map(|(name, text)| match text.split_once("</title>") {
                Some((title, _)) => format!("{name}: {}", title.rsplit('>').next().unwrap_or("")),
                None => format!("{name}: {text}"),
            })
            .collect();
        insta::assert_snapshot!("badge_files", listing.join("\n"));
    }
}
