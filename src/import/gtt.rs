//! gtt's own exports, read back: `gtt export --format csv` ([`crate::export::write_csv`]),
//! its rows as NDJSON (`--format ndjson`, [`crate::export::write_ndjson`], read as the CSV) and
//! `--format json` ([`crate::export::export_json`]), and a stored history file. This is how a
//! history moves between stores (a gist to a branch, one account to another) and how a
//! hand-edited export is brought back.
//!
//! The JSON export and the stored file carry everything; only the export's derived
//! fields (`downloads_daily`, `downloads_by_release`) are dropped, since they are computed
//! again from the assets. A file written by a newer gtt (higher `schema`) is refused
//! rather than read with fields missing.
//!
//! The CSV carries the figures but not everything: derived columns (organic clones,
//! downloads) are not read back; a CI day's run count, which older exports do not carry,
//! is the smallest one that gives back the exported organic uniques. The optional columns
//! `ci_runs` and `stats_at` (RFC 3339), if an export carries them, are read and make the
//! round trip exact. An empty traffic figure is one gtt never observed for that day. The
//! optional column `partial` (1: the day was only ever seen in progress) is read back into
//! `History::partial`; a CSV without it states every day complete. Likewise `ci_estimated`
//! (1: the day's CI checkouts were estimated from step names) into `History::ci_estimated`.
//! `stars_reconstructed` and `forks_reconstructed` go back into `History::reconstructed`;
//! a row with `gap` 1 is there for them only and adds no covered day (a traffic figure
//! on it is refused).
//!
//! A JSON export or stored file of an older schema is migrated as a stored file is
//! ([`History::upgraded`]).

use serde_json::Value;

use super::error::{Ctx, Error, Problem, show};
use super::fragment::{Repos, add_ci, add_stats, add_traffic};
use super::json::{Object, as_array, as_object, join};
use super::repo::{Hint, valid_repo};
use super::table::{Table, cell, count_cell, day_cell, day_start, instant_cell, read_table};
use crate::history::{self, CiDay, History, RepoStats, Traffic};

const TRAFFIC: [&str; 4] = ["views", "views_uniques", "clones", "clones_uniques"];
const STATS: [&str; 4] = ["stars", "forks", "watchers", "open_issues"];

/// Where the CSV's columns are; the optional ones may be absent.
struct Columns {
    repo: usize,
    date: usize,
    traffic: [usize; 4],
    stats: [Option<usize>; 4],
    checkouts: Option<usize>,
    runs: Option<usize>,
    organic: Option<usize>,
    stats_at: Option<usize>,
    partial: Option<usize>,
    ci_estimated: Option<usize>,
    /// `stars_reconstructed`, `forks_reconstructed`.
    reconstructed: [Option<usize>; 2],
    gap: Option<usize>,
}

impl Columns {
    fn find(ctx: &Ctx<'_>, t: &Table) -> Result<Columns, Error> {
        let (repo, date) = (t.req(ctx, "repo")?, t.req(ctx, "date")?);
        let mut traffic = [0usize; 4];
        for (slot, name) in traffic.iter_mut().zip(TRAFFIC) {
            *slot = t.req(ctx, name)?;
        }
        Ok(Columns {
            repo,
            date,
            traffic,
            stats: STATS.map(|n| t.col(n)),
            checkouts: t.col("ci_checkouts"),
            runs: t.col("ci_runs"),
            organic: t.col("organic_clones_uniques"),
            stats_at: t.col("stats_at"),
            partial: t.col("partial"),
            ci_estimated: t.col("ci_estimated"),
            reconstructed: [t.col("stars_reconstructed"), t.col("forks_reconstructed")],
            gap: t.col("gap"),
        })
    }
}

/// One CSV row and where it is, for reading its cells.
struct Row<'a> {
    ctx: &'a Ctx<'a>,
    n: usize,
    cells: &'a [String],
}

impl Row<'_> {
    fn opt(&self, col: Option<usize>, name: &str) -> Result<Option<u64>, Error> {
        match col {
            Some(c) => count_cell(self.ctx, self.n, name, cell(self.cells, c)),
            None => Ok(None),
        }
    }
}

pub(crate) fn read_csv(ctx: &Ctx<'_>, content: &str) -> Result<Vec<History>, Error> {
    read_rows(ctx, &read_table(ctx, content)?)
}

