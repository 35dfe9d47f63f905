//! `gtt dashboard`: writes the prebuilt static site with where its data is. The site is
//! compiled into gtt (`dashboard/site/`, committed, embedded by build.rs), so any gtt
//! binary writes it anywhere; input `site-dir` names another build instead. One build
//! serves every user; nothing in the HTML is patched. The site reads, in order: the URL
//! parameter `?source=`, `config.js` (`window.GTT_CONFIG`), `config.json`. For a local
//! folder the files are copied under `data/`, for pages served over http(s), and also
//! written there as scripts, because a page opened from `file://` cannot fetch: a small
//! `gtt.js` (the index) and one script per repository, which the page adds only from
//! `file://` and only when it first needs that repository. One 22 MB script for 50
//! repositories of ten years took seconds to parse before the first chart.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::store::Files;
use crate::store::layout::repo_key;

/// Why the site could not be written.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Error {
    #[error(
        "input `site-dir` ({}) holds no index.html: point it at a built dashboard (`npm ci && npm run build` in dashboard/ writes dashboard/site), or leave it unset to use the one built into gtt",
        .0.display()
    )]
    NoSite(PathBuf),
    #[error("cannot {doing} {}: {source}", path.display())]
    Io { doing: &'static str, path: PathBuf, source: std::io::Error },
    #[error("cannot serialise the dashboard data: {0}")]
    Json(#[from] serde_json::Error),
    /// A write gtt refuses to make; the text says why and the fix.
    #[error("{0}")]
    Refused(String),
}

impl Error {
    fn io(doing: &'static str, path: &Path) -> impl FnOnce(std::io::Error) -> Error + use<> {
        let path = path.to_path_buf();
        move |source| Error::Io { doing, path, source }
    }
}

/// Where the site finds gtt's files.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct SiteConfig {
    /// A base URL ending in `/` (a gist's raw URL) or a relative folder (`data/`).
    pub(crate) source: String,
}

/// The folder under the output that holds a copy of a local folder's files.
pub(crate) const DATA_DIR: &str = "data";

mod embedded {
    // `SITE_FILES`: every file of dashboard/site, written by build.rs.
    include!(concat!(env!("OUT_DIR"), "/site_files.rs"));
}

/// The files of the site compiled into gtt: (`/`-separated path, bytes), sorted.
pub(crate) fn embedded_files() -> &'static [(&'static str, &'static [u8])] {
    embedded::SITE_FILES
}

/// A built dashboard: the one compiled into gtt, or a folder (input `site-dir`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Site {
    Embedded,
    Folder(PathBuf),
}

/// The built site: the folder `--site-dir` names (it must hold `index.html`), else the
/// one compiled into gtt.
pub(crate) fn find_site(given: Option<&Path>) -> Result<Site, Error> {
    match given {
        None => Ok(Site::Embedded),
        Some(p) if p.join("index.html").is_file() => Ok(Site::Folder(p.to_path_buf())),
        Some(p) => Err(Error::NoSite(p.to_path_buf())),
    }
}

/// JSON that is safe inside a `<script>` element and in any JavaScript source: `<`, `>`
/// and `&` become `\u003c`, `\u003e`, `\u0026` (so no content can close the element
/// or open a comment), and U+2028/U+2029 are escaped too. Still valid JSON, with the
/// same value.
pub(crate) fn script_json<T: Serialize + ?Sized>(value: &T) -> Result<String, Error> {
    let json = serde_json::to_string(value)?;
    let mut out = String::with_capacity(json.len() + json.len() / 16);
    for c in json.chars() {
        match c {
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c => out.push(c),
        }
    }
    Ok(out)
}

/// The text of `config.js`.
pub(crate) fn config_js(config: &SiteConfig) -> Result<String, Error> {
    Ok(format!(
        "// Written by `gtt dashboard`: where this site reads gtt's files.\nwindow.GTT_CONFIG = {};\n",
        script_json(config)?
    ))
}

