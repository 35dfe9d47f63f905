//! One configuration model for both doors gtt has: action inputs, which the runner
//! hands over as `INPUT_<NAME>` variables with the name upper-cased and hyphens kept
//! (`INPUT_GIST-ID`,
//! <https://docs.github.com/en/actions/creating-actions/metadata-syntax-for-github-actions#inputs>),
//! and CLI flags (`--gist-id`). A flag wins over the environment, so a local run can
//! override what a workflow sets.
//!
//! Parsing is pure: the caller hands in the arguments, the environment and the wall
//! clock, so every input is tested without touching the process. Every mistake is found
//! here, before anything is fetched or written, and reported as one [`Error`] line that
//! names the input and the fix (exit code 2, `crate::error::exit::USAGE`).
//!
//! This module is a leaf: it imports no other part of gtt. It owns the vocabulary of
//! the inputs (names, syntax, limits such as [`MAX_CONCURRENCY`], the repository spec
//! syntax in [`Spec`]), and the modules that act on the inputs import it from here.
//!
//! The pipeline of [`parse`]: `raw` turns flags and variables into strings; `values`,
//! `storage`, `repos`, `badges` and `ci` each validate one group of inputs; the checks
//! at the end refuse combinations a command cannot run with.

mod badges;
mod ci;
mod inputs;
mod raw;
mod repos;
mod storage;
mod values;

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use jiff::Timestamp;

pub(crate) use badges::{BADGE_STYLES, Metric, NAMED_COLORS};
pub use inputs::INPUTS;
pub(crate) use inputs::{command_help, help_text};
pub(crate) use raw::secrets_to_mask;
pub use raw::verbosity;
#[cfg(test)]
pub(crate) use repos::parse_specs;
pub(crate) use repos::{Filters, Spec, is_full_name, parse_repos};
pub(crate) use storage::{Overlap, check_dashboard_folder, is_branch_name};
pub(crate) use values::parse_now;

/// Most requests to GitHub in flight at once (input `concurrency`, and the governor's
/// cap). GitHub allows 100 concurrent requests per user
/// (<https://docs.github.com/en/rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits>);
/// gtt stays well below, because its secondary limits punish bursts.
pub(crate) const MAX_CONCURRENCY: usize = 32;

/// A token. Its Debug never shows it, so a Config can be logged.
#[derive(Clone, PartialEq, Eq)]
pub(crate) struct Secret(String);

impl Secret {
    #[cfg(test)]
    pub(crate) fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Command {
    Collect,
    Export,
    Dashboard,
    Doctor,
    Init,
    Backfill,
    Help,
    Version,
}

impl Command {
    /// The command's name, as typed.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Command::Collect => "collect",
            Command::Export => "export",
            Command::Dashboard => "dashboard",
            Command::Doctor => "doctor",
            Command::Init => "init",
            Command::Backfill => "backfill",
            Command::Help => "help",
            Command::Version => "version",
        }
    }
}

/// How badges look. Colors are shields names or hex digits without `#`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Badges {
    pub(crate) style: String,
    pub(crate) color: String,
    pub(crate) label_color: String,
    /// Metric -> label text, for every [`Metric`].
    pub(crate) labels: BTreeMap<String, String>,
    pub(crate) cache_seconds: u64,
    pub(crate) compact_above: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CiMode {
    Steps,
    Runs,
    Off,
}

/// How CI checkouts are recognised and counted (the matching itself is the fetcher's).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Ci {
    pub(crate) mode: CiMode,
    /// Lower-cased alternatives; `*` matches any run of characters.
    pub(crate) patterns: Vec<String>,
    pub(crate) pages_builds: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Csv,
    Json,
    Ndjson,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Storage {
    /// One gist (the monthly archives).
    Gist(String),
    /// The history: the gists input `gist-id` lists, in order (at least one). The first
    /// holds the combined index and the summed badges, so the order is kept.
    Gists(Vec<String>),
    Folder(PathBuf),
    /// A branch of a repository (`owner/name`), written one commit per run.
    Branch {
        repo: String,
        branch: String,
    },
}

