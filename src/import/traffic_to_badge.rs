//! traffic-to-badge (<https://github.com/yi-Xu-0100/traffic-to-badge>): the data files it
//! keeps per repository in a `traffic-NAME/` folder, `traffic_views.json` and
//! `traffic_clones.json`. Its `src/traffic.js` and `src/util.js` store GitHub's traffic
//! answer (<https://docs.github.com/en/rest/metrics/traffic>), `{count, uniques,
//! views|clones: [{timestamp, count, uniques}]}`, and append each day's new entries to
//! it, so the list grows past the 15 daily buckets one answer holds.
//!
//! This module also reads that answer shape for github-clone-count-badge
//! ([`super::clone_count`]), which stores one answer unchanged.
//!
//! The heading `count`/`uniques` are ignored (traffic-to-badge's are sums of daily
//! uniques, which are not additive). A file whose entries all fall on Mondays holds weekly
//! buckets (`per=week`) and is refused: a week is not a day. The repository is the hint,
//! or the hint's owner with the `traffic-NAME/` folder's name.

use jiff::civil::{Date, Weekday};
use serde_json::Value;

use super::error::{Ctx, Error, Problem};
use super::fragment::{Metric, add_metric};
use super::json::{Object, as_array, as_object, join, req_count, req_str};
use super::repo::{Hint, unnamed_repo, valid_name};
use super::table::parse_day;
use crate::history::History;

/// One traffic API answer covers at most 15 daily buckets.
pub(crate) const API_SPAN_DAYS: i32 = 15;

/// The entries of a traffic API answer (`{count, uniques, views|clones: [...]}`), if the
/// object is one (and not a ghtraf or gtt file that also has such a key).
pub(crate) fn api_list<'v>(o: &'v Object, key: &str) -> Option<&'v Vec<Value>> {
    if o.contains_key("dailyHistory") || o.contains_key("schema") || o.contains_key("repos") {
        return None;
    }
    o.get(key)?.as_array()
}

/// How many days the entries of an API-shaped list span, first to last.
pub(crate) fn span_days(list: &[Value]) -> i32 {
    let days: Vec<Date> =
        list.iter().filter_map(|e| e.get("timestamp")?.as_str()?.get(..10)?.parse::<Date>().ok()).collect();
    match (days.iter().min(), days.iter().max()) {
        (Some(a), Some(b)) => (*b - *a).get_days().saturating_add(1),
        _ => 0,
    }
}

/// The folder traffic-to-badge keeps a repository's files in: `traffic-NAME/`.
fn traffic_dir(file: &str) -> Option<&str> {
    let mut parts: Vec<&str> = file.split(['/', '\\']).collect();
    parts.pop();
    parts.into_iter().rev().find_map(|p| p.strip_prefix("traffic-")).filter(|n| valid_name(n))
}

/// A traffic API answer as traffic-to-badge and github-clone-count-badge store it.
pub(crate) fn api_answer(ctx: &Ctx<'_>, root: &Object, hint: &Hint) -> Result<Vec<History>, Error> {
    let repo = unnamed_repo(ctx, hint, traffic_dir(ctx.file))?;
    let mut h = History::new(&repo);
    for (key, metric) in [("views", Metric::Views), ("clones", Metric::Clones)] {
        let Some(list) = root.get(key) else {
            continue;
        };
        let days = entries(ctx, &mut h, as_array(ctx, list, key)?, key, metric)?;
        let weekly = days.len() >= 3 && days.iter().all(|d| d.weekday() == Weekday::Monday);
        if weekly || ctx.file.contains("per_week") {
            return Err(ctx.field(key, Problem::Weekly));
        }
    }
    Ok(vec![h])
}

/// Adds the `{timestamp, count, uniques}` entries of one list; returns their days.
fn entries(ctx: &Ctx<'_>, h: &mut History, list: &[Value], key: &str, metric: Metric) -> Result<Vec<Date>, Error> {
    let mut days = Vec::with_capacity(list.len());
    for (i, e) in list.iter().enumerate() {
        let path = format!("{key}[{i}]");
        let o = as_object(ctx, e, &path)?;
        let stamp = req_str(ctx, o, &path, "timestamp")?;
        let day = parse_day(stamp).map_err(|p| ctx.field(&join(&path, "timestamp"), p))?;
        let count = req_count(ctx, o, &path, "count")?;
        let uniques = req_count(ctx, o, &path, "uniques")?;
        add_metric(h, metric, day, count, uniques);
        days.push(day);
    }
    Ok(days)
}

#[cfg(test)]
mod tests {
    use crate::import::testkit::{TTB_CLONES, TTB_VIEWS, d, one, t};
    use crate::import::{Problem, import};

    #[test]
    fn traffic_to_badge() {
        let v = one("x/traffic-hello/traffic_views.json", TTB_VIEWS, Some("octo"));
        assert_eq!(v.repo, "octo/hello", "the folder names the repository, the hint its owner");
        assert_eq!(v.days.len(), 6);
        assert_eq!(v.days[&d("2026-01-09")], t([60, 17, 0, 0]));
        assert_eq!(v.totals().views_uniques, 9 + 14 + 8 + 17 + 6 + 10);
        assert_eq!(one("traffic_views.json", TTB_VIEWS, Some("octo/other")).repo, "octo/other", "the hint wins");
        assert!(import("traffic_views.json", TTB_VIEWS, Some("octo")).is_err(), "no folder, no name");
        let c = one("x/traffic-hello/traffic_clones.json", TTB_CLONES, Some("octo"));
        assert_eq!(c.days[&d("2026-01-18")], t([0, 0, 5, 4]));
    }

    #[test]
    fn weekly_buckets_are_refused() {
        let weekly = r#"{"count":30,"uniques":9,"views":[
            {"timestamp":"2026-01-05T00:00:00Z","count":10,"uniques":3},
            {"timestamp":"2026-01-12T00:00:00Z","count":10,"uniques":3},
            {"timestamp":"2026-01-19T00:00:00Z","count":10,"uniques":3}]}"#;
        let e = import("traffic_views.json", weekly, Some("octo/hello")).expect_err("weekly");
        assert_eq!(e.field.as_deref(), Some("views"));
        assert!(matches!(e.problem, Problem::Weekly), "{e}");
        assert!(e.to_string().contains("week"), "{e}");
        let e = import("traffic_views_per_week.json", TTB_VIEWS, Some("octo/hello")).expect_err("weekly file");
        assert!(matches!(e.problem, Problem::Weekly), "{e}");
        assert!(e.to_string().contains("week"), "{e}");
    }
}
