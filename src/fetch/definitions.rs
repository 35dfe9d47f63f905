//! The workflow definitions a collection reads to tell which job steps cloned the
//! repository: the file each new run executed (its `path` at its `head_sha`), and the
//! local reusable workflows and composite actions it names, through the contents API
//! (<https://docs.github.com/en/rest/repos/contents#get-repository-content>).
//!
//! Economy: each distinct (path, commit) is read once per collection, and only for runs
//! not counted before (finished runs are cached in the history), so at most one read
//! per new run and file. Each file is asked conditionally under `workflow:{path}`: the
//! stored copy is its blob and its parsed definition, so an unchanged file answers 304
//! (free of primary quota) and is not parsed again.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use base64::Engine;
use serde::Deserialize;

use super::{Context, JobJson, RunJson};
use crate::github::{self, Client};
use crate::history::Validator;
use crate::workflow::{self, Definition};

/// Referenced files read for one run's definition at most (reusable workflows and
/// composite actions, all levels).
const MAX_REFERENCES: usize = 16;

/// Each (path, commit) read this collection, with what it gave.
pub(super) type Definitions = BTreeMap<(String, String), Result<Tree, Fallback>>;

/// A run's workflow file with the local files it refers to.
#[derive(Debug)]
pub(super) struct Tree {
    root: Definition,
    refs: BTreeMap<String, Definition>,
}

impl Tree {
    /// The local files read besides the run's own.
    pub(super) fn referenced(&self) -> impl Iterator<Item = &String> {
        self.refs.keys()
    }

    /// Checkouts per listed step of one job of the run.
    pub(super) fn job(&self, j: &JobJson) -> Result<Vec<u64>, workflow::Unmatched> {
        let steps: Vec<&str> = j.steps.iter().map(|s| s.name.as_str()).collect();
        self.root.checkouts(&self.refs, &j.name, &steps)
    }
}

/// Why a run was counted from step names instead.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Fallback {
    /// 403: the token lacks Contents: read.
    Forbidden,
    /// 404: the file is gone (or the token cannot see it).
    Missing(String),
    Unparsable(String),
    Unreadable(String),
    /// The run executed no file of this repository (another repository's workflow, a
    /// dynamic one such as Pages' own).
    Foreign,
    /// The jobs API listed a job or step the definition does not explain.
    Unmatched(String),
}

/// What a collection's definitions gave: the files read, and why runs fell back.
#[derive(Debug, Default)]
pub(super) struct DefinitionReport {
    pub(super) files: BTreeSet<String>,
    pub(super) fallbacks: Vec<Fallback>,
}

impl DefinitionReport {
    /// The one warning of a repository's collection, naming the permission that fixes it.
    pub(super) fn warning(&self, repo: &str) -> Option<String> {
        let n = self.fallbacks.len();
        if n == 0 {
            return None;
        }
        if self.fallbacks.contains(&Fallback::Forbidden) {
            return Some(format!(
                "{repo}: CI checkouts of {n} new workflow runs estimated from step names: the token cannot read workflow files (403); give it repository permission Contents: read"
            ));
        }
        let why: BTreeSet<String> = self.fallbacks.iter().map(Fallback::describe).collect();
        let why: Vec<String> = why.into_iter().take(3).collect();
        Some(format!("{repo}: CI checkouts of {n} new workflow runs estimated from step names: {}", why.join("; ")))
    }
}

impl Fallback {
    fn describe(&self) -> String {
        match self {
            Fallback::Forbidden => "workflow files not readable (Contents: read)".into(),
            Fallback::Missing(p) => format!("{p} not found"),
            Fallback::Unparsable(e) | Fallback::Unreadable(e) | Fallback::Unmatched(e) => e.clone(),
            Fallback::Foreign => "a run of a workflow outside the repository".into(),
        }
    }
}

/// Whether a run is GitHub Pages' own build and deployment (a dynamic workflow with no
/// file in the repository, path `dynamic/pages/...`): each such build already counts as
/// one clone through the Pages builds listing, so its job steps must not count again.
pub(super) fn is_pages_run(run: &RunJson) -> bool {
    run.path.as_deref().is_some_and(|p| p.starts_with("dynamic/pages/"))
}

/// The file a run executed, as (path, commit), if it is one of this repository's.
pub(super) fn run_file(repo: &str, run: &RunJson) -> Option<(String, String)> {
    let own = run.repository.as_ref().is_none_or(|r| r.full_name.eq_ignore_ascii_case(repo));
    let path = run.path.as_deref().filter(|p| p.starts_with(".github/workflows/") && !p.contains('@'))?;
    let sha = run.head_sha.as_deref().filter(|s| !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric()))?;
    own.then(|| (path.to_string(), sha.to_string()))
}

