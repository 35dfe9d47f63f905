//! Adoption: `gtt doctor` against fakes that exhibit each problem, and exports for
//! analysis.

use crate::fake::*;
use crate::support::{gtt, tempdir};
use jiff::{SignedDuration, Timestamp};

const TOKEN: &str = "ghp_doctor";
const REPO: &str = "octo/hello";
const GIST: &str = "d0c70r";
/// The repository that publishes the gtt action, for `gtt init --action`.
const HOME: &str = "acme/gtt";

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

fn doctor(fake: &FakeGitHub, token: &str) -> crate::support::Run {
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
    let names: Vec<String> = (0..275).map(|i| format!("f{i:03}.txt")).collect();
    fake.create_gist("big", names.iter().map(|n| (n.as_str(), "x")).collect());
    let r = gtt(&fake, &["doctor", "--repos", REPO, "--gist-id", "big", "--token", TOKEN], &[]);
    assert!(line(&r.stdout, "275 files").starts_with("WARN"), "{}", r.stdout);

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
    let d = dir.path().display().to_string();
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
    insta::assert_snapshot!("export_ndjson", e.stdout);
}

/// A checkout of `octo/hello` with a GitHub origin remote.
fn checkout(name: &str) -> tempfile::TempDir {
    let dir = tempdir(name);
    std::fs::create_dir_all(dir.path().join(".git")).unwrap();
    std::fs::write(
        dir.path().join(".git/config"),
        "[core]\n\tbare = false\n[remote \"origin\"]\n\turl = git@github.com:octo/hello.git\n\tfetch = +refs/heads/*:refs/remotes/origin/*\n",
    )
    .unwrap();
    dir
}

#[test]
fn init_dry_run_creates_nothing() {
    let fake = FakeGitHub::start();
    fake.add_token(TOKEN, TokenKind::Full);
    fake.add_repo(REPO);
    let dir = checkout("init-dry");
    let d = dir.path().display().to_string();
    let r = gtt(&fake, &["init", "--repo-dir", &d, "--token", TOKEN, "--dry-run", "--action", HOME], &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("uses: acme/gtt@v1\n"), "the printed workflow uses --action's: {}", r.stdout);
    assert!(!r.stdout.contains("OWNER"), "no placeholder: {}", r.stdout);
    assert!(r.stdout.contains("would create a public gist") && r.stdout.contains("would create a secret gist"));
    assert!(r.stdout.contains("gh secret set GTT_TOKEN --repo octo/hello"), "{}", r.stdout);
    assert!(fake.gist_ids().is_empty(), "no gist created");
    assert!(!dir.path().join(".github").exists(), "no workflow written");
    assert_eq!(fake.count("POST", "/gists"), 0);
}

