//! ghtraf, GitHub Traffic Tracker (<https://github.com/djdarcy/github-traffic-tracker>):
//! the `state.json` its workflow template (`traffic-badges.yml`) keeps in a gist, at
//! `schemaVersion` 3 and in the v1 (no version) and v2 shapes that workflow migrates from,
//! and the monthly `archive-YYYY-MM.json` the same workflow writes to a second gist
//! (`repo`, `period`, `cumulativeTotals`, `monthSummary`, `dailyHistory`).
//!
//! Read: each `dailyHistory` entry (`date`, `views`, `uniqueViews`, `clones`,
//! `uniqueClones`, `ciCheckouts`, `ciRuns`, `stars`, `forks`, `openIssues`,
//! `capturedAt`), the `ciCheckouts` map (`{total, runs}` per day, or a bare count in v1),
//! `repoCreatedAt`, and the last run's `referrers` / `popularPaths`.
//!
//! Not read, and why:
//! - Totals and summaries (`totalUniqueClones`, `cumulativeTotals`, `monthSummary`) and
//!   dedup maps: uniques are per day and are never summed across days.
//! - Daily download deltas (`downloads`): gtt keeps cumulative counts per release asset,
//!   and a delta names no asset.
//! - `trackingSince`: as gtt's `first_collected` it would turn the asset counts of gtt's
//!   own first collection into downloads of that day.
//!
//! Entries written before ghtraf kept uniques leave uniques unknown on their day; ghtraf
//! never kept watchers, which stay 0 in its counters. `state.json` names no repository (it
//! comes from the hint); an archive's `repo` must agree with an `owner/name` hint.

use jiff::Timestamp;
use jiff::civil::Date;
use serde_json::Value;

use super::error::{Ctx, Error, Problem};
use super::fragment::{add_ci, add_stats, add_traffic, not_observed, whole_second};
use super::json::{Object, as_array, as_object, join, json_count, not_a_count, opt_count, opt_str, req_count, req_str};
use super::repo::{Hint, Place, named_repo, unnamed_repo};
use super::table::{day_start, parse_day, parse_instant, utc_day};
use crate::history::{self, CiDay, History, Popular, PopularPath, Referrer, RepoStats, Traffic};

/// The newest `schemaVersion` this reader knows.
const SCHEMA: u64 = 3;

/// ghtraf keeps each top list's first ten entries, as gtt does.
const TOP: usize = 10;

/// `state.json` (`archive` false) or an `archive-YYYY-MM.json`.
pub(crate) fn read(ctx: &Ctx<'_>, root: &Object, hint: &Hint, archive: bool) -> Result<Vec<History>, Error> {
    if let Some(v) = opt_count(ctx, root, "", "schemaVersion")?
        && v > SCHEMA
    {
        return Err(ctx.field("schemaVersion", Problem::NewerGhtraf(v)));
    }
    let repo = match (archive, opt_str(ctx, root, "", "repo")?) {
        (true, Some(r)) => named_repo(ctx, r, hint, true, Place { line: None, field: "repo" })?,
        _ => unnamed_repo(ctx, hint, None)?,
    };
    let mut h = History::new(&repo);
    let list = root.get("dailyHistory").ok_or_else(|| ctx.field("dailyHistory", Problem::Missing))?;
    let mut latest: Option<Timestamp> = None;
    for (i, e) in as_array(ctx, list, "dailyHistory")?.iter().enumerate() {
        let path = format!("dailyHistory[{i}]");
        latest = latest.max(entry(ctx, as_object(ctx, e, &path)?, &path, &mut h)?);
    }
    ci_checkouts(ctx, root, &mut h)?;
    if let Some(s) = opt_str(ctx, root, "", "repoCreatedAt")? {
        h.created_at = Some(parse_instant(s).map_err(|p| ctx.field("repoCreatedAt", p))?);
    }
    top_lists(ctx, root, latest, &mut h)?;
    Ok(vec![h])
}

