//! What a run tells people: step outputs, the job summary, workflow commands and the
//! terminal lines. All pure: strings in, strings out. Strings from strangers (repository
//! data, referrers, titles, error texts) are escaped with [`crate::escape`], once, for
//! each audience.
//!
//! Rooms: `figures` (what is counted), `badges` (which badge files and their
//! addresses), `outputs` (step outputs), `summary` (the job summary), `commands`
//! (workflow commands and terminal lines).

mod badges;
mod commands;
mod figures;
#[cfg(test)]
mod fixture;
mod outputs;
mod summary;

pub(crate) use badges::{BadgeScope, BadgeSums};
pub(crate) use commands::{count, error, failed_line, group, repo_line, skipped_line, warning};
pub(crate) use figures::{Digest, Figures, digest, recent};
pub(crate) use outputs::{output_file_text, outputs};
pub(crate) use summary::summary;

use jiff::civil::Date;

use crate::history::{Gap, History};

/// What the run did to one repository, for the summary and the terminal.
#[derive(Debug, Clone)]
pub(crate) struct RepoReport<'a> {
    pub(crate) repo: &'a str,
    /// The history, or (in a run that drops each history once handled) its [`recent`]
    /// days with `digest` taken from the whole; None when it has no day yet.
    pub(crate) history: Option<&'a History>,
    /// The whole history's figures, when `history` holds only its recent days.
    pub(crate) digest: Option<Digest>,
    pub(crate) new_days: usize,
    pub(crate) raised_days: usize,
    pub(crate) new_gap: Option<Gap>,
    pub(crate) error: Option<String>,
    /// Staleness and schedule warnings.
    pub(crate) warnings: Vec<String>,
    /// How this run counted CI checkouts, where it did.
    pub(crate) ci: Option<crate::history::CiSource>,
}

impl RepoReport<'_> {
    /// The figures of the whole history: as taken before it was dropped, or from it.
    pub(crate) fn digest(&self, today: Date) -> Digest {
        match (&self.digest, self.history) {
            (Some(d), _) => d.clone(),
            (None, Some(h)) => digest(h, today),
            (None, None) => Digest::default(),
        }
    }
}