#[test]
fn init_creates_the_gists_and_a_valid_workflow_and_is_safe_to_rerun() {
    let fake = FakeGitHub::start();
    fake.add_token(TOKEN, TokenKind::Full);
    fake.add_repo(REPO);
    let dir = checkout("init");
    let d = dir.path().display().to_string();
    let r = gtt(&fake, &["init", "--repo-dir", &d, "--token", TOKEN, "--action", HOME], &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let ids = fake.gist_ids();
    assert_eq!(ids.len(), 2);
    let public: Vec<bool> = ids.iter().map(|id| fake.gist_public(id).unwrap()).collect();
    assert!(public.contains(&true) && public.contains(&false), "a public history gist and a secret archive gist");
    for id in &ids {
        assert!(r.stdout.contains(&format!("--body {id}")), "gh variable set for {id}: {}", r.stdout);
    }
    assert!(!r.stdout.contains(TOKEN), "the token is never printed");

    let text = std::fs::read_to_string(dir.path().join(".github/workflows/gtt.yml")).unwrap();
    let y: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    assert!(y["on"]["schedule"][0]["cron"].is_string());
    assert!(y["on"]["workflow_dispatch"]["inputs"]["from"].is_object());
    assert_eq!(y["concurrency"]["group"], "gtt-traffic");
    assert!(y["permissions"].as_object().unwrap().is_empty());
    let steps = y["jobs"]["gtt"]["steps"].as_array().unwrap();
    let gtt_step = steps.iter().find(|s| s["uses"].as_str().is_some_and(|u| u.contains("/gtt@v"))).unwrap();
    assert_eq!(gtt_step["uses"], format!("{HOME}@v{}", env!("CARGO_PKG_VERSION").split('.').next().unwrap()));
    assert!(!text.contains("OWNER"), "no placeholder in the written file:\n{text}");
    assert_eq!(gtt_step["with"]["token"], "${{ secrets.GTT_TOKEN }}");
    assert!(gtt_step["with"].get("repos").is_none(), "tracks its own repository by default");

    // Again: the same gists are found, the workflow is left as it is.
    let r = gtt(&fake, &["init", "--repo-dir", &d, "--token", TOKEN, "--action", HOME], &[]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert_eq!(fake.gist_ids(), ids, "no new gists");
    assert!(r.stdout.contains("found gist") && r.stdout.contains("is up to date"), "{}", r.stdout);
    std::fs::write(dir.path().join(".github/workflows/gtt.yml"), "# mine\n").unwrap();
    let r = gtt(&fake, &["init", "--repo-dir", &d, "--token", TOKEN, "--action", HOME], &[]);
    assert!(r.stdout.contains("exists and differs; left as is"));
    assert_eq!(std::fs::read_to_string(dir.path().join(".github/workflows/gtt.yml")).unwrap(), "# mine\n");
}

#[test]
fn init_refuses_to_create_anything_with_a_token_that_cannot_read_traffic() {
    let fake = FakeGitHub::start();
    fake.add_token("weak", TokenKind::FineGrainedNoAdmin);
    fake.add_repo(REPO);
    let dir = checkout("init-weak");
    let d = dir.path().display().to_string();
    let r = gtt(&fake, &["init", "--repo-dir", &d, "--token", "weak", "--action", HOME], &[]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("Administration: read") && r.stdout.contains("nothing was created"), "{}", r.stdout);
    assert!(fake.gist_ids().is_empty());
}

#[test]
fn init_apply_runs_gh_with_the_secret_on_stdin() {
    use std::os::unix::fs::PermissionsExt;
    let fake = FakeGitHub::start();
    fake.add_token(TOKEN, TokenKind::Full);
    fake.add_repo(REPO);
    let dir = checkout("init-apply");
    let bin = dir.path().join("bin");
    std::fs::create_dir_all(&bin).unwrap();
    let log = dir.path().join("gh.log");
    std::fs::write(
        bin.join("gh"),
        format!("#!/bin/sh\necho \"ARGS $*\" >> {0}\necho \"STDIN $(cat)\" >> {0}\n", log.display()),
    )
    .unwrap();
    std::fs::set_permissions(bin.join("gh"), std::fs::Permissions::from_mode(0o755)).unwrap();
    let path = format!("{}:{}", bin.display(), std::env::var("PATH").unwrap_or_default());
    let r = gtt(
        &fake,
        &["init", "--repo-dir", &dir.path().display().to_string(), "--token", TOKEN, "--apply", "--action", HOME],
        &[("PATH", &path)],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let calls = std::fs::read_to_string(&log).unwrap();
    assert!(calls.contains("ARGS secret set GTT_TOKEN --repo octo/hello"), "{calls}");
    assert!(calls.contains(&format!("STDIN {TOKEN}")), "the token goes through stdin: {calls}");
    assert!(!calls.lines().filter(|l| l.starts_with("ARGS")).any(|l| l.contains(TOKEN)), "never in argv");
    assert_eq!(calls.matches("ARGS variable set").count(), 2);
}

#[test]
fn init_without_a_known_action_home_asks_for_it_and_writes_no_placeholder() {
    let fake = FakeGitHub::start();
    fake.add_token(TOKEN, TokenKind::Full);
    fake.add_repo(REPO);
    let dir = checkout("init-home");
    let d = dir.path().display().to_string();
    let r = gtt(&fake, &["init", "--repo-dir", &d, "--token", TOKEN, "--dry-run"], &[]);
    match option_env!("GTT_ACTION_REPO") {
        // A build from source does not know where the action is published.
        None => {
            assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
            assert!(r.stderr.contains("input `action`") && r.stderr.contains("--action acme/gtt"), "{}", r.stderr);
            assert_eq!(r.stderr.trim().lines().count(), 1, "{}", r.stderr);
            assert_eq!(
                fake.count("GET", "/repos/octo/hello/traffic/views"),
                0,
                "nothing asked before the inputs are right"
            );
        }
        // A release build names it.
        Some(home) => {
            assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
            assert!(r.stdout.contains(&format!("uses: {home}@v")), "{}", r.stdout);
        }
    }
    assert!(!r.stdout.contains("OWNER/") && !r.stderr.contains("OWNER/"), "{}{}", r.stdout, r.stderr);
    assert!(!dir.path().join(".github").exists());

    let r = gtt(&fake, &["init", "--repo-dir", &d, "--token", TOKEN, "--dry-run", "--action", "acme/gtt@v1"], &[]);
    assert_eq!(r.code, 2, "a version is init's to pin: {}", r.stderr);
    assert!(r.stderr.contains("input `action`"), "{}", r.stderr);
}

#[test]
fn init_branch_writes_the_branch_workflow_and_creates_no_gist() {
    let fake = FakeGitHub::start();
    fake.add_token(TOKEN, TokenKind::Full);
    fake.add_repo(REPO);
    let dir = checkout("init-branch");
    let d = dir.path().display().to_string();
    let r = gtt(&fake, &["init", "--repo-dir", &d, "--token", TOKEN, "--action", HOME, "--branch", "gtt-data"], &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(fake.gist_ids().is_empty(), "a branch store needs no gist");
    assert_eq!(fake.count("GET", "/gists"), 0);
    insta::assert_snapshot!("init_branch", r.stdout.replace(&d, "DIR"));
    let text = std::fs::read_to_string(dir.path().join(".github/workflows/gtt.yml")).unwrap();
    assert!(!text.contains("OWNER") && !text.contains("gist-id"), "{text}");
    let y: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    let steps = y["jobs"]["gtt"]["steps"].as_array().unwrap();
    assert_eq!(steps[0]["with"]["data-branch"], "gtt-data");
    assert_eq!(steps[0]["with"]["data-token"], "${{ github.token }}", "the workflow's token writes the branch");
    assert_eq!(steps[0]["with"]["token"], "${{ secrets.GTT_TOKEN }}", "the personal token reads traffic");
    assert_eq!(steps[1]["with"]["command"], "dashboard");
    assert!(steps[1]["with"].get("out").is_none(), "the site goes into the branch");
    assert_eq!(y["jobs"]["gtt"]["permissions"]["contents"], "write");
    assert_eq!(y["jobs"]["pages"]["steps"][0]["with"]["ref"], "gtt-data");
    assert!(!dir.path().join(".github/workflows/gtt-pages.yml").exists());

    let r = gtt(&fake, &["init", "--repo-dir", &d, "--token", TOKEN, "--action", HOME, "--branch", "gtt-data"], &[]);
    assert!(r.stdout.contains("is up to date"), "{}", r.stdout);
    let r =
        gtt(&fake, &["init", "--repo-dir", &d, "--token", TOKEN, "--action", HOME, "--branch", "x", "--pages"], &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("`pages` and `branch`"), "{}", r.stderr);
    let r = gtt(&fake, &["init", "--repo-dir", &d, "--token", TOKEN, "--action", HOME, "--branch", "../x"], &[]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("input `branch`"), "{}", r.stderr);
    // `data-branch` names where other commands read; init is told with `branch`, and never
    // sets up gists instead.
    fake.clear_requests();
    let r = gtt(
        &fake,
        &[
            "init",
            "--repo-dir",
            &d,
            "--token",
            TOKEN,
            "--action",
            HOME,
            "--data-branch",
            "gtt-data",
            "--data-repo",
            HOME,
        ],
        &[],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("input `data-branch`") && r.stderr.contains("gtt init --branch NAME"), "{}", r.stderr);
    assert_eq!(fake.count("POST", "/gists"), 0, "no gist created");
}

#[test]
fn init_pages_writes_the_pages_workflow_too() {
    let fake = FakeGitHub::start();
    fake.add_token(TOKEN, TokenKind::Full);
    fake.add_repo(REPO);
    let dir = checkout("init-pages");
    let d = dir.path().display().to_string();
    let r = gtt(&fake, &["init", "--repo-dir", &d, "--token", TOKEN, "--action", HOME, "--pages"], &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let pages_path = dir.path().join(".github/workflows/gtt-pages.yml");
    let text = std::fs::read_to_string(&pages_path).unwrap();
    assert!(!text.contains("OWNER"), "no placeholder:\n{text}");
    let y: serde_json::Value = serde_saphyr::from_str(&text).unwrap();
    let step = &y["jobs"]["build"]["steps"][0];
    assert_eq!(step["uses"], "acme/gtt@v1");
    assert_eq!(step["with"]["command"], "dashboard");
    assert_eq!(step["with"]["gist-id"], "${{ vars.GTT_GIST_ID }}");
    assert_eq!(y["jobs"]["deploy"]["permissions"]["pages"], "write");
    assert!(
        r.stdout.contains("git add .github/workflows/gtt.yml .github/workflows/gtt-pages.yml"),
        "both files to commit: {}",
        r.stdout
    );
    assert!(r.stdout.contains("Pages -> Source: GitHub Actions"), "{}", r.stdout);

    // Again: up to date; a file of the user's is left alone.
    let r = gtt(&fake, &["init", "--repo-dir", &d, "--token", TOKEN, "--action", HOME, "--pages"], &[]);
    assert_eq!(r.stdout.matches("is up to date").count(), 2, "{}", r.stdout);
    std::fs::write(&pages_path, "# mine\n").unwrap();
    let r = gtt(&fake, &["init", "--repo-dir", &d, "--token", TOKEN, "--action", HOME, "--pages"], &[]);
    assert!(r.stdout.contains("gtt-pages.yml exists and differs; left as is"), "{}", r.stdout);
    assert_eq!(std::fs::read_to_string(&pages_path).unwrap(), "# mine\n");
}

#[test]
fn init_apply_without_gh_prints_every_remaining_command() {
    let fake = FakeGitHub::start();
    fake.add_token(TOKEN, TokenKind::Full);
    fake.add_repo(REPO);
    let dir = checkout("init-no-gh");
    let empty = dir.path().join("empty-path");
    std::fs::create_dir_all(&empty).unwrap();
    let d = dir.path().display().to_string();
    let r = gtt(
        &fake,
        &["init", "--repo-dir", &d, "--token", TOKEN, "--apply", "--action", HOME],
        &[("PATH", &empty.display().to_string())],
    );
    assert_eq!(r.code, 1, "the job is not done\n{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("cannot run gh") && r.stderr.contains("by hand"), "{}", r.stderr);
    for want in [
        "gh secret set GTT_TOKEN --repo octo/hello",
        "gh variable set GTT_GIST_ID --repo octo/hello --body ",
        "gh variable set GTT_ARCHIVE_GIST_ID --repo octo/hello --body ",
        "git add .github/workflows/gtt.yml",
        "gh workflow run traffic --repo octo/hello",
    ] {
        assert!(r.stdout.contains(want), "{want:?} missing from:\n{}", r.stdout);
    }
    assert!(!r.stdout.contains(TOKEN), "the token is never printed");
    assert!(dir.path().join(".github/workflows/gtt.yml").is_file());
}

fn fixture(path: &str) -> String {
    format!("{}/tests/fixtures/import/{path}", env!("CARGO_MANIFEST_DIR"))
}

fn folder_days(dir: &std::path::Path, file: &str) -> serde_json::Value {
    let h: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join(file)).unwrap()).unwrap();
    h["days"].clone()
}

#[test]
fn backfill_raises_only_what_it_should_lowers_nothing_and_remembers_sources() {
    let fake = world();
    let dir = tempdir("backfill");
    let d = dir.path().display().to_string();
    // Collected history first, overlapping the import: 2026-03-03 collected higher.
    fake.set_now("2026-03-09T12:00:00Z".parse().unwrap());
    fake.set_traffic(REPO, "2026-03-03".parse().unwrap(), 500, 100, 50, 10);
    let r = gtt(&fake, &["collect", "--repos", REPO, "--data-dir", &d], &[("GITHUB_TOKEN", TOKEN)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let before = folder_days(dir.path(), "history-octo.hello.json");

    // A dry run says what would change and writes nothing.
    let state = fixture("ghtraf/state.json");
    let snapshot = std::fs::read(dir.path().join("history-octo.hello.json")).unwrap();
    let r = gtt(&fake, &["backfill", "--repos", REPO, "--data-dir", &d, "--from", &state, "--dry-run"], &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("none lowered") && r.stdout.contains("[dry run: not written]"), "{}", r.stdout);
    assert_eq!(std::fs::read(dir.path().join("history-octo.hello.json")).unwrap(), snapshot);

    let r = gtt(&fake, &["backfill", "--repos", REPO, "--data-dir", &d, "--from", &state], &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let after = folder_days(dir.path(), "history-octo.hello.json");
    assert_eq!(after["2026-03-03"], before["2026-03-03"], "the higher collected day is kept");
    assert_eq!(after["2026-03-01"], serde_json::json!([140, 38, 12, 5]), "an imported day is added");
    for (day, v) in before.as_object().unwrap() {
        let new = &after[day];
        for i in 0..4 {
            assert!(new[i].as_u64() >= v[i].as_u64(), "{day} lowered");
        }
    }
    let h: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("history-octo.hello.json")).unwrap()).unwrap();
    let sources = h["imported"].as_object().unwrap();
    assert!(sources.keys().any(|k| k.contains("ghtraf") && k.contains("state.json")), "{sources:?}");
}

#[test]
fn backfill_of_a_malformed_file_names_it_and_writes_nothing() {
    let fake = world();
    let dir = tempdir("backfill-bad");
    let bad = dir.path().join("state.json");
    let good = std::fs::read_to_string(fixture("ghtraf/state.json")).unwrap();
    std::fs::write(&bad, good.replacen("\"clones\": 12", "\"clones\": \"twelve\"", 1)).unwrap();
    let data = dir.path().join("data");
    let r = gtt(
        &fake,
        &["backfill", "--repos", REPO, "--data-dir", &data.display().to_string(), "--from", &bad.display().to_string()],
        &[],
    );
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("state.json") && r.stderr.contains("nothing was written"), "{}", r.stderr);
    assert!(!data.exists());
    let r = gtt(
        &fake,
        &[
            "backfill",
            "--data-dir",
            &data.display().to_string(),
            "--from",
            "https://evil.example/x.json",
            "--token",
            TOKEN,
        ],
        &[],
    );
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("evil.example") && r.stderr.contains("gist.githubusercontent.com"), "{}", r.stderr);
    assert!(fake.requests().is_empty(), "nothing fetched from a foreign host, nothing sent");
}

#[test]
fn backfill_from_a_gist_imports_known_files_and_moves_gtt_history_losslessly() {
    let fake = world();
    let src = tempdir("backfill-src");
    let s = src.path().display().to_string();
    for day in 0..20 {
        let d = "2026-10-01".parse::<jiff::civil::Date>().unwrap().checked_add(jiff::Span::new().days(day)).unwrap();
        fake.set_traffic(REPO, d, 10 + day as u64, 3, 2, 1);
    }
    fake.set_now("2026-10-15T12:00:00Z".parse().unwrap());
    assert_eq!(gtt(&fake, &["collect", "--repos", REPO, "--data-dir", &s], &[("GITHUB_TOKEN", TOKEN)]).code, 0);
    let export = gtt(&fake, &["export", "--format", "json", "--data-dir", &s], &[]);
    assert_eq!(export.code, 0);
    fake.create_gist("0ldgist1", vec![("export.json", export.stdout.as_str()), ("README.md", "notes")]);

    let dst = tempdir("backfill-dst");
    let d = dst.path().display().to_string();
    let r = gtt(&fake, &["backfill", "--data-dir", &d, "--from", "0ldgist1", "--token", TOKEN], &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("skipped gist 0ldgist1/README.md"), "{}", r.stdout);
    assert_eq!(folder_days(dst.path(), "history-octo.hello.json"), folder_days(src.path(), "history-octo.hello.json"));
}

#[test]
fn forbidden_workflow_files_warn_that_checkouts_are_estimated() {
    let fake = world();
    fake.put_file(REPO, ".github/workflows/ci.yml", "main", Some("on: push\n"));
    collect(&fake);
    let r = doctor(&fake, TOKEN);
    assert!(line(&r.stdout, "reads workflow files").starts_with("OK"), "{}", r.stdout);
    fake.set_contents_forbidden(REPO, true);
    let r = doctor(&fake, TOKEN);
    assert_eq!(r.code, 4, "{}", r.stdout);
    let l = line(&r.stdout, "estimated from step names");
    assert!(l.starts_with("WARN") && l.contains("Contents: read"), "{l}");
    // With CI counting off there is nothing to read.
    let r = gtt(&fake, &["doctor", "--repos", REPO, "--gist-id", GIST, "--token", TOKEN, "--ci-clones", "off"], &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(!r.stdout.contains("workflow files"), "{}", r.stdout);
}

#[test]
fn a_branch_store_needs_a_data_token_that_can_push_and_an_unprotected_branch() {
    let fake = world();
    fake.add_repo("me/store");
    fake.add_token("nopush", TokenKind::ClassicNoPush);
    let store = ["--data-repo", "me/store", "--data-branch", "gtt-data"];
    let run = |cmd: &str, data_token: &str| {
        let mut args = vec![cmd, "--repos", REPO, "--token", TOKEN, "--data-token", data_token];
        args.extend(store);
        gtt(&fake, &args, &[])
    };
    let r = run("collect", TOKEN);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let r = run("doctor", TOKEN);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(line(&r.stdout, "can push to me/store").starts_with("OK"));
    assert!(line(&r.stdout, "is not protected").starts_with("OK"));

    let r = run("doctor", "nopush");
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let l = line(&r.stdout, "data-token cannot push to me/store");
    assert!(l.starts_with("FAIL") && l.contains("contents: write"), "{l}");

    fake.set_branch_protected("me/store", "gtt-data", true);
    let r = run("doctor", TOKEN);
    assert_eq!(r.code, 4, "{}{}", r.stdout, r.stderr);
    assert!(line(&r.stdout, "is protected").starts_with("WARN"), "{}", r.stdout);

    let args = ["doctor", "--repos", REPO, "--token", TOKEN, "--data-repo", "me/gone", "--data-branch", "x"];
    let r = gtt(&fake, &args, &[]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(line(&r.stdout, "data-token cannot see me/gone").contains("data-repo"), "{}", r.stdout);
}
