//! A small synchronous GitHub REST client on ureq, shared by every thread of a run.
//!
//! gtt runs unattended, often on a schedule, against a budget it shares with whatever
//! else the token does; a run that hammers GitHub, or leaks the token, costs more than a
//! run that fails. So the client keeps to GitHub's published rules
//! (<https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api>):
//!
//! - `send.rs`: one request with the headers GitHub asks for; the token only ever goes
//!   to the configured API origin, and redirects are followed only where it may go.
//! - `retry.rs`: GitHub's retry rules for rate limits and server errors, every wait
//!   bounded by input `max-wait`
//!   (<https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api>).
//! - `governor.rs`: one budget per token across threads: requests in flight capped,
//!   serialized when the primary budget runs low, paused together after a limit.
//! - `link.rs`: `Link` header pagination
//!   (<https://docs.github.com/en/rest/using-the-rest-api/using-pagination-in-the-rest-api>).
//! - `date.rs`: the answer's `Date`, GitHub's clock, against which resets and the
//!   traffic window are measured.
//!
//! This module is the surface the rest of gtt uses: [`Client`] and its [`Error`].

use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use serde::de::DeserializeOwned;

use crate::config::Secret;

mod date;
pub(crate) mod governor;
mod link;
mod retry;
mod send;

pub(crate) use date::parse_http_date;
use governor::Governor;
pub(crate) use link::parse_link_next;
use send::{Request, path_for_log};
pub(crate) use send::{SendError, origin_of};

/// Why a request gave no usable answer. Each names the request and says the cause;
/// a cause that is itself an error (the connection's, the JSON decoder's) is kept as
/// the [`std::error::Error::source`]. Off-host URLs are named by their origin only.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Error {
    /// GitHub answered with a status we do not retry (or stopped retrying).
    #[error("GitHub answered {status} for {path}: {message}")]
    Status { status: u16, message: String, path: String },
    /// No answer came back, after retries: the connection, TLS, a timeout.
    #[error("could not reach GitHub for {path}: {source}")]
    Transport {
        path: String,
        #[source]
        source: SendError,
    },
    /// No connection could be made: the host does not resolve or refuses connections.
    #[error(
        "could not connect to {origin} ({source}; {attempts} attempts): check input `api-url` (or GITHUB_API_URL) and the network"
    )]
    Unreachable {
        origin: String,
        attempts: u32,
        #[source]
        source: SendError,
    },
    /// GitHub asked us to wait longer than `max-wait` allows.
    #[error(
        "rate limited on {path}: GitHub asks to wait {}s more after {}s of waiting, beyond input `max-wait`; run again later or raise max-wait",
        .wait.as_secs(),
        .waited.as_secs()
    )]
    RateLimited { path: String, wait: Duration, waited: Duration },
    /// The answer (or the body gtt was to send) was not the JSON expected.
    #[error("unexpected answer from GitHub for {path}: {source}")]
    Decode {
        path: String,
        #[source]
        source: serde_json::Error,
    },
    /// GitHub answered 304 Not Modified to a request that named no ETag.
    #[error("unexpected answer from GitHub for {path}: 304 to an unconditional request")]
    UnaskedNotModified { path: String },
    /// A URL (pagination, redirect) pointed away from the API host.
    #[error("refusing to follow {} off the API host (the token stays with the API host)", send::host_of(.url))]
    ForeignHost { url: String },
    /// More pages than any sane repository has: refuse rather than loop forever.
    #[error("{path} has more than {pages} pages; stopped")]
    TooManyPages { path: String, pages: usize },
    /// A thread sending requests stopped before it answered (it panicked: a gtt bug).
    #[error("could not reach GitHub: {what} failed")]
    ThreadFailed { what: &'static str },
}

impl Error {
    pub(crate) fn status(&self) -> Option<u16> {
        match self {
            Error::Status { status, .. } => Some(*status),
            _ => None,
        }
    }

