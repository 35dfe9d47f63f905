//! Repositories (one, listed, by id), their traffic and their releases.

use jiff::Span;
use jiff::civil::Date;
use serde_json::{Map, Value, json};

use super::*;

pub(crate) const DOC_REPO: &str = "https://docs.github.com/rest/repos/repos#get-a-repository";

pub(crate) const DOC_RELEASES: &str = "https://docs.github.com/rest/releases/releases#list-releases";

impl State {
    /// `GET /repos/{owner}/{repo}/...` and `GET /repositories/{id}/...`.
    pub(crate) fn route_repo(&self, ctx: &Ctx<'_>, s: &[&str]) -> Answer {
        let by_name = |o: &str, r: &str| format!("{o}/{r}").to_ascii_lowercase();
        let by_id = |id: &str| self.repo_by_id(id).map(|r| r.full_name().to_ascii_lowercase());
        match s {
            ["repos", o, r] => match self.repos.get(&by_name(o, r)) {
                Some(repo) => Answer::json(200, &repo_json(repo, &ctx.api_base, ctx.kind)),
                None => not_found(DOC_REPO),
            },
            ["repositories", id] => match self.repo_by_id(id) {
                Some(repo) => Answer::json(200, &repo_json(repo, &ctx.api_base, ctx.kind)),
                None => not_found(DOC_REPO),
            },
            ["repos", o, r, "traffic", rest @ ..] => self.traffic(ctx, &by_name(o, r), rest),
            ["repos", o, r, "stargazers"] => self.stargazers(ctx, &by_name(o, r)),
            ["repos", o, r, "forks"] => self.forks(ctx, &by_name(o, r)),
            ["repos", o, r, "releases"] => self.releases(ctx, &by_name(o, r)),
            ["repos", o, r, "actions", rest @ ..] => self.actions(ctx, &by_name(o, r), rest),
            ["repos", o, r, "pages", "builds", rest @ ..] => self.pages_builds(ctx, &by_name(o, r), rest),
            ["repos", o, r, "contents", path @ ..] => self.contents(ctx, &by_name(o, r), path),
            ["repos", o, r, "branches", b @ ..] if !b.is_empty() => self.branch(ctx, &by_name(o, r), &b.join("/")),
            ["repositories", id, "actions", rest @ ..] => self.actions(ctx, &by_id(id).unwrap_or_default(), rest),
            ["repositories", id, "pages", "builds", rest @ ..] => {
                self.pages_builds(ctx, &by_id(id).unwrap_or_default(), rest)
            }
            ["repositories", id, "releases"] => match by_id(id) {
                Some(key) => self.releases(ctx, &key),
                None => not_found(DOC_RELEASES),
            },
            _ => not_found(DOC_REST),
        }
    }

    /// `GET /repos/{owner}/{repo}/branches/{branch}`: a branch of the Git Data refs (or a
    /// protected one), with `protected`; 404 for another.
    pub(crate) fn branch(&self, ctx: &Ctx<'_>, key: &str, branch: &str) -> Answer {
        const DOC: &str = "https://docs.github.com/rest/branches/branches#get-a-branch";
        let Some(repo) = self.repos.get(key) else { return not_found(DOC) };
        let protected = repo.protected_branches.contains(branch);
        let sha = self.git.get(key).and_then(|g| g.refs.get(&format!("heads/{branch}")).cloned());
        if sha.is_none() && !protected {
            return not_found(DOC);
        }
        let sha = sha.unwrap_or_else(|| "0".repeat(40));
        let full = repo.full_name();
        Answer::json(
            200,
            &json!({
                "name": branch,
                "commit": { "sha": sha, "url": format!("{}/repos/{full}/commits/{sha}", ctx.api_base) },
                "protected": protected,
                "_links": { "html": format!("https://github.com/{full}/tree/{branch}") },
            }),
        )
    }

    pub(crate) fn list_repos(&self, ctx: &Ctx<'_>, owner: Option<&str>) -> Answer {
        let mut list: Vec<&Repo> =
            self.repos.values().filter(|r| owner.is_none_or(|o| r.owner.eq_ignore_ascii_case(o))).collect();
        if list.is_empty() && owner.is_some() {
            return not_found("https://docs.github.com/rest/repos/repos#list-repositories-for-a-user");
        }
        list.sort_by_key(|r| r.full_name().to_ascii_lowercase());
        let link_base = format!("{}/{}", ctx.api_base, ctx.segs.join("/"));
        let (page, link) = paginate(&list, &ctx.query, &link_base);
        let v: Vec<Value> = page.iter().map(|r| repo_json(r, &ctx.api_base, ctx.kind)).collect();
        with_link(Answer::json(200, &Value::Array(v)), link)
    }

