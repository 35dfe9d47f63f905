//! Self-test of the fake GitHub: every feature the integration tests of gtt rely on,
//! exercised with a plain HTTP client.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Duration;

use super::{FakeGitHub, FakeJob, FakeRun, FakeStep, Fault, FaultKind, TokenKind};
use jiff::civil::Date;
use jiff::{SignedDuration, Span, Timestamp};
use serde_json::{Value, json};

const TOKEN: &str = "ghp_full";

struct Resp {
    status: u16,
    headers: Vec<(String, String)>,
    body: String,
}

impl Resp {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(n, _)| n.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("response body is JSON")
    }
}

fn agent(user_agent: bool) -> ureq::Agent {
    let mut cfg =
        ureq::Agent::config_builder().http_status_as_error(false).timeout_global(Some(Duration::from_secs(20)));
    if !user_agent {
        cfg = cfg.user_agent(ureq::config::AutoHeaderValue::None);
    } else {
        cfg = cfg.user_agent("gtt-selftest/1.0");
    }
    ureq::Agent::new_with_config(cfg.build())
}

fn into_resp(mut r: ureq::http::Response<ureq::Body>) -> Resp {
    let status = r.status().as_u16();
    let headers =
        r.headers().iter().map(|(n, v)| (n.as_str().to_owned(), v.to_str().unwrap_or("").to_owned())).collect();
    let body = r.body_mut().with_config().limit(64 * 1024 * 1024).read_to_string().expect("read response body");
    Resp { status, headers, body }
}

/// GET with optional token and extra headers; transport errors are returned.
fn try_get(a: &ureq::Agent, url: &str, token: Option<&str>, extra: &[(&str, &str)]) -> Result<Resp, ureq::Error> {
    let mut rb = a.get(url);
    if let Some(t) = token {
        rb = rb.header("Authorization", format!("Bearer {t}"));
    }
    for (n, v) in extra {
        rb = rb.header(*n, *v);
    }
    rb.call().map(into_resp)
}

fn get(fake: &FakeGitHub, path: &str, token: Option<&str>) -> Resp {
    try_get(&agent(true), &format!("{}{path}", fake.url()), token, &[]).expect("GET succeeds at transport level")
}

fn get_with(fake: &FakeGitHub, path: &str, token: &str, extra: &[(&str, &str)]) -> Resp {
    try_get(&agent(true), &format!("{}{path}", fake.url()), Some(token), extra)
        .expect("GET succeeds at transport level")
}

fn try_patch(a: &ureq::Agent, url: &str, token: &str, body: &str, extra: &[(&str, &str)]) -> Result<Resp, ureq::Error> {
    let mut rb =
        a.patch(url).header("Authorization", format!("Bearer {token}")).header("Content-Type", "application/json");
    for (n, v) in extra {
        rb = rb.header(*n, *v);
    }
    rb.send(body).map(into_resp)
}

fn patch(fake: &FakeGitHub, path: &str, token: &str, body: &Value) -> Resp {
    try_patch(&agent(true), &format!("{}{path}", fake.url()), token, &body.to_string(), &[])
        .expect("PATCH succeeds at transport level")
}

fn fake_with_token() -> FakeGitHub {
    let fake = FakeGitHub::start();
    fake.add_token(TOKEN, TokenKind::Full);
    fake
}

fn date(s: &str) -> Date {
    s.parse().expect("valid date")
}

#[test]
fn refuses_missing_user_agent_and_bad_credentials() {
    let fake = fake_with_token();
    fake.add_repo("octo/hello");

    let r =
        try_get(&agent(false), &format!("{}/repos/octo/hello", fake.url()), Some(TOKEN), &[]).expect("transport ok");
    assert_eq!(r.status, 403);
    let msg = r.json()["message"].as_str().unwrap_or_default().to_owned();
    assert!(msg.starts_with("Request forbidden by administrative rules"), "{msg}");
    assert!(msg.contains("User-Agent"), "{msg}");

    let r = get(&fake, "/repos/octo/hello", None);
    assert_eq!(r.status, 401);

    let r = get(&fake, "/repos/octo/hello", Some("nope"));
    assert_eq!(r.status, 401);
    assert_eq!(
        r.json(),
        json!({"message":"Bad credentials","documentation_url":"https://docs.github.com/rest","status":"401"})
    );

    let r = get(&fake, "/repos/octo/hello", Some(TOKEN));
    assert_eq!(r.status, 200);
    assert_eq!(r.header("content-type"), Some("application/json; charset=utf-8"));

    // `token X` is accepted as well, as GitHub does.
    let r = try_get(
        &agent(true),
        &format!("{}/repos/octo/hello", fake.url()),
        None,
        &[("Authorization", "token ghp_full")],
    )
    .expect("transport ok");
    assert_eq!(r.status, 200);

    // Recorded: lower-cased header names, status, path.
    let reqs = fake.requests();
    assert_eq!(reqs.len(), 5);
    assert_eq!(reqs[0].status, 403);
    assert!(reqs[0].header("user-agent").is_none());
    assert_eq!(reqs[3].header("authorization"), Some("Bearer ghp_full"));
    assert!(reqs[3].headers.iter().all(|(n, _)| n == &n.to_ascii_lowercase()));
    assert_eq!(reqs[3].path, "/repos/octo/hello");
    assert_eq!(fake.count("GET", "/repos/octo"), 5);
}

#[test]
fn rate_limit_headers_and_date_follow_fake_clock() {
    let fake = fake_with_token();
    fake.add_repo("octo/hello");
    let start: Timestamp = "2026-11-01T12:00:00Z".parse().expect("ts");
    assert_eq!(fake.now(), start);

    let r = get(&fake, "/repos/octo/hello", Some(TOKEN));
    assert_eq!(r.header("date"), Some("Sun, 01 Nov 2026 12:00:00 GMT"));
    assert_eq!(r.header("x-ratelimit-limit"), Some("5000"));
    assert_eq!(r.header("x-ratelimit-remaining"), Some("4999"));
    assert_eq!(r.header("x-ratelimit-used"), Some("1"));
    assert_eq!(r.header("x-ratelimit-resource"), Some("core"));
    let reset = (start.as_second() + 3600).to_string();
    assert_eq!(r.header("x-ratelimit-reset"), Some(reset.as_str()));

    fake.advance(SignedDuration::from_secs(90));
    let r = get(&fake, "/repos/octo/hello", Some(TOKEN));
    assert_eq!(r.header("date"), Some("Sun, 01 Nov 2026 12:01:30 GMT"));
    assert_eq!(r.header("x-ratelimit-remaining"), Some("4998"));
    assert_eq!(r.header("x-ratelimit-reset"), Some(reset.as_str()), "window reset stays fixed");

    fake.set_now("2027-01-02T03:04:05Z".parse().expect("ts"));
    let r = get(&fake, "/repos/octo/hello", Some(TOKEN));
    assert_eq!(r.header("date"), Some("Sat, 02 Jan 2027 03:04:05 GMT"));
    assert_eq!(r.header("x-ratelimit-remaining"), Some("4999"), "a new window began");

    // Natural exhaustion.
    fake.set_rate_remaining(TOKEN, 1);
    let r = get(&fake, "/repos/octo/hello", Some(TOKEN));
    assert_eq!(r.status, 200);
    assert_eq!(r.header("x-ratelimit-remaining"), Some("0"));
    let r = get(&fake, "/repos/octo/hello", Some(TOKEN));
    assert_eq!(r.status, 403);
    assert!(r.body.contains("API rate limit exceeded"));
    fake.advance(SignedDuration::from_hours(1));
    assert_eq!(get(&fake, "/repos/octo/hello", Some(TOKEN)).status, 200);
}

