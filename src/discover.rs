//! Which repositories a run tracks: `owner/name`, `owner/*`, globs (`owner/gtt-*`) and
//! exclusions (`!owner/old-*`), resolved through the listing endpoints (all pages), then
//! filtered (forks, archived, private) and cut to this job's shard.

use serde::Deserialize;

pub(crate) use crate::config::{Filters, Spec};
use crate::github::{self, Client};

const MAX_LIST_PAGES: usize = 100;

/// Why the repositories input `repos` names could not be resolved.
#[derive(Debug, thiserror::Error)]
pub(crate) enum Error {
    /// An owner with a glob could not be listed (GitHub's answer is the source).
    #[error("cannot list the repositories of {owner} for input `repos` ({source})")]
    List {
        owner: String,
        #[source]
        source: github::Error,
    },
}

/// Whether spec `spec` picks the repository `full` (`owner/name`): the owner equal, the
/// name matching the glob, both ignoring case as GitHub does.
pub(crate) fn spec_matches(spec: &Spec, full: &str) -> bool {
    let Some((o, n)) = full.split_once('/') else { return false };
    o.eq_ignore_ascii_case(&spec.owner) && glob_match(&spec.name.to_ascii_lowercase(), &n.to_ascii_lowercase())
}

/// `*` matches any run of characters; everything else literally. Iterative, so no input
/// can make it recurse or take more than O(pattern x text).
pub(crate) fn glob_match(pattern: &str, text: &str) -> bool {
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

#[derive(Debug, Clone, Deserialize)]
pub(crate) struct Listed {
    pub(crate) full_name: String,
    #[serde(default)]
    pub(crate) fork: bool,
    #[serde(default)]
    pub(crate) archived: bool,
    #[serde(default)]
    pub(crate) private: bool,
    #[serde(default)]
    pub(crate) permissions: Option<Permissions>,
}

#[derive(Debug, Clone, Copy, Deserialize)]
pub(crate) struct Permissions {
    #[serde(default)]
    pub(crate) push: bool,
}

#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Resolved {
    /// To collect, in input order, then listing order for globs.
    pub(crate) repos: Vec<String>,
    /// Matched by a glob but left out, with the reason (no push access: no traffic).
    pub(crate) skipped: Vec<(String, String)>,
    /// Named explicitly: a failure there fails the run; a globbed one is skipped.
    pub(crate) explicit: Vec<String>,
}

/// Whether `full` is `owner/name` as GitHub allows them ([`crate::config::is_full_name`],
/// the rule input `repos` applies, so a repository is never accepted one way and refused
/// the other). Listed names become file names, request paths and workflow output, so
/// anything else (a newline, a slash, `..`) is refused before it is used.
pub(crate) fn valid_full_name(full: &str) -> bool {
    crate::config::is_full_name(full)
}

/// The listed repositories whose names GitHub could have given; the others are
/// skipped with a warning (the name escaped: it may hold control characters).
fn valid_listed(owner: &str, listed: Vec<Listed>) -> Vec<Listed> {
    listed
        .into_iter()
        .filter(|l| {
            let ok = valid_full_name(&l.full_name);
            if !ok {
                let shown: String = l.full_name.chars().take(120).collect();
                log::warn!(
                    "the listing of {} holds a repository named {shown:?}, which is not a GitHub repository name; skipped",
                    crate::escape::terminal(owner)
                );
            }
            ok
        })
        .collect()
}

