//! Behaviour of `gtt collect` and `gtt export` against the in-process fake GitHub:
//! headers, pagination, retries, token diagnostics, and the storage safety rules.

use std::path::Path;

use crate::fake::*;
use crate::support::{Run, gtt, redact, tempdir};
use jiff::civil::Date;
use serde_json::Value;

const TOKEN: &str = "ghp_testtoken123";
const REPO: &str = "octo/hello";
const GIST: &str = "aa11bb22";

fn date(s: &str) -> Date {
    s.parse().unwrap()
}

/// A fake with one repository that has two weeks of traffic, stats and a release.
fn world() -> FakeGitHub {
    let fake = FakeGitHub::start();
    fake.add_token(TOKEN, TokenKind::Full);
    fake.add_repo(REPO);
    fake.set_repo_stats(REPO, 42, 7, 5, 3);
    for i in 0..20 {
        let d = date("2026-10-12").checked_add(jiff::Span::new().days(i)).unwrap();
        fake.set_traffic(REPO, d, 10 + i as u64, 5, 2 + i as u64, 1);
    }
    fake.add_release(REPO, "v1.0.0", vec![("gtt-linux.tar.gz", 100), ("gtt-mac.tar.gz", 20)]);
    fake.set_referrers(REPO, vec![("news.ycombinator.com".into(), 30, 20)]);
    fake.set_paths(REPO, vec![("/octo/hello".into(), "octo/hello: a repo".into(), 40, 30)]);
    fake
}

fn folder_args(dir: &Path) -> Vec<String> {
    vec!["collect".into(), "--repos".into(), REPO.into(), "--data-dir".into(), dir.display().to_string()]
}

fn run_folder(fake: &FakeGitHub, dir: &Path, extra: &[&str]) -> Run {
    let mut args = folder_args(dir);
    args.extend(extra.iter().map(|s| s.to_string()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    gtt(fake, &args, &[("GITHUB_TOKEN", TOKEN)])
}

fn run_gist(fake: &FakeGitHub, extra: &[&str]) -> Run {
    let mut args = vec!["collect", "--repos", REPO, "--gist-id", GIST, "--token", TOKEN];
    args.extend(extra);
    gtt(fake, &args, &[])
}

fn history_json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn gist_history(fake: &FakeGitHub) -> Value {
    history_json(&fake.gist_file(GIST, "history-octo.hello.json").expect("history file in gist"))
}

#[test]
fn collects_into_a_folder_and_exports_csv() {
    let fake = world();
    let tmp = tempdir("folder");
    // A data folder that does not exist yet: collect creates it.
    let dir = tmp.path().join("data");
    let r = run_folder(&fake, &dir, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("octo/hello:"), "{}", r.stdout);
    let h = history_json(&std::fs::read_to_string(dir.join("history-octo.hello.json")).unwrap());
    assert_eq!(h["schema"], 2);
    assert_eq!(h["repo"], REPO);
    // Fake "now" is 2026-11-01T12:00Z: the window is 10-18..11-01, with 10-19.. guaranteed.
    assert_eq!(h["days"]["2026-10-20"], serde_json::json!([18, 5, 10, 1]));
    assert_eq!(h["stats"]["2026-11-01"][1], 42, "stars");
    let index: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("gtt.json")).unwrap()).unwrap();
    assert_eq!(index["repos"][REPO], "history-octo.hello.json");

    let e = gtt(&fake, &["export", "--data-dir", &dir.display().to_string()], &[]);
    assert_eq!(e.code, 0, "{}", e.stderr);
    let mut lines = e.stdout.lines();
    assert_eq!(
        lines.next().unwrap(),
        "repo,date,views,views_uniques,clones,clones_uniques,stars,forks,watchers,open_issues,ci_checkouts,organic_clones,organic_clones_uniques,downloads,ci_runs,stats_at,partial,ci_estimated,stars_reconstructed,forks_reconstructed,gap"
    );
    let rows: Vec<&str> = lines.collect();
    assert_eq!(rows.len(), 15, "window of 15 days (edge day present)");
    // No CI runs: CI was counted (0 checkouts); not a collection day: no counters.
    assert!(rows.contains(&"octo/hello,2026-10-20,18,5,10,1,,,,,0,10,1,,0,,,,,,"), "{rows:?}");
    // The collection day has the counters; today is not recounted for CI yet, and is
    // only seen in progress: partial.
    assert!(rows.contains(&"octo/hello,2026-11-01,0,0,0,0,42,7,5,3,,0,0,0,,2026-11-01T12:00:00Z,1,,,,"), "{rows:?}");
    assert!(rows.windows(2).all(|w| w[0] < w[1]), "dates ascending");
    insta::assert_snapshot!("export_csv", e.stdout);
}

