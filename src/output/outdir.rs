//! Where `build` may write: validating the output folder before anything is written.
//!
//! Writing removes the files of the previous build that the site no longer produces (those
//! its [`super::manifest`] lists), so a wrong folder could lose an editor's work. This module
//! refuses every folder whose replacement could destroy sources: the site root itself, any
//! ancestor of it (which contains `content/`), anything inside `content/`,
//! `data/`, `themes/`, `templates/` or `static/`, and any folder that looks like
//! a site of its own (has `site.toml` or `content/`). A folder outside the root
//! is accepted only when the editor named it with `--output-dir`, never from
//! `site.toml`. A folder that is not empty and has no manifest was not made by baipi: it is
//! refused unless the editor adds `--force` (then nothing in it is removed). All refusals are
//! usage errors (exit code 2).

use std::path::{Component, Path, PathBuf};

use crate::diag::{Error, Result};

/// Source folders of a site that the output may never be placed in.
pub const SOURCE_DIRS: &[&str] = &["content", "data", "themes", "templates", "static"];

/// Makes `p` absolute (against the current directory), resolves `.` and `..`
/// lexically, and resolves symlinks in the longest prefix that exists.
pub fn absolute(p: &Path) -> Result<PathBuf> {
    let cwd = std::env::current_dir().map_err(|e| Error::Io(format!("cannot read the current directory: {e}")))?;
    let joined = if p.is_absolute() { p.to_path_buf() } else { cwd.join(p) };
    let mut clean = PathBuf::new();
    for c in joined.components() {
        match c {
            Component::ParentDir => {
                clean.pop();
            }
            Component::CurDir => {}
            other => clean.push(other.as_os_str()),
        }
    }
    // Canonicalize the deepest existing ancestor so that symlinks cannot hide the root.
    let mut existing = clean.clone();
    let mut rest = Vec::new();
    while !existing.exists() {
        match existing.file_name() {
            Some(n) => rest.push(n.to_os_string()),
            None => break,
        }
        if !existing.pop() {
            break;
        }
    }
    let mut out = existing.canonicalize().unwrap_or(existing);
    for n in rest.into_iter().rev() {
        out.push(n);
    }
    Ok(out)
}

/// The output folder the editor asked for.
pub struct Request<'a> {
    pub dir: &'a Path,
    /// The folder came from `--output-dir` (a folder outside the site is then accepted).
    pub explicit: bool,
    /// The folder as the editor wrote it, for messages.
    pub label: &'a str,
    /// `--force`: build into a non-empty folder that baipi did not make, keeping its files.
    pub force: bool,
}

/// Checks that the requested folder may take the output of the site at `root`. Returns the
/// absolute folder.
pub fn validate(root: &Path, req: &Request) -> Result<PathBuf> {
    let root_abs = absolute(root)?;
    let out = absolute(req.dir)?;
    let shown = req.label;
    let refuse = |why: String, help: &str| {
        Err(Error::Io(format!("refusing to write the site to {shown}: {why}\n  = help: {help}")))
    };
    let pick = "choose a folder of its own, such as public/ (the default)";
    if out == root_abs {
        return refuse("it is the site folder itself, and building replaces the whole output folder".into(), pick);
    }
    if root_abs.starts_with(&out) {
        return refuse(format!("it contains the site folder {} (with content/ and data/)", root_abs.display()), pick);
    }
    for src in SOURCE_DIRS {
        if out.starts_with(root_abs.join(src)) {
            return refuse(format!("it is inside the site's {src}/ folder, whose files it would replace"), pick);
        }
    }
    if out.join("site.toml").exists() || out.join("content").is_dir() {
        return refuse("it holds a site.toml or content/ folder of its own (another site?)".into(), pick);
    }
    if out.exists() && !out.is_dir() {
        return refuse("it exists and is not a folder".into(), "remove the file or choose another folder");
    }
    // A file where a parent folder should be: nothing could be written (not even by root).
    if let Some(file) = out.ancestors().skip(1).find(|a| a.exists()).filter(|a| !a.is_dir()) {
        let file = file.strip_prefix(&root_abs).unwrap_or(file);
        return refuse(
            format!("{} is a file, not a folder, so no folder can be created in it", file.display()),
            "remove the file or choose another folder",
        );
    }
    // A folder marked read-only (no write permission for anyone) is respected even by root,
    // who could otherwise replace it: the editor asked for it not to change.
    if out.is_dir() {
        let read_only = walkdir::WalkDir::new(&out)
            .follow_links(false)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_dir())
            .find(|e| e.metadata().is_ok_and(|m| m.permissions().readonly()));
        if let Some(e) = read_only {
            let which = match e.path().strip_prefix(&out) {
                Ok(rel) if !rel.as_os_str().is_empty() => format!("its folder {} is", rel.display()),
                _ => "it is".to_string(),
            };
            return refuse(
                format!("{which} read-only (no write permission), and building replaces the whole folder"),
                "make it writable (chmod -R u+w) or choose another folder",
            );
        }
    }
    if !req.explicit && !out.starts_with(&root_abs) {
        return refuse(
            "it is outside the site folder".into(),
            "to write outside the site folder, name the folder with --output-dir",
        );
    }
    if !req.force && out.is_dir() && !out.join(super::manifest::FILE).exists() {
        let mut entries = std::fs::read_dir(&out).map_err(|e| Error::io(&out, e))?;
        if entries.next().is_some() {
            return refuse(
                format!("it is not empty and has no {}, so baipi did not make it", super::manifest::FILE),
                "choose an empty or new folder, or add --force to build into it anyway \
                 (baipi then removes nothing that is there, and lists what it wrote for next time)",
            );
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_dangerous_folders() {
        let root = std::env::temp_dir().join(format!("baipi-outdir-{}", std::process::id()));
        std::fs::create_dir_all(root.join("content")).unwrap();
        let ok = |d: &Path, explicit| validate(&root, &Request { dir: d, explicit, label: "x", force: false }).is_ok();
        assert!(ok(&root.join("public"), false));
        assert!(ok(&root.join("a/b/public"), false));
        assert!(!ok(&root, true));
        assert!(!ok(&root.join("content/../"), true));
        assert!(!ok(root.parent().unwrap(), true));
        assert!(!ok(&root.join("content/out"), true));
        assert!(!ok(&root.join("themes/x"), true));
        assert!(!ok(&root.join("../baipi-elsewhere"), false));
        assert!(ok(&root.join("../baipi-elsewhere"), true));
        std::fs::remove_dir_all(&root).unwrap();
    }
}
