//! Every name in a store, in one place: the index, each repository's history, badge and
//! chart files, the summed badges and chart, the monthly archives, and gtt's own lock and temporary
//! files. A name is built here from validated parts and checked again when read or
//! written, so no repository name, index key or file name can point outside the store.

use crate::config::Metric;

use super::Error;

/// The small file that lists tracked repositories and their history files.
pub const INDEX_FILE: &str = "gtt.json";
/// How many revisions back gtt looks for a concurrent writer's work.
pub(crate) const MAX_CONCURRENT_REVISIONS: usize = 10;
/// GitHub's gist API lists at most this many files (<https://docs.github.com/en/rest/gists/gists#truncation>); a file past it can
/// be neither found nor read through the API, so gtt never lets a gist grow past it.
pub(crate) const GIST_FILE_LIMIT: usize = 300;
/// A run that leaves a gist at or above this many files (about 90% of the limit) warns,
/// while adding a gist is still a one-line change rather than a failed run.
pub(crate) const GIST_FILE_WARN: usize = 270;
/// The files one repository comes to hold: its history, and an endpoint JSON and an SVG
/// per badge metric. Routing reserves this much for every repository even when a write
/// carries fewer (a backfill writes no badges; the next collect will). Its chart is not
/// counted: charts are optional files ([`is_optional`]), written only where a gist has
/// room for them.
pub(crate) const FILES_PER_REPO: usize = 1 + 2 * Metric::ALL.len();
/// The optional files of one repository: its chart. A new repository is routed to a
/// gist with room for these too when one has it.
pub(crate) const OPTIONAL_PER_REPO: usize = 1;

/// The lock file in a folder store. Its content does not matter: a run holds an
/// exclusive advisory lock (`flock`) on it from its first read to its end, so a
/// backfill and a collect (or two collects of different repositories) cannot each merge
/// into what they read and then overwrite the other's work. The kernel drops the lock
/// when the process ends, however it ends, so a stale file never blocks anyone.
pub(crate) const LOCK_FILE: &str = ".gtt.lock";

/// The history file of a repository: stable, lower-case, and free of `/`, which gist
/// file names cannot hold. Owners cannot contain `.`, so the first dot separates.
pub fn history_file(repo: &str) -> String {
    format!("history-{}.json", repo_file_key(repo))
}

/// The settled file of a repository's split history (see [`crate::history::History::split`]):
/// the days before the split date, which a new day does not touch. A distinct prefix,
/// since a repository may be named `x.settled`.
pub(crate) fn settled_file(repo: &str) -> String {
    format!("settled-{}.json", repo_file_key(repo))
}

/// The days before a run's UTC day that a live file always holds: the 90-day chart
/// ending yesterday (`badge::CHART_DAYS`), and with it everything shorter a run reads day
/// by day (GitHub's 14-day window and the day before it, which the merge and the progress
/// line read; the 30 days of a badge's recency suffix; the summary's 15), with two days
/// to spare.
pub(crate) const LIVE_DAYS: i64 = 92;

/// The days over which the monthly move into the settled file is spread: each repository
/// moves on its own day of the month ([`split_day`]), about 1 in 28 of them a day.
const SPREAD_DAYS: u64 = 28;

/// The date a history of `repo` written at `now` is split at (folder and branch stores):
/// the first of the month of the day [`LIVE_DAYS`] plus the repository's [`split_day`]
/// before `now`'s UTC day. So the live file, read and written by every run, holds the
/// last 92 to 150 days (4 months on average), and the settled file changes once a month,
/// on a day of the month that depends only on the repository's name: a run over
/// hundreds of repositories moves a month into the settled files of about 1 in 28 of
/// them, not of every one on the same day. Pure: the same `(now, repo)` always gives the
/// same date. Gist histories stay whole: a gist's listing holds 300 files.
pub fn split_date(now: jiff::Timestamp, repo: &str) -> jiff::civil::Date {
    let back = LIVE_DAYS.saturating_add(i64::from(split_day(repo)));
    let day = crate::history::utc_day(now);
    day.checked_sub(jiff::Span::new().days(back)).unwrap_or(jiff::civil::Date::MIN).first_of_month()
}

/// The repository's offset into the month (0 to 27 days), from a stable hash of its file
/// key (FNV-1a: the same in every build and on every machine, unlike the standard
/// library's hasher).
pub(crate) fn split_day(repo: &str) -> u8 {
    let hash = repo_file_key(repo)
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3));
    u8::try_from(hash % SPREAD_DAYS).unwrap_or(0)
}

/// A repository's part of its file names: `owner.name`, lower case.
pub(crate) fn repo_file_key(repo: &str) -> String {
    repo.to_ascii_lowercase().replacen('/', ".", 1)
}

/// A badge's file name without `.json` / `.svg`: `badge-KEY-METRIC` for one repository,
/// `METRIC` for the sum over every repository.
pub(crate) fn badge_stem(repo: Option<&str>, metric: Metric) -> String {
    match repo {
        Some(r) => format!("badge-{}-{metric}", repo_file_key(r)),
        None => metric.name().to_string(),
    }
}

