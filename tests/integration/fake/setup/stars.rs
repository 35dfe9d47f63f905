//! Stargazers and forks: the listings `gtt backfill --from stargazers` rebuilds from.

use jiff::Timestamp;

use super::super::*;

impl FakeGitHub {
    /// The current stargazers' `starred_at`, in any order (listed oldest first); also
    /// sets the repository's star count.
    pub fn set_stargazers(&self, repo: &str, mut starred: Vec<Timestamp>) {
        starred.sort();
        self.with_repo(repo, |r| {
            r.stars = starred.len() as u64;
            r.stargazers = starred;
        });
    }

    /// The current forks' `created_at`; also sets the repository's fork count.
    pub fn set_fork_list(&self, repo: &str, mut created: Vec<Timestamp>) {
        created.sort();
        self.with_repo(repo, |r| {
            r.forks = created.len() as u64;
            r.fork_list = created;
        });
    }

    /// Serves only `pages` pages of each listing, then 422 as GitHub does past 400.
    pub fn set_listing_pages(&self, repo: &str, pages: usize) {
        self.with_repo(repo, |r| r.listing_pages = pages);
    }
}
