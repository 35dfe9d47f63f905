//! GitHub Actions workflow runs and jobs, and GitHub Pages builds.

use jiff::SignedDuration;
use serde_json::{Value, json};

use super::created::*;
use super::*;

pub(crate) const DOC_RUNS: &str =
    "https://docs.github.com/rest/actions/workflow-runs#list-workflow-runs-for-a-repository";

pub(crate) const DOC_RUN: &str = "https://docs.github.com/rest/actions/workflow-runs#get-a-workflow-run";

pub(crate) const DOC_JOBS: &str = "https://docs.github.com/rest/actions/workflow-jobs#list-jobs-for-a-workflow-run";

pub(crate) const DOC_ATTEMPT_JOBS: &str =
    "https://docs.github.com/rest/actions/workflow-jobs#list-jobs-for-a-workflow-run-attempt";
pub(crate) const DOC_PAGES_BUILDS: &str = "https://docs.github.com/rest/pages/pages#list-apiname-pages-builds";

pub(crate) const DOC_PAGES_LATEST: &str = "https://docs.github.com/rest/pages/pages#get-latest-pages-build";

/// GitHub answers at most this many results of a filtered workflow-run search.
pub(crate) const MAX_FILTERED_RUNS: usize = 1000;

impl State {
    /// `GET .../actions/{rest}` of the repository with lower-cased full name `key`.
    pub(crate) fn actions(&self, ctx: &Ctx<'_>, key: &str, rest: &[&str]) -> Answer {
        let doc = match rest {
            ["runs"] => DOC_RUNS,
            ["runs", _] => DOC_RUN,
            ["runs", _, "jobs"] => DOC_JOBS,
            ["runs", _, "attempts", _, "jobs"] => DOC_ATTEMPT_JOBS,
            _ => return not_found(DOC_REST),
        };
        let Some(repo) = self.repos.get(key) else {
            return not_found(doc);
        };
        let link_base = format!("{}/repositories/{}/actions/{}", ctx.api_base, repo.id, rest.join("/"));
        let ["runs", id, tail @ ..] = rest else {
            return list_runs(ctx, repo, &link_base);
        };
        let Some(run) = id.parse::<u64>().ok().and_then(|id| repo.runs.iter().find(|r| r.id == id)) else {
            return not_found(doc);
        };
        match tail {
            [] => Answer::json(200, &run_json(repo, run, &ctx.api_base)),
            ["jobs"] => {
                let attempt = match query_get(&ctx.query, "filter") {
                    None | Some("latest") => Some(run.latest_attempt()),
                    Some("all") => None,
                    Some(other) => return invalid_param("Job", "filter", other, doc),
                };
                list_jobs(ctx, repo, run, attempt, &link_base)
            }
            ["attempts", n, "jobs"] => match n.parse::<u32>().ok().filter(|n| (1..=run.latest_attempt()).contains(n)) {
                Some(n) => list_jobs(ctx, repo, run, Some(n), &link_base),
                None => not_found(doc),
            },
            _ => not_found(doc),
        }
    }

    /// `GET .../pages/builds` and `.../pages/builds/latest`.
    pub(crate) fn pages_builds(&self, ctx: &Ctx<'_>, key: &str, rest: &[&str]) -> Answer {
        let doc = match rest {
            [] => DOC_PAGES_BUILDS,
            ["latest"] => DOC_PAGES_LATEST,
            _ => return not_found(DOC_REST),
        };
        let Some(repo) = self.repos.get(key).filter(|r| r.pages_enabled) else {
            return not_found(doc);
        };
        let mut list: Vec<&PagesBuild> = repo.pages_builds.iter().collect();
        list.sort_by(|a, b| b.created.cmp(&a.created).then(b.id.cmp(&a.id)));
        if !rest.is_empty() {
            return match list.first() {
                Some(b) => Answer::json(200, &pages_build_json(repo, b, &ctx.api_base)),
                None => not_found(doc),
            };
        }
        let link_base = format!("{}/repositories/{}/pages/builds", ctx.api_base, repo.id);
        let (page, link) = paginate(&list, &ctx.query, &link_base);
        let v: Vec<Value> = page.iter().map(|b| pages_build_json(repo, b, &ctx.api_base)).collect();
        with_link(Answer::json(200, &Value::Array(v)), link)
    }
}

// ----- workflow runs, jobs, Pages builds -----

/// 422 for a query parameter GitHub rejects.
pub(crate) fn invalid_param(resource: &str, field: &str, value: &str, doc: &str) -> Answer {
    Answer::json(
        422,
        &json!({
            "message": "Validation Failed",
            "errors": [{ "resource": resource, "field": field, "code": "invalid", "value": value }],
            "documentation_url": doc,
            "status": "422",
        }),
    )
}

