//! Shared helpers for gtt's integration tests.
//!
//! Every test binary may `mod common;` and use only part of what is here,
//! so unused-code lints are silenced for the whole module tree.
#![allow(dead_code, unused_imports, unreachable_pub)]

pub mod fake;
pub mod run;
