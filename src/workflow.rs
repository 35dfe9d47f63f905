//! Which steps of a workflow run cloned this repository, read from the workflow's own
//! definition rather than guessed from step names (a pure room: text in, counts out).
//!
//! A step clones the repository when it `uses: actions/checkout@<any ref>` without a
//! `with.repository` or with one naming this repository (case-insensitively), or when
//! its `run:` script runs `git clone` or `gh repo clone` of this repository. The jobs
//! API lists steps by name only, so a definition's steps are matched to them by their
//! `name:` (a `${{ ... }}` expression matches anything), else by the name GitHub gives
//! an unnamed step (`Run ` and the `uses` value, or the script's first line), in order,
//! so equal names are told apart by position.
//!
//! A job calling a local reusable workflow (`uses: ./.github/workflows/x.yml`) and a
//! step using a local composite action (`uses: ./path`, defined in `path/action.yml`)
//! name further files: [`Definition::references`] lists them for the caller to read,
//! and they count once given to [`Definition::checkouts`].

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Largest definition read: GitHub's own limit on a workflow file is 512 KB.
pub(crate) const MAX_BYTES: usize = 512 * 1024;
/// Reusable workflows call each other at most four levels deep (GitHub's limit), and
/// composite actions nest; deeper references are not followed.
const MAX_DEPTH: usize = 4;

/// Why a definition could not be read; the caller then falls back to step names.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Error {
    #[error("the definition is larger than {MAX_BYTES} bytes")]
    TooLarge,
    #[error("the definition is not YAML gtt can read: {0}")]
    Yaml(#[source] Box<serde_saphyr::Error>),
    #[error("the definition has neither `jobs` nor composite `runs.steps`")]
    Empty,
}

