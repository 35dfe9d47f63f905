//! gtt keeps GitHub's 14-day traffic forever.
//!
//! A run follows the data, and the modules are its rooms, each with one job:
//!
//! 1. [`config`] turns flags and `INPUT_*` variables into a checked [`config::Config`]
//!    (a leaf: it imports no other room).
//! 2. [`discover`] resolves `repos` (globs, filters, shards) through the [`github`]
//!    client, which owns the token, GitHub's retry rules and the rate governor.
//! 3. [`fetch`] asks GitHub for one repository's window and checks every answer before
//!    believing it; [`workflow`] reads the workflow definitions it fetches to tell
//!    which job steps cloned the repository.
//! 4. [`history`] is the permanent per-day model and its pure merge (a join: runs land
//!    in any order, twice, or concurrently, with the same result); [`checks`] are the
//!    pure judgements on it (staleness, schedule, gaps) that `collect` and `doctor`
//!    share.
//! 5. [`badge`], [`report`] and [`export`] render: badges, workflow commands, outputs,
//!    the job summary, the terminal lines, CSV and JSON ([`escape`] keeps strangers'
//!    strings inert in each of them).
//! 6. [`store`] keeps the files (a folder, a gist, several gists; every file name in
//!    [`store::layout`]) and runs the read-merge-write ledger; [`archive`] writes the
//!    monthly archives, [`site`] the dashboard, [`import`] reads other tools' files.
//!
//! [`cmd`] holds one short file per command, each a pipeline of calls into the rooms;
//! [`run`] dispatches to them and maps every failure to a documented exit code
//! ([`error`]).
//!
//! The rooms are private: read this essay with their pages linked by
//! `cargo doc --document-private-items --open`.

// The essay above links the private rooms on purpose.
#![allow(rustdoc::private_intra_doc_links)]

mod archive;
mod badge;
mod checks;
mod cmd;
mod config;
mod discover;
mod error;
mod escape;
mod export;
mod fetch;
mod github;
pub mod history;
mod import;
mod report;
mod site;
mod store;
mod workflow;

use std::collections::BTreeMap;
use std::io::Write;

use jiff::Timestamp;

use config::Command;
pub use config::verbosity;
use error::Error;
pub use error::exit;
/// Makes a stranger's text safe for a terminal line (the binary's log format uses it).
pub use escape::terminal as escape_terminal;

/// The few pieces the integration tests and benchmarks use directly; everything else
/// is reached through [`run`], as a user would.
pub mod testing {
    pub use crate::badge::group_digits;
    pub use crate::badge::{EndpointError, validate_endpoint};
    pub use crate::config::INPUTS;
    pub use crate::escape::markdown as escape_markdown;
    pub use crate::store::{INDEX_FILE, Index, IndexError, history_file, split_date};
}

/// The whole program behind `main`: arguments without the program name, the
/// environment, and the wall clock, which logic below only sees as `Config::now`.
pub fn run(args: &[String], env: &BTreeMap<String, String>, clock: Timestamp, out: &mut dyn Write) -> u8 {
    let action = env.get("GITHUB_ACTIONS").is_some_and(|v| v == "true");
    if action {
        // Before anything else is printed, so no later line can show a token.
        for s in config::secrets_to_mask(args, env) {
            let _ = writeln!(out, "::add-mask::{}", escape::command_data(&s));
        }
    }
    match dispatch(args, env, clock, out) {
        Ok(code) => code,
        Err(e) => {
            let line = e.to_string();
            if action {
                let _ = writeln!(out, "{}", report::error("gtt", &line));
            }
            // The one line a failed run ends with, whatever the log level.
            eprintln!("error: {}", escape::terminal(&line));
            e.exit_code()
        }
    }
}

fn dispatch(
    args: &[String],
    env: &BTreeMap<String, String>,
    clock: Timestamp,
    out: &mut dyn Write,
) -> Result<u8, Error> {
    let cwd = std::env::current_dir().unwrap_or_default();
    let c = config::parse(args, env, clock)?;
    config::check_dashboard_folder(&c, &cwd)?;
    let done = |r: Result<(), Error>| r.map(|()| exit::OK);
    match c.command {
        Command::Help => {
            let text = c.topic.and_then(|t| config::command_help(t.name())).unwrap_or_else(config::help_text);
            done(writeln!(out, "{text}").map_err(Error::output("stdout")))
        }
        Command::Version => done(writeln!(out, "gtt {}", env!("CARGO_PKG_VERSION")).map_err(Error::output("stdout"))),
        Command::Collect => done(cmd::collect::run(&c, out)),
        Command::Export => done(cmd::export::run(&c, out)),
        Command::Dashboard => done(cmd::dashboard::run(&c, out)),
        Command::Doctor => cmd::doctor::run(&c, out),
        Command::Init => cmd::init::run(&c, out),
        Command::Backfill => cmd::backfill::run(&c, out),
    }
}
