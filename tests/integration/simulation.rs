//! End-to-end simulation: the built `gtt` binary collects from the fake GitHub over
//! weeks of simulated time (daily runs, sparse runs, a hole longer than GitHub's
//! window), and what it stored is checked against the ground truth the fake served.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use crate::fake::{FakeGitHub, TokenKind};
use crate::support::tempdir;
use jiff::civil::Date;
use jiff::tz::TimeZone;
use jiff::{SignedDuration, Span, Timestamp};
use serde_json::Value;

const REPO: &str = "octo/sim";
const TOKEN: &str = "ghp_simulation";

/// The four daily numbers, in the order gtt stores and exports them:
/// views, views_uniques, clones, clones_uniques.
type Day = [u64; 4];

/// xorshift64: deterministic, dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
    /// `count` and `uniques <= count`.
    fn pair(&mut self, max: u64) -> (u64, u64) {
        let c = self.below(max + 1);
        (c, if c == 0 { 0 } else { 1 + self.below(c) })
    }
}

/// Ground truth: day index -> full-day traffic. Some days are all zero, some have only
/// views or only clones, a few are big.
fn ground_truth(seed: u64, days: i32) -> BTreeMap<i32, Day> {
    let mut r = Rng(seed);
    let mut out = BTreeMap::new();
    for i in 0..days {
        let roll = r.below(100);
        let scale = if roll < 6 { 40_000 } else { 300 };
        let (mut v, mut vu) = r.pair(scale);
        let (mut c, mut cu) = r.pair(scale / 4);
        match roll {
            6..=17 => (v, vu, c, cu) = (0, 0, 0, 0),
            18..=24 => (v, vu) = (0, 0),
            25..=31 => (c, cu) = (0, 0),
            _ => {}
        }
        out.insert(i, [v, vu, c, cu]);
    }
    out
}

fn day(base: Date, i: i32) -> Date {
    base.checked_add(Span::new().days(i)).unwrap()
}

fn at(base: Date, i: i32, secs_into_day: i64) -> Timestamp {
    let midnight = day(base, i).to_zoned(TimeZone::UTC).unwrap().timestamp();
    midnight.checked_add(SignedDuration::from_secs(secs_into_day)).unwrap()
}

fn hms(h: i64, m: i64, s: i64) -> i64 {
    h * 3600 + m * 60 + s
}

fn gtt(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gtt"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .args(args)
        .output()
        .unwrap()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// One `gtt collect` at `now`, with the fake's clock moved to the same instant.
fn collect(fake: &FakeGitHub, dir: &Path, now: Timestamp, extra: &[&str]) -> Output {
    fake.set_now(now);
    let (url, now_s, dir_s) = (fake.url(), now.to_string(), dir.display().to_string());
    let mut args =
        vec!["collect", "--repos", REPO, "--data-dir", &dir_s, "--api-url", &url, "--now", &now_s, "--token", TOKEN];
    args.extend_from_slice(extra);
    gtt(&args)
}

fn collect_ok(fake: &FakeGitHub, dir: &Path, now: Timestamp) -> Output {
    let out = collect(fake, dir, now, &[]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "collect at {now} failed\nstdout: {}\nstderr: {}",
        text(&out.stdout),
        text(&out.stderr)
    );
    out
}

fn export(dir: &Path, format: &str) -> String {
    let dir_s = dir.display().to_string();
    let out = gtt(&["export", "--format", format, "--data-dir", &dir_s]);
    assert_eq!(out.status.code(), Some(0), "export {format} failed: {}", text(&out.stderr));
    text(&out.stdout)
}

/// The `days` of the one repository in a JSON export.
fn json_days(dir: &Path) -> BTreeMap<Date, Day> {
    let v: Value = serde_json::from_str(&export(dir, "json")).unwrap();
    let repos = v["repos"].as_array().unwrap();
    assert_eq!(repos.len(), 1, "one repository exported");
    assert_eq!(repos[0]["repo"], REPO);
    let days = repos[0]["days"].as_object().unwrap();
    days.iter()
        .map(|(k, t)| {
            let a: Vec<u64> = t.as_array().unwrap().iter().map(|x| x.as_u64().unwrap()).collect();
            (k.parse().unwrap(), [a[0], a[1], a[2], a[3]])
        })
        .collect()
}

type Files = BTreeMap<PathBuf, Vec<u8>>;

/// Every file under `dir` (relative path -> bytes); `None` when `dir` does not exist.
fn snapshot(dir: &Path) -> Option<Files> {
    fn walk(root: &Path, d: &Path, out: &mut Files) {
        for e in std::fs::read_dir(d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.insert(p.strip_prefix(root).unwrap().to_path_buf(), std::fs::read(&p).unwrap());
            }
        }
    }
    if !dir.exists() {
        return None;
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out);
    Some(out)
}

