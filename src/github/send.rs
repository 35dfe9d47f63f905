//! One logical request: the headers GitHub asks for, the token only ever sent to the
//! API origin, redirects followed only where the token may go, and every attempt
//! through the governor and into the run's usage.
//!
//! GitHub asks for `Accept: application/vnd.github+json`, an `X-GitHub-Api-Version`
//! and a `User-Agent` naming the client, and for redirects to be followed: 301 is
//! permanent, 302 and 307 temporary
//! (<https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api>).
//! gtt follows them for GET only, at most [`MAX_REDIRECTS`] times, and never carries
//! the token off the API origin: a redirect elsewhere is refused, not followed bare,
//! because the answer would not be the one asked for.

use std::time::Duration;

use super::date::parse_http_date;
use super::retry::{Decision, Status, decide, jitter};
use super::{Client, Error};

pub(crate) const USER_AGENT: &str = concat!("gtt/", env!("CARGO_PKG_VERSION"));
/// The REST API version gtt is written against; GitHub answers it until it retires it.
const API_VERSION: &str = "2022-11-28";
const MAX_REDIRECTS: u32 = 3;
/// No GitHub answer gtt reads comes near this; a larger one is a mistake, not data.
const BODY_LIMIT: u64 = 16 * 1024 * 1024;

/// What one HTTP exchange gave back, reduced to what gtt reads.
#[derive(Debug, Clone, Default)]
pub(crate) struct Reply {
    pub(crate) status: u16,
    pub(crate) body: String,
    pub(crate) link: Option<String>,
    pub(crate) retry_after: Option<String>,
    pub(crate) remaining: Option<String>,
    pub(crate) reset: Option<String>,
    pub(crate) date: Option<String>,
    pub(crate) location: Option<String>,
    pub(crate) etag: Option<String>,
    pub(crate) limit: Option<String>,
    pub(crate) resource: Option<String>,
}

impl Reply {
    /// Whether the rate-limit headers speak of the primary (`core`) budget: search and
    /// GraphQL answers carry their own, which must not be mistaken for it.
    fn core(&self) -> bool {
        self.resource.as_deref().is_none_or(|r| r == "core")
    }
}

/// Why one exchange gave no answer at all.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SendError {
    /// The request could not be built (a URL the HTTP library cannot use).
    #[error(transparent)]
    Request(#[from] ureq::http::Error),
    /// Connecting, sending or reading the answer failed (I/O, TLS, timeouts, a body
    /// over the size limit).
    #[error(transparent)]
    Transport(#[from] ureq::Error),
}

impl SendError {
    /// Whether no connection could be made at all: the host does not resolve or
    /// refuses connections. Retrying that long only delays the run's end.
    pub(crate) fn is_unreachable(&self) -> bool {
        match self {
            SendError::Request(_) => false,
            SendError::Transport(ureq::Error::HostNotFound | ureq::Error::ConnectionFailed) => true,
            SendError::Transport(ureq::Error::Io(e)) => matches!(
                e.kind(),
                std::io::ErrorKind::ConnectionRefused
                    | std::io::ErrorKind::AddrNotAvailable
                    | std::io::ErrorKind::HostUnreachable
                    | std::io::ErrorKind::NetworkUnreachable
            ),
            SendError::Transport(_) => false,
        }
    }
}

/// One attempt's result: GitHub's answer, whatever its status, or none.
pub(super) type Outcome = Result<Reply, SendError>;

/// What gtt sends: the method, where, and what goes along.
#[derive(Debug, Clone, Copy)]
pub(super) struct Request<'a> {
    pub(crate) method: &'a str,
    pub(crate) url: &'a str,
    /// A JSON body (POST, PATCH).
    pub(crate) body: Option<&'a str>,
    /// Whether the token goes along; only ever to the API origin.
    pub(crate) auth: bool,
    /// An ETag: GitHub then answers 304 Not Modified, free of primary quota, when the
    /// answer is still the one it names.
    pub(crate) if_none_match: Option<&'a str>,
    /// A media type other than `application/vnd.github+json` (the stargazers listing
    /// gives `starred_at` only to `application/vnd.github.star+json`).
    pub(crate) accept: Option<&'a str>,
}