    pub(crate) fn traffic(&self, ctx: &Ctx<'_>, key: &str, rest: &[&str]) -> Answer {
        let (doc, what) = match rest {
            ["views"] => ("https://docs.github.com/rest/metrics/traffic#get-page-views", "views"),
            ["clones"] => ("https://docs.github.com/rest/metrics/traffic#get-repository-clones", "clones"),
            ["popular", "referrers"] => {
                ("https://docs.github.com/rest/metrics/traffic#get-top-referral-sources", "referrers")
            }
            ["popular", "paths"] => ("https://docs.github.com/rest/metrics/traffic#get-top-referral-paths", "paths"),
            _ => return not_found(DOC_REST),
        };
        if self.enterprise {
            return not_found(DOC_REST);
        }
        let Some(repo) = self.repos.get(key) else {
            return not_found(doc);
        };
        let denied = match ctx.kind {
            TokenKind::WorkflowToken => Some("Resource not accessible by integration"),
            TokenKind::ClassicNoPush => Some("Must have push access to repository"),
            TokenKind::FineGrainedNoAdmin => Some("Resource not accessible by personal access token"),
            TokenKind::Full | TokenKind::NoGistWrite => None,
        };
        if let Some(msg) = denied {
            return Answer::json(403, &message(msg, doc, 403));
        }
        match what {
            "referrers" => {
                let mut list = repo.referrers.clone();
                list.sort_by_key(|r| std::cmp::Reverse(r.1));
                let v: Vec<Value> =
                    list.iter().take(10).map(|(r, c, u)| json!({ "referrer": r, "count": c, "uniques": u })).collect();
                Answer::json(200, &Value::Array(v))
            }
            "paths" => {
                let mut list = repo.paths.clone();
                list.sort_by_key(|p| std::cmp::Reverse(p.2));
                let v: Vec<Value> = list
                    .iter()
                    .take(10)
                    .map(|(p, t, c, u)| json!({ "path": p, "title": t, "count": c, "uniques": u }))
                    .collect();
                Answer::json(200, &Value::Array(v))
            }
            _ => {
                match query_get(&ctx.query, "per") {
                    None | Some("day") => {}
                    Some("week") => {
                        return Answer::json(400, &message("per=week is not modelled by the fake GitHub", doc, 400));
                    }
                    Some(_) => {
                        return Answer::json(422, &message("Invalid request.\n\nper must be day or week.", doc, 422));
                    }
                }
                let v = self.traffic_window(repo, what == "views");
                let mut body = Map::new();
                let count: u64 = v.iter().map(|b| b.1).sum();
                let uniques: u64 = v.iter().map(|b| b.2).sum();
                body.insert("count".into(), json!(count));
                body.insert("uniques".into(), json!(uniques));
                let buckets: Vec<Value> = v
                    .iter()
                    .map(|(day, c, u)| json!({ "timestamp": format!("{day}T00:00:00Z"), "count": c, "uniques": u }))
                    .collect();
                body.insert(what.into(), Value::Array(buckets));
                Answer::json(200, &Value::Object(body))
            }
        }
    }

    /// `(day, count, uniques)` for the 15-day window, zero days omitted, today partial.
    pub(crate) fn traffic_window(&self, repo: &Repo, views: bool) -> Vec<(Date, u64, u64)> {
        let today = utc_date(self.now);
        let Ok(start) = today.checked_sub(Span::new().days(14)) else {
            return Vec::new();
        };
        let secs_today = midnight(today).map_or(0, |m| (self.now.as_second() - m.as_second()).clamp(0, 86_400));
        let secs_today = u128::try_from(secs_today).unwrap_or(0);
        let mut out = Vec::new();
        for (day, t) in repo.traffic.range(start..=today) {
            let (full, full_u) = if views { (t.views, t.views_uniques) } else { (t.clones, t.clones_uniques) };
            let (count, uniques) = if *day == today {
                let part = |x: u64| u64::try_from(u128::from(x) * secs_today / 86_400).unwrap_or(0);
                let c = part(full);
                (c, part(full_u).min(c))
            } else {
                (full, full_u)
            };
            if count > 0 {
                out.push((*day, count, uniques));
            }
        }
        out
    }

