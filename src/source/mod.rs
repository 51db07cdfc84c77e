//! Reading the site's source files: the size limit and the symbolic-link policy.
//!
//! Every file baipi reads from a site (chapters, datasets, `site.toml`, templates,
//! `theme.toml`, static files and images) comes through here, so one set of rules
//! holds everywhere:
//!
//! - **Size**: a text file (Markdown, YAML, TOML, template) may be at most
//!   [`MAX_FILE_BYTES`]. The size is checked on the open file before reading, and the
//!   read itself stops one byte past the limit, so a huge (or growing) file is refused
//!   without being read into memory.
//! - **Only regular files**: a pipe, socket or device with a source file's name is an
//!   error (reading a pipe would block for ever).
//! - **Symbolic links are never followed while walking a folder**, so a link loop cannot
//!   make the walk run for ever. A link found in a source folder is resolved once:
//!   to a regular file inside the site folder, it is read like that file; pointing
//!   outside the site folder, it is refused (nothing outside the site can be published
//!   through a link); broken or looping, it is an error; to a folder, it is refused,
//!   because its files would otherwise be silently left out. Each refusal names the link.

use std::io::Read;
use std::path::{Path, PathBuf};

use crate::diag::{self, Diagnostic, Error, Result, Sink};

pub mod yaml;

use crate::util::path::display;

/// Largest text file read (chapters, datasets, `site.toml`, templates): 8 MiB.
pub const MAX_FILE_BYTES: u64 = 8 * 1024 * 1024;

/// A file found in a source folder.
#[derive(Debug, Clone)]
pub struct SourceFile {
    /// Where the walk found it (a link keeps its own path): names, URLs and messages use this.
    pub path: PathBuf,
    /// What to read: `path` itself, or the target of a link.
    pub real: PathBuf,
    /// `path` relative to the site root, `/`-separated (`content/01-a.md`).
    pub display: String,
}

fn mib(bytes: u64) -> String {
    format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
}

fn too_big(display: &str, len: Option<u64>) -> Error {
    let size = match len {
        Some(n) => format!("{} ({n} bytes)", mib(n)),
        None => "larger than that".into(),
    };
    Error::one(
        Diagnostic::error(
            display,
            0,
            0,
            format!("the file is {size}; baipi reads text files of at most 8 MiB ({MAX_FILE_BYTES} bytes)"),
        )
        .with_help("split a long chapter into several files, or a large dataset into several datasets"),
    )
}

/// What a file that is not a regular file is, in an editor's words.
pub fn kind_of(ft: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if ft.is_fifo() {
            return "a named pipe (FIFO)";
        }
        if ft.is_socket() {
            return "a socket";
        }
        if ft.is_block_device() || ft.is_char_device() {
            return "a device";
        }
    }
    if ft.is_dir() {
        "a folder"
    } else if ft.is_symlink() {
        "a symbolic link"
    } else {
        "not a regular file"
    }
}

/// The error for a source file that is `kind` (a folder, a pipe …) instead of a regular file.
pub fn not_regular(display: &str, kind: &str) -> Error {
    Error::one(
        Diagnostic::error(display, 0, 0, format!("this is {kind}, not a regular file: baipi reads only regular files"))
            .with_help("replace it with an ordinary file (or remove it)"),
    )
}

/// Opens a file for reading without ever waiting, and only if it is a regular file. A pipe
/// with no writer (or some devices) would make a plain open block for ever, so the file is
/// opened non-blocking, and what was opened is checked to be a regular file before a byte of
/// it is read.
fn open_regular(path: &Path, display: &str) -> Result<(std::fs::File, std::fs::Metadata)> {
    let mut opts = std::fs::OpenOptions::new();
    opts.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.custom_flags(libc::O_NONBLOCK | libc::O_NOCTTY);
    }
    let f = opts.open(path).map_err(|e| Error::io(path, e))?;
    let meta = f.metadata().map_err(|e| Error::io(path, e))?;
    if !meta.is_file() {
        return Err(not_regular(display, kind_of(meta.file_type())));
    }
    Ok((f, meta))
}

/// Reads a file's bytes, refusing files over [`MAX_FILE_BYTES`] and anything that is not a
/// regular file, without reading more than the limit.
pub fn read_limited(path: &Path, display: &str) -> Result<Vec<u8>> {
    let (f, meta) = open_regular(path, display)?;
    if meta.len() > MAX_FILE_BYTES {
        return Err(too_big(display, Some(meta.len())));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(|e| Error::io(path, e))?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_big(display, None)); // It grew while being read.
    }
    Ok(bytes)
}

