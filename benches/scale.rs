//! What a run costs at scale, measured with the real `gtt` binary (the release build
//! `cargo bench` makes) against the in-process fake GitHub on 127.0.0.1 with a wall-clock
//! latency per request:
//!
//! - `one`: one repository, one run, against the critical-path bound (the longest chain of
//!   requests that each need an answer before they can be sent, times the latency);
//! - `fleet`: 500 repositories discovered with `owner/*`, against requests x latency /
//!   requests in flight, for several `--concurrency` values, cold and warm;
//! - `cpu`: CPU time and peak memory of a collect that merges and stores ten years of
//!   history for each of 500 repositories, in a folder and in a branch store
//!   (`GTT_BENCH_CPU_STORES=folder,branch`; `GTT_BENCH_CPU_REPOS=50,500,2000` for how
//!   both grow with the repositories; `GTT_BENCH_CPU_ARCHIVE=1` with monthly archives on);
//! - `export`: CPU time and peak memory of `gtt export` in each format over the same
//!   500 ten-year histories, from a folder and from 20 gists
//!   (`GTT_BENCH_EXPORT_STORES=folder,gists`).
//!
//! `cargo bench --bench scale` runs all four and prints the tables recorded in
//! BENCHMARKS.md. Environment: `GTT_BENCH=one,fleet,cpu,export` picks some;
//! `GTT_BENCH_CONCURRENCY=default,8,32` the fleet's `--concurrency` values; `GTT_BENCH_LOG`
//! gtt's `RUST_LOG` (default `info`); `GTT_BENCH_BIN` another gtt binary (one with symbols)
//! and `GTT_BENCH_WRAP` a command to run it under (`perf record -g --`, `heaptrack`).
//! `GTT_BENCH_GHTRAF=PATH` (ghtraf's workflow file, `traffic-badges.yml`, not shipped with
//! gtt) also runs ghtraf's collector under node on the same fake (`benches/ghtraf/shim.mjs`)
//! beside `one`'s gist runs (cold, warm, next day).
//! Without `--bench` (`cargo test --bench scale`) it runs the same code at toy sizes, as a
//! smoke test. Nothing here asserts a timing.
// A benchmark: like a test, it may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, unreachable_pub)]

#[allow(dead_code, unused_imports, unreachable_pub)]
#[path = "../tests/integration/fake/mod.rs"]
mod fake;

use std::collections::BTreeMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use fake::{FakeGitHub, LimitStats, Limits, Recorded, TokenKind};
use gtt::history::{History, Observation, PopularPath, Referrer};
use jiff::{SignedDuration, Span, Timestamp};

type Res<T> = Result<T, String>;

/// Sizes of one benchmark session: the real ones, or toy ones for the smoke test.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    latency: Duration,
    fleet: usize,
    cpu_repos: usize,
    history_days: i64,
    repeats: usize,
}

const REAL: Sizes =
    Sizes { latency: Duration::from_millis(50), fleet: 500, cpu_repos: 500, history_days: 3653, repeats: 5 };
const SMOKE: Sizes =
    Sizes { latency: Duration::from_millis(10), fleet: 12, cpu_repos: 6, history_days: 400, repeats: 1 };
/// GitHub's documented ceiling on concurrent requests (secondary limits); the fake refuses beyond it.
const MAX_CONCURRENT: u64 = 100;

// ===================================================================
// Running gtt and watching it
// ===================================================================

/// Everything one gtt run left behind.
#[derive(Debug)]
struct Run {
    code: i32,
    /// Lines of stderr with their arrival time since the spawn.
    stderr: Vec<(Duration, String)>,
    wall: Duration,
    /// User and system CPU time of gtt (all its threads), from the bench's own
    /// `cutime`/`cstime` after waiting for it.
    user: Duration,
    sys: Duration,
    /// Peak resident set (VmHWM), sampled every 2 ms while gtt ran.
    peak_rss_kb: u64,
    /// `(time since spawn, user+sys CPU so far)` samples of the running gtt.
    cpu_samples: Vec<(Duration, Duration)>,
    /// Requests the fake answered during the run, in the order answered, with the time
    /// (since the spawn) the answer was recorded, sampled every millisecond.
    requests: Vec<(Recorded, Duration)>,
    limits: LimitStats,
}

impl Run {
    fn cpu(&self) -> Duration {
        self.user + self.sys
    }

    fn count_status(&self, status: u16) -> usize {
        self.requests.iter().filter(|(r, _)| r.status == status).count()
    }

    fn cpu_at(&self, t: Duration) -> Duration {
        self.cpu_samples.iter().take_while(|(at, _)| *at <= t).last().map_or(Duration::ZERO, |(_, c)| *c)
    }
}

fn clock_ticks() -> u64 {
    Command::new("getconf")
        .arg("CLK_TCK")
        .output()
        .ok()
        .and_then(|o| String::from_utf8_lossy(&o.stdout).trim().parse().ok())
        .filter(|t| *t > 0)
        .unwrap_or(100)
}

/// Fields of `/proc/PID/stat` after the command name: `[0]` is the state, `[11]` utime,
/// `[12]` stime, `[13]` cutime, `[14]` cstime (clock ticks).
fn proc_stat(pid: &str) -> Option<Vec<u64>> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = text.rsplit_once(')')?.1;
    Some(rest.split_whitespace().map(|f| f.parse().unwrap_or(0)).collect())
}

