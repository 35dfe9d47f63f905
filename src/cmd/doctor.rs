//! `gtt doctor`: one line per check, OK / WARN / FAIL with the fix, and an exit code
//! that reflects the worst. The judgements are the pure ones in [`crate::checks`], which
//! `collect` uses for its warnings.

use std::io::Write;

use jiff::Timestamp;
use serde::Deserialize;

use crate::checks::{
    Check, Level, branch_protection, data_push, file_count, gaps, schedule, staleness, workflow_files,
};
use crate::config::{CiMode, Config, Storage};
use crate::error::{Error, exit};
use crate::store::Backend;
use crate::store::ledger::load;
use crate::{fetch, github};

#[derive(Deserialize)]
struct RepoInfo {
    #[serde(default)]
    pushed_at: Option<Timestamp>,
    #[serde(default)]
    private: bool,
}

#[derive(Deserialize)]
struct Permissions {
    #[serde(default)]
    push: bool,
}

#[derive(Deserialize)]
struct DataRepoInfo {
    #[serde(default)]
    permissions: Option<Permissions>,
}

#[derive(Deserialize)]
struct BranchInfo {
    #[serde(default)]
    protected: bool,
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
pub(crate) fn run(c: &Config, out: &mut dyn Write) -> Result<u8, Error> {
    let mut backend = super::open_store(c, &c.storage)?;
    let c = &super::with_repos(c, backend.as_mut(), "checking")?.unwrap_or_else(|| c.clone());
    let mut checks = Vec::new();
    let token = c.token.clone().ok_or(crate::config::Error::Unset { input: "token", fix: None })?;
    let client = github::Client::new(&c.api_url, token, c.max_wait);
    for repo in &c.repos {
        checks.extend(repo_checks(c, &client, repo));
    }
    if let Storage::Branch { repo, branch } = &c.storage {
        checks.extend(branch_checks(c, repo, branch));
    }
    if let Storage::Gists(ids) = &c.storage {
        for id in ids {
            checks.extend(gist_checks(c, id));
        }
    }
    checks.extend(store_checks(c, backend.as_mut()));
    for check in &checks {
        writeln!(out, "{check}").map_err(Error::output("stdout"))?;
    }
    let worst = checks.iter().map(|c| c.level).max().unwrap_or(Level::Ok);
    writeln!(out, "worst: {}", worst.to_string().trim()).map_err(Error::output("stdout"))?;
    Ok(match worst {
        Level::Ok => exit::OK,
        Level::Warn => exit::WARN,
        Level::Fail => exit::FAILED,
    })
}

/// The token reads the repository's traffic, and its last push against the schedule rule.
fn repo_checks(c: &Config, client: &github::Client, repo: &str) -> Vec<Check> {
    let mut checks = Vec::new();
    match client.get_json::<serde_json::Value>(&format!("/repos/{repo}/traffic/views?per=day")) {
        Ok(_) => checks.push(Check::new(Level::Ok, format!("{repo}: the token reads traffic"), "")),
        Err(e) => {
            let e = fetch::explain(client, repo, e, true);
            checks.push(Check::new(Level::Fail, format!("{repo}: the token cannot read traffic"), e.message));
        }
    }
    match client.get_json::<RepoInfo>(&format!("/repos/{repo}")) {
        Ok(info) => checks.push(schedule(repo, info.pushed_at, info.private, c.now)),
        Err(e) => checks.push(Check::new(Level::Fail, format!("{repo}: cannot read the repository"), e.to_string())),
    }
    if c.ci.mode != CiMode::Off {
        match client.get_json::<serde_json::Value>(&format!("/repos/{repo}/contents/.github/workflows")) {
            Ok(_) => checks.push(workflow_files(repo, 200, "")),
            Err(e) => checks.push(workflow_files(repo, e.status().unwrap_or(0), &e.to_string())),
        }
    }
    checks
}

/// The data token sees the branch store's repository and can push to it; the branch
/// is not protected.
fn branch_checks(c: &Config, repo: &str, branch: &str) -> Vec<Check> {
    let Some(token) = c.data_token.clone() else {
        return vec![Check::new(Level::Fail, format!("{repo}: no data token"), "set input `data-token` or `token`")];
    };
    let client = github::Client::new(&c.api_url, token, c.max_wait);
    let answer =
        client.get_json::<DataRepoInfo>(&format!("/repos/{repo}")).map(|info| info.permissions.map(|p| p.push));
    let mut checks = vec![data_push(repo, answer.as_ref().map(|p| *p))];
    // A branch not made yet (404) is made by the first collect: nothing to say.
    if let Ok(info) = client.get_json::<BranchInfo>(&format!("/repos/{repo}/branches/{branch}")) {
        checks.push(branch_protection(repo, branch, info.protected));
    }
    checks
}

/// The stored history reads, exists, and each repository's is fresh and without gaps.
fn store_checks(c: &Config, backend: &mut dyn Backend) -> Vec<Check> {
    let place = backend.describe();
    match load(backend, &c.repos) {
        Ok((index, _)) if index.repos.is_empty() => vec![Check::new(
            Level::Fail,
            format!("{place} holds no history"),
            "run `gtt collect` first, or name the store that holds it with input `data-dir` or `gist-id`",
        )],
        Ok((_, histories)) => {
            let schema = crate::history::SCHEMA;
            let mut checks = vec![Check::new(Level::Ok, format!("history in {place} reads with schema {schema}"), "")];
            for h in &histories {
                checks.push(staleness(&h.repo, h.last_collected, c.now));
                checks.push(gaps(h));
            }
            checks
        }
        Err(e) => vec![Check::new(Level::Fail, "the stored history cannot be read", e.to_string())],
    }
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