pub(crate) const RUN_STATUSES: [&str; 14] = [
    "completed",
    "action_required",
    "cancelled",
    "failure",
    "neutral",
    "skipped",
    "stale",
    "success",
    "timed_out",
    "in_progress",
    "queued",
    "requested",
    "waiting",
    "pending",
];

/// Whether a run matches a documented `status` value (a status or a conclusion).
pub(crate) fn run_status_matches(run: &WorkflowRun, status: &str) -> bool {
    match status {
        "completed" | "success" => run.completed.is_some(),
        "in_progress" => run.completed.is_none(),
        _ => false,
    }
}

/// `GET .../actions/runs`: newest first; a filtered search answers at most 1,000 results.
pub(crate) fn list_runs(ctx: &Ctx<'_>, repo: &Repo, link_base: &str) -> Answer {
    let param = |name: &str| query_get(&ctx.query, name).filter(|v| !v.is_empty());
    let created = match param("created") {
        None => None,
        Some(v) => match parse_created(v) {
            Some(range) => Some(range),
            None => return invalid_param("WorkflowRun", "created", v, DOC_RUNS),
        },
    };
    let status = param("status");
    if let Some(s) = status.filter(|s| !RUN_STATUSES.contains(s)) {
        return invalid_param("WorkflowRun", "status", s, DOC_RUNS);
    }
    let event = param("event");
    let branch = param("branch");
    let actor = param("actor");
    let head_sha = param("head_sha");
    let check_suite = param("check_suite_id");
    let filtered = created.is_some()
        || status.is_some()
        || event.is_some()
        || branch.is_some()
        || actor.is_some()
        || head_sha.is_some()
        || check_suite.is_some();
    // Every run is on `main` and triggered by the owner.
    let branch_and_actor_match =
        branch.is_none_or(|b| b == "main") && actor.is_none_or(|a| a.eq_ignore_ascii_case(&repo.owner));
    let mut list: Vec<&WorkflowRun> = repo
        .runs
        .iter()
        .filter(|r| created.is_none_or(|c| c.contains(r.created)))
        .filter(|r| status.is_none_or(|s| run_status_matches(r, s)))
        .filter(|r| event.is_none_or(|e| r.event == e))
        .filter(|_| branch_and_actor_match)
        .filter(|r| head_sha.is_none_or(|h| h == r.head_sha()))
        .filter(|r| check_suite.is_none_or(|c| c == r.check_suite_id().to_string()))
        .collect();
    list.sort_by(|a, b| b.created.cmp(&a.created).then(b.id.cmp(&a.id)));
    let total = list.len();
    if filtered {
        list.truncate(MAX_FILTERED_RUNS);
    }
    let (page, link) = paginate(&list, &ctx.query, link_base);
    let runs: Vec<Value> = page.iter().map(|r| run_json(repo, r, &ctx.api_base)).collect();
    with_link(Answer::json(200, &json!({ "total_count": total, "workflow_runs": runs })), link)
}

/// Jobs of one attempt (`Some`) or of all attempts (`None`), paginated.
pub(crate) fn list_jobs(
    ctx: &Ctx<'_>,
    repo: &Repo,
    run: &WorkflowRun,
    attempt: Option<u32>,
    link_base: &str,
) -> Answer {
    let list: Vec<&StoredJob> = run.jobs.iter().filter(|j| attempt.is_none_or(|a| j.attempt == a)).collect();
    let (page, link) = paginate(&list, &ctx.query, link_base);
    let jobs: Vec<Value> = page.iter().map(|j| job_json(repo, run, j, &ctx.api_base)).collect();
    with_link(Answer::json(200, &json!({ "total_count": list.len(), "jobs": jobs })), link)
}

/// The `repository` / `head_repository` object of a workflow run (GitHub's minimal repository).
pub(crate) fn minimal_repo_json(r: &Repo, api_base: &str) -> Value {
    let full = r.full_name();
    json!({
        "id": r.id,
        "node_id": format!("R_fake{}", r.id),
        "name": r.name,
        "full_name": full,
        "private": r.private,
        "owner": user_json(&r.owner),
        "html_url": format!("https://github.com/{full}"),
        "description": format!("Fake repository {full}"),
        "fork": r.fork,
        "url": format!("{api_base}/repos/{full}"),
    })
}

pub(crate) fn workflow_id(repo: &Repo, run: &WorkflowRun) -> u64 {
    fnv1a(format!("{}/{}", repo.id, run.name).as_bytes(), 11) % 100_000_000 + 1
}

