//! What one collection asks GitHub about one repository, turned into an
//! [`Observation`]. The six requests are independent and run on scoped threads.

pub(crate) mod all;
mod definitions;
pub(crate) mod stargazers;

use std::fmt;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use crate::config::{Ci, CiMode};
use crate::github::{self, Client};
use crate::history::{
    CiObservation, CiSource, History, Observation, ObservedAsset, ObservedRun, PopularPath, Referrer, Validator,
};
use definitions::{DefinitionReport, Definitions, Fallback, definitions, is_pages_run, run_file};

/// Release pages of 100: 10,000 releases before gtt refuses to go on.
const MAX_RELEASE_PAGES: usize = 100;
/// GitHub answers at most 1,000 runs for a filtered listing: 10 pages of 100.
const RUNS_SEARCH_CAP: u64 = 1000;
const MAX_JOB_PAGES: usize = 20;
const MAX_PAGES_BUILD_PAGES: usize = 20;
/// Job listings fetched at the same time for one repository; the client's governor
/// caps what is in flight across the whole run.
const JOB_THREADS: usize = 16;

/// What a collection needs to know besides the repository name.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Context<'a> {
    pub(crate) now: Timestamp,
    pub(crate) today: Date,
    pub(crate) ci: &'a Ci,
    /// The stored history: its `validators` (answers of the last collection with their
    /// ETags, for conditional requests), its `ci_cache` (completed runs already counted,
    /// whose jobs are not fetched again) and `ci_estimated_runs`. It may still be on its
    /// way from the store: only the requests that need it wait for it.
    pub(crate) stored: &'a Stored,
    /// Whether the repository's independent requests each get a thread. While more
    /// repositories wait than there are workers, one request per worker keeps every slot
    /// busy, and a thread per request cost more CPU than the request (3,500 threads for
    /// 500 repositories); the last few repositories, and a run of one, fan out.
    pub(crate) fan_out: bool,
    /// Whether the requests in [`ASKED_AT_ONCE`] go out beside the store read, without
    /// their ETags, instead of waiting for it ([`all::asks_at_once`] says when).
    pub(crate) at_once: bool,
}

/// What a run with [`Context::at_once`] asks beside the store read, without waiting
/// for its stored ETags: the repository and the releases' first page, which others
/// follow (its Pages builds, the further release pages), and the views and clones.
///
/// Why: a run's store read is a round trip (a gist) or several (a branch), and every
/// conditional request waits for it to learn its ETag. On a first collection the read
/// then says there is none, and what follows the repository and the releases' first
/// page comes a round trip later: the first run of one repository into a gist took
/// four round trips (store read; the conditional requests with the jobs and workflow
/// files; Pages builds and release page 2; the write). Asked at once, it takes three,
/// as a warm one does. The views and clones are the two that fill the second round
/// trip beyond 32 requests in flight (14 days of daily runs: 14 job listings and 14
/// workflow files, Pages builds, release page 2, referrers and paths fit; two more do
/// not), and the two whose ETag helps least: their answer covers GitHub's last 15 days
/// (<https://docs.github.com/en/rest/metrics/traffic>), a window that moves each day,
/// so on a daily schedule it changes with any traffic and answers 200 anyway.
///
/// Cost: each of these answers 200 where it would have answered 304, which is free of
/// primary quota
/// (<https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api#use-conditional-requests-if-appropriate>):
/// up to four points per run (a same-day rerun), usually one or two on the daily run
/// (the repository; the releases' first page when no download count on it moved).
/// Answers are still kept with their ETags as before, so the store holds the same, and
/// everything else (referrers, paths, Pages builds, workflow files, the further release
/// pages, which runs' jobs to read) still waits for the stored history.
const ASKED_AT_ONCE: [&str; 4] = ["repo", "releases", "views", "clones"];

/// A request run beside the caller on a scoped thread, or at once on the caller's
/// thread when the run does not fan out ([`Context::fan_out`]).
enum Beside<'s, T> {
    Thread(std::thread::ScopedJoinHandle<'s, Result<T, github::Error>>),
    Done(Result<T, github::Error>),
}

impl<'s, T: Send + 's> Beside<'s, T> {
    fn start<'e>(
        s: &'s std::thread::Scope<'s, 'e>,
        fan_out: bool,
        f: impl FnOnce() -> Result<T, github::Error> + Send + 's,
    ) -> Beside<'s, T> {
        if fan_out { Beside::Thread(s.spawn(f)) } else { Beside::Done(f()) }
    }

    fn join(self) -> Result<T, github::Error> {
        match self {
            Beside::Thread(h) => join(h),
            Beside::Done(r) => r,
        }
    }
}

/// A repository's stored history, given at once or later by the thread reading the
/// store, so the requests that need nothing stored (the runs listing) go out while the
/// store is read, and the conditional ones wait for their ETags.
#[derive(Debug, Default)]
pub(crate) struct Stored(std::sync::OnceLock<Option<History>>);

impl Stored {
    /// A history already read.
    pub(crate) fn ready(h: History) -> Stored {
        Stored(std::sync::OnceLock::from(Some(h)))
    }

    /// Gives the history read, or `None` when the read failed (the waiting requests then
    /// fail instead of being sent without their ETags). Only the first call counts.
    pub(crate) fn give(&self, h: Option<History>) {
        let _ = self.0.set(h);
    }

    /// The history, once it is read.
    fn wait(&self) -> Result<&History, github::Error> {
        self.0.wait().as_ref().ok_or(github::Error::ThreadFailed { what: "store read" })
    }

    /// Whether the history is read and says the repository had a Pages site last time
    /// (its Pages builds were kept), without waiting.
    fn had_pages(&self) -> Result<bool, github::Error> {
        Ok(self.wait()?.validators.contains_key(PAGES_KEY))
    }

    /// The history if it is read already, without waiting.
    pub(crate) fn peek(&self) -> Option<&History> {
        self.0.get().and_then(Option::as_ref)
    }

    pub(crate) fn into_inner(self) -> Option<History> {
        self.0.into_inner().flatten()
    }
}

/// Gives `None` to a [`Stored`] nobody gave a history, when the reader ends, so no
/// request waits forever.
pub(crate) struct GiveOnDrop<'a>(pub(crate) &'a Stored);

impl Drop for GiveOnDrop<'_> {
    fn drop(&mut self) {
        self.0.give(None);
    }
}

/// Where the Pages builds' answer is kept among the validators.
const PAGES_KEY: &str = "pages-builds";

/// What kind of failure stopped a repository, which decides what the run does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// Every repository would meet it (a bad token, a server without a traffic API):
    /// no point going on.
    Fatal,
    /// The token may not read this repository's traffic: a repository picked by a glob
    /// is then skipped, not failed.
    Access,
    /// The rate limit ran out (beyond `max-wait`): the repository is deferred, and so
    /// are those not started yet. Not [`Kind::Fatal`]: the next run picks them up.
    RateLimited,
    /// GitHub's answer was not in its documented shape: nothing of the repository is
    /// stored this run.
    Shape,
    /// Anything else: this repository failed.
    Other,
}

/// Why a repository could not be collected, phrased as what the user should do.
#[derive(Debug, thiserror::Error)]
#[error("{repo}: {message}")]
pub(crate) struct Error {
    pub(crate) repo: String,
    pub(crate) kind: Kind,
    /// What went wrong and what fixes it; GitHub's own error is quoted in it where it
    /// helps. Without the repository name.
    pub(crate) message: String,
}

impl Error {
    pub(crate) fn new(repo: &str, kind: Kind, message: impl Into<String>) -> Error {
        Error { repo: repo.to_string(), kind, message: message.into() }
    }

    /// Every repository would fail the same way: stop fetching.
    pub(crate) fn is_fatal(&self) -> bool {
        self.kind == Kind::Fatal
    }

    /// The token may not read this repository: skip it when a glob picked it.
    pub(crate) fn is_access(&self) -> bool {
        self.kind == Kind::Access
    }

    /// Out of budget: defer the repository to the next run.
    pub(crate) fn is_rate_limited(&self) -> bool {
        self.kind == Kind::RateLimited
    }
}

