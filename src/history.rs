//! The permanent per-repository history and its merge.
//!
//! Everything here is pure: no clock, no I/O. A run turns what it fetched into a
//! [`History`] fragment ([`History::from_observation`]) and merges it into the stored
//! one. The merge is a join (commutative, associative, idempotent), so runs can land in
//! any order, twice, or concurrently, and the result is the same. Totals are never
//! stored: they are derived from the stored days on demand.
//!
//! A folder or branch store keeps a history in two parts ([`History::split`]): the live
//! one, read and written by every run, and the settled one (the days before the first of
//! a month three to five months back, moved on once a month), which a new day does not
//! touch. The live part carries a [`SettledDigest`] of the settled part, and its figures
//! are its own days' plus the digest's: still derived from stored days, those of the
//! settled file summed when that file is written (by the split itself), never kept as
//! running counts. The parts hold disjoint days, so joining them is the merge
//! ([`History::join`]).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// The history file format this build writes. Readers refuse anything newer, because a
/// newer writer may keep data this build would silently drop on rewrite. Schema 2 added
/// [`History::partial`]; a schema-1 file is read and migrated ([`History::upgraded`]).
pub const SCHEMA: u32 = 2;

/// The schema of the two files of a split history ([`History::split`]): the same fields,
/// and the live file's `settled`. A gtt that reads only up to [`SCHEMA`] would take a live
/// file for the whole history and count none of the settled days; schema 3 makes it refuse
/// and say to upgrade. This build reads both; in memory a history is [`SCHEMA`].
pub const SPLIT_SCHEMA: u32 = 3;

/// How many most recent referrer/path snapshots are kept one per collection day; older
/// ones are thinned to one per [`POPULAR_STRIDE_DAYS`] so ten years stay small.
const POPULAR_RECENT_DAYS: i32 = 31;
const POPULAR_STRIDE_DAYS: i32 = 28;

/// How many days back from "today" a traffic answer is taken to cover even where a day
/// is missing from its arrays (GitHub omits days without traffic). The API returns up to
/// 15 buckets, but the oldest may fall off the rolling window; counting it as covered
/// could turn "not collected" into a false zero, so it only counts when it is present.
pub const WINDOW_DAYS: i32 = 14;

/// Completed workflow runs are remembered this many days (the recount window plus a
/// margin), and at most [`CI_CACHE_RUNS`] of them, so their jobs are fetched once.
const CI_CACHE_DAYS: i32 = 16;
const CI_CACHE_RUNS: usize = 5000;
/// Workflow files kept under `validators` (`workflow:{path}`, their blob and parsed
/// definition): those asked in the last [`CI_CACHE_DAYS`] before the newest, at most this
/// many.
const WORKFLOW_FILES: usize = 64;

#[derive(Debug)]
pub enum Error {
    Json(serde_json::Error),
    NewerSchema { found: u32 },
    WrongRepo { expected: String, found: String },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Json(e) => write!(f, "not valid gtt history JSON ({e})"),
            Error::NewerSchema { found } => write!(
                f,
                "written by a newer gtt (schema {found}, this gtt reads up to {SPLIT_SCHEMA}); upgrade gtt (the action's @v tag) before collecting again"
            ),
            Error::WrongRepo { expected, found } => {
                write!(f, "holds history of {found}, expected {expected}")
            }
        }
    }
}

impl std::error::Error for Error {}

/// One UTC day of traffic. Stored as a four-number array to keep ten years of days
/// around 100 KB.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "[u64; 4]", into = "[u64; 4]")]
pub struct Traffic {
    pub views: u64,
    pub views_uniques: u64,
    pub clones: u64,
    pub clones_uniques: u64,
}

impl From<[u64; 4]> for Traffic {
    fn from([views, views_uniques, clones, clones_uniques]: [u64; 4]) -> Self {
        Traffic { views, views_uniques, clones, clones_uniques }
    }
}

impl From<Traffic> for [u64; 4] {
    fn from(t: Traffic) -> Self {
        [t.views, t.views_uniques, t.clones, t.clones_uniques]
    }
}

impl Traffic {
    /// Field-wise maximum: GitHub's counts for a day only ever grow while the day is in
    /// the window (today is partial), so the largest value seen is the truest.
    fn max(self, o: Traffic) -> Traffic {
        Traffic {
            views: self.views.max(o.views),
            views_uniques: self.views_uniques.max(o.views_uniques),
            clones: self.clones.max(o.clones),
            clones_uniques: self.clones_uniques.max(o.clones_uniques),
        }
    }

    fn dominates(self, o: Traffic) -> bool {
        self.views >= o.views
            && self.views_uniques >= o.views_uniques
            && self.clones >= o.clones
            && self.clones_uniques >= o.clones_uniques
    }

    fn add(self, o: Traffic) -> Traffic {
        Traffic {
            views: self.views.saturating_add(o.views),
            views_uniques: self.views_uniques.saturating_add(o.views_uniques),
            clones: self.clones.saturating_add(o.clones),
            clones_uniques: self.clones_uniques.saturating_add(o.clones_uniques),
        }
    }
}

/// Repository counters as seen by one collection. `at` orders snapshots of the same day:
/// the latest one is the day's value. Fields are ordered so the derived `Ord` compares
/// `at` first. Stored as `[epoch seconds, stars, forks, watchers, open issues]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "[i64; 5]", into = "[i64; 5]")]
pub struct RepoStats {
    pub at: Timestamp,
    pub stars: u64,
    pub forks: u64,
    pub watchers: u64,
    pub open_issues: u64,
}

/// A release asset's cumulative download count over time. Only days on which the count
/// rose are kept, so an asset that stopped changing costs nothing per day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Asset {
    /// The latest collection day on which the asset was seen; names below are as of it.
    pub seen: Date,
    pub release: String,
    pub name: String,
    /// When its release was published, as GitHub said on `seen` (none for a draft, or
    /// in a history written before gtt kept it): the dashboard marks the release there.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<Timestamp>,
    /// Day -> cumulative download count observed that day (the day's maximum).
    pub counts: BTreeMap<Date, u64>,
}

impl Asset {
    /// The cumulative count; never decreases, and a deleted asset keeps its last count.
    pub fn total(&self) -> u64 {
        self.counts.values().copied().max().unwrap_or(0)
    }
}

/// Why a stored repository snapshot cannot be read.
#[derive(Debug, thiserror::Error)]
pub enum StatsError {
    #[error("negative count {0}")]
    Negative(i64),
    #[error("not a time: {0}")]
    Time(#[from] jiff::Error),
}

impl TryFrom<[i64; 5]> for RepoStats {
    type Error = StatsError;
    fn try_from([at, stars, forks, watchers, open_issues]: [i64; 5]) -> Result<Self, StatsError> {
        let n = |v: i64| u64::try_from(v).map_err(|_| StatsError::Negative(v));
        Ok(RepoStats {
            at: Timestamp::from_second(at)?,
            stars: n(stars)?,
            forks: n(forks)?,
            watchers: n(watchers)?,
            open_issues: n(open_issues)?,
        })
    }
}

impl From<RepoStats> for [i64; 5] {
    fn from(s: RepoStats) -> Self {
        let n = |v: u64| i64::try_from(v).unwrap_or(i64::MAX);
        [s.at.as_second(), n(s.stars), n(s.forks), n(s.watchers), n(s.open_issues)]
    }
}

/// Stored as `[referrer, count, uniques]`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(from = "(String, u64, u64)", into = "(String, u64, u64)")]
pub struct Referrer {
    pub referrer: String,
    pub count: u64,
    pub uniques: u64,
}

/// Stored as `[path, title, count, uniques]`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(from = "(String, String, u64, u64)", into = "(String, String, u64, u64)")]
pub struct PopularPath {
    pub path: String,
    pub title: String,
    pub count: u64,
    pub uniques: u64,
}

impl From<(String, u64, u64)> for Referrer {
    fn from((referrer, count, uniques): (String, u64, u64)) -> Self {
        Referrer { referrer, count, uniques }
    }
}

impl From<Referrer> for (String, u64, u64) {
    fn from(r: Referrer) -> Self {
        (r.referrer, r.count, r.uniques)
    }
}

impl From<(String, String, u64, u64)> for PopularPath {
    fn from((path, title, count, uniques): (String, String, u64, u64)) -> Self {
        PopularPath { path, title, count, uniques }
    }
}

impl From<PopularPath> for (String, String, u64, u64) {
    fn from(p: PopularPath) -> Self {
        (p.path, p.title, p.count, p.uniques)
    }
}

/// The 14-day top referrers and paths as one collection saw them.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Popular {
    pub at: Timestamp,
    pub referrers: Vec<Referrer>,
    pub paths: Vec<PopularPath>,
}

/// CI activity of one UTC day: checkouts (clones made by CI) and the runs that made them.
/// Stored as `[checkouts, runs]`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(from = "[u64; 2]", into = "[u64; 2]")]
pub struct CiDay {
    pub checkouts: u64,
    pub runs: u64,
}

impl From<[u64; 2]> for CiDay {
    fn from([checkouts, runs]: [u64; 2]) -> Self {
        CiDay { checkouts, runs }
    }
}

impl From<CiDay> for [u64; 2] {
    fn from(c: CiDay) -> Self {
        [c.checkouts, c.runs]
    }
}

/// Bits of [`History::unknown`]: which of a day's four figures no source observed.
pub const UNKNOWN_VIEWS: u8 = 1;
pub const UNKNOWN_VIEWS_UNIQUES: u8 = 2;
pub const UNKNOWN_CLONES: u8 = 4;
pub const UNKNOWN_CLONES_UNIQUES: u8 = 8;
pub const UNKNOWN_ALL: u8 = 15;

/// Clones with CI subtracted, for one day, by the formulas of ghtraf
/// (<https://github.com/djdarcy/github-traffic-tracker>): organic clones are
/// `max(0, clones - ci_checkouts)`; CI's unique cloners are the checkout share of the
/// uniques, rounded, at most one per run; organic uniques are the rest.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Organic {
    pub clones: u64,
    pub uniques: u64,
}

/// `organic = max(0, clones - ci)`; CI's share of uniques is the checkout share of
/// clones, rounded, and at most one per run; organic uniques are the rest. A day whose
/// clones were all CI has 0 organic clones: a real zero.
pub fn organic(t: Traffic, ci: Option<CiDay>) -> Organic {
    let Some(ci) = ci else {
        return Organic { clones: t.clones, uniques: t.clones_uniques };
    };
    let clones = t.clones.saturating_sub(ci.checkouts);
    let rate = if t.clones == 0 { 0.0 } else { (ci.checkouts as f64 / t.clones as f64).min(1.0) };
    let ci_uniques = ((t.clones_uniques as f64 * rate).round() as u64).min(ci.runs);
    Organic { clones, uniques: t.clones_uniques.saturating_sub(ci_uniques) }
}

