//! `gtt init`: from nothing to a collecting workflow. Checks the token against every
//! repository's traffic, finds or creates the history gist (public) and the archive gist
//! (secret), writes the workflow file (with `--pages` also the one that publishes the
//! dashboard; with `--branch` instead one that keeps the history in a branch of the
//! repository, needing no gist, and publishes the dashboard from it), and prints (or, with `--apply`, runs) the `gh` commands that store the
//! secret and variables. Safe to run again: gists are found by their description, and a
//! workflow file that differs is left alone. The workflows use the action of input
//! `action` (or the repository the build names), never a placeholder.

use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::config::{Config, Secret, Storage};
use crate::error::{Error, exit};
use crate::{escape, fetch, github};

/// For `map_err` on lines to stdout.
fn io(source: std::io::Error) -> Error {
    Error::Output { what: "stdout".into(), source }
}

const MAX_GIST_PAGES: usize = 10;
const WORKFLOW_PATH: &str = ".github/workflows/gtt.yml";
const PAGES_PATH: &str = ".github/workflows/gtt-pages.yml";
/// actions/upload-pages-artifact v4.0.0 and actions/deploy-pages v4.0.5, pinned by commit.
const UPLOAD_PAGES: &str = "actions/upload-pages-artifact@7b1f4a764d45c48632c6b24a0339c27f5614fb0b # v4.0.0";
const DEPLOY_PAGES: &str = "actions/deploy-pages@d6db90164ac5ed86f2b6aed7e0febac5b3c0c03e # v4.0.5";
/// actions/checkout v4.2.2, pinned by commit for the backfill step.
const CHECKOUT: &str = "actions/checkout@11bd71901bbe5b1630ceea73d27597364c9af683 # v4.2.2";

/// The workflow gtt installs (also `examples/traffic.yml`): a daily collection, and a
/// manual run that can backfill, diagnose or dry-run. `repos` is None when the workflow
/// tracks its own repository.
pub(crate) fn workflow_yaml(action: &str, repos: Option<&str>) -> String {
    let repos_line = repos.map_or(String::new(), |r| format!("          repos: {r}\n"));
    format!(
        r#"# gtt: keeps this repository's GitHub traffic forever (https://github.com/{repo_of_action}).
# Needs: secret GTT_TOKEN (reads traffic, writes the gists), variables GTT_GIST_ID and
# GTT_ARCHIVE_GIST_ID. `gtt init` sets them up.
name: traffic

on:
  schedule:
    - cron: "17 3 * * *" # daily; GitHub keeps only 14 days of traffic
  workflow_dispatch:
    inputs:
      command:
        description: "collect, backfill (import history from other tools) or doctor"
        type: choice
        options: [collect, backfill, doctor]
        default: collect
      from:
        description: "backfill: files in this repository, gist ids or https URLs, space-separated"
        required: false
        default: ""
      dry-run:
        description: "Show what would change; write nothing"
        type: boolean
        default: false

# gtt talks to the API with its own token; the workflow token only checks out the
# repository for a backfill from its files.
permissions: {{}}

# One run at a time: two runs writing the same gist would race.
concurrency:
  group: gtt-traffic
  cancel-in-progress: false

jobs:
  gtt:
    runs-on: ubuntu-latest
    timeout-minutes: 15
    permissions:
      contents: read
    steps:
      - name: Check out files to backfill from
        if: inputs.command == 'backfill'
        uses: {CHECKOUT}
        with:
          persist-credentials: false
      - name: Collect traffic
        uses: {action}
        with:
          command: ${{{{ inputs.command || 'collect' }}}}
          from: ${{{{ inputs.from }}}}
          dry-run: ${{{{ inputs.dry-run || false }}}}
          token: ${{{{ secrets.GTT_TOKEN }}}}
          gist-id: ${{{{ vars.GTT_GIST_ID }}}}
          archive-gist-id: ${{{{ vars.GTT_ARCHIVE_GIST_ID }}}}
{repos_line}"#,
        repo_of_action = action.split('@').next().unwrap_or(action),
    )
}