fn vm_hwm_kb(pid: u32) -> Option<u64> {
    let text = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = text.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn ticks(n: u64, hz: u64) -> Duration {
    Duration::from_micros(n.saturating_mul(1_000_000) / hz.max(1))
}

/// The binary measured: the one cargo built for this bench, or `GTT_BENCH_BIN` (e.g. a
/// build with symbols, for a profiler).
fn gtt_binary() -> String {
    std::env::var("GTT_BENCH_BIN").unwrap_or_else(|_| env!("CARGO_BIN_EXE_gtt").to_string())
}

/// `gtt`, or `GTT_BENCH_WRAP` (a command prefix such as `perf record -g --`) then `gtt`.
/// Under a wrapper, CPU and memory are the wrapper's and its children's.
fn gtt_command() -> Command {
    let wrap = std::env::var("GTT_BENCH_WRAP").unwrap_or_default();
    let mut words = wrap.split_whitespace();
    match words.next() {
        Some(program) => {
            let mut c = Command::new(program);
            c.args(words).arg(gtt_binary());
            c
        }
        None => Command::new(gtt_binary()),
    }
}

/// Runs `gtt collect` against the fake with a clean environment (PATH, the token, RUST_LOG)
/// and watches it: wall time, CPU, peak memory, and when each request was answered.
fn run_gtt(fake: &FakeGitHub, limits: &Limits, token: &str, args: &[String], hz: u64) -> Res<Run> {
    run_gtt_with(fake, limits, (token, None), args, hz)
}

/// [`run_gtt`] with the token's hourly limit raised to `rate_limit`, if given.
fn run_gtt_with(
    fake: &FakeGitHub,
    limits: &Limits,
    (token, rate_limit): (&str, Option<u64>),
    args: &[String],
    hz: u64,
) -> Res<Run> {
    fake.add_token(token, TokenKind::Full);
    if let Some(l) = rate_limit {
        fake.set_rate_limit(token, l);
    }
    fake.clear_requests();
    fake.set_limits(limits.clone());
    let before = proc_stat("self").ok_or("cannot read /proc/self/stat")?;
    let mut cmd = collect_command(fake, token, args);
    let start = Instant::now();
    let child = cmd.spawn().map_err(|e| format!("cannot start {}: {e}", gtt_binary()))?;
    let seen = watch(fake, child, start, hz)?;
    let after = proc_stat("self").ok_or("cannot read /proc/self/stat")?;
    let delta = |i: usize| after.get(i).copied().unwrap_or(0).saturating_sub(before.get(i).copied().unwrap_or(0));
    Ok(Run {
        code: seen.status.code().unwrap_or(-1),
        requests: answer_times(fake.requests(), &seen.counts, seen.wall),
        stderr: seen.stderr,
        wall: seen.wall,
        user: ticks(delta(13), hz),
        sys: ticks(delta(14), hz),
        peak_rss_kb: seen.peak_rss_kb,
        cpu_samples: seen.cpu_samples,
        limits: fake.limit_stats(),
    })
}

/// `gtt collect` against the fake, with only PATH, the token and RUST_LOG (`GTT_BENCH_LOG`,
/// default `info`) in its environment; stdout and stderr piped.
fn collect_command(fake: &FakeGitHub, token: &str, args: &[String]) -> Command {
    let log = std::env::var("GTT_BENCH_LOG").unwrap_or_else(|_| "info".into());
    let mut cmd = gtt_command();
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("GITHUB_TOKEN", token)
        .env("RUST_LOG", log)
        .arg("collect")
        .arg("--api-url")
        .arg(fake.url())
        .arg("--now")
        .arg(fake.now().to_string())
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// What the watchers saw of one gtt process.
#[derive(Debug)]
struct Watched {
    status: ExitStatus,
    wall: Duration,
    stderr: Vec<(Duration, String)>,
    /// `(time since spawn, requests the fake has recorded)` at each change of the count.
    counts: Vec<(Duration, usize)>,
    cpu_samples: Vec<(Duration, Duration)>,
    peak_rss_kb: u64,
}

/// Drains gtt's output and, until it exits, polls how many requests the fake has answered
/// and the child's CPU time and peak memory.
fn watch(fake: &FakeGitHub, mut child: Child, start: Instant, hz: u64) -> Res<Watched> {
    let pid = child.id();
    let mut stdout_pipe = child.stdout.take().ok_or("no stdout pipe")?;
    let stderr_pipe = child.stderr.take().ok_or("no stderr pipe")?;
    let done = AtomicBool::new(false);
    let (status, stderr, counts, (cpu_samples, peak_rss_kb)) = std::thread::scope(|s| {
        // The per-repository lines are not needed: drained so gtt never blocks on the pipe.
        let out = s.spawn(move || std::io::copy(&mut stdout_pipe, &mut std::io::sink()));
        let err = s.spawn(move || {
            BufReader::new(stderr_pipe).lines().map_while(Result::ok).map(|l| (start.elapsed(), l)).collect::<Vec<_>>()
        });
        let answers = s.spawn(|| poll_answers(fake, &done, start));
        let process = s.spawn(|| poll_process(pid, &done, start, hz));
        let status = child.wait();
        let wall = start.elapsed();
        done.store(true, Ordering::SeqCst);
        let _ = out.join();
        (
            status.map(|st| (st, wall)),
            err.join().unwrap_or_default(),
            answers.join().expect("the request poller panicked"),
            process.join().expect("the process poller panicked"),
        )
    });
    let (status, wall) = status.map_err(|e| format!("waiting for gtt: {e}"))?;
    Ok(Watched { status, wall, stderr, counts, cpu_samples, peak_rss_kb })
}

/// When each request is answered: the fake records it as it answers; polled every
/// millisecond, the time is noted whenever the count changes.
fn poll_answers(fake: &FakeGitHub, done: &AtomicBool, start: Instant) -> Vec<(Duration, usize)> {
    let mut counts = Vec::new();
    let mut last = 0;
    while !done.load(Ordering::SeqCst) {
        let n = fake.count("*", "");
        if n != last {
            last = n;
            counts.push((start.elapsed(), n));
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    counts
}

/// CPU and peak memory of the running child, every 2 ms: `(time since spawn, user+sys CPU
/// so far)` samples and the largest VmHWM seen (KB).
fn poll_process(pid: u32, done: &AtomicBool, start: Instant, hz: u64) -> (Vec<(Duration, Duration)>, u64) {
    let pid_s = pid.to_string();
    let mut samples = Vec::new();
    let mut peak = 0u64;
    while !done.load(Ordering::SeqCst) {
        if let Some(hwm) = vm_hwm_kb(pid) {
            peak = peak.max(hwm);
        }
        let f = proc_stat(&pid_s).unwrap_or_default();
        if let (Some(u), Some(st)) = (f.get(11), f.get(12)) {
            samples.push((start.elapsed(), ticks(u + st, hz)));
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    (samples, peak)
}

/// Each recorded request with the first poll that saw it answered (the run's end if none did).
fn answer_times(recorded: Vec<Recorded>, counts: &[(Duration, usize)], wall: Duration) -> Vec<(Recorded, Duration)> {
    recorded
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let at = counts.iter().find(|(_, n)| *n > i).map_or(wall, |(t, _)| *t);
            (r, at)
        })
        .collect()
}

/// A failed run is reported, not fatal: the figures of the others still count.
fn check(run: &Run, what: &str) -> String {
    if run.code == 0 {
        return String::new();
    }
    let tail: Vec<&str> = run.stderr.iter().rev().take(4).map(|(_, l)| l.as_str()).collect();
    let note = format!("gtt exited {} in {what}: {}", run.code, tail.into_iter().rev().collect::<Vec<_>>().join(" | "));
    println!("  !! {note}");
    format!(" (exit {})", run.code)
}

// ===================================================================
// What the requests were, and which had to wait for which
// ===================================================================

/// One request, parsed for classification.
#[derive(Debug, Clone)]
struct Req {
    /// `owner/name` for repository endpoints.
    repo: Option<String>,
    /// Path after the repository (or the whole path), numbers replaced by `{id}`.
    endpoint: String,
    /// Repository, endpoint and query without `page`: the pages of one listing share it.
    listing: String,
    page: u64,
}

fn pct_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match (b[i], s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(v)) => {
                out.push(v);
                i += 3;
            }
            (c, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// `ids` maps the fake's repository ids to names: pagination links use `/repositories/{id}`.
fn parse_req(r: &Recorded, ids: &BTreeMap<String, String>) -> Req {
    let (path, query) = r.path.split_once('?').unwrap_or((&r.path, ""));
    let path = path.strip_prefix("/api/v3").unwrap_or(path);
    let segs: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let (repo, rest) = match segs.as_slice() {
        ["repos", o, n, rest @ ..] => (Some(format!("{o}/{n}").to_ascii_lowercase()), rest.to_vec()),
        ["repositories", id, rest @ ..] => (ids.get(*id).cloned(), rest.to_vec()),
        _ => (None, segs.clone()),
    };
    let endpoint = if repo.is_some() && rest.is_empty() {
        "repository".to_string()
    } else {
        rest.iter()
            .map(|s| if s.bytes().all(|b| b.is_ascii_digit()) { "{id}" } else { s })
            .collect::<Vec<_>>()
            .join("/")
    };
    let mut params: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap_or((p, ""));
            (pct_decode(k), pct_decode(v))
        })
        .collect();
    let page = params.iter().find(|(k, _)| k == "page").and_then(|(_, v)| v.parse().ok()).unwrap_or(1);
    params.retain(|(k, _)| k != "page");
    params.sort();
    let q: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    let listing = format!("{} {} {} {}", r.method, repo.as_deref().unwrap_or("-"), rest.join("/"), q.join("&"));
    Req { repo, endpoint, listing, page }
}

fn is_discovery(q: &Req) -> bool {
    q.repo.is_none() && (q.endpoint == "user" || q.endpoint.ends_with("/repos"))
}

/// How many round trips must precede each request at the least, counting it: 1 for
/// anything that needs only the repository's name; one more than the previous page for
/// page N of a listing (its URL comes from that page's `Link`); one more than the
/// repository's first workflow-run listing for a run's jobs (the run id comes from it);
/// one more than the repository request for its Pages builds (asked only when the
/// repository says it has Pages, which saves a request on every repository without).
/// Retries of a request already made are not needed and get depth 0. Requests are
/// recorded as they are answered, and a request asked beside the one it follows (a page 2
/// or Pages builds, when the stored history says they will be needed) may be answered
/// first: so pages are taken in page order, the runs listings and repository requests
/// before the rest of their page, and otherwise in the order recorded.
fn depths(reqs: &[Req], recorded: &[&Recorded]) -> Vec<u32> {
    let mut by_page: BTreeMap<(String, u64), u32> = BTreeMap::new();
    let mut runs_listing: BTreeMap<String, u32> = BTreeMap::new();
    let mut repository: BTreeMap<String, u32> = BTreeMap::new();
    let mut seen = std::collections::BTreeSet::new();
    let mut out = vec![0; reqs.len()];
    let mut order: Vec<usize> = (0..reqs.len()).collect();
    order.sort_by_key(|&i| (reqs[i].page, !matches!(reqs[i].endpoint.as_str(), "actions/runs" | "repository")));
    for i in order {
        let (q, r) = (&reqs[i], recorded[i]);
        if !seen.insert((r.method.clone(), r.path.clone())) {
            continue;
        }
        let d = if q.page > 1 {
            by_page.get(&(q.listing.clone(), q.page - 1)).copied().unwrap_or(0) + 1
        } else if q.endpoint.starts_with("actions/runs/{id}/") {
            runs_listing.get(q.repo.as_deref().unwrap_or("")).copied().unwrap_or(0) + 1
        } else if q.endpoint == "pages/builds" {
            repository.get(q.repo.as_deref().unwrap_or("")).copied().unwrap_or(0) + 1
        } else {
            1
        };
        let first_of = |m: &mut BTreeMap<String, u32>| {
            let e = m.entry(q.repo.clone().unwrap_or_default()).or_insert(d);
            *e = (*e).min(d);
        };
        if q.endpoint == "actions/runs" && q.page == 1 {
            first_of(&mut runs_listing);
        }
        if q.endpoint == "repository" {
            first_of(&mut repository);
        }
        by_page.insert((q.listing.clone(), q.page), d);
        out[i] = d;
    }
    // A write to the store (a gist's PATCH) needs every answer first: one round trip
    // after the deepest request. Reading the store is one round trip of its own, which
    // the fetch may overlap (depth 1, like anything that needs only names).
    let deepest = out.iter().copied().max().unwrap_or(0);
    for (d, r) in out.iter_mut().zip(recorded) {
        if is_store_write(r) && *d > 0 {
            *d = deepest + 1;
        }
    }
    out
}

/// A write to gist storage.
fn is_store_write(r: &Recorded) -> bool {
    r.method != "GET" && r.path.trim_start_matches("/api/v3").starts_with("/gists/")
}

/// Requests by endpoint: `(endpoint, sent, answered 304)`.
fn by_endpoint(run: &Run, ids: &BTreeMap<String, String>) -> Vec<(String, usize, usize)> {
    let mut m: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (r, _) in &run.requests {
        let q = parse_req(r, ids);
        let key = if q.page > 1 { format!("{} (page 2+)", q.endpoint) } else { q.endpoint.clone() };
        let e = m.entry(key).or_default();
        e.0 += 1;
        e.1 += usize::from(r.status == 304);
    }
    m.into_iter().map(|(k, (n, c))| (k, n, c)).collect()
}

/// Groups answers into waves: a gap of more than half the latency starts a new one.
fn waves(run: &Run, latency: Duration) -> Vec<Vec<usize>> {
    let mut order: Vec<usize> = (0..run.requests.len()).collect();
    order.sort_by_key(|i| run.requests.get(*i).map(|(_, t)| *t));
    let mut out: Vec<Vec<usize>> = Vec::new();
    let mut last: Option<Duration> = None;
    for i in order {
        let t = run.requests.get(i).map_or(Duration::ZERO, |(_, t)| *t);
        match (last, out.last_mut()) {
            (Some(l), Some(w)) if t.saturating_sub(l) <= latency / 2 => w.push(i),
            _ => out.push(vec![i]),
        }
        last = Some(t);
    }
    out
}

// ===================================================================
// Output
// ===================================================================

#[derive(Debug)]
struct Row {
    what: String,
    value: String,
    bound: String,
    ratio: String,
    target: String,
    pass: Option<bool>,
}

fn row(what: &str, value: String, bound: String, ratio: String, target: &str, pass: Option<bool>) -> Row {
    Row { what: what.into(), value, bound, ratio, target: target.into(), pass }
}

fn ms(d: Duration) -> String {
    if d >= Duration::from_secs(10) {
        format!("{:.1} s", d.as_secs_f64())
    } else if d >= Duration::from_secs(1) {
        format!("{:.2} s", d.as_secs_f64())
    } else {
        format!("{:.0} ms", d.as_secs_f64() * 1000.0)
    }
}

fn print_table(rows: &[Row]) {
    println!();
    println!("| measured | value | bound | ratio | target | result |");
    println!("|---|---:|---:|---:|---|---|");
    for r in rows {
        let result = match r.pass {
            Some(true) => "pass",
            Some(false) => "**miss**",
            None => "-",
        };
        println!("| {} | {} | {} | {} | {} | {} |", r.what, r.value, r.bound, r.ratio, r.target, result);
    }
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

// ===================================================================
// Scenario 1: one repository
// ===================================================================

fn day_at(fake: &FakeGitHub, back: i64, hour: i8) -> Res<Timestamp> {
    let today = fake.now().to_zoned(jiff::tz::TimeZone::UTC).date();
    let d = today.checked_sub(Span::new().days(back)).map_err(|e| e.to_string())?;
    d.at(hour, 0, 0, 0).to_zoned(jiff::tz::TimeZone::UTC).map(|z| z.timestamp()).map_err(|e| e.to_string())
}

/// A busy repository: 14 days of traffic, full referrer and path lists, 120 releases of
/// two assets (two pages), one finished CI run a day (its `ci.yml` at a commit of its own, the
/// same file each day) with a checkout step, Pages builds.
fn one_repo_fake(repo: &str) -> Res<FakeGitHub> {
    let fake = FakeGitHub::start();
    fake.add_repo(repo);
    fake.set_repo_stats(repo, 1234, 56, 78, 9);
    fake.set_referrers(repo, (0..10).map(|i| (format!("ref-{i}.example.com"), 100 - i, 10)).collect());
    fake.set_paths(
        repo,
        (0..10).map(|i| (format!("/{repo}/blob/main/p{i}.md"), format!("p{i}.md"), 50 - i, 5)).collect(),
    );
    for i in 0..120u64 {
        fake.add_release(repo, &format!("v1.{i}.0"), vec![("tool.tar.gz", i * 7), ("tool.zip", i)]);
    }
    for back in (1..=14).rev() {
        add_day(&fake, repo, back)?;
    }
    Ok(fake)
}

/// The workflow every CI run of the one-repository scenario executes (unchanged from
/// commit to commit, as usual: the same blob at each run's own commit).
const ONE_WORKFLOW: &str = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: make\n        name: Build\n";

/// Traffic, one CI run (its workflow file at a commit of its own) and one Pages build on
/// the day `back` days before the fake's today.
fn add_day(fake: &FakeGitHub, repo: &str, back: i64) -> Res<()> {
    let at = day_at(fake, back, 10)?;
    let day = at.to_zoned(jiff::tz::TimeZone::UTC).date();
    let b = u64::try_from(back).unwrap_or(0);
    fake.set_traffic(repo, day, 200 + b * 7, 40 + b, 30 + b, 9);
    let id = fake.add_simple_run(repo, at, &["Set up job", "Run actions/checkout@v4", "Build", "Complete job"]);
    let sha = format!("{:040x}", at.as_second());
    fake.put_file(repo, ".github/workflows/ci.yml", &sha, Some(ONE_WORKFLOW));
    fake.set_run_file(id, ".github/workflows/ci.yml", &sha);
    fake.add_pages_build(repo, at);
    Ok(())
}

/// The repository of the one-repository scenario.
const ONE_REPO: &str = "bench/one";

struct OneFigures {
    label: &'static str,
    wall: Duration,
    run: Run,
    depth: u32,
}

/// Runs of the one-repository scenario: its fake and limits, and a fresh token per run.
struct OneRunner {
    fake: FakeGitHub,
    limits: Limits,
    hz: u64,
    token: u32,
    /// Stores into a gist of the fake named after the folder, instead of the folder.
    gist: bool,
}

impl OneRunner {
    /// One `gtt collect` of the repository into `dir` (or the gist named after it); a
    /// failure is reported as `what`.
    fn run(&mut self, dir: &Path, what: &str) -> Res<Run> {
        self.token += 1;
        let mut args = vec!["--repos".to_string(), ONE_REPO.into()];
        if self.gist {
            let id = dir.file_name().map(|n| n.to_string_lossy().replace('-', "")).unwrap_or_default();
            if self.fake.gist_file(&id, "README.md").is_none() {
                self.fake.create_gist(&id, vec![("README.md", "gtt traffic")]);
            }
            args.extend(["--gist-id".to_string(), id]);
        } else {
            args.extend(["--data-dir".to_string(), dir.display().to_string()]);
        }
        let r = run_gtt(&self.fake, &self.limits, &format!("ghp_one{}", self.token), &args, self.hz)?;
        check(&r, what);
        Ok(r)
    }
}

fn one(sizes: Sizes, hz: u64, base: &Path, rows: &mut Vec<Row>) -> Res<()> {
    for gist in [false, true] {
        let l = sizes.latency;
        let storage = if gist { "gist" } else { "folder" };
        println!("\n## one repository, one run ({} ms latency per request, {storage} storage)", l.as_millis());
        if gist {
            println!("  (the gist's read is a round trip the fetch may overlap; its write one after the last answer)");
        }
        let fake = one_repo_fake(ONE_REPO)?;
        let ids: BTreeMap<String, String> = [(fake.repo_id(ONE_REPO).to_string(), ONE_REPO.to_string())].into();
        let limits = Limits { latency: l, max_concurrent: Some(MAX_CONCURRENT), per_window: None };
        let mut runner = OneRunner { fake, limits, hz, token: 0, gist };
        let base = base.join(storage);
        std::fs::create_dir_all(&base).map_err(|e| format!("create {}: {e}", base.display()))?;
        let figures = one_runs(&mut runner, sizes.repeats, &base, &ids)?;
        for f in &figures {
            report_one(f, sizes, &ids, storage, rows);
        }
        if let (true, Ok(workflow)) = (gist, std::env::var("GTT_BENCH_GHTRAF")) {
            ghtraf_beside(&workflow, sizes, &figures, rows)?;
        }
    }
    Ok(())
}

/// ghtraf's collector (its workflow's inline script, run by `benches/ghtraf/shim.mjs`
/// under node) on a fake of the same repository and latency, the way `one_runs` runs
/// gtt: cold (an empty gist each time), warm (the same gist, the same day again) and
/// next day; each kind's median beside gtt's (`figures`, in that order). `workflow`
/// is ghtraf's workflow file (`GTT_BENCH_GHTRAF`; not part of gtt).
fn ghtraf_beside(workflow: &str, sizes: Sizes, figures: &[OneFigures], rows: &mut Vec<Row>) -> Res<()> {
    let fake = one_repo_fake(ONE_REPO)?;
    let limits = Limits { latency: sizes.latency, max_concurrent: Some(MAX_CONCURRENT), per_window: None };
    fake.set_limits(limits);
    let mut runs: [Vec<(Duration, usize)>; 3] = Default::default();
    for i in 0..sizes.repeats {
        runs[0].push(ghtraf_run(&fake, workflow, &format!("ghtraf{i}"))?);
    }
    for _ in 0..sizes.repeats {
        runs[1].push(ghtraf_run(&fake, workflow, "ghtraf0")?);
    }
    for _ in 0..sizes.repeats.min(3) {
        fake.advance(SignedDuration::from_hours(24));
        add_day(&fake, ONE_REPO, 1)?;
        runs[2].push(ghtraf_run(&fake, workflow, "ghtraf0")?);
    }
    println!("\n## ghtraf's collector (node {}) beside gtt, one repository into a gist", node_version());
    for (kind, gtt) in runs.into_iter().zip(figures) {
        let requests = kind.first().map_or(0, |r| r.1);
        let wall = median(kind.into_iter().map(|r| r.0).collect());
        let ratio = wall.as_secs_f64() / gtt.wall.as_secs_f64().max(1e-9);
        println!(
            "{}: ghtraf {} ({requests} requests, one at a time), gtt {} ({} requests): gtt {ratio:.1}x faster",
            gtt.label,
            ms(wall),
            ms(gtt.wall),
            gtt.run.requests.len()
        );
        rows.push(row(
            &format!("ghtraf's collector beside gtt (gist), {}: wall time", gtt.label),
            format!("{} ({requests} requests)", ms(wall)),
            format!("gtt {} ({} requests)", ms(gtt.wall), gtt.run.requests.len()),
            format!("{ratio:.1}x"),
            ">= 5x",
            Some(ratio >= 5.0),
        ));
    }
    Ok(())
}

/// One run of ghtraf's script into the fake's gist `gist` (created when missing), with a
/// fresh token: its wall time and the requests it made.
fn ghtraf_run(fake: &FakeGitHub, workflow: &str, gist: &str) -> Res<(Duration, usize)> {
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let token = format!("ghp_ghtraf{}", RUNS.fetch_add(1, Ordering::Relaxed));
    fake.add_token(&token, TokenKind::Full);
    if fake.gist_file(gist, "README.md").is_none() {
        fake.create_gist(gist, vec![("README.md", "ghtraf")]);
    }
    fake.clear_requests();
    let start = Instant::now();
    let out = Command::new("node")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/ghtraf/shim.mjs"))
        .arg(workflow)
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("GHTRAF_API", fake.url())
        .env("GHTRAF_TOKEN", &token)
        .env("GHTRAF_NOW", fake.now().to_string())
        .env("GITHUB_REPOSITORY", ONE_REPO)
        .env("GIST_ID", gist)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot start node: {e}"))?;
    let wall = start.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout);
    if !out.status.success() || !stdout.contains("Updated gist") || fake.gist_file(gist, "state.json").is_none() {
        return Err(format!("ghtraf's script failed: {stdout}{}", String::from_utf8_lossy(&out.stderr)));
    }
    Ok((wall, fake.requests().len()))
}

fn node_version() -> String {
    Command::new("node")
        .arg("--version")
        .output()
        .map_or("unknown".into(), |o| String::from_utf8_lossy(&o.stdout).trim().to_string())
}

/// Cold, warm and next-day runs, each kind reduced to its median run.
fn one_runs(
    runner: &mut OneRunner,
    repeats: usize,
    base: &Path,
    ids: &BTreeMap<String, String>,
) -> Res<Vec<OneFigures>> {
    let mut figures = Vec::new();
    // Cold: an empty folder each time.
    let mut cold = Vec::new();
    let warm_dir = base.join("one-warm");
    for i in 0..repeats {
        let dir = if i == 0 { warm_dir.clone() } else { base.join(format!("one-cold-{i}")) };
        cold.push(runner.run(&dir, "one repository, cold")?);
    }
    figures.extend(one_figures("cold (empty store)", cold, ids));
    // Warm: the same day again, everything stored (ETags too, where gtt keeps them).
    let mut warm = Vec::new();
    for _ in 0..repeats {
        warm.push(runner.run(&warm_dir, "one repository, warm")?);
    }
    figures.extend(one_figures("warm (same day again)", warm, ids));
    // Next day: the daily schedule's steady state, one new day of traffic and one new CI run.
    let mut next = Vec::new();
    for _ in 0..repeats.min(3) {
        runner.fake.advance(SignedDuration::from_hours(24));
        add_day(&runner.fake, ONE_REPO, 1)?;
        next.push(runner.run(&warm_dir, "one repository, next day")?);
    }
    figures.extend(one_figures("next day (daily schedule)", next, ids));
    Ok(figures)
}

/// The run nearest the median wall time of `runs`, with its critical path in round trips.
fn one_figures(label: &'static str, runs: Vec<Run>, ids: &BTreeMap<String, String>) -> Option<OneFigures> {
    let wall = median(runs.iter().map(|r| r.wall).collect());
    let run = runs.into_iter().min_by_key(|r| r.wall.abs_diff(wall))?;
    let recorded: Vec<&Recorded> = run.requests.iter().map(|(r, _)| r).collect();
    let reqs: Vec<Req> = recorded.iter().map(|r| parse_req(r, ids)).collect();
    let depth = depths(&reqs, &recorded).into_iter().max().unwrap_or(0);
    Some(OneFigures { label, wall, run, depth })
}

/// Prints one kind of run (summary and waves) and adds its rows to the table.
fn report_one(f: &OneFigures, sizes: Sizes, ids: &BTreeMap<String, String>, storage: &str, rows: &mut Vec<Row>) {
    let l = sizes.latency;
    let bound = l * f.depth;
    let ratio = f.wall.as_secs_f64() / bound.as_secs_f64().max(1e-9);
    let w = waves(&f.run, l);
    print_one_run(f, sizes, &w);
    print_waves(&f.run, &w, ids);
    rows.push(row(
        &format!("one repository ({storage}), {}: wall time", f.label),
        ms(f.wall),
        format!("{} ({} x {} ms)", ms(bound), f.depth, l.as_millis()),
        format!("{ratio:.2}x"),
        if storage == "gist" { "<= 1.2x" } else { "<= 1.5x" },
        Some(ratio <= if storage == "gist" { 1.2 } else { 1.5 } && f.run.code == 0),
    ));
    rows.push(row(
        &format!("one repository ({storage}), {}: requests (304)", f.label),
        format!("{} ({})", f.run.requests.len(), f.run.count_status(304)),
        "-".into(),
        "-".into(),
        "-",
        None,
    ));
}

/// The run's requests, waves and critical path, and the time before and after the requests.
fn print_one_run(f: &OneFigures, sizes: Sizes, w: &[Vec<usize>]) {
    let l = sizes.latency;
    // gtt may ask `/rate_limit` before anything else, to plan its budget: free of
    // quota, but a round trip of its own when nothing goes out beside it.
    let preflight = w.first().is_some_and(|first| {
        first.iter().all(|i| f.run.requests.get(*i).is_some_and(|(r, _)| r.path.starts_with("/rate_limit")))
    });
    let first = f.run.requests.iter().map(|(_, t)| *t).min().unwrap_or_default();
    let last = f.run.requests.iter().map(|(_, t)| *t).max().unwrap_or_default();
    println!(
        "\n{}: wall {} (median of {}), {} requests ({} answered 304), {} sequential waves observed, critical path {} round trips{}",
        f.label,
        ms(f.wall),
        sizes.repeats,
        f.run.requests.len(),
        f.run.count_status(304),
        w.len(),
        f.depth,
        check(&f.run, f.label),
    );
    if preflight {
        let with = l * (f.depth + 1);
        println!(
            "  the first wave is gtt's /rate_limit alone: counted as a step every run must take first, the bound would be {} ({:.2}x)",
            ms(with),
            f.wall.as_secs_f64() / with.as_secs_f64().max(1e-9)
        );
    }
    println!(
        "  time before the first answer {} (start-up, reading the folder, one latency), after the last {} (merge, write, report); CPU {}, peak RSS {:.1} MB",
        ms(first),
        ms(f.wall.saturating_sub(last)),
        ms(f.run.cpu()),
        f.run.peak_rss_kb as f64 / 1024.0
    );
}

/// Each wave of answers: when its first and last answers came (what the next wave waited
/// for) and which endpoints (and pages) it held.
fn print_waves(run: &Run, w: &[Vec<usize>], ids: &BTreeMap<String, String>) {
    for (k, wave) in w.iter().enumerate() {
        let mut names: BTreeMap<String, usize> = BTreeMap::new();
        for i in wave {
            if let Some((r, _)) = run.requests.get(*i) {
                let q = parse_req(r, ids);
                let name = if q.page > 1 { format!("{} p{}", q.endpoint, q.page) } else { q.endpoint };
                *names.entry(name).or_default() += 1;
            }
        }
        let at = |i: Option<&usize>| i.and_then(|i| run.requests.get(*i)).map_or(Duration::ZERO, |(_, t)| *t);
        let (first, last) = (at(wave.first()), at(wave.last()));
        let list: Vec<String> =
            names.iter().map(|(n, c)| if *c > 1 { format!("{n} x{c}") } else { n.clone() }).collect();
        let when = if last > first { format!("{} to {}", ms(first), ms(last)) } else { ms(first) };
        println!("  wave {} (answered at {when}): {}", k + 1, list.join(", "));
    }
}

// ===================================================================
// Scenario 2: 500 repositories from one owner
// ===================================================================

/// One `--concurrency` setting of the fleet scenario.
struct FleetSetting {
    /// The `--concurrency` value, `default` for none.
    value: String,
    n: usize,
    latency: Duration,
    dir: PathBuf,
    /// The fake's repository ids to names.
    ids: BTreeMap<String, String>,
}

/// One fleet run measured against its bound.
struct FleetFigures {
    discovery_depth: u32,
    needed_fetch: usize,
    peak: u64,
    rounds: u32,
    bound: Duration,
    ratio: f64,
    per_repo: f64,
    /// First and last answer to a request that is not discovery.
    first: Duration,
    last: Duration,
    window: Duration,
    mean_in_flight: f64,
}

fn fleet(sizes: Sizes, hz: u64, base: &Path, rows: &mut Vec<Row>) -> Res<()> {
    let l = sizes.latency;
    let n = sizes.fleet;
    println!(
        "\n## {n} repositories from `fleet/*` ({} ms latency per request, fake refuses more than {MAX_CONCURRENT} in flight)",
        l.as_millis()
    );
    let values = std::env::var("GTT_BENCH_CONCURRENCY").unwrap_or_else(|_| "default,8,32".into());
    let mut token = 0;
    for value in values.split(',').map(str::trim).filter(|v| !v.is_empty()) {
        // A fake of its own per setting: the same repositories, a fresh port and state.
        let fake = FakeGitHub::start();
        let names = fake.add_generated_repos("fleet", "repo", n);
        let ids: BTreeMap<String, String> =
            names.iter().map(|r| (fake.repo_id(r).to_string(), r.to_ascii_lowercase())).collect();
        let limits = Limits { latency: l, max_concurrent: Some(MAX_CONCURRENT), per_window: None };
        let dir = base.join(format!("fleet-{value}"));
        let mut args = vec!["--repos".to_string(), "fleet/*".into(), "--data-dir".into(), dir.display().to_string()];
        if value != "default" {
            args.extend(["--concurrency".to_string(), value.to_string()]);
        }
        let set = FleetSetting { value: value.to_string(), n, latency: l, dir, ids };
        for label in ["cold", "warm"] {
            token += 1;
            let run = run_gtt(&fake, &limits, &format!("ghp_fleet{token}"), &args, hz)?;
            report_fleet(&set, label, &run, rows);
        }
        let _ = std::fs::remove_dir_all(&set.dir);
    }
    Ok(())
}

/// Prints one fleet run against its bound and adds its rows to the table.
fn report_fleet(set: &FleetSetting, label: &str, run: &Run, rows: &mut Vec<Row>) {
    let failed = check(run, &format!("fleet --concurrency {} {label}", set.value));
    let fig = fleet_figures(set, run);
    print_fleet_run(set, label, run, &fig, &failed);
    fleet_rows(set, label, run, &fig, rows);
}

/// The bound of a fleet run (discovery's round trips, then the other requests at the
/// peak in flight) and when the fetch began and ended.
fn fleet_figures(set: &FleetSetting, run: &Run) -> FleetFigures {
    let l = set.latency;
    let recorded: Vec<&Recorded> = run.requests.iter().map(|(r, _)| r).collect();
    let reqs: Vec<Req> = recorded.iter().map(|r| parse_req(r, &set.ids)).collect();
    let d = depths(&reqs, &recorded);
    let discovery_depth = reqs.iter().zip(&d).filter(|(q, _)| is_discovery(q)).map(|(_, d)| *d).max().unwrap_or(0);
    let needed_fetch = reqs.iter().zip(&d).filter(|(q, d)| **d > 0 && !is_discovery(q)).count();
    // gtt's `--concurrency` is the requests it keeps in flight; the default is
    // taken as what the fake saw at the peak.
    let peak = run.limits.peak_in_flight.max(set.value.parse().unwrap_or(0)).max(1);
    let rounds = u32::try_from(needed_fetch.div_ceil(usize::try_from(peak).unwrap_or(1))).unwrap_or(u32::MAX);
    let bound = l * (discovery_depth + rounds);
    let ratio = run.wall.as_secs_f64() / bound.as_secs_f64().max(1e-9);
    let per_repo = run.requests.len() as f64 / set.n as f64;
    let fetch_times: Vec<Duration> =
        run.requests.iter().zip(&reqs).filter(|(_, q)| !is_discovery(q)).map(|((_, t), _)| *t).collect();
    let first = fetch_times.iter().min().copied().unwrap_or_default();
    let last = fetch_times.iter().max().copied().unwrap_or_default();
    let window = last.saturating_sub(first) + l;
    let mean_in_flight = (fetch_times.len() as f64 * l.as_secs_f64()) / window.as_secs_f64().max(1e-9);
    FleetFigures {
        discovery_depth,
        needed_fetch,
        peak,
        rounds,
        bound,
        ratio,
        per_repo,
        first,
        last,
        window,
        mean_in_flight,
    }
}

/// The run's requests, its bound, its phases and its requests by endpoint.
fn print_fleet_run(set: &FleetSetting, label: &str, run: &Run, fig: &FleetFigures, failed: &str) {
    let (value, l) = (&set.value, set.latency);
    let FleetFigures { discovery_depth, needed_fetch, peak, per_repo, mean_in_flight, .. } = *fig;
    let total = run.requests.len();
    let c304 = run.count_status(304);
    println!(
        "\n--concurrency {value}, {label}: wall {}{failed}; {total} requests ({per_repo:.2} per repository, {c304} answered 304, {} refused), peak in flight {} (mean {mean_in_flight:.1} over the fetch), {} over the limit",
        ms(run.wall),
        run.count_status(403),
        run.limits.peak_in_flight,
        run.limits.concurrent_violations,
    );
    println!(
        "  bound: {discovery_depth} discovery round trips (listing pages) + ceil({needed_fetch} requests / {peak} in flight) = {} round trips, x {} ms = {}",
        discovery_depth + fig.rounds,
        l.as_millis(),
        ms(fig.bound)
    );
    println!(
        "  phases: start to last discovery answer {}, fetch window {}, after the last answer {} (merge, write {} files, report); CPU {}, peak RSS {:.1} MB",
        ms(fig.first.saturating_sub(l)),
        ms(fig.window),
        ms(run.wall.saturating_sub(fig.last)),
        std::fs::read_dir(&set.dir).map_or(0, Iterator::count),
        ms(run.cpu()),
        run.peak_rss_kb as f64 / 1024.0
    );
    let eps = by_endpoint(run, &set.ids);
    let list: Vec<String> =
        eps.iter().map(|(e, k, c)| if *c > 0 { format!("{e} {k} ({c} x 304)") } else { format!("{e} {k}") }).collect();
    println!("  requests: {}", list.join(", "));
}

/// The table's rows for one fleet run: wall time, network part, requests per repository,
/// requests over the limit.
fn fleet_rows(set: &FleetSetting, label: &str, run: &Run, fig: &FleetFigures, rows: &mut Vec<Row>) {
    let what = format!("{} repositories, --concurrency {}, {label}", set.n, set.value);
    let (bound, per_repo) = (fig.bound, fig.per_repo);
    rows.push(row(
        &format!("{what}: wall time"),
        ms(run.wall),
        format!("{} ({} round trips at {} in flight)", ms(bound), fig.discovery_depth + fig.rounds, fig.peak),
        format!("{:.2}x", fig.ratio),
        "<= 1.3x",
        Some(fig.ratio <= 1.3 && run.code == 0),
    ));
    let network = fig.last;
    rows.push(row(
        &format!("{what}: start to last answer (network part)"),
        ms(network),
        ms(bound),
        format!("{:.2}x", network.as_secs_f64() / bound.as_secs_f64().max(1e-9)),
        "-",
        None,
    ));
    rows.push(row(
        &format!("{what}: requests per repository (304)"),
        format!("{per_repo:.2} ({})", run.count_status(304)),
        "-".into(),
        "-".into(),
        if label == "warm" { "<= 8" } else { "-" },
        (label == "warm").then_some(per_repo <= 8.0),
    ));
    rows.push(row(
        &format!("{what}: requests over {MAX_CONCURRENT} in flight"),
        run.limits.concurrent_violations.to_string(),
        "-".into(),
        "-".into(),
        "0",
        Some(run.limits.concurrent_violations == 0),
    ));
}

// ===================================================================
// Scenario 3: CPU and memory of merging 500 ten-year histories
// ===================================================================

/// The day's observation `cargo bench --bench history` uses: full top-10 referrers and paths.
fn observation(repo: &str, day: jiff::civil::Date, k: u64) -> Observation {
    Observation {
        views: vec![(day, 1000 + k % 500, 300 + k % 50)],
        clones: vec![(day, 50 + k % 20, 12)],
        stats: Some((12_345, 678, 90, 12)),
        referrers: (0..10)
            .map(|i| Referrer { referrer: format!("ref-{i}.example.com"), count: 99, uniques: 9 })
            .collect(),
        paths: (0..10)
            .map(|i| PopularPath {
                path: format!("/{repo}/blob/main/p{i}.md"),
                title: format!("p{i}.md · {repo}"),
                count: 9,
                uniques: 3,
            })
            .collect(),
        ..Observation::default()
    }
}

/// One history of `days` daily collections ending yesterday (the fake's clock), as gtt
/// writes it, built by merging each day's run like a daily schedule would.
fn template_history(template: &str, now: Timestamp, days: i64) -> Res<String> {
    let mut at = now.checked_sub(SignedDuration::from_hours(24 * days)).map_err(|e| e.to_string())?;
    let mut h = History::new(template);
    for k in 0..days {
        let day = at.to_zoned(jiff::tz::TimeZone::UTC).date();
        let obs = observation(template, day, u64::try_from(k).unwrap_or(0));
        h = h.merge(&History::from_observation(template, at, &obs));
        at = at.checked_add(SignedDuration::from_hours(24)).map_err(|e| e.to_string())?;
    }
    Ok(h.to_json())
}

/// The repository counts of the CPU scenario: `GTT_BENCH_CPU_REPOS` (e.g. `50,500,2000`),
/// or the session's one size.
fn cpu_sizes(sizes: Sizes) -> Vec<usize> {
    std::env::var("GTT_BENCH_CPU_REPOS")
        .ok()
        .map(|v| v.split(',').filter_map(|n| n.trim().parse().ok()).collect::<Vec<usize>>())
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| vec![sizes.cpu_repos])
}

/// The stores of the CPU scenario: `GTT_BENCH_CPU_STORES` (`folder`, `branch`), both by
/// default.
fn cpu_stores() -> Vec<String> {
    std::env::var("GTT_BENCH_CPU_STORES")
        .unwrap_or_else(|_| "folder,branch".into())
        .split(',')
        .map(|s| s.trim().to_ascii_lowercase())
        .filter(|s| !s.is_empty())
        .collect()
}

fn cpu(sizes: Sizes, hz: u64, base: &Path, rows: &mut Vec<Row>) -> Res<()> {
    let built = Instant::now();
    let probe = FakeGitHub::start();
    // The template name has the length of the real ones, so every file has the same size.
    let template = "cpu/repo-0000";
    let text = template_history(template, probe.now(), sizes.history_days)?;
    println!(
        "\ntemplate history built in {} ({} days, {:.0} KB), copied per repository",
        ms(built.elapsed()),
        sizes.history_days,
        text.len() as f64 / 1024.0
    );
    for store in cpu_stores() {
        for n in cpu_sizes(sizes) {
            cpu_one(sizes, hz, base, rows, (&store, n), (template, &text))?;
        }
    }
    print_in_process_split(template, &text, probe.now(), sizes.cpu_repos)
}

/// One collect over `n` repositories with ten years each in `store` (`folder` or
/// `branch`), best of two runs.
fn cpu_one(
    sizes: Sizes,
    hz: u64,
    base: &Path,
    rows: &mut Vec<Row>,
    (store, n): (&str, usize),
    (template, text): (&str, &str),
) -> Res<()> {
    let years = sizes.history_days as f64 / 365.25;
    println!("\n## CPU and memory: {n} repositories with {years:.0} years of history each, {store} store, no latency");
    let mut results = Vec::new();
    let attempts = if sizes.repeats > 1 { 2 } else { 1 };
    for attempt in 1..=attempts {
        // A fresh fake per attempt: a branch store starts from the same commit.
        let fake = FakeGitHub::start();
        let names = fake.add_generated_repos("cpu", "repo", n);
        let dir = base.join(format!("cpu-{store}-{n}-{attempt}"));
        let mut args = vec!["--repos".to_string(), "cpu/*".into()];
        match store {
            "branch" => {
                fake.add_repo("me/store");
                write_history_branch(&fake, &names, template, text);
                args.extend(["--data-repo".into(), "me/store".into(), "--data-branch".into(), "gtt-data".into()]);
            }
            _ => {
                write_history_folder(&dir, &names, template, text)?;
                args.extend(["--data-dir".into(), dir.display().to_string()]);
            }
        }
        let archive = base.join(format!("cpu-{store}-{n}-{attempt}-archive"));
        if cpu_archives() {
            let _ = std::fs::remove_dir_all(&archive);
            std::fs::create_dir_all(&archive).map_err(|e| format!("create {}: {e}", archive.display()))?;
            args.extend(["--archive-dir".into(), archive.display().to_string()]);
        }
        let limits = Limits { latency: Duration::ZERO, max_concurrent: Some(MAX_CONCURRENT), per_window: None };
        // Thousands of repositories need more than an hour's 5,000 requests; the
        // scenario measures the work, not the budget. The store holds single-file
        // histories as an older gtt wrote them: the first run splits each (once per
        // store), the next day's run is the one measured (every day after it alike).
        let token = format!("ghp_cpu{attempt}m");
        let first = run_gtt_with(&fake, &limits, (&token, Some(100_000)), &args, hz)?;
        check(&first, "cpu");
        println!(
            "first run (splits every history): CPU {}, wall {}, peak RSS {:.1} MB",
            ms(first.cpu()),
            ms(first.wall),
            first.peak_rss_kb as f64 / 1024.0
        );
        if cpu_archives() {
            catch_up(&fake, &limits, &args, hz, (&archive, n), attempt)?;
        }
        fake.advance(SignedDuration::from_hours(24));
        let token = format!("ghp_cpu{attempt}");
        let run = run_gtt_with(&fake, &limits, (&token, Some(100_000)), &args, hz)?;
        check(&run, "cpu");
        let _ = std::fs::remove_dir_all(&dir);
        let _ = std::fs::remove_dir_all(&archive);
        results.push(run);
    }
    let Some(run) = results.iter().min_by_key(|r| r.cpu()) else { return Ok(()) };
    let all: Vec<String> = results.iter().map(|r| format!("{} CPU / {} wall", ms(r.cpu()), ms(r.wall))).collect();
    println!(
        "gtt collect: CPU {} (user {}, system {}), wall {}, peak RSS {:.1} MB, {} requests; runs: {}",
        ms(run.cpu()),
        ms(run.user),
        ms(run.sys),
        ms(run.wall),
        run.peak_rss_kb as f64 / 1024.0,
        run.requests.len(),
        all.join("; ")
    );
    print_cpu_phases(run, hz);
    for (_, line) in run.stderr.iter().filter(|(_, l)| l.contains("archives:")) {
        println!("  {line}");
    }
    cpu_rows(run, n, years, store, rows);
    Ok(())
}

/// Whether the CPU scenario runs with monthly archives on (`GTT_BENCH_CPU_ARCHIVE=1`): the
/// runs after the first catch the archives of every repository up, a bounded number of
/// months a run, and the next day's run is measured in step with them.
fn cpu_archives() -> bool {
    std::env::var_os("GTT_BENCH_CPU_ARCHIVE").is_some_and(|v| v != "0")
}

/// Runs collect again (same day) until the archives' ledger notes all `n` repositories,
/// and prints what the catch-up runs cost.
fn catch_up(
    fake: &FakeGitHub,
    limits: &Limits,
    args: &[String],
    hz: u64,
    (dir, n): (&Path, usize),
    attempt: usize,
) -> Res<()> {
    let noted = || -> usize {
        let text = std::fs::read_to_string(dir.join("archives.json")).unwrap_or_default();
        let ledger: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        ledger["repos"].as_object().map_or(0, serde_json::Map::len)
    };
    let mut runs = Vec::new();
    let mut was = 0;
    // Bounded; and a gtt that keeps no ledger (an older one) gets one run.
    while noted() < n && runs.len() < 100 && (runs.is_empty() || noted() > was) {
        was = noted();
        let token = format!("ghp_cpu{attempt}a{}", runs.len());
        let run = run_gtt_with(fake, limits, (&token, Some(100_000)), args, hz)?;
        check(&run, "cpu catch-up");
        runs.push(run);
    }
    let most_cpu = runs.iter().map(Run::cpu).max().unwrap_or_default();
    let most_rss = runs.iter().map(|r| r.peak_rss_kb).max().unwrap_or_default();
    println!(
        "archives caught up for {} of {n} repositories in {} more runs (after the first): CPU at most {}, peak RSS at most {:.1} MB",
        noted(),
        runs.len(),
        ms(most_cpu),
        most_rss as f64 / 1024.0
    );
    Ok(())
}

/// The branch `gtt-data` of `me/store` holding `text` once per repository and the index
/// naming them, in one commit.
fn write_history_branch(fake: &FakeGitHub, names: &[String], template: &str, text: &str) {
    let mut index = gtt::testing::Index::new();
    let mut files: Vec<(String, String)> = Vec::new();
    for name in names {
        let file = gtt::testing::history_file(name);
        files.push((file.clone(), text.replace(template, name)));
        index.repos.insert(name.clone(), file);
    }
    files.push((gtt::testing::INDEX_FILE.to_string(), index.to_json()));
    fake.git_commit("me/store", "gtt-data", files.iter().map(|(n, t)| (n.as_str(), Some(t.as_str()))).collect());
}

/// A fresh data folder holding `text` once per repository (the template's name replaced
/// by the repository's) and the index naming them.
fn write_history_folder(dir: &Path, names: &[String], template: &str, text: &str) -> Res<()> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir).map_err(|e| format!("create {}: {e}", dir.display()))?;
    let mut index = gtt::testing::Index::new();
    for name in names {
        let file = gtt::testing::history_file(name);
        std::fs::write(dir.join(&file), text.replace(template, name)).map_err(|e| format!("write {file}: {e}"))?;
        index.repos.insert(name.clone(), file);
    }
    std::fs::write(dir.join(gtt::testing::INDEX_FILE), index.to_json()).map_err(|e| format!("write index: {e}"))
}

