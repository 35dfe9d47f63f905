//! An in-process fake of the parts of GitHub's REST API that gtt uses.
//!
//! The fake listens on `127.0.0.1:0` only, answers with the response shapes
//! of api.github.com (see `shared/reference/platform.md`, sections 3 and 4),
//! and is fully deterministic: its clock only moves when a test moves it, ids
//! and gist revision versions come from counters.
//!
//! It is a small HTTP/1.1 server of its own (thread per connection, keep-alive,
//! `Content-Length` and chunked request bodies) rather than tiny_http, because
//! tiny_http cannot close a connection without answering: a dropped
//! `tiny_http::Request` answers 500, and `Request::into_writer` leaves the
//! socket open so the client waits forever. `FaultKind::DropConnection` needs
//! a real transport error.

#[cfg(test)]
mod selftest;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{self, BufRead, BufReader, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Span, Timestamp};
use serde_json::{Map, Value, json};

/// The fake's clock starts here.
pub const START_NOW: &str = "2026-11-01T12:00:00Z";
/// `created_at` of every repository.
pub const REPO_CREATED_AT: &str = "2020-01-01T00:00:00Z";
/// Login of the user owning gists created with [`FakeGitHub::create_gist`] and the tokens.
pub const GIST_OWNER: &str = "octocat";
/// Login shown in the history for revisions made by [`FakeGitHub::inject_concurrent_write`].
pub const OTHER_WRITER: &str = "other-writer";
/// Version reported by `GET /meta` in Enterprise Server mode.
pub const ENTERPRISE_VERSION: &str = "3.14.2";

const RATE_LIMIT: u64 = 5000;
const ANON_RATE_LIMIT: u64 = 60;
const MAX_HEADER_BYTES: usize = 64 * 1024;
const MAX_BODY_BYTES: usize = 64 * 1024 * 1024;
const MAX_GIST_FILES_LISTED: usize = 300;
const SECONDARY_MESSAGE: &str =
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.";
const SECONDARY_DOC: &str =
    "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits";
const PRIMARY_DOC: &str =
    "https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-primary-rate-limits";
const UA_MESSAGE: &str = "Request forbidden by administrative rules. Please make sure your request has a User-Agent header (https://docs.github.com/en/rest/overview/resources-in-the-rest-api#user-agent-required). Check https://developer.github.com for other possible causes.";

/// What a token may do, mirroring the kinds of token gtt meets in practice.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TokenKind {
    /// Classic token with `repo` and `gist` scopes: can do everything.
    Full,
    /// The workflow's `GITHUB_TOKEN`: no traffic, no gist writes.
    WorkflowToken,
    /// Classic token of a user without push access: no traffic.
    ClassicNoPush,
    /// Fine-grained token without "Administration: read": no traffic.
    FineGrainedNoAdmin,
    /// Reads everything, but gist writes answer 404 (what GitHub does without the gist scope).
    NoGistWrite,
}

/// A fault fired before normal handling, `times` times, for requests whose
/// method matches (`"*"` for any) and whose path and query contain `path_contains`.
#[derive(Clone, Debug)]
pub struct Fault {
    pub method: &'static str,
    pub path_contains: String,
    pub times: u32,
    pub kind: FaultKind,
}

impl Fault {
    pub fn new(method: &'static str, path_contains: &str, times: u32, kind: FaultKind) -> Fault {
        Fault { method, path_contains: path_contains.to_owned(), times, kind }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultKind {
    /// Answer this status with `{"message":"Server Error"}` (or the status' reason for 4xx).
    Status(u16),
    /// 403 secondary rate limit with `retry-after: N`.
    SecondaryLimit { retry_after: u64 },
    /// 403 primary limit exhausted: `x-ratelimit-remaining: 0`, reset in `reset_in` seconds.
    PrimaryExhausted { reset_in: u64 },
    /// 403 secondary rate limit without `retry-after`.
    SecondaryNoHeader,
    /// Close the connection without answering.
    DropConnection,
    /// Answer `status` with this raw body (any bytes, valid JSON or not), with the usual
    /// `date` and rate-limit headers: a hostile or buggy API's answer.
    Body { status: u16, body: &'static str },
}

/// One request as the fake saw it.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    /// Path and query, as sent.
    pub path: String,
    /// Header names lower-cased, in the order sent.
    pub headers: Vec<(String, String)>,
    /// Status answered; 0 when the connection was dropped.
    pub status: u16,
    /// Request body (lossy UTF-8).
    pub body: String,
}

impl Recorded {
    /// The first value of a header (name case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }
}

/// One step of a [`FakeJob`]. `started_at: None` = not reached yet (queued), or
/// skipped once its job has completed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeStep {
    pub name: String,
    pub started_at: Option<Timestamp>,
}

impl FakeStep {
    pub fn new(name: &str, started_at: Option<Timestamp>) -> FakeStep {
        FakeStep { name: name.to_owned(), started_at }
    }
}

/// One job of a [`FakeRun`]. `started_at: None` = still queued. `run_attempt`
/// starts at 1; a re-run adds jobs with the next attempt number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeJob {
    pub name: String,
    pub started_at: Option<Timestamp>,
    pub steps: Vec<FakeStep>,
    pub run_attempt: u32,
}

impl FakeJob {
    /// A job of the first attempt.
    pub fn new(name: &str, started_at: Option<Timestamp>, steps: Vec<FakeStep>) -> FakeJob {
        FakeJob { name: name.to_owned(), started_at, steps, run_attempt: 1 }
    }
}

/// A GitHub Actions workflow run, for [`FakeGitHub::add_workflow_run`].
///
/// Timing model: attempt 1 starts at `created_at`; a later attempt starts at the
/// earliest `started_at` of its jobs; an earlier attempt ends when the next one
/// starts; the latest attempt ends at `completed_at` (`None` = in progress).
/// Everything that completed concluded `success`; steps never started of a
/// completed job are `skipped`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FakeRun {
    /// Workflow name (also the run's `display_title`).
    pub name: String,
    /// Triggering event: `push`, `schedule`, `workflow_dispatch`, `pull_request`...
    pub event: String,
    pub created_at: Timestamp,
    /// `None` = in progress.
    pub completed_at: Option<Timestamp>,
    pub jobs: Vec<FakeJob>,
}

type ConcurrentWrite = Box<dyn FnOnce(&BTreeMap<String, String>) -> Vec<(String, Option<String>)> + Send>;

struct TokenState {
    kind: Option<TokenKind>,
    limit: u64,
    used: u64,
    /// Epoch seconds at which the current window ends; 0 before the first request.
    reset: i64,
}

impl TokenState {
    fn new(kind: Option<TokenKind>, limit: u64) -> TokenState {
        TokenState { kind, limit, used: 0, reset: 0 }
    }

    fn roll(&mut self, now: i64) {
        if self.reset == 0 || now >= self.reset {
            self.used = 0;
            self.reset = now + 3600;
        }
    }
}

#[derive(Clone, Copy, Default)]
struct DayTraffic {
    views: u64,
    views_uniques: u64,
    clones: u64,
    clones_uniques: u64,
}

struct Asset {
    id: u64,
    name: String,
    downloads: u64,
    created: Timestamp,
    deleted: bool,
}

struct Release {
    id: u64,
    tag: String,
    created: Timestamp,
    assets: Vec<Asset>,
}

struct Repo {
    id: u64,
    owner: String,
    name: String,
    stars: u64,
    forks: u64,
    watchers: u64,
    open_issues: u64,
    private: bool,
    fork: bool,
    archived: bool,
    updated: Timestamp,
    traffic: BTreeMap<Date, DayTraffic>,
    referrers: Vec<(String, u64, u64)>,
    paths: Vec<(String, String, u64, u64)>,
    releases: Vec<Release>,
    runs: Vec<WorkflowRun>,
    next_run_number: u64,
    pages_enabled: bool,
    pages_builds: Vec<PagesBuild>,
}

impl Repo {
    fn full_name(&self) -> String {
        format!("{}/{}", self.owner, self.name)
    }
}

struct StoredJob {
    id: u64,
    name: String,
    started: Option<Timestamp>,
    steps: Vec<FakeStep>,
    attempt: u32,
}

struct WorkflowRun {
    id: u64,
    run_number: u64,
    name: String,
    event: String,
    created: Timestamp,
    completed: Option<Timestamp>,
    /// Ordered by attempt, then as given; ids increase in this order.
    jobs: Vec<StoredJob>,
}

impl WorkflowRun {
    fn latest_attempt(&self) -> u32 {
        self.jobs.iter().map(|j| j.attempt).max().unwrap_or(1).max(1)
    }

    /// Every start time recorded for jobs and steps of `attempt`.
    fn starts_of(&self, attempt: u32) -> impl Iterator<Item = Timestamp> + '_ {
        self.jobs
            .iter()
            .filter(move |j| j.attempt == attempt)
            .flat_map(|j| j.started.into_iter().chain(j.steps.iter().filter_map(|s| s.started_at)))
    }

    /// When `attempt` started (its `run_started_at`).
    fn attempt_start(&self, attempt: u32) -> Timestamp {
        if attempt <= 1 {
            return self.created;
        }
        let own = self.jobs.iter().filter(|j| j.attempt == attempt).filter_map(|j| j.started).min();
        own.or_else(|| (1..attempt).flat_map(|a| self.starts_of(a)).max()).map_or(self.created, |t| t.max(self.created))
    }

    /// When `attempt` ended; `None` while it runs.
    fn attempt_end(&self, attempt: u32) -> Option<Timestamp> {
        let latest = self.latest_attempt();
        let end = if attempt >= latest { self.completed? } else { self.attempt_start(attempt + 1) };
        let last_start = self.starts_of(attempt).max().unwrap_or(self.created);
        Some(end.max(last_start).max(self.attempt_start(attempt)))
    }

    fn updated(&self) -> Timestamp {
        match self.completed {
            Some(c) => c.max(self.created),
            None => {
                self.jobs.iter().flat_map(|j| self.starts_of(j.attempt)).max().unwrap_or(self.created).max(self.created)
            }
        }
    }

    fn head_sha(&self) -> String {
        hex_id(self.id ^ 0x5eed_0000, 40)
    }

    fn check_suite_id(&self) -> u64 {
        self.id + 20_000_000_000
    }
}

struct PagesBuild {
    id: u64,
    created: Timestamp,
}

struct Revision {
    version: String,
    committed_at: Timestamp,
    user: String,
    files: BTreeMap<String, String>,
    additions: u64,
    deletions: u64,
}

struct Gist {
    id: String,
    owner: String,
    description: String,
    public: bool,
    created: Timestamp,
    /// Oldest first.
    revisions: Vec<Revision>,
    pending: Vec<ConcurrentWrite>,
}

impl Gist {
    fn latest(&self) -> Option<&Revision> {
        self.revisions.last()
    }

    fn latest_files(&self) -> BTreeMap<String, String> {
        self.latest().map(|r| r.files.clone()).unwrap_or_default()
    }
}

struct State {
    now: Timestamp,
    tokens: BTreeMap<String, TokenState>,
    anon: TokenState,
    repos: BTreeMap<String, Repo>,
    next_repo_id: u64,
    next_release_id: u64,
    next_asset_id: u64,
    next_run_id: u64,
    next_job_id: u64,
    next_pages_build_id: u64,
    enterprise: bool,
    gists: BTreeMap<String, Gist>,
    truncate_at: usize,
    truncated_content_empty: bool,
    raw_url_base: Option<String>,
    revision_counter: u64,
    gist_counter: u64,
    faults: Vec<Fault>,
    requests: Vec<Recorded>,
}

struct Shared {
    state: Mutex<State>,
    base_url: String,
    stop: AtomicBool,
    conns: Mutex<BTreeMap<u64, TcpStream>>,
    next_conn: AtomicU64,
    workers: Mutex<Vec<JoinHandle<()>>>,
    /// Requests being served right now (latency included).
    in_flight: AtomicU64,
    limits: Mutex<Limits>,
    limit_state: Mutex<LimitState>,
}

/// How the fake paces and polices callers, like GitHub's secondary limits: a wall-clock
/// latency per request, a cap on requests in flight, and a cap per window of wall time.
#[derive(Debug, Clone, Default)]
pub struct Limits {
    pub latency: std::time::Duration,
    /// More requests in flight than this answer 403 secondary rate limit.
    pub max_concurrent: Option<u64>,
    /// At most `.0` requests per wall-clock window of `.1`; the rest answer 403 with
    /// `retry-after` until the window ends.
    pub per_window: Option<(u64, std::time::Duration)>,
}

/// What the fake's policing saw.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct LimitStats {
    pub peak_in_flight: u64,
    pub concurrent_violations: u64,
    pub window_violations: u64,
}

