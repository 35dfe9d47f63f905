//! One configuration model for both doors: action inputs (`INPUT_GIST-ID`, hyphen kept)
//! and CLI flags (`--gist-id`), a flag winning over the environment. Parsing is pure:
//! the caller hands in the arguments, the environment and the wall clock.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Component, Path, PathBuf};
use std::time::Duration;

use jiff::Timestamp;
use serde::Deserialize;

/// Every input, in the order `gtt help` and action.yml list them:
/// (name, default shown to users, description).
pub const INPUTS: &[(&str, &str, &str)] = &[
    (
        "command",
        "collect",
        "What to run: collect, backfill, export, dashboard, doctor, init, help, version. On the CLI, the first argument.",
    ),
    (
        "token",
        "",
        "Token that reads traffic: fine-grained with repository permission Administration: read, or classic with repo scope. CLI fallback: $GITHUB_TOKEN, then $GH_TOKEN.",
    ),
    ("gist-token", "", "Token that writes the gist (classic: gist scope; fine-grained: Gists: write). Default: token."),
    (
        "gist-id",
        "",
        "Gist that holds history and badges, or several (separated by commas, spaces or newlines) when one gist's 300-file listing is not enough: the first holds the index and summed badges, each repository stays in the gist that holds it. Exclusive with data-dir.",
    ),
    ("data-dir", "", "Local folder that holds history instead of a gist. CLI default when no gist-id: ./gtt-data."),
    (
        "repos",
        "",
        "Repositories to track: owner/name, owner/* (all of an owner), globs (owner/gtt-*), exclusions (!owner/old-*), separated by commas, spaces or newlines. Default: $GITHUB_REPOSITORY.",
    ),
    ("api-url", "", "GitHub API base URL. Default: $GITHUB_API_URL, else https://api.github.com."),
    ("now", "", "Treat this RFC 3339 timestamp or YYYY-MM-DD date (00:00 UTC) as now. Default: the clock."),
    ("dry-run", "false", "Fetch and merge, print what would change, write nothing."),
    ("format", "csv", "export: csv, json or ndjson."),
    (
        "max-wait",
        "600",
        "Longest total time, in seconds, to wait for GitHub's rate limits and retries in one run, and for another gtt process to release a folder store's lock.",
    ),
    ("concurrency", "16", "Requests to GitHub in flight at once, across repositories (1-32; GitHub allows 100)."),
    (
        "badge-style",
        "flat",
        "Badge style: flat, flat-square, plastic, for-the-badge or social (SVG badges: flat, flat-square).",
    ),
    ("badge-color", "blue", "Badge message color: a shields name (blue, brightgreen, orange, ...) or hex (#1f6feb)."),
    ("badge-label-color", "grey", "Badge label color: a shields name or hex."),
    (
        "badge-labels",
        "",
        "Badge label texts, e.g. views=visitors,installs=installs. Metrics: views, clones, installs, downloads, stars.",
    ),
    ("badge-cache-seconds", "3600", "cacheSeconds in the shields endpoint files (shields ignores values under 300)."),
    (
        "badge-compact-above",
        "100000",
        "Numbers at or above this show compact (12.3k, 4.5M); below, with separators (1,234).",
    ),
    (
        "ci-clones",
        "steps",
        "Subtract CI checkouts from clones: steps (each checkout step), runs (one per workflow run) or off.",
    ),
    (
        "ci-checkout-pattern",
        "actions/checkout*|Run actions/checkout*|Checkout",
        "Step names that count as a checkout: alternatives separated by |, * matches anything, case-insensitive.",
    ),
    ("ci-pages-builds", "true", "Count each GitHub Pages build as one CI clone."),
    ("archive-gist-id", "", "Gist that receives archive-YYYY-MM.json for each complete month."),
    ("archive-dir", "", "Folder that receives the monthly archives instead of a gist."),
    ("out", "", "dashboard: folder to write the built dashboard into."),
    ("dashboard-dir", "", "collect: also write the built dashboard into this folder (e.g. for a Pages deployment)."),
    ("site-dir", "", "Where the built dashboard is. Default: /dashboard (in the image), else ./dashboard/dist."),
    (
        "from",
        "",
        "backfill: sources to import, separated by spaces, commas or newlines: files or folders, gist ids, https URLs on the API or gist host.",
    ),
    ("repo-dir", "", "init: the repository checkout to write the workflow into. Default: the current folder."),
    ("apply", "false", "init: run the gh commands (secret, variables) instead of printing them."),
    ("include-forks", "false", "Let globs in `repos` pick forks."),
    ("include-archived", "false", "Let globs in `repos` pick archived repositories."),
    ("include-private", "true", "Let globs in `repos` pick private repositories the token can see."),
    ("shard", "", "I/N: collect only this job's share of the repositories (stable hash), for a job matrix."),
    (
        "aggregate",
        "false",
        "Collect nothing; recompute the summed badges and the summary from every stored history (the job after a sharded matrix).",
    ),
];

/// A figure gtt writes a badge for (and input `badge-labels` names). An enum, so a
/// misspelt metric is a compile error or an input error, never a badge that silently
/// shows nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Metric {
    Views,
    Clones,
    Installs,
    Downloads,
    Stars,
}

impl Metric {
    /// Every metric, in file-name order.
    pub const ALL: [Metric; 5] = [Metric::Views, Metric::Clones, Metric::Installs, Metric::Downloads, Metric::Stars];

