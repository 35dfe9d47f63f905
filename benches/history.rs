//! What a run costs on the CPU once the network is done: parse a ten-year history, merge
//! a run's window into it, check it lost nothing, and serialise it again.
//! `cargo bench --bench history` prints the figures recorded in BENCHMARKS.md.
// A benchmark: like a test, it may stop at the first surprise.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, unreachable_pub)]

use std::hint::black_box;
use std::time::Instant;

use gtt::history::{History, Observation, PopularPath, Referrer};
use jiff::{SignedDuration, Timestamp};

fn observation(day: jiff::civil::Date) -> Observation {
    Observation {
        views: vec![(day, 1234, 321)],
        clones: vec![(day, 56, 12)],
        stats: Some((12_345, 678, 90, 12)),
        referrers: (0..10)
            .map(|i| Referrer { referrer: format!("ref-{i}.example.com"), count: 99, uniques: 9 })
            .collect(),
        paths: (0..10)
            .map(|i| PopularPath {
                path: format!("/o/r/blob/main/p{i}.md"),
                title: format!("p{i}.md · o/r"),
                count: 9,
                uniques: 3,
            })
            .collect(),
        ..Observation::default()
    }
}

fn time<T>(name: &str, iters: u32, mut f: impl FnMut() -> T) {
    let start = Instant::now();
    for _ in 0..iters {
        black_box(f());
    }
    let per = start.elapsed() / iters;
    println!("{name:<40} {:>10.3} ms", per.as_secs_f64() * 1000.0);
}

fn main() {
    let mut at: Timestamp = "2016-01-01T03:17:00Z".parse().unwrap_or_default();
    let mut h = History::new("o/r");
    for _ in 0..3653 {
        let day = at.to_zoned(jiff::tz::TimeZone::UTC).date();
        h = h.merge(&History::from_observation("o/r", at, &observation(day)));
        at = at.checked_add(SignedDuration::from_hours(24)).unwrap_or(at);
    }
    let text = h.to_json();
    println!("ten-year history: {} days, {} bytes stored", h.days.len(), text.len());
    let day = at.to_zoned(jiff::tz::TimeZone::UTC).date();
    let fragment = History::from_observation("o/r", at, &observation(day));
    time("parse ten-year history", 50, || History::parse(&text, "o/r"));
    time("merge one run into it", 50, || h.merge(&fragment));
    time("check_no_loss", 50, || h.check_no_loss(&h.merge(&fragment)));
    time("serialise", 50, || h.to_json());
    time("whole run (parse+merge+check+serialise)", 50, || {
        let stored = History::parse(&text, "o/r").unwrap_or_else(|_| History::new("o/r"));
        let merged = stored.merge(&fragment);
        let _ = stored.check_no_loss(&merged);
        merged.to_json()
    });
}