/// The script under `data/` that a page opened from `file://` adds first.
pub(crate) const INDEX_SCRIPT: &str = "gtt.js";

/// The scripts for a page opened from `file://`, as (name under `data/`, text), in the
/// order the page reads them. [`INDEX_SCRIPT`] sets `window.GTT_DATA = {"files": {...},
/// "scripts": {...}}`: the files no repository owns (`gtt.json`) and, for every other
/// file, the script that holds it. Each repository's files (grouped by
/// [`repo_key`], so every file gtt keeps for it goes together) are in `repo-KEY.js`,
/// which adds them to `window.GTT_FILES`; the page adds it when it first needs that
/// repository. Every text passes through [`script_json`], so no content can close the
/// script element or break the script.
pub(crate) fn data_scripts(files: &Files) -> Result<Vec<(String, String)>, Error> {
    let mut shared: BTreeMap<&str, &str> = BTreeMap::new();
    let mut scripts: BTreeMap<&str, String> = BTreeMap::new();
    let mut per_repo: BTreeMap<String, BTreeMap<&str, &str>> = BTreeMap::new();
    for (name, text) in files {
        match repo_key(name) {
            Some(key) => {
                let script = format!("repo-{key}.js");
                per_repo.entry(script.clone()).or_default().insert(name, text);
                scripts.insert(name, script);
            }
            None => {
                shared.insert(name, text);
            }
        }
    }
    let index = serde_json::json!({ "files": shared, "scripts": scripts });
    let mut out = vec![(
        INDEX_SCRIPT.to_string(),
        format!(
            "// Written by `gtt dashboard`: gtt's index and the script of each repository, for pages opened from file://.\nwindow.GTT_DATA = {};\n",
            script_json(&index)?
        ),
    )];
    for (script, files) in per_repo {
        let text = format!(
            "// Written by `gtt dashboard`: one repository's files, for pages opened from file://.\nwindow.GTT_FILES = Object.assign(window.GTT_FILES || {{}}, {});\n",
            script_json(&files)?
        );
        out.push((script, text));
    }
    Ok(out)
}

