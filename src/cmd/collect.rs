//! `gtt collect`: read the stored history, fetch every repository, merge, write
//! history and badges (re-merging after a concurrent writer), archive complete months,
//! then report. Pure pieces live in `history`, `report` and `archive`; this module is
//! the order of things.

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use jiff::Timestamp;
use jiff::civil::Date;

use crate::cmd::doctor;
use crate::config::Config;
use crate::history::{self, Gap, History};
use crate::store::{self, Backend, Files, INDEX_FILE, Index};
use crate::{Error, archive, discover, fetch, github, report};

/// How often a run re-reads and re-merges after losing a race to another writer.
const MAX_REWRITES: usize = 3;

type Fetched = Result<(history::Observation, Option<fetch::Error>), fetch::Error>;

pub(crate) fn utc_day(t: Timestamp) -> Date {
    t.to_zoned(jiff::tz::TimeZone::UTC).date()
}

pub(crate) fn storage_err(e: store::Error) -> Error {
    Error::Storage(e.to_string())
}

/// Reads the index and the named repositories' histories. Any file that exists but
/// cannot be parsed stops the run before anything is written.
pub(crate) fn load(backend: &mut dyn Backend, repos: &[String]) -> Result<(Index, Vec<History>), Error> {
    let mut names = vec![INDEX_FILE.to_string()];
    names.extend(repos.iter().map(|r| store::history_file(r)));
    let files = backend.read(&names).map_err(storage_err)?;
    parse_files(&files, repos, &backend.describe())
}

fn parse_files(files: &Files, repos: &[String], place: &str) -> Result<(Index, Vec<History>), Error> {
    let refuse = |name: &str, why: String| {
        Error::Storage(format!(
            "{name} in {place} cannot be used: {why}; nothing was written (fix the file or restore it from a backup or the gist's revisions, then run again)"
        ))
    };
    let index = match files.get(INDEX_FILE) {
        Some(text) => Index::parse(text).map_err(|e| refuse(INDEX_FILE, e))?,
        None => Index::new(),
    };
    let mut histories = Vec::new();
    for repo in repos {
        let name = store::history_file(repo);
        histories.push(match files.get(&name) {
            Some(text) => History::parse(text, repo).map_err(|e| refuse(&name, e.to_string()))?,
            // The index is the ledger: a history it lists must be there. Starting anew
            // would write a few days over everything stored.
            None if index.repos.keys().any(|r| r.eq_ignore_ascii_case(repo)) => {
                return Err(refuse(
                    &name,
                    format!("{INDEX_FILE} lists {repo} but the history file is missing from what the store answered"),
                ));
            }
            None => History::new(repo),
        });
    }
    Ok((index, histories))
}

/// Requests a repository costs at most in a usual run (the six reads, the runs
/// listing, Pages builds, a couple of new runs' jobs), for budget planning.
const COST_WITH_CI: u64 = 10;
const COST_WITHOUT_CI: u64 = 6;
/// Primary quota kept back for reading and writing the store with the same token.
const RESERVE: u64 = 10;

/// Why a repository was not fetched this run although nothing is wrong with it.
const DEFERRED: &str = "deferred: the rate limit cannot cover it this run";

