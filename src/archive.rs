//! Monthly archives: `archive-YYYY-MM.json`, one per complete calendar month, holding
//! exactly that month's days (the 1st to the last) of every tracked repository, every
//! metric, and the month's totals. An archive is written once its month is complete,
//! caught up on any later run if missing, and rewritten only when a value rose: the
//! stored archive is merged with the new one (per-day maximum), never replaced by less.
//!
//! A run does not rebuild every month of every history: `archives.json` ([`Ledger`])
//! says how far the archives hold each repository, and from which history. A repository
//! in step has only the months completed since and the months its merge changed built,
//! from its live file; one out of step (new to the archives, or changed in an archived
//! month by a backfill or an import) is read whole and caught up, a bounded number of
//! months a run ([`CATCH_UP_MONTHS`]).

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

/// The month after `m`.
fn next_month(m: Month) -> Option<Month> {
    next_month_start(m).map(month_of)
}

/// The last day of `m`.
fn month_end(m: Month) -> Option<Date> {
    next_month_start(m)?.yesterday().ok()
}

/// How many months from `a` to `b`, both counted (0 when `b` is before `a`).
fn months_between(a: Month, b: Month) -> usize {
    let n = (i32::from(b.0) - i32::from(a.0)) * 12 + i32::from(b.1) - i32::from(a.1) + 1;
    usize::try_from(n).unwrap_or(0)
}

fn month_name((y, m): Month) -> String {
    format!("{y:04}-{m:02}")
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
        Archive { schema: ARCHIVE_SCHEMA, month: month_name(m), repos: BTreeMap::new() }
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

/// How many months of history (summed over repositories) a run catches up at most: a
/// repository out of step with the archives (new to them, or changed before the month
/// they hold it through, e.g. by `gtt backfill`) has every complete month of its whole
/// history archived again, which a run holds in memory until the archives are written
/// (about 5 KB a month). So enabling archives over hundreds of ten-year histories is
/// spread over a few runs, in bounded memory; at least one repository is caught up per
/// run, whatever its size.
pub(crate) const CATCH_UP_MONTHS: usize = 4_000;

/// The archives' ledger, `archives.json`: for each repository, the month the archives
/// hold every day of it through, and the [`History::archive_sum`] of the history they
/// were written from. A run whose stored history still has that sum is in step: it
/// builds only the months completed since and those its own merge changed, from the
/// live part of a split history. Any other change (a backfill or an import into an
/// archived month) shows as another sum, and the repository is caught up whole.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Ledger {
    pub(crate) schema: u32,
    #[serde(default)]
    pub(crate) repos: BTreeMap<String, Mark>,
    /// Fields a newer gtt of the same schema wrote: kept and written back.
    #[serde(flatten)]
    pub(crate) extra: BTreeMap<String, serde_json::Value>,
}

/// What the archives hold of one repository ([`Ledger`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Mark {
    /// `YYYY-MM`: every day up to the end of this month is archived.
    pub(crate) through: String,
    /// The history's archive sum through then, as 16 hex digits (a JSON number would
    /// lose bits in a browser).
    pub(crate) sum: String,
}

impl Mark {
    fn new(through: Month, sum: u64) -> Mark {
        Mark { through: month_name(through), sum: format!("{sum:016x}") }
    }

    /// The month and sum; None for a mark this build cannot read (caught up whole).
    fn read(&self) -> Option<(Month, u64)> {
        let (y, m) = self.through.split_once('-')?;
        let month = (y.parse().ok()?, m.parse().ok()?);
        next_month_start(month)?;
        Some((month, u64::from_str_radix(&self.sum, 16).ok()?))
    }
}

impl Ledger {
    pub(crate) fn parse(text: &str) -> Result<Ledger, ArchiveError> {
        let l: Ledger = serde_json::from_str(text)?;
        if l.schema > ARCHIVE_SCHEMA {
            return Err(ArchiveError::Newer { found: l.schema });
        }
        Ok(l)
    }

    fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }

    /// The mark of `repo`, whatever its case (as configured, or as another run named it).
    fn get(&self, repo: &str) -> Option<&Mark> {
        self.repos.get(repo).or_else(|| self.repos.iter().find(|(r, _)| r.eq_ignore_ascii_case(repo)).map(|(_, m)| m))
    }

    /// `self` with `marks` laid over it (a repository's entry replaced, whatever its case).
    fn with(&self, marks: &BTreeMap<String, Mark>) -> Ledger {
        let mut out = self.clone();
        out.schema = ARCHIVE_SCHEMA;
        let lower: BTreeSet<String> = marks.keys().map(|r| r.to_ascii_lowercase()).collect();
        out.repos.retain(|r, _| marks.contains_key(r) || !lower.contains(&r.to_ascii_lowercase()));
        out.repos.extend(marks.iter().map(|(r, m)| (r.clone(), m.clone())));
        out
    }
}

