//! gtt keeps GitHub's 14-day traffic forever.
//!
//! The modules follow the data: [`config`] -> [`github`] client -> [`fetch`] ->
//! [`history`] (pure merge) -> [`report`] (pure outputs and summary) -> [`store`].
//! [`run`] wires them together and maps every failure to a documented exit code.
#![cfg_attr(not(test), warn(clippy::indexing_slicing, clippy::expect_used, clippy::panic))]

pub mod badge;
pub mod config;
pub mod dashboard;
pub mod fetch;
pub mod github;
pub mod history;
pub mod report;
pub mod store;

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;

use jiff::Timestamp;
use jiff::civil::Date;

use config::{Command, Config, Format, Storage};
use history::{Gap, History};
use store::{Backend, Files, INDEX_FILE, Index};

/// How often a run re-reads and re-merges after losing a race to another writer.
const MAX_REWRITES: usize = 3;

/// Everything that can end a run, each mapped to one exit code.
#[derive(Debug)]
pub enum Error {
    Config(config::Error),
    /// Stored history could not be read, or a write was refused or failed.
    Storage(String),
    /// One or more repositories could not be collected (others were stored).
    Failed(String),
    Output(String),
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config(e) => write!(f, "{e}"),
            Error::Storage(m) | Error::Failed(m) | Error::Output(m) => f.write_str(m),
        }
    }
}

impl std::error::Error for Error {}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Config(_) => config::EXIT_USAGE,
            Error::Storage(_) => config::EXIT_STORAGE,
            Error::Failed(_) | Error::Output(_) => config::EXIT_FAILED,
        }
    }
}

impl From<config::Error> for Error {
    fn from(e: config::Error) -> Self {
        Error::Config(e)
    }
}

fn storage_err(e: store::Error) -> Error {
    Error::Storage(format!("{e}"))
}

/// The whole program behind `main`: arguments without the program name, the
/// environment, and the wall clock, which logic below only sees as `Config::now`.
pub fn run(args: &[String], env: &BTreeMap<String, String>, clock: Timestamp, out: &mut dyn Write) -> u8 {
    let action = env.get("GITHUB_ACTIONS").is_some_and(|v| v == "true");
    if action {
        // Before anything else is printed, so no later line can show a token.
        for s in config::secrets_to_mask(args, env) {
            let _ = writeln!(out, "::add-mask::{}", report::escape_data(&s));
        }
    }
    let result = config::parse(args, env, clock).map_err(Error::from).and_then(|c| match c.command {
        Command::Help => writeln!(out, "{}", config::help_text()).map_err(|e| Error::Output(e.to_string())),
        Command::Version => {
            writeln!(out, "gtt {}", env!("CARGO_PKG_VERSION")).map_err(|e| Error::Output(e.to_string()))
        }
        Command::Collect => collect(&c, out),
        Command::Export => export(&c, out),
        Command::Dashboard => dashboard(&c, out),
    });
    match result {
        Ok(()) => config::EXIT_OK,
        Err(e) => {
            let line = e.to_string();
            if action {
                let _ = writeln!(out, "{}", report::error("gtt", &line));
            }
            eprintln!("error: {}", report::escape_terminal(&line));
            e.exit_code()
        }
    }
}

fn utc_day(t: Timestamp) -> Date {
    t.to_zoned(jiff::tz::TimeZone::UTC).date()
}

fn open_backend(c: &Config, token: Option<&config::Secret>) -> Result<Box<dyn Backend>, Error> {
    Ok(match &c.storage {
        Storage::Folder(dir) => Box::new(store::folder(dir)),
        Storage::Gist(id) => {
            let token = token.ok_or_else(|| Error::Config(config::Error("input `gist-token` is not set".into())))?;
            Box::new(store::gist(github::Client::new(&c.api_url, token.clone(), c.max_wait), id))
        }
    })
}

