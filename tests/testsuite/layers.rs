//! The crate's layering: `src/lib.rs` lists the modules from the bottom up, and a module may
//! use only modules listed before it (or itself). Every `crate::NAME` in a module's files is
//! read, tests included, so an import that points up the pipeline fails here with the file
//! and line that makes it.

use std::collections::BTreeMap;
use std::path::Path;

use crate::support::{read, repo};

/// The top-level modules in the order `src/lib.rs` declares them.
fn layer_order() -> Vec<String> {
    read(&repo().join("src/lib.rs"))
        .lines()
        .filter_map(|l| l.trim().strip_prefix("pub mod ")?.strip_suffix(';').map(str::to_string))
        .collect()
}

/// The `.rs` files of top-level module `m`: `src/m.rs` and everything under `src/m/` (its
/// submodules, when `src/m.rs` declares them).
fn files_of_module(m: &str) -> Vec<std::path::PathBuf> {
    let file = repo().join("src").join(format!("{m}.rs"));
    let dir = repo().join("src").join(m);
    let mut files: Vec<std::path::PathBuf> = if dir.is_dir() {
        walkdir::WalkDir::new(dir)
            .into_iter()
            .map(|e| e.unwrap().into_path())
            .filter(|p| p.extension().is_some_and(|e| e == "rs"))
            .collect()
    } else {
        Vec::new()
    };
    if file.is_file() {
        files.push(file);
    }
    files
}

/// Every `crate::NAME` in `text` (not in a comment) with its 1-based line.
fn crate_refs(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let code = line.split("//").next().unwrap_or("");
        let mut rest = code;
        while let Some(at) = rest.find("crate::") {
            let after = &rest[at + 7..];
            let name: String = after.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            out.push((i + 1, name));
            rest = after;
        }
    }
    out
}

#[test]
fn modules_import_only_lower_layers() {
    let order = layer_order();
    assert!(order.len() >= 10 && order.contains(&"util".to_string()), "lib.rs lists {order:?}");
    let rank: BTreeMap<&str, usize> = order.iter().enumerate().map(|(i, m)| (m.as_str(), i)).collect();
    let mut wrong = Vec::new();
    for (i, m) in order.iter().enumerate() {
        let files = files_of_module(m);
        assert!(!files.is_empty(), "no source for module `{m}`");
        for f in files {
            for (line, used) in crate_refs(&read(&f)) {
                match rank.get(used.as_str()) {
                    Some(&j) if j <= i => {}
                    Some(_) => wrong.push(format!(
                        "{}:{line}: `{m}` uses `crate::{used}`, which lib.rs lists after it",
                        f.strip_prefix(repo()).unwrap_or(Path::new("?")).display()
                    )),
                    None => wrong.push(format!("{}:{line}: `crate::{used}` is not a module of lib.rs", f.display())),
                }
            }
        }
    }
    assert!(wrong.is_empty(), "imports that point up the layers:\n{}", wrong.join("\n"));
}

#[test]
fn the_reader_sees_a_wrong_import() {
    let refs =
        crate_refs("use crate::diag::{Error};\n// crate::cli in a comment\nlet x = crate::util::text::nearest(a, b);");
    assert_eq!(refs, [(1, "diag".to_string()), (3, "util".to_string())]);
}
