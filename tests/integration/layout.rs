//! The layout tells the data flow: the rooms under `src/` import each other without a
//! cycle, and `config` imports none of them. Read from the source, so a new import that
//! closes a loop fails here, naming it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Room -> the rooms its files name as `crate::ROOM` (also inside `use crate::{..}`).
fn imports() -> BTreeMap<String, BTreeSet<String>> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let rooms: BTreeSet<String> = std::fs::read_dir(&src)
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().trim_end_matches(".rs").to_string())
        .filter(|n| n != "lib" && n != "main")
        .collect();
    let mut graph: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for room in &rooms {
        let mut files = Vec::new();
        collect_files(&src.join(room), &mut files);
        collect_files(&src.join(format!("{room}.rs")), &mut files);
        let named = graph.entry(room.clone()).or_default();
        for text in files {
            for r in named_rooms(&text) {
                if rooms.contains(&r) && r != *room {
                    named.insert(r);
                }
            }
        }
    }
    graph
}

fn collect_files(path: &Path, out: &mut Vec<String>) {
    if path.is_file() {
        out.push(std::fs::read_to_string(path).unwrap());
    } else if path.is_dir() {
        for e in std::fs::read_dir(path).unwrap().flatten() {
            collect_files(&e.path(), out);
        }
    }
}

/// The first path segment after each `crate::` outside comments, and each item of a
/// `crate::{a, b::c}` group.
fn named_rooms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines().filter(|l| !l.trim_start().starts_with("//")) {
        let mut rest = line;
        while let Some(i) = rest.find("crate::") {
            rest = &rest[i + "crate::".len()..];
            if let Some(group) = rest.strip_prefix('{') {
                let inner = group.split('}').next().unwrap_or("");
                out.extend(inner.split(',').map(|s| ident(s.trim())));
            } else {
                out.push(ident(rest));
            }
        }
    }
    out
}

fn ident(s: &str) -> String {
    s.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect()
}

/// A path from `from` back to itself, if any.
fn cycle_through(graph: &BTreeMap<String, BTreeSet<String>>, from: &str) -> Option<Vec<String>> {
    let mut stack = vec![vec![from.to_string()]];
    let mut seen = BTreeSet::new();
    while let Some(path) = stack.pop() {
        let last = path.last().unwrap().clone();
        for next in graph.get(&last).into_iter().flatten() {
            if next == from {
                let mut found = path.clone();
                found.push(next.clone());
                return Some(found);
            }
            if seen.insert(next.clone()) {
                let mut longer = path.clone();
                longer.push(next.clone());
                stack.push(longer);
            }
        }
    }
    None
}

#[test]
fn rooms_import_each_other_without_a_cycle() {
    let graph = imports();
    assert!(graph.len() > 10, "the rooms were found: {graph:?}");
    for room in graph.keys() {
        if let Some(cycle) = cycle_through(&graph, room) {
            panic!("import cycle: {}", cycle.join(" -> "));
        }
    }
    assert_eq!(graph["config"], BTreeSet::new(), "config is a leaf");
    assert!(graph["history"].is_empty(), "the history model imports no other room");
}

#[test]
fn the_cycle_finder_finds_one() {
    let mut g: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    g.entry("a".into()).or_default().insert("b".into());
    g.entry("b".into()).or_default().insert("c".into());
    g.entry("c".into()).or_default().insert("a".into());
    assert_eq!(cycle_through(&g, "a"), Some(vec!["a".into(), "b".into(), "c".into(), "a".into()]));
    g.get_mut("c").unwrap().clear();
    assert_eq!(cycle_through(&g, "a"), None);
    assert_eq!(named_rooms("use crate::{a, b::c};\n// crate::d\nlet x = crate::e::f;"), ["a", "b", "e"]);
}