/// The Pages workflow `gtt init --pages` installs (also `examples/traffic-pages.yml`):
/// writes the dashboard, configured to read the history gist, and publishes it. The
/// site fetches the gist whenever it is opened, so only a newer gtt's site needs a new
/// deployment: weekly, or by hand.
pub(crate) fn pages_yaml(action: &str) -> String {
    format!(
        r#"# gtt: publishes this repository's traffic dashboard on GitHub Pages (https://github.com/{repo_of_action}).
# The site reads the history gist whenever it is opened; a new deployment only brings a
# newer gtt's site. Needs: secret GTT_TOKEN, variable GTT_GIST_ID, and Settings -> Pages
# -> Source: GitHub Actions. `gtt init --pages` writes this file.
name: dashboard

on:
  schedule:
    - cron: "47 4 * * 1" # weekly: a newer gtt's site
  workflow_dispatch:

# Each job asks for what it needs; gtt talks to the API with its own token.
permissions: {{}}

# One deployment at a time.
concurrency:
  group: gtt-pages
  cancel-in-progress: false

jobs:
  build:
    name: Write the dashboard
    runs-on: ubuntu-latest
    timeout-minutes: 10
    steps:
      - name: Write the dashboard
        uses: {action}
        with:
          command: dashboard
          out: site # the site, configured to read the gist's raw files
          token: ${{{{ secrets.GTT_TOKEN }}}}
          gist-id: ${{{{ vars.GTT_GIST_ID }}}}
      - name: Upload the dashboard
        uses: {UPLOAD_PAGES}
        with:
          path: site

  deploy:
    name: Publish the dashboard
    needs: build
    runs-on: ubuntu-latest
    timeout-minutes: 10
    permissions:
      pages: write # publish the site
      id-token: write # prove to Pages that the artifact is this run's
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - name: Deploy to GitHub Pages
        id: deployment
        uses: {DEPLOY_PAGES}
"#,
        repo_of_action = action.split('@').next().unwrap_or(action),
    )
}

/// The workflow `gtt init --branch BRANCH` installs (also `examples/traffic-branch.yml`):
/// a daily collection into `branch` of this repository, written with the workflow's own
/// token, then the dashboard written into the same branch, then the branch published
/// on GitHub Pages, so the site and the data it reads share one origin. The deployment
/// is a job of its own (`actions/deploy-pages`) rather than Pages' "deploy from a
/// branch": GitHub does not reliably start a Pages build for commits pushed with the
/// workflow's token.
pub(crate) fn branch_yaml(action: &str, branch: &str, repos: Option<&str>) -> String {
    let repos_line = repos.map_or(String::new(), |r| format!("          repos: {r}\n"));
    format!(
        r#"# gtt: keeps this repository's GitHub traffic forever in its branch {branch} and publishes
# the dashboard from it on GitHub Pages (https://github.com/{repo_of_action}).
# Needs: secret GTT_TOKEN (reads traffic; no gist scope), and Settings -> Pages -> Source:
# GitHub Actions. The workflow's own token writes the branch. `gtt init --branch {branch}`
# writes this file.
name: traffic

on:
  schedule:
    - cron: "17 3 * * *" # daily; GitHub keeps only 14 days of traffic
  workflow_dispatch:

# Each job asks for what it needs; gtt reads traffic with its own token.
permissions: {{}}

# One run at a time: two runs writing the same branch would race.
concurrency:
  group: gtt-traffic
  cancel-in-progress: false

jobs:
  gtt:
    name: Collect traffic into {branch}
    runs-on: ubuntu-latest
    timeout-minutes: 15
    permissions:
      contents: write # commit the history and the dashboard to the branch
    steps:
      - name: Collect traffic
        uses: {action}
        with:
          token: ${{{{ secrets.GTT_TOKEN }}}}
          data-branch: {branch}
          data-token: ${{{{ github.token }}}}
{repos_line}      - name: Write the dashboard into the branch (no commit when it is up to date)
        uses: {action}
        with:
          command: dashboard
          data-branch: {branch}
          data-token: ${{{{ github.token }}}}

  # Publishes the branch as it is: the dashboard and the data it reads, from one origin.
  # Pages may not build a branch for commits the workflow's token pushed, so this job
  # deploys it (rather than Settings -> Pages -> Deploy from a branch).
  pages:
    name: Publish the dashboard
    needs: gtt
    runs-on: ubuntu-latest
    timeout-minutes: 10
    permissions:
      contents: read # check out the branch
      pages: write # publish the site
      id-token: write # prove to Pages that the artifact is this run's
    environment:
      name: github-pages
      url: ${{{{ steps.deployment.outputs.page_url }}}}
    steps:
      - name: Check out the branch
        uses: {CHECKOUT}
        with:
          ref: {branch}
          persist-credentials: false
      - name: Upload the branch
        uses: {UPLOAD_PAGES}
        with:
          path: .
      - name: Deploy to GitHub Pages
        id: deployment
        uses: {DEPLOY_PAGES}
"#,
        repo_of_action = action.split('@').next().unwrap_or(action),
    )
}

