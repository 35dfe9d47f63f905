//! Flags and `INPUT_*` variables -> [`Raw`]: every input as an optional trimmed
//! string, a flag winning over the environment, an empty value meaning unset (a
//! workflow passes every declared input, empty when not given). Only the shape of the
//! command line is checked here (known flags, values present); the values are the
//! groups' business.

use std::collections::BTreeMap;
use std::iter::Peekable;
use std::slice::Iter;

use serde::Deserialize;

use super::Error;
use super::inputs::{INPUTS, closest};
use super::values::{parse_bool, printable};

/// Raw inputs, all strings, as `envy` maps them from `name -> value` pairs.
#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub(super) struct Raw {
    pub(super) command: Option<String>,
    pub(super) token: Option<String>,
    pub(super) gist_token: Option<String>,
    pub(super) gist_id: Option<String>,
    pub(super) data_dir: Option<String>,
    pub(super) data_branch: Option<String>,
    pub(super) data_repo: Option<String>,
    pub(super) data_token: Option<String>,
    pub(super) repos: Option<String>,
    pub(super) api_url: Option<String>,
    pub(super) now: Option<String>,
    pub(super) dry_run: Option<String>,
    pub(super) format: Option<String>,
    pub(super) max_wait: Option<String>,
    pub(super) concurrency: Option<String>,
    pub(super) badge_style: Option<String>,
    pub(super) badge_color: Option<String>,
    pub(super) badge_label_color: Option<String>,
    pub(super) badge_labels: Option<String>,
    pub(super) badge_cache_seconds: Option<String>,
    pub(super) badge_compact_above: Option<String>,
    pub(super) ci_clones: Option<String>,
    pub(super) ci_checkout_pattern: Option<String>,
    pub(super) ci_pages_builds: Option<String>,
    pub(super) archive_gist_id: Option<String>,
    pub(super) archive_dir: Option<String>,
    pub(super) out: Option<String>,
    pub(super) dashboard_dir: Option<String>,
    pub(super) site_dir: Option<String>,
    pub(super) from: Option<String>,
    pub(super) repo_dir: Option<String>,
    pub(super) apply: Option<String>,
    pub(super) action: Option<String>,
    pub(super) pages: Option<String>,
    pub(super) branch: Option<String>,
    pub(super) include_forks: Option<String>,
    pub(super) include_archived: Option<String>,
    pub(super) include_private: Option<String>,
    pub(super) shard: Option<String>,
    pub(super) aggregate: Option<String>,
}

/// What the command line says besides the inputs.
#[derive(Debug, Default)]
pub(super) struct Cli {
    /// The first bare argument, or `help` for `-h`/`--help`.
    pub(super) command: Option<String>,
    /// `gtt help COMMAND`, `gtt COMMAND --help`: the command whose help to show.
    pub(super) topic: Option<String>,
    /// `-q` is -1, each `v` of `-v`/`-vv` +1; the last one given wins.
    pub(super) verbosity: i8,
}

/// The inputs of the environment, overridden by the flags of `args`, and the help topic.
pub(super) fn read(args: &[String], env: &BTreeMap<String, String>) -> Result<(Raw, Option<String>), Error> {
    let mut values = action_inputs(env);
    let cli = read_flags(args, &mut values)?;
    if let Some(command) = cli.command {
        values.insert("command".to_string(), command);
    }
    values.retain(|_, v| !v.trim().is_empty());
    Ok((envy::from_iter(values).map_err(Error::Unreadable)?, cli.topic))
}

/// The log level the command line asks for (`-q` -1, `-v` 1, `-vv` 2, none 0), read
/// the way [`read`] reads the flags; 0 when the command line is bad (that error is
/// reported by the run).
pub fn verbosity(args: &[String]) -> i8 {
    read_flags(args, &mut BTreeMap::new()).map_or(0, |cli| cli.verbosity)
}

/// `INPUT_GIST-ID=x` -> `gist-id = x`. The runner upper-cases the name and turns spaces
/// into `_`
/// (<https://docs.github.com/en/actions/creating-actions/metadata-syntax-for-github-actions#inputs>);
/// hyphens stay, which is why a shell cannot set these but `env` can.
fn action_inputs(env: &BTreeMap<String, String>) -> BTreeMap<String, String> {
    env.iter()
        .filter_map(|(k, v)| {
            let name = k.strip_prefix("INPUT_")?.to_ascii_lowercase().replace(' ', "_");
            (!v.trim().is_empty()).then(|| (name, v.trim().to_string()))
        })
        .collect()
}