#[derive(Default)]
struct LimitState {
    window_start: Option<std::time::Instant>,
    window_count: u64,
    stats: LimitStats,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The fake GitHub server. It runs on background threads and stops on drop.
pub struct FakeGitHub {
    shared: Arc<Shared>,
    addr: SocketAddr,
    acceptor: Option<JoinHandle<()>>,
}

impl FakeGitHub {
    /// Binds `127.0.0.1:0` and starts serving.
    pub fn start() -> FakeGitHub {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1:0 for the fake GitHub");
        let addr = listener.local_addr().expect("local address of the fake GitHub");
        let base_url = format!("http://127.0.0.1:{}", addr.port());
        let state = State {
            now: START_NOW.parse().expect("START_NOW is a valid timestamp"),
            tokens: BTreeMap::new(),
            anon: TokenState::new(None, ANON_RATE_LIMIT),
            repos: BTreeMap::new(),
            next_repo_id: 100_001,
            next_release_id: 2_000_001,
            next_asset_id: 3_000_001,
            next_run_id: 11_000_000_001,
            next_job_id: 31_000_000_001,
            next_pages_build_id: 400_000_001,
            enterprise: false,
            gists: BTreeMap::new(),
            truncate_at: 1_000_000,
            truncated_content_empty: false,
            raw_url_base: None,
            revision_counter: 0,
            gist_counter: 0,
            faults: Vec::new(),
            requests: Vec::new(),
        };
        let shared = Arc::new(Shared {
            state: Mutex::new(state),
            base_url,
            stop: AtomicBool::new(false),
            conns: Mutex::new(BTreeMap::new()),
            next_conn: AtomicU64::new(0),
            workers: Mutex::new(Vec::new()),
            in_flight: AtomicU64::new(0),
            limits: Mutex::new(Limits::default()),
            limit_state: Mutex::new(LimitState::default()),
        });
        let acceptor_shared = Arc::clone(&shared);
        let acceptor = std::thread::Builder::new()
            .name("fake-github-accept".into())
            .spawn(move || accept_loop(&listener, &acceptor_shared))
            .expect("spawn the fake GitHub's accept thread");
        FakeGitHub { shared, addr, acceptor: Some(acceptor) }
    }

    /// API base URL, `http://127.0.0.1:PORT`, without a trailing slash.
    /// (Requests under `/api/v3` are served too, as on Enterprise Server.)
    pub fn url(&self) -> String {
        self.shared.base_url.clone()
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        lock(&self.shared.state)
    }

    /// Wall-clock latency and secondary limits for every request from now on.
    pub fn set_limits(&self, limits: Limits) {
        *lock(&self.shared.limits) = limits;
        *lock(&self.shared.limit_state) = LimitState::default();
    }

    /// What the limits saw so far.
    pub fn limit_stats(&self) -> LimitStats {
        lock(&self.shared.limit_state).stats
    }

    /// Generates `n` public repositories `owner/prefix-0001`.. with 14 days of traffic,
    /// stars and one release, for scale tests and benchmarks.
    pub fn add_generated_repos(&self, owner: &str, prefix: &str, n: usize) -> Vec<String> {
        let today = self.now().to_zoned(TimeZone::UTC).date();
        let mut names = Vec::new();
        for i in 1..=n {
            let name = format!("{owner}/{prefix}-{i:04}");
            self.add_repo(&name);
            let k = i as u64;
            self.set_repo_stats(&name, k % 97, k % 13, k % 7, k % 5);
            for back in 1..=14 {
                let Ok(day) = today.checked_sub(Span::new().days(back)) else { continue };
                let b = back as u64;
                self.set_traffic(&name, day, 10 + (k * b) % 50, 1 + (k + b) % 9, 3 + (k * 7 + b) % 20, 1 + (k + b) % 4);
            }
            self.add_release(&name, "v1.0.0", vec![("tool.tar.gz", k * 3)]);
            names.push(name);
        }
        names
    }

    // ----- clock -----

    pub fn set_now(&self, t: Timestamp) {
        self.state().now = t;
    }

    pub fn advance(&self, d: SignedDuration) {
        let mut st = self.state();
        st.now = st.now.checked_add(d).expect("fake clock stays in range");
    }

    pub fn now(&self) -> Timestamp {
        self.state().now
    }

    // ----- auth -----

    pub fn add_token(&self, token: &str, kind: TokenKind) {
        self.state().tokens.insert(token.to_owned(), TokenState::new(Some(kind), RATE_LIMIT));
    }

    /// Sets what `x-ratelimit-remaining` will be before the token's next request
    /// (that request then reports one less). At 0 the token is refused with a
    /// primary rate limit 403 until its window resets.
    pub fn set_rate_remaining(&self, token: &str, remaining: u64) {
        let mut st = self.state();
        let now = st.now.as_second();
        let t = st.tokens.get_mut(token).expect("set_rate_remaining: unknown token");
        t.roll(now);
        t.used = t.limit.saturating_sub(remaining);
    }

    // ----- repos -----

    pub fn add_repo(&self, full_name: &str) {
        let (owner, name) = full_name.split_once('/').expect("add_repo takes \"owner/name\"");
        let mut st = self.state();
        let id = st.next_repo_id;
        st.next_repo_id += 1;
        let updated = st.now;
        st.repos.insert(
            full_name.to_ascii_lowercase(),
            Repo {
                id,
                owner: owner.to_owned(),
                name: name.to_owned(),
                stars: 0,
                forks: 0,
                watchers: 0,
                open_issues: 0,
                private: false,
                fork: false,
                archived: false,
                updated,
                traffic: BTreeMap::new(),
                referrers: Vec::new(),
                paths: Vec::new(),
                releases: Vec::new(),
                runs: Vec::new(),
                next_run_number: 1,
                pages_enabled: false,
                pages_builds: Vec::new(),
            },
        );
    }

    /// The numeric id GitHub would give the repository (used in `/repositories/{id}` links).
    pub fn repo_id(&self, repo: &str) -> u64 {
        self.with_repo(repo, |r| r.id)
    }

    fn with_repo<T>(&self, repo: &str, f: impl FnOnce(&mut Repo) -> T) -> T {
        let mut st = self.state();
        let r = st
            .repos
            .get_mut(&repo.to_ascii_lowercase())
            .unwrap_or_else(|| panic!("fake GitHub: unknown repository {repo}"));
        f(r)
    }

    pub fn set_repo_stats(&self, repo: &str, stars: u64, forks: u64, watchers: u64, open_issues: u64) {
        self.with_repo(repo, |r| {
            r.stars = stars;
            r.forks = forks;
            r.watchers = watchers;
            r.open_issues = open_issues;
        });
    }

    pub fn set_repo_flags(&self, repo: &str, private: bool, fork: bool, archived: bool) {
        self.with_repo(repo, |r| {
            r.private = private;
            r.fork = fork;
            r.archived = archived;
        });
    }

    /// The repository's last push (`pushed_at`, and `updated_at`), for inactivity checks.
    pub fn set_pushed_at(&self, repo: &str, at: Timestamp) {
        self.with_repo(repo, |r| r.updated = at);
    }

    /// Ground truth for a full UTC day.
    pub fn set_traffic(&self, repo: &str, day: Date, views: u64, views_uniques: u64, clones: u64, clones_uniques: u64) {
        self.with_repo(repo, |r| {
            r.traffic.insert(day, DayTraffic { views, views_uniques, clones, clones_uniques });
        });
    }

    /// `(referrer, count, uniques)`; the API answers the top 10 by count.
    pub fn set_referrers(&self, repo: &str, list: Vec<(String, u64, u64)>) {
        self.with_repo(repo, |r| r.referrers = list);
    }

    /// `(path, title, count, uniques)`; the API answers the top 10 by count.
    pub fn set_paths(&self, repo: &str, list: Vec<(String, String, u64, u64)>) {
        self.with_repo(repo, |r| r.paths = list);
    }

    /// Adds a published release; returns its id. Assets `(name, download_count)` get unique ids.
    pub fn add_release(&self, repo: &str, tag: &str, assets: Vec<(&str, u64)>) -> u64 {
        let mut st = self.state();
        let now = st.now;
        let id = st.next_release_id;
        st.next_release_id += 1;
        let mut list = Vec::with_capacity(assets.len());
        for (name, downloads) in assets {
            list.push(Asset { id: st.next_asset_id, name: name.to_owned(), downloads, created: now, deleted: false });
            st.next_asset_id += 1;
        }
        let r = st
            .repos
            .get_mut(&repo.to_ascii_lowercase())
            .unwrap_or_else(|| panic!("fake GitHub: unknown repository {repo}"));
        r.releases.push(Release { id, tag: tag.to_owned(), created: now, assets: list });
        id
    }

    /// Asset ids of a release, in the order given to [`FakeGitHub::add_release`].
    pub fn release_asset_ids(&self, release_id: u64) -> Vec<u64> {
        let st = self.state();
        st.repos
            .values()
            .flat_map(|r| r.releases.iter())
            .find(|rel| rel.id == release_id)
            .map(|rel| rel.assets.iter().map(|a| a.id).collect())
            .unwrap_or_else(|| panic!("fake GitHub: unknown release {release_id}"))
    }

    fn with_asset(&self, asset_id: u64, f: impl FnOnce(&mut Asset)) {
        let mut st = self.state();
        let asset = st
            .repos
            .values_mut()
            .flat_map(|r| r.releases.iter_mut())
            .flat_map(|rel| rel.assets.iter_mut())
            .find(|a| a.id == asset_id)
            .unwrap_or_else(|| panic!("fake GitHub: unknown asset {asset_id}"));
        f(asset);
    }

    pub fn set_asset_downloads(&self, asset_id: u64, count: u64) {
        self.with_asset(asset_id, |a| a.downloads = count);
    }

    pub fn delete_asset(&self, asset_id: u64) {
        self.with_asset(asset_id, |a| a.deleted = true);
    }

    // ----- actions and pages -----

    /// Adds a workflow run; returns its id (run ids, job ids and run numbers come from counters).
    /// Panics on a job with `run_attempt` 0.
    pub fn add_workflow_run(&self, repo: &str, run: FakeRun) -> u64 {
        let mut st = self.state();
        let id = st.next_run_id;
        st.next_run_id += 1;
        let mut jobs: Vec<FakeJob> = run.jobs;
        assert!(jobs.iter().all(|j| j.run_attempt >= 1), "fake GitHub: run_attempt starts at 1");
        // Stable: keeps the given order within an attempt.
        jobs.sort_by_key(|j| j.run_attempt);
        let mut stored = Vec::with_capacity(jobs.len());
        for j in jobs {
            stored.push(StoredJob {
                id: st.next_job_id,
                name: j.name,
                started: j.started_at,
                steps: j.steps,
                attempt: j.run_attempt,
            });
            st.next_job_id += 1;
        }
        let r = st
            .repos
            .get_mut(&repo.to_ascii_lowercase())
            .unwrap_or_else(|| panic!("fake GitHub: unknown repository {repo}"));
        let run_number = r.next_run_number;
        r.next_run_number += 1;
        r.runs.push(WorkflowRun {
            id,
            run_number,
            name: run.name,
            event: run.event,
            created: run.created_at,
            completed: run.completed_at,
            jobs: stored,
        });
        id
    }

    /// Marks an in-progress run (its latest attempt) completed with conclusion `success`.
    pub fn complete_workflow_run(&self, run_id: u64, completed_at: Timestamp) {
        let mut st = self.state();
        let run = st
            .repos
            .values_mut()
            .flat_map(|r| r.runs.iter_mut())
            .find(|r| r.id == run_id)
            .unwrap_or_else(|| panic!("fake GitHub: unknown workflow run {run_id}"));
        run.completed = Some(completed_at);
    }

    /// Convenience: a completed `push` run of workflow `CI` created at `at`, completed a
    /// minute later, with one job `build` (attempt 1) whose steps are the given names,
    /// each started at `at`. Returns the run id.
    pub fn add_simple_run(&self, repo: &str, at: Timestamp, steps: &[&str]) -> u64 {
        let steps = steps.iter().map(|n| FakeStep::new(n, Some(at))).collect();
        let completed = at.checked_add(SignedDuration::from_secs(60)).unwrap_or(at);
        self.add_workflow_run(
            repo,
            FakeRun {
                name: "CI".to_owned(),
                event: "push".to_owned(),
                created_at: at,
                completed_at: Some(completed),
                jobs: vec![FakeJob::new("build", Some(at), steps)],
            },
        )
    }

    /// Adds a successful GitHub Pages build; this also enables Pages for the repository.
    pub fn add_pages_build(&self, repo: &str, created_at: Timestamp) {
        let mut st = self.state();
        let id = st.next_pages_build_id;
        st.next_pages_build_id += 1;
        let r = st
            .repos
            .get_mut(&repo.to_ascii_lowercase())
            .unwrap_or_else(|| panic!("fake GitHub: unknown repository {repo}"));
        r.pages_enabled = true;
        r.pages_builds.push(PagesBuild { id, created: created_at });
    }

    /// Off by default: `/pages/builds` answers 404 `Not Found` (builds are kept and come back when on).
    pub fn set_pages_enabled(&self, repo: &str, on: bool) {
        self.with_repo(repo, |r| r.pages_enabled = on);
    }