/// Applies specs, filters and the exclusions to listings (`owner -> repositories`).
/// Pure, so it is tested without a server.
pub(crate) fn select(specs: &[Spec], listings: &[(String, Vec<Listed>)], filters: Filters) -> Resolved {
    let mut out = Resolved::default();
    let excluded = |full: &str| specs.iter().any(|s| s.exclude && spec_matches(s, full));
    let add = |out: &mut Resolved, name: &str| {
        if !out.repos.iter().any(|r| r.eq_ignore_ascii_case(name)) {
            out.repos.push(name.to_string());
        }
    };
    for spec in specs.iter().filter(|s| !s.exclude) {
        if !spec.is_glob() {
            let full = format!("{}/{}", spec.owner, spec.name);
            if !excluded(&full) {
                // Keep the case the user wrote.
                let written = listings
                    .iter()
                    .flat_map(|(_, l)| l)
                    .find(|l| l.full_name.eq_ignore_ascii_case(&full) && valid_full_name(&l.full_name))
                    .map_or(full.clone(), |l| l.full_name.clone());
                add(&mut out, &written);
                out.explicit.push(written);
            }
            continue;
        }
        let listed = listings.iter().filter(|(o, _)| o.eq_ignore_ascii_case(&spec.owner)).flat_map(|(_, l)| l);
        let listed = listed.filter(|r| valid_full_name(&r.full_name));
        for r in listed.filter(|r| spec_matches(spec, &r.full_name) && !excluded(&r.full_name)) {
            let reason = if r.fork && !filters.forks {
                Some("a fork (input `include-forks`)")
            } else if r.archived && !filters.archived {
                Some("archived (input `include-archived`)")
            } else if r.private && !filters.private {
                Some("private (input `include-private`)")
            } else if r.permissions.is_some_and(|p| !p.push) {
                Some("the token has no push access, so no traffic")
            } else {
                None
            };
            match reason {
                None => add(&mut out, &r.full_name),
                Some(why) => {
                    if !out.skipped.iter().any(|(n, _)| n == &r.full_name) {
                        out.skipped.push((r.full_name.clone(), why.to_string()));
                    }
                }
            }
        }
    }
    out
}

/// Every repository of `owner`, organisation or user, all pages. The authenticated
/// user's own listing includes private repositories; another user's shows public ones.
fn list_owner(client: &Client, owner: &str, me: Option<&str>) -> Result<Vec<Listed>, github::Error> {
    match client.get_pages(&format!("/orgs/{owner}/repos?type=all&per_page=100"), MAX_LIST_PAGES) {
        Ok(l) => Ok(l),
        Err(e) if e.status() == Some(404) => {
            if me.is_some_and(|m| m.eq_ignore_ascii_case(owner)) {
                client.get_pages("/user/repos?affiliation=owner&per_page=100", MAX_LIST_PAGES)
            } else {
                client.get_pages(&format!("/users/{owner}/repos?type=owner&per_page=100"), MAX_LIST_PAGES)
            }
        }
        Err(e) => Err(e),
    }
}

/// Resolves the specs against GitHub (listing only owners that have a glob).
pub(crate) fn resolve(client: &Client, specs: &[Spec], filters: Filters) -> Result<Resolved, Error> {
    let mut owners: Vec<String> = Vec::new();
    for s in specs.iter().filter(|s| !s.exclude && s.is_glob()) {
        if !owners.iter().any(|o| o.eq_ignore_ascii_case(&s.owner)) {
            owners.push(s.owner.clone());
        }
    }
    let mut listings = Vec::new();
    if !owners.is_empty() {
        #[derive(Deserialize)]
        struct Me {
            login: String,
        }
        let me = client.get_json::<Me>("/user").ok().map(|m| m.login);
        for owner in owners {
            let listed = list_owner(client, &owner, me.as_deref())
                .map_err(|source| Error::List { owner: owner.clone(), source })?;
            listings.push((owner.clone(), valid_listed(&owner, listed)));
        }
    }
    Ok(select(specs, &listings, filters))
}

