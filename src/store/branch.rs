//! A git-branch store: the files at the top of one branch of a repository the user owns,
//! read through the Git Data API (ref, commit, recursive tree, blobs) and written as one
//! commit per run that fast-forwards the branch. A refused fast-forward means another
//! writer moved the branch: its files are read back and merged, never force-pushed over.
//! <https://docs.github.com/en/rest/git>

use std::collections::BTreeMap;

use base64::Engine as _;
use serde::{Deserialize, Serialize};

use crate::github::{self, Client};

mod site;
mod spill;

use super::layout::{INDEX_FILE, check_file_name};
use super::{Backend, Error, Files};

/// Files up to this size go inline in the tree request (GitHub writes their blobs); a
/// larger one is sent as a blob of its own first, keeping each request small.
const INLINE_MAX: usize = 64 * 1024;

/// How many bytes of small files a run keeps for the commit's tree before sending them
/// ahead in a tree of their own (see `Branch::flush_inline`).
const INLINE_FLUSH: usize = 1024 * 1024;

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

/// A tree request, written straight from the names and shas held: at the end of a run
/// over thousands of repositories it names every file the run changed.
#[derive(Serialize)]
struct NewTree<'a> {
    tree: Vec<NewEntry<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    base_tree: Option<&'a str>,
}

/// One file of a [`NewTree`]: by the sha of a blob sent before, or its text inline.
#[derive(Serialize)]
struct NewEntry<'a> {
    path: &'a str,
    mode: &'static str,
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    sha: Option<std::borrow::Cow<'a, str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    content: Option<&'a str>,
}

impl NewEntry<'_> {
    const BLOB: NewEntry<'static> = NewEntry { path: "", mode: "100644", kind: "blob", sha: None, content: None };
}

/// The answer to a tree request as gtt reads it: the new tree's sha. The answer also
/// lists every file of the new tree, which the parser skips.
#[derive(Debug, Deserialize)]
struct TreeSha {
    sha: String,
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
        fresh: false,
        listing: BTreeMap::new(),
        read: BTreeMap::new(),
        staged: BTreeMap::new(),
        inline: Files::new(),
        spill: spill::Spill::default(),
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
    /// Whether `head` and `listing` are what a read answers from: reads in one run see
    /// one revision (one repository read at a time, all from the same tree) until a
    /// write lands or loses a race.
    fresh: bool,
    listing: BTreeMap<String, (String, Option<u64>)>,
    /// A digest of each file as read or written, so a write sends only what changed
    /// without holding every text.
    read: BTreeMap<String, u64>,
    /// Files [`Backend::put`] sent as blobs for the coming commit: name -> (blob sha,
    /// digest of the text).
    staged: BTreeMap<String, (String, u64)>,
    /// Small files [`Backend::put`] took for the coming commit, sent inline in its tree.
    inline: Files,
    /// The blobs read this run, for the second read of each history.
    spill: spill::Spill,
}

