//! `GET /repos/{o}/{r}/stargazers` (users, or with `Accept:
//! application/vnd.github.star+json` objects with `starred_at` and `user`) and
//! `GET /repos/{o}/{r}/forks` (`sort=oldest` honoured; any other sort is newest first),
//! paginated with `Link`; past the served pages (400 on GitHub) a 422.

use jiff::Timestamp;
use serde_json::{Value, json};

use super::super::state::*;
use super::super::util::*;
use super::*;

const DOC_STARRING: &str = "https://docs.github.com/rest/activity/starring#list-stargazers";
const DOC_FORKS: &str = "https://docs.github.com/rest/repos/forks#list-forks";
const STAR_JSON: &str = "application/vnd.github.star+json";

impl State {
    pub(crate) fn stargazers(&self, ctx: &Ctx<'_>, key: &str) -> Answer {
        let Some(repo) = self.repos.get(key) else { return not_found(DOC_STARRING) };
        let star_json = ctx.req.header("accept").is_some_and(|a| a.contains(STAR_JSON));
        let items: Vec<Value> = repo
            .stargazers
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let user = user_json(&format!("stargazer{i}"));
                if star_json { json!({ "starred_at": iso(*t), "user": user }) } else { user }
            })
            .collect();
        listing(ctx, repo, &items, "stargazers", DOC_STARRING)
    }

    pub(crate) fn forks(&self, ctx: &Ctx<'_>, key: &str) -> Answer {
        let Some(repo) = self.repos.get(key) else { return not_found(DOC_FORKS) };
        let mut times: Vec<Timestamp> = repo.fork_list.clone();
        if query_get(&ctx.query, "sort") != Some("oldest") {
            times.reverse();
        }
        let items: Vec<Value> = times
            .iter()
            .enumerate()
            .map(|(i, t)| {
                let name = format!("forker{i}/{}", repo.name);
                json!({ "full_name": name, "fork": true, "created_at": iso(*t), "owner": user_json(&format!("forker{i}")) })
            })
            .collect();
        listing(ctx, repo, &items, "forks", DOC_FORKS)
    }
}

/// One page of a capped listing with its `Link`, or 422 past the served pages.
fn listing(ctx: &Ctx<'_>, repo: &Repo, items: &[Value], what: &str, doc: &str) -> Answer {
    let served = if repo.listing_pages == 0 { 400 } else { repo.listing_pages };
    let page = query_get(&ctx.query, "page").and_then(|v| v.parse::<usize>().ok()).unwrap_or(1);
    if page > served {
        let msg = "In order to keep the API fast for everyone, pagination is limited for this resource.";
        return Answer::json(422, &message(msg, doc, 422));
    }
    let base = format!("{}/repos/{}/{what}", ctx.api_base, repo.full_name());
    let (slice, link) = paginate(items, &ctx.query, &base);
    with_link(Answer::json(200, &Value::Array(slice.to_vec())), link)
}
