//! Gists: listing, reading (latest or pinned revision), commits, creating and updating.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};

use super::*;

pub(crate) const DOC_GIST_GET: &str = "https://docs.github.com/rest/gists/gists#get-a-gist";

pub(crate) const DOC_GIST_UPDATE: &str = "https://docs.github.com/rest/gists/gists#update-a-gist";

pub(crate) const DOC_GIST_CREATE: &str = "https://docs.github.com/rest/gists/gists#create-a-gist";

pub(crate) const DOC_GIST_COMMITS: &str = "https://docs.github.com/rest/gists/gists#list-gist-commits";

pub(crate) const MAX_GIST_FILES_LISTED: usize = 300;

impl State {
    /// `/gists` and below, by method.
    pub(crate) fn route_gists(&mut self, ctx: &Ctx<'_>, s: &[&str]) -> Answer {
        let get = ctx.method.eq_ignore_ascii_case("GET") || ctx.method.eq_ignore_ascii_case("HEAD");
        let patch = ctx.method.eq_ignore_ascii_case("PATCH");
        let post = ctx.method.eq_ignore_ascii_case("POST");
        match s {
            ["gists"] if post => self.create_gist_api(ctx),
            ["gists"] if get => self.list_gists(ctx),
            ["gists", id] if get => match self.gists.get(*id) {
                Some(g) => {
                    let v = self.gist_json(g, g.revisions.len().saturating_sub(1), &ctx.api_base);
                    Answer::json(200, &v)
                }
                None => not_found(DOC_GIST_GET),
            },
            ["gists", id] if patch => self.patch_gist(ctx, id),
            ["gists", id, "commits"] if get => self.gist_commits(ctx, id),
            ["gists", id, version] if get => {
                let found = self.gists.get(*id).and_then(|g| {
                    let idx = g.revisions.iter().position(|r| r.version == *version)?;
                    Some(self.gist_json(g, idx, &ctx.api_base))
                });
                match found {
                    Some(v) => Answer::json(200, &v),
                    None => not_found(DOC_GIST_GET),
                }
            }
            _ => not_found(DOC_REST),
        }
    }

    /// `GET /gists`: the authenticated user's gists, newest first, without contents.
    pub(crate) fn list_gists(&self, ctx: &Ctx<'_>) -> Answer {
        let mut list: Vec<&Gist> = self.gists.values().filter(|g| g.owner == GIST_OWNER).collect();
        list.sort_by_key(|g| std::cmp::Reverse((g.created, g.id.clone())));
        let link_base = format!("{}/{}", ctx.api_base, ctx.segs.join("/"));
        let (page, link) = paginate(&list, &ctx.query, &link_base);
        let v: Vec<Value> = page
            .iter()
            .map(|g| {
                let files: Map<String, Value> = g
                    .revisions
                    .last()
                    .map(|r| r.files.keys().map(|n| (n.clone(), json!({ "filename": n }))).collect())
                    .unwrap_or_default();
                json!({
                    "id": g.id,
                    "url": format!("{}/gists/{}", ctx.api_base, g.id),
                    "html_url": format!("https://gist.github.com/{}", g.id),
                    "public": g.public,
                    "description": g.description,
                    "owner": { "login": g.owner },
                    "files": files,
                    "created_at": iso(g.created),
                })
            })
            .collect();
        with_link(Answer::json(200, &Value::Array(v)), link)
    }