/// `gtt export --format ndjson`: each object is a CSV row, its keys the columns (in any
/// order), null or absent an empty cell.
pub(crate) fn read_ndjson(ctx: &Ctx<'_>, lines: &[(usize, Object)]) -> Result<Vec<History>, Error> {
    let mut header: Vec<String> = Vec::new();
    for (_, o) in lines {
        header.extend(o.keys().filter(|k| !header.contains(k)).cloned().collect::<Vec<_>>());
    }
    let text = |v: Option<&Value>| match v {
        None | Some(Value::Null) => String::new(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    };
    let rows = lines.iter().map(|(n, o)| (*n, header.iter().map(|k| text(o.get(k))).collect())).collect();
    read_rows(ctx, &Table { header, rows })
}

fn read_rows(ctx: &Ctx<'_>, t: &Table) -> Result<Vec<History>, Error> {
    let cols = Columns::find(ctx, t)?;
    let mut repos = Repos::default();
    for (n, cells) in &t.rows {
        let row = Row { ctx, n: *n, cells };
        let repo = cell(cells, cols.repo).trim();
        if !valid_repo(repo) {
            return Err(ctx.cell(*n, "repo", Problem::NotARepository(show(repo))));
        }
        let day = day_cell(ctx, *n, "date", cell(cells, cols.date))?;
        let gap = row.opt(cols.gap, "gap")?.is_some_and(|g| g > 0);
        let (traffic, unknown_bits) = row_traffic(&row, &cols, gap)?;
        let stats = row_stats(&row, &cols, day)?;
        let ci = row_ci(&row, &cols, traffic.clones_uniques)?;
        let partial = row.opt(cols.partial, "partial")?.is_some_and(|p| p > 0);
        let estimated = row.opt(cols.ci_estimated, "ci_estimated")?.is_some_and(|p| p > 0);
        let [stars, forks] = [
            row.opt(cols.reconstructed[0], "stars_reconstructed")?,
            row.opt(cols.reconstructed[1], "forks_reconstructed")?,
        ];
        let h = repos.get(repo);
        if !gap {
            mark_partial(h, day, partial);
            add_traffic(h, day, traffic);
            if unknown_bits != 0 {
                h.unknown.insert(day, unknown_bits);
            }
        }
        if let Some(s) = stats {
            add_stats(h, day, s);
        }
        if let Some(c) = ci {
            add_ci(h, day, c);
            if estimated {
                h.ci_estimated.insert(day);
            } else {
                h.ci_estimated.remove(&day);
            }
        }
        add_reconstructed(h, day, stars, forks);
    }
    Ok(repos.into_vec())
}

/// A day is partial only if no row of it states it complete (as a merge would have it);
/// called before the row's figures are added.
fn mark_partial(h: &mut History, day: jiff::civil::Date, partial: bool) {
    if !partial {
        h.partial.remove(&day);
    } else if !h.complete(day) {
        h.partial.insert(day);
    }
}

/// A row's reconstructed stars and forks, joined as a merge would (per-day maximum).
fn add_reconstructed(h: &mut History, day: jiff::civil::Date, stars: Option<u64>, forks: Option<u64>) {
    let r = &mut h.reconstructed;
    for (series, v) in [(&mut r.stars, stars), (&mut r.forks, forks)] {
        if let Some(v) = v {
            series.entry(day).and_modify(|x| *x = (*x).max(v)).or_insert(v);
        }
    }
}

/// The four traffic figures, and which of them were empty (never observed; see
/// `History::unknown`). A `gap` row (there for the reconstruction only) has none: a
/// figure in it is refused rather than read as a day gtt never covered.
fn row_traffic(row: &Row<'_>, cols: &Columns, gap: bool) -> Result<(Traffic, u8), Error> {
    let mut v = [0u64; 4];
    let mut unknown_bits = 0u8;
    for (i, ((slot, col), name)) in v.iter_mut().zip(cols.traffic).zip(TRAFFIC).enumerate() {
        match row.opt(Some(col), name)? {
            Some(_) if gap => return Err(row.ctx.cell(row.n, name, Problem::TrafficOnGap)),
            Some(x) => *slot = x,
            None => unknown_bits |= 1 << i,
        }
    }
    let [views, views_uniques, clones, clones_uniques] = v;
    Ok((Traffic { views, views_uniques, clones, clones_uniques }, unknown_bits))
}

/// The repository counters, if the row has any: stamped `stats_at`, or 00:00 UTC of the day.
fn row_stats(row: &Row<'_>, cols: &Columns, day: jiff::civil::Date) -> Result<Option<RepoStats>, Error> {
    let mut counts = [None; 4];
    for ((slot, col), name) in counts.iter_mut().zip(cols.stats).zip(STATS) {
        *slot = row.opt(col, name)?;
    }
    if counts.iter().all(Option::is_none) {
        return Ok(None);
    }
    let at = match cols.stats_at.map(|c| cell(row.cells, c).trim()).filter(|s| !s.is_empty()) {
        Some(s) => instant_cell(row.ctx, row.n, "stats_at", s)?,
        None => day_start(day).map_err(|p| row.ctx.cell(row.n, "date", p))?,
    };
    let [stars, forks, watchers, open_issues] = counts.map(|x| x.unwrap_or(0));
    Ok(Some(RepoStats { at, stars, forks, watchers, open_issues }))
}

/// The CI day, if CI was counted: `ci_runs` when the export has it, else the fewest runs
/// that give back the exported organic uniques.
fn row_ci(row: &Row<'_>, cols: &Columns, clones_uniques: u64) -> Result<Option<CiDay>, Error> {
    let Some(checkouts) = row.opt(cols.checkouts, "ci_checkouts")? else {
        return Ok(None);
    };
    let runs = match row.opt(cols.runs, "ci_runs")? {
        Some(runs) => runs,
        None if checkouts == 0 => 0,
        None => {
            let organic = row.opt(cols.organic, "organic_clones_uniques")?;
            organic.map_or(0, |o| clones_uniques.saturating_sub(o)).max(1)
        }
    };
    Ok(Some(CiDay { checkouts, runs }))
}

/// gtt's JSON export (`{"schema", "repos": [history + downloads_daily +
/// downloads_by_release]}`) or a stored history file (`{"schema", "repo", ...}`).
pub(crate) fn read_json(ctx: &Ctx<'_>, root: &Object, hint: &Hint) -> Result<Vec<History>, Error> {
    check_schema(ctx, root, "")?;
    let Some(list) = root.get("repos") else {
        let h = history_of(ctx, root.clone(), "")?;
        if let Hint::Repo(r) = hint
            && !r.eq_ignore_ascii_case(&h.repo)
        {
            return Err(ctx.field("repo", Problem::OtherRepository { found: h.repo, wanted: r.clone() }));
        }
        return Ok(vec![h]);
    };
    let mut repos = Repos::default();
    for (i, v) in as_array(ctx, list, "repos")?.iter().enumerate() {
        let path = format!("repos[{i}]");
        let mut o = as_object(ctx, v, &path)?.clone();
        o.remove("downloads_daily");
        o.remove("downloads_by_release");
        let h = history_of(ctx, o, &path)?;
        let slot = repos.get(&h.repo);
        *slot = slot.merge(&h);
    }
    Ok(repos.into_vec())
}

fn check_schema(ctx: &Ctx<'_>, o: &Object, path: &str) -> Result<(), Error> {
    let field = join(path, "schema");
    match o.get("schema").and_then(Value::as_u64) {
        Some(s) if s <= u64::from(history::SPLIT_SCHEMA) => Ok(()),
        Some(s) => Err(ctx.field(&field, Problem::NewerGtt { found: s, reads: history::SPLIT_SCHEMA })),
        None => Err(ctx.field(&field, Problem::NoSchema)),
    }
}

fn history_of(ctx: &Ctx<'_>, o: Object, path: &str) -> Result<History, Error> {
    check_schema(ctx, &o, path)?;
    let mut h: History =
        serde_json::from_value(Value::Object(o)).map_err(|e| ctx.field(path, Problem::NotAHistory(e)))?;
    // A split history's live file brings its own days; its settled file (a file of its
    // own, read beside it) brings the others. The digest of a settled file read or not
    // is not carried into another store, which keeps its own.
    h.settled = None;
    if !valid_repo(&h.repo) {
        return Err(ctx.field(&join(path, "repo"), Problem::NotARepository(show(&h.repo))));
    }
    Ok(h.upgraded().normalized())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::Value;

    use crate::history::{self, Asset, CiDay, History, organic};
    use crate::import::testkit::{GTT_CSV, GTT_JSON, collected, d, one, t, ts};
    use crate::import::{Problem, import};

    #[test]
    fn gtt_csv_fixture() {
        let got = import("export.csv", GTT_CSV, None).expect("imports");
        let [hello, world] = got.histories.as_slice() else { panic!("two repositories") };
        assert_eq!(hello.days.len(), 6);
        assert!(!hello.days.contains_key(&d("2026-03-06")));
        assert_eq!(hello.days[&d("2026-03-04")], t([107, 30, 20, 8]));
        let s = hello.stats[&d("2026-03-05")];
        assert_eq!((s.at, s.stars, s.forks, s.watchers, s.open_issues), (ts("2026-03-05T00:00:00Z"), 42, 5, 9, 3));
        assert_eq!(hello.stats.len(), 4);
        assert_eq!(hello.ci[&d("2026-03-02")], CiDay { checkouts: 2, runs: 1 });
        assert_eq!(hello.ci[&d("2026-03-04")], CiDay { checkouts: 6, runs: 2 });
        assert_eq!(hello.ci[&d("2026-03-05")], CiDay { checkouts: 7, runs: 2 });
        assert_eq!(hello.ci[&d("2026-03-03")], CiDay { checkouts: 0, runs: 0 });
        assert!(!hello.ci.contains_key(&d("2026-03-01")), "empty: CI not counted that day");
        assert_eq!(world.ci.len(), 0);
        // Exporting again gives the same rows (the downloads column is derived from assets,
        // which a CSV does not carry).
        let again = crate::export::csv(&got.histories);
        // The first 13 columns; downloads are derived from assets, which a CSV does not
        // carry, and the fixture predates the last two columns.
        let strip =
            |s: &str| s.lines().map(|l| l.split(',').take(13).collect::<Vec<_>>().join(",")).collect::<Vec<_>>();
        assert_eq!(strip(&again), strip(GTT_CSV));
    }

    #[test]
    fn gtt_json_fixture() {
        let got = import("export.json", GTT_JSON, None).expect("imports");
        let [hello, world] = got.histories.as_slice() else { panic!("two repositories") };
        assert_eq!(hello.assets[&987_654].total(), 47);
        assert_eq!(hello.downloads(), 59);
        assert_eq!(world.days.len(), 2);
        // The hand-written fixture (schema 1) is exactly what gtt exports for what it
        // imports as, once migrated: schema 2, and the last collected day, which no run
        // saw after it ended, partial.
        let mut fixture: Value = serde_json::from_str(GTT_JSON).expect("json");
        for repo in fixture["repos"].as_array_mut().expect("repos") {
            repo["schema"] = history::SCHEMA.into();
            repo["partial"] = serde_json::json!(["2026-03-07"]);
        }
        let exported: Vec<Value> = got.histories.iter().map(crate::export::export_json).collect();
        assert_eq!(Some(&Value::Array(exported)), fixture.get("repos"));
        // A single stored history file is read too, and must be the hinted repository's.
        let stored = hello.to_json();
        assert_eq!(&one("octo.hello.json", &stored, Some("octo/hello")), hello);
        let e = import("octo.hello.json", &stored, Some("octo/world")).expect_err("wrong repository");
        assert_eq!(e.field.as_deref(), Some("repo"));
        let newer = stored.replacen("\"schema\":2", "\"schema\":4", 1);
        let e = import("octo.hello.json", &newer, None).expect_err("newer schema");
        assert!(matches!(e.problem, Problem::NewerGtt { found: 4, .. }), "{e}");
        assert!(e.to_string().contains("newer gtt"), "{e}");
    }

    #[test]
    fn gtt_json_round_trip_is_lossless() {
        let h = collected();
        assert!(!h.stats.is_empty() && !h.ci.is_empty() && !h.assets.is_empty() && !h.popular.is_empty());
        let text =
            serde_json::json!({ "schema": history::SCHEMA, "repos": [crate::export::export_json(&h)] }).to_string();
        let back = one("export.json", &text, None);
        // Everything but the internal CI run cache, which the export leaves out.
        assert_eq!(back, History { ci_cache: BTreeMap::new(), ci_estimated_runs: Default::default(), ..h.clone() });
        assert_eq!(back.assets, h.assets);
        assert_eq!(back.daily_downloads(), h.daily_downloads());
        // The stored form keeps even the cache.
        assert_eq!(one("octo.hello.json", &h.to_json(), None), h);
    }

    #[test]
    fn gtt_csv_round_trip() {
        let h = collected();
        assert!(!h.stats.is_empty() && !h.ci.is_empty());
        let text = crate::export::csv(std::slice::from_ref(&h));
        let back = one("export.csv", &text, None);
        // `ci_runs`, `stats_at` and `partial` make the round trip exact for days,
        // counters, CI and completeness.
        assert_eq!((&back.days, &back.stats, &back.ci), (&h.days, &h.stats, &h.ci));
        assert!(!h.partial.is_empty());
        assert_eq!(back.partial, h.partial);
        assert!(!h.ci_estimated.is_empty());
        assert_eq!(back.ci_estimated, h.ci_estimated);
        for day in h.days.keys() {
            assert_eq!(back.organic(*day), h.organic(*day));
        }
        // Merged into the collected history, the import changes nothing.
        assert_eq!(h.merge(&back).days, h.days);
        assert_eq!(h.merge(&back).stats, h.stats);
        // An older CSV without the two columns still imports, with a lower bound for runs.
        let short: String = text
            .lines()
            .map(|l| {
                let cols: Vec<&str> = l.split(',').collect();
                format!("{}\n", cols.get(..14).map(|c| c.join(",")).unwrap_or_default())
            })
            .collect();
        let back = one("export.csv", &short, None);
        assert_eq!(back.days, h.days);
        assert!(back.partial.is_empty(), "a CSV without `partial` states every day complete");
        for (day, c) in &h.ci {
            assert_eq!(back.ci[day].checkouts, c.checkouts);
            assert!(back.ci[day].runs <= c.runs, "a lower bound");
        }
    }

    #[test]
    fn gtt_csv_round_trips_the_reconstruction() {
        let mut h = collected();
        // Before traffic began (gap rows), on a covered day, and on a collected day,
        // where the collected counters win for readers but the reconstruction is kept.
        let first = *h.days.keys().next().expect("a day");
        let collected_day = *h.stats.keys().next().expect("counters");
        for (day, stars, forks) in
            [(d("2025-11-02"), 0, 0), (d("2025-11-03"), 2, 1), (first, 7, 1), (collected_day, 8, 2)]
        {
            h.reconstructed.stars.insert(day, stars);
            h.reconstructed.forks.insert(day, forks);
        }
        h.reconstructed.stars.insert(d("2025-11-04"), 3);
        let text = crate::export::csv(std::slice::from_ref(&h));
        assert!(text.contains("\nocto/hello,2025-11-04,,,,,,,,,,,,,,,,,3,,1\n"), "{text}");
        let back = one("export.csv", &text, None);
        assert_eq!(back.reconstructed, h.reconstructed);
        assert_eq!((&back.days, &back.stats, &back.unknown), (&h.days, &h.stats, &h.unknown), "gap rows add no day");
        // Exported again, the same rows but for downloads (derived from assets, which a CSV
        // does not carry).
        let no_downloads = |s: &str| -> Vec<String> {
            s.lines()
                .map(|l| {
                    l.split(',').enumerate().map(|(i, c)| if i == 13 { "" } else { c }).collect::<Vec<_>>().join(",")
                })
                .collect()
        };
        assert_eq!(no_downloads(&crate::export::csv(std::slice::from_ref(&back))), no_downloads(&text));
        // The NDJSON export reads back as the CSV does, one object per line or just one.
        let mut nd = Vec::new();
        crate::export::write_ndjson(&h, &mut nd).expect("ndjson");
        let nd = String::from_utf8(nd).expect("utf-8");
        assert_eq!(one("export.ndjson", &nd, None), back);
        let first = nd.lines().next().expect("a row");
        assert_eq!(one("row.json", first, None).reconstructed.stars.len(), 1);
        let e = import("export.ndjson", &format!("{first}\n[1]\n"), None).expect_err("not an object");
        assert_eq!(e.line, Some(2), "{e}");
        // A traffic figure on a gap row is refused, not read as a covered day.
        let bad = text.replace("octo/hello,2025-11-04,,", "octo/hello,2025-11-04,5,");
        let e = import("export.csv", &bad, None).expect_err("traffic on a gap");
        assert!(matches!(e.problem, Problem::TrafficOnGap), "{e}");
    }

    #[test]
    fn a_csv_day_is_partial_only_if_no_row_states_it_complete() {
        let head = "repo,date,views,views_uniques,clones,clones_uniques,partial\n";
        let (seen, done) = ("octo/a,2026-03-01,1,1,0,0,1\n", "octo/a,2026-03-01,2,1,0,0,\n");
        let next = "octo/a,2026-03-02,1,1,0,0,1\n";
        for rows in [[seen, done, next], [done, seen, next], [next, seen, done]] {
            let h = one("export.csv", &format!("{head}{}", rows.concat()), None);
            assert_eq!(h.partial.iter().map(ToString::to_string).collect::<Vec<_>>(), ["2026-03-02"], "{rows:?}");
        }
    }

    #[test]
    fn asset_type_is_what_the_json_export_carries() {
        // Guards the fixture's shape against the stored model.
        let a: Asset =
            serde_json::from_str(r#"{"seen":"2026-03-07","release":"v1","name":"a","counts":{"2026-03-07":3}}"#)
                .expect("asset");
        assert_eq!(a.total(), 3);
        assert_eq!(organic(t([0, 0, 4, 2]), Some(CiDay { checkouts: 4, runs: 1 })).clones, 0);
    }
}
