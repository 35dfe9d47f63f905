//! The README charts: every collect writes, beside the badges, a 90-day chart per
//! repository and one summed; a gist takes them only when it has room, and a full gist
//! keeps collecting without them, with one warning naming the fix.

use crate::fake::*;
use crate::support::{Run, gtt, tempdir};

const TOKEN: &str = "ghp_charts";

fn collect(fake: &FakeGitHub, repos: &[String], store: &[&str]) -> Run {
    let repos = repos.join(",");
    let mut args = vec!["collect", "--repos", &repos, "--token", TOKEN];
    args.extend(store);
    gtt(fake, &args, &[])
}

/// Well-formed SVG with a title and a description first, no script, no event handler,
/// no reference outside itself, under 30 KB.
fn check_chart(name: &str, svg: &str) {
    assert!(svg.len() < 30 * 1024, "{name}: {} bytes", svg.len());
    let doc = roxmltree::Document::parse(svg).unwrap_or_else(|e| panic!("{name} is not well-formed: {e}"));
    let first: Vec<&str> =
        doc.root_element().children().filter(|n| n.is_element()).take(2).map(|n| n.tag_name().name()).collect();
    assert_eq!(first, ["title", "desc"], "{name}");
    for n in doc.descendants().filter(|n| n.is_element()) {
        assert!(!n.tag_name().name().eq_ignore_ascii_case("script"), "{name}");
        assert!(n.attributes().all(|a| !a.name().starts_with("on") && a.name() != "href"), "{name}");
    }
    assert!(!svg.contains("url(") && svg.contains("prefers-color-scheme"), "{name}");
}

fn charts_in(names: &[String]) -> Vec<&String> {
    names.iter().filter(|n| n.starts_with("chart")).collect()
}

#[test]
fn a_gist_with_room_gets_charts_and_a_full_one_keeps_collecting_without() {
    let fake = FakeGitHub::start();
    fake.add_token(TOKEN, TokenKind::Full);
    let few = fake.add_generated_repos("octo", "few", 3);
    fake.create_gist("roomy", vec![("README.md", "gtt traffic")]);
    let r = collect(&fake, &few, &["--gist-id", "roomy"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let names = fake.gist_file_names("roomy");
    let want = ["chart-octo.few-0001.svg", "chart-octo.few-0002.svg", "chart-octo.few-0003.svg", "chart.svg"];
    assert_eq!(charts_in(&names), want, "{names:?}");
    for name in want {
        check_chart(name, &fake.gist_file("roomy", name).unwrap());
    }
    assert!(fake.gist_file("roomy", "chart.svg").unwrap().contains("3 repositories"));
    assert!(!r.stderr.contains("no room"), "{}", r.stderr);

    // 26 repositories fill a gist with their history and badges (297 files): it keeps
    // collecting, without charts, and says so once.
    let many = fake.add_generated_repos("octo", "many", 26);
    fake.create_gist("full", vec![("README.md", "gtt traffic")]);
    let r = collect(&fake, &many, &["--gist-id", "full"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let names = fake.gist_file_names("full");
    assert!(charts_in(&names).is_empty(), "{:?}", charts_in(&names));
    assert!(names.len() <= 300 && names.contains(&"history-octo.many-0026.json".to_string()), "{}", names.len());
    let warnings: Vec<&str> = r.stderr.lines().filter(|l| l.contains("no room for")).collect();
    assert_eq!(warnings.len(), 1, "{}", r.stderr);
    assert!(warnings[0].contains("gist full") && warnings[0].contains("27 charts"), "{}", warnings[0]);
    assert!(warnings[0].contains("add another gist id at the end of input `gist-id`"), "{}", warnings[0]);

    // The next day: both keep collecting; the charts with room move on a day, the full
    // gist still has none and says so once again.
    let before = fake.gist_file("roomy", "chart.svg").unwrap();
    fake.advance(jiff::SignedDuration::from_hours(24));
    let r = collect(&fake, &few, &["--gist-id", "roomy"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_ne!(fake.gist_file("roomy", "chart.svg").unwrap(), before, "redrawn for the new day");
    let r = collect(&fake, &many, &["--gist-id", "full"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(charts_in(&fake.gist_file_names("full")).is_empty());
    assert_eq!(r.stderr.lines().filter(|l| l.contains("no room for")).count(), 1, "{}", r.stderr);
}

#[test]
fn a_folder_gets_the_chart_of_its_one_repository_under_the_summed_name() {
    let fake = FakeGitHub::start();
    fake.add_token(TOKEN, TokenKind::Full);
    let one = fake.add_generated_repos("octo", "solo", 1);
    let dir = tempdir("charts-folder");
    let d = dir.path().display().to_string();
    let r = collect(&fake, &one, &["--data-dir", &d]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let mut names: Vec<String> =
        std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(charts_in(&names), ["chart.svg"], "one repository: ghtraf's names, as the badges");
    let svg = std::fs::read_to_string(dir.path().join("chart.svg")).unwrap();
    check_chart("chart.svg", &svg);
    assert!(svg.contains("<title id=\"title\">octo/solo-0001: daily views and clones"), "{svg}");
    let desc = svg.split("<desc id=\"desc\">").nth(1).and_then(|d| d.split("</desc>").next()).unwrap();
    assert!(desc.contains("before collection began") && !desc.contains("over 0 collected days"), "{desc}");
}
