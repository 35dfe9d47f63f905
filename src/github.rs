//! A small synchronous GitHub REST client on ureq: the headers GitHub asks for, Link
//! pagination, GitHub's retry rules with a bounded total wait, and a token that only
//! ever travels to the configured API host.

use std::fmt;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use serde::de::DeserializeOwned;

use crate::config::Secret;

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
    waited: Mutex<Duration>,
    requests: Mutex<u64>,
    /// The primary rate limit left after the latest answer, as GitHub reported it.
    remaining: Mutex<Option<u64>>,
}

impl Client {
    pub fn new(api_url: &str, token: Secret, max_wait: Duration) -> Client {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .user_agent(USER_AGENT)
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
            requests: Mutex::new(0),
            remaining: Mutex::new(None),
        }
    }

    pub fn base(&self) -> &str {
        &self.base
    }

    /// Requests sent so far (retries included), for the run report.
    pub fn request_count(&self) -> u64 {
        self.requests.lock().map_or(0, |n| *n)
    }

    /// The primary rate limit left, as of the latest answer that said.
    pub fn rate_remaining(&self) -> Option<u64> {
        self.remaining.lock().ok().and_then(|r| *r)
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
        let reply = self.request("GET", &self.url(path), None, true)?;
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
            let reply = self.request("GET", &url, None, true)?;
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
        let reply = self.request("POST", &self.url(path), Some(&text), true)?;
        decode(path, &reply.body)
    }

    pub fn patch_json<T: DeserializeOwned>(&self, path: &str, body: &serde_json::Value) -> Result<T, Error> {
        let text =
            serde_json::to_string(body).map_err(|e| Error::Decode { path: path.to_string(), detail: e.to_string() })?;
        let reply = self.request("PATCH", &self.url(path), Some(&text), true)?;
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
        Ok(self.request("GET", url, None, with_token)?.body)
    }

    /// One logical request: retries, redirects on the same host, bounded waits.
    fn request(&self, method: &str, url: &str, body: Option<&str>, auth: bool) -> Result<Reply, Error> {
        if auth && !self.same_origin(url) {
            return Err(Error::ForeignHost { url: url.to_string() });
        }
        let path = path_for_log(url);
        let mut url = url.to_string();
        let mut redirects = 0;
        let mut attempt = 0;
        loop {
            if let Ok(mut n) = self.requests.lock() {
                *n += 1;
            }
            let result = self.send_once(method, &url, body, auth);
            let (status, reply) = match &result {
                Ok(r) => (Some(r.status), r.clone()),
                Err(_) => (None, Reply::default()),
            };
            if let (Some(left), Ok(mut slot)) =
                (reply.remaining.as_deref().and_then(|v| v.trim().parse::<u64>().ok()), self.remaining.lock())
            {
                *slot = Some(left);
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
                        Ok(r) => Err(Error::Status { status: r.status, message: github_message(&r.body), path }),
                        Err(detail) => Err(Error::Transport { path, detail }),
                    };
                }
                Decision::Retry(wait) => {
                    let waited = self.waited.lock().map_or(Duration::ZERO, |w| *w);
                    if attempt + 1 >= MAX_ATTEMPTS || waited + wait > self.max_wait {
                        return match result {
                            Ok(r) if matches!(r.status, 403 | 429) => Err(Error::RateLimited { path, wait, waited }),
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

    fn send_once(&self, method: &str, url: &str, body: Option<&str>, auth: bool) -> Result<Reply, String> {
        let mut builder = ureq::http::Request::builder()
            .method(method)
            .uri(url)
            .header("Accept", "application/vnd.github+json")
            .header("X-GitHub-Api-Version", API_VERSION)
            .header("User-Agent", USER_AGENT);
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
