//! Figures derived from stored days: per repository, summed, and per badge metric.
//! Nothing here is kept as a running total; every figure is recomputed from the history.

use std::collections::BTreeMap;

use jiff::civil::Date;

use crate::badge::Metric;
use crate::history::{self, History, SettledDigest, Traffic};

/// Per-repository figures derived from stored days; nothing here is kept as a running
/// total.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Figures {
    pub(crate) total: Traffic,
    /// The 14 complete days before `today`.
    pub(crate) last14: Traffic,
    pub(crate) organic_clones: u64,
    pub(crate) organic_clones_uniques: u64,
    pub(crate) organic_clones_14d: u64,
    /// CI checkouts in the last 14 complete days, and whether CI was counted there.
    pub(crate) ci_checkouts_14d: Option<u64>,
    pub(crate) covered_days: usize,
    pub(crate) stars: Option<u64>,
    pub(crate) forks: Option<u64>,
    pub(crate) watchers: Option<u64>,
    pub(crate) open_issues: Option<u64>,
    pub(crate) downloads: u64,
}

impl Figures {
    /// Release downloads plus organic clones: every way the code left GitHub.
    pub(crate) fn installs(&self) -> u64 {
        self.downloads.saturating_add(self.organic_clones)
    }
}

/// `n` days before `today` (today itself if that leaves the calendar).
pub(super) fn days_back(today: Date, n: i32) -> Date {
    today.checked_sub(jiff::Span::new().days(n)).unwrap_or(today)
}

/// The digest of a split history's settled days (none for a whole history): the
/// figures of a live part are its own days' plus these.
fn settled(h: &History) -> SettledDigest {
    h.settled.as_ref().map(|s| s.digest.clone()).unwrap_or_default()
}

/// The figures of one repository; "last 14 days" are the 14 complete days before
/// `today`.
pub(crate) fn figures(h: &History, today: Date) -> Figures {
    let old = settled(h);
    let stats = h.latest_stats().or(old.latest_stats.as_ref());
    let (from, to) = (days_back(today, 14), days_back(today, 1));
    let mut f = Figures {
        total: add_traffic(h.totals(), old.total),
        last14: h.sum_between(from, to).0,
        covered_days: h.days.len() + old.covered_days,
        stars: stats.map(|s| s.stars),
        forks: stats.map(|s| s.forks),
        watchers: stats.map(|s| s.watchers),
        open_issues: stats.map(|s| s.open_issues),
        downloads: h.downloads(),
        organic_clones: old.organic_clones,
        organic_clones_uniques: old.organic_clones_uniques,
        ..Figures::default()
    };
    for (d, t) in &h.days {
        let o = history::organic(*t, h.ci.get(d).copied());
        f.organic_clones = f.organic_clones.saturating_add(o.clones);
        f.organic_clones_uniques = f.organic_clones_uniques.saturating_add(o.uniques);
        if (from..=to).contains(d) {
            f.organic_clones_14d = f.organic_clones_14d.saturating_add(o.clones);
        }
    }
    let ci: Vec<u64> = h.ci.range(from..=to).map(|(_, c)| c.checkouts).collect();
    f.ci_checkouts_14d = (!ci.is_empty()).then(|| ci.iter().sum());
    f
}

fn add_traffic(a: Traffic, b: Traffic) -> Traffic {
    Traffic {
        views: a.views.saturating_add(b.views),
        views_uniques: a.views_uniques.saturating_add(b.views_uniques),
        clones: a.clones.saturating_add(b.clones),
        clones_uniques: a.clones_uniques.saturating_add(b.clones_uniques),
    }
}

/// Figures summed over repositories (covered days: the most any repository has).
pub(super) fn sum(figs: &[Figures]) -> Figures {
    let add = |a: Option<u64>, b: Option<u64>| match (a, b) {
        (Some(a), Some(b)) => Some(a.saturating_add(b)),
        (a, b) => a.or(b),
    };
    figs.iter().fold(Figures::default(), |a, f| Figures {
        total: add_traffic(a.total, f.total),
        last14: add_traffic(a.last14, f.last14),
        organic_clones: a.organic_clones.saturating_add(f.organic_clones),
        organic_clones_uniques: a.organic_clones_uniques.saturating_add(f.organic_clones_uniques),
        organic_clones_14d: a.organic_clones_14d.saturating_add(f.organic_clones_14d),
        ci_checkouts_14d: add(a.ci_checkouts_14d, f.ci_checkouts_14d),
        covered_days: a.covered_days.max(f.covered_days),
        stars: add(a.stars, f.stars),
        forks: add(a.forks, f.forks),
        watchers: add(a.watchers, f.watchers),
        open_issues: add(a.open_issues, f.open_issues),
        downloads: a.downloads.saturating_add(f.downloads),
    })
}

/// What a report says of one repository's whole history, taken before the history is
/// dropped: a run holds this and [`recent`] per repository, not ten years of days.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Digest {
    pub(crate) figures: Figures,
    pub(crate) first_day: Option<Date>,
    pub(crate) gaps: usize,
}

pub(crate) fn digest(h: &History, today: Date) -> Digest {
    let old = settled(h);
    let first_live = h.days.keys().next().copied();
    // The gap, if any, between the last settled day and the first live one.
    let between = match (old.last_day, first_live) {
        (Some(a), Some(b)) => usize::from(history::add_days(a, 1).is_some_and(|next| next < b)),
        _ => 0,
    };
    Digest {
        figures: figures(h, today),
        first_day: old.first_day.or(first_live),
        gaps: h.gaps().len() + old.gaps + between,
    }
}

