//! `gtt collect`: read what fetching needs of the stored histories, fetch the
//! repositories, and as each one's fetch ends (while the others are fetched) read its
//! history whole, merge, check and hand it (with its badges) to the store's ledger and
//! drop it; then the index and the summed badges, the archives of complete months, the
//! dashboard, and the report, in the input order. The pure pieces live in `history`,
//! `checks`, `report` and `archive`; this file is the order of things.

use std::io::Write;

use jiff::Timestamp;
use jiff::civil::Date;

use crate::checks::{self, Level};
use crate::config::Config;
use crate::error::Error;
use crate::fetch::all::{DEFERRED, Fetched};
use crate::fetch::{GiveOnDrop, Stored};
use crate::github::Client;
use crate::history::{self, Gap, History};
use crate::store::Backend;
use crate::store::ledger::{self, Held, Reader};
use crate::{archive, discover, escape, fetch, report};

pub(crate) fn run(c: &Config, out: &mut dyn Write) -> Result<(), Error> {
    let mut backend = super::open_store(c, &c.storage)?;
    if c.aggregate {
        return aggregate(c, backend.as_mut(), out);
    }
    let Some(c) = &super::with_repos(c, backend.as_mut(), "collecting")? else {
        let fix = "name the repositories to collect as owner/name, e.g. `--repos octo/hello` (input `repos`)";
        return Err(Error::NoHistory { place: backend.describe(), why: " and no `repos` were given", fix });
    };
    if let (Some(_), false) = (&c.dashboard_dir, c.dry_run) {
        // Before anything is fetched or written: a missing site is bad input, not a failure.
        crate::site::find_site(c.site_dir.as_deref())?;
    }
    let token = c.token.as_ref().ok_or(crate::config::Error::Unset { input: "token", fix: None })?;
    let client = Client::with_concurrency(&c.api_url, token.clone(), c.max_wait, c.concurrency);
    let mut archive_backend = c.archive.as_ref().map(|s| super::open_store(c, s)).transpose()?;
    let targets = targets(c, &client)?;
    let today = history::utc_day(c.now);
    let pass =
        Pass::new(c, &targets.repos, scope(c, targets.repos.len()), None).holding(scope_waits(c, targets.repos.len()));
    let mut run = Run { c, targets: &targets, pass, tally: Tally::new(targets.skipped.clone(), targets.repos.len()) };
    let reader = read_and_fetch(&client, c, backend.as_mut(), &mut run)?;
    drop(reader);
    log::debug!("histories held at once: peak {}", ledger::peak_held());
    log::debug!("observations held at once: peak {}", fetch::all::peak_observed());
    let Run { mut pass, mut tally, .. } = run;
    tally.settle();
    let collected = tally.outcomes.iter().any(|o| o.collected);
    pass.finish(backend.as_mut())?;
    let archived = match (archive_backend.as_mut(), pass.archives) {
        (Some(ab), Some(archiver)) => archiver.write(ab.as_mut(), c.dry_run)?,
        _ => archive::Written::default(),
    };
    if let (Some(dir), false) = (&c.dashboard_dir, c.dry_run) {
        super::dashboard::write(c, backend.as_mut(), dir)?;
    }
    let reports = tally.reports();
    if let Some((_, ours, github)) = tally.clock {
        let line = clock_line(ours, github);
        if c.action {
            writeln!(out, "{}", report::warning("gtt: clock", &line)).map_err(Error::output("stdout"))?;
        } else {
            log::warn!("{line}");
        }
    }
    let requests = requests_line(&client, reports.len());
    for (repo, why) in &tally.skipped {
        writeln!(out, "{}", report::skipped_line(repo, why)).map_err(Error::output("stdout"))?;
    }
    for r in &reports {
        print_repo(c, r, today, out).map_err(Error::output("stdout"))?;
    }
    let archive_place = archive_backend.as_ref().map_or(String::new(), |b| b.describe());
    for month in &archived.months {
        writeln!(out, "archived {month} in {archive_place}").map_err(Error::output("stdout"))?;
    }
    if archived.later > 0 {
        let n = report::count(archived.later as u64, "repository", "repositories");
        let most = archive::CATCH_UP_MONTHS;
        let line = format!("the archives of {n} wait for the next run (a run catches up at most {most} months)");
        writeln!(out, "{line}").map_err(Error::output("stdout"))?;
    }
    if c.action {
        let figs: Vec<(&str, report::Figures)> = reports.iter().map(|r| (r.repo, r.digest(today).figures)).collect();
        let outputs = report::outputs(&figs, |f| backend.public_url(f));
        let summary = report::summary(&reports, &tally.skipped, today, c.dry_run, &backend.describe())
            + &format!("\n{requests}.\n");
        action_files(c, &report::output_file_text(&outputs), &summary)?;
    }
    verdict(&reports, &tally.deferred, collected)
}

