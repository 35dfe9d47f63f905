//! The fake's data model: repositories with their traffic, releases, workflow runs and
//! Pages builds; gists with their revisions; tokens and their rate-limit windows.

use std::collections::BTreeMap;
use std::net::TcpStream;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64};
use std::thread::JoinHandle;

use jiff::Timestamp;
use jiff::civil::Date;

use super::git::GitRepo;
use super::util::*;
use super::*;

pub(crate) const RATE_LIMIT: u64 = 5000;

pub(crate) const ANON_RATE_LIMIT: u64 = 60;

pub(crate) struct TokenState {
    pub(crate) kind: Option<TokenKind>,
    pub(crate) limit: u64,
    pub(crate) used: u64,
    /// Epoch seconds at which the current window ends; 0 before the first request.
    pub(crate) reset: i64,
}

impl TokenState {
    pub(crate) fn new(kind: Option<TokenKind>, limit: u64) -> TokenState {
        TokenState { kind, limit, used: 0, reset: 0 }
    }

    pub(crate) fn roll(&mut self, now: i64) {
        if self.reset == 0 || now >= self.reset {
            self.used = 0;
            self.reset = now + 3600;
        }
    }
}

#[derive(Clone, Copy, Default)]
pub(crate) struct DayTraffic {
    pub(crate) views: u64,
    pub(crate) views_uniques: u64,
    pub(crate) clones: u64,
    pub(crate) clones_uniques: u64,
}

pub(crate) struct Asset {
    pub(crate) id: u64,
    pub(crate) name: String,
    pub(crate) downloads: u64,
    pub(crate) created: Timestamp,
    pub(crate) deleted: bool,
}

pub(crate) struct Release {
    pub(crate) id: u64,
    pub(crate) tag: String,
    pub(crate) created: Timestamp,
    pub(crate) assets: Vec<Asset>,
}

pub(crate) struct Repo {
    pub(crate) id: u64,
    pub(crate) owner: String,
    pub(crate) name: String,
    pub(crate) stars: u64,
    pub(crate) forks: u64,
    pub(crate) watchers: u64,
    pub(crate) open_issues: u64,
    pub(crate) private: bool,
    pub(crate) fork: bool,
    pub(crate) archived: bool,
    pub(crate) updated: Timestamp,
    pub(crate) traffic: BTreeMap<Date, DayTraffic>,
    pub(crate) referrers: Vec<(String, u64, u64)>,
    pub(crate) paths: Vec<(String, String, u64, u64)>,
    pub(crate) releases: Vec<Release>,
    pub(crate) runs: Vec<WorkflowRun>,
    pub(crate) next_run_number: u64,
    pub(crate) pages_enabled: bool,
    pub(crate) pages_builds: Vec<PagesBuild>,
    /// Files by (path, ref): what `GET .../contents/{path}?ref=` serves.
    pub(crate) files: BTreeMap<(String, String), String>,
    /// The token may not read contents (403, as without Contents: read).
    pub(crate) contents_forbidden: bool,
    /// Branches `GET .../branches/{branch}` answers as `protected: true`.
    pub(crate) protected_branches: std::collections::BTreeSet<String>,
    /// When each current stargazer starred (the stargazers listing, oldest first).
    pub(crate) stargazers: Vec<Timestamp>,
    /// When each current fork was created (the forks listing with `sort=oldest`).
    pub(crate) fork_list: Vec<Timestamp>,
    /// Pages of a listing served before 422 (GitHub: 400); 0 for GitHub's 400.
    pub(crate) listing_pages: usize,
}

impl Repo {
    pub(crate) fn full_name(&self) -> String {
        format!("{}/{}", self.owner, self.name)
    }
}

pub(crate) struct StoredJob {
    pub(crate) id: u64,
    pub(crate) name: String,
    pub(crate) started: Option<Timestamp>,
    pub(crate) steps: Vec<FakeStep>,
    pub(crate) attempt: u32,
}

pub(crate) struct WorkflowRun {
    pub(crate) id: u64,
    pub(crate) run_number: u64,
    pub(crate) name: String,
    pub(crate) event: String,
    pub(crate) created: Timestamp,
    pub(crate) completed: Option<Timestamp>,
    /// Ordered by attempt, then as given; ids increase in this order.
    pub(crate) jobs: Vec<StoredJob>,
    /// The workflow file the run executed and its commit, where a test set them.
    pub(crate) file: Option<(String, String)>,
}

impl WorkflowRun {
    pub(crate) fn latest_attempt(&self) -> u32 {
        self.jobs.iter().map(|j| j.attempt).max().unwrap_or(1).max(1)
    }

    /// Every start time recorded for jobs and steps of `attempt`.
    pub(crate) fn starts_of(&self, attempt: u32) -> impl Iterator<Item = Timestamp> + '_ {
        self.jobs
            .iter()
            .filter(move |j| j.attempt == attempt)
            .flat_map(|j| j.started.into_iter().chain(j.steps.iter().filter_map(|s| s.started_at)))
    }

    /// When `attempt` started (its `run_started_at`).
    pub(crate) fn attempt_start(&self, attempt: u32) -> Timestamp {
        if attempt <= 1 {
            return self.created;
        }
        let own = self.jobs.iter().filter(|j| j.attempt == attempt).filter_map(|j| j.started).min();
        own.or_else(|| (1..attempt).flat_map(|a| self.starts_of(a)).max()).map_or(self.created, |t| t.max(self.created))
    }

    /// When `attempt` ended; `None` while it runs.
    pub(crate) fn attempt_end(&self, attempt: u32) -> Option<Timestamp> {
        let latest = self.latest_attempt();
        let end = if attempt >= latest { self.completed? } else { self.attempt_start(attempt + 1) };
        let last_start = self.starts_of(attempt).max().unwrap_or(self.created);
        Some(end.max(last_start).max(self.attempt_start(attempt)))
    }

    pub(crate) fn updated(&self) -> Timestamp {
        match self.completed {
            Some(c) => c.max(self.created),
            None => {
                self.jobs.iter().flat_map(|j| self.starts_of(j.attempt)).max().unwrap_or(self.created).max(self.created)
            }
        }
    }

    pub(crate) fn head_sha(&self) -> String {
        self.file.as_ref().map_or_else(|| hex_id(self.id ^ 0x5eed_0000, 40), |(_, sha)| sha.clone())
    }

    pub(crate) fn path(&self) -> &str {
        self.file.as_ref().map_or(".github/workflows/ci.yml", |(path, _)| path)
    }

    pub(crate) fn check_suite_id(&self) -> u64 {
        self.id + 20_000_000_000
    }
}

