//! The read-merge-write cycle every command that stores histories goes through. The
//! index is the ledger: a history it lists must be in what the store answered, or the
//! run stops before anything is written. A write that lost a race to another writer
//! merges what that writer landed and writes again, a bounded number of times.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use jiff::Timestamp;

use crate::history::History;

use super::layout::{INDEX_FILE, history_file, settled_file, split_date};
use super::{Backend, Error, Files, Index};

/// How often a run re-reads and re-merges after losing a race to another writer.
const MAX_REWRITES: usize = 3;

/// Reads the index and the named repositories' histories, whole (a split history's live
/// and settled files joined). Any file that exists but cannot be parsed, and any history
/// (or settled part) the index (or a live file) names that is missing, stops the run
/// before anything is written.
pub(crate) fn load(backend: &mut dyn Backend, repos: &[String]) -> Result<(Index, Vec<History>), Error> {
    let files = backend.read(&history_names(repos))?;
    parse_files(&files, repos, &backend.describe(), true)
}

/// The index and every file of the histories of `repos`: live and settled.
fn history_names(repos: &[String]) -> Vec<String> {
    let mut names = vec![INDEX_FILE.to_string()];
    names.extend(repos.iter().flat_map(|r| [history_file(r), settled_file(r)]));
    names
}

/// A history whole: a live file joined with the settled file it names, as found in
/// `files`. A settled file named but absent is an error when `strict` (a read of the
/// store); a concurrent writer's revision may carry only what it changed.
fn joined(files: &Files, live: History, place: &str, strict: bool) -> Result<History, Error> {
    if live.settled.is_none() {
        return Ok(live);
    }
    let name = settled_file(&live.repo);
    match files.get(&name) {
        Some(text) => {
            let settled = History::parse(text, &live.repo).map_err(|e| unusable(&name, place, Box::new(e)))?;
            Ok(History::join(&live, &settled))
        }
        None if strict => {
            let why = format!("{} names its settled part {name}, which is missing", history_file(&live.repo));
            Err(unusable(&name, place, why.into()))
        }
        None => Ok(live),
    }
}

fn parse_files(files: &Files, repos: &[String], place: &str, strict: bool) -> Result<(Index, Vec<History>), Error> {
    let unusable = |file: &str, why: Box<dyn std::error::Error + Send + Sync>| Error::Unusable {
        file: file.to_string(),
        place: place.to_string(),
        why,
    };
    let index = match files.get(INDEX_FILE) {
        Some(text) => Index::parse(text).map_err(|e| unusable(INDEX_FILE, Box::new(e)))?,
        None => Index::new(),
    };
    let mut histories = Vec::new();
    for repo in repos {
        let name = history_file(repo);
        histories.push(match files.get(&name) {
            Some(text) => {
                let live = History::parse(text, repo).map_err(|e| unusable(&name, Box::new(e)))?;
                joined(files, live, place, strict)?
            }
            // Starting anew would write a few days over everything stored.
            None if index.repos.keys().any(|r| r.eq_ignore_ascii_case(repo)) => {
                let why =
                    format!("{INDEX_FILE} lists {repo} but the history file is missing from what the store answered");
                return Err(unusable(&name, why.into()));
            }
            None => History::new(repo),
        });
    }
    Ok((index, histories))
}

/// One write of histories: which of them changed, and the files that are derived from
/// all of them (badges), recomputed after every re-merge.
pub(crate) struct Write<'a> {
    /// The index as read; the repositories written are added to it, never removed.
    pub(crate) index: &'a Index,
    /// Every history in `all`, by name: re-read from a concurrent writer's revision.
    pub(crate) repos: &'a [String],
    /// Which histories of `all` this run changed (the others are written as they are
    /// only if the derived files need them).
    pub(crate) written: &'a [bool],
    pub(crate) now: Timestamp,
    /// Files derived from every history (badges), or none.
    pub(crate) derived: &'a dyn Fn(&[History]) -> Files,
}

