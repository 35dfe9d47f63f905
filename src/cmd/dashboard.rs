//! `gtt dashboard`: the static site, reading the store's files (a gist's raw URLs, or a
//! copy of a folder's files beside it).

use std::io::Write;
use std::path::Path;

use crate::config::Config;
use crate::error::Error;
use crate::site;
use crate::store::ledger::load;
use crate::store::{Backend, INDEX_FILE};

pub(crate) fn run(c: &Config, out: &mut dyn Write) -> Result<(), Error> {
    let Some(dest) = &c.out else {
        return Err(crate::config::Error::Unset { input: "out", fix: None }.into());
    };
    let mut backend = super::open_store(c, &c.storage)?;
    let source = write(c, backend.as_mut(), dest)?;
    writeln!(out, "dashboard written to {} (data: {source})", dest.display()).map_err(Error::output("stdout"))
}

/// Writes the site with a config pointing at the gist's raw files, or, for a folder,
/// with a copy of the data beside it. Returns where the site reads its data.
pub(crate) fn write(c: &Config, backend: &mut dyn Backend, dest: &Path) -> Result<String, Error> {
    let site = site::find_site(c.site_dir.as_deref())?;
    let (index, _) = load(backend, &[])?;
    let mut names = vec![INDEX_FILE.to_string()];
    names.extend(index.repos.values().cloned());
    let files = backend.read(&names)?;
    let (config, data) = match backend.public_url("") {
        Some(base) => (site::SiteConfig { source: base }, None),
        None => (site::SiteConfig { source: "data/".into() }, Some(&files)),
    };
    site::write_site(&site, dest, &config, data)?;
    Ok(config.source)
}
