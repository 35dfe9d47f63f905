//! Importers: other traffic tools' files, and gtt's own exports, as history fragments.
//!
//! [`import`] is pure: it takes a file's name and its content, detects the format **by
//! content** (the name only appears in messages, and is a fallback for the repository
//! where a format does not carry one), and returns one [`History`] fragment per repository
//! found. Fragments merge into stored history with [`History::merge`] like any collection:
//! per-day maximum, nothing lowered, gaps stay gaps unless the import covers them.
//!
//! | [`Format`] | file | shape read from |
//! |---|---|---|
//! | `Ghtraf` | ghtraf `state.json`, `schemaVersion` 3 and the v1/v2 shapes it migrates from | its workflow template (`traffic-badges.yml`: state, section 2.5 migrations) |
//! | `GhtrafArchive` | ghtraf `archive-YYYY-MM.json` | the same workflow, section 9 (`repo`, `period`, `cumulativeTotals`, `monthSummary`, `dailyHistory`) |
//! | `Gitratra` | GiTraTra's `gitratra_v1` text file, several repositories | `gitratra.py` (`write_data` / `read_data`) |
//! | `RepoStatsCsv` | github-repo-stats `views_clones_aggregate.csv` (and its `*_views_clones_series_fragment.csv`) | `fetch.py` / `analyze.py` (`time_iso8601,clones_total,clones_unique,views_total,views_unique`) |
//! | `RepoStatsStargazers` | github-repo-stats `stargazers.csv` (`stars_cumulative`) or `stargazer-snapshots.csv` (`stargazers_cumulative_snapshot`) | `fetch.py` |
//! | `RepoStatsForks` | github-repo-stats `forks.csv` (`forks_cumulative`) | `fetch.py` |
//! | `TrafficActionViews` / `TrafficActionClones` | repository-traffic-action `views.csv` / `clones.csv` (`_date,total_*,unique_*`) | its `main.py` / `repostats.py` (pandas) |
//! | `TrafficToBadge` | traffic-to-badge `traffic-NAME/traffic_views.json`, `traffic_clones.json` | its `src/traffic.js`, `src/util.js` (`{count, uniques, views/clones: [{timestamp, count, uniques}]}`) |
//! | `CloneCountBadge` | github-clone-count-badge `clone.json` | its workflow: the raw `GET /repos/{repo}/traffic/clones` answer |
//! | `GttCsv` / `GttJson` | `gtt export --format csv` / `--format json`, and a stored history file | [`crate::csv`], [`crate::export_json`], [`History`] |
//!
//! Rules every importer follows:
//! - A day enters `days` only where the source has a row or an entry for it; a row that
//!   holds no figure at all (pandas' empty `NaN` cells) is skipped, not read as zero. A
//!   source that states a day with 0 gives a covered day of 0.
//! - Only per-day figures are read. Totals a source keeps (ghtraf's `totalUniqueClones`,
//!   the `count`/`uniques` heading an API answer, archive summaries) are ignored: uniques
//!   are never summed across days.
//! - Day buckets must be UTC days: `YYYY-MM-DD`, `YYYY-MM-DDT00:00:00Z`, `+00:00`, with a
//!   space instead of `T`, or a naive `YYYY-MM-DD 00:00:00` (pandas' and PyGithub's UTC).
//!   A bucket that does not start at 00:00 UTC (`00:00:00+02:00`) is refused: it would land
//!   on the wrong day. Point-in-time events (a star, a fork, a snapshot) may carry any
//!   offset and count for their UTC day.
//! - A figure a source does not have becomes 0 in a covered day, because a day's four
//!   figures are stored together: `views.csv` alone covers its days with 0 clones, ghtraf
//!   entries written before it kept uniques have 0 uniques, ghtraf never kept watchers.
//!   The per-day maximum means such a 0 never lowers anything another source brings.
//! - Repository counters that come from a source without a collection time (stars and
//!   forks series, snapshots without `capturedAt` on their day, gtt's CSV) are stamped
//!   00:00 UTC of their day, so any snapshot gtt itself took that day takes precedence.
//!   A stars series cannot know forks (and the reverse): [`combine`] joins such fragments
//!   field by field.
//! - Not imported: release downloads as daily deltas (ghtraf, the CSV's `downloads`
//!   column) since gtt keeps cumulative counts per asset; counters like ghtraf's
//!   `trackingSince`, which would make gtt's first collection look like the first day.
//!
//! Repositories: formats that name one use it (`owner/name`); a bare name (GiTraTra's
//! `>hello`, traffic-to-badge's `traffic-hello/` folder) takes the owner of `repo_hint`
//! (`owner` or any `owner/name` of that owner); formats that name none take `repo_hint`,
//! which must then be `owner/name`. A single-repository file naming another repository
//! than an `owner/name` hint is refused, so a file is never merged into the wrong history.

use std::collections::BTreeMap;
use std::fmt;

use jiff::Timestamp;
use jiff::civil::{Date, DateTime, Time, Weekday};
use jiff::tz::TimeZone;
use serde_json::{Map, Value};

use crate::history::{self, CiDay, History, Popular, PopularPath, Referrer, RepoStats, Traffic};

/// The formats [`import`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Format {
    /// ghtraf's `state.json` (schemaVersion 3 and the earlier shapes it migrates from).
    Ghtraf,
    /// ghtraf's monthly `archive-YYYY-MM.json`.
    GhtrafArchive,
    /// GiTraTra's `gitratra_v1` text file.
    Gitratra,
    /// github-repo-stats' `views_clones_aggregate.csv` (or a series fragment).
    RepoStatsCsv,
    /// github-repo-stats' stargazer series or snapshots CSV.
    RepoStatsStargazers,
    /// github-repo-stats' forks series CSV.
    RepoStatsForks,
    /// repository-traffic-action's `views.csv`.
    TrafficActionViews,
    /// repository-traffic-action's `clones.csv`.
    TrafficActionClones,
    /// traffic-to-badge's `traffic_views.json` / `traffic_clones.json`.
    TrafficToBadge,
    /// github-clone-count-badge's `clone.json` (one traffic API answer).
    CloneCountBadge,
    /// `gtt export --format csv`.
    GttCsv,
    /// `gtt export --format json`, or a stored gtt history file.
    GttJson,
}

impl Format {
    pub const ALL: [Format; 12] = [
        Format::Ghtraf,
        Format::GhtrafArchive,
        Format::Gitratra,
        Format::RepoStatsCsv,
        Format::RepoStatsStargazers,
        Format::RepoStatsForks,
        Format::TrafficActionViews,
        Format::TrafficActionClones,
        Format::TrafficToBadge,
        Format::CloneCountBadge,
        Format::GttCsv,
        Format::GttJson,
    ];