#[test]
fn repo_object_is_realistic_and_case_insensitive() {
    let fake = fake_with_token();
    fake.add_repo("Octo/Hello-World");
    fake.set_repo_stats("octo/hello-world", 42, 7, 5, 3);

    let r = get(&fake, "/repos/OCTO/hello-WORLD", Some(TOKEN));
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!(v["full_name"], "Octo/Hello-World");
    assert_eq!(v["name"], "Hello-World");
    assert_eq!(v["owner"]["login"], "Octo");
    assert_eq!(v["owner"]["type"], "User");
    assert_eq!(v["stargazers_count"], 42);
    assert_eq!(v["watchers_count"], 42);
    assert_eq!(v["forks_count"], 7);
    assert_eq!(v["subscribers_count"], 5);
    assert_eq!(v["open_issues_count"], 3);
    assert_eq!(v["private"], false);
    assert_eq!(v["fork"], false);
    assert_eq!(v["archived"], false);
    assert_eq!(v["created_at"], "2020-01-01T00:00:00Z");
    assert_eq!(v["default_branch"], "main");
    assert!(v["id"].as_u64().is_some());
    assert!(v["node_id"].is_string());
    assert!(v["html_url"].as_str().is_some_and(|u| u.ends_with("/Octo/Hello-World")));
    assert!(v["pushed_at"].is_string() && v["updated_at"].is_string() && v["description"].is_string());

    let id = fake.repo_id("octo/hello-world");
    let r = get(&fake, &format!("/repositories/{id}"), Some(TOKEN));
    assert_eq!(r.json()["full_name"], "Octo/Hello-World");

    let r = get(&fake, "/repos/octo/missing", Some(TOKEN));
    assert_eq!(r.status, 404);
    assert_eq!(
        r.json(),
        json!({"message":"Not Found","documentation_url":"https://docs.github.com/rest/repos/repos#get-a-repository","status":"404"})
    );

    // Listing.
    fake.add_repo("octo/another");
    let r = get(&fake, "/users/octo/repos?per_page=100", Some(TOKEN));
    let names: Vec<String> = r
        .json()
        .as_array()
        .expect("array")
        .iter()
        .map(|x| x["full_name"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(names, ["octo/another", "Octo/Hello-World"]);

    // Enterprise Server prefix.
    let r = get(&fake, "/api/v3/repos/octo/hello-world", Some(TOKEN));
    assert_eq!(r.status, 200);
}

fn views_of(v: &Value, key: &str) -> Vec<(String, u64, u64)> {
    v[key]
        .as_array()
        .expect("bucket array")
        .iter()
        .map(|b| {
            (
                b["timestamp"].as_str().unwrap_or_default().to_owned(),
                b["count"].as_u64().unwrap_or(0),
                b["uniques"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

#[test]
fn traffic_window_omits_zero_days_and_today_is_partial() {
    let fake = fake_with_token();
    fake.add_repo("octo/hello");
    let today = date("2026-11-01");
    // 20 days of history: day k before today has 100+k views (k=3 is a zero day).
    for k in 0..20i64 {
        let d = today.checked_sub(Span::new().days(k)).expect("date");
        let n = if k == 3 { 0 } else { 100 + u64::try_from(k).expect("k") };
        fake.set_traffic("octo/hello", d, n, n / 2, n * 2, n);
    }

    let r = get(&fake, "/repos/octo/hello/traffic/views?per=day", Some(TOKEN));
    assert_eq!(r.status, 200);
    let v = r.json();
    let b = views_of(&v, "views");
    // 15 days minus the zero day.
    assert_eq!(b.len(), 14);
    assert_eq!(b[0].0, "2026-10-18T00:00:00Z", "oldest is today-14");
    assert_eq!(b[0], ("2026-10-18T00:00:00Z".into(), 114, 57));
    assert!(!b.iter().any(|x| x.0 == "2026-10-29T00:00:00Z"), "zero day omitted");
    // Today at 12:00: half of 100 views, half of 50 uniques.
    assert_eq!(b[13], ("2026-11-01T00:00:00Z".into(), 50, 25));
    let sum: u64 = b.iter().map(|x| x.1).sum();
    assert_eq!(v["count"], sum);
    assert_eq!(v["uniques"], b.iter().map(|x| x.2).sum::<u64>());
    let ts: Vec<&String> = b.iter().map(|x| &x.0).collect();
    let mut sorted = ts.clone();
    sorted.sort();
    assert_eq!(ts, sorted, "ascending");

    // No `per` works the same; clones key.
    let c = get(&fake, "/repos/octo/hello/traffic/clones", Some(TOKEN)).json();
    let cb = views_of(&c, "clones");
    assert_eq!(cb.len(), 14);
    assert_eq!(cb[13], ("2026-11-01T00:00:00Z".into(), 100, 50));

    // Six hours later: three quarters of today.
    fake.advance(SignedDuration::from_hours(6));
    let b = views_of(&get(&fake, "/repos/octo/hello/traffic/views", Some(TOKEN)).json(), "views");
    assert_eq!(b[13], ("2026-11-01T00:00:00Z".into(), 75, 37));

    // Just after midnight: today has nothing yet and is omitted; the window moved.
    fake.set_now("2026-11-02T00:00:10Z".parse().expect("ts"));
    let b = views_of(&get(&fake, "/repos/octo/hello/traffic/views", Some(TOKEN)).json(), "views");
    assert_eq!(b[0].0, "2026-10-19T00:00:00Z");
    assert_eq!(b.last().map(|x| x.0.as_str()), Some("2026-11-01T00:00:00Z"));
    assert_eq!(b.last().map(|x| x.1), Some(100), "yesterday now complete");

    // Uniques never exceed count in the partial bucket.
    fake.set_traffic("octo/hello", date("2026-11-02"), 1, 1000, 0, 0);
    fake.set_now("2026-11-02T23:59:59Z".parse().expect("ts"));
    let b = views_of(&get(&fake, "/repos/octo/hello/traffic/views", Some(TOKEN)).json(), "views");
    assert_eq!(b.last().map(|x| x.0.as_str()), Some("2026-11-01T00:00:00Z"), "floor(1 * frac) = 0 -> omitted");

    assert_eq!(get(&fake, "/repos/octo/hello/traffic/views?per=week", Some(TOKEN)).status, 400);
}

#[test]
fn popular_referrers_and_paths_top_ten() {
    let fake = fake_with_token();
    fake.add_repo("octo/hello");
    let refs: Vec<(String, u64, u64)> = (1..=12).map(|i| (format!("site{i}.example"), i * 10, i)).collect();
    fake.set_referrers("octo/hello", refs);
    fake.set_paths(
        "octo/hello",
        vec![
            ("/octo/hello".into(), "octo/hello: a repo".into(), 5, 2),
            ("/octo/hello/wiki".into(), "Wiki".into(), 9, 4),
        ],
    );
    let v = get(&fake, "/repos/octo/hello/traffic/popular/referrers", Some(TOKEN)).json();
    let arr = v.as_array().expect("array");
    assert_eq!(arr.len(), 10);
    assert_eq!(arr[0], json!({"referrer":"site12.example","count":120,"uniques":12}));
    let v = get(&fake, "/repos/octo/hello/traffic/popular/paths", Some(TOKEN)).json();
    assert_eq!(
        v,
        json!([
            {"path":"/octo/hello/wiki","title":"Wiki","count":9,"uniques":4},
            {"path":"/octo/hello","title":"octo/hello: a repo","count":5,"uniques":2}
        ])
    );
}

#[test]
fn token_kinds_get_githubs_messages() {
    let fake = fake_with_token();
    fake.add_repo("octo/hello");
    fake.add_token("wf", TokenKind::WorkflowToken);
    fake.add_token("nopush", TokenKind::ClassicNoPush);
    fake.add_token("fg", TokenKind::FineGrainedNoAdmin);
    fake.add_token("nogist", TokenKind::NoGistWrite);
    fake.create_gist("g1", vec![("a.json", "{}")]);

    let cases = [
        ("wf", "Resource not accessible by integration"),
        ("nopush", "Must have push access to repository"),
        ("fg", "Resource not accessible by personal access token"),
    ];
    for (token, msg) in cases {
        for ep in ["views", "clones", "popular/referrers", "popular/paths"] {
            let r = get(&fake, &format!("/repos/octo/hello/traffic/{ep}"), Some(token));
            assert_eq!(r.status, 403, "{token} {ep}");
            let v = r.json();
            assert_eq!(v["message"], msg);
            assert_eq!(v["status"], "403");
            assert!(v["documentation_url"].as_str().is_some_and(|u| u.contains("/rest/metrics/traffic#")));
        }
        // Everything else reads fine.
        assert_eq!(get(&fake, "/repos/octo/hello", Some(token)).status, 200);
        assert_eq!(get(&fake, "/gists/g1", Some(token)).status, 200);
    }
    let r = get(&fake, "/repos/octo/hello/traffic/clones", Some("wf"));
    assert_eq!(
        r.json(),
        json!({"message":"Resource not accessible by integration","documentation_url":"https://docs.github.com/rest/metrics/traffic#get-repository-clones","status":"403"})
    );
    assert_eq!(get(&fake, "/repos/octo/hello/traffic/views", Some("nogist")).status, 200);

    let body = json!({"files": {"a.json": {"content": "{\"x\":1}"}}});
    let r = patch(&fake, "/gists/g1", "wf", &body);
    assert_eq!(r.status, 403);
    assert_eq!(r.json()["message"], "Resource not accessible by integration");
    let r = patch(&fake, "/gists/g1", "nogist", &body);
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["message"], "Not Found");
    assert_eq!(fake.gist_revisions("g1"), 1);
    assert_eq!(patch(&fake, "/gists/g1", TOKEN, &body).status, 200);
    assert_eq!(fake.gist_revisions("g1"), 2);
}

#[test]
fn enterprise_server_has_no_traffic() {
    let fake = fake_with_token();
    fake.add_repo("octo/hello");
    let r = get(&fake, "/meta", Some(TOKEN));
    assert!(r.json().get("installed_version").is_none());
    fake.set_enterprise(true);
    let r = get(&fake, "/api/v3/meta", Some(TOKEN));
    assert_eq!(r.json()["installed_version"], "3.14.2");
    assert_eq!(get(&fake, "/api/v3/repos/octo/hello/traffic/views", Some(TOKEN)).status, 404);
    assert_eq!(get(&fake, "/repos/octo/hello/traffic/clones", Some(TOKEN)).status, 404);
    assert_eq!(get(&fake, "/api/v3/repos/octo/hello", Some(TOKEN)).status, 200);
}

/// Parses a Link header into rel -> URL.
fn links(h: &str) -> BTreeMap<String, String> {
    h.split(", ")
        .filter_map(|part| {
            let (url, rel) = part.split_once("; rel=\"")?;
            Some((rel.trim_end_matches('"').to_owned(), url.trim_start_matches('<').trim_end_matches('>').to_owned()))
        })
        .collect()
}

/// A release and its first asset carry GitHub's fields.
fn assert_release_shape(rel: &Value) {
    for key in ["id", "tag_name", "name", "draft", "prerelease", "created_at", "published_at", "html_url"] {
        assert!(rel.get(key).is_some(), "release has {key}");
    }
    let asset = &rel["assets"][0];
    for key in [
        "id",
        "name",
        "label",
        "content_type",
        "size",
        "download_count",
        "created_at",
        "updated_at",
        "browser_download_url",
    ] {
        assert!(asset.get(key).is_some(), "asset has {key}");
    }
}

#[test]
fn releases_paginate_with_github_link_headers() {
    let fake = fake_with_token();
    fake.add_repo("octo/hello");
    let mut first_release = 0;
    for i in 0..250 {
        let id = fake.add_release("octo/hello", &format!("v0.{i}"), vec![("gtt.tar.gz", i), ("gtt.zip", 1)]);
        if i == 0 {
            first_release = id;
        }
    }
    let repo_id = fake.repo_id("octo/hello");
    let base = fake.url();

    let r = get(&fake, "/repos/octo/hello/releases?per_page=100&page=1", Some(TOKEN));
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("link"),
        Some(
            format!(
                "<{base}/repositories/{repo_id}/releases?per_page=100&page=2>; rel=\"next\", \
                 <{base}/repositories/{repo_id}/releases?per_page=100&page=3>; rel=\"last\""
            )
            .as_str()
        )
    );
    let page1 = r.json();
    let arr = page1.as_array().expect("array");
    assert_eq!(arr.len(), 100);
    assert_eq!(arr[0]["tag_name"], "v0.249", "newest first");
    assert_release_shape(&arr[0]);
    assert_eq!(arr[0]["assets"][0]["download_count"], 249);

    // Follow rel="next" to the end.
    let mut url = links(r.header("link").unwrap_or_default()).get("next").cloned();
    let mut total = arr.len();
    let mut pages = 1;
    let mut last_link = String::new();
    while let Some(u) = url {
        let r = try_get(&agent(true), &u, Some(TOKEN), &[]).expect("transport ok");
        assert_eq!(r.status, 200, "{u}");
        total += r.json().as_array().map_or(0, Vec::len);
        pages += 1;
        last_link = r.header("link").unwrap_or_default().to_owned();
        if pages == 2 {
            let l = links(&last_link);
            assert_eq!(l.keys().cloned().collect::<Vec<_>>(), ["first", "last", "next", "prev"]);
            assert!(
                last_link.starts_with(&format!(
                    "<{base}/repositories/{repo_id}/releases?per_page=100&page=1>; rel=\"prev\", "
                ))
            );
            assert!(last_link.ends_with("page=1>; rel=\"first\""));
        }
        url = links(&last_link).get("next").cloned();
    }
    assert_eq!(pages, 3);
    assert_eq!(total, 250);
    assert_eq!(
        last_link,
        format!(
            "<{base}/repositories/{repo_id}/releases?per_page=100&page=2>; rel=\"prev\", \
             <{base}/repositories/{repo_id}/releases?per_page=100&page=1>; rel=\"first\""
        )
    );

    // Default per_page is 30; per_page is capped at 100.
    assert_eq!(get(&fake, "/repos/octo/hello/releases", Some(TOKEN)).json().as_array().map(Vec::len), Some(30));
    assert_eq!(
        get(&fake, "/repos/octo/hello/releases?per_page=500", Some(TOKEN)).json().as_array().map(Vec::len),
        Some(100)
    );

    // Download counts change; deleted assets vanish.
    let assets = fake.release_asset_ids(first_release);
    fake.set_asset_downloads(assets[0], 1234);
    fake.delete_asset(assets[1]);
    let r = get(&fake, "/repos/octo/hello/releases?per_page=100&page=3", Some(TOKEN));
    let v = r.json();
    let oldest = v.as_array().and_then(|a| a.last()).expect("oldest release");
    assert_eq!(oldest["tag_name"], "v0.0");
    assert_eq!(oldest["assets"].as_array().map(Vec::len), Some(1));
    assert_eq!(oldest["assets"][0]["download_count"], 1234);

    // A single page has no Link header.
    fake.add_repo("octo/small");
    fake.add_release("octo/small", "v1", vec![]);
    assert!(get(&fake, "/repos/octo/small/releases?per_page=100", Some(TOKEN)).header("link").is_none());
}

#[test]
fn etag_gives_304_without_spending_rate_limit() {
    let fake = fake_with_token();
    fake.add_repo("octo/hello");
    let r = get(&fake, "/repos/octo/hello", Some(TOKEN));
    let etag = r.header("etag").expect("etag on 200 GET").to_owned();
    assert!(etag.ends_with('"'));
    assert_eq!(r.header("x-ratelimit-remaining"), Some("4999"));

    let r = get_with(&fake, "/repos/octo/hello", TOKEN, &[("If-None-Match", &etag)]);
    assert_eq!(r.status, 304);
    assert!(r.body.is_empty());
    assert_eq!(r.header("x-ratelimit-remaining"), Some("4999"));
    assert_eq!(r.header("etag"), Some(etag.as_str()));

    fake.set_repo_stats("octo/hello", 1, 0, 0, 0);
    let r = get_with(&fake, "/repos/octo/hello", TOKEN, &[("If-None-Match", &etag)]);
    assert_eq!(r.status, 200);
    assert_ne!(r.header("etag"), Some(etag.as_str()));
    assert_eq!(r.header("x-ratelimit-remaining"), Some("4998"));
}

#[test]
fn gist_patch_semantics() {
    let fake = fake_with_token();
    fake.create_gist("abc123", vec![("a.json", "{\"a\":1}\n"), ("b.json", "{\"b\":1}\n")]);
    assert_eq!(fake.gist_revisions("abc123"), 1);

    let v = get(&fake, "/gists/abc123", Some(TOKEN)).json();
    assert_eq!(v["id"], "abc123");
    assert_eq!(v["public"], true);
    assert_eq!(v["truncated"], false);
    assert_eq!(v["owner"]["login"], "octocat");
    let fa = &v["files"]["a.json"];
    assert_eq!(fa["filename"], "a.json");
    assert_eq!(fa["type"], "application/json");
    assert_eq!(fa["language"], "JSON");
    assert_eq!(fa["size"], 8);
    assert_eq!(fa["truncated"], false);
    assert_eq!(fa["content"], "{\"a\":1}\n");
    let h = v["history"].as_array().expect("history");
    assert_eq!(h.len(), 1);
    let v0 = h[0]["version"].as_str().expect("version").to_owned();
    assert_eq!(v0.len(), 40);
    assert!(v0.bytes().all(|b| b.is_ascii_hexdigit()));
    assert_eq!(h[0]["change_status"], json!({"total":2,"additions":2,"deletions":0}));

    fake.advance(SignedDuration::from_mins(5));
    let body = json!({"description":"gtt data","files":{"a.json":{"content":"{\"a\":2}\n"},"b.json":null,"c.json":{"content":"c"}}});
    let r = patch(&fake, "/gists/abc123", TOKEN, &body);
    assert_eq!(r.status, 200);
    let v = r.json();
    let names: Vec<&String> = v["files"].as_object().expect("files").keys().collect();
    assert_eq!(names, ["a.json", "c.json"]);
    assert_eq!(v["description"], "gtt data");
    assert_eq!(v["updated_at"], "2026-11-01T12:05:00Z");
    let h = v["history"].as_array().expect("history");
    assert_eq!(h.len(), 2);
    assert_eq!(h[1]["version"], v0.as_str(), "newest first");
    let v1 = h[0]["version"].as_str().expect("version").to_owned();
    assert_ne!(v1, v0);
    assert_eq!(fake.gist_file("abc123", "a.json").as_deref(), Some("{\"a\":2}\n"));
    assert_eq!(fake.gist_file("abc123", "b.json"), None);
    assert_eq!(fake.gist_revisions("abc123"), 2);
    assert_eq!(fake.requests().last().expect("recorded").body, body.to_string(), "PATCH body recorded");

    // Files not named are untouched.
    let r = patch(&fake, "/gists/abc123", TOKEN, &json!({"files":{"d.json":{"content":"d"}}}));
    assert_eq!(r.status, 200);
    assert_eq!(fake.gist_file_names("abc123"), ["a.json", "c.json", "d.json"]);

    // Empty content is refused; nothing changes.
    let r = patch(&fake, "/gists/abc123", TOKEN, &json!({"files":{"a.json":{"content":""}}}));
    assert_eq!(r.status, 422);
    assert_eq!(
        r.json(),
        json!({"message":"Validation Failed","errors":[{"resource":"Gist","code":"missing_field","field":"files"}],"documentation_url":"https://docs.github.com/rest/gists/gists#update-a-gist","status":"422"})
    );
    assert_eq!(fake.gist_revisions("abc123"), 3);
    assert_eq!(fake.gist_file("abc123", "a.json").as_deref(), Some("{\"a\":2}\n"));

    // Old revision, commits list.
    let old = get(&fake, &format!("/gists/abc123/{v0}"), Some(TOKEN)).json();
    assert_eq!(old["files"]["b.json"]["content"], "{\"b\":1}\n");
    assert_eq!(old["history"].as_array().map(Vec::len), Some(1));
    let commits = get(&fake, "/gists/abc123/commits", Some(TOKEN)).json();
    let c = commits.as_array().expect("commits");
    assert_eq!(c.len(), 3);
    assert_eq!(c[1]["version"], v1.as_str());
    assert_eq!(c[2]["version"], v0.as_str());
    for key in ["version", "committed_at", "change_status", "url", "user"] {
        assert!(c[0].get(key).is_some(), "commit has {key}");
    }

    // Bad JSON, If-Match, unknown gist.
    let r = try_patch(&agent(true), &format!("{}/gists/abc123", fake.url()), TOKEN, "{nope", &[]).expect("transport");
    assert_eq!(r.status, 400);
    let r = try_patch(
        &agent(true),
        &format!("{}/gists/abc123", fake.url()),
        TOKEN,
        "{\"files\":{\"a.json\":{\"content\":\"x\"}}}",
        &[("If-Match", "\"abc\"")],
    )
    .expect("transport");
    assert_eq!(r.status, 400);
    assert_eq!(patch(&fake, "/gists/nope", TOKEN, &json!({"files":{}})).status, 404);
    assert_eq!(get(&fake, "/gists/nope", Some(TOKEN)).status, 404);
    assert_eq!(fake.gist_revisions("abc123"), 3);
}

#[test]
fn gist_commits_paginate() {
    let fake = fake_with_token();
    fake.create_gist("g", vec![("n.txt", "0")]);
    for i in 1..35 {
        let r = patch(&fake, "/gists/g", TOKEN, &json!({"files":{"n.txt":{"content": i.to_string()}}}));
        assert_eq!(r.status, 200);
    }
    assert_eq!(fake.gist_revisions("g"), 35);
    let r = get(&fake, "/gists/g/commits", Some(TOKEN));
    assert_eq!(r.json().as_array().map(Vec::len), Some(30));
    let l = links(r.header("link").expect("link"));
    assert_eq!(l.get("next").map(String::as_str), Some(format!("{}/gists/g/commits?page=2", fake.url()).as_str()));
    let r = get(&fake, "/gists/g/commits?page=2", Some(TOKEN));
    let v = r.json();
    assert_eq!(v.as_array().map(Vec::len), Some(5));
    assert_eq!(v[4]["change_status"]["additions"], 1);
}

#[test]
fn truncated_files_and_raw_urls() {
    let fake = fake_with_token();
    let big = "0123456789".repeat(3);
    fake.create_gist("big", vec![("big.json", &big), ("small.json", "{}")]);
    fake.set_truncate_at(10);

    let v = get(&fake, "/gists/big", Some(TOKEN)).json();
    let f = &v["files"]["big.json"];
    assert_eq!(f["truncated"], true);
    assert_eq!(f["size"], 30);
    assert_eq!(f["content"], "0123456789");
    assert_eq!(v["files"]["small.json"]["truncated"], false);
    assert_eq!(v["truncated"], false);
    let raw = f["raw_url"].as_str().expect("raw_url").to_owned();
    assert!(raw.starts_with(&format!("{}/raw/big/", fake.url())), "{raw}");

    // raw_url needs no auth and returns the whole file as text/plain.
    let r = get(&fake, raw.trim_start_matches(&fake.url()), None);
    assert_eq!(r.status, 200);
    assert_eq!(r.body, big);
    assert!(r.header("content-type").is_some_and(|c| c.starts_with("text/plain")));

    fake.set_truncated_content_empty(true);
    let v = get(&fake, "/gists/big", Some(TOKEN)).json();
    assert_eq!(v["files"]["big.json"]["content"], "");
    assert_eq!(v["files"]["big.json"]["truncated"], true);

    // raw_url on another host name that still reaches this server.
    let other = format!("http://localhost:{}", fake.port());
    fake.set_raw_url_base(Some(other.clone()));
    let v = get(&fake, "/gists/big", Some(TOKEN)).json();
    let raw = v["files"]["big.json"]["raw_url"].as_str().expect("raw_url").to_owned();
    assert!(raw.starts_with(&format!("{other}/raw/big/")), "{raw}");
    let r = try_get(&agent(true), &raw, None, &[]).expect("localhost reaches the fake");
    assert_eq!(r.body, big);
    let rec = fake.requests();
    let last = rec.last().expect("recorded");
    assert!(last.path.starts_with("/raw/big/"));
    assert_eq!(last.header("host"), Some(other.trim_start_matches("http://")));
    assert!(last.header("authorization").is_none());

    // Old revisions stay reachable at their raw_url.
    let r = patch(&fake, "/gists/big", TOKEN, &json!({"files":{"big.json":{"content":"new"}}}));
    assert_eq!(r.status, 200);
    let r = try_get(&agent(true), &raw, None, &[]).expect("transport");
    assert_eq!(r.body, big);
    let r = get(&fake, "/octocat/big/raw/big.json", None);
    assert_eq!(r.body, "new", "latest raw URL");
}

#[test]
fn more_than_300_files_truncates_the_list() {
    let fake = fake_with_token();
    let names: Vec<String> = (0..305).map(|i| format!("f{i:03}.json")).collect();
    let files: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "{}")).collect();
    fake.create_gist("many", files);
    let v = get(&fake, "/gists/many", Some(TOKEN)).json();
    let listed = v["files"].as_object().expect("files");
    assert_eq!(listed.len(), 300);
    assert!(listed.contains_key("f299.json"));
    assert!(!listed.contains_key("f300.json"));
    assert_eq!(v["truncated"], true);
}

#[test]
fn concurrent_write_lands_between() {
    let fake = fake_with_token();
    fake.create_gist("g", vec![("state.json", "1"), ("keep.json", "k")]);
    fake.inject_concurrent_write(
        "g",
        Box::new(|files| {
            assert_eq!(files.get("state.json").map(String::as_str), Some("1"));
            vec![
                ("state.json".to_owned(), Some("other".to_owned())),
                ("other.json".to_owned(), Some("o".to_owned())),
                ("keep.json".to_owned(), None),
            ]
        }),
    );
    let r = patch(&fake, "/gists/g", TOKEN, &json!({"files":{"state.json":{"content":"mine"}}}));
    assert_eq!(r.status, 200);
    assert_eq!(fake.gist_revisions("g"), 3);
    let history = fake.gist_history("g");
    assert_eq!(history[1].1, "other-writer");
    assert_eq!(history[2].1, "octocat");
    let v = r.json();
    assert_eq!(v["history"][1]["user"]["login"], "other-writer");
    assert_eq!(v["history"][0]["user"]["login"], "octocat");
    // Last writer wins for the file both wrote; the other writer's other changes stay.
    assert_eq!(fake.gist_file("g", "state.json").as_deref(), Some("mine"));
    assert_eq!(fake.gist_file("g", "other.json").as_deref(), Some("o"));
    assert_eq!(fake.gist_file("g", "keep.json"), None);
    // The other writer's revision is visible as it was.
    let mid = get(&fake, &format!("/gists/g/{}", history[1].0), Some(TOKEN)).json();
    assert_eq!(mid["files"]["state.json"]["content"], "other");

    // Only once.
    let r = patch(&fake, "/gists/g", TOKEN, &json!({"files":{"state.json":{"content":"again"}}}));
    assert_eq!(r.status, 200);
    assert_eq!(fake.gist_revisions("g"), 4);
}

#[test]
fn faults_fire_as_configured() {
    let fake = fake_with_token();
    fake.add_repo("octo/hello");

    fake.inject(Fault::new("GET", "/repos/octo/hello", 2, FaultKind::Status(502)));
    let r = get(&fake, "/repos/octo/hello", Some(TOKEN));
    assert_eq!(r.status, 502);
    assert_eq!(r.json()["message"], "Server Error");
    assert_eq!(get(&fake, "/repos/octo/hello", Some(TOKEN)).status, 502);
    assert_eq!(get(&fake, "/repos/octo/hello", Some(TOKEN)).status, 200, "fault used up");

    // Method filter.
    fake.inject(Fault::new("PATCH", "/repos", 1, FaultKind::Status(500)));
    assert_eq!(get(&fake, "/repos/octo/hello", Some(TOKEN)).status, 200);

    fake.inject(Fault::new("*", "hello", 1, FaultKind::SecondaryLimit { retry_after: 7 }));
    let r = get(&fake, "/repos/octo/hello", Some(TOKEN));
    assert_eq!(r.status, 403);
    assert_eq!(r.header("retry-after"), Some("7"));
    assert_eq!(
        r.json(),
        json!({"message":"You have exceeded a secondary rate limit. Please wait a few minutes before you try again.","documentation_url":"https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits","status":"403"})
    );

    fake.inject(Fault::new("*", "hello", 1, FaultKind::SecondaryNoHeader));
    let r = get(&fake, "/repos/octo/hello", Some(TOKEN));
    assert_eq!(r.status, 403);
    assert!(r.header("retry-after").is_none());
    assert!(r.body.contains("secondary rate limit"));
    assert_ne!(r.header("x-ratelimit-remaining"), Some("0"));

    fake.inject(Fault::new("GET", "hello", 1, FaultKind::PrimaryExhausted { reset_in: 120 }));
    let r = get(&fake, "/repos/octo/hello", Some(TOKEN));
    assert_eq!(r.status, 403);
    assert!(r.json()["message"].as_str().is_some_and(|m| m.starts_with("API rate limit exceeded for user ID 1.")));
    assert_eq!(r.header("x-ratelimit-remaining"), Some("0"));
    let reset = (fake.now().as_second() + 120).to_string();
    assert_eq!(r.header("x-ratelimit-reset"), Some(reset.as_str()));
    assert!(r.header("retry-after").is_none());

    // DropConnection is a transport error, not a status.
    fake.inject(Fault::new("GET", "hello", 1, FaultKind::DropConnection));
    let a = agent(true);
    let url = format!("{}/repos/octo/hello", fake.url());
    let e = try_get(&a, &url, Some(TOKEN), &[]);
    assert!(e.is_err(), "dropped connection must be a transport error");
    assert_eq!(fake.requests().last().map(|r| r.status), Some(0));
    let drops = fake.requests().iter().filter(|r| r.status == 0).count();
    assert_eq!(drops, 1, "the client did not silently retry");
    // The same agent recovers on the next request.
    assert_eq!(try_get(&a, &url, Some(TOKEN), &[]).map(|r| r.status).ok(), Some(200));

    // A dropped PATCH, also after the agent has a pooled connection.
    fake.create_gist("g", vec![("a", "1")]);
    assert_eq!(try_get(&a, &format!("{}/gists/g", fake.url()), Some(TOKEN), &[]).map(|r| r.status).ok(), Some(200));
    fake.inject(Fault::new("PATCH", "/gists/g", 1, FaultKind::DropConnection));
    let r = try_patch(&a, &format!("{}/gists/g", fake.url()), TOKEN, "{\"files\":{\"a\":{\"content\":\"2\"}}}", &[]);
    assert!(r.is_err());
    assert_eq!(fake.gist_revisions("g"), 1, "a dropped PATCH writes nothing");
}

#[test]
fn serves_concurrent_clients() {
    let fake = fake_with_token();
    fake.add_repo("octo/hello");
    let url = format!("{}/repos/octo/hello", fake.url());
    std::thread::scope(|s| {
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let url = url.clone();
                s.spawn(move || {
                    let a = agent(true);
                    (0..10).filter(|_| try_get(&a, &url, Some(TOKEN), &[]).is_ok_and(|r| r.status == 200)).count()
                })
            })
            .collect();
        for h in handles {
            assert_eq!(h.join().expect("client thread"), 10);
        }
    });
    assert_eq!(fake.count("GET", "/repos/octo/hello"), 80);
    // Held-open idle connections do not block others.
    let idle: Vec<TcpStream> =
        (0..6).map(|_| TcpStream::connect(("127.0.0.1", fake.port())).expect("connect")).collect();
    assert_eq!(get(&fake, "/repos/octo/hello", Some(TOKEN)).status, 200);
    drop(idle);
}

#[test]
fn malformed_requests_get_400_and_server_survives() {
    let fake = fake_with_token();
    fake.add_repo("octo/hello");
    let mut s = TcpStream::connect(("127.0.0.1", fake.port())).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    s.write_all(b"this is not http\r\n\r\n").expect("write");
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    assert!(out.starts_with("HTTP/1.1 400"), "{out}");

    let mut s = TcpStream::connect(("127.0.0.1", fake.port())).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    s.write_all(b"GET /repos/%zz/hello HTTP/1.1\r\nHost: x\r\nUser-Agent: t\r\nAuthorization: Bearer ghp_full\r\nConnection: close\r\n\r\n")
        .expect("write");
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    assert!(out.starts_with("HTTP/1.1 400"), "{out}");

    // Chunked PATCH body is understood.
    fake.create_gist("g", vec![("a", "1")]);
    let body = "{\"files\":{\"a\":{\"content\":\"2\"}}}";
    let req = format!(
        "PATCH /gists/g HTTP/1.1\r\nHost: x\r\nUser-Agent: t\r\nAuthorization: Bearer ghp_full\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n{:x}\r\n{body}\r\n0\r\n\r\n",
        body.len()
    );
    let mut s = TcpStream::connect(("127.0.0.1", fake.port())).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10))).expect("timeout");
    s.write_all(req.as_bytes()).expect("write");
    let mut out = String::new();
    let _ = s.read_to_string(&mut out);
    assert!(out.starts_with("HTTP/1.1 200"), "{out}");
    assert_eq!(fake.gist_file("g", "a").as_deref(), Some("2"));

    assert_eq!(get(&fake, "/repos/octo/hello", Some(TOKEN)).status, 200);
    assert_eq!(get(&fake, "/no/such/route", Some(TOKEN)).status, 404);
}