#[derive(Deserialize, Serialize)]
struct RepoJson {
    stargazers_count: u64,
    forks_count: u64,
    #[serde(default)]
    subscribers_count: u64,
    open_issues_count: u64,
    #[serde(default)]
    created_at: Option<Timestamp>,
    #[serde(default)]
    pushed_at: Option<Timestamp>,
    #[serde(default)]
    private: bool,
    /// Without a Pages site there are no Pages builds to list.
    #[serde(default)]
    has_pages: bool,
}

#[derive(Deserialize, Serialize)]
struct Bucket {
    timestamp: Timestamp,
    count: u64,
    uniques: u64,
}

/// Kept for the next 304 with the totals, so the replay has the documented shape.
#[derive(Deserialize, Serialize)]
struct ViewsJson {
    count: u64,
    uniques: u64,
    views: Vec<Bucket>,
}

#[derive(Deserialize, Serialize)]
struct ClonesJson {
    count: u64,
    uniques: u64,
    clones: Vec<Bucket>,
}

#[derive(Deserialize, Serialize)]
struct ReferrerJson {
    referrer: String,
    count: u64,
    uniques: u64,
}

#[derive(Deserialize, Serialize)]
struct PathJson {
    path: String,
    #[serde(default)]
    title: String,
    count: u64,
    uniques: u64,
}

#[derive(Deserialize, Serialize)]
struct ReleaseJson {
    tag_name: String,
    /// Null for a draft (<https://docs.github.com/en/rest/releases/releases#list-releases>).
    /// Kept as null too, so a kept answer without the key is one from an older gtt.
    #[serde(default)]
    published_at: Option<Timestamp>,
    #[serde(default)]
    assets: Vec<AssetJson>,
}

#[derive(Deserialize, Serialize)]
struct AssetJson {
    id: u64,
    name: String,
    download_count: u64,
}

use crate::history::utc_day as day;

/// Fetches everything gtt keeps about `repo`. A failure to count CI leaves the
/// observation without CI (a gap in CI data, never zero checkouts) and is returned
/// beside it, so the traffic is still stored and the run still fails loudly.
///
/// Requests run at once where they do not depend on each other, so the run's critical
/// path is two round trips (the repository, then its Pages builds; the runs listing,
/// then new runs' jobs). Endpoints whose answer gtt keeps are asked conditionally
/// (but for [`ASKED_AT_ONCE`] in a run with [`Context::at_once`]).
pub(crate) fn repository(client: &Client, repo: &str, ctx: Context<'_>) -> Result<(Observation, Option<Error>), Error> {
    let base = format!("/repos/{repo}");
    let kept = std::sync::Mutex::new(BTreeMap::new());
    let get = |key: &str, path: String| conditional(client, &path, key, ctx, &kept);
    let (info, views, clones, referrers, paths, releases, ci) = std::thread::scope(|s| {
        let views = Beside::start(s, ctx.fan_out, || get("views", format!("{base}/traffic/views?per=day")));
        let clones = Beside::start(s, ctx.fan_out, || get("clones", format!("{base}/traffic/clones?per=day")));
        let referrers = Beside::start(s, ctx.fan_out, || get("referrers", format!("{base}/traffic/popular/referrers")));
        let paths = Beside::start(s, ctx.fan_out, || get("paths", format!("{base}/traffic/popular/paths")));
        let releases = Beside::start(s, ctx.fan_out, || releases(client, &base, ctx, &kept));
        let ci = Beside::start(s, ctx.fan_out, || ci_runs(client, repo, ctx, &kept));
        // A site that had Pages builds last time is asked beside the repository (a
        // thread only where it may be: a history already read may say no at once).
        let early = (ctx.fan_out
            && pages_wanted(ctx)
            && ctx.stored.peek().is_none_or(|h| h.validators.contains_key(PAGES_KEY)))
        .then(|| s.spawn(|| ctx.stored.had_pages().unwrap_or(false).then(|| pages_builds(client, repo, ctx, &kept))));
        let info = get("repo", base.clone()).and_then(|g| decode::<RepoJson>(&base, g.value));
        let early = early.and_then(|h| h.join().ok().flatten());
        let pages = pages_of(&info, early, || pages_builds(client, repo, ctx, &kept), ctx);
        let ci = ci.join();
        let ci = match (ci, pages) {
            (Ok(Some(mut c)), Some(Ok(p))) => {
                c.pages = p;
                Ok(Some(c))
            }
            (Ok(_), Some(Err(e))) | (Err(e), _) => Err(e),
            (ci, _) => ci,
        };
        (info, views.join(), clones.join(), referrers.join(), paths.join(), releases.join(), ci)
    });
    let info = info.map_err(|e| explain(client, repo, e, false))?;
    let (views, views_today, views_at) = traffic_days(client, repo, ctx, views, Daily::Views)?;
    let (clones, clones_today, clones_at) = traffic_days(client, repo, ctx, clones, Daily::Clones)?;
    let referrers: Vec<ReferrerJson> = popular(client, repo, referrers, Popular::Referrers)?;
    let paths: Vec<PathJson> = popular(client, repo, paths, Popular::Paths)?;
    let releases = releases.map_err(|e| explain(client, repo, e, false))?;
    let (ci, ci_error) = match ci {
        Ok(ci) => (ci, None),
        Err(e) => (None, Some(explain_ci(repo, e))),
    };
    let obs = Observation {
        views,
        clones,
        stats: Some((info.stargazers_count, info.forks_count, info.subscribers_count, info.open_issues_count)),
        created_at: info.created_at,
        pushed_at: info.pushed_at,
        private: info.private,
        assets: releases
            .into_iter()
            .flat_map(|r| {
                let (tag, published) = (r.tag_name, r.published_at);
                r.assets.into_iter().map(move |a| ObservedAsset {
                    id: a.id,
                    release: tag.clone(),
                    name: a.name,
                    downloads: a.download_count,
                    published,
                })
            })
            .collect(),
        referrers: referrers
            .into_iter()
            .map(|r| Referrer { referrer: r.referrer, count: r.count, uniques: r.uniques })
            .collect(),
        paths: paths
            .into_iter()
            .map(|p| PopularPath { path: p.path, title: p.title, count: p.count, uniques: p.uniques })
            .collect(),
        ci,
        validators: kept.into_inner().unwrap_or_default(),
        traffic_today: Some(views_today.min(clones_today)),
        github_now: views_at.or(clones_at),
    };
    Ok((obs, ci_error))
}

/// Whether this run counts Pages builds at all.
fn pages_wanted(ctx: Context<'_>) -> bool {
    ctx.ci.mode != CiMode::Off && ctx.ci.pages_builds
}

/// Pages builds only where there is a Pages site, as the repository says: those asked
/// beside it (`early`), else asked now.
fn pages_of(
    info: &Result<RepoJson, github::Error>,
    early: Option<Result<BTreeMap<Date, u64>, github::Error>>,
    ask: impl FnOnce() -> Result<BTreeMap<Date, u64>, github::Error>,
    ctx: Context<'_>,
) -> Option<Result<BTreeMap<Date, u64>, github::Error>> {
    match (info, early) {
        (Ok(i), Some(p)) if i.has_pages => Some(p),
        (Ok(i), None) if i.has_pages && pages_wanted(ctx) => Some(ask()),
        _ => None,
    }
}

/// A views or clones answer, checked ([`check_daily`]) against the window its own
/// `Date` header implies before any of it is believed, with GitHub's today for it.
fn traffic_days(
    client: &Client,
    repo: &str,
    ctx: Context<'_>,
    answer: Result<Got, github::Error>,
    what: Daily,
) -> Result<(Days, Date, Option<Timestamp>), Error> {
    let got = answer.map_err(|e| explain(client, repo, e, true))?;
    let stamped = stamp(got.date.as_deref());
    let window = Window::of_answer(got.date.as_deref(), ctx.today);
    // A 304 replays the copy an older gtt kept, which dropped the totals.
    let days = check_daily(what, &got.value, window, got.fresh).map_err(|r| refused(repo, what.name(), &r))?;
    Ok((days, window.last, stamped))
}

