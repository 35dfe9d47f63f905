//! A small deterministic set of histories for the report's snapshot tests: one busy
//! repository with a gap, CI checkouts, stars, a release asset and referrers; one quiet
//! repository; a failure and a skipped repository alongside.

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::RepoReport;
use super::figures::days_back;
use crate::history::{Asset, CiDay, Gap, History, Popular, Referrer, RepoStats, Traffic};

/// The run's day.
pub(crate) fn today() -> Date {
    "2026-11-21".parse().expect("date")
}

/// `octo/hello`: 20 days back from yesterday with days 9 and 10 missing (a gap), CI on
/// the last week, stars 10 then 12, 57 downloads, three referrers. `octo/quiet`: three
/// days of one view and one clone each.
pub(crate) fn histories() -> (History, History) {
    let today = today();
    let at = |d: Date| d.to_zoned(jiff::tz::TimeZone::UTC).expect("zoned").timestamp();
    let mut hello = History::new("octo/hello");
    for n in (1..=20).filter(|n| !(9..=10).contains(n)) {
        let n64 = u64::try_from(n).expect("n");
        hello.days.insert(days_back(today, n), Traffic::from([n64 * 7, n64 * 2, n64 + 3, 2]));
    }
    for n in 1..=7 {
        hello.ci.insert(days_back(today, n), CiDay { checkouts: 2, runs: 1 });
    }
    for (n, stars) in [(12, 10), (2, 12)] {
        let d = days_back(today, n);
        hello.stats.insert(d, RepoStats { at: at(d), stars, forks: 3, watchers: 4, open_issues: 1 });
    }
    let counts = BTreeMap::from([(days_back(today, 15), 40), (days_back(today, 3), 57)]);
    let asset =
        Asset { seen: days_back(today, 3), release: "v1.0".into(), name: "hello.tgz".into(), published: None, counts };
    hello.assets.insert(1, asset);
    let referrers = [("github.com", 30, 9), ("news.ycombinator.com", 12, 10), ("a|b", 1, 1)]
        .into_iter()
        .map(|(r, count, uniques)| Referrer { referrer: r.into(), count, uniques })
        .collect();
    hello.popular.insert(days_back(today, 1), Popular { at: at(days_back(today, 1)), referrers, paths: vec![] });
    let mut quiet = History::new("octo/quiet");
    for n in 1..=3 {
        quiet.days.insert(days_back(today, n), Traffic::from([1, 1, 1, 1]));
    }
    (hello, quiet)
}

/// The run's reports over [`histories`]: a new gap and a warning on `octo/hello`, and
/// `octo/broken`, whose collection failed.
pub(crate) fn reports<'a>(hello: &'a History, quiet: &'a History) -> Vec<RepoReport<'a>> {
    let today = today();
    let report = |h: &'a History| RepoReport {
        repo: h.repo.as_str(),
        history: Some(h),
        digest: None,
        new_days: 1,
        raised_days: 0,
        new_gap: None,
        error: None,
        warnings: vec![],
        ci: None,
    };
    let mut busy = report(hello);
    busy.new_gap = Some(Gap { first: days_back(today, 10), last: days_back(today, 9) });
    busy.warnings.push("no push for 50 days: GitHub pauses the schedule at 60".into());
    busy.raised_days = 2;
    busy.ci = Some(crate::history::CiSource {
        identified: 40,
        estimated: 3,
        files: [".github/workflows/ci.yml", ".github/actions/setup/action.yml"].map(String::from).into(),
        warning: None,
    });
    let broken = RepoReport {
        repo: "octo/broken",
        history: None,
        digest: None,
        error: Some("HTTP 404: Not Found".into()),
        ..report(quiet)
    };
    vec![busy, report(quiet), broken]
}

/// Repositories left out of the run, and why.
pub(crate) fn skipped() -> Vec<(String, String)> {
    vec![("octo/old".into(), "archived".into())]
}
