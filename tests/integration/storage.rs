//! Storage at scale: `gist-id` listing several gists, because one gist's API listing
//! stops at 300 files. Each repository's files live in exactly one gist and never move;
//! the first gist's gtt.json is the combined index; a write that cannot fit is refused
//! before anything is written.

use std::collections::BTreeMap;

use crate::fake::*;
use crate::support::{Run, gtt, tempdir};
use serde_json::{Value, json};

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
    std::fs::write(site.path().join("index.html"), "<!doctype html>").unwrap();
    let out = tempdir("storage-dash");
    let (s, o) = (site.path().display().to_string(), out.path().display().to_string());
    let d =
        gtt(&fake, &["dashboard", "--out", &o, "--site-dir", &s, "--gist-id", "g1,g2,g3,g4", "--token", TOKEN], &[]);
    assert_eq!(d.code, 0, "{}", d.stderr);
    for repo in &repos {
        assert!(
            out.path().join("data").join(format!("history-{}.json", key(repo))).is_file(),
            "{repo} in the dashboard"
        );
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

// ----- never lose a day: the index is the ledger, writers exclude each other -----

const REPO: &str = "octo/hello";
const HISTORY: &str = "history-octo.hello.json";

/// A stored history of `days` days (views = day number + 1) ending long before the
/// fake's window, and the index that lists it.
fn stored(days: usize) -> (String, String) {
    let start: jiff::civil::Date = "2025-01-01".parse().unwrap();
    let mut map = serde_json::Map::new();
    for i in 0..days {
        let d = start.checked_add(jiff::Span::new().days(i64::try_from(i).unwrap())).unwrap();
        map.insert(d.to_string(), serde_json::json!([i + 1, 1, 0, 0]));
    }
    let history = serde_json::json!({ "schema": 1, "repo": REPO, "days": map }).to_string();
    let index = serde_json::json!({ "schema": 1, "repos": { REPO: HISTORY } }).to_string();
    (history, index)
}

/// Every stored day of octo/hello in a folder: its live file's and (split, as a folder
/// keeps days before the last few months) its settled file's.
fn folder_days(dir: &std::path::Path) -> serde_json::Map<String, Value> {
    let mut days = serde_json::Map::new();
    for name in [HISTORY, "settled-octo.hello.json"] {
        if let Ok(text) = std::fs::read_to_string(dir.join(name)) {
            days.extend(json(&text)["days"].as_object().cloned().unwrap_or_default());
        }
    }
    days
}

fn day_count(text: &str) -> usize {
    json(text)["days"].as_object().map_or(0, serde_json::Map::len)
}

fn with_traffic(fake: &FakeGitHub) {
    fake.add_repo(REPO);
    let today = fake.now().to_zoned(jiff::tz::TimeZone::UTC).date();
    for back in 1..=10 {
        fake.set_traffic(REPO, today.checked_sub(jiff::Span::new().days(back)).unwrap(), 5, 2, 1, 1);
    }
}

fn leak(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

#[test]
fn a_gist_answer_that_does_not_show_the_history_never_overwrites_it() {
    let (history, index) = stored(300);
    let listed = |files: &str| leak(format!(r#"{{"id":"g1","files":{files},"history":[{{"version":"v1"}}]}}"#));
    let index_only = listed(&format!(r#"{{"gtt.json":{{"filename":"gtt.json","content":{}}}}}"#, json!(index)));
    let with_null = listed(&format!(
        r#"{{"gtt.json":{{"filename":"gtt.json","content":{}}},"{HISTORY}":null}}"#,
        serde_json::Value::String(index.clone())
    ));
    let histories_only = listed(&format!(
        r#"{{"{HISTORY}":{{"filename":"{HISTORY}","content":{}}}}}"#,
        serde_json::Value::String(history.clone())
    ));
    // (answer, times it is given, exit code wanted)
    let cases: [(&'static str, u32, i32); 7] = [
        ("{}", 2, 3),
        (listed("{}"), 2, 3),
        (with_null, 2, 3),
        // The index is missing from a whole-looking answer: nothing to compare with,
        // but the history is read and merged, so nothing is lost either.
        (histories_only, 1, 0),
        (index_only, 1, 3),
        // Once only: the second read is whole and the run goes on.
        ("{}", 1, 0),
        (with_null, 1, 0),
    ];
    for (body, times, want) in cases {
        let fake = fake();
        with_traffic(&fake);
        fake.create_gist("g1", vec![("gtt.json", &index), (HISTORY, &history)]);
        fake.inject(Fault::new("GET", "/gists/g1", times, FaultKind::Body { status: 200, body }));
        let r = collect(&fake, &[REPO.to_string()], "g1");
        assert_eq!(r.code, want, "{body} x{times}: {}{}", r.stdout, r.stderr);
        let now = fake.gist_file("g1", HISTORY).unwrap();
        if want == 0 {
            assert!(day_count(&now) > 300, "{body} x{times}: merged into the stored days");
        } else {
            assert_eq!(now, history, "{body} x{times}: the stored history is untouched");
            assert_eq!(fake.count("PATCH", "/gists"), 0, "{body} x{times}: nothing written");
            assert!(r.stderr.contains("nothing was written"), "{body} x{times}: {}", r.stderr);
        }
    }
}

fn folder_store(name: &str, history: &str, index: &str) -> tempfile::TempDir {
    let dir = tempdir(name);
    std::fs::write(dir.path().join("gtt.json"), index).unwrap();
    if !history.is_empty() {
        std::fs::write(dir.path().join(HISTORY), history).unwrap();
    }
    dir
}

fn collect_folder(fake: &FakeGitHub, dir: &std::path::Path, extra: &[&str]) -> Run {
    let d = dir.display().to_string();
    let mut args = vec!["collect", "--repos", REPO, "--data-dir", &d, "--token", TOKEN];
    args.extend(extra);
    gtt(fake, &args, &[])
}

#[test]
fn a_folder_history_that_is_missing_a_link_or_dangling_stops_the_run() {
    let (history, index) = stored(300);
    let fake = fake();
    with_traffic(&fake);
    // Listed by the index, but not there.
    let dir = folder_store("ledger-missing", "", &index);
    let r = collect_folder(&fake, dir.path(), &[]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains(HISTORY) && r.stderr.contains("missing"), "{}", r.stderr);
    assert!(!dir.path().join(HISTORY).exists(), "nothing written");
    // A dangling link is not "no history yet".
    let dir = folder_store("ledger-dangling", "", &index);
    std::os::unix::fs::symlink(dir.path().join("gone.json"), dir.path().join(HISTORY)).unwrap();
    let r = collect_folder(&fake, dir.path(), &[]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("not a regular file"), "{}", r.stderr);
    assert!(std::fs::symlink_metadata(dir.path().join(HISTORY)).unwrap().file_type().is_symlink(), "the link stays");
    // A link to a real file elsewhere is neither followed nor replaced.
    let outside = tempdir("ledger-outside");
    std::fs::write(outside.path().join("h.json"), &history).unwrap();
    let dir = folder_store("ledger-link", "", &index);
    std::os::unix::fs::symlink(outside.path().join("h.json"), dir.path().join(HISTORY)).unwrap();
    let r = collect_folder(&fake, dir.path(), &[]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(outside.path().join("h.json")).unwrap(), history);
    assert!(std::fs::symlink_metadata(dir.path().join(HISTORY)).unwrap().file_type().is_symlink());
}

#[test]
fn a_tampered_index_cannot_name_paths_outside_the_store() {
    let fake = fake();
    let base = tempdir("ledger-traversal");
    let dir = base.path().join("a").join("b").join("data");
    std::fs::create_dir_all(&dir).unwrap();
    let index = r#"{"schema":1,"repos":{"x/y/../../../outside/pwn":"history-x.y.json"}}"#;
    std::fs::write(dir.join("gtt.json"), index).unwrap();
    let d = dir.display().to_string();
    let r = gtt(&fake, &["collect", "--aggregate", "--data-dir", &d], &[]);
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("not a repository name"), "{}", r.stderr);
    let mut found = Vec::new();
    let mut stack = vec![base.path().to_path_buf()];
    while let Some(p) = stack.pop() {
        for e in std::fs::read_dir(&p).unwrap().flatten() {
            if e.file_type().unwrap().is_dir() {
                stack.push(e.path());
            } else {
                found.push(e.path());
            }
        }
    }
    found.sort();
    assert_eq!(found, vec![dir.join(".gtt.lock"), dir.join("gtt.json")], "nothing but the index (and the lock)");
    assert_eq!(std::fs::read_to_string(dir.join("gtt.json")).unwrap(), index);
}

#[test]
fn fields_this_gtt_does_not_know_survive_a_collect() {
    let (history, index) = stored(20);
    let history = history.replacen('{', r#"{"from_the_future":{"kept":[1,2,3]},"#, 1);
    let index = index.replacen('{', r#"{"index_future":true,"#, 1);
    let fake = fake();
    with_traffic(&fake);
    let dir = folder_store("ledger-unknown", &history, &index);
    let r = collect_folder(&fake, dir.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let h = json(&std::fs::read_to_string(dir.path().join(HISTORY)).unwrap());
    assert_eq!(h["from_the_future"], serde_json::json!({"kept": [1, 2, 3]}));
    assert!(folder_days(dir.path()).len() > 20);
    let i = json(&std::fs::read_to_string(dir.path().join("gtt.json")).unwrap());
    assert_eq!(i["index_future"], serde_json::json!(true));
}

/// Each file of a folder: its inode, modification time and text.
fn inodes(dir: &std::path::Path) -> BTreeMap<String, (u64, std::time::SystemTime, String)> {
    use std::os::unix::fs::MetadataExt;
    let mut out = BTreeMap::new();
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let m = e.metadata().unwrap();
        if m.is_file() && !e.file_name().to_string_lossy().starts_with('.') {
            let text = std::fs::read_to_string(e.path()).unwrap();
            out.insert(e.file_name().to_string_lossy().into_owned(), (m.ino(), m.modified().unwrap(), text));
        }
    }
    out
}

/// Badges and charts are derived (recomputed every run): a changed one is overwritten in
/// place, an unchanged one not touched; a history is data: replaced by a synced new file
/// renamed over it.
#[test]
fn a_next_day_run_rewrites_badges_in_place_and_histories_by_rename() {
    let (history, index) = stored(20);
    let fake = fake();
    with_traffic(&fake);
    let dir = folder_store("ledger-inplace", &history, &index);
    assert_eq!(collect_folder(&fake, dir.path(), &[]).code, 0);
    // Every file made old, so a rewrite shows in its modification time.
    let old = std::time::SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(946_684_800);
    for e in std::fs::read_dir(dir.path()).unwrap().flatten() {
        std::fs::File::options().write(true).open(e.path()).unwrap().set_modified(old).unwrap();
    }
    let before = inodes(dir.path());
    fake.advance(jiff::SignedDuration::from_hours(24));
    let r = collect_folder(&fake, dir.path(), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let after = inodes(dir.path());
    assert_eq!(before.keys().collect::<Vec<_>>(), after.keys().collect::<Vec<_>>());
    let (mut changed, mut same) = (Vec::new(), Vec::new());
    for (name, (ino, modified, text)) in &after {
        let (was_ino, was_modified, was_text) = &before[name];
        if name == HISTORY || name == "gtt.json" {
            assert_ne!(ino, was_ino, "{name} is replaced by a new file");
        } else if text == was_text {
            assert_eq!((ino, modified), (was_ino, was_modified), "{name} is unchanged and untouched");
            same.push(name.clone());
        } else {
            assert_eq!(ino, was_ino, "{name} is rewritten in place");
            assert_ne!(modified, was_modified, "{name}");
            changed.push(name.clone());
        }
    }
    assert!(changed.contains(&"chart.svg".to_string()), "the chart's window moved: {changed:?}");
    assert!(!same.is_empty(), "some badge did not change: {changed:?}");
    assert_ne!(after[HISTORY].2, before[HISTORY].2);
}

/// Runs gtt as PID 1 of a new PID namespace, as in the container, so a planted
/// `.NAME.tmp1` is the temporary file name gtt would pick.
#[test]
fn a_planted_temporary_file_link_is_never_followed() {
    let (history, index) = stored(20);
    let fake = fake();
    with_traffic(&fake);
    let dir = folder_store("ledger-tmp", &history, &index);
    let outside = tempdir("ledger-tmp-victim");
    std::fs::write(outside.path().join("victim"), "precious").unwrap();
    for name in [HISTORY, "gtt.json", "badge-octo.hello-views.svg"] {
        std::os::unix::fs::symlink(outside.path().join("victim"), dir.path().join(format!(".{name}.tmp1"))).unwrap();
    }
    std::fs::write(dir.path().join(".gtt.json.tmp424242"), "left by a killed run").unwrap();
    let d = dir.path().display().to_string();
    let out = std::process::Command::new("unshare")
        .args(["--pid", "--fork", env!("CARGO_BIN_EXE_gtt"), "collect", "--repos", REPO, "--data-dir", &d])
        .args(["--token", TOKEN, "--api-url", &fake.url(), "--now", &fake.now().to_string()])
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(std::fs::read_to_string(outside.path().join("victim")).unwrap(), "precious");
    let left: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".tmp"))
        .collect();
    assert!(left.is_empty(), "stale temporaries and planted links are cleaned up: {left:?}");
    assert!(folder_days(dir.path()).len() > 20);
}

#[test]
fn a_second_writer_waits_for_the_folder_lock_then_gives_up_with_one_line() {
    let (history, index) = stored(20);
    let fake = fake();
    with_traffic(&fake);
    let dir = folder_store("ledger-lock", &history, &index);
    let lock = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(dir.path().join(".gtt.lock"))
        .unwrap();
    lock.lock().unwrap();
    let r = collect_folder(&fake, dir.path(), &["--max-wait", "1"]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("another gtt process is writing folder"), "{}", r.stderr);
    assert_eq!(std::fs::read_to_string(dir.path().join(HISTORY)).unwrap(), history, "nothing written");
    lock.unlock().unwrap();
    let r = collect_folder(&fake, dir.path(), &["--max-wait", "1"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

#[test]
fn concurrent_writers_of_one_folder_lose_nothing() {
    let fake = fake();
    with_traffic(&fake);
    fake.add_repo("octo/world");
    // Slow answers keep each collect in flight while the other writer runs.
    fake.set_limits(Limits { latency: std::time::Duration::from_millis(40), ..Limits::default() });
    let dir = tempdir("ledger-race");
    let d = dir.path().display().to_string();
    // 200 days before the window, in gtt's own CSV.
    let mut csv = String::from("repo,date,views,views_uniques,clones,clones_uniques\n");
    let start: jiff::civil::Date = "2025-01-01".parse().unwrap();
    for i in 0..200 {
        let day = start.checked_add(jiff::Span::new().days(i)).unwrap();
        csv.push_str(&format!("{REPO},{day},{},1,1,1\n", i + 1));
    }
    let csv_dir = tempdir("ledger-race-csv");
    let csv_path = csv_dir.path().join("ledger-race-csv");
    std::fs::write(&csv_path, csv).unwrap();
    let from = csv_path.display().to_string();
    for round in 0..3 {
        let (a, b, c) = std::thread::scope(|s| {
            let a = s.spawn(|| gtt(&fake, &["collect", "--repos", REPO, "--data-dir", &d, "--token", TOKEN], &[]));
            let b =
                s.spawn(|| gtt(&fake, &["collect", "--repos", "octo/world", "--data-dir", &d, "--token", TOKEN], &[]));
            let c = s.spawn(|| gtt(&fake, &["backfill", "--repos", REPO, "--data-dir", &d, "--from", &from], &[]));
            (a.join().unwrap(), b.join().unwrap(), c.join().unwrap())
        });
        for r in [&a, &b, &c] {
            assert_eq!(r.code, 0, "round {round}: {}{}", r.stdout, r.stderr);
        }
        let index = json(&std::fs::read_to_string(dir.path().join("gtt.json")).unwrap());
        let listed = index["repos"].as_object().unwrap();
        assert!(listed.contains_key(REPO) && listed.contains_key("octo/world"), "round {round}: {index}");
        let days = folder_days(dir.path());
        assert!(days.len() >= 210, "round {round}: the backfilled and the collected days: {}", days.len());
        assert_eq!(days["2025-01-01"], serde_json::json!([1, 1, 1, 1]), "round {round}");
        assert!(dir.path().join("history-octo.world.json").exists());
    }
}

// ----- export over several gists: a gist at a time -----

/// The peak the run reports (at debug level) of whole histories it held at once.
fn peak_held(stderr: &str) -> usize {
    stderr
        .lines()
        .find_map(|l| l.split("histories held at once: peak ").nth(1))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("the run reports its peak of histories at debug level:\n{stderr}"))
}

/// `text`'s lines after the first `skip`, stably sorted by the position in `ids` of the
/// gist `placed` puts the repository each line names in: a folder's export (by name)
/// in the order an export over those gists gives, gist by gist.
fn gist_by_gist(text: &str, skip: usize, ids: &[&str], placed: &BTreeMap<String, String>) -> String {
    let gist_of = |line: &str| {
        let repo = match line.strip_prefix('{') {
            Some(_) => json(line)["repo"].as_str().unwrap().to_string(),
            None => line.split(',').next().unwrap().to_string(),
        };
        ids.iter().position(|g| *g == placed[&repo]).unwrap()
    };
    let mut lines: Vec<&str> = text.lines().skip(skip).collect();
    lines.sort_by_key(|l| gist_of(l));
    text.lines().take(skip).chain(lines).map(|l| format!("{l}\n")).collect()
}

/// An export of a store over several gists reads each gist once after the index, and
/// holds one gist's texts and one parsed history at a time, not every gist's (counted by
/// the run itself); in each format it equals the export of the same data from a folder,
/// the repositories gist by gist, also when GitHub cuts the files' contents (read
/// through `raw_url`). A history the index lists that is missing stops it with the
/// error, after the rows of the gists before.
#[test]
fn an_export_over_several_gists_reads_one_gist_at_a_time_and_equals_the_folders() {
    let fake = fake();
    let repos = fake.add_generated_repos("fleet", "repo", 30);
    let ids = ["g1", "g2", "g3"];
    gists(&fake, &ids);
    let r = collect(&fake, &repos, "g1,g2,g3");
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let dir = tempdir("gists-export");
    let d = dir.path().display().to_string();
    let r = gtt(&fake, &["collect", "--repos", &repos.join(","), "--data-dir", &d, "--token", TOKEN], &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let placed = placement(&fake, &ids, &repos);
    let most = ids.iter().map(|g| placed.values().filter(|h| h == g).count()).max().unwrap();
    assert!(most < repos.len() && placed.values().any(|h| h == "g3"), "spread over the gists: {placed:?}");

    let env = [("RUST_LOG", "debug")];
    let named = repos.join(",");
    for (format, skip) in [("csv", 1), ("ndjson", 0), ("json", 0)] {
        let folder = gtt(&fake, &["export", "--format", format, "--data-dir", &d], &[]);
        assert_eq!(folder.code, 0, "{format}: {}", folder.stderr);
        for cut in [1_000_000, 2_000] {
            fake.set_truncate_at(cut);
            fake.clear_requests();
            let args = ["export", "--format", format, "--repos", &named, "--gist-id", "g1,g2,g3", "--token", TOKEN];
            let e = gtt(&fake, &args, &env);
            assert_eq!(e.code, 0, "{format}, cut at {cut}: {}", e.stderr);
            for g in ids {
                assert_eq!(fake.count("GET", &format!("/gists/{g}")), 2, "{format}: {g} read for the index, then once");
            }
            let raw = fake.count("GET", "/raw/");
            assert_eq!(raw > 0, cut < 1_000_000, "{format}, cut at {cut}: {raw} reads through raw_url");
            let peak = peak_held(&e.stderr);
            assert!((1..=most).contains(&peak), "{format}: {peak} histories held at once, one gist holds {most}");
            match format {
                "json" => {
                    let mut want = json(&folder.stdout);
                    let gist_of = |h: &Value| ids.iter().position(|g| *g == placed[h["repo"].as_str().unwrap()]);
                    want["repos"].as_array_mut().unwrap().sort_by_key(gist_of);
                    assert!(json(&e.stdout) == want, "{format}: the folder's, gist by gist");
                    assert!(e.stdout.ends_with("}\n"));
                }
                _ => assert!(e.stdout == gist_by_gist(&folder.stdout, skip, &ids, &placed), "{format}: gist by gist"),
            }
        }
    }
    fake.set_truncate_at(1_000_000);
    // Without `repos`, the repositories the index lists: the index is read once.
    fake.clear_requests();
    let e = gtt(&fake, &["export", "--gist-id", "g1,g2,g3", "--token", TOKEN], &[]);
    assert_eq!(e.code, 0, "{}", e.stderr);
    assert!(e.stderr.contains("exporting the 30 repositories"), "{}", e.stderr);
    for g in ids {
        assert_eq!(fake.count("GET", &format!("/gists/{g}")), 2, "{g} read for the index, then once");
    }

    // Globs and exclusions pick from the stored repositories; a name not stored is said,
    // and `repos` naming none that is stored is refused, not an empty export.
    let args = ["export", "--gist-id", "g1,g2,g3", "--token", TOKEN, "--repos"];
    let e = gtt(&fake, &[&args[..], &["fleet/repo-001*, !fleet/repo-0012, fleet/gone"]].concat(), &[]);
    assert_eq!(e.code, 0, "{}", e.stderr);
    let exported: std::collections::BTreeSet<&str> =
        e.stdout.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    let want: std::collections::BTreeSet<String> =
        (10..=19).filter(|i| *i != 12).map(|i| format!("fleet/repo-{i:04}")).collect();
    assert_eq!(exported, want.iter().map(String::as_str).collect(), "{}", e.stderr);
    assert!(e.stderr.contains("names fleet/gone, which gists g1, g2, g3 does not track"), "{}", e.stderr);
    let e = gtt(&fake, &[&args[..], &["fleet/gone, other/*"]].concat(), &[]);
    assert_eq!(e.code, 2, "{}", e.stderr);
    assert!(e.stderr.contains("holds no history of the repositories input `repos` names"), "{}", e.stderr);
    assert_eq!(e.stdout, "");

    // A history in the third gist that cannot be parsed: the export stops with the error
    // after the rows of the first two.
    let bad = placed.iter().find(|(_, g)| *g == "g3").map(|(r, _)| r.clone()).unwrap();
    let bad_file = format!("history-{}.json", key(&bad));
    let g3 = |fake: &FakeGitHub, change: &dyn Fn(&str) -> Option<String>| {
        let files: Vec<(String, String)> = fake
            .gist_file_names("g3")
            .into_iter()
            .filter_map(|n| {
                change(&n).or_else(|| (n != bad_file).then(|| fake.gist_file("g3", &n).unwrap())).map(|c| (n, c))
            })
            .collect();
        fake.create_gist("g3", files.iter().map(|(n, c)| (n.as_str(), c.as_str())).collect());
    };
    g3(&fake, &|n| (n == bad_file).then(|| "{not json".to_string()));
    let e = gtt(&fake, &["export", "--gist-id", "g1,g2,g3", "--token", TOKEN], &[]);
    assert_eq!(e.code, 3, "{}", e.stderr);
    assert!(e.stderr.contains(&format!("{bad_file} in gist g3 cannot be used")), "{}", e.stderr);
    let exported: std::collections::BTreeSet<&str> =
        e.stdout.lines().skip(1).map(|l| l.split(',').next().unwrap()).collect();
    let first_two: Vec<&str> = placed.iter().filter(|(_, g)| *g != "g3").map(|(r, _)| r.as_str()).collect();
    assert!(first_two.iter().all(|r| exported.contains(r)), "the first two gists' rows came first: {exported:?}");
    assert!(!exported.contains(bad.as_str()));

    // Gone from every gist, while the index lists it: refused before anything is read
    // or written.
    g3(&fake, &|_| None);
    fake.clear_requests();
    let e = gtt(&fake, &["export", "--gist-id", "g1,g2,g3", "--token", TOKEN], &[]);
    assert_eq!(e.code, 3, "{}", e.stderr);
    let why = format!(
        "{bad_file} in gists g1, g2, g3 cannot be used: gtt.json lists {bad} but no gist holds its history file"
    );
    assert!(e.stderr.contains(&why), "{}", e.stderr);
    assert_eq!(e.stdout, "");
}