/// Writes the changed histories with the index and the derived files; then merges
/// whatever a concurrent writer landed meanwhile and writes again, a bounded number of
/// times. `all` ends up as what is stored.
pub(crate) fn write(backend: &mut dyn Backend, w: &Write<'_>, all: &mut [History]) -> Result<(), Error> {
    let mut index = w.index.clone();
    let names = history_names(w.repos);
    let split = backend.file_by_file();
    for round in 0..=MAX_REWRITES {
        for (h, _) in all.iter_mut().zip(w.written).filter(|(_, w)| **w) {
            h.written_by = env!("CARGO_PKG_VERSION").to_string();
        }
        let files = render(w, &index, all, split)?;
        let concurrent = backend.write(&files, &names)?;
        if concurrent.is_empty() {
            return Ok(());
        }
        if round == MAX_REWRITES {
            break;
        }
        for files in &concurrent {
            let (other_index, others) = parse_files(files, w.repos, &backend.describe(), false)?;
            index = index.merge(&other_index);
            for h in all.iter_mut() {
                if let Some(o) = others.iter().find(|o| o.repo.eq_ignore_ascii_case(&h.repo)) {
                    // Ours was read whole: with their live part (whose settled part, if
                    // they did not rewrite it, is the one we read) it is whole still.
                    *h = h.merge(o);
                    h.settled = None;
                }
            }
        }
    }
    Err(Error::KeptChanging { place: backend.describe(), rounds: MAX_REWRITES })
}

/// What goes to the store: the changed histories (each split at its [`split_date`], when
/// the store splits them), the index listing them, and the derived files.
fn render(w: &Write<'_>, index: &Index, all: &[History], split: bool) -> Result<Files, Error> {
    let mut index = index.clone();
    let mut files = Files::new();
    for (h, _) in all.iter().zip(w.written).filter(|(_, ok)| **ok) {
        let name = history_file(&h.repo);
        if !index.repos.keys().any(|r| r.eq_ignore_ascii_case(&h.repo)) {
            index.repos.insert(h.repo.clone(), name.clone());
        }
        files.extend(history_files(h.clone(), split.then(|| split_date(w.now, &h.repo)))?.1);
    }
    index.updated = index.updated.max(Some(w.now));
    files.insert(INDEX_FILE.to_string(), index.to_json());
    files.extend((w.derived)(all));
    Ok(files)
}

/// The files of one history as written, and the part of it the live file holds: whole,
/// or, split at `at`, the live file and (when anything is before `at`) the settled one.
/// A live file whose settled part is not rewritten keeps naming it. A live part that
/// names a settled part it was not joined with, yet holds days before `at`, is refused:
/// writing a settled file of those days alone would lose the others.
fn history_files(h: History, at: Option<jiff::civil::Date>) -> Result<(History, Files), Error> {
    let mut files = Files::new();
    let Some(at) = at else {
        files.insert(history_file(&h.repo), h.to_json());
        return Ok((h, files));
    };
    if h.settled.is_some() && h.has_before(at) {
        return Err(Error::Refused(format!(
            "{}: refusing to split a history whose settled part was not read; this is a gtt bug, please report it",
            h.repo
        )));
    }
    let name = settled_file(&h.repo);
    let (mut live, settled) = h.split(at, &name);
    if let Some(mut settled) = settled {
        settled.schema = crate::history::SPLIT_SCHEMA;
        files.insert(name, settled.to_json());
    }
    if live.settled.is_some() {
        live.schema = crate::history::SPLIT_SCHEMA;
    }
    files.insert(history_file(&live.repo), live.to_json());
    Ok((live, files))
}

// ===================================================================
// One repository at a time
// ===================================================================

/// Full histories alive now, and the most alive at once in this process: every history a
/// [`Reader`] hands out, and every one a caller wraps in [`Held`], counts until dropped.
/// A run reports the peak (at debug level) so a test can check the bound by count.
static ALIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

/// A full history (as read from the store, or merged from one) that counts towards
/// [`peak_held`] while it lives.
#[derive(Debug)]
pub(crate) struct Held(History);

impl Held {
    pub(crate) fn new(h: History) -> Held {
        let now = ALIVE.fetch_add(1, Ordering::SeqCst) + 1;
        PEAK.fetch_max(now, Ordering::SeqCst);
        Held(h)
    }

    /// The history, no longer counted (handed to a thread that gives it back).
    pub(crate) fn into_inner(mut self) -> History {
        std::mem::replace(&mut self.0, History::new(""))
    }
}

