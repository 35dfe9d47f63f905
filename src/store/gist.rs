//! A gist store: one gist the user owns, read whole through the API (files past 1 MB
//! through `raw_url`, checked against their size), written with one PATCH of the files
//! that changed; a revision another writer landed in between is read back and merged.

use std::collections::{BTreeMap, BTreeSet};

use serde::Deserialize;

use crate::github::{self, Client};

use super::layout::{GIST_FILE_LIMIT, MAX_CONCURRENT_REVISIONS, check_file_name, repo_key};
use super::{Backend, Error, Files};

#[derive(Debug, Deserialize)]
struct GistJson {
    #[serde(default)]
    files: BTreeMap<String, Option<GistFile>>,
    #[serde(default)]
    truncated: bool,
    #[serde(default)]
    history: Vec<GistRevision>,
    #[serde(default)]
    owner: Option<GistOwner>,
}

#[derive(Debug, Deserialize)]
struct GistOwner {
    login: String,
}

#[derive(Debug, Deserialize)]
struct GistFile {
    #[serde(default)]
    size: Option<u64>,
    #[serde(default)]
    raw_url: Option<String>,
    #[serde(default)]
    truncated: bool,
    #[serde(default)]
    content: Option<String>,
}

#[derive(Debug, Deserialize)]
struct GistRevision {
    version: String,
}

pub(crate) fn gist(client: Client, id: &str) -> Gist {
    Gist { client, id: id.to_string(), version: None, read: Files::new(), owner: None, listed: None }
}

#[derive(Debug)]
pub(crate) struct Gist {
    client: Client,
    pub(super) id: String,
    /// The revision our read saw; a write whose parent is not this one raced another writer.
    version: Option<String>,
    read: Files,
    pub(super) owner: Option<String>,
    /// The file names of the latest listing we saw (a read, or the answer to our write),
    /// and whether GitHub cut it at 300 files. None before the first read.
    pub(super) listed: Option<(BTreeSet<String>, bool)>,
}

impl Gist {
    fn remember_listing(&mut self, gist: &GistJson) {
        self.listed = Some((gist.files.keys().cloned().collect(), gist.truncated));
    }

    fn explain(&self, e: github::Error, doing: &str) -> Error {
        let id = &self.id;
        let message = match e.status() {
            Some(404) => format!(
                "gist {id} not found while {doing}: check input `gist-id`, and that the gist token can see it (secret gists need the owner's token with the gist scope, or Gists: write)"
            ),
            Some(401) => {
                format!("the gist token was refused while {doing} (401): check input `gist-token` (or `token`)")
            }
            Some(403) if e.message().to_ascii_lowercase().contains("not accessible") => format!(
                "the token cannot write gist {id} (403 {}): use a classic token with the gist scope or a fine-grained token with Gists: write as input `gist-token`; the workflow's GITHUB_TOKEN cannot write gists",
                e.message()
            ),
            _ => format!("gist {id}: {doing} failed: {e}"),
        };
        Error::Gist { message, source: e }
    }

    /// The files of one gist answer, each read in full: `content` when complete (moved
    /// out of the answer, not copied: a gist's histories are megabytes), else `raw_url`,
    /// checked against the declared size.
    fn files_of(&self, mut gist: GistJson, names: &[String]) -> Result<Files, Error> {
        let mut out = Files::new();
        for name in names {
            if out.contains_key(name) {
                continue;
            }
            let Some(Some(file)) = gist.files.get_mut(name) else {
                if gist.truncated {
                    return Err(Error::Refused(format!(
                        "gist {} lists only its first 300 files and {name} is not among them: move some repositories to another gist (or use data-dir); nothing was written",
                        self.id
                    )));
                }
                continue;
            };
            let size = file.size;
            let complete = |text: &str| size.is_none_or(|s| s == text.len() as u64);
            let content = match file.content.take() {
                Some(c) if !file.truncated && !c.is_empty() && complete(&c) => c,
                _ => {
                    let url = file.raw_url.as_deref().ok_or_else(|| {
                        Error::Refused(format!(
                            "gist {}: {name} is truncated and has no raw_url; nothing was written",
                            self.id
                        ))
                    })?;
                    let text = self.client.get_raw(url).map_err(|e| self.explain(e, &format!("reading {name}")))?;
                    if !complete(&text) {
                        return Err(Error::Refused(format!(
                            "gist {}: {name} came back incomplete ({} of {} bytes); nothing was written",
                            self.id,
                            text.len(),
                            size.unwrap_or(0)
                        )));
                    }
                    text
                }
            };
            out.insert(name.clone(), content);
        }
        Ok(out)
    }
}

/// Whether a file is a repository's history, live or settled (see [`super::layout`]).
fn is_history(name: &str) -> bool {
    repo_key(name).is_some() && (name.starts_with("history-") || name.starts_with("settled-"))
}

/// What is wrong with a gist answer that cannot be the whole gist, if anything. GitHub
/// never answers a gist without files (a gist holds at least one) or with a file that
/// is `null`. Believing such an answer would start histories anew and write them over
/// the stored ones. (A history left out of a whole-looking answer is caught by the
/// index, which lists it.)
fn unsound(gist: &GistJson, names: &[String]) -> Option<String> {
    if gist.files.is_empty() {
        return Some("the answer lists no files".into());
    }
    if let Some((name, _)) = gist.files.iter().find(|(_, f)| f.is_none()) {
        return Some(format!("the answer gives {name} as null"));
    }
    let missing = names.iter().find(|n| !gist.files.contains_key(*n)).filter(|_| gist.truncated)?;
    Some(format!(
        "the answer lists only the gist's first {GIST_FILE_LIMIT} files and {missing} is not among them: move some repositories to another gist (or use data-dir)"
    ))
}

