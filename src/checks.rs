//! Pure judgements on what was read, shared by `collect` (its warnings) and `doctor`
//! (its report): how stale a history is, whether GitHub will disable the schedule, gaps,
//! and how full a gist is. No I/O, no clock: `now` is given.

use std::fmt;

use jiff::Timestamp;

use crate::escape;
use crate::history::History;
use crate::store::GIST_FILE_LIMIT;

/// Days without a collection before gtt warns, and before days are being lost.
pub(crate) const STALE_WARN_DAYS: i64 = 10;
pub(crate) const STALE_FAIL_DAYS: i64 = 14;
/// GitHub disables scheduled workflows of public repositories after 60 days without
/// activity; warn from day 45.
pub(crate) const INACTIVE_WARN_DAYS: i64 = 45;
pub(crate) const INACTIVE_DISABLE_DAYS: i64 = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Level {
    Ok,
    Warn,
    Fail,
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Level::Ok => "OK  ",
            Level::Warn => "WARN",
            Level::Fail => "FAIL",
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Check {
    pub(crate) level: Level,
    pub(crate) what: String,
    /// Empty when nothing needs doing.
    pub(crate) fix: String,
}

impl Check {
    pub(crate) fn new(level: Level, what: impl Into<String>, fix: impl Into<String>) -> Check {
        Check { level, what: what.into(), fix: fix.into() }
    }
}

impl fmt::Display for Check {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = escape::terminal(&self.what);
        if self.fix.is_empty() {
            write!(f, "{} {what}", self.level)
        } else {
            write!(f, "{} {what} — fix: {}", self.level, escape::terminal(&self.fix))
        }
    }
}

fn days_between(earlier: Timestamp, later: Timestamp) -> i64 {
    later.duration_since(earlier).as_secs() / 86_400
}

/// How long since the last collection, against GitHub's 14-day window.
pub(crate) fn staleness(repo: &str, last: Option<Timestamp>, now: Timestamp) -> Check {
    let Some(last) = last else {
        return Check::new(Level::Warn, format!("{repo}: never collected"), "run `gtt collect` (or the workflow) now");
    };
    let days = days_between(last, now);
    let what = format!("{repo}: last collected {days} day(s) ago ({last})");
    if days >= STALE_FAIL_DAYS {
        Check::new(
            Level::Fail,
            what,
            "days are being lost (GitHub keeps 14): check that the scheduled workflow runs and is enabled, then run it now",
        )
    } else if days >= STALE_WARN_DAYS {
        Check::new(Level::Warn, what, "collect within the next few days: at 14 days without a run, days are lost")
    } else {
        Check::new(Level::Ok, what, "")
    }
}

/// The repository's inactivity against GitHub's 60-day disabling of scheduled workflows
/// (public repositories only).
pub(crate) fn schedule(repo: &str, pushed_at: Option<Timestamp>, private: bool, now: Timestamp) -> Check {
    let Some(pushed) = pushed_at.filter(|_| !private) else {
        return Check::new(Level::Ok, format!("{repo}: scheduled workflows are not disabled for inactivity"), "");
    };
    let days = days_between(pushed, now);
    let what = format!("{repo}: last push {days} day(s) ago");
    if days >= INACTIVE_WARN_DAYS {
        Check::new(
            Level::Warn,
            format!("{what}; GitHub disables scheduled workflows after {INACTIVE_DISABLE_DAYS} days without activity"),
            "push a commit before day 60, or re-enable the workflow in the Actions tab when GitHub disables it",
        )
    } else {
        Check::new(Level::Ok, what, "")
    }
}

pub(crate) fn gaps(h: &History) -> Check {
    let gaps = h.gaps();
    if gaps.is_empty() {
        return Check::new(Level::Ok, format!("{}: no gaps in {} covered days", h.repo, h.days.len()), "");
    }
    let listed: Vec<String> = gaps.iter().take(5).map(ToString::to_string).collect();
    Check::new(
        Level::Warn,
        format!("{}: {} gap(s) in the history: {}", h.repo, gaps.len(), listed.join(", ")),
        "those days are lost unless another tool kept them: `gtt backfill --from FILE` imports them",
    )
}

pub(crate) fn file_count(gist: &str, files: usize, truncated: bool) -> Check {
    let what = format!("gist {gist}: {files} files (GitHub lists at most {GIST_FILE_LIMIT})");
    if truncated || files >= GIST_FILE_LIMIT {
        Check::new(
            Level::Fail,
            what,
            "add another gist id at the end of input `gist-id` and move some repositories' files there, or use data-dir",
        )
    } else if files >= crate::store::GIST_FILE_WARN {
        Check::new(
            Level::Warn,
            what,
            "the listing limit is near: add another gist id at the end of input `gist-id` for new repositories (stored ones stay)",
        )
    } else {
        Check::new(Level::Ok, what, "")
    }
}

/// Whether the token reads the repository's workflow files, from the status of the
/// listing of `.github/workflows` (`error`: what went wrong for another status).
pub(crate) fn workflow_files(repo: &str, status: u16, error: &str) -> Check {
    match status {
        200 => Check::new(Level::Ok, format!("{repo}: the token reads workflow files"), ""),
        404 => Check::new(Level::Ok, format!("{repo}: no workflows (no workflow files to read)"), ""),
        403 => Check::new(
            Level::Warn,
            format!("{repo}: the token cannot read workflow files: CI checkouts will be estimated from step names"),
            "give the token Contents: read on the repository (classic: repo scope)",
        ),
        _ => Check::new(
            Level::Warn,
            format!("{repo}: cannot tell whether the token reads workflow files ({error})"),
            "give the token Contents: read on the repository",
        ),
    }
}

