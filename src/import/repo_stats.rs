//! github-repo-stats (<https://github.com/jgehrcke/github-repo-stats>): the CSV files its
//! `fetch.py` and `analyze.py` keep in the data branch.
//!
//! - `views_clones_aggregate.csv` (and each `*_views_clones_series_fragment.csv`):
//!   `time_iso8601,clones_total,clones_unique,views_total,views_unique`, times like
//!   `2020-12-01 00:00:00+00:00`. The aggregate has no empty cells (it fills them with 0); a
//!   series fragment may, where one metric had no bucket that day.
//! - `stargazers.csv` (`stars_cumulative`), `forks.csv` (`forks_cumulative`): one row per
//!   star (fork) event with its time (`2020-11-26 16:25:37+00:00,1`), or resampled to one
//!   row per day at 00:00; `stargazer-snapshots.csv` (`stargazers_cumulative_snapshot`)
//!   holds counts read at any time, with any offset.
//!
//! The files name no repository: it comes from the hint. A counter series has no
//! collection time, so each UTC day keeps its highest count stamped 00:00 UTC of the day,
//! and any snapshot gtt itself took that day takes precedence. A stars series cannot know
//! forks (and the reverse): [`super::combine`] joins the two.

use std::collections::BTreeMap;

use jiff::civil::Date;

use super::error::{Ctx, Error, Problem};
use super::fragment::{add_stats, add_traffic};
use super::repo::{Hint, unnamed_repo};
use super::table::{Table, cell, count_cell, day_cell, day_start, instant_cell, read_table, utc_day};
use crate::history::{History, RepoStats, Traffic};

/// Which counter a cumulative series counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Counter {
    Stars,
    Forks,
}

/// `views_clones_aggregate.csv` or a series fragment.
pub(crate) fn read_traffic(ctx: &Ctx<'_>, content: &str, hint: &Hint) -> Result<Vec<History>, Error> {
    let repo = unnamed_repo(ctx, hint, None)?;
    let t = read_table(ctx, content)?;
    let names = ["views_total", "views_unique", "clones_total", "clones_unique"];
    let ti = t.req(ctx, "time_iso8601")?;
    let mut cols = [0usize; 4];
    for (slot, name) in cols.iter_mut().zip(names) {
        *slot = t.req(ctx, name)?;
    }
    let mut h = History::new(&repo);
    for (n, row) in &t.rows {
        let day = day_cell(ctx, *n, "time_iso8601", cell(row, ti))?;
        let mut v = [None; 4];
        for ((slot, col), name) in v.iter_mut().zip(cols).zip(names) {
            *slot = count_cell(ctx, *n, name, cell(row, col))?;
        }
        if v.iter().all(Option::is_none) {
            continue;
        }
        let [views, views_uniques, clones, clones_uniques] = v.map(|x| x.unwrap_or(0));
        add_traffic(&mut h, day, Traffic { views, views_uniques, clones, clones_uniques });
    }
    Ok(vec![h])
}

/// A stars or forks series, or the stargazer snapshots.
pub(crate) fn read_counter(ctx: &Ctx<'_>, content: &str, hint: &Hint, counter: Counter) -> Result<Vec<History>, Error> {
    let repo = unnamed_repo(ctx, hint, None)?;
    let t = read_table(ctx, content)?;
    let per_day = highest_per_day(ctx, &t, counter)?;
    let mut h = History::new(&repo);
    for (day, v) in per_day {
        let at = day_start(day).map_err(|p| ctx.whole(p))?;
        let (stars, forks) = match counter {
            Counter::Stars => (v, 0),
            Counter::Forks => (0, v),
        };
        add_stats(&mut h, day, RepoStats { at, stars, forks, watchers: 0, open_issues: 0 });
    }
    Ok(vec![h])
}