    /// GitHub Enterprise Server mode: traffic endpoints answer 404 and `GET /meta`
    /// reports `installed_version`.
    pub fn set_enterprise(&self, on: bool) {
        self.state().enterprise = on;
    }

    // ----- gists -----

    /// Creates a gist owned by [`GIST_OWNER`] with one initial revision.
    pub fn create_gist(&self, id: &str, files: Vec<(&str, &str)>) {
        let mut st = self.state();
        let files: BTreeMap<String, String> = files.into_iter().map(|(n, c)| (n.to_owned(), c.to_owned())).collect();
        let now = st.now;
        let mut gist = Gist {
            id: id.to_owned(),
            owner: GIST_OWNER.to_owned(),
            description: String::new(),
            public: true,
            created: now,
            revisions: Vec::new(),
            pending: Vec::new(),
        };
        st.commit(&mut gist, files, GIST_OWNER);
        st.gists.insert(id.to_owned(), gist);
    }

    /// Whether a gist is public.
    pub fn gist_public(&self, id: &str) -> Option<bool> {
        self.state().gists.get(id).map(|g| g.public)
    }

    /// The ids of the fake user's gists.
    pub fn gist_ids(&self) -> Vec<String> {
        self.state().gists.keys().cloned().collect()
    }

    /// Latest content of a gist file.
    pub fn gist_file(&self, id: &str, name: &str) -> Option<String> {
        let st = self.state();
        st.gists.get(id)?.latest()?.files.get(name).cloned()
    }

    /// All file names of the latest revision.
    pub fn gist_file_names(&self, id: &str) -> Vec<String> {
        let st = self.state();
        st.gists.get(id).and_then(|g| g.latest()).map(|r| r.files.keys().cloned().collect()).unwrap_or_default()
    }

    pub fn gist_revisions(&self, id: &str) -> usize {
        self.state().gists.get(id).map_or(0, |g| g.revisions.len())
    }

    /// `(version, user login)` of every revision, oldest first.
    pub fn gist_history(&self, id: &str) -> Vec<(String, String)> {
        let st = self.state();
        st.gists
            .get(id)
            .map(|g| g.revisions.iter().map(|r| (r.version.clone(), r.user.clone())).collect())
            .unwrap_or_default()
    }

    pub fn gist_description(&self, id: &str) -> Option<String> {
        self.state().gists.get(id).map(|g| g.description.clone())
    }

    /// Default 1_000_000 bytes (GitHub's 1 MB): the API's `content` of larger files is cut.
    pub fn set_truncate_at(&self, bytes: usize) {
        self.state().truncate_at = bytes;
    }

    /// Reported variant: a truncated file's `content` is `""` instead of cut.
    pub fn set_truncated_content_empty(&self, on: bool) {
        self.state().truncated_content_empty = on;
    }

    /// Host (scheme://host:port) used in `raw_url`s instead of [`FakeGitHub::url`].
    /// The fake still serves `/raw/...` itself, so `http://localhost:PORT` is a
    /// handy "foreign" host that reaches this server.
    pub fn set_raw_url_base(&self, base: Option<String>) {
        self.state().raw_url_base = base.map(|b| b.trim_end_matches('/').to_owned());
    }

    /// The next PATCH of that gist first commits `f(current files)` as a revision
    /// by [`OTHER_WRITER`] (`Some` = write, `None` = delete), then applies the
    /// incoming PATCH on top: last writer wins, exactly like GitHub.
    /// `f` runs on the server thread with the fake locked: it must not call the fake.
    pub fn inject_concurrent_write(&self, gist_id: &str, f: ConcurrentWrite) {
        let mut st = self.state();
        let gist = st.gists.get_mut(gist_id).unwrap_or_else(|| panic!("fake GitHub: unknown gist {gist_id}"));
        gist.pending.push(f);
    }

    // ----- faults -----

    pub fn inject(&self, fault: Fault) {
        self.state().faults.push(fault);
    }

    // ----- observation -----

    /// Every request so far, in the order handled.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state().requests.clone()
    }

    pub fn clear_requests(&self) {
        self.state().requests.clear();
    }

    /// Requests whose method matches (`"*"` for any) and whose path+query contains `path_contains`.
    pub fn count(&self, method: &str, path_contains: &str) -> usize {
        self.state()
            .requests
            .iter()
            .filter(|r| method == "*" || r.method.eq_ignore_ascii_case(method))
            .filter(|r| r.path.contains(path_contains))
            .count()
    }
}

impl std::fmt::Debug for FakeGitHub {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeGitHub").field("url", &self.shared.base_url).finish_non_exhaustive()
    }
}

impl Drop for FakeGitHub {
    fn drop(&mut self) {
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = TcpStream::connect(self.addr);
        if let Some(h) = self.acceptor.take() {
            let _ = h.join();
        }
        for stream in lock(&self.shared.conns).values() {
            let _ = stream.shutdown(Shutdown::Both);
        }
        let workers: Vec<JoinHandle<()>> = std::mem::take(&mut *lock(&self.shared.workers));
        for w in workers {
            let _ = w.join();
        }
    }
}

// ===================================================================
// HTTP plumbing
// ===================================================================

fn accept_loop(listener: &TcpListener, shared: &Arc<Shared>) {
    for stream in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let Ok(stream) = stream else { continue };
        let id = shared.next_conn.fetch_add(1, Ordering::SeqCst);
        if let Ok(clone) = stream.try_clone() {
            lock(&shared.conns).insert(id, clone);
        }
        let conn_shared = Arc::clone(shared);
        let spawned = std::thread::Builder::new().name(format!("fake-github-conn-{id}")).spawn(move || {
            serve_connection(stream, &conn_shared);
            lock(&conn_shared.conns).remove(&id);
        });
        if let Ok(handle) = spawned {
            let mut workers = lock(&shared.workers);
            workers.retain(|w| !w.is_finished());
            workers.push(handle);
        }
    }
}

struct HttpRequest {
    method: String,
    target: String,
    /// Lower-cased names.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    close: bool,
}

impl HttpRequest {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n == name).map(|(_, v)| v.as_str())
    }
}

enum ReadOutcome {
    Request(HttpRequest),
    Eof,
    Bad(u16, &'static str),
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

enum Outcome {
    Respond(Reply),
    Drop,
}

fn serve_connection(stream: TcpStream, shared: &Shared) {
    let Ok(read_half) = stream.try_clone() else {
        return;
    };
    let mut reader = BufReader::new(read_half);
    let mut writer = stream;
    loop {
        if shared.stop.load(Ordering::SeqCst) {
            break;
        }
        let req = match read_request(&mut reader, &mut writer) {
            Ok(ReadOutcome::Request(req)) => req,
            Ok(ReadOutcome::Eof) | Err(_) => break,
            Ok(ReadOutcome::Bad(status, message)) => {
                let reply = Reply {
                    status,
                    headers: vec![("content-type".into(), "application/json; charset=utf-8".into())],
                    body: json_bytes(&json!({ "message": message })),
                };
                let _ = write_reply(&mut writer, &reply, "", true);
                break;
            }
        };
        let outcome = shared.police(&req).map_or_else(|| shared.handle(&req), Outcome::Respond);
        shared.in_flight.fetch_sub(1, Ordering::SeqCst);
        match outcome {
            Outcome::Respond(reply) => {
                if write_reply(&mut writer, &reply, &req.method, req.close).is_err() || req.close {
                    break;
                }
            }
            Outcome::Drop => {
                let _ = writer.shutdown(Shutdown::Both);
                break;
            }
        }
    }
    let _ = writer.shutdown(Shutdown::Both);
}

fn read_line_limited(reader: &mut BufReader<TcpStream>, budget: &mut usize) -> io::Result<Option<String>> {
    let mut buf = Vec::new();
    let limit = u64::try_from(*budget).unwrap_or(u64::MAX);
    let n = reader.by_ref().take(limit).read_until(b'\n', &mut buf)?;
    if n == 0 {
        return Ok(None);
    }
    *budget = budget.saturating_sub(n);
    if buf.last() != Some(&b'\n') {
        return Err(io::Error::new(io::ErrorKind::InvalidData, "line too long or truncated"));
    }
    while matches!(buf.last(), Some(b'\n' | b'\r')) {
        buf.pop();
    }
    String::from_utf8(buf).map(Some).map_err(|_| io::Error::new(io::ErrorKind::InvalidData, "header is not UTF-8"))
}

fn read_request(reader: &mut BufReader<TcpStream>, writer: &mut TcpStream) -> io::Result<ReadOutcome> {
    let mut budget = MAX_HEADER_BYTES;
    // Skip empty lines between requests (RFC 9112 section 2.2).
    let request_line = loop {
        match read_line_limited(reader, &mut budget) {
            Ok(None) => return Ok(ReadOutcome::Eof),
            Ok(Some(line)) if line.is_empty() => continue,
            Ok(Some(line)) => break line,
            Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                return Ok(ReadOutcome::Bad(400, "Bad request line"));
            }
            Err(e) => return Err(e),
        }
    };
    let mut parts = request_line.split_ascii_whitespace();
    let (Some(method), Some(target), Some(version), None) = (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return Ok(ReadOutcome::Bad(400, "Bad request line"));
    };
    if !version.starts_with("HTTP/1.") || !method.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Ok(ReadOutcome::Bad(400, "Bad request line"));
    }
    let http10 = version == "HTTP/1.0";
    let mut headers = Vec::new();
    loop {
        let line = match read_line_limited(reader, &mut budget) {
            Ok(Some(line)) => line,
            Ok(None) => return Ok(ReadOutcome::Eof),
            Err(e) if e.kind() == io::ErrorKind::InvalidData => {
                return Ok(ReadOutcome::Bad(431, "Request header fields too large"));
            }
            Err(e) => return Err(e),
        };
        if line.is_empty() {
            break;
        }
        let Some((name, value)) = line.split_once(':') else {
            return Ok(ReadOutcome::Bad(400, "Bad header line"));
        };
        headers.push((name.trim().to_ascii_lowercase(), value.trim().to_owned()));
    }
    let get = |n: &str| headers.iter().find(|(k, _)| k == n).map(|(_, v): &(String, String)| v.clone());
    let connection = get("connection").unwrap_or_default().to_ascii_lowercase();
    let close = connection.contains("close") || (http10 && !connection.contains("keep-alive"));
    if get("expect").is_some_and(|v| v.eq_ignore_ascii_case("100-continue")) {
        writer.write_all(b"HTTP/1.1 100 Continue\r\n\r\n")?;
    }
    let chunked = get("transfer-encoding").is_some_and(|v| v.to_ascii_lowercase().contains("chunked"));
    let body = if chunked {
        match read_chunked(reader)? {
            Some(b) => b,
            None => return Ok(ReadOutcome::Bad(400, "Bad chunked body")),
        }
    } else if let Some(len) = get("content-length") {
        let Ok(len) = len.parse::<usize>() else {
            return Ok(ReadOutcome::Bad(400, "Bad Content-Length"));
        };
        if len > MAX_BODY_BYTES {
            return Ok(ReadOutcome::Bad(413, "Request body too large"));
        }
        let mut body = vec![0; len];
        reader.read_exact(&mut body)?;
        body
    } else {
        Vec::new()
    };
    Ok(ReadOutcome::Request(HttpRequest { method: method.to_owned(), target: target.to_owned(), headers, body, close }))
}