/// Where the time goes: phases from the requests' answer times, CPU from /proc samples,
/// and the first log lines with the CPU spent when each was written.
fn print_cpu_phases(run: &Run, hz: u64) {
    let ids = BTreeMap::new();
    let reqs: Vec<(Req, Duration)> = run.requests.iter().map(|(r, t)| (parse_req(r, &ids), *t)).collect();
    let disc_last = reqs.iter().filter(|(q, _)| is_discovery(q)).map(|(_, t)| *t).max().unwrap_or_default();
    let fetch: Vec<Duration> = reqs.iter().filter(|(q, _)| !is_discovery(q)).map(|(_, t)| *t).collect();
    let fetch_first = fetch.iter().min().copied().unwrap_or(disc_last);
    let fetch_last = fetch.iter().max().copied().unwrap_or(fetch_first);
    let phases = [
        ("start-up and discovery (to the last listing answer)", Duration::ZERO, disc_last),
        ("read and parse the stored histories (to the first repository request)", disc_last, fetch_first),
        ("fetch (first to last repository answer)", fetch_first, fetch_last),
        ("merge, check, render, write, report (to exit)", fetch_last, run.wall),
    ];
    println!("phases (CPU sampled every 2 ms at {hz} ticks/s):");
    for (what, from, to) in phases {
        println!(
            "  {what}: wall {}, CPU {}",
            ms(to.saturating_sub(from)),
            ms(run.cpu_at(to).saturating_sub(run.cpu_at(from)))
        );
    }
    for (t, line) in run.stderr.iter().filter(|(_, l)| !l.starts_with("[DEBUG")).take(12) {
        println!("  log at {} (CPU {}): {line}", ms(*t), ms(run.cpu_at(*t)));
    }
}

