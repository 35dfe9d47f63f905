//! Why a file cannot be imported, and where in it.
//!
//! A user backfilling years of history from another tool needs to fix the file, so every
//! refusal says which file, which line (text formats, or where JSON stopped parsing) or
//! field (a column, or a path into JSON such as `dailyHistory[3].clones`), what is wrong,
//! and, where a parser below gtt gave one, the cause: [`Error`]'s display is
//! `FILE:LINE: field `x`: problem: cause`, each part present when known.

use std::fmt;

use serde_json::Value;

use super::Format;

/// Why a file cannot be imported. Displays as `FILE:LINE: field `x`: problem`, followed by
/// the causes of the problem (a date parser's, a JSON parser's), each part present when
/// known.
#[derive(Debug, thiserror::Error)]
pub(crate) struct Error {
    pub(crate) file: String,
    /// 1-based line of a text format, or where JSON stopped being valid.
    pub(crate) line: Option<usize>,
    /// A column name, or a path into JSON (`dailyHistory[3].clones`).
    pub(crate) field: Option<String>,
    /// What is wrong.
    #[source]
    pub(crate) problem: Problem,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
        }
        f.write_str(": ")?;
        if let Some(field) = &self.field {
            write!(f, "field `{field}`: ")?;
        }
        write!(f, "{}", self.problem)?;
        let mut cause = std::error::Error::source(&self.problem);
        while let Some(c) = cause {
            write!(f, ": {c}")?;
            cause = c.source();
        }
        Ok(())
    }
}

/// What is wrong with a file, a line or a field. Values quoted in these messages are
/// already shortened and escaped ([`show`]), since they come from a stranger's file.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Problem {
    // The file as a whole.
    #[error("the file is empty: nothing to import")]
    Empty,
    #[error("not valid JSON")]
    Json(#[source] serde_json::Error),
    #[error(
        "a 14-day top list of referrers or paths (traffic-to-badge's traffic_referrers.json / traffic_paths.json): it has no days, so there is nothing to import"
    )]
    TopList,
    #[error(
        "a shields endpoint badge (like ghtraf's views.json): it holds a total, not days; import ghtraf's state.json and archives instead"
    )]
    ShieldsBadge,
    #[error("a gtt monthly archive: import reads gtt's exports (`gtt export --format json` or csv), not archives")]
    GttArchive,
    #[error("JSON that is none of the formats gtt imports ({})", known_formats())]
    UnknownJson,
    #[error("the first line is not the header of any format gtt imports ({})", known_formats())]
    UnknownHeader,

    // Repositories.
    #[error("repository hint `{0}` is neither owner/name nor an owner")]
    BadHint(String),
    #[error(
        "the file does not name its repository: give the repository as owner/name (e.g. {0}/NAME), not only the owner"
    )]
    OwnerOnly(String),
    #[error("the file does not name its repository: give the repository (owner/name) to import it into")]
    NoRepository,
    #[error("`{0}` is not a repository (owner/name)")]
    NotARepository(String),
    #[error("`{0}` is not a repository name")]
    NotAName(String),
    #[error("holds the history of {found}, not of {wanted}")]
    OtherRepository { found: String, wanted: String },
    #[error(
        "repository `{0}` is named without its owner: give the owner (or any owner/name of that owner) as the repository hint"
    )]
    NoOwner(String),

    // Cells and fields.
    #[error("missing")]
    Missing,
    #[error("missing column")]
    MissingColumn,
    #[error("a quoted field is not closed")]
    UnclosedQuote,
    #[error("expected {expected} comma-separated fields ({header}), found {found}")]
    FieldCount { expected: usize, header: String, found: usize },
    /// `shown` is the value as quoted: `` `four` `` from a text cell, `-15` from JSON.
    #[error("{shown} is not a count (a whole number, 0 or more)")]
    NotACount { shown: String },
    #[error("a traffic figure on a row marked `gap` 1 (a day without traffic): empty the figure or the `gap` cell")]
    TrafficOnGap,
    #[error("{0} is not a string")]
    NotAString(String),
    #[error("{0} is not an object")]
    NotAnObject(String),
    #[error("{0} is not a list")]
    NotAList(String),
    #[error("`{text}` is not a date (YYYY-MM-DD) or a date and time")]
    NotADate {
        text: String,
        #[source]
        source: jiff::Error,
    },
    #[error(
        "`{0}` does not start a UTC day: a bucket that begins at another time than 00:00 UTC would be counted on the wrong day"
    )]
    NotDayStart(String),
    #[error("`{text}` has no time in UTC")]
    NoUtcTime {
        text: String,
        #[source]
        source: jiff::Error,
    },
    #[error("{day} has no UTC midnight")]
    NoUtcMidnight {
        day: jiff::civil::Date,
        #[source]
        source: jiff::Error,
    },

    // What one tool's files may hold.
    #[error("expected the header `gitratra_v1`")]
    GitratraHeader,
    #[error("`#{0}` comes before any `>repository` line")]
    SectionBeforeRepository(String),
    #[error("`{0}` is not a metric GiTraTra writes (clones, views)")]
    GitratraMetric(String),
    #[error("a data line outside a `>repository` and `#clones`/`#views` section")]
    OutsideSection,
    #[error("expected `YYYY-MM-DD count uniques`, found `{0}`")]
    GitratraLine(String),
    #[error("weekly buckets (every entry a Monday, or a *_per_week file): a week cannot be split into days")]
    Weekly,
    #[error("ghtraf schema {0} is newer than the 1 to 3 gtt reads")]
    NewerGhtraf(u64),
    #[error("written by a newer gtt (schema {found}, this gtt reads up to {reads}); upgrade gtt")]
    NewerGtt { found: u64, reads: u32 },
    #[error("missing or not a number")]
    NoSchema,
    #[error("not a gtt history")]
    NotAHistory(#[source] serde_json::Error),
}

fn known_formats() -> String {
    Format::ALL.iter().map(|f| f.describe()).collect::<Vec<_>>().join(", ")
}

/// The file being read, for locating errors.
pub(crate) struct Ctx<'a> {
    pub(crate) file: &'a str,
}

impl Ctx<'_> {
    pub(crate) fn error(&self, line: Option<usize>, field: Option<&str>, problem: Problem) -> Error {
        Error { file: self.file.to_string(), line, field: field.map(str::to_string), problem }
    }
    pub(crate) fn whole(&self, problem: Problem) -> Error {
        self.error(None, None, problem)
    }
    pub(crate) fn line(&self, line: usize, problem: Problem) -> Error {
        self.error(Some(line), None, problem)
    }
    pub(crate) fn cell(&self, line: usize, field: &str, problem: Problem) -> Error {
        self.error(Some(line), Some(field), problem)
    }
    /// A JSON field; the empty path is the file's root.
    pub(crate) fn field(&self, field: &str, problem: Problem) -> Error {
        if field.is_empty() { self.whole(problem) } else { self.error(None, Some(field), problem) }
    }
}

/// A value quoted in a message: at most 40 characters, control and invisible characters
/// escaped, since the file is a stranger's and the message reaches a terminal or a log.
pub(crate) fn show(s: &str) -> String {
    let mut out = crate::escape::inline(&s.chars().take(40).collect::<String>());
    if s.chars().nth(40).is_some() {
        out.push('…');
    }
    out
}

/// A JSON value quoted in a message, as JSON, shortened like [`show`].
pub(crate) fn show_json(v: &Value) -> String {
    show(&serde_json::to_string(v).unwrap_or_default())
}