/// Reads the definitions of `runs`, each distinct (path, commit) once. Only a rate limit
/// stops it; any other failure makes those runs estimated.
///
/// The reads go concurrently (at most [`MAX_READS`] at once). A path with a stored
/// validator is read in two waves: first the commit read last when they went one by one
/// in the runs' order (the oldest run's: its validator is the one kept), then the other
/// commits, asked with the validators the first wave got, so a file unchanged since
/// answers 304. A path without one (a first collection) has nothing to ask with: all
/// its commits go in the first wave, one round trip instead of two. The validators are
/// kept in the keys' order once the reads are done, as one by one would keep them.
pub(super) fn definitions(
    client: &Client,
    repo: &str,
    runs: &[&RunJson],
    ctx: Context<'_>,
    kept: &Mutex<BTreeMap<String, Validator>>,
) -> Result<Definitions, github::Error> {
    let mut keys: Vec<(String, String)> = Vec::new();
    for key in runs.iter().filter_map(|r| run_file(repo, r)) {
        if !keys.contains(&key) {
            keys.push(key);
        }
    }
    let known = &ctx.stored.wait()?.validators;
    let last = |i: usize| keys.iter().skip(i + 1).all(|k| keys.get(i).is_none_or(|this| k.0 != this.0));
    let unknown = |i: usize| keys.get(i).is_some_and(|k| !known.contains_key(&format!("workflow:{}", k.0)));
    let (first, rest): (Vec<usize>, Vec<usize>) = (0..keys.len()).partition(|&i| last(i) || unknown(i));
    let mut done: Vec<Option<Read>> = keys.iter().map(|_| None).collect();
    let wave = Wave { client, repo, keys: &keys, ctx, kept };
    let mut outcome = wave.read(&first, &BTreeMap::new(), &mut done);
    if outcome.is_ok() && done.iter().flatten().all(|r| r.tree.is_ok()) {
        let mut base = BTreeMap::new();
        done.iter().flatten().for_each(|r| base.extend(r.seen.clone()));
        outcome = wave.read(&rest, &base, &mut done);
    }
    if let Ok(mut k) = kept.lock() {
        done.iter().flatten().for_each(|r| k.extend(r.seen.clone()));
    }
    outcome?;
    let mut out = Definitions::new();
    for (key, read) in keys.into_iter().zip(done) {
        if let Some(read) = read {
            out.insert(key, read.tree?);
        }
    }
    Ok(out)
}

/// Workflow files read at once at most by one collection: as many as its job listings
/// (14 days of daily runs fit in one wave), while the client's governor caps the run's
/// requests in flight (input `concurrency`). Not more: each read is a thread, and a run
/// collects several repositories at once.
const MAX_READS: usize = super::JOB_THREADS;

/// One (path, commit)'s read: what it gave, and the validators it got.
struct Read {
    tree: Result<Result<Tree, Fallback>, github::Error>,
    seen: BTreeMap<String, Validator>,
}

/// Where a read finds the validator to ask with: its own answers first, then those of
/// the first wave (`base`), then the run's and the stored ones.
struct Priors<'a> {
    seen: BTreeMap<String, Validator>,
    base: &'a BTreeMap<String, Validator>,
    kept: &'a Mutex<BTreeMap<String, Validator>>,
}

/// What every read of one collection's definitions shares.
struct Wave<'a> {
    client: &'a Client,
    repo: &'a str,
    keys: &'a [(String, String)],
    ctx: Context<'a>,
    kept: &'a Mutex<BTreeMap<String, Validator>>,
}

impl Wave<'_> {
    /// Reads the keys at `indices` into `done`, [`MAX_READS`] at once; after a failure
    /// (a rate limit) no further read starts.
    fn read(
        &self,
        indices: &[usize],
        base: &BTreeMap<String, Validator>,
        done: &mut [Option<Read>],
    ) -> Result<(), github::Error> {
        let next = AtomicUsize::new(0);
        let stop = AtomicBool::new(false);
        let worker = || {
            let mut got = Vec::new();
            while !stop.load(Ordering::Relaxed) {
                let Some(&i) = indices.get(next.fetch_add(1, Ordering::Relaxed)) else { break };
                let Some(key) = self.keys.get(i) else { break };
                let mut priors = Priors { seen: BTreeMap::new(), base, kept: self.kept };
                let tree = read_tree(self.client, self.repo, key, self.ctx, &mut priors);
                if tree.is_err() {
                    stop.store(true, Ordering::Relaxed);
                }
                got.push((i, Read { tree, seen: priors.seen }));
            }
            got
        };
        let joined: Vec<_> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..indices.len().min(MAX_READS)).map(|_| s.spawn(worker)).collect();
            handles.into_iter().map(|h| h.join()).collect()
        });
        let mut failed = false;
        for got in joined {
            match got {
                Ok(got) => got.into_iter().for_each(|(i, read)| {
                    if let Some(slot) = done.get_mut(i) {
                        *slot = Some(read);
                    }
                }),
                Err(_) => failed = true,
            }
        }
        if failed {
            return Err(github::Error::ThreadFailed { what: "definitions thread" });
        }
        Ok(())
    }
}