#[derive(Debug, Clone)]
pub(crate) struct Config {
    pub(crate) command: Command,
    /// `help`: the command whose help to show (`gtt help collect`), none for all.
    pub(crate) topic: Option<Command>,
    /// Running as a GitHub Action (`GITHUB_ACTIONS=true`): workflow commands, outputs,
    /// job summary.
    pub(crate) action: bool,
    pub(crate) token: Option<Secret>,
    pub(crate) gist_token: Option<Secret>,
    /// The token that writes a branch store: input `data-token`, else `token`.
    pub(crate) data_token: Option<Secret>,
    pub(crate) storage: Storage,
    pub(crate) repos: Vec<String>,
    /// Every item of `repos`, globs and exclusions included.
    pub(crate) repo_specs: Vec<Spec>,
    pub(crate) filters: Filters,
    /// This job's shard `(I, N)`, 1-based.
    pub(crate) shard: Option<(u32, u32)>,
    /// Recompute the index's aggregate badges from every stored history; collect nothing.
    pub(crate) aggregate: bool,
    pub(crate) api_url: String,
    pub(crate) now: Timestamp,
    pub(crate) dry_run: bool,
    pub(crate) format: Format,
    pub(crate) max_wait: Duration,
    pub(crate) concurrency: usize,
    pub(crate) output_file: Option<PathBuf>,
    pub(crate) summary_file: Option<PathBuf>,
    pub(crate) badges: Badges,
    pub(crate) ci: Ci,
    /// Where monthly archives go, if anywhere.
    pub(crate) archive: Option<Storage>,
    /// `dashboard`: where to write the site.
    pub(crate) out: Option<PathBuf>,
    /// `collect`: also write the site here.
    pub(crate) dashboard_dir: Option<PathBuf>,
    pub(crate) site_dir: Option<PathBuf>,
    /// `backfill`: what to import.
    pub(crate) from: Vec<String>,
    pub(crate) repo_dir: Option<PathBuf>,
    pub(crate) apply: bool,
    /// `init`: the repository that publishes the gtt action (`owner/name`): input
    /// `action`, else [`BUILT_FOR`]; None when neither names one.
    pub(crate) action_home: Option<String>,
    /// `init`: also write the Pages workflow.
    pub(crate) pages: bool,
    /// `init`: the branch of the repository that holds the history (and the dashboard
    /// Pages serves), instead of a gist.
    pub(crate) branch: Option<String>,
}

/// The repository that publishes the gtt action, as the build named it: release builds
/// set `GTT_ACTION_REPO` (release.yml passes it to the Dockerfile). Unset in a build
/// from source, where `gtt init` asks for input `action` instead of guessing.
pub(crate) const BUILT_FOR: Option<&str> = option_env!("GTT_ACTION_REPO");