/// `Ok(None)` on a malformed body.
fn read_chunked(reader: &mut BufReader<TcpStream>) -> io::Result<Option<Vec<u8>>> {
    let mut body = Vec::new();
    loop {
        let mut budget = 1024;
        let Some(line) = read_line_limited(reader, &mut budget)? else {
            return Ok(None);
        };
        let size_text = line.split(';').next().unwrap_or("").trim();
        let Ok(size) = usize::from_str_radix(size_text, 16) else {
            return Ok(None);
        };
        if size == 0 {
            // Trailers, up to the empty line.
            let mut budget = MAX_HEADER_BYTES;
            loop {
                match read_line_limited(reader, &mut budget)? {
                    Some(l) if !l.is_empty() => continue,
                    _ => return Ok(Some(body)),
                }
            }
        }
        if body.len() + size > MAX_BODY_BYTES {
            return Ok(None);
        }
        let start = body.len();
        body.resize(start + size, 0);
        reader.read_exact(&mut body[start..])?;
        let mut crlf = [0u8; 2];
        reader.read_exact(&mut crlf)?;
        if &crlf != b"\r\n" {
            return Ok(None);
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        100 => "Continue",
        200 => "OK",
        201 => "Created",
        204 => "No Content",
        301 => "Moved Permanently",
        302 => "Found",
        304 => "Not Modified",
        400 => "Bad Request",
        401 => "Unauthorized",
        403 => "Forbidden",
        404 => "Not Found",
        409 => "Conflict",
        413 => "Payload Too Large",
        422 => "Unprocessable Entity",
        429 => "Too Many Requests",
        431 => "Request Header Fields Too Large",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        504 => "Gateway Timeout",
        _ => "Unknown",
    }
}

fn write_reply(w: &mut TcpStream, reply: &Reply, method: &str, close: bool) -> io::Result<()> {
    let mut out = Vec::with_capacity(reply.body.len() + 512);
    out.extend_from_slice(format!("HTTP/1.1 {} {}\r\n", reply.status, reason(reply.status)).as_bytes());
    for (name, value) in &reply.headers {
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    let bodiless = reply.status == 304 || reply.status == 204 || reply.status < 200;
    if !bodiless {
        out.extend_from_slice(format!("content-length: {}\r\n", reply.body.len()).as_bytes());
    }
    if close {
        out.extend_from_slice(b"connection: close\r\n");
    }
    out.extend_from_slice(b"\r\n");
    if !bodiless && !method.eq_ignore_ascii_case("HEAD") {
        out.extend_from_slice(&reply.body);
    }
    w.write_all(&out)?;
    w.flush()
}

// ===================================================================
// Small helpers
// ===================================================================

fn json_bytes(v: &Value) -> Vec<u8> {
    serde_json::to_vec(v).unwrap_or_default()
}

fn iso(t: Timestamp) -> String {
    t.strftime("%Y-%m-%dT%H:%M:%SZ").to_string()
}

fn http_date(t: Timestamp) -> String {
    jiff::fmt::rfc2822::DateTimePrinter::new().timestamp_to_rfc9110_string(&t).unwrap_or_default()
}

fn utc_date(t: Timestamp) -> Date {
    t.to_zoned(TimeZone::UTC).date()
}

fn midnight(d: Date) -> Option<Timestamp> {
    d.to_zoned(TimeZone::UTC).ok().map(|z| z.timestamp())
}

fn fnv1a(data: &[u8], seed: u64) -> u64 {
    let mut h = 0xcbf2_9ce4_8422_2325_u64 ^ seed;
    for &b in data {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn etag_of(body: &[u8]) -> String {
    format!("W/\"{:016x}{:016x}\"", fnv1a(body, 0), fnv1a(body, 0x9e37_79b9_7f4a_7c15))
}

fn splitmix(x: u64) -> u64 {
    let mut z = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Deterministic hex string of `len` digits derived from `seed`.
fn hex_id(seed: u64, len: usize) -> String {
    let mut s = String::new();
    let mut i = 0u64;
    while s.len() < len {
        s.push_str(&format!("{:016x}", splitmix(seed.wrapping_mul(31).wrapping_add(i))));
        i += 1;
    }
    s.truncate(len);
    s
}

fn pct_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

fn pct_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn parse_query(q: &str) -> Vec<(String, String)> {
    q.split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            let dec = |x: &str| pct_decode(&x.replace('+', " ")).unwrap_or_else(|| x.to_owned());
            (dec(k), dec(v))
        })
        .collect()
}

fn query_get<'a>(q: &'a [(String, String)], key: &str) -> Option<&'a str> {
    q.iter().find(|(k, _)| k == key).map(|(_, v)| v.as_str())
}

fn cut_at_char_boundary(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

fn file_type(name: &str) -> (&'static str, Value) {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase());
    match ext.as_deref() {
        Some("json") => ("application/json", json!("JSON")),
        Some("md") => ("text/markdown", json!("Markdown")),
        Some("csv") => ("text/csv", json!("CSV")),
        Some("svg") => ("image/svg+xml", json!("SVG")),
        Some("html") => ("text/html", json!("HTML")),
        Some("txt") => ("text/plain", json!("Text")),
        _ => ("text/plain", Value::Null),
    }
}

/// Lines added and deleted between two file sets (multiset line diff).
fn diff_stats(old: &BTreeMap<String, String>, new: &BTreeMap<String, String>) -> (u64, u64) {
    let names: BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    let (mut add, mut del) = (0u64, 0u64);
    for name in names {
        let mut counts: BTreeMap<&str, i64> = BTreeMap::new();
        if let Some(o) = old.get(name) {
            for l in o.lines() {
                *counts.entry(l).or_default() -= 1;
            }
        }
        if let Some(n) = new.get(name) {
            for l in n.lines() {
                *counts.entry(l).or_default() += 1;
            }
        }
        for c in counts.values() {
            if *c > 0 {
                add += c.unsigned_abs();
            } else {
                del += c.unsigned_abs();
            }
        }
    }
    (add, del)
}

fn user_json(login: &str) -> Value {
    let id = fnv1a(login.as_bytes(), 7) % 10_000_000 + 1;
    json!({
        "login": login,
        "id": id,
        "node_id": format!("U_fake{id}"),
        "type": "User",
        "site_admin": false,
        "html_url": format!("https://github.com/{login}"),
    })
}

fn message(msg: &str, doc: &str, status: u16) -> Value {
    json!({ "message": msg, "documentation_url": doc, "status": status.to_string() })
}

// ===================================================================
// Request handling
// ===================================================================

/// What a route answers before the common headers are added.
struct Answer {
    status: u16,
    body: Vec<u8>,
    content_type: &'static str,
    headers: Vec<(String, String)>,
    /// Counts against the primary rate limit / carries rate-limit headers.
    rate_limited: bool,
}

impl Answer {
    fn json(status: u16, v: &Value) -> Answer {
        Answer {
            status,
            body: json_bytes(v),
            content_type: "application/json; charset=utf-8",
            headers: Vec::new(),
            rate_limited: true,
        }
    }

    fn with_header(mut self, name: &str, value: String) -> Answer {
        self.headers.push((name.to_owned(), value));
        self
    }
}

fn not_found(doc: &str) -> Answer {
    Answer::json(404, &message("Not Found", doc, 404))
}

const DOC_REST: &str = "https://docs.github.com/rest";
const DOC_REPO: &str = "https://docs.github.com/rest/repos/repos#get-a-repository";
const DOC_RELEASES: &str = "https://docs.github.com/rest/releases/releases#list-releases";
const DOC_GIST_GET: &str = "https://docs.github.com/rest/gists/gists#get-a-gist";
const DOC_GIST_UPDATE: &str = "https://docs.github.com/rest/gists/gists#update-a-gist";
const DOC_GIST_CREATE: &str = "https://docs.github.com/rest/gists/gists#create-a-gist";
const DOC_GIST_COMMITS: &str = "https://docs.github.com/rest/gists/gists#list-gist-commits";
const DOC_RUNS: &str = "https://docs.github.com/rest/actions/workflow-runs#list-workflow-runs-for-a-repository";
const DOC_RUN: &str = "https://docs.github.com/rest/actions/workflow-runs#get-a-workflow-run";
const DOC_JOBS: &str = "https://docs.github.com/rest/actions/workflow-jobs#list-jobs-for-a-workflow-run";
const DOC_ATTEMPT_JOBS: &str =
    "https://docs.github.com/rest/actions/workflow-jobs#list-jobs-for-a-workflow-run-attempt";
const DOC_PAGES_BUILDS: &str = "https://docs.github.com/rest/pages/pages#list-apiname-pages-builds";
const DOC_PAGES_LATEST: &str = "https://docs.github.com/rest/pages/pages#get-latest-pages-build";
/// GitHub answers at most this many results of a filtered workflow-run search.
const MAX_FILTERED_RUNS: usize = 1000;

/// Context of one request for the route handlers.
struct Ctx<'a> {
    method: &'a str,
    /// Request path with an `/api/v3` prefix removed.
    segs: Vec<String>,
    query: Vec<(String, String)>,
    /// `base_url` plus the `/api/v3` prefix if the request used it.
    api_base: String,
    kind: TokenKind,
    req: &'a HttpRequest,
}

impl Shared {
    /// Counts the request in flight, applies the latency, and answers a secondary
    /// rate limit when the caller exceeds the concurrency or per-window cap.
    fn police(&self, req: &HttpRequest) -> Option<Reply> {
        let now_in_flight = self.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
        let limits = lock(&self.limits).clone();
        let refusal = {
            let mut ls = lock(&self.limit_state);
            ls.stats.peak_in_flight = ls.stats.peak_in_flight.max(now_in_flight);
            if limits.max_concurrent.is_some_and(|m| now_in_flight > m) {
                ls.stats.concurrent_violations += 1;
                Some(1)
            } else if let Some((max, window)) = limits.per_window {
                let now = std::time::Instant::now();
                let start = *ls.window_start.get_or_insert(now);
                if now.duration_since(start) >= window {
                    ls.window_start = Some(now);
                    ls.window_count = 0;
                }
                ls.window_count += 1;
                if ls.window_count > max {
                    ls.stats.window_violations += 1;
                    let left = window.saturating_sub(now.duration_since(ls.window_start.unwrap_or(now)));
                    Some(left.as_secs().max(1) + u64::from(left.subsec_nanos() > 0))
                } else {
                    None
                }
            } else {
                None
            }
        };
        if !limits.latency.is_zero() {
            std::thread::sleep(limits.latency);
        }
        let retry_after = refusal?;
        let mut st = lock(&self.state);
        let a = Answer::json(403, &message(SECONDARY_MESSAGE, SECONDARY_DOC, 403))
            .with_header("retry-after", retry_after.to_string());
        let reply = finish(a, vec![("date".to_owned(), http_date(st.now))], None);
        st.requests.push(Recorded {
            method: req.method.clone(),
            path: req.target.clone(),
            headers: req.headers.clone(),
            status: 403,
            body: String::from_utf8_lossy(&req.body).into_owned(),
        });
        Some(reply)
    }

    fn handle(&self, req: &HttpRequest) -> Outcome {
        let mut st = lock(&self.state);
        // A bug in the fake (or a panicking test closure) answers 500 instead of killing the connection.
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| st.dispatch(req, &self.base_url)))
            .unwrap_or_else(|_| {
                let a = Answer::json(500, &json!({ "message": "fake GitHub: internal error (see the panic above)" }));
                Outcome::Respond(finish(a, vec![("date".to_owned(), http_date(st.now))], None))
            });
        let status = match &outcome {
            Outcome::Respond(r) => r.status,
            Outcome::Drop => 0,
        };
        st.requests.push(Recorded {
            method: req.method.clone(),
            path: req.target.clone(),
            headers: req.headers.clone(),
            status,
            body: String::from_utf8_lossy(&req.body).into_owned(),
        });
        outcome
    }
}

impl State {
    fn next_version(&mut self) -> String {
        self.revision_counter += 1;
        hex_id(self.revision_counter, 40)
    }

    /// Appends a revision with these files to the gist.
    fn commit(&mut self, gist: &mut Gist, files: BTreeMap<String, String>, user: &str) {
        let empty = BTreeMap::new();
        let old = gist.latest().map_or(&empty, |r| &r.files);
        let (additions, deletions) = diff_stats(old, &files);
        let version = self.next_version();
        gist.revisions.push(Revision {
            version,
            committed_at: self.now,
            user: user.to_owned(),
            files,
            additions,
            deletions,
        });
    }

    fn dispatch(&mut self, req: &HttpRequest, base_url: &str) -> Outcome {
        let date = http_date(self.now);
        let mut headers = vec![("date".to_owned(), date)];

        if req.header("user-agent").is_none_or(str::is_empty) {
            let a = Answer::json(403, &json!({ "message": UA_MESSAGE }));
            return Outcome::Respond(finish(a, headers, None));
        }

        // Target: origin form, or absolute form (strip scheme and authority).
        let target = match req.target.find("://") {
            Some(i) => {
                let rest = &req.target[i + 3..];
                rest.find('/').map_or("/", |j| &rest[j..])
            }
            None => req.target.as_str(),
        };
        let (path, query) = target.split_once('?').unwrap_or((target, ""));

        // Faults come first.
        if let Some(fault) = self.take_fault(&req.method, &req.target) {
            return self.fault_answer(fault, req, headers);
        }

        let segs: Option<Vec<String>> = path.strip_prefix('/').unwrap_or(path).split('/').map(pct_decode).collect();
        let Some(mut segs) = segs else {
            let a = Answer::json(400, &message("Bad path encoding", DOC_REST, 400));
            return Outcome::Respond(finish(a, headers, None));
        };

        // raw_url downloads need no auth.
        if let Some(a) = self.raw(&req.method, &segs) {
            return Outcome::Respond(finish(a, headers, None));
        }

        let mut api_base = base_url.to_owned();
        if segs.len() >= 2 && segs[0] == "api" && segs[1] == "v3" {
            segs.drain(..2);
            api_base.push_str("/api/v3");
        }
        if self.enterprise {
            headers.push(("x-github-enterprise-version".into(), ENTERPRISE_VERSION.into()));
        }

        // Authentication.
        let token = req.header("authorization").and_then(|v| {
            let (scheme, rest) = v.split_once(' ')?;
            (scheme.eq_ignore_ascii_case("bearer") || scheme.eq_ignore_ascii_case("token"))
                .then(|| rest.trim().to_owned())
        });
        let now_s = self.now.as_second();
        let known = token.as_ref().filter(|t| self.tokens.contains_key(*t)).cloned();
        let Some(token) = known else {
            let msg = if req.header("authorization").is_none() { "Requires authentication" } else { "Bad credentials" };
            let a = Answer::json(401, &message(msg, DOC_REST, 401));
            self.anon.roll(now_s);
            self.anon.used += 1;
            let rl = rate_headers(&self.anon);
            return Outcome::Respond(finish(a, headers, Some(rl)));
        };
        let Some(ts) = self.tokens.get_mut(&token) else {
            return Outcome::Respond(finish(not_found(DOC_REST), headers, None));
        };
        ts.roll(now_s);
        let kind = ts.kind.unwrap_or(TokenKind::Full);
        if ts.used >= ts.limit && !(segs.len() == 1 && segs[0] == "rate_limit") {
            let a = Answer::json(403, &message("API rate limit exceeded for user ID 1.", PRIMARY_DOC, 403));
            let rl = rate_headers(ts);
            return Outcome::Respond(finish(a, headers, Some(rl)));
        }

        let ctx = Ctx { method: &req.method, segs, query: parse_query(query), api_base, kind, req };
        let mut answer = self.route(&ctx);

        // Conditional GET.
        if req.method.eq_ignore_ascii_case("GET") && answer.status == 200 {
            let etag = etag_of(&answer.body);
            let matches = req.header("if-none-match").is_some_and(|inm| {
                let ours = etag.trim_start_matches("W/");
                inm.split(',').map(str::trim).any(|t| t == "*" || t.trim_start_matches("W/") == ours)
            });
            answer.headers.push(("etag".into(), etag));
            if matches {
                answer.status = 304;
                answer.body.clear();
            }
        }

        let rl = if answer.rate_limited {
            let ts = self.tokens.get_mut(&token);
            ts.map(|ts| {
                if answer.status != 304 {
                    ts.used += 1;
                }
                rate_headers(ts)
            })
        } else {
            None
        };
        Outcome::Respond(finish(answer, headers, rl))
    }

