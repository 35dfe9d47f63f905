//! Branch stores: commits made by someone else, what a branch holds, its commits, a
//! writer racing gtt, and a tree listing GitHub cuts short.

use std::collections::BTreeMap;

use super::super::*;

impl FakeGitHub {
    /// Commits `files` (`None` deletes) on top of `branch` of `repo` (created when
    /// missing) as someone else; returns the commit's sha.
    pub fn git_commit(&self, repo: &str, branch: &str, files: Vec<(&str, Option<&str>)>) -> String {
        let mut st = self.state();
        let git = st.git.entry(repo.to_ascii_lowercase()).or_default();
        let changes = files.into_iter().map(|(p, c)| (p.to_owned(), c.map(str::to_owned))).collect();
        git.commit_on(branch, changes, "someone else")
    }

    /// The head commit of a branch, if it exists.
    pub fn branch_head(&self, repo: &str, branch: &str) -> Option<String> {
        self.state().git.get(&repo.to_ascii_lowercase())?.refs.get(&format!("heads/{branch}")).cloned()
    }

    /// The files at the head of a branch (empty when it does not exist).
    pub fn branch_files(&self, repo: &str, branch: &str) -> BTreeMap<String, String> {
        let st = self.state();
        let Some(git) = st.git.get(&repo.to_ascii_lowercase()) else { return BTreeMap::new() };
        git.refs.get(&format!("heads/{branch}")).map(|h| git.files_at(h)).unwrap_or_default()
    }

    /// `(sha, parents, message)` of every commit reachable from the branch head by first
    /// parents, newest first.
    pub fn branch_log(&self, repo: &str, branch: &str) -> Vec<(String, Vec<String>, String)> {
        let st = self.state();
        let Some(git) = st.git.get(&repo.to_ascii_lowercase()) else { return Vec::new() };
        let mut out = Vec::new();
        let mut at = git.refs.get(&format!("heads/{branch}")).cloned();
        while let Some(sha) = at {
            let Some(c) = git.commits.get(&sha) else { break };
            at = c.parents.first().cloned();
            out.push((sha, c.parents.clone(), c.message.clone()));
        }
        out
    }

    /// Just before the next update (or creation) of `branch`, another writer commits
    /// `f(files at the head)` (`Some` = write, `None` = delete) and moves the branch.
    /// `f` runs on the server thread with the fake locked: it must not call the fake.
    pub fn inject_branch_write(&self, repo: &str, branch: &str, f: ConcurrentWrite) {
        let mut st = self.state();
        let git = st.git.entry(repo.to_ascii_lowercase()).or_default();
        git.pending.entry(branch.to_owned()).or_default().push(f);
    }

    /// Every recursive tree listing says `truncated: true` from now on (or not).
    pub fn set_git_tree_truncated(&self, on: bool) {
        self.state().git_tree_truncated = on;
    }
}
