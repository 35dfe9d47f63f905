//! A branch store (`data-branch`): history kept as one commit per run on a branch of a
//! repository, through the Git Data API. Collected over days it equals a folder store;
//! every write is one fast-forward commit; a writer that moves the branch meanwhile is
//! merged, never overwritten; a corrupt file stops the run with the branch unmoved.

use jiff::SignedDuration;
use jiff::civil::Date;

use crate::fake::*;
use crate::support::{Run, gtt, tempdir};

const TOKEN: &str = "ghp_branch";
const REPOS: &str = "octo/alpha,octo/beta";
const DATA: &str = "me/store";
const BRANCH: &str = "gtt-data";

fn fake() -> FakeGitHub {
    let fake = FakeGitHub::start();
    fake.add_token(TOKEN, TokenKind::Full);
    for r in ["octo/alpha", "octo/beta", DATA] {
        fake.add_repo(r);
    }
    fake
}

/// Traffic for the 14 days up to the fake's today, different per repository and day.
fn traffic(fake: &FakeGitHub) {
    let today: Date = fake.now().to_zoned(jiff::tz::TimeZone::UTC).date();
    for (k, repo) in ["octo/alpha", "octo/beta"].into_iter().enumerate() {
        for back in 0..14i64 {
            let d = today.checked_sub(jiff::Span::new().days(back)).unwrap();
            let n = (d.day() as u64) * 3 + k as u64;
            fake.set_traffic(repo, d, 10 + n, 2 + n / 3, 1 + n / 2, 1);
        }
    }
}

fn on_branch(fake: &FakeGitHub, command: &[&str]) -> Run {
    let mut args = command.to_vec();
    args.extend(["--data-branch", BRANCH, "--data-repo", DATA, "--token", TOKEN]);
    gtt(fake, &args, &[])
}

fn in_folder(fake: &FakeGitHub, command: &[&str], dir: &str) -> Run {
    let mut args = command.to_vec();
    args.extend(["--data-dir", dir, "--token", TOKEN]);
    gtt(fake, &args, &[])
}