/// Asserts two snapshots hold the same files with the same bytes, naming what differs.
fn assert_same_files(got: &Files, want: &Files, what: &str) {
    let names: BTreeSet<&PathBuf> = got.keys().chain(want.keys()).collect();
    let differ: Vec<String> = names
        .into_iter()
        .filter(|n| got.get(*n) != want.get(*n))
        .map(|n| {
            let show = |f: &Files| f.get(n).map_or("<absent>".to_string(), |b| text(b));
            format!("{}:\n  before: {}\n  after:  {}", n.display(), show(want), show(got))
        })
        .collect();
    assert!(differ.is_empty(), "{what}:\n{}", differ.join("\n"));
}

fn fake_with(base: Date, truth: &BTreeMap<i32, Day>) -> FakeGitHub {
    let fake = FakeGitHub::start();
    fake.add_token(TOKEN, TokenKind::Full);
    fake.add_repo(REPO);
    fake.set_repo_stats(REPO, 12, 3, 4, 5);
    for (i, t) in truth {
        fake.set_traffic(REPO, day(base, *i), t[0], t[1], t[2], t[3]);
    }
    fake
}

fn le(a: Day, b: Day) -> bool {
    a.iter().zip(b).all(|(x, y)| *x <= y)
}

/// The multi-week simulation's last day (an index from its base date) and its first run
/// after the hole.
const LAST: i32 = 82;
const HOLE_RUN: i32 = 69;

/// The multi-week ground truth: random days, and the two days the checks lean on.
fn multi_week_truth() -> BTreeMap<i32, Day> {
    let mut truth = ground_truth(0x5EED_CAFE_F00D_0001, LAST + 1);
    // The day that is the oldest bucket of the first run after the hole has no traffic:
    // GitHub omits it, and gtt must not store it as a zero day (it is lost).
    truth.insert(HOLE_RUN - 14, [0, 0, 0, 0]);
    // A busy last day, so its partial value is visibly partial.
    truth.insert(LAST, [4_800, 1_200, 960, 240]);
    truth
}

/// The schedule: (day index, seconds into the UTC day), with runs just after and just
/// before midnight.
fn multi_week_schedule() -> Vec<(i32, i64)> {
    let mut r = Rng(0xD1CE_0000_0000_0042);
    let forced: BTreeMap<i32, i64> = BTreeMap::from([
        (15, hms(0, 5, 0)),
        (16, hms(23, 55, 0)),
        (17, hms(0, 5, 0)), // ten minutes after the previous run, across midnight
        (20, 0),            // exactly midnight: today is empty, yesterday complete
        (21, hms(23, 59, 59)),
        (26, hms(23, 55, 30)),
        (27, hms(0, 4, 10)),
        (LAST, hms(14, 30, 0)),
    ]);
    let mut run_days: Vec<i32> = Vec::new();
    run_days.extend(14..=34); // phase 1: daily, 3 weeks
    run_days.extend((36..=48).step_by(2)); // phase 2: every other day, 2 weeks
    // 49..=68: a 20-day hole without runs.
    run_days.extend(HOLE_RUN..=LAST); // phase 3: daily, 2 weeks
    let schedule: Vec<(i32, i64)> =
        run_days.iter().map(|&i| (i, forced.get(&i).copied().unwrap_or_else(|| r.below(86_400) as i64))).collect();
    assert!(schedule.iter().any(|&(_, s)| s < hms(0, 10, 0)) && schedule.iter().any(|&(_, s)| s > hms(23, 50, 0)));
    schedule
}

/// The days the runs can see, by day index.
struct Coverage {
    /// Seen complete by some run.
    complete: BTreeSet<i32>,
    /// Some run's today.
    partial: BTreeSet<i32>,
    /// Seen at all.
    covered: BTreeSet<i32>,
    /// Between the first and the last covered day, and seen by no run.
    lost: Vec<i32>,
}