impl std::ops::Deref for Held {
    type Target = History;
    fn deref(&self) -> &History {
        &self.0
    }
}

impl std::ops::DerefMut for Held {
    fn deref_mut(&mut self) -> &mut History {
        &mut self.0
    }
}

impl Drop for Held {
    fn drop(&mut self) {
        ALIVE.fetch_sub(1, Ordering::SeqCst);
    }
}

/// The most [`Held`] histories alive at once so far in this process.
pub(crate) fn peak_held() -> usize {
    PEAK.load(Ordering::SeqCst)
}

/// Reads the index, then one history at a time. A store that reads file by file (a
/// folder, a branch) is asked for each history when it is wanted, so nothing but the
/// index is held between reads; a gist answers every file in one request anyway (and
/// holds at most [`super::layout::FILES_PER_REPO`]-sized shares of 300 files), so its
/// texts are read at once and handed out one by one.
pub(crate) struct Reader {
    index: Index,
    /// Every text read at once, for a store that does not read file by file.
    cache: Option<Files>,
    place: String,
    /// The time of this run, which with each repository gives the date its history is
    /// split at ([`split_date`]); None for a store whose histories stay whole (a gist).
    now: Option<Timestamp>,
}

impl Reader {
    /// Reads the index (and, from a store that reads everything at once, the histories
    /// of `repos`), for a run at `now`.
    pub(crate) fn open(backend: &mut dyn Backend, repos: &[String], now: Timestamp) -> Result<Reader, Error> {
        let place = backend.describe();
        let file_by_file = backend.file_by_file();
        let names = if file_by_file { vec![INDEX_FILE.to_string()] } else { history_names(repos) };
        let mut files = backend.read(&names)?;
        let index = match files.remove(INDEX_FILE) {
            Some(text) => Index::parse(&text).map_err(|e| unusable(INDEX_FILE, &place, Box::new(e)))?,
            None => Index::new(),
        };
        let now = file_by_file.then_some(now);
        Ok(Reader { index, cache: (!file_by_file).then_some(files), place, now })
    }

    pub(crate) fn index(&self) -> &Index {
        &self.index
    }

    /// The stored history of `repo` (a new one if the index does not list it), read for
    /// the last time (a cached text is handed over): its live file, which with the
    /// digest of its settled part is all a run needs, unless the settled part must be
    /// rewritten (the live file's split date is not this run's: once a month, on the
    /// repository's own day, see [`split_date`]) or `whole` says, from the live file, that
    /// every day is wanted (archives to catch up): then the two joined, whole. A file
    /// that cannot be parsed, or one the index or the live file names that is missing,
    /// is an error.
    pub(crate) fn read(
        &mut self,
        backend: &mut dyn Backend,
        repo: &str,
        whole: impl FnOnce(&History) -> bool,
    ) -> Result<Held, Error> {
        let name = history_file(repo);
        let text = self.text(backend, &name)?;
        let live = self.read_text(repo, text)?;
        let stale = match (&live.settled, self.now) {
            // Another split date (a new month, or a clock set back): the days that
            // move between the files must be in one place first.
            (Some(s), Some(now)) => s.before != split_date(now, repo),
            (Some(_), None) => true,
            (None, _) => false,
        };
        if !(whole(&live) || stale) {
            return Ok(live);
        }
        self.join_settled(backend, live)
    }

    /// A history read as its live file, whole: joined with the settled file it names
    /// (as is when it names none). A settled file named but missing, or that cannot be
    /// parsed, is an error.
    pub(crate) fn join_settled(&mut self, backend: &mut dyn Backend, live: Held) -> Result<Held, Error> {
        if live.settled.is_none() {
            return Ok(live);
        }
        let name = settled_file(&live.repo);
        let mut files = Files::new();
        files.extend(self.text(backend, &name)?.map(|t| (name, t)));
        Ok(Held::new(joined(&files, live.into_inner(), &self.place, true)?))
    }

    /// The text of a file of the store, if it exists (a cached one handed over).
    fn text(&mut self, backend: &mut dyn Backend, name: &str) -> Result<Option<String>, Error> {
        Ok(match self.cache.as_mut() {
            Some(cache) => cache.remove(name),
            None => backend.read(&[name.to_string()])?.remove(name),
        })
    }

