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
//! - Not imported: daily download deltas (ghtraf's `downloads`, the CSV's `downloads`
//!   column), since gtt keeps cumulative counts per release asset and a delta names no
//!   asset; ghtraf's `trackingSince`, since as gtt's `first_collected` it would turn the
//!   asset counts of gtt's own first collection into downloads of that day.
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
        if let (Some(x), Some(y)) = (a.stats.get(d), b.stats.get(d))
            && x.at == y.at
            && s.at == x.at
        {
            *s = RepoStats {
                at: x.at,
                stars: x.stars.max(y.stars),
                forks: x.forks.max(y.forks),
                watchers: x.watchers.max(y.watchers),
                open_issues: x.open_issues.max(y.open_issues),
            };
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
        Error { file: self.file.to_string(), line, field: field.map(str::to_string), message: message.into() }
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

/// A value quoted in a message: at most 40 characters, control and invisible characters
/// escaped.
fn show(s: &str) -> String {
    let mut out = crate::escape::inline(&s.chars().take(40).collect::<String>());
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
        if let (true, Hint::Repo(r)) = (single, hint)
            && !r.eq_ignore_ascii_case(named)
        {
            return Err(ctx.error(line, Some(field), format!("holds the history of {named}, not of {r}")));
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

/// A day an import first mentions starts with every figure unknown; each `add_*` then
/// marks what the source did observe. A views-only file thus leaves clones a gap.
fn touch(h: &mut History, day: Date) -> &mut Traffic {
    if !h.days.contains_key(&day) {
        h.unknown.insert(day, history::UNKNOWN_ALL);
    }
    h.days.entry(day).or_default()
}

/// Marks figures of a day as observed.
fn observed(h: &mut History, day: Date, bits: u8) {
    if let Some(b) = h.unknown.get_mut(&day) {
        *b &= !bits;
        if *b == 0 {
            h.unknown.remove(&day);
        }
    }
}

/// Marks figures of a day as not observed (a source without uniques, say), unless
/// something already observed them.
fn not_observed(h: &mut History, day: Date, bits: u8) {
    if let Some(b) = h.unknown.get_mut(&day) {
        *b |= bits;
    }
}

fn add_views(h: &mut History, day: Date, count: u64, uniques: u64) {
    let t = touch(h, day);
    t.views = t.views.max(count);
    t.views_uniques = t.views_uniques.max(uniques);
    observed(h, day, history::UNKNOWN_VIEWS | history::UNKNOWN_VIEWS_UNIQUES);
}

fn add_clones(h: &mut History, day: Date, count: u64, uniques: u64) {
    let t = touch(h, day);
    t.clones = t.clones.max(count);
    t.clones_uniques = t.clones_uniques.max(uniques);
    observed(h, day, history::UNKNOWN_CLONES | history::UNKNOWN_CLONES_UNIQUES);
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

fn add_stats(h: &mut History, day: Date, mut s: RepoStats) {
    s.at = whole_second(s.at);
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
    let days: Vec<Date> =
        list.iter().filter_map(|e| e.get("timestamp")?.as_str()?.get(..10)?.parse::<Date>().ok()).collect();
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
        (Format::GttCsv, Sniffed::Header(h)) => h.iter().map(String::as_str).take(6).eq([
            "repo",
            "date",
            "views",
            "views_uniques",
            "clones",
            "clones_uniques",
        ]),
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
                format!(
                    "expected {} comma-separated fields ({}), found {}",
                    header.len(),
                    header.join(","),
                    cells.len()
                ),
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
        // An empty figure is one gtt never observed for that day (see History::unknown).
        let mut v = [0u64; 4];
        let mut unknown_bits = 0u8;
        for (i, ((slot, col), name)) in v.iter_mut().zip(tc).zip(traffic_cols).enumerate() {
            match count_cell(ctx, n, name, cell(row, col))? {
                Some(x) => *slot = x,
                None => unknown_bits |= 1 << i,
            }
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
        if unknown_bits != 0 {
            h.unknown.insert(day, unknown_bits);
        }
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
    if let Some(v) = opt_count(ctx, root, "", "schemaVersion")?
        && v > 3
    {
        return Err(ctx.field("schemaVersion", format!("ghtraf schema {v} is newer than the 1 to 3 gtt reads")));
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
        let figures = [count("views")?, count("uniqueViews")?, count("clones")?, count("uniqueClones")?];
        let fresh = !h.days.contains_key(&day);
        add_traffic(
            &mut h,
            day,
            Traffic {
                views: figures[0].unwrap_or(0),
                views_uniques: figures[1].unwrap_or(0),
                clones: figures[2].unwrap_or(0),
                clones_uniques: figures[3].unwrap_or(0),
            },
        );
        // Older entries lack uniques: those stay unknown, not 0.
        if fresh {
            let bits = [
                history::UNKNOWN_VIEWS,
                history::UNKNOWN_VIEWS_UNIQUES,
                history::UNKNOWN_CLONES,
                history::UNKNOWN_CLONES_UNIQUES,
            ];
            for (figure, bit) in figures.iter().zip(bits) {
                if figure.is_none() {
                    h.unknown.entry(day).or_insert(0);
                    not_observed(&mut h, day, bit);
                }
            }
            h.unknown.retain(|_, b| *b != 0);
        }
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
        if let Hint::Repo(r) = hint
            && !r.eq_ignore_ascii_case(&h.repo)
        {
            return Err(ctx.field("repo", format!("holds the history of {}, not of {r}", h.repo)));
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::{Asset, CiObservation, Observation, ObservedAsset, ObservedRun, organic};

    const GHTRAF_STATE: &str = include_str!("../../tests/fixtures/import/ghtraf/state.json");
    const GHTRAF_V1: &str = include_str!("../../tests/fixtures/import/ghtraf/state-v1.json");
    const GHTRAF_ARCHIVE: &str = include_str!("../../tests/fixtures/import/ghtraf/archive-2026-02.json");
    const GITRATRA: &str = include_str!("../../tests/fixtures/import/gitratra/traffic.txt");
    const RS_AGGREGATE: &str = include_str!("../../tests/fixtures/import/github-repo-stats/views_clones_aggregate.csv");
    const RS_STARS: &str = include_str!("../../tests/fixtures/import/github-repo-stats/stargazers.csv");
    const RS_SNAPSHOTS: &str = include_str!("../../tests/fixtures/import/github-repo-stats/stargazer-snapshots.csv");
    const RS_FORKS: &str = include_str!("../../tests/fixtures/import/github-repo-stats/forks.csv");
    const TA_VIEWS: &str = include_str!("../../tests/fixtures/import/repository-traffic-action/views.csv");
    const TA_CLONES: &str = include_str!("../../tests/fixtures/import/repository-traffic-action/clones.csv");
    const TTB_VIEWS: &str =
        include_str!("../../tests/fixtures/import/traffic-to-badge/traffic-hello/traffic_views.json");
    const TTB_CLONES: &str =
        include_str!("../../tests/fixtures/import/traffic-to-badge/traffic-hello/traffic_clones.json");
    const CLONE_JSON: &str = include_str!("../../tests/fixtures/import/github-clone-count-badge/clone.json");
    const GTT_CSV: &str = include_str!("../../tests/fixtures/import/gtt/export.csv");
    const GTT_JSON: &str = include_str!("../../tests/fixtures/import/gtt/export.json");

    /// (file name as a caller would pass it, content, format, repository hint it needs)
    const FIXTURES: &[(&str, &str, Format, Option<&str>)] = &[
        ("ghtraf/state.json", GHTRAF_STATE, Format::Ghtraf, Some("octo/hello")),
        ("ghtraf/state-v1.json", GHTRAF_V1, Format::Ghtraf, Some("octo/hello")),
        ("ghtraf/archive-2026-02.json", GHTRAF_ARCHIVE, Format::GhtrafArchive, None),
        ("gitratra/traffic.txt", GITRATRA, Format::Gitratra, Some("octo")),
        ("ghrs-data/views_clones_aggregate.csv", RS_AGGREGATE, Format::RepoStatsCsv, Some("octo/hello")),
        ("ghrs-data/stargazers.csv", RS_STARS, Format::RepoStatsStargazers, Some("octo/hello")),
        ("ghrs-data/stargazer-snapshots.csv", RS_SNAPSHOTS, Format::RepoStatsStargazers, Some("octo/hello")),
        ("ghrs-data/forks.csv", RS_FORKS, Format::RepoStatsForks, Some("octo/hello")),
        ("traffic/views.csv", TA_VIEWS, Format::TrafficActionViews, Some("octo/hello")),
        ("traffic/clones.csv", TA_CLONES, Format::TrafficActionClones, Some("octo/hello")),
        ("traffic/traffic-hello/traffic_views.json", TTB_VIEWS, Format::TrafficToBadge, Some("octo")),
        ("traffic/traffic-hello/traffic_clones.json", TTB_CLONES, Format::TrafficToBadge, Some("octo")),
        ("clone.json", CLONE_JSON, Format::CloneCountBadge, Some("octo/hello")),
        ("export.csv", GTT_CSV, Format::GttCsv, None),
        ("export.json", GTT_JSON, Format::GttJson, None),
    ];

    fn d(s: &str) -> Date {
        s.parse().expect("test date")
    }
    fn ts(s: &str) -> Timestamp {
        s.parse().expect("test timestamp")
    }
    fn t(v: [u64; 4]) -> Traffic {
        Traffic::from(v)
    }
    fn one(file: &str, content: &str, hint: Option<&str>) -> History {
        let mut got = import(file, content, hint).expect("imports");
        assert_eq!(got.histories.len(), 1, "{file}");
        got.histories.pop().expect("one history")
    }
    fn days(h: &History) -> Vec<String> {
        h.days.keys().map(ToString::to_string).collect()
    }

    #[test]
    fn every_fixture_is_detected_as_its_own_format_only() {
        for (file, content, format, _) in FIXTURES {
            let sniffed = sniff(&Ctx { file }, content).expect("sniffs");
            let all: Vec<Format> = Format::ALL.into_iter().filter(|f| matches(*f, &sniffed)).collect();
            assert_eq!(all, vec![*format], "{file}");
            assert_eq!(detect(content), Some(*format), "{file}");
        }
    }

    #[test]
    fn every_fixture_imports_as_its_format_and_needs_its_repository() {
        for (file, content, format, hint) in FIXTURES {
            let got = import(file, content, *hint).unwrap_or_else(|e| panic!("{file}: {e}"));
            assert_eq!(got.format, *format, "{file}");
            assert!(!got.histories.is_empty(), "{file}");
            if hint.is_some() {
                let e = import(file, content, None).expect_err("needs a repository");
                assert_eq!(e.file, *file);
                assert!(e.message.contains("repository") || e.message.contains("owner"), "{file}: {e}");
            }
        }
    }

    #[test]
    fn ghtraf_state_v3() {
        let got = import("state.json", GHTRAF_STATE, Some("octo/hello")).expect("imports");
        assert_eq!(got.format, Format::Ghtraf);
        let h = got.histories.first().expect("one");
        assert_eq!(h.repo, "octo/hello");
        // 03-04 has no entry: a gap, not a zero.
        assert_eq!(
            days(h),
            ["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-05", "2026-03-06", "2026-03-07", "2026-03-08"]
        );
        assert_eq!(h.gaps().len(), 1);
        assert_eq!(h.days[&d("2026-03-01")], t([140, 38, 12, 5]));
        assert_eq!(h.days[&d("2026-03-02")], t([122, 0, 9, 0]), "an entry from before uniques were kept");
        assert_eq!(h.days[&d("2026-03-06")], t([131, 35, 18, 7]));
        // Uniques are per day; ghtraf's totals (totalUniqueClones 201) are not read.
        assert_eq!(h.totals().clones_uniques, 5 + 6 + 4 + 7 + 5 + 2);
        assert_eq!(h.totals().views, 140 + 122 + 167 + 98 + 131 + 120 + 25);
        assert_eq!(h.ci[&d("2026-03-06")], CiDay { checkouts: 6, runs: 3 });
        assert_eq!(h.ci[&d("2026-03-08")], CiDay { checkouts: 2, runs: 2 });
        assert_eq!(h.ci[&d("2026-03-01")], CiDay { checkouts: 0, runs: 0 });
        assert_eq!(
            h.organic(d("2026-03-06")),
            Some(history::Organic { clones: 12, uniques: 5 }),
            "ghtraf's own figures"
        );
        // The 03-05 counters were last touched by a later run: stamped at the day's start.
        let s = h.stats[&d("2026-03-05")];
        assert_eq!((s.at, s.stars, s.forks, s.watchers, s.open_issues), (ts("2026-03-05T00:00:00Z"), 40, 5, 0, 2));
        let s = h.stats[&d("2026-03-08")];
        assert_eq!((s.at, s.stars, s.open_issues), (ts("2026-03-08T03:11:52Z"), 42, 3));
        assert_eq!(h.stats.len(), 2);
        assert_eq!(h.created_at, Some(ts("2025-11-02T14:21:09Z")));
        assert_eq!(h.first_collected, None, "trackingSince is not gtt's first collection");
        let p = &h.popular[&d("2026-03-08")];
        assert_eq!(p.at, ts("2026-03-08T03:11:52.418Z"));
        assert_eq!(
            p.referrers.first().map(|r| (r.referrer.as_str(), r.count, r.uniques)),
            Some(("github.com", 40, 12))
        );
        assert_eq!(p.paths.len(), 2);
        assert!(h.assets.is_empty(), "daily download deltas are not per-asset counts");
        // The stored form round-trips (stats are kept to the second).
        assert_eq!(&History::parse(&h.to_json(), "octo/hello").expect("parses"), h);
    }

    #[test]
    fn ghtraf_state_v1_shape() {
        let h = one("state-v1.json", GHTRAF_V1, Some("octo/hello"));
        assert_eq!(days(&h), ["2026-01-10", "2026-01-11", "2026-01-12", "2026-01-13", "2026-01-14"]);
        assert_eq!(h.days[&d("2026-01-11")], t([38, 0, 0, 0]), "a stated zero is a covered zero");
        assert_eq!(h.days[&d("2026-01-14")], t([20, 0, 10, 0]));
        assert_eq!(h.ci[&d("2026-01-14")], CiDay { checkouts: 4, runs: 0 }, "v1 kept no run count");
        assert_eq!(h.ci[&d("2026-01-13")], CiDay { checkouts: 0, runs: 0 });
        assert_eq!(h.stats.len(), 4, "01-13 has no counters");
        assert!(h.stats.iter().all(|(day, s)| s.at == day_start(*day).expect("start") && s.stars == 7));
        assert!(h.popular.is_empty(), "no capturedAt: the top lists cannot be dated");
    }

    #[test]
    fn ghtraf_archive() {
        let h = one("archive-2026-02.json", GHTRAF_ARCHIVE, None);
        assert_eq!(h.repo, "octo/hello");
        assert_eq!(h.days.len(), 8);
        assert_eq!(h.days.keys().next_back(), Some(&d("2026-03-01")), "the next month's 1st is a real observation");
        assert_eq!(h.days[&d("2026-02-23")], t([133, 36, 16, 7]));
        assert_eq!(h.ci[&d("2026-02-25")], CiDay { checkouts: 4, runs: 2 });
        assert_eq!(h.stats[&d("2026-02-24")].at, ts("2026-02-24T00:00:00Z"));
        assert_eq!(h.stats[&d("2026-03-01")].at, ts("2026-03-01T03:09:41Z"));
        assert_eq!(h.totals().clones_uniques, 6 + 7 + 5 + 6 + 6 + 5 + 9 + 2, "monthSummary is not read");
        assert_eq!(one("a.json", GHTRAF_ARCHIVE, Some("OCTO/Hello")).repo, "octo/hello");
        let e = import("a.json", GHTRAF_ARCHIVE, Some("octo/other")).expect_err("another repository");
        assert_eq!(e.to_string(), "a.json: field `repo`: holds the history of octo/hello, not of octo/other");
    }

    #[test]
    fn gitratra_several_repositories() {
        for hint in ["octo", "octo/anything"] {
            let got = import("traffic.txt", GITRATRA, Some(hint)).expect("imports");
            let [hello, world] = got.histories.as_slice() else { panic!("two repositories") };
            assert_eq!((hello.repo.as_str(), world.repo.as_str()), ("octo/hello", "octo/world"));
            assert_eq!(
                days(hello),
                ["2026-02-01", "2026-02-02", "2026-02-03", "2026-02-04", "2026-02-05", "2026-02-06"]
            );
            assert_eq!(hello.days[&d("2026-02-01")], t([140, 31, 12, 5]));
            assert_eq!(hello.days[&d("2026-02-05")], t([45, 12, 0, 0]), "no clones line that day");
            assert_eq!(days(world), ["2026-02-02", "2026-02-03", "2026-02-04"]);
            assert_eq!(world.days[&d("2026-02-04")], t([11, 5, 5, 3]));
        }
        let e = import("traffic.txt", GITRATRA, None).expect_err("bare names need an owner");
        assert_eq!(e.line, Some(2));
        assert!(e.to_string().starts_with("traffic.txt:2: field `repository`: repository `hello`"), "{e}");
        let full = "gitratra_v1\n>someone/tool\n#views\n2026-02-01 3 1\n";
        assert_eq!(one("t.txt", full, None).repo, "someone/tool", "owner/name lines need no hint");
    }

    #[test]
    fn github_repo_stats_aggregate() {
        let h = one("views_clones_aggregate.csv", RS_AGGREGATE, Some("octo/hello"));
        assert_eq!(h.days.len(), 10);
        assert!(!h.days.contains_key(&d("2026-02-16")), "no row: a gap");
        assert_eq!(h.days[&d("2026-02-10")], t([88, 21, 6, 4]));
        assert_eq!(h.days[&d("2026-02-13")], t([64, 17, 0, 0]));
        assert!(h.stats.is_empty() && h.ci.is_empty());
    }

    #[test]
    fn github_repo_stats_stars_forks_and_snapshots() {
        let stars = one("stargazers.csv", RS_STARS, Some("octo/hello"));
        let got: Vec<(String, u64)> = stars.stats.iter().map(|(d, s)| (d.to_string(), s.stars)).collect();
        assert_eq!(
            got,
            [("2025-11-03", 2), ("2025-11-05", 3), ("2025-11-06", 4), ("2025-11-20", 7), ("2026-01-08", 8)]
                .map(|(d, n)| (d.to_string(), n))
        );
        assert!(stars.stats.iter().all(|(day, s)| s.at == day_start(*day).expect("start") && s.forks == 0));
        assert!(stars.days.is_empty(), "counters cover no traffic day");
        let snaps = one("stargazer-snapshots.csv", RS_SNAPSHOTS, Some("octo/hello"));
        assert_eq!(snaps.stats.keys().next(), Some(&d("2026-01-08")), "00:30 at +01:00 is the 8th in UTC");
        assert_eq!(snaps.stats[&d("2026-03-02")].stars, 12);
        let forks = one("forks.csv", RS_FORKS, Some("octo/hello"));
        assert_eq!(forks.stats[&d("2025-12-19")].forks, 3);
        assert_eq!(forks.stats[&d("2025-12-19")].stars, 0);
        // `combine` joins the two series where they meet; `merge` would keep one of them.
        let both = combine(&stars, &forks);
        assert_eq!(both.stats.len(), stars.stats.len() + forks.stats.len());
        let mut collected = History::new("octo/hello");
        let at = ts("2025-11-20T03:17:00Z");
        collected.stats.insert(d("2025-11-20"), RepoStats { at, stars: 6, forks: 1, watchers: 2, open_issues: 0 });
        let mut forks_on_star_day = History::new("octo/hello");
        let midnight = ts("2025-11-20T00:00:00Z");
        let s = RepoStats { at: midnight, stars: 0, forks: 1, watchers: 0, open_issues: 0 };
        forks_on_star_day.stats.insert(d("2025-11-20"), s);
        let joined = combine(&stars, &forks_on_star_day);
        assert_eq!((joined.stats[&d("2025-11-20")].stars, joined.stats[&d("2025-11-20")].forks), (7, 1));
        assert_eq!(combine(&joined, &collected).stats[&d("2025-11-20")], collected.stats[&d("2025-11-20")]);
        assert_eq!(combine(&collected, &joined), combine(&joined, &collected));
    }

    #[test]
    fn repository_traffic_action() {
        let v = one("views.csv", TA_VIEWS, Some("octo/hello"));
        assert_eq!(
            days(&v),
            ["2026-01-20", "2026-01-21", "2026-01-22", "2026-01-24", "2026-01-25", "2026-01-26", "2026-01-27"]
        );
        assert_eq!(v.days[&d("2026-01-24")], t([31, 11, 0, 0]));
        let c = one("clones.csv", TA_CLONES, Some("octo/hello"));
        assert_eq!(days(&c), ["2026-01-20", "2026-01-22", "2026-01-24", "2026-01-26"], "an empty (NaN) row is no day");
        assert_eq!(c.days[&d("2026-01-22")], t([0, 0, 5, 3]));
        let both = v.merge(&c);
        assert_eq!(both.days[&d("2026-01-26")], t([40, 13, 9, 4]));
    }

    #[test]
    fn traffic_to_badge_and_clone_count_badge() {
        let v = one("x/traffic-hello/traffic_views.json", TTB_VIEWS, Some("octo"));
        assert_eq!(v.repo, "octo/hello", "the folder names the repository, the hint its owner");
        assert_eq!(v.days.len(), 6);
        assert_eq!(v.days[&d("2026-01-09")], t([60, 17, 0, 0]));
        assert_eq!(v.totals().views_uniques, 9 + 14 + 8 + 17 + 6 + 10);
        assert_eq!(one("traffic_views.json", TTB_VIEWS, Some("octo/other")).repo, "octo/other", "the hint wins");
        assert!(import("traffic_views.json", TTB_VIEWS, Some("octo")).is_err(), "no folder, no name");
        let c = one("x/traffic-hello/traffic_clones.json", TTB_CLONES, Some("octo"));
        assert_eq!(c.days[&d("2026-01-18")], t([0, 0, 5, 4]));
        let cc = one("clone.json", CLONE_JSON, Some("octo/hello"));
        assert_eq!(cc.days.len(), 15);
        assert_eq!(cc.days[&d("2026-02-03")], t([0, 0, 0, 0]), "an entry of 0 is a covered zero");
        assert_eq!(cc.days[&d("2026-02-12")], t([0, 0, 11, 5]));
        assert_eq!(cc.totals().clones_uniques, 31, "per-day uniques; the answer's 14-day 19 is not read");
    }

    #[test]
    fn weekly_buckets_are_refused() {
        let weekly = r#"{"count":30,"uniques":9,"views":[
            {"timestamp":"2026-01-05T00:00:00Z","count":10,"uniques":3},
            {"timestamp":"2026-01-12T00:00:00Z","count":10,"uniques":3},
            {"timestamp":"2026-01-19T00:00:00Z","count":10,"uniques":3}]}"#;
        let e = import("traffic_views.json", weekly, Some("octo/hello")).expect_err("weekly");
        assert_eq!(e.field.as_deref(), Some("views"));
        assert!(e.message.contains("week"), "{e}");
        let e = import("traffic_views_per_week.json", TTB_VIEWS, Some("octo/hello")).expect_err("weekly file");
        assert!(e.message.contains("week"), "{e}");
    }

    #[test]
    fn gtt_csv_fixture() {
        let got = import("export.csv", GTT_CSV, None).expect("imports");
        let [hello, world] = got.histories.as_slice() else { panic!("two repositories") };
        assert_eq!(hello.days.len(), 6);
        assert!(!hello.days.contains_key(&d("2026-03-06")));
        assert_eq!(hello.days[&d("2026-03-04")], t([107, 30, 20, 8]));
        let s = hello.stats[&d("2026-03-05")];
        assert_eq!((s.at, s.stars, s.forks, s.watchers, s.open_issues), (ts("2026-03-05T00:00:00Z"), 42, 5, 9, 3));
        assert_eq!(hello.stats.len(), 4);
        assert_eq!(hello.ci[&d("2026-03-02")], CiDay { checkouts: 2, runs: 1 });
        assert_eq!(hello.ci[&d("2026-03-04")], CiDay { checkouts: 6, runs: 2 });
        assert_eq!(hello.ci[&d("2026-03-05")], CiDay { checkouts: 7, runs: 2 });
        assert_eq!(hello.ci[&d("2026-03-03")], CiDay { checkouts: 0, runs: 0 });
        assert!(!hello.ci.contains_key(&d("2026-03-01")), "empty: CI not counted that day");
        assert_eq!(world.ci.len(), 0);
        // Exporting again gives the same rows (the downloads column is derived from assets,
        // which a CSV does not carry).
        let again = crate::csv(&got.histories);
        // The first 13 columns; downloads are derived from assets, which a CSV does not
        // carry, and the fixture predates the last two columns.
        let strip =
            |s: &str| s.lines().map(|l| l.split(',').take(13).collect::<Vec<_>>().join(",")).collect::<Vec<_>>();
        assert_eq!(strip(&again), strip(GTT_CSV));
    }

    #[test]
    fn gtt_json_fixture() {
        let got = import("export.json", GTT_JSON, None).expect("imports");
        let [hello, world] = got.histories.as_slice() else { panic!("two repositories") };
        assert_eq!(hello.assets[&987_654].total(), 47);
        assert_eq!(hello.downloads(), 59);
        assert_eq!(world.days.len(), 2);
        // The hand-written fixture is exactly what gtt exports for what it imports as.
        let fixture: Value = serde_json::from_str(GTT_JSON).expect("json");
        let exported: Vec<Value> = got.histories.iter().map(crate::export_json).collect();
        assert_eq!(Some(&Value::Array(exported)), fixture.get("repos"));
        // A single stored history file is read too, and must be the hinted repository's.
        let stored = hello.to_json();
        assert_eq!(&one("octo.hello.json", &stored, Some("octo/hello")), hello);
        let e = import("octo.hello.json", &stored, Some("octo/world")).expect_err("wrong repository");
        assert_eq!(e.field.as_deref(), Some("repo"));
        let newer = stored.replacen("\"schema\":1", "\"schema\":2", 1);
        let e = import("octo.hello.json", &newer, None).expect_err("newer schema");
        assert!(e.message.contains("newer gtt"), "{e}");
    }

    /// A history as collections build it: several runs, each with its 14-day window,
    /// repository counters, release assets, top lists and CI runs.
    fn collected() -> History {
        let mut h = History::new("octo/hello");
        for (i, at) in ["2026-03-01T03:17:09Z", "2026-03-02T03:16:58Z", "2026-03-02T15:40:00Z", "2026-03-05T03:17:30Z"]
            .into_iter()
            .enumerate()
        {
            let at = ts(at);
            let today = utc_day(at);
            let i = i as u64;
            let back = |n: i32| today.checked_sub(jiff::Span::new().days(n)).expect("day");
            let obs = Observation {
                views: (0..14).map(|k| (back(k), 10 * (k as u64) + i, (k as u64) + i)).collect(),
                clones: (1..14).step_by(2).map(|k| (back(k), 5 + k as u64 + i, 2 + i)).collect(),
                stats: Some((40 + i, 5, 9, 3 - i.min(3))),
                created_at: Some(ts("2025-11-02T14:21:09Z")),
                assets: vec![
                    ObservedAsset { id: 7, release: "v1.0.0".into(), name: "a.tgz".into(), downloads: 10 + 3 * i },
                    ObservedAsset { id: 9, release: "v1.1.0".into(), name: "b.zip".into(), downloads: 2 * i },
                ],
                referrers: vec![Referrer { referrer: "github.com".into(), count: 9 + i, uniques: 3 }],
                paths: vec![PopularPath {
                    path: "/octo/hello".into(),
                    title: "octo/hello".into(),
                    count: 4,
                    uniques: 2,
                }],
                ci: Some(CiObservation {
                    first: back(3),
                    last: back(1),
                    runs: vec![
                        ObservedRun { id: 100 + i, checkouts: BTreeMap::from([(back(1), 2)]) },
                        ObservedRun { id: 200 + i, checkouts: BTreeMap::from([(back(2), 3), (back(3), 1)]) },
                        ObservedRun { id: 300 + i, checkouts: BTreeMap::from([(back(1), 1)]) },
                    ],
                    pages: BTreeMap::from([(back(2), 1)]),
                }),
                ..Observation::default()
            };
            h = h.merge(&History::from_observation("octo/hello", at, &obs));
        }
        h
    }

    #[test]
    fn gtt_json_round_trip_is_lossless() {
        let h = collected();
        assert!(!h.stats.is_empty() && !h.ci.is_empty() && !h.assets.is_empty() && !h.popular.is_empty());
        let text = serde_json::json!({ "schema": history::SCHEMA, "repos": [crate::export_json(&h)] }).to_string();
        let back = one("export.json", &text, None);
        // Everything but the internal CI run cache, which the export leaves out.
        assert_eq!(back, History { ci_cache: BTreeMap::new(), ..h.clone() });
        assert_eq!(back.assets, h.assets);
        assert_eq!(back.daily_downloads(), h.daily_downloads());
        // The stored form keeps even the cache.
        assert_eq!(one("octo.hello.json", &h.to_json(), None), h);
    }

    #[test]
    fn gtt_csv_round_trip() {
        let h = collected();
        assert!(!h.stats.is_empty() && !h.ci.is_empty());
        let text = crate::csv(std::slice::from_ref(&h));
        let back = one("export.csv", &text, None);
        // `ci_runs` and `stats_at` make the round trip exact for days, counters and CI.
        assert_eq!((&back.days, &back.stats, &back.ci), (&h.days, &h.stats, &h.ci));
        for day in h.days.keys() {
            assert_eq!(back.organic(*day), h.organic(*day));
        }
        // Merged into the collected history, the import changes nothing.
        assert_eq!(h.merge(&back).days, h.days);
        assert_eq!(h.merge(&back).stats, h.stats);
        // An older CSV without the two columns still imports, with a lower bound for runs.
        let short: String = text
            .lines()
            .map(|l| {
                let cols: Vec<&str> = l.split(',').collect();
                format!("{}\n", cols.get(..14).map(|c| c.join(",")).unwrap_or_default())
            })
            .collect();
        let back = one("export.csv", &short, None);
        assert_eq!(back.days, h.days);
        for (day, c) in &h.ci {
            assert_eq!(back.ci[day].checkouts, c.checkouts);
            assert!(back.ci[day].runs <= c.runs, "a lower bound");
        }
    }

    #[test]
    fn an_import_raises_what_it_should_and_lowers_nothing() {
        let stored = collected();
        let imported = one("views_clones_aggregate.csv", RS_AGGREGATE, Some("octo/hello"));
        let mut overlap = imported.clone();
        let first = *stored.days.keys().next_back().expect("a day");
        overlap.days.insert(first, t([1_000, 1, 0, 0]));
        let merged = stored.merge(&overlap);
        assert!(stored.check_no_loss(&merged).is_ok());
        assert_eq!(merged.days[&first].views, 1_000, "raised");
        assert_eq!(merged.days[&first].clones, stored.days[&first].clones, "not lowered");
        assert!(merged.days.contains_key(&d("2026-02-10")), "the import covers days the history never saw");
        // The import's own gap (02-16) stays a gap: it takes nothing there, the stored day stays.
        assert_eq!(imported.gaps().first().map(|g| (g.first, g.last)), Some((d("2026-02-16"), d("2026-02-16"))));
        assert_eq!(merged.days[&d("2026-02-16")], stored.days[&d("2026-02-16")]);
        assert!(!History::new("octo/hello").merge(&imported).days.contains_key(&d("2026-02-16")));
    }

    #[test]
    fn dates_accept_the_tools_forms_and_refuse_shifted_buckets() {
        for s in [
            "2026-03-01",
            "2026-03-01T00:00:00Z",
            "2026-03-01T00:00:00+00:00",
            "2026-03-01 00:00:00+00:00",
            "2026-03-01 00:00:00",
            "2026-03-01T00:00:00.000Z",
            " 2026-03-01T00:00:00-00:00 ",
            "2026-03-01T01:00:00+01:00",
        ] {
            assert_eq!(parse_day(s), Ok(d("2026-03-01")), "{s}");
        }
        for s in [
            "2026-03-01T00:00:00+02:00",
            "2026-03-01 05:00:00",
            "2026-03-01T23:59:59Z",
            "2026-02-30",
            "",
            "03/01/2026",
            "2026-03-01T",
        ] {
            assert!(parse_day(s).is_err(), "{s}");
        }
        assert_eq!(parse_instant("2026-01-09 00:30:12+01:00"), Ok(ts("2026-01-08T23:30:12Z")));
        assert_eq!(parse_instant("2026-01-09"), Ok(ts("2026-01-09T00:00:00Z")));
        assert_eq!(parse_count("12"), Ok(Some(12)));
        assert_eq!(parse_count("12.0"), Ok(Some(12)));
        assert_eq!(parse_count(" "), Ok(None));
        assert_eq!(parse_count("NaN"), Ok(None));
        for s in ["-1", "1.5", "1e400", "inf", "x", "99999999999999999999999"] {
            assert!(parse_count(s).is_err(), "{s}");
        }
    }

    #[test]
    fn corrupted_fixtures_name_the_file_and_the_line_or_field() {
        // (fixture, text to replace, replacement, expected start of the message)
        let cases: &[(usize, &str, &str, &str)] = &[
            (
                0,
                "\"clones\": 15,",
                "\"clones\": -15,",
                "ghtraf/state.json: field `dailyHistory[2].clones`: -15 is not a count",
            ),
            (
                0,
                "\"date\": \"2026-03-05T00:00:00Z\"",
                "\"date\": \"2026-03-05T00:00:00+02:00\"",
                "ghtraf/state.json: field `dailyHistory[3].date`: `2026-03-05T00:00:00+02:00` does not start a UTC day",
            ),
            (
                0,
                "\"schemaVersion\": 3",
                "\"schemaVersion\": 4",
                "ghtraf/state.json: field `schemaVersion`: ghtraf schema 4",
            ),
            (
                0,
                "\"total\": 4,\n      \"runs\": 2,",
                "\"runs\": 2,",
                "ghtraf/state.json: field `ciCheckouts.2026-03-07.total`: missing",
            ),
            (1, "\"uniques\": 14", "\"uniques\": \"many\"", "ghtraf/state-v1.json: field `referrers[0].uniques`"),
            (
                2,
                "\"date\": \"2026-02-25T00:00:00Z\"",
                "\"date\": 20260225",
                "ghtraf/archive-2026-02.json: field `dailyHistory[3].date`: 20260225 is not a string",
            ),
            (2, "\"repo\": \"octo/hello\"", "\"repo\": \"octo/hel lo\"", "ghtraf/archive-2026-02.json: field `repo`"),
            (3, "2026-02-04 7 4", "2026-02-04 7", "gitratra/traffic.txt:7: expected `YYYY-MM-DD count uniques`"),
            (3, "#views\n2026-02-01", "#vues\n2026-02-01", "gitratra/traffic.txt:9: field `metric`"),
            (3, "2026-02-03 14 6", "2026-02-33 14 6", "gitratra/traffic.txt:22: field `date`"),
            (
                4,
                "2026-02-12 00:00:00+00:00",
                "2026-02-12 00:00:00+02:00",
                "ghrs-data/views_clones_aggregate.csv:4: field `time_iso8601`: `2026-02-12 00:00:00+02:00` does not start a UTC day",
            ),
            (4, "8,5,97,24", "8,5,97", "ghrs-data/views_clones_aggregate.csv:9: expected 5 comma-separated fields"),
            (5, ",4\n", ",four\n", "ghrs-data/stargazers.csv:5: field `stars_cumulative`: `four` is not a count"),
            (
                6,
                "2026-02-14 18:02:55",
                "2026-02-14 18:62:55",
                "ghrs-data/stargazer-snapshots.csv:3: field `time_iso8601`",
            ),
            (7, "08:01:12+00:00,2", "08:01:12+00:00,2,7", "ghrs-data/forks.csv:3: expected 2 comma-separated fields"),
            (8, "2026-01-22,9,4", "2026-01-22,9,x", "traffic/views.csv:4: field `unique_views`: `x` is not a count"),
            (9, "5.0,3.0", "5.5,3.0", "traffic/clones.csv:4: field `total_clones`: `5.5` is not a count"),
            (
                10,
                "2026-01-07T00:00:00Z",
                "2026-13-07T00:00:00Z",
                "traffic/traffic-hello/traffic_views.json: field `views[2].timestamp`",
            ),
            (
                11,
                "\"count\": 8,",
                "\"count\": 8.5,",
                "traffic/traffic-hello/traffic_clones.json: field `clones[2].count`: 8.5 is not a count",
            ),
            (
                12,
                "\"count\": 7,",
                "\"count\": \"seven\",",
                "clone.json: field `clones[3].count`: \"seven\" is not a count",
            ),
            (
                12,
                "\"uniques\": 3\n    },\n    {\n      \"timestamp\": \"2026-02-05",
                "\"uniq\": 3\n    },\n    {\n      \"timestamp\": \"2026-02-05",
                "clone.json: field `clones[3].uniques`: missing",
            ),
            (
                13,
                "octo/hello,2026-03-03",
                "octo hello,2026-03-03",
                "export.csv:4: field `repo`: `octo hello` is not a repository",
            ),
            (13, "octo/world,2026-03-06,9,3", "octo/world,2026-03-06,nine,3", "export.csv:9: field `views`: "),
            (
                14,
                "\"2026-03-07\":[9,3,0,0]",
                "\"2026-03-07\":[9,3,0]",
                "export.json: field `repos[1]`: not a gtt history",
            ),
            (14, "\"repo\":\"octo/world\"", "\"repo\":\"world\"", "export.json: field `repos[1].repo`"),
        ];
        for (i, from, to, want) in cases {
            let (file, content, _, hint) = FIXTURES[*i];
            assert!(content.contains(from), "{file}: {from:?} not in the fixture");
            let bad = content.replacen(from, to, 1);
            let e = import(file, &bad, hint).expect_err(want);
            let shown = e.to_string();
            assert!(shown.starts_with(want), "{file}: got {shown:?}, want {want:?}");
            assert!(e.line.is_some() || e.field.is_some(), "{shown}");
        }
        // Truncated JSON names the line where it stopped.
        let (file, content, _, hint) = FIXTURES[0];
        let cut = content.get(..content.len() / 2).expect("half");
        let e = import(file, cut, hint).expect_err("truncated");
        assert!(e.line.is_some_and(|l| l > 1) && e.message.starts_with("not valid JSON"), "{e}");
    }

    #[test]
    fn unknown_inputs_are_named() {
        let cases = [
            ("", "empty"),
            ("  \n\n", "empty"),
            ("\u{feff}", "empty"),
            ("{}", "none of the formats"),
            ("[]", "none of the formats"),
            ("[{\"referrer\":\"github.com\",\"count\":3,\"uniques\":1}]", "no days"),
            ("{\"schemaVersion\":1,\"label\":\"views\",\"message\":\"12\",\"color\":\"blue\"}", "shields endpoint"),
            ("{\"schema\":1,\"month\":\"2026-02\",\"repos\":{}}", "monthly archive"),
            ("date,views\n2026-01-01,3\n", "not the header of any format"),
        ];
        for (content, want) in cases {
            let e = import("x", content, Some("octo/hello")).expect_err(content);
            assert!(e.to_string().starts_with("x") && e.message.contains(want), "{content:?}: {e}");
        }
        let e = import("x", GTT_CSV, Some("not a repo")).expect_err("bad hint");
        assert!(e.message.contains("repository hint"), "{e}");
    }

    /// A tiny deterministic generator, as in the history tests.
    struct Rng(u64);
    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n.max(1) as u64) as usize
        }
    }

    #[test]
    fn truncated_and_garbled_fixtures_never_panic() {
        const NASTY: &[&str] = &[
            "\"",
            ",",
            "\n",
            "{",
            "}",
            "[",
            "]",
            "-",
            "9",
            "x",
            " ",
            ">",
            "#",
            ":",
            "Z",
            "+",
            "\u{feff}",
            "é",
            "0",
            "99999999999999999999999",
            "-1",
            "1e999",
            "null",
            "T",
            ".",
            "\r\n",
            "\\u0000",
            "NaN",
            "9999-12-31",
            "-9999-01-01",
        ];
        let mut r = Rng(0x2545_F491_4F6C_DD1D);
        let mut outcomes = (0usize, 0usize);
        let mut run = |file: &str, text: &str, hint: Option<&str>| match import(file, text, hint) {
            Ok(_) => outcomes.0 += 1,
            Err(e) => {
                assert!(!e.message.is_empty() && e.file == file);
                outcomes.1 += 1;
            }
        };
        for (file, content, _, hint) in FIXTURES {
            let bounds: Vec<usize> = (0..=content.len()).filter(|i| content.is_char_boundary(*i)).collect();
            let step = (bounds.len() / 400).max(1);
            for cut in bounds.iter().step_by(step) {
                let text = content.get(..*cut).unwrap_or_default();
                run(file, text, *hint);
                run(file, content.get(*cut..).unwrap_or_default(), *hint);
            }
            for _ in 0..300 {
                let mut text = content.to_string();
                for _ in 0..=r.below(3) {
                    let cuts: Vec<usize> = (0..=text.len()).filter(|i| text.is_char_boundary(*i)).collect();
                    let a = cuts.get(r.below(cuts.len())).copied().unwrap_or(0);
                    let b = cuts.get(r.below(cuts.len())).copied().unwrap_or(0);
                    let (a, b) = (a.min(b), a.max(b).min(a.min(b) + 1 + r.below(12)));
                    let b = if text.is_char_boundary(b) { b } else { a };
                    let with = NASTY.get(r.below(NASTY.len())).copied().unwrap_or("");
                    let with = if r.below(4) == 0 { "" } else { with };
                    text.replace_range(a..b, with);
                }
                if r.below(5) == 0 {
                    let lines: Vec<&str> = text.lines().collect();
                    let k = r.below(lines.len());
                    let mut v: Vec<String> = lines.iter().map(ToString::to_string).collect();
                    if let Some(l) = lines.get(k) {
                        v.insert(k, l.to_string());
                    }
                    text = v.join("\n");
                }
                for hint in [*hint, None, Some("octo"), Some("octo/hello")] {
                    run(file, &text, hint);
                }
            }
        }
        assert!(outcomes.0 > 100 && outcomes.1 > 100, "both outcomes exercised: {outcomes:?}");
    }

    #[test]
    fn asset_type_is_what_the_json_export_carries() {
        // Guards the fixture's shape against the stored model.
        let a: Asset =
            serde_json::from_str(r#"{"seen":"2026-03-07","release":"v1","name":"a","counts":{"2026-03-07":3}}"#)
                .expect("asset");
        assert_eq!(a.total(), 3);
        assert_eq!(organic(t([0, 0, 4, 2]), Some(CiDay { checkouts: 4, runs: 1 })).clones, 0);
    }

    #[test]
    fn a_single_metric_file_leaves_the_other_metric_a_gap() {
        let views = one("views.csv", TA_VIEWS, Some("octo/hello"));
        assert!(!views.days.is_empty());
        let clone_bits = history::UNKNOWN_CLONES | history::UNKNOWN_CLONES_UNIQUES;
        for day in views.days.keys() {
            assert_eq!(views.unknown_on(*day), clone_bits, "{day}: clones were not in the file");
        }
        let clones = one("clones.csv", TA_CLONES, Some("octo/hello"));
        let both = views.merge(&clones);
        let shared: Vec<_> = views.days.keys().filter(|d| clones.days.contains_key(d)).collect();
        assert!(!shared.is_empty());
        for day in shared {
            assert_eq!(both.unknown_on(*day), 0, "{day}: both files together observed everything");
        }
    }
}
