//! Request handling: `gate` polices, authenticates and applies faults, then `route`
//! hands the request to its API area (meta, repos and traffic, actions and Pages,
//! gists, git data); the answers get GitHub's common headers and pagination here.

mod actions;
mod created;
mod gate;
mod gists;
mod git;
mod meta;
mod repos;
mod stars;

use serde_json::Value;

use super::http::*;
use super::state::*;
use super::util::*;
use super::*;

/// What a route answers before the common headers are added.
pub(crate) struct Answer {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
    pub(crate) content_type: &'static str,
    pub(crate) headers: Vec<(String, String)>,
    /// Counts against the primary rate limit / carries rate-limit headers.
    pub(crate) rate_limited: bool,
}

impl Answer {
    pub(crate) fn json(status: u16, v: &Value) -> Answer {
        Answer {
            status,
            body: json_bytes(v),
            content_type: "application/json; charset=utf-8",
            headers: Vec::new(),
            rate_limited: true,
        }
    }

    pub(crate) fn with_header(mut self, name: &str, value: String) -> Answer {
        self.headers.push((name.to_owned(), value));
        self
    }
}

pub(crate) fn not_found(doc: &str) -> Answer {
    Answer::json(404, &message("Not Found", doc, 404))
}

pub(crate) const DOC_REST: &str = "https://docs.github.com/rest";

/// Context of one request for the route handlers.
pub(crate) struct Ctx<'a> {
    pub(crate) method: &'a str,
    /// Request path with an `/api/v3` prefix removed.
    pub(crate) segs: Vec<String>,
    pub(crate) query: Vec<(String, String)>,
    /// `base_url` plus the `/api/v3` prefix if the request used it.
    pub(crate) api_base: String,
    pub(crate) kind: TokenKind,
    pub(crate) req: &'a HttpRequest,
}

impl State {
    /// Hands the request to its API area by path and method.
    pub(crate) fn route(&mut self, ctx: &Ctx<'_>) -> Answer {
        let s: Vec<&str> = ctx.segs.iter().map(String::as_str).collect();
        let get = ctx.method.eq_ignore_ascii_case("GET") || ctx.method.eq_ignore_ascii_case("HEAD");
        match s.as_slice() {
            ["meta"] if get => self.meta(),
            ["rate_limit"] if get => {
                let mut a = self.rate_limit(ctx);
                a.rate_limited = false;
                a
            }
            ["user"] if get => self.user(ctx),
            ["user", "repos"] if get => self.list_repos(ctx, None),
            ["users", owner, "repos"] | ["orgs", owner, "repos"] if get => self.list_repos(ctx, Some(owner)),
            ["repos", _, _, "git", ..] => self.route_git(ctx, &s),
            ["repos", ..] | ["repositories", ..] if get => self.route_repo(ctx, &s),
            ["gists", ..] => self.route_gists(ctx, &s),
            _ => not_found(DOC_REST),
        }
    }
}

/// Adds content type, Date and rate-limit headers to an answer.
pub(crate) fn finish(a: Answer, mut headers: Vec<(String, String)>, rl: Option<Vec<(String, String)>>) -> Reply {
    headers.push(("content-type".into(), a.content_type.into()));
    headers.push(("server".into(), "github.com".into()));
    if a.content_type.starts_with("application/json") {
        headers.push(("x-github-api-version-selected".into(), "2022-11-28".into()));
    }
    if let Some(rl) = rl {
        headers.extend(rl);
    }
    headers.extend(a.headers);
    Reply { status: a.status, headers, body: a.body }
}

pub(crate) fn with_link(a: Answer, link: Option<String>) -> Answer {
    match link {
        Some(l) => a.with_header("link", l),
        None => a,
    }
}

/// One page of `items` per `per_page`/`page`, and the `Link` header GitHub would send.
pub(crate) fn paginate<'a, T>(
    items: &'a [T],
    query: &[(String, String)],
    link_base: &str,
) -> (&'a [T], Option<String>) {
    let per_page =
        query_get(query, "per_page").and_then(|v| v.parse::<usize>().ok()).filter(|n| *n > 0).unwrap_or(30).min(100);
    let page = query_get(query, "page").and_then(|v| v.parse::<usize>().ok()).filter(|n| *n > 0).unwrap_or(1);
    let total = items.len();
    let last = total.div_ceil(per_page).max(1);
    let start = (page - 1).saturating_mul(per_page).min(total);
    let end = start.saturating_add(per_page).min(total);
    let slice = &items[start..end];
    if last == 1 && page == 1 {
        return (slice, None);
    }
    let url_for = |p: usize| {
        let mut q: Vec<String> = Vec::new();
        let mut seen_page = false;
        for (k, v) in query {
            if k == "page" {
                if !seen_page {
                    q.push(format!("page={p}"));
                    seen_page = true;
                }
            } else {
                q.push(format!("{}={}", pct_encode(k), pct_encode(v)));
            }
        }
        if !seen_page {
            q.push(format!("page={p}"));
        }
        format!("<{link_base}?{}>", q.join("&"))
    };
    let mut parts = Vec::new();
    if page > 1 {
        parts.push(format!("{}; rel=\"prev\"", url_for((page - 1).min(last))));
    }
    if page < last {
        parts.push(format!("{}; rel=\"next\"", url_for(page + 1)));
        parts.push(format!("{}; rel=\"last\"", url_for(last)));
    }
    if page > 1 {
        parts.push(format!("{}; rel=\"first\"", url_for(1)));
    }
    (slice, Some(parts.join(", ")))
}