    /// The history of `repo` from its stored text, if any.
    fn read_text(&self, repo: &str, text: Option<String>) -> Result<Held, Error> {
        let name = history_file(repo);
        let h = match text {
            Some(text) => History::parse(&text, repo).map_err(|e| unusable(&name, &self.place, Box::new(e)))?,
            None if self.index.repos.keys().any(|r| r.eq_ignore_ascii_case(repo)) => {
                let why =
                    format!("{INDEX_FILE} lists {repo} but the history file is missing from what the store answered");
                return Err(unusable(&name, &self.place, why.into()));
            }
            None => History::new(repo),
        };
        Ok(Held::new(h))
    }
}

/// The fields of a stored history that fetching needs (see [`Reader::brief`]), read
/// without building the rest: the other fields are skipped by the parser.
#[derive(serde::Deserialize)]
struct BriefJson {
    schema: u32,
    repo: String,
    #[serde(default)]
    last_collected: Option<Timestamp>,
    #[serde(default)]
    days: BTreeMap<jiff::civil::Date, crate::history::Traffic>,
    #[serde(default)]
    ci_cache: BTreeMap<u64, BTreeMap<jiff::civil::Date, u64>>,
    #[serde(default)]
    ci_estimated_runs: std::collections::BTreeSet<u64>,
    #[serde(default)]
    validators: BTreeMap<String, crate::history::Validator>,
}

/// The parts of a brief that are large as parsed trees (the validators hold GitHub's
/// last answers as JSON values) and wait as text until the fetch.
#[derive(serde::Deserialize, serde::Serialize)]
struct BriefRest {
    #[serde(default)]
    ci_cache: BTreeMap<u64, BTreeMap<jiff::civil::Date, u64>>,
    #[serde(default)]
    ci_estimated_runs: std::collections::BTreeSet<u64>,
    #[serde(default)]
    validators: BTreeMap<String, crate::history::Validator>,
}

/// What fetching needs of a stored history ([`Reader::brief`]): its last collection (the
/// order of the fetch) and the days from the brief's start (the progress line counts new
/// days) as read, and its validators (conditional requests) and CI caches (runs already
/// counted) as compact JSON text, parsed only when its fetch starts ([`Brief::open`]):
/// a run holds every repository's brief until its fetch, and a parsed answer is several
/// times the size of its text.
#[derive(Debug)]
pub(crate) struct Brief {
    pub(crate) last_collected: Option<Timestamp>,
    pub(crate) days: BTreeMap<jiff::civil::Date, crate::history::Traffic>,
    rest: Box<str>,
}

impl Brief {
    fn new(h: History) -> Result<Brief, serde_json::Error> {
        let rest = BriefRest { ci_cache: h.ci_cache, ci_estimated_runs: h.ci_estimated_runs, validators: h.validators };
        let rest = serde_json::to_string(&rest)?.into_boxed_str();
        Ok(Brief { last_collected: h.last_collected, days: h.days, rest })
    }

    /// The history fetching reads for `repo`: its last collection, days, validators and
    /// CI caches. Only the text this brief wrote is parsed.
    pub(crate) fn open(self, repo: &str) -> Result<History, serde_json::Error> {
        let rest: BriefRest = serde_json::from_str(&self.rest)?;
        let mut h = History::new(repo);
        h.last_collected = self.last_collected;
        h.days = self.days;
        h.ci_cache = rest.ci_cache;
        h.ci_estimated_runs = rest.ci_estimated_runs;
        h.validators = rest.validators;
        Ok(h)
    }
}

