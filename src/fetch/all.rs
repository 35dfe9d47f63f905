//! Every repository of a run, fetched concurrently within the rate budget: oldest
//! collection first, so when the primary quota cannot cover them all, those whose days
//! leave GitHub's window soonest are collected and the rest deferred. Each result goes
//! to the caller as its fetch ends, so the caller stores it while the others are fetched.

use std::ops::Deref;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::mpsc;

use jiff::Timestamp;

use crate::config::{Config, Storage};
use crate::github::Client;
use crate::history::{self, History, Observation};

use super::{Error, Kind, Stored};

/// One repository's result: what was observed (with a CI counting error that does not
/// void the traffic), or why nothing was.
pub(crate) type Fetched = Result<(Observed, Option<Error>), Error>;

/// Requests a repository costs at most in a usual run (the six reads, the runs
/// listing, Pages builds, a couple of new runs' jobs), for budget planning.
const COST_WITH_CI: u64 = 10;
const COST_WITHOUT_CI: u64 = 6;
/// Primary quota kept back for reading and writing the store with the same token.
const RESERVE: u64 = 10;

/// Why a repository was not fetched this run although nothing is wrong with it.
pub(crate) const DEFERRED: &str = "deferred: the rate limit cannot cover it this run";

/// Observations alive now, and the most alive at once in this process (see [`Observed`]).
static ALIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// What one repository's fetch observed, counted from the worker that fetched it until
/// the caller drops it (after the merge), so a run can report how many it held at once:
/// at most one per worker and the one being merged, however many repositories there are.
#[derive(Debug)]
pub(crate) struct Observed(Observation);

impl Observed {
    fn new(o: Observation) -> Observed {
        let now = ALIVE.fetch_add(1, Ordering::SeqCst) + 1;
        PEAK.fetch_max(now, Ordering::SeqCst);
        Observed(o)
    }
}

impl Deref for Observed {
    type Target = Observation;
    fn deref(&self) -> &Observation {
        &self.0
    }
}

impl Drop for Observed {
    fn drop(&mut self) {
        ALIVE.fetch_sub(1, Ordering::SeqCst);
    }
}

/// A repository's stored history as the caller hands it to [`all`]: read already, on its
/// way from the store (see [`Stored`]), or kept compact until its fetch starts.
pub(crate) trait Given: Send {
    /// What the fetch reads the history from.
    type Ready: Deref<Target = Stored>;
    /// Its last collection, when it is read already: the order of the fetch.
    fn last_collected(&self) -> Option<Timestamp>;
    /// The history for the fetch of `repo`, made by the worker that fetches it.
    fn ready(self, repo: &str) -> Self::Ready;
}

impl<'a> Given for &'a Stored {
    type Ready = &'a Stored;
    fn last_collected(&self) -> Option<Timestamp> {
        self.peek().and_then(|h| h.last_collected)
    }
    fn ready(self, _repo: &str) -> &'a Stored {
        self
    }
}

/// The most [`Observed`] alive at once so far in this process.
pub(crate) fn peak_observed() -> usize {
    PEAK.load(Ordering::SeqCst)
}

/// Fetches repositories on `concurrency` worker threads and hands each result with its
/// index in `repos` to `sink`, on the calling thread (which may own what is not `Sync`,
/// such as the store), in the order the fetches end. A worker waits for the caller to
/// take its result before it starts another repository, so a run holds a result per
/// worker and the one the caller is storing, not one per repository.
///
/// Repositories are started oldest last collection first, so when the primary budget
/// cannot cover every one, those whose window closes soonest are collected and the rest
/// deferred (an error of kind [`Kind::RateLimited`]). After an error that every repository would
/// meet (bad token), the rest are skipped rather than hammering GitHub.
/// `stored` holds each repository's stored history (in the order of `repos`); the worker
/// that fetches one takes it, makes it ready, and drops it when its fetch ends. A history still being read
/// (one repository, fetched while the store is read) counts as never collected.
/// An error from `sink` starts no further repository and is returned once the workers end.
pub(crate) fn all<S, E>(
    client: &Client,
    c: &Config,
    repos: &[String],
    stored: Vec<S>,
    sink: &mut dyn FnMut(usize, Fetched) -> Result<(), E>,
) -> Result<(), E>
where
    S: Given,
{
    let order = collection_order(&stored);
    let stored: Vec<Mutex<Option<S>>> = stored.into_iter().map(|s| Mutex::new(Some(s))).collect();
    let workers = c.concurrency.min(repos.len()).max(1);
    let shared = Shared {
        client,
        c,
        repos,
        stored: &stored,
        order: &order,
        workers,
        next: Mutex::new((0, false)),
        active: AtomicUsize::new(0),
        stop: AtomicBool::new(false),
        finished: AtomicUsize::new(0),
    };
    // No room in the channel: a finished result waits in its worker for the caller.
    let (tx, rx) = mpsc::sync_channel::<(usize, Fetched)>(0);
    let mut landed = vec![false; repos.len()];
    let outcome = std::thread::scope(|s| {
        for _ in 0..workers {
            let tx = tx.clone();
            let shared = &shared;
            s.spawn(move || shared.work(&tx));
        }
        drop(tx);
        while let Ok((i, r)) = rx.recv() {
            if let Some(l) = landed.get_mut(i) {
                *l = true;
            }
            if let Err(e) = sink(i, r) {
                // No worker starts another repository, and one whose result is ready
                // finds the channel closed.
                shared.halt();
                drop(rx);
                return Err(e);
            }
        }
        Ok(())
    });
    outcome?;
    for (i, _) in landed.iter().enumerate().filter(|(_, l)| !**l) {
        let repo = repos.get(i).map_or("", |r| r);
        sink(i, Err(Error::new(repo, Kind::Other, "not fetched")))?;
    }
    Ok(())
}