/// Reads a file that is copied as it is (a static file, an image, a font): any size, but only
/// a regular file, opened without waiting (see [`read_limited`]).
pub fn read_binary(path: &Path, display: &str) -> Result<Vec<u8>> {
    let (mut f, meta) = open_regular(path, display)?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    f.read_to_end(&mut bytes).map_err(|e| Error::io(path, e))?;
    Ok(bytes)
}

/// Reads a UTF-8 text file: strips a BOM, turns CRLF into LF, refuses huge or non-UTF-8 files
/// (the latter located at the first bad byte).
pub fn read_text(path: &Path, display: &str) -> Result<String> {
    text_of(read_limited(path, display)?, display)
}

/// The text of a file's bytes, as [`read_text`] gives it.
pub fn text_of(bytes: Vec<u8>, display: &str) -> Result<String> {
    // Checked with SIMD and then copied, which together cost about a tenth of the standard
    // check on Chinese text; an invalid file is looked at again by the standard check, for the
    // place of the first bad byte.
    if let Ok(t) = simdutf8::basic::from_utf8(&bytes) {
        let t = t.strip_prefix('\u{feff}').unwrap_or(t);
        return Ok(if t.contains('\r') { t.replace("\r\n", "\n") } else { t.to_string() });
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let off = e.utf8_error().valid_up_to();
            let valid = String::from_utf8_lossy(&e.as_bytes()[..off]).into_owned();
            let (line, col) = diag::line_col(&valid, off);
            let line_start = valid.rfind('\n').map_or(0, |i| i + 1);
            let line_end = e.as_bytes()[off..].iter().position(|b| *b == b'\n').map_or(e.as_bytes().len(), |p| off + p);
            let lossy = String::from_utf8_lossy(&e.as_bytes()[line_start..line_end]).into_owned();
            return Err(Error::one(
                Diagnostic::error(display, line, col, "the file is not valid UTF-8; save it as UTF-8")
                    .with_snippet(&lossy, off - line_start)
                    .with_help(
                        "the file was probably saved as GBK/GB2312; in the editor choose “Save with encoding: UTF-8”",
                    ),
            ));
        }
    };
    let text = text.strip_prefix('\u{feff}').map(str::to_string).unwrap_or(text);
    Ok(if text.contains('\r') { text.replace("\r\n", "\n") } else { text })
}

/// A TOML reader's error in `src` (the text of `file`: `site.toml`, `theme.toml`) as a located
/// message in an editor's words: types as TOML writes them (a list `[…]`, a table), no Rust
/// type names, the key that is set twice, and a "did you mean" for an unknown key.
pub fn toml_error(file: &str, src: &str, e: &toml::de::Error) -> Diagnostic {
    let (line, col) = e.span().map(|s| diag::line_col(src, s.start)).unwrap_or((0, 0));
    let raw = e.message().trim();
    let msg = if raw == "duplicate key" {
        let key = src.lines().nth(line.saturating_sub(1)).and_then(|l| l.split('=').next()).map(str::trim);
        match key.filter(|k| !k.is_empty()) {
            Some(k) => format!("`{k}` is set twice; a key may appear only once in its table"),
            None => "this key is set twice; a key may appear only once in its table".into(),
        }
    } else {
        toml_words(raw)
    };
    let d = Diagnostic::error(file, line, col, msg).with_source(src);
    match diag::suggest(raw) {
        Some(h) => d.with_help(h),
        None => d,
    }
}

/// The TOML reader's (serde's) words in plain words; see [`yaml::syntax::plain_words`].
fn toml_words(m: &str) -> String {
    let m = m.replace(" as i128", "").replace(" as u128", "");
    let unsigned = ["u8", "u16", "u32", "u64", "usize"].iter().any(|t| m.ends_with(&format!("expected {t}")));
    let mut out = yaml::syntax::plain_words(&m)
        .replace("a list (`- …` lines, or `[…]`)", "a list (`[…]`)")
        .replace("`key: value` lines (a mapping)", "a table (a `[name]` line and `key = value` lines, or `{ … }`)");
    if unsigned {
        out = out.replacen("a whole number", "a whole number, 0 or more", 1);
    }
    // A number of hundreds of digits (`1e308` read as a float) is cut.
    if let Some((head, value)) = out.split_once('`')
        && let Some((value, tail)) = value.split_once('`')
        && value.len() > 40
    {
        out = format!("{head}`{}…`{tail}", &value[..crate::util::text::floor_char_boundary(value, 24)]);
    }
    out
}

