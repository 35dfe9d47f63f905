//! Monthly archives: `archive-YYYY-MM.json`, one per complete calendar month, holding
//! exactly that month's days (the 1st to the last) of every tracked repository, every
//! metric, and the month's totals. An archive is written once its month is complete,
//! caught up on any later run if missing, and rewritten only when a value rose: the
//! stored archive is merged with the new one (per-day maximum), never replaced by less.

use std::collections::{BTreeMap, BTreeSet};

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::history::{self, CiDay, History, RepoStats, Traffic};
use crate::store::{Backend, Error, Files};

/// The archive format this build writes, apart from [`history::SCHEMA`]: archives hold
/// a finished month's figures and did not change when histories gained partial days
/// (history schema 2), so an older gtt still reads and writes them. Moves only when the
/// archive itself changes; a reader refuses a higher one.
pub(crate) const ARCHIVE_SCHEMA: u32 = 1;

/// Why a stored archive cannot be used.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ArchiveError {
    #[error("not a gtt archive ({0})")]
    Json(#[from] serde_json::Error),
    #[error("written by a newer gtt (schema {found}); upgrade gtt")]
    Newer { found: u32 },
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Totals {
    pub(crate) views: u64,
    pub(crate) views_uniques: u64,
    pub(crate) clones: u64,
    pub(crate) clones_uniques: u64,
    pub(crate) ci_checkouts: u64,
    pub(crate) organic_clones: u64,
    pub(crate) organic_clones_uniques: u64,
    pub(crate) downloads: u64,
}

/// One repository's month.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct RepoMonth {
    pub(crate) days: BTreeMap<Date, Traffic>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) ci: BTreeMap<Date, CiDay>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) stats: BTreeMap<Date, RepoStats>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub(crate) downloads: BTreeMap<Date, u64>,
    /// Derived from the days above when written; kept in the file for readers that
    /// want the month at a glance.
    pub(crate) totals: Totals,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Archive {
    pub(crate) schema: u32,
    /// `YYYY-MM`.
    pub(crate) month: String,
    pub(crate) repos: BTreeMap<String, RepoMonth>,
}

/// `(year, month)` of a day.
pub(crate) type Month = (i16, i8);

pub(crate) fn file_name((y, m): Month) -> String {
    crate::store::layout::archive_file(y, m)
}

fn month_of(d: Date) -> Month {
    (d.year(), d.month())
}

/// The first day of the month after `m`.
fn next_month_start((y, m): Month) -> Option<Date> {
    let (y, m) = if m == 12 { (y.checked_add(1)?, 1) } else { (y, m + 1) };
    Date::new(y, m, 1).ok()
}

fn in_month(d: &Date, m: Month) -> bool {
    month_of(*d) == m
}

fn totals(r: &RepoMonth) -> Totals {
    let mut t = Totals::default();
    for (d, day) in &r.days {
        let ci = r.ci.get(d).copied();
        let o = history::organic(*day, ci);
        t.views = t.views.saturating_add(day.views);
        t.views_uniques = t.views_uniques.saturating_add(day.views_uniques);
        t.clones = t.clones.saturating_add(day.clones);
        t.clones_uniques = t.clones_uniques.saturating_add(day.clones_uniques);
        t.ci_checkouts = t.ci_checkouts.saturating_add(ci.map_or(0, |c| c.checkouts));
        t.organic_clones = t.organic_clones.saturating_add(o.clones);
        t.organic_clones_uniques = t.organic_clones_uniques.saturating_add(o.uniques);
    }
    t.downloads = r.downloads.values().fold(0u64, |a, n| a.saturating_add(*n));
    t
}

/// A repository's month, or None if no day of it was ever covered.
pub(crate) fn repo_month(h: &History, m: Month) -> Option<RepoMonth> {
    let mut r = RepoMonth {
        days: h.days.iter().filter(|(d, _)| in_month(d, m)).map(|(d, t)| (*d, *t)).collect(),
        ci: h.ci.iter().filter(|(d, _)| in_month(d, m)).map(|(d, c)| (*d, *c)).collect(),
        stats: h.stats.iter().filter(|(d, _)| in_month(d, m)).map(|(d, s)| (*d, *s)).collect(),
        downloads: h.daily_downloads().into_iter().filter(|(d, _)| in_month(d, m)).collect(),
        totals: Totals::default(),
    };
    if r.days.is_empty() {
        return None;
    }
    r.totals = totals(&r);
    Some(r)
}