/// What a write would lose, found by [`History::check_no_loss`] (a gtt bug if ever seen).
#[derive(Debug, thiserror::Error)]
pub enum Loss {
    #[error("day {0} would be dropped")]
    DayDropped(Date),
    #[error("day {day} would be lowered from {old:?} to {new:?}")]
    DayLowered { day: Date, old: Traffic, new: Traffic },
    #[error("day {0}, seen complete, would be marked partial")]
    DayIncomplete(Date),
    #[error("asset {id} ({name}) would fall from {old} to {new}")]
    AssetFell { id: u64, name: String, old: u64, new: u64 },
    #[error("a repository snapshot would be dropped")]
    SnapshotDropped,
}

/// Both maps' keys, each with `join` of the two values where both have one: the shape
/// of every per-key part of [`History::merge`]. `join` must be commutative,
/// associative and idempotent for the merge to be.
fn join_max<K: Ord + Clone, V: Clone>(
    a: &BTreeMap<K, V>,
    b: &BTreeMap<K, V>,
    join: impl Fn(V, V) -> V,
) -> BTreeMap<K, V> {
    let mut out = a.clone();
    for (k, v) in b {
        let joined = match out.remove(k) {
            Some(mine) => join(mine, v.clone()),
            None => v.clone(),
        };
        out.insert(k.clone(), joined);
    }
    out
}

/// Daily stars and forks rebuilt from GitHub's listings (`gtt backfill --from
/// stargazers`): each day's count of stargazers whose `starred_at` (forks whose
/// `created_at`) falls on or before it. A separate series, not `stats`, because a
/// reconstruction knows neither watchers nor open issues (they are unknown, not 0) and
/// because it must never beat a collected snapshot: readers take `stats` for a day when
/// it has one and fall back to this ([`History::counters_on`]), so the merge needs no
/// precedence rule and stays a per-day maximum (a join). The maximum is right: a
/// listing shows only current stargazers, so each reconstruction is a lower bound of
/// the true count (an unstar removes the star from every earlier day), and the higher
/// of two lower bounds is the better one. Days after a capped listing's last entry are
/// absent: nothing is invented.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reconstructed {
    /// UTC day -> stars by the end of that day.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub stars: BTreeMap<Date, u64>,
    /// UTC day -> forks by the end of that day.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub forks: BTreeMap<Date, u64>,
}

impl Reconstructed {
    pub fn is_empty(&self) -> bool {
        self.stars.is_empty() && self.forks.is_empty()
    }

    fn join(&self, other: &Reconstructed) -> Reconstructed {
        Reconstructed {
            stars: join_max(&self.stars, &other.stars, u64::max),
            forks: join_max(&self.forks, &other.forks, u64::max),
        }
    }
}

/// A day's repository counters as readers should show them: a collected snapshot when
/// the day has one, else the reconstruction (watchers and open issues then unknown).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Counters {
    pub stars: Option<u64>,
    pub forks: Option<u64>,
    pub watchers: Option<u64>,
    pub open_issues: Option<u64>,
    /// The figures come from the reconstruction, not from a collection.
    pub reconstructed: bool,
}

/// A repository's whole history, as stored in one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    pub schema: u32,
    pub repo: String,
    /// The gtt version that last wrote the file; set by the store, informational.
    #[serde(default)]
    pub written_by: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_collected: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_collected: Option<Timestamp>,
    /// Covered days. A day absent from this map was never inside an observed window: it
    /// is a gap, not a zero.
    #[serde(default)]
    pub days: BTreeMap<Date, Traffic>,
    #[serde(default)]
    pub stats: BTreeMap<Date, RepoStats>,
    /// Keyed by GitHub's asset id, which survives renames.
    #[serde(default)]
    pub assets: BTreeMap<u64, Asset>,
    #[serde(default)]
    pub popular: BTreeMap<Date, Popular>,
    /// CI checkouts per day, recounted for every day of the window on every run.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ci: BTreeMap<Date, CiDay>,
    /// Completed workflow run id -> checkouts per day, so a run's jobs are fetched once.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub ci_cache: BTreeMap<u64, BTreeMap<Date, u64>>,
    /// Days of `ci` whose checkouts were estimated from step names for some run (its
    /// workflow definition could not be read), not read from the definitions. A count
    /// read from definitions replaces an estimate in a merge.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub ci_estimated: BTreeSet<Date>,
    /// Runs of `ci_cache` whose count is such an estimate (the newest 5,000 ids).
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub ci_estimated_runs: BTreeSet<u64>,
    /// Where imported values came from: import label (format and file) -> the days it
    /// provided, as inclusive ranges. Days not listed were only collected.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub imported: BTreeMap<String, Vec<(Date, Date)>>,
    /// Covered days on which some figures were never observed (an import of views alone,
    /// say): day -> `UNKNOWN_*` bits. Such a figure is stored as 0 but exported as
    /// empty: not collected is a gap, not a zero. Absent: all four were observed.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub unknown: BTreeMap<Date, u8>,
    /// Covered days only ever seen in progress: no run observed them after they ended
    /// (UTC), so their counts are a lower bound. A collection's own day (GitHub's today)
    /// is partial until a later run sees it complete; the last day before a gap stays so.
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub partial: BTreeSet<Date>,
    /// The latest answer of each conditional endpoint ("repo", "views", ...) with its
    /// ETag: the next run asks `If-None-Match`, and a 304 (free of primary quota)
    /// reuses the stored answer, which is exactly what GitHub would have sent again.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub validators: BTreeMap<String, Validator>,
    /// Stars and forks rebuilt from GitHub's listings, kept apart from `stats`: see
    /// [`Reconstructed`].
    #[serde(default, skip_serializing_if = "Reconstructed::is_empty")]
    pub reconstructed: Reconstructed,
    /// Top-level fields a newer gtt of the same schema wrote and this one does not know.
    /// Kept and written back (a minor version's data must survive an older binary's
    /// rewrite); filled by [`History::parse`], which reads them in a separate pass so the
    /// usual parse does not buffer the whole file.
    #[serde(flatten, skip_deserializing)]
    pub extra: BTreeMap<String, serde_json::Value>,
    /// In a live file of a split history (see [`History::split`]): the settled file that
    /// holds the days before the split and what a run needs of it. None in a whole
    /// history and in a settled file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settled: Option<Settled>,
}

/// The top-level fields of [`History`] this build knows; any other is kept in
/// [`History::extra`].
const KNOWN_FIELDS: &[&str] = &[
    "schema",
    "repo",
    "written_by",
    "created_at",
    "first_collected",
    "last_collected",
    "days",
    "stats",
    "assets",
    "popular",
    "ci",
    "ci_cache",
    "ci_estimated",
    "ci_estimated_runs",
    "imported",
    "unknown",
    "partial",
    "validators",
    "reconstructed",
    "settled",
];

/// The unknown top-level fields of a history file: known ones are skipped unparsed.
struct Extra(BTreeMap<String, serde_json::Value>);

impl<'de> Deserialize<'de> for Extra {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Extra;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a history object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Extra, A::Error> {
                let mut out = BTreeMap::new();
                while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
                    if KNOWN_FIELDS.contains(&key.as_ref()) {
                        map.next_value::<serde::de::IgnoredAny>()?;
                    } else {
                        out.insert(key.into_owned(), map.next_value()?);
                    }
                }
                Ok(Extra(out))
            }
        }
        d.deserialize_map(V)
    }
}

/// A cached answer: what an endpoint said at `at`, the ETag that names it, and the
/// part of the answer gtt reads. The latest one wins a merge.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Validator {
    pub at: Timestamp,
    pub etag: String,
    pub value: serde_json::Value,
}

impl Validator {
    /// A total order for the merge's "latest wins": time, then the tag and the answer
    /// as tie-breakers, so the join does not depend on which side came first.
    fn later(&self, other: &Validator) -> bool {
        (self.at, &self.etag, self.value.to_string()) > (other.at, &other.etag, other.value.to_string())
    }
}

/// CI runs seen by one collection: every completed run created in `first..=last`
/// (in-progress runs are left for the next collection), and Pages builds per day.
#[derive(Debug, Clone)]
pub struct CiObservation {
    pub first: Date,
    pub last: Date,
    pub runs: Vec<ObservedRun>,
    pub pages: BTreeMap<Date, u64>,
    /// Where the runs' counts came from (reported, not stored).
    pub source: CiSource,
}

/// How one collection counted CI checkouts: identified from workflow definitions or
/// estimated from step names (over the window's runs), the workflow files it read, and
/// the warning to give when it had to estimate.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CiSource {
    pub identified: u64,
    pub estimated: u64,
    pub files: BTreeSet<String>,
    pub warning: Option<String>,
}

#[derive(Debug, Clone)]
pub struct ObservedRun {
    pub id: u64,
    /// Checkout steps per UTC day they started on.
    pub checkouts: BTreeMap<Date, u64>,
    /// Counted from step names, not from the run's workflow definition: its days'
    /// CI figures are estimates (the run's days are listed, with 0 where none).
    pub estimated: bool,
}

/// What one collection fetched for one repository. Days are UTC.
#[derive(Debug, Clone, Default)]
pub struct Observation {
    pub views: Vec<(Date, u64, u64)>,
    pub clones: Vec<(Date, u64, u64)>,
    pub stats: Option<(u64, u64, u64, u64)>,
    pub created_at: Option<Timestamp>,
    pub assets: Vec<ObservedAsset>,
    pub referrers: Vec<Referrer>,
    pub paths: Vec<PopularPath>,
    /// Absent when CI counting is off or could not be done this run.
    pub ci: Option<CiObservation>,
    /// The last push: GitHub disables scheduled workflows of public repositories after
    /// 60 days without activity. Not stored; used for warnings.
    pub pushed_at: Option<Timestamp>,
    pub private: bool,
    /// Answers to keep for conditional requests next run, by endpoint.
    pub validators: BTreeMap<String, Validator>,
    /// GitHub's today for the views and clones answers (the earlier of their `Date`
    /// headers), which sets the days their window covers. None: the collection's own.
    pub traffic_today: Option<Date>,
    /// GitHub's clock when it answered (the views answer's `Date` header): the time the
    /// collection is stamped with, whatever the local clock or `now` says.
    pub github_now: Option<Timestamp>,
}

#[derive(Debug, Clone)]
pub struct ObservedAsset {
    pub id: u64,
    pub release: String,
    pub name: String,
    pub downloads: u64,
    /// Its release's `published_at`.
    pub published: Option<Timestamp>,
}

/// A run of consecutive uncovered days, both ends inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Gap {
    pub first: Date,
    pub last: Date,
}

impl Gap {
    pub fn days(&self) -> i64 {
        i64::from((self.last - self.first).get_days()) + 1
    }
}