    /// The name in file names, inputs and outputs.
    pub fn name(self) -> &'static str {
        match self {
            Metric::Views => "views",
            Metric::Clones => "clones",
            Metric::Installs => "installs",
            Metric::Downloads => "downloads",
            Metric::Stars => "stars",
        }
    }

    pub fn from_name(name: &str) -> Option<Metric> {
        Metric::ALL.into_iter().find(|m| m.name() == name)
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The metrics gtt writes badges for, in file-name order.
pub const BADGE_METRICS: &[&str] = &["views", "clones", "installs", "downloads", "stars"];
/// The badge styles shields.io draws; input `badge-style` takes one of them.
pub const BADGE_STYLES: &[&str] = &["flat", "flat-square", "plastic", "for-the-badge", "social"];
/// shields.io's named colors (and aliases) as badge-maker 6 draws them; anything else
/// must be hex.
pub const NAMED_COLORS: &[(&str, &str)] = &[
    ("brightgreen", "4b0"),
    ("green", "67ac09"),
    ("yellowgreen", "95991a"),
    ("yellow", "d8b800"),
    ("orange", "ea7233"),
    ("red", "dd4343"),
    ("blue", "007ec6"),
    ("grey", "555"),
    ("gray", "555"),
    ("lightgrey", "939393"),
    ("lightgray", "939393"),
    ("success", "4b0"),
    ("important", "ea7233"),
    ("critical", "dd4343"),
    ("informational", "007ec6"),
    ("inactive", "939393"),
];

/// Exit codes, documented in `gtt help` and the README.
pub const EXIT_OK: u8 = 0;
pub const EXIT_FAILED: u8 = 1;
pub const EXIT_USAGE: u8 = 2;
pub const EXIT_STORAGE: u8 = 3;
/// `doctor` only: the worst check was a warning.
pub const EXIT_WARN: u8 = 4;

const DEFAULT_API: &str = "https://api.github.com";
const DEFAULT_DATA_DIR: &str = "gtt-data";

/// A token. Its Debug and Display never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Command {
    Collect,
    Export,
    Dashboard,
    Doctor,
    Init,
    Backfill,
    Help,
    Version,
}

/// How badges look. Colors are shields names or hex digits without `#`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Badges {
    pub style: String,
    pub color: String,
    pub label_color: String,
    /// Metric -> label text, for every metric in [`BADGE_METRICS`].
    pub labels: BTreeMap<String, String>,
    pub cache_seconds: u64,
    pub compact_above: u64,
}