/// A user mistake: one line naming the input (or flag) and the fix. Values echoed back
/// went through `values::printable` where they come from an input, so they cannot
/// break the line or start a workflow command.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Error {
    #[error("unknown flag --{flag}: {}", hint(*.suggestion, "--"))]
    UnknownFlag { flag: String, suggestion: Option<&'static str> },
    #[error("flag --{0} needs a value: --{0} VALUE")]
    NoValue(String),
    #[error("unexpected argument `{0}`: run `gtt help` for usage")]
    UnexpectedArgument(String),
    #[error(
        "unknown command `{name}` (input `command`): {}use one of collect, export, dashboard, doctor, init, backfill, help, version",
        .suggestion.map(|s| format!("did you mean `{s}`? ")).unwrap_or_default()
    )]
    UnknownCommand { name: String, suggestion: Option<&'static str> },
    /// The inputs could not be mapped onto the raw struct at all.
    #[error("could not read inputs: {0}")]
    Unreadable(#[source] envy::Error),
    /// A value the input does not take; `fix` lists what it takes.
    #[error("input `{input}` is `{value}`: {fix}")]
    Invalid { input: &'static str, value: String, fix: &'static str },
    /// A value that is not the kind of thing the input names (`what`: a URL, a time).
    #[error("input `{input}` `{value}` is not {what}: {fix}")]
    NotA { input: &'static str, value: String, what: &'static str, fix: &'static str },
    /// One item of a list input is malformed; `why` says how and what it should be.
    #[error("input `{input}`: `{item}` {why}")]
    BadItem { input: &'static str, item: String, why: &'static str },
    #[error("input `badge-labels`: unknown metric `{0}`; use views, clones, installs, downloads or stars")]
    UnknownMetric(String),
    /// A gist listed twice would make two places for one repository.
    #[error("input `{input}` lists gist `{id}` twice: list each gist once (separated by commas, spaces or newlines)")]
    Repeated { input: &'static str, id: String },
    /// Two inputs that exclude each other.
    #[error("inputs `{a}` and `{b}` were both given: {fix}")]
    Conflict { a: &'static str, b: &'static str, fix: &'static str },
    /// An input the command needs is not set; `fix`, when known, says how to set it.
    #[error("input `{input}` is not set{}", .fix.map(|f| format!(": {f}")).unwrap_or_default())]
    Unset { input: &'static str, fix: Option<&'static str> },
    /// On the CLI, no token anywhere gtt looks for one.
    #[error(
        "no token: set GITHUB_TOKEN (or pass --token) to a token that can read traffic (fine-grained: Administration: read)"
    )]
    NoToken,
    /// The input is given but unusable as a whole: empty, or colliding with another.
    #[error("input `{input}` {problem}: {fix}")]
    Unusable { input: &'static str, problem: String, fix: &'static str },
    /// A dashboard folder overlapping a data folder: the site would overwrite or delete
    /// stored files.
    #[error(
        "input `{out_input}` ({}) {} input `{store_input}` ({}): the dashboard would overwrite or delete stored files; give them separate folders, e.g. `{store_input}: gtt-data` and `{out_input}: site`",
        .out.display(), .how.phrase(), .store.display()
    )]
    Overlapping { out_input: &'static str, out: PathBuf, how: Overlap, store_input: &'static str, store: PathBuf },
    /// A source named by input `from` that backfill cannot read or import; the text,
    /// built where the source is read, says which and why.
    #[error("{0}")]
    Source(String),
}

/// "did you mean `--repos`? (...)" or where to look.
fn hint(suggestion: Option<&str>, prefix: &str) -> String {
    match suggestion {
        Some(s) => format!("did you mean `{prefix}{s}`? (`gtt help` lists the flags)"),
        None => "run `gtt help` for the list of flags".to_string(),
    }
}