/// Fetches repositories on `concurrency` worker threads; results keep the input order.
/// Repositories are started oldest last collection first, so when the primary budget
/// cannot cover every one, those whose window closes soonest are collected and the rest
/// deferred (an error with `rate_limited`). After an error that every repository would
/// meet (bad token), the rest are skipped rather than hammering GitHub.
fn fetch_all(client: &github::Client, c: &Config, repos: &[String], stored: &[History]) -> Vec<Fetched> {
    let today = utc_day(c.now);
    let cost = if c.ci.mode == crate::config::CiMode::Off { COST_WITHOUT_CI } else { COST_WITH_CI };
    let order = collection_order(stored);
    // Taking the next repository and checking the budget happen under one lock, so
    // what is collected is always a prefix of `order` and the rest is deferred.
    let next = Mutex::new((0usize, false));
    let active = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let results: Mutex<BTreeMap<usize, Fetched>> = Mutex::new(BTreeMap::new());
    let not_fetched = |repo: &str, message: &str, fatal: bool, rate_limited: bool| {
        Err(fetch::Error { repo: repo.to_string(), message: message.into(), fatal, access: false, rate_limited })
    };
    std::thread::scope(|s| {
        for _ in 0..c.concurrency.min(repos.len()).max(1) {
            s.spawn(|| {
                loop {
                    let (i, affordable) = {
                        let Ok(mut n) = next.lock() else { break };
                        let Some(&i) = order.get(n.0) else { break };
                        n.0 += 1;
                        if !n.1 && !client.affords(cost, active.load(Ordering::SeqCst) as u64, RESERVE) {
                            n.1 = true;
                        }
                        if !n.1 {
                            active.fetch_add(1, Ordering::SeqCst);
                        }
                        (i, !n.1)
                    };
                    let (Some(repo), Some(h)) = (repos.get(i), stored.get(i)) else { break };
                    let r = if !affordable {
                        not_fetched(repo, DEFERRED, false, true)
                    } else if stop.load(Ordering::SeqCst) {
                        active.fetch_sub(1, Ordering::SeqCst);
                        not_fetched(repo, "skipped after an error that affects every repository", true, false)
                    } else {
                        let ctx = fetch::Context {
                            now: c.now,
                            today,
                            ci: &c.ci,
                            ci_cache: &h.ci_cache,
                            validators: &h.validators,
                        };
                        let r = fetch::repository(client, repo, ctx);
                        active.fetch_sub(1, Ordering::SeqCst);
                        r
                    };
                    match &r {
                        Err(e) if e.rate_limited => {
                            if let Ok(mut n) = next.lock() {
                                n.1 = true;
                            }
                        }
                        Err(e) if e.fatal => stop.store(true, Ordering::SeqCst),
                        _ => {}
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
            map.remove(&i).unwrap_or_else(|| not_fetched(repos.get(i).map_or("", |r| r), "not fetched", false, false))
        })
        .collect()
}

/// Indices of `stored` in the order to collect them: never collected first, then the
/// longest since the last collection; the input order breaks ties.
fn collection_order(stored: &[History]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..stored.len()).collect();
    order.sort_by_key(|&i| (stored.get(i).and_then(|h| h.last_collected), i));
    order
}

/// Whether leaving `h` for a later run loses days: GitHub's window tomorrow no longer
/// holds today's oldest day, so if the stored days stop before it (or there are none),
/// that day is gone unless collected today.
fn deferral_loses_days(h: &History, today: Date) -> bool {
    let oldest_in_window = today.checked_sub(jiff::Span::new().days(history::WINDOW_DAYS - 1)).unwrap_or(today);
    h.days.keys().next_back().is_none_or(|last| *last < oldest_in_window)
}

/// Days the stored history had no window for, between its last covered day and the
/// first day of this run's window: lost for good, so the run says so.
fn new_gap(stored: &History, fragment: &History) -> Option<Gap> {
    let last = *stored.days.keys().next_back()?;
    let first = *fragment.days.keys().next()?;
    let gap_first = last.tomorrow().ok()?;
    let gap_last = first.yesterday().ok()?;
    (gap_first <= gap_last).then_some(Gap { first: gap_first, last: gap_last })
}

fn count_changes(old: &History, new: &History) -> (usize, usize) {
    let added = new.days.keys().filter(|d| !old.days.contains_key(d)).count();
    let raised = new.days.iter().filter(|(d, t)| old.days.get(d).is_some_and(|o| o != *t)).count();
    (added, raised)
}

/// What goes to storage: the collected histories, the index, and the badges, which
/// are computed from every tracked history (collected or not).
fn render(c: &Config, index: &Index, all: &[History], collected: &[bool], badges: Option<report::BadgeScope>) -> Files {
    let mut index = index.clone();
    let mut files = Files::new();
    for (h, _) in all.iter().zip(collected).filter(|(_, ok)| **ok) {
        let name = store::history_file(&h.repo);
        if !index.repos.keys().any(|r| r.eq_ignore_ascii_case(&h.repo)) {
            index.repos.insert(h.repo.clone(), name.clone());
        }
        files.insert(name, h.to_json());
    }
    index.updated = index.updated.max(Some(c.now));
    files.insert(INDEX_FILE.to_string(), index.to_json());
    if let Some(scope) = badges {
        let refs: Vec<&History> = all.iter().collect();
        files.extend(report::badge_files(&refs, utc_day(c.now), &c.badges, scope));
    }
    files
}

/// One repository's outcome in this run.
struct Outcome {
    merged: History,
    /// Days added and days raised against the stored history, counted before the write.
    changes: (usize, usize),
    gap: Option<Gap>,
    error: Option<String>,
    collected: bool,
    warnings: Vec<String>,
}

pub(crate) fn collect(c: &Config, out: &mut dyn Write) -> Result<(), Error> {
    let mut backend = crate::open_backend(c, &c.storage, c.gist_token.as_ref())?;
    if c.aggregate {
        return aggregate(c, backend.as_mut(), out);
    }
    let Some(token) = &c.token else {
        return Err(Error::Config(crate::config::Error("no token".into())));
    };
    let client = github::Client::with_concurrency(&c.api_url, token.clone(), c.max_wait, c.concurrency);
    let mut archive_backend = match &c.archive {
        Some(s) => Some(crate::open_backend(c, s, c.gist_token.as_ref())?),
        None => None,
    };
    let targets = targets(c, &client)?;
    let repos = &targets.repos;
    let mut skipped = targets.skipped.clone();
    // The budget is asked while the store is read: planning costs no time. A single
    // repository has nothing to plan; its first answers tell the budget.
    let (loaded, budget) = std::thread::scope(|s| {
        let probe = (repos.len() > 1).then(|| s.spawn(|| client.probe_budget()));
        let loaded = load(backend.as_mut(), repos);
        (loaded, probe.and_then(|p| p.join().ok().flatten()))
    });
    let (index, stored) = loaded?;
    log::info!("read the history of {} repositories from {}", stored.len(), backend.describe());
    if let Some(b) = budget {
        log::info!(
            "rate limit: {} of {} requests left, resets at {}",
            b.remaining.unwrap_or(0),
            b.limit.unwrap_or(0),
            b.reset.and_then(|r| Timestamp::from_second(r).ok()).map_or("?".to_string(), |t| t.to_string())
        );
    }

    let fetched = fetch_all(&client, c, repos, &stored);
    let today = utc_day(c.now);

    let mut outcomes = Vec::new();
    let mut deferred: Vec<(String, bool)> = Vec::new();
    for ((repo, old), result) in repos.iter().zip(stored).zip(fetched) {
        // Out of budget: left for the next run, loudly if that loses days.
        let result = match result {
            Err(e) if e.rate_limited => {
                let loses = deferral_loses_days(&old, today);
                let why = if loses {
                    format!(
                        "{DEFERRED} and its oldest days leave GitHub's 14-day window after today: run again today (after the rate limit resets) or they are lost ({})",
                        e.message
                    )
                } else {
                    format!("{DEFERRED}; nothing is lost if the next run is within a few days ({})", e.message)
                };
                skipped.push((repo.clone(), why));
                deferred.push((repo.clone(), loses));
                continue;
            }
            r => r,
        };
        // A repository a glob picked that the token may not read is skipped, not failed.
        let result = match result {
            Err(e) if e.access && !targets.explicit.iter().any(|r| r.eq_ignore_ascii_case(repo)) => {
                skipped.push((repo.clone(), e.message));
                continue;
            }
            r => r,
        };
        outcomes.push(match result {
            Ok((obs, ci_error)) => {
                let fragment = History::from_observation(repo, c.now, &obs);
                let merged = old.merge(&fragment);
                old.check_no_loss(&merged).map_err(|why| {
                    Error::Storage(format!(
                        "{repo}: refusing to write a history that would lose data ({why}); this is a gtt bug, please report it"
                    ))
                })?;
                let gap = new_gap(&old, &fragment);
                let mut checks = vec![];
                // Once days are lost, the gap warning says so; before, warn that they will be.
                if old.last_collected.is_some() && gap.is_none() {
                    checks.push(doctor::staleness(repo, old.last_collected, c.now));
                }
                if c.action {
                    checks.push(doctor::schedule(repo, obs.pushed_at, obs.private, c.now));
                }
                let warnings = checks
                    .into_iter()
                    .filter(|k| k.level != doctor::Level::Ok)
                    .map(|k| format!("{}; {}", k.what, k.fix))
                    .collect();
                let mut warnings: Vec<String> = warnings;
                // CI days are recounted over the whole window next run: a rate limit here loses nothing.
                let error = match ci_error {
                    Some(e) if e.rate_limited => {
                        warnings.push(format!("{repo}: {}; recounted next run", e.message));
                        None
                    }
                    e => e.map(|e| e.message),
                };
                let changes = count_changes(&old, &merged);
                Outcome { merged, changes, gap, error, collected: true, warnings }
            }
            Err(e) => Outcome {
                merged: old,
                changes: (0, 0),
                gap: None,
                error: Some(e.message),
                collected: false,
                warnings: Vec::new(),
            },
        });
    }

    let collected: Vec<bool> = outcomes.iter().map(|o| o.collected).collect();
    // Ten years of history per repository add up: move them, never copy them.
    let mut all: Vec<History> =
        outcomes.iter_mut().map(|o| std::mem::replace(&mut o.merged, History::new(""))).collect();
    let kept: Vec<String> = all.iter().map(|h| h.repo.clone()).collect();
    // A shard sees part of the repositories: it writes their own badges, and the
    // aggregate job the sums.
    let scope = match c.shard {
        Some((_, n)) if n > 1 => report::BadgeScope { per_repo: true, summed: false },
        _ => report::BadgeScope::whole(all.len()),
    };
    if !c.dry_run && collected.iter().any(|ok| *ok) {
        write_histories(c, backend.as_mut(), &index, &kept, &mut all, &collected, Some(scope))?;
    }
    let mut archived = Vec::new();
    if let Some(ab) = archive_backend.as_mut() {
        archived = archive::write_complete_months(ab.as_mut(), &all, today, c.dry_run)?;
    }
    if let (Some(dir), false) = (&c.dashboard_dir, c.dry_run) {
        crate::write_dashboard(c, backend.as_mut(), dir)?;
    }

    // Tell people what happened.
    let reports: Vec<report::RepoReport<'_>> = kept
        .iter()
        .zip(&outcomes)
        .zip(&all)
        .map(|((repo, o), h)| {
            let (new_days, raised_days) = o.changes;
            report::RepoReport {
                repo,
                history: Some(h).filter(|h| !h.days.is_empty()),
                new_days,
                raised_days,
                new_gap: o.gap,
                error: o.error.clone(),
                warnings: o.warnings.clone(),
            }
        })
        .collect();
    let io = |e: std::io::Error| Error::Output(format!("cannot write output: {e}"));
    let u = client.usage();
    let requests = format!(
        "{} requests to GitHub for traffic ({} answered 304 Not Modified, free); quota used: {}; rate limit left: {}",
        u.requests,
        u.not_modified,
        u.quota_used,
        u.remaining.map_or("unknown".to_string(), |n| n.to_string())
    );
    log::info!("{requests}");
    log::debug!("requests per repository: {:.1}", u.requests as f64 / repos.len().max(1) as f64);
    for (repo, why) in &skipped {
        writeln!(out, "{}", report::skipped_line(repo, why)).map_err(io)?;
    }
    for r in &reports {
        print_repo(c, r, today, out).map_err(io)?;
    }
    for month in &archived {
        writeln!(out, "archived {month} in {}", archive_backend.as_ref().map_or(String::new(), |b| b.describe()))
            .map_err(io)?;
    }
    if c.action {
        let refs: Vec<&History> = all.iter().collect();
        let outputs = report::outputs(&refs, today, |f| backend.public_url(f));
        let summary =
            report::summary(&reports, &skipped, today, c.dry_run, &backend.describe()) + &format!("\n{requests}.\n");
        if let Some(path) = &c.output_file {
            append(path, &report::output_file_text(&outputs))?;
        }
        if let Some(path) = &c.summary_file {
            append(path, &summary)?;
        }
    }

    let failed: Vec<&str> = reports.iter().filter(|r| r.error.is_some()).map(|r| r.repo).collect();
    let losing: Vec<&str> = deferred.iter().filter(|(_, loses)| *loses).map(|(r, _)| r.as_str()).collect();
    if !deferred.is_empty() {
        log::warn!("{} repositories deferred to the next run: the rate limit could not cover them", deferred.len());
    }
    if failed.is_empty() && losing.is_empty() {
        Ok(())
    } else if failed.is_empty() {
        Err(Error::Failed(format!(
            "{} repositories were deferred by the rate limit and lose days unless collected today: {} (run again after the limit resets, or split the repositories across tokens or shards)",
            losing.len(),
            losing.join(", ")
        )))
    } else {
        Err(Error::Failed(format!(
            "{} of {} repositories had errors: {}{}",
            failed.len(),
            reports.len(),
            failed.join(", "),
            if collected.iter().any(|ok| *ok) { " (what was collected was stored)" } else { "" }
        )))
    }
}

/// The repositories this job collects: globs resolved, exclusions and filters applied,
/// cut to the shard.
fn targets(c: &Config, client: &github::Client) -> Result<discover::Resolved, Error> {
    let mut t = if c.repo_specs.iter().any(discover::Spec::is_glob) {
        discover::resolve(client, &c.repo_specs, c.filters).map_err(Error::Failed)?
    } else {
        discover::select(&c.repo_specs, &[], c.filters)
    };
    if let Some((i, n)) = c.shard {
        t.repos.retain(|r| discover::shard_of(r, n) == i);
        log::info!("shard {i}/{n}: {} repositories", t.repos.len());
    }
    if t.repos.is_empty() && c.shard.is_none() {
        return Err(Error::Failed(
            "input `repos` matched no repository (check the globs, exclusions and include-* inputs)".into(),
        ));
    }
    Ok(t)
}

/// `aggregate: true`, the job after a sharded matrix: collects nothing, recomputes the
/// summed badges (and each repository's) from every history the index lists, and
/// reports over all of them.
fn aggregate(c: &Config, backend: &mut dyn Backend, out: &mut dyn Write) -> Result<(), Error> {
    let (index, _) = load(backend, &[])?;
    let repos: Vec<String> = index.repos.keys().cloned().collect();
    let (index, mut all) = load(backend, &repos)?;
    let written = vec![false; all.len()];
    if !c.dry_run {
        let scope = report::BadgeScope::whole(all.len());
        write_histories(c, backend, &index, &repos, &mut all, &written, Some(scope))?;
    }
    let today = utc_day(c.now);
    writeln!(out, "aggregated {} repositories in {}", all.len(), backend.describe())
        .map_err(|e| Error::Output(e.to_string()))?;
    if c.action {
        let refs: Vec<&History> = all.iter().collect();
        let reports: Vec<report::RepoReport<'_>> = all
            .iter()
            .map(|h| report::RepoReport {
                repo: &h.repo,
                history: Some(h),
                new_days: 0,
                raised_days: 0,
                new_gap: None,
                error: None,
                warnings: Vec::new(),
            })
            .collect();
        if let Some(path) = &c.output_file {
            append(path, &report::output_file_text(&report::outputs(&refs, today, |f| backend.public_url(f))))?;
        }
        if let Some(path) = &c.summary_file {
            append(path, &report::summary(&reports, &[], today, c.dry_run, &backend.describe()))?;
        }
    }
    Ok(())
}

/// Writes the histories of `repos` (those marked in `written`) with the index and,
/// when `badges`, the badge files computed from all of them; then merges whatever a
/// concurrent writer landed meanwhile and writes again, a bounded number of times.
/// `all` ends up as what is stored.
pub(crate) fn write_histories(
    c: &Config,
    backend: &mut dyn Backend,
    index: &Index,
    repos: &[String],
    all: &mut [History],
    written: &[bool],
    badges: Option<report::BadgeScope>,
) -> Result<(), Error> {
    let mut index = index.clone();
    let mut names = vec![INDEX_FILE.to_string()];
    names.extend(repos.iter().map(|r| store::history_file(r)));
    for round in 0..=MAX_REWRITES {
        for (h, _) in all.iter_mut().zip(written).filter(|(_, w)| **w) {
            h.written_by = env!("CARGO_PKG_VERSION").to_string();
        }
        let files = render(c, &index, all, written, badges);
        let concurrent = backend.write(&files, &names).map_err(storage_err)?;
        if concurrent.is_empty() {
            return Ok(());
        }
        if round == MAX_REWRITES {
            break;
        }
        for files in &concurrent {
            let (other_index, others) = parse_files(files, repos, &backend.describe())?;
            index = index.merge(&other_index);
            for h in all.iter_mut() {
                if let Some(o) = others.iter().find(|o| o.repo.eq_ignore_ascii_case(&h.repo)) {
                    *h = h.merge(o);
                }
            }
        }
    }
    Err(Error::Storage(format!(
        "{} kept changing during this run ({MAX_REWRITES} rewrites); the other writer's data is in its revisions. Serialize runs with a workflow `concurrency:` group",
        backend.describe()
    )))
}

fn print_repo(c: &Config, r: &report::RepoReport<'_>, today: Date, out: &mut dyn Write) -> std::io::Result<()> {
    if let Some(e) = &r.error {
        if c.action {
            writeln!(out, "{}", report::error(&format!("gtt: {}", r.repo), e))?;
        }
        eprintln!("{}", report::failed_line(r.repo, e));
    }
    if c.action {
        writeln!(out, "{}", report::group(r.repo))?;
    }
    if let Some(h) = r.history {
        writeln!(out, "{}", report::repo_line(r, h, today, c.dry_run))?;
    }
    if c.action {
        writeln!(out, "::endgroup::")?;
    }
    for w in &r.warnings {
        if c.action {
            writeln!(out, "{}", report::warning("gtt", w))?;
        } else {
            log::warn!("{w}");
        }
    }
    if let Some(g) = r.new_gap {
        let msg = format!(
            "{}: no data for {g}; GitHub keeps 14 days, so those days are lost. Run at least every 13 days.",
            r.repo
        );
        if c.action {
            writeln!(out, "{}", report::warning("gtt: days lost", &msg))?;
        } else {
            log::warn!("{msg}");
        }
    }
    Ok(())
}

fn append(path: &std::path::Path, text: &str) -> Result<(), Error> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| Error::Output(format!("cannot open {}: {e}", path.display())))?;
    f.write_all(text.as_bytes()).map_err(|e| Error::Output(format!("cannot write {}: {e}", path.display())))
}
