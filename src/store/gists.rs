//! Several gists as one store, for more repositories than one gist's 300-file listing
//! holds: a repository stays in the gist that holds it; new ones are routed by a stable
//! hash to a gist with room; every gist's files are planned before anything is written.
//!
//! Charts are optional files ([`is_optional`]): the history and badges always come first,
//! and a gist gets the charts of its repositories only when they all fit with room kept
//! for every repository's required files. A gist without that room keeps collecting,
//! without charts, and the run warns once with the fix. A chart already stored is always
//! rewritten (it takes no new room). A new repository goes, when any gist has it, where
//! its chart fits too.
//!
//! A reader of every history (`gtt export`) goes through the gists one at a time
//! ([`Gists::into_parts`]), so it holds one gist's texts, not every gist's.

use std::collections::{BTreeMap, BTreeSet};

use crate::config::Metric;

use super::gist::Gist;
use super::index::Index;
use super::layout::{
    FILES_PER_REPO, GIST_FILE_LIMIT, GIST_FILE_WARN, INDEX_FILE, OPTIONAL_PER_REPO, history_file, is_optional,
    repo_key, repo_of_key,
};
use super::{Backend, Error, Files};

/// The gist (a 0-based position in the `gist-id` list) that a repository with no stored
/// files goes to. The first choice is the FNV hash of its lower-cased name (the same hash
/// as `shard`, see [`crate::discover::shard_of`]), so it depends neither on the order
/// repositories were added in nor on which others exist; when `has_room` refuses it, the
/// following gists in list order, wrapping around. None: no gist has room.
///
/// Stored repositories are never routed: they stay in the gist whose listing holds their
/// history, which is why appending a gist id (which changes the hash's modulus) moves
/// nothing.
pub(crate) fn route(repo: &str, gists: usize, has_room: impl Fn(usize) -> bool) -> Option<usize> {
    let n = u32::try_from(gists).ok().filter(|n| *n > 0)?;
    let first = usize::try_from(crate::discover::shard_of(repo, n).saturating_sub(1)).ok()?;
    (0..gists).map(|k| (first + k) % gists).find(|i| has_room(*i))
}

/// Which gist holds each repository, by file key: the first, in list order, whose listing
/// has its history; for a repository with no history anywhere, the first that has any of
/// its badges.
fn homes(listings: &[&BTreeSet<String>]) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for (i, listed) in listings.iter().enumerate() {
        for name in listed.iter().filter(|n| n.starts_with("history-")) {
            if let Some(key) = repo_key(name) {
                out.entry(key.to_string()).or_insert(i);
            }
        }
    }
    for (i, listed) in listings.iter().enumerate() {
        for key in listed.iter().filter(|n| n.starts_with("badge-")).filter_map(|n| repo_key(n)) {
            out.entry(key.to_string()).or_insert(i);
        }
    }
    out
}

/// Names a gist keeps room for even before they are written: the index everywhere, and
/// in the first gist the summed badges (a sharded matrix writes them only in its last,
/// aggregate job).
fn reserved(gist: usize) -> Vec<String> {
    let mut out = vec![INDEX_FILE.to_string()];
    if gist == 0 {
        for m in Metric::ALL {
            out.push(format!("{m}.json"));
            out.push(format!("{m}.svg"));
        }
    }
    out
}

/// How many files a gist holds or is bound to hold: every file that is neither a
/// repository's history nor its badges once (charts included), and each repository's
/// history and badges as at least [`FILES_PER_REPO`].
fn footprint<'a>(names: impl Iterator<Item = &'a String>) -> usize {
    let mut shared = 0;
    let mut per_repo: BTreeMap<&str, usize> = BTreeMap::new();
    for name in names {
        match repo_key(name).filter(|_| !is_optional(name)) {
            Some(key) => *per_repo.entry(key).or_default() += 1,
            None => shared += 1,
        }
    }
    shared + per_repo.values().map(|n| (*n).max(FILES_PER_REPO)).sum::<usize>()
}

/// What one write sends to each gist, decided before anything is sent.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Plan {
    /// Per gist, in list order: the files to write there.
    files: Vec<Files>,
    /// Per gist: its [`footprint`] after the write.
    footprint: Vec<usize>,
    /// Per gist: how many repositories it holds after the write.
    repos: Vec<usize>,
    /// Per gist that has no room for them: the charts left out of this write.
    skipped: BTreeMap<usize, Vec<String>>,
}

