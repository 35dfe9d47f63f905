//! CI checkouts read from the workflow definitions each run executed (the contents API
//! at the run's commit), not guessed from step names; estimated, and flagged so, where a
//! definition cannot be read.

use std::collections::BTreeMap;
use std::path::Path;

use crate::fake::*;
use crate::support::{gtt, tempdir};
use jiff::Timestamp;
use jiff::civil::Date;

const TOKEN: &str = "ghp_workflows";
const REPO: &str = "octo/hello";
const CLONES: u64 = 20;

/// Two matrix jobs with a renamed checkout, another repository's checkout (the default
/// name of an unnamed one), a `run:` step called Checkout that clones nothing, a script
/// cloning this repository, a local composite action with a checkout; and a job calling
/// a local reusable workflow with an unnamed checkout. 3 per matrix job, 1 in the call.
const CI_V1: &str = r#"
name: CI
on: push
jobs:
  test:
    name: Test ${{ matrix.os }}
    strategy:
      matrix:
        os: [ubuntu, macos]
    runs-on: ${{ matrix.os }}-latest
    steps:
      - name: Checkout code
        uses: actions/checkout@v4
      - uses: actions/checkout@v4
        with:
          repository: octo/tools
          path: tools
      - name: Checkout
        run: echo "nothing to clone"
      - name: Mirror
        run: |
          set -e
          git clone https://github.com/Octo/Hello.git mirror
      - uses: ./.github/actions/setup
  call:
    uses: ./.github/workflows/reusable.yml
"#;

const V1_JOB_STEPS: [&str; 9] = [
    "Set up job",
    "Checkout code",
    "Run actions/checkout@v4",
    "Checkout",
    "Mirror",
    "Run ./.github/actions/setup",
    "Post Run actions/checkout@v4",
    "Post Checkout code",
    "Complete job",
];

/// The workflow after a change: one job, one unnamed checkout and a step named like one.
const CI_V2: &str = r#"
name: CI
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Checkout submodules
        run: git submodule update --init
"#;

const REUSABLE: &str = r#"
on: workflow_call
jobs:
  inner:
    name: Inner
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
"#;

const COMPOSITE: &str = r#"
name: setup
runs:
  using: composite
  steps:
    - uses: actions/checkout@v4
      with:
        path: again
    - run: echo ready
      shell: bash
"#;

fn date(s: &str) -> Date {
    s.parse().unwrap()
}

fn at(day: Date, hh: i8) -> Timestamp {
    day.at(hh, 0, 0, 0).to_zoned(jiff::tz::TimeZone::UTC).unwrap().timestamp()
}

fn plus(d: Date, n: i32) -> Date {
    d.checked_add(jiff::Span::new().days(n)).unwrap()
}

fn sha(n: u64) -> String {
    format!("{n:040x}")
}

/// The v1 files at commit `sha`.
fn put_v1(fake: &FakeGitHub, sha: &str) {
    fake.put_file(REPO, ".github/workflows/ci.yml", sha, Some(CI_V1));
    fake.put_file(REPO, ".github/workflows/reusable.yml", sha, Some(REUSABLE));
    fake.put_file(REPO, ".github/actions/setup/action.yml", sha, Some(COMPOSITE));
}

fn job(name: &str, when: Timestamp, steps: &[&str]) -> FakeJob {
    FakeJob::new(name, Some(when), steps.iter().map(|s| FakeStep::new(s, Some(when))).collect())
}

/// A completed run of `path` at commit `sha`, created at `when`.
fn run(fake: &FakeGitHub, when: Timestamp, path: &str, sha: &str, jobs: Vec<FakeJob>) {
    let completed = Some(when.checked_add(jiff::SignedDuration::from_mins(5)).unwrap());
    let id = fake.add_workflow_run(
        REPO,
        FakeRun { name: "CI".into(), event: "push".into(), created_at: when, completed_at: completed, jobs },
    );
    fake.set_run_file(id, path, sha);
}

