//! Importers: other traffic tools' files, and gtt's own exports, as history fragments.
//!
//! GitHub keeps traffic for 14 days; people who tracked it before gtt kept it in another
//! tool's files. Importing them lets a history start years before gtt's first collection,
//! and lets gtt's own exports move a history between stores.
//!
//! [`import`] is pure: it takes a file's name and its content, detects the format **by
//! content** (file names vary between setups; the name only appears in messages, and is a
//! fallback for the repository where a format does not carry one), and returns one
//! [`History`] fragment per repository found. Fragments merge into stored history with
//! [`History::merge`] like any collection: per-day maximum, nothing lowered, gaps stay
//! gaps unless the import covers them.
//!
//! | [`Format`] | file | source tool | read by |
//! |---|---|---|---|
//! | `Ghtraf`, `GhtrafArchive` | `state.json` (schemaVersion 1 to 3), `archive-YYYY-MM.json` | ghtraf, <https://github.com/djdarcy/github-traffic-tracker> | [`ghtraf`] |
//! | `Gitratra` | `gitratra_v1` text file, several repositories | GiTraTra, <https://github.com/BenoitMorel/GiTraTra> | [`gitratra`] |
//! | `RepoStatsCsv`, `RepoStatsStargazers`, `RepoStatsForks` | `views_clones_aggregate.csv`, `stargazers.csv` / `stargazer-snapshots.csv`, `forks.csv` | github-repo-stats, <https://github.com/jgehrcke/github-repo-stats> | [`repo_stats`] |
//! | `TrafficActionViews`, `TrafficActionClones` | `views.csv`, `clones.csv` | repository-traffic-action, <https://github.com/sangonzal/repository-traffic-action> | [`traffic_action`] |
//! | `TrafficToBadge` | `traffic-NAME/traffic_views.json`, `traffic_clones.json` | traffic-to-badge, <https://github.com/yi-Xu-0100/traffic-to-badge> | [`traffic_to_badge`] |
//! | `CloneCountBadge` | `clone.json` | github-clone-count-badge, <https://github.com/MShawon/github-clone-count-badge> | [`clone_count`] |
//! | `GttCsv`, `GttJson`, `GttNdjson` | `gtt export --format csv` / `json` / `ndjson`, a stored history file | gtt | [`gtt`] |
//!
//! Rules every importer follows:
//! - A day enters `days` only where the source has a row or an entry for it; a row that
//!   holds no figure at all (pandas' empty `NaN` cells) is skipped, not read as zero. A
//!   source that states a day with 0 gives a covered day of 0.
//! - Only per-day figures are read. Totals a source keeps (ghtraf's `totalUniqueClones`,
//!   the `count`/`uniques` heading an API answer, archive summaries) are ignored: uniques
//!   are never summed across days.
//! - Day buckets must be UTC days; a bucket that does not start at 00:00 UTC is refused,
//!   since it would land on the wrong day. Point-in-time events (a star, a fork, a
//!   snapshot) may carry any offset and count for their UTC day ([`table`] has the forms).
//! - A figure a source does not have is recorded as not observed on a day it covers
//!   ([`fragment`]): `views.csv` alone leaves clones unknown, ghtraf entries written
//!   before it kept uniques leave uniques unknown. A 0 a source does not state never
//!   lowers anything another source brings.
//! - Repository counters that come from a source without a collection time (stars and
//!   forks series, snapshots without `capturedAt` on their day, gtt's CSV without
//!   `stats_at`) are stamped 00:00 UTC of their day, so any snapshot gtt itself took that
//!   day takes precedence. A stars series cannot know forks (and the reverse): [`combine`]
//!   joins such fragments field by field.
//! - Not imported: daily download deltas (ghtraf's `downloads`, the CSV's `downloads`
//!   column), since gtt keeps cumulative counts per release asset and a delta names no
//!   asset; ghtraf's `trackingSince`, since as gtt's `first_collected` it would turn the
//!   asset counts of gtt's own first collection into downloads of that day.
//!
//! Repositories ([`repo`]): formats that name one use it (`owner/name`); a bare name
//! (GiTraTra's `>hello`, traffic-to-badge's `traffic-hello/` folder) takes the owner of
//! `repo_hint` (`owner` or any `owner/name` of that owner); formats that name none take
//! `repo_hint`, which must then be `owner/name`. A single-repository file naming another
//! repository than an `owner/name` hint is refused, so a file is never merged into the
//! wrong history.
//!
//! Errors ([`Error`]) name the file and the line or field, and say why ([`Problem`]).

