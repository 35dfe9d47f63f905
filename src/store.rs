//! Where histories live: a gist the user owns, or a local folder. Both sit behind
//! [`Backend`]. Reading is all-or-nothing: a file that exists but cannot be read in full
//! is an error, never an empty history, so a bad read can never lead to an overwrite.

use std::collections::BTreeMap;
use std::fmt;
use std::io::Write;
use std::path::{Path, PathBuf};

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use crate::github::{self, Client};

/// The small file that lists tracked repositories and their history files.
pub const INDEX_FILE: &str = "gtt.json";
/// How many revisions back gtt looks for a concurrent writer's work.
const MAX_CONCURRENT_REVISIONS: usize = 10;

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

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    pub schema: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<Timestamp>,
    /// Repository (as configured) -> history file name.
    #[serde(default)]
    pub repos: BTreeMap<String, String>,
}

impl Index {
    pub fn new() -> Index {
        Index { schema: crate::history::SCHEMA, updated: None, repos: BTreeMap::new() }
    }

    pub fn parse(text: &str) -> Result<Index, String> {
        let i: Index = serde_json::from_str(text).map_err(|e| format!("not a gtt index ({e})"))?;
        if i.schema > crate::history::SCHEMA {
            return Err(format!("written by a newer gtt (schema {}); upgrade gtt", i.schema));
        }
        Ok(i)
    }

    /// Union: a repository once tracked stays listed even when a run tracks fewer.
    pub fn merge(&self, other: &Index) -> Index {
        let mut repos = self.repos.clone();
        for (k, v) in &other.repos {
            if !repos.keys().any(|r| r.eq_ignore_ascii_case(k)) {
                repos.insert(k.clone(), v.clone());
            }
        }
        Index { schema: crate::history::SCHEMA, updated: self.updated.max(other.updated), repos }
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

pub fn folder(dir: &Path) -> Folder {
    Folder { dir: dir.to_path_buf(), read: Files::new() }
}

#[derive(Debug)]
pub struct Folder {
    dir: PathBuf,
    read: Files,
}

impl Backend for Folder {
    fn read(&mut self, names: &[String]) -> Result<Files, Error> {
        let mut out = Files::new();
        for name in names {
            let path = self.dir.join(name);
            match std::fs::read_to_string(&path) {
                Ok(text) => {
                    out.insert(name.clone(), text);
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(Error(format!("cannot read {}: {e}", path.display()))),
            }
        }
        self.read.extend(out.clone());
        Ok(out)
    }

    /// Each file goes to a temporary name, is synced, then renamed over the old one, so
    /// a crash leaves either the old or the new file, never half of one.
    fn write(&mut self, files: &Files, _names: &[String]) -> Result<Vec<Files>, Error> {
        let io = |what: &str, p: &Path, e: std::io::Error| Error(format!("cannot {what} {}: {e}", p.display()));
        std::fs::create_dir_all(&self.dir).map_err(|e| io("create folder", &self.dir, e))?;
        for (name, content) in files {
            let unchanged = match self.read.get(name) {
                Some(old) => old == content,
                None => std::fs::read(self.dir.join(name)).is_ok_and(|old| old == content.as_bytes()),
            };
            if unchanged {
                continue;
            }
            let path = self.dir.join(name);
            let tmp = self.dir.join(format!(".{name}.tmp{}", std::process::id()));
            let mut f = std::fs::File::create(&tmp).map_err(|e| io("create", &tmp, e))?;
            f.write_all(content.as_bytes()).map_err(|e| io("write", &tmp, e))?;
            f.sync_all().map_err(|e| io("sync", &tmp, e))?;
            drop(f);
            std::fs::rename(&tmp, &path).map_err(|e| io("replace", &path, e))?;
            self.read.insert(name.clone(), content.clone());
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
    Gist { client, id: id.to_string(), version: None, read: Files::new(), owner: None }
}

#[derive(Debug)]
pub struct Gist {
    client: Client,
    id: String,
    /// The revision our read saw; a write whose parent is not this one raced another writer.
    version: Option<String>,
    read: Files,
    owner: Option<String>,
}

impl Gist {
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

impl Gist {
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
        let gist: GistJson =
            self.client.get_json(&format!("/gists/{}", self.id)).map_err(|e| self.explain(e, "reading it"))?;
        self.version = gist.history.first().map(|r| r.version.clone());
        self.owner = gist.owner.as_ref().map(|o| o.login.clone());
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
        assert!(Index::parse("[]").is_err());
    }

    #[test]
    fn folder_writes_atomically_and_reads_back() {
        let dir = std::env::temp_dir().join(format!("gtt-store-test-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let mut f = folder(&dir.join("nested"));
        let names = vec!["a.json".to_string()];
        assert!(f.read(&names).expect("absent is fine").is_empty());
        let files = Files::from([("a.json".to_string(), "{}".to_string())]);
        assert!(f.write(&files, &names).expect("write").is_empty());
        assert_eq!(folder(&dir.join("nested")).read(&names).expect("read"), files);
        let leftovers: Vec<_> = std::fs::read_dir(dir.join("nested"))
            .expect("dir")
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().contains(".tmp"))
            .collect();
        assert!(leftovers.is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
