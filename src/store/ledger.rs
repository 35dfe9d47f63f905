//! The read-merge-write cycle every command that stores histories goes through. The
//! index is the ledger: a history it lists must be in what the store answered, or the
//! run stops before anything is written. A write that lost a race to another writer
//! merges what that writer landed and writes again, a bounded number of times.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering};

use jiff::Timestamp;

use crate::history::History;

use super::layout::{INDEX_FILE, history_file};
use super::{Backend, Error, Files, Index};

/// How often a run re-reads and re-merges after losing a race to another writer.
const MAX_REWRITES: usize = 3;

/// Reads the index and the named repositories' histories. Any file that exists but
/// cannot be parsed, and any history the index lists that is missing, stops the run
/// before anything is written.
pub(crate) fn load(backend: &mut dyn Backend, repos: &[String]) -> Result<(Index, Vec<History>), Error> {
    let mut names = vec![INDEX_FILE.to_string()];
    names.extend(repos.iter().map(|r| history_file(r)));
    let files = backend.read(&names)?;
    parse_files(&files, repos, &backend.describe())
}

fn parse_files(files: &Files, repos: &[String], place: &str) -> Result<(Index, Vec<History>), Error> {
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
            Some(text) => History::parse(text, repo).map_err(|e| unusable(&name, Box::new(e)))?,
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
    let mut names = vec![INDEX_FILE.to_string()];
    names.extend(w.repos.iter().map(|r| history_file(r)));
    for round in 0..=MAX_REWRITES {
        for (h, _) in all.iter_mut().zip(w.written).filter(|(_, w)| **w) {
            h.written_by = env!("CARGO_PKG_VERSION").to_string();
        }
        let files = render(w, &index, all);
        let concurrent = backend.write(&files, &names)?;
        if concurrent.is_empty() {
            return Ok(());
        }
        if round == MAX_REWRITES {
            break;
        }
        for files in &concurrent {
            let (other_index, others) = parse_files(files, w.repos, &backend.describe())?;
            index = index.merge(&other_index);
            for h in all.iter_mut() {
                if let Some(o) = others.iter().find(|o| o.repo.eq_ignore_ascii_case(&h.repo)) {
                    *h = h.merge(o);
                }
            }
        }
    }
    Err(Error::KeptChanging { place: backend.describe(), rounds: MAX_REWRITES })
}

/// What goes to the store: the changed histories, the index listing them, and the
/// derived files.
fn render(w: &Write<'_>, index: &Index, all: &[History]) -> Files {
    let mut index = index.clone();
    let mut files = Files::new();
    for (h, _) in all.iter().zip(w.written).filter(|(_, ok)| **ok) {
        let name = history_file(&h.repo);
        if !index.repos.keys().any(|r| r.eq_ignore_ascii_case(&h.repo)) {
            index.repos.insert(h.repo.clone(), name.clone());
        }
        files.insert(name, h.to_json());
    }
    index.updated = index.updated.max(Some(w.now));
    files.insert(INDEX_FILE.to_string(), index.to_json());
    files.extend((w.derived)(all));
    files
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
}

impl Reader {
    /// Reads the index (and, from a store that reads everything at once, the histories
    /// of `repos`).
    pub(crate) fn open(backend: &mut dyn Backend, repos: &[String]) -> Result<Reader, Error> {
        let place = backend.describe();
        let mut names = vec![INDEX_FILE.to_string()];
        let file_by_file = backend.file_by_file();
        if !file_by_file {
            names.extend(repos.iter().map(|r| history_file(r)));
        }
        let mut files = backend.read(&names)?;
        let index = match files.remove(INDEX_FILE) {
            Some(text) => Index::parse(&text).map_err(|e| unusable(INDEX_FILE, &place, Box::new(e)))?,
            None => Index::new(),
        };
        Ok(Reader { index, cache: (!file_by_file).then_some(files), place })
    }

    pub(crate) fn index(&self) -> &Index {
        &self.index
    }

