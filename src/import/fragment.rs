//! Building history fragments: the figures a source states, and nothing it does not.
//!
//! gtt keeps, per day, which figures were never observed (`History::unknown`), so that a
//! gap stays a gap and a later source can fill it. An import must not claim more than its
//! source saw: a day a file first mentions starts with every figure unknown, and each
//! `add_*` marks only what the file holds (a views-only file leaves clones unknown). Two
//! rows for the same day keep the per-day maximum, as merging histories does.

use std::collections::BTreeMap;

use jiff::Timestamp;
use jiff::civil::Date;

use crate::history::{self, CiDay, History, RepoStats, Traffic};

/// Views or clones: the two traffic series, which several tools keep apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Metric {
    Views,
    Clones,
}

/// Histories by repository (case-insensitive, as GitHub), in the order first met.
#[derive(Default)]
pub(crate) struct Repos {
    order: Vec<String>,
    map: BTreeMap<String, History>,
}

impl Repos {
    pub(crate) fn get(&mut self, repo: &str) -> &mut History {
        let key = repo.to_ascii_lowercase();
        if !self.map.contains_key(&key) {
            self.order.push(key.clone());
        }
        self.map.entry(key).or_insert_with(|| History::new(repo))
    }

    pub(crate) fn into_vec(mut self) -> Vec<History> {
        self.order.iter().filter_map(|k| self.map.remove(k)).collect()
    }
}

/// A day an import first mentions starts with every figure unknown; each `add_*` then
/// marks what the source did observe. A views-only file thus leaves clones a gap.
fn touch(h: &mut History, day: Date) -> &mut Traffic {
    if !h.days.contains_key(&day) {
        h.unknown.insert(day, history::UNKNOWN_ALL);
    }
    h.days.entry(day).or_default()
}

/// Marks figures of a day as observed.
fn observed(h: &mut History, day: Date, bits: u8) {
    if let Some(b) = h.unknown.get_mut(&day) {
        *b &= !bits;
        if *b == 0 {
            h.unknown.remove(&day);
        }
    }
}

/// Marks figures of a day as not observed (a source without uniques, say), unless
/// something already observed them.
pub(crate) fn not_observed(h: &mut History, day: Date, bits: u8) {
    if let Some(b) = h.unknown.get_mut(&day) {
        *b |= bits;
    }
}

pub(crate) fn add_views(h: &mut History, day: Date, count: u64, uniques: u64) {
    let t = touch(h, day);
    t.views = t.views.max(count);
    t.views_uniques = t.views_uniques.max(uniques);
    observed(h, day, history::UNKNOWN_VIEWS | history::UNKNOWN_VIEWS_UNIQUES);
}

pub(crate) fn add_clones(h: &mut History, day: Date, count: u64, uniques: u64) {
    let t = touch(h, day);
    t.clones = t.clones.max(count);
    t.clones_uniques = t.clones_uniques.max(uniques);
    observed(h, day, history::UNKNOWN_CLONES | history::UNKNOWN_CLONES_UNIQUES);
}

/// One metric's figures of a day.
pub(crate) fn add_metric(h: &mut History, metric: Metric, day: Date, count: u64, uniques: u64) {
    match metric {
        Metric::Views => add_views(h, day, count, uniques),
        Metric::Clones => add_clones(h, day, count, uniques),
    }
}

pub(crate) fn add_traffic(h: &mut History, day: Date, t: Traffic) {
    add_views(h, day, t.views, t.views_uniques);
    add_clones(h, day, t.clones, t.clones_uniques);
}

pub(crate) fn add_ci(h: &mut History, day: Date, c: CiDay) {
    let e = h.ci.entry(day).or_default();
    e.checkouts = e.checkouts.max(c.checkouts);
    e.runs = e.runs.max(c.runs);
}

pub(crate) fn add_stats(h: &mut History, day: Date, mut s: RepoStats) {
    s.at = whole_second(s.at);
    h.stats.entry(day).and_modify(|x| *x = (*x).max(s)).or_insert(s);
}

/// Snapshots are stored to the second.
pub(crate) fn whole_second(ts: Timestamp) -> Timestamp {
    Timestamp::from_second(ts.as_second()).unwrap_or(ts)
}
