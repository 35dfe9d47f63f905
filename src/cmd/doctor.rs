//! `gtt doctor`: one line per check, OK / WARN / FAIL with the fix, and an exit code
//! that reflects the worst. The judgements are pure functions of what was read, so
//! `collect` uses the same ones for its warnings.

use std::fmt;
use std::io::Write;

use jiff::Timestamp;
use serde::Deserialize;

use crate::cmd::collect;
use crate::config::{Config, Storage};
use crate::history::History;
use crate::store::GIST_FILE_LIMIT;
use crate::{Error, escape, fetch, github};

/// Days without a collection before gtt warns, and before days are being lost.
pub const STALE_WARN_DAYS: i64 = 10;
pub const STALE_FAIL_DAYS: i64 = 14;
/// GitHub disables scheduled workflows of public repositories after 60 days without
/// activity; warn from day 45.
pub const INACTIVE_WARN_DAYS: i64 = 45;
pub const INACTIVE_DISABLE_DAYS: i64 = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
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
pub struct Check {
    pub level: Level,
    pub what: String,
    /// Empty when nothing needs doing.
    pub fix: String,
}

impl Check {
    fn new(level: Level, what: impl Into<String>, fix: impl Into<String>) -> Check {
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
pub fn staleness(repo: &str, last: Option<Timestamp>, now: Timestamp) -> Check {
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
pub fn schedule(repo: &str, pushed_at: Option<Timestamp>, private: bool, now: Timestamp) -> Check {
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

pub fn gaps(h: &History) -> Check {
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

pub fn file_count(gist: &str, files: usize, truncated: bool) -> Check {
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

#[derive(Deserialize)]
struct RepoInfo {
    #[serde(default)]
    pushed_at: Option<Timestamp>,
    #[serde(default)]
    private: bool,
}

#[derive(Deserialize)]
struct GistInfo {
    #[serde(default)]
    files: serde_json::Map<String, serde_json::Value>,
    #[serde(default)]
    truncated: bool,
    owner: Option<Login>,
}

#[derive(Deserialize)]
struct Login {
    login: String,
}

/// Runs every check; returns the exit code (0 all OK, 4 a warning, 1 a failure).
pub fn run(c: &Config, out: &mut dyn Write) -> Result<u8, Error> {
    let mut checks = Vec::new();
    let token = c.token.clone().ok_or_else(|| Error::Config(crate::config::Error("no token".into())))?;
    let client = github::Client::new(&c.api_url, token, c.max_wait);
    for repo in &c.repos {
        match client.get_json::<serde_json::Value>(&format!("/repos/{repo}/traffic/views?per=day")) {
            Ok(_) => checks.push(Check::new(Level::Ok, format!("{repo}: the token reads traffic"), "")),
            Err(e) => {
                let e = fetch::explain(&client, repo, e, true);
                checks.push(Check::new(Level::Fail, format!("{repo}: the token cannot read traffic"), e.message));
            }
        }
        match client.get_json::<RepoInfo>(&format!("/repos/{repo}")) {
            Ok(info) => checks.push(schedule(repo, info.pushed_at, info.private, c.now)),
            Err(e) => {
                checks.push(Check::new(Level::Fail, format!("{repo}: cannot read the repository"), e.to_string()))
            }
        }
    }
    if let Storage::Gists(ids) = &c.storage {
        for id in ids {
            checks.extend(gist_checks(c, id));
        }
    }
    let mut backend = crate::open_backend(c, &c.storage, c.gist_token.as_ref())?;
    match collect::load(backend.as_mut(), &c.repos) {
        Ok((_, histories)) => {
            checks.push(Check::new(
                Level::Ok,
                format!("history in {} reads with schema {}", backend.describe(), crate::history::SCHEMA),
                "",
            ));
            for h in &histories {
                checks.push(staleness(&h.repo, h.last_collected, c.now));
                checks.push(gaps(h));
            }
        }
        Err(e) => checks.push(Check::new(Level::Fail, "the stored history cannot be read", e.to_string())),
    }
    let io = |e: std::io::Error| Error::Output(e.to_string());
    for check in &checks {
        writeln!(out, "{check}").map_err(io)?;
    }
    let worst = checks.iter().map(|c| c.level).max().unwrap_or(Level::Ok);
    writeln!(out, "worst: {}", worst.to_string().trim()).map_err(io)?;
    Ok(match worst {
        Level::Ok => 0,
        Level::Warn => crate::config::EXIT_WARN,
        Level::Fail => crate::config::EXIT_FAILED,
    })
}

/// The gist is readable, belongs to the gist token's account (only the owner can write
/// it), and is not near the file-listing limit.
fn gist_checks(c: &Config, id: &str) -> Vec<Check> {
    let Some(token) = c.gist_token.clone() else {
        return vec![Check::new(Level::Fail, format!("gist {id}: no gist token"), "set input `gist-token` or `token`")];
    };
    let client = github::Client::new(&c.api_url, token, c.max_wait);
    let gist = match client.get_json::<GistInfo>(&format!("/gists/{id}")) {
        Ok(g) => g,
        Err(e) => {
            return vec![Check::new(
                Level::Fail,
                format!("gist {id} cannot be read ({e})"),
                "check input `gist-id`, and that the gist token can see it",
            )];
        }
    };
    let mut checks = vec![Check::new(Level::Ok, format!("gist {id} reads"), "")];
    let owner = gist.owner.map(|o| o.login);
    match (client.get_json::<Login>("/user"), owner) {
        (Ok(me), Some(owner)) if me.login.eq_ignore_ascii_case(&owner) => {
            checks.push(Check::new(Level::Ok, format!("gist {id} belongs to the gist token's account ({owner})"), ""));
        }
        (Ok(me), Some(owner)) => checks.push(Check::new(
            Level::Fail,
            format!("gist {id} belongs to {owner}, but the gist token is {}'s: it cannot write the gist", me.login),
            "use a token of the gist's owner as `gist-token` (classic: gist scope; fine-grained: Gists: write)",
        )),
        (Err(e), _) => checks.push(Check::new(
            Level::Warn,
            format!("cannot tell whose the gist token is ({e})"),
            "make sure the gist token belongs to the gist's owner",
        )),
        (Ok(_), None) => {}
    }
    checks.push(file_count(id, gist.files.len(), gist.truncated));
    checks
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
    fn lines_are_escaped_for_terminals() {
        let c = Check::new(Level::Fail, "a\nb", "c\u{1b}[31m");
        assert_eq!(c.to_string(), "FAIL a\\nb — fix: c\\u{1b}[31m");
    }
}
