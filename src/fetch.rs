//! What one collection asks GitHub about one repository, turned into an
//! [`Observation`]. The six requests are independent and run on scoped threads.

use std::fmt;

use jiff::Timestamp;
use jiff::civil::Date;
use serde::Deserialize;

use crate::github::{self, Client};
use crate::history::{Observation, ObservedAsset, PopularPath, Referrer};

/// Release pages of 100: 10,000 releases before gtt refuses to go on.
const MAX_RELEASE_PAGES: usize = 100;

/// Why a repository could not be collected, phrased as what the user should do.
#[derive(Debug)]
pub struct Error {
    pub repo: String,
    pub message: String,
    /// Every repository will fail the same way (bad token, rate limit): no point going on.
    pub fatal: bool,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.repo, self.message)
    }
}

impl std::error::Error for Error {}

#[derive(Deserialize)]
struct RepoJson {
    stargazers_count: u64,
    forks_count: u64,
    #[serde(default)]
    subscribers_count: u64,
    open_issues_count: u64,
    #[serde(default)]
    created_at: Option<Timestamp>,
}

#[derive(Deserialize)]
struct Bucket {
    timestamp: Timestamp,
    count: u64,
    uniques: u64,
}

#[derive(Deserialize)]
struct ViewsJson {
    #[serde(default)]
    views: Vec<Bucket>,
}

#[derive(Deserialize)]
struct ClonesJson {
    #[serde(default)]
    clones: Vec<Bucket>,
}

#[derive(Deserialize)]
struct ReferrerJson {
    referrer: String,
    count: u64,
    uniques: u64,
}

#[derive(Deserialize)]
struct PathJson {
    path: String,
    #[serde(default)]
    title: String,
    count: u64,
    uniques: u64,
}

#[derive(Deserialize)]
struct ReleaseJson {
    tag_name: String,
    #[serde(default)]
    assets: Vec<AssetJson>,
}

#[derive(Deserialize)]
struct AssetJson {
    id: u64,
    name: String,
    download_count: u64,
}

fn day(t: Timestamp) -> Date {
    t.to_zoned(jiff::tz::TimeZone::UTC).date()
}

fn buckets(b: Vec<Bucket>) -> Vec<(Date, u64, u64)> {
    b.into_iter().map(|b| (day(b.timestamp), b.count, b.uniques)).collect()
}

/// Fetches everything gtt keeps about `repo`.
pub fn repository(client: &Client, repo: &str) -> Result<Observation, Error> {
    let base = format!("/repos/{repo}");
    let (info, views, clones, referrers, paths, releases) = std::thread::scope(|s| {
        let info = s.spawn(|| client.get_json::<RepoJson>(&base));
        let views = s.spawn(|| client.get_json::<ViewsJson>(&format!("{base}/traffic/views?per=day")));
        let clones = s.spawn(|| client.get_json::<ClonesJson>(&format!("{base}/traffic/clones?per=day")));
        let referrers = s.spawn(|| client.get_json::<Vec<ReferrerJson>>(&format!("{base}/traffic/popular/referrers")));
        let paths = s.spawn(|| client.get_json::<Vec<PathJson>>(&format!("{base}/traffic/popular/paths")));
        let releases = client.get_pages::<ReleaseJson>(&format!("{base}/releases?per_page=100"), MAX_RELEASE_PAGES);
        (join(info), join(views), join(clones), join(referrers), join(paths), releases)
    });
    let info = info.map_err(|e| explain(client, repo, e, false))?;
    let views = views.map_err(|e| explain(client, repo, e, true))?;
    let clones = clones.map_err(|e| explain(client, repo, e, true))?;
    let referrers = referrers.map_err(|e| explain(client, repo, e, true))?;
    let paths = paths.map_err(|e| explain(client, repo, e, true))?;
    let releases = releases.map_err(|e| explain(client, repo, e, false))?;

    Ok(Observation {
        views: buckets(views.views),
        clones: buckets(clones.clones),
        stats: Some((info.stargazers_count, info.forks_count, info.subscribers_count, info.open_issues_count)),
        created_at: info.created_at,
        assets: releases
            .into_iter()
            .flat_map(|r| {
                let tag = r.tag_name;
                r.assets.into_iter().map(move |a| ObservedAsset {
                    id: a.id,
                    release: tag.clone(),
                    name: a.name,
                    downloads: a.download_count,
                })
            })
            .collect(),
        referrers: referrers
            .into_iter()
            .map(|r| Referrer { referrer: r.referrer, count: r.count, uniques: r.uniques })
            .collect(),
        paths: paths
            .into_iter()
            .map(|p| PopularPath { path: p.path, title: p.title, count: p.count, uniques: p.uniques })
            .collect(),
    })
}

fn join<T>(h: std::thread::ScopedJoinHandle<'_, Result<T, github::Error>>) -> Result<T, github::Error> {
    h.join().unwrap_or_else(|_| {
        Err(github::Error::Transport { path: String::new(), detail: "request thread failed".to_string() })
    })
}

/// Turns GitHub's answer into the fix the user needs.
fn explain(client: &Client, repo: &str, e: github::Error, traffic: bool) -> Error {
    let msg = e.message().to_ascii_lowercase();
    let (message, fatal) = match (e.status(), &e) {
        (Some(401), _) => (
            "the token was refused (401 Bad credentials): check that input `token` (or GITHUB_TOKEN) holds a current, unexpired token".to_string(),
            true,
        ),
        (Some(403), _) if msg.contains("not accessible by integration") => (
            "the workflow's GITHUB_TOKEN cannot read traffic (403 Resource not accessible by integration): pass a fine-grained token with repository permission Administration: read (or a classic token with repo scope) as input `token`".to_string(),
            true,
        ),
        (Some(403), _) if msg.contains("must have push access") => (
            "the token has no push access (403 Must have push access): traffic needs a token of an account with write access to the repository".to_string(),
            false,
        ),
        (Some(403), _) if msg.contains("personal access token") => (
            "the fine-grained token lacks repository permission Administration: read (403 Resource not accessible by personal access token): add it to the token and include this repository".to_string(),
            false,
        ),
        (Some(404), _) if traffic && is_enterprise_server(client) => (
            "this is GitHub Enterprise Server, which has no traffic API; gtt needs github.com or GHE.com (input `api-url`)".to_string(),
            true,
        ),
        (Some(404), _) if traffic => {
            ("GitHub has no traffic for this repository (404): the token needs push access to it".to_string(), false)
        }
        (Some(404), _) => (
            format!("repository {repo} not found (404): check the name in input `repos`, and that the token can see it if it is private"),
            false,
        ),
        (_, github::Error::RateLimited { .. }) => (e.to_string(), true),
        _ => (e.to_string(), false),
    };
    Error { repo: repo.to_string(), message, fatal }
}

/// Enterprise Server reports `installed_version` in `/meta`; github.com does not.
fn is_enterprise_server(client: &Client) -> bool {
    #[derive(Deserialize)]
    struct Meta {
        installed_version: Option<String>,
    }
    client.get_json::<Meta>("/meta").is_ok_and(|m| m.installed_version.is_some())
}