    /// GitHub's own `message` for a status answer; empty otherwise.
    pub(crate) fn message(&self) -> &str {
        match self {
            Error::Status { message, .. } => message,
            _ => "",
        }
    }

    /// The error for an attempt that is not a success: GitHub's status and message, or
    /// why no answer came.
    fn failed(path: &str, outcome: send::Outcome) -> Error {
        match outcome {
            Ok(r) => Error::Status { status: r.status, message: send::github_message(&r.body), path: path.to_string() },
            Err(source) => Error::Transport { path: path.to_string(), source },
        }
    }
}

/// An answer to a conditional GET: `body` is None when GitHub said 304 Not Modified.
#[derive(Debug, Clone, Default)]
pub(crate) struct Conditional {
    pub(crate) body: Option<String>,
    pub(crate) etag: Option<String>,
    /// The `rel="next"` page, if the answer had one.
    pub(crate) next: Option<String>,
    /// The answer's `Date` header: GitHub's clock, which sets its traffic window.
    pub(crate) date: Option<String>,
}

/// What the run cost, for the report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Usage {
    /// Requests sent, retries and 304s included.
    pub(crate) requests: u64,
    /// Answers that were 304 Not Modified: they cost no primary quota.
    pub(crate) not_modified: u64,
    /// Requests that counted against the primary rate limit.
    pub(crate) quota_used: u64,
    /// The primary rate limit left after the latest answer, as GitHub reported it.
    pub(crate) remaining: Option<u64>,
    /// When the primary limit resets (epoch seconds, GitHub's clock).
    pub(crate) reset: Option<i64>,
}

#[derive(Debug)]
pub(crate) struct Client {
    agent: ureq::Agent,
    base: String,
    origin: String,
    token: Secret,
    max_wait: Duration,
    /// Time spent backing off from server errors and dropped connections.
    waited: Mutex<Duration>,
    governor: Governor,
    usage: Mutex<Usage>,
    enterprise: OnceLock<bool>,
}

impl Client {
    pub(crate) fn new(api_url: &str, token: Secret, max_wait: Duration) -> Client {
        Client::with_concurrency(api_url, token, max_wait, governor::MAX_IN_FLIGHT)
    }

    /// A client that keeps at most `in_flight` requests open at once across threads.
    pub(crate) fn with_concurrency(api_url: &str, token: Secret, max_wait: Duration, in_flight: usize) -> Client {
        Client {
            agent: send::agent(governor::MAX_IN_FLIGHT),
            base: api_url.trim_end_matches('/').to_string(),
            origin: origin_of(api_url).unwrap_or_default(),
            token,
            max_wait,
            waited: Mutex::new(Duration::ZERO),
            governor: Governor::new(in_flight, max_wait),
            usage: Mutex::new(Usage::default()),
            enterprise: OnceLock::new(),
        }
    }

    pub(crate) fn base(&self) -> &str {
        &self.base
    }

    /// What the run has cost so far, and the budget left.
    pub(crate) fn usage(&self) -> Usage {
        let budget = self.governor.budget();
        let mut u = self.usage.lock().map_or_else(|_| Usage::default(), |u| *u);
        u.remaining = budget.remaining;
        u.reset = budget.reset;
        u
    }

    /// Asks GitHub for the primary budget (`GET /rate_limit` costs none of it) so the
    /// run can plan before spending. None where rate limits are off (Enterprise Server).
    pub(crate) fn probe_budget(&self) -> Option<governor::Budget> {
        #[derive(serde::Deserialize)]
        struct Core {
            limit: u64,
            remaining: u64,
            reset: i64,
        }
        #[derive(serde::Deserialize)]
        struct Resources {
            core: Core,
        }
        #[derive(serde::Deserialize)]
        struct RateLimit {
            resources: Resources,
        }
        let r: RateLimit = self.get_json("/rate_limit").ok()?;
        let c = r.resources.core;
        self.governor.set_budget(c.remaining, c.limit, c.reset);
        Some(self.governor.budget())
    }