impl Reader {
    /// What fetching needs of the stored history of `repo` (see [`Brief`]), with the days
    /// from `from`, read for hundreds of repositories before any is fetched, at a third
    /// of a full parse. A file that is not JSON, or is another repository's or a newer
    /// gtt's, is an error here; the full parse when the history is merged
    /// ([`Reader::read`]) checks the rest before anything of the run is in place (see
    /// [`Stream`]).
    pub(crate) fn brief(
        &mut self,
        backend: &mut dyn Backend,
        repo: &str,
        from: jiff::civil::Date,
    ) -> Result<Brief, Error> {
        let name = history_file(repo);
        let read;
        let text = match self.cache.as_ref() {
            Some(cache) => cache.get(&name).map(String::as_str),
            None => {
                read = backend.read(std::slice::from_ref(&name))?.remove(&name);
                read.as_deref()
            }
        };
        let brief_of = |h: History| Brief::new(h).map_err(|e| unusable(&name, &self.place, Box::new(e)));
        let Some(text) = text else {
            // Checks the index as a full read does.
            return brief_of(self.read_text(repo, None)?.into_inner());
        };
        let b: BriefJson = serde_json::from_str(text).map_err(|e| unusable(&name, &self.place, Box::new(e)))?;
        if b.schema > crate::history::SPLIT_SCHEMA || !b.repo.eq_ignore_ascii_case(repo) {
            // The full parse says why, in its words.
            return brief_of(self.read_text(repo, Some(text.to_string()))?.into_inner());
        }
        let mut h = History::new(repo);
        h.last_collected = b.last_collected;
        h.days = b.days.range(from..).map(|(d, t)| (*d, *t)).collect();
        h.ci_cache = b.ci_cache;
        h.ci_estimated_runs = b.ci_estimated_runs;
        h.validators = b.validators;
        brief_of(h)
    }
}

fn unusable(file: &str, place: &str, why: Box<dyn std::error::Error + Send + Sync>) -> Error {
    Error::Unusable { file: file.to_string(), place: place.to_string(), why }
}

/// The files derived from the histories of a streamed write: those of one repository
/// (its badges), produced as each history is handed over, and those summed over every
/// repository, produced at the end.
pub(crate) trait Derive {
    /// One repository's derived files; called again for a repository re-merged after a
    /// lost race, whose earlier contribution to the sums it replaces.
    fn repo(&mut self, h: &History) -> Files;
    /// The files summed over every repository handed over.
    fn summed(&self) -> Files;
}

/// A write that follows the run: each repository's files go to the store as the
/// repository finishes (a folder writes them to temporary files, a branch sends their
/// blobs), and the index and the summed files at the end (a folder renames everything
/// into place, the index last, so it never names a history that is not there; a
/// branch's one tree and commit; a gist's one PATCH, which carries every changed file:
/// its texts wait here until then).
///
/// The ledger's rule holds in this order: nothing handed over is in place before
/// [`Stream::finish`], and a run calls it only after every history of the run was read
/// in full, so a history that cannot be read stops the run before any write.
pub(crate) struct Stream {
    index: Index,
    /// The index and the history of every repository in the run: what a concurrent
    /// writer's revisions are read for.
    names: Vec<String>,
    /// Files a store that does not write file by file receives at the end.
    pending: Files,
    /// The histories written this run, by repository; for a gist, their texts, to merge a
    /// concurrent writer's into.
    written: BTreeMap<String, Option<String>>,
    now: Timestamp,
}

impl Stream {
    /// A write over `repos`, starting from the index as read.
    pub(crate) fn new(index: &Index, repos: &[String], now: Timestamp) -> Stream {
        let names = history_names(repos);
        Stream { index: index.clone(), names, pending: Files::new(), written: BTreeMap::new(), now }
    }

    /// Hands over one repository: its history when `write` (this run changed it),
    /// split for a store that splits histories (`h` is left as the live part), and the
    /// files `derive` makes of it.
    pub(crate) fn put(
        &mut self,
        backend: &mut dyn Backend,
        h: &mut History,
        write: bool,
        derive: &mut dyn Derive,
    ) -> Result<(), Error> {
        let mut files = Files::new();
        if write {
            h.written_by = env!("CARGO_PKG_VERSION").to_string();
            let name = history_file(&h.repo);
            if !self.index.repos.keys().any(|r| r.eq_ignore_ascii_case(&h.repo)) {
                self.index.repos.insert(h.repo.clone(), name.clone());
            }
            let at = backend.file_by_file().then(|| split_date(self.now, &h.repo));
            let (live, written) = history_files(std::mem::replace(h, History::new("")), at)?;
            *h = live;
            let keep = (!backend.file_by_file()).then(|| written.get(&name).cloned().unwrap_or_default());
            self.written.insert(h.repo.to_ascii_lowercase(), keep);
            files.extend(written);
        }
        files.extend(derive.repo(h));
        if !backend.put(&files)? {
            self.pending.extend(files);
        }
        Ok(())
    }