/// Splits one write over the gists. A repository's history and badges go to the gist
/// that already holds it, a new one where [`route`] finds room; the index and the
/// summed badges go to the first gist; charts go beside them where there is room
/// ([`place_optional`]). The index given is the combined one: it is
/// written to the first gist with [`Index::gists`] set from where every repository is,
/// and each other gist that holds a repository gets an index of its own repositories, so
/// it stands on its own. Refuses, before anything is written, a write that would leave
/// any gist past GitHub's listing limit.
fn plan(ids: &[String], listings: &[&BTreeSet<String>], files: &Files) -> Result<Plan, Error> {
    let n = ids.len().min(listings.len());
    if n == 0 {
        return Err(Error::Refused("input `gist-id` names no gist".into()));
    }
    let mut homes = homes(listings);
    let mut planned = vec![Files::new(); n];
    let mut by_key: BTreeMap<&str, Files> = BTreeMap::new();
    let mut index_text = None;
    let mut optional = Files::new();
    for (name, content) in files {
        if name == INDEX_FILE {
            index_text = Some(content);
        } else if is_optional(name) {
            optional.insert(name.clone(), content.clone());
        } else if let Some(key) = repo_key(name) {
            by_key.entry(key).or_default().insert(name.clone(), content.clone());
        } else if let Some(first) = planned.first_mut() {
            first.insert(name.clone(), content.clone());
        }
    }
    place_repositories(listings, by_key, &mut homes, &mut planned)?;
    let skipped = place_optional(listings, optional, &homes, &mut planned);
    if let Some(text) = index_text {
        plan_indexes(ids, text, &homes, &mut planned)?;
    }
    let mut out = Plan { files: Vec::new(), footprint: Vec::new(), repos: Vec::new(), skipped };
    for (i, p) in planned.iter().enumerate() {
        let mut actual: BTreeSet<&String> = listings.get(i).map(|l| l.iter().collect()).unwrap_or_default();
        actual.extend(p.keys());
        if !p.is_empty() && actual.len() > GIST_FILE_LIMIT {
            return Err(Error::Refused(format!(
                "gist {} would hold {} files, past the {GIST_FILE_LIMIT} GitHub lists: add another gist id at the end of input `gist-id` and move some repositories' files there, or use data-dir; nothing was written",
                ids.get(i).map_or("?", String::as_str),
                actual.len()
            )));
        }
        out.footprint.push(footprint(names_of(listings, i, &planned).iter()));
        out.repos.push(homes.values().filter(|h| **h == i).count());
    }
    out.files = planned;
    Ok(out)
}

/// The names gist `i` holds or is bound to hold once `planned` is written.
fn names_of(listings: &[&BTreeSet<String>], i: usize, planned: &[Files]) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = listings.get(i).map(|l| (*l).clone()).unwrap_or_default();
    names.extend(planned.get(i).into_iter().flat_map(|f| f.keys().cloned()));
    names.extend(reserved(i));
    names
}

/// Puts each repository's files in the gist that holds it, or a new one where [`route`]
/// finds room; refuses when any new repository has nowhere to go.
fn place_repositories(
    listings: &[&BTreeSet<String>],
    by_key: BTreeMap<&str, Files>,
    homes: &mut BTreeMap<String, usize>,
    planned: &mut [Files],
) -> Result<(), Error> {
    let n = planned.len();
    let mut no_room = Vec::new();
    for (key, fs) in by_key {
        let fits = |i: usize, files: usize| footprint(names_of(listings, i, planned).iter()) + files <= GIST_FILE_LIMIT;
        let home = match homes.get(key) {
            Some(i) => Some(*i),
            None => route(&repo_of_key(key), n, |i| fits(i, FILES_PER_REPO + OPTIONAL_PER_REPO))
                .or_else(|| route(&repo_of_key(key), n, |i| fits(i, FILES_PER_REPO))),
        };
        match home.and_then(|i| planned.get_mut(i).map(|p| (i, p))) {
            Some((i, p)) => {
                p.extend(fs);
                homes.insert(key.to_string(), i);
            }
            None => no_room.push(repo_of_key(key)),
        }
    }
    let Some(first) = no_room.first() else { return Ok(()) };
    Err(Error::Refused(format!(
        "no gist in input `gist-id` has room for {first}{}: each repository takes {FILES_PER_REPO} files and GitHub lists at most {GIST_FILE_LIMIT} per gist; add another gist id at the end of `gist-id` (stored repositories stay where they are) or use data-dir; nothing was written",
        match no_room.len() {
            1 => String::new(),
            k => format!(" and {} other new repositories", k - 1),
        }
    )))
}

/// Puts the charts beside their repositories (the summed one in the first gist), all of
/// a gist's new ones or none: a gist takes them only if its [`footprint`] stays within
/// the limit with them, so they never take the room a repository's history and badges
/// are bound to need. A chart the gist already lists is always written. Returns, per
/// gist, the charts left out.
fn place_optional(
    listings: &[&BTreeSet<String>],
    optional: Files,
    homes: &BTreeMap<String, usize>,
    planned: &mut [Files],
) -> BTreeMap<usize, Vec<String>> {
    let mut by_gist: BTreeMap<usize, Files> = BTreeMap::new();
    let mut skipped: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    for (name, content) in optional {
        match repo_key(&name).map(|k| homes.get(k).copied()) {
            None => by_gist.entry(0).or_default().insert(name, content),
            Some(Some(i)) => by_gist.entry(i).or_default().insert(name, content),
            // A chart of a repository stored nowhere: nothing to put it beside.
            Some(None) => continue,
        };
    }
    for (i, mut charts) in by_gist {
        let listed = |name: &String| listings.get(i).is_some_and(|l| l.contains(name));
        let mut names = names_of(listings, i, planned);
        names.extend(charts.keys().cloned());
        if footprint(names.iter()) > GIST_FILE_LIMIT {
            let left_out: Vec<String> = charts.keys().filter(|n| !listed(n)).cloned().collect();
            charts.retain(|name, _| listed(name));
            skipped.insert(i, left_out);
        }
        if let Some(p) = planned.get_mut(i) {
            p.extend(charts);
        }
    }
    skipped
}

