//! The dashboard in a branch store: the site's files written next to the data, in one
//! commit that fast-forwards the branch, so GitHub Pages serves the dashboard and the
//! files it reads from one origin (no cross-origin reads).
//!
//! The site goes to the branch root, not a folder of it: Pages publishes a branch's root
//! or its `/docs` folder and nothing outside it, and the data lives at the root, so a
//! site in `/docs` could not reach `../gtt.json`. A site commit writes only site paths:
//! a path that is a data file's name is refused, and it removes only files gtt's previous
//! site manifest listed that this write no longer writes.

use std::collections::{BTreeMap, BTreeSet};

use base64::Engine as _;

use crate::config::Metric;

use super::super::Error;
use super::super::layout::{INDEX_FILE, repo_key};
use super::{Branch, INLINE_MAX, Landed, ObjectJson, TreeJson};

/// How many times a site commit is retried on top of another writer's commit.
const ROUNDS: usize = 3;

/// A site commit that landed: files sent, and stale files of an older site removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SiteCommit {
    pub(crate) files: usize,
    pub(crate) removed: usize,
}

/// Refuses a site path that could leave the branch's tree or hide in it: empty, with a
/// leading `/`, a `\`, a control character, an empty, `.` or `..` component, or longer
/// than git hosts take. Unlike data files ([`super::super::layout::check_file_name`]),
/// site paths have folders (`vendor/uPlot.iife.min.js`) and dot files (`.nojekyll`).
pub(crate) fn check_site_path(path: &str) -> Result<(), Error> {
    let bad = path.is_empty()
        || path.len() > 1024
        || path.starts_with('/')
        || path.contains('\\')
        || path.chars().any(char::is_control)
        || path.split('/').any(|part| part.is_empty() || part == "." || part == "..");
    if bad {
        return Err(Error::BadName { name: path.to_string() });
    }
    Ok(())
}

/// Whether `path` is, or could become, one of gtt's data files at the top of the store:
/// the index, a repository's history or badges, a summed badge, a monthly archive.
fn is_data_name(path: &str) -> bool {
    let summed = |ext: &str| Metric::ALL.iter().any(|m| path == format!("{}.{ext}", m.name()));
    !path.contains('/')
        && (path == INDEX_FILE
            || path.starts_with("history-")
            || path.starts_with("archive-")
            || repo_key(path).is_some()
            || summed("json")
            || summed("svg"))
}

impl Branch {
    /// Writes the site `files` (path -> bytes), its manifest at `manifest` among them,
    /// into the branch in one fast-forward commit on top of whatever the branch holds,
    /// data included; removes the files the branch's previous manifest lists (`listed`
    /// reads its text) that this write does not write; moved by another writer
    /// meanwhile, it starts again from the new head (at most [`ROUNDS`] times). None
    /// when the branch already holds exactly this site: no commit.
    pub(crate) fn write_site(
        &mut self,
        files: &[(String, Vec<u8>)],
        manifest: &str,
        listed: fn(&str) -> BTreeSet<String>,
    ) -> Result<Option<SiteCommit>, Error> {
        for (path, _) in files {
            check_site_path(path)?;
            if is_data_name(path) {
                return Err(Error::Refused(format!(
                    "the dashboard has a file named {path:?}, which is gtt's own in {}: nothing was written (rebuild the dashboard without it)",
                    self.place()
                )));
            }
        }
        let mut moved_from = None;
        for _ in 0..ROUNDS {
            let Some((commit, tree)) = self.read_head()? else {
                return Err(Error::Refused(format!(
                    "branch {} does not exist yet: run `gtt collect` into it first (the dashboard reads the data beside it)",
                    self.place()
                )));
            };
            if moved_from.as_ref() == Some(&commit) {
                return Err(Error::Refused(format!(
                    "branch {}: GitHub refused to move it (422) though no one else did; nothing was written: check the branch's protection rules",
                    self.place()
                )));
            }
            self.head = Some((commit.clone(), tree.clone()));
            let listing = self.read_paths(&tree)?;
            let stale = self.stale_site_files(&listing, files, (manifest, listed))?;
            let new_tree = self.site_tree(&tree, files, &stale)?;
            if new_tree == tree {
                return Ok(None);
            }
            match self.commit(&new_tree, files.len())? {
                (Landed::Yes, head) => {
                    self.head = head;
                    return Ok(Some(SiteCommit { files: files.len(), removed: stale.len() }));
                }
                (Landed::Moved, _) => {
                    log::warn!("branch {} was written by someone else meanwhile; writing the site again", self.place());
                    moved_from = Some(commit);
                }
            }
        }
        Err(Error::KeptChanging { place: format!("branch {}", self.place()), rounds: ROUNDS })
    }

