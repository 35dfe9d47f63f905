//! What one collection asks GitHub about one repository, turned into an
//! [`Observation`]. The six requests are independent and run on scoped threads.

use std::fmt;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use std::collections::BTreeMap;

use crate::config::{Ci, CiMode};
use crate::github::{self, Client};
use crate::history::{CiObservation, Observation, ObservedAsset, ObservedRun, PopularPath, Referrer, Validator};

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
pub struct Context<'a> {
    pub now: Timestamp,
    pub today: Date,
    /// Answers of the last collection with their ETags, for conditional requests.
    pub validators: &'a BTreeMap<String, Validator>,
    pub ci: &'a Ci,
    /// Completed runs already counted: their jobs are not fetched again.
    pub ci_cache: &'a BTreeMap<u64, BTreeMap<Date, u64>>,
}

/// Why a repository could not be collected, phrased as what the user should do.
#[derive(Debug)]
pub struct Error {
    pub repo: String,
    pub message: String,
    /// Every repository will fail the same way (bad token, rate limit): no point going on.
    pub fatal: bool,
    /// The token may not read this repository's traffic: a repository picked by a glob
    /// is then skipped, not failed.
    pub access: bool,
    /// The rate limit ran out (beyond `max-wait`): the repository is deferred.
    pub rate_limited: bool,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.repo, self.message)
    }
}

impl std::error::Error for Error {}

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

#[derive(Deserialize, Serialize)]
struct ViewsJson {
    #[serde(default)]
    views: Vec<Bucket>,
}

#[derive(Deserialize, Serialize)]
struct ClonesJson {
    #[serde(default)]
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
    #[serde(default)]
    assets: Vec<AssetJson>,
}

#[derive(Deserialize, Serialize)]
struct AssetJson {
    id: u64,
    name: String,
    download_count: u64,
}

fn day(t: Timestamp) -> Date {
    t.to_zoned(jiff::tz::TimeZone::UTC).date()
}

fn buckets(b: Vec<Bucket>) -> Vec<(Date, u64, u64)> {
    b.into_iter().map(|b| (day(b.timestamp), b.count, b.uniques)).collect()
}