/// The same work in-process on gtt's library, one history at a time, for the split.
fn print_in_process_split(template: &str, text: &str, fragment_now: Timestamp, n: usize) -> Res<()> {
    let today = fragment_now.to_zoned(jiff::tz::TimeZone::UTC).date();
    let fragment = History::from_observation(template, fragment_now, &observation(template, today, 0));
    let iters = 20u32;
    let time = |f: &mut dyn FnMut()| {
        let t = Instant::now();
        for _ in 0..iters {
            f();
        }
        t.elapsed() / iters
    };
    let stored = History::parse(text, template).map_err(|e| format!("template does not parse: {e}"))?;
    let merged = stored.merge(&fragment);
    let parse = time(&mut || drop(std::hint::black_box(History::parse(text, template))));
    let merge = time(&mut || drop(std::hint::black_box(stored.merge(&fragment))));
    let check_loss = time(&mut || drop(std::hint::black_box(stored.check_no_loss(&merged))));
    let clone = time(&mut || drop(std::hint::black_box(merged.clone())));
    let serialise = time(&mut || drop(std::hint::black_box(merged.to_json())));
    let per =
        [("parse", parse), ("merge", merge), ("check_no_loss", check_loss), ("clone", clone), ("serialise", serialise)];
    print_per("whole history", &per, n);
    // The live part a run reads and writes (days from its repository's split date).
    let at = gtt::testing::split_date(fragment_now, template);
    let (live, _) = stored.clone().split(at, "settled.json");
    let live_text = live.to_json();
    let merged = live.merge(&fragment);
    let parse = time(&mut || drop(std::hint::black_box(History::parse(&live_text, template))));
    let merge = time(&mut || drop(std::hint::black_box(live.merge(&fragment))));
    let check_loss = time(&mut || drop(std::hint::black_box(live.check_no_loss(&merged))));
    let clone = time(&mut || drop(std::hint::black_box(merged.clone())));
    let serialise = time(&mut || drop(std::hint::black_box(merged.to_json())));
    let per =
        [("parse", parse), ("merge", merge), ("check_no_loss", check_loss), ("clone", clone), ("serialise", serialise)];
    print_per(&format!("live part from {at} ({:.0} KB)", live_text.len() as f64 / 1024.0), &per, n);
    // With archives on, a run in step sums the live part twice (read, hand-over).
    let sums = time(&mut || {
        std::hint::black_box(live.archive_sum(today));
        std::hint::black_box(live.archive_sums_by_month());
    });
    print_per("archives in step, the live part's sums", &[("sums x 2", sums * 2)], n);
    println!(
        "  the stored text of {n} histories is {:.0} MB; gtt holds one history at a time (with its merge)",
        (text.len() * n) as f64 / 1e6
    );
    Ok(())
}