impl fmt::Display for Gap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.first == self.last {
            write!(f, "{}", self.first)
        } else {
            write!(f, "{}..{} ({} days)", self.first, self.last, self.days())
        }
    }
}

/// `d` moved by `n` days; None past the calendar's ends.
pub fn add_days(d: Date, n: i32) -> Option<Date> {
    d.checked_add(jiff::Span::new().days(n)).ok()
}

/// The UTC calendar day of an instant: GitHub's traffic days are UTC days.
pub fn utc_day(t: Timestamp) -> Date {
    t.to_zoned(jiff::tz::TimeZone::UTC).date()
}

impl History {
    pub fn new(repo: &str) -> History {
        History {
            schema: SCHEMA,
            repo: repo.to_string(),
            written_by: String::new(),
            created_at: None,
            first_collected: None,
            last_collected: None,
            days: BTreeMap::new(),
            stats: BTreeMap::new(),
            assets: BTreeMap::new(),
            popular: BTreeMap::new(),
            ci: BTreeMap::new(),
            ci_cache: BTreeMap::new(),
            ci_estimated: BTreeSet::new(),
            ci_estimated_runs: BTreeSet::new(),
            imported: BTreeMap::new(),
            unknown: BTreeMap::new(),
            partial: BTreeSet::new(),
            validators: BTreeMap::new(),
            reconstructed: Reconstructed::default(),
            extra: BTreeMap::new(),
            settled: None,
        }
    }

    /// Whether a covered day was seen complete (false for a partial or uncovered day).
    pub fn complete(&self, day: Date) -> bool {
        self.days.contains_key(&day) && !self.partial.contains(&day)
    }

    /// A history read in an older schema, brought to [`SCHEMA`]. Schema 1 did not record
    /// completeness: each covered day that no run can be proven to have seen after it
    /// ended is marked partial. A run on day `s` (a `stats` key, or the day of
    /// `last_collected`) saw the days `s - 14..s` complete; imported days are taken as
    /// complete, as their source stated them.
    pub fn upgraded(mut self) -> History {
        if self.schema < 2 {
            let runs: BTreeSet<Date> = self.stats.keys().copied().chain(self.last_collected.map(utc_day)).collect();
            let imported = |d: Date| self.imported.values().flatten().any(|(a, b)| (*a..=*b).contains(&d));
            let proven = |d: Date| {
                let last = add_days(d, WINDOW_DAYS).unwrap_or(d);
                d < last && runs.range((std::ops::Bound::Excluded(d), std::ops::Bound::Included(last))).next().is_some()
            };
            let partial: BTreeSet<Date> = self.days.keys().copied().filter(|d| !imported(*d) && !proven(*d)).collect();
            self.partial.extend(partial);
        }
        self.schema = SCHEMA;
        self
    }

    /// The `UNKNOWN_*` bits of a covered day (0: all four figures observed).
    pub fn unknown_on(&self, day: Date) -> u8 {
        self.unknown.get(&day).copied().unwrap_or(0)
    }

    /// A day's counters: the collected snapshot wins over the reconstruction.
    pub fn counters_on(&self, day: Date) -> Option<Counters> {
        if let Some(s) = self.stats.get(&day) {
            return Some(Counters {
                stars: Some(s.stars),
                forks: Some(s.forks),
                watchers: Some(s.watchers),
                open_issues: Some(s.open_issues),
                reconstructed: false,
            });
        }
        let stars = self.reconstructed.stars.get(&day).copied();
        let forks = self.reconstructed.forks.get(&day).copied();
        (stars.is_some() || forks.is_some()).then_some(Counters {
            stars,
            forks,
            watchers: None,
            open_issues: None,
            reconstructed: true,
        })
    }

    /// Marks every covered day of this history (an import fragment), and every
    /// reconstructed day, as coming from `label`.
    pub fn mark_imported(&mut self, label: &str) {
        let r = &self.reconstructed;
        let days: Vec<Date> = self.days.keys().chain(r.stars.keys()).chain(r.forks.keys()).copied().collect();
        let ranges = days.into_iter().map(|d| (d, d)).collect();
        self.imported.insert(label.to_string(), union_ranges(&[], ranges));
    }

    /// Parses a stored file, refusing schemas from the future and files of another
    /// repository (a mis-assigned file must never be merged into the wrong history).
    pub fn parse(text: &str, repo: &str) -> Result<History, Error> {
        #[derive(Deserialize)]
        struct Head {
            schema: u32,
        }
        // One parse on the usual path; a failure is then explained by the schema number
        // when a newer gtt wrote a shape this one cannot read.
        let mut h: History = match serde_json::from_str(text) {
            Ok(h) => h,
            Err(e) => {
                return Err(match serde_json::from_str::<Head>(text) {
                    Ok(head) if head.schema > SPLIT_SCHEMA => Error::NewerSchema { found: head.schema },
                    _ => Error::Json(e),
                });
            }
        };
        if h.schema > SPLIT_SCHEMA {
            return Err(Error::NewerSchema { found: h.schema });
        }
        if !h.repo.eq_ignore_ascii_case(repo) {
            return Err(Error::WrongRepo { expected: repo.to_string(), found: h.repo });
        }
        h.extra = serde_json::from_str::<Extra>(text).map_err(Error::Json)?.0;
        Ok(h.upgraded().normalized())
    }

    /// Serialises compactly (one line per top-level field would not help gzip or the
    /// gist size limit; arrays do).
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The history fragment one collection at `at` observed. Days from `today - 13` to
    /// `today` lie inside the answered window: a day missing from the arrays there had
    /// no traffic and is stored as 0. `today` is GitHub's where the answers said it
    /// ([`Observation::traffic_today`]): a run whose clock is a day ahead must not
    /// zero a day GitHub has not answered for. That day (and any later one an answer
    /// names) is still in progress: partial; every earlier day was seen complete.
    pub fn from_observation(repo: &str, at: Timestamp, obs: &Observation) -> History {
        let today = utc_day(at);
        let mut h = History::new(repo);
        h.first_collected = Some(at);
        h.last_collected = Some(at);
        h.created_at = obs.created_at;
        h.validators = obs.validators.clone();
        let answered = obs.traffic_today.unwrap_or(today);
        let mut d = add_days(answered, 1 - WINDOW_DAYS).unwrap_or(answered);
        while d <= answered {
            h.days.insert(d, Traffic::default());
            match d.tomorrow() {
                Ok(n) => d = n,
                Err(_) => break,
            }
        }
        for &(day, count, uniques) in &obs.views {
            let t = h.days.entry(day).or_default();
            t.views = t.views.max(count);
            t.views_uniques = t.views_uniques.max(uniques);
        }
        for &(day, count, uniques) in &obs.clones {
            let t = h.days.entry(day).or_default();
            t.clones = t.clones.max(count);
            t.clones_uniques = t.clones_uniques.max(uniques);
        }
        h.partial = h.days.range(answered..).map(|(d, _)| *d).collect();
        if let Some((stars, forks, watchers, open_issues)) = obs.stats {
            h.stats.insert(today, RepoStats { at, stars, forks, watchers, open_issues });
        }
        for a in &obs.assets {
            let asset = Asset {
                seen: today,
                release: a.release.clone(),
                name: a.name.clone(),
                published: a.published,
                counts: BTreeMap::from([(today, a.downloads)]),
            };
            let merged = match h.assets.remove(&a.id) {
                Some(old) => merge_asset(&old, &asset),
                None => asset,
            };
            h.assets.insert(a.id, merged);
        }
        if !obs.referrers.is_empty() || !obs.paths.is_empty() {
            let mut referrers = obs.referrers.clone();
            let mut paths = obs.paths.clone();
            referrers.truncate(10);
            paths.truncate(10);
            h.popular.insert(today, Popular { at, referrers, paths });
        }
        if let Some(ci) = &obs.ci {
            h.add_ci(ci);
        }
        h
    }

    /// The CI days one collection counted: checkouts per day from its runs (each cached
    /// by id) and Pages builds, the days an estimated run touched marked estimated.
    fn add_ci(&mut self, ci: &CiObservation) {
        for run in &ci.runs {
            let entry = self.ci_cache.entry(run.id).or_default();
            for (d, n) in &run.checkouts {
                entry.entry(*d).and_modify(|x| *x = (*x).max(*n)).or_insert(*n);
            }
            if run.estimated {
                self.ci_estimated_runs.insert(run.id);
            }
        }
        let mut d = ci.first;
        while d <= ci.last {
            let pages = ci.pages.get(&d).copied().unwrap_or(0);
            let mut day = CiDay { checkouts: pages, runs: pages };
            for run in &ci.runs {
                if run.estimated && run.checkouts.contains_key(&d) {
                    self.ci_estimated.insert(d);
                }
                if let Some(n) = run.checkouts.get(&d).filter(|n| **n > 0) {
                    day.checkouts = day.checkouts.saturating_add(*n);
                    day.runs += 1;
                }
            }
            self.ci.insert(d, day);
            match d.tomorrow() {
                Ok(n) => d = n,
                Err(_) => break,
            }
        }
        self.ci_cache = prune_ci_cache(std::mem::take(&mut self.ci_cache));
        self.ci_estimated_runs = newest_runs(std::mem::take(&mut self.ci_estimated_runs));
    }

    /// The join of two histories of the same repository: per day and per figure the
    /// larger value, unions of everything else.
    pub fn merge(&self, other: &History) -> History {
        let days = join_max(&self.days, &other.days, |x, y| x.max(y));
        let (ci, ci_estimated) = self.join_ci(other);
        let ci_cache = prune_ci_cache(join_max(&self.ci_cache, &other.ci_cache, |x, y| join_max(&x, &y, u64::max)));
        let ci_estimated_runs = newest_runs(self.ci_estimated_runs.union(&other.ci_estimated_runs).copied().collect());
        History {
            schema: SCHEMA,
            repo: self.repo.clone().max(other.repo.clone()),
            written_by: self.written_by.clone().max(other.written_by.clone()),
            created_at: min_opt(self.created_at, other.created_at),
            first_collected: min_opt(self.first_collected, other.first_collected),
            last_collected: self.last_collected.max(other.last_collected),
            unknown: self.join_unknown(other, &days),
            partial: days.keys().filter(|d| !self.complete(**d) && !other.complete(**d)).copied().collect(),
            days,
            stats: join_max(&self.stats, &other.stats, |x, y| x.max(y)),
            assets: join_max(&self.assets, &other.assets, |x, y| merge_asset(&x, &y)),
            popular: thin_popular(join_max(&self.popular, &other.popular, |x, y| if x >= y { x } else { y })),
            ci,
            ci_estimated,
            ci_cache,
            ci_estimated_runs,
            validators: prune_validators(join_max(&self.validators, &other.validators, |x, y| {
                if y.later(&x) { y } else { x }
            })),
            imported: join_max(&self.imported, &other.imported, |x, y| union_ranges(&x, y)),
            reconstructed: self.reconstructed.join(&other.reconstructed),
            // A field both sides have: the larger value, so the join stays order-free.
            extra: join_max(&self.extra, &other.extra, |x, y| {
                if serde_json::to_string(&y).ok() > serde_json::to_string(&x).ok() { y } else { x }
            }),
            settled: match (&self.settled, &other.settled) {
                (Some(a), Some(b)) => Some(if b.later(a) { b.clone() } else { a.clone() }),
                (a, b) => a.clone().or_else(|| b.clone()),
            },
        }
    }