    fn take_fault(&mut self, method: &str, target: &str) -> Option<FaultKind> {
        let f = self.faults.iter_mut().find(|f| {
            f.times > 0
                && (f.method == "*" || f.method.eq_ignore_ascii_case(method))
                && target.contains(&f.path_contains)
        })?;
        f.times -= 1;
        Some(f.kind)
    }

    fn fault_answer(&mut self, kind: FaultKind, req: &HttpRequest, headers: Vec<(String, String)>) -> Outcome {
        let now_s = self.now.as_second();
        // Rate-limit headers of the caller's token, when it is one we know.
        let token = req.header("authorization").and_then(|v| v.split_once(' ').map(|(_, t)| t.trim().to_owned()));
        let mut rl = token.and_then(|t| self.tokens.get_mut(&t)).map(|ts| {
            ts.roll(now_s);
            ts.used = (ts.used + 1).min(ts.limit);
            rate_headers(ts)
        });
        let answer = match kind {
            FaultKind::DropConnection => return Outcome::Drop,
            FaultKind::Body { status, body } => Answer {
                status,
                body: body.as_bytes().to_vec(),
                content_type: "application/json; charset=utf-8",
                headers: Vec::new(),
                rate_limited: true,
            },
            FaultKind::Status(s) => {
                let msg = if s >= 500 { "Server Error" } else { reason(s) };
                Answer::json(s, &json!({ "message": msg }))
            }
            FaultKind::SecondaryLimit { retry_after } => {
                Answer::json(403, &message(SECONDARY_MESSAGE, SECONDARY_DOC, 403))
                    .with_header("retry-after", retry_after.to_string())
            }
            FaultKind::SecondaryNoHeader => Answer::json(403, &message(SECONDARY_MESSAGE, SECONDARY_DOC, 403)),
            FaultKind::PrimaryExhausted { reset_in } => {
                let reset = now_s.saturating_add(i64::try_from(reset_in).unwrap_or(i64::MAX));
                rl = Some(vec![
                    ("x-ratelimit-limit".into(), RATE_LIMIT.to_string()),
                    ("x-ratelimit-remaining".into(), "0".into()),
                    ("x-ratelimit-reset".into(), reset.to_string()),
                    ("x-ratelimit-used".into(), RATE_LIMIT.to_string()),
                    ("x-ratelimit-resource".into(), "core".into()),
                ]);
                Answer::json(
                    403,
                    &message(
                        "API rate limit exceeded for user ID 1. If you reach out to GitHub Support for help, please include the request ID FAKE:0000:0000000:0000000:00000000.",
                        PRIMARY_DOC,
                        403,
                    ),
                )
            }
        };
        Outcome::Respond(finish(answer, headers, rl))
    }

    // ----- raw downloads -----

    fn raw(&self, method: &str, segs: &[String]) -> Option<Answer> {
        if !method.eq_ignore_ascii_case("GET") && !method.eq_ignore_ascii_case("HEAD") {
            return None;
        }
        let text = |status: u16, body: Vec<u8>| Answer {
            status,
            body,
            content_type: "text/plain; charset=utf-8",
            headers: Vec::new(),
            rate_limited: false,
        };
        // Pinned: /raw/{gist}/{version}/{file}
        if segs.len() == 4 && segs[0] == "raw" {
            let found = self
                .gists
                .get(&segs[1])
                .and_then(|g| g.revisions.iter().find(|r| r.version == segs[2]))
                .and_then(|r| r.files.get(&segs[3]));
            return Some(match found {
                Some(content) => text(200, content.clone().into_bytes()),
                None => text(404, b"404: Not Found".to_vec()),
            });
        }
        // Latest: /{owner}/{gist}/raw/{file}
        if segs.len() == 4 && segs[2] == "raw" {
            let g = self.gists.get(&segs[1]).filter(|g| g.owner.eq_ignore_ascii_case(&segs[0]))?;
            return Some(match g.latest().and_then(|r| r.files.get(&segs[3])) {
                Some(content) => text(200, content.clone().into_bytes()),
                None => text(404, b"404: Not Found".to_vec()),
            });
        }
        None
    }

    // ----- routing -----

    fn route(&mut self, ctx: &Ctx<'_>) -> Answer {
        let s: Vec<&str> = ctx.segs.iter().map(String::as_str).collect();
        let get = ctx.method.eq_ignore_ascii_case("GET") || ctx.method.eq_ignore_ascii_case("HEAD");
        let patch = ctx.method.eq_ignore_ascii_case("PATCH");
        let post = ctx.method.eq_ignore_ascii_case("POST");
        match s.as_slice() {
            ["meta"] if get => self.meta(),
            ["rate_limit"] if get => {
                let mut a = self.rate_limit(ctx);
                a.rate_limited = false;
                a
            }
            ["user"] if get => match ctx.kind {
                TokenKind::WorkflowToken => Answer::json(
                    403,
                    &message(
                        "Resource not accessible by integration",
                        "https://docs.github.com/rest/users/users#get-the-authenticated-user",
                        403,
                    ),
                ),
                _ => Answer::json(200, &user_json(GIST_OWNER)),
            },
            ["user", "repos"] if get => self.list_repos(ctx, None),
            ["users", owner, "repos"] | ["orgs", owner, "repos"] if get => self.list_repos(ctx, Some(owner)),
            ["repos", o, r] if get => match self.repos.get(&format!("{o}/{r}").to_ascii_lowercase()) {
                Some(repo) => Answer::json(200, &repo_json(repo, &ctx.api_base, ctx.kind)),
                None => not_found(DOC_REPO),
            },
            ["repositories", id] if get => match self.repo_by_id(id) {
                Some(repo) => Answer::json(200, &repo_json(repo, &ctx.api_base, ctx.kind)),
                None => not_found(DOC_REPO),
            },
            ["repos", o, r, "traffic", rest @ ..] if get => {
                let key = format!("{o}/{r}").to_ascii_lowercase();
                self.traffic(ctx, &key, rest)
            }
            ["repos", o, r, "releases"] if get => {
                let key = format!("{o}/{r}").to_ascii_lowercase();
                self.releases(ctx, &key)
            }
            ["repos", o, r, "actions", rest @ ..] if get => {
                let key = format!("{o}/{r}").to_ascii_lowercase();
                self.actions(ctx, &key, rest)
            }
            ["repos", o, r, "pages", "builds", rest @ ..] if get => {
                let key = format!("{o}/{r}").to_ascii_lowercase();
                self.pages_builds(ctx, &key, rest)
            }
            ["repositories", id, "actions", rest @ ..] if get => {
                let key = self.repo_by_id(id).map(|r| r.full_name().to_ascii_lowercase()).unwrap_or_default();
                self.actions(ctx, &key, rest)
            }
            ["repositories", id, "pages", "builds", rest @ ..] if get => {
                let key = self.repo_by_id(id).map(|r| r.full_name().to_ascii_lowercase()).unwrap_or_default();
                self.pages_builds(ctx, &key, rest)
            }
            ["repositories", id, "releases"] if get => {
                let key = self.repo_by_id(id).map(|r| r.full_name().to_ascii_lowercase());
                match key {
                    Some(key) => self.releases(ctx, &key),
                    None => not_found(DOC_RELEASES),
                }
            }
            ["gists"] if post => self.create_gist_api(ctx),
            ["gists"] if get => self.list_gists(ctx),
            ["gists", id] if get => match self.gists.get(*id) {
                Some(g) => {
                    let v = self.gist_json(g, g.revisions.len().saturating_sub(1), &ctx.api_base);
                    Answer::json(200, &v)
                }
                None => not_found(DOC_GIST_GET),
            },
            ["gists", id] if patch => self.patch_gist(ctx, id),
            ["gists", id, "commits"] if get => self.gist_commits(ctx, id),
            ["gists", id, version] if get => {
                let found = self.gists.get(*id).and_then(|g| {
                    let idx = g.revisions.iter().position(|r| r.version == *version)?;
                    Some(self.gist_json(g, idx, &ctx.api_base))
                });
                match found {
                    Some(v) => Answer::json(200, &v),
                    None => not_found(DOC_GIST_GET),
                }
            }
            _ => not_found(DOC_REST),
        }
    }

    fn repo_by_id(&self, id: &str) -> Option<&Repo> {
        let id: u64 = id.parse().ok()?;
        self.repos.values().find(|r| r.id == id)
    }

    fn meta(&self) -> Answer {
        if self.enterprise {
            Answer::json(
                200,
                &json!({
                    "verifiable_password_authentication": true,
                    "installed_version": ENTERPRISE_VERSION,
                }),
            )
        } else {
            Answer::json(
                200,
                &json!({
                    "verifiable_password_authentication": false,
                    "ssh_key_fingerprints": {
                        "SHA256_ED25519": "+DiY3wvvV6TuJJhbpZisF/zLDA0zPMSvHdkr4UvCOqU"
                    },
                    "hooks": ["192.30.252.0/22"],
                    "web": ["192.30.252.0/22"],
                    "api": ["192.30.252.0/22"],
                    "domains": { "website": ["*.github.com"] },
                }),
            )
        }
    }

    fn rate_limit(&self, ctx: &Ctx<'_>) -> Answer {
        let token = ctx.req.header("authorization").and_then(|v| v.split_once(' ').map(|(_, t)| t.trim().to_owned()));
        let Some(ts) = token.and_then(|t| self.tokens.get(&t)) else {
            return not_found(DOC_REST);
        };
        let core = json!({
            "limit": ts.limit,
            "remaining": ts.limit.saturating_sub(ts.used),
            "reset": ts.reset,
            "used": ts.used,
            "resource": "core",
        });
        Answer::json(200, &json!({ "resources": { "core": core.clone() }, "rate": core }))
    }

    /// `GET /gists`: the authenticated user's gists, newest first, without contents.
    fn list_gists(&self, ctx: &Ctx<'_>) -> Answer {
        let mut list: Vec<&Gist> = self.gists.values().filter(|g| g.owner == GIST_OWNER).collect();
        list.sort_by_key(|g| std::cmp::Reverse((g.created, g.id.clone())));
        let link_base = format!("{}/{}", ctx.api_base, ctx.segs.join("/"));
        let (page, link) = paginate(&list, &ctx.query, &link_base);
        let v: Vec<Value> = page
            .iter()
            .map(|g| {
                let files: Map<String, Value> = g
                    .revisions
                    .last()
                    .map(|r| r.files.keys().map(|n| (n.clone(), json!({ "filename": n }))).collect())
                    .unwrap_or_default();
                json!({
                    "id": g.id,
                    "url": format!("{}/gists/{}", ctx.api_base, g.id),
                    "html_url": format!("https://gist.github.com/{}", g.id),
                    "public": g.public,
                    "description": g.description,
                    "owner": { "login": g.owner },
                    "files": files,
                    "created_at": iso(g.created),
                })
            })
            .collect();
        with_link(Answer::json(200, &Value::Array(v)), link)
    }