impl<'a> Request<'a> {
    pub(crate) fn get(url: &'a str) -> Request<'a> {
        Request { method: "GET", url, body: None, auth: true, if_none_match: None, accept: None }
    }
}

/// `scheme://host[:port]` of a URL, lower-cased, for same-origin checks.
pub(crate) fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    if authority.is_empty() || authority.contains('@') {
        return None;
    }
    Some(format!("{}://{}", scheme.to_ascii_lowercase(), authority.to_ascii_lowercase()))
}

/// The origin a refusal names: never the path or query, which may carry secrets.
pub(super) fn host_of(url: &str) -> String {
    origin_of(url).unwrap_or_else(|| "an unparsable URL".to_string())
}

/// A request target for logs and errors: the path, without origin or query.
pub(super) fn path_for_log(url: &str) -> String {
    let without_origin = match origin_of(url) {
        Some(o) => url.get(o.len()..).unwrap_or(url),
        None => url,
    };
    without_origin.split('?').next().unwrap_or(without_origin).to_string()
}

/// GitHub's error `message`, or the start of a non-JSON body, on one line.
pub(super) fn github_message(body: &str) -> String {
    #[derive(serde::Deserialize)]
    struct Msg {
        message: String,
    }
    let msg = serde_json::from_str::<Msg>(body).map(|m| m.message).unwrap_or_else(|_| body.chars().take(120).collect());
    msg.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The agent every request goes through: statuses are answers, not errors; redirects
/// are gtt's to decide; bounded timeouts so a stalled connection cannot hang a run.
pub(super) fn agent(idle_per_host: usize) -> ureq::Agent {
    let config = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .user_agent(USER_AGENT)
        .max_idle_connections_per_host(idle_per_host)
        .timeout_connect(Some(Duration::from_secs(10)))
        .timeout_recv_response(Some(Duration::from_secs(30)))
        .timeout_recv_body(Some(Duration::from_secs(60)))
        .timeout_global(Some(Duration::from_secs(120)))
        .build();
    let connector = ureq::unversioned::transport::DefaultConnector::new();
    ureq::Agent::with_parts(config, connector, Remembered::default())
}

/// How long a host's addresses are reused before the system resolver is asked again:
/// long enough for a run's thousands of requests, short enough to follow a DNS change.
const REMEMBER_ADDRESSES: Duration = Duration::from_secs(60);

/// The system resolver, asked once a minute per host instead of once per request.
/// ureq resolves the host before it looks for a pooled connection, and with a timeout
/// set it resolves on a new thread every time: a 500-repository run started 3,507
/// threads and asked the system resolver 3,507 times for the same name.
#[derive(Debug, Default)]
struct Remembered {
    system: ureq::unversioned::resolver::DefaultResolver,
    seen: std::sync::Mutex<Vec<(String, std::time::Instant, Addresses)>>,
}

type Addresses = ureq::unversioned::resolver::ResolvedSocketAddrs;

impl ureq::unversioned::resolver::Resolver for Remembered {
    fn resolve(
        &self,
        uri: &ureq::http::Uri,
        config: &ureq::config::Config,
        timeout: ureq::unversioned::transport::NextTimeout,
    ) -> Result<Addresses, ureq::Error> {
        let key = format!("{}://{}", uri.scheme_str().unwrap_or(""), uri.authority().map_or("", |a| a.as_str()));
        self.lookup(key, std::time::Instant::now(), || self.system.resolve(uri, config, timeout))
    }
}

impl Remembered {
    /// The addresses of `key` (scheme and authority) seen less than a minute before
    /// `now`, else `ask`'s, remembered when it succeeds.
    fn lookup<E>(
        &self,
        key: String,
        now: std::time::Instant,
        ask: impl FnOnce() -> Result<Addresses, E>,
    ) -> Result<Addresses, E> {
        let fresh = |at: &std::time::Instant| now.saturating_duration_since(*at) < REMEMBER_ADDRESSES;
        if let Ok(seen) = self.seen.lock()
            && let Some((_, _, addrs)) = seen.iter().find(|(k, at, _)| *k == key && fresh(at))
        {
            return Ok(addrs.clone());
        }
        let addrs = ask()?;
        if let Ok(mut seen) = self.seen.lock() {
            seen.retain(|(k, at, _)| *k != key && fresh(at));
            seen.push((key, now, addrs.clone()));
        }
        Ok(addrs)
    }
}

fn num(v: &Option<String>) -> Option<i64> {
    v.as_deref().and_then(|v| v.trim().parse::<i64>().ok())
}

impl Client {
    pub(super) fn same_origin(&self, url: &str) -> bool {
        origin_of(url).is_some_and(|o| o == self.origin)
    }

    /// One logical request: retries (`retry.rs`), redirects on the same host,
    /// bounded waits, every attempt through the governor. With `if_none_match`, a 304
    /// is a success.
    pub(super) fn send(&self, req: Request<'_>) -> Result<Reply, Error> {
        if req.auth && !self.same_origin(req.url) {
            return Err(Error::ForeignHost { url: req.url.to_string() });
        }
        let path = path_for_log(req.url);
        // Only API requests are governed: raw gist files come from a CDN with no budget.
        let governed = req.auth || self.same_origin(req.url);
        let mut url = req.url.to_string();
        let (mut redirects, mut attempt) = (0, 0);
        loop {
            let this = Request { url: &url, ..req };
            let outcome = self.exchange(&this, &path, governed)?;
            if let Ok(reply) = &outcome
                && matches!(reply.status, 301 | 302 | 307 | 308)
            {
                url = self.redirect(&this, reply, redirects)?;
                redirects += 1;
                continue;
            }
            let status = match &outcome {
                Ok(r) => Status::Answered(r.status),
                Err(e) if e.is_unreachable() => Status::Unreachable,
                Err(_) => Status::Dropped,
            };
            let empty = Reply::default();
            match decide(status, outcome.as_ref().unwrap_or(&empty), attempt, jitter()) {
                Decision::Accept => {
                    return match outcome {
                        Ok(r) if (200..300).contains(&r.status) => Ok(r),
                        Ok(r) if r.status == 304 && req.if_none_match.is_some() => Ok(r),
                        other => Err(Error::failed(&path, other)),
                    };
                }
                Decision::Retry(wait) => self.back_off(req.method, &path, outcome, attempt, wait)?,
                Decision::GiveUp => return Err(self.unreachable(outcome, attempt + 1)),
            }
            attempt += 1;
        }
    }

    /// Where a 301, 302, 307 or 308 leads, if gtt may follow: GET only, at most
    /// [`MAX_REDIRECTS`] in a row, and with the token only to the API origin.
    fn redirect(&self, req: &Request<'_>, reply: &Reply, redirects: u32) -> Result<String, Error> {
        let target = reply.location.clone().unwrap_or_default();
        let target = if target.starts_with('/') { format!("{}{target}", self.origin) } else { target };
        if req.method != "GET" || redirects == MAX_REDIRECTS || (req.auth && !self.same_origin(&target)) {
            return Err(Error::ForeignHost { url: target });
        }
        Ok(target)
    }

    /// One attempt: through the governor when `governed`, over the wire, then
    /// accounted: the budget the answer reports goes to the governor, the request to
    /// the run's usage.
    fn exchange(&self, req: &Request<'_>, path: &str, governed: bool) -> Result<Outcome, Error> {
        if governed {
            self.governor.acquire().map_err(|o| Error::RateLimited {
                path: path.to_string(),
                wait: o.wait,
                waited: o.waited,
            })?;
        }
        let outcome = self.send_once(req);
        let empty = Reply::default();
        let reply = outcome.as_ref().unwrap_or(&empty);
        let status = outcome.as_ref().ok().map(|r| r.status);
        let core = reply.core();
        if governed {
            self.governor.release(
                num(&reply.remaining).filter(|_| core).and_then(|r| u64::try_from(r).ok()),
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
            "{} {path} -> {} (rate limit remaining {})",
            req.method,
            status.map_or("transport error".to_string(), |s| s.to_string()),
            reply.remaining.as_deref().unwrap_or("?")
        );
        Ok(outcome)
    }

    /// Sends `req` once with GitHub's headers (and the token when `req.auth`) and reads
    /// the answer, whatever its status.
    fn send_once(&self, req: &Request<'_>) -> Outcome {
        let mut builder = ureq::http::Request::builder()
            .method(req.method)
            .uri(req.url)
            .header("Accept", req.accept.unwrap_or("application/vnd.github+json"))
            .header("X-GitHub-Api-Version", API_VERSION)
            .header("User-Agent", USER_AGENT);
        if let Some(tag) = req.if_none_match {
            builder = builder.header("If-None-Match", tag);
        }
        if req.auth {
            builder = builder.header("Authorization", format!("Bearer {}", self.token.expose()));
        }
        let mut resp = match req.body {
            Some(b) => self.agent.run(builder.header("Content-Type", "application/json").body(b.to_string())?)?,
            None => self.agent.run(builder.body(())?)?,
        };
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
        reply.body = resp.body_mut().with_config().limit(BODY_LIMIT).read_to_string()?;
        Ok(reply)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_host_is_resolved_once_a_minute_not_once_a_request() {
        let r = Remembered::default();
        let start = std::time::Instant::now();
        use ureq::unversioned::resolver::Resolver as _;
        let one: Addresses = r.system.empty();
        let asked = std::cell::Cell::new(0);
        let ask = || -> Result<Addresses, ()> {
            asked.set(asked.get() + 1);
            Ok(one.clone())
        };
        let at = |s: u64| start + Duration::from_secs(s);
        // (key, seconds after the start, times the system resolver has been asked after it)
        let table = [
            ("https://a:443", 0, 1),
            ("https://a:443", 59, 1),
            ("https://b:443", 59, 2),
            ("https://a:443", 60, 3),
            ("https://a:443", 61, 3),
        ];
        for (key, secs, want) in table {
            assert!(r.lookup(key.to_string(), at(secs), ask).is_ok());
            assert_eq!(asked.get(), want, "{key} at {secs}s");
        }
        // A failed lookup is not remembered.
        assert!(r.lookup("https://c:443".to_string(), at(0), || Err::<Addresses, ()>(())).is_err());
        assert!(r.lookup("https://c:443".to_string(), at(0), ask).is_ok());
        assert_eq!(asked.get(), 4);
    }

    #[test]
    fn origins_compare_scheme_host_and_port() {
        assert_eq!(origin_of("https://API.github.com/repos/a/b").as_deref(), Some("https://api.github.com"));
        assert_eq!(origin_of("http://127.0.0.1:8080").as_deref(), Some("http://127.0.0.1:8080"));
        assert_eq!(origin_of("https://user@evil.example/x"), None);
        assert_ne!(origin_of("https://api.github.com.evil.example/"), origin_of("https://api.github.com/"));
    }

    #[test]
    fn logged_paths_drop_origin_and_query_table() {
        let cases = [
            ("https://api.github.com/repos/o/r/releases?page=2", "/repos/o/r/releases"),
            ("/repos/o/r/traffic/views?per=day", "/repos/o/r/traffic/views"),
            ("http://127.0.0.1:8080", ""),
        ];
        for (url, want) in cases {
            assert_eq!(path_for_log(url), want, "{url}");
        }
        assert_eq!(host_of("https://gist.example/raw?token=x"), "https://gist.example");
        assert_eq!(host_of("nonsense"), "an unparsable URL");
    }

    #[test]
    fn messages_are_one_line() {
        assert_eq!(github_message(r#"{"message":"Not\nFound"}"#), "Not Found");
        assert_eq!(github_message("<html>\n502</html>"), "<html> 502</html>");
    }
}