#[test]
fn drop_stops_the_server() {
    let fake = fake_with_token();
    let port = fake.port();
    // Leave a keep-alive connection open: drop must not hang on it.
    let a = agent(true);
    assert_eq!(try_get(&a, &format!("{}/meta", fake.url()), Some(TOKEN), &[]).map(|r| r.status).ok(), Some(200));
    drop(fake);
    assert!(TcpStream::connect(("127.0.0.1", port)).is_err());
}

#[test]
fn post_creates_a_gist() {
    let fake = fake_with_token();
    let a = agent(true);
    let r = a
        .post(format!("{}/gists", fake.url()))
        .header("Authorization", format!("Bearer {TOKEN}"))
        .send(json!({"description":"d","public":true,"files":{"x.json":{"content":"{}"}}}).to_string())
        .map(into_resp)
        .expect("transport");
    assert_eq!(r.status, 201);
    let id = r.json()["id"].as_str().expect("id").to_owned();
    assert_eq!(fake.gist_file(&id, "x.json").as_deref(), Some("{}"));
    assert_eq!(fake.gist_description(&id).as_deref(), Some("d"));
}

#[test]
fn panicking_concurrent_write_answers_500_and_keeps_the_gist() {
    let fake = fake_with_token();
    fake.create_gist("g", vec![("a", "1")]);
    fake.inject_concurrent_write("g", Box::new(|_| panic!("deliberate panic in a test closure")));
    let r = patch(&fake, "/gists/g", TOKEN, &json!({"files":{"a":{"content":"2"}}}));
    assert_eq!(r.status, 500);
    assert_eq!(fake.gist_revisions("g"), 1);
    assert_eq!(get(&fake, "/gists/g", Some(TOKEN)).status, 200);
}