/// What the workers of one [`all`] share.
struct Shared<'a, S> {
    client: &'a Client,
    c: &'a Config,
    repos: &'a [String],
    stored: &'a [Mutex<Option<S>>],
    order: &'a [usize],
    workers: usize,
    /// The position in `order` of the next repository, and whether the budget ran out.
    /// Taking the next repository and checking the budget happen under this one lock, so
    /// what is collected is always a prefix of `order` and the rest is deferred.
    next: Mutex<(usize, bool)>,
    active: AtomicUsize,
    stop: AtomicBool,
    finished: AtomicUsize,
}

impl<S: Given> Shared<'_, S> {
    fn cost(&self) -> u64 {
        if self.c.ci.mode == crate::config::CiMode::Off { COST_WITHOUT_CI } else { COST_WITH_CI }
    }

    /// Starts no further repository.
    fn halt(&self) {
        if let Ok(mut n) = self.next.lock() {
            n.0 = self.order.len();
        }
    }

    /// The next repository in the order, whether the budget covers it, and whether it
    /// fans out ([`super::Context::fan_out`]: fewer repositories wait than workers).
    fn take(&self) -> Option<(usize, bool, bool)> {
        let mut n = self.next.lock().ok()?;
        let &i = self.order.get(n.0)?;
        n.0 += 1;
        if !n.1 && !self.client.affords(self.cost(), self.active.load(Ordering::SeqCst) as u64, RESERVE) {
            n.1 = true;
        }
        if !n.1 {
            self.active.fetch_add(1, Ordering::SeqCst);
        }
        Some((i, !n.1, self.order.len().saturating_sub(n.0) < self.workers))
    }

    /// One worker: repositories in turn until none is left or the caller stops taking.
    fn work(&self, tx: &mpsc::SyncSender<(usize, Fetched)>) {
        while let Some((i, affordable, fan_out)) = self.take() {
            let Some(repo) = self.repos.get(i) else { break };
            let given = self.stored.get(i).and_then(|m| m.lock().ok()?.take());
            let h = given.filter(|_| affordable).map(|g| g.ready(repo));
            let r = self.fetch(repo, h.as_deref(), affordable, fan_out);
            if affordable {
                // Those the budget leaves out are summed up once by the caller.
                let k = self.finished.fetch_add(1, Ordering::SeqCst) + 1;
                log::info!("{}", progress(k, self.repos.len(), repo, h.as_deref().and_then(Stored::peek), &r));
            }
            // The stored history is spent once fetched.
            drop(h);
            if tx.send((i, r)).is_err() {
                break;
            }
        }
    }

    fn fetch(&self, repo: &str, h: Option<&Stored>, affordable: bool, fan_out: bool) -> Fetched {
        let not_fetched = |message: &str, kind: Kind| Err(Error::new(repo, kind, message));
        if !affordable {
            return not_fetched(DEFERRED, Kind::RateLimited);
        }
        let r = match h {
            _ if self.stop.load(Ordering::SeqCst) => {
                not_fetched("skipped after an error that affects every repository", Kind::Fatal)
            }
            None => not_fetched("not fetched", Kind::Other),
            Some(stored) => {
                let today = history::utc_day(self.c.now);
                let at_once = asks_at_once(self.repos.len(), &self.c.storage);
                let ctx = super::Context { now: self.c.now, today, ci: &self.c.ci, stored, fan_out, at_once };
                super::repository(self.client, repo, ctx).map(|(o, e)| (Observed::new(o), e))
            }
        };
        self.active.fetch_sub(1, Ordering::SeqCst);
        match &r {
            Err(e) if e.is_rate_limited() => {
                if let Ok(mut n) = self.next.lock() {
                    n.1 = true;
                }
            }
            Err(e) if e.is_fatal() => self.stop.store(true, Ordering::SeqCst),
            _ => {}
        }
        r
    }
}

/// Whether a run asks [`super::ASKED_AT_ONCE`] beside its store read: only a run of one
/// repository (whose fetch starts while its history is read, so latency is all there is
/// to its wall time) into a store read over the network (a gist, a branch). A folder is
/// read before the first answer could come, and a run of several repositories reads
/// the store first and wants its quota for them: both keep every conditional request.
pub(super) fn asks_at_once(repos: usize, storage: &Storage) -> bool {
    repos == 1 && !matches!(storage, Storage::Folder(_))
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
fn collection_order<S: Given>(stored: &[S]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..stored.len()).collect();
    order.sort_by_key(|&i| (stored.get(i).and_then(Given::last_collected), i));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_one_repository_into_a_remote_store_asks_at_once_table() {
        let branch = Storage::Branch { repo: "o/data".into(), branch: "gtt-data".into() };
        let cases = [
            (1, Storage::Gist("abc".into()), true),
            (1, Storage::Gists(vec!["abc".into(), "def".into()]), true),
            (1, branch.clone(), true),
            (1, Storage::Folder("data".into()), false),
            (2, Storage::Gist("abc".into()), false),
            (500, branch, false),
            (0, Storage::Gist("abc".into()), false),
        ];
        for (repos, storage, want) in cases {
            assert_eq!(asks_at_once(repos, &storage), want, "{repos} into {storage:?}");
        }
    }
}
