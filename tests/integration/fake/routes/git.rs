//! The Git Data API of a repository (<https://docs.github.com/en/rest/git>): refs (get,
//! create, update with the fast-forward check), commits, trees (paths with folders, kept
//! flat; recursive listing, `base_tree`, deletion by `sha: null`) and blobs (base64 and utf-8).

use std::collections::BTreeMap;

use base64::Engine as _;
use serde_json::{Value, json};

use super::super::git::GitRepo;
use super::*;

pub(crate) const DOC_GIT: &str = "https://docs.github.com/rest/git";

fn unprocessable(msg: &str) -> Answer {
    Answer::json(422, &message(msg, DOC_GIT, 422))
}

fn body_of(ctx: &Ctx<'_>) -> Option<Value> {
    serde_json::from_slice::<Value>(&ctx.req.body).ok().filter(Value::is_object)
}

impl State {
    /// `/repos/{owner}/{repo}/git/...`, by method. The repository must exist; its
    /// object store starts empty (a repository without commits, as far as gtt looks).
    pub(crate) fn route_git(&mut self, ctx: &Ctx<'_>, s: &[&str]) -> Answer {
        let ["repos", o, r, "git", rest @ ..] = s else { return not_found(DOC_GIT) };
        let key = format!("{o}/{r}").to_ascii_lowercase();
        if !self.repos.contains_key(&key) {
            return not_found(DOC_GIT);
        }
        if matches!(ctx.kind, TokenKind::WorkflowToken) && !ctx.method.eq_ignore_ascii_case("GET") {
            return Answer::json(403, &message("Resource not accessible by integration", DOC_GIT, 403));
        }
        let truncated = self.git_tree_truncated;
        let api = format!("{}/repos/{key}/git", ctx.api_base);
        let git = self.git.entry(key).or_default();
        let m = ctx.method.to_ascii_uppercase();
        match (m.as_str(), rest) {
            ("GET", ["ref", "heads", b @ ..]) => get_ref(git, &b.join("/"), &api),
            ("GET", ["commits", sha]) => get_commit(git, sha, &api),
            ("GET", ["trees", sha]) => get_tree(git, sha, truncated, &api),
            ("GET", ["blobs", sha]) => get_blob(git, sha),
            ("POST", ["blobs"]) => post_blob(git, ctx),
            ("POST", ["trees"]) => post_tree(git, ctx, &api),
            ("POST", ["commits"]) => post_commit(git, ctx, &api),
            ("POST", ["refs"]) => post_ref(git, ctx, &api),
            ("PATCH", ["refs", "heads", b @ ..]) => patch_ref(git, ctx, &b.join("/"), &api),
            _ => not_found(DOC_GIT),
        }
    }
}

fn ref_json(branch: &str, sha: &str, api: &str) -> Value {
    json!({
        "ref": format!("refs/heads/{branch}"),
        "url": format!("{api}/refs/heads/{branch}"),
        "object": { "sha": sha, "type": "commit", "url": format!("{api}/commits/{sha}") },
    })
}

fn get_ref(git: &GitRepo, branch: &str, api: &str) -> Answer {
    match git.refs.get(&format!("heads/{branch}")) {
        Some(sha) => Answer::json(200, &ref_json(branch, sha, api)),
        None => not_found(DOC_GIT),
    }
}

fn commit_json(git: &GitRepo, sha: &str, api: &str) -> Option<Value> {
    let c = git.commits.get(sha)?;
    let parents: Vec<Value> =
        c.parents.iter().map(|p| json!({ "sha": p, "url": format!("{api}/commits/{p}") })).collect();
    Some(json!({
        "sha": sha,
        "url": format!("{api}/commits/{sha}"),
        "message": c.message,
        "tree": { "sha": c.tree, "url": format!("{api}/trees/{}", c.tree) },
        "parents": parents,
    }))
}

fn get_commit(git: &GitRepo, sha: &str, api: &str) -> Answer {
    commit_json(git, sha, api).map_or_else(|| not_found(DOC_GIT), |v| Answer::json(200, &v))
}