/// One collect run as the fetched repositories land, in the order their fetches end.
struct Run<'c> {
    c: &'c Config,
    targets: &'c discover::Resolved,
    pass: Pass<'c>,
    tally: Tally,
}

impl Run<'_> {
    /// One repository whose fetch ended (the `i`th of the targets): sorted, its history
    /// read whole and merged, handed over and dropped.
    fn land(
        &mut self,
        (backend, reader): (&mut dyn Backend, &mut Reader),
        i: usize,
        old: Old,
        fetched: Fetched,
    ) -> Result<(), Error> {
        let Some(repo) = self.targets.repos.get(i) else { return Ok(()) };
        let sorted = sort(self.targets, repo, fetched);
        let archives = &mut self.pass.archives;
        let read = &mut || reader.read(backend, repo, |live| wants_whole(archives, repo, live));
        let Some((outcome, merged)) = self.tally.take(self.c, i, repo, old, sorted, read)? else {
            return Ok(());
        };
        let outcome = self.pass.hand_over(backend, reader.index(), outcome, merged)?;
        self.tally.done(i, Done::Handled(Box::new(outcome)));
        Ok(())
    }
}

/// What the run does with each repository's history once merged, before dropping it:
/// hands it to the store's write (with its badges, its series kept for the sums), adds
/// what its archives need to them, and keeps what the report needs of it.
struct Pass<'c> {
    today: Date,
    /// Whether the job summary (which shows recent days) is written.
    summary: bool,
    sums: report::BadgeSums<'c>,
    archives: Option<archive::Archiver>,
    /// The repositories of the run, the time, and whether anything is written (not a dry run).
    repos: &'c [String],
    now: Timestamp,
    writes: bool,
    /// The write, opened by the first repository collected (or at once: [`Pass::open`]).
    stream: Option<ledger::Stream>,
    /// Badge files of the repositories handed over before the run knows whether it
    /// writes (until one is collected) and their scope ([`scope_waits`]): a few small
    /// texts each, dropped if it never knows (none collected writes nothing; one
    /// repository collected has only the summed badges). None: handed over at once.
    held: Option<crate::store::Files>,
    scope_waits: bool,
    /// Repositories handed over so far, and whether one of them was collected.
    handed: usize,
    collected: bool,
}