    /// Whether a repository costing about `cost` requests fits in the budget, with
    /// `active` others being fetched and `reserve` kept back.
    pub(crate) fn affords(&self, cost: u64, active: u64, reserve: u64) -> bool {
        self.governor.affords(cost, active, reserve)
    }

    /// Enterprise Server reports `installed_version` in `/meta`; github.com does not.
    /// Asked once per run: the answer cannot change while the run lasts.
    pub(crate) fn is_enterprise_server(&self) -> bool {
        #[derive(serde::Deserialize)]
        struct Meta {
            installed_version: Option<String>,
        }
        *self.enterprise.get_or_init(|| self.get_json::<Meta>("/meta").is_ok_and(|m| m.installed_version.is_some()))
    }

    /// A GET with `If-None-Match: etag`. A 304 comes back as `body: None`: GitHub's
    /// answer is the one that ETag names, and it cost no primary quota.
    pub(crate) fn get_conditional(&self, path: &str, etag: Option<&str>) -> Result<Conditional, Error> {
        self.get_conditional_as(path, etag, None)
    }

    /// [`Client::get_conditional`] asking for another media type than GitHub's JSON
    /// (`accept`), such as the stargazers listing with `starred_at`.
    pub(crate) fn get_conditional_as(
        &self,
        path: &str,
        etag: Option<&str>,
        accept: Option<&str>,
    ) -> Result<Conditional, Error> {
        let url = self.url(path);
        let reply = self.send(Request { if_none_match: etag, accept, ..Request::get(&url) })?;
        Ok(Conditional {
            next: reply.link.as_deref().and_then(parse_link_next),
            etag: reply.etag,
            date: reply.date,
            body: (reply.status != 304).then_some(reply.body),
        })
    }

    fn url(&self, path: &str) -> String {
        if path.starts_with("http://") || path.starts_with("https://") {
            path.to_string()
        } else {
            format!("{}{}", self.base, path)
        }
    }

    pub(crate) fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, Error> {
        let reply = self.send(Request::get(&self.url(path)))?;
        decode(path, &reply.body)
    }

    /// Every page of a list endpoint, following `Link: rel="next"` on the API host.
    pub(crate) fn get_pages<T: DeserializeOwned>(&self, path: &str, max_pages: usize) -> Result<Vec<T>, Error> {
        let mut out = Vec::new();
        self.walk_pages(path, max_pages, |body| {
            let mut items: Vec<T> = decode(path, body)?;
            out.append(&mut items);
            Ok(true)
        })?;
        Ok(out)
    }

    /// Walks a paginated endpoint page by page, handing each body to `page`, which
    /// returns whether to go on (`false` stops early: the rest cannot matter). Pages
    /// come from the `Link` header, as GitHub asks, and stay on the API host (the
    /// token goes along).
    pub(crate) fn walk_pages(
        &self,
        path: &str,
        max_pages: usize,
        mut page: impl FnMut(&str) -> Result<bool, Error>,
    ) -> Result<(), Error> {
        let mut next = Some(self.url(path));
        let mut pages = 0;
        while let Some(url) = next.take() {
            if pages == max_pages {
                return Err(Error::TooManyPages { path: path_for_log(path), pages });
            }
            pages += 1;
            let reply = self.send(Request::get(&url))?;
            if !page(&reply.body)? {
                break;
            }
            next = reply.link.as_deref().and_then(parse_link_next);
        }
        Ok(())
    }

    /// Decodes a page body, naming the request in the error.
    pub(crate) fn decode_page<T: DeserializeOwned>(path: &str, body: &str) -> Result<T, Error> {
        decode(path, body)
    }

    pub(crate) fn post_json<T: DeserializeOwned>(&self, path: &str, body: &impl serde::Serialize) -> Result<T, Error> {
        self.send_json("POST", path, body)
    }

