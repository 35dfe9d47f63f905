//! What a run tells people: step outputs, the job summary, workflow commands and the
//! terminal lines. All pure: strings in, strings out. Strings from strangers (repository
//! data, referrers, titles, error texts) are escaped here, once, for each audience.

use jiff::civil::Date;

use crate::history::{Gap, History, Traffic};

/// Workflow-command message data: the runner reads `%0A` as a newline, so a stranger's
/// text can never end our line and start a command of its own.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Workflow-command property values additionally escape `:` and `,`.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Text for a terminal: control characters (escape sequences, newlines) become `?`.
pub fn escape_terminal(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { '?' } else { c }).collect()
}

/// Text for a Markdown table cell in the job summary: HTML and Markdown syntax are
/// neutralised with entities, so a referrer cannot inject a link, image or tag.
pub fn escape_markdown(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '|' => out.push_str("&#124;"),
            '[' => out.push_str("&#91;"),
            ']' => out.push_str("&#93;"),
            '`' => out.push_str("&#96;"),
            '*' => out.push_str("&#42;"),
            '_' => out.push_str("&#95;"),
            '!' => out.push_str("&#33;"),
            '\\' => out.push_str("&#92;"),
            c if c.is_control() => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// `::warning title=T::message`, both escaped.
pub fn warning(title: &str, msg: &str) -> String {
    format!("::warning title={}::{}", escape_property(title), escape_data(msg))
}

pub fn error(title: &str, msg: &str) -> String {
    format!("::error title={}::{}", escape_property(title), escape_data(msg))
}

/// Per-repository figures derived from stored days; nothing here is kept as a running
/// total.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Figures {
    pub total: Traffic,
    /// The 14 complete days before `today`.
    pub last14: Traffic,
    pub covered_days: usize,
    pub stars: Option<u64>,
    pub forks: Option<u64>,
    pub watchers: Option<u64>,
    pub open_issues: Option<u64>,
    pub downloads: u64,
}

pub fn figures(h: &History, today: Date) -> Figures {
    let span = |n: i32| today.checked_sub(jiff::Span::new().days(n)).unwrap_or(today);
    let stats = h.latest_stats();
    Figures {
        total: h.totals(),
        last14: h.sum_between(span(14), span(1)).0,
        covered_days: h.days.len(),
        stars: stats.map(|s| s.stars),
        forks: stats.map(|s| s.forks),
        watchers: stats.map(|s| s.watchers),
        open_issues: stats.map(|s| s.open_issues),
        downloads: h.downloads(),
    }
}

fn sum(figs: &[Figures]) -> Figures {
    let add = |a: Option<u64>, b: Option<u64>| match (a, b) {
        (Some(a), Some(b)) => Some(a.saturating_add(b)),
        (a, b) => a.or(b),
    };
    figs.iter().fold(Figures::default(), |a, f| Figures {
        total: Traffic {
            views: a.total.views.saturating_add(f.total.views),
            views_uniques: a.total.views_uniques.saturating_add(f.total.views_uniques),
            clones: a.total.clones.saturating_add(f.total.clones),
            clones_uniques: a.total.clones_uniques.saturating_add(f.total.clones_uniques),
        },
        last14: Traffic {
            views: a.last14.views.saturating_add(f.last14.views),
            views_uniques: a.last14.views_uniques.saturating_add(f.last14.views_uniques),
            clones: a.last14.clones.saturating_add(f.last14.clones),
            clones_uniques: a.last14.clones_uniques.saturating_add(f.last14.clones_uniques),
        },
        covered_days: a.covered_days.max(f.covered_days),
        stars: add(a.stars, f.stars),
        forks: add(a.forks, f.forks),
        watchers: add(a.watchers, f.watchers),
        open_issues: add(a.open_issues, f.open_issues),
        downloads: a.downloads.saturating_add(f.downloads),
    })
}

/// Step outputs, summed over the tracked repositories. Values are numbers and
/// validated repository names: one line each, nothing to escape.
pub fn outputs(histories: &[&History], today: Date) -> Vec<(String, String)> {
    let figs: Vec<Figures> = histories.iter().map(|h| figures(h, today)).collect();
    let s = sum(&figs);
    let repos: Vec<&str> = histories.iter().map(|h| h.repo.as_str()).collect();
    vec![
        ("views".into(), s.total.views.to_string()),
        ("views-uniques".into(), s.total.views_uniques.to_string()),
        ("clones".into(), s.total.clones.to_string()),
        ("clones-uniques".into(), s.total.clones_uniques.to_string()),
        ("views-14d".into(), s.last14.views.to_string()),
        ("clones-14d".into(), s.last14.clones.to_string()),
        ("stars".into(), s.stars.unwrap_or(0).to_string()),
        ("forks".into(), s.forks.unwrap_or(0).to_string()),
        ("watchers".into(), s.watchers.unwrap_or(0).to_string()),
        ("downloads".into(), s.downloads.to_string()),
        ("repos".into(), repos.join(",")),
    ]
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
}