/// A file name gtt writes into storage (`gtt.json`, `history-owner.name.json`): one plain
/// component, so a tampered index cannot make us write outside the data folder.
fn is_plain_file_name(name: &str) -> bool {
    !name.is_empty()
        && !name.starts_with('.')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// The file in a site folder that lists what gtt wrote there, so that the next write
/// cleans up only its own files. JSON, `{"written_by": "gtt", "files": [...]}`, the
/// paths relative to the folder and `/`-separated (`index.html`, `vendor/uPlot.min.css`,
/// `data/history-octo.hello.json`). A write removes the files the previous manifest
/// lists that it does not write again (a repository dropped from the index, the `data/`
/// copy of a folder store that became a gist) and nothing else: the user's own files in
/// the site folder (`CNAME`, `.nojekyll`, anything of theirs in `data/`) stay. A folder
/// without a manifest (the first write, or one by an older gtt) or with an unreadable one
/// has nothing removed.
pub(crate) const MANIFEST: &str = ".gtt-site-manifest";

#[derive(Debug, Default, Serialize, Deserialize)]
struct Manifest {
    written_by: String,
    files: BTreeSet<String>,
}

/// Copies the site into `out`, writes `config.json` and `config.js`, and for a local
/// folder (`data` given) its files under `data/`, as copies and as [`data_scripts`].
/// Then removes what the previous write listed in [`MANIFEST`] and this
/// one did not write, and lists this write's files there.
pub(crate) fn write_site(site: &Site, out: &Path, config: &SiteConfig, data: Option<&Files>) -> Result<(), Error> {
    if let Some(bad) = data.and_then(|files| files.keys().find(|n| !is_plain_file_name(n))) {
        return Err(Error::Refused(format!(
            "refusing to write data file {bad:?}: not a plain file name (check gtt.json)"
        )));
    }
    std::fs::create_dir_all(out).map_err(Error::io("write", out))?;
    if let Site::Folder(folder) = site {
        check_apart(folder, out)?;
    }
    let old = read_manifest(out);
    let mut written = BTreeSet::new();
    match site {
        Site::Folder(folder) => copy_dir(folder, out, "", &mut written)?,
        Site::Embedded => {
            for (rel, bytes) in embedded_files() {
                write(out, rel, bytes, &mut written)?;
            }
        }
    }
    let cfg = serde_json::to_string_pretty(config)? + "\n";
    write(out, "config.json", &cfg, &mut written)?;
    write(out, "config.js", &config_js(config)?, &mut written)?;
    if let Some(files) = data {
        for (name, content) in files {
            write(out, &format!("{DATA_DIR}/{name}"), content, &mut written)?;
        }
        for (name, text) in data_scripts(files)? {
            write(out, &format!("{DATA_DIR}/{name}"), text, &mut written)?;
        }
    }
    for stale in old.files.difference(&written) {
        remove_own_file(out, stale)?;
    }
    let manifest = Manifest { written_by: "gtt".into(), files: written };
    let text = serde_json::to_string_pretty(&manifest)? + "\n";
    let path = out.join(MANIFEST);
    refuse_symlink(&path)?;
    std::fs::write(&path, text).map_err(Error::io("write", &path))
}

/// Refuses a site folder and an output folder that hold one another: the copy would
/// overwrite the site or copy itself into itself.
fn check_apart(site: &Path, out: &Path) -> Result<(), Error> {
    let site_abs = site.canonicalize().map_err(Error::io("read", site))?;
    let out_abs = out.canonicalize().map_err(Error::io("write", out))?;
    if out_abs.starts_with(&site_abs) {
        return Err(Error::Refused(format!(
            "input `out` ({}) is inside the built site ({}): choose another folder",
            out.display(),
            site.display()
        )));
    }
    if site_abs.starts_with(&out_abs) {
        return Err(Error::Refused(format!(
            "the built site ({}) is inside input `out` ({}): choose another folder",
            site.display(),
            out.display()
        )));
    }
    Ok(())
}

/// The previous write's manifest; empty when there is none or it cannot be read.
fn read_manifest(out: &Path) -> Manifest {
    let path = out.join(MANIFEST);
    match std::fs::symlink_metadata(&path) {
        Ok(m) if m.file_type().is_file() => {}
        _ => return Manifest::default(),
    }
    std::fs::read_to_string(&path)
        .ok()
        .and_then(|text| serde_json::from_str::<Manifest>(&text).ok())
        .filter(|m| m.written_by == "gtt")
        .unwrap_or_default()
}

/// gtt replaces its own files in a site folder, never what a symbolic link there points
/// at (a link could lead into the data store).
fn refuse_symlink(path: &Path) -> Result<(), Error> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.file_type().is_symlink() => Err(Error::Refused(format!(
            "refusing to write {}: it is a symbolic link (gtt writes its own files in the dashboard folder; remove the link)",
            path.display()
        ))),
        _ => Ok(()),
    }
}

/// Writes `out/rel` (`rel` is `/`-separated), creating its folders, and records it as
/// written. Neither the file nor a folder on the way may be a symbolic link.
fn write(out: &Path, rel: &str, bytes: impl AsRef<[u8]>, written: &mut BTreeSet<String>) -> Result<(), Error> {
    let mut path = out.to_path_buf();
    let mut parts = rel.split('/').peekable();
    while let Some(part) = parts.next() {
        path.push(part);
        refuse_symlink(&path)?;
        if parts.peek().is_some() {
            std::fs::create_dir_all(&path).map_err(Error::io("write", &path))?;
        }
    }
    std::fs::write(&path, bytes).map_err(Error::io("write", &path))?;
    written.insert(rel.to_string());
    Ok(())
}

