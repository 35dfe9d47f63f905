//! A git-branch store: the files at the top of one branch of a repository the user owns,
//! read through the Git Data API (ref, commit, recursive tree, blobs) and written as one
//! commit per run that fast-forwards the branch. A refused fast-forward means another
//! writer moved the branch: its files are read back and merged, never force-pushed over.
//! <https://docs.github.com/en/rest/git>

use std::collections::BTreeMap;

use base64::Engine as _;
use serde::Deserialize;

use crate::github::{self, Client};

mod site;

use super::layout::{INDEX_FILE, check_file_name};
use super::{Backend, Error, Files};

/// Files up to this size go inline in the tree request (GitHub writes their blobs); a
/// larger one is sent as a blob of its own first, keeping each request small.
const INLINE_MAX: usize = 64 * 1024;

#[derive(Debug, Deserialize)]
struct RefJson {
    object: ObjectJson,
}

#[derive(Debug, Deserialize)]
struct ObjectJson {
    sha: String,
}

#[derive(Debug, Deserialize)]
struct CommitJson {
    sha: String,
    tree: ObjectJson,
}

#[derive(Debug, Deserialize)]
struct TreeJson {
    sha: String,
    #[serde(default)]
    tree: Vec<EntryJson>,
    #[serde(default)]
    truncated: bool,
}

#[derive(Debug, Deserialize)]
struct EntryJson {
    path: String,
    #[serde(rename = "type")]
    kind: String,
    sha: String,
    #[serde(default)]
    size: Option<u64>,
}

#[derive(Debug, Deserialize)]
struct BlobJson {
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    encoding: Option<String>,
    #[serde(default)]
    size: Option<u64>,
}

/// The branch `branch` of `repo` (`owner/name`), through `client`.
pub(crate) fn branch(client: Client, repo: &str, branch: &str) -> Branch {
    Branch {
        client,
        repo: repo.to_string(),
        branch: branch.to_string(),
        head: None,
        listing: BTreeMap::new(),
        read: Files::new(),
    }
}

/// What the last read saw: the head commit and its tree, and the files at the top of
/// that tree (name -> blob sha, size).
#[derive(Debug)]
pub(crate) struct Branch {
    client: Client,
    repo: String,
    branch: String,
    /// (commit, tree) of the head the last read saw; None: the branch does not exist.
    head: Option<(String, String)>,
    listing: BTreeMap<String, (String, Option<u64>)>,
    /// What was read or written, so a write sends only what changed.
    read: Files,
}

/// How a write ended: landed, or refused because the branch moved.
enum Landed {
    Yes,
    Moved,
}

impl Branch {
    fn place(&self) -> String {
        format!("{}@{}", self.repo, self.branch)
    }

    fn explain(&self, e: github::Error, doing: &str) -> Error {
        let place = self.place();
        let message = match e.status() {
            Some(404) => format!(
                "repository {} not found while {doing} {place}: check input `data-repo`, and that `data-token` (or `token`) can see it",
                self.repo
            ),
            Some(401) => {
                format!("the data token was refused while {doing} {place} (401): check input `data-token` (or `token`)")
            }
            Some(403) => format!(
                "the data token cannot write {place} (403 {}): give `data-token` Contents: write on {} (a workflow's GITHUB_TOKEN needs `permissions: contents: write`), or unprotect the branch",
                e.message(),
                self.repo
            ),
            Some(409) => format!(
                "repository {} is empty (409 {}): push any first commit to it (e.g. a README), then run again",
                self.repo,
                e.message()
            ),
            _ => format!("{place}: {doing} failed: {e}"),
        };
        Error::Branch { message, source: Box::new(e) }
    }

    fn git(&self, rest: &str) -> String {
        format!("/repos/{}/git/{rest}", self.repo)
    }

    /// The head commit and its tree, or None when the branch does not exist yet.
    fn read_head(&self) -> Result<Option<(String, String)>, Error> {
        let path = self.git(&format!("ref/heads/{}", self.branch));
        let head: RefJson = match self.client.get_json(&path) {
            Ok(r) => r,
            Err(e) if e.status() == Some(404) => return Ok(None),
            Err(e) => return Err(self.explain(e, "reading the head of")),
        };
        let commit: CommitJson = self
            .client
            .get_json(&self.git(&format!("commits/{}", head.object.sha)))
            .map_err(|e| self.explain(e, "reading the head commit of"))?;
        Ok(Some((commit.sha, commit.tree.sha)))
    }

