//! gtt's integration tests, one binary: the built `gtt` run against an in-process fake
//! GitHub on loopback. One module per area; `fake` is the fake GitHub (with its own
//! self-test), `support` runs the binary the way a user or the runner would.
// A test binary: `pub` only shares helpers between its modules.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::indexing_slicing, clippy::panic, unreachable_pub)]

mod fake;
mod support;

mod adoption;
mod answers;
mod branch;
mod charts;
mod cli;
mod collect;
mod container;
mod dashboard;
mod economy;
mod layout;
mod metrics;
mod scale;
mod simulation;
mod split;
mod stars;
mod storage;
mod workflows;