/// `owner/name` of a GitHub remote URL (`https://github.com/o/n(.git)`, `git@github.com:o/n.git`).
pub(crate) fn repo_from_remote(url: &str) -> Option<String> {
    let rest = url.trim().split_once("github.com").map(|(_, r)| r)?;
    let path = rest.trim_start_matches([':', '/']).trim_end_matches('/');
    let path = path.strip_suffix(".git").unwrap_or(path);
    let repos = crate::config::parse_repos(path).ok()?;
    match repos.as_slice() {
        [one] => Some(one.clone()),
        _ => None,
    }
}

/// The `origin` remote of the repository in `dir`, read from `.git/config`.
fn repo_of_dir(dir: &Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join(".git/config")).ok()?;
    let mut in_origin = false;
    for line in text.lines().map(str::trim) {
        if line.starts_with('[') {
            in_origin = line == "[remote \"origin\"]";
        } else if in_origin && let Some(url) = line.strip_prefix("url").map(|r| r.trim_start_matches([' ', '='])) {
            return repo_from_remote(url);
        }
    }
    None
}

#[derive(Deserialize)]
struct GistSummary {
    id: String,
    #[serde(default)]
    description: Option<String>,
}

#[derive(Deserialize)]
struct Created {
    id: String,
}

/// Finds the user's gist with this exact description, or creates it.
fn find_or_create(
    client: &github::Client,
    description: &str,
    public: bool,
    dry_run: bool,
    out: &mut dyn Write,
) -> Result<String, Error> {
    let mut found = None;
    client
        .walk_pages("/gists?per_page=100", MAX_GIST_PAGES, |body| {
            let page: Vec<GistSummary> = github::Client::decode_page("/gists", body)?;
            found = page.iter().find(|g| g.description.as_deref() == Some(description)).map(|g| g.id.clone());
            Ok(found.is_none() && !page.is_empty())
        })
        .map_err(|source| Error::GitHub {
            context: "cannot list your gists (the token needs the gist scope; fine-grained: Gists: read and write)"
                .into(),
            source,
        })?;
    if let Some(id) = found {
        writeln!(out, "found gist {} ({description})", escape::terminal(&id)).map_err(io)?;
        return Ok(id);
    }
    let kind = if public { "public" } else { "secret" };
    if dry_run {
        writeln!(out, "would create a {kind} gist \"{description}\"").map_err(io)?;
        return Ok("GIST_ID".to_string());
    }
    let body = serde_json::json!({
        "description": description,
        "public": public,
        "files": { "README.md": { "content": format!("# {description}\n\nWritten by gtt; do not edit by hand.\n") } },
    });
    let created: Created = client.post_json("/gists", &body).map_err(|source| Error::GitHub {
        context: "cannot create a gist (the token needs the gist scope; fine-grained: Gists: read and write)".into(),
        source,
    })?;
    writeln!(out, "created {kind} gist {} ({description})", escape::terminal(&created.id)).map_err(io)?;
    Ok(created.id)
}

/// Why a `gh` command did not do its job.
#[derive(Debug, thiserror::Error)]
enum GhError {
    #[error("cannot run gh: {0}")]
    Spawn(std::io::Error),
    #[error("cannot talk to gh: {0}")]
    Pipe(std::io::Error),
    #[error("gh {command} failed ({status})")]
    Failed { command: String, status: std::process::ExitStatus },
}