/// A referrers or paths answer, checked ([`check_popular`]) before it is decoded.
fn popular<T: DeserializeOwned>(
    client: &Client,
    repo: &str,
    answer: Result<Got, github::Error>,
    what: Popular,
) -> Result<T, Error> {
    let got = answer.map_err(|e| explain(client, repo, e, true))?;
    check_popular(what, &got.value).map_err(|r| refused(repo, what.name(), &r))?;
    decode(what.path(), got.value).map_err(|e| explain(client, repo, e, true))
}

fn decode<T: DeserializeOwned>(path: &str, v: serde_json::Value) -> Result<T, github::Error> {
    serde_json::from_value(v).map_err(|source| github::Error::Decode { path: path.to_string(), source })
}

/// What a conditional GET gave: the answer (fresh, or the kept copy after a 304),
/// GitHub's `Date` for it, and the next page of a listing.
struct Got {
    value: serde_json::Value,
    next: Option<String>,
    date: Option<String>,
    /// False when the value is the kept copy a 304 pointed at.
    fresh: bool,
}

/// A GET answered from the last collection's copy when GitHub says 304 Not Modified.
/// The answer is kept in the reduced form gtt reads (unknown fields dropped by the
/// typed decode the caller does), under `key`, with the ETag that names it. For the
/// first page of a listing it also returns the next page, whatever `Link` GitHub sent
/// (after a 304, perhaps none).
fn conditional(
    client: &Client,
    path: &str,
    key: &str,
    ctx: Context<'_>,
    kept: &std::sync::Mutex<BTreeMap<String, Validator>>,
) -> Result<Got, github::Error> {
    let (got, validator) = ask(client, path, key, ctx)?;
    if let (Some(v), Ok(mut k)) = (validator, kept.lock()) {
        k.insert(key.to_string(), v);
    }
    Ok(got)
}

/// A conditional GET with the ETag stored under `key`: the answer, and the validator to
/// keep for the next collection (none without an ETag), left to the caller to keep.
/// A 304 without a stored answer is an error: gtt never makes one up.
fn ask(client: &Client, path: &str, key: &str, ctx: Context<'_>) -> Result<(Got, Option<Validator>), github::Error> {
    let prior = if ctx.at_once && ASKED_AT_ONCE.contains(&key) {
        None
    } else {
        ctx.stored.wait()?.validators.get(key).filter(|v| kept_is_complete(key, &v.value))
    };
    let answer = client.get_conditional(path, prior.map(|v| v.etag.as_str()))?;
    let fresh = answer.body.is_some();
    let (value, etag) = match (answer.body, prior) {
        (None, Some(p)) => (p.value.clone(), Some(p.etag.clone())),
        (None, None) => {
            return Err(github::Error::UnaskedNotModified { path: path.to_string() });
        }
        (Some(body), _) => {
            let v: serde_json::Value = serde_json::from_str(&body)
                .map_err(|source| github::Error::Decode { path: path.to_string(), source })?;
            (reduce(key, v), answer.etag)
        }
    };
    let validator = etag.map(|etag| Validator { at: ctx.now, etag, value: value.clone() });
    Ok((Got { value, next: answer.next, date: answer.date, fresh }, validator))
}

/// Whether a kept answer holds every field gtt reads from it now. One kept by an older
/// gtt (releases without `published_at`) cannot stand in for a fresh answer: it is asked
/// again once without its ETag, and the new answer is kept.
fn kept_is_complete(key: &str, value: &serde_json::Value) -> bool {
    match (key, value.as_array()) {
        (k, Some(list)) if is_release_page(k) => list.iter().all(|r| r.get("published_at").is_some()),
        // A list too long to keep ([`within_cap`]): nothing stands in for an answer.
        (k, None) if is_release_page(k) => false,
        _ => true,
    }
}

/// The part of an answer gtt reads, so what is stored for the next 304 stays small
/// (a repository object is kilobytes of URLs; gtt reads seven fields of it).
fn reduce(key: &str, v: serde_json::Value) -> serde_json::Value {
    fn via<T: DeserializeOwned + Serialize>(v: serde_json::Value) -> serde_json::Value {
        match serde_json::from_value::<T>(v.clone()) {
            Ok(t) => serde_json::to_value(t).unwrap_or(v),
            Err(_) => v,
        }
    }
    match key {
        "repo" => via::<RepoJson>(v),
        "views" => via::<ViewsJson>(v),
        "clones" => via::<ClonesJson>(v),
        "referrers" => via::<Vec<ReferrerJson>>(v),
        "paths" => via::<Vec<PathJson>>(v),
        k if is_release_page(k) => via::<Vec<ReleaseJson>>(v),
        "pages-builds" => via::<Vec<PagesBuildJson>>(v),
        _ => v,
    }
}

/// GitHub's traffic API: <https://docs.github.com/en/rest/metrics/traffic>.
const TRAFFIC_DOCS: &str = "https://docs.github.com/en/rest/metrics/traffic";
/// Daily buckets a views or clones answer holds at most: the 14 days before today and
/// today (<https://docs.github.com/en/rest/metrics/traffic>).
const MAX_BUCKETS: usize = 15;

/// The days a views or clones answer may report, by GitHub's clock (the answer's `Date`
/// header): the 14 days before today and today, per
/// <https://docs.github.com/en/rest/metrics/traffic>. One more day is accepted at the
/// old edge: GitHub computes the answer before it stamps `Date`, so an answer computed
/// just before 00:00 UTC and sent just after still holds the day that has since left
/// the window. Refusing it would now and then fail the runs scheduled at midnight (a
/// common cron); the day is one GitHub reported, so keeping it invents nothing. No day
/// after GitHub's today is ever accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Window {
    pub(crate) first: Date,
    pub(crate) last: Date,
}

impl Window {
    /// The window of an answer GitHub dated `today`.
    pub(crate) fn ending(today: Date) -> Window {
        Window { first: add_days(today, -(crate::history::WINDOW_DAYS + 1)), last: today }
    }

    /// From the answer's `Date` header; without a readable one (GitHub always sends
    /// it), from the run's own clock.
    fn of_answer(date: Option<&str>, fallback: Date) -> Window {
        Window::ending(stamp(date).map_or(fallback, day))
    }

    pub(crate) fn contains(&self, d: Date) -> bool {
        self.first <= d && d <= self.last
    }
}

/// GitHub's clock as an answer's `Date` header gives it.
fn stamp(date: Option<&str>) -> Option<Timestamp> {
    date.and_then(github::parse_http_date).and_then(|s| Timestamp::from_second(s).ok())
}

/// `(day, count, uniques)` as a views or clones answer reported them.
type Days = Vec<(Date, u64, u64)>;

/// The two daily traffic endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Daily {
    Views,
    Clones,
}

impl Daily {
    /// The answer's key for its daily list, which is also how gtt names the endpoint.
    fn name(self) -> &'static str {
        match self {
            Daily::Views => "views",
            Daily::Clones => "clones",
        }
    }
}

/// The two "popular" traffic endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Popular {
    Referrers,
    Paths,
}

impl Popular {
    fn name(self) -> &'static str {
        match self {
            Popular::Referrers => "referrers",
            Popular::Paths => "paths",
        }
    }
    fn path(self) -> &'static str {
        match self {
            Popular::Referrers => "traffic/popular/referrers",
            Popular::Paths => "traffic/popular/paths",
        }
    }
    /// The documented text fields of one item.
    fn texts(self) -> &'static [&'static str] {
        match self {
            Popular::Referrers => &["referrer"],
            Popular::Paths => &["path", "title"],
        }
    }
}