    /// What the format is, for messages.
    pub fn describe(self) -> &'static str {
        match self {
            Format::Ghtraf => "ghtraf state.json",
            Format::GhtrafArchive => "ghtraf archive-YYYY-MM.json",
            Format::Gitratra => "GiTraTra gitratra_v1 file",
            Format::RepoStatsCsv => "github-repo-stats views_clones_aggregate.csv",
            Format::RepoStatsStargazers => "github-repo-stats stargazers CSV",
            Format::RepoStatsForks => "github-repo-stats forks CSV",
            Format::TrafficActionViews => "repository-traffic-action views.csv",
            Format::TrafficActionClones => "repository-traffic-action clones.csv",
            Format::TrafficToBadge => "traffic-to-badge traffic data JSON",
            Format::CloneCountBadge => "github-clone-count-badge clone.json",
            Format::GttCsv => "gtt CSV export",
            Format::GttJson => "gtt JSON export",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.describe())
    }
}

/// What one file held: one history fragment per repository, in the order first met.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub format: Format,
    pub histories: Vec<History>,
}

/// Why a file cannot be imported. Displays as `FILE:LINE: field `x`: message`, each part
/// present when known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    pub file: String,
    /// 1-based line of a text format, or where JSON stopped being valid.
    pub line: Option<usize>,
    /// A column name, or a path into JSON (`dailyHistory[3].clones`).
    pub field: Option<String>,
    pub message: String,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        f.write_str(": ")?;
        if let Some(field) = &self.field {
            write!(f, "field `{field}`: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// Detects the format of `content` (see the module documentation), parses it, and returns
/// one history fragment per repository. `file` names the file in errors (and, for
/// traffic-to-badge, its `traffic-NAME/` folder is a fallback for the repository name);
/// `repo_hint` is the repository (`owner/name`) to attribute data to when the file names
/// none, or the owner of the bare names some formats use.
pub fn import(file: &str, content: &str, repo_hint: Option<&str>) -> Result<Imported, Error> {
    let ctx = Ctx { file };
    let hint = Hint::parse(&ctx, repo_hint)?;
    let content = content.strip_prefix('\u{feff}').unwrap_or(content);
    let sniffed = sniff(&ctx, content)?;
    let Some(format) = detect_sniffed(&sniffed) else {
        return Err(unknown(&ctx, &sniffed));
    };
    let histories = match (&sniffed, format) {
        (Sniffed::Json(Value::Object(root)), Format::Ghtraf) => ghtraf(&ctx, root, &hint, false)?,
        (Sniffed::Json(Value::Object(root)), Format::GhtrafArchive) => ghtraf(&ctx, root, &hint, true)?,
        (Sniffed::Json(Value::Object(root)), Format::TrafficToBadge | Format::CloneCountBadge) => {
            api_answer(&ctx, root, &hint)?
        }
        (Sniffed::Json(Value::Object(root)), Format::GttJson) => gtt_json(&ctx, root, &hint)?,
        (_, Format::Gitratra) => gitratra(&ctx, content, &hint)?,
        (_, Format::RepoStatsCsv) => repo_stats(&ctx, content, &hint)?,
        (_, Format::RepoStatsStargazers) => counters(&ctx, content, &hint, Counter::Stars)?,
        (_, Format::RepoStatsForks) => counters(&ctx, content, &hint, Counter::Forks)?,
        (_, Format::TrafficActionViews) => traffic_action(&ctx, content, &hint, Metric::Views)?,
        (_, Format::TrafficActionClones) => traffic_action(&ctx, content, &hint, Metric::Clones)?,
        (_, Format::GttCsv) => gtt_csv(&ctx, content)?,
        _ => return Err(unknown(&ctx, &sniffed)),
    };
    Ok(Imported { format, histories: histories.into_iter().map(History::normalized).collect() })
}

/// The format [`import`] would read `content` as, if any.
pub fn detect(content: &str) -> Option<Format> {
    let content = content.strip_prefix('\u{feff}').unwrap_or(content);
    sniff(&Ctx { file: "" }, content).ok().as_ref().and_then(detect_sniffed)
}

/// [`History::merge`], except that two repository snapshots of the same day stamped at the
/// same instant are joined field by field instead of one replacing the other. Imported
/// counters without a collection time are all stamped 00:00 UTC, so this joins a stars
/// series and a forks series of the same repository into one snapshot per day; a snapshot
/// gtt took itself (later that day) still wins, as with `merge`.
pub fn combine(a: &History, b: &History) -> History {
    let mut m = a.merge(b);
    for (d, s) in &mut m.stats {
        if let (Some(x), Some(y)) = (a.stats.get(d), b.stats.get(d)) {
            if x.at == y.at && s.at == x.at {
                *s = RepoStats {
                    at: x.at,
                    stars: x.stars.max(y.stars),
                    forks: x.forks.max(y.forks),
                    watchers: x.watchers.max(y.watchers),
                    open_issues: x.open_issues.max(y.open_issues),
                };
            }
        }
    }
    m
}

// ---------------------------------------------------------------------------------------
// Errors, repositories, dates and numbers

struct Ctx<'a> {
    file: &'a str,
}

impl Ctx<'_> {
    fn error(&self, line: Option<usize>, field: Option<&str>, message: impl Into<String>) -> Error {
        Error {
            file: self.file.to_string(),
            line,
            field: field.map(str::to_string),
            message: message.into(),
        }
    }
    fn whole(&self, message: impl Into<String>) -> Error {
        self.error(None, None, message)
    }
    fn line(&self, line: usize, message: impl Into<String>) -> Error {
        self.error(Some(line), None, message)
    }
    fn cell(&self, line: usize, field: &str, message: impl Into<String>) -> Error {
        self.error(Some(line), Some(field), message)
    }
    fn field(&self, field: &str, message: impl Into<String>) -> Error {
        if field.is_empty() { self.whole(message) } else { self.error(None, Some(field), message) }
    }
}

/// A value quoted in a message: at most 40 characters, control characters escaped.
fn show(s: &str) -> String {
    let mut out: String = s.chars().take(40).flat_map(char::escape_debug).collect();
    if s.chars().nth(40).is_some() {
        out.push('…');
    }
    out
}

fn show_json(v: &Value) -> String {
    show(&serde_json::to_string(v).unwrap_or_default())
}

fn valid_owner(o: &str) -> bool {
    (1..=39).contains(&o.len()) && !o.starts_with('-') && o.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
}