/// Runs `gh` with `args`, feeding `stdin` (the secret never goes on a command line).
fn gh(args: &[&str], stdin: Option<&str>) -> Result<(), GhError> {
    let mut child = std::process::Command::new("gh")
        .args(args)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .map_err(GhError::Spawn)?;
    if let (Some(mut pipe), Some(text)) = (child.stdin.take(), stdin) {
        pipe.write_all(text.as_bytes()).map_err(GhError::Pipe)?;
    }
    let status = child.wait().map_err(GhError::Pipe)?;
    if status.success() {
        Ok(())
    } else {
        Err(GhError::Failed { command: args.first().unwrap_or(&"").to_string(), status })
    }
}

pub(crate) fn run(c: &Config, out: &mut dyn Write) -> Result<u8, Error> {
    let dir = c.repo_dir.clone().unwrap_or_else(|| PathBuf::from("."));
    let repos = if c.repos.is_empty() { repo_of_dir(&dir).into_iter().collect() } else { c.repos.clone() };
    let Some(home) = repos.first().cloned() else {
        return Err(crate::config::Error::Unusable {
            input: "repos",
            problem: format!("is empty and {} has no GitHub `origin` remote", dir.display()),
            fix: "pass --repos owner/name",
        }
        .into());
    };
    let token: Secret = c.token.clone().ok_or(crate::config::Error::Unset { input: "token", fix: None })?;
    let client = github::Client::new(&c.api_url, token.clone(), c.max_wait);
    // 1. The token must read every repository's traffic before anything is created.
    if !token_reads_traffic(&client, &repos, out)? {
        writeln!(out, "nothing was created: fix the token first, then run `gtt init` again").map_err(io)?;
        return Ok(exit::FAILED);
    }
    if let Some(branch) = &c.branch {
        return into_branch(c, &dir, &repos, branch, out);
    }
    // 2. Gists: reuse the given ones, else find ours by description, else create.
    let gist_client = github::Client::new(&c.api_url, c.gist_token.clone().unwrap_or(token), c.max_wait);
    let label = if repos.len() == 1 { home.clone() } else { format!("{home} and {} more", repos.len() - 1) };
    let gist = match &c.storage {
        // Kept as listed: `gist-id` takes the same list back from the variable.
        Storage::Gists(ids) => ids.join(","),
        Storage::Gist(id) => id.clone(),
        Storage::Folder(_) | Storage::Branch { .. } => {
            find_or_create(&gist_client, &format!("gtt traffic history: {label}"), true, c.dry_run, out)?
        }
    };
    let archive = match &c.archive {
        Some(Storage::Gist(id)) => id.clone(),
        _ => find_or_create(&gist_client, &format!("gtt traffic archive: {label}"), false, c.dry_run, out)?,
    };
    // 3. The workflow files, pinned to this major version of the action.
    let own_repo = repo_of_dir(&dir);
    let tracks_only_itself = repos.len() == 1 && own_repo.as_deref().is_some_and(|r| r.eq_ignore_ascii_case(&home));
    let joined = repos.join(", ");
    let action = action_ref(c)?;
    let workflow = workflow_yaml(&action, (!tracks_only_itself).then_some(joined.as_str()));
    write_workflow(c, &dir.join(WORKFLOW_PATH), &workflow, out)?;
    if c.pages {
        write_workflow(c, &dir.join(PAGES_PATH), &pages_yaml(&action), out)?;
    }
    // 4. Secret and variables for the workflow's repository.
    let target = own_repo.unwrap_or_else(|| home.clone());
    let steps = gh_steps(&target, &gist, &archive);
    run_or_print(c, &steps, &target, "commands", out)
}

/// The `gh` steps: run with `--apply`, else printed as the next steps.
fn run_or_print(
    c: &Config,
    steps: &[(Vec<String>, bool)],
    target: &str,
    what: &str,
    out: &mut dyn Write,
) -> Result<u8, Error> {
    if c.apply && !c.dry_run {
        apply(c, steps, target, out)?
    } else {
        let dry = if c.dry_run { " (dry run: nothing was created)" } else { "" };
        writeln!(out, "\nNext steps{dry}:").map_err(io)?;
        print_commands(c, steps, target, out)?;
        writeln!(out, "(`gtt init --apply` runs the gh {what} itself when gh is installed.)").map_err(io)?;
    }
    Ok(exit::OK)
}