    pub(crate) fn gist_json(&self, g: &Gist, idx: usize, api_base: &str) -> Value {
        let Some(rev) = g.revisions.get(idx) else {
            return Value::Null;
        };
        let raw_base = self.raw_url_base.clone().unwrap_or_else(|| api_base.trim_end_matches("/api/v3").to_owned());
        let mut files = Map::new();
        for (name, content) in rev.files.iter().take(MAX_GIST_FILES_LISTED) {
            let truncated = content.len() > self.truncate_at;
            let shown = if !truncated {
                content.as_str()
            } else if self.truncated_content_empty {
                ""
            } else {
                cut_at_char_boundary(content, self.truncate_at)
            };
            let (mime, language) = file_type(name);
            files.insert(
                name.clone(),
                json!({
                    "filename": name,
                    "type": mime,
                    "language": language,
                    "raw_url": format!("{raw_base}/raw/{}/{}/{}", g.id, rev.version, pct_encode(name)),
                    "size": content.len(),
                    "truncated": truncated,
                    "content": shown,
                    "encoding": "utf-8",
                }),
            );
        }
        let history: Vec<Value> = g.revisions[..=idx].iter().rev().map(|r| history_json(g, r, api_base)).collect();
        json!({
            "url": format!("{api_base}/gists/{}", g.id),
            "forks_url": format!("{api_base}/gists/{}/forks", g.id),
            "commits_url": format!("{api_base}/gists/{}/commits", g.id),
            "id": g.id,
            "node_id": format!("G_fake{}", g.id),
            "git_pull_url": format!("https://gist.github.com/{}.git", g.id),
            "git_push_url": format!("https://gist.github.com/{}.git", g.id),
            "html_url": format!("https://gist.github.com/{}/{}", g.owner, g.id),
            "files": files,
            "public": true,
            "created_at": iso(g.created),
            "updated_at": iso(rev.committed_at),
            "description": g.description,
            "comments": 0,
            "user": null,
            "comments_url": format!("{api_base}/gists/{}/comments", g.id),
            "owner": user_json(&g.owner),
            "forks": [],
            "history": history,
            "truncated": rev.files.len() > MAX_GIST_FILES_LISTED,
        })
    }

    pub(crate) fn gist_commits(&self, ctx: &Ctx<'_>, id: &str) -> Answer {
        let Some(g) = self.gists.get(id) else {
            return not_found(DOC_GIST_COMMITS);
        };
        let list: Vec<&Revision> = g.revisions.iter().rev().collect();
        let link_base = format!("{}/gists/{}/commits", ctx.api_base, g.id);
        let (page, link) = paginate(&list, &ctx.query, &link_base);
        let v: Vec<Value> = page.iter().map(|r| history_json(g, r, &ctx.api_base)).collect();
        with_link(Answer::json(200, &Value::Array(v)), link)
    }

    pub(crate) fn patch_gist(&mut self, ctx: &Ctx<'_>, id: &str) -> Answer {
        let Some(mut gist) = self.gists.remove(id) else {
            return not_found(DOC_GIST_UPDATE);
        };
        let answer = self.patch_gist_inner(ctx, &mut gist);
        self.gists.insert(id.to_owned(), gist);
        answer
    }