/// One line of the in-process split: each step's time per history, and over `n`.
fn print_per(what: &str, per: &[(&str, Duration)], n: usize) {
    let sum: Duration = per.iter().map(|(_, d)| *d).sum();
    let parts: Vec<String> = per.iter().map(|(w, d)| format!("{w} {:.2} ms", d.as_secs_f64() * 1000.0)).collect();
    println!(
        "in-process, per history ({what}): {} = {:.2} ms; x {n} = {} of CPU for the history work alone",
        parts.join(" + "),
        sum.as_secs_f64() * 1000.0,
        ms(sum * u32::try_from(n).unwrap_or(u32::MAX))
    );
}

/// The table's rows for the CPU scenario: CPU time and peak memory of gtt collect.
fn cpu_rows(run: &Run, n: usize, years: f64, store: &str, rows: &mut Vec<Row>) {
    let mb = run.peak_rss_kb as f64 / 1024.0;
    // Under a wrapper (a profiler) the figures are the wrapper's: no verdict.
    let judge = |ok: bool| std::env::var_os("GTT_BENCH_WRAP").is_none().then_some(ok && run.code == 0);
    rows.push(row(
        &format!("{n} x {years:.0}-year histories, {store}: CPU time of gtt collect"),
        ms(run.cpu()),
        "-".into(),
        "-".into(),
        "< 1 s",
        judge(run.cpu() < Duration::from_secs(1)),
    ));
    rows.push(row(
        &format!("{n} x {years:.0}-year histories, {store}: peak RSS"),
        format!("{mb:.0} MB"),
        "-".into(),
        "-".into(),
        "< 100 MB",
        judge(mb < 100.0),
    ));
}

