//! What `gtt export` writes: one row per day and repository (CSV, NDJSON), or every
//! stored history with its derived series (JSON), written one history at a time so an
//! export of hundreds of ten-year histories holds one of them at once. Gap days are
//! absent unless the reconstruction (`gtt backfill --from stargazers`) has stars or forks
//! for them: such a row has `gap` 1 and no traffic. A figure not observed on a day is
//! empty (CSV) or null (NDJSON), never 0. A day only ever seen in progress has `partial`
//! 1 (its counts are a lower bound); a complete day has it empty (CSV) or null (NDJSON);
//! likewise `ci_estimated` 1 marks a day whose CI checkouts were estimated from step
//! names, not read from workflow definitions. gtt's own importer reads the CSV back
//! losslessly.

use std::collections::BTreeSet;
use std::io::{self, Write};

use jiff::civil::Date;

use crate::history::{self, History};

/// The CSV header. Columns are only ever added at the end, so older readers keep working.
pub(crate) const CSV_HEADER: &str = "repo,date,views,views_uniques,clones,clones_uniques,stars,forks,watchers,open_issues,ci_checkouts,organic_clones,organic_clones_uniques,downloads,ci_runs,stats_at,partial,ci_estimated,stars_reconstructed,forks_reconstructed,gap\n";

/// One exported day of one repository. Figures not observed that day (repository
/// counters, CI, downloads on a day without a collection) are None: empty in CSV, null in
/// NDJSON, never 0.
#[derive(Debug, serde::Serialize)]
pub(crate) struct Row<'a> {
    pub(crate) repo: &'a str,
    pub(crate) date: Date,
    /// None only for a figure no source observed (an imported day, see `History::unknown`)
    /// and on a gap day.
    pub(crate) views: Option<u64>,
    pub(crate) views_uniques: Option<u64>,
    pub(crate) clones: Option<u64>,
    pub(crate) clones_uniques: Option<u64>,
    /// The collected counters (`History::stats`); the reconstruction is in its own columns.
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
    /// Stars and forks by the end of the day as rebuilt from GitHub's listings
    /// (`History::reconstructed`), a lower bound. Exported on every day that has them;
    /// a reader shows the collected `stars`/`forks` where there are some, as
    /// `History::counters_on` does, and these otherwise.
    pub(crate) stars_reconstructed: Option<u64>,
    pub(crate) forks_reconstructed: Option<u64>,
    /// 1 for a day gtt holds no traffic for (a gap), whose row is there for the
    /// reconstruction only; else None.
    pub(crate) gap: Option<u8>,
}

/// Every day of `h` with traffic or a reconstructed count, ascending.
fn row_days(h: &History) -> BTreeSet<Date> {
    let r = &h.reconstructed;
    h.days.keys().chain(r.stars.keys()).chain(r.forks.keys()).copied().collect()
}

/// The rows of one history, dates ascending; gap days without a reconstruction are absent.
pub(crate) fn rows(h: &History) -> Vec<Row<'_>> {
    let downloads = h.daily_downloads();
    let mut out = Vec::new();
    for d in row_days(h) {
        let t = h.days.get(&d);
        let st = h.stats.get(&d);
        let ci = h.ci.get(&d);
        let organic = t.map(|t| history::organic(*t, ci.copied()));
        let collected_that_day = st.is_some() || downloads.contains_key(&d);
        let unknown = h.unknown_on(d);
        let known = |bit: u8, v: Option<u64>| v.filter(|_| unknown & bit == 0);
        out.push(Row {
            repo: &h.repo,
            date: d,
            views: known(history::UNKNOWN_VIEWS, t.map(|t| t.views)),
            views_uniques: known(history::UNKNOWN_VIEWS_UNIQUES, t.map(|t| t.views_uniques)),
            clones: known(history::UNKNOWN_CLONES, t.map(|t| t.clones)),
            clones_uniques: known(history::UNKNOWN_CLONES_UNIQUES, t.map(|t| t.clones_uniques)),
            stars: st.map(|s| s.stars),
            forks: st.map(|s| s.forks),
            watchers: st.map(|s| s.watchers),
            open_issues: st.map(|s| s.open_issues),
            ci_checkouts: ci.map(|c| c.checkouts),
            organic_clones: known(history::UNKNOWN_CLONES, organic.map(|o| o.clones)),
            organic_clones_uniques: known(history::UNKNOWN_CLONES_UNIQUES, organic.map(|o| o.uniques)),
            downloads: collected_that_day.then(|| downloads.get(&d).copied().unwrap_or(0)),
            ci_runs: ci.map(|c| c.runs),
            stats_at: st.map(|s| s.at.to_string()),
            partial: h.partial.contains(&d).then_some(1),
            ci_estimated: (ci.is_some() && h.ci_estimated.contains(&d)).then_some(1),
            stars_reconstructed: h.reconstructed.stars.get(&d).copied(),
            forks_reconstructed: h.reconstructed.forks.get(&d).copied(),
            gap: t.is_none().then_some(1),
        });
    }
    out
}