// ----- GitHub Actions runs and jobs, Pages builds -----

fn ts(s: &str) -> Timestamp {
    s.parse().expect("valid timestamp")
}

/// `(total_count, run ids in answer order)` of `/repos/octo/hello/actions/runs?{query}`.
fn runs_of(fake: &FakeGitHub, query: &str) -> (u64, Vec<u64>) {
    let r = get(fake, &format!("/repos/octo/hello/actions/runs?{query}"), Some(TOKEN));
    assert_eq!(r.status, 200, "{query}: {}", r.body);
    let v = r.json();
    let ids = v["workflow_runs"].as_array().expect("workflow_runs").iter().filter_map(|r| r["id"].as_u64()).collect();
    (v["total_count"].as_u64().expect("total_count"), ids)
}

fn run_ids(fake: &FakeGitHub, query: &str) -> Vec<u64> {
    let (total, ids) = runs_of(fake, query);
    assert_eq!(total, ids.len() as u64, "{query}: total_count of a single page");
    ids
}

/// The run object of `add_simple_run` at 2026-10-30T10:00Z, the repository's first run.
fn assert_simple_run_json(fake: &FakeGitHub, run: &Value, r1: u64) {
    let base = fake.url();
    let repo_id = fake.repo_id("octo/hello");
    assert_eq!(run["id"], r1);
    assert_eq!(run["name"], "CI");
    assert_eq!(run["head_branch"], "main");
    assert_eq!(run["path"], ".github/workflows/ci.yml");
    assert_eq!(run["run_number"], 1);
    assert_eq!(run["event"], "push");
    assert_eq!(run["status"], "completed");
    assert_eq!(run["conclusion"], "success");
    assert_eq!(run["created_at"], "2026-10-30T10:00:00Z");
    assert_eq!(run["updated_at"], "2026-10-30T10:01:00Z");
    assert_eq!(run["run_started_at"], "2026-10-30T10:00:00Z");
    assert_eq!(run["run_attempt"], 1);
    assert_eq!(run["jobs_url"], format!("{base}/repos/octo/hello/actions/runs/{r1}/jobs"));
    assert_eq!(run["html_url"], format!("https://github.com/octo/hello/actions/runs/{r1}"));
    assert_eq!(run["repository"]["id"], repo_id);
    assert_eq!(run["repository"]["full_name"], "octo/hello");
    assert!(run["previous_attempt_url"].is_null());
    for key in ["node_id", "head_sha", "display_title", "workflow_id", "url"] {
        assert!(!run[key].is_null(), "run has {key}");
    }
    assert_eq!(run["head_sha"].as_str().map(str::len), Some(40));
}

