//! What tests do to the fake: the public `FakeGitHub` methods, by area. Here: limits,
//! the clock, tokens, Enterprise Server mode, faults, and what the fake saw.

mod actions;
mod gists;
mod git;
mod repos;
mod stars;

use jiff::{SignedDuration, Timestamp};

use super::state::*;
use super::*;

impl FakeGitHub {
    /// Wall-clock latency and secondary limits for every request from now on.
    pub fn set_limits(&self, limits: Limits) {
        *lock(&self.shared.limits) = limits;
        *lock(&self.shared.limit_state) = LimitState::default();
    }

    /// From now on, requests whose path and query contain `path_contains` are answered
    /// only once `count` of them wait at once (or after `patience`, a safety net that
    /// lets a caller asking one at a time finish): see [`FakeGitHub::held_together`].
    pub fn hold_until_together(&self, path_contains: &str, count: usize, patience: std::time::Duration) {
        let pattern = path_contains.to_owned();
        self.hold_until_together_where(move |target| target.contains(&pattern), count, patience);
    }

    /// [`FakeGitHub::hold_until_together`] for the requests whose path and query
    /// `matches` says, so requests to different endpoints can be held together.
    pub fn hold_until_together_where(
        &self,
        matches: impl Fn(&str) -> bool + Send + 'static,
        count: usize,
        patience: std::time::Duration,
    ) {
        *lock(&self.shared.hold) =
            Some(Hold { matches: Box::new(matches), count, patience, waiting: 0, released: false, most_together: 0 });
    }

    /// The most requests held by [`FakeGitHub::hold_until_together`] that waited at once.
    pub fn held_together(&self) -> usize {
        lock(&self.shared.hold).as_ref().map_or(0, |h| h.most_together)
    }

    /// What the limits saw so far.
    pub fn limit_stats(&self) -> LimitStats {
        lock(&self.shared.limit_state).stats
    }

    /// Per repository, the most of its requests in flight at once since the limits were set.
    pub fn repo_peaks(&self) -> BTreeMap<String, u64> {
        lock(&self.shared.limit_state).per_repo.iter().map(|(r, (_, peak))| (r.clone(), *peak)).collect()
    }

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

    pub fn add_token(&self, token: &str, kind: TokenKind) {
        self.state().tokens.insert(token.to_owned(), TokenState::new(Some(kind), RATE_LIMIT));
    }

    /// Sets the token's hourly limit (`x-ratelimit-limit`, 5,000 by default), for a run
    /// that needs more requests than that (a benchmark over thousands of repositories).
    #[allow(dead_code, reason = "benches/scale.rs uses it; no integration test needs it")]
    pub fn set_rate_limit(&self, token: &str, limit: u64) {
        let mut st = self.state();
        let t = st.tokens.get_mut(token).expect("set_rate_limit: unknown token");
        t.limit = limit;
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

    /// GitHub Enterprise Server mode: traffic endpoints answer 404 and `GET /meta`
    /// reports `installed_version`.
    /// Answers a 304 without `Link`: whether GitHub sends it then is not documented.
    pub fn set_no_link_on_304(&self, on: bool) {
        self.state().no_link_on_304 = on;
    }

    pub fn set_enterprise(&self, on: bool) {
        self.state().enterprise = on;
    }

    pub fn inject(&self, fault: Fault) {
        self.state().faults.push(fault);
    }

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