impl<'c> Pass<'c> {
    fn new(
        c: &'c Config,
        repos: &'c [String],
        scope: report::BadgeScope,
        archives: Option<archive::Archiver>,
    ) -> Pass<'c> {
        let today = history::utc_day(c.now);
        Pass {
            today,
            summary: c.action,
            sums: report::BadgeSums::new(today, &c.badges, scope),
            archives,
            repos,
            now: c.now,
            writes: !c.dry_run,
            stream: None,
            held: None,
            scope_waits: false,
            handed: 0,
            collected: false,
        }
    }

    /// The pass of a collect run: each repository's badge files held until the run knows
    /// whether it writes them ([`Pass::held`]).
    fn holding(mut self, scope_waits: bool) -> Pass<'c> {
        self.held = Some(crate::store::Files::new());
        self.scope_waits = scope_waits;
        self
    }

    /// Opens the write now, whatever is handed over (an aggregate run).
    fn open(&mut self, index: &crate::store::Index) {
        if self.writes {
            self.stream = Some(ledger::Stream::new(index, self.repos, self.now));
        }
    }

    fn hand_over(
        &mut self,
        backend: &mut dyn Backend,
        index: &crate::store::Index,
        mut outcome: Outcome,
        mut merged: Held,
    ) -> Result<Outcome, Error> {
        // Before the write, which leaves only the live part of a split history.
        if let Some(archives) = self.archives.as_mut() {
            archives.add(&outcome.repo, &merged);
        }
        self.handed += 1;
        self.collected |= outcome.collected;
        if self.writes {
            if self.stream.is_none() && self.collected {
                self.open(index);
            }
            // The badges held go out once the run knows it writes them, and their scope.
            let release = self.collected && (self.handed > 1 || !self.scope_waits);
            let mut gate = Gate { sums: &mut self.sums, held: &mut self.held, release };
            match self.stream.as_mut() {
                Some(stream) => stream.put(backend, &mut merged, outcome.collected, &mut gate)?,
                None => drop(ledger::Derive::repo(&mut gate, &merged)),
            }
        }
        outcome.digest = report::digest(&merged, self.today);
        if self.summary {
            outcome.recent = report::recent(&merged, self.today);
        }
        Ok(outcome)
    }

    /// Writes the index and the summed badges, when a repository was collected (or the
    /// run aggregates).
    fn finish(&mut self, backend: &mut dyn Backend) -> Result<(), Error> {
        if let Some(stream) = self.stream.take() {
            stream.finish(backend, &mut Gate { sums: &mut self.sums, held: &mut self.held, release: false })?;
        }
        Ok(())
    }
}

/// Whether the scope of a run's badges ([`scope`]) waits for the repositories collected:
/// a run over several (not a shard) writes each one's own badges only when more than
/// one is handed over, which it knows for sure once two were.
fn scope_waits(c: &Config, repos: usize) -> bool {
    scope(c, repos).per_repo && !matches!(c.shard, Some((_, n)) if n > 1)
}

/// The badge sums as a stream's [`ledger::Derive`], holding each repository's own
/// files while the run does not know yet whether it writes them ([`Pass::held`]).
struct Gate<'a, 'c> {
    sums: &'a mut report::BadgeSums<'c>,
    held: &'a mut Option<crate::store::Files>,
    /// Whether the held files go out with the next repository's.
    release: bool,
}

impl ledger::Derive for Gate<'_, '_> {
    fn repo(&mut self, h: &History) -> crate::store::Files {
        let files = self.sums.repo_files(h);
        let Some(held) = self.held.as_mut() else { return files };
        held.extend(files);
        if self.release { self.held.take().unwrap_or_default() } else { crate::store::Files::new() }
    }

    fn summed(&self) -> crate::store::Files {
        self.sums.summed_files()
    }
}

/// The repositories this job collects: globs resolved, exclusions and filters applied,
/// cut to the shard.
fn targets(c: &Config, client: &Client) -> Result<discover::Resolved, Error> {
    let mut t = if c.repo_specs.iter().any(discover::Spec::is_glob) {
        discover::resolve(client, &c.repo_specs, c.filters).map_err(|e| Error::Incomplete(e.to_string()))?
    } else {
        discover::select(&c.repo_specs, &[], c.filters)
    };
    if let Some((i, n)) = c.shard {
        t.repos.retain(|r| discover::shard_of(r, n) == i);
        log::info!("shard {i}/{n}: {}", report::count(t.repos.len() as u64, "repository", "repositories"));
    }
    if t.repos.is_empty() && c.shard.is_none() {
        return Err(Error::Incomplete(
            "input `repos` matched no repository (check the globs, exclusions and include-* inputs)".into(),
        ));
    }
    Ok(t)
}