fn valid_name(n: &str) -> bool {
    (1..=100).contains(&n.len())
        && n != "."
        && n != ".."
        && n.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// `owner/name` as GitHub allows them (the rules of `config::parse_repos`).
fn valid_repo(r: &str) -> bool {
    r.split_once('/').is_some_and(|(o, n)| valid_owner(o) && valid_name(n))
}

enum Hint {
    None,
    Owner(String),
    Repo(String),
}

impl Hint {
    fn parse(ctx: &Ctx<'_>, hint: Option<&str>) -> Result<Hint, Error> {
        let Some(h) = hint.map(str::trim).filter(|h| !h.is_empty()) else {
            return Ok(Hint::None);
        };
        if valid_repo(h) {
            Ok(Hint::Repo(h.to_string()))
        } else if valid_owner(h) {
            Ok(Hint::Owner(h.to_string()))
        } else {
            Err(ctx.whole(format!("repository hint `{}` is neither owner/name nor an owner", show(h))))
        }
    }

    fn owner(&self) -> Option<&str> {
        match self {
            Hint::None => None,
            Hint::Owner(o) => Some(o),
            Hint::Repo(r) => r.split_once('/').map(|(o, _)| o),
        }
    }
}

/// The repository of a file that does not name one: the hint, or the hint's owner with a
/// bare name found elsewhere (a folder name).
fn unnamed_repo(ctx: &Ctx<'_>, hint: &Hint, bare: Option<&str>) -> Result<String, Error> {
    if let Hint::Repo(r) = hint {
        return Ok(r.clone());
    }
    if let (Some(owner), Some(name)) = (hint.owner(), bare) {
        let full = format!("{owner}/{name}");
        if valid_repo(&full) {
            return Ok(full);
        }
    }
    Err(ctx.whole(match hint.owner() {
        Some(owner) => format!(
            "the file does not name its repository: give the repository as owner/name (e.g. {owner}/NAME), not only the owner"
        ),
        None => "the file does not name its repository: give the repository (owner/name) to import it into".to_string(),
    }))
}

/// A repository a file names: `owner/name` as is, a bare name under the hint's owner. A
/// single-repository file must not name another repository than an `owner/name` hint.
fn named_repo(
    ctx: &Ctx<'_>,
    named: &str,
    hint: &Hint,
    single: bool,
    line: Option<usize>,
    field: &str,
) -> Result<String, Error> {
    let named = named.trim();
    if named.contains('/') {
        if !valid_repo(named) {
            return Err(ctx.error(line, Some(field), format!("`{}` is not a repository (owner/name)", show(named))));
        }
        if let (true, Hint::Repo(r)) = (single, hint) {
            if !r.eq_ignore_ascii_case(named) {
                return Err(ctx.error(line, Some(field), format!("holds the history of {named}, not of {r}")));
            }
        }
        return Ok(named.to_string());
    }
    if !valid_name(named) {
        return Err(ctx.error(line, Some(field), format!("`{}` is not a repository name", show(named))));
    }
    match hint.owner() {
        Some(owner) => Ok(format!("{owner}/{named}")),
        None => Err(ctx.error(
            line,
            Some(field),
            format!(
                "repository `{named}` is named without its owner: give the owner (or any owner/name of that owner) as the repository hint"
            ),
        )),
    }
}

/// Histories by repository (case-insensitive, as GitHub), in the order first met.
#[derive(Default)]
struct Repos {
    order: Vec<String>,
    map: BTreeMap<String, History>,
}

impl Repos {
    fn get(&mut self, repo: &str) -> &mut History {
        let key = repo.to_ascii_lowercase();
        if !self.map.contains_key(&key) {
            self.order.push(key.clone());
        }
        self.map.entry(key).or_insert_with(|| History::new(repo))
    }

    fn into_vec(mut self) -> Vec<History> {
        self.order.iter().filter_map(|k| self.map.remove(k)).collect()
    }
}

fn add_views(h: &mut History, day: Date, count: u64, uniques: u64) {
    let t = h.days.entry(day).or_default();
    t.views = t.views.max(count);
    t.views_uniques = t.views_uniques.max(uniques);
}

fn add_clones(h: &mut History, day: Date, count: u64, uniques: u64) {
    let t = h.days.entry(day).or_default();
    t.clones = t.clones.max(count);
    t.clones_uniques = t.clones_uniques.max(uniques);
}

fn add_traffic(h: &mut History, day: Date, t: Traffic) {
    add_views(h, day, t.views, t.views_uniques);
    add_clones(h, day, t.clones, t.clones_uniques);
}

fn add_ci(h: &mut History, day: Date, c: CiDay) {
    let e = h.ci.entry(day).or_default();
    e.checkouts = e.checkouts.max(c.checkouts);
    e.runs = e.runs.max(c.runs);
}

fn add_stats(h: &mut History, day: Date, s: RepoStats) {
    h.stats.entry(day).and_modify(|x| *x = (*x).max(s)).or_insert(s);
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum When {
    Day(Date),
    Naive(DateTime),
    Instant(Timestamp),
}

/// `YYYY-MM-DD`, or a date and time, with `T` or a space between them, with or without
/// an offset (`Z`, `+00:00`).
fn parse_when(s: &str) -> Result<When, String> {
    let s = s.trim();
    let bad = |e: &dyn fmt::Display| format!("`{}` is not a date (YYYY-MM-DD) or a date and time: {e}", show(s));
    if s.len() == 10 {
        return s.parse::<Date>().map(When::Day).map_err(|e| bad(&e));
    }
    let s = match (s.get(..10), s.get(10..11), s.get(11..)) {
        (Some(date), Some(" "), Some(time)) => format!("{date}T{time}"),
        _ => s.to_string(),
    };
    let has_offset = s.get(10..).is_some_and(|t| t.contains(['Z', 'z', '+', '-']));
    if has_offset {
        s.parse::<Timestamp>().map(When::Instant).map_err(|e| bad(&e))
    } else {
        s.parse::<DateTime>().map(When::Naive).map_err(|e| bad(&e))
    }
}

/// A UTC day bucket: a date, or a time of 00:00 UTC (a naive time counts as UTC).
fn parse_day(s: &str) -> Result<Date, String> {
    let not_midnight = || {
        format!(
            "`{}` does not start a UTC day: a bucket that begins at another time than 00:00 UTC would be counted on the wrong day",
            show(s.trim())
        )
    };
    match parse_when(s)? {
        When::Day(d) => Ok(d),
        When::Naive(dt) if dt.time() == Time::midnight() => Ok(dt.date()),
        When::Naive(_) => Err(not_midnight()),
        When::Instant(ts) => {
            let z = ts.to_zoned(TimeZone::UTC);
            if z.time() == Time::midnight() { Ok(z.date()) } else { Err(not_midnight()) }
        }
    }
}

/// A point in time: a date is its 00:00 UTC, a naive time is UTC.
fn parse_instant(s: &str) -> Result<Timestamp, String> {
    match parse_when(s)? {
        When::Day(d) => day_start(d),
        When::Naive(dt) => dt.to_zoned(TimeZone::UTC).map(|z| z.timestamp()).map_err(|e| e.to_string()),
        When::Instant(ts) => Ok(ts),
    }
}

fn day_start(d: Date) -> Result<Timestamp, String> {
    d.to_zoned(TimeZone::UTC).map(|z| z.timestamp()).map_err(|e| format!("{d} has no UTC midnight: {e}"))
}

fn utc_day(ts: Timestamp) -> Date {
    ts.to_zoned(TimeZone::UTC).date()
}

/// Snapshots are stored to the second.
fn whole_second(ts: Timestamp) -> Timestamp {
    Timestamp::from_second(ts.as_second()).unwrap_or(ts)
}

fn not_a_count(shown: &str) -> String {
    format!("{shown} is not a count (a whole number, 0 or more)")
}

/// A count in a text cell: digits, or pandas' `12.0`. Empty and `NaN` are "no figure".
fn parse_count(s: &str) -> Result<Option<u64>, String> {
    let t = s.trim();
    if t.is_empty() || t.eq_ignore_ascii_case("nan") {
        return Ok(None);
    }
    if let Ok(n) = t.parse::<u64>() {
        return Ok(Some(n));
    }
    match t.parse::<f64>() {
        Ok(f) if f.is_finite() && f >= 0.0 && f.fract() == 0.0 && f < 1.8e19 => Ok(Some(f as u64)),
        _ => Err(not_a_count(&format!("`{}`", show(t)))),
    }
}

fn json_count(v: &Value) -> Option<u64> {
    match v {
        Value::Number(n) => n.as_u64().or_else(|| {
            n.as_f64().filter(|f| f.is_finite() && *f >= 0.0 && f.fract() == 0.0 && *f < 1.8e19).map(|f| f as u64)
        }),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn join(path: &str, key: &str) -> String {
    if path.is_empty() { key.to_string() } else { format!("{path}.{key}") }
}

fn opt_count(ctx: &Ctx<'_>, o: &Map<String, Value>, path: &str, key: &str) -> Result<Option<u64>, Error> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => json_count(v).map(Some).ok_or_else(|| ctx.field(&join(path, key), not_a_count(&show_json(v)))),
    }
}

fn req_count(ctx: &Ctx<'_>, o: &Map<String, Value>, path: &str, key: &str) -> Result<u64, Error> {
    opt_count(ctx, o, path, key)?.ok_or_else(|| ctx.field(&join(path, key), "missing"))
}

fn opt_str<'v>(ctx: &Ctx<'_>, o: &'v Map<String, Value>, path: &str, key: &str) -> Result<Option<&'v str>, Error> {
    match o.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(v) => Err(ctx.field(&join(path, key), format!("{} is not a string", show_json(v)))),
    }
}

fn req_str<'v>(ctx: &Ctx<'_>, o: &'v Map<String, Value>, path: &str, key: &str) -> Result<&'v str, Error> {
    opt_str(ctx, o, path, key)?.ok_or_else(|| ctx.field(&join(path, key), "missing"))
}

fn as_object<'v>(ctx: &Ctx<'_>, v: &'v Value, path: &str) -> Result<&'v Map<String, Value>, Error> {
    v.as_object().ok_or_else(|| ctx.field(path, format!("{} is not an object", show_json(v))))
}

fn as_array<'v>(ctx: &Ctx<'_>, v: &'v Value, path: &str) -> Result<&'v Vec<Value>, Error> {
    v.as_array().ok_or_else(|| ctx.field(path, format!("{} is not a list", show_json(v))))
}

// ---------------------------------------------------------------------------------------
// Detection

enum Sniffed {
    Json(Value),
    Gitratra,
    /// The first non-blank line's comma-separated cells, trimmed and lower-cased.
    Header(Vec<String>),
}

fn sniff(ctx: &Ctx<'_>, content: &str) -> Result<Sniffed, Error> {
    let t = content.trim_start();
    if t.starts_with('{') || t.starts_with('[') {
        return serde_json::from_str::<Value>(content)
            .map(Sniffed::Json)
            .map_err(|e| ctx.error(Some(e.line()).filter(|l| *l > 0), None, format!("not valid JSON ({e})")));
    }
    match content.lines().map(str::trim).find(|l| !l.is_empty()) {
        None => Err(ctx.whole("the file is empty: nothing to import")),
        Some("gitratra_v1") => Ok(Sniffed::Gitratra),
        Some(line) => Ok(Sniffed::Header(header_cells(line))),
    }
}

fn header_cells(line: &str) -> Vec<String> {
    split_csv(line).unwrap_or_default().into_iter().map(|c| c.trim().to_ascii_lowercase()).collect()
}

fn detect_sniffed(s: &Sniffed) -> Option<Format> {
    let mut found = Format::ALL.into_iter().filter(|f| matches(*f, s));
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

fn header_is(h: &[String], want: &[&str]) -> bool {
    h.len() == want.len() && want.iter().all(|w| h.iter().any(|c| c == w))
}

/// Keys only ghtraf's archive has, next to `dailyHistory`.
fn is_ghtraf_archive(o: &Map<String, Value>) -> bool {
    ["repo", "period", "generatedAt", "cumulativeTotals", "monthSummary"].iter().any(|k| o.contains_key(*k))
}

/// The entries of a traffic API answer (`{count, uniques, views|clones: [...]}`).
fn api_list<'v>(o: &'v Map<String, Value>, key: &str) -> Option<&'v Vec<Value>> {
    if o.contains_key("dailyHistory") || o.contains_key("schema") || o.contains_key("repos") {
        return None;
    }
    o.get(key)?.as_array()
}

/// How many days the entries of an API-shaped list span, first to last.
fn span_days(list: &[Value]) -> i32 {
    let days: Vec<Date> = list
        .iter()
        .filter_map(|e| e.get("timestamp")?.as_str()?.get(..10)?.parse::<Date>().ok())
        .collect();
    match (days.iter().min(), days.iter().max()) {
        (Some(a), Some(b)) => (*b - *a).get_days().saturating_add(1),
        _ => 0,
    }
}

/// One traffic API answer covers at most 15 daily buckets.
const API_SPAN_DAYS: i32 = 15;

fn matches(f: Format, s: &Sniffed) -> bool {
    match (f, s) {
        (Format::Gitratra, Sniffed::Gitratra) => true,
        (Format::Ghtraf, Sniffed::Json(Value::Object(o))) => {
            o.get("dailyHistory").is_some_and(Value::is_array) && !is_ghtraf_archive(o)
        }
        (Format::GhtrafArchive, Sniffed::Json(Value::Object(o))) => {
            o.get("dailyHistory").is_some_and(Value::is_array) && is_ghtraf_archive(o)
        }
        // traffic-to-badge keeps views, and its clones list grows past one answer's span;
        // github-clone-count-badge's clone.json is exactly one clones answer.
        (Format::TrafficToBadge, Sniffed::Json(Value::Object(o))) => {
            api_list(o, "views").is_some() || api_list(o, "clones").is_some_and(|l| span_days(l) > API_SPAN_DAYS)
        }
        (Format::CloneCountBadge, Sniffed::Json(Value::Object(o))) => {
            !o.contains_key("views") && api_list(o, "clones").is_some_and(|l| span_days(l) <= API_SPAN_DAYS)
        }
        (Format::GttJson, Sniffed::Json(Value::Object(o))) => {
            o.get("schema").is_some_and(Value::is_u64)
                && (o.get("repos").is_some_and(Value::is_array) || o.get("repo").is_some_and(Value::is_string))
        }
        (Format::TrafficActionViews, Sniffed::Header(h)) => header_is(h, &["_date", "total_views", "unique_views"]),
        (Format::TrafficActionClones, Sniffed::Header(h)) => header_is(h, &["_date", "total_clones", "unique_clones"]),
        (Format::RepoStatsCsv, Sniffed::Header(h)) => {
            h.first().is_some_and(|c| c == "time_iso8601")
                && header_is(h, &["time_iso8601", "clones_total", "clones_unique", "views_total", "views_unique"])
        }
        (Format::RepoStatsStargazers, Sniffed::Header(h)) => {
            header_is(h, &["time_iso8601", "stars_cumulative"])
                || header_is(h, &["time_iso8601", "stargazers_cumulative_snapshot"])
        }
        (Format::RepoStatsForks, Sniffed::Header(h)) => header_is(h, &["time_iso8601", "forks_cumulative"]),
        (Format::GttCsv, Sniffed::Header(h)) => {
            h.iter().map(String::as_str).take(6).eq(["repo", "date", "views", "views_uniques", "clones", "clones_uniques"])
        }
        _ => false,
    }
}

/// The error for content no importer reads, naming what it looks like where that is known.
fn unknown(ctx: &Ctx<'_>, s: &Sniffed) -> Error {
    let known = Format::ALL.iter().map(|f| f.describe()).collect::<Vec<_>>().join(", ");
    match s {
        Sniffed::Json(Value::Array(list))
            if list.first().and_then(Value::as_object).is_some_and(|o| o.contains_key("referrer") || o.contains_key("path")) =>
        {
            ctx.whole(
                "a 14-day top list of referrers or paths (traffic-to-badge's traffic_referrers.json / traffic_paths.json): it has no days, so there is nothing to import",
            )
        }
        Sniffed::Json(Value::Object(o)) if o.contains_key("schemaVersion") && o.contains_key("message") => ctx.whole(
            "a shields endpoint badge (like ghtraf's views.json): it holds a total, not days; import ghtraf's state.json and archives instead",
        ),
        Sniffed::Json(Value::Object(o)) if o.contains_key("month") && o.get("repos").is_some_and(Value::is_object) => {
            ctx.whole("a gtt monthly archive: import reads gtt's exports (`gtt export --format json` or csv), not archives")
        }
        Sniffed::Json(_) => ctx.whole(format!("JSON that is none of the formats gtt imports ({known})")),
        Sniffed::Gitratra | Sniffed::Header(_) => {
            ctx.line(1, format!("the first line is not the header of any format gtt imports ({known})"))
        }
    }
}

// ---------------------------------------------------------------------------------------
// CSV

/// One line's fields; double quotes as RFC 4180 (no line breaks inside fields).
fn split_csv(line: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    cur.push('"');
                } else {
                    quoted = false;
                }
            } else {
                cur.push(c);
            }
        } else if c == '"' && cur.trim().is_empty() {
            cur.clear();
            quoted = true;
        } else if c == ',' {
            out.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    if quoted {
        return Err("a quoted field is not closed".to_string());
    }
    out.push(cur);
    Ok(out)
}

