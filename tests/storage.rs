//! Storage at scale: `gist-id` listing several gists, because one gist's API listing
//! stops at 300 files. Each repository's files live in exactly one gist and never move;
//! the first gist's gtt.json is the combined index; a write that cannot fit is refused
//! before anything is written.
#![allow(clippy::unwrap_used)]

mod common;

use std::collections::BTreeMap;

use common::fake::*;
use common::run::{Run, gtt, tempdir};
use serde_json::Value;

const TOKEN: &str = "ghp_storage";
const LIMIT: usize = 300;

fn fake() -> FakeGitHub {
    let fake = FakeGitHub::start();
    fake.add_token(TOKEN, TokenKind::Full);
    fake
}

/// Empty gists as a user makes them: one placeholder file each.
fn gists(fake: &FakeGitHub, ids: &[&str]) {
    for id in ids {
        fake.create_gist(id, vec![("README.md", "gtt traffic")]);
    }
}

fn collect(fake: &FakeGitHub, repos: &[String], gist_ids: &str) -> Run {
    let repos = repos.join(",");
    gtt(fake, &["collect", "--repos", &repos, "--gist-id", gist_ids, "--token", TOKEN], &[])
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn index(fake: &FakeGitHub, gist: &str) -> Value {
    json(&fake.gist_file(gist, "gtt.json").unwrap_or_else(|| panic!("gtt.json in gist {gist}")))
}

fn key(repo: &str) -> String {
    repo.to_ascii_lowercase().replacen('/', ".", 1)
}

/// Which gist holds each repository's history, checking on the way that it is in
/// exactly one gist, with its badges beside it and nowhere else.
fn placement(fake: &FakeGitHub, ids: &[&str], repos: &[String]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for repo in repos {
        let history = format!("history-{}.json", key(repo));
        let badge = format!("badge-{}-views.json", key(repo));
        let holders: Vec<&str> = ids.iter().copied().filter(|g| fake.gist_file_names(g).contains(&history)).collect();
        assert_eq!(holders.len(), 1, "{repo} is in exactly one gist: {holders:?}");
        let home = holders[0];
        for g in ids {
            assert_eq!(fake.gist_file_names(g).contains(&badge), *g == home, "{repo}'s badges beside its history");
        }
        out.insert(repo.clone(), home.to_string());
    }
    out
}

/// The combined index in the first gist says where every repository is, and each other
/// gist's own index lists exactly the repositories it holds.
fn check_indexes(fake: &FakeGitHub, ids: &[&str], placed: &BTreeMap<String, String>) {
    let combined = index(fake, ids[0]);
    let listed = combined["repos"].as_object().unwrap();
    assert_eq!(listed.len(), placed.len(), "the combined index lists every repository");
    for (repo, home) in placed {
        assert!(listed.contains_key(repo), "{repo} in the combined index");
        let named = combined["gists"].get(repo).and_then(Value::as_str).unwrap_or(ids[0]);
        assert_eq!(named, home, "{repo}: the index names the gist that holds it");
    }
    for g in &ids[1..] {
        let mine: Vec<&String> = placed.iter().filter(|(_, h)| h == g).map(|(r, _)| r).collect();
        match fake.gist_file(g, "gtt.json") {
            Some(text) => {
                let own = json(&text);
                let own: Vec<&String> = own["repos"].as_object().unwrap().keys().collect();
                assert_eq!(own, mine, "gist {g} lists its own repositories");
            }
            None => assert!(mine.is_empty(), "gist {g} holds repositories but has no index"),
        }
    }
}

#[test]
fn many_repositories_over_several_gists_never_move() {
    let fake = fake();
    let mut repos = fake.add_generated_repos("big", "lib", 60);
    gists(&fake, &["g1", "g2", "g3", "g4"]);
    let three = ["g1", "g2", "g3"];
    let r = collect(&fake, &repos, "g1, g2\ng3");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    for g in three {
        let n = fake.gist_file_names(g).len();
        assert!(n <= LIMIT, "gist {g} holds {n} files");
    }
    let first = placement(&fake, &three, &repos);
    check_indexes(&fake, &three, &first);
    for g in three {
        assert!(first.values().any(|h| h == g), "gist {g} is used: {first:?}");
    }
    assert!(fake.gist_file("g1", "views.json").is_some(), "summed badges in the first gist");
    for g in ["g2", "g3"] {
        assert!(fake.gist_file(g, "views.json").is_none(), "no summed badges in {g}");
    }
    assert!(!r.stderr.contains("nearly full"), "{}", r.stderr);

    // A fourth gist appended, a day later: nothing moves, and the new gist is not touched.
    fake.advance(jiff::SignedDuration::from_hours(24));
    let four = ["g1", "g2", "g3", "g4"];
    let r = collect(&fake, &repos, "g1,g2,g3,g4");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(placement(&fake, &four, &repos), first, "appending a gist id moves nothing");
    assert_eq!(fake.gist_revisions("g4"), 1, "no repository for the new gist yet");

    // New repositories are spread over all four; the stored ones still stay.
    let new = fake.add_generated_repos("big", "new", 8);
    repos.extend(new.iter().cloned());
    let r = collect(&fake, &repos, "g1,g2,g3,g4");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let now = placement(&fake, &four, &repos);
    for (repo, home) in &first {
        assert_eq!(&now[repo], home, "{repo} stayed");
    }
    check_indexes(&fake, &four, &now);

    // Everything reads back as one store.
    let e = gtt(&fake, &["export", "--format", "json", "--gist-id", "g1,g2,g3,g4", "--token", TOKEN], &[]);
    assert_eq!(e.code, 0, "{}", e.stderr);
    let exported = json(&e.stdout);
    assert_eq!(exported["repos"].as_array().unwrap().len(), repos.len(), "export sees every repository");
    assert!(exported["repos"].as_array().unwrap().iter().all(|h| !h["days"].as_object().unwrap().is_empty()));

    let before: Vec<usize> = four.iter().map(|g| fake.gist_file_names(g).len()).collect();
    let a = gtt(&fake, &["collect", "--aggregate", "--gist-id", "g1,g2,g3,g4", "--token", TOKEN], &[]);
    assert_eq!(a.code, 0, "{}", a.stderr);
    assert!(a.stdout.contains(&format!("aggregated {} repositories", repos.len())), "{}", a.stdout);
    let after: Vec<usize> = four.iter().map(|g| fake.gist_file_names(g).len()).collect();
    assert_eq!(before, after, "the aggregate job rewrites files in place");
    assert_eq!(placement(&fake, &four, &repos), now);

    // The dashboard, here without a public URL (not github.com), gets every history.
    let site = tempdir("storage-site");
    std::fs::create_dir_all(&site).unwrap();
    std::fs::write(site.join("index.html"), "<!doctype html>").unwrap();
    let out = tempdir("storage-dash");
    let (s, o) = (site.display().to_string(), out.display().to_string());
    let d =
        gtt(&fake, &["dashboard", "--out", &o, "--site-dir", &s, "--gist-id", "g1,g2,g3,g4", "--token", TOKEN], &[]);
    assert_eq!(d.code, 0, "{}", d.stderr);
    for repo in &repos {
        assert!(out.join("data").join(format!("history-{}.json", key(repo))).is_file(), "{repo} in the dashboard");
    }
    for p in [site, out] {
        let _ = std::fs::remove_dir_all(p);
    }
}

#[test]
fn a_repository_stored_in_the_second_gist_stays_there_and_races_are_merged() {
    let fake = fake();
    // By its hash `octo/stay` would go to the first of two gists; it is already in the second.
    for repo in ["octo/stay", "octo/a"] {
        fake.add_repo(repo);
        let today = fake.now().to_zoned(jiff::tz::TimeZone::UTC).date();
        fake.set_traffic(repo, today.yesterday().unwrap(), 9, 3, 2, 1);
    }
    fake.create_gist("g1", vec![("README.md", "x")]);
    fake.create_gist(
        "g2",
        vec![("history-octo.stay.json", r#"{"schema":1,"repo":"octo/stay","days":{"2020-01-01":[5,5,5,5]}}"#)],
    );
    // Another writer lands a day in the second gist between our read and our write.
    fake.inject_concurrent_write(
        "g2",
        Box::new(|files| {
            let mut h: Value = serde_json::from_str(&files["history-octo.stay.json"]).unwrap();
            h["days"]["2020-02-02"] = serde_json::json!([7, 7, 7, 7]);
            vec![("history-octo.stay.json".to_string(), Some(h.to_string()))]
        }),
    );
    let repos = ["octo/stay".to_string(), "octo/a".to_string()];
    let r = collect(&fake, &repos, "g1,g2");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("written by someone else"), "{}", r.stderr);
    assert!(fake.gist_file("g1", "history-octo.stay.json").is_none(), "not copied to the first gist");
    let h = json(&fake.gist_file("g2", "history-octo.stay.json").unwrap());
    assert_eq!(h["days"]["2020-01-01"], serde_json::json!([5, 5, 5, 5]), "the stored day");
    assert_eq!(h["days"]["2020-02-02"], serde_json::json!([7, 7, 7, 7]), "the other writer's day");
    let yesterday = fake.now().to_zoned(jiff::tz::TimeZone::UTC).date().yesterday().unwrap().to_string();
    assert_eq!(h["days"][&yesterday][0], 9, "our day");
    let placed = placement(&fake, &["g1", "g2"], &repos);
    assert_eq!(placed["octo/stay"], "g2");
    check_indexes(&fake, &["g1", "g2"], &placed);
    assert_eq!(index(&fake, "g1")["gists"]["octo/stay"], "g2");

    // A gist dropped from the list is refused, not silently replaced by a fresh history.
    let r = collect(&fake, &repos, "g1");
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("add g2 back to `gist-id`"), "{}", r.stderr);
}

#[test]
fn when_every_gist_is_full_nothing_is_written_and_a_nearly_full_gist_warns() {
    let fake = fake();
    let repos = fake.add_generated_repos("octo", "r", 3);
    let filler =
        |n: usize| -> Vec<(String, String)> { (0..n).map(|i| (format!("note-{i:03}.txt"), "x".to_string())).collect() };
    for (id, n) in [("f1", 285), ("f2", 292)] {
        let files = filler(n);
        fake.create_gist(id, files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect());
    }
    let r = collect(&fake, &repos, "f1,f2");
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    let last = r.stderr.lines().next_back().unwrap_or_default();
    assert!(last.contains("input `gist-id`") && last.contains("add another gist id"), "{}", r.stderr);
    assert_eq!(fake.count("PATCH", "/gists"), 0, "nothing was written");
    assert_eq!((fake.gist_revisions("f1"), fake.gist_revisions("f2")), (1, 1));

    // The fix the message names: another gist id at the end. Every new repository goes
    // there, whatever its hash says; the first gist still gets the index and the sums.
    gists(&fake, &["f3"]);
    let r = collect(&fake, &repos, "f1,f2,f3");
    assert_eq!(r.code, 0, "{}", r.stderr);
    let placed = placement(&fake, &["f1", "f2", "f3"], &repos);
    assert!(placed.values().all(|g| g == "f3"), "{placed:?}");
    check_indexes(&fake, &["f1", "f2", "f3"], &placed);
    assert!(fake.gist_file("f1", "views.svg").is_some());
    assert_eq!(fake.gist_revisions("f2"), 1, "a full gist with nothing of ours is left alone");
    assert!(fake.gist_file_names("f1").len() <= LIMIT);

    // Room for them, but the run leaves the gist within 10% of the limit: it says so.
    let files = filler(240);
    fake.create_gist("roomy", files.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect());
    let r = collect(&fake, &repos, "roomy");
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stderr.contains("gist roomy is nearly full") && r.stderr.contains("`gist-id`"), "{}", r.stderr);
    assert!(fake.gist_file_names("roomy").len() <= LIMIT);
}

#[test]
fn a_gist_listed_twice_is_an_input_error() {
    let fake = fake();
    gists(&fake, &["g1", "g2"]);
    for list in ["g1,g2,g1", "g1 G1", "g2\ng1\ng2"] {
        let r = collect(&fake, &["octo/hello".to_string()], list);
        assert_eq!(r.code, 2, "{list:?}: {}", r.stderr);
        let lines: Vec<&str> = r.stderr.lines().collect();
        assert_eq!(lines.len(), 1, "one line: {}", r.stderr);
        assert!(lines[0].contains("input `gist-id`") && lines[0].contains("twice"), "{}", lines[0]);
    }
    assert!(fake.requests().is_empty(), "refused before any request");
}