pub(crate) fn run_json(repo: &Repo, run: &WorkflowRun, api_base: &str) -> Value {
    let full = repo.full_name();
    let url = format!("{api_base}/repos/{full}/actions/runs/{}", run.id);
    let attempt = run.latest_attempt();
    let workflow_id = workflow_id(repo, run);
    let sha = run.head_sha();
    let check_suite = run.check_suite_id();
    let done = run.completed.is_some();
    let author = json!({ "name": repo.owner, "email": format!("{}@users.noreply.github.com", repo.owner) });
    json!({
        "id": run.id,
        "name": run.name,
        "node_id": format!("WFR_fake{}", run.id),
        "head_branch": "main",
        "head_sha": sha,
        "path": run.path(),
        "display_title": run.name,
        "run_number": run.run_number,
        "event": run.event,
        "status": if done { "completed" } else { "in_progress" },
        "conclusion": if done { json!("success") } else { Value::Null },
        "workflow_id": workflow_id,
        "check_suite_id": check_suite,
        "check_suite_node_id": format!("CS_fake{check_suite}"),
        "url": url,
        "html_url": format!("https://github.com/{full}/actions/runs/{}", run.id),
        "pull_requests": [],
        "created_at": iso(run.created),
        "updated_at": iso(run.updated()),
        "actor": user_json(&repo.owner),
        "run_attempt": attempt,
        "referenced_workflows": [],
        "run_started_at": iso(run.attempt_start(attempt)),
        "triggering_actor": user_json(&repo.owner),
        "jobs_url": format!("{url}/jobs"),
        "logs_url": format!("{url}/logs"),
        "check_suite_url": format!("{api_base}/repos/{full}/check-suites/{check_suite}"),
        "artifacts_url": format!("{url}/artifacts"),
        "cancel_url": format!("{url}/cancel"),
        "rerun_url": format!("{url}/rerun"),
        "previous_attempt_url": if attempt > 1 { json!(format!("{url}/attempts/{}", attempt - 1)) } else { Value::Null },
        "workflow_url": format!("{api_base}/repos/{full}/actions/workflows/{workflow_id}"),
        "head_commit": {
            "id": sha,
            "tree_id": hex_id(run.id ^ 0x7ee0_0000, 40),
            "message": run.name,
            "timestamp": iso(run.created),
            "author": author,
            "committer": author,
        },
        "repository": minimal_repo_json(repo, api_base),
        "head_repository": minimal_repo_json(repo, api_base),
    })
}

pub(crate) fn job_json(repo: &Repo, run: &WorkflowRun, job: &StoredJob, api_base: &str) -> Value {
    let full = repo.full_name();
    let attempt_start = run.attempt_start(job.attempt);
    let job_started = job.started.or_else(|| job.steps.iter().find_map(|s| s.started_at));
    let created = job_started.map_or(attempt_start, |s| s.min(attempt_start));
    let started = job_started.unwrap_or(created);
    let end = run.attempt_end(job.attempt).map(|e| e.max(started));
    let (status, conclusion) = match (end, job_started) {
        (Some(_), _) => ("completed", json!("success")),
        (None, Some(_)) => ("in_progress", Value::Null),
        (None, None) => ("queued", Value::Null),
    };
    let last_started = job.steps.iter().rposition(|s| s.started_at.is_some());
    let steps: Vec<Value> = job
        .steps
        .iter()
        .enumerate()
        .map(|(i, step)| {
            let next_start = job.steps[i + 1..].iter().find_map(|s| s.started_at);
            let (status, conclusion, started_at, completed_at) = match (step.started_at, end) {
                (None, Some(_)) => ("completed", json!("skipped"), None, None),
                (None, None) => ("queued", Value::Null, None, None),
                (Some(s), Some(e)) => ("completed", json!("success"), Some(s), Some(next_start.unwrap_or(e).max(s))),
                (Some(s), None) if Some(i) == last_started => ("in_progress", Value::Null, Some(s), None),
                (Some(s), None) => ("completed", json!("success"), Some(s), Some(next_start.unwrap_or(s).max(s))),
            };
            json!({
                "name": step.name,
                "status": status,
                "conclusion": conclusion,
                "number": i + 1,
                "started_at": started_at.map(iso),
                "completed_at": completed_at.map(iso),
            })
        })
        .collect();
    let runner_id = (status != "queued").then_some(job.id % 1000 + 1);
    json!({
        "id": job.id,
        "run_id": run.id,
        "workflow_name": run.name,
        "head_branch": "main",
        "run_url": format!("{api_base}/repos/{full}/actions/runs/{}", run.id),
        "run_attempt": job.attempt,
        "node_id": format!("CR_fake{}", job.id),
        "head_sha": run.head_sha(),
        "url": format!("{api_base}/repos/{full}/actions/jobs/{}", job.id),
        "html_url": format!("https://github.com/{full}/actions/runs/{}/job/{}", run.id, job.id),
        "status": status,
        "conclusion": conclusion,
        "created_at": iso(created),
        "started_at": iso(started),
        "completed_at": end.map(iso),
        "name": job.name,
        "steps": steps,
        "check_run_url": format!("{api_base}/repos/{full}/check-runs/{}", job.id),
        "labels": ["ubuntu-latest"],
        "runner_id": runner_id,
        "runner_name": runner_id.map(|n| format!("GitHub Actions {n}")),
        "runner_group_id": runner_id.map(|_| 2),
        "runner_group_name": runner_id.map(|_| "GitHub Actions"),
    })
}