/// A chart's file name: `chart-KEY.svg` for one repository, `chart.svg` for the sum
/// over every repository (as the badges: the same key, the sum without one).
pub(crate) fn chart_file(repo: Option<&str>) -> String {
    match repo {
        Some(r) => format!("chart-{}.svg", repo_file_key(r)),
        None => "chart.svg".to_string(),
    }
}

/// Whether a file is one a gist may go without when it has no room (a chart): the
/// history and badges always come first.
pub(crate) fn is_optional(file: &str) -> bool {
    file == "chart.svg" || file.strip_prefix("chart-").is_some_and(|r| r.ends_with(".svg"))
}

/// Whether a file is derived: recomputed from the histories on every run (a badge's
/// endpoint JSON or SVG, one repository's or the sum's, and the charts), so a torn one is
/// repaired by the next run. Everything else (the index, histories, settled files,
/// archives, and any name gtt does not know) is data.
pub(crate) fn is_derived(file: &str) -> bool {
    let Some((stem, ext)) = file.rsplit_once('.') else { return false };
    let badge = matches!(ext, "json" | "svg")
        && (Metric::from_name(stem).is_some() || (file.starts_with("badge-") && repo_key(file).is_some()));
    badge || is_optional(file)
}

/// The archives' ledger: what the monthly archives hold of each repository (in the
/// archive store, beside them).
pub(crate) const ARCHIVE_LEDGER: &str = "archives.json";

/// The archive of one month: `archive-YYYY-MM.json`.
pub(crate) fn archive_file(year: i16, month: i8) -> String {
    format!("archive-{year:04}-{month:02}.json")
}

/// Refuses a file name that could leave the store or hide in it: empty, a path
/// (`/`, `\\`), `.` or `..`, a leading dot (gtt's own lock and temporary files), a control
/// character, or longer than a file name may be. Checked for every name read or written.
pub(crate) fn check_file_name(name: &str) -> Result<(), Error> {
    let bad = name.is_empty()
        || name.len() > 255
        || name.starts_with('.')
        || name.contains(['/', '\\'])
        || name.chars().any(char::is_control);
    if bad {
        return Err(Error::BadName { name: name.to_string() });
    }
    Ok(())
}

/// The file key of a repository's files (`owner.name`, lower case, as in
/// [`history_file`]) from a file name: `history-KEY.json`, `settled-KEY.json`, `badge-KEY-METRIC.json`,
/// `badge-KEY-METRIC.svg` or `chart-KEY.svg`. None for files shared by every repository
/// (the index, the summed badges and chart) or put there by someone else.
pub(crate) fn repo_key(file: &str) -> Option<&str> {
    let history = file.strip_prefix("history-").or_else(|| file.strip_prefix("settled-"));
    if let Some(key) = history.and_then(|r| r.strip_suffix(".json")) {
        return Some(key).filter(|k| !k.is_empty());
    }
    if let Some(key) = file.strip_prefix("chart-").and_then(|r| r.strip_suffix(".svg")) {
        return Some(key).filter(|k| !k.is_empty());
    }
    let stem = file.strip_prefix("badge-")?;
    let stem = stem.strip_suffix(".json").or_else(|| stem.strip_suffix(".svg"))?;
    let (key, metric) = stem.rsplit_once('-')?;
    (!key.is_empty() && Metric::from_name(metric).is_some()).then_some(key)
}

