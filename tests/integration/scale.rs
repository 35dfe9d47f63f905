//! Many repositories in one run: discovery by globs with exclusions and filters, skips,
//! and sharding across a job matrix with a final aggregate job.

use std::collections::BTreeMap;
use std::path::Path;

use crate::fake::*;
use crate::support::{gtt, tempdir};

const TOKEN: &str = "ghp_scale";

fn files_of(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(Result::ok)
        .map(|e| (e.file_name().to_string_lossy().into_owned(), std::fs::read_to_string(e.path()).unwrap()))
        .collect()
}

#[test]
fn globs_exclusions_and_filters_pick_the_repositories_over_every_listing_page() {
    let fake = FakeGitHub::start();
    fake.add_token(TOKEN, TokenKind::Full);
    for i in 0..120 {
        fake.add_repo(&format!("octo/lib-{i:03}"));
    }
    fake.add_repo("octo/gtt-core");
    fake.add_repo("octo/gtt-web");
    fake.add_repo("octo/gtt-old");
    fake.set_repo_flags("octo/gtt-old", false, false, true);
    fake.add_repo("octo/gtt-fork");
    fake.set_repo_flags("octo/gtt-fork", false, true, false);
    fake.add_repo("octo/gtt-legacy");
    let dir = tempdir("globs");
    let d = dir.path().display().to_string();
    let r = gtt(&fake, &["--repos", "octo/gtt-*, !octo/gtt-leg*", "--data-dir", &d], &[("GITHUB_TOKEN", TOKEN)]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("gtt.json")).unwrap()).unwrap();
    let tracked: Vec<&String> = index["repos"].as_object().unwrap().keys().collect();
    assert_eq!(tracked, ["octo/gtt-core", "octo/gtt-web"]);
    assert!(r.stdout.contains("octo/gtt-old: skipped: archived"), "{}", r.stdout);
    assert!(r.stdout.contains("octo/gtt-fork: skipped: a fork"), "{}", r.stdout);
    assert!(
        fake.count("GET", "/repos?") + fake.count("GET", "/repos&") >= 2 || fake.count("GET", "page=2") >= 1,
        "listing paginated"
    );
    assert_eq!(fake.count("GET", "/repos/octo/gtt-legacy"), 0, "excluded: never fetched");

    // With the filters opened, archived and forks come in; an explicit name always does.
    let r = gtt(
        &fake,
        &["--repos", "octo/gtt-*,!octo/gtt-leg*", "--include-forks", "--include-archived", "--data-dir", &d],
        &[("GITHUB_TOKEN", TOKEN)],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("gtt.json")).unwrap()).unwrap();
    assert_eq!(index["repos"].as_object().unwrap().len(), 4);
}