    /// The stored history of `repo` (a new one if the index does not list it), read
    /// whole for the last time (a cached text is handed over). A file that cannot be
    /// parsed, or one the index lists that is missing, is an error.
    pub(crate) fn read(&mut self, backend: &mut dyn Backend, repo: &str) -> Result<Held, Error> {
        let name = history_file(repo);
        let text = match self.cache.as_mut() {
            Some(cache) => cache.remove(&name),
            None => backend.read(std::slice::from_ref(&name))?.remove(&name),
        };
        self.read_text(repo, text)
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

impl Reader {
    /// What fetching needs of the stored history of `repo`: its validators (conditional
    /// requests), CI caches (runs already counted), last collection (the order of the
    /// fetch) and the days from `from` (the progress line counts new days), read for
    /// hundreds of repositories before any is fetched, at a third of a full parse. A file
    /// that is not JSON, or is another repository's or a newer gtt's, is an error here;
    /// the full parse when the history is merged ([`Reader::read`]) checks the rest
    /// before anything of the run is in place (see [`Stream`]).
    pub(crate) fn brief(
        &mut self,
        backend: &mut dyn Backend,
        repo: &str,
        from: jiff::civil::Date,
    ) -> Result<History, Error> {
        let name = history_file(repo);
        let read;
        let text = match self.cache.as_ref() {
            Some(cache) => cache.get(&name).map(String::as_str),
            None => {
                read = backend.read(std::slice::from_ref(&name))?.remove(&name);
                read.as_deref()
            }
        };
        let Some(text) = text else {
            // Checks the index as a full read does.
            return self.read_text(repo, None).map(Held::into_inner);
        };
        let b: BriefJson = serde_json::from_str(text).map_err(|e| unusable(&name, &self.place, Box::new(e)))?;
        if b.schema > crate::history::SCHEMA || !b.repo.eq_ignore_ascii_case(repo) {
            // The full parse says why, in its words.
            return self.read_text(repo, Some(text.to_string())).map(Held::into_inner);
        }
        let mut h = History::new(repo);
        h.last_collected = b.last_collected;
        h.days = b.days.range(from..).map(|(d, t)| (*d, *t)).collect();
        h.ci_cache = b.ci_cache;
        h.ci_estimated_runs = b.ci_estimated_runs;
        h.validators = b.validators;
        Ok(h)
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
        let mut names = vec![INDEX_FILE.to_string()];
        names.extend(repos.iter().map(|r| history_file(r)));
        Stream { index: index.clone(), names, pending: Files::new(), written: BTreeMap::new(), now }
    }

    /// Hands over one repository: its history when `write` (this run changed it) and
    /// the files `derive` makes of it.
    pub(crate) fn put(
        &mut self,
        backend: &mut dyn Backend,
        h: &mut History,
        write: bool,
        derive: &mut dyn Derive,
    ) -> Result<(), Error> {
        let mut files = derive.repo(h);
        if write {
            h.written_by = env!("CARGO_PKG_VERSION").to_string();
            let name = history_file(&h.repo);
            if !self.index.repos.keys().any(|r| r.eq_ignore_ascii_case(&h.repo)) {
                self.index.repos.insert(h.repo.clone(), name.clone());
            }
            let text = h.to_json();
            let keep = (!backend.file_by_file()).then(|| text.clone());
            self.written.insert(h.repo.to_ascii_lowercase(), keep);
            files.insert(name, text);
        }
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
    fn take_in(&mut self, backend: &mut dyn Backend, theirs: &Files, derive: &mut dyn Derive) -> Result<(), Error> {
        let place = backend.describe();
        if let Some(text) = theirs.get(INDEX_FILE) {
            let other = Index::parse(text).map_err(|e| unusable(INDEX_FILE, &place, Box::new(e)))?;
            self.index = self.index.merge(&other);
        }
        for (name, text) in theirs.iter().filter(|(n, _)| *n != INDEX_FILE) {
            let Some(key) = super::layout::repo_key(name) else { continue };
            let repo = super::layout::repo_of_key(key);
            let other = History::parse(text, &repo).map_err(|e| unusable(name, &place, Box::new(e)))?;
            let ours = match self.written.get(&repo) {
                Some(Some(text)) => Some(text.clone()),
                Some(None) => backend.staged(name)?,
                None => None,
            };
            let mut merged = match ours {
                Some(text) => {
                    History::parse(&text, &repo).map_err(|e| unusable(name, &place, Box::new(e)))?.merge(&other)
                }
                None => other,
            };
            let write = self.written.contains_key(&repo);
            self.put(backend, &mut merged, write, derive)?;
        }
        Ok(())
    }
}