/// Why a traffic answer was not believed. Text GitHub sent is quoted escaped and cut.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Not the documented JSON type: what was expected where.
    Shape(String),
    Missing {
        at: String,
        field: &'static str,
    },
    NotCount {
        at: String,
        field: &'static str,
    },
    UniquesAboveCount {
        at: String,
        count: u64,
        uniques: u64,
    },
    NotMidnight {
        at: String,
        text: String,
    },
    OutsideWindow {
        day: Date,
        window: Window,
    },
    TooMany(usize),
    Duplicate(Date),
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::Shape(what) => write!(f, "{what}"),
            Refusal::Missing { at, field } => write!(f, "{at} has no `{field}`"),
            Refusal::NotCount { at, field } => write!(f, "{at}: `{field}` is not a non-negative integer"),
            Refusal::UniquesAboveCount { at, count, uniques } => {
                write!(f, "{at}: {uniques} uniques exceed the count {count}")
            }
            Refusal::NotMidnight { at, text } => write!(f, "{at}: timestamp {text} is not a UTC midnight"),
            Refusal::OutsideWindow { day, window } => write!(
                f,
                "a bucket dated {day} lies outside GitHub's window {}..{} (from its Date header)",
                window.first, window.last
            ),
            Refusal::TooMany(n) => write!(f, "{n} daily buckets, GitHub answers at most {MAX_BUCKETS}"),
            Refusal::Duplicate(d) => write!(f, "{d} appears twice"),
        }
    }
}

/// The failure of a repository whose `what` answer was refused: nothing of the
/// repository is stored this run, so a wrong answer never becomes history.
fn refused(repo: &str, what: &str, r: &Refusal) -> Error {
    Error::new(
        repo,
        Kind::Shape,
        format!(
            "GitHub's {what} answer is not in the documented shape ({r}): nothing from it was stored (see {TRAFFIC_DOCS})"
        ),
    )
}

/// A field as GitHub's text, quoted, escaped (no raw control characters) and cut.
fn quoted(v: &serde_json::Value) -> String {
    let s = match v.as_str() {
        Some(s) => s.chars().take(40).collect::<String>(),
        None => v.to_string().chars().take(40).collect(),
    };
    format!("{s:?}")
}

/// `count` and `uniques` of an object: non-negative integers, uniques at most count
/// (a unique visitor is also a visit).
fn counts(o: &serde_json::Map<String, serde_json::Value>, at: &str) -> Result<(u64, u64), Refusal> {
    let n = |field: &'static str| {
        let v = o.get(field).ok_or_else(|| Refusal::Missing { at: at.to_string(), field })?;
        v.as_u64().ok_or_else(|| Refusal::NotCount { at: at.to_string(), field })
    };
    let (count, uniques) = (n("count")?, n("uniques")?);
    if uniques > count {
        return Err(Refusal::UniquesAboveCount { at: at.to_string(), count, uniques });
    }
    Ok((count, uniques))
}

/// The day of a bucket's `timestamp`, which GitHub documents as the UTC midnight
/// starting the day (`2026-11-16T00:00:00Z`).
fn midnight_day(v: Option<&serde_json::Value>, at: &str) -> Result<Date, Refusal> {
    let v = v.ok_or_else(|| Refusal::Missing { at: at.to_string(), field: "timestamp" })?;
    let bad = || Refusal::NotMidnight { at: at.to_string(), text: quoted(v) };
    let t: Timestamp = v.as_str().and_then(|s| s.parse().ok()).ok_or_else(bad)?;
    if t.as_second().rem_euclid(86_400) != 0 || t.subsec_nanosecond() != 0 {
        return Err(bad());
    }
    Ok(day(t))
}

/// Checks a views or clones answer against GitHub's documented shape
/// (<https://docs.github.com/en/rest/metrics/traffic>): an object with `count`,
/// `uniques` and the daily list; each bucket a UTC midnight inside `window`, at most
/// [`MAX_BUCKETS`] of them, no day twice, sane counts. Returns the days as reported.
/// `totals: false` skips the top-level counts (a copy an older gtt kept without them).
pub(crate) fn check_daily(what: Daily, v: &serde_json::Value, window: Window, totals: bool) -> Result<Days, Refusal> {
    let key = what.name();
    let o = v.as_object().ok_or_else(|| Refusal::Shape("not a JSON object".to_string()))?;
    if totals {
        counts(o, "the answer")?;
    }
    let list = o.get(key).ok_or(Refusal::Missing { at: "the answer".to_string(), field: key })?;
    let list = list.as_array().ok_or_else(|| Refusal::Shape(format!("`{key}` is not a list")))?;
    if list.len() > MAX_BUCKETS {
        return Err(Refusal::TooMany(list.len()));
    }
    let mut out: Days = Vec::with_capacity(list.len());
    for (i, b) in list.iter().enumerate() {
        let at = format!("bucket {}", i + 1);
        let b = b.as_object().ok_or_else(|| Refusal::Shape(format!("{at} is not an object")))?;
        let d = midnight_day(b.get("timestamp"), &at)?;
        if !window.contains(d) {
            return Err(Refusal::OutsideWindow { day: d, window });
        }
        if out.iter().any(|(seen, _, _)| *seen == d) {
            return Err(Refusal::Duplicate(d));
        }
        let (count, uniques) = counts(b, &at)?;
        out.push((d, count, uniques));
    }
    Ok(out)
}

/// Checks a referrers or paths answer against GitHub's documented shape
/// (<https://docs.github.com/en/rest/metrics/traffic>): a list of objects with their
/// text fields and sane `count` and `uniques`.
pub(crate) fn check_popular(what: Popular, v: &serde_json::Value) -> Result<(), Refusal> {
    let list = v.as_array().ok_or_else(|| Refusal::Shape("not a JSON list".to_string()))?;
    for (i, item) in list.iter().enumerate() {
        let at = format!("item {}", i + 1);
        let o = item.as_object().ok_or_else(|| Refusal::Shape(format!("{at} is not an object")))?;
        for &field in what.texts() {
            let text = o.get(field).ok_or_else(|| Refusal::Missing { at: at.clone(), field })?;
            if !text.is_string() {
                return Err(Refusal::Shape(format!("{at}: `{field}` is not text")));
            }
        }
        counts(o, &at)?;
    }
    Ok(())
}

/// Every release, page by page, each page asked with the ETag kept for it: a list that
/// did not change since the last collection is known from 304s without spending quota
/// (<https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api#use-conditional-requests-if-appropriate>),
/// and a new download costs only the page it is on.
///
/// Pages are followed as GitHub's `Link` `next` says, up to [`MAX_RELEASE_PAGES`]. A
/// page answered 304 may come without `Link`; as its content did not change, whether a
/// page follows it is what the last collection saw. The pages the last collection read
/// are asked beside the first, so a paged list still takes one round trip; one the
/// chain does not reach (the list got shorter) is dropped with its validator.
fn releases(
    client: &Client,
    base: &str,
    ctx: Context<'_>,
    kept: &std::sync::Mutex<BTreeMap<String, Validator>>,
) -> Result<Vec<ReleaseJson>, github::Error> {
    let path = format!("{base}/releases?per_page=100");
    // A thread only where more pages may be wanted: a history already read may say no
    // at once, and a first page asked at once is answered no later than the history.
    let maybe_paged = ctx.fan_out && !ctx.at_once && ctx.stored.peek().is_none_or(|h| pages_last_time(h) > 1);
    let (first, early) = std::thread::scope(|s| {
        let early = maybe_paged.then(|| s.spawn(|| early_pages(client, &path, ctx)));
        let first = ask(client, &path, &release_key(1), ctx);
        (first, early.map_or(Ok(BTreeMap::new()), join))
    });
    let mut early = early?;
    let mut page = first?;
    let (mut out, mut validators) = (Vec::new(), Vec::new());
    for n in 1..=MAX_RELEASE_PAGES {
        let (got, validator) = page;
        let items: Vec<ReleaseJson> = decode(&path, got.value)?;
        // An empty page past the first is no page: the list ended one page earlier.
        if n == 1 || !items.is_empty() {
            validators.extend(validator.map(|v| (release_key(n), v)));
        }
        out.extend(items);
        let next = match got.next {
            Some(next) => next,
            None if !got.fresh && pages_last_time(ctx.stored.wait()?) > n => page_url(&path, n + 1),
            None => {
                if let Ok(mut k) = kept.lock() {
                    k.extend(within_cap(validators, ctx.now));
                }
                return Ok(out);
            }
        };
        if n == MAX_RELEASE_PAGES {
            break;
        }
        page = match early.remove(&(n + 1)) {
            Some(p) => p?,
            None => ask(client, &next, &release_key(n + 1), ctx)?,
        };
    }
    Err(github::Error::TooManyPages { path, pages: MAX_RELEASE_PAGES })
}