struct Table {
    header: Vec<String>,
    /// (1-based line, fields), blank lines left out.
    rows: Vec<(usize, Vec<String>)>,
}

fn read_table(ctx: &Ctx<'_>, content: &str) -> Result<Table, Error> {
    let mut lines = content.lines().enumerate().map(|(i, l)| (i + 1, l)).filter(|(_, l)| !l.trim().is_empty());
    let Some((header_line, header)) = lines.next() else {
        return Err(ctx.whole("the file is empty: nothing to import"));
    };
    let header: Vec<String> = split_csv(header)
        .map_err(|m| ctx.line(header_line, m))?
        .into_iter()
        .map(|c| c.trim().to_ascii_lowercase())
        .collect();
    let mut rows = Vec::new();
    for (n, line) in lines {
        let cells = split_csv(line).map_err(|m| ctx.line(n, m))?;
        if cells.len() != header.len() {
            return Err(ctx.line(
                n,
                format!("expected {} comma-separated fields ({}), found {}", header.len(), header.join(","), cells.len()),
            ));
        }
        rows.push((n, cells));
    }
    Ok(Table { header, rows })
}

impl Table {
    fn col(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|c| c == name)
    }

    fn req(&self, ctx: &Ctx<'_>, name: &str) -> Result<usize, Error> {
        self.col(name).ok_or_else(|| ctx.error(Some(1), Some(name), "missing column"))
    }
}