/// A v1 run: 7 checkouts of this repository.
fn v1_run(fake: &FakeGitHub, when: Timestamp, sha: &str) {
    let jobs = vec![
        job("Test ubuntu", when, &V1_JOB_STEPS),
        job("Test macos", when, &V1_JOB_STEPS),
        job("call / Inner", when, &["Set up job", "Run actions/checkout@v4", "Complete job"]),
    ];
    run(fake, when, ".github/workflows/ci.yml", sha, jobs);
}

fn collect(fake: &FakeGitHub, dir: &Path, when: Timestamp) -> crate::support::Run {
    fake.set_now(when);
    let d = dir.display().to_string();
    gtt(fake, &["collect", "--repos", REPO, "--data-dir", &d], &[("GITHUB_TOKEN", TOKEN)])
}

/// `gtt export --format csv` as date -> column -> value.
fn export(fake: &FakeGitHub, dir: &Path) -> BTreeMap<Date, BTreeMap<String, String>> {
    let r = gtt(fake, &["export", "--data-dir", &dir.display().to_string()], &[]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let mut lines = r.stdout.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    assert!(header.iter().any(|c| c == "ci_estimated"), "{header:?}");
    lines
        .map(|l| {
            let row: BTreeMap<String, String> = header.iter().cloned().zip(l.split(',').map(String::from)).collect();
            (date(&row["date"]), row)
        })
        .collect()
}

fn contents(fake: &FakeGitHub, status: u16) -> usize {
    fake.requests().iter().filter(|r| r.path.contains("/contents/") && r.status == status).count()
}

#[test]
fn checkouts_are_read_from_the_definitions_each_run_executed() {
    let fake = FakeGitHub::start();
    fake.add_token(TOKEN, TokenKind::Full);
    fake.add_repo(REPO);
    let today = date("2026-07-20");
    for i in -16..=1 {
        fake.set_traffic(REPO, plus(today, i), 40, 10, CLONES, 6);
    }
    // Days -10..-7: v1 at commit 1; day -6: v1 unchanged at a new commit 2 (a 304).
    put_v1(&fake, &sha(1));
    put_v1(&fake, &sha(2));
    let mut truth: BTreeMap<Date, u64> = BTreeMap::new();
    for i in -10..=-6 {
        v1_run(&fake, at(plus(today, i), 9), &sha(if i == -6 { 2 } else { 1 }));
        truth.insert(plus(today, i), 7);
    }
    // Days -5..-3: the file changed (commit 3): one checkout per run.
    fake.put_file(REPO, ".github/workflows/ci.yml", &sha(3), Some(CI_V2));
    for i in -5..=-3 {
        let when = at(plus(today, i), 9);
        let steps = ["Set up job", "Run actions/checkout@v4", "Checkout submodules", "Complete job"];
        run(&fake, when, ".github/workflows/ci.yml", &sha(3), vec![job("test", when, &steps)]);
        truth.insert(plus(today, i), 1);
    }
    // Day -2: a workflow file that is gone (404): estimated from names (2: "Checkout" and
    // "Run actions/checkout@v4"), and flagged.
    let when = at(plus(today, -2), 9);
    let steps = ["Set up job", "Checkout", "Run actions/checkout@v4", "Complete job"];
    run(&fake, when, ".github/workflows/gone.yml", &sha(4), vec![job("old", when, &steps)]);

    let dir = tempdir("workflows");
    let r = collect(&fake, dir.path(), at(today, 6));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("estimated from step names"), "{}", r.stderr);
    // A first collection has no validator to ask with: commits 1 and 2 are read at once.
    assert_eq!(contents(&fake, 304), 0, "a first collection has no ETag to send");

    let rows = export(&fake, dir.path());
    for i in -14..=-1 {
        let d = plus(today, i);
        let row = &rows[&d];
        let want = if i == -2 { 2 } else { truth.get(&d).copied().unwrap_or(0) };
        assert_eq!(row["ci_checkouts"], want.to_string(), "{d}: {row:?}");
        assert_eq!(row["organic_clones"], (CLONES - want).to_string(), "{d}: {row:?}");
        assert_eq!(row["ci_estimated"], if i == -2 { "1" } else { "" }, "{d}: {row:?}");
    }

    // A warm run the next day, one new run over unchanged files at a new commit: its
    // definitions cost 304s only, no primary quota.
    put_v1(&fake, &sha(5));
    v1_run(&fake, at(today, 9), &sha(5));
    fake.clear_requests();
    let r = collect(&fake, dir.path(), at(plus(today, 1), 6));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(
        contents(&fake, 200),
        0,
        "{:?}",
        fake.requests().iter().map(|r| (&r.path, r.status)).collect::<Vec<_>>()
    );
    assert_eq!(contents(&fake, 304), 3, "the workflow, its reusable workflow and its composite action");
    let rows = export(&fake, dir.path());
    assert_eq!(rows[&today]["ci_checkouts"], "7");
    assert_eq!(rows[&today]["ci_estimated"], "");
    assert_eq!(rows[&plus(today, -2)]["ci_estimated"], "1", "a cached estimate stays flagged");

    // Another warm run with nothing new reads no definition at all.
    fake.clear_requests();
    let r = collect(&fake, dir.path(), at(plus(today, 1), 18));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(contents(&fake, 200) + contents(&fake, 304), 0);
}

