//! What `gtt export` writes: one row per covered day and repository (CSV, NDJSON), or
//! every stored history with its derived series (JSON). Gap days are absent; a figure
//! not observed on a covered day is empty (CSV) or null (NDJSON), never 0. A day only
//! ever seen in progress has `partial` 1 (its counts are a lower bound); a complete day
//! has it empty (CSV) or null (NDJSON); likewise `ci_estimated` 1 marks a day whose CI
//! checkouts were estimated from step names, not read from workflow definitions. gtt's own importer reads these back losslessly.

use crate::history::{self, History};

/// One exported day of one repository. Figures not observed that day (repository
/// counters, CI, downloads on a day without a collection) are None: empty in CSV, null in
/// NDJSON, never 0.
#[derive(Debug, serde::Serialize)]
pub(crate) struct Row<'a> {
    pub(crate) repo: &'a str,
    pub(crate) date: String,
    /// None only for a figure no source observed (an imported day, see `History::unknown`).
    pub(crate) views: Option<u64>,
    pub(crate) views_uniques: Option<u64>,
    pub(crate) clones: Option<u64>,
    pub(crate) clones_uniques: Option<u64>,
    pub(crate) stars: Option<u64>,
    pub(crate) forks: Option<u64>,
    pub(crate) watchers: Option<u64>,
    pub(crate) open_issues: Option<u64>,
    pub(crate) ci_checkouts: Option<u64>,
    pub(crate) organic_clones: Option<u64>,
    pub(crate) organic_clones_uniques: Option<u64>,
    pub(crate) downloads: Option<u64>,
    pub(crate) ci_runs: Option<u64>,
    /// When the counters were read: with `ci_runs`, makes the CSV a lossless way to move
    /// days, counters and CI between stores.
    pub(crate) stats_at: Option<String>,
    /// 1 for a day only ever seen in progress (`History::partial`), else None.
    pub(crate) partial: Option<u8>,
    /// 1 for a day whose CI checkouts were estimated from step names for some run
    /// (`History::ci_estimated`), else None.
    pub(crate) ci_estimated: Option<u8>,
}

/// Every covered day of every history, dates ascending; gap days are absent.
pub(crate) fn rows(histories: &[History]) -> Vec<Row<'_>> {
    let mut out = Vec::new();
    for h in histories {
        let downloads = h.daily_downloads();
        for (d, t) in &h.days {
            let st = h.stats.get(d);
            let ci = h.ci.get(d);
            let organic = history::organic(*t, ci.copied());
            let collected_that_day = st.is_some() || downloads.contains_key(d);
            let unknown = h.unknown_on(*d);
            let known = |bit: u8, v: u64| (unknown & bit == 0).then_some(v);
            out.push(Row {
                repo: &h.repo,
                date: d.to_string(),
                views: known(history::UNKNOWN_VIEWS, t.views),
                views_uniques: known(history::UNKNOWN_VIEWS_UNIQUES, t.views_uniques),
                clones: known(history::UNKNOWN_CLONES, t.clones),
                clones_uniques: known(history::UNKNOWN_CLONES_UNIQUES, t.clones_uniques),
                stars: st.map(|s| s.stars),
                forks: st.map(|s| s.forks),
                watchers: st.map(|s| s.watchers),
                open_issues: st.map(|s| s.open_issues),
                ci_checkouts: ci.map(|c| c.checkouts),
                organic_clones: known(history::UNKNOWN_CLONES, organic.clones),
                organic_clones_uniques: known(history::UNKNOWN_CLONES_UNIQUES, organic.uniques),
                downloads: collected_that_day.then(|| downloads.get(d).copied().unwrap_or(0)),
                ci_runs: ci.map(|c| c.runs),
                stats_at: st.map(|s| s.at.to_string()),
                partial: h.partial.contains(d).then_some(1),
                ci_estimated: (ci.is_some() && h.ci_estimated.contains(d)).then_some(1),
            });
        }
    }
    out
}

/// `rows` as CSV with a header line.
pub(crate) fn csv(histories: &[History]) -> String {
    let mut s = String::from(
        "repo,date,views,views_uniques,clones,clones_uniques,stars,forks,watchers,open_issues,ci_checkouts,organic_clones,organic_clones_uniques,downloads,ci_runs,stats_at,partial,ci_estimated\n",
    );
    let f = |v: Option<u64>| v.map_or(String::new(), |v| v.to_string());
    for r in rows(histories) {
        s.push_str(&format!(
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}\n",
            r.repo,
            r.date,
            f(r.views),
            f(r.views_uniques),
            f(r.clones),
            f(r.clones_uniques),
            f(r.stars),
            f(r.forks),
            f(r.watchers),
            f(r.open_issues),
            f(r.ci_checkouts),
            f(r.organic_clones),
            f(r.organic_clones_uniques),
            f(r.downloads),
            f(r.ci_runs),
            r.stats_at.unwrap_or_default(),
            r.partial.map_or(String::new(), |p| p.to_string()),
            r.ci_estimated.map_or(String::new(), |p| p.to_string()),
        ));
    }
    s
}

/// `rows` as one JSON object per line, for DuckDB's `read_json_auto`, pandas'
/// `read_json(lines=True)` and friends.
pub(crate) fn ndjson(histories: &[History]) -> String {
    rows(histories).iter().filter_map(|r| serde_json::to_string(r).ok()).map(|l| l + "\n").collect()
}

/// A history as exported to JSON: everything stored, plus the derived per-day downloads
/// and per-release totals, without the internal CI run cache (and which of its runs were estimated).
pub(crate) fn export_json(h: &History) -> serde_json::Value {
    let mut v = serde_json::to_value(h).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.remove("ci_cache");
        o.remove("ci_estimated_runs");
        o.insert("downloads_daily".into(), serde_json::to_value(h.daily_downloads()).unwrap_or_default());
        o.insert("downloads_by_release".into(), serde_json::to_value(h.downloads_by_release()).unwrap_or_default());
    }
    v
}
