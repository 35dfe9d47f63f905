//! `gtt dashboard`: the static site, reading the store's files (a gist's raw URLs, or a
//! copy of a folder's files beside it), or, for a branch store without `out`, written
//! into the branch next to the data for GitHub Pages to serve from one origin.

use std::io::Write;
use std::path::Path;

use crate::config::{Config, Storage};
use crate::error::Error;
use crate::github::Client;
use crate::site;
use crate::store::ledger::load;
use crate::store::{self, Backend, INDEX_FILE};

/// Where a site in a branch reads the data: the folder it is served from, the branch
/// root, where the data files are.
const BRANCH_SOURCE: &str = "./";

pub(crate) fn run(c: &Config, out: &mut dyn Write) -> Result<(), Error> {
    let Some(dest) = &c.out else {
        if let Storage::Branch { repo, branch } = &c.storage {
            return into_branch(c, repo, branch, out);
        }
        return Err(crate::config::Error::Unset { input: "out", fix: None }.into());
    };
    let mut backend = super::open_store(c, &c.storage)?;
    let source = write(c, backend.as_mut(), dest)?;
    writeln!(out, "dashboard written to {} (data: {source})", dest.display()).map_err(Error::output("stdout"))
}

/// Writes the site into the branch that holds the data, in one commit (none when the
/// branch holds this site already), reading the data beside it. `.nojekyll` tells
/// Pages, when it serves the branch itself, to publish the files as they are.
fn into_branch(c: &Config, repo: &str, branch: &str, out: &mut dyn Write) -> Result<(), Error> {
    let site = site::find_site(c.site_dir.as_deref())?;
    let mut files = site::site_files(&site, &site::SiteConfig { source: BRANCH_SOURCE.into() })?;
    files.push((".nojekyll".into(), Vec::new()));
    let manifest = site::manifest_text(files.iter().map(|(p, _)| p.as_str()))?;
    files.push((site::MANIFEST.into(), manifest.into_bytes()));
    let token = c.data_token.clone().ok_or(crate::config::Error::Unset { input: "data-token", fix: None })?;
    let mut store = store::branch(Client::new(&c.api_url, token, c.max_wait), repo, branch);
    let line = match store.write_site(&files, site::MANIFEST, site::manifest_files)? {
        Some(done) => format!(
            "dashboard written to branch {repo}@{branch} in one commit ({} files, {} stale removed; data: {BRANCH_SOURCE})",
            done.files, done.removed
        ),
        None => format!("dashboard in branch {repo}@{branch} is up to date: no commit"),
    };
    writeln!(out, "{line}").map_err(Error::output("stdout"))
}

/// Writes the site with a config pointing at the gist's raw files, or, for a folder,
/// with a copy of the data beside it. Returns where the site reads its data.
pub(crate) fn write(c: &Config, backend: &mut dyn Backend, dest: &Path) -> Result<String, Error> {
    let site = site::find_site(c.site_dir.as_deref())?;
    let (index, _) = load(backend, &[])?;
    let mut names = vec![INDEX_FILE.to_string()];
    names.extend(index.repos.values().cloned());
    // A split history's settled part (absent, and so not copied, for a whole one).
    names.extend(index.repos.keys().map(|r| crate::store::layout::settled_file(r)));
    let files = backend.read(&names)?;
    let (config, data) = match backend.public_url("") {
        Some(base) => (site::SiteConfig { source: base }, None),
        None => (site::SiteConfig { source: "data/".into() }, Some(&files)),
    };
    site::write_site(&site, dest, &config, data)?;
    Ok(config.source)
}
