//! A folder store: files in a local folder, locked for one writer at a time, never
//! written through a link.
//!
//! Two kinds of file are written two ways. Data (the index, histories, settled files,
//! archives) is written to a new temporary file, synced, and renamed over the old one, so
//! a crash leaves the old file or the new one, never half of one: a history is the only
//! copy of days GitHub no longer serves. Derived files (badges and charts, see
//! [`is_derived`]) are recomputed from the histories on every run, so a torn one is
//! repaired by the next run: a changed one is overwritten in place (no temporary file, no
//! sync, no rename), which spares a new inode, a rename and the flush ext4 forces on a
//! file renamed over another (`auto_da_alloc`) for each of the thousands of badges and
//! charts a run over hundreds of repositories changes. Both are written at the end of
//! the run, histories first, so nothing derived is newer than the data it comes from.

use std::collections::BTreeMap;
use std::io::Write;
use std::os::unix::fs::MetadataExt;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;

use super::layout::{INDEX_FILE, LOCK_FILE, check_file_name, is_derived};
use super::{Backend, Error, Files};

/// A folder store. `wait` bounds how long a run waits for another gtt process that is
/// writing the same folder (see [`Folder`]).
pub(crate) fn folder(dir: &Path, wait: Duration) -> Folder {
    Folder {
        dir: dir.to_path_buf(),
        wait,
        lock: None,
        locked_at_read: false,
        staged: BTreeMap::new(),
        derived: BTreeMap::new(),
    }
}

