//! Request economy and GitHub's limits: conditional requests with stored ETags, a
//! concurrent-request cap gtt never trips, a per-window secondary limit it recovers
//! from, and a primary budget too small for every repository (oldest collected first,
//! the rest deferred, failing only when a deferral loses days).

use std::path::Path;
use std::time::Duration;

use crate::fake::*;
use crate::support::{Run, gtt, tempdir};
use jiff::SignedDuration;
use serde_json::Value;

const TOKEN: &str = "ghp_economy";

fn fleet(n: usize) -> (FakeGitHub, Vec<String>) {
    let fake = FakeGitHub::start();
    fake.add_token(TOKEN, TokenKind::Full);
    let names = fake.add_generated_repos("fleet", "svc", n);
    (fake, names)
}

fn collect(fake: &FakeGitHub, dir: &Path, repos: &str, extra: &[&str]) -> Run {
    let d = dir.display().to_string();
    let mut args = vec!["collect", "--repos", repos, "--data-dir", &d];
    args.extend(extra);
    gtt(fake, &args, &[("GITHUB_TOKEN", TOKEN), ("RUST_LOG", "info")])
}

fn history(dir: &Path, repo: &str) -> Value {
    let name = format!("history-{}.json", repo.replacen('/', ".", 1));
    serde_json::from_str(&std::fs::read_to_string(dir.join(name)).unwrap()).unwrap()
}

/// The stored data without what changes on every run (when, and the ETag bookkeeping).
fn data(mut h: Value) -> Value {
    let o = h.as_object_mut().unwrap();
    for k in ["last_collected", "validators", "written_by"] {
        o.remove(k);
    }
    h
}

fn statuses(fake: &FakeGitHub, status: u16) -> usize {
    fake.requests().iter().filter(|r| r.status == status).count()
}

#[test]
fn a_warm_run_asks_conditionally_and_gets_304s_that_cost_no_quota() {
    let (fake, names) = fleet(3);
    fake.set_pages_enabled(&names[0], true);
    fake.add_pages_build(&names[0], fake.now().checked_sub(SignedDuration::from_hours(30)).unwrap());
    let dir = tempdir("etag-warm");
    let repos = "fleet/*";
    let cold = collect(&fake, dir.path(), repos, &[]);
    assert_eq!(cold.code, 0, "{}{}", cold.stdout, cold.stderr);
    let before: Vec<Value> = names.iter().map(|r| history(dir.path(), r)).collect();
    for h in &before {
        let v = h["validators"].as_object().unwrap();
        for key in ["repo", "views", "clones", "referrers", "paths", "releases"] {
            assert!(v[key]["etag"].as_str().is_some_and(|e| !e.is_empty()), "{key} kept with its ETag: {h}");
        }
    }
    assert!(before[0]["validators"]["pages-builds"].is_object(), "Pages builds kept where there is a site");
    assert_eq!(fake.count("GET", &format!("/repos/{}/pages/builds", names[1])), 0, "no site, no Pages request");

    fake.clear_requests();
    let warm = collect(&fake, dir.path(), repos, &[]);
    assert_eq!(warm.code, 0, "{}{}", warm.stdout, warm.stderr);
    let sent: Vec<_> = fake.requests();
    for r in sent.iter().filter(|r| r.path.starts_with("/repos/")) {
        assert!(
            r.path.contains("/actions/runs") || r.header("if-none-match").is_some(),
            "asked conditionally: {}",
            r.path
        );
    }
    // Repository, four traffic reads, releases: nothing changed, so all 304; and Pages.
    assert_eq!(statuses(&fake, 304), 3 * 6 + 1, "{:?}", sent.iter().map(|r| (&r.path, r.status)).collect::<Vec<_>>());
    let per_repo = sent.iter().filter(|r| r.path.starts_with("/repos/")).count() as f64 / 3.0;
    assert!(per_repo <= 8.0, "{per_repo} requests per repository at steady state");
    assert!(warm.stderr.contains("19 answered 304 Not Modified"), "{}", warm.stderr);
    for (r, old) in names.iter().zip(&before) {
        assert_eq!(data(history(dir.path(), r)), data(old.clone()), "a 304 stores exactly what the 200 did");
    }

    // A changed answer comes back in full and is stored; the others stay 304.
    fake.set_repo_stats(&names[1], 500, 1, 1, 1);
    fake.clear_requests();
    let r = collect(&fake, dir.path(), repos, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        fake.requests()
            .iter()
            .filter(|q| q.path == format!("/repos/{}", names[1]))
            .map(|q| q.status)
            .collect::<Vec<_>>(),
        [200]
    );
    let stats = history(dir.path(), &names[1])["stats"].clone();
    let last = stats.as_object().unwrap().values().next_back().unwrap().clone();
    assert_eq!(last[1], 500, "new stars stored: {stats}");
}

