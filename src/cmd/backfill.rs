//! `gtt backfill --from SOURCE...`: imports history kept by other tools (or by gtt
//! elsewhere) and merges it under the same rules as collected data: per-day maximum,
//! never lowering, gaps staying gaps unless the import covers them. Each imported day
//! remembers its source. Sources are files or folders, gist ids, or https URLs on the
//! API host or the gist raw host; the token never travels anywhere else.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use crate::config::{Config, Secret};
use crate::error::{Error, exit};
use crate::fetch::stargazers;
use crate::history::History;
use crate::store::{self, ledger};
use crate::{escape, github, import};

/// Biggest file a backfill reads.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;
const GIST_RAW_HOST: &str = "https://gist.githubusercontent.com/";

fn bad_input(msg: String) -> Error {
    crate::config::Error::Source(msg).into()
}

/// The files of one source, and whether each must import (named explicitly) or may be
/// skipped when it is not a known format (a folder's or gist's other files).
fn read_source(c: &Config, client: Option<&github::Client>, src: &str) -> Result<Vec<(String, String, bool)>, Error> {
    let path = Path::new(src);
    if path.is_file() {
        return Ok(vec![(src.to_string(), read_file(path)?, true)]);
    }
    if path.is_dir() {
        let mut entries: Vec<_> = std::fs::read_dir(path)
            .map_err(|e| bad_input(format!("input `from`: cannot read folder {src}: {e}")))?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.is_file() && !p.file_name().is_some_and(|n| n.to_string_lossy().starts_with('.')))
            .collect();
        entries.sort();
        return entries.iter().map(|p| Ok((p.display().to_string(), read_file(p)?, false))).collect();
    }
    let Some(client) = client else {
        return Err(bad_input(format!(
            "input `from`: `{src}` is not a file or folder here, and there is no token to fetch it"
        )));
    };
    if let Some(rest) = src.strip_prefix("https://") {
        let on_api = github::origin_of(src) == github::origin_of(client.base());
        if !on_api && !src.starts_with(GIST_RAW_HOST) {
            return Err(bad_input(format!(
                "input `from`: {} is neither the API host nor gist.githubusercontent.com; download the file and pass its path",
                rest.split('/').next().unwrap_or(rest)
            )));
        }
        let text = client.get_raw(src).map_err(|source| Error::GitHub { context: "input `from`".into(), source })?;
        return Ok(vec![(src.to_string(), text, true)]);
    }
    if let Some((repo, branch)) = branch_source(src) {
        let token = c.data_token.clone().or_else(|| c.token.clone());
        let token =
            token.ok_or_else(|| bad_input(format!("no token to read {src}: set input `data-token` or `token`")))?;
        let mut store = store::branch(github::Client::new(&c.api_url, token, c.max_wait), repo, branch);
        let files = store.read_data().map_err(|e| Error::Incomplete(format!("input `from`: {e}")))?;
        return Ok(files.into_iter().map(|(name, text)| (format!("{src}/{name}"), text, false)).collect());
    }
    if src.len() >= 8 && src.chars().all(|ch| ch.is_ascii_alphanumeric()) {
        let mut gist = store::gist(github::Client::new(&c.api_url, gist_token(c)?, c.max_wait), src);
        let files = gist.read_all().map_err(|e| Error::Incomplete(format!("input `from`: {e}")))?;
        return Ok(files.into_iter().map(|(name, text)| (format!("gist {src}/{name}"), text, false)).collect());
    }
    Err(bad_input(format!(
        "input `from`: `{}` is neither a file or folder, a gist id, a branch (OWNER/REPO@BRANCH), nor an https URL",
        escape::terminal(src)
    )))
}

/// The `from` value that rebuilds stars and forks from GitHub's listings.
const STARGAZERS: &str = "stargazers";