/// What each run can see, from the schedule and the truth alone: days today-13..today-1
/// complete, today-14 complete if GitHub lists it (it had traffic), today partial.
fn coverage(schedule: &[(i32, i64)], truth: &BTreeMap<i32, Day>) -> Coverage {
    let nonzero = |i: i32| truth.get(&i).is_some_and(|t| t[0] > 0 || t[2] > 0);
    let mut complete: BTreeSet<i32> = BTreeSet::new();
    let mut partial: BTreeSet<i32> = BTreeSet::new();
    for &(t, _) in schedule {
        complete.extend(t - 13..t);
        if nonzero(t - 14) {
            complete.insert(t - 14);
        }
        partial.insert(t);
    }
    let covered: BTreeSet<i32> = complete.union(&partial).copied().collect();
    let lost: Vec<i32> =
        (*covered.first().unwrap()..=*covered.last().unwrap()).filter(|i| !covered.contains(i)).collect();
    assert_eq!(lost, (49..=HOLE_RUN - 14).collect::<Vec<_>>(), "the model of the schedule");
    assert!(
        complete.iter().filter(|i| truth[i] == [0, 0, 0, 0]).count() >= 5,
        "the truth has zero days among the complete days"
    );
    assert!(partial.contains(&48) && !complete.contains(&48), "the run before the hole left its day partial");
    Coverage { complete, partial, covered, lost }
}

/// Runs gtt at each scheduled time: every run reports the repository, and only the run
/// after the hole reports a gap, a warning naming the lost days.
fn run_schedule(fake: &FakeGitHub, dir: &Path, base: Date, schedule: &[(i32, i64)], lost: &[i32]) {
    for &(i, secs) in schedule {
        let now = at(base, i, secs);
        let out = collect_ok(fake, dir, now);
        let (stdout, stderr) = (text(&out.stdout), text(&out.stderr));
        assert!(stdout.contains(&format!("{REPO}:")), "run at {now}: no repository line in {stdout:?}");
        if i == HOLE_RUN {
            let (first, last) = (day(base, lost[0]), day(base, *lost.last().unwrap()));
            let range = format!("{first}..{last} ({} days)", lost.len());
            assert!(
                stderr.contains("WARN") && stderr.contains(&range),
                "run after the hole must warn about the lost days {range}; stderr: {stderr}"
            );
        } else {
            assert!(!stderr.contains("no data for"), "run at {now} reported a gap: {stderr}");
        }
    }
}

/// The CSV export's rows by date, after checking its header, its repository column and
/// that its dates strictly ascend.
fn csv_rows(dir: &Path) -> BTreeMap<Date, Day> {
    let csv = export(dir, "csv");
    let mut lines = csv.lines();
    let header = lines.next().unwrap();
    assert!(header.starts_with("repo,date,views,views_uniques,clones,clones_uniques"), "header: {header}");
    let mut rows: BTreeMap<Date, Day> = BTreeMap::new();
    let mut prev: Option<Date> = None;
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        assert!(f.len() >= 6, "short row {line:?}");
        assert_eq!(f[0], REPO);
        let d: Date = f[1].parse().unwrap();
        assert!(prev.is_none_or(|p| p < d), "dates strictly ascending: {prev:?} then {d}");
        prev = Some(d);
        let n = |k: usize| f[k].parse::<u64>().unwrap_or_else(|_| panic!("field {k} of {line:?}"));
        rows.insert(d, [n(2), n(3), n(4), n(5)]);
    }
    rows
}

/// The exported rows are exactly the covered days: complete days equal the truth, days
/// only ever seen partial are at most the truth, lost days have no row.
fn assert_rows_match(rows: &BTreeMap<Date, Day>, base: Date, truth: &BTreeMap<i32, Day>, cov: &Coverage) {
    let want_days: BTreeSet<Date> = cov.covered.iter().map(|&i| day(base, i)).collect();
    let got_days: BTreeSet<Date> = rows.keys().copied().collect();
    assert_eq!(
        got_days.difference(&want_days).collect::<Vec<_>>(),
        Vec::<&Date>::new(),
        "rows for days no window covered (gaps must be absent, not zero rows)"
    );
    assert_eq!(
        want_days.difference(&got_days).collect::<Vec<_>>(),
        Vec::<&Date>::new(),
        "observed days missing from the export"
    );
    for &i in &cov.complete {
        assert_eq!(rows[&day(base, i)], truth[&i], "complete day {} (index {i})", day(base, i));
    }
    for i in cov.partial.difference(&cov.complete) {
        let got = rows[&day(base, *i)];
        assert!(le(got, truth[i]), "partial-only day {} is {got:?}, above the truth {:?}", day(base, *i), truth[i]);
    }
    for &i in &cov.lost {
        assert!(!rows.contains_key(&day(base, i)), "lost day {} has a row", day(base, i));
    }
    let last = rows[&day(base, LAST)];
    assert!(le(last, truth[&LAST]), "partial today {last:?} above the truth {:?}", truth[&LAST]);
    assert!(last[0] < truth[&LAST][0], "today at 14:30 is partial: {last:?}");
}

