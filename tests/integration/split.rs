//! Split histories in folder and branch stores: the days before the first of a month three
//! to five months back live in a settled file (`settled-KEY.json`) that a new day does not
//! touch; the live file (`history-KEY.json`) names it and carries its digest. An old
//! single-file history is split on its first run; once a month, on the repository's own
//! day (octo/alpha's: the 17th, 108 days after the first), a month moves into the settled
//! file; nothing is lost or changed on the way (`gtt export` says the same), and a
//! settled file that cannot be read stops the run before anything is written.

use std::path::Path;

use jiff::SignedDuration;
use jiff::civil::Date;
use serde_json::{Value, json};

use crate::fake::*;
use crate::support::{Run, gtt, tempdir};

const TOKEN: &str = "ghp_split";
const REPO: &str = "octo/alpha";
const LIVE: &str = "history-octo.alpha.json";
const SETTLED: &str = "settled-octo.alpha.json";
const DATA: &str = "me/store";
const BRANCH: &str = "gtt-data";
/// Where octo/alpha's history is split from the fake's first day (2026-11-01) to the
/// 16th, and from its move day, the 17th.
const FIRST_SPLIT: &str = "2026-07-01";
const MOVED_SPLIT: &str = "2026-08-01";

fn fake() -> FakeGitHub {
    let fake = FakeGitHub::start();
    fake.add_token(TOKEN, TokenKind::Full);
    fake.add_repo(REPO);
    fake.add_repo(DATA);
    fake
}