    /// CI days joined: a count read from definitions beats an estimate; within the same
    /// kind, the larger figures. A day stays estimated only if no side read it.
    fn join_ci(&self, other: &History) -> (BTreeMap<Date, CiDay>, BTreeSet<Date>) {
        let mut ci = BTreeMap::new();
        let mut estimated = BTreeSet::new();
        for d in self.ci.keys().chain(other.ci.keys()) {
            let side = |h: &History| h.ci.get(d).map(|c| (!h.ci_estimated.contains(d), *c));
            let day = match (side(self), side(other)) {
                (Some((ra, a)), Some((rb, b))) if ra == rb => {
                    (ra, CiDay { checkouts: a.checkouts.max(b.checkouts), runs: a.runs.max(b.runs) })
                }
                (Some(a), Some(b)) => {
                    if a.0 {
                        a
                    } else {
                        b
                    }
                }
                (a, b) => match a.or(b) {
                    Some(x) => x,
                    None => continue,
                },
            };
            if !day.0 {
                estimated.insert(*d);
            }
            ci.insert(*d, day.1);
        }
        (ci, estimated)
    }

    /// A figure is unknown only if no side observed it; a side without the day observed
    /// nothing of it.
    fn join_unknown(&self, other: &History, days: &BTreeMap<Date, Traffic>) -> BTreeMap<Date, u8> {
        days.keys()
            .filter_map(|d| {
                let side = |h: &History| if h.days.contains_key(d) { h.unknown_on(*d) } else { UNKNOWN_ALL };
                let bits = side(self) & side(other);
                (bits != 0).then_some((*d, bits))
            })
            .collect()
    }

    /// The canonical form of a history read from anywhere: what merging it with
    /// itself gives.
    pub fn normalized(mut self) -> History {
        for a in self.assets.values_mut() {
            a.counts = normalize_counts(&a.counts);
        }
        self.popular = thin_popular(std::mem::take(&mut self.popular));
        self.ci_cache = prune_ci_cache(std::mem::take(&mut self.ci_cache));
        self.ci_estimated_runs = newest_runs(std::mem::take(&mut self.ci_estimated_runs));
        self.validators = prune_validators(std::mem::take(&mut self.validators));
        let ci = &self.ci;
        self.ci_estimated.retain(|d| ci.contains_key(d));
        for ranges in self.imported.values_mut() {
            *ranges = union_ranges(&[], std::mem::take(ranges));
        }
        let days = &self.days;
        self.unknown.retain(|d, bits| {
            *bits &= UNKNOWN_ALL;
            *bits != 0 && days.contains_key(d)
        });
        self.partial.retain(|d| days.contains_key(d));
        self
    }

    /// Organic clones of a covered day (CI subtracted where CI was counted).
    pub fn organic(&self, day: Date) -> Option<Organic> {
        self.days.get(&day).map(|t| organic(*t, self.ci.get(&day).copied()))
    }

    /// Downloads per day, derived from the cumulative asset counts: each asset's rise
    /// since its previous count, on the day it was seen. An asset already there at the
    /// first collection brought downloads from before tracking began: those count for
    /// no day. Never negative; several runs a day cannot split a day.
    pub fn daily_downloads(&self) -> BTreeMap<Date, u64> {
        let first_day = self.first_collected.map(utc_day);
        let mut out: BTreeMap<Date, u64> = BTreeMap::new();
        for a in self.assets.values() {
            let mut prev: Option<u64> = None;
            for (d, c) in &a.counts {
                let rise = match prev {
                    Some(p) => c.saturating_sub(p),
                    None if Some(*d) == first_day => 0,
                    None => *c,
                };
                prev = Some(prev.map_or(*c, |p| p.max(*c)));
                let e = out.entry(*d).or_default();
                *e = e.saturating_add(rise);
            }
        }
        out
    }

    /// Total downloads per release tag (deleted assets included).
    pub fn downloads_by_release(&self) -> BTreeMap<String, u64> {
        let mut out: BTreeMap<String, u64> = BTreeMap::new();
        for a in self.assets.values() {
            let e = out.entry(a.release.clone()).or_default();
            *e = e.saturating_add(a.total());
        }
        out
    }

    /// Why `new` may not replace `self` in storage, if it would lose anything: every
    /// stored day must still be there with values at least as high (and still complete
    /// if it was; partial may become complete), and no asset count may fall. This guards against bugs, not against users.
    pub fn check_no_loss(&self, new: &History) -> Result<(), Loss> {
        for (d, old) in &self.days {
            match new.days.get(d) {
                None => return Err(Loss::DayDropped(*d)),
                Some(t) if !t.dominates(*old) => return Err(Loss::DayLowered { day: *d, old: *old, new: *t }),
                Some(_) if self.complete(*d) && !new.complete(*d) => return Err(Loss::DayIncomplete(*d)),
                Some(_) => {}
            }
        }
        for (id, a) in &self.assets {
            let new_total = new.assets.get(id).map_or(0, Asset::total);
            if new_total < a.total() {
                return Err(Loss::AssetFell { id: *id, name: a.name.clone(), old: a.total(), new: new_total });
            }
        }
        if self.stats.keys().any(|d| !new.stats.contains_key(d)) {
            return Err(Loss::SnapshotDropped);
        }
        Ok(())
    }

    /// Uncovered stretches between the first and the last covered day.
    pub fn gaps(&self) -> Vec<Gap> {
        let mut gaps = Vec::new();
        let mut prev: Option<Date> = None;
        for d in self.days.keys() {
            if let Some(p) = prev
                && let (Some(first), Some(last)) = (add_days(p, 1), add_days(*d, -1))
                && first <= last
            {
                gaps.push(Gap { first, last });
            }
            prev = Some(*d);
        }
        gaps
    }

    /// Sum of all covered days. Uniques are summed too, which counts a returning person
    /// once per day: that is what a per-day sum can say, and it is labelled so.
    pub fn totals(&self) -> Traffic {
        self.days.values().fold(Traffic::default(), |a, t| a.add(*t))
    }

    /// Sum over covered days in `first..=last`, and how many days of it were covered.
    pub fn sum_between(&self, first: Date, last: Date) -> (Traffic, usize) {
        if first > last {
            return (Traffic::default(), 0);
        }
        self.days.range(first..=last).fold((Traffic::default(), 0), |(a, n), (_, t)| (a.add(*t), n + 1))
    }

    pub fn latest_stats(&self) -> Option<&RepoStats> {
        self.stats.values().next_back()
    }

    pub fn downloads(&self) -> u64 {
        self.assets.values().map(Asset::total).fold(0u64, u64::saturating_add)
    }

    pub fn latest_popular(&self) -> Option<&Popular> {
        self.popular.values().next_back()
    }
}

/// The union of two sets of inclusive day ranges, as sorted, disjoint, non-adjacent
/// ranges: one canonical form per set of days, so merging provenance is a join.
fn union_ranges(a: &[(Date, Date)], mut b: Vec<(Date, Date)>) -> Vec<(Date, Date)> {
    b.extend_from_slice(a);
    b.retain(|(x, y)| x <= y);
    b.sort();
    let mut out: Vec<(Date, Date)> = Vec::new();
    for (first, last) in b {
        match out.last_mut() {
            Some((_, end)) if end.tomorrow().is_ok_and(|t| first <= t) || first <= *end => {
                if last > *end {
                    *end = last;
                }
            }
            _ => out.push((first, last)),
        }
    }
    out
}

/// Forgets run-days older than the recount window and all but the newest runs. Works per
/// entry and only against the newest day and the largest ids, so it commutes with merge.
fn prune_ci_cache(cache: BTreeMap<u64, BTreeMap<Date, u64>>) -> BTreeMap<u64, BTreeMap<Date, u64>> {
    let Some(newest) = cache.values().filter_map(|d| d.keys().next_back()).max().copied() else {
        return cache;
    };
    let from = add_days(newest, -CI_CACHE_DAYS).unwrap_or(newest);
    cache
        .into_iter()
        .rev()
        .filter_map(|(id, days)| {
            let days: BTreeMap<Date, u64> = days.into_iter().filter(|(d, _)| *d >= from).collect();
            (!days.is_empty()).then_some((id, days))
        })
        .take(CI_CACHE_RUNS)
        .collect()
}

/// Forgets the validators no later collection will ask with: old workflow files, and
/// release pages the list no longer has.
fn prune_validators(validators: BTreeMap<String, Validator>) -> BTreeMap<String, Validator> {
    prune_release_pages(prune_workflow_files(validators))
}

/// Forgets the release pages after the first (`releases-{n}`) older than the first:
/// a collection that reads the list keeps every page it read, the first included, at
/// its own time, so an older page is one the list no longer had (it got shorter).
/// Works only against the newest first page, so it commutes with merge.
fn prune_release_pages(mut validators: BTreeMap<String, Validator>) -> BTreeMap<String, Validator> {
    let Some(first) = validators.get("releases").map(|v| v.at) else { return validators };
    let later_page = |k: &str| k.strip_prefix("releases-").is_some_and(|n| n.parse::<usize>().is_ok());
    validators.retain(|k, v| !later_page(k) || v.at >= first);
    validators
}

/// Forgets workflow files (`workflow:{path}` validators) not asked within
/// [`CI_CACHE_DAYS`] of the newest one, and all but the [`WORKFLOW_FILES`] newest. Works
/// only against the newest time and a total order, so it commutes with merge.
fn prune_workflow_files(mut validators: BTreeMap<String, Validator>) -> BTreeMap<String, Validator> {
    let workflow = |k: &String| k.starts_with("workflow:");
    let mut files: Vec<(&String, &Validator)> = validators.iter().filter(|(k, _)| workflow(k)).collect();
    let Some(newest) = files.iter().map(|(_, v)| v.at).max() else { return validators };
    let from = newest.checked_sub(jiff::SignedDuration::from_hours(24 * i64::from(CI_CACHE_DAYS))).unwrap_or(newest);
    files.sort_by(|a, b| (b.1.at, b.0).cmp(&(a.1.at, a.0)));
    let keep: BTreeSet<String> =
        files.into_iter().filter(|(_, v)| v.at >= from).take(WORKFLOW_FILES).map(|(k, _)| k.clone()).collect();
    validators.retain(|k, _| !workflow(k) || keep.contains(k));
    validators
}

