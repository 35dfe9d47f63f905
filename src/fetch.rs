//! What one collection asks GitHub about one repository, turned into an
//! [`Observation`]. The six requests are independent and run on scoped threads.

use std::fmt;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Deserialize;

use std::collections::BTreeMap;

use crate::config::{Ci, CiMode};
use crate::github::{self, Client};
use crate::history::{CiObservation, Observation, ObservedAsset, ObservedRun, PopularPath, Referrer};

/// Release pages of 100: 10,000 releases before gtt refuses to go on.
const MAX_RELEASE_PAGES: usize = 100;
/// GitHub answers at most 1,000 runs for a filtered listing: 10 pages of 100.
const RUNS_SEARCH_CAP: u64 = 1000;
const MAX_JOB_PAGES: usize = 20;
const MAX_PAGES_BUILD_PAGES: usize = 20;
/// Job listings fetched at the same time for one repository.
const JOB_THREADS: usize = 4;

/// What a collection needs to know besides the repository name.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub today: Date,
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
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.repo, self.message)
    }
}

impl std::error::Error for Error {}

#[derive(Deserialize)]
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
}

#[derive(Deserialize)]
struct Bucket {
    timestamp: Timestamp,
    count: u64,
    uniques: u64,
}

#[derive(Deserialize)]
struct ViewsJson {
    #[serde(default)]
    views: Vec<Bucket>,
}

#[derive(Deserialize)]
struct ClonesJson {
    #[serde(default)]
    clones: Vec<Bucket>,
}

#[derive(Deserialize)]
struct ReferrerJson {
    referrer: String,
    count: u64,
    uniques: u64,
}

#[derive(Deserialize)]
struct PathJson {
    path: String,
    #[serde(default)]
    title: String,
    count: u64,
    uniques: u64,
}

#[derive(Deserialize)]
struct ReleaseJson {
    tag_name: String,
    #[serde(default)]
    assets: Vec<AssetJson>,
}

#[derive(Deserialize)]
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
pub fn repository(client: &Client, repo: &str, ctx: Context<'_>) -> Result<(Observation, Option<Error>), Error> {
    let base = format!("/repos/{repo}");
    let (info, views, clones, referrers, paths, releases) = std::thread::scope(|s| {
        let info = s.spawn(|| client.get_json::<RepoJson>(&base));
        let views = s.spawn(|| client.get_json::<ViewsJson>(&format!("{base}/traffic/views?per=day")));
        let clones = s.spawn(|| client.get_json::<ClonesJson>(&format!("{base}/traffic/clones?per=day")));
        let referrers = s.spawn(|| client.get_json::<Vec<ReferrerJson>>(&format!("{base}/traffic/popular/referrers")));
        let paths = s.spawn(|| client.get_json::<Vec<PathJson>>(&format!("{base}/traffic/popular/paths")));
        let ci = s.spawn(|| ci_runs(client, repo, ctx));
        let releases = client.get_pages::<ReleaseJson>(&format!("{base}/releases?per_page=100"), MAX_RELEASE_PAGES);
        let ci = ci.join().unwrap_or_else(|_| {
            Err(github::Error::Transport { path: String::new(), detail: "CI thread failed".to_string() })
        });
        (join(info), join(views), join(clones), join(referrers), join(paths), (releases, ci))
    });
    let (releases, ci) = releases;
    let info = info.map_err(|e| explain(client, repo, e, false))?;
    let views = views.map_err(|e| explain(client, repo, e, true))?;
    let clones = clones.map_err(|e| explain(client, repo, e, true))?;
    let referrers = referrers.map_err(|e| explain(client, repo, e, true))?;
    let paths = paths.map_err(|e| explain(client, repo, e, true))?;
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
    };
    Ok((obs, ci_error))
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

#[derive(Deserialize)]
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
    let pages = if ctx.ci.pages_builds { pages_builds(client, repo, first, last)? } else { BTreeMap::new() };
    Ok(Some(CiObservation { first, last, runs, pages }))
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

/// Pages builds per day in `first..=last` (each clones the repository once). Builds
/// come newest first, so paging stops at the first page that reaches before `first`.
fn pages_builds(client: &Client, repo: &str, first: Date, last: Date) -> Result<BTreeMap<Date, u64>, github::Error> {
    let path = format!("/repos/{repo}/pages/builds?per_page=100");
    let mut out: BTreeMap<Date, u64> = BTreeMap::new();
    let result = client.walk_pages(&path, MAX_PAGES_BUILD_PAGES, |body| {
        let builds: Vec<PagesBuildJson> = Client::decode_page(&path, body)?;
        let mut older = builds.is_empty();
        for b in builds {
            let d = day(b.created_at);
            if d < first {
                older = true;
            } else if d <= last {
                *out.entry(d).or_default() += 1;
            }
        }
        Ok(!older)
    });
    match result {
        Ok(()) => Ok(out),
        // No Pages site: no Pages builds.
        Err(e) if e.status() == Some(404) => Ok(BTreeMap::new()),
        Err(e) => Err(e),
    }
}

/// CI counting needs to read workflow runs: say which permission or input fixes it.
fn explain_ci(repo: &str, e: github::Error) -> Error {
    let message = match e.status() {
        Some(403 | 404) => format!(
            "cannot read workflow runs or Pages builds to count CI clones ({e}): give the token repository permissions Actions: read and Pages: read, or set input `ci-clones: off`; traffic was still stored"
        ),
        _ => format!("CI clones not counted this run: {e}; traffic was still stored"),
    };
    Error { repo: repo.to_string(), message, fatal: false, access: false }
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
        (Some(404), _) if traffic && is_enterprise_server(client) => (
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
    Error { repo: repo.to_string(), message, fatal, access }
}

/// Enterprise Server reports `installed_version` in `/meta`; github.com does not.
fn is_enterprise_server(client: &Client) -> bool {
    #[derive(Deserialize)]
    struct Meta {
        installed_version: Option<String>,
    }
    client.get_json::<Meta>("/meta").is_ok_and(|m| m.installed_version.is_some())
}
