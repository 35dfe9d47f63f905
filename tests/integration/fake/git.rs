//! The Git Data API's objects for the repositories that hold a branch store: blobs,
//! flat trees and commits, content-addressed like git (the same content gets the same
//! sha), and the branch refs that point at commits.

use std::collections::{BTreeMap, BTreeSet};

use super::ConcurrentWrite;
use super::util::hex_id;

pub(crate) struct GitCommit {
    pub(crate) tree: String,
    pub(crate) parents: Vec<String>,
    pub(crate) message: String,
}

/// One repository's object store and refs.
#[derive(Default)]
pub(crate) struct GitRepo {
    pub(crate) blobs: BTreeMap<String, Vec<u8>>,
    blob_ids: BTreeMap<Vec<u8>, String>,
    /// Tree sha -> (path -> blob sha); the fake keeps every tree flat.
    pub(crate) trees: BTreeMap<String, BTreeMap<String, String>>,
    tree_ids: BTreeMap<BTreeMap<String, String>, String>,
    pub(crate) commits: BTreeMap<String, GitCommit>,
    /// `heads/NAME` -> commit sha.
    pub(crate) refs: BTreeMap<String, String>,
    /// By branch: writes another writer lands just before the next update of the branch.
    pub(crate) pending: BTreeMap<String, Vec<ConcurrentWrite>>,
    counter: u64,
}

impl GitRepo {
    fn next_sha(&mut self) -> String {
        self.counter += 1;
        hex_id(7_000_000_000 + self.counter, 40)
    }

    pub(crate) fn put_blob(&mut self, content: Vec<u8>) -> String {
        if let Some(sha) = self.blob_ids.get(&content) {
            return sha.clone();
        }
        let sha = self.next_sha();
        self.blob_ids.insert(content.clone(), sha.clone());
        self.blobs.insert(sha.clone(), content);
        sha
    }

    pub(crate) fn put_tree(&mut self, entries: BTreeMap<String, String>) -> String {
        if let Some(sha) = self.tree_ids.get(&entries) {
            return sha.clone();
        }
        let sha = self.next_sha();
        self.tree_ids.insert(entries.clone(), sha.clone());
        self.trees.insert(sha.clone(), entries);
        sha
    }

    pub(crate) fn put_commit(&mut self, tree: String, parents: Vec<String>, message: &str) -> String {
        let sha = self.next_sha();
        self.commits.insert(sha.clone(), GitCommit { tree, parents, message: message.to_owned() });
        sha
    }

    /// The files of a commit, as text.
    pub(crate) fn files_at(&self, commit: &str) -> BTreeMap<String, String> {
        let Some(tree) = self.commits.get(commit).and_then(|c| self.trees.get(&c.tree)) else {
            return BTreeMap::new();
        };
        tree.iter()
            .filter_map(|(p, sha)| Some((p.clone(), String::from_utf8_lossy(self.blobs.get(sha)?).into_owned())))
            .collect()
    }

    /// Whether `old` is `new` or one of its ancestors.
    pub(crate) fn descends(&self, new: &str, old: &str) -> bool {
        let mut seen = BTreeSet::new();
        let mut todo = vec![new.to_owned()];
        while let Some(c) = todo.pop() {
            if c == old {
                return true;
            }
            if seen.insert(c.clone()) {
                todo.extend(self.commits.get(&c).map(|c| c.parents.clone()).unwrap_or_default());
            }
        }
        false
    }

    /// Commits `changes` (`None` deletes) on top of `branch` (created when missing),
    /// as someone else; returns the new head.
    pub(crate) fn commit_on(&mut self, branch: &str, changes: Vec<(String, Option<String>)>, message: &str) -> String {
        let head = self.refs.get(&format!("heads/{branch}")).cloned();
        let mut entries = head
            .as_ref()
            .and_then(|h| self.commits.get(h))
            .and_then(|c| self.trees.get(&c.tree))
            .cloned()
            .unwrap_or_default();
        for (path, content) in changes {
            match content {
                Some(text) => {
                    let sha = self.put_blob(text.into_bytes());
                    entries.insert(path, sha);
                }
                None => {
                    entries.remove(&path);
                }
            }
        }
        let tree = self.put_tree(entries);
        let commit = self.put_commit(tree, head.into_iter().collect(), message);
        self.refs.insert(format!("heads/{branch}"), commit.clone());
        commit
    }

    /// Lands the writes injected for `branch`, if any.
    pub(crate) fn land_pending(&mut self, branch: &str) {
        let pending = self.pending.remove(branch).unwrap_or_default();
        for f in pending {
            let head = self.refs.get(&format!("heads/{branch}")).cloned().unwrap_or_default();
            let changes = f(&self.files_at(&head));
            self.commit_on(branch, changes, "another writer");
        }
    }
}