/// A release is marked on the dashboard where it was published: each asset keeps its
/// release's `published_at`, also for a release published days before the collection.
#[test]
fn assets_keep_their_releases_publish_time() {
    let fake = world();
    let published = fake.now();
    fake.add_release(REPO, "v2.0.0", vec![("b.zip", 3)]);
    fake.advance(jiff::SignedDuration::from_hours(24 * 5));
    let dir = tempdir("published");
    let r = run_folder(&fake, dir.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let h = history_json(&std::fs::read_to_string(dir.path().join("history-octo.hello.json")).unwrap());
    let assets = h["assets"].as_object().unwrap();
    let b = assets.values().find(|a| a["name"] == "b.zip").expect("the new release's asset");
    assert_eq!(b["published"].as_str(), Some(published.to_string().as_str()), "{b}");
    assert!(assets.values().all(|a| a["published"].is_string()), "every release here was published: {h}");
}

/// A releases answer kept by a gtt that did not read `published_at` is asked again once,
/// without its ETag (a 304 would bring the old answer back), so releases that never change
/// still get their publish time.
#[test]
fn releases_kept_without_publish_times_are_asked_again() {
    let fake = world();
    let dir = tempdir("published-again");
    assert_eq!(run_folder(&fake, dir.path(), &[]).code, 0);
    let file = dir.path().join("history-octo.hello.json");
    let mut h = history_json(&std::fs::read_to_string(&file).unwrap());
    for r in h["validators"]["releases"]["value"].as_array_mut().expect("releases kept") {
        r.as_object_mut().unwrap().remove("published_at");
    }
    for a in h["assets"].as_object_mut().unwrap().values_mut() {
        a.as_object_mut().unwrap().remove("published");
    }
    std::fs::write(&file, serde_json::to_string(&h).unwrap()).unwrap();
    fake.advance(jiff::SignedDuration::from_hours(24));
    fake.clear_requests();
    let r = run_folder(&fake, dir.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let asked: Vec<_> = fake.requests().into_iter().filter(|q| q.path.contains("/releases")).collect();
    assert!(!asked.is_empty() && asked.iter().all(|q| q.header("if-none-match").is_none()), "asked afresh");
    let h = history_json(&std::fs::read_to_string(&file).unwrap());
    assert!(h["assets"].as_object().unwrap().values().all(|a| a["published"].is_string()), "{}", h["assets"]);
    // And the next day the kept answer serves again.
    fake.advance(jiff::SignedDuration::from_hours(24));
    fake.clear_requests();
    assert_eq!(run_folder(&fake, dir.path(), &[]).code, 0);
    let asked: Vec<_> = fake.requests().into_iter().filter(|q| q.path.contains("/releases")).collect();
    assert!(asked.iter().any(|q| q.header("if-none-match").is_some()), "conditional again");
}

#[test]
fn every_request_has_githubs_headers_and_releases_are_all_read() {
    let fake = world();
    // 130 releases: two pages of 100, followed through GitHub's Link header.
    for i in 0..130 {
        fake.add_release(REPO, &format!("v0.{i}"), vec![("a.zip", 1)]);
    }
    let dir = tempdir("headers");
    let r = run_folder(&fake, dir.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let h = history_json(&std::fs::read_to_string(dir.path().join("history-octo.hello.json")).unwrap());
    assert_eq!(h["assets"].as_object().unwrap().len(), 132, "all 131 releases' assets");
    assert_eq!(fake.count("GET", "releases"), 2);
    for req in fake.requests() {
        assert_eq!(req.header("user-agent"), Some(concat!("gtt/", env!("CARGO_PKG_VERSION"))), "{}", req.path);
        assert_eq!(req.header("authorization"), Some(format!("Bearer {TOKEN}").as_str()));
        assert_eq!(req.header("accept"), Some("application/vnd.github+json"));
        assert_eq!(req.header("x-github-api-version"), Some("2022-11-28"));
        assert!(!req.path.contains(TOKEN), "no token in URLs");
    }
    assert!(!r.stdout.contains(TOKEN) && !r.stderr.contains(TOKEN));
}

#[test]
fn server_errors_and_dropped_connections_are_retried() {
    let fake = world();
    fake.inject(Fault::new("GET", "/traffic/views", 2, FaultKind::Status(502)));
    fake.inject(Fault::new("GET", "/traffic/clones", 1, FaultKind::DropConnection));
    let dir = tempdir("retry");
    let r = run_folder(&fake, dir.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(fake.count("GET", "/traffic/views"), 3);
    assert_eq!(fake.count("GET", "/traffic/clones"), 2);
    assert!(r.stderr.contains("retrying"), "{}", r.stderr);
}

#[test]
fn rate_limits_are_waited_out_as_github_asks() {
    let fake = world();
    fake.inject(Fault::new("GET", "/traffic/views", 1, FaultKind::SecondaryLimit { retry_after: 1 }));
    fake.inject(Fault::new("GET", "/traffic/clones", 1, FaultKind::PrimaryExhausted { reset_in: 1 }));
    let dir = tempdir("ratelimit");
    let r = run_folder(&fake, dir.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(fake.count("GET", "/traffic/views"), 2);
    assert_eq!(fake.count("GET", "/traffic/clones"), 2);

    // A wait beyond max-wait is not taken: the repository is deferred, and as its
    // stored days still reach into GitHub's window, nothing is lost and the run passes.
    fake.inject(Fault::new("GET", "/traffic/views", 1, FaultKind::PrimaryExhausted { reset_in: 3000 }));
    let r = run_folder(&fake, dir.path(), &["--max-wait", "5"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("skipped: deferred") && r.stdout.contains("max-wait"), "{}", r.stdout);

    // Never collected, the same deferral loses days: the run fails loudly.
    let fresh = tempdir("ratelimit-fresh");
    fake.inject(Fault::new("GET", "/traffic/views", 1, FaultKind::PrimaryExhausted { reset_in: 3000 }));
    let r = run_folder(&fake, fresh.path(), &["--max-wait", "5"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("lose days unless collected today"), "{}", r.stderr);
}

#[test]
fn token_problems_get_actionable_messages() {
    let cases = [
        (TokenKind::WorkflowToken, "Administration: read"),
        (TokenKind::ClassicNoPush, "no push access"),
        (TokenKind::FineGrainedNoAdmin, "lacks repository permission Administration: read"),
    ];
    for (kind, want) in cases {
        let fake = world();
        fake.add_token("weak", kind);
        let dir = tempdir("tokens");
        let r = gtt(&fake, &["--repos", REPO, "--data-dir", &dir.path().display().to_string(), "--token", "weak"], &[]);
        assert_eq!(r.code, 1, "{kind:?}");
        assert!(r.stderr.contains(want), "{kind:?}: {}", r.stderr);
        assert!(!dir.path().join("history-octo.hello.json").exists(), "nothing stored for a failed repo");
    }
    let fake = world();
    let dir = tempdir("badcreds");
    let r = gtt(&fake, &["--repos", REPO, "--data-dir", &dir.path().display().to_string(), "--token", "wrong"], &[]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("401") && r.stderr.contains("`token`"), "{}", r.stderr);
}

#[test]
fn a_failing_repository_does_not_stop_the_others() {
    let fake = world();
    fake.add_repo("octo/other");
    let dir = tempdir("partial");
    let r = gtt(
        &fake,
        &["--repos", "octo/missing, octo/other,octo/hello", "--data-dir", &dir.path().display().to_string()],
        &[("GITHUB_TOKEN", TOKEN)],
    );
    assert_eq!(r.code, 1, "a run that did not do all its job does not exit 0");
    assert!(r.stderr.contains("octo/missing not found"), "{}", r.stderr);
    assert!(r.stderr.contains("1 of 3 repositories had errors: octo/missing"), "{}", r.stderr);
    assert!(dir.path().join("history-octo.hello.json").exists());
    assert!(dir.path().join("history-octo.other.json").exists());
}

#[test]
fn enterprise_server_is_detected() {
    let fake = world();
    fake.set_enterprise(true);
    let dir = tempdir("ghes");
    let r = run_folder(&fake, dir.path(), &[]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("GitHub Enterprise Server"), "{}", r.stderr);
}

#[test]
fn gist_round_trip_keeps_days_and_writes_only_changed_files() {
    let fake = world();
    fake.create_gist(GIST, vec![("README.md", "my traffic")]);
    let r = run_gist(&fake, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(fake.gist_revisions(GIST), 2);
    assert_eq!(fake.gist_file(GIST, "README.md").as_deref(), Some("my traffic"), "other files untouched");
    let first = gist_history(&fake);

    // Three weeks later the window has moved past the first run's days.
    fake.advance(jiff::SignedDuration::from_hours(24 * 21));
    let r = run_gist(&fake, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let later = gist_history(&fake);
    for (day, v) in first["days"].as_object().unwrap() {
        assert!(later["days"].get(day).is_some(), "{day} kept");
        let _ = v;
    }
    let patch = fake.requests().into_iter().rev().find(|r| r.method == "PATCH").unwrap();
    let body: Value = serde_json::from_str(&patch.body).unwrap();
    let names: Vec<&String> = body["files"].as_object().unwrap().keys().collect();
    assert!(names.contains(&&"gtt.json".to_string()) && names.contains(&&"history-octo.hello.json".to_string()));
    assert!(!names.contains(&&"README.md".to_string()), "untouched files are not sent");
    // The same run again changes nothing, so nothing is written.
    let patches = fake.count("PATCH", "/gists");
    assert_eq!(run_gist(&fake, &[]).code, 0);
    assert_eq!(fake.count("PATCH", "/gists"), patches, "an unchanged history is not rewritten");
    // The gap between the runs is reported, naming the lost days.
    assert!(r.stderr.contains("no data for 2026-11-02"), "{}", r.stderr);
    let e = gtt(&fake, &["export", "--gist-id", GIST, "--token", TOKEN, "--format", "json"], &[]);
    assert_eq!(e.code, 0, "{}", e.stderr);
    let v: Value = serde_json::from_str(&e.stdout).unwrap();
    assert_eq!(v["repos"][0]["repo"], REPO);
    assert!(v["repos"][0]["days"].get("2026-11-05").is_none(), "gap days are absent");
}

#[test]
fn an_unreadable_gist_fails_the_run_and_nothing_is_written() {
    let fake = world();
    fake.create_gist(GIST, vec![("README.md", "x")]);
    assert_eq!(run_gist(&fake, &[]).code, 0);
    let revisions = fake.gist_revisions(GIST);
    let stored = fake.gist_file(GIST, "history-octo.hello.json").unwrap();

    // ghtraf's defect 2: one failed read must never become an empty history.
    fake.inject(Fault::new("GET", &format!("/gists/{GIST}"), 10, FaultKind::Status(502)));
    let r = run_gist(&fake, &["--max-wait", "3"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_eq!(fake.count("PATCH", "/gists"), 1, "only the first run wrote");
    assert_eq!(fake.gist_revisions(GIST), revisions);
    assert_eq!(fake.gist_file(GIST, "history-octo.hello.json").unwrap(), stored);
}

#[test]
fn corrupt_or_newer_history_is_never_overwritten() {
    let cases = [
        ("{\"schema\":1,\"repo\":\"octo/hello\",\"days\":{", "not valid gtt history JSON"),
        ("{\"schema\":4,\"repo\":\"octo/hello\",\"days\":{}}", "newer gtt"),
        ("{\"schema\":1,\"repo\":\"someone/else\",\"days\":{}}", "holds history of someone/else"),
        ("[1,2,3]", "not valid gtt history JSON"),
    ];
    for (content, want) in cases {
        let fake = world();
        fake.create_gist(GIST, vec![("history-octo.hello.json", content)]);
        let r = run_gist(&fake, &[]);
        assert_eq!(r.code, 3, "{content}: {}", r.stderr);
        assert!(r.stderr.contains(want) && r.stderr.contains("nothing was written"), "{}", r.stderr);
        assert_eq!(fake.count("PATCH", "/gists"), 0);
        assert_eq!(fake.gist_file(GIST, "history-octo.hello.json").as_deref(), Some(content));
    }
    // The same in a folder.
    let fake = world();
    let dir = tempdir("corrupt");
    std::fs::write(dir.path().join("gtt.json"), "garbage").unwrap();
    let r = run_folder(&fake, dir.path(), &[]);
    assert_eq!(r.code, 3);
    assert_eq!(std::fs::read_to_string(dir.path().join("gtt.json")).unwrap(), "garbage");
    assert!(!dir.path().join("history-octo.hello.json").exists());
}

#[test]
fn truncated_gist_files_are_read_in_full_from_raw_url() {
    for empty in [false, true] {
        let fake = world();
        fake.create_gist(GIST, vec![("README.md", "x")]);
        assert_eq!(run_gist(&fake, &[]).code, 0);
        let before = gist_history(&fake);
        fake.set_truncate_at(200);
        fake.set_truncated_content_empty(empty);
        fake.advance(jiff::SignedDuration::from_hours(24));
        let r = run_gist(&fake, &[]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        assert!(fake.count("GET", "/raw/") >= 1, "raw_url was used");
        let after = gist_history(&fake);
        for day in before["days"].as_object().unwrap().keys() {
            assert!(after["days"].get(day).is_some(), "{day} survived the truncated read");
        }
    }
}

#[test]
fn a_failed_raw_read_or_a_foreign_raw_host_writes_nothing() {
    let fake = world();
    fake.create_gist(GIST, vec![("README.md", "x")]);
    assert_eq!(run_gist(&fake, &[]).code, 0);
    fake.set_truncate_at(200);
    fake.inject(Fault::new("GET", "/raw/", 20, FaultKind::Status(500)));
    let r = run_gist(&fake, &["--max-wait", "2"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_eq!(fake.count("PATCH", "/gists"), 1);

    // raw_url on another host: the token is not sent there, and plain http is refused.
    let fake = world();
    fake.create_gist(GIST, vec![("README.md", "x")]);
    assert_eq!(run_gist(&fake, &[]).code, 0);
    fake.set_truncate_at(200);
    fake.set_raw_url_base(Some(format!("http://localhost:{}", fake.port())));
    fake.clear_requests();
    let r = run_gist(&fake, &[]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(fake.requests().iter().all(|q| q.header("host").is_none_or(|h| h.starts_with("127.0.0.1"))));
    assert_eq!(fake.count("PATCH", "/gists"), 0);
}

#[test]
fn a_gist_listing_cut_at_300_files_is_not_mistaken_for_a_new_history() {
    let fake = world();
    let names: Vec<String> = (0..300).map(|i| format!("a{i:03}.txt")).collect();
    let mut files: Vec<(&str, &str)> = names.iter().map(|n| (n.as_str(), "x")).collect();
    files.push(("history-octo.hello.json", "{\"schema\":1,\"repo\":\"octo/hello\",\"days\":{}}"));
    fake.create_gist(GIST, files);
    let r = run_gist(&fake, &[]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("300 files"), "{}", r.stderr);
    assert_eq!(fake.count("PATCH", "/gists"), 0);
}

#[test]
fn a_concurrent_writer_is_detected_and_merged() {
    let fake = world();
    fake.create_gist(GIST, vec![("README.md", "x")]);
    assert_eq!(run_gist(&fake, &[]).code, 0);
    // Another gtt lands a history with a day we never saw, between our read and write.
    fake.inject_concurrent_write(
        GIST,
        Box::new(|files| {
            let mut h: Value = serde_json::from_str(&files["history-octo.hello.json"]).unwrap();
            h["days"]["2020-02-02"] = serde_json::json!([7, 7, 7, 7]);
            vec![("history-octo.hello.json".to_string(), Some(h.to_string()))]
        }),
    );
    fake.advance(jiff::SignedDuration::from_hours(24));
    let r = run_gist(&fake, &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("written by someone else"), "{}", r.stderr);
    let h = gist_history(&fake);
    assert_eq!(h["days"]["2020-02-02"], serde_json::json!([7, 7, 7, 7]), "the other writer's day survives");
    assert!(h["days"].get("2026-11-02").is_some(), "our day survives");
    assert_eq!(fake.count("PATCH", "/gists"), 3, "first run, our write, the re-merged write");
}

#[test]
fn a_token_that_cannot_write_the_gist_is_named() {
    let fake = world();
    fake.create_gist(GIST, vec![("README.md", "x")]);
    fake.add_token("reader", TokenKind::NoGistWrite);
    let r = gtt(&fake, &["--repos", REPO, "--gist-id", GIST, "--token", TOKEN, "--gist-token", "reader"], &[]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("`gist-id`") && r.stderr.contains("gist token"), "{}", r.stderr);
}

#[test]
fn action_mode_masks_tokens_groups_and_warns_escaped() {
    let fake = world();
    fake.create_gist(GIST, vec![("README.md", "x")]);
    let dir = tempdir("action");
    let out = dir.path().join("out");
    let summary = dir.path().join("summary");
    let env = [
        ("GITHUB_ACTIONS", "true"),
        ("INPUT_TOKEN", TOKEN),
        ("INPUT_GIST-ID", GIST),
        ("INPUT_REPOS", REPO),
        ("GITHUB_OUTPUT", out.to_str().unwrap()),
        ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap()),
    ];
    let r = gtt(&fake, &[], &env);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout.lines().next(), Some(format!("::add-mask::{TOKEN}").as_str()));
    assert!(r.stdout.contains("::group::octo/hello") && r.stdout.contains("::endgroup::"));
    let outputs = std::fs::read_to_string(&out).unwrap();
    for key in ["views=", "clones=", "views-14d=", "clones-14d=", "stars=42", "downloads=120", "repos=octo/hello"] {
        assert!(outputs.lines().any(|l| l.starts_with(key)), "{key} in {outputs}");
    }
    insta::assert_snapshot!("action_outputs", redact(&outputs, dir.path(), &fake));
    let summary_text = std::fs::read_to_string(&summary).unwrap();
    insta::assert_snapshot!("action_summary", redact(&summary_text, dir.path(), &fake));
    assert!(summary_text.contains("| Views |"));
    assert!(
        summary_text.contains("requests to GitHub for traffic (0 answered 304 Not Modified, free); quota used: ")
            && summary_text.contains("rate limit left: 4"),
        "{summary_text}"
    );

    // A run after a hole warns with a workflow command, on one line.
    fake.advance(jiff::SignedDuration::from_hours(24 * 20));
    let r = gtt(&fake, &[], &env);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let warning = r.stdout.lines().find(|l| l.starts_with("::warning") && l.contains("lost")).expect("gap warning");
    assert!(warning.contains("no data for 2026-11-02..2026-11-07 (6 days)"), "{warning}");
}

#[test]
fn bad_input_exits_2_and_writes_nothing() {
    let fake = world();
    fake.create_gist(GIST, vec![("README.md", "x")]);
    for args in [
        vec!["--repos", "not-a-repo", "--gist-id", GIST, "--token", TOKEN],
        vec!["--repos", REPO, "--gist-id", GIST, "--data-dir", "x", "--token", TOKEN],
        vec!["bogus", "--repos", REPO, "--gist-id", GIST, "--token", TOKEN],
        vec!["--repos", REPO, "--gist-id", GIST, "--token", TOKEN, "--now", "soon"],
        vec!["--repos", REPO, "--gist-id", GIST, "--token", TOKEN, "--wat"],
    ] {
        let r = gtt(&fake, &args, &[]);
        assert_eq!(r.code, 2, "{args:?}: {}", r.stderr);
        assert_eq!(r.stderr.lines().count(), 1, "one line: {}", r.stderr);
    }
    assert!(fake.requests().is_empty(), "bad input never reaches GitHub");
}

#[test]
fn help_is_the_documented_text() {
    let fake = FakeGitHub::start();
    let r = gtt(&fake, &["help"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("USAGE:") && r.stdout.contains("--gist-id"), "{}", r.stdout);
    // The version is the one thing that changes from release to release.
    let text = r.stdout.replace(env!("CARGO_PKG_VERSION"), "[version]");
    insta::assert_snapshot!("help", text);
    assert!(fake.requests().is_empty(), "help asks GitHub nothing");
}

/// The environment of an action-mode run into the gist, its outputs and summary in `dir`.
fn action_env(dir: &Path) -> Vec<(&'static str, String)> {
    vec![
        ("GITHUB_ACTIONS", "true".into()),
        ("INPUT_TOKEN", TOKEN.into()),
        ("INPUT_GIST-ID", GIST.into()),
        ("INPUT_REPOS", REPO.into()),
        ("GITHUB_OUTPUT", dir.join("out").display().to_string()),
        ("GITHUB_STEP_SUMMARY", dir.join("summary").display().to_string()),
    ]
}

#[test]
fn terminal_escapes_in_an_api_error_never_reach_the_log() {
    let fake = world();
    fake.create_gist(GIST, vec![("README.md", "x")]);
    // More answers than the client's 6 attempts, so any retry meets the hostile body too;
    // `--max-wait 0` keeps the test quick by giving up after the first.
    fake.inject(Fault::new(
        "GET",
        "/traffic/views",
        10,
        FaultKind::Body { status: 500, body: "{\"message\":\"\\u001b[2Jboom\"}" },
    ));
    let dir = tempdir("ansi");
    let env = action_env(dir.path());
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = gtt(&fake, &["--max-wait", "0"], &env);
    assert_ne!(r.code, 0, "the repository failed: {}", r.stdout);
    assert!(fake.count("GET", "/traffic/views") >= 1);
    for (name, text) in [("stdout", &r.stdout), ("stderr", &r.stderr)] {
        assert!(!text.bytes().any(|b| b == 0x1b), "ESC in {name}: {text:?}");
        assert!(text.contains("\\u{1b}[2Jboom"), "the error shown, escaped, in {name}: {text}");
    }
    let error = r.stdout.lines().find(|l| l.starts_with("::error") && l.contains("boom")).expect("an ::error line");
    assert!(error.starts_with("::error title=gtt%3A octo/hello::"), "{error}");
    let summary = std::fs::read_to_string(dir.path().join("summary")).unwrap();
    assert!(!summary.bytes().any(|b| b == 0x1b), "{summary:?}");
}

#[test]
fn the_summary_links_no_referrer_path_or_title() {
    let fake = world();
    fake.create_gist(GIST, vec![("README.md", "x")]);
    fake.set_referrers(
        REPO,
        vec![
            ("www.evil.example".into(), 30, 20),
            ("https://evil.example/r".into(), 20, 10),
            ("a@evil.example".into(), 10, 5),
        ],
    );
    fake.set_paths(REPO, vec![("/foo](javascript:alert(1))".into(), "https://evil.example".into(), 40, 30)]);
    let dir = tempdir("autolink");
    let env = action_env(dir.path());
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let r = gtt(&fake, &[], &env);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let summary = std::fs::read_to_string(dir.path().join("summary")).unwrap();
    assert!(summary.contains("evil.example"), "the referrers are shown: {summary}");
    let lower = summary.to_ascii_lowercase();
    assert!(!lower.contains("www.") && !lower.contains("://"), "an autolink: {summary}");
    assert!(!summary.replace("\u{2060}@\u{2060}", "").contains('@'), "an e-mail autolink: {summary}");
    assert!(!summary.contains("](javascript"), "{summary}");
}
