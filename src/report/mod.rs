//! What a run tells people: step outputs, the job summary, workflow commands and the
//! terminal lines. All pure: strings in, strings out. Strings from strangers (repository
//! data, referrers, titles, error texts) are escaped with [`crate::escape`], once, for
//! each audience.

use jiff::civil::Date;

use std::collections::BTreeMap;

use crate::badge;
use crate::config::{BADGE_METRICS, Badges};
use crate::escape;
use crate::history::{self, Gap, History, Traffic};

/// The escapers under the names they had here before they moved to [`crate::escape`],
/// for code written against those names; new code calls `escape::` directly.
pub use crate::escape::{
    command_data as escape_data, command_property as escape_property, markdown as escape_markdown,
    terminal as escape_terminal,
};

/// `::warning title=T::message`: a stranger's title and message escaped (see
/// [`crate::escape`]), so the line stays one command with no terminal escapes.
pub fn warning(title: &str, msg: &str) -> String {
    format!("::warning title={}::{}", escape::command_title(title), escape::command_message(msg))
}

pub fn error(title: &str, msg: &str) -> String {
    format!("::error title={}::{}", escape::command_title(title), escape::command_message(msg))
}

/// `::group::T` for a stranger's title: one terminal line, as command data.
pub fn group(title: &str) -> String {
    format!("::group::{}", escape::command_data(&escape::terminal(title)))
}

/// Per-repository figures derived from stored days; nothing here is kept as a running
/// total.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    pub total: Traffic,
    /// The 14 complete days before `today`.
    pub last14: Traffic,
    pub organic_clones: u64,
    pub organic_clones_uniques: u64,
    pub organic_clones_14d: u64,
    /// CI checkouts in the last 14 complete days, and whether CI was counted there.
    pub ci_checkouts_14d: Option<u64>,
    pub covered_days: usize,
    pub stars: Option<u64>,
    pub forks: Option<u64>,
    pub watchers: Option<u64>,
    pub open_issues: Option<u64>,
    pub downloads: u64,
}

impl Figures {
    /// Release downloads plus organic clones: every way the code left GitHub.
    pub fn installs(&self) -> u64 {
        self.downloads.saturating_add(self.organic_clones)
    }
}

fn days_back(today: Date, n: i32) -> Date {
    today.checked_sub(jiff::Span::new().days(n)).unwrap_or(today)
}

pub fn figures(h: &History, today: Date) -> Figures {
    let stats = h.latest_stats();
    let (from, to) = (days_back(today, 14), days_back(today, 1));
    let mut f = Figures {
        total: h.totals(),
        last14: h.sum_between(from, to).0,
        covered_days: h.days.len(),
        stars: stats.map(|s| s.stars),
        forks: stats.map(|s| s.forks),
        watchers: stats.map(|s| s.watchers),
        open_issues: stats.map(|s| s.open_issues),
        downloads: h.downloads(),
        ..Figures::default()
    };
    for (d, t) in &h.days {
        let o = history::organic(*t, h.ci.get(d).copied());
        f.organic_clones = f.organic_clones.saturating_add(o.clones);
        f.organic_clones_uniques = f.organic_clones_uniques.saturating_add(o.uniques);
        if (from..=to).contains(d) {
            f.organic_clones_14d = f.organic_clones_14d.saturating_add(o.clones);
        }
    }
    let ci: Vec<u64> = h.ci.range(from..=to).map(|(_, c)| c.checkouts).collect();
    f.ci_checkouts_14d = (!ci.is_empty()).then(|| ci.iter().sum());
    f
}

fn add_traffic(a: Traffic, b: Traffic) -> Traffic {
    Traffic {
        views: a.views.saturating_add(b.views),
        views_uniques: a.views_uniques.saturating_add(b.views_uniques),
        clones: a.clones.saturating_add(b.clones),
        clones_uniques: a.clones_uniques.saturating_add(b.clones_uniques),
    }
}