fn max_into<K: Ord + Copy, V: Copy>(a: &mut BTreeMap<K, V>, b: &BTreeMap<K, V>, max: impl Fn(V, V) -> V) {
    for (k, v) in b {
        a.entry(*k).and_modify(|x| *x = max(*x, *v)).or_insert(*v);
    }
}

impl Archive {
    pub(crate) fn new(m: Month) -> Archive {
        Archive { schema: ARCHIVE_SCHEMA, month: format!("{:04}-{:02}", m.0, m.1), repos: BTreeMap::new() }
    }

    pub(crate) fn parse(text: &str) -> Result<Archive, ArchiveError> {
        let a: Archive = serde_json::from_str(text)?;
        if a.schema > ARCHIVE_SCHEMA {
            return Err(ArchiveError::Newer { found: a.schema });
        }
        Ok(a)
    }

    pub(crate) fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Per-day maximum of both, totals recomputed: an archive only ever gains.
    pub(crate) fn merge(&self, other: &Archive) -> Archive {
        let mut out = self.clone();
        for (repo, o) in &other.repos {
            let r = out.repos.entry(repo.clone()).or_default();
            max_into(&mut r.days, &o.days, |a: Traffic, b: Traffic| Traffic {
                views: a.views.max(b.views),
                views_uniques: a.views_uniques.max(b.views_uniques),
                clones: a.clones.max(b.clones),
                clones_uniques: a.clones_uniques.max(b.clones_uniques),
            });
            max_into(&mut r.ci, &o.ci, |a: CiDay, b: CiDay| CiDay {
                checkouts: a.checkouts.max(b.checkouts),
                runs: a.runs.max(b.runs),
            });
            max_into(&mut r.stats, &o.stats, std::cmp::max);
            max_into(&mut r.downloads, &o.downloads, std::cmp::max);
            r.totals = totals(r);
        }
        out
    }
}

/// Months that have ended before `today` and hold at least one covered day.
pub(crate) fn complete_months(histories: &[History], today: Date) -> BTreeSet<Month> {
    histories
        .iter()
        .flat_map(|h| h.days.keys().map(|d| month_of(*d)))
        .filter(|m| next_month_start(*m).is_some_and(|start| start <= today))
        .collect()
}

/// The archive of month `m` for these histories.
#[cfg(test)]
pub(crate) fn build(histories: &[History], m: Month) -> Archive {
    let mut a = Archive::new(m);
    for h in histories {
        if let Some(r) = repo_month(h, m) {
            a.repos.insert(h.repo.clone(), r);
        }
    }
    a
}

/// The archives of every complete month, built one history at a time (a run drops each
/// history once handled; the archives keep every covered day of those months).
#[derive(Debug, Default)]
pub(crate) struct Months(BTreeMap<Month, Archive>);

impl Months {
    pub(crate) fn new() -> Months {
        Months::default()
    }

    /// Adds the complete months (before `today`) of one history.
    pub(crate) fn add(&mut self, h: &History, today: Date) {
        for m in complete_months(std::slice::from_ref(h), today) {
            if let Some(r) = repo_month(h, m) {
                self.0.entry(m).or_insert_with(|| Archive::new(m)).repos.insert(h.repo.clone(), r);
            }
        }
    }
}

