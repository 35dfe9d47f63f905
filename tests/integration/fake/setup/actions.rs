//! GitHub Actions workflow runs and GitHub Pages builds.

use jiff::{SignedDuration, Timestamp};

use super::super::state::*;
use super::super::*;

impl FakeGitHub {
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
            file: None,
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

    /// Sets the workflow file a run executed (`path` of the run) and its commit
    /// (`head_sha`); by default `.github/workflows/ci.yml` at a commit of its own.
    pub fn set_run_file(&self, run_id: u64, path: &str, head_sha: &str) {
        let mut st = self.state();
        let run = st
            .repos
            .values_mut()
            .flat_map(|r| r.runs.iter_mut())
            .find(|r| r.id == run_id)
            .unwrap_or_else(|| panic!("fake GitHub: unknown workflow run {run_id}"));
        run.file = Some((path.to_owned(), head_sha.to_owned()));
    }

    /// Puts a file at `path` as of commit `git_ref` (`None` removes it: 404).
    pub fn put_file(&self, repo: &str, path: &str, git_ref: &str, content: Option<&str>) {
        self.with_repo(repo, |r| {
            let key = (path.to_owned(), git_ref.to_owned());
            match content {
                Some(c) => r.files.insert(key, c.to_owned()),
                None => r.files.remove(&key),
            };
        });
    }

    /// Whether the token may read the repository's contents (403 when not).
    pub fn set_contents_forbidden(&self, repo: &str, forbidden: bool) {
        self.with_repo(repo, |r| r.contents_forbidden = forbidden);
    }

    /// Whether `GET .../branches/{branch}` answers `protected: true`.
    pub fn set_branch_protected(&self, repo: &str, branch: &str, protected: bool) {
        self.with_repo(repo, |r| {
            if protected {
                r.protected_branches.insert(branch.to_owned());
            } else {
                r.protected_branches.remove(branch);
            }
        });
    }
}