#[test]
fn workflow_runs_created_filter_forms() {
    let fake = fake_with_token();
    fake.add_repo("octo/hello");
    let r1 = fake.add_simple_run("octo/hello", ts("2026-10-30T10:00:00Z"), &["Run actions/checkout@v4"]);
    let r2 = fake.add_simple_run("octo/hello", ts("2026-10-31T00:00:00Z"), &["Run actions/checkout@v4"]);
    let r3 = fake.add_simple_run("octo/hello", ts("2026-10-31T23:59:59Z"), &["Run actions/checkout@v4"]);
    let r4 = fake.add_simple_run("octo/hello", ts("2026-11-01T00:00:00Z"), &["Run actions/checkout@v4"]);
    let r5 = fake.add_simple_run("octo/hello", ts("2026-11-01T11:00:00Z"), &["Run actions/checkout@v4"]);

    // Newest first.
    assert_eq!(run_ids(&fake, ""), [r5, r4, r3, r2, r1]);

    // One UTC day, inclusive ranges of days, open ends.
    assert_eq!(run_ids(&fake, "created=2026-10-31"), [r3, r2]);
    assert_eq!(run_ids(&fake, "created=2026-10-31..2026-11-01&per_page=100"), [r5, r4, r3, r2]);
    assert_eq!(run_ids(&fake, "created=2026-11-01..*"), [r5, r4]);
    assert_eq!(run_ids(&fake, "created=*..2026-10-30"), [r1]);
    assert_eq!(run_ids(&fake, "created=*..*"), [r5, r4, r3, r2, r1]);
    assert_eq!(run_ids(&fake, "created=2026-10-31..2026-10-30"), Vec::<u64>::new());

    // Comparisons, URL-encoded as clients send them.
    assert_eq!(run_ids(&fake, "created=%3E%3D2026-10-31"), [r5, r4, r3, r2]);
    assert_eq!(run_ids(&fake, "created=%3E2026-10-31"), [r5, r4]);
    assert_eq!(run_ids(&fake, "created=%3C%3D2026-10-31"), [r3, r2, r1]);
    assert_eq!(run_ids(&fake, "created=%3C2026-10-31"), [r1]);
    assert_eq!(run_ids(&fake, "created=%3e%3d2026-10-31"), [r5, r4, r3, r2], "lower-case escapes");

    // Full timestamps: ranges are inclusive at both ends, comparisons strict or not.
    assert_eq!(run_ids(&fake, "created=2026-10-31T00:00:00Z..2026-10-31T23:59:59Z"), [r3, r2]);
    assert_eq!(run_ids(&fake, "created=2026-10-31T00%3A00%3A01Z..2026-11-01T00%3A00%3A00Z"), [r4, r3]);
    assert_eq!(run_ids(&fake, "created=2026-10-31T12:00:00Z..*"), [r5, r4, r3]);
    assert_eq!(run_ids(&fake, "created=%3E2026-10-31T23%3A59%3A59Z"), [r5, r4]);
    assert_eq!(run_ids(&fake, "created=%3E%3D2026-10-31T23%3A59%3A59Z"), [r5, r4, r3]);
    assert_eq!(run_ids(&fake, "created=%3C2026-11-01T00:00:00Z"), [r3, r2, r1]);
    assert_eq!(run_ids(&fake, "created=2026-11-01T00:00:00Z"), [r4], "a single instant");
    // An offset (`+` must be encoded: a bare `+` is a space).
    assert_eq!(run_ids(&fake, "created=%3E%3D2026-11-01T00:00:00%2B01:00"), [r5, r4, r3]);
    assert_eq!(run_ids(&fake, "created=2026-10-31..2026-10-31T00:00:00Z"), [r2], "day and instant mixed");

    // Invalid qualifiers.
    for bad in [
        "yesterday",
        "2026-13-01",
        "2026-10-31..",
        "..2026-10-31",
        "2026-10-31T10:00:00",
        "2026-10-31T10:00:00+01:00",
        "%3E%3E2026-10-31",
        "20261031",
        "2026-10-31%2010:00:00Z",
    ] {
        let r = get(&fake, &format!("/repos/octo/hello/actions/runs?created={bad}"), Some(TOKEN));
        assert_eq!(r.status, 422, "{bad}");
        assert_eq!(r.json()["message"], "Validation Failed", "{bad}");
        assert_eq!(r.json()["errors"][0]["field"], "created", "{bad}");
    }

    // Other filters and ignored parameters.
    assert_eq!(run_ids(&fake, "created=2026-10-31&status=completed&exclude_pull_requests=true"), [r3, r2]);
    assert_eq!(run_ids(&fake, "status=in_progress"), Vec::<u64>::new());
    assert_eq!(run_ids(&fake, "status=success&event=push&branch=main"), [r5, r4, r3, r2, r1]);
    assert_eq!(run_ids(&fake, "event=schedule"), Vec::<u64>::new());
    assert_eq!(get(&fake, "/repos/octo/hello/actions/runs?status=done", Some(TOKEN)).status, 422);

    // The run object.
    let v = get(&fake, "/repos/octo/hello/actions/runs?created=2026-10-30", Some(TOKEN)).json();
    let run = &v["workflow_runs"][0];
    assert_simple_run_json(&fake, run, r1);
    assert_eq!(v["workflow_runs"].as_array().map(Vec::len), Some(1));

    // One run, the same object.
    let one = get(&fake, &format!("/repos/octo/hello/actions/runs/{r1}"), Some(TOKEN));
    assert_eq!(one.status, 200);
    assert_eq!(&one.json(), run);

    // Auth like everything else, unknown repository, requests recorded.
    assert_eq!(get(&fake, "/repos/octo/hello/actions/runs", None).status, 401);
    assert_eq!(get(&fake, "/repos/octo/nope/actions/runs", Some(TOKEN)).status, 404);
    assert!(fake.count("GET", "/actions/runs?created=") >= 20);
}