fn ok(r: &Run) {
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

#[test]
fn days_collected_into_a_branch_equal_a_folder_one_commit_each() {
    let fake = fake();
    let dir = tempdir("branch-truth");
    let d = dir.path().display().to_string();
    for day in 0..4 {
        traffic(&fake);
        ok(&on_branch(&fake, &["collect", "--repos", REPOS]));
        ok(&in_folder(&fake, &["collect", "--repos", REPOS], &d));
        let log = fake.branch_log(DATA, BRANCH);
        assert_eq!(log.len(), day + 1, "one commit per run: {log:?}");
        fake.advance(SignedDuration::from_hours(24));
    }
    let log = fake.branch_log(DATA, BRANCH);
    assert!(log.last().unwrap().1.is_empty(), "the first commit has no parent (an empty start)");
    assert!(log.iter().rev().skip(1).all(|c| c.1.len() == 1), "a line of fast-forwards");
    assert_eq!(fake.count("PATCH", "/git/refs/heads/gtt-data"), 3, "three updates after the creation");
    assert_eq!(fake.count("POST", "/git/refs"), 1, "created once");

    let from_branch = on_branch(&fake, &["export"]);
    let from_folder = in_folder(&fake, &["export"], &d);
    ok(&from_branch);
    ok(&from_folder);
    assert!(from_branch.stdout.lines().count() > 20, "{}", from_branch.stdout);
    assert_eq!(from_branch.stdout, from_folder.stdout, "the branch holds the truth");
    let files = fake.branch_files(DATA, BRANCH);
    assert!(files.contains_key("gtt.json") && files.contains_key("history-octo.alpha.json"), "{:?}", files.keys());

    // Nothing new: the second aggregate changes nothing, so it makes no commit.
    ok(&on_branch(&fake, &["collect", "--aggregate"]));
    let before = fake.branch_log(DATA, BRANCH).len();
    ok(&on_branch(&fake, &["collect", "--aggregate"]));
    assert_eq!(fake.branch_log(DATA, BRANCH).len(), before, "a write with nothing changed makes no commit");
}

#[test]
fn a_writer_that_moves_the_branch_meanwhile_is_kept() {
    let fake = fake();
    traffic(&fake);
    ok(&on_branch(&fake, &["collect", "--repos", REPOS]));
    let first = fake.branch_head(DATA, BRANCH).unwrap();
    fake.advance(SignedDuration::from_hours(24));
    traffic(&fake);
    fake.inject_branch_write(
        DATA,
        BRANCH,
        Box::new(|files| {
            assert!(files.contains_key("gtt.json"));
            vec![("notes.txt".to_string(), Some("someone else's".to_string()))]
        }),
    );
    let r = on_branch(&fake, &["collect", "--repos", REPOS]);
    ok(&r);
    assert!(r.stderr.contains("written by someone else"), "{}", r.stderr);
    let log = fake.branch_log(DATA, BRANCH);
    assert_eq!(log.len(), 3, "ours on top of theirs: {log:?}");
    assert_eq!(log[1].2, "another writer");
    assert_eq!(log[2].0, first);
    let files = fake.branch_files(DATA, BRANCH);
    assert_eq!(files.get("notes.txt").map(String::as_str), Some("someone else's"), "their commit survives");
    let index: serde_json::Value = serde_json::from_str(&files["gtt.json"]).unwrap();
    assert_eq!(index["repos"].as_object().unwrap().len(), 2);
}

/// A writer that lands a day in one of this run's histories while the run writes: the
/// run re-reads only the files that writer changed, merges them into what it sent, and
/// lands one commit on top: both days are there, nothing was forced.
#[test]
fn a_history_changed_meanwhile_is_merged_not_overwritten() {
    let fake = fake();
    traffic(&fake);
    ok(&on_branch(&fake, &["collect", "--repos", REPOS]));
    fake.advance(SignedDuration::from_hours(24));
    traffic(&fake);
    fake.inject_branch_write(
        DATA,
        BRANCH,
        Box::new(|files| {
            let mut h: serde_json::Value = serde_json::from_str(&files["history-octo.alpha.json"]).unwrap();
            h["days"]["2020-01-01"] = serde_json::json!([7, 6, 5, 4]);
            vec![("history-octo.alpha.json".to_string(), Some(h.to_string()))]
        }),
    );
    let blobs = fake.count("GET", "/git/blobs/");
    let r = on_branch(&fake, &["collect", "--repos", REPOS]);
    ok(&r);
    assert!(r.stderr.contains("merging in the 1 file it changed"), "{}", r.stderr);
    // The run's own reads (the index and two histories, kept on disk for the merge),
    // then theirs of alpha (ours, small, waited inline for the tree).
    assert_eq!(fake.count("GET", "/git/blobs/") - blobs, 3 + 1, "only the changed file is read again");
    let log = fake.branch_log(DATA, BRANCH);
    assert_eq!(log.len(), 3, "ours on top of theirs: {log:?}");
    let files = fake.branch_files(DATA, BRANCH);
    let alpha: serde_json::Value = serde_json::from_str(&files["history-octo.alpha.json"]).unwrap();
    let days = alpha["days"].as_object().unwrap();
    // Their day is years old: it is kept in the settled file the merge split off.
    let settled: serde_json::Value = serde_json::from_str(&files["settled-octo.alpha.json"]).unwrap();
    assert_eq!(settled["days"]["2020-01-01"], serde_json::json!([7, 6, 5, 4]), "their day is kept");
    assert_eq!(alpha["settled"]["file"], "settled-octo.alpha.json");
    let today = fake.now().to_zoned(jiff::tz::TimeZone::UTC).date().to_string();
    assert!(days.contains_key(&today), "our day is there: {:?}", days.keys());
}

#[test]
fn a_corrupt_history_or_a_cut_listing_stops_the_run_and_the_branch_stays() {
    let fake = fake();
    traffic(&fake);
    ok(&on_branch(&fake, &["collect", "--repos", REPOS]));
    fake.git_commit(DATA, BRANCH, vec![("history-octo.alpha.json", Some("{\"schema\": 1, \"days\": [tru"))]);
    let head = fake.branch_head(DATA, BRANCH);
    fake.advance(SignedDuration::from_hours(24));
    let r = on_branch(&fake, &["collect", "--repos", REPOS]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("history-octo.alpha.json"), "{}", r.stderr);
    assert_eq!(fake.branch_head(DATA, BRANCH), head, "the branch did not move");

    fake.git_commit(DATA, BRANCH, vec![("history-octo.alpha.json", None), ("gtt.json", None)]);
    fake.set_git_tree_truncated(true);
    let head = fake.branch_head(DATA, BRANCH);
    let r = on_branch(&fake, &["collect", "--repos", REPOS]);
    assert_eq!(r.code, 3, "{}", r.stderr);
    assert!(r.stderr.contains("cut the listing"), "{}", r.stderr);
    assert_eq!(fake.branch_head(DATA, BRANCH), head, "the branch did not move");
}

#[test]
fn folder_to_branch_to_folder_is_lossless() {
    let fake = fake();
    let a = tempdir("branch-from");
    let a_dir = a.path().display().to_string();
    for _ in 0..3 {
        traffic(&fake);
        ok(&in_folder(&fake, &["collect", "--repos", REPOS], &a_dir));
        fake.advance(SignedDuration::from_hours(24));
    }
    ok(&on_branch(&fake, &["backfill", "--repos", REPOS, "--from", &a_dir]));
    let json = on_branch(&fake, &["export", "--format", "json"]);
    ok(&json);
    let c = tempdir("branch-back");
    let file = c.path().join("export.json");
    std::fs::write(&file, &json.stdout).unwrap();
    let c_dir = c.path().join("store").display().to_string();
    ok(&in_folder(&fake, &["backfill", "--repos", REPOS, "--from", &file.display().to_string()], &c_dir));
    let want = in_folder(&fake, &["export"], &a_dir);
    ok(&want);
    assert!(want.stdout.lines().count() > 20, "{}", want.stdout);
    assert_eq!(on_branch(&fake, &["export"]).stdout, want.stdout, "folder -> branch");
    assert_eq!(in_folder(&fake, &["export"], &c_dir).stdout, want.stdout, "branch -> folder");
}

#[test]
fn a_branch_is_a_backfill_source() {
    let fake = fake();
    for _ in 0..2 {
        traffic(&fake);
        ok(&on_branch(&fake, &["collect", "--repos", REPOS]));
        fake.advance(SignedDuration::from_hours(24));
    }
    let d = tempdir("branch-source");
    let dir = d.path().join("store").display().to_string();
    let from = format!("{DATA}@{BRANCH}");
    let r = in_folder(&fake, &["backfill", "--repos", REPOS, "--from", &from], &dir);
    ok(&r);
    assert!(r.stdout.contains(&format!("{from}/history-octo.alpha.json")), "{}", r.stdout);
    let want = on_branch(&fake, &["export"]);
    ok(&want);
    assert_eq!(in_folder(&fake, &["export"], &dir).stdout, want.stdout, "branch -> folder through backfill");
    let missing = format!("{DATA}@nope");
    let r = in_folder(&fake, &["backfill", "--repos", REPOS, "--from", &missing], &dir);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("does not exist"), "{}", r.stderr);
}