/// `owner/name` (lower case) back from a file key: owners cannot contain `.`, so the
/// first dot is the slash.
pub(crate) fn repo_of_key(key: &str) -> String {
    key.replacen('.', "/", 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn history_file_names_are_stable_and_flat() {
        let cases = [
            ("octo/hello", "history-octo.hello.json"),
            ("Octo/Hello.World", "history-octo.hello.world.json"),
            ("a-b/c_d", "history-a-b.c_d.json"),
        ];
        for (repo, want) in cases {
            assert_eq!(history_file(repo), want);
            assert!(!history_file(repo).contains('/'));
        }
    }

    #[test]
    fn repository_files_are_told_from_shared_ones() {
        let cases = [
            ("history-octo.hello.json", Some("octo.hello")),
            ("history-a-b.c-d.json", Some("a-b.c-d")),
            ("badge-octo.hello-views.json", Some("octo.hello")),
            ("badge-a-b.my-tool-installs.svg", Some("a-b.my-tool")),
            ("badge-octo.hello-nope.json", None),
            ("views.json", None),
            ("stars.svg", None),
            (INDEX_FILE, None),
            ("README.md", None),
            ("history-.json", None),
            ("archive-2026-10.json", None),
            ("chart-octo.hello.svg", Some("octo.hello")),
            ("chart-a-b.my-tool.svg", Some("a-b.my-tool")),
            ("chart.svg", None),
            ("chart-.svg", None),
            ("settled-octo.hello.json", Some("octo.hello")),
            ("settled-.json", None),
        ];
        for (file, want) in cases {
            assert_eq!(repo_key(file), want, "{file}");
        }
        assert_eq!(repo_key(&history_file("Octo/Hello.World")), Some("octo.hello.world"));
        assert_eq!(repo_key(&chart_file(Some("Octo/Hello.World"))), Some("octo.hello.world"));
        for (file, optional) in
            [("chart.svg", true), ("chart-o.a.svg", true), ("history-o.a.json", false), ("views.svg", false)]
        {
            assert_eq!(is_optional(file), optional, "{file}");
        }
        assert_eq!(repo_of_key("octo.hello.world"), "octo/hello.world");
        assert_eq!(repo_key(&settled_file("Octo/Hello.World")), Some("octo.hello.world"));
    }

    #[test]
    fn derived_files_are_told_from_data() {
        let cases = [
            ("badge-octo.hello-views.json", true),
            ("badge-octo.hello-stars.svg", true),
            ("views.json", true),
            ("installs.svg", true),
            ("chart.svg", true),
            ("chart-octo.hello.svg", true),
            ("badge-octo.hello-nope.json", false),
            ("history-octo.hello.json", false),
            ("settled-octo.hello.json", false),
            (INDEX_FILE, false),
            ("archive-2026-10.json", false),
            ("views.txt", false),
            ("README.md", false),
            ("views", false),
        ];
        for (file, derived) in cases {
            assert_eq!(is_derived(file), derived, "{file}");
        }
    }

    fn ts(s: &str) -> jiff::Timestamp {
        s.parse().expect("ts")
    }

    /// A repository whose split day is `k`, found among generated names.
    fn repo_with(k: u8) -> String {
        (0..10_000).map(|i| format!("o/r{i}")).find(|r| split_day(r) == k).expect("every day is someone's")
    }

    #[test]
    fn the_split_date_is_the_first_of_a_month_92_to_150_days_back() {
        let (r0, r27) = (repo_with(0), repo_with(27));
        for (now, repo, want) in [
            // Offset 0: the first of the month of the day 92 days back.
            ("2026-11-30T08:00:00Z", &r0, "2026-08-01"),
            ("2026-12-01T00:00:00Z", &r0, "2026-08-01"),
            ("2026-12-02T23:59:59Z", &r0, "2026-09-01"),
            // Year ends: 92 days before 2027-01-01 is 2026-10-01.
            ("2026-12-31T23:59:59Z", &r0, "2026-09-01"),
            ("2027-01-01T00:00:00Z", &r0, "2026-10-01"),
            ("2027-04-03T00:00:00Z", &r0, "2027-01-01"),
            ("2027-04-02T00:00:00Z", &r0, "2026-12-01"),
            // Leap years: 92 days before 2028-05-31 is 2028-02-29.
            ("2028-05-31T12:00:00Z", &r0, "2028-02-01"),
            ("2028-06-01T12:00:00Z", &r0, "2028-03-01"),
            ("2027-06-01T12:00:00Z", &r0, "2027-03-01"),
            ("2027-05-31T12:00:00Z", &r0, "2027-02-01"),
            // Offset 27: 119 days back.
            ("2026-11-30T08:00:00Z", &r27, "2026-08-01"),
            ("2026-12-28T00:00:00Z", &r27, "2026-08-01"),
            ("2026-12-29T00:00:00Z", &r27, "2026-09-01"),
        ] {
            assert_eq!(split_date(ts(now), repo).to_string(), want, "{now} {repo}");
        }
    }

    #[test]
    fn the_split_date_moves_once_a_month_on_each_repositorys_own_day() {
        let repos: Vec<String> = (0..500).map(|i| format!("owner{}/repo-{i}", i % 7)).collect();
        let mut moved_per_day = Vec::new();
        let mut day = jiff::civil::date(2026, 1, 1);
        let end = jiff::civil::date(2028, 12, 31);
        let mut moves = vec![0usize; repos.len()];
        while day < end {
            let next = day.tomorrow().expect("day");
            let at = |d: jiff::civil::Date| d.to_zoned(jiff::tz::TimeZone::UTC).expect("z").timestamp();
            let mut moved = 0;
            for (i, repo) in repos.iter().enumerate() {
                let (a, b) = (split_date(at(day), repo), split_date(at(next), repo));
                assert!(a <= b && b.day() == 1, "{repo} {day}");
                // Always 92 days or more, and never more than 150, in the live part.
                let kept = (next - b).get_days();
                assert!((92..=150).contains(&kept), "{repo} {next}: {kept}");
                if a != b {
                    moved += 1;
                    moves[i] += 1;
                }
            }
            moved_per_day.push(moved);
            day = next;
        }
        // Three years: 36 moves each (35 or 36 by where the first falls).
        assert!(moves.iter().all(|m| (35..=36).contains(m)), "{moves:?}");
        // Spread: no day moves more than twice the mean (500 / 28, about 18).
        let most = moved_per_day.iter().max().copied().unwrap_or(0);
        assert!(most <= 40, "{most}");
        // Stable: the same repository's day does not depend on the case of its name.
        assert_eq!(split_day("Octo/Hello"), split_day("octo/hello"));
        assert!(repos.iter().all(|r| split_day(r) < 28));
    }
}