/// The shard a repository belongs to: a hash of its lower-cased name, so adding or
/// removing other repositories never moves it (unlike splitting a sorted list).
pub(crate) fn shard_of(repo: &str, n: u32) -> u32 {
    // FNV-1a, 64 bit: stable across platforms and versions, unlike std's hasher.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in repo.to_ascii_lowercase().bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    (h % u64::from(n.max(1))) as u32 + 1
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::parse_specs;

    fn listed(name: &str, fork: bool, archived: bool, private: bool) -> Listed {
        Listed { full_name: name.into(), fork, archived, private, permissions: Some(Permissions { push: true }) }
    }

    #[test]
    fn globs_filters_and_exclusions_select_table() {
        let listing = vec![(
            "octo".to_string(),
            vec![
                listed("octo/gtt-core", false, false, false),
                listed("octo/gtt-old", false, true, false),
                listed("octo/gtt-fork", true, false, false),
                listed("octo/gtt-secret", false, false, true),
                listed("octo/other", false, false, false),
                Listed {
                    permissions: Some(Permissions { push: false }),
                    ..listed("octo/gtt-readonly", false, false, false)
                },
            ],
        )];
        let specs = |s: &[&str]| parse_specs(&s.iter().map(|x| x.to_string()).collect::<Vec<_>>()).expect("specs");
        let none = Filters { forks: false, archived: false, private: true };
        let r = select(&specs(&["octo/gtt-*"]), &listing, none);
        assert_eq!(r.repos, ["octo/gtt-core", "octo/gtt-secret"]);
        assert_eq!(r.skipped.len(), 3, "{:?}", r.skipped);
        let all = Filters { forks: true, archived: true, private: false };
        let r = select(&specs(&["octo/*", "!octo/gtt-o*"]), &listing, all);
        assert_eq!(r.repos, ["octo/gtt-core", "octo/gtt-fork", "octo/other"]);
        // Explicit names bypass filters and are kept even when not listed.
        let r = select(&specs(&["octo/gtt-old", "elsewhere/thing"]), &listing, none);
        assert_eq!(r.repos, ["octo/gtt-old", "elsewhere/thing"]);
        assert_eq!(r.explicit, r.repos);
    }

    #[test]
    fn listed_names_follow_githubs_rules_table() {
        let long_owner = format!("{}/x", "a".repeat(40));
        let long_name = format!("o/{}", "a".repeat(101));
        for good in ["octo/hello", "Octo-Cat/hello.world_2", "a/.github", "o/a..b", "9/-x"] {
            assert!(valid_full_name(good), "{good}");
        }
        for bad in [
            "octo/x\n::add-mask::y",
            "octo/a/../../etc",
            "octo/..",
            "octo/.",
            "octo/",
            "/x",
            "octo",
            "-octo/x",
            "oc to/x",
            "octo/x y",
            "octo/caf\u{e9}",
            "octo/x\u{1b}[2J",
            long_owner.as_str(),
            long_name.as_str(),
        ] {
            assert!(!valid_full_name(bad), "{bad:?}");
        }
        let listing = vec![(
            "octo".to_string(),
            vec![listed("octo/good", false, false, false), listed("octo/bad\n::add-mask::x", false, false, false)],
        )];
        let specs = parse_specs(&["octo/*".to_string()]).expect("specs");
        let r = select(&specs, &listing, Filters { forks: true, archived: true, private: true });
        assert_eq!(r.repos, ["octo/good"]);
        assert!(r.skipped.is_empty());
        assert_eq!(valid_listed("octo", listing[0].1.clone()).len(), 1);
    }

    #[test]
    fn shards_are_stable_and_cover_everything() {
        let names: Vec<String> = (0..300).map(|i| format!("owner/repo-{i}")).collect();
        for n in [1, 2, 3, 7] {
            let mut seen = 0;
            for i in 1..=n {
                seen += names.iter().filter(|r| shard_of(r, n) == i).count();
            }
            assert_eq!(seen, names.len(), "every repository in exactly one of {n} shards");
        }
        // Stable under insertions: a repository's shard depends on its name alone.
        assert_eq!(shard_of("Owner/Repo-5", 4), shard_of("owner/repo-5", 4));
        assert_eq!(u64::from(shard_of("octo/hello", 4)), 1 + fnv("octo/hello") % 4, "FNV-1a of the lower-cased name");
    }

    fn fnv(s: &str) -> u64 {
        s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3))
    }

    #[test]
    fn listing_failures_name_the_owner_and_githubs_answer() {
        let source =
            github::Error::Status { status: 403, message: "Forbidden".into(), path: "/orgs/octo/repos".into() };
        let e = Error::List { owner: "octo".into(), source };
        assert_eq!(
            e.to_string(),
            "cannot list the repositories of octo for input `repos` (GitHub answered 403 for /orgs/octo/repos: Forbidden)"
        );
        assert!(std::error::Error::source(&e).is_some());
    }
}