impl Default for Badges {
    fn default() -> Self {
        Badges {
            style: "flat".into(),
            color: "blue".into(),
            label_color: "grey".into(),
            labels: BADGE_METRICS.iter().map(|m| (m.to_string(), m.to_string())).collect(),
            cache_seconds: 3600,
            compact_above: 100_000,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CiMode {
    Steps,
    Runs,
    Off,
}

/// How CI checkouts are recognised and counted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ci {
    pub mode: CiMode,
    /// Lower-cased alternatives; `*` matches any run of characters.
    pub patterns: Vec<String>,
    pub pages_builds: bool,
}

impl Ci {
    /// Whether a step name counts as a checkout.
    pub fn matches(&self, step: &str) -> bool {
        let step = step.trim().to_lowercase();
        self.patterns.iter().any(|p| glob_match(p, &step))
    }
}

impl Default for Ci {
    fn default() -> Self {
        Ci {
            mode: CiMode::Steps,
            patterns: parse_patterns("actions/checkout*|Run actions/checkout*|Checkout"),
            pages_builds: true,
        }
    }
}

fn parse_patterns(s: &str) -> Vec<String> {
    s.split('|').map(|p| p.trim().to_lowercase()).filter(|p| !p.is_empty()).collect()
}

/// `*` matches any run of characters; everything else literally. Iterative, so no input
/// can make it recurse or take more than O(pattern x text).
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && p.get(pi) != Some(&'*') && p.get(pi) == t.get(ti) {
            pi += 1;
            ti += 1;
        } else if p.get(pi) == Some(&'*') {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while p.get(pi) == Some(&'*') {
        pi += 1;
    }
    pi == p.len()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Json,
    Ndjson,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Storage {
    /// One gist (the monthly archives).
    Gist(String),
    /// The history: the gists input `gist-id` lists, in order (at least one). The first
    /// holds the combined index and the summed badges; see [`crate::store::Gists`].
    Gists(Vec<String>),
    Folder(PathBuf),
}

#[derive(Debug, Clone)]
pub struct Config {
    pub command: Command,
    /// Running as a GitHub Action (`GITHUB_ACTIONS=true`): workflow commands, outputs,
    /// job summary.
    pub action: bool,
    pub token: Option<Secret>,
    pub gist_token: Option<Secret>,
    pub storage: Storage,
    pub repos: Vec<String>,
    /// Every item of `repos`, globs and exclusions included.
    pub repo_specs: Vec<crate::discover::Spec>,
    pub filters: crate::discover::Filters,
    /// This job's shard `(I, N)`, 1-based.
    pub shard: Option<(u32, u32)>,
    /// Recompute the index's aggregate badges from every stored history; collect nothing.
    pub aggregate: bool,
    pub api_url: String,
    pub now: Timestamp,
    pub dry_run: bool,
    pub format: Format,
    pub max_wait: Duration,
    pub concurrency: usize,
    pub output_file: Option<PathBuf>,
    pub summary_file: Option<PathBuf>,
    pub badges: Badges,
    pub ci: Ci,
    /// Where monthly archives go, if anywhere.
    pub archive: Option<Storage>,
    /// `dashboard`: where to write the site.
    pub out: Option<PathBuf>,
    /// `collect`: also write the site here.
    pub dashboard_dir: Option<PathBuf>,
    pub site_dir: Option<PathBuf>,
    /// `GITHUB_WORKSPACE`, under which an action's folders must stay.
    pub workspace: Option<PathBuf>,
    /// `backfill`: what to import.
    pub from: Vec<String>,
    pub repo_dir: Option<PathBuf>,
    pub apply: bool,
}

/// A user mistake: one line naming the input and the fix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error(pub String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Error {}

fn err<T>(msg: impl Into<String>) -> Result<T, Error> {
    Err(Error(msg.into()))
}

/// Raw inputs, all strings, as `envy` maps them from `name -> value` pairs.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
struct Raw {
    command: Option<String>,
    token: Option<String>,
    gist_token: Option<String>,
    gist_id: Option<String>,
    data_dir: Option<String>,
    repos: Option<String>,
    api_url: Option<String>,
    now: Option<String>,
    dry_run: Option<String>,
    format: Option<String>,
    max_wait: Option<String>,
    concurrency: Option<String>,
    badge_style: Option<String>,
    badge_color: Option<String>,
    badge_label_color: Option<String>,
    badge_labels: Option<String>,
    badge_cache_seconds: Option<String>,
    badge_compact_above: Option<String>,
    ci_clones: Option<String>,
    ci_checkout_pattern: Option<String>,
    ci_pages_builds: Option<String>,
    archive_gist_id: Option<String>,
    archive_dir: Option<String>,
    out: Option<String>,
    dashboard_dir: Option<String>,
    site_dir: Option<String>,
    from: Option<String>,
    repo_dir: Option<String>,
    apply: Option<String>,
    include_forks: Option<String>,
    include_archived: Option<String>,
    include_private: Option<String>,
    shard: Option<String>,
    aggregate: Option<String>,
}

/// The token values present in the environment or arguments, before any validation,
/// so they can be masked before anything else is printed.
pub fn secrets_to_mask(args: &[String], env: &BTreeMap<String, String>) -> Vec<String> {
    let mut out: Vec<String> = ["INPUT_TOKEN", "INPUT_GIST-TOKEN", "GITHUB_TOKEN", "GH_TOKEN"]
        .iter()
        .filter_map(|k| env.get(*k).cloned())
        .collect();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        for flag in ["--token", "--gist-token"] {
            if a == flag {
                out.extend(it.clone().next().cloned());
            } else if let Some(v) = a.strip_prefix(flag).and_then(|r| r.strip_prefix('=')) {
                out.push(v.to_string());
            }
        }
    }
    // The token is used trimmed: mask that form (and the raw one, which is what a
    // careless echo would print).
    let trimmed: Vec<String> = out.iter().map(|s| s.trim().to_string()).collect();
    out.extend(trimmed);
    out.retain(|s| !s.trim().is_empty());
    out.sort();
    out.dedup();
    out
}

/// Parses the command line (without the program name) and the environment.
pub fn parse(args: &[String], env: &BTreeMap<String, String>, clock: Timestamp) -> Result<Config, Error> {
    let action = env.get("GITHUB_ACTIONS").is_some_and(|v| v == "true");
    let mut values: BTreeMap<String, String> = env
        .iter()
        .filter_map(|(k, v)| {
            let name = k.strip_prefix("INPUT_")?.to_ascii_lowercase().replace(' ', "_");
            (!v.trim().is_empty()).then(|| (name, v.trim().to_string()))
        })
        .collect();

    let mut command_arg = None;
    let mut it = args.iter().peekable();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "-h" | "--help" => command_arg = Some("help".to_string()),
            "-V" | "--version" => command_arg = Some("version".to_string()),
            a if a.starts_with("--") => {
                let (name, inline) = match a.trim_start_matches("--").split_once('=') {
                    Some((n, v)) => (n.to_string(), Some(v.to_string())),
                    None => (a.trim_start_matches("--").to_string(), None),
                };
                if !INPUTS.iter().any(|(n, _, _)| *n == name) {
                    return err(format!("unknown flag --{name}: run `gtt help` for the list of flags"));
                }
                let value = match inline {
                    Some(v) => v,
                    // A boolean input (its default is true or false) may stand alone, or
                    // take an explicit true/false.
                    None if INPUTS.iter().any(|(n, d, _)| *n == name && matches!(*d, "true" | "false")) => {
                        match it.peek().filter(|v| parse_bool(v).is_some()) {
                            Some(_) => it.next().cloned().unwrap_or_default(),
                            None => "true".to_string(),
                        }
                    }
                    None => match it.next() {
                        Some(v) => v.clone(),
                        None => return err(format!("flag --{name} needs a value: --{name} VALUE")),
                    },
                };
                values.insert(name, value);
            }
            a if command_arg.is_none() && !a.starts_with('-') => command_arg = Some(a.to_string()),
            a => {
                return err(format!("unexpected argument `{a}`: run `gtt help` for usage"));
            }
        }
    }
    if let Some(c) = command_arg {
        values.insert("command".to_string(), c);
    }
    values.retain(|_, v| !v.trim().is_empty());
    let raw: Raw = envy::from_iter(values).map_err(|e| Error(format!("could not read inputs: {e}")))?;
    let badges = parse_badges(&raw)?;

    let command = match raw.command.as_deref().unwrap_or("collect") {
        "collect" => Command::Collect,
        "export" => Command::Export,
        "dashboard" => Command::Dashboard,
        "doctor" => Command::Doctor,
        "init" => Command::Init,
        "backfill" => Command::Backfill,
        "help" => Command::Help,
        "version" => Command::Version,
        other => {
            return err(format!(
                "unknown command `{other}` (input `command`): use one of collect, export, dashboard, doctor, init, backfill, help, version"
            ));
        }
    };

    let token = raw.token.or_else(|| nonempty(env, "GITHUB_TOKEN")).or_else(|| nonempty(env, "GH_TOKEN")).map(Secret);
    let gist_token = raw.gist_token.map(Secret).or_else(|| token.clone());