mod clone_count;
mod error;
mod fragment;
mod ghtraf;
mod gitratra;
mod gtt;
mod json;
mod repo;
mod repo_stats;
mod table;
#[cfg(test)]
mod testkit;
mod traffic_action;
mod traffic_to_badge;

use std::fmt;

use serde_json::Value;

pub(crate) use error::{Error, Problem};

use crate::history::{History, RepoStats};
use error::Ctx;
use fragment::Metric;
use repo::Hint;
use repo_stats::Counter;
use traffic_to_badge::{API_SPAN_DAYS, api_list, span_days};

/// The formats [`import`] reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Format {
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
    /// `gtt export --format ndjson`: the CSV's rows as one JSON object per line.
    GttNdjson,
}

impl Format {
    pub(crate) const ALL: [Format; 13] = [
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
        Format::GttNdjson,
    ];

    /// What the format is, for messages.
    pub(crate) fn describe(self) -> &'static str {
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
            Format::GttNdjson => "gtt NDJSON export",
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
pub(crate) struct Imported {
    pub(crate) format: Format,
    pub(crate) histories: Vec<History>,
}

/// Detects the format of `content` (see the module documentation), parses it, and returns
/// one history fragment per repository. `file` names the file in errors (and, for
/// traffic-to-badge, its `traffic-NAME/` folder is a fallback for the repository name);
/// `repo_hint` is the repository (`owner/name`) to attribute data to when the file names
/// none, or the owner of the bare names some formats use.
pub(crate) fn import(file: &str, content: &str, repo_hint: Option<&str>) -> Result<Imported, Error> {
    let ctx = Ctx { file };
    let hint = Hint::parse(&ctx, repo_hint)?;
    let content = content.strip_prefix('\u{feff}').unwrap_or(content);
    let sniffed = sniff(&ctx, content)?;
    let Some(format) = detect_sniffed(&sniffed) else {
        return Err(unknown(&ctx, &sniffed));
    };
    let histories = read(&ctx, &sniffed, format, content, &hint)?;
    Ok(Imported { format, histories: histories.into_iter().map(History::normalized).collect() })
}

/// Reads `content` as `format`, the one detection found in `sniffed`.
fn read(ctx: &Ctx<'_>, sniffed: &Sniffed, format: Format, content: &str, hint: &Hint) -> Result<Vec<History>, Error> {
    match (sniffed, format) {
        (Sniffed::Json(Value::Object(root)), Format::Ghtraf) => ghtraf::read(ctx, root, hint, false),
        (Sniffed::Json(Value::Object(root)), Format::GhtrafArchive) => ghtraf::read(ctx, root, hint, true),
        (Sniffed::Json(Value::Object(root)), Format::TrafficToBadge) => traffic_to_badge::api_answer(ctx, root, hint),
        (Sniffed::Json(Value::Object(root)), Format::CloneCountBadge) => clone_count::read(ctx, root, hint),
        (Sniffed::Json(Value::Object(root)), Format::GttJson) => gtt::read_json(ctx, root, hint),
        (_, Format::Gitratra) => gitratra::read(ctx, content, hint),
        (_, Format::RepoStatsCsv) => repo_stats::read_traffic(ctx, content, hint),
        (_, Format::RepoStatsStargazers) => repo_stats::read_counter(ctx, content, hint, Counter::Stars),
        (_, Format::RepoStatsForks) => repo_stats::read_counter(ctx, content, hint, Counter::Forks),
        (_, Format::TrafficActionViews) => traffic_action::read(ctx, content, hint, Metric::Views),
        (_, Format::TrafficActionClones) => traffic_action::read(ctx, content, hint, Metric::Clones),
        (_, Format::GttCsv) => gtt::read_csv(ctx, content),
        (Sniffed::JsonLines(lines), Format::GttNdjson) => gtt::read_ndjson(ctx, lines),
        (Sniffed::Json(Value::Object(o)), Format::GttNdjson) => gtt::read_ndjson(ctx, &[(1, o.clone())]),
        _ => Err(unknown(ctx, sniffed)),
    }
}

/// The format [`import`] would read `content` as, if any.
pub(crate) fn detect(content: &str) -> Option<Format> {
    let content = content.strip_prefix('\u{feff}').unwrap_or(content);
    sniff(&Ctx { file: "" }, content).ok().as_ref().and_then(detect_sniffed)
}

/// [`History::merge`], except that two repository snapshots of the same day stamped at the
/// same instant are joined field by field instead of one replacing the other. Imported
/// counters without a collection time are all stamped 00:00 UTC, so this joins a stars
/// series and a forks series of the same repository into one snapshot per day; a snapshot
/// gtt took itself (later that day) still wins, as with `merge`.
pub(crate) fn combine(a: &History, b: &History) -> History {
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
// Detection

enum Sniffed {
    Json(Value),
    /// One JSON object per line (NDJSON) with its 1-based line, blank lines left out.
    JsonLines(Vec<(usize, json::Object)>),
    Gitratra,
    /// The first non-blank line's comma-separated cells, trimmed and lower-cased.
    Header(Vec<String>),
}

fn sniff(ctx: &Ctx<'_>, content: &str) -> Result<Sniffed, Error> {
    let t = content.trim_start();
    if t.starts_with('{') || t.starts_with('[') {
        return match serde_json::from_str::<Value>(content) {
            Ok(v) => Ok(Sniffed::Json(v)),
            Err(e) => json_lines(ctx, content)
                .unwrap_or_else(|| Err(ctx.error(Some(e.line()).filter(|l| *l > 0), None, Problem::Json(e)))),
        };
    }
    match content.lines().map(str::trim).find(|l| !l.is_empty()) {
        None => Err(ctx.whole(Problem::Empty)),
        Some("gitratra_v1") => Ok(Sniffed::Gitratra),
        Some(line) => Ok(Sniffed::Header(table::header_cells(line).unwrap_or_default())),
    }
}

/// NDJSON: content that is not one JSON value but whose first line is an object. None
/// when the first line is not one (the content is then broken JSON); a later line that
/// is not an object is named.
fn json_lines(ctx: &Ctx<'_>, content: &str) -> Option<Result<Sniffed, Error>> {
    let mut lines = content.lines().enumerate().map(|(i, l)| (i + 1, l)).filter(|(_, l)| !l.trim().is_empty());
    let (first, line) = lines.next()?;
    let Ok(Value::Object(o)) = serde_json::from_str::<Value>(line) else { return None };
    let mut out = vec![(first, o)];
    for (n, line) in lines {
        match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(o)) => out.push((n, o)),
            Ok(_) => return Some(Err(ctx.line(n, Problem::NotAnObject(format!("line {n}"))))),
            Err(e) => return Some(Err(ctx.line(n, Problem::Json(e)))),
        }
    }
    Some(Ok(Sniffed::JsonLines(out)))
}