/// Reads the stored histories and fetches the repositories, each landing in `run` as its
/// fetch ends. One repository is fetched while the store is read: what needs nothing
/// stored goes out at once (the runs listing), the conditional requests wait for their
/// ETags. Several are read first, one at a time, for what fetching needs of each
/// ([`Reader::brief`]); each is read whole when its fetch ends, while the others are
/// fetched.
fn read_and_fetch(client: &Client, c: &Config, backend: &mut dyn Backend, run: &mut Run<'_>) -> Result<Reader, Error> {
    let targets = run.targets;
    let repos = &targets.repos;
    let [repo] = repos.as_slice() else {
        let (mut reader, briefs, archives) =
            read_with_budget(client, backend, repos, c, |b, r| read_briefs(b, r, repos, c))?;
        run.pass.archives = archives;
        // Once fetched, a brief's validators and caches are spent: only its last day is kept.
        let last: Vec<Option<Date>> = briefs.iter().map(|b| b.days.keys().next_back().copied()).collect();
        fetch::all::all(client, c, repos, briefs, &mut |i, r| {
            let old = Old::Brief(last.get(i).copied().flatten());
            run.land((&mut *backend, &mut reader), i, old, r)
        })?;
        return Ok(reader);
    };
    let gate = Stored::default();
    let (read, fetched) = std::thread::scope(|s| {
        let fetch = s.spawn(|| {
            let mut out = None;
            let sink = &mut |_, r| {
                out = Some(r);
                Ok::<(), std::convert::Infallible>(())
            };
            let _ = fetch::all::all(client, c, repos, vec![&gate], sink);
            out
        });
        let read = {
            // A failed read stops the requests waiting for it.
            let _give = GiveOnDrop(&gate);
            // Given to the requests at once, before the archives' ledger is in.
            let read = |b: &mut dyn Backend, r: &mut Reader| {
                r.read(b, repo, |_| false).map(|h| gate.give(Some(h.into_inner())))
            };
            read_with_budget(client, backend, repos, c, read).map(|(reader, (), archives)| (reader, archives))
        };
        (read, fetch.join())
    });
    let (mut reader, archives) = read?;
    run.pass.archives = archives;
    let failed = || Err(fetch::Error::new(repo, fetch::Kind::Other, "the fetch thread failed"));
    let fetched = fetched.ok().flatten().unwrap_or_else(failed);
    let mut stored = Held::new(gate.into_inner().unwrap_or_else(|| History::new(repo)));
    if wants_whole(&mut run.pass.archives, repo, &stored) {
        stored = reader.join_settled(backend, stored)?;
    }
    run.land((backend, &mut reader), 0, Old::Whole(Box::new(stored)), fetched)?;
    Ok(reader)
}

/// Opens the store's index and reads the stored histories with `read` (one repository's
/// whole, several as briefs), and the archives' plan when archives are on. The
/// archives' ledger and the rate budget are read meanwhile, so neither costs a round
/// trip of its own; a single repository has nothing to plan (its first answers tell the
/// budget).
fn read_with_budget<T>(
    client: &Client,
    backend: &mut dyn Backend,
    repos: &[String],
    c: &Config,
    read: impl FnOnce(&mut dyn Backend, &mut Reader) -> Result<T, crate::store::Error>,
) -> Result<(Reader, T, Option<archive::Archiver>), Error> {
    let (loaded, budget) = std::thread::scope(|s| {
        let probe = (repos.len() > 1).then(|| s.spawn(|| client.probe_budget()));
        let ledger = c.archive.as_ref().map(|a| s.spawn(|| open_archives(c, a)));
        let loaded = Reader::open(backend, repos, c.now).map_err(Error::from).and_then(|mut reader| {
            let t = read(&mut *backend, &mut reader)?;
            let joined = ledger.map(|l| l.join().unwrap_or_else(|_| Err(Error::Incomplete(LEDGER_THREAD.into()))));
            Ok((reader, t, joined.transpose()?))
        });
        (loaded, probe.and_then(|p| p.join().ok().flatten()))
    });
    let (reader, stored, archives) = loaded?;
    let index = reader.index();
    let known = repos.iter().filter(|r| index.repos.keys().any(|k| k.eq_ignore_ascii_case(r))).count();
    if index.repos.is_empty() {
        log::info!("new store: no history yet in {}", backend.describe());
    } else {
        let n = report::count(known as u64, "repository", "repositories");
        log::info!("read the stored history of {n} from {} ({} new)", backend.describe(), repos.len() - known);
    }
    if let Some(b) = budget {
        log::info!(
            "rate limit: {} of {} requests left, resets at {}",
            b.remaining.unwrap_or(0),
            b.limit.unwrap_or(0),
            b.reset.and_then(|r| Timestamp::from_second(r).ok()).map_or("?".to_string(), |t| t.to_string())
        );
    }
    Ok((reader, stored, archives))
}