    /// Writes the index and the summed files (and whatever waited for the end); then
    /// merges what a concurrent writer landed in the histories of this run and writes
    /// those again, a bounded number of times.
    pub(crate) fn finish(mut self, backend: &mut dyn Backend, derive: &mut dyn Derive) -> Result<(), Error> {
        for round in 0..=MAX_REWRITES {
            let mut files = std::mem::take(&mut self.pending);
            self.index.updated = self.index.updated.max(Some(self.now));
            files.insert(INDEX_FILE.to_string(), self.index.to_json());
            files.extend(derive.summed());
            let concurrent = backend.write(&files, &self.names)?;
            if concurrent.is_empty() {
                return Ok(());
            }
            if round == MAX_REWRITES {
                break;
            }
            for theirs in &concurrent {
                self.take_in(backend, theirs, derive)?;
            }
        }
        Err(Error::KeptChanging { place: backend.describe(), rounds: MAX_REWRITES })
    }

    /// Merges one concurrent revision: its index into ours, and each of its histories of
    /// this run's repositories into ours (as written, or theirs alone), handed over again.
    /// A side that carries its settled part is joined with it first; the merge is then
    /// whole (the other side's settled part is the one stored, or was read and joined).
    fn take_in(&mut self, backend: &mut dyn Backend, theirs: &Files, derive: &mut dyn Derive) -> Result<(), Error> {
        let place = backend.describe();
        if let Some(text) = theirs.get(INDEX_FILE) {
            let other = Index::parse(text).map_err(|e| unusable(INDEX_FILE, &place, Box::new(e)))?;
            self.index = self.index.merge(&other);
        }
        let repos: std::collections::BTreeSet<String> = theirs
            .keys()
            .filter(|n| *n != INDEX_FILE)
            .filter_map(|n| super::layout::repo_key(n))
            .map(super::layout::repo_of_key)
            .collect();
        for repo in repos {
            let (live, settled) = (history_file(&repo), settled_file(&repo));
            let Some(text) = theirs.get(&live) else { continue };
            let other = History::parse(text, &repo).map_err(|e| unusable(&live, &place, Box::new(e)))?;
            let other = joined(theirs, other, &place, false)?;
            let mut ours = Files::new();
            match self.written.get(&repo) {
                Some(Some(text)) => drop(ours.insert(live.clone(), text.clone())),
                Some(None) => {
                    for name in [&live, &settled] {
                        ours.extend(backend.staged(name)?.map(|t| (name.clone(), t)));
                    }
                }
                None => {}
            }
            let mut merged = match ours.get(&live) {
                Some(text) => {
                    let mine = History::parse(text, &repo).map_err(|e| unusable(&live, &place, Box::new(e)))?;
                    let mine = joined(&ours, mine, &place, false)?;
                    let whole = mine.settled.is_none() || other.settled.is_none();
                    let mut m = mine.merge(&other);
                    if whole {
                        m.settled = None;
                    }
                    m
                }
                None => other,
            };
            let write = self.written.contains_key(&repo);
            self.put(backend, &mut merged, write, derive)?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod brief_tests {
    use super::*;

    /// What a brief keeps as text comes back as it was when its fetch opens it.
    #[test]
    fn a_brief_opens_to_what_fetching_needs_of_the_history() {
        let day = jiff::civil::date(2026, 11, 29);
        let at: Timestamp = "2026-11-30T06:00:00Z".parse().unwrap_or_default();
        let mut h = History::new("octo/hello");
        h.last_collected = Some(at);
        h.days.insert(day, [5, 2, 3, 1].into());
        h.ci_cache.insert(9_000_000_001, BTreeMap::from([(day, 4)]));
        h.ci_estimated_runs.insert(9_000_000_001);
        let value = serde_json::json!({"count": 5, "views": [{"timestamp": "2026-11-29T00:00:00Z", "count": 5}]});
        h.validators.insert("views".into(), crate::history::Validator { at, etag: "W/\"1\"".into(), value });
        let opened = Brief::new(h.clone()).and_then(|b| b.open("octo/hello")).map_err(|e| e.to_string());
        assert_eq!(opened, Ok(h));
    }
}
