//! `gtt backfill --from stargazers`: stars and forks since the repository's creation,
//! from the paginated listings of the fake.

use crate::fake::*;
use crate::support::{gtt, tempdir};
use jiff::{SignedDuration, Timestamp};

const TOKEN: &str = "ghp_stars";
const REPO: &str = "octo/hello";

/// 250 stars (3 pages of 100) spread over the days after 2020-01-01, 30 forks.
fn world() -> (FakeGitHub, Vec<Timestamp>) {
    let fake = FakeGitHub::start();
    fake.add_token(TOKEN, TokenKind::Full);
    fake.add_repo(REPO);
    fake.set_now("2020-03-01T12:00:00Z".parse().unwrap());
    let start: Timestamp = "2020-01-01T06:00:00Z".parse().unwrap();
    let stars: Vec<Timestamp> = (0..250i64).map(|i| start + SignedDuration::from_hours(i * 5)).collect();
    fake.set_stargazers(REPO, stars.clone());
    fake.set_fork_list(REPO, (0..30i64).map(|i| start + SignedDuration::from_hours(i * 40)).collect());
    (fake, stars)
}

fn history(dir: &std::path::Path) -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("history-octo.hello.json")).unwrap()).unwrap()
}

#[test]
fn stars_rebuilt_from_three_pages_equal_the_truth_per_day() {
    let (fake, stars) = world();
    let dir = tempdir("stars");
    let d = dir.path().display().to_string();
    let r = gtt(&fake, &["backfill", "--repos", REPO, "--data-dir", &d, "--from", "stargazers", "--token", TOKEN], &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("unstars and deleted forks cannot be seen"), "{}", r.stdout);
    assert!(!r.stdout.contains("GitHub lists only"), "{}", r.stdout);
    let h = history(dir.path());
    let got = h["reconstructed"]["stars"].as_object().unwrap();
    assert_eq!(got.keys().next().map(String::as_str), Some("2020-01-01"));
    assert_eq!(got.keys().next_back().map(String::as_str), Some("2020-03-01"));
    for (day, n) in got {
        let end: Timestamp = format!("{day}T23:59:59Z").parse().unwrap();
        let truth = stars.iter().filter(|t| **t <= end).count() as u64;
        assert_eq!(n.as_u64(), Some(truth), "{day}");
    }
    assert_eq!(h["reconstructed"]["forks"]["2020-03-01"], 30);
    assert!(h["imported"]["reconstructed: stargazers"].is_array(), "{}", h["imported"]);
}