/// Whether the data token can write a branch store's repository, from its
/// `GET /repos/{repo}` (`Err`: the status and what went wrong) and `permissions.push`.
pub(crate) fn data_push(repo: &str, answer: Result<Option<bool>, &crate::github::Error>) -> Check {
    let fix_push = "give it Contents: write (a workflow's GITHUB_TOKEN needs `permissions: contents: write`)";
    match answer {
        Ok(Some(true)) => Check::new(Level::Ok, format!("the data token can push to {repo}"), ""),
        Ok(Some(false)) => Check::new(Level::Fail, format!("data-token cannot push to {repo}"), fix_push),
        // An app installation token (a workflow's GITHUB_TOKEN) is answered without
        // `permissions`: nothing to judge by, so no failure either.
        Ok(None) => Check::new(
            Level::Warn,
            format!("cannot tell whether data-token can push to {repo} (GitHub did not say)"),
            "make sure it has Contents: write (a workflow's GITHUB_TOKEN needs `permissions: contents: write`)",
        ),
        Err(e) if e.status() == Some(404) => Check::new(
            Level::Fail,
            format!("data-token cannot see {repo}"),
            "check input `data-repo`, and that the data token can see the repository",
        ),
        Err(e) => Check::new(Level::Fail, format!("cannot read the data repository {repo} ({e})"), fix_push),
    }
}

/// A protected store branch may refuse gtt's commits.
pub(crate) fn branch_protection(repo: &str, branch: &str, protected: bool) -> Check {
    if protected {
        Check::new(
            Level::Warn,
            format!("branch {branch} of {repo} is protected: it may refuse gtt's commits"),
            "use an unprotected branch for `data-branch`, or let the data token's account bypass the protection",
        )
    } else {
        Check::new(Level::Ok, format!("branch {branch} of {repo} is not protected"), "")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ts(s: &str) -> Timestamp {
        s.parse().expect("ts")
    }

    #[test]
    fn staleness_warns_at_10_and_fails_at_14_days() {
        let now = ts("2026-11-21T12:00:00Z");
        let cases = [
            (None, Level::Warn),
            (Some("2026-11-20T12:00:00Z"), Level::Ok),
            (Some("2026-11-12T12:00:00Z"), Level::Ok),
            (Some("2026-11-11T12:00:00Z"), Level::Warn),
            (Some("2026-11-07T12:00:00Z"), Level::Fail),
        ];
        for (last, want) in cases {
            assert_eq!(staleness("o/r", last.map(ts), now).level, want, "{last:?}");
        }
    }

    #[test]
    fn schedule_warns_from_day_45_for_public_repositories() {
        let now = ts("2026-11-21T12:00:00Z");
        let cases = [
            ("2026-10-08T12:00:00Z", false, Level::Ok),
            ("2026-10-07T12:00:00Z", false, Level::Warn),
            ("2026-01-01T12:00:00Z", true, Level::Ok),
        ];
        for (pushed, private, want) in cases {
            let c = schedule("o/r", Some(ts(pushed)), private, now);
            assert_eq!(c.level, want, "{pushed} private={private}");
            if want == Level::Warn {
                assert!(c.fix.contains("re-enable"));
            }
        }
    }

    #[test]
    fn gist_file_count_table() {
        assert_eq!(file_count("g", 10, false).level, Level::Ok);
        assert_eq!(file_count("g", 270, false).level, Level::Warn);
        assert_eq!(file_count("g", 269, false).level, Level::Ok);
        assert_eq!(file_count("g", 300, true).level, Level::Fail);
    }

    #[test]
    fn workflow_files_table() {
        assert_eq!(workflow_files("o/r", 200, "").level, Level::Ok);
        assert!(workflow_files("o/r", 404, "").what.contains("no workflows"));
        assert_eq!(workflow_files("o/r", 404, "").level, Level::Ok);
        let c = workflow_files("o/r", 403, "");
        assert_eq!(c.level, Level::Warn);
        assert!(c.what.contains("estimated from step names") && c.fix.contains("Contents: read"), "{c}");
        assert_eq!(workflow_files("o/r", 500, "boom").level, Level::Warn);
    }

    #[test]
    fn data_push_table() {
        assert_eq!(data_push("me/s", Ok(Some(true))).level, Level::Ok);
        let c = data_push("me/s", Ok(Some(false)));
        assert_eq!(c.level, Level::Fail);
        assert!(c.what.contains("cannot push to me/s") && c.fix.contains("contents: write"), "{c}");
        let c = data_push("me/s", Ok(None));
        assert_eq!(c.level, Level::Warn, "an installation token is answered without permissions: {c}");
        assert!(c.fix.contains("contents: write"), "{c}");
        let gone =
            crate::github::Error::Status { status: 404, message: "Not Found".into(), path: "/repos/me/s".into() };
        let c = data_push("me/s", Err(&gone));
        assert!(c.level == Level::Fail && c.fix.contains("data-repo"), "{c}");
        assert_eq!(branch_protection("me/s", "b", true).level, Level::Warn);
        assert_eq!(branch_protection("me/s", "b", false).level, Level::Ok);
    }

    #[test]
    fn lines_are_escaped_for_terminals() {
        let c = Check::new(Level::Fail, "a\nb", "c\u{1b}[31m");
        assert_eq!(c.to_string(), "FAIL a\\nb — fix: c\\u{1b}[31m");
    }
}