/// What a run does for one repository's archives, decided from its live file.
#[derive(Debug)]
enum Plan {
    /// In step through `through`: the months after it, and those whose sums this run's
    /// merge changed (of the months from `live_from` on, which the live file holds).
    Step { through: Month, live_from: Option<Month>, before: BTreeMap<Month, u64> },
    /// Out of step or new to the archives: every complete month, from the whole history.
    All,
    /// Out of step, left for a later run ([`CATCH_UP_MONTHS`]).
    Later,
}

/// The archives a collect run writes: planned for each repository as its history is
/// read ([`Archiver::wants_whole`]), built as it is handed over ([`Archiver::add`]),
/// written at the end ([`Archiver::write`]).
#[derive(Debug)]
pub(crate) struct Archiver {
    today: Date,
    /// The last complete month; None when no month has ended (nothing to archive).
    last: Option<Month>,
    ledger: Ledger,
    marks: BTreeMap<String, Mark>,
    plans: BTreeMap<String, Plan>,
    months: BTreeMap<Month, Archive>,
    /// Months of history the run may still catch up, and the repositories caught up and left.
    budget: usize,
    caught_up: usize,
    later: usize,
    in_step: usize,
}

/// What [`Archiver::write`] did.
#[derive(Debug, Default)]
pub(crate) struct Written {
    /// `YYYY-MM` of each archive written (or, in a dry run, that would be).
    pub(crate) months: Vec<String>,
    /// Repositories out of step with the archives, left for a later run.
    pub(crate) later: usize,
}

impl Archiver {
    /// Reads the ledger from the archive store, for a run on `today`.
    pub(crate) fn open(backend: &mut dyn Backend, today: Date) -> Result<Archiver, Error> {
        let name = crate::store::layout::ARCHIVE_LEDGER.to_string();
        let ledger = match backend.read(std::slice::from_ref(&name))?.remove(&name) {
            Some(text) => Ledger::parse(&text).map_err(|e| unusable(backend, &name, e))?,
            None => Ledger { schema: ARCHIVE_SCHEMA, ..Ledger::default() },
        };
        Ok(Archiver::new(ledger, today))
    }

    fn new(ledger: Ledger, today: Date) -> Archiver {
        let last = today.first_of_month().yesterday().ok().map(month_of);
        let (marks, plans, months) = (BTreeMap::new(), BTreeMap::new(), BTreeMap::new());
        let budget = CATCH_UP_MONTHS;
        Archiver { today, last, ledger, marks, plans, months, budget, caught_up: 0, later: 0, in_step: 0 }
    }

    /// Plans `repo`'s archives from its stored live file, and says whether the run must
    /// read the history whole for them.
    pub(crate) fn wants_whole(&mut self, repo: &str, live: &History) -> bool {
        let Some(last) = self.last else { return false };
        let live_from = live.settled.as_ref().map(|s| month_of(s.before));
        let step = self
            .ledger
            .get(repo)
            .and_then(Mark::read)
            .filter(|(through, sum)| month_end(*through).is_some_and(|end| live.archive_sum(end) == Some(*sum)));
        if let Some((through, _)) = step {
            let before = live.archive_sums_by_month();
            self.plans.insert(repo.to_string(), Plan::Step { through, live_from, before });
            self.in_step += 1;
            // The months after `through` must all be in what is read.
            return live_from.is_some_and(|from| from > next_month(through).unwrap_or(through));
        }
        let first = live.settled.as_ref().and_then(|s| s.digest.first_day).or(live.days.keys().next().copied());
        let cost = first.map_or(0, |f| months_between(month_of(f), last));
        if self.caught_up > 0 && cost > self.budget {
            self.later += 1;
            self.plans.insert(repo.to_string(), Plan::Later);
            return false;
        }
        self.budget = self.budget.saturating_sub(cost);
        self.caught_up += 1;
        self.plans.insert(repo.to_string(), Plan::All);
        true
    }