/// One `dailyHistory` entry: traffic, CI and counters of its day. Returns its
/// `capturedAt`, the run that last touched it.
fn entry(ctx: &Ctx<'_>, o: &Object, path: &str, h: &mut History) -> Result<Option<Timestamp>, Error> {
    let day = parse_day(req_str(ctx, o, path, "date")?).map_err(|p| ctx.field(&join(path, "date"), p))?;
    let count = |key: &str| opt_count(ctx, o, path, key);
    traffic(h, day, [count("views")?, count("uniqueViews")?, count("clones")?, count("uniqueClones")?]);
    if let Some(checkouts) = count("ciCheckouts")? {
        add_ci(h, day, CiDay { checkouts, runs: count("ciRuns")?.unwrap_or(0) });
    }
    let captured = match opt_str(ctx, o, path, "capturedAt")? {
        Some(s) => Some(parse_instant(s).map_err(|p| ctx.field(&join(path, "capturedAt"), p))?),
        None => None,
    };
    let (stars, forks, issues) = (count("stars")?, count("forks")?, count("openIssues")?);
    if stars.is_some() || forks.is_some() || issues.is_some() {
        // `capturedAt` is the last run that touched the entry, often days later; it
        // dates the counters only when it falls on the entry's own day.
        let at = match captured {
            Some(c) if utc_day(c) == day => whole_second(c),
            _ => day_start(day).map_err(|p| ctx.field(&join(path, "date"), p))?,
        };
        let open_issues = issues.unwrap_or(0);
        let s = RepoStats { at, stars: stars.unwrap_or(0), forks: forks.unwrap_or(0), watchers: 0, open_issues };
        add_stats(h, day, s);
    }
    Ok(captured)
}

/// An entry's four traffic figures (views, unique views, clones, unique clones). Older
/// entries lack uniques: those stay unknown, not 0.
fn traffic(h: &mut History, day: Date, figures: [Option<u64>; 4]) {
    let fresh = !h.days.contains_key(&day);
    let [views, views_uniques, clones, clones_uniques] = figures.map(|f| f.unwrap_or(0));
    add_traffic(h, day, Traffic { views, views_uniques, clones, clones_uniques });
    if !fresh {
        return;
    }
    let bits = [
        history::UNKNOWN_VIEWS,
        history::UNKNOWN_VIEWS_UNIQUES,
        history::UNKNOWN_CLONES,
        history::UNKNOWN_CLONES_UNIQUES,
    ];
    for (figure, bit) in figures.iter().zip(bits) {
        if figure.is_none() {
            h.unknown.entry(day).or_insert(0);
            not_observed(h, day, bit);
        }
    }
    h.unknown.retain(|_, b| *b != 0);
}

/// The top-level `ciCheckouts` map: `{total, runs}` per day, or a bare count (v1).
fn ci_checkouts(ctx: &Ctx<'_>, root: &Object, h: &mut History) -> Result<(), Error> {
    let Some(map) = root.get("ciCheckouts") else {
        return Ok(());
    };
    for (key, v) in as_object(ctx, map, "ciCheckouts")? {
        let path = format!("ciCheckouts.{key}");
        let day = parse_day(key).map_err(|p| ctx.field(&path, p))?;
        let c = match v {
            Value::Object(o) => CiDay {
                checkouts: req_count(ctx, o, &path, "total")?,
                runs: opt_count(ctx, o, &path, "runs")?.unwrap_or(0),
            },
            other => {
                CiDay { checkouts: json_count(other).ok_or_else(|| ctx.field(&path, not_a_count(other)))?, runs: 0 }
            }
        };
        add_ci(h, day, c);
    }
    Ok(())
}