/// `gtt init --branch`: no gists; the workflow that collects into the branch and
/// publishes it, and the one secret it needs.
fn into_branch(c: &Config, dir: &Path, repos: &[String], branch: &str, out: &mut dyn Write) -> Result<u8, Error> {
    let own_repo = repo_of_dir(dir);
    let home = repos.first().cloned().unwrap_or_default();
    let tracks_only_itself = repos.len() == 1 && own_repo.as_deref().is_some_and(|r| r.eq_ignore_ascii_case(&home));
    let joined = repos.join(", ");
    let workflow = branch_yaml(&action_ref(c)?, branch, (!tracks_only_itself).then_some(joined.as_str()));
    write_workflow(c, &dir.join(WORKFLOW_PATH), &workflow, out)?;
    let target = own_repo.unwrap_or(home);
    let steps = vec![(["secret", "set", "GTT_TOKEN", "--repo", &target].map(String::from).to_vec(), true)];
    run_or_print(c, &steps, &target, "command", out)
}

/// `owner/name@vMAJOR` of the action the workflows use: input `action`, else the
/// repository the build names (config refuses `init` without either).
fn action_ref(c: &Config) -> Result<String, Error> {
    let fix = Some("name the repository that publishes the gtt action, e.g. `--action acme/gtt`");
    let home = c.action_home.as_deref().ok_or(crate::config::Error::Unset { input: "action", fix })?;
    let major = env!("CARGO_PKG_VERSION").split('.').next().unwrap_or("1");
    Ok(format!("{home}@v{major}"))
}

/// Whether the token reads every repository's traffic, each said on one line.
fn token_reads_traffic(client: &github::Client, repos: &[String], out: &mut dyn Write) -> Result<bool, Error> {
    let mut ok = true;
    for repo in repos {
        match client.get_json::<serde_json::Value>(&format!("/repos/{repo}/traffic/views?per=day")) {
            Ok(_) => writeln!(out, "OK   the token reads the traffic of {}", escape::terminal(repo)).map_err(io)?,
            Err(e) => {
                ok = false;
                let e = fetch::explain(client, repo, e, true);
                writeln!(out, "FAIL {}: {}", escape::terminal(repo), escape::terminal(&e.message)).map_err(io)?;
            }
        }
    }
    Ok(ok)
}

/// Writes a workflow file unless a file is there already (an identical one is up to
/// date; a different one is the user's and left alone).
fn write_workflow(c: &Config, path: &Path, yaml: &str, out: &mut dyn Write) -> Result<(), Error> {
    match std::fs::read_to_string(path) {
        Ok(existing) if existing == yaml => writeln!(out, "{} is up to date", path.display()).map_err(io)?,
        Ok(_) => writeln!(
            out,
            "{} exists and differs; left as is (move it away and run `gtt init` again to regenerate it)",
            path.display()
        )
        .map_err(io)?,
        Err(_) if c.dry_run => writeln!(out, "would write {}:\n{yaml}", path.display()).map_err(io)?,
        Err(_) => {
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent).map_err(Error::output(parent.display().to_string()))?;
            }
            std::fs::write(path, yaml).map_err(Error::output(path.display().to_string()))?;
            writeln!(out, "wrote {}", path.display()).map_err(io)?;
        }
    }
    Ok(())
}

/// The `gh` commands that store the token (from stdin: the bool) and the variables.
fn gh_steps(target: &str, gist: &str, archive: &str) -> Vec<(Vec<String>, bool)> {
    let variable = |name: &str, value: &str| {
        ["variable", "set", name, "--repo", target, "--body", value].map(String::from).to_vec()
    };
    vec![
        (["secret", "set", "GTT_TOKEN", "--repo", target].map(String::from).to_vec(), true),
        (variable("GTT_GIST_ID", gist), false),
        (variable("GTT_ARCHIVE_GIST_ID", archive), false),
    ]
}