#[test]
fn without_contents_read_checkouts_are_estimated_and_the_run_says_which_permission() {
    let fake = FakeGitHub::start();
    fake.add_token(TOKEN, TokenKind::Full);
    fake.add_repo(REPO);
    fake.set_contents_forbidden(REPO, true);
    let today = date("2026-07-20");
    for i in -16..=0 {
        fake.set_traffic(REPO, plus(today, i), 40, 10, CLONES, 6);
    }
    put_v1(&fake, &sha(1));
    v1_run(&fake, at(plus(today, -3), 9), &sha(1));
    let dir = tempdir("workflows-403");
    let r = collect(&fake, dir.path(), at(today, 6));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let said = format!("{}{}", r.stdout, r.stderr);
    assert_eq!(said.matches("Contents: read").count(), 1, "warned once: {said}");
    assert!(said.contains(&format!("{REPO}: CI checkouts of 1 new workflow runs estimated")), "{said}");
    let rows = export(&fake, dir.path());
    let row = &rows[&plus(today, -3)];
    // By names: "Checkout code" does not match the default pattern; "Run actions/checkout@v4"
    // twice per matrix job plus the call's, and "Checkout" twice: 5.
    assert_eq!(row["ci_checkouts"], "5", "{row:?}");
    assert_eq!(row["ci_estimated"], "1");
    assert_eq!(rows[&plus(today, -4)]["ci_estimated"], "", "a day without runs is not an estimate");

    // Granted, a run in the action: the job summary says how the window was counted and
    // which files were read (the cached estimate stays one).
    fake.set_contents_forbidden(REPO, false);
    v1_run(&fake, at(plus(today, -1), 9), &sha(1));
    let summary = dir.path().join("summary");
    let out = dir.path().join("out");
    let data = dir.path().display().to_string();
    let env = [
        ("GITHUB_ACTIONS", "true"),
        ("INPUT_TOKEN", TOKEN),
        ("INPUT_REPOS", REPO),
        ("INPUT_DATA-DIR", data.as_str()),
        ("GITHUB_OUTPUT", out.to_str().unwrap()),
        ("GITHUB_STEP_SUMMARY", summary.to_str().unwrap()),
    ];
    fake.set_now(at(today, 12));
    let r = gtt(&fake, &[], &env);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let md = std::fs::read_to_string(&summary).unwrap();
    assert!(
        md.contains("CI checkouts in the window: 7 identified from workflow definitions, 5 estimated from step names. Workflow files read this run: .github/actions/setup/action.yml, .github/workflows/ci.yml, .github/workflows/reusable.yml."),
        "{md}"
    );
}