/// The site root with links resolved, against which link targets are checked.
pub fn canonical_root(root: &Path) -> Result<PathBuf> {
    root.canonicalize().map_err(|e| Error::io(root, e))
}

/// Checks a path that may be (or pass through) a symbolic link: Ok(real path) when it names a
/// regular file inside `root_canon`, else an input error naming `display`.
pub fn resolve_inside(root_canon: &Path, path: &Path, display: &str) -> Result<PathBuf> {
    let refuse = |msg: String, help: &str| Err(Error::one(Diagnostic::error(display, 0, 0, msg).with_help(help)));
    let target = match path.canonicalize() {
        Ok(t) => t,
        Err(e) => {
            let to = std::fs::read_link(path).map(|t| t.display().to_string()).unwrap_or_default();
            return refuse(
                format!("symbolic link to `{to}` cannot be followed: {e}"),
                "the link is broken or loops; fix or delete it",
            );
        }
    };
    if !target.starts_with(root_canon) {
        return refuse(
            format!(
                "symbolic link points outside the site folder (to {}); baipi reads only files inside the site",
                target.display()
            ),
            if target.is_dir() {
                "copy the folder into the site folder instead of linking to it"
            } else {
                "copy the file into the site folder instead of linking to it"
            },
        );
    }
    if target.is_dir() {
        return refuse(
            "symbolic link to a folder: baipi does not follow links to folders (a link back up would loop, \
             and the files in it would be left out)"
                .into(),
            "move or copy the folder here, or link its files one by one",
        );
    }
    if !target.is_file() {
        let kind = std::fs::metadata(&target).map_or("not a regular file", |m| kind_of(m.file_type()));
        let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
        return if is_link {
            refuse(format!("symbolic link to {kind}, not to a regular file"), "link to a regular file")
        } else {
            refuse(
                format!("this is {kind}, not a regular file: baipi reads only regular files"),
                "replace it with an ordinary file (or remove it)",
            )
        };
    }
    Ok(target)
}

/// Walks `dir` (a source folder of the site at `root`) in file-name order without following
/// symbolic links. Returns the files for which `wanted` holds (regular files, and links that
/// resolve to a regular file inside the site). Every refused link or unreadable entry is a
/// located error in `sink`; links and special files that `wanted` rejects are ignored, except
/// links to folders, which could hold wanted files. Hidden entries (`.name`) are skipped.
pub fn walk(root: &Path, dir: &Path, wanted: &dyn Fn(&Path) -> bool, sink: &mut Sink) -> Result<Vec<SourceFile>> {
    walk_skipping(root, dir, wanted, &|name| name.starts_with('.'), sink)
}

/// As [`walk`] for a `static/` folder, which is published as is: hidden files are kept
/// (`.nojekyll`, `.well-known/security.txt`), and only what [`left_out_of_static`] names is
/// skipped ([`static_left_out`] lists it, for a warning).
pub fn walk_static(root: &Path, dir: &Path, sink: &mut Sink) -> Result<Vec<SourceFile>> {
    walk_skipping(root, dir, &|_| true, &|name| left_out_of_static(name).is_some(), sink)
}

/// Why an entry of `static/` named `name` is not published, if it is not: version-control
/// folders, editors' temporary files, the Finder's `.DS_Store`, and baipi's own file names in an
/// output folder (they would be taken for the output's manifest or a build's temporary file).
pub fn left_out_of_static(name: &str) -> Option<&'static str> {
    if [".git", ".hg", ".svn"].contains(&name) {
        Some("a version-control folder is never published")
    } else if name == ".DS_Store" || name == "Thumbs.db" {
        Some("a file the system's file browser made")
    } else if name == ".baipi-manifest" || name.ends_with(".baipi-tmp") {
        Some("baipi's own name in an output folder")
    } else if name.ends_with('~')
        || name == "4913"
        || name.starts_with(".#")
        || (name.starts_with('#') && name.ends_with('#'))
        || (name.starts_with('.') && [".swp", ".swo", ".swx"].iter().any(|e| name.ends_with(e)))
    {
        Some("an editor's temporary or backup file")
    } else {
        None
    }
}

/// Warnings naming each entry of the `static/` folder `dir` that [`walk_static`] leaves out
/// (a left-out folder once, not its files).
pub fn static_left_out(root: &Path, dir: &Path) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut it = walkdir::WalkDir::new(dir).follow_links(false).sort_by_file_name().into_iter();
    while let Some(Ok(e)) = it.next() {
        if let Some(why) = left_out_of_static(&e.file_name().to_string_lossy()).filter(|_| e.depth() > 0) {
            let shown = crate::util::text::escape_controls(&display(root, e.path())).into_owned();
            out.push(
                Diagnostic::warning(shown, 0, 0, format!("not published: {why}"))
                    .with_help("everything else in static/ is copied as is, hidden files included"),
            );
            if e.file_type().is_dir() {
                it.skip_current_dir();
            }
        }
    }
    out
}

