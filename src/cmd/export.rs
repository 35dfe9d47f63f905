//! `gtt export`: every stored history (or those `repos` names) as CSV, NDJSON or JSON on
//! stdout; a store without history is an error (exit 2), not an empty export.
//!
//! Histories are read, written out and dropped a part of the store at a time, so the
//! memory an export takes does not grow with the number of repositories stored: a
//! folder a history at a time, a branch [`BRANCH_BATCH`] at a time, gists a gist at a
//! time ([`by_gist`]). A history that cannot be read stops the export there with an
//! error (and a non-zero exit): what was written before it is on stdout, the rest is
//! not.

use std::io::{BufWriter, Write};

use crate::config::{Config, Format, Storage};
use crate::discover::spec_matches;
use crate::error::Error;
use crate::history::History;
use crate::store::ledger::{Reader, load, peak_held};
use crate::store::{Backend, Index};
use crate::{escape, export};

/// Repositories read per branch store read. Each read asks for the branch's head,
/// commit and file listing (3 requests) before one request per history.
const BRANCH_BATCH: usize = 32;

pub(crate) fn run(c: &Config, out: &mut dyn Write) -> Result<(), Error> {
    let mut out = Sink::new(c.format, out);
    match &c.storage {
        Storage::Gists(ids) => by_gist(c, super::open_gists(c, ids)?, &mut out)?,
        Storage::Folder(_) => by_batch(c, super::open_store(c, &c.storage)?, 1, &mut out)?,
        Storage::Branch { .. } => by_batch(c, super::open_store(c, &c.storage)?, BRANCH_BATCH, &mut out)?,
        // One gist answers every file it holds in one response: all at once.
        Storage::Gist(_) => by_batch(c, super::open_store(c, &c.storage)?, usize::MAX, &mut out)?,
    }
    log::debug!("histories held at once: peak {}", peak_held());
    out.finish()
}

/// The configuration with the repositories to export, the index, and which of the
/// stored repositories are exported, in the index's order (by name): those input `repos`
/// names or its globs match, less its exclusions (without `repos` or
/// `GITHUB_REPOSITORY`, every one). A name the store does not track is said on stderr;
/// when none of `repos` is stored, the run is refused as a store without history is,
/// not an empty export.
fn chosen(c: &Config, backend: &mut dyn Backend) -> Result<(Config, Index, Vec<String>), Error> {
    let (index, _) = load(backend, &[])?;
    let place = backend.describe();
    let Some(c) = super::with_repos_of(c, &index, &place, "exporting").filter(|_| !index.repos.is_empty()) else {
        let fix = "name the store that holds it with input `data-dir` or `gist-id` (or run `gtt collect` first)";
        return Err(Error::NoHistory { place, why: "", fix });
    };
    let picks = |r: &str, exclude: bool| c.repo_specs.iter().any(|s| s.exclude == exclude && spec_matches(s, r));
    let repos: Vec<String> = index.repos.keys().filter(|r| picks(r, false) && !picks(r, true)).cloned().collect();
    for name in c.repos.iter().filter(|n| !index.repos.keys().any(|r| r.eq_ignore_ascii_case(n))) {
        log::warn!("input `repos` names {}, which {place} does not track: not exported", escape::terminal(name));
    }
    if repos.is_empty() {
        let fix = "name repositories it tracks with input `repos` (`owner/*` picks every one of an owner's)";
        return Err(Error::NoHistory { place, why: " of the repositories input `repos` names", fix });
    }
    Ok((c, index, repos))
}

/// A folder or a branch: `batch` repositories per read, in the index's order. A branch
/// backend keeps what it read (a write sends only what changed): a fresh one per batch
/// keeps none of the batches before.
fn by_batch(c: &Config, mut backend: Box<dyn Backend>, batch: usize, out: &mut Sink<'_>) -> Result<(), Error> {
    let (c, _, repos) = chosen(c, backend.as_mut())?;
    out.begin()?;
    for names in repos.chunks(batch.max(1)) {
        if matches!(c.storage, Storage::Branch { .. }) {
            backend = super::open_store(&c, &c.storage)?;
        }
        let (_, histories) = load(backend.as_mut(), names)?;
        for h in &histories {
            out.history(h)?;
        }
    }
    Ok(())
}

/// A store over gists (one or several): a gist at a time, each read once after the
/// index and only if it holds a repository exported, its histories parsed and written
/// one at a time, so an export holds one gist's texts and one parsed history, whatever
/// the number of gists. The repositories come gist by gist, in the order of input
/// `gist-id`, each gist's in the index's order (by name): keeping the name order across
/// gists would mean holding every gist's histories (or a temporary copy of the output).
fn by_gist(c: &Config, mut store: crate::store::Gists, out: &mut Sink<'_>) -> Result<(), Error> {
    let (c, index, repos) = chosen(c, &mut store)?;
    let parts = store.into_parts(&repos, &index.to_json())?;
    drop(index);
    out.begin()?;
    for (mut part, group) in parts {
        let mut reader = Reader::open(&mut part, &group, c.now)?;
        for repo in &group {
            // Every day is exported: a split history (one moved from a branch) whole.
            let h = reader.read(&mut part, repo, |_| true)?;
            out.history(&h)?;
        }
    }
    Ok(())
}

/// Where the export goes, in its format: the frame (the CSV header, the JSON's
/// `{"repos":[` and its tail) around the histories, through a 64 KB buffer.
struct Sink<'a> {
    format: Format,
    out: BufWriter<&'a mut dyn Write>,
    first: bool,
}

impl<'a> Sink<'a> {
    fn new(format: Format, out: &'a mut dyn Write) -> Sink<'a> {
        Sink { format, out: BufWriter::with_capacity(64 * 1024, out), first: true }
    }

    fn failed(e: std::io::Error) -> Error {
        Error::output("the export")(e)
    }

    /// The header (CSV) or the JSON's opening, once the store has been found to hold
    /// what is exported.
    fn begin(&mut self) -> Result<(), Error> {
        match self.format {
            Format::Csv => self.out.write_all(export::CSV_HEADER.as_bytes()),
            Format::Json => self.out.write_all(export::json_frame().0.as_bytes()),
            Format::Ndjson => Ok(()),
        }
        .map_err(Sink::failed)
    }

    fn history(&mut self, h: &History) -> Result<(), Error> {
        match self.format {
            Format::Csv => export::write_csv(h, &mut self.out),
            Format::Ndjson => export::write_ndjson(h, &mut self.out),
            Format::Json => export::write_json(h, self.first, &mut self.out),
        }
        .map_err(Sink::failed)?;
        self.first = false;
        Ok(())
    }

    /// The JSON's tail, and everything flushed.
    fn finish(mut self) -> Result<(), Error> {
        if self.format == Format::Json {
            self.out.write_all(export::json_frame().1.as_bytes()).map_err(Sink::failed)?;
        }
        self.out.flush().map_err(Sink::failed)
    }
}
