//! Adoption: `gtt doctor` against fakes that exhibit each problem, and exports for
//! analysis.
#![allow(clippy::unwrap_used)]

mod common;

use common::fake::*;
use common::run::{gtt, tempdir};
use jiff::{SignedDuration, Timestamp};

const TOKEN: &str = "ghp_doctor";
const REPO: &str = "octo/hello";
const GIST: &str = "d0c70r";

fn world() -> FakeGitHub {
    let fake = FakeGitHub::start();
    fake.add_token(TOKEN, TokenKind::Full);
    fake.add_repo(REPO);
    fake.create_gist(GIST, vec![("README.md", "x")]);
    fake
}

fn collect(fake: &FakeGitHub) {
    let r = gtt(fake, &["collect", "--repos", REPO, "--gist-id", GIST, "--token", TOKEN], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
}

fn doctor(fake: &FakeGitHub, token: &str) -> common::run::Run {
    gtt(fake, &["doctor", "--repos", REPO, "--gist-id", GIST, "--token", token], &[])
}

fn line<'a>(out: &'a str, needle: &str) -> &'a str {
    out.lines().find(|l| l.contains(needle)).unwrap_or_else(|| panic!("no line with {needle:?} in:\n{out}"))
}

fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

#[test]
fn a_healthy_setup_is_all_ok() {
    let fake = world();
    collect(&fake);
    let r = doctor(&fake, TOKEN);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.lines().filter(|l| !l.starts_with("worst")).all(|l| l.starts_with("OK")), "{}", r.stdout);
    assert!(line(&r.stdout, "reads traffic").starts_with("OK"));
    assert!(line(&r.stdout, "belongs to the gist token's account").starts_with("OK"));
    assert!(r.stdout.ends_with("worst: OK\n"));
}

#[test]
fn a_token_without_traffic_access_fails_with_the_fix() {
    let fake = world();
    fake.add_token("workflow", TokenKind::WorkflowToken);
    let r = doctor(&fake, "workflow");
    assert_eq!(r.code, 1, "{}", r.stdout);
    let l = line(&r.stdout, "cannot read traffic");
    assert!(l.starts_with("FAIL") && l.contains("Administration: read"), "{l}");
}

#[test]
fn staleness_warns_at_ten_days_and_fails_at_fourteen() {
    let fake = world();
    collect(&fake);
    fake.set_pushed_at(REPO, fake.now().checked_add(days(10)).unwrap());
    fake.advance(days(11));
    let r = doctor(&fake, TOKEN);
    assert_eq!(r.code, 4, "a warning exits 4: {}", r.stdout);
    assert!(line(&r.stdout, "last collected 11 day(s) ago").starts_with("WARN"));
    fake.advance(days(4));
    let r = doctor(&fake, TOKEN);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(line(&r.stdout, "last collected 15 day(s) ago").contains("days are being lost"));

    // The collect run itself warns too, before the window closes.
    let fake = world();
    collect(&fake);
    fake.set_pushed_at(REPO, fake.now());
    fake.advance(days(12));
    let r =
        gtt(&fake, &["collect", "--repos", REPO, "--gist-id", GIST, "--token", TOKEN], &[("GITHUB_ACTIONS", "true")]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let w = line(&r.stdout, "::warning");
    assert!(w.contains("last collected 12 day(s) ago"), "{w}");
}

#[test]
fn gaps_and_the_sixty_day_schedule_rule_are_warned() {
    let fake = world();
    collect(&fake);
    fake.advance(days(20));
    collect(&fake);
    let pushed: Timestamp = fake.now().checked_sub(days(50)).unwrap();
    fake.set_pushed_at(REPO, pushed);
    let r = doctor(&fake, TOKEN);
    assert_eq!(r.code, 4, "{}", r.stdout);
    assert!(line(&r.stdout, "gap(s) in the history").starts_with("WARN"));
    let l = line(&r.stdout, "last push 50 day(s) ago");
    assert!(l.starts_with("WARN") && l.contains("60 days"), "{l}");

    // In a workflow, collect warns about the schedule as well.
    let r =
        gtt(&fake, &["collect", "--repos", REPO, "--gist-id", GIST, "--token", TOKEN], &[("GITHUB_ACTIONS", "true")]);
    assert!(
        r.stdout.lines().any(|l| l.starts_with("::warning") && l.contains("disables scheduled workflows")),
        "{}",
        r.stdout
    );
}

#[test]
fn a_gist_near_the_listing_limit_is_warned_and_an_unreadable_history_fails() {
    let fake = world();
    let names: Vec<String> = (0..260).map(|i| format!("f{i:03}.txt")).collect();
    fake.create_gist("big", names.iter().map(|n| (n.as_str(), "x")).collect());
    let r = gtt(&fake, &["doctor", "--repos", REPO, "--gist-id", "big", "--token", TOKEN], &[]);
    assert!(line(&r.stdout, "260 files").starts_with("WARN"), "{}", r.stdout);

    fake.create_gist("bad", vec![("history-octo.hello.json", "{\"schema\":7}")]);
    let r = gtt(&fake, &["doctor", "--repos", REPO, "--gist-id", "bad", "--token", TOKEN], &[]);
    assert_eq!(r.code, 1);
    assert!(line(&r.stdout, "stored history cannot be read").contains("newer gtt"), "{}", r.stdout);
}

#[test]
fn ndjson_export_has_one_typed_object_per_day() {
    let fake = world();
    let today = fake.now().to_zoned(jiff::tz::TimeZone::UTC).date();
    fake.set_traffic(REPO, today.yesterday().unwrap(), 12, 3, 4, 2);
    let dir = tempdir("ndjson");
    let d = dir.display().to_string();
    let r = gtt(&fake, &["collect", "--repos", REPO, "--data-dir", &d], &[("GITHUB_TOKEN", TOKEN)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let e = gtt(&fake, &["export", "--format", "ndjson", "--data-dir", &d], &[]);
    assert_eq!(e.code, 0, "{}", e.stderr);
    let rows: Vec<serde_json::Value> = e.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 14);
    let y = rows.iter().find(|r| r["date"] == today.yesterday().unwrap().to_string()).unwrap();
    assert_eq!(
        (y["repo"].as_str(), y["views"].as_u64(), y["clones_uniques"].as_u64()),
        (Some(REPO), Some(12), Some(2))
    );
    assert!(y["stars"].is_null(), "not observed that day: null, not 0");
    let _ = std::fs::remove_dir_all(&dir);
}