/// The combined index for the first gist (with [`Index::gists`] saying where each
/// repository is), and for each other gist this write touches, an index of its own.
fn plan_indexes(
    ids: &[String],
    text: &str,
    homes: &BTreeMap<String, usize>,
    planned: &mut [Files],
) -> Result<(), Error> {
    let home_of = |file: &str| repo_key(file).and_then(|k| homes.get(k).copied());
    let mut index = Index::parse(text).map_err(|e| Error::Refused(format!("refusing to write {INDEX_FILE}: {e}")))?;
    let gists: BTreeMap<String, String> = index
        .repos
        .iter()
        .filter_map(|(repo, file)| match home_of(file) {
            Some(i) if i > 0 => ids.get(i).map(|id| (repo.clone(), id.clone())),
            _ => None,
        })
        .collect();
    // A gist this write does not touch keeps its index as it is: writing it anyway
    // would make every job of a matrix race on every gist.
    for (i, p) in planned.iter_mut().enumerate().skip(1).filter(|(_, p)| !p.is_empty()) {
        let own: BTreeMap<String, String> =
            index.repos.iter().filter(|(_, f)| home_of(f) == Some(i)).map(|(r, f)| (r.clone(), f.clone())).collect();
        if !own.is_empty() {
            let mine = Index { repos: own, gists: BTreeMap::new(), ..index.clone() };
            p.insert(INDEX_FILE.to_string(), mine.to_json());
        }
    }
    // Unchanged, the text goes as it came: one gist writes exactly what it always did.
    let combined = if index.gists == gists {
        text.to_string()
    } else {
        index.gists = gists;
        index.to_json()
    };
    if let Some(first) = planned.first_mut() {
        first.insert(INDEX_FILE.to_string(), combined);
    }
    Ok(())
}

/// History over the gists that input `gist-id` lists, for users whose repositories do
/// not fit one gist's 300-file listing (about 26 repositories each). The first gist holds
/// the combined index and the summed badges; each repository's history and badges live
/// together in exactly one gist, found by the gists' listings, so a stored repository
/// never moves; a new one goes where [`route`] finds room. With one id this is exactly
/// a single [`Gist`], plus the capacity checks.
pub(crate) fn gists(gists: Vec<Gist>) -> Gists {
    Gists { gists, warned: BTreeSet::new() }
}

#[derive(Debug)]
pub(crate) struct Gists {
    gists: Vec<Gist>,
    /// What this run already warned about: a rewrite after a race plans again.
    warned: BTreeSet<String>,
}

impl Gists {
    fn ids(&self) -> Vec<String> {
        self.gists.iter().map(|g| g.id.clone()).collect()
    }

    fn listings(&self) -> Vec<&BTreeSet<String>> {
        static EMPTY: BTreeSet<String> = BTreeSet::new();
        self.gists.iter().map(|g| g.listed.as_ref().map_or(&EMPTY, |(names, _)| names)).collect()
    }

    fn warn_once(&mut self, key: String, message: &str) {
        if self.warned.insert(key) {
            log::warn!("{message}");
        }
    }

    /// The combined index: the first gist's, united with every other gist's own (so a
    /// run that stopped between gists still sees each repository), with
    /// [`Index::gists`] set from the listings. One gist: its text as stored.
    fn combined_index(&self, got: &[Files], homes: &BTreeMap<String, usize>) -> Result<Option<String>, Error> {
        let ids = self.ids();
        let first_text = got.first().and_then(|f| f.get(INDEX_FILE));
        let first = match first_text.map(|t| Index::parse(t)) {
            // Handed on as it is: the caller refuses it with its own message.
            Some(Err(_)) => return Ok(first_text.cloned()),
            Some(Ok(i)) => Some(i),
            None => None,
        };
        if let Some(first) = &first {
            for (repo, id) in &first.gists {
                let located = repo_index_key(first, repo).is_some_and(|k| homes.contains_key(k));
                if !located && !ids.iter().any(|i| i.eq_ignore_ascii_case(id)) {
                    return Err(Error::Refused(format!(
                        "{INDEX_FILE} says gist {id} holds the history of {repo}, but input `gist-id` does not list that gist: add {id} back to `gist-id` (a repository stays in the gist that holds it); nothing was written"
                    )));
                }
            }
        }
        if ids.len() == 1 {
            return Ok(first_text.cloned());
        }
        let mut merged = first.clone();
        for (g, files) in self.gists.iter().zip(got).skip(1) {
            if let Some(text) = files.get(INDEX_FILE) {
                let own = Index::parse(text).map_err(|e| Error::Unusable {
                    file: INDEX_FILE.into(),
                    place: g.describe(),
                    why: Box::new(e),
                })?;
                merged = Some(match merged {
                    Some(m) => m.merge(&own),
                    None => own,
                });
            }
        }
        Ok(merged.map(|mut m| {
            m.gists = m
                .repos
                .iter()
                .filter_map(|(repo, file)| match repo_key(file).and_then(|k| homes.get(k)) {
                    Some(i) if *i > 0 => ids.get(*i).map(|id| (repo.clone(), id.clone())),
                    _ => None,
                })
                .collect();
            m.to_json()
        }))
    }
}

