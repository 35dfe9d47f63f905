//! One error for the whole program: each room's own typed error, wrapped here with the
//! exit code it ends the run with. The message a user sees is the room's message, whose
//! cause (an I/O error, GitHub's answer, a parse error) is kept as its source.

/// Exit codes, documented in `gtt help` and the README.
pub mod exit {
    /// Everything was done.
    pub const OK: u8 = 0;
    /// A repository or GitHub request failed (the others were stored), or an output
    /// could not be written.
    pub const FAILED: u8 = 1;
    /// Bad input: nothing was written and GitHub was not asked (also: no stored
    /// history where a command needs some, no built dashboard).
    pub const USAGE: u8 = 2;
    /// The store could not be read or written safely: nothing was overwritten.
    pub const STORAGE: u8 = 3;
    /// `doctor` only: the worst check was a warning.
    pub const WARN: u8 = 4;
}

/// Everything that can end a run, each mapped to one exit code.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Error {
    #[error(transparent)]
    Config(#[from] crate::config::Error),
    #[error(transparent)]
    Store(#[from] crate::store::Error),
    #[error(transparent)]
    Site(#[from] crate::site::Error),
    /// A request to GitHub outside one repository's collection (a listing, a source to
    /// import, the token check).
    #[error("{context}: {source}")]
    GitHub { context: String, source: crate::github::Error },
    #[error("cannot write {what}: {source}")]
    Output { what: String, source: std::io::Error },
    /// A command that reads stored history found none: the store does not exist yet or
    /// tracks no repository (usage: the inputs name the wrong store, or too little).
    #[error("{place} holds no history{why}: {fix}")]
    NoHistory { place: String, why: &'static str, fix: &'static str },
    /// The run did part of its job: which repositories failed or lose days, and why,
    /// composed by the command (each repository's own cause was printed as it happened).
    #[error("{0}")]
    Incomplete(String),
}

impl Error {
    pub(crate) fn exit_code(&self) -> u8 {
        match self {
            Error::Config(_) | Error::NoHistory { .. } => exit::USAGE,
            // A missing built site is found before anything is fetched or written.
            Error::Site(crate::site::Error::NoSite(_)) => exit::USAGE,
            Error::Store(_) => exit::STORAGE,
            Error::Site(_) | Error::GitHub { .. } | Error::Output { .. } | Error::Incomplete(_) => exit::FAILED,
        }
    }

    /// For `map_err` on a write to stdout, a file or the summary.
    pub(crate) fn output(what: impl Into<String>) -> impl FnOnce(std::io::Error) -> Error {
        let what = what.into();
        move |source| Error::Output { what, source }
    }
}