/// Removes `out/rel`, a file an earlier write listed in its manifest, if it is still a
/// plain file reached through real folders: a path that leaves `out`, passes through a
/// symbolic link, or ends in anything but a regular file is left alone.
fn remove_own_file(out: &Path, rel: &str) -> Result<(), Error> {
    let parts: Vec<&str> = rel.split('/').collect();
    if !parts.iter().all(|p| is_plain_file_name(p)) {
        return Ok(());
    }
    let mut path = out.to_path_buf();
    for (i, part) in parts.iter().enumerate() {
        path.push(part);
        let Ok(meta) = std::fs::symlink_metadata(&path) else { return Ok(()) };
        let last = i + 1 == parts.len();
        let kind = meta.file_type();
        if kind.is_symlink() || (last && !kind.is_file()) || (!last && !kind.is_dir()) {
            return Ok(());
        }
    }
    match std::fs::remove_file(&path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(Error::io("remove (written by an earlier run)", &path)(e))
        }
        _ => Ok(()),
    }
}

/// Copies the folder `from` into `out/rel`, recording each file copied.
fn copy_dir(from: &Path, out: &Path, rel: &str, written: &mut BTreeSet<String>) -> Result<(), Error> {
    let to = out.join(rel);
    refuse_symlink(&to)?;
    std::fs::create_dir_all(&to).map_err(Error::io("copy", &to))?;
    for entry in std::fs::read_dir(from).map_err(Error::io("copy", from))? {
        let entry = entry.map_err(Error::io("copy", from))?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().into_owned();
        let child = if rel.is_empty() { name } else { format!("{rel}/{name}") };
        if path.is_dir() {
            copy_dir(&path, out, &child, written)?;
        } else {
            let target = out.join(&child);
            refuse_symlink(&target)?;
            std::fs::copy(&path, &target).map_err(Error::io("copy", &path))?;
            written.insert(child);
        }
    }
    Ok(())
}

/// Every file of the site as one write would put it in a store that serves it from the
/// same origin as the data (a branch for GitHub Pages): the built site's files, then
/// `config.json` and `config.js` naming `config`'s source (the data is fetched, so no
/// data script). Paths are `/`-separated and relative to the site's folder.
pub(crate) fn site_files(site: &Site, config: &SiteConfig) -> Result<Vec<(String, Vec<u8>)>, Error> {
    let mut files: Vec<(String, Vec<u8>)> = match site {
        Site::Embedded => embedded_files().iter().map(|(rel, bytes)| ((*rel).to_string(), bytes.to_vec())).collect(),
        Site::Folder(folder) => {
            let mut out = Vec::new();
            read_dir_files(folder, "", &mut out)?;
            out
        }
    };
    files.retain(|(rel, _)| !matches!(rel.as_str(), "config.json" | "config.js" | "data.js"));
    files.push(("config.json".into(), (serde_json::to_string_pretty(config)? + "\n").into_bytes()));
    files.push(("config.js".into(), config_js(config)?.into_bytes()));
    Ok(files)
}

/// Every file under `dir`, read into `out` with its path below the site's folder.
fn read_dir_files(dir: &Path, rel: &str, out: &mut Vec<(String, Vec<u8>)>) -> Result<(), Error> {
    for entry in std::fs::read_dir(dir).map_err(Error::io("read", dir))? {
        let path = entry.map_err(Error::io("read", dir))?.path();
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let child = if rel.is_empty() { name } else { format!("{rel}/{name}") };
        if path.is_dir() {
            read_dir_files(&path, &child, out)?;
        } else {
            out.push((child, std::fs::read(&path).map_err(Error::io("read", &path))?));
        }
    }
    Ok(())
}

/// The text of a [`MANIFEST`] listing `files`.
pub(crate) fn manifest_text<'a>(files: impl IntoIterator<Item = &'a str>) -> Result<String, Error> {
    let manifest = Manifest { written_by: "gtt".into(), files: files.into_iter().map(str::to_string).collect() };
    Ok(serde_json::to_string_pretty(&manifest)? + "\n")
}

