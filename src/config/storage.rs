//! Where history and archives are kept (inputs `gist-id`, `data-dir`, `data-branch`,
//! `data-repo`, `archive-gist-id`, `archive-dir`), and the check that a dashboard
//! folder stays clear of them.

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use super::raw::{Raw, nonempty};
use super::repos::is_full_name;
use super::values::{items, printable};
use super::{Command, Config, Error, Storage};

const DEFAULT_DATA_DIR: &str = "gtt-data";

/// The history's storage: gists, a folder, a branch, or (CLI only) `./gtt-data`. An
/// action without any would keep history in a workspace that is thrown away.
pub(super) fn history(raw: &Raw, env: &BTreeMap<String, String>, action: bool) -> Result<Storage, Error> {
    if let Some(branch) = &raw.data_branch {
        let other = [("gist-id", &raw.gist_id), ("data-dir", &raw.data_dir)].into_iter().find(|(_, v)| v.is_some());
        if let Some((a, _)) = other {
            return Err(Error::Conflict { a, b: "data-branch", fix: "keep one (a gist, a local folder or a branch)" });
        }
        return branch_storage(raw, env, branch);
    }
    if raw.data_repo.is_some() {
        let fix = "name the branch that holds history in `data-repo`, e.g. `data-branch: gtt-data`";
        return Err(Error::Unset { input: "data-branch", fix: Some(fix) });
    }
    match (&raw.gist_id, &raw.data_dir) {
        (Some(_), Some(_)) => {
            Err(Error::Conflict { a: "gist-id", b: "data-dir", fix: "keep one (a gist, or a local folder)" })
        }
        (Some(ids), None) => Ok(Storage::Gists(gist_id_list("gist-id", ids)?)),
        (None, Some(dir)) => Ok(Storage::Folder(PathBuf::from(dir))),
        (None, None) if action => Err(Error::Unset {
            input: "gist-id",
            fix: Some(
                "create a gist at https://gist.github.com (any file, e.g. README.md), put its id in a repository variable and pass `gist-id: ${{ vars.GTT_GIST_ID }}`; or set `data-branch` (e.g. gtt-data) to keep history in a branch of this repository, or `data-dir` to keep it in the workspace",
            ),
        }),
        (None, None) => Ok(Storage::Folder(PathBuf::from(DEFAULT_DATA_DIR))),
    }
}

/// `data-branch` of `data-repo` (else `GITHUB_REPOSITORY`), both checked: the repository
/// as `owner/name`, the branch as a plain git branch name safe in a request path.
fn branch_storage(raw: &Raw, env: &BTreeMap<String, String>, branch: &str) -> Result<Storage, Error> {
    let repo = raw.data_repo.clone().or_else(|| nonempty(env, "GITHUB_REPOSITORY")).ok_or(Error::Unset {
        input: "data-repo",
        fix: Some("name the repository that holds `data-branch` (owner/name)"),
    })?;
    if !is_full_name(&repo) {
        let fix = "use owner/name, e.g. octo/hello-world";
        return Err(Error::NotA { input: "data-repo", value: printable(&repo), what: "a repository", fix });
    }
    if !is_branch_name(branch) {
        return Err(Error::NotA {
            input: "data-branch",
            value: printable(branch),
            what: "a branch name gtt writes",
            fix: "use letters, digits, `-`, `_`, `.` and `/` between them, e.g. gtt-data",
        });
    }
    Ok(Storage::Branch { repo, branch: branch.to_string() })
}

/// A branch name git accepts and a URL path carries as it is: ASCII letters, digits,
/// `-`, `_`, `.`, and `/` between non-empty parts that do not start with `.` or end with
/// `.lock`; no `..`, at most 200 characters.
pub(crate) fn is_branch_name(name: &str) -> bool {
    (1..=200).contains(&name.len())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'))
        && !name.contains("..")
        && !name.ends_with('.')
        && name.split('/').all(|part| !part.is_empty() && !part.starts_with('.') && !part.ends_with(".lock"))
}

/// `init`'s branch for the history, checked like `data-branch`. The workflow it writes
/// publishes the dashboard itself, so the Pages workflow of `pages` would be a second.
pub(super) fn init_branch(branch: Option<&str>, pages: bool) -> Result<Option<String>, Error> {
    let Some(branch) = branch else { return Ok(None) };
    if pages {
        return Err(Error::Conflict {
            a: "pages",
            b: "branch",
            fix: "keep `branch`: its workflow publishes the dashboard from the branch itself",
        });
    }
    if !is_branch_name(branch) {
        return Err(Error::NotA {
            input: "branch",
            value: printable(branch),
            what: "a branch name gtt writes",
            fix: "use letters, digits, `-`, `_`, `.` and `/` between them, e.g. gtt-data",
        });
    }
    Ok(Some(branch.to_string()))
}

/// Where monthly archives go, if anywhere: one gist of their own, or a folder.
pub(super) fn archive(raw: &Raw, history: &Storage) -> Result<Option<Storage>, Error> {
    match (&raw.archive_gist_id, &raw.archive_dir) {
        (Some(_), Some(_)) => Err(Error::Conflict { a: "archive-gist-id", b: "archive-dir", fix: "keep one" }),
        (Some(id), None) => {
            let id = gist_id("archive-gist-id", id)?;
            // Archives would fill the history gist's 300-file listing, month by month.
            if matches!(history, Storage::Gists(ids) if ids.iter().any(|g| g.eq_ignore_ascii_case(&id))) {
                return Err(Error::Unusable {
                    input: "archive-gist-id",
                    problem: "is also in `gist-id`".into(),
                    fix: "give the archives a gist of their own",
                });
            }
            Ok(Some(Storage::Gist(id)))
        }
        (None, Some(dir)) => Ok(Some(Storage::Folder(PathBuf::from(dir)))),
        (None, None) => Ok(None),
    }
}