/// Release pages asked beside each other at most, besides the first.
const RELEASE_THREADS: usize = 8;

/// The most text a paged release list's kept pages may take in a history (each asset
/// about 90 bytes reduced, so some 2,900 assets): every run reads and writes the live
/// file that holds them, and a gist answers a file over 1 MB truncated. A list over it
/// is asked unconditionally, as a list too long to keep.
const RELEASES_KEPT_MAX: usize = 256 * 1024;

/// The validators of a release list's pages to keep: all of them, or, for a paged list
/// whose kept text passes [`RELEASES_KEPT_MAX`], a first page that keeps no answer
/// (no ETag to send, see [`kept_is_complete`]) and says how many pages the list had, so
/// the next run asks them all at once. Being the newest first page, it has the older
/// pages pruned in the merge.
fn within_cap(validators: Vec<(String, Validator)>, now: Timestamp) -> Vec<(String, Validator)> {
    if validators.len() < 2 {
        return validators;
    }
    let size: usize = validators.iter().map(|(_, v)| serde_json::to_string(&v.value).map_or(0, |t| t.len())).sum();
    if size <= RELEASES_KEPT_MAX {
        return validators;
    }
    let pages = serde_json::json!({ "pages": validators.len() });
    vec![(release_key(1), Validator { at: now, etag: String::new(), value: pages })]
}

/// One page's answer and the validator to keep if the page turns out to be in the list.
type Page = (Got, Option<Validator>);

/// The pages after the first that the last collection read, each asked conditionally,
/// at once (at most [`RELEASE_THREADS`] at a time), by page number.
fn early_pages(
    client: &Client,
    path: &str,
    ctx: Context<'_>,
) -> Result<BTreeMap<usize, Result<Page, github::Error>>, github::Error> {
    let last = pages_last_time(ctx.stored.wait()?);
    let pages: Vec<usize> = (2..=last).collect();
    let per_thread = pages.len().div_ceil(RELEASE_THREADS).max(1);
    let out = std::thread::scope(|s| {
        let threads: Vec<_> = pages
            .chunks(per_thread)
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .iter()
                        .map(|&n| (n, ask(client, &page_url(path, n), &release_key(n), ctx)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        threads.into_iter().map(|t| t.join().unwrap_or_default()).collect::<Vec<_>>()
    });
    Ok(out.into_iter().flatten().collect())
}

/// Page `n` of the release listing at `path` (which holds `per_page`).
fn page_url(path: &str, n: usize) -> String {
    format!("{path}&page={n}")
}

/// Where release page `n` (from 1) is kept: `releases` for the first, as gtt always
/// kept it, `releases-{n}` for the others.
fn release_key(n: usize) -> String {
    if n <= 1 { "releases".to_string() } else { format!("releases-{n}") }
}

/// Whether a validator key names a page of the release list.
fn is_release_page(key: &str) -> bool {
    key == "releases" || key.strip_prefix("releases-").is_some_and(|n| n.parse::<usize>().is_ok())
}

/// How many pages the release list had at the last collection: its first page and
/// the pages kept after it at that same collection. A history from a gtt that kept no
/// page of a list longer than one (the repository kept, the list not) says two.
fn pages_last_time(stored: &History) -> usize {
    match stored.validators.get("releases") {
        // A list too long to keep: how many pages it had.
        Some(first) if !first.value.is_array() => {
            let pages = first.value.get("pages").and_then(serde_json::Value::as_u64);
            pages.and_then(|n| usize::try_from(n).ok()).unwrap_or(2).clamp(2, MAX_RELEASE_PAGES)
        }
        Some(first) => {
            let same_run = |n: &usize| stored.validators.get(&release_key(*n)).is_some_and(|v| v.at == first.at);
            1 + (2..=MAX_RELEASE_PAGES).take_while(same_run).count()
        }
        None if stored.last_collected.is_some() && stored.validators.contains_key("repo") => 2,
        None => 0,
    }
}

#[derive(Deserialize)]
struct RunsPage {
    total_count: u64,
    #[serde(default)]
    workflow_runs: Vec<RunJson>,
}

#[derive(Deserialize)]
struct RunJson {
    id: u64,
    status: Option<String>,
    created_at: Timestamp,
    /// The workflow file the run executed, and the commit it was read at.
    #[serde(default)]
    path: Option<String>,
    #[serde(default)]
    head_sha: Option<String>,
    #[serde(default)]
    repository: Option<RunRepoJson>,
}

#[derive(Deserialize)]
struct RunRepoJson {
    full_name: String,
}

#[derive(Deserialize)]
struct JobsPage {
    #[serde(default)]
    jobs: Vec<JobJson>,
}

#[derive(Deserialize)]
struct JobJson {
    #[serde(default)]
    name: String,
    started_at: Option<Timestamp>,
    #[serde(default)]
    steps: Vec<StepJson>,
}

#[derive(Deserialize)]
struct StepJson {
    name: String,
    started_at: Option<Timestamp>,
    #[serde(default)]
    conclusion: Option<String>,
}

#[derive(Deserialize, Serialize)]
struct PagesBuildJson {
    created_at: Timestamp,
}

/// `d` moved by `n` days, or `d` itself past the calendar's ends.
fn add_days(d: Date, n: i32) -> Date {
    crate::history::add_days(d, n).unwrap_or(d)
}

/// Recounts CI checkouts for every complete day of the window: the days' completed
/// workflow runs (all pages), their jobs (all pages, every attempt) and checkout steps,
/// plus Pages builds. Runs still in progress are left for the next collection. Which
/// steps clone is read from each new run's workflow definition ([`definitions`](mod@definitions));
/// where that cannot be read, from step names, and the run's days are estimated.
fn ci_runs(
    client: &Client,
    repo: &str,
    ctx: Context<'_>,
    kept: &std::sync::Mutex<BTreeMap<String, Validator>>,
) -> Result<Option<CiObservation>, github::Error> {
    if ctx.ci.mode == CiMode::Off {
        return Ok(None);
    }
    let first = add_days(ctx.today, -crate::history::WINDOW_DAYS);
    let last = add_days(ctx.today, -1);
    let mut listed = Vec::new();
    list_runs(client, repo, first, last, &mut listed)?;
    // Pages' own runs are the Pages builds, counted once each from their listing.
    let completed: Vec<&RunJson> = listed
        .iter()
        .filter(|r| r.status.as_deref() == Some("completed"))
        .filter(|r| !(ctx.ci.pages_builds && is_pages_run(r)))
        .collect();
    // The listing needs nothing stored; which runs were counted already does.
    let stored = ctx.stored.wait()?;

    let mut runs: Vec<ObservedRun> = Vec::new();
    let mut to_fetch: Vec<&RunJson> = Vec::new();
    for r in completed {
        match (ctx.ci.mode, stored.ci_cache.get(&r.id)) {
            (CiMode::Runs, _) => runs.push(ObservedRun {
                id: r.id,
                checkouts: BTreeMap::from([(day(r.created_at), 1)]),
                estimated: false,
            }),
            (_, Some(cached)) => runs.push(ObservedRun {
                id: r.id,
                checkouts: cached.clone(),
                estimated: stored.ci_estimated_runs.contains(&r.id),
            }),
            _ => to_fetch.push(r),
        }
    }
    // Beside the jobs only when there are runs to read and the run fans out.
    let (jobs, defs) = std::thread::scope(|s| {
        let beside = ctx.fan_out && !to_fetch.is_empty();
        let defs = Beside::start(s, beside, || definitions(client, repo, &to_fetch, ctx, kept));
        let jobs = all_jobs(client, repo, &to_fetch);
        (jobs, defs.join())
    });
    let (jobs, defs) = (jobs?, defs?);
    let mut report = DefinitionReport::default();
    for ((path, _), tree) in &defs {
        if let Ok(tree) = tree {
            report.files.insert(path.clone());
            report.files.extend(tree.referenced().cloned());
        }
    }
    for (r, jobs) in to_fetch.iter().zip(&jobs) {
        runs.push(count_run(repo, r, jobs, &defs, ctx.ci, &mut report));
    }
    let mut source = CiSource { files: report.files.clone(), warning: report.warning(repo), ..CiSource::default() };
    for r in &runs {
        let n: u64 = r.checkouts.values().sum();
        *if r.estimated { &mut source.estimated } else { &mut source.identified } += n;
    }
    // Pages builds are added by the caller, which knows whether there is a Pages site.
    Ok(Some(CiObservation { first, last, runs, pages: BTreeMap::new(), source }))
}

/// The jobs of each run, in the runs' order, fetched on up to [`JOB_THREADS`] threads.
fn all_jobs(client: &Client, repo: &str, runs: &[&RunJson]) -> Result<Vec<Vec<JobJson>>, github::Error> {
    let fetched = std::sync::Mutex::new(BTreeMap::new());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failure = std::sync::Mutex::new(None);
    std::thread::scope(|s| {
        for _ in 0..JOB_THREADS.min(runs.len()) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                    let Some(r) = runs.get(i) else { break };
                    match run_jobs(client, repo, r) {
                        Ok(jobs) => fetched.lock().map(|mut m| m.insert(i, jobs)).map(|_| ()).unwrap_or(()),
                        Err(e) => {
                            if let Ok(mut f) = failure.lock() {
                                f.get_or_insert(e);
                            }
                            break;
                        }
                    }
                }
            });
        }
    });
    if let Some(e) = failure.into_inner().ok().flatten() {
        return Err(e);
    }
    let fetched = fetched.into_inner().unwrap_or_default();
    if fetched.len() != runs.len() {
        return Err(github::Error::ThreadFailed { what: "job listing thread" });
    }
    Ok(fetched.into_values().collect())
}

