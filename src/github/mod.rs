//! A small synchronous GitHub REST client on ureq: the headers GitHub asks for, Link
//! pagination, GitHub's retry rules with a bounded total wait, and a token that only
//! ever travels to the configured API host.

use std::fmt;
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::DeserializeOwned;

use crate::config::Secret;
pub mod governor;

use governor::Governor;

pub const USER_AGENT: &str = concat!("gtt/", env!("CARGO_PKG_VERSION"));
const API_VERSION: &str = "2022-11-28";
/// Attempts per request, the first included.
const MAX_ATTEMPTS: u32 = 6;
const MAX_REDIRECTS: u32 = 3;
const BODY_LIMIT: u64 = 16 * 1024 * 1024;

#[derive(Debug)]
pub enum Error {
    /// GitHub answered with a status we do not retry (or stopped retrying).
    Status { status: u16, message: String, path: String },
    /// The connection failed after retries.
    Transport { path: String, detail: String },
    /// GitHub asked us to wait longer than `max-wait` allows.
    RateLimited { path: String, wait: Duration, waited: Duration },
    /// The answer was not the JSON we expected.
    Decode { path: String, detail: String },
    /// A URL (pagination, redirect) pointed away from the API host.
    ForeignHost { url: String },
    /// More pages than any sane repository has: refuse rather than loop forever.
    TooManyPages { path: String, pages: usize },
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Status { status, message, path } => write!(f, "GitHub answered {status} for {path}: {message}"),
            Error::Transport { path, detail } => {
                write!(f, "could not reach GitHub for {path}: {detail}")
            }
            Error::RateLimited { path, wait, waited } => write!(
                f,
                "rate limited on {path}: GitHub asks to wait {}s more after {}s of waiting, beyond input `max-wait`; run again later or raise max-wait",
                wait.as_secs(),
                waited.as_secs()
            ),
            Error::Decode { path, detail } => {
                write!(f, "unexpected answer from GitHub for {path}: {detail}")
            }
            Error::ForeignHost { url } => {
                write!(f, "refusing to follow {} off the API host (the token stays with the API host)", host_of(url))
            }
            Error::TooManyPages { path, pages } => {
                write!(f, "{path} has more than {pages} pages; stopped")
            }
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Status { status, .. } => Some(*status),
            _ => None,
        }
    }
    pub fn message(&self) -> &str {
        match self {
            Error::Status { message, .. } => message,
            _ => "",
        }
    }
}

/// What one HTTP exchange gave back, reduced to what gtt reads.
#[derive(Debug, Clone, Default)]
pub struct Reply {
    pub status: u16,
    pub body: String,
    pub link: Option<String>,
    pub retry_after: Option<String>,
    pub remaining: Option<String>,
    pub reset: Option<String>,
    pub date: Option<String>,
    pub location: Option<String>,
    pub etag: Option<String>,
    pub limit: Option<String>,
    pub resource: Option<String>,
}

/// An answer to a conditional GET: `body` is None when GitHub said 304 Not Modified.
#[derive(Debug, Clone, Default)]
pub struct Conditional {
    pub body: Option<String>,
    pub etag: Option<String>,
    /// The `rel="next"` page, if the answer had one.
    pub next: Option<String>,
    /// The answer's `Date` header: GitHub's clock, which sets its traffic window.
    pub date: Option<String>,
}

/// What the run cost, for the report.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Usage {
    /// Requests sent, retries and 304s included.
    pub requests: u64,
    /// Answers that were 304 Not Modified: they cost no primary quota.
    pub not_modified: u64,
    /// Requests that counted against the primary rate limit.
    pub quota_used: u64,
    /// The primary rate limit left after the latest answer, as GitHub reported it.
    pub remaining: Option<u64>,
    /// When the primary limit resets (epoch seconds, GitHub's clock).
    pub reset: Option<i64>,
}

/// What to do after an answer (or a transport failure: `status` None).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    Accept,
    Retry(Duration),
}