/// One workflow file (its `jobs`) or composite action (its `runs.steps`), reduced to
/// what decides clones.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Definition {
    jobs: Vec<Job>,
    /// A composite action's steps.
    steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Job {
    /// The job's `name:` or, without one, its id.
    name: Pattern,
    /// A local reusable workflow this job calls, as a path in the repository.
    calls: Option<String>,
    /// Calls a reusable workflow of another repository, which gtt does not read.
    #[serde(default)]
    remote: bool,
    steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Step {
    name: Pattern,
    what: What,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
enum What {
    /// Clones this repository this many times.
    Clones(u64),
    /// Runs a local composite action, defined at this path.
    Composite(String),
    Other,
}

/// A name whose `${{ ... }}` expressions match any text: the literal pieces between
/// them, compared ignoring case and surrounding blanks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Pattern(Vec<String>);

impl Pattern {
    fn new(name: &str) -> Pattern {
        let mut pieces = Vec::new();
        let mut rest = name.trim();
        while let Some(start) = rest.find("${{") {
            pieces.push(rest.get(..start).unwrap_or_default().to_lowercase());
            rest = match rest.get(start..).and_then(|r| r.find("}}").map(|end| (r, end))) {
                Some((r, end)) => r.get(end + 2..).unwrap_or_default(),
                None => "",
            };
        }
        pieces.push(rest.to_lowercase());
        Pattern(pieces)
    }

    fn matches(&self, text: &str) -> bool {
        let text = text.trim().to_lowercase();
        let Some((first, rest)) = self.0.split_first() else { return text.is_empty() };
        let Some((last, middle)) = rest.split_last() else { return text == *first };
        let Some(mut left) = text.strip_prefix(first.as_str()) else { return false };
        for piece in middle {
            match left.find(piece.as_str()) {
                Some(at) => left = left.get(at + piece.len()..).unwrap_or_default(),
                None => return false,
            }
        }
        left.ends_with(last.as_str())
    }

    /// Whether `text` is this name, or this name with a matrix's values appended.
    fn matches_job(&self, text: &str) -> bool {
        if self.matches(text) {
            return true;
        }
        let mut with_matrix = self.0.clone();
        if let Some(last) = with_matrix.last_mut() {
            last.push_str(" (");
        }
        with_matrix.push(")".to_string());
        Pattern(with_matrix).matches(text)
    }

    fn join(&self, other: &Pattern) -> Pattern {
        let mut pieces = self.0.clone();
        let mut rest = other.0.iter();
        if let (Some(last), Some(first)) = (pieces.last_mut(), rest.next()) {
            last.push_str(" / ");
            last.push_str(first);
        }
        pieces.extend(rest.cloned());
        Pattern(pieces)
    }
}

/// Parses a workflow file or a composite action's `action.yml`, deciding which steps
/// clone `repo` (`owner/name`). Hostile text costs bounded work: the input is capped
/// at [`MAX_BYTES`] and the parser's budget caps nesting, nodes and aliases.
pub(crate) fn parse(text: &str, repo: &str) -> Result<Definition, Error> {
    if text.len() > MAX_BYTES {
        return Err(Error::TooLarge);
    }
    let options = serde_saphyr::options! {
        budget: serde_saphyr::budget! {
            max_depth: 32,
            max_documents: 1,
            max_nodes: 50_000,
            max_events: 200_000,
            max_aliases: 1_000,
            max_anchors: 1_000,
            max_total_scalar_bytes: MAX_BYTES,
            max_merge_keys: 1_000,
        },
    };
    let v: Value = serde_saphyr::from_str_with_options(text, options).map_err(|e| Error::Yaml(Box::new(e)))?;
    let repo = repo.to_lowercase();
    let jobs: Vec<Job> = match v.get("jobs") {
        Some(Value::Object(jobs)) => jobs.iter().map(|(id, j)| job(id, j, &repo)).collect(),
        _ => Vec::new(),
    };
    let steps = match v.get("runs").and_then(|r| r.get("steps")) {
        Some(Value::Array(s)) => steps(s, &repo),
        _ => Vec::new(),
    };
    if jobs.is_empty() && steps.is_empty() {
        return Err(Error::Empty);
    }
    Ok(Definition { jobs, steps })
}

fn text(v: Option<&Value>) -> Option<String> {
    match v? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn job(id: &str, v: &Value, repo: &str) -> Job {
    let name = Pattern::new(&text(v.get("name")).unwrap_or_else(|| id.to_string()));
    let uses = text(v.get("uses"));
    let calls = uses.as_deref().and_then(|u| local(u).map(str::to_string));
    let remote = uses.is_some() && calls.is_none();
    let steps = match v.get("steps") {
        Some(Value::Array(s)) => steps(s, repo),
        _ => Vec::new(),
    };
    Job { name, calls, remote, steps }
}

/// A `uses` naming a file of this repository (`./path`), as a path without the `./`.
fn local(uses: &str) -> Option<&str> {
    let path = uses.trim().strip_prefix("./")?.trim_end_matches('/');
    (!path.is_empty() && !path.split('/').any(|p| p == "..")).then_some(path)
}

fn steps(list: &[Value], repo: &str) -> Vec<Step> {
    list.iter().filter(|s| s.is_object()).map(|s| step(s, repo)).collect()
}

fn step(v: &Value, repo: &str) -> Step {
    let uses = text(v.get("uses"));
    let run = text(v.get("run"));
    let default = match (&uses, &run) {
        (Some(u), _) => format!("Run {}", u.trim()),
        (None, Some(r)) => format!("Run {}", r.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or_default()),
        (None, None) => String::new(),
    };
    let name = Pattern::new(&text(v.get("name")).unwrap_or(default));
    let what = match (&uses, &run) {
        (Some(u), _) if is_checkout(u) => {
            let target = text(v.get("with").and_then(|w| w.get("repository")));
            What::Clones(u64::from(target.is_none_or(|t| names_repo(&t, repo))))
        }
        (Some(u), _) => local(u).map_or(What::Other, |p| What::Composite(format!("{p}/action.yml"))),
        (None, Some(script)) => What::Clones(script_clones(script, repo)),
        (None, None) => What::Other,
    };
    Step { name, what }
}

fn is_checkout(uses: &str) -> bool {
    uses.trim().to_lowercase().starts_with("actions/checkout@")
}

/// Whether a checkout's `with.repository` is this repository (`github.repository` is).
fn names_repo(target: &str, repo: &str) -> bool {
    let t = target.trim().to_lowercase();
    t == repo || t.replace(' ', "") == "${{github.repository}}"
}

/// How many `git clone` or `gh repo clone` commands in a script clone `repo`, given as
/// a URL (`https://HOST/owner/name(.git)`, `git@HOST:owner/name.git`) or `owner/name`.
fn script_clones(script: &str, repo: &str) -> u64 {
    let words: Vec<&str> = script.split(|c: char| c.is_whitespace() || c == ';' || c == '&' || c == '|').collect();
    let mut count = 0;
    for (i, pair) in words.windows(2).enumerate() {
        let command = match pair {
            ["git", "clone"] => true,
            ["gh", "repo"] => words.get(i + 2) == Some(&"clone"),
            _ => false,
        };
        if command {
            // The clone's arguments run to the next command (a word `git` or `gh`).
            let args = words.iter().skip(i + 2).take_while(|w| **w != "git" && **w != "gh");
            count += u64::from(args.into_iter().any(|w| url_names_repo(w, repo)));
        }
    }
    count
}

fn url_names_repo(word: &str, repo: &str) -> bool {
    let w = word.trim_matches(|c| c == '"' || c == '\'').to_lowercase();
    let w = w.trim_end_matches('/');
    let w = w.strip_suffix(".git").unwrap_or(w);
    if w == repo {
        return true;
    }
    let Some(before) = w.strip_suffix(repo) else { return false };
    (before.ends_with('/') && before.contains("://")) || (before.ends_with(':') && before.contains('@'))
}

/// Why a job's steps could not be matched to its definition.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub(crate) enum Unmatched {
    #[error("the definition has no job named {0:?}")]
    NoJob(String),
    #[error("{0} was not read")]
    Missing(String),
    #[error("job {0:?} calls a reusable workflow of another repository")]
    Remote(String),
}

/// Marks a job calling another repository's workflow (never a path: those have no `:`).
const REMOTE: &str = "remote:";

/// A job of the definition with reusable calls expanded: its API name and steps.
struct Flat<'a> {
    name: Pattern,
    steps: &'a [Step],
    /// A reusable workflow this job calls that was not read.
    missing: Option<&'a str>,
}

impl Definition {
    /// Local files this definition refers to and that may clone: reusable workflows its
    /// jobs call and composite actions its steps use, each as a repository path; those
    /// already in `known` are followed to theirs.
    pub(crate) fn references(&self, known: &BTreeMap<String, Definition>) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        self.collect_references(known, 0, &mut out);
        out
    }

    fn collect_references(&self, known: &BTreeMap<String, Definition>, depth: usize, out: &mut BTreeSet<String>) {
        if depth > MAX_DEPTH {
            return;
        }
        let calls = self.jobs.iter().filter_map(|j| j.calls.clone());
        let steps = self.jobs.iter().flat_map(|j| &j.steps).chain(&self.steps);
        let composites = steps.filter_map(|s| match &s.what {
            What::Composite(p) => Some(p.clone()),
            _ => None,
        });
        for path in calls.chain(composites) {
            if let Some(d) = known.get(&path) {
                d.collect_references(known, depth + 1, out);
            }
            out.insert(path);
        }
    }

    /// Checkouts of this repository per step of the job GitHub named `job`, whose steps
    /// the jobs API listed as `steps` (in order). A job is found by its name (with a
    /// matrix's values appended, or a reusable workflow's job after ` / `); where names
    /// leave a choice, the job whose steps match the most listed ones.
    pub(crate) fn checkouts(
        &self,
        known: &BTreeMap<String, Definition>,
        job: &str,
        steps: &[&str],
    ) -> Result<Vec<u64>, Unmatched> {
        let mut flat = Vec::new();
        self.flatten(known, None, 0, &mut flat);
        let named: Vec<&Flat<'_>> = flat.iter().filter(|f| f.name.matches_job(job)).collect();
        let candidates = if named.is_empty() { flat.iter().collect() } else { named };
        let best = candidates.into_iter().map(|f| (align(f.steps, steps), f)).max_by_key(|(a, _)| matched(a));
        let Some((aligned, f)) = best else { return Err(Unmatched::NoJob(job.to_string())) };
        match f.missing {
            Some(REMOTE) => return Err(Unmatched::Remote(job.to_string())),
            Some(path) => return Err(Unmatched::Missing(path.to_string())),
            None => {}
        }
        aligned.iter().map(|s| s.map_or(Ok(0), |s| step_clones(s, known, 0))).collect()
    }

    fn flatten<'a>(
        &'a self,
        known: &'a BTreeMap<String, Definition>,
        caller: Option<&Pattern>,
        depth: usize,
        out: &mut Vec<Flat<'a>>,
    ) {
        for j in &self.jobs {
            let name = caller.map_or_else(|| j.name.clone(), |c| c.join(&j.name));
            match &j.calls {
                Some(path) if depth < MAX_DEPTH => match known.get(path) {
                    Some(d) => d.flatten(known, Some(&name), depth + 1, out),
                    // Its jobs are named `caller / callee`: any callee.
                    None => {
                        let name = name.join(&Pattern(vec![String::new(), String::new()]));
                        out.push(Flat { name, steps: &[], missing: Some(path) });
                    }
                },
                _ if j.remote => {
                    let name = name.join(&Pattern(vec![String::new(), String::new()]));
                    out.push(Flat { name, steps: &[], missing: Some(REMOTE) });
                }
                _ => out.push(Flat { name, steps: &j.steps, missing: None }),
            }
        }
    }
}