/// Lists runs created in `first..=last`. GitHub answers at most 1,000 runs for a
/// filtered listing, so a range with more is split in halves; a single day with more
/// is read as far as GitHub allows and reported.
fn list_runs(
    client: &Client,
    repo: &str,
    first: Date,
    last: Date,
    out: &mut Vec<RunJson>,
) -> Result<(), github::Error> {
    let path = format!("/repos/{repo}/actions/runs?created={first}..{last}&per_page=100&exclude_pull_requests=true");
    let mut total = None;
    let mut runs = Vec::new();
    let mut split = false;
    client.walk_pages(&path, 11, |body| {
        let page: RunsPage = Client::decode_page(&path, body)?;
        if total.is_none() && page.total_count > RUNS_SEARCH_CAP && first < last {
            split = true;
            return Ok(false);
        }
        total.get_or_insert(page.total_count);
        let empty = page.workflow_runs.is_empty();
        runs.extend(page.workflow_runs);
        Ok(!empty)
    })?;
    if split {
        let days = (last - first).get_days();
        let mid = add_days(first, days / 2);
        list_runs(client, repo, first, mid, out)?;
        return list_runs(client, repo, add_days(mid, 1), last, out);
    }
    if total.is_some_and(|t| t > runs.len() as u64) {
        log::warn!(
            "{repo}: {first} had {} workflow runs; GitHub lists only {} of a day's runs, so CI clones of that day are undercounted",
            total.unwrap_or(0),
            runs.len()
        );
    }
    out.extend(runs);
    Ok(())
}

/// Whether a job step's name counts as a checkout: it matches one of input
/// `ci-checkout-pattern`'s alternatives, ignoring case and surrounding blanks.
fn step_is_checkout(ci: &Ci, step: &str) -> bool {
    let step = step.trim().to_lowercase();
    ci.patterns.iter().any(|p| crate::discover::glob_match(p, &step))
}

/// Every job of one completed run (all pages, every attempt).
fn run_jobs(client: &Client, repo: &str, run: &RunJson) -> Result<Vec<JobJson>, github::Error> {
    let path = format!("/repos/{repo}/actions/runs/{}/jobs?filter=all&per_page=100", run.id);
    let mut jobs = Vec::new();
    client.walk_pages(&path, MAX_JOB_PAGES, |body| {
        let page: JobsPage = Client::decode_page(&path, body)?;
        jobs.extend(page.jobs);
        Ok(true)
    })?;
    Ok(jobs)
}

/// One run's checkouts per UTC day the step started: from its definition where it was
/// read and matches the jobs, else from step names (estimated, with the run's own day
/// listed so the day is marked even without a checkout).
fn count_run(
    repo: &str,
    run: &RunJson,
    jobs: &[JobJson],
    defs: &Definitions,
    ci: &Ci,
    report: &mut DefinitionReport,
) -> ObservedRun {
    let read = match run_file(repo, run).and_then(|k| defs.get(&k)) {
        Some(Ok(tree)) => jobs
            .iter()
            .map(|j| tree.job(j))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| Fallback::Unmatched(e.to_string())),
        Some(Err(f)) => Err(f.clone()),
        None => Err(Fallback::Foreign),
    };
    let mut checkouts: BTreeMap<Date, u64> = BTreeMap::new();
    let estimated = read.is_err();
    let per_step: Vec<Vec<u64>> = match read {
        Ok(counts) => counts,
        Err(f) => {
            report.fallbacks.push(f);
            checkouts.insert(day(run.created_at), 0);
            jobs.iter().map(|j| j.steps.iter().map(|s| u64::from(step_is_checkout(ci, &s.name))).collect()).collect()
        }
    };
    for (job, counts) in jobs.iter().zip(per_step) {
        for (step, n) in job.steps.iter().zip(counts).filter(|(s, n)| *n > 0 && (estimated || !s.skipped())) {
            let at = step.started_at.or(job.started_at).unwrap_or(run.created_at);
            *checkouts.entry(day(at)).or_default() += n;
        }
    }
    ObservedRun { id: run.id, checkouts, estimated }
}

impl StepJson {
    fn skipped(&self) -> bool {
        self.conclusion.as_deref() == Some("skipped")
    }
}

/// Pages builds per day of the recount window (each clones the repository once).
/// Builds come newest first, so paging stops at the first page that reaches before the
/// window. The first page is asked conditionally: a site that did not build since the
/// last collection costs no quota.
fn pages_builds(
    client: &Client,
    repo: &str,
    ctx: Context<'_>,
    kept: &std::sync::Mutex<BTreeMap<String, Validator>>,
) -> Result<BTreeMap<Date, u64>, github::Error> {
    let first = add_days(ctx.today, -crate::history::WINDOW_DAYS);
    let last = add_days(ctx.today, -1);
    let path = format!("/repos/{repo}/pages/builds?per_page=100");
    let Got { value, next, .. } = match conditional(client, &path, PAGES_KEY, ctx, kept) {
        // No Pages site after all: no Pages builds.
        Err(e) if e.status() == Some(404) => return Ok(BTreeMap::new()),
        r => r?,
    };
    let mut out: BTreeMap<Date, u64> = BTreeMap::new();
    let mut count = |builds: Vec<PagesBuildJson>| {
        let mut older = builds.is_empty();
        for b in builds {
            let d = day(b.created_at);
            if d < first {
                older = true;
            } else if d <= last {
                *out.entry(d).or_default() += 1;
            }
        }
        older
    };
    let builds: Vec<PagesBuildJson> = decode(&path, value)?;
    let full = builds.len() >= 100;
    if !count(builds) && full {
        let next = next.unwrap_or_else(|| format!("{path}&page=2"));
        client.walk_pages(&next, MAX_PAGES_BUILD_PAGES - 1, |body| {
            let builds: Vec<PagesBuildJson> = Client::decode_page(&path, body)?;
            Ok(!count(builds))
        })?;
    }
    Ok(out)
}