pub(crate) struct PagesBuild {
    pub(crate) id: u64,
    pub(crate) created: Timestamp,
}

pub(crate) struct Revision {
    pub(crate) version: String,
    pub(crate) committed_at: Timestamp,
    pub(crate) user: String,
    pub(crate) files: BTreeMap<String, String>,
    pub(crate) additions: u64,
    pub(crate) deletions: u64,
}

pub(crate) struct Gist {
    pub(crate) id: String,
    pub(crate) owner: String,
    pub(crate) description: String,
    pub(crate) public: bool,
    pub(crate) created: Timestamp,
    /// Oldest first.
    pub(crate) revisions: Vec<Revision>,
    pub(crate) pending: Vec<ConcurrentWrite>,
}

impl Gist {
    pub(crate) fn latest(&self) -> Option<&Revision> {
        self.revisions.last()
    }

    pub(crate) fn latest_files(&self) -> BTreeMap<String, String> {
        self.latest().map(|r| r.files.clone()).unwrap_or_default()
    }
}

pub(crate) struct State {
    pub(crate) now: Timestamp,
    pub(crate) tokens: BTreeMap<String, TokenState>,
    pub(crate) anon: TokenState,
    pub(crate) repos: BTreeMap<String, Repo>,
    pub(crate) next_repo_id: u64,
    pub(crate) next_release_id: u64,
    pub(crate) next_asset_id: u64,
    pub(crate) next_run_id: u64,
    pub(crate) next_job_id: u64,
    pub(crate) next_pages_build_id: u64,
    pub(crate) enterprise: bool,
    pub(crate) gists: BTreeMap<String, Gist>,
    pub(crate) truncate_at: usize,
    pub(crate) truncated_content_empty: bool,
    pub(crate) raw_url_base: Option<String>,
    pub(crate) revision_counter: u64,
    pub(crate) gist_counter: u64,
    pub(crate) faults: Vec<Fault>,
    pub(crate) requests: Vec<Recorded>,
    /// Git Data API objects and refs, by repository (`owner/name`, lower case).
    pub(crate) git: BTreeMap<String, GitRepo>,
    pub(crate) git_tree_truncated: bool,
    /// Whether a 304 comes without the `Link` header its 200 would carry.
    pub(crate) no_link_on_304: bool,
}

impl State {
    /// The empty world at [`START_NOW`], counters at GitHub-like magnitudes.
    pub(crate) fn new() -> State {
        State {
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
            git: BTreeMap::new(),
            git_tree_truncated: false,
            no_link_on_304: false,
        }
    }

    pub(crate) fn next_version(&mut self) -> String {
        self.revision_counter += 1;
        hex_id(self.revision_counter, 40)
    }

    /// Appends a revision with these files to the gist.
    pub(crate) fn commit(&mut self, gist: &mut Gist, files: BTreeMap<String, String>, user: &str) {
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

    pub(crate) fn repo_by_id(&self, id: &str) -> Option<&Repo> {
        let id: u64 = id.parse().ok()?;
        self.repos.values().find(|r| r.id == id)
    }
}

pub(crate) struct Shared {
    pub(crate) state: Mutex<State>,
    pub(crate) base_url: String,
    pub(crate) stop: AtomicBool,
    pub(crate) conns: Mutex<BTreeMap<u64, TcpStream>>,
    pub(crate) next_conn: AtomicU64,
    pub(crate) workers: Mutex<Vec<JoinHandle<()>>>,
    /// Requests being served right now (latency included).
    pub(crate) in_flight: AtomicU64,
    pub(crate) limits: Mutex<Limits>,
    pub(crate) limit_state: Mutex<LimitState>,
    /// Answers held back until several matching requests wait together.
    pub(crate) hold: Mutex<Option<Hold>>,
    pub(crate) hold_changed: std::sync::Condvar,
}

/// Requests whose path and query `matches` wait for one another until `count` of them
/// are waiting at once (or `patience` has passed): a caller that asks them one after
/// another never gets there. Counts, not times, tell what the caller did.
pub(crate) struct Hold {
    pub(crate) matches: Box<dyn Fn(&str) -> bool + Send>,
    pub(crate) count: usize,
    pub(crate) patience: std::time::Duration,
    pub(crate) waiting: usize,
    pub(crate) released: bool,
    /// The most matching requests that were waiting at once.
    pub(crate) most_together: usize,
}

#[derive(Default)]
pub(crate) struct LimitState {
    pub(crate) window_start: Option<std::time::Instant>,
    pub(crate) window_count: u64,
    pub(crate) stats: LimitStats,
    /// Per repository (`owner/name` of a `/repos/...` path): requests in flight now, and
    /// the most at once.
    pub(crate) per_repo: BTreeMap<String, (u64, u64)>,
}