    fn list_repos(&self, ctx: &Ctx<'_>, owner: Option<&str>) -> Answer {
        let mut list: Vec<&Repo> =
            self.repos.values().filter(|r| owner.is_none_or(|o| r.owner.eq_ignore_ascii_case(o))).collect();
        if list.is_empty() && owner.is_some() {
            return not_found("https://docs.github.com/rest/repos/repos#list-repositories-for-a-user");
        }
        list.sort_by_key(|r| r.full_name().to_ascii_lowercase());
        let link_base = format!("{}/{}", ctx.api_base, ctx.segs.join("/"));
        let (page, link) = paginate(&list, &ctx.query, &link_base);
        let v: Vec<Value> = page.iter().map(|r| repo_json(r, &ctx.api_base, ctx.kind)).collect();
        with_link(Answer::json(200, &Value::Array(v)), link)
    }

    fn traffic(&self, ctx: &Ctx<'_>, key: &str, rest: &[&str]) -> Answer {
        let (doc, what) = match rest {
            ["views"] => ("https://docs.github.com/rest/metrics/traffic#get-page-views", "views"),
            ["clones"] => ("https://docs.github.com/rest/metrics/traffic#get-repository-clones", "clones"),
            ["popular", "referrers"] => {
                ("https://docs.github.com/rest/metrics/traffic#get-top-referral-sources", "referrers")
            }
            ["popular", "paths"] => ("https://docs.github.com/rest/metrics/traffic#get-top-referral-paths", "paths"),
            _ => return not_found(DOC_REST),
        };
        if self.enterprise {
            return not_found(DOC_REST);
        }
        let Some(repo) = self.repos.get(key) else {
            return not_found(doc);
        };
        let denied = match ctx.kind {
            TokenKind::WorkflowToken => Some("Resource not accessible by integration"),
            TokenKind::ClassicNoPush => Some("Must have push access to repository"),
            TokenKind::FineGrainedNoAdmin => Some("Resource not accessible by personal access token"),
            TokenKind::Full | TokenKind::NoGistWrite => None,
        };
        if let Some(msg) = denied {
            return Answer::json(403, &message(msg, doc, 403));
        }
        match what {
            "referrers" => {
                let mut list = repo.referrers.clone();
                list.sort_by_key(|r| std::cmp::Reverse(r.1));
                let v: Vec<Value> =
                    list.iter().take(10).map(|(r, c, u)| json!({ "referrer": r, "count": c, "uniques": u })).collect();
                Answer::json(200, &Value::Array(v))
            }
            "paths" => {
                let mut list = repo.paths.clone();
                list.sort_by_key(|p| std::cmp::Reverse(p.2));
                let v: Vec<Value> = list
                    .iter()
                    .take(10)
                    .map(|(p, t, c, u)| json!({ "path": p, "title": t, "count": c, "uniques": u }))
                    .collect();
                Answer::json(200, &Value::Array(v))
            }
            _ => {
                match query_get(&ctx.query, "per") {
                    None | Some("day") => {}
                    Some("week") => {
                        return Answer::json(400, &message("per=week is not modelled by the fake GitHub", doc, 400));
                    }
                    Some(_) => {
                        return Answer::json(422, &message("Invalid request.\n\nper must be day or week.", doc, 422));
                    }
                }
                let v = self.traffic_window(repo, what == "views");
                let mut body = Map::new();
                let count: u64 = v.iter().map(|b| b.1).sum();
                let uniques: u64 = v.iter().map(|b| b.2).sum();
                body.insert("count".into(), json!(count));
                body.insert("uniques".into(), json!(uniques));
                let buckets: Vec<Value> = v
                    .iter()
                    .map(|(day, c, u)| json!({ "timestamp": format!("{day}T00:00:00Z"), "count": c, "uniques": u }))
                    .collect();
                body.insert(what.into(), Value::Array(buckets));
                Answer::json(200, &Value::Object(body))
            }
        }
    }

    /// `(day, count, uniques)` for the 15-day window, zero days omitted, today partial.
    fn traffic_window(&self, repo: &Repo, views: bool) -> Vec<(Date, u64, u64)> {
        let today = utc_date(self.now);
        let Ok(start) = today.checked_sub(Span::new().days(14)) else {
            return Vec::new();
        };
        let secs_today = midnight(today).map_or(0, |m| (self.now.as_second() - m.as_second()).clamp(0, 86_400));
        let secs_today = u128::try_from(secs_today).unwrap_or(0);
        let mut out = Vec::new();
        for (day, t) in repo.traffic.range(start..=today) {
            let (full, full_u) = if views { (t.views, t.views_uniques) } else { (t.clones, t.clones_uniques) };
            let (count, uniques) = if *day == today {
                let part = |x: u64| u64::try_from(u128::from(x) * secs_today / 86_400).unwrap_or(0);
                let c = part(full);
                (c, part(full_u).min(c))
            } else {
                (full, full_u)
            };
            if count > 0 {
                out.push((*day, count, uniques));
            }
        }
        out
    }

    fn releases(&self, ctx: &Ctx<'_>, key: &str) -> Answer {
        let Some(repo) = self.repos.get(key) else {
            return not_found(DOC_RELEASES);
        };
        let mut list: Vec<&Release> = repo.releases.iter().collect();
        list.sort_by_key(|r| std::cmp::Reverse(r.id));
        let link_base = format!("{}/repositories/{}/releases", ctx.api_base, repo.id);
        let (page, link) = paginate(&list, &ctx.query, &link_base);
        let v: Vec<Value> = page.iter().map(|rel| release_json(repo, rel, &ctx.api_base)).collect();
        with_link(Answer::json(200, &Value::Array(v)), link)
    }

    // ----- actions and pages -----

    /// `GET .../actions/{rest}` of the repository with lower-cased full name `key`.
    fn actions(&self, ctx: &Ctx<'_>, key: &str, rest: &[&str]) -> Answer {
        let doc = match rest {
            ["runs"] => DOC_RUNS,
            ["runs", _] => DOC_RUN,
            ["runs", _, "jobs"] => DOC_JOBS,
            ["runs", _, "attempts", _, "jobs"] => DOC_ATTEMPT_JOBS,
            _ => return not_found(DOC_REST),
        };
        let Some(repo) = self.repos.get(key) else {
            return not_found(doc);
        };
        let link_base = format!("{}/repositories/{}/actions/{}", ctx.api_base, repo.id, rest.join("/"));
        let ["runs", id, tail @ ..] = rest else {
            return list_runs(ctx, repo, &link_base);
        };
        let Some(run) = id.parse::<u64>().ok().and_then(|id| repo.runs.iter().find(|r| r.id == id)) else {
            return not_found(doc);
        };
        match tail {
            [] => Answer::json(200, &run_json(repo, run, &ctx.api_base)),
            ["jobs"] => {
                let attempt = match query_get(&ctx.query, "filter") {
                    None | Some("latest") => Some(run.latest_attempt()),
                    Some("all") => None,
                    Some(other) => return invalid_param("Job", "filter", other, doc),
                };
                list_jobs(ctx, repo, run, attempt, &link_base)
            }
            ["attempts", n, "jobs"] => match n.parse::<u32>().ok().filter(|n| (1..=run.latest_attempt()).contains(n)) {
                Some(n) => list_jobs(ctx, repo, run, Some(n), &link_base),
                None => not_found(doc),
            },
            _ => not_found(doc),
        }
    }

    /// `GET .../pages/builds` and `.../pages/builds/latest`.
    fn pages_builds(&self, ctx: &Ctx<'_>, key: &str, rest: &[&str]) -> Answer {
        let doc = match rest {
            [] => DOC_PAGES_BUILDS,
            ["latest"] => DOC_PAGES_LATEST,
            _ => return not_found(DOC_REST),
        };
        let Some(repo) = self.repos.get(key).filter(|r| r.pages_enabled) else {
            return not_found(doc);
        };
        let mut list: Vec<&PagesBuild> = repo.pages_builds.iter().collect();
        list.sort_by(|a, b| b.created.cmp(&a.created).then(b.id.cmp(&a.id)));
        if !rest.is_empty() {
            return match list.first() {
                Some(b) => Answer::json(200, &pages_build_json(repo, b, &ctx.api_base)),
                None => not_found(doc),
            };
        }
        let link_base = format!("{}/repositories/{}/pages/builds", ctx.api_base, repo.id);
        let (page, link) = paginate(&list, &ctx.query, &link_base);
        let v: Vec<Value> = page.iter().map(|b| pages_build_json(repo, b, &ctx.api_base)).collect();
        with_link(Answer::json(200, &Value::Array(v)), link)
    }

    fn gist_json(&self, g: &Gist, idx: usize, api_base: &str) -> Value {
        let Some(rev) = g.revisions.get(idx) else {
            return Value::Null;
        };
        let raw_base = self.raw_url_base.clone().unwrap_or_else(|| api_base.trim_end_matches("/api/v3").to_owned());
        let mut files = Map::new();
        for (name, content) in rev.files.iter().take(MAX_GIST_FILES_LISTED) {
            let truncated = content.len() > self.truncate_at;
            let shown = if !truncated {
                content.as_str()
            } else if self.truncated_content_empty {
                ""
            } else {
                cut_at_char_boundary(content, self.truncate_at)
            };
            let (mime, language) = file_type(name);
            files.insert(
                name.clone(),
                json!({
                    "filename": name,
                    "type": mime,
                    "language": language,
                    "raw_url": format!("{raw_base}/raw/{}/{}/{}", g.id, rev.version, pct_encode(name)),
                    "size": content.len(),
                    "truncated": truncated,
                    "content": shown,
                    "encoding": "utf-8",
                }),
            );
        }
        let history: Vec<Value> = g.revisions[..=idx].iter().rev().map(|r| history_json(g, r, api_base)).collect();
        json!({
            "url": format!("{api_base}/gists/{}", g.id),
            "forks_url": format!("{api_base}/gists/{}/forks", g.id),
            "commits_url": format!("{api_base}/gists/{}/commits", g.id),
            "id": g.id,
            "node_id": format!("G_fake{}", g.id),
            "git_pull_url": format!("https://gist.github.com/{}.git", g.id),
            "git_push_url": format!("https://gist.github.com/{}.git", g.id),
            "html_url": format!("https://gist.github.com/{}/{}", g.owner, g.id),
            "files": files,
            "public": true,
            "created_at": iso(g.created),
            "updated_at": iso(rev.committed_at),
            "description": g.description,
            "comments": 0,
            "user": null,
            "comments_url": format!("{api_base}/gists/{}/comments", g.id),
            "owner": user_json(&g.owner),
            "forks": [],
            "history": history,
            "truncated": rev.files.len() > MAX_GIST_FILES_LISTED,
        })
    }

    fn gist_commits(&self, ctx: &Ctx<'_>, id: &str) -> Answer {
        let Some(g) = self.gists.get(id) else {
            return not_found(DOC_GIST_COMMITS);
        };
        let list: Vec<&Revision> = g.revisions.iter().rev().collect();
        let link_base = format!("{}/gists/{}/commits", ctx.api_base, g.id);
        let (page, link) = paginate(&list, &ctx.query, &link_base);
        let v: Vec<Value> = page.iter().map(|r| history_json(g, r, &ctx.api_base)).collect();
        with_link(Answer::json(200, &Value::Array(v)), link)
    }

    fn patch_gist(&mut self, ctx: &Ctx<'_>, id: &str) -> Answer {
        let Some(mut gist) = self.gists.remove(id) else {
            return not_found(DOC_GIST_UPDATE);
        };
        let answer = self.patch_gist_inner(ctx, &mut gist);
        self.gists.insert(id.to_owned(), gist);
        answer
    }

