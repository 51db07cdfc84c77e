//! Watching the site's sources by polling.
//!
//! A site is a few dozen small files, so comparing (modification time, size)
//! of every source file a few dozen times a second costs little and needs no
//! platform-specific dependency. Polling also sees changes that event APIs
//! miss (network drives, editors that replace files by renaming). Editor
//! temporary and backup files are ignored, so saving in Vim or Emacs triggers
//! one rebuild, not three.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// What is watched, relative to the site root.
pub const WATCHED: &[&str] = &["site.toml", "content", "data", "themes", "templates", "static"];

/// Modification time and size of one file.
type Stamp = (Option<SystemTime>, u64);

/// The state of every watched file at one moment.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Snapshot(BTreeMap<PathBuf, Stamp>);

/// Whether a file name is an editor's temporary or backup file (or hidden).
pub fn is_ignored(name: &str) -> bool {
    name.starts_with('.')                       // .#lock (Emacs), .x.swp (Vim), .DS_Store
        || name.ends_with('~')                  // backups
        || name == "4913"                       // Vim's write test
        || (name.starts_with('#') && name.ends_with('#')) // Emacs auto-save
        || [".swp", ".swo", ".swx", ".tmp", ".bak", ".crdownload", ".part"].iter().any(|e| name.ends_with(e))
}

/// Whether the entry `name` at `path` is left unwatched: editor files anywhere, and hidden
/// files except in a `static/` folder, which is published with its hidden files.
fn ignored_in(root: &Path, path: &Path, name: &str) -> bool {
    let in_static = path.strip_prefix(root).is_ok_and(|rel| rel.components().any(|c| c.as_os_str() == "static"));
    if in_static { crate::source::left_out_of_static(name).is_some() } else { is_ignored(name) }
}

/// Reads the current state of the watched files under `root`.
pub fn scan(root: &Path) -> Snapshot {
    let mut map = BTreeMap::new();
    for w in WATCHED {
        let p = root.join(w);
        for e in walkdir::WalkDir::new(&p)
            .into_iter()
            .filter_entry(|e| e.depth() == 0 || !ignored_in(root, e.path(), &e.file_name().to_string_lossy()))
            .flatten()
        {
            // A link to a file is read as that file (see `files`), so watch the target's time and size.
            let meta = if e.file_type().is_symlink() { std::fs::metadata(e.path()).ok() } else { e.metadata().ok() };
            if let Some(m) = meta.filter(|m| m.is_file()) {
                map.insert(e.path().to_path_buf(), (m.modified().ok(), m.len()));
            }
        }
    }
    Snapshot(map)
}

impl Snapshot {
    /// Files added, removed or changed between `self` and `newer`, relative to `root`.
    pub fn changes(&self, newer: &Snapshot, root: &Path) -> Vec<String> {
        let mut out = Vec::new();
        let rel = |p: &Path| crate::util::path::display(root, p);
        for (p, stamp) in &newer.0 {
            if self.0.get(p) != Some(stamp) {
                out.push(rel(p));
            }
        }
        for p in self.0.keys() {
            if !newer.0.contains_key(p) {
                out.push(rel(p));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ignores_editor_files() {
        for n in [".#01-a.md", ".01-a.md.swp", "01-a.md~", "4913", "#01-a.md#", "x.tmp"] {
            assert!(is_ignored(n), "{n}");
        }
        for n in ["01-a.md", "orgs.yaml", "site.css"] {
            assert!(!is_ignored(n), "{n}");
        }
    }

    #[test]
    fn sees_changes() {
        let root = std::env::temp_dir().join(format!("baipi-watch-{}", std::process::id()));
        std::fs::create_dir_all(root.join("content")).unwrap();
        let a = scan(&root);
        std::fs::write(root.join("content/01.md"), "x").unwrap();
        std::fs::write(root.join("content/.01.md.swp"), "x").unwrap();
        let b = scan(&root);
        assert_eq!(a.changes(&b, &root), ["content/01.md"]);
        std::fs::write(root.join("content/01.md"), "xy").unwrap();
        let c = scan(&root);
        assert_eq!(b.changes(&c, &root), ["content/01.md"]);
        assert!(c.changes(&scan(&root), &root).is_empty());
        std::fs::remove_dir_all(&root).unwrap();
    }
}
