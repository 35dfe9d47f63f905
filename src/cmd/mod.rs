//! One file per command, each a short pipeline of calls into the rooms below.

pub(crate) mod backfill;
pub(crate) mod collect;
pub(crate) mod doctor;
pub(crate) mod init;