    /// Adds what the plan of `repo` wants archived of its merged history `h`, and the
    /// mark the archives will hold of it once written.
    pub(crate) fn add(&mut self, repo: &str, h: &History) {
        let (Some(last), Some(plan)) = (self.last, self.plans.remove(repo)) else { return };
        let months: BTreeSet<Month> = match plan {
            Plan::Later => return,
            Plan::All => complete_months(std::slice::from_ref(h), self.today),
            Plan::Step { through, live_from, before } => {
                let after = h.days.keys().map(|d| month_of(*d)).filter(|m| *m > through);
                let now = h.archive_sums_by_month();
                let keys = before.keys().chain(now.keys()).filter(|m| live_from.is_none_or(|f| **m >= f));
                let changed = keys.filter(|m| before.get(m) != now.get(m)).copied();
                after.chain(changed).filter(|m| *m <= last).collect()
            }
        };
        for m in months {
            if let Some(r) = repo_month(h, m) {
                self.months.entry(m).or_insert_with(|| Archive::new(m)).repos.insert(h.repo.clone(), r);
            }
        }
        if let Some(sum) = month_end(last).and_then(|end| h.archive_sum(end)) {
            self.marks.insert(repo.to_string(), Mark::new(last, sum));
        }
    }
}
/// Archive files read and written at once: a catch-up's months go out in groups, so
/// what is held of the stored archives at once stays bounded.
const WRITE_GROUP: usize = 12;

impl Archiver {
    /// Writes each built month whose archive is missing or would gain a value, a group
    /// at a time, and the ledger with the last group (alone when only it changed).
    pub(crate) fn write(self, backend: &mut dyn Backend, dry_run: bool) -> Result<Written, Error> {
        let Archiver { ledger, marks, months, later, in_step, caught_up, .. } = self;
        let built: usize = months.values().map(|a| a.repos.len()).sum();
        log::info!(
            "archives: {in_step} repositories in step, {caught_up} caught up, {later} left for a later run; {built} repository-months built"
        );
        let mut written = Written { months: Vec::new(), later };
        if months.is_empty() && ledger.with(&marks).repos == ledger.repos {
            // Nothing to add: no request at all (the most days of a month).
            return Ok(written);
        }
        let groups = months.len().div_ceil(WRITE_GROUP).max(1);
        let mut months = months.into_iter();
        for g in 1..=groups {
            let group: Vec<(Month, Archive)> = months.by_ref().take(WRITE_GROUP).collect();
            let marks = (g == groups).then_some(&marks);
            written.months.extend(write_group(backend, group, marks, dry_run)?);
        }
        Ok(written)
    }
}