    /// The files at the top of `tree` (blobs only; entries in folders are someone
    /// else's). A tree GitHub cut short is refused: a missing history would start anew.
    fn read_listing(&self, tree: &str) -> Result<BTreeMap<String, (String, Option<u64>)>, Error> {
        let t: TreeJson = self
            .client
            .get_json(&self.git(&format!("trees/{tree}?recursive=1")))
            .map_err(|e| self.explain(e, "listing the files of"))?;
        if t.truncated {
            return Err(Error::Refused(format!(
                "branch {}: GitHub cut the listing of its files short (too many files); nothing was written: keep only gtt's files on the branch",
                self.place()
            )));
        }
        Ok(t.tree
            .into_iter()
            .filter(|e| e.kind == "blob" && !e.path.contains('/'))
            .map(|e| (e.path, (e.sha, e.size)))
            .collect())
    }

    /// One blob, decoded and checked against its declared size, as text.
    fn read_blob(&self, name: &str, sha: &str, size: Option<u64>) -> Result<String, Error> {
        let blob: BlobJson = self
            .client
            .get_json(&self.git(&format!("blobs/{sha}")))
            .map_err(|e| self.explain(e, &format!("reading {name} of")))?;
        let refused =
            |why: String| Error::Refused(format!("branch {}: {name} {why}; nothing was written", self.place()));
        let content = blob.content.ok_or_else(|| refused("came back without content".into()))?;
        let bytes = match blob.encoding.as_deref() {
            Some("base64") => {
                let packed: String = content.chars().filter(|c| !c.is_ascii_whitespace()).collect();
                base64::engine::general_purpose::STANDARD
                    .decode(packed)
                    .map_err(|e| refused(format!("is not valid base64 ({e})")))?
            }
            Some("utf-8" | "utf8") => content.into_bytes(),
            other => return Err(refused(format!("came back in an unknown encoding ({other:?})"))),
        };
        let want = size.or(blob.size);
        if want.is_some_and(|w| w != bytes.len() as u64) {
            let w = want.unwrap_or(0);
            return Err(refused(format!("came back incomplete ({} of {w} bytes)", bytes.len())));
        }
        String::from_utf8(bytes).map_err(|_| refused("is not UTF-8 text".into()))
    }
}

impl Branch {
    /// The new tree: `base` with the changed files (small ones inline, large ones as
    /// blobs of their own).
    fn make_tree(&self, changed: &[(&String, &String)]) -> Result<String, Error> {
        let mut entries = Vec::new();
        for (name, content) in changed {
            let mut entry = serde_json::Map::new();
            entry.insert("path".into(), serde_json::json!(name));
            entry.insert("mode".into(), serde_json::json!("100644"));
            entry.insert("type".into(), serde_json::json!("blob"));
            if content.len() <= INLINE_MAX {
                entry.insert("content".into(), serde_json::json!(content));
            } else {
                let body = serde_json::json!({ "content": content, "encoding": "utf-8" });
                let blob: ObjectJson = self
                    .client
                    .post_json(&self.git("blobs"), &body)
                    .map_err(|e| self.explain(e, &format!("writing {name} to")))?;
                entry.insert("sha".into(), serde_json::json!(blob.sha));
            }
            entries.push(serde_json::Value::Object(entry));
        }
        let mut body = serde_json::Map::new();
        body.insert("tree".into(), serde_json::Value::Array(entries));
        if let Some((_, tree)) = &self.head {
            body.insert("base_tree".into(), serde_json::json!(tree));
        }
        let body = serde_json::Value::Object(body);
        let tree: TreeJson =
            self.client.post_json(&self.git("trees"), &body).map_err(|e| self.explain(e, "writing the tree of"))?;
        Ok(tree.sha)
    }