/// Puts every `--name value` / `--name=value` of `args` into `values`; returns the
/// command (the first bare argument), the help topic and the verbosity.
fn read_flags(args: &[String], values: &mut BTreeMap<String, String>) -> Result<Cli, Error> {
    let mut cli = Cli::default();
    let mut help = false;
    let mut it = args.iter().peekable();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "-h" | "--help" => help = true,
            "-V" | "--version" => cli.command = Some("version".to_string()),
            "-q" => cli.verbosity = -1,
            a if a.len() > 1 && a.strip_prefix('-').is_some_and(|v| v.chars().all(|c| c == 'v')) => {
                cli.verbosity = i8::try_from(a.len() - 1).unwrap_or(i8::MAX);
            }
            a if a.starts_with("--") => {
                let (name, value) = flag(a.trim_start_matches("--"), &mut it)?;
                values.insert(name, value);
            }
            a if cli.command.is_none() && !a.starts_with('-') => cli.command = Some(a.to_string()),
            a if cli.command.as_deref() == Some("help") && cli.topic.is_none() && !a.starts_with('-') => {
                cli.topic = Some(a.to_string());
            }
            a => return Err(Error::UnexpectedArgument(a.to_string())),
        }
    }
    if help {
        cli.topic = cli.command.take().filter(|c| c != "help").or(cli.topic);
        cli.command = Some("help".to_string());
    }
    Ok(cli)
}

/// Inputs that take a list: on the CLI the flag takes every word up to the next flag.
const LISTS: &[&str] = &["repos", "gist-id", "from"];

/// One flag (without its `--`) and its value, inline or taken from the next argument
/// (the next arguments up to a flag, for a list).
fn flag(text: &str, rest: &mut Peekable<Iter<'_, String>>) -> Result<(String, String), Error> {
    let (name, inline) = match text.split_once('=') {
        Some((n, v)) => (n.to_string(), Some(v.to_string())),
        None => (text.to_string(), None),
    };
    if !INPUTS.iter().any(|(n, _, _, _)| *n == name) {
        let suggestion = closest(&name, INPUTS.iter().map(|(n, _, _, _)| *n));
        return Err(Error::UnknownFlag { flag: printable(&name), suggestion });
    }
    let mut value = match inline {
        Some(v) => v,
        // A boolean input (its default is true or false) may stand alone, or take an
        // explicit true/false.
        None if is_bool_input(&name) => match rest.peek().filter(|v| parse_bool(v).is_some()) {
            Some(_) => rest.next().cloned().unwrap_or_default(),
            None => "true".to_string(),
        },
        None => rest.next().cloned().ok_or_else(|| Error::NoValue(name.clone()))?,
    };
    if LISTS.contains(&name.as_str()) {
        while let Some(word) = rest.next_if(|w| !w.starts_with('-')) {
            value.push('\n');
            value.push_str(word);
        }
    }
    Ok((name, value))
}

fn is_bool_input(name: &str) -> bool {
    INPUTS.iter().any(|(n, d, _, _)| *n == name && matches!(*d, "true" | "false"))
}

/// The token values present in the environment or arguments, before any validation,
/// so they can be masked before anything else is printed.
pub(crate) fn secrets_to_mask(args: &[String], env: &BTreeMap<String, String>) -> Vec<String> {
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

/// A variable of the environment, trimmed; empty means unset.
pub(super) fn nonempty(env: &BTreeMap<String, String>, k: &str) -> Option<String> {
    env.get(k).map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

#[cfg(test)]
mod tests {
    use super::super::Secret;
    use super::super::tests::{args, env};
    use super::*;

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
    fn help_topics_verbosity_and_list_words() {
        let cli = |a: &[&str]| read_flags(&args(a), &mut BTreeMap::new()).expect("valid");
        for a in [&["help", "collect"][..], &["collect", "--help"], &["collect", "-h"], &["-h", "collect"]] {
            let c = cli(a);
            assert_eq!((c.command.as_deref(), c.topic.as_deref()), (Some("help"), Some("collect")), "{a:?}");
        }
        assert_eq!(cli(&["--help"]).topic, None);
        assert_eq!(cli(&["-v", "collect"]).verbosity, 1);
        assert_eq!(cli(&["collect", "-vv"]).verbosity, 2);
        assert_eq!(cli(&["-q"]).verbosity, -1);
        assert_eq!(verbosity(&args(&["-vv", "--bogus"])), 0);
        assert_eq!(verbosity(&args(&["collect", "-v"])), 1);
        let mut values = BTreeMap::new();
        let c = read_flags(&args(&["--repos", "a/b", "c/d", "-v", "--from", "x.csv", "y.csv"]), &mut values);
        assert_eq!(c.expect("valid").verbosity, 1);
        assert_eq!(values.get("repos").map(String::as_str), Some("a/b\nc/d"));
        assert_eq!(values.get("from").map(String::as_str), Some("x.csv\ny.csv"));
        let err = read_flags(&args(&["--repo", "a/b"]), &mut BTreeMap::new()).expect_err("unknown");
        assert_eq!(err.to_string(), "unknown flag --repo: did you mean `--repos`? (`gtt help` lists the flags)");
    }
}