/// Fetches everything gtt keeps about `repo`. A failure to count CI leaves the
/// observation without CI (a gap in CI data, never zero checkouts) and is returned
/// beside it, so the traffic is still stored and the run still fails loudly.
///
/// Requests run at once where they do not depend on each other, so the run's critical
/// path is two round trips (the repository, then its Pages builds; the runs listing,
/// then new runs' jobs). Endpoints whose answer gtt keeps are asked conditionally.
pub fn repository(client: &Client, repo: &str, ctx: Context<'_>) -> Result<(Observation, Option<Error>), Error> {
    let base = format!("/repos/{repo}");
    let kept = std::sync::Mutex::new(BTreeMap::new());
    let get = |key: &str, path: String| conditional(client, &path, key, ctx, &kept);
    let (info, views, clones, referrers, paths, releases, ci) = std::thread::scope(|s| {
        let views = s.spawn(|| get("views", format!("{base}/traffic/views?per=day")));
        let clones = s.spawn(|| get("clones", format!("{base}/traffic/clones?per=day")));
        let referrers = s.spawn(|| get("referrers", format!("{base}/traffic/popular/referrers")));
        let paths = s.spawn(|| get("paths", format!("{base}/traffic/popular/paths")));
        let releases = s.spawn(|| releases(client, &base, ctx, &kept));
        let ci = s.spawn(|| ci_runs(client, repo, ctx));
        let info = get("repo", base.clone()).and_then(|v| decode::<RepoJson>(&base, v));
        // Pages builds only where there is a Pages site: the repository says.
        let pages = match &info {
            Ok(i) if i.has_pages && ctx.ci.mode != CiMode::Off && ctx.ci.pages_builds => {
                Some(pages_builds(client, repo, ctx, &kept))
            }
            _ => None,
        };
        let ci = ci.join().unwrap_or_else(|_| {
            Err(github::Error::Transport { path: String::new(), detail: "CI thread failed".to_string() })
        });
        let ci = match (ci, pages) {
            (Ok(Some(mut c)), Some(Ok(p))) => {
                c.pages = p;
                Ok(Some(c))
            }
            (Ok(_), Some(Err(e))) | (Err(e), _) => Err(e),
            (ci, _) => ci,
        };
        (info, join(views), join(clones), join(referrers), join(paths), join(releases), ci)
    });
    let info = info.map_err(|e| explain(client, repo, e, false))?;
    let views: ViewsJson = traffic(client, repo, views, "traffic/views")?;
    let clones: ClonesJson = traffic(client, repo, clones, "traffic/clones")?;
    let referrers: Vec<ReferrerJson> = traffic(client, repo, referrers, "traffic/popular/referrers")?;
    let paths: Vec<PathJson> = traffic(client, repo, paths, "traffic/popular/paths")?;
    let releases = releases.map_err(|e| explain(client, repo, e, false))?;
    let (ci, ci_error) = match ci {
        Ok(ci) => (ci, None),
        Err(e) => (None, Some(explain_ci(repo, e))),
    };
    let obs = Observation {
        views: buckets(views.views),
        clones: buckets(clones.clones),
        stats: Some((info.stargazers_count, info.forks_count, info.subscribers_count, info.open_issues_count)),
        created_at: info.created_at,
        pushed_at: info.pushed_at,
        private: info.private,
        assets: releases
            .into_iter()
            .flat_map(|r| {
                let tag = r.tag_name;
                r.assets.into_iter().map(move |a| ObservedAsset {
                    id: a.id,
                    release: tag.clone(),
                    name: a.name,
                    downloads: a.download_count,
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
    };
    Ok((obs, ci_error))
}

fn traffic<T: DeserializeOwned>(
    client: &Client,
    repo: &str,
    answer: Result<serde_json::Value, github::Error>,
    path: &str,
) -> Result<T, Error> {
    answer.and_then(|v| decode(path, v)).map_err(|e| explain(client, repo, e, true))
}

fn decode<T: DeserializeOwned>(path: &str, v: serde_json::Value) -> Result<T, github::Error> {
    serde_json::from_value(v).map_err(|e| github::Error::Decode { path: path.to_string(), detail: e.to_string() })
}

/// A GET answered from the last collection's copy when GitHub says 304 Not Modified.
/// The answer is kept in the reduced form gtt reads (unknown fields dropped by the
/// typed decode the caller does), under `key`, with the ETag that names it.
fn conditional(
    client: &Client,
    path: &str,
    key: &str,
    ctx: Context<'_>,
    kept: &std::sync::Mutex<BTreeMap<String, Validator>>,
) -> Result<serde_json::Value, github::Error> {
    conditional_page(client, path, key, ctx, kept, false).map(|(v, _)| v)
}

/// [`conditional`] for the first page of a listing: also returns the next page. With
/// `keep_paged`, a first page with more after it is kept too (the caller decides from
/// its content whether the later pages matter); otherwise only a one-page answer is.
/// After a 304 the next page is whatever `Link` GitHub sent with it, often none.
fn conditional_page(
    client: &Client,
    path: &str,
    key: &str,
    ctx: Context<'_>,
    kept: &std::sync::Mutex<BTreeMap<String, Validator>>,
    keep_paged: bool,
) -> Result<(serde_json::Value, Option<String>), github::Error> {
    let prior = ctx.validators.get(key);
    let answer = client.get_conditional(path, prior.map(|v| v.etag.as_str()))?;
    let (value, etag) = match (answer.body, prior) {
        (None, Some(p)) => (p.value.clone(), Some(p.etag.clone())),
        (None, None) => {
            return Err(github::Error::Decode {
                path: path.to_string(),
                detail: "304 to an unconditional request".into(),
            });
        }
        (Some(body), _) => {
            let v: serde_json::Value = serde_json::from_str(&body)
                .map_err(|e| github::Error::Decode { path: path.to_string(), detail: e.to_string() })?;
            (reduce(key, v), answer.etag)
        }
    };
    if let (Some(etag), true, Ok(mut k)) = (etag, keep_paged || answer.next.is_none(), kept.lock()) {
        k.insert(key.to_string(), Validator { at: ctx.now, etag, value: value.clone() });
    }
    Ok((value, answer.next))
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
        "releases" => via::<Vec<ReleaseJson>>(v),
        "pages-builds" => via::<Vec<PagesBuildJson>>(v),
        _ => v,
    }
}

/// Every release, page by page. The first page is asked conditionally; a list that
/// fits one page is then known from a 304 without spending quota.
fn releases(
    client: &Client,
    base: &str,
    ctx: Context<'_>,
    kept: &std::sync::Mutex<BTreeMap<String, Validator>>,
) -> Result<Vec<ReleaseJson>, github::Error> {
    let path = format!("{base}/releases?per_page=100");
    // A list longer than one page is not kept: its first page alone is not the answer.
    let (value, next) = conditional_page(client, &path, "releases", ctx, kept, false)?;
    let mut out: Vec<ReleaseJson> = decode(&path, value)?;
    if let Some(next) = next {
        out.extend(client.get_pages::<ReleaseJson>(&next, MAX_RELEASE_PAGES - 1)?);
    }
    Ok(out)
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
}

#[derive(Deserialize)]
struct JobsPage {
    #[serde(default)]
    jobs: Vec<JobJson>,
}

#[derive(Deserialize)]
struct JobJson {
    started_at: Option<Timestamp>,
    #[serde(default)]
    steps: Vec<StepJson>,
}

#[derive(Deserialize)]
struct StepJson {
    name: String,
    started_at: Option<Timestamp>,
}

#[derive(Deserialize, Serialize)]
struct PagesBuildJson {
    created_at: Timestamp,
}

fn add_days(d: Date, n: i32) -> Date {
    d.checked_add(jiff::Span::new().days(n)).unwrap_or(d)
}

/// Recounts CI checkouts for every complete day of the window: the days' completed
/// workflow runs (all pages), their jobs (all pages, every attempt) and matching steps,
/// plus Pages builds. Runs still in progress are left for the next collection.
fn ci_runs(client: &Client, repo: &str, ctx: Context<'_>) -> Result<Option<CiObservation>, github::Error> {
    if ctx.ci.mode == CiMode::Off {
        return Ok(None);
    }
    let first = add_days(ctx.today, -crate::history::WINDOW_DAYS);
    let last = add_days(ctx.today, -1);
    let mut listed = Vec::new();
    list_runs(client, repo, first, last, &mut listed)?;
    let completed: Vec<&RunJson> = listed.iter().filter(|r| r.status.as_deref() == Some("completed")).collect();

    let mut runs: Vec<ObservedRun> = Vec::new();
    let mut to_fetch: Vec<&RunJson> = Vec::new();
    for r in completed {
        match (ctx.ci.mode, ctx.ci_cache.get(&r.id)) {
            (CiMode::Runs, _) => {
                runs.push(ObservedRun { id: r.id, checkouts: BTreeMap::from([(day(r.created_at), 1)]) })
            }
            (_, Some(cached)) => runs.push(ObservedRun { id: r.id, checkouts: cached.clone() }),
            _ => to_fetch.push(r),
        }
    }
    let fetched = std::sync::Mutex::new(Vec::new());
    let next = std::sync::atomic::AtomicUsize::new(0);
    let failure = std::sync::Mutex::new(None);
    std::thread::scope(|s| {
        for _ in 0..JOB_THREADS.min(to_fetch.len()) {
            s.spawn(|| {
                while let Some(r) = to_fetch.get(next.fetch_add(1, std::sync::atomic::Ordering::SeqCst)) {
                    match run_checkouts(client, repo, r, ctx.ci) {
                        Ok(run) => fetched.lock().map(|mut v| v.push(run)).unwrap_or(()),
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
    runs.extend(fetched.into_inner().unwrap_or_default());
    // Pages builds are added by the caller, which knows whether there is a Pages site.
    Ok(Some(CiObservation { first, last, runs, pages: BTreeMap::new() }))
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

/// Checkout steps of one completed run, per UTC day the step started (every attempt).
fn run_checkouts(client: &Client, repo: &str, run: &RunJson, ci: &Ci) -> Result<ObservedRun, github::Error> {
    let path = format!("/repos/{repo}/actions/runs/{}/jobs?filter=all&per_page=100", run.id);
    let mut checkouts: BTreeMap<Date, u64> = BTreeMap::new();
    client.walk_pages(&path, MAX_JOB_PAGES, |body| {
        let page: JobsPage = Client::decode_page(&path, body)?;
        for job in &page.jobs {
            for step in job.steps.iter().filter(|s| ci.matches(&s.name)) {
                let at = step.started_at.or(job.started_at).unwrap_or(run.created_at);
                *checkouts.entry(day(at)).or_default() += 1;
            }
        }
        Ok(true)
    })?;
    Ok(ObservedRun { id: run.id, checkouts })
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
    let (value, next) = match conditional_page(client, &path, "pages-builds", ctx, kept, true) {
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
    let rate_limited = matches!(e, github::Error::RateLimited { .. });
    Error { repo: repo.to_string(), message, fatal: false, access: false, rate_limited }
}

fn join<T>(h: std::thread::ScopedJoinHandle<'_, Result<T, github::Error>>) -> Result<T, github::Error> {
    h.join().unwrap_or_else(|_| {
        Err(github::Error::Transport { path: String::new(), detail: "request thread failed".to_string() })
    })
}

/// Turns GitHub's answer into the fix the user needs.
pub(crate) fn explain(client: &Client, repo: &str, e: github::Error, traffic: bool) -> Error {
    let msg = e.message().to_ascii_lowercase();
    let (message, fatal) = match (e.status(), &e) {
        (Some(401), _) => (
            "the token was refused (401 Bad credentials): check that input `token` (or GITHUB_TOKEN) holds a current, unexpired token".to_string(),
            true,
        ),
        (Some(403), _) if msg.contains("not accessible by integration") => (
            "the workflow's GITHUB_TOKEN cannot read traffic (403 Resource not accessible by integration): pass a fine-grained token with repository permission Administration: read (or a classic token with repo scope) as input `token`".to_string(),
            true,
        ),
        (Some(403), _) if msg.contains("must have push access") => (
            "the token has no push access (403 Must have push access): traffic needs a token of an account with write access to the repository".to_string(),
            false,
        ),
        (Some(403), _) if msg.contains("personal access token") => (
            "the fine-grained token lacks repository permission Administration: read (403 Resource not accessible by personal access token): add it to the token and include this repository".to_string(),
            false,
        ),
        (Some(404), _) if traffic && client.is_enterprise_server() => (
            "this is GitHub Enterprise Server, which has no traffic API; gtt needs github.com or GHE.com (input `api-url`)".to_string(),
            true,
        ),
        (Some(404), _) if traffic => {
            ("GitHub has no traffic for this repository (404): the token needs push access to it".to_string(), false)
        }
        (Some(404), _) => (
            format!("repository {repo} not found (404): check the name in input `repos`, and that the token can see it if it is private"),
            false,
        ),
        (_, github::Error::RateLimited { .. }) => (e.to_string(), true),
        _ => (e.to_string(), false),
    };
    let access = matches!(e.status(), Some(403 | 404)) && !fatal;
    let rate_limited = matches!(e, github::Error::RateLimited { .. });
    Error { repo: repo.to_string(), message, fatal, access, rate_limited }
}
