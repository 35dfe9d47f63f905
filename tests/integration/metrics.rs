//! Badges, CI clones, downloads over time and monthly archives, measured right: each
//! defect of ghtraf (<https://github.com/djdarcy/github-traffic-tracker>) that gtt set out
//! to avoid, as a scenario against the fake GitHub API.

use std::collections::BTreeMap;
use std::path::Path;

use crate::fake::*;
use crate::support::{gtt, lib, tempdir};
use jiff::civil::Date;
use jiff::{SignedDuration, Timestamp};

const TOKEN: &str = "ghp_metrics";
const REPO: &str = "octo/hello";

fn date(s: &str) -> Date {
    s.parse().unwrap()
}

fn at(day: Date, hh: i8, mm: i8) -> Timestamp {
    day.at(hh, mm, 0, 0).to_zoned(jiff::tz::TimeZone::UTC).unwrap().timestamp()
}

fn plus(d: Date, n: i32) -> Date {
    d.checked_add(jiff::Span::new().days(n)).unwrap()
}

fn world() -> FakeGitHub {
    let fake = FakeGitHub::start();
    fake.add_token(TOKEN, TokenKind::Full);
    fake.add_repo(REPO);
    fake
}

/// Runs `gtt collect` at `when` (fake clock and --now) into `dir`.
fn collect(fake: &FakeGitHub, dir: &Path, when: Timestamp, extra: &[&str]) -> crate::support::Run {
    fake.set_now(when);
    let d = dir.display().to_string();
    let mut args = vec!["collect", "--repos", REPO, "--data-dir", &d];
    args.extend(extra);
    gtt(fake, &args, &[("GITHUB_TOKEN", TOKEN)])
}