    let storage = match (raw.gist_id, raw.data_dir) {
        (Some(_), Some(_)) => {
            return err("inputs `gist-id` and `data-dir` were both given: keep one (a gist, or a local folder)");
        }
        (Some(ids), None) => Storage::Gists(gist_id_list("gist-id", &ids)?),
        (None, Some(dir)) => Storage::Folder(PathBuf::from(dir)),
        (None, None) if action => {
            return err(
                "input `gist-id` is not set: create a gist at https://gist.github.com (any file, e.g. README.md), put its id in a repository variable and pass `gist-id: ${{ vars.GTT_GIST_ID }}`; or set `data-dir` to keep history in the workspace",
            );
        }
        (None, None) => Storage::Folder(PathBuf::from(DEFAULT_DATA_DIR)),
    };

    let repos_text = raw.repos.or_else(|| nonempty(env, "GITHUB_REPOSITORY")).unwrap_or_default();
    let items: Vec<String> =
        repos_text.split(|c: char| c == ',' || c.is_whitespace()).filter(|s| !s.is_empty()).map(String::from).collect();
    let repo_specs = crate::discover::parse_specs(&items)?;
    // Exact names now; globs are resolved against GitHub when a run starts.
    let repos = parse_repos(
        &items.iter().filter(|i| !i.contains('*') && !i.starts_with('!')).cloned().collect::<Vec<_>>().join(","),
    )?;
    let shard = match raw.shard.as_deref() {
        None => None,
        Some(s) => Some(crate::discover::parse_shard(s)?),
    };

    let api_url = parse_api_url(
        &raw.api_url.or_else(|| nonempty(env, "GITHUB_API_URL")).unwrap_or_else(|| DEFAULT_API.to_string()),
    )?;

    let now = match raw.now {
        Some(s) => parse_now(&s)?,
        None => clock,
    };
    let dry_run = match raw.dry_run.as_deref() {
        None => false,
        Some(v) => {
            parse_bool(v).ok_or_else(|| Error(format!("input `dry-run` is `{}`: use true or false", printable(v))))?
        }
    };
    let format = match raw.format.as_deref().unwrap_or("csv") {
        "csv" => Format::Csv,
        "json" => Format::Json,
        "ndjson" => Format::Ndjson,
        other => {
            return err(format!("input `format` is `{}`: use csv, json or ndjson", printable(other)));
        }
    };
    let max_wait = match raw.max_wait {
        None => Duration::from_secs(600),
        Some(s) => Duration::from_secs(s.parse::<u64>().ok().filter(|n| *n <= 6 * 3600).ok_or_else(|| {
            Error(format!("input `max-wait` is `{}`: use a number of seconds from 0 to 21600", printable(&s)))
        })?),
    };
    let concurrency = match raw.concurrency {
        None => 16,
        Some(s) => {
            s.parse::<usize>().ok().filter(|n| (1..=crate::github::governor::MAX_IN_FLIGHT).contains(n)).ok_or_else(
                || Error(format!("input `concurrency` is `{}`: use a number from 1 to 32", printable(&s))),
            )?
        }
    };
    let ci = Ci {
        mode: match raw.ci_clones.as_deref().unwrap_or("steps") {
            "steps" => CiMode::Steps,
            "runs" => CiMode::Runs,
            "off" => CiMode::Off,
            other => return err(format!("input `ci-clones` is `{}`: use steps, runs or off", printable(other))),
        },
        patterns: match raw.ci_checkout_pattern.as_deref() {
            None => Ci::default().patterns,
            Some(p) if parse_patterns(p).is_empty() || p.len() > 500 => {
                return err(
                    "input `ci-checkout-pattern` is empty or too long: give step names like `actions/checkout*|Checkout`",
                );
            }
            Some(p) => parse_patterns(p),
        },
        pages_builds: bool_input("ci-pages-builds", raw.ci_pages_builds.as_deref(), true)?,
    };
    let archive = match (raw.archive_gist_id.clone(), raw.archive_dir.clone()) {
        (Some(_), Some(_)) => return err("inputs `archive-gist-id` and `archive-dir` were both given: keep one"),
        (Some(id), None) => {
            let id = gist_id("archive-gist-id", &id)?;
            // Archives would fill the history gist's 300-file listing, month by month.
            if matches!(&storage, Storage::Gists(ids) if ids.iter().any(|g| g.eq_ignore_ascii_case(&id))) {
                return err("input `archive-gist-id` is also in `gist-id`: give the archives a gist of their own");
            }
            Some(Storage::Gist(id))
        }
        (None, Some(dir)) => Some(Storage::Folder(PathBuf::from(dir))),
        (None, None) => None,
    };
    let from: Vec<String> = raw
        .from
        .as_deref()
        .unwrap_or("")
        .split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect();
    if command == Command::Backfill && from.is_empty() {
        return err("input `from` is empty: name what to import, e.g. `gtt backfill --from state.json` or a gist id");
    }
    let apply = bool_input("apply", raw.apply.as_deref(), false)?;
    let filters = crate::discover::Filters {
        forks: bool_input("include-forks", raw.include_forks.as_deref(), false)?,
        archived: bool_input("include-archived", raw.include_archived.as_deref(), false)?,
        private: bool_input("include-private", raw.include_private.as_deref(), true)?,
    };
    let aggregate = bool_input("aggregate", raw.aggregate.as_deref(), false)?;
    if command == Command::Dashboard && raw.out.is_none() {
        return err(
            "input `out` is not set: name the folder to write the dashboard into, e.g. `gtt dashboard --out site`",
        );
    }

