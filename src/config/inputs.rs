//! Every input's name, default and description, in one table: `gtt help`, the flag
//! parser and the action's `action.yml` (checked by a test) all follow it.

use super::ci::DEFAULT_PATTERNS;

/// Every input, in the order `gtt help` and action.yml list them:
/// (name, default shown to users, description, the commands it applies to).
pub const INPUTS: &[(&str, &str, &str, &[&str])] = &[
    (
        "command",
        "collect",
        "What to run: collect, backfill, export, dashboard, doctor, init, help, version. On the CLI, the first argument.",
        &[],
    ),
    (
        "token",
        "",
        "Token that reads traffic: fine-grained with repository permission Administration: read, or classic with repo scope. CLI fallback: $GITHUB_TOKEN, then $GH_TOKEN.",
        EVERY,
    ),
    (
        "gist-token",
        "",
        "Token that writes the gist (classic: gist scope; fine-grained: Gists: write). Default: token.",
        EVERY,
    ),
    (
        "gist-id",
        "",
        "Gist that holds history and badges, or several (separated by commas, spaces or newlines) when one gist's 300-file listing is not enough: the first holds the index and summed badges, each repository stays in the gist that holds it. Exclusive with data-dir and data-branch.",
        EVERY,
    ),
    (
        "data-dir",
        "",
        "Local folder that holds history instead of a gist. CLI default when no gist-id: ./gtt-data.",
        EVERY,
    ),
    (
        "data-branch",
        "",
        "Branch of a repository that holds history instead of a gist, e.g. gtt-data: one commit per run, created on first write (from an empty tree). Exclusive with gist-id and data-dir.",
        EVERY,
    ),
    ("data-repo", "", "The repository (owner/name) that holds data-branch. Default: $GITHUB_REPOSITORY.", EVERY),
    (
        "data-token",
        "",
        "Token that writes data-branch (fine-grained: Contents: write on data-repo; a workflow's GITHUB_TOKEN with `contents: write` will do). Default: token.",
        EVERY,
    ),
    (
        "repos",
        "",
        "Repositories to track: owner/name, owner/* (all of an owner), globs (owner/gtt-*), exclusions (!owner/old-*), separated by commas, spaces or newlines. Default: $GITHUB_REPOSITORY, else (collect, export, doctor) the repositories the store tracks.",
        REPOS,
    ),
    ("api-url", "", "GitHub API base URL. Default: $GITHUB_API_URL, else https://api.github.com.", EVERY),
    ("now", "", "Treat this RFC 3339 timestamp or YYYY-MM-DD date (00:00 UTC) as now. Default: the clock.", TIMED),
    ("dry-run", "false", "Fetch and merge, print what would change, write nothing.", WRITERS),
    ("format", "csv", "export: csv, json or ndjson.", EXPORT),
    (
        "max-wait",
        "600",
        "Longest total time, in seconds, to wait for GitHub's rate limits and retries in one run, and for another gtt process to release a folder store's lock.",
        EVERY,
    ),
    (
        "concurrency",
        "",
        "Requests to GitHub in flight at once, across repositories (1-32; GitHub allows 100). Default 16; 32 when `repos` names a single repository.",
        COLLECT,
    ),
    (
        "badge-style",
        "flat",
        "Badge style: flat, flat-square, plastic, for-the-badge or social (SVG badges: flat, flat-square).",
        COLLECT,
    ),
    (
        "badge-color",
        "blue",
        "Badge message color: a shields name (blue, brightgreen, orange, ...) or hex (#1f6feb).",
        COLLECT,
    ),
    ("badge-label-color", "grey", "Badge label color: a shields name or hex.", COLLECT),
    (
        "badge-labels",
        "",
        "Badge label texts, e.g. views=visitors,installs=installs. Metrics: views, clones, installs, downloads, stars.",
        COLLECT,
    ),
    (
        "badge-cache-seconds",
        "3600",
        "cacheSeconds in the shields endpoint files (shields ignores values under 300).",
        COLLECT,
    ),
    (
        "badge-compact-above",
        "100000",
        "Numbers at or above this show compact (12.3k, 4.5M); below, with separators (1,234).",
        COLLECT,
    ),
    (
        "ci-clones",
        "steps",
        "Subtract CI checkouts from clones: steps (each checkout step), runs (one per workflow run) or off.",
        CI,
    ),
    (
        "ci-checkout-pattern",
        DEFAULT_PATTERNS,
        "Step names that count as a checkout where a run's workflow file cannot be read (an estimate): alternatives separated by |, * matches anything, case-insensitive.",
        COLLECT,
    ),
    ("ci-pages-builds", "true", "Count each GitHub Pages build as one CI clone.", COLLECT),
    ("archive-gist-id", "", "Gist that receives archive-YYYY-MM.json for each complete month.", ARCHIVE),
    ("archive-dir", "", "Folder that receives the monthly archives instead of a gist.", ARCHIVE),
    (
        "out",
        "",
        "dashboard: folder to write the built dashboard into. Unset with data-branch: the site goes into the branch, beside the data, for GitHub Pages.",
        DASHBOARD,
    ),
    (
        "dashboard-dir",
        "",
        "collect: also write the built dashboard into this folder (e.g. for a Pages deployment).",
        COLLECT,
    ),
    (
        "site-dir",
        "",
        "A built dashboard folder to write instead of the one built into gtt (for developing the dashboard).",
        SITE,
    ),
    (
        "from",
        "",
        "backfill: sources to import, separated by spaces, commas or newlines: files or folders, gist ids, git-branch stores (OWNER/REPO@BRANCH), https URLs on the API or gist host, or `stargazers` (stars and forks since creation, rebuilt from GitHub's listings).",
        BACKFILL,
    ),
    ("repo-dir", "", "init: the repository checkout to write the workflow into. Default: the current folder.", INIT),
    ("apply", "false", "init: run the gh commands (secret, variables) instead of printing them.", INIT),
    (
        "action",
        "",
        "init: the repository that publishes the gtt action (owner/name), for the workflow's `uses:`. Default: the one this gtt was built for (release builds), else none: init asks for it.",
        INIT,
    ),
    (
        "pages",
        "false",
        "init: also write .github/workflows/gtt-pages.yml, which publishes the dashboard on GitHub Pages.",
        INIT,
    ),
    (
        "branch",
        "",
        "init: keep the history in this branch of the repository (e.g. gtt-data) instead of a gist, written with the workflow's token, and publish the dashboard from it on GitHub Pages.",
        INIT,
    ),
    ("include-forks", "false", "Let globs in `repos` pick forks.", COLLECT),
    ("include-archived", "false", "Let globs in `repos` pick archived repositories.", COLLECT),
    ("include-private", "true", "Let globs in `repos` pick private repositories the token can see.", COLLECT),
    ("shard", "", "I/N: collect only this job's share of the repositories (stable hash), for a job matrix.", COLLECT),
    (
        "aggregate",
        "false",
        "Collect nothing; recompute the summed badges and the summary from every stored history (the job after a sharded matrix).",
        COLLECT,
    ),
];