fn opt(v: Option<u64>) -> String {
    v.map_or("–".to_string(), group_digits)
}

/// `1234567` as `1,234,567`.
pub fn group_digits(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The Markdown job summary: one table per repository, failures and gaps first.
pub fn summary(reports: &[RepoReport<'_>], today: Date, dry_run: bool, storage: &str) -> String {
    let mut md = String::from("## gtt: GitHub traffic\n\n");
    if dry_run {
        md.push_str("**Dry run:** nothing was written.\n\n");
    }
    let failed: Vec<&RepoReport<'_>> = reports.iter().filter(|r| r.error.is_some()).collect();
    if !failed.is_empty() {
        md.push_str("### Failed\n\n");
        for r in &failed {
            md.push_str(&format!(
                "- **{}**: {}\n",
                escape_markdown(r.repo),
                escape_markdown(r.error.as_deref().unwrap_or(""))
            ));
        }
        md.push('\n');
    }
    for r in reports {
        md.push_str(&format!("### {}\n\n", escape_markdown(r.repo)));
        let Some(h) = r.history else {
            md.push_str("No history yet.\n\n");
            continue;
        };
        if let Some(g) = r.new_gap {
            md.push_str(&format!("> [!WARNING]\n> No data for {g}: those days were outside every window gtt saw.\n\n"));
        }
        let f = figures(h, today);
        md.push_str("| | all time | last 14 days |\n|---|---:|---:|\n");
        md.push_str(&format!("| Views | {} | {} |\n", group_digits(f.total.views), group_digits(f.last14.views)));
        md.push_str(&format!(
            "| Unique visitors (daily, summed) | {} | {} |\n",
            group_digits(f.total.views_uniques),
            group_digits(f.last14.views_uniques)
        ));
        md.push_str(&format!("| Clones | {} | {} |\n", group_digits(f.total.clones), group_digits(f.last14.clones)));
        md.push_str(&format!(
            "| Unique cloners (daily, summed) | {} | {} |\n",
            group_digits(f.total.clones_uniques),
            group_digits(f.last14.clones_uniques)
        ));
        md.push_str(&format!("| Release downloads | {} | |\n", group_digits(f.downloads)));
        md.push_str(&format!(
            "| Stars / forks / watchers / open issues | {} / {} / {} / {} | |\n\n",
            opt(f.stars),
            opt(f.forks),
            opt(f.watchers),
            opt(f.open_issues)
        ));
        let first = h.days.keys().next().map_or("–".to_string(), Date::to_string);
        md.push_str(&format!(
            "{} days covered since {first}; this run added {} and raised {}; {} gap(s).\n\n",
            f.covered_days,
            r.new_days,
            r.raised_days,
            h.gaps().len()
        ));
    }
    md.push_str(&format!("Stored in {}.\n", escape_markdown(storage)));
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn workflow_command_escaping_table() {
        let cases = [
            ("plain", "plain", "plain"),
            ("a\nb", "a%0Ab", "a%0Ab"),
            ("::add-mask::x", "::add-mask::x", "%3A%3Aadd-mask%3A%3Ax"),
            ("50%\r\n", "50%25%0D%0A", "50%25%0D%0A"),
            ("a,b:c", "a,b:c", "a%2Cb%3Ac"),
        ];
        for (input, data, prop) in cases {
            assert_eq!(escape_data(input), data);
            assert_eq!(escape_property(input), prop);
        }
        let w = warning("gap: x", "line1\n::error::pwned");
        assert_eq!(w.lines().count(), 1);
        assert!(w.starts_with("::warning title=gap%3A x::"));
    }

    #[test]
    fn markdown_and_terminal_escaping_neutralise_markup() {
        let evil = "<img src=x onerror=alert(1)>[x](javascript:y)|`\n";
        let md = escape_markdown(evil);
        for bad in ['<', '>', '[', ']', '|', '`', '\n'] {
            assert!(!md.contains(bad), "{bad} left in {md}");
        }
        assert_eq!(escape_terminal("a\x1b[31mb\n"), "a?[31mb?");
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
        let out = outputs(&[&a, &b], today);
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
            RepoReport { repo: "o/a", history: Some(&h), new_days: 1, raised_days: 0, new_gap: Some(gap), error: None },
            RepoReport {
                repo: "o/b",
                history: None,
                new_days: 0,
                raised_days: 0,
                new_gap: None,
                error: Some("<script>x</script>".into()),
            },
        ];
        let md = summary(&reports, "2026-11-02".parse().expect("d"), false, "gist 1");
        assert!(md.contains("&lt;script&gt;"));
        assert!(!md.contains("<script>"));
        assert!(md.contains("2026-10-01..2026-10-20 (20 days)"));
    }
}
