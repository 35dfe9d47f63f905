//! The read-merge-write cycle every command that stores histories goes through. The
//! index is the ledger: a history it lists must be in what the store answered, or the
//! run stops before anything is written. A write that lost a race to another writer
//! merges what that writer landed and writes again, a bounded number of times.

use jiff::Timestamp;

use crate::history::History;

use super::layout::{INDEX_FILE, history_file};
use super::{Backend, Error, Files, Index};

/// How often a run re-reads and re-merges after losing a race to another writer.
const MAX_REWRITES: usize = 3;

/// Reads the index and the named repositories' histories. Any file that exists but
/// cannot be parsed, and any history the index lists that is missing, stops the run
/// before anything is written.
pub(crate) fn load(backend: &mut dyn Backend, repos: &[String]) -> Result<(Index, Vec<History>), Error> {
    let mut names = vec![INDEX_FILE.to_string()];
    names.extend(repos.iter().map(|r| history_file(r)));
    let files = backend.read(&names)?;
    parse_files(&files, repos, &backend.describe())
}

fn parse_files(files: &Files, repos: &[String], place: &str) -> Result<(Index, Vec<History>), Error> {
    let unusable = |file: &str, why: Box<dyn std::error::Error + Send + Sync>| Error::Unusable {
        file: file.to_string(),
        place: place.to_string(),
        why,
    };
    let index = match files.get(INDEX_FILE) {
        Some(text) => Index::parse(text).map_err(|e| unusable(INDEX_FILE, Box::new(e)))?,
        None => Index::new(),
    };
    let mut histories = Vec::new();
    for repo in repos {
        let name = history_file(repo);
        histories.push(match files.get(&name) {
            Some(text) => History::parse(text, repo).map_err(|e| unusable(&name, Box::new(e)))?,
            // Starting anew would write a few days over everything stored.
            None if index.repos.keys().any(|r| r.eq_ignore_ascii_case(repo)) => {
                let why =
                    format!("{INDEX_FILE} lists {repo} but the history file is missing from what the store answered");
                return Err(unusable(&name, why.into()));
            }
            None => History::new(repo),
        });
    }
    Ok((index, histories))
}

/// One write of histories: which of them changed, and the files that are derived from
/// all of them (badges), recomputed after every re-merge.
pub(crate) struct Write<'a> {
    /// The index as read; the repositories written are added to it, never removed.
    pub(crate) index: &'a Index,
    /// Every history in `all`, by name: re-read from a concurrent writer's revision.
    pub(crate) repos: &'a [String],
    /// Which histories of `all` this run changed (the others are written as they are
    /// only if the derived files need them).
    pub(crate) written: &'a [bool],
    pub(crate) now: Timestamp,
    /// Files derived from every history (badges), or none.
    pub(crate) derived: &'a dyn Fn(&[History]) -> Files,
}

/// Writes the changed histories with the index and the derived files; then merges
/// whatever a concurrent writer landed meanwhile and writes again, a bounded number of
/// times. `all` ends up as what is stored.
pub(crate) fn write(backend: &mut dyn Backend, w: &Write<'_>, all: &mut [History]) -> Result<(), Error> {
    let mut index = w.index.clone();
    let mut names = vec![INDEX_FILE.to_string()];
    names.extend(w.repos.iter().map(|r| history_file(r)));
    for round in 0..=MAX_REWRITES {
        for (h, _) in all.iter_mut().zip(w.written).filter(|(_, w)| **w) {
            h.written_by = env!("CARGO_PKG_VERSION").to_string();
        }
        let files = render(w, &index, all);
        let concurrent = backend.write(&files, &names)?;
        if concurrent.is_empty() {
            return Ok(());
        }
        if round == MAX_REWRITES {
            break;
        }
        for files in &concurrent {
            let (other_index, others) = parse_files(files, w.repos, &backend.describe())?;
            index = index.merge(&other_index);
            for h in all.iter_mut() {
                if let Some(o) = others.iter().find(|o| o.repo.eq_ignore_ascii_case(&h.repo)) {
                    *h = h.merge(o);
                }
            }
        }
    }
    Err(Error::KeptChanging { place: backend.describe(), rounds: MAX_REWRITES })
}

/// What goes to the store: the changed histories, the index listing them, and the
/// derived files.
fn render(w: &Write<'_>, index: &Index, all: &[History]) -> Files {
    let mut index = index.clone();
    let mut files = Files::new();
    for (h, _) in all.iter().zip(w.written).filter(|(_, ok)| **ok) {
        let name = history_file(&h.repo);
        if !index.repos.keys().any(|r| r.eq_ignore_ascii_case(&h.repo)) {
            index.repos.insert(h.repo.clone(), name.clone());
        }
        files.insert(name, h.to_json());
    }
    index.updated = index.updated.max(Some(w.now));
    files.insert(INDEX_FILE.to_string(), index.to_json());
    files.extend((w.derived)(all));
    files
}