    /// The files the previous site manifest on the branch lists, that are still there and
    /// that this write does not write: an older gtt's site files. Never a data file.
    fn stale_site_files(
        &self,
        listing: &BTreeMap<String, (String, Option<u64>)>,
        files: &[(String, Vec<u8>)],
        (manifest, listed): (&str, fn(&str) -> BTreeSet<String>),
    ) -> Result<Vec<String>, Error> {
        let Some((sha, size)) = listing.get(manifest) else { return Ok(Vec::new()) };
        let old = match self.read_blob(manifest, sha, *size) {
            Ok(text) => listed(&text),
            // Not gtt's manifest, or not text: nothing is removed.
            Err(Error::Refused(_)) => BTreeSet::new(),
            Err(e) => return Err(e),
        };
        let new: BTreeSet<&str> = files.iter().map(|(p, _)| p.as_str()).collect();
        Ok(old
            .into_iter()
            .filter(|p| !new.contains(p.as_str()) && listing.contains_key(p))
            .filter(|p| check_site_path(p).is_ok() && !is_data_name(p) && p != manifest)
            .collect())
    }

    /// The tree of `base` with the site's files written and `stale` removed.
    fn site_tree(&self, base: &str, files: &[(String, Vec<u8>)], stale: &[String]) -> Result<String, Error> {
        let mut entries = Vec::new();
        for (path, bytes) in files {
            let (key, value) = match std::str::from_utf8(bytes) {
                Ok(text) if text.len() <= INLINE_MAX => ("content", text.to_string()),
                _ => ("sha", self.post_site_blob(path, bytes)?),
            };
            entries.push(serde_json::json!({ "path": path, "mode": "100644", "type": "blob", key: value }));
        }
        for path in stale {
            entries.push(serde_json::json!({ "path": path, "mode": "100644", "type": "blob", "sha": null }));
        }
        let body = serde_json::json!({ "base_tree": base, "tree": entries });
        let tree: TreeJson =
            self.client.post_json(&self.git("trees"), &body).map_err(|e| self.explain(e, "writing the tree of"))?;
        Ok(tree.sha)
    }

    /// One blob of its own (base64: a site may hold binary files); its sha.
    fn post_site_blob(&self, path: &str, bytes: &[u8]) -> Result<String, Error> {
        let content = base64::engine::general_purpose::STANDARD.encode(bytes);
        let body = serde_json::json!({ "content": content, "encoding": "base64" });
        let blob: ObjectJson = self
            .client
            .post_json(&self.git("blobs"), &body)
            .map_err(|e| self.explain(e, &format!("writing {path} to")))?;
        Ok(blob.sha)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_paths_have_folders_but_never_leave_the_tree() {
        for ok in ["index.html", "vendor/uPlot.iife.min.js", ".nojekyll", "a/b/c.css", "config.js"] {
            assert!(check_site_path(ok).is_ok(), "{ok}");
        }
        let long = "a".repeat(1025);
        for bad in ["", "/etc/passwd", "../x", "a/../b", "a//b", "./a", "a/.", "a\\b", "a\nb", "x\0", long.as_str()] {
            assert!(check_site_path(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn data_names_are_told_from_site_files() {
        let data = [
            "gtt.json",
            "history-octo.hello.json",
            "badge-octo.hello-views.svg",
            "views.json",
            "installs.svg",
            "archive-2026-10.json",
            "history-new.json",
        ];
        for name in data {
            assert!(is_data_name(name), "{name}");
        }
        for site in ["index.html", "config.json", "config.js", "data.js", "app.js", "vendor/views.json", ".nojekyll"] {
            assert!(!is_data_name(site), "{site}");
        }
    }
}