#[test]
fn workflow_runs_newest_first_with_ties_by_id() {
    let fake = fake_with_token();
    fake.add_repo("octo/hello");
    let t = ts("2026-10-31T08:00:00Z");
    let a = fake.add_simple_run("octo/hello", t, &["x"]);
    let b = fake.add_simple_run("octo/hello", ts("2026-10-31T09:00:00Z"), &["x"]);
    let c = fake.add_simple_run("octo/hello", t, &["x"]);
    // Added out of order: older than all the others.
    let d = fake.add_simple_run("octo/hello", ts("2026-10-01T00:00:00Z"), &["x"]);
    assert_eq!(run_ids(&fake, ""), [b, c, a, d]);
    let v = get(&fake, "/repos/octo/hello/actions/runs", Some(TOKEN)).json();
    let numbers: Vec<u64> =
        v["workflow_runs"].as_array().into_iter().flatten().filter_map(|r| r["run_number"].as_u64()).collect();
    assert_eq!(numbers, [2, 3, 1, 4], "run numbers count in the order runs were added");
}

#[test]
fn workflow_runs_paginate_over_three_pages() {
    let fake = fake_with_token();
    fake.add_repo("octo/hello");
    let start = ts("2026-09-01T00:00:00Z");
    let mut added = Vec::new();
    for i in 0..250 {
        added.push(fake.add_simple_run("octo/hello", start + SignedDuration::from_mins(i * 10), &["checkout"]));
    }
    added.reverse();
    let base = fake.url();
    let repo_id = fake.repo_id("octo/hello");

    let q = "created=2026-09-01..2026-09-30&per_page=100";
    let r = get(&fake, &format!("/repos/octo/hello/actions/runs?{q}"), Some(TOKEN));
    assert_eq!(r.status, 200);
    assert_eq!(
        r.header("link"),
        Some(
            format!(
                "<{base}/repositories/{repo_id}/actions/runs?created=2026-09-01..2026-09-30&per_page=100&page=2>; rel=\"next\", \
                 <{base}/repositories/{repo_id}/actions/runs?created=2026-09-01..2026-09-30&per_page=100&page=3>; rel=\"last\""
            )
            .as_str()
        )
    );
    let mut seen: Vec<u64> = Vec::new();
    let mut pages = 0;
    let mut next = Some(format!("{base}/repos/octo/hello/actions/runs?{q}"));
    while let Some(url) = next {
        let r = try_get(&agent(true), &url, Some(TOKEN), &[]).expect("transport ok");
        assert_eq!(r.status, 200, "{url}");
        let v = r.json();
        assert_eq!(v["total_count"], 250);
        seen.extend(v["workflow_runs"].as_array().into_iter().flatten().filter_map(|r| r["id"].as_u64()));
        pages += 1;
        next = r.header("link").and_then(|l| links(l).get("next").cloned());
    }
    assert_eq!(pages, 3);
    assert_eq!(seen, added, "every run once, newest first");

    // Default 30 per page, at most 100.
    let (total, ids) = runs_of(&fake, "");
    assert_eq!((total, ids.len()), (250, 30));
    assert_eq!(runs_of(&fake, "per_page=1000").1.len(), 100);
    // Encoded comparison operators survive into the Link header.
    let r = get(&fake, "/repos/octo/hello/actions/runs?created=%3E%3D2026-09-01&per_page=100", Some(TOKEN));
    let l = links(r.header("link").unwrap_or_default());
    assert_eq!(
        l.get("next").map(String::as_str),
        Some(
            format!("{base}/repositories/{repo_id}/actions/runs?created=%3E%3D2026-09-01&per_page=100&page=2").as_str()
        )
    );
}