fn ok(r: &Run) {
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

fn day(s: &str) -> Date {
    s.parse().unwrap()
}

/// An old single-file history (as gtt wrote before splitting): every day from
/// 2023-01-01 to 2026-10-10, a snapshot a month, and its index.
fn old_store() -> Vec<(String, String)> {
    let mut days = serde_json::Map::new();
    let mut stats = serde_json::Map::new();
    let mut d = day("2023-01-01");
    let mut n = 0u64;
    while d <= day("2026-10-10") {
        days.insert(d.to_string(), json!([n % 50 + 1, n % 7 + 1, n % 11, n % 3]));
        if d.day() == 1 {
            let at = d.to_zoned(jiff::tz::TimeZone::UTC).unwrap().timestamp().as_second() + 3600;
            stats.insert(d.to_string(), json!([at, n / 30, 1, 2, 0]));
        }
        d = d.tomorrow().unwrap();
        n += 1;
    }
    let history = json!({"schema": 2, "repo": REPO, "days": days, "stats": stats});
    let index = json!({"schema": 1, "repos": {REPO: LIVE}});
    vec![("gtt.json".into(), index.to_string()), (LIVE.into(), history.to_string())]
}

fn in_folder(fake: &FakeGitHub, command: &[&str], dir: &Path) -> Run {
    let mut args = command.to_vec();
    let d = dir.display().to_string();
    args.extend(["--data-dir", &d, "--token", TOKEN]);
    gtt(fake, &args, &[])
}

fn on_branch(fake: &FakeGitHub, command: &[&str]) -> Run {
    let mut args = command.to_vec();
    args.extend(["--data-branch", BRANCH, "--data-repo", DATA, "--token", TOKEN]);
    gtt(fake, &args, &[])
}

fn parse(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

/// The dates of a history file's days.
fn dates(h: &Value) -> Vec<Date> {
    h["days"].as_object().unwrap().keys().map(|k| day(k)).collect()
}

/// Every line of `before` is in `after`: the days stored before are exported the same.
fn kept(before: &Run, after: &Run) {
    ok(before);
    ok(after);
    assert!(before.stdout.lines().count() > 1000, "{}", before.stdout.len());
    let after: std::collections::BTreeSet<&str> = after.stdout.lines().collect();
    for line in before.stdout.lines() {
        assert!(after.contains(line), "exported before, not after: {line}");
    }
}

/// The live and settled files split at `at`, the live one naming the settled one with
/// the digest of what it holds.
fn check_split(live: &str, settled: &str, at: Date) {
    let (live, settled) = (parse(live), parse(settled));
    assert!(dates(&live).iter().all(|d| *d >= at), "live days from {at}");
    assert!(dates(&settled).iter().all(|d| *d < at), "settled days before {at}");
    assert!(settled["stats"].as_object().unwrap().keys().all(|k| day(k) < at));
    // Schema 3: a gtt that would read the live file as the whole history refuses it.
    assert_eq!((live["schema"].as_u64(), settled["schema"].as_u64()), (Some(3), Some(3)));
    assert_eq!(live["settled"]["file"], SETTLED);
    assert_eq!(live["settled"]["before"], at.to_string());
    assert_eq!(live["settled"]["digest"]["covered_days"], dates(&settled).len());
    assert_eq!(live["settled"]["digest"]["first_day"], "2023-01-01");
    assert!(settled.get("validators").is_none() && settled.get("settled").is_none());
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap()
}

#[test]
fn a_folder_history_is_split_then_a_month_moves_on_its_day_and_nothing_changes() {
    let fake = fake();
    let dir = tempdir("split-folder");
    for (name, text) in old_store() {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let csv = |fake: &FakeGitHub| in_folder(fake, &["export"], dir.path());
    let before = csv(&fake);
    // The views badge's total (its recency suffix moves with the clock).
    let badge = || {
        let message = parse(&read(dir.path(), "views.json"))["message"].as_str().unwrap().to_string();
        message.split(" (").next().unwrap().to_string()
    };

    // The first run migrates: whole history read, split, both written.
    ok(&in_folder(&fake, &["collect", "--repos", REPO], dir.path()));
    check_split(&read(dir.path(), LIVE), &read(dir.path(), SETTLED), day(FIRST_SPLIT));
    kept(&before, &csv(&fake));
    let views = badge();

    // Up to the day before the move: only the live file is read and written; the
    // settled one stays.
    let settled = dir.path().join(SETTLED);
    let stamp = std::fs::metadata(&settled).unwrap().modified().unwrap();
    let text = read(dir.path(), SETTLED);
    for days in [1, 14] {
        fake.advance(SignedDuration::from_hours(24 * days));
        ok(&in_folder(&fake, &["collect", "--repos", REPO], dir.path()));
        assert_eq!(std::fs::metadata(&settled).unwrap().modified().unwrap(), stamp, "the settled file stays");
        assert_eq!(read(dir.path(), SETTLED), text);
        assert_eq!(badge(), views, "the totals count the settled days (no new traffic)");
        kept(&before, &csv(&fake));
    }

    // The move day (2026-11-17): July moves into the settled file.
    fake.advance(SignedDuration::from_hours(24));
    ok(&in_folder(&fake, &["collect", "--repos", REPO], dir.path()));
    check_split(&read(dir.path(), LIVE), &read(dir.path(), SETTLED), day(MOVED_SPLIT));
    assert!(dates(&parse(&read(dir.path(), SETTLED))).contains(&day("2026-07-31")));
    assert_eq!(badge(), views);
    kept(&before, &csv(&fake));
}

#[test]
fn a_settled_file_that_cannot_be_read_stops_the_run_before_any_write() {
    let fake = fake();
    let dir = tempdir("split-corrupt");
    for (name, text) in old_store() {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    ok(&in_folder(&fake, &["collect", "--repos", REPO], dir.path()));
    std::fs::write(dir.path().join(SETTLED), "{ not json").unwrap();
    let files = |d: &Path| -> Vec<(String, String)> {
        let mut v: Vec<(String, String)> = std::fs::read_dir(d)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.is_file())
            .map(|p| (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read_to_string(&p).unwrap()))
            .collect();
        v.sort();
        v
    };
    let was = files(dir.path());
    // A later month: the run must rewrite the settled file, so it reads it, and stops.
    fake.advance(SignedDuration::from_hours(24 * 62));
    let r = in_folder(&fake, &["collect", "--repos", REPO], dir.path());
    assert_eq!(r.code, 3, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains(SETTLED), "{}", r.stderr);
    assert_eq!(files(dir.path()), was, "nothing was written");
    // Whatever reads the whole history refuses it too.
    let e = in_folder(&fake, &["export"], dir.path());
    assert_ne!(e.code, 0);
    assert!(e.stderr.contains(SETTLED), "{}", e.stderr);
}

#[test]
fn a_branch_history_is_split_in_one_commit_and_the_settled_file_then_stays() {
    let fake = fake();
    let dir = tempdir("split-branch");
    let store = old_store();
    for (name, text) in &store {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    fake.git_commit(DATA, BRANCH, store.iter().map(|(n, t)| (n.as_str(), Some(t.as_str()))).collect());
    let before = on_branch(&fake, &["export"]);
    ok(&on_branch(&fake, &["collect", "--repos", REPO]));
    ok(&in_folder(&fake, &["collect", "--repos", REPO], dir.path()));
    assert_eq!(fake.branch_log(DATA, BRANCH).len(), 2, "the migration is one commit");
    let files = fake.branch_files(DATA, BRANCH);
    check_split(&files[LIVE], &files[SETTLED], day(FIRST_SPLIT));
    let after = on_branch(&fake, &["export"]);
    kept(&before, &after);
    assert_eq!(after.stdout, in_folder(&fake, &["export"], dir.path()).stdout, "the branch equals the folder");

    fake.advance(SignedDuration::from_hours(24));
    ok(&on_branch(&fake, &["collect", "--repos", REPO]));
    let next = fake.branch_files(DATA, BRANCH);
    assert_eq!(next[SETTLED], files[SETTLED], "the settled file is the same blob");
    assert_ne!(next[LIVE], files[LIVE]);
    assert_eq!(fake.branch_log(DATA, BRANCH).len(), 3);

    // The move day: a month moves into the settled file, in one commit, and nothing changes.
    fake.advance(SignedDuration::from_hours(24 * 15));
    ok(&on_branch(&fake, &["collect", "--repos", REPO]));
    let moved = fake.branch_files(DATA, BRANCH);
    check_split(&moved[LIVE], &moved[SETTLED], day(MOVED_SPLIT));
    assert_eq!(fake.branch_log(DATA, BRANCH).len(), 4);
    kept(&before, &on_branch(&fake, &["export"]));
}

#[test]
fn a_split_store_moves_to_a_branch_and_back_by_backfill_and_both_stay_split() {
    let fake = fake();
    let a = tempdir("split-from");
    for (name, text) in old_store() {
        std::fs::write(a.path().join(name), text).unwrap();
    }
    ok(&in_folder(&fake, &["collect", "--repos", REPO], a.path()));
    let want = in_folder(&fake, &["export"], a.path());
    ok(&want);
    // A folder of live and settled files is a backfill source: both are read.
    let a_dir = a.path().display().to_string();
    ok(&on_branch(&fake, &["backfill", "--repos", REPO, "--from", &a_dir]));
    let files = fake.branch_files(DATA, BRANCH);
    check_split(&files[LIVE], &files[SETTLED], day(FIRST_SPLIT));
    assert_eq!(on_branch(&fake, &["export"]).stdout, want.stdout, "folder -> branch");
    // And a branch of them: back into a new folder, split there too.
    let c = tempdir("split-back");
    ok(&in_folder(&fake, &["backfill", "--repos", REPO, "--from", &format!("{DATA}@{BRANCH}")], c.path()));
    check_split(&read(c.path(), LIVE), &read(c.path(), SETTLED), day(FIRST_SPLIT));
    assert_eq!(in_folder(&fake, &["export"], c.path()).stdout, want.stdout, "branch -> folder");
}

#[test]
fn with_archives_on_the_months_of_the_settled_years_are_caught_up() {
    let fake = fake();
    let dir = tempdir("split-archive");
    for (name, text) in old_store() {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let want = in_folder(&fake, &["export"], dir.path());
    ok(&in_folder(&fake, &["collect", "--repos", REPO], dir.path()));
    assert!(dir.path().join(SETTLED).is_file());
    // Archives turned on after the split: every complete month is archived, the
    // settled years' too, and nothing of the history is lost.
    let archive = tempdir("split-archive-out");
    let a = archive.path().display().to_string();
    fake.advance(SignedDuration::from_hours(24));
    ok(&in_folder(&fake, &["collect", "--repos", REPO, "--archive-dir", &a], dir.path()));
    for month in ["2023-01", "2024-12", "2025-01", "2026-09"] {
        assert!(archive.path().join(format!("archive-{month}.json")).is_file(), "{month} archived");
    }
    check_split(&read(dir.path(), LIVE), &read(dir.path(), SETTLED), day(FIRST_SPLIT));
    kept(&want, &in_folder(&fake, &["export"], dir.path()));
}

/// The archive files of a folder, parsed, by name.
fn archives(dir: &Path) -> std::collections::BTreeMap<String, Value> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("archive-"))
        .map(|n| (n.clone(), parse(&read(dir, &n))))
        .collect()
}

#[test]
fn archives_in_step_read_no_settled_file_and_a_backfilled_month_is_archived_again() {
    let fake = fake();
    let dir = tempdir("archive-step");
    for (name, text) in old_store() {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let out = tempdir("archive-step-out");
    let a = out.path().display().to_string();
    let collect = |fake: &FakeGitHub| in_folder(fake, &["collect", "--repos", REPO, "--archive-dir", &a], dir.path());
    // The first run with archives catches every complete month up, and notes how far.
    ok(&collect(&fake));
    assert!(out.path().join("archive-2023-01.json").is_file() && out.path().join("archive-2026-10.json").is_file());
    let ledger = parse(&read(out.path(), "archives.json"));
    assert_eq!(ledger["repos"][REPO]["through"], "2026-10", "{ledger}");

    // In step, the next day reads only the live file: a settled file it would have to
    // read (it is not the repository's move day) can be anything.
    let settled = read(dir.path(), SETTLED);
    std::fs::write(dir.path().join(SETTLED), "{ not json").unwrap();
    fake.advance(SignedDuration::from_hours(24));
    let r = collect(&fake);
    ok(&r);
    assert!(!r.stdout.contains("archived"), "nothing rose: {}", r.stdout);
    std::fs::write(dir.path().join(SETTLED), &settled).unwrap();

    // A backfill raises a day of an archived month in the settled years: the next run
    // sees the history out of step with the archives and archives that month again.
    let from = tempdir("archive-step-from");
    let raised = json!({"schema": 2, "repo": REPO, "days": {"2024-05-10": [999, 9, 9, 9]}});
    std::fs::write(from.path().join("gtt.json"), json!({"schema": 1, "repos": {REPO: LIVE}}).to_string()).unwrap();
    std::fs::write(from.path().join(LIVE), raised.to_string()).unwrap();
    let f = from.path().display().to_string();
    ok(&in_folder(&fake, &["backfill", "--repos", REPO, "--from", &f], dir.path()));
    fake.advance(SignedDuration::from_hours(24));
    let r = collect(&fake);
    ok(&r);
    assert!(r.stdout.contains("archived 2024-05"), "{}", r.stdout);
    let may = parse(&read(out.path(), "archive-2024-05.json"));
    assert_eq!(may["repos"][REPO]["days"]["2024-05-10"][0], 999, "{may}");

    // Into December: November is archived from the live file. Whatever the path, the
    // archives are those a first run from the whole history writes.
    fake.advance(SignedDuration::from_hours(24 * 29));
    let r = collect(&fake);
    ok(&r);
    assert!(r.stdout.contains("archived 2026-11"), "{}", r.stdout);
    let fresh = tempdir("archive-step-fresh");
    let b = fresh.path().display().to_string();
    ok(&in_folder(&fake, &["collect", "--repos", REPO, "--archive-dir", &b], dir.path()));
    assert_eq!(archives(out.path()), archives(fresh.path()));
}