const LEDGER_THREAD: &str = "the thread reading the archives' ledger failed";

/// The archives' plan for this run, from their ledger, read through a store of its own
/// (the run's archive store writes at the end).
fn open_archives(c: &Config, at: &crate::config::Storage) -> Result<archive::Archiver, Error> {
    let mut backend = super::open_store(c, at)?;
    Ok(archive::Archiver::open(backend.as_mut(), history::utc_day(c.now))?)
}

/// The [`Reader::brief`] of each repository, read in turn (each is read whole again when
/// its fetch ends).
fn read_briefs(
    backend: &mut dyn Backend,
    reader: &mut Reader,
    repos: &[String],
    c: &Config,
) -> Result<Vec<ledger::Brief>, crate::store::Error> {
    let today = history::utc_day(c.now);
    // The window and the day before it: the progress line counts the window's new days.
    let from = today.checked_sub(jiff::Span::new().days(history::WINDOW_DAYS + 1)).unwrap_or(today);
    repos.iter().map(|repo| reader.brief(backend, repo, from)).collect()
}

impl fetch::all::Given for ledger::Brief {
    type Ready = Box<Stored>;

    fn last_collected(&self) -> Option<Timestamp> {
        self.last_collected
    }

    fn ready(self, repo: &str) -> Box<Stored> {
        match self.open(repo) {
            Ok(h) => Box::new(Stored::ready(h)),
            // Text this run wrote; should it not parse, the requests that need it fail.
            Err(e) => {
                log::error!("{}: the brief read for its fetch: {e}", escape::terminal(repo));
                let stored = Box::<Stored>::default();
                stored.give(None);
                stored
            }
        }
    }
}

/// Whether the archives (when on) need `repo`'s history whole, from its live file.
fn wants_whole(archives: &mut Option<archive::Archiver>, repo: &str, live: &History) -> bool {
    archives.as_mut().is_some_and(|a| a.wants_whole(repo, live))
}

/// A stored history as the read left it: whole (one repository, read while it was
/// fetched), or, of several, the last stored day of its [`Reader::brief`] (the history is
/// read whole when merged).
enum Old {
    Whole(Box<Held>),
    Brief(Option<Date>),
}

impl Old {
    fn last_day(&self) -> Option<Date> {
        match self {
            Old::Whole(h) => h.days.keys().next_back().copied(),
            Old::Brief(d) => *d,
        }
    }

    fn whole(self, read: &mut dyn FnMut() -> Result<Held, crate::store::Error>) -> Result<Held, Error> {
        match self {
            Old::Whole(h) => Ok(*h),
            Old::Brief(_) => Ok(read()?),
        }
    }
}

/// What one repository's fetch came to.
enum Sorted {
    /// Out of budget: left for the next run.
    Deferred(fetch::Error),
    /// A repository a glob picked that the token may not read.
    Skipped(String),
    Failed(String),
    Fetched(Box<fetch::all::Observed>, Option<fetch::Error>),
}

fn sort(targets: &discover::Resolved, repo: &str, result: Fetched) -> Sorted {
    match result {
        Err(e) if e.is_rate_limited() => Sorted::Deferred(e),
        Err(e) if e.is_access() && !targets.explicit.iter().any(|r| r.eq_ignore_ascii_case(repo)) => {
            Sorted::Skipped(e.message)
        }
        Err(e) => Sorted::Failed(e.message),
        Ok((obs, ci_error)) => Sorted::Fetched(Box::new(obs), ci_error),
    }
}

/// One repository's outcome in this run: what the report needs, its history dropped.
struct Outcome {
    repo: String,
    /// The history's recent days, and the figures of the whole ([`report::recent`]).
    recent: History,
    digest: report::Digest,
    /// Days added and days raised against the stored history, counted before the write.
    changes: (usize, usize),
    gap: Option<Gap>,
    error: Option<String>,
    collected: bool,
    warnings: Vec<String>,
    /// How CI was counted this run, where it was.
    ci: Option<history::CiSource>,
}