/// `gtt export --format csv` as date -> column -> value.
fn export(fake: &FakeGitHub, dir: &Path) -> BTreeMap<Date, BTreeMap<String, String>> {
    let r = gtt(fake, &["export", "--data-dir", &dir.display().to_string()], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut lines = r.stdout.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    lines
        .map(|l| {
            let row: BTreeMap<String, String> = header.iter().cloned().zip(l.split(',').map(String::from)).collect();
            (date(&row["date"]), row)
        })
        .collect()
}

fn num(row: &BTreeMap<String, String>, col: &str) -> u64 {
    row[col].parse().unwrap_or_else(|_| panic!("{col} is `{}`", row[col]))
}

#[test]
fn ninety_days_at_a_steady_rate_give_the_right_organic_total() {
    // ghtraf's defect 1: running totals from deltas read 301 instead of ~900.
    let fake = world();
    let start = date("2026-06-01");
    for i in -20..110 {
        let d = plus(start, i);
        fake.set_traffic(REPO, d, 30, 10, 10, 4);
        // One CI run a day with three checkouts: 7 organic clones a day.
        fake.add_simple_run(
            REPO,
            at(d, 10, 0),
            &["Set up job", "actions/checkout@v4", "Run actions/checkout@v4", "Checkout", "Build"],
        );
    }
    let dir = tempdir("steady");
    for i in 0..95 {
        let r = collect(&fake, dir.path(), at(plus(start, i), 7, 30), &[]);
        assert_eq!(r.code, 0, "day {i}: {}", r.stderr);
    }
    let rows = export(&fake, dir.path());
    let organic: u64 = (0..90).map(|i| num(&rows[&plus(start, i)], "organic_clones")).sum();
    assert_eq!(organic, 90 * 7);
    let ci: u64 = (0..90).map(|i| num(&rows[&plus(start, i)], "ci_checkouts")).sum();
    assert_eq!(ci, 90 * 3);
}

#[test]
fn checkouts_count_steps_not_jobs_and_an_all_ci_day_is_zero_organic() {
    let fake = world();
    let d1 = date("2026-10-20");
    let d2 = date("2026-10-21");
    let d3 = date("2026-10-22");
    // d1: every clone was CI (ghtraf's defect 3 counted it organic).
    fake.set_traffic(REPO, d1, 5, 2, 4, 1);
    fake.add_simple_run(REPO, at(d1, 9, 0), &["actions/checkout@v4", "Checkout"]);
    fake.add_simple_run(REPO, at(d1, 11, 0), &["Run actions/checkout@v4", "checkout"]);
    // d2: a 3x3 matrix (9 jobs, one checkout each) plus a job with two checkouts.
    fake.set_traffic(REPO, d2, 5, 2, 20, 6);
    let matrix: Vec<FakeJob> = (0..9)
        .map(|i| {
            FakeJob::new(
                &format!("test ({i})"),
                Some(at(d2, 8, 0)),
                vec![FakeStep::new("actions/checkout@v4", Some(at(d2, 8, 0)))],
            )
        })
        .collect();
    fake.add_workflow_run(
        REPO,
        FakeRun {
            name: "matrix".into(),
            event: "push".into(),
            created_at: at(d2, 8, 0),
            completed_at: Some(at(d2, 8, 30)),
            jobs: matrix,
        },
    );
    fake.add_simple_run(REPO, at(d2, 12, 0), &["actions/checkout@v4", "Build", "actions/checkout@v4"]);
    // d3: a renamed checkout step and a Pages build.
    fake.set_traffic(REPO, d3, 5, 2, 10, 5);
    fake.add_simple_run(REPO, at(d3, 12, 0), &["Get sources", "Build"]);
    fake.add_pages_build(REPO, at(d3, 13, 0));

    let dir = tempdir("steps");
    assert_eq!(collect(&fake, dir.path(), at(date("2026-10-25"), 6, 0), &[]).code, 0);
    let rows = export(&fake, dir.path());
    let get = |d: Date, c: &str| num(&rows[&d], c);
    assert_eq!((get(d1, "ci_checkouts"), get(d1, "organic_clones"), get(d1, "organic_clones_uniques")), (4, 0, 0));
    assert_eq!(get(d2, "ci_checkouts"), 11, "9 matrix jobs + 2 steps in one job");
    assert_eq!(get(d2, "organic_clones"), 9);
    // ci uniques = min(round(6 * 11/20), 2 runs) = 2
    assert_eq!(get(d2, "organic_clones_uniques"), 4);
    assert_eq!(get(d3, "ci_checkouts"), 1, "renamed step not matched; the Pages build counts");

    // A custom pattern catches the renamed step; `runs` counts one per run.
    let dir2 = tempdir("steps-pattern");
    let r = collect(
        &fake,
        dir2.path(),
        at(date("2026-10-25"), 6, 0),
        &["--ci-checkout-pattern", "get sources|actions/checkout*"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(num(&export(&fake, dir2.path())[&d3], "ci_checkouts"), 2);
    let dir3 = tempdir("steps-runs");
    let r = collect(
        &fake,
        dir3.path(),
        at(date("2026-10-25"), 6, 0),
        &["--ci-clones", "runs", "--ci-pages-builds", "false"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = export(&fake, dir3.path());
    assert_eq!(num(&rows[&d1], "ci_checkouts"), 2);
    assert_eq!(num(&rows[&d2], "ci_checkouts"), 2);
    assert_eq!(num(&rows[&d3], "ci_checkouts"), 1);
    let dir4 = tempdir("steps-off");
    assert_eq!(collect(&fake, dir4.path(), at(date("2026-10-25"), 6, 0), &["--ci-clones", "off"]).code, 0);
    let rows = export(&fake, dir4.path());
    assert_eq!(rows[&d1]["ci_checkouts"], "", "off: CI not counted is empty, not 0");
    assert_eq!(num(&rows[&d1], "organic_clones"), 4);
}

#[test]
fn ci_runs_finishing_after_a_collection_are_counted_the_next_time() {
    // ghtraf's defect 7: runs were counted only for the collection day.
    let fake = world();
    let d = date("2026-10-20");
    fake.set_traffic(REPO, d, 1, 1, 6, 2);
    fake.add_simple_run(REPO, at(d, 9, 0), &["actions/checkout@v4"]);
    let late = fake.add_workflow_run(
        REPO,
        FakeRun {
            name: "nightly".into(),
            event: "schedule".into(),
            created_at: at(d, 23, 50),
            completed_at: None,
            jobs: vec![FakeJob::new(
                "build",
                Some(at(d, 23, 51)),
                vec![FakeStep::new("actions/checkout@v4", Some(at(d, 23, 51)))],
            )],
        },
    );
    let dir = tempdir("late");
    // The day itself is not recounted while it is today.
    assert_eq!(collect(&fake, dir.path(), at(d, 22, 0), &[]).code, 0);
    assert_eq!(export(&fake, dir.path())[&d]["ci_checkouts"], "");
    // Just after midnight the nightly run is still going: only the finished one counts.
    assert_eq!(collect(&fake, dir.path(), at(plus(d, 1), 0, 10), &[]).code, 0);
    assert_eq!(num(&export(&fake, dir.path())[&d], "ci_checkouts"), 1);
    fake.complete_workflow_run(late, at(plus(d, 1), 0, 40));
    let jobs_before = fake.count("GET", "/jobs");
    assert_eq!(collect(&fake, dir.path(), at(plus(d, 2), 6, 0), &[]).code, 0);
    assert_eq!(num(&export(&fake, dir.path())[&d], "ci_checkouts"), 2);
    assert_eq!(fake.count("GET", "/jobs") - jobs_before, 1, "the finished run's jobs were cached");
}

#[test]
fn every_run_of_a_busy_window_is_read() {
    // ghtraf's defect 5: only the first 100 runs were read. 150 runs on one day and 70
    // on each other day exceed GitHub's 1,000-result cap for one listing.
    let fake = world();
    let today = date("2026-10-30");
    for back in 1..=14 {
        let d = plus(today, -back);
        fake.set_traffic(REPO, d, 1, 1, 200, 10);
        let n = if back == 3 { 150 } else { 70 };
        for k in 0..n {
            fake.add_simple_run(REPO, at(d, 1, 0) + SignedDuration::from_secs(k * 60), &["actions/checkout@v4"]);
        }
    }
    let dir = tempdir("busy");
    let r = collect(&fake, dir.path(), at(today, 12, 0), &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let rows = export(&fake, dir.path());
    for back in 1..=14 {
        let want = if back == 3 { 150 } else { 70 };
        assert_eq!(num(&rows[&plus(today, -back)], "ci_checkouts"), want, "{back} days back");
    }
    assert_eq!(fake.count("GET", "/jobs"), 150 + 13 * 70, "each run's jobs once");
    // The next day only the new day's runs need their jobs.
    let before = fake.count("GET", "/jobs");
    for k in 0..5 {
        fake.add_simple_run(REPO, at(today, 2, 0) + SignedDuration::from_secs(k * 60), &["actions/checkout@v4"]);
    }
    assert_eq!(collect(&fake, dir.path(), at(plus(today, 1), 12, 0), &[]).code, 0);
    assert_eq!(fake.count("GET", "/jobs") - before, 5);
}

#[test]
fn several_runs_a_day_keep_the_days_downloads_whole() {
    // ghtraf's defect 4: each run overwrote the day's downloads with its own delta, and a
    // deleted asset lowered the total.
    let fake = world();
    let release = fake.add_release(REPO, "v1.0", vec![("a.tar.gz", 100)]);
    let asset = fake.release_asset_ids(release)[0];
    let dir = tempdir("downloads");
    let d0 = date("2026-10-10");
    assert_eq!(collect(&fake, dir.path(), at(d0, 6, 0), &[]).code, 0);
    let d1 = plus(d0, 1);
    for (hh, n) in [(6, 110), (12, 125), (18, 140)] {
        fake.set_asset_downloads(asset, n);
        assert_eq!(collect(&fake, dir.path(), at(d1, hh, 0), &[]).code, 0);
    }
    let d2 = plus(d0, 2);
    fake.set_asset_downloads(asset, 150);
    assert_eq!(collect(&fake, dir.path(), at(d2, 6, 0), &[]).code, 0);
    let d3 = plus(d0, 3);
    fake.delete_asset(asset);
    fake.add_release(REPO, "v1.1", vec![("b.tar.gz", 5)]);
    assert_eq!(collect(&fake, dir.path(), at(d3, 6, 0), &[]).code, 0);

    let rows = export(&fake, dir.path());
    assert_eq!(num(&rows[&d0], "downloads"), 0, "downloads before tracking belong to no day");
    assert_eq!(num(&rows[&d1], "downloads"), 40, "three runs, one whole day");
    assert_eq!(num(&rows[&d2], "downloads"), 10);
    assert_eq!(num(&rows[&d3], "downloads"), 5, "a new release's first count");
    let badge: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("downloads.json")).unwrap()).unwrap();
    assert!(badge["message"].as_str().unwrap().starts_with("155"), "deleted asset keeps its count: {badge}");
    let json = gtt(&fake, &["export", "--format", "json", "--data-dir", &dir.path().display().to_string()], &[]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).unwrap();
    assert_eq!(v["repos"][0]["downloads_by_release"]["v1.0"], 150);
    assert_eq!(v["repos"][0]["downloads_by_release"]["v1.1"], 5);
}

#[test]
fn a_months_archive_holds_exactly_its_days_even_when_the_1st_is_missed() {
    // ghtraf's defect 6: the archive took the 1st of the next month and missed its own,
    // and a run missed on the 1st lost the archive for good.
    let fake = world();
    let mut d = date("2026-09-01");
    while d <= date("2026-11-05") {
        fake.set_traffic(REPO, d, u64::from(d.day() as u8), 1, 2, 1);
        d = plus(d, 1);
    }
    let dir = tempdir("archive");
    let archive = tempdir("archive-out");
    let a = archive.path().display().to_string();
    let mut day = date("2026-09-20");
    while day <= date("2026-10-31") {
        assert_eq!(collect(&fake, dir.path(), at(day, 12, 0), &["--archive-dir", &a]).code, 0);
        day = plus(day, 1);
    }
    assert!(!archive.path().join("archive-2026-10.json").exists(), "October is not complete on the 31st");
    // No run on 1 November; the run on the 2nd catches up.
    let r = collect(&fake, dir.path(), at(date("2026-11-02"), 12, 0), &["--archive-dir", &a]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("archived 2026-10"), "{}", r.stdout);
    let text = std::fs::read_to_string(archive.path().join("archive-2026-10.json")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let days: Vec<&String> = v["repos"][REPO]["days"].as_object().unwrap().keys().collect();
    assert_eq!(days.len(), 31);
    assert_eq!(days.first().map(|s| s.as_str()), Some("2026-10-01"));
    assert_eq!(days.last().map(|s| s.as_str()), Some("2026-10-31"));
    assert_eq!(v["repos"][REPO]["totals"]["views"], (1..=31).sum::<u64>());
    assert!(archive.path().join("archive-2026-09.json").exists());
    // Nothing rose: the next run leaves the archive alone.
    let r = collect(&fake, dir.path(), at(date("2026-11-03"), 12, 0), &["--archive-dir", &a]);
    assert!(!r.stdout.contains("archived"), "{}", r.stdout);
    assert_eq!(std::fs::read_to_string(archive.path().join("archive-2026-10.json")).unwrap(), text);
}

#[test]
fn badges_pass_shields_validation_and_render_as_svg() {
    let fake = world();
    fake.add_repo("octo/other");
    let today = date("2026-10-20");
    for back in 1..=20 {
        fake.set_traffic(REPO, plus(today, -back), 100, 10, 5, 2);
    }
    fake.set_repo_stats(REPO, 1234, 5, 6, 7);
    let dir = tempdir("badges");
    fake.set_now(at(today, 8, 0));
    let d = dir.path().display().to_string();
    let r = gtt(
        &fake,
        &[
            "--repos",
            "octo/hello,octo/other",
            "--data-dir",
            &d,
            "--badge-labels",
            "views=visitors",
            "--badge-color",
            "#1f6feb",
        ],
        &[("GITHUB_TOKEN", TOKEN)],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let metrics = ["views", "clones", "installs", "downloads", "stars"];
    let stems: Vec<String> = metrics
        .iter()
        .flat_map(|m| [m.to_string(), format!("badge-octo.hello-{m}"), format!("badge-octo.other-{m}")])
        .collect();
    for stem in &stems {
        let json = std::fs::read_to_string(dir.path().join(format!("{stem}.json"))).unwrap();
        lib::validate_endpoint(&json).unwrap_or_else(|e| panic!("{stem}.json: {e}: {json}"));
        let svg = std::fs::read_to_string(dir.path().join(format!("{stem}.svg"))).unwrap();
        assert!(svg.starts_with("<svg") && svg.contains("<title>"), "{stem}.svg");
    }
    let views: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("views.json")).unwrap()).unwrap();
    assert_eq!(views["label"], "visitors");
    // 14 window days of 100 views each; the last complete day had 100.
    assert_eq!(views["message"], "1,400 (+100 24h)");
    for file in ["views.json", "views.svg", "badge-octo.hello-stars.json", "badge-octo.hello-stars.svg"] {
        let text = std::fs::read_to_string(dir.path().join(file)).unwrap();
        insta::assert_snapshot!(format!("badge_{file}"), text);
    }
}

#[test]
fn ci_that_cannot_be_read_still_stores_traffic_and_fails_loudly() {
    let fake = world();
    fake.set_traffic(REPO, date("2026-10-19"), 3, 1, 2, 1);
    fake.inject(Fault::new("GET", "/actions/runs", 5, FaultKind::Status(403)));
    let dir = tempdir("ci-403");
    let r = collect(&fake, dir.path(), at(date("2026-10-20"), 8, 0), &[]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("Actions: read") && r.stderr.contains("ci-clones: off"), "{}", r.stderr);
    let rows = export(&fake, dir.path());
    assert_eq!(num(&rows[&date("2026-10-19")], "clones"), 2, "traffic was stored");
    assert_eq!(rows[&date("2026-10-19")]["ci_checkouts"], "", "CI not counted is a gap, not 0");
}

#[test]
fn archives_in_a_gist_cost_one_read_on_a_day_that_adds_nothing() {
    let fake = world();
    let mut d = date("2026-10-01");
    while d <= date("2026-11-25") {
        fake.set_traffic(REPO, d, 3, 1, 2, 1);
        d = plus(d, 1);
    }
    let gist = "a1b2c3d4e5f6";
    fake.create_gist(gist, vec![("README.md", "archives")]);
    let dir = tempdir("archive-gist");
    let path = format!("/gists/{gist}");
    let r = collect(&fake, dir.path(), at(date("2026-11-02"), 12, 0), &["--archive-gist-id", gist]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("archived 2026-10"), "{}", r.stdout);
    assert!(fake.gist_file(gist, "archives.json").is_some_and(|l| l.contains(REPO)));
    // The 20th: no October day in GitHub's window, nothing rose. The ledger's read
    // (beside the history's) is the archives' only request.
    let (revisions, reads) = (fake.gist_revisions(gist), fake.count("GET", &path));
    let r = collect(&fake, dir.path(), at(date("2026-11-20"), 12, 0), &["--archive-gist-id", gist]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stdout.contains("archived"), "{}", r.stdout);
    assert_eq!(fake.gist_revisions(gist), revisions, "no write");
    assert_eq!(fake.count("GET", &path) - reads, 1, "one read");
}

#[test]
fn a_folder_runs_requests_do_not_wait_for_the_archive_gists_ledger() {
    let fake = world();
    let gist = "a1b2c3d4e5f6";
    fake.create_gist(gist, vec![("README.md", "archives")]);
    let dir = tempdir("archive-wait");
    assert_eq!(collect(&fake, dir.path(), at(date("2026-11-02"), 12, 0), &["--archive-gist-id", gist]).code, 0);
    // The next day the referrers (asked with the ETag the folder's history keeps) go out
    // while the archive gist's read is still unanswered.
    let referrers = format!("/repos/{REPO}/traffic/popular/referrers");
    let gist_read = format!("/gists/{gist}");
    let together = move |t: &str| t.starts_with(&referrers) || t.starts_with(&gist_read);
    fake.hold_until_together_where(together, 2, std::time::Duration::from_secs(10));
    let r = collect(&fake, dir.path(), at(date("2026-11-03"), 12, 0), &["--archive-gist-id", gist]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(fake.held_together(), 2, "the referrers were asked before the ledger came back");
}