/// Runs the `gh` commands. When one fails (or gh is not installed), prints it and every
/// later step to run by hand, and fails.
fn apply(c: &Config, steps: &[(Vec<String>, bool)], target: &str, out: &mut dyn Write) -> Result<(), Error> {
    for (i, (args, secret)) in steps.iter().enumerate() {
        let argv: Vec<&str> = args.iter().map(String::as_str).collect();
        let stdin = secret.then(|| c.token.as_ref().map(|t| t.expose().to_string())).flatten();
        if let Err(e) = gh(&argv, stdin.as_deref()) {
            writeln!(out, "\n{e}; the remaining steps, to run by hand:").map_err(io)?;
            print_commands(c, steps.get(i..).unwrap_or_default(), target, out)?;
            return Err(Error::Incomplete(format!("{e}; run the commands printed above by hand")));
        }
        writeln!(out, "ran gh {}", argv.iter().take(3).copied().collect::<Vec<_>>().join(" ")).map_err(io)?;
    }
    writeln!(out, "\nLast steps:").map_err(io)?;
    print_commands(c, &[], target, out)
}

/// The `gh` commands of `steps`, then committing the workflows and a first run.
fn print_commands(c: &Config, steps: &[(Vec<String>, bool)], target: &str, out: &mut dyn Write) -> Result<(), Error> {
    for (args, secret) in steps {
        let note = if *secret { "   # paste the token when asked" } else { "" };
        writeln!(out, "  gh {}{note}", args.join(" ")).map_err(io)?;
    }
    let files = if c.pages { format!("{WORKFLOW_PATH} {PAGES_PATH}") } else { WORKFLOW_PATH.to_string() };
    writeln!(out, "  git add {files} && git commit -m \"Track traffic with gtt\" && git push").map_err(io)?;
    if let Some(branch) = &c.branch {
        writeln!(
            out,
            "  # Settings -> Pages -> Source: GitHub Actions (the workflow publishes the branch {branch}), then:"
        )
        .map_err(io)?;
        writeln!(
            out,
            "  gh workflow run traffic --repo {target}     # a first run now: it creates the branch {branch}"
        )
        .map_err(io)?;
        return Ok(());
    }
    writeln!(out, "  gh workflow run traffic --repo {target}     # a first run now").map_err(io)?;
    if c.pages {
        writeln!(out, "  # Settings -> Pages -> Source: GitHub Actions, then:").map_err(io)?;
        writeln!(out, "  gh workflow run dashboard --repo {target}   # publish the dashboard").map_err(io)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remotes_name_the_repository() {
        let cases = [
            ("https://github.com/octo/hello.git", Some("octo/hello")),
            ("https://github.com/octo/hello", Some("octo/hello")),
            ("git@github.com:octo/hello.git", Some("octo/hello")),
            ("ssh://git@github.com/octo/hello.js.git", Some("octo/hello.js")),
            ("https://gitlab.com/octo/hello.git", None),
            ("https://github.com/octo", None),
        ];
        for (url, want) in cases {
            assert_eq!(repo_from_remote(url).as_deref(), want, "{url}");
        }
    }

    #[test]
    fn the_example_workflow_is_what_init_writes() {
        let example = include_str!("../../examples/traffic.yml");
        assert_eq!(example, workflow_yaml("OWNER/gtt@v1", None));
        let multi = workflow_yaml("OWNER/gtt@v1", Some("a/b, c/d"));
        assert!(multi.ends_with("          repos: a/b, c/d\n"));
    }

    #[test]
    fn the_branch_example_is_what_init_branch_writes() {
        let example = include_str!("../../examples/traffic-branch.yml");
        assert_eq!(example, branch_yaml("OWNER/gtt@v1", "gtt-data", None));
        let mine = branch_yaml("acme/gtt@v1", "stats", Some("a/b, c/d"));
        assert!(mine.contains("          repos: a/b, c/d\n      - name: Write the dashboard"), "{mine}");
        assert!(mine.contains("data-branch: stats\n") && mine.contains("ref: stats\n"), "{mine}");
        assert!(!mine.contains("OWNER") && !mine.contains("gtt-data"), "{mine}");
    }

    #[test]
    fn the_pages_example_is_what_init_pages_writes() {
        let example = include_str!("../../examples/traffic-pages.yml");
        assert_eq!(example, pages_yaml("OWNER/gtt@v1"));
        let mine = pages_yaml("acme/gtt@v1");
        assert!(mine.contains("uses: acme/gtt@v1\n") && !mine.contains("OWNER"), "{mine}");
    }
}
