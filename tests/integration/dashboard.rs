//! The dashboard end to end. Fixture histories are written by gtt itself (collect
//! against the fake GitHub over simulated weeks, with a gap), the site by `gtt
//! dashboard`; then the browser tests in dashboard/test/ run with `node --test`
//! (playwright-core driving Debian's Chromium on 127.0.0.1) and must pass.
//!
//! Needs Node.js and /usr/bin/chromium (`.ci/run` installs both); runs `npm ci` in
//! dashboard/ when node_modules is missing. The site under test is the one compiled into
//! gtt (the committed dashboard/site); another test rebuilds it from dashboard/src into a
//! temporary folder and fails when the committed copy differs.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::fake::*;
use crate::support::{Run, gtt, tempdir};
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{Span, Timestamp};

const TOKEN: &str = "ghp_dashboardtest";
const HELLO: &str = "octo/hello";
const WORLD: &str = "octo/world";
const TOOL: &str = "acme/tool";
const XSS: &str = "xss-test/site";
/// A repository whose top referrer, path and title are 50,000 characters long.
const LONG: &str = "long-test/site";
const LONG_TEXT: usize = 50_000;

fn date(s: &str) -> Date {
    s.parse().unwrap()
}

fn plus(d: Date, n: i64) -> Date {
    d.checked_add(Span::new().days(n)).unwrap()
}

fn at(d: Date, hour: i8) -> Timestamp {
    d.at(hour, 0, 0, 0).to_zoned(TimeZone::UTC).unwrap().timestamp()
}

fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn ok(r: &Run, what: &str) {
    assert_eq!(r.code, 0, "{what} failed\nstdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
}

/// Ground truth: every day from 2026-08-01 to 2026-11-15 has traffic, some days none;
/// each repository its own pattern.
fn set_traffic(fake: &FakeGitHub, repo: &str, seed: u64) {
    let first = date("2026-08-01");
    for i in 0..107_u64 {
        let d = plus(first, i64::try_from(i).unwrap());
        if (i + seed).is_multiple_of(11) {
            fake.set_traffic(repo, d, 0, 0, 0, 0);
            continue;
        }
        let views = 20 + (i * 37 + seed * 11) % 60 + seed;
        let clones = 3 + (i * 13 + seed) % 9;
        fake.set_traffic(repo, d, views, views / 3 + 1, clones, clones / 2 + 1);
    }
}

fn world() -> FakeGitHub {
    let fake = FakeGitHub::start();
    fake.add_token(TOKEN, TokenKind::Full);
    for (seed, repo) in [HELLO, WORLD, TOOL].into_iter().enumerate() {
        let seed = u64::try_from(seed).unwrap() + 1;
        fake.add_repo(repo);
        fake.set_repo_stats(repo, 40 * seed, 5 * seed, 3 + seed, 7);
        set_traffic(&fake, repo, seed);
        fake.set_referrers(
            repo,
            vec![
                ("github.com".into(), 50 * seed, 20),
                ("news.ycombinator.com".into(), 30, 25),
                ("google.com".into(), 12, 9),
            ],
        );
        fake.set_paths(
            repo,
            vec![
                (format!("/{repo}"), format!("{repo}: a test repository"), 80, 40),
                (format!("/{repo}/blob/main/README.md"), "README.md".into(), 25, 12),
            ],
        );
    }
    fake.add_repo(XSS);
    fake.set_repo_stats(XSS, 1, 0, 1, 0);
    set_traffic(&fake, XSS, 4);
    fake.set_referrers(
        XSS,
        vec![
            ("<img src=x onerror=window.__pwned=1>".into(), 40, 3),
            ("<script>window.__pwned=2</script>".into(), 30, 3),
            ("javascript:window.__pwned=3".into(), 20, 2),
            ("\"><svg onload=window.__pwned=4>".into(), 10, 1),
        ],
    );
    fake.set_paths(
        XSS,
        vec![
            ("javascript:window.__pwned=5".into(), "<img src=x onerror=window.__pwned=6>".into(), 50, 5),
            (
                "/xss-test/site/\"><svg onload=window.__pwned=7>".into(),
                "<script>window.__pwned=8</script>".into(),
                40,
                4,
            ),
            ("//evil.example/x".into(), "</script><script>window.__pwned=9</script>".into(), 30, 3),
            ("/xss-test/site".into(), "\"><svg onload=window.__pwned=10>".into(), 20, 2),
        ],
    );
    fake.add_release(XSS, "<img src=x onerror=window.__pwned=11>", vec![("\"><svg onload=window.__pwned=12>.tgz", 3)]);
    fake.add_repo(LONG);
    fake.set_repo_stats(LONG, 2, 0, 1, 0);
    set_traffic(&fake, LONG, 5);
    let long = |c: &str| c.repeat(LONG_TEXT);
    fake.set_referrers(LONG, vec![(long("r"), 60, 6), ("github.com".into(), 10, 2)]);
    fake.set_paths(LONG, vec![(format!("/{LONG}/{}", long("p")).chars().take(LONG_TEXT).collect(), long("t"), 30, 3)]);
    fake
}

fn collect(fake: &FakeGitHub, dir: &Path, repos: &str) {
    let dir = dir.display().to_string();
    let r = gtt(fake, &["collect", "--repos", repos, "--data-dir", &dir, "--token", TOKEN], &[]);
    ok(&r, &format!("collect {repos} at {}", fake.now()));
}

/// Daily runs 09-01..09-20, nothing until 10-20 (GitHub's window then reaches back to
/// 10-07 only: 09-21..10-06 is a gap), daily again to 10-31. Stars, downloads, CI runs
/// and referrers change along the way.
fn simulate(fake: &FakeGitHub, single: &Path, multi: &Path) {
    let rel = fake.add_release(HELLO, "v1.0.0", vec![("hello-linux.tar.gz", 100), ("hello-mac.tar.gz", 20)]);
    let assets = fake.release_asset_ids(rel);
    let tool_rel = fake.add_release(TOOL, "v0.1.0", vec![("tool.zip", 7)]);
    let tool_assets = fake.release_asset_ids(tool_rel);
    let mut days: Vec<Date> = (0..20).map(|i| plus(date("2026-09-01"), i)).collect();
    days.extend((0..12).map(|i| plus(date("2026-10-20"), i)));
    let mut v2: Option<Vec<u64>> = None;
    for (n, d) in days.iter().enumerate() {
        let n = u64::try_from(n).unwrap();
        fake.set_now(at(*d, 6));
        fake.set_repo_stats(HELLO, 40 + n * 2, 5 + n / 4, 4 + n / 8, 7 + n % 3);
        fake.set_repo_stats(WORLD, 80 + n, 10, 5, 2);
        fake.set_asset_downloads(assets[0], 100 + n * n);
        fake.set_asset_downloads(assets[1], 20 + n);
        fake.set_asset_downloads(tool_assets[0], 7 + 3 * n);
        if *d == date("2026-09-10") {
            let r = fake.add_release(HELLO, "v1.1.0", vec![("hello-linux.tar.gz", 4)]);
            v2 = Some(fake.release_asset_ids(r));
            fake.set_referrers(
                HELLO,
                vec![
                    ("github.com".into(), 70, 30),
                    ("news.ycombinator.com".into(), 90, 70),
                    ("reddit.com".into(), 15, 12),
                ],
            );
        }
        if let Some(ids) = &v2 {
            fake.set_asset_downloads(ids[0], 4 + 5 * n);
        }
        if *d == date("2026-10-25") {
            fake.set_referrers(HELLO, vec![("news.ycombinator.com".into(), 40, 30), ("github.com".into(), 75, 31)]);
        }
        // CI: a checkout every other day, two on some days (the day before the run).
        if n % 2 == 0 {
            let ci_day = plus(*d, -1);
            fake.add_simple_run(HELLO, at(ci_day, 2), &["Run actions/checkout@v4", "Build"]);
            if n % 4 == 0 {
                fake.add_simple_run(HELLO, at(ci_day, 3), &["Checkout", "Test"]);
            }
        }
        collect(fake, single, HELLO);
        collect(fake, multi, &format!("{HELLO},{WORLD},{TOOL}"));
    }
}

fn export_csv(fake: &FakeGitHub, data: &Path, out: &Path) {
    let r = gtt(fake, &["export", "--format", "csv", "--data-dir", &data.display().to_string()], &[]);
    ok(&r, "export");
    std::fs::write(out, &r.stdout).unwrap();
}

/// `gtt dashboard` with the site compiled into gtt.
fn dashboard(fake: &FakeGitHub, data: &Path, out: &Path) {
    let r =
        gtt(fake, &["dashboard", "--out", &out.display().to_string(), "--data-dir", &data.display().to_string()], &[]);
    ok(&r, "dashboard");
    assert!(out.join("index.html").is_file() && out.join("config.js").is_file());
    assert!(out.join("data/gtt.js").is_file(), "the index script for file://");
    assert!(!out.join("data.js").exists(), "no single script of everything");
}

fn npm(dir: &Path, args: &[&str]) {
    let out = Command::new("npm")
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run npm {args:?} (install Node.js and npm): {e}"));
    assert!(
        out.status.success(),
        "npm {args:?} failed\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// dashboard/, its npm packages installed.
fn dashboard_with_node_modules() -> PathBuf {
    let dash = repo_root().join("dashboard");
    if !dash.join("node_modules").join("uplot").is_dir() || !dash.join("node_modules").join("playwright-core").is_dir()
    {
        npm(&dash, &["ci", "--no-audit", "--no-fund"]);
    }
    dash
}

#[test]
fn dashboard_renders_gtt_data_in_chromium() {
    let root = repo_root();
    let dash = dashboard_with_node_modules();

    let tmp = tempdir("dashboard");
    let (data_single, data_multi, data_xss) =
        (tmp.path().join("data-single"), tmp.path().join("data-multi"), tmp.path().join("data-xss"));
    let data_long = tmp.path().join("data-long");
    let fake = world();
    simulate(&fake, &data_single, &data_multi);
    for d in ["2026-10-30", "2026-10-31"] {
        fake.set_now(at(date(d), 7));
        collect(&fake, &data_xss, XSS);
        collect(&fake, &data_long, LONG);
    }

    // The single repository's history split (a run two years on moves 2026 into its
    // settled file): the page joins the two files, over http and from file://.
    let data_split = tmp.path().join("data-split");
    std::fs::create_dir_all(&data_split).unwrap();
    for e in std::fs::read_dir(&data_single).unwrap() {
        let p = e.unwrap().path();
        if p.is_file() && !p.file_name().unwrap().to_string_lossy().starts_with('.') {
            std::fs::copy(&p, data_split.join(p.file_name().unwrap())).unwrap();
        }
    }
    fake.set_now(at(date("2028-01-05"), 7));
    collect(&fake, &data_split, HELLO);
    assert!(data_split.join("settled-octo.hello.json").is_file(), "the fixture is split");

    let (site_single, site_multi, site_xss) =
        (tmp.path().join("site-single"), tmp.path().join("site-multi"), tmp.path().join("site-xss"));
    dashboard(&fake, &data_single, &site_single);
    dashboard(&fake, &data_multi, &site_multi);
    dashboard(&fake, &data_xss, &site_xss);
    let site_long = tmp.path().join("site-long");
    dashboard(&fake, &data_long, &site_long);
    let site_split = tmp.path().join("site-split");
    dashboard(&fake, &data_split, &site_split);
    let csv_split = tmp.path().join("split.csv");
    export_csv(&fake, &data_split, &csv_split);
    let (csv_single, csv_multi) = (tmp.path().join("single.csv"), tmp.path().join("multi.csv"));
    export_csv(&fake, &data_single, &csv_single);
    export_csv(&fake, &data_multi, &csv_multi);

    let screenshots = root.join("docs").join("screenshots");
    std::fs::create_dir_all(&screenshots).unwrap();
    let fixtures = serde_json::json!({
        "single": { "site": site_single, "data": data_single, "csv": csv_single, "repos": [HELLO] },
        "multi": { "site": site_multi, "data": data_multi, "csv": csv_multi, "repos": [HELLO, WORLD, TOOL] },
        "xss": { "site": site_xss, "data": data_xss, "repos": [XSS] },
        "long": { "site": site_long, "data": data_long, "repos": [LONG], "length": LONG_TEXT },
        "split": { "site": site_split, "data": data_split, "csv": csv_split, "repos": [HELLO] },
        "screenshots": screenshots,
    });
    let out = Command::new("node")
        .args(["--test", "--test-reporter=spec", "test/"])
        .current_dir(&dash)
        .env("GTT_FIXTURES", fixtures.to_string())
        .output()
        .unwrap_or_else(|e| panic!("cannot run node (install Node.js): {e}"));
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    println!("{stdout}");
    eprintln!("{stderr}");
    assert!(out.status.success(), "node --test dashboard/test/ failed (output above)");
    assert!(stdout.contains("browser"), "the browser tests ran");
}

// ---- The site folder and the data folder (issue 10, item 2) ----

/// A built site small enough to need no `npm run build`: what `--site-dir` points at.
fn tiny_site(dir: &Path, extra: &[&str]) -> PathBuf {
    std::fs::create_dir_all(dir.join("vendor")).unwrap();
    std::fs::write(dir.join("index.html"), "<!doctype html>").unwrap();
    std::fs::write(dir.join("vendor/uPlot.iife.min.js"), "var uPlot;").unwrap();
    for f in extra {
        std::fs::write(dir.join(f), "// shipped by this build").unwrap();
    }
    dir.to_path_buf()
}

/// Every file under `dir` with its bytes.
fn snapshot(dir: &Path) -> std::collections::BTreeMap<PathBuf, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.insert(p.strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

fn one_repo_world() -> FakeGitHub {
    let fake = FakeGitHub::start();
    fake.add_token(TOKEN, TokenKind::Full);
    for (seed, repo) in [HELLO, WORLD].into_iter().enumerate() {
        fake.add_repo(repo);
        set_traffic(&fake, repo, u64::try_from(seed).unwrap() + 1);
    }
    fake.set_now(at(date("2026-10-01"), 6));
    fake
}

#[test]
fn a_dashboard_folder_holding_the_data_folder_is_refused_before_anything_is_written() {
    let tmp = tempdir("dashboard-overlap");
    let site_dir = tiny_site(&tmp.path().join("built"), &[]);
    let fake = one_repo_world();
    let (site, data) = (tmp.path().join("site"), tmp.path().join("site").join("data"));
    collect(&fake, &data, HELLO);
    // What a store may hold beyond the index: an archive, a badge, a history it no
    // longer lists. The old cleanup removed every .json the index did not name.
    std::fs::write(data.join("archive-2026-08.json"), "{\"archive\":true}").unwrap();
    std::fs::write(data.join("badge-extra.json"), "{\"badge\":true}").unwrap();
    std::fs::write(data.join("history-old.gone.json"), "{\"kept\":true}").unwrap();
    let before = snapshot(&site);

    fake.set_now(at(date("2026-10-02"), 6));
    let (site_s, data_s, built) =
        (site.display().to_string(), data.display().to_string(), site_dir.display().to_string());
    let r = gtt(
        &fake,
        &[
            "collect",
            "--repos",
            HELLO,
            "--token",
            TOKEN,
            "--data-dir",
            &data_s,
            "--dashboard-dir",
            &site_s,
            "--site-dir",
            &built,
        ],
        &[],
    );
    assert_eq!(r.code, 2, "usage error\nstdout:\n{}\nstderr:\n{}", r.stdout, r.stderr);
    assert!(
        r.stderr.contains("input `dashboard-dir`")
            && r.stderr.contains("input `data-dir`")
            && r.stderr.contains("contains"),
        "one line naming both inputs: {}",
        r.stderr
    );
    assert_eq!(r.stderr.trim().lines().count(), 1, "{}", r.stderr);
    assert_eq!(snapshot(&site), before, "nothing written, nothing removed");

    let r = gtt(&fake, &["dashboard", "--data-dir", &data_s, "--out", &site_s, "--site-dir", &built], &[]);
    assert_eq!(r.code, 2, "dashboard --out over the data folder\n{}", r.stderr);
    assert!(r.stderr.contains("input `out`"), "{}", r.stderr);
    assert_eq!(snapshot(&site), before);
}

#[test]
fn a_dashboard_folder_that_is_the_data_folder_is_refused() {
    let tmp = tempdir("dashboard-same");
    let site_dir = tiny_site(&tmp.path().join("built"), &[]);
    let fake = one_repo_world();
    let data = tmp.path().join("x");
    collect(&fake, &data, HELLO);
    let before = snapshot(&data);
    let (d, built) = (data.display().to_string(), site_dir.display().to_string());
    let same = format!("{d}/");
    let r = gtt(
        &fake,
        &[
            "collect",
            "--repos",
            HELLO,
            "--token",
            TOKEN,
            "--data-dir",
            &d,
            "--dashboard-dir",
            &same,
            "--site-dir",
            &built,
        ],
        &[],
    );
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("is the same folder as"), "{}", r.stderr);
    assert_eq!(snapshot(&data), before);
}

fn write_dashboard(fake: &FakeGitHub, data: &Path, out: &Path, site: &Path) {
    let (d, o, s) = (data.display().to_string(), out.display().to_string(), site.display().to_string());
    let r = gtt(fake, &["dashboard", "--data-dir", &d, "--out", &o, "--site-dir", &s], &[]);
    ok(&r, "dashboard");
}

#[test]
fn the_users_own_files_in_the_site_folder_survive_dashboard_writes() {
    let tmp = tempdir("dashboard-userfiles");
    let built = tiny_site(&tmp.path().join("built"), &[]);
    let fake = one_repo_world();
    let data = tmp.path().join("gtt-data");
    collect(&fake, &data, &format!("{HELLO},{WORLD}"));
    let site = tmp.path().join("site");
    std::fs::create_dir_all(site.join("data")).unwrap();
    std::fs::write(site.join("CNAME"), "traffic.example.org").unwrap();
    std::fs::write(site.join("data").join("notes.json"), "{\"mine\":true}").unwrap();
    std::fs::write(site.join("data").join("README.txt"), "mine").unwrap();
    for _ in 0..2 {
        write_dashboard(&fake, &data, &site, &built);
        assert!(site.join("index.html").is_file() && site.join("data/gtt.json").is_file());
        assert_eq!(std::fs::read_to_string(site.join("CNAME")).unwrap(), "traffic.example.org");
        assert_eq!(std::fs::read_to_string(site.join("data/notes.json")).unwrap(), "{\"mine\":true}");
        assert_eq!(std::fs::read_to_string(site.join("data/README.txt")).unwrap(), "mine");
    }
}

#[test]
fn a_file_gtt_wrote_before_but_not_now_is_removed() {
    let tmp = tempdir("dashboard-stale");
    // Run 1: a build that ships old-chunk.js, a store with two repositories.
    let built_1 = tiny_site(&tmp.path().join("built-1"), &["old-chunk.js"]);
    let built_2 = tiny_site(&tmp.path().join("built-2"), &[]);
    let fake = one_repo_world();
    let (both, one) = (tmp.path().join("data-both"), tmp.path().join("data-one"));
    collect(&fake, &both, &format!("{HELLO},{WORLD}"));
    collect(&fake, &one, HELLO);
    let site = tmp.path().join("site");
    write_dashboard(&fake, &both, &site, &built_1);
    assert!(site.join("old-chunk.js").is_file());
    assert!(site.join("data/history-octo.world.json").is_file());
    // Run 2: a newer build without it, a store without octo/world.
    write_dashboard(&fake, &one, &site, &built_2);
    assert!(!site.join("old-chunk.js").exists(), "the old build's file is gone");
    assert!(!site.join("data/history-octo.world.json").exists(), "the dropped repository's copy is gone");
    assert!(site.join("data/history-octo.hello.json").is_file() && site.join("index.html").is_file());
}

// ---- One script per repository for pages opened from file:// (issue 15, item 5) ----

/// Text that would end a script element, open an HTML comment or end a JavaScript line
/// (before ES2019) if a data script carried it raw.
const BREAKOUT: &str = "</script><script>window.__pwned=1</script><!-- \u{2028}\u{2029} & >";

/// Runs `scripts` in one fresh node context whose `window` is its global, as a page
/// adds them, and returns what they set: `{"data": GTT_DATA, "files": GTT_FILES}`.
fn run_scripts(dir: &Path, scripts: &[&str]) -> serde_json::Value {
    let code = "const vm = require('vm'); const fs = require('fs'); const g = {}; g.window = g; vm.createContext(g); \
        for (const f of process.argv.slice(1)) vm.runInContext(fs.readFileSync(f, 'utf8'), g, { filename: f }); \
        process.stdout.write(JSON.stringify({ data: g.GTT_DATA, files: g.GTT_FILES }));";
    let out = Command::new("node")
        .arg("-e")
        .arg(code)
        .args(scripts)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("cannot run node (install Node.js): {e}"));
    assert!(out.status.success(), "the data scripts do not run: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

#[test]
fn a_folder_site_has_one_inert_script_per_repository() {
    let tmp = tempdir("dashboard-scripts");
    let fake = one_repo_world();
    fake.set_referrers(HELLO, vec![(BREAKOUT.into(), 5, 1)]);
    fake.set_paths(HELLO, vec![("/octo/hello".into(), BREAKOUT.into(), 3, 1)]);
    let data = tmp.path().join("data");
    collect(&fake, &data, &format!("{HELLO},{WORLD}"));
    let site = tmp.path().join("site");
    dashboard(&fake, &data, &site);
    let dir = site.join("data");
    let copy = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let hello = copy("history-octo.hello.json");
    assert!(hello.contains("</script>") && hello.contains('\u{2028}'), "the history holds the hostile text raw");

    let mut scripts: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.ends_with(".js"))
        .collect();
    scripts.sort();
    assert_eq!(scripts, ["gtt.js", "repo-octo.hello.js", "repo-octo.world.js"], "an index and one per repository");
    for name in &scripts {
        let text = copy(name);
        for bad in ["<", ">", "&", "\u{2028}", "\u{2029}"] {
            assert!(!text.contains(bad), "{name} carries {bad:?} raw");
        }
    }

    let index = run_scripts(&dir, &["gtt.js"]);
    assert_eq!(index["data"]["files"]["gtt.json"], copy("gtt.json").as_str());
    assert_eq!(index["data"]["scripts"]["history-octo.hello.json"], "repo-octo.hello.js");
    assert_eq!(index["data"]["scripts"]["history-octo.world.json"], "repo-octo.world.js");
    assert!(index["files"].is_null(), "gtt.js carries no history");
    let both = run_scripts(&dir, &["gtt.js", "repo-octo.hello.js", "repo-octo.world.js"]);
    assert_eq!(both["files"]["history-octo.hello.json"], hello.as_str(), "the same text, byte for byte");
    assert_eq!(both["files"]["history-octo.world.json"], copy("history-octo.world.json").as_str());
    assert_eq!(both["files"].as_object().unwrap().len(), 2);
    let one = run_scripts(&dir, &["repo-octo.world.js"]);
    assert_eq!(one["files"].as_object().unwrap().keys().collect::<Vec<_>>(), ["history-octo.world.json"]);
}

// ---- The site ships inside gtt (issue 13, item 2) ----

/// Every file under `dir` by `/`-separated relative path.
fn files_of(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    snapshot(dir).into_iter().map(|(p, bytes)| (p.to_string_lossy().replace('\\', "/"), bytes)).collect()
}

#[test]
fn the_committed_site_is_what_npm_run_build_makes_of_dashboard_src() {
    let dash = dashboard_with_node_modules();
    let tmp = tempdir("dashboard-drift");
    let fresh = tmp.path().join("site");
    npm(&dash, &["run", "build", "--", &fresh.display().to_string()]);
    let (built, committed) = (files_of(&fresh), files_of(&dash.join("site")));
    let fix = "run `npm ci && npm run build` in dashboard/ and commit dashboard/site";
    let names = |m: &std::collections::BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(&committed),
        names(&built),
        "dashboard/site lists other files than a build of dashboard/src: {fix}"
    );
    for (name, bytes) in &built {
        assert!(
            committed.get(name) == Some(bytes),
            "dashboard/site/{name} differs from a build of dashboard/src: {fix}"
        );
    }
}

#[test]
fn the_bare_binary_writes_a_complete_site_from_an_empty_folder() {
    let tmp = tempdir("dashboard-bare");
    let fake = one_repo_world();
    let home = tmp.path().join("anywhere");
    collect(&fake, &home.join("data"), HELLO);
    let bin = home.join("gtt");
    std::fs::copy(env!("CARGO_BIN_EXE_gtt"), &bin).unwrap();
    let out = Command::new(&bin)
        .args(["dashboard", "--out", "site", "--data-dir", "data"])
        .current_dir(&home)
        .env_clear()
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "gtt dashboard from a bare binary\n{stdout}\n{stderr}");
    let site = files_of(&home.join("site"));
    for want in
        ["index.html", "app.js", "style.css", "vendor/uPlot.iife.min.js", "config.js", "data/gtt.json", "data/gtt.js"]
    {
        assert!(site.contains_key(want), "{want} missing from {:?}", site.keys().collect::<Vec<_>>());
    }
    for (name, bytes) in files_of(&repo_root().join("dashboard/site")) {
        if !matches!(name.as_str(), "config.js" | "config.json") {
            assert!(site.get(&name) == Some(&bytes), "site/{name} is not the committed dashboard/site/{name}");
        }
    }
    let config = String::from_utf8_lossy(&site["config.js"]).into_owned();
    assert!(config.contains(r#"window.GTT_CONFIG = {"source":"data/"};"#), "{config}");
    let script = String::from_utf8_lossy(&site["data/repo-octo.hello.js"]).into_owned();
    assert!(script.contains("history-octo.hello.json"), "the repository's script carries its files");
}

#[test]
fn the_crate_package_carries_the_site() {
    let out = Command::new(env!("CARGO"))
        .args(["package", "--list", "--allow-dirty", "--offline"])
        .current_dir(repo_root())
        .output()
        .unwrap();
    let listed = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "cargo package --list\n{listed}\n{}", String::from_utf8_lossy(&out.stderr));
    let listed: Vec<&str> = listed.lines().collect();
    let mut want: Vec<String> =
        files_of(&repo_root().join("dashboard/site")).into_keys().map(|n| format!("dashboard/site/{n}")).collect();
    want.extend(
        ["build.rs", "src/lib.rs", "README.md", "examples/traffic.yml", "examples/traffic-branch.yml"]
            .map(String::from),
    );
    want.extend(
        files_of(&repo_root().join("tests/fixtures/import")).into_keys().map(|n| format!("tests/fixtures/import/{n}")),
    );
    for w in &want {
        assert!(listed.contains(&w.as_str()), "the package lacks {w} (Cargo.toml `include`)");
    }
    assert!(!listed.iter().any(|l| l.contains("node_modules")), "no node_modules in the package");
}