/// Reads the index and the named repositories' histories. Any file that exists but
/// cannot be parsed stops the run before anything is written.
fn load(backend: &mut dyn Backend, repos: &[String]) -> Result<(Index, Vec<History>), Error> {
    let mut names = vec![INDEX_FILE.to_string()];
    names.extend(repos.iter().map(|r| store::history_file(r)));
    let files = backend.read(&names).map_err(storage_err)?;
    parse_files(&files, repos, &backend.describe())
}

fn parse_files(files: &Files, repos: &[String], place: &str) -> Result<(Index, Vec<History>), Error> {
    let refuse = |name: &str, why: String| {
        Error::Storage(format!(
            "{name} in {place} cannot be used: {why}; nothing was written (fix or restore the file from the gist's revisions, then run again)"
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
            None => History::new(repo),
        });
    }
    Ok((index, histories))
}

/// Fetches repositories on `concurrency` worker threads; results keep the input order.
fn fetch_all(
    client: &github::Client,
    repos: &[String],
    concurrency: usize,
) -> Vec<Result<history::Observation, fetch::Error>> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    let next = AtomicUsize::new(0);
    let stop = AtomicBool::new(false);
    let results: Mutex<BTreeMap<usize, Result<history::Observation, fetch::Error>>> = Mutex::new(BTreeMap::new());
    std::thread::scope(|s| {
        for _ in 0..concurrency.min(repos.len()).max(1) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(repo) = repos.get(i) else { break };
                    let r = if stop.load(Ordering::SeqCst) {
                        Err(fetch::Error {
                            repo: repo.clone(),
                            message: "skipped after an error that affects every repository".into(),
                            fatal: true,
                        })
                    } else {
                        fetch::repository(client, repo)
                    };
                    if r.as_ref().is_err_and(|e| e.fatal) {
                        stop.store(true, Ordering::SeqCst);
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
            map.remove(&i).unwrap_or_else(|| {
                Err(fetch::Error {
                    repo: repos.get(i).cloned().unwrap_or_default(),
                    message: "not fetched".into(),
                    fatal: false,
                })
            })
        })
        .collect()
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

/// The files a set of histories is stored as, with the index.
fn render(index: &Index, histories: &[History], now: Timestamp) -> Files {
    let mut index = index.clone();
    let mut files = Files::new();
    for h in histories {
        let name = store::history_file(&h.repo);
        if !index.repos.keys().any(|r| r.eq_ignore_ascii_case(&h.repo)) {
            index.repos.insert(h.repo.clone(), name.clone());
        }
        let mut h = h.clone();
        h.written_by = env!("CARGO_PKG_VERSION").to_string();
        files.insert(name, h.to_json());
    }
    index.updated = index.updated.max(Some(now));
    files.insert(INDEX_FILE.to_string(), index.to_json());
    files
}

fn collect(c: &Config, out: &mut dyn Write) -> Result<(), Error> {
    let Some(token) = &c.token else {
        return Err(Error::Config(config::Error("no token".into())));
    };
    let client = github::Client::new(&c.api_url, token.clone(), c.max_wait);
    let mut backend = open_backend(c, c.gist_token.as_ref())?;
    let (index, stored) = load(backend.as_mut(), &c.repos)?;
    log::info!("read the history of {} repositories from {}", stored.len(), backend.describe());

    let fetched = fetch_all(&client, &c.repos, c.concurrency);
    let today = utc_day(c.now);

    let mut merged: Vec<History> = Vec::new();
    let mut gaps: Vec<Option<Gap>> = Vec::new();
    let mut errors: Vec<Option<String>> = Vec::new();
    for ((repo, old), result) in c.repos.iter().zip(&stored).zip(fetched) {
        match result {
            Ok(obs) => {
                let fragment = History::from_observation(repo, c.now, &obs);
                let new = old.merge(&fragment);
                old.check_no_loss(&new)
                    .map_err(|why| Error::Storage(format!("{repo}: refusing to write a history that would lose data ({why}); this is a gtt bug, please report it")))?;
                gaps.push(new_gap(old, &fragment));
                errors.push(None);
                merged.push(new);
            }
            Err(e) => {
                gaps.push(None);
                errors.push(Some(e.message.clone()));
                merged.push(old.clone());
            }
        }
    }

    let collected: Vec<History> =
        merged.iter().zip(&errors).filter(|(_, e)| e.is_none()).map(|(h, _)| h.clone()).collect();
    if !c.dry_run && !collected.is_empty() {
        write_with_retries(backend.as_mut(), &index, collected.clone(), &c.repos, c.now, &mut merged)?;
    }

    // Tell people what happened.
    let reports: Vec<report::RepoReport<'_>> = c
        .repos
        .iter()
        .enumerate()
        .map(|(i, repo)| {
            let (old, new) = (stored.get(i), merged.get(i));
            let (new_days, raised_days) = match (old, new) {
                (Some(o), Some(n)) => count_changes(o, n),
                _ => (0, 0),
            };
            report::RepoReport {
                repo,
                history: new.filter(|h| !h.days.is_empty()),
                new_days,
                raised_days,
                new_gap: gaps.get(i).copied().flatten(),
                error: errors.get(i).cloned().flatten(),
            }
        })
        .collect();
    let io = |e: std::io::Error| Error::Output(format!("cannot write output: {e}"));
    for r in &reports {
        print_repo(c, r, today, out).map_err(io)?;
    }
    if c.action {
        let refs: Vec<&History> = merged.iter().collect();
        let outputs = report::outputs(&refs, today);
        let summary = report::summary(&reports, today, c.dry_run, &backend.describe());
        if let Some(path) = &c.output_file {
            append(path, &report::output_file_text(&outputs))?;
        }
        if let Some(path) = &c.summary_file {
            append(path, &summary)?;
        }
    }

    let failed: Vec<&str> = reports.iter().filter(|r| r.error.is_some()).map(|r| r.repo).collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Error::Failed(format!(
            "{} of {} repositories failed: {}{}",
            failed.len(),
            reports.len(),
            failed.join(", "),
            if collected.is_empty() { "" } else { " (the others were stored)" }
        )))
    }
}

