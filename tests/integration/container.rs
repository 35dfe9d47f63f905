//! gtt as the GitHub runner really starts it: a Docker container action.
//!
//! 1. `runs_like_the_runner_starts_the_container` runs the built binary with no
//!    arguments and only the environment the runner passes into the container
//!    (every input of action.yml as `INPUT_<NAME>`, hyphens kept, defaults filled in;
//!    no `GITHUB_TOKEN`), against the fake GitHub on loopback.
//! 2. `static_binary_runs_in_an_empty_distroless_like_chroot` builds the static
//!    binary the way the Dockerfile does and runs it in a chroot laid out like
//!    `gcr.io/distroless/static`: no shell, no libc.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use crate::fake::{FakeGitHub, TokenKind};
use crate::support::lib;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};
use serde_json::Value;

const TOKEN: &str = "ghp_ContainerTest0123456789abcdefXYZ";
const REPO: &str = "Octo-Org/Hello-World";
const HISTORY_FILE: &str = "history-octo-org.hello-world.json";
const GIST: &str = "7c0ffee42d15ea5e";
const VERSION: &str = env!("CARGO_PKG_VERSION");
const RUN_TIMEOUT: Duration = Duration::from_secs(120);

// ----- action.yml -----

/// `(name, default)` of every input declared in action.yml, in order; `None` when the
/// input has no `default:`. Line-based: inputs are the 2-space keys under the
/// top-level `inputs:` block, their defaults the 4-space `default:` lines.
fn action_inputs() -> Vec<(String, Option<String>)> {
    let text = fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("action.yml")).unwrap();
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    let mut inside = false;
    for line in text.lines() {
        if !line.starts_with(' ') && !line.trim().is_empty() && !line.starts_with('#') {
            inside = line.trim_end() == "inputs:";
            continue;
        }
        if !inside {
            continue;
        }
        if let Some(key) = line.strip_prefix("  ").filter(|l| !l.starts_with(' ')) {
            if let Some(name) = key.trim_end().strip_suffix(':') {
                out.push((name.to_string(), None));
            }
        } else if let Some(v) = line.strip_prefix("    default:") {
            let v = v.trim();
            let v = v
                .strip_prefix('"')
                .and_then(|v| v.strip_suffix('"'))
                .or_else(|| v.strip_prefix('\'').and_then(|v| v.strip_suffix('\'')))
                .unwrap_or(v);
            out.last_mut().expect("default: before any input in action.yml").1 = Some(v.to_string());
        }
    }
    assert!(out.len() >= 3, "could not find the inputs of action.yml: {out:?}");
    out
}

/// The input's environment name as the runner forms it.
fn input_var(name: &str) -> String {
    format!("INPUT_{}", name.to_uppercase().replace(' ', "_"))
}

// ----- the runner's environment -----

/// Paths as the process sees them (host paths in test 1, chroot paths in test 2).
struct RunnerPaths {
    home: String,
    workspace: String,
    output: String,
    summary: String,
    runner_temp: String,
    event: String,
}

/// Exactly what the runner passes to `docker run -e`: every declared input (workflow
/// `with:` value, else default, else ""), the GITHUB_* / RUNNER_* variables, and no
/// GITHUB_TOKEN.
fn runner_env(p: &RunnerPaths, api_url: &str, with: &[(&str, &str)]) -> Vec<(String, String)> {
    let inputs = action_inputs();
    for (w, _) in with {
        assert!(inputs.iter().any(|(n, _)| n == w), "workflow passes `{w}`, which action.yml does not declare");
    }
    let mut env: Vec<(String, String)> = inputs
        .iter()
        .map(|(name, default)| {
            let value = with
                .iter()
                .find(|(w, _)| w == name)
                .map(|(_, v)| v.to_string())
                .or_else(|| default.clone())
                .unwrap_or_default();
            (input_var(name), value)
        })
        .collect();
    let (owner, _) = REPO.split_once('/').unwrap();
    for (k, v) in [
        ("GITHUB_ACTIONS", "true"),
        ("CI", "true"),
        ("HOME", &p.home),
        ("GITHUB_REPOSITORY", REPO),
        ("GITHUB_REPOSITORY_OWNER", owner),
        ("GITHUB_API_URL", api_url),
        ("GITHUB_SERVER_URL", "https://github.com"),
        ("GITHUB_GRAPHQL_URL", "https://api.github.com/graphql"),
        ("GITHUB_EVENT_NAME", "schedule"),
        ("GITHUB_EVENT_PATH", &p.event),
        ("GITHUB_WORKSPACE", &p.workspace),
        ("GITHUB_OUTPUT", &p.output),
        ("GITHUB_STEP_SUMMARY", &p.summary),
        ("GITHUB_RUN_ID", "9876543210"),
        ("GITHUB_RUN_NUMBER", "42"),
        ("GITHUB_RUN_ATTEMPT", "1"),
        ("GITHUB_SHA", "0123456789abcdef0123456789abcdef01234567"),
        ("GITHUB_REF", "refs/heads/main"),
        ("GITHUB_WORKFLOW", "traffic"),
        ("GITHUB_JOB", "collect"),
        ("GITHUB_ACTOR", "octocat"),
        ("RUNNER_OS", "Linux"),
        ("RUNNER_ARCH", "X64"),
        ("RUNNER_NAME", "GitHub Actions 1"),
        ("RUNNER_TEMP", &p.runner_temp),
        ("RUNNER_TOOL_CACHE", "/opt/hostedtoolcache"),
    ] {
        env.push((k.to_string(), v.to_string()));
    }
    assert!(env.iter().all(|(k, _)| k != "GITHUB_TOKEN"), "the runner never passes GITHUB_TOKEN");
    env
}

