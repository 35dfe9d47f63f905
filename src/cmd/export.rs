//! `gtt export`: every stored history (or those `repos` names) as CSV, NDJSON or JSON on
//! stdout; a store without history is an error (exit 2), not an empty export.
//!
//! Histories are read, written out and dropped a batch at a time ([`batch`]), so the
//! memory an export takes does not grow with the number of repositories stored. A
//! history that cannot be read stops the export there with an error (and a non-zero
//! exit): what was written before it is on stdout, the rest is not.

use std::io::{BufWriter, Write};

use crate::config::{Config, Format, Storage};
use crate::error::Error;
use crate::export;
use crate::store::ledger::load;

/// Repositories read per branch store read. Each read asks for the branch's head,
/// commit and file listing (3 requests) before one request per history.
const BRANCH_BATCH: usize = 32;

/// How many repositories one read of the store brings. A folder is read a file at a
/// time, so one repository. A branch: [`BRANCH_BATCH`]. A gist answers every file it
/// holds in one response (and a gist holds at most ~26 repositories before GitHub's
/// listing limit), so reading it per repository would multiply requests without
/// shrinking that answer: all at once.
fn batch(storage: &Storage) -> usize {
    match storage {
        Storage::Folder(_) => 1,
        Storage::Branch { .. } => BRANCH_BATCH,
        Storage::Gist(_) | Storage::Gists(_) => usize::MAX,
    }
}

pub(crate) fn run(c: &Config, out: &mut dyn Write) -> Result<(), Error> {
    let mut backend = super::open_store(c, &c.storage)?;
    let (index, _) = load(backend.as_mut(), &[])?;
    let Some(c) = super::with_repos(c, backend.as_mut(), "exporting")?.filter(|_| !index.repos.is_empty()) else {
        let fix = "name the store that holds it with input `data-dir` or `gist-id` (or run `gtt collect` first)";
        return Err(Error::NoHistory { place: backend.describe(), why: "", fix });
    };
    let mut repos: Vec<String> = index.repos.keys().cloned().collect();
    repos.retain(|r| c.repos.iter().any(|w| w.eq_ignore_ascii_case(r)));
    drop(index);
    let mut out = BufWriter::with_capacity(64 * 1024, out);
    let failed = |e: std::io::Error| Error::output("the export")(e);
    let (json_head, json_tail) = export::json_frame();
    match c.format {
        Format::Csv => out.write_all(export::CSV_HEADER.as_bytes()),
        Format::Json => out.write_all(json_head.as_bytes()),
        Format::Ndjson => Ok(()),
    }
    .map_err(failed)?;
    let mut first = true;
    for names in repos.chunks(batch(&c.storage).max(1)) {
        if matches!(c.storage, Storage::Branch { .. }) {
            // The branch backend keeps what it read (a write sends only what changed):
            // a fresh one per batch keeps none of the batches before.
            backend = super::open_store(&c, &c.storage)?;
        }
        let (_, histories) = load(backend.as_mut(), names)?;
        for h in &histories {
            match c.format {
                Format::Csv => export::write_csv(h, &mut out),
                Format::Ndjson => export::write_ndjson(h, &mut out),
                Format::Json => export::write_json(h, first, &mut out),
            }
            .map_err(failed)?;
            first = false;
        }
    }
    if c.format == Format::Json {
        out.write_all(json_tail.as_bytes()).map_err(failed)?;
    }
    out.flush().map_err(failed)
}