// ===================================================================
// Scenario 4: `gtt export` of 500 ten-year histories
// ===================================================================

/// What one `gtt export` cost: CPU, peak memory, wall time and the bytes it wrote.
#[derive(Debug)]
struct ExportRun {
    code: i32,
    cpu: Duration,
    wall: Duration,
    peak_rss_kb: u64,
    bytes: u64,
}

/// `gtt export --format FORMAT` and the store's arguments (`store`) with a clean
/// environment, its stdout counted and dropped, CPU from the bench's `cutime + cstime`
/// after waiting for it.
fn run_export(store: &[String], format: &str, hz: u64) -> Res<ExportRun> {
    let before = proc_stat("self").ok_or("cannot read /proc/self/stat")?;
    let mut cmd = gtt_command();
    cmd.env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("RUST_LOG", "warn")
        .args(["export", "--format", format])
        .args(store)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    let start = Instant::now();
    let mut child = cmd.spawn().map_err(|e| format!("cannot start {}: {e}", gtt_binary()))?;
    let pid = child.id();
    let mut stdout = child.stdout.take().ok_or("no stdout pipe")?;
    let done = AtomicBool::new(false);
    let (status, bytes, (_, peak_rss_kb)) = std::thread::scope(|s| {
        let out = s.spawn(move || std::io::copy(&mut stdout, &mut std::io::sink()).unwrap_or(0));
        let process = s.spawn(|| poll_process(pid, &done, start, hz));
        let status = child.wait();
        done.store(true, Ordering::SeqCst);
        (status, out.join().unwrap_or(0), process.join().expect("the process poller panicked"))
    });
    let wall = start.elapsed();
    let status = status.map_err(|e| format!("waiting for gtt: {e}"))?;
    let after = proc_stat("self").ok_or("cannot read /proc/self/stat")?;
    let delta = |i: usize| after.get(i).copied().unwrap_or(0).saturating_sub(before.get(i).copied().unwrap_or(0));
    let cpu = ticks(delta(13) + delta(14), hz);
    Ok(ExportRun { code: status.code().unwrap_or(-1), cpu, wall, peak_rss_kb, bytes })
}