/// A tree as GitHub lists it recursively: each folder as a `tree` entry (its sha made up
/// from its path: the fake keeps no subtrees), then its blobs, by path.
fn tree_json(git: &GitRepo, sha: &str, truncated: bool, api: &str) -> Option<Value> {
    let entries = git.trees.get(sha)?;
    let folders: std::collections::BTreeSet<&str> =
        entries.keys().flat_map(|p| p.match_indices('/').map(move |(i, _)| &p[..i])).collect();
    let mut list: Vec<(&str, Value)> = folders
        .into_iter()
        .map(|dir| {
            let seed = dir.bytes().fold(7u64, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
            let sub = super::super::util::hex_id(seed, 40);
            (dir, json!({ "path": dir, "mode": "040000", "type": "tree", "sha": sub, "url": format!("{api}/trees/{sub}") }))
        })
        .collect();
    list.extend(entries.iter().map(|(path, blob)| {
        let size = git.blobs.get(blob).map_or(0, Vec::len);
        (path.as_str(), json!({ "path": path, "mode": "100644", "type": "blob", "sha": blob, "size": size, "url": format!("{api}/blobs/{blob}") }))
    }));
    list.sort_by(|a, b| a.0.cmp(b.0));
    let list: Vec<Value> = list.into_iter().map(|(_, v)| v).collect();
    Some(json!({ "sha": sha, "url": format!("{api}/trees/{sha}"), "tree": list, "truncated": truncated }))
}

fn get_tree(git: &GitRepo, sha: &str, truncated: bool, api: &str) -> Answer {
    // Like GitHub, a commit's sha names its tree too.
    let tree = git.commits.get(sha).map_or(sha, |c| c.tree.as_str());
    tree_json(git, tree, truncated, api).map_or_else(|| not_found(DOC_GIT), |v| Answer::json(200, &v))
}

fn get_blob(git: &GitRepo, sha: &str) -> Answer {
    let Some(bytes) = git.blobs.get(sha) else { return not_found(DOC_GIT) };
    let encoded = base64::engine::general_purpose::STANDARD.encode(bytes);
    // GitHub wraps the base64 at 60 characters.
    let wrapped: Vec<&str> = encoded.as_bytes().chunks(60).filter_map(|c| std::str::from_utf8(c).ok()).collect();
    let mut content = wrapped.join("\n");
    content.push('\n');
    Answer::json(200, &json!({ "sha": sha, "size": bytes.len(), "encoding": "base64", "content": content }))
}

/// `content` in `encoding` (utf-8 unless said) as bytes.
fn decode(content: &str, encoding: Option<&str>) -> Option<Vec<u8>> {
    match encoding.unwrap_or("utf-8") {
        "utf-8" => Some(content.as_bytes().to_vec()),
        "base64" => {
            let packed: String = content.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            base64::engine::general_purpose::STANDARD.decode(packed).ok()
        }
        _ => None,
    }
}

fn post_blob(git: &mut GitRepo, ctx: &Ctx<'_>) -> Answer {
    let Some(body) = body_of(ctx) else { return unprocessable("Invalid request.") };
    let Some(content) = body.get("content").and_then(Value::as_str) else {
        return unprocessable("Invalid request. \"content\" wasn't supplied.");
    };
    let Some(bytes) = decode(content, body.get("encoding").and_then(Value::as_str)) else {
        return unprocessable("Invalid request. encoding must be utf-8 or base64");
    };
    let sha = git.put_blob(bytes);
    Answer::json(201, &json!({ "sha": sha }))
}

/// A path git takes in a tree: `/`-separated, no empty, `.` or `..` part.
fn valid_path(path: &str) -> bool {
    path.split('/').all(|part| !part.is_empty() && part != "." && part != "..")
}

fn post_tree(git: &mut GitRepo, ctx: &Ctx<'_>, api: &str) -> Answer {
    let Some(body) = body_of(ctx) else { return unprocessable("Invalid request.") };
    let mut entries: BTreeMap<String, String> = BTreeMap::new();
    if let Some(base) = body.get("base_tree").and_then(Value::as_str) {
        let Some(t) = git.trees.get(base) else { return unprocessable("Invalid tree info") };
        entries = t.clone();
    }
    let Some(list) = body.get("tree").and_then(Value::as_array) else {
        return unprocessable("Invalid request. \"tree\" wasn't supplied.");
    };
    for e in list {
        let Some(path) = e.get("path").and_then(Value::as_str).filter(|p| valid_path(p)) else {
            return unprocessable("Invalid tree info");
        };
        match (e.get("sha"), e.get("content").and_then(Value::as_str)) {
            (Some(Value::Null), None) => {
                entries.remove(path);
            }
            (Some(Value::String(sha)), None) if git.blobs.contains_key(sha) => {
                entries.insert(path.to_owned(), sha.clone());
            }
            (None, Some(content)) => {
                let sha = git.put_blob(content.as_bytes().to_vec());
                entries.insert(path.to_owned(), sha);
            }
            _ => return unprocessable("Invalid tree info"),
        }
    }
    let sha = git.put_tree(entries);
    tree_json(git, &sha, false, api).map_or_else(|| not_found(DOC_GIT), |v| Answer::json(201, &v))
}

fn post_commit(git: &mut GitRepo, ctx: &Ctx<'_>, api: &str) -> Answer {
    let Some(body) = body_of(ctx) else { return unprocessable("Invalid request.") };
    let Some(tree) = body.get("tree").and_then(Value::as_str).filter(|t| git.trees.contains_key(*t)) else {
        return unprocessable("Tree SHA does not exist");
    };
    let parents: Vec<String> = body
        .get("parents")
        .and_then(Value::as_array)
        .map(|ps| ps.iter().filter_map(Value::as_str).map(str::to_owned).collect())
        .unwrap_or_default();
    if parents.iter().any(|p| !git.commits.contains_key(p)) {
        return unprocessable("Parent SHA does not exist or is not a commit object");
    }
    let message = body.get("message").and_then(Value::as_str).unwrap_or_default();
    let sha = git.put_commit(tree.to_owned(), parents, message);
    commit_json(git, &sha, api).map_or_else(|| not_found(DOC_GIT), |v| Answer::json(201, &v))
}

fn post_ref(git: &mut GitRepo, ctx: &Ctx<'_>, api: &str) -> Answer {
    let Some(body) = body_of(ctx) else { return unprocessable("Invalid request.") };
    let name = body.get("ref").and_then(Value::as_str).unwrap_or_default();
    let Some(branch) = name.strip_prefix("refs/heads/").filter(|b| !b.is_empty()) else {
        return unprocessable("Reference name must start with 'refs/' and have at least two slashes.");
    };
    git.land_pending(branch);
    let Some(sha) = body.get("sha").and_then(Value::as_str).filter(|s| git.commits.contains_key(*s)) else {
        return unprocessable("Object does not exist");
    };
    let key = format!("heads/{branch}");
    if git.refs.contains_key(&key) {
        return unprocessable("Reference already exists");
    }
    git.refs.insert(key, sha.to_owned());
    Answer::json(201, &ref_json(branch, sha, api))
}

fn patch_ref(git: &mut GitRepo, ctx: &Ctx<'_>, branch: &str, api: &str) -> Answer {
    let Some(body) = body_of(ctx) else { return unprocessable("Invalid request.") };
    git.land_pending(branch);
    let key = format!("heads/{branch}");
    let Some(old) = git.refs.get(&key).cloned() else { return unprocessable("Reference does not exist") };
    let Some(sha) = body.get("sha").and_then(Value::as_str).filter(|s| git.commits.contains_key(*s)) else {
        return unprocessable("Object does not exist");
    };
    let force = body.get("force").and_then(Value::as_bool).unwrap_or(false);
    if !force && !git.descends(sha, &old) {
        return unprocessable("Update is not a fast forward");
    }
    git.refs.insert(key, sha.to_owned());
    Answer::json(200, &ref_json(branch, sha, api))
}