#[test]
fn filtered_run_search_stops_after_1000_results() {
    let fake = fake_with_token();
    fake.add_repo("octo/hello");
    let day = ts("2026-10-20T00:00:00Z");
    for i in 0..1200 {
        fake.add_simple_run("octo/hello", day + SignedDuration::from_secs(i * 60), &["checkout"]);
    }
    let base = fake.url();
    let repo_id = fake.repo_id("octo/hello");

    let r = get(&fake, "/repos/octo/hello/actions/runs?created=2026-10-20&per_page=100", Some(TOKEN));
    let v = r.json();
    assert_eq!(v["total_count"], 1200, "total_count is the real number");
    assert_eq!(v["workflow_runs"].as_array().map(Vec::len), Some(100));
    let l = links(r.header("link").unwrap_or_default());
    assert_eq!(
        l.get("last").map(String::as_str),
        Some(format!("{base}/repositories/{repo_id}/actions/runs?created=2026-10-20&per_page=100&page=10").as_str())
    );

    let (total, ids) = runs_of(&fake, "created=2026-10-20&per_page=100&page=10");
    assert_eq!((total, ids.len()), (1200, 100));
    let (total, ids) = runs_of(&fake, "created=2026-10-20&per_page=100&page=11");
    assert_eq!((total, ids.len()), (1200, 0), "no results past the first 1,000");
    let (total, ids) = runs_of(&fake, "created=2026-10-20&per_page=30&page=34");
    assert_eq!((total, ids.len()), (1200, 10), "the page holding the 1,000th result is cut there");

    // Any filter caps the search; split by time and each part is complete.
    assert_eq!(runs_of(&fake, "status=completed&per_page=100&page=11"), (1200, vec![]));
    let (total, _) = runs_of(&fake, "created=2026-10-20T00:00:00Z..2026-10-20T09:59:59Z&per_page=100&page=6");
    assert_eq!(total, 600);
    assert_eq!(runs_of(&fake, "created=2026-10-20T00:00:00Z..2026-10-20T09:59:59Z&per_page=100&page=6").1.len(), 100);

    // Unfiltered listing is not capped.
    let (total, ids) = runs_of(&fake, "per_page=100&page=12");
    assert_eq!((total, ids.len()), (1200, 100));
}

/// A run created at `t0` and re-run: attempt 1 (`collect` with an unstarted step, and
/// `lint`), attempt 2 (`collect`) listed first on purpose, completed at `t0` + 15 minutes.
fn rerun_two_attempts(t0: Timestamp) -> FakeRun {
    let at = |secs: i64| Some(t0 + SignedDuration::from_secs(secs));
    FakeRun {
        name: "Traffic".into(),
        event: "schedule".into(),
        created_at: t0,
        completed_at: at(900),
        jobs: vec![
            // Listed out of order on purpose: attempt 2 first.
            FakeJob {
                name: "collect".into(),
                started_at: at(600),
                steps: vec![FakeStep::new("Set up job", at(600)), FakeStep::new("Run actions/checkout@v4", at(610))],
                run_attempt: 2,
            },
            FakeJob::new(
                "collect",
                at(5),
                vec![
                    FakeStep::new("Set up job", at(5)),
                    FakeStep::new("Run actions/checkout@v4", at(10)),
                    FakeStep::new("Run gtt", None),
                ],
            ),
            FakeJob::new("lint", at(6), vec![FakeStep::new("Run actions/checkout@v4", at(8))]),
        ],
    }
}

#[test]
fn jobs_filter_latest_and_all_attempts() {
    let fake = fake_with_token();
    fake.add_repo("octo/hello");
    fake.add_repo("octo/other");
    let id = fake.add_workflow_run("octo/hello", rerun_two_attempts(ts("2026-10-31T10:00:00Z")));
    let base = fake.url();

    let v = get(&fake, &format!("/repos/octo/hello/actions/runs/{id}"), Some(TOKEN)).json();
    assert_eq!(v["run_attempt"], 2);
    assert_eq!(v["run_started_at"], "2026-10-31T10:10:00Z");
    assert_eq!(v["created_at"], "2026-10-31T10:00:00Z");
    assert_eq!(v["previous_attempt_url"], format!("{base}/repos/octo/hello/actions/runs/{id}/attempts/1"));

    let jobs_of = |q: &str| {
        let r = get(&fake, &format!("/repos/octo/hello/actions/runs/{id}/jobs{q}"), Some(TOKEN));
        assert_eq!(r.status, 200, "{q}");
        r.json()
    };
    let latest = jobs_of("");
    assert_eq!(latest, jobs_of("?filter=latest"));
    assert_eq!(latest["total_count"], 1);
    let job = &latest["jobs"][0];
    assert_eq!(job["run_attempt"], 2);
    assert_eq!(job["name"], "collect");
    assert_eq!(job["run_id"], id);
    assert_eq!(job["status"], "completed");
    assert_eq!(job["conclusion"], "success");
    assert_eq!(job["started_at"], "2026-10-31T10:10:00Z");
    assert_eq!(job["completed_at"], "2026-10-31T10:15:00Z");
    assert_eq!(job["labels"], json!(["ubuntu-latest"]));
    assert_eq!(job["workflow_name"], "Traffic");
    assert_eq!(job["head_branch"], "main");
    assert_eq!(job["head_sha"], v["head_sha"]);
    assert_eq!(job["run_url"], format!("{base}/repos/octo/hello/actions/runs/{id}"));
    for key in ["id", "node_id", "url", "html_url", "created_at", "runner_name"] {
        assert!(!job[key].is_null(), "job has {key}");
    }
    assert_eq!(
        job["steps"],
        json!([
            {"name":"Set up job","status":"completed","conclusion":"success","number":1,
             "started_at":"2026-10-31T10:10:00Z","completed_at":"2026-10-31T10:10:10Z"},
            {"name":"Run actions/checkout@v4","status":"completed","conclusion":"success","number":2,
             "started_at":"2026-10-31T10:10:10Z","completed_at":"2026-10-31T10:15:00Z"},
        ])
    );

    let all = jobs_of("?filter=all");
    assert_eq!(all["total_count"], 3);
    let summary: Vec<(u64, String)> = all["jobs"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|j| (j["run_attempt"].as_u64().unwrap_or(0), j["name"].as_str().unwrap_or("").to_owned()))
        .collect();
    assert_eq!(summary, [(1, "collect".to_owned()), (1, "lint".to_owned()), (2, "collect".to_owned())]);
    let ids: Vec<u64> = all["jobs"].as_array().into_iter().flatten().filter_map(|j| j["id"].as_u64()).collect();
    assert!(ids.windows(2).all(|w| w[0] < w[1]), "job ids increase: {ids:?}");
    // The first attempt ended when the second started; its unstarted step was skipped.
    let first = &all["jobs"][0];
    assert_eq!(first["completed_at"], "2026-10-31T10:10:00Z");
    assert_eq!(first["steps"][1]["completed_at"], "2026-10-31T10:10:00Z");
    assert_eq!(first["steps"][2]["conclusion"], "skipped");
    assert!(first["steps"][2]["started_at"].is_null());

    // Jobs of one attempt.
    let r = get(&fake, &format!("/repos/octo/hello/actions/runs/{id}/attempts/1/jobs"), Some(TOKEN));
    assert_eq!(r.json()["total_count"], 2);
    assert_eq!(get(&fake, &format!("/repos/octo/hello/actions/runs/{id}/attempts/3/jobs"), Some(TOKEN)).status, 404);

    // Errors.
    assert_eq!(get(&fake, &format!("/repos/octo/hello/actions/runs/{id}/jobs?filter=first"), Some(TOKEN)).status, 422);
    let r = get(&fake, "/repos/octo/hello/actions/runs/12345/jobs", Some(TOKEN));
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["message"], "Not Found");
    assert_eq!(get(&fake, &format!("/repos/octo/other/actions/runs/{id}/jobs"), Some(TOKEN)).status, 404);
    assert_eq!(get(&fake, &format!("/repos/octo/hello/actions/runs/{id}/jobs"), None).status, 401);
    assert_eq!(fake.count("GET", &format!("/actions/runs/{id}/jobs")), 6);
}

#[test]
fn jobs_paginate() {
    let fake = fake_with_token();
    fake.add_repo("octo/hello");
    let t = ts("2026-10-31T10:00:00Z");
    let jobs = (0..45)
        .map(|i| FakeJob::new(&format!("matrix-{i}"), Some(t), vec![FakeStep::new("checkout", Some(t))]))
        .collect();
    let id = fake.add_workflow_run(
        "octo/hello",
        FakeRun { name: "CI".into(), event: "push".into(), created_at: t, completed_at: Some(t), jobs },
    );
    let base = fake.url();
    let repo_id = fake.repo_id("octo/hello");

    let r = get(&fake, &format!("/repos/octo/hello/actions/runs/{id}/jobs"), Some(TOKEN));
    assert_eq!(r.json()["total_count"], 45);
    assert_eq!(r.json()["jobs"].as_array().map(Vec::len), Some(30));

    let mut names = Vec::new();
    let mut next = Some(format!("{base}/repos/octo/hello/actions/runs/{id}/jobs?per_page=20"));
    let mut pages = 0;
    while let Some(url) = next {
        let r = try_get(&agent(true), &url, Some(TOKEN), &[]).expect("transport ok");
        assert_eq!(r.status, 200);
        let v = r.json();
        assert_eq!(v["total_count"], 45);
        names.extend(v["jobs"].as_array().into_iter().flatten().filter_map(|j| j["name"].as_str().map(str::to_owned)));
        let l = r.header("link").map(links).unwrap_or_default();
        if pages == 0 {
            assert_eq!(
                l.get("last").map(String::as_str),
                Some(format!("{base}/repositories/{repo_id}/actions/runs/{id}/jobs?per_page=20&page=3").as_str())
            );
        }
        pages += 1;
        next = l.get("next").cloned();
    }
    assert_eq!(pages, 3);
    assert_eq!(names, (0..45).map(|i| format!("matrix-{i}")).collect::<Vec<_>>());
}

