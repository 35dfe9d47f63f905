//! `gtt export`: every stored history (or those `repos` names) as CSV, NDJSON or JSON on
//! stdout; a store without history is an error (exit 2), not an empty export.

use std::io::Write;

use crate::config::{Config, Format};
use crate::error::Error;
use crate::store::ledger::load;
use crate::{export, history};

pub(crate) fn run(c: &Config, out: &mut dyn Write) -> Result<(), Error> {
    let mut backend = super::open_store(c, &c.storage)?;
    let (index, _) = load(backend.as_mut(), &[])?;
    let Some(c) = super::with_repos(c, backend.as_mut(), "exporting")?.filter(|_| !index.repos.is_empty()) else {
        let fix = "name the store that holds it with input `data-dir` or `gist-id` (or run `gtt collect` first)";
        return Err(Error::NoHistory { place: backend.describe(), why: "", fix });
    };
    let mut repos: Vec<String> = index.repos.keys().cloned().collect();
    repos.retain(|r| c.repos.iter().any(|w| w.eq_ignore_ascii_case(r)));
    let (_, histories) = load(backend.as_mut(), &repos)?;
    let text = match c.format {
        Format::Json => {
            let repos: Vec<serde_json::Value> = histories.iter().map(export::export_json).collect();
            serde_json::json!({ "schema": history::SCHEMA, "repos": repos }).to_string() + "\n"
        }
        Format::Csv => export::csv(&histories),
        Format::Ndjson => export::ndjson(&histories),
    };
    out.write_all(text.as_bytes()).map_err(Error::output("the export"))
}