/// One history's rows as CSV lines (no header: [`CSV_HEADER`] goes once, first).
pub(crate) fn write_csv(h: &History, out: &mut dyn Write) -> io::Result<()> {
    struct Cell(Option<u64>);
    impl std::fmt::Display for Cell {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            self.0.map_or(Ok(()), |v| write!(f, "{v}"))
        }
    }
    let flag = |v: Option<u8>| Cell(v.map(u64::from));
    for r in rows(h) {
        writeln!(
            out,
            "{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{},{}",
            r.repo,
            r.date,
            Cell(r.views),
            Cell(r.views_uniques),
            Cell(r.clones),
            Cell(r.clones_uniques),
            Cell(r.stars),
            Cell(r.forks),
            Cell(r.watchers),
            Cell(r.open_issues),
            Cell(r.ci_checkouts),
            Cell(r.organic_clones),
            Cell(r.organic_clones_uniques),
            Cell(r.downloads),
            Cell(r.ci_runs),
            r.stats_at.as_deref().unwrap_or_default(),
            flag(r.partial),
            flag(r.ci_estimated),
            Cell(r.stars_reconstructed),
            Cell(r.forks_reconstructed),
            flag(r.gap),
        )?;
    }
    Ok(())
}

/// One history's rows as one JSON object per line, for DuckDB's `read_json_auto`,
/// pandas' `read_json(lines=True)` and friends.
pub(crate) fn write_ndjson(h: &History, out: &mut dyn Write) -> io::Result<()> {
    for r in rows(h) {
        serde_json::to_writer(&mut *out, &r)?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

/// Every history as CSV with its header, in memory: for tests and small sets.
#[cfg(test)]
pub(crate) fn csv(histories: &[History]) -> String {
    let mut out = CSV_HEADER.as_bytes().to_vec();
    for h in histories {
        let _ = write_csv(h, &mut out);
    }
    String::from_utf8(out).unwrap_or_default()
}

/// The JSON export's frame: the histories go between these two halves, one at a time,
/// giving what serde_json renders for `{"schema": N, "repos": [...]}` (keys sorted; a
/// test holds the two equal).
pub(crate) fn json_frame() -> (&'static str, String) {
    ("{\"repos\":[", format!("],\"schema\":{}}}\n", history::SCHEMA))
}

/// One history of the JSON export (see [`export_json`]), after `first` or a comma.
pub(crate) fn write_json(h: &History, first: bool, out: &mut dyn Write) -> io::Result<()> {
    if !first {
        out.write_all(b",")?;
    }
    serde_json::to_writer(out, &export_json(h)).map_err(io::Error::from)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_json_frame_is_what_serde_json_renders() {
        let (head, tail) = json_frame();
        let one = serde_json::json!({ "repo": "octo/a" });
        for repos in [vec![], vec![one.clone()], vec![one.clone(), one.clone()]] {
            let whole = serde_json::json!({ "schema": history::SCHEMA, "repos": repos }).to_string() + "\n";
            let parts: Vec<String> = repos.iter().map(ToString::to_string).collect();
            assert_eq!(format!("{head}{}{tail}", parts.join(",")), whole);
        }
    }

    #[test]
    fn rows_carry_the_reconstruction_and_mark_gap_days() {
        let day = |s: &str| s.parse::<Date>().expect("date");
        let mut h = History::new("octo/a");
        h.days.insert(day("2026-03-02"), history::Traffic { views: 4, ..Default::default() });
        h.reconstructed.stars.insert(day("2026-03-01"), 5);
        h.reconstructed.stars.insert(day("2026-03-02"), 6);
        h.reconstructed.forks.insert(day("2026-03-02"), 1);
        let got: Vec<_> = rows(&h)
            .iter()
            .map(|r| (r.date.to_string(), r.views, r.stars, r.stars_reconstructed, r.forks_reconstructed, r.gap))
            .collect();
        assert_eq!(
            got,
            [
                ("2026-03-01".into(), None, None, Some(5), None, Some(1)),
                ("2026-03-02".into(), Some(4), None, Some(6), Some(1), None),
            ]
        );
        let mut nd = Vec::new();
        write_ndjson(&h, &mut nd).expect("ndjson");
        let first = String::from_utf8(nd).expect("utf-8");
        let first = first.lines().next().expect("a line");
        assert!(first.ends_with(r#""stars_reconstructed":5,"forks_reconstructed":null,"gap":1}"#), "{first}");
        assert!(first.contains(r#""views":null"#), "{first}");
    }
}