/// The newest run ids (the largest), as many as `ci_cache` keeps: taking the largest
/// commutes with the union, so the merge stays a join.
fn newest_runs(runs: BTreeSet<u64>) -> BTreeSet<u64> {
    runs.into_iter().rev().take(CI_CACHE_RUNS).collect()
}

fn min_opt<T: Ord>(a: Option<T>, b: Option<T>) -> Option<T> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

fn merge_asset(a: &Asset, b: &Asset) -> Asset {
    let mut counts = a.counts.clone();
    for (d, c) in &b.counts {
        counts.entry(*d).and_modify(|x| *x = (*x).max(*c)).or_insert(*c);
    }
    // The names and publish time as of the later sighting; a tie broken by the values, so
    // the merge stays order-independent.
    let (seen, release, name, published) =
        (a.seen, &a.release, &a.name, a.published).max((b.seen, &b.release, &b.name, b.published));
    Asset { seen, release: release.clone(), name: name.clone(), published, counts: normalize_counts(&counts) }
}

/// Keeps only the days on which the cumulative count rose above every earlier day's.
fn normalize_counts(counts: &BTreeMap<Date, u64>) -> BTreeMap<Date, u64> {
    let mut out = BTreeMap::new();
    let mut best: Option<u64> = None;
    for (d, c) in counts {
        if best.is_none_or(|b| *c > b) {
            out.insert(*d, *c);
            best = Some(*c);
        }
    }
    out
}

/// Keeps every snapshot of the last [`POPULAR_RECENT_DAYS`]; within a year, the latest
/// of each [`POPULAR_STRIDE_DAYS`]-day bucket; before that, the latest of each bucket
/// three times as long. Buckets nest and are aligned to a fixed epoch, so the result is a
/// function of the set alone and the merge stays order-independent.
fn thin_popular(popular: BTreeMap<Date, Popular>) -> BTreeMap<Date, Popular> {
    let Some(newest) = popular.keys().next_back().copied() else {
        return popular;
    };
    let recent_from = add_days(newest, -POPULAR_RECENT_DAYS).unwrap_or(newest);
    let year_from = add_days(newest, -365).unwrap_or(newest);
    let epoch = Date::constant(1970, 1, 1);
    let fine = |d: Date| (d - epoch).get_days().div_euclid(POPULAR_STRIDE_DAYS);
    let coarse = |d: Date| (d - epoch).get_days().div_euclid(POPULAR_STRIDE_DAYS * 3);
    let mut seen_fine = std::collections::BTreeSet::new();
    let mut seen_coarse = std::collections::BTreeSet::new();
    let mut out = BTreeMap::new();
    for (d, p) in popular.into_iter().rev() {
        let keep = d >= recent_from
            || if d >= year_from { !seen_fine.contains(&fine(d)) } else { !seen_coarse.contains(&coarse(d)) };
        seen_fine.insert(fine(d));
        seen_coarse.insert(coarse(d));
        if keep {
            out.insert(d, p);
        }
    }
    out
}

// ===================================================================
// What the monthly archives hold of a history
// ===================================================================

impl History {
    /// A digest of everything the monthly archives hold of this history up to `end`
    /// (inclusive): each day's traffic, CI day and counters snapshot, and the release
    /// downloads counted on each day ([`History::daily_downloads`]). A sum of one hash
    /// per entry, so a whole history and its live part with the settled part's digest
    /// give the same sum, wherever the split is: a run reads it from the live file alone
    /// and compares it with the one the archives were written from. None when the
    /// settled part may hold days after `end`, or was written before the digest had
    /// the sum: only the whole history can tell then.
    pub fn archive_sum(&self, end: Date) -> Option<u64> {
        let live = self.archive_entries().filter(|(d, _)| *d <= end).fold(0u64, |a, (_, h)| a.wrapping_add(h));
        match &self.settled {
            None => Some(live),
            Some(s) if s.before.yesterday().is_ok_and(|last| last > end) => None,
            Some(s) => s.digest.archive_sum.map(|settled| settled.wrapping_add(live)),
        }
    }

    /// The same sums per month, of the entries in this file only (a live part's
    /// settled days are not in it): the months whose sums a merge changed are the
    /// months whose archives it changed.
    pub fn archive_sums_by_month(&self) -> BTreeMap<(i16, i8), u64> {
        let mut out: BTreeMap<(i16, i8), u64> = BTreeMap::new();
        for (d, h) in self.archive_entries() {
            let e = out.entry((d.year(), d.month())).or_default();
            *e = e.wrapping_add(h);
        }
        out
    }

    /// Each entry the archives hold, dated, with its hash.
    fn archive_entries(&self) -> impl Iterator<Item = (Date, u64)> + '_ {
        let days = self
            .days
            .iter()
            .map(|(d, t)| (*d, entry_hash(&[1, day_key(*d), t.views, t.views_uniques, t.clones, t.clones_uniques])));
        let ci = self.ci.iter().map(|(d, c)| (*d, entry_hash(&[2, day_key(*d), c.checkouts, c.runs])));
        let stats = self.stats.iter().map(|(d, s)| {
            let at = s.at.as_second().cast_unsigned();
            (*d, entry_hash(&[3, day_key(*d), at, s.stars, s.forks, s.watchers, s.open_issues]))
        });
        let downloads = self.daily_downloads().into_iter().map(|(d, n)| (d, entry_hash(&[4, day_key(d), n])));
        days.chain(ci).chain(stats).chain(downloads)
    }
}

/// One entry's share of [`History::archive_sum`]: its fields folded through
/// splitmix64's finaliser, so that different contents give different sums but for
/// chance (about 1 in 2^64), in every build and on every machine.
fn entry_hash(fields: &[u64]) -> u64 {
    fields.iter().fold(0x9e37_79b9_7f4a_7c15, |h, x| {
        let mut z = (h ^ *x).wrapping_add(0x9e37_79b9_7f4a_7c15);
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    })
}

/// A date as one number for [`entry_hash`].
fn day_key(d: Date) -> u64 {
    let (y, m, day) = (i64::from(d.year()), i64::from(d.month()), i64::from(d.day()));
    ((y << 9) | (m << 5) | day).cast_unsigned()
}

// ===================================================================
// Split histories: a live file and a settled one
// ===================================================================

/// Where a split history's settled part is (see [`History::split`]), and the digest of
/// it that a run reads instead of the part itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settled {
    /// The settled file's name in the same store.
    pub file: String,
    /// The split date: the settled file holds the days before it, the live file the rest.
    pub before: Date,
    pub digest: SettledDigest,
}

impl Settled {
    /// A total order for the merge ("the latest split wins"): the split date, then the
    /// rest as tie-breakers, so the join does not depend on which side came first.
    fn later(&self, other: &Settled) -> bool {
        let key = |s: &Settled| (s.before, s.file.clone(), serde_json::to_string(&s.digest).unwrap_or_default());
        key(self) > key(other)
    }
}

/// What the reports and badges read of the settled days, computed from the settled part
/// whenever it is written ([`History::split`]): the figures stay derived from stored
/// days, those of the settled file summed when it was last written, those of the live
/// file summed on every run.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SettledDigest {
    /// Sum of the settled days.
    pub total: Traffic,
    /// Organic clones and their uniques summed over the settled days ([`organic`]).
    pub organic_clones: u64,
    pub organic_clones_uniques: u64,
    pub covered_days: usize,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_day: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_day: Option<Date>,
    /// Gaps between the settled days (not the one, if any, up to the first live day).
    pub gaps: usize,
    /// The latest settled snapshot of the repository's counters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latest_stats: Option<RepoStats>,
    /// The settled days' part of [`History::archive_sum`], so that a run can tell from
    /// the live file alone whether the monthly archives still hold every settled day.
    /// Absent in files written before it: such a history is read whole once more.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub archive_sum: Option<u64>,
}

impl SettledDigest {
    fn of(h: &History) -> SettledDigest {
        let mut d = SettledDigest {
            total: h.totals(),
            covered_days: h.days.len(),
            first_day: h.days.keys().next().copied(),
            last_day: h.days.keys().next_back().copied(),
            gaps: h.gaps().len(),
            latest_stats: h.latest_stats().copied(),
            archive_sum: h.archive_sum(Date::MAX),
            ..SettledDigest::default()
        };
        for day in h.days.keys() {
            let o = h.organic(*day).unwrap_or_default();
            d.organic_clones = d.organic_clones.saturating_add(o.clones);
            d.organic_clones_uniques = d.organic_clones_uniques.saturating_add(o.uniques);
        }
        d
    }
}

/// The part of a date-keyed map before `at`, taken out of it.
fn take_before<V>(m: &mut BTreeMap<Date, V>, at: Date) -> BTreeMap<Date, V> {
    let after = m.split_off(&at);
    std::mem::replace(m, after)
}

fn take_days_before(s: &mut BTreeSet<Date>, at: Date) -> BTreeSet<Date> {
    let after = s.split_off(&at);
    std::mem::replace(s, after)
}

impl History {
    /// Splits a whole history at `at`: the settled part holds every date-keyed entry
    /// before `at` (days, snapshots, popular, CI days, partial and unknown marks,
    /// reconstructions, imported ranges clipped), the live part the rest and every
    /// per-history field (validators, CI caches, assets, collection times, unknown
    /// fields), naming `file` as its settled part with the digest of it. None when
    /// nothing is before `at`: the history stays as it is (whole, or a live part that
    /// keeps naming its settled part). Joining is the merge ([`History::join`]); the
    /// parts are disjoint.
    ///
    /// Assets stay live: they keep only the days a cumulative count rose, so they are
    /// small, and a total is the latest count, which a clipped asset would not know.
    pub fn split(mut self, at: Date, file: &str) -> (History, Option<History>) {
        if !self.has_before(at) {
            return (self, None);
        }
        let mut old = History::new(&self.repo);
        old.schema = self.schema;
        old.written_by.clone_from(&self.written_by);
        old.days = take_before(&mut self.days, at);
        old.stats = take_before(&mut self.stats, at);
        old.popular = take_before(&mut self.popular, at);
        old.ci = take_before(&mut self.ci, at);
        old.unknown = take_before(&mut self.unknown, at);
        old.ci_estimated = take_days_before(&mut self.ci_estimated, at);
        old.partial = take_days_before(&mut self.partial, at);
        old.reconstructed.stars = take_before(&mut self.reconstructed.stars, at);
        old.reconstructed.forks = take_before(&mut self.reconstructed.forks, at);
        old.imported = clip_imported(&mut self.imported, at);
        self.settled = Some(Settled { file: file.to_string(), before: at, digest: SettledDigest::of(&old) });
        (self, Some(old))
    }

