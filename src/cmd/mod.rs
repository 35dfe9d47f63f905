//! One file per command, each a short pipeline of calls into the rooms below it.

pub(crate) mod backfill;
pub(crate) mod collect;
pub(crate) mod dashboard;
pub(crate) mod doctor;
pub(crate) mod export;
pub(crate) mod init;

use crate::config::{Config, Spec, Storage};
use crate::error::Error;
use crate::github::Client;
use crate::store::{self, Backend};
use crate::{discover, escape, report};

/// The store `storage` names, with the gist token where it is a gist and the data token
/// where it is a branch.
pub(crate) fn open_store(c: &Config, storage: &Storage) -> Result<Box<dyn Backend>, Error> {
    let client = || {
        c.gist_token
            .as_ref()
            .map(|t| Client::new(&c.api_url, t.clone(), c.max_wait))
            .ok_or(crate::config::Error::Unset { input: "gist-token", fix: None })
    };
    Ok(match storage {
        Storage::Folder(dir) => Box::new(store::folder(dir, c.max_wait)),
        Storage::Gist(id) => Box::new(store::gist(client()?, id)),
        Storage::Gists(ids) => Box::new(open_gists(c, ids)?),
        Storage::Branch { repo, branch } => {
            let token = c.data_token.clone().ok_or(crate::config::Error::Unset { input: "data-token", fix: None })?;
            Box::new(store::branch(Client::new(&c.api_url, token, c.max_wait), repo, branch))
        }
    })
}

/// The store over the gists `ids`, with the gist token: what [`open_store`] opens for
/// `Storage::Gists`, for a command that reads it a gist at a time (`export`).
pub(crate) fn open_gists(c: &Config, ids: &[String]) -> Result<store::Gists, Error> {
    let token = c.gist_token.as_ref().ok_or(crate::config::Error::Unset { input: "gist-token", fix: None })?;
    Ok(store::gists(ids.iter().map(|id| store::gist(Client::new(&c.api_url, token.clone(), c.max_wait), id)).collect()))
}

/// `c` with its repositories: as given, or, when neither input `repos` nor
/// `GITHUB_REPOSITORY` names one, those the store's index tracks (exclusions still
/// apply), said in one line on stderr (`doing`: "collecting", "exporting"). `None` when
/// none was given and the store tracks none.
pub(crate) fn with_repos(c: &Config, backend: &mut dyn Backend, doing: &str) -> Result<Option<Config>, Error> {
    if c.repo_specs.iter().any(|s| !s.exclude) {
        return Ok(Some(c.clone()));
    }
    let (index, _) = store::ledger::load(backend, &[])?;
    Ok(with_repos_of(c, &index, &backend.describe(), doing))
}

/// [`with_repos`] with the index of the store (`place`) already read.
pub(crate) fn with_repos_of(c: &Config, index: &store::Index, place: &str, doing: &str) -> Option<Config> {
    if c.repo_specs.iter().any(|s| !s.exclude) {
        return Some(c.clone());
    }
    let mut specs: Vec<Spec> = index
        .repos
        .keys()
        .filter_map(|r| r.split_once('/'))
        .map(|(owner, name)| Spec { exclude: false, owner: owner.to_string(), name: name.to_string() })
        .collect();
    specs.extend(c.repo_specs.iter().cloned());
    let repos = discover::select(&specs, &[], c.filters).repos;
    if repos.is_empty() {
        return None;
    }
    log::info!(
        "no repos given: {doing} the {} {} that {place} tracks",
        report::count(repos.len() as u64, "repository", "repositories"),
        escape::terminal(&repos.join(", ")),
    );
    let mut c = c.clone();
    c.repos = repos;
    c.repo_specs = specs;
    Some(c)
}
