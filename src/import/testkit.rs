//! What the importers' tests share: the fixtures (one real-shaped file per format, kept
//! under `tests/fixtures/import/`), and small helpers.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;

use super::{Format, import};
use crate::history::{CiObservation, History, Observation, ObservedAsset, ObservedRun, PopularPath, Referrer, Traffic};

pub(crate) const GHTRAF_STATE: &str = include_str!("../../tests/fixtures/import/ghtraf/state.json");
pub(crate) const GHTRAF_V1: &str = include_str!("../../tests/fixtures/import/ghtraf/state-v1.json");
pub(crate) const GHTRAF_ARCHIVE: &str = include_str!("../../tests/fixtures/import/ghtraf/archive-2026-02.json");
pub(crate) const GITRATRA: &str = include_str!("../../tests/fixtures/import/gitratra/traffic.txt");
pub(crate) const RS_AGGREGATE: &str =
    include_str!("../../tests/fixtures/import/github-repo-stats/views_clones_aggregate.csv");
pub(crate) const RS_STARS: &str = include_str!("../../tests/fixtures/import/github-repo-stats/stargazers.csv");
pub(crate) const RS_SNAPSHOTS: &str =
    include_str!("../../tests/fixtures/import/github-repo-stats/stargazer-snapshots.csv");
pub(crate) const RS_FORKS: &str = include_str!("../../tests/fixtures/import/github-repo-stats/forks.csv");
pub(crate) const TA_VIEWS: &str = include_str!("../../tests/fixtures/import/repository-traffic-action/views.csv");
pub(crate) const TA_CLONES: &str = include_str!("../../tests/fixtures/import/repository-traffic-action/clones.csv");
pub(crate) const TTB_VIEWS: &str =
    include_str!("../../tests/fixtures/import/traffic-to-badge/traffic-hello/traffic_views.json");
pub(crate) const TTB_CLONES: &str =
    include_str!("../../tests/fixtures/import/traffic-to-badge/traffic-hello/traffic_clones.json");
pub(crate) const CLONE_JSON: &str = include_str!("../../tests/fixtures/import/github-clone-count-badge/clone.json");
pub(crate) const GTT_CSV: &str = include_str!("../../tests/fixtures/import/gtt/export.csv");
pub(crate) const GTT_JSON: &str = include_str!("../../tests/fixtures/import/gtt/export.json");
pub(crate) const GTT_NDJSON: &str = include_str!("../../tests/fixtures/import/gtt/export.ndjson");

/// (file name as a caller would pass it, content, format, repository hint it needs)
pub(crate) const FIXTURES: &[(&str, &str, Format, Option<&str>)] = &[
    ("ghtraf/state.json", GHTRAF_STATE, Format::Ghtraf, Some("octo/hello")),
    ("ghtraf/state-v1.json", GHTRAF_V1, Format::Ghtraf, Some("octo/hello")),
    ("ghtraf/archive-2026-02.json", GHTRAF_ARCHIVE, Format::GhtrafArchive, None),
    ("gitratra/traffic.txt", GITRATRA, Format::Gitratra, Some("octo")),
    ("ghrs-data/views_clones_aggregate.csv", RS_AGGREGATE, Format::RepoStatsCsv, Some("octo/hello")),
    ("ghrs-data/stargazers.csv", RS_STARS, Format::RepoStatsStargazers, Some("octo/hello")),
    ("ghrs-data/stargazer-snapshots.csv", RS_SNAPSHOTS, Format::RepoStatsStargazers, Some("octo/hello")),
    ("ghrs-data/forks.csv", RS_FORKS, Format::RepoStatsForks, Some("octo/hello")),
    ("traffic/views.csv", TA_VIEWS, Format::TrafficActionViews, Some("octo/hello")),
    ("traffic/clones.csv", TA_CLONES, Format::TrafficActionClones, Some("octo/hello")),
    ("traffic/traffic-hello/traffic_views.json", TTB_VIEWS, Format::TrafficToBadge, Some("octo")),
    ("traffic/traffic-hello/traffic_clones.json", TTB_CLONES, Format::TrafficToBadge, Some("octo")),
    ("clone.json", CLONE_JSON, Format::CloneCountBadge, Some("octo/hello")),
    ("export.csv", GTT_CSV, Format::GttCsv, None),
    ("export.json", GTT_JSON, Format::GttJson, None),
    ("export.ndjson", GTT_NDJSON, Format::GttNdjson, None),
];

pub(crate) fn d(s: &str) -> Date {
    s.parse().expect("test date")
}

pub(crate) fn ts(s: &str) -> Timestamp {
    s.parse().expect("test timestamp")
}

pub(crate) fn t(v: [u64; 4]) -> Traffic {
    Traffic::from(v)
}

/// The one history a single-repository file imports as.
pub(crate) fn one(file: &str, content: &str, hint: Option<&str>) -> History {
    let mut got = import(file, content, hint).expect("imports");
    assert_eq!(got.histories.len(), 1, "{file}");
    got.histories.pop().expect("one history")
}

pub(crate) fn days(h: &History) -> Vec<String> {
    h.days.keys().map(ToString::to_string).collect()
}

/// A history as collections build it: several runs, each with its 14-day window,
/// repository counters, release assets, top lists and CI runs.
pub(crate) fn collected() -> History {
    let mut h = History::new("octo/hello");
    for (i, at) in ["2026-03-01T03:17:09Z", "2026-03-02T03:16:58Z", "2026-03-02T15:40:00Z", "2026-03-05T03:17:30Z"]
        .into_iter()
        .enumerate()
    {
        let at = ts(at);
        h = h.merge(&History::from_observation("octo/hello", at, &observation(at, i as u64)));
    }
    h
}

/// The `i`th collection's observation, taken at `at`.
fn observation(at: Timestamp, i: u64) -> Observation {
    let today = super::table::utc_day(at);
    let back = |n: i32| today.checked_sub(jiff::Span::new().days(n)).expect("day");
    Observation {
        views: (0..14).map(|k| (back(k), 10 * (k as u64) + i, (k as u64) + i)).collect(),
        clones: (1..14).step_by(2).map(|k| (back(k), 5 + k as u64 + i, 2 + i)).collect(),
        stats: Some((40 + i, 5, 9, 3 - i.min(3))),
        created_at: Some(ts("2025-11-02T14:21:09Z")),
        assets: vec![
            ObservedAsset {
                id: 7,
                release: "v1.0.0".into(),
                name: "a.tgz".into(),
                downloads: 10 + 3 * i,
                published: None,
            },
            ObservedAsset { id: 9, release: "v1.1.0".into(), name: "b.zip".into(), downloads: 2 * i, published: None },
        ],
        referrers: vec![Referrer { referrer: "github.com".into(), count: 9 + i, uniques: 3 }],
        paths: vec![PopularPath { path: "/octo/hello".into(), title: "octo/hello".into(), count: 4, uniques: 2 }],
        ci: Some(CiObservation {
            first: back(3),
            last: back(1),
            runs: vec![
                ObservedRun { id: 100 + i, checkouts: BTreeMap::from([(back(1), 2)]), estimated: false },
                ObservedRun { id: 200 + i, checkouts: BTreeMap::from([(back(2), 3), (back(3), 1)]), estimated: false },
                ObservedRun { id: 300 + i, checkouts: BTreeMap::from([(back(1), 1)]), estimated: true },
            ],
            pages: BTreeMap::from([(back(2), 1)]),
            source: Default::default(),
        }),
        ..Observation::default()
    }
}