/// An object with the leading keys of a gtt CSV/NDJSON row (and not a history's `schema`).
fn is_gtt_row(o: &json::Object) -> bool {
    ["repo", "date", "views", "views_uniques", "clones", "clones_uniques"].iter().all(|k| o.contains_key(*k))
        && !o.contains_key("schema")
}

fn detect_sniffed(s: &Sniffed) -> Option<Format> {
    let mut found = Format::ALL.into_iter().filter(|f| matches(*f, s));
    let first = found.next()?;
    found.next().is_none().then_some(first)
}

fn header_is(h: &[String], want: &[&str]) -> bool {
    h.len() == want.len() && want.iter().all(|w| h.iter().any(|c| c == w))
}

fn matches(f: Format, s: &Sniffed) -> bool {
    match (f, s) {
        (Format::Gitratra, Sniffed::Gitratra) => true,
        (Format::Ghtraf, Sniffed::Json(Value::Object(o))) => {
            o.get("dailyHistory").is_some_and(Value::is_array) && !ghtraf::is_archive(o)
        }
        (Format::GhtrafArchive, Sniffed::Json(Value::Object(o))) => {
            o.get("dailyHistory").is_some_and(Value::is_array) && ghtraf::is_archive(o)
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
        (Format::GttNdjson, Sniffed::JsonLines(lines)) => lines.first().is_some_and(|(_, o)| is_gtt_row(o)),
        (Format::GttNdjson, Sniffed::Json(Value::Object(o))) => is_gtt_row(o),
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
    match s {
        Sniffed::Json(Value::Array(list))
            if list
                .first()
                .and_then(Value::as_object)
                .is_some_and(|o| o.contains_key("referrer") || o.contains_key("path")) =>
        {
            ctx.whole(Problem::TopList)
        }
        Sniffed::Json(Value::Object(o)) if o.contains_key("schemaVersion") && o.contains_key("message") => {
            ctx.whole(Problem::ShieldsBadge)
        }
        Sniffed::Json(Value::Object(o)) if o.contains_key("month") && o.get("repos").is_some_and(Value::is_object) => {
            ctx.whole(Problem::GttArchive)
        }
        Sniffed::Json(_) | Sniffed::JsonLines(_) => ctx.whole(Problem::UnknownJson),
        Sniffed::Gitratra | Sniffed::Header(_) => ctx.line(1, Problem::UnknownHeader),
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::testkit::{FIXTURES, GTT_CSV, RS_AGGREGATE, collected, d, one, t};
    use super::*;

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
                let problem = e.problem.to_string();
                assert!(problem.contains("repository") || problem.contains("owner"), "{file}: {e}");
            }
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

    /// (fixture, text to replace, replacement, expected start of the message)
    const CORRUPTIONS: &[(usize, &str, &str, &str)] = &[
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
        (6, "2026-02-14 18:02:55", "2026-02-14 18:62:55", "ghrs-data/stargazer-snapshots.csv:3: field `time_iso8601`"),
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
        (12, "\"count\": 7,", "\"count\": \"seven\",", "clone.json: field `clones[3].count`: \"seven\" is not a count"),
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
        (14, "\"2026-03-07\":[9,3,0,0]", "\"2026-03-07\":[9,3,0]", "export.json: field `repos[1]`: not a gtt history"),
        (14, "\"repo\":\"octo/world\"", "\"repo\":\"world\"", "export.json: field `repos[1].repo`"),
        (15, "\"views\":120,", "\"views\":\"many\",", "export.ndjson:1: field `views`: "),
        (15, "\"date\":\"2026-03-02\"", "\"date\":\"March 2\"", "export.ndjson:2: field `date`: "),
    ];

    #[test]
    fn corrupted_fixtures_name_the_file_and_the_line_or_field() {
        for (i, from, to, want) in CORRUPTIONS {
            let (file, content, _, hint) = FIXTURES[*i];
            assert!(content.contains(from), "{file}: {from:?} not in the fixture");
            let bad = content.replacen(from, to, 1);
            let e = import(file, &bad, hint).expect_err(want);
            let shown = e.to_string();
            assert!(shown.starts_with(want), "{file}: got {shown:?}, want {want:?}");
            assert!(e.line.is_some() || e.field.is_some(), "{shown}");
        }
        // Truncated JSON names the line where it stopped, and the parser's reason.
        let (file, content, _, hint) = FIXTURES[0];
        let cut = content.get(..content.len() / 2).expect("half");
        let e = import(file, cut, hint).expect_err("truncated");
        assert!(e.line.is_some_and(|l| l > 1) && matches!(e.problem, Problem::Json(_)), "{e}");
        assert!(e.to_string().contains(": not valid JSON: "), "{e}");
        // A bad date says what the date parser found wrong.
        let (file, content, _, hint) = FIXTURES[4];
        let e = import(file, &content.replacen("2026-02-12", "2026-02-32", 1), hint).expect_err("bad date");
        assert!(std::error::Error::source(&e).is_some(), "{e}");
        assert!(e.to_string().len() > format!("{}", e.problem).len() + file.len() + 20, "{e}");
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
            assert!(e.to_string().starts_with("x") && e.problem.to_string().contains(want), "{content:?}: {e}");
        }
        let e = import("x", GTT_CSV, Some("not a repo")).expect_err("bad hint");
        assert!(matches!(e.problem, Problem::BadHint(_)), "{e}");
        assert!(e.to_string().contains("repository hint"), "{e}");
    }

    /// Imports `text`: it either reads or is refused with an error naming the file; it never
    /// panics. Returns whether it read.
    fn reads_or_names_the_file(file: &str, text: &str, hint: Option<&str>) -> bool {
        match import(file, text, hint) {
            Ok(_) => true,
            Err(e) => {
                assert!(!e.problem.to_string().is_empty() && e.file == file, "{e}");
                false
            }
        }
    }

    #[test]
    fn truncated_fixtures_never_panic() {
        let mut outcomes = (0usize, 0usize);
        for (file, content, _, hint) in FIXTURES {
            let bounds: Vec<usize> = (0..=content.len()).filter(|i| content.is_char_boundary(*i)).collect();
            let step = (bounds.len() / 400).max(1);
            for cut in bounds.iter().step_by(step) {
                for text in [content.get(..*cut), content.get(*cut..)] {
                    match reads_or_names_the_file(file, text.unwrap_or_default(), *hint) {
                        true => outcomes.0 += 1,
                        false => outcomes.1 += 1,
                    }
                }
            }
        }
        assert!(outcomes.0 > 100 && outcomes.1 > 100, "both outcomes exercised: {outcomes:?}");
    }

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

    /// One edit: at a position, remove up to 12 characters and put a nasty piece (or
    /// nothing) in their place.
    fn edit() -> impl Strategy<Value = (prop::sample::Index, usize, Option<&'static str>)> {
        (any::<prop::sample::Index>(), 0..=12usize, prop::option::weighted(0.75, prop::sample::select(NASTY)))
    }

    fn garble(
        content: &str,
        edits: &[(prop::sample::Index, usize, Option<&'static str>)],
        dup: Option<prop::sample::Index>,
    ) -> String {
        let mut text = content.to_string();
        for (at, len, with) in edits {
            let bounds: Vec<usize> = (0..=text.len()).filter(|i| text.is_char_boundary(*i)).collect();
            let a = at.index(bounds.len());
            let b = bounds.get(a + len).or(bounds.last()).copied().unwrap_or(0);
            let a = bounds.get(a).copied().unwrap_or(0);
            text.replace_range(a..b, with.unwrap_or(""));
        }
        if let Some(k) = dup {
            let mut lines: Vec<String> = text.lines().map(ToString::to_string).collect();
            if !lines.is_empty() {
                let k = k.index(lines.len());
                lines.insert(k, lines[k].clone());
            }
            text = lines.join("\n");
        }
        text
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, failure_persistence: None, ..ProptestConfig::default() })]

        /// Any fixture, garbled by a few edits and perhaps a repeated line, imports or is
        /// refused with an error naming the file, under any hint; it never panics.
        #[test]
        fn garbled_fixtures_never_panic(
            which in 0..FIXTURES.len(),
            edits in prop::collection::vec(edit(), 1..=4),
            dup in prop::option::weighted(0.2, any::<prop::sample::Index>()),
        ) {
            let (file, content, _, hint) = FIXTURES[which];
            let text = garble(content, &edits, dup);
            for hint in [hint, None, Some("octo"), Some("octo/hello")] {
                reads_or_names_the_file(file, &text, hint);
            }
        }
    }
}
