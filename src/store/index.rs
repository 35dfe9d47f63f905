//! `gtt.json`, the index: which repositories a store tracks and where each history is.
//! It is the ledger a run checks what it read against.

use std::collections::BTreeMap;

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

use super::layout::{check_file_name, history_file};

/// The index format this build writes, apart from [`crate::history::SCHEMA`]: a history
/// schema bump (2 added partial days) leaves the index as it was, and an older gtt must
/// refuse only what it cannot read. So the index keeps its own number, still 1, and
/// moves only when the index itself changes; a reader refuses a higher one.
pub(crate) const INDEX_SCHEMA: u32 = 1;

/// Why a stored `gtt.json` cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum IndexError {
    #[error("not a gtt index ({0})")]
    Json(#[from] serde_json::Error),
    #[error("written by a newer gtt (schema {found}); upgrade gtt")]
    Newer { found: u32 },
    #[error("it lists `{}`, which is not a repository name", key.escape_default())]
    NotARepository { key: String },
    #[error("it names `{}` as the history of {repo}; gtt names it {}", file.escape_default(), history_file(repo))]
    WrongFile { repo: String, file: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Index {
    pub schema: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub updated: Option<Timestamp>,
    /// Repository (as configured) -> history file name.
    #[serde(default)]
    pub repos: BTreeMap<String, String>,
    /// Storage over several gists (`gist-id` lists more than one), in the combined index
    /// of the first gist only: repository -> id of the gist that holds its history and
    /// badges, for every repository not stored beside this index. Lets a reader (the
    /// dashboard) find each file without listing every gist. Absent in older files and
    /// for a single gist, which therefore read exactly as before.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub gists: BTreeMap<String, String>,
    /// Fields a newer gtt of the same schema wrote and this one does not know: kept and
    /// written back, never dropped.
    #[serde(flatten)]
    pub extra: BTreeMap<String, serde_json::Value>,
}

impl Index {
    pub fn new() -> Index {
        Index {
            schema: INDEX_SCHEMA,
            updated: None,
            repos: BTreeMap::new(),
            gists: BTreeMap::new(),
            extra: BTreeMap::new(),
        }
    }

    pub fn parse(text: &str) -> Result<Index, IndexError> {
        let i: Index = serde_json::from_str(text)?;
        if i.schema > INDEX_SCHEMA {
            return Err(IndexError::Newer { found: i.schema });
        }
        // Keys become file names and output lines: a tampered index must not reach either.
        for (repo, file) in &i.repos {
            if !crate::discover::valid_full_name(repo) {
                return Err(IndexError::NotARepository { key: repo.clone() });
            }
            if *file != history_file(repo) {
                return Err(IndexError::WrongFile { repo: repo.clone(), file: file.clone() });
            }
        }
        if let Some((repo, _)) =
            i.gists.iter().find(|(r, id)| !crate::discover::valid_full_name(r) || check_file_name(id).is_err())
        {
            return Err(IndexError::NotARepository { key: repo.clone() });
        }
        Ok(i)
    }

    /// Union: a repository once tracked stays listed even when a run tracks fewer. Where
    /// both name a gist for a repository, `self` wins (the multi-gist backend rewrites the
    /// map from the gists' listings anyway).
    pub fn merge(&self, other: &Index) -> Index {
        let union = |mine: &BTreeMap<String, String>, theirs: &BTreeMap<String, String>| {
            let mut out = mine.clone();
            for (k, v) in theirs {
                if !out.keys().any(|r| r.eq_ignore_ascii_case(k)) {
                    out.insert(k.clone(), v.clone());
                }
            }
            out
        };
        let mut extra = other.extra.clone();
        extra.extend(self.extra.iter().map(|(k, v)| (k.clone(), v.clone())));
        Index {
            schema: INDEX_SCHEMA,
            updated: self.updated.max(other.updated),
            repos: union(&self.repos, &other.repos),
            gists: union(&self.gists, &other.gists),
            extra,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

impl Default for Index {
    fn default() -> Self {
        Index::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn index_merge_is_a_union() {
        let mut a = Index::new();
        a.repos.insert("o/a".into(), history_file("o/a"));
        let mut b = Index::new();
        b.repos.insert("O/A".into(), history_file("o/a"));
        b.repos.insert("o/b".into(), history_file("o/b"));
        let m = a.merge(&b);
        assert_eq!(m.repos.len(), 2);
        assert_eq!(Index::parse(&m.to_json()).expect("round trip"), m);
        assert!(Index::parse("{\"schema\":9}").is_err());
        assert!(Index::parse("{\"schema\":2}").is_err(), "a history schema bump is not the index's");
        assert_eq!(Index::new().schema, 1);
        // An index from before several gists reads, and one gist writes no `gists` key.
        let old = Index::parse(r#"{"schema":1,"repos":{"o/a":"history-o.a.json"}}"#).expect("old index");
        assert!(old.gists.is_empty() && !old.to_json().contains("gists"));
        let mut c = Index::new();
        c.gists.insert("o/b".into(), "g2".into());
        let mut d = Index::new();
        d.gists.insert("O/B".into(), "g3".into());
        d.gists.insert("o/c".into(), "g3".into());
        let m = c.merge(&d);
        assert_eq!(m.gists.get("o/b").map(String::as_str), Some("g2"));
        assert_eq!(m.gists.len(), 2);
        assert!(Index::parse("[]").is_err());
    }
}
