//! github-clone-count-badge (<https://github.com/MShawon/github-clone-count-badge>): its
//! workflow stores the raw answer of `GET /repos/{repo}/traffic/clones`
//! (<https://docs.github.com/en/rest/metrics/traffic>) as `clone.json`, replacing it on
//! every run: `{count, uniques, clones: [{timestamp, count, uniques}]}`, at most 15 daily
//! buckets. It is read as the answer shape traffic-to-badge keeps
//! ([`super::traffic_to_badge::api_answer`]); detection tells the two apart by span (one
//! answer covers at most 15 days, traffic-to-badge's list grows past that) and by views,
//! which this tool never keeps.
//!
//! The file names no repository: it comes from the hint. The heading 14-day totals are
//! not read: uniques are per day and not additive.

use super::error::{Ctx, Error};
use super::json::Object;
use super::repo::Hint;
use super::traffic_to_badge::api_answer;
use crate::history::History;

pub(crate) fn read(ctx: &Ctx<'_>, root: &Object, hint: &Hint) -> Result<Vec<History>, Error> {
    api_answer(ctx, root, hint)
}

#[cfg(test)]
mod tests {
    use crate::import::testkit::{CLONE_JSON, d, one, t};

    #[test]
    fn clone_count_badge() {
        let cc = one("clone.json", CLONE_JSON, Some("octo/hello"));
        assert_eq!(cc.days.len(), 15);
        assert_eq!(cc.days[&d("2026-02-03")], t([0, 0, 0, 0]), "an entry of 0 is a covered zero");
        assert_eq!(cc.days[&d("2026-02-12")], t([0, 0, 11, 5]));
        assert_eq!(cc.totals().clones_uniques, 31, "per-day uniques; the answer's 14-day 19 is not read");
    }
}