/// Writes, then merges whatever a concurrent writer landed meanwhile and writes again,
/// a bounded number of times. `merged` is updated with what ends up stored.
fn write_with_retries(
    backend: &mut dyn Backend,
    index: &Index,
    mut collected: Vec<History>,
    repos: &[String],
    now: Timestamp,
    merged: &mut [History],
) -> Result<(), Error> {
    let mut index = index.clone();
    let mut names = vec![INDEX_FILE.to_string()];
    names.extend(repos.iter().map(|r| store::history_file(r)));
    for round in 0..=MAX_REWRITES {
        let files = render(&index, &collected, now);
        let concurrent = backend.write(&files, &names).map_err(storage_err)?;
        if concurrent.is_empty() {
            break;
        }
        if round == MAX_REWRITES {
            return Err(Error::Storage(format!(
                "{} kept changing during this run ({MAX_REWRITES} rewrites); the other writer's data is in its revisions. Serialize runs with a workflow `concurrency:` group",
                backend.describe()
            )));
        }
        let before = collected.clone();
        for files in &concurrent {
            let (other_index, others) = parse_files(files, repos, &backend.describe())?;
            index = index.merge(&other_index);
            for h in collected.iter_mut() {
                if let Some(o) = others.iter().find(|o| o.repo.eq_ignore_ascii_case(&h.repo)) {
                    *h = h.merge(o);
                }
            }
        }
        if collected == before && concurrent.iter().all(|f| f.get(INDEX_FILE).is_none()) {
            break;
        }
    }
    for h in collected {
        if let Some(m) = merged.iter_mut().find(|m| m.repo.eq_ignore_ascii_case(&h.repo)) {
            *m = h;
        }
    }
    Ok(())
}