    pub(crate) fn releases(&self, ctx: &Ctx<'_>, key: &str) -> Answer {
        let Some(repo) = self.repos.get(key) else {
            return not_found(DOC_RELEASES);
        };
        let mut list: Vec<&Release> = repo.releases.iter().collect();
        list.sort_by_key(|r| std::cmp::Reverse(r.id));
        let link_base = format!("{}/repositories/{}/releases", ctx.api_base, repo.id);
        let (page, link) = paginate(&list, &ctx.query, &link_base);
        let v: Vec<Value> = page.iter().map(|rel| release_json(repo, rel, &ctx.api_base)).collect();
        with_link(Answer::json(200, &Value::Array(v)), link)
    }
}

pub(crate) fn repo_json(r: &Repo, api_base: &str, kind: TokenKind) -> Value {
    let full = r.full_name();
    let owner_id = fnv1a(r.owner.to_ascii_lowercase().as_bytes(), 7) % 10_000_000 + 1;
    let mut v = json!({
        "id": r.id,
        "node_id": format!("R_fake{}", r.id),
        "name": r.name,
        "full_name": full,
        "private": r.private,
        "owner": {
            "login": r.owner,
            "id": owner_id,
            "node_id": format!("U_fake{owner_id}"),
            "type": "User",
            "site_admin": false,
            "html_url": format!("https://github.com/{}", r.owner),
        },
        "html_url": format!("https://github.com/{full}"),
        "description": format!("Fake repository {full}"),
        "fork": r.fork,
        "url": format!("{api_base}/repos/{full}"),
        "releases_url": format!("{api_base}/repos/{full}/releases{{/id}}"),
        "created_at": REPO_CREATED_AT,
        "updated_at": iso(r.updated),
        "pushed_at": iso(r.updated),
        "homepage": null,
        "size": 1024,
        "stargazers_count": r.stars,
        "watchers_count": r.stars,
        "language": "Rust",
        "has_issues": true,
        "forks_count": r.forks,
        "archived": r.archived,
        "disabled": false,
        "open_issues_count": r.open_issues,
        "license": null,
        "topics": [],
        "visibility": if r.private { "private" } else { "public" },
        "forks": r.forks,
        "open_issues": r.open_issues,
        "watchers": r.stars,
        "default_branch": "main",
        "network_count": r.forks,
        "subscribers_count": r.watchers,
        "has_pages": r.pages_enabled,
    });
    let perms = match kind {
        TokenKind::Full | TokenKind::NoGistWrite => {
            Some(json!({"admin": true, "maintain": true, "push": true, "triage": true, "pull": true}))
        }
        TokenKind::FineGrainedNoAdmin => {
            Some(json!({"admin": false, "maintain": false, "push": true, "triage": true, "pull": true}))
        }
        TokenKind::ClassicNoPush => {
            Some(json!({"admin": false, "maintain": false, "push": false, "triage": false, "pull": true}))
        }
        TokenKind::WorkflowToken => None,
    };
    if let (Some(p), Some(obj)) = (perms, v.as_object_mut()) {
        obj.insert("permissions".into(), p);
    }
    v
}

pub(crate) fn release_json(repo: &Repo, rel: &Release, api_base: &str) -> Value {
    let full = repo.full_name();
    let assets: Vec<Value> = rel
        .assets
        .iter()
        .filter(|a| !a.deleted)
        .map(|a| {
            json!({
                "url": format!("{api_base}/repos/{full}/releases/assets/{}", a.id),
                "id": a.id,
                "node_id": format!("RA_fake{}", a.id),
                "name": a.name,
                "label": "",
                "uploader": user_json(&repo.owner),
                "content_type": "application/octet-stream",
                "state": "uploaded",
                "size": 1000 + a.id % 1000,
                "download_count": a.downloads,
                "created_at": iso(a.created),
                "updated_at": iso(a.created),
                "browser_download_url": format!("https://github.com/{full}/releases/download/{}/{}", rel.tag, a.name),
            })
        })
        .collect();
    json!({
        "url": format!("{api_base}/repos/{full}/releases/{}", rel.id),
        "assets_url": format!("{api_base}/repos/{full}/releases/{}/assets", rel.id),
        "html_url": format!("https://github.com/{full}/releases/tag/{}", rel.tag),
        "id": rel.id,
        "node_id": format!("RE_fake{}", rel.id),
        "tag_name": rel.tag,
        "target_commitish": "main",
        "name": rel.tag,
        "draft": false,
        "prerelease": false,
        "created_at": iso(rel.created),
        "published_at": iso(rel.created),
        "author": user_json(&repo.owner),
        "assets": assets,
        "tarball_url": format!("{api_base}/repos/{full}/tarball/{}", rel.tag),
        "zipball_url": format!("{api_base}/repos/{full}/zipball/{}", rel.tag),
        "body": "",
    })
}