    /// Whether any date-keyed entry is before `at`: a live part that has one cannot be
    /// split again without its settled part joined first.
    pub fn has_before(&self, at: Date) -> bool {
        let r = &self.reconstructed;
        self.days.range(..at).next().is_some()
            || self.stats.range(..at).next().is_some()
            || self.popular.range(..at).next().is_some()
            || self.ci.range(..at).next().is_some()
            || r.stars.range(..at).next().is_some()
            || r.forks.range(..at).next().is_some()
            || self.imported.values().flatten().any(|(a, _)| *a < at)
    }

    /// A whole history from a live part and its settled part: their merge, naming no
    /// settled file.
    pub fn join(live: &History, settled: &History) -> History {
        let mut h = live.merge(settled);
        h.settled = None;
        h
    }
}

/// Imported ranges before `at`, clipped, taken out of `imported`; those from `at` stay.
fn clip_imported(imported: &mut BTreeMap<String, Vec<(Date, Date)>>, at: Date) -> BTreeMap<String, Vec<(Date, Date)>> {
    let Ok(eve) = at.yesterday() else { return BTreeMap::new() };
    let mut old = BTreeMap::new();
    for (label, ranges) in std::mem::take(imported) {
        let before: Vec<(Date, Date)> =
            ranges.iter().filter(|(a, _)| *a < at).map(|(a, b)| (*a, (*b).min(eve))).collect();
        let after: Vec<(Date, Date)> =
            ranges.iter().filter(|(_, b)| *b >= at).map(|(a, b)| ((*a).max(at), *b)).collect();
        if !before.is_empty() {
            old.insert(label.clone(), before);
        }
        if !after.is_empty() {
            imported.insert(label, after);
        }
    }
    old
}

#[cfg(test)]
mod tests {
    use proptest::collection::vec;
    use proptest::option;
    use proptest::prelude::*;

    use super::*;

    fn d(s: &str) -> Date {
        s.parse().expect("test date")
    }
    fn ts(s: &str) -> Timestamp {
        s.parse().expect("test timestamp")
    }

    #[test]
    fn observation_window_fills_zero_days_and_keeps_present_edge() {
        let obs = Observation {
            views: vec![(d("2026-10-18"), 5, 2), (d("2026-11-01"), 3, 1)],
            clones: vec![(d("2026-10-25"), 7, 4)],
            ..Observation::default()
        };
        let h = History::from_observation("o/r", ts("2026-11-01T10:00:00Z"), &obs);
        // 14 days of window plus the present edge bucket of 2026-10-18.
        assert_eq!(h.days.len(), 15);
        assert_eq!(h.days.keys().next(), Some(&d("2026-10-18")));
        assert_eq!(h.days[&d("2026-10-19")], Traffic::default(), "absent day inside window is zero");
        assert_eq!(h.days[&d("2026-10-25")].clones, 7);
        assert_eq!(h.days[&d("2026-11-01")].views, 3);
        assert!(h.gaps().is_empty());
    }

    #[test]
    fn observation_zeroes_only_days_of_githubs_window() {
        // The run's clock says 11-02; GitHub's answers were dated 11-01.
        let obs = Observation { traffic_today: Some(d("2026-11-01")), ..Observation::default() };
        let h = History::from_observation("o/r", ts("2026-11-02T00:30:00Z"), &obs);
        assert_eq!(h.days.keys().next(), Some(&d("2026-10-19")));
        assert_eq!(h.days.keys().next_back(), Some(&d("2026-11-01")), "no zero for a day GitHub did not answer");
    }

    #[test]
    fn observation_without_edge_day_leaves_it_uncovered() {
        let h = History::from_observation("o/r", ts("2026-11-01T10:00:00Z"), &Observation::default());
        assert_eq!(h.days.keys().next(), Some(&d("2026-10-19")));
        assert_eq!(h.days.keys().next_back(), Some(&d("2026-11-01")));
    }

    #[test]
    fn merge_keeps_per_day_maximum_table() {
        let cases: &[(&[u64; 4], &[u64; 4], [u64; 4])] = &[
            (&[1, 1, 1, 1], &[2, 0, 3, 0], [2, 1, 3, 1]),
            (&[0, 0, 0, 0], &[0, 0, 0, 0], [0, 0, 0, 0]),
            (&[9, 8, 7, 6], &[1, 2, 3, 4], [9, 8, 7, 6]),
        ];
        for (a, b, want) in cases {
            let mut x = History::new("o/r");
            x.days.insert(d("2026-01-01"), Traffic::from(**a));
            let mut y = History::new("o/r");
            y.days.insert(d("2026-01-01"), Traffic::from(**b));
            assert_eq!(x.merge(&y).days[&d("2026-01-01")], Traffic::from(*want));
            assert_eq!(y.merge(&x).days[&d("2026-01-01")], Traffic::from(*want));
        }
    }

    #[test]
    fn gaps_are_reported_between_covered_days() {
        let mut h = History::new("o/r");
        for s in ["2026-01-01", "2026-01-02", "2026-01-05", "2026-01-07"] {
            h.days.insert(d(s), Traffic::default());
        }
        let gaps = h.gaps();
        assert_eq!(
            gaps,
            vec![
                Gap { first: d("2026-01-03"), last: d("2026-01-04") },
                Gap { first: d("2026-01-06"), last: d("2026-01-06") }
            ]
        );
        assert_eq!(gaps[0].to_string(), "2026-01-03..2026-01-04 (2 days)");
        assert_eq!(gaps[1].to_string(), "2026-01-06");
    }

    #[test]
    fn asset_counts_never_fall_and_deleted_assets_keep_their_count() {
        let obs = |n| Observation {
            assets: vec![ObservedAsset {
                id: 7,
                release: "v1".into(),
                name: "a.tgz".into(),
                downloads: n,
                published: None,
            }],
            ..Observation::default()
        };
        let a = History::from_observation("o/r", ts("2026-01-01T05:00:00Z"), &obs(10));
        let b = History::from_observation("o/r", ts("2026-01-02T05:00:00Z"), &obs(8));
        let c = History::from_observation("o/r", ts("2026-01-03T05:00:00Z"), &Observation::default());
        let m = a.merge(&b).merge(&c);
        assert_eq!(m.downloads(), 10);
        assert_eq!(m.assets[&7].counts.len(), 1, "a lower later count adds nothing");
        assert_eq!(m.assets[&7].seen, d("2026-01-02"));
    }

    #[test]
    fn check_no_loss_table() {
        let mut old = History::new("o/r");
        old.days.insert(d("2026-01-01"), Traffic::from([5, 2, 1, 1]));
        let mut same = old.clone();
        assert!(old.check_no_loss(&same).is_ok());
        same.days.insert(d("2026-01-02"), Traffic::default());
        assert!(old.check_no_loss(&same).is_ok(), "adding days is fine");
        let mut lower = old.clone();
        lower.days.insert(d("2026-01-01"), Traffic::from([4, 2, 1, 1]));
        assert!(old.check_no_loss(&lower).is_err());
        let empty = History::new("o/r");
        assert!(old.check_no_loss(&empty).expect_err("loses a day").to_string().contains("2026-01-01"));
        let mut partial = old.clone();
        partial.partial.insert(d("2026-01-01"));
        assert!(partial.check_no_loss(&old).is_ok(), "a partial day seen complete");
        assert!(matches!(old.check_no_loss(&partial), Err(Loss::DayIncomplete(_))));
    }

    #[test]
    fn parse_refuses_newer_schema_wrong_repo_and_garbage() {
        let mut h = History::new("o/r");
        h.days.insert(d("2026-01-01"), Traffic::from([1, 1, 0, 0]));
        let text = h.to_json();
        assert_eq!(History::parse(&text, "O/R").expect("parses"), h);
        assert!(matches!(History::parse(&text, "o/x"), Err(Error::WrongRepo { .. })));
        // Schema 3 is a split history's part: read, and held as schema 2.
        let split = text.replacen("\"schema\":2", "\"schema\":3", 1);
        assert_eq!(History::parse(&split, "o/r").expect("reads schema 3"), h);
        let newer = text.replacen("\"schema\":2", "\"schema\":4", 1);
        assert!(matches!(History::parse(&newer, "o/r"), Err(Error::NewerSchema { found: 4 })));
        assert!(matches!(History::parse("{\"schema\":1,", "o/r"), Err(Error::Json(_))));
        assert!(matches!(History::parse("", "o/r"), Err(Error::Json(_))));
    }