impl Outcome {
    fn new(repo: &str) -> Outcome {
        Outcome {
            repo: repo.to_string(),
            recent: History::new(repo),
            digest: report::Digest::default(),
            changes: (0, 0),
            gap: None,
            error: None,
            collected: false,
            warnings: Vec::new(),
            ci: None,
        }
    }

    fn report(&self) -> report::RepoReport<'_> {
        report::RepoReport {
            repo: &self.repo,
            history: (self.digest.figures.covered_days > 0).then_some(&self.recent),
            digest: Some(self.digest.clone()),
            new_days: self.changes.0,
            raised_days: self.changes.1,
            new_gap: self.gap,
            error: self.error.clone(),
            warnings: self.warnings.clone(),
            ci: self.ci.clone(),
        }
    }
}

/// What happened to each repository, in order.
struct Tally {
    skipped: Vec<(String, String)>,
    /// Deferred by the rate limit, and whether that loses days.
    deferred: Vec<(String, bool)>,
    outcomes: Vec<Outcome>,
    /// The run's clock and GitHub's, when they disagree by more than [`CLOCK_SLACK`]:
    /// the first repository's (in the input order) that says so.
    clock: Option<(usize, Timestamp, Timestamp)>,
    /// What each repository came to, by its place in the input order, as the fetches
    /// end (in any order); [`Tally::settle`] puts them in the lists above.
    done: Vec<Option<Done>>,
}

/// What one repository came to.
enum Done {
    /// A repository a glob picked that the token may not read, and why it is skipped.
    Skipped(String, String),
    /// Deferred by the rate limit: why, and whether that loses days.
    Deferred(String, String, bool),
    Handled(Box<Outcome>),
}

/// How far the run's clock (or `now`) may be from GitHub's before the run says so.
const CLOCK_SLACK: jiff::SignedDuration = jiff::SignedDuration::from_hours(1);

impl Tally {
    fn new(skipped: Vec<(String, String)>, repos: usize) -> Tally {
        let done = std::iter::repeat_with(|| None).take(repos).collect();
        Tally { skipped, deferred: Vec::new(), outcomes: Vec::new(), clock: None, done }
    }

    /// Sorts the `i`th repository into deferred or skipped, or reads its whole stored
    /// history (`read`) and gives its outcome with the history merged.
    fn take(
        &mut self,
        c: &Config,
        i: usize,
        repo: &str,
        old: Old,
        sorted: Sorted,
        read: &mut dyn FnMut() -> Result<Held, crate::store::Error>,
    ) -> Result<Option<(Outcome, Held)>, Error> {
        match sorted {
            // Out of budget: left for the next run, loudly if that loses days.
            Sorted::Deferred(e) => {
                let loses = deferral_loses_days(old.last_day(), history::utc_day(c.now));
                self.done(i, Done::Deferred(repo.to_string(), deferral_reason(loses, &e.message), loses));
                Ok(None)
            }
            Sorted::Skipped(why) => {
                self.done(i, Done::Skipped(repo.to_string(), why));
                Ok(None)
            }
            Sorted::Failed(why) => Ok(Some((Outcome { error: Some(why), ..Outcome::new(repo) }, old.whole(read)?))),
            Sorted::Fetched(obs, ci_error) => {
                if let Some(github) = obs.github_now.filter(|g| c.now.duration_since(*g).abs() > CLOCK_SLACK)
                    && self.clock.is_none_or(|(j, _, _)| i < j)
                {
                    self.clock = Some((i, c.now, github));
                }
                let old = old.whole(read)?;
                Ok(Some(merge(c, repo, &old, &obs, ci_error)?))
            }
        }
    }

    fn done(&mut self, i: usize, d: Done) {
        if let Some(slot) = self.done.get_mut(i) {
            *slot = Some(d);
        }
    }

    /// The lists in the input order, once every repository is done.
    fn settle(&mut self) {
        for d in std::mem::take(&mut self.done).into_iter().flatten() {
            match d {
                Done::Skipped(repo, why) => self.skipped.push((repo, why)),
                Done::Deferred(repo, why, loses) => {
                    self.skipped.push((repo.clone(), why));
                    self.deferred.push((repo, loses));
                }
                Done::Handled(outcome) => self.outcomes.push(*outcome),
            }
        }
    }