/// A gist id is what ends a gist's URL: letters and digits only, so it is safe in a
/// request path.
fn gist_id(input: &'static str, id: &str) -> Result<String, Error> {
    if id.is_empty() || id.len() > 64 || !id.chars().all(|c| c.is_ascii_alphanumeric()) {
        return Err(Error::NotA {
            input,
            value: printable(id),
            what: "a gist id",
            fix: "use the id at the end of the gist's URL (gist.github.com/USER/ID)",
        });
    }
    Ok(id.to_string())
}

/// A list of gist ids separated by commas, spaces or newlines (a YAML block scalar in a
/// workflow), in order: the order decides which gist holds the combined index, so it is
/// kept, and a repeated id (which would make two places for one repository) is refused.
pub(crate) fn gist_id_list(input: &'static str, text: &str) -> Result<Vec<String>, Error> {
    let mut out: Vec<String> = Vec::new();
    for item in items(text) {
        let id = gist_id(input, item)?;
        if out.iter().any(|o| o.eq_ignore_ascii_case(&id)) {
            return Err(Error::Repeated { input, id: printable(&id) });
        }
        out.push(id);
    }
    if out.is_empty() {
        return Err(Error::Unusable {
            input,
            problem: "holds no gist id".into(),
            fix: "use the id at the end of the gist's URL (gist.github.com/USER/ID); several ids separated by commas",
        });
    }
    Ok(out)
}

/// Refuses a dashboard output folder (input `out` for `dashboard`, `dashboard-dir` for
/// `collect`) that is, contains, or lies inside a folder gtt stores data in (`data-dir`,
/// and `archive-dir` when the archives go to a folder): the site is copied over its
/// output folder, and a site inside the data folder (or the reverse) would overwrite or
/// clean up stored files. Paths are compared made absolute against `cwd` and normalised
/// lexically (folders may not exist yet), and again resolved through symlinks as far as
/// they exist. Reads the filesystem (no writes); run it before anything is written.
pub(crate) fn check_dashboard_folder(c: &Config, cwd: &Path) -> Result<(), Error> {
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
        if let Some(how) = overlap {
            let (out, store) = (out.to_path_buf(), store.to_path_buf());
            return Err(Error::Overlapping { out_input, out, how, store_input, store });
        }
    }
    Ok(())
}

/// How two folders overlap; see [`path_overlap`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Overlap {
    Same,
    /// The first contains the second.
    Contains,
    /// The first lies inside the second.
    Inside,
}

impl Overlap {
    /// "A {phrase} B".
    pub(crate) fn phrase(self) -> &'static str {
        match self {
            Overlap::Same => "is the same folder as",
            Overlap::Contains => "contains",
            Overlap::Inside => "lies inside",
        }
    }
}

/// Whether `a` and `b` (absolute, normalised) are the same folder or one holds the
/// other, comparing whole components: `site2` is not inside `site`.
pub(crate) fn path_overlap(a: &Path, b: &Path) -> Option<Overlap> {
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
pub(crate) fn lexical_absolute(cwd: &Path, path: &Path) -> PathBuf {
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

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::super::tests::{args, clock, env};
    use super::*;

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
    fn a_branch_store_names_its_repository_and_excludes_the_others() {
        let e = env(&[("GITHUB_TOKEN", "t"), ("INPUT_REPOS", "a/b"), ("GITHUB_REPOSITORY", "me/home")]);
        let c = parse(&args(&["--data-branch", "gtt-data"]), &e, clock()).expect("valid");
        assert_eq!(c.storage, Storage::Branch { repo: "me/home".into(), branch: "gtt-data".into() });
        let c = parse(&args(&["--data-branch", "data/gtt", "--data-repo", "me/store"]), &e, clock()).expect("valid");
        assert_eq!(c.storage, Storage::Branch { repo: "me/store".into(), branch: "data/gtt".into() });
        for other in [["--gist-id", "abc1"], ["--data-dir", "d"]] {
            let r = parse(&args(&["--data-branch", "b", other[0], other[1]]), &e, clock());
            let named = format!("inputs `{}` and `data-branch`", other[0].trim_start_matches("--"));
            assert!(r.as_ref().is_err_and(|e| e.to_string().contains(&named)), "{r:?}");
        }
        for bad in ["", "a..b", "/a", "a/", ".a", "a.lock", "a b", "a?b", "a//b"] {
            assert!(!is_branch_name(bad), "{bad:?}");
        }
        assert!(parse(&args(&["--data-branch", "a b"]), &e, clock()).is_err());
        assert!(parse(&args(&["--data-branch", "b", "--data-repo", "nope"]), &e, clock()).is_err());
        assert!(parse(&args(&["--data-repo", "me/store"]), &e, clock()).is_err(), "a repository without a branch");
        let no_home = env(&[("GITHUB_TOKEN", "t"), ("INPUT_REPOS", "a/b")]);
        let r = parse(&args(&["--data-branch", "b"]), &no_home, clock());
        assert!(r.is_err_and(|e| e.to_string().contains("data-repo")));
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
            assert!(r.as_ref().is_err_and(|e| e.to_string().contains(needle)), "{a:?}: {r:?}");
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
            assert!(r.as_ref().is_err_and(|e| e.to_string().contains("contains")), "{r:?}");
        }
        let _ = std::fs::remove_dir_all(&root);
    }
}
