//! The Markdown job summary (<https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands#adding-a-job-summary>):
//! an aggregate table when there are several repositories, skipped repositories and
//! failures, then a section per repository. A stranger's text is escaped with
//! [`crate::escape::markdown`], so it can neither link nor inject markup.

use jiff::civil::Date;

use super::RepoReport;
use super::figures::{Figures, days_back, sum};
use crate::badge::group_digits;
use crate::escape;
use crate::history::{History, Traffic};

fn opt(v: Option<u64>) -> String {
    v.map_or("–".to_string(), group_digits)
}

/// A Unicode sparkline of `values` scaled to their maximum; `None` (a gap) is a space.
pub(crate) fn sparkline(values: &[Option<u64>]) -> String {
    const BARS: [char; 8] = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];
    let max = values.iter().flatten().copied().max().unwrap_or(0);
    values
        .iter()
        .map(|v| match v {
            None => ' ',
            Some(_) if max == 0 => '▁',
            Some(n) => {
                let i = ((*n as f64 / max as f64) * 7.0).round() as usize;
                BARS.get(i.min(7)).copied().unwrap_or('█')
            }
        })
        .collect()
}

/// Percent change of the last 7 days against the 7 before, if both have a complete day:
/// a day only seen in progress (`History::partial`) would compare a lower bound, so it
/// is left out of both weeks.
fn week_change(h: &History, today: Date, pick: impl Fn(&Traffic) -> u64) -> String {
    let sum = |from: i32, to: i32| -> Option<u64> {
        let days: Vec<u64> = h
            .days
            .range(days_back(today, from)..=days_back(today, to))
            .filter(|(d, _)| !h.partial.contains(*d))
            .map(|(_, t)| pick(t))
            .collect();
        (!days.is_empty()).then(|| days.iter().sum())
    };
    match (sum(7, 1), sum(14, 8)) {
        (Some(now), Some(before)) if before > 0 => {
            let pct = (now as f64 - before as f64) / before as f64 * 100.0;
            format!("{pct:+.0}% vs the 7 days before")
        }
        (Some(now), Some(_)) => format!("{} vs 0 the 7 days before", group_digits(now)),
        _ => "–".to_string(),
    }
}

fn last14(h: &History, today: Date, pick: impl Fn(&Traffic) -> u64) -> Vec<Option<u64>> {
    (1..=14).rev().map(|n| h.days.get(&days_back(today, n)).map(&pick)).collect()
}

/// A summary over this limit is refused by the runner (1 MiB); stay well under it.
const SUMMARY_LIMIT: usize = 900_000;