    /// Commits `tree` on the head read and moves the branch to it, never by force.
    fn commit(&self, tree: &str, files: usize) -> Result<(Landed, Option<(String, String)>), Error> {
        let parents: Vec<&str> = self.head.as_ref().map(|(c, _)| c.as_str()).into_iter().collect();
        let message = format!("gtt: {files} {}", if files == 1 { "file" } else { "files" });
        let body = serde_json::json!({ "message": message, "tree": tree, "parents": parents });
        let commit: CommitJson =
            self.client.post_json(&self.git("commits"), &body).map_err(|e| self.explain(e, "committing to"))?;
        let moved = match &self.head {
            Some(_) => {
                let body = serde_json::json!({ "sha": commit.sha, "force": false });
                let path = self.git(&format!("refs/heads/{}", self.branch));
                self.client.patch_json::<serde_json::Value>(&path, &body).map(|_| ())
            }
            None => {
                let body = serde_json::json!({ "ref": format!("refs/heads/{}", self.branch), "sha": commit.sha });
                self.client.post_json::<serde_json::Value>(&self.git("refs"), &body).map(|_| ())
            }
        };
        match moved {
            Ok(()) => Ok((Landed::Yes, Some((commit.sha, tree.to_string())))),
            // Not a fast-forward, or the branch was created meanwhile: another writer.
            Err(e) if e.status() == Some(422) => Ok((Landed::Moved, None)),
            Err(e) => Err(self.explain(e, "moving the head of")),
        }
    }
}

impl Branch {
    /// The index and every history on the branch, read in full: a source for
    /// `gtt backfill --from OWNER/REPO@BRANCH` (badges are derived, so not read).
    pub(crate) fn read_data(&mut self) -> Result<Files, Error> {
        let Some((_, tree)) = self.read_head()? else {
            return Err(Error::Refused(format!("branch {} does not exist", self.place())));
        };
        let listing = self.read_listing(&tree)?;
        let mut out = Files::new();
        for (name, (sha, size)) in &listing {
            if name == INDEX_FILE || (name.starts_with("history-") && name.ends_with(".json")) {
                out.insert(name.clone(), self.read_blob(name, sha, *size)?);
            }
        }
        Ok(out)
    }
}

impl Backend for Branch {
    fn read(&mut self, names: &[String]) -> Result<Files, Error> {
        for name in names {
            check_file_name(name)?;
        }
        self.head = self.read_head()?;
        self.listing = match &self.head {
            Some((_, tree)) => self.read_listing(tree)?,
            None => BTreeMap::new(),
        };
        let mut out = Files::new();
        for name in names {
            if let Some((sha, size)) = self.listing.get(name) {
                out.insert(name.clone(), self.read_blob(name, sha, *size)?);
            }
        }
        self.read.extend(out.iter().map(|(k, v)| (k.clone(), v.clone())));
        Ok(out)
    }

    fn write(&mut self, files: &Files, names: &[String]) -> Result<Vec<Files>, Error> {
        for name in files.keys() {
            check_file_name(name)?;
        }
        let changed: Vec<(&String, &String)> = files.iter().filter(|(n, c)| self.read.get(*n) != Some(*c)).collect();
        if changed.is_empty() {
            return Ok(Vec::new());
        }
        let tree = self.make_tree(&changed)?;
        if self.head.as_ref().is_some_and(|(_, t)| *t == tree) {
            // Same content as the head: nothing to commit.
            self.read.extend(files.iter().map(|(k, v)| (k.clone(), v.clone())));
            return Ok(Vec::new());
        }
        let before = self.head.clone();
        match self.commit(&tree, changed.len())? {
            (Landed::Yes, head) => {
                self.head = head;
                self.read.extend(files.iter().map(|(k, v)| (k.clone(), v.clone())));
                Ok(Vec::new())
            }
            (Landed::Moved, _) => {
                let theirs = self.read(names)?;
                if self.head == before {
                    return Err(Error::Refused(format!(
                        "branch {}: GitHub refused to move it (422) though no one else did; nothing was written: check the branch's protection rules",
                        self.place()
                    )));
                }
                log::warn!("branch {} was written by someone else during this run; merging it in", self.place());
                Ok(vec![theirs])
            }
        }
    }

    fn describe(&self) -> String {
        format!("branch {}", self.place())
    }

    fn public_url(&self, _file: &str) -> Option<String> {
        // A repository may be private: its raw URLs would not serve a badge.
        None
    }
}
