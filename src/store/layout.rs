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

/// The date a history written at `now` is split at (folder and branch stores): January 1
/// of the previous UTC year, so the live file holds one to two years and the settled
/// file changes once a year. Gist histories stay whole: a gist's listing holds 300 files.
pub(crate) fn split_date(now: jiff::Timestamp) -> jiff::civil::Date {
    let year = crate::history::utc_day(now).year();
    jiff::civil::Date::new(year.saturating_sub(1), 1, 1).unwrap_or(jiff::civil::Date::MIN)
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
    fn the_split_date_is_january_1_of_the_previous_year() {
        for (now, want) in [
            ("2026-11-30T08:00:00Z", "2025-01-01"),
            ("2026-01-01T00:00:00Z", "2025-01-01"),
            ("2025-12-31T23:59:59Z", "2024-01-01"),
        ] {
            let now: jiff::Timestamp = now.parse().expect("ts");
            assert_eq!(split_date(now).to_string(), want, "{now}");
        }
    }
}