fn sum(figs: &[Figures]) -> Figures {
    let add = |a: Option<u64>, b: Option<u64>| match (a, b) {
        (Some(a), Some(b)) => Some(a.saturating_add(b)),
        (a, b) => a.or(b),
    };
    figs.iter().fold(Figures::default(), |a, f| Figures {
        total: add_traffic(a.total, f.total),
        last14: add_traffic(a.last14, f.last14),
        organic_clones: a.organic_clones.saturating_add(f.organic_clones),
        organic_clones_uniques: a.organic_clones_uniques.saturating_add(f.organic_clones_uniques),
        organic_clones_14d: a.organic_clones_14d.saturating_add(f.organic_clones_14d),
        ci_checkouts_14d: add(a.ci_checkouts_14d, f.ci_checkouts_14d),
        covered_days: a.covered_days.max(f.covered_days),
        stars: add(a.stars, f.stars),
        forks: add(a.forks, f.forks),
        watchers: add(a.watchers, f.watchers),
        open_issues: add(a.open_issues, f.open_issues),
        downloads: a.downloads.saturating_add(f.downloads),
    })
}

/// A badge metric: its all-time figure and its per-day increments (for the recency
/// suffix), derived from stored days.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Series {
    pub total: u64,
    pub daily: BTreeMap<Date, u64>,
}

fn add_series(mut a: Series, b: &Series) -> Series {
    a.total = a.total.saturating_add(b.total);
    for (d, n) in &b.daily {
        let e = a.daily.entry(*d).or_default();
        *e = e.saturating_add(*n);
    }
    a
}

/// `views`, `clones` (organic), `downloads`, `installs` (downloads + organic clones) or
/// `stars` (latest count; daily gains between snapshots).
pub fn series(h: &History, metric: &str) -> Series {
    match metric {
        "views" => Series { total: h.totals().views, daily: h.days.iter().map(|(d, t)| (*d, t.views)).collect() },
        "clones" => {
            let daily: BTreeMap<Date, u64> =
                h.days.iter().map(|(d, t)| (*d, history::organic(*t, h.ci.get(d).copied()).clones)).collect();
            Series { total: daily.values().fold(0u64, |a, n| a.saturating_add(*n)), daily }
        }
        "downloads" => Series { total: h.downloads(), daily: h.daily_downloads() },
        "installs" => add_series(series(h, "clones"), &series(h, "downloads")),
        "stars" => {
            let mut daily = BTreeMap::new();
            let mut prev: Option<u64> = None;
            for (d, s) in &h.stats {
                if let Some(p) = prev {
                    daily.insert(*d, s.stars.saturating_sub(p));
                }
                prev = Some(s.stars);
            }
            Series { total: h.latest_stats().map_or(0, |s| s.stars), daily }
        }
        _ => Series::default(),
    }
}

/// Which badge files a write carries.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadgeScope {
    /// `badge-OWNER.NAME-METRIC.*` for each repository.
    pub per_repo: bool,
    /// `METRIC.*`, summed over the repositories given.
    pub summed: bool,
}

impl BadgeScope {
    /// One run that sees every tracked repository: ghtraf's names for one repository;
    /// with several, sums under those names and a set per repository.
    pub fn whole(repos: usize) -> BadgeScope {
        BadgeScope { per_repo: repos > 1, summed: true }
    }
}

/// Badge files: shields endpoint JSON and a self-rendered SVG per metric.
pub fn badge_files(histories: &[&History], today: Date, cfg: &Badges, scope: BadgeScope) -> BTreeMap<String, String> {
    let mut files = BTreeMap::new();
    let mut write = |stem: &str, metric: &str, s: &Series| {
        let label = cfg.labels.get(metric).map_or(metric, String::as_str);
        let message = badge::message(s.total, &badge::recency(&s.daily, today), cfg.compact_above);
        files.insert(format!("{stem}.json"), badge::endpoint_json(label, &message, cfg));
        files.insert(format!("{stem}.svg"), badge::svg(label, &message, cfg));
    };
    for metric in BADGE_METRICS {
        let per_repo: Vec<Series> = histories.iter().map(|h| series(h, metric)).collect();
        if scope.per_repo {
            for (h, s) in histories.iter().zip(&per_repo) {
                let stem = format!("badge-{}-{metric}", h.repo.to_ascii_lowercase().replacen('/', ".", 1));
                write(&stem, metric, s);
            }
        }
        if scope.summed {
            let total = per_repo.iter().fold(Series::default(), add_series);
            write(metric, metric, &total);
        }
    }
    files
}

/// `https://img.shields.io/endpoint?url=...` for a public endpoint file.
pub fn shields_url(file_url: &str) -> String {
    let mut enc = String::new();
    for b in file_url.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~') {
            enc.push(char::from(b));
        } else {
            enc.push_str(&format!("%{b:02X}"));
        }
    }
    format!("https://img.shields.io/endpoint?url={enc}")
}

