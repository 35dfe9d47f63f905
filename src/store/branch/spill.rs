//! The blobs a run has read, kept on disk for its second read: a run reads each history
//! twice (what fetching needs of it, then the whole to merge), and the second read comes
//! from here instead of GitHub, without holding hundreds of texts in memory.
//!
//! One temporary file, removed from its folder as soon as it is made (the open handle
//! keeps it), with each blob appended once: a file per blob cost a new inode each, 8% of
//! a 500-repository run's CPU, and a file removed at once leaves nothing behind a crash.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Write;
use std::os::unix::fs::FileExt;

#[derive(Debug, Default)]
pub(super) struct Spill {
    file: Option<File>,
    /// Blob sha -> (offset, length) in the file.
    at: BTreeMap<String, (u64, usize)>,
    end: u64,
}

impl Spill {
    /// The text of blob `sha` if this run kept it.
    pub(super) fn get(&self, sha: &str) -> Option<String> {
        let (&(offset, len), file) = (self.at.get(sha)?, self.file.as_ref()?);
        let mut bytes = vec![0; len];
        file.read_exact_at(&mut bytes, offset).ok()?;
        String::from_utf8(bytes).ok()
    }

    /// Keeps `text` as blob `sha`; a spill that cannot be written is only a second read
    /// from GitHub, so failures are dropped.
    pub(super) fn keep(&mut self, sha: &str, text: &str) {
        if self.at.contains_key(sha) {
            return;
        }
        if self.file.is_none() {
            self.file = open();
        }
        let Some(file) = self.file.as_mut() else { return };
        if file.write_all(text.as_bytes()).is_err() {
            // A blob written in part would misplace every later one: this run's spill
            // ends here, and what it held is read from GitHub again if wanted.
            self.file = None;
            self.at.clear();
            return;
        }
        self.at.insert(sha.to_string(), (self.end, text.len()));
        self.end += text.len() as u64;
    }
}

/// A new temporary file, already removed from its folder.
fn open() -> Option<File> {
    static RUNS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = RUNS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    let path = std::env::temp_dir().join(format!("gtt-blobs-{}-{n}", std::process::id()));
    let file = std::fs::OpenOptions::new().read(true).write(true).create_new(true).open(&path).ok()?;
    let _ = std::fs::remove_file(&path);
    Some(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blobs_come_back_as_kept_and_nothing_stays_in_the_folder() {
        let mut s = Spill::default();
        assert_eq!(s.get("a"), None);
        let table = [("a", "{\"x\":1}"), ("b", ""), ("c", "ünï\u{2028}côde"), ("a", "ignored: a blob is kept once")];
        for (sha, text) in table {
            s.keep(sha, text);
        }
        assert_eq!(s.get("a").as_deref(), Some("{\"x\":1}"));
        assert_eq!(s.get("b").as_deref(), Some(""));
        assert_eq!(s.get("c").as_deref(), Some("ünï\u{2028}côde"));
        assert_eq!(s.get("d"), None);
        let prefix = format!("gtt-blobs-{}-", std::process::id());
        let left = std::fs::read_dir(std::env::temp_dir())
            .map(|d| d.flatten().filter(|e| e.file_name().to_string_lossy().starts_with(&prefix)).count())
            .unwrap_or(0);
        assert_eq!(left, 0, "the spill file is removed from its folder at once");
    }
}