#[test]
fn a_globbed_repository_without_traffic_access_is_skipped_but_a_named_one_fails() {
    let fake = FakeGitHub::start();
    fake.add_token(TOKEN, TokenKind::Full);
    fake.add_repo("octo/gtt-a");
    fake.add_repo("octo/gtt-b");
    fake.inject(Fault::new("GET", "/repos/octo/gtt-b/traffic", 100, FaultKind::Status(403)));
    let dir = tempdir("skip403");
    let d = dir.path().display().to_string();
    let r = gtt(&fake, &["--repos", "octo/gtt-*", "--data-dir", &d], &[("GITHUB_TOKEN", TOKEN)]);
    assert_eq!(r.code, 0, "a glob's unreadable repository is skipped: {}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("octo/gtt-b: skipped"), "{}", r.stdout);
    assert!(dir.path().join("history-octo.gtt-a.json").exists());
    let r = gtt(&fake, &["--repos", "octo/gtt-a,octo/gtt-b", "--data-dir", &d], &[("GITHUB_TOKEN", TOKEN)]);
    assert_eq!(r.code, 1, "named explicitly, it fails the run");
}

#[test]
fn matrix_shards_plus_the_aggregate_job_write_what_one_run_writes() {
    let fake = FakeGitHub::start();
    fake.add_token(TOKEN, TokenKind::Full);
    let today = fake.now().to_zoned(jiff::tz::TimeZone::UTC).date();
    for i in 0..10 {
        let repo = format!("octo/r{i}");
        fake.add_repo(&repo);
        fake.set_repo_stats(&repo, i * 3, i, 1, 0);
        for back in 1..=14 {
            let d = today.checked_sub(jiff::Span::new().days(back)).unwrap();
            // Uniques never exceed the count: GitHub's answers are checked for that.
            fake.set_traffic(&repo, d, i * 10 + back as u64, 1, i + 1, 1);
        }
    }
    let one = tempdir("shard-one");
    let many = tempdir("shard-many");
    let env = [("GITHUB_TOKEN", TOKEN)];
    let r = gtt(&fake, &["--repos", "octo/*", "--data-dir", &one.path().display().to_string()], &env);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let m = many.path().display().to_string();
    let mut shard_sizes = Vec::new();
    for i in 1..=3 {
        let shard = format!("{i}/3");
        let r = gtt(&fake, &["--repos", "octo/*", "--shard", &shard, "--data-dir", &m], &env);
        assert_eq!(r.code, 0, "shard {shard}: {}", r.stderr);
        shard_sizes.push(r.stdout.lines().filter(|l| l.starts_with("octo/r")).count());
    }
    assert_eq!(shard_sizes.iter().sum::<usize>(), 10, "every repository in exactly one shard: {shard_sizes:?}");
    assert!(!many.path().join("views.json").exists(), "shards leave the sums to the aggregate job");
    let r = gtt(&fake, &["--aggregate", "--data-dir", &m], &env);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(r.stdout.contains("aggregated 10 repositories"), "{}", r.stdout);
    assert_eq!(files_of(many.path()), files_of(one.path()), "the same files, byte for byte");
}

/// The peak the run reports (at debug level) of whole histories it held at once.
fn peak_held(stderr: &str) -> usize {
    peak_of("histories", stderr)
}

/// The peak the run reports (at debug level) of `what` it held at once.
fn peak_of(what: &str, stderr: &str) -> usize {
    stderr
        .lines()
        .find_map(|l| l.split(&format!("{what} held at once: peak ")).nth(1))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or_else(|| panic!("the run reports its peak of {what} at debug level:\n{stderr}"))
}

/// Each repository is merged and handed over as its fetch ends, while the others are
/// fetched: the observations alive at once are one per worker and the one being merged,
/// not one per repository (counted by the run itself), and still two whole histories.
#[test]
fn a_run_holds_an_observation_per_worker_not_one_per_repository() {
    let fake = FakeGitHub::start();
    fake.add_token(TOKEN, TokenKind::Full);
    fake.add_generated_repos("many", "repo", 40);
    let env = [("GITHUB_TOKEN", TOKEN), ("RUST_LOG", "debug")];
    for workers in [1, 3] {
        let dir = tempdir("observed");
        let d = dir.path().display().to_string();
        let n = workers.to_string();
        for round in ["creates the store", "reads every history back"] {
            let r = gtt(&fake, &["--repos", "many/*", "--data-dir", &d, "--concurrency", &n], &env);
            assert_eq!(r.code, 0, "{round}: {}{}", r.stdout, r.stderr);
            let observed = peak_of("observations", &r.stderr);
            assert!(
                (1..=workers + 1).contains(&observed),
                "{workers} workers, {round}: {observed} observations at once"
            );
            assert!((1..=2).contains(&peak_held(&r.stderr)), "{workers} workers, {round}");
        }
        assert_eq!(files_of(dir.path()).keys().filter(|f| f.starts_with("history-")).count(), 40);
    }
}

/// Repositories land in the order their fetches end, which varies with the workers;
/// what is written and reported does not: with a repository that fails and one the
/// token may not read among them, one worker and eight write the same files, byte for
/// byte, and print the same report, on the first run and the next day's.
#[test]
fn the_files_and_the_report_do_not_depend_on_the_order_fetches_end() {
    let fake = FakeGitHub::start();
    fake.add_token(TOKEN, TokenKind::Full);
    fake.add_generated_repos("many", "repo", 16);
    fake.inject(Fault::new("GET", "/repos/many/repo-0005/traffic", 100, FaultKind::Status(403)));
    let (one, eight) = (tempdir("order-one"), tempdir("order-eight"));
    let env = [("GITHUB_TOKEN", TOKEN)];
    for round in ["first run", "next day"] {
        let mut seen = Vec::new();
        for (dir, workers) in [(&one, "1"), (&eight, "8")] {
            let d = dir.path().display().to_string();
            let args = ["--repos", "many/*, many/missing", "--data-dir", &d, "--concurrency", workers];
            let r = gtt(&fake, &args, &env);
            assert_eq!(r.code, 1, "{round}: many/missing fails the run: {}{}", r.stdout, r.stderr);
            assert!(r.stdout.contains("many/repo-0005: skipped"), "{round}: {}", r.stdout);
            seen.push((files_of(dir.path()), r.stdout));
        }
        let histories = seen[0].0.keys().filter(|f| f.starts_with("history-")).count();
        assert_eq!(histories, 15, "{round}: {:?}", seen[0].0.keys());
        let [(files, report), (files_8, report_8)] = &seen[..] else { unreachable!() };
        assert_eq!(report, report_8, "{round}: the same report at one worker and at eight");
        assert_eq!(files.keys().collect::<Vec<_>>(), files_8.keys().collect::<Vec<_>>(), "{round}");
        for (name, text) in files {
            assert!(files_8[name] == *text, "{round}: {name} differs at eight workers");
        }
        fake.advance(jiff::SignedDuration::from_hours(24));
    }
}

/// A run over several repositories that collects only one writes what naming that one
/// alone writes (the summed badges under the plain names, no set of its own): the run
/// holds each repository's badges until it knows how many it collects.
#[test]
fn one_repository_collected_of_several_writes_what_naming_it_alone_writes() {
    let fake = FakeGitHub::start();
    fake.add_token(TOKEN, TokenKind::Full);
    fake.add_generated_repos("octo", "gtt", 3);
    for denied in ["octo/gtt-0002", "octo/gtt-0003"] {
        fake.inject(Fault::new("GET", &format!("/repos/{denied}/traffic"), 100, FaultKind::Status(403)));
    }
    let (globbed, named) = (tempdir("one-of-several"), tempdir("one-named"));
    let env = [("GITHUB_TOKEN", TOKEN)];
    let r = gtt(&fake, &["--repos", "octo/*", "--data-dir", &globbed.path().display().to_string()], &env);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(r.stdout.matches(": skipped").count(), 2, "{}", r.stdout);
    let r = gtt(&fake, &["--repos", "octo/gtt-0001", "--data-dir", &named.path().display().to_string()], &env);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert_eq!(files_of(globbed.path()), files_of(named.path()));
}

/// A run over many repositories reads, merges and writes one repository at a time: it
/// never holds more than two whole histories (the stored one and its merge), counted by
/// the run itself, whether it creates the store or reads forty histories from it.
#[test]
fn a_run_over_many_repositories_holds_at_most_two_histories_at_once() {
    let fake = FakeGitHub::start();
    fake.add_token(TOKEN, TokenKind::Full);
    fake.add_generated_repos("many", "repo", 40);
    let dir = tempdir("held");
    let d = dir.path().display().to_string();
    let env = [("GITHUB_TOKEN", TOKEN), ("RUST_LOG", "debug")];
    for round in ["creates the store", "reads every history back"] {
        let r = gtt(&fake, &["--repos", "many/*", "--data-dir", &d], &env);
        assert_eq!(r.code, 0, "{round}: {}{}", r.stdout, r.stderr);
        let peak = peak_held(&r.stderr);
        assert!((1..=2).contains(&peak), "{round}: {peak} histories held at once");
    }
    let files = files_of(dir.path());
    assert_eq!(files.keys().filter(|f| f.starts_with("history-")).count(), 40);
    let index: serde_json::Value = serde_json::from_str(&files["gtt.json"]).unwrap();
    assert_eq!(index["repos"].as_object().unwrap().len(), 40);
}

/// The ledger's rule holds when repositories are written one at a time: a history that
/// cannot be read, even the last one handled, stops the run before any file is written.
#[test]
fn an_unreadable_history_among_many_stops_the_run_before_any_write() {
    let fake = FakeGitHub::start();
    fake.add_token(TOKEN, TokenKind::Full);
    fake.add_generated_repos("many", "repo", 6);
    let dir = tempdir("unreadable");
    let d = dir.path().display().to_string();
    let args = ["--repos", "many/*", "--data-dir", &d];
    let r = gtt(&fake, &args, &[("GITHUB_TOKEN", TOKEN)]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    // Every repository was collected today: tomorrow each has a new day to write.
    fake.advance(jiff::SignedDuration::from_hours(24));
    for victim in ["many/repo-0001", "many/repo-0006"] {
        let file = dir.path().join(format!("history-{}.json", victim.replace('/', ".")));
        let good = std::fs::read_to_string(&file).unwrap();
        std::fs::write(&file, &good[..good.len() / 2]).unwrap();
        let before = files_of(dir.path());
        let r = gtt(&fake, &args, &[("GITHUB_TOKEN", TOKEN)]);
        assert_ne!(r.code, 0, "{victim}: {}", r.stdout);
        assert!(r.stderr.contains("cannot be used") && r.stderr.contains("nothing was written"), "{}", r.stderr);
        assert_eq!(files_of(dir.path()), before, "{victim}: no file changed");
        std::fs::write(&file, good).unwrap();
    }
}