/// GitHub's retry rule (platform.md §3): `retry-after` if present; else, with
/// `x-ratelimit-remaining: 0`, until `x-ratelimit-reset` (measured against the answer's
/// own `Date`, so a skewed local clock cannot shorten the wait); else for a secondary
/// limit at least a minute, doubling; 5xx and transport errors back off from a second,
/// doubling, with `jitter` in 0..1 spreading the waits. `attempt` counts from 0.
pub fn decide(status: Option<u16>, reply: &Reply, attempt: u32, jitter: f64) -> Decision {
    let exp = 2u64.saturating_pow(attempt.min(16));
    let backoff = |base_ms: u64| {
        let ms = base_ms.saturating_mul(exp) as f64 * (0.5 + jitter.clamp(0.0, 1.0));
        Duration::from_millis(ms as u64)
    };
    match status {
        None | Some(500 | 502 | 503 | 504) => Decision::Retry(backoff(1000)),
        Some(403 | 429) => {
            if let Some(secs) = reply.retry_after.as_deref().and_then(|s| s.trim().parse::<u64>().ok()) {
                return Decision::Retry(Duration::from_secs(secs));
            }
            if reply.remaining.as_deref().map(str::trim) == Some("0") {
                let reset = reply.reset.as_deref().and_then(|s| s.trim().parse::<i64>().ok());
                let server_now =
                    reply.date.as_deref().and_then(parse_http_date).unwrap_or_else(|| {
                        SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
                    });
                if let Some(reset) = reset {
                    return Decision::Retry(Duration::from_secs((reset - server_now).max(0) as u64 + 1));
                }
                return Decision::Retry(backoff(60_000));
            }
            let lower = reply.body.to_ascii_lowercase();
            if status == Some(429) || lower.contains("secondary rate limit") || lower.contains("abuse") {
                return Decision::Retry(backoff(60_000));
            }
            Decision::Accept
        }
        Some(_) => Decision::Accept,
    }
}

/// `Date: Sun, 06 Nov 1994 08:49:37 GMT` as epoch seconds.
pub fn parse_http_date(s: &str) -> Option<i64> {
    let t = jiff::fmt::rfc2822::parse(s.trim()).ok()?;
    Some(t.timestamp().as_second())
}

/// The `rel="next"` target of a `Link` header.
pub fn parse_link_next(header: &str) -> Option<String> {
    header.split(',').find_map(|part| {
        let (url, params) = part.split_once(';')?;
        let url = url.trim().strip_prefix('<')?.strip_suffix('>')?;
        params
            .split(';')
            .any(|p| {
                let p = p.trim();
                p == "rel=\"next\"" || p == "rel=next"
            })
            .then(|| url.to_string())
    })
}

/// `scheme://host[:port]` of a URL, lower-cased, for same-origin checks.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    Some(format!("{}://{}", scheme.to_ascii_lowercase(), authority.to_ascii_lowercase()))
}

fn host_of(url: &str) -> String {
    origin_of(url).unwrap_or_else(|| "an unparsable URL".to_string())
}

/// A request target, relative to the API base or absolute (pagination, raw files).
fn path_for_log(url: &str) -> String {
    let without_origin = match origin_of(url) {
        Some(o) => url.get(o.len()..).unwrap_or(url),
        None => url,
    };
    without_origin.split('?').next().unwrap_or(without_origin).to_string()
}

#[derive(Debug)]
pub struct Client {
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
    pub fn new(api_url: &str, token: Secret, max_wait: Duration) -> Client {
        Client::with_concurrency(api_url, token, max_wait, governor::MAX_IN_FLIGHT)
    }

