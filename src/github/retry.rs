//! GitHub's retry rules, and the waits they cost, bounded by input `max-wait`.
//!
//! GitHub says what to do after a rate-limit answer (403 or 429)
//! (<https://docs.github.com/en/rest/using-the-rest-api/best-practices-for-using-the-rest-api>,
//! <https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api>):
//!
//! - with a `retry-after` header, wait that many seconds;
//! - else with `x-ratelimit-remaining: 0` (the primary limit is spent), wait until
//!   `x-ratelimit-reset`, in UTC epoch seconds;
//! - else (a secondary limit) wait at least a minute, and longer each time it repeats,
//!   giving up after a few tries; continuing to send while limited may get an
//!   integration banned.
//!
//! gtt measures `x-ratelimit-reset` against the answer's own `Date` header, so a skewed
//! local clock cannot shorten the wait. A rate limit holds for the whole token, so its
//! wait is a pause for every thread (`governor.rs`); server errors (5xx) and
//! dropped connections are this request's alone and back off from a second, doubling.
//! A host that does not resolve or refuses connections is tried
//! [`UNREACHABLE_ATTEMPTS`] times (waits of about 1 s and 2 s), so a wrong `api-url` or
//! a dead network ends the run within seconds rather than minutes.
//! Either way the run never waits longer in total than `max-wait` allows: it stops and
//! says so instead.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::date::parse_http_date;
use super::send::{Outcome, Reply};
use super::{Client, Error};

/// Attempts per request, the first included.
pub(super) const MAX_ATTEMPTS: u32 = 6;

/// Attempts at a host that does not resolve or refuses connections, the first
/// included: the waits between them (at most 1.5 s and 3 s with jitter) stay far below
/// ten seconds.
pub(crate) const UNREACHABLE_ATTEMPTS: u32 = 3;

/// How one attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    /// An answer with this HTTP status.
    Answered(u16),
    /// No connection: the host does not resolve or refuses connections.
    Unreachable,
    /// A connection that failed later: TLS, a timeout, a dropped answer.
    Dropped,
}

/// What to do after an attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    Accept,
    Retry(Duration),
    /// Stop retrying now (an unreachable host after [`UNREACHABLE_ATTEMPTS`]).
    GiveUp,
}

/// GitHub's retry rule (see the module documentation): `retry-after` if present; else,
/// with `x-ratelimit-remaining: 0`, until `x-ratelimit-reset` (measured against the
/// answer's own `Date`); else for a secondary limit at least a minute, doubling; 5xx and
/// transport errors back off from a second, doubling, with `jitter` in 0..1 spreading
/// the waits; an unreachable host is given up after [`UNREACHABLE_ATTEMPTS`]. `attempt`
/// counts from 0.
pub(crate) fn decide(status: Status, reply: &Reply, attempt: u32, jitter: f64) -> Decision {
    let exp = 2u64.saturating_pow(attempt.min(16));
    let backoff = |base_ms: u64| {
        let ms = base_ms.saturating_mul(exp) as f64 * (0.5 + jitter.clamp(0.0, 1.0));
        Duration::from_millis(ms as u64)
    };
    let status = match status {
        Status::Unreachable if attempt + 1 >= UNREACHABLE_ATTEMPTS => return Decision::GiveUp,
        Status::Unreachable | Status::Dropped => return Decision::Retry(backoff(1000)),
        Status::Answered(s) => s,
    };
    match status {
        500 | 502 | 503 | 504 => Decision::Retry(backoff(1000)),
        403 | 429 => {
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
            if status == 429 || lower.contains("secondary rate limit") || lower.contains("abuse") {
                return Decision::Retry(backoff(60_000));
            }
            Decision::Accept
        }
        _ => Decision::Accept,
    }
}

/// A fraction in 0..1 that differs between calls and threads; spreads retries so
/// parallel workers do not hammer GitHub in step.
pub(super) fn jitter() -> f64 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos()));
    (h.finish() % 10_000) as f64 / 10_000.0
}