    fn patch_gist_inner(&mut self, ctx: &Ctx<'_>, gist: &mut Gist) -> Answer {
        match ctx.kind {
            TokenKind::WorkflowToken => {
                return Answer::json(403, &message("Resource not accessible by integration", DOC_GIST_UPDATE, 403));
            }
            TokenKind::NoGistWrite => return not_found(DOC_GIST_UPDATE),
            _ => {}
        }
        if ctx.req.header("if-match").is_some() {
            return Answer::json(
                400,
                &message(
                    "Conditional request headers are not allowed in unsafe requests unless supported by the endpoint",
                    DOC_GIST_UPDATE,
                    400,
                ),
            );
        }
        // Another writer got there first.
        for f in std::mem::take(&mut gist.pending) {
            let mut files = gist.latest_files();
            let current = files.clone();
            let Ok(changes) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || f(&current))) else {
                return Answer::json(500, &json!({ "message": "fake GitHub: the injected concurrent write panicked" }));
            };
            for (name, content) in changes {
                match content {
                    Some(c) => {
                        files.insert(name, c);
                    }
                    None => {
                        files.remove(&name);
                    }
                }
            }
            self.commit(gist, files, OTHER_WRITER);
        }
        let Ok(body) = serde_json::from_slice::<Value>(&ctx.req.body) else {
            return Answer::json(400, &message("Problems parsing JSON", DOC_GIST_UPDATE, 400));
        };
        let Some(body) = body.as_object() else {
            return Answer::json(400, &message("Problems parsing JSON", DOC_GIST_UPDATE, 400));
        };
        let mut files = gist.latest_files();
        if let Some(spec) = body.get("files") {
            match apply_file_changes(&mut files, spec) {
                Ok(()) => {}
                Err(a) => return a,
            }
        }
        if files.is_empty() {
            return validation_failed(DOC_GIST_UPDATE);
        }
        if let Some(d) = body.get("description") {
            match d {
                Value::String(s) => gist.description.clone_from(s),
                Value::Null => gist.description.clear(),
                _ => return validation_failed(DOC_GIST_UPDATE),
            }
        }
        self.commit(gist, files, GIST_OWNER);
        let v = self.gist_json(gist, gist.revisions.len() - 1, &ctx.api_base);
        Answer::json(200, &v)
    }

    fn create_gist_api(&mut self, ctx: &Ctx<'_>) -> Answer {
        match ctx.kind {
            TokenKind::WorkflowToken => {
                return Answer::json(403, &message("Resource not accessible by integration", DOC_GIST_CREATE, 403));
            }
            TokenKind::NoGistWrite => return not_found(DOC_GIST_CREATE),
            _ => {}
        }
        let Ok(body) = serde_json::from_slice::<Value>(&ctx.req.body) else {
            return Answer::json(400, &message("Problems parsing JSON", DOC_GIST_CREATE, 400));
        };
        let mut files = BTreeMap::new();
        let Some(spec @ Value::Object(_)) = body.get("files") else {
            return validation_failed(DOC_GIST_CREATE);
        };
        if let Err(a) = apply_file_changes(&mut files, spec) {
            return a;
        }
        if files.is_empty() {
            return validation_failed(DOC_GIST_CREATE);
        }
        self.gist_counter += 1;
        let id = hex_id(self.gist_counter.wrapping_add(1 << 40), 32);
        let mut gist = Gist {
            id: id.clone(),
            owner: GIST_OWNER.to_owned(),
            description: body.get("description").and_then(Value::as_str).unwrap_or_default().to_owned(),
            public: body.get("public").and_then(Value::as_bool).unwrap_or(false),
            created: self.now,
            revisions: Vec::new(),
            pending: Vec::new(),
        };
        self.commit(&mut gist, files, GIST_OWNER);
        let v = self.gist_json(&gist, 0, &ctx.api_base);
        self.gists.insert(id.clone(), gist);
        Answer::json(201, &v).with_header("location", format!("{}/gists/{id}", ctx.api_base))
    }
}

fn validation_failed(doc: &str) -> Answer {
    Answer::json(
        422,
        &json!({
            "message": "Validation Failed",
            "errors": [{ "resource": "Gist", "code": "missing_field", "field": "files" }],
            "documentation_url": doc,
            "status": "422",
        }),
    )
}

/// Applies a PATCH/POST `files` object. Validates everything before changing `files`.
fn apply_file_changes(files: &mut BTreeMap<String, String>, spec: &Value) -> Result<(), Answer> {
    let Some(spec) = spec.as_object() else {
        return Err(validation_failed(DOC_GIST_UPDATE));
    };
    let mut next = files.clone();
    for (name, change) in spec {
        match change {
            Value::Null => {
                next.remove(name);
            }
            Value::Object(o) => {
                let content = match o.get("content") {
                    None | Some(Value::Null) => None,
                    Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
                    Some(_) => return Err(validation_failed(DOC_GIST_UPDATE)),
                };
                let new_name = match o.get("filename") {
                    None | Some(Value::Null) => None,
                    Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
                    Some(_) => return Err(validation_failed(DOC_GIST_UPDATE)),
                };
                match (content, new_name) {
                    (None, None) => return Err(validation_failed(DOC_GIST_UPDATE)),
                    (Some(c), None) => {
                        next.insert(name.clone(), c);
                    }
                    (content, Some(new_name)) => {
                        let Some(c) = content.or_else(|| next.get(name).cloned()) else {
                            return Err(validation_failed(DOC_GIST_UPDATE));
                        };
                        next.remove(name);
                        next.insert(new_name, c);
                    }
                }
            }
            _ => return Err(validation_failed(DOC_GIST_UPDATE)),
        }
    }
    *files = next;
    Ok(())
}

fn rate_headers(ts: &TokenState) -> Vec<(String, String)> {
    vec![
        ("x-ratelimit-limit".into(), ts.limit.to_string()),
        ("x-ratelimit-remaining".into(), ts.limit.saturating_sub(ts.used).to_string()),
        ("x-ratelimit-reset".into(), ts.reset.to_string()),
        ("x-ratelimit-used".into(), ts.used.to_string()),
        ("x-ratelimit-resource".into(), "core".into()),
    ]
}

/// Adds content type, Date and rate-limit headers to an answer.
fn finish(a: Answer, mut headers: Vec<(String, String)>, rl: Option<Vec<(String, String)>>) -> Reply {
    headers.push(("content-type".into(), a.content_type.into()));
    headers.push(("server".into(), "github.com".into()));
    if a.content_type.starts_with("application/json") {
        headers.push(("x-github-api-version-selected".into(), "2022-11-28".into()));
    }
    if let Some(rl) = rl {
        headers.extend(rl);
    }
    headers.extend(a.headers);
    Reply { status: a.status, headers, body: a.body }
}

fn with_link(a: Answer, link: Option<String>) -> Answer {
    match link {
        Some(l) => a.with_header("link", l),
        None => a,
    }
}

/// One page of `items` per `per_page`/`page`, and the `Link` header GitHub would send.
fn paginate<'a, T>(items: &'a [T], query: &[(String, String)], link_base: &str) -> (&'a [T], Option<String>) {
    let per_page =
        query_get(query, "per_page").and_then(|v| v.parse::<usize>().ok()).filter(|n| *n > 0).unwrap_or(30).min(100);
    let page = query_get(query, "page").and_then(|v| v.parse::<usize>().ok()).filter(|n| *n > 0).unwrap_or(1);
    let total = items.len();
    let last = total.div_ceil(per_page).max(1);
    let start = (page - 1).saturating_mul(per_page).min(total);
    let end = start.saturating_add(per_page).min(total);
    let slice = &items[start..end];
    if last == 1 && page == 1 {
        return (slice, None);
    }
    let url_for = |p: usize| {
        let mut q: Vec<String> = Vec::new();
        let mut seen_page = false;
        for (k, v) in query {
            if k == "page" {
                if !seen_page {
                    q.push(format!("page={p}"));
                    seen_page = true;
                }
            } else {
                q.push(format!("{}={}", pct_encode(k), pct_encode(v)));
            }
        }
        if !seen_page {
            q.push(format!("page={p}"));
        }
        format!("<{link_base}?{}>", q.join("&"))
    };
    let mut parts = Vec::new();
    if page > 1 {
        parts.push(format!("{}; rel=\"prev\"", url_for((page - 1).min(last))));
    }
    if page < last {
        parts.push(format!("{}; rel=\"next\"", url_for(page + 1)));
        parts.push(format!("{}; rel=\"last\"", url_for(last)));
    }
    if page > 1 {
        parts.push(format!("{}; rel=\"first\"", url_for(1)));
    }
    (slice, Some(parts.join(", ")))
}

fn repo_json(r: &Repo, api_base: &str, kind: TokenKind) -> Value {
    let full = r.full_name();
    let owner_id = fnv1a(r.owner.to_ascii_lowercase().as_bytes(), 7) % 10_000_000 + 1;
    let mut v = json!({
        "id": r.id,
        "node_id": format!("R_fake{}", r.id),
        "name": r.name,
        "full_name": full,
        "private": r.private,
        "owner": {
            "login": r.owner,
            "id": owner_id,
            "node_id": format!("U_fake{owner_id}"),
            "type": "User",
            "site_admin": false,
            "html_url": format!("https://github.com/{}", r.owner),
        },
        "html_url": format!("https://github.com/{full}"),
        "description": format!("Fake repository {full}"),
        "fork": r.fork,
        "url": format!("{api_base}/repos/{full}"),
        "releases_url": format!("{api_base}/repos/{full}/releases{{/id}}"),
        "created_at": REPO_CREATED_AT,
        "updated_at": iso(r.updated),
        "pushed_at": iso(r.updated),
        "homepage": null,
        "size": 1024,
        "stargazers_count": r.stars,
        "watchers_count": r.stars,
        "language": "Rust",
        "has_issues": true,
        "forks_count": r.forks,
        "archived": r.archived,
        "disabled": false,
        "open_issues_count": r.open_issues,
        "license": null,
        "topics": [],
        "visibility": if r.private { "private" } else { "public" },
        "forks": r.forks,
        "open_issues": r.open_issues,
        "watchers": r.stars,
        "default_branch": "main",
        "network_count": r.forks,
        "subscribers_count": r.watchers,
        "has_pages": r.pages_enabled,
    });
    let perms = match kind {
        TokenKind::Full | TokenKind::NoGistWrite => {
            Some(json!({"admin": true, "maintain": true, "push": true, "triage": true, "pull": true}))
        }
        TokenKind::FineGrainedNoAdmin => {
            Some(json!({"admin": false, "maintain": false, "push": true, "triage": true, "pull": true}))
        }
        TokenKind::ClassicNoPush => {
            Some(json!({"admin": false, "maintain": false, "push": false, "triage": false, "pull": true}))
        }
        TokenKind::WorkflowToken => None,
    };
    if let (Some(p), Some(obj)) = (perms, v.as_object_mut()) {
        obj.insert("permissions".into(), p);
    }
    v
}

fn release_json(repo: &Repo, rel: &Release, api_base: &str) -> Value {
    let full = repo.full_name();
    let assets: Vec<Value> = rel
        .assets
        .iter()
        .filter(|a| !a.deleted)
        .map(|a| {
            json!({
                "url": format!("{api_base}/repos/{full}/releases/assets/{}", a.id),
                "id": a.id,
                "node_id": format!("RA_fake{}", a.id),
                "name": a.name,
                "label": "",
                "uploader": user_json(&repo.owner),
                "content_type": "application/octet-stream",
                "state": "uploaded",
                "size": 1000 + a.id % 1000,
                "download_count": a.downloads,
                "created_at": iso(a.created),
                "updated_at": iso(a.created),
                "browser_download_url": format!("https://github.com/{full}/releases/download/{}/{}", rel.tag, a.name),
            })
        })
        .collect();
    json!({
        "url": format!("{api_base}/repos/{full}/releases/{}", rel.id),
        "assets_url": format!("{api_base}/repos/{full}/releases/{}/assets", rel.id),
        "html_url": format!("https://github.com/{full}/releases/tag/{}", rel.tag),
        "id": rel.id,
        "node_id": format!("RE_fake{}", rel.id),
        "tag_name": rel.tag,
        "target_commitish": "main",
        "name": rel.tag,
        "draft": false,
        "prerelease": false,
        "created_at": iso(rel.created),
        "published_at": iso(rel.created),
        "author": user_json(&repo.owner),
        "assets": assets,
        "tarball_url": format!("{api_base}/repos/{full}/tarball/{}", rel.tag),
        "zipball_url": format!("{api_base}/repos/{full}/zipball/{}", rel.tag),
        "body": "",
    })
}

// ----- workflow runs, jobs, Pages builds -----

/// 422 for a query parameter GitHub rejects.
fn invalid_param(resource: &str, field: &str, value: &str, doc: &str) -> Answer {
    Answer::json(
        422,
        &json!({
            "message": "Validation Failed",
            "errors": [{ "resource": resource, "field": field, "code": "invalid", "value": value }],
            "documentation_url": doc,
            "status": "422",
        }),
    )
}

#[derive(Clone, Copy, Debug)]
struct Bound {
    at: Timestamp,
    inclusive: bool,
}

/// A `created` qualifier of GitHub's search syntax, as a time interval.
#[derive(Clone, Copy, Debug)]
struct CreatedRange {
    lo: Option<Bound>,
    hi: Option<Bound>,
}

impl CreatedRange {
    fn contains(&self, t: Timestamp) -> bool {
        // GitHub compares whole seconds.
        let t = Timestamp::from_second(t.as_second()).unwrap_or(t);
        self.lo.is_none_or(|b| if b.inclusive { t >= b.at } else { t > b.at })
            && self.hi.is_none_or(|b| if b.inclusive { t <= b.at } else { t < b.at })
    }
}

#[derive(Clone, Copy, Debug)]
enum Point {
    /// A whole UTC day.
    Day(Date),
    At(Timestamp),
}

/// `YYYY-MM-DD`, or `YYYY-MM-DDTHH:MM:SS` with `Z` or an offset (fractions allowed).
fn parse_point(s: &str) -> Option<Point> {
    let b = s.as_bytes();
    let shape_ok = b.len() >= 10
        && b[..10].iter().enumerate().all(|(i, c)| if i == 4 || i == 7 { *c == b'-' } else { c.is_ascii_digit() });
    if !shape_ok {
        return None;
    }
    let day: Date = s[..10].parse().ok()?;
    if b.len() == 10 {
        return Some(Point::Day(day));
    }
    if b[10] != b'T' {
        return None;
    }
    s.parse::<Timestamp>().ok().map(Point::At)
}

fn day_after(d: Date) -> Option<Timestamp> {
    midnight(d.tomorrow().ok()?)
}