/// One gist of a store over several, read alone: for a reader that goes through the
/// store a gist at a time to hold one gist's histories at once, not every gist's
/// (`gtt export`, see [`Gists::into_parts`]). A read asks this gist alone (one request)
/// and keeps none of the texts it hands over; it answers [`INDEX_FILE`] with the
/// combined index, so every history the store lists is checked against what this gist
/// answered, as a read of the whole store checks it.
#[derive(Debug)]
pub(crate) struct Part {
    gist: Gist,
    index: String,
}

impl Backend for Part {
    fn read(&mut self, names: &[String]) -> Result<Files, Error> {
        let own: Vec<String> = names.iter().filter(|n| *n != INDEX_FILE).cloned().collect();
        let mut files = self.gist.read_only(&own)?;
        if names.len() > own.len() {
            files.insert(INDEX_FILE.to_string(), self.index.clone());
        }
        Ok(files)
    }

    /// A part is read, never written: what is written to a store over several gists is
    /// planned over all of them ([`Gists`]' write).
    fn write(&mut self, _files: &Files, _names: &[String]) -> Result<Vec<Files>, Error> {
        Err(Error::Refused(format!(
            "{} was read alone, as one of several gists, and is not written that way; nothing was written: this is a gtt bug, please report it",
            self.gist.describe()
        )))
    }

    fn describe(&self) -> String {
        self.gist.describe()
    }

    fn public_url(&self, file: &str) -> Option<String> {
        self.gist.public_url(file)
    }
}

impl Gists {
    /// The store split for a reader that goes through it a gist at a time: each gist
    /// that holds the history of any of `repos` (where a read of the whole store takes
    /// it from: the first gist, in list order, whose listing has it), in list order, as
    /// a [`Part`] answering `index` (the combined index), with those of `repos` it
    /// holds, in the order given. `repos` are repositories the index lists: one whose
    /// history no gist holds is missing, and refused before any part is read. Gists not
    /// read yet are read first (one request each); the parts' reads are one request per
    /// part, so the gists that hold none of `repos` are not read again.
    pub(crate) fn into_parts(mut self, repos: &[String], index: &str) -> Result<Vec<(Part, Vec<String>)>, Error> {
        for g in &mut self.gists {
            if g.listed.is_none() {
                g.read_only(&[])?;
            }
        }
        let mut groups = vec![Vec::new(); self.gists.len()];
        let mut doubles = Vec::new();
        for repo in repos {
            let name = history_file(repo);
            let holders: Vec<usize> =
                self.listings().iter().enumerate().filter(|(_, l)| l.contains(&name)).map(|(i, _)| i).collect();
            let Some(group) = holders.first().and_then(|i| groups.get_mut(*i)) else {
                let why = format!("{INDEX_FILE} lists {repo} but no gist holds its history file");
                return Err(Error::Unusable { file: name, place: self.describe(), why: why.into() });
            };
            group.push(repo.clone());
            if holders.len() > 1 {
                let ids: Vec<&str> = holders.iter().filter_map(|i| self.gists.get(*i).map(|g| g.id.as_str())).collect();
                doubles.push((name, ids.join(", ")));
            }
        }
        for (name, where_) in doubles {
            self.warn_once(format!("double {name}"), &double(&name, &where_));
        }
        Ok(self
            .gists
            .into_iter()
            .zip(groups)
            .filter(|(_, group)| !group.is_empty())
            .map(|(gist, group)| (Part { gist, index: index.to_string() }, group))
            .collect())
    }
}

/// The warning for a file that more than one gist holds (`where_`: their ids).
fn double(name: &str, where_: &str) -> String {
    format!(
        "{name} is in more than one gist ({where_}); gtt reads and writes the first listed and leaves the others alone: delete the stale copies"
    )
}

/// The one warning line for a gist that has no room for its charts, naming the fix.
fn no_room_for_charts(id: &str, charts: &[String]) -> String {
    let named: Vec<&str> = charts.iter().take(3).map(String::as_str).collect();
    let more = match charts.len().saturating_sub(named.len()) {
        0 => String::new(),
        k => format!(" and {k} more"),
    };
    format!(
        "gist {id} has no room for {} ({}{more}): GitHub lists at most {GIST_FILE_LIMIT} files per gist and each repository's history and badges come first, so its charts are not written; to get them, add another gist id at the end of input `gist-id` and move some repositories' files there (or use data-dir)",
        if charts.len() == 1 { "a chart".to_string() } else { format!("{} charts", charts.len()) },
        named.join(", ")
    )
}

