//! The PDF edition's typesetting: a template, its files and fonts → PDF bytes, with Typst.
//!
//! Takes a [`Job`]: the main template (Typst source), the other files it may read — the
//! theme's `pdf/` folder, and the build's own virtual files (the document tree as JSON, the
//! charts' SVG, the chapters' images) — and the font files. Produces the PDF, or located
//! diagnostics: an error in a template names its `.typ` file, line and column.
//!
//! The [`World`](typst::World) Typst compiles in serves exactly those files from memory: no
//! path reaches the disk, so a template (let alone a chapter, which is data in the JSON and
//! never Typst code) cannot read anything else. Fonts are only the theme's (no fonts of the
//! machine), dates come only from the data (`datetime.today()` is an error), and the PDF gets
//! a fixed identifier and no timestamp: two builds are byte-identical.
//!
//! Without the cargo feature `pdf` (off by default), [`compile`] is not available and the
//! build says once that the PDF edition was skipped.

use std::collections::BTreeMap;

/// What to typeset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Job {
    /// Virtual path of the main template (`/paper.typ`).
    pub main: String,
    /// Virtual path (`/paper.typ`, `/baipi/paper.json`) → the file, with its name as reported.
    pub files: BTreeMap<String, JobFile>,
    /// Font files (OpenType), with their names as reported.
    pub fonts: Vec<JobFile>,
    /// A stable identifier of the document (hashed into the PDF's id).
    pub ident: String,
}

/// One file of a [`Job`].
#[derive(Clone, PartialEq, Eq)]
pub struct JobFile {
    /// How messages name it: `themes/default/pdf/paper.typ`, or for a virtual file what it
    /// was made from (`content/04-portrait.md`).
    pub display: String,
    pub bytes: std::sync::Arc<Vec<u8>>,
}

impl std::fmt::Debug for JobFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({} bytes)", self.display, self.bytes.len())
    }
}

/// Whether this binary can typeset PDF (built with the cargo feature `pdf`).
pub const AVAILABLE: bool = cfg!(feature = "pdf");

#[cfg(feature = "pdf")]
mod world;

#[cfg(feature = "pdf")]
pub use world::compile;

#[cfg(feature = "pdf")]
pub use world::check_image;

/// Without the feature no image is decoded.
#[cfg(not(feature = "pdf"))]
pub fn check_image(_: &str, _: &std::sync::Arc<Vec<u8>>) -> Result<(), String> {
    Ok(())
}
