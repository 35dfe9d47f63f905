//! An in-process fake of the parts of GitHub's REST API that gtt uses.
//!
//! The fake listens on `127.0.0.1:0` only, answers with the response shapes
//! of api.github.com (<https://docs.github.com/en/rest>: traffic, repositories,
//! Actions runs and jobs, releases, gists, the Git Data API),
//! and is fully deterministic: its clock only moves when a test moves it, ids
//! and gist revision versions come from counters.
//!
//! It is a small HTTP/1.1 server of its own (thread per connection, keep-alive,
//! `Content-Length` and chunked request bodies) rather than tiny_http, because
//! tiny_http cannot close a connection without answering: a dropped
//! `tiny_http::Request` answers 500, and `Request::into_writer` leaves the
//! socket open so the client waits forever. `FaultKind::DropConnection` needs
//! a real transport error.
//!
//! Here: the public types and the server's start and stop. `setup/` holds the public
//! `FakeGitHub` methods tests call (by area), `state` the data model, `git` the Git
//! Data API's objects, `http` the transport, `routes/` the request handling (`gate`
//! first, then one module per API area), `util` small shared helpers, and `selftest` checks the fake itself with a
//! plain HTTP client. `benches/scale.rs` includes this file by `#[path]`, so modules
//! here refer to each other with `super::`, never `crate::`.

mod git;
mod http;
mod routes;
#[cfg(test)]
mod selftest;
mod setup;
mod state;
mod util;

use std::collections::BTreeMap;
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread::JoinHandle;

use jiff::Timestamp;

use http::accept_loop;
use state::{LimitState, Shared, State};

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

/// A write another gtt makes to a gist between this one's read and write: given the
/// current files, the changes (`Some` = write, `None` = delete).
pub type ConcurrentWrite = Box<dyn FnOnce(&BTreeMap<String, String>) -> Vec<(String, Option<String>)> + Send>;

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

pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
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
        let shared = Arc::new(Shared {
            state: Mutex::new(State::new()),
            base_url,
            stop: AtomicBool::new(false),
            conns: Mutex::new(BTreeMap::new()),
            next_conn: AtomicU64::new(0),
            workers: Mutex::new(Vec::new()),
            in_flight: AtomicU64::new(0),
            limits: Mutex::new(Limits::default()),
            limit_state: Mutex::new(LimitState::default()),
            hold: Mutex::new(None),
            hold_changed: std::sync::Condvar::new(),
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