    #[test]
    fn fields_a_newer_gtt_wrote_survive_parse_merge_and_write() {
        let mut h = History::new("o/r");
        h.days.insert(d("2026-01-01"), Traffic::from([1, 1, 0, 0]));
        let text = h.to_json().replacen('{', r#"{"future":{"x":[1,2]},"also":"kept","#, 1);
        let p = History::parse(&text, "o/r").expect("parses");
        assert_eq!(p.extra.get("future"), Some(&serde_json::json!({"x": [1, 2]})));
        assert_eq!(p.extra.len(), 2, "only unknown fields are extra: {:?}", p.extra);
        assert_eq!(History::parse(&p.to_json(), "o/r").expect("again"), p, "written back");
        assert_eq!(h.merge(&p), p.merge(&h), "a merge keeps them, in any order");
        assert_eq!(h.merge(&p).extra, p.extra);
        let mut q = p.clone();
        q.extra.insert("also".into(), serde_json::json!("newer"));
        assert_eq!(p.merge(&q), q.merge(&p), "a field on both sides: one value, either order");
        // Every field this build writes is a known one: `every_field_written_is_a_known_one`.
    }

    #[test]
    fn ten_years_of_daily_collections_stay_well_under_a_megabyte() {
        let mut h = History::new("o/r");
        let mut at = ts("2016-01-01T03:17:00Z");
        let obs = Observation {
            views: vec![],
            clones: vec![],
            stats: Some((12_345, 678, 90, 12)),
            created_at: None,
            assets: vec![],
            referrers: (0..10)
                .map(|i| Referrer { referrer: format!("referrer-{i}.example.com"), count: 1234, uniques: 321 })
                .collect(),
            paths: (0..10)
                .map(|i| PopularPath {
                    path: format!("/octo/hello/blob/main/docs/page-{i}.md"),
                    title: format!("hello/page-{i}.md at main · octo/hello · GitHub"),
                    count: 1234,
                    uniques: 321,
                })
                .collect(),
            ..Observation::default()
        };
        for i in 0..3653i32 {
            let mut o = obs.clone();
            let day = utc_day(at);
            // Five CI runs a day, each with two checkouts, recounted over the window.
            let runs = (1..=14)
                .flat_map(|back| {
                    let run_day = add_days(day, -back).expect("d");
                    (0..5).map(move |k| ObservedRun {
                        id: u64::try_from((i - back) * 5 + k).unwrap_or(0),
                        checkouts: BTreeMap::from([(run_day, 2)]),
                        estimated: false,
                    })
                })
                .collect();
            o.ci = Some(CiObservation {
                first: add_days(day, -14).expect("d"),
                last: add_days(day, -1).expect("d"),
                runs,
                pages: BTreeMap::new(),
                source: CiSource::default(),
            });
            o.views.push((day, 1234, 321));
            o.clones.push((day, 56, 12));
            h = h.merge(&History::from_observation("o/r", at, &o));
            at = at.checked_add(jiff::SignedDuration::from_hours(24)).expect("ts");
        }
        let len = h.to_json().len();
        assert!(len < 500_000, "ten years of daily runs took {len} bytes");
        assert!(h.popular.len() < 90, "{} popular snapshots kept", h.popular.len());
    }

    /// A day of the 200 from 2026-01-01.
    fn day() -> impl Strategy<Value = Date> {
        (0..200i32).prop_map(|n| add_days(d("2026-01-01"), n).expect("d"))
    }

    /// Views and clones GitHub reported for one day.
    fn traffic() -> impl Strategy<Value = (Date, u64, u64, u64, u64)> {
        (day(), 0..50u64, 0..10u64, 0..50u64, 0..10u64)
    }

    fn asset() -> impl Strategy<Value = ObservedAsset> {
        (0..3u64, 0..2u8, 0..2u8, 0..100u64, 0..3i64).prop_map(|(id, release, name, downloads, published)| {
            ObservedAsset {
                id,
                release: format!("v{release}"),
                name: format!("f{name}"),
                downloads,
                // None (a draft, or an older history) or one of two publish times.
                published: (published > 0)
                    .then(|| Timestamp::from_second(1_700_000_000 + published).unwrap_or_default()),
            }
        })
    }

    /// CI runs counted over a five-day window: (run id, day offset, checkouts).
    fn ci() -> impl Strategy<Value = CiObservation> {
        (day(), vec((0..6u64, 0..5i32, 0..3u64, any::<bool>()), 0..4), 0..2u64).prop_map(|(first, runs, pages)| {
            CiObservation {
                first,
                last: add_days(first, 4).expect("d"),
                runs: runs
                    .into_iter()
                    .map(|(id, at, n, estimated)| ObservedRun {
                        id,
                        checkouts: BTreeMap::from([(add_days(first, at).expect("d"), n)]),
                        estimated,
                    })
                    .collect(),
                pages: BTreeMap::from([(first, pages)]),
                source: CiSource::default(),
            }
        })
    }

    /// Conditional-request answers: (endpoint, ETag, value).
    fn validators() -> impl Strategy<Value = Vec<(usize, u8, u64)>> {
        vec((0..6usize, 0..3u8, 0..2u64), 0..3)
    }

    /// What one run observed, at some hour of 900 days.
    fn observation() -> impl Strategy<Value = (Timestamp, Observation)> {
        (
            0..24 * 900i64,
            vec(traffic(), 0..6),
            option::of((0..9u64, 0..9u64, 0..9u64, 0..9u64)),
            vec(asset(), 0..3),
            option::of(ci()),
            option::of((0..3u8, 0..9u64)),
            validators(),
        )
            .prop_map(|(hours, traffic, stats, assets, ci, referrer, validators)| {
                let at = ts("2026-01-01T00:00:00Z").checked_add(jiff::SignedDuration::from_hours(hours)).expect("ts");
                let mut obs = Observation { stats, assets, ci, ..Observation::default() };
                for (day, v, vu, c, cu) in traffic {
                    obs.views.push((day, v, vu));
                    obs.clones.push((day, c, cu));
                }
                obs.referrers.extend(referrer.map(|(r, count)| Referrer {
                    referrer: format!("r{r}"),
                    count,
                    uniques: 1,
                }));
                for (key, etag, value) in validators {
                    let key = ["repo", "views", "releases", "releases-2", "workflow:a", "workflow:b"][key].to_string();
                    let etag = format!("W/\"{etag}\"");
                    obs.validators.insert(key, Validator { at, etag, value: serde_json::json!([value]) });
                }
                (at, obs)
            })
    }

    /// One run's history (its last day partial); a third of them imported, with some
    /// figures of some days unknown (`bits` on the days `mask` picks) and the days
    /// `partial` picks only seen in progress (a gtt CSV with `partial` set, say).
    fn fragment() -> impl Strategy<Value = History> {
        (observation(), option::weighted(1.0 / 3.0, (0..2u8, 0..16u8, any::<u64>(), any::<u64>()))).prop_map(
            |((at, obs), import)| {
                let mut f = History::from_observation("o/r", at, &obs);
                if let Some((label, bits, mask, partial)) = import {
                    f.mark_imported(&format!("import{label}"));
                    f.partial.clear();
                    let days: Vec<Date> = f.days.keys().copied().collect();
                    for (i, day) in days.into_iter().enumerate() {
                        if bits != 0 && mask & (1 << (i % 64)) != 0 {
                            f.unknown.insert(day, bits);
                        }
                        if partial & (1 << (i % 64)) != 0 {
                            f.partial.insert(day);
                        }
                        // A reconstruction on some days, the odd ones landing on a
                        // collected snapshot's day.
                        if mask & (1 << ((i + 7) % 64)) != 0 {
                            f.reconstructed.stars.insert(day, mask % 97 + i as u64);
                            f.reconstructed.forks.insert(day, partial % 13);
                        }
                    }
                    for day in f.stats.keys().copied().collect::<Vec<_>>() {
                        f.reconstructed.stars.insert(day, mask % 1000);
                    }
                }
                f
            },
        )
    }

    /// A stored history: up to 11 runs merged.
    fn history() -> impl Strategy<Value = History> {
        vec(fragment(), 0..12).prop_map(|runs| runs.iter().fold(History::new("o/r"), |h, f| h.merge(f)))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn merge_is_commutative(a in history(), b in history()) {
            prop_assert_eq!(a.merge(&b), b.merge(&a));
        }

        #[test]
        fn merge_is_associative(a in history(), b in history(), c in history()) {
            prop_assert_eq!(a.merge(&b).merge(&c), a.merge(&b.merge(&c)));
        }

        #[test]
        fn a_collected_snapshot_always_beats_a_reconstruction(a in history(), b in history()) {
            let m = a.merge(&b);
            for (day, s) in &m.stats {
                let c = m.counters_on(*day);
                prop_assert_eq!(c.map(|c| (c.stars, c.forks, c.reconstructed)), Some((Some(s.stars), Some(s.forks), false)));
            }
            for day in m.reconstructed.stars.keys().filter(|d| !m.stats.contains_key(d)) {
                let c = m.counters_on(*day);
                prop_assert_eq!(c.map(|c| (c.watchers, c.open_issues, c.reconstructed)), Some((None, None, true)));
            }
        }

        #[test]
        fn merge_is_idempotent(a in history()) {
            prop_assert_eq!(a.merge(&a), a);
        }

        #[test]
        fn re_applying_a_run_changes_nothing(a in history(), b in history()) {
            prop_assert_eq!(a.merge(&b).merge(&b), a.merge(&b));
        }

        #[test]
        fn a_merge_never_loses_stored_days(a in history(), b in history()) {
            prop_assert!(a.check_no_loss(&a.merge(&b)).is_ok());
        }

        /// A day is partial in the merge iff it is covered and no side saw it complete:
        /// a day seen complete never turns partial again.
        #[test]
        fn a_day_is_partial_until_someone_sees_it_complete(a in history(), b in history()) {
            let m = a.merge(&b);
            prop_assert!(m.partial.iter().all(|d| m.days.contains_key(d)));
            for d in m.days.keys() {
                prop_assert_eq!(m.complete(*d), a.complete(*d) || b.complete(*d), "{}", d);
            }
        }

        #[test]
        fn a_ci_day_is_estimated_until_some_side_reads_it(a in history(), b in history()) {
            let m = a.merge(&b);
            for (d, c) in &m.ci {
                let read = |h: &History| h.ci.contains_key(d) && !h.ci_estimated.contains(d);
                prop_assert_eq!(m.ci_estimated.contains(d), !read(&a) && !read(&b));
                let from = |h: &History| h.ci.get(d).copied().filter(|_| read(h) != m.ci_estimated.contains(d));
                prop_assert!(from(&a).or(from(&b)).is_some_and(|x| x.checkouts <= c.checkouts));
            }
            prop_assert!(m.ci_estimated.iter().all(|d| m.ci.contains_key(d)));
        }

        #[test]
        fn the_stored_form_round_trips(a in history()) {
            let round = History::parse(&a.to_json(), "o/r").expect("round trip");
            prop_assert_eq!(round, a);
        }

        /// Every field this build writes is a known one, so none is read back as extra.
        #[test]
        fn every_field_written_is_a_known_one(mut full in history()) {
            full.imported.insert("x".into(), vec![(d("2026-01-01"), d("2026-01-02"))]);
            full.unknown.insert(d("2026-01-01"), 1);
            full.days.entry(d("2026-01-02")).or_default();
            full.partial.insert(d("2026-01-02"));
            full.created_at = Some(ts("2020-01-01T00:00:00Z"));
            full.validators.insert(
                "views".into(),
                Validator { at: ts("2026-01-01T00:00:00Z"), etag: "e".into(), value: serde_json::json!(1) },
            );
            let v = serde_json::to_value(&full).expect("value");
            for key in v.as_object().expect("object").keys() {
                prop_assert!(KNOWN_FIELDS.contains(&key.as_str()), "{} is missing from KNOWN_FIELDS", key);
            }
        }
    }

    #[test]
    fn workflow_files_not_asked_for_16_days_are_forgotten() {
        let v = |at: &str| Validator { at: ts(at), etag: "e".into(), value: serde_json::json!({}) };
        let mut a = History::new("o/r");
        a.validators.insert("workflow:old".into(), v("2026-01-01T00:00:00Z"));
        a.validators.insert("repo".into(), v("2026-01-01T00:00:00Z"));
        let mut b = History::new("o/r");
        b.validators.insert("workflow:new".into(), v("2026-01-20T00:00:00Z"));
        let m = a.merge(&b);
        assert_eq!(m.validators.keys().collect::<Vec<_>>(), ["repo", "workflow:new"]);
    }

    #[test]
    fn release_pages_older_than_the_first_are_forgotten() {
        let v = |at: &str| Validator { at: ts(at), etag: "e".into(), value: serde_json::json!([]) };
        let mut a = History::new("o/r");
        for key in ["releases", "releases-2", "releases-3"] {
            a.validators.insert(key.into(), v("2026-01-01T00:00:00Z"));
        }
        let mut b = History::new("o/r");
        for key in ["releases", "releases-2"] {
            b.validators.insert(key.into(), v("2026-01-02T00:00:00Z"));
        }
        for m in [a.merge(&b), b.merge(&a)] {
            assert_eq!(m.validators.keys().collect::<Vec<_>>(), ["releases", "releases-2"]);
        }
        assert_eq!(a.clone().normalized().validators.len(), 3, "pages of the newest first page stay");
    }

    #[test]
    fn a_figure_is_unknown_only_until_some_source_observes_it() {
        let day = d("2026-01-05");
        let mut views_only = History::new("o/r");
        views_only.days.insert(day, Traffic::from([10, 3, 0, 0]));
        views_only.unknown.insert(day, UNKNOWN_CLONES | UNKNOWN_CLONES_UNIQUES);
        let mut clones_only = History::new("o/r");
        clones_only.days.insert(day, Traffic::from([0, 0, 4, 2]));
        clones_only.unknown.insert(day, UNKNOWN_VIEWS | UNKNOWN_VIEWS_UNIQUES);
        let both = views_only.merge(&clones_only);
        assert_eq!(both.unknown_on(day), 0);
        assert_eq!(both.days[&day], Traffic::from([10, 3, 4, 2]));
        let other_day = History::from_observation("o/r", ts("2026-02-01T00:00:00Z"), &Observation::default());
        assert_eq!(views_only.merge(&other_day).unknown_on(day), UNKNOWN_CLONES | UNKNOWN_CLONES_UNIQUES);
        let collected = History::from_observation("o/r", ts("2026-01-10T00:00:00Z"), &Observation::default());
        assert_eq!(views_only.merge(&collected).unknown_on(day), 0, "a collection observed every figure");
    }

    #[test]
    fn an_observation_sees_githubs_today_in_progress_and_the_window_complete() {
        let obs = Observation { traffic_today: Some(d("2026-11-01")), ..Observation::default() };
        let h = History::from_observation("o/r", ts("2026-11-02T00:30:00Z"), &obs);
        assert_eq!(h.partial, BTreeSet::from([d("2026-11-01")]), "GitHub's today, not the run clock's");
        assert!(h.complete(d("2026-10-31")) && h.complete(d("2026-10-19")));
        let next = History::from_observation("o/r", ts("2026-11-02T12:00:00Z"), &Observation::default());
        let m = h.merge(&next);
        assert_eq!(m.partial, BTreeSet::from([d("2026-11-02")]), "a later run saw 11-01 complete");
        assert_eq!(next.merge(&h), m);
        let later = History::from_observation("o/r", ts("2026-12-01T12:00:00Z"), &Observation::default());
        assert!(m.merge(&later).partial.contains(&d("2026-11-02")), "the last day before a gap stays partial");
    }

    #[test]
    fn a_schema_1_history_is_migrated_to_partial_days() {
        // Runs at noon on 01-01..01-05, a 20-day hole, then a run on 01-26.
        let mut h = History::new("o/r");
        for day in ["2026-01-01", "2026-01-02", "2026-01-03", "2026-01-04", "2026-01-05", "2026-01-26"] {
            let at = ts(&format!("{day}T12:00:00Z"));
            let obs = Observation { stats: Some((1, 0, 0, 0)), ..Observation::default() };
            h = h.merge(&History::from_observation("o/r", at, &obs));
        }
        assert_eq!(h.partial, BTreeSet::from([d("2026-01-05"), d("2026-01-26")]));
        // The same history as schema 1 wrote it: no `partial`, and one imported range.
        let mut old = History { partial: BTreeSet::new(), schema: 1, ..h.clone() };
        old.days.insert(d("2025-11-01"), Traffic::default());
        old.days.insert(d("2025-11-02"), Traffic::default());
        old.imported.insert("x".into(), vec![(d("2025-11-01"), d("2025-11-01"))]);
        let text = serde_json::to_string(&old).expect("json");
        assert!(!text.contains("partial") && text.starts_with("{\"schema\":1,"));
        let read = History::parse(&text, "o/r").expect("reads schema 1");
        assert_eq!(read.schema, SCHEMA);
        // (day, partial after the migration)
        let cases = [
            ("2025-11-01", false), // imported: as its source stated it
            ("2025-11-02", true),  // no run within 14 days after it
            ("2025-12-19", false), // seen complete by the 01-01 run (14 days later)
            ("2026-01-01", false), // seen complete by the 01-02 run
            ("2026-01-04", false),
            ("2026-01-05", true),  // the last day before the hole
            ("2026-01-12", false), // seen complete by the 01-26 run
            ("2026-01-25", false),
            ("2026-01-26", true), // the last day
        ];
        for (day, partial) in cases {
            assert_eq!(read.partial.contains(&d(day)), partial, "{day}");
        }
        assert!(read.days.keys().all(|day| read.partial.contains(day) != read.complete(*day)));
        let again = History::parse(&read.to_json(), "o/r").expect("schema 2");
        assert_eq!(again, read, "a schema-2 file is not migrated again");
    }

    #[test]
    fn import_ranges_are_canonical() {
        let r = |a: &str, b: &str| (d(a), d(b));
        let cases = [
            (vec![], vec![r("2026-01-01", "2026-01-03")], vec![r("2026-01-01", "2026-01-03")]),
            (
                vec![r("2026-01-01", "2026-01-03")],
                vec![r("2026-01-04", "2026-01-05"), r("2026-01-09", "2026-01-09")],
                vec![r("2026-01-01", "2026-01-05"), r("2026-01-09", "2026-01-09")],
            ),
            (
                vec![r("2026-01-05", "2026-01-09")],
                vec![r("2026-01-01", "2026-01-06")],
                vec![r("2026-01-01", "2026-01-09")],
            ),
        ];
        for (a, b, want) in cases {
            assert_eq!(union_ranges(&a, b), want);
        }
    }

    #[test]
    fn popular_snapshots_are_thinned_deterministically() {
        let mut h = History::new("o/r");
        let mut day = d("2020-01-01");
        for i in 0..2000 {
            let at = day.to_zoned(jiff::tz::TimeZone::UTC).expect("z").timestamp();
            h.popular.insert(day, Popular { at, referrers: vec![], paths: vec![] });
            day = add_days(day, 1).expect("d");
            let _ = i;
        }
        let thinned = thin_popular(h.popular.clone());
        assert!(thinned.len() < 31 + 14 + 2000 / 84 + 2, "kept {}", thinned.len());
        assert_eq!(thin_popular(thinned.clone()), thinned);
        assert_eq!(thinned.keys().next_back(), h.popular.keys().next_back());
    }

    #[test]
    fn a_collected_snapshot_beats_a_reconstruction_and_the_join_holds() {
        let day: Date = "2024-01-02".parse().expect("day");
        let mut rebuilt = History::new("o/r");
        rebuilt.reconstructed.stars.insert(day, 9);
        let mut other = History::new("o/r");
        other.reconstructed.stars.insert(day, 7);
        other.reconstructed.forks.insert(day, 1);
        let mut collected = History::new("o/r");
        let at: Timestamp = "2024-01-02T10:00:00Z".parse().expect("ts");
        collected.stats.insert(day, RepoStats { at, stars: 5, forks: 2, watchers: 3, open_issues: 4 });
        let all = rebuilt.merge(&other).merge(&collected);
        assert_eq!(all, collected.merge(&other).merge(&rebuilt), "commutative and associative");
        assert_eq!(all.merge(&all), all, "idempotent");
        let c = all.counters_on(day).expect("counters");
        assert_eq!((c.stars, c.watchers, c.reconstructed), (Some(5), Some(3), false));
        let r = rebuilt.merge(&other).counters_on(day).expect("counters");
        assert_eq!((r.stars, r.forks, r.watchers, r.reconstructed), (Some(9), Some(1), None, true));
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// A split loses nothing: its parts join back to the history, each part reads
        /// back from its file as written, and the digest is what the settled days say.
        #[test]
        fn a_split_history_joins_back_and_its_parts_read_back(h in history(), at in day()) {
            let (live, settled) = h.clone().split(at, "s.json");
            let Some(settled) = settled else {
                prop_assert_eq!(&live, &h);
                prop_assert!(h.days.keys().chain(h.stats.keys()).chain(h.popular.keys()).all(|d| *d >= at));
                return Ok(());
            };
            prop_assert_eq!(History::join(&live, &settled), h.clone());
            prop_assert_eq!(History::join(&settled, &live), h.clone());
            prop_assert!(settled.days.keys().all(|d| *d < at) && live.days.keys().all(|d| *d >= at));
            for part in [&live, &settled] {
                prop_assert_eq!(&History::parse(&part.to_json(), "o/r").expect("parse"), part);
            }
            let digest = &live.settled.as_ref().expect("named").digest;
            prop_assert_eq!(digest.covered_days + live.days.len(), h.days.len());
            let t = h.totals();
            let (a, b) = (digest.total, live.totals());
            prop_assert_eq!(a.views + b.views, t.views);
            prop_assert_eq!(a.clones_uniques + b.clones_uniques, t.clones_uniques);
            let organic: u64 = h.days.keys().map(|d| h.organic(*d).unwrap_or_default().clones).sum();
            let live_organic: u64 = live.days.keys().map(|d| live.organic(*d).unwrap_or_default().clones).sum();
            prop_assert_eq!(digest.organic_clones + live_organic, organic);
        }

        /// The archive sum reads the same from the live part and its digest as from the
        /// whole history, for any end the settled days all precede; for an earlier end
        /// only the whole history tells; and a value raised before the end changes it.
        #[test]
        fn the_archive_sum_does_not_depend_on_the_split(h in history(), at in day(), end in day()) {
            let (live, settled) = h.clone().split(at, "s.json");
            let whole = h.archive_sum(end);
            prop_assert!(whole.is_some());
            if settled.is_none() || end >= at.yesterday().expect("day") {
                prop_assert_eq!(live.archive_sum(end), whole);
            } else {
                prop_assert_eq!(live.archive_sum(end), None);
            }
            if let Some((d, t)) = h.days.range(..=end).next_back() {
                let mut raised = h.clone();
                raised.days.insert(*d, Traffic { views: t.views + 1, ..*t });
                prop_assert_ne!(raised.archive_sum(end), whole);
            }
        }

        /// Splitting again at a later date (the next year's run) joins back the same.
        #[test]
        fn a_resplit_history_joins_back(h in history(), a in day(), b in day()) {
            let (first, second) = (a.min(b), a.max(b));
            let (live, settled) = h.clone().split(first, "s.json");
            let whole = settled.map_or(live.clone(), |s| History::join(&live, &s));
            let (live, settled) = whole.split(second, "s.json");
            prop_assert_eq!(settled.map_or(live.clone(), |s| History::join(&live, &s)), h);
        }
    }
}