/// Step outputs, summed over the tracked repositories. Values are numbers, validated
/// repository names and URLs of our own files: one line each, nothing to escape.
/// `public_url` gives a file's public address when the storage has one.
pub fn outputs(
    histories: &[&History],
    today: Date,
    public_url: impl Fn(&str) -> Option<String>,
) -> Vec<(String, String)> {
    let figs: Vec<Figures> = histories.iter().map(|h| figures(h, today)).collect();
    let s = sum(&figs);
    let repos: Vec<&str> = histories.iter().map(|h| h.repo.as_str()).collect();
    let mut out = vec![
        ("views".into(), s.total.views.to_string()),
        ("views-uniques".into(), s.total.views_uniques.to_string()),
        ("clones".into(), s.total.clones.to_string()),
        ("clones-uniques".into(), s.total.clones_uniques.to_string()),
        ("organic-clones".into(), s.organic_clones.to_string()),
        ("views-14d".into(), s.last14.views.to_string()),
        ("clones-14d".into(), s.last14.clones.to_string()),
        ("stars".into(), s.stars.unwrap_or(0).to_string()),
        ("forks".into(), s.forks.unwrap_or(0).to_string()),
        ("watchers".into(), s.watchers.unwrap_or(0).to_string()),
        ("downloads".into(), s.downloads.to_string()),
        ("installs".into(), s.installs().to_string()),
        ("repos".into(), repos.join(",")),
    ];
    for metric in BADGE_METRICS {
        if let Some(url) = public_url(&format!("{metric}.json")) {
            out.push((format!("badge-url-{metric}"), shields_url(&url)));
        }
        if let Some(url) = public_url(&format!("{metric}.svg")) {
            out.push((format!("badge-svg-url-{metric}"), url));
        }
    }
    out
}

/// The `$GITHUB_OUTPUT` file text for `outputs`.
pub fn output_file_text(outputs: &[(String, String)]) -> String {
    outputs.iter().map(|(k, v)| format!("{k}={}\n", v.replace(['\r', '\n'], " "))).collect()
}

/// What the run did to one repository, for the summary and the terminal.
#[derive(Debug, Clone)]
pub struct RepoReport<'a> {
    pub repo: &'a str,
    pub history: Option<&'a History>,
    pub new_days: usize,
    pub raised_days: usize,
    pub new_gap: Option<Gap>,
    pub error: Option<String>,
    /// Staleness and schedule warnings.
    pub warnings: Vec<String>,
}

/// The terminal line for a repository's figures; the name escaped, so the line
/// cannot start a workflow command.
pub fn repo_line(r: &RepoReport<'_>, h: &History, today: Date, dry_run: bool) -> String {
    let f = figures(h, today);
    format!(
        "{}: {} views, {} clones ({} organic) over {} days ({} new, {} raised){}; last 14 days: {} views, {} clones; {} stars, {} downloads",
        escape::terminal(r.repo),
        group_digits(f.total.views),
        group_digits(f.total.clones),
        group_digits(f.organic_clones),
        f.covered_days,
        r.new_days,
        r.raised_days,
        if dry_run { " [dry run: not written]" } else { "" },
        group_digits(f.last14.views),
        group_digits(f.last14.clones),
        group_digits(f.stars.unwrap_or(0)),
        group_digits(f.downloads),
    )
}

/// The terminal line for a repository left out of the run, and why.
pub fn skipped_line(repo: &str, why: &str) -> String {
    format!("{}: skipped: {}", escape::terminal(repo), escape::terminal(why))
}

/// The terminal line for a repository whose collection failed.
pub fn failed_line(repo: &str, error: &str) -> String {
    format!("{}: FAILED: {}", escape::terminal(repo), escape::terminal(error))
}

fn opt(v: Option<u64>) -> String {
    v.map_or("–".to_string(), group_digits)
}

