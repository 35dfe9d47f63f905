//! GitHub workflow commands (<https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands>)
//! and the terminal lines a run prints. A stranger's text (a repository name, an error
//! from the API) is escaped with [`crate::escape`], so a line stays one command, or no
//! command at all.

use jiff::civil::Date;

use super::RepoReport;
use crate::badge::group_digits;
use crate::escape;

/// `::warning title=T::message`: a stranger's title and message escaped (see
/// [`crate::escape`]), so the line stays one command with no terminal escapes.
pub(crate) fn warning(title: &str, msg: &str) -> String {
    format!("::warning title={}::{}", escape::command_title(title), escape::command_message(msg))
}

/// `::error title=T::message`, escaped as [`warning`].
pub(crate) fn error(title: &str, msg: &str) -> String {
    format!("::error title={}::{}", escape::command_title(title), escape::command_message(msg))
}

/// `::group::T` for a stranger's title: one terminal line, as command data.
pub(crate) fn group(title: &str) -> String {
    format!("::group::{}", escape::command_data(&escape::terminal(title)))
}

/// `1 repository`, `2 repositories`, `1,234 stars`: the number grouped, the noun agreeing.
pub(crate) fn count(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", group_digits(n), if n == 1 { one } else { many })
}

/// The terminal line for a repository's figures; the name escaped, so the line
/// cannot start a workflow command.
pub(crate) fn repo_line(r: &RepoReport<'_>, today: Date, dry_run: bool) -> String {
    let f = r.digest(today).figures;
    format!(
        "{}: {}, {} ({} organic) over {} ({} new, {} raised){}; last 14 days: {}, {}; {}, {}",
        escape::terminal(r.repo),
        count(f.total.views, "view", "views"),
        count(f.total.clones, "clone", "clones"),
        group_digits(f.organic_clones),
        count(f.covered_days as u64, "day", "days"),
        r.new_days,
        r.raised_days,
        if dry_run { " [dry run: not written]" } else { "" },
        count(f.last14.views, "view", "views"),
        count(f.last14.clones, "clone", "clones"),
        count(f.stars.unwrap_or(0), "star", "stars"),
        count(f.downloads, "download", "downloads"),
    )
}

/// The terminal line for a repository left out of the run, and why.
pub(crate) fn skipped_line(repo: &str, why: &str) -> String {
    format!("{}: skipped: {}", escape::terminal(repo), escape::terminal(why))
}

/// The terminal line for a repository whose collection failed.
pub(crate) fn failed_line(repo: &str, error: &str) -> String {
    format!("{}: FAILED: {}", escape::terminal(repo), escape::terminal(error))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::{History, Traffic};
    use crate::report::figures::days_back;
    use crate::report::fixture;

    #[test]
    fn workflow_commands_from_strangers_stay_one_command() {
        // (title, message, what the line must be)
        let cases = [
            ("gap: x", "line1\n::error::pwned", "::warning title=gap%3A x::line1%0A::error::pwned"),
            ("gtt: o/r\n::add-mask::x", "m", "::warning title=gtt%3A o/r\\n%3A%3Aadd-mask%3A%3Ax::m"),
            ("gtt", "\u{1b}[2Jboom 50%", "::warning title=gtt::\\u{1b}[2Jboom 50%25"),
            ("gtt", "\u{9b}2J\u{202e}x", "::warning title=gtt::\\u{9b}2J\\u{202e}x"),
            ("gtt", "x ##[stop-commands]t", "::warning title=gtt::x ##\\[stop-commands]t"),
        ];
        for (title, msg, want) in cases {
            let w = warning(title, msg);
            assert_eq!(w, want);
            assert_eq!(w.lines().count(), 1);
            assert!(!w.bytes().any(|b| b == 0x1b) && !w.contains('\u{9b}') && !w.contains('\u{202e}'), "{w:?}");
            assert_eq!(error(title, msg).replacen("::error", "::warning", 1), w);
        }
        assert_eq!(group("o/r\n::add-mask::x"), "::group::o/r\\n::add-mask::x");
        assert_eq!(group("o/r\u{1b}[2J").lines().count(), 1);
        assert!(!group("o/r\u{1b}[2J").contains('\u{1b}'));
    }

    /// A line a runner could take for a command: `::` first after white space, or a
    /// legacy `##[` anywhere.
    fn could_be_a_command(line: &str) -> bool {
        line.trim_start().starts_with("::") || line.contains("##[")
    }

    #[test]
    fn terminal_lines_with_a_strangers_name_first_are_never_commands() {
        let today: Date = "2026-11-21".parse().expect("d");
        let mut h = History::new("o/a");
        h.days.insert(days_back(today, 1), Traffic::from([1, 1, 1, 1]));
        let names = [
            "o/r\n::add-mask::x",
            "o/r\r\n::stop-commands::t",
            "::error file=x::y",
            " ::add-mask::x",
            "o/r ##[add-mask]x",
            "o/\u{1b}[2Jr",
            "o/\u{9b}2Jr",
            "o/\u{202e}r",
        ];
        for name in names {
            let r = RepoReport {
                repo: name,
                history: Some(&h),
                digest: None,
                new_days: 1,
                raised_days: 0,
                new_gap: None,
                error: None,
                warnings: vec![],
                ci: None,
            };
            for line in [
                repo_line(&r, today, false),
                skipped_line(name, "archived\n::add-mask::y"),
                failed_line(name, "HTTP 500: \u{1b}[2Jboom\n::error::z"),
                group(name),
            ] {
                assert_eq!(line.lines().count(), 1, "{line:?}");
                assert!(!line.chars().any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)), "{line:?}");
                if !line.starts_with("::group::") {
                    assert!(!could_be_a_command(&line), "{line:?}");
                }
            }
        }
        assert!(
            repo_line(
                &RepoReport {
                    repo: "o/a",
                    history: Some(&h),
                    digest: None,
                    new_days: 1,
                    raised_days: 0,
                    new_gap: None,
                    error: None,
                    warnings: vec![],
                    ci: None,
                },
                today,
                true
            )
            .starts_with("o/a: 1 view, 1 clone")
        );
    }

    /// The terminal lines and workflow commands of a small fixed run.
    #[test]
    fn terminal_lines_snapshot() {
        let (hello, quiet) = fixture::histories();
        let today = fixture::today();
        let reports = fixture::reports(&hello, &quiet);
        let mut lines = vec![group(reports[0].repo)];
        for r in &reports {
            match (r.history, &r.error) {
                (_, Some(e)) => lines.extend([error(&format!("gtt: {}", r.repo), e), failed_line(r.repo, e)]),
                (Some(_), None) => lines.extend([repo_line(r, today, false), repo_line(r, today, true)]),
                (None, None) => {}
            }
        }
        lines.extend(reports[0].warnings.iter().map(|w| warning("gtt", w)));
        lines.extend(fixture::skipped().iter().map(|(repo, why)| skipped_line(repo, why)));
        insta::assert_snapshot!("terminal_lines", lines.join("\n"));
    }
}