/// Each UTC day's highest count in a cumulative series.
fn highest_per_day(ctx: &Ctx<'_>, t: &Table, counter: Counter) -> Result<BTreeMap<Date, u64>, Error> {
    let ti = t.req(ctx, "time_iso8601")?;
    let names: &[&str] = match counter {
        Counter::Stars => &["stars_cumulative", "stargazers_cumulative_snapshot"],
        Counter::Forks => &["forks_cumulative"],
    };
    let Some((name, vi)) = names.iter().find_map(|n| t.col(n).map(|i| (*n, i))) else {
        return Err(ctx.error(Some(1), names.first().copied(), Problem::MissingColumn));
    };
    let mut per_day: BTreeMap<Date, u64> = BTreeMap::new();
    for (n, row) in &t.rows {
        let at = instant_cell(ctx, *n, "time_iso8601", cell(row, ti))?;
        let Some(v) = count_cell(ctx, *n, name, cell(row, vi))? else {
            continue;
        };
        per_day.entry(utc_day(at)).and_modify(|x| *x = (*x).max(v)).or_insert(v);
    }
    Ok(per_day)
}

#[cfg(test)]
mod tests {
    use crate::history::{History, RepoStats};
    use crate::import::combine;
    use crate::import::table::day_start;
    use crate::import::testkit::{RS_AGGREGATE, RS_FORKS, RS_SNAPSHOTS, RS_STARS, d, one, t, ts};

    #[test]
    fn github_repo_stats_aggregate() {
        let h = one("views_clones_aggregate.csv", RS_AGGREGATE, Some("octo/hello"));
        assert_eq!(h.days.len(), 10);
        assert!(!h.days.contains_key(&d("2026-02-16")), "no row: a gap");
        assert_eq!(h.days[&d("2026-02-10")], t([88, 21, 6, 4]));
        assert_eq!(h.days[&d("2026-02-13")], t([64, 17, 0, 0]));
        assert!(h.stats.is_empty() && h.ci.is_empty());
    }

    #[test]
    fn github_repo_stats_stars_forks_and_snapshots() {
        let stars = one("stargazers.csv", RS_STARS, Some("octo/hello"));
        let got: Vec<(String, u64)> = stars.stats.iter().map(|(d, s)| (d.to_string(), s.stars)).collect();
        assert_eq!(
            got,
            [("2025-11-03", 2), ("2025-11-05", 3), ("2025-11-06", 4), ("2025-11-20", 7), ("2026-01-08", 8)]
                .map(|(d, n)| (d.to_string(), n))
        );
        assert!(stars.stats.iter().all(|(day, s)| s.at == day_start(*day).expect("start") && s.forks == 0));
        assert!(stars.days.is_empty(), "counters cover no traffic day");
        let snaps = one("stargazer-snapshots.csv", RS_SNAPSHOTS, Some("octo/hello"));
        assert_eq!(snaps.stats.keys().next(), Some(&d("2026-01-08")), "00:30 at +01:00 is the 8th in UTC");
        assert_eq!(snaps.stats[&d("2026-03-02")].stars, 12);
        let forks = one("forks.csv", RS_FORKS, Some("octo/hello"));
        assert_eq!(forks.stats[&d("2025-12-19")].forks, 3);
        assert_eq!(forks.stats[&d("2025-12-19")].stars, 0);
        // `combine` joins the two series where they meet; `merge` would keep one of them.
        let both = combine(&stars, &forks);
        assert_eq!(both.stats.len(), stars.stats.len() + forks.stats.len());
        let mut collected = History::new("octo/hello");
        let at = ts("2025-11-20T03:17:00Z");
        collected.stats.insert(d("2025-11-20"), RepoStats { at, stars: 6, forks: 1, watchers: 2, open_issues: 0 });
        let mut forks_on_star_day = History::new("octo/hello");
        let midnight = ts("2025-11-20T00:00:00Z");
        let s = RepoStats { at: midnight, stars: 0, forks: 1, watchers: 0, open_issues: 0 };
        forks_on_star_day.stats.insert(d("2025-11-20"), s);
        let joined = combine(&stars, &forks_on_star_day);
        assert_eq!((joined.stats[&d("2025-11-20")].stars, joined.stats[&d("2025-11-20")].forks), (7, 1));
        assert_eq!(combine(&joined, &collected).stats[&d("2025-11-20")], collected.stats[&d("2025-11-20")]);
        assert_eq!(combine(&collected, &joined), combine(&joined, &collected));
    }
}
