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

/// Badge files (shields endpoint JSON and a self-rendered SVG per metric) and the charts
/// of the 90 complete days before `today`, for every history given at once (the tests);
/// a run hands histories to a [`BadgeSums`] one at a time instead.
#[cfg(test)]
pub(crate) fn badge_files(
    histories: &[&History],
    today: Date,
    cfg: &Badges,
    scope: BadgeScope,
) -> BTreeMap<String, String> {
    let mut sums = BadgeSums::new(today, cfg, scope);
    let mut files = BTreeMap::new();
    for h in histories {
        files.extend(sums.repo_files(h));
    }
    files.extend(sums.summed_files());
    files
}

/// Badge files made one repository at a time: [`BadgeSums::repo_files`] gives a
/// repository's own files (the one place they are made) and keeps what the sums need of
/// it, [`BadgeSums::summed_files`] the sums. What is kept per repository is each
/// metric's total and the last 30 days a badge reads (see [`Series::recent`]), so the
/// sums cost the same for ten years of history as for one, and equal the sums of the
/// whole series.
#[derive(Debug)]
pub(crate) struct BadgeSums<'c> {
    today: Date,
    cfg: &'c Badges,
    scope: BadgeScope,
    /// Repository (lower case) -> its series per metric, in [`Metric::ALL`] order. A
    /// repository handed over again (re-merged after a lost race) replaces its own.
    parts: BTreeMap<String, Vec<Series>>,
    /// Repository (lower case) -> its name and its chart's 90 days, for the summed chart.
    charts: BTreeMap<String, (String, Window)>,
}

impl<'c> BadgeSums<'c> {
    pub(crate) fn new(today: Date, cfg: &'c Badges, scope: BadgeScope) -> BadgeSums<'c> {
        BadgeSums { today, cfg, scope, parts: BTreeMap::new(), charts: BTreeMap::new() }
    }

    /// One repository's badge files (none unless the scope has them), its series kept
    /// for the sums.
    pub(crate) fn repo_files(&mut self, h: &History) -> BTreeMap<String, String> {
        let mut files = BTreeMap::new();
        let mut kept = Vec::new();
        for metric in Metric::ALL {
            let s = series(h, metric);
            if self.scope.per_repo {
                self.render(&mut files, &badge_stem(Some(&h.repo), metric), metric, &s);
            }
            kept.push(s.recent(self.today));
        }
        self.parts.insert(h.repo.to_ascii_lowercase(), kept);
        let window = chart_window(h, days_back(self.today, 1));
        if self.scope.per_repo {
            files.insert(chart_file(Some(&h.repo)), badge::chart(&h.repo, &window));
        }
        self.charts.insert(h.repo.to_ascii_lowercase(), (h.repo.clone(), window));
        files
    }

    /// The badges summed over every repository handed over (none unless the scope has
    /// them).
    pub(crate) fn summed_files(&self) -> BTreeMap<String, String> {
        let mut files = BTreeMap::new();
        if !self.scope.summed {
            return files;
        }
        for (i, metric) in Metric::ALL.into_iter().enumerate() {
            let total = self.parts.values().filter_map(|p| p.get(i)).fold(Series::default(), add_series);
            self.render(&mut files, &badge_stem(None, metric), metric, &total);
        }
        let mut sum = Window::new(days_back(self.today, 1));
        for (_, w) in self.charts.values() {
            sum.add(w);
        }
        // Titled with the repository's name when there is only one.
        let subject = match self.charts.values().collect::<Vec<_>>().as_slice() {
            [(one, _)] => one.clone(),
            many => format!("{} repositories", many.len()),
        };
        files.insert(chart_file(None), badge::chart(&subject, &sum));
        files
    }

    fn render(&self, files: &mut BTreeMap<String, String>, stem: &str, metric: Metric, s: &Series) {
        let label = badge::label(self.cfg, metric);
        let message = badge::message(s.total, &badge::recency(&s.daily, self.today), self.cfg.compact_above);
        files.insert(format!("{stem}.json"), badge::endpoint_json(label, &message, self.cfg));
        files.insert(format!("{stem}.svg"), badge::svg(label, &message, self.cfg));
    }
}

impl crate::store::ledger::Derive for BadgeSums<'_> {
    fn repo(&mut self, h: &History) -> BTreeMap<String, String> {
        self.repo_files(h)
    }

