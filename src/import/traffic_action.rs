//! repository-traffic-action (<https://github.com/sangonzal/repository-traffic-action>):
//! `views.csv` and `clones.csv`, one file per metric, `_date,total_views,unique_views` (or
//! `_clones`), written by pandas from PyGithub's timestamps (its `main.py` /
//! `repostats.py`): `2020-11-16`, or `2024-01-01 00:00:00+00:00` with timezone-aware
//! PyGithub. A column with an empty (`NaN`) cell is written as floats (`5.0`).
//!
//! The files name no repository: it comes from the hint. A row with neither figure is no
//! day; one file alone leaves the other metric unknown on its days.

use super::error::{Ctx, Error};
use super::fragment::{Metric, add_metric};
use super::repo::{Hint, unnamed_repo};
use super::table::{cell, count_cell, day_cell, read_table};
use crate::history::History;

pub(crate) fn read(ctx: &Ctx<'_>, content: &str, hint: &Hint, metric: Metric) -> Result<Vec<History>, Error> {
    let repo = unnamed_repo(ctx, hint, None)?;
    let t = read_table(ctx, content)?;
    let (total, unique) = match metric {
        Metric::Views => ("total_views", "unique_views"),
        Metric::Clones => ("total_clones", "unique_clones"),
    };
    let (di, ti, ui) = (t.req(ctx, "_date")?, t.req(ctx, total)?, t.req(ctx, unique)?);
    let mut h = History::new(&repo);
    for (n, row) in &t.rows {
        let day = day_cell(ctx, *n, "_date", cell(row, di))?;
        let count = count_cell(ctx, *n, total, cell(row, ti))?;
        let uniques = count_cell(ctx, *n, unique, cell(row, ui))?;
        if count.is_none() && uniques.is_none() {
            continue;
        }
        add_metric(&mut h, metric, day, count.unwrap_or(0), uniques.unwrap_or(0));
    }
    Ok(vec![h])
}

#[cfg(test)]
mod tests {
    use crate::history;
    use crate::import::testkit::{TA_CLONES, TA_VIEWS, d, days, one, t};

    #[test]
    fn repository_traffic_action() {
        let v = one("views.csv", TA_VIEWS, Some("octo/hello"));
        assert_eq!(
            days(&v),
            ["2026-01-20", "2026-01-21", "2026-01-22", "2026-01-24", "2026-01-25", "2026-01-26", "2026-01-27"]
        );
        assert_eq!(v.days[&d("2026-01-24")], t([31, 11, 0, 0]));
        let c = one("clones.csv", TA_CLONES, Some("octo/hello"));
        assert_eq!(days(&c), ["2026-01-20", "2026-01-22", "2026-01-24", "2026-01-26"], "an empty (NaN) row is no day");
        assert_eq!(c.days[&d("2026-01-22")], t([0, 0, 5, 3]));
        let both = v.merge(&c);
        assert_eq!(both.days[&d("2026-01-26")], t([40, 13, 9, 4]));
    }

    #[test]
    fn a_single_metric_file_leaves_the_other_metric_a_gap() {
        let views = one("views.csv", TA_VIEWS, Some("octo/hello"));
        assert!(!views.days.is_empty());
        let clone_bits = history::UNKNOWN_CLONES | history::UNKNOWN_CLONES_UNIQUES;
        for day in views.days.keys() {
            assert_eq!(views.unknown_on(*day), clone_bits, "{day}: clones were not in the file");
        }
        let clones = one("clones.csv", TA_CLONES, Some("octo/hello"));
        let both = views.merge(&clones);
        let shared: Vec<_> = views.days.keys().filter(|d| clones.days.contains_key(d)).collect();
        assert!(!shared.is_empty());
        for day in shared {
            assert_eq!(both.unknown_on(*day), 0, "{day}: both files together observed everything");
        }
    }
}
