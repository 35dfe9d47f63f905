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

pub use crate::badge::group_digits;
pub use badges::{BadgeScope, badge_files, shields_url};
pub use commands::{error, failed_line, group, repo_line, skipped_line, warning};
pub use figures::{Figures, Series, figures, series};
pub use outputs::{output_file_text, outputs};
pub use summary::{sparkline, summary};

use crate::history::{Gap, History};

/// The escapers under the names they had here before they moved to [`crate::escape`],
/// for code written against those names; new code calls `escape::` directly.
pub use crate::escape::{
    command_data as escape_data, command_property as escape_property, markdown as escape_markdown,
    terminal as escape_terminal,
};

/// What the run did to one repository, for the summary and the terminal.
#[derive(Debug, Clone)]
pub struct RepoReport<'a> {
    pub repo: &'a str,
    pub history: Option<&'a History>,
    pub new_days: usize,
    pub raised_days: usize,
    pub new_gap: Option<Gap>,
    pub error: Option<String>,
    /// Staleness and schedule warnings.
    pub warnings: Vec<String>,
}