    fn summed(&self) -> BTreeMap<String, String> {
        self.summed_files()
    }
}

/// A repository's chart days ending on `last`: views and organic clones (CI checkouts
/// removed, as the clones badge) of each stored day, partial as stored; a day missing
/// after the first stored one is a gap; days before it are untracked.
pub(crate) fn chart_window(h: &History, last: Date) -> Window {
    let mut w = Window::new(last);
    let Some(first) = super::figures::first_day(h) else { return w };
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
/// query (<https://shields.io/badges/endpoint-badge>).
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

    /// The sums kept per repository (totals and the last 30 days) give the badges the
    /// whole series give, over years of history, partial days and gaps.
    #[test]
    fn summed_badges_equal_the_sums_of_whole_series() {
        let today: Date = "2026-11-21".parse().expect("d");
        let histories: Vec<History> = (0..3i32)
            .map(|k| {
                let mut h = History::new(&format!("o/r{k}"));
                for back in (1..800i32).filter(|b| (b + k) % 5 != 0) {
                    let d = super::super::figures::days_back(today, back);
                    let n = u64::try_from(back * (k + 1)).unwrap_or(0);
                    h.days.insert(d, crate::history::Traffic::from([n, 1, n % 7, 1]));
                }
                h.partial.insert(super::super::figures::days_back(today, 1 + k));
                h
            })
            .collect();
        let refs: Vec<&History> = histories.iter().collect();
        let cfg = Badges::default();
        let got = badge_files(&refs, today, &cfg, BadgeScope { per_repo: false, summed: true });
        for metric in Metric::ALL {
            let whole = refs.iter().map(|h| series(h, metric)).fold(Series::default(), |a, s| add_series(a, &s));
            let message = badge::message(whole.total, &badge::recency(&whole.daily, today), cfg.compact_above);
            let want = badge::endpoint_json(badge::label(&cfg, metric), &message, &cfg);
            assert_eq!(got.get(&format!("{}.json", badge_stem(None, metric))), Some(&want), "{}", metric.name());
        }
    }

    /// A folder's live file (split at `store::layout::split_date`) holds every day the
    /// badges and charts read: they are the same drawn from it (with the settled
    /// part's digest) as from the whole history, on every day of a year.
    #[test]
    fn a_live_part_draws_what_the_whole_history_draws() {
        let mut today: Date = "2026-01-01".parse().expect("d");
        let cfg = Badges::default();
        let scope = BadgeScope { per_repo: true, summed: true };
        for _ in 0..366 {
            let now = today.to_zoned(jiff::tz::TimeZone::UTC).expect("z").timestamp();
            for repo in ["o/a", "octo/alpha", "x/y"] {
                let mut h = History::new(repo);
                for back in (1..500i32).filter(|b| b % 9 != 0) {
                    let n = u64::try_from(back).unwrap_or(0);
                    h.days.insert(days_back(today, back), crate::history::Traffic::from([n, 1, n % 7, 1]));
                }
                for back in (1..500i32).step_by(3) {
                    let at = days_back(today, back).to_zoned(jiff::tz::TimeZone::UTC).expect("z").timestamp();
                    let stars = u64::try_from(1000 - back).unwrap_or(0);
                    h.stats.insert(
                        days_back(today, back),
                        crate::history::RepoStats { at, stars, forks: 1, watchers: 2, open_issues: 0 },
                    );
                }
                h.partial.insert(days_back(today, 1));
                let at = crate::store::layout::split_date(now, repo);
                let (live, settled) = h.clone().split(at, "s.json");
                assert!(settled.is_some(), "{today} {repo}");
                assert_eq!(
                    badge_files(&[&live], today, &cfg, scope),
                    badge_files(&[&h], today, &cfg, scope),
                    "{today} {repo} split at {at}"
                );
            }
            today = today.tomorrow().expect("d");
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