/// Keeps no copy of what it read: a write compares with the file on disk, so holding
/// hundreds of ten-year histories twice is not the price of skipping unchanged files.
///
/// Every file it reads or replaces must be a regular file: a symbolic link (dangling or
/// not) is refused, never followed and never replaced, so a planted link cannot make gtt
/// read or write outside the folder, and a link that points nowhere is not taken for
/// "no history yet".
#[derive(Debug)]
pub(crate) struct Folder {
    dir: PathBuf,
    wait: Duration,
    lock: Option<Arc<std::fs::File>>,
    /// Whether the lock was held when the files were read; if not (the folder did not
    /// exist yet), a write first checks what another writer may have put there since.
    locked_at_read: bool,
    /// Files [`Backend::put`] wrote to temporary files, renamed into place by the
    /// [`Backend::write`] that completes the run's write (removed if it never comes).
    /// By name: a run over thousands of repositories looks each one up as it is put.
    staged: BTreeMap<String, PathBuf>,
    /// Derived files [`Backend::put`] found changed, with their new text, written in
    /// place by the [`Backend::write`] that completes the run's write, after the staged
    /// histories are in place.
    derived: BTreeMap<String, String>,
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
            std::fs::create_dir_all(&self.dir).map_err(Error::io("create folder", &self.dir))?;
        } else if !self.dir.is_dir() {
            return Ok(false);
        }
        let key = self.dir.canonicalize().unwrap_or_else(|_| self.dir.clone());
        let mut held = HELD.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
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
    /// Checks the names and takes the lock. True the first time this run writes without
    /// having held the lock at its read (the folder did not exist then): stale temporary
    /// files are removed, and the caller checks that no other writer made a store here
    /// meanwhile.
    fn begin_write(&mut self, files: &Files) -> Result<bool, Error> {
        for name in files.keys() {
            check_file_name(name)?;
        }
        self.lock(true)?;
        let first = !self.locked_at_read;
        if first {
            self.locked_at_read = true;
            self.remove_stale_temporaries();
        }
        Ok(first)
    }

    fn read_one(&self, name: &str) -> Result<Option<String>, Error> {
        let path = self.path(name)?;
        match std::fs::symlink_metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io("read", &path)(e)),
            Ok(m) if !m.file_type().is_file() => return Err(not_regular(&path)),
            Ok(_) => {}
        }
        std::fs::read_to_string(&path).map(Some).map_err(Error::io("read", &path))
    }

    /// Writes one file through a new temporary file in the same folder (never an
    /// existing one, never through a link), synced, then renamed over the old one, so
    /// a crash leaves either the old or the new file, never half of one.
    fn write_one(&self, name: &str, content: &str) -> Result<(), Error> {
        match self.stage_one(name, content)? {
            Some(tmp) => self.place_one(name, &tmp),
            None => Ok(()),
        }
    }

    /// Whether `name` does not hold `content` yet (absent, or another text); a link or a
    /// folder in its place is an error. A size that differs answers without a read.
    fn differs(&self, name: &str, content: &str) -> Result<bool, Error> {
        let path = self.path(name)?;
        match std::fs::symlink_metadata(&path) {
            Ok(m) if !m.file_type().is_file() => Err(not_regular(&path)),
            Ok(m) if u64::try_from(content.len()).ok() != Some(m.len()) => Ok(true),
            Ok(_) => Ok(std::fs::read(&path).map_or(true, |old| old != content.as_bytes())),
            Err(_) => Ok(true),
        }
    }

    /// Writes `content` to a new temporary file for `name`; None when the file already
    /// holds it. Data is synced before it can replace a file (a rename may reach the disk
    /// before the data, leaving an empty file after a crash); a derived file that comes
    /// this way (see [`Folder::write_in_place`]) is not.
    fn stage_one(&self, name: &str, content: &str) -> Result<Option<PathBuf>, Error> {
        if !self.differs(name, content)? {
            return Ok(None);
        }
        let tmp = self.dir.join(format!(".{name}.tmp{}", std::process::id()));
        let create = || std::fs::OpenOptions::new().write(true).create_new(true).open(&tmp);
        // An earlier run's temporaries were removed when the lock was taken, and this
        // Folder removes its own when it stages a file again: one that is there was left
        // by another Folder of this process on the same folder.
        let mut f = match create() {
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                let _ = std::fs::remove_file(&tmp);
                create()
            }
            opened => opened,
        }
        .map_err(Error::io("create", &tmp))?;
        let written = f
            .write_all(content.as_bytes())
            .map_err(Error::io("write", &tmp))
            .and_then(|()| if is_derived(name) { Ok(()) } else { f.sync_all().map_err(Error::io("sync", &tmp)) });
        drop(f);
        match written {
            Ok(()) => Ok(Some(tmp)),
            Err(e) => {
                let _ = std::fs::remove_file(&tmp);
                Err(e)
            }
        }
    }

    /// Overwrites a derived file in place (created if absent): written, then cut to its
    /// new length; no temporary file, no sync, no rename. Never through a link: the file
    /// opened must be the regular file looked at. A file with other hard links goes
    /// through a temporary file and a rename instead, so a link planted elsewhere is
    /// never written through.
    fn write_in_place(&self, name: &str, content: &str) -> Result<(), Error> {
        let path = self.path(name)?;
        let before = match std::fs::symlink_metadata(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(Error::io("read", &path)(e)),
            Ok(m) if !m.file_type().is_file() => return Err(not_regular(&path)),
            Ok(m) if m.nlink() > 1 => return self.write_one(name, content),
            Ok(m) => Some(m),
        };
        let mut open = std::fs::OpenOptions::new();
        open.write(true).create_new(before.is_none());
        let mut f = open.open(&path).map_err(Error::io("write", &path))?;
        if let Some(m) = before {
            let now = f.metadata().map_err(Error::io("write", &path))?;
            if (now.dev(), now.ino()) != (m.dev(), m.ino()) || !now.file_type().is_file() {
                return Err(not_regular(&path));
            }
        }
        let len = u64::try_from(content.len()).unwrap_or(u64::MAX);
        f.write_all(content.as_bytes()).and_then(|()| f.set_len(len)).map_err(Error::io("write", &path))
    }

    /// Writes one file of a completing write: a derived one in place when it changed,
    /// data through a temporary file.
    fn write_any(&self, name: &str, content: &str) -> Result<(), Error> {
        if !is_derived(name) {
            return self.write_one(name, content);
        }
        if self.differs(name, content)? { self.write_in_place(name, content) } else { Ok(()) }
    }

    /// Forgets what was put for `name` earlier in this run (a repository handed over
    /// again), removing its temporary file.
    fn unstage(&mut self, name: &str) {
        if let Some(tmp) = self.staged.remove(name) {
            let _ = std::fs::remove_file(tmp);
        }
        self.derived.remove(name);
    }

    /// Renames a staged temporary file over `name`.
    fn place_one(&self, name: &str, tmp: &Path) -> Result<(), Error> {
        let path = self.path(name)?;
        let renamed = std::fs::rename(tmp, &path).map_err(Error::io("replace", &path));
        if renamed.is_err() {
            let _ = std::fs::remove_file(tmp);
        }
        renamed
    }
}

