//! One rate governor per token, shared by every worker thread of a run: it caps the
//! requests in flight (GitHub's secondary limits punish bursts), serializes requests
//! when the primary budget runs low so parallel workers cannot overshoot it together,
//! waits out an exhausted budget until its reset when `max-wait` allows, and turns a
//! secondary-limit answer into a pause for everyone, not just the thread that met it.
//!
//! The decisions are pure functions of the state and a clock passed in, so they are
//! tested without sleeping; [`Governor`] only adds the lock, the condition variable
//! and the sleeps.

use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// GitHub allows at most 100 concurrent requests per user; gtt stays well below.
pub(crate) const MAX_IN_FLIGHT: usize = crate::config::MAX_CONCURRENCY;
/// Below this many requests left, one request at a time: every answer updates the
/// budget before the next request is sent.
pub(crate) const LOW_WATER: u64 = 50;

/// The primary budget as GitHub last reported it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Budget {
    pub(crate) remaining: Option<u64>,
    pub(crate) limit: Option<u64>,
    /// Epoch seconds on GitHub's clock.
    pub(crate) reset: Option<i64>,
}

impl Budget {
    /// Folds in one answer's headers. Answers arrive out of order across threads: within
    /// one reset window the lowest `remaining` is the latest truth; a later reset starts
    /// a new window.
    pub(crate) fn observe(&mut self, remaining: u64, limit: Option<u64>, reset: Option<i64>) {
        match (self.reset, reset) {
            (Some(old), Some(new)) if new < old => {}
            (Some(old), Some(new)) if new == old => {
                self.remaining = Some(self.remaining.map_or(remaining, |r| r.min(remaining)));
            }
            _ => {
                self.remaining = Some(remaining);
                self.reset = reset.or(self.reset);
            }
        }
        if limit.is_some() {
            self.limit = limit;
        }
    }

    /// How many requests may be in flight at once.
    pub(crate) fn in_flight_cap(&self, max: usize) -> usize {
        match self.remaining {
            Some(r) if r < LOW_WATER => 1,
            _ => max.max(1),
        }
    }

    /// With the budget spent, how long until it resets (`server_now` on GitHub's clock).
    pub(crate) fn exhausted_for(&self, server_now: i64) -> Option<Duration> {
        match (self.remaining, self.reset) {
            (Some(0), Some(reset)) if reset >= server_now => Some(Duration::from_secs((reset - server_now) as u64 + 1)),
            _ => None,
        }
    }

    /// Whether `cost` more requests fit, keeping `reserve` for writing the results and
    /// `cost` for each repository already being fetched. Unknown budget: yes.
    pub(crate) fn affords(&self, cost: u64, active: u64, reserve: u64) -> bool {
        self.remaining.is_none_or(|r| r >= cost.saturating_mul(active + 1).saturating_add(reserve))
    }
}

#[derive(Debug, Default)]
struct State {
    budget: Budget,
    in_flight: usize,
    paused_until: Option<Instant>,
    /// Wall-clock time everyone has been paused for rate limits, charged to `max-wait`.
    paused_total: Duration,
    /// GitHub's clock minus ours, seconds, from the latest `Date` header.
    skew: i64,
}

/// A pause would go past `max-wait`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct OverBudget {
    pub(crate) wait: Duration,
    pub(crate) waited: Duration,
}

#[derive(Debug)]
pub(crate) struct Governor {
    state: Mutex<State>,
    changed: Condvar,
    max_in_flight: usize,
    max_wait: Duration,
}

/// Seconds since the epoch on our clock.
fn local_epoch() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(0, |d| d.as_secs() as i64)
}

