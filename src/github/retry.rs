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
//! Either way the run never waits longer in total than `max-wait` allows: it stops and
//! says so instead.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use super::date::parse_http_date;
use super::send::{Outcome, Reply};
use super::{Client, Error};

/// Attempts per request, the first included.
pub(super) const MAX_ATTEMPTS: u32 = 6;

/// What to do after an answer (or a transport failure: `status` None).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Decision {
    Accept,
    Retry(Duration),
}

/// GitHub's retry rule (see the module documentation): `retry-after` if present; else,
/// with `x-ratelimit-remaining: 0`, until `x-ratelimit-reset` (measured against the
/// answer's own `Date`); else for a secondary limit at least a minute, doubling; 5xx and
/// transport errors back off from a second, doubling, with `jitter` in 0..1 spreading
/// the waits. `attempt` counts from 0.
pub(crate) fn decide(status: Option<u16>, reply: &Reply, attempt: u32, jitter: f64) -> Decision {
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
            log::warn!("{method} {path}: rate limited (HTTP {}); all requests wait {}s", reply.status, wait.as_secs());
            return Ok(());
        }
        let waited = self.waited.lock().map_or(Duration::ZERO, |w| *w);
        if last || waited + wait > self.max_wait {
            return Err(Error::failed(path, outcome));
        }
        log::warn!(
            "{method} {path}: {}; retrying in {:.1}s",
            outcome.as_ref().map_or("connection failed".to_string(), |r| format!("HTTP {}", r.status)),
            wait.as_secs_f64()
        );
        if let Ok(mut w) = self.waited.lock() {
            *w += wait;
        }
        std::thread::sleep(wait);
        Ok(())
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
}