/// Lower bound of `>=p` (`strict` false) or `>p` (`strict` true).
fn lower_bound(p: Point, strict: bool) -> Option<Bound> {
    Some(match p {
        Point::Day(d) if strict => Bound { at: day_after(d)?, inclusive: true },
        Point::Day(d) => Bound { at: midnight(d)?, inclusive: true },
        Point::At(t) => Bound { at: t, inclusive: !strict },
    })
}

/// Upper bound of `<=p` (`strict` false) or `<p` (`strict` true).
fn upper_bound(p: Point, strict: bool) -> Option<Bound> {
    Some(match p {
        Point::Day(d) if strict => Bound { at: midnight(d)?, inclusive: false },
        Point::Day(d) => Bound { at: day_after(d)?, inclusive: false },
        Point::At(t) => Bound { at: t, inclusive: !strict },
    })
}

/// `A..B` (inclusive, `*` = open), `>=A`, `>A`, `<=A`, `<A`, or `A` alone; `None` if invalid.
fn parse_created(s: &str) -> Option<CreatedRange> {
    if let Some((a, b)) = s.split_once("..") {
        let lo = if a == "*" { None } else { Some(lower_bound(parse_point(a)?, false)?) };
        let hi = if b == "*" { None } else { Some(upper_bound(parse_point(b)?, false)?) };
        return Some(CreatedRange { lo, hi });
    }
    let one = |rest: &str, lower: bool, strict: bool| -> Option<CreatedRange> {
        let p = parse_point(rest)?;
        Some(if lower {
            CreatedRange { lo: Some(lower_bound(p, strict)?), hi: None }
        } else {
            CreatedRange { lo: None, hi: Some(upper_bound(p, strict)?) }
        })
    };
    if let Some(rest) = s.strip_prefix(">=") {
        return one(rest, true, false);
    }
    if let Some(rest) = s.strip_prefix("<=") {
        return one(rest, false, false);
    }
    if let Some(rest) = s.strip_prefix('>') {
        return one(rest, true, true);
    }
    if let Some(rest) = s.strip_prefix('<') {
        return one(rest, false, true);
    }
    let p = parse_point(s)?;
    Some(CreatedRange { lo: Some(lower_bound(p, false)?), hi: Some(upper_bound(p, false)?) })
}

const RUN_STATUSES: [&str; 14] = [
    "completed",
    "action_required",
    "cancelled",
    "failure",
    "neutral",
    "skipped",
    "stale",
    "success",
    "timed_out",
    "in_progress",
    "queued",
    "requested",
    "waiting",
    "pending",
];

/// Whether a run matches a documented `status` value (a status or a conclusion).
fn run_status_matches(run: &WorkflowRun, status: &str) -> bool {
    match status {
        "completed" | "success" => run.completed.is_some(),
        "in_progress" => run.completed.is_none(),
        _ => false,
    }
}

/// `GET .../actions/runs`: newest first; a filtered search answers at most 1,000 results.
fn list_runs(ctx: &Ctx<'_>, repo: &Repo, link_base: &str) -> Answer {
    let param = |name: &str| query_get(&ctx.query, name).filter(|v| !v.is_empty());
    let created = match param("created") {
        None => None,
        Some(v) => match parse_created(v) {
            Some(range) => Some(range),
            None => return invalid_param("WorkflowRun", "created", v, DOC_RUNS),
        },
    };
    let status = param("status");
    if let Some(s) = status.filter(|s| !RUN_STATUSES.contains(s)) {
        return invalid_param("WorkflowRun", "status", s, DOC_RUNS);
    }
    let event = param("event");
    let branch = param("branch");
    let actor = param("actor");
    let head_sha = param("head_sha");
    let check_suite = param("check_suite_id");
    let filtered = created.is_some()
        || status.is_some()
        || event.is_some()
        || branch.is_some()
        || actor.is_some()
        || head_sha.is_some()
        || check_suite.is_some();
    // Every run is on `main` and triggered by the owner.
    let branch_and_actor_match =
        branch.is_none_or(|b| b == "main") && actor.is_none_or(|a| a.eq_ignore_ascii_case(&repo.owner));
    let mut list: Vec<&WorkflowRun> = repo
        .runs
        .iter()
        .filter(|r| created.is_none_or(|c| c.contains(r.created)))
        .filter(|r| status.is_none_or(|s| run_status_matches(r, s)))
        .filter(|r| event.is_none_or(|e| r.event == e))
        .filter(|_| branch_and_actor_match)
        .filter(|r| head_sha.is_none_or(|h| h == r.head_sha()))
        .filter(|r| check_suite.is_none_or(|c| c == r.check_suite_id().to_string()))
        .collect();
    list.sort_by(|a, b| b.created.cmp(&a.created).then(b.id.cmp(&a.id)));
    let total = list.len();
    if filtered {
        list.truncate(MAX_FILTERED_RUNS);
    }
    let (page, link) = paginate(&list, &ctx.query, link_base);
    let runs: Vec<Value> = page.iter().map(|r| run_json(repo, r, &ctx.api_base)).collect();
    with_link(Answer::json(200, &json!({ "total_count": total, "workflow_runs": runs })), link)
}

/// Jobs of one attempt (`Some`) or of all attempts (`None`), paginated.
fn list_jobs(ctx: &Ctx<'_>, repo: &Repo, run: &WorkflowRun, attempt: Option<u32>, link_base: &str) -> Answer {
    let list: Vec<&StoredJob> = run.jobs.iter().filter(|j| attempt.is_none_or(|a| j.attempt == a)).collect();
    let (page, link) = paginate(&list, &ctx.query, link_base);
    let jobs: Vec<Value> = page.iter().map(|j| job_json(repo, run, j, &ctx.api_base)).collect();
    with_link(Answer::json(200, &json!({ "total_count": list.len(), "jobs": jobs })), link)
}

/// The `repository` / `head_repository` object of a workflow run (GitHub's minimal repository).
fn minimal_repo_json(r: &Repo, api_base: &str) -> Value {
    let full = r.full_name();
    json!({
        "id": r.id,
        "node_id": format!("R_fake{}", r.id),
        "name": r.name,
        "full_name": full,
        "private": r.private,
        "owner": user_json(&r.owner),
        "html_url": format!("https://github.com/{full}"),
        "description": format!("Fake repository {full}"),
        "fork": r.fork,
        "url": format!("{api_base}/repos/{full}"),
    })
}

fn workflow_id(repo: &Repo, run: &WorkflowRun) -> u64 {
    fnv1a(format!("{}/{}", repo.id, run.name).as_bytes(), 11) % 100_000_000 + 1
}

fn run_json(repo: &Repo, run: &WorkflowRun, api_base: &str) -> Value {
    let full = repo.full_name();
    let url = format!("{api_base}/repos/{full}/actions/runs/{}", run.id);
    let attempt = run.latest_attempt();
    let workflow_id = workflow_id(repo, run);
    let sha = run.head_sha();
    let check_suite = run.check_suite_id();
    let done = run.completed.is_some();
    let author = json!({ "name": repo.owner, "email": format!("{}@users.noreply.github.com", repo.owner) });
    json!({
        "id": run.id,
        "name": run.name,
        "node_id": format!("WFR_fake{}", run.id),
        "head_branch": "main",
        "head_sha": sha,
        "path": ".github/workflows/ci.yml",
        "display_title": run.name,
        "run_number": run.run_number,
        "event": run.event,
        "status": if done { "completed" } else { "in_progress" },
        "conclusion": if done { json!("success") } else { Value::Null },
        "workflow_id": workflow_id,
        "check_suite_id": check_suite,
        "check_suite_node_id": format!("CS_fake{check_suite}"),
        "url": url,
        "html_url": format!("https://github.com/{full}/actions/runs/{}", run.id),
        "pull_requests": [],
        "created_at": iso(run.created),
        "updated_at": iso(run.updated()),
        "actor": user_json(&repo.owner),
        "run_attempt": attempt,
        "referenced_workflows": [],
        "run_started_at": iso(run.attempt_start(attempt)),
        "triggering_actor": user_json(&repo.owner),
        "jobs_url": format!("{url}/jobs"),
        "logs_url": format!("{url}/logs"),
        "check_suite_url": format!("{api_base}/repos/{full}/check-suites/{check_suite}"),
        "artifacts_url": format!("{url}/artifacts"),
        "cancel_url": format!("{url}/cancel"),
        "rerun_url": format!("{url}/rerun"),
        "previous_attempt_url": if attempt > 1 { json!(format!("{url}/attempts/{}", attempt - 1)) } else { Value::Null },
        "workflow_url": format!("{api_base}/repos/{full}/actions/workflows/{workflow_id}"),
        "head_commit": {
            "id": sha,
            "tree_id": hex_id(run.id ^ 0x7ee0_0000, 40),
            "message": run.name,
            "timestamp": iso(run.created),
            "author": author,
            "committer": author,
        },
        "repository": minimal_repo_json(repo, api_base),
        "head_repository": minimal_repo_json(repo, api_base),
    })
}

fn job_json(repo: &Repo, run: &WorkflowRun, job: &StoredJob, api_base: &str) -> Value {
    let full = repo.full_name();
    let attempt_start = run.attempt_start(job.attempt);
    let job_started = job.started.or_else(|| job.steps.iter().find_map(|s| s.started_at));
    let created = job_started.map_or(attempt_start, |s| s.min(attempt_start));
    let started = job_started.unwrap_or(created);
    let end = run.attempt_end(job.attempt).map(|e| e.max(started));
    let (status, conclusion) = match (end, job_started) {
        (Some(_), _) => ("completed", json!("success")),
        (None, Some(_)) => ("in_progress", Value::Null),
        (None, None) => ("queued", Value::Null),
    };
    let last_started = job.steps.iter().rposition(|s| s.started_at.is_some());
    let steps: Vec<Value> = job
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let next_start = job.steps[i + 1..].iter().find_map(|s| s.started_at);
            let (status, conclusion, started_at, completed_at) = match (step.started_at, end) {
                (None, Some(_)) => ("completed", json!("skipped"), None, None),
                (None, None) => ("queued", Value::Null, None, None),
                (Some(s), Some(e)) => ("completed", json!("success"), Some(s), Some(next_start.unwrap_or(e).max(s))),
                (Some(s), None) if Some(i) == last_started => ("in_progress", Value::Null, Some(s), None),
                (Some(s), None) => ("completed", json!("success"), Some(s), Some(next_start.unwrap_or(s).max(s))),
            };
            json!({
                "name": step.name,
                "status": status,
                "conclusion": conclusion,
                "number": i + 1,
                "started_at": started_at.map(iso),
                "completed_at": completed_at.map(iso),
            })
        })
        .collect();
    let runner_id = (status != "queued").then_some(job.id % 1000 + 1);
    json!({
        "id": job.id,
        "run_id": run.id,
        "workflow_name": run.name,
        "head_branch": "main",
        "run_url": format!("{api_base}/repos/{full}/actions/runs/{}", run.id),
        "run_attempt": job.attempt,
        "node_id": format!("CR_fake{}", job.id),
        "head_sha": run.head_sha(),
        "url": format!("{api_base}/repos/{full}/actions/jobs/{}", job.id),
        "html_url": format!("https://github.com/{full}/actions/runs/{}/job/{}", run.id, job.id),
        "status": status,
        "conclusion": conclusion,
        "created_at": iso(created),
        "started_at": iso(started),
        "completed_at": end.map(iso),
        "name": job.name,
        "steps": steps,
        "check_run_url": format!("{api_base}/repos/{full}/check-runs/{}", job.id),
        "labels": ["ubuntu-latest"],
        "runner_id": runner_id,
        "runner_name": runner_id.map(|n| format!("GitHub Actions {n}")),
        "runner_group_id": runner_id.map(|_| 2),
        "runner_group_name": runner_id.map(|_| "GitHub Actions"),
    })
}

fn pages_build_json(repo: &Repo, b: &PagesBuild, api_base: &str) -> Value {
    let full = repo.full_name();
    let duration_ms = 20_000 + splitmix(b.id) % 40_000;
    let updated = b.created.checked_add(SignedDuration::from_millis(i64::try_from(duration_ms).unwrap_or(0)));
    json!({
        "url": format!("{api_base}/repos/{full}/pages/builds/{}", b.id),
        "status": "built",
        "error": { "message": null },
        "pusher": user_json(&repo.owner),
        "commit": hex_id(b.id ^ 0xbead_0000, 40),
        "duration": duration_ms,
        "created_at": iso(b.created),
        "updated_at": iso(updated.unwrap_or(b.created)),
    })
}

fn history_json(g: &Gist, r: &Revision, api_base: &str) -> Value {
    json!({
        "user": user_json(&r.user),
        "version": r.version,
        "committed_at": iso(r.committed_at),
        "change_status": {
            "total": r.additions + r.deletions,
            "additions": r.additions,
            "deletions": r.deletions,
        },
        "url": format!("{api_base}/gists/{}/{}", g.id, r.version),
    })
}