impl Governor {
    pub(crate) fn new(max_in_flight: usize, max_wait: Duration) -> Governor {
        Governor {
            state: Mutex::new(State::default()),
            changed: Condvar::new(),
            max_in_flight: max_in_flight.clamp(1, MAX_IN_FLIGHT),
            max_wait,
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn budget(&self) -> Budget {
        self.lock().budget
    }

    /// Waits for a slot: until any pause is over, the budget has reset if it was spent,
    /// and fewer than the cap are in flight. Errs when the budget is spent and its reset
    /// is further away than `max-wait` leaves: sending would only earn another 403.
    pub(crate) fn acquire(&self) -> Result<(), OverBudget> {
        let mut st = self.lock();
        loop {
            let now = Instant::now();
            if let Some(until) = st.paused_until.filter(|u| *u > now) {
                st = self.changed.wait_timeout(st, until - now).map(|(g, _)| g).unwrap_or_else(|p| p.into_inner().0);
                continue;
            }
            if let Some(wait) = st.budget.exhausted_for(local_epoch() + st.skew) {
                Self::extend_pause(&mut st, wait, self.max_wait)?;
                log::warn!("the rate limit is spent: all requests wait {}s for GitHub to reset it", wait.as_secs());
                // The budget will be fresh after the reset; the next answer says by how much.
                st.budget.remaining = None;
                self.changed.notify_all();
                continue;
            }
            if st.in_flight >= st.budget.in_flight_cap(self.max_in_flight) {
                st = self
                    .changed
                    .wait_timeout(st, Duration::from_millis(200))
                    .map(|(g, _)| g)
                    .unwrap_or_else(|p| p.into_inner().0);
                continue;
            }
            st.in_flight += 1;
            return Ok(());
        }
    }

    /// Ends a request, folding in what its answer said about the budget.
    pub(crate) fn release(
        &self,
        remaining: Option<u64>,
        limit: Option<u64>,
        reset: Option<i64>,
        server_date: Option<i64>,
    ) {
        let mut st = self.lock();
        st.in_flight = st.in_flight.saturating_sub(1);
        let cap = st.budget.in_flight_cap(self.max_in_flight);
        if let Some(r) = remaining {
            st.budget.observe(r, limit, reset);
        }
        if let Some(d) = server_date {
            st.skew = d - local_epoch();
        }
        // One slot freed wakes one waiter: waking all of them (a hundred threads on a
        // large run) to find one slot cost more CPU than the requests. A changed cap or
        // a spent budget concerns everyone.
        if st.budget.in_flight_cap(self.max_in_flight) == cap && st.budget.remaining != Some(0) {
            self.changed.notify_one();
        } else {
            self.changed.notify_all();
        }
    }

    /// Sets the budget from `GET /rate_limit`, which costs nothing.
    pub(crate) fn set_budget(&self, remaining: u64, limit: u64, reset: i64) {
        let mut st = self.lock();
        st.budget = Budget { remaining: Some(remaining), limit: Some(limit), reset: Some(reset) };
        self.changed.notify_all();
    }

    /// Pauses every worker for `wait` from now (a secondary limit, or a spent budget),
    /// unless that would take the run's total pause past `max-wait`.
    pub(crate) fn pause(&self, wait: Duration) -> Result<(), OverBudget> {
        let mut st = self.lock();
        Self::extend_pause(&mut st, wait, self.max_wait)?;
        self.changed.notify_all();
        Ok(())
    }

    fn extend_pause(st: &mut State, wait: Duration, max_wait: Duration) -> Result<(), OverBudget> {
        let now = Instant::now();
        let until = now + wait;
        let current = st.paused_until.filter(|u| *u > now).unwrap_or(now);
        if until <= current {
            return Ok(());
        }
        let extension = until - current;
        if st.paused_total + extension > max_wait {
            return Err(OverBudget { wait, waited: st.paused_total });
        }
        st.paused_total += extension;
        st.paused_until = Some(until);
        Ok(())
    }

    /// Whether a repository costing about `cost` requests may start now, with `active`
    /// others being fetched and `reserve` kept for storage.
    pub(crate) fn affords(&self, cost: u64, active: u64, reserve: u64) -> bool {
        self.lock().budget.affords(cost, active, reserve)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn budget_folds_answers_in_any_order() {
        type Answers = Vec<(u64, Option<i64>)>;
        let cases: Vec<(Answers, Option<u64>, Option<i64>)> = vec![
            (vec![(100, Some(10)), (90, Some(10)), (95, Some(10))], Some(90), Some(10)),
            (vec![(3, Some(10)), (4999, Some(20))], Some(4999), Some(20)),
            // A straggler from the old window does not undo the new one.
            (vec![(4999, Some(20)), (3, Some(10))], Some(4999), Some(20)),
            (vec![(7, None), (5, None)], Some(5), None),
        ];
        for (answers, remaining, reset) in cases {
            let mut b = Budget::default();
            for (r, t) in &answers {
                b.observe(*r, Some(5000), *t);
            }
            assert_eq!((b.remaining, b.reset), (remaining, reset), "{answers:?}");
        }
    }

    #[test]
    fn low_budget_serializes_and_spent_budget_waits_for_reset() {
        let b = |remaining: Option<u64>, reset: Option<i64>| Budget { remaining, limit: Some(5000), reset };
        assert_eq!(b(None, None).in_flight_cap(8), 8);
        assert_eq!(b(Some(4000), None).in_flight_cap(8), 8);
        assert_eq!(b(Some(LOW_WATER - 1), None).in_flight_cap(8), 1);
        assert_eq!(b(Some(0), Some(1_000)).exhausted_for(990), Some(Duration::from_secs(11)));
        assert_eq!(b(Some(0), Some(1_000)).exhausted_for(1_001), None);
        assert_eq!(b(Some(1), Some(1_000)).exhausted_for(990), None);
        assert_eq!(b(Some(0), None).exhausted_for(990), None);
    }

    #[test]
    fn affordability_keeps_a_reserve_and_counts_active_repositories() {
        let b = |r: u64| Budget { remaining: Some(r), limit: Some(5000), reset: Some(0) };
        assert!(Budget::default().affords(10, 5, 20), "unknown budget: go on");
        assert!(b(30).affords(10, 0, 20));
        assert!(!b(29).affords(10, 0, 20));
        assert!(b(50).affords(10, 2, 20));
        assert!(!b(49).affords(10, 2, 20));
    }

    #[test]
    fn pauses_overlap_and_are_bounded_by_max_wait() {
        let g = Governor::new(4, Duration::from_millis(300));
        assert!(g.pause(Duration::from_millis(200)).is_ok());
        // A shorter pause inside the current one costs nothing more.
        assert!(g.pause(Duration::from_millis(100)).is_ok());
        // Extending by more than what is left of max-wait is refused.
        assert!(g.pause(Duration::from_millis(450)).is_err());
        let started = Instant::now();
        assert!(g.acquire().is_ok());
        assert!(started.elapsed() >= Duration::from_millis(150), "acquire waits out the pause");
    }

    #[test]
    fn spent_budget_beyond_max_wait_is_refused_without_sending() {
        let g = Governor::new(4, Duration::from_secs(5));
        g.set_budget(0, 5000, local_epoch() + 3600);
        assert!(g.acquire().is_err());
        let g = Governor::new(4, Duration::from_secs(5));
        g.set_budget(0, 5000, local_epoch() - 10);
        assert!(g.acquire().is_ok(), "a reset in the past means a fresh budget");
    }
}