/// The first covered day of a history, settled days included.
pub(crate) fn first_day(h: &History) -> Option<Date> {
    settled(h).first_day.or_else(|| h.days.keys().next().copied())
}

/// The days a report reads day by day (the 15 before `today` and after: the sparkline
/// and the week's trend), their partial marks, and the latest popular snapshot (the top
/// referrers): a small history for the summary, the rest of it summed in [`Digest`].
pub(crate) fn recent(h: &History, today: Date) -> History {
    let from = days_back(today, 15);
    let mut r = History::new(&h.repo);
    r.days = h.days.range(from..).map(|(d, t)| (*d, *t)).collect();
    r.partial = h.partial.range(from..).copied().collect();
    r.popular.extend(h.popular.iter().next_back().map(|(d, p)| (*d, p.clone())));
    r
}

/// A badge metric: its all-time figure and its per-day increments (for the recency
/// suffix), derived from stored days. The total counts every stored day (a partial day's
/// counts are a real lower bound); `daily` holds complete days only, so the recency
/// suffix compares whole days (a day absent there counts as no activity).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Series {
    pub(crate) total: u64,
    pub(crate) daily: BTreeMap<Date, u64>,
}

/// How many complete days before today a badge's recency suffix reads
/// (`badge::recency`: the last day, week or 30 days).
const RECENCY_DAYS: i32 = 30;

impl Series {
    /// The series with only the days a badge reads (the total and the last
    /// [`RECENCY_DAYS`] before `today`): what a sum over hundreds of ten-year histories
    /// needs to keep of each, giving the same badge.
    pub(super) fn recent(mut self, today: Date) -> Series {
        self.daily = self.daily.split_off(&days_back(today, RECENCY_DAYS));
        self
    }
}

/// Two series added day by day, saturating.
pub(super) fn add_series(mut a: Series, b: &Series) -> Series {
    a.total = a.total.saturating_add(b.total);
    for (d, n) in &b.daily {
        let e = a.daily.entry(*d).or_default();
        *e = e.saturating_add(*n);
    }
    a
}

/// The figure a badge for `metric` shows: `Views`, `Clones` (organic: CI checkouts
/// removed), `Downloads` (release assets), `Installs` (downloads + organic clones) or
/// `Stars` (latest count; daily gains between snapshots).
pub(crate) fn series(h: &History, metric: Metric) -> Series {
    match metric {
        Metric::Views => Series {
            total: h.totals().views.saturating_add(settled(h).total.views),
            daily: h.days.iter().filter(|(d, _)| h.complete(**d)).map(|(d, t)| (*d, t.views)).collect(),
        },
        Metric::Clones => {
            let mut daily: BTreeMap<Date, u64> =
                h.days.iter().map(|(d, t)| (*d, history::organic(*t, h.ci.get(d).copied()).clones)).collect();
            let total = daily.values().fold(settled(h).organic_clones, |a, n| a.saturating_add(*n));
            daily.retain(|d, _| h.complete(*d));
            Series { total, daily }
        }
        Metric::Downloads => Series { total: h.downloads(), daily: h.daily_downloads() },
        Metric::Installs => add_series(series(h, Metric::Clones), &series(h, Metric::Downloads)),
        Metric::Stars => {
            let mut daily = BTreeMap::new();
            let mut prev: Option<u64> = None;
            for (d, s) in &h.stats {
                if let Some(p) = prev {
                    daily.insert(*d, s.stars.saturating_sub(p));
                }
                prev = Some(s.stars);
            }
            let latest = h.latest_stats().copied().or(settled(h).latest_stats);
            Series { total: latest.map_or(0, |s| s.stars), daily }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::fixture;

    #[test]
    fn every_metric_has_a_series() {
        let (hello, _) = fixture::histories();
        let totals = Metric::ALL.map(|m| (m.name(), series(&hello, m).total));
        // Clones are organic (14 CI checkouts removed), installs are those plus the 57
        // downloads, stars the latest count.
        assert_eq!(
            totals,
            [("views", 1337), ("clones", 245 - 14), ("installs", 231 + 57), ("downloads", 57), ("stars", 12)]
        );
        let stars = series(&hello, Metric::Stars);
        assert_eq!(stars.daily.values().copied().collect::<Vec<_>>(), [2], "gains between snapshots");
        let f = figures(&hello, fixture::today());
        assert_eq!((f.organic_clones, f.installs()), (series(&hello, Metric::Clones).total, 288));
    }

    #[test]
    fn a_partial_day_counts_in_totals_but_not_in_the_recency_series() {
        let (mut hello, _) = fixture::histories();
        let yesterday = days_back(fixture::today(), 1);
        let before = Metric::ALL.map(|m| series(&hello, m));
        hello.partial.insert(yesterday);
        for (m, was) in Metric::ALL.into_iter().zip(before) {
            let s = series(&hello, m);
            assert_eq!(s.total, was.total, "{}: totals keep every stored day", m.name());
            let left_out = matches!(m, Metric::Views | Metric::Clones | Metric::Installs);
            assert_eq!(
                s.daily.contains_key(&yesterday),
                !left_out && was.daily.contains_key(&yesterday),
                "{}",
                m.name()
            );
        }
        assert_eq!(figures(&hello, fixture::today()).total, hello.totals());
    }
}