pub(crate) fn pages_build_json(repo: &Repo, b: &PagesBuild, api_base: &str) -> Value {
    let full = repo.full_name();
    let duration_ms = 20_000 + splitmix(b.id) % 40_000;
    let updated = b.created.checked_add(SignedDuration::from_millis(i64::try_from(duration_ms).unwrap_or(0)));
    json!({
        "url": format!("{api_base}/repos/{full}/pages/builds/{}", b.id),
        "status": "built",
        "error": { "message": null },
        "pusher": user_json(&repo.owner),
        "commit": hex_id(b.id ^ 0xbead_0000, 40),
        "duration": duration_ms,
        "created_at": iso(b.created),
        "updated_at": iso(updated.unwrap_or(b.created)),
    })
}

// ----- repository contents -----

pub(crate) const DOC_CONTENTS: &str = "https://docs.github.com/rest/repos/contents#get-repository-content";

impl State {
    /// `GET .../contents/{path}?ref=`: a file as of a commit, base64 in `content`, with
    /// its blob `sha`. The ETag names the blob, so an unchanged file answers 304 to the
    /// ETag of any commit's copy.
    pub(crate) fn contents(&self, ctx: &Ctx<'_>, key: &str, path: &[&str]) -> Answer {
        let Some(repo) = self.repos.get(key) else {
            return not_found(DOC_CONTENTS);
        };
        if repo.contents_forbidden {
            return Answer::json(
                403,
                &json!({ "message": "Resource not accessible by personal access token", "documentation_url": DOC_CONTENTS, "status": "403" }),
            );
        }
        let path = path.join("/");
        let git_ref = query_get(&ctx.query, "ref").unwrap_or("main").to_owned();
        let Some(text) = repo.files.get(&(path.clone(), git_ref.clone())) else {
            return self.directory(ctx, repo, &path, &git_ref);
        };
        let blob = format!("{:016x}{:016x}{:08x}", fnv1a(text.as_bytes(), 1), fnv1a(text.as_bytes(), 2), text.len());
        let encoded = base64_lines(text.as_bytes());
        let full = repo.full_name();
        let name = path.rsplit('/').next().unwrap_or_default();
        let mut answer = Answer::json(
            200,
            &json!({
                "type": "file",
                "encoding": "base64",
                "size": text.len(),
                "name": name,
                "path": path,
                "content": encoded,
                "sha": blob,
                "url": format!("{}/repos/{full}/contents/{path}?ref={git_ref}", ctx.api_base),
                "git_url": format!("{}/repos/{full}/git/blobs/{blob}", ctx.api_base),
                "html_url": format!("https://github.com/{full}/blob/{git_ref}/{path}"),
                "download_url": format!("https://raw.githubusercontent.com/{full}/{git_ref}/{path}"),
            }),
        );
        answer.headers.push(("etag".into(), format!("W/\"{blob}\"")));
        answer
    }
}

impl State {
    /// `GET .../contents/{dir}?ref=`: the files directly under a directory, as GitHub's
    /// JSON array of entries; 404 when none is there.
    fn directory(&self, ctx: &Ctx<'_>, repo: &Repo, dir: &str, git_ref: &str) -> Answer {
        let prefix = format!("{}/", dir.trim_end_matches('/'));
        let full = repo.full_name();
        let entries: Vec<Value> = repo
            .files
            .iter()
            .filter(|((p, r), _)| r == git_ref && p.starts_with(&prefix) && !p[prefix.len()..].contains('/'))
            .map(|((p, _), text)| {
                json!({
                    "type": "file",
                    "size": text.len(),
                    "name": &p[prefix.len()..],
                    "path": p,
                    "url": format!("{}/repos/{full}/contents/{p}?ref={git_ref}", ctx.api_base),
                })
            })
            .collect();
        if entries.is_empty() {
            return not_found(DOC_CONTENTS);
        }
        Answer::json(200, &Value::Array(entries))
    }
}

/// Standard base64 with a line break every 60 characters, as GitHub sends `content`.
pub(crate) fn base64_lines(data: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for (i, chunk) in data.chunks(3).enumerate() {
        if i > 0 && i % 15 == 0 {
            out.push('\n');
        }
        let b = [chunk[0], chunk.get(1).copied().unwrap_or(0), chunk.get(2).copied().unwrap_or(0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for k in 0..4 {
            if k <= chunk.len() {
                out.push(char::from(ABC[((n >> (18 - 6 * k)) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out.push('\n');
    out
}
