//! Repositories, their traffic, referrers and paths, releases and assets.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};

use super::super::state::*;
use super::super::*;

impl FakeGitHub {
    /// Generates `n` public repositories `owner/prefix-0001`.. with 14 days of traffic,
    /// stars and one release, for scale tests and benchmarks.
    pub fn add_generated_repos(&self, owner: &str, prefix: &str, n: usize) -> Vec<String> {
        let today = self.now().to_zoned(TimeZone::UTC).date();
        let mut names = Vec::new();
        for i in 1..=n {
            let name = format!("{owner}/{prefix}-{i:04}");
            self.add_repo(&name);
            let k = i as u64;
            self.set_repo_stats(&name, k % 97, k % 13, k % 7, k % 5);
            for back in 1..=14 {
                let Ok(day) = today.checked_sub(Span::new().days(back)) else { continue };
                let b = back as u64;
                self.set_traffic(&name, day, 10 + (k * b) % 50, 1 + (k + b) % 9, 3 + (k * 7 + b) % 20, 1 + (k + b) % 4);
            }
            self.add_release(&name, "v1.0.0", vec![("tool.tar.gz", k * 3)]);
            names.push(name);
        }
        names
    }

    pub fn add_repo(&self, full_name: &str) {
        let (owner, name) = full_name.split_once('/').expect("add_repo takes \"owner/name\"");
        let mut st = self.state();
        let id = st.next_repo_id;
        st.next_repo_id += 1;
        let updated = st.now;
        st.repos.insert(
            full_name.to_ascii_lowercase(),
            Repo {
                id,
                owner: owner.to_owned(),
                name: name.to_owned(),
                stars: 0,
                forks: 0,
                watchers: 0,
                open_issues: 0,
                private: false,
                fork: false,
                archived: false,
                updated,
                traffic: BTreeMap::new(),
                referrers: Vec::new(),
                paths: Vec::new(),
                releases: Vec::new(),
                runs: Vec::new(),
                next_run_number: 1,
                pages_enabled: false,
                pages_builds: Vec::new(),
                files: BTreeMap::new(),
                contents_forbidden: false,
                protected_branches: Default::default(),
                stargazers: Vec::new(),
                fork_list: Vec::new(),
                listing_pages: 0,
            },
        );
    }

    /// The numeric id GitHub would give the repository (used in `/repositories/{id}` links).
    pub fn repo_id(&self, repo: &str) -> u64 {
        self.with_repo(repo, |r| r.id)
    }

    pub(crate) fn with_repo<T>(&self, repo: &str, f: impl FnOnce(&mut Repo) -> T) -> T {
        let mut st = self.state();
        let r = st
            .repos
            .get_mut(&repo.to_ascii_lowercase())
            .unwrap_or_else(|| panic!("fake GitHub: unknown repository {repo}"));
        f(r)
    }

    pub fn set_repo_stats(&self, repo: &str, stars: u64, forks: u64, watchers: u64, open_issues: u64) {
        self.with_repo(repo, |r| {
            r.stars = stars;
            r.forks = forks;
            r.watchers = watchers;
            r.open_issues = open_issues;
        });
    }

    pub fn set_repo_flags(&self, repo: &str, private: bool, fork: bool, archived: bool) {
        self.with_repo(repo, |r| {
            r.private = private;
            r.fork = fork;
            r.archived = archived;
        });
    }

    /// The repository's last push (`pushed_at`, and `updated_at`), for inactivity checks.
    pub fn set_pushed_at(&self, repo: &str, at: Timestamp) {
        self.with_repo(repo, |r| r.updated = at);
    }

    /// Ground truth for a full UTC day.
    pub fn set_traffic(&self, repo: &str, day: Date, views: u64, views_uniques: u64, clones: u64, clones_uniques: u64) {
        self.with_repo(repo, |r| {
            r.traffic.insert(day, DayTraffic { views, views_uniques, clones, clones_uniques });
        });
    }

    /// `(referrer, count, uniques)`; the API answers the top 10 by count.
    pub fn set_referrers(&self, repo: &str, list: Vec<(String, u64, u64)>) {
        self.with_repo(repo, |r| r.referrers = list);
    }

    /// `(path, title, count, uniques)`; the API answers the top 10 by count.
    pub fn set_paths(&self, repo: &str, list: Vec<(String, String, u64, u64)>) {
        self.with_repo(repo, |r| r.paths = list);
    }

    /// Adds a published release; returns its id. Assets `(name, download_count)` get unique ids.
    pub fn add_release(&self, repo: &str, tag: &str, assets: Vec<(&str, u64)>) -> u64 {
        let mut st = self.state();
        let now = st.now;
        let id = st.next_release_id;
        st.next_release_id += 1;
        let mut list = Vec::with_capacity(assets.len());
        for (name, downloads) in assets {
            list.push(Asset { id: st.next_asset_id, name: name.to_owned(), downloads, created: now, deleted: false });
            st.next_asset_id += 1;
        }
        let r = st
            .repos
            .get_mut(&repo.to_ascii_lowercase())
            .unwrap_or_else(|| panic!("fake GitHub: unknown repository {repo}"));
        r.releases.push(Release { id, tag: tag.to_owned(), created: now, assets: list });
        id
    }

    /// Deletes a release: the listing no longer has it.
    pub fn delete_release(&self, release_id: u64) {
        let mut st = self.state();
        for r in st.repos.values_mut() {
            r.releases.retain(|rel| rel.id != release_id);
        }
    }

    /// Asset ids of a release, in the order given to [`FakeGitHub::add_release`].
    pub fn release_asset_ids(&self, release_id: u64) -> Vec<u64> {
        let st = self.state();
        st.repos
            .values()
            .flat_map(|r| r.releases.iter())
            .find(|rel| rel.id == release_id)
            .map(|rel| rel.assets.iter().map(|a| a.id).collect())
            .unwrap_or_else(|| panic!("fake GitHub: unknown release {release_id}"))
    }

    pub(crate) fn with_asset(&self, asset_id: u64, f: impl FnOnce(&mut Asset)) {
        let mut st = self.state();
        let asset = st
            .repos
            .values_mut()
            .flat_map(|r| r.releases.iter_mut())
            .flat_map(|rel| rel.assets.iter_mut())
            .find(|a| a.id == asset_id)
            .unwrap_or_else(|| panic!("fake GitHub: unknown asset {asset_id}"));
        f(asset);
    }

    pub fn set_asset_downloads(&self, asset_id: u64, count: u64) {
        self.with_asset(asset_id, |a| a.downloads = count);
    }

    pub fn delete_asset(&self, asset_id: u64) {
        self.with_asset(asset_id, |a| a.deleted = true);
    }
}