/// The file key of a repository listed in an index, from its history file name.
fn repo_index_key<'a>(index: &'a Index, repo: &str) -> Option<&'a str> {
    index.repos.get(repo).and_then(|f| repo_key(f))
}

impl Backend for Gists {
    /// Reads every gist (their listings say where each repository is) and returns each
    /// file from the gist that holds it, and the combined index.
    fn read(&mut self, names: &[String]) -> Result<Files, Error> {
        let mut got = Vec::new();
        for g in &mut self.gists {
            got.push(g.read(names)?);
        }
        let ids = self.ids();
        let listings = self.listings();
        let homes = homes(&listings);
        let mut out = Files::new();
        let mut doubles = Vec::new();
        for name in names.iter().filter(|n| *n != INDEX_FILE) {
            let holders: Vec<usize> =
                (0..got.len()).filter(|i| got.get(*i).is_some_and(|f| f.contains_key(name))).collect();
            let home = repo_key(name).and_then(|k| homes.get(k).copied()).filter(|h| holders.contains(h));
            if let Some(text) = home.or(holders.first().copied()).and_then(|i| got.get(i)?.get(name)) {
                out.insert(name.clone(), text.clone());
            }
            if holders.len() > 1 {
                let where_: Vec<&str> = holders.iter().filter_map(|i| ids.get(*i).map(String::as_str)).collect();
                doubles.push((name.clone(), where_.join(", ")));
            }
        }
        if names.iter().any(|n| n == INDEX_FILE)
            && let Some(text) = self.combined_index(&got, &homes)?
        {
            out.insert(INDEX_FILE.to_string(), text);
        }
        for (name, where_) in doubles {
            self.warn_once(format!("double {name}"), &double(&name, &where_));
        }
        Ok(out)
    }

    /// Plans every gist's files first (refusing, before anything is sent, a write that
    /// would push a gist past the listing limit), then writes the other gists and the
    /// first last, so the combined index never names a file that is not there yet.
    /// Returns what concurrent writers landed in any of the gists.
    fn write(&mut self, files: &Files, names: &[String]) -> Result<Vec<Files>, Error> {
        for g in &mut self.gists {
            if g.listed.is_none() {
                g.read(&[])?;
            }
        }
        let ids = self.ids();
        let plan = {
            let listings = self.listings();
            plan(&ids, &listings, files)?
        };
        let homes = homes(&self.listings());
        let room: usize = plan.footprint.iter().map(|f| GIST_FILE_LIMIT.saturating_sub(*f) / FILES_PER_REPO).sum();
        for (i, fp) in plan.footprint.iter().enumerate() {
            if *fp >= GIST_FILE_WARN {
                let id = ids.get(i).map_or("?", String::as_str);
                self.warn_once(
                    format!("full {id}"),
                    &format!(
                        "gist {id} is nearly full: {fp} of the {GIST_FILE_LIMIT} files GitHub lists ({} repositories at {FILES_PER_REPO} files each); the gists in input `gist-id` have room for {room} more repositories: add another gist id at the end of `gist-id` before they run out (stored repositories stay where they are)",
                        plan.repos.get(i).copied().unwrap_or(0)
                    ),
                );
            }
        }
        for (i, charts) in &plan.skipped {
            let id = ids.get(*i).map_or("?", String::as_str);
            self.warn_once(format!("charts {id}"), &no_room_for_charts(id, charts));
        }
        let n = self.gists.len();
        let mut out = Vec::new();
        for i in (1..n).chain(0..1) {
            let (Some(f), Some(g)) = (plan.files.get(i), self.gists.get_mut(i)) else { continue };
            if f.is_empty() {
                continue;
            }
            let own: Vec<String> = names
                .iter()
                .filter(|name| {
                    *name == INDEX_FILE
                        || f.contains_key(*name)
                        || repo_key(name).and_then(|k| homes.get(k)) == Some(&i)
                })
                .cloned()
                .collect();
            out.extend(g.write(f, &own)?);
        }
        Ok(out)
    }

    fn describe(&self) -> String {
        match self.gists.as_slice() {
            [one] => one.describe(),
            many => format!("gists {}", many.iter().map(|g| g.id.as_str()).collect::<Vec<_>>().join(", ")),
        }
    }