/// Each repository's stars and forks since its creation, from the stargazers and forks
/// listings, marked `reconstructed`; says what a listing cannot show.
fn reconstruct(c: &Config, client: Option<&github::Client>, out: &mut dyn Write) -> Result<Vec<History>, Error> {
    let io = |source| Error::Output { what: "stdout".into(), source };
    let client =
        client.ok_or_else(|| bad_input("input `from`: `stargazers` reads GitHub: set input `token`".into()))?;
    if c.repos.is_empty() {
        return Err(bad_input("input `from`: `stargazers` needs the repositories in `repos`".into()));
    }
    let today = crate::history::utc_day(c.now);
    // The validators the last rebuild kept: with nothing new, its pages answer 304.
    let (_, stored) = ledger::load(super::open_store(c, &c.storage)?.as_mut(), &c.repos)?;
    let mut fragments = Vec::new();
    for (repo, old) in c.repos.iter().zip(&stored) {
        let context = format!("{repo}: stargazers and forks");
        let r = stargazers::rebuild(client, repo, today, stargazers::MAX_PAGES, &old.validators, c.now)
            .map_err(|source| Error::GitHub { context, source })?;
        let name = escape::terminal(repo);
        for (what, s) in [("stars", &r.stars), ("forks", &r.forks)] {
            let span = match (s.daily.keys().next(), s.daily.keys().next_back()) {
                (Some(a), Some(b)) => format!("{a}..{b}"),
                _ => "no day".into(),
            };
            let unchanged = match s.unchanged {
                0 => String::new(),
                n => format!(
                    "; {} unchanged since the last rebuild (304)",
                    crate::report::count(n as u64, "page", "pages")
                ),
            };
            writeln!(out, "{name}: {what} reconstructed from {} listed ({span}{unchanged})", s.entries).map_err(io)?;
            if s.capped {
                writeln!(
                    out,
                    "{name}: GitHub lists only the first {} {what} (at most {} pages): reconstructed up to {} only, later days are left to collection",
                    s.entries,
                    stargazers::MAX_PAGES,
                    s.daily.keys().next_back().map_or("no day".into(), ToString::to_string)
                )
                .map_err(io)?;
            }
        }
        writeln!(
            out,
            "{name}: unstars and deleted forks cannot be seen in a listing: reconstructed counts are lower bounds, and collected snapshots win"
        )
        .map_err(io)?;
        let mut h = r.history;
        h.mark_imported("reconstructed: stargazers");
        fragments.push(h);
    }
    Ok(fragments)
}

/// `OWNER/REPO@BRANCH`: a git-branch store to import from.
fn branch_source(src: &str) -> Option<(&str, &str)> {
    let (repo, branch) = src.split_once('@')?;
    (crate::config::is_full_name(repo) && crate::config::is_branch_name(branch)).then_some((repo, branch))
}

fn gist_token(c: &Config) -> Result<Secret, Error> {
    c.gist_token.clone().or_else(|| c.token.clone()).ok_or_else(|| bad_input("no token to read the gist".into()))
}

fn read_file(p: &Path) -> Result<String, Error> {
    let meta = std::fs::metadata(p).map_err(|e| bad_input(format!("input `from`: {}: {e}", p.display())))?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(bad_input(format!("input `from`: {} is larger than 64 MB", p.display())));
    }
    std::fs::read_to_string(p).map_err(|e| bad_input(format!("input `from`: {}: {e}", p.display())))
}

/// A short, stable name for where a day came from: the format and the file name.
fn label(format: import::Format, file: &str) -> String {
    let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
    format!("{format}: {name}")
}

