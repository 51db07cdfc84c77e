//! The output: what a build produces ([`Output`], path → bytes) and where it goes.
//!
//! - [`Emitter`] takes each rendered file: it keeps it in memory, or hands it (with its
//!   precompressed `.gz` copy) to a [`Stager`] that writes it while the rest renders.
//! - [`stager`]: writing into the output folder, changing only what differs, nothing final
//!   before the commit; [`manifest`]: which files of the folder baipi wrote (the only ones it
//!   removes); [`outdir`]: which folders `build` may write to at all; [`interrupt`]: a build
//!   stopped by Ctrl-C or `SIGTERM` removes what it wrote.
//!
//! `serve` takes the [`Output`] from memory instead and never touches the disk.

use std::collections::BTreeMap;

use rayon::prelude::*;

use crate::diag::{Diagnostic, Result};

pub mod interrupt;
pub mod manifest;
pub mod outdir;
pub mod stager;

pub use stager::{Stager, WriteStats, write};

/// The rendered site: output path (relative, `/`-separated) → bytes.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Output {
    pub files: BTreeMap<String, Vec<u8>>,
    /// Problems found while rendering that do not stop the build.
    pub warnings: Vec<Diagnostic>,
    /// Time spent in each part of rendering, in order (shown by `build --verbose`).
    pub stages: Vec<(&'static str, std::time::Duration)>,
    /// Files already handed to the [`Stager`] while rendering (path → size): not in `files`.
    pub staged: BTreeMap<String, usize>,
    /// Under `serve`: the PDF edition's path; it is typeset when it is requested.
    pub pdf_later: Option<String>,
}

/// A file rendered: kept in memory, or staged (its size, and its `.gz` copy's).
pub enum Emitted {
    Kept(Vec<u8>),
    Staged((usize, Option<usize>)),
}

impl Output {
    /// Records a rendered file: kept in `files`, or noted (with its `.gz` copy) in `staged`.
    pub fn add(&mut self, path: String, file: Emitted) {
        match file {
            Emitted::Kept(bytes) => {
                self.files.insert(path, bytes);
            }
            Emitted::Staged((size, gz)) => {
                if let Some(n) = gz {
                    self.staged.insert(format!("{path}.gz"), n);
                }
                self.staged.insert(path, size);
            }
        }
    }

    /// Every output path with its size, in order (`files` and `staged` together).
    pub fn sizes(&self) -> Vec<(&str, usize)> {
        let mut v: Vec<(&str, usize)> = self
            .files
            .iter()
            .map(|(p, b)| (p.as_str(), b.len()))
            .chain(self.staged.iter().map(|(p, n)| (p.as_str(), *n)))
            .collect();
        v.sort_unstable();
        v
    }
}

/// Where rendered files go: into memory, or through a stager (with their `.gz` copies).
#[derive(Clone, Copy)]
pub struct Emitter<'a> {
    pub stager: Option<&'a Stager>,
    /// Whether text files get a `.gz` copy (`[build] precompress`).
    pub precompress: bool,
}

impl<'a> Emitter<'a> {
    /// Hands a file to the stager (with its `.gz` copy), or gives it back to keep in memory.
    pub fn emit(&self, path: &str, bytes: Vec<u8>) -> Result<Emitted> {
        let Some(st) = self.stager else { return Ok(Emitted::Kept(bytes)) };
        st.stage(path, &bytes)?;
        let gz = match self.precompress.then(|| gzip(path, &bytes)).flatten() {
            Some(gz) => {
                st.stage(&format!("{path}.gz"), &gz)?;
                Some(gz.len())
            }
            None => None,
        };
        Ok(Emitted::Staged((bytes.len(), gz)))
    }

    /// The same emitter without its stager when `failed` (a chapter with errors is
    /// rendered for its messages only, never written).
    pub fn unless(self, failed: bool) -> Emitter<'a> {
        Emitter { stager: self.stager.filter(|_| !failed), ..self }
    }
}

/// Adds a `.gz` copy of every text file over 512 bytes, for nginx `gzip_static` or a CDN.
/// Deterministic: no file name or time in the gzip header.
/// A `.gz` file that is already there (a static file the editor compressed themselves) stays as
/// it is.
pub fn precompress(out: &mut Output) {
    let files: Vec<(&String, &Vec<u8>)> = out.files.iter().collect();
    let gz: Vec<(String, Vec<u8>)> = files
        .par_iter()
        .filter(|(p, _)| !out.files.contains_key(&format!("{p}.gz")))
        .filter_map(|(p, b)| Some((format!("{p}.gz"), gzip(p, b)?)))
        .collect();
    out.files.extend(gz);
}

/// Whether a file gets a `.gz` copy when precompressing: a text file over 512 bytes.
pub fn compressible(path: &str, bytes: &[u8]) -> bool {
    let text = [".html", ".css", ".js", ".svg", ".json", ".csv", ".xml", ".txt"];
    bytes.len() > 512 && text.iter().any(|e| path.ends_with(e))
}

/// The `.gz` copy of a text file over 512 bytes (None for other files).
pub fn gzip(path: &str, bytes: &[u8]) -> Option<Vec<u8>> {
    use std::io::Write;
    if !compressible(path, bytes) {
        return None;
    }
    let mut e = flate2::GzBuilder::new().mtime(0).write(Vec::new(), flate2::Compression::default());
    e.write_all(bytes).ok()?;
    e.finish().ok()
}