    fn reports(&self) -> Vec<report::RepoReport<'_>> {
        self.outcomes.iter().map(Outcome::report).collect()
    }
}

fn deferral_reason(loses: bool, why: &str) -> String {
    if loses {
        format!(
            "{DEFERRED} and its oldest days leave GitHub's 14-day window after today: run again today (after the rate limit resets) or they are lost ({why})"
        )
    } else {
        format!("{DEFERRED}; nothing is lost if the next run is within a few days ({why})")
    }
}

/// Merges what one repository's collection observed into its stored history, with the
/// warnings the run gives about it.
fn merge(
    c: &Config,
    repo: &str,
    old: &History,
    obs: &history::Observation,
    ci_error: Option<fetch::Error>,
) -> Result<(Outcome, Held), Error> {
    // Stamped with GitHub's clock: a wrong local clock (or `now`) must not date a day.
    let fragment = History::from_observation(repo, obs.github_now.unwrap_or(c.now), obs);
    let merged = old.merge(&fragment);
    old.check_no_loss(&merged).map_err(|why| {
        crate::store::Error::Refused(format!(
            "{repo}: refusing to write a history that would lose data ({why}); this is a gtt bug, please report it"
        ))
    })?;
    let gap = new_gap(old, &fragment);
    let mut found = vec![];
    // Once days are lost, the gap warning says so; before, warn that they will be.
    if old.last_collected.is_some() && gap.is_none() {
        found.push(checks::staleness(repo, old.last_collected, c.now));
    }
    if c.action {
        found.push(checks::schedule(repo, obs.pushed_at, obs.private, c.now));
    }
    let mut warnings: Vec<String> =
        found.into_iter().filter(|k| k.level != Level::Ok).map(|k| format!("{}; {}", k.what, k.fix)).collect();
    // CI days are recounted over the whole window next run: a rate limit here loses nothing.
    let error = match ci_error {
        Some(e) if e.is_rate_limited() => {
            warnings.push(format!("{repo}: {}; recounted next run", e.message));
            None
        }
        e => e.map(|e| e.message),
    };
    let ci = obs.ci.as_ref().map(|c| c.source.clone());
    warnings.extend(ci.as_ref().and_then(|c| c.warning.clone()));
    let changes = count_changes(old, &merged);
    Ok((Outcome { changes, gap, error, collected: true, warnings, ci, ..Outcome::new(repo) }, Held::new(merged)))
}

