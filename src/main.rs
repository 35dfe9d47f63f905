//! The `gtt` binary: parse, run, exit with the documented code.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

/// The log filter `-q`/`-v`/`-vv` ask for (`RUST_LOG`, when set, wins): gtt's own
/// decisions at debug, the HTTP client's internals (ureq, rustls) only at trace.
fn filter(verbosity: i8) -> &'static str {
    match verbosity {
        ..=-1 => "warn",
        0 => "info,ureq=warn,ureq_proto=warn,rustls=warn",
        1 => "debug,ureq=warn,ureq_proto=warn,rustls=warn",
        _ => "trace",
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args_os().skip(1).map(|a| a.to_string_lossy().into_owned()).collect();
    // Log lines go to stderr, which the runner also parses for workflow commands: each
    // record is kept on one line, prefixed and stripped of the legacy `##[`, so no
    // message can start a command; terminal escapes in it are shown, not obeyed.
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or(filter(gtt::verbosity(&args))))
        .format(|buf, record| {
            let msg = gtt::escape_terminal(&record.args().to_string());
            writeln!(buf, "[{} gtt] {msg}", record.level())
        })
        .init();
    let env: BTreeMap<String, String> = std::env::vars_os()
        .map(|(k, v)| (k.to_string_lossy().into_owned(), v.to_string_lossy().into_owned()))
        .collect();
    let stdout = std::io::stdout();
    let code = gtt::run(&args, &env, jiff::Timestamp::now(), &mut stdout.lock());
    ExitCode::from(code)
}