    // The aggregate job reads stored histories only: no repositories, no traffic token.
    let aggregate_only = command == Command::Collect && aggregate;
    if matches!(command, Command::Collect | Command::Doctor | Command::Init) && !aggregate_only {
        if repos.is_empty() && !repo_specs.iter().any(|s| !s.exclude) && command != Command::Init {
            return err("input `repos` is empty: name repositories as owner/name (e.g. `--repos octo/hello`)");
        }
        if token.is_none() {
            return err(if action {
                "input `token` is not set: pass a token that can read traffic, e.g. `token: ${{ secrets.GTT_TOKEN }}` (the workflow's GITHUB_TOKEN cannot read traffic)"
            } else {
                "no token: set GITHUB_TOKEN (or pass --token) to a token that can read traffic (fine-grained: Administration: read)"
            });
        }
    }
    if matches!(storage, Storage::Gists(_))
        && gist_token.is_none()
        && matches!(command, Command::Collect | Command::Export)
    {
        return err("input `gist-token` is not set: pass a token with the gist scope (or set `token`)");
    }

    Ok(Config {
        command,
        action,
        token,
        gist_token,
        storage,
        repos,
        api_url,
        now,
        dry_run,
        format,
        max_wait,
        concurrency,
        output_file: nonempty(env, "GITHUB_OUTPUT").map(PathBuf::from),
        summary_file: nonempty(env, "GITHUB_STEP_SUMMARY").map(PathBuf::from),
        badges,
        ci,
        archive,
        out: raw.out.map(PathBuf::from),
        dashboard_dir: raw.dashboard_dir.map(PathBuf::from),
        site_dir: raw.site_dir.map(PathBuf::from),
        workspace: nonempty(env, "GITHUB_WORKSPACE").map(PathBuf::from),
        from,
        repo_dir: raw.repo_dir.map(PathBuf::from),
        apply,
        repo_specs,
        filters,
        shard,
        aggregate,
    })
}

/// Refuses a dashboard output folder (input `out` for `dashboard`, `dashboard-dir` for
/// `collect`) that is, contains, or lies inside a folder gtt stores data in (`data-dir`,
/// and `archive-dir` when the archives go to a folder): the site is copied over its
/// output folder, and a site inside the data folder (or the reverse) would overwrite or
/// clean up stored files. Paths are compared made absolute against `cwd` and normalised
/// lexically (folders may not exist yet), and again resolved through symlinks as far as
/// they exist. Reads the filesystem (no writes); run it before anything is written.
pub fn check_dashboard_folder(c: &Config, cwd: &Path) -> Result<(), Error> {
    let out = match c.command {
        Command::Dashboard => c.out.as_deref().map(|p| ("out", p)),
        Command::Collect => c.dashboard_dir.as_deref().map(|p| ("dashboard-dir", p)),
        _ => None,
    };
    let Some((out_input, out)) = out else { return Ok(()) };
    let mut stores = Vec::new();
    if let Storage::Folder(dir) = &c.storage {
        stores.push(("data-dir", dir.as_path()));
    }
    if let Some(Storage::Folder(dir)) = &c.archive {
        stores.push(("archive-dir", dir.as_path()));
    }
    let out_abs = lexical_absolute(cwd, out);
    let out_real = resolve_existing(&out_abs);
    for (store_input, store) in stores {
        let store_abs = lexical_absolute(cwd, store);
        let store_real = resolve_existing(&store_abs);
        let overlap = path_overlap(&out_abs, &store_abs).or_else(|| path_overlap(&out_real, &store_real));
        let Some(how) = overlap else { continue };
        let how = match how {
            Overlap::Same => "is the same folder as",
            Overlap::Contains => "contains",
            Overlap::Inside => "lies inside",
        };
        return err(format!(
            "input `{out_input}` ({}) {how} input `{store_input}` ({}): the dashboard would overwrite or delete stored files; give them separate folders, e.g. `{store_input}: gtt-data` and `{out_input}: site`",
            out.display(),
            store.display(),
        ));
    }
    Ok(())
}

/// How two folders overlap; see [`path_overlap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overlap {
    Same,
    /// The first contains the second.
    Contains,
    /// The first lies inside the second.
    Inside,
}

/// Whether `a` and `b` (absolute, normalised) are the same folder or one holds the
/// other, comparing whole components: `site2` is not inside `site`.
pub fn path_overlap(a: &Path, b: &Path) -> Option<Overlap> {
    if a == b {
        Some(Overlap::Same)
    } else if b.starts_with(a) {
        Some(Overlap::Contains)
    } else if a.starts_with(b) {
        Some(Overlap::Inside)
    } else {
        None
    }
}

/// `path` made absolute against `cwd`, with `.` dropped and `..` applied to the part
/// before it (never above the root), without looking at the filesystem.
pub fn lexical_absolute(cwd: &Path, path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for part in cwd.join(path).components() {
        match part {
            Component::Prefix(_) | Component::RootDir | Component::Normal(_) => out.push(part),
            Component::CurDir => {}
            Component::ParentDir => {
                if out.parent().is_some() {
                    out.pop();
                }
            }
        }
    }
    out
}

/// `abs` with its longest existing ancestor replaced by its canonical path (symlinks
/// resolved), the rest appended as it is.
fn resolve_existing(abs: &Path) -> PathBuf {
    let mut rest = Vec::new();
    let mut at = abs;
    loop {
        if let Ok(real) = at.canonicalize() {
            let mut out = real;
            out.extend(rest.iter().rev());
            return out;
        }
        match (at.parent(), at.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                at = parent;
            }
            _ => return abs.to_path_buf(),
        }
    }
}

fn gist_id(input: &str, id: &str) -> Result<String, Error> {
    if id.is_empty() || id.len() > 64 || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return err(format!(
            "input `{input}` `{}` is not a gist id: use the id at the end of the gist's URL (gist.github.com/USER/ID)",
            printable(id)
        ));
    }
    Ok(id.to_string())
}

