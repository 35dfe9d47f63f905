//! gtt keeps GitHub's 14-day traffic forever.
//!
//! The modules follow the data: [`config`] -> [`github`] client -> [`fetch`] ->
//! [`history`] (pure merge) -> [`report`] (pure outputs and summary) -> [`store`].
//! [`run`] wires them together and maps every failure to a documented exit code.
#![cfg_attr(not(test), warn(clippy::indexing_slicing, clippy::expect_used, clippy::panic))]

pub mod archive;
pub mod badge;
mod cmd;
pub mod config;
pub mod discover;
pub mod escape;
pub mod fetch;
pub mod github;
pub mod history;
pub mod import;
pub mod report;
pub mod site;
pub mod store;

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;

use jiff::Timestamp;

use cmd::collect::{self, load, storage_err};
use cmd::{backfill, doctor, init};
use config::{Command, Config, Format, Storage};
use history::History;
use store::{Backend, INDEX_FILE};

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

/// The whole program behind `main`: arguments without the program name, the
/// environment, and the wall clock, which logic below only sees as `Config::now`.
pub fn run(args: &[String], env: &BTreeMap<String, String>, clock: Timestamp, out: &mut dyn Write) -> u8 {
    let action = env.get("GITHUB_ACTIONS").is_some_and(|v| v == "true");
    if action {
        // Before anything else is printed, so no later line can show a token.
        for s in config::secrets_to_mask(args, env) {
            let _ = writeln!(out, "::add-mask::{}", escape::command_data(&s));
        }
    }
    let ok = |r: Result<(), Error>| r.map(|()| config::EXIT_OK);
    let cwd = std::env::current_dir().unwrap_or_default();
    let parsed = config::parse(args, env, clock).and_then(|c| config::check_dashboard_folder(&c, &cwd).map(|()| c));
    let result = parsed.map_err(Error::from).and_then(|c| match c.command {
        Command::Help => ok(writeln!(out, "{}", config::help_text()).map_err(|e| Error::Output(e.to_string()))),
        Command::Version => {
            ok(writeln!(out, "gtt {}", env!("CARGO_PKG_VERSION")).map_err(|e| Error::Output(e.to_string())))
        }
        Command::Collect => ok(collect::collect(&c, out)),
        Command::Export => ok(export(&c, out)),
        Command::Dashboard => ok(dashboard(&c, out)),
        Command::Doctor => doctor::run(&c, out),
        Command::Init => init::run(&c, out),
        Command::Backfill => backfill::run(&c, out),
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            let line = e.to_string();
            if action {
                let _ = writeln!(out, "{}", report::error("gtt", &line));
            }
            eprintln!("error: {}", escape::terminal(&line));
            e.exit_code()
        }
    }
}

pub(crate) fn open_backend(
    c: &Config,
    storage: &Storage,
    token: Option<&config::Secret>,
) -> Result<Box<dyn Backend>, Error> {
    Ok(match storage {
        Storage::Folder(dir) => Box::new(store::folder(dir, c.max_wait)),
        Storage::Gist(id) => {
            let token = token.ok_or(Error::Config(config::Error::Unset { input: "gist-token", fix: None }))?;
            Box::new(store::gist(github::Client::new(&c.api_url, token.clone(), c.max_wait), id))
        }
        Storage::Gists(ids) => {
            let token = token.ok_or(Error::Config(config::Error::Unset { input: "gist-token", fix: None }))?;
            let one = |id: &String| store::gist(github::Client::new(&c.api_url, token.clone(), c.max_wait), id);
            Box::new(store::gists(ids.iter().map(one).collect()))
        }
    })
}

fn export(c: &Config, out: &mut dyn Write) -> Result<(), Error> {
    let mut backend = open_backend(c, &c.storage, c.gist_token.as_ref())?;
    let (index, _) = load(backend.as_mut(), &[])?;
    let mut repos: Vec<String> = index.repos.keys().cloned().collect();
    if !c.repos.is_empty() {
        repos.retain(|r| c.repos.iter().any(|w| w.eq_ignore_ascii_case(r)));
    }
    let (_, histories) = load(backend.as_mut(), &repos)?;
    let text = match c.format {
        Format::Json => {
            let repos: Vec<serde_json::Value> = histories.iter().map(export_json).collect();
            let v = serde_json::json!({ "schema": history::SCHEMA, "repos": repos });
            serde_json::to_string(&v).map_err(|e| Error::Output(e.to_string()))? + "\n"
        }
        Format::Csv => csv(&histories),
        Format::Ndjson => ndjson(&histories),
    };
    out.write_all(text.as_bytes()).map_err(|e| Error::Output(format!("cannot write export: {e}")))
}

fn dashboard(c: &Config, out: &mut dyn Write) -> Result<(), Error> {
    let Some(dest) = &c.out else {
        return Err(Error::Config(config::Error::Unset { input: "out", fix: None }));
    };
    let mut backend = open_backend(c, &c.storage, c.gist_token.as_ref())?;
    let source = write_dashboard(c, backend.as_mut(), dest)?;
    writeln!(out, "dashboard written to {} (data: {source})", dest.display()).map_err(|e| Error::Output(e.to_string()))
}