/// The files a [`MANIFEST`] text lists; none when it is not gtt's or cannot be read.
pub(crate) fn manifest_files(text: &str) -> BTreeSet<String> {
    serde_json::from_str::<Manifest>(text).ok().filter(|m| m.written_by == "gtt").map(|m| m.files).unwrap_or_default()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn tempdir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("gtt-dashboard-unit-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    fn site(root: &Path) -> Site {
        Site::Folder(site_dir(root))
    }

    fn site_dir(root: &Path) -> PathBuf {
        let s = root.join("site");
        std::fs::create_dir_all(s.join("vendor")).unwrap();
        std::fs::write(s.join("index.html"), "<!doctype html>").unwrap();
        std::fs::write(s.join("config.js"), "window.GTT_CONFIG = null;\n").unwrap();
        std::fs::write(s.join("vendor/uPlot.iife.min.js"), "var uPlot;").unwrap();
        s
    }

    const HOSTILE: &str = "{\"title\":\"</script><script>window.__pwned=1</script><!-- \u{2028}\u{2029} & >\"}";

    fn hostile() -> Files {
        let mut f = Files::new();
        f.insert("gtt.json".into(), r#"{"schema":1,"repos":{"x/y":"history-x.y.json"}}"#.into());
        f.insert("history-x.y.json".into(), HOSTILE.into());
        f
    }

    /// The JSON a data script assigns: `window.NAME = JSON;` or
    /// `window.GTT_FILES = Object.assign(window.GTT_FILES || {}, JSON);`.
    fn assigned(script: &str) -> serde_json::Value {
        let body = script.lines().nth(1).unwrap();
        let json = body.split_once(" = ").unwrap().1.trim_end_matches(';');
        let json =
            json.strip_prefix("Object.assign(window.GTT_FILES || {}, ").map_or(json, |j| j.trim_end_matches(')'));
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn data_scripts_group_each_repositorys_files_and_keep_them_inert() {
        let mut files = hostile();
        // Every file repo_key gives to x/y goes into its script (a second history file
        // of the same repository included), the rest into gtt.js.
        files.insert("history-a.b.json".into(), "{\"a\":1}".into());
        files.insert("badge-x.y-views.json".into(), "{}".into());
        files.insert("notes.json".into(), "\u{2028}".into());
        let scripts = data_scripts(&files).unwrap();
        let names: Vec<&str> = scripts.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["gtt.js", "repo-a.b.js", "repo-x.y.js"]);
        for (name, text) in &scripts {
            for bad in ["<", ">", "&", "\u{2028}", "\u{2029}"] {
                assert!(!text.contains(bad), "{bad:?} escaped in {name}: {text}");
            }
            assert_eq!(text.lines().count(), 2, "{name}: a comment and one statement");
        }
        let index = assigned(&scripts[0].1);
        assert!(scripts[0].1.contains("\nwindow.GTT_DATA = {"));
        assert_eq!(index["files"]["gtt.json"], files["gtt.json"].as_str());
        assert_eq!(index["files"]["notes.json"], "\u{2028}");
        assert_eq!(index["scripts"]["history-x.y.json"], "repo-x.y.js");
        assert_eq!(index["scripts"]["badge-x.y-views.json"], "repo-x.y.js");
        assert_eq!(index["scripts"]["history-a.b.json"], "repo-a.b.js");
        assert!(index["scripts"].get("gtt.json").is_none());
        let xy = assigned(&scripts[2].1);
        assert_eq!(xy["history-x.y.json"], HOSTILE);
        assert_eq!(xy.as_object().unwrap().len(), 2);
        assert_eq!(assigned(&scripts[1].1)["history-a.b.json"], "{\"a\":1}");
    }

    #[test]
    fn script_json_cannot_close_the_script_element_and_stays_the_same_json() {
        let files = hostile();
        let js = script_json(&files).unwrap();
        for bad in ["<", ">", "&", "\u{2028}", "\u{2029}"] {
            assert!(!js.contains(bad), "{bad:?} escaped in {js}");
        }
        let back: Files = serde_json::from_str(&js).unwrap();
        assert_eq!(back, files);
    }

    #[test]
    fn folder_site_carries_its_data_as_copies_and_scripts_in_the_data_folder() {
        let root = tempdir("folder");
        let s = site(&root);
        let out = root.join("out");
        std::fs::create_dir_all(out.join(DATA_DIR)).unwrap();
        std::fs::write(out.join(DATA_DIR).join("history-old.gone.json"), "{}").unwrap();
        let files = hostile();
        write_site(&s, &out, &SiteConfig { source: "data/".into() }, Some(&files)).unwrap();
        assert!(out.join("index.html").is_file());
        assert!(out.join("vendor/uPlot.iife.min.js").is_file());
        let cfg: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("config.json")).unwrap()).unwrap();
        assert_eq!(cfg["source"], "data/");
        let cfg_js = std::fs::read_to_string(out.join("config.js")).unwrap();
        assert!(cfg_js.contains(r#"window.GTT_CONFIG = {"source":"data/"};"#), "{cfg_js}");
        for (name, text) in data_scripts(&files).unwrap() {
            assert_eq!(std::fs::read_to_string(out.join(DATA_DIR).join(&name)).unwrap(), text, "{name}");
        }
        assert!(!out.join("data.js").exists(), "no single script of everything");
        assert_eq!(std::fs::read_to_string(out.join("data/history-x.y.json")).unwrap(), files["history-x.y.json"]);
        assert!(out.join("data/history-old.gone.json").exists(), "a file gtt did not write stays");
        let _ = std::fs::remove_dir_all(&root);
    }

    fn manifest_files(out: &Path) -> BTreeSet<String> {
        let m: Manifest = serde_json::from_str(&std::fs::read_to_string(out.join(MANIFEST)).unwrap()).unwrap();
        m.files
    }

    #[test]
    fn cleanup_removes_only_what_an_earlier_write_listed() {
        let root = tempdir("manifest");
        let s = site(&root);
        let out = root.join("out");
        std::fs::create_dir_all(out.join(DATA_DIR)).unwrap();
        std::fs::write(out.join("CNAME"), "example.org").unwrap();
        std::fs::write(out.join(DATA_DIR).join("mine.json"), "{}").unwrap();
        let cfg = SiteConfig { source: "data/".into() };
        let mut files = hostile();
        files.insert("history-a.b.json".into(), "{}".into());
        write_site(&s, &out, &cfg, Some(&files)).unwrap();
        let listed = manifest_files(&out);
        assert!(listed.contains("data/history-a.b.json") && listed.contains("vendor/uPlot.iife.min.js"), "{listed:?}");
        assert!(!listed.contains("CNAME") && !listed.contains("data/mine.json"), "{listed:?}");

        files.remove("history-a.b.json");
        write_site(&s, &out, &cfg, Some(&files)).unwrap();
        assert!(!out.join("data/history-a.b.json").exists(), "written by run 1, not by run 2: removed");
        assert!(out.join("data/history-x.y.json").is_file());
        assert_eq!(std::fs::read_to_string(out.join("CNAME")).unwrap(), "example.org");
        assert!(out.join("data/mine.json").is_file());

        // A gist site writes no data/: the copies go, the user's file stays.
        write_site(&s, &out, &cfg, None).unwrap();
        assert!(!out.join("data/history-x.y.json").exists() && !out.join("data/gtt.json").exists());
        assert!(out.join("data/mine.json").is_file() && out.join("CNAME").is_file());
        assert!(out.join("index.html").is_file());
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn cleanup_follows_no_symlink_and_no_path_out_of_the_folder() {
        let root = tempdir("manifest-links");
        let s = site(&root);
        let out = root.join("out");
        let store = root.join("store");
        std::fs::create_dir_all(&store).unwrap();
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(store.join("history-a.b.json"), "kept").unwrap();
        std::fs::write(root.join("outside.json"), "kept").unwrap();
        let forged = Manifest {
            written_by: "gtt".into(),
            files: [
                "linked/history-a.b.json",
                "../outside.json",
                "/etc/hostname",
                "link.json",
                "data/../../outside.json",
            ]
            .into_iter()
            .map(String::from)
            .collect(),
        };
        std::fs::write(out.join(MANIFEST), serde_json::to_string(&forged).unwrap()).unwrap();
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&store, out.join("linked")).unwrap();
            std::os::unix::fs::symlink(store.join("history-a.b.json"), out.join("link.json")).unwrap();
        }
        write_site(&s, &out, &SiteConfig { source: "data/".into() }, None).unwrap();
        assert_eq!(std::fs::read_to_string(store.join("history-a.b.json")).unwrap(), "kept");
        assert_eq!(std::fs::read_to_string(root.join("outside.json")).unwrap(), "kept");
        #[cfg(unix)]
        assert!(std::fs::symlink_metadata(out.join("link.json")).unwrap().file_type().is_symlink());
        let _ = std::fs::remove_dir_all(&root);
    }

    #[cfg(unix)]
    #[test]
    fn writes_never_go_through_a_symlink_in_the_site_folder() {
        let root = tempdir("write-links");
        let s = site(&root);
        let out = root.join("out");
        let store = root.join("store");
        std::fs::create_dir_all(&store).unwrap();
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(store.join("gtt.json"), "mine").unwrap();
        std::os::unix::fs::symlink(&store, out.join(DATA_DIR)).unwrap();
        let err = write_site(&s, &out, &SiteConfig { source: "data/".into() }, Some(&hostile())).unwrap_err();
        assert!(err.to_string().contains("symbolic link"), "{err}");
        assert_eq!(std::fs::read_to_string(store.join("gtt.json")).unwrap(), "mine");
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn gist_site_has_no_data_and_an_older_gtts_data_js_goes() {
        let root = tempdir("gist");
        let s = site(&root);
        let out = root.join("out");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("data.js"), "window.GTT_DATA = {\"old\":1};").unwrap();
        let old = Manifest { written_by: "gtt".into(), files: ["data.js".to_string()].into() };
        std::fs::write(out.join(MANIFEST), serde_json::to_string(&old).unwrap()).unwrap();
        let source = "https://gist.githubusercontent.com/octo/abc123/raw/".to_string();
        write_site(&s, &out, &SiteConfig { source: source.clone() }, None).unwrap();
        assert!(!out.join("data.js").exists(), "written by an older gtt, not by this one");
        assert!(std::fs::read_to_string(out.join("config.js")).unwrap().contains(&source));
        assert!(!out.join(DATA_DIR).exists());
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn refuses_to_write_into_the_site_itself_or_outside_the_data_folder() {
        let root = tempdir("refuse");
        let s = site_dir(&root);
        let cfg = SiteConfig { source: "data/".into() };
        let folder = Site::Folder(s.clone());
        assert!(write_site(&folder, &s, &cfg, None).unwrap_err().to_string().contains("inside the built site"));
        assert!(write_site(&folder, &s.join("sub"), &cfg, None).is_err());
        assert!(write_site(&folder, &root, &cfg, None).unwrap_err().to_string().contains("inside input `out`"));
        let mut evil = Files::new();
        evil.insert("../../escape.json".into(), "{}".into());
        let err = write_site(&folder, &root.join("out"), &cfg, Some(&evil)).unwrap_err();
        assert!(err.to_string().contains("not a plain file name"), "{err}");
        assert!(!root.join("escape.json").exists());
        assert_eq!(std::fs::read_to_string(s.join("index.html")).unwrap(), "<!doctype html>", "site untouched");
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn find_site_names_the_fix_and_defaults_to_the_embedded_site() {
        let root = tempdir("find");
        let err = find_site(Some(&root)).unwrap_err();
        assert!(err.to_string().contains("input `site-dir`") && err.to_string().contains("npm run build"), "{err}");
        let s = site_dir(&root);
        assert_eq!(find_site(Some(&s)).unwrap(), Site::Folder(s));
        assert_eq!(find_site(None).unwrap(), Site::Embedded);
        let _ = std::fs::remove_dir_all(&root);
    }

    /// Every file of the committed dashboard/site, by relative path.
    fn committed_site() -> BTreeMap<String, Vec<u8>> {
        fn walk(dir: &Path, rel: &str, out: &mut BTreeMap<String, Vec<u8>>) {
            for e in std::fs::read_dir(dir).unwrap() {
                let e = e.unwrap();
                let name = e.file_name().into_string().unwrap();
                let child = if rel.is_empty() { name } else { format!("{rel}/{name}") };
                if e.file_type().unwrap().is_dir() {
                    walk(&e.path(), &child, out);
                } else {
                    out.insert(child, std::fs::read(e.path()).unwrap());
                }
            }
        }
        let mut out = BTreeMap::new();
        walk(&Path::new(env!("CARGO_MANIFEST_DIR")).join("dashboard/site"), "", &mut out);
        out
    }

    #[test]
    fn the_embedded_site_is_the_committed_one_and_complete() {
        let embedded: BTreeMap<String, Vec<u8>> =
            embedded_files().iter().map(|(rel, bytes)| (rel.to_string(), bytes.to_vec())).collect();
        assert_eq!(embedded, committed_site(), "build.rs embeds every file of dashboard/site");
        for want in ["index.html", "app.js", "style.css", "config.js", "vendor/uPlot.iife.min.js"] {
            assert!(embedded.contains_key(want), "{want} missing from the embedded site");
        }
        let sorted: Vec<&str> = embedded_files().iter().map(|(rel, _)| *rel).collect();
        assert!(sorted.is_sorted(), "{sorted:?}");
    }

    #[test]
    fn the_embedded_site_writes_out_with_its_folders_and_config() {
        let root = tempdir("embedded");
        let out = root.join("out");
        write_site(&Site::Embedded, &out, &SiteConfig { source: "data/".into() }, Some(&hostile())).unwrap();
        for (rel, bytes) in embedded_files() {
            if !matches!(*rel, "config.js" | "config.json") {
                assert_eq!(std::fs::read(out.join(rel)).unwrap(), *bytes, "{rel}");
            }
        }
        assert!(std::fs::read_to_string(out.join("config.js")).unwrap().contains(r#""source":"data/""#));
        assert!(manifest_files(&out).contains("vendor/uPlot.iife.min.js"));
        assert!(out.join("data/history-x.y.json").is_file());
        let _ = std::fs::remove_dir_all(&root);
    }

    #[test]
    fn site_files_are_the_site_with_this_config_and_no_data() {
        let cfg = SiteConfig { source: "./".into() };
        let files = site_files(&Site::Embedded, &cfg).unwrap();
        let by_path: BTreeMap<&str, &[u8]> = files.iter().map(|(p, b)| (p.as_str(), b.as_slice())).collect();
        assert_eq!(by_path.len(), files.len(), "each path once");
        for (rel, bytes) in embedded_files() {
            if !matches!(*rel, "config.js" | "config.json" | "data.js") {
                assert_eq!(by_path.get(rel), Some(bytes), "{rel}");
            }
        }
        let text = |p: &str| String::from_utf8(by_path[p].to_vec()).unwrap();
        assert!(text("config.js").contains(r#"window.GTT_CONFIG = {"source":"./"};"#), "{}", text("config.js"));
        assert!(!by_path.contains_key("data.js"), "the data is fetched: no data script");
        let listed = super::manifest_files(&manifest_text(by_path.keys().copied()).unwrap());
        assert_eq!(listed.len(), files.len());
        assert!(super::manifest_files("{\"written_by\":\"someone\",\"files\":[\"a\"]}").is_empty(), "not gtt's");
        assert!(super::manifest_files("not json").is_empty());
    }

    #[test]
    fn plain_file_names() {
        for ok in ["gtt.json", "history-octo.hello.json", "history-a-b.c_d.json"] {
            assert!(is_plain_file_name(ok), "{ok}");
        }
        for bad in ["", ".hidden", "../x.json", "a/b.json", "a\\b.json", "x\0.json"] {
            assert!(!is_plain_file_name(bad), "{bad:?}");
        }
    }
}