/// Writes one group of archives (merged into the stored ones, each only if it gains),
/// and with `marks` the ledger as stored now with them laid over it. Another writer's
/// archives and ledger landed meanwhile are merged in and written once more.
fn write_group(
    backend: &mut dyn Backend,
    group: Vec<(Month, Archive)>,
    marks: Option<&BTreeMap<String, Mark>>,
    dry_run: bool,
) -> Result<Vec<String>, Error> {
    let ledger_name = crate::store::layout::ARCHIVE_LEDGER.to_string();
    let mut names: Vec<String> = group.iter().map(|(m, _)| file_name(*m)).collect();
    names.extend(marks.map(|_| ledger_name.clone()));
    let mut stored = backend.read(&names)?;
    let mut files = Files::new();
    let mut written = Vec::new();
    for ((_, new), name) in group.into_iter().zip(&names) {
        let merged = match stored.remove(name) {
            Some(text) => {
                let old = Archive::parse(&text).map_err(|e| unusable(backend, name, e))?;
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
    if let Some(marks) = marks {
        let base = match stored.remove(&ledger_name) {
            Some(text) => Ledger::parse(&text).map_err(|e| unusable(backend, &ledger_name, e))?,
            None => Ledger::default(),
        };
        let ledger = base.with(marks);
        if ledger != base && !marks.is_empty() {
            files.insert(ledger_name.clone(), ledger.to_json());
        }
    }
    if dry_run || files.is_empty() {
        return Ok(written);
    }
    let concurrent = backend.write(&files, &names)?;
    if !concurrent.is_empty() {
        for other in &concurrent {
            merge_theirs(&mut files, other, marks);
        }
        backend.write(&files, &names)?;
    }
    Ok(written)
}

/// Another writer's archives and ledger, merged into ours.
fn merge_theirs(files: &mut Files, theirs: &Files, marks: Option<&BTreeMap<String, Mark>>) {
    for (name, text) in theirs {
        let merged = if *name == crate::store::layout::ARCHIVE_LEDGER {
            marks.zip(Ledger::parse(text).ok()).map(|(marks, l)| l.with(marks).to_json())
        } else {
            match (files.get(name).map(|t| Archive::parse(t)), Archive::parse(text)) {
                (Some(Ok(mine)), Ok(theirs)) => Some(mine.merge(&theirs).to_json()),
                _ => None,
            }
        };
        if let Some(text) = merged {
            files.insert(name.clone(), text);
        }
    }
}

fn unusable(backend: &dyn Backend, name: &str, why: ArchiveError) -> Error {
    Error::Unusable {
        file: name.to_string(),
        place: format!("{} (the history itself was stored)", backend.describe()),
        why: Box::new(why),
    }
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

    /// One planned repository: the ledger, its stored live file, its merged history,
    /// and what the planner should do (read whole? which months?).
    struct Case<'a> {
        name: &'a str,
        ledger: Ledger,
        stored: &'a History,
        merged: &'a History,
        whole: bool,
        months: Vec<Month>,
    }

    /// One history per plan, split as a folder stores it, through the planner: whether
    /// it is read whole, the months built, and the mark left.
    #[test]
    fn a_history_in_step_builds_only_new_and_changed_months() {
        let whole = history_over("2026-01-01", 309); // to 2026-11-05
        let (live, _) = whole.clone().split(d("2026-07-01"), "s.json");
        let sum = |m: i8| whole.archive_sum(month_end((2026, m)).expect("end")).expect("sum");
        let mark = |m: i8, sum: u64| Ledger {
            schema: 1,
            repos: BTreeMap::from([("o/r".into(), Mark::new((2026, m), sum))]),
            ..Ledger::default()
        };
        let mut raised = live.clone();
        raised.days.insert(d("2026-10-30"), Traffic::from([500, 1, 1, 1]));
        let all: Vec<Month> = (1..=10).map(|m| (2026, m)).collect();
        let cases = [
            Case {
                name: "in step",
                ledger: mark(10, sum(10)),
                stored: &live,
                merged: &live,
                whole: false,
                months: vec![],
            },
            Case {
                name: "behind",
                ledger: mark(9, sum(9)),
                stored: &live,
                merged: &live,
                whole: false,
                months: vec![(2026, 10)],
            },
            Case {
                name: "raised",
                ledger: mark(10, sum(10)),
                stored: &live,
                merged: &raised,
                whole: false,
                months: vec![(2026, 10)],
            },
            Case {
                name: "out of step",
                ledger: mark(10, 1),
                stored: &live,
                merged: &whole,
                whole: true,
                months: all.clone(),
            },
            Case {
                name: "new",
                ledger: Ledger::default(),
                stored: &live,
                merged: &whole,
                whole: true,
                months: all.clone(),
            },
            // Through May, settled up to June: only the whole history can tell its sum.
            Case {
                name: "before the split",
                ledger: mark(5, sum(5)),
                stored: &live,
                merged: &whole,
                whole: true,
                months: all,
            },
        ];
        for c in cases {
            let mut a = Archiver::new(c.ledger, d("2026-11-05"));
            assert_eq!(a.wants_whole("o/r", c.stored), c.whole, "{}", c.name);
            a.add("o/r", c.merged);
            assert_eq!(a.months.keys().copied().collect::<Vec<_>>(), c.months, "{}", c.name);
            let want = c.merged.archive_sum(d("2026-10-31")).expect("sum");
            assert_eq!(a.marks.get("o/r").and_then(Mark::read), Some(((2026, 10), want)), "{}", c.name);
        }
    }

    #[test]
    fn a_run_catches_up_at_most_its_budget_and_at_least_one_repository() {
        let today = d("2026-11-15");
        // 40 ten-year histories of 121 complete months each.
        let mut a = Archiver::new(Ledger::default(), today);
        let mut read_whole = 0;
        for i in 0..40 {
            let mut h = history_over("2016-10-31", 2);
            h.repo = format!("o/r{i}");
            read_whole += usize::from(a.wants_whole(&h.repo, &h));
            a.add(&h.repo.clone(), &h);
        }
        assert_eq!((read_whole, a.later, a.marks.len()), (33, 7, 33), "4,000 / 121 months");
        let mut one = Archiver::new(Ledger::default(), today);
        one.budget = 10;
        let h = history_over("2016-10-31", 2);
        assert!(one.wants_whole("o/r", &h), "one repository over the budget still goes");
        assert!(!one.wants_whole("o/s", &h));
    }

    #[test]
    fn marks_replace_a_repositorys_own_whatever_its_case() {
        let m = |s: u64| Mark::new((2026, 10), s);
        let stored = Ledger {
            schema: 1,
            repos: BTreeMap::from([("Octo/Hello".into(), m(1)), ("o/x".into(), m(2))]),
            ..Ledger::default()
        };
        let laid = stored.with(&BTreeMap::from([("octo/hello".into(), m(3)), ("o/new".into(), m(4))]));
        let want = BTreeMap::from([("octo/hello".into(), m(3)), ("o/x".into(), m(2)), ("o/new".into(), m(4))]);
        assert_eq!(laid.repos, want);
        assert_eq!(stored.get("OCTO/hello"), Some(&m(1)));
        assert_eq!(laid.get("o/x"), Some(&m(2)));
        assert_eq!(Ledger::parse(&laid.to_json()).expect("parses"), laid);
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