fn set_env(env: &[(String, String)], which: &str, value: &str) -> Vec<(String, String)> {
    let mut env = env.to_vec();
    let slot = env.iter_mut().find(|(k, _)| k == which).unwrap_or_else(|| panic!("{which} is not in the env"));
    slot.1 = value.to_string();
    env
}

// ----- running a process -----

struct Ran {
    status: ExitStatus,
    stdout: String,
    stderr: String,
    took: Duration,
}

impl Ran {
    fn code(&self) -> Option<i32> {
        self.status.code()
    }
    fn describe(&self) -> String {
        format!(
            "exit {:?} after {:?}\n--- stdout ---\n{}--- stderr ---\n{}",
            self.code(),
            self.took,
            self.stdout,
            self.stderr
        )
    }
}

/// Runs `cmd` with stdout and stderr captured in files (no pipe to deadlock on) and a
/// deadline, so a hung binary fails the test instead of hanging it.
fn run(mut cmd: Command, scratch: &Path, tag: &str) -> Ran {
    let out_path = scratch.join(format!("{tag}.stdout"));
    let err_path = scratch.join(format!("{tag}.stderr"));
    cmd.stdin(Stdio::null()).stdout(fs::File::create(&out_path).unwrap()).stderr(fs::File::create(&err_path).unwrap());
    let start = Instant::now();
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if start.elapsed() > RUN_TIMEOUT {
            let _ = child.kill();
            let _ = child.wait();
            panic!(
                "{tag}: still running after {RUN_TIMEOUT:?}; stderr so far:\n{}",
                fs::read_to_string(&err_path).unwrap_or_default()
            );
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    Ran {
        status,
        stdout: fs::read_to_string(&out_path).unwrap(),
        stderr: fs::read_to_string(&err_path).unwrap(),
        took: start.elapsed(),
    }
}

/// A fresh scratch directory under cargo's per-test temp dir (inside target/, where
/// binaries may run), removed when dropped.
fn scratch_dir(tag: &str) -> tempfile::TempDir {
    tempfile::Builder::new().prefix(&format!("container-{tag}-")).tempdir_in(env!("CARGO_TARGET_TMPDIR")).unwrap()
}

// ----- the fake's ground truth -----

/// What the outputs must say, computed from what the fake was given.
#[derive(Debug, Default)]
struct Truth {
    views: u64,
    views_uniques: u64,
    clones: u64,
    clones_uniques: u64,
    views_14d: u64,
    clones_14d: u64,
    stars: u64,
    forks: u64,
    watchers: u64,
    downloads: u64,
}

impl Truth {
    fn outputs(&self) -> Vec<(&'static str, String)> {
        vec![
            ("views", self.views.to_string()),
            ("views-uniques", self.views_uniques.to_string()),
            ("clones", self.clones.to_string()),
            ("clones-uniques", self.clones_uniques.to_string()),
            ("views-14d", self.views_14d.to_string()),
            ("clones-14d", self.clones_14d.to_string()),
            ("stars", self.stars.to_string()),
            ("forks", self.forks.to_string()),
            ("watchers", self.watchers.to_string()),
            ("downloads", self.downloads.to_string()),
            // No CI runs in the fake: every clone is organic.
            ("organic-clones", self.clones.to_string()),
            ("installs", (self.downloads + self.clones).to_string()),
            ("repos", REPO.to_string()),
        ]
    }
}

fn utc_date(t: Timestamp) -> Date {
    t.to_zoned(TimeZone::UTC).date()
}

fn midnight(d: Date) -> Timestamp {
    d.to_zoned(TimeZone::UTC).unwrap().timestamp()
}

/// The binary reads the wall clock; the fake's clock is set to it. A run must not
/// straddle UTC midnight, or the two would disagree on "today": wait it out.
fn wall_clock_clear_of_midnight() -> Timestamp {
    let now = Timestamp::now();
    let tomorrow = utc_date(now).tomorrow().unwrap();
    let left = midnight(tomorrow).as_second() - now.as_second();
    if left < 180 {
        eprintln!("waiting {left}s for UTC midnight to pass, so the binary and the fake agree on today");
        std::thread::sleep(Duration::from_secs(u64::try_from(left).unwrap() + 2));
        return Timestamp::now();
    }
    now
}

/// A repository with traffic on several days (one outside the window, one today and
/// partial), stats, two releases with assets, a token, and a gist holding a README.
fn seed(fake: &FakeGitHub) -> Truth {
    let now = wall_clock_clear_of_midnight();
    fake.set_now(now);
    fake.add_token(TOKEN, TokenKind::Full);
    fake.add_repo(REPO);
    fake.set_repo_stats(REPO, 42, 7, 5, 3);
    let today = utc_date(now);
    let day = |n: i64| today.checked_sub(Span::new().days(n)).unwrap();
    // (days ago, views, view uniques, clones, clone uniques)
    let traffic: [(i64, u64, u64, u64, u64); 6] = [
        (20, 1000, 900, 800, 700), // outside GitHub's window: never seen
        (14, 7, 3, 2, 1),          // the window's oldest day
        (9, 11, 5, 4, 2),
        (5, 13, 6, 0, 0),
        (1, 17, 8, 6, 3),
        (0, 40_000, 20_000, 24_000, 12_000), // today: the fake answers it partially
    ];
    let secs_today = u64::try_from(now.as_second() - midnight(today).as_second()).unwrap();
    let part = |x: u64| x * secs_today / 86_400;
    let mut t = Truth::default();
    for (ago, v, vu, c, cu) in traffic {
        fake.set_traffic(REPO, day(ago), v, vu, c, cu);
        match ago {
            1..=14 => {
                t.views += v;
                t.views_uniques += vu;
                t.clones += c;
                t.clones_uniques += cu;
                t.views_14d += v;
                t.clones_14d += c;
            }
            0 => {
                // Counted in all-time totals, never in the 14 complete days.
                t.views += part(v);
                t.views_uniques += part(vu).min(part(v));
                t.clones += part(c);
                t.clones_uniques += part(cu).min(part(c));
            }
            _ => {}
        }
    }
    fake.set_referrers(REPO, vec![("github.com".into(), 9, 4), ("news.ycombinator.com".into(), 5, 5)]);
    fake.set_paths(REPO, vec![(format!("/{REPO}"), "Hello World".into(), 12, 6)]);
    fake.add_release(REPO, "v0.9.0", vec![("hello-0.9.0.zip", 5)]);
    fake.add_release(REPO, "v1.0.0", vec![("hello-linux.tar.gz", 120), ("hello-macos.tar.gz", 30)]);
    t.stars = 42;
    t.forks = 7;
    t.watchers = 5;
    t.downloads = 155;
    fake.create_gist(GIST, vec![("README.md", "gtt history")]);
    t
}

// ----- checks shared by both tests -----

fn parse_outputs(text: &str) -> BTreeMap<String, Vec<String>> {
    let mut m: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for line in text.lines() {
        let (k, v) = line.split_once('=').unwrap_or_else(|| panic!("GITHUB_OUTPUT line is not name=value: {line:?}"));
        m.entry(k.to_string()).or_default().push(v.to_string());
    }
    m
}

fn assert_outputs(text: &str, truth: &Truth) {
    let got = parse_outputs(text);
    for (k, want) in truth.outputs() {
        assert_eq!(got.get(k), Some(&vec![want.clone()]), "output `{k}` (ground truth {truth:?}); file:\n{text}");
    }
}

fn assert_gist_written(fake: &FakeGitHub, truth: &Truth) {
    let names = fake.gist_file_names(GIST);
    for want in ["README.md", "gtt.json", HISTORY_FILE] {
        assert!(names.iter().any(|n| n == want), "gist lacks {want}: {names:?}");
    }
    let index: Value = serde_json::from_str(&fake.gist_file(GIST, "gtt.json").unwrap()).unwrap();
    assert_eq!(index["repos"][REPO], Value::from(HISTORY_FILE), "index: {index}");
    let history: Value = serde_json::from_str(&fake.gist_file(GIST, HISTORY_FILE).unwrap()).unwrap();
    assert_eq!(history["repo"], Value::from(REPO));
    assert_eq!(history["written_by"], Value::from(VERSION));
    // Each day is stored as [views, views_uniques, clones, clones_uniques].
    let stored_views: u64 = history["days"].as_object().unwrap().values().map(|d| d[0].as_u64().unwrap()).sum();
    assert_eq!(stored_views, truth.views, "views stored in {HISTORY_FILE}: {history}");
    for f in names {
        assert!(!fake.gist_file(GIST, &f).unwrap().contains(TOKEN), "the token was written into the gist's {f}");
    }
}

fn assert_api_etiquette(fake: &FakeGitHub) {
    let requests = fake.requests();
    assert!(requests.len() >= 6, "expected repo, traffic, releases and gist requests: {requests:#?}");
    let ua = format!("gtt/{VERSION}");
    let auth = format!("Bearer {TOKEN}");
    for r in &requests {
        let what = format!("{} {}", r.method, r.path);
        assert_eq!(r.header("user-agent"), Some(ua.as_str()), "{what}");
        assert_eq!(r.header("authorization"), Some(auth.as_str()), "{what}");
        assert_eq!(r.header("accept"), Some("application/vnd.github+json"), "{what}");
        assert_eq!(r.header("x-github-api-version"), Some("2022-11-28"), "{what}");
        assert!(!r.path.contains(TOKEN), "token in a URL: {what}");
        // A repository without a Pages site answers 404 to its Pages builds: no builds.
        let no_pages = r.status == 404 && r.path.contains("/pages/builds");
        assert!((200..300).contains(&r.status) || no_pages, "{what} answered {}", r.status);
    }
    for p in ["/traffic/views", "/traffic/clones", "/releases"] {
        assert!(fake.count("GET", p) >= 1, "no GET {p}");
    }
    assert_eq!(fake.count("PATCH", &format!("/gists/{GIST}")), 1, "one gist write");
}

fn assert_masked_first(ran: &Ran) {
    let first = ran.stdout.lines().next().unwrap_or_default();
    assert_eq!(first, format!("::add-mask::{TOKEN}"), "{}", ran.describe());
    let rest: String = ran.stdout.lines().skip(1).collect::<Vec<_>>().join("\n");
    assert!(!rest.contains(TOKEN), "token on stdout after the mask line:\n{}", ran.describe());
    assert!(!ran.stderr.contains(TOKEN), "token on stderr:\n{}", ran.describe());
}

// ----- test 1 -----

/// The runner's folders and files on the host, laid out under a scratch folder.
struct HostRunner {
    workspace: PathBuf,
    output: PathBuf,
    summary: PathBuf,
    paths: RunnerPaths,
}

/// Creates the workspace, home, file-commands, runner-temp and workflow folders under
/// `scratch`, and the scheduled run's event file.
fn host_runner(scratch: &Path) -> HostRunner {
    let workspace = scratch.join("workspace");
    let home = scratch.join("home");
    let file_commands = scratch.join("file_commands");
    let runner_temp = scratch.join("runner_temp");
    let workflow = scratch.join("workflow");
    for d in [&workspace, &home, &file_commands, &runner_temp, &workflow] {
        fs::create_dir_all(d).unwrap();
    }
    let event = workflow.join("event.json");
    fs::write(&event, r#"{"schedule":"17 3 * * *"}"#).unwrap();
    let output = file_commands.join("set_output_6f1c");
    let summary = file_commands.join("step_summary_6f1c");
    let s = |p: &Path| p.to_str().unwrap().to_string();
    let paths = RunnerPaths {
        home: s(&home),
        workspace: s(&workspace),
        output: s(&output),
        summary: s(&summary),
        runner_temp: s(&runner_temp),
        event: s(&event),
    };
    HostRunner { workspace, output, summary, paths }
}

/// The inputs gtt documents are the inputs action.yml declares, with the same defaults;
/// returns the declared ones.
fn declared_inputs_are_documented() -> Vec<(String, Option<String>)> {
    let declared = action_inputs();
    let documented: Vec<(String, Option<String>)> =
        lib::INPUTS.iter().map(|(n, d, _, _)| (n.to_string(), (!d.is_empty()).then(|| d.to_string()))).collect();
    let declared_cmp: Vec<(String, Option<String>)> =
        declared.iter().map(|(n, d)| (n.clone(), d.clone().filter(|d| !d.is_empty()))).collect();
    assert_eq!(declared_cmp, documented, "action.yml inputs vs gtt::config::INPUTS");
    declared
}

/// Every input the workflow does not set has its default in the environment, and input
/// names keep their hyphens.
fn assert_env_has_defaults(env: &[(String, String)], declared: &[(String, Option<String>)]) {
    for (name, default) in declared {
        let v = &env.iter().find(|(k, _)| *k == input_var(name)).unwrap().1;
        if !["token", "gist-id", "repos"].contains(&name.as_str()) {
            assert_eq!(v, &default.clone().unwrap_or_default(), "{name}");
        }
    }
    assert!(env.iter().any(|(k, _)| k == "INPUT_GIST-ID"), "hyphen kept in input names");
}

/// The step summary: Markdown with a heading, the repository's section, and a table with
/// the truth's views and downloads; no token.
fn assert_summary(md: &str, truth: &Truth) {
    assert!(md.starts_with("## "), "summary is Markdown with a heading:\n{md}");
    assert!(md.contains(&format!("### {}", lib::escape_markdown(REPO))), "{md}");
    assert!(md.contains("|---|"), "summary has a table:\n{md}");
    let views_row = format!("| Views | {} | {} |", lib::group_digits(truth.views), lib::group_digits(truth.views_14d));
    assert!(md.contains(&views_row), "summary lacks `{views_row}`:\n{md}");
    assert!(md.contains("| Release downloads | 155 |"), "{md}");
    assert!(!md.contains(TOKEN));
}

/// The workflow forgot `token:` (e.g. an unset secret) and the runner passes "": `cmd`
/// fails with exit 2 and one `::error` naming the input, and writes nothing (no gist
/// write, no output or summary appended to `out_text` and `md`).
fn assert_no_token_writes_nothing(
    fake: &FakeGitHub,
    cmd: Command,
    scratch: &Path,
    host: &HostRunner,
    out_text: &str,
    md: &str,
) {
    let revisions = fake.gist_revisions(GIST);
    let files_before = fake.gist_file_names(GIST);
    fake.clear_requests();
    let ran = run(cmd, scratch, "no-token");
    assert_eq!(ran.code(), Some(2), "{}", ran.describe());
    let errors: Vec<&str> = ran.stdout.lines().chain(ran.stderr.lines()).filter(|l| l.starts_with("::error")).collect();
    assert_eq!(errors.len(), 1, "one ::error line:\n{}", ran.describe());
    assert!(errors[0].contains("input `token`"), "the error names input `token`: {}", errors[0]);
    assert!(!ran.stdout.contains("::add-mask::"), "nothing to mask:\n{}", ran.describe());
    assert_eq!(fake.gist_revisions(GIST), revisions, "no gist write");
    assert_eq!(fake.gist_file_names(GIST), files_before);
    assert_eq!(fake.count("PATCH", "/gists/"), 0);
    assert_eq!(fs::read_to_string(&host.output).unwrap(), out_text, "no outputs appended");
    assert_eq!(fs::read_to_string(&host.summary).unwrap(), md, "no summary appended");
}

#[test]
fn runs_like_the_runner_starts_the_container() {
    let scratch_tmp = scratch_dir("runner");
    let scratch = scratch_tmp.path();
    let host = host_runner(scratch);
    let declared = declared_inputs_are_documented();

    let fake = FakeGitHub::start();
    let truth = seed(&fake);
    let env = runner_env(&host.paths, &fake.url(), &[("token", TOKEN), ("gist-id", GIST), ("repos", REPO)]);
    assert_env_has_defaults(&env, &declared);

    let start = |env: &[(String, String)]| {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_gtt"));
        cmd.env_clear().envs(env.iter().map(|(k, v)| (k, v))).current_dir(&host.workspace);
        cmd
    };

    // A scheduled run.
    let ran = run(start(&env), scratch, "collect");
    eprintln!("runner-style collect run: {}", ran.describe());
    assert_eq!(ran.code(), Some(0), "{}", ran.describe());
    assert_masked_first(&ran);
    assert!(!ran.stdout.contains("::error"), "{}", ran.describe());
    let out_text = fs::read_to_string(&host.output).unwrap();
    assert_outputs(&out_text, &truth);
    let md = fs::read_to_string(&host.summary).unwrap();
    assert_summary(&md, &truth);
    assert_gist_written(&fake, &truth);
    assert_api_etiquette(&fake);
    assert!(fs::read_dir(&host.workspace).unwrap().next().is_none(), "a gist run leaves the workspace alone");

    // The workflow forgot `token:` (e.g. an unset secret): the runner passes "".
    let no_token = start(&set_env(&env, "INPUT_TOKEN", ""));
    assert_no_token_writes_nothing(&fake, no_token, scratch, &host, &out_text, &md);
}

// ----- test 2 -----

/// True when the ELF file has no PT_INTERP program header: the kernel runs it without
/// a dynamic loader, so it needs no libc in the image.
fn elf_has_interpreter(bytes: &[u8]) -> bool {
    const PT_INTERP: u32 = 3;
    assert!(bytes.len() > 64 && bytes[..4] == *b"\x7fELF", "not an ELF file");
    assert_eq!(bytes[4], 2, "not a 64-bit ELF");
    assert_eq!(bytes[5], 1, "not little-endian");
    let u16_at = |o: usize| u16::from_le_bytes(bytes[o..o + 2].try_into().unwrap());
    let u32_at = |o: usize| u32::from_le_bytes(bytes[o..o + 4].try_into().unwrap());
    let u64_at = |o: usize| u64::from_le_bytes(bytes[o..o + 8].try_into().unwrap());
    let phoff = usize::try_from(u64_at(0x20)).unwrap();
    let phentsize = usize::from(u16_at(0x36));
    let phnum = usize::from(u16_at(0x38));
    assert!(phnum > 0 && phoff + phnum * phentsize <= bytes.len(), "bad program header table");
    (0..phnum).any(|i| u32_at(phoff + i * phentsize) == PT_INTERP)
}

/// Builds gtt like the Dockerfile's build stage (glibc, crt-static, release, the
/// builder's own target), in a target dir of its own.
fn build_static_binary() -> PathBuf {
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target_root = match std::env::var_os("CARGO_TARGET_DIR").filter(|v| !v.is_empty()) {
        Some(d) => manifest.join(d),
        None => manifest.join("target"),
    };
    let target_dir = target_root.join("static");
    let triple = format!("{}-unknown-linux-gnu", std::env::consts::ARCH);
    let start = Instant::now();
    let out = Command::new(env!("CARGO"))
        .current_dir(manifest)
        .args(["build", "--release", "--locked", "--offline", "--target", &triple, "--target-dir"])
        .arg(&target_dir)
        .env("RUSTFLAGS", "-C target-feature=+crt-static")
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("CARGO_BUILD_RUSTFLAGS")
        .env_remove("CARGO_TARGET_DIR")
        .stdin(Stdio::null())
        .output()
        .unwrap();
    eprintln!("static release build took {:?}", start.elapsed());
    assert!(
        out.status.success(),
        "static build failed ({}):\n{}{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    target_dir.join(&triple).join("release").join("gtt")
}

fn chroot_program() -> PathBuf {
    let dirs = ["/usr/sbin", "/usr/bin", "/sbin", "/bin"].into_iter().map(PathBuf::from);
    let path_dirs = std::env::var_os("PATH").map(|p| std::env::split_paths(&p).collect::<Vec<_>>()).unwrap_or_default();
    dirs.chain(path_dirs).map(|d| d.join("chroot")).find(|p| p.is_file()).unwrap_or_else(|| PathBuf::from("chroot"))
}

fn effective_uid() -> Option<u32> {
    let status = fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("Uid:"))?;
    line.split_whitespace().nth(2)?.parse().ok()
}

/// A root like gcr.io/distroless/static: the binary, the few files in /etc, CA
/// certificates, /tmp, and the runner's mount points. No shell, no libc.
fn distroless_root(root: &Path, binary: &Path) {
    use std::os::unix::fs::PermissionsExt;
    for d in [
        "etc/ssl/certs",
        "tmp",
        "github/workspace",
        "github/file_commands",
        "github/home",
        "github/workflow",
        "github/runner_temp",
    ] {
        fs::create_dir_all(root.join(d)).unwrap();
    }
    fs::set_permissions(root.join("tmp"), fs::Permissions::from_mode(0o1777)).unwrap();
    fs::copy(binary, root.join("gtt")).unwrap();
    fs::set_permissions(root.join("gtt"), fs::Permissions::from_mode(0o755)).unwrap();
    fs::write(root.join("etc/passwd"), "root:x:0:0:root:/root:/sbin/nologin\n").unwrap();
    fs::write(root.join("etc/group"), "root:x:0:\n").unwrap();
    fs::write(root.join("etc/nsswitch.conf"), "hosts: files dns\n").unwrap();
    fs::write(root.join("etc/hosts"), "127.0.0.1\tlocalhost\n::1\tlocalhost\n").unwrap();
    let certs = root.join("etc/ssl/certs/ca-certificates.crt");
    if fs::copy("/etc/ssl/certs/ca-certificates.crt", &certs).is_err() {
        fs::write(&certs, "").unwrap();
    }
    fs::write(root.join("github/workflow/event.json"), r#"{"schedule":"17 3 * * *"}"#).unwrap();
    for forbidden in ["bin/sh", "lib", "lib64", "usr"] {
        assert!(!root.join(forbidden).exists(), "{forbidden} in the distroless root");
    }
}

#[test]
fn static_binary_runs_in_an_empty_distroless_like_chroot() {
    let uid = effective_uid();
    if uid != Some(0) {
        eprintln!("SKIPPED: chroot not permitted here: effective uid is {uid:?}, not 0");
        return;
    }
    let binary = build_static_binary();
    let bytes = fs::read(&binary).unwrap();
    assert!(!elf_has_interpreter(&bytes), "{} has a PT_INTERP segment: it is not static", binary.display());

    let scratch_tmp = scratch_dir("chroot");
    let scratch = scratch_tmp.path();
    let root = scratch.join("root");
    distroless_root(&root, &binary);
    let chroot = chroot_program();
    let in_root = |args: &[&str], env: &[(String, String)]| {
        let mut cmd = Command::new(&chroot);
        cmd.env_clear().envs(env.iter().map(|(k, v)| (k, v))).arg(&root).arg("/gtt").args(args);
        cmd
    };

    // --version, with nothing but what the chroot holds.
    let ran = run(in_root(&["--version"], &[]), scratch, "version");
    if ran.code() != Some(0)
        && (ran.stderr.contains("Operation not permitted") || ran.stderr.contains("cannot change root"))
    {
        eprintln!("SKIPPED: chroot not permitted here: {}", ran.stderr.trim());
        return;
    }
    assert_eq!(ran.code(), Some(0), "{}", ran.describe());
    assert_eq!(ran.stdout, format!("gtt {VERSION}\n"), "{}", ran.describe());

    // A scheduled run, with the runner's environment and the container's paths.
    let fake = FakeGitHub::start();
    let truth = seed(&fake);
    let paths = RunnerPaths {
        home: "/github/home".into(),
        workspace: "/github/workspace".into(),
        output: "/github/file_commands/set_output_6f1c".into(),
        summary: "/github/file_commands/step_summary_6f1c".into(),
        runner_temp: "/github/runner_temp".into(),
        event: "/github/workflow/event.json".into(),
    };
    let env = runner_env(&paths, &fake.url(), &[("token", TOKEN), ("gist-id", GIST), ("repos", REPO)]);
    let ran = run(in_root(&[], &env), scratch, "collect");
    eprintln!("chrooted collect run: {}", ran.describe());
    assert_eq!(ran.code(), Some(0), "{}", ran.describe());
    assert_masked_first(&ran);
    let out_text = fs::read_to_string(root.join("github/file_commands/set_output_6f1c")).unwrap();
    assert!(out_text.contains("views="), "{out_text}");
    assert_outputs(&out_text, &truth);
    let md = fs::read_to_string(root.join("github/file_commands/step_summary_6f1c")).unwrap();
    assert!(md.contains(&format!("### {}", lib::escape_markdown(REPO))), "{md}");
    assert_gist_written(&fake, &truth);
    assert_api_etiquette(&fake);
}