fn read_tree(
    client: &Client,
    repo: &str,
    (path, sha): &(String, String),
    ctx: Context<'_>,
    priors: &mut Priors<'_>,
) -> Result<Result<Tree, Fallback>, github::Error> {
    let root = match read_file(client, repo, path, sha, ctx, priors)? {
        Ok(d) => d,
        Err(f) => return Ok(Err(f)),
    };
    let mut refs: BTreeMap<String, Definition> = BTreeMap::new();
    loop {
        let wanted: Vec<String> = root.references(&refs).into_iter().filter(|p| !refs.contains_key(p)).collect();
        let Some(next) = wanted.into_iter().next() else { break };
        if refs.len() >= MAX_REFERENCES {
            return Ok(Err(Fallback::Unreadable(format!("{path} refers to more than {MAX_REFERENCES} local files"))));
        }
        match read_file(client, repo, &next, sha, ctx, priors)? {
            Ok(d) => refs.insert(next, d),
            Err(f) => return Ok(Err(f)),
        };
    }
    Ok(Ok(Tree { root, refs }))
}

/// The contents API's answer for a file.
#[derive(Deserialize)]
struct ContentsJson {
    sha: String,
    #[serde(default)]
    content: Option<String>,
    #[serde(default)]
    encoding: Option<String>,
}

/// One file at one commit, asked conditionally under `workflow:{path}`.
fn read_file(
    client: &Client,
    repo: &str,
    path: &str,
    sha: &str,
    ctx: Context<'_>,
    priors: &mut Priors<'_>,
) -> Result<Result<Definition, Fallback>, github::Error> {
    let key = format!("workflow:{path}");
    let stored = &ctx.stored.wait()?.validators;
    let prior = priors.seen.get(&key).or_else(|| priors.base.get(&key)).cloned();
    let prior = prior
        .or_else(|| priors.kept.lock().ok().and_then(|k| k.get(&key).cloned()))
        .or_else(|| stored.get(&key).cloned());
    let url = format!("/repos/{repo}/contents/{}?ref={sha}", encode_path(path));
    let answer = match client.get_conditional(&url, prior.as_ref().map(|v| v.etag.as_str())) {
        Ok(a) => a,
        Err(e @ github::Error::RateLimited { .. }) => return Err(e),
        Err(e) if e.status() == Some(403) => return Ok(Err(Fallback::Forbidden)),
        Err(e) if e.status() == Some(404) => return Ok(Err(Fallback::Missing(path.to_string()))),
        Err(e) => return Ok(Err(Fallback::Unreadable(format!("{path}: {e}")))),
    };
    let (value, etag) = match (answer.body, prior) {
        (None, Some(p)) => (p.value, Some(p.etag)),
        (None, None) => return Err(github::Error::UnaskedNotModified { path: url }),
        (Some(body), _) => (stored_form(repo, path, &body), answer.etag),
    };
    if let Some(etag) = etag {
        priors.seen.insert(key, Validator { at: ctx.now, etag, value: value.clone() });
    }
    Ok(from_stored(path, &value))
}

/// What is kept of a file: its blob, and its definition or why it has none.
fn stored_form(repo: &str, path: &str, body: &str) -> serde_json::Value {
    let parsed = serde_json::from_str::<ContentsJson>(body).map_err(|e| e.to_string()).and_then(|c| {
        if c.encoding.as_deref().is_some_and(|e| e != "base64") {
            return Err(format!("content encoded as {:?}", c.encoding));
        }
        let text: String = c.content.unwrap_or_default().chars().filter(|ch| !ch.is_ascii_whitespace()).collect();
        let bytes = base64::engine::general_purpose::STANDARD.decode(text).map_err(|e| e.to_string())?;
        let text = String::from_utf8(bytes).map_err(|e| e.to_string())?;
        let def = workflow::parse(&text, repo).map_err(|e| e.to_string());
        Ok((c.sha, def))
    });
    match parsed {
        Ok((sha, Ok(def))) => serde_json::json!({ "sha": sha, "definition": def }),
        Ok((sha, Err(e))) => serde_json::json!({ "sha": sha, "error": format!("{path}: {e}") }),
        Err(e) => serde_json::json!({ "error": format!("{path}: {e}") }),
    }
}

fn from_stored(path: &str, v: &serde_json::Value) -> Result<Definition, Fallback> {
    if let Some(e) = v.get("error").and_then(serde_json::Value::as_str) {
        return Err(Fallback::Unparsable(e.to_string()));
    }
    let def = v.get("definition").cloned().unwrap_or_default();
    serde_json::from_value(def).map_err(|e| Fallback::Unparsable(format!("{path}: stored definition: {e}")))
}

/// A repository path in a URL: each segment percent-encoded but for unreserved bytes.
fn encode_path(path: &str) -> String {
    let mut out = String::new();
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
