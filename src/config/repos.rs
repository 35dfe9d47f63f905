//! The syntax of input `repos` (`owner/name`, `owner/*`, globs like `owner/gtt-*`,
//! exclusions like `!owner/old-*`), the `include-*` filters and `shard`. Here they are
//! only read and checked; resolving globs against GitHub's listings is the discoverer's.

use std::collections::BTreeMap;

use super::Error;
use super::raw::{Raw, nonempty};
use super::values::{bool_input, items, printable};

/// One item of input `repos`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Spec {
    pub(crate) exclude: bool,
    pub(crate) owner: String,
    /// The name or glob as written (matching ignores case).
    pub(crate) name: String,
}

impl Spec {
    pub(crate) fn is_glob(&self) -> bool {
        self.name.contains('*')
    }
}

/// Which listed repositories globs may pick.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Filters {
    pub(crate) forks: bool,
    pub(crate) archived: bool,
    pub(crate) private: bool,
}

/// The repository inputs, checked.
pub(super) struct Repos {
    /// The exact names, deduplicated; globs are resolved when a run starts.
    pub(super) names: Vec<String>,
    /// Every item, globs and exclusions included.
    pub(super) specs: Vec<Spec>,
    pub(super) shard: Option<(u32, u32)>,
}

/// Input `repos`, else `GITHUB_REPOSITORY` (the repository the workflow runs in), and
/// input `shard`.
pub(super) fn parse(raw: &Raw, env: &BTreeMap<String, String>) -> Result<Repos, Error> {
    let text = raw.repos.clone().or_else(|| nonempty(env, "GITHUB_REPOSITORY")).unwrap_or_default();
    let all: Vec<String> = items(&text).map(String::from).collect();
    let specs = parse_specs(&all)?;
    let exact: Vec<&str> = all.iter().map(String::as_str).filter(|i| !i.contains('*') && !i.starts_with('!')).collect();
    let names = parse_repos(&exact.join(","))?;
    let shard = raw.shard.as_deref().map(parse_shard).transpose()?;
    Ok(Repos { names, specs, shard })
}

pub(super) fn filters(raw: &Raw) -> Result<Filters, Error> {
    Ok(Filters {
        forks: bool_input("include-forks", raw.include_forks.as_deref(), false)?,
        archived: bool_input("include-archived", raw.include_archived.as_deref(), false)?,
        private: bool_input("include-private", raw.include_private.as_deref(), true)?,
    })
}

/// Whether `full` is `owner/name` as GitHub allows them: the owner of ASCII letters,
/// digits and hyphens, not starting with one, at most 39 characters; the name of ASCII
/// letters, digits, `.`, `_` and `-`, at most 100, not `.` or `..`
/// (<https://docs.github.com/en/repositories/creating-and-managing-repositories/about-repositories>).
/// It does not refuse double or trailing hyphens, which older accounts have. One rule
/// for input `repos` and for the names GitHub lists, so a repository is never accepted
/// one way and refused the other.
pub(crate) fn is_full_name(full: &str) -> bool {
    let Some((owner, name)) = full.split_once('/') else { return false };
    (1..=39).contains(&owner.len())
        && !owner.starts_with('-')
        && owner.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        && (1..=100).contains(&name.len())
        && name != "."
        && name != ".."
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'))
}

/// Exact `owner/name`s separated by commas, spaces or newlines, each checked with
/// [`is_full_name`]. Duplicates (any case) are dropped.
pub(crate) fn parse_repos(text: &str) -> Result<Vec<String>, Error> {
    let mut out: Vec<String> = Vec::new();
    for item in items(text) {
        if !is_full_name(item) {
            let why = "is not owner/name (e.g. octo/hello-world); separate several with commas, spaces or newlines";
            return Err(Error::BadItem { input: "repos", item: printable(item), why });
        }
        if !out.iter().any(|r| r.eq_ignore_ascii_case(item)) {
            out.push(item.to_string());
        }
    }
    Ok(out)
}

/// Parses `repos` items; exact names are validated as `owner/name`, globs by their
/// owner and the characters a name may hold (plus `*`).
pub(crate) fn parse_specs(items: &[String]) -> Result<Vec<Spec>, Error> {
    items.iter().map(|item| parse_spec(item)).collect()
}

fn parse_spec(item: &str) -> Result<Spec, Error> {
    let (exclude, rest) = match item.strip_prefix('!') {
        Some(r) => (true, r),
        None => (false, item),
    };
    let bad = || Error::BadItem {
        input: "repos",
        item: rest.chars().take(80).collect(),
        why: "is not owner/name, owner/* or a glob like owner/gtt-* (prefix ! to exclude)",
    };
    let (owner, name) = rest.split_once('/').ok_or_else(bad)?;
    let ok = if name.contains('*') {
        let glob_ok = name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-' | '*'));
        glob_ok && is_full_name(&format!("{owner}/x"))
    } else {
        is_full_name(rest)
    };
    if !ok {
        return Err(bad());
    }
    Ok(Spec { exclude, owner: owner.to_string(), name: name.to_string() })
}

/// `I/N`: this job is shard I of N (1-based), N at most 256 (GitHub runs at most 256
/// jobs from one matrix,
/// <https://docs.github.com/en/actions/using-jobs/using-a-matrix-for-your-jobs>).
pub(crate) fn parse_shard(s: &str) -> Result<(u32, u32), Error> {
    let bad = || Error::Invalid { input: "shard", value: s.to_string(), fix: "use I/N with 1 <= I <= N, e.g. 2/4" };
    let (i, n) = s.split_once('/').ok_or_else(bad)?;
    let (i, n): (u32, u32) = (i.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
    if n == 0 || i == 0 || i > n || n > 256 {
        return Err(bad());
    }
    Ok((i, n))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repos_are_split_and_deduplicated() {
        assert_eq!(parse_repos("a/b,\nA/B  c/d.e_f-g").expect("ok"), vec!["a/b", "c/d.e_f-g"]);
        assert_eq!(parse_repos(" , ").expect("ok"), Vec::<String>::new());
    }

    #[test]
    fn specs_parse_and_refuse() {
        let ok = ["octo/hello", "octo/*", "!octo/old-*", "octo/gtt-*.rs"];
        let specs = parse_specs(&ok.map(String::from)).expect("valid");
        assert!(specs[1].is_glob() && specs[2].exclude && !specs[0].is_glob());
        for bad in ["octo", "octo/a/b", "-x/*", "octo/a b", "!", "octo/*?"] {
            assert!(parse_specs(&[bad.to_string()]).is_err(), "{bad}");
        }
    }

    #[test]
    fn shards_parse_and_refuse() {
        for (s, want) in [("1/1", (1, 1)), ("2/4", (2, 4))] {
            assert_eq!(parse_shard(s).ok(), Some(want), "{s}");
        }
        for s in ["0/4", "5/4", "x", "1/0"] {
            assert!(parse_shard(s).is_err(), "{s}");
        }
    }
}