impl Gist {
    /// The gist as GitHub answers it, read a second time when the first answer cannot
    /// be the whole gist ([`unsound`]), and refused when the second cannot either.
    fn get_sound(&self, names: &[String]) -> Result<GistJson, Error> {
        let mut why = String::new();
        for attempt in 0..2 {
            if attempt > 0 {
                log::warn!("gist {}: {why}; reading it again", self.id);
            }
            let gist: GistJson =
                self.client.get_json(&format!("/gists/{}", self.id)).map_err(|e| self.explain(e, "reading it"))?;
            match unsound(&gist, names) {
                None => return Ok(gist),
                Some(w) => why = w,
            }
        }
        Err(Error::Refused(format!(
            "gist {}: {why} (read twice); nothing was written: GitHub's answer cannot be the whole gist (if this persists, check the gist in a browser)",
            self.id
        )))
    }

    /// Every file of the gist, read in full (for importing another tool's gist).
    pub(crate) fn read_all(&mut self) -> Result<Files, Error> {
        let gist: GistJson =
            self.client.get_json(&format!("/gists/{}", self.id)).map_err(|e| self.explain(e, "reading it"))?;
        let names: Vec<String> = gist.files.keys().cloned().collect();
        self.files_of(gist, &names)
    }
}

impl Gist {
    /// The gist as GitHub answers it now ([`Gist::get_sound`]), its revision, owner and
    /// listing noted.
    fn answer(&mut self, names: &[String]) -> Result<GistJson, Error> {
        let gist = self.get_sound(names)?;
        self.version = gist.history.first().map(|r| r.version.clone());
        self.owner = gist.owner.as_ref().map(|o| o.login.clone());
        self.remember_listing(&gist);
        Ok(gist)
    }

    /// The named files, keeping no text for a later write: for a reader that never
    /// writes through this gist (one gist of several read alone, see
    /// [`super::gists::Part`]), so what it read is dropped with what it hands over.
    pub(super) fn read_only(&mut self, names: &[String]) -> Result<Files, Error> {
        let gist = self.answer(names)?;
        self.files_of(gist, names)
    }
}

impl Backend for Gist {
    fn read(&mut self, names: &[String]) -> Result<Files, Error> {
        let gist = self.answer(names)?;
        // Every complete file in the listing, so a write can skip files that did not
        // change (badges) without reading them on purpose. Not the histories (live or
        // settled) left unnamed: a run writes only histories it read by name, and the
        // others are most of a gist's bytes (a read of the index alone would hold them
        // all).
        for (name, file) in &gist.files {
            if let Some(GistFile { content: Some(c), truncated: false, .. }) = file
                && !is_history(name)
            {
                self.read.insert(name.clone(), c.clone());
            }
        }
        let files = self.files_of(gist, names)?;
        self.read.extend(files.clone());
        Ok(files)
    }

    fn write(&mut self, files: &Files, names: &[String]) -> Result<Vec<Files>, Error> {
        for name in files.keys() {
            check_file_name(name)?;
        }
        let changed: serde_json::Map<String, serde_json::Value> = files
            .iter()
            .filter(|(n, c)| self.read.get(*n) != Some(*c))
            .map(|(n, c)| (n.clone(), serde_json::json!({ "content": c })))
            .collect();
        if changed.is_empty() {
            return Ok(Vec::new());
        }
        let body = serde_json::json!({ "files": changed });
        let after: GistJson =
            self.client.patch_json(&format!("/gists/{}", self.id), &body).map_err(|e| self.explain(e, "writing it"))?;
        self.read.extend(files.iter().map(|(k, v)| (k.clone(), v.clone())));
        if after.files.is_empty() {
            // An answer without a listing: what we wrote is there now, at least.
            if let Some((names, _)) = self.listed.as_mut() {
                names.extend(files.keys().cloned());
            }
        } else {
            self.remember_listing(&after);
        }
        let versions: Vec<&str> = after.history.iter().map(|r| r.version.as_str()).collect();
        let ours = versions.first().map(|v| v.to_string());
        // Revisions between ours (newest) and the one we read are another writer's.
        let others: Vec<String> = match &self.version {
            Some(read) => versions
                .iter()
                .skip(1)
                .take_while(|v| **v != read.as_str())
                .take(MAX_CONCURRENT_REVISIONS)
                .map(|v| v.to_string())
                .collect(),
            None => Vec::new(),
        };
        self.version = ours;
        let mut out = Vec::new();
        for v in others {
            log::warn!("gist {} was written by someone else during this run (revision {v}); merging it in", self.id);
            let rev: GistJson = self
                .client
                .get_json(&format!("/gists/{}/{v}", self.id))
                .map_err(|e| self.explain(e, "reading a concurrent revision"))?;
            out.push(self.files_of(rev, names)?);
        }
        Ok(out)
    }

    fn describe(&self) -> String {
        format!("gist {}", self.id)
    }

    fn public_url(&self, file: &str) -> Option<String> {
        let owner = self.owner.as_deref()?;
        (self.client.base() == "https://api.github.com")
            .then(|| format!("https://gist.githubusercontent.com/{owner}/{}/raw/{file}", self.id))
    }
}