/// Writes the site with a config pointing at the gist's raw files, or, for a folder,
/// with a copy of the data beside it. Returns where the site reads its data.
pub(crate) fn write_dashboard(c: &Config, backend: &mut dyn Backend, dest: &std::path::Path) -> Result<String, Error> {
    let site = site::find_site(c.site_dir.as_deref()).map_err(|e| Error::Failed(e.to_string()))?;
    let (index, _) = load(backend, &[])?;
    let mut names = vec![INDEX_FILE.to_string()];
    names.extend(index.repos.values().cloned());
    let files = backend.read(&names).map_err(storage_err)?;
    let (config, data) = match backend.public_url("") {
        Some(base) => (site::SiteConfig { source: base }, None),
        None => (site::SiteConfig { source: "data/".into() }, Some(&files)),
    };
    site::write_site(&site, dest, &config, data).map_err(|e| Error::Output(e.to_string()))?;
    Ok(config.source)
}

/// One exported day of one repository. Figures not observed that day (repository
/// counters, CI, downloads on a day without a collection) are None: empty in CSV, null in
/// NDJSON, never 0.
#[derive(Debug, serde::Serialize)]
pub struct Row<'a> {
    pub repo: &'a str,
    pub date: String,
    /// None only for a figure no source observed (an imported day, see `History::unknown`).
    pub views: Option<u64>,
    pub views_uniques: Option<u64>,
    pub clones: Option<u64>,
    pub clones_uniques: Option<u64>,
    pub stars: Option<u64>,
    pub forks: Option<u64>,
    pub watchers: Option<u64>,
    pub open_issues: Option<u64>,
    pub ci_checkouts: Option<u64>,
    pub organic_clones: Option<u64>,
    pub organic_clones_uniques: Option<u64>,
    pub downloads: Option<u64>,
    pub ci_runs: Option<u64>,
    /// When the counters were read: with `ci_runs`, makes the CSV a lossless way to move
    /// days, counters and CI between stores.
    pub stats_at: Option<String>,
}

/// Every covered day of every history, dates ascending; gap days are absent.
pub fn rows(histories: &[History]) -> Vec<Row<'_>> {
    let mut out = Vec::new();
    for h in histories {
        let downloads = h.daily_downloads();
        for (d, t) in &h.days {
            let st = h.stats.get(d);
            let ci = h.ci.get(d);
            let organic = history::organic(*t, ci.copied());
            let collected_that_day = st.is_some() || downloads.contains_key(d);
            let unknown = h.unknown_on(*d);
            let known = |bit: u8, v: u64| (unknown & bit == 0).then_some(v);
            out.push(Row {
                repo: &h.repo,
                date: d.to_string(),
                views: known(history::UNKNOWN_VIEWS, t.views),
                views_uniques: known(history::UNKNOWN_VIEWS_UNIQUES, t.views_uniques),
                clones: known(history::UNKNOWN_CLONES, t.clones),
                clones_uniques: known(history::UNKNOWN_CLONES_UNIQUES, t.clones_uniques),
                stars: st.map(|s| s.stars),
                forks: st.map(|s| s.forks),
                watchers: st.map(|s| s.watchers),
                open_issues: st.map(|s| s.open_issues),
                ci_checkouts: ci.map(|c| c.checkouts),
                organic_clones: known(history::UNKNOWN_CLONES, organic.clones),
                organic_clones_uniques: known(history::UNKNOWN_CLONES_UNIQUES, organic.uniques),
                downloads: collected_that_day.then(|| downloads.get(d).copied().unwrap_or(0)),
                ci_runs: ci.map(|c| c.runs),
                stats_at: st.map(|s| s.at.to_string()),
            });
        }
    }
    out
}

/// `rows` as CSV with a header line.
pub fn csv(histories: &[History]) -> String {
    let mut s = String::from(
        "repo,date,views,views_uniques,clones,clones_uniques,stars,forks,watchers,open_issues,ci_checkouts,organic_clones,organic_clones_uniques,downloads,ci_runs,stats_at\n",
    );
    let f = |v: Option<u64>| v.map_or(String::new(), |v| v.to_string());
    for r in rows(histories) {
        s.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            r.repo,
            r.date,
            f(r.views),
            f(r.views_uniques),
            f(r.clones),
            f(r.clones_uniques),
            f(r.stars),
            f(r.forks),
            f(r.watchers),
            f(r.open_issues),
            f(r.ci_checkouts),
            f(r.organic_clones),
            f(r.organic_clones_uniques),
            f(r.downloads),
            f(r.ci_runs),
            r.stats_at.unwrap_or_default(),
        ));
    }
    s
}

/// `rows` as one JSON object per line, for DuckDB's `read_json_auto`, pandas'
/// `read_json(lines=True)` and friends.
pub fn ndjson(histories: &[History]) -> String {
    rows(histories).iter().filter_map(|r| serde_json::to_string(r).ok()).map(|l| l + "\n").collect()
}

/// A history as exported to JSON: everything stored, plus the derived per-day downloads
/// and per-release totals, without the internal CI run cache.
pub fn export_json(h: &History) -> serde_json::Value {
    let mut v = serde_json::to_value(h).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.remove("ci_cache");
        o.insert("downloads_daily".into(), serde_json::to_value(h.daily_downloads()).unwrap_or_default());
        o.insert("downloads_by_release".into(), serde_json::to_value(h.downloads_by_release()).unwrap_or_default());
    }
    v
}
