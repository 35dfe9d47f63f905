//! Every input's name, default and description, in one table: `gtt help`, the flag
//! parser and the action's `action.yml` (checked by a test) all follow it.

use super::ci::DEFAULT_PATTERNS;

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
        DEFAULT_PATTERNS,
        "Step names that count as a checkout: alternatives separated by |, * matches anything, case-insensitive.",
    ),
    ("ci-pages-builds", "true", "Count each GitHub Pages build as one CI clone."),
    ("archive-gist-id", "", "Gist that receives archive-YYYY-MM.json for each complete month."),
    ("archive-dir", "", "Folder that receives the monthly archives instead of a gist."),
    ("out", "", "dashboard: folder to write the built dashboard into."),
    ("dashboard-dir", "", "collect: also write the built dashboard into this folder (e.g. for a Pages deployment)."),
    (
        "site-dir",
        "",
        "A built dashboard folder to write instead of the one built into gtt (for developing the dashboard).",
    ),
    (
        "from",
        "",
        "backfill: sources to import, separated by spaces, commas or newlines: files or folders, gist ids, https URLs on the API or gist host.",
    ),
    ("repo-dir", "", "init: the repository checkout to write the workflow into. Default: the current folder."),
    ("apply", "false", "init: run the gh commands (secret, variables) instead of printing them."),
    (
        "action",
        "",
        "init: the repository that publishes the gtt action (owner/name), for the workflow's `uses:`. Default: the one this gtt was built for (release builds), else none: init asks for it.",
    ),
    (
        "pages",
        "false",
        "init: also write .github/workflows/gtt-pages.yml, which publishes the dashboard on GitHub Pages.",
    ),
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

/// `gtt help`: commands, every input of [`INPUTS`] and the exit codes.
pub(crate) fn help_text() -> String {
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
}