/// CI counting needs to read workflow runs: say which permission or input fixes it.
fn explain_ci(repo: &str, e: github::Error) -> Error {
    let message = match e.status() {
        Some(403 | 404) => format!(
            "cannot read workflow runs or Pages builds to count CI clones ({e}): give the token repository permissions Actions: read and Pages: read, or set input `ci-clones: off`; traffic was still stored"
        ),
        _ => format!("CI clones not counted this run: {e}; traffic was still stored"),
    };
    let kind = if matches!(e, github::Error::RateLimited { .. }) { Kind::RateLimited } else { Kind::Other };
    Error::new(repo, kind, message)
}

fn join<T>(h: std::thread::ScopedJoinHandle<'_, Result<T, github::Error>>) -> Result<T, github::Error> {
    h.join().unwrap_or(Err(github::Error::ThreadFailed { what: "request thread" }))
}

/// Turns GitHub's answer into the fix the user needs, and the kind of failure it is:
/// a refused token is [`Kind::Fatal`], a 403 or 404 for this repository alone is
/// [`Kind::Access`].
pub(crate) fn explain(client: &Client, repo: &str, e: github::Error, traffic: bool) -> Error {
    let msg = e.message().to_ascii_lowercase();
    let (message, kind) = match (e.status(), &e) {
        (Some(401), _) => (
            "the token was refused (401 Bad credentials): check that input `token` (or GITHUB_TOKEN) holds a current, unexpired token".to_string(),
            Kind::Fatal,
        ),
        (Some(403), _) if msg.contains("not accessible by integration") => (
            "the workflow's GITHUB_TOKEN cannot read traffic (403 Resource not accessible by integration): pass a fine-grained token with repository permission Administration: read (or a classic token with repo scope) as input `token`".to_string(),
            Kind::Fatal,
        ),
        (Some(403), _) if msg.contains("must have push access") => (
            "the token has no push access (403 Must have push access): traffic needs a token of an account with write access to the repository".to_string(),
            Kind::Access,
        ),
        (Some(403), _) if msg.contains("personal access token") => (
            "the fine-grained token lacks repository permission Administration: read (403 Resource not accessible by personal access token): add it to the token and include this repository".to_string(),
            Kind::Access,
        ),
        (Some(404), _) if traffic && client.is_enterprise_server() => (
            "this is GitHub Enterprise Server, which has no traffic API; gtt needs github.com or GHE.com (input `api-url`)".to_string(),
            Kind::Fatal,
        ),
        (Some(404), _) if traffic => (
            "GitHub has no traffic for this repository (404): the token needs push access to it".to_string(),
            Kind::Access,
        ),
        (Some(404), _) => (
            format!("repository {repo} not found (404): check the name in input `repos`, and that the token can see it if it is private"),
            Kind::Access,
        ),
        (_, github::Error::RateLimited { .. }) => (e.to_string(), Kind::RateLimited),
        // Every repository would meet the same dead host: stop the run.
        (_, github::Error::Unreachable { .. }) => (e.to_string(), Kind::Fatal),
        (Some(403), _) => (e.to_string(), Kind::Access),
        _ => (e.to_string(), Kind::Other),
    };
    Error::new(repo, kind, message)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::{Value, json};

    fn d(s: &str) -> Date {
        s.parse().expect("test date")
    }

    #[test]
    fn kept_answers_from_an_older_gtt_are_asked_again_table() {
        let cases = [
            ("releases", json!([{"tag_name": "v1", "published_at": "2026-01-02T03:04:05Z", "assets": []}]), true),
            ("releases", json!([{"tag_name": "draft", "published_at": null, "assets": []}]), true),
            ("releases", json!([]), true),
            ("releases", json!([{"tag_name": "v1", "assets": []}]), false),
            ("views", json!({"views": []}), true),
        ];
        for (key, value, want) in cases {
            assert_eq!(kept_is_complete(key, &value), want, "{key} {value}");
        }
        let kept = reduce("releases", json!([{"tag_name": "d", "published_at": null, "assets": [], "id": 1}]));
        assert!(kept_is_complete("releases", &kept), "what gtt keeps now passes: {kept}");
    }

    #[test]
    fn checkout_steps_match_the_patterns_table() {
        let ci = Ci::default();
        let cases = [
            ("Run actions/checkout@v4", true),
            ("actions/checkout@v4", true),
            ("  CHECKOUT ", true),
            ("Checkout code", false),
            ("Run tests", false),
        ];
        for (step, want) in cases {
            assert_eq!(step_is_checkout(&ci, step), want, "{step:?}");
        }
    }

    /// GitHub's window on 2026-11-16 (generous by the old edge day).
    fn window() -> Window {
        Window::ending(d("2026-11-16"))
    }

    fn answer(buckets: Value) -> Value {
        json!({ "count": 10, "uniques": 3, "views": buckets })
    }

    fn bucket(ts: &str, count: i64, uniques: i64) -> Value {
        json!({ "timestamp": ts, "count": count, "uniques": uniques })
    }

    #[test]
    fn explanations_choose_the_kind_table() {
        let client = Client::new("http://127.0.0.1:9", crate::config::Secret::new("t"), std::time::Duration::ZERO);
        let status = |status: u16, message: &str| github::Error::Status {
            status,
            message: message.to_string(),
            path: "/repos/o/r".to_string(),
        };
        let limited = || github::Error::RateLimited {
            path: "/repos/o/r".to_string(),
            wait: std::time::Duration::from_secs(600),
            waited: std::time::Duration::ZERO,
        };
        let cases: Vec<(github::Error, Kind, &str)> = vec![
            (status(401, "Bad credentials"), Kind::Fatal, "the token was refused (401"),
            (status(403, "Resource not accessible by integration"), Kind::Fatal, "GITHUB_TOKEN cannot read traffic"),
            (status(403, "Must have push access to repository"), Kind::Access, "no push access"),
            (status(403, "Resource not accessible by personal access token"), Kind::Access, "Administration: read"),
            (status(403, "Forbidden"), Kind::Access, "GitHub answered 403 for /repos/o/r: Forbidden"),
            (status(404, "Not Found"), Kind::Access, "repository o/r not found (404)"),
            (status(500, "boom"), Kind::Other, "GitHub answered 500"),
            (limited(), Kind::RateLimited, "rate limited on /repos/o/r"),
            (github::Error::TooManyPages { path: "/p".into(), pages: 2 }, Kind::Other, "more than 2 pages"),
        ];
        for (e, kind, text) in cases {
            let got = explain(&client, "o/r", e, false);
            assert_eq!(got.kind, kind, "{got}");
            assert_eq!(
                (got.is_fatal(), got.is_access(), got.is_rate_limited()),
                (kind == Kind::Fatal, kind == Kind::Access, kind == Kind::RateLimited)
            );
            assert!(got.message.contains(text), "{got}");
            assert_eq!(got.to_string(), format!("o/r: {}", got.message));
        }
        // Counting CI never fails the token or skips the repository: its traffic is stored.
        let ci = explain_ci("o/r", status(403, "Forbidden"));
        assert_eq!(ci.kind, Kind::Other);
        assert!(ci.message.contains("Actions: read") && ci.message.contains("traffic was still stored"), "{ci}");
        assert_eq!(explain_ci("o/r", limited()).kind, Kind::RateLimited);
    }

    #[test]
    fn window_follows_the_date_header_and_falls_back_to_the_run_clock() {
        let w = Window::of_answer(Some("Mon, 16 Nov 2026 00:00:05 GMT"), d("2020-01-01"));
        assert_eq!(w, Window { first: d("2026-11-01"), last: d("2026-11-16") });
        assert_eq!(Window::of_answer(None, d("2026-11-16")), w);
        assert_eq!(Window::of_answer(Some("garbage"), d("2026-11-16")), w);
    }

    #[test]
    fn daily_answers_table() {
        let ok = |v: Value| check_daily(Daily::Views, &v, window(), true);
        let good = answer(json!([bucket("2026-11-02T00:00:00Z", 5, 2), bucket("2026-11-16T00:00:00Z", 1, 1)]));
        assert_eq!(ok(good), Ok(vec![(d("2026-11-02"), 5, 2), (d("2026-11-16"), 1, 1)]));
        assert_eq!(ok(answer(json!([]))), Ok(vec![]), "no traffic at all is a real, documented answer");
        // The midnight race: the day before GitHub's window is still a day it reported.
        assert!(ok(answer(json!([bucket("2026-11-01T00:00:00Z", 1, 1)]))).is_ok());
        let sixteen: Vec<Value> = (0..16).map(|i| bucket(&format!("2026-11-{:02}T00:00:00Z", i + 1), 1, 1)).collect();
        let refused: Vec<(Value, &str)> = vec![
            (json!([]), "not a JSON object"),
            (json!({ "count": 483, "uniques": 100 }), "has no `views`"),
            (json!({ "views": [] }), "has no `count`"),
            (json!({ "count": 1, "uniques": 1, "clones": [] }), "has no `views`"),
            (json!({ "count": 1, "uniques": 1, "views": {} }), "not a list"),
            (json!({ "count": -1, "uniques": 0, "views": [] }), "not a non-negative integer"),
            (json!({ "count": 1.5, "uniques": 0, "views": [] }), "not a non-negative integer"),
            (json!({ "count": 1, "uniques": 2, "views": [] }), "exceed"),
            (answer(json!([bucket("2099-01-01T00:00:00Z", 1, 1)])), "outside"),
            (answer(json!([bucket("1970-01-01T00:00:00Z", 1, 1)])), "outside"),
            (answer(json!([bucket("2026-11-17T00:00:00Z", 1, 1)])), "outside"),
            (answer(json!([bucket("2026-10-31T00:00:00Z", 1, 1)])), "outside"),
            (answer(json!([bucket("2026-11-10T12:00:00Z", 1, 1)])), "not a UTC midnight"),
            (answer(json!([bucket("2026-11-10", 1, 1)])), "not a UTC midnight"),
            (answer(json!([bucket("2026-11-10T00:00:00.5Z", 1, 1)])), "not a UTC midnight"),
            (answer(json!([{ "timestamp": 0, "count": 1, "uniques": 1 }])), "not a UTC midnight"),
            (answer(json!([bucket("2026-11-10T00:00:00Z", -3, 0)])), "not a non-negative integer"),
            (answer(json!([bucket("2026-11-10T00:00:00Z", 1, 4)])), "exceed"),
            (answer(json!([{ "timestamp": "2026-11-10T00:00:00Z", "count": 1 }])), "has no `uniques`"),
            (answer(json!([{ "count": 1, "uniques": 1 }])), "has no `timestamp`"),
            (answer(json!([7])), "not an object"),
            (answer(json!([bucket("2026-11-10T00:00:00Z", 1, 1), bucket("2026-11-10T00:00:00Z", 2, 1)])), "twice"),
            (answer(Value::Array(sixteen)), "at most 15"),
        ];
        for (v, why) in refused {
            let e = ok(v.clone()).expect_err(&v.to_string());
            assert!(e.to_string().contains(why), "{v}: {e}");
        }
        // A copy an older gtt kept has no totals; its days are still checked.
        let kept = json!({ "views": [bucket("2026-11-10T00:00:00Z", 1, 1)] });
        assert!(check_daily(Daily::Views, &kept, window(), false).is_ok());
        let kept = json!({ "views": [bucket("2099-01-01T00:00:00Z", 1, 1)] });
        assert!(check_daily(Daily::Views, &kept, window(), false).is_err());
    }

    #[test]
    fn refusals_quote_githubs_text_escaped() {
        let v = answer(json!([bucket("2026-11-10\n::add-mask::x\u{1b}[2J", 1, 1)]));
        let e = refused("o/r", "views", &check_daily(Daily::Views, &v, window(), true).expect_err("refused"));
        let line = e.to_string();
        assert_eq!(e.kind, Kind::Shape);
        assert!(line.starts_with("o/r: GitHub's views answer is not in the documented shape ("), "{line}");
        assert!(!line.chars().any(char::is_control), "{line:?}");
    }

    #[test]
    fn popular_answers_table() {
        let referrer = |r: Value| check_popular(Popular::Referrers, &r);
        assert!(referrer(json!([{ "referrer": "google.com", "count": 4, "uniques": 3 }])).is_ok());
        assert!(referrer(json!([])).is_ok());
        let path = json!([{ "path": "/o/r", "title": "o/r", "count": 4, "uniques": 3 }]);
        assert!(check_popular(Popular::Paths, &path).is_ok());
        for bad in [
            json!({}),
            json!([1]),
            json!([{ "count": 4, "uniques": 3 }]),
            json!([{ "referrer": 5, "count": 4, "uniques": 3 }]),
            json!([{ "referrer": "x", "count": -4, "uniques": 0 }]),
            json!([{ "referrer": "x", "count": 1, "uniques": 3 }]),
        ] {
            assert!(referrer(bad.clone()).is_err(), "{bad}");
        }
        let no_title = json!([{ "path": "/o/r", "count": 4, "uniques": 3 }]);
        assert!(check_popular(Popular::Paths, &no_title).is_err());
    }

    /// Any JSON value, a few levels deep.
    fn any_json() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(Value::from),
            any::<f64>().prop_map(Value::from),
            ".{0,12}".prop_map(Value::String),
        ];
        leaf.prop_recursive(3, 24, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map(
                    prop_oneof![Just("count".to_string()), Just("views".to_string()), ".{0,6}"],
                    inner,
                    0..5
                )
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    /// A timestamp text: mostly midnights around the window, some anywhere, some noise.
    fn any_timestamp() -> impl Strategy<Value = Value> {
        prop_oneof![
            8 => (-40i64..40).prop_map(|off| Value::from(format!("{}T00:00:00Z", add_days(d("2026-11-16"), off as i32)))),
            1 => (-100_000_000_000i64..100_000_000_000).prop_map(|s| {
                Value::from(Timestamp::from_second(s).map_or_else(|_| "bad".to_string(), |t| t.to_string()))
            }),
            1 => any_json(),
        ]
    }

    fn any_count() -> impl Strategy<Value = Value> {
        prop_oneof![8 => (0u64..50).prop_map(Value::from), 1 => any::<i64>().prop_map(Value::from), 1 => any_json()]
    }

    /// Answers that look like GitHub's, with every part possibly wrong.
    fn traffic_answer() -> impl Strategy<Value = Value> {
        let bucket = (any_timestamp(), any_count(), any_count())
            .prop_map(|(t, c, u)| json!({ "timestamp": t, "count": c, "uniques": u }));
        let shaped = (any_count(), any_count(), prop::collection::vec(bucket, 0..20))
            .prop_map(|(c, u, b)| json!({ "count": c, "uniques": u, "views": b }));
        prop_oneof![shaped, any_json()]
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Whatever is accepted holds only days GitHub reported, inside its window, once
        /// each, with sane counts; nothing panics.
        #[test]
        fn accepted_answers_hold_only_reported_days_inside_the_window(v in traffic_answer(), totals: bool) {
            if let Ok(days) = check_daily(Daily::Views, &v, window(), totals) {
                prop_assert!(days.len() <= MAX_BUCKETS);
                let reported: Vec<&Value> = v["views"].as_array().map(|a| a.iter().collect()).unwrap_or_default();
                prop_assert_eq!(days.len(), reported.len());
                for ((day, count, uniques), b) in days.iter().zip(reported) {
                    prop_assert!(window().contains(*day), "{} outside", day);
                    prop_assert_eq!(b["timestamp"].as_str().map(|s| s.starts_with(&day.to_string())), Some(true));
                    prop_assert_eq!(b["count"].as_u64(), Some(*count));
                    prop_assert!(uniques <= count);
                    prop_assert_eq!(days.iter().filter(|(x, _, _)| x == day).count(), 1);
                }
            }
            let _ = check_popular(Popular::Paths, &v);
            let _ = check_popular(Popular::Referrers, &v);
        }
    }
}