/// Parses the command line (without the program name) and the environment.
pub(crate) fn parse(args: &[String], env: &BTreeMap<String, String>, clock: Timestamp) -> Result<Config, Error> {
    let action = env.get("GITHUB_ACTIONS").is_some_and(|v| v == "true");
    let (raw, topic) = raw::read(args, env)?;
    let badges = badges::parse(&raw)?;
    let command = values::command(raw.command.as_deref())?;
    let topic = topic.as_deref().map(|t| values::command(Some(t))).transpose()?;
    let token = raw.token.clone().or_else(|| raw::nonempty(env, "GITHUB_TOKEN"));
    let token = token.or_else(|| raw::nonempty(env, "GH_TOKEN")).map(Secret);
    let gist_token = raw.gist_token.clone().map(Secret).or_else(|| token.clone());
    let data_token = raw.data_token.clone().map(Secret).or_else(|| token.clone());
    let storage = storage::history(&raw, env, action)?;
    let repos = repos::parse(&raw, env)?;
    let api_url = values::api_url(&raw, env)?;
    let now = raw.now.as_deref().map_or(Ok(clock), parse_now)?;
    let dry_run = values::bool_input("dry-run", raw.dry_run.as_deref(), false)?;
    let format = values::format(raw.format.as_deref())?;
    let max_wait = values::max_wait(raw.max_wait.as_deref())?;
    let one_repository = repos.names.len() == 1 && repos.specs.len() == 1 && repos.shard.is_none();
    let concurrency = values::concurrency(raw.concurrency.as_deref(), one_repository)?;
    let ci = ci::parse(&raw)?;
    let archive = storage::archive(&raw, &storage)?;
    let from = values::sources(raw.from.as_deref(), command)?;
    let apply = values::bool_input("apply", raw.apply.as_deref(), false)?;
    let action_home = values::action_home(raw.action.as_deref(), BUILT_FOR)?;
    let pages = values::bool_input("pages", raw.pages.as_deref(), false)?;
    let branch = storage::init_branch(raw.branch.as_deref(), pages)?;
    if command == Command::Init && branch.is_none() && matches!(storage, Storage::Branch { .. }) {
        // Without this, init would set up gists while the user asked for a branch.
        return Err(Error::Unusable {
            input: "data-branch",
            problem: "does not choose what `gtt init` sets up".into(),
            fix: "run `gtt init --branch NAME` to keep the history in a branch of this repository",
        });
    }
    let filters = repos::filters(&raw)?;
    let aggregate = values::bool_input("aggregate", raw.aggregate.as_deref(), false)?;
    let path = |p: &Option<String>| p.as_ref().map(PathBuf::from);
    let c = Config {
        command,
        topic,
        action,
        token,
        gist_token,
        data_token,
        storage,
        repos: repos.names,
        repo_specs: repos.specs,
        filters,
        shard: repos.shard,
        aggregate,
        api_url,
        now,
        dry_run,
        format,
        max_wait,
        concurrency,
        output_file: raw::nonempty(env, "GITHUB_OUTPUT").map(PathBuf::from),
        summary_file: raw::nonempty(env, "GITHUB_STEP_SUMMARY").map(PathBuf::from),
        badges,
        ci,
        archive,
        out: path(&raw.out),
        dashboard_dir: path(&raw.dashboard_dir),
        site_dir: path(&raw.site_dir),
        from,
        repo_dir: path(&raw.repo_dir),
        apply,
        action_home,
        pages,
        branch,
    };
    check_needs(&c)?;
    Ok(c)
}

