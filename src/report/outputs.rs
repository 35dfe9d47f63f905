//! Step outputs (<https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-commands#setting-an-output-parameter>):
//! figures summed over the tracked repositories and the badge addresses, written to the
//! `$GITHUB_OUTPUT` file as `name=value` lines.

use super::badges::shields_url;
use super::figures::{Figures, sum};
use crate::badge::Metric;
use crate::store::layout::badge_stem;

/// Step outputs, summed over the tracked repositories. Values are numbers, validated
/// repository names and URLs of our own files: one line each, nothing to escape.
/// `public_url` gives a file's public address when the storage has one.
/// `repos` are the repositories with the figures of their whole histories.
pub(crate) fn outputs(repos: &[(&str, Figures)], public_url: impl Fn(&str) -> Option<String>) -> Vec<(String, String)> {
    let figs: Vec<Figures> = repos.iter().map(|(_, f)| f.clone()).collect();
    let s = sum(&figs);
    let repos: Vec<&str> = repos.iter().map(|(r, _)| *r).collect();
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
    for metric in Metric::ALL {
        if let Some(url) = public_url(&format!("{}.json", badge_stem(None, metric))) {
            out.push((format!("badge-url-{metric}"), shields_url(&url)));
        }
        if let Some(url) = public_url(&format!("{}.svg", badge_stem(None, metric))) {
            out.push((format!("badge-svg-url-{metric}"), url));
        }
    }
    out
}

/// The `$GITHUB_OUTPUT` file text for `outputs`.
pub(crate) fn output_file_text(outputs: &[(String, String)]) -> String {
    outputs.iter().map(|(k, v)| format!("{k}={}\n", v.replace(['\r', '\n'], " "))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::{History, Traffic};
    use crate::report::figures::figures;
    use crate::report::fixture;
    use jiff::civil::Date;

    fn figs<'a>(hs: &[&'a History], today: Date) -> Vec<(&'a str, Figures)> {
        hs.iter().map(|h| (h.repo.as_str(), figures(h, today))).collect()
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
        let out = outputs(&figs(&[&a, &b], today), |_| None);
        let get = |k: &str| out.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone()).expect("output");
        assert_eq!(get("views"), "1114");
        assert_eq!(get("views-14d"), "13", "today is partial and 2026-11-06 is 15 days back");
        assert_eq!(get("clones"), "8");
        assert_eq!(get("repos"), "o/a,o/b");
        assert_eq!(output_file_text(&out).lines().count(), out.len());
    }

    /// The `$GITHUB_OUTPUT` text for a small fixed run, with badge addresses for a
    /// storage that has public URLs.
    #[test]
    fn output_file_snapshot() {
        let (hello, quiet) = fixture::histories();
        let public = |f: &str| Some(format!("https://gist.githubusercontent.com/u/abc123/raw/{f}"));
        let text = output_file_text(&outputs(&figs(&[&hello, &quiet], fixture::today()), public));
        insta::assert_snapshot!("output_file", text);
        let private = output_file_text(&outputs(&figs(&[&hello, &quiet], fixture::today()), |_| None));
        assert!(!private.contains("badge-"), "{private}");
        assert_eq!(output_file_text(&[("k".into(), "a\r\nb\nc".into())]), "k=a  b c\n");
    }
}