/// The last run's referrers and popular paths, dated by the latest `capturedAt`; without
/// any, they cannot be dated and are left out.
fn top_lists(ctx: &Ctx<'_>, root: &Object, latest: Option<Timestamp>, h: &mut History) -> Result<(), Error> {
    let referrers = list(ctx, root, "referrers", |ctx, o, path| {
        let referrer = match opt_str(ctx, o, path, "source")? {
            Some(s) => s,
            None => req_str(ctx, o, path, "referrer")?,
        };
        Ok(Referrer {
            referrer: referrer.to_string(),
            count: req_count(ctx, o, path, "count")?,
            uniques: req_count(ctx, o, path, "uniques")?,
        })
    })?;
    let paths = list(ctx, root, "popularPaths", |ctx, o, path| {
        Ok(PopularPath {
            path: req_str(ctx, o, path, "path")?.to_string(),
            title: opt_str(ctx, o, path, "title")?.unwrap_or_default().to_string(),
            count: req_count(ctx, o, path, "count")?,
            uniques: req_count(ctx, o, path, "uniques")?,
        })
    })?;
    if let Some(at) = latest.filter(|_| !referrers.is_empty() || !paths.is_empty()) {
        h.popular.insert(utc_day(at), Popular { at, referrers, paths });
    }
    Ok(())
}