/// Each listed step's definition, matched in order: a listed step takes the next
/// definition step whose name matches it; the steps GitHub adds (`Set up job`,
/// `Post ...`, `Complete job`) match none.
fn align<'a>(defined: &'a [Step], listed: &[&str]) -> Vec<Option<&'a Step>> {
    let mut next = 0;
    listed
        .iter()
        .map(|name| {
            let found = defined.iter().enumerate().skip(next).find(|(_, s)| s.name.matches(name));
            found.map(|(i, s)| {
                next = i + 1;
                s
            })
        })
        .collect()
}

fn matched(aligned: &[Option<&Step>]) -> usize {
    aligned.iter().filter(|s| s.is_some()).count()
}

fn step_clones(s: &Step, known: &BTreeMap<String, Definition>, depth: usize) -> Result<u64, Unmatched> {
    match &s.what {
        What::Clones(n) => Ok(*n),
        What::Other => Ok(0),
        What::Composite(_) if depth >= MAX_DEPTH => Ok(0),
        What::Composite(path) => {
            let d = known.get(path).ok_or_else(|| Unmatched::Missing(path.clone()))?;
            d.steps.iter().try_fold(0u64, |sum, s| Ok(sum.saturating_add(step_clones(s, known, depth + 1)?)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const REPO: &str = "Owner/Repo";

    const CI: &str = r#"
name: CI
on: [push]
jobs:
  build:
    name: Build ${{ matrix.os }}
    runs-on: ${{ matrix.os }}
    strategy:
      matrix:
        os: [ubuntu-latest, macos-latest]
    steps:
      - name: Checkout code
        uses: actions/checkout@v4
      - uses: actions/checkout@v4
        with:
          repository: other/tool
          path: tool
      - uses: actions/checkout@main
      - name: Checkout
        run: echo "nothing cloned here"
      - name: Fetch the wiki
        run: |
          set -e
          git clone --depth 1 https://github.com/owner/repo.git copy && echo ok
          gh repo clone OWNER/REPO second
          git clone https://github.com/owner/repository-other.git
      - uses: ./.github/actions/setup
  call:
    uses: ./.github/workflows/reusable.yml
  remote:
    uses: other/repo/.github/workflows/x.yml@v1
"#;

    const REUSABLE: &str = r#"
on: workflow_call
jobs:
  inner:
    name: Inner
    steps:
      - uses: actions/checkout@v4
        with:
          repository: ${{ github.repository }}
"#;

    const COMPOSITE: &str = r#"
name: setup
runs:
  using: composite
  steps:
    - uses: actions/checkout@v4
    - uses: actions/checkout@v4
      with: { repository: OWNER/repo }
    - run: echo hi
      shell: bash
"#;

    fn known() -> BTreeMap<String, Definition> {
        BTreeMap::from([
            (".github/workflows/reusable.yml".to_string(), parse(REUSABLE, REPO).unwrap()),
            (".github/actions/setup/action.yml".to_string(), parse(COMPOSITE, REPO).unwrap()),
        ])
    }

    #[test]
    fn references_name_local_reusable_workflows_and_composite_actions() {
        let d = parse(CI, REPO).unwrap();
        let want: BTreeSet<String> =
            [".github/actions/setup/action.yml", ".github/workflows/reusable.yml"].map(String::from).into();
        assert_eq!(d.references(&BTreeMap::new()), want);
        assert_eq!(d.references(&known()), want);
    }

    #[test]
    fn checkouts_per_listed_step_table() {
        let d = parse(CI, REPO).unwrap();
        let build = [
            "Set up job",
            "Checkout code",
            "Run actions/checkout@v4",
            "Run actions/checkout@main",
            "Checkout",
            "Fetch the wiki",
            "Run ./.github/actions/setup",
            "Post Run actions/checkout@main",
            "Post Run actions/checkout@v4",
            "Post Checkout code",
            "Complete job",
        ];
        let cases: &[(&str, &[&str], &[u64])] = &[
            // Renamed checkout, another repository's (same default name, told apart by
            // position), an unnamed one, a `run:` step called Checkout that clones
            // nothing, a script with two clones of this repository, a composite action
            // with two.
            ("Build ubuntu-latest", &build, &[0, 1, 0, 1, 0, 2, 2, 0, 0, 0, 0]),
            // Matrix values appended by GitHub.
            ("Build ubuntu-latest (x)", &build, &[0, 1, 0, 1, 0, 2, 2, 0, 0, 0, 0]),
            // A reusable workflow's job, named after its caller.
            ("call / Inner", &["Set up job", "Run actions/checkout@v4", "Complete job"], &[0, 1, 0]),
            // A skipped step absent from the listing shifts nothing.
            ("Build macos-latest", &["Checkout code", "Fetch the wiki"], &[1, 2]),
        ];
        for (job, steps, want) in cases {
            assert_eq!(d.checkouts(&known(), job, steps).as_deref(), Ok(*want), "{job}");
        }
    }

    #[test]
    fn unread_references_are_reported_not_guessed() {
        let d = parse(CI, REPO).unwrap();
        let got = d.checkouts(&BTreeMap::new(), "Build x", &["Run ./.github/actions/setup"]);
        assert_eq!(got, Err(Unmatched::Missing(".github/actions/setup/action.yml".into())));
        let got = d.checkouts(&BTreeMap::new(), "call / Inner", &["Run actions/checkout@v4"]);
        assert_eq!(got, Err(Unmatched::Missing(".github/workflows/reusable.yml".into())));
        let got = d.checkouts(&known(), "remote / x", &["Run actions/checkout@v4"]);
        assert_eq!(got, Err(Unmatched::Remote("remote / x".into())));
    }

    #[test]
    fn checkout_targets_table() {
        let cases = [
            ("uses: actions/checkout@v4", 1),
            ("uses: Actions/Checkout@0123abc", 1),
            ("uses: actions/checkout@v4\n  with: {repository: owner/REPO}", 1),
            ("uses: actions/checkout@v4\n  with: {repository: owner/other}", 0),
            ("uses: actions/checkout@v4\n  with: {repository: '${{ inputs.repo }}'}", 0),
            ("uses: someone/checkout@v4", 0),
            ("run: git clone git@github.com:owner/repo.git", 1),
            ("run: git clone https://github.com/owner/repo", 1),
            ("run: git clone https://github.com/xowner/repo", 0),
            ("run: git clone https://github.com/owner/repo2", 0),
            ("run: gh repo clone owner/repo", 1),
            ("run: echo git clone", 0),
            ("run: git fetch https://github.com/owner/repo", 0),
        ];
        for (yaml, want) in cases {
            let text = format!("jobs:\n  j:\n    steps:\n      - {}", yaml.replace("\n", "\n      "));
            let d = parse(&text, REPO).unwrap();
            let got: u64 = d.jobs[0].steps.iter().map(|s| step_clones(s, &BTreeMap::new(), 0).unwrap()).sum();
            assert_eq!(got, want, "{yaml}");
        }
    }

    #[test]
    fn patterns_table() {
        let cases = [
            ("Checkout code", "checkout code", true),
            ("Checkout code", "Post Checkout code", false),
            ("Build ${{ matrix.os }}", "Build ubuntu", true),
            ("Build ${{ matrix.os }} on ${{ matrix.v }}", "Build a on 3", true),
            ("Build ${{ matrix.os }} on ${{ matrix.v }}", "Build a at 3", false),
            ("${{ x }}", "anything", true),
            ("unclosed ${{ x", "unclosed whatever", true),
        ];
        for (p, t, want) in cases {
            assert_eq!(Pattern::new(p).matches(t), want, "{p} ~ {t}");
        }
    }

    #[test]
    fn unreadable_definitions_are_errors() {
        assert!(matches!(parse("jobs: [", REPO), Err(Error::Yaml(_))));
        assert!(matches!(parse("name: x", REPO), Err(Error::Empty)));
        assert!(matches!(parse(&"#".repeat(MAX_BYTES + 1), REPO), Err(Error::TooLarge)));
        let bomb = "a: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d]\nf: [*e, *e, *e, *e, *e, *e, *e, *e]\njobs: {}";
        assert!(parse(bomb, REPO).is_err());
    }

    fn yamlish() -> impl Strategy<Value = String> {
        let piece = prop_oneof![
            Just("jobs:".to_string()),
            Just("steps:".to_string()),
            Just("runs:".to_string()),
            Just("- uses: actions/checkout@v4".to_string()),
            Just("- uses: ./x".to_string()),
            Just("uses: ./.github/workflows/a.yml".to_string()),
            Just("name: ${{ a }}".to_string()),
            Just("run: git clone owner/repo".to_string()),
            Just("with: {repository: owner/repo}".to_string()),
            Just("&a [*a]".to_string()),
            "[a-z:{}\\[\\]&*!|>'\"#-]{0,12}",
        ];
        proptest::collection::vec((0usize..8, piece), 0..30)
            .prop_map(|lines| lines.into_iter().map(|(indent, l)| format!("{}{l}\n", "  ".repeat(indent))).collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]
        /// Any text parses or is refused, and any listing is matched or refused: nothing
        /// panics, and a match has one count per listed step.
        #[test]
        fn random_yaml_never_panics(text in prop_oneof![yamlish(), ".{0,200}"], job in ".{0,10}", steps in proptest::collection::vec(".{0,10}", 0..6)) {
            if let Ok(d) = parse(&text, REPO) {
                let mut known = BTreeMap::new();
                for r in d.references(&known) {
                    known.insert(r, d.clone());
                }
                let listed: Vec<&str> = steps.iter().map(String::as_str).collect();
                if let Ok(counts) = d.checkouts(&known, &job, &listed) {
                    prop_assert_eq!(counts.len(), listed.len());
                }
            }
        }
    }
}