/// The committed dashboard/site, by path: what the site in a branch must hold.
fn built_site() -> std::collections::BTreeMap<String, Vec<u8>> {
    fn walk(dir: &std::path::Path, rel: &str, out: &mut std::collections::BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap().flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let child = if rel.is_empty() { name } else { format!("{rel}/{name}") };
            if e.path().is_dir() {
                walk(&e.path(), &child, out);
            } else {
                out.insert(child, std::fs::read(e.path()).unwrap());
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("dashboard/site"), "", &mut out);
    out
}

/// The data files of a branch: everything at its top that the site does not write.
fn data_of(files: &std::collections::BTreeMap<String, String>) -> std::collections::BTreeMap<String, String> {
    let site = built_site();
    files
        .iter()
        .filter(|(p, _)| !site.contains_key(*p) && !p.starts_with('.'))
        .map(|(p, c)| (p.clone(), c.clone()))
        .collect()
}

#[test]
fn the_dashboard_goes_into_the_branch_in_one_commit_beside_the_data() {
    let fake = fake();
    traffic(&fake);
    ok(&on_branch(&fake, &["collect", "--repos", REPOS]));
    let data = fake.branch_files(DATA, BRANCH);
    let head = fake.branch_head(DATA, BRANCH).unwrap();

    let r = on_branch(&fake, &["dashboard"]);
    ok(&r);
    assert!(r.stdout.contains("in one commit"), "{}", r.stdout);
    let log = fake.branch_log(DATA, BRANCH);
    assert_eq!(log.len(), 2, "one commit: {log:?}");
    assert_eq!(log[0].1, vec![head], "a fast-forward on the data commit");
    let files = fake.branch_files(DATA, BRANCH);
    for (path, bytes) in built_site() {
        if !matches!(path.as_str(), "config.js" | "config.json" | "data.js") {
            assert_eq!(files.get(&path).map(String::as_bytes), Some(bytes.as_slice()), "{path}");
        }
    }
    assert!(files.contains_key("vendor/uPlot.iife.min.js") && files.contains_key("index.html"));
    assert!(files["config.js"].contains(r#"window.GTT_CONFIG = {"source":"./"};"#), "{}", files["config.js"]);
    assert!(!files.contains_key("data.js"), "the data is fetched from the branch: no data script");
    assert!(files.contains_key(".nojekyll"), "Pages serves the files as they are");
    let manifest: serde_json::Value = serde_json::from_str(&files[".gtt-site-manifest"]).unwrap();
    assert!(manifest["files"].as_array().unwrap().iter().any(|f| f == "vendor/uPlot.iife.min.js"), "{manifest}");
    assert!(data_of(&files) == data, "the data files are untouched");

    // Again, same gtt: nothing to commit, and no ref moved.
    fake.clear_requests();
    let r = on_branch(&fake, &["dashboard"]);
    ok(&r);
    assert!(r.stdout.contains("up to date"), "{}", r.stdout);
    assert_eq!(fake.branch_log(DATA, BRANCH).len(), 2, "no commit");
    let asked: Vec<String> = fake.requests().iter().map(|q| format!("{} {}", q.method, q.path)).collect();
    assert_eq!(fake.count("POST", "/git/commits") + fake.count("PATCH", "/git/refs"), 0, "{asked:?}");
    assert_eq!(asked.len(), 6, "head, commit, tree, manifest, one large file, the tree: {asked:?}");

    // The next collection keeps the site.
    fake.advance(SignedDuration::from_hours(24));
    traffic(&fake);
    ok(&on_branch(&fake, &["collect", "--repos", REPOS]));
    let after = fake.branch_files(DATA, BRANCH);
    assert_eq!(after.get("index.html"), files.get("index.html"));
    assert_eq!(after.get("config.js"), files.get("config.js"));
    assert_ne!(after.get("history-octo.alpha.json"), files.get("history-octo.alpha.json"), "a new day");
}

#[test]
fn a_site_commit_racing_a_data_commit_loses_nothing() {
    let fake = fake();
    traffic(&fake);
    ok(&on_branch(&fake, &["collect", "--repos", REPOS]));
    fake.inject_branch_write(
        DATA,
        BRANCH,
        Box::new(|files| {
            let mut history = files["history-octo.alpha.json"].clone();
            history.push(' ');
            vec![("history-octo.alpha.json".to_string(), Some(history))]
        }),
    );
    let theirs = format!("{} ", fake.branch_files(DATA, BRANCH)["history-octo.alpha.json"]);
    let r = on_branch(&fake, &["dashboard"]);
    ok(&r);
    assert!(r.stderr.contains("written by someone else"), "{}", r.stderr);
    let log = fake.branch_log(DATA, BRANCH);
    assert_eq!(log.len(), 3, "the site on top of their data commit: {log:?}");
    assert_eq!(log[1].2, "another writer");
    let files = fake.branch_files(DATA, BRANCH);
    assert_eq!(files["history-octo.alpha.json"], theirs, "their data commit survives");
    assert!(files.contains_key("index.html") && files.contains_key("vendor/uPlot.iife.min.js"));
}

#[test]
fn a_site_commit_removes_only_what_an_older_site_listed_and_never_data() {
    let fake = fake();
    traffic(&fake);
    ok(&on_branch(&fake, &["collect", "--repos", REPOS]));
    let old = r#"{"written_by":"gtt","files":["old/app.js","gtt.json","history-octo.alpha.json","../x"]}"#;
    fake.git_commit(
        DATA,
        BRANCH,
        vec![(".gtt-site-manifest", Some(old)), ("old/app.js", Some("old")), ("CNAME", Some("traffic.example"))],
    );
    let mut data = data_of(&fake.branch_files(DATA, BRANCH));
    data.remove("old/app.js");
    let r = on_branch(&fake, &["dashboard"]);
    ok(&r);
    assert!(r.stdout.contains("1 stale removed"), "{}", r.stdout);
    let files = fake.branch_files(DATA, BRANCH);
    assert!(!files.contains_key("old/app.js"), "an older site's file goes");
    assert_eq!(files.get("CNAME").map(String::as_str), Some("traffic.example"), "the user's file stays");
    assert!(data_of(&files) == data, "data listed in a manifest is never removed");
}

#[test]
fn the_dashboard_needs_the_branch_to_exist() {
    let fake = fake();
    let r = on_branch(&fake, &["dashboard"]);
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("does not exist yet") && r.stderr.contains("gtt collect"), "{}", r.stderr);
    assert_eq!(fake.branch_head(DATA, BRANCH), None);
}

#[test]
fn an_export_of_more_repositories_than_a_batch_equals_the_folders() {
    let fake = fake();
    let names = fake.add_generated_repos("fleet", "repo", 40);
    let dir = tempdir("branch-batches");
    let d = dir.path().display().to_string();
    ok(&in_folder(&fake, &["collect", "--repos", "fleet/*"], &d));
    let files: Vec<(String, String)> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
        .collect();
    assert!(files.len() > names.len(), "the histories and the index");
    fake.git_commit(DATA, BRANCH, files.iter().map(|(n, c)| (n.as_str(), Some(c.as_str()))).collect());
    fake.clear_requests();
    let from_branch = on_branch(&fake, &["export", "--format", "json"]);
    ok(&from_branch);
    // The index (which repositories), then two batches (32 + 8), each reading the head and
    // the index again with its histories.
    let refs = fake.count("GET", &format!("/git/ref/heads/{BRANCH}"));
    assert!(refs <= 4, "{refs} reads of the head");
    assert_eq!(fake.count("GET", "/git/blobs/"), refs + names.len(), "each history read once");
    let from_folder = in_folder(&fake, &["export", "--format", "json"], &d);
    assert_eq!(from_branch.stdout, from_folder.stdout);
    let v: serde_json::Value = serde_json::from_str(&from_branch.stdout).unwrap();
    assert_eq!(v["repos"].as_array().map(Vec::len), Some(names.len()));
}

/// 350 repositories into a branch (the issue's figure): their badges go ahead in trees of their own
/// once a megabyte of them is waiting (the run holds names and shas, not texts), and the
/// run is still one commit holding every file.
#[test]
fn many_repositories_are_one_commit_with_their_badges_sent_ahead() {
    let fake = fake();
    let names = fake.add_generated_repos("many", "repo", 350);
    ok(&on_branch(&fake, &["collect", "--repos", "many/*"]));
    assert_eq!(fake.branch_log(DATA, BRANCH).len(), 1, "one commit");
    assert!(fake.count("POST", "/git/trees") >= 2, "badges sent ahead, then the commit's tree");
    let files = fake.branch_files(DATA, BRANCH);
    for name in &names {
        let key = name.replace('/', ".");
        assert!(files.contains_key(&format!("history-{key}.json")), "{name}");
        assert!(files.contains_key(&format!("badge-{key}-views.svg")), "{name}");
    }
    assert!(files.contains_key("views.svg") && files.contains_key("gtt.json"));
}