type ItemParser<T> = fn(&Ctx<'_>, &Object, &str) -> Result<T, Error>;

/// The first ten entries of a ghtraf top list (as gtt keeps them).
fn list<T>(ctx: &Ctx<'_>, root: &Object, key: &str, item: ItemParser<T>) -> Result<Vec<T>, Error> {
    let Some(v) = root.get(key).filter(|v| !v.is_null()) else {
        return Ok(Vec::new());
    };
    as_array(ctx, v, key)?
        .iter()
        .take(TOP)
        .enumerate()
        .map(|(i, e)| {
            let path = format!("{key}[{i}]");
            item(ctx, as_object(ctx, e, &path)?, &path)
        })
        .collect()
}

/// Keys only ghtraf's archive has, next to `dailyHistory`.
pub(crate) fn is_archive(o: &Object) -> bool {
    ["repo", "period", "generatedAt", "cumulativeTotals", "monthSummary"].iter().any(|k| o.contains_key(*k))
}

#[cfg(test)]
mod tests {
    use crate::history::{self, CiDay, History};
    use crate::import::table::day_start;
    use crate::import::testkit::{GHTRAF_ARCHIVE, GHTRAF_STATE, GHTRAF_V1, d, days, one, t, ts};
    use crate::import::{Format, import};

    #[test]
    fn ghtraf_state_v3() {
        let got = import("state.json", GHTRAF_STATE, Some("octo/hello")).expect("imports");
        assert_eq!(got.format, Format::Ghtraf);
        let h = got.histories.first().expect("one");
        assert_eq!(h.repo, "octo/hello");
        // 03-04 has no entry: a gap, not a zero.
        assert_eq!(
            days(h),
            ["2026-03-01", "2026-03-02", "2026-03-03", "2026-03-05", "2026-03-06", "2026-03-07", "2026-03-08"]
        );
        assert_eq!(h.gaps().len(), 1);
        assert_eq!(h.days[&d("2026-03-01")], t([140, 38, 12, 5]));
        assert_eq!(h.days[&d("2026-03-02")], t([122, 0, 9, 0]), "an entry from before uniques were kept");
        assert_eq!(h.days[&d("2026-03-06")], t([131, 35, 18, 7]));
        // Uniques are per day; ghtraf's totals (totalUniqueClones 201) are not read.
        assert_eq!(h.totals().clones_uniques, 5 + 6 + 4 + 7 + 5 + 2);
        assert_eq!(h.totals().views, 140 + 122 + 167 + 98 + 131 + 120 + 25);
        assert_eq!(h.ci[&d("2026-03-06")], CiDay { checkouts: 6, runs: 3 });
        assert_eq!(h.ci[&d("2026-03-08")], CiDay { checkouts: 2, runs: 2 });
        assert_eq!(h.ci[&d("2026-03-01")], CiDay { checkouts: 0, runs: 0 });
        assert_eq!(
            h.organic(d("2026-03-06")),
            Some(history::Organic { clones: 12, uniques: 5 }),
            "ghtraf's own figures"
        );
        // The 03-05 counters were last touched by a later run: stamped at the day's start.
        let s = h.stats[&d("2026-03-05")];
        assert_eq!((s.at, s.stars, s.forks, s.watchers, s.open_issues), (ts("2026-03-05T00:00:00Z"), 40, 5, 0, 2));
        let s = h.stats[&d("2026-03-08")];
        assert_eq!((s.at, s.stars, s.open_issues), (ts("2026-03-08T03:11:52Z"), 42, 3));
        assert_eq!(h.stats.len(), 2);
        assert_eq!(h.created_at, Some(ts("2025-11-02T14:21:09Z")));
        assert_eq!(h.first_collected, None, "trackingSince is not gtt's first collection");
        let p = &h.popular[&d("2026-03-08")];
        assert_eq!(p.at, ts("2026-03-08T03:11:52.418Z"));
        assert_eq!(
            p.referrers.first().map(|r| (r.referrer.as_str(), r.count, r.uniques)),
            Some(("github.com", 40, 12))
        );
        assert_eq!(p.paths.len(), 2);
        assert!(h.assets.is_empty(), "daily download deltas are not per-asset counts");
        // The stored form round-trips (stats are kept to the second).
        assert_eq!(&History::parse(&h.to_json(), "octo/hello").expect("parses"), h);
    }

    #[test]
    fn ghtraf_state_v1_shape() {
        let h = one("state-v1.json", GHTRAF_V1, Some("octo/hello"));
        assert_eq!(days(&h), ["2026-01-10", "2026-01-11", "2026-01-12", "2026-01-13", "2026-01-14"]);
        assert_eq!(h.days[&d("2026-01-11")], t([38, 0, 0, 0]), "a stated zero is a covered zero");
        assert_eq!(h.days[&d("2026-01-14")], t([20, 0, 10, 0]));
        assert_eq!(h.ci[&d("2026-01-14")], CiDay { checkouts: 4, runs: 0 }, "v1 kept no run count");
        assert_eq!(h.ci[&d("2026-01-13")], CiDay { checkouts: 0, runs: 0 });
        assert_eq!(h.stats.len(), 4, "01-13 has no counters");
        assert!(h.stats.iter().all(|(day, s)| s.at == day_start(*day).expect("start") && s.stars == 7));
        assert!(h.popular.is_empty(), "no capturedAt: the top lists cannot be dated");
    }

    #[test]
    fn ghtraf_archive() {
        let h = one("archive-2026-02.json", GHTRAF_ARCHIVE, None);
        assert_eq!(h.repo, "octo/hello");
        assert_eq!(h.days.len(), 8);
        assert_eq!(h.days.keys().next_back(), Some(&d("2026-03-01")), "the next month's 1st is a real observation");
        assert_eq!(h.days[&d("2026-02-23")], t([133, 36, 16, 7]));
        assert_eq!(h.ci[&d("2026-02-25")], CiDay { checkouts: 4, runs: 2 });
        assert_eq!(h.stats[&d("2026-02-24")].at, ts("2026-02-24T00:00:00Z"));
        assert_eq!(h.stats[&d("2026-03-01")].at, ts("2026-03-01T03:09:41Z"));
        assert_eq!(h.totals().clones_uniques, 6 + 7 + 5 + 6 + 6 + 5 + 9 + 2, "monthSummary is not read");
        assert_eq!(one("a.json", GHTRAF_ARCHIVE, Some("OCTO/Hello")).repo, "octo/hello");
        let e = import("a.json", GHTRAF_ARCHIVE, Some("octo/other")).expect_err("another repository");
        assert_eq!(e.to_string(), "a.json: field `repo`: holds the history of octo/hello, not of octo/other");
    }
}
