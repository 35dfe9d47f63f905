//! Where histories live: a gist the user owns, several gists, a branch of a repository,
//! or a local folder, all behind [`Backend`], with every file name in [`layout`].
//! Reading is all-or-nothing: a file that exists but cannot be read in full is an
//! error, never an empty history, so a bad read can never lead to an overwrite.
//! [`ledger`] is the read-merge-write cycle every command that stores histories goes
//! through.

mod branch;
mod folder;
mod gist;
mod gists;
pub(crate) mod index;
pub(crate) mod layout;
pub(crate) mod ledger;

use std::collections::BTreeMap;
use std::path::PathBuf;

pub(crate) use branch::branch;
pub(crate) use folder::folder;
pub(crate) use gist::gist;
pub(crate) use gists::{Gists, gists};
pub use index::{Index, IndexError};
pub(crate) use layout::{GIST_FILE_LIMIT, GIST_FILE_WARN, LOCK_FILE};
pub use layout::{INDEX_FILE, history_file, split_date};

/// File name -> content.
pub(crate) type Files = BTreeMap<String, String>;

/// Why a store could not be read or written. Every variant means nothing was written
/// by the call that failed (exit 3 at the top).
#[derive(Debug, thiserror::Error)]
pub(crate) enum Error {
    /// A stored file exists but cannot be used: the run stops before any write.
    #[error(
        "{file} in {place} cannot be used: {why}; nothing was written (fix the file or restore it from a backup or the gist's revisions, then run again)"
    )]
    Unusable { file: String, place: String, why: Box<dyn std::error::Error + Send + Sync> },
    #[error("cannot {doing} {}: {source}", path.display())]
    Io { doing: &'static str, path: PathBuf, source: std::io::Error },
    #[error(
        "{} is not a regular file (a symbolic link or a folder): gtt reads and replaces only regular files in its store; put the file itself there (or move the link away); nothing was written",
        path.display()
    )]
    NotRegular { path: PathBuf },
    #[error("refusing the file name `{}`: a store holds only plain file names; nothing was written", name.escape_default())]
    BadName { name: String },
    #[error(
        "another gtt process is writing folder {} (it holds {LOCK_FILE}) and did not finish within {waited_s} s: run again when it has (serialise runs, e.g. with a workflow `concurrency:` group, or raise input `max-wait`); nothing was written",
        dir.display()
    )]
    Locked { dir: PathBuf, waited_s: u64 },
    /// A gist request GitHub refused or failed; `message` says what to fix.
    #[error("{message}")]
    Gist { message: String, source: crate::github::Error },
    /// A Git Data API request for a branch store GitHub refused or failed; `message`
    /// says what to fix.
    #[error("{message}")]
    Branch { message: String, source: Box<crate::github::Error> },
    /// What the store answered cannot be believed, or a write would break a rule of the
    /// store (a gist past its listing limit, say); the text says which and the fix.
    #[error("{0}")]
    Refused(String),
    #[error(
        "{place} kept changing during this run ({rounds} rewrites); the other writer's data is in its revisions. Serialize runs with a workflow `concurrency:` group"
    )]
    KeptChanging { place: String, rounds: usize },
}

impl Error {
    pub(crate) fn io(doing: &'static str, path: &std::path::Path) -> impl FnOnce(std::io::Error) -> Error + use<> {
        let path = path.to_path_buf();
        move |source| Error::Io { doing, path, source }
    }
}

pub(crate) trait Backend {
    /// Reads the named files; a file that does not exist is simply absent from the map.
    fn read(&mut self, names: &[String]) -> Result<Files, Error>;
    /// Writes `files` (only those that changed since the read) and returns, for the
    /// named files, the contents of every revision another writer landed between our
    /// read and this write: the caller merges them and writes again.
    fn write(&mut self, files: &Files, names: &[String]) -> Result<Vec<Files>, Error>;
    /// Whether the store reads and writes one file at a time (a folder, a branch), so a
    /// run hands each repository's files over as it finishes ([`Backend::put`]) and
    /// reads each history when it is wanted. A gist reads and writes everything in one
    /// request: its files wait for [`Backend::write`].
    fn file_by_file(&self) -> bool {
        false
    }
    /// Takes files of this run's write ahead of the [`Backend::write`] that completes it
    /// (a folder writes them, a branch sends their blobs); false when the store takes
    /// files only in that write, and the caller keeps them until then.
    fn put(&mut self, _files: &Files) -> Result<bool, Error> {
        Ok(false)
    }
    /// The text of a file [`Backend::put`] took, to merge a concurrent writer's into
    /// after a lost race; None when the store never loses one (a folder is locked).
    fn staged(&mut self, _name: &str) -> Result<Option<String>, Error> {
        Ok(None)
    }
    /// Where the files are, for messages.
    fn describe(&self) -> String;
    /// Where a file can be read by a browser or shields.io, if anywhere.
    fn public_url(&self, file: &str) -> Option<String>;
}