fn cell(row: &[String], i: usize) -> &str {
    row.get(i).map_or("", String::as_str)
}

fn count_cell(ctx: &Ctx<'_>, line: usize, name: &str, s: &str) -> Result<Option<u64>, Error> {
    parse_count(s).map_err(|m| ctx.cell(line, name, m))
}

fn day_cell(ctx: &Ctx<'_>, line: usize, name: &str, s: &str) -> Result<Date, Error> {
    parse_day(s).map_err(|m| ctx.cell(line, name, m))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Metric {
    Views,
    Clones,
}

/// repository-traffic-action: `_date,total_views,unique_views` (or clones), written by
/// pandas from PyGithub's timestamps: `2020-11-16`, or `2024-01-01 00:00:00+00:00` with
/// timezone-aware PyGithub; a column with an empty (`NaN`) cell is written as floats.
fn traffic_action(ctx: &Ctx<'_>, content: &str, hint: &Hint, metric: Metric) -> Result<Vec<History>, Error> {
    let repo = unnamed_repo(ctx, hint, None)?;
    let t = read_table(ctx, content)?;
    let (total, unique) = match metric {
        Metric::Views => ("total_views", "unique_views"),
        Metric::Clones => ("total_clones", "unique_clones"),
    };
    let (di, ti, ui) = (t.req(ctx, "_date")?, t.req(ctx, total)?, t.req(ctx, unique)?);
    let mut h = History::new(&repo);
    for (n, row) in &t.rows {
        let day = day_cell(ctx, *n, "_date", cell(row, di))?;
        let count = count_cell(ctx, *n, total, cell(row, ti))?;
        let uniques = count_cell(ctx, *n, unique, cell(row, ui))?;
        if count.is_none() && uniques.is_none() {
            continue;
        }
        let (c, u) = (count.unwrap_or(0), uniques.unwrap_or(0));
        match metric {
            Metric::Views => add_views(&mut h, day, c, u),
            Metric::Clones => add_clones(&mut h, day, c, u),
        }
    }
    Ok(vec![h])
}

/// github-repo-stats: `time_iso8601,clones_total,clones_unique,views_total,views_unique`,
/// times like `2020-12-01 00:00:00+00:00`. The aggregate has no empty cells (it fills them
/// with 0); a series fragment may, where one metric had no bucket that day.
fn repo_stats(ctx: &Ctx<'_>, content: &str, hint: &Hint) -> Result<Vec<History>, Error> {
    let repo = unnamed_repo(ctx, hint, None)?;
    let t = read_table(ctx, content)?;
    let names = ["views_total", "views_unique", "clones_total", "clones_unique"];
    let ti = t.req(ctx, "time_iso8601")?;
    let mut cols = [0usize; 4];
    for (slot, name) in cols.iter_mut().zip(names) {
        *slot = t.req(ctx, name)?;
    }
    let mut h = History::new(&repo);
    for (n, row) in &t.rows {
        let day = day_cell(ctx, *n, "time_iso8601", cell(row, ti))?;
        let mut v = [None; 4];
        for ((slot, col), name) in v.iter_mut().zip(cols).zip(names) {
            *slot = count_cell(ctx, *n, name, cell(row, col))?;
        }
        if v.iter().all(Option::is_none) {
            continue;
        }
        let [views, views_uniques, clones, clones_uniques] = v.map(|x| x.unwrap_or(0));
        add_traffic(&mut h, day, Traffic { views, views_uniques, clones, clones_uniques });
    }
    Ok(vec![h])
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Counter {
    Stars,
    Forks,
}

/// github-repo-stats' cumulative series: one row per star (fork) event with its time
/// (`2020-11-26 16:25:37+00:00,1`), or resampled to one row per day at 00:00, or the
/// stargazer-count snapshots (`stargazers_cumulative_snapshot`, any offset). Each UTC day
/// keeps its highest count, stamped 00:00 UTC of the day.
fn counters(ctx: &Ctx<'_>, content: &str, hint: &Hint, counter: Counter) -> Result<Vec<History>, Error> {
    let repo = unnamed_repo(ctx, hint, None)?;
    let t = read_table(ctx, content)?;
    let ti = t.req(ctx, "time_iso8601")?;
    let names: &[&str] = match counter {
        Counter::Stars => &["stars_cumulative", "stargazers_cumulative_snapshot"],
        Counter::Forks => &["forks_cumulative"],
    };
    let Some((name, vi)) = names.iter().find_map(|n| t.col(n).map(|i| (*n, i))) else {
        return Err(ctx.error(Some(1), names.first().copied(), "missing column"));
    };
    let mut per_day: BTreeMap<Date, u64> = BTreeMap::new();
    for (n, row) in &t.rows {
        let at = parse_instant(cell(row, ti)).map_err(|m| ctx.cell(*n, "time_iso8601", m))?;
        let Some(v) = count_cell(ctx, *n, name, cell(row, vi))? else {
            continue;
        };
        per_day.entry(utc_day(at)).and_modify(|x| *x = (*x).max(v)).or_insert(v);
    }
    let mut h = History::new(&repo);
    for (day, v) in per_day {
        let at = day_start(day).map_err(|m| ctx.whole(m))?;
        let (stars, forks) = match counter {
            Counter::Stars => (v, 0),
            Counter::Forks => (0, v),
        };
        add_stats(&mut h, day, RepoStats { at, stars, forks, watchers: 0, open_issues: 0 });
    }
    Ok(vec![h])
}

/// gtt's own CSV ([`crate::csv`]). Derived columns (organic clones, downloads) are not
/// read back; a CI day's run count, which the CSV does not carry, is the smallest one that
/// gives back the exported organic uniques. The optional columns `ci_runs` and `stats_at`
/// (RFC 3339), if an export carries them, are read and make the round trip exact.
fn gtt_csv(ctx: &Ctx<'_>, content: &str) -> Result<Vec<History>, Error> {
    let t = read_table(ctx, content)?;
    let ri = t.req(ctx, "repo")?;
    let di = t.req(ctx, "date")?;
    let traffic_cols = ["views", "views_uniques", "clones", "clones_uniques"];
    let mut tc = [0usize; 4];
    for (slot, name) in tc.iter_mut().zip(traffic_cols) {
        *slot = t.req(ctx, name)?;
    }
    let stats_cols = ["stars", "forks", "watchers", "open_issues"].map(|n| (n, t.col(n)));
    let (checkouts_col, runs_col, organic_col, at_col) =
        (t.col("ci_checkouts"), t.col("ci_runs"), t.col("organic_clones_uniques"), t.col("stats_at"));
    let mut repos = Repos::default();
    for (n, row) in &t.rows {
        let n = *n;
        let opt = |col: Option<usize>, name: &str| -> Result<Option<u64>, Error> {
            match col {
                Some(c) => count_cell(ctx, n, name, cell(row, c)),
                None => Ok(None),
            }
        };
        let repo = cell(row, ri).trim();
        if !valid_repo(repo) {
            return Err(ctx.cell(n, "repo", format!("`{}` is not a repository (owner/name)", show(repo))));
        }
        let day = day_cell(ctx, n, "date", cell(row, di))?;
        let mut v = [0u64; 4];
        for ((slot, col), name) in v.iter_mut().zip(tc).zip(traffic_cols) {
            *slot = count_cell(ctx, n, name, cell(row, col))?
                .ok_or_else(|| ctx.cell(n, name, "empty, but gtt writes a number here for every covered day"))?;
        }
        let [views, views_uniques, clones, clones_uniques] = v;
        let traffic = Traffic { views, views_uniques, clones, clones_uniques };
        let mut counts = [None; 4];
        for (slot, (name, col)) in counts.iter_mut().zip(stats_cols) {
            *slot = opt(col, name)?;
        }
        let stats = if counts.iter().any(Option::is_some) {
            let at = match at_col.map(|c| cell(row, c).trim()).filter(|s| !s.is_empty()) {
                Some(s) => parse_instant(s).map_err(|m| ctx.cell(n, "stats_at", m))?,
                None => day_start(day).map_err(|m| ctx.cell(n, "date", m))?,
            };
            let [stars, forks, watchers, open_issues] = counts.map(|x| x.unwrap_or(0));
            Some(RepoStats { at, stars, forks, watchers, open_issues })
        } else {
            None
        };
        let ci = match opt(checkouts_col, "ci_checkouts")? {
            Some(checkouts) => {
                let runs = match opt(runs_col, "ci_runs")? {
                    Some(runs) => runs,
                    None if checkouts == 0 => 0,
                    None => {
                        let organic = opt(organic_col, "organic_clones_uniques")?;
                        organic.map_or(0, |o| clones_uniques.saturating_sub(o)).max(1)
                    }
                };
                Some(CiDay { checkouts, runs })
            }
            None => None,
        };
        let h = repos.get(repo);
        add_traffic(h, day, traffic);
        if let Some(s) = stats {
            add_stats(h, day, s);
        }
        if let Some(c) = ci {
            add_ci(h, day, c);
        }
    }
    Ok(repos.into_vec())
}

// ---------------------------------------------------------------------------------------
// Text

/// GiTraTra's file: `gitratra_v1`, then per repository `>name`, `#clones` and `#views`
/// sections of `YYYY-MM-DD count uniques` lines. GiTraTra writes the bare repository name
/// of the token owner's repositories (`g.get_user().get_repo(name)`), so a bare name takes
/// the hint's owner; an `owner/name` line is taken as is.
fn gitratra(ctx: &Ctx<'_>, content: &str, hint: &Hint) -> Result<Vec<History>, Error> {
    let mut repos = Repos::default();
    let mut header = false;
    let mut repo: Option<String> = None;
    let mut metric: Option<Metric> = None;
    for (i, raw) in content.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if !header {
            if line != "gitratra_v1" {
                return Err(ctx.line(n, "expected the header `gitratra_v1`"));
            }
            header = true;
            continue;
        }
        if let Some(name) = line.strip_prefix('>') {
            let r = named_repo(ctx, name, hint, false, Some(n), "repository")?;
            repos.get(&r);
            repo = Some(r);
            metric = None;
            continue;
        }
        if let Some(name) = line.strip_prefix('#') {
            if repo.is_none() {
                return Err(ctx.line(n, format!("`#{}` comes before any `>repository` line", show(name))));
            }
            metric = Some(match name.trim() {
                "clones" => Metric::Clones,
                "views" => Metric::Views,
                other => {
                    return Err(ctx.cell(
                        n,
                        "metric",
                        format!("`{}` is not a metric GiTraTra writes (clones, views)", show(other)),
                    ));
                }
            });
            continue;
        }
        let (Some(r), Some(m)) = (&repo, metric) else {
            return Err(ctx.line(n, "a data line outside a `>repository` and `#clones`/`#views` section"));
        };
        let mut parts = line.split_whitespace();
        let (Some(d), Some(c), Some(u), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
            return Err(ctx.line(n, format!("expected `YYYY-MM-DD count uniques`, found `{}`", show(line))));
        };
        let day = day_cell(ctx, n, "date", d)?;
        let count = count_cell(ctx, n, "count", c)?.ok_or_else(|| ctx.cell(n, "count", "missing"))?;
        let uniques = count_cell(ctx, n, "uniques", u)?.ok_or_else(|| ctx.cell(n, "uniques", "missing"))?;
        let h = repos.get(r);
        match m {
            Metric::Views => add_views(h, day, count, uniques),
            Metric::Clones => add_clones(h, day, count, uniques),
        }
    }
    if !header {
        return Err(ctx.whole("the file is empty: nothing to import"));
    }
    Ok(repos.into_vec())
}

// ---------------------------------------------------------------------------------------
// JSON

/// The folder traffic-to-badge keeps a repository's files in: `traffic-NAME/`.
fn traffic_dir(file: &str) -> Option<&str> {
    let mut parts: Vec<&str> = file.split(['/', '\\']).collect();
    parts.pop();
    parts.into_iter().rev().find_map(|p| p.strip_prefix("traffic-")).filter(|n| valid_name(n))
}

/// A traffic API answer as traffic-to-badge and github-clone-count-badge store it:
/// `{count, uniques, views|clones: [{timestamp, count, uniques}]}`. The heading totals are
/// ignored (traffic-to-badge's are sums of daily uniques). A file whose entries all fall on
/// Mondays holds weekly buckets (`per=week`) and is refused: a week is not a day.
fn api_answer(ctx: &Ctx<'_>, root: &Map<String, Value>, hint: &Hint) -> Result<Vec<History>, Error> {
    let repo = unnamed_repo(ctx, hint, traffic_dir(ctx.file))?;
    let mut h = History::new(&repo);
    for (key, metric) in [("views", Metric::Views), ("clones", Metric::Clones)] {
        let Some(list) = root.get(key) else {
            continue;
        };
        let list = as_array(ctx, list, key)?;
        let mut days = Vec::with_capacity(list.len());
        for (i, e) in list.iter().enumerate() {
            let path = format!("{key}[{i}]");
            let o = as_object(ctx, e, &path)?;
            let stamp = req_str(ctx, o, &path, "timestamp")?;
            let day = parse_day(stamp).map_err(|m| ctx.field(&join(&path, "timestamp"), m))?;
            let count = req_count(ctx, o, &path, "count")?;
            let uniques = req_count(ctx, o, &path, "uniques")?;
            match metric {
                Metric::Views => add_views(&mut h, day, count, uniques),
                Metric::Clones => add_clones(&mut h, day, count, uniques),
            }
            days.push(day);
        }
        let weekly = days.len() >= 3 && days.iter().all(|d| d.weekday() == Weekday::Monday);
        if weekly || ctx.file.contains("per_week") {
            return Err(ctx.field(
                key,
                "weekly buckets (every entry a Monday, or a *_per_week file): a week cannot be split into days",
            ));
        }
    }
    Ok(vec![h])
}

/// ghtraf's `state.json` (any schemaVersion up to 3; v1 has none) or a monthly archive.
/// Read: each `dailyHistory` entry (`date`, `views`, `uniqueViews`, `clones`,
/// `uniqueClones`, `ciCheckouts`, `ciRuns`, `stars`, `forks`, `openIssues`,
/// `capturedAt`), the `ciCheckouts` map (`{total, runs}` per day), `repoCreatedAt`, and
/// the last run's `referrers`/`popularPaths`. Totals and dedup maps are ignored.
fn ghtraf(ctx: &Ctx<'_>, root: &Map<String, Value>, hint: &Hint, archive: bool) -> Result<Vec<History>, Error> {
    if let Some(v) = opt_count(ctx, root, "", "schemaVersion")? {
        if v > 3 {
            return Err(ctx.field("schemaVersion", format!("ghtraf schema {v} is newer than the 1 to 3 gtt reads")));
        }
    }
    let repo = match (archive, opt_str(ctx, root, "", "repo")?) {
        (true, Some(r)) => named_repo(ctx, r, hint, true, None, "repo")?,
        _ => unnamed_repo(ctx, hint, None)?,
    };
    let mut h = History::new(&repo);
    let list = root.get("dailyHistory").ok_or_else(|| ctx.field("dailyHistory", "missing"))?;
    let mut latest: Option<Timestamp> = None;
    for (i, e) in as_array(ctx, list, "dailyHistory")?.iter().enumerate() {
        let path = format!("dailyHistory[{i}]");
        let o = as_object(ctx, e, &path)?;
        let day = parse_day(req_str(ctx, o, &path, "date")?).map_err(|m| ctx.field(&join(&path, "date"), m))?;
        let count = |key: &str| opt_count(ctx, o, &path, key);
        add_traffic(
            &mut h,
            day,
            Traffic {
                views: count("views")?.unwrap_or(0),
                views_uniques: count("uniqueViews")?.unwrap_or(0),
                clones: count("clones")?.unwrap_or(0),
                clones_uniques: count("uniqueClones")?.unwrap_or(0),
            },
        );
        if let Some(checkouts) = count("ciCheckouts")? {
            add_ci(&mut h, day, CiDay { checkouts, runs: count("ciRuns")?.unwrap_or(0) });
        }
        let captured = match opt_str(ctx, o, &path, "capturedAt")? {
            Some(s) => Some(parse_instant(s).map_err(|m| ctx.field(&join(&path, "capturedAt"), m))?),
            None => None,
        };
        latest = latest.max(captured);
        let (stars, forks, issues) = (count("stars")?, count("forks")?, count("openIssues")?);
        if stars.is_some() || forks.is_some() || issues.is_some() {
            // `capturedAt` is the last run that touched the entry, often days later; it
            // dates the counters only when it falls on the entry's own day.
            let at = match captured {
                Some(c) if utc_day(c) == day => whole_second(c),
                _ => day_start(day).map_err(|m| ctx.field(&join(&path, "date"), m))?,
            };
            let s = RepoStats {
                at,
                stars: stars.unwrap_or(0),
                forks: forks.unwrap_or(0),
                watchers: 0,
                open_issues: issues.unwrap_or(0),
            };
            add_stats(&mut h, day, s);
        }
    }
    if let Some(map) = root.get("ciCheckouts") {
        for (key, v) in as_object(ctx, map, "ciCheckouts")? {
            let path = format!("ciCheckouts.{key}");
            let day = parse_day(key).map_err(|m| ctx.field(&path, m))?;
            let c = match v {
                Value::Object(o) => CiDay {
                    checkouts: req_count(ctx, o, &path, "total")?,
                    runs: opt_count(ctx, o, &path, "runs")?.unwrap_or(0),
                },
                other => CiDay {
                    checkouts: json_count(other).ok_or_else(|| ctx.field(&path, not_a_count(&show_json(other))))?,
                    runs: 0,
                },
            };
            add_ci(&mut h, day, c);
        }
    }
    if let Some(s) = opt_str(ctx, root, "", "repoCreatedAt")? {
        h.created_at = Some(parse_instant(s).map_err(|m| ctx.field("repoCreatedAt", m))?);
    }
    // The top lists are the last run's; without any `capturedAt` they cannot be dated.
    let referrers = ghtraf_list(ctx, root, "referrers", |ctx, o, path| {
        let referrer = match opt_str(ctx, o, path, "source")? {
            Some(s) => s,
            None => req_str(ctx, o, path, "referrer")?,
        };
        Ok(Referrer {
            referrer: referrer.to_string(),
            count: req_count(ctx, o, path, "count")?,
            uniques: req_count(ctx, o, path, "uniques")?,
        })
    })?;
    let paths = ghtraf_list(ctx, root, "popularPaths", |ctx, o, path| {
        Ok(PopularPath {
            path: req_str(ctx, o, path, "path")?.to_string(),
            title: opt_str(ctx, o, path, "title")?.unwrap_or_default().to_string(),
            count: req_count(ctx, o, path, "count")?,
            uniques: req_count(ctx, o, path, "uniques")?,
        })
    })?;
    if let Some(at) = latest.filter(|_| !referrers.is_empty() || !paths.is_empty()) {
        h.popular.insert(utc_day(at), Popular { at, referrers, paths });
    }
    Ok(vec![h])
}

type ItemParser<T> = fn(&Ctx<'_>, &Map<String, Value>, &str) -> Result<T, Error>;

/// The first ten entries of a ghtraf top list (as gtt keeps them).
fn ghtraf_list<T>(ctx: &Ctx<'_>, root: &Map<String, Value>, key: &str, item: ItemParser<T>) -> Result<Vec<T>, Error> {
    let Some(v) = root.get(key).filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    as_array(ctx, v, key)?
        .iter()
        .take(10)
        .enumerate()
        .map(|(i, e)| {
            let path = format!("{key}[{i}]");
            item(ctx, as_object(ctx, e, &path)?, &path)
        })
        .collect()
}

/// gtt's JSON export (`{"schema", "repos": [history + downloads_daily +
/// downloads_by_release]}`) or a stored history file (`{"schema", "repo", ...}`).
fn gtt_json(ctx: &Ctx<'_>, root: &Map<String, Value>, hint: &Hint) -> Result<Vec<History>, Error> {
    check_schema(ctx, root, "")?;
    let Some(list) = root.get("repos") else {
        let h = gtt_history(ctx, root.clone(), "")?;
        if let Hint::Repo(r) = hint {
            if !r.eq_ignore_ascii_case(&h.repo) {
                return Err(ctx.field("repo", format!("holds the history of {}, not of {r}", h.repo)));
            }
        }
        return Ok(vec![h]);
    };
    let mut repos = Repos::default();
    for (i, v) in as_array(ctx, list, "repos")?.iter().enumerate() {
        let path = format!("repos[{i}]");
        let mut o = as_object(ctx, v, &path)?.clone();
        o.remove("downloads_daily");
        o.remove("downloads_by_release");
        let h = gtt_history(ctx, o, &path)?;
        let slot = repos.get(&h.repo);
        *slot = slot.merge(&h);
    }
    Ok(repos.into_vec())
}

fn check_schema(ctx: &Ctx<'_>, o: &Map<String, Value>, path: &str) -> Result<(), Error> {
    let field = join(path, "schema");
    match o.get("schema").and_then(Value::as_u64) {
        Some(s) if s <= u64::from(history::SCHEMA) => Ok(()),
        Some(s) => Err(ctx.field(
            &field,
            format!("written by a newer gtt (schema {s}, this gtt reads up to {}); upgrade gtt", history::SCHEMA),
        )),
        None => Err(ctx.field(&field, "missing or not a number")),
    }
}

fn gtt_history(ctx: &Ctx<'_>, o: Map<String, Value>, path: &str) -> Result<History, Error> {
    check_schema(ctx, &o, path)?;
    let h: History =
        serde_json::from_value(Value::Object(o)).map_err(|e| ctx.field(path, format!("not a gtt history: {e}")))?;
    if !valid_repo(&h.repo) {
        return Err(ctx.field(&join(path, "repo"), format!("`{}` is not a repository (owner/name)", show(&h.repo))));
    }
    Ok(h.normalized())
}
