//! Path helpers for site-relative, `/`-separated paths.

use std::path::Path;

/// `path` relative to `root` with `/` separators, for messages and output paths. Only on
/// Windows is `\\` a separator; elsewhere it is a character of a file name and stays one (so a
/// file named `x\\..\\y` is never read as a path that climbs out of its folder).
pub fn display(root: &Path, path: &Path) -> String {
    slashed(path.strip_prefix(root).unwrap_or(path))
}

/// A relative path as text with `/` separators (see [`display`] about `\\`).
pub fn slashed(rel: &Path) -> String {
    let text = rel.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '\\' { text.replace('\\', "/") } else { text.into_owned() }
}

/// Whether `rel` is a clean relative output path: `/`-separated segments, none empty, `.` or
/// `..`, and no `\\` or control character anywhere. Only such paths are ever written.
pub fn is_clean_relative(rel: &str) -> bool {
    !rel.is_empty()
        && !rel.contains(|c: char| c == '\\' || c.is_control())
        && rel.split('/').all(|seg| !seg.is_empty() && seg != "." && seg != "..")
}

/// The first character that keeps `slug`, a chapter's URL path taken from its file name
/// (`sub/03-x`), from being a clean URL path, if any: each `/`-separated segment must be
/// non-empty, may hold letters and digits of any script, `-`, `_` and `.`, and may not start
/// with `.` (so no `..`). Anything else (`?`, `#`, `%`, `\\`, spaces, control characters, the
/// replacement character of a name that is not UTF-8) would need escaping in every link.
pub fn slug_path_problem(slug: &str) -> Option<char> {
    for seg in slug.split('/') {
        match seg.chars().next() {
            None => return Some('/'),
            Some('.') => return Some('.'),
            Some(_) => {}
        }
        if let Some(c) = seg.chars().find(|c| !(c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))) {
            return Some(c);
        }
    }
    None
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
    fn clean_relative_paths() {
        for ok in ["index.html", "a/b.css", ".nojekyll", "数据/表.csv"] {
            assert!(is_clean_relative(ok), "{ok}");
        }
        for bad in ["", "/etc/passwd", "a//b", "a/./b", "../x", "a/..", "x\\..\\y", "a\nb", "a/b/"] {
            assert!(!is_clean_relative(bad), "{bad:?}");
        }
    }

    #[test]
    fn slug_paths() {
        for ok in ["01-a", "sub/03_x", "数据/表", "v1.2"] {
            assert_eq!(slug_path_problem(ok), None, "{ok}");
        }
        for (bad, c) in [("a?b", '?'), ("a#b", '#'), ("a%2e", '%'), ("x\\..", '\\'), ("a b", ' '), ("a\nb", '\n')] {
            assert_eq!(slug_path_problem(bad), Some(c), "{bad:?}");
        }
        assert_eq!(slug_path_problem("a/../b"), Some('.'));
        assert_eq!(slug_path_problem("a//b"), Some('/'));
    }

    #[test]
    fn normalizes_paths() {
        assert_eq!(normalize("", "02-x.md").as_deref(), Some("02-x.md"));
        assert_eq!(normalize("a", "../b.md").as_deref(), Some("b.md"));
        assert_eq!(normalize("", "../b.md"), None);
    }
}
