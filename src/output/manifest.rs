//! The manifest: which files of an output folder baipi wrote.
//!
//! Every build writes `.baipi-manifest` at the top of the output folder: one path per line
//! (relative, `/`-separated, sorted) of every file the build produced. The next build removes
//! only files listed there that the site no longer produces; anything else in the folder — a
//! `CNAME`, a `.git/` of a gh-pages checkout — is never touched. A folder that is not empty
//! and has no manifest was not made by baipi: `build` refuses it unless `--force` is given
//! (see [`super::outdir`]).

use std::collections::BTreeSet;
use std::path::Path;

use crate::diag::{Error, Result};

/// The manifest's file name, at the top of the output folder.
pub const FILE: &str = ".baipi-manifest";

const HEADER: &str = "# baipi: the files the last build wrote into this folder; the next build removes only these.";

/// The paths listed in `dir`'s manifest; `None` when there is none.
pub fn read(dir: &Path) -> Result<Option<BTreeSet<String>>> {
    let path = dir.join(FILE);
    if std::fs::symlink_metadata(&path).is_err_and(|e| e.kind() == std::io::ErrorKind::NotFound) {
        return Ok(None);
    }
    // Opened without waiting, and only if it is a regular file (a pipe would block the build).
    let bytes = crate::source::read_binary(&path, FILE).map_err(|e| match e {
        Error::Input(ds) => {
            Error::Io(format!("{}: {}", path.display(), ds.into_iter().next().map(|d| d.message).unwrap_or_default()))
        }
        e => e,
    })?;
    let text = String::from_utf8_lossy(&bytes);
    Ok(Some(text.lines().filter(|l| !l.is_empty() && !l.starts_with('#')).filter_map(listed).collect()))
}

/// A listed path, if it is one baipi could have written: relative, no `.` or `..` segment.
fn listed(line: &str) -> Option<String> {
    let ok = !line.starts_with('/') && line.split('/').all(|s| !s.is_empty() && s != "." && s != "..");
    ok.then(|| line.to_string())
}

/// Writes the manifest listing `paths` (through a temporary file and a rename).
pub fn write<'a>(dir: &Path, paths: impl Iterator<Item = &'a str>) -> Result<()> {
    let mut sorted: Vec<&str> = paths.filter(|p| *p != FILE).collect();
    sorted.sort_unstable();
    sorted.dedup();
    let mut text = String::with_capacity(HEADER.len() + sorted.iter().map(|p| p.len() + 1).sum::<usize>() + 1);
    text.push_str(HEADER);
    text.push('\n');
    for p in sorted {
        text.push_str(p);
        text.push('\n');
    }
    let path = dir.join(FILE);
    let tmp = dir.join(format!("{FILE}.{}.baipi-tmp", std::process::id()));
    std::fs::write(&tmp, text).map_err(|e| Error::io(&tmp, e))?;
    std::fs::rename(&tmp, &path).map_err(|e| Error::io(&path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_unsafe_lines() {
        let dir = std::env::temp_dir().join(format!("baipi-manifest-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        assert_eq!(read(&dir).unwrap(), None);
        write(&dir, ["b/index.html", "a.css", FILE, "a.css"].into_iter()).unwrap();
        let got = read(&dir).unwrap().unwrap();
        assert_eq!(got.into_iter().collect::<Vec<_>>(), ["a.css", "b/index.html"]);
        std::fs::write(dir.join(FILE), "# x\n../up\n/abs\na/./b\nok.txt\n\n").unwrap();
        assert_eq!(read(&dir).unwrap().unwrap().into_iter().collect::<Vec<_>>(), ["ok.txt"]);
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