    /// A repository's files are where its history is; everything else is in the first gist.
    fn public_url(&self, file: &str) -> Option<String> {
        let home = repo_key(file).and_then(|k| homes(&self.listings()).get(k).copied()).unwrap_or(0);
        self.gists.get(home)?.public_url(file)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::github::Client;
    use crate::store::gist::gist;
    use crate::store::layout::history_file;

    #[test]
    fn routing_is_a_stable_hash_that_skips_full_gists_in_list_order() {
        // Pinned: a new gtt must send a new repository where an old one would have.
        assert_eq!(route("octo/hello", 3, |_| true), Some(1));
        assert_eq!(route("octo/world", 3, |_| true), Some(2));
        assert_eq!(route("a/b", 3, |_| true), Some(0));
        assert_eq!(route("a/b", 4, |_| true), Some(1));
        assert_eq!(route("OCTO/Hello", 3, |_| true), route("octo/hello", 3, |_| true), "case-blind");
        // Relative to the first choice h: (gists, full offsets, wanted offset).
        type Case = (usize, &'static [usize], Option<usize>);
        let cases: &[Case] = &[
            (1, &[], Some(0)),
            (1, &[0], None),
            (3, &[], Some(0)),
            (3, &[0], Some(1)),
            (3, &[0, 1], Some(2)),
            (3, &[1], Some(0)),
            (3, &[0, 1, 2], None),
            (5, &[0, 1, 2, 3], Some(4)),
            (5, &[0, 2, 3, 4], Some(1)),
        ];
        for repo in ["octo/hello", "octo/world", "a/b", "big-org/lib-0042"] {
            assert_eq!(route(repo, 0, |_| true), None, "no gists");
            for (n, full, want) in cases {
                let h = usize::try_from(crate::discover::shard_of(repo, u32::try_from(*n).expect("n")) - 1).expect("h");
                let got = route(repo, *n, |i| !full.iter().any(|o| (h + o) % n == i));
                assert_eq!(got, want.map(|o| (h + o) % n), "{repo} over {n} gists, full {full:?}");
            }
        }
    }

    fn listing(names: &[String]) -> BTreeSet<String> {
        names.iter().cloned().collect()
    }

    /// `n` repositories `PREFIX-i` with every file a repository holds.
    fn stored_repos(prefix: &str, n: usize) -> Vec<String> {
        let mut out = Vec::new();
        for i in 0..n {
            let key = format!("o.{prefix}-{i}");
            out.push(format!("history-{key}.json"));
            for m in Metric::ALL {
                out.push(format!("badge-{key}-{m}.json"));
                out.push(format!("badge-{key}-{m}.svg"));
            }
        }
        out
    }

    fn index_of(repos: &[&str]) -> Index {
        let mut i = Index::new();
        for r in repos {
            i.repos.insert(r.to_string(), history_file(r));
        }
        i
    }

    #[test]
    fn a_plan_keeps_stored_repositories_routes_new_ones_and_splits_the_index() {
        let ids = vec!["g1".to_string(), "g2".to_string()];
        let first = listing(&["history-o.a.json".into(), INDEX_FILE.into()]);
        let second = listing(&["history-o.b.json".into(), INDEX_FILE.into()]);
        let mut files = Files::new();
        for r in ["o/a", "o/b", "o/new"] {
            files.insert(history_file(r), "{}".into());
            files.insert(format!("badge-{}-views.svg", r.replace('/', ".")), "<svg/>".into());
        }
        files.insert("views.json".into(), "{}".into());
        files.insert(INDEX_FILE.into(), index_of(&["o/a", "o/b", "o/new"]).to_json());
        let p = plan(&ids, &[&first, &second], &files).expect("plan");
        let new_home = route("o/new", 2, |_| true).expect("room");
        let holds = |g: usize, f: &str| p.files[g].contains_key(f);
        assert!(holds(0, "history-o.a.json") && holds(0, "badge-o.a-views.svg"));
        assert!(holds(1, "history-o.b.json") && holds(1, "badge-o.b-views.svg"), "stays in gist 2");
        assert!(holds(new_home, "history-o.new.json") && holds(new_home, "badge-o.new-views.svg"));
        assert!(holds(0, "views.json") && !holds(1, "views.json"), "sums in the first gist");
        let combined = Index::parse(&p.files[0][INDEX_FILE]).expect("index");
        assert_eq!(combined.repos.len(), 3, "the first gist's index lists every repository");
        assert_eq!(combined.gists.get("o/b").map(String::as_str), Some("g2"));
        assert_eq!(combined.gists.contains_key("o/new"), new_home == 1);
        assert!(!combined.gists.contains_key("o/a"));
        let own = Index::parse(&p.files[1][INDEX_FILE]).expect("own index");
        assert!(own.gists.is_empty() && own.repos.contains_key("o/b") && !own.repos.contains_key("o/a"));
        assert_eq!(p.repos.iter().sum::<usize>(), 3);

        // One gist: the index goes as it came, byte for byte.
        let only = vec!["g1".to_string()];
        let text = files[INDEX_FILE].clone();
        let p = plan(&only, &[&first], &files).expect("plan");
        assert_eq!(p.files[0][INDEX_FILE], text);
        assert_eq!(p.files[0].len(), files.len());
    }

    #[test]
    fn a_plan_refuses_when_no_gist_has_room_or_a_gist_would_pass_the_limit() {
        let ids = vec!["g1".to_string(), "g2".to_string()];
        // 26 repositories fill the first gist (with the index and sums), 27 any other.
        let mut full1 = listing(&stored_repos("a", 26));
        full1.insert(INDEX_FILE.into());
        let full2 = listing(&stored_repos("b", 27));
        let mut files = Files::new();
        files.insert(history_file("o/new"), "{}".into());
        let err = plan(&ids, &[&full1, &full2], &files).expect_err("no room");
        assert!(err.to_string().contains("input `gist-id`") && err.to_string().contains("o/new"), "{err}");
        // Room in the second gist is found whatever the hash says.
        let roomy = listing(&stored_repos("b", 26));
        let p = plan(&ids, &[&full1, &roomy], &files).expect("room in gist 2");
        assert!(p.files[1].contains_key("history-o.new.json"));
        assert!(p.footprint[0] >= GIST_FILE_WARN && p.footprint[0] <= GIST_FILE_LIMIT, "{:?}", p.footprint);
        // Stored repositories are written where they are, but never past the limit.
        let mut crowded: Vec<String> = (0..295).map(|i| format!("other-{i}.txt")).collect();
        crowded.push("history-o.a.json".into());
        let crowded = listing(&crowded);
        let mut badges = Files::new();
        for m in Metric::ALL {
            badges.insert(format!("badge-o.a-{m}.json"), "{}".into());
        }
        let err = plan(&ids[..1], &[&crowded], &badges).expect_err("past 300");
        assert!(err.to_string().contains("gist g1 would hold 301 files"), "{err}");
    }

    /// A collect's files for repositories `PREFIX-i`: history, badges and chart, and the
    /// sums with the summed chart.
    fn collect_files(prefix: &str, n: usize) -> Files {
        let mut files: Files = stored_repos(prefix, n).into_iter().map(|f| (f, "x".to_string())).collect();
        for i in 0..n {
            files.insert(format!("chart-o.{prefix}-{i}.svg"), "<svg/>".into());
        }
        for m in Metric::ALL {
            files.insert(format!("{m}.json"), "{}".into());
            files.insert(format!("{m}.svg"), "<svg/>".into());
        }
        files.insert("chart.svg".into(), "<svg/>".into());
        files
    }

    fn charts(f: &Files) -> Vec<&String> {
        f.keys().filter(|n| is_optional(n)).collect()
    }

    #[test]
    fn charts_are_written_only_where_a_gist_has_room_for_them() {
        let ids = vec!["g1".to_string()];
        // A gist with room: every chart beside its repository, the sum in the first.
        let mut some = listing(&stored_repos("a", 3));
        some.insert(INDEX_FILE.into());
        let p = plan(&ids, &[&some], &collect_files("a", 3)).expect("plan");
        assert_eq!(charts(&p.files[0]).len(), 4, "{:?}", p.files[0].keys());
        assert!(p.skipped.is_empty());

        // 26 repositories fill a gist (index, sums and 26 x 11 = 297 files): it keeps
        // collecting, without charts, and says which it left out.
        let mut full = listing(&stored_repos("a", 26));
        full.insert(INDEX_FILE.into());
        let files = collect_files("a", 26);
        let p = plan(&ids, &[&full], &files).expect("a full gist keeps collecting");
        assert!(charts(&p.files[0]).is_empty(), "{:?}", charts(&p.files[0]));
        assert_eq!(p.files[0].len(), files.len() - 27, "everything but the charts");
        assert_eq!(p.skipped.get(&0).map(Vec::len), Some(27));
        let line = no_room_for_charts("g1", &p.skipped[&0]);
        assert!(line.contains("gist g1 has no room for 27 charts (chart-o.a-0.svg") && line.contains("and 24 more"));
        assert!(line.contains("add another gist id at the end of input `gist-id`") && !line.contains('\n'), "{line}");

        // A chart it already holds takes no new room: still written.
        full.insert("chart-o.a-7.svg".into());
        let p = plan(&ids, &[&full], &files).expect("plan");
        assert_eq!(charts(&p.files[0]), ["chart-o.a-7.svg"]);
        assert!(!p.skipped[&0].contains(&"chart-o.a-7.svg".to_string()));
    }

    #[test]
    fn a_new_repository_goes_where_its_chart_fits_when_any_gist_has_room() {
        let ids = vec!["g1".to_string(), "g2".to_string()];
        let first = route("o/new", 2, |_| true).expect("route");
        // Footprint 289: room for a repository's 11 required files, not for its chart.
        let tight = |i: usize| -> BTreeSet<String> {
            (0..289 - reserved(i).len()).map(|k| format!("note-{k:03}.txt")).collect()
        };
        let roomy = listing(&[INDEX_FILE.into()]);
        let mut files = collect_files("x", 0);
        files.retain(|n, _| !is_optional(n) || n == "chart.svg");
        files.insert(history_file("o/new"), "{}".into());
        files.insert("chart-o.new.svg".into(), "<svg/>".into());
        let mut listings = [roomy.clone(), roomy.clone()];
        listings[first] = tight(first);
        let p = plan(&ids, &[&listings[0], &listings[1]], &files).expect("plan");
        let other = 1 - first;
        assert!(p.files[other].contains_key("history-o.new.json") && p.files[other].contains_key("chart-o.new.svg"));
        // No gist has room for the chart: the hash's gist takes the repository without it.
        listings[other] = tight(other);
        let p = plan(&ids, &[&listings[0], &listings[1]], &files).expect("plan");
        assert!(p.files[first].contains_key("history-o.new.json"));
        assert!(!p.files.iter().any(|f| f.contains_key("chart-o.new.svg")));
        assert_eq!(p.skipped.get(&first).map(Vec::as_slice), Some(&["chart-o.new.svg".to_string()][..]));
    }

    /// A gist of github.com owned by octo whose listing (as a read saw it) is `files`.
    fn gist_at(id: &str, files: &[&str]) -> Gist {
        let client =
            Client::new("https://api.github.com", crate::config::Secret::new("t"), std::time::Duration::from_secs(1));
        let mut g = gist(client, id);
        g.owner = Some("octo".into());
        g.listed = Some((files.iter().map(|f| f.to_string()).collect(), false));
        g
    }

    #[test]
    fn parts_group_repositories_by_the_first_gist_that_holds_their_history() {
        let store = || {
            gists(vec![
                gist_at("g1", &[INDEX_FILE, "history-o.a.json", "badge-o.c-views.json"]),
                gist_at("g2", &[INDEX_FILE, "history-o.b.json"]),
                gist_at("g3", &[INDEX_FILE, "history-o.c.json", "history-o.a.json"]),
                gist_at("g4", &[INDEX_FILE, "history-o.d.json"]),
            ])
        };
        let repos: Vec<String> = ["o/c", "O/A", "o/b"].iter().map(|r| r.to_string()).collect();
        let parts = store().into_parts(&repos, "{}").expect("parts");
        let got: Vec<(String, Vec<String>)> = parts.iter().map(|(p, g)| (p.describe(), g.clone())).collect();
        let want = [("gist g1", vec!["O/A"]), ("gist g2", vec!["o/b"]), ("gist g3", vec!["o/c"])];
        let want: Vec<(String, Vec<String>)> =
            want.iter().map(|(d, g)| (d.to_string(), g.iter().map(|r| r.to_string()).collect())).collect();
        assert_eq!(got, want, "a double goes to the first; a badge is no history; g4 holds none: no part");
        assert_eq!(parts.first().map(|(p, _)| p.index.as_str()), Some("{}"), "each part answers the combined index");

        let err = store().into_parts(&["o/b".to_string(), "o/e".to_string()], "{}").expect_err("o/e is nowhere");
        let text = err.to_string();
        assert!(text.contains("history-o.e.json in gists g1, g2, g3, g4 cannot be used"), "{text}");
        assert!(text.contains("gtt.json lists o/e but no gist holds its history file"), "{text}");
    }

    #[test]
    fn a_part_is_never_written() {
        let mut parts =
            gists(vec![gist_at("g1", &["history-o.a.json"])]).into_parts(&["o/a".into()], "{}").expect("parts");
        let (part, _) = parts.first_mut().expect("one part");
        let err = part.write(&Files::new(), &[]).expect_err("refused");
        assert!(err.to_string().contains("gist g1 was read alone") && err.to_string().contains("gtt bug"), "{err}");
    }

    #[test]
    fn public_urls_point_at_the_gist_that_holds_the_file() {
        let both = gists(vec![
            gist_at("g1", &[INDEX_FILE, "views.json", "history-o.a.json"]),
            gist_at("g2", &[INDEX_FILE, "history-o.b.json", "badge-o.b-views.json"]),
        ]);
        let url = |f: &str| both.public_url(f).expect("public");
        assert_eq!(url("views.json"), "https://gist.githubusercontent.com/octo/g1/raw/views.json");
        assert_eq!(url("badge-o.a-views.svg"), "https://gist.githubusercontent.com/octo/g1/raw/badge-o.a-views.svg");
        assert_eq!(url("badge-o.b-views.svg"), "https://gist.githubusercontent.com/octo/g2/raw/badge-o.b-views.svg");
        assert_eq!(url("history-o.b.json"), "https://gist.githubusercontent.com/octo/g2/raw/history-o.b.json");
        assert_eq!(url("chart-o.b.svg"), "https://gist.githubusercontent.com/octo/g2/raw/chart-o.b.svg");
        assert_eq!(url("chart.svg"), "https://gist.githubusercontent.com/octo/g1/raw/chart.svg");
        assert_eq!(url(""), "https://gist.githubusercontent.com/octo/g1/raw/", "the dashboard's base");
        assert_eq!(both.describe(), "gists g1, g2");
        assert_eq!(gists(vec![gist_at("g1", &[])]).describe(), "gist g1");
    }
}
