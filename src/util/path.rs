//! Path helpers for site-relative, `/`-separated paths.

use std::path::Path;

/// `path` relative to `root` with `/` separators, for messages.
pub fn display(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).to_string_lossy().replace('\\', "/")
}

/// Joins a relative link path onto a chapter's folder (`a` + `../b.md` → `b.md`).
pub fn normalize(dir: &str, path: &str) -> Option<String> {
    let mut parts: Vec<&str> = if dir.is_empty() { Vec::new() } else { dir.split('/').collect() };
    for seg in path.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalizes_paths() {
        assert_eq!(normalize("", "02-x.md").as_deref(), Some("02-x.md"));
        assert_eq!(normalize("a", "../b.md").as_deref(), Some("b.md"));
        assert_eq!(normalize("", "../b.md"), None);
    }
}