/// Refuses a command without what it cannot run without: a dashboard without a folder,
/// a collection without a traffic token, a gist without a token that writes it. Without
/// `repos` (and `GITHUB_REPOSITORY`) the repositories are left empty: the command takes
/// those the store tracks, which only it can read.
fn check_needs(c: &Config) -> Result<(), Error> {
    // A branch store without `out` takes the site itself, for Pages to serve.
    if c.command == Command::Dashboard && c.out.is_none() && !matches!(c.storage, Storage::Branch { .. }) {
        let fix = "name the folder to write the dashboard into, e.g. `gtt dashboard --out site` (or, with `data-branch`, leave it out to write the site into the branch)";
        return Err(Error::Unset { input: "out", fix: Some(fix) });
    }
    // The aggregate job reads stored histories only: no repositories, no traffic token.
    let aggregate_only = c.command == Command::Collect && c.aggregate;
    if matches!(c.command, Command::Collect | Command::Doctor | Command::Init) && !aggregate_only {
        if c.token.is_none() && c.action {
            let fix = "pass a token that can read traffic, e.g. `token: ${{ secrets.GTT_TOKEN }}` (the workflow's GITHUB_TOKEN cannot read traffic)";
            return Err(Error::Unset { input: "token", fix: Some(fix) });
        }
        if c.token.is_none() {
            return Err(Error::NoToken);
        }
    }
    if c.command == Command::Init && c.action_home.is_none() {
        let fix = "name the repository that publishes the gtt action, e.g. `--action acme/gtt` (the workflow then uses acme/gtt@v1); this gtt was built without one (GTT_ACTION_REPO)";
        return Err(Error::Unset { input: "action", fix: Some(fix) });
    }
    let writes_gist = matches!(c.command, Command::Collect | Command::Export);
    if matches!(c.storage, Storage::Gists(_)) && c.gist_token.is_none() && writes_gist {
        let fix = "pass a token with the gist scope (or set `token`)";
        return Err(Error::Unset { input: "gist-token", fix: Some(fix) });
    }
    if matches!(c.storage, Storage::Branch { .. }) && c.data_token.is_none() && writes_gist {
        let fix = "pass a token that can write the branch (Contents: write), or set `token`";
        return Err(Error::Unset { input: "data-token", fix: Some(fix) });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(super) fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }
    pub(super) fn args(s: &[&str]) -> Vec<String> {
        s.iter().map(|a| a.to_string()).collect()
    }
    pub(super) fn clock() -> Timestamp {
        "2026-11-21T10:00:00Z".parse().expect("ts")
    }

    #[test]
    fn action_inputs_keep_hyphens_and_empty_means_unset() {
        let e = env(&[
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_REPOSITORY", "octo/hello"),
            ("INPUT_TOKEN", "t1"),
            ("INPUT_GIST-TOKEN", ""),
            ("INPUT_GIST-ID", "abc123"),
            ("INPUT_DATA-DIR", ""),
            ("INPUT_REPOS", ""),
            ("INPUT_DRY-RUN", "false"),
            ("INPUT_NOW", ""),
        ]);
        let c = parse(&[], &e, clock()).expect("valid");
        assert_eq!(c.command, Command::Collect);
        assert!(c.action);
        assert_eq!(c.storage, Storage::Gists(vec!["abc123".into()]));
        assert_eq!(c.repos, vec!["octo/hello"]);
        assert_eq!(c.gist_token.as_ref().map(Secret::expose), Some("t1"), "gist-token defaults to token");
        assert_eq!(c.now, clock());
        assert!(!c.dry_run);
        assert_eq!(c.api_url, "https://api.github.com");
    }

    #[test]
    fn flags_win_over_env_and_defaults_apply() {
        let e =
            env(&[("INPUT_REPOS", "a/b"), ("GITHUB_TOKEN", "t"), ("GITHUB_API_URL", "https://ghe.example/api/v3/")]);
        let c = parse(&args(&["collect", "--repos", "c/d, e/f", "--dry-run", "--now=2026-01-02"]), &e, clock())
            .expect("valid");
        assert_eq!(c.repos, vec!["c/d", "e/f"]);
        assert!(c.dry_run);
        assert_eq!(c.storage, Storage::Folder(PathBuf::from("gtt-data")));
        assert_eq!(c.now, "2026-01-02T00:00:00Z".parse::<Timestamp>().expect("ts"));
        assert_eq!(c.api_url, "https://ghe.example/api/v3");
        assert_eq!(c.token.as_ref().map(Secret::expose), Some("t"));
    }

    #[test]
    fn bad_inputs_name_the_input() {
        let base = [("GITHUB_TOKEN", "t"), ("INPUT_REPOS", "a/b")];
        type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);
        let cases: &[Case<'_>] = &[
            (&["--repos", "nope"], &base, "`repos`"),
            (&["--repos", "a/b/c"], &base, "`repos`"),
            (&["--repos", "-a/b"], &base, "`repos`"),
            (&["--repos", "a/.."], &base, "`repos`"),
            (&["frobnicate"], &base, "unknown command"),
            (&["--frob", "1"], &base, "unknown flag --frob"),
            (&["--now", "yesterday"], &base, "`now`"),
            (&["--gist-id", "abc", "--data-dir", "x"], &base, "`gist-id` and `data-dir`"),
            (&["--gist-id", "../x"], &base, "`gist-id`"),
            (&["--gist-id", "abc,def,abc"], &base, "`gist-id` lists gist `abc` twice"),
            (&["--gist-id", "abc\nABC"], &base, "twice"),
            (&["--gist-id", "abc,de/f"], &base, "`gist-id`"),
            (&["--gist-id", " , "], &base, "`gist-id`"),
            (&["--api-url", "http://evil.example"], &base, "`api-url`"),
            (&["--dry-run=maybe"], &base, "`dry-run`"),
            (&["--concurrency", "0"], &base, "`concurrency`"),
            (&["--format", "xml"], &base, "`format`"),
            (&["init", "--action", "acme/gtt@v1"], &base, "input `action` `acme/gtt@v1` is not owner/name"),
            (&["init", "--action", "OWNER"], &base, "input `action`"),
            (&["--repos"], &base, "needs a value"),
            (&[], &[("INPUT_REPOS", "a/b")], "token"),
            (&["--repo", "a/b"], &base, "unknown flag --repo: did you mean `--repos`?"),
            (&["colect"], &base, "unknown command `colect` (input `command`): did you mean `collect`?"),
            (&[], &[("GITHUB_TOKEN", "t"), ("INPUT_REPOS", "a/b"), ("GITHUB_ACTIONS", "true")], "`gist-id` is not set"),
        ];
        for (a, e, want) in cases {
            let got = parse(&args(a), &env(e), clock()).expect_err("must fail").to_string();
            assert!(got.contains(want), "{a:?}: {got}");
            assert!(!got.contains('\n'), "one line: {got}");
        }
    }

    #[test]
    fn init_needs_the_action_home_unless_the_build_names_one() {
        let e = env(&[("GITHUB_TOKEN", "t")]);
        let c = parse(&args(&["init", "--action", "acme/gtt"]), &e, clock()).expect("parses");
        assert_eq!(c.action_home.as_deref(), Some("acme/gtt"));
        let without = parse(&args(&["init"]), &e, clock());
        match BUILT_FOR {
            None => {
                let err = without.expect_err("no home").to_string();
                assert!(err.starts_with("input `action` is not set") && err.contains("--action acme/gtt"), "{err}");
            }
            Some(home) => assert_eq!(without.expect("the build names it").action_home.as_deref(), Some(home)),
        }
        assert_eq!(values::action_home(None, Some("octo/gtt")).expect("ok").as_deref(), Some("octo/gtt"));
        assert_eq!(values::action_home(None, Some("not a repo")).expect("ok"), None, "a bad build value is no home");
        assert_eq!(values::action_home(Some("a/b"), Some("octo/gtt")).expect("ok").as_deref(), Some("a/b"));
    }

    #[test]
    fn errors_keep_their_exact_texts() {
        let base = [("GITHUB_TOKEN", "t"), ("INPUT_REPOS", "a/b")];
        type Case<'a> = (&'a [&'a str], &'a [(&'a str, &'a str)], &'a str);
        let cases: &[Case<'_>] = &[
            (&["--max-wait", "x"], &base, "input `max-wait` is `x`: use a number of seconds from 0 to 21600"),
            (&["--concurrency", "33"], &base, "input `concurrency` is `33`: use a number from 1 to 32"),
            (&["--api-url", "ftp://x"], &base, "input `api-url` `ftp://x` is not an https URL: use e.g."),
            (&["--badge-labels", "nope=x"], &base, "input `badge-labels`: unknown metric `nope`; use views"),
            (&["--data-dir", "d", "--gist-id", "a"], &base, "inputs `gist-id` and `data-dir` were both given: keep"),
            (&["dashboard"], &base, "input `out` is not set: name the folder"),
            (&[], &[("INPUT_REPOS", "a/b")], "no token: set GITHUB_TOKEN (or pass --token)"),
            (
                &[],
                &[("INPUT_REPOS", "a/b"), ("GITHUB_ACTIONS", "true"), ("INPUT_GIST-ID", "a")],
                "input `token` is not set: pass",
            ),
            (&["backfill"], &base, "input `from` is empty: name what to import"),
            (&["--now", "x\ny"], &base, "input `now` `x?y` is not a time"),
        ];
        for (a, e, want) in cases {
            let got = parse(&args(a), &env(e), clock()).expect_err("must fail").to_string();
            assert!(got.starts_with(want), "{a:?}: {got}");
        }
        assert_eq!(Error::Unset { input: "gist-token", fix: None }.to_string(), "input `gist-token` is not set");
    }
}
