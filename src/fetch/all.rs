//! Every repository of a run, fetched concurrently within the rate budget: oldest
//! collection first, so when the primary quota cannot cover them all, those whose days
//! leave GitHub's window soonest are collected and the rest deferred.

use std::collections::BTreeMap;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use crate::config::Config;
use crate::github::Client;
use crate::history::{self, History, Observation};

use super::{Error, Kind, Stored};

/// One repository's result: what was observed (with a CI counting error that does not
/// void the traffic), or why nothing was.
pub(crate) type Fetched = Result<(Observation, Option<Error>), Error>;

/// Requests a repository costs at most in a usual run (the six reads, the runs
/// listing, Pages builds, a couple of new runs' jobs), for budget planning.
const COST_WITH_CI: u64 = 10;
const COST_WITHOUT_CI: u64 = 6;
/// Primary quota kept back for reading and writing the store with the same token.
const RESERVE: u64 = 10;

/// Why a repository was not fetched this run although nothing is wrong with it.
pub(crate) const DEFERRED: &str = "deferred: the rate limit cannot cover it this run";

/// Fetches repositories on `concurrency` worker threads; results keep the input order.
/// Repositories are started oldest last collection first, so when the primary budget
/// cannot cover every one, those whose window closes soonest are collected and the rest
/// deferred (an error of kind [`Kind::RateLimited`]). After an error that every repository would
/// meet (bad token), the rest are skipped rather than hammering GitHub.
/// A history still being read (one repository, fetched while the store is read) counts
/// as never collected.
pub(crate) fn all(client: &Client, c: &Config, repos: &[String], stored: &[Stored]) -> Vec<Fetched> {
    let today = history::utc_day(c.now);
    let cost = if c.ci.mode == crate::config::CiMode::Off { COST_WITHOUT_CI } else { COST_WITH_CI };
    let order = collection_order(stored);
    // Taking the next repository and checking the budget happen under one lock, so
    // what is collected is always a prefix of `order` and the rest is deferred.
    let next = Mutex::new((0usize, false));
    let active = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let finished = AtomicUsize::new(0);
    let results: Mutex<BTreeMap<usize, Fetched>> = Mutex::new(BTreeMap::new());
    let not_fetched = |repo: &str, message: &str, kind: Kind| Err(Error::new(repo, kind, message));
    let workers = c.concurrency.min(repos.len()).max(1);
    std::thread::scope(|s| {
        for _ in 0..workers {
            s.spawn(|| {
                loop {
                    let (i, affordable, waiting) = {
                        let Ok(mut n) = next.lock() else { break };
                        let Some(&i) = order.get(n.0) else { break };
                        n.0 += 1;
                        if !n.1 && !client.affords(cost, active.load(Ordering::SeqCst) as u64, RESERVE) {
                            n.1 = true;
                        }
                        if !n.1 {
                            active.fetch_add(1, Ordering::SeqCst);
                        }
                        (i, !n.1, order.len().saturating_sub(n.0))
                    };
                    let (Some(repo), Some(h)) = (repos.get(i), stored.get(i)) else { break };
                    let r = if !affordable {
                        not_fetched(repo, DEFERRED, Kind::RateLimited)
                    } else if stop.load(Ordering::SeqCst) {
                        active.fetch_sub(1, Ordering::SeqCst);
                        not_fetched(repo, "skipped after an error that affects every repository", Kind::Fatal)
                    } else {
                        let fan_out = waiting < workers;
                        let ctx = super::Context { now: c.now, today, ci: &c.ci, stored: h, fan_out };
                        let r = super::repository(client, repo, ctx);
                        active.fetch_sub(1, Ordering::SeqCst);
                        r
                    };
                    match &r {
                        Err(e) if e.is_rate_limited() => {
                            if let Ok(mut n) = next.lock() {
                                n.1 = true;
                            }
                        }
                        Err(e) if e.is_fatal() => stop.store(true, Ordering::SeqCst),
                        _ => {}
                    }
                    if affordable {
                        // Those the budget leaves out are summed up once by the caller.
                        let k = finished.fetch_add(1, Ordering::SeqCst) + 1;
                        log::info!("{}", progress(k, repos.len(), repo, h.peek(), &r));
                    }
                    if let Ok(mut m) = results.lock() {
                        m.insert(i, r);
                    }
                }
            });
        }
    });
    let mut map = results.into_inner().unwrap_or_default();
    (0..repos.len())
        .map(|i| {
            map.remove(&i).unwrap_or_else(|| not_fetched(repos.get(i).map_or("", |r| r), "not fetched", Kind::Other))
        })
        .collect()
}

/// The line for a repository whose fetch finished, the `k`th of `total`:
/// `[37/500] owner/name: 2 new days of 14 in the window`.
fn progress(k: usize, total: usize, repo: &str, stored: Option<&History>, r: &Fetched) -> String {
    let what = match r {
        Ok((o, _)) => {
            let days: std::collections::BTreeSet<_> = o.views.iter().chain(&o.clones).map(|(d, _, _)| *d).collect();
            let new = days.iter().filter(|d| stored.is_none_or(|s| !s.days.contains_key(d))).count() as u64;
            format!("{} of {} in the window", crate::report::count(new, "new day", "new days"), days.len())
        }
        Err(e) if e.is_rate_limited() => "deferred".to_string(),
        Err(_) => "failed (the error follows)".to_string(),
    };
    format!("[{k}/{total}] {}: {what}", crate::escape::terminal(repo))
}

/// Indices of `stored` in the order to collect them: never collected first, then the
/// longest since the last collection; the input order breaks ties.
fn collection_order(stored: &[Stored]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..stored.len()).collect();
    order.sort_by_key(|&i| (stored.get(i).and_then(Stored::peek).and_then(|h| h.last_collected), i));
    order
}
