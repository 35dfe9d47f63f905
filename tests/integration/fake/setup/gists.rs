//! Gists: creating them, reading what they hold, and how the API shows them.

use std::collections::BTreeMap;

use super::super::state::*;
use super::super::*;

impl FakeGitHub {
    /// Creates a gist owned by [`GIST_OWNER`] with one initial revision.
    pub fn create_gist(&self, id: &str, files: Vec<(&str, &str)>) {
        let mut st = self.state();
        let files: BTreeMap<String, String> = files.into_iter().map(|(n, c)| (n.to_owned(), c.to_owned())).collect();
        let now = st.now;
        let mut gist = Gist {
            id: id.to_owned(),
            owner: GIST_OWNER.to_owned(),
            description: String::new(),
            public: true,
            created: now,
            revisions: Vec::new(),
            pending: Vec::new(),
        };
        st.commit(&mut gist, files, GIST_OWNER);
        st.gists.insert(id.to_owned(), gist);
    }

    /// Whether a gist is public.
    pub fn gist_public(&self, id: &str) -> Option<bool> {
        self.state().gists.get(id).map(|g| g.public)
    }

    /// The ids of the fake user's gists.
    pub fn gist_ids(&self) -> Vec<String> {
        self.state().gists.keys().cloned().collect()
    }

    /// Latest content of a gist file.
    pub fn gist_file(&self, id: &str, name: &str) -> Option<String> {
        let st = self.state();
        st.gists.get(id)?.latest()?.files.get(name).cloned()
    }

    /// All file names of the latest revision.
    pub fn gist_file_names(&self, id: &str) -> Vec<String> {
        let st = self.state();
        st.gists.get(id).and_then(|g| g.latest()).map(|r| r.files.keys().cloned().collect()).unwrap_or_default()
    }

    pub fn gist_revisions(&self, id: &str) -> usize {
        self.state().gists.get(id).map_or(0, |g| g.revisions.len())
    }

    /// `(version, user login)` of every revision, oldest first.
    pub fn gist_history(&self, id: &str) -> Vec<(String, String)> {
        let st = self.state();
        st.gists
            .get(id)
            .map(|g| g.revisions.iter().map(|r| (r.version.clone(), r.user.clone())).collect())
            .unwrap_or_default()
    }

    pub fn gist_description(&self, id: &str) -> Option<String> {
        self.state().gists.get(id).map(|g| g.description.clone())
    }

    /// Default 1_000_000 bytes (GitHub's 1 MB): the API's `content` of larger files is cut.
    pub fn set_truncate_at(&self, bytes: usize) {
        self.state().truncate_at = bytes;
    }

    /// Reported variant: a truncated file's `content` is `""` instead of cut.
    pub fn set_truncated_content_empty(&self, on: bool) {
        self.state().truncated_content_empty = on;
    }

    /// Host (scheme://host:port) used in `raw_url`s instead of [`FakeGitHub::url`].
    /// The fake still serves `/raw/...` itself, so `http://localhost:PORT` is a
    /// handy "foreign" host that reaches this server.
    pub fn set_raw_url_base(&self, base: Option<String>) {
        self.state().raw_url_base = base.map(|b| b.trim_end_matches('/').to_owned());
    }

    /// The next PATCH of that gist first commits `f(current files)` as a revision
    /// by [`OTHER_WRITER`] (`Some` = write, `None` = delete), then applies the
    /// incoming PATCH on top: last writer wins, exactly like GitHub.
    /// `f` runs on the server thread with the fake locked: it must not call the fake.
    pub fn inject_concurrent_write(&self, gist_id: &str, f: ConcurrentWrite) {
        let mut st = self.state();
        let gist = st.gists.get_mut(gist_id).unwrap_or_else(|| panic!("fake GitHub: unknown gist {gist_id}"));
        gist.pending.push(f);
    }
}
