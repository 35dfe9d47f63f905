//! GitHub's traffic answers are checked before they are believed: an answer that is not
//! in the documented shape (https://docs.github.com/en/rest/metrics/traffic) fails its
//! repository with one clear line and stores nothing from it; listed repository names
//! that GitHub could not have given never reach output.

use std::path::{Path, PathBuf};

use crate::fake::*;
use crate::support::{Run, gtt, tempdir};
use jiff::civil::Date;

const TOKEN: &str = "ghp_answers";
const REPO: &str = "octo/hello";

fn date(s: &str) -> Date {
    s.parse().unwrap()
}

/// One repository with three weeks of traffic around the fake's clock (2026-11-01).
fn world() -> FakeGitHub {
    let fake = FakeGitHub::start();
    fake.add_token(TOKEN, TokenKind::Full);
    fake.add_repo(REPO);
    for i in 0..21 {
        let d = date("2026-10-12").checked_add(jiff::Span::new().days(i)).unwrap();
        fake.set_traffic(REPO, d, 10 + i as u64, 5, 2 + i as u64, 1);
    }
    fake
}

fn collect(fake: &FakeGitHub, dir: &Path) -> Run {
    let dir = dir.display().to_string();
    gtt(fake, &["collect", "--repos", REPO, "--data-dir", &dir], &[("GITHUB_TOKEN", TOKEN)])
}

fn history_file(dir: &Path) -> PathBuf {
    dir.join("history-octo.hello.json")
}