    pub(crate) fn patch_gist_inner(&mut self, ctx: &Ctx<'_>, gist: &mut Gist) -> Answer {
        match ctx.kind {
            TokenKind::WorkflowToken => {
                return Answer::json(403, &message("Resource not accessible by integration", DOC_GIST_UPDATE, 403));
            }
            TokenKind::NoGistWrite => return not_found(DOC_GIST_UPDATE),
            _ => {}
        }
        if ctx.req.header("if-match").is_some() {
            return Answer::json(
                400,
                &message(
                    "Conditional request headers are not allowed in unsafe requests unless supported by the endpoint",
                    DOC_GIST_UPDATE,
                    400,
                ),
            );
        }
        // Another writer got there first.
        for f in std::mem::take(&mut gist.pending) {
            let mut files = gist.latest_files();
            let current = files.clone();
            let Ok(changes) = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || f(&current))) else {
                return Answer::json(500, &json!({ "message": "fake GitHub: the injected concurrent write panicked" }));
            };
            for (name, content) in changes {
                match content {
                    Some(c) => {
                        files.insert(name, c);
                    }
                    None => {
                        files.remove(&name);
                    }
                }
            }
            self.commit(gist, files, OTHER_WRITER);
        }
        let Ok(body) = serde_json::from_slice::<Value>(&ctx.req.body) else {
            return Answer::json(400, &message("Problems parsing JSON", DOC_GIST_UPDATE, 400));
        };
        let Some(body) = body.as_object() else {
            return Answer::json(400, &message("Problems parsing JSON", DOC_GIST_UPDATE, 400));
        };
        let mut files = gist.latest_files();
        if let Some(spec) = body.get("files") {
            match apply_file_changes(&mut files, spec) {
                Ok(()) => {}
                Err(a) => return a,
            }
        }
        if files.is_empty() {
            return validation_failed(DOC_GIST_UPDATE);
        }
        if let Some(d) = body.get("description") {
            match d {
                Value::String(s) => gist.description.clone_from(s),
                Value::Null => gist.description.clear(),
                _ => return validation_failed(DOC_GIST_UPDATE),
            }
        }
        self.commit(gist, files, GIST_OWNER);
        let v = self.gist_json(gist, gist.revisions.len() - 1, &ctx.api_base);
        Answer::json(200, &v)
    }

    pub(crate) fn create_gist_api(&mut self, ctx: &Ctx<'_>) -> Answer {
        match ctx.kind {
            TokenKind::WorkflowToken => {
                return Answer::json(403, &message("Resource not accessible by integration", DOC_GIST_CREATE, 403));
            }
            TokenKind::NoGistWrite => return not_found(DOC_GIST_CREATE),
            _ => {}
        }
        let Ok(body) = serde_json::from_slice::<Value>(&ctx.req.body) else {
            return Answer::json(400, &message("Problems parsing JSON", DOC_GIST_CREATE, 400));
        };
        let mut files = BTreeMap::new();
        let Some(spec @ Value::Object(_)) = body.get("files") else {
            return validation_failed(DOC_GIST_CREATE);
        };
        if let Err(a) = apply_file_changes(&mut files, spec) {
            return a;
        }
        if files.is_empty() {
            return validation_failed(DOC_GIST_CREATE);
        }
        self.gist_counter += 1;
        let id = hex_id(self.gist_counter.wrapping_add(1 << 40), 32);
        let mut gist = Gist {
            id: id.clone(),
            owner: GIST_OWNER.to_owned(),
            description: body.get("description").and_then(Value::as_str).unwrap_or_default().to_owned(),
            public: body.get("public").and_then(Value::as_bool).unwrap_or(false),
            created: self.now,
            revisions: Vec::new(),
            pending: Vec::new(),
        };
        self.commit(&mut gist, files, GIST_OWNER);
        let v = self.gist_json(&gist, 0, &ctx.api_base);
        self.gists.insert(id.clone(), gist);
        Answer::json(201, &v).with_header("location", format!("{}/gists/{id}", ctx.api_base))
    }
}

pub(crate) fn validation_failed(doc: &str) -> Answer {
    Answer::json(
        422,
        &json!({
            "message": "Validation Failed",
            "errors": [{ "resource": "Gist", "code": "missing_field", "field": "files" }],
            "documentation_url": doc,
            "status": "422",
        }),
    )
}

/// Applies a PATCH/POST `files` object. Validates everything before changing `files`.
pub(crate) fn apply_file_changes(files: &mut BTreeMap<String, String>, spec: &Value) -> Result<(), Answer> {
    let Some(spec) = spec.as_object() else {
        return Err(validation_failed(DOC_GIST_UPDATE));
    };
    let mut next = files.clone();
    for (name, change) in spec {
        match change {
            Value::Null => {
                next.remove(name);
            }
            Value::Object(o) => {
                let content = match o.get("content") {
                    None | Some(Value::Null) => None,
                    Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
                    Some(_) => return Err(validation_failed(DOC_GIST_UPDATE)),
                };
                let new_name = match o.get("filename") {
                    None | Some(Value::Null) => None,
                    Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
                    Some(_) => return Err(validation_failed(DOC_GIST_UPDATE)),
                };
                match (content, new_name) {
                    (None, None) => return Err(validation_failed(DOC_GIST_UPDATE)),
                    (Some(c), None) => {
                        next.insert(name.clone(), c);
                    }
                    (content, Some(new_name)) => {
                        let Some(c) = content.or_else(|| next.get(name).cloned()) else {
                            return Err(validation_failed(DOC_GIST_UPDATE));
                        };
                        next.remove(name);
                        next.insert(new_name, c);
                    }
                }
            }
            _ => return Err(validation_failed(DOC_GIST_UPDATE)),
        }
    }
    *files = next;
    Ok(())
}

pub(crate) fn history_json(g: &Gist, r: &Revision, api_base: &str) -> Value {
    json!({
        "user": user_json(&r.user),
        "version": r.version,
        "committed_at": iso(r.committed_at),
        "change_status": {
            "total": r.additions + r.deletions,
            "additions": r.additions,
            "deletions": r.deletions,
        },
        "url": format!("{api_base}/gists/{}/{}", g.id, r.version),
    })
}