/// The commands that do work (not `help` or `version`).
const EVERY: &[&str] = &["collect", "export", "dashboard", "doctor", "backfill", "init"];
const REPOS: &[&str] = &["collect", "export", "doctor", "backfill", "init"];
const TIMED: &[&str] = &["collect", "doctor", "backfill"];
const WRITERS: &[&str] = &["collect", "backfill", "init"];
const ARCHIVE: &[&str] = &["collect", "init"];
const SITE: &[&str] = &["collect", "dashboard"];
const COLLECT: &[&str] = &["collect"];
/// `doctor` skips the workflow-files check when CI counting is off.
const CI: &[&str] = &["collect", "doctor"];
const EXPORT: &[&str] = &["export"];
const DASHBOARD: &[&str] = &["dashboard"];
const BACKFILL: &[&str] = &["backfill"];
const INIT: &[&str] = &["init"];

/// Every command and what it does, in the order `gtt help` lists them.
pub(crate) const COMMANDS: &[(&str, &str)] = &[
    ("collect", "fetch each repository's 14-day traffic window and merge it into the history (default)"),
    ("export", "print the stored history to stdout (--format csv|json)"),
    ("dashboard", "write the static dashboard site and its data config (--out DIR, or into --data-branch)"),
    ("doctor", "check token, gist, schema, staleness, gaps and schedule; one line per check"),
    ("backfill", "import history from other tools' files, gists or URLs (--from ...), merged like collected data"),
    ("init", "set up: check the token, find or create the gists, write the workflow, print the gh commands"),
    ("help", "this text; `gtt help COMMAND` (or `gtt COMMAND --help`): that command's inputs"),
    ("version", "print the version (also --version)"),
];

/// The exit codes: (code, meaning, the commands that end with it; empty: every one).
const EXIT_CODES: &[(u8, &str, &[&str])] = &[
    (0, "done: every repository collected and stored (or exported)", &[]),
    (
        1,
        "a repository or GitHub request failed, or the rate limit deferred a repository\n     \
         that loses days by waiting; the others were stored; the log says which; or an\n     \
         output (stdout, a file, the dashboard) could not be written",
        &[],
    ),
    (
        2,
        "bad input: the message names the input and the fix; nothing was written (also: a\n     \
         store that holds no history to export or collect, no built dashboard)",
        &[],
    ),
    (3, "storage: stored history could not be read or written safely; nothing was overwritten", &[]),
    (4, "doctor: the worst check was a warning (a failure exits 1)", &["doctor"]),
];

const LOGGING: &str = "LOG: -v debug (gtt's decisions), -vv trace (also the HTTP client), -q warnings and errors only;\n  \
     RUST_LOG (e.g. debug, or gtt=trace), when set, wins\n";