/// A folder store after one good collection, the clock then moved a day on with new
/// traffic, so any run that stores something changes the history file.
fn collected_once(name: &str) -> (FakeGitHub, tempfile::TempDir, String) {
    let fake = world();
    let dir = tempdir(name);
    let r = collect(&fake, dir.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let before = std::fs::read_to_string(history_file(dir.path())).unwrap();
    fake.advance(jiff::SignedDuration::from_hours(24));
    fake.set_traffic(REPO, date("2026-11-02"), 99, 9, 9, 9);
    (fake, dir, before)
}

/// `body` answered once for `endpoint`: the run fails (exit 1) naming the repository
/// and the endpoint, and the history file is byte for byte what it was.
fn refused(name: &str, endpoint: &str, what: &str, body: &'static str) {
    let (fake, dir, before) = collected_once(name);
    fake.inject(Fault::new("GET", endpoint, 1, FaultKind::Body { status: 200, body }));
    let r = collect(&fake, dir.path());
    assert_eq!(r.code, 1, "{body}: {}\n{}", r.stdout, r.stderr);
    let says = format!("GitHub's {what} answer is not in the documented shape (");
    let everything = format!("{}\n{}", r.stdout, r.stderr);
    let line = everything.lines().find(|l| l.contains(&says)).unwrap_or_else(|| panic!("{body}: {everything}"));
    // The failed repository's line goes through the logger, which prefixes its level.
    let line = line.trim_start_matches("[ERROR gtt] ");
    assert!(
        line.starts_with("octo/hello: ")
            && line.ends_with("nothing from it was stored (see https://docs.github.com/en/rest/metrics/traffic)"),
        "{line}"
    );
    let after = std::fs::read_to_string(history_file(dir.path())).unwrap();
    assert_eq!(before, after, "{body}: nothing from the repository was stored");
}

#[test]
fn views_answer_that_is_a_list_is_refused() {
    refused("views-list", "/traffic/views", "views", "[]");
}

#[test]
fn views_answer_without_the_daily_list_is_refused() {
    refused("views-totals", "/traffic/views", "views", r#"{"count":483,"uniques":100}"#);
}

#[test]
fn clones_answer_without_the_daily_list_is_refused() {
    refused("clones-totals", "/traffic/clones", "clones", r#"{"count":483,"uniques":100,"views":[]}"#);
}

#[test]
fn buckets_outside_githubs_window_are_refused() {
    for (i, ts) in ["2099-01-01T00:00:00Z", "1970-01-01T00:00:00Z", "2026-11-03T00:00:00Z", "2026-10-15T00:00:00Z"]
        .into_iter()
        .enumerate()
    {
        let body = format!(r#"{{"count":5,"uniques":1,"views":[{{"timestamp":"{ts}","count":5,"uniques":1}}]}}"#);
        refused(&format!("window-{i}"), "/traffic/views", "views", Box::leak(body.into_boxed_str()));
    }
}

#[test]
fn bad_buckets_are_refused() {
    let bodies = [
        r#"{"count":5,"uniques":1,"views":[{"timestamp":"2026-11-01T12:00:00Z","count":5,"uniques":1}]}"#,
        r#"{"count":5,"uniques":1,"views":[{"timestamp":"2026-11-01T00:00:00Z","count":-5,"uniques":1}]}"#,
        r#"{"count":5,"uniques":1,"views":[{"timestamp":"2026-11-01T00:00:00Z","count":5,"uniques":6}]}"#,
        r#"{"count":5,"uniques":9,"views":[]}"#,
        r#"{"count":5,"uniques":1,"views":[{"timestamp":"2026-11-01T00:00:00Z","count":5,"uniques":1},{"timestamp":"2026-11-01T00:00:00Z","count":5,"uniques":1}]}"#,
    ];
    for (i, body) in bodies.into_iter().enumerate() {
        refused(&format!("bucket-{i}"), "/traffic/views", "views", body);
    }
}

#[test]
fn bad_popular_answers_are_refused() {
    refused("referrers-object", "/popular/referrers", "referrers", r#"{"referrer":"x","count":1,"uniques":1}"#);
    refused("referrers-uniques", "/popular/referrers", "referrers", r#"[{"referrer":"x","count":1,"uniques":2}]"#);
    refused("paths-fields", "/popular/paths", "paths", r#"[{"count":1,"uniques":1}]"#);
}

#[test]
fn a_good_answer_still_stores_normally() {
    let (fake, dir, before) = collected_once("good");
    // GitHub's own shape, sent raw: the oldest day of the window and today.
    let body = r#"{"count":12,"uniques":4,"views":[{"timestamp":"2026-10-19T00:00:00Z","count":7,"uniques":3},{"timestamp":"2026-11-02T00:00:00Z","count":5,"uniques":1}]}"#;
    fake.inject(Fault::new("GET", "/traffic/views", 1, FaultKind::Body { status: 200, body }));
    let r = collect(&fake, dir.path());
    assert_eq!(r.code, 0, "{}", r.stderr);
    let after = std::fs::read_to_string(history_file(dir.path())).unwrap();
    assert_ne!(before, after);
    let h: serde_json::Value = serde_json::from_str(&after).unwrap();
    assert_eq!(h["days"]["2026-11-02"][0], 5, "views of today as answered");
    assert!(h["days"]["2026-11-02"][2].as_u64().unwrap() > 0, "clones from the fake's own answer");
    assert_eq!(h["days"]["2026-10-19"][0], 17, "a day already stored keeps its maximum");
}

#[test]
fn listed_names_github_could_not_give_never_reach_output() {
    let fake = world();
    let hostile = "octo/x\n::add-mask::pwned";
    fake.add_repo(hostile);
    fake.add_repo("octo/also-good");
    let dir = tempdir("names");
    let (out, summary) = (dir.path().join("out"), dir.path().join("summary"));
    let env = [
        ("GITHUB_ACTIONS", "true"),
        ("INPUT_TOKEN", TOKEN),
        ("INPUT_REPOS", "octo/*"),
        ("INPUT_DATA-DIR", dir.path().to_str().unwrap()),
        ("GITHUB_OUTPUT", out.to_str().unwrap()),
        ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap()),
    ];
    let r = gtt(&fake, &[], &env);
    let everything = format!("{}\n{}", r.stdout, r.stderr);
    assert!(!everything.lines().any(|l| l.starts_with("::add-mask::pwned")), "{everything}");
    assert_eq!(r.code, 0, "{everything}");
    assert!(r.stderr.contains(r#""octo/x\n::add-mask::pwned""#), "warned, escaped: {everything}");
    assert_eq!(fake.count("GET", "pwned"), 0, "never asked about");
    for file in [&out, &summary] {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        assert!(!text.contains("pwned"), "{text}");
    }
    let names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert!(names.iter().all(|n| !n.contains("pwned")), "{names:?}");
    assert!(names.contains(&"history-octo.also-good.json".to_string()), "{names:?}");
}

#[test]
fn a_run_clock_ahead_of_github_zeroes_no_day_github_did_not_answer() {
    let fake = world();
    let dir = tempdir("clock-ahead");
    let d = dir.path().display().to_string();
    // GitHub's clock (the answers' Date) says 2026-11-01; the run's own says 11-02.
    let r = gtt(
        &fake,
        &["collect", "--repos", REPO, "--data-dir", &d, "--now", "2026-11-02T12:00:00Z"],
        &[("GITHUB_TOKEN", TOKEN)],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let h: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(history_file(dir.path())).unwrap()).unwrap();
    assert!(h["days"].get("2026-11-02").is_none(), "no invented zero: {}", h["days"]);
    assert!(h["days"]["2026-11-01"][0].as_u64().unwrap() > 0, "GitHub's today is kept");
}

/// The stored days of a first collection into a fresh folder with the run's clock at
/// `now`, and what the run said on stderr.
fn days_collected_at(now: &str) -> (serde_json::Value, String) {
    let fake = world();
    let dir = tempdir("skew");
    let d = dir.path().display().to_string();
    let r = gtt(&fake, &["collect", "--repos", REPO, "--data-dir", &d, "--now", now], &[("GITHUB_TOKEN", TOKEN)]);
    assert_eq!(r.code, 0, "{now}: {}", r.stderr);
    let h: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(history_file(dir.path())).unwrap()).unwrap();
    (h["days"].clone(), r.stderr)
}

#[test]
fn githubs_clock_defines_the_window_and_a_wrong_one_is_said_once() {
    let fake_now = world().now().to_string();
    let (truth, quiet) = days_collected_at(&fake_now);
    assert!(!quiet.contains("the run's clock"), "a right clock is not mentioned: {quiet}");
    let days = truth.as_object().unwrap();
    assert!(days.keys().all(|d| d.as_str() <= "2026-11-01" && d.as_str() >= "2026-10-17"), "{truth}");
    // Ten days behind and eight ahead of GitHub's: the same days, the same figures.
    for now in ["2026-10-22T12:00:00Z", "2026-11-09T12:00:00Z"] {
        let (got, stderr) = days_collected_at(now);
        assert_eq!(got, truth, "{now}: only what GitHub's window covers");
        assert_eq!(stderr.matches("the run's clock says").count(), 1, "{now}: one clock line: {stderr}");
        assert!(stderr.contains(&now[..10]) && stderr.contains("2026-11-01"), "{now}: both dates: {stderr}");
    }
}
