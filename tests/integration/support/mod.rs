//! Running the built `gtt` binary against the fake, the way a user or the runner would.

use std::path::Path;
use std::process::Command;

use tempfile::TempDir;

use crate::fake::FakeGitHub;

pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// The few items of the `gtt` library the tests use, named in this one place, so a
/// path that moves inside the library changes only this.
pub mod lib {
    pub use gtt::testing::INPUTS;
    pub use gtt::testing::escape_markdown;
    pub use gtt::testing::group_digits;
    pub use gtt::testing::validate_endpoint;
}

/// Runs gtt with a clean environment (PATH only, plus `env`), the fake's API URL and
/// clock first, so a test's own flags win (the last flag wins).
pub fn gtt(fake: &FakeGitHub, args: &[&str], env: &[(&str, &str)]) -> Run {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gtt"));
    cmd.env_clear().env("PATH", std::env::var("PATH").unwrap_or_default());
    cmd.arg("--api-url").arg(fake.url()).arg("--now").arg(fake.now().to_string()).args(args);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run the gtt binary");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A fresh, empty temporary folder, its name starting `gtt-test-{name}-`. Removed when
/// the value is dropped, also when the test panics: keep it alive for the whole test.
pub fn tempdir(name: &str) -> TempDir {
    tempfile::Builder::new().prefix(&format!("gtt-test-{name}-")).tempdir().expect("a temporary folder")
}

/// `text` with what differs from run to run replaced before a snapshot: the temporary
/// folder `dir` becomes `[dir]`, the fake's address `[fake]`.
pub fn redact(text: &str, dir: &Path, fake: &FakeGitHub) -> String {
    text.replace(&dir.display().to_string(), "[dir]").replace(&fake.url(), "[fake]")
}
