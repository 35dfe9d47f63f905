//! One file per command, each a short pipeline of calls into the rooms below it.

pub(crate) mod backfill;
pub(crate) mod collect;
pub(crate) mod dashboard;
pub(crate) mod doctor;
pub(crate) mod export;
pub(crate) mod init;

use crate::config::{Config, Storage};
use crate::error::Error;
use crate::github::Client;
use crate::store::{self, Backend};

/// The store `storage` names, with the gist token where it is a gist.
pub(crate) fn open_store(c: &Config, storage: &Storage) -> Result<Box<dyn Backend>, Error> {
    let client = || {
        c.gist_token
            .as_ref()
            .map(|t| Client::new(&c.api_url, t.clone(), c.max_wait))
            .ok_or(crate::config::Error::Unset { input: "gist-token", fix: None })
    };
    Ok(match storage {
        Storage::Folder(dir) => Box::new(store::folder(dir, c.max_wait)),
        Storage::Gist(id) => Box::new(store::gist(client()?, id)),
        Storage::Gists(ids) => {
            let mut gists = Vec::new();
            for id in ids {
                gists.push(store::gist(client()?, id));
            }
            Box::new(store::gists(gists))
        }
    })
}
