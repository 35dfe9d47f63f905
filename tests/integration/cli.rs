//! The CLI as a person at a terminal meets it: help per command, a typo's suggestion,
//! the stored repositories as the default, list flags of several words, progress lines,
//! one-line failures for a store without history or a host that cannot be reached.

use std::path::Path;

use crate::fake::*;
use crate::support::{Run, gtt, tempdir};

const TOKEN: &str = "ghp_cli";
const REPOS: [&str; 3] = ["octo/alpha", "octo/beta", "octo/gamma"];

fn world() -> FakeGitHub {
    let fake = FakeGitHub::start();
    fake.add_token(TOKEN, TokenKind::Full);
    for r in REPOS {
        fake.add_repo(r);
    }
    fake
}

fn collect(fake: &FakeGitHub, dir: &Path, extra: &[&str]) -> Run {
    let d = dir.display().to_string();
    let mut args = vec!["collect", "--data-dir", &d];
    args.extend_from_slice(extra);
    gtt(fake, &args, &[("GITHUB_TOKEN", TOKEN)])
}

#[test]
fn each_command_has_its_own_help() {
    let fake = FakeGitHub::start();
    let r = gtt(&fake, &["help", "collect"], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for other in [&["collect", "--help"][..], &["collect", "-h"], &["-h", "collect"]] {
        assert_eq!(gtt(&fake, other, &[]).stdout, r.stdout, "{other:?}");
    }
    assert!(r.stdout.contains("--repos") && r.stdout.contains("--concurrency"), "{}", r.stdout);
    assert!(
        !r.stdout.contains("--format") && !r.stdout.contains("--apply"),
        "export's and init's inputs are not collect's"
    );
    let text = r.stdout.replace(env!("CARGO_PKG_VERSION"), "[version]");
    insta::assert_snapshot!("help_collect", text);

    let doctor = gtt(&fake, &["doctor", "--help"], &[]);
    assert!(doctor.stdout.contains("  4  doctor: the worst check was a warning"), "{}", doctor.stdout);
    assert!(!r.stdout.contains("  4  "), "only doctor exits 4");
    let overall = gtt(&fake, &["help"], &[]);
    assert!(overall.stdout.contains("COMMANDS:") && overall.stdout.contains("--format"));
    assert!(fake.requests().is_empty(), "help asks GitHub nothing");
}

#[test]
fn a_typo_in_a_flag_or_command_gets_a_suggestion_on_one_line() {
    let fake = world();
    let r = gtt(&fake, &["collect", "--repo", "octo/alpha"], &[("GITHUB_TOKEN", TOKEN)]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(r.stderr, "error: unknown flag --repo: did you mean `--repos`? (`gtt help` lists the flags)\n");
    let r = gtt(&fake, &["colect"], &[("GITHUB_TOKEN", TOKEN)]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(r.stderr.contains("did you mean `collect`?"), "{}", r.stderr);
    let r = gtt(&fake, &["--frobnicate"], &[("GITHUB_TOKEN", TOKEN)]);
    assert!(r.stderr.contains("unknown flag --frobnicate: run `gtt help`"), "{}", r.stderr);
    assert!(fake.requests().is_empty(), "bad input never reaches GitHub");
}

#[test]
fn without_repos_the_store_s_repositories_are_collected_and_said() {
    let fake = world();
    let dir = tempdir("cli-tracked");
    let first = collect(&fake, dir.path(), &["--repos", REPOS[0], REPOS[1]]);
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(first.stderr.contains("new store: no history yet in folder"), "{}", first.stderr);
    assert!(!first.stderr.contains("read the stored history"), "{}", first.stderr);

    let again = collect(&fake, dir.path(), &[]);
    assert_eq!(again.code, 0, "{}", again.stderr);
    let said = format!("no repos given: collecting the 2 repositories {}, {} that folder", REPOS[0], REPOS[1]);
    assert!(again.stderr.contains(&said), "{}", again.stderr);
    assert!(again.stderr.contains("read the stored history of 2 repositories"), "{}", again.stderr);
    for repo in &REPOS[..2] {
        assert!(again.stdout.lines().any(|l| l.starts_with(&format!("{repo}: "))), "{}", again.stdout);
    }
    assert!(!again.stdout.contains(REPOS[2]), "{}", again.stdout);

    // Exclusions still apply to the stored repositories.
    let one = collect(&fake, dir.path(), &["--repos", "!octo/beta"]);
    assert_eq!(one.code, 0, "{}", one.stderr);
    assert!(one.stderr.contains("collecting the 1 repository octo/alpha that"), "{}", one.stderr);
}

#[test]
fn a_list_flag_takes_several_words() {
    let fake = world();
    let dir = tempdir("cli-from");
    let d = dir.path().display().to_string();
    let fixture =
        |f: &str| format!("{}/tests/fixtures/import/repository-traffic-action/{f}", env!("CARGO_MANIFEST_DIR"));
    let (views, clones) = (fixture("views.csv"), fixture("clones.csv"));
    let r = gtt(&fake, &["backfill", "--repos", REPOS[0], "--data-dir", &d, "--from", &views, &clones, "-v"], &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    // The history's live and settled files (a folder keeps the days before the last few
    // months apart), their days and import sources together.
    let (mut days, mut sources) = (serde_json::Map::new(), serde_json::Map::new());
    for name in ["history-octo.alpha.json", "settled-octo.alpha.json"] {
        let Ok(text) = std::fs::read_to_string(dir.path().join(name)) else { continue };
        let h: serde_json::Value = serde_json::from_str(&text).unwrap();
        days.extend(h["days"].as_object().cloned().unwrap_or_default());
        sources.extend(h["imported"].as_object().cloned().unwrap_or_default());
    }
    for f in ["views.csv", "clones.csv"] {
        assert!(sources.keys().any(|k| k.contains(f)), "{f} imported: {sources:?}");
    }
    // Views and clones of one day, each from its own file.
    assert_eq!(days["2026-01-20"][0], 17, "{days:?}");
    assert_eq!(days["2026-01-20"][2], 3, "{days:?}");
}

#[test]
fn collect_says_each_repository_as_it_finishes() {
    let fake = world();
    let dir = tempdir("cli-progress");
    let r = collect(&fake, dir.path(), &["--repos", REPOS[0], REPOS[1], REPOS[2]]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    for k in 1..=3 {
        let tag = format!("[{k}/3] ");
        let line = r.stderr.lines().find(|l| l.contains(&tag)).unwrap_or_else(|| panic!("{tag} in {}", r.stderr));
        assert!(REPOS.iter().any(|repo| line.contains(&format!("{repo}: "))) && line.contains("new day"), "{line}");
    }
    // -q keeps warnings and errors only.
    let quiet = collect(&fake, dir.path(), &["--repos", REPOS[0], "-q"]);
    assert_eq!(quiet.code, 0, "{}", quiet.stderr);
    assert!(!quiet.stderr.contains("[1/1]") && !quiet.stderr.contains("INFO"), "{}", quiet.stderr);
}

#[test]
fn a_store_without_history_fails_doctor_and_export() {
    let fake = world();
    let dir = tempdir("cli-missing");
    let missing = dir.path().join("nothing-here").display().to_string();
    let r = gtt(&fake, &["export", "--data-dir", &missing], &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert_eq!(r.stderr.lines().count(), 1, "{}", r.stderr);
    assert!(r.stderr.starts_with("error: folder ") && r.stderr.contains("holds no history"), "{}", r.stderr);
    assert!(r.stdout.is_empty(), "{}", r.stdout);

    let r = gtt(&fake, &["doctor", "--data-dir", &missing], &[("GITHUB_TOKEN", TOKEN)]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let fail: Vec<&str> = r.stdout.lines().filter(|l| l.starts_with("FAIL")).collect();
    assert_eq!(fail.len(), 1, "{}", r.stdout);
    assert!(fail[0].contains("holds no history"), "{}", r.stdout);

    let r = gtt(&fake, &["collect", "--data-dir", &missing], &[("GITHUB_TOKEN", TOKEN)]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("no `repos` were given"), "{}", r.stderr);
    assert!(!Path::new(&missing).exists(), "nothing was written");

    // No built dashboard is bad input found before anything is fetched or written.
    let no_site = dir.path().join("no-site").display().to_string();
    let out = dir.path().join("site").display().to_string();
    let args = ["--repos", REPOS[0], "--dashboard-dir", &out, "--site-dir", &no_site, "--data-dir", &missing];
    let r = gtt(&fake, &[&["collect"][..], &args].concat(), &[("GITHUB_TOKEN", TOKEN)]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("holds no index.html"), "{}", r.stderr);
    assert!(!Path::new(&missing).exists(), "nothing was written");
    assert!(fake.requests().is_empty(), "GitHub was not asked");
}

#[test]
fn a_host_that_refuses_connections_ends_the_run() {
    let fake = world();
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let dead = format!("http://127.0.0.1:{port}");
    let dir = tempdir("cli-dead");
    let r = collect(&fake, dir.path(), &["--repos", REPOS[0], REPOS[1], "--api-url", &dead]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains(&format!("could not connect to {dead}")), "{}", r.stderr);
    assert!(r.stderr.lines().last().unwrap().starts_with("error: "), "{}", r.stderr);
    assert!(fake.requests().is_empty());
}