/// `1234567` as `1,234,567`.
pub fn group_digits(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A Unicode sparkline of `values` scaled to their maximum; `None` (a gap) is a space.
pub fn sparkline(values: &[Option<u64>]) -> String {
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

/// Percent change of the last 7 complete days against the 7 before, if both exist.
fn week_change(h: &History, today: Date, pick: impl Fn(&Traffic) -> u64) -> String {
    let sum = |from: i32, to: i32| -> Option<u64> {
        let days: Vec<u64> =
            h.days.range(days_back(today, from)..=days_back(today, to)).map(|(_, t)| pick(t)).collect();
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
pub fn summary(
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
        md.push_str(&format!("<details><summary>{} repositories skipped</summary>\n\n", skipped.len()));
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
        md.push_str("| repository | views | clones | organic clones | views 14d | clones 14d | stars | downloads |\n");
        md.push_str("|---|---:|---:|---:|---:|---:|---:|---:|\n");
        let mut figs = Vec::new();
        for r in reports {
            let f = r.history.map(|h| figures(h, today)).unwrap_or_default();
            md.push_str(&format!(
                "| {} | {} | {} | {} | {} | {} | {} | {} |\n",
                escape::markdown(r.repo),
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
        md.push_str(&format!(
            "| **all {}** | **{}** | **{}** | **{}** | **{}** | **{}** | **{}** | **{}** |\n\n",
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

fn repo_section(md: &mut String, r: &RepoReport<'_>, today: Date) {
    md.push_str(&format!("### {}\n\n", escape::markdown(r.repo)));
    let Some(h) = r.history else {
        md.push_str("No history yet.\n\n");
        return;
    };
    if let Some(g) = r.new_gap {
        md.push_str(&format!("> [!WARNING]\n> No data for {g}: those days were outside every window gtt saw.\n\n"));
    }
    for w in &r.warnings {
        md.push_str(&format!("> [!WARNING]\n> {}\n\n", escape::markdown(w)));
    }
    let f = figures(h, today);
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
    let first = h.days.keys().next().map_or("–".to_string(), Date::to_string);
    md.push_str(&format!(
        "{} days covered since {first}; this run added {} and raised {}; {} gap(s).\n\n",
        f.covered_days,
        r.new_days,
        r.raised_days,
        h.gaps().len()
    ));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_commands_from_strangers_stay_one_command() {
        // (title, message, what the line must be)
        let cases = [
            ("gap: x", "line1\n::error::pwned", "::warning title=gap%3A x::line1%0A::error::pwned"),
            ("gtt: o/r\n::add-mask::x", "m", "::warning title=gtt%3A o/r\\n%3A%3Aadd-mask%3A%3Ax::m"),
            ("gtt", "\u{1b}[2Jboom 50%", "::warning title=gtt::\\u{1b}[2Jboom 50%25"),
            ("gtt", "\u{9b}2J\u{202e}x", "::warning title=gtt::\\u{9b}2J\\u{202e}x"),
            ("gtt", "x ##[stop-commands]t", "::warning title=gtt::x ##\\[stop-commands]t"),
        ];
        for (title, msg, want) in cases {
            let w = warning(title, msg);
            assert_eq!(w, want);
            assert_eq!(w.lines().count(), 1);
            assert!(!w.bytes().any(|b| b == 0x1b) && !w.contains('\u{9b}') && !w.contains('\u{202e}'), "{w:?}");
            assert_eq!(error(title, msg).replacen("::error", "::warning", 1), w);
        }
        assert_eq!(group("o/r\n::add-mask::x"), "::group::o/r\\n::add-mask::x");
        assert_eq!(group("o/r\u{1b}[2J").lines().count(), 1);
        assert!(!group("o/r\u{1b}[2J").contains('\u{1b}'));
    }

    /// A line a runner could take for a command: `::` first after white space, or a
    /// legacy `##[` anywhere.
    fn could_be_a_command(line: &str) -> bool {
        line.trim_start().starts_with("::") || line.contains("##[")
    }

    #[test]
    fn terminal_lines_with_a_strangers_name_first_are_never_commands() {
        let today: Date = "2026-11-21".parse().expect("d");
        let mut h = History::new("o/a");
        h.days.insert(days_back(today, 1), Traffic::from([1, 1, 1, 1]));
        let names = [
            "o/r\n::add-mask::x",
            "o/r\r\n::stop-commands::t",
            "::error file=x::y",
            " ::add-mask::x",
            "o/r ##[add-mask]x",
            "o/\u{1b}[2Jr",
            "o/\u{9b}2Jr",
            "o/\u{202e}r",
        ];
        for name in names {
            let r = RepoReport {
                repo: name,
                history: Some(&h),
                new_days: 1,
                raised_days: 0,
                new_gap: None,
                error: None,
                warnings: vec![],
            };
            for line in [
                repo_line(&r, &h, today, false),
                skipped_line(name, "archived\n::add-mask::y"),
                failed_line(name, "HTTP 500: \u{1b}[2Jboom\n::error::z"),
                group(name),
            ] {
                assert_eq!(line.lines().count(), 1, "{line:?}");
                assert!(!line.chars().any(|c| c.is_control() || ('\u{202a}'..='\u{202e}').contains(&c)), "{line:?}");
                if !line.starts_with("::group::") {
                    assert!(!could_be_a_command(&line), "{line:?}");
                }
            }
        }
        assert!(
            repo_line(
                &RepoReport {
                    repo: "o/a",
                    history: Some(&h),
                    new_days: 1,
                    raised_days: 0,
                    new_gap: None,
                    error: None,
                    warnings: vec![]
                },
                &h,
                today,
                true
            )
            .starts_with("o/a: 1 views, 1 clones")
        );
    }

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
            new_days: 0,
            raised_days: 0,
            new_gap: None,
            error: Some("see https://evil.example or mail a@evil.example".into()),
            warnings: vec!["visit www.evil.example".into()],
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
    fn digits_are_grouped() {
        for (n, s) in [(0, "0"), (999, "999"), (1000, "1,000"), (1234567, "1,234,567")] {
            assert_eq!(group_digits(n), s);
        }
    }

    #[test]
    fn outputs_sum_repositories_from_stored_days() {
        let today: Date = "2026-11-21".parse().expect("d");
        let mut a = History::new("o/a");
        let mut b = History::new("o/b");
        a.days.insert("2026-11-20".parse().expect("d"), Traffic::from([10, 5, 2, 1]));
        a.days.insert("2026-11-21".parse().expect("d"), Traffic::from([100, 5, 2, 1]));
        a.days.insert("2026-01-01".parse().expect("d"), Traffic::from([1, 1, 1, 1]));
        b.days.insert("2026-11-07".parse().expect("d"), Traffic::from([3, 3, 3, 3]));
        b.days.insert("2026-11-06".parse().expect("d"), Traffic::from([1000, 0, 0, 0]));
        let out = outputs(&[&a, &b], today, |_| None);
        let get = |k: &str| out.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).expect("output");
        assert_eq!(get("views"), "1114");
        assert_eq!(get("views-14d"), "13", "today is partial and 2026-11-06 is 15 days back");
        assert_eq!(get("clones"), "8");
        assert_eq!(get("repos"), "o/a,o/b");
        assert_eq!(output_file_text(&out).lines().count(), out.len());
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
                new_days: 1,
                raised_days: 0,
                new_gap: Some(gap),
                error: None,
                warnings: vec![],
            },
            RepoReport {
                repo: "o/b",
                history: None,
                new_days: 0,
                raised_days: 0,
                new_gap: None,
                error: Some("<script>x</script>".into()),
                warnings: vec![],
            },
        ];
        let md = summary(&reports, &[], "2026-11-02".parse().expect("d"), false, "gist 1");
        assert!(md.contains("&lt;script&gt;"));
        assert!(!md.contains("<script>"));
        assert!(md.contains("2026-10-01..2026-10-20 (20 days)"));
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
                new_days: 0,
                raised_days: 0,
                new_gap: None,
                error: None,
                warnings: vec![],
            },
            RepoReport {
                repo: "o/b",
                history: Some(&b),
                new_days: 0,
                raised_days: 0,
                new_gap: None,
                error: None,
                warnings: vec![],
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
                new_days: 1,
                raised_days: 0,
                new_gap: None,
                error: None,
                warnings: vec![],
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

    #[test]
    fn badge_files_keep_ghtraf_names_for_one_repository() {
        let today: Date = "2026-11-21".parse().expect("d");
        let h = History::new("o/a");
        let one = badge_files(&[&h], today, &Badges::default(), BadgeScope::whole(1));
        let names: Vec<&String> = one.keys().collect();
        assert_eq!(names.len(), 10);
        assert!(one.contains_key("views.json") && one.contains_key("installs.svg"));
        let g = History::new("o/b");
        let two = badge_files(&[&h, &g], today, &Badges::default(), BadgeScope::whole(2));
        assert_eq!(two.len(), 30);
        assert!(two.contains_key("badge-o.b-stars.json") && two.contains_key("stars.svg"));
        for (name, text) in two.iter().filter(|(n, _)| n.ends_with(".json")) {
            assert!(badge::validate_endpoint(text).is_ok(), "{name}");
        }
    }

    #[test]
    fn shields_urls_encode_the_endpoint() {
        assert_eq!(
            shields_url("https://gist.githubusercontent.com/u/1/raw/views.json"),
            "https://img.shields.io/endpoint?url=https%3A%2F%2Fgist.githubusercontent.com%2Fu%2F1%2Fraw%2Fviews.json"
        );
    }
}