/// A list of gist ids separated by commas, spaces or newlines (a YAML block scalar in a
/// workflow), in order: the order decides which gist holds the combined index, so it is
/// kept, and a repeated id (which would make two places for one repository) is refused.
pub fn gist_id_list(input: &str, text: &str) -> Result<Vec<String>, Error> {
    let mut out: Vec<String> = Vec::new();
    for item in text.split(|c: char| c == ',' || c.is_whitespace()).filter(|s| !s.is_empty()) {
        let id = gist_id(input, item)?;
        if out.iter().any(|o| o.eq_ignore_ascii_case(&id)) {
            return err(format!(
                "input `{input}` lists gist `{}` twice: list each gist once (separated by commas, spaces or newlines)",
                printable(&id)
            ));
        }
        out.push(id);
    }
    if out.is_empty() {
        return err(format!(
            "input `{input}` holds no gist id: use the id at the end of the gist's URL (gist.github.com/USER/ID); several ids separated by commas"
        ));
    }
    Ok(out)
}

fn bool_input(name: &str, v: Option<&str>, default: bool) -> Result<bool, Error> {
    match v {
        None => Ok(default),
        Some(v) => {
            parse_bool(v).ok_or_else(|| Error(format!("input `{name}` is `{}`: use true or false", printable(v))))
        }
    }
}

/// A shields color name, or hex digits (3 or 6, `#` optional), returned without `#`.
pub fn parse_color(input: &str, v: &str) -> Result<String, Error> {
    let lower = v.trim().to_ascii_lowercase();
    if NAMED_COLORS.iter().any(|(n, _)| *n == lower) {
        return Ok(lower);
    }
    let hex = lower.strip_prefix('#').unwrap_or(&lower);
    if matches!(hex.len(), 3 | 6) && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return Ok(hex.to_string());
    }
    err(format!(
        "input `{input}` is `{}`: use a shields color name (blue, brightgreen, orange, red, grey, ...) or hex like #1f6feb",
        printable(v)
    ))
}

fn parse_badges(raw: &Raw) -> Result<Badges, Error> {
    let mut b = Badges::default();
    if let Some(style) = &raw.badge_style {
        if !BADGE_STYLES.contains(&style.as_str()) {
            return err(format!(
                "input `badge-style` is `{}`: use flat, flat-square, plastic, for-the-badge or social",
                printable(style)
            ));
        }
        b.style = style.clone();
    }
    if let Some(c) = &raw.badge_color {
        b.color = parse_color("badge-color", c)?;
    }
    if let Some(c) = &raw.badge_label_color {
        b.label_color = parse_color("badge-label-color", c)?;
    }
    if let Some(labels) = &raw.badge_labels {
        for pair in labels.split([',', '\n']).map(str::trim).filter(|p| !p.is_empty()) {
            let Some((metric, label)) = pair.split_once('=') else {
                return err(format!(
                    "input `badge-labels`: `{}` is not metric=label (e.g. views=visitors)",
                    printable(pair)
                ));
            };
            let metric = metric.trim();
            if !BADGE_METRICS.contains(&metric) {
                return err(format!(
                    "input `badge-labels`: unknown metric `{}`; use views, clones, installs, downloads or stars",
                    printable(metric)
                ));
            }
            let label: String = label.trim().chars().filter(|c| !c.is_control()).take(60).collect();
            b.labels.insert(metric.to_string(), label);
        }
    }
    if let Some(s) = &raw.badge_cache_seconds {
        b.cache_seconds = s.parse().ok().filter(|n| *n <= 31_536_000).ok_or_else(|| {
            Error(format!("input `badge-cache-seconds` is `{}`: use a whole number of seconds", printable(s)))
        })?;
    }
    if let Some(s) = &raw.badge_compact_above {
        b.compact_above = s.parse().ok().filter(|n| *n >= 1000).ok_or_else(|| {
            Error(format!("input `badge-compact-above` is `{}`: use a whole number from 1000 up", printable(s)))
        })?;
    }
    Ok(b)
}