/// Repositories per gist in the export scenario's store over several gists: about as
/// many as one gist's 300-file listing holds with every badge (26).
const EXPORT_PER_GIST: usize = 25;

/// The histories of `names` (each `text` renamed from `template`) in the fake's gists
/// `x01`, `x02`, ..., [`EXPORT_PER_GIST`] each, as gtt keeps them: the first gist's
/// index lists every repository and names the gist of those elsewhere, each other gist's
/// index its own. Returns the gist ids, in order.
fn put_history_gists(fake: &FakeGitHub, names: &[String], template: &str, text: &str) -> Vec<String> {
    let mut combined = gtt::testing::Index::new();
    let mut gists: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for (k, group) in names.chunks(EXPORT_PER_GIST).enumerate() {
        let id = format!("x{:02}", k + 1);
        let mut own = gtt::testing::Index::new();
        let mut files = Vec::new();
        for name in group {
            let file = gtt::testing::history_file(name);
            files.push((file.clone(), text.replace(template, name)));
            own.repos.insert(name.clone(), file.clone());
            combined.repos.insert(name.clone(), file);
            if k > 0 {
                combined.gists.insert(name.clone(), id.clone());
            }
        }
        if k > 0 {
            files.push((gtt::testing::INDEX_FILE.to_string(), own.to_json()));
        }
        gists.push((id, files));
    }
    if let Some((_, files)) = gists.first_mut() {
        files.push((gtt::testing::INDEX_FILE.to_string(), combined.to_json()));
    }
    for (id, files) in &gists {
        fake.create_gist(id, files.iter().map(|(n, c)| (n.as_str(), c.as_str())).collect());
    }
    gists.into_iter().map(|(id, _)| id).collect()
}

