//! Where histories live: a gist the user owns, or a local folder. Both sit behind
//! [`Backend`]. Reading is all-or-nothing: a file that exists but cannot be read in full
//! is an error, never an empty history, so a bad read can never lead to an overwrite.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::github::{self, Client};

/// The small file that lists tracked repositories and their history files.
pub const INDEX_FILE: &str = "gtt.json";
/// How many revisions back gtt looks for a concurrent writer's work.
const MAX_CONCURRENT_REVISIONS: usize = 10;
/// GitHub's gist API lists at most this many files (platform.md §4); a file past it can
/// be neither found nor read through the API, so gtt never lets a gist grow past it.
pub const GIST_FILE_LIMIT: usize = 300;
/// A run that leaves a gist at or above this many files (about 90% of the limit) warns,
/// while adding a gist is still a one-line change rather than a failed run.
pub const GIST_FILE_WARN: usize = 270;
/// The files one repository comes to hold: its history, and an endpoint JSON and an SVG
/// per badge metric. Routing reserves this much for every repository even when a write
/// carries fewer (a backfill writes no badges; the next collect will).
pub const FILES_PER_REPO: usize = 1 + 2 * crate::config::BADGE_METRICS.len();

pub type Files = BTreeMap<String, String>;

#[derive(Debug)]
pub struct Error(pub String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

/// The history file of a repository: stable, lower-case, and free of `/`, which gist
/// file names cannot hold. Owners cannot contain `.`, so the first dot separates.
pub fn history_file(repo: &str) -> String {
    format!("history-{}.json", repo.to_ascii_lowercase().replacen('/', ".", 1))
}

/// Refuses a file name that could leave the store or hide in it: empty, a path
/// (`/`, `\\`), `.` or `..`, a leading dot (gtt's own lock and temporary files), a control
/// character, or longer than a file name may be. Checked for every name read or written.
pub fn check_file_name(name: &str) -> Result<(), Error> {
    let bad = name.is_empty()
        || name.len() > 255
        || name.starts_with('.')
        || name.contains(['/', '\\'])
        || name.chars().any(char::is_control);
    if bad {
        return Err(Error(format!(
            "refusing the file name `{}`: a store holds only plain file names; nothing was written",
            name.escape_default()
        )));
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    pub schema: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<Timestamp>,
    /// Repository (as configured) -> history file name.
    #[serde(default)]
    pub repos: BTreeMap<String, String>,
    /// Storage over several gists (`gist-id` lists more than one), in the combined index
    /// of the first gist only: repository -> id of the gist that holds its history and
    /// badges, for every repository not stored beside this index. Lets a reader (the
    /// dashboard) find each file without listing every gist. Absent in older files and
    /// for a single gist, which therefore read exactly as before.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub gists: BTreeMap<String, String>,
    /// Fields a newer gtt of the same schema wrote and this one does not know: kept and
    /// written back, never dropped.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

impl Index {
    pub fn new() -> Index {
        Index {
            schema: crate::history::SCHEMA,
            updated: None,
            repos: BTreeMap::new(),
            gists: BTreeMap::new(),
            extra: BTreeMap::new(),
        }
    }

    pub fn parse(text: &str) -> Result<Index, String> {
        let i: Index = serde_json::from_str(text).map_err(|e| format!("not a gtt index ({e})"))?;
        if i.schema > crate::history::SCHEMA {
            return Err(format!("written by a newer gtt (schema {}); upgrade gtt", i.schema));
        }
        // Keys become file names and output lines: a tampered index must not reach either.
        for (repo, file) in &i.repos {
            if !crate::discover::valid_full_name(repo) {
                return Err(format!("it lists `{}`, which is not a repository name", repo.escape_default()));
            }
            if *file != history_file(repo) {
                return Err(format!(
                    "it names `{}` as the history of {repo}; gtt names it {}",
                    file.escape_default(),
                    history_file(repo)
                ));
            }
        }
        if let Some((repo, _)) =
            i.gists.iter().find(|(r, id)| !crate::discover::valid_full_name(r) || check_file_name(id).is_err())
        {
            return Err(format!("its `gists` map lists `{}`, which is not a repository name", repo.escape_default()));
        }
        Ok(i)
    }

    /// Union: a repository once tracked stays listed even when a run tracks fewer. Where
    /// both name a gist for a repository, `self` wins (the multi-gist backend rewrites the
    /// map from the gists' listings anyway).
    pub fn merge(&self, other: &Index) -> Index {
        let union = |mine: &BTreeMap<String, String>, theirs: &BTreeMap<String, String>| {
            let mut out = mine.clone();
            for (k, v) in theirs {
                if !out.keys().any(|r| r.eq_ignore_ascii_case(k)) {
                    out.insert(k.clone(), v.clone());
                }
            }
            out
        };
        let mut extra = other.extra.clone();
        extra.extend(self.extra.iter().map(|(k, v)| (k.clone(), v.clone())));
        Index {
            schema: crate::history::SCHEMA,
            updated: self.updated.max(other.updated),
            repos: union(&self.repos, &other.repos),
            gists: union(&self.gists, &other.gists),
            extra,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

impl Default for Index {
    fn default() -> Self {
        Index::new()
    }
}

pub trait Backend {
    /// Reads the named files; a file that does not exist is simply absent from the map.
    fn read(&mut self, names: &[String]) -> Result<Files, Error>;
    /// Writes `files` (only those that changed since the read) and returns, for the
    /// named files, the contents of every revision another writer landed between our
    /// read and this write: the caller merges them and writes again.
    fn write(&mut self, files: &Files, names: &[String]) -> Result<Vec<Files>, Error>;
    /// Where the files are, for messages.
    fn describe(&self) -> String;
    /// Where a file can be read by a browser or shields.io, if anywhere.
    fn public_url(&self, file: &str) -> Option<String>;
}

/// A folder store. `wait` bounds how long a run waits for another gtt process that is
/// writing the same folder (see [`Folder`]).
pub fn folder(dir: &Path, wait: Duration) -> Folder {
    Folder { dir: dir.to_path_buf(), wait, lock: None, locked_at_read: false }
}

/// The lock file in a folder store. Its content does not matter: a run holds an
/// exclusive advisory lock (`flock`) on it from its first read to its end, so a
/// backfill and a collect (or two collects of different repositories) cannot each merge
/// into what they read and then overwrite the other's work. The kernel drops the lock
/// when the process ends, however it ends, so a stale file never blocks anyone.
pub const LOCK_FILE: &str = ".gtt.lock";

/// Keeps no copy of what it read: a write compares with the file on disk, so holding
/// hundreds of ten-year histories twice is not the price of skipping unchanged files.
///
/// Every file it reads or replaces must be a regular file: a symbolic link (dangling or
/// not) is refused, never followed and never replaced, so a planted link cannot make gtt
/// read or write outside the folder, and a link that points nowhere is not taken for
/// "no history yet".
#[derive(Debug)]
pub struct Folder {
    dir: PathBuf,
    wait: Duration,
    lock: Option<Arc<std::fs::File>>,
    /// Whether the lock was held when the files were read; if not (the folder did not
    /// exist yet), a write first checks what another writer may have put there since.
    locked_at_read: bool,
}

/// Locks held by this process, by folder: the archive folder may be the data folder, and
/// a second `flock` on the same file from the same process would wait for itself.
static HELD: Mutex<Vec<(PathBuf, Weak<std::fs::File>)>> = Mutex::new(Vec::new());

impl Folder {
    fn path(&self, name: &str) -> Result<PathBuf, Error> {
        check_file_name(name)?;
        Ok(self.dir.join(name))
    }

    /// Takes the folder's lock if this Folder does not hold it yet, waiting at most
    /// `wait` for another process to let go. A folder that does not exist is created
    /// only when `create` (a write); otherwise there is nothing to lock or read yet.
    fn lock(&mut self, create: bool) -> Result<bool, Error> {
        if self.lock.is_some() {
            return Ok(true);
        }
        if create {
            std::fs::create_dir_all(&self.dir)
                .map_err(|e| Error(format!("cannot create folder {}: {e}", self.dir.display())))?;
        } else if !self.dir.is_dir() {
            return Ok(false);
        }
        let key = self.dir.canonicalize().unwrap_or_else(|_| self.dir.clone());
        let mut held = HELD.lock().map_err(|_| Error("folder lock registry poisoned".into()))?;
        held.retain(|(_, w)| w.strong_count() > 0);
        if let Some(f) = held.iter().find(|(p, _)| *p == key).and_then(|(_, w)| w.upgrade()) {
            self.lock = Some(f);
            return Ok(true);
        }
        let file = Arc::new(acquire(&self.dir, self.wait)?);
        held.push((key, Arc::downgrade(&file)));
        self.lock = Some(file);
        Ok(true)
    }

    /// Removes temporary files an interrupted run left (killed, or a full disk). Only
    /// called under the lock, when no other gtt writes here; a link is removed as a
    /// link.
    fn remove_stale_temporaries(&self) {
        let Ok(entries) = std::fs::read_dir(&self.dir) else { return };
        for e in entries.flatten() {
            let name = e.file_name();
            let name = name.to_string_lossy();
            let ours = name
                .strip_prefix('.')
                .and_then(|n| n.rsplit_once(".tmp"))
                .is_some_and(|(_, pid)| !pid.is_empty() && pid.bytes().all(|b| b.is_ascii_digit()));
            if ours {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }

    /// Reads one file: absent is None; a link, a folder or an unreadable file is an error.
    fn read_one(&self, name: &str) -> Result<Option<String>, Error> {
        let path = self.path(name)?;
        match std::fs::symlink_metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error(format!("cannot read {}: {e}", path.display()))),
            Ok(m) if !m.file_type().is_file() => return Err(not_regular(&path)),
            Ok(_) => {}
        }
        std::fs::read_to_string(&path).map(Some).map_err(|e| Error(format!("cannot read {}: {e}", path.display())))
    }

    /// Writes one file through a new temporary file in the same folder (never an
    /// existing one, never through a link), synced, then renamed over the old one, so
    /// a crash leaves either the old or the new file, never half of one.
    fn write_one(&self, name: &str, content: &str) -> Result<(), Error> {
        let io = |what: &str, p: &Path, e: std::io::Error| Error(format!("cannot {what} {}: {e}", p.display()));
        let path = self.path(name)?;
        match std::fs::symlink_metadata(&path) {
            Ok(m) if !m.file_type().is_file() => return Err(not_regular(&path)),
            Ok(_) if std::fs::read(&path).is_ok_and(|old| old == content.as_bytes()) => return Ok(()),
            _ => {}
        }
        let tmp = self.dir.join(format!(".{name}.tmp{}", std::process::id()));
        let mut f =
            std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp).map_err(|e| io("create", &tmp, e))?;
        let written = f.write_all(content.as_bytes()).map_err(|e| io("write", &tmp, e)).and_then(|()| {
            // Badges are recomputed from the histories on every run: only the data
            // needs to be on disk before it replaces the old file.
            if name.starts_with("badge-") { Ok(()) } else { f.sync_all().map_err(|e| io("sync", &tmp, e)) }
        });
        drop(f);
        let renamed = written.and_then(|()| std::fs::rename(&tmp, &path).map_err(|e| io("replace", &path, e)));
        if renamed.is_err() {
            let _ = std::fs::remove_file(&tmp);
        }
        renamed
    }
}

fn not_regular(path: &Path) -> Error {
    Error(format!(
        "{} is not a regular file (a symbolic link or a folder): gtt reads and replaces only regular files in its store; put the file itself there (or move the link away); nothing was written",
        path.display()
    ))
}

/// Opens the folder's [`LOCK_FILE`] and takes its exclusive lock, polling until `wait`
/// has passed.
fn acquire(dir: &Path, wait: Duration) -> Result<std::fs::File, Error> {
    let path = dir.join(LOCK_FILE);
    if std::fs::symlink_metadata(&path).is_ok_and(|m| !m.file_type().is_file()) {
        return Err(not_regular(&path));
    }
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(|e| Error(format!("cannot open {}: {e}", path.display())))?;
    let start = std::time::Instant::now();
    let mut told = false;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(std::fs::TryLockError::WouldBlock) => {}
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(Error(format!("cannot lock {}: {e}", path.display())));
            }
        }
        if start.elapsed() >= wait {
            return Err(Error(format!(
                "another gtt process is writing folder {} (it holds {LOCK_FILE}) and did not finish within {} s: run again when it has (serialise runs, e.g. with a workflow `concurrency:` group, or raise input `max-wait`); nothing was written",
                dir.display(),
                wait.as_secs()
            )));
        }
        if !told {
            log::info!("waiting for another gtt process writing folder {}", dir.display());
            told = true;
        }
        std::thread::sleep(Duration::from_millis(100).min(wait.saturating_sub(start.elapsed())));
    }
}

impl Backend for Folder {
    fn read(&mut self, names: &[String]) -> Result<Files, Error> {
        let locked = self.lock(false)?;
        if locked && !self.locked_at_read {
            self.locked_at_read = true;
            self.remove_stale_temporaries();
        }
        let mut out = Files::new();
        for name in names {
            if let Some(text) = self.read_one(name)? {
                out.insert(name.clone(), text);
            }
        }
        Ok(out)
    }

    /// Histories and badges first, the index last, so a reader never sees the index
    /// name a history that is not there yet. When the folder did not exist at the read,
    /// another writer may have created it since: what it stored under `names` is
    /// returned for the caller to merge, and nothing is written this time.
    fn write(&mut self, files: &Files, names: &[String]) -> Result<Vec<Files>, Error> {
        for name in files.keys() {
            check_file_name(name)?;
        }
        self.lock(true)?;
        if !self.locked_at_read {
            self.locked_at_read = true;
            self.remove_stale_temporaries();
            let theirs = self.read(names)?;
            if !theirs.is_empty() {
                return Ok(vec![theirs]);
            }
        }
        let index = files.get_key_value(INDEX_FILE);
        for (name, content) in files.iter().filter(|(n, _)| *n != INDEX_FILE).chain(index) {
            self.write_one(name, content)?;
        }
        if let Ok(d) = std::fs::File::open(&self.dir) {
            // Makes the renames durable; not every filesystem supports it.
            let _ = d.sync_all();
        }
        Ok(Vec::new())
    }

    fn describe(&self) -> String {
        format!("folder {}", self.dir.display())
    }

    fn public_url(&self, _file: &str) -> Option<String> {
        None
    }
}

#[derive(Debug, Deserialize)]
struct GistJson {
    #[serde(default)]
    files: BTreeMap<String, Option<GistFile>>,
    #[serde(default)]
    truncated: bool,
    #[serde(default)]
    history: Vec<GistRevision>,
    #[serde(default)]
    owner: Option<GistOwner>,
}

#[derive(Debug, Deserialize)]
struct GistOwner {
    login: String,
}

#[derive(Debug, Deserialize)]
struct GistFile {
    #[serde(default)]
    size: Option<u64>,
    #[serde(default)]
    raw_url: Option<String>,
    #[serde(default)]
    truncated: bool,
    #[serde(default)]
    content: Option<String>,
}

#[derive(Debug, Deserialize)]
struct GistRevision {
    version: String,
}

pub fn gist(client: Client, id: &str) -> Gist {
    Gist { client, id: id.to_string(), version: None, read: Files::new(), owner: None, listed: None }
}

#[derive(Debug)]
pub struct Gist {
    client: Client,
    id: String,
    /// The revision our read saw; a write whose parent is not this one raced another writer.
    version: Option<String>,
    read: Files,
    owner: Option<String>,
    /// The file names of the latest listing we saw (a read, or the answer to our write),
    /// and whether GitHub cut it at 300 files. None before the first read.
    listed: Option<(BTreeSet<String>, bool)>,
}

impl Gist {
    pub fn id(&self) -> &str {
        &self.id
    }

    fn remember_listing(&mut self, gist: &GistJson) {
        self.listed = Some((gist.files.keys().cloned().collect(), gist.truncated));
    }

    fn explain(&self, e: github::Error, doing: &str) -> Error {
        let id = &self.id;
        Error(match e.status() {
            Some(404) => format!(
                "gist {id} not found while {doing}: check input `gist-id`, and that the gist token can see it (secret gists need the owner's token with the gist scope, or Gists: write)"
            ),
            Some(401) => {
                format!("the gist token was refused while {doing} (401): check input `gist-token` (or `token`)")
            }
            Some(403) if e.message().to_ascii_lowercase().contains("not accessible") => format!(
                "the token cannot write gist {id} (403 {}): use a classic token with the gist scope or a fine-grained token with Gists: write as input `gist-token`; the workflow's GITHUB_TOKEN cannot write gists",
                e.message()
            ),
            _ => format!("gist {id}: {doing} failed: {e}"),
        })
    }

    /// The files of one gist answer, each read in full: `content` when complete, else
    /// `raw_url`, checked against the declared size.
    fn files_of(&self, gist: &GistJson, names: &[String]) -> Result<Files, Error> {
        let mut out = Files::new();
        for name in names {
            let Some(Some(file)) = gist.files.get(name) else {
                if gist.truncated {
                    return Err(Error(format!(
                        "gist {} lists only its first 300 files and {name} is not among them: move some repositories to another gist (or use data-dir); nothing was written",
                        self.id
                    )));
                }
                continue;
            };
            let complete = |text: &str| file.size.is_none_or(|s| s == text.len() as u64);
            let content = match &file.content {
                Some(c) if !file.truncated && !c.is_empty() && complete(c) => c.clone(),
                _ => {
                    let url = file.raw_url.as_deref().ok_or_else(|| {
                        Error(format!("gist {}: {name} is truncated and has no raw_url; nothing was written", self.id))
                    })?;
                    let text = self.client.get_raw(url).map_err(|e| self.explain(e, &format!("reading {name}")))?;
                    if !complete(&text) {
                        return Err(Error(format!(
                            "gist {}: {name} came back incomplete ({} of {} bytes); nothing was written",
                            self.id,
                            text.len(),
                            file.size.unwrap_or(0)
                        )));
                    }
                    text
                }
            };
            out.insert(name.clone(), content);
        }
        Ok(out)
    }
}

/// What is wrong with a gist answer that cannot be the whole gist, if anything. GitHub
/// never answers a gist without files (a gist holds at least one) or with a file that
/// is `null`. Believing such an answer would start histories anew and write them over
/// the stored ones. (A history left out of a whole-looking answer is caught by the
/// index, which lists it.)
fn unsound(gist: &GistJson, names: &[String]) -> Option<String> {
    if gist.files.is_empty() {
        return Some("the answer lists no files".into());
    }
    if let Some((name, _)) = gist.files.iter().find(|(_, f)| f.is_none()) {
        return Some(format!("the answer gives {name} as null"));
    }
    let missing = names.iter().find(|n| !gist.files.contains_key(*n)).filter(|_| gist.truncated)?;
    Some(format!(
        "the answer lists only the gist's first {GIST_FILE_LIMIT} files and {missing} is not among them: move some repositories to another gist (or use data-dir)"
    ))
}

impl Gist {
    /// The gist as GitHub answers it, read a second time when the first answer cannot
    /// be the whole gist ([`unsound`]), and refused when the second cannot either.
    fn get_sound(&self, names: &[String]) -> Result<GistJson, Error> {
        let mut why = String::new();
        for attempt in 0..2 {
            if attempt > 0 {
                log::warn!("gist {}: {why}; reading it again", self.id);
            }
            let gist: GistJson =
                self.client.get_json(&format!("/gists/{}", self.id)).map_err(|e| self.explain(e, "reading it"))?;
            match unsound(&gist, names) {
                None => return Ok(gist),
                Some(w) => why = w,
            }
        }
        Err(Error(format!(
            "gist {}: {why} (read twice); nothing was written: GitHub's answer cannot be the whole gist (if this persists, check the gist in a browser)",
            self.id
        )))
    }

    /// Every file of the gist, read in full (for importing another tool's gist).
    pub fn read_all(&mut self) -> Result<Files, Error> {
        let gist: GistJson =
            self.client.get_json(&format!("/gists/{}", self.id)).map_err(|e| self.explain(e, "reading it"))?;
        let names: Vec<String> = gist.files.keys().cloned().collect();
        self.files_of(&gist, &names)
    }
}

impl Backend for Gist {
    fn read(&mut self, names: &[String]) -> Result<Files, Error> {
        let gist = self.get_sound(names)?;
        self.version = gist.history.first().map(|r| r.version.clone());
        self.owner = gist.owner.as_ref().map(|o| o.login.clone());
        self.remember_listing(&gist);
        // Every complete file in the listing, so a write can skip files that did not
        // change (badges) without reading them on purpose.
        for (name, file) in &gist.files {
            if let Some(GistFile { content: Some(c), truncated: false, .. }) = file {
                self.read.insert(name.clone(), c.clone());
            }
        }
        let files = self.files_of(&gist, names)?;
        self.read.extend(files.clone());
        Ok(files)
    }

    fn write(&mut self, files: &Files, names: &[String]) -> Result<Vec<Files>, Error> {
        for name in files.keys() {
            check_file_name(name)?;
        }
        let changed: serde_json::Map<String, serde_json::Value> = files
            .iter()
            .filter(|(n, c)| self.read.get(*n) != Some(*c))
            .map(|(n, c)| (n.clone(), serde_json::json!({ "content": c })))
            .collect();
        if changed.is_empty() {
            return Ok(Vec::new());
        }
        let body = serde_json::json!({ "files": changed });
        let after: GistJson =
            self.client.patch_json(&format!("/gists/{}", self.id), &body).map_err(|e| self.explain(e, "writing it"))?;
        self.read.extend(files.iter().map(|(k, v)| (k.clone(), v.clone())));
        if after.files.is_empty() {
            // An answer without a listing: what we wrote is there now, at least.
            if let Some((names, _)) = self.listed.as_mut() {
                names.extend(files.keys().cloned());
            }
        } else {
            self.remember_listing(&after);
        }
        let versions: Vec<&str> = after.history.iter().map(|r| r.version.as_str()).collect();
        let ours = versions.first().map(|v| v.to_string());
        // Revisions between ours (newest) and the one we read are another writer's.
        let others: Vec<String> = match &self.version {
            Some(read) => versions
                .iter()
                .skip(1)
                .take_while(|v| **v != read.as_str())
                .take(MAX_CONCURRENT_REVISIONS)
                .map(|v| v.to_string())
                .collect(),
            None => Vec::new(),
        };
        self.version = ours;
        let mut out = Vec::new();
        for v in others {
            log::warn!("gist {} was written by someone else during this run (revision {v}); merging it in", self.id);
            let rev: GistJson = self
                .client
                .get_json(&format!("/gists/{}/{v}", self.id))
                .map_err(|e| self.explain(e, "reading a concurrent revision"))?;
            out.push(self.files_of(&rev, names)?);
        }
        Ok(out)
    }

    fn describe(&self) -> String {
        format!("gist {}", self.id)
    }

    fn public_url(&self, file: &str) -> Option<String> {
        let owner = self.owner.as_deref()?;
        (self.client.base() == "https://api.github.com")
            .then(|| format!("https://gist.githubusercontent.com/{owner}/{}/raw/{file}", self.id))
    }
}

/// The file key of a repository's files (`owner.name`, lower case, as in
/// [`history_file`]) from a file name: `history-KEY.json`, `badge-KEY-METRIC.json` or
/// `badge-KEY-METRIC.svg`. None for files shared by every repository (the index, the
/// summed badges) or put there by someone else.
pub fn repo_key(file: &str) -> Option<&str> {
    if let Some(key) = file.strip_prefix("history-").and_then(|r| r.strip_suffix(".json")) {
        return Some(key).filter(|k| !k.is_empty());
    }
    let stem = file.strip_prefix("badge-")?;
    let stem = stem.strip_suffix(".json").or_else(|| stem.strip_suffix(".svg"))?;
    let (key, metric) = stem.rsplit_once('-')?;
    (!key.is_empty() && crate::config::BADGE_METRICS.contains(&metric)).then_some(key)
}

/// `owner/name` (lower case) back from a file key: owners cannot contain `.`, so the
/// first dot is the slash.
fn repo_of_key(key: &str) -> String {
    key.replacen('.', "/", 1)
}

/// The gist (a 0-based position in the `gist-id` list) that a repository with no stored
/// files goes to. The first choice is the FNV hash of its lower-cased name (the same hash
/// as `shard`, see [`crate::discover::shard_of`]), so it depends neither on the order
/// repositories were added in nor on which others exist; when `has_room` refuses it, the
/// following gists in list order, wrapping around. None: no gist has room.
///
/// Stored repositories are never routed: they stay in the gist whose listing holds their
/// history, which is why appending a gist id (which changes the hash's modulus) moves
/// nothing.
pub fn route(repo: &str, gists: usize, has_room: impl Fn(usize) -> bool) -> Option<usize> {
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
        for m in crate::config::BADGE_METRICS {
            out.push(format!("{m}.json"));
            out.push(format!("{m}.svg"));
        }
    }
    out
}

/// How many files a gist holds or is bound to hold: every file that is not a
/// repository's once, and each repository as at least [`FILES_PER_REPO`].
fn footprint<'a>(names: impl Iterator<Item = &'a String>) -> usize {
    let mut shared = 0;
    let mut per_repo: BTreeMap<&str, usize> = BTreeMap::new();
    for name in names {
        match repo_key(name) {
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
}

/// Splits one write over the gists. A repository's history and badges go to the gist
/// that already holds it, a new one where [`route`] finds room; the index and the
/// summed badges go to the first gist. The index given is the combined one: it is
/// written to the first gist with [`Index::gists`] set from where every repository is,
/// and each other gist that holds a repository gets an index of its own repositories, so
/// it stands on its own. Refuses, before anything is written, a write that would leave
/// any gist past GitHub's listing limit.
fn plan(ids: &[String], listings: &[&BTreeSet<String>], files: &Files) -> Result<Plan, Error> {
    let n = ids.len().min(listings.len());
    if n == 0 {
        return Err(Error("input `gist-id` names no gist".into()));
    }
    let mut homes = homes(listings);
    let mut planned = vec![Files::new(); n];
    let mut by_key: BTreeMap<&str, Files> = BTreeMap::new();
    let mut index_text = None;
    for (name, content) in files {
        if name == INDEX_FILE {
            index_text = Some(content);
        } else if let Some(key) = repo_key(name) {
            by_key.entry(key).or_default().insert(name.clone(), content.clone());
        } else if let Some(first) = planned.first_mut() {
            first.insert(name.clone(), content.clone());
        }
    }
    let names_of = |i: usize, planned: &[Files]| -> BTreeSet<String> {
        let mut names: BTreeSet<String> = listings.get(i).map(|l| (*l).clone()).unwrap_or_default();
        names.extend(planned.get(i).into_iter().flat_map(|f| f.keys().cloned()));
        names.extend(reserved(i));
        names
    };
    let mut no_room = Vec::new();
    for (key, fs) in by_key {
        let home = match homes.get(key) {
            Some(i) => Some(*i),
            None => route(&repo_of_key(key), n, |i| {
                footprint(names_of(i, &planned).iter()) + FILES_PER_REPO <= GIST_FILE_LIMIT
            }),
        };
        match home.and_then(|i| planned.get_mut(i).map(|p| (i, p))) {
            Some((i, p)) => {
                p.extend(fs);
                homes.insert(key.to_string(), i);
            }
            None => no_room.push(repo_of_key(key)),
        }
    }
    if let Some(first) = no_room.first() {
        return Err(Error(format!(
            "no gist in input `gist-id` has room for {first}{}: each repository takes {FILES_PER_REPO} files and GitHub lists at most {GIST_FILE_LIMIT} per gist; add another gist id at the end of `gist-id` (stored repositories stay where they are) or use data-dir; nothing was written",
            match no_room.len() {
                1 => String::new(),
                k => format!(" and {} other new repositories", k - 1),
            }
        )));
    }
    let home_of = |file: &str| repo_key(file).and_then(|k| homes.get(k).copied());
    if let Some(text) = index_text {
        let mut index = Index::parse(text).map_err(|e| Error(format!("refusing to write {INDEX_FILE}: {e}")))?;
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
            let own: BTreeMap<String, String> = index
                .repos
                .iter()
                .filter(|(_, f)| home_of(f) == Some(i))
                .map(|(r, f)| (r.clone(), f.clone()))
                .collect();
            if !own.is_empty() {
                let mine = Index { repos: own, gists: BTreeMap::new(), ..index.clone() };
                p.insert(INDEX_FILE.to_string(), mine.to_json());
            }
        }
        // Unchanged, the text goes as it came: one gist writes exactly what it always did.
        let combined = if index.gists == gists {
            text.clone()
        } else {
            index.gists = gists;
            index.to_json()
        };
        if let Some(first) = planned.first_mut() {
            first.insert(INDEX_FILE.to_string(), combined);
        }
    }
    let mut out = Plan { files: Vec::new(), footprint: Vec::new(), repos: Vec::new() };
    for (i, p) in planned.iter().enumerate() {
        let mut actual: BTreeSet<&String> = listings.get(i).map(|l| l.iter().collect()).unwrap_or_default();
        actual.extend(p.keys());
        if !p.is_empty() && actual.len() > GIST_FILE_LIMIT {
            return Err(Error(format!(
                "gist {} would hold {} files, past the {GIST_FILE_LIMIT} GitHub lists: add another gist id at the end of input `gist-id` and move some repositories' files there, or use data-dir; nothing was written",
                ids.get(i).map_or("?", String::as_str),
                actual.len()
            )));
        }
        out.footprint.push(footprint(names_of(i, &planned).iter()));
        out.repos.push(homes.values().filter(|h| **h == i).count());
    }
    out.files = planned;
    Ok(out)
}

/// History over the gists that input `gist-id` lists, for users whose repositories do
/// not fit one gist's 300-file listing (about 26 repositories each). The first gist holds
/// the combined index and the summed badges; each repository's history and badges live
/// together in exactly one gist, found by the gists' listings, so a stored repository
/// never moves; a new one goes where [`route`] finds room. With one id this is exactly
/// a single [`Gist`], plus the capacity checks.
pub fn gists(gists: Vec<Gist>) -> Gists {
    Gists { gists, warned: BTreeSet::new() }
}

#[derive(Debug)]
pub struct Gists {
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
                    return Err(Error(format!(
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
                let own = Index::parse(text).map_err(|e| {
                    Error(format!(
                        "{INDEX_FILE} in gist {} cannot be used: {e}; nothing was written (fix or restore the file from the gist's revisions, then run again)",
                        g.id
                    ))
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
            self.warn_once(
                format!("double {name}"),
                &format!("{name} is in more than one gist ({where_}); gtt reads and writes the first listed and leaves the others alone: delete the stale copies"),
            );
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

    #[test]
    fn history_file_names_are_stable_and_flat() {
        let cases = [
            ("octo/hello", "history-octo.hello.json"),
            ("Octo/Hello.World", "history-octo.hello.world.json"),
            ("a-b/c_d", "history-a-b.c_d.json"),
        ];
        for (repo, want) in cases {
            assert_eq!(history_file(repo), want);
            assert!(!history_file(repo).contains('/'));
        }
    }

    #[test]
    fn index_merge_is_a_union() {
        let mut a = Index::new();
        a.repos.insert("o/a".into(), history_file("o/a"));
        let mut b = Index::new();
        b.repos.insert("O/A".into(), history_file("o/a"));
        b.repos.insert("o/b".into(), history_file("o/b"));
        let m = a.merge(&b);
        assert_eq!(m.repos.len(), 2);
        assert_eq!(Index::parse(&m.to_json()).expect("round trip"), m);
        assert!(Index::parse("{\"schema\":9}").is_err());
        // An index from before several gists reads, and one gist writes no `gists` key.
        let old = Index::parse(r#"{"schema":1,"repos":{"o/a":"history-o.a.json"}}"#).expect("old index");
        assert!(old.gists.is_empty() && !old.to_json().contains("gists"));
        let mut c = Index::new();
        c.gists.insert("o/b".into(), "g2".into());
        let mut d = Index::new();
        d.gists.insert("O/B".into(), "g3".into());
        d.gists.insert("o/c".into(), "g3".into());
        let m = c.merge(&d);
        assert_eq!(m.gists.get("o/b").map(String::as_str), Some("g2"));
        assert_eq!(m.gists.len(), 2);
        assert!(Index::parse("[]").is_err());
    }

    #[test]
    fn repository_files_are_told_from_shared_ones() {
        let cases = [
            ("history-octo.hello.json", Some("octo.hello")),
            ("history-a-b.c-d.json", Some("a-b.c-d")),
            ("badge-octo.hello-views.json", Some("octo.hello")),
            ("badge-a-b.my-tool-installs.svg", Some("a-b.my-tool")),
            ("badge-octo.hello-nope.json", None),
            ("views.json", None),
            ("stars.svg", None),
            (INDEX_FILE, None),
            ("README.md", None),
            ("history-.json", None),
            ("archive-2026-10.json", None),
        ];
        for (file, want) in cases {
            assert_eq!(repo_key(file), want, "{file}");
        }
        assert_eq!(repo_key(&history_file("Octo/Hello.World")), Some("octo.hello.world"));
        assert_eq!(repo_of_key("octo.hello.world"), "octo/hello.world");
    }

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
            for m in crate::config::BADGE_METRICS {
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
        assert!(err.0.contains("input `gist-id`") && err.0.contains("o/new"), "{err}");
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
        for m in crate::config::BADGE_METRICS {
            badges.insert(format!("badge-o.a-{m}.json"), "{}".into());
        }
        let err = plan(&ids[..1], &[&crowded], &badges).expect_err("past 300");
        assert!(err.0.contains("gist g1 would hold 301 files"), "{err}");
    }

    #[test]
    fn public_urls_point_at_the_gist_that_holds_the_file() {
        let gist_at = |id: &str, files: &[&str]| {
            let client = Client::new(
                "https://api.github.com",
                crate::config::Secret::new("t"),
                std::time::Duration::from_secs(1),
            );
            let mut g = gist(client, id);
            g.owner = Some("octo".into());
            g.listed = Some((files.iter().map(|f| f.to_string()).collect(), false));
            g
        };
        let both = gists(vec![
            gist_at("g1", &[INDEX_FILE, "views.json", "history-o.a.json"]),
            gist_at("g2", &[INDEX_FILE, "history-o.b.json", "badge-o.b-views.json"]),
        ]);
        let url = |f: &str| both.public_url(f).expect("public");
        assert_eq!(url("views.json"), "https://gist.githubusercontent.com/octo/g1/raw/views.json");
        assert_eq!(url("badge-o.a-views.svg"), "https://gist.githubusercontent.com/octo/g1/raw/badge-o.a-views.svg");
        assert_eq!(url("badge-o.b-views.svg"), "https://gist.githubusercontent.com/octo/g2/raw/badge-o.b-views.svg");
        assert_eq!(url("history-o.b.json"), "https://gist.githubusercontent.com/octo/g2/raw/history-o.b.json");
        assert_eq!(url(""), "https://gist.githubusercontent.com/octo/g1/raw/", "the dashboard's base");
        assert_eq!(both.describe(), "gists g1, g2");
        assert_eq!(gists(vec![gist_at("g1", &[])]).describe(), "gist g1");
    }

    #[test]
    fn folder_writes_atomically_and_reads_back() {
        let dir = std::env::temp_dir().join(format!("gtt-store-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut f = folder(&dir.join("nested"), Duration::from_secs(1));
        let names = vec!["a.json".to_string()];
        assert!(f.read(&names).expect("absent is fine").is_empty());
        let files = Files::from([("a.json".to_string(), "{}".to_string())]);
        assert!(f.write(&files, &names).expect("write").is_empty());
        drop(f);
        assert_eq!(folder(&dir.join("nested"), Duration::from_secs(1)).read(&names).expect("read"), files);
        let leftovers: Vec<_> = std::fs::read_dir(dir.join("nested"))
            .expect("dir")
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