/// Writes each of `months` whose archive is missing or would gain a value. Returns the
/// months written (or, in a dry run, that would be).
pub(crate) fn write_months(backend: &mut dyn Backend, months: Months, dry_run: bool) -> Result<Vec<String>, Error> {
    let months = months.0;
    let names: Vec<String> = months.keys().map(|m| file_name(*m)).collect();
    let stored = backend.read(&names)?;
    let refuse = |name: &str, why: ArchiveError| Error::Unusable {
        file: name.to_string(),
        place: format!("{} (the history itself was stored)", backend.describe()),
        why: Box::new(why),
    };
    let mut files = Files::new();
    let mut written = Vec::new();
    for (new, name) in months.into_values().zip(&names) {
        let merged = match stored.get(name) {
            Some(text) => {
                let old = Archive::parse(text).map_err(|e| refuse(name, e))?;
                let merged = old.merge(&new);
                if merged == old {
                    continue;
                }
                merged
            }
            None => new,
        };
        files.insert(name.clone(), merged.to_json());
        written.push(merged.month.clone());
    }
    if dry_run || files.is_empty() {
        return Ok(written);
    }
    let concurrent = backend.write(&files, &names)?;
    if !concurrent.is_empty() {
        // Another writer's archives landed meanwhile: merge them in and write once more.
        for other in &concurrent {
            for (name, text) in other {
                if let (Some(mine), Ok(theirs)) = (files.get(name).cloned(), Archive::parse(text))
                    && let Ok(mine) = Archive::parse(&mine)
                {
                    files.insert(name.clone(), mine.merge(&theirs).to_json());
                }
            }
        }
        backend.write(&files, &names)?;
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::{Observation, ObservedAsset};

    fn d(s: &str) -> Date {
        s.parse().expect("date")
    }

    fn history_over(first: &str, days: i32) -> History {
        let mut h = History::new("o/r");
        let mut day = d(first);
        for i in 0..days {
            h.days.insert(day, Traffic::from([i as u64, 1, 2, 1]));
            day = day.tomorrow().expect("date");
        }
        h
    }

    #[test]
    fn a_month_holds_exactly_its_own_days() {
        let h = history_over("2026-09-25", 45); // 09-25 .. 11-08
        let a = build(std::slice::from_ref(&h), (2026, 10));
        let r = &a.repos["o/r"];
        assert_eq!(r.days.len(), 31);
        assert_eq!(r.days.keys().next(), Some(&d("2026-10-01")));
        assert_eq!(r.days.keys().next_back(), Some(&d("2026-10-31")));
        assert_eq!(r.totals.clones, 62);
        assert_eq!(a.month, "2026-10");
    }

    #[test]
    fn only_ended_months_are_complete() {
        let h = history_over("2026-09-25", 45);
        let cases = [
            ("2026-10-31", vec![(2026, 9)]),
            ("2026-11-01", vec![(2026, 9), (2026, 10)]),
            ("2026-12-15", vec![(2026, 9), (2026, 10), (2026, 11)]),
        ];
        for (today, want) in cases {
            let got: Vec<Month> = complete_months(std::slice::from_ref(&h), d(today)).into_iter().collect();
            assert_eq!(got, want, "{today}");
        }
        let dec = history_over("2026-12-30", 3);
        assert_eq!(complete_months(&[dec], d("2027-01-01")), BTreeSet::from([(2026, 12)]));
    }

    #[test]
    fn archives_round_trip_and_only_gain() {
        let mut h = history_over("2026-10-01", 31);
        let obs = Observation {
            assets: vec![ObservedAsset {
                id: 1,
                release: "v1".into(),
                name: "a".into(),
                downloads: 5,
                published: None,
            }],
            ..Observation::default()
        };
        h = h.merge(&History::from_observation("o/r", "2026-10-20T10:00:00Z".parse().expect("ts"), &obs));
        let a = build(std::slice::from_ref(&h), (2026, 10));
        let back = Archive::parse(&a.to_json()).expect("parses");
        assert_eq!(back, a);
        assert_eq!(a.merge(&a), a, "idempotent");
        let mut lower = a.clone();
        if let Some(r) = lower.repos.get_mut("o/r") {
            r.days.insert(d("2026-10-05"), Traffic::default());
        }
        assert_eq!(a.merge(&lower), a, "a lower value changes nothing");
        assert!(Archive::parse("{\"schema\":2,\"month\":\"2026-10\",\"repos\":{}}").is_err());
    }
}
