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
    assert_eq!(days["2020-01-01"], serde_json::json!([7, 6, 5, 4]), "their day is kept");
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

/// Hundreds of repositories into a branch: their badges go ahead in trees of their own
/// once a megabyte of them is waiting (the run holds names and shas, not texts), and the
/// run is still one commit holding every file.
#[test]
fn many_repositories_are_one_commit_with_their_badges_sent_ahead() {
    let fake = fake();
    let names = fake.add_generated_repos("many", "repo", 200);
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