/// Whether leaving a history whose last stored day is `last` for a later run loses
/// days: GitHub's window tomorrow no longer holds today's oldest day, so if the stored
/// days stop before it (or there are none), that day is gone unless collected today.
fn deferral_loses_days(last: Option<Date>, today: Date) -> bool {
    let oldest_in_window = today.checked_sub(jiff::Span::new().days(history::WINDOW_DAYS - 1)).unwrap_or(today);
    last.is_none_or(|last| last < oldest_in_window)
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

/// A shard sees part of the repositories: it writes their own badges, and the
/// aggregate job the sums.
fn scope(c: &Config, repos: usize) -> report::BadgeScope {
    match c.shard {
        Some((_, n)) if n > 1 => report::BadgeScope { per_repo: true, summed: false },
        _ => report::BadgeScope::whole(repos),
    }
}

fn clock_line(ours: Timestamp, github: Timestamp) -> String {
    format!(
        "the run's clock says {ours} but GitHub's says {github}: days were dated and windowed by GitHub's clock, and only days its window covers were stored (set the machine's clock right, or pass a `now` close to GitHub's)"
    )
}

fn requests_line(client: &Client, repos: usize) -> String {
    let u = client.usage();
    let line = format!(
        "{} requests to GitHub for traffic ({} answered 304 Not Modified, free); quota used: {}; rate limit left: {}",
        u.requests,
        u.not_modified,
        u.quota_used,
        u.remaining.map_or("unknown".to_string(), |n| n.to_string())
    );
    log::info!("{line}");
    log::debug!("requests per repository: {:.1}", u.requests as f64 / repos.max(1) as f64);
    line
}

/// Exit 1 when a repository failed, or when one the rate limit deferred loses days.
fn verdict(reports: &[report::RepoReport<'_>], deferred: &[(String, bool)], stored: bool) -> Result<(), Error> {
    let failed: Vec<&str> = reports.iter().filter(|r| r.error.is_some()).map(|r| r.repo).collect();
    let losing: Vec<&str> = deferred.iter().filter(|(_, loses)| *loses).map(|(r, _)| r.as_str()).collect();
    if !deferred.is_empty() {
        let n = report::count(deferred.len() as u64, "repository", "repositories");
        log::warn!("{n} deferred to the next run: the rate limit could not cover them");
    }
    if !failed.is_empty() {
        return Err(Error::Incomplete(format!(
            "{} of {} had errors: {}{}",
            failed.len(),
            report::count(reports.len() as u64, "repository", "repositories"),
            failed.join(", "),
            if stored { " (what was collected was stored)" } else { "" }
        )));
    }
    if !losing.is_empty() {
        return Err(Error::Incomplete(format!(
            "{} deferred by the rate limit and will lose days unless collected today: {} (run again after the limit resets, or split the repositories across tokens or shards)",
            report::count(losing.len() as u64, "repository was", "repositories were"),
            losing.join(", ")
        )));
    }
    Ok(())
}

/// `aggregate: true`, the job after a sharded matrix: collects nothing, recomputes the
/// summed badges (and each repository's) from every history the index lists, one at a
/// time, and reports over all of them.
fn aggregate(c: &Config, backend: &mut dyn Backend, out: &mut dyn Write) -> Result<(), Error> {
    let index = Reader::open(backend, &[], c.now)?.index().clone();
    let repos: Vec<String> = index.repos.keys().cloned().collect();
    // Every history is read whole before the stream's files are in place (see
    // `ledger::Stream`): one that cannot be read still stops the job before any write.
    let mut reader = Reader::open(backend, &repos, c.now)?;
    let today = history::utc_day(c.now);
    let mut pass = Pass::new(c, &repos, report::BadgeScope::whole(repos.len()), None);
    pass.open(reader.index());
    let mut outcomes = Vec::new();
    for repo in &repos {
        let h = reader.read(backend, repo, |_| false)?;
        outcomes.push(pass.hand_over(backend, reader.index(), Outcome::new(repo), h)?);
    }
    pass.finish(backend)?;
    let n = report::count(outcomes.len() as u64, "repository", "repositories");
    writeln!(out, "aggregated {n} in {}", backend.describe()).map_err(Error::output("stdout"))?;
    if c.action {
        let reports: Vec<report::RepoReport<'_>> = outcomes.iter().map(Outcome::report).collect();
        let figs: Vec<(&str, report::Figures)> = reports.iter().map(|r| (r.repo, r.digest(today).figures)).collect();
        let outputs = report::output_file_text(&report::outputs(&figs, |f| backend.public_url(f)));
        let summary = report::summary(&reports, &[], today, c.dry_run, &backend.describe());
        action_files(c, &outputs, &summary)?;
    }
    Ok(())
}

fn print_repo(c: &Config, r: &report::RepoReport<'_>, today: Date, out: &mut dyn Write) -> std::io::Result<()> {
    if let Some(e) = &r.error {
        if c.action {
            writeln!(out, "{}", report::error(&format!("gtt: {}", r.repo), e))?;
        }
        // The report's line for the terminal, whatever the log level.
        eprintln!("{}", report::failed_line(r.repo, e));
    }
    if c.action {
        writeln!(out, "{}", report::group(r.repo))?;
    }
    if r.history.is_some() {
        writeln!(out, "{}", report::repo_line(r, today, c.dry_run))?;
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

/// Appends to the runner's step-outputs and job-summary files, when set.
fn action_files(c: &Config, outputs: &str, summary: &str) -> Result<(), Error> {
    if let Some(path) = &c.output_file {
        append(path, outputs)?;
    }
    if let Some(path) = &c.summary_file {
        append(path, summary)?;
    }
    Ok(())
}

fn append(path: &std::path::Path, text: &str) -> Result<(), Error> {
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(Error::output(path.display().to_string()))?;
    f.write_all(text.as_bytes()).map_err(Error::output(path.display().to_string()))
}