    /// A client that keeps at most `in_flight` requests open at once across threads.
    pub fn with_concurrency(api_url: &str, token: Secret, max_wait: Duration, in_flight: usize) -> Client {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(USER_AGENT)
            .max_idle_connections_per_host(governor::MAX_IN_FLIGHT)
            .timeout_connect(Some(Duration::from_secs(10)))
            .timeout_recv_response(Some(Duration::from_secs(30)))
            .timeout_recv_body(Some(Duration::from_secs(60)))
            .timeout_global(Some(Duration::from_secs(120)))
            .build();
        Client {
            agent: ureq::Agent::new_with_config(config),
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

    pub fn base(&self) -> &str {
        &self.base
    }

    /// Requests sent so far (retries included), for the run report.
    pub fn request_count(&self) -> u64 {
        self.usage().requests
    }

    /// What the run has cost so far, and the budget left.
    pub fn usage(&self) -> Usage {
        let budget = self.governor.budget();
        let mut u = self.usage.lock().map_or_else(|_| Usage::default(), |u| *u);
        u.remaining = budget.remaining;
        u.reset = budget.reset;
        u
    }

    /// Asks GitHub for the primary budget (`GET /rate_limit` costs none of it) so the
    /// run can plan before spending. None where rate limits are off (Enterprise Server).
    pub fn probe_budget(&self) -> Option<governor::Budget> {
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
    pub fn affords(&self, cost: u64, active: u64, reserve: u64) -> bool {
        self.governor.affords(cost, active, reserve)
    }

    /// Enterprise Server reports `installed_version` in `/meta`; github.com does not.
    /// Asked once per run: the answer cannot change while the run lasts.
    pub fn is_enterprise_server(&self) -> bool {
        #[derive(serde::Deserialize)]
        struct Meta {
            installed_version: Option<String>,
        }
        *self.enterprise.get_or_init(|| self.get_json::<Meta>("/meta").is_ok_and(|m| m.installed_version.is_some()))
    }

    /// A GET with `If-None-Match: etag`. A 304 comes back as `body: None`: GitHub's
    /// answer is the one that ETag names, and it cost no primary quota.
    pub fn get_conditional(&self, path: &str, etag: Option<&str>) -> Result<Conditional, Error> {
        let reply = self.send("GET", &self.url(path), None, true, etag)?;
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

    fn same_origin(&self, url: &str) -> bool {
        origin_of(url).is_some_and(|o| o == self.origin)
    }

    pub fn get_json<T: DeserializeOwned>(&self, path: &str) -> Result<T, Error> {
        let reply = self.send("GET", &self.url(path), None, true, None)?;
        decode(path, &reply.body)
    }

    /// Every page of a list endpoint, following `Link: rel="next"` on the API host.
    pub fn get_pages<T: DeserializeOwned>(&self, path: &str, max_pages: usize) -> Result<Vec<T>, Error> {
        let mut out = Vec::new();
        self.walk_pages(path, max_pages, |body| {
            let mut items: Vec<T> = decode(path, body)?;
            out.append(&mut items);
            Ok(true)
        })?;
        Ok(out)
    }

    /// Walks a paginated endpoint page by page, handing each body to `page`, which
    /// returns whether to go on (`false` stops early: the rest cannot matter).
    pub fn walk_pages(
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
            let reply = self.send("GET", &url, None, true, None)?;
            if !page(&reply.body)? {
                break;
            }
            next = reply.link.as_deref().and_then(parse_link_next);
        }
        Ok(())
    }

    /// Decodes a page body, naming the request in the error.
    pub fn decode_page<T: DeserializeOwned>(path: &str, body: &str) -> Result<T, Error> {
        decode(path, body)
    }

    pub fn post_json<T: DeserializeOwned>(&self, path: &str, body: &serde_json::Value) -> Result<T, Error> {
        let text =
            serde_json::to_string(body).map_err(|e| Error::Decode { path: path.to_string(), detail: e.to_string() })?;
        let reply = self.send("POST", &self.url(path), Some(&text), true, None)?;
        decode(path, &reply.body)
    }

    pub fn patch_json<T: DeserializeOwned>(&self, path: &str, body: &serde_json::Value) -> Result<T, Error> {
        let text =
            serde_json::to_string(body).map_err(|e| Error::Decode { path: path.to_string(), detail: e.to_string() })?;
        let reply = self.send("PATCH", &self.url(path), Some(&text), true, None)?;
        decode(path, &reply.body)
    }

    /// A file by absolute URL (a gist's `raw_url`). The token goes along only when the
    /// URL is on the API host (GitHub Enterprise); gist.githubusercontent.com serves
    /// public and secret gists without it.
    pub fn get_raw(&self, url: &str) -> Result<String, Error> {
        let with_token = self.same_origin(url);
        if !with_token && !url.starts_with("https://") {
            return Err(Error::ForeignHost { url: url.to_string() });
        }
        Ok(self.send("GET", url, None, with_token, None)?.body)
    }

    /// One logical request: retries, redirects on the same host, bounded waits, every
    /// attempt through the governor. With `if_none_match`, a 304 is a success.
    fn send(
        &self,
        method: &str,
        url: &str,
        body: Option<&str>,
        auth: bool,
        if_none_match: Option<&str>,
    ) -> Result<Reply, Error> {
        if auth && !self.same_origin(url) {
            return Err(Error::ForeignHost { url: url.to_string() });
        }
        let path = path_for_log(url);
        let mut url = url.to_string();
        let mut redirects = 0;
        let mut attempt = 0;
        // Only API requests are governed: raw gist files come from a CDN with no budget.
        let governed = auth || self.same_origin(&url);
        loop {
            if governed {
                self.governor.acquire().map_err(|o| Error::RateLimited {
                    path: path.clone(),
                    wait: o.wait,
                    waited: o.waited,
                })?;
            }
            let result = self.send_once(method, &url, body, auth, if_none_match);
            let (status, reply) = match &result {
                Ok(r) => (Some(r.status), r.clone()),
                Err(_) => (None, Reply::default()),
            };
            let num = |v: &Option<String>| v.as_deref().and_then(|v| v.trim().parse::<i64>().ok());
            let core = reply.resource.as_deref().is_none_or(|r| r == "core");
            let remaining = num(&reply.remaining).filter(|_| core).and_then(|r| u64::try_from(r).ok());
            if governed {
                self.governor.release(
                    remaining,
                    num(&reply.limit).and_then(|l| u64::try_from(l).ok()),
                    num(&reply.reset).filter(|_| core),
                    reply.date.as_deref().and_then(parse_http_date),
                );
            }
            if let Ok(mut u) = self.usage.lock() {
                u.requests += 1;
                if status == Some(304) {
                    u.not_modified += 1;
                } else if reply.remaining.is_some() && core {
                    u.quota_used += 1;
                }
            }
            log::debug!(
                "{method} {path} -> {} (rate limit remaining {})",
                status.map_or("transport error".to_string(), |s| s.to_string()),
                reply.remaining.as_deref().unwrap_or("?")
            );
            if let Some(301 | 302 | 307 | 308) = status {
                let target = reply.location.clone().unwrap_or_default();
                let target = if target.starts_with('/') { format!("{}{target}", self.origin) } else { target };
                if method != "GET" || redirects == MAX_REDIRECTS || (auth && !self.same_origin(&target)) {
                    return Err(Error::ForeignHost { url: target });
                }
                redirects += 1;
                url = target;
                continue;
            }
            match decide(status, &reply, attempt, jitter()) {
                Decision::Accept => {
                    return match result {
                        Ok(r) if (200..300).contains(&r.status) => Ok(r),
                        Ok(r) if r.status == 304 && if_none_match.is_some() => Ok(r),
                        Ok(r) => Err(Error::Status { status: r.status, message: github_message(&r.body), path }),
                        Err(detail) => Err(Error::Transport { path, detail }),
                    };
                }
                Decision::Retry(wait) if matches!(status, Some(403 | 429)) => {
                    // A rate limit holds for the whole token: everyone waits, once.
                    if attempt + 1 >= MAX_ATTEMPTS {
                        return Err(Error::RateLimited { path, wait, waited: self.max_wait });
                    }
                    self.governor.pause(wait).map_err(|o| Error::RateLimited {
                        path: path.clone(),
                        wait: o.wait,
                        waited: o.waited,
                    })?;
                    log::warn!(
                        "{method} {path}: rate limited (HTTP {}); all requests wait {}s",
                        reply.status,
                        wait.as_secs()
                    );
                    attempt += 1;
                }
                Decision::Retry(wait) => {
                    let waited = self.waited.lock().map_or(Duration::ZERO, |w| *w);
                    if attempt + 1 >= MAX_ATTEMPTS || waited + wait > self.max_wait {
                        return match result {
                            Ok(r) => Err(Error::Status { status: r.status, message: github_message(&r.body), path }),
                            Err(detail) => Err(Error::Transport { path, detail }),
                        };
                    }
                    log::warn!(
                        "{method} {path}: {}; retrying in {:.1}s",
                        status.map_or("connection failed".to_string(), |s| format!("HTTP {s}")),
                        wait.as_secs_f64()
                    );
                    if let Ok(mut w) = self.waited.lock() {
                        *w += wait;
                    }
                    std::thread::sleep(wait);
                    attempt += 1;
                }
            }
        }
    }

    fn send_once(
        &self,
        method: &str,
        url: &str,
        body: Option<&str>,
        auth: bool,
        if_none_match: Option<&str>,
    ) -> Result<Reply, String> {
        let mut builder = ureq::http::Request::builder()
            .method(method)
            .uri(url)
            .header("Accept", "application/vnd.github+json")
            .header("X-GitHub-Api-Version", API_VERSION)
            .header("User-Agent", USER_AGENT);
        if let Some(tag) = if_none_match {
            builder = builder.header("If-None-Match", tag);
        }
        if auth {
            builder = builder.header("Authorization", format!("Bearer {}", self.token.expose()));
        }
        let result = match body {
            Some(b) => {
                let req = builder
                    .header("Content-Type", "application/json")
                    .body(b.to_string())
                    .map_err(|e| e.to_string())?;
                self.agent.run(req)
            }
            None => {
                let req = builder.body(()).map_err(|e| e.to_string())?;
                self.agent.run(req)
            }
        };
        let mut resp = result.map_err(|e| e.to_string())?;
        let header = |name: &str| resp.headers().get(name).and_then(|v| v.to_str().ok()).map(str::to_string);
        let mut reply = Reply {
            status: resp.status().as_u16(),
            body: String::new(),
            link: header("link"),
            retry_after: header("retry-after"),
            remaining: header("x-ratelimit-remaining"),
            reset: header("x-ratelimit-reset"),
            date: header("date"),
            location: header("location"),
            etag: header("etag"),
            limit: header("x-ratelimit-limit"),
            resource: header("x-ratelimit-resource"),
        };
        reply.body = resp.body_mut().with_config().limit(BODY_LIMIT).read_to_string().map_err(|e| e.to_string())?;
        Ok(reply)
    }
}

fn decode<T: DeserializeOwned>(path: &str, body: &str) -> Result<T, Error> {
    serde_json::from_str(body).map_err(|e| Error::Decode { path: path_for_log(path), detail: e.to_string() })
}

/// GitHub's error `message`, or the start of a non-JSON body, on one line.
fn github_message(body: &str) -> String {
    #[derive(serde::Deserialize)]
    struct Msg {
        message: String,
    }
    let msg = serde_json::from_str::<Msg>(body).map(|m| m.message).unwrap_or_else(|_| body.chars().take(120).collect());
    msg.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A fraction in 0..1 that differs between calls and threads; spreads retries so
/// parallel workers do not hammer GitHub in step.
fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    (h.finish() % 10_000) as f64 / 10_000.0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reply(retry_after: Option<&str>, remaining: Option<&str>, reset: Option<&str>, body: &str) -> Reply {
        Reply {
            retry_after: retry_after.map(String::from),
            remaining: remaining.map(String::from),
            reset: reset.map(String::from),
            date: Some("Sun, 01 Nov 2026 12:00:00 GMT".to_string()),
            body: body.to_string(),
            ..Reply::default()
        }
    }

    #[test]
    fn retry_decisions_follow_githubs_rule() {
        let now = parse_http_date("Sun, 01 Nov 2026 12:00:00 GMT").expect("date");
        let reset = (now + 30).to_string();
        let secondary = "You have exceeded a secondary rate limit. Please wait.";
        let cases: Vec<(Option<u16>, Reply, u32, Decision)> = vec![
            (Some(200), reply(None, None, None, ""), 0, Decision::Accept),
            (Some(404), reply(None, None, None, ""), 0, Decision::Accept),
            (Some(403), reply(None, Some("4999"), None, "Must have push access to repository"), 0, Decision::Accept),
            (Some(403), reply(Some("7"), None, None, secondary), 0, Decision::Retry(Duration::from_secs(7))),
            (Some(429), reply(Some("3"), Some("0"), Some(&reset), ""), 0, Decision::Retry(Duration::from_secs(3))),
            (
                Some(403),
                reply(None, Some("0"), Some(&reset), "API rate limit exceeded"),
                0,
                Decision::Retry(Duration::from_secs(31)),
            ),
            (
                Some(403),
                reply(None, Some("0"), Some("0"), "API rate limit exceeded"),
                0,
                Decision::Retry(Duration::from_secs(1)),
            ),
            (Some(403), reply(None, Some("12"), None, secondary), 0, Decision::Retry(Duration::from_secs(60))),
            (Some(403), reply(None, None, None, secondary), 2, Decision::Retry(Duration::from_secs(240))),
            (Some(429), reply(None, None, None, ""), 0, Decision::Retry(Duration::from_secs(60))),
            (Some(502), reply(None, None, None, ""), 0, Decision::Retry(Duration::from_millis(1000))),
            (Some(503), reply(None, None, None, ""), 3, Decision::Retry(Duration::from_millis(8000))),
            (None, reply(None, None, None, ""), 1, Decision::Retry(Duration::from_millis(2000))),
        ];
        for (status, r, attempt, want) in cases {
            assert_eq!(decide(status, &r, attempt, 0.5), want, "{status:?} {r:?} attempt {attempt}");
        }
        // Jitter spreads backoff between half and one and a half of the base.
        assert_eq!(decide(Some(500), &Reply::default(), 0, 0.0), Decision::Retry(Duration::from_millis(500)));
        assert_eq!(decide(Some(500), &Reply::default(), 0, 1.0), Decision::Retry(Duration::from_millis(1500)));
    }

    #[test]
    fn link_next_is_found_in_githubs_format() {
        let cases = [
            (
                r#"<https://api.github.com/repositories/1/releases?page=2>; rel="next", <https://api.github.com/repositories/1/releases?page=5>; rel="last""#,
                Some("https://api.github.com/repositories/1/releases?page=2"),
            ),
            (r#"<https://x/a?page=1>; rel="prev", <https://x/a?page=3>; rel="next""#, Some("https://x/a?page=3")),
            (r#"<https://x/a?page=1>; rel="first", <https://x/a?page=1>; rel="prev""#, None),
            ("", None),
            ("garbage", None),
        ];
        for (h, want) in cases {
            assert_eq!(parse_link_next(h).as_deref(), want, "{h}");
        }
    }

    #[test]
    fn origins_compare_scheme_host_and_port() {
        assert_eq!(origin_of("https://API.github.com/repos/a/b").as_deref(), Some("https://api.github.com"));
        assert_eq!(origin_of("http://127.0.0.1:8080").as_deref(), Some("http://127.0.0.1:8080"));
        assert_eq!(origin_of("https://user@evil.example/x"), None);
        assert_ne!(origin_of("https://api.github.com.evil.example/"), origin_of("https://api.github.com/"));
    }

    #[test]
    fn messages_are_one_line() {
        assert_eq!(github_message(r#"{"message":"Not\nFound"}"#), "Not Found");
        assert_eq!(github_message("<html>\n502</html>"), "<html> 502</html>");
    }

    #[test]
    fn client_refuses_foreign_hosts_before_sending() {
        let c = Client::new("http://127.0.0.1:9", Secret::new("t"), Duration::ZERO);
        let e = c.get_json::<serde_json::Value>("https://elsewhere.example/x").expect_err("refused");
        assert!(matches!(e, Error::ForeignHost { .. }));
        assert!(!e.to_string().contains("/x"), "only the host is named");
        assert_eq!(c.request_count(), 0);
        let e = c.get_raw("http://elsewhere.example/raw").expect_err("plain http raw refused");
        assert!(matches!(e, Error::ForeignHost { .. }));
    }
}