/// A digest of a file's text, to tell a changed file from one as read (SipHash with
/// fixed keys: the same in every run of one build, never stored).
fn digest(text: &str) -> u64 {
    use std::hash::{Hash as _, Hasher as _};
    let mut h = std::hash::DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
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
    /// else's, such as a site gtt wrote there).
    fn read_listing(&self, tree: &str) -> Result<BTreeMap<String, (String, Option<u64>)>, Error> {
        let mut paths = self.read_paths(tree)?;
        paths.retain(|path, _| !path.contains('/'));
        Ok(paths)
    }

    /// Every blob of `tree`, folders included: path -> (sha, size). A listing GitHub cut
    /// short is refused: a missing history would start anew, and a stale site file could
    /// not be told from a missing one.
    fn read_paths(&self, tree: &str) -> Result<BTreeMap<String, (String, Option<u64>)>, Error> {
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
        Ok(t.tree.into_iter().filter(|e| e.kind == "blob").map(|e| (e.path, (e.sha, e.size))).collect())
    }

    /// One blob, from this run's spill if read before, else from GitHub (then spilled).
    fn read_blob_once(&mut self, name: &str, sha: &str, size: Option<u64>) -> Result<String, Error> {
        if let Some(text) = self.spill.get(sha) {
            return Ok(text);
        }
        let text = self.read_blob(name, sha, size)?;
        self.spill.keep(sha, &text);
        Ok(text)
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
        let mut tree = Vec::with_capacity(self.staged.len() + changed.len());
        for (name, (sha, _)) in self.staged.iter().filter(|(n, _)| !changed.iter().any(|(c, _)| c == n)) {
            tree.push(NewEntry { path: name, sha: Some(sha.into()), content: None, ..NewEntry::BLOB });
        }
        for (name, content) in changed {
            tree.push(if content.len() <= INLINE_MAX {
                NewEntry { path: name, content: Some(content), ..NewEntry::BLOB }
            } else {
                NewEntry { path: name, sha: Some(self.post_blob(name, content)?.into()), ..NewEntry::BLOB }
            });
        }
        let body = NewTree { tree, base_tree: self.head.as_ref().map(|(_, tree)| tree.as_str()) };
        let tree: TreeSha =
            self.client.post_json(&self.git("trees"), &body).map_err(|e| self.explain(e, "writing the tree of"))?;
        Ok(tree.sha)
    }

    /// Sends the small files [`Backend::put`] kept in one tree request of their own (no
    /// base): GitHub writes their blobs and answers their shas, which the commit's tree
    /// then names, so a run over thousands of repositories holds names and shas, not
    /// their badges' texts, in about one request per [`INLINE_FLUSH`] bytes.
    fn flush_inline(&mut self) -> Result<(), Error> {
        let entries: Vec<serde_json::Value> = self
            .inline
            .iter()
            .map(|(n, c)| serde_json::json!({ "path": n, "mode": "100644", "type": "blob", "content": c }))
            .collect();
        let body = serde_json::json!({ "tree": entries });
        let tree: TreeJson =
            self.client.post_json(&self.git("trees"), &body).map_err(|e| self.explain(e, "writing the files of"))?;
        for e in tree.tree {
            if let Some(c) = self.inline.remove(&e.path) {
                self.staged.insert(e.path, (e.sha, digest(&c)));
            }
        }
        if let Some(name) = self.inline.keys().next() {
            return Err(Error::Refused(format!(
                "branch {}: GitHub's answer to a tree request left out {name}; nothing was written",
                self.place()
            )));
        }
        Ok(())
    }

    /// Sends one file as a blob; its sha.
    fn post_blob(&self, name: &str, content: &str) -> Result<String, Error> {
        let body = serde_json::json!({ "content": content, "encoding": "utf-8" });
        let blob: ObjectJson = self
            .client
            .post_json(&self.git("blobs"), &body)
            .map_err(|e| self.explain(e, &format!("writing {name} to")))?;
        Ok(blob.sha)
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
    /// The index and every history on the branch (live and settled files), read in full: a source for
    /// `gtt backfill --from OWNER/REPO@BRANCH` (badges are derived, so not read).
    pub(crate) fn read_data(&mut self) -> Result<Files, Error> {
        let Some((_, tree)) = self.read_head()? else {
            return Err(Error::Refused(format!("branch {} does not exist", self.place())));
        };
        let listing = self.read_listing(&tree)?;
        let mut out = Files::new();
        for (name, (sha, size)) in &listing {
            let history = name.starts_with("history-") || name.starts_with("settled-");
            if name == INDEX_FILE || (history && name.ends_with(".json")) {
                out.insert(name.clone(), self.read_blob(name, sha, *size)?);
            }
        }
        Ok(out)
    }
}

impl Branch {
    fn write_all(&mut self, files: &Files, names: &[String]) -> Result<Vec<Files>, Error> {
        let changed: Vec<(&String, &String)> =
            files.iter().filter(|(n, c)| self.read.get(*n) != Some(&digest(c))).collect();
        if changed.is_empty() && self.staged.is_empty() {
            return Ok(Vec::new());
        }
        let tree = self.make_tree(&changed)?;
        let landed = |b: &mut Branch| {
            b.read.extend(files.iter().map(|(k, v)| (k.clone(), digest(v))));
            b.read.extend(std::mem::take(&mut b.staged).into_iter().map(|(k, (_, d))| (k, d)));
        };
        if self.head.as_ref().is_some_and(|(_, t)| *t == tree) {
            // Same content as the head: nothing to commit.
            landed(self);
            return Ok(Vec::new());
        }
        let before = self.head.clone();
        match self.commit(&tree, changed.len() + self.staged.len())? {
            (Landed::Yes, head) => {
                self.head = head;
                // The listing is the old tree's: the next read lists the new one.
                self.fresh = false;
                landed(self);
                Ok(Vec::new())
            }
            (Landed::Moved, _) => {
                let seen = std::mem::take(&mut self.listing);
                self.fresh = false;
                self.read(&[])?;
                if self.head == before {
                    return Err(Error::Refused(format!(
                        "branch {}: GitHub refused to move it (422) though no one else did; nothing was written: check the branch's protection rules",
                        self.place()
                    )));
                }
                let moved: Vec<String> =
                    names.iter().filter(|n| self.listing.get(*n) != seen.get(*n)).cloned().collect();
                log::warn!(
                    "branch {} was written by someone else during this run; merging in the {} {} it changed",
                    self.place(),
                    moved.len(),
                    if moved.len() == 1 { "file" } else { "files" }
                );
                Ok(vec![self.read(&moved)?])
            }
        }
    }
}

impl Backend for Branch {
    fn read(&mut self, names: &[String]) -> Result<Files, Error> {
        for name in names {
            check_file_name(name)?;
        }
        if !self.fresh {
            self.head = self.read_head()?;
            self.listing = match &self.head {
                Some((_, tree)) => self.read_listing(tree)?,
                None => BTreeMap::new(),
            };
            self.fresh = true;
        }
        let mut out = Files::new();
        for name in names {
            if let Some((sha, size)) = self.listing.get(name).cloned() {
                out.insert(name.clone(), self.read_blob_once(name, &sha, size)?);
            }
        }
        self.read.extend(out.iter().map(|(k, v)| (k.clone(), digest(v))));
        Ok(out)
    }

    /// One tree and one commit for everything [`Backend::put`] sent and `files`. A lost
    /// race answers, of `names`, only the files the other writer changed.
    fn write(&mut self, files: &Files, names: &[String]) -> Result<Vec<Files>, Error> {
        for name in files.keys() {
            check_file_name(name)?;
        }
        let mut all = std::mem::take(&mut self.inline);
        all.extend(files.iter().map(|(k, v)| (k.clone(), v.clone())));
        let files = &all;
        let result = self.write_all(files, names);
        if result.as_ref().is_ok_and(|c| !c.is_empty()) {
            // Lost a race: the small files go again in the next tree.
            self.inline = all;
        }
        result
    }

    fn file_by_file(&self) -> bool {
        true
    }

    /// Sends each changed file larger than [`INLINE_MAX`] (a history of a year or more)
    /// as a blob now, and keeps the small ones (badges) for the tree request, where they
    /// go inline: a blob request per badge would spend thousands of requests of the
    /// token's hourly budget. The tree and the commit come in [`Backend::write`].
    fn put(&mut self, files: &Files) -> Result<bool, Error> {
        for (name, content) in files {
            check_file_name(name)?;
            let d = digest(content);
            self.staged.remove(name);
            self.inline.remove(name);
            if self.read.get(name) == Some(&d) {
                continue;
            }
            if content.len() <= INLINE_MAX {
                self.inline.insert(name.clone(), content.clone());
            } else {
                let sha = self.post_blob(name, content)?;
                self.staged.insert(name.clone(), (sha, d));
            }
        }
        if self.inline.values().map(String::len).sum::<usize>() > INLINE_FLUSH {
            self.flush_inline()?;
        }
        Ok(true)
    }

    fn staged(&mut self, name: &str) -> Result<Option<String>, Error> {
        if let Some(text) = self.inline.get(name) {
            return Ok(Some(text.clone()));
        }
        let Some((sha, _)) = self.staged.get(name).cloned() else { return Ok(None) };
        self.read_blob(name, &sha, None).map(Some)
    }

    fn describe(&self) -> String {
        format!("branch {}", self.place())
    }

    fn public_url(&self, _file: &str) -> Option<String> {
        // A repository may be private: its raw URLs would not serve a badge.
        None
    }
}