#[test]
fn pages_own_runs_are_the_pages_builds_counted_once() {
    let fake = FakeGitHub::start();
    fake.add_token(TOKEN, TokenKind::Full);
    fake.add_repo(REPO);
    fake.set_pages_enabled(REPO, true);
    let today = date("2026-07-20");
    for i in -16..=1 {
        fake.set_traffic(REPO, plus(today, i), 40, 10, CLONES, 6);
    }
    let day = plus(today, -3);
    // GitHub's Pages build and deployment: a dynamic workflow whose build job checks the
    // repository out, and the Pages build it produces.
    let steps = ["Set up job", "Checkout", "Build with Jekyll", "Complete job"];
    run(&fake, at(day, 9), "dynamic/pages/pages-build-deployment", &sha(1), vec![job("build", at(day, 9), &steps)]);
    fake.add_pages_build(REPO, at(day, 9));
    let dir = tempdir("pages-runs");
    let r = collect(&fake, dir.path(), at(today, 12));
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(!r.stderr.contains("estimated"), "no estimate and no warning for Pages' own runs: {}", r.stderr);
    let rows = export(&fake, dir.path());
    assert_eq!(rows[&day]["ci_checkouts"], "1", "one clone for the build, not two: {:?}", rows[&day]);
    assert_eq!(rows[&day]["ci_estimated"], "", "{:?}", rows[&day]);
    assert_eq!(contents(&fake, 200) + contents(&fake, 404), 0, "no definition asked for");
}

#[test]
fn a_first_collection_reads_every_commits_file_at_once_and_the_next_asks_with_their_etags() {
    let fake = FakeGitHub::start();
    fake.add_token(TOKEN, TokenKind::Full);
    fake.add_repo(REPO);
    let today = date("2026-07-20");
    for i in -16..=1 {
        fake.set_traffic(REPO, plus(today, i), 40, 10, CLONES, 6);
    }
    // Five runs at five commits of the same file: five reads, none waiting for another.
    let steps = ["Set up job", "Run actions/checkout@v4", "Checkout submodules", "Complete job"];
    for n in 1..=5 {
        fake.put_file(REPO, ".github/workflows/ci.yml", &sha(n), Some(CI_V2));
        let when = at(plus(today, -6 + i32::try_from(n).unwrap()), 9);
        run(&fake, when, ".github/workflows/ci.yml", &sha(n), vec![job("test", when, &steps)]);
    }
    // A caller that reads one commit before the others keeps the first read waiting until
    // the patience runs out, and then never has five waiting at once.
    fake.hold_until_together("/contents/.github/workflows/ci.yml", 5, std::time::Duration::from_secs(30));
    let dir = tempdir("workflows-cold");
    let r = collect(&fake, dir.path(), at(today, 6));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(fake.held_together(), 5, "every commit's file was asked before any was answered");
    assert_eq!((contents(&fake, 200), contents(&fake, 304)), (5, 0));
    let rows = export(&fake, dir.path());
    for i in -5..=-1 {
        assert_eq!(rows[&plus(today, i)]["ci_checkouts"], "1", "{:?}", rows[&plus(today, i)]);
        assert_eq!(rows[&plus(today, i)]["ci_estimated"], "");
    }

    // The next day, the unchanged file at a new commit answers 304 to the ETag kept.
    fake.put_file(REPO, ".github/workflows/ci.yml", &sha(6), Some(CI_V2));
    let when = at(today, 9);
    run(&fake, when, ".github/workflows/ci.yml", &sha(6), vec![job("test", when, &steps)]);
    fake.clear_requests();
    let r = collect(&fake, dir.path(), at(plus(today, 1), 6));
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!((contents(&fake, 200), contents(&fake, 304)), (0, 1));
    assert_eq!(export(&fake, dir.path())[&today]["ci_checkouts"], "1");
}