fn nonempty(env: &BTreeMap<String, String>, k: &str) -> Option<String> {
    env.get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// Shows user input in an error line without letting it break the line or start a
/// workflow command.
fn printable(s: &str) -> String {
    s.chars().take(80).map(|c| if c.is_control() { '?' } else { c }).collect()
}

fn parse_bool(v: &str) -> Option<bool> {
    match v.to_ascii_lowercase().as_str() {
        "true" | "1" | "yes" | "on" => Some(true),
        "false" | "0" | "no" | "off" => Some(false),
        _ => None,
    }
}

/// `owner/name` as GitHub allows them: owner 1-39 of `[A-Za-z0-9-]` not starting with a
/// hyphen, name 1-100 of `[A-Za-z0-9._-]` and not `.` or `..`. Duplicates (any case) are
/// dropped.
pub fn parse_repos(text: &str) -> Result<Vec<String>, Error> {
    let mut out: Vec<String> = Vec::new();
    for item in text.split(|c: char| c == ',' || c.is_whitespace()).filter(|s| !s.is_empty()) {
        let ok = item.split_once('/').is_some_and(|(owner, name)| {
            (1..=39).contains(&owner.len())
                && !owner.starts_with('-')
                && owner.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && (1..=100).contains(&name.len())
                && name != "."
                && name != ".."
                && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
        });
        if !ok {
            return err(format!(
                "input `repos`: `{}` is not owner/name (e.g. octo/hello-world); separate several with commas, spaces or newlines",
                printable(item)
            ));
        }
        if !out.iter().any(|r| r.eq_ignore_ascii_case(item)) {
            out.push(item.to_string());
        }
    }
    Ok(out)
}

/// The API base must be https, except on loopback (tests, local proxies), so a token is
/// never sent in clear over a network.
pub fn parse_api_url(s: &str) -> Result<String, Error> {
    let url = s.trim().trim_end_matches('/');
    let rest =
        url.strip_prefix("https://").or_else(|| url.strip_prefix("http://").filter(|r| is_loopback_authority(r)));
    match rest {
        Some(r) if !r.is_empty() && !r.contains(['?', '#', ' ', '@']) => Ok(url.to_string()),
        _ => err(format!(
            "input `api-url` `{}` is not an https URL: use e.g. https://api.github.com or https://HOST/api/v3",
            printable(s)
        )),
    }
}

fn is_loopback_authority(rest: &str) -> bool {
    let host = rest.split('/').next().unwrap_or("");
    let host = if host.starts_with('[') {
        host.split(']').next().map(|h| format!("{h}]")).unwrap_or_default()
    } else {
        host.split(':').next().unwrap_or("").to_string()
    };
    matches!(host.as_str(), "127.0.0.1" | "localhost" | "[::1]")
}

/// An RFC 3339 timestamp, or a date meaning 00:00 UTC of that day.
pub fn parse_now(s: &str) -> Result<Timestamp, Error> {
    if let Ok(t) = s.parse::<Timestamp>() {
        return Ok(t);
    }
    if let Ok(d) = s.parse::<jiff::civil::Date>()
        && let Ok(z) = d.to_zoned(jiff::tz::TimeZone::UTC)
    {
        return Ok(z.timestamp());
    }
    err(format!(
        "input `now` `{}` is not a time: use RFC 3339 (2026-11-01T06:00:00Z) or a date (2026-11-01)",
        printable(s)
    ))
}

pub fn help_text() -> String {
    let mut s = format!(
        "gtt {} - keeps GitHub traffic (views, clones, referrers, stars, downloads) forever\n\n\
         USAGE:\n  gtt [COMMAND] [--INPUT VALUE]...\n\n\
         COMMANDS:\n  collect   fetch each repository's 14-day traffic window and merge it into the history (default)\n  \
         export    print the stored history to stdout (--format csv|json)\n  \
         dashboard write the static dashboard site and its data config (--out DIR)\n  \
         doctor    check token, gist, schema, staleness, gaps and schedule; one line per check\n  \
         backfill  import history from other tools' files, gists or URLs (--from ...), merged like collected data\n  \
         init      set up: check the token, find or create the gists, write the workflow, print the gh commands\n  \
         help      this text\n  version   print the version (also --version)\n\n\
         INPUTS (flag --NAME VALUE or --NAME=VALUE; in an action the input NAME, env INPUT_NAME; a flag wins):\n",
        env!("CARGO_PKG_VERSION")
    );
    for (name, default, desc) in INPUTS {
        let d = if default.is_empty() { String::new() } else { format!(" [default: {default}]") };
        s.push_str(&format!("  --{name:<12} {desc}{d}\n"));
    }
    s.push_str(
        "\nEXIT CODES:\n  0  done: every repository collected and stored (or exported)\n  \
         1  a repository or GitHub request failed, or the rate limit deferred a repository\n  \
         \x20  that loses days by waiting; the others were stored; the log says which\n  \
         2  bad input: the message names the input and the fix; nothing was written\n  \
         3  storage: stored history could not be read or written safely; nothing was overwritten\n  \
         4  doctor: the worst check was a warning (a failure exits 1)\n\n\
         ENVIRONMENT: GITHUB_TOKEN / GH_TOKEN (token fallback), RUST_LOG (log level, e.g. debug)\n",
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs.iter().map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }
    fn args(s: &[&str]) -> Vec<String> {
        s.iter().map(|a| a.to_string()).collect()
    }
    fn clock() -> Timestamp {
        "2026-11-21T10:00:00Z".parse().expect("ts")
    }

    #[test]
    fn metrics_and_their_names_agree() {
        assert_eq!(Metric::ALL.map(Metric::name), ["views", "clones", "installs", "downloads", "stars"]);
        assert_eq!(BADGE_METRICS, Metric::ALL.map(Metric::name));
        for m in Metric::ALL {
            assert_eq!(Metric::from_name(m.name()), Some(m));
        }
        assert_eq!(Metric::from_name("nope"), None);
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
            (&["--repos"], &base, "needs a value"),
            (&[], &[("INPUT_REPOS", "a/b")], "token"),
            (&[], &[("GITHUB_TOKEN", "t")], "`repos` is empty"),
            (&[], &[("GITHUB_TOKEN", "t"), ("INPUT_REPOS", "a/b"), ("GITHUB_ACTIONS", "true")], "`gist-id` is not set"),
        ];
        for (a, e, want) in cases {
            let got = parse(&args(a), &env(e), clock()).expect_err("must fail");
            assert!(got.0.contains(want), "{a:?}: {got}");
            assert!(!got.0.contains('\n'), "one line: {got}");
        }
    }

    #[test]
    fn gist_id_takes_a_list_in_order() {
        let e = env(&[("GITHUB_TOKEN", "t"), ("INPUT_REPOS", "a/b")]);
        for text in ["b2, a1\n c3", "b2 a1 c3", "b2,a1,c3,", "\nb2\na1\nc3\n"] {
            let c = parse(&args(&["--gist-id", text]), &e, clock()).expect("valid");
            assert_eq!(c.storage, Storage::Gists(vec!["b2".into(), "a1".into(), "c3".into()]), "{text:?}");
        }
        let c = parse(&args(&["--gist-id", "b2", "--archive-gist-id", "d4"]), &e, clock()).expect("valid");
        assert_eq!(c.archive, Some(Storage::Gist("d4".into())), "the archive stays one gist");
        assert!(parse(&args(&["--archive-gist-id", "d4,e5"]), &e, clock()).is_err());
        let same = parse(&args(&["--gist-id", "b2,c3", "--archive-gist-id", "C3"]), &e, clock());
        assert!(same.is_err_and(|e| e.to_string().contains("archive-gist-id")), "archives need their own gist");
    }

    #[test]
    fn repos_are_split_and_deduplicated() {
        assert_eq!(parse_repos("a/b,\nA/B  c/d.e_f-g").expect("ok"), vec!["a/b", "c/d.e_f-g"]);
        assert_eq!(parse_repos(" , ").expect("ok"), Vec::<String>::new());
    }

    #[test]
    fn api_url_allows_http_only_on_loopback() {
        assert!(parse_api_url("http://127.0.0.1:8080").is_ok());
        assert!(parse_api_url("http://localhost:1/api").is_ok());
        assert!(parse_api_url("http://[::1]:9").is_ok());
        assert!(parse_api_url("http://127.0.0.1.evil.example").is_err());
        assert!(parse_api_url("https://user@api.github.com").is_err());
    }

    #[test]
    fn secrets_are_found_before_validation() {
        let e = env(&[("INPUT_TOKEN", "s1"), ("GH_TOKEN", "s2")]);
        let s = secrets_to_mask(&args(&["--gist-token", "s3", "--token=s4", "--bogus"]), &e);
        for want in ["s1", "s2", "s3", "s4"] {
            assert!(s.iter().any(|x| x == want), "{want} missing from {s:?}");
        }
        assert_eq!(format!("{:?}", Secret::new("s1")), "Secret(***)");
    }

    #[test]
    fn help_documents_every_input_and_exit_code() {
        let h = help_text();
        for (name, _, _) in INPUTS {
            assert!(h.contains(&format!("--{name}")), "{name}");
        }
        for code in ["0  ", "1  ", "2  ", "3  "] {
            assert!(h.contains(code));
        }
    }

    #[test]
    fn folders_overlap_by_whole_components_after_normalising() {
        let cwd = Path::new("/work/repo");
        let cases: &[(&str, &str, Option<Overlap>)] = &[
            ("site", "site", Some(Overlap::Same)),
            ("site/", "site", Some(Overlap::Same)),
            ("./site", "/work/repo/site/", Some(Overlap::Same)),
            ("site", "site/data", Some(Overlap::Contains)),
            ("site/data", "site", Some(Overlap::Inside)),
            (".", "gtt-data", Some(Overlap::Contains)),
            ("site", "site2", None),
            ("site2", "site", None),
            ("site", "site-data", None),
            ("site/../data", "data", Some(Overlap::Same)),
            ("site/x/../../site/data", "site", Some(Overlap::Inside)),
            ("../repo/site", "site", Some(Overlap::Same)),
            ("../other/site", "site", None),
            ("/../../site", "/site", Some(Overlap::Same)),
            ("/tmp/out", "/tmp/data", None),
            ("/", "/tmp/data", Some(Overlap::Contains)),
        ];
        for (a, b, want) in cases {
            let (a_abs, b_abs) = (lexical_absolute(cwd, Path::new(a)), lexical_absolute(cwd, Path::new(b)));
            assert_eq!(path_overlap(&a_abs, &b_abs), *want, "{a} vs {b} ({} vs {})", a_abs.display(), b_abs.display());
        }
    }

    #[test]
    fn a_dashboard_folder_overlapping_a_data_folder_is_refused() {
        let cwd = Path::new("/work/repo");
        let e = env(&[("GITHUB_TOKEN", "t")]);
        let check = |a: &[&str]| parse(&args(a), &e, clock()).and_then(|c| check_dashboard_folder(&c, cwd));
        let refused = |a: &[&str], needle: &str| {
            let r = check(a);
            assert!(r.as_ref().is_err_and(|e| e.0.contains(needle)), "{a:?}: {r:?}");
        };
        refused(
            &["collect", "--repos", "a/b", "--data-dir", "site/data", "--dashboard-dir", "site"],
            "input `dashboard-dir` (site) contains input `data-dir` (site/data)",
        );
        refused(&["collect", "--repos", "a/b", "--data-dir", "x", "--dashboard-dir", "x/"], "is the same folder as");
        refused(
            &["dashboard", "--data-dir", "d", "--out", "d/site"],
            "input `out` (d/site) lies inside input `data-dir`",
        );
        refused(&["dashboard", "--out", "."], "input `data-dir` (gtt-data)");
        refused(
            &["collect", "--repos", "a/b", "--archive-dir", "site/archive", "--dashboard-dir", "site"],
            "input `archive-dir` (site/archive)",
        );
        assert!(check(&["collect", "--repos", "a/b", "--data-dir", "site2", "--dashboard-dir", "site"]).is_ok());
        assert!(check(&["dashboard", "--data-dir", "gtt-data", "--out", "site"]).is_ok());
        assert!(check(&["collect", "--repos", "a/b", "--gist-id", "abc1", "--dashboard-dir", "."]).is_ok());
        assert!(check(&["export", "--data-dir", "site", "--out", "site"]).is_ok(), "export writes no site");
    }

    #[test]
    fn symlinked_folders_are_compared_where_they_lead() {
        let root = std::env::temp_dir().join(format!("gtt-config-symlink-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        std::fs::create_dir_all(root.join("real/data")).expect("mkdir");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(root.join("real"), root.join("link")).expect("symlink");
            let e = env(&[("GITHUB_TOKEN", "t")]);
            let c = parse(&args(&["dashboard", "--data-dir", "real/data/new", "--out", "link"]), &e, clock())
                .expect("valid");
            let r = check_dashboard_folder(&c, &root);
            assert!(r.as_ref().is_err_and(|e| e.0.contains("contains")), "{r:?}");
        }
        let _ = std::fs::remove_dir_all(&root);
    }
}