#[test]
fn multi_week_simulation_matches_ground_truth() {
    // Crosses a year boundary on purpose.
    let base: Date = "2026-11-20".parse().unwrap();
    let truth = multi_week_truth();
    let fake = fake_with(base, &truth);
    let data = tempdir("multi-week");
    let schedule = multi_week_schedule();
    let cov = coverage(&schedule, &truth);
    run_schedule(&fake, data.path(), base, &schedule, &cov.lost);

    // CSV export.
    let rows = csv_rows(data.path());
    assert_rows_match(&rows, base, &truth, &cov);

    // Only days no run saw after they ended are partial: the run before the hole left
    // its day so, and the last run its own.
    let want: BTreeSet<Date> = cov.partial.difference(&cov.complete).map(|&i| day(base, i)).collect();
    assert!(want.contains(&day(base, 48)) && want.contains(&day(base, LAST)), "{want:?}");
    assert_eq!(csv_partial(data.path()), want);

    // JSON export: same days, and the gap is absent from `days`.
    let jd = json_days(data.path());
    assert_eq!(jd, rows, "JSON and CSV exports agree");
    for &i in &cov.lost {
        assert!(!jd.contains_key(&day(base, i)), "JSON export has a key for lost day {}", day(base, i));
    }
}

#[test]
fn reruns_and_out_of_order_histories_converge() {
    let base: Date = "2027-03-01".parse().unwrap();
    let truth = ground_truth(0xABCD_1234_0000_0007, 40);
    let fake = fake_with(base, &truth);
    let times = [
        at(base, 20, hms(10, 0, 0)),
        at(base, 22, hms(3, 0, 0)),
        at(base, 27, hms(18, 0, 0)),
        at(base, 27, hms(23, 0, 0)),
    ];

    // In order, then the last run again at the same instant: nothing changes.
    let x = tempdir("in-order");
    for &t in &times {
        collect_ok(&fake, x.path(), t);
    }
    let before = snapshot(x.path()).unwrap();
    let days_before = json_days(x.path());
    let out = collect_ok(&fake, x.path(), times[3]);
    assert!(text(&out.stdout).contains("(0 new, 0 raised)"), "a rerun reports no change: {}", text(&out.stdout));
    assert_eq!(json_days(x.path()), days_before, "a rerun at the same --now changes no day");
    assert_same_files(&snapshot(x.path()).unwrap(), &before, "a rerun at the same --now left files changed");

    // Out of order: later runs first. No run may lower or drop a stored day.
    let y = tempdir("out-of-order");
    let mut stored: BTreeMap<Date, Day> = BTreeMap::new();
    for &k in &[3, 1, 0, 2] {
        collect_ok(&fake, y.path(), times[k]);
        let now = json_days(y.path());
        for (d, old) in &stored {
            let new = now.get(d).unwrap_or_else(|| panic!("run at {} dropped day {d}", times[k]));
            assert!(le(*old, *new), "run at {} lowered day {d} from {old:?} to {new:?}", times[k]);
        }
        stored = now;
    }
    assert_eq!(stored, days_before, "the same runs in another order give the same days");
    let name = PathBuf::from("history-octo.sim.json");
    let (sx, sy) = (before, snapshot(y.path()).unwrap());
    assert_eq!(text(&sx[&name]), text(&sy[&name]), "the same runs in another order give the same history file");
}

#[test]
fn dry_run_writes_nothing() {
    let base: Date = "2026-07-01".parse().unwrap();
    let truth = ground_truth(0x0DD_BA11_0000_0003, 30);
    let fake = fake_with(base, &truth);
    let data = tempdir("dry-run");
    collect_ok(&fake, data.path(), at(base, 20, hms(8, 0, 0)));
    let before = snapshot(data.path()).unwrap();
    assert!(!before.is_empty());

    // Three days later: there is new data, but a dry run stores none of it.
    let out = collect(&fake, data.path(), at(base, 23, hms(9, 0, 0)), &["--dry-run"]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "dry run failed: {}", text(&out.stderr));
    let line = stdout.lines().find(|l| l.starts_with(&format!("{REPO}:"))).unwrap_or_else(|| panic!("{stdout}"));
    assert!(line.contains("dry run"), "repository line does not mention the dry run: {line}");
    assert_same_files(&snapshot(data.path()).unwrap(), &before, "a dry run changed the data folder");

    // A data folder that does not exist is not created.
    let parent = tempdir("dry-run-missing");
    let missing = parent.path().join("not-there");
    let out = collect(&fake, &missing, at(base, 23, hms(9, 0, 0)), &["--dry-run"]);
    assert_eq!(out.status.code(), Some(0), "dry run failed: {}", text(&out.stderr));
    assert!(text(&out.stdout).contains("dry run"));
    assert!(!missing.exists(), "a dry run created the data folder");
    assert_same_files(&snapshot(parent.path()).unwrap(), &Files::new(), "a dry run wrote next to the data folder");
}