/// The Markdown job summary: an aggregate table when there are several repositories,
/// failures, then a section per repository.
pub(crate) fn summary(
    reports: &[RepoReport<'_>],
    skipped: &[(String, String)],
    today: Date,
    dry_run: bool,
    storage: &str,
) -> String {
    let full = summary_with(reports, skipped, today, dry_run, storage, true);
    if full.len() <= SUMMARY_LIMIT {
        return full;
    }
    let mut short = summary_with(reports, skipped, today, dry_run, storage, false);
    if short.len() > SUMMARY_LIMIT {
        let mut cut = SUMMARY_LIMIT;
        while !short.is_char_boundary(cut) {
            cut -= 1;
        }
        short.truncate(cut);
        short.push_str("\n\n…(cut to stay under GitHub's summary limit)\n");
    }
    short
}

fn summary_with(
    reports: &[RepoReport<'_>],
    skipped: &[(String, String)],
    today: Date,
    dry_run: bool,
    storage: &str,
    details: bool,
) -> String {
    let mut md = String::from("## gtt: GitHub traffic\n\n");
    if dry_run {
        md.push_str("**Dry run:** nothing was written.\n\n");
    }
    if !skipped.is_empty() {
        let n = super::count(skipped.len() as u64, "repository", "repositories");
        md.push_str(&format!("<details><summary>{n} skipped</summary>\n\n"));
        for (repo, why) in skipped {
            md.push_str(&format!("- {}: {}\n", escape::markdown(repo), escape::markdown(why)));
        }
        md.push_str("\n</details>\n\n");
    }
    let failed: Vec<&RepoReport<'_>> = reports.iter().filter(|r| r.error.is_some()).collect();
    if !failed.is_empty() {
        md.push_str("### Errors\n\n");
        for r in &failed {
            md.push_str(&format!(
                "- **{}**: {}\n",
                escape::markdown(r.repo),
                escape::markdown(r.error.as_deref().unwrap_or(""))
            ));
        }
        md.push('\n');
    }
    if reports.len() > 1 {
        aggregate_table(&mut md, reports, today);
    }
    if !details {
        md.push_str(&format!(
            "Per-repository details left out to stay under GitHub's summary limit. Stored in {}.\n",
            escape::markdown(storage)
        ));
        return md;
    }
    for r in reports {
        repo_section(&mut md, r, today);
    }
    md.push_str(&format!("Stored in {}.\n", escape::markdown(storage)));
    md
}

/// One row per repository and a row of sums, first, when a run covers several. A
/// repository with nothing stored (its first collection failed) is a row of dashes, never
/// of zeros, and the sums say they leave it out; one whose collection failed this run is
/// marked so (its stored figures are still true).
fn aggregate_table(md: &mut String, reports: &[RepoReport<'_>], today: Date) {
    md.push_str("| repository | views | clones | organic clones | views 14d | clones 14d | stars | downloads |\n");
    md.push_str("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    let mut figs = Vec::new();
    for r in reports {
        let name = escape::markdown(r.repo);
        let name = if r.error.is_some() { format!("{name} (failed)") } else { name };
        if r.history.is_none() && r.digest.is_none() {
            md.push_str(&format!("| {name} | – | – | – | – | – | – | – |\n"));
            continue;
        }
        let f = r.digest(today).figures;
        md.push_str(&format!(
            "| {name} | {} | {} | {} | {} | {} | {} | {} |\n",
            group_digits(f.total.views),
            group_digits(f.total.clones),
            group_digits(f.organic_clones),
            group_digits(f.last14.views),
            group_digits(f.last14.clones),
            opt(f.stars),
            group_digits(f.downloads)
        ));
        figs.push(f);
    }
    let t = sum(&figs);
    let missing = match reports.len() - figs.len() {
        0 => String::new(),
        n => format!(" ({n} without figures)"),
    };
    md.push_str(&format!(
        "| **all {}**{missing} | **{}** | **{}** | **{}** | **{}** | **{}** | **{}** | **{}** |\n\n",
        reports.len(),
        group_digits(t.total.views),
        group_digits(t.total.clones),
        group_digits(t.organic_clones),
        group_digits(t.last14.views),
        group_digits(t.last14.clones),
        opt(t.stars),
        group_digits(t.downloads)
    ));
}

/// A repository's section: warnings, its figures, CI share, referrers and coverage.
fn repo_section(md: &mut String, r: &RepoReport<'_>, today: Date) {
    md.push_str(&format!("### {}\n\n", escape::markdown(r.repo)));
    let Some(h) = r.history else {
        md.push_str(if r.error.is_some() {
            "Collection failed (see Errors) and nothing is stored yet.\n\n"
        } else {
            "No history yet.\n\n"
        });
        return;
    };
    if let Some(g) = r.new_gap {
        md.push_str(&format!("> [!WARNING]\n> No data for {g}: those days were outside every window gtt saw.\n\n"));
    }
    for w in &r.warnings {
        md.push_str(&format!("> [!WARNING]\n> {}\n\n", escape::markdown(w)));
    }
    let d = r.digest(today);
    let f = &d.figures;
    figures_table(md, h, f, today);
    ci_share(md, f);
    ci_source(md, r);
    top_referrers(md, h);
    let first = d.first_day.map_or("–".to_string(), |d| d.to_string());
    md.push_str(&format!(
        "{} days covered since {first}; this run added {} and raised {}; {} gap(s).\n\n",
        f.covered_days, r.new_days, r.raised_days, d.gaps
    ));
}

/// A repository's figures: all time, the last 14 days, a sparkline and the week's trend.
fn figures_table(md: &mut String, h: &History, f: &Figures, today: Date) {
    md.push_str("| | all time | last 14 days | last 14 days, daily | trend |\n|---|---:|---:|---|---|\n");
    md.push_str(&format!(
        "| Views | {} | {} | `{}` | {} |\n",
        group_digits(f.total.views),
        group_digits(f.last14.views),
        sparkline(&last14(h, today, |t| t.views)),
        week_change(h, today, |t| t.views)
    ));
    md.push_str(&format!(
        "| Unique visitors (daily, summed) | {} | {} | | |\n",
        group_digits(f.total.views_uniques),
        group_digits(f.last14.views_uniques)
    ));
    md.push_str(&format!(
        "| Clones | {} | {} | `{}` | {} |\n",
        group_digits(f.total.clones),
        group_digits(f.last14.clones),
        sparkline(&last14(h, today, |t| t.clones)),
        week_change(h, today, |t| t.clones)
    ));
    md.push_str(&format!(
        "| Organic clones (CI removed) | {} | {} | | |\n",
        group_digits(f.organic_clones),
        group_digits(f.organic_clones_14d)
    ));
    md.push_str(&format!(
        "| Release downloads | {} | | | |\n| Installs (downloads + organic clones) | {} | | | |\n",
        group_digits(f.downloads),
        group_digits(f.installs())
    ));
    md.push_str(&format!(
        "| Stars / forks / watchers / open issues | {} / {} / {} / {} | | | |\n\n",
        opt(f.stars),
        opt(f.forks),
        opt(f.watchers),
        opt(f.open_issues)
    ));
}

/// How much of the last 14 days' clones were CI checkouts, when CI was counted.
fn ci_share(md: &mut String, f: &Figures) {
    match f.ci_checkouts_14d {
        Some(ci) if f.last14.clones > 0 => md.push_str(&format!(
            "CI share of clones, last 14 days: {:.0}% ({} of {}).\n\n",
            (ci as f64 / f.last14.clones as f64 * 100.0).min(100.0),
            group_digits(ci),
            group_digits(f.last14.clones)
        )),
        Some(_) => md.push_str("CI share of clones, last 14 days: no clones.\n\n"),
        None => {}
    }
}

/// How this run counted CI checkouts: from workflow definitions or estimated from step
/// names, and the workflow files it read (nothing when there was no checkout to count).
fn ci_source(md: &mut String, r: &RepoReport<'_>) {
    let Some(ci) = r.ci.as_ref().filter(|c| c.identified + c.estimated > 0 || !c.files.is_empty()) else { return };
    md.push_str(&format!(
        "CI checkouts in the window: {} identified from workflow definitions, {} estimated from step names.",
        group_digits(ci.identified),
        group_digits(ci.estimated)
    ));
    if !ci.files.is_empty() {
        let files: Vec<String> = ci.files.iter().map(|f| escape::markdown(f)).collect();
        md.push_str(&format!(" Workflow files read this run: {}.", files.join(", ")));
    }
    md.push_str(
        "

",
    );
}

/// The top five referrers of the latest popular snapshot, if it has any.
fn top_referrers(md: &mut String, h: &History) {
    if let Some(p) = h.latest_popular().filter(|p| !p.referrers.is_empty()) {
        md.push_str("| top referrers (14 days) | views | unique |\n|---|---:|---:|\n");
        for r in p.referrers.iter().take(5) {
            md.push_str(&format!(
                "| {} | {} | {} |\n",
                escape::markdown(&r.referrer),
                group_digits(r.count),
                group_digits(r.uniques)
            ));
        }
        md.push('\n');
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::{self, Gap};
    use crate::report::fixture;

    #[test]
    fn summary_links_nothing_a_stranger_wrote() {
        let today: Date = "2026-11-21".parse().expect("d");
        let mut a = History::new("o/a");
        a.days.insert(days_back(today, 1), Traffic::from([1, 1, 1, 1]));
        a.popular.insert(
            days_back(today, 1),
            history::Popular {
                at: "2026-11-20T10:00:00Z".parse().expect("ts"),
                referrers: [
                    "www.evil.example",
                    "https://evil.example/x",
                    "a@evil.example",
                    "/foo](javascript:alert(1))",
                ]
                .into_iter()
                .map(|r| history::Referrer { referrer: r.into(), count: 5, uniques: 2 })
                .collect(),
                paths: vec![],
            },
        );
        let reports = [RepoReport {
            repo: "o/www.evil.example",
            history: Some(&a),
            digest: None,
            new_days: 0,
            raised_days: 0,
            new_gap: None,
            error: Some("see https://evil.example or mail a@evil.example".into()),
            warnings: vec!["visit www.evil.example".into()],
            ci: None,
        }];
        let skipped = [("o/b".to_string(), "moved to http://evil.example".to_string())];
        let md = summary(&reports, &skipped, today, false, "folder x");
        let lower = md.to_ascii_lowercase();
        assert!(!lower.contains("www.") && !lower.contains("://"), "{md}");
        assert!(!md.replace("\u{2060}@\u{2060}", "").contains('@'), "{md}");
        assert!(!md.contains("](javascript"), "{md}");
        // The text still reads the same once the invisible joiners are gone.
        let read = md.replace('\u{2060}', "");
        assert!(read.contains("| www.evil.example |") && read.contains("https://evil.example/x"), "{md}");
    }

    #[test]
    fn week_change_leaves_out_days_only_seen_in_progress() {
        let today: Date = "2026-11-21".parse().expect("d");
        let mut h = History::new("o/a");
        for n in 2..=14 {
            h.days.insert(days_back(today, n), Traffic::from([10, 1, 0, 0]));
        }
        h.days.insert(days_back(today, 1), Traffic::from([1, 1, 0, 0]));
        assert_eq!(week_change(&h, today, |t| t.views), "-13% vs the 7 days before");
        h.partial.insert(days_back(today, 1));
        assert_eq!(week_change(&h, today, |t| t.views), "-14% vs the 7 days before", "60 over 6 complete days");
        h.partial.extend((1..=7).map(|n| days_back(today, n)));
        assert_eq!(week_change(&h, today, |t| t.views), "–", "no complete day this week");
    }

    #[test]
    fn summary_escapes_errors_and_shows_gaps() {
        let mut h = History::new("o/a");
        h.days.insert("2026-11-01".parse().expect("d"), Traffic::default());
        let gap = Gap { first: "2026-10-01".parse().expect("d"), last: "2026-10-20".parse().expect("d") };
        let reports = [
            RepoReport {
                repo: "o/a",
                history: Some(&h),
                digest: None,
                new_days: 1,
                raised_days: 0,
                new_gap: Some(gap),
                error: None,
                warnings: vec![],
                ci: None,
            },
            RepoReport {
                repo: "o/b",
                history: None,
                digest: None,
                new_days: 0,
                raised_days: 0,
                new_gap: None,
                error: Some("<script>x</script>".into()),
                warnings: vec![],
                ci: None,
            },
        ];
        let md = summary(&reports, &[], "2026-11-02".parse().expect("d"), false, "gist 1");
        assert!(md.contains("&lt;script&gt;"));
        assert!(!md.contains("<script>"));
        assert!(md.contains("2026-10-01..2026-10-20 (20 days)"));
        // A failed repository with nothing stored is not a row of zeros.
        assert!(md.contains("| o/b (failed) | – | – | – | – | – | – | – |"), "{md}");
        assert!(md.contains("| **all 2** (1 without figures) |"), "{md}");
        assert!(md.contains("Collection failed (see Errors) and nothing is stored yet."), "{md}");
    }

    #[test]
    fn summary_has_aggregate_sparklines_escaped_referrers_and_ci_share() {
        let today: Date = "2026-11-21".parse().expect("d");
        let mut a = History::new("o/a");
        for n in 1..=20 {
            let d = days_back(today, n);
            a.days.insert(d, Traffic::from([n as u64 * 10, 3, 10, 2]));
            a.ci.insert(d, history::CiDay { checkouts: 4, runs: 1 });
        }
        a.popular.insert(
            days_back(today, 1),
            history::Popular {
                at: "2026-11-20T10:00:00Z".parse().expect("ts"),
                referrers: vec![history::Referrer {
                    referrer: "<img src=x onerror=alert(1)>".into(),
                    count: 5,
                    uniques: 2,
                }],
                paths: vec![],
            },
        );
        let b = History::new("o/b");
        let reports = [
            RepoReport {
                repo: "o/a",
                history: Some(&a),
                digest: None,
                new_days: 0,
                raised_days: 0,
                new_gap: None,
                error: None,
                warnings: vec![],
                ci: None,
            },
            RepoReport {
                repo: "o/b",
                history: Some(&b),
                digest: None,
                new_days: 0,
                raised_days: 0,
                new_gap: None,
                error: None,
                warnings: vec![],
                ci: None,
            },
        ];
        let md = summary(&reports, &[], today, false, "folder x");
        assert!(md.contains("| **all 2** |"), "aggregate table first: {md}");
        assert!(md.find("| **all 2** |") < md.find("### o/a"));
        assert!(md.contains("`██▇▇▆▆▅▅▄▄▃▃▂▂`"), "views fall day by day: {md}");
        assert!(md.contains("&lt;img src=x onerror=alert(1)&gt;") && !md.contains("<img"));
        assert!(md.contains("CI share of clones, last 14 days: 40% (56 of 140)"), "{md}");
        assert!(md.contains("| -64% vs the 7 days before |"), "{md}");
    }

    #[test]
    fn a_summary_of_thousands_of_repositories_stays_under_the_limit() {
        let today: Date = "2026-11-21".parse().expect("d");
        let mut h = History::new("o/r");
        for n in 1..=14 {
            h.days.insert(days_back(today, n), Traffic::from([1, 1, 1, 1]));
        }
        let names: Vec<String> = (0..4000).map(|i| format!("owner/repository-with-a-long-name-{i}")).collect();
        let reports: Vec<RepoReport<'_>> = names
            .iter()
            .map(|n| RepoReport {
                repo: n,
                history: Some(&h),
                digest: None,
                new_days: 1,
                raised_days: 0,
                new_gap: None,
                error: None,
                warnings: vec![],
                ci: None,
            })
            .collect();
        let md = summary(&reports, &[], today, false, "gist 1");
        assert!(md.len() <= SUMMARY_LIMIT, "{} bytes", md.len());
        assert!(md.contains("| **all 4000** |"));
    }

    #[test]
    fn sparkline_draws_gaps_as_blanks() {
        assert_eq!(sparkline(&[Some(0), Some(7), None, Some(14)]), "▁▅ █");
        assert_eq!(sparkline(&[Some(0), Some(0)]), "▁▁");
        assert_eq!(sparkline(&[]), "");
    }

    /// The whole summary for a small fixed run: several repositories (so the aggregate
    /// table), a skipped one, a failure, a new gap and a warning; then the same run as a
    /// dry run with details left out.
    #[test]
    fn summary_snapshot() {
        let (hello, quiet) = fixture::histories();
        let reports = fixture::reports(&hello, &quiet);
        let md = summary(&reports, &fixture::skipped(), fixture::today(), false, "gist abc123");
        insta::assert_snapshot!("summary", md);
        let short = summary_with(&reports, &fixture::skipped(), fixture::today(), true, "folder gtt-data", false);
        insta::assert_snapshot!("summary_without_details", short);
    }
}