    pub(crate) fn patch_json<T: DeserializeOwned>(&self, path: &str, body: &impl serde::Serialize) -> Result<T, Error> {
        self.send_json("PATCH", path, body)
    }

    fn send_json<T: DeserializeOwned>(
        &self,
        method: &str,
        path: &str,
        body: &impl serde::Serialize,
    ) -> Result<T, Error> {
        let text = serde_json::to_string(body).map_err(|source| Error::Decode { path: path.to_string(), source })?;
        let url = self.url(path);
        let reply = self.send(Request { method, body: Some(&text), ..Request::get(&url) })?;
        decode(path, &reply.body)
    }

    /// A file by absolute URL (a gist's `raw_url`). The token goes along only when the
    /// URL is on the API host (GitHub Enterprise); gist.githubusercontent.com serves
    /// public and secret gists without it.
    pub(crate) fn get_raw(&self, url: &str) -> Result<String, Error> {
        let with_token = self.same_origin(url);
        if !with_token && !url.starts_with("https://") {
            return Err(Error::ForeignHost { url: url.to_string() });
        }
        Ok(self.send(Request { auth: with_token, ..Request::get(url) })?.body)
    }
}

fn decode<T: DeserializeOwned>(path: &str, body: &str) -> Result<T, Error> {
    serde_json::from_str(body).map_err(|source| Error::Decode { path: path_for_log(path), source })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn errors_name_the_request_and_keep_the_cause_table() {
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused by peer");
        let json = serde_json::from_str::<u8>("x").expect_err("not JSON");
        let cases: Vec<(Error, &str, bool)> = vec![
            (
                Error::Status { status: 404, message: "Not Found".into(), path: "/repos/o/r".into() },
                "GitHub answered 404 for /repos/o/r: Not Found",
                false,
            ),
            (
                Error::Transport { path: "/meta".into(), source: SendError::Transport(ureq::Error::Io(io)) },
                "could not reach GitHub for /meta: ",
                true,
            ),
            (
                Error::RateLimited { path: "/x".into(), wait: Duration::from_secs(90), waited: Duration::from_secs(5) },
                "rate limited on /x: GitHub asks to wait 90s more after 5s of waiting, beyond input `max-wait`",
                false,
            ),
            (Error::Decode { path: "/user".into(), source: json }, "unexpected answer from GitHub for /user: ", true),
            (
                Error::UnaskedNotModified { path: "/r".into() },
                "unexpected answer from GitHub for /r: 304 to an unconditional request",
                false,
            ),
            (
                Error::ForeignHost { url: "https://evil.example/steal?t=1".into() },
                "refusing to follow https://evil.example off the API host",
                false,
            ),
            (Error::TooManyPages { path: "/p".into(), pages: 3 }, "/p has more than 3 pages; stopped", false),
            (Error::ThreadFailed { what: "CI thread" }, "could not reach GitHub: CI thread failed", false),
        ];
        for (e, start, has_source) in cases {
            let text = e.to_string();
            assert!(text.starts_with(start), "{text:?} does not start with {start:?}");
            assert_eq!(e.source().is_some(), has_source, "{text}");
            if let Some(cause) = e.source() {
                assert!(text.ends_with(&cause.to_string()), "the message says the cause: {text}");
            }
        }
    }

    #[test]
    fn client_refuses_foreign_hosts_before_sending() {
        let c = Client::new("http://127.0.0.1:9", Secret::new("t"), Duration::ZERO);
        let e = c.get_json::<serde_json::Value>("https://elsewhere.example/x").expect_err("refused");
        assert!(matches!(e, Error::ForeignHost { .. }));
        assert!(!e.to_string().contains("/x"), "only the host is named");
        assert_eq!(c.usage().requests, 0);
        let e = c.get_raw("http://elsewhere.example/raw").expect_err("plain http raw refused");
        assert!(matches!(e, Error::ForeignHost { .. }));
    }
}
