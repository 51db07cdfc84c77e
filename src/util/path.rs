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

/// Longest part (file or folder name) of an output path, in bytes. File systems allow 255
/// (NAME_MAX); a build adds up to 25 for its temporary file (`.NAME.PID.baipi-tmp`) and `.gz`
/// copy, and a fingerprint adds 9 to a CSS or JS file's name, so 200 leaves room for all of them.
pub const MAX_NAME_BYTES: usize = 200;

/// Longest output path, relative to the output folder, in bytes: a quarter of PATH_MAX (4096),
/// leaving the rest to the output folder's own path.
pub const MAX_PATH_BYTES: usize = 1024;

/// Why the output path `path` (`/`-separated, or one name) is too long to be written on every
/// file system, if it is: a part over [`MAX_NAME_BYTES`] or the whole over [`MAX_PATH_BYTES`].
pub fn length_problem(path: &str) -> Option<String> {
    if let Some(seg) = path.split('/').find(|s| s.len() > MAX_NAME_BYTES) {
        return Some(format!(
            "the name `{}` in it is {} bytes long, and a file or folder name in the output may have at most {MAX_NAME_BYTES} bytes",
            super::text::head(seg, 24),
            seg.len()
        ));
    }
    (path.len() > MAX_PATH_BYTES).then(|| {
        format!("it is {} bytes long, and a path in the output may have at most {MAX_PATH_BYTES} bytes", path.len())
    })
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
    fn lengths() {
        assert_eq!(length_problem(&"a".repeat(200)), None);
        assert_eq!(length_problem(&format!("{}/x", "a".repeat(200))), None);
        let e = length_problem(&format!("x/{}", "数".repeat(67))).unwrap_or_default();
        assert!(e.starts_with("the name `数数数数数数数数…` in it is 201 bytes long"), "{e}");
        let deep = vec!["abcdefgh"; 120].join("/");
        assert_eq!(
            length_problem(&deep).unwrap_or_default(),
            "it is 1079 bytes long, and a path in the output may have at most 1024 bytes"
        );
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