impl Client {
    /// Waits `wait` before attempt `attempt + 1` of `method path`, or gives up with the
    /// error the run reports: after [`MAX_ATTEMPTS`], or when the wait would take the
    /// run past `max-wait`. A rate limit holds for the whole token, so everyone pauses,
    /// once; other failures sleep this thread alone.
    pub(super) fn back_off(
        &self,
        method: &str,
        path: &str,
        outcome: Outcome,
        attempt: u32,
        wait: Duration,
    ) -> Result<(), Error> {
        let last = attempt + 1 >= MAX_ATTEMPTS;
        if let Ok(reply) = &outcome
            && matches!(reply.status, 403 | 429)
        {
            if last {
                return Err(Error::RateLimited { path: path.to_string(), wait, waited: self.max_wait });
            }
            self.governor.pause(wait).map_err(|o| Error::RateLimited {
                path: path.to_string(),
                wait: o.wait,
                waited: o.waited,
            })?;
            log::warn!(
                "{method} {path}: rate limited (HTTP {}); all requests wait {}s for GitHub's limit to reset",
                reply.status,
                wait.as_secs()
            );
            return Ok(());
        }
        let waited = self.waited.lock().map_or(Duration::ZERO, |w| *w);
        if last || waited + wait > self.max_wait {
            return Err(Error::failed(path, outcome));
        }
        log::warn!(
            "{method} {path}: {}; retrying in {:.1}s (attempt {} of at most {MAX_ATTEMPTS})",
            outcome.as_ref().map_or_else(|e| format!("no answer ({e})"), |r| format!("HTTP {}", r.status)),
            wait.as_secs_f64(),
            attempt + 2
        );
        if let Ok(mut w) = self.waited.lock() {
            *w += wait;
        }
        std::thread::sleep(wait);
        Ok(())
    }
}

impl Client {
    /// The error for a host that could not be connected to after `attempts` tries.
    pub(super) fn unreachable(&self, outcome: Outcome, attempts: u32) -> Error {
        match outcome {
            Err(source) => Error::Unreachable { origin: self.origin.clone(), attempts, source },
            Ok(reply) => Error::failed("", Ok(reply)),
        }
    }
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
        let cases: Vec<(Status, Reply, u32, Decision)> = vec![
            (Status::Answered(200), reply(None, None, None, ""), 0, Decision::Accept),
            (Status::Answered(404), reply(None, None, None, ""), 0, Decision::Accept),
            (
                Status::Answered(403),
                reply(None, Some("4999"), None, "Must have push access to repository"),
                0,
                Decision::Accept,
            ),
            (
                Status::Answered(403),
                reply(Some("7"), None, None, secondary),
                0,
                Decision::Retry(Duration::from_secs(7)),
            ),
            (
                Status::Answered(429),
                reply(Some("3"), Some("0"), Some(&reset), ""),
                0,
                Decision::Retry(Duration::from_secs(3)),
            ),
            (
                Status::Answered(403),
                reply(None, Some("0"), Some(&reset), "API rate limit exceeded"),
                0,
                Decision::Retry(Duration::from_secs(31)),
            ),
            (
                Status::Answered(403),
                reply(None, Some("0"), Some("0"), "API rate limit exceeded"),
                0,
                Decision::Retry(Duration::from_secs(1)),
            ),
            (
                Status::Answered(403),
                reply(None, Some("12"), None, secondary),
                0,
                Decision::Retry(Duration::from_secs(60)),
            ),
            (Status::Answered(403), reply(None, None, None, secondary), 2, Decision::Retry(Duration::from_secs(240))),
            (Status::Answered(429), reply(None, None, None, ""), 0, Decision::Retry(Duration::from_secs(60))),
            (Status::Answered(502), reply(None, None, None, ""), 0, Decision::Retry(Duration::from_millis(1000))),
            (Status::Answered(503), reply(None, None, None, ""), 3, Decision::Retry(Duration::from_millis(8000))),
            (Status::Dropped, reply(None, None, None, ""), 1, Decision::Retry(Duration::from_millis(2000))),
            (Status::Dropped, reply(None, None, None, ""), 4, Decision::Retry(Duration::from_millis(16000))),
            (Status::Unreachable, reply(None, None, None, ""), 1, Decision::Retry(Duration::from_millis(2000))),
            (Status::Unreachable, reply(None, None, None, ""), 2, Decision::GiveUp),
        ];
        for (status, r, attempt, want) in cases {
            assert_eq!(decide(status, &r, attempt, 0.5), want, "{status:?} {r:?} attempt {attempt}");
        }
        // Jitter spreads backoff between half and one and a half of the base.
        assert_eq!(
            decide(Status::Answered(500), &Reply::default(), 0, 0.0),
            Decision::Retry(Duration::from_millis(500))
        );
        assert_eq!(
            decide(Status::Answered(500), &Reply::default(), 0, 1.0),
            Decision::Retry(Duration::from_millis(1500))
        );
    }

    #[test]
    fn an_unreachable_host_is_given_up_within_ten_seconds() {
        // The worst jitter, every attempt: the waits before giving up stay under 10 s.
        let mut total = Duration::ZERO;
        let mut attempts = 0;
        for attempt in 0..MAX_ATTEMPTS {
            attempts += 1;
            match decide(Status::Unreachable, &Reply::default(), attempt, 1.0) {
                Decision::Retry(wait) => total += wait,
                Decision::GiveUp => break,
                Decision::Accept => panic!("an unreachable host is never an answer"),
            }
        }
        assert_eq!(attempts, UNREACHABLE_ATTEMPTS);
        assert!(total <= Duration::from_secs(10), "{total:?}");
    }
}
