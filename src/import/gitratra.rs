//! GiTraTra (<https://github.com/BenoitMorel/GiTraTra>): its `gitratra_v1` text file, as
//! `gitratra.py` writes and reads it (`write_data` / `read_data`). Several repositories in
//! one file: `gitratra_v1`, then per repository a `>name` line, and `#clones` and `#views`
//! sections of `YYYY-MM-DD count uniques` lines.
//!
//! GiTraTra writes the bare repository name of the token owner's repositories
//! (`g.get_user().get_repo(name)`), so a bare name takes the hint's owner; an
//! `owner/name` line is taken as is.

use super::error::{Ctx, Error, Problem, show};
use super::fragment::{Metric, Repos, add_metric};
use super::repo::{Hint, Place, named_repo};
use super::table::{count_cell, day_cell};
use crate::history::History;

/// Where the reader is: which repository and which section the next data line belongs to.
#[derive(Default)]
struct Section {
    repo: Option<String>,
    metric: Option<Metric>,
}

pub(crate) fn read(ctx: &Ctx<'_>, content: &str, hint: &Hint) -> Result<Vec<History>, Error> {
    let mut repos = Repos::default();
    let mut header = false;
    let mut at = Section::default();
    for (i, raw) in content.lines().enumerate() {
        let n = i + 1;
        let line = raw.trim();
        if line.is_empty() {
            continue;
        }
        if !header {
            if line != "gitratra_v1" {
                return Err(ctx.line(n, Problem::GitratraHeader));
            }
            header = true;
        } else if let Some(name) = line.strip_prefix('>') {
            let r = named_repo(ctx, name, hint, false, Place { line: Some(n), field: "repository" })?;
            repos.get(&r);
            at = Section { repo: Some(r), metric: None };
        } else if let Some(name) = line.strip_prefix('#') {
            if at.repo.is_none() {
                return Err(ctx.line(n, Problem::SectionBeforeRepository(show(name))));
            }
            at.metric = Some(metric(ctx, n, name)?);
        } else {
            data_line(ctx, n, line, &at, &mut repos)?;
        }
    }
    if !header {
        return Err(ctx.whole(Problem::Empty));
    }
    Ok(repos.into_vec())
}

/// The metric a `#name` line opens.
fn metric(ctx: &Ctx<'_>, n: usize, name: &str) -> Result<Metric, Error> {
    match name.trim() {
        "clones" => Ok(Metric::Clones),
        "views" => Ok(Metric::Views),
        other => Err(ctx.cell(n, "metric", Problem::GitratraMetric(show(other)))),
    }
}

/// `YYYY-MM-DD count uniques`, inside a section.
fn data_line(ctx: &Ctx<'_>, n: usize, line: &str, at: &Section, repos: &mut Repos) -> Result<(), Error> {
    let (Some(r), Some(m)) = (&at.repo, at.metric) else {
        return Err(ctx.line(n, Problem::OutsideSection));
    };
    let mut parts = line.split_whitespace();
    let (Some(d), Some(c), Some(u), None) = (parts.next(), parts.next(), parts.next(), parts.next()) else {
        return Err(ctx.line(n, Problem::GitratraLine(show(line))));
    };
    let day = day_cell(ctx, n, "date", d)?;
    let count = count_cell(ctx, n, "count", c)?.ok_or_else(|| ctx.cell(n, "count", Problem::Missing))?;
    let uniques = count_cell(ctx, n, "uniques", u)?.ok_or_else(|| ctx.cell(n, "uniques", Problem::Missing))?;
    add_metric(repos.get(r), m, day, count, uniques);
    Ok(())
}

#[cfg(test)]
mod tests {
    use crate::import::import;
    use crate::import::testkit::{GITRATRA, d, days, one, t};

    #[test]
    fn gitratra_several_repositories() {
        for hint in ["octo", "octo/anything"] {
            let got = import("traffic.txt", GITRATRA, Some(hint)).expect("imports");
            let [hello, world] = got.histories.as_slice() else { panic!("two repositories") };
            assert_eq!((hello.repo.as_str(), world.repo.as_str()), ("octo/hello", "octo/world"));
            assert_eq!(
                days(hello),
                ["2026-02-01", "2026-02-02", "2026-02-03", "2026-02-04", "2026-02-05", "2026-02-06"]
            );
            assert_eq!(hello.days[&d("2026-02-01")], t([140, 31, 12, 5]));
            assert_eq!(hello.days[&d("2026-02-05")], t([45, 12, 0, 0]), "no clones line that day");
            assert_eq!(days(world), ["2026-02-02", "2026-02-03", "2026-02-04"]);
            assert_eq!(world.days[&d("2026-02-04")], t([11, 5, 5, 3]));
        }
        let e = import("traffic.txt", GITRATRA, None).expect_err("bare names need an owner");
        assert_eq!(e.line, Some(2));
        assert!(e.to_string().starts_with("traffic.txt:2: field `repository`: repository `hello`"), "{e}");
        let full = "gitratra_v1\n>someone/tool\n#views\n2026-02-01 3 1\n";
        assert_eq!(one("t.txt", full, None).repo, "someone/tool", "owner/name lines need no hint");
    }
}