fn print_repo(c: &Config, r: &report::RepoReport<'_>, today: Date, out: &mut dyn Write) -> std::io::Result<()> {
    if let Some(e) = &r.error {
        if c.action {
            writeln!(out, "{}", report::error(&format!("gtt: {}", r.repo), e))?;
        }
        eprintln!("{}: FAILED: {}", r.repo, report::escape_terminal(e));
        return Ok(());
    }
    if c.action {
        writeln!(out, "::group::{}", report::escape_data(r.repo))?;
    }
    if let Some(h) = r.history {
        let f = report::figures(h, today);
        writeln!(
            out,
            "{}: {} views, {} clones over {} days ({} new, {} raised){}; last 14 days: {} views, {} clones; {} stars, {} downloads",
            r.repo,
            report::group_digits(f.total.views),
            report::group_digits(f.total.clones),
            f.covered_days,
            r.new_days,
            r.raised_days,
            if c.dry_run { " [dry run: not written]" } else { "" },
            report::group_digits(f.last14.views),
            report::group_digits(f.last14.clones),
            report::group_digits(f.stars.unwrap_or(0)),
            report::group_digits(f.downloads),
        )?;
    }
    if c.action {
        writeln!(out, "::endgroup::")?;
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

fn export(c: &Config, out: &mut dyn Write) -> Result<(), Error> {
    let mut backend = open_backend(c, c.gist_token.as_ref())?;
    let (index, _) = load(backend.as_mut(), &[])?;
    let mut repos: Vec<String> = index.repos.keys().cloned().collect();
    if !c.repos.is_empty() {
        repos.retain(|r| c.repos.iter().any(|w| w.eq_ignore_ascii_case(r)));
    }
    let (_, histories) = load(backend.as_mut(), &repos)?;
    let text = match c.format {
        Format::Json => {
            let v = serde_json::json!({ "schema": history::SCHEMA, "repos": histories });
            serde_json::to_string(&v).map_err(|e| Error::Output(e.to_string()))? + "\n"
        }
        Format::Csv => csv(&histories),
    };
    out.write_all(text.as_bytes()).map_err(|e| Error::Output(format!("cannot write export: {e}")))
}

/// Writes the site with a config pointing at the gist's raw files, or, for a folder,
/// with a copy of the data beside it.
fn dashboard(c: &Config, out: &mut dyn Write) -> Result<(), Error> {
    let Some(dest) = &c.out else {
        return Err(Error::Config(config::Error("input `out` is not set".into())));
    };
    let site = dashboard::find_site(c.site_dir.as_deref()).map_err(|e| Error::Failed(e.to_string()))?;
    let mut backend = open_backend(c, c.gist_token.as_ref())?;
    let (index, _) = load(backend.as_mut(), &[])?;
    let mut names = vec![INDEX_FILE.to_string()];
    names.extend(index.repos.values().cloned());
    let files = backend.read(&names).map_err(storage_err)?;
    let (config, data) = match backend.public_url("") {
        Some(base) => (dashboard::SiteConfig { source: base }, None),
        None => (dashboard::SiteConfig { source: "data/".into() }, Some(&files)),
    };
    dashboard::write_site(&site, dest, &config, data).map_err(|e| Error::Output(e.to_string()))?;
    writeln!(out, "dashboard written to {} (data: {})", dest.display(), config.source)
        .map_err(|e| Error::Output(e.to_string()))
}

/// One row per repository per covered day, dates ascending; gap days are absent, and
/// counters not observed on a day are empty, not zero.
pub fn csv(histories: &[History]) -> String {
    let mut s = String::from("repo,date,views,views_uniques,clones,clones_uniques,stars,forks,watchers,open_issues\n");
    for h in histories {
        for (d, t) in &h.days {
            let st = h.stats.get(d);
            let f = |v: Option<u64>| v.map_or(String::new(), |v| v.to_string());
            s.push_str(&format!(
                "{},{d},{},{},{},{},{},{},{},{}\n",
                h.repo,
                t.views,
                t.views_uniques,
                t.clones,
                t.clones_uniques,
                f(st.map(|s| s.stars)),
                f(st.map(|s| s.forks)),
                f(st.map(|s| s.watchers)),
                f(st.map(|s| s.open_issues)),
            ));
        }
    }
    s
}