pub(crate) fn run(c: &Config, out: &mut dyn Write) -> Result<u8, Error> {
    let io = |source| Error::Output { what: "stdout".into(), source };
    let client = c.token.clone().map(|t| github::Client::new(&c.api_url, t, c.max_wait));
    let hint = match c.repos.as_slice() {
        [one] => Some(one.as_str()),
        _ => None,
    };

    // Read and parse everything first: a malformed file stops the run before any write.
    let fragments = read_fragments(c, client.as_ref(), hint, out)?;
    if fragments.is_empty() {
        return Err(bad_input("input `from`: nothing to import was found".into()));
    }

    let repos: Vec<String> = fragments.values().map(|h| h.repo.clone()).collect();
    let mut backend = super::open_store(c, &c.storage)?;
    let (index, stored) = ledger::load(backend.as_mut(), &repos)?;
    let mut merged = Vec::new();
    for (old, repo) in stored.iter().zip(&repos) {
        let fragment = fragments.get(&repo.to_ascii_lowercase()).cloned().unwrap_or_else(|| History::new(repo));
        let new = old.merge(&fragment);
        old.check_no_loss(&new).map_err(|why| {
            store::Error::Refused(format!(
                "{repo}: refusing to write a history that would lose data ({why}); this is a gtt bug"
            ))
        })?;
        let added = new.days.keys().filter(|d| !old.days.contains_key(d)).count();
        let raised = new.days.iter().filter(|(d, t)| old.days.get(d).is_some_and(|o| o != *t)).count();
        let first = fragment.days.keys().next().map_or("–".into(), ToString::to_string);
        let last = fragment.days.keys().next_back().map_or("–".into(), ToString::to_string);
        writeln!(
            out,
            "{}: {} days imported ({first}..{last}): {added} added, {raised} raised, none lowered{}",
            escape::terminal(repo),
            fragment.days.len(),
            if c.dry_run { " [dry run: not written]" } else { "" }
        )
        .map_err(io)?;
        merged.push(new);
    }
    if !c.dry_run {
        let written = vec![true; merged.len()];
        let none = |_: &[History]| store::Files::new();
        let w = ledger::Write { index: &index, repos: &repos, written: &written, now: c.now, derived: &none };
        ledger::write(backend.as_mut(), &w, &mut merged)?;
        writeln!(out, "stored in {}", backend.describe()).map_err(io)?;
    }
    Ok(exit::OK)
}

/// Every source read and parsed, by lower-cased repository: one fragment each, the
/// combination of every file that had days of it.
fn read_fragments(
    c: &Config,
    client: Option<&github::Client>,
    hint: Option<&str>,
    out: &mut dyn Write,
) -> Result<BTreeMap<String, History>, Error> {
    let io = |source| Error::Output { what: "stdout".into(), source };
    let mut fragments: BTreeMap<String, History> = BTreeMap::new();
    for src in &c.from {
        if src == STARGAZERS {
            for h in reconstruct(c, client, out)? {
                let key = h.repo.to_ascii_lowercase();
                let merged = match fragments.remove(&key) {
                    Some(prev) => import::combine(&prev, &h),
                    None => h,
                };
                fragments.insert(key, merged);
            }
            continue;
        }
        for (file, text, explicit) in read_source(c, client, src)? {
            let imported = match import::import(&file, &text, hint) {
                Ok(i) => i,
                Err(_) if !explicit && import::detect(&text).is_none() => {
                    writeln!(out, "skipped {}: not a format gtt imports", escape::terminal(&file)).map_err(io)?;
                    continue;
                }
                Err(e) => {
                    return Err(bad_input(format!("{}; nothing was written", escape::terminal(&e.to_string()))));
                }
            };
            writeln!(
                out,
                "read {} as {} ({})",
                escape::terminal(&file),
                imported.format,
                crate::report::count(imported.histories.len() as u64, "repository", "repositories")
            )
            .map_err(io)?;
            for mut h in imported.histories {
                h.mark_imported(&label(imported.format, &file));
                let key = h.repo.to_ascii_lowercase();
                let merged = match fragments.remove(&key) {
                    Some(prev) => import::combine(&prev, &h),
                    None => h,
                };
                fragments.insert(key, merged);
            }
        }
    }
    Ok(fragments)
}