/// Whether the source folder `dir` may be walked: it exists, and if it is a link, the link
/// stays inside the site and names a folder (else the refusal is in `sink`).
fn folder_ok(root: &Path, dir: &Path, root_canon: &Path, sink: &mut Sink) -> bool {
    let Ok(meta) = std::fs::symlink_metadata(dir) else { return false };
    let not_a_folder = |kind: &str, sink: &mut Sink| {
        let shown = crate::util::text::escape_controls(&display(root, dir)).into_owned();
        sink.push(
            Diagnostic::error(shown, 0, 0, format!("this is {kind}, but baipi expects a folder here"))
                .with_help("make it a folder (or remove it, if the site has nothing to put in it)"),
        );
        false
    };
    if !meta.file_type().is_symlink() {
        return meta.is_dir() || not_a_folder(if meta.is_file() { "a file" } else { kind_of(meta.file_type()) }, sink);
    }
    match dir.canonicalize() {
        Ok(t) if t.starts_with(root_canon) && t.is_dir() => true,
        Ok(t) if t.is_dir() => {
            sink.push(
                Diagnostic::error(
                    display(root, dir),
                    0,
                    0,
                    format!(
                        "symbolic link points outside the site folder (to {}); baipi reads only files inside the site",
                        t.display()
                    ),
                )
                .with_help("copy the folder into the site folder instead of linking to it"),
            );
            false
        }
        Ok(_) => not_a_folder("a symbolic link to a file", sink),
        Err(e) => {
            sink.push(Diagnostic::error(display(root, dir), 0, 0, format!("symbolic link cannot be followed: {e}")));
            false
        }
    }
}

/// [`walk`], skipping the entries whose names `skip` holds for (and what is in them).
fn walk_skipping(
    root: &Path,
    dir: &Path,
    wanted: &dyn Fn(&Path) -> bool,
    skip: &dyn Fn(&str) -> bool,
    sink: &mut Sink,
) -> Result<Vec<SourceFile>> {
    let mut out = Vec::new();
    if std::fs::symlink_metadata(dir).is_err() {
        return Ok(out);
    }
    let root_canon = canonical_root(root)?;
    // The folder itself (content/, themes/x/ …) may be a link: the same rules apply to it.
    if !folder_ok(root, dir, &root_canon, sink) {
        return Ok(out);
    }
    let walker = walkdir::WalkDir::new(dir).follow_links(false).sort_by_file_name().into_iter();
    for entry in walker.filter_entry(|e| e.depth() == 0 || !skip(&e.file_name().to_string_lossy())) {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let p = e.path().map(|p| display(root, p)).unwrap_or_else(|| display(root, dir));
                let why = e.io_error().map(|io| io.to_string()).unwrap_or_else(|| e.to_string());
                sink.push(Diagnostic::error(p, 0, 0, format!("cannot read: {why}")));
                continue;
            }
        };
        let path = entry.path();
        let ft = entry.file_type();
        if ft.is_dir() {
            continue;
        }
        // A control character in a name would break the message's line: escaped in messages.
        let shown = crate::util::text::escape_controls(&display(root, path)).into_owned();
        if ft.is_symlink() {
            let is_dir = path.is_dir();
            if !is_dir && !wanted(path) {
                continue;
            }
            if let Some(real) = sink.take(resolve_inside(&root_canon, path, &shown))? {
                out.push(SourceFile { path: path.to_path_buf(), real, display: shown });
            }
            continue;
        }
        if !wanted(path) {
            continue;
        }
        if !ft.is_file() {
            sink.take::<()>(Err(not_regular(&shown, kind_of(ft))))?;
            continue;
        }
        out.push(SourceFile { path: path.to_path_buf(), real: path.to_path_buf(), display: shown });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_crlf_and_limits() {
        assert_eq!(text_of(b"\xEF\xBB\xBFa\r\nb\r\n".to_vec(), "x").unwrap_or_default(), "a\nb\n");
        let Err(Error::Input(d)) = text_of(b"ok\nab\xB5\xB3c\n".to_vec(), "x") else { panic!() };
        assert_eq!((d[0].line, d[0].col), (2, 3));
        assert_eq!(d[0].source_line.as_deref(), Some("ab\u{fffd}\u{fffd}c"));
    }
}