impl Drop for Folder {
    /// A write that never completed leaves nothing of its own behind.
    fn drop(&mut self) {
        for tmp in self.staged.values() {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

fn not_regular(path: &Path) -> Error {
    Error::NotRegular { path: path.to_path_buf() }
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
        .map_err(Error::io("open", &path))?;
    let start = std::time::Instant::now();
    let mut told = false;
    loop {
        match file.try_lock() {
            Ok(()) => return Ok(file),
            Err(std::fs::TryLockError::WouldBlock) => {}
            Err(std::fs::TryLockError::Error(e)) => {
                return Err(Error::io("lock", &path)(e));
            }
        }
        if start.elapsed() >= wait {
            return Err(Error::Locked { dir: dir.to_path_buf(), waited_s: wait.as_secs() });
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

    /// Histories first, then the derived files (in place), the index last, so a reader
    /// never sees the index name a history that is not there yet, nor a badge newer
    /// than its history. When the folder did not exist at the read,
    /// another writer may have created it since: what it stored under `names` is
    /// returned for the caller to merge, and nothing is written this time.
    fn write(&mut self, files: &Files, names: &[String]) -> Result<Vec<Files>, Error> {
        if self.begin_write(files)? {
            let theirs = self.read(names)?;
            if !theirs.is_empty() {
                return Ok(vec![theirs]);
            }
        }
        for (name, tmp) in std::mem::take(&mut self.staged) {
            self.place_one(&name, &tmp)?;
        }
        for (name, content) in std::mem::take(&mut self.derived) {
            self.write_in_place(&name, &content)?;
        }
        let index = files.get_key_value(INDEX_FILE);
        for (name, content) in files.iter().filter(|(n, _)| *n != INDEX_FILE).chain(index) {
            self.write_any(name, content)?;
        }
        if let Ok(d) = std::fs::File::open(&self.dir) {
            // Makes the renames durable; not every filesystem supports it.
            let _ = d.sync_all();
        }
        Ok(Vec::new())
    }

    fn file_by_file(&self) -> bool {
        true
    }

    /// Writes each data file at once to a temporary file, renamed into place only by the
    /// [`Backend::write`] that ends the run's write (which also writes the derived files
    /// found changed here, in place): nothing of a run is in place before
    /// every history it handles was read in full, so a history that cannot be read still
    /// stops the run before any write. If the folder did not exist at the read and
    /// another writer has created a store there since, nothing is written: what this run
    /// read is not what is there.
    fn put(&mut self, files: &Files) -> Result<bool, Error> {
        if self.begin_write(files)? && self.read_one(INDEX_FILE)?.is_some() {
            return Err(Error::Refused(format!(
                "another gtt process created a store in folder {} during this run; nothing was written: run again",
                self.dir.display()
            )));
        }
        for (name, content) in files.iter().filter(|(n, _)| *n != INDEX_FILE) {
            self.unstage(name);
            if is_derived(name) {
                if self.differs(name, content)? {
                    self.derived.insert(name.clone(), content.clone());
                }
            } else if let Some(tmp) = self.stage_one(name, content)? {
                self.staged.insert(name.clone(), tmp);
            }
        }
        Ok(true)
    }

    fn describe(&self) -> String {
        format!("folder {}", self.dir.display())
    }

    fn public_url(&self, _file: &str) -> Option<String> {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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

    /// A badge with another hard link is replaced by a rename, so the other link keeps
    /// its text; a badge that is a symbolic link is refused, never written through.
    #[test]
    fn a_badge_is_never_written_through_a_link() {
        let dir = std::env::temp_dir().join(format!("gtt-store-links-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("dir");
        let (badge, outside) = (dir.join("views.svg"), dir.join("elsewhere"));
        std::fs::write(&outside, "precious").expect("write");
        std::fs::hard_link(&outside, &badge).expect("link");
        let mut f = folder(&dir, Duration::from_secs(1));
        let files = Files::from([("views.svg".to_string(), "<svg/>".to_string())]);
        assert!(f.put(&files).expect("put"));
        assert!(f.write(&Files::new(), &[]).expect("write").is_empty());
        assert_eq!(std::fs::read_to_string(&badge).expect("read"), "<svg/>");
        assert_eq!(std::fs::read_to_string(&outside).expect("read"), "precious");
        std::fs::remove_file(&badge).expect("rm");
        std::os::unix::fs::symlink(&outside, &badge).expect("symlink");
        assert!(matches!(f.put(&files), Err(Error::NotRegular { .. })));
        assert!(matches!(f.write(&files, &[]), Err(Error::NotRegular { .. })));
        assert_eq!(std::fs::read_to_string(&outside).expect("read"), "precious");
        drop(f);
        let _ = std::fs::remove_dir_all(&dir);
    }
}