/// `gtt help`: commands, every input of [`INPUTS`] and the exit codes.
pub(crate) fn help_text() -> String {
    let mut s = format!(
        "gtt {} - keeps GitHub traffic (views, clones, referrers, stars, downloads) forever\n\n\
         USAGE:\n  gtt [COMMAND] [--INPUT VALUE]...\n\nCOMMANDS:\n",
        env!("CARGO_PKG_VERSION")
    );
    for (name, what) in COMMANDS {
        s.push_str(&format!("  {name:<9} {what}\n"));
    }
    s.push_str(
        "\nINPUTS (flag --NAME VALUE or --NAME=VALUE; a list takes several words: --repos a/b c/d;\n\
         in an action the input NAME, env INPUT_NAME; a flag wins):\n",
    );
    s.push_str(&inputs_of(None));
    s.push_str(&exit_codes(None));
    s.push_str(&format!("\n{LOGGING}ENVIRONMENT: GITHUB_TOKEN / GH_TOKEN (token fallback)\n"));
    s
}

/// `gtt help COMMAND`: what the command does, its inputs and its exit codes; `None` for
/// a name that is not a command that does work.
pub(crate) fn command_help(command: &str) -> Option<String> {
    let (name, what) = COMMANDS.iter().find(|(n, _)| *n == command && EVERY.contains(n))?;
    let mut s = format!(
        "gtt {name} - {what}\n\nUSAGE:\n  gtt {name} [--INPUT VALUE]... [-v|-vv|-q]\n\n\
         INPUTS (flag --NAME VALUE or --NAME=VALUE; in an action the input NAME; `gtt help` lists all):\n"
    );
    s.push_str(&inputs_of(Some(name)));
    s.push_str(&exit_codes(Some(name)));
    s.push_str(&format!("\n{LOGGING}"));
    Some(s)
}

/// The inputs `command` takes (all of them for `None`), one per line.
fn inputs_of(command: Option<&str>) -> String {
    let mut s = String::new();
    for (name, default, desc, commands) in INPUTS {
        if command.is_some_and(|c| !commands.contains(&c)) {
            continue;
        }
        let d = if default.is_empty() { String::new() } else { format!(" [default: {default}]") };
        s.push_str(&format!("  --{name:<12} {desc}{d}\n"));
    }
    s
}

/// The exit codes `command` can end with (every one for `None`).
fn exit_codes(command: Option<&str>) -> String {
    let mut s = "\nEXIT CODES:\n".to_string();
    for (code, meaning, only) in EXIT_CODES {
        if command.is_some_and(|c| !only.is_empty() && !only.contains(&c)) {
            continue;
        }
        s.push_str(&format!("  {code}  {meaning}\n"));
    }
    s
}

/// The known name closest to `typed` (edit distance at most 2, or a prefix of it), for
/// a "did you mean" hint.
pub(crate) fn closest<'a>(typed: &str, known: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let typed = typed.to_ascii_lowercase();
    known
        .filter_map(|k| {
            let d = distance(&typed, k);
            let prefix = typed.len() >= 2 && (k.starts_with(&typed) || typed.starts_with(k));
            (d <= 2 || prefix).then_some((d, k))
        })
        .min_by_key(|(d, _)| *d)
        .map(|(_, k)| k)
}

/// Levenshtein distance, by characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row.first().copied().unwrap_or(0);
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let (Some(&left), Some(&up)) = (row.get(j), row.get(j + 1)) else { continue };
            let next = (prev + usize::from(ca != *cb)).min(left + 1).min(up + 1);
            prev = up;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = next;
            }
        }
    }
    row.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn help_documents_every_input_and_exit_code() {
        let h = help_text();
        for (name, _, _, _) in INPUTS {
            assert!(h.contains(&format!("--{name}")), "{name}");
        }
        for code in ["0  ", "1  ", "2  ", "3  "] {
            assert!(h.contains(code));
        }
    }

    #[test]
    fn command_help_lists_that_commands_inputs_and_exit_codes() {
        let h = command_help("collect").expect("collect");
        assert!(h.contains("--repos") && h.contains("--concurrency") && h.contains("EXIT CODES"));
        assert!(!h.contains("--format") && !h.contains("--out ") && !h.contains("  4  "));
        let d = command_help("doctor").expect("doctor");
        assert!(d.contains("  4  ") && !d.contains("--concurrency"));
        assert!(command_help("help").is_none() && command_help("frob").is_none());
        for (name, _, _, commands) in INPUTS {
            assert!(commands.iter().all(|c| EVERY.contains(c)), "{name}: {commands:?}");
        }
    }

    #[test]
    fn closest_names_are_suggested() {
        let names = || INPUTS.iter().map(|(n, _, _, _)| *n);
        assert_eq!(closest("repo", names()), Some("repos"));
        assert_eq!(closest("rpeos", names()), Some("repos"));
        assert_eq!(closest("gistid", names()), Some("gist-id"));
        assert_eq!(closest("concurrent", names()), Some("concurrency"));
        assert_eq!(closest("frobnicate", names()), None);
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "ab"), 2);
    }
}