#[test]
fn pages_builds_404_until_enabled() {
    let fake = fake_with_token();
    fake.add_repo("octo/hello");
    fake.add_repo("octo/site");
    let r = get(&fake, "/repos/octo/hello/pages/builds", Some(TOKEN));
    assert_eq!(r.status, 404);
    assert_eq!(r.json()["message"], "Not Found");

    // Enabled without builds: an empty list.
    fake.set_pages_enabled("octo/hello", true);
    let r = get(&fake, "/repos/octo/hello/pages/builds", Some(TOKEN));
    assert_eq!((r.status, r.json()), (200, json!([])));

    // A build enables Pages.
    let t = ts("2026-10-01T00:00:00Z");
    for i in 0..35 {
        fake.add_pages_build("octo/site", t + SignedDuration::from_hours(i));
    }
    let r = get(&fake, "/repos/octo/site/pages/builds", Some(TOKEN));
    assert_eq!(r.status, 200);
    let v = r.json();
    let list = v.as_array().expect("array");
    assert_eq!(list.len(), 30);
    let b = &list[0];
    assert_eq!(b["created_at"], "2026-10-02T10:00:00Z", "newest first");
    assert_eq!(list[1]["created_at"], "2026-10-02T09:00:00Z");
    assert_eq!(b["status"], "built");
    assert_eq!(b["error"], json!({"message": null}));
    assert_eq!(b["pusher"]["login"], "octo");
    assert_eq!(b["commit"].as_str().map(str::len), Some(40));
    assert!(b["duration"].as_u64().is_some_and(|d| d > 0));
    assert!(b["updated_at"].as_str() > b["created_at"].as_str());
    assert!(b["url"].as_str().is_some_and(|u| u.starts_with(&format!("{}/repos/octo/site/pages/builds/", fake.url()))));
    let l = links(r.header("link").unwrap_or_default());
    let next = l.get("next").cloned().expect("rel=next");
    assert!(next.ends_with("/pages/builds?page=2"), "{next}");
    let r = try_get(&agent(true), &next, Some(TOKEN), &[]).expect("transport ok");
    assert_eq!(r.json().as_array().map(Vec::len), Some(5));
    assert_eq!(r.json()[4]["created_at"], "2026-10-01T00:00:00Z");

    let latest = get(&fake, "/repos/octo/site/pages/builds/latest", Some(TOKEN));
    assert_eq!(latest.json(), list[0]);

    // Switched off again: 404, builds kept for later.
    fake.set_pages_enabled("octo/site", false);
    assert_eq!(get(&fake, "/repos/octo/site/pages/builds", Some(TOKEN)).status, 404);
    fake.set_pages_enabled("octo/site", true);
    assert_eq!(
        get(&fake, "/repos/octo/site/pages/builds?per_page=100", Some(TOKEN)).json().as_array().map(Vec::len),
        Some(35)
    );
    assert_eq!(get(&fake, "/repos/octo/site/pages/builds", None).status, 401);
    assert_eq!(fake.count("GET", "/pages/builds"), 8);
}

#[test]
fn in_progress_run_completes() {
    let fake = fake_with_token();
    fake.add_repo("octo/hello");
    let t0 = ts("2026-11-01T11:00:00Z");
    let at = |secs: i64| Some(t0 + SignedDuration::from_secs(secs));
    let id = fake.add_workflow_run(
        "octo/hello",
        FakeRun {
            name: "Traffic".into(),
            event: "workflow_dispatch".into(),
            created_at: t0,
            completed_at: None,
            jobs: vec![
                FakeJob::new(
                    "collect",
                    at(3),
                    vec![
                        FakeStep::new("Set up job", at(3)),
                        FakeStep::new("Run actions/checkout@v4", at(5)),
                        FakeStep::new("Run gtt", None),
                    ],
                ),
                FakeJob::new("report", None, vec![FakeStep::new("Run actions/checkout@v4", None)]),
            ],
        },
    );
    let run = || get(&fake, &format!("/repos/octo/hello/actions/runs/{id}"), Some(TOKEN)).json();
    let jobs = || get(&fake, &format!("/repos/octo/hello/actions/runs/{id}/jobs"), Some(TOKEN)).json();

    let v = run();
    assert_eq!(v["status"], "in_progress");
    assert!(v["conclusion"].is_null());
    assert_eq!(v["updated_at"], "2026-11-01T11:00:05Z");
    assert_eq!(run_ids(&fake, "status=in_progress"), [id]);
    assert_eq!(run_ids(&fake, "status=completed"), Vec::<u64>::new());
    let j = jobs();
    let collect = &j["jobs"][0];
    assert_eq!(collect["status"], "in_progress");
    assert!(collect["conclusion"].is_null() && collect["completed_at"].is_null());
    let statuses: Vec<&str> =
        collect["steps"].as_array().into_iter().flatten().filter_map(|s| s["status"].as_str()).collect();
    assert_eq!(statuses, ["completed", "in_progress", "queued"]);
    assert_eq!(collect["steps"][0]["completed_at"], "2026-11-01T11:00:05Z");
    assert!(collect["steps"][1]["completed_at"].is_null());
    let report = &j["jobs"][1];
    assert_eq!(report["status"], "queued");
    assert_eq!(report["started_at"], "2026-11-01T11:00:00Z");
    assert!(report["runner_name"].is_null());

    fake.complete_workflow_run(id, ts("2026-11-01T11:04:00Z"));
    let v = run();
    assert_eq!(v["status"], "completed");
    assert_eq!(v["conclusion"], "success");
    assert_eq!(v["updated_at"], "2026-11-01T11:04:00Z");
    assert_eq!(run_ids(&fake, "status=completed"), [id]);
    let j = jobs();
    let collect = &j["jobs"][0];
    assert_eq!((collect["status"].as_str(), collect["conclusion"].as_str()), (Some("completed"), Some("success")));
    assert_eq!(collect["completed_at"], "2026-11-01T11:04:00Z");
    assert_eq!(collect["steps"][1]["completed_at"], "2026-11-01T11:04:00Z");
    assert_eq!(collect["steps"][2]["status"], "completed");
    assert_eq!(collect["steps"][2]["conclusion"], "skipped");
    assert_eq!(j["jobs"][1]["status"], "completed");
}

#[test]
fn contents_serve_files_per_commit_with_the_blob_as_etag() {
    use base64::Engine;
    let fake = fake_with_token();
    fake.add_repo("octo/hello");
    let text = "name: CI\njobs:\n  build:\n    steps:\n      - uses: actions/checkout@v4\n".repeat(3);
    fake.put_file("octo/hello", ".github/workflows/ci.yml", "aaa", Some(&text));
    fake.put_file("octo/hello", ".github/workflows/ci.yml", "bbb", Some(&text));
    let path = "/repos/octo/hello/contents/.github/workflows/ci.yml";
    let r = get(&fake, &format!("{path}?ref=aaa"), Some(TOKEN));
    assert_eq!(r.status, 200);
    let v = r.json();
    assert_eq!((v["type"].as_str(), v["encoding"].as_str()), (Some("file"), Some("base64")));
    let content: String = v["content"].as_str().unwrap().chars().filter(|c| !c.is_whitespace()).collect();
    assert!(v["content"].as_str().unwrap().contains('\n'), "wrapped as GitHub wraps it");
    assert_eq!(base64::engine::general_purpose::STANDARD.decode(content).unwrap(), text.as_bytes());
    let etag = r.header("etag").unwrap().to_owned();
    assert!(etag.contains(v["sha"].as_str().unwrap()), "the ETag names the blob");
    // The same file at another commit: 304 on the first copy's ETag, no quota.
    let r = get_with(&fake, &format!("{path}?ref=bbb"), TOKEN, &[("If-None-Match", &etag)]);
    assert_eq!(r.status, 304);
    assert_eq!(r.header("x-ratelimit-remaining"), Some("4999"));
    fake.put_file("octo/hello", ".github/workflows/ci.yml", "ccc", Some("jobs: {}\n"));
    let r = get_with(&fake, &format!("{path}?ref=ccc"), TOKEN, &[("If-None-Match", &etag)]);
    assert_eq!(r.status, 200, "a changed file is answered");
    assert_eq!(get(&fake, &format!("{path}?ref=ddd"), Some(TOKEN)).status, 404);
    fake.set_contents_forbidden("octo/hello", true);
    assert_eq!(get(&fake, &format!("{path}?ref=aaa"), Some(TOKEN)).status, 403);
}

#[test]
fn held_requests_wait_for_company_and_one_at_a_time_never_gets_there() {
    let fake = fake_with_token();
    fake.add_repo("octo/hello");
    // Three asked together: all three were held at once, and every one is answered.
    fake.hold_until_together("/repos/octo/hello", 3, std::time::Duration::from_secs(30));
    let statuses: Vec<u16> = std::thread::scope(|s| {
        let asks: Vec<_> = (0..3).map(|_| s.spawn(|| get(&fake, "/repos/octo/hello", Some(TOKEN)).status)).collect();
        asks.into_iter().map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(statuses, [200, 200, 200]);
    assert_eq!(fake.held_together(), 3);
    // One after another: the first waits out the patience, then the hold is open.
    fake.hold_until_together("/repos/octo/hello", 2, std::time::Duration::from_millis(50));
    for _ in 0..2 {
        assert_eq!(get(&fake, "/repos/octo/hello", Some(TOKEN)).status, 200);
    }
    assert_eq!(fake.held_together(), 1);
    // Other paths are never held.
    assert_eq!(get(&fake, "/rate_limit", Some(TOKEN)).status, 200);
}