/// The dates the CSV export marks `partial` (1), after checking the column holds
/// nothing but 1 or empty.
fn csv_partial(dir: &Path) -> BTreeSet<Date> {
    let csv = export(dir, "csv");
    let mut lines = csv.lines();
    let col = lines.next().unwrap().split(',').position(|c| c == "partial").expect("a `partial` column");
    let mut out = BTreeSet::new();
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        match f[col] {
            "1" => out.insert(f[1].parse().unwrap()),
            "" => false,
            other => panic!("partial is {other:?} in {line:?}"),
        };
    }
    out
}

/// Noon runs on days 14..=20, a 20-day hole, and a noon run on day 41.
fn runs_around_a_hole(fake: &FakeGitHub, dir: &Path, base: Date, days: impl Iterator<Item = i32>) {
    for i in days.chain([41]) {
        collect_ok(fake, dir, at(base, i, hms(12, 0, 0)));
    }
}

#[test]
fn days_only_seen_in_progress_are_exported_partial() {
    let base: Date = "2027-05-01".parse().unwrap();
    let truth = ground_truth(0x9A27_1A15_0000_0012, 45);
    let fake = fake_with(base, &truth);
    let data = tempdir("partial");
    runs_around_a_hole(&fake, data.path(), base, 14..=20);
    let rows = csv_rows(data.path());
    assert!(rows.contains_key(&day(base, 19)) && rows.contains_key(&day(base, 35)), "covered days");
    // Day 20, the last before the hole, was only seen at noon; day 41 is the last run's.
    assert_eq!(csv_partial(data.path()), BTreeSet::from([day(base, 20), day(base, 41)]));
    let ndjson = export(data.path(), "ndjson");
    let partial: Vec<&str> = ndjson.lines().filter(|l| l.contains(",\"partial\":1,")).collect();
    assert_eq!(partial.len(), 2, "{partial:?}");
    assert!(ndjson.lines().all(|l| l.contains(",\"partial\":1,") || l.contains(",\"partial\":null,")));
    assert!(ndjson.lines().all(|l| l.contains(",\"ci_estimated\":null,")), "no run was estimated");
}

#[test]
fn a_schema_1_history_is_migrated_when_read_merged_and_exported() {
    let base: Date = "2027-05-01".parse().unwrap();
    let truth = ground_truth(0x9A27_1A15_0000_0013, 45);
    let fake = fake_with(base, &truth);
    let data = tempdir("schema-1");
    // What gtt 1 stored after noon runs on days 16..=20: days 1..=20 and their counters.
    let noon = |i: i32| at(base, i, hms(12, 0, 0));
    let days: serde_json::Map<String, Value> =
        (1..=20).map(|i| (day(base, i).to_string(), serde_json::json!([i, 1, 0, 0]))).collect();
    let stats: serde_json::Map<String, Value> =
        (16..=20).map(|i| (day(base, i).to_string(), serde_json::json!([noon(i).as_second(), 12, 3, 4, 5]))).collect();
    let history = serde_json::json!({
        "schema": 1, "repo": REPO, "first_collected": noon(16).to_string(),
        "last_collected": noon(20).to_string(), "days": days, "stats": stats,
    });
    let index = serde_json::json!({ "schema": 1, "repos": { REPO: "history-octo.sim.json" } });
    std::fs::write(data.path().join("history-octo.sim.json"), history.to_string()).unwrap();
    std::fs::write(data.path().join("gtt.json"), index.to_string()).unwrap();
    // Read as it is: day 1 (no run within 14 days after it) and day 20 are partial.
    assert_eq!(csv_partial(data.path()), BTreeSet::from([day(base, 1), day(base, 20)]));
    runs_around_a_hole(&fake, data.path(), base, std::iter::empty());
    assert_eq!(csv_partial(data.path()), BTreeSet::from([day(base, 1), day(base, 20), day(base, 41)]));
    let stored: Value =
        serde_json::from_str(&std::fs::read_to_string(data.path().join("history-octo.sim.json")).unwrap()).unwrap();
    assert_eq!(stored["schema"], 2, "written in the new schema");
    assert_eq!(stored["days"][day(base, 2).to_string()], serde_json::json!([2, 1, 0, 0]), "old days kept");
    let index: Value = serde_json::from_str(&std::fs::read_to_string(data.path().join("gtt.json")).unwrap()).unwrap();
    assert_eq!(index["schema"], 1, "the index is unchanged by the history schema");
}