#[test]
fn a_new_day_refetches_what_moved_and_keeps_the_rest_free() {
    let (fake, names) = fleet(2);
    let dir = tempdir("etag-day");
    assert_eq!(collect(&fake, dir.path(), "fleet/*", &[]).code, 0);
    fake.advance(SignedDuration::from_hours(24));
    // Yesterday (the day the first run saw as today, without traffic yet) got views.
    let yesterday = fake.now().to_zoned(jiff::tz::TimeZone::UTC).date().yesterday().unwrap();
    fake.set_traffic(&names[0], yesterday, 9, 9, 9, 9);
    fake.clear_requests();
    let r = collect(&fake, dir.path(), "fleet/*", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let views = format!("/repos/{}/traffic/views", names[0]);
    let got: Vec<u16> = fake.requests().iter().filter(|q| q.path.starts_with(&views)).map(|q| q.status).collect();
    assert_eq!(got, [200], "today's views changed the answer");
    assert_eq!(history(dir.path(), &names[0])["days"][yesterday.to_string()][0], 9);
    let release = format!("/repos/{}/releases", names[1]);
    let got: Vec<u16> = fake.requests().iter().filter(|q| q.path.starts_with(&release)).map(|q| q.status).collect();
    assert_eq!(got, [304], "unchanged releases are free");
}

#[test]
fn requests_in_flight_never_exceed_the_concurrency_github_allows() {
    let (fake, names) = fleet(24);
    fake.set_limits(Limits { latency: Duration::from_millis(15), max_concurrent: Some(6), per_window: None });
    let dir = tempdir("concurrent");
    let r = collect(&fake, dir.path(), "fleet/*", &["--concurrency", "6"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let stats = fake.limit_stats();
    assert_eq!(stats.concurrent_violations, 0, "{stats:?}");
    assert!(stats.peak_in_flight >= 2, "requests did overlap: {stats:?}");
    for n in &names {
        assert!(dir.path().join(format!("history-{}.json", n.replacen('/', ".", 1))).exists(), "{n} stored");
    }

    // The default stays within a stricter-than-GitHub cap of 16 as well.
    fake.set_limits(Limits { latency: Duration::from_millis(15), max_concurrent: Some(16), per_window: None });
    let r = collect(&fake, dir.path(), "fleet/*", &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(fake.limit_stats().concurrent_violations, 0, "{:?}", fake.limit_stats());
}

#[test]
fn while_repositories_wait_each_worker_keeps_one_request_in_flight() {
    // A thread per request cost more CPU than the request: while more repositories wait
    // than there are workers, a worker asks one repository's requests one after
    // another; only the last few (fewer waiting than workers) fan out.
    let (fake, names) = fleet(24);
    fake.set_limits(Limits { latency: Duration::from_millis(5), max_concurrent: None, per_window: None });
    let dir = tempdir("fan-out");
    let r = collect(&fake, dir.path(), "fleet/*", &["--concurrency", "6"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let peaks = fake.repo_peaks();
    assert_eq!(peaks.len(), names.len(), "{peaks:?}");
    let fanned = peaks.values().filter(|p| **p > 1).count();
    assert!((1..=6).contains(&fanned), "only the last repositories fan out: {peaks:?}");
    assert!(fake.limit_stats().peak_in_flight >= 4, "the workers overlap: {:?}", fake.limit_stats());
}

#[test]
fn a_secondary_limit_pauses_every_worker_and_the_run_recovers() {
    let (fake, names) = fleet(10);
    fake.set_limits(Limits {
        latency: Duration::from_millis(5),
        max_concurrent: None,
        per_window: Some((30, Duration::from_secs(2))),
    });
    let dir = tempdir("secondary");
    let r = collect(&fake, dir.path(), "fleet/*", &["--concurrency", "8"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let stats = fake.limit_stats();
    assert!(stats.window_violations >= 1, "the limit was met: {stats:?}");
    // Everyone pauses together: at most the requests already in flight meet each limit.
    let windows = fake.requests().len() as u64 / 30 + 1;
    assert!(stats.window_violations <= 8 * windows, "{stats:?}");
    assert!(r.stderr.contains("all requests wait"), "{}", r.stderr);
    for n in &names {
        assert!(history(dir.path(), n)["days"].as_object().is_some_and(|d| !d.is_empty()), "{n} stored");
    }
}

/// Collects `names` one at a time, an hour apart, first to last: the first is then
/// the longest since its last collection.
fn stagger(fake: &FakeGitHub, dir: &Path, names: &[String]) {
    for n in names {
        let r = collect(fake, dir, n, &[]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        fake.advance(SignedDuration::from_hours(1));
    }
}

#[test]
fn a_budget_too_small_collects_the_oldest_first_and_defers_the_rest() {
    let (fake, names) = fleet(6);
    let dir = tempdir("budget");
    stagger(&fake, dir.path(), &names);
    fake.advance(SignedDuration::from_hours(20));
    fake.set_rate_remaining(TOKEN, 34);
    fake.clear_requests();
    let r = collect(&fake, dir.path(), "fleet/*", &["--concurrency", "1"]);
    // Collected yesterday: deferring them loses nothing, so the run still succeeds.
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let collected: Vec<bool> =
        names.iter().map(|n| fake.count("GET", &format!("/repos/{n}/traffic/views")) > 0).collect();
    assert!(collected[0], "the oldest collection goes first: {collected:?}");
    assert!(!collected[5], "the newest is deferred: {collected:?}");
    let first_deferred = collected.iter().position(|c| !c).unwrap();
    assert!(collected[first_deferred..].iter().all(|c| !c), "collected is a prefix of oldest-first: {collected:?}");
    for n in &names[first_deferred..] {
        assert!(r.stdout.contains(&format!("{n}: skipped: deferred")), "{n} reported:\n{}", r.stdout);
    }
    assert!(r.stderr.contains("deferred to the next run"), "{}", r.stderr);
    assert_eq!(statuses(&fake, 403), 0, "the budget was planned, not run into");

    // A repository never collected loses a day for every day it waits: that fails the run.
    fake.add_repo("fleet/newcomer");
    fake.set_rate_remaining(TOKEN, 5);
    let r = collect(&fake, dir.path(), "fleet/*", &[]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("lose days") && r.stderr.contains("fleet/newcomer"), "{}", r.stderr);
    assert!(!r.stderr.contains("fleet/svc-0001"), "only those losing days are named: {}", r.stderr);
}

#[test]
fn quota_running_out_mid_run_defers_what_is_left() {
    let (fake, names) = fleet(4);
    let dir = tempdir("midrun");
    stagger(&fake, dir.path(), &names);
    fake.advance(SignedDuration::from_hours(20));
    // GitHub's count was off (another job shares the token): the third repository's
    // views meet an exhausted budget that resets in 50 minutes, beyond max-wait.
    fake.inject(Fault::new(
        "GET",
        &format!("/repos/{}/traffic/views", names[2]),
        1,
        FaultKind::PrimaryExhausted { reset_in: 3000 },
    ));
    fake.clear_requests();
    let r = collect(&fake, dir.path(), "fleet/*", &["--concurrency", "1"]);
    assert_eq!(r.code, 0, "deferred days are still in the window: {}{}", r.stdout, r.stderr);
    for n in &names[..2] {
        assert!(r.stdout.contains(&format!("{n}: ")) && !r.stdout.contains(&format!("{n}: skipped")), "{}", r.stdout);
    }
    for n in &names[2..] {
        assert!(r.stdout.contains(&format!("{n}: skipped: deferred")), "{n}:\n{}", r.stdout);
    }
    assert_eq!(
        fake.count("GET", &format!("/repos/{}/", names[3])),
        0,
        "nothing is sent once the budget is known to be spent"
    );
}

/// A run of one repository into a gist asks the repository, the releases' first page and
/// the views and clones beside the gist read, not after it: what follows them (Pages
/// builds, further release pages) then goes out with the other conditional requests, so
/// a first run takes three round trips, not four. Everything else still waits for the
/// stored history: a rerun gets its other 304s and reads no counted run's jobs or files,
/// and the answers asked at once are still kept with their ETags.
#[test]
fn one_repository_into_a_gist_asks_what_others_follow_beside_the_gist_read() {
    const REPO: &str = "octo/solo";
    const GIST: &str = "0e1ccdb0";
    let fake = FakeGitHub::start();
    fake.add_token(TOKEN, TokenKind::Full);
    fake.add_repo(REPO);
    fake.set_pages_enabled(REPO, true);
    let yesterday = fake.now().checked_sub(SignedDuration::from_hours(20)).unwrap();
    fake.add_pages_build(REPO, yesterday);
    fake.add_release(REPO, "v1.0.0", vec![("solo.tar.gz", 3)]);
    let run = fake.add_simple_run(REPO, yesterday, &["Set up job", "Run actions/checkout@v4", "Complete job"]);
    let sha = "5f4eaef2208aa922806e878a955611b046f1f74d";
    fake.put_file(
        REPO,
        ".github/workflows/ci.yml",
        sha,
        Some("on: push\njobs:\n  b:\n    runs-on: x\n    steps:\n      - uses: actions/checkout@v4\n"),
    );
    fake.set_run_file(run, ".github/workflows/ci.yml", sha);
    fake.create_gist(GIST, vec![("README.md", "x")]);
    let collect = || gtt(&fake, &["collect", "--repos", REPO, "--gist-id", GIST, "--token", TOKEN], &[]);

    // The gist read is answered only once these four wait with it (or after 10 s).
    let gist = format!("/gists/{GIST}");
    let at_once = move |t: &str| {
        t == gist
            || t == format!("/repos/{REPO}")
            || t == format!("/repos/{REPO}/releases?per_page=100")
            || t.starts_with(&format!("/repos/{REPO}/traffic/views"))
            || t.starts_with(&format!("/repos/{REPO}/traffic/clones"))
    };
    fake.hold_until_together_where(at_once, 5, Duration::from_secs(10));
    let cold = collect();
    assert_eq!(cold.code, 0, "{}{}", cold.stdout, cold.stderr);
    assert_eq!(fake.held_together(), 5, "asked before the gist read was answered");
    let kept = fake.gist_file(GIST, "history-octo.solo.json").expect("history stored");
    let kept: Value = serde_json::from_str(&kept).unwrap();
    for key in ["repo", "releases", "views", "clones", "referrers", "paths", "pages-builds"] {
        assert!(kept["validators"][key]["etag"].as_str().is_some_and(|e| !e.is_empty()), "{key} kept: {kept}");
    }

    fake.clear_requests();
    let warm = collect();
    assert_eq!(warm.code, 0, "{}{}", warm.stdout, warm.stderr);
    let sent = fake.requests();
    let asked = |suffix: &str| -> Vec<(bool, u16)> {
        let path = format!("/repos/{REPO}{suffix}");
        sent.iter().filter(|r| r.path == path).map(|r| (r.header("if-none-match").is_some(), r.status)).collect()
    };
    for suffix in ["", "/releases?per_page=100", "/traffic/views?per=day", "/traffic/clones?per=day"] {
        assert_eq!(asked(suffix), [(false, 200)], "asked at once, without its ETag: {suffix}");
    }
    for suffix in ["/traffic/popular/referrers", "/traffic/popular/paths", "/pages/builds?per_page=100"] {
        assert_eq!(asked(suffix), [(true, 304)], "asked with its stored ETag: {suffix}");
    }
    assert_eq!(fake.count("GET", "/jobs"), 0, "the counted run's jobs are not read again");
    assert_eq!(fake.count("GET", "/contents/"), 0, "nor its workflow file");
    assert!(warm.stderr.contains("3 answered 304 Not Modified"), "{}", warm.stderr);
}

/// `(page, status, asked with an ETag)` of each request for `repo`'s release listing.
fn release_pages(fake: &FakeGitHub) -> Vec<(usize, u16, bool)> {
    let mut got: Vec<_> = fake
        .requests()
        .iter()
        .filter(|q| q.path.contains("/releases?"))
        .map(|q| {
            let page = q.path.rsplit_once("&page=").map_or(1, |(_, n)| n.parse().unwrap());
            (page, q.status, q.header("if-none-match").is_some())
        })
        .collect();
    got.sort();
    got
}

fn release_keys(h: &Value) -> Vec<String> {
    h["validators"].as_object().unwrap().keys().filter(|k| k.starts_with("releases")).cloned().collect()
}

/// A release list longer than one page is asked page by page, each page with the ETag
/// kept for it: unchanged, every page is a free 304 and the stored data is what the
/// fresh read stored; a new download costs only its page; a list that shrank to one
/// page forgets the second page's validator.
#[test]
fn a_release_list_of_several_pages_is_asked_conditionally_page_by_page() {
    release_pages_asked_conditionally(false);
}

/// The same where a 304 comes without `Link`: what follows an unchanged page is what
/// followed it last time.
#[test]
fn release_pages_answered_304_without_link_still_lead_to_the_next() {
    release_pages_asked_conditionally(true);
}

/// One collect of `repo` into `dir` that must succeed, with the fake's requests cleared
/// first (so they are this run's), and the history it stored.
fn collected(fake: &FakeGitHub, dir: &Path, repo: &str) -> Value {
    fake.clear_requests();
    let r = collect(fake, dir, repo, &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    history(dir, repo)
}

fn release_pages_asked_conditionally(no_link_on_304: bool) {
    let (fake, names) = fleet(1);
    fake.set_no_link_on_304(no_link_on_304);
    let repo = names[0].as_str();
    // 150 releases and the fleet's own: two pages, the oldest 51 on the second.
    let ids: Vec<u64> = (0..150).map(|i| fake.add_release(repo, &format!("v0.{i}"), vec![("a.zip", 1)])).collect();
    let dir = tempdir("release-pages");
    let run = |fake: &FakeGitHub| collected(fake, dir.path(), repo);

    let fresh = run(&fake);
    assert_eq!(release_pages(&fake), [(1, 200, false), (2, 200, false)]);
    assert_eq!(fresh["assets"].as_object().unwrap().len(), 151, "every release's asset");
    assert_eq!(release_keys(&fresh), ["releases", "releases-2"], "both pages kept");

    let warm = run(&fake);
    assert_eq!(release_pages(&fake), [(1, 304, true), (2, 304, true)], "nothing changed: no quota");
    assert_eq!(data(warm), data(fresh.clone()), "the 304s store what the 200s did");

    // A download on the second page: that page alone answers in full.
    let asset = fake.release_asset_ids(ids[0])[0];
    fake.set_asset_downloads(asset, 7);
    let moved = run(&fake);
    assert_eq!(release_pages(&fake), [(1, 304, true), (2, 200, true)]);
    let counts = moved["assets"][asset.to_string()]["counts"].as_object().unwrap().clone();
    assert_eq!(counts.values().next_back(), Some(&Value::from(7)), "{counts:?}");
    assert_eq!(moved["assets"].as_object().unwrap().len(), 151);

    // The list shrinks to one page, a minute later: the second page's validator (older
    // than the first page's now) goes with it.
    for &id in &ids[..60] {
        fake.delete_release(id);
    }
    fake.advance(SignedDuration::from_mins(1));
    let shrunk = run(&fake);
    assert_eq!(release_pages(&fake).first(), Some(&(1, 200, true)));
    assert_eq!(release_keys(&shrunk), ["releases"], "no validator for a page that is gone");
    assert_eq!(shrunk["assets"].as_object().unwrap().len(), 151, "deleted releases' downloads stay stored");
}

/// A release list whose kept pages would pass 256 KB of a history is not kept: its first
/// page says only how many pages there were, the next run asks them all at once without
/// ETags, and what is stored of the releases is what a kept list would give.
#[test]
fn a_release_list_too_large_to_keep_keeps_only_its_page_count() {
    let (fake, names) = fleet(1);
    let repo = names[0].as_str();
    let long = "a-release-asset-with-a-long-name-for-some-platform-x86_64-unknown-linux";
    let assets: Vec<String> = (0..20).map(|k| format!("{long}-{k}.tar.gz")).collect();
    for i in 0..150 {
        fake.add_release(repo, &format!("v0.{i}"), assets.iter().map(|a| (a.as_str(), 1)).collect());
    }
    let dir = tempdir("release-pages-large");
    let run = |fake: &FakeGitHub| collected(fake, dir.path(), repo);
    let first = run(&fake);
    assert_eq!(release_keys(&first), ["releases"], "no page kept");
    assert_eq!(first["validators"]["releases"]["value"], serde_json::json!({"pages": 2}));
    let next = run(&fake);
    assert_eq!(release_pages(&fake), [(1, 200, false), (2, 200, false)], "both asked, without ETags");
    assert_eq!(next["assets"].as_object().unwrap().len(), 150 * 20 + 1);
    assert_eq!(data(next), data(first), "the same releases stored");
}