#[test]
fn a_collected_snapshot_is_kept_beside_a_reconstruction_of_the_same_day() {
    let (fake, _) = world();
    let dir = tempdir("stars-collected");
    let d = dir.path().display().to_string();
    let r = gtt(&fake, &["collect", "--repos", REPO, "--data-dir", &d, "--token", TOKEN], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let collected = history(dir.path())["stats"]["2020-03-01"].clone();
    let r = gtt(&fake, &["backfill", "--repos", REPO, "--data-dir", &d, "--from", "stargazers", "--token", TOKEN], &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let h = history(dir.path());
    assert_eq!(h["stats"]["2020-03-01"], collected, "the collected snapshot is untouched");
    assert_eq!(h["stats"].as_object().unwrap().len(), 1, "no reconstructed day enters `stats`");
    assert!(h["reconstructed"]["stars"]["2020-03-01"].is_u64());
}

#[test]
fn a_capped_listing_says_so_and_invents_nothing() {
    let (fake, stars) = world();
    fake.set_listing_pages(REPO, 2);
    let dir = tempdir("stars-cap");
    let d = dir.path().display().to_string();
    let r = gtt(&fake, &["backfill", "--repos", REPO, "--data-dir", &d, "--from", "stargazers", "--token", TOKEN], &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stdout.matches("GitHub lists only the first").count(), 1, "{}", r.stdout);
    let h = history(dir.path());
    let got = h["reconstructed"]["stars"].as_object().unwrap();
    let last_listed = jiff::tz::TimeZone::UTC.to_datetime(stars[199]).date();
    let last = got.keys().next_back().unwrap();
    assert!(last.as_str() < last_listed.to_string().as_str(), "{last} vs {last_listed}");
    assert!(got.values().all(|n| n.as_u64() <= Some(200)));
}

#[test]
fn the_csv_and_ndjson_exports_carry_the_reconstruction_and_read_back_identical() {
    let (fake, _) = world();
    let dir = tempdir("stars-export");
    let d = dir.path().join("data").display().to_string();
    let r = gtt(&fake, &["collect", "--repos", REPO, "--data-dir", &d, "--token", TOKEN], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = gtt(&fake, &["backfill", "--repos", REPO, "--data-dir", &d, "--from", "stargazers", "--token", TOKEN], &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let csv = gtt(&fake, &["export", "--data-dir", &d], &[]);
    assert_eq!(csv.code, 0, "{}", csv.stderr);
    let lines: Vec<&str> = csv.stdout.lines().collect();
    assert!(lines[0].ends_with(",stars_reconstructed,forks_reconstructed,gap"), "{}", lines[0]);
    // Before the first collection: a gap row with the reconstruction only.
    assert!(lines.contains(&"octo/hello,2020-01-01,,,,,,,,,,,,,,,,,4,1,1"), "{lines:?}");
    // The collection day: the collected counters and, beside them, the reconstruction.
    let collected = lines.iter().find(|l| l.starts_with("octo/hello,2020-03-01,")).unwrap();
    assert!(collected.ends_with(",250,30,"), "{collected}");
    let ndjson = gtt(&fake, &["export", "--format", "ndjson", "--data-dir", &d], &[]);
    assert_eq!(ndjson.stdout.lines().count(), lines.len() - 1, "the same rows");

    let file = dir.path().join("export.csv");
    std::fs::write(&file, &csv.stdout).unwrap();
    let empty = dir.path().join("empty").display().to_string();
    let f = file.display().to_string();
    let r = gtt(&fake, &["backfill", "--repos", REPO, "--data-dir", &empty, "--from", &f, "--token", TOKEN], &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let again = gtt(&fake, &["export", "--data-dir", &empty], &[]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    assert_eq!(again.stdout, csv.stdout, "export -> import -> export");

    // The NDJSON export reads back the same.
    let file = dir.path().join("export.ndjson");
    std::fs::write(&file, &ndjson.stdout).unwrap();
    let empty = dir.path().join("empty-nd").display().to_string();
    let f = file.display().to_string();
    let r = gtt(&fake, &["backfill", "--repos", REPO, "--data-dir", &empty, "--from", &f, "--token", TOKEN], &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("as gtt NDJSON export"), "{}", r.stdout);
    let again = gtt(&fake, &["export", "--format", "ndjson", "--data-dir", &empty], &[]);
    assert_eq!(again.stdout, ndjson.stdout, "NDJSON export -> import -> export");
}

/// The listing requests of the last run (stargazers, forks and the repository), with
/// their status.
fn listing_answers(fake: &FakeGitHub) -> Vec<(String, u16)> {
    let listing = |p: &str| p.contains("/stargazers") || p.contains("/forks") || p == format!("/repos/{REPO}");
    fake.requests().into_iter().filter(|r| r.method == "GET" && listing(&r.path)).map(|r| (r.path, r.status)).collect()
}

#[test]
fn a_second_rebuild_with_nothing_new_costs_only_304s() {
    let (fake, mut stars) = world();
    let dir = tempdir("stars-304");
    let d = dir.path().display().to_string();
    let backfill =
        || gtt(&fake, &["backfill", "--repos", REPO, "--data-dir", &d, "--from", "stargazers", "--token", TOKEN], &[]);
    let r = backfill();
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let first = history(dir.path());
    assert_eq!(listing_answers(&fake).iter().filter(|(_, s)| *s == 200).count(), 5, "repository, 3 + 1 pages");

    // Nothing new (a day later): every request answers 304, and nothing changes but the
    // last day, carried on.
    fake.clear_requests();
    fake.set_now("2020-03-02T12:00:00Z".parse().unwrap());
    let r = backfill();
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let answers = listing_answers(&fake);
    assert_eq!(answers.len(), 5, "{answers:?}");
    assert!(answers.iter().all(|(_, s)| *s == 304), "{answers:?}");
    assert!(r.stdout.contains("3 pages unchanged since the last rebuild (304)"), "{}", r.stdout);
    let second = history(dir.path());
    let (a, b) =
        (first["reconstructed"]["stars"].as_object().unwrap(), second["reconstructed"]["stars"].as_object().unwrap());
    assert_eq!(b.len(), a.len() + 1);
    assert!(a.iter().all(|(day, n)| b[day] == *n));
    assert_eq!(b["2020-03-02"], 250);

    // A new star lands on the last page: only that page (and the repository, whose star
    // count changed) is read again.
    fake.clear_requests();
    stars.push("2020-03-02T08:00:00Z".parse().unwrap());
    fake.set_stargazers(REPO, stars);
    let r = backfill();
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let fresh: Vec<String> = listing_answers(&fake).into_iter().filter(|(_, s)| *s == 200).map(|(p, _)| p).collect();
    assert_eq!(fresh, [format!("/repos/{REPO}"), format!("/repos/{REPO}/stargazers?per_page=100&page=3")]);
    assert_eq!(history(dir.path())["reconstructed"]["stars"]["2020-03-02"], 251);
}