/// CPU time and peak memory of `gtt export` in each format over the `cpu` scenario's
/// ten-year histories (the best of `repeats` runs, at most 3), from a folder and from
/// gists of [`EXPORT_PER_GIST`] histories each (`GTT_BENCH_EXPORT_STORES=folder,gists`
/// picks them), with the gist requests each run made.
fn export(sizes: Sizes, hz: u64, base: &Path, rows: &mut Vec<Row>) -> Res<()> {
    let n = sizes.cpu_repos;
    let years = sizes.history_days as f64 / 365.25;
    println!("\n## Export: {n} repositories with {years:.0} years of history each");
    let fake = FakeGitHub::start();
    let names: Vec<String> = (0..n).map(|i| format!("cpu/repo-{i:04}")).collect();
    let template = "cpu/repo-0000";
    let text = template_history(template, fake.now(), sizes.history_days)?;
    let dir = base.join("export");
    write_history_folder(&dir, &names, template, &text)?;
    println!(
        "folder of {n} histories of {:.0} KB each ({:.0} MB)",
        text.len() as f64 / 1024.0,
        (text.len() * n) as f64 / 1e6
    );
    let stores = std::env::var("GTT_BENCH_EXPORT_STORES").unwrap_or_else(|_| "folder,gists".into());
    for store in stores.split(',').map(str::trim) {
        let (args, label) = match store {
            "folder" => (vec!["--data-dir".to_string(), dir.display().to_string()], "a folder".to_string()),
            "gists" => {
                let ids = put_history_gists(&fake, &names, template, &text);
                fake.add_token("ghp_export", TokenKind::Full);
                let label = format!("{} gist{}", ids.len(), if ids.len() == 1 { "" } else { "s" });
                let args = ["--gist-id", &ids.join(","), "--token", "ghp_export", "--api-url", &fake.url()];
                (args.iter().map(|a| a.to_string()).collect(), label)
            }
            other => return Err(format!("GTT_BENCH_EXPORT_STORES: unknown store {other:?} (folder, gists)")),
        };
        for format in ["csv", "ndjson", "json"] {
            let mut runs = Vec::new();
            for _ in 0..sizes.repeats.clamp(1, 3) {
                fake.clear_requests();
                runs.push(run_export(&args, format, hz)?);
            }
            let Some(best) = runs.iter().min_by_key(|r| r.cpu) else { continue };
            let mb = best.peak_rss_kb as f64 / 1024.0;
            let out_mb = best.bytes as f64 / 1e6;
            println!(
                "gtt export --format {format} from {label}: exit {}, CPU {}, wall {}, peak RSS {mb:.1} MB, output {out_mb:.0} MB ({:.0} MB of output per CPU second), {} gist reads in the last run; CPU of each run: {}",
                best.code,
                ms(best.cpu),
                ms(best.wall),
                out_mb / best.cpu.as_secs_f64().max(1e-3),
                fake.count("GET", "/gists/"),
                runs.iter().map(|r| ms(r.cpu)).collect::<Vec<_>>().join(", ")
            );
            let judge = |ok: bool| std::env::var_os("GTT_BENCH_WRAP").is_none().then_some(ok && best.code == 0);
            let what = format!("{n} x {years:.0}-year histories from {label}: gtt export --format {format}, CPU time");
            rows.push(row(&what, ms(best.cpu), "-".into(), "-".into(), "-", None));
            let what = format!("{n} x {years:.0}-year histories from {label}: gtt export --format {format}, peak RSS");
            rows.push(row(&what, format!("{mb:.0} MB"), "-".into(), "-".into(), "< 100 MB", judge(mb < 100.0)));
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
    Ok(())
}

// ===================================================================

fn machine_notes(hz: u64) -> String {
    let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpuinfo
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split_once(':'))
        .map_or("unknown".to_string(), |(_, m)| m.trim().to_string());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let rustc = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .arg("--version")
        .output()
        .map_or("unknown".to_string(), |o| String::from_utf8_lossy(&o.stdout).trim().to_string());
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap_or_default();
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    let load: Vec<&str> = load.split_whitespace().take(3).collect();
    format!(
        "machine: {cores} cores, {model}, {rustc}, Linux {}, load average {} at start, {hz} clock ticks/s",
        kernel.trim(),
        load.join(" ")
    )
}

fn main() -> Result<(), String> {
    let bench = std::env::args().any(|a| a == "--bench");
    let sizes = if bench { REAL } else { SMOKE };
    let picked = std::env::var("GTT_BENCH").unwrap_or_else(|_| "one,fleet,cpu,export".into());
    let picked: Vec<String> = picked.split(',').map(|s| s.trim().to_ascii_lowercase()).collect();
    let hz = clock_ticks();
    println!("# gtt scale benchmarks{}", if bench { "" } else { " (smoke sizes: run `cargo bench --bench scale`)" });
    println!("binary: {}", gtt_binary());
    if let Ok(w) = std::env::var("GTT_BENCH_WRAP") {
        println!("wrapped in: {w} (CPU and memory figures include the wrapper)");
    }
    println!("{}", machine_notes(hz));
    let base: PathBuf = std::env::temp_dir().join(format!("gtt-bench-scale-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&base);
    std::fs::create_dir_all(&base).map_err(|e| format!("create {}: {e}", base.display()))?;
    let started = Instant::now();
    let mut rows = Vec::new();
    let mut result = Ok(());
    let scenarios = [
        ("one", one as fn(Sizes, u64, &Path, &mut Vec<Row>) -> Res<()>),
        ("fleet", fleet),
        ("cpu", cpu),
        ("export", export),
    ];
    for (name, f) in scenarios {
        if picked.iter().any(|p| p == name)
            && let Err(e) = f(sizes, hz, &base, &mut rows)
        {
            println!("!! {name}: {e}");
            result = Err(format!("{name}: {e}"));
        }
    }
    print_table(&rows);
    println!("\n(total {}, temporary files under {})", ms(started.elapsed()), base.display());
    let _ = std::fs::remove_dir_all(&base);
    result
}
