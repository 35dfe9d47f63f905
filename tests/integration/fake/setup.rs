//! What tests do to the fake: the public `FakeGitHub` methods that set up repositories,
//! traffic, releases, workflow runs, gists, tokens, limits, faults and the clock, and
//! those that observe the requests it saw.

use std::collections::BTreeMap;

use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Span, Timestamp};

use super::state::*;
use super::*;

impl FakeGitHub {
    /// Wall-clock latency and secondary limits for every request from now on.
    pub fn set_limits(&self, limits: Limits) {
        *lock(&self.shared.limits) = limits;
        *lock(&self.shared.limit_state) = LimitState::default();
    }

    /// What the limits saw so far.
    pub fn limit_stats(&self) -> LimitStats {
        lock(&self.shared.limit_state).stats
    }

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

    pub fn set_now(&self, t: Timestamp) {
        self.state().now = t;
    }

    pub fn advance(&self, d: SignedDuration) {
        let mut st = self.state();
        st.now = st.now.checked_add(d).expect("fake clock stays in range");
    }

    pub fn now(&self) -> Timestamp {
        self.state().now
    }

    pub fn add_token(&self, token: &str, kind: TokenKind) {
        self.state().tokens.insert(token.to_owned(), TokenState::new(Some(kind), RATE_LIMIT));
    }

    /// Sets what `x-ratelimit-remaining` will be before the token's next request
    /// (that request then reports one less). At 0 the token is refused with a
    /// primary rate limit 403 until its window resets.
    pub fn set_rate_remaining(&self, token: &str, remaining: u64) {
        let mut st = self.state();
        let now = st.now.as_second();
        let t = st.tokens.get_mut(token).expect("set_rate_remaining: unknown token");
        t.roll(now);
        t.used = t.limit.saturating_sub(remaining);
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

    /// Adds a workflow run; returns its id (run ids, job ids and run numbers come from counters).
    /// Panics on a job with `run_attempt` 0.
    pub fn add_workflow_run(&self, repo: &str, run: FakeRun) -> u64 {
        let mut st = self.state();
        let id = st.next_run_id;
        st.next_run_id += 1;
        let mut jobs: Vec<FakeJob> = run.jobs;
        assert!(jobs.iter().all(|j| j.run_attempt >= 1), "fake GitHub: run_attempt starts at 1");
        // Stable: keeps the given order within an attempt.
        jobs.sort_by_key(|j| j.run_attempt);
        let mut stored = Vec::with_capacity(jobs.len());
        for j in jobs {
            stored.push(StoredJob {
                id: st.next_job_id,
                name: j.name,
                started: j.started_at,
                steps: j.steps,
                attempt: j.run_attempt,
            });
            st.next_job_id += 1;
        }
        let r = st
            .repos
            .get_mut(&repo.to_ascii_lowercase())
            .unwrap_or_else(|| panic!("fake GitHub: unknown repository {repo}"));
        let run_number = r.next_run_number;
        r.next_run_number += 1;
        r.runs.push(WorkflowRun {
            id,
            run_number,
            name: run.name,
            event: run.event,
            created: run.created_at,
            completed: run.completed_at,
            jobs: stored,
        });
        id
    }

    /// Marks an in-progress run (its latest attempt) completed with conclusion `success`.
    pub fn complete_workflow_run(&self, run_id: u64, completed_at: Timestamp) {
        let mut st = self.state();
        let run = st
            .repos
            .values_mut()
            .flat_map(|r| r.runs.iter_mut())
            .find(|r| r.id == run_id)
            .unwrap_or_else(|| panic!("fake GitHub: unknown workflow run {run_id}"));
        run.completed = Some(completed_at);
    }

    /// Convenience: a completed `push` run of workflow `CI` created at `at`, completed a
    /// minute later, with one job `build` (attempt 1) whose steps are the given names,
    /// each started at `at`. Returns the run id.
    pub fn add_simple_run(&self, repo: &str, at: Timestamp, steps: &[&str]) -> u64 {
        let steps = steps.iter().map(|n| FakeStep::new(n, Some(at))).collect();
        let completed = at.checked_add(SignedDuration::from_secs(60)).unwrap_or(at);
        self.add_workflow_run(
            repo,
            FakeRun {
                name: "CI".to_owned(),
                event: "push".to_owned(),
                created_at: at,
                completed_at: Some(completed),
                jobs: vec![FakeJob::new("build", Some(at), steps)],
            },
        )
    }

    /// Adds a successful GitHub Pages build; this also enables Pages for the repository.
    pub fn add_pages_build(&self, repo: &str, created_at: Timestamp) {
        let mut st = self.state();
        let id = st.next_pages_build_id;
        st.next_pages_build_id += 1;
        let r = st
            .repos
            .get_mut(&repo.to_ascii_lowercase())
            .unwrap_or_else(|| panic!("fake GitHub: unknown repository {repo}"));
        r.pages_enabled = true;
        r.pages_builds.push(PagesBuild { id, created: created_at });
    }

    /// Off by default: `/pages/builds` answers 404 `Not Found` (builds are kept and come back when on).
    pub fn set_pages_enabled(&self, repo: &str, on: bool) {
        self.with_repo(repo, |r| r.pages_enabled = on);
    }

    /// GitHub Enterprise Server mode: traffic endpoints answer 404 and `GET /meta`
    /// reports `installed_version`.
    pub fn set_enterprise(&self, on: bool) {
        self.state().enterprise = on;
    }

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

    pub fn inject(&self, fault: Fault) {
        self.state().faults.push(fault);
    }

    /// Every request so far, in the order handled.
    pub fn requests(&self) -> Vec<Recorded> {
        self.state().requests.clone()
    }

    pub fn clear_requests(&self) {
        self.state().requests.clear();
    }

    /// Requests whose method matches (`"*"` for any) and whose path+query contains `path_contains`.
    pub fn count(&self, method: &str, path_contains: &str) -> usize {
        self.state()
            .requests
            .iter()
            .filter(|r| method == "*" || r.method.eq_ignore_ascii_case(method))
            .filter(|r| r.path.contains(path_contains))
            .count()
    }
}
