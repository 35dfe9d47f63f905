//! Which repository an imported file's figures belong to.
//!
//! Formats differ: some name `owner/name`, some only a bare name (GiTraTra's `>hello`,
//! traffic-to-badge's `traffic-hello/` folder), most none at all. The caller's hint
//! (`owner/name`, or an `owner`) fills in what the file lacks. A single-repository file
//! that names another repository than an `owner/name` hint is refused, so a file is never
//! merged into the wrong history. Names follow GitHub's rules, the same rule input `repos`
//! and discovery apply ([`crate::discover::valid_full_name`]).

use super::error::{Ctx, Error, Problem, show};
use crate::discover::valid_full_name;

/// `owner/name` as GitHub allows them.
pub(crate) fn valid_repo(r: &str) -> bool {
    valid_full_name(r)
}

/// An owner (user or organization) as GitHub allows it.
fn valid_owner(o: &str) -> bool {
    !o.contains('/') && valid_full_name(&format!("{o}/x"))
}

/// A repository name without its owner, as GitHub allows it.
pub(crate) fn valid_name(n: &str) -> bool {
    !n.contains('/') && valid_full_name(&format!("x/{n}"))
}

/// The repository hint the caller gave: nothing, an owner, or `owner/name`.
pub(crate) enum Hint {
    None,
    Owner(String),
    Repo(String),
}

impl Hint {
    pub(crate) fn parse(ctx: &Ctx<'_>, hint: Option<&str>) -> Result<Hint, Error> {
        let Some(h) = hint.map(str::trim).filter(|h| !h.is_empty()) else {
            return Ok(Hint::None);
        };
        if valid_repo(h) {
            Ok(Hint::Repo(h.to_string()))
        } else if valid_owner(h) {
            Ok(Hint::Owner(h.to_string()))
        } else {
            Err(ctx.whole(Problem::BadHint(show(h))))
        }
    }

    fn owner(&self) -> Option<&str> {
        match self {
            Hint::None => None,
            Hint::Owner(o) => Some(o),
            Hint::Repo(r) => r.split_once('/').map(|(o, _)| o),
        }
    }
}

/// The repository of a file that does not name one: the hint, or the hint's owner with a
/// bare name found elsewhere (a folder name).
pub(crate) fn unnamed_repo(ctx: &Ctx<'_>, hint: &Hint, bare: Option<&str>) -> Result<String, Error> {
    if let Hint::Repo(r) = hint {
        return Ok(r.clone());
    }
    if let (Some(owner), Some(name)) = (hint.owner(), bare) {
        let full = format!("{owner}/{name}");
        if valid_repo(&full) {
            return Ok(full);
        }
    }
    Err(ctx.whole(match hint.owner() {
        Some(owner) => Problem::OwnerOnly(owner.to_string()),
        None => Problem::NoRepository,
    }))
}

/// Where in the file a repository is named, for errors.
pub(crate) struct Place<'a> {
    pub(crate) line: Option<usize>,
    pub(crate) field: &'a str,
}

/// A repository a file names: `owner/name` as is, a bare name under the hint's owner. A
/// single-repository file must not name another repository than an `owner/name` hint.
pub(crate) fn named_repo(
    ctx: &Ctx<'_>,
    named: &str,
    hint: &Hint,
    single: bool,
    at: Place<'_>,
) -> Result<String, Error> {
    let named = named.trim();
    let fail = |problem| ctx.error(at.line, Some(at.field), problem);
    if named.contains('/') {
        if !valid_repo(named) {
            return Err(fail(Problem::NotARepository(show(named))));
        }
        if let (true, Hint::Repo(r)) = (single, hint)
            && !r.eq_ignore_ascii_case(named)
        {
            return Err(fail(Problem::OtherRepository { found: named.to_string(), wanted: r.clone() }));
        }
        return Ok(named.to_string());
    }
    if !valid_name(named) {
        return Err(fail(Problem::NotAName(show(named))));
    }
    match hint.owner() {
        Some(owner) => Ok(format!("{owner}/{named}")),
        None => Err(fail(Problem::NoOwner(named.to_string()))),
    }
}
